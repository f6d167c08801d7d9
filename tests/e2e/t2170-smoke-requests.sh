#!/usr/bin/env bash
# The requests smoke-test makes, seen from the server (tests/e2e/smoke/
# hostile-server.mjs echoes them and counts connections and requests in
# flight): --method and --header of the quick form (a comma inside a header
# value, a credential header masked in every output), --concurrency bounding
# the requests in flight, keep-alive across samples, and
# --consecutive-successes against a service that flaps between 503 and 200.
. "$(dirname -- "$0")/lib.sh"
. "$(dirname -- "$0")/smoke/lib.sh"
need_smoke
fail_if_missing node nodejs
fail_if_missing jq jq
fail_if_missing curl curl

hostile_start hs
ok $? "the test server listens on 127.0.0.1:$HOSTILE_PORT"
HS=http://127.0.0.1:$HOSTILE_PORT
# stats [FIELD]: the server's counters (then zeroed)
stats() {
	curl -s "$HS/stats?reset=1" | jq -r "${1:-.}"
}
stats >/dev/null

# --- method and headers ------------------------------------------------------
smoke --url "$HS/echo" --method POST --no-wait \
	--condition '[BODY].method == POST'
rc_is 0 "--method POST is sent as POST"
smoke --url "$HS/echo" --method DELETE --no-wait \
	--condition '[BODY].method == DELETE'
rc_is 0 "--method DELETE is sent as DELETE"
smoke --url "$HS/ok" --method HEAD --no-wait --expect-status 200
rc_is 0 "--method HEAD: a 200 without a body passes"

smoke --url "$HS/echo" --no-wait --header 'Accept: application/json, text/plain' \
	--header 'X-Deploy-Id: 42' \
	--condition '[BODY].headers.accept == application/json, text/plain' \
	--condition '[BODY].headers.x-deploy-id == 42'
rc_is 0 "--header twice; a comma inside a header value stays in it"

SECRET=tok-S3CRET-91
SMOKE_ENV=(GITHUB_ACTIONS=true)
smoke --url "$HS/echo" --no-wait --header "Authorization: Bearer $SECRET" \
	--condition '[BODY].headers.authorization == nope' --junit "$T/junit.xml"
rc_is 1 "a false condition on the echoed Authorization header: exit 1"
like "$out$NL$err" "authorization" "the failure is reported"
unlike "$(grep -v '^::add-mask::' <<<"$out$NL$err")" "$SECRET" \
	"the Authorization value is masked in stdout and stderr"
unlike "$(cat "$T/gh-summary")" "$SECRET" "and in the job summary"
unlike "$(cat "$T/junit.xml" 2>/dev/null)" "$SECRET" "and in the JUnit report"
SMOKE_ENV=()
smoke --url "$HS/echo" --no-wait --header "Authorization: Bearer $SECRET" \
	--condition '[BODY].headers.authorization == nope' --json
unlike "$out" "$SECRET" "and in --json"

smoke --url "$HS/ok" --header 'no colon here' --no-wait
rc_is 2 "a --header without 'Name: value': exit 2"
like "$err" "no colon here" "the error quotes it"

# --- concurrency and keep-alive ----------------------------------------------
stats >/dev/null
{
	echo "checks:"
	for i in $(seq 12); do
		echo "  - url: $HS/delay/300?n=$i"
	done
} >"$T/twelve.yml"
smoke --spec "$T/twelve.yml" --concurrency 3 --no-wait
rc_is 0 "twelve 300 ms checks at --concurrency 3: exit 0"
s=$(stats)
is "$(jq -r '.max_inflight' <<<"$s")" 3 "the server saw at most 3 requests at once"

{
	echo "checks:"
	for i in $(seq 24); do
		echo "  - url: $HS/delay/300?n=$i"
	done
} >"$T/many.yml"
smoke --spec "$T/many.yml" --no-wait
rc_is 0 "24 checks at the default concurrency: exit 0"
mi=$(stats .max_inflight)
ok "$([ "$mi" -le 16 ] && [ "$mi" -ge 8 ]; echo $?)" \
	"the default concurrency is 16: $mi requests at once"

smoke --url "$HS/delay/200" --samples 12 --concurrency 4 --no-wait --json
rc_is 0 "12 samples at --concurrency 4: exit 0"
is "$(stats .max_inflight)" 4 "samples are concurrent too, up to 4"

smoke --url "$HS/ok" --samples 40 --concurrency 1 --timeout 5s
rc_is 0 "40 samples, one at a time, after the wait: exit 0"
s=$(stats)
is "$(jq -r '.hits["/ok"]' <<<"$s")" "$((40 + 1))" "the server saw the wait's request and 40 samples"
# less the connection of the /stats request itself
conns=$(($(jq -r '.accepted' <<<"$s") - 1))
ok "$([ "$conns" -le 2 ]; echo $?)" \
	"over at most 2 connections (keep-alive): $conns"

# --- consecutive successes --------------------------------------------------------
stats >/dev/null
smoke --url "$HS/flap" --consecutive-successes 2 --timeout 2s --interval 100ms
rc_is 1 "503 and 200 in turn never pass twice in a row: exit 1"
like "$out$NL$err" "503|in a row|consecutive" \
	"the reason says what kept it from passing"

# One 503, then 200s, but never 50 in a row within 2 s: the last attempt
# passed, and the reason must say that the streak was too short.
smoke --url "$HS/once-503?key=streak" --consecutive-successes 50 --timeout 2s \
	--interval 100ms
rc_is 1 "50 successes in a row cannot happen in 2 s at 100 ms: exit 1"
last=$(tail -n 1 <<<"$err")
unlike "$last" "no answer" "the final reason does not claim there was no answer"
like "$last" "in a row|consecutive|[0-9]+ of 50" "it says how far the streak got"

smoke --url "$HS/once-503?key=ok" --consecutive-successes 3 --timeout 10s \
	--interval 100ms --json
rc_is 0 "one 503, then three 200s in a row: exit 0"
is "$(jq -r '.checks[0].attempts' <<<"$out" 2>&1)" 4 "--json: four attempts (503, 200, 200, 200)"

# Passing the wait is not passing the check: a flapping service answers
# 503, then 200 (ready), then 503 to the assert phase's request.
stats >/dev/null
smoke --url "$HS/flap" --consecutive-successes 1 --timeout 5s --interval 100ms \
	--json
rc_is 1 "ready on the first 200, then a 503 in the assert phase: exit 1"
is "$(jq -r '.checks[0].attempts' <<<"$out" 2>&1)" 2 "--json: two wait attempts (503, then 200)"
is "$(jq -r '.checks[0].status' <<<"$out" 2>&1)" 503 "--json: the asserted status is the later 503"

done_testing
