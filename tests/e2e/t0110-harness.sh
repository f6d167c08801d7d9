#!/usr/bin/env bash
# The local runner harness (scripts/run-action) against test-only composite
# actions in fixtures/: outputs (single-line and heredoc), steps.*.outputs,
# toJSON(inputs), defaults, if:, the failing step's exit status, the
# summary, file commands and the expression evaluator. A harness bug must
# fail here before it hides a bug in an action.
. "$(dirname -- "$0")/lib.sh"
need_node_modules
fail_if_missing jq jq

RA=$DA_TOP/scripts/run-action
FX=$DA_TOP/tests/e2e/fixtures

# --- outputs, defaults, toJSON(inputs), env/path/summary file commands ------
mkdir -p "$T/ws"
run "$RA" --workspace "$T/ws" --with name=World --repository acme/app \
	--outputs "$T/o.json" --summary "$T/s.md" "$FX/outputs"
is "$rc" 0 "outputs fixture exits 0"
is "$err" "" "nothing on stderr"
o() { jq -r --arg k "$1" '.[$k]' "$T/o.json"; }
is "$(o single)" "one line = with equals" "single-line output keeps '=' in the value"
is "$(o multi)" $'first line\n\nthird=line' "heredoc output keeps blank and '=' lines"
is "$(o relayed)" "one line = with equals" "steps.one.outputs reaches step two's env"
is "$(o inputs-json)" '{
  "name": "World",
  "greeting": "hello",
  "from-github": "acme/app"
}' "toJSON(inputs): given first, then defaults, two-space indent"
is "$(o combined)" "hello, World! (success)" "template with several expressions and steps.*.outcome"
is "$(o default-expr)" "acme/app" "an input default may be an expression"
is "$(o env-seen)" "set by one" "GITHUB_ENV reaches later steps"
is "$(o path-seen)" "extra tool" "GITHUB_PATH reaches later steps"
is "$(cat "$T/s.md")" $'## summary of one\n| a | b |' "job summary is every step's summary in order"

# The runner does not enforce required: the input is "" and the step runs.
run "$RA" --workspace "$T/ws" --outputs "$T/o.json" "$FX/outputs"
is "$rc" 0 "a missing required input does not stop the action"
is "$(jq -r '.["inputs-json"]' "$T/o.json" | jq -r .name)" "" "a missing required input is \"\""

# An undeclared input is warned about and still reaches toJSON(inputs).
run "$RA" --workspace "$T/ws" --with name=x --with Bogus=1 --with greeting=hi \
	--outputs "$T/o.json" "$FX/outputs"
is "$rc" 0 "an unexpected input is not an error for the runner"
like "$err" "^Warning: Unexpected input\(s\) 'Bogus', valid inputs are \['greeting', 'name', 'from-github'\]$" \
	"the runner's warning names it and the valid inputs"
is "$(jq -r '.["inputs-json"]' "$T/o.json" | jq -c .)" \
	'{"name":"x","Bogus":"1","greeting":"hi","from-github":"example/repo"}' \
	"the unexpected input is in toJSON(inputs), given order kept"

# Input names are case-insensitive against the declaration.
run "$RA" --workspace "$T/ws" --with NAME=y --outputs "$T/o.json" "$FX/outputs"
is "$(jq -r '.combined' "$T/o.json")" "hello, y! (success)" "inputs.name finds an input given as NAME"
unlike "$err" "Unexpected" "a differently cased declared input is not unexpected"

# --- if:, status functions, failing step's exit status, continue-on-error --
run "$RA" --workspace "$T/ws" --with fail-with=7 --outputs "$T/o.json" "$FX/conditions"
is "$rc" 7 "exit status is the failing step's"
is "$(jq -r .trace "$T/o.json")" $'soft ran\nmaybe-fail ran\non-failure ran' \
	"after a failure only failure()/always() steps run"
is "$(jq -r .soft "$T/o.json")" "failure/success" "continue-on-error: outcome failure, conclusion success"
is "$(jq -r .gated "$T/o.json")" "skipped" "if: false skips the step"
is "$(cat "$T/ws/trace.txt")" $'soft ran\nmaybe-fail ran\non-failure ran' "the always() step ran in the workspace"

run "$RA" --workspace "$T/ws" --with flag=true --outputs "$T/o.json" "$FX/conditions"
is "$rc" 0 "no failure: exit 0 despite continue-on-error step"
is "$(jq -r .trace "$T/o.json")" \
	$'soft ran\ngated ran\nmaybe-fail ran\nafter ran\non-success ran' \
	"== compares strings case-insensitively; success() steps run"

# --- expressions in env, run and outputs ----------------------------------
echo '{"pull_request":{"number":7,"labels":[{"name":"bug"},{"name":"ui"}]}}' >"$T/ev.json"
run "$RA" --workspace "$T/ws" --event "$T/ev.json" --event-name pull_request \
	--env FROM_JOB=jobval --outputs "$T/o.json" "$FX/expressions"
is "$rc" 0 "expressions fixture exits 0"
is "$(jq -c . "$T/o.json")" "$(jq -c . <<'EOF'
{"joined":"a+b+c","contains":"true","starts":"true",
 "format":"Deploy-42 {literal}","or-default":"fallback","and-value":"both",
 "number":"true","env-expr":"example/repo/jobval Deploy",
 "event":"7/pull_request","labels":"bug,ui","runner":"Linux"}
EOF
)" "functions, operators, github.event, .* filter, env context"

# --- runtime environment of a step -----------------------------------------
mkdir -p "$T/ws/sub"
run "$RA" --workspace "$T/ws" --event "$T/ev.json" --sha "$(printf 'ab%.0s' {1..20})" \
	--env FROM_CLI=1 "$FX/runtime"
is "$rc" 0 "runtime fixture exits 0"
envtxt=$(cat "$T/ws/env.txt")
for v in CI=true GITHUB_ACTIONS=true "GITHUB_ACTION_PATH=$FX/runtime" \
	"GITHUB_WORKSPACE=$T/ws" GITHUB_REPOSITORY=example/repo \
	"GITHUB_SHA=$(printf 'ab%.0s' {1..20})" GITHUB_EVENT_NAME=push \
	"GITHUB_EVENT_PATH=$T/ev.json" RUNNER_OS=Linux FROM_CLI=1; do
	like "$envtxt" "(^|$NL)$v($NL|$)" "step sees $v"
done
for v in GITHUB_OUTPUT GITHUB_STEP_SUMMARY GITHUB_ENV GITHUB_PATH RUNNER_TEMP RUNNER_ARCH RUNNER_NAME; do
	like "$envtxt" "(^|$NL)$v=." "step sees $v"
done
is "$(cat "$T/ws/pwd.txt")" "$T/ws" "steps run in the workspace"
is "$(cat "$T/ws/subdir.txt")" "$T/ws/sub" "working-directory is relative to the workspace"
like "$(cat "$T/ws/flags.txt")" "e" "bash runs with -e"
is "$(cat "$T/ws/pipefail.txt")" "on" "bash runs with -o pipefail"
is "$(cat "$T/ws/event.txt")" "$(cat "$T/ev.json")" "GITHUB_EVENT_PATH is the --event file"

run "$RA" --workspace "$T/ws" --with pipe-fails=true "$FX/runtime"
is "$rc" 1 "a failing pipeline fails the step (pipefail)"
ok "$([ ! -e "$T/ws/reached.txt" ]; echo $?)" "the step stopped at the failing pipeline"

# --- a step summary over 1 MiB is dropped, as the runner does ------------
run "$RA" --workspace "$T/ws" --summary "$T/big.md" "$FX/big-summary"
is "$rc" 0 "an oversized summary does not fail the step"
like "$err" "GITHUB_STEP_SUMMARY upload aborted, supports content up to a size of 1024k, got 1025k" \
	"the runner's warning is printed"
is "$(cat "$T/big.md")" "small summary" "only the summary under the limit is kept"

# --- malformed file command fails the step ---------------------------------
run "$RA" --workspace "$T/ws" "$FX/bad-output"
is "$rc" 1 "an unterminated heredoc in GITHUB_OUTPUT fails the step"
like "$err" "matching delimiter not found 'EOF'" "the error names the delimiter"
unlike "$err" "after ran" "later steps do not run"

# --- --append-args and DA_INPUTS without shell interpolation ----------------
evil='$(touch '"$T"'/pwned) `id` '"'"'" ;x'
run "$RA" --workspace "$T/ws" --with "json=$evil" \
	--append-args "--version 'two words' \"q\\\"uote\" \$HOME" "$FX/args"
is "$rc" 0 "args fixture exits 0"
is "$out" "arg:first
arg:--version
arg:two words
arg:q\"uote
arg:\$HOME
$(jq -n --arg v "$evil" '{json: $v}')" \
	"--append-args words reach argv verbatim; DA_INPUTS is toJSON(inputs)"
ok "$([ ! -e "$T/pwned" ]; echo $?)" "input text is never run by the shell"

# --- harness errors: 125 --------------------------------------------------
run "$RA" "$T/ws"
is "$rc" 125 "no action.yml: exit 125"
like "$err" "^run-action: no action.yml or action.yaml in " "and says so"
mkdir -p "$T/node-action"
printf 'name: n\ndescription: d\nruns:\n  using: node20\n  main: index.js\n' >"$T/node-action/action.yml"
run "$RA" "$T/node-action"
is "$rc" 125 "a non-composite action: exit 125"
like "$err" "only composite actions" "and says why"
run "$RA" --bogus "$FX/args"
is "$rc" 125 "unknown harness option: exit 125"

# --- the evaluator itself ---------------------------------------------------
cat >"$T/expr.mjs" <<'EOF'
const { evalExpression, evalTemplate, evalCondition, parseFileCommand,
	toJSON } = await import(process.env.RA_MJS);
const ctx = {
	inputs: { name: "World", n: "3", empty: "" },
	github: { event: { commits: [{ id: "a" }, { id: "b" }] },
		event_name: "push" },
	env: { X: "1" }, steps: { s: { outputs: { o: "v" }, outcome: "success" } },
	runner: { os: "Linux" },
};
const cases = [
	["1 == 1", true], ["'abc' == 'ABC'", true], ["'1' == 1", true],
	["null == 0", true], ["'' == false", true], ["'x' == 0", false],
	["true == 1", true], ["1 < 2", true], ["'b' > 'A'", true],
	["0x1F == 31", true], ["1.5e1", 15], ["-2 < -1", true],
	["!''", true], ["!'0'", false], ["!0", true],
	["inputs.empty || 'd'", "d"], ["inputs.name && inputs.n", "3"],
	["inputs.NAME", "World"], ["inputs['name']", "World"],
	["inputs.nope", null], ["github.event.commits[1].id", "b"],
	["github.event.commits.*.id", ["a", "b"]],
	["github.event.commits[*].id", ["a", "b"]],
	["join(github.event.commits.*.id)", "a,b"],
	["contains('Hello', 'ELL')", true], ["contains(fromJSON('[1,2]'), '2')", true],
	["startsWith('refs/tags/v1', 'refs/TAGS/')", true],
	["endsWith('a.yml', '.YAML')", false],
	["format('{0}{{x}}{1}', 'a', 1)", "a{x}1"],
	["fromJSON('{\"a\":[1,true,null]}').a[1]", true],
	["toJSON(fromJSON('[]'))", "[]"],
	["toJSON(inputs.nope)", "null"],
	["steps.s.outputs.o", "v"], ["env.X", "1"],
	["(1 == 2) || (2 == 2) && 'yes'", "yes"],
	["'it''s'", "it's"], ["true && null", null],
	["success()", true], ["always()", true], ["failure()", false],
];
const bad = [
	["nosuch.thing", /unrecognized named-value: 'nosuch'/],
	["nofunc(1)", /unrecognized function: 'nofunc'/],
	["1 ==", /unexpected end/], ["(1", /expected '\)'/],
	["'open", /unterminated string/], ["1 = 2", /unexpected symbol '='/],
	["format('{1}', 'a')", /refers to argument 1/],
	["contains('a')", /takes 2 argument/],
	["fromJSON('{')", /fromJSON: cannot parse/],
];
let n = 0;
const line = (ok, d) => console.log(`${ok ? "" : "not "}ok ${++n} - ${d}`);
for (const [e, want] of cases) {
	let got;
	try { got = evalExpression(e, ctx); } catch (x) { got = `ERROR ${x.message}`; }
	const g = JSON.stringify(Array.isArray(got) ? [...got] : got);
	line(g === JSON.stringify(want), `${e} => ${JSON.stringify(want)}` +
		(g === JSON.stringify(want) ? "" : ` (got ${g})`));
}
for (const [e, re] of bad) {
	let msg = "no error";
	try { evalExpression(e, ctx); } catch (x) { msg = x.message; }
	line(re.test(msg), `${e} fails: ${re}` + (re.test(msg) ? "" : ` (got ${msg})`));
}
const tpl = evalTemplate("a ${{ inputs.name }} b ${{ 1 == 1 }} ${{ '}}' }}", ctx);
line(tpl === "a World b true }}", `template: ${tpl}`);
line(typeof evalTemplate("${{ 1 == 1 }}", ctx) === "boolean",
	"a lone expression keeps its type");
const failed = { failed: true };
line(evalCondition("inputs.name == 'world'", ctx, { failed: false }) === true,
	"if: without status function, nothing failed");
line(evalCondition("inputs.name == 'world'", ctx, failed) === false,
	"if: without status function after a failure is false (success() &&)");
line(evalCondition("${{ always() && inputs.name }}", ctx, failed) === true,
	"if: ${{ always() && ... }} runs after a failure");
line(evalCondition(undefined, ctx, failed) === false, "no if: means success()");
line(JSON.stringify(parseFileCommand("a=1\n\nb<<E\nx\n\ny=z\nE\nc=\n", "t")) ===
	JSON.stringify([["a", "1"], ["b", "x\n\ny=z"], ["c", ""]]),
	"file command: = and heredoc forms, empty lines skipped");
let fc = "no error";
try { parseFileCommand("novalue\n", "GITHUB_OUTPUT"); } catch (x) { fc = x.message; }
line(/invalid format 'novalue'/.test(fc), `file command without = or <<: ${fc}`);
fc = "no error";
try { parseFileCommand("=x\n", "GITHUB_OUTPUT"); } catch (x) { fc = x.message; }
line(/empty name/.test(fc), `file command with empty name: ${fc}`);
line(toJSON({}) === "{}" && toJSON({ a: "b" }) === '{\n  "a": "b"\n}',
	"toJSON pretty-prints like GitHub");
console.log(`1..${n}`);
EOF
# The node script is a TAP stream of its own; count it as one test here.
run env RA_MJS="$DA_TOP/scripts/run-action.mjs" node "$T/expr.mjs"
is "$rc" 0 "evaluator script runs"
nfail=$(grep -c '^not ok' <<<"$out")
is "$nfail" 0 "every evaluator case passes"
[ "$nfail" = 0 ] || diag "$(grep '^not ok' <<<"$out")"
like "$out" "1\.\.[0-9]+$" "the evaluator cases all ran"
[ -z "$err" ] || diag "$err"

done_testing
