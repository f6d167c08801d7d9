/*
 * clover: Clover XML (OpenClover, Istanbul's clover reporter, PHPUnit) into
 * the coverage model, streamed with common/xml.
 *
 * coverage > project > [package >] file > line. Each <line> is one element
 * of the source: type="stmt" a statement (its count is the line's hits),
 * type="cond" a condition (two branches, taken when truecount > 0 and
 * falsecount > 0; the line's hits are its count, or truecount + falsecount
 * when it has none), type="method" a function (named by its signature or
 * name, else "line N"). Several elements may share a line, so the lines of
 * one <file> are gathered and folded when it closes: a line's hits are the
 * highest count on it and its branches are those of all its conditions.
 *
 * The file is @path, else @name, as written; the caller's path map turns
 * it into a repository path. The project's own <metrics> (statements,
 * conditionals, methods) go to cov_model_summary() as a fallback and a
 * check. <testproject> (OpenClover's coverage of the tests) is left out.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions/coverage-gate/model.h"
#include "common/buf.h"
#include "common/xml.h"

/* Elements of one <file> held until it closes. */
#define DA_MAX_CLOVER_FILE_LINES ((size_t)1 << 24)
/* Branches on one line, summed over its conditions. */
#define DA_MAX_CLOVER_BRANCHES 65536u
/* A mapped path. */
#define DA_MAX_CLOVER_PATH ((size_t)64 << 10)

enum kind {
	K_OTHER,
	K_PROJECT,
	K_FILE,
	K_METRICS,
	K_LINE,
};

struct rec {
	uint64_t hits;
	uint32_t line;
	uint32_t bcov;
	uint32_t btot;
};

struct summary {
	const char *total, *covered;
	enum cov_metric metric;
	uint64_t t, c;
	int ok;
};

struct clo {
	const struct cov_parse *p;
	const char *name;
	struct cov_file *file; /* of the open <file>, else NULL */
	unsigned char kind[DA_MAX_XML_DEPTH + 1];
	struct rec *recs;
	size_t n, cap;
	struct da_buf mapped;
	struct da_buf fname; /* a function name made up for a method */
	int seen_metrics;
	struct summary sum[3];
};

static int bad(const struct da_xml *x, struct da_err *err, int e,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* "cannot read 'f': line L column C: what", returning -e. */
static int bad(const struct da_xml *x, struct da_err *err, int e,
	       const char *fmt, ...)
{
	char what[DA_ERR_MSG_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (n < 0)
		what[0] = '\0';
	return da_err_set(err, e, "cannot read '%s': line %lu column %lu: %s",
			  da_xml_name(x), da_xml_line(x), da_xml_column(x),
			  what);
}

/*
 * A decimal whole number: 0, or -1 not a number, -2 negative, -3 too
 * large for 64 bits.
 */
static int parse_u64(const char *s, uint64_t *ret)
{
	uint64_t v = 0;
	int neg = 0;

	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return -3;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (*s)
		return -1;
	if (neg && v)
		return -2;
	*ret = v;
	return 0;
}

/*
 * A count attribute: 1 and *ret set when present and valid, 0 when
 * missing, or the error.
 */
static int count_attr(const struct da_xml *x, const char **attrs,
		      const char *attr, uint64_t *ret, struct da_err *err)
{
	const char *v = da_xml_attr(attrs, attr);
	int r;

	if (!v)
		return 0;
	r = parse_u64(v, ret);
	if (r == -2)
		return bad(x, err, DA_EINVAL,
			   "negative %s '%s'; counts are 0 or more", attr, v);
	if (r == -3)
		return bad(x, err, DA_EINVAL, "%s '%s' is out of range", attr,
			   v);
	if (r < 0)
		return bad(x, err, DA_EINVAL, "%s '%s' is not a whole number",
			   attr, v);
	return 1;
}

/* Same, for an attribute the element must have. */
static int need_attr(const struct da_xml *x, const char **attrs,
		     const char *attr, const char *type, uint64_t *ret,
		     struct da_err *err)
{
	int r = count_attr(x, attrs, attr, ret, err);

	if (r == 0)
		return bad(x, err, DA_EINVAL, "<line type=\"%s\"> without %s",
			   type, attr);
	return r < 0 ? r : 0;
}

static int rec_cmp(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;

	return (x->line > y->line) - (x->line < y->line);
}

static int rec_add(struct clo *c, const struct da_xml *x, const struct rec *r,
		   struct da_err *err)
{
	struct rec *p;
	size_t cap;

	if (c->n == c->cap) {
		if (c->cap >= DA_MAX_CLOVER_FILE_LINES)
			return bad(x, err, DA_ELIMIT,
				   "more than %zu lines in one <file>",
				   DA_MAX_CLOVER_FILE_LINES);
		cap = c->cap ? c->cap * 2 : 256;
		p = realloc(c->recs, cap * sizeof(*p));
		if (!p)
			return bad(x, err, DA_ENOMEM, "out of memory");
		c->recs = p;
		c->cap = cap;
	}
	c->recs[c->n++] = *r;
	return 0;
}

/* The lines of the <file> that closes, folded by line, into the model. */
static int flush_file(struct clo *c, const struct da_xml *x, struct da_err *err)
{
	size_t i, j;
	int r = 0;

	if (c->n > 1)
		qsort(c->recs, c->n, sizeof(*c->recs), rec_cmp);
	for (i = 0; i < c->n; i = j) {
		struct rec e = c->recs[i];

		for (j = i + 1; j < c->n && c->recs[j].line == e.line; j++) {
			const struct rec *o = &c->recs[j];

			if (o->hits > e.hits)
				e.hits = o->hits;
			e.bcov += o->bcov;
			e.btot += o->btot;
			if (e.btot > DA_MAX_CLOVER_BRANCHES) {
				r = bad(x, err, DA_ELIMIT,
					"more than %u branches on line %u",
					DA_MAX_CLOVER_BRANCHES, e.line);
				goto out;
			}
		}
		r = cov_line_add(c->file, e.line, e.hits, err);
		if (r < 0)
			goto out;
		if (e.btot) {
			r = cov_branch_counts(c->file, e.line, e.bcov, e.btot,
					      err);
			if (r < 0)
				goto out;
		}
	}
out:
	c->n = 0;
	return r;
}

static int on_method(struct clo *c, const struct da_xml *x, const char **attrs,
		     uint32_t line, struct da_err *err)
{
	const char *name = da_xml_attr(attrs, "signature");
	uint64_t count;
	int r;

	if (!name || !*name)
		name = da_xml_attr(attrs, "name");
	if (!name || !*name) {
		da_buf_reset(&c->fname);
		if (da_buf_addf(&c->fname, "line %u", line) < 0)
			return bad(x, err, DA_ENOMEM, "out of memory");
		name = da_buf_str(&c->fname);
	}
	if (strlen(name) > DA_MAX_COV_NAME)
		return bad(x, err, DA_ELIMIT,
			   "method name of %zu bytes, over the limit of %d",
			   strlen(name), DA_MAX_COV_NAME);
	r = need_attr(x, attrs, "count", "method", &count, err);
	if (r < 0)
		return r;
	return cov_function_add(c->file, name, line, count, err);
}

static int on_line(struct clo *c, const struct da_xml *x, const char **attrs,
		   struct da_err *err)
{
	const char *type = da_xml_attr(attrs, "type");
	struct rec e = {0, 0, 0, 0};
	uint64_t num, t, f;
	int r;

	r = count_attr(x, attrs, "num", &num, err);
	if (r == 0)
		return bad(x, err, DA_EINVAL, "<line> without num");
	if (r < 0)
		return r;
	if (num < 1 || num > DA_MAX_COV_LINE)
		return bad(x, err, DA_EINVAL,
			   "line number %llu is out of range 1..%u",
			   (unsigned long long)num, DA_MAX_COV_LINE);
	e.line = (uint32_t)num;
	if (!type)
		return bad(x, err, DA_EINVAL, "<line> without type");
	if (!strcmp(type, "method"))
		return on_method(c, x, attrs, e.line, err);
	if (!strcmp(type, "stmt")) {
		r = need_attr(x, attrs, "count", type, &e.hits, err);
		if (r < 0)
			return r;
		return rec_add(c, x, &e, err);
	}
	if (strcmp(type, "cond"))
		return bad(x, err, DA_EINVAL,
			   "<line> of unknown type '%s'; expected stmt, cond "
			   "or method",
			   type);
	r = need_attr(x, attrs, "truecount", type, &t, err);
	if (r < 0)
		return r;
	r = need_attr(x, attrs, "falsecount", type, &f, err);
	if (r < 0)
		return r;
	r = count_attr(x, attrs, "count", &e.hits, err);
	if (r < 0)
		return r;
	if (r == 0)
		e.hits = t > UINT64_MAX - f ? UINT64_MAX : t + f;
	e.btot = 2;
	e.bcov = (uint32_t)(t > 0) + (uint32_t)(f > 0);
	return rec_add(c, x, &e, err);
}

static int on_file(struct clo *c, const struct da_xml *x, const char **attrs,
		   struct da_err *err)
{
	const char *raw = da_xml_attr(attrs, "path"), *path;
	int r;

	if (!raw || !*raw)
		raw = da_xml_attr(attrs, "name");
	if (!raw || !*raw)
		return bad(x, err, DA_EINVAL, "<file> without path or name");
	path = raw;
	if (c->p->map) {
		da_buf_reset(&c->mapped);
		r = c->p->map(c->p->map_ctx, raw, &c->mapped, err);
		if (r < 0)
			return r;
		path = da_buf_str(&c->mapped);
		if (!*path)
			return bad(x, err, DA_EINVAL,
				   "path '%s' maps to an empty path", raw);
	}
	return cov_file_get(c->p->model, path, &c->file, err);
}

/* The project's own figures; a missing or odd pair is left out. */
static void on_metrics(struct clo *c, const char **attrs)
{
	size_t i;

	c->seen_metrics = 1;
	for (i = 0; i < sizeof(c->sum) / sizeof(c->sum[0]); i++) {
		struct summary *s = &c->sum[i];
		const char *t = da_xml_attr(attrs, s->total);
		const char *v = da_xml_attr(attrs, s->covered);

		s->ok = t && v && parse_u64(t, &s->t) == 0 &&
			parse_u64(v, &s->c) == 0 && s->c <= s->t;
	}
}

static enum kind classify(const char *name)
{
	if (!strcmp(name, "project"))
		return K_PROJECT;
	if (!strcmp(name, "file"))
		return K_FILE;
	if (!strcmp(name, "metrics"))
		return K_METRICS;
	if (!strcmp(name, "line"))
		return K_LINE;
	return K_OTHER;
}

static int on_start(void *ctx, const struct da_xml *x, const char *name,
		    const char **attrs, struct da_err *err)
{
	struct clo *c = ctx;
	int d = da_xml_depth(x);
	enum kind k = classify(name);

	c->kind[d] = (unsigned char)k;
	if (d == 1) {
		if (strcmp(name, "coverage"))
			return bad(x, err, DA_EINVAL,
				   "root element is <%s>, not <coverage>; is "
				   "this a Clover report?",
				   name);
		return 0;
	}
	/* Everything read lies in coverage/project, never testproject. */
	if (c->kind[2] != K_PROJECT)
		return 0;
	switch (k) {
	case K_METRICS:
		if (d == 3 && !c->seen_metrics)
			on_metrics(c, attrs);
		return 0;
	case K_FILE:
		if (c->file)
			return bad(x, err, DA_EINVAL,
				   "<file> inside another <file>");
		return on_file(c, x, attrs, err);
	case K_LINE:
		if (c->file && c->kind[d - 1] == K_FILE)
			return on_line(c, x, attrs, err);
		return 0;
	case K_PROJECT:
	case K_OTHER:
		return 0;
	}
	return 0;
}

static int on_end(void *ctx, const struct da_xml *x, const char *name,
		  const char *text, size_t len, struct da_err *err)
{
	struct clo *c = ctx;
	int r;

	(void)name;
	(void)text;
	(void)len;
	if (c->kind[da_xml_depth(x)] != K_FILE || !c->file ||
	    c->kind[2] != K_PROJECT)
		return 0;
	r = flush_file(c, x, err);
	c->file = NULL;
	return r;
}

int cov_parse_clover(const struct cov_parse *p, const char *path,
		     struct da_err *err)
{
	struct da_xml_handler h = {on_start, on_end, NULL, DA_XML_NO_TEXT, 0};
	struct clo *c;
	size_t i;
	int ret;

	c = calloc(1, sizeof(*c));
	if (!c)
		return da_err_set(err, DA_ENOMEM,
				  "cannot read '%s': out of memory", path);
	c->p = p;
	c->name = path;
	c->sum[0] = (struct summary){
	    "statements", "coveredstatements", COV_STATEMENTS, 0, 0, 0};
	c->sum[1] = (struct summary){
	    "conditionals", "coveredconditionals", COV_BRANCHES, 0, 0, 0};
	c->sum[2] = (struct summary){
	    "methods", "coveredmethods", COV_FUNCTIONS, 0, 0, 0};
	da_buf_init(&c->mapped, DA_MAX_CLOVER_PATH);
	da_buf_init(&c->fname, 64);
	h.ctx = c;
	/* Its summary is checked against this report's files only. */
	cov_model_report_begin(p->model);
	ret = da_xml_parse_file(path, &h, err);
	if (ret < 0)
		goto out;
	for (i = 0; i < sizeof(c->sum) / sizeof(c->sum[0]); i++) {
		if (!c->sum[i].ok)
			continue;
		ret = cov_model_summary(p->model, c->sum[i].metric, c->sum[i].c,
					c->sum[i].t, path, err);
		if (ret < 0)
			goto out;
	}
out:
	da_buf_release(&c->mapped);
	da_buf_release(&c->fname);
	free(c->recs);
	free(c);
	return ret;
}
