#!/usr/bin/env bash
# coverage-gate on what gcc's own tools write: a small C program
# (tests/e2e/cov/c) built with --coverage and run once, then captured by
# lcov (LCOV with branches) and by gcovr (Cobertura). Our totals must be
# the counts those tools print themselves (lcov --summary, gcovr's text
# report), covered and total exactly; both reports of the one run read
# together give the same totals again (a merge, not a sum).
. "$(dirname -- "$0")/lib.sh"
. "$(dirname -- "$0")/cov/lib.sh"
need_cg
fail_if_missing gcc gcc
fail_if_missing lcov lcov
fail_if_missing gcovr gcovr
fail_if_missing jq jq

W=$T/ws
mkdir -p "$W"
cp "$(cov_src c)"/*.c "$(cov_src c)"/*.h "$W/"
(cd "$W" && gcc --coverage -O0 -o grade main.c grade.c && ./grade >/dev/null)
ok $? "the program builds with --coverage and runs"

(cd "$W" && lcov --quiet --capture --directory . --rc lcov_branch_coverage=1 \
	--output-file lcov.info) >"$T/lcov.log" 2>&1
ok $? "lcov --capture writes lcov.info" || diag "$(cat "$T/lcov.log")"
(cd "$W" && gcovr -r . --cobertura-pretty -o cobertura.xml) >"$T/gcovr.log" 2>&1
ok $? "gcovr writes cobertura.xml" || diag "$(cat "$T/gcovr.log")"

# What lcov says: "  lines......: 71.4% (20 of 28 lines)".
lcov_sum=$(lcov --summary "$W/lcov.info" --rc lcov_branch_coverage=1 2>&1)
lcov_fig() {
	printf '%s\n' "$lcov_sum" |
		sed -n "s/^ *$1\.*: [0-9.]*% (\([0-9]*\) of \([0-9]*\) .*/\1 \2/p"
}
read -r l_cov l_tot <<<"$(lcov_fig lines)"
read -r f_cov f_tot <<<"$(lcov_fig functions)"
read -r b_cov b_tot <<<"$(lcov_fig branches)"
like "$l_cov/$l_tot $f_cov/$f_tot $b_cov/$b_tot" \
	'^[0-9]+/[0-9]+ [0-9]+/[0-9]+ [0-9]+/[0-9]+$' \
	"lcov --summary prints lines, functions and branches" ||
	diag "$lcov_sum"
# The program leaves lines, a function and branches uncovered on purpose:
# a figure of 100% would mean the comparison below proves little.
ok "$([ "${l_cov:-0}" -gt 0 ] && [ "${l_cov:-0}" -lt "${l_tot:-0}" ] &&
	[ "${f_cov:-0}" -lt "${f_tot:-0}" ] &&
	[ "${b_cov:-0}" -lt "${b_tot:-0}" ]; echo $?)" \
	"the run covers part of the program, not all of it"

# What gcovr says: "TOTAL  28  20  71%" (lines: total, executed) and with
# --branches "TOTAL  18  12  66%" (branches: total, taken).
gcovr_total() {
	(cd "$W" && gcovr -r . "$@") 2>/dev/null |
		awk '$1 == "TOTAL" { print $3, $2 }'
}
read -r g_lcov g_ltot <<<"$(gcovr_total)"
read -r g_bcov g_btot <<<"$(gcovr_total --branches)"
like "$g_lcov/$g_ltot $g_bcov/$g_btot" '^[0-9]+/[0-9]+ [0-9]+/[0-9]+$' \
	"gcovr prints TOTAL lines for lines and branches"

CG=(--workspace "$W" --unmatched ignore --fail-under 0)

# --- lcov.info ---------------------------------------------------------------
cg "${CG[@]}" "$W/lcov.info"
rc_is 0 "lcov.info: exit 0 with --fail-under 0"
counts_are lines "$l_cov" "$l_tot" "lcov.info lines = lcov --summary's"
counts_are functions "$f_cov" "$f_tot" \
	"lcov.info functions = lcov --summary's"
counts_are branches "$b_cov" "$b_tot" "lcov.info branches = lcov --summary's"
is "$(cg_output verdict)" pass "verdict pass"

# --- cobertura.xml -----------------------------------------------------------
cg "${CG[@]}" "$W/cobertura.xml"
rc_is 0 "cobertura.xml: exit 0"
counts_are lines "$g_lcov" "$g_ltot" "cobertura.xml lines = gcovr's TOTAL"
counts_are branches "$g_bcov" "$g_btot" \
	"cobertura.xml branches = gcovr --branches' TOTAL"
unlike "$out$NL$err" 'warning' \
	"gcovr's root attributes agree with its lines: no warning"

# --- both at once ------------------------------------------------------------
# Both tools read the same .gcda files, so they agree on what there is; the
# merge of their two reports is then that same figure, not the sum.
is "$g_lcov/$g_ltot $g_bcov/$g_btot" "$l_cov/$l_tot $b_cov/$b_tot" \
	"lcov and gcovr count the same lines and branches"
cg "${CG[@]}" --json "$W/lcov.info" "$W/cobertura.xml"
rc_is 0 "both reports: exit 0"
json_counts_are lines "$l_cov" "$l_tot" \
	"both reports of one run: lines as each alone (merged, not added)"
json_counts_are branches "$b_cov" "$b_tot" \
	"both reports: branches as each alone"
unlike "$err" 'warning' \
	"both reports: no warning (each agrees with its own records)"
is "$(cg_json '[.files[].path] | sort | join(" ")')" "grade.c main.c" \
	"the two files, under their workspace-relative names, once each"

# The threshold on gcc's figure: just above it fails, at it passes.
pct=$(pct_trunc "$l_cov" "$l_tot")
cg --workspace "$W" --unmatched ignore --fail-under "$pct" "$W/lcov.info"
rc_is 0 "--fail-under $pct (the figure, truncated) passes"
cg --workspace "$W" --unmatched ignore \
	--fail-under "$((l_cov * 100 / l_tot + 1))" "$W/lcov.info"
rc_is 1 "--fail-under the next whole percent fails"
is "$(cg_output verdict)" fail "verdict fail"

done_testing
