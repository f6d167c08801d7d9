#!/usr/bin/env bash
# The smoke-test action as a workflow runs it: actions/smoke-test/action.yml
# through the local runner harness (scripts/run-action) from the main tree,
# against nginx on loopback. Inputs arrive as toJSON(inputs); the action's
# outputs healthy, failed-checks and p95-ms and the job summary come back;
# a multi-line condition input keeps a comma inside any(...); a spec file
# with a secret from the job's environment is masked.
. "$(dirname -- "$0")/lib.sh"
. "$(dirname -- "$0")/smoke/lib.sh"
need_smoke
need_node_modules
fail_if_missing jq jq
[ -x "$NGINX" ] || _tap_bail "nginx is missing; install it (package nginx)"

RA=$DA_TOP/scripts/run-action
A=$DA_TOP/actions/smoke-test
mkdir -p "$T/ws"

P=$(free_port)
B=http://127.0.0.1:$P
nginx_start web "$P" "$(cat <<'EOF'
server {
	listen 127.0.0.1:@PORT@;
	default_type application/json;
	location = /health {
		return 200 '{"status": "UP", "version": "2.0.1"}';
	}
	location = /private {
		if ($http_authorization != "Bearer act-s3cret-99") { return 401; }
		return 200 '{"ok": true}';
	}
	location = /missing { return 404; }
}
EOF
)"
ok $? "nginx listens on 127.0.0.1:$P"

# action WITH...: runs the action; sets out, err, rc; outputs in $T/o.json,
# summary in $T/s.md.
action() {
	local args=() w
	for w in "$@"; do
		args+=(--with "$w")
	done
	rm -f "$T/o.json" "$T/s.md"
	run timeout 60 "$RA" --workspace "$T/ws" --outputs "$T/o.json" \
		--summary "$T/s.md" "${ACTION_ENV[@]}" "${args[@]}" "$A"
}
ACTION_ENV=()
o() { jq -r --arg k "$1" '.[$k] // "(absent)"' "$T/o.json" 2>&1; }

# --- healthy ---------------------------------------------------------------------
action "url=$B/health" "timeout=10s" \
	"condition=[BODY].status == UP
[STATUS] == any(200, 204)
[BODY].version == pat(2.*)"
rc_is 0 "healthy: the action succeeds"
is "$(o healthy)" true "output healthy=true"
is "$(o failed-checks)" "" "output failed-checks is empty"
like "$(o p95-ms)" '^[0-9]+$' "output p95-ms is whole milliseconds"
like "$(cat "$T/s.md" 2>/dev/null)" "(^|$NL)\|[^$NL]*/health[^$NL]*\|" \
	"the job summary has a table row for the check"
like "$(cat "$T/s.md" 2>/dev/null)" '```mermaid' "and a mermaid chart"

action "url=$B/health" "timeout=10s" "expect-status=200" "json=true"
rc_is 0 "expect-status and json inputs: succeeds"
is "$(grep -v '^::' <<<"$out" | jq -r '.healthy' 2>&1)" true "json=true prints the result as JSON"

# --- unhealthy ---------------------------------------------------------------------
action "url=$B/missing" "timeout=2s" "interval=200ms"
rc_is 1 "a 404: the step fails with exit 1"
is "$(o healthy)" false "output healthy=false"
like "$(o failed-checks)" "missing" "output failed-checks names the check"
is "$(o p95-ms)" "" "output p95-ms is empty: nothing answered, nothing measured"
like "$out" "::error[^$NL]*DEPLOY_HEALTH_CHECK_FAILED" "an ::error annotation for the runner"
like "$(cat "$T/s.md" 2>/dev/null)" "404" "the summary shows the 404"

action "url=$B/health" "timeout=2s" "condition=[BODY].version == 9.9.9"
rc_is 1 "a failed condition: exit 1"
like "$(cat "$T/s.md" 2>/dev/null)" '2\.0\.1' "the summary shows the actual version"

action "url=$B/health" "condition=[STATUS] = 200"
rc_is 2 "a condition that does not parse: exit 2"

action "url=$B/health" "spec=$T/ws/none.yml"
rc_is 2 "url and spec inputs together: exit 2"

# --- a spec file with a secret --------------------------------------------------------
cat >"$T/ws/smoke.yml" <<EOF
base-url: $B
defaults:
  headers: { Authorization: "Bearer \${ENV:SMOKE_TOKEN}" }
checks:
  - name: health
    url: /health
    conditions: [ "[BODY].status == UP" ]
  - name: private
    url: /private
    conditions: [ "[BODY].ok == true" ]
EOF
ACTION_ENV=(--env SMOKE_TOKEN=act-s3cret-99)
action "spec=smoke.yml" "timeout=10s"
rc_is 0 "spec input (relative to the workspace) with a secret: succeeds"
is "$(o healthy)" true "output healthy=true"
like "$out" "(^|$NL)::add-mask::act-s3cret-99($NL|$)" "the secret is masked for the runner"
unlike "$(grep -v '^::add-mask::' <<<"$out")$NL$err" "act-s3cret-99" \
	"and appears nowhere else in the log"
unlike "$(cat "$T/s.md" 2>/dev/null)" "act-s3cret-99" "nor in the summary"

ACTION_ENV=(--env SMOKE_TOKEN=wrong)
action "spec=smoke.yml" "timeout=2s" "interval=200ms"
rc_is 1 "the wrong token: exit 1"
is "$(o failed-checks)" "private" "output failed-checks=private"

done_testing
