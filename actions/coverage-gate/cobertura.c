/*
 * cobertura: Cobertura XML (coverage-04.dtd and what real tools write) into
 * the coverage model, streamed with common/xml.
 *
 * Only coverage//class/lines/line is read: the same lines repeated under
 * class/methods/method/lines are left out. A file may appear in several
 * <class> elements (inner and partial classes), so every line is first
 * collected in a table of this report, keyed by (file, line), where a line
 * seen twice keeps its highest hit count and its widest branch figure; the
 * table goes into the model only once the whole report has been read. It
 * is compacted as it grows, so it holds about one entry per distinct line.
 *
 * class@filename is kept as written (relative to one of the report's
 * <source> roots, or absolute); the caller's path map turns it into a
 * repository path. The text of each coverage/sources/source, trimmed, goes
 * to the caller's root function (when there is one) as soon as its end
 * tag is read: real reports put <sources> before <packages>, and a
 * <source> that comes after some classes applies only to the classes
 * after it, since those before were mapped already.
 *
 * The root attributes lines-covered/lines-valid and
 * branches-covered/branches-valid are handed to cov_model_summary(): they
 * are a fallback and a check, never the figure itself. Missing or "NaN"
 * root attributes are tolerated; line attributes are not.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "actions/coverage-gate/model.h"
#include "actions/coverage-gate/parse.h"
#include "common/buf.h"
#include "common/xml.h"

/* Distinct (file, line) entries one report may hold. */
#define DA_MAX_COBERTURA_LINES ((size_t)1 << 24)
/* Branches on one line, as condition-coverage "(a/b)" gives them. */
#define DA_MAX_COBERTURA_BRANCHES 65536u
/* A mapped path. */
#define DA_MAX_COBERTURA_PATH ((size_t)64 << 10)

enum kind {
	K_OTHER,
	K_CLASS,
	K_LINES,
	K_LINE,
	K_SOURCES,
	K_SOURCE,
};

struct rec {
	struct cov_file *file;
	uint64_t hits;
	uint32_t line;
	uint32_t bcov; /* branches covered of btot; btot 0: no branches */
	uint32_t btot;
};

struct cob {
	const struct cov_parse *p;
	const char *name;
	struct cov_file *file; /* of the open <class>, else NULL */
	unsigned char kind[DA_MAX_XML_DEPTH + 1];
	struct rec *recs;
	size_t n, cap;
	struct da_buf mapped;
	int have_lines, have_branches;
	uint64_t lines_cov, lines_val, br_cov, br_val;
};

/* A count attribute that must be there and be a whole number >= 0. */
static int count_attr(const struct da_xml *x, const char **attrs,
		      const char *attr, uint64_t *ret, struct da_err *err)
{
	int r = cov_count_attr(x, attrs, attr, ret, err);

	if (r == 0)
		return cov_xml_fail(x, err, DA_EINVAL, "<line> without %s",
				    attr);
	return r < 0 ? r : 0;
}

/* A root summary figure; missing, "NaN" or junk leaves *ok at 0. */
static void summary_attr(const char **attrs, const char *attr, uint64_t *ret,
			 int *ok)
{
	const char *v = da_xml_attr(attrs, attr);

	if (!v || cov_parse_count(v, ret) < 0)
		*ok = 0;
}

static int rec_cmp(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;
	uintptr_t fx = (uintptr_t)x->file, fy = (uintptr_t)y->file;

	if (fx != fy)
		return fx < fy ? -1 : 1;
	return (x->line > y->line) - (x->line < y->line);
}

/* Sorts the table and folds entries of one (file, line) together. */
static void compact(struct cob *c)
{
	size_t i, o = 0;

	if (c->n < 2)
		return;
	qsort(c->recs, c->n, sizeof(*c->recs), rec_cmp);
	for (i = 1; i < c->n; i++) {
		struct rec *a = &c->recs[o], *b = &c->recs[i];

		if (a->file != b->file || a->line != b->line) {
			c->recs[++o] = *b;
			continue;
		}
		if (b->hits > a->hits)
			a->hits = b->hits;
		if (b->btot > a->btot) {
			a->btot = b->btot;
			a->bcov = b->bcov;
		} else if (b->btot == a->btot && b->bcov > a->bcov) {
			a->bcov = b->bcov;
		}
	}
	c->n = o + 1;
}

static int rec_add(struct cob *c, const struct da_xml *x, const struct rec *r,
		   struct da_err *err)
{
	struct rec *p;
	size_t cap;

	if (c->n == c->cap) {
		/* Folding duplicates first keeps it at distinct lines. */
		if (c->n >= 4096)
			compact(c);
		if (c->n > c->cap / 4 * 3 || c->cap == 0) {
			if (c->cap >= DA_MAX_COBERTURA_LINES)
				return cov_xml_fail(
				    x, err, DA_ELIMIT,
				    "more than %zu distinct lines",
				    DA_MAX_COBERTURA_LINES);
			cap = c->cap ? c->cap * 2 : 1024;
			p = realloc(c->recs, cap * sizeof(*p));
			if (!p)
				return cov_xml_fail(x, err, DA_ENOMEM,
						    "out of memory");
			c->recs = p;
			c->cap = cap;
		}
	}
	c->recs[c->n++] = *r;
	return 0;
}

/* "50% (1/2)": the figures in parentheses. */
static int parse_condition(const char *s, uint32_t *ret_cov, uint32_t *ret_tot)
{
	const char *open = strchr(s, '('), *slash, *close;
	char num[24];
	uint64_t a, b;
	size_t n;

	if (!open)
		return -1;
	slash = strchr(open, '/');
	close = slash ? strchr(slash, ')') : NULL;
	if (!close || close[1] != '\0')
		return -1;
	n = (size_t)(slash - open - 1);
	if (n == 0 || n >= sizeof(num))
		return -1;
	memcpy(num, open + 1, n);
	num[n] = '\0';
	if (cov_parse_count(num, &a) < 0 || num[0] == '-' || num[0] == '+')
		return -1;
	n = (size_t)(close - slash - 1);
	if (n == 0 || n >= sizeof(num))
		return -1;
	memcpy(num, slash + 1, n);
	num[n] = '\0';
	if (cov_parse_count(num, &b) < 0 || num[0] == '-' || num[0] == '+')
		return -1;
	if (a > b || b > UINT32_MAX)
		return -1;
	*ret_cov = (uint32_t)a;
	*ret_tot = (uint32_t)b;
	return 0;
}

static int on_line(struct cob *c, const struct da_xml *x, const char **attrs,
		   struct da_err *err)
{
	const char *branch, *cond;
	struct rec r = {c->file, 0, 0, 0, 0};
	uint64_t num;
	int r2;

	r2 = count_attr(x, attrs, "number", &num, err);
	if (r2 < 0)
		return r2;
	if (num < 1 || num > DA_MAX_COV_LINE)
		return cov_xml_fail(x, err, DA_EINVAL,
				    "line number %llu is out of range 1..%u",
				    (unsigned long long)num, DA_MAX_COV_LINE);
	r.line = (uint32_t)num;
	r2 = count_attr(x, attrs, "hits", &r.hits, err);
	if (r2 < 0)
		return r2;
	branch = da_xml_attr(attrs, "branch");
	cond = da_xml_attr(attrs, "condition-coverage");
	/* coverlet writes "True"; branch="false" means no branches. */
	if (cond && (!branch || !strcasecmp(branch, "true"))) {
		if (parse_condition(cond, &r.bcov, &r.btot) < 0)
			return cov_xml_fail(
			    x, err, DA_EINVAL,
			    "condition-coverage '%s' is not like "
			    "'50%% (1/2)'",
			    cond);
		if (r.btot > DA_MAX_COBERTURA_BRANCHES)
			return cov_xml_fail(
			    x, err, DA_ELIMIT,
			    "%u branches on one line, over the limit "
			    "of %u",
			    r.btot, DA_MAX_COBERTURA_BRANCHES);
	}
	return rec_add(c, x, &r, err);
}

static int on_class(struct cob *c, const struct da_xml *x, const char **attrs,
		    struct da_err *err)
{
	const char *raw = da_xml_attr(attrs, "filename");
	int r;

	if (!raw || !*raw)
		return cov_xml_fail(x, err, DA_EINVAL,
				    "<class> without filename");
	r = cov_map_file(c->p, raw, &c->mapped, &c->file, err);
	return r < 0 ? cov_xml_where(x, r, err) : 0;
}

static void on_root(struct cob *c, const char **attrs)
{
	c->have_lines = c->have_branches = 1;
	summary_attr(attrs, "lines-covered", &c->lines_cov, &c->have_lines);
	summary_attr(attrs, "lines-valid", &c->lines_val, &c->have_lines);
	summary_attr(attrs, "branches-covered", &c->br_cov, &c->have_branches);
	summary_attr(attrs, "branches-valid", &c->br_val, &c->have_branches);
	if (c->lines_cov > c->lines_val)
		c->have_lines = 0;
	if (c->br_cov > c->br_val)
		c->have_branches = 0;
}

static enum kind classify(const char *name)
{
	static const char *const names[] = {"?",    "class",   "lines",
					    "line", "sources", "source"};

	return (enum kind)cov_xml_kind(name, names,
				       sizeof(names) / sizeof(names[0]));
}

static int on_start(void *ctx, const struct da_xml *x, const char *name,
		    const char **attrs, struct da_err *err)
{
	struct cob *c = ctx;
	int d = da_xml_depth(x), r;
	enum kind k = classify(name);

	c->kind[d] = (unsigned char)k;
	if (d == 1) {
		r = cov_xml_root(x, name, "coverage", "Cobertura", err);
		if (r == 0)
			on_root(c, attrs);
		return r;
	}
	if (k == K_CLASS) {
		if (c->file)
			return cov_xml_fail(x, err, DA_EINVAL,
					    "<class> inside another <class>");
		return on_class(c, x, attrs, err);
	}
	/* Only class/lines/line: never methods/method/lines/line. */
	if (k == K_LINE && d >= 3 && c->kind[d - 1] == K_LINES &&
	    c->kind[d - 2] == K_CLASS && c->file)
		return on_line(c, x, attrs, err);
	return 0;
}

/* A <source> root, trimmed, to the caller; an empty one says nothing. */
static int on_source(struct cob *c, const struct da_xml *x, const char *text,
		     size_t len, struct da_err *err)
{
	int r;

	while (len > 0 && isspace((unsigned char)*text)) {
		text++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)text[len - 1]))
		len--;
	if (len == 0)
		return 0;
	da_buf_reset(&c->mapped);
	if (da_buf_add(&c->mapped, text, len) < 0)
		return cov_xml_fail(x, err, DA_ELIMIT,
				    "<source> longer than %zu bytes",
				    DA_MAX_COBERTURA_PATH);
	r = c->p->root(c->p->map_ctx, da_buf_str(&c->mapped), err);
	return r < 0 ? cov_xml_where(x, r, err) : 0;
}

static int on_end(void *ctx, const struct da_xml *x, const char *name,
		  const char *text, size_t len, struct da_err *err)
{
	struct cob *c = ctx;
	int d = da_xml_depth(x);

	(void)name;
	if (c->kind[d] == K_CLASS)
		c->file = NULL;
	if (c->kind[d] == K_SOURCE && d == 3 && c->kind[2] == K_SOURCES &&
	    c->p->root)
		return on_source(c, x, text, len, err);
	return 0;
}

/* The collected lines and branches into the model, then the summary. */
static int flush(struct cob *c, struct da_err *err)
{
	size_t i;
	int r;

	compact(c);
	for (i = 0; i < c->n; i++) {
		const struct rec *e = &c->recs[i];

		r = cov_line_add(e->file, e->line, e->hits, err);
		if (r < 0)
			return r;
		if (e->btot) {
			r = cov_branch_counts(e->file, e->line, e->bcov,
					      e->btot, err);
			if (r < 0)
				return r;
		}
	}
	if (c->have_lines) {
		r = cov_model_summary(c->p->model, COV_LINES, c->lines_cov,
				      c->lines_val, c->name, err);
		if (r < 0)
			return r;
	}
	if (c->have_branches) {
		r = cov_model_summary(c->p->model, COV_BRANCHES, c->br_cov,
				      c->br_val, c->name, err);
		if (r < 0)
			return r;
	}
	return 0;
}

int cov_parse_cobertura(const struct cov_parse *p, const char *path,
			struct da_err *err)
{
	struct da_xml_handler h = {on_start, on_end, NULL, DA_XML_NO_TEXT, 0};
	struct cob *c;
	int ret;

	c = calloc(1, sizeof(*c));
	if (!c)
		return da_err_set(err, DA_ENOMEM,
				  "cannot read '%s': out of memory", path);
	c->p = p;
	c->name = path;
	/* Text is collected only when someone wants the <source> roots. */
	if (p->root)
		h.flags &= ~(unsigned)DA_XML_NO_TEXT;
	da_buf_init(&c->mapped, DA_MAX_COBERTURA_PATH);
	h.ctx = c;
	/* Its summary is checked against this report's files only. */
	cov_model_report_begin(p->model);
	ret = da_xml_parse_file(path, &h, err);
	if (ret < 0)
		goto out;
	ret = flush(c, err);
out:
	da_buf_release(&c->mapped);
	free(c->recs);
	free(c);
	return ret;
}
