#!/usr/bin/env bash
# coverage-gate on what coverage.py writes: a small module and a test
# script (tests/e2e/cov/python) run under `coverage run --branch`, then
# `coverage xml` (Cobertura) and `coverage lcov`. Our totals must be
# coverage.py's own: the statements and misses of `coverage report`'s
# TOTAL line, its branch count, and the covered branches of its JSON
# report (the text report does not print that one).
. "$(dirname -- "$0")/lib.sh"
. "$(dirname -- "$0")/cov/lib.sh"
need_cg
fail_if_missing python3-coverage python3-coverage
fail_if_missing jq jq

W=$T/ws
mkdir -p "$W"
cp "$(cov_src python)"/*.py "$W/"
# COVERAGE_* settings of the caller, and a config file, would change what
# is measured: neither applies here.
PYCOV=(env -u COVERAGE_FILE -u COVERAGE_RCFILE -u COVERAGE_PROCESS_START
	python3-coverage)
(cd "$W" && "${PYCOV[@]}" run --rcfile=/dev/null --branch --source=. \
	run_tests.py) >"$T/run.log" 2>&1
ok $? "the tests run under coverage.py" || diag "$(cat "$T/run.log")"

(cd "$W" && "${PYCOV[@]}" xml --rcfile=/dev/null -o coverage.xml &&
	"${PYCOV[@]}" json --rcfile=/dev/null -o coverage.json) >"$T/rep.log" 2>&1
ok $? "coverage xml and json write their reports" ||
	diag "$(cat "$T/rep.log")"
# `coverage lcov` came with coverage.py 6.3.
has_lcov=0
if "${PYCOV[@]}" lcov --help >/dev/null 2>&1; then
	has_lcov=1
	(cd "$W" && "${PYCOV[@]}" lcov --rcfile=/dev/null -o lcov.info) \
		>"$T/lcov.log" 2>&1
	ok $? "coverage lcov writes lcov.info" || diag "$(cat "$T/lcov.log")"
else
	skip "coverage.py $("${PYCOV[@]}" --version | head -n 1) has no lcov"
fi

# "TOTAL  25  6  12  3  70%": statements, missed, branches, partial.
report=$(cd "$W" && "${PYCOV[@]}" report --rcfile=/dev/null 2>&1)
read -r stmts miss branches _ <<<"$(printf '%s\n' "$report" |
	awk '$1 == "TOTAL" { print $2, $3, $4, $5 }')"
like "$stmts $miss $branches" '^[0-9]+ [0-9]+ [0-9]+$' \
	"coverage report prints a TOTAL line with branches" || diag "$report"
covered=$((stmts - miss))
br_cov=$(jq -r .totals.covered_branches "$W/coverage.json")
is "$(jq -r .totals.num_branches "$W/coverage.json")" "$branches" \
	"coverage json and coverage report agree on the branch count"
# The module leaves statements and branches uncovered on purpose.
ok "$([ "$miss" -gt 0 ] && [ "$covered" -gt 0 ] &&
	[ "$br_cov" -lt "$branches" ]; echo $?)" \
	"the run covers part of the module, not all of it"

CG=(--workspace "$W" --unmatched ignore --fail-under 0)

# --- coverage.xml (Cobertura) ------------------------------------------------
cg "${CG[@]}" "$W/coverage.xml"
rc_is 0 "coverage.xml: exit 0"
counts_are lines "$covered" "$stmts" \
	"coverage.xml lines = coverage report's statements less misses"
counts_are branches "$br_cov" "$branches" \
	"coverage.xml branches = coverage.py's covered/total branches"

# --- lcov.info ---------------------------------------------------------------
both=("$W/coverage.xml")
if [ "$has_lcov" = 1 ]; then
	both+=("$W/lcov.info")
	cg "${CG[@]}" "$W/lcov.info"
	rc_is 0 "lcov.info: exit 0"
	counts_are lines "$covered" "$stmts" "coverage.py's lcov.info lines"
	counts_are branches "$br_cov" "$branches" \
		"coverage.py's lcov.info branches"
else
	for _ in 1 2 3; do
		skip "coverage.py before 6.3 writes no LCOV"
	done
fi

# --- both, and --json --------------------------------------------------------
cg "${CG[@]}" --json "${both[@]}"
rc_is 0 "both reports: exit 0"
json_counts_are lines "$covered" "$stmts" "both reports: the same lines"
is "$(cg_json '.verdict')" pass "--json verdict pass"
is "$(cg_json '[.files[].path] | sort | join(" ")')" \
	"run_tests.py shipping.py" "the two modules, once each"

# The gate itself: coverage.py's own percentage, truncated, is the line.
pct=$(pct_trunc "$covered" "$stmts")
cg --workspace "$W" --unmatched ignore --fail-under "$pct" "$W/coverage.xml"
rc_is 0 "--fail-under $pct passes"
cg --workspace "$W" --unmatched ignore --fail-under "$pct" \
	--thresholds "branches: $((br_cov * 100 / branches + 1))" "$W/coverage.xml"
rc_is 1 "a branch threshold above coverage.py's branch figure fails"

done_testing
