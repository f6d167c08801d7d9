#!/usr/bin/env bash
# coverage-gate's gates end to end, on a small repository and an LCOV report
# whose figures are known by construction: the total and its two bands,
# exact comparison at the threshold, other metrics, every file, path
# groups, include and exclude, report files outside the repository, the
# baseline ratchet, the badge, --json, and a job summary that renders as
# GitHub-flavoured Markdown (cmark-gfm) with valid tables.
. "$(dirname -- "$0")/lib.sh"
. "$(dirname -- "$0")/cov/lib.sh"
need_cg
fail_if_missing git git
fail_if_missing jq jq
fail_if_missing cmark-gfm cmark-gfm

R=$T/repo
mkdir -p "$R/src/api" "$R/lib"
for f in src/api/a.c src/api/b.c lib/c.c; do
	seq 1 40 | sed 's/^/int x/; s/$/;/' >"$R/$f"
done
git -C "$R" init -q
git -C "$R" add .
git -C "$R" -c user.name=t -c user.email=t@example.com commit -qm init

# lcov_file PATH HITS...: one SF record, a DA line per hit count.
lcov_file() {
	local f=$1 n=0 h hit=0
	shift
	printf 'SF:%s\n' "$f"
	for h in "$@"; do
		n=$((n + 1))
		printf 'DA:%d,%d\n' "$n" "$h"
		[ "$h" -gt 0 ] && hit=$((hit + 1))
	done
	printf 'LF:%d\nLH:%d\nend_of_record\n' "$n" "$hit"
}
# a.c 9/10, b.c 6/10, c.c 8/10 with 2 of 4 branches and 1 of 2 functions:
# lines 23/30 = 76.666...%
{
	echo "TN:"
	lcov_file "$R/src/api/a.c" 1 1 1 1 1 1 1 1 1 0
	lcov_file "$R/src/api/b.c" 3 3 3 3 3 3 0 0 0 0
	printf 'TN:\nSF:%s\nFN:1,used\nFN:5,unused\nFNDA:4,used\nFNDA:0,unused\n' "$R/lib/c.c"
	printf 'FNF:2\nFNH:1\n'
	for n in 1 2 3 4 5 6 7 8 9 10; do
		printf 'DA:%d,%d\n' "$n" $((n <= 8 ? 2 : 0))
	done
	printf 'BRDA:2,0,0,1\nBRDA:2,0,1,0\nBRDA:3,0,0,-\nBRDA:3,0,1,5\n'
	printf 'BRF:4\nBRH:2\nLF:10\nLH:8\nend_of_record\n'
} >"$T/lcov.info"
WS=(--workspace "$R")

# --- the total: default 80, exact at the threshold --------------------------
cg "${WS[@]}" "$T/lcov.info"
rc_is 1 "76.66% is below the default fail-under 80: exit 1"
is "$(cg_output verdict)" fail "verdict=fail"
counts_are lines 23 30 "lines 23/30 = 76.66"
counts_are branches 2 4 "branches 2/4, BRDA '-' counted as not taken"
counts_are functions 1 2 "functions 1/2"
is "$(cg_output statements-total)" 0 "no statements in LCOV: total 0"
is "$(cg_output statements)" "" "and an empty percentage"
like "$err" 'lines 76\.66% \(23/30\) is below 80%' \
	"the failure says the figure, the counts and the threshold"
is "$(lines "$err")" 1 "in one line"
like "$err" 'DEPLOY_CI_FAILED|coverage failed' "as a failed CI check"

cg "${WS[@]}" --fail-under 76.66 "$T/lcov.info"
rc_is 0 "23/30 passes 76.66 (76.666...)"
cg "${WS[@]}" --fail-under 76.67 "$T/lcov.info"
rc_is 1 "and fails 76.67: compared exactly, not rounded"
cg "${WS[@]}" --fail-under 76.6667 "$T/lcov.info"
rc_is 1 "76.6667 is above 76.66666...: fails"
cg "${WS[@]}" --fail-under 76.6666 "$T/lcov.info"
rc_is 0 "76.6666 is below it: passes"

# --- bands --------------------------------------------------------------------
cg "${WS[@]}" --fail-under 70 --warn-under 80 "$T/lcov.info"
rc_is 0 "between the bands: exit 0"
is "$(cg_output verdict)" warn "verdict=warn"
like "$out" 'warning.*lines 76\.66% \(23/30\) is below 80%' "a warning says why"
cg "${WS[@]}" --fail-under 0 --warn-under 70 "$T/lcov.info"
rc_is 0 "the non-blocking policy of the design documents: pass above 70"
is "$(cg_output verdict)" pass "verdict=pass"
cg "${WS[@]}" --warn-under 70 "$T/lcov.info"
rc_is 2 "a warning band under the failing band is a usage error"
like "$err" 'would never show.*fail-under to 0' "and says how to get a warning-only gate"
nothing_written "a usage error writes nothing"

# many warned checks: a few by name, the rest counted (GitHub shows 10)
CG_ENV=(GITHUB_ACTIONS=true)
cg "${WS[@]}" --fail-under 0 --path-thresholds 'src/api/a.c: 0/95' \
	--path-thresholds 'src/api/b.c: 0/95' --path-thresholds 'lib/c.c: 0/95' \
	--path-thresholds 'src/**: 0/95' --path-thresholds 'src/api/**: 0/95' \
	--path-thresholds 'lib/**: 0/95' --thresholds 'branches: 0/95' "$T/lcov.info"
rc_is 0 "seven warned checks"
is "$(grep -c '^::warning' "$T/.run.out")" 5 "four warnings by name and one that counts the rest"
like "$out" '::warning.*3 more checks warn; see the job summary' "the count is right"
CG_ENV=()

# --- other metrics ------------------------------------------------------------
cg "${WS[@]}" --fail-under 0 --thresholds 'branches: 60' "$T/lcov.info"
rc_is 1 "branches 50% under 'branches: 60' fails"
like "$err" 'branches 50\.00% \(2/4\) is below 60%' "naming the metric"
cg "${WS[@]}" --fail-under 0 --thresholds 'functions: 50' \
	--thresholds 'branches: 40/60' "$T/lcov.info"
rc_is 0 "functions 50 passes 50; branches 50 warns under 40/60"
is "$(cg_output verdict)" warn "verdict=warn"
cg "${WS[@]}" --fail-under 0 --thresholds 'statements: 90' "$T/lcov.info"
rc_is 0 "a threshold on a metric the reports lack is skipped, not failed"
cg "${WS[@]}" --thresholds 'leaves: 9' "$T/lcov.info"
rc_is 2 "an unknown metric is a usage error"
cg "${WS[@]}" --fail-under 101 "$T/lcov.info"
rc_is 2 "101% is a usage error"
like "$err" '101' "naming the value"
nothing_written "and writes nothing"

# --- files, groups, include and exclude ----------------------------------------
cg "${WS[@]}" --fail-under 0 --file-fail-under 65 "$T/lcov.info"
rc_is 1 "a file under --file-fail-under fails"
like "$err" "src/api/b\.c" "naming the worst file as a repository path"
cg "${WS[@]}" --fail-under 0 --path-thresholds 'src/api/**: 80' \
	--path-thresholds 'lib/**: 80' "$T/lcov.info"
rc_is 1 "src/api/** at 15/20 = 75% fails its 80"
like "$err" "src/api/\*\*.* 75\.00% \(15/20\)" "the group's own figure"
unlike "$err" "lib/" "lib/** at 80% passes"
cg "${WS[@]}" --exclude 'src/api/b.c' "$T/lcov.info"
rc_is 0 "excluding b.c: 17/20 = 85% passes"
counts_are lines 17 20 "the totals leave b.c out"
is "$(cg_output files)" 2 "files=2"
cg "${WS[@]}" --include 'lib/**' "$T/lcov.info"
counts_are lines 8 10 "include keeps lib/ only"

# --- unmatched report files ------------------------------------------------------
{ cat "$T/lcov.info"; lcov_file /elsewhere/x.c 1 1; } >"$T/plus.info"
cg "${WS[@]}" --fail-under 0 "$T/plus.info"
rc_is 0 "a report file outside the repository: a warning by default"
is "$(cg_output unmatched-files)" 1 "unmatched-files=1"
like "$out" "match.* no file in the repository" "the warning says so"
cg "${WS[@]}" --fail-under 0 --unmatched fail "$T/plus.info"
rc_is 1 "--unmatched fail fails on it"
cg "${WS[@]}" --fail-under 0 "$T/lcov.info"
is "$(cg_output unmatched-files)" 0 "absolute runner paths under the workspace all match"

# outside a repository the check cannot be made, and the run says so
mkdir -p "$T/loose"
cp "$R/lib/c.c" "$T/loose/c.c"
printf 'SF:%s\nDA:1,1\nend_of_record\n' "$T/loose/c.c" >"$T/loose.info"
cg --workspace "$T/loose" --fail-under 0 "$T/loose.info"
rc_is 0 "a workspace that is no git repository"
is "$(cg_output unmatched-files)" 0 "nothing can be counted unmatched"
like "$out" "notice.*not checked against the repository.*not a git repository" \
	"and a notice says why, in git's words"
cg --workspace "$T/loose" --fail-under 0 --unmatched ignore "$T/loose.info"
unlike "$out" "not checked against the repository" "unless unmatched files are to be ignored"

# --- baseline ----------------------------------------------------------------------
cg "${WS[@]}" --exclude 'src/api/b.c' --write-baseline "$T/base.json" "$T/lcov.info"
rc_is 0 "--write-baseline on a passing run"
is "$(jq -r '.format, .version, .totals.lines.covered, .totals.lines.total' "$T/base.json" | tr '\n' ' ')" \
	"deploy-actions/coverage-baseline 1 17 20 " "the baseline keeps the exact counts"
cg "${WS[@]}" --fail-under 0 --baseline "$T/base.json" --max-drop 5 "$T/lcov.info"
rc_is 1 "85% -> 76.66% is a drop of 8.33 points, more than 5"
is "$(cg_output baseline-delta)" "-8.33" "baseline-delta=-8.33 (truncated toward zero)"
like "$err" 'lines dropped 8\.33 points from the baseline \(85\.00% \(17/20\) to 76\.66% \(23/30\)\), more than 5' "the failure names both figures"
cg "${WS[@]}" --fail-under 0 --baseline "$T/base.json" --max-drop 8.34 "$T/lcov.info"
rc_is 0 "a drop under --max-drop passes"
cg "${WS[@]}" --fail-under 0 --baseline "$T/none.json" --max-drop 1 "$T/lcov.info"
rc_is 0 "a missing baseline is a notice, not a failure"
like "$out" "No baseline at" "and says so"
echo '{"format": "something-else", "version": 1}' >"$T/bad.json"
cg "${WS[@]}" --baseline "$T/bad.json" --max-drop 1 "$T/lcov.info"
rc_is 2 "a file that is not our baseline is bad input"
nothing_written "and writes nothing"

# --- badge, JSON and summary ---------------------------------------------------------
cg "${WS[@]}" --badge "$T/badge.svg" "$T/lcov.info"
like "$(cat "$T/badge.svg")" '<svg' "--badge writes an SVG"
like "$(cat "$T/badge.svg")" '76\.66%' "with the truncated figure"
like "$(cat "$T/badge.svg")" '#e05d44' "red for a failing total"
cg "${WS[@]}" --fail-under 70 --badge "$T/badge.svg" "$T/lcov.info"
like "$(cat "$T/badge.svg")" '#4c1' "green for a passing one"
rm -f "$T/badge.svg"
cg "${WS[@]}" --fail-under 200 --badge "$T/badge.svg" "$T/lcov.info"
ok "$([ ! -e "$T/badge.svg" ]; echo $?)" "bad input writes no badge"

cg "${WS[@]}" --badge "$T/badge.svg" --write-baseline "$T/no/such/dir/b.json" "$T/lcov.info"
rc_is 2 "a baseline in a directory that does not exist: bad input"
like "$err" "the directory '.*/no/such/dir' does not exist" "naming the directory"
ok "$([ ! -e "$T/badge.svg" ]; echo $?)" "and the badge is not written either"
nothing_written "nor anything else"

cg "${WS[@]}" --json "$T/lcov.info"
rc_is 1 "--json keeps the exit status"
is "$(cg_json .verdict)" fail "--json verdict"
json_counts_are lines 23 30 "--json lines"
ok "$(jq -e . "$T/.run.out" >/dev/null; echo $?)" "standard output is one JSON document"

CG_ENV=(GITHUB_ACTIONS=true)
cg "${WS[@]}" --json --warn-under 90 --fail-under 80 "$T/lcov.info"
ok "$(jq -e . "$T/.run.out" >/dev/null; echo $?)" \
	"in Actions, --json keeps standard output one JSON document"
like "$err" "::error[^$NL]*DEPLOY_CI_FAILED" "the error annotation goes to standard error"
CG_ENV=()

cg "${WS[@]}" --fail-under 0 --path-thresholds 'src/api/**: 80' "$T/lcov.info"
cmark-gfm -e table "$T/gh-summary" >"$T/summary.html"
ok "$([ "$(grep -c '<table>' "$T/summary.html")" -ge 2 ]; echo $?)" \
	"the summary renders with tables (totals, groups)"
like "$(cat "$T/summary.html")" '76\.66' "the summary shows the figure"
like "$(cat "$T/summary.html")" 'src/api/b\.c' "and the worst file"
unlike "$(cat "$T/summary.html")" '\| *-+ *\|' "no table is left unrendered"

done_testing
