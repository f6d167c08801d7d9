#!/bin/sh
# Fetches, verifies and builds the pinned third-party libraries.
#
#   scripts/deps.sh fetch            download every tarball into build/cache/src
#   scripts/deps.sh build TARGET     build them for TARGET (musl or host) into
#                                    build/deps/TARGET/{include,lib}
#
# Nothing is unpacked before its SHA-256 matches scripts/deps.lock. On Debian
# the tarballs are Debian's .orig sources fetched with apt into a private apt
# state under build/cache/apt (the system's apt configuration is read, never
# written); elsewhere they come from the projects' release URLs.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
lock=$top/scripts/deps.lock
cache=$top/build/cache
srcdir=$cache/src
jobs=${DA_JOBS:-$(nproc 2>/dev/null || echo 2)}

# Bump when the build recipe below changes, so cached builds are redone;
# a change of deps.lock redoes them by itself.
recipe_rev=1

say() { printf 'deps: %s\n' "$*" >&2; }
die() { printf 'deps: error: %s\n' "$*" >&2; exit 1; }

locked() { grep -v '^#' "$lock" | grep -v '^[[:space:]]*$'; }

sha256() {
	if command -v sha256sum >/dev/null 2>&1; then
		sha256sum "$1" | cut -d' ' -f1
	else
		shasum -a 256 "$1" | cut -d' ' -f1
	fi
}

verify() { # file sha
	got=$(sha256 "$1")
	[ "$got" = "$2" ] && return 0
	mv -f "$1" "$1.bad"
	die "checksum mismatch for '$(basename "$1")': got $got, want $2 (kept as $1.bad; refusing to build it)"
}

# --- Debian: a private apt state with deb-src for the suites we need -------

is_debian() {
	[ -r /etc/os-release ] || return 1
	# shellcheck disable=SC1091
	id=$(. /etc/os-release; echo "${ID:-}")
	[ "$id" = debian ] && command -v apt-get >/dev/null 2>&1
}

# Prints "URI SIGNED-BY" of the machine's own Debian archive mirror, read from
# its apt sources (deb822 .sources and one-line .list files).
debian_mirror() {
	etc=${DA_APT_ETC:-/etc/apt}
	codename=${DA_OS_CODENAME:-$(. /etc/os-release; echo "${VERSION_CODENAME:-}")}
	for f in "$etc"/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		awk -v want="$codename" '
			function flush() {
				if (types ~ /(^| )deb( |$)/ && uri != "" &&
				    (" " suites " ") ~ (" " want " ")) {
					print uri, (sig == "" ? "-" : sig); found = 1; exit
				}
				types = uri = suites = sig = ""
			}
			/^[[:space:]]*$/ { flush(); next }
			/^Types:/ { sub(/^Types:[[:space:]]*/, ""); types = $0 }
			/^URIs:/ { uri = $2 }
			/^Suites:/ { sub(/^Suites:[[:space:]]*/, ""); suites = $0 }
			/^Signed-By:/ { sig = $2 }
			END { if (!found) flush() }' "$f"
	done | head -n 1 | grep . && return 0
	for f in "$etc"/sources.list "$etc"/sources.list.d/*.list; do
		[ -r "$f" ] || continue
		sed -n 's/\[[^]]*\]//; s/^[[:space:]]*deb[[:space:]]\{1,\}\([^[:space:]]*\)[[:space:]]\{1,\}'"$codename"'[[:space:]].*/\1 -/p' "$f"
	done | head -n 1 | grep .
}

apt_opts() {
	a=$cache/apt
	echo "-o Dir::Etc::SourceList=$a/sources.list -o Dir::Etc::SourceParts=$a/parts" \
	     "-o Dir::State::Lists=$a/lists -o Dir::Cache=$a/cache" \
	     "-o Dir::State::status=$a/status -o APT::Get::Download-Only=true" \
	     "-o Debug::NoLocking=true -o APT::Sandbox::User=$(id -un)"
}

apt_setup() {
	a=$cache/apt
	[ -f "$a/ready" ] && return 0
	set -- $(debian_mirror) || return 1
	uri=$1 sig=$2
	mkdir -p "$a/lists/partial" "$a/cache/archives/partial" "$a/parts"
	: >"$a/status"
	suites=$(locked | awk '{ print $4 }' | tr ',' '\n' | sort -u)
	: >"$a/sources.list"
	for s in $suites; do
		if [ "$sig" != - ]; then
			echo "deb-src [signed-by=$sig] $uri $s main" >>"$a/sources.list"
		else
			echo "deb-src $uri $s main" >>"$a/sources.list"
		fi
	done
	say "apt: deb-src of $(echo $suites | tr '\n' ' ')from the configured mirror"
	# shellcheck disable=SC2046
	# A mirror without one of the suites fails the update as a whole but
	# keeps the lists it got; a library it lacks falls back to its URL.
	apt-get $(apt_opts) -q update >"$a/update.log" 2>&1 ||
		say "apt update reported errors (see $a/update.log); going on with what it fetched"
	touch "$a/ready"
}

# Downloads Debian's source package of upstream version $2 into $srcdir.
apt_fetch() { # source-package version file
	# shellcheck disable=SC2046
	ver=$(apt-cache $(apt_opts) showsrc "$1" 2>/dev/null |
		awk '/^Version:/ { print $2 }' |
		grep -E "^([0-9]+:)?$(echo "$2" | sed 's/\./\\./g')-" | head -n 1)
	[ -n "$ver" ] || { say "apt: no source of $1 $2 in the configured suites"; return 1; }
	tmp=$srcdir/.apt.$$
	rm -rf "$tmp" && mkdir -p "$tmp"
	# shellcheck disable=SC2046
	(cd "$tmp" && apt-get $(apt_opts) -q source --download-only "$1=$ver") \
		>"$tmp.log" 2>&1 || { say "apt: download of $1=$ver failed, see $tmp.log"; return 1; }
	[ -f "$tmp/$3" ] || { say "apt: $1=$ver has no $3"; return 1; }
	mv "$tmp/$3" "$srcdir/$3"
	rm -rf "$tmp" "$tmp.log"
}

url_fetch() { # url file
	if command -v curl >/dev/null 2>&1; then
		curl -fsSL --retry 3 -o "$srcdir/$2.part" "$1"
	elif command -v wget >/dev/null 2>&1; then
		wget -q -O "$srcdir/$2.part" "$1"
	else
		die "need curl or wget to fetch '$1'"
	fi
	mv "$srcdir/$2.part" "$srcdir/$2"
}

fetch() {
	mkdir -p "$srcdir"
	use_apt=
	if [ -z "${DA_DEPS_FROM_URLS:-}" ] && is_debian; then
		apt_setup && use_apt=1 || say "apt source set-up failed; using release URLs"
	fi
	locked | while read -r name version debsrc _suites file sum url; do
		if [ -f "$srcdir/$file" ] && [ "$(sha256 "$srcdir/$file")" = "$sum" ]; then
			continue
		fi
		rm -f "$srcdir/$file"
		if [ -n "$use_apt" ] && apt_fetch "$debsrc" "$version" "$file"; then
			say "fetched $name $version (Debian source $debsrc)"
		else
			say "fetching $name $version from $url"
			url_fetch "$url" "$file" || die "cannot fetch $name $version from '$url'"
		fi
		verify "$srcdir/$file" "$sum"
		say "verified $file"
	done
}

# --- building ---------------------------------------------------------------

unpack() { # name -> prints the unpacked directory
	line=$(locked | awk -v n="$1" '$1 == n')
	set -- $line
	file=$5 sum=$6
	[ -f "$srcdir/$file" ] || die "missing $srcdir/$file; run scripts/deps.sh fetch"
	verify "$srcdir/$file" "$sum"
	d=$work/$1
	rm -rf "$d" && mkdir -p "$d"
	tar -xf "$srcdir/$file" -C "$d" --strip-components=1
	echo "$d"
}

cmake_lib() { # srcdir builddir args...
	s=$1 b=$2
	shift 2
	cmake -S "$s" -B "$b" -DCMAKE_BUILD_TYPE=Release \
		-DCMAKE_C_COMPILER="$cc" -DCMAKE_C_FLAGS="$cflags" \
		-DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_INSTALL_LIBDIR=lib \
		-DCMAKE_POSITION_INDEPENDENT_CODE=ON -DBUILD_SHARED_LIBS=OFF \
		"$@" >"$b.log" 2>&1 || die "configure failed, see $b.log"
	cmake --build "$b" -j "$jobs" >>"$b.log" 2>&1 || die "build failed, see $b.log"
	cmake --install "$b" >>"$b.log" 2>&1 || die "install failed, see $b.log"
}

build() {
	target=$1
	case $target in
	musl) cc=${MUSL_CC:-musl-gcc} ;;
	host) cc=${HOST_CC:-cc} ;;
	*) die "unknown target '$target' (musl or host)" ;;
	esac
	command -v "$cc" >/dev/null 2>&1 || die "compiler '$cc' not found (apt-get install musl-tools)"
	command -v cmake >/dev/null 2>&1 || die "cmake not found (apt-get install cmake)"
	prefix=$top/build/deps/$target
	stamp=$prefix/.stamp
	want=$( (cat "$lock"; echo "recipe $recipe_rev $cc") | sha256sum | cut -d' ' -f1)
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
		return 0
	fi
	locked_fetch
	work=$cache/work-$target
	rm -rf "$prefix" "$work"
	mkdir -p "$prefix/include" "$prefix/lib" "$work"
	cflags="-O2 -g0 -fPIC -ffunction-sections -fdata-sections"
	start=$(date +%s)

	say "[$target] mbedtls"
	d=$(unpack mbedtls)
	make -C "$d/library" -j "$jobs" CC="$cc" CFLAGS="$cflags" AR=ar \
		libmbedcrypto.a libmbedx509.a libmbedtls.a >"$work/mbedtls.log" 2>&1 ||
		die "mbedtls build failed, see $work/mbedtls.log"
	cp "$d"/library/libmbed*.a "$prefix/lib/"
	cp -R "$d/include/mbedtls" "$d/include/psa" "$prefix/include/"

	say "[$target] jansson"
	d=$(unpack jansson)
	cmake_lib "$d" "$work/jansson-build" -DJANSSON_BUILD_DOCS=OFF \
		-DJANSSON_WITHOUT_TESTS=ON -DJANSSON_EXAMPLES=OFF \
		-DJANSSON_BUILD_SHARED_LIBS=OFF -DUSE_URANDOM=ON

	say "[$target] libyaml"
	d=$(unpack libyaml)
	cmake_lib "$d" "$work/libyaml-build" -DBUILD_TESTING=OFF \
		-DINSTALL_CMAKE_DIR=lib/cmake/yaml

	say "[$target] expat"
	d=$(unpack expat)
	cmake_lib "$d/expat" "$work/expat-build" -DEXPAT_BUILD_TOOLS=OFF \
		-DEXPAT_BUILD_EXAMPLES=OFF -DEXPAT_BUILD_TESTS=OFF \
		-DEXPAT_BUILD_DOCS=OFF -DEXPAT_SHARED_LIBS=OFF \
		-DEXPAT_BUILD_PKGCONFIG=OFF

	say "[$target] curl (HTTP/HTTPS only, mbedTLS)"
	d=$(unpack curl)
	(cd "$d" && ./configure CC="$cc" CFLAGS="$cflags" \
		CPPFLAGS="-I$prefix/include" LDFLAGS="-L$prefix/lib" \
		--prefix="$prefix" --libdir="$prefix/lib" \
		--disable-shared --enable-static --with-mbedtls="$prefix" \
		--enable-ipv6 --enable-http --enable-proxy --enable-cookies \
		--disable-ftp --disable-file --disable-ldap --disable-ldaps \
		--disable-rtsp --disable-dict --disable-telnet --disable-tftp \
		--disable-pop3 --disable-imap --disable-smtp --disable-gopher \
		--disable-mqtt --disable-smb --disable-ipfs --disable-websockets \
		--disable-ntlm --disable-kerberos-auth --disable-negotiate-auth \
		--disable-manual --disable-docs --disable-libcurl-option \
		--without-ca-bundle --without-ca-path --without-ca-fallback \
		--without-zlib --without-brotli --without-zstd --without-libpsl \
		--without-libidn2 --without-nghttp2 --without-nghttp3 \
		--without-ngtcp2 --without-libssh2 --without-libssh \
		--without-librtmp --without-gssapi --disable-sspi \
		--enable-threaded-resolver) >"$work/curl-configure.log" 2>&1 ||
		die "curl configure failed, see $work/curl-configure.log"
	make -C "$d/lib" -j "$jobs" >"$work/curl.log" 2>&1 ||
		die "curl build failed, see $work/curl.log"
	make -C "$d/lib" install >>"$work/curl.log" 2>&1 &&
		make -C "$d/include" install >>"$work/curl.log" 2>&1 ||
		die "curl install failed, see $work/curl.log"

	rm -rf "$work"
	echo "$want" >"$stamp"
	say "[$target] done in $(( $(date +%s) - start ))s"
}

# Two builds (musl and host) may run at once under make -j; one fetches.
locked_fetch() {
	mkdir -p "$cache"
	if command -v flock >/dev/null 2>&1; then
		(flock 9 && fetch) 9>"$cache/.fetch.lock"
	else
		fetch
	fi
}

case ${1:-} in
fetch) locked_fetch ;;
mirror) debian_mirror || die "no Debian mirror for this release in the apt sources" ;;
build)
	[ $# -eq 2 ] || die "usage: scripts/deps.sh build musl|host"
	mkdir -p "$cache"
	if command -v flock >/dev/null 2>&1; then
		(flock 8 && build "$2") 8>"$cache/.build-$2.lock"
	else
		build "$2"
	fi ;;
*) echo "usage: scripts/deps.sh fetch | build musl|host" >&2; exit 2 ;;
esac
