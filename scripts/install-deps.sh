#!/bin/sh
# Installs what a make target needs when it is missing, or says exactly what
# to install when it cannot (not root, no apt).
#
#   scripts/install-deps.sh build|test|demo|bench|lint
#
# Debian and Ubuntu packages by name; npm test dependencies from the
# lockfile in tests/ (npm ci), re-installed when the lockfile changes.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
what=${1:-test}

say() { printf 'install-deps: %s\n' "$*" >&2; }

# command  package
build_pkgs="make:make cc:gcc musl-gcc:musl-tools cmake:cmake tar:tar bzip2:bzip2
	gzip:gzip file:file perl:perl apt-get:apt"
test_pkgs="prove:perl nginx:nginx haproxy:haproxy wrk:wrk openssl:openssl
	jq:jq lcov:lcov gcovr:gcovr node:nodejs npm:npm curl:curl git:git
	python3:python3 python3-coverage:python3-coverage
	go:golang-go cmark-gfm:cmark-gfm"
lint_pkgs="clang-format:clang-format clang-tidy:clang-tidy cppcheck:cppcheck
	git:git"
bench_pkgs="hyperfine:hyperfine wrk:wrk time:time"

case $what in
build) want=$build_pkgs ;;
test) want="$build_pkgs $test_pkgs" ;;
demo) want="$build_pkgs $test_pkgs" ;;
bench) want="$build_pkgs $test_pkgs $bench_pkgs" ;;
lint) want="$build_pkgs $lint_pkgs" ;;
*) say "unknown set '$what' (build, test, demo, bench, lint)"; exit 2 ;;
esac

missing=
for pair in $want; do
	cmd=${pair%%:*} pkg=${pair#*:}
	# nginx and haproxy live in sbin, which a non-root PATH may lack
	if command -v "$cmd" >/dev/null 2>&1 || [ -x "/usr/sbin/$cmd" ]; then
		continue
	fi
	case " $missing " in *" $pkg "*) ;; *) missing="$missing $pkg" ;; esac
done
# the musl toolchain needs its C library too (musl-tools depends on musl-dev)

if [ -n "$missing" ]; then
	sudo=
	if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1 &&
	   sudo -n true 2>/dev/null; then
		sudo="sudo -n"
	fi
	if { [ "$(id -u)" = 0 ] || [ -n "$sudo" ]; } && command -v apt-get >/dev/null 2>&1; then
		say "installing:$missing"
		$sudo env DEBIAN_FRONTEND=noninteractive apt-get -q update >/dev/null ||
			{ say "apt-get update failed"; exit 3; }
		# shellcheck disable=SC2086
		$sudo env DEBIAN_FRONTEND=noninteractive \
			apt-get -q install -y --no-install-recommends $missing >/dev/null ||
			{ say "apt-get install failed for:$missing"; exit 3; }
	else
		say "missing:$missing"
		say "install them first, e.g.: sudo apt-get install$missing"
		exit 3
	fi
fi

# npm test dependencies, exactly as the lockfile pins them.
if [ "$what" != build ] && [ "$what" != lint ] && [ -f "$top/tests/package-lock.json" ]; then
	stamp=$top/tests/node_modules/.lock-sha256
	want_sum=$(sha256sum "$top/tests/package-lock.json" | cut -d' ' -f1)
	if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want_sum" ]; then
		say "npm ci in tests/"
		(cd "$top/tests" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) ||
			{ say "npm ci failed in tests/"; exit 3; }
		echo "$want_sum" >"$stamp"
	fi
fi
exit 0
