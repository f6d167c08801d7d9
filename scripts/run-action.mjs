// run-action: a local runner for composite actions.
//
//   scripts/run-action [options] ACTION_DIR
//
// Reads ACTION_DIR/action.yml (or action.yaml) and runs it the way the
// GitHub Actions runner (actions/runner) runs a composite action used by a
// workflow step: it builds the inputs, github, runner, env and steps
// contexts, evaluates `${{ }}` expressions with a real tokenizer, parser
// and evaluator, runs each `run:` step in a fresh script file with the
// shell the step names, processes the file commands (GITHUB_OUTPUT,
// GITHUB_ENV, GITHUB_PATH, GITHUB_STEP_SUMMARY, GITHUB_STATE) after every
// step, and evaluates the action's `outputs.<name>.value` at the end.
//
// Inputs, as the runner does them (src/Runner.Worker/ActionRunner.cs and
// Handlers/CompositeActionHandler.cs in actions/runner):
//   - Every `with:` key is kept in the `inputs` context, declared or not.
//     A key the action does not declare only draws a warning:
//       Warning: Unexpected input(s) 'x', valid inputs are ['a', 'b']
//     and still reaches `toJSON(inputs)`; so a tool reading DA_INPUTS sees
//     it and can reject it.
//   - `required: true` is not enforced by the runner (actions/runner issue
//     1070 is still open): a missing required input silently gets its
//     default, or "" when it has none. We do the same and say so only with
//     --verbose.
//   - Input names are matched case-insensitively against declared inputs;
//     the key keeps the spelling it was given with.
//   - Given inputs come first in the context, in the order given, then
//     the declared inputs that were not given, in declaration order.
//
// Exit status: the exit status of the first step that failed (0 when none
// did); 125 when the harness itself cannot run the action (bad option,
// unreadable or invalid action.yml, expression error before any step ran).

import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const TOP = path.resolve(HERE, "..");
const ME = "run-action";
const HARNESS_FAIL = 125;
const STEP_SUMMARY_MAX = 1024 * 1024; // the runner refuses bigger summaries

class HarnessError extends Error {}

function die(msg) {
	throw new HarnessError(msg);
}

function loadYaml() {
	const req = createRequire(path.join(TOP, "tests", "package.json"));
	try {
		return req("yaml");
	} catch {
		die("cannot load the 'yaml' package; run: npm ci --prefix tests");
	}
	return null;
}

// ---------------------------------------------------------------------------
// Expressions: tokenizer
// ---------------------------------------------------------------------------

export class ExprError extends Error {}

const PUNCT = ["==", "!=", "<=", ">=", "&&", "||", "<", ">", "!", "(", ")",
	"[", "]", ".", ",", "*"];

function isIdentStart(c) {
	return /[A-Za-z_]/.test(c);
}

function isIdentChar(c) {
	return /[A-Za-z0-9_-]/.test(c);
}

// Splits expression text into tokens. Stops at `}}` outside a string when
// stopAtClose is set (used when scanning `${{ ... }}` inside a template) and
// returns how far it read.
export function tokenize(src, start = 0, stopAtClose = false) {
	const toks = [];
	let i = start;
	const valueEnded = () => {
		const t = toks[toks.length - 1];
		return t && (t.type === "num" || t.type === "str" ||
			t.type === "ident" || t.type === "kw" ||
			t.v === ")" || t.v === "]");
	};
	while (i < src.length) {
		const c = src[i];
		if (c === " " || c === "\t" || c === "\n" || c === "\r") {
			i++;
			continue;
		}
		if (stopAtClose && src.startsWith("}}", i))
			return { toks, end: i };
		if (c === "'") {
			let s = "";
			let j = i + 1;
			for (;;) {
				if (j >= src.length)
					throw new ExprError(
						`unterminated string at position ${i}`);
				if (src[j] === "'") {
					if (src[j + 1] === "'") {
						s += "'";
						j += 2;
						continue;
					}
					break;
				}
				s += src[j++];
			}
			toks.push({ type: "str", v: s, pos: i });
			i = j + 1;
			continue;
		}
		const numStart = /[0-9]/.test(c) ||
			(c === "." && /[0-9]/.test(src[i + 1] || "")) ||
			((c === "-" || c === "+") && !valueEnded() &&
				/[0-9.]/.test(src[i + 1] || ""));
		if (numStart) {
			let j = i + 1;
			while (j < src.length && /[0-9A-Za-z_.+-]/.test(src[j])) {
				// A sign belongs to the number only after an exponent.
				if ((src[j] === "+" || src[j] === "-") &&
				    !/[eE]/.test(src[j - 1]))
					break;
				j++;
			}
			const text = src.slice(i, j);
			const v = parseNumber(text);
			if (Number.isNaN(v))
				throw new ExprError(
					`unexpected symbol '${text}' at position ${i}`);
			toks.push({ type: "num", v, pos: i });
			i = j;
			continue;
		}
		if (isIdentStart(c)) {
			let j = i + 1;
			while (j < src.length && isIdentChar(src[j]))
				j++;
			const w = src.slice(i, j);
			if (w === "true" || w === "false" || w === "null" ||
			    w === "NaN" || w === "Infinity")
				toks.push({ type: "kw", v: w, pos: i });
			else
				toks.push({ type: "ident", v: w, pos: i });
			i = j;
			continue;
		}
		const p = PUNCT.find((q) => src.startsWith(q, i));
		if (p) {
			toks.push({ type: "punct", v: p, pos: i });
			i += p.length;
			continue;
		}
		throw new ExprError(`unexpected symbol '${c}' at position ${i}`);
	}
	if (stopAtClose)
		throw new ExprError("missing '}}' at the end of an expression");
	return { toks, end: i };
}

// Number literal and string-to-number conversion as the runner does it:
// decimal with optional sign, fraction and exponent, or 0x hex; anything
// else is NaN. Empty (after trimming) is 0.
function parseNumber(text) {
	const t = text.trim();
	if (t === "")
		return 0;
	if (/^[+-]?0x[0-9a-fA-F]+$/.test(t)) {
		const neg = t[0] === "-";
		const v = parseInt(t.replace(/^[+-]?0x/, ""), 16);
		return neg ? -v : v;
	}
	if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t))
		return Number(t);
	if (/^[+-]?Infinity$/.test(t))
		return Number(t);
	return NaN;
}

// ---------------------------------------------------------------------------
// Expressions: parser (precedence climbing)
//   or:      and ('||' and)*
//   and:     eq ('&&' eq)*
//   eq:      cmp (('=='|'!=') cmp)*
//   cmp:     unary (('<'|'<='|'>'|'>=') unary)*
//   unary:   '!' unary | postfix
//   postfix: primary ('.' ident | '.' '*' | '[' or ']' | '[' '*' ']')*
//   primary: literal | ident '(' args ')' | ident | '(' or ')'
// ---------------------------------------------------------------------------

export function parse(toks) {
	let k = 0;
	const peek = () => toks[k];
	const isP = (v) => peek() && peek().type === "punct" && peek().v === v;
	const where = () => (peek() ? `position ${peek().pos}` : "the end");
	const expect = (v) => {
		if (!isP(v))
			throw new ExprError(`expected '${v}' at ${where()}`);
		k++;
	};
	function binary(next, ops, kind) {
		return () => {
			let left = next();
			while (peek() && peek().type === "punct" &&
			       ops.includes(peek().v)) {
				const op = toks[k++].v;
				left = { t: kind, op, left, right: next() };
			}
			return left;
		};
	}
	const primary = () => {
		const t = peek();
		if (!t)
			throw new ExprError("unexpected end of expression");
		if (t.type === "num" || t.type === "str") {
			k++;
			return { t: "lit", v: t.v };
		}
		if (t.type === "kw") {
			k++;
			const lits = { true: true, false: false, null: null,
				NaN: NaN, Infinity: Infinity };
			return { t: "lit", v: lits[t.v] };
		}
		if (t.type === "ident") {
			k++;
			if (isP("(")) {
				k++;
				const args = [];
				if (!isP(")")) {
					for (;;) {
						args.push(or());
						if (isP(",")) {
							k++;
							continue;
						}
						break;
					}
				}
				expect(")");
				return { t: "call", name: t.v, args };
			}
			return { t: "ctx", name: t.v };
		}
		if (isP("(")) {
			k++;
			const e = or();
			expect(")");
			return e;
		}
		throw new ExprError(`unexpected '${t.v}' at position ${t.pos}`);
	};
	const postfix = () => {
		let e = primary();
		for (;;) {
			if (isP(".")) {
				k++;
				const t = peek();
				if (t && t.type === "punct" && t.v === "*") {
					k++;
					e = { t: "star", obj: e };
				} else if (t && (t.type === "ident" ||
						 t.type === "kw")) {
					k++;
					e = { t: "prop", obj: e, key: t.v };
				} else {
					throw new ExprError(
						`expected a property name at ${where()}`);
				}
			} else if (isP("[")) {
				k++;
				if (isP("*")) {
					k++;
					expect("]");
					e = { t: "star", obj: e };
				} else {
					const idx = or();
					expect("]");
					e = { t: "index", obj: e, idx };
				}
			} else {
				return e;
			}
		}
	};
	const unary = () => {
		if (isP("!")) {
			k++;
			return { t: "not", e: unary() };
		}
		return postfix();
	};
	const cmp = binary(unary, ["<", "<=", ">", ">="], "cmp");
	const eq = binary(cmp, ["==", "!="], "eq");
	const and = binary(eq, ["&&"], "and");
	const or = binary(and, ["||"], "or");
	const tree = or();
	if (k < toks.length)
		throw new ExprError(`unexpected '${toks[k].v}' at position ${
			toks[k].pos}`);
	return tree;
}

// ---------------------------------------------------------------------------
// Expressions: values and evaluation
// ---------------------------------------------------------------------------

// The result of `.*`: an array whose further dereferences apply to each
// element (github.event.commits.*.id).
class Filtered extends Array {}

function kind(v) {
	if (v === null || v === undefined)
		return "null";
	if (typeof v === "boolean")
		return "bool";
	if (typeof v === "number")
		return "num";
	if (typeof v === "string")
		return "str";
	if (Array.isArray(v))
		return "array";
	return "object";
}

export function truthy(v) {
	switch (kind(v)) {
	case "null": return false;
	case "bool": return v;
	case "num": return !(v === 0 || Number.isNaN(v));
	case "str": return v !== "";
	default: return true;
	}
}

function toNumber(v) {
	switch (kind(v)) {
	case "null": return 0;
	case "bool": return v ? 1 : 0;
	case "num": return v;
	case "str": return parseNumber(v);
	default: return NaN;
	}
}

export function toStr(v) {
	switch (kind(v)) {
	case "null": return "";
	case "bool": return v ? "true" : "false";
	case "num":
		if (Object.is(v, -0))
			return "0";
		return String(v);
	case "str": return v;
	case "array": return "Array";
	default: return "Object";
	}
}

function upper(s) {
	return s.toUpperCase();
}

function looseEq(a, b) {
	const ka = kind(a);
	const kb = kind(b);
	if (ka === kb) {
		switch (ka) {
		case "null": return true;
		case "str": return upper(a) === upper(b);
		case "num":
		case "bool": return a === b;
		default: return a === b;
		}
	}
	const na = toNumber(a);
	const nb = toNumber(b);
	return !Number.isNaN(na) && !Number.isNaN(nb) && na === nb;
}

function compare(op, a, b) {
	let x;
	let y;
	if (kind(a) === "str" && kind(b) === "str") {
		x = upper(a);
		y = upper(b);
	} else {
		x = toNumber(a);
		y = toNumber(b);
		if (Number.isNaN(x) || Number.isNaN(y))
			return false;
	}
	switch (op) {
	case "<": return x < y;
	case "<=": return x <= y;
	case ">": return x > y;
	default: return x >= y;
	}
}

// Case-insensitive property lookup, as for every context in the runner.
function getProp(obj, key) {
	if (obj instanceof Filtered) {
		const out = new Filtered();
		for (const el of obj) {
			const v = getProp(el, key);
			if (v !== null && v !== undefined)
				out.push(v);
		}
		return out;
	}
	if (kind(obj) !== "object")
		return null;
	if (Object.prototype.hasOwnProperty.call(obj, key))
		return obj[key];
	const lk = key.toLowerCase();
	for (const k of Object.keys(obj)) {
		if (k.toLowerCase() === lk)
			return obj[k];
	}
	return null;
}

function getIndex(obj, idx) {
	if (obj instanceof Filtered) {
		const out = new Filtered();
		for (const el of obj) {
			const v = getIndex(el, idx);
			if (v !== null && v !== undefined)
				out.push(v);
		}
		return out;
	}
	if (Array.isArray(obj)) {
		const n = toNumber(idx);
		if (Number.isNaN(n) || n < 0)
			return null;
		const i = Math.floor(n);
		return i < obj.length ? obj[i] : null;
	}
	if (kind(obj) === "object")
		return getProp(obj, toStr(idx));
	return null;
}

function star(obj) {
	const out = new Filtered();
	const push = (v) => {
		if (v !== null && v !== undefined)
			out.push(v);
	};
	if (obj instanceof Filtered) {
		for (const el of obj) {
			if (Array.isArray(el))
				el.forEach(push);
			else if (kind(el) === "object")
				Object.values(el).forEach(push);
		}
	} else if (Array.isArray(obj)) {
		obj.forEach(push);
	} else if (kind(obj) === "object") {
		Object.values(obj).forEach(push);
	}
	return out;
}

// GitHub's toJSON: indented with two spaces; an empty object is "{}".
export function toJSON(v) {
	if (v === undefined)
		v = null;
	return JSON.stringify(v, (k, x) => (Number.isNaN(x) ? "NaN" : x), 2);
}

function fmt(args) {
	const f = toStr(args[0]);
	let out = "";
	for (let i = 0; i < f.length; i++) {
		const c = f[i];
		if (c === "{" && f[i + 1] === "{") {
			out += "{";
			i++;
		} else if (c === "}" && f[i + 1] === "}") {
			out += "}";
			i++;
		} else if (c === "{") {
			const m = /^\{(\d+)\}/.exec(f.slice(i));
			if (!m)
				throw new ExprError(
					`format: invalid format string '${f}'`);
			const n = Number(m[1]);
			if (n + 1 >= args.length)
				throw new ExprError(
					`format: the format string '${f}' refers to argument ${n}, which was not given`);
			out += toStr(args[n + 1]);
			i += m[0].length - 1;
		} else if (c === "}") {
			throw new ExprError(`format: invalid format string '${f}'`);
		} else {
			out += c;
		}
	}
	return out;
}

const FUNCS = {
	tojson: [1, 1, (a) => toJSON(a[0])],
	fromjson: [1, 1, (a) => {
		const s = toStr(a[0]);
		try {
			return JSON.parse(s);
		} catch (e) {
			throw new ExprError(
				`fromJSON: cannot parse '${s}': ${e.message}`);
		}
	}],
	contains: [2, 2, (a) => {
		if (Array.isArray(a[0]))
			return a[0].some((x) => looseEq(x, a[1]));
		return upper(toStr(a[0])).includes(upper(toStr(a[1])));
	}],
	startswith: [2, 2, (a) =>
		upper(toStr(a[0])).startsWith(upper(toStr(a[1])))],
	endswith: [2, 2, (a) =>
		upper(toStr(a[0])).endsWith(upper(toStr(a[1])))],
	format: [1, 255, fmt],
	join: [1, 2, (a) => {
		const sep = a.length > 1 ? toStr(a[1]) : ",";
		if (Array.isArray(a[0]))
			return a[0].map(toStr).join(sep);
		return toStr(a[0]);
	}],
	success: [0, 0, (a, st) => !st.failed],
	failure: [0, 0, (a, st) => st.failed],
	always: [0, 0, () => true],
	cancelled: [0, 0, () => false],
};

const STATUS_FUNCS = ["success", "failure", "always", "cancelled"];

// Evaluates a parsed tree. ctx maps lower-case context names to values;
// st holds the status the status functions report ({ failed }).
export function evaluate(node, ctx, st = { failed: false }) {
	switch (node.t) {
	case "lit":
		return node.v;
	case "ctx": {
		const name = node.name.toLowerCase();
		if (!Object.prototype.hasOwnProperty.call(ctx, name))
			throw new ExprError(
				`unrecognized named-value: '${node.name}'`);
		return ctx[name];
	}
	case "prop":
		return getProp(evaluate(node.obj, ctx, st), node.key);
	case "index":
		return getIndex(evaluate(node.obj, ctx, st),
			evaluate(node.idx, ctx, st));
	case "star":
		return star(evaluate(node.obj, ctx, st));
	case "not":
		return !truthy(evaluate(node.e, ctx, st));
	case "and": {
		const l = evaluate(node.left, ctx, st);
		return truthy(l) ? evaluate(node.right, ctx, st) : l;
	}
	case "or": {
		const l = evaluate(node.left, ctx, st);
		return truthy(l) ? l : evaluate(node.right, ctx, st);
	}
	case "eq": {
		const r = looseEq(evaluate(node.left, ctx, st),
			evaluate(node.right, ctx, st));
		return node.op === "==" ? r : !r;
	}
	case "cmp":
		return compare(node.op, evaluate(node.left, ctx, st),
			evaluate(node.right, ctx, st));
	case "call": {
		const f = FUNCS[node.name.toLowerCase()];
		if (!f)
			throw new ExprError(
				`unrecognized function: '${node.name}'`);
		const [min, max, fn] = f;
		if (node.args.length < min || node.args.length > max)
			throw new ExprError(
				`${node.name}: takes ${min === max ? min :
					`${min} to ${max}`} argument(s), got ${
					node.args.length}`);
		return fn(node.args.map((a) => evaluate(a, ctx, st)), st);
	}
	default:
		throw new ExprError(`internal: unknown node ${node.t}`);
	}
}

function usesStatusFunction(node) {
	if (!node || typeof node !== "object")
		return false;
	if (node.t === "call" &&
	    STATUS_FUNCS.includes(node.name.toLowerCase()))
		return true;
	return Object.values(node).some((v) =>
		(Array.isArray(v) ? v.some(usesStatusFunction) :
			usesStatusFunction(v)));
}

export function evalExpression(text, ctx, st) {
	return evaluate(parse(tokenize(text).toks), ctx, st);
}

// Splits "a ${{ x }} b" into literal text and expressions and returns the
// value: the expression's own value when the template is exactly one
// expression, else the concatenation of the parts as strings.
export function evalTemplate(text, ctx, st) {
	if (typeof text !== "string")
		return text;
	const parts = [];
	let i = 0;
	while (i < text.length) {
		const j = text.indexOf("${{", i);
		if (j < 0) {
			parts.push({ lit: text.slice(i) });
			break;
		}
		if (j > i)
			parts.push({ lit: text.slice(i, j) });
		const { toks, end } = tokenize(text, j + 3, true);
		if (toks.length === 0)
			throw new ExprError(
				`empty expression in '${text}'`);
		parts.push({ expr: parse(toks) });
		i = end + 2;
	}
	if (parts.length === 1 && parts[0].expr)
		return evaluate(parts[0].expr, ctx, st);
	return parts.map((p) => (p.expr ? toStr(evaluate(p.expr, ctx, st)) :
		p.lit)).join("");
}

export function evalTemplateString(text, ctx, st) {
	return toStr(evalTemplate(text, ctx, st));
}

// A step's `if:` as the runner reads it: the text may be wrapped in ${{ }},
// and without a status function it means success() && (text).
export function evalCondition(text, ctx, st) {
	if (text === undefined || text === null)
		text = "success()";
	if (typeof text === "boolean")
		return text && !st.failed;
	let src = String(text).trim();
	const m = /^\$\{\{([\s\S]*)\}\}$/.exec(src);
	if (m && !m[1].includes("}}"))
		src = m[1];
	const tree = parse(tokenize(src).toks);
	if (!usesStatusFunction(tree))
		return !st.failed && truthy(evaluate(tree, ctx, st));
	return truthy(evaluate(tree, ctx, st));
}

// ---------------------------------------------------------------------------
// File commands: GITHUB_OUTPUT, GITHUB_ENV, GITHUB_STATE
// ---------------------------------------------------------------------------

// Parses NAME=VALUE and NAME<<DELIMITER ... DELIMITER lines the way the
// runner does (empty lines are skipped; '=' or '<<', whichever comes first,
// decides the form). Returns [[name, value], ...]; throws on bad input.
export function parseFileCommand(text, what) {
	const lines = text.split("\n").map((l) => l.replace(/\r$/, ""));
	if (lines.length && lines[lines.length - 1] === "")
		lines.pop();
	const out = [];
	for (let i = 0; i < lines.length; i++) {
		const line = lines[i];
		if (line === "")
			continue;
		const eq = line.indexOf("=");
		const hd = line.indexOf("<<");
		if (eq >= 0 && (hd < 0 || eq < hd)) {
			const name = line.slice(0, eq);
			if (name === "")
				die(`${what}: invalid format '${line}': empty name`);
			out.push([name, line.slice(eq + 1)]);
		} else if (hd >= 0) {
			const name = line.slice(0, hd);
			const delim = line.slice(hd + 2);
			if (name === "" || delim === "")
				die(`${what}: invalid format '${line}'`);
			const val = [];
			let closed = false;
			for (i++; i < lines.length; i++) {
				if (lines[i] === delim) {
					closed = true;
					break;
				}
				val.push(lines[i]);
			}
			if (!closed)
				die(`${what}: invalid value for '${name}': matching delimiter not found '${delim}'`);
			out.push([name, val.join("\n")]);
		} else {
			die(`${what}: invalid format '${line}'`);
		}
	}
	return out;
}

// ---------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------

const USAGE = `usage: run-action [options] ACTION_DIR

Runs ACTION_DIR/action.yml (a composite action) as the GitHub Actions runner
would, on this machine.

options:
  --with NAME=VALUE      an input, as under 'with:' (repeatable)
  --env NAME=VALUE       workflow/job environment (repeatable)
  --workspace DIR        GITHUB_WORKSPACE and working directory (default: .)
  --event FILE           event payload (GITHUB_EVENT_PATH, github.event)
  --event-name NAME      GITHUB_EVENT_NAME (default: push)
  --repository O/R       GITHUB_REPOSITORY (default: example/repo)
  --sha SHA              GITHUB_SHA (default: forty zeros)
  --token TOKEN          github.token, the job's token (default: none)
  --ref REF              GITHUB_REF (default: refs/heads/main)
  --outputs FILE         write the action's outputs there as JSON
  --summary FILE         write the job summary (all steps) there
  --append-args ARGS     words appended to the last line of the step with
                         id 'run' (else the last run step), shell-quoted
  --keep-temp            keep RUNNER_TEMP and print where it is
  -v, --verbose          print each step's header on stderr
  -h, --help             this text

exit status: that of the first failed step, 0 if none failed, 125 if the
action could not be run at all.`;

function splitWords(s) {
	// Shell-like word splitting: whitespace, '...', "..." and backslash.
	const words = [];
	let cur = null;
	let i = 0;
	while (i < s.length) {
		const c = s[i];
		if (/\s/.test(c)) {
			if (cur !== null)
				words.push(cur);
			cur = null;
			i++;
		} else if (c === "'") {
			const j = s.indexOf("'", i + 1);
			if (j < 0)
				die(`--append-args: unterminated quote in '${s}'`);
			cur = (cur ?? "") + s.slice(i + 1, j);
			i = j + 1;
		} else if (c === '"') {
			let j = i + 1;
			let w = "";
			while (j < s.length && s[j] !== '"') {
				if (s[j] === "\\" && j + 1 < s.length)
					j++;
				w += s[j++];
			}
			if (j >= s.length)
				die(`--append-args: unterminated quote in '${s}'`);
			cur = (cur ?? "") + w;
			i = j + 1;
		} else if (c === "\\" && i + 1 < s.length) {
			cur = (cur ?? "") + s[i + 1];
			i += 2;
		} else {
			cur = (cur ?? "") + c;
			i++;
		}
	}
	if (cur !== null)
		words.push(cur);
	return words;
}

function shellQuote(w) {
	if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(w))
		return w;
	return `'${w.replace(/'/g, "'\\''")}'`;
}

function parseArgs(argv) {
	const o = { with: [], env: [], workspace: process.cwd(),
		eventName: "push", repository: "example/repo",
		sha: "0".repeat(40), token: "", ref: "refs/heads/main", verbose: false,
		keepTemp: false, appendArgs: null };
	const pair = (opt, v) => {
		const eq = v.indexOf("=");
		if (eq <= 0)
			die(`${opt}: expected NAME=VALUE, got '${v}'`);
		return [v.slice(0, eq), v.slice(eq + 1)];
	};
	let dir = null;
	for (let i = 0; i < argv.length; i++) {
		let a = argv[i];
		let val = null;
		const m = /^(--[a-z-]+)=([\s\S]*)$/.exec(a);
		if (m) {
			a = m[1];
			val = m[2];
		}
		const arg = () => {
			if (val !== null)
				return val;
			if (i + 1 >= argv.length)
				die(`option '${a}' needs a value`);
			return argv[++i];
		};
		switch (a) {
		case "-h":
		case "--help":
			process.stdout.write(USAGE + "\n");
			process.exit(0);
			break;
		case "-v":
		case "--verbose": o.verbose = true; break;
		case "--keep-temp": o.keepTemp = true; break;
		case "--with": o.with.push(pair(a, arg())); break;
		case "--env": o.env.push(pair(a, arg())); break;
		case "--workspace": o.workspace = path.resolve(arg()); break;
		case "--event": o.event = path.resolve(arg()); break;
		case "--event-name": o.eventName = arg(); break;
		case "--repository": o.repository = arg(); break;
		case "--sha": o.sha = arg(); break;
		case "--token": o.token = arg(); break;
		case "--ref": o.ref = arg(); break;
		case "--outputs": o.outputs = path.resolve(arg()); break;
		case "--summary": o.summary = path.resolve(arg()); break;
		case "--append-args": o.appendArgs = splitWords(arg()); break;
		default:
			if (a.startsWith("-") && a !== "-")
				die(`unknown option '${a}'; see --help`);
			if (dir !== null)
				die(`one ACTION_DIR only, got '${dir}' and '${a}'`);
			dir = a;
		}
	}
	if (dir === null)
		die("missing ACTION_DIR; see --help");
	o.dir = path.resolve(dir);
	return o;
}

// ---------------------------------------------------------------------------
// Running
// ---------------------------------------------------------------------------

function readAction(dir, YAML) {
	let file = null;
	for (const n of ["action.yml", "action.yaml"]) {
		if (fs.existsSync(path.join(dir, n))) {
			file = path.join(dir, n);
			break;
		}
	}
	if (!file)
		die(`no action.yml or action.yaml in '${dir}'`);
	let doc;
	try {
		doc = YAML.parse(fs.readFileSync(file, "utf8"));
	} catch (e) {
		die(`cannot parse '${file}': ${e.message.split("\n")[0]}`);
	}
	if (!doc || typeof doc !== "object")
		die(`'${file}': not a mapping`);
	const runs = doc.runs;
	if (!runs || runs.using !== "composite")
		die(`'${file}': runs.using is '${runs && runs.using}'; only composite actions can be run here`);
	if (!Array.isArray(runs.steps) || runs.steps.length === 0)
		die(`'${file}': runs.steps must be a non-empty list`);
	// What the runner rejects when it loads the manifest, before any
	// step runs.
	runs.steps.forEach((s, i) => {
		const where = `'${file}': step ${i + 1}`;
		if (!s || typeof s !== "object" || Array.isArray(s))
			die(`${where}: not a mapping`);
		if (s.uses !== undefined)
			die(`${where}: 'uses:' steps are outside what this harness runs; use run steps`);
		if (s.run === undefined)
			die(`${where}: needs 'run:'`);
		if (s.shell === undefined || String(s.shell).trim() === "")
			die(`${where}: a run step in a composite action needs 'shell:'`);
	});
	const ids = runs.steps.filter((s) => s.id !== undefined)
		.map((s) => String(s.id));
	const dup = ids.find((x, i) => ids.indexOf(x) !== i);
	if (dup !== undefined)
		die(`'${file}': step id '${dup}' is used twice`);
	return { file, doc };
}

function shellCommand(shell, script) {
	const s = shell === undefined ? null : String(shell).trim();
	switch (s) {
	case "bash":
		return ["bash", ["--noprofile", "--norc", "-eo", "pipefail",
			script], ".sh"];
	case "sh":
		return ["sh", ["-e", script], ".sh"];
	case "python":
		return ["python3", [script], ".py"];
	case null:
	case "":
		die("a run step in a composite action needs 'shell:'");
		break;
	default: {
		if (!s.includes("{0}"))
			die(`shell '${s}': a custom shell must contain {0}`);
		const words = splitWords(s).map((w) =>
			w.replace("{0}", script));
		return [words[0], words.slice(1), ""];
	}
	}
	return null;
}

function runnerArch() {
	return { x64: "X64", arm64: "ARM64", arm: "ARM", ia32: "X86" }[
		process.arch] || process.arch.toUpperCase();
}

function baseEnvironment() {
	// The harness's own environment minus anything a real runner would set
	// itself, so a run inside CI does not leak the outer job's values.
	const env = {};
	for (const [k, v] of Object.entries(process.env)) {
		if (/^(GITHUB_|RUNNER_|INPUT_|ACTIONS_)/.test(k) || k === "CI")
			continue;
		env[k] = v;
	}
	return env;
}

function warn(msg) {
	process.stderr.write(`Warning: ${msg}\n`);
}

function note(o, msg) {
	if (o.verbose)
		process.stderr.write(`${ME}: ${msg}\n`);
}

function buildInputs(doc, given, ctx, o) {
	const declared = doc.inputs && typeof doc.inputs === "object" ?
		doc.inputs : {};
	const inputs = {};
	const givenLower = new Set();
	for (const [k, v] of given) {
		// A repeated --with replaces the earlier value, as a YAML
		// mapping cannot hold a key twice.
		const prev = Object.keys(inputs).find((x) =>
			x.toLowerCase() === k.toLowerCase());
		if (prev !== undefined)
			delete inputs[prev];
		inputs[k] = v;
		givenLower.add(k.toLowerCase());
	}
	const valid = Object.keys(declared);
	const validLower = new Set(valid.map((k) => k.toLowerCase()));
	for (const k of Object.keys(inputs)) {
		const spec = declared[valid.find((x) =>
			x.toLowerCase() === k.toLowerCase())];
		if (spec && spec.deprecationMessage)
			warn(`Input '${k}' has been deprecated with message: ${spec.deprecationMessage}`);
	}
	for (const k of valid) {
		if (givenLower.has(k.toLowerCase()))
			continue;
		const spec = declared[k] || {};
		if (spec.required === true &&
		    (spec.default === undefined || spec.default === null))
			note(o, `required input '${k}' not given; the runner does not enforce 'required', so it is ""`);
		const d = spec.default;
		inputs[k] = d === undefined || d === null ? "" :
			evalTemplateString(typeof d === "string" ? d : toStr(d),
				ctx, { failed: false });
	}
	const unexpected = Object.keys(inputs).filter((k) =>
		!validLower.has(k.toLowerCase()));
	if (unexpected.length)
		warn(`Unexpected input(s) '${unexpected.join("', '")}', valid inputs are ['${valid.join("', '")}']`);
	return inputs;
}

function stepEnvValues(step, ctx, st) {
	const out = {};
	if (step.env === undefined || step.env === null)
		return out;
	const env = typeof step.env === "string" ?
		evalTemplate(step.env, ctx, st) : step.env;
	if (kind(env) !== "object")
		die(`step '${step.id || step.name}': env must be a mapping`);
	for (const [k, v] of Object.entries(env))
		out[k] = evalTemplateString(typeof v === "string" ? v :
			toStr(v), ctx, st);
	return out;
}

function readFileOr(file, fallback) {
	try {
		return fs.readFileSync(file, "utf8");
	} catch {
		return fallback;
	}
}

function runSteps(o, action, job) {
	const { doc } = action;
	const steps = doc.runs.steps;
	const st = { failed: false };
	let status = 0;
	let runIndex = -1;
	steps.forEach((s, i) => {
		if (s && s.run !== undefined && (runIndex < 0 || s.id === "run"
		    || steps[runIndex].id !== "run"))
			runIndex = i;
	});
	if (o.appendArgs && o.appendArgs.length && runIndex < 0)
		die("--append-args: the action has no run step");

	for (let i = 0; i < steps.length; i++) {
		const step = steps[i];
		if (!step || typeof step !== "object")
			die(`step ${i + 1}: not a mapping`);
		const id = step.id !== undefined ? String(step.id) : `__${i + 1}`;
		const label = step.name || step.id || `step ${i + 1}`;
		const ctx = job.contexts();
		let run;
		try {
			run = evalCondition(step.if, ctx, st);
		} catch (e) {
			if (!(e instanceof ExprError))
				throw e;
			process.stderr.write(`${ME}: step '${label}': if: ${e.message}\n`);
			run = false;
			st.failed = true;
			status = status || 1;
			job.steps[id] = { outputs: {}, outcome: "failure",
				conclusion: "failure" };
			continue;
		}
		if (!run) {
			note(o, `skip: ${label}`);
			job.steps[id] = { outputs: {}, outcome: "skipped",
				conclusion: "skipped" };
			continue;
		}
		let code;
		let outputs = {};
		try {
			code = runOneStep(o, job, step, i === runIndex, ctx, st,
				outputs, label);
		} catch (e) {
			if (!(e instanceof ExprError) &&
			    !(e instanceof HarnessError))
				throw e;
			process.stderr.write(`${ME}: step '${label}': ${e.message}\n`);
			code = 1;
			outputs = {};
		}
		const coe = step["continue-on-error"] !== undefined &&
			truthy(evalTemplate(String(step["continue-on-error"]),
				job.contexts(), st));
		const outcome = code === 0 ? "success" : "failure";
		job.steps[id] = { outputs, outcome,
			conclusion: code !== 0 && coe ? "success" : outcome };
		if (code !== 0 && !coe) {
			st.failed = true;
			if (status === 0)
				status = code;
		}
	}
	return { status, st };
}

function runOneStep(o, job, step, isRunStep, ctx, st, outputs, label) {
	let script = evalTemplateString(String(step.run), ctx, st);
	if (isRunStep && o.appendArgs && o.appendArgs.length) {
		script = script.replace(/\s+$/, "") + " " +
			o.appendArgs.map(shellQuote).join(" ") + "\n";
	}
	const stepEnv = stepEnvValues(step, ctx, st);
	const shell = step.shell === undefined ? undefined :
		evalTemplateString(String(step.shell), ctx, st);
	const uuid = crypto.randomUUID();
	const [cmd, args0, ext] = shellCommand(shell, "{SCRIPT}");
	const scriptFile = path.join(job.temp, uuid + ext);
	fs.writeFileSync(scriptFile, script);
	const args = args0.map((a) => a.replace("{SCRIPT}", scriptFile));

	const cmdDir = path.join(job.temp, "_runner_file_commands");
	fs.mkdirSync(cmdDir, { recursive: true });
	const files = {};
	for (const n of ["output", "env", "path", "state", "step_summary"]) {
		files[n] = path.join(cmdDir, `${n}_${uuid}`);
		fs.writeFileSync(files[n], "");
	}
	const env = {
		...baseEnvironment(),
		...job.runtimeEnv(),
		...job.env,
		...stepEnv,
		GITHUB_OUTPUT: files.output,
		GITHUB_ENV: files.env,
		GITHUB_PATH: files.path,
		GITHUB_STATE: files.state,
		GITHUB_STEP_SUMMARY: files.step_summary,
	};
	if (job.path.length)
		env.PATH = [...job.path, env.PATH || ""].join(path.delimiter);
	let cwd = o.workspace;
	if (step["working-directory"] !== undefined) {
		cwd = path.resolve(o.workspace, evalTemplateString(
			String(step["working-directory"]), ctx, st));
	}
	note(o, `run: ${label}`);
	const r = spawnSync(cmd, args, { cwd, env, stdio: "inherit" });
	let code;
	if (r.error) {
		process.stderr.write(`${ME}: step '${label}': cannot run '${cmd}': ${r.error.message}\n`);
		code = 127;
	} else if (r.signal) {
		code = 128 + (os.constants.signals[r.signal] || 0);
	} else {
		code = r.status;
	}

	// File commands are processed whether the step passed or not, as the
	// runner does (ActionRunner: finally { ProcessFiles }).
	const summary = readFileOr(files.step_summary, "");
	if (Buffer.byteLength(summary) > STEP_SUMMARY_MAX) {
		warn(`$GITHUB_STEP_SUMMARY upload aborted, supports content up to a size of ${STEP_SUMMARY_MAX / 1024}k, got ${Math.ceil(Buffer.byteLength(summary) / 1024)}k.`);
	} else if (summary.length) {
		job.summary.push(summary);
	}
	for (const [k, v] of parseFileCommand(readFileOr(files.output, ""),
		"GITHUB_OUTPUT"))
		outputs[k] = v;
	for (const [k, v] of parseFileCommand(readFileOr(files.env, ""),
		"GITHUB_ENV"))
		job.env[k] = v;
	for (const [k, v] of parseFileCommand(readFileOr(files.state, ""),
		"GITHUB_STATE"))
		job.state[k] = v;
	for (const line of readFileOr(files.path, "").split("\n")) {
		const p = line.replace(/\r$/, "").trim();
		if (p !== "")
			job.path.unshift(p);
	}
	return code;
}

function main() {
	const o = parseArgs(process.argv.slice(2));
	const YAML = loadYaml();
	const action = readAction(o.dir, YAML);
	if (!fs.existsSync(o.workspace) ||
	    !fs.statSync(o.workspace).isDirectory())
		die(`workspace '${o.workspace}' is not a directory`);
	let event = {};
	if (o.event) {
		try {
			event = JSON.parse(fs.readFileSync(o.event, "utf8"));
		} catch (e) {
			die(`cannot read event '${o.event}': ${e.message}`);
		}
	}
	const temp = fs.mkdtempSync(path.join(os.tmpdir(), "run-action-"));
	const eventPath = o.event || path.join(temp, "event.json");
	if (!o.event)
		fs.writeFileSync(eventPath, "{}\n");
	const [owner] = o.repository.split("/");
	const github = {
		action: "__run",
		action_path: o.dir,
		actor: "run-action",
		api_url: "https://api.github.com",
		event,
		event_name: o.eventName,
		event_path: eventPath,
		graphql_url: "https://api.github.com/graphql",
		job: "run-action",
		ref: o.ref,
		ref_name: o.ref.replace(/^refs\/(heads|tags)\//, ""),
		repository: o.repository,
		repository_owner: owner,
		run_attempt: "1",
		run_id: "1",
		run_number: "1",
		server_url: "https://github.com",
		sha: o.sha,
		token: o.token,
		workflow: "run-action",
		workspace: o.workspace,
	};
	const runner = {
		arch: runnerArch(),
		name: "run-action",
		os: process.platform === "linux" ? "Linux" :
			process.platform === "darwin" ? "macOS" : "Windows",
		temp,
		tool_cache: path.join(temp, "_tool"),
	};
	const job = {
		temp,
		env: Object.fromEntries(o.env),
		path: [],
		state: {},
		steps: {},
		summary: [],
		inputs: {},
		contexts() {
			return { github, runner, env: { ...this.env },
				inputs: this.inputs, steps: this.steps,
				job: { status: "success" }, matrix: {},
				strategy: {} };
		},
		runtimeEnv() {
			const up = (s) => s.toUpperCase();
			const e = {
				CI: "true",
				GITHUB_ACTIONS: "true",
				GITHUB_ACTION_PATH: o.dir,
				RUNNER_OS: runner.os,
				RUNNER_ARCH: runner.arch,
				RUNNER_NAME: runner.name,
				RUNNER_TEMP: runner.temp,
				RUNNER_TOOL_CACHE: runner.tool_cache,
			};
			for (const k of ["action", "actor", "api_url",
				"event_name", "event_path", "graphql_url", "job",
				"ref", "ref_name", "repository",
				"repository_owner", "run_attempt", "run_id",
				"run_number", "server_url", "sha", "workflow",
				"workspace"])
				e[`GITHUB_${up(k)}`] = github[k];
			return e;
		},
	};
	let result;
	try {
		job.inputs = buildInputs(action.doc, o.with, job.contexts(), o);
		result = runSteps(o, action, job);
		const outs = {};
		const decl = action.doc.outputs;
		if (decl && typeof decl === "object") {
			const ctx = job.contexts();
			for (const [k, spec] of Object.entries(decl)) {
				const v = spec && typeof spec === "object" ?
					spec.value : undefined;
				if (v === undefined)
					die(`output '${k}': a composite action output needs 'value:'`);
				outs[k] = evalTemplateString(String(v), ctx,
					result.st);
			}
		}
		if (o.outputs)
			fs.writeFileSync(o.outputs, JSON.stringify(outs, null, 2) +
				"\n");
		if (o.summary)
			fs.writeFileSync(o.summary, job.summary.join(""));
	} finally {
		if (o.keepTemp)
			process.stderr.write(`${ME}: RUNNER_TEMP kept in ${temp}\n`);
		else
			fs.rmSync(temp, { recursive: true, force: true });
	}
	return result.status;
}

if (process.argv[1] && path.resolve(process.argv[1]) ===
    fileURLToPath(import.meta.url)) {
	let code;
	try {
		code = main();
	} catch (e) {
		if (e instanceof HarnessError || e instanceof ExprError) {
			process.stderr.write(`${ME}: ${e.message}\n`);
			code = HARNESS_FAIL;
		} else {
			throw e;
		}
	}
	process.exitCode = code;
}
