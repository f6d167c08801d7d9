#!/usr/bin/env bash
# The release tree from scripts/dist.sh (what `make dist` builds and
# release.yml publishes): its layout, SHA256SUMS, each of the six actions
# run through the harness from there, and launch.sh refusing a binary that
# does not match SHA256SUMS or an architecture it has no binary for.
. "$(dirname -- "$0")/lib.sh"
need_node_modules
need_bins
fail_if_missing sha256sum coreutils

RA=$DA_TOP/scripts/run-action
mkdir -p "$T/ws"
version=$(cat "$DA_TOP/VERSION")

case $(uname -m) in
x86_64) arch=x86_64 ;;
aarch64) arch=aarch64 ;;
*) _tap_bail "no release binaries for $(uname -m)" ;;
esac

run env DIST_DIR="$T/dist" "$DA_TOP/scripts/dist.sh"
is "$rc" 0 "dist.sh builds a release tree into DIST_DIR"
[ "$rc" = 0 ] || diag "$err"

# Move it away from the checkout: the tree must stand on its own.
mv "$T/dist" "$T/release"
D=$T/release

ok "$([ -x "$D/launch.sh" ]; echo $?)" "launch.sh at the root, executable"
ok "$([ -f "$D/README.md" ]; echo $?)" "README.md at the root"
for t in "${DA_TOOLS[@]}"; do
	ok "$(cmp -s "$D/$t/action.yml" "$DA_TOP/actions/$t/action.yml"; echo $?)" \
		"$t/action.yml at the root, as in actions/"
	ok "$(cmp -s "$D/bin/$t-linux-$arch" "$DA_BIN/$t"; echo $?)" \
		"bin/$t-linux-$arch is build/bin/$t"
	ok "$(cmp -s "$D/action-docs/$t.md" "$DA_TOP/action-docs/$t.md"; echo $?)" \
		"action-docs/$t.md is in the tree"
done
is "$(cd "$D" && awk '{ print $2 }' SHA256SUMS | sort | tr '\n' ' ')" \
	"$(for t in "${DA_TOOLS[@]}"; do echo "bin/$t-linux-$arch"; done | sort | tr '\n' ' ')" \
	"SHA256SUMS lists the six binaries and nothing else"
run sh -c "cd '$D' && sha256sum -c SHA256SUMS"
is "$rc" 0 "sha256sum -c SHA256SUMS verifies"
is "$(grep -c ': OK$' <<<"$out")" 6 "all six binaries verify"

# A second run replaces the tree; a directory that is not one is refused.
run env DIST_DIR="$D" "$DA_TOP/scripts/dist.sh"
is "$rc" 0 "dist.sh replaces an existing release tree"
mkdir -p "$T/precious"
echo keep >"$T/precious/file"
run env DIST_DIR="$T/precious" "$DA_TOP/scripts/dist.sh"
is "$rc" 1 "dist.sh refuses to replace a directory that is not a release tree"
is "$(cat "$T/precious/file")" "keep" "and leaves it alone"

# aarch64 binaries (built natively on an ARM runner by release.yml) are
# named from their ELF header. Stand-ins: an ELF header with e_machine 183.
mkdir -p "$T/arm"
for t in "${DA_TOOLS[@]}"; do
	printf '\177ELF\002\001\001\000\000\000\000\000\000\000\000\000\002\000\267\000%s' "$t" >"$T/arm/$t"
done
run env DIST_DIR="$T/dist2" DA_BIN_AARCH64="$T/arm" "$DA_TOP/scripts/dist.sh"
is "$rc" 0 "dist.sh takes aarch64 binaries from a second directory"
is "$(cd "$T/dist2" && ls bin | grep -c -- '-linux-aarch64$')" 6 "six -linux-aarch64 binaries"
ok "$(cmp -s "$T/dist2/bin/rollback-linux-aarch64" "$T/arm/rollback"; echo $?)" \
	"named by their ELF machine, bytes unchanged"
run sh -c "cd '$T/dist2' && sha256sum -c SHA256SUMS"
is "$(grep -c ': OK$' <<<"$out")" 12 "SHA256SUMS covers both architectures"
printf 'not an ELF file\n' >"$T/arm/smoke-test"
run env DIST_DIR="$T/dist3" DA_BIN_AARCH64="$T/arm" "$DA_TOP/scripts/dist.sh"
is "$rc" 1 "a file that is not an ELF binary is refused"
like "$err" "is not an x86_64 or aarch64 ELF binary" "saying so"
run env DIST_DIR="$T/dist3" DA_BIN_AARCH64="$DA_BIN" "$DA_TOP/scripts/dist.sh"
is "$rc" 1 "x86_64 binaries in the aarch64 directory are refused"
like "$err" "two $arch binaries" "as a second $arch binary"

for t in "${DA_TOOLS[@]}"; do
	a=$D/$t
	run "$RA" --workspace "$T/ws" --append-args --help "$a"
	is "$rc" 0 "release $t --help exits 0"
	like "$out" "[Uu]sage: $t" "release $t --help prints the usage"

	run "$RA" --workspace "$T/ws" --append-args --version "$a"
	is "$rc" 0 "release $t --version exits 0"
	like "$(sed -n 1p <<<"$out")" "^$t $version \(rev " "release $t --version names the tool"

	run "$RA" --workspace "$T/ws" --append-args --no-such-flag "$a"
	is "$rc" 2 "release $t with a bad flag exits 2"
	is "$(lines "$err")" 1 "release $t bad flag: one line on stderr"
	like "$err" "no-such-flag" "release $t bad flag: the line names it"

	run "$RA" --workspace "$T/ws" --with no-such-input=1 "$a"
	is "$rc" 2 "release $t with an unknown input exits 2"
	is "$(grep -v '^Warning: Unexpected input(s)' <<<"$err" | wc -l)" 1 \
		"release $t unknown input: the tool prints one line"
	like "$err" "$t: .*no-such-input" "release $t unknown input: the tool's line names it"
done

# --- tampering ------------------------------------------------------------
cp -a "$D" "$T/tampered"
printf 'x' >>"$T/tampered/bin/smoke-test-linux-$arch"
run "$RA" --workspace "$T/ws" --append-args --version "$T/tampered/smoke-test"
is "$rc" 3 "a tampered binary is refused (exit 3)"
is "$(lines "$err")" 1 "with one line"
like "$err" "^smoke-test: checksum mismatch for 'bin/smoke-test-linux-$arch'" "saying checksum mismatch"
is "$out" "" "and the binary did not run"
run "$RA" --workspace "$T/ws" --append-args --version "$T/tampered/rollback"
is "$rc" 0 "the untouched binaries of the same tree still run"

# Same bytes, but the checksum line is gone.
cp -a "$D" "$T/unlisted"
grep -v "bin/coverage-gate-linux-$arch\$" "$D/SHA256SUMS" >"$T/unlisted/SHA256SUMS"
run "$T/unlisted/launch.sh" coverage-gate --version
is "$rc" 3 "a binary missing from SHA256SUMS is refused (exit 3)"
like "$err" "not listed in" "saying it is not listed"
is "$out" "" "and it did not run"

# A SHA256SUMS entry for a different file with the same name prefix.
cp -a "$D" "$T/prefix"
sed "s#bin/rollback-linux-$arch#bin/rollback-linux-$arch.old#" "$D/SHA256SUMS" >"$T/prefix/SHA256SUMS"
run "$T/prefix/launch.sh" rollback --version
is "$rc" 3 "an entry for another file name does not count"

# The release tree never falls back to building.
cp -a "$D" "$T/nobin"
rm "$T/nobin/bin/blue-green-switch-linux-$arch"
run "$T/nobin/launch.sh" blue-green-switch --version
is "$rc" 3 "a missing binary in the release tree exits 3"
like "$err" "no binary 'bin/blue-green-switch-linux-$arch' in the release tree" "naming it"

# An architecture the release has no binaries for.
mkdir -p "$T/fakebin"
printf '#!/bin/sh\ncase $1 in -s) echo Linux ;; -m) echo riscv64 ;; esac\n' >"$T/fakebin/uname"
chmod +x "$T/fakebin/uname"
run env PATH="$T/fakebin:$PATH" "$D/launch.sh" smoke-test --version
is "$rc" 3 "an unsupported architecture exits 3"
is "$(lines "$err")" 1 "with one line"
like "$err" "^smoke-test: unsupported architecture 'riscv64'" "naming the architecture"

# arm64 (as some systems say it) means aarch64: in a tree without aarch64
# binaries launch.sh names the aarch64 one it looked for.
cp -a "$D" "$T/noarm"
rm -f "$T/noarm"/bin/*-linux-aarch64
printf '#!/bin/sh\ncase $1 in -s) echo Linux ;; -m) echo arm64 ;; esac\n' >"$T/fakebin/uname"
run env PATH="$T/fakebin:$PATH" "$T/noarm/launch.sh" smoke-test --version
is "$rc" 3 "arm64 without aarch64 binaries exits 3"
like "$err" "no binary 'bin/smoke-test-linux-aarch64'" "naming the aarch64 binary"

done_testing
