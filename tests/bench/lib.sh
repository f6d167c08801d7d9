# Helpers the benchmarks share; tests/bench/*.sh source this file after
# setting top. Each helper prints its figure; none asserts anything.
#
# gnu_time is /usr/bin/time when it is GNU time (it reports the peak RSS
# with -f %M), else empty: the scripts then say so and print "-" for the
# memory figures.
# shellcheck shell=sh

gnu_time=
/usr/bin/time -f %M true >/dev/null 2>&1 && gnu_time=/usr/bin/time

# now: nanoseconds since the epoch (GNU date)
now() { date +%s%N; }
# mb BYTES: megabytes (10^6 bytes), one decimal
mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1e6 }'; }
# rate BYTES NS: MB/s
rate() { awk -v b="$1" -v t="$2" 'BEGIN { if (t > 0) printf "%.1f", b / 1e6 / (t / 1e9); else print 0 }'; }
# per_s COUNT NS: how many per second, no decimals
per_s() { awk -v n="$1" -v t="$2" 'BEGIN { if (t > 0) printf "%.0f", n / (t / 1e9); else print 0 }'; }
# ratio A B [DECIMALS]: A / B as "N.Nx" (one decimal unless told), "-"
# when B is not a positive number
ratio() { awk -v a="$1" -v b="$2" -v p="${3:-1}" 'BEGIN { if (b > 0) printf "%.*fx", p, a / b; else print "-" }'; }
# rss FILE: the peak RSS GNU time wrote to FILE (its last line, in KB) as
# "N.N MB", or "-"
rss() {
	if [ -s "$1" ]; then
		awk '{ k = $1 } END { printf "%.1f MB", k / 1024 }' "$1"
	else
		echo "-"
	fi
}
# met VALUE TARGET OP: "met" or "NOT met", OP ">=" or "<"
met() { awk -v v="$1" -v t="$2" -v op="$3" 'BEGIN {
	ok = (op == ">=") ? (v >= t) : (v < t); print ok ? "met" : "NOT met" }'; }
# size FILE: its size in bytes
size() { wc -c <"$1" | tr -d ' '; }
# row RUNNER MB/S RSS RATIO HOW: one line of a throughput table
row() { printf '%-42s %8s %10s %7s  %s\n' "$1" "$2" "$3" "$4" "$5"; }

# timed NAME CMD...: runs CMD, its output in $d/NAME.out and its errors in
# $d/NAME.err ($d: the caller's scratch directory); sets el (wall time,
# ns) and rc, and leaves the peak RSS in $d/NAME.rss when GNU time is
# there (GNU time writes it last, after a line about a failed command).
# shellcheck disable=SC2034,SC2154
timed() {
	n=$1
	shift
	rm -f "$d/$n.rss"
	t0=$(now)
	if [ -n "$gnu_time" ]; then
		$gnu_time -f %M -o "$d/$n.rss" "$@" >"$d/$n.out" 2>"$d/$n.err"
	else
		"$@" >"$d/$n.out" 2>"$d/$n.err"
	fi
	rc=$?
	el=$(($(now) - t0))
}
