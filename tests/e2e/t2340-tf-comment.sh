#!/usr/bin/env bash
# terraform-plan-summary --comment against the GitHub fake (tests/fakes/
# github.mjs, held to @octokit/openapi): the first run on a pull request
# posts one comment that starts with the hidden marker, a later run edits
# it in place; a labelled plan (--label or LABEL=PATH) keeps a comment of
# its own; a plan without changes edits an earlier comment to say so
# (--no-changes update, the default), touches nothing (skip) or posts
# (comment); a read-only token (a pull request from a fork), a missing token
# and an event that is not a pull request give a notice and leave the exit
# status alone; the token never reaches any output. Real plans from other
# projects go through the same path when ../shared/fixtures is beside the
# project.
. "$(dirname -- "$0")/lib.sh"
. "$(dirname -- "$0")/tf/lib.sh"
need_tps
need_node_modules
fail_if_missing python3 python3

: >"$T/everything"
# tpsk ARG...: tps (tf/lib.sh), keeping everything the run printed or
# wrote in $T/everything, for the token check at the end.
tpsk() {
	tps "$@"
	cat "$T/.run.out" "$T/.run.err" "$T/gh-output" "$T/gh-summary" \
		>>"$T/everything"
}

# --- the fake and the pull request ------------------------------------------
WTOK=w-tok-5e1f0c9a7b
RTOK=r-tok-77d3b2e4c1
M='<!-- deploy-actions/terraform-plan-summary'
cat >"$T/state.json" <<EOF
{
  "tokens": {
    "$WTOK": {"login": "github-actions[bot]", "permission": "write"},
    "$RTOK": {"login": "github-actions[bot]", "permission": "read-only"}
  },
  "issues": [{"repo": "octo/infra", "number": 12, "pull_request": true}],
  "comments": [
    {"id": 200, "repo": "octo/infra", "issue_number": 12, "body": "please review", "user": "octocat"},
    {"id": 201, "repo": "octo/infra", "issue_number": 12, "user": "octocat",
     "body": "why is $M --> in the plan comment?"}
  ]
}
EOF
github_fake_start "$T/state.json"
jq -n '{pull_request: {number: 12, base: {sha: "b"}, head: {sha: "h"}}}' \
	>"$T/pr.json"
PR_ENV=(GITHUB_ACTIONS=true GITHUB_EVENT_NAME=pull_request
	"GITHUB_EVENT_PATH=$T/pr.json" GITHUB_REPOSITORY=octo/infra
	"GITHUB_API_URL=$GH_FAKE_URL")
D=$T/dump.json
ncomments() { jq '[.comments[] | select(.issue_number == 12)] | length' "$D"; }
body() { jq -r --argjson id "$1" '.comments[] | select(.id == $id) | .body' "$D"; }
# the id of the one comment whose body starts with the marker of KEY, or
# "N comments" when there is not exactly one
marked() {
	local m="$M${1:+ $1} -->"
	jq -r --arg m "$m" '[.comments[] | select(.body | startswith($m + "\n"))]
		| if length == 1 then .[0].id else "\(length) comments" end' "$D"
}
nrequests() { jq '.requests | length' "$D"; }
writes_since() { # the POST and PATCH requests after the first N
	jq -r --argjson n "$1" '[.requests[$n:][] | select(.method != "GET")
		| .method] | join(" ")' "$D"
}

tf_mkplan "$T/changes.json" create:aws_instance.web update:aws_security_group.web \
	delete:aws_s3_bucket.logs no-op:aws_vpc.main
tf_mkplan "$T/changes2.json" create:aws_instance.web create:aws_instance.api \
	update:aws_security_group.web delete:aws_s3_bucket.logs \
	no-op:aws_vpc.main
tf_mkplan "$T/nochange.json" no-op:aws_instance.web no-op:aws_security_group.web \
	no-op:aws_vpc.main

# --- first run posts, second run updates --------------------------------------
TPS_ENV=("${PR_ENV[@]}" "GITHUB_TOKEN=$WTOK")
tpsk --comment "$T/changes.json"
tps_rc_is 0 "a plan with a destroy passes without fail-on-destroy"
is "$(ncomments)" 3 "the first run adds one comment beside the reviewers'"
first=$(marked "")
like "$first" '^[0-9]+$' "exactly one comment starts with the marker line"
like "$(body "$first")" "^$M -->$NL## Terraform plan" \
	"the marker comes first, then the heading"
like "$(body "$first")" '\*\*\+1 ~1 -/\+0 -1\*\*' "with the counts line in bold"
like "$(body "$first")" 'aws(_|&#95;)s3(_|&#95;)bucket\.logs' \
	"and names the destroyed bucket"
is "$(body 201)" "why is $M --> in the plan comment?" \
	"a person's comment that quotes the marker is left alone"
is "$(tps_output comment-url)" \
	"https://github.com/octo/infra/pull/12#issuecomment-$first" \
	"output comment-url is the comment's address"
like "$err" "posted comment https://github.com/octo/infra/pull/12#issuecomment-$first" \
	"stderr says it posted"

n=$(nrequests)
tpsk --comment "$T/changes2.json"
tps_rc_is 0 "the second run passes"
is "$(ncomments)" 3 "the second run adds no comment"
is "$(marked "")" "$first" "the same comment still holds the marker"
like "$(body "$first")" '\*\*\+2 ~1 -/\+0 -1\*\*' "and now has the new counts"
is "$(writes_since "$n")" PATCH "it was edited with one PATCH"
is "$(tps_output comment-url)" \
	"https://github.com/octo/infra/pull/12#issuecomment-$first" \
	"comment-url names the edited comment"
like "$err" "updated comment " "stderr says it updated"

# --- labelled plans keep comments of their own --------------------------------
tpsk --comment --label prod "$T/changes.json"
tps_rc_is 0 "--label prod"
prod=$(marked prod)
like "$prod" '^[0-9]+$' "--label prod posts a comment marked '... prod -->'"
is "$(ncomments)" 4 "beside the unlabelled one"
like "$(body "$first")" '\*\*\+2 ' "the unlabelled comment is not touched"

tpsk --comment "staging=$T/changes2.json"
tps_rc_is 0 "staging=PATH"
staging=$(marked staging)
like "$staging" '^[0-9]+$' "LABEL=PATH posts a comment marked '... staging -->'"
is "$(ncomments)" 5 "a fifth comment"
like "$(body "$staging")" "$NL## Terraform plan: staging$NL" \
	"the label is in the comment's heading"

tpsk --comment --label prod "$T/changes2.json"
is "$(ncomments)/$(marked prod)" "5/$prod" "prod's second run edits prod's comment"
like "$(body "$prod")" '\*\*\+2 ' "which has the new counts"
is "$(marked staging) $(marked "")" "$staging $first" \
	"the others keep their markers"
like "$(body "$staging")" "$NL## Terraform plan: staging$NL" \
	"staging's comment is still staging's"

tpsk --comment "prod=$T/changes.json" "staging=$T/changes.json"
tps_rc_is 0 "two labelled plans"
both=$(marked prod/staging)
like "$both" '^[0-9]+$' "two plans share one comment, marked with both labels"
is "$(ncomments)" 6 "a sixth comment"
like "$(body "$prod")" '\*\*\+2 ' "prod's own comment is not touched"

# --- no changes ---------------------------------------------------------------
n=$(nrequests)
tpsk --comment "$T/nochange.json"
tps_rc_is 0 "no changes"
is "$(ncomments)/$(marked "")" "6/$first" \
	"no-changes update (the default): the earlier comment is edited, none added"
is "$(writes_since "$n")" PATCH "with one PATCH"
like "$(body "$first")" "^$M -->$NL" "it keeps the marker"
like "$(body "$first")" 'No changes' "and now says there are no changes"
unlike "$(body "$first")" 'aws(_|&#95;)s3(_|&#95;)bucket\.logs' \
	"the old plan's changes are gone from it"
is "$(tps_output comment-url)" \
	"https://github.com/octo/infra/pull/12#issuecomment-$first" \
	"comment-url names it"

n=$(nrequests)
tpsk --comment --label fresh "$T/nochange.json"
tps_rc_is 0 "no changes and no earlier comment"
is "$(ncomments)/$(marked fresh)" "6/0 comments" "update posts nothing"
is "$(writes_since "$n")" "" "no POST nor PATCH, only the search"
like "$out$err" 'nothing posted' "and says so"
tps_output comment-url >/dev/null
isnt "$?" 0 "no comment-url output"

n=$(nrequests)
before=$(jq -c .comments "$D")
tpsk --comment --no-changes skip --label prod "$T/nochange.json"
tps_rc_is 0 "no-changes skip"
is "$(nrequests)" "$n" "skip sends no request at all"
is "$(jq -c .comments "$D")" "$before" "and every comment is as it was"
like "$out" '::notice[^:]*::[^'"$NL"']*no-changes: skip' "a notice says why"

tpsk --comment --no-changes comment --label fresh "$T/nochange.json"
tps_rc_is 0 "no-changes comment"
fresh=$(marked fresh)
like "$fresh" '^[0-9]+$' "comment posts even without changes"
like "$(body "$fresh")" 'No changes' "saying there are none"
is "$(tps_output comment-url)" \
	"https://github.com/octo/infra/pull/12#issuecomment-$fresh" "comment-url"

tpsk --comment --no-changes sometimes "$T/nochange.json"
tps_rc_is 2 "an unknown no-changes mode is bad input"
like "$err" "no-changes" "naming the option"
is "$(cat "$T/gh-output")" "" "and nothing is written"

# --- the exit status is the plan's, comment or not ----------------------------
tpsk --comment --fail-on-destroy --label prod "$T/changes.json"
tps_rc_is 1 "fail-on-destroy with a write token: exit 1"
like "$(body "$prod")" 'CAUTION' "the comment is still posted, with the caution"
is "$(tps_output verdict)" fail "verdict fail"

TPS_ENV=("${PR_ENV[@]}" "GITHUB_TOKEN=$RTOK")
before=$(jq -c .comments "$D")
tpsk --comment --fail-on-destroy --label prod "$T/changes2.json"
tps_rc_is 1 "a read-only token: still exit 1 for an unallowed destroy"
like "$out" '::notice[^'"$NL"']*may not comment[^'"$NL"']*job summary' \
	"a notice says the token may not comment and where the plan is"
unlike "$out" '::warning[^'"$NL"']*comment' "it is not a warning"
is "$(jq -c .comments "$D")" "$before" "no comment was written"
like "$(cat "$T/gh-summary")" 'aws(_|&#95;)instance\.api' \
	"the job summary has the plan"
is "$(tps_output verdict)/$(tps_output has-destroy)" fail/true \
	"the step outputs are written"

tpsk --comment "$T/changes.json"
tps_rc_is 0 "a read-only token without fail-on-destroy: exit 0"
like "$out" '::notice[^'"$NL"']*may not comment' "with the notice"

TPS_ENV=("${PR_ENV[@]}")
n=$(nrequests)
tpsk --comment "$T/changes.json"
tps_rc_is 0 "no token: exit 0"
like "$out" '::notice[^'"$NL"']*no github-token' "a notice says there is no token"
is "$(nrequests)" "$n" "and no request is sent"

TPS_ENV=(GITHUB_ACTIONS=true GITHUB_EVENT_NAME=push GITHUB_REPOSITORY=octo/infra
	"GITHUB_API_URL=$GH_FAKE_URL" "GITHUB_TOKEN=$WTOK")
tpsk --comment --fail-on-destroy "$T/changes.json"
tps_rc_is 1 "not a pull request: the verdict alone (exit 1)"
like "$out" '::notice[^'"$NL"']*not a pull request' "a notice says it is not a pull request"
is "$(nrequests)" "$n" "and no request is sent"

# --- real plans ------------------------------------------------------------------
if [ -d "$TF_FX" ]; then
	TPS_ENV=("${PR_ENV[@]}" "GITHUB_TOKEN=$WTOK")
	for f in "$TF_FX"/*.plan.json; do
		name=$(basename "$f" .plan.json)
		tpsk --comment --no-changes comment "$name=$f"
		id=$(marked "$name")
		if ! like "$id" '^[0-9]+$' "$name: one comment marked with its label"; then
			diag "$err"
			continue
		fi
		# what changes, read from the plan itself (tf/lib.sh)
		addrs=$(tf_expect "$f" | jq -r '.changed[]')
		# the comment escapes Markdown in addresses as HTML entities
		text=$(body "$id" | python3 -c 'import html, sys
print(html.unescape(sys.stdin.read()))')
		miss=
		while IFS= read -r a; do
			[ -z "$a" ] || [[ $text == *"$a"* ]] || miss="$miss $a"
		done <<<"$addrs"
		[ -z "$addrs" ] ||
			is "$miss" "" "$name: the comment names every change ($(lines "$addrs"))"
		# values the plan marks sensitive (before_sensitive and
		# after_sensitive), but for short ones that any text may hold
		secrets=$(jq -r '.resource_changes // [] | .[].change | . as $c
			| ("before", "after") as $k
			| ($c[$k + "_sensitive"] // false)
			| (if type == "boolean" then (if . then [[]] else [] end)
			   else [paths(. == true)] end)[] as $p
			| ($c[$k] // null) | getpath($p) | .. | strings
			| select(length >= 4)' "$f" | sort -u)
		leaked=
		while IFS= read -r s; do
			[ -z "$s" ] || [[ $text != *"$s"* ]] || leaked="$leaked $s"
		done <<<"$secrets"
		[ -z "$secrets" ] && continue
		is "$leaked" "" "$name: no sensitive value ($(lines "$secrets")) is in it"
		like "$text" '\(sensitive\)' "$name: it shows (sensitive) in their place"
	done
else
	skip "no ../shared/fixtures/tfplan beside the project"
fi

# --- the token ---------------------------------------------------------------
like "$(cat "$T/everything")" "::add-mask::$WTOK" \
	"the token is masked for the runner"
unlike "$(grep -v '^::add-mask::' "$T/everything")" "$WTOK|$RTOK" \
	"and never appears in any output, step output or summary"
unlike "$(cat "$D" "$T/fake.err")" "$WTOK|$RTOK" "nor in what the fake saw and kept"

exec 9>&-
done_testing
