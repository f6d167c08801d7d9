/*
 * coverage-gate: read coverage reports and enforce thresholds.
 *
 * main() only talks to the user: options, output and the exit status.
 * Reports are read by the parsers into the model (model.h), names made
 * repository paths by paths.c, changed lines found by changed.c, the
 * verdict reached by gate.c and printed by report.c.
 */
#include <dirent.h>
#include <stdarg.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/fs.h"
#include "common/gha.h"
#include "common/github.h"
#include "common/glob.h"
#include "common/opt.h"

#include "actions/coverage-gate/changed.h"
#include "actions/coverage-gate/gate.h"
#include "actions/coverage-gate/model.h"
#include "actions/coverage-gate/paths.h"
#include "actions/coverage-gate/report.h"

#define PCT_HELP " (a percentage such as 80 or 79.5)"

static const struct da_opt options[] = {
    {.name = "reports",
     .arg = "GLOB",
     .type = DA_OPT_LIST,
     .flags = DA_OPT_LINES,
     .help = "Coverage reports to read, as paths or globs, one per line, "
	     "in addition to the REPORT arguments; the format of each is "
	     "detected from its content."},
    {.name = "fail-under",
     .arg = "PCT",
     .type = DA_OPT_STRING,
     .def = "80",
     .help = "Fail when the total coverage of --metric is below this" PCT_HELP
	     "; 0 turns the failing band off."},
    {.name = "warn-under",
     .arg = "PCT",
     .type = DA_OPT_STRING,
     .help = "Warn (and pass) when the total coverage of --metric is below "
	     "this" PCT_HELP "."},
    {.name = "metric",
     .arg = "METRIC",
     .type = DA_OPT_STRING,
     .def = "lines",
     .help = "The metric --fail-under and --warn-under apply to: lines, "
	     "branches, functions, statements or instructions."},
    {.name = "thresholds",
     .arg = "'METRIC: FAIL[/WARN]'",
     .type = DA_OPT_LIST,
     .flags = DA_OPT_LINES,
     .help = "Further total thresholds, one per line, such as "
	     "'branches: 70' or 'functions: 60/75'."},
    {.name = "file-fail-under",
     .arg = "PCT",
     .type = DA_OPT_STRING,
     .help = "Fail when any single file's line coverage is below "
	     "this" PCT_HELP "."},
    {.name = "file-warn-under",
     .arg = "PCT",
     .type = DA_OPT_STRING,
     .help = "Warn when any single file's line coverage is below "
	     "this" PCT_HELP "."},
    {.name = "path-thresholds",
     .arg = "'GLOB: FAIL[/WARN]'",
     .type = DA_OPT_LIST,
     .flags = DA_OPT_LINES,
     .help = "Line-coverage thresholds for groups of files, one per line, "
	     "such as 'services/api/**: 85' or 'libs/**: 70/80'."},
    {.name = "changed-fail-under",
     .arg = "PCT",
     .type = DA_OPT_STRING,
     .help = "Fail when the coverage of the lines the change adds is below "
	     "this" PCT_HELP "."},
    {.name = "changed-warn-under",
     .arg = "PCT",
     .type = DA_OPT_STRING,
     .help = "Warn when the coverage of the lines the change adds is below "
	     "this" PCT_HELP "."},
    {.name = "changed-min-lines",
     .arg = "N",
     .type = DA_OPT_INT,
     .def = "1",
     .min = 0,
     .max = 1000000000,
     .help = "Apply the changed-line gate only when the change adds at "
	     "least this many instrumented lines."},
    {.name = "base",
     .arg = "REF",
     .type = DA_OPT_STRING,
     .help = "The commit the change is compared with (git diff "
	     "BASE...HEAD); default: the pull request's base."},
    {.name = "head",
     .arg = "REF",
     .type = DA_OPT_STRING,
     .help = "The commit of the change; default: the pull request's head, "
	     "else HEAD."},
    {.name = "baseline",
     .arg = "FILE",
     .type = DA_OPT_STRING,
     .help = "A baseline written earlier by --write-baseline; with "
	     "--max-drop it fails a drop in any metric. A missing file is "
	     "a notice, not a failure."},
    {.name = "max-drop",
     .arg = "PCT",
     .type = DA_OPT_STRING,
     .help = "The largest drop in percentage points against --baseline "
	     "that still passes, such as 0.5."},
    {.name = "write-baseline",
     .arg = "FILE",
     .type = DA_OPT_STRING,
     .help = "Write this run's totals as a baseline for later runs."},
    {.name = "include",
     .arg = "GLOB",
     .type = DA_OPT_LIST,
     .flags = DA_OPT_LINES,
     .help = "Count only files matching one of these globs."},
    {.name = "exclude",
     .arg = "GLOB",
     .type = DA_OPT_LIST,
     .flags = DA_OPT_LINES,
     .help = "Leave out files matching one of these globs (generated code, "
	     "tests)."},
    {.name = "empty",
     .arg = "POLICY",
     .type = DA_OPT_STRING,
     .def = "fail",
     .help = "What reports without a single line mean: fail, pass or "
	     "skip."},
    {.name = "workspace",
     .arg = "DIR",
     .type = DA_OPT_STRING,
     .env = "GITHUB_WORKSPACE",
     .help = "The repository's root, stripped from absolute paths in "
	     "reports (default: the current directory)."},
    {.name = "path-map",
     .arg = "'FROM=>TO'",
     .type = DA_OPT_LIST,
     .flags = DA_OPT_LINES,
     .help = "Rewrite report paths that start with FROM to start with TO, "
	     "one rule per line; the first match wins."},
    {.name = "strip-prefix",
     .arg = "PREFIX",
     .type = DA_OPT_LIST,
     .flags = DA_OPT_LINES,
     .help = "Further prefixes to remove from absolute report paths."},
    {.name = "source-roots",
     .arg = "DIR",
     .type = DA_OPT_LIST,
     .flags = DA_OPT_LINES,
     .help = "Directories relative report paths may be under, such as "
	     "src/main/java."},
    {.name = "go-module",
     .arg = "PATH",
     .type = DA_OPT_STRING,
     .help = "The Go module path to strip from Go profiles (default: from "
	     "the go.mod files in the repository)."},
    {.name = "unmatched",
     .arg = "POLICY",
     .type = DA_OPT_STRING,
     .def = "warn",
     .help = "What report files that match no file in the repository "
	     "mean: warn, fail or ignore."},
    {.name = "worst-files",
     .arg = "N",
     .type = DA_OPT_INT,
     .def = "10",
     .min = 0,
     .max = 1000,
     .help = "Files with the lowest coverage listed in the summary."},
    {.name = "annotations",
     .arg = "N",
     .type = DA_OPT_INT,
     .def = "10",
     .min = 0,
     .max = 50,
     .help = "Warning annotations on uncovered changed lines, at most; "
	     "GitHub shows 10 per step."},
    {.name = "badge",
     .arg = "FILE",
     .type = DA_OPT_STRING,
     .help = "Write an SVG coverage badge for --metric to FILE."},
    {.name = "title",
     .arg = "TEXT",
     .type = DA_OPT_STRING,
     .def = "Coverage",
     .help = "The heading of the summary and comment; several gates in "
	     "one job tell themselves apart by it."},
    {.name = "comment",
     .type = DA_OPT_BOOL,
     .def = "false",
     .help = "Post the summary as a pull request comment, updated in "
	     "place on later runs; a token that cannot write gives a notice, "
	     "not a failure."},
    DA_OPT_GITHUB_TOKEN,
    DA_OPT_SHARED,
    DA_OPT_END,
};

static const struct da_opt_tool tool = {
    .name = "coverage-gate",
    .summary = "Reads coverage reports (LCOV, Cobertura, JaCoCo, Go, "
	       "Istanbul, Clover), merges them and enforces thresholds: "
	       "total, per file, per path, changed lines and no regression. "
	       "Warns or fails the job.",
    .args = "[REPORT ...]",
    .examples = "coverage-gate coverage/lcov.info\n"
		"coverage-gate --fail-under 80 --warn-under 90 cover.out\n"
		"coverage-gate --changed-fail-under 90 --base origin/main "
		"'build/**/*.xml'\n",
    .opts = options,
};

/* Ceilings of the report list and of a glob's walk. */
#define GATE_MAX_REPORTS 10000
#define GATE_MAX_WALK 1000000
#define GATE_MAX_DEPTH 64
#define GATE_MAX_LINE ((size_t)64 << 10)
#define GATE_MAX_NOTES 64
/* Warning annotations GitHub shows for one step. */
#define GATE_STEP_WARNINGS 10
/* Warned checks named in annotations of their own. */
#define GATE_CHECK_WARNINGS 4

struct gate {
	struct cov_policy policy;
	char **reports;
	const char **formats;
	size_t nreports;
	struct cov_paths *paths;
	struct cov_model *model;
	struct cov_diff *diff;
	struct cov_changed changed;
	int have_changed;
	struct cov_baseline baseline;
	int have_baseline;
	struct cov_result result;
	int have_result;
	struct cov_report_ctx ctx; /* what every report prints from */
	const char **unmatched;	   /* ctx.unmatched */
	char *notes[GATE_MAX_NOTES];
	size_t nnotes;
	FILE *cmd;	 /* where workflow commands and text go */
	size_t warnings; /* warning annotations written */
};

static int note(struct gate *g, struct da_err *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int note(struct gate *g, struct da_err *err, const char *fmt, ...)
{
	struct da_buf b = DA_BUF_INIT(GATE_MAX_LINE);
	va_list ap;
	int r;

	if (g->nnotes >= GATE_MAX_NOTES)
		return 0;
	va_start(ap, fmt);
	r = da_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	if (r < 0) {
		da_buf_release(&b);
		return da_err_set(err, DA_ENOMEM, "out of memory");
	}
	g->notes[g->nnotes++] = da_buf_detach(&b, NULL);
	return 0;
}

static int metric_parse(const char *s, const char *what, enum cov_metric *ret,
			struct da_err *err)
{
	int m;

	for (m = 0; m < COV__METRICS; m++)
		if (!strcmp(s, cov_metric_name((enum cov_metric)m))) {
			*ret = (enum cov_metric)m;
			return 0;
		}
	if (!strcmp(s, "methods")) { /* JaCoCo's word for them */
		*ret = COV_FUNCTIONS;
		return 0;
	}
	return da_err_set(
	    err, DA_EINVAL,
	    "%s: unknown metric '%s' (lines, branches, functions, "
	    "statements or instructions)",
	    what, s);
}

/* One option's percentage into a band of t; "" or unset leaves it. */
static int pct_opt(const struct da_opts *opts, const char *name, int *has,
		   struct cov_pct *pct, struct da_err *err)
{
	const char *s = da_opt_str(opts, name);
	char what[64];

	if (!s || !*s)
		return 0;
	(void)snprintf(what, sizeof(what), "--%s", name);
	if (cov_pct_parse(s, what, pct, err) < 0)
		return -DA_EINVAL;
	*has = 1;
	return 0;
}

/* a >= b, exactly, for two user percentages (at most 100 with
 * COV_PCT_MAX_SCALE decimals: the products stay far inside 64 bits). */
static int pct_ge(struct cov_pct a, struct cov_pct b)
{
	uint64_t x = a.num, y = b.num;
	unsigned i;

	for (i = 0; i < b.scale; i++)
		x *= 10;
	for (i = 0; i < a.scale; i++)
		y *= 10;
	return x >= y;
}

/* A warning band under its failing band would never show: say so. */
static int band_order(const struct cov_threshold *t, const char *fail,
		      const char *warn, struct da_err *err)
{
	char a[COV_PCT_SIZE], b[COV_PCT_SIZE];

	if (!t->has_fail || !t->has_warn || pct_ge(t->warn, t->fail))
		return 0;
	return da_err_set(err, DA_EINVAL,
			  "%s %s is below %s %s: the warning band would never "
			  "show (for a warning-only gate set %s to 0)",
			  warn, cov_pct_str(t->warn, a, sizeof(a)), fail,
			  cov_pct_str(t->fail, b, sizeof(b)), fail);
}

static int build_policy(const struct da_opts *opts, struct cov_policy *pol,
			struct da_err *err)
{
	const char *const *list;
	const char *s;
	size_t n, i;
	struct cov_threshold *t;
	int r;

	r = metric_parse(da_opt_str(opts, "metric"), "--metric", &pol->metric,
			 err);
	if (r < 0)
		return r;
	t = &pol->total[pol->metric];
	if (pct_opt(opts, "fail-under", &t->has_fail, &t->fail, err) < 0 ||
	    pct_opt(opts, "warn-under", &t->has_warn, &t->warn, err) < 0)
		return -DA_EINVAL;
	if (t->has_fail && t->fail.num == 0)
		t->has_fail = 0; /* 0: the failing band is off */
	if (band_order(t, "--fail-under", "--warn-under", err) < 0)
		return -DA_EINVAL;

	list = da_opt_list(opts, "thresholds", &n);
	for (i = 0; i < n; i++) {
		const char *colon = strchr(list[i], ':');
		char name[32], what[64];
		size_t len;
		enum cov_metric m;

		if (!colon)
			return da_err_set(err, DA_EINVAL,
					  "--thresholds: '%s' is not 'METRIC: "
					  "FAIL[/WARN]'",
					  list[i]);
		len = (size_t)(colon - list[i]);
		while (len &&
		       (list[i][len - 1] == ' ' || list[i][len - 1] == '\t'))
			len--;
		if (len >= sizeof(name))
			len = sizeof(name) - 1;
		memcpy(name, list[i], len);
		name[len] = '\0';
		if (metric_parse(name, "--thresholds", &m, err) < 0)
			return -DA_EINVAL;
		(void)snprintf(what, sizeof(what), "--thresholds %s", name);
		if (cov_threshold_parse(colon + 1, what, &pol->total[m], err) <
		    0)
			return -DA_EINVAL;
	}

	t = &pol->file;
	if (pct_opt(opts, "file-fail-under", &t->has_fail, &t->fail, err) < 0 ||
	    pct_opt(opts, "file-warn-under", &t->has_warn, &t->warn, err) < 0 ||
	    band_order(t, "--file-fail-under", "--file-warn-under", err) < 0)
		return -DA_EINVAL;

	list = da_opt_list(opts, "path-thresholds", &n);
	if (n) {
		pol->groups = calloc(n, sizeof(*pol->groups));
		if (!pol->groups)
			return da_err_set(err, DA_ENOMEM, "out of memory");
		for (i = 0; i < n; i++) {
			r = cov_group_parse(list[i], &pol->groups[i], err);
			if (r < 0)
				return r;
			pol->ngroups++;
		}
	}

	t = &pol->changed;
	if (pct_opt(opts, "changed-fail-under", &t->has_fail, &t->fail, err) <
		0 ||
	    pct_opt(opts, "changed-warn-under", &t->has_warn, &t->warn, err) <
		0 ||
	    band_order(t, "--changed-fail-under", "--changed-warn-under", err) <
		0)
		return -DA_EINVAL;
	pol->changed_min_lines =
	    (uint64_t)da_opt_int(opts, "changed-min-lines");

	if (pct_opt(opts, "max-drop", &pol->has_max_drop, &pol->max_drop, err) <
	    0)
		return -DA_EINVAL;

	list = da_opt_list(opts, "include", &n);
	if (n) {
		if ((r = da_glob_set_new(&pol->include, err)) < 0)
			return r;
		for (i = 0; i < n; i++)
			if ((r = da_glob_set_add(pol->include, list[i], err)) <
			    0)
				return r;
	}
	list = da_opt_list(opts, "exclude", &n);
	if (n) {
		if ((r = da_glob_set_new(&pol->exclude, err)) < 0)
			return r;
		for (i = 0; i < n; i++)
			if ((r = da_glob_set_add(pol->exclude, list[i], err)) <
			    0)
				return r;
	}

	s = da_opt_str(opts, "empty");
	if (!strcmp(s, "fail"))
		pol->empty = COV_EMPTY_FAIL;
	else if (!strcmp(s, "pass"))
		pol->empty = COV_EMPTY_PASS;
	else if (!strcmp(s, "skip"))
		pol->empty = COV_EMPTY_SKIP;
	else
		return da_err_set(err, DA_EINVAL,
				  "--empty: '%s' is not fail, pass or skip", s);
	s = da_opt_str(opts, "unmatched");
	if (strcmp(s, "warn") != 0 && strcmp(s, "fail") != 0 &&
	    strcmp(s, "ignore") != 0)
		return da_err_set(err, DA_EINVAL,
				  "--unmatched: '%s' is not warn, fail or "
				  "ignore",
				  s);
	pol->unmatched_fails = !strcmp(s, "fail");
	pol->worst = (size_t)da_opt_int(opts, "worst-files");
	return 0;
}

/* ---- the report list: paths and globs ---- */

static int has_magic(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

static int add_report(struct gate *g, const char *path, struct da_err *err)
{
	size_t i;
	char **n;

	for (i = 0; i < g->nreports; i++)
		if (!strcmp(g->reports[i], path))
			return 0; /* one report named twice is read once */
	if (g->nreports >= GATE_MAX_REPORTS)
		return da_err_set(err, DA_ELIMIT, "more than %d reports",
				  GATE_MAX_REPORTS);
	n = realloc(g->reports, (g->nreports + 1) * sizeof(*n));
	if (!n)
		return da_err_set(err, DA_ENOMEM, "out of memory");
	g->reports = n;
	g->reports[g->nreports] = strdup(path);
	if (!g->reports[g->nreports])
		return da_err_set(err, DA_ENOMEM, "out of memory");
	g->nreports++;
	return 0;
}

struct walk {
	struct gate *g;
	const char *pattern;
	size_t seen;
	char **found;
	size_t nfound;
};

static int walk_dir(struct walk *w, struct da_buf *path, int depth,
		    struct da_err *err)
{
	DIR *d;
	struct dirent *e;
	size_t len = path->len;
	int r = 0;

	if (depth > GATE_MAX_DEPTH)
		return 0;
	d = opendir(path->len ? da_buf_str(path) : ".");
	if (!d)
		return 0; /* unreadable directories hold no report */
	while (r == 0 && (e = readdir(d))) {
		struct stat st;
		int m;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    !strcmp(e->d_name, ".git"))
			continue;
		if (++w->seen > GATE_MAX_WALK) {
			r = da_err_set(err, DA_ELIMIT,
				       "'%s' walks more than %d files",
				       w->pattern, GATE_MAX_WALK);
			break;
		}
		da_buf_truncate(path, len);
		if ((len && path->data[len - 1] != '/' &&
		     da_buf_addch(path, '/') < 0) ||
		    da_buf_adds(path, e->d_name) < 0) {
			r = da_err_set(err, DA_ELIMIT, "a path is too long");
			break;
		}
		if (lstat(da_buf_str(path), &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			r = walk_dir(w, path, depth + 1, err);
			continue;
		}
		if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode))
			continue;
		m = da_glob_wildmatch(w->pattern, da_buf_str(path), err);
		if (m < 0) {
			r = m;
			break;
		}
		if (m) {
			char **n =
			    realloc(w->found, (w->nfound + 1) * sizeof(*n));
			if (!n) {
				r = da_err_set(err, DA_ENOMEM, "out of memory");
				break;
			}
			w->found = n;
			if (!(w->found[w->nfound] = strdup(da_buf_str(path)))) {
				r = da_err_set(err, DA_ENOMEM, "out of memory");
				break;
			}
			w->nfound++;
		}
	}
	closedir(d);
	da_buf_truncate(path, len);
	return r;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The files a glob names, in path order; none is an error. */
static int expand(struct gate *g, const char *pattern, struct da_err *err)
{
	struct walk w = {.g = g, .pattern = pattern};
	struct da_buf dir = DA_BUF_INIT(DA_MAX_FS_PATH);
	const char *magic, *slash;
	size_t i;
	int r;

	if (!has_magic(pattern))
		return add_report(g, pattern, err);
	/* walk from the last directory before the first wildcard */
	magic = strpbrk(pattern, "*?[");
	for (slash = magic; slash > pattern && slash[-1] != '/'; slash--)
		;
	if (slash > pattern) {
		size_t n = (size_t)(slash - pattern) - 1;
		if (da_buf_add(&dir, pattern, n ? n : 1) < 0) {
			da_buf_release(&dir);
			return da_err_set(err, DA_ELIMIT, "'%s' is too long",
					  pattern);
		}
	}
	r = walk_dir(&w, &dir, 0, err);
	da_buf_release(&dir);
	if (r == 0 && w.nfound == 0)
		r = da_err_set(err, DA_EINVAL, "no report matches '%s'",
			       pattern);
	if (r == 0 && w.nfound > 1)
		qsort(w.found, w.nfound, sizeof(*w.found), cmp_str);
	for (i = 0; i < w.nfound; i++) {
		if (r == 0)
			r = add_report(g, w.found[i], err);
		free(w.found[i]);
	}
	free(w.found);
	return r;
}

static int collect_reports(const struct da_opts *opts, struct gate *g,
			   struct da_err *err)
{
	const char *const *list;
	size_t n, i;
	int r;

	for (i = 0; i < da_opt_nargs(opts); i++)
		if ((r = expand(g, da_opt_arg(opts, i), err)) < 0)
			return r;
	list = da_opt_list(opts, "reports", &n);
	for (i = 0; i < n; i++)
		if ((r = expand(g, list[i], err)) < 0)
			return r;
	if (g->nreports == 0)
		return da_err_set(err, DA_EINVAL,
				  "no reports given: name them as arguments "
				  "or with --reports");
	return 0;
}

/* ---- reading ---- */

static int read_reports(const struct da_opts *opts, struct gate *g,
			struct da_err *err)
{
	struct cov_paths_config pc = {0};
	struct cov_parse p = {0};
	enum cov_format fmt;
	size_t i;
	int r;

	pc.workspace = da_opt_str(opts, "workspace");
	if (pc.workspace && !*pc.workspace)
		pc.workspace = NULL;
	pc.map = da_opt_list(opts, "path-map", &pc.nmap);
	pc.strip = da_opt_list(opts, "strip-prefix", &pc.nstrip);
	pc.roots = da_opt_list(opts, "source-roots", &pc.nroots);
	pc.go_module = da_opt_str(opts, "go-module");
	if (pc.go_module && !*pc.go_module)
		pc.go_module = NULL;
	pc.use_git = 1;
	r = cov_paths_new(&pc, &g->paths, err);
	if (r < 0)
		return r;
	r = cov_model_new(&g->model, err);
	if (r < 0)
		return r;
	g->formats = calloc(g->nreports, sizeof(*g->formats));
	if (!g->formats)
		return da_err_set(err, DA_ENOMEM, "out of memory");
	p.model = g->model;
	p.map = cov_paths_map;
	p.map_ctx = g->paths;
	p.root = cov_paths_root;
	if (*cov_paths_why_no_files(g->paths) &&
	    strcmp(da_opt_str(opts, "unmatched"), "ignore") != 0) {
		/* said, so a silent "0 unmatched" is not taken for a check */
		r = note(g, err,
			 "Report paths were not checked against the "
			 "repository (git ls-files in '%s': %s).",
			 cov_paths_workspace(g->paths),
			 cov_paths_why_no_files(g->paths));
		if (r < 0)
			return r;
	}
	for (i = 0; i < g->nreports; i++) {
		cov_paths_report_begin(g->paths);
		r = cov_parse_any(&p, g->reports[i], &fmt, err);
		if (r < 0)
			return r;
		g->formats[i] = cov_format_name(fmt);
	}
	return 0;
}

static int changed_lines(const struct da_opts *opts, struct gate *g,
			 struct da_err *err)
{
	const struct cov_threshold *t = &g->policy.changed;
	struct da_buf base = DA_BUF_INIT(GATE_MAX_LINE);
	struct da_buf head = DA_BUF_INIT(GATE_MAX_LINE);
	int r;

	if (!t->has_fail && !t->has_warn)
		return 0;
	r = cov_changed_refs(da_opt_str(opts, "base"), da_opt_str(opts, "head"),
			     &base, &head, err);
	if (r == 0)
		r = note(g, err,
			 "The changed-line gate was skipped: this is not a "
			 "pull request and no --base was given.");
	else if (r > 0) {
		r = 0;
		/* refs from the event name the pull request, not
		 * necessarily the tree that was checked out and tested */
		if (!da_opt_given(opts, "head") && !da_opt_given(opts, "base"))
			r = cov_changed_tested(cov_paths_workspace(g->paths),
					       &base, &head, err);
		if (r >= 0)
			r = cov_diff_git(cov_paths_workspace(g->paths),
					 da_buf_str(&base), da_buf_str(&head),
					 &g->diff, err);
		if (r == 0)
			r = cov_changed_eval(
			    g->model, g->diff, &g->policy, da_buf_str(&base),
			    da_buf_str(&head), &g->changed, err);
		if (r == 0)
			g->have_changed = 1;
	}
	da_buf_release(&base);
	da_buf_release(&head);
	return r;
}

static int read_baseline(const struct da_opts *opts, struct gate *g,
			 struct da_err *err)
{
	const char *path = da_opt_str(opts, "baseline");
	int r;

	if (!path || !*path) {
		if (g->policy.has_max_drop)
			return da_err_set(err, DA_EINVAL,
					  "--max-drop needs --baseline");
		return 0;
	}
	r = cov_baseline_read(path, &g->baseline, err);
	if (r == -DA_ENOENT)
		/* the first run of a ratchet has nothing to compare with */
		return note(g, err,
			    "No baseline at '%s' yet: nothing to compare "
			    "with; --write-baseline makes one.",
			    path);
	if (r == 0)
		g->have_baseline = 1;
	return r;
}

/* ---- telling ---- */

static int warn_annotation(struct gate *g, struct da_gha *gha,
			   const char *title, const char *msg)
{
	struct da_gha_loc loc = {.title = title};

	g->warnings++;
	return da_gha_annotate(gha, g->cmd, DA_GHA_WARNING, &loc, msg, NULL);
}

static int notice(struct gate *g, struct da_gha *gha, const char *msg)
{
	struct da_gha_loc loc = {.title = "coverage-gate"};

	return da_gha_annotate(gha, g->cmd, DA_GHA_NOTICE, &loc, msg, NULL);
}

/* Mismatches, unmatched files and warned checks, as warnings. */
static void warnings(struct gate *g, struct da_gha *gha, int unmatched_warn)
{
	struct da_err e = DA_ERR_INIT;
	struct da_buf b = DA_BUF_INIT(GATE_MAX_LINE);
	size_t i, n = cov_model_mismatches(g->model);

	for (i = 0; i < n && i < 3; i++)
		(void)warn_annotation(g, gha, "coverage-gate: report disagrees",
				      cov_model_mismatch(g->model, i));
	n = cov_paths_unmatched(g->paths);
	if (n && unmatched_warn) {
		(void)da_buf_addf(&b,
				  "%zu report file%s match%s no file in the "
				  "repository (",
				  n, n == 1 ? "" : "s", n == 1 ? "es" : "");
		for (i = 0; i < n && i < 3; i++)
			(void)da_buf_addf(
			    &b, "%s'%s'", i ? ", " : "",
			    cov_paths_unmatched_path(g->paths, i));
		(void)da_buf_addf(&b,
				  "%s); set path-map or workspace so "
				  "report paths name repository files",
				  n > 3 ? ", ..." : "");
		(void)warn_annotation(g, gha, "coverage-gate: unmatched paths",
				      da_buf_str(&b));
	}
	/* GitHub shows 10 warnings per step: a few checks by name, the
	 * rest counted, and room left for the uncovered changed lines. */
	n = 0;
	for (i = 0; i < g->result.nchecks; i++) {
		const struct cov_check *c = &g->result.checks[i];

		if (c->band != COV_BAND_WARN)
			continue;
		if (++n > GATE_CHECK_WARNINGS)
			continue;
		da_buf_reset(&b);
		if (cov_report_check_line(&g->ctx, c, &b, &e) == 0)
			(void)warn_annotation(g, gha, "coverage-gate",
					      da_buf_str(&b));
	}
	if (n > GATE_CHECK_WARNINGS) {
		da_buf_reset(&b);
		(void)da_buf_addf(&b,
				  "%zu more checks warn; see the job summary",
				  n - GATE_CHECK_WARNINGS);
		(void)warn_annotation(g, gha, "coverage-gate", da_buf_str(&b));
	}
	da_buf_release(&b);
}

static int build_ctx(struct gate *g, const struct da_opts *opts,
		     struct da_err *err)
{
	struct cov_report_ctx *ctx = &g->ctx;
	size_t i, n = cov_paths_unmatched(g->paths);

	g->unmatched = calloc(n ? n : 1, sizeof(*g->unmatched));
	if (!g->unmatched)
		return da_err_set(err, DA_ENOMEM, "out of memory");
	for (i = 0; i < n; i++)
		g->unmatched[i] = cov_paths_unmatched_path(g->paths, i);
	memset(ctx, 0, sizeof(*ctx));
	ctx->result = &g->result;
	ctx->model = g->model;
	ctx->policy = &g->policy;
	ctx->title = da_opt_str(opts, "title");
	ctx->reports = (const char *const *)g->reports;
	ctx->formats = g->formats;
	ctx->nreports = g->nreports;
	ctx->unmatched = g->unmatched;
	ctx->nunmatched = n;
	ctx->notes = (const char *const *)g->notes;
	ctx->nnotes = g->nnotes;
	return 0;
}

/*
 * The pull request comment. Never changes the verdict: a token that may
 * not write (pull requests from forks) is a notice, any other failure a
 * warning; the job summary holds the same text.
 */
static int post_comment(const struct da_opts *opts, struct gate *g,
			struct da_gha *gha, const struct cov_report_ctx *ctx,
			struct da_err *err)
{
	struct da_github_options go = {0};
	struct da_github *gh = NULL;
	struct da_buf body = DA_BUF_INIT((size_t)1 << 20);
	struct da_buf marker = DA_BUF_INIT(GATE_MAX_LINE);
	struct da_buf url = DA_BUF_INIT(GATE_MAX_LINE);
	struct da_buf msg = DA_BUF_INIT(GATE_MAX_LINE);
	struct da_err cerr = DA_ERR_INIT;
	const char *repo = da_gha_repository();
	const char *key = da_opt_str(opts, "title");
	long number = 0, status = 0;
	int created = 0, r;

	r = da_github_event_pr(&number, &cerr);
	if (r < 0 || number <= 0 || !repo || !*repo) {
		(void)notice(g, gha,
			     r < 0 ? cerr.msg
				   : "not a pull request: no comment posted; "
				     "the result is in the job summary");
		r = 0;
		goto out;
	}
	go.token = da_opt_str(opts, "github-token");
	if (!go.token || !*go.token) {
		(void)notice(g, gha,
			     "no github-token: no comment posted; the result "
			     "is in the job summary");
		goto out;
	}
	r = cov_report_comment(ctx, key, &body, err);
	if (r == 0)
		r = cov_report_marker(key, &marker, err);
	if (r < 0)
		goto out;
	r = da_github_new(&go, &gh, &cerr);
	if (r == 0)
		r = da_github_comment_upsert(
		    gh, repo, number, da_buf_str(&marker), da_buf_str(&body),
		    &url, &created, &status, &cerr);
	if (r < 0) {
		if (da_github_denied(status, "POST"))
			(void)da_buf_addf(
			    &msg,
			    "the token may not comment on pull "
			    "request #%ld (%s; pull requests from "
			    "forks get a read-only token): the "
			    "result is in the job summary",
			    number, cerr.msg);
		else
			(void)da_buf_addf(&msg,
					  "could not post the comment: %s; the "
					  "result is in the job summary",
					  cerr.msg);
		if (da_github_denied(status, "POST"))
			(void)notice(g, gha, da_buf_str(&msg));
		else
			(void)warn_annotation(g, gha, "coverage-gate: comment",
					      da_buf_str(&msg));
		r = 0;
		goto out;
	}
	(void)da_gha_set_output(gha, "comment-url", da_buf_str(&url), NULL);
	(void)fprintf(stderr, "%s comment %s\n", created ? "posted" : "updated",
		      da_buf_str(&url));
out:
	da_github_free(gh);
	da_buf_release(&body);
	da_buf_release(&marker);
	da_buf_release(&url);
	da_buf_release(&msg);
	return r;
}

/* The one line a failed verdict ends with: every failed check. */
static int verdict_error(struct gate *g, struct da_err *err)
{
	struct da_err e = DA_ERR_INIT;
	struct da_buf b = DA_BUF_INIT(DA_ERR_MSG_MAX - 64);
	size_t i, n = 0;

	for (i = 0; i < g->result.nchecks; i++) {
		const struct cov_check *c = &g->result.checks[i];

		if (c->band != COV_BAND_FAIL)
			continue;
		if (n++ && da_buf_adds(&b, "; ") < 0)
			break;
		if (cov_report_check_line(&g->ctx, c, &b, &e) < 0)
			break;
	}
	(void)da_err_setc(err, DA_EFAIL, DA_CODE_CI_FAILED,
			  "coverage failed: %s", da_buf_str(&b));
	da_buf_release(&b);
	return -DA_EFAIL;
}

/* The directory a file is to be written in exists (path NULL or "":
 * nothing to write). */
static int dir_exists(const char *path, const char *what, struct da_err *err)
{
	struct da_buf dir = DA_BUF_INIT(DA_MAX_FS_PATH);
	const char *slash;
	struct stat st;
	int r = 0;

	if (!path || !*path)
		return 0;
	slash = strrchr(path, '/');
	if (!slash)
		return 0;
	if (da_buf_add(&dir, path, slash == path ? 1 : (size_t)(slash - path)) <
	    0)
		r = da_err_set(err, DA_ELIMIT, "%s: the path is too long",
			       what);
	else if (stat(da_buf_str(&dir), &st) < 0 || !S_ISDIR(st.st_mode))
		r = da_err_set(err, DA_ENOENT,
			       "%s '%s': the directory '%s' does not exist",
			       what, path, da_buf_str(&dir));
	da_buf_release(&dir);
	return r;
}

static int write_all(const struct da_opts *opts, struct gate *g,
		     struct da_gha *gha, struct da_err *err)
{
	const struct cov_report_ctx *ctx = &g->ctx;
	struct da_buf b = DA_BUF_INIT((size_t)64 << 20);
	const char *s;
	size_t max;
	long long want;
	int r;

	/* What can still fail comes first, so a failure writes nothing:
	 * both files' directories are looked at before either is written. */
	r = dir_exists(da_opt_str(opts, "badge"), "--badge", err);
	if (r == 0)
		r = dir_exists(da_opt_str(opts, "write-baseline"),
			       "--write-baseline", err);
	if (r < 0)
		goto out;
	s = da_opt_str(opts, "badge");
	if (s && *s) {
		r = cov_report_badge(ctx, g->policy.metric, &b, err);
		if (r == 0)
			r = da_fs_write_atomic(s, b.data, b.len, 0644, err);
		if (r < 0)
			goto out;
	}
	s = da_opt_str(opts, "write-baseline");
	if (s && *s) {
		r = cov_baseline_write(s, g->result.total, err);
		if (r < 0)
			goto out;
	}

	da_buf_reset(&b);
	r = da_opt_bool(opts, "json") ? cov_report_json(ctx, &b, err)
				      : cov_report_text(ctx, &b, err);
	if (r < 0)
		goto out;
	(void)fwrite(b.data ? b.data : "", 1, b.len, stdout);
	(void)fflush(stdout);

	r = cov_report_outputs(ctx, gha, err);
	if (r < 0)
		goto out;
	if (da_opt_bool(opts, "summary") && da_gha_has_summary(gha)) {
		da_buf_reset(&b);
		r = cov_report_markdown(ctx, COV_SUMMARY_BUDGET, &b, err);
		/* the next step's summary starts on a line of its own */
		if (r == 0 && b.len && b.data[b.len - 1] != '\n')
			r = da_buf_addch(&b, '\n') < 0
				? da_err_set(err, DA_ENOMEM, "out of memory")
				: 0;
		if (r == 0)
			r = da_gha_summary_add(gha, b.data ? b.data : "", b.len,
					       err);
		if (r < 0)
			goto out;
	}
	warnings(g, gha, !strcmp(da_opt_str(opts, "unmatched"), "warn"));
	for (size_t i = 0; i < g->nnotes; i++)
		(void)notice(g, gha, g->notes[i]);
	want = da_opt_int(opts, "annotations");
	max = want > 0 ? (size_t)want : 0;
	if (g->warnings < GATE_STEP_WARNINGS &&
	    max > GATE_STEP_WARNINGS - g->warnings)
		max = GATE_STEP_WARNINGS - g->warnings;
	else if (g->warnings >= GATE_STEP_WARNINGS)
		max = 0;
	if (g->have_changed)
		(void)cov_report_annotations(ctx, gha, g->cmd, max, err);
	if (da_opt_bool(opts, "comment"))
		r = post_comment(opts, g, gha, ctx, err);
out:
	da_buf_release(&b);
	return r;
}

static void gate_release(struct gate *g)
{
	size_t i;

	if (g->have_result)
		cov_result_release(&g->result);
	if (g->have_baseline)
		cov_baseline_release(&g->baseline);
	if (g->have_changed)
		cov_changed_release(&g->changed);
	cov_diff_free(g->diff);
	cov_model_free(g->model);
	cov_paths_free(g->paths);
	cov_policy_release(&g->policy);
	for (i = 0; i < g->nreports; i++)
		free(g->reports[i]);
	free(g->reports);
	free(g->formats);
	free(g->unmatched);
	for (i = 0; i < g->nnotes; i++)
		free(g->notes[i]);
}

static int run(const struct da_opts *opts, struct da_gha *gha,
	       struct da_err *err)
{
	struct gate g = {0};
	int r;

	/* under --json, standard output is the JSON document alone */
	g.cmd = da_opt_bool(opts, "json") ? stderr : stdout;
	cov_policy_init(&g.policy);
	r = build_policy(opts, &g.policy, err);
	if (r == 0)
		r = collect_reports(opts, &g, err);
	if (r == 0)
		r = read_reports(opts, &g, err);
	if (r == 0)
		r = changed_lines(opts, &g, err);
	if (r == 0)
		r = read_baseline(opts, &g, err);
	if (r == 0) {
		r = cov_gate_eval(g.model, &g.policy,
				  g.have_changed ? &g.changed : NULL,
				  g.have_baseline ? &g.baseline : NULL,
				  cov_paths_unmatched(g.paths), &g.result, err);
		g.have_result = r == 0;
	}
	if (r == 0)
		r = build_ctx(&g, opts, err);
	/* Nothing is written before this point: bad input leaves no trace. */
	if (r == 0)
		r = write_all(opts, &g, gha, err);
	if (r == 0 && g.result.verdict == COV_BAND_FAIL)
		r = verdict_error(&g, err);
	gate_release(&g);
	return r;
}

int main(int argc, char *argv[])
{
	return da_opt_main(&tool, argc, argv, run);
}
