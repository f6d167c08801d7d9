#!/usr/bin/env bash
# coverage-gate's changed-line gate on a real git history: the lines a
# branch adds (git diff base...head), from given refs and from a
# pull_request event; only instrumented lines count; the minimum number of
# changed lines; warning annotations per uncovered range within the limit;
# a clone without the base says how to fix the checkout.
. "$(dirname -- "$0")/lib.sh"
. "$(dirname -- "$0")/cov/lib.sh"
need_cg
fail_if_missing git git
fail_if_missing jq jq

R=$T/repo
G=(git -C "$R" -c user.name=t -c user.email=t@example.com)
mkdir -p "$R/src"
seq 1 10 | sed 's/^/int a/; s/$/;/' >"$R/src/a.c"
seq 1 5 | sed 's/^/int o/; s/$/;/' >"$R/src/old.c"
git -C "$R" init -q -b main
"${G[@]}" add .
"${G[@]}" commit -qm base
BASE=$(git -C "$R" rev-parse HEAD)
"${G[@]}" checkout -qb feature
# a.c gains lines 11-16 (16 is blank); n.c is new (4 lines)
{ seq 11 15 | sed 's/^/int a/; s/$/;/'; echo; } >>"$R/src/a.c"
seq 1 4 | sed 's/^/int n/; s/$/;/' >"$R/src/n.c"
"${G[@]}" add .
"${G[@]}" commit -qm feature
HEAD_SHA=$(git -C "$R" rev-parse HEAD)
# main moves on after the branch left it: base...head must not see this
"${G[@]}" checkout -q main
echo 'int later;' >>"$R/src/old.c"
"${G[@]}" commit -qam later
"${G[@]}" checkout -q feature

# a.c: lines 1-15 instrumented, 11, 12, 15 of the new ones hit;
# n.c: 1, 2 hit, 3, 4 not. Changed and instrumented: 9, covered 5.
{
	printf 'SF:%s\n' "$R/src/a.c"
	for n in $(seq 1 15); do
		case $n in 13 | 14) h=0 ;; *) h=1 ;; esac
		printf 'DA:%d,%d\n' "$n" "$h"
	done
	printf 'end_of_record\nSF:%s\nDA:1,1\nDA:2,1\nDA:3,0\nDA:4,0\nend_of_record\n' "$R/src/n.c"
	printf 'SF:%s\nDA:1,1\nend_of_record\n' "$R/src/old.c"
} >"$T/lcov.info"
WS=(--workspace "$R" --fail-under 0)

cg "${WS[@]}" --changed-fail-under 80 --base main --head feature "$T/lcov.info"
rc_is 1 "5 of 9 changed lines covered is below 80%"
is "$(cg_output changed-lines-covered)/$(cg_output changed-lines-total)" 5/9 \
	"changed lines 5/9: the blank line and main's later commit do not count"
is "$(cg_output changed-lines)" 55.55 "changed-lines=55.55 (truncated)"
like "$err" 'changed lines 55\.55% \(5/9\) is below 80%' "the failure says so"

cg "${WS[@]}" --changed-fail-under 50 --base "$BASE" --head "$HEAD_SHA" "$T/lcov.info"
rc_is 0 "and passes 50%, with commit ids as refs"

cg "${WS[@]}" --changed-fail-under 80 --changed-min-lines 10 --base main "$T/lcov.info"
rc_is 0 "fewer instrumented changed lines than --changed-min-lines: skipped"
is "$(cg_output verdict)" pass "verdict=pass"

# --- from the pull_request event -----------------------------------------------
jq -n --arg b "$BASE" --arg h "$HEAD_SHA" \
	'{pull_request: {number: 7, base: {sha: $b}, head: {sha: $h}}}' >"$T/event.json"
CG_ENV=(GITHUB_EVENT_NAME=pull_request "GITHUB_EVENT_PATH=$T/event.json")
cg "${WS[@]}" --changed-fail-under 50 "$T/lcov.info"
rc_is 0 "base and head from the pull request event"
is "$(cg_output changed-lines-total)" 9 "the same 9 changed lines"

# --- the merge commit actions/checkout makes for a pull request ---------------------
# The base branch moved on (two lines at the top of a.c) before the merge:
# in the tested tree the pull request's lines sit two lines lower than in
# its head commit, and the report (made on that tree) says so.
M=$T/merge
GM=(git -C "$M" -c user.name=t -c user.email=t@example.com)
git clone -q "$R" "$M"
git -C "$M" checkout -q -b pr origin/main
{ printf 'int top1;\nint top2;\n'; cat "$M/src/a.c"; } >"$M/a.tmp" && mv "$M/a.tmp" "$M/src/a.c"
"${GM[@]}" commit -qam "main moves on above the change"
"${GM[@]}" merge -q --no-ff -m merge origin/feature
{
	printf 'SF:%s\n' "$M/src/a.c"
	for n in $(seq 1 17); do
		case $n in 15 | 16) h=0 ;; *) h=1 ;; esac
		printf 'DA:%d,%d\n' "$n" "$h"
	done
	printf 'end_of_record\nSF:%s\nDA:1,1\nDA:2,1\nDA:3,0\nDA:4,0\nend_of_record\n' "$M/src/n.c"
} >"$T/merge.info"
cg --workspace "$M" --fail-under 0 --changed-fail-under 50 "$T/merge.info"
rc_is 0 "on the merge commit, the pull request's own lines are judged"
is "$(cg_output changed-lines-covered)/$(cg_output changed-lines-total)" 5/9 \
	"5/9 on the tested tree's line numbers, not the head commit's"

# --- annotations in Actions ------------------------------------------------------
CG_ENV+=(GITHUB_ACTIONS=true)
cg "${WS[@]}" --changed-fail-under 50 "$T/lcov.info"
like "$out" '::warning file=src/a\.c,line=13,endLine=14' \
	"one warning per uncovered range, on the repository path"
like "$out" '::warning file=src/n\.c,line=3,endLine=4' "in each changed file"
cg "${WS[@]}" --changed-fail-under 50 --annotations 1 "$T/lcov.info"
is "$(grep -c '^::warning file=' "$T/.run.out")" 1 "--annotations 1: one range annotated"
like "$out" '::notice.*1 more' "and a notice counts the rest"
like "$(cat "$T/gh-summary")" '13-14' "the summary lists the uncovered ranges"

# --- not a pull request, no base -------------------------------------------------
CG_ENV=()
cg "${WS[@]}" --changed-fail-under 80 "$T/lcov.info"
rc_is 0 "no base and no pull request: the gate is skipped"
like "$out" "not a pull request" "with a notice that says why"
is "$(cg_output changed-lines)" "" "and no changed-line figure"

# --- a shallow clone ---------------------------------------------------------------
git clone -q --depth 1 --branch feature "file://$R" "$T/shallow" 2>/dev/null
sed "s|$R|$T/shallow|g" "$T/lcov.info" >"$T/shallow.info"
cg --workspace "$T/shallow" --fail-under 0 --changed-fail-under 80 \
	--base "$BASE" "$T/shallow.info"
rc_is 2 "a base the clone lacks is bad input"
like "$err" "fetch-depth: 0" "and the message says how to check out"
nothing_written "nothing written"

cg "${WS[@]}" --changed-fail-under 80 '--base=--output=/tmp/x' "$T/lcov.info"
rc_is 2 "a ref that looks like an option is refused"

done_testing
