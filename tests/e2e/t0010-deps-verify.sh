#!/usr/bin/env bash
# The dependency fetcher refuses a tarball whose SHA-256 does not match the
# lock, whichever way it arrived, and keeps a good one without refetching.
set -u
top=${DA_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
n=0 bad=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; bad=$((bad + 1)); fi; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

src=$top/build/cache/src
jansson=$(awk '$1 == "jansson" { print $5 }' "$top/scripts/deps.lock")
if [ ! -f "$src/$jansson" ]; then
	"$top/scripts/deps.sh" fetch >/dev/null 2>&1
fi
ok $? "the pinned sources are fetched and verified"

# A project copy whose lock pins only jansson, served by a fake downloader
# (release-URL path) that hands out other bytes.
mkdir -p "$tmp/p/scripts" "$tmp/bin"
cp "$top/scripts/deps.sh" "$tmp/p/scripts/"
awk '$1 == "jansson"' "$top/scripts/deps.lock" >"$tmp/p/scripts/deps.lock"
cat >"$tmp/bin/curl" <<'FAKE'
#!/bin/sh
# fake downloader: writes the bytes named by FAKE_PAYLOAD to the -o file
while [ $# -gt 0 ]; do case $1 in -o) out=$2; shift ;; esac; shift; done
cp "$FAKE_PAYLOAD" "$out"
FAKE
chmod +x "$tmp/bin/curl"

printf 'not the tarball\n' >"$tmp/evil.tar.gz"
out=$(PATH="$tmp/bin:$PATH" FAKE_PAYLOAD=$tmp/evil.tar.gz DA_DEPS_FROM_URLS=1 \
	"$tmp/p/scripts/deps.sh" fetch 2>&1)
rc=$?
[ $rc -ne 0 ]; ok $? "a tarball with the wrong checksum stops the fetch (exit $rc)"
case $out in *"checksum mismatch for '$jansson'"*) r=0 ;; *) r=1; echo "# $out" ;; esac
ok $r "the message names the tarball and says checksum mismatch"
[ ! -f "$tmp/p/build/cache/src/$jansson" ] && [ -f "$tmp/p/build/cache/src/$jansson.bad" ]
ok $? "the bad tarball is set aside, never left where the build would use it"

# The right bytes through the same path are accepted.
out=$(PATH="$tmp/bin:$PATH" FAKE_PAYLOAD=$src/$jansson DA_DEPS_FROM_URLS=1 \
	"$tmp/p/scripts/deps.sh" fetch 2>&1)
ok $? "the genuine tarball passes verification"
case $out in *"verified $jansson"*) r=0 ;; *) r=1; echo "# $out" ;; esac
ok $r "verification is reported"

# A cached good tarball is not fetched again (the fake would corrupt it).
out=$(PATH="$tmp/bin:$PATH" FAKE_PAYLOAD=$tmp/evil.tar.gz DA_DEPS_FROM_URLS=1 \
	"$tmp/p/scripts/deps.sh" fetch 2>&1)
ok $? "a verified cached tarball is reused"

# A cached tarball that was changed afterwards is caught before unpacking.
printf 'x' >>"$tmp/p/build/cache/src/$jansson"
out=$(PATH="$tmp/bin:$PATH" FAKE_PAYLOAD=$tmp/evil.tar.gz DA_DEPS_FROM_URLS=1 \
	"$tmp/p/scripts/deps.sh" fetch 2>&1)
[ $? -ne 0 ]; ok $? "a tampered cached tarball is refetched and checked again"

# The Debian mirror is derived from the machine's own apt sources, in both
# the one-line and the deb822 forms; security and deb-src-only entries and
# other releases are not taken.
etc=$tmp/apt
mkdir -p "$etc/sources.list.d"
printf 'deb http://security.example/debian-security bookworm-security main\ndeb [arch=amd64] http://one.example/debian/ bookworm main\n' >"$etc/sources.list"
got=$(DA_APT_ETC=$etc DA_OS_CODENAME=bookworm "$top/scripts/deps.sh" mirror 2>&1)
[ "$got" = "http://one.example/debian/ -" ]; ok $? "one-line sources: mirror is '$got'"
printf 'Types: deb-src\nURIs: http://srconly.example/debian\nSuites: bookworm\n\nTypes: deb\nURIs: http://sec.example/debian-security\nSuites: bookworm-security\n\nTypes: deb deb-src\nURIs: http://d822.example/debian\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By: /usr/share/keyrings/k.gpg\n' >"$etc/sources.list.d/debian.sources"
got=$(DA_APT_ETC=$etc DA_OS_CODENAME=bookworm "$top/scripts/deps.sh" mirror 2>&1)
[ "$got" = "http://d822.example/debian /usr/share/keyrings/k.gpg" ]; ok $? "deb822 sources win, with their key: '$got'"
DA_APT_ETC=$etc DA_OS_CODENAME=trixie "$top/scripts/deps.sh" mirror >/dev/null 2>&1
[ $? -ne 0 ]; ok $? "no mirror for a release the sources do not carry"

echo "1..$n"
[ $bad -eq 0 ]
