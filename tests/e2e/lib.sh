# lib.sh: TAP helpers for the end-to-end tests (bash), run by `prove`.
#
#   . "$(dirname "$0")/lib.sh"
#   run "$DA_BIN/smoke-test" --help
#   is "$rc" 0 "--help exits 0"
#   like "$out" '^Usage: ' "--help prints a usage line"
#   done_testing
#
# Variables: DA_TOP (repo root), DA_BIN (the static binaries, build/bin),
# DA_TOOLS (array of the six tools), NL (a newline, for patterns), T (a
# temp dir for this test, removed on exit unless DA_KEEP_TMP=1). After
# `run`: out, err (stdout and stderr, trailing newlines stripped) and rc
# (exit status).
#
# Assertions count themselves: ok STATUS DESC, is GOT WANT DESC,
# isnt GOT UNWANTED DESC, like GOT ERE DESC, unlike GOT ERE DESC,
# skip DESC, diag MSG, note MSG; then plan N before or done_testing after.
# The script exits 0 only when every test passed and the count matches.
# A missing prerequisite fails (never skips): fail_if_missing CMD PKG,
# need_bins, need_node_modules. gh_output NAME [FILE] reads a step output
# back from a GITHUB_OUTPUT file (default $T/gh-output).

# shellcheck disable=SC2034 # out, err, rc, NL are for the sourcing test
set -u

DA_TOP=${DA_TOP:-$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)}
DA_BIN=${DA_BIN:-$DA_TOP/build/bin}
DA_TOOLS=(coverage-gate terraform-plan-summary data-residency-check
	smoke-test blue-green-switch rollback)
export DA_TOP DA_BIN
NL=$'\n'

_tap_n=0
_tap_failed=0
_tap_plan=
_tap_done=0

T=$(mktemp -d -t da-e2e.XXXXXX) || {
	echo "Bail out! cannot create a temp dir"
	exit 1
}
export T

_tap_exit() {
	local st=$?
	if [ "${DA_KEEP_TMP:-0}" = 1 ]; then
		echo "# kept temp dir $T" >&2
	else
		rm -rf -- "$T"
	fi
	if [ "$_tap_done" = 0 ] && [ -z "$_tap_plan" ]; then
		echo "# the test exited without done_testing (status $st)" >&2
		[ "$st" = 0 ] && st=1
	fi
	if [ -n "$_tap_plan" ] && [ "$_tap_plan" != "$_tap_n" ]; then
		echo "# planned $_tap_plan tests but ran $_tap_n" >&2
		[ "$st" = 0 ] && st=1
	fi
	if [ "$_tap_failed" -gt 0 ] && [ "$st" = 0 ]; then
		st=1
	fi
	exit "$st"
}
trap _tap_exit EXIT

# plan N: the number of tests, printed first.
plan() {
	_tap_plan=$1
	echo "1..$1"
}

# skip_all REASON: nothing to test here (not for missing prerequisites).
skip_all() {
	echo "1..0 # SKIP $*"
	_tap_plan=0
	exit 0
}

# done_testing: prints the plan after the last test.
done_testing() {
	if [ -z "$_tap_plan" ]; then
		echo "1..$_tap_n"
	fi
	_tap_done=1
	[ "$_tap_failed" = 0 ]
}

diag() {
	local line
	while IFS= read -r line; do
		printf '# %s\n' "$line" >&2
	done <<<"$*"
}

note() {
	local line
	while IFS= read -r line; do
		printf '# %s\n' "$line"
	done <<<"$*"
}

_tap_result() {
	_tap_n=$((_tap_n + 1))
	if [ "$1" = 0 ]; then
		printf 'ok %d - %s\n' "$_tap_n" "$2"
	else
		printf 'not ok %d - %s\n' "$_tap_n" "$2"
		_tap_failed=$((_tap_failed + 1))
		diag "  Failed test '$2' (${BASH_SOURCE[2]##*/} line ${BASH_LINENO[1]})"
	fi
}

# ok STATUS DESC: passes when STATUS is 0, as in `test -f x; ok $? "x"`.
ok() {
	local st=$1
	shift
	_tap_result "$([ "$st" = 0 ] && echo 0 || echo 1)" "$*"
	return "$([ "$st" = 0 ] && echo 0 || echo 1)"
}

# is GOT WANT DESC: string equality.
is() {
	if [ "$1" = "$2" ]; then
		_tap_result 0 "$3"
		return 0
	fi
	_tap_result 1 "$3"
	diag "       got: '$1'"
	diag "  expected: '$2'"
	return 1
}

# isnt GOT UNWANTED DESC
isnt() {
	if [ "$1" != "$2" ]; then
		_tap_result 0 "$3"
		return 0
	fi
	_tap_result 1 "$3"
	diag "       got: '$1'"
	diag "  expected anything else"
	return 1
}

# like GOT ERE DESC: GOT matches the extended regular expression ERE
# (bash =~; anchors ^ $ apply to the whole text, not lines).
like() {
	if [[ $1 =~ $2 ]]; then
		_tap_result 0 "$3"
		return 0
	fi
	_tap_result 1 "$3"
	diag "                  '$1'"
	diag "    doesn't match '$2'"
	return 1
}

# unlike GOT ERE DESC
unlike() {
	if ! [[ $1 =~ $2 ]]; then
		_tap_result 0 "$3"
		return 0
	fi
	_tap_result 1 "$3"
	diag "                  '$1'"
	diag "          matches '$2'"
	return 1
}

# skip DESC: a test that does not apply here (reported as passed).
skip() {
	_tap_n=$((_tap_n + 1))
	printf 'ok %d # skip %s\n' "$_tap_n" "$*"
}

# run CMD [ARG...]: runs CMD with stdin from /dev/null; sets out, err, rc.
run() {
	"$@" >"$T/.run.out" 2>"$T/.run.err" </dev/null
	rc=$?
	out=$(cat "$T/.run.out")
	err=$(cat "$T/.run.err")
	return 0
}

# lines TEXT: the number of lines in TEXT (0 for "").
lines() {
	if [ -z "$1" ]; then
		echo 0
	else
		printf '%s\n' "$1" | wc -l | tr -d ' '
	fi
}

_tap_bail() {
	_tap_result 1 "$1"
	diag "$1"
	done_testing
	exit 1
}

# fail_if_missing CMD PKG: the test fails (not skips) without CMD.
fail_if_missing() {
	command -v "$1" >/dev/null 2>&1 ||
		_tap_bail "'$1' is missing; install it (package $2)"
}

# need_bins: the six static binaries exist, else fail with what to run.
need_bins() {
	local t
	for t in "${DA_TOOLS[@]}"; do
		[ -x "$DA_BIN/$t" ] || _tap_bail "missing $DA_BIN/$t; run: make"
	done
}

# need_node_modules: tests/node_modules is installed, else fail.
need_node_modules() {
	fail_if_missing node nodejs
	if [ ! -d "$DA_TOP/tests/node_modules/yaml" ] ||
		[ ! -d "$DA_TOP/tests/node_modules/@action-validator/cli" ]; then
		_tap_bail "tests/node_modules is missing; run: npm ci --prefix tests"
	fi
}

# gh_output NAME [FILE]: the value of step output NAME in FILE (default
# $T/gh-output), in either form GitHub accepts ("name=value" or
# "name<<DELIM" ... "DELIM"); the last one written wins. Status 1 if absent.
gh_output() {
	awk -v name="$1" '
		delim != "" { if ($0 == delim) { delim = ""; found = 1; val = acc; }
			else { acc = (first ? $0 : acc "\n" $0); first = 0; }
			next }
		index($0, name "<<") == 1 { delim = substr($0, length(name) + 3);
			acc = ""; first = 1; next }
		index($0, name "=") == 1 { val = substr($0, length(name) + 2);
			found = 1 }
		END { if (!found) exit 1; printf "%s", val }
	' "${2:-$T/gh-output}"
}

# free_port: prints a TCP port on 127.0.0.1 that was free a moment ago.
free_port() {
	node -e 'const s = require("net").createServer();
		s.listen(0, "127.0.0.1", () => {
			console.log(s.address().port); s.close(); });'
}

# github_fake_start STATE: starts the GitHub fake (tests/fakes/github.mjs)
# on a port the kernel picks, seeded from the JSON file STATE, dumping its
# state to $T/dump.json after every request; sets GH_FAKE_PORT and
# GH_FAKE_URL (http://127.0.0.1:PORT, for GITHUB_API_URL). The fake reads a
# fifo this shell holds open on fd 9 and exits when it closes, so it never
# outlives the test, however the test ends; calling this again (or
# `exec 9>&-`) stops the one before. Its stdout and stderr (a line per
# request) are in $T/fake.out and $T/fake.err. Fails the test when it does
# not start (needs need_node_modules first).
github_fake_start() {
	local pid
	GH_FAKE_PORT=
	GH_FAKE_URL=
	rm -f -- "$T/lifeline" "$T/fake.out"
	mkfifo "$T/lifeline" || _tap_bail "cannot create a fifo in $T"
	exec 9<>"$T/lifeline"
	node "$DA_TOP/tests/fakes/github.mjs" --port 0 --state "$1" \
		--dump "$T/dump.json" --die-with-stdin \
		>"$T/fake.out" 2>"$T/fake.err" <"$T/lifeline" 9>&- &
	pid=$!
	# It reads GitHub's 13 MB API description before it listens.
	for _ in $(seq 1 300); do
		grep -q '^listening ' "$T/fake.out" 2>/dev/null && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	GH_FAKE_PORT=$(sed -n 's/^listening \([0-9][0-9]*\)$/\1/p' "$T/fake.out")
	[ -n "$GH_FAKE_PORT" ] ||
		_tap_bail "the GitHub fake did not start: $(cat "$T/fake.err")"
	GH_FAKE_URL=http://127.0.0.1:$GH_FAKE_PORT
}
