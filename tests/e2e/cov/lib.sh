# shellcheck shell=bash
# cov/lib.sh: functions for the coverage-gate end-to-end tests (t22xx),
# sourced after tests/e2e/lib.sh:
#
#   . "$(dirname -- "$0")/lib.sh"
#   . "$(dirname -- "$0")/cov/lib.sh"
#
# Runs: cg ARG... runs build/bin/coverage-gate under `timeout` with a fresh
# GITHUB_OUTPUT ($T/gh-output) and GITHUB_STEP_SUMMARY ($T/gh-summary) and
# sets out, err, rc like `run`. The variables of a real workflow run that
# would change what the tool does (GITHUB_WORKSPACE, the event, a token,
# DA_INPUTS) are removed from its environment, so the tests behave the same
# inside GitHub Actions as on a laptop; CG_ENV (an array of NAME=VALUE) adds
# to it. cg_output NAME reads a step output back; cg_json FILTER applies a
# jq filter to the last run's stdout.
#
# Checks: need_cg (the binary is built), rc_is WANT DESC (the exit status,
# showing the run's output when it differs), counts_are METRIC COVERED TOTAL
# DESC (the step outputs METRIC-covered and METRIC-total, and METRIC, the
# percentage, agrees with them), nothing_written DESC (GITHUB_OUTPUT and
# GITHUB_STEP_SUMMARY are empty). Arithmetic: pct_trunc COVERED TOTAL (two
# decimals, truncated, as the tool prints), cov_src DIR (the sources of one
# producer test, tests/e2e/cov/DIR).

COVGATE=$DA_BIN/coverage-gate
CG_ENV=()
CG_TIMEOUT=${CG_TIMEOUT:-30}

# need_cg: build/bin/coverage-gate exists, else fail with what to run.
need_cg() {
	[ -x "$COVGATE" ] || _tap_bail "missing $COVGATE; run: make"
}

# cov_src DIR: the path of tests/e2e/cov/DIR.
cov_src() {
	printf '%s/tests/e2e/cov/%s' "$DA_TOP" "$1"
}

# cg ARG...: runs coverage-gate (see the top of this file).
cg() {
	: >"$T/gh-output"
	: >"$T/gh-summary"
	env -u GITHUB_ACTIONS -u GITHUB_WORKSPACE -u GITHUB_EVENT_NAME \
		-u GITHUB_EVENT_PATH -u GITHUB_BASE_REF -u GITHUB_HEAD_REF \
		-u GITHUB_TOKEN -u DA_INPUTS -u RUNNER_DEBUG \
		GITHUB_OUTPUT="$T/gh-output" GITHUB_STEP_SUMMARY="$T/gh-summary" \
		"${CG_ENV[@]}" timeout "$CG_TIMEOUT" "$COVGATE" "$@" \
		>"$T/.run.out" 2>"$T/.run.err" </dev/null
	rc=$?
	out=$(cat "$T/.run.out")
	err=$(cat "$T/.run.err")
	return 0
}

# cg_output NAME [FILE]: gh_output (lib.sh) on the last run's
# GITHUB_OUTPUT.
cg_output() {
	gh_output "$@"
}

# cg_json FILTER: jq -r FILTER over the last run's stdout ("" on an error).
cg_json() {
	jq -r "$1" "$T/.run.out" 2>/dev/null
}

# pct_trunc COVERED TOTAL: COVERED/TOTAL as a percentage with two decimals,
# truncated (never rounded), in integer arithmetic; "" when TOTAL is 0.
pct_trunc() {
	local c=$1 t=$2 h
	[ "$t" -gt 0 ] || return 0
	h=$((c * 10000 / t))
	printf '%d.%02d' $((h / 100)) $((h % 100))
}

# at_caller: a diagnostic naming the test script's line, for the checks
# below (lib.sh's own names the line in this file).
at_caller() {
	diag "  at ${BASH_SOURCE[2]##*/} line ${BASH_LINENO[1]}"
}

# rc_is WANT DESC: the last run's exit status is WANT; when it is not, its
# stdout and stderr (first 1500 characters each) follow as diagnostics.
rc_is() {
	is "$rc" "$1" "$2" && return 0
	at_caller
	diag "stdout: ${out:0:1500}"
	diag "stderr: ${err:0:1500}"
	return 1
}

# counts_are METRIC COVERED TOTAL DESC: the last run's step outputs say
# METRIC-covered=COVERED and METRIC-total=TOTAL, and METRIC is the
# truncated percentage of the two (one test: a figure is one fact).
counts_are() {
	local m=$1 c=$2 t=$3 got want
	got="$(cg_output "$m-covered")/$(cg_output "$m-total") $(cg_output "$m")"
	want="$c/$t $(pct_trunc "$c" "$t")"
	is "$got" "$want" "$4" && return 0
	at_caller
	return 1
}

# json_counts_are METRIC COVERED TOTAL DESC: the same from --json output
# (totals.METRIC.covered, .total and .percent, which is null for no lines).
json_counts_are() {
	local m=$1 got want
	got=$(cg_json ".totals.\"$m\" |
		\"\(.covered)/\(.total) \(.percent // \"\")\"")
	want="$2/$3 $(pct_trunc "$2" "$3")"
	is "$got" "$want" "$4" && return 0
	at_caller
	return 1
}

# nothing_written DESC: GITHUB_OUTPUT and GITHUB_STEP_SUMMARY stayed empty.
nothing_written() {
	if [ -s "$T/gh-output" ] || [ -s "$T/gh-summary" ]; then
		_tap_result 1 "$1"
		at_caller
		diag "GITHUB_OUTPUT: $(head -c 300 "$T/gh-output")"
		diag "GITHUB_STEP_SUMMARY: $(head -c 300 "$T/gh-summary")"
		return 1
	fi
	_tap_result 0 "$1"
}
