/*
 * report: smoke-test's results as text, JSON, JUnit XML, a job summary,
 * step outputs and annotations. See report.h.
 */
#include "report.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "common/fs.h"
#include "common/json.h"
#include "common/time.h"
#include "common/utf8.h"
#include "common/xml.h"

/* One redacted, cleaned text (a name, a failure line) at most this long. */
#define SMOKE_MAX_FIELD ((size_t)1 << 20)
/* The JSON report of all checks, in memory, at most this long. */
#define SMOKE_MAX_TEXT ((size_t)64 << 20)
/* Written to the stream whenever this much of the JSON report is ready. */
#define SMOKE_JSON_FLUSH ((size_t)64 << 10)
/* Widest name column of the human report. */
#define NAME_COLUMN_MAX 40

#define GREEN "\033[32m"
#define RED "\033[31m"
#define BOLD "\033[1m"
#define RESET "\033[0m"

/* What clean() keeps of control characters. */
enum {
	CLEAN_UTF8, /* only make it valid UTF-8 */
	CLEAN_XML,  /* also drop what XML 1.0 does not allow */
	CLEAN_TEXT, /* also replace control characters by '?' (terminal) */
};

static int nomem(struct da_err *err, const char *what)
{
	return da_err_set(err, DA_ENOMEM, "cannot build the %s: out of memory",
			  what);
}

static int buf_fail(struct da_err *err, int r, const char *what)
{
	if (r == -DA_ELIMIT)
		return da_err_set(err, DA_ELIMIT,
				  "cannot build the %s: it is over %zu MiB",
				  what, SMOKE_MAX_REPORT >> 20);
	return nomem(err, what);
}

/*
 * Appends s with invalid UTF-8 replaced by U+FFFD and, by mode, control
 * characters dropped (XML) or replaced (terminal).
 */
static int clean(const char *s, size_t n, int mode, struct da_buf *out)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, len;
	uint32_t cp;
	int r = 0;

	while (i < n && r == 0) {
		len = da_utf8_seq(p + i, n - i, &cp);
		if (len == 0) {
			r = da_buf_adds(out, "\xef\xbf\xbd");
			i++;
			continue;
		}
		if (mode == CLEAN_XML &&
		    ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') ||
		     cp == 0x7f || cp == 0xfffe || cp == 0xffff)) {
			i += len;
			continue;
		}
		if (mode == CLEAN_TEXT &&
		    (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))) {
			r = da_buf_addch(out, '?');
			i += len;
			continue;
		}
		r = da_buf_add(out, p + i, len);
		i += len;
	}
	return r;
}

void smoke_text_sanitize(char *s)
{
	unsigned char *p = (unsigned char *)s;
	size_t n = strlen(s), i = 0, len, k;
	uint32_t cp;

	while (i < n) {
		len = da_utf8_seq(p + i, n - i, &cp);
		if (len == 0) {
			p[i++] = '?';
			continue;
		}
		if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
			for (k = 0; k < len; k++)
				p[i + k] = '?';
		i += len;
	}
}

/* out := s redacted and cleaned; s NULL reads as "". */
static int prep(const struct smoke_report *rep, const char *s, int mode,
		struct da_buf *out)
{
	struct da_buf red = DA_BUF_INIT(SMOKE_MAX_FIELD);
	int r;

	da_buf_reset(out);
	if (!s)
		s = "";
	if (rep->gha)
		r = da_gha_redact(rep->gha, s, &red);
	else
		r = da_buf_adds(&red, s);
	if (r == 0)
		r = clean(da_buf_str(&red), red.len, mode, out);
	da_buf_release(&red);
	return r;
}

/* Number of code points in a UTF-8 string. */
static size_t width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

char *smoke_format_us(int64_t us, char *buf, size_t size)
{
	double ms = (double)us / 1000.0;
	int n;

	if (us < 0)
		n = snprintf(buf, size, "-");
	else if (ms < 100.0)
		n = snprintf(buf, size, "%.1fms", ms);
	else if (ms < 1000.0)
		n = snprintf(buf, size, "%.0fms", ms);
	else
		n = snprintf(buf, size, "%.2fs", ms / 1000.0);
	if (n < 0 || (size_t)n >= size)
		return NULL;
	return buf;
}

static const char *check_name(const struct da_check_result *r)
{
	return r->check && r->check->name ? r->check->name : "check";
}

/*
 * Appends the reasons a check failed, joined by sep: its failure lines,
 * then its transport error unless a failure line already says it.
 */
static int failure_text(const struct da_check_result *r, const char *sep,
			struct da_buf *out)
{
	size_t i;
	int r2 = 0, said = 0;

	for (i = 0; i < r->n_failures && r2 == 0; i++) {
		if (i)
			r2 = da_buf_adds(out, sep);
		if (r2 == 0)
			r2 = da_buf_adds(out, r->failures[i]);
		if (r->error && strstr(r->failures[i], r->error))
			said = 1;
	}
	if (r2 == 0 && r->error && *r->error && !said) {
		if (r->n_failures)
			r2 = da_buf_adds(out, sep);
		if (r2 == 0)
			r2 = da_buf_adds(out, r->error);
	}
	if (r2 == 0 && !r->healthy && out->len == 0)
		r2 = da_buf_adds(out, "unhealthy");
	return r2;
}

static int cmp_pair(const void *a, const void *b)
{
	const long long *x = a, *y = b;

	/* x[0] is a total, x[1] the sample's index: ties keep sample order. */
	if (x[0] != y[0])
		return x[0] < y[0] ? -1 : 1;
	return x[1] < y[1] ? -1 : x[1] > y[1];
}

/*
 * Index of the median sample: the one whose total is the nearest-rank
 * 50th percentile, as the check's p50. -1 when there is none (or no
 * memory to find it).
 */
static long median_sample(const struct da_check_result *r)
{
	long long(*pairs)[2];
	size_t i, rank;
	long best;

	if (r->n_samples == 0 || !r->samples)
		return -1;
	pairs = malloc(r->n_samples * sizeof(*pairs));
	if (!pairs)
		return -1;
	for (i = 0; i < r->n_samples; i++) {
		pairs[i][0] = r->samples[i].timing.total_us;
		pairs[i][1] = (long long)i;
	}
	qsort(pairs, r->n_samples, sizeof(*pairs), cmp_pair);
	rank = (r->n_samples * 50 + 99) / 100;
	if (rank < 1)
		rank = 1;
	best = (long)pairs[rank - 1][1];
	free(pairs);
	return best;
}

/*
 * A check that had no turn: the wait ran out while it waited for the
 * ready checks (ready: false). Its result holds nothing to report.
 */
static int not_run(const struct smoke_report *rep,
		   const struct da_check_result *cr)
{
	return rep->timed_out && cr->check && !cr->check->ready &&
	       cr->status == 0 && cr->n_failures == 0 && !cr->error;
}

static size_t count_not_run(const struct smoke_report *rep)
{
	size_t i, n = 0;

	for (i = 0; i < rep->res->n; i++)
		n += (size_t)not_run(rep, &rep->res->r[i]);
	return n;
}

#define NOT_RUN_TEXT "not run: the wait for the ready checks ran out"

static const char *verdict_word(const struct da_check_results *res)
{
	return res->healthy ? "healthy" : "not healthy";
}

/* "healthy: 3 of 3 checks" and its unhealthy forms. */
static int verdict_line(const struct smoke_report *rep, struct da_buf *out)
{
	const struct da_check_results *res = rep->res;
	char d[DA_TIME_DURATION_SIZE];

	if (res->healthy)
		return da_buf_addf(out, "healthy: %zu of %zu check%s", res->n,
				   res->n, res->n == 1 ? "" : "s");
	if (rep->timed_out &&
	    da_time_format_duration(rep->wait_timeout_ms, d, sizeof(d)))
		return da_buf_addf(out,
				   "not healthy: not ready within %s; %zu of "
				   "%zu check%s failing",
				   d, res->n_failed, res->n,
				   res->n == 1 ? "" : "s");
	return da_buf_addf(out, "not healthy: %zu of %zu check%s failed",
			   res->n_failed, res->n, res->n == 1 ? "" : "s");
}

/* ---- human text ---- */

int smoke_report_text(const struct smoke_report *rep, int color,
		      struct da_buf *out, struct da_err *err)
{
	const struct da_check_results *res = rep->res;
	struct da_buf name = DA_BUF_INIT(SMOKE_MAX_FIELD);
	struct da_buf why = DA_BUF_INIT(SMOKE_MAX_FIELD);
	struct da_buf line = DA_BUF_INIT(SMOKE_MAX_FIELD);
	char p50[SMOKE_MS_SIZE], p95[SMOKE_MS_SIZE];
	size_t i, w, col = 0;
	int r = 0;

	for (i = 0; i < res->n && r == 0; i++) {
		r = prep(rep, check_name(&res->r[i]), CLEAN_TEXT, &name);
		w = width(da_buf_str(&name));
		if (w > col)
			col = w;
	}
	if (col > NAME_COLUMN_MAX)
		col = NAME_COLUMN_MAX;
	for (i = 0; i < res->n && r == 0; i++) {
		const struct da_check_result *cr = &res->r[i];

		int skip = not_run(rep, cr);

		r = prep(rep, check_name(cr), CLEAN_TEXT, &name);
		if (r == 0)
			r = da_buf_addf(out, "%s%s%s%s ",
					color && !skip ? BOLD : "",
					!color || skip ? ""
					: cr->healthy  ? GREEN
						       : RED,
					skip	      ? "-"
					: cr->healthy ? "\xe2\x9c\x93" /* ✓ */
						      : "\xe2\x9c\x97" /* ✗ */,
					color && !skip ? RESET : "");
		if (r == 0)
			r = da_buf_adds(out, da_buf_str(&name));
		for (w = width(da_buf_str(&name)); r == 0 && w < col; w++)
			r = da_buf_addch(out, ' ');
		if (r == 0 && cr->status > 0)
			r = da_buf_addf(out, "  %3ld", cr->status);
		else if (r == 0)
			r = da_buf_adds(out, "  ---");
		if (r == 0 && skip)
			r = da_buf_adds(out, "  " NOT_RUN_TEXT);
		if (r == 0 && cr->healthy && cr->n_answered > 0 &&
		    smoke_format_us(cr->p50_us, p50, sizeof(p50)) &&
		    smoke_format_us(cr->p95_us, p95, sizeof(p95)))
			r = da_buf_addf(out, "  p50 %s p95 %s", p50, p95);
		if (r == 0 && !cr->healthy) {
			da_buf_reset(&why);
			r = failure_text(cr, "; ", &why);
			if (r == 0)
				r = prep(rep, da_buf_str(&why), CLEAN_TEXT,
					 &line);
			if (r == 0)
				r = da_buf_addf(out, "  %s", da_buf_str(&line));
		}
		if (r == 0)
			r = da_buf_addch(out, '\n');
	}
	da_buf_reset(&line);
	if (r == 0)
		r = verdict_line(rep, &line);
	if (r == 0)
		r = da_buf_addf(out, "%s%s%s\n",
				color ? (res->healthy ? GREEN : RED) : "",
				da_buf_str(&line), color ? RESET : "");
	da_buf_release(&name);
	da_buf_release(&why);
	da_buf_release(&line);
	return r < 0 ? buf_fail(err, r, "report") : 0;
}

/* ---- JSON ---- */

/* A JSON string of s, redacted and cleaned; NULL when out of memory. */
static json_t *jstr(const struct smoke_report *rep, const char *s)
{
	struct da_buf b = DA_BUF_INIT(SMOKE_MAX_FIELD);
	json_t *v = NULL;

	if (prep(rep, s, CLEAN_UTF8, &b) == 0)
		v = json_stringn(da_buf_str(&b), b.len);
	da_buf_release(&b);
	return v;
}

static json_t *jms(long long us)
{
	return json_real((double)us / 1000.0);
}

/* Sets key to v (stolen); a NULL v (out of memory) marks *bad. */
static void jset(json_t *o, const char *key, json_t *v, int *bad)
{
	if (!v || json_object_set_new(o, key, v) < 0)
		*bad = 1;
}

static void jpush(json_t *a, json_t *v, int *bad)
{
	if (!v || json_array_append_new(a, v) < 0)
		*bad = 1;
}

/* DNS, connect, TLS, first byte and total in ms; with status when > 0. */
static json_t *timing_json(const struct da_http_timing *tm, long status,
			   int *bad)
{
	json_t *t = json_object();

	if (!t) {
		*bad = 1;
		return NULL;
	}
	if (status > 0)
		jset(t, "status", json_integer(status), bad);
	jset(t, "dns", jms(tm->dns_us), bad);
	jset(t, "connect", jms(tm->connect_us), bad);
	jset(t, "tls", jms(tm->tls_us), bad);
	jset(t, "first_byte", jms(tm->first_byte_us), bad);
	jset(t, "total", jms(tm->total_us), bad);
	return t;
}

static json_t *check_json(const struct smoke_report *rep,
			  const struct da_check_result *cr)
{
	const struct da_check *c = cr->check;
	char ts[DA_TIME_RFC3339_SIZE];
	json_t *o = json_object(), *a, *one;
	long m = median_sample(cr);
	size_t i;
	int bad = !o;

	if (bad)
		return NULL;
	jset(o, "name", jstr(rep, check_name(cr)), &bad);
	if (cr->timestamp_ms > 0 &&
	    da_time_format_rfc3339_ms(cr->timestamp_ms, ts, sizeof(ts)) == 0)
		jset(o, "timestamp", json_string(ts), &bad);
	else
		jset(o, "timestamp", json_null(), &bad);
	jset(o, "endpoint",
	     cr->endpoint ? jstr(rep, cr->endpoint)
			  : jstr(rep, c && c->url ? c->url : ""),
	     &bad);
	jset(o, "method", jstr(rep, c && c->method ? c->method : "GET"), &bad);
	jset(o, "status",
	     cr->status > 0 ? json_integer(cr->status) : json_null(), &bad);
	if (cr->n_answered > 0) {
		jset(o, "latency", jms(cr->p50_us), &bad);
	} else {
		jset(o, "latency", json_null(), &bad);
	}
	jset(o, "healthy",
	     not_run(rep, cr) ? json_null() : json_boolean(cr->healthy), &bad);
	jset(o, "skipped", json_boolean(not_run(rep, cr)), &bad);
	jset(o, "samples", json_integer((json_int_t)cr->n_samples), &bad);
	if (cr->n_answered > 0) {
		jset(o, "p50", jms(cr->p50_us), &bad);
		jset(o, "p95", jms(cr->p95_us), &bad);
		jset(o, "p99", jms(cr->p99_us), &bad);
		jset(o, "max", jms(cr->max_us), &bad);
		jset(o, "mean", jms(cr->mean_us), &bad);
	} else {
		jset(o, "p50", json_null(), &bad);
		jset(o, "p95", json_null(), &bad);
		jset(o, "p99", json_null(), &bad);
		jset(o, "max", json_null(), &bad);
		jset(o, "mean", json_null(), &bad);
	}
	jset(o, "attempts", json_integer(cr->attempts), &bad);
	jset(o, "timing",
	     m >= 0 ? timing_json(&cr->samples[m].timing, 0, &bad)
		    : json_null(),
	     &bad);
	/* Every request of the assert phase, in the order they ended. */
	a = json_array();
	for (i = 0; a && i < cr->n_samples; i++)
		jpush(a,
		      timing_json(&cr->samples[i].timing, cr->samples[i].status,
				  &bad),
		      &bad);
	jset(o, "requests", a, &bad);
	a = json_array();
	for (i = 0; a && i < cr->n_failures; i++)
		jpush(a, jstr(rep, cr->failures[i]), &bad);
	jset(o, "failures", a, &bad);
	jset(o, "error", cr->error ? jstr(rep, cr->error) : json_null(), &bad);
	a = json_array();
	for (i = 0; a && c && i < c->n_conds; i++) {
		one = json_object();
		if (one) {
			jset(one, "condition",
			     jstr(rep, da_cond_text(c->conds[i])), &bad);
			jset(one, "ok",
			     cr->cond_ok ? json_boolean(cr->cond_ok[i])
					 : json_null(),
			     &bad);
			jset(one, "actual",
			     cr->cond_actual && cr->cond_actual[i]
				 ? jstr(rep, cr->cond_actual[i])
				 : json_null(),
			     &bad);
		}
		jpush(a, one, &bad);
	}
	jset(o, "conditions", a, &bad);
	a = json_array();
	for (i = 0; a && c && i < c->n_tags; i++)
		jpush(a, jstr(rep, c->tags[i]), &bad);
	jset(o, "tags", a, &bad);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* Appends v dumped with indentation, every line indented by pad more. */
static int json_indented(const json_t *v, const char *pad, struct da_buf *out,
			 struct da_err *err)
{
	struct da_buf one = DA_BUF_INIT(SMOKE_MAX_TEXT);
	const char *p;
	int r;

	r = da_json_dump(v, DA_JSON_INDENT, &one, err);
	for (p = da_buf_str(&one); r == 0 && *p; p++) {
		if (p == one.data || p[-1] == '\n')
			r = da_buf_adds(out, pad);
		if (r == 0)
			r = da_buf_addch(out, *p);
	}
	da_buf_release(&one);
	return r;
}

/* Hands what out holds to stream once it is large (no stream: keeps it). */
static int json_flush(FILE *stream, struct da_buf *out, int force,
		      struct da_err *err)
{
	if (!stream || (!force && out->len < SMOKE_JSON_FLUSH))
		return 0;
	if (fwrite(da_buf_str(out), 1, out->len, stream) != out->len)
		return da_err_set(err, DA_EIO,
				  "cannot write the JSON report: %s",
				  strerror(errno));
	da_buf_reset(out);
	return 0;
}

/*
 * The JSON report, one check at a time: each check's object is built,
 * written and freed before the next, so that ten thousand checks never
 * sit in memory as one tree (nor, with a stream, as one text).
 */
static int json_report(const struct smoke_report *rep, struct da_buf *out,
		       FILE *stream, struct da_err *err)
{
	const struct da_check_results *res = rep->res;
	json_t *failed = json_array(), *one;
	const char *code = da_code_name(DA_CODE_HEALTH_CHECK_FAILED);
	size_t i;
	int r, bad = !failed;

	r = bad ? nomem(err, "JSON report")
		: da_buf_addf(out,
			      "{\n  \"healthy\": %s,\n  \"phase\": \"%s\",\n"
			      "  \"checks\": [",
			      res->healthy ? "true" : "false",
			      rep->timed_out ? "wait" : "assert");
	for (i = 0; r == 0 && i < res->n; i++) {
		one = check_json(rep, &res->r[i]);
		if (!one) {
			r = nomem(err, "JSON report");
			break;
		}
		r = da_buf_adds(out, i ? ",\n" : "\n");
		if (r == 0)
			r = json_indented(one, "    ", out, err);
		json_decref(one);
		if (r == 0 && !res->r[i].healthy)
			jpush(failed, jstr(rep, check_name(&res->r[i])), &bad);
		if (r == 0 && bad)
			r = nomem(err, "JSON report");
		if (r == 0)
			r = json_flush(stream, out, 0, err);
	}
	if (r == 0)
		r = da_buf_adds(out, res->n ? "\n  ],\n  \"failed_checks\": "
					    : "],\n  \"failed_checks\": ");
	if (r == 0)
		r = da_json_dump(failed, 0, out, err);
	if (r == 0)
		r = res->healthy
			? da_buf_adds(out, ",\n  \"code\": null\n}\n")
			: da_buf_addf(out, ",\n  \"code\": \"%s\"\n}\n", code);
	if (r == 0)
		r = json_flush(stream, out, 1, err);
	json_decref(failed);
	if (r < 0 && !err->msg[0])
		return buf_fail(err, r, "JSON report");
	return r;
}

int smoke_report_json(const struct smoke_report *rep, struct da_buf *out,
		      struct da_err *err)
{
	return json_report(rep, out, NULL, err);
}

int smoke_report_json_write(const struct smoke_report *rep, FILE *stream,
			    struct da_err *err)
{
	struct da_buf b = DA_BUF_INIT(SMOKE_MAX_TEXT);
	int r = json_report(rep, &b, stream, err);

	if (r == 0 && fflush(stream) != 0)
		r = da_err_set(err, DA_EIO, "cannot write the JSON report: %s",
			       strerror(errno));
	da_buf_release(&b);
	return r;
}

/* ---- JUnit XML ---- */

/* Appends s redacted, cleaned and escaped for XML text or an attribute. */
static int xml_add(const struct smoke_report *rep, struct da_buf *out,
		   const char *s, int attr)
{
	struct da_buf b = DA_BUF_INIT(SMOKE_MAX_FIELD);
	int r;

	r = prep(rep, s, CLEAN_XML, &b);
	if (r == 0)
		r = da_xml_escape(out, da_buf_str(&b), attr);
	da_buf_release(&b);
	return r;
}

/* Appends ` name="value"`. */
static int xml_attr(const struct smoke_report *rep, struct da_buf *out,
		    const char *name, const char *value)
{
	int r = da_buf_addf(out, " %s=\"", name);

	if (r == 0)
		r = xml_add(rep, out, value, 1);
	if (r == 0)
		r = da_buf_addch(out, '"');
	return r;
}

static int xml_property(const struct smoke_report *rep, struct da_buf *out,
			const char *name, const char *value)
{
	int r = da_buf_adds(out, "        <property");

	if (r == 0)
		r = xml_attr(rep, out, "name", name);
	if (r == 0)
		r = xml_attr(rep, out, "value", value);
	if (r == 0)
		r = da_buf_adds(out, "/>\n");
	return r;
}

/* Seconds the samples of a check took together, for time=. */
static double check_seconds(const struct da_check_result *cr)
{
	long long us = 0;
	size_t i;

	for (i = 0; i < cr->n_samples; i++)
		us += cr->samples[i].timing.total_us;
	return (double)us / 1e6;
}

static int junit_case(const struct smoke_report *rep,
		      const struct da_check_result *cr, const char *suite,
		      struct da_buf *out)
{
	const struct da_check *c = cr->check;
	char num[64], ms[SMOKE_MS_SIZE];
	struct da_buf why = DA_BUF_INIT(SMOKE_MAX_FIELD);
	size_t i;
	int r, n;

	r = da_buf_adds(out, "    <testcase");
	if (r == 0)
		r = xml_attr(rep, out, "name", check_name(cr));
	if (r == 0)
		r = xml_attr(rep, out, "classname", suite);
	if (r == 0)
		r = da_buf_addf(out, " time=\"%.6f\"", check_seconds(cr));
	if (r == 0 && rep->spec_file && c && c->line > 0) {
		r = xml_attr(rep, out, "file", rep->spec_file);
		if (r == 0)
			r = da_buf_addf(out, " line=\"%d\"", c->line);
	}
	if (r == 0)
		r = da_buf_adds(out, ">\n      <properties>\n");
	if (r == 0)
		r = xml_property(rep, out, "endpoint",
				 cr->endpoint ? cr->endpoint
					      : (c && c->url ? c->url : ""));
	n = snprintf(num, sizeof(num), "%ld", cr->status);
	if (r == 0 && n > 0 && (size_t)n < sizeof(num))
		r = xml_property(rep, out, "status", num);
	n = snprintf(num, sizeof(num), "%d", cr->attempts);
	if (r == 0 && n > 0 && (size_t)n < sizeof(num))
		r = xml_property(rep, out, "attempts", num);
	if (r == 0 && cr->n_samples > 0) {
		n = snprintf(num, sizeof(num), "%zu", cr->n_samples);
		if (n > 0 && (size_t)n < sizeof(num))
			r = xml_property(rep, out, "samples", num);
		if (r == 0 && cr->n_answered > 0 &&
		    smoke_format_us(cr->p50_us, ms, sizeof(ms)))
			r = xml_property(rep, out, "p50", ms);
		if (r == 0 && cr->n_answered > 0 &&
		    smoke_format_us(cr->p95_us, ms, sizeof(ms)))
			r = xml_property(rep, out, "p95", ms);
	}
	for (i = 0; r == 0 && c && i < c->n_tags; i++)
		r = xml_property(rep, out, "tag", c->tags[i]);
	if (r == 0)
		r = da_buf_adds(out, "      </properties>\n");
	if (r == 0 && not_run(rep, cr))
		r = da_buf_adds(out, "      <skipped message=\"" NOT_RUN_TEXT
				     "\"/>\n");
	if (r == 0 && !cr->healthy) {
		r = failure_text(cr, "; ", &why);
		if (r == 0)
			r = da_buf_adds(out, "      <failure");
		if (r == 0)
			r = xml_attr(rep, out, "message", da_buf_str(&why));
		if (r == 0)
			r = xml_attr(rep, out, "type",
				     da_code_name(DA_CODE_HEALTH_CHECK_FAILED));
		if (r == 0)
			r = da_buf_addch(out, '>');
		da_buf_reset(&why);
		if (r == 0)
			r = failure_text(cr, "\n", &why);
		if (r == 0)
			r = da_buf_addf(&why, "\nendpoint: %s",
					cr->endpoint ? cr->endpoint : "");
		if (r == 0)
			r = xml_add(rep, out, da_buf_str(&why), 0);
		if (r == 0)
			r = da_buf_adds(out, "</failure>\n");
	}
	if (r == 0)
		r = da_buf_adds(out, "    </testcase>\n");
	da_buf_release(&why);
	return r;
}

int smoke_report_junit(const struct smoke_report *rep, struct da_buf *out,
		       struct da_err *err)
{
	const struct da_check_results *res = rep->res;
	const char *suite = rep->spec_file ? rep->spec_file : "smoke-test";
	char ts[DA_TIME_RFC3339_SIZE];
	double secs = 0;
	size_t i;
	int r;

	if (res->ended_ms > res->started_ms)
		secs = (double)(res->ended_ms - res->started_ms) / 1000.0;
	/* JUnit's schema wants the timestamp without a zone: UTC, no "Z". */
	if (da_time_format_rfc3339(res->started_ms > 0 ? res->started_ms / 1000
						       : 0,
				   ts, sizeof(ts)) < 0)
		ts[0] = '\0';
	else if (ts[0] && ts[strlen(ts) - 1] == 'Z')
		ts[strlen(ts) - 1] = '\0';
	r = da_buf_addf(out,
			"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			"<testsuites name=\"smoke-test\" tests=\"%zu\" "
			"failures=\"%zu\" errors=\"0\" skipped=\"%zu\" "
			"time=\"%.3f\">\n"
			"  <testsuite",
			res->n, res->n_failed, count_not_run(rep), secs);
	if (r == 0)
		r = xml_attr(rep, out, "name", suite);
	if (r == 0)
		r = da_buf_addf(
		    out,
		    " tests=\"%zu\" failures=\"%zu\" errors=\"0\" "
		    "skipped=\"%zu\" time=\"%.3f\" timestamp=\"%s\">\n",
		    res->n, res->n_failed, count_not_run(rep), secs, ts);
	for (i = 0; r == 0 && i < res->n; i++)
		r = junit_case(rep, &res->r[i], suite, out);
	if (r == 0)
		r = da_buf_adds(out, "  </testsuite>\n</testsuites>\n");
	return r < 0 ? buf_fail(err, r, "JUnit report") : 0;
}

int smoke_report_junit_write(const struct smoke_report *rep, const char *path,
			     struct da_err *err)
{
	struct da_buf xml = DA_BUF_INIT(SMOKE_MAX_REPORT);
	int r;

	r = smoke_report_junit(rep, &xml, err);
	if (r == 0)
		r = da_fs_write_atomic(path, da_buf_str(&xml), xml.len, 0644,
				       err);
	da_buf_release(&xml);
	return r;
}

/* ---- job summary ---- */

/* Appends a table cell: redacted, clean UTF-8, escaped by da_gha_md_cell(). */
static int md_cell(const struct smoke_report *rep, struct da_buf *out,
		   const char *s)
{
	struct da_buf b = DA_BUF_INIT(SMOKE_MAX_FIELD);
	int r;

	r = prep(rep, s, CLEAN_UTF8, &b);
	if (r == 0)
		r = da_gha_md_cell(out, da_buf_str(&b));
	da_buf_release(&b);
	return r;
}

/* A chart label: [A-Za-z0-9 _-] of the (redacted) name, cut to 30. */
static int chart_label(const struct smoke_report *rep, const char *name,
		       size_t index, struct da_buf *out)
{
	struct da_buf b = DA_BUF_INIT(SMOKE_MAX_FIELD);
	const char *p;
	size_t n = 0, start = out->len;
	int r;

	r = prep(rep, name, CLEAN_UTF8, &b);
	for (p = da_buf_str(&b); r == 0 && *p && n < SMOKE_MAX_CHART_LABEL;
	     p++) {
		char c = *p;

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == ' ' || c == '_' ||
		    c == '-') {
			r = da_buf_addch(out, c);
			n++;
		}
	}
	/* Blank labels would collapse into one bar. */
	while (r == 0 && out->len > start && out->data[out->len - 1] == ' ') {
		da_buf_truncate(out, out->len - 1);
		n--;
	}
	if (r == 0 && n == 0)
		r = da_buf_addf(out, "check %zu", index + 1);
	da_buf_release(&b);
	return r;
}

static int cmp_desc(const void *a, const void *b)
{
	const long long *x = a, *y = b;

	/* x[0] is the p95, x[1] the index: slowest first, then spec order. */
	if (x[0] != y[0])
		return x[0] < y[0] ? 1 : -1;
	return x[1] < y[1] ? -1 : x[1] > y[1];
}

static int cmp_index(const void *a, const void *b)
{
	const long long *x = a, *y = b;

	return x[1] < y[1] ? -1 : x[1] > y[1];
}

static int summary_chart(const struct smoke_report *rep, struct da_buf *out)
{
	const struct da_check_results *res = rep->res;
	long long(*pick)[2];
	long long top = 0;
	size_t i, n = 0;
	double ymax;
	int r = 0, pass;

	pick = calloc(res->n ? res->n : 1, sizeof(*pick));
	if (!pick)
		return -DA_ENOMEM;
	for (i = 0; i < res->n; i++) {
		pick[i][0] = res->r[i].n_answered ? res->r[i].p95_us : 0;
		pick[i][1] = (long long)i;
	}
	n = res->n;
	if (n > SMOKE_MAX_CHART_BARS) {
		qsort(pick, n, sizeof(*pick), cmp_desc);
		n = SMOKE_MAX_CHART_BARS;
		qsort(pick, n, sizeof(*pick), cmp_index);
	}
	for (i = 0; i < n; i++)
		if (pick[i][0] > top)
			top = pick[i][0];
	ymax = ceil((double)top / 1000.0 * 1.1);
	if (ymax < 1)
		ymax = 1;
	r = da_buf_adds(out, "\n### Latency\n\n");
	if (r == 0 && res->n > n)
		r = da_buf_addf(out,
				"The %zu slowest of %zu checks by p95.\n\n", n,
				res->n);
	if (r == 0)
		r = da_buf_addf(out,
				"```mermaid\nxychart-beta\n"
				"    title \"p95 (back) and p50 (front), ms\"\n"
				"    x-axis [");
	for (i = 0; r == 0 && i < n; i++) {
		r = da_buf_adds(out, i ? ", \"" : "\"");
		if (r == 0)
			r = chart_label(rep, check_name(&res->r[pick[i][1]]),
					(size_t)pick[i][1], out);
		if (r == 0)
			r = da_buf_addch(out, '"');
	}
	if (r == 0)
		r = da_buf_addf(out, "]\n    y-axis \"ms\" 0 --> %.0f\n", ymax);
	/* Drawn in order: p95 first, so the shorter p50 bar stays visible. */
	for (pass = 0; r == 0 && pass < 2; pass++) {
		r = da_buf_adds(out, "    bar [");
		for (i = 0; r == 0 && i < n; i++) {
			const struct da_check_result *cr = &res->r[pick[i][1]];
			long long us = cr->n_answered
					   ? (pass ? cr->p50_us : cr->p95_us)
					   : 0;

			r = da_buf_addf(out, "%s%.3f", i ? ", " : "",
					(double)us / 1000.0);
		}
		if (r == 0)
			r = da_buf_adds(out, "]\n");
	}
	if (r == 0)
		r = da_buf_adds(out, "```\n");
	free(pick);
	return r;
}

/* A cell of milliseconds with three decimals, or "–" for none. */
static int ms_cell(struct da_buf *out, long long us, int none)
{
	if (none)
		return da_buf_adds(out, " \xe2\x80\x93 |");
	return da_buf_addf(out, " %.3f |", (double)(us < 0 ? 0 : us) / 1000.0);
}

static long long clamp0(long long v)
{
	return v < 0 ? 0 : v;
}

static int summary_timing(const struct smoke_report *rep, struct da_buf *out)
{
	const struct da_check_results *res = rep->res;
	size_t i;
	int r;

	r = da_buf_adds(out,
			"\n### Timing of each check's median request (ms)\n\n"
			"| Check | DNS | Connect | TLS | First byte | Total |\n"
			"|---|--:|--:|--:|--:|--:|\n");
	for (i = 0; r == 0 && i < res->n; i++) {
		const struct da_check_result *cr = &res->r[i];
		long m = median_sample(cr);
		const struct da_http_timing *t;
		long long ready;

		r = da_buf_adds(out, "| ");
		if (r == 0)
			r = md_cell(rep, out, check_name(cr));
		if (r == 0)
			r = da_buf_adds(out, " |");
		if (r == 0 && m < 0) {
			r = da_buf_adds(out, " \xe2\x80\x93 | \xe2\x80\x93 | "
					     "\xe2\x80\x93 | \xe2\x80\x93 | "
					     "\xe2\x80\x93 |\n");
			continue;
		}
		if (r)
			break;
		/* Each step's own time: libcurl's figures are cumulative. */
		t = &cr->samples[m].timing;
		ready = t->tls_us > 0 ? t->tls_us : t->connect_us;
		r = ms_cell(out, clamp0(t->dns_us), 0);
		if (r == 0)
			r = ms_cell(out, clamp0(t->connect_us - t->dns_us), 0);
		if (r == 0)
			r = ms_cell(out, clamp0(t->tls_us - t->connect_us),
				    t->tls_us <= 0);
		if (r == 0)
			r = ms_cell(out, clamp0(t->first_byte_us - ready), 0);
		if (r == 0)
			r = ms_cell(out, clamp0(t->total_us), 0);
		if (r == 0)
			r = da_buf_addch(out, '\n');
	}
	if (r == 0)
		r = da_buf_adds(out,
				"\nEach step's own time: name lookup, TCP "
				"connect, TLS handshake, then the wait for the "
				"first byte of the answer; Total is the whole "
				"request.\n");
	return r;
}

int smoke_report_summary(const struct smoke_report *rep, struct da_buf *out,
			 struct da_err *err)
{
	const struct da_check_results *res = rep->res;
	struct da_buf why = DA_BUF_INIT(SMOKE_MAX_FIELD);
	struct da_buf line = DA_BUF_INIT(SMOKE_MAX_FIELD);
	char ms[SMOKE_MS_SIZE];
	size_t i;
	int r;

	r = verdict_line(rep, &line);
	if (r == 0)
		r = da_buf_addf(out, "## %s smoke-test: %s\n\n",
				res->healthy ? "\xe2\x9c\x85" : "\xe2\x9d\x8c",
				verdict_word(res));
	if (r == 0)
		r = md_cell(rep, out, da_buf_str(&line));
	if (r == 0)
		r = da_buf_adds(out, rep->spec_file ? " (spec " : "\n\n");
	if (r == 0 && rep->spec_file) {
		r = md_cell(rep, out, rep->spec_file);
		if (r == 0)
			r = da_buf_adds(out, ")\n\n");
	}
	if (r == 0)
		r = da_buf_adds(out, "| Check | Verdict | Status | p50 | p95 | "
				     "Failed conditions (actual value) |\n"
				     "|---|---|--:|--:|--:|---|\n");
	for (i = 0; r == 0 && i < res->n; i++) {
		const struct da_check_result *cr = &res->r[i];

		r = da_buf_adds(out, "| ");
		if (r == 0)
			r = md_cell(rep, out, check_name(cr));
		if (r == 0)
			r = da_buf_addf(out, " | %s | ",
					not_run(rep, cr) ? "not run"
					: cr->healthy	 ? "\xe2\x9c\x85 pass"
							 : "\xe2\x9d\x8c fail");
		if (r == 0 && cr->status > 0)
			r = da_buf_addf(out, "%ld", cr->status);
		else if (r == 0)
			r = da_buf_adds(out, "\xe2\x80\x93");
		if (r == 0)
			r = da_buf_adds(out, " | ");
		if (r == 0)
			r = da_buf_adds(
			    out,
			    cr->n_answered &&
				    smoke_format_us(cr->p50_us, ms, sizeof(ms))
				? ms
				: "\xe2\x80\x93");
		if (r == 0)
			r = da_buf_adds(out, " | ");
		if (r == 0)
			r = da_buf_adds(
			    out,
			    cr->n_answered &&
				    smoke_format_us(cr->p95_us, ms, sizeof(ms))
				? ms
				: "\xe2\x80\x93");
		if (r == 0)
			r = da_buf_adds(out, " | ");
		da_buf_reset(&why);
		if (r == 0 && not_run(rep, cr))
			r = da_buf_adds(&why, NOT_RUN_TEXT);
		else if (r == 0 && !cr->healthy)
			r = failure_text(cr, "\n", &why);
		if (r == 0)
			r = md_cell(rep, out, da_buf_str(&why));
		if (r == 0)
			r = da_buf_adds(out, " |\n");
	}
	if (r == 0 && res->n)
		r = summary_chart(rep, out);
	if (r == 0 && res->n)
		r = summary_timing(rep, out);
	da_buf_release(&why);
	da_buf_release(&line);
	return r < 0 ? buf_fail(err, r, "job summary") : 0;
}

/* ---- outputs and annotations ---- */

int smoke_report_outputs(const struct smoke_report *rep, struct da_gha *gha,
			 struct da_err *err)
{
	const struct da_check_results *res = rep->res;
	struct da_buf names = DA_BUF_INIT(DA_GHA_MAX_OUTPUT);
	struct da_buf one = DA_BUF_INIT(SMOKE_MAX_FIELD);
	char p95[32] = "";
	long long top = -1;
	size_t i;
	int r = 0, n;

	for (i = 0; r == 0 && i < res->n; i++) {
		const struct da_check_result *cr = &res->r[i];

		if (cr->n_answered > 0 && cr->p95_us > top)
			top = cr->p95_us;
		if (cr->healthy)
			continue;
		r = prep(rep, check_name(cr), CLEAN_UTF8, &one);
		if (r == 0 && names.len)
			r = da_buf_addch(&names, ',');
		if (r == 0)
			r = da_buf_add(&names, one.data ? one.data : "",
				       one.len);
	}
	if (r < 0) {
		r = da_err_set(err, DA_ELIMIT,
			       "cannot set output 'failed-checks': the names "
			       "of the failed checks are over %zu bytes",
			       DA_GHA_MAX_OUTPUT);
		goto out;
	}
	if (top >= 0) {
		/* Whole milliseconds, rounded half up. */
		n = snprintf(p95, sizeof(p95), "%lld", (top + 500) / 1000);
		if (n < 0 || (size_t)n >= sizeof(p95))
			p95[0] = '\0';
	}
	r = da_gha_set_output(gha, "healthy", res->healthy ? "true" : "false",
			      err);
	if (r == 0)
		r = da_gha_set_output(gha, "failed-checks", da_buf_str(&names),
				      err);
	if (r == 0)
		r = da_gha_set_output(gha, "p95-ms", p95, err);
out:
	da_buf_release(&names);
	da_buf_release(&one);
	return r;
}

int smoke_report_annotate(const struct smoke_report *rep, struct da_gha *gha,
			  FILE *out, struct da_err *err)
{
	const struct da_check_results *res = rep->res;
	struct da_buf why = DA_BUF_INIT(SMOKE_MAX_FIELD);
	struct da_buf msg = DA_BUF_INIT(SMOKE_MAX_FIELD);
	struct da_buf title = DA_BUF_INIT(SMOKE_MAX_FIELD);
	size_t i, done = 0, left = 0;
	int r = 0;

	for (i = 0; r == 0 && i < res->n; i++) {
		const struct da_check_result *cr = &res->r[i];
		struct da_gha_loc loc = {0};

		if (cr->healthy)
			continue;
		if (done >= SMOKE_MAX_ANNOTATIONS) {
			left++;
			continue;
		}
		da_buf_reset(&why);
		da_buf_reset(&title);
		r = failure_text(cr, "; ", &why);
		if (r == 0)
			r = prep(rep, da_buf_str(&why), CLEAN_UTF8, &msg);
		if (r == 0)
			r = prep(rep, check_name(cr), CLEAN_UTF8, &why);
		if (r == 0)
			r = da_buf_addf(&title, "smoke-test: %s",
					da_buf_str(&why));
		if (r < 0) {
			r = nomem(err, "annotations");
			break;
		}
		loc.title = da_buf_str(&title);
		if (rep->spec_file && cr->check && cr->check->line > 0) {
			loc.file = rep->spec_file;
			loc.line = cr->check->line;
		}
		r = da_gha_annotate(gha, out, DA_GHA_ERROR, &loc,
				    da_buf_str(&msg), err);
		done++;
	}
	if (r == 0 && left) {
		struct da_gha_loc loc = {.title = "smoke-test"};

		da_buf_reset(&msg);
		r = da_buf_addf(&msg,
				"%zu more failed check%s; see the job "
				"summary or --json",
				left, left == 1 ? "" : "s");
		if (r == 0)
			r = da_gha_annotate(gha, out, DA_GHA_ERROR, &loc,
					    da_buf_str(&msg), err);
		else
			r = nomem(err, "annotations");
	}
	da_buf_release(&why);
	da_buf_release(&msg);
	da_buf_release(&title);
	return r;
}
