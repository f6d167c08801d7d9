#!/usr/bin/env bash
# The TAP helpers in lib.sh: a failing assertion fails the script, counts
# and plans are checked, a missing prerequisite fails rather than skips,
# `run` captures stdout, stderr and status, and the temp dir goes away.
. "$(dirname -- "$0")/lib.sh"

# child NAME BODY: a test script sourcing lib.sh; run it, keep its output.
child() {
	{
		echo '#!/usr/bin/env bash'
		echo ". '$DA_TOP/tests/e2e/lib.sh'"
		printf '%s\n' "$2"
	} >"$T/$1.sh"
	run bash "$T/$1.sh"
}

child pass 'ok 0 "zero"; is a a "same"; isnt a b "differ"
like "abc" "^a.c$" "like"; unlike "abc" "x" "unlike"; skip "not here"
echo "$T" > '"$T"'/child-tmp; done_testing'
is "$rc" 0 "all passing: exit 0"
is "$out" "ok 1 - zero
ok 2 - same
ok 3 - differ
ok 4 - like
ok 5 - unlike
ok 6 # skip not here
1..6" "TAP stream with numbering and the plan at the end"
ctmp=$(cat "$T/child-tmp")
ok "$([ -n "$ctmp" ] && [ ! -e "$ctmp" ]; echo $?)" "the child's temp dir is removed on exit"

child fail 'is got want "mismatch"; ok 0 "fine"; done_testing'
is "$rc" 1 "a failing is: exit 1"
like "$out" "^not ok 1 - mismatch${NL}ok 2 - fine${NL}1\.\.2$" "reported as not ok, counting goes on"
like "$err" "got: 'got'" "diagnostics say what was got"
like "$err" "expected: 'want'" "and what was expected"
like "$err" "fail\.sh line 3" "and where"

for c in 'ok 1 "st"' 'like abc "^b" "re"' 'unlike abc "b" "re"' 'isnt a a "eq"'; do
	child one "$c; done_testing"
	is "$rc" 1 "failing assertion fails the script: $c"
done

child nodone 'ok 0 "one"'
isnt "$rc" 0 "a script that never calls done_testing fails"
like "$err" "without done_testing" "and says so"

child badplan 'plan 3; ok 0 "one"'
isnt "$rc" 0 "fewer tests than planned fails"
like "$err" "planned 3 tests but ran 1" "and says so"

child died 'ok 0 "one"; exit 4'
is "$rc" 4 "a script dying with a status keeps it"

child missing 'fail_if_missing no-such-command-xyz some-package; ok 0 "after"'
is "$rc" 1 "fail_if_missing fails the test"
like "$out" "^not ok 1 - 'no-such-command-xyz' is missing; install it \(package some-package\)" \
	"and names the command and the package"
unlike "$out" "after" "and stops there"

child bins 'DA_BIN=/nonexistent; need_bins'
is "$rc" 1 "need_bins fails without the binaries"
like "$out" "run: make" "and says to run make"

child nomods 'DA_TOP=/nonexistent; need_node_modules; ok 0 "after"'
is "$rc" 1 "need_node_modules fails without tests/node_modules"
like "$out" "run: npm ci --prefix tests" "and says what to run"

child capture 'run sh -c "echo out1; echo out2; echo err1 >&2; exit 5"
is "$out" "out1${NL}out2" "out"; is "$err" "err1" "err"; is "$rc" 5 "rc"
is "$(lines "$out")" 2 "lines"; is "$(lines "")" 0 "no lines"; done_testing'
is "$rc" 0 "run captures stdout, stderr and status; lines counts"
[ "$rc" = 0 ] || diag "$out"

port=$(free_port)
like "$port" "^[0-9]+$" "free_port prints a port number"
ok "$([ "$port" -gt 1023 ] && [ "$port" -lt 65536 ]; echo $?)" "outside the well-known range"

done_testing
