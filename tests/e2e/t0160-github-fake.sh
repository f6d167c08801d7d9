#!/usr/bin/env bash
# The GitHub fake (tests/fakes/github.mjs) keeps GitHub's contract: every
# route it serves is in GitHub's OpenAPI description (@octokit/openapi) and
# every answer has the properties the description requires. The checks are
# shown to fail on a route GitHub lacks and on an answer missing a
# property, and the fake is run as the tools' tests run it.
. "$(dirname -- "$0")/lib.sh"
need_node_modules
fail_if_missing curl curl
[ -d "$DA_TOP/tests/node_modules/@octokit/openapi" ] ||
	_tap_bail "tests/node_modules/@octokit/openapi is missing; run: npm ci --prefix tests"

FAKE=$DA_TOP/tests/fakes/github.mjs

run node "$FAKE" --check-routes
is "$rc" 0 "--check-routes passes"
unlike "$out" 'not ok' "every check passed"
like "$out" "ok [0-9]+ - POST /repos/\{owner\}/\{repo\}/issues/\{issue_number\}/comments is in @octokit/openapi" \
	"the route check names the description"
like "$out" "ok [0-9]+ - GET /repos/octo/demo/pulls/5 -> 200 matches the schema" \
	"a pull request matches its schema"
like "$out" "${NL}1\.\.[0-9]+$" "it prints a TAP plan"
[ "$rc" = 0 ] || diag "$out$err"

run node "$FAKE" --check-routes --extra-route 'GET /repos/{owner}/{repo}/nonsense'
is "$rc" 1 "a route GitHub does not have fails the check"
like "$out" "not ok [0-9]+ - GET /repos/\{owner\}/\{repo\}/nonsense is in" "and is named"
like "$out" "no such path in @octokit/openapi" "with the reason"

run node "$FAKE" --check-routes --extra-route 'DELETE /repos/{owner}/{repo}/pulls/{pull_number}'
is "$rc" 1 "a method GitHub does not have on a path fails the check"
like "$out" "the path has no DELETE" "and says so"

run node "$FAKE" --check-routes --omit-field node_id
is "$rc" 1 "an answer without a required property fails the check"
like "$out" "missing required property 'node_id'" "and names the property"

run node "$FAKE" --port 0 --extra-route 'GET /repos/{owner}/{repo}/nonsense'
is "$rc" 1 "the fake refuses to start with a route GitHub lacks"
like "$err" "refusing to start" "and says why"
is "$out" "" "without listening"

printf '{"tokens": ' >"$T/bad.json"
run node "$FAKE" --port 0 --state "$T/bad.json"
is "$rc" 2 "a state file that is not JSON is an error"

# Serving, as a tool's e2e test uses it.
cat >"$T/state.json" <<'EOF'
{
  "tokens": {
    "w-token-123": {"login": "github-actions[bot]", "permission": "write"},
    "r-token-456": {"login": "github-actions[bot]", "permission": "read-only"}
  },
  "issues": [{"repo": "octo/demo", "number": 5, "pull_request": true}],
  "comments": [
    {"id": 11, "repo": "octo/demo", "issue_number": 5, "body": "one"},
    {"id": 12, "repo": "octo/demo", "issue_number": 5, "body": "two"},
    {"id": 13, "repo": "octo/demo", "issue_number": 5, "body": "three"}
  ]
}
EOF
# Its stdin is a FIFO this shell holds open: when the shell goes, so does
# the fake (--die-with-stdin).
mkfifo "$T/lifeline"
exec 9<>"$T/lifeline"
node "$FAKE" --port 0 --state "$T/state.json" --dump "$T/dump.json" \
	--die-with-stdin >"$T/fake.out" 2>"$T/fake.err" <"$T/lifeline" 9>&- &
fake_pid=$!
for _ in $(seq 1 100); do
	grep -q '^listening ' "$T/fake.out" 2>/dev/null && break
	sleep 0.1
done
port=$(sed -n 's/^listening \([0-9][0-9]*\)$/\1/p' "$T/fake.out")
like "$port" '^[0-9]+$' "the fake says its port"
[ -n "$port" ] || _tap_bail "the fake did not start: $(cat "$T/fake.err")"
api=http://127.0.0.1:$port

gh() { # gh TOKEN METHOD PATH [BODY]: prints the headers and body
	local args=(-sS -i -X "$2" -H "Authorization: Bearer $1"
		-H 'Accept: application/vnd.github+json')
	[ $# -ge 4 ] && args+=(-H 'Content-Type: application/json' --data-binary "$4")
	curl "${args[@]}" "$api$3"
}

run gh w-token-123 GET '/repos/octo/demo/issues/5/comments?per_page=2'
like "$out" '^HTTP/1.1 200' "a page of comments"
like "$out" "Link: <$api/repos/octo/demo/issues/5/comments\?per_page=2&page=2>; rel=\"next\"" \
	"with an absolute Link to the next page"
like "$out" '"id":11,' "the first comment"
unlike "$out" '"id":13,' "but not the third"

run gh r-token-456 POST /repos/octo/demo/issues/5/comments '{"body":"hi"}'
like "$out" '^HTTP/1.1 403' "a read-only token may not comment"
like "$out" '"message":"Resource not accessible by integration"' "GitHub's words"

run gh nobody GET /repos/octo/demo/issues/5/comments
like "$out" '^HTTP/1.1 401' "an unknown token"
like "$out" '"message":"Bad credentials"' "Bad credentials"

long=$(head -c 65537 /dev/zero | tr '\0' x)
run gh w-token-123 POST /repos/octo/demo/issues/5/comments "{\"body\":\"$long\"}"
like "$out" '^HTTP/1.1 422' "a body over 65536 characters"
like "$out" 'Body is too long \(maximum is 65536 characters\)' "is refused as GitHub does"

run gh w-token-123 POST /repos/octo/demo/issues/5/comments '{"body":"<!-- m --> report"}'
like "$out" '^HTTP/1.1 201' "a comment is created"
like "$out" '"html_url":"https://github.com/octo/demo/pull/5#issuecomment-[0-9]+"' "with its html_url"

run gh w-token-123 PATCH /repos/octo/demo/issues/comments/12 '{"body":"edited"}'
like "$out" '^HTTP/1.1 200' "a comment is updated"

run gh w-token-123 GET /repos/octo/demo/pulls/5
like "$out" '"number":5,' "a pull request"
like "$out" '"head":\{"label":' "with its head"

run node -e '
const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const byId = Object.fromEntries(d.comments.map((c) => [c.id, c]));
console.log(d.comments.length, byId[12].body,
	d.comments.at(-1).body, d.comments.at(-1).user,
	d.requests.length, d.requests.filter((r) => r.method === "POST").map((r) => r.status).join(","));
' "$T/dump.json"
is "$out" "4 edited <!-- m --> report github-actions[bot] 7 403,422,201" \
	"the dump holds the comments and every request"
run grep -c -e w-token-123 -e r-token-456 "$T/dump.json"
is "$out" 0 "the dump never holds a token"

exec 9>&-
for _ in $(seq 1 100); do
	kill -0 "$fake_pid" 2>/dev/null || break
	sleep 0.1
done
if kill -0 "$fake_pid" 2>/dev/null; then
	kill "$fake_pid"
	ok 1 "the fake ends when its stdin closes"
else
	wait "$fake_pid"
	is "$?" 0 "the fake ends when its stdin closes"
fi
done_testing
