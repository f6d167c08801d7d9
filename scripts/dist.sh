#!/usr/bin/env bash
# dist.sh: assemble the release tree from the built binaries (make dist).
#
#   DIST_DIR=dist scripts/dist.sh
#
# The release tree is what the release branch/tag holds, so that
# `uses: org/deploy-actions/<tool>@v1` finds <tool>/action.yml at the root:
#
#   <tool>/action.yml             one per tool, as in actions/<tool>/
#   launch.sh                     verifies and runs bin/<tool>-linux-<arch>
#   bin/<tool>-linux-x86_64       static binaries, named by their ELF machine
#   bin/<tool>-linux-aarch64      (when build/bin-aarch64/ holds them)
#   SHA256SUMS                    `sha256sum -c SHA256SUMS` verifies bin/*
#   README.md, action-docs/*.md, VERSION
#
# build/bin/ holds the binaries of this machine's architecture. The other
# architecture is not cross-compiled here: release.yml builds aarch64
# natively on an ARM runner and puts those binaries in build/bin-aarch64/
# before calling this script.
#
# DIST_DIR (default dist) is replaced as a whole; a directory that is not
# a release tree (no SHA256SUMS) and not empty is refused. DA_BIN and
# DA_BIN_AARCH64 override build/bin and build/bin-aarch64.
set -euo pipefail

top=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
dist=${DIST_DIR:-$top/dist}
bin_native=${DA_BIN:-$top/build/bin}
bin_aarch64=${DA_BIN_AARCH64:-$top/build/bin-aarch64}
tools=(coverage-gate terraform-plan-summary data-residency-check
	smoke-test blue-green-switch rollback)

die() {
	printf 'dist: %s\n' "$1" >&2
	exit 1
}

# Prints x86_64 or aarch64 for a static ELF binary, from its header
# (e_machine at offset 18, little-endian), so a binary is never shipped
# under the wrong name.
elf_arch() {
	local magic machine
	magic=$(od -An -tx1 -N4 -- "$1" | tr -d ' \n')
	[ "$magic" = 7f454c46 ] || return 1
	machine=$(od -An -tu2 -j18 -N2 -- "$1" | tr -d ' \n')
	case $machine in
	62) echo x86_64 ;;
	183) echo aarch64 ;;
	*) return 1 ;;
	esac
}

case $dist in
/*) ;;
*) dist=$PWD/$dist ;;
esac
if [ -e "$dist" ]; then
	[ -d "$dist" ] || die "'$dist' exists and is not a directory"
	if [ -n "$(ls -A -- "$dist")" ] && [ ! -f "$dist/SHA256SUMS" ]; then
		die "'$dist' is not empty and is not a release tree; refusing to replace it"
	fi
fi

mkdir -p -- "$(dirname -- "$dist")"
stage=$(mktemp -d "${dist%/}.tmp.XXXXXX")
trap 'rm -rf -- "$stage"' EXIT
mkdir -p "$stage/bin" "$stage/action-docs"

install -m 0755 "$top/actions/launch.sh" "$stage/launch.sh"
for t in "${tools[@]}"; do
	[ -f "$top/actions/$t/action.yml" ] || die "missing actions/$t/action.yml"
	mkdir -p "$stage/$t"
	install -m 0644 "$top/actions/$t/action.yml" "$stage/$t/action.yml"

	found=0
	for dir in "$bin_native" "$bin_aarch64"; do
		[ -d "$dir" ] || continue
		b=$dir/$t
		if [ ! -f "$b" ]; then
			[ "$dir" = "$bin_native" ] &&
				die "missing $b; run make first"
			die "missing $b while other binaries are there"
		fi
		arch=$(elf_arch "$b") ||
			die "'$b' is not an x86_64 or aarch64 ELF binary"
		dest=$stage/bin/$t-linux-$arch
		[ -e "$dest" ] &&
			die "two $arch binaries for $t ($bin_native and $bin_aarch64)"
		install -m 0755 "$b" "$dest"
		found=1
	done
	[ $found = 1 ] || die "no binary for $t; run make first"

	if [ -f "$top/action-docs/$t.md" ]; then
		install -m 0644 "$top/action-docs/$t.md" "$stage/action-docs/$t.md"
	else
		die "missing action-docs/$t.md; run make docs"
	fi
done

if [ -f "$top/README.md" ]; then
	install -m 0644 "$top/README.md" "$stage/README.md"
else
	{
		echo "# deploy-actions"
		echo
		echo "Release tree: each action runs a static Linux binary"
		echo "(x86_64, aarch64) checked against SHA256SUMS before it runs."
		echo
		echo "| action | usage |"
		echo "|---|---|"
		for t in "${tools[@]}"; do
			echo "| [$t](action-docs/$t.md) | \`uses: org/deploy-actions/$t@v1\` |"
		done
	} >"$stage/README.md"
fi
[ -f "$top/VERSION" ] && install -m 0644 "$top/VERSION" "$stage/VERSION"
for f in LICENSE LICENSE.md COPYING; do
	[ -f "$top/$f" ] && install -m 0644 "$top/$f" "$stage/$f"
done

(cd "$stage" && LC_ALL=C sha256sum bin/* >SHA256SUMS) ||
	die "cannot write SHA256SUMS"
(cd "$stage" && sha256sum --quiet -c SHA256SUMS) ||
	die "SHA256SUMS does not verify right after writing it"

rm -rf -- "$dist"
mv -- "$stage" "$dist"
trap - EXIT
n=$(wc -l <"$dist/SHA256SUMS")
printf 'dist: wrote %s/ (%d actions, %d binaries)\n' "${dist#"$PWD"/}" \
	"${#tools[@]}" "$n"
