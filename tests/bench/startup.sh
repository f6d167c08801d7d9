#!/bin/sh
# Start-up cost of each static tool (--version: parse, link-time init, exit),
# against curl's own --version as the reference for a small C program that
# links the same HTTP library. Prints mean times and the ratio; asserts nothing.
set -u
top=${DA_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
command -v hyperfine >/dev/null 2>&1 || { echo "hyperfine missing (apt-get install hyperfine)"; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
ref_ms=
if command -v curl >/dev/null 2>&1; then
	hyperfine -N -w 20 -r 200 --export-json "$out/curl.json" 'curl --version' >/dev/null 2>&1 &&
		ref_ms=$(jq '.results[0].mean * 1000' "$out/curl.json")
fi
printf '%-24s %10s %10s %12s\n' tool mean_ms size_kb "vs curl"
for t in coverage-gate terraform-plan-summary data-residency-check smoke-test blue-green-switch rollback; do
	bin=$top/build/bin/$t
	hyperfine -N -w 20 -r 200 --export-json "$out/$t.json" "$bin --version" >/dev/null 2>&1 || continue
	ms=$(jq '.results[0].mean * 1000' "$out/$t.json")
	kb=$(( $(wc -c <"$bin") / 1024 ))
	ratio=-
	[ -n "$ref_ms" ] && ratio=$(echo "$ms $ref_ms" | awk '{ printf "%.2fx", $1 / $2 }')
	printf '%-24s %10.2f %10d %12s\n' "$t" "$ms" "$kb" "$ratio"
done
[ -n "$ref_ms" ] && printf '%-24s %10.2f\n' "curl --version" "$ref_ms"
exit 0
