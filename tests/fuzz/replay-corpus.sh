#!/usr/bin/env bash
# Replays each fuzz target's corpus under ASan and UBSan (TAP).
# A target is build/host/tests/fuzz/fuzz-NAME; its corpus tests/fuzz/corpus/NAME/.
# A target without a corpus, or a corpus without a target, fails.
set -u
top=${DA_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$top" || exit 1
n=0 bad=0
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
for src in tests/fuzz/fuzz-*.c; do
	[ -e "$src" ] || continue
	name=$(basename "$src" .c)
	name=${name#fuzz-}
	bin=build/host/tests/fuzz/fuzz-$name
	n=$((n + 1))
	set -- tests/fuzz/corpus/"$name"/*
	if [ ! -x "$bin" ]; then
		echo "not ok $n - fuzz-$name: $bin not built (make unit)"
		bad=$((bad + 1))
	elif [ ! -e "$1" ]; then
		echo "not ok $n - fuzz-$name: empty corpus tests/fuzz/corpus/$name/"
		bad=$((bad + 1))
	elif out=$("$bin" "$@" 2>&1); then
		echo "ok $n - fuzz-$name replays $# corpus files cleanly"
	else
		echo "not ok $n - fuzz-$name crashed on its corpus"
		printf '%s\n' "$out" | tail -n 30 | sed 's/^/# /'
		bad=$((bad + 1))
	fi
done
for dir in tests/fuzz/corpus/*/; do
	[ -d "$dir" ] || continue
	name=$(basename "$dir")
	if [ ! -e "tests/fuzz/fuzz-$name.c" ]; then
		n=$((n + 1))
		echo "not ok $n - corpus $dir has no target tests/fuzz/fuzz-$name.c"
		bad=$((bad + 1))
	fi
done
echo "1..$n"
[ "$bad" -eq 0 ]
