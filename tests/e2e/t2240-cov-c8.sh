#!/usr/bin/env bash
# coverage-gate on what c8 (V8's own coverage, for Node) writes: a small
# ESM module and a plain node test script (tests/e2e/cov/node) run under
# c8 with the lcov, json-summary and text-summary reporters. Our figures
# from lcov.info must be the counts c8's text summary prints
# ("Lines : 70.58% ( 24/34 )"), and coverage-summary.json read by our
# tool must give all four of them.
. "$(dirname -- "$0")/lib.sh"
. "$(dirname -- "$0")/cov/lib.sh"
need_cg
fail_if_missing node nodejs
fail_if_missing jq jq
C8=$DA_TOP/tests/node_modules/.bin/c8
[ -x "$C8" ] || _tap_bail "c8 is missing; run: npm ci --prefix tests"

W=$T/ws
mkdir -p "$W"
cp "$(cov_src node)"/*.mjs "$W/"
# NODE_V8_COVERAGE from a caller would send the raw data elsewhere.
(cd "$W" && env -u NODE_V8_COVERAGE -u NODE_OPTIONS "$C8" \
	--reporter=lcov --reporter=json-summary --reporter=text-summary \
	node t.mjs) >"$T/c8.log" 2>&1
ok $? "c8 runs the test" || diag "$(cat "$T/c8.log")"
ok "$([ -s "$W/coverage/lcov.info" ] &&
	[ -s "$W/coverage/coverage-summary.json" ]; echo $?)" \
	"c8 writes coverage/lcov.info and coverage/coverage-summary.json"

# c8_fig NAME: "covered total" from "Lines        : 70.58% ( 24/34 )".
c8_fig() {
	sed -n "s|^$1 *: [0-9.]*% ( *\([0-9]*\)/\([0-9]*\) *)\$|\1 \2|p" \
		"$T/c8.log"
}
read -r l_cov l_tot <<<"$(c8_fig Lines)"
read -r st_cov st_tot <<<"$(c8_fig Statements)"
read -r f_cov f_tot <<<"$(c8_fig Functions)"
read -r b_cov b_tot <<<"$(c8_fig Branches)"
like "$l_cov/$l_tot $st_cov/$st_tot $f_cov/$f_tot $b_cov/$b_tot" \
	'^[0-9]+/[0-9]+ [0-9]+/[0-9]+ [0-9]+/[0-9]+ [0-9]+/[0-9]+$' \
	"c8's text summary has all four figures" || diag "$(cat "$T/c8.log")"
# The module leaves lines, a function and branches uncovered on purpose.
ok "$([ "${l_cov:-0}" -lt "${l_tot:-0}" ] &&
	[ "${f_cov:-0}" -lt "${f_tot:-0}" ] &&
	[ "${b_cov:-0}" -lt "${b_tot:-0}" ]; echo $?)" \
	"the test covers part of the module, not all of it"

CG=(--workspace "$W" --unmatched ignore --fail-under 0)

# --- lcov.info ---------------------------------------------------------------
cg "${CG[@]}" "$W/coverage/lcov.info"
rc_is 0 "lcov.info: exit 0"
counts_are lines "$l_cov" "$l_tot" "lcov.info lines = c8's Lines"
counts_are functions "$f_cov" "$f_tot" "lcov.info functions = c8's Functions"
counts_are branches "$b_cov" "$b_tot" "lcov.info branches = c8's Branches"

# --- coverage-summary.json ---------------------------------------------------
cg "${CG[@]}" --json "$W/coverage/coverage-summary.json"
rc_is 0 "coverage-summary.json: exit 0"
json_counts_are lines "$l_cov" "$l_tot" "summary lines = c8's Lines"
json_counts_are statements "$st_cov" "$st_tot" \
	"summary statements = c8's Statements"
json_counts_are functions "$f_cov" "$f_tot" \
	"summary functions = c8's Functions"
json_counts_are branches "$b_cov" "$b_tot" "summary branches = c8's Branches"
# Istanbul, which c8 reports through, truncates to two decimals as this
# tool does (and drops trailing zeros): the percentages agree as numbers.
for m in Lines Statements Functions Branches; do
	theirs=$(sed -n "s|^$m *: \([0-9.]*\)% .*|\1|p" "$T/c8.log")
	mine=$(cg_json ".totals.${m,,}.percent")
	ok "$(awk -v a="$mine" -v b="$theirs" \
		'BEGIN { exit !(a != "" && a + 0 == b + 0) }'; echo $?)" \
		"${m,,} $mine% is c8's $theirs%"
done

# The gate on c8's own figure: at it passes, one point above fails.
pct=$(pct_trunc "$l_cov" "$l_tot")
cg --workspace "$W" --unmatched ignore --fail-under "$pct" \
	"$W/coverage/lcov.info"
rc_is 0 "--fail-under $pct (c8's lines, truncated) passes"
cg --workspace "$W" --unmatched ignore \
	--fail-under "$((l_cov * 100 / l_tot + 1))" "$W/coverage/lcov.info"
rc_is 1 "--fail-under the next whole percent fails"
is "$(cg_output lines)" "$pct" "the step output is c8's figure, truncated"

done_testing
