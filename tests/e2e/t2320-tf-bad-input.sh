#!/usr/bin/env bash
# terraform-plan-summary on input that is not a plan, or a broken one, and
# on bad arguments: text that is not JSON, an empty file, a JSON array, {},
# a state file, HCP Terraform's redacted plan, plan format 2.0, a plan with
# the setup-terraform wrapper's lines around it, a plan cut in half, two
# plans in one file, nesting 600 deep, a directory, a missing file, '-'
# twice, a bad --no-changes, a bad allow-destroy glob and --label with
# several plans. Each is bad input: exit 2, exactly one line on stderr that
# names the file (and the byte offset where there is one), and nothing
# half-done: nothing on stdout, no step output, no job summary. A bad plan
# beside good ones spoils the whole run the same way.
. "$(dirname -- "$0")/lib.sh"
. "$(dirname -- "$0")/tf/lib.sh"
need_tps

B=$T/bad
mkdir -p "$B"
P="^terraform-plan-summary: "

# re STRING: STRING with the characters an ERE would read quoted.
re() {
	printf '%s' "$1" | sed 's/[][\\.*^$+?(){}|]/\\&/g'
}

# refused NAME ERE: the last run was refused as bad input: exit 2, one line
# on stderr matching ERE, nothing written.
refused() {
	tps_rc_is 2 "$1: exit 2"
	is "$(lines "$err")" 1 "$1: one line on stderr"
	like "$err" "$2" "$1: it names the file and what is wrong"
	tps_nothing_written "$1: nothing on stdout, in GITHUB_OUTPUT or the summary"
}

# plan_file FILE: $1 names the file "cannot read plan 'FILE': ".
plan_file() {
	printf "%scannot read plan '%s': " "$P" "$(re "$1")"
}

# A good plan, to show that a bad one beside it still stops everything, and
# the plan the truncated and wrapped ones are made of: a real one when the
# shared fixtures are there.
jq -n '{format_version: "1.2", terraform_version: "1.9.8",
	resource_changes: [
	  {address: "aws_s3_bucket.logs", mode: "managed",
	   type: "aws_s3_bucket", name: "logs",
	   change: {actions: ["delete"], before: {bucket: "logs"},
		    after: null}},
	  {address: "aws_instance.web", mode: "managed",
	   type: "aws_instance", name: "web",
	   change: {actions: ["create"], before: null,
		    after: {ami: "ami-123"}}}]}' >"$B/good.json"
REAL=$TF_FX/snyk-resource-changes.plan.json
[ -f "$REAL" ] || REAL=$B/good.json

# --- files that are not plans ------------------------------------------------
echo 'Terraform will perform the following actions:' >"$B/text.json"
tps "$B/text.json"
refused "text" "$(plan_file "$B/text.json")byte 0: is not JSON"

: >"$B/empty.json"
tps "$B/empty.json"
refused "an empty file" "$(plan_file "$B/empty.json").*empty"

echo '[{"format_version": "1.2"}]' >"$B/array.json"
tps "$B/array.json"
refused "a JSON array" "$(plan_file "$B/array.json")byte 0: .*array"

echo '{}' >"$B/object.json"
tps "$B/object.json"
refused "{}" "$(plan_file "$B/object.json")byte [0-9]+: .*not a plan"

echo '{"format_version":"1.0","values":{}}' >"$B/state.json"
tps "$B/state.json"
refused "a state file" "$(plan_file "$B/state.json")byte [0-9]+: .*state"

# HCP Terraform's redacted plan (internal/cloud/testdata/*/plan-redacted.json)
cat >"$B/redacted.json" <<'EOF'
{"plan_format_version":"2.0","resource_drift":[],"resource_changes":[],
 "output_changes":{},"provider_format_version":"1.0","provider_schemas":{}}
EOF
tps "$B/redacted.json"
refused "an HCP Terraform redacted plan" \
	"$(plan_file "$B/redacted.json")byte [0-9]+: .*redacted"

echo '{"format_version":"2.0","resource_changes":[]}' >"$B/format2.json"
tps "$B/format2.json"
refused "format_version 2.0" "$(plan_file "$B/format2.json")byte [0-9]+: .*2\.0"

# --- a plan in a bad state ---------------------------------------------------
# setup-terraform's wrapper (terraform_wrapper: true) prints the command
# before the JSON and debug lines after it.
{
	echo '[command]/home/runner/work/_temp/1f2e3d4c/terraform-bin show -json tfplan'
	cat -- "$REAL"
	echo '::debug::Terraform exited with code 0.'
	echo '::debug::stdout: {"format_version":"1.2"}'
	echo '::debug::stderr: '
	echo '::debug::exitcode: 0'
} >"$B/wrapped.json"
tps "$B/wrapped.json"
refused "the setup-terraform wrapper's lines around a plan" \
	"$(plan_file "$B/wrapped.json")byte 0: .*wrapper"
{
	cat -- "$REAL"
	echo '::debug::exitcode: 0'
} >"$B/wrapped-after.json"
tps "$B/wrapped-after.json"
refused "the wrapper's lines after a plan" \
	"$(plan_file "$B/wrapped-after.json")byte $(wc -c <"$REAL" | tr -d ' '): .*wrapper"

size=$(($(wc -c <"$REAL") / 2))
head -c "$size" -- "$REAL" >"$B/truncated.json"
tps "$B/truncated.json"
refused "a plan cut in half ($size bytes)" \
	"$(plan_file "$B/truncated.json")byte $size: .*truncated"

cat -- "$REAL" "$REAL" >"$B/twice.json"
tps "$B/twice.json"
refused "two plans in one file" \
	"$(plan_file "$B/twice.json")byte $(wc -c <"$REAL" | tr -d ' '): "

head='{"format_version":"1.2","resource_changes":[{"address":"a.b","change":{"actions":["create"],"after":'
{
	printf '%s' "$head"
	printf '[%.0s' $(seq 1 600)
	printf ']%.0s' $(seq 1 600)
	printf '}}]}\n'
} >"$B/deep.json"
tps "$B/deep.json"
refused "nesting 600 deep" "$(plan_file "$B/deep.json")byte [0-9]+: .*nesting"
at=$(sed -n 's/.*: byte \([0-9]*\): .*/\1/p' <<<"$err")
ok "$([ -n "$at" ] && [ "$at" -ge "${#head}" ] &&
	[ "$at" -lt $((${#head} + 600)) ]; echo $?)" \
	"the offset ($at) is in the run of brackets (from ${#head})"

# --- paths that are not plan files -------------------------------------------
mkdir -p "$B/plans.json"
tps "$B/plans.json"
refused "a directory" "$(plan_file "$B/plans.json").*directory"

tps "$B/missing.json"
refused "a missing file" "$(plan_file "$B/missing.json")"

tps_pipe "$B/text.json" -
refused "text piped in" "$(plan_file "(standard input)")byte 0: is not JSON"

# --- bad arguments -----------------------------------------------------------
tps_stdin "$B/good.json" - -
refused "'-' twice" "${P}standard input \('-'\) given 2 times"

tps --no-changes sometimes "$B/good.json"
refused "--no-changes sometimes" "${P}.*--no-changes 'sometimes'"

tps --allow-destroy '[' "$B/good.json"
refused "an allow-destroy glob '['" "${P}.*allow-destroy .*'\['"

tps --label prod "$B/good.json" "$REAL"
refused "--label with two plans" "${P}.*--label"

# --- a bad plan beside good ones ---------------------------------------------
tps "$B/good.json" "$B/truncated.json"
refused "a truncated plan after a good one" \
	"$(plan_file "$B/truncated.json")byte $size: .*truncated"
tps --json "ok=$B/good.json" "bad=$B/state.json" "$REAL"
refused "--json, a state file between good plans" \
	"$(plan_file "$B/state.json")byte [0-9]+: .*state"
tps --fail-on-destroy "$B/good.json" "$B/deep.json"
refused "--fail-on-destroy with a bad plan: bad input, not a verdict" \
	"$(plan_file "$B/deep.json")byte [0-9]+: .*nesting"

# The good plan itself passes: the refusals above are about the bad ones.
tps "$B/good.json" "$REAL"
tps_rc_is 0 "the good plans alone pass"
ok "$([ -s "$T/gh-output" ] && [ -s "$T/gh-summary" ]; echo $?)" \
	"and write their outputs and summary"

done_testing
