#!/usr/bin/env bash
# smoke-test's latency figures agree with curl's: the median of 50 samples
# against a static nginx file is within 1 ms of the median of curl -w
# '%{time_total}' over the same 50 requests, both with keep-alive (one
# connection each) and without (nginx closes after every answer, so both
# connect every time). Against a 150 ms delay both see about 150 ms, which
# checks the unit, not only the agreement.
. "$(dirname -- "$0")/lib.sh"
. "$(dirname -- "$0")/smoke/lib.sh"
need_smoke
fail_if_missing curl curl
fail_if_missing jq jq
fail_if_missing node nodejs
[ -x "$NGINX" ] || _tap_bail "nginx is missing; install it (package nginx)"

N=50
P=$(free_port)
B=http://127.0.0.1:$P
NGINX_ACCESS_LOG=off nginx_start web "$P" '
server {
	listen 127.0.0.1:@PORT@;
	location / { }
	location /close/ { keepalive_timeout 0; alias @DIR@/html/; }
}'
ok $? "nginx listens on 127.0.0.1:$P"
head -c 2048 /dev/zero | tr '\0' 'x' >"$T/web/html/page.txt"
hostile_start hs
ok $? "the test server listens on 127.0.0.1:$HOSTILE_PORT"

# median of the numbers on stdin (lower middle for an even count, as
# nearest-rank p50 is)
median() {
	sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# curl_ms URL N: curl's time_total of N requests in one process (it keeps
# the connection when the server allows), in ms, one per line.
curl_ms() {
	local url=$1 n=$2 args=() i
	for ((i = 0; i < n; i++)); do
		args+=(-o /dev/null "$url")
	done
	curl -s -w '%{time_total}\n' "${args[@]}" |
		awk '{ printf "%.3f\n", $1 * 1000 }'
}

# smoke_p50 URL N: smoke-test's median over N samples in ms, in p50. One
# request at a time, as curl makes them: concurrent samples would queue.
smoke_p50() {
	smoke --url "$1" --samples "$2" --concurrency 1 --no-wait --json
	p50=$(jq -r '.checks[0].p50' <<<"$out" 2>/dev/null)
}

agree() { # agree WHAT URL
	local what=$1 url=$2 s c d
	# one warm-up each, so neither pays for a cold nginx worker alone
	curl -s -o /dev/null "$url"
	smoke_p50 "$url" "$N"
	rc_is 0 "$what: smoke-test --samples $N exits 0"
	s=$p50
	c=$(curl_ms "$url" "$N" | median)
	d=$(awk -v a="$s" -v b="$c" 'BEGIN { d = a - b; if (d < 0) d = -d; printf "%.3f", d }')
	note "$what: median smoke-test ${s:-?} ms, curl ${c:-?} ms, difference $d ms"
	ok "$(awk -v s="$s" -v d="$d" 'BEGIN { exit !(s != "" && s != "null" && s > 0 && d < 1) }'; echo $?)" \
		"$what: medians within 1 ms (smoke-test ${s:-?}, curl ${c:-?})"
}

agree "keep-alive" "$B/page.txt"
agree "a new connection per request" "$B/close/page.txt"

# The median sample is what `latency` reports, and total is the sum's end.
smoke --url "$B/page.txt" --samples 9 --no-wait --json
is "$(jq -r '.checks[0] | (.latency == .p50)' <<<"$out" 2>&1)" true \
	"--json: latency is the median sample (p50)"
is "$(jq -r '.checks[0] | (.timing.total > 0 and .timing.total <= .max)' <<<"$out" 2>&1)" \
	true "--json: timing.total is one of the samples (0 < total <= max)"

# The unit is the millisecond: a 150 ms answer cannot measure less than 150,
# and in microseconds it would be over 100000 (a bound on the unit, not on
# the machine's speed).
smoke_p50 "http://127.0.0.1:$HOSTILE_PORT/delay/150" 5
s=$p50
note "150 ms delay: median smoke-test ${s:-?} ms"
ok "$(awk -v s="$s" 'BEGIN { exit !(s >= 150 && s < 100000) }'; echo $?)" \
	"a 150 ms answer: smoke-test's median is in milliseconds (${s:-?})"
smoke --url "http://127.0.0.1:$HOSTILE_PORT/delay/150" --no-wait \
	--condition '[RESPONSE_TIME] >= 150' --condition '[RESPONSE_TIME] < 100000'
rc_is 0 "[RESPONSE_TIME] is in milliseconds too"

done_testing
