#!/bin/sh
# gen-docs.sh: action-docs/<tool>.md from action.yml, `<tool> --options-json`,
# `<tool> --help` and actions/<tool>/doc.md when there is one; --check says
# which docs are stale, --sync-inputs rewrites action.yml inputs from the
# option table. See --help.
#
# Needs the binaries (make) and the test dependencies (npm ci --prefix tests).
here=$(cd "$(dirname "$0")" && pwd) || exit 2
if ! command -v node >/dev/null 2>&1; then
	echo "gen-docs: node not found; install Node.js 18 or newer" >&2
	exit 2
fi
if [ ! -d "$here/../tests/node_modules/yaml" ]; then
	echo "gen-docs: the 'yaml' package is missing; run: npm ci --prefix tests" >&2
	exit 2
fi
exec node "$here/gen-docs.mjs" "$@"
