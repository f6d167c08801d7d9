/*
 * report: coverage-gate's result as Markdown (job summary and pull
 * request comment), JSON, terminal text, an SVG badge, step outputs and
 * annotations. See report.h.
 */
#include "actions/coverage-gate/report.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "common/github.h"
#include "common/json.h"
#include "common/utf8.h"
#include "common/xml.h"

/* Bytes of one name (a path, a glob, a note) shown; longer ones are cut. */
#define MAX_NAME 1024
/* Bytes of the title shown. */
#define MAX_TITLE 256
/* Bytes of the uncovered-line ranges of one file in one table cell. */
#define MAX_RANGES_CELL 1000
/* Failed (or warned) checks named in the verdict line. */
#define MAX_REASONS 3
/* Text, JSON and badge documents at most this long in memory. */
#define MAX_DOC ((size_t)256 << 20)
/* Room kept in every section for its "… N more files omitted" line. */
#define OMIT_RESERVE 64
/* Room kept at the end for "… N more sections omitted" (< 64 bytes). */
#define TAIL_RESERVE 64

#define ELLIPSIS "\xe2\x80\xa6" /* … */
#define DASH "\xe2\x80\x93"	/* – */

/* What clean() does besides making text valid UTF-8. */
enum {
	CLEAN_UTF8, /* only that */
	CLEAN_TEXT, /* also control characters become '?' (a terminal) */
};

static int buf_fail(struct da_err *err, int r, const char *what)
{
	if (r == -DA_ELIMIT)
		return da_err_set(err, DA_ELIMIT,
				  "cannot build the %s: it is too large", what);
	return da_err_set(err, DA_ENOMEM, "cannot build the %s: out of memory",
			  what);
}

/*
 * Appends s (NULL reads as "") as valid UTF-8, invalid bytes replaced by
 * U+FFFD and, for a terminal, control characters by '?'. At most max
 * bytes of s are kept (0: all); a longer s is cut at a character and
 * ends with "…".
 */
static int clean(struct da_buf *out, const char *s, int mode, size_t max)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = strlen((const char *)p), i = 0, len;
	uint32_t cp;
	int r = 0;

	while (i < n && r == 0) {
		len = da_utf8_seq(p + i, n - i, &cp);
		if (max && i + (len ? len : 1) > max)
			return da_buf_adds(out, ELLIPSIS);
		if (len == 0) {
			r = da_buf_adds(out, "\xef\xbf\xbd");
			i++;
		} else if (mode == CLEAN_TEXT &&
			   (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))) {
			r = da_buf_addch(out, '?');
			i += len;
		} else {
			r = da_buf_add(out, p + i, len);
			i += len;
		}
	}
	return r;
}

/*
 * Appends s as Markdown text that cannot start markup: da_gha_md_cell()
 * (pipes, emphasis, HTML, line breaks), and also '[' and ']' (links) and
 * '$' (GitHub's math) as character references. Safe in a table cell and
 * in a paragraph after a fixed word.
 */
static int md_text(struct da_buf *out, const char *s, size_t max)
{
	struct da_buf tmp = DA_BUF_INIT(0);
	char *p, *q, c;
	int r;

	r = clean(&tmp, s, CLEAN_UTF8, max);
	for (p = tmp.data; r == 0 && p && *p; p = q) {
		q = p + strcspn(p, "[]$");
		c = *q;
		*q = '\0';
		r = da_gha_md_cell(out, p);
		*q = c;
		if (r == 0 && c)
			r = da_buf_adds(out, c == '['	? "&#91;"
					     : c == ']' ? "&#93;"
							: "&#36;");
		if (c)
			q++;
	}
	da_buf_release(&tmp);
	return r;
}

/* ---- figures ---- */

/* "79.99%", or "n/a" when there is nothing to count. */
static int add_pct(struct da_buf *out, struct cov_count c)
{
	char b[COV_PCT_SIZE];

	if (c.total == 0 || !cov_pct_format(c, b, sizeof(b)) || !*b)
		return da_buf_adds(out, "n/a");
	return da_buf_addf(out, "%s%%", b);
}

/* "79.99% (7999/10000)", or "n/a". */
static int add_figure(struct da_buf *out, struct cov_count c)
{
	int r = add_pct(out, c);

	if (r == 0 && c.total)
		r = da_buf_addf(out, " (%" PRIu64 "/%" PRIu64 ")", c.covered,
				c.total);
	return r;
}

/* The percentage as a string for JSON and outputs: "79.99" or "". */
static const char *pct_str(struct cov_count c, char *b, size_t size)
{
	if (c.total == 0 || !cov_pct_format(c, b, size))
		b[0] = '\0';
	return b;
}

static const char *thr_str(struct cov_pct p, char *b, size_t size)
{
	if (!cov_pct_str(p, b, size))
		b[0] = '\0';
	return b;
}

/* "1.25" of a delta "-1.25": the drop without its sign. */
static const char *unsigned_delta(const char *d)
{
	return (*d == '-' || *d == '+') ? d + 1 : d;
}

static const char *band_icon(enum cov_band band)
{
	switch (band) {
	case COV_BAND_PASS:
		return "\xe2\x9c\x85"; /* ✅ */
	case COV_BAND_WARN:
		return "\xe2\x9a\xa0\xef\xb8\x8f"; /* ⚠️ */
	case COV_BAND_FAIL:
		return "\xe2\x9d\x8c"; /* ❌ */
	case COV_BAND_SKIP:
		break;
	}
	return "\xe2\x8f\xad\xef\xb8\x8f"; /* ⏭️ */
}

static const char *scope_name(enum cov_scope scope)
{
	switch (scope) {
	case COV_SCOPE_TOTAL:
		return "total";
	case COV_SCOPE_FILE:
		return "file";
	case COV_SCOPE_GROUP:
		return "group";
	case COV_SCOPE_CHANGED:
		return "changed";
	case COV_SCOPE_BASELINE:
		return "baseline";
	case COV_SCOPE_EMPTY:
		return "empty";
	case COV_SCOPE_UNMATCHED:
		break;
	}
	return "unmatched";
}

static const char *metric_name(enum cov_metric m)
{
	const char *s = (unsigned)m < COV__METRICS ? cov_metric_name(m) : NULL;

	return s ? s : "lines";
}

static const char *title_of(const struct cov_report_ctx *ctx)
{
	const char *t = ctx->title;

	while (t && (*t == ' ' || *t == '\t'))
		t++;
	return t && *t ? t : "Coverage";
}

/* A name is added by the caller's writer: escaped, or cleaned for a TTY. */
enum { AS_MD, AS_TEXT };

static int add_name(struct da_buf *out, const char *s, int as)
{
	if (as == AS_MD)
		return md_text(out, s, MAX_NAME);
	return clean(out, s, CLEAN_TEXT, MAX_NAME);
}

/* The title without trailing blanks (they would break the bold). */
static int add_title(struct da_buf *out, const struct cov_report_ctx *ctx,
		     int as)
{
	struct da_buf t = DA_BUF_INIT(0);
	int r;

	r = da_buf_adds(&t, title_of(ctx));
	while (r == 0 && t.len &&
	       (t.data[t.len - 1] == ' ' || t.data[t.len - 1] == '\t'))
		da_buf_truncate(&t, t.len - 1);
	if (r == 0)
		r = as == AS_MD
			? md_text(out, da_buf_str(&t), MAX_TITLE)
			: clean(out, da_buf_str(&t), CLEAN_TEXT, MAX_TITLE);
	da_buf_release(&t);
	return r;
}

/*
 * What a check is about, lower-case, for the verdict line and the text:
 * "lines", "file src/a.c", "path group libs/...", "changed lines".
 */
static int check_subject(struct da_buf *out, const struct cov_check *c, int as)
{
	int r = 0;

	switch (c->scope) {
	case COV_SCOPE_TOTAL:
		return da_buf_adds(out, metric_name(c->metric));
	case COV_SCOPE_FILE:
		/* A skipped check has no worst file to name. */
		if (!c->name || c->count.total == 0)
			return da_buf_adds(out, "every file");
		r = da_buf_adds(out, "file ");
		return r ? r : add_name(out, c->name, as);
	case COV_SCOPE_GROUP:
		r = da_buf_adds(out, "path group ");
		if (r == 0)
			r = add_name(out, c->name, as);
		if (r == 0 && c->metric != COV_LINES)
			r = da_buf_addf(out, " %s", metric_name(c->metric));
		return r;
	case COV_SCOPE_CHANGED:
		return da_buf_adds(out, "changed lines");
	case COV_SCOPE_BASELINE:
		if (c->count.total == 0 && c->base.total == 0)
			return da_buf_adds(out, "baseline");
		return da_buf_addf(out, "%s against the baseline",
				   metric_name(c->metric));
	case COV_SCOPE_EMPTY:
		return da_buf_adds(out, "reports");
	case COV_SCOPE_UNMATCHED:
		break;
	}
	return da_buf_adds(out, "unmatched report files");
}

/* The threshold a band was decided by: fail's for fail, else warn's. */
static int band_threshold(const struct cov_check *c, struct cov_pct *ret)
{
	if (c->band == COV_BAND_FAIL && c->t.has_fail) {
		*ret = c->t.fail;
		return 1;
	}
	if (c->band == COV_BAND_WARN && c->t.has_warn) {
		*ret = c->t.warn;
		return 1;
	}
	return 0;
}

/*
 * Why a check failed or warned, in one clause: "lines 79.99% is below
 * 80%", "lines dropped 1.25 points from the baseline (81.25% to 80.00%)".
 */
static int check_reason(struct da_buf *out, const struct cov_report_ctx *ctx,
			const struct cov_check *c, int as, int counts)
{
	int (*fig)(struct da_buf *, struct cov_count) =
	    counts ? add_figure : add_pct;
	char t[COV_PCT_SIZE], d[COV_PCT_SIZE];
	struct cov_pct p;
	int r;

	if ((c->scope == COV_SCOPE_EMPTY || c->scope == COV_SCOPE_UNMATCHED) &&
	    c->note && *c->note)
		return add_name(out, c->note, as);
	if (c->scope == COV_SCOPE_EMPTY)
		return da_buf_adds(out, "the reports hold no lines");
	if (c->scope == COV_SCOPE_UNMATCHED)
		return da_buf_addf(out,
				   "%zu report file%s match no file in the "
				   "repository",
				   ctx->nunmatched,
				   ctx->nunmatched == 1 ? "" : "s");
	if (c->scope == COV_SCOPE_BASELINE) {
		r = da_buf_addf(out, "%s dropped ", metric_name(c->metric));
		if (r == 0 && cov_pct_delta(c->count, c->base, d, sizeof(d)))
			r = da_buf_addf(out, "%s points ", unsigned_delta(d));
		if (r == 0)
			r = da_buf_adds(out, "from the baseline (");
		if (r == 0)
			r = fig(out, c->base);
		if (r == 0)
			r = da_buf_adds(out, " to ");
		if (r == 0)
			r = fig(out, c->count);
		if (r == 0)
			r = da_buf_addch(out, ')');
		if (r == 0 && ctx->policy && ctx->policy->has_max_drop)
			r = da_buf_addf(
			    out, ", more than %s",
			    thr_str(ctx->policy->max_drop, t, sizeof(t)));
		return r;
	}
	r = check_subject(out, c, as);
	if (r == 0)
		r = da_buf_addch(out, ' ');
	if (r == 0)
		r = fig(out, c->count);
	if (r == 0 && band_threshold(c, &p))
		r = da_buf_addf(out, " is below %s%%",
				thr_str(p, t, sizeof(t)));
	if (r == 0 && c->scope == COV_SCOPE_FILE &&
	    ctx->result->files_below > 1)
		r = da_buf_addf(out, " (%zu files below)",
				ctx->result->files_below);
	return r;
}

int cov_report_check_line(const struct cov_report_ctx *ctx,
			  const struct cov_check *c, struct da_buf *out,
			  struct da_err *err)
{
	size_t start = out->len;
	int r = check_reason(out, ctx, c, AS_TEXT, 1);

	if (r < 0) {
		da_buf_truncate(out, start);
		return buf_fail(err, r, "message");
	}
	return 0;
}

/* The check whose figure a passing verdict shows: the main metric's total. */
static const struct cov_check *main_check(const struct cov_report_ctx *ctx)
{
	const struct cov_result *res = ctx->result;
	enum cov_metric m = ctx->policy ? ctx->policy->metric : COV_LINES;
	const struct cov_check *first = NULL;
	size_t i;

	for (i = 0; i < res->nchecks; i++) {
		if (res->checks[i].scope != COV_SCOPE_TOTAL)
			continue;
		if (res->checks[i].metric == m)
			return &res->checks[i];
		if (!first)
			first = &res->checks[i];
	}
	return first;
}

/*
 * The verdict in one line, for the tired reader: "Coverage failed: lines
 * 79.99% is below 80%; changed lines 50.00% is below 90%". as AS_MD makes
 * the first words bold.
 */
static int verdict_line(struct da_buf *out, const struct cov_report_ctx *ctx,
			int as)
{
	const struct cov_result *res = ctx->result;
	enum cov_band v = res->verdict;
	const char *word = v == COV_BAND_FAIL	? "failed"
			   : v == COV_BAND_WARN ? "passed with warnings"
						: "passed";
	const struct cov_check *mc;
	char t[COV_PCT_SIZE];
	size_t i, n = 0, more = 0;
	int r;

	r = da_buf_adds(out, as == AS_MD ? "**" : "");
	if (r == 0)
		r = add_title(out, ctx, as);
	if (r == 0)
		r = da_buf_addf(out, " %s%s", word, as == AS_MD ? "**" : "");
	for (i = 0; r == 0 && v != COV_BAND_PASS && i < res->nchecks; i++) {
		if (res->checks[i].band != v)
			continue;
		if (n >= MAX_REASONS) {
			more++;
			continue;
		}
		r = da_buf_adds(out, n++ ? "; " : ": ");
		if (r == 0)
			r = check_reason(out, ctx, &res->checks[i], as, 0);
	}
	if (r == 0 && more)
		r = da_buf_addf(out, "; and %zu more", more);
	if (r || v != COV_BAND_PASS)
		return r;
	mc = main_check(ctx);
	if (!mc)
		return 0;
	if (mc->band == COV_BAND_SKIP && mc->note && *mc->note) {
		r = da_buf_adds(out, ": ");
		return r ? r : add_name(out, mc->note, as);
	}
	r = da_buf_addf(out, ": %s ", metric_name(mc->metric));
	if (r == 0)
		r = add_figure(out, mc->count);
	if (r == 0 && mc->t.has_warn)
		r = da_buf_addf(out, ", at least %s%%",
				thr_str(mc->t.warn, t, sizeof(t)));
	else if (r == 0 && mc->t.has_fail)
		r = da_buf_addf(out, ", at least %s%%",
				thr_str(mc->t.fail, t, sizeof(t)));
	return r;
}

/* ---- Markdown with a budget ---- */

/*
 * The Markdown writer. Sections are built one at a time in sec, rows in
 * row; a row goes in only while the section, the row and the room for an
 * "omitted" line still fit what is left of the budget, so that the text
 * is always complete Markdown and never longer than the budget.
 */
struct md {
	const struct cov_report_ctx *ctx;
	struct da_buf *out;
	size_t start, budget;
	size_t dropped; /* whole sections left out */
	int stop;	/* a section was cut: the rest are left out */
	struct da_buf sec, row;
	size_t rows, omitted;
	int full;
	int r;
	/* Metrics with a figure, the columns of file and group tables. */
	enum cov_metric cols[COV__METRICS];
	size_t ncols;
};

static size_t md_room(const struct md *w)
{
	size_t used = w->out->len - w->start;

	if (used + TAIL_RESERVE >= w->budget)
		return 0;
	return w->budget - used - TAIL_RESERVE;
}

static void sec_begin(struct md *w)
{
	da_buf_reset(&w->sec);
	da_buf_reset(&w->row);
	w->rows = w->omitted = 0;
	w->full = 0;
}

/* Puts the row built in w->row into the section, or counts it out. */
static void row_end(struct md *w)
{
	if (w->r == 0 && !w->full &&
	    w->sec.len + w->row.len + OMIT_RESERVE <= md_room(w)) {
		w->r = da_buf_add(&w->sec, da_buf_str(&w->row), w->row.len);
		w->rows++;
	} else {
		w->full = 1;
		w->omitted++;
	}
	da_buf_reset(&w->row);
}

/*
 * Ends the section: its "omitted" line, then into out if it fits. noun is
 * a plural ("files"); one is said without its 's'. Priority is strict:
 * once a section was cut or left out, every later one is left out too,
 * so that a lesser section never shows in place of a greater one. A
 * table none of whose rows fit is left out rather than shown empty.
 */
static void sec_end(struct md *w, const char *noun)
{
	size_t n = strlen(noun);

	if (w->r)
		return;
	if (w->stop || (w->omitted && w->rows == 0)) {
		w->dropped++;
		w->stop = 1;
		return;
	}
	if (w->omitted) {
		if (w->omitted == 1 && n > 1)
			n--;
		w->r = da_buf_addf(&w->sec,
				   "\n" ELLIPSIS " %zu more %.*s omitted\n",
				   w->omitted, (int)n, noun);
		w->stop = 1;
	}
	if (w->r)
		return;
	if (w->sec.len <= md_room(w)) {
		w->r = da_buf_add(w->out, da_buf_str(&w->sec), w->sec.len);
	} else {
		w->dropped++;
		w->stop = 1;
	}
}

/* row += s escaped, for a table cell: " s |". */
static void cell(struct md *w, const char *s)
{
	if (w->r == 0)
		w->r = da_buf_addch(&w->row, ' ');
	if (w->r == 0)
		w->r = md_text(&w->row, s, MAX_NAME);
	if (w->r == 0)
		w->r = da_buf_adds(&w->row, " |");
}

static void cell_figure(struct md *w, struct cov_count c)
{
	if (w->r == 0)
		w->r = da_buf_addch(&w->row, ' ');
	if (w->r == 0)
		w->r = add_figure(&w->row, c);
	if (w->r == 0)
		w->r = da_buf_adds(&w->row, " |");
}

/* " fail < 80%, warn < 90% |" or " – |". */
static void cell_threshold(struct md *w, const struct cov_threshold *t)
{
	char a[COV_PCT_SIZE], b[COV_PCT_SIZE];

	if (w->r)
		return;
	if (t->has_fail && t->has_warn)
		w->r = da_buf_addf(&w->row, " fail < %s%%, warn < %s%% |",
				   thr_str(t->fail, a, sizeof(a)),
				   thr_str(t->warn, b, sizeof(b)));
	else if (t->has_fail)
		w->r = da_buf_addf(&w->row, " fail < %s%% |",
				   thr_str(t->fail, a, sizeof(a)));
	else if (t->has_warn)
		w->r = da_buf_addf(&w->row, " warn < %s%% |",
				   thr_str(t->warn, b, sizeof(b)));
	else
		w->r = da_buf_adds(&w->row, " " DASH " |");
}

static void cell_band(struct md *w, enum cov_band band)
{
	if (w->r == 0)
		w->r = da_buf_addf(&w->row, " %s %s |", band_icon(band),
				   cov_band_name(band));
}

/* The table's header and delimiter rows for the metric columns. */
static void metric_header(struct md *w, const char *first, const char *more,
			  const char *align)
{
	size_t i;

	if (w->r == 0)
		w->r = da_buf_addf(&w->sec, "| %s |%s", first, more);
	for (i = 0; w->r == 0 && i < w->ncols; i++) {
		const char *n = metric_name(w->cols[i]);

		w->r = da_buf_addf(&w->sec, " %c%s |", n[0] - 'a' + 'A', n + 1);
	}
	if (w->r == 0)
		w->r = da_buf_addf(&w->sec, "\n|---|%s", align);
	for (i = 0; w->r == 0 && i < w->ncols; i++)
		w->r = da_buf_adds(&w->sec, "--:|");
	if (w->r == 0)
		w->r = da_buf_addch(&w->sec, '\n');
}

/* The check of scope and metric (and name, when given), or NULL. */
static const struct cov_check *find_check(const struct cov_result *res,
					  enum cov_scope scope,
					  enum cov_metric m, const char *name)
{
	size_t i;

	for (i = 0; i < res->nchecks; i++) {
		const struct cov_check *c = &res->checks[i];

		if (c->scope != scope || c->metric != m)
			continue;
		if (name && (!c->name || strcmp(c->name, name) != 0))
			continue;
		return c;
	}
	return NULL;
}

/* The verdict line first, cut to a shorter form when the budget is tiny. */
static void md_verdict(struct md *w)
{
	const struct cov_report_ctx *ctx = w->ctx;
	const char *icon = band_icon(ctx->result->verdict);
	enum cov_band v = ctx->result->verdict;
	const char *word = v == COV_BAND_FAIL	? "failed"
			   : v == COV_BAND_WARN ? "passed with warnings"
						: "passed";

	sec_begin(w);
	w->r = da_buf_addf(&w->sec, "%s ", icon);
	if (w->r == 0)
		w->r = verdict_line(&w->sec, ctx, AS_MD);
	if (w->r == 0)
		w->r = da_buf_addch(&w->sec, '\n');
	if (w->r == 0 && w->sec.len > md_room(w)) {
		/* Too small even for the reasons: the verdict alone. */
		w->stop = 1;
		da_buf_reset(&w->sec);
		w->r = da_buf_addf(&w->sec, "%s **", icon);
		if (w->r == 0)
			w->r = add_title(&w->sec, ctx, AS_MD);
		if (w->r == 0)
			w->r = da_buf_addf(&w->sec, " %s**\n", word);
	}
	if (w->r == 0 && w->sec.len > md_room(w)) {
		da_buf_reset(&w->sec);
		w->r = da_buf_addf(&w->sec, "%s %s\n", icon, word);
	}
	if (w->r == 0 && w->sec.len <= md_room(w))
		w->r = da_buf_add(w->out, da_buf_str(&w->sec), w->sec.len);
}

static void md_checks(struct md *w)
{
	const struct cov_result *res = w->ctx->result;
	const struct cov_policy *pol = w->ctx->policy;
	char d[COV_PCT_SIZE], t[COV_PCT_SIZE];
	size_t i;

	if (res->nchecks == 0)
		return;
	sec_begin(w);
	w->r = da_buf_adds(&w->sec, "\n| Check | Coverage | Threshold | "
				    "Verdict | Detail |\n"
				    "|---|--:|---|---|---|\n");
	for (i = 0; w->r == 0 && i < res->nchecks; i++) {
		const struct cov_check *c = &res->checks[i];

		w->r = da_buf_adds(&w->row, "|");
		if (w->r == 0)
			w->r = da_buf_addch(&w->row, ' ');
		if (w->r == 0)
			w->r = check_subject(&w->row, c, AS_MD);
		if (w->r == 0)
			w->r = da_buf_adds(&w->row, " |");
		if (c->scope == COV_SCOPE_BASELINE &&
		    (c->count.total || c->base.total)) {
			if (w->r == 0)
				w->r = da_buf_addch(&w->row, ' ');
			if (w->r == 0)
				w->r = add_pct(&w->row, c->count);
			if (w->r == 0)
				w->r = da_buf_adds(&w->row, " (was ");
			if (w->r == 0)
				w->r = add_pct(&w->row, c->base);
			if (w->r == 0 &&
			    cov_pct_delta(c->count, c->base, d, sizeof(d)) &&
			    *d)
				w->r = da_buf_addf(&w->row, ", %s", d);
			if (w->r == 0)
				w->r = da_buf_adds(&w->row, ") |");
			if (w->r == 0 && pol && pol->has_max_drop)
				w->r = da_buf_addf(
				    &w->row, " drop > %s points |",
				    thr_str(pol->max_drop, t, sizeof(t)));
			else if (w->r == 0)
				w->r = da_buf_adds(&w->row, " " DASH " |");
		} else if (c->scope == COV_SCOPE_UNMATCHED) {
			if (w->r == 0)
				w->r = da_buf_addf(
				    &w->row, " %zu file%s | " DASH " |",
				    w->ctx->nunmatched,
				    w->ctx->nunmatched == 1 ? "" : "s");
		} else {
			cell_figure(w, c->count);
			cell_threshold(w, &c->t);
		}
		cell_band(w, c->band);
		cell(w, c->note ? c->note : "");
		if (w->r == 0)
			w->r = da_buf_addch(&w->row, '\n');
		row_end(w);
	}
	sec_end(w, "checks");
}

static void md_notes(struct md *w)
{
	size_t i;

	if (w->ctx->nnotes == 0)
		return;
	sec_begin(w);
	for (i = 0; w->r == 0 && i < w->ctx->nnotes; i++) {
		w->r = da_buf_adds(&w->row, "\nNote: ");
		if (w->r == 0)
			w->r = md_text(&w->row, w->ctx->notes[i], MAX_NAME);
		if (w->r == 0)
			w->r = da_buf_addch(&w->row, '\n');
		row_end(w);
	}
	sec_end(w, "notes");
}

static void md_totals(struct md *w)
{
	const struct cov_result *res = w->ctx->result;
	const struct cov_policy *pol = w->ctx->policy;
	static const struct cov_threshold none;
	size_t m, shown = 0;

	sec_begin(w);
	w->r = da_buf_addf(&w->sec,
			   "\n### Totals\n\n%zu file%s measured.\n\n"
			   "| Metric | Coverage | Covered | Total | Threshold "
			   "| Verdict |\n|---|--:|--:|--:|---|---|\n",
			   res->files, res->files == 1 ? "" : "s");
	for (m = 0; w->r == 0 && m < COV__METRICS; m++) {
		const struct cov_check *c =
		    find_check(res, COV_SCOPE_TOTAL, (enum cov_metric)m, NULL);
		const struct cov_threshold *t = pol ? &pol->total[m]
						: c ? &c->t
						    : &none;

		if (res->total[m].total == 0 && !c && !t->has_fail &&
		    !t->has_warn)
			continue;
		shown++;
		w->r = da_buf_addf(&w->row, "| %s | ", metric_name(m));
		if (w->r == 0)
			w->r = add_pct(&w->row, res->total[m]);
		if (w->r == 0)
			w->r = da_buf_addf(
			    &w->row, " | %" PRIu64 " | %" PRIu64 " |",
			    res->total[m].covered, res->total[m].total);
		cell_threshold(w, t);
		if (c)
			cell_band(w, c->band);
		else if (w->r == 0)
			w->r = da_buf_adds(&w->row, " " DASH " |");
		if (w->r == 0)
			w->r = da_buf_addch(&w->row, '\n');
		row_end(w);
	}
	if (shown == 0 && w->r == 0) {
		/* Nothing measured: still one row, so the table is whole. */
		w->r = da_buf_adds(&w->row, "| lines | n/a | 0 | 0 | " DASH
					    " | " DASH " |\n");
		row_end(w);
	}
	sec_end(w, "metrics");
}

static void md_changed(struct md *w)
{
	const struct cov_changed *ch = w->ctx->result->changed;

	if (!ch)
		return;
	sec_begin(w);
	w->r = da_buf_adds(&w->sec, "\n### Changed lines\n\n");
	if (w->r == 0 && ch->count.total) {
		w->r = da_buf_adds(&w->sec, "**");
		if (w->r == 0)
			w->r = add_pct(&w->sec, ch->count);
		if (w->r == 0)
			w->r = da_buf_addf(
			    &w->sec,
			    "** of the changed lines are covered: %" PRIu64
			    " of %" PRIu64 " instrumented lines (%" PRIu64
			    " line%s added)",
			    ch->count.covered, ch->count.total, ch->added,
			    ch->added == 1 ? "" : "s");
	} else if (w->r == 0) {
		w->r = da_buf_addf(&w->sec,
				   "No instrumented line among the %" PRIu64
				   " line%s the change adds",
				   ch->added, ch->added == 1 ? "" : "s");
	}
	if (w->r == 0 && ch->base && *ch->base) {
		w->r = da_buf_adds(&w->sec, ", comparing ");
		if (w->r == 0)
			w->r = md_text(&w->sec, ch->base, 100);
		if (w->r == 0)
			w->r = da_buf_adds(&w->sec, "...");
		if (w->r == 0)
			w->r =
			    md_text(&w->sec, ch->head ? ch->head : "HEAD", 100);
	}
	if (w->r == 0)
		w->r = da_buf_adds(&w->sec, ".\n");
	sec_end(w, "lines");
}

static void md_baseline(struct md *w)
{
	const struct cov_result *res = w->ctx->result;
	const struct cov_baseline *b = res->baseline;
	char d[COV_PCT_SIZE];
	size_t m;

	if (!b)
		return;
	sec_begin(w);
	w->r = da_buf_adds(&w->sec, "\n### Against the baseline\n\n");
	if (w->r == 0 && (b->commit || b->ref || b->created)) {
		w->r = da_buf_adds(&w->sec, "Baseline");
		if (w->r == 0 && b->commit && *b->commit) {
			w->r = da_buf_adds(&w->sec, " of commit ");
			if (w->r == 0)
				w->r = md_text(&w->sec, b->commit, 100);
		}
		if (w->r == 0 && b->ref && *b->ref) {
			w->r = da_buf_adds(&w->sec, " on ");
			if (w->r == 0)
				w->r = md_text(&w->sec, b->ref, 200);
		}
		if (w->r == 0 && b->created && *b->created) {
			w->r = da_buf_adds(&w->sec, ", written ");
			if (w->r == 0)
				w->r = md_text(&w->sec, b->created, 100);
		}
		if (w->r == 0)
			w->r = da_buf_adds(&w->sec, ".\n\n");
	}
	if (w->r == 0)
		w->r = da_buf_adds(
		    &w->sec, "| Metric | Baseline | Now | Change (points) "
			     "| Verdict |\n|---|--:|--:|--:|---|\n");
	for (m = 0; w->r == 0 && m < COV__METRICS; m++) {
		const struct cov_check *c = find_check(
		    res, COV_SCOPE_BASELINE, (enum cov_metric)m, NULL);

		if (b->total[m].total == 0 && res->total[m].total == 0)
			continue;
		w->r = da_buf_addf(&w->row, "| %s | ", metric_name(m));
		if (w->r == 0)
			w->r = add_pct(&w->row, b->total[m]);
		if (w->r == 0)
			w->r = da_buf_adds(&w->row, " | ");
		if (w->r == 0)
			w->r = add_pct(&w->row, res->total[m]);
		if (w->r == 0 &&
		    cov_pct_delta(res->total[m], b->total[m], d, sizeof(d)) &&
		    *d)
			w->r = da_buf_addf(&w->row, " | %s |", d);
		else if (w->r == 0)
			w->r = da_buf_adds(&w->row, " | " DASH " |");
		if (c)
			cell_band(w, c->band);
		else if (w->r == 0)
			w->r = da_buf_adds(&w->row, " " DASH " |");
		if (w->r == 0)
			w->r = da_buf_addch(&w->row, '\n');
		row_end(w);
	}
	if (w->rows + w->omitted == 0 && w->r == 0) {
		w->r = da_buf_adds(&w->row, "| lines | n/a | n/a | " DASH
					    " | " DASH " |\n");
		row_end(w);
	}
	sec_end(w, "metrics");
}

static void md_groups(struct md *w)
{
	const struct cov_result *res = w->ctx->result;
	size_t i, k;

	if (res->ngroups == 0)
		return;
	sec_begin(w);
	w->r = da_buf_adds(&w->sec, "\n### Path groups\n\n");
	metric_header(w, "Path", " Files | Verdict |", "--:|---|");
	for (i = 0; w->r == 0 && i < res->ngroups; i++) {
		const struct cov_group_row *g = &res->groups[i];
		const struct cov_check *c =
		    find_check(res, COV_SCOPE_GROUP, COV_LINES, g->glob);

		w->r = da_buf_adds(&w->row, "|");
		cell(w, g->glob);
		if (w->r == 0)
			w->r = da_buf_addf(&w->row, " %zu |", g->files);
		if (c)
			cell_band(w, c->band);
		else if (w->r == 0)
			w->r = da_buf_adds(&w->row, " " DASH " |");
		for (k = 0; k < w->ncols; k++)
			cell_figure(w, g->count[w->cols[k]]);
		if (w->r == 0)
			w->r = da_buf_addch(&w->row, '\n');
		row_end(w);
	}
	sec_end(w, "groups");
}

static void md_worst(struct md *w)
{
	const struct cov_result *res = w->ctx->result;
	const struct cov_policy *pol = w->ctx->policy;
	char t[COV_PCT_SIZE];
	size_t i, k;

	if (res->nworst == 0)
		return;
	sec_begin(w);
	w->r = da_buf_adds(&w->sec, "\n### Worst files\n\n");
	if (w->r == 0 && pol && (pol->file.has_fail || pol->file.has_warn))
		w->r = da_buf_addf(
		    &w->sec, "%zu of %zu file%s below %s%% line coverage.\n\n",
		    res->files_below, res->files, res->files == 1 ? "" : "s",
		    thr_str(pol->file.has_warn ? pol->file.warn
					       : pol->file.fail,
			    t, sizeof(t)));
	metric_header(w, "File", "", "");
	for (i = 0; w->r == 0 && i < res->nworst; i++) {
		const struct cov_file_row *f = &res->worst[i];

		w->r = da_buf_adds(&w->row, "|");
		cell(w, f->path);
		for (k = 0; k < w->ncols; k++)
			cell_figure(w, f->count[w->cols[k]]);
		if (w->r == 0)
			w->r = da_buf_addch(&w->row, '\n');
		row_end(w);
	}
	sec_end(w, "files");
}

/*
 * Appends lines (ascending) as ranges of consecutive numbers, "10-12, 15",
 * stopping after max bytes with "… N more lines" (max 0: no limit).
 */
static int add_ranges(struct da_buf *out, const uint32_t *lines, size_t n,
		      size_t max)
{
	size_t i = 0, start = out->len, first;
	int r = 0;

	while (r == 0 && i < n) {
		first = i;
		while (i + 1 < n && (lines[i + 1] == lines[i] + 1 ||
				     lines[i + 1] == lines[i]))
			i++;
		if (max && out->len - start > max)
			return da_buf_addf(out, ", " ELLIPSIS " %zu more lines",
					   n - first);
		if (out->len > start)
			r = da_buf_adds(out, ", ");
		if (r == 0 && lines[i] != lines[first])
			r = da_buf_addf(out, "%" PRIu32 "-%" PRIu32,
					lines[first], lines[i]);
		else if (r == 0)
			r = da_buf_addf(out, "%" PRIu32, lines[first]);
		i++;
	}
	return r;
}

static void md_uncovered(struct md *w)
{
	const struct cov_changed *ch = w->ctx->result->changed;
	size_t i;

	if (!ch || ch->count.covered == ch->count.total)
		return;
	sec_begin(w);
	w->r = da_buf_adds(&w->sec, "\n### Uncovered changed lines\n\n"
				    "| File | Covered | Lines not covered |\n"
				    "|---|--:|---|\n");
	for (i = 0; w->r == 0 && i < ch->nfiles; i++) {
		const struct cov_changed_file *f = &ch->files[i];

		if (f->nuncovered == 0)
			continue;
		w->r = da_buf_adds(&w->row, "|");
		cell(w, f->path);
		cell_figure(w, f->count);
		if (w->r == 0)
			w->r = da_buf_addch(&w->row, ' ');
		if (w->r == 0)
			w->r = add_ranges(&w->row, f->uncovered, f->nuncovered,
					  MAX_RANGES_CELL);
		if (w->r == 0)
			w->r = da_buf_adds(&w->row, " |\n");
		row_end(w);
	}
	if (w->rows + w->omitted)
		sec_end(w, "files");
}

/* A one-column table of names, cut by the budget. */
static void md_list(struct md *w, const char *intro, const char *head,
		    const char *const *items, size_t n, const char *noun)
{
	size_t i;

	if (n == 0)
		return;
	sec_begin(w);
	w->r = da_buf_addf(&w->sec, "%s| %s |\n|---|\n", intro, head);
	for (i = 0; w->r == 0 && i < n; i++) {
		w->r = da_buf_adds(&w->row, "|");
		cell(w, items[i]);
		if (w->r == 0)
			w->r = da_buf_addch(&w->row, '\n');
		row_end(w);
	}
	sec_end(w, noun);
}

static void md_mismatches(struct md *w)
{
	struct cov_model *model = w->ctx->model;
	size_t i, n = cov_model_mismatches(model);

	if (n == 0)
		return;
	sec_begin(w);
	w->r = da_buf_adds(&w->sec,
			   "\n### Report summaries that disagree with their "
			   "records\n\nThe figures above are counted from "
			   "the records.\n\n| Warning |\n|---|\n");
	for (i = 0; w->r == 0 && i < n; i++) {
		w->r = da_buf_adds(&w->row, "|");
		cell(w, cov_model_mismatch(model, i));
		if (w->r == 0)
			w->r = da_buf_addch(&w->row, '\n');
		row_end(w);
	}
	sec_end(w, "warnings");
}

static void md_reports(struct md *w)
{
	const struct cov_report_ctx *ctx = w->ctx;
	size_t i;

	if (ctx->nreports == 0)
		return;
	sec_begin(w);
	w->r = da_buf_adds(&w->sec, "\n### Reports read\n\n| Report | Format "
				    "|\n|---|---|\n");
	for (i = 0; w->r == 0 && i < ctx->nreports; i++) {
		w->r = da_buf_adds(&w->row, "|");
		cell(w, ctx->reports ? ctx->reports[i] : "");
		cell(w, ctx->formats && ctx->formats[i] ? ctx->formats[i] : "");
		if (w->r == 0)
			w->r = da_buf_addch(&w->row, '\n');
		row_end(w);
	}
	sec_end(w, "reports");
}

int cov_report_markdown(const struct cov_report_ctx *ctx, size_t budget,
			struct da_buf *md, struct da_err *err)
{
	const struct cov_result *res = ctx->result;
	struct md w;
	size_t m;

	memset(&w, 0, sizeof(w));
	w.ctx = ctx;
	w.out = md;
	w.start = md->len;
	w.budget = budget;
	da_buf_init(&w.sec, 0);
	da_buf_init(&w.row, 0);
	for (m = 0; m < COV__METRICS; m++)
		if (res->total[m].total || m == COV_LINES)
			w.cols[w.ncols++] = (enum cov_metric)m;

	md_verdict(&w);
	md_checks(&w);
	md_notes(&w);
	md_totals(&w);
	md_changed(&w);
	md_baseline(&w);
	md_groups(&w);
	md_worst(&w);
	md_uncovered(&w);
	md_list(&w,
		"\n### Report files outside the repository\n\nThese names "
		"match no file in the repository; set path-map, "
		"source-roots or strip-prefix so that they do.\n\n",
		"Report path", ctx->unmatched, ctx->nunmatched, "files");
	md_mismatches(&w);
	md_reports(&w);
	/* The tail's room was kept out of every section's. */
	if (w.r == 0 && w.dropped && md->len - w.start + TAIL_RESERVE <= budget)
		w.r = da_buf_addf(md,
				  "\n" ELLIPSIS " %zu more section%s omitted "
				  "to fit the size limit\n",
				  w.dropped, w.dropped == 1 ? "" : "s");
	da_buf_release(&w.sec);
	da_buf_release(&w.row);
	if (w.r < 0) {
		da_buf_truncate(md, w.start);
		return buf_fail(err, w.r, "job summary");
	}
	return 0;
}

/* ---- the pull request comment ---- */

int cov_report_marker(const char *key, struct da_buf *out, struct da_err *err)
{
	int r = da_github_marker("coverage-gate", key, out);

	return r < 0 ? buf_fail(err, r, "comment marker") : 0;
}

int cov_report_comment(const struct cov_report_ctx *ctx, const char *key,
		       struct da_buf *md, struct da_err *err)
{
	size_t start = md->len;
	int r;

	r = cov_report_marker(key, md, err);
	if (r == 0 && da_buf_adds(md, "\n\n") < 0)
		r = buf_fail(err, -DA_ENOMEM, "comment");
	if (r == 0)
		r = cov_report_markdown(
		    ctx, COV_COMMENT_BUDGET - (md->len - start), md, err);
	if (r < 0)
		da_buf_truncate(md, start);
	return r;
}

/* ---- JSON ---- */

/* A JSON string of s as valid UTF-8; NULL when out of memory. */
static json_t *jstr(const char *s)
{
	struct da_buf b = DA_BUF_INIT(0);
	json_t *v = NULL;

	if (clean(&b, s, CLEAN_UTF8, 0) == 0)
		v = json_stringn(da_buf_str(&b), b.len);
	da_buf_release(&b);
	return v;
}

static json_t *jstr_or_null(const char *s)
{
	return s ? jstr(s) : json_null();
}

static json_t *jint(uint64_t v)
{
	return json_integer(v > (uint64_t)INT64_MAX ? INT64_MAX
						    : (json_int_t)v);
}

/* Sets key to v (stolen); a NULL v (out of memory) marks *bad. */
static void jset(json_t *o, const char *key, json_t *v, int *bad)
{
	if (!o || !v || json_object_set_new(o, key, v) < 0)
		*bad = 1;
}

static void jpush(json_t *a, json_t *v, int *bad)
{
	if (!a || !v || json_array_append_new(a, v) < 0)
		*bad = 1;
}

/* {"covered", "total", "percent"} into o. */
static void jcount_into(json_t *o, struct cov_count c, int *bad)
{
	char b[COV_PCT_SIZE];

	jset(o, "covered", jint(c.covered), bad);
	jset(o, "total", jint(c.total), bad);
	jset(o, "percent",
	     *pct_str(c, b, sizeof(b)) ? json_string(b) : json_null(), bad);
}

static json_t *jcount(struct cov_count c, int *bad)
{
	json_t *o = json_object();

	jcount_into(o, c, bad);
	return o;
}

/* {metric: count, ...} over every metric. */
static json_t *jmetrics(const struct cov_count *c, int *bad)
{
	json_t *o = json_object();
	size_t m;

	for (m = 0; m < COV__METRICS; m++)
		jset(o, metric_name(m), jcount(c[m], bad), bad);
	return o;
}

static json_t *jpct(int has, struct cov_pct p)
{
	char b[COV_PCT_SIZE];

	return has ? json_string(thr_str(p, b, sizeof(b))) : json_null();
}

static json_t *jcheck(const struct cov_report_ctx *ctx,
		      const struct cov_check *c, int *bad)
{
	const struct cov_policy *pol = ctx->policy;
	char d[COV_PCT_SIZE];
	json_t *o = json_object();

	jset(o, "scope", json_string(scope_name(c->scope)), bad);
	jset(o, "metric", json_string(metric_name(c->metric)), bad);
	jset(o, "name", jstr_or_null(c->name), bad);
	jcount_into(o, c->count, bad);
	jset(o, "fail", jpct(c->t.has_fail, c->t.fail), bad);
	jset(o, "warn", jpct(c->t.has_warn, c->t.warn), bad);
	if (c->scope == COV_SCOPE_BASELINE) {
		jset(o, "base", jcount(c->base, bad), bad);
		jset(o, "delta",
		     cov_pct_delta(c->count, c->base, d, sizeof(d)) && *d
			 ? json_string(d)
			 : json_null(),
		     bad);
		jset(o, "max_drop",
		     pol ? jpct(pol->has_max_drop, pol->max_drop) : json_null(),
		     bad);
	}
	if (c->scope == COV_SCOPE_UNMATCHED)
		jset(o, "files", jint(ctx->nunmatched), bad);
	jset(o, "band", json_string(cov_band_name(c->band)), bad);
	jset(o, "note", jstr_or_null(c->note), bad);
	return o;
}

/* [[10, 12], [15, 15]]: the lines as ranges of consecutive numbers. */
static json_t *jranges(const uint32_t *lines, size_t n, int *bad)
{
	json_t *a = json_array(), *one;
	size_t i = 0, first;

	while (a && !*bad && i < n) {
		first = i;
		while (i + 1 < n && (lines[i + 1] == lines[i] + 1 ||
				     lines[i + 1] == lines[i]))
			i++;
		one = json_pack("[II]", (json_int_t)lines[first],
				(json_int_t)lines[i]);
		jpush(a, one, bad);
		i++;
	}
	return a;
}

static json_t *jchanged(const struct cov_changed *ch, int *bad)
{
	json_t *o, *files, *f;
	size_t i;

	if (!ch)
		return json_null();
	o = json_object();
	jset(o, "base", jstr_or_null(ch->base), bad);
	jset(o, "head", jstr_or_null(ch->head), bad);
	jcount_into(o, ch->count, bad);
	jset(o, "added", jint(ch->added), bad);
	files = json_array();
	for (i = 0; files && !*bad && i < ch->nfiles; i++) {
		f = json_object();
		jset(f, "path", jstr(ch->files[i].path), bad);
		jcount_into(f, ch->files[i].count, bad);
		jset(f, "uncovered",
		     jranges(ch->files[i].uncovered, ch->files[i].nuncovered,
			     bad),
		     bad);
		jpush(files, f, bad);
	}
	jset(o, "files", files, bad);
	return o;
}

static json_t *jbaseline(const struct cov_result *res, int *bad)
{
	const struct cov_baseline *b = res->baseline;
	char d[COV_PCT_SIZE];
	json_t *o, *delta;
	size_t m;

	if (!b)
		return json_null();
	o = json_object();
	jset(o, "commit", jstr_or_null(b->commit), bad);
	jset(o, "ref", jstr_or_null(b->ref), bad);
	jset(o, "created", jstr_or_null(b->created), bad);
	jset(o, "totals", jmetrics(b->total, bad), bad);
	delta = json_object();
	for (m = 0; m < COV__METRICS; m++)
		jset(delta, metric_name(m),
		     cov_pct_delta(res->total[m], b->total[m], d, sizeof(d)) &&
			     *d
			 ? json_string(d)
			 : json_null(),
		     bad);
	jset(o, "delta", delta, bad);
	return o;
}

static json_t *jstrings(const char *const *s, size_t n, int *bad)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < n; i++)
		jpush(a, jstr(s ? s[i] : ""), bad);
	return a;
}

static json_t *jdocument(const struct cov_report_ctx *ctx, int *bad)
{
	const struct cov_result *res = ctx->result;
	json_t *o = json_object(), *a, *one;
	size_t i, n;

	jset(o, "verdict", json_string(cov_band_name(res->verdict)), bad);
	jset(o, "code",
	     res->verdict == COV_BAND_FAIL
		 ? json_string(da_code_name(DA_CODE_CI_FAILED))
		 : json_null(),
	     bad);
	jset(o, "title", jstr(title_of(ctx)), bad);
	jset(o, "totals", jmetrics(res->total, bad), bad);
	a = json_array();
	for (i = 0; a && i < res->nchecks; i++)
		jpush(a, jcheck(ctx, &res->checks[i], bad), bad);
	jset(o, "checks", a, bad);
	jset(o, "file_count", jint(res->files), bad);
	jset(o, "files_below", jint(res->files_below), bad);
	a = json_array();
	for (i = 0; a && i < res->nworst; i++) {
		one = json_object();
		jset(one, "path", jstr(res->worst[i].path), bad);
		jset(one, "totals", jmetrics(res->worst[i].count, bad), bad);
		jpush(a, one, bad);
	}
	jset(o, "files", a, bad);
	a = json_array();
	for (i = 0; a && i < res->ngroups; i++) {
		one = json_object();
		jset(one, "glob", jstr(res->groups[i].glob), bad);
		jset(one, "files", jint(res->groups[i].files), bad);
		jset(one, "totals", jmetrics(res->groups[i].count, bad), bad);
		jpush(a, one, bad);
	}
	jset(o, "groups", a, bad);
	jset(o, "changed", jchanged(res->changed, bad), bad);
	jset(o, "baseline", jbaseline(res, bad), bad);
	jset(o, "unmatched", jstrings(ctx->unmatched, ctx->nunmatched, bad),
	     bad);
	a = json_array();
	for (i = 0; a && i < ctx->nreports; i++) {
		one = json_object();
		jset(one, "path", jstr(ctx->reports ? ctx->reports[i] : ""),
		     bad);
		jset(one, "format",
		     jstr(ctx->formats && ctx->formats[i] ? ctx->formats[i]
							  : "unknown"),
		     bad);
		jpush(a, one, bad);
	}
	jset(o, "reports", a, bad);
	jset(o, "notes", jstrings(ctx->notes, ctx->nnotes, bad), bad);
	a = json_array();
	n = cov_model_mismatches(ctx->model);
	for (i = 0; a && i < n; i++)
		jpush(a, jstr(cov_model_mismatch(ctx->model, i)), bad);
	jset(o, "mismatches", a, bad);
	return o;
}

int cov_report_json(const struct cov_report_ctx *ctx, struct da_buf *out,
		    struct da_err *err)
{
	size_t start = out->len;
	int bad = 0, r;
	json_t *doc = jdocument(ctx, &bad);

	if (bad || !doc) {
		json_decref(doc);
		return buf_fail(err, -DA_ENOMEM, "JSON report");
	}
	r = da_json_dump(doc, DA_JSON_INDENT, out, err);
	if (r == 0 && da_buf_addch(out, '\n') < 0)
		r = buf_fail(err, -DA_ELIMIT, "JSON report");
	json_decref(doc);
	if (r < 0)
		da_buf_truncate(out, start);
	return r;
}

/* ---- terminal text ---- */

/* "lines 79.99% (7999/10000) < 80: fail" */
static int text_check(struct da_buf *out, const struct cov_report_ctx *ctx,
		      const struct cov_check *c)
{
	const struct cov_policy *pol = ctx->policy;
	char t[COV_PCT_SIZE], d[COV_PCT_SIZE];
	struct cov_pct p;
	int r;

	r = check_subject(out, c, AS_TEXT);
	if (r == 0 && c->scope == COV_SCOPE_UNMATCHED) {
		r = da_buf_addf(out, " %zu", ctx->nunmatched);
	} else if (r == 0 && c->scope == COV_SCOPE_BASELINE &&
		   (c->count.total || c->base.total)) {
		r = da_buf_addch(out, ' ');
		if (r == 0)
			r = add_figure(out, c->count);
		if (r == 0)
			r = da_buf_adds(out, ", was ");
		if (r == 0)
			r = add_pct(out, c->base);
		if (r == 0 && cov_pct_delta(c->count, c->base, d, sizeof(d)) &&
		    *d)
			r = da_buf_addf(out, ", %s points", d);
		/* gate.c's note says the same when the drop failed. */
		if (r == 0 && pol && pol->has_max_drop && !c->note)
			r = da_buf_addf(out, " (max drop %s)",
					thr_str(pol->max_drop, t, sizeof(t)));
	} else if (r == 0 && c->scope != COV_SCOPE_EMPTY) {
		r = da_buf_addch(out, ' ');
		if (r == 0)
			r = add_figure(out, c->count);
		if (r == 0 && band_threshold(c, &p))
			r = da_buf_addf(out, " < %s", thr_str(p, t, sizeof(t)));
		else if (r == 0 && c->band == COV_BAND_PASS &&
			 (c->t.has_warn || c->t.has_fail))
			r = da_buf_addf(
			    out, " >= %s",
			    thr_str(c->t.has_warn ? c->t.warn : c->t.fail, t,
				    sizeof(t)));
	}
	if (r == 0)
		r = da_buf_addf(out, ": %s", cov_band_name(c->band));
	if (r == 0 && c->note && *c->note) {
		r = da_buf_adds(out, " (");
		if (r == 0)
			r = clean(out, c->note, CLEAN_TEXT, MAX_NAME);
		if (r == 0)
			r = da_buf_addch(out, ')');
	}
	if (r == 0)
		r = da_buf_addch(out, '\n');
	return r;
}

int cov_report_text(const struct cov_report_ctx *ctx, struct da_buf *out,
		    struct da_err *err)
{
	const struct cov_result *res = ctx->result;
	size_t start = out->len, i;
	int r = 0;

	/* The totals first, then each check. Mismatches, unmatched files and
	 * notes are main's annotations, which a terminal sees as lines of
	 * their own: they are not repeated here. */
	for (i = 0; r == 0 && i < COV__METRICS; i++) {
		char pct[COV_PCT_SIZE];
		struct cov_count c = res->total[i];

		if (!c.total)
			continue;
		r = da_buf_addf(out, "%s %-12s %6s%% (%llu/%llu)\n",
				i ? "      " : "totals",
				cov_metric_name((enum cov_metric)i),
				cov_pct_format(c, pct, sizeof(pct)),
				(unsigned long long)c.covered,
				(unsigned long long)c.total);
	}
	for (i = 0; r == 0 && i < res->nchecks; i++)
		r = text_check(out, ctx, &res->checks[i]);
	if (r == 0)
		r = verdict_line(out, ctx, AS_TEXT);
	if (r == 0)
		r = da_buf_addch(out, '\n');
	if (r < 0) {
		da_buf_truncate(out, start);
		return buf_fail(err, r, "report");
	}
	return 0;
}

/* ---- badge ---- */

/*
 * Approximate advance of a character in Verdana 11px, in tenths of a
 * pixel, as shields.io measures its flat badges.
 */
static unsigned char_width(unsigned char c)
{
	static const unsigned short lower[26] = {
	    66, 69, 57, 69, 65, 38, 69, 70, 30, 38, 65, 30, 107,
	    70, 67, 69, 69, 47, 57, 43, 70, 65, 90, 65, 65, 58,
	};

	if (c >= 'a' && c <= 'z')
		return lower[c - 'a'];
	if (c >= '0' && c <= '9')
		return 70;
	if (c >= 'A' && c <= 'Z')
		return 75;
	switch (c) {
	case '.':
		return 40;
	case '%':
		return 123;
	case ' ':
		return 35;
	case '/':
	case '-':
		return 50;
	default:
		return 70;
	}
}

static unsigned text_width(const char *s)
{
	unsigned w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w += char_width((unsigned char)*s);
	return w;
}

/* The band of the total of metric: its check's, pass without one. */
static enum cov_band badge_band(const struct cov_result *res,
				enum cov_metric metric)
{
	const struct cov_check *c =
	    find_check(res, COV_SCOPE_TOTAL, metric, NULL);

	if (res->total[metric].total == 0)
		return COV_BAND_SKIP;
	return c ? c->band : COV_BAND_PASS;
}

/* One half's text at x (tenths of a pixel), its shadow first. */
static int badge_text(struct da_buf *svg, unsigned x, unsigned len,
		      const char *text)
{
	int r = da_buf_addf(svg,
			    "<text aria-hidden=\"true\" x=\"%u\" y=\"150\" "
			    "fill=\"#010101\" fill-opacity=\".3\" "
			    "transform=\"scale(.1)\" textLength=\"%u\">",
			    x, len);

	if (r == 0)
		r = da_xml_escape(svg, text, 0);
	if (r == 0)
		r = da_buf_addf(svg,
				"</text><text x=\"%u\" y=\"140\" "
				"transform=\"scale(.1)\" fill=\"#fff\" "
				"textLength=\"%u\">",
				x, len);
	if (r == 0)
		r = da_xml_escape(svg, text, 0);
	if (r == 0)
		r = da_buf_adds(svg, "</text>");
	return r;
}

int cov_report_badge(const struct cov_report_ctx *ctx, enum cov_metric metric,
		     struct da_buf *svg, struct da_err *err)
{
	const struct cov_result *res = ctx->result;
	const char *label =
	    metric == COV_LINES ? "coverage" : metric_name(metric);
	const char *color;
	char pct[COV_PCT_SIZE], value[COV_PCT_SIZE + 8];
	unsigned lw, vw, lt, vt;
	size_t start = svg->len;
	int r;

	if ((unsigned)metric >= COV__METRICS)
		return da_err_set(err, DA_EINVAL,
				  "cannot make a badge: unknown metric");
	if (*pct_str(res->total[metric], pct, sizeof(pct)))
		(void)snprintf(value, sizeof(value), "%s%%", pct);
	else
		(void)snprintf(value, sizeof(value), "n/a");
	switch (badge_band(res, metric)) {
	case COV_BAND_PASS:
		color = "#4c1";
		break;
	case COV_BAND_WARN:
		color = "#dfb317";
		break;
	case COV_BAND_FAIL:
		color = "#e05d44";
		break;
	default:
		color = "#9f9f9f";
	}
	/* Text widths in tenths of a pixel; each half gets 5px a side. */
	lt = text_width(label);
	vt = text_width(value);
	lw = (lt + 9) / 10 + 10;
	vw = (vt + 9) / 10 + 10;
	r = da_buf_addf(
	    svg,
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%u\" "
	    "height=\"20\" role=\"img\" aria-label=\"",
	    lw + vw);
	if (r == 0)
		r = da_xml_escape(svg, label, 0);
	if (r == 0)
		r = da_buf_adds(svg, ": ");
	if (r == 0)
		r = da_xml_escape(svg, value, 0);
	if (r == 0)
		r = da_buf_adds(svg, "\"><title>");
	if (r == 0)
		r = da_xml_escape(svg, label, 0);
	if (r == 0)
		r = da_buf_adds(svg, ": ");
	if (r == 0)
		r = da_xml_escape(svg, value, 0);
	if (r == 0)
		r = da_buf_addf(
		    svg,
		    "</title><linearGradient id=\"s\" x2=\"0\" y2=\"100%%\">"
		    "<stop offset=\"0\" stop-color=\"#bbb\" "
		    "stop-opacity=\".1\"/><stop offset=\"1\" "
		    "stop-opacity=\".1\"/></linearGradient>"
		    "<clipPath id=\"r\"><rect width=\"%u\" height=\"20\" "
		    "rx=\"3\" fill=\"#fff\"/></clipPath>"
		    "<g clip-path=\"url(#r)\"><rect width=\"%u\" "
		    "height=\"20\" fill=\"#555\"/><rect x=\"%u\" width=\"%u\" "
		    "height=\"20\" fill=\"%s\"/><rect width=\"%u\" "
		    "height=\"20\" fill=\"url(#s)\"/></g>"
		    "<g fill=\"#fff\" text-anchor=\"middle\" "
		    "font-family=\"Verdana,Geneva,DejaVu Sans,sans-serif\" "
		    "text-rendering=\"geometricPrecision\" "
		    "font-size=\"110\">",
		    lw + vw, lw, lw, vw, color, lw + vw);
	if (r == 0)
		r = badge_text(svg, lw * 5, lt, label);
	if (r == 0)
		r = badge_text(svg, lw * 10 + vw * 5, vt, value);
	if (r == 0)
		r = da_buf_adds(svg, "</g></svg>\n");
	if (r < 0) {
		da_buf_truncate(svg, start);
		return buf_fail(err, r, "badge");
	}
	return 0;
}

/* ---- step outputs ---- */

static int set_u64(struct da_gha *gha, const char *name, uint64_t v,
		   struct da_err *err)
{
	char b[32];
	int n = snprintf(b, sizeof(b), "%" PRIu64, v);

	if (n < 0 || (size_t)n >= sizeof(b))
		return da_err_set(err, DA_EINVAL, "cannot format output '%s'",
				  name);
	return da_gha_set_output(gha, name, b, err);
}

int cov_report_outputs(const struct cov_report_ctx *ctx, struct da_gha *gha,
		       struct da_err *err)
{
	const struct cov_result *res = ctx->result;
	const struct cov_changed *ch = res->changed;
	char name[64], b[COV_PCT_SIZE];
	size_t m;
	int r;

	r = da_gha_set_output(gha, "verdict", cov_band_name(res->verdict), err);
	for (m = 0; r == 0 && m < COV__METRICS; m++) {
		const char *mn = metric_name(m);

		r = da_gha_set_output(
		    gha, mn, pct_str(res->total[m], b, sizeof(b)), err);
		(void)snprintf(name, sizeof(name), "%s-covered", mn);
		if (r == 0)
			r = set_u64(gha, name, res->total[m].covered, err);
		(void)snprintf(name, sizeof(name), "%s-total", mn);
		if (r == 0)
			r = set_u64(gha, name, res->total[m].total, err);
	}
	if (r == 0)
		r = da_gha_set_output(
		    gha, "changed-lines",
		    ch ? pct_str(ch->count, b, sizeof(b)) : "", err);
	if (r == 0 && ch)
		r = set_u64(gha, "changed-lines-covered", ch->count.covered,
			    err);
	else if (r == 0)
		r = da_gha_set_output(gha, "changed-lines-covered", "", err);
	if (r == 0 && ch)
		r = set_u64(gha, "changed-lines-total", ch->count.total, err);
	else if (r == 0)
		r = da_gha_set_output(gha, "changed-lines-total", "", err);
	b[0] = '\0';
	if (res->baseline &&
	    !cov_pct_delta(res->total[COV_LINES],
			   res->baseline->total[COV_LINES], b, sizeof(b)))
		b[0] = '\0';
	if (r == 0)
		r = da_gha_set_output(gha, "baseline-delta", b, err);
	if (r == 0)
		r = set_u64(gha, "unmatched-files", ctx->nunmatched, err);
	if (r == 0)
		r = set_u64(gha, "files", res->files, err);
	return r;
}

/* ---- annotations ---- */

/* How many ranges of consecutive lines the uncovered lines of f make. */
static size_t count_ranges(const struct cov_changed_file *f)
{
	size_t i, n = 0;

	for (i = 0; i < f->nuncovered; i++)
		if (i == 0 || (f->uncovered[i] != f->uncovered[i - 1] + 1 &&
			       f->uncovered[i] != f->uncovered[i - 1]))
			n++;
	return n;
}

int cov_report_annotations(const struct cov_report_ctx *ctx, struct da_gha *gha,
			   FILE *out, size_t max, struct da_err *err)
{
	const struct cov_changed *ch = ctx->result->changed;
	struct da_buf msg = DA_BUF_INIT(0);
	size_t i, k, first, done = 0, total = 0;
	int r = 0;

	if (!ch || max == 0)
		return 0;
	for (i = 0; i < ch->nfiles; i++)
		total += count_ranges(&ch->files[i]);
	for (i = 0; r == 0 && i < ch->nfiles && done < max; i++) {
		const struct cov_changed_file *f = &ch->files[i];

		for (k = 0; r == 0 && k < f->nuncovered && done < max; k++) {
			struct da_gha_loc loc = {0};

			first = k;
			while (k + 1 < f->nuncovered &&
			       (f->uncovered[k + 1] == f->uncovered[k] + 1 ||
				f->uncovered[k + 1] == f->uncovered[k]))
				k++;
			loc.file = f->path;
			loc.line = (long)f->uncovered[first];
			loc.end_line = (long)f->uncovered[k];
			loc.title = "Not covered by tests";
			da_buf_reset(&msg);
			if (f->uncovered[k] != f->uncovered[first])
				r = da_buf_addf(
				    &msg,
				    "Changed lines %" PRIu32 "-%" PRIu32
				    " are not covered by tests",
				    f->uncovered[first], f->uncovered[k]);
			else
				r = da_buf_addf(&msg,
						"Changed line %" PRIu32
						" is not covered by tests",
						f->uncovered[first]);
			if (r < 0) {
				r = buf_fail(err, r, "annotations");
				break;
			}
			r = da_gha_annotate(gha, out, DA_GHA_WARNING, &loc,
					    da_buf_str(&msg), err);
			done++;
		}
	}
	if (r == 0 && total > done) {
		da_buf_reset(&msg);
		r = da_buf_addf(&msg,
				"%zu more uncovered range%s not annotated; "
				"see the job summary",
				total - done, total - done == 1 ? "" : "s");
		if (r < 0)
			r = buf_fail(err, r, "annotations");
		else
			r = da_gha_annotate(gha, out, DA_GHA_NOTICE, NULL,
					    da_buf_str(&msg), err);
	}
	da_buf_release(&msg);
	return r;
}
