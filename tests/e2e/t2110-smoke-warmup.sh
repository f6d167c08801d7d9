#!/usr/bin/env bash
# The issue's scenario: a release that comes up over a few seconds behind a
# real nginx -- 404, then 503, then 200 with the old version, then the new
# one. smoke-test --condition '[BODY].version == ${ENV:EXPECTED_VERSION}'
# retries through all of it and passes; with a timeout shorter than the
# warm-up it fails naming the last reason (the old version). The expected
# version comes from the environment and is a secret: it never appears in
# stdout, stderr or the job summary, and Actions mode emits ::add-mask::.
. "$(dirname -- "$0")/lib.sh"
. "$(dirname -- "$0")/smoke/lib.sh"
need_smoke
fail_if_missing jq jq
fail_if_missing node nodejs
[ -x "$NGINX" ] || _tap_bail "nginx is missing; install it (package nginx)"

NEW=7.3.1-build42
OLD=7.3.0-build41
P=$(free_port)
B=http://127.0.0.1:$P
# /health: 404 while health.json is missing, 503 while the maintenance file
# exists, else health.json. Files change without a reload.
nginx_start web "$P" '
server {
	listen 127.0.0.1:@PORT@;
	location = /health {
		if (-f @DIR@/html/maintenance) { return 503; }
		default_type application/json;
		try_files /health.json =404;
	}
}'
ok $? "nginx listens on 127.0.0.1:$P"
H=$T/web/html

# serve VERSION: health.json is replaced atomically.
serve() {
	printf '{"status": "UP", "version": "%s"}\n' "$1" >"$H/.health.tmp" &&
		mv -f "$H/.health.tmp" "$H/health.json"
}

# warmup S1 S2 S3 S4: 404 now; 503 after S1 s; the old version after S2;
# the new one after S3 (seconds from the start).
warmup() {
	rm -f "$H/health.json" "$H/maintenance"
	(
		sleep "$1"
		touch "$H/maintenance"
		sleep "$(awk -v a="$1" -v b="$2" 'BEGIN { print b - a }')"
		serve "$OLD"
		rm -f "$H/maintenance"
		sleep "$(awk -v a="$2" -v b="$3" 'BEGIN { print b - a }')"
		serve "$NEW"
	) &
	warmup_pid=$!
	bg_register "$warmup_pid"
}

statuses_seen() {
	grep -o '"GET /health HTTP/1.1" [0-9]*' "$T/web/access.log" |
		awk '{ print $NF }' | sort -u | tr '\n' ' '
}

# secret_absent WHERE TEXT: the expected version is nowhere in TEXT, apart
# from the ::add-mask:: command that hides it.
secret_absent() {
	local rest
	rest=$(grep -v "^::add-mask::" <<<"$2")
	unlike "$rest" "${NEW//./\\.}" "the secret value is absent from $1"
}

SMOKE_ENV=(EXPECTED_VERSION="$NEW")

# --- it waits through 404, 503 and the old version -----------------------------
: >"$T/web/access.log"
# Polls at most 300 ms apart, so each one-second stage is seen.
warmup 1 2 3
smoke --url "$B/health" --condition '[BODY].version == ${ENV:EXPECTED_VERSION}' \
	--timeout 30s --interval 200ms --max-interval 300ms --json
rc_is 0 "the new version came up within the timeout: exit 0"
is "$(jq -r '.checks[0].attempts > 1' <<<"$out" 2>&1)" true \
	"--json: it took more than one attempt ($(jq -r '.checks[0].attempts' <<<"$out" 2>&1))"
is "$(jq -r '.healthy' <<<"$out" 2>&1)" true "--json: healthy"
is "$(statuses_seen)" "200 404 503 " "nginx answered 404, 503 and 200 during the wait"
ok "$(grep -q "${NEW//./\\.}" "$H/health.json"; echo $?)" "and the new version was served at the end"
secret_absent "--json stdout" "$out"
secret_absent "stderr" "$err"
secret_absent "the job summary" "$(cat "$T/gh-summary")"
wait "$warmup_pid" 2>/dev/null

# --- a timeout shorter than the warm-up ---------------------------------------
: >"$T/web/access.log"
warmup 0.4 0.8 20
SMOKE_ENV+=(GITHUB_ACTIONS=true)
smoke --url "$B/health" --condition '[BODY].version == ${ENV:EXPECTED_VERSION}' \
	--timeout 4s --interval 200ms
rc_is 1 "the new version did not come up in 4 s: exit 1"
like "$out$NL$err" "${OLD//./\\.}" "the last reason names the version served ($OLD)"
like "$out$NL$err" "\[BODY\]\.version" "and the condition that failed"
like "$out$NL$err" "::error[^$NL]*DEPLOY_HEALTH_CHECK_FAILED" "an ::error annotation"
like "$out$NL$err" "(^|$NL)::add-mask::${NEW//./\\.}($NL|$)" \
	"Actions mode: ::add-mask:: for the value from \${ENV:EXPECTED_VERSION}"
secret_absent "stdout" "$out"
secret_absent "stderr" "$err"
secret_absent "the job summary" "$(cat "$T/gh-summary")"
like "$(cat "$T/gh-summary")" "${OLD//./\\.}" "the summary shows the actual (old) version"
n=$(grep -c '"GET /health HTTP/1.1"' "$T/web/access.log")
ok "$([ "$n" -ge 2 ] && [ "$n" -le 25 ]; echo $?)" \
	"the wait retried with a bounded rate ($n requests in 4 s)"
kill "$warmup_pid" 2>/dev/null

# --- outside Actions the value is masked too -----------------------------------
SMOKE_ENV=(EXPECTED_VERSION="$NEW")
serve "$OLD"
smoke --url "$B/health" --condition '[BODY].version == ${ENV:EXPECTED_VERSION}' \
	--no-wait
rc_is 1 "the old version without waiting: exit 1"
like "$out$NL$err" "${OLD//./\\.}" "the reason names the old version"
unlike "$out$NL$err" "add-mask" "no workflow commands outside Actions"
secret_absent "stdout and stderr (terminal mode)" "$out$NL$err"

smoke --url "$B/health" --condition '[BODY].version == ${ENV:EXPECTED_VERSION}' \
	--no-wait --json
secret_absent "--json output of a failed check" "$out"

# The secret as the actual value the server sent is masked as well.
serve "$NEW"
SMOKE_ENV+=(GITHUB_ACTIONS=true)
smoke --url "$B/health" --condition '[BODY].version != ${ENV:EXPECTED_VERSION}' \
	--no-wait --junit "$T/junit.xml"
rc_is 1 "the new version where another is expected: exit 1"
secret_absent "stdout when the body holds it" "$out"
secret_absent "stderr when the body holds it" "$err"
secret_absent "the summary when the body holds it" "$(cat "$T/gh-summary")"
secret_absent "the JUnit report" "$(cat "$T/junit.xml" 2>/dev/null)"
smoke --url "$B/health" --condition '[BODY].version != ${ENV:EXPECTED_VERSION}' \
	--no-wait --json
secret_absent "--json when the body holds it" "$out"
SMOKE_ENV=(EXPECTED_VERSION="$NEW")

serve "$NEW"
smoke --url "$B/health" --condition '[BODY].version == ${ENV:EXPECTED_VERSION}' \
	--timeout 5s
rc_is 0 "the new version: exit 0"
secret_absent "stdout of a passing run" "$out"
secret_absent "the summary of a passing run" "$(cat "$T/gh-summary")"

SMOKE_ENV=()
smoke --url "$B/health" --condition '[BODY].version == ${ENV:EXPECTED_VERSION}' \
	--timeout 5s
rc_is 2 "EXPECTED_VERSION not set: exit 2"
like "$err" "EXPECTED_VERSION" "the error names the variable"

done_testing
