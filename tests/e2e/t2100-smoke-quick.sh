#!/usr/bin/env bash
# smoke-test's quick form (--url, --expect-status, --condition...) against a
# real nginx on loopback: a passing check and what it writes (stdout, step
# outputs, job summary with a table and a mermaid chart), a wrong status
# (exit 1, DEPLOY_HEALTH_CHECK_FAILED annotation, failed-checks), every
# kind of condition on a JSON body and on a header, --json and --junit,
# usage errors (exit 2), and a refused port that fails with its reason.
. "$(dirname -- "$0")/lib.sh"
. "$(dirname -- "$0")/smoke/lib.sh"
need_smoke
fail_if_missing jq jq
fail_if_missing node nodejs
[ -x "$NGINX" ] || _tap_bail "nginx is missing; install it (package nginx)"

P=$(free_port)
B=http://127.0.0.1:$P
nginx_start web "$P" '
server {
	listen 127.0.0.1:@PORT@;
	location = /ok { default_type text/plain; return 200 "ok\n"; }
	location = /missing { return 404; }
	location = /teapot { return 418; }
	location = /needs-header {
		if ($http_x_deploy != "blue") { return 403; }
		default_type text/plain;
		return 200 "blue\n";
	}
	location / { }
}'
ok $? "nginx listens on 127.0.0.1:$P"
cat >"$T/web/html/status.json" <<'EOF'
{"status": "UP", "version": "1.4.2", "name": "svc-alpha",
 "items": [{"id": 42, "tag": "first"}, {"id": 7}], "empty": []}
EOF

# --- a passing check ---------------------------------------------------------
smoke --url "$B/ok" --timeout 5s
rc_is 0 "200 from nginx: exit 0"
ok "$([ -n "$out" ]; echo $?)" "a line on stdout"
like "$out" "/ok" "stdout names the check"
is "$(gh_output healthy)" true "step output healthy=true"
gh_output failed-checks >/dev/null
ok $? "step output failed-checks is written"
is "$(gh_output failed-checks)" "" "failed-checks is empty when healthy"
like "$(gh_output p95-ms)" '^[0-9]+$' "step output p95-ms is whole milliseconds"
summary=$(cat "$T/gh-summary")
like "$summary" "(^|$NL)\|[^$NL]*\|[^$NL]*\|($NL|$)" "job summary has a table row"
like "$summary" "(^|$NL)\| *:?-{3,}:? *\|" "the table has a header separator"
like "$summary" '```mermaid' "job summary has a mermaid chart"
like "$summary" "/ok" "the summary names the check"

# --- wrong status ------------------------------------------------------------
SMOKE_ENV=(GITHUB_ACTIONS=true)
smoke --url "$B/missing" --expect-status 200 --timeout 2s --interval 200ms
SMOKE_ENV=()
rc_is 1 "404 where 200 is expected: exit 1 after the wait"
like "$out$NL$err" "::error[^$NL]*DEPLOY_HEALTH_CHECK_FAILED" \
	"an ::error annotation carries DEPLOY_HEALTH_CHECK_FAILED"
like "$out$NL$err" "404" "the reason shows the actual status"
is "$(gh_output healthy)" false "step output healthy=false"
like "$(gh_output failed-checks)" "missing" "failed-checks names the check"
like "$out$NL$err" "::group::" "the wait phase is a ::group:: in Actions"

smoke --url "$B/missing" --expect-status 404 --timeout 5s
rc_is 0 "--expect-status 404 accepts a 404"

smoke --url "$B/teapot" --no-wait
rc_is 1 "without conditions a check expects 2xx: 418 fails"

smoke --url "$B/needs-header" --header "X-Deploy: blue" --timeout 5s
rc_is 0 "--header is sent (nginx answers 200 only with it)"
smoke --url "$B/needs-header" --no-wait
rc_is 1 "and without it nginx's 403 fails the check"

# --- conditions --------------------------------------------------------------
smoke --url "$B/status.json" --timeout 5s \
	--condition '[STATUS] == 200' \
	--condition '[STATUS] == any(200, 204)' \
	--condition '[BODY].status == UP' \
	--condition '[BODY].items[0].id == 42' \
	--condition '[BODY].items[1].id == 0x7' \
	--condition 'len([BODY].items) == 2' \
	--condition 'len([BODY].empty) == 0' \
	--condition 'has([BODY].version)' \
	--condition '[BODY].name == pat(svc-*)' \
	--condition '[BODY].name != pat(web-*)' \
	--condition '[BODY] == pat(*svc-alpha*)' \
	--condition '[HEADER].content-type == pat(application/json*)' \
	--condition '[RESPONSE_TIME] < 5000' \
	--condition '[CONNECTED] == true'
rc_is 0 "fourteen true conditions on a JSON body and a header: exit 0"

# Each false condition fails alone, and the reason shows the actual value.
fails() {
	local cond=$1 actual=$2
	smoke --url "$B/status.json" --no-wait --condition "$cond"
	rc_is 1 "false: $cond (exit 1)"
	like "$out$NL$err" "$actual" "  the reason shows '$actual'"
}
fails '[BODY].status == DOWN' 'UP'
fails 'len([BODY].items) > 5' '2'
fails '[BODY].items[0].tag == second' 'first'
fails '[BODY].name == pat(web-*)' 'svc-alpha'
fails '[STATUS] == any(201, 204)' '200'
fails '[HEADER].content-type == pat(text/*)' 'application/json'
fails 'has([BODY].nope)' 'nope'
fails '[BODY].items[5].id == 1' 'items'
fails '[BODY].status > 3' 'UP'
smoke --url "$B/ok" --no-wait --condition '[BODY].status == UP'
rc_is 1 "a JSON path on a body that is not JSON is false, not an error"

# --- --json ------------------------------------------------------------------
smoke --url "$B/status.json" --timeout 5s --condition '[BODY].status == UP' \
	--json
rc_is 0 "--json: exit 0"
printf '%s' "$out" | jq -e . >/dev/null 2>&1
ok $? "--json: stdout is one JSON document"
j() { printf '%s' "$out" | jq -r "$1" 2>&1; }
is "$(j '.healthy')" true "--json: .healthy"
is "$(j '.checks | length')" 1 "--json: one check"
is "$(j '.failed_checks | length')" 0 "--json: failed_checks is []"
is "$(j '.code')" null "--json: code is null when healthy"
is "$(j '.checks[0] | [has("name","timestamp","endpoint","status","latency",
	"healthy","samples","p50","p95","p99","max","attempts","timing",
	"failures","tags")] | all')" true "--json: a check has every field"
is "$(j '.checks[0].endpoint')" "$B/status.json" "--json: endpoint is the URL"
is "$(j '.checks[0].status')" 200 "--json: status 200"
is "$(j '.checks[0].healthy')" true "--json: check healthy"
like "$(j '.checks[0].timestamp')" \
	'^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$' \
	"--json: timestamp is ISO 8601 UTC with milliseconds"
is "$(j '[.checks[0] | .latency, .p50, .p95, .p99, .max | type] | unique')" \
	'[
  "number"
]' "--json: latency figures are numbers"
is "$(j '.checks[0] | (.p50 <= .p95 and .p95 <= .p99 and .p99 <= .max and .max > 0)')" \
	true "--json: p50 <= p95 <= p99 <= max, and max > 0"
is "$(j '.checks[0].timing | keys | sort | join(",")')" \
	"connect,dns,first_byte,tls,total" "--json: timing has dns, connect, tls, first_byte, total"
is "$(j '.checks[0].timing | (.tls == 0 and .connect <= .first_byte and .first_byte <= .total)')" \
	true "--json: timing is ordered, no TLS on http://"
is "$(j '.checks[0].attempts >= 1')" true "--json: attempts >= 1"
is "$(j '.checks[0].samples')" 1 "--json: one sample by default"

smoke --url "$B/status.json" --no-wait --condition '[BODY].version == 9.9.9' \
	--json
rc_is 1 "--json, unhealthy: exit 1"
is "$(j '.healthy')" false "--json: .healthy false"
is "$(j '.code')" DEPLOY_HEALTH_CHECK_FAILED "--json: code names the failure"
is "$(j '.failed_checks | length')" 1 "--json: one failed check"
is "$(j '.failed_checks[0] == .checks[0].name')" true "--json: failed_checks holds its name"
like "$(j '.checks[0].failures | join("\n")')" '1\.4\.2' \
	"--json: failures show the actual value"

smoke --url "$B/status.json?run=samples" --timeout 5s --samples 7 \
	--latency 'p95 < 10s' --latency 'max <= 20s' --json
rc_is 0 "--samples 7 with two latency gates that hold: exit 0"
is "$(j '.checks[0].samples')" 7 "--json: samples 7"
is "$(grep -c 'GET /status.json?run=samples ' "$T/web/access.log")" \
	"$(($(j '.checks[0].attempts') + 7))" \
	"nginx saw the wait phase's attempts and then 7 samples"

# --- --junit -----------------------------------------------------------------
smoke --url "$B/status.json" --no-wait --condition '[BODY].status == DOWN' \
	--junit "$T/junit.xml"
rc_is 1 "--junit with a failing check: exit 1"
if command -v xmllint >/dev/null 2>&1; then
	xmllint --noout "$T/junit.xml" 2>"$T/xmllint.err"
	ok $? "--junit writes well-formed XML (xmllint)"
else
	python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' \
		"$T/junit.xml" 2>"$T/xmllint.err"
	ok $? "--junit writes well-formed XML (python3 minidom)"
fi
junit=$(cat "$T/junit.xml" 2>/dev/null)
like "$junit" "<testsuite[ >]" "--junit: a testsuite"
like "$junit" "<testcase [^>]*name=\"[^\"]*status.json" "--junit: a testcase named after the check"
like "$junit" "<failure" "--junit: the failing check has a <failure>"
smoke --url "$B/status.json" --timeout 5s --junit "$T/junit-ok.xml"
unlike "$(cat "$T/junit-ok.xml" 2>/dev/null)" "<failure" "--junit: no <failure> when healthy"

# A JUnit file that cannot be written: the other reports still come, and
# an unhealthy service is still the verdict.
smoke --url "$B/status.json" --no-wait --condition '[BODY].status == DOWN' \
	--junit "$T/no-such-dir/junit.xml"
rc_is 1 "--junit into a missing directory, unhealthy: still exit 1"
like "$err" "--junit: cannot write" "the JUnit failure is said"
is "$(gh_output healthy)" false "the step outputs are still written"
like "$(cat "$T/gh-summary")" "\|" "and the job summary"
smoke --url "$B/status.json" --no-wait --junit "$T/no-such-dir/junit.xml"
rc_is 2 "--junit into a missing directory, healthy: exit 2 (a bad path)"
is "$(gh_output healthy)" true "outputs written all the same"

# --- usage errors --------------------------------------------------------------
smoke --url "$B/ok" --condition '[STATUS] = 200'
rc_is 2 "a condition that does not parse: exit 2"
like "$err" "column 10" "the error gives the column"
like "$err" "\[STATUS\] = 200" "and quotes the condition"
is "$(lines "$err")" 1 "one line on stderr"

smoke --url "$B/ok" --condition 'len([BODY].items) >'
rc_is 2 "a condition with no right side: exit 2"
like "$err" "column [0-9]+" "with its column"

printf 'checks:\n  - url: %s/ok\n' "$B" >"$T/spec.yml"
smoke --url "$B/ok" --spec "$T/spec.yml"
rc_is 2 "--url and --spec together: exit 2"
like "$err" "url" "the error names --url"
like "$err" "spec" "and --spec"

smoke --spec "$T/spec.yml" --condition '[STATUS] == 200'
rc_is 2 "--condition with --spec: exit 2"
like "$err" "condition" "the error names --condition"

smoke --spec "$T/spec.yml" --expect-status 200
rc_is 2 "--expect-status with --spec: exit 2"
like "$err" "expect-status" "the error names --expect-status"

smoke --timeout 2s
rc_is 2 "neither --url nor --spec: exit 2"

smoke --url "$B/ok" --timeout 'soon'
rc_is 2 "a bad duration: exit 2"
like "$err" "soon" "the error quotes it"
smoke --url "$B/ok" --max-interval 'later'
rc_is 2 "a bad --max-interval: exit 2"
like "$err" "max-interval" "the error names the option"

# --- a refused port ------------------------------------------------------------
dead=$(free_port)
smoke --url "http://127.0.0.1:$dead/health" --timeout 2s --interval 200ms
rc_is 1 "nothing listening: exit 1 (a verdict, after the wait)"
like "$out$NL$err" "[Rr]efused|[Cc]ould not connect|[Cc]ouldn't connect|[Ff]ailed to connect" \
	"the last reason says the connection was refused"
unlike "$out$NL$err" "[Rr]efused[^$NL ;,.)]" "and the reason ends there (no stray bytes)"
clean_text "$out$NL$err" "the output is clean UTF-8 text"

done_testing
