#!/usr/bin/env bash
# Every action.yml (and workflow, if any) is valid per @action-validator/cli,
# and each of the six keeps the shape the project promises: a composite
# action with one step that runs ../launch.sh <tool> with DA_INPUTS set to
# toJSON(inputs), never interpolating user text into the script.
. "$(dirname -- "$0")/lib.sh"
need_node_modules

AV=$DA_TOP/tests/node_modules/.bin/action-validator
[ -x "$AV" ] || _tap_bail "missing $AV; run: npm ci --prefix tests"

files=()
for f in "$DA_TOP"/actions/*/action.yml "$DA_TOP"/tests/e2e/fixtures/*/action.yml \
	"$DA_TOP"/.github/workflows/*.yml "$DA_TOP"/.github/workflows/*.yaml; do
	[ -f "$f" ] && files+=("$f")
done
ok "$([ "${#files[@]}" -ge 6 ]; echo $?)" "found ${#files[@]} files to validate"
for f in "${files[@]}"; do
	run "$AV" "$f"
	is "$rc" 0 "valid: ${f#"$DA_TOP"/}"
	[ "$rc" = 0 ] || diag "$out$err"
done

# The validator is not a no-op: broken copies are rejected.
mkdir -p "$T/bad"
sed 's/^  icon: .*/  icon: no-such-icon/' "$DA_TOP/actions/smoke-test/action.yml" >"$T/bad/action.yml"
run "$AV" "$T/bad/action.yml"
is "$rc" 1 "an unknown branding icon is rejected"
sed 's/^  color: .*/  color: pink/' "$DA_TOP/actions/smoke-test/action.yml" >"$T/bad/action.yml"
run "$AV" "$T/bad/action.yml"
is "$rc" 1 "an unknown branding color is rejected"
sed 's/^      shell: bash$/      shell: [bash]/' "$DA_TOP/actions/smoke-test/action.yml" >"$T/bad/action.yml"
run "$AV" "$T/bad/action.yml"
is "$rc" 1 "a malformed step is rejected"

# The project's own rules for the six, checked on the parsed YAML.
cat >"$T/shape.mjs" <<'EOF'
import { createRequire } from "node:module";
import fs from "node:fs";
const req = createRequire(process.env.DA_TOP + "/tests/package.json");
const YAML = req("yaml");
const tools = process.argv.slice(2);
let n = 0;
const t = (ok, d) => console.log(`${ok ? "" : "not "}ok ${++n} - ${d}`);
for (const tool of tools) {
	const f = `${process.env.DA_TOP}/actions/${tool}/action.yml`;
	const a = YAML.parse(fs.readFileSync(f, "utf8"));
	t(typeof a.name === "string" && a.name.includes(tool), `${tool}: name names the tool`);
	t(typeof a.description === "string" && a.description.length > 20, `${tool}: has a description`);
	t(typeof a.author === "string" && a.author !== "", `${tool}: has an author`);
	t(a.branding && a.branding.icon && a.branding.color, `${tool}: has branding`);
	for (const [k, v] of Object.entries(a.inputs || {}))
		t(v && typeof v.description === "string" && v.description !== "",
			`${tool}: input ${k} has a description`);
	t(a.runs && a.runs.using === "composite", `${tool}: composite`);
	const steps = (a.runs && a.runs.steps) || [];
	t(steps.length === 1, `${tool}: one step`);
	const s = steps[0] || {};
	t(s.id === "run", `${tool}: the step's id is run`);
	t(s.shell === "bash", `${tool}: shell bash`);
	t(s.run === `"$GITHUB_ACTION_PATH/../launch.sh" ${tool}`,
		`${tool}: runs "$GITHUB_ACTION_PATH/../launch.sh" ${tool}`);
	t(!String(s.run).includes("${{"), `${tool}: no expression in the script`);
	t(s.env && s.env.DA_INPUTS === "${{ toJSON(inputs) }}",
		`${tool}: env DA_INPUTS is \${{ toJSON(inputs) }}`);
	t(Object.keys(s.env || {}).length === 1, `${tool}: DA_INPUTS is the only env`);
	for (const [k, v] of Object.entries(a.outputs || {}))
		t(v && /^\$\{\{ steps\.run\.outputs\.[A-Za-z0-9_-]+ \}\}$/.test(v.value),
			`${tool}: output ${k} maps steps.run.outputs`);
}
console.log(`1..${n}`);
EOF
run node "$T/shape.mjs" "${DA_TOOLS[@]}"
is "$rc" 0 "the shape checks ran"
is "$(grep -c '^not ok' <<<"$out")" 0 "every action keeps the project's shape"
grep '^not ok' <<<"$out" | while IFS= read -r l; do diag "$l"; done
like "$out" "(^|$NL)1\.\.[0-9]+$" "the shape checks all ran"
note "$(grep -c '^ok' <<<"$out") shape checks passed"

done_testing
