#!/usr/bin/env bash
# launch.sh TOOL [ARG...]: run a deploy-actions tool from its action.yml.
#
# Every action.yml runs "$GITHUB_ACTION_PATH/../launch.sh" <tool>, so this
# file sits next to the action folders in both trees it supports:
#
#   release tree (what `uses: org/deploy-actions/<tool>@v1` checks out):
#     launch.sh, <tool>/action.yml, bin/<tool>-linux-<x86_64|aarch64>,
#     SHA256SUMS. The binary is checked against SHA256SUMS before it runs;
#     a missing or different checksum refuses to run it.
#   main tree (a source checkout): actions/launch.sh,
#     actions/<tool>/action.yml, build/bin/<tool>. Without the binary it is
#     built first with `make -C <repo> build/bin/<tool>`.
#
# Inputs do not pass through here: the tool reads them from DA_INPUTS,
# which the action sets to toJSON(inputs). Extra arguments are handed to the
# tool unchanged. Exit status is the tool's; 3 when it cannot be started.
set -euo pipefail

die() {
	printf '%s: %s\n' "${tool:-launch.sh}" "$1" >&2
	exit 3
}

tool=
[ $# -ge 1 ] || die "usage: launch.sh TOOL [ARG...]"
case $1 in
coverage-gate | terraform-plan-summary | data-residency-check | \
	smoke-test | blue-green-switch | rollback) tool=$1 ;;
*) die "unknown tool '$1'" ;;
esac
shift

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P) ||
	die "cannot find the directory of launch.sh"

os=$(uname -s)
[ "$os" = Linux ] ||
	die "unsupported operating system '$os': the release has Linux binaries only; use a Linux runner (runs-on: ubuntu-latest)"

if [ -f "$here/SHA256SUMS" ]; then
	# Release tree.
	machine=$(uname -m)
	case $machine in
	x86_64 | amd64) arch=x86_64 ;;
	aarch64 | arm64) arch=aarch64 ;;
	*) die "unsupported architecture '$machine': the release has x86_64 and aarch64 binaries only" ;;
	esac
	rel="bin/$tool-linux-$arch"
	bin="$here/$rel"
	[ -f "$bin" ] ||
		die "no binary '$rel' in the release tree at '$here'; this release does not support $arch"
	want=$(awk -v f="$rel" '$2 == f || $2 == "*" f { print $1; exit }' \
		"$here/SHA256SUMS") ||
		die "cannot read '$here/SHA256SUMS'"
	[ -n "$want" ] ||
		die "'$rel' is not listed in '$here/SHA256SUMS'; refusing to run an unverified binary"
	if command -v sha256sum >/dev/null 2>&1; then
		got=$(sha256sum <"$bin") || die "cannot read '$bin'"
	elif command -v shasum >/dev/null 2>&1; then
		got=$(shasum -a 256 <"$bin") || die "cannot read '$bin'"
	else
		die "neither sha256sum nor shasum found; cannot verify '$rel'"
	fi
	got=${got%% *}
	[ "$got" = "$want" ] ||
		die "checksum mismatch for '$rel': SHA256SUMS says $want, the file is $got; refusing to run it, fetch the release again"
	[ -x "$bin" ] || die "'$bin' is not executable"
	exec "$bin" "$@"
fi

# Main tree: <repo>/actions/launch.sh.
repo=$(dirname -- "$here")
bin="$repo/build/bin/$tool"
if [ ! -x "$bin" ]; then
	[ -f "$repo/Makefile" ] ||
		die "no binary at '$bin' and no Makefile in '$repo' to build it"
	command -v make >/dev/null 2>&1 ||
		die "no binary at '$bin' and make is not installed to build it"
	printf '%s: no binary at build/bin/%s; building it with make (takes a few minutes the first time)\n' \
		"$tool" "$tool" >&2
	# make's output goes to stderr so that stdout stays the tool's.
	make -C "$repo" "build/bin/$tool" >&2 ||
		die "building '$bin' failed; see the make output above"
	[ -x "$bin" ] || die "make did not produce '$bin'"
fi
exec "$bin" "$@"
