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
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions/coverage-gate/model.h"
#include "actions/coverage-gate/parse.h"
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

/* A count attribute the element must have. */
static int need_attr(const struct da_xml *x, const char **attrs,
		     const char *attr, const char *type, uint64_t *ret,
		     struct da_err *err)
{
	int r = cov_count_attr(x, attrs, attr, ret, err);

	if (r == 0)
		return cov_xml_fail(x, err, DA_EINVAL,
				    "<line type=\"%s\"> without %s", type,
				    attr);
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
			return cov_xml_fail(x, err, DA_ELIMIT,
					    "more than %zu lines in one <file>",
					    DA_MAX_CLOVER_FILE_LINES);
		cap = c->cap ? c->cap * 2 : 256;
		p = realloc(c->recs, cap * sizeof(*p));
		if (!p)
			return cov_xml_fail(x, err, DA_ENOMEM, "out of memory");
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
				r = cov_xml_fail(
				    x, err, DA_ELIMIT,
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
			return cov_xml_fail(x, err, DA_ENOMEM, "out of memory");
		name = da_buf_str(&c->fname);
	}
	if (strlen(name) > DA_MAX_COV_NAME)
		return cov_xml_fail(
		    x, err, DA_ELIMIT,
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

	r = cov_count_attr(x, attrs, "num", &num, err);
	if (r == 0)
		return cov_xml_fail(x, err, DA_EINVAL, "<line> without num");
	if (r < 0)
		return r;
	if (num < 1 || num > DA_MAX_COV_LINE)
		return cov_xml_fail(x, err, DA_EINVAL,
				    "line number %llu is out of range 1..%u",
				    (unsigned long long)num, DA_MAX_COV_LINE);
	e.line = (uint32_t)num;
	if (!type)
		return cov_xml_fail(x, err, DA_EINVAL, "<line> without type");
	if (!strcmp(type, "method"))
		return on_method(c, x, attrs, e.line, err);
	if (!strcmp(type, "stmt")) {
		r = need_attr(x, attrs, "count", type, &e.hits, err);
		if (r < 0)
			return r;
		return rec_add(c, x, &e, err);
	}
	if (strcmp(type, "cond") != 0)
		return cov_xml_fail(
		    x, err, DA_EINVAL,
		    "<line> of unknown type '%s'; expected stmt, cond "
		    "or method",
		    type);
	r = need_attr(x, attrs, "truecount", type, &t, err);
	if (r < 0)
		return r;
	r = need_attr(x, attrs, "falsecount", type, &f, err);
	if (r < 0)
		return r;
	r = cov_count_attr(x, attrs, "count", &e.hits, err);
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
	const char *raw = da_xml_attr(attrs, "path");
	int r;

	if (!raw || !*raw)
		raw = da_xml_attr(attrs, "name");
	if (!raw || !*raw)
		return cov_xml_fail(x, err, DA_EINVAL,
				    "<file> without path or name");
	r = cov_map_file(c->p, raw, &c->mapped, &c->file, err);
	return r < 0 ? cov_xml_where(x, r, err) : 0;
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

		s->ok = t && v && cov_parse_count(t, &s->t) == 0 &&
			cov_parse_count(v, &s->c) == 0 && s->c <= s->t;
	}
}

static enum kind classify(const char *name)
{
	static const char *const names[] = {"?", "project", "file", "metrics",
					    "line"};

	return (enum kind)cov_xml_kind(name, names,
				       sizeof(names) / sizeof(names[0]));
}

static int on_start(void *ctx, const struct da_xml *x, const char *name,
		    const char **attrs, struct da_err *err)
{
	struct clo *c = ctx;
	int d = da_xml_depth(x);
	enum kind k = classify(name);

	c->kind[d] = (unsigned char)k;
	if (d == 1) {
		return cov_xml_root(x, name, "coverage", "Clover", err);
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
			return cov_xml_fail(x, err, DA_EINVAL,
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
