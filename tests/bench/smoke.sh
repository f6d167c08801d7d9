#!/bin/sh
# smoke-test throughput: 10,000 checks against a local nginx at concurrency
# 64, against the peers issue 6 names -- wait-on (npm) and a plain curl
# loop doing the same work -- plus smoke-test's start-up time and the peak
# RSS of the 10,000-check run. Prints figures, ratios and the issue's
# targets (>= 10,000 checks/s, start-up < 5 ms, peak RSS < 16 MB) next to
# them; asserts nothing.
#
#   sh tests/bench/smoke.sh          (make bench runs it)
#
# BENCH_CHECKS (default 10000) and BENCH_CONCURRENCY (64) change the load.
# Peers that start a process per check are measured on a part of the work
# and extrapolated; the output says so on their line.
set -u
top=${DA_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
N=${BENCH_CHECKS:-10000}
C=${BENCH_CONCURRENCY:-64}
bin=$top/build/bin/smoke-test
waiton=$top/tests/node_modules/.bin/wait-on
nginx=$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)

[ -x "$bin" ] || { echo "smoke-test not built (run: make)"; exit 1; }
[ -x "$nginx" ] || { echo "nginx missing (apt-get install nginx)"; exit 1; }
# shellcheck source=tests/bench/lib.sh
. "$top/tests/bench/lib.sh"

d=$(mktemp -d) || exit 1
cleanup() {
	[ -s "$d/nginx.pid" ] && kill "$(cat "$d/nginx.pid")" 2>/dev/null
	rm -rf "$d"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# st_row NAME RATE HOW: one line of the table; the ratio is smoke-test's
# checks/s over this runner's (how many times faster smoke-test is).
st_row() {
	r=-
	[ "$st_rate" != - ] && r=$(ratio "$st_rate" "$2" 2)
	printf '%-40s %10s %10s  %s\n' "$1" "$2" "$r" "$3"
}

# --- nginx: a small JSON health document, no access log -------------------
port=$(node -e 'const s = require("net").createServer();
	s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });' 2>/dev/null) ||
	port=$((20000 + $$ % 20000))
mkdir -p "$d/html" "$d/tmp"
printf '{"status": "UP", "version": "1.4.2"}\n' >"$d/html/health.json"
user=
[ "$(id -u)" = 0 ] && user="user root;"
cat >"$d/nginx.conf" <<EOF
$user
worker_processes auto;
pid $d/nginx.pid;
error_log $d/error.log warn;
events { worker_connections 4096; }
http {
	access_log off;
	client_body_temp_path $d/tmp/body;
	proxy_temp_path $d/tmp/proxy;
	fastcgi_temp_path $d/tmp/fastcgi;
	uwsgi_temp_path $d/tmp/uwsgi;
	scgi_temp_path $d/tmp/scgi;
	types { application/json json; }
	keepalive_requests 1000000;
	server {
		listen 127.0.0.1:$port backlog=4096;
		root $d/html;
	}
}
EOF
"$nginx" -p "$d" -c "$d/nginx.conf" -e "$d/error.log" >"$d/start.log" 2>&1 ||
	{ echo "nginx did not start: $(cat "$d/start.log")"; exit 1; }
url=http://127.0.0.1:$port/health.json
i=0
until curl -s -o /dev/null "$url"; do
	i=$((i + 1))
	[ $i -gt 50 ] && { echo "nginx does not answer on $port"; exit 1; }
	sleep 0.1
done

echo "smoke-test: $N checks of $url, concurrency $C ($(nproc) CPUs)"
echo "(ratio: smoke-test's checks/s over the runner's, how many times faster)"
printf '%-40s %10s %10s  %s\n' "runner" "checks/s" "ratio" "how"

# --- smoke-test: one check, N samples ---------------------------------------
"$bin" --url "$url" --samples 100 --concurrency "$C" --no-wait --json --no-summary \
	>/dev/null 2>&1 # warm the page cache and nginx
t0=$(now)
if [ -n "$gnu_time" ]; then
	$gnu_time -f %M -o "$d/rss" "$bin" --url "$url" --samples "$N" \
		--concurrency "$C" --no-wait --json --no-summary >"$d/st.json" 2>"$d/st.err"
	st_rc=$?
else
	"$bin" --url "$url" --samples "$N" --concurrency "$C" --no-wait --json \
		--no-summary >"$d/st.json" 2>"$d/st.err"
	st_rc=$?
fi
t1=$(now)
st_rate=$(per_s "$N" $((t1 - t0)))
if [ "$st_rc" != 0 ]; then
	echo "smoke-test exited $st_rc: $(head -c 300 "$d/st.err")"
	st_rate=-
	rm -f "$d/rss"
fi
if [ "$st_rate" != - ] && command -v jq >/dev/null 2>&1; then
	got=$(jq -r '"\(.checks[0].samples) samples, healthy \(.healthy)"' "$d/st.json" 2>/dev/null)
	[ "$got" = "$N samples, healthy true" ] ||
		echo "note: smoke-test reported ${got:-no JSON}, not $N healthy samples"
fi
st_row "smoke-test --samples $N" "$st_rate" "one process, wall time incl. start-up"

# --- smoke-test: a spec of N checks ----------------------------------------------
{
	echo "checks:"
	i=0
	while [ $i -lt "$N" ]; do
		printf '  - url: /health.json?n=%d\n' "$i"
		i=$((i + 1))
	done
} >"$d/spec.yml"
t0=$(now)
${gnu_time:+$gnu_time -f %M -o "$d/rss-spec"} "$bin" --spec "$d/spec.yml" \
	--base-url "http://127.0.0.1:$port" \
	--concurrency "$C" --no-wait --json --no-summary >"$d/spec.json" 2>"$d/spec.err"
sp_rc=$?
t1=$(now)
sp_rate=$(per_s "$N" $((t1 - t0)))
if [ "$sp_rc" != 0 ]; then
	echo "smoke-test --spec exited $sp_rc: $(head -c 300 "$d/spec.err")"
	sp_rate=-
fi
st_row "smoke-test --spec ($N checks)" "$sp_rate" "one process, spec loading included"

# --- curl --parallel: one process, the same N requests -----------------------------
if command -v curl >/dev/null 2>&1; then
	i=0
	: >"$d/curl.cfg"
	while [ $i -lt "$N" ]; do
		printf 'url = "%s"\noutput = "/dev/null"\n' "$url" >>"$d/curl.cfg"
		i=$((i + 1))
	done
	t0=$(now)
	curl -s --parallel --parallel-max "$C" -K "$d/curl.cfg" >/dev/null 2>&1
	t1=$(now)
	cp_rate=$(per_s "$N" $((t1 - t0)))
	st_row "curl --parallel --parallel-max $C" "$cp_rate" "one process, no assertions"

	# A shell loop around curl: a process per check, 64 at a time.
	m=$((N < 500 ? N : 500))
	t0=$(now)
	i=0
	while [ $i -lt "$m" ]; do echo "$url"; i=$((i + 1)); done |
		xargs -P "$C" -n 1 curl -s -o /dev/null -f
	t1=$(now)
	cx_rate=$(per_s "$m" $((t1 - t0)))
	st_row "curl via xargs -P $C" "$cx_rate" "a process per check; $m run, extrapolated"
else
	echo "curl: not installed, skipped"
fi

# --- wait-on: a process per check ----------------------------------------------------
if [ -x "$waiton" ] && command -v node >/dev/null 2>&1; then
	m=$((N < 64 ? N : 64))
	t0=$(now)
	i=0
	while [ $i -lt "$m" ]; do echo "http-get://127.0.0.1:$port/health.json"; i=$((i + 1)); done |
		xargs -P "$C" -n 1 "$waiton" -t 10000 -i 100
	t1=$(now)
	wo_rate=$(per_s "$m" $((t1 - t0)))
	st_row "wait-on $(node -p "require('$top/tests/node_modules/wait-on/package.json').version" 2>/dev/null) via xargs -P $C" \
		"$wo_rate" "one resource per invocation; $m run, extrapolated"

	# wait-on also takes many resources in one process (all polled at once).
	m=$((N < 1000 ? N : 1000))
	set --
	i=0
	while [ $i -lt "$m" ]; do set -- "$@" "http-get://127.0.0.1:$port/health.json?n=$i"; i=$((i + 1)); done
	t0=$(now)
	"$waiton" -t 30000 -i 100 -s "$C" "$@" >/dev/null 2>&1
	t1=$(now)
	wm_rate=$(per_s "$m" $((t1 - t0)))
	st_row "wait-on, $m resources in one process" "$wm_rate" "-s $C; $m run, extrapolated"
else
	echo "wait-on: not installed (npm ci --prefix tests), skipped"
fi

# --- start-up and memory --------------------------------------------------------------
echo
if command -v hyperfine >/dev/null 2>&1 && command -v jq >/dev/null 2>&1; then
	hyperfine -N -w 20 -r 300 --export-json "$d/hf.json" "$bin --version" >/dev/null 2>&1
	su_ms=$(jq -e '.results[0].mean * 1000' "$d/hf.json" 2>/dev/null)
	hyperfine -N -w 5 -r 50 --export-json "$d/hf2.json" \
		"$bin --url $url --no-wait --no-summary" >/dev/null 2>&1
	one_ms=$(jq -e '.results[0].mean * 1000' "$d/hf2.json" 2>/dev/null)
	if [ -n "$su_ms" ]; then
		printf 'start-up, smoke-test --version:      %8.2f ms   (target < 5 ms: %s)\n' \
			"$su_ms" "$(met "$su_ms" 5 '<')"
	else
		echo "start-up: smoke-test --version failed (target < 5 ms)"
	fi
	if [ -n "$one_ms" ]; then
		printf 'one check, start to exit:            %8.2f ms\n' "$one_ms"
	else
		echo "one check, start to exit: smoke-test failed"
	fi
else
	echo "start-up: hyperfine or jq missing (apt-get install hyperfine jq), skipped"
fi
if [ -s "$d/rss" ]; then
	kb=$(tail -n 1 "$d/rss")
	printf 'peak RSS of the %s-check run:      %8.1f MB   (target < 16 MB: %s)\n' \
		"$N" "$(awk -v k="$kb" 'BEGIN { print k / 1024 }')" \
		"$(met "$(awk -v k="$kb" 'BEGIN { print k / 1024 }')" 16 '<')"
	if [ -s "$d/rss-spec" ]; then
		kb=$(tail -n 1 "$d/rss-spec")
		printf 'peak RSS of the %s-check spec run: %7.1f MB   (target < 16 MB: %s)\n' \
			"$N" "$(echo "$kb" | awk '{ print $1 / 1024 }')" \
			"$(echo "$kb" | awk '{ print ($1 < 16384) ? "met" : "NOT met" }')"
	fi
else
	echo "peak RSS: GNU time missing (apt-get install time), skipped"
fi
if [ "$st_rate" != - ]; then
	printf 'throughput:                          %8s /s   (target >= 10000 checks/s: %s)\n' \
		"$st_rate" "$(met "$st_rate" 10000 '>=')"
else
	echo "throughput: smoke-test did not run (target >= 10000 checks/s)"
fi
exit 0
