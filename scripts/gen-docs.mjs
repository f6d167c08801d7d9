// gen-docs: action-docs/<tool>.md from actions/<tool>/action.yml and the
// tool's own option table (`<tool> --options-json`) and `<tool> --help`,
// with actions/<tool>/doc.md (when there is one) after the outputs: the
// place for what a table cannot say, such as a file format.
//
//   scripts/gen-docs.sh [--check | --sync-inputs] [options] [TOOL...]
//
// Before writing anything it checks that the action's inputs and the
// tool's options are the same set, with the same default, required flag
// and description: the option table in the C source is the one source,
// action.yml and the docs follow it. --sync-inputs rewrites the inputs of
// each action.yml from the option table (the rest of the file, comments
// included, is kept). --check writes nothing and exits 1 naming every
// action.yml or doc that is out of date.

import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const TOP = path.resolve(HERE, "..");
const ME = "gen-docs";

export const TOOLS = ["coverage-gate", "terraform-plan-summary",
	"data-residency-check", "smoke-test", "blue-green-switch", "rollback"];

// The slug users write in `uses:`; the release tree is published there.
const SLUG = "org/deploy-actions";
const MAJOR = "v1";

const EXIT_CODES = [
	["0", "pass"],
	["1", "the check failed (a verdict, not an error)"],
	["2", "usage or bad input: unknown input or flag, bad value, bad file"],
	["3", "could not run: I/O, network, remote API, missing binary"],
];

class Fail extends Error {}

function loadYaml() {
	const req = createRequire(path.join(TOP, "tests", "package.json"));
	try {
		return req("yaml");
	} catch {
		throw new Fail("cannot load the 'yaml' package; run: npm ci --prefix tests");
	}
}

function runTool(bin, args) {
	const r = spawnSync(bin, args, { encoding: "utf8",
		env: { ...process.env, DA_INPUTS: "" } });
	if (r.error)
		throw new Fail(`cannot run '${bin}': ${r.error.message}; build it with make`);
	if (r.status !== 0)
		throw new Fail(`'${bin} ${args.join(" ")}' exited ${r.status}: ${
			(r.stderr || "").trim().split("\n")[0]}`);
	return r.stdout;
}

export function readOptions(bin) {
	const text = runTool(bin, ["--options-json"]);
	let opts;
	try {
		opts = JSON.parse(text);
	} catch (e) {
		throw new Fail(`'${bin} --options-json' is not JSON: ${e.message}`);
	}
	if (!Array.isArray(opts))
		throw new Fail(`'${bin} --options-json' is not a JSON array`);
	for (const o of opts) {
		if (!o || typeof o.name !== "string")
			throw new Fail(`'${bin} --options-json': an entry has no name`);
	}
	return opts;
}

// An option's default as action.yml states it: a string, or undefined
// when the option has none (null or "" in the table). An action_default
// (an expression such as ${{ github.token }}) is the action's alone.
function optDefault(o) {
	if (o.action_default !== null && o.action_default !== undefined &&
	    o.action_default !== "")
		return String(o.action_default);
	if (o.default === null || o.default === undefined || o.default === "")
		return undefined;
	return String(o.default);
}

function inputDefault(spec) {
	if (!spec || spec.default === null || spec.default === undefined ||
	    spec.default === "")
		return undefined;
	return typeof spec.default === "string" ? spec.default :
		String(spec.default);
}

// The inputs mapping an action.yml must have for this option table.
export function inputsFromOptions(opts) {
	const inputs = {};
	for (const o of opts) {
		const spec = { description: String(o.description ?? "") };
		spec.required = o.required === true;
		const d = optDefault(o);
		if (d !== undefined)
			spec.default = d;
		inputs[o.name] = spec;
	}
	return inputs;
}

// Differences between action.yml inputs and the option table, one line
// each, empty when they agree.
export function compareInputs(file, inputs, opts, bin) {
	const diffs = [];
	const byName = new Map(opts.map((o) => [o.name, o]));
	const decl = inputs && typeof inputs === "object" ? inputs : {};
	for (const [name, spec] of Object.entries(decl)) {
		const o = byName.get(name);
		if (!o) {
			diffs.push(`${file}: input '${name}' is not an option of '${bin}'`);
			continue;
		}
		const want = inputsFromOptions([o])[name];
		const s = spec || {};
		if (String(s.description ?? "") !== want.description)
			diffs.push(`${file}: input '${name}': description '${s.description ?? ""}' differs from the option's '${want.description}'`);
		if ((s.required === true) !== want.required)
			diffs.push(`${file}: input '${name}': required is ${s.required === true}, the option says ${want.required}`);
		if (inputDefault(s) !== want.default)
			diffs.push(`${file}: input '${name}': default '${inputDefault(s) ?? "(none)"}' differs from the option's '${want.default ?? "(none)"}'`);
	}
	for (const o of opts) {
		if (!Object.prototype.hasOwnProperty.call(decl, o.name))
			diffs.push(`${file}: option '--${o.name}' of '${bin}' has no input`);
	}
	return diffs;
}

function cell(s) {
	return String(s).replace(/\r?\n/g, " ").replace(/\|/g, "\\|").trim();
}

function code(s) {
	const t = String(s);
	if (t === "")
		return '`""`';
	if (!t.includes("`"))
		return "`" + t + "`";
	return "<code>" + cell(t.replace(/&/g, "&amp;").replace(/</g, "&lt;")
		.replace(/`/g, "&#96;")) + "</code>";
}

function yamlScalar(s) {
	return JSON.stringify(String(s));
}

// extra: the text of actions/<tool>/doc.md (markdown with its own "##"
// sections, placed after the outputs), or null when there is none.
export function renderDoc(tool, action, opts, help, extra = null) {
	const inputs = action.inputs && typeof action.inputs === "object" ?
		action.inputs : {};
	const outputs = action.outputs && typeof action.outputs === "object" ?
		action.outputs : {};
	const byName = new Map(opts.map((o) => [o.name, o]));
	const L = [];
	L.push(`<!-- Generated by scripts/gen-docs.sh from actions/${tool}/action.yml and \`${tool} --help\`. Do not edit; run: make docs -->`);
	L.push(`# ${tool}`);
	L.push("");
	L.push(String(action.description || "").trim());
	L.push("");
	L.push("## Usage");
	L.push("");
	L.push("```yaml");
	L.push(`- uses: ${SLUG}/${tool}@${MAJOR}`);
	const names = Object.keys(inputs);
	if (names.length) {
		L.push("  with:");
		for (const n of names) {
			const s = inputs[n] || {};
			const d = inputDefault(s);
			const note = s.required === true ? "  # required" : "";
			L.push(`    ${n}: ${yamlScalar(d ?? "")}${note}`);
		}
	}
	L.push("```");
	L.push("");
	L.push("Inputs reach the tool as `DA_INPUTS` (`toJSON(inputs)`), " +
		"never through the shell; an input the tool does not know " +
		"fails the step with exit status 2.");
	L.push("");
	L.push("## Inputs");
	L.push("");
	if (names.length) {
		L.push("| Name | Description | Default | Required |");
		L.push("|---|---|---|---|");
		for (const n of names) {
			const s = inputs[n] || {};
			const o = byName.get(n) || {};
			let desc = cell(s.description ?? "");
			if (o.env)
				desc += ` Environment: \`${cell(o.env)}\`.`;
			if (o.secret)
				desc += " Secret: masked, never printed.";
			const d = inputDefault(s);
			L.push(`| \`${n}\` | ${desc} | ${d === undefined ?
				"(none)" : code(d)} | ${s.required === true ?
				"yes" : "no"} |`);
		}
	} else {
		L.push("This action has no inputs.");
	}
	L.push("");
	L.push("## Outputs");
	L.push("");
	const onames = Object.keys(outputs);
	if (onames.length) {
		L.push("| Name | Description |");
		L.push("|---|---|");
		for (const n of onames) {
			const s = outputs[n] || {};
			L.push(`| \`${n}\` | ${cell(s.description ?? "")} |`);
		}
	} else {
		L.push("This action declares no outputs.");
	}
	L.push("");
	if (extra !== null && extra.trim() !== "") {
		L.push(extra.replace(/^\s+|\s+$/g, ""));
		L.push("");
	}
	L.push("## Exit codes");
	L.push("");
	L.push("| Status | Meaning |");
	L.push("|---|---|");
	for (const [c, m] of EXIT_CODES)
		L.push(`| ${c} | ${m} |`);
	L.push("");
	L.push("## Command line");
	L.push("");
	L.push(`The action runs the static binary \`${tool}\`; the same ` +
		"binary runs on a laptop. Each input is also a long option " +
		`(\`--${names[0] || "help"}\`). \`${tool} --help\`:`);
	L.push("");
	L.push("```text");
	L.push(help.replace(/\s+$/, ""));
	L.push("```");
	L.push("");
	return L.join("\n");
}

function parseArgs(argv) {
	const o = { mode: "write", tools: [],
		docsDir: path.join(TOP, "action-docs"),
		actionsDir: path.join(TOP, "actions"),
		binDir: process.env.DA_BIN || path.join(TOP, "build", "bin") };
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		const val = () => {
			if (i + 1 >= argv.length)
				throw new Fail(`option '${a}' needs a value`);
			return path.resolve(argv[++i]);
		};
		switch (a) {
		case "--check": o.mode = "check"; break;
		case "--sync-inputs": o.mode = "sync"; break;
		case "--docs-dir": o.docsDir = val(); break;
		case "--actions-dir": o.actionsDir = val(); break;
		case "--bin-dir": o.binDir = val(); break;
		case "-h":
		case "--help":
			process.stdout.write(
`usage: gen-docs.sh [--check | --sync-inputs] [--docs-dir DIR]
                   [--actions-dir DIR] [--bin-dir DIR] [TOOL...]

  (default)      write DOCS_DIR/<tool>.md (default action-docs/)
  --check        write nothing; exit 1 naming each stale doc or action.yml
  --sync-inputs  rewrite the inputs of each action.yml from the option table
  --bin-dir DIR  where the binaries are (default build/bin, or $DA_BIN)
`);
			process.exit(0);
			break;
		default:
			if (a.startsWith("-"))
				throw new Fail(`unknown option '${a}'; see --help`);
			if (!TOOLS.includes(a))
				throw new Fail(`unknown tool '${a}'; one of: ${TOOLS.join(", ")}`);
			o.tools.push(a);
		}
	}
	if (o.tools.length === 0)
		o.tools = TOOLS.slice();
	return o;
}

function rel(p) {
	const r = path.relative(process.cwd(), p);
	return r.startsWith("..") ? p : r;
}

function main() {
	const o = parseArgs(process.argv.slice(2));
	const YAML = loadYaml();
	const problems = [];
	for (const tool of o.tools) {
		const file = path.join(o.actionsDir, tool, "action.yml");
		const bin = path.join(o.binDir, tool);
		let text;
		try {
			text = fs.readFileSync(file, "utf8");
		} catch (e) {
			throw new Fail(`cannot read '${rel(file)}': ${e.message}`);
		}
		const doc = YAML.parseDocument(text);
		if (doc.errors.length)
			throw new Fail(`cannot parse '${rel(file)}': ${doc.errors[0].message.split("\n")[0]}`);
		const opts = readOptions(bin);
		if (o.mode === "sync") {
			doc.set("inputs", doc.createNode(inputsFromOptions(opts)));
			const out = doc.toString({ lineWidth: 0 });
			if (out !== text) {
				fs.writeFileSync(file, out);
				process.stdout.write(`${ME}: updated ${rel(file)}\n`);
			}
			continue;
		}
		const action = doc.toJS();
		const diffs = compareInputs(rel(file), action.inputs, opts,
			rel(bin));
		if (diffs.length) {
			problems.push(...diffs);
			problems.push(`${rel(file)}: out of date with the option table; run: scripts/gen-docs.sh --sync-inputs`);
			continue;
		}
		const help = runTool(bin, ["--help"]);
		const extraFile = path.join(o.actionsDir, tool, "doc.md");
		let extra = null;
		try {
			extra = fs.readFileSync(extraFile, "utf8");
		} catch (e) {
			if (e.code !== "ENOENT")
				throw new Fail(`cannot read '${rel(extraFile)}': ${e.message}`);
		}
		const md = renderDoc(tool, action, opts, help, extra);
		const dest = path.join(o.docsDir, `${tool}.md`);
		if (o.mode === "check") {
			let have = null;
			try {
				have = fs.readFileSync(dest, "utf8");
			} catch {
				problems.push(`${rel(dest)} is missing; run: make docs`);
				continue;
			}
			if (have !== md)
				problems.push(`${rel(dest)} is stale; run: make docs`);
			continue;
		}
		fs.mkdirSync(o.docsDir, { recursive: true });
		let have = null;
		try {
			have = fs.readFileSync(dest, "utf8");
		} catch {
			// a new file
		}
		if (have !== md) {
			fs.writeFileSync(dest, md);
			process.stdout.write(`${ME}: wrote ${rel(dest)}\n`);
		}
	}
	for (const p of problems)
		process.stderr.write(`${ME}: ${p}\n`);
	return problems.length ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) ===
    fileURLToPath(import.meta.url)) {
	try {
		process.exitCode = main();
	} catch (e) {
		if (!(e instanceof Fail))
			throw e;
		process.stderr.write(`${ME}: ${e.message}\n`);
		process.exitCode = 2;
	}
}
