#!/bin/sh
# make demo: the whole pipeline of the design documents on loopback.
# The tools' checks arrive with their own issues; until then the demo shows
# the six static binaries that the pipeline will run.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
echo "deploy-actions demo"
echo
for t in coverage-gate terraform-plan-summary data-residency-check \
	 smoke-test blue-green-switch rollback; do
	size=$(wc -c <"build/bin/$t")
	printf '  %-24s %8d bytes  %s\n' "$t" "$size" \
		"$(build/bin/"$t" --version | head -n 1)"
done
echo
echo "The end-to-end pipeline (coverage, plan summary, residency, blue-green deploy"
echo "behind nginx, smoke test, automatic rollback) arrives with the tools."
