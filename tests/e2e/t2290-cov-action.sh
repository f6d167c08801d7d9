#!/usr/bin/env bash
# The coverage-gate action as a workflow runs it: actions/coverage-gate/
# action.yml through the local runner harness (scripts/run-action) from the
# main tree. Inputs arrive as toJSON(inputs) (a multi-line `reports` list
# with a glob); every output the interface names is set on a pass and on a
# failure; a failure fails the step with a DEPLOY_CI_FAILED annotation; the
# job summary is written.
. "$(dirname -- "$0")/lib.sh"
. "$(dirname -- "$0")/cov/lib.sh"
need_cg
need_node_modules
fail_if_missing jq jq

RA=$DA_TOP/scripts/run-action
A=$DA_TOP/actions/coverage-gate
W=$T/ws
mkdir -p "$W/src" "$W/coverage/unit" "$W/coverage/it"
seq 1 10 | sed 's/^/int a/; s/$/;/' >"$W/src/a.c"
git -C "$W" init -q
git -C "$W" add .
git -C "$W" -c user.name=t -c user.email=t@example.com commit -qm init
# unit covers lines 1-6, integration 5-8: merged 8 of 10
{
	printf 'SF:%s\n' "$W/src/a.c"
	for n in $(seq 1 10); do printf 'DA:%d,%d\n' "$n" $((n <= 6)); done
	echo end_of_record
} >"$W/coverage/unit/lcov.info"
{
	printf 'SF:%s\n' "$W/src/a.c"
	for n in $(seq 1 10); do printf 'DA:%d,%d\n' "$n" $((n >= 5 && n <= 8)); done
	echo end_of_record
} >"$W/coverage/it/lcov.info"

action() {
	local args=() w
	for w in "$@"; do
		args+=(--with "$w")
	done
	rm -f "$T/o.json" "$T/s.md"
	run timeout 60 "$RA" --workspace "$W" --outputs "$T/o.json" \
		--summary "$T/s.md" "${args[@]}" "$A"
}
o() { jq -r --arg k "$1" '.[$k] // "(absent)"' "$T/o.json" 2>&1; }
NAMES="verdict lines lines-covered lines-total branches-covered branches-total
functions-covered functions-total statements-covered statements-total"

action "reports=coverage/**/lcov.info" "fail-under=75" "warn-under=90"
is "$rc" 0 "8 of 10 merged lines pass 75 and warn under 90"
is "$(o verdict)" warn "output verdict=warn"
is "$(o lines-covered)/$(o lines-total) $(o lines)" "8/10 80.00" \
	"the two reports merge: a line covered in either is covered"
missing=
for n in $NAMES; do [ "$(o "$n")" = "(absent)" ] && missing="$missing $n"; done
is "$missing" "" "every interface output is set"
is "$(o branches-total)" 0 "a metric the reports lack has total 0"
like "$(cat "$T/s.md" 2>/dev/null)" '80\.00' "the job summary has the figure"
like "$out$err" '::warning' "the warning band raises a warning annotation"

action "reports=coverage/unit/lcov.info" "fail-under=80"
is "$rc" 1 "6 of 10 under 80: the step fails"
is "$(o verdict)" fail "output verdict=fail"
missing=
for n in $NAMES; do [ "$(o "$n")" = "(absent)" ] && missing="$missing $n"; done
is "$missing" "" "every interface output is set on a failure too"
like "$out$err" "::error[^$NL]*DEPLOY_CI_FAILED" \
	"with an error annotation carrying the code"

action "reports=coverage/nothing-here/*.info"
is "$rc" 2 "a glob that matches nothing: bad input"
like "$out$err" "no report matches" "says so"

done_testing
