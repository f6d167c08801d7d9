#include "test.h"
#include "httpd.h"
#include "common/check.h"

#include <signal.h>
#include <stdarg.h>
#include <sys/stat.h>

/* snprintf that fails the test instead of cutting text silently. */
static int load(const char *text, const char *base, struct da_check_spec **spec,
		struct da_err *err)
{
	*spec = NULL;
	da_err_clear(err);
	return da_check_spec_load_mem("smoke.yml", text, strlen(text), base,
				      spec, err);
}

/* Loads text that must fail; checks the code and a part of the message. */
static void bad(const char *text, int want, const char *msg, const char *name)
{
	struct da_check_spec *spec = NULL;
	struct da_err err = DA_ERR_INIT;
	int r = load(text, NULL, &spec, &err);

	is_int(r, -want, name);
	has_str(err.msg, msg, name);
	ok(spec == NULL, "nothing returned on failure");
	da_check_spec_free(spec);
}

static void test_spec_full(void)
{
	static const char text[] =
	    "base-url: http://h:1/base/\n"			/* 1 */
	    "wait:\n"						/* 2 */
	    "  timeout: 2m\n"					/* 3 */
	    "  interval: 500ms\n"				/* 4 */
	    "  consecutive-successes: 3\n"			/* 5 */
	    "defaults:\n"					/* 6 */
	    "  timeout: 7s\n"					/* 7 */
	    "  headers: { X-Team: ops, Accept: text/plain }\n"	/* 8 */
	    "  samples: 2\n"					/* 9 */
	    "  follow-redirects: true\n"			/* 10 */
	    "checks:\n"						/* 11 */
	    "  - url: /health\n"				/* 12 */
	    "  - name: login\n"					/* 13 */
	    "    url: login?x=1\n"				/* 14 */
	    "    method: post\n"				/* 15 */
	    "    json: { user: me, n: [1, 2] }\n"		/* 16 */
	    "    capture: { token: \"[BODY].token\" }\n"	/* 17 */
	    "    ready: false\n"				/* 18 */
	    "  - name: orders\n"				/* 19 */
	    "    url: https://other.example/orders\n"		/* 20 */
	    "    headers:\n"					/* 21 */
	    "      Authorization: Bearer ${token}\n"		/* 22 */
	    "      accept: application/json\n"			/* 23 */
	    "    body: \"id=${token}\"\n"			/* 24 */
	    "    timeout: 1.5\n"				/* 25 */
	    "    follow-redirects: false\n"			/* 26 */
	    "    expect-status: 201\n"				/* 27 */
	    "    conditions:\n"					/* 28 */
	    "      - \"[BODY].status == UP\"\n"			/* 29 */
	    "    samples: 20\n"					/* 30 */
	    "    latency: [ \"p95 < 500ms\", \"max <= 2s\" ]\n" /* 31 */
	    "    tags: [ api, critical ]\n";			/* 32 */
	struct da_check_spec *spec = NULL;
	struct da_err err = DA_ERR_INIT;
	const struct da_check *c;
	int r;

	r = load(text, NULL, &spec, &err);
	is_int(r, 0, "full spec loads");
	if (r < 0) {
		diag("%s", err.msg);
		return;
	}
	is_str(spec->source, "smoke.yml", "source is the name");
	is_int(spec->n_checks, 3, "three checks");
	is_int(spec->wait_timeout_ms, 120000, "wait timeout");
	is_int(spec->interval_ms, 500, "wait interval");
	is_int(spec->consecutive, 3, "consecutive successes");
	is_int(spec->n_secrets, 0, "no secrets");

	c = &spec->checks[0];
	is_str(c->name, "GET /health", "default name: method and path");
	is_int(c->line, 12, "line of the first check");
	is_str(c->url, "http://h:1/base/health", "'/health' joins base path");
	is_str(c->method, "GET", "GET by default");
	is_int(c->timeout_ms, 7000, "defaults: timeout");
	is_int(c->samples, 2, "defaults: samples");
	is_int(c->follow_redirects, 1, "defaults: follow-redirects");
	is_int(c->ready, 1, "ready by default");
	is_int(c->n_headers, 2, "defaults: headers");
	is_str(c->headers[0], "X-Team: ops", "defaults: first header");
	is_int(c->n_conds, 1, "no conditions: one default");
	is_str(da_cond_text(c->conds[0]), "[STATUS] == pat(2?\?)",
	       "the default asks for a 2xx status");
	ok(c->body == NULL, "no body");

	c = &spec->checks[1];
	is_str(c->name, "login", "given name");
	is_str(c->url, "http://h:1/base/login?x=1", "'login?x=1' joins too");
	is_str(c->method, "POST", "method upper-cased");
	is_str(c->body, "{\"user\":\"me\",\"n\":[1,2]}", "json body");
	is_int(c->body_len, strlen(c->body), "body length");
	ok(c->body_json, "body marked as JSON");
	is_int(c->n_headers, 3, "Content-Type added to the defaults");
	is_str(c->headers[2], "Content-Type: application/json",
	       "json sets Content-Type");
	is_int(c->n_captures, 1, "one capture");
	is_str(c->captures[0].name, "token", "capture name");
	is_str(c->captures[0].from, "[BODY].token", "capture placeholder");
	is_int(c->ready, 0, "ready: false");

	c = &spec->checks[2];
	is_str(c->url, "https://other.example/orders", "absolute URL kept");
	is_int(c->n_headers, 3, "own headers merged with the defaults");
	is_str(c->headers[1], "accept: application/json",
	       "a header of the same name (any case) replaces the default");
	is_str(c->headers[2], "Authorization: Bearer ${token}",
	       "capture left in the header");
	is_str(c->body, "id=${token}", "text body, capture left");
	is_int(c->timeout_ms, 1500, "plain number timeout is seconds");
	is_int(c->follow_redirects, 0, "follow-redirects: false");
	is_int(c->n_conds, 2, "expect-status and one condition");
	is_str(da_cond_text(c->conds[0]), "[STATUS] == 201",
	       "expect-status becomes a condition");
	is_str(da_cond_text(c->conds[1]), "[BODY].status == UP",
	       "condition text");
	is_int(c->samples, 20, "samples");
	is_int(c->n_gates, 2, "two gates");
	is_int(c->gates[0].stat, DA_LATENCY_P95, "gate 1 stat");
	is_int(c->gates[0].limit_ms, 500, "gate 1 limit");
	is_int(c->gates[0].or_equal, 0, "gate 1 <");
	is_int(c->gates[1].stat, DA_LATENCY_MAX, "gate 2 stat");
	is_int(c->gates[1].limit_ms, 2000, "gate 2 limit");
	is_int(c->gates[1].or_equal, 1, "gate 2 <=");
	is_str(c->gates[1].text, "max <= 2s", "gate text kept");
	is_int(c->n_tags, 2, "two tags");
	is_str(c->tags[1], "critical", "tag text");
	is_int(c->line, 19, "line of the third check");
	da_check_spec_free(spec);
	da_check_spec_free(NULL);

	/* The command line's base-url wins over the file's. */
	r = load(text, "https://prod.example", &spec, &err);
	is_int(r, 0, "base-url override loads");
	if (r == 0)
		is_str(spec->checks[0].url, "https://prod.example/health",
		       "--base-url overrides the file");
	da_check_spec_free(spec);

	r = load("checks: [ { url: /x } ]\n", NULL, &spec, &err);
	is_int(r, -DA_EINVAL, "relative URL without base-url");
	has_str(err.msg,
		"smoke.yml:1: check 'GET /x': relative url '/x' "
		"needs a base-url",
		"message says what is missing");
	r = load("checks: [ { url: /x } ]\n", "http://a", &spec, &err);
	is_int(r, 0, "base-url from the caller alone");
	if (r == 0) {
		is_int(spec->wait_timeout_ms, -1, "wait timeout unset: -1");
		is_int(spec->consecutive, -1, "consecutive unset: -1");
		is_int(spec->checks[0].follow_redirects, -1,
		       "follow-redirects unset: the client's");
		is_int(spec->checks[0].timeout_ms, 0,
		       "timeout unset: the client's");
		is_str(spec->checks[0].url, "http://a/x", "joined");
	}
	da_check_spec_free(spec);
}

static void test_spec_json(void)
{
	static const char text[] = "{\n"
				   "  \"base-url\": \"http://127.0.0.1:9\",\n"
				   "  \"checks\": [\n"
				   "    {\"url\": \"/a\", \"samples\": 3},\n"
				   "    {\"url\": \"/b\", \"timout\": \"1s\"}\n"
				   "  ]\n"
				   "}\n";
	char dir[] = "/tmp/da-check-XXXXXX", path[128];
	struct da_check_spec *spec = NULL;
	struct da_err err = DA_ERR_INIT;
	FILE *f;
	int r;

	if (!mkdtemp(dir)) {
		ok(0, "temporary directory");
		return;
	}
	format(path, sizeof(path), "%s/smoke.json", dir);
	f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
		ok(0, "write the JSON spec");
		return;
	}
	r = da_check_spec_load(path, NULL, &spec, &err);
	is_int(r, -DA_EINVAL, "JSON spec: unknown key refused");
	has_str(err.msg, "smoke.json:5: unknown key 'timout' in check 'GET /b'",
		"JSON spec: file, line and check named");
	f = fopen(path, "w");
	if (!f || fputs("{\"checks\": [{\"url\": \"http://x/a\"}]}", f) < 0 ||
	    fclose(f) != 0) {
		ok(0, "write the JSON spec");
		return;
	}
	r = da_check_spec_load(path, NULL, &spec, &err);
	is_int(r, 0, "JSON spec loads from a file");
	if (r == 0)
		is_str(spec->source, path, "source is the path");
	da_check_spec_free(spec);
	unlink(path);
	format(path, sizeof(path), "%s/missing.yml", dir);
	r = da_check_spec_load(path, NULL, &spec, &err);
	is_int(r, -DA_ENOENT, "missing spec file");
	rmdir(dir);
}

static void test_spec_errors(void)
{
	bad("chekcs: []\n", DA_EINVAL, "smoke.yml:1: unknown key 'chekcs'",
	    "unknown top-level key, with line");
	bad("checks:\n  - name: health\n    url: http://x/\n    timout: 5s\n",
	    DA_EINVAL, "smoke.yml:4: unknown key 'timout' in check 'health'",
	    "unknown key in a check, with line");
	bad("wait:\n  timeout: 1s\n  intervall: 2s\nchecks: [{url: "
	    "http://x}]\n",
	    DA_EINVAL, "smoke.yml:3: unknown key 'intervall' in 'wait'",
	    "unknown key in wait");
	bad("defaults:\n  method: POST\nchecks: [{url: http://x}]\n", DA_EINVAL,
	    "smoke.yml:2: unknown key 'method' in 'defaults'",
	    "unknown key in defaults");
	bad("- url: http://x\n", DA_EINVAL,
	    "a spec is a mapping with 'checks', not array", "root a list");
	bad("base-url: http://x\n", DA_EINVAL,
	    "'checks' must be a non-empty list of checks and is missing",
	    "no checks key");
	bad("checks: []\n", DA_EINVAL,
	    "smoke.yml:1: 'checks' must be a "
	    "non-empty list",
	    "empty checks");
	bad("checks:\n  - 42\n", DA_EINVAL,
	    "smoke.yml:2: check 1 must be a mapping with a 'url', not integer",
	    "check not a mapping");
	bad("checks:\n  - name: a\n", DA_EINVAL, "check 'a': 'url' is missing",
	    "url missing");
	bad("checks:\n  - url: ftp://x/\n", DA_EINVAL,
	    "smoke.yml:2: check 'GET ftp://x/': 'url' must be http:// or "
	    "https://",
	    "other scheme");
	bad("checks:\n  - url: http://x\n    samples: many\n", DA_EINVAL,
	    "smoke.yml:3: check 'GET /': 'samples' must be an integer from 1 "
	    "to 100000",
	    "samples of the wrong type");
	bad("checks:\n  - url: http://x\n    samples: 0\n", DA_EINVAL,
	    "'samples' must be an integer from 1", "samples zero");
	bad("checks:\n  - url: http://x\n    timeout: soon\n", DA_EINVAL,
	    "smoke.yml:3: check 'GET /': 'timeout': ", "bad duration");
	bad("checks:\n  - url: http://x\n    timeout: [1]\n", DA_EINVAL,
	    "'timeout' must be a duration (500ms, 5s, 2m), not array",
	    "duration of the wrong type");
	bad("checks:\n  - url: http://x\n    ready: yes\n", DA_EINVAL,
	    "smoke.yml:3: check 'GET /': 'ready' must be true or false, not "
	    "string",
	    "yes is not a boolean");
	bad("checks:\n  - name: health\n    url: http://x\n    conditions:\n"
	    "      - \"[STATUS] == 200\"\n      - \"[STATUS] = 200\"\n",
	    DA_EINVAL,
	    "smoke.yml:6: check 'health': cannot parse condition '[STATUS] = "
	    "200'",
	    "bad condition: line of the entry");
	bad("checks:\n  - url: http://x\n    conditions: 5\n", DA_EINVAL,
	    "'conditions' must be a list of text, not integer",
	    "conditions of the wrong type");
	bad("checks:\n  - url: http://x\n    expect-status: 99\n", DA_EINVAL,
	    "'expect-status' must be an integer from 100 to 599",
	    "expect-status out of range");
	bad("checks:\n  - url: http://x\n    latency: [\"p97 < 5ms\"]\n",
	    DA_EINVAL,
	    "smoke.yml:3: check 'GET /': cannot parse latency "
	    "gate 'p97 < 5ms'",
	    "bad latency gate");
	bad("checks:\n  - url: http://x\n    body: a\n    json: {a: 1}\n",
	    DA_EINVAL, "smoke.yml:4: check 'GET /': give 'body' or 'json'",
	    "body and json");
	bad("checks:\n  - url: http://x\n    body: {a: 1}\n", DA_EINVAL,
	    "'body' must be text (use 'json' for JSON), not object",
	    "body not text");
	bad("checks:\n  - url: http://x\n    method: \"GET /\"\n", DA_EINVAL,
	    "smoke.yml:3: invalid method 'GET /'", "bad method");
	bad("checks:\n  - url: http://x\n    headers: {\"a b\": c}\n",
	    DA_EINVAL, "smoke.yml:3: check 'GET /': invalid header name 'a b'",
	    "bad header name");
	bad("checks:\n  - url: http://x\n    headers: [a]\n", DA_EINVAL,
	    "'headers' must be a mapping of names to values, not array",
	    "headers not a mapping");
	bad("checks:\n  - url: http://x\n    tags: [1]\n", DA_EINVAL,
	    "smoke.yml:3: check 'GET /': 'tags' entry 1 must be text",
	    "tag not text");
	bad("checks:\n  - {name: a, url: http://x}\n  - {name: a, url: "
	    "http://y}\n",
	    DA_EINVAL,
	    "smoke.yml:3: check name 'a' is used twice (also at "
	    "line 2)",
	    "duplicate names");
	bad("checks:\n  - url: http://x\n    capture: {t: \"[NOPE]\"}\n",
	    DA_EINVAL, "smoke.yml:3: check 'GET /': capture 't': ",
	    "capture of a bad placeholder");
	bad("checks:\n  - url: http://x\n    capture: {\"1t\": \"[BODY].a\"}\n",
	    DA_EINVAL, "invalid capture name '1t'", "bad capture name");
	bad("checks:\n  - url: http://x/${token}\n", DA_EINVAL,
	    "smoke.yml:2: check 'GET /${token}': url uses '${token}', which "
	    "no earlier check captures",
	    "capture used but never captured");
	bad("checks:\n  - name: a\n    url: http://x\n    headers: {A: "
	    "\"${t}\"}\n  - name: b\n    url: http://x\n    capture: {t: "
	    "\"[BODY].t\"}\n",
	    DA_EINVAL, "smoke.yml:4: check 'a': a header uses '${t}'",
	    "capture used before the check that captures it");
	bad("checks:\n  - name: a\n    url: http://x/${t}\n    capture: {t: "
	    "\"[BODY].t\"}\n",
	    DA_EINVAL, "check 'a': url uses '${t}'",
	    "a check cannot use its own capture");
	bad("checks:\n  - name: a\n    url: http://x\n    capture: {t: "
	    "\"[BODY].t\"}\n  - name: b\n    url: http://x\n    conditions: "
	    "[\"[BODY] == ${t}\"]\n",
	    DA_EINVAL,
	    "smoke.yml:7: check 'b': condition '[BODY] == ${t}' uses '${t}': "
	    "captures may appear in url, headers and body only",
	    "capture in a condition");
	bad("checks:\n  - name: a\n    url: http://x\n    capture: {t: "
	    "\"[BODY].t\"}\n  - name: b\n    url: http://x\n    capture: {t: "
	    "\"[BODY].u\"}\n",
	    DA_EINVAL,
	    "smoke.yml:7: check 'b': capture 't' is already "
	    "captured by check 'a'",
	    "capture defined twice");
	bad("base-url: ftp://x\nchecks: [{url: /a}]\n", DA_EINVAL,
	    "smoke.yml:1: 'base-url' must start with http:// or https://",
	    "bad base-url");
	bad("checks: [\n", DA_EINVAL, "cannot parse 'smoke.yml'",
	    "not YAML at all");
	bad("wait: {consecutive-successes: 0}\nchecks: [{url: http://x}]\n",
	    DA_EINVAL,
	    "smoke.yml:1: wait: 'consecutive-successes' must be an "
	    "integer from 1 to 1000",
	    "consecutive out of range");
}

static void test_spec_limits(void)
{
	struct da_check_spec *spec = NULL;
	struct da_err err = DA_ERR_INIT;
	struct da_buf b = DA_BUF_INIT(0);
	size_t i;
	int r;

	da_buf_adds(&b, "base-url: http://x\nchecks:\n");
	for (i = 0; i < DA_MAX_CHECKS + 1; i++)
		da_buf_addf(&b, "- {url: /c%zu}\n", i);
	r = load(da_buf_str(&b), NULL, &spec, &err);
	is_int(r, -DA_ELIMIT, "one check over DA_MAX_CHECKS refused");
	has_str(err.msg, "10001 checks, over the limit of 10000",
		"limit message");
	da_check_spec_free(spec);
	spec = NULL;
	da_buf_release(&b);

	b.max = DA_MAX_CHECK_SPEC + 4096;
	da_buf_adds(&b, "checks: [{url: http://x}]\n");
	while (b.len <= DA_MAX_CHECK_SPEC)
		da_buf_adds(&b, "# padding padding padding padding\n");
	r = da_check_spec_load_mem("big.yml", b.data, b.len, NULL, &spec, &err);
	is_int(r, -DA_ELIMIT, "spec over DA_MAX_CHECK_SPEC refused");
	has_str(err.msg, "spec 'big.yml' is", "size message names the spec");
	da_buf_release(&b);
}

static void test_env(void)
{
	static const char text[] =
	    "base-url: http://${ENV:DA_T_HOST}\n"
	    "defaults:\n"
	    "  headers: { Authorization: \"Bearer ${ENV:DA_T_TOKEN}\" }\n"
	    "checks:\n"
	    "  - url: /v\n"
	    "    json: { key: \"${ENV:DA_T_TOKEN}\", n: 1 }\n"
	    "    conditions: [ \"[BODY].version == ${ENV:DA_T_VERSION}\" ]\n";
	struct da_check_spec *spec = NULL;
	struct da_err err = DA_ERR_INIT;
	struct da_buf out = DA_BUF_INIT(0);
	const struct da_check *c;
	int r;

	setenv("DA_T_HOST", "svc.internal", 1);
	setenv("DA_T_TOKEN", "s3cr\"et", 1);
	setenv("DA_T_VERSION", "1.4.2", 1);
	r = load(text, NULL, &spec, &err);
	is_int(r, 0, "env spec loads");
	if (r < 0) {
		diag("%s", err.msg);
		return;
	}
	c = &spec->checks[0];
	is_str(c->url, "http://svc.internal/v", "env in base-url");
	is_str(c->headers[0], "Authorization: Bearer s3cr\"et",
	       "env in header");
	is_str(c->body, "{\"key\":\"s3cr\\\"et\",\"n\":1}",
	       "env in a json body, escaped as JSON");
	is_str(da_cond_text(c->conds[0]), "[BODY].version == \"1.4.2\"",
	       "env in a condition, as a quoted literal");
	is_int(spec->n_secrets, 3, "each distinct value is a secret");
	da_check_mask(spec, "token s3cr\"et on svc.internal", &out);
	is_str(da_buf_str(&out), "token *** on ***", "mask replaces secrets");
	da_check_spec_free(spec);
	da_buf_release(&out);

	unsetenv("DA_T_MISSING");
	bad("checks:\n  - url: http://x\n    headers: {A: "
	    "\"${ENV:DA_T_MISSING}\"}"
	    "\n",
	    DA_EINVAL,
	    "smoke.yml:3: header: environment variable 'DA_T_MISSING' is not "
	    "set",
	    "unset variable named, with line");
	bad("checks:\n  - url: http://x/${ENV:DA_T_TOKEN\n", DA_EINVAL,
	    "'${ENV:' without a closing '}'", "unterminated reference");
	bad("checks:\n  - url: http://x/${ENV:9X}\n", DA_EINVAL,
	    "invalid environment variable name in '${ENV:9X}'", "bad name");

	/* A secret never shows in an error message. */
	setenv("DA_T_BAD", "[[ hunter2", 1);
	r = load("checks:\n  - url: http://x\n    conditions: "
		 "[\"${ENV:DA_T_BAD}\"]\n",
		 NULL, &spec, &err);
	is_int(r, -DA_EINVAL, "a condition that is only a value");
	ok(strstr(err.msg, "hunter2") == NULL, "the secret is not shown");
	has_str(err.msg, "${ENV:DA_T_BAD}", "the condition as written is");
	has_str(err.msg, "smoke.yml:3:", "with its line");
	da_check_spec_free(spec);

	/*
	 * A value is compared as text, never read as condition syntax: a
	 * secret "pat(*)" must not match every version.
	 */
	{
		static const char *const values[] = {
		    "pat(*)", "[BODY].version", "1.4.2 == 1.4.2",
		    "any(1.4.2, x)", "a\"b\\c"};
		struct da_cond_ctx cx = {0};
		size_t i;

		cx.connected = 1;
		cx.status = 200;
		cx.body = "{\"version\": \"1.4.2\"}";
		cx.body_len = strlen(cx.body);
		cx.cert_expires_ms = -1;
		for (i = 0; i < sizeof(values) / sizeof(*values); i++) {
			setenv("DA_T_SYNTAX", values[i], 1);
			r = load("checks:\n  - url: http://x\n    conditions: "
				 "[\"[BODY].version == ${ENV:DA_T_SYNTAX}\"]\n",
				 NULL, &spec, &err);
			is_int(r, 0, values[i]);
			if (r == 0)
				is_int(da_cond_eval(spec->checks[0].conds[0],
						    &cx, NULL, NULL),
				       0, "the value is text: no match");
			da_check_spec_free(spec);
		}
		setenv("DA_T_SYNTAX", "1.4", 1);
		r = load("checks:\n  - url: http://x\n    conditions: "
			 "[\"[BODY].version == "
			 "pat(\\\"${ENV:DA_T_SYNTAX}*\\\")\"]\n",
			 NULL, &spec, &err);
		is_int(r, 0, "a value inside a quoted pattern");
		if (r == 0)
			is_int(da_cond_eval(spec->checks[0].conds[0], &cx, NULL,
					    NULL),
			       1, "stays a pattern there");
		da_check_spec_free(spec);
		r = load("checks:\n  - url: http://x\n    conditions: "
			 "[\"[BODY].version == pat(${ENV:DA_T_SYNTAX}*)\"]\n",
			 NULL, &spec, &err);
		is_int(r, -DA_EINVAL, "an unquoted value beside a pattern");
		has_str(err.msg, "quote them", "says how to write it");
		da_check_spec_free(spec);
		setenv("DA_T_SYNTAX", "300", 1);
		r = load("checks:\n  - url: http://x\n    conditions: "
			 "[\"[RESPONSE_TIME] < ${ENV:DA_T_SYNTAX}\"]\n",
			 NULL, &spec, &err);
		is_int(r, 0, "a number from env under an order");
		da_check_spec_free(spec);
		setenv("DA_T_SYNTAX", "soonish", 1);
		r = load("checks:\n  - url: http://x\n    conditions: "
			 "[\"[RESPONSE_TIME] < ${ENV:DA_T_SYNTAX}\"]\n",
			 NULL, &spec, &err);
		is_int(r, -DA_EINVAL, "a value from env that is no number");
		ok(strstr(err.msg, "soonish") == NULL,
		   "is refused without showing it");
		da_check_spec_free(spec);
		da_cond_ctx_release(&cx);
		unsetenv("DA_T_SYNTAX");
	}

	/* Direct use: NULL spec, captures left alone. */
	da_buf_release(&out);
	r = da_check_expand_env(NULL, "a ${ENV:DA_T_HOST} ${token} $x ${ENV}",
				&out, &err);
	is_int(r, 0, "expand without a spec");
	is_str(da_buf_str(&out), "a svc.internal ${token} $x ${ENV}",
	       "captures and plain dollars kept");
	da_buf_release(&out);
}

static void test_quick(void)
{
	static const char *const conds[] = {"[BODY].status == UP"};
	static const char *const bad_conds[] = {"[BODY] =="};
	struct da_check_spec *spec = NULL;
	struct da_err err = DA_ERR_INIT;
	int r;

	r = da_check_spec_quick("/health", "http://h:1/base/", 204, conds, 1,
				&spec, &err);
	is_int(r, 0, "quick form");
	if (r == 0) {
		is_str(spec->source, "inputs", "quick: source");
		is_int(spec->n_checks, 1, "quick: one check");
		is_str(spec->checks[0].url, "http://h:1/base/health",
		       "quick: url joined");
		is_str(spec->checks[0].name, "GET /health", "quick: name");
		is_int(spec->checks[0].n_conds, 2, "quick: status + condition");
		is_str(da_cond_text(spec->checks[0].conds[0]),
		       "[STATUS] == 204", "quick: expect-status first");
		is_int(spec->checks[0].samples, 1, "quick: one sample");
		is_int(spec->checks[0].ready, 1, "quick: ready");
		is_int(spec->wait_timeout_ms, -1, "quick: no wait settings");
	}
	da_check_spec_free(spec);
	spec = NULL;
	r = da_check_spec_quick("http://x/a?b=1", NULL, 0, NULL, 0, &spec,
				&err);
	is_int(r, 0, "quick: absolute URL, no conditions");
	if (r == 0) {
		is_str(spec->checks[0].name, "GET /a?b=1", "quick: path name");
		is_str(da_cond_text(spec->checks[0].conds[0]),
		       "[STATUS] == pat(2?\?)", "quick: 2xx by default");
	}
	da_check_spec_free(spec);
	spec = NULL;
	r = da_check_spec_quick("http://x/", NULL, 0, bad_conds, 1, &spec,
				&err);
	is_int(r, -DA_EINVAL, "quick: bad condition");
	has_str(err.msg, "cannot parse condition '[BODY] =='",
		"quick: condition error");
	r = da_check_spec_quick("/x", NULL, 0, NULL, 0, &spec, &err);
	is_int(r, -DA_EINVAL, "quick: relative URL without base");
	has_str(err.msg, "needs a base-url", "quick: says base-url");
	r = da_check_spec_quick("http://x/", NULL, 42, NULL, 0, &spec, &err);
	is_int(r, -DA_EINVAL, "quick: bad status");
	r = da_check_spec_quick("http://x/${t}", NULL, 0, NULL, 0, &spec, &err);
	is_int(r, -DA_EINVAL, "quick: captures need a spec");
	ok(spec == NULL, "quick: nothing on failure");
}

static void test_gates_and_percentiles(void)
{
	static const int64_t ten[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
	static const int64_t one[] = {42};
	struct da_latency_gate g;
	struct da_err err = DA_ERR_INIT;
	int r;

	r = da_check_latency_parse("p95 < 500ms", &g, &err);
	is_int(r, 0, "gate p95 < 500ms");
	is_int(g.stat, DA_LATENCY_P95, "gate stat");
	is_int(g.limit_ms, 500, "gate limit");
	free(g.text);
	r = da_check_latency_parse(" max<=2s ", &g, &err);
	is_int(r, 0, "gate without spaces");
	is_int(g.or_equal, 1, "<=");
	is_int(g.limit_ms, 2000, "2s");
	free(g.text);
	r = da_check_latency_parse("mean < 100", &g, &err);
	is_int(r, 0, "gate with a plain number");
	is_int(g.limit_ms, 100, "a plain number is milliseconds");
	is_int(g.stat, DA_LATENCY_MEAN, "mean");
	free(g.text);
	r = da_check_latency_parse("P50 < 1m", &g, &err);
	is_int(r, 0, "stat in any case");
	is_int(g.limit_ms, 60000, "1m");
	free(g.text);
	is_int(da_check_latency_parse("p95 > 5ms", &g, &err), -DA_EINVAL,
	       "> refused");
	has_str(err.msg, "want < or <= after 'p95'", "operator message");
	is_int(da_check_latency_parse("p95 <", &g, &err), -DA_EINVAL,
	       "missing limit");
	is_int(da_check_latency_parse("p95 < soon", &g, &err), -DA_EINVAL,
	       "bad duration");
	is_int(da_check_latency_parse("", &g, &err), -DA_EINVAL, "empty");

	is_int(da_check_percentile(ten, 10, 50), 5, "p50 of 1..10");
	is_int(da_check_percentile(ten, 10, 90), 9, "p90 of 1..10");
	is_int(da_check_percentile(ten, 10, 95), 10, "p95 of 1..10");
	is_int(da_check_percentile(ten, 10, 100), 10, "p100 is the max");
	is_int(da_check_percentile(ten, 10, 0), 1, "p0 is the min");
	is_int(da_check_percentile(ten, 10, 11), 2, "p11: rank 2");
	is_int(da_check_percentile(one, 1, 99), 42, "one value");
	is_int(da_check_percentile(NULL, 0, 50), 0, "no values");
}

/* ---- against a server ---- */

struct progress {
	int lines;
	char last[1024];
	char all[8192];
};

static void on_progress(void *ctx, const char *line)
{
	struct progress *p = ctx;
	size_t n = strlen(p->all);

	p->lines++;
	format(p->last, sizeof(p->last), "%s", line);
	if (n + strlen(line) + 2 < sizeof(p->all))
		format(p->all + n, sizeof(p->all) - n, "%s\n", line);
}

static void fast(struct da_check_run_options *o, struct progress *p)
{
	da_check_run_options_init(o);
	o->timeout_ms = 8000;
	o->interval_ms = 10;
	o->max_interval_ms = 40;
	o->http.connect_timeout_ms = 2000;
	o->http.timeout_ms = 3000;
	if (p) {
		memset(p, 0, sizeof(*p));
		o->progress = on_progress;
		o->progress_ctx = p;
	}
}

/* Statuses by request number, the last one repeating. */
struct script {
	const int *statuses;
	int n;
	const char *body;
};

static void scripted(struct httpd *s, const struct httpd_req *req,
		     struct httpd_resp *resp)
{
	const struct script *sc = s->ctx;
	int i = req->n - 1 < sc->n ? req->n - 1 : sc->n - 1;

	resp->status = sc->statuses[i];
	httpd_body(resp, sc->body ? sc->body : "{\"status\": \"UP\"}");
}

static int quick(struct httpd *s, const char *path, long status,
		 const char *cond, struct da_check_spec **spec)
{
	struct da_err err = DA_ERR_INIT;
	char base[64];
	const char *conds[1];
	int r;

	conds[0] = cond;
	httpd_url(s, base, sizeof(base));
	r = da_check_spec_quick(path, base, status, conds, cond ? 1 : 0, spec,
				&err);
	if (r < 0)
		diag("%s", err.msg);
	return r;
}

static void test_wait_ready(void)
{
	static const int st[] = {404, 503, 200};
	struct script sc = {st, 3, NULL};
	struct da_check_run_options o;
	struct da_check_results *rs = NULL;
	struct da_check_spec *spec = NULL;
	struct da_err err = DA_ERR_INIT;
	struct progress p;
	struct httpd s;
	int r;

	if (httpd_start(&s, scripted, &sc) < 0) {
		ok(0, "start server");
		return;
	}
	fast(&o, &p);
	if (quick(&s, "/health", 200, NULL, &spec) < 0)
		goto out;
	r = da_check_wait(spec, &o, &rs, &err);
	is_int(r, 0, "wait: ready after 404, 503, 200");
	if (r < 0)
		diag("%s", err.msg);
	if (!rs)
		goto out;
	is_int(rs->r[0].attempts, 3, "wait: three attempts");
	is_int(rs->r[0].status, 200, "wait: last status");
	ok(rs->healthy && rs->r[0].healthy, "wait: healthy");
	is_int(rs->n_failed, 0, "wait: none failed");
	is_int(rs->r[0].n_failures, 0, "wait: no failures left");
	is_int(p.lines, 3, "wait: one progress line per attempt");
	has_str(p.all, "GET /health: 404, [STATUS] (404) == 200 (attempt 1, ",
		"wait: first line says status and condition");
	has_str(p.all, "GET /health: 503, [STATUS] (503) == 200 (attempt 2, ",
		"wait: 503 is retried like anything else");
	has_str(p.last, "GET /health: ready, 200 (attempt 3)",
		"wait: last line says ready");
	is_int(s.requests, 3, "wait: server saw three requests");
out:
	da_check_results_free(rs);
	da_check_spec_free(spec);
	httpd_stop(&s);
}

static void test_wait_timeout(void)
{
	static const int st[] = {503};
	struct script sc = {st, 1, NULL};
	struct da_check_run_options o;
	struct da_check_results *rs = NULL;
	struct da_check_spec *spec = NULL;
	struct da_err err = DA_ERR_INIT;
	struct progress p;
	struct httpd s;
	char url[128];
	int r;

	if (httpd_start(&s, scripted, &sc) < 0) {
		ok(0, "start server");
		return;
	}
	fast(&o, &p);
	o.timeout_ms = 300;
	if (quick(&s, "/health", 0, NULL, &spec) < 0)
		goto out;
	r = da_check_wait(spec, &o, &rs, &err);
	is_int(r, -DA_ETIMEOUT, "never ready: timeout");
	is_int(err.code, DA_CODE_HEALTH_CHECK_FAILED, "timeout: coded");
	has_str(err.msg, "check 'GET /health' not ready after 300ms (",
		"timeout: message names the check");
	/* The last try may run out of time itself; the first one did not. */
	has_str(err.msg, "attempts): 503, ",
		"timeout: message has the last "
		"status");
	has_str(p.all,
		"GET /health: 503, [STATUS] (503) == pat(2?\?) (attempt 1",
		"timeout: progress has the reason");
	ok(rs != NULL, "timeout: results filled");
	if (rs) {
		ok(!rs->healthy && !rs->r[0].healthy, "timeout: unhealthy");
		is_int(rs->n_failed, 1, "timeout: one failed");
		ok(rs->r[0].attempts >= 1, "timeout: attempts counted");
		is_int(rs->r[0].attempts, p.lines, "timeout: a line each");
		is_int(rs->r[0].n_failures, 1, "timeout: last failure kept");
		is_int(rs->r[0].status, 503, "timeout: last status");
	}
	da_check_results_free(rs);
	rs = NULL;
	da_check_spec_free(spec);
	spec = NULL;
	httpd_stop(&s);

	/* Nothing listening: transport errors are retried too. */
	format(url, sizeof(url), "http://127.0.0.1:%d/", s.port);
	r = da_check_spec_quick(url, NULL, 0, NULL, 0, &spec, &err);
	is_int(r, 0, "spec for a dead port");
	o.timeout_ms = 200;
	r = da_check_wait(spec, &o, &rs, &err);
	is_int(r, -DA_ETIMEOUT, "refused: timeout");
	has_str(err.msg, "cannot reach", "refused: reason in the message");
	if (rs) {
		ok(rs->r[0].attempts >= 1, "refused: attempts");
		ok(rs->r[0].error != NULL, "refused: error kept");
		is_int(rs->r[0].status, 0, "refused: no status");
	}
	has_str(p.last, "cannot reach", "refused: progress says why");
	da_check_results_free(rs);
	da_check_spec_free(spec);
	return;
out:
	da_check_spec_free(spec);
	httpd_stop(&s);
}

static void test_wait_consecutive(void)
{
	static const int st[] = {200, 500, 200, 200, 500};
	struct script sc = {st, 5, NULL};
	struct da_check_run_options o;
	struct da_check_results *rs = NULL;
	struct da_check_spec *spec = NULL;
	struct da_err err = DA_ERR_INIT;
	struct progress p;
	struct httpd s;
	int r;

	if (httpd_start(&s, scripted, &sc) < 0) {
		ok(0, "start server");
		return;
	}
	fast(&o, &p);
	o.consecutive = 2;
	if (quick(&s, "/", 0, NULL, &spec) < 0)
		goto out;
	r = da_check_wait(spec, &o, &rs, &err);
	is_int(r, 0, "consecutive: ready");
	if (rs)
		is_int(rs->r[0].attempts, 4,
		       "consecutive: a 500 resets the streak");
	has_str(p.all, "GET /: 200, passed 1 of 2 in a row (attempt 1)",
		"consecutive: progress counts the streak");
	has_str(p.last, "ready, 200 (attempt 4)", "consecutive: ready at 4");
out:
	da_check_results_free(rs);
	da_check_spec_free(spec);
	httpd_stop(&s);
}

/* Passing, but not often enough in a row before the timeout. */
static void test_wait_streak(void)
{
	static const int st[] = {200};
	struct script sc = {st, 1, NULL};
	struct da_check_run_options o;
	struct da_check_results *rs = NULL;
	struct da_check_spec *spec = NULL;
	struct da_err err = DA_ERR_INIT;
	struct httpd s;
	int r;

	if (httpd_start(&s, scripted, &sc) < 0) {
		ok(0, "start server");
		return;
	}
	fast(&o, NULL);
	o.timeout_ms = 200;
	o.consecutive = 1000;
	if (quick(&s, "/", 0, NULL, &spec) < 0)
		goto out;
	r = da_check_wait(spec, &o, &rs, &err);
	is_int(r, -DA_ETIMEOUT, "streak too short: timeout");
	has_str(err.msg, "attempts): 200, passed ", "streak: the last status");
	has_str(err.msg, " of 1000 in a row", "streak: how far it got");
	ok(strstr(err.msg, "no answer") == NULL, "streak: no false reason");
	if (rs && rs->r[0].n_failures)
		has_str(rs->r[0].failures[0], "of 1000 in a row",
			"streak: in the result's failures");
	else
		ok(0, "streak: in the result's failures");
out:
	da_check_results_free(rs);
	da_check_spec_free(spec);
	httpd_stop(&s);
}

/* Body changes from the old version to the new one. */
static void versions(struct httpd *s, const struct httpd_req *req,
		     struct httpd_resp *resp)
{
	(void)s;
	httpd_body(resp, req->n < 3 ? "{\"version\": \"1.4.1\"}"
				    : "{\"version\": \"1.4.2\"}");
}

static void test_wait_condition(void)
{
	static const char text[] =
	    "checks:\n"
	    "  - name: version\n"
	    "    url: /v\n"
	    "    conditions: [ \"[BODY].version == ${ENV:DA_T_WANT}\" ]\n"
	    "  - name: later\n"
	    "    url: /later\n"
	    "    ready: false\n";
	struct da_check_run_options o;
	struct da_check_results *rs = NULL;
	struct da_check_spec *spec = NULL;
	struct da_err err = DA_ERR_INIT;
	struct progress p;
	struct httpd s;
	char base[64];
	int r;

	if (httpd_start(&s, versions, NULL) < 0) {
		ok(0, "start server");
		return;
	}
	httpd_url(&s, base, sizeof(base));
	setenv("DA_T_WANT", "1.4.2", 1);
	r = load(text, base, &spec, &err);
	is_int(r, 0, "version spec loads");
	if (r < 0)
		goto out;
	fast(&o, &p);
	r = da_check_wait(spec, &o, &rs, &err);
	is_int(r, 0, "wait: until the new version answers");
	if (rs) {
		is_int(rs->r[0].attempts, 3, "version: two old answers first");
		is_int(rs->r[1].attempts, 0, "not-ready check not polled");
		ok(rs->r[1].healthy, "not-ready check does not hold it up");
	}
	has_str(p.all, "version: 200, [BODY].version (1.4.1) == \"***\"",
		"the expected value came from env: masked");
	ok(strstr(p.all, "1.4.2") == NULL, "the secret never shows");
	is_int(s.requests, 3, "only the ready check ran");
out:
	da_check_results_free(rs);
	da_check_spec_free(spec);
	httpd_stop(&s);
}

/* Latency test server: a little delay, counts requests at once. */
static void slowish(struct httpd *s, const struct httpd_req *req,
		    struct httpd_resp *resp)
{
	(void)s;
	resp->delay_ms = 5;
	if (strcmp(req->path, "/fail3") == 0 && req->n == 3)
		resp->status = 500;
	httpd_body(resp, "{\"status\": \"UP\"}");
}

static void test_assert_samples(void)
{
	static const char text[] =
	    "checks:\n"
	    "  - name: a\n"
	    "    url: /a\n"
	    "    samples: 20\n"
	    "    latency: [ \"max < 1h\", \"p50 <= 1h\" ]\n"
	    "    tags: [ api ]\n"
	    "  - name: b\n"
	    "    url: /b\n"
	    "    samples: 10\n"
	    "    latency: [ \"p50 < 0\" ]\n";
	struct da_check_run_options o;
	struct da_check_results *rs = NULL;
	struct da_check_spec *spec = NULL;
	struct da_err err = DA_ERR_INIT;
	const struct da_check_result *a, *b;
	struct httpd s;
	char base[64];
	size_t i;
	int r, sorted = 1;

	if (httpd_start(&s, slowish, NULL) < 0) {
		ok(0, "start server");
		return;
	}
	httpd_url(&s, base, sizeof(base));
	r = load(text, base, &spec, &err);
	is_int(r, 0, "samples spec loads");
	if (r < 0)
		goto out;
	fast(&o, NULL);
	o.concurrency = 4;
	r = da_check_assert(spec, &o, &rs, &err);
	is_int(r, 0, "assert runs");
	if (r < 0 || !rs) {
		diag("%s", err.msg);
		goto out;
	}
	a = &rs->r[0];
	b = &rs->r[1];
	is_int(s.requests, 30, "assert: 20 + 10 requests");
	ok(s.peak >= 1 && s.peak <= 4, "assert: at most 4 at once");
	ok(s.connections <= 4 + 1, "assert: connections are reused");
	is_int(a->n_samples, 20, "a: 20 samples");
	is_int(b->n_samples, 10, "b: 10 samples");
	for (i = 0; i < a->n_samples; i++)
		if (a->samples[i].status != 200 ||
		    a->samples[i].timing.total_us <= 0)
			sorted = 0;
	ok(sorted, "a: every sample answered 200 and was timed");
	ok(a->p50_us > 0 && a->p50_us <= a->p95_us && a->p95_us <= a->p99_us &&
	       a->p99_us <= a->max_us,
	   "a: p50 <= p95 <= p99 <= max");
	ok(a->mean_us > 0 && a->mean_us <= a->max_us, "a: mean within");
	ok(a->healthy, "a: gates pass");
	is_int(a->n_failures, 0, "a: no failures");
	ok(!b->healthy, "b: p50 < 0 fails");
	is_int(b->n_failures, 1, "b: one failure");
	if (b->n_failures)
		has_str(b->failures[0], "p50 (", "b: failure names the stat");
	if (b->n_failures)
		has_str(b->failures[0], ") < 0s", "b: and the limit");
	ok(!rs->healthy, "assert: not healthy overall");
	is_int(rs->n_failed, 1, "assert: one failed");
	ok(rs->ended_ms >= rs->started_ms, "assert: times set");
	ok(a->timestamp_ms > 0, "a: timestamp");
	has_str(a->endpoint, "/a", "a: endpoint");
out:
	da_check_results_free(rs);
	da_check_spec_free(spec);
	httpd_stop(&s);
}

static void test_assert_every_sample(void)
{
	static const char text[] =
	    "checks:\n"
	    "  - name: f\n"
	    "    url: /fail3\n"
	    "    samples: 5\n"
	    "    expect-status: 200\n"
	    "    conditions: [ \"[BODY].status == UP\" ]\n";
	struct da_check_run_options o;
	struct da_check_results *rs = NULL;
	struct da_check_spec *spec = NULL;
	struct da_err err = DA_ERR_INIT;
	struct httpd s;
	char base[64];
	int r;

	if (httpd_start(&s, slowish, NULL) < 0) {
		ok(0, "start server");
		return;
	}
	httpd_url(&s, base, sizeof(base));
	r = load(text, base, &spec, &err);
	if (r < 0)
		goto out;
	fast(&o, NULL);
	o.concurrency = 1;
	r = da_check_assert(spec, &o, &rs, &err);
	is_int(r, 0, "every-sample assert runs");
	if (!rs)
		goto out;
	ok(!rs->r[0].healthy, "one bad sample of five fails the check");
	is_int(rs->r[0].n_failures, 1, "one failure line");
	if (rs->r[0].n_failures)
		is_str(rs->r[0].failures[0],
		       "[STATUS] (500) == 200 (sample 3 of 5)",
		       "the first failing sample tells");
	is_int(rs->r[0].cond_ok[0], 0, "status condition false");
	is_str(rs->r[0].cond_actual[0], "500", "its actual value");
	is_int(rs->r[0].cond_ok[1], 1, "body condition true");
	is_str(rs->r[0].cond_actual[1], "UP", "its actual value");
	is_int(rs->r[0].status, 200, "last status");
	is_int(s.peak, 1, "concurrency 1: one at a time");
out:
	da_check_results_free(rs);
	da_check_spec_free(spec);
	httpd_stop(&s);
}

/* A login that hands out a token, and an API that wants it. */
static void auth(struct httpd *s, const struct httpd_req *req,
		 struct httpd_resp *resp)
{
	char v[256];
	const int *give = s->ctx;

	if (strcmp(req->path, "/login") == 0) {
		if (strcmp(req->method, "POST") != 0 ||
		    strncmp(req->body, "{\"user\":\"me\"}", req->body_len) != 0)
			resp->status = 400;
		httpd_body(resp, *give == 1   ? "{\"token\": \"t0k\\\"en\"}"
				 : *give == 2 ? "{\"token\": \"t0ken2\"}"
					      : "{\"nope\": 1}");
		return;
	}
	if (strcmp(req->path, "/orders/t0ken2") == 0) {
		resp->status = 404;
		return;
	}
	if (strncmp(req->path, "/orders/", 8) == 0) {
		if (!httpd_header(req, "Authorization", v, sizeof(v)) ||
		    strcmp(v, "Bearer t0k\"en") != 0)
			resp->status = 401;
		else if (strcmp(req->path, "/orders/t0k\"en") != 0)
			resp->status = 404;
		else if (strncmp(req->body, "{\"t\":\"t0k\\\"en\"}",
				 req->body_len) != 0)
			resp->status = 422;
		httpd_body(resp, "[]");
		return;
	}
	resp->status = 404;
}

static void test_assert_captures(void)
{
	static const char text[] =
	    "checks:\n"
	    "  - name: orders\n"
	    "    url: /orders/${token}\n"
	    "    method: PUT\n"
	    "    headers: { Authorization: \"Bearer ${token}\" }\n"
	    "    json: { t: \"${token}\" }\n";
	static const char login[] = "checks:\n"
				    "  - name: login\n"
				    "    url: /login\n"
				    "    method: POST\n"
				    "    json: { user: me }\n"
				    "    capture: { token: \"[BODY].token\" }\n"
				    "  - name: health\n"
				    "    url: /orders/x\n"
				    "    expect-status: 401\n";
	struct da_check_run_options o;
	struct da_check_results *rs = NULL;
	struct da_check_spec *spec = NULL;
	struct da_err err = DA_ERR_INIT;
	struct da_buf b = DA_BUF_INIT(0);
	struct httpd s;
	char base[64];
	int give = 1, r;

	if (httpd_start(&s, auth, &give) < 0) {
		ok(0, "start server");
		return;
	}
	httpd_url(&s, base, sizeof(base));
	/* Orders first in the text is an error: login must come before. */
	da_buf_adds(&b, login);
	da_buf_adds(&b, text + strlen("checks:\n"));
	r = load(da_buf_str(&b), base, &spec, &err);
	is_int(r, 0, "capture spec loads");
	if (r < 0) {
		diag("%s", err.msg);
		goto out;
	}
	fast(&o, NULL);
	r = da_check_assert(spec, &o, &rs, &err);
	is_int(r, 0, "captures: assert runs");
	if (!rs)
		goto out;
	ok(rs->r[0].healthy, "login healthy");
	ok(rs->r[1].healthy, "a check in the first level runs alongside");
	ok(rs->r[2].healthy,
	   "orders healthy: token in the URL, header and JSON body");
	if (!rs->r[2].healthy && rs->r[2].n_failures)
		diag("%s", rs->r[2].failures[0]);
	has_str(rs->r[2].endpoint, "/orders/***",
		"endpoint shows the URL as requested, the token masked");
	da_check_results_free(rs);
	rs = NULL;

	/* A failure that shows the token: masked too. */
	give = 2;
	r = da_check_assert(spec, &o, &rs, &err);
	is_int(r, 0, "captures: assert runs again");
	if (rs && rs->r[2].n_failures) {
		has_str(rs->r[2].failures[0], "[STATUS] (404)",
			"wrong token: a failure");
		has_str(rs->r[2].endpoint, "/orders/***", "masked endpoint");
		ok(strstr(rs->r[2].endpoint, "t0ken2") == NULL,
		   "captured token never in the results");
	} else {
		ok(0, "wrong token: a failure");
	}
	da_check_results_free(rs);
	rs = NULL;

	/* No token in the answer: login fails, orders is skipped. */
	give = 0;
	r = da_check_assert(spec, &o, &rs, &err);
	is_int(r, 0, "missing capture: assert runs");
	if (rs) {
		ok(!rs->r[0].healthy, "login unhealthy without a token");
		if (rs->r[0].n_failures)
			is_str(rs->r[0].failures[0],
			       "capture 'token': [BODY].token did not resolve",
			       "login: says the capture failed");
		ok(!rs->r[2].healthy, "orders unhealthy");
		is_int(rs->r[2].n_samples, 0, "orders: not run");
		if (rs->r[2].n_failures)
			is_str(rs->r[2].failures[0],
			       "skipped: capture 'token' has no value",
			       "orders: says why it did not run");
		is_int(rs->n_failed, 2, "two failed");
	}
out:
	da_buf_release(&b);
	da_check_results_free(rs);
	da_check_spec_free(spec);
	httpd_stop(&s);
}

static void test_assert_unreachable(void)
{
	struct da_check_run_options o;
	struct da_check_results *rs = NULL;
	struct da_check_spec *spec = NULL;
	struct da_err err = DA_ERR_INIT;
	struct httpd s;
	char url[128];
	int r;

	if (httpd_start(&s, slowish, NULL) < 0) {
		ok(0, "start server");
		return;
	}
	httpd_stop(&s);
	format(url, sizeof(url), "http://127.0.0.1:%d/", s.port);
	r = da_check_spec_quick(url, NULL, 0, NULL, 0, &spec, &err);
	if (r < 0)
		return;
	fast(&o, NULL);
	r = da_check_assert(spec, &o, &rs, &err);
	is_int(r, 0, "unreachable: a verdict, not an error");
	if (rs) {
		ok(!rs->healthy, "unreachable: unhealthy");
		ok(rs->r[0].error != NULL, "unreachable: error kept");
		if (rs->r[0].n_failures)
			has_str(rs->r[0].failures[0], "cannot reach",
				"unreachable: failure says so");
		is_int(rs->r[0].n_samples, 1, "unreachable: sample recorded");
		is_int(rs->r[0].samples[0].status, 0, "unreachable: status 0");
		is_int(rs->r[0].p95_us, 0, "unreachable: no latency");
	}
	da_check_results_free(rs);
	da_check_spec_free(spec);
}

/* A failure on this side stops the wait at once: it would never pass. */
static void test_local_failure(void)
{
	struct da_check_run_options o;
	struct da_check_results *rs = NULL;
	struct da_check_spec *spec = NULL;
	struct da_err err = DA_ERR_INIT;
	int r;

	fast(&o, NULL);
	setenv("SSL_CERT_FILE", "/nonexistent/ca.pem", 1);
	r = da_check_spec_quick("https://127.0.0.1:1/", NULL, 0, NULL, 0, &spec,
				&err);
	if (r == 0)
		r = da_check_wait(spec, &o, &rs, &err);
	is_int(r, -DA_ENOENT, "wait: a missing CA bundle stops it at once");
	has_str(err.msg, "SSL_CERT_FILE '/nonexistent/ca.pem' does not exist",
		"wait: the reason");
	ok(rs == NULL, "wait: no results when it could not run");
	r = da_check_assert(spec, &o, &rs, &err);
	is_int(r, -DA_ENOENT, "assert: a missing CA bundle is an error");
	ok(rs == NULL, "assert: no results when it could not run");
	unsetenv("SSL_CERT_FILE");
	da_check_spec_free(spec);
}

static void test_options(void)
{
	struct da_check_run_options o;

	da_check_run_options_init(&o);
	is_int(o.timeout_ms, 300000, "default wait timeout 5m");
	is_int(o.interval_ms, 1000, "default interval 1s");
	is_int(o.consecutive, 1, "default consecutive 1");
	is_int(o.concurrency, 16, "default concurrency 16");
	is_int(o.http.retries, 2, "http defaults filled");
}

static void run_tests(void)
{
	static const char *const vars[] = {
	    "http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY",
	    "all_proxy",  "ALL_PROXY",	NULL,
	};
	size_t i;

	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		diag("cannot ignore SIGPIPE");
	for (i = 0; vars[i]; i++)
		unsetenv(vars[i]);
	test_options();
	test_spec_full();
	test_spec_json();
	test_spec_errors();
	test_spec_limits();
	test_env();
	test_quick();
	test_gates_and_percentiles();
	test_wait_ready();
	test_wait_timeout();
	test_wait_consecutive();
	test_wait_streak();
	test_wait_condition();
	test_assert_samples();
	test_assert_every_sample();
	test_assert_captures();
	test_assert_unreachable();
	test_local_failure();
}
