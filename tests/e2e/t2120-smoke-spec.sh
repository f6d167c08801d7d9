#!/usr/bin/env bash
# smoke-test --spec: one spec file, in YAML and in JSON, against a real
# nginx and the local test server: base-url (and --base-url over it), wait
# settings, default headers with ${ENV:API_TOKEN} (nginx answers 401
# without the right one), a captured login token sent by later checks (in
# any order in the file), text and JSON bodies, samples with latency gates
# that hold and one that cannot, tags; then spec errors: unknown keys
# named with their line, an unset variable, a bad condition, bad YAML.
. "$(dirname -- "$0")/lib.sh"
. "$(dirname -- "$0")/smoke/lib.sh"
need_smoke
need_node_modules
fail_if_missing jq jq
[ -x "$NGINX" ] || _tap_bail "nginx is missing; install it (package nginx)"

TOKEN=s3cr3t-T0KEN-4711
P=$(free_port)
B=http://127.0.0.1:$P
nginx_start web "$P" "$(cat <<'EOF'
server {
	listen 127.0.0.1:@PORT@;
	default_type application/json;
	location = /health { return 200 '{"status": "UP"}'; }
	location = /api/me {
		if ($http_authorization != "Bearer s3cr3t-T0KEN-4711") {
			return 401;
		}
		return 200 '{"user": "ana"}';
	}
	location = /login {
		if ($request_method != POST) { return 405; }
		if ($content_type !~ "^application/json") { return 415; }
		return 200 '{"token": "abc123xyz", "expires": 3600}';
	}
	location = /api/orders {
		if ($http_x_session != "abc123xyz") { return 403; }
		return 200 '{"orders": [1, 2, 3]}';
	}
}
EOF
)"
ok $? "nginx listens on 127.0.0.1:$P"
hostile_start hs
ok $? "the test server listens on 127.0.0.1:$HOSTILE_PORT"
HS=http://127.0.0.1:$HOSTILE_PORT
dead=$(free_port)

# to_json IN OUT: the YAML spec as JSON, by the yaml package of tests/.
to_json() {
	node -e '
		const fs = require("fs");
		const YAML = require(process.argv[1]);
		const doc = YAML.parse(fs.readFileSync(process.argv[2], "utf8"));
		fs.writeFileSync(process.argv[3], JSON.stringify(doc, null, 2));
	' "$DA_TOP/tests/node_modules/yaml" "$1" "$2"
}

cat >"$T/spec.yml" <<EOF
# what a deploy pipeline would check
base-url: http://127.0.0.1:$dead
wait:
  timeout: 20s
  interval: 200ms
  consecutive-successes: 2
defaults:
  timeout: 5s
  headers:
    Authorization: "Bearer \${ENV:API_TOKEN}"
checks:
  - name: health
    url: /health
    expect-status: 200
    conditions: [ "[BODY].status == UP" ]
    tags: [ api, critical ]
  - name: me
    url: /api/me
    conditions:
      - "[BODY].user == ana"
  - name: login
    url: /login
    method: POST
    json: { user: ana, password: hunter2 }
    ready: false
    capture:
      token: "[BODY].token"
  - name: orders
    url: /api/orders
    ready: false
    headers: { X-Session: "\${token}" }
    conditions: [ "len([BODY].orders) == 3" ]
  - name: echo-text
    url: $HS/echo
    method: PUT
    ready: false
    body: "plain text body"
    headers:
      X-Trace: "\${token}"
    conditions:
      - "[BODY].method == PUT"
      - "[BODY].body == plain text body"
      - "[BODY].headers.x-trace == abc123xyz"
      - "[BODY].headers.authorization == pat(Bearer *)"
  - name: echo-json
    url: $HS/echo
    method: POST
    ready: false
    json: { kind: smoke, n: [1, 2] }
    conditions:
      - "[BODY].headers.content-type == pat(application/json*)"
      - "[BODY].body == pat(*smoke*)"
  - url: /health
    samples: 20
    latency: [ "p95 < 10s", "max <= 10s", "p50 < 10s", "p99 < 10s", "mean < 10s" ]
    tags: [ perf ]
EOF
to_json "$T/spec.yml" "$T/spec.json"
ok $? "the same spec as JSON"
# The JSON copy points at the live nginx itself.
jq --arg b "$B" '.["base-url"] = $b' "$T/spec.json" >"$T/spec-live.json"

SMOKE_ENV=(API_TOKEN="$TOKEN")

# --- YAML, base-url overridden -----------------------------------------------
smoke --spec "$T/spec.yml" --base-url "$B" --json
rc_is 0 "YAML spec with --base-url over the file's: exit 0"
j() { jq -r "$1" <<<"$out" 2>&1; }
is "$(j '[.checks[].name] | join(",")')" \
	"health,me,login,orders,echo-text,echo-json,GET /health" \
	"--json: every check, in spec order; an unnamed check is 'GET /health'"
is "$(j '[.checks[].healthy] | all')" true "--json: every check healthy"
is "$(j '.failed_checks | length')" 0 "--json: no failed checks"
is "$(j '.checks[0].tags | join(",")')" "api,critical" "--json: tags of 'health'"
is "$(j '.checks[6].tags | join(",")')" "perf" "--json: tags of the latency check"
is "$(j '.checks[1].tags | length')" 0 "--json: no tags is []"
is "$(j '.checks[6].samples')" 20 "--json: 20 samples"
is "$(j '.checks[0].endpoint')" "$B/health" "base-url joins a relative URL"
is "$(j '.checks[4].endpoint')" "$HS/echo" "an absolute URL stays as written"
is "$(j '.checks[0].attempts >= 2')" true \
	"consecutive-successes: 2 takes two passing attempts"
unlike "$out$NL$err" "$TOKEN" "the \${ENV:API_TOKEN} value is absent from the output"
unlike "$(cat "$T/gh-summary")" "$TOKEN" "and from the job summary"
is "$(grep -c ' "GET /login HTTP/1.1" ' "$T/web/access.log")" 0 \
	"login was never sent as a GET"
like "$(cat "$T/web/access.log")" '"POST /login HTTP/1.1" 200' "login was a POST with a JSON body"

smoke --spec "$T/spec.yml" --base-url "$B"
rc_is 0 "the same in terminal mode: exit 0"
unlike "$out$NL$err" "$TOKEN" "the token is absent from terminal output"

# --- JSON -------------------------------------------------------------------
smoke --spec "$T/spec-live.json" --json
rc_is 0 "the JSON spec with its own base-url: exit 0"
is "$(j '[.checks[] | select(.healthy)] | length')" 7 "--json: seven healthy checks"

# --- a capture used before the check that makes it ---------------------------
# Checks run in file order; a ${name} that no earlier check captures is a
# spec error at load time, not a failed request later.
jq '.checks |= ([.[3]] + .[0:3] + .[4:])' "$T/spec-live.json" >"$T/spec-order.json"
smoke --spec "$T/spec-order.json" --json
rc_is 2 "a check that uses \${token} before the login captures it: exit 2"
like "$err" "spec-order\.json:[0-9]+" "the error has file:line"
like "$err" "orders" "names the check"
like "$err" "token" "and the capture"
sed 's/\${token}/${tokne}/' "$T/spec.yml" >"$T/spec-typo.yml"
smoke --spec "$T/spec-typo.yml" --base-url "$B"
rc_is 2 "a misspelt capture name: exit 2"
like "$err" "tokne" "the error names it"

# --- without the secret header ------------------------------------------------
SMOKE_ENV=(API_TOKEN=wrong)
smoke --spec "$T/spec-live.json" --timeout 2s --json
rc_is 1 "a wrong token: nginx's 401 fails the check (exit 1)"
is "$(j '.failed_checks | join(",")')" "me" "--json: only 'me' failed"
is "$(j '.checks[1].status')" 401 "--json: its status is nginx's 401"
like "$(j '.checks[1].failures | join(" ")')" "\\[BODY\\]\\.user" \
	"its failure names the condition on the body"
like "$(gh_output failed-checks)" "^me$" "step output failed-checks=me"
SMOKE_ENV=(API_TOKEN="$TOKEN")

# --- a latency gate that cannot hold ------------------------------------------
cat >"$T/slow.yml" <<EOF
checks:
  - name: slow
    url: $HS/delay/40
    samples: 3
    latency: [ "max < 1ms" ]
  - name: quick
    url: $HS/ok
    latency: [ "p95 < 10s" ]
EOF
smoke --spec "$T/slow.yml" --json
rc_is 1 "max < 1ms against a 40 ms answer: exit 1"
is "$(j '.failed_checks | join(",")')" slow "--json: the slow check failed"
like "$(j '.checks[0].failures | join(" ")')" "max" "its failure names the gate"
is "$(j '.checks[0].p50 >= 40')" true "--json: p50 is at least the 40 ms delay"
is "$(j '.checks[0].status')" 200 "--json: the status was fine"
is "$(j '.checks[1].healthy')" true "--json: the other check passed"
p95=$(gh_output p95-ms)
ok "$([ "${p95:-0}" -ge 40 ] 2>/dev/null; echo $?)" \
	"step output p95-ms is the highest p95 ($p95 >= 40)"

# --- spec errors -------------------------------------------------------------
cat >"$T/bad-key.yml" <<EOF
checks:
  - name: health
    url: $B/health
    timout: 5s
EOF
smoke --spec "$T/bad-key.yml"
rc_is 2 "an unknown key: exit 2"
like "$err" "bad-key\.yml:4" "the error has file:line"
like "$err" "timout" "and names the key"
is "$(lines "$err")" 1 "one line"

printf 'chekcs:\n  - url: /health\n' >"$T/bad-top.yml"
smoke --spec "$T/bad-top.yml"
rc_is 2 "an unknown top-level key: exit 2"
like "$err" "bad-top\.yml:1" "the error has file:line"
like "$err" "chekcs" "and names the key"

cat >"$T/bad-env.yml" <<EOF
checks:
  - url: $B/health
    headers: { Authorization: "Bearer \${ENV:SMOKE_NO_SUCH_VAR}" }
EOF
smoke --spec "$T/bad-env.yml"
rc_is 2 "an unset environment variable: exit 2"
like "$err" "SMOKE_NO_SUCH_VAR" "the error names it"

cat >"$T/bad-cond.yml" <<EOF
checks:
  - url: $B/health
    conditions:
      - "[STATUS] == 200"
      - "[BODY].status === UP"
EOF
smoke --spec "$T/bad-cond.yml"
rc_is 2 "a condition that does not parse: exit 2"
like "$err" "bad-cond\.yml:5" "the error has file:line"
like "$err" "column [0-9]+" "and the column"

printf 'checks:\n  - name: no-url\n    method: GET\n' >"$T/bad-nourl.yml"
smoke --spec "$T/bad-nourl.yml"
rc_is 2 "a check without url: exit 2"
like "$err" "url" "the error says url is missing"

printf 'checks:\n  - url: /x\n    samples: many\n' >"$T/bad-type.yml"
smoke --spec "$T/bad-type.yml" --base-url "$B"
rc_is 2 "samples: many: exit 2"
like "$err" "samples" "the error names the key"

printf 'checks:\n  - url: /x\n    latency: [ "p42 < 1s" ]\n' >"$T/bad-gate.yml"
smoke --spec "$T/bad-gate.yml" --base-url "$B"
rc_is 2 "an unknown latency statistic: exit 2"
like "$err" "p42" "the error quotes it"

printf 'checks:\n  - url: /x\n    body: a\n    json: { a: 1 }\n' >"$T/bad-body.yml"
smoke --spec "$T/bad-body.yml" --base-url "$B"
rc_is 2 "body and json together: exit 2"

printf 'checks:\n  - url: /x\n  bad indent: [\n' >"$T/bad-yaml.yml"
smoke --spec "$T/bad-yaml.yml"
rc_is 2 "malformed YAML: exit 2"
like "$err" "bad-yaml\.yml(:|'?:? line )[0-9]+" "the error has the file and line"

printf '{"checks": [{"url": "/x",}]}' >"$T/bad.json"
smoke --spec "$T/bad.json" --base-url "$B"
rc_is 2 "malformed JSON: exit 2"
like "$err" "bad\.json" "the error names the file"

printf 'checks: []\n' >"$T/empty.yml"
smoke --spec "$T/empty.yml"
rc_is 2 "a spec without checks: exit 2"

smoke --spec "$T/no-such-spec.yml"
rc_is 2 "a missing spec file: exit 2 (bad input)"
like "$err" "no-such-spec\.yml" "the error names it"

done_testing
