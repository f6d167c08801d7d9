#!/usr/bin/env bash
# coverage-gate on real reports from other projects (../shared/fixtures/
# coverage, origin and licence in SOURCES.tsv beside it): every file gives
# the totals its own project asserts, through the binary as a user runs
# it (format detection, step outputs, --json, exit status). Also: reports
# whose summary disagrees with their records (a warning, the records
# win), reports without lines (--empty), a report that is not one (exit
# 2), merging several reports (a line covered in any report is covered)
# and the fail and warn thresholds on an exact figure.
. "$(dirname -- "$0")/lib.sh"
. "$(dirname -- "$0")/cov/lib.sh"
FX=$DA_TOP/../shared/fixtures/coverage
[ -d "$FX" ] || skip_all "no shared coverage fixtures beside the project"
FX=$(cd -- "$FX" && pwd -P)
need_cg
fail_if_missing jq jq

# The fixtures name files on their authors' machines: nothing here is in
# a repository, so unmatched files are ignored; --fail-under 0 makes the
# exit status about the reading, not the figure.
W=$T/ws
mkdir -p "$W"
CG=(--workspace "$W" --unmatched ignore --fail-under 0)

# Each fixture file must have its expectations below: a new one without
# them fails here rather than going untested.
covered_here="
clover/jest-coverage-comment-clover.xml
cobertura/cobertura-action-test-branch.xml
cobertura/cobertura-action-test-istanbul.xml
cobertura/codecoveragesummary-coverlet.cobertura.xml
cobertura/diff_cover-coverage1.xml
cobertura/diff_cover-coverage2.xml
go/go-coverage-report-01-new-coverage.out
istanbul/jest-coverage-comment-coverage-final.json
istanbul/jest-coverage-comment-coverage-summary.json
jacoco/jacoco-report-report.xml
lcov/diff_cover-inconsistent-lf-lh.info
lcov/diff_cover-real_cpp_coverage.lcov
lcov/diff_cover-real_typescript_coverage.lcov
lcov/very_good_coverage-lcov.0.info
lcov/very_good_coverage-lcov.100.info
lcov/very_good_coverage-lcov.95.info
lcov/very_good_coverage-lcov.error.info"
is "$(cd "$FX" && find . -type f | sed 's|^\./||' | LC_ALL=C sort)" \
	"$(printf '%s\n' "$covered_here" | sed '/^$/d' | LC_ALL=C sort)" \
	"every fixture file has its expected figures in this test"

# reads FILE...: runs the gate over fixtures (paths under $FX) with --json
# and checks that it read them (exit 0).
reads() {
	local f args=()
	for f in "$@"; do
		args+=("$FX/$f")
	done
	cg "${CG[@]}" --json "${args[@]}"
	rc_is 0 "$* read (exit 0)"
}

# --- LCOV --------------------------------------------------------------------
# very_good_coverage's index.test.js asserts "Coverage: 95%." for this one.
cg "${CG[@]}" "$FX/lcov/very_good_coverage-lcov.95.info"
rc_is 0 "very_good_coverage lcov.95: exit 0"
counts_are lines 95 100 "lcov.95: lines 95/100 = 95.00"
is "$(cg_output lines)" "95.00" "lcov.95: the step output lines is 95.00"
is "$(cg_output verdict)" pass "lcov.95: verdict pass"
is "$(cg_output branches)" "" "lcov.95: no branches, so branches is empty"

reads lcov/very_good_coverage-lcov.100.info
json_counts_are lines 100 100 "lcov.100: lines 100/100"

# diff_cover's fixture says LF:6 LH:6 but its DA records give 5 of 10: the
# records win, and the difference is a warning, not a silent choice.
cg "${CG[@]}" "$FX/lcov/diff_cover-inconsistent-lf-lh.info"
rc_is 0 "diff_cover inconsistent LF/LH: exit 0"
counts_are lines 5 10 "inconsistent LF/LH: lines from DA 5/10 = 50.00"
counts_are functions 2 2 "inconsistent LF/LH: functions 2/2"
counts_are branches 0 1 "inconsistent LF/LH: branches from BRDA 0/1"
re="warning:[^$NL]*diff_cover-inconsistent-lf-lh\\.info[^$NL]*6/6[^$NL]*5/10"
like "$out" "(^|$NL)$re" \
	"a warning names the report, its summary's 6/6 and the records' 5/10"

reads lcov/diff_cover-real_cpp_coverage.lcov
json_counts_are lines 27 28 "diff_cover cpp: lines 27/28 = 96.42"
json_counts_are functions 5 5 "diff_cover cpp: functions 5/5"
reads lcov/diff_cover-real_typescript_coverage.lcov
json_counts_are lines 16 16 "diff_cover ts: lines 16/16"
json_counts_are branches 11 11 "diff_cover ts: branches 11/11"
reads lcov/diff_cover-real_cpp_coverage.lcov \
	lcov/diff_cover-real_typescript_coverage.lcov
json_counts_are lines 43 44 "cpp and ts together: their files side by side"

# lcov.0 names a file with no line at all: a gate on nothing fails by
# default and passes only when asked to.
cg "${CG[@]}" "$FX/lcov/very_good_coverage-lcov.0.info"
rc_is 1 "lcov.0: no lines, exit 1 under the default --empty fail"
is "$(cg_output verdict)" fail "lcov.0: verdict fail"
is "$(cg_output lines-total)/$(cg_output lines)" "0/" \
	"lcov.0: lines-total 0, lines empty"
cg "${CG[@]}" --empty pass "$FX/lcov/very_good_coverage-lcov.0.info"
rc_is 0 "lcov.0 with --empty pass: exit 0"
is "$(cg_output verdict)" pass "lcov.0 with --empty pass: verdict pass"

# lcov.error.info is one line of prose: not a report of any format. The
# format is told from the head of the file, so there is no line to point
# at: the message says what the file is not.
cg "${CG[@]}" "$FX/lcov/very_good_coverage-lcov.error.info"
rc_is 2 "lcov.error.info: exit 2"
is "$(lines "$err")" 1 "lcov.error.info: one line on stderr"
like "$err" 'very_good_coverage-lcov\.error\.info' "naming the file"
like "$err" 'unknown coverage format' "and saying it is no coverage format"
nothing_written "lcov.error.info: no step outputs and no summary"

# --- Cobertura ---------------------------------------------------------------
reads cobertura/cobertura-action-test-branch.xml
json_counts_are lines 27 30 "cobertura-action test-branch: lines 27/30"
json_counts_are branches 9 12 \
	"test-branch: branches 9/12 (its root says branch-rate 0.75)"

# Istanbul's Cobertura writer says 35/35 branches at the root, but its
# lines' condition-coverage holds 16: the records win (100% either way)
# and the difference is a warning.
cg "${CG[@]}" "$FX/cobertura/cobertura-action-test-istanbul.xml"
rc_is 0 "cobertura-action test-istanbul: exit 0"
counts_are lines 51 51 "test-istanbul: lines 51/51"
counts_are branches 16 16 "test-istanbul: branches 16/16 from its lines"
like "$out" "(^|$NL)warning:[^$NL]*test-istanbul\\.xml[^$NL]*35/35" \
	"a warning names the report and quotes the root's branches 35/35"
# In a workflow the same warning is an annotation.
CG_ENV=(GITHUB_ACTIONS=true)
cg "${CG[@]}" "$FX/cobertura/cobertura-action-test-istanbul.xml"
CG_ENV=()
rc_is 0 "test-istanbul in GitHub Actions: exit 0"
like "$out$NL$err" "(^|$NL)::warning[^$NL]*test-istanbul\\.xml[^$NL]*35/35" \
	"a ::warning annotation carries the disagreement"

reads cobertura/codecoveragesummary-coverlet.cobertura.xml
json_counts_are lines 1212 1460 \
	"coverlet: lines 1212/1460 = 83.01, as CodeCoverageSummary prints"
json_counts_are branches 262 378 "coverlet: branches 262/378 = 69.31"

# diff_cover's coverage1 and coverage2 describe the same file; coverage2
# covers line 2 as well. Merged, a line counts as covered when any report
# covers it, never twice. The expected figures come from the files.
# xml_lines FILE...: "number hits" of every <line> in Cobertura files.
xml_lines() {
	sed -n 's/.*<line \(.*\)\/>.*/\1/p' "$@" | awk '{
		n = ""; h = "";
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^number=/) { n = $i; gsub(/[^0-9]/, "", n) }
			if ($i ~ /^hits=/) { h = $i; gsub(/[^0-9]/, "", h) }
		}
		print n, h
	}'
}
# union FILE...: "covered total" over the distinct line numbers.
union() {
	xml_lines "$@" | awk '{ seen[$1] = 1; if ($2 > 0) hit[$1] = 1 }
		END { for (l in seen) { t++; if (l in hit) c++ } print c + 0, t + 0 }'
}
C1=$FX/cobertura/diff_cover-coverage1.xml
C2=$FX/cobertura/diff_cover-coverage2.xml
read -r u1_c u1_t <<<"$(union "$C1")"
read -r u2_c u2_t <<<"$(union "$C2")"
read -r m_c m_t <<<"$(union "$C1" "$C2")"
is "$u1_c/$u1_t" "5/10" "coverage1 by its own lines: 5/10"
reads cobertura/diff_cover-coverage1.xml
json_counts_are lines "$u1_c" "$u1_t" "diff_cover coverage1 alone"
reads cobertura/diff_cover-coverage2.xml
json_counts_are lines "$u2_c" "$u2_t" "diff_cover coverage2 alone"
reads cobertura/diff_cover-coverage1.xml cobertura/diff_cover-coverage2.xml
json_counts_are lines "$m_c" "$m_t" "coverage1 + coverage2: $m_c/$m_t"
isnt "$m_c/$m_t" "$u1_c/$u1_t" "the merge differs from coverage1 alone"
isnt "$m_c/$m_t" "$((u1_c + u2_c))/$((u1_t + u2_t))" \
	"and is not the sum of the two"
# coverage2 covers everything coverage1 does, so its own figure is the
# merged one. A copy of coverage1 that also covers line 4 (which coverage2
# misses) makes a pair where the merge differs from each report alone.
sed 's/hits="0" number="4"/hits="3" number="4"/' "$C1" >"$T/coverage1-line4.xml"
read -r u3_c _ <<<"$(union "$T/coverage1-line4.xml")"
read -r m2_c m2_t <<<"$(union "$T/coverage1-line4.xml" "$C2")"
cg "${CG[@]}" --json "$T/coverage1-line4.xml" "$C2"
rc_is 0 "coverage1 (line 4 covered) + coverage2: exit 0"
json_counts_are lines "$m2_c" "$m2_t" "that merge: $m2_c/$m2_t"
ok "$([ "$m2_c" != "$u3_c" ] && [ "$m2_c" != "$u2_c" ]; echo $?)" \
	"and it differs from each alone ($u3_c and $u2_c covered)"

# --- JaCoCo ------------------------------------------------------------------
# jacoco-report asserts an overall 35.25 for INSTRUCTION 43/122: it rounds
# 35.2459 to two decimals. This tool truncates every figure it shows
# (a figure that fails its threshold never displays as meeting it), so
# the same counts read 35.24 here.
cg "${CG[@]}" --metric instructions "$FX/jacoco/jacoco-report-report.xml"
rc_is 0 "jacoco-report report.xml: exit 0"
counts_are instructions 43 122 "jacoco: instructions 43/122"
is "$(cg_output instructions)" "35.24" \
	"jacoco: 35.2459 truncated to 35.24 (jacoco-report rounds to 35.25)"
counts_are lines 12 27 "jacoco: lines 12/27"
counts_are branches 2 6 "jacoco: branches 2/6"
counts_are functions 10 22 "jacoco: methods 10/22 as functions"

# --- Go ----------------------------------------------------------------------
# go-coverage-report's coverage_test.go: 92 of 102 statements = 90.196%.
cg "${CG[@]}" --metric statements \
	"$FX/go/go-coverage-report-01-new-coverage.out"
rc_is 0 "go-coverage-report 01-new-coverage: exit 0"
counts_are statements 92 102 "go: statements 92/102"
is "$(cg_output statements)" "90.19" "go: 90.196 truncated to 90.19"

# --- Istanbul and Clover: one jest run, three reports ------------------------
# Its coverage-summary.json says lines 33/42, statements 33/43, functions
# 2/6, branches 0/0.
reads istanbul/jest-coverage-comment-coverage-final.json
json_counts_are lines 33 42 "coverage-final.json: lines 33/42"
json_counts_are statements 33 43 "coverage-final.json: statements 33/43"
json_counts_are functions 2 6 "coverage-final.json: functions 2/6"
is "$(cg_json '.totals.branches.total')" 0 "coverage-final.json: no branches"

cg "${CG[@]}" "$FX/istanbul/jest-coverage-comment-coverage-summary.json"
rc_is 0 "coverage-summary.json: exit 0"
counts_are lines 33 42 "coverage-summary.json: lines 33/42"
counts_are statements 33 43 "coverage-summary.json: statements 33/43"
counts_are functions 2 6 "coverage-summary.json: functions 2/6"
is "$(cg_output branches-total)/$(cg_output branches)" "0/" \
	"coverage-summary.json: branches 0/0, shown as no figure"

# Istanbul's Clover writer emits one statement per line: its statements
# are the 42 lines, not the 43 of the JSON reports.
reads clover/jest-coverage-comment-clover.xml
json_counts_are lines 33 42 "clover.xml: lines 33/42"
json_counts_are statements 33 42 "clover.xml: statements 33/42"
json_counts_are functions 2 6 "clover.xml: functions 2/6"
is "$(cg_json '"\(.totals.branches.total) \(.file_count)"')" "0 6" \
	"clover.xml: no branches, six files"

# --- thresholds on an exact figure: lcov.95 is 95/100 ------------------------
L95=$FX/lcov/very_good_coverage-lcov.95.info
cg --workspace "$W" --unmatched ignore --fail-under 95 "$L95"
rc_is 0 "95/100 with --fail-under 95: exit 0"
is "$(cg_output verdict)" pass "--fail-under 95: verdict pass"
cg --workspace "$W" --unmatched ignore --fail-under 95.01 "$L95"
rc_is 1 "95/100 with --fail-under 95.01: exit 1"
is "$(cg_output verdict)" fail "--fail-under 95.01: verdict fail"
cg --workspace "$W" --unmatched ignore --fail-under 90 --warn-under 96 "$L95"
rc_is 0 "95/100 with --fail-under 90 --warn-under 96: exit 0"
is "$(cg_output verdict)" warn "--warn-under 96: verdict warn"
cg --workspace "$W" --unmatched ignore --fail-under 90 --warn-under 96 \
	--json "$L95"
is "$(cg_json .verdict)" warn "--json says warn too"

done_testing
