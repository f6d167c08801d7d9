#!/usr/bin/env bash
# coverage-gate --comment against the GitHub fake (tests/fakes/github.mjs,
# held to @octokit/openapi): the first run on a pull request posts a comment
# with the hidden marker, a later run updates the same comment instead of
# adding one, another title keeps its own comment, a read-only token (a
# pull request from a fork) gives a notice and the verdict alone, a fault of
# the service a warning; the comment stays under GitHub's limit with
# thousands of files; the token never reaches the output.
. "$(dirname -- "$0")/lib.sh"
. "$(dirname -- "$0")/cov/lib.sh"
need_cg
need_node_modules
fail_if_missing jq jq

cat >"$T/state.json" <<'EOF'
{
  "tokens": {
    "w-token-123": {"login": "github-actions[bot]", "permission": "write"},
    "r-token-456": {"login": "github-actions[bot]", "permission": "read-only"}
  },
  "issues": [{"repo": "octo/shop", "number": 9, "pull_request": true}],
  "comments": [
    {"id": 100, "repo": "octo/shop", "issue_number": 9, "body": "LGTM", "user": "octocat"},
    {"id": 101, "repo": "octo/shop", "issue_number": 9, "user": "octocat",
     "body": "why does <!-- deploy-actions/coverage-gate Coverage --> show up?"}
  ]
}
EOF
github_fake_start "$T/state.json"

W=$T/ws
mkdir -p "$W/src"
seq 1 10 | sed 's/^/int a/; s/$/;/' >"$W/src/a.c"
{
	printf 'SF:%s\n' "$W/src/a.c"
	for n in $(seq 1 10); do printf 'DA:%d,%d\n' "$n" $((n <= 7)); done
	echo end_of_record
} >"$W/lcov.info"
jq -n '{pull_request: {number: 9, base: {sha: "b"}, head: {sha: "h"}}}' >"$T/event.json"
PR_ENV=(GITHUB_ACTIONS=true GITHUB_EVENT_NAME=pull_request
	"GITHUB_EVENT_PATH=$T/event.json" GITHUB_REPOSITORY=octo/shop
	"GITHUB_API_URL=$GH_FAKE_URL")
comments() { # the bodies of pull request 9's comments, as JSON lines
	jq -c '[.comments[] | select(.issue_number == 9) | {id, body: .body[0:80]}]' "$T/dump.json"
}
marker='<!-- deploy-actions/coverage-gate Coverage -->'

CG_ENV=("${PR_ENV[@]}" GITHUB_TOKEN=w-token-123)
cg --workspace "$W" --unmatched ignore --comment "$W/lcov.info"
rc_is 1 "70% fails the default 80 with a comment asked for"
is "$(jq '[.comments[] | select(.issue_number == 9)] | length' "$T/dump.json")" 3 \
	"one comment was added beside the reviewers'"
is "$(jq -r '.comments[] | select(.id == 101) | .body' "$T/dump.json")" \
	"why does $marker show up?" "a person's comment that quotes the marker is left alone"
first=$(jq -r '[.comments[] | select(.body | startswith("<!-- deploy-actions"))][0].id' "$T/dump.json")
like "$(jq -r ".comments[] | select(.id == $first) | .body" "$T/dump.json")" \
	"^$marker" "it starts with the hidden marker"
like "$(jq -r ".comments[] | select(.id == $first) | .body" "$T/dump.json")" \
	'70\.00%' "and holds the figure"
like "$(cg_output comment-url)" "^https://github.com/octo/shop/pull/9#issuecomment-$first\$" \
	"output comment-url"
is "$(jq -r '[.requests[] | select(.method == "POST")][0].api_version' "$T/dump.json")" \
	2022-11-28 "requests carry X-GitHub-Api-Version"

sed -i 's/^DA:8,0/DA:8,1/' "$W/lcov.info"
cg --workspace "$W" --unmatched ignore --comment "$W/lcov.info"
rc_is 0 "80% passes"
is "$(jq '[.comments[] | select(.issue_number == 9)] | length' "$T/dump.json")" 3 \
	"the second run adds no comment"
like "$(jq -r ".comments[] | select(.id == $first) | .body" "$T/dump.json")" \
	'80\.00%' "it updated the first one"
is "$(jq -r '.requests[-1].method' "$T/dump.json")" PATCH "with a PATCH"

cg --workspace "$W" --unmatched ignore --comment --title 'Coverage (api)' "$W/lcov.info"
is "$(jq '[.comments[] | select(.issue_number == 9)] | length' "$T/dump.json")" 4 \
	"another title keeps a comment of its own"
like "$out" '::add-mask::w-token-123' "the token is masked for the runner"
unlike "$(printf '%s\n%s\n' "$out" "$err" | grep -v '^::add-mask::')" 'w-token-123' \
	"and never printed otherwise"

# --- a token that may not write: a pull request from a fork ----------------------
CG_ENV=("${PR_ENV[@]}" GITHUB_TOKEN=r-token-456)
n=$(jq '.comments | length' "$T/dump.json")
cg --workspace "$W" --unmatched ignore --comment "$W/lcov.info"
rc_is 0 "a read-only token does not change the verdict"
like "$out" '::notice.*may not comment.*job summary' "a notice says why there is no comment"
unlike "$out" '::(warning|error)' "and it is not a warning or an error"
is "$(jq '.comments | length' "$T/dump.json")" "$n" "no comment was written"
like "$(cat "$T/gh-summary")" '80\.00%' "the job summary has the result"

CG_ENV=("${PR_ENV[@]}")
cg --workspace "$W" --unmatched ignore --comment "$W/lcov.info"
rc_is 0 "no token: the verdict alone"
like "$out" '::notice.*no github-token' "with a notice"

CG_ENV=(GITHUB_ACTIONS=true GITHUB_EVENT_NAME=push GITHUB_REPOSITORY=octo/shop
	"GITHUB_API_URL=$GH_FAKE_URL" GITHUB_TOKEN=w-token-123)
cg --workspace "$W" --unmatched ignore --comment "$W/lcov.info"
rc_is 0 "not a pull request: the verdict alone"
like "$out" '::notice.*not a pull request' "with a notice"

# --- the service fails -------------------------------------------------------------------
CG_ENV=("${PR_ENV[@]}" GITHUB_TOKEN=w-token-123 "GITHUB_API_URL=http://127.0.0.1:1")
cg --workspace "$W" --unmatched ignore --comment "$W/lcov.info"
rc_is 0 "an unreachable API does not change the verdict"
like "$out" '::warning.*could not post the comment' "a warning says the comment failed"

# --- size: thousands of files still fit ------------------------------------------------------
{
	for f in $(seq 1 3000); do
		printf 'SF:%s/src/generated/module_%04d_with_a_long_name.c\n' "$W" "$f"
		printf 'DA:1,0\nDA:2,1\nend_of_record\n'
	done
} >"$T/big.info"
CG_ENV=("${PR_ENV[@]}" GITHUB_TOKEN=w-token-123)
cg --workspace "$W" --unmatched ignore --comment --title big --worst-files 1000 \
	--fail-under 0 "$T/big.info"
rc_is 0 "3000 files"
len=$(jq '[.comments[] | select(.body | startswith("<!-- deploy-actions/coverage-gate big"))][0].body | length' "$T/dump.json")
ok "$([ "${len:-0}" -gt 1000 ] && [ "${len:-0}" -le 65536 ]; echo $?)" \
	"the comment ($len characters) stays under GitHub's 65,536"
like "$(jq -r '[.comments[] | select(.body | startswith("<!-- deploy-actions/coverage-gate big"))][0].body' "$T/dump.json")" \
	'more files omitted' "and says what it left out"

exec 9>&-
done_testing
