#!/bin/sh
# make lint: clang-format on the lines this branch changed, clang-tidy and
# cppcheck on our sources. Exit 1 on any finding.
#
#   LINT_BASE=REV   compare formatting against REV (default: the merge base
#                   with origin/main, else the previous commit)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 3
"$top/scripts/install-deps.sh" lint || exit 3
[ -f build/deps/host/.stamp ] || scripts/deps.sh build host || exit 3

rc=0
srcs=$(git ls-files 'common/*.c' 'actions/*.c' 'tests/unit/*.c' 'tests/fuzz/*.c')

base=${LINT_BASE:-}
if [ -z "$base" ]; then
	base=$(git merge-base HEAD origin/main 2>/dev/null || echo)
	# On main itself the merge base is HEAD: check the last commit.
	if [ -z "$base" ] || [ "$base" = "$(git rev-parse HEAD)" ]; then
		base=$(git rev-parse -q --verify HEAD~1 2>/dev/null || echo)
	fi
fi
if [ -n "$base" ] && ! git rev-parse -q --verify "$base^{commit}" >/dev/null; then
	echo "lint: no commit '$base'; formatting check skipped"
	base=
fi
if [ -n "$base" ]; then
	echo "lint: clang-format on lines changed since $(git rev-parse --short "$base")"
	out=$(git clang-format --diff --extensions c,h "$base" -- common actions tests 2>&1)
	case $out in
	""|*"no modified files"*|*"did not modify any files"*) ;;
	*) printf '%s\n' "$out"; echo "lint: formatting differs (run: git clang-format $base)"; rc=1 ;;
	esac
fi

flags="-std=c11 -I. -Ibuild/deps/host/include -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -DDA_VERSION=\"0\" -DDA_GIT_REV=\"0\""
echo "lint: clang-tidy"
checks='-*,clang-analyzer-*,bugprone-*,cert-err33-c,-bugprone-easily-swappable-parameters,-bugprone-reserved-identifier,-clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling'
for f in $(printf '%s\n' $srcs | grep -v '^tests/'); do
	# shellcheck disable=SC2086
	out=$(clang-tidy -quiet --checks="$checks" --warnings-as-errors='*' "$f" -- $flags 2>&1) ||
		{ printf '%s\n' "$out"; rc=1; }
done

echo "lint: cppcheck"
# shellcheck disable=SC2086
cppcheck -q --error-exitcode=1 --enable=warning,portability,performance \
	--inline-suppr --std=c11 -I. -D_POSIX_C_SOURCE=200809L \
	--suppress=missingIncludeSystem $srcs || rc=1

[ $rc -eq 0 ] && echo "lint: clean"
exit $rc
