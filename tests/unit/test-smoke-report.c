#include "test.h"
#include "common/buf.h"
#include "common/check.h"
#include "common/cond.h"
#include "common/error.h"
#include "common/fs.h"
#include "common/gha.h"
#include "common/xml.h"

#include "actions/smoke-test/report.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SECRET "s3cr3t-t0ken"

/* The structs hold char *; the fixture's text is never written. */
#define S(text) ((char *)(text))

static char dir[4096];

static void path_of(char *out, size_t size, const char *name)
{
	int n = snprintf(out, size, "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= size)
		out[0] = '\0';
}

static int slurp(const char *path, struct da_buf *b)
{
	char chunk[8192];
	size_t n;
	FILE *f = fopen(path, "rb");

	da_buf_reset(b);
	if (!f)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (da_buf_add(b, chunk, n) < 0)
			break;
	fclose(f);
	return 0;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	const char *p = hay;

	while ((p = strstr(p, needle)) != NULL) {
		n++;
		p += strlen(needle);
	}
	return n;
}

/* A hand-built set of results: one healthy, two failed checks. */
struct fixture {
	struct da_check checks[3];
	struct da_check_result r[3];
	struct da_check_results res;
	struct da_check_sample samples[3];
	struct da_cond *conds[2];
	char *failures_v[2];
	char *failures_w[1];
	char *tags[2];
	int cond_ok[2];
	char *cond_actual[2];
};

static void sample(struct da_check_sample *s, long status, long long total)
{
	memset(s, 0, sizeof(*s));
	s->status = status;
	s->timing.dns_us = 100;
	s->timing.connect_us = 300;
	s->timing.tls_us = 0;
	s->timing.first_byte_us = total - 200;
	s->timing.total_us = total;
}

static void fixture_init(struct fixture *f)
{
	struct da_err err = DA_ERR_INIT;

	memset(f, 0, sizeof(*f));
	if (da_cond_parse("[STATUS] == 200", &f->conds[0], &err) < 0 ||
	    da_cond_parse("[BODY].version == 1.4.2", &f->conds[1], &err) < 0)
		diag("da_cond_parse: %s", err.msg);

	f->checks[0].ready = f->checks[1].ready = f->checks[2].ready = 1;
	f->checks[0].name = S("health");
	f->checks[0].line = 4;
	f->checks[0].method = S("GET");
	f->checks[0].url = S("http://127.0.0.1:1/health");
	f->checks[0].conds = &f->conds[0];
	f->checks[0].n_conds = 1;
	f->tags[0] = S("api");
	f->tags[1] = S("crit<ical>");
	f->checks[0].tags = f->tags;
	f->checks[0].n_tags = 2;

	f->checks[1].name = S("version");
	f->checks[1].line = 12;
	f->checks[1].method = S("GET");
	f->checks[1].url = S("http://127.0.0.1:1/version");
	f->checks[1].conds = &f->conds[1];
	f->checks[1].n_conds = 1;

	/* Markdown, XML and control characters, invalid UTF-8, a secret. */
	f->checks[2].name = S("a|b <&>\"' \x01z\xff " SECRET);
	f->checks[2].line = 20;
	f->checks[2].method = S("POST");
	f->checks[2].url = S("http://127.0.0.1:1/login");

	/* Totals 5 ms, 1 ms, 3 ms: the median sample is the third. */
	sample(&f->samples[0], 200, 5000);
	sample(&f->samples[1], 200, 1000);
	sample(&f->samples[2], 200, 3000);
	f->r[0].check = &f->checks[0];
	f->r[0].healthy = 1;
	f->r[0].timestamp_ms = 1795304622123LL;
	f->r[0].endpoint = S("http://127.0.0.1:1/health");
	f->r[0].status = 200;
	f->r[0].attempts = 3;
	f->r[0].samples = f->samples;
	f->r[0].n_samples = 3;
	f->r[0].n_answered = 3;
	f->r[0].p50_us = 3000;
	f->r[0].p95_us = 5000;
	f->r[0].p99_us = 5000;
	f->r[0].max_us = 5000;
	f->r[0].mean_us = 3000;
	f->cond_ok[0] = 1;
	f->cond_actual[0] = S("200");
	f->r[0].cond_ok = &f->cond_ok[0];
	f->r[0].cond_actual = &f->cond_actual[0];

	f->r[1].check = &f->checks[1];
	f->r[1].healthy = 0;
	f->r[1].timestamp_ms = 1795304622200LL;
	f->r[1].endpoint = S("http://127.0.0.1:1/version");
	f->r[1].status = 200;
	f->r[1].attempts = 1;
	f->r[1].samples = &f->samples[0];
	f->r[1].n_samples = 1;
	f->r[1].n_answered = 1;
	f->r[1].p50_us = 612000;
	f->r[1].p95_us = 612400;
	f->r[1].p99_us = 612400;
	f->r[1].max_us = 612400;
	f->r[1].mean_us = 612000;
	f->failures_v[0] = S("[BODY].version (1.4.1) == 1.4.2");
	f->failures_v[1] = S("p95 (612ms) < 500ms");
	f->r[1].failures = f->failures_v;
	f->r[1].n_failures = 2;
	f->cond_ok[1] = 0;
	f->cond_actual[1] = S("1.4.1");
	f->r[1].cond_ok = &f->cond_ok[1];
	f->r[1].cond_actual = &f->cond_actual[1];

	f->r[2].check = &f->checks[2];
	f->r[2].healthy = 0;
	f->r[2].endpoint = S("http://127.0.0.1:1/login");
	f->r[2].status = 0;
	f->r[2].error = S("connection refused (" SECRET ")");
	f->r[2].attempts = 7;
	f->failures_w[0] = S("pipe | in <reason> & " SECRET);
	f->r[2].failures = f->failures_w;
	f->r[2].n_failures = 1;

	f->res.r = f->r;
	f->res.n = 3;
	f->res.healthy = 0;
	f->res.n_failed = 2;
	f->res.started_ms = 1795304622000LL;
	f->res.ended_ms = 1795304622750LL;
}

static void fixture_release(struct fixture *f)
{
	da_cond_free(f->conds[0]);
	da_cond_free(f->conds[1]);
}

static struct da_gha *open_gha(void)
{
	struct da_err err = DA_ERR_INIT;
	struct da_gha *g = NULL;
	FILE *null;

	if (da_gha_open(&g, &err) < 0) {
		diag("da_gha_open: %s", err.msg);
		return NULL;
	}
	/* In Actions mode the mask is also a command: keep it off TAP. */
	null = fopen("/dev/null", "w");
	if (da_gha_mask(g, null ? null : stdout, SECRET, &err) < 0)
		diag("da_gha_mask: %s", err.msg);
	if (null)
		fclose(null);
	return g;
}

static void test_format(void)
{
	char b[SMOKE_MS_SIZE];

	is_str(smoke_format_us(400, b, sizeof(b)), "0.4ms", "0.4 ms");
	is_str(smoke_format_us(12345, b, sizeof(b)), "12.3ms", "12.3 ms");
	is_str(smoke_format_us(612000, b, sizeof(b)), "612ms", "612 ms");
	is_str(smoke_format_us(1520000, b, sizeof(b)), "1.52s", "1.52 s");
	ok(smoke_format_us(1520000, b, 3) == NULL,
	   "a buffer too small gives NULL");
}

static void test_sanitize(void)
{
	char a[] = "ok \xc3\xa9 \xe2\x9c\x93|\x01\x1b[31m\x7f\xc2\x85 \xff\xc3";

	smoke_text_sanitize(a);
	is_str(a, "ok \xc3\xa9 \xe2\x9c\x93|??[31m??? ??",
	       "sanitize: UTF-8 kept, controls and bad bytes become '?'");
}

static void test_text(struct fixture *f, const struct da_gha *g)
{
	struct da_err err = DA_ERR_INIT;
	struct da_buf out = DA_BUF_INIT(0);
	struct smoke_report rep = {.res = &f->res, .gha = g};
	const char *t;

	is_int(smoke_report_text(&rep, 0, &out, &err), 0, "text report builds");
	t = da_buf_str(&out);
	is_int(count(t, "\n"), 4, "text: one line per check and the verdict");
	has_str(t, "\xe2\x9c\x93 health             200  p50 3.0ms p95 5.0ms\n",
		"text: a healthy check with status and p50/p95, aligned");
	has_str(t,
		"\xe2\x9c\x97 version            200  [BODY].version (1.4.1) "
		"== 1.4.2; "
		"p95 (612ms) < 500ms\n",
		"text: a failed check with its failures and actual values");
	has_str(t, "  ---  pipe | in <reason> & ***; connection refused (***)",
		"text: no status, the failure, then the transport error");
	has_str(t, "\xe2\x9c\x97 a|b <&>\"' ?z\xef\xbf\xbd ***",
		"text: control characters replaced, bad UTF-8 as U+FFFD");
	has_str(t, "not healthy: 2 of 3 checks failed\n", "text: the verdict");
	ok(!strstr(t, SECRET), "text: the secret is masked");
	ok(!strchr(t, '\033'), "text: no colour unless asked");

	da_buf_reset(&out);
	is_int(smoke_report_text(&rep, 1, &out, &err), 0, "coloured text");
	has_str(da_buf_str(&out), "\033[32m\xe2\x9c\x93\033[0m health",
		"colour: a green tick");
	has_str(da_buf_str(&out), "\033[31m\xe2\x9c\x97\033[0m version",
		"colour: a red cross");

	da_buf_reset(&out);
	rep.timed_out = 1;
	rep.wait_timeout_ms = 2000;
	is_int(smoke_report_text(&rep, 0, &out, &err), 0, "timed-out text");
	has_str(da_buf_str(&out),
		"not healthy: not ready within 2s; 2 of 3 checks failing",
		"text: a wait that ran out says so");
	da_buf_release(&out);
}

static void test_json(struct fixture *f, const struct da_gha *g)
{
	struct da_err err = DA_ERR_INIT;
	struct da_buf out = DA_BUF_INIT(0);
	struct smoke_report rep = {.res = &f->res, .gha = g};
	json_error_t jerr;
	json_t *root, *c0, *c1, *c2, *t;

	is_int(smoke_report_json(&rep, &out, &err), 0, "JSON report builds");
	ok(!strstr(da_buf_str(&out), SECRET), "JSON: the secret is masked");
	root = json_loads(da_buf_str(&out), 0, &jerr);
	ok(root != NULL, "JSON: parses back");
	if (!root) {
		diag("%s", jerr.text);
		da_buf_release(&out);
		return;
	}
	ok(json_is_false(json_object_get(root, "healthy")), "JSON: healthy");
	is_str(json_string_value(json_object_get(root, "code")),
	       "DEPLOY_HEALTH_CHECK_FAILED", "JSON: code");
	is_int(json_array_size(json_object_get(root, "checks")), 3,
	       "JSON: three checks");
	t = json_object_get(root, "failed_checks");
	is_int(json_array_size(t), 2, "JSON: two failed checks");
	is_str(json_string_value(json_array_get(t, 0)), "version",
	       "JSON: failed_checks names them");
	c0 = json_array_get(json_object_get(root, "checks"), 0);
	c1 = json_array_get(json_object_get(root, "checks"), 1);
	c2 = json_array_get(json_object_get(root, "checks"), 2);
	is_str(json_string_value(json_object_get(c0, "name")), "health",
	       "JSON: name");
	is_str(json_string_value(json_object_get(c0, "timestamp")),
	       "2026-11-21T23:43:42.123Z", "JSON: RFC 3339 timestamp");
	is_str(json_string_value(json_object_get(c0, "endpoint")),
	       "http://127.0.0.1:1/health", "JSON: endpoint");
	is_int(json_integer_value(json_object_get(c0, "status")), 200,
	       "JSON: status");
	ok(json_is_true(json_object_get(c0, "healthy")), "JSON: check healthy");
	ok(json_real_value(json_object_get(c0, "latency")) == 3.0,
	   "JSON: latency is the median sample's total in ms");
	ok(json_real_value(json_object_get(c0, "p95")) == 5.0, "JSON: p95");
	is_int(json_integer_value(json_object_get(c0, "samples")), 3,
	       "JSON: samples");
	is_int(json_integer_value(json_object_get(c0, "attempts")), 3,
	       "JSON: attempts");
	t = json_object_get(c0, "timing");
	is_int(json_object_size(t), 5, "JSON: five timing figures");
	ok(json_real_value(json_object_get(t, "total")) == 3.0 &&
	       json_real_value(json_object_get(t, "first_byte")) == 2.8 &&
	       json_real_value(json_object_get(t, "dns")) == 0.1,
	   "JSON: timing of the median sample, in ms");
	t = json_object_get(c0, "requests");
	is_int(json_array_size(t), 3, "JSON: every request's timing");
	ok(json_integer_value(
	       json_object_get(json_array_get(t, 1), "status")) == 200 &&
	       json_real_value(
		   json_object_get(json_array_get(t, 1), "total")) == 1.0,
	   "JSON: a request's status and total, in order");
	is_int(json_object_size(json_array_get(t, 0)), 6,
	       "JSON: status and five figures per request");
	is_int(json_array_size(json_object_get(c0, "failures")), 0,
	       "JSON: no failures for a healthy check");
	is_str(
	    json_string_value(json_array_get(json_object_get(c0, "tags"), 1)),
	    "crit<ical>", "JSON: tags");
	t = json_array_get(json_object_get(c1, "conditions"), 0);
	is_str(json_string_value(json_object_get(t, "condition")),
	       "[BODY].version == 1.4.2", "JSON: the condition's text");
	ok(json_is_false(json_object_get(t, "ok")), "JSON: its verdict");
	is_str(json_string_value(json_object_get(t, "actual")), "1.4.1",
	       "JSON: its actual value");
	is_str(json_string_value(
		   json_array_get(json_object_get(c1, "failures"), 0)),
	       "[BODY].version (1.4.1) == 1.4.2", "JSON: failure lines");
	ok(json_is_null(json_object_get(c2, "status")),
	   "JSON: status null when no answer came");
	ok(json_is_null(json_object_get(c2, "latency")) &&
	       json_is_null(json_object_get(c2, "timing")),
	   "JSON: no latency without samples");
	is_str(json_string_value(json_object_get(c2, "error")),
	       "connection refused (***)", "JSON: the transport error");
	is_str(json_string_value(json_object_get(c2, "name")),
	       "a|b <&>\"' \x01z\xef\xbf\xbd ***",
	       "JSON: bad UTF-8 replaced, the rest kept as text");
	json_decref(root);
	da_buf_release(&out);
}

/* What the JUnit parse found. */
struct junit_seen {
	int suites, suite, cases, failures, tags, props;
	char suites_tests[16], suites_failures[16];
	char names[3][128];
	char message[512];
	char failure_text[512];
	char time0[32];
};

static void copy(char *dst, size_t size, const char *src)
{
	int n = snprintf(dst, size, "%s", src ? src : "(null)");

	(void)n;
}

static int j_start(void *ctx, const struct da_xml *x, const char *name,
		   const char **attrs, struct da_err *err)
{
	struct junit_seen *s = ctx;
	const char *v;

	(void)x;
	(void)err;
	if (strcmp(name, "testsuites") == 0) {
		s->suites++;
		copy(s->suites_tests, sizeof(s->suites_tests),
		     da_xml_attr(attrs, "tests"));
		copy(s->suites_failures, sizeof(s->suites_failures),
		     da_xml_attr(attrs, "failures"));
	} else if (strcmp(name, "testsuite") == 0) {
		s->suite++;
	} else if (strcmp(name, "testcase") == 0) {
		if (s->cases < 3)
			copy(s->names[s->cases], sizeof(s->names[0]),
			     da_xml_attr(attrs, "name"));
		if (s->cases == 0)
			copy(s->time0, sizeof(s->time0),
			     da_xml_attr(attrs, "time"));
		s->cases++;
	} else if (strcmp(name, "failure") == 0) {
		if (s->failures == 0)
			copy(s->message, sizeof(s->message),
			     da_xml_attr(attrs, "message"));
		s->failures++;
	} else if (strcmp(name, "property") == 0) {
		s->props++;
		v = da_xml_attr(attrs, "name");
		if (v && strcmp(v, "tag") == 0)
			s->tags++;
	}
	return 0;
}

static int j_end(void *ctx, const struct da_xml *x, const char *name,
		 const char *text, size_t len, struct da_err *err)
{
	struct junit_seen *s = ctx;

	(void)x;
	(void)err;
	(void)len;
	if (strcmp(name, "failure") == 0 && !s->failure_text[0])
		copy(s->failure_text, sizeof(s->failure_text), text);
	return 0;
}

static void test_junit(struct fixture *f, const struct da_gha *g)
{
	struct da_err err = DA_ERR_INIT;
	struct da_buf out = DA_BUF_INIT(0);
	struct smoke_report rep = {
	    .res = &f->res, .gha = g, .spec_file = "smoke.yml"};
	struct junit_seen s;
	struct da_xml_handler h = {.start = j_start, .end = j_end, .ctx = &s};
	char path[4200];

	memset(&s, 0, sizeof(s));
	is_int(smoke_report_junit(&rep, &out, &err), 0, "JUnit report builds");
	ok(!strstr(da_buf_str(&out), SECRET), "JUnit: the secret is masked");
	ok(!strchr(da_buf_str(&out), '\x01'),
	   "JUnit: control characters removed");
	is_int(da_xml_parse_mem("junit.xml", out.data, out.len, &h, &err), 0,
	       "JUnit: well-formed XML");
	if (err.msg[0])
		diag("%s", err.msg);
	is_int(s.suites, 1, "JUnit: one testsuites");
	is_int(s.suite, 1, "JUnit: one testsuite");
	is_int(s.cases, 3, "JUnit: a testcase per check");
	is_int(s.failures, 2, "JUnit: a failure per failed check");
	is_str(s.suites_tests, "3", "JUnit: tests=3");
	is_str(s.suites_failures, "2", "JUnit: failures=2");
	is_str(s.names[0], "health", "JUnit: testcase name");
	is_str(s.names[2], "a|b <&>\"' z\xef\xbf\xbd ***",
	       "JUnit: special characters escaped and read back");
	is_str(s.time0, "0.009000", "JUnit: time in seconds (the samples)");
	is_str(s.message,
	       "[BODY].version (1.4.1) == 1.4.2; p95 (612ms) < 500ms",
	       "JUnit: the failure message lists the failed conditions");
	has_str(s.failure_text, "[BODY].version (1.4.1) == 1.4.2\np95",
		"JUnit: failure text, one condition a line");
	is_int(s.tags, 2, "JUnit: a property per tag");
	has_str(da_buf_str(&out), "value=\"crit&lt;ical&gt;\"",
		"JUnit: attribute values escaped");
	has_str(da_buf_str(&out), "file=\"smoke.yml\" line=\"12\"",
		"JUnit: the check's place in the spec");

	path_of(path, sizeof(path), "junit.xml");
	is_int(smoke_report_junit_write(&rep, path, &err), 0,
	       "JUnit: written to a file");
	memset(&s, 0, sizeof(s));
	is_int(da_xml_parse_file(path, &h, &err), 0, "JUnit: the file parses");
	is_int(s.cases, 3, "JUnit: the file holds the three cases");
	path_of(path, sizeof(path), "no/such/dir/junit.xml");
	ok(smoke_report_junit_write(&rep, path, &err) < 0 &&
	       strstr(err.msg, "junit.xml"),
	   "JUnit: a path that cannot be written is an error naming it");
	da_buf_release(&out);
}

static void test_summary(struct fixture *f, const struct da_gha *g)
{
	struct da_err err = DA_ERR_INIT;
	struct da_buf out = DA_BUF_INIT(0);
	struct smoke_report rep = {.res = &f->res, .gha = g};
	const char *t, *p;
	size_t rows = 0;

	is_int(smoke_report_summary(&rep, &out, &err), 0, "summary builds");
	t = da_buf_str(&out);
	has_str(t, "## \xe2\x9d\x8c smoke-test: not healthy\n",
		"summary: the verdict as a heading");
	has_str(t,
		"| Check | Verdict | Status | p50 | p95 | Failed conditions "
		"(actual value) |\n|---|---|--:|--:|--:|---|\n",
		"summary: the table header");
	p = strstr(t, "|---|---|--:|");
	for (p = p ? strchr(p, '\n') : NULL; p && p[1] == '|';
	     p = strchr(p + 1, '\n'))
		rows++;
	is_int(rows, 3, "summary: one row per check");
	has_str(t, "| health | \xe2\x9c\x85 pass | 200 | 3.0ms | 5.0ms |  |",
		"summary: a passing row");
	has_str(t,
		"| version | \xe2\x9d\x8c fail | 200 | 612ms | 612ms | "
		"[BODY].version (1.4.1) == 1.4.2<br>p95 (612ms) &lt; 500ms |",
		"summary: failed conditions with actual values, one a line");
	has_str(t, "| a\\|b &lt;&amp;&gt;\"' ",
		"summary: '|' escaped, HTML written as references");
	has_str(t, "pipe \\| in &lt;reason&gt; &amp; &#42;&#42;&#42;",
		"summary: the reason cell escaped too");
	ok(!strstr(t, SECRET), "summary: no secret text");
	has_str(t, "```mermaid\nxychart-beta\n", "summary: a mermaid chart");
	has_str(t, "x-axis [\"health\", \"version\", \"ab  z\"]\n",
		"summary: chart labels, secret masked before filtering");
	has_str(t, "    bar [5.000, 612.400, 0.000]\n",
		"summary: the p95 bars");
	has_str(t, "    bar [3.000, 612.000, 0.000]\n",
		"summary: the p50 bars");
	has_str(t, "y-axis \"ms\" 0 --> 674\n",
		"summary: the y axis fits the slowest bar");
	has_str(t,
		"| Check | DNS | Connect | TLS | First byte | Total |\n"
		"|---|--:|--:|--:|--:|--:|\n"
		"| health | 0.100 | 0.200 | \xe2\x80\x93 | 2.500 | 3.000 |\n",
		"summary: the median request's timing, step by step");
	da_buf_release(&out);
}

static void test_chart_labels(struct fixture *f, const struct da_gha *g)
{
	struct da_err err = DA_ERR_INIT;
	struct da_buf out = DA_BUF_INIT(0);
	struct smoke_report rep = {.res = &f->res, .gha = g};
	const char *t, *x;
	char *long_name = S("a name that goes on and on well past thirty");
	const char *saved1 = f->checks[1].name, *saved2 = f->checks[2].name;

	f->checks[2].name = S("\"quoted\"]; %% chart");
	f->checks[1].name = long_name;
	is_int(smoke_report_summary(&rep, &out, &err), 0, "summary builds");
	t = da_buf_str(&out);
	x = strstr(t, "x-axis [");
	ok(x != NULL, "chart: an x axis");
	has_str(x ? x : "",
		"x-axis [\"health\", \"a name that goes on and on wel\", "
		"\"quoted  chart\"]",
		"chart: labels keep [A-Za-z0-9 _-] and 30 characters");
	f->checks[1].name = (char *)saved1;
	f->checks[2].name = (char *)saved2;
	da_buf_release(&out);
}

static void test_many(struct fixture *f, const struct da_gha *g)
{
	enum { N = SMOKE_MAX_CHART_BARS + 5 };
	struct da_check_result *r = calloc(N, sizeof(*r));
	struct da_check_results res = {0};
	struct da_err err = DA_ERR_INIT;
	struct da_buf out = DA_BUF_INIT(0);
	struct smoke_report rep = {.res = &res, .gha = g};
	size_t i;

	if (!r)
		return;
	for (i = 0; i < N; i++) {
		r[i] = f->r[0];
		r[i].p95_us = (long long)(i + 1) * 1000;
	}
	res.r = r;
	res.n = N;
	res.healthy = 1;
	is_int(smoke_report_summary(&rep, &out, &err), 0,
	       "summary of many checks builds");
	has_str(da_buf_str(&out), "The 40 slowest of 45 checks by p95.",
		"chart: only the slowest checks, said so");
	has_str(da_buf_str(&out), "    bar [6.000, 7.000, ",
		"chart: the slowest, in spec order");
	is_int(count(da_buf_str(&out), "\xe2\x9c\x85 pass"), N,
	       "table: still a row for every check");
	free(r);
	da_buf_release(&out);
}

static void test_outputs(struct fixture *f)
{
	struct da_err err = DA_ERR_INIT;
	struct da_buf b = DA_BUF_INIT(0);
	struct smoke_report rep = {.res = &f->res};
	struct da_gha *g;
	char path[4200];

	path_of(path, sizeof(path), "output");
	setenv("GITHUB_OUTPUT", path, 1);
	g = open_gha();
	rep.gha = g;
	is_int(smoke_report_outputs(&rep, g, &err), 0, "outputs are set");
	slurp(path, &b);
	is_str(
	    da_buf_str(&b),
	    "healthy=false\nfailed-checks=version,a|b <&>\"' \x01z\xef\xbf\xbd "
	    "***\np95-ms=612\n",
	    "GITHUB_OUTPUT holds healthy, failed-checks and p95-ms");
	da_gha_free(g);
	unlink(path);

	/* All healthy: empty failed-checks; no samples: empty p95-ms. */
	f->res.n = 1;
	f->res.healthy = 1;
	f->res.n_failed = 0;
	g = open_gha();
	rep.gha = g;
	is_int(smoke_report_outputs(&rep, g, &err), 0, "outputs when healthy");
	slurp(path, &b);
	is_str(da_buf_str(&b), "healthy=true\nfailed-checks=\np95-ms=5\n",
	       "healthy outputs");
	da_gha_free(g);
	unlink(path);
	f->r[0].n_answered = 0; /* samples made, none answered */
	g = open_gha();
	rep.gha = g;
	is_int(smoke_report_outputs(&rep, g, &err), 0, "outputs, no answers");
	is_str(da_gha_output_get(g, "p95-ms"), "",
	       "p95-ms is empty when nothing answered");
	f->r[0].n_answered = 3;
	f->r[0].p95_us = 499500;
	is_int(smoke_report_outputs(&rep, g, &err), 0, "outputs again");
	is_str(da_gha_output_get(g, "p95-ms"), "500",
	       "p95-ms rounds to whole milliseconds");
	f->r[0].p95_us = 5000;
	da_gha_free(g);
	rep.gha = NULL;
	unlink(path);
	unsetenv("GITHUB_OUTPUT");

	/* Healthy text says so. */
	da_buf_reset(&b);
	is_int(smoke_report_text(&rep, 0, &b, &err), 0, "healthy text");
	has_str(da_buf_str(&b), "healthy: 1 of 1 check\n",
		"text: healthy verdict");
	f->res.n = 3;
	f->res.healthy = 0;
	f->res.n_failed = 2;
	da_buf_release(&b);
}

static void test_annotate(struct fixture *f)
{
	struct da_err err = DA_ERR_INIT;
	struct da_buf b = DA_BUF_INIT(0);
	struct smoke_report rep = {.res = &f->res, .spec_file = "smoke.yml"};
	struct da_gha *g;
	char path[4200];
	FILE *out;

	setenv("GITHUB_ACTIONS", "true", 1);
	path_of(path, sizeof(path), "annotations");
	out = fopen(path, "w");
	g = open_gha();
	rep.gha = g;
	is_int(smoke_report_annotate(&rep, g, out, &err), 0,
	       "annotations are written");
	fclose(out);
	slurp(path, &b);
	has_str(da_buf_str(&b),
		"::error file=smoke.yml,line=12,title=smoke-test%3A version::"
		"[BODY].version (1.4.1) == 1.4.2; p95 (612ms) < 500ms\n",
		"an annotation per failed check, at its line in the spec");
	is_int(count(da_buf_str(&b), "::error "), 2,
	       "only failed checks are annotated");
	ok(!strstr(da_buf_str(&b), SECRET), "annotations: no secret");
	da_gha_free(g);
	unsetenv("GITHUB_ACTIONS");
	unlink(path);
	da_buf_release(&b);
}

/* After a wait that ran out, a check that is not ready had no turn. */
static void test_not_run(struct fixture *f, const struct da_gha *g)
{
	struct da_err err = DA_ERR_INIT;
	struct da_buf out = DA_BUF_INIT(0);
	struct da_check_result r[2];
	struct da_check_results res = {0};
	struct smoke_report rep = {.res = &res, .gha = g, .timed_out = 1};
	json_t *root;

	r[0] = f->r[1];
	memset(&r[1], 0, sizeof(r[1]));
	r[1].check = &f->checks[0];
	r[1].healthy = 1;
	f->checks[0].ready = 0;
	f->checks[1].ready = 1;
	res.r = r;
	res.n = 2;
	res.n_failed = 1;

	is_int(smoke_report_text(&rep, 1, &out, &err), 0, "text builds");
	has_str(da_buf_str(&out),
		"- health   ---  not run: the wait for the ready "
		"checks ran out\n",
		"text: a check without a turn says so, uncoloured");
	da_buf_reset(&out);
	is_int(smoke_report_json(&rep, &out, &err), 0, "JSON builds");
	root = json_loads(da_buf_str(&out), 0, NULL);
	ok(root &&
	       json_is_null(json_object_get(
		   json_array_get(json_object_get(root, "checks"), 1),
		   "healthy")) &&
	       json_is_true(json_object_get(
		   json_array_get(json_object_get(root, "checks"), 1),
		   "skipped")),
	   "JSON: healthy null and skipped true");
	json_decref(root);
	da_buf_reset(&out);
	is_int(smoke_report_junit(&rep, &out, &err), 0, "JUnit builds");
	has_str(da_buf_str(&out),
		"<skipped message=\"not run: ", "JUnit: a skipped element");
	has_str(da_buf_str(&out), "skipped=\"1\"", "JUnit: counted");
	da_buf_reset(&out);
	is_int(smoke_report_summary(&rep, &out, &err), 0, "summary builds");
	has_str(da_buf_str(&out), "| health | not run | \xe2\x80\x93 |",
		"summary: not run");

	/* Without a timeout the same result is a plain healthy check. */
	rep.timed_out = 0;
	da_buf_reset(&out);
	is_int(smoke_report_text(&rep, 0, &out, &err), 0, "text builds");
	ok(!strstr(da_buf_str(&out), "not run"),
	   "text: only a wait that ran out leaves checks without a turn");
	f->checks[0].ready = 1;
	da_buf_release(&out);
}

static void run_tests(void)
{
	struct fixture f;
	struct da_gha *g;
	struct da_buf tmp = DA_BUF_INIT(0);
	struct da_err err = DA_ERR_INIT;

	if (da_fs_mkdtemp("test-smoke-report", &tmp, &err) < 0)
		skip_all("cannot make a temporary directory");
	snprintf(dir, sizeof(dir), "%s", da_buf_str(&tmp));
	da_buf_release(&tmp);
	unsetenv("GITHUB_ACTIONS");
	unsetenv("GITHUB_OUTPUT");
	unsetenv("GITHUB_STEP_SUMMARY");
	fixture_init(&f);
	g = open_gha();

	test_format();
	test_sanitize();
	test_text(&f, g);
	test_json(&f, g);
	test_junit(&f, g);
	test_summary(&f, g);
	test_many(&f, g);
	test_chart_labels(&f, g);
	test_not_run(&f, g);
	test_outputs(&f);
	test_annotate(&f);

	da_gha_free(g);
	fixture_release(&f);
	if (da_fs_remove_tree(dir, &err) < 0)
		diag("%s", err.msg);
}
