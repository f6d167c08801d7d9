/*
 * coverage-gate's report writers over hand-built results: Markdown (read
 * back through cmark-gfm), the comment, JSON, text, the badge, step
 * outputs and annotations, and the size budgets.
 */
#include "cov-test.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "actions/coverage-gate/gate.h"
#include "actions/coverage-gate/report.h"
#include "common/gha.h"
#include "common/json.h"
#include "common/proc.h"
#include "common/xml.h"

/* The structs hold char *; the fixture's text is never written. */
#define S(text) ((char *)(text))

#define HOSTILE "a|b`c<script>.c"
#define HOSTILE_HTML "a|b`c&lt;script&gt;.c"
#define ELLIPSIS_TEXT "\xe2\x80\xa6"

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

static struct cov_pct pct(uint64_t num, unsigned scale)
{
	struct cov_pct p = {num, scale};

	return p;
}

static struct cov_count cnt(uint64_t covered, uint64_t total)
{
	struct cov_count c = {covered, total};

	return c;
}

static struct cov_threshold thr(int fail, int warn)
{
	struct cov_threshold t;

	memset(&t, 0, sizeof(t));
	if (fail >= 0) {
		t.has_fail = 1;
		t.fail = pct((uint64_t)fail, 0);
	}
	if (warn >= 0) {
		t.has_warn = 1;
		t.warn = pct((uint64_t)warn, 0);
	}
	return t;
}

/*
 * A failed result with a check of every scope and band: lines fail,
 * branches warn, functions skipped, a worst file with a hostile name, a
 * passing group, passing changed lines, a baseline drop, an empty check
 * that passes and an unmatched check that fails.
 */
struct fixture {
	struct cov_check checks[9];
	struct cov_file_row worst[3];
	struct cov_group_row groups[1];
	uint32_t unc_a[4], unc_b[1];
	struct cov_changed_file cfiles[3];
	struct cov_changed changed;
	struct cov_baseline baseline;
	struct cov_result res;
	struct cov_policy policy;
	const char *reports[2], *formats[2], *unmatched[2], *notes[1];
	struct cov_report_ctx ctx;
	struct cov_model *model;
};

static void check(struct cov_check *c, enum cov_scope scope, enum cov_metric m,
		  const char *name, struct cov_count k, struct cov_threshold t,
		  enum cov_band band, const char *note)
{
	memset(c, 0, sizeof(*c));
	c->scope = scope;
	c->metric = m;
	c->name = S(name);
	c->count = k;
	c->t = t;
	c->band = band;
	c->note = S(note);
}

static void fixture_init(struct fixture *f)
{
	struct cov_result *res = &f->res;
	struct cov_file *file = NULL;
	struct da_err err = DA_ERR_INIT;
	size_t m;

	memset(f, 0, sizeof(*f));
	res->total[COV_LINES] = cnt(7999, 10000);
	res->total[COV_BRANCHES] = cnt(720, 1000);
	res->files = 3;
	res->files_below = 2;

	check(&f->checks[0], COV_SCOPE_TOTAL, COV_LINES, "lines",
	      cnt(7999, 10000), thr(80, 90), COV_BAND_FAIL, NULL);
	check(&f->checks[1], COV_SCOPE_TOTAL, COV_BRANCHES, "branches",
	      cnt(720, 1000), thr(70, 75), COV_BAND_WARN, NULL);
	check(&f->checks[2], COV_SCOPE_TOTAL, COV_FUNCTIONS, "functions",
	      cnt(0, 0), thr(50, -1), COV_BAND_SKIP,
	      "no function data in the reports");
	check(&f->checks[3], COV_SCOPE_FILE, COV_LINES, HOSTILE, cnt(1, 10),
	      thr(50, -1), COV_BAND_FAIL, "2 files below the threshold");
	check(&f->checks[4], COV_SCOPE_GROUP, COV_LINES, "services/api/**",
	      cnt(850, 1000), thr(85, -1), COV_BAND_PASS, NULL);
	check(&f->checks[5], COV_SCOPE_CHANGED, COV_LINES, "changed lines",
	      cnt(45, 50), thr(90, -1), COV_BAND_PASS, NULL);
	check(&f->checks[6], COV_SCOPE_BASELINE, COV_LINES, "lines",
	      cnt(7999, 10000), thr(-1, -1), COV_BAND_FAIL,
	      "down 1.26 points, more than the 0.5 allowed");
	f->checks[6].base = cnt(8125, 10000);
	check(&f->checks[7], COV_SCOPE_EMPTY, COV_LINES, "coverage data",
	      cnt(0, 0), thr(-1, -1), COV_BAND_PASS, NULL);
	check(&f->checks[8], COV_SCOPE_UNMATCHED, COV_LINES, "unmatched files",
	      cnt(0, 0), thr(-1, -1), COV_BAND_FAIL,
	      "2 report files match no file in the repository");
	res->checks = f->checks;
	res->nchecks = 9;

	f->worst[0].path = HOSTILE;
	f->worst[1].path = "src/b.c";
	f->worst[2].path = "src/c.c";
	for (m = 0; m < 3; m++) {
		f->worst[m].count[COV_LINES] = cnt(1 + m * 4, 10);
		f->worst[m].count[COV_BRANCHES] = cnt(m, 4);
	}
	res->worst = f->worst;
	res->nworst = 3;

	f->groups[0].glob = "services/api/**";
	f->groups[0].count[COV_LINES] = cnt(850, 1000);
	f->groups[0].files = 2;
	res->groups = f->groups;
	res->ngroups = 1;

	f->unc_a[0] = 10;
	f->unc_a[1] = 11;
	f->unc_a[2] = 12;
	f->unc_a[3] = 15;
	f->unc_b[0] = 3;
	f->cfiles[0].path = S("src/a.c");
	f->cfiles[0].count = cnt(16, 20);
	f->cfiles[0].uncovered = f->unc_a;
	f->cfiles[0].nuncovered = 4;
	f->cfiles[1].path = S("src/b.c");
	f->cfiles[1].count = cnt(9, 10);
	f->cfiles[1].uncovered = f->unc_b;
	f->cfiles[1].nuncovered = 1;
	f->cfiles[2].path = S("src/c.c");
	f->cfiles[2].count = cnt(20, 20);
	f->changed.count = cnt(45, 50);
	f->changed.added = 60;
	f->changed.files = f->cfiles;
	f->changed.nfiles = 3;
	f->changed.base = S("origin/main");
	f->changed.head = S("HEAD");
	res->changed = &f->changed;

	f->baseline.total[COV_LINES] = cnt(8125, 10000);
	f->baseline.total[COV_BRANCHES] = cnt(700, 1000);
	f->baseline.commit = S("0123456789abcdef");
	f->baseline.ref = S("refs/heads/main");
	f->baseline.created = S("2025-01-02T03:04:05Z");
	res->baseline = &f->baseline;
	res->verdict = COV_BAND_FAIL;

	cov_policy_init(&f->policy);
	f->policy.metric = COV_LINES;
	f->policy.total[COV_LINES] = thr(80, 90);
	f->policy.total[COV_BRANCHES] = thr(70, 75);
	f->policy.total[COV_FUNCTIONS] = thr(50, -1);
	f->policy.file = thr(50, -1);
	f->policy.has_max_drop = 1;
	f->policy.max_drop = pct(5, 1);

	/* A report whose summary disagrees with its records. */
	f->model = cov_test_model();
	if (cov_file_get(f->model, "src/a.c", &file, &err) < 0 ||
	    cov_line_add(file, 1, 1, &err) < 0 ||
	    cov_line_add(file, 2, 0, &err) < 0 ||
	    cov_model_summary(f->model, COV_LINES, 6, 6, "cov.xml", &err) < 0)
		diag("model: %s", err.msg);

	f->reports[0] = "coverage/lcov.info";
	f->reports[1] = "build/jacoco.xml";
	f->formats[0] = "lcov";
	f->formats[1] = "jacoco";
	f->unmatched[0] = "/opt/other/x.c";
	f->unmatched[1] = "gen/[id](http://e.x)$y$.c";
	f->notes[0] = "changed-line gate: 3 files *generated*";

	f->ctx.result = res;
	f->ctx.model = f->model;
	f->ctx.policy = &f->policy;
	f->ctx.title = "Coverage";
	f->ctx.reports = f->reports;
	f->ctx.formats = f->formats;
	f->ctx.nreports = 2;
	f->ctx.unmatched = f->unmatched;
	f->ctx.nunmatched = 2;
	f->ctx.notes = f->notes;
	f->ctx.nnotes = 1;
}

static void fixture_release(struct fixture *f)
{
	cov_model_free(f->model);
	/* The policy owns nothing the fixture gave it. */
	f->policy.groups = NULL;
	f->policy.ngroups = 0;
	cov_policy_release(&f->policy);
}

/* ---- Markdown checks ---- */

/* Cells of a table line: its unescaped pipes, minus one. */
static size_t pipes(const char *line, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		if (line[i] == '\\') {
			i++;
			continue;
		}
		if (line[i] == '|')
			n++;
	}
	return n;
}

/*
 * Whether every table in md is whole: a header row, a delimiter row with
 * as many cells, and body rows with as many cells, each a line that
 * starts and ends with a pipe; counts the tables.
 */
static int tables_ok(const char *md, size_t *ret_tables)
{
	const char *p = md, *nl;
	size_t len, want = 0, tables = 0;
	int in = 0, prev_header = 0;
	const char *prev = NULL;
	size_t prev_len = 0;

	for (; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			return 0; /* every line ends with a newline */
		len = (size_t)(nl - p);
		if (len >= 4 && !strncmp(p, "|---", 4)) {
			if (!prev || !prev_header || in ||
			    pipes(prev, prev_len) != pipes(p, len))
				return 0;
			want = pipes(p, len);
			in = 1;
			tables++;
		} else if (in && len == 0) {
			in = 0;
		} else if (in) {
			if (p[0] != '|' || p[len - 1] != '|' ||
			    pipes(p, len) != want)
				return 0;
		}
		prev_header = len > 1 && p[0] == '|' && p[len - 1] == '|';
		prev = p;
		prev_len = len;
	}
	*ret_tables = tables;
	return 1;
}

/*
 * The HTML cmark-gfm makes of md (with tables), in html. Returns 1, or 0
 * when cmark-gfm is not installed (the caller skips), or -1.
 */
static int render(const char *md, struct da_buf *html)
{
	const char *path = cov_test_puts("summary.md", md);
	const char *argv[] = {"cmark-gfm", "-e", "table", path, NULL};
	struct da_proc_result res;
	struct da_err err = DA_ERR_INIT;
	int r;

	da_buf_reset(html);
	r = da_proc_run(argv, NULL, NULL, html, (size_t)64 << 20, &res, &err);
	if (r == -DA_ENOENT)
		return 0;
	if (r < 0 || res.status != 0) {
		diag("cmark-gfm: %s (status %d)", err.msg,
		     r < 0 ? -1 : res.status);
		return -1;
	}
	return 1;
}

static void test_markdown(struct fixture *f)
{
	struct da_err err = DA_ERR_INIT;
	struct da_buf md = DA_BUF_INIT(0), html = DA_BUF_INIT(0);
	size_t tables = 0;
	const char *s;
	int r;

	is_int(cov_report_markdown(&f->ctx, COV_SUMMARY_BUDGET, &md, &err), 0,
	       "markdown is written");
	s = da_buf_str(&md);
	ok(!strncmp(s, "\xe2\x9d\x8c **Coverage failed**: ", 24),
	   "the verdict line comes first");
	has_str(s,
		"**Coverage failed**: lines 79.99% is below 80%; file "
		"a\\|b&#96;c&lt;script&gt;.c 10.00% is below 50% (2 files "
		"below); lines dropped 1.26 points from the baseline "
		"(81.25% to 79.99%), more than 0.5; and 1 more\n",
		"the verdict line names what failed");
	ok(tables_ok(s, &tables), "every table is whole");
	is_int(tables, 9,
	       "tables: checks, totals, baseline, groups, worst files, "
	       "uncovered lines, unmatched, mismatches, reports");
	has_str(s,
		"| lines | 79.99% | 7999 | 10000 | fail < 80%, warn < 90% "
		"| \xe2\x9d\x8c fail |",
		"totals: figure, counts, thresholds and verdict");
	has_str(s,
		"| branches | 72.00% | 720 | 1000 | fail < 70%, warn < 75% "
		"| \xe2\x9a\xa0\xef\xb8\x8f warn |",
		"totals: a warned metric");
	has_str(s,
		"| functions | n/a | 0 | 0 | fail < 50% | "
		"\xe2\x8f\xad\xef\xb8\x8f skip |",
		"totals: a metric without data is n/a");
	has_str(s,
		"| changed lines | 90.00% (45/50) | fail < 90% | "
		"\xe2\x9c\x85 pass |",
		"checks: changed lines exactly at the threshold pass");
	has_str(s,
		"| lines against the baseline | 79.99% (was 81.25%, -1.26) "
		"| drop > 0.5 points |",
		"checks: the baseline row");
	has_str(s,
		"**90.00%** of the changed lines are covered: 45 of 50 "
		"instrumented lines (60 lines added), comparing "
		"origin/main...HEAD.",
		"changed lines: the figure and the refs");
	has_str(s, "| lines | 81.25% | 79.99% | -1.26 |",
		"baseline: lines delta");
	has_str(s, "| branches | 70.00% | 72.00% | +2.00 |",
		"baseline: branches delta");
	has_str(s, "| src/a.c | 80.00% (16/20) | 10-12, 15 |",
		"uncovered changed lines as ranges");
	has_str(s, "| src/b.c | 90.00% (9/10) | 3 |", "a single line");
	ok(!strstr(s, "| src/c.c | 100.00%"),
	   "a changed file with every line covered is not listed");
	has_str(s,
		"| services/api/&#42;&#42; | 2 | \xe2\x9c\x85 pass | "
		"85.00% (850/1000) | n/a |",
		"path groups: files, verdict and metrics");
	has_str(s, "gen/&#91;id&#93;(http://e.x)&#36;y&#36;.c",
		"links and math cannot start inside a name");
	has_str(s, "Note: changed-line gate: 3 files &#42;generated&#42;\n",
		"notes are shown, escaped");
	has_str(s,
		"| report 'cov.xml': summary says lines 6/6, its records "
		"1/2 |",
		"mismatch warnings are listed");
	has_str(s, "| build/jacoco.xml | jacoco |", "reports read");
	ok(!strstr(s, "omitted"), "nothing omitted under the full budget");

	r = render(s, &html);
	if (r == 0) {
		ok(1, "# SKIP cmark-gfm is not installed");
	} else {
		const char *h = da_buf_str(&html);

		is_int(r, 1, "cmark-gfm renders the summary");
		is_int(count(h, "<table>"), 9, "HTML: nine tables");
		has_str(h,
			"<th>Check</th>\n<th align=\"right\">Coverage</th>\n"
			"<th>Threshold</th>\n<th>Verdict</th>\n<th>Detail</th>",
			"HTML: the checks table header");
		has_str(h, "<th>File</th>\n<th align=\"right\">Lines</th>",
			"HTML: the worst files header");
		has_str(h, "<td>" HOSTILE_HTML "</td>",
			"HTML: the hostile path is one escaped cell");
		ok(!strstr(h, "<script"), "HTML: no script element");
		ok(!strstr(h, "<a href"), "HTML: no link from a name");
		ok(!strstr(h, "<em>"), "HTML: no emphasis from a name");
		has_str(h, "<strong>Coverage failed</strong>",
			"HTML: the verdict is bold");
	}
	da_buf_release(&md);
	da_buf_release(&html);
}

/* A result far over any budget: thousands of files and ranges. */
struct huge {
	struct cov_file_row worst[2000];
	char paths[2000][80];
	struct cov_changed_file cfiles[500];
	uint32_t lines[500][600];
	struct cov_changed changed;
	const char *unmatched[300];
};

static void make_huge(struct fixture *f, struct huge *h)
{
	size_t i, k;

	for (i = 0; i < 2000; i++) {
		format(h->paths[i], sizeof(h->paths[i]),
		       "src/module_%zu/deeply|nested`dir/file_%zu.c", i % 50,
		       i);
		h->worst[i].path = h->paths[i];
		h->worst[i].count[COV_LINES] = cnt(i % 10, 10);
		h->worst[i].count[COV_BRANCHES] = cnt(i % 4, 4);
	}
	for (i = 0; i < 500; i++) {
		/* 1-3, 6-8, 11-13, ...: 200 ranges, more than a cell holds. */
		for (k = 0; k < 600; k++)
			h->lines[i][k] = (uint32_t)(k / 3 * 5 + k % 3 + 1);
		h->cfiles[i].path = h->paths[i];
		h->cfiles[i].count = cnt(10, 50);
		h->cfiles[i].uncovered = h->lines[i];
		h->cfiles[i].nuncovered = 600;
	}
	for (i = 0; i < 300; i++)
		h->unmatched[i] = h->paths[i + 1000];
	h->changed = f->changed;
	h->changed.files = h->cfiles;
	h->changed.nfiles = 500;
	h->changed.count = cnt(5000, 25000);
	f->res.worst = h->worst;
	f->res.nworst = 2000;
	f->res.changed = &h->changed;
	f->ctx.unmatched = h->unmatched;
	f->ctx.nunmatched = 300;
}

static void test_budget(struct fixture *f)
{
	static const size_t budgets[] = {
	    0, 10, 40, 100, 200, 400, 700, 1000, 1500, 2500, 4000, 8000, 20000};
	struct da_err err = DA_ERR_INIT;
	struct da_buf md = DA_BUF_INIT(0), html = DA_BUF_INIT(0);
	struct huge *h = calloc(1, sizeof(*h));
	size_t i, b, tables, bad_len = 0, bad_table = 0;
	int r;

	if (!h) {
		ok(0, "memory for the huge result");
		return;
	}
	make_huge(f, h);
	for (b = 0; b <= 3000; b += 7) {
		da_buf_reset(&md);
		if (cov_report_markdown(&f->ctx, b, &md, &err) < 0 ||
		    md.len > b)
			bad_len++;
		if (!tables_ok(da_buf_str(&md), &tables))
			bad_table++;
	}
	is_int(bad_len, 0, "every budget from 0 to 3000 is kept");
	is_int(bad_table, 0, "every cut leaves whole tables");

	for (i = 0; i < sizeof(budgets) / sizeof(budgets[0]); i++) {
		char name[128];

		da_buf_reset(&md);
		is_int(cov_report_markdown(&f->ctx, budgets[i], &md, &err), 0,
		       "a huge result under a small budget");
		format(name, sizeof(name), "budget %zu: %zu bytes", budgets[i],
		       md.len);
		ok(md.len <= budgets[i], name);
		ok(tables_ok(da_buf_str(&md), &tables),
		   "budget: tables are whole");
		if (budgets[i] >= 400)
			has_str(da_buf_str(&md), "**Coverage failed**",
				"budget: the verdict stays");
		if (budgets[i] >= 700 && budgets[i] <= 1000)
			has_str(da_buf_str(&md), "more checks omitted\n",
				"budget: the checks table is cut with a line");
		if (budgets[i] >= 400 && budgets[i] < 20000)
			has_str(da_buf_str(&md),
				"more sections omitted to "
				"fit the size limit\n",
				"budget: left-out sections are counted");
	}
	da_buf_reset(&md);
	is_int(cov_report_markdown(&f->ctx, 20000, &md, &err), 0,
	       "20000 bytes");
	has_str(da_buf_str(&md), "more files omitted\n",
		"the worst files are cut with a line");
	r = render(da_buf_str(&md), &html);
	if (r == 0)
		ok(1, "# SKIP cmark-gfm is not installed");
	else
		ok(r == 1 && count(da_buf_str(&html), "<table>") >= 3,
		   "cmark-gfm renders the cut summary's tables");

	da_buf_reset(&md);
	is_int(cov_report_markdown(&f->ctx, COV_SUMMARY_BUDGET, &md, &err), 0,
	       "the full summary budget");
	ok(md.len <= COV_SUMMARY_BUDGET && md.len > 100000,
	   "the summary uses its budget and keeps to it");
	ok(tables_ok(da_buf_str(&md), &tables) && tables == 9,
	   "the full summary's tables are whole");
	has_str(da_buf_str(&md),
		"| src/module&#95;3/deeply\\|nested&#96;dir/file&#95;3.c | "
		"30.00% (3/10) | 75.00% (3/4) |",
		"a worst file row");
	has_str(da_buf_str(&md), "| 20.00% (10/50) | 1-3, 6-8, 11-13, 16-18,",
		"ranges of consecutive lines");
	has_str(da_buf_str(&md), ", " ELLIPSIS_TEXT " 249 more lines |\n",
		"a cell of ranges is cut with a count");

	/* The comment under its own budget, the marker first. */
	da_buf_reset(&md);
	is_int(cov_report_comment(&f->ctx, "Coverage (api)", &md, &err), 0,
	       "the comment of a huge result");
	ok(md.len <= COV_COMMENT_BUDGET, "the comment keeps to its budget");
	ok(!strncmp(da_buf_str(&md),
		    "<!-- deploy-actions/coverage-gate Coverage-api-60497830 "
		    "-->\n\n"
		    "\xe2\x9d\x8c **Coverage failed**",
		    69),
	   "the comment starts with its marker, then the verdict");
	ok(tables_ok(da_buf_str(&md) + strlen("<!-- deploy-actions/"
					      "coverage-gate Coverage-api-"
					      "60497830 -->\n\n"),
		     &tables),
	   "the comment's tables are whole");

	f->res.worst = NULL;
	da_buf_release(&md);
	da_buf_release(&html);
	free(h);
}

static void test_marker(void)
{
	static const char *const keys[][2] = {
	    {"Coverage", "<!-- deploy-actions/coverage-gate Coverage -->"},
	    {"api/v1.2_x", "<!-- deploy-actions/coverage-gate api/v1.2_x -->"},
	    {"a--b", "<!-- deploy-actions/coverage-gate a-b-258cd9e8 -->"},
	    {"x --> <script>",
	     "<!-- deploy-actions/coverage-gate x-script-8e8c3122 -->"},
	    {"-->", "<!-- deploy-actions/coverage-gate d3e4f423 -->"},
	    {"", "<!-- deploy-actions/coverage-gate -->"},
	    {" caf\xc3\xa9 ",
	     "<!-- deploy-actions/coverage-gate caf-901f9499 -->"},
	};
	struct da_err err = DA_ERR_INIT;
	struct da_buf b = DA_BUF_INIT(0);
	char name[128];
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		da_buf_reset(&b);
		format(name, sizeof(name), "marker of '%s'", keys[i][0]);
		is_int(cov_report_marker(keys[i][0], &b, &err), 0, name);
		is_str(da_buf_str(&b), keys[i][1], name);
	}
	da_buf_reset(&b);
	is_int(cov_report_marker(NULL, &b, &err), 0, "marker without a key");
	is_str(da_buf_str(&b), "<!-- deploy-actions/coverage-gate -->",
	       "marker without a key");
	da_buf_release(&b);
}

static void test_display(struct fixture *f)
{
	struct da_err err = DA_ERR_INIT;
	struct da_buf b = DA_BUF_INIT(0);
	struct cov_check one;
	struct cov_result res;

	/* 79.995% against 80: below, and shown below. */
	memset(&res, 0, sizeof(res));
	res.total[COV_LINES] = cnt(79995, 100000);
	res.files = 1;
	check(&one, COV_SCOPE_TOTAL, COV_LINES, "lines", cnt(79995, 100000),
	      thr(80, -1), COV_BAND_FAIL, NULL);
	res.checks = &one;
	res.nchecks = 1;
	res.verdict = COV_BAND_FAIL;
	f->ctx.result = &res;
	is_int(cov_report_markdown(&f->ctx, COV_SUMMARY_BUDGET, &b, &err), 0,
	       "79.995%: markdown");
	has_str(da_buf_str(&b),
		"**Coverage failed**: lines 79.99% is below 80%",
		"79.995% shows as 79.99%, below 80%");
	da_buf_reset(&b);
	is_int(cov_report_text(&f->ctx, &b, &err), 0, "79.995%: text");
	has_str(da_buf_str(&b), "lines 79.99% (79995/100000) < 80: fail\n",
		"text: one line per check");

	/* A threshold of 79.995 keeps its decimals. */
	one.count = res.total[COV_LINES] = cnt(7999, 10000);
	one.t.fail = pct(79995, 3);
	da_buf_reset(&b);
	is_int(cov_report_markdown(&f->ctx, COV_SUMMARY_BUDGET, &b, &err), 0,
	       "79.995 threshold: markdown");
	has_str(da_buf_str(&b), "lines 79.99% is below 79.995%",
		"the threshold is shown as written");
	has_str(da_buf_str(&b),
		"| lines | 79.99% (7999/10000) | fail < "
		"79.995% |",
		"the checks table shows it too");

	/* Passing: the main figure and the threshold it cleared. */
	one.count = res.total[COV_LINES] = cnt(8301, 10000);
	one.t = thr(80, 82);
	one.band = COV_BAND_PASS;
	res.verdict = COV_BAND_PASS;
	da_buf_reset(&b);
	is_int(cov_report_markdown(&f->ctx, COV_SUMMARY_BUDGET, &b, &err), 0,
	       "pass: markdown");
	ok(!strncmp(da_buf_str(&b),
		    "\xe2\x9c\x85 **Coverage passed**: lines 83.01% "
		    "(8301/10000), at least 82%\n",
		    60),
	   "pass: the verdict line gives the figure");
	da_buf_reset(&b);
	is_int(cov_report_text(&f->ctx, &b, &err), 0, "pass: text");
	has_str(da_buf_str(&b), "lines 83.01% (8301/10000) >= 82: pass\n",
		"text: a passing check");
	has_str(da_buf_str(&b),
		"Coverage passed: lines 83.01% (8301/10000), at least 82%\n",
		"text: the verdict comes last");

	/* Warned. */
	one.band = COV_BAND_WARN;
	res.verdict = COV_BAND_WARN;
	da_buf_reset(&b);
	is_int(cov_report_markdown(&f->ctx, COV_SUMMARY_BUDGET, &b, &err), 0,
	       "warn: markdown");
	ok(!strncmp(da_buf_str(&b),
		    "\xe2\x9a\xa0\xef\xb8\x8f **Coverage passed with "
		    "warnings**: lines 83.01% is below 82%",
		    40),
	   "warn: the verdict line says so");
	f->ctx.result = &f->res;
	da_buf_release(&b);
}

/* Reports that hold nothing: n/a everywhere, null in JSON. */
static void test_empty(struct fixture *f)
{
	struct da_err err = DA_ERR_INIT;
	struct da_buf b = DA_BUF_INIT(0), html = DA_BUF_INIT(0);
	struct cov_check one;
	struct cov_result res;
	struct cov_report_ctx ctx;
	json_t *doc = NULL;
	size_t tables;
	int r;

	memset(&res, 0, sizeof(res));
	memset(&ctx, 0, sizeof(ctx));
	check(&one, COV_SCOPE_EMPTY, COV_LINES, "coverage data", cnt(0, 0),
	      thr(-1, -1), COV_BAND_FAIL, "the reports hold no coverage data");
	res.checks = &one;
	res.nchecks = 1;
	res.verdict = COV_BAND_FAIL;
	ctx.result = &res;
	ctx.title = "  ";

	is_int(cov_report_markdown(&ctx, COV_SUMMARY_BUDGET, &b, &err), 0,
	       "empty: markdown");
	ok(!strncmp(da_buf_str(&b),
		    "\xe2\x9d\x8c **Coverage failed**: the reports hold no "
		    "coverage data\n",
		    50),
	   "empty: the verdict gives the reason; a blank title is Coverage");
	has_str(da_buf_str(&b), "| lines | n/a | 0 | 0 |",
		"empty: the totals table still has a row");
	ok(tables_ok(da_buf_str(&b), &tables) && tables == 2,
	   "empty: the checks and totals tables are whole");
	r = render(da_buf_str(&b), &html);
	if (r == 0)
		ok(1, "# SKIP cmark-gfm is not installed");
	else
		is_int(count(da_buf_str(&html), "<table>"), 2,
		       "empty: HTML has two tables");

	da_buf_reset(&b);
	is_int(cov_report_json(&ctx, &b, &err), 0, "empty: json");
	is_int(da_json_load_mem("json", b.data, b.len, 0, 0, &doc, &err), 0,
	       "empty: the JSON parses");
	ok(json_is_null(da_json_get(doc, "totals.lines.percent")),
	   "empty: percent is null");
	is_int(da_json_int(doc, "totals.lines.total", -1), 0,
	       "empty: total is 0");
	ok(json_is_null(da_json_get(doc, "changed")) &&
	       json_is_null(da_json_get(doc, "baseline")),
	   "empty: no changed lines, no baseline");
	json_decref(doc);

	da_buf_reset(&b);
	is_int(cov_report_badge(&ctx, COV_LINES, &b, &err), 0, "empty: badge");
	has_str(da_buf_str(&b), "fill=\"#9f9f9f\"", "empty: a grey badge");
	has_str(da_buf_str(&b), ">n/a</text>", "empty: the badge says n/a");

	da_buf_reset(&b);
	is_int(cov_report_text(&ctx, &b, &err), 0, "empty: text");
	is_str(da_buf_str(&b),
	       "reports: fail (the reports hold no coverage data)\n"
	       "Coverage failed: the reports hold no coverage data\n",
	       "empty: text");
	(void)f;
	da_buf_release(&b);
	da_buf_release(&html);
}

static void test_json(struct fixture *f)
{
	struct da_err err = DA_ERR_INIT;
	struct da_buf b = DA_BUF_INIT(0);
	json_t *doc = NULL, *a;
	const char *bad = "src/bad\xff\xfe.c";

	f->worst[2].path = bad;
	is_int(cov_report_json(&f->ctx, &b, &err), 0, "json is written");
	ok(b.len && b.data[b.len - 1] == '\n', "json ends with a newline");
	is_int(da_json_load_mem("json", b.data, b.len, 0, 0, &doc, &err), 0,
	       "the JSON parses");
	if (err.e)
		diag("%s", err.msg);
	is_str(da_json_str(doc, "verdict", ""), "fail", "json: verdict");
	is_str(da_json_str(doc, "code", ""), "DEPLOY_CI_FAILED", "json: code");
	is_str(da_json_str(doc, "totals.lines.percent", ""), "79.99",
	       "json: percent is a string, truncated");
	is_int(da_json_int(doc, "totals.lines.covered", -1), 7999,
	       "json: covered is an integer");
	is_int(da_json_int(doc, "totals.lines.total", -1), 10000,
	       "json: total is an integer");
	ok(json_is_null(da_json_get(doc, "totals.functions.percent")),
	   "json: a metric without data has a null percent");
	is_int(json_array_size(da_json_get(doc, "checks")), 9,
	       "json: every check");
	is_str(da_json_str(doc, "checks.3.scope", ""), "file",
	       "json: a check's scope");
	is_str(da_json_str(doc, "checks.3.name", ""), HOSTILE,
	       "json: names as they are");
	is_str(da_json_str(doc, "checks.0.fail", ""), "80",
	       "json: a check's threshold");
	ok(json_is_null(da_json_get(doc, "checks.3.warn")),
	   "json: no threshold is null");
	is_str(da_json_str(doc, "checks.6.delta", ""), "-1.26",
	       "json: the baseline check's delta");
	is_str(da_json_str(doc, "checks.6.base.percent", ""), "81.25",
	       "json: the baseline check's base figure");
	is_str(da_json_str(doc, "checks.1.band", ""), "warn", "json: band");
	is_str(da_json_str(doc, "files.2.path", ""),
	       "src/bad\xef\xbf\xbd\xef\xbf\xbd.c",
	       "json: invalid UTF-8 in a path is replaced");
	is_int(da_json_int(doc, "file_count", -1), 3, "json: file count");
	is_str(da_json_str(doc, "groups.0.glob", ""), "services/api/**",
	       "json: groups");
	is_str(da_json_str(doc, "changed.percent", ""), "90.00",
	       "json: changed-line figure");
	is_int(da_json_int(doc, "changed.added", -1), 60, "json: added lines");
	a = da_json_get(doc, "changed.files.0.uncovered");
	is_int(json_array_size(a), 2, "json: uncovered lines as two ranges");
	is_int(da_json_int(doc, "changed.files.0.uncovered.0.0", -1), 10,
	       "json: first range starts at 10");
	is_int(da_json_int(doc, "changed.files.0.uncovered.0.1", -1), 12,
	       "json: first range ends at 12");
	is_int(da_json_int(doc, "changed.files.0.uncovered.1.0", -1), 15,
	       "json: a single line is a range of one");
	is_str(da_json_str(doc, "baseline.delta.lines", ""), "-1.26",
	       "json: baseline delta");
	is_str(da_json_str(doc, "baseline.commit", ""), "0123456789abcdef",
	       "json: baseline commit");
	is_str(da_json_str(doc, "unmatched.1", ""), "gen/[id](http://e.x)$y$.c",
	       "json: unmatched files");
	is_str(da_json_str(doc, "reports.1.format", ""), "jacoco",
	       "json: reports and formats");
	is_int(json_array_size(da_json_get(doc, "notes")), 1, "json: notes");
	is_int(json_array_size(da_json_get(doc, "mismatches")), 1,
	       "json: mismatches");
	json_decref(doc);
	f->worst[2].path = "src/c.c";
	da_buf_release(&b);
}

static void test_text(struct fixture *f)
{
	struct da_err err = DA_ERR_INIT;
	struct da_buf b = DA_BUF_INIT(0);
	const char *s;

	f->worst[0].path = f->checks[3].name = S("src/\x1b[31mred.c");
	is_int(cov_report_text(&f->ctx, &b, &err), 0, "text is written");
	s = da_buf_str(&b);
	has_str(s, "lines 79.99% (7999/10000) < 80: fail\n", "text: lines");
	has_str(s, "branches 72.00% (720/1000) < 75: warn\n", "text: branches");
	has_str(s, "functions n/a: skip (no function data in the reports)\n",
		"text: a skipped check and why");
	has_str(s, "file src/?[31mred.c 10.00% (1/10) < 50: fail",
		"text: control characters are replaced");
	has_str(s, "path group services/api/** 85.00% (850/1000) >= 85: pass\n",
		"text: a group");
	has_str(s, "changed lines 90.00% (45/50) >= 90: pass\n",
		"text: changed lines");
	has_str(
	    s,
	    "lines against the baseline 79.99% (7999/10000), was "
	    "81.25%, -1.26 points: fail (down 1.26 points, more than the 0.5 "
	    "allowed)\n",
	    "text: the baseline");
	has_str(s, "unmatched report files 2: fail", "text: unmatched");
	/* main raises these as annotations; the text does not repeat them */
	ok(!strstr(s, "summary says lines 6/6"), "text: no mismatch lines");
	ok(!strstr(s, "note: "), "text: no notes");
	ok(!strncmp(s, "totals lines         79.99% (7999/10000)\n", 41),
	   "text: the totals come first");
	has_str(s, "       branches      72.00% (720/1000)\n",
		"text: one total per metric with data");
	ok(!strstr(s, "       functions "), "text: none for a metric without");
	ok(b.len > 40 &&
	       !strcmp(s + b.len - strlen("; and 1 more\n"),
		       "; and 1 more\n") &&
	       strstr(s, "\nCoverage failed: lines 79.99% is below 80%; "),
	   "text: the verdict line is last");
	ok(!strchr(s, '\x1b'), "text: no escape character");
	f->worst[0].path = f->checks[3].name = S(HOSTILE);
	da_buf_release(&b);
}

static int svg_start(void *ctx, const struct da_xml *x, const char *name,
		     const char **attrs, struct da_err *err)
{
	(void)x;
	(void)attrs;
	(void)err;
	if (!strcmp(name, "text"))
		++*(int *)ctx;
	return 0;
}

static void test_badge(struct fixture *f)
{
	struct da_err err = DA_ERR_INIT;
	struct da_buf b = DA_BUF_INIT(0), wide = DA_BUF_INIT(0);
	struct da_xml_handler h = {svg_start, NULL, NULL, 0, 0};
	int texts = 0;

	h.ctx = &texts;
	f->res.total[COV_LINES] = cnt(8301, 10000);
	f->checks[0].band = COV_BAND_PASS;
	is_int(cov_report_badge(&f->ctx, COV_LINES, &b, &err), 0,
	       "badge is written");
	is_int(da_xml_parse_mem("badge.svg", b.data, b.len, &h, &err), 0,
	       "the badge is well-formed XML");
	is_int(texts, 4, "the badge has a label and a value, each shadowed");
	has_str(da_buf_str(&b), "<svg xmlns=\"http://www.w3.org/2000/svg\"",
		"badge: an SVG document");
	has_str(da_buf_str(&b), "aria-label=\"coverage: 83.01%\"",
		"badge: label and value");
	has_str(da_buf_str(&b), ">coverage</text>", "badge: the label text");
	has_str(da_buf_str(&b), ">83.01%</text>", "badge: the value text");
	has_str(da_buf_str(&b), "fill=\"#4c1\"", "badge: green when passing");
	ok(!strstr(da_buf_str(&b), "href") &&
	       !strstr(da_buf_str(&b), "<image") &&
	       !strstr(da_buf_str(&b), "url(h"),
	   "badge: no external reference");

	f->checks[0].band = COV_BAND_WARN;
	da_buf_reset(&b);
	is_int(cov_report_badge(&f->ctx, COV_LINES, &b, &err), 0, "warn badge");
	has_str(da_buf_str(&b), "fill=\"#dfb317\"",
		"badge: yellow on a warning");
	f->checks[0].band = COV_BAND_FAIL;
	da_buf_reset(&b);
	is_int(cov_report_badge(&f->ctx, COV_LINES, &b, &err), 0, "fail badge");
	has_str(da_buf_str(&b), "fill=\"#e05d44\"", "badge: red on a failure");

	da_buf_reset(&b);
	is_int(cov_report_badge(&f->ctx, COV_BRANCHES, &b, &err), 0,
	       "branches badge");
	has_str(da_buf_str(&b), ">branches</text>",
		"badge: another metric is named");
	has_str(da_buf_str(&b), "fill=\"#dfb317\"",
		"badge: the metric's own band");
	f->res.total[COV_LINES] = cnt(1, 1);
	is_int(cov_report_badge(&f->ctx, COV_LINES, &wide, &err), 0,
	       "100% badge");
	has_str(da_buf_str(&wide), ">100.00%</text>", "badge: 100.00%");
	f->res.total[COV_LINES] = cnt(85, 1000);
	da_buf_reset(&b);
	is_int(cov_report_badge(&f->ctx, COV_LINES, &b, &err), 0,
	       "8.50% badge");
	{
		const char *w1 = strstr(da_buf_str(&wide), "width=\"");
		const char *w2 = strstr(da_buf_str(&b), "width=\"");

		ok(w1 && w2 &&
		       strtol(w1 + 7, NULL, 10) > strtol(w2 + 7, NULL, 10),
		   "badge: the width follows the text");
	}
	da_buf_reset(&b);
	is_int(cov_report_badge(&f->ctx, COV_FUNCTIONS, &b, &err), 0,
	       "functions badge");
	has_str(da_buf_str(&b), "fill=\"#9f9f9f\"", "badge: grey without data");
	f->res.total[COV_LINES] = cnt(7999, 10000);
	da_buf_release(&b);
	da_buf_release(&wide);
}

static struct da_gha *open_gha(void)
{
	struct da_err err = DA_ERR_INIT;
	struct da_gha *g = NULL;

	if (da_gha_open(&g, &err) < 0)
		diag("da_gha_open: %s", err.msg);
	return g;
}

static void test_outputs(struct fixture *f)
{
	static const char *const names[] = {
	    "verdict",
	    "lines",
	    "lines-covered",
	    "lines-total",
	    "branches",
	    "branches-covered",
	    "branches-total",
	    "functions",
	    "functions-covered",
	    "functions-total",
	    "statements",
	    "statements-covered",
	    "statements-total",
	    "instructions",
	    "instructions-covered",
	    "instructions-total",
	    "changed-lines",
	    "changed-lines-covered",
	    "changed-lines-total",
	    "baseline-delta",
	    "unmatched-files",
	    "files",
	};
	struct da_err err = DA_ERR_INIT;
	struct da_buf file = DA_BUF_INIT(0);
	char path[4200], line[128];
	struct da_gha *g;
	size_t i, missing = 0;

	format(path, sizeof(path), "%s/output", da_buf_str(cov_test_dir()));
	setenv("GITHUB_OUTPUT", path, 1);
	g = open_gha();
	if (!g) {
		ok(0, "open the runtime");
		return;
	}
	is_int(cov_report_outputs(&f->ctx, g, &err), 0, "outputs are set");
	is_int(da_gha_output_count(g), 22, "every output name, once");
	if (da_fs_read_file(path, 0, &file, &err) < 0)
		diag("%s", err.msg);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		format(line, sizeof(line), "\n%s=", names[i]);
		if (strncmp(da_buf_str(&file), line + 1, strlen(line + 1)) &&
		    !strstr(da_buf_str(&file), line)) {
			diag("missing %s", names[i]);
			missing++;
		}
	}
	is_int(missing, 0, "GITHUB_OUTPUT holds every name");
	has_str(da_buf_str(&file),
		"verdict=fail\nlines=79.99\nlines-covered="
		"7999\nlines-total=10000\n",
		"GITHUB_OUTPUT: verdict and lines");
	is_str(da_gha_output_get(g, "branches"), "72.00", "output: branches");
	is_str(da_gha_output_get(g, "functions"), "",
	       "output: no figure is empty");
	is_str(da_gha_output_get(g, "functions-total"), "0",
	       "output: its total is 0");
	is_str(da_gha_output_get(g, "changed-lines"), "90.00",
	       "output: changed lines");
	is_str(da_gha_output_get(g, "changed-lines-covered"), "45",
	       "output: changed lines covered");
	is_str(da_gha_output_get(g, "changed-lines-total"), "50",
	       "output: changed lines total");
	is_str(da_gha_output_get(g, "baseline-delta"), "-1.26",
	       "output: baseline delta");
	is_str(da_gha_output_get(g, "unmatched-files"), "2",
	       "output: unmatched files");
	is_str(da_gha_output_get(g, "files"), "3", "output: files");
	da_gha_free(g);
	unlink(path);

	/* Without changed lines or a baseline: empty strings. */
	f->res.changed = NULL;
	f->res.baseline = NULL;
	g = open_gha();
	is_int(cov_report_outputs(&f->ctx, g, &err), 0,
	       "outputs without changes");
	is_int(da_gha_output_count(g), 22, "still every name");
	is_str(da_gha_output_get(g, "changed-lines"), "",
	       "output: no changed-line figure");
	is_str(da_gha_output_get(g, "changed-lines-covered"), "",
	       "output: no changed-line count");
	is_str(da_gha_output_get(g, "changed-lines-total"), "",
	       "output: no changed-line total");
	is_str(da_gha_output_get(g, "baseline-delta"), "",
	       "output: no baseline");
	da_gha_free(g);
	unlink(path);
	unsetenv("GITHUB_OUTPUT");
	f->res.changed = &f->changed;
	f->res.baseline = &f->baseline;
	da_buf_release(&file);
}

/* The summary as main.c writes it: through the runtime, read back. */
static void test_summary_file(struct fixture *f)
{
	struct da_err err = DA_ERR_INIT;
	struct da_buf md = DA_BUF_INIT(0), file = DA_BUF_INIT(0);
	struct da_gha *g;
	char path[4200];

	format(path, sizeof(path), "%s/summary", da_buf_str(cov_test_dir()));
	setenv("GITHUB_STEP_SUMMARY", path, 1);
	g = open_gha();
	is_int(cov_report_markdown(&f->ctx, COV_SUMMARY_BUDGET, &md, &err), 0,
	       "summary: markdown");
	is_int(g ? da_gha_summary_add(g, md.data, md.len, &err) : -1, 0,
	       "summary: appended to GITHUB_STEP_SUMMARY");
	if (da_fs_read_file(path, 0, &file, &err) < 0)
		diag("%s", err.msg);
	is_str(da_buf_str(&file), da_buf_str(&md),
	       "summary: the file holds the markdown as written");
	ok(g && !da_gha_summary_truncated(g),
	   "summary: the budget keeps it under the runner's cap");
	da_gha_free(g);
	unlink(path);
	unsetenv("GITHUB_STEP_SUMMARY");
	da_buf_release(&md);
	da_buf_release(&file);
}

static void annotate(struct fixture *f, size_t max, struct da_buf *b)
{
	struct da_err err = DA_ERR_INIT;
	struct da_gha *g = open_gha();
	char path[4200];
	FILE *out;

	da_buf_reset(b);
	format(path, sizeof(path), "%s/annotations",
	       da_buf_str(cov_test_dir()));
	out = fopen(path, "w");
	if (!g || !out) {
		ok(0, "open the annotation stream");
		if (out)
			fclose(out);
		da_gha_free(g);
		return;
	}
	is_int(cov_report_annotations(&f->ctx, g, out, max, &err), 0,
	       "annotations are written");
	fclose(out);
	if (da_fs_read_file(path, 0, b, &err) < 0)
		diag("%s", err.msg);
	unlink(path);
	da_gha_free(g);
}

static void test_annotations(struct fixture *f)
{
	struct da_buf b = DA_BUF_INIT(0);
	const char *s;

	setenv("GITHUB_ACTIONS", "true", 1);
	annotate(f, 10, &b);
	s = da_buf_str(&b);
	is_str(s,
	       "::warning file=src/a.c,line=10,endLine=12,title=Not covered "
	       "by tests::Changed lines 10-12 are not covered by tests\n"
	       "::warning file=src/a.c,line=15,endLine=15,title=Not covered "
	       "by tests::Changed line 15 is not covered by tests\n"
	       "::warning file=src/b.c,line=3,endLine=3,title=Not covered "
	       "by tests::Changed line 3 is not covered by tests\n",
	       "one warning per range of uncovered changed lines");

	annotate(f, 2, &b);
	s = da_buf_str(&b);
	is_int(count(s, "::warning "), 2, "at most max warnings");
	has_str(s,
		"::notice::1 more uncovered range not annotated; see the "
		"job summary\n",
		"then one notice for the rest");

	annotate(f, 0, &b);
	is_str(da_buf_str(&b), "", "max 0: no annotations");

	f->res.changed = NULL;
	annotate(f, 10, &b);
	is_str(da_buf_str(&b), "", "no changed lines: no annotations");
	f->res.changed = &f->changed;
	unsetenv("GITHUB_ACTIONS");

	annotate(f, 1, &b);
	is_str(da_buf_str(&b),
	       "warning: src/a.c:10: Not covered by tests: Changed lines "
	       "10-12 are not covered by tests\n"
	       "notice: 2 more uncovered ranges not annotated; see the job "
	       "summary\n",
	       "outside Actions: plain lines");
	da_buf_release(&b);
}

static void run_tests(void)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		skip_all("no memory");
	unsetenv("GITHUB_ACTIONS");
	unsetenv("GITHUB_OUTPUT");
	unsetenv("GITHUB_STEP_SUMMARY");
	cov_test_dir_make("test-cov-report");
	fixture_init(f);
	test_markdown(f);
	test_display(f);
	test_empty(f);
	test_json(f);
	test_text(f);
	test_badge(f);
	test_outputs(f);
	test_summary_file(f);
	test_annotations(f);
	test_marker();
	test_budget(f);
	fixture_release(f);
	free(f);
	cov_test_dir_remove();
}
