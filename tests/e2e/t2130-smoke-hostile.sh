#!/usr/bin/env bash
# smoke-test against servers that misbehave (tests/e2e/smoke/
# hostile-server.mjs, and a listener whose accept queue is full): hanging
# after the headers, dripping a byte a second, resetting mid-body, sending
# an endless body, redirecting in a loop, answering with garbage or huge
# headers, never accepting. Each run must end on its own -- well inside the
# `timeout 30` around it -- with a clear verdict (exit 1) or error (exit 3)
# and a reason, never a crash, never unbounded memory.
. "$(dirname -- "$0")/lib.sh"
. "$(dirname -- "$0")/smoke/lib.sh"
need_smoke
fail_if_missing node nodejs
fail_if_missing python3 python3
fail_if_missing jq jq

SMOKE_TIMEOUT=30
hostile_start hs
ok $? "the hostile server listens on 127.0.0.1:$HOSTILE_PORT"
HS=http://127.0.0.1:$HOSTILE_PORT

# ends_cleanly WHAT REASON_ERE: the last run exited 1 or 3 by itself
# (timeout(1) gives 124, a signal 128+N) and its output matches REASON_ERE.
ends_cleanly() {
	ok "$([ "$rc" = 1 ] || [ "$rc" = 3 ]; echo $?)" \
		"$1: smoke-test ended by itself with 1 or 3 (got $rc, ${secs}s)"
	like "$out$NL$err" "$2" "$1: the reason is clear"
	clean_text "$out$NL$err" "$1: the output is clean UTF-8 text"
}

# --- hangs and drips: the per-request timeout ends them ----------------------
smoke --url "$HS/hang-after-headers" --request-timeout 2s --timeout 5s \
	--interval 500ms
ends_cleanly "hang after headers" "[Tt]ime(d)? ?out"

smoke --url "$HS/hang" --request-timeout 1s --no-wait
ends_cleanly "no answer at all (--no-wait)" "[Tt]ime(d)? ?out"

smoke --url "$HS/drip?ms=1000" --request-timeout 2s --timeout 4s \
	--interval 500ms
ends_cleanly "a byte a second" "[Tt]ime(d)? ?out"

# --- reset, garbage, huge headers ----------------------------------------------
smoke --url "$HS/reset" --timeout 2s --interval 300ms
ends_cleanly "reset mid-body" "[Rr]eset|[Rr]ecv failure|[Cc]onnection"

smoke --url "$HS/garbage" --no-wait
ends_cleanly "a reply that is not HTTP" "HTTP|[Ww]eird|[Uu]nsupported|[Ii]nvalid"
unlike "$out$NL$err" "[Ii]nvalid URL" "a reply that is not HTTP: the URL is not blamed"

smoke --url "$HS/huge-headers" --no-wait
ends_cleanly "a 200 KB header line" "[Hh]eader|too (large|long|big)|limit"

# --- an endless body, and memory ----------------------------------------------
for route in gigabyte gigabyte-chunked; do
	rss_wrap "$T/$route.rss"
	smoke --url "$HS/$route" --no-wait --request-timeout 20s
	SMOKE_WRAP=()
	ends_cleanly "$route body" "8 ?Mi?B|[Tt]oo (large|big|long)|[Ll]imit|[Ee]xceed|[Cc]eiling|[Mm]aximum"
	kb=$(tail -n 1 "$T/$route.rss" 2>/dev/null)
	ok "$([ "${kb:-x}" -lt 65536 ] 2>/dev/null; echo $?)" \
		"$route: peak RSS ${kb:-?} KiB < 64 MiB"
done
sent=$(curl -s "$HS/stats" | jq -r '.big_bytes')
ok "$([ "${sent:-0}" -lt $((256 << 20)) ] 2>/dev/null; echo $?)" \
	"the server sent $((${sent:-0} >> 20)) MiB in all, far from 2 GiB"

# Through the wait phase the endless body keeps failing, within the timeout.
smoke --url "$HS/gigabyte-chunked" --timeout 3s --interval 500ms
ends_cleanly "endless body during the wait" "8 ?Mi?B|[Tt]oo (large|big|long)|[Ll]imit|[Ee]xceed|[Cc]eiling|[Mm]aximum"

# --- redirect loops -------------------------------------------------------------
before=$(curl -s "$HS/stats" | jq -r '[.hits["/redirect-loop"], .hits["/redirect-loop-b"]] | map(. // 0) | add')
smoke --url "$HS/redirect-loop" --follow-redirects --no-wait
ends_cleanly "redirect loop, followed" "[Rr]edirect"
after=$(curl -s "$HS/stats" | jq -r '[.hits["/redirect-loop"], .hits["/redirect-loop-b"]] | map(. // 0) | add')
hops=$((after - before))
ok "$([ "$hops" -ge 2 ] && [ "$hops" -le 12 ]; echo $?)" \
	"redirect loop: bounded by --max-redirects 5 ($hops requests)"

before=$after
smoke --url "$HS/redirect-loop" --follow-redirects --max-redirects 2 --no-wait
ends_cleanly "redirect loop, --max-redirects 2" "[Rr]edirect"
after=$(curl -s "$HS/stats" | jq -r '[.hits["/redirect-loop"], .hits["/redirect-loop-b"]] | map(. // 0) | add')
ok "$([ $((after - before)) -le 3 ]; echo $?)" \
	"--max-redirects 2: at most 3 requests ($((after - before)))"

smoke --url "$HS/redirect-loop" --no-wait --json
rc_is 1 "a redirect not followed is a 302, which is not 2xx: exit 1"
is "$(jq -r '.checks[0].status' <<<"$out" 2>&1)" 302 "--json: status 302"

smoke --url "$HS/redirect-loop" --no-wait --expect-status 302
rc_is 0 "--expect-status 302 without following: exit 0"

# --- a listener that never accepts --------------------------------------------
# listen(0) and nobody calls accept(); two connections of its own fill the
# queue, so further SYNs are dropped and connect() hangs.
python3 -c '
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(0)
port = s.getsockname()[1]
fill = []
for _ in range(3):
    c = socket.socket()
    c.setblocking(False)
    try:
        c.connect(("127.0.0.1", port))
    except BlockingIOError:
        pass
    fill.append(c)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write("%d\n" % port)
import os
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(120)
' "$T/noaccept.port" &
bg_register $!
for i in $(seq 50); do [ -s "$T/noaccept.port" ] && break; sleep 0.1; done
NA=$(cat "$T/noaccept.port" 2>/dev/null)
ok "$([ -n "$NA" ]; echo $?)" "a listener with a full accept queue on port $NA"
smoke --url "http://127.0.0.1:$NA/health" --request-timeout 2s --timeout 5s \
	--interval 500ms
ends_cleanly "never accepted" "[Tt]ime(d)? ?out|[Cc]onnect"

# --- the server is still fine, and so is a normal check --------------------------
smoke --url "$HS/ok" --timeout 5s
rc_is 0 "after all that, a normal check passes"

done_testing
