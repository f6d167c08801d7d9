#!/usr/bin/env node
// github.mjs: a fake of the GitHub REST API for the tests, held to GitHub's
// own contract. Node only; the one package it reads is @octokit/openapi
// (GitHub's OpenAPI description) from tests/node_modules.
//
//   node tests/fakes/github.mjs [--port N] [--state FILE] [--dump FILE]
//                               [--die-with-stdin] [--extra-route 'M /path']
//   node tests/fakes/github.mjs --check-routes [--extra-route 'M /path']
//                               [--omit-field NAME]
//
// Serving: listens on 127.0.0.1 (port 0: the kernel picks) and prints
// "listening PORT" on stdout once ready. It exits on SIGTERM or SIGINT,
// and with --die-with-stdin also when its standard input closes (so a test
// that dies cannot leave it behind). One line per request goes to stderr.
//
// Routes (the table ROUTES below; add a route there, with samples):
//   GET   /repos/{owner}/{repo}/issues/{issue_number}/comments  paged
//   POST  /repos/{owner}/{repo}/issues/{issue_number}/comments
//   PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}
//   GET   /repos/{owner}/{repo}/pulls/{pull_number}
//
// State (JSON, all keys optional), seeded from --state FILE:
//   {
//     "tokens": {"TOKEN": {"login": "github-actions[bot]",
//                          "permission": "write" | "read-only"}},
//     "issues": [{"repo": "o/r", "number": 5, "pull_request": true,
//                 "title": "...", "user": "octocat", "state": "open",
//                 "head_ref": "feature", "head_sha": "...",
//                 "head_repo": "fork-owner/r", "base_ref": "main",
//                 "base_sha": "..."}],
//     "comments": [{"id": 1, "repo": "o/r", "issue_number": 5,
//                   "body": "...", "user": "someone",
//                   "created_at": "...", "updated_at": "..."}],
//     "faults": [{"route": "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
//                 "status": 502, "times": 1, "message": "..."}],
//     "link_base": "http://host:port",   (Link header origin; default: the
//                                         request's Host)
//     "web_url": "https://github.com"    (html_url origin)
//   }
// Without "tokens", two are known: "fake-write-token" (write) and
// "fake-read-token" (read-only). Comments may omit id and times, and
// their issue need not be listed (it is then a plain issue). Any
// permission but "read-only" may write.
//
// Behaviour, as GitHub's: Authorization "Bearer T" or "token T"; a missing
// or unknown token is 401 "Bad credentials"; a write with a read-only token
// is 403 "Resource not accessible by integration" (what a pull request from
// a fork gets); an unknown repository, issue or comment is 404 "Not Found";
// a comment body over 65536 characters is 422 "Validation Failed". Lists
// take per_page (1..100, default 30) and page, and send a Link header with
// absolute URLs (rel first, prev, next, last). A fault answers its status
// the given number of times (default: always) before the route runs.
//
// Dump: after every request the state is written (atomically) to --dump
// FILE: {"issues", "comments", "next_comment_id", "requests"}, where each
// request is {"method", "path", "query", "status", "login", "accept",
// "api_version", "user_agent", "content_type"}. Tokens are never written.
//
// The contract: at startup every route of the table must exist in GitHub's
// OpenAPI description with the same method and path template, or the fake
// refuses to start (exit 1). Every answer whose status the description
// lists for the operation is checked against the response schema: every
// required property present (recursively, $ref, allOf/anyOf/oneOf and
// nullable resolved), types and enums right; an answer that breaks it
// becomes a 500 naming the property, so no test can pass on a wrong shape.
// --check-routes does the route check, then runs every route's samples over
// HTTP against a fresh fake and checks each answer's status and schema;
// it prints TAP and exits 0 when all pass, 1 otherwise. --extra-route
// (a route answering 200 {}) and --omit-field (drops a property from every
// answer) exist to show that each check can fail.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const MAX_BODY_CHARS = 65536; // GitHub's limit for a comment body
const MAX_REQUEST_BYTES = 4 << 20;
const DOCS = 'https://docs.github.com/rest';
const BOT = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' };
const DEFAULT_TOKENS = {
	'fake-write-token': { login: BOT.login, permission: 'write' },
	'fake-read-token': { login: BOT.login, permission: 'read-only' },
};

// ---- GitHub's OpenAPI description -----------------------------------------

let spec = null;
let specName = '';

// Loads api.github.com.json once (13 MB; the .deref variant is 70 MB).
function loadSpec() {
	if (spec) return spec;
	const req = createRequire(import.meta.url);
	let dir;
	try {
		dir = path.dirname(req.resolve('@octokit/openapi/package.json'));
	} catch {
		throw new Error('cannot find @octokit/openapi; run: npm ci --prefix tests');
	}
	const file = path.join(dir, 'generated', 'api.github.com.json');
	spec = JSON.parse(fs.readFileSync(file, 'utf8'));
	const version = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
	specName = `@octokit/openapi ${version} api.github.com.json`;
	return spec;
}

function deref(x) {
	let guard = 0;
	while (x && x.$ref) {
		const parts = x.$ref.replace(/^#\//, '').split('/');
		x = parts.reduce((o, k) => (o ? o[k] : undefined), spec);
		if (++guard > 64) throw new Error('$ref loop');
	}
	return x;
}

function operation(method, template) {
	const p = spec.paths[template];
	return p ? p[method.toLowerCase()] || null : null;
}

// The JSON schema of the answer with status to method template, or null
// when the description does not list that status (or gives no JSON body).
function responseSchema(method, template, status) {
	const op = operation(method, template);
	if (!op) return null;
	const r = deref(op.responses[String(status)]);
	const c = r && r.content && r.content['application/json'];
	return c && c.schema ? c.schema : null;
}

function typeOk(v, type) {
	switch (type) {
	case 'string': return typeof v === 'string';
	case 'integer': return Number.isInteger(v);
	case 'number': return typeof v === 'number';
	case 'boolean': return typeof v === 'boolean';
	case 'array': return Array.isArray(v);
	case 'object': return v !== null && typeof v === 'object' && !Array.isArray(v);
	default: return true;
	}
}

// Checks v against an OpenAPI 3.0 schema; pushes "where: what" lines to
// errs. Only what a client relies on: required properties, types, enums.
function validate(v, schema, where, errs, depth = 0) {
	const s = deref(schema);
	if (!s || depth > 64) return;
	if (v === null) {
		if (!s.nullable && s.type) errs.push(`${where}: null but not nullable`);
		return;
	}
	if (s.allOf) for (const sub of s.allOf) validate(v, sub, where, errs, depth + 1);
	for (const key of ['anyOf', 'oneOf']) {
		if (!s[key]) continue;
		const fits = s[key].some((sub) => {
			const e = [];
			validate(v, sub, where, e, depth + 1);
			return e.length === 0;
		});
		if (!fits) errs.push(`${where}: matches none of ${key}`);
	}
	if (s.type && !typeOk(v, s.type)) {
		errs.push(`${where}: want ${s.type}, got ${Array.isArray(v) ? 'array' : typeof v}`);
		return;
	}
	if (s.enum && !s.enum.includes(v)) errs.push(`${where}: ${JSON.stringify(v)} not in enum`);
	if (Array.isArray(v) && s.items)
		v.forEach((item, i) => validate(item, s.items, `${where}[${i}]`, errs, depth + 1));
	if (typeOk(v, 'object')) {
		for (const k of s.required || [])
			if (!(k in v)) errs.push(`${where}: missing required property '${k}'`);
		for (const [k, sub] of Object.entries(s.properties || {}))
			if (k in v) validate(v[k], sub, `${where}.${k}`, errs, depth + 1);
	}
}

// ---- state -----------------------------------------------------------------

function isoNow() {
	return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

function newState(seed) {
	const st = {
		tokens: seed.tokens || DEFAULT_TOKENS,
		issues: (seed.issues || []).map((i) => ({ ...i })),
		comments: [],
		faults: (seed.faults || []).map((f) => ({ ...f })),
		link_base: seed.link_base || null,
		web_url: seed.web_url || 'https://github.com',
		next_comment_id: seed.next_comment_id || 1000001,
		requests: [],
	};
	for (const c of seed.comments || []) {
		const id = c.id || st.next_comment_id++;
		if (id >= st.next_comment_id) st.next_comment_id = id + 1;
		const t = c.created_at || '2024-01-01T00:00:00Z';
		st.comments.push({
			id,
			repo: c.repo,
			issue_number: c.issue_number,
			body: c.body || '',
			user: c.user || 'octocat',
			created_at: t,
			updated_at: c.updated_at || t,
		});
	}
	// A comment's issue exists even when the seed did not list it.
	for (const c of st.comments)
		if (!findIssue(st, c.repo, c.issue_number))
			st.issues.push({ repo: c.repo, number: c.issue_number });
	return st;
}

function findIssue(st, repo, number) {
	return st.issues.find((i) => i.repo === repo && Number(i.number) === number);
}

function repoKnown(st, repo) {
	return st.issues.some((i) => i.repo === repo);
}

function dumpState(st, file) {
	if (!file) return;
	const out = {
		issues: st.issues,
		comments: st.comments,
		next_comment_id: st.next_comment_id,
		requests: st.requests,
	};
	const tmp = `${file}.tmp-${process.pid}`;
	fs.writeFileSync(tmp, JSON.stringify(out, null, 2) + '\n');
	fs.renameSync(tmp, file);
}

// ---- GitHub-shaped objects -------------------------------------------------

function nodeId(prefix, id) {
	return `${prefix}_kwDO${Buffer.from(String(id)).toString('base64url')}`;
}

function userId(login) {
	if (login === BOT.login) return BOT.id;
	let h = 7;
	for (const ch of login) h = (h * 31 + ch.charCodeAt(0)) % 100000000;
	return h + 1000;
}

function simpleUser(ctx, login) {
	const api = ctx.api;
	const id = userId(login);
	const u = `${api}/users/${encodeURIComponent(login)}`;
	return {
		login,
		id,
		node_id: nodeId(login === BOT.login ? 'BOT' : 'U', id),
		avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
		gravatar_id: '',
		url: u,
		html_url: `${ctx.web}/${login.replace('[bot]', '')}`,
		followers_url: `${u}/followers`,
		following_url: `${u}/following{/other_user}`,
		gists_url: `${u}/gists{/gist_id}`,
		starred_url: `${u}/starred{/owner}{/repo}`,
		subscriptions_url: `${u}/subscriptions`,
		organizations_url: `${u}/orgs`,
		repos_url: `${u}/repos`,
		events_url: `${u}/events{/privacy}`,
		received_events_url: `${u}/received_events`,
		type: login === BOT.login || login.endsWith('[bot]') ? 'Bot' : 'User',
		user_view_type: 'public',
		site_admin: false,
	};
}

function reactions(url) {
	return {
		url: `${url}/reactions`, total_count: 0, '+1': 0, '-1': 0, laugh: 0,
		hooray: 0, confused: 0, heart: 0, rocket: 0, eyes: 0,
	};
}

function issueKind(st, repo, number) {
	const i = findIssue(st, repo, number);
	return i && i.pull_request ? 'pull' : 'issues';
}

function commentJson(ctx, c) {
	const url = `${ctx.api}/repos/${c.repo}/issues/comments/${c.id}`;
	return {
		id: c.id,
		node_id: nodeId('IC', c.id),
		url,
		html_url: `${ctx.web}/${c.repo}/${issueKind(ctx.st, c.repo, c.issue_number)}/${c.issue_number}#issuecomment-${c.id}`,
		body: c.body,
		user: simpleUser(ctx, c.user),
		created_at: c.created_at,
		updated_at: c.updated_at,
		issue_url: `${ctx.api}/repos/${c.repo}/issues/${c.issue_number}`,
		author_association: c.user === BOT.login ? 'NONE' : 'CONTRIBUTOR',
		performed_via_github_app: null,
		reactions: reactions(url),
	};
}

function repoId(full) {
	let h = 11;
	for (const ch of full) h = (h * 131 + ch.charCodeAt(0)) % 1000000000;
	return h + 1;
}

// A repository object as pulls/{n} carries it in head.repo and base.repo.
function repoJson(ctx, full, fork) {
	const api = ctx.api;
	const [owner, name] = full.split('/');
	const u = `${api}/repos/${full}`;
	const id = repoId(full);
	const t = '2024-01-01T00:00:00Z';
	return {
		id, node_id: nodeId('R', id), name, full_name: full,
		owner: simpleUser(ctx, owner), private: false,
		html_url: `${ctx.web}/${full}`, description: null, fork, url: u,
		archive_url: `${u}/{archive_format}{/ref}`,
		assignees_url: `${u}/assignees{/user}`,
		blobs_url: `${u}/git/blobs{/sha}`,
		branches_url: `${u}/branches{/branch}`,
		collaborators_url: `${u}/collaborators{/collaborator}`,
		comments_url: `${u}/comments{/number}`,
		commits_url: `${u}/commits{/sha}`,
		compare_url: `${u}/compare/{base}...{head}`,
		contents_url: `${u}/contents/{+path}`,
		contributors_url: `${u}/contributors`,
		deployments_url: `${u}/deployments`,
		downloads_url: `${u}/downloads`,
		events_url: `${u}/events`,
		forks_url: `${u}/forks`,
		git_commits_url: `${u}/git/commits{/sha}`,
		git_refs_url: `${u}/git/refs{/sha}`,
		git_tags_url: `${u}/git/tags{/sha}`,
		git_url: `git://github.com/${full}.git`,
		issue_comment_url: `${u}/issues/comments{/number}`,
		issue_events_url: `${u}/issues/events{/number}`,
		issues_url: `${u}/issues{/number}`,
		keys_url: `${u}/keys{/key_id}`,
		labels_url: `${u}/labels{/name}`,
		languages_url: `${u}/languages`,
		merges_url: `${u}/merges`,
		milestones_url: `${u}/milestones{/number}`,
		notifications_url: `${u}/notifications{?since,all,participating}`,
		pulls_url: `${u}/pulls{/number}`,
		releases_url: `${u}/releases{/id}`,
		ssh_url: `git@github.com:${full}.git`,
		stargazers_url: `${u}/stargazers`,
		statuses_url: `${u}/statuses/{sha}`,
		subscribers_url: `${u}/subscribers`,
		subscription_url: `${u}/subscription`,
		tags_url: `${u}/tags`,
		teams_url: `${u}/teams`,
		trees_url: `${u}/git/trees{/sha}`,
		clone_url: `${ctx.web}/${full}.git`,
		mirror_url: null,
		hooks_url: `${u}/hooks`,
		svn_url: `${ctx.web}/${full}`,
		homepage: null, language: 'C', forks_count: 0, forks: 0,
		stargazers_count: 0, watchers_count: 0, watchers: 0, size: 1,
		default_branch: 'main', open_issues_count: 1, open_issues: 1,
		is_template: false, topics: [], has_issues: true,
		has_projects: true, has_wiki: true, has_pages: false,
		has_downloads: true, has_discussions: false, archived: false,
		disabled: false, visibility: 'public', pushed_at: t,
		created_at: t, updated_at: t, license: null,
		allow_forking: true, web_commit_signoff_required: false,
	};
}

function pullJson(ctx, i) {
	const full = i.repo;
	const u = `${ctx.api}/repos/${full}`;
	const web = `${ctx.web}/${full}/pull/${i.number}`;
	const author = i.user || 'octocat';
	const headRepo = i.head_repo || full;
	const headSha = i.head_sha || 'f'.repeat(40);
	const baseSha = i.base_sha || 'b'.repeat(40);
	const headRef = i.head_ref || 'feature';
	const baseRef = i.base_ref || 'main';
	const id = repoId(`${full}#${i.number}`);
	const t = i.created_at || '2024-01-01T00:00:00Z';
	const link = (href) => ({ href });
	return {
		url: `${u}/pulls/${i.number}`,
		id,
		node_id: nodeId('PR', id),
		html_url: web,
		diff_url: `${web}.diff`,
		patch_url: `${web}.patch`,
		issue_url: `${u}/issues/${i.number}`,
		commits_url: `${u}/pulls/${i.number}/commits`,
		review_comments_url: `${u}/pulls/${i.number}/comments`,
		review_comment_url: `${u}/pulls/comments{/number}`,
		comments_url: `${u}/issues/${i.number}/comments`,
		statuses_url: `${u}/statuses/${headSha}`,
		number: Number(i.number),
		state: i.state === 'closed' ? 'closed' : 'open',
		locked: false,
		title: i.title || `Pull request ${i.number}`,
		user: simpleUser(ctx, author),
		body: i.body ?? null,
		labels: [],
		milestone: null,
		active_lock_reason: null,
		created_at: t,
		updated_at: t,
		closed_at: null,
		merged_at: null,
		merge_commit_sha: null,
		assignee: null,
		assignees: [],
		requested_reviewers: [],
		requested_teams: [],
		head: {
			label: `${headRepo.split('/')[0]}:${headRef}`, ref: headRef, sha: headSha,
			user: simpleUser(ctx, headRepo.split('/')[0]),
			repo: repoJson(ctx, headRepo, headRepo !== full),
		},
		base: {
			label: `${full.split('/')[0]}:${baseRef}`, ref: baseRef, sha: baseSha,
			user: simpleUser(ctx, full.split('/')[0]),
			repo: repoJson(ctx, full, false),
		},
		_links: {
			self: link(`${u}/pulls/${i.number}`), html: link(web),
			issue: link(`${u}/issues/${i.number}`),
			comments: link(`${u}/issues/${i.number}/comments`),
			review_comments: link(`${u}/pulls/${i.number}/comments`),
			review_comment: link(`${u}/pulls/comments{/number}`),
			commits: link(`${u}/pulls/${i.number}/commits`),
			statuses: link(`${u}/statuses/${headSha}`),
		},
		author_association: 'CONTRIBUTOR',
		auto_merge: null,
		draft: false,
		merged: false,
		mergeable: true,
		rebaseable: true,
		mergeable_state: 'clean',
		merged_by: null,
		comments: ctx.st.comments.filter((c) => c.repo === full && c.issue_number === Number(i.number)).length,
		review_comments: 0,
		maintainer_can_modify: false,
		commits: 1,
		additions: 1,
		deletions: 0,
		changed_files: 1,
	};
}

// ---- answers ---------------------------------------------------------------

function error(status, message, ctx, extra = {}) {
	return {
		status,
		body: { message, ...extra, documentation_url: ctx.docs, status: String(status) },
	};
}

const notFound = (ctx) => error(404, 'Not Found', ctx);

function needIssue(ctx) {
	const p = ctx.params;
	const repo = `${p.owner}/${p.repo}`;
	const n = Number(p.issue_number);
	if (!Number.isSafeInteger(n) || n <= 0 || !findIssue(ctx.st, repo, n)) return null;
	return { repo, n };
}

// The body of a POST or PATCH of a comment, or an error answer.
function commentBody(ctx) {
	const b = ctx.json;
	if (!b || typeof b !== 'object' || Array.isArray(b))
		return { answer: error(400, 'Problems parsing JSON', ctx) };
	if (typeof b.body !== 'string')
		return { answer: error(422, 'Invalid request.\n\n"body" wasn\'t supplied.', ctx) };
	if ([...b.body].length > MAX_BODY_CHARS)
		return {
			answer: error(422, 'Validation Failed', ctx, {
				errors: [{
					resource: 'IssueComment', code: 'custom', field: 'body',
					message: `Body is too long (maximum is ${MAX_BODY_CHARS} characters)`,
				}],
			}),
		};
	return { body: b.body };
}

function listComments(ctx) {
	const it = needIssue(ctx);
	if (!it) return notFound(ctx);
	const q = ctx.query;
	let perPage = q.has('per_page') ? Number(q.get('per_page')) : 30;
	let page = q.has('page') ? Number(q.get('page')) : 1;
	if (!Number.isInteger(perPage) || perPage < 1) perPage = 30;
	if (perPage > 100) perPage = 100;
	if (!Number.isInteger(page) || page < 1) page = 1;
	const all = ctx.st.comments.filter((c) => c.repo === it.repo && c.issue_number === it.n);
	const last = Math.max(1, Math.ceil(all.length / perPage));
	const items = all.slice((page - 1) * perPage, page * perPage);
	const links = [];
	const at = (p) => {
		const u = new URL(ctx.path, ctx.linkBase);
		for (const [k, v] of q) if (k !== 'page') u.searchParams.append(k, v);
		u.searchParams.set('per_page', String(perPage));
		u.searchParams.set('page', String(p));
		return `<${u.href}>`;
	};
	if (page > 1) links.push(`${at(page - 1)}; rel="prev"`);
	if (page < last) links.push(`${at(page + 1)}; rel="next"`);
	if (page < last) links.push(`${at(last)}; rel="last"`);
	if (page > 1) links.push(`${at(1)}; rel="first"`);
	const headers = links.length ? { Link: links.join(', ') } : {};
	return { status: 200, headers, body: items.map((c) => commentJson(ctx, c)) };
}

function createComment(ctx) {
	const it = needIssue(ctx);
	if (!it) return notFound(ctx);
	const b = commentBody(ctx);
	if (b.answer) return b.answer;
	const t = isoNow();
	const c = {
		id: ctx.st.next_comment_id++, repo: it.repo, issue_number: it.n,
		body: b.body, user: ctx.login, created_at: t, updated_at: t,
	};
	ctx.st.comments.push(c);
	const json = commentJson(ctx, c);
	return { status: 201, headers: { Location: json.url }, body: json };
}

function updateComment(ctx) {
	const p = ctx.params;
	const repo = `${p.owner}/${p.repo}`;
	const id = Number(p.comment_id);
	const c = ctx.st.comments.find((x) => x.repo === repo && x.id === id);
	if (!c) return notFound(ctx);
	const b = commentBody(ctx);
	if (b.answer) return b.answer;
	c.body = b.body;
	c.updated_at = isoNow();
	return { status: 200, body: commentJson(ctx, c) };
}

function getPull(ctx) {
	const p = ctx.params;
	const repo = `${p.owner}/${p.repo}`;
	const n = Number(p.pull_number);
	const i = Number.isSafeInteger(n) ? findIssue(ctx.st, repo, n) : null;
	if (!i || !i.pull_request) return notFound(ctx);
	return { status: 200, body: pullJson(ctx, i) };
}

// ---- the route table ------------------------------------------------------
//
// method, path (OpenAPI template, exactly as GitHub's description spells
// it), write (a read-only token gets 403), handler(ctx) -> {status,
// headers, body}, and samples for --check-routes: requests against
// SAMPLE_STATE with the status each must get. Every route needs a 2xx
// sample, so that its success shape is checked.

const SAMPLE_STATE = {
	tokens: {
		'sample-write': { login: BOT.login, permission: 'write' },
		'sample-read': { login: BOT.login, permission: 'read-only' },
	},
	issues: [
		{ repo: 'octo/demo', number: 5, pull_request: true, title: 'Add a feature', head_repo: 'fork/demo' },
		{ repo: 'octo/demo', number: 6 },
	],
	comments: [
		{ id: 7, repo: 'octo/demo', issue_number: 5, body: 'first', user: 'octocat' },
		{ id: 8, repo: 'octo/demo', issue_number: 5, body: '<!-- m --> old', user: BOT.login },
	],
};
const LONG_BODY = 'x'.repeat(MAX_BODY_CHARS + 1);

export const ROUTES = [
	{
		method: 'GET',
		path: '/repos/{owner}/{repo}/issues/{issue_number}/comments',
		write: false,
		handler: listComments,
		samples: [
			{ path: '/repos/octo/demo/issues/5/comments?per_page=1', status: 200 },
			{ path: '/repos/octo/demo/issues/6/comments', status: 200 },
			{ path: '/repos/octo/demo/issues/99/comments', status: 404 },
			{ path: '/repos/octo/demo/issues/5/comments', status: 401, token: 'nope' },
		],
	},
	{
		method: 'POST',
		path: '/repos/{owner}/{repo}/issues/{issue_number}/comments',
		write: true,
		handler: createComment,
		samples: [
			{ path: '/repos/octo/demo/issues/5/comments', body: { body: 'hello' }, status: 201 },
			{ path: '/repos/octo/demo/issues/5/comments', body: { body: 'hi' }, token: 'sample-read', status: 403 },
			{ path: '/repos/octo/demo/issues/5/comments', body: { body: LONG_BODY }, status: 422 },
			{ path: '/repos/octo/demo/issues/99/comments', body: { body: 'x' }, status: 404 },
		],
	},
	{
		method: 'PATCH',
		path: '/repos/{owner}/{repo}/issues/comments/{comment_id}',
		write: true,
		handler: updateComment,
		samples: [
			{ path: '/repos/octo/demo/issues/comments/8', body: { body: '<!-- m --> new' }, status: 200 },
			{ path: '/repos/octo/demo/issues/comments/8', body: { body: LONG_BODY }, status: 422 },
			{ path: '/repos/octo/demo/issues/comments/8', body: { body: 'x' }, token: 'sample-read', status: 403 },
			{ path: '/repos/octo/demo/issues/comments/99', body: { body: 'x' }, status: 404 },
		],
	},
	{
		method: 'GET',
		path: '/repos/{owner}/{repo}/pulls/{pull_number}',
		write: false,
		handler: getPull,
		samples: [
			{ path: '/repos/octo/demo/pulls/5', status: 200 },
			{ path: '/repos/octo/demo/pulls/6', status: 404 },
		],
	},
];

function compile(route) {
	const names = [];
	const src = route.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_, n) => {
		names.push(n);
		return '([^/]+)';
	});
	return { ...route, re: new RegExp(`^${src}$`), names };
}

// An extra route (--extra-route) answers 200 {}; it exists to show that
// the contract check refuses what GitHub does not serve.
function extraRoute(text) {
	const m = /^([A-Z]+) (\/\S*)$/.exec(text);
	if (!m) throw new Error(`bad --extra-route '${text}': want 'METHOD /path/{param}'`);
	return { method: m[1], path: m[2], write: m[1] !== 'GET', handler: () => ({ status: 200, body: {} }), samples: [] };
}

// The route check: every route is an operation of GitHub's description.
export function checkRoutes(routes) {
	loadSpec();
	const problems = [];
	for (const r of routes) {
		if (!spec.paths[r.path]) problems.push(`${r.method} ${r.path}: no such path in ${specName}`);
		else if (!operation(r.method, r.path)) problems.push(`${r.method} ${r.path}: the path has no ${r.method} in ${specName}`);
	}
	return problems;
}

// ---- the server ------------------------------------------------------------

function matchRoute(routes, method, p) {
	for (const r of routes) {
		const m = r.re.exec(p);
		if (!m || r.method !== method) continue;
		const params = {};
		r.names.forEach((n, i) => {
			params[n] = decodeURIComponent(m[i + 1]);
		});
		return { route: r, params };
	}
	return {};
}

function tokenOf(req) {
	const h = req.headers.authorization || '';
	const m = /^(?:Bearer|token) +(\S+)$/i.exec(h.trim());
	return m ? m[1] : null;
}

function takeFault(st, route) {
	const key = `${route.method} ${route.path}`;
	const f = st.faults.find((x) => x.route === key && (x.times === undefined || x.times > 0));
	if (!f) return null;
	if (f.times !== undefined) f.times--;
	return f;
}

function answer(st, routes, req, raw, opts) {
	const url = new URL(req.url, 'http://fake.invalid');
	const host = req.headers.host || '127.0.0.1';
	const ctx = {
		st,
		path: url.pathname,
		query: url.searchParams,
		api: `http://${host}`,
		linkBase: st.link_base || `http://${host}`,
		web: st.web_url,
		docs: DOCS,
		login: null,
	};
	const found = matchRoute(routes, req.method, url.pathname);
	// GitHub answers 404 for an unknown path and for a method it lacks.
	if (!found.route) return { ...error(404, 'Not Found', ctx), route: null };
	const { route, params } = found;
	const op = opts.spec ? operation(route.method, route.path) : null;
	if (op && op.externalDocs) ctx.docs = op.externalDocs.url;
	ctx.params = params;
	const finish = (a) => ({ ...a, route });

	const token = tokenOf(req);
	const who = token !== null ? st.tokens[token] : undefined;
	if (!who) return finish(error(401, 'Bad credentials', { ...ctx, docs: DOCS }));
	ctx.login = who.login || BOT.login;

	const fault = takeFault(st, route);
	if (fault)
		return finish({
			status: fault.status || 500,
			body: { message: fault.message || 'Server Error', documentation_url: ctx.docs, status: String(fault.status || 500) },
		});

	if (route.write && !repoKnown(st, `${params.owner}/${params.repo}`)) return finish(notFound(ctx));
	if (route.write && who.permission === 'read-only')
		return finish(error(403, 'Resource not accessible by integration', ctx));
	if (raw.length) {
		try {
			ctx.json = JSON.parse(raw.toString('utf8'));
		} catch {
			return finish(error(400, 'Problems parsing JSON', ctx));
		}
	}
	return finish(route.handler(ctx));
}

// Holds an answer to GitHub's response schema for its status; a mismatch
// is the fake's own bug, answered as a 500 that names it.
function contract(a) {
	if (!spec || !a.route) return a;
	const schema = responseSchema(a.route.method, a.route.path, a.status);
	if (!schema) return a;
	const errs = [];
	validate(a.body, schema, 'response', errs);
	if (!errs.length) return a;
	return {
		status: 500,
		body: { message: `github fake broke the contract of ${a.route.method} ${a.route.path} ${a.status}: ${errs.slice(0, 5).join('; ')}` },
		route: a.route,
		violation: errs,
	};
}

// Drops property name from an answer (and from each item of a list): the
// sabotage of --omit-field, which shows the schema check catching it.
function omit(a, name) {
	if (!name || !a.body || typeof a.body !== 'object') return a;
	const items = Array.isArray(a.body) ? a.body : [a.body];
	for (const it of items) if (it && typeof it === 'object') delete it[name];
	return a;
}

export function startServer({ state, routes, port = 0, dump = null, quiet = false, useSpec = true, omitField = null }) {
	const compiled = routes.map(compile);
	const st = state;
	const server = http.createServer((req, res) => {
		const chunks = [];
		let size = 0;
		let over = false;
		req.on('data', (c) => {
			size += c.length;
			if (size > MAX_REQUEST_BYTES) over = true;
			else chunks.push(c);
		});
		req.on('end', () => {
			let a;
			if (over) a = { status: 413, body: { message: 'Payload too large' }, route: null };
			else a = contract(omit(answer(st, compiled, req, Buffer.concat(chunks), { spec: useSpec }), omitField));
			const url = new URL(req.url, 'http://fake.invalid');
			const tok = tokenOf(req);
			st.requests.push({
				method: req.method,
				path: url.pathname,
				query: url.search.replace(/^\?/, ''),
				status: a.status,
				login: tok !== null && st.tokens[tok] ? st.tokens[tok].login || BOT.login : null,
				accept: req.headers.accept || null,
				api_version: req.headers['x-github-api-version'] || null,
				user_agent: req.headers['user-agent'] || null,
				content_type: req.headers['content-type'] || null,
			});
			if (a.violation && !quiet) process.stderr.write(`${a.body.message}\n`);
			if (!quiet) process.stderr.write(`github fake: ${req.method} ${req.url} ${a.status}\n`);
			try {
				dumpState(st, dump);
			} catch (e) {
				process.stderr.write(`github fake: cannot write dump '${dump}': ${e.message}\n`);
			}
			const text = a.body === undefined ? '' : JSON.stringify(a.body);
			const remaining = String(5000 - st.requests.length > 0 ? 5000 - st.requests.length : 0);
			res.writeHead(a.status, {
				'Content-Type': 'application/json; charset=utf-8',
				'X-GitHub-Media-Type': 'github.v3; format=json',
				'X-RateLimit-Limit': '5000',
				'X-RateLimit-Remaining': remaining,
				'X-RateLimit-Resource': 'core',
				...(a.headers || {}),
			});
			res.end(text);
		});
	});
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', () => resolve(server));
	});
}

// ---- --check-routes --------------------------------------------------------

async function checkAll(routes, omitField) {
	let n = 0;
	let failed = 0;
	const t = (good, what, why = []) => {
		n++;
		if (!good) failed++;
		console.log(`${good ? '' : 'not '}ok ${n} - ${what}`);
		for (const w of why.slice(0, 10)) console.log(`#   ${w}`);
	};
	const problems = checkRoutes(routes);
	for (const r of routes) {
		const p = problems.filter((x) => x.startsWith(`${r.method} ${r.path}:`));
		t(p.length === 0, `${r.method} ${r.path} is in ${specName}`, p);
	}
	const st = newState(SAMPLE_STATE);
	const server = await startServer({ state: st, routes, quiet: true, useSpec: true, omitField });
	const base = `http://127.0.0.1:${server.address().port}`;
	try {
		for (const r of routes) {
			const ok2xx = r.samples.some((s) => s.status >= 200 && s.status < 300);
			t(ok2xx, `${r.method} ${r.path} has a successful sample`);
			for (const s of r.samples) {
				const headers = { Accept: 'application/vnd.github+json', Authorization: `Bearer ${s.token || 'sample-write'}` };
				if (s.body) headers['Content-Type'] = 'application/json';
				const res = await fetch(base + s.path, {
					method: r.method, headers, body: s.body ? JSON.stringify(s.body) : undefined,
				});
				const text = await res.text();
				let body;
				try {
					body = text ? JSON.parse(text) : undefined;
				} catch {
					body = undefined;
				}
				const what = `${r.method} ${s.path.length > 60 ? s.path.slice(0, 60) + '...' : s.path} -> ${s.status}`;
				const why = [];
				if (res.status !== s.status) why.push(`got status ${res.status}: ${text.slice(0, 300)}`);
				if (body === undefined) why.push('the answer is not JSON');
				const schema = responseSchema(r.method, r.path, s.status);
				if (schema && res.status === s.status) validate(body, schema, 'response', why);
				if (s.status === 200 && r.method === 'GET' && Array.isArray(body) && s.path.includes('per_page=1'))
					if (!/rel="next"/.test(res.headers.get('link') || '')) why.push('no Link rel="next" on a partial page');
				t(why.length === 0, `${what}${schema ? ' matches the schema' : ' (status not in the description)'}`, why);
			}
		}
	} finally {
		server.close();
	}
	// The validator itself is not a no-op: a comment without its id fails.
	const errs = [];
	validate({ body: 'x' }, responseSchema('POST', '/repos/{owner}/{repo}/issues/{issue_number}/comments', 201), 'response', errs);
	t(errs.some((e) => e.includes("'id'")), 'the schema check rejects a comment without id');
	console.log(`1..${n}`);
	return failed === 0;
}

// ---- main ------------------------------------------------------------------

async function main(argv) {
	let port = 0;
	let stateFile = null;
	let dump = null;
	let check = false;
	let dieWithStdin = false;
	let omitField = null;
	const extra = [];
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		const val = () => {
			if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
			return argv[++i];
		};
		if (a === '--port') port = Number(val());
		else if (a === '--state') stateFile = val();
		else if (a === '--dump') dump = val();
		else if (a === '--extra-route') extra.push(extraRoute(val()));
		else if (a === '--check-routes') check = true;
		else if (a === '--die-with-stdin') dieWithStdin = true;
		else if (a === '--omit-field') omitField = val();
		else throw new Error(`unknown argument '${a}'`);
	}
	if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port wants 0..65535');
	const routes = [...ROUTES, ...extra];
	if (check) return (await checkAll(routes, omitField)) ? 0 : 1;

	const problems = checkRoutes(routes);
	if (problems.length) {
		for (const p of problems) process.stderr.write(`github fake: ${p}\n`);
		process.stderr.write('github fake: refusing to start: it must serve only what GitHub serves\n');
		return 1;
	}
	const seed = stateFile ? JSON.parse(fs.readFileSync(stateFile, 'utf8')) : {};
	const st = newState(seed);
	dumpState(st, dump);
	const server = await startServer({ state: st, routes, port, dump, omitField });
	const stop = () => {
		server.close();
		process.exit(0);
	};
	process.on('SIGTERM', stop);
	process.on('SIGINT', stop);
	if (dieWithStdin) {
		process.stdin.on('data', () => {});
		process.stdin.on('end', stop);
		process.stdin.on('error', stop);
	}
	process.stdout.write(`listening ${server.address().port}\n`);
	return null;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	main(process.argv.slice(2)).then(
		(code) => {
			if (code !== null) process.exitCode = code;
		},
		(e) => {
			process.stderr.write(`github fake: ${e.message}\n`);
			process.exitCode = 2;
		},
	);
}
