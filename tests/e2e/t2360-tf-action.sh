#!/usr/bin/env bash
# The terraform-plan-summary action as a workflow runs it: actions/
# terraform-plan-summary/action.yml through the local runner harness
# (scripts/run-action) from the main tree. Inputs arrive as
# toJSON(inputs): a multi-line `plans` list of LABEL=PATH, fail-on-destroy
# and a multi-line allow-destroy. Every output action.yml declares (read
# from the file, so a new one cannot be forgotten) is written to
# GITHUB_OUTPUT on a pass and on a failure, comment-url once a comment is
# posted (with the github-token input); an unallowed destroy fails the step with DEPLOY_APPROVAL_REQUIRED;
# bad input writes nothing.
. "$(dirname -- "$0")/lib.sh"
. "$(dirname -- "$0")/tf/lib.sh"
need_tps
need_node_modules

RA=$DA_TOP/scripts/run-action
A=$DA_TOP/actions/terraform-plan-summary
W=$T/ws
mkdir -p "$W/plans" "$T/ra"

# The outputs action.yml declares, by the yaml package of tests/.
NAMES=$(node -e '
	const fs = require("fs");
	const YAML = require(process.argv[1]);
	const doc = YAML.parse(fs.readFileSync(process.argv[2], "utf8"));
	console.log(Object.keys(doc.outputs || {}).join("\n"));
' "$DA_TOP/tests/node_modules/yaml" "$A/action.yml")
ok "$([ "$(lines "$NAMES")" -ge 18 ]; echo $?)" \
	"action.yml declares $(lines "$NAMES") outputs"

tf_mkplan "$W/plans/prod.json" create:aws_instance.web \
	update:aws_security_group.web delete:aws_s3_bucket.logs \
	replace:aws_instance.api no-op:aws_vpc.main
tf_mkplan "$W/plans/staging.json" create:aws_instance.web no-op:aws_vpc.main

# action [--ra OPTION...] WITH...: runs the action; sets out, err, rc;
# outputs as the workflow sees them in $T/o.json, the summary in $T/s.md,
# and the step's own GITHUB_OUTPUT file in $T/step-output (RUNNER_TEMP is
# kept under $T/ra to read it).
RA_OPTS=()
action() {
	local args=() w f
	for w in "$@"; do
		args+=(--with "$w")
	done
	rm -rf "$T/o.json" "$T/s.md" "$T/step-output" "$T/ra"/*
	run env TMPDIR="$T/ra" timeout 60 "$RA" --workspace "$W" --keep-temp \
		--outputs "$T/o.json" --summary "$T/s.md" "${RA_OPTS[@]}" \
		"${args[@]}" "$A"
	for f in "$T/ra"/run-action-*/_runner_file_commands/output_*; do
		[ -f "$f" ] && cat "$f" >>"$T/step-output"
	done
	touch "$T/step-output"
}
o() { jq -r --arg k "$1" '.[$k] // "(absent)"' "$T/o.json" 2>&1; }
# the declared outputs the step did not write (comment-url aside unless
# asked for), space-separated
unwritten() {
	local n miss=
	while IFS= read -r n; do
		[ "$n" = comment-url ] && [ "${1:-}" != all ] && continue
		gh_output "$n" "$T/step-output" >/dev/null || miss="$miss $n"
	done <<<"$NAMES"
	echo "${miss# }"
}
PLANS="prod=plans/prod.json
staging=plans/staging.json"

# --- defaults: a summary, no verdict on destruction ----------------------------
action "plans=$PLANS"
is "$rc" 0 "two plans with a destroy pass without fail-on-destroy"
is "$(unwritten)" "" "every declared output is written (comment-url aside)"
unlike "$err" 'Unexpected input' \
	"the inputs used are all declared in action.yml (a runner warns otherwise)"
is "$(o create) $(o update) $(o delete) $(o replace) $(o no-op)" "2 1 1 1 2" \
	"the counts add up over both plans (a replacement once)"
is "$(o read) $(o moved) $(o imported) $(o forget) $(o drift) $(o output-changes)" \
	"0 0 0 0 0 0" "and the counts of what the plans do not have are 0"
is "$(o has-changes) $(o has-destroy) $(o has-data-loss) $(o errored)" \
	"true true true false" "the flags"
is "$(o destroyed | sort)" "prod: aws_instance.api${NL}prod: aws_s3_bucket.logs" \
	"destroyed: one address per line, after the plan's label"
is "$(o data-loss)" "prod: aws_s3_bucket.logs" "data-loss: the bucket only"
is "$(o verdict)" pass "verdict pass"
is "$(o comment-url)" "" "no comment-url without a comment"
like "$(cat "$T/s.md" 2>/dev/null)" "## Terraform plan" "the job summary is written"
like "$out$err" "::warning[^$NL]*data loss" "possible data loss is a warning"

# --- fail-on-destroy ----------------------------------------------------------
action "plans=$PLANS" fail-on-destroy=true
is "$rc" 1 "fail-on-destroy: the step fails"
is "$(o verdict)" fail "verdict fail"
is "$(unwritten)" "" "every declared output is written on a failure too"
is "$(o delete)/$(o replace)" 1/1 "with the counts"
like "$out$err" "::error[^$NL]*DEPLOY_APPROVAL_REQUIRED" \
	"an error annotation carries DEPLOY_APPROVAL_REQUIRED"
like "$out$err" "2 resources would be destroyed" "and says how many"

action "plans=$PLANS" fail-on-destroy=true "allow-destroy=aws_instance.*
aws_s3_bucket.logs"
is "$rc" 0 "allow-destroy (two globs, one per line) lets both go"
is "$(o verdict)/$(o has-destroy)" pass/true "verdict pass, has-destroy still true"

action "plans=$PLANS" fail-on-destroy=true "allow-destroy=aws_instance.*"
is "$rc" 1 "a destroy allow-destroy does not name still fails"
like "$out$err" "::error[^$NL]*1 resource would be destroyed[^$NL]*aws_s3_bucket\.logs" \
	"naming the one left"

action "plans=$PLANS" fail-on-destroy=false
is "$rc" 0 "fail-on-destroy=false passes"

action "plans=staging=plans/staging.json" fail-on-destroy=true
is "$rc" 0 "no destroy: fail-on-destroy passes"
is "$(unwritten)" "" "every declared output is written, the empty ones too"
is "$(o has-destroy)/$(o destroyed)/$(o data-loss)" "false//" \
	"has-destroy false, destroyed and data-loss empty"

# --- comment-url, with a comment on a pull request of the GitHub fake ---------
cat >"$T/state.json" <<'EOF'
{
  "tokens": {"w-tok-action-6d2": {"login": "github-actions[bot]", "permission": "write"}},
  "issues": [{"repo": "octo/infra", "number": 3, "pull_request": true}]
}
EOF
github_fake_start "$T/state.json"
jq -n '{pull_request: {number: 3}}' >"$T/pr.json"
RA_OPTS=(--event "$T/pr.json" --event-name pull_request --repository octo/infra
	--env "GITHUB_API_URL=$GH_FAKE_URL")
action "plans=$PLANS" comment=true fail-on-destroy=true \
	github-token=w-tok-action-6d2
is "$rc" 1 "with a comment: the step still fails on the destroy"
id=$(jq -r '[.comments[] | select(.issue_number == 3)][0].id // empty' "$T/dump.json")
is "$(o comment-url)" "https://github.com/octo/infra/pull/3#issuecomment-$id" \
	"comment-url names the posted comment"
is "$(unwritten all)" "" "every declared output is written, comment-url too"
missing=
while IFS= read -r n; do
	[ -n "$(o "$n")" ] || missing="$missing $n"
done <<<"$NAMES"
is "$missing" "" "and every one reaches the workflow with a value"
unlike "$(printf '%s\n%s\n' "$out" "$err" | grep -v '^::add-mask::')" \
	'w-tok-action-6d2' "the token is never printed"

# Without the github-token input the job's token (github.token) is used.
RA_OPTS+=(--token w-tok-action-6d2)
action "plans=$PLANS" comment=true
is "$rc" 0 "comment with the job's token: the step passes"
is "$(o comment-url)" "https://github.com/octo/infra/pull/3#issuecomment-$id" \
	"the same comment is updated with the job's token"
is "$(jq '[.comments[] | select(.issue_number == 3)] | length' "$T/dump.json")" 1 \
	"and no second one is posted"
RA_OPTS=()

# --- bad input -------------------------------------------------------------------
action "plans=plans/missing.json" fail-on-destroy=true
is "$rc" 2 "a plan that does not exist: bad input"
like "$err" "missing\.json" "named on stderr"
is "$(cat "$T/step-output")" "" "nothing is written to GITHUB_OUTPUT"
is "$(cat "$T/s.md" 2>/dev/null)" "" "nor to the job summary"

exec 9>&-
done_testing
