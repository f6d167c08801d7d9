/*
 * report: what coverage-gate prints and writes, from a struct cov_result.
 *
 * Nothing here decides anything: the verdict, the checks and their bands
 * come from gate.c. Every writer fills a caller's buffer (or the Actions
 * runtime through common/gha) and never prints on its own account.
 *
 * Figures are always cov_pct_format() (two decimals, truncated) with the
 * exact covered/total beside them. A metric whose total is 0 is "n/a".
 *
 * Size budgets: the job summary and the pull request comment are built in
 * priority order (verdict table, totals, changed lines, baseline delta,
 * path groups, worst files, uncovered changed lines, unmatched files,
 * mismatch warnings) and a section that does not fit is cut with a line
 * "… N more files omitted" so the text always stays under the budget and
 * always ends as valid GitHub-flavoured Markdown.
 */
#ifndef COV_REPORT_H
#define COV_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "actions/coverage-gate/gate.h"
#include "actions/coverage-gate/model.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/gha.h"

/* The comment body budget: GitHub refuses over 65,536 characters. */
#define COV_COMMENT_BUDGET 65000
/* The job summary budget, under the runner's 1 MiB per step. */
#define COV_SUMMARY_BUDGET ((size_t)1000 << 10)

/* What the report needs beyond the result. */
struct cov_report_ctx {
	const struct cov_result *result;
	struct cov_model *model;	 /* for mismatch lines */
	const struct cov_policy *policy; /* thresholds shown */
	const char *title;		 /* heading, e.g. "Coverage" */
	const char *const *reports;	 /* the report files read */
	const char *const *formats;	 /* cov_format_name() of each */
	size_t nreports;
	const char *const *unmatched; /* report files in no repository file */
	size_t nunmatched;
	const char *const *notes; /* notices to show (skipped gates, ...) */
	size_t nnotes;
};

/*
 * The Markdown of the job summary (or, with a marker line first, of the
 * comment), at most budget bytes, appended to md.
 */
int cov_report_markdown(const struct cov_report_ctx *ctx, size_t budget,
			struct da_buf *md, struct da_err *err);

/*
 * The comment body: the hidden marker "<!-- deploy-actions/coverage-gate
 * KEY -->" on the first line (KEY lets several gates keep their own
 * comment on one pull request), then the Markdown, under
 * COV_COMMENT_BUDGET.
 */
int cov_report_comment(const struct cov_report_ctx *ctx, const char *key,
		       struct da_buf *md, struct da_err *err);
/* The marker line alone, for finding the comment again. */
int cov_report_marker(const char *key, struct da_buf *out, struct da_err *err);

/*
 * The --json document: {"verdict", "totals": {metric: {"covered",
 * "total", "percent"}}, "checks": [...], "files": [...worst],
 * "groups": [...], "changed": {...} or null, "baseline": {...} or null,
 * "unmatched": [...], "reports": [...], "notes": [...]}, with a newline.
 */
int cov_report_json(const struct cov_report_ctx *ctx, struct da_buf *out,
		    struct da_err *err);

/*
 * The plain text for the terminal: one line per check ("lines 79.99%
 * (7999/10000) < 80: fail") and the verdict.
 */
int cov_report_text(const struct cov_report_ctx *ctx, struct da_buf *out,
		    struct da_err *err);

/*
 * Why check c failed or warned, in one line for an annotation or an error
 * message: "lines 79.99% (7999/10000) is below 80%", "lines dropped 1.25
 * points from the baseline (81.25% (65/80) to 80.00% (8/10)), more than
 * 0.5". The verdict line of every report says the same, without counts.
 */
int cov_report_check_line(const struct cov_report_ctx *ctx,
			  const struct cov_check *c, struct da_buf *out,
			  struct da_err *err);

/*
 * A shields-style SVG badge "coverage | 83.01%" for metric, green when
 * the total passes, yellow when it warns, red when it fails, grey when
 * there is no figure. Self-contained, no external references.
 */
int cov_report_badge(const struct cov_report_ctx *ctx, enum cov_metric metric,
		     struct da_buf *svg, struct da_err *err);

/*
 * Step outputs, every name always written: verdict, and for each metric
 * <m> (lines, branches, functions, statements, instructions): <m> (the
 * percentage, "" when total is 0), <m>-covered, <m>-total; changed-lines,
 * changed-lines-covered, changed-lines-total (all "" when no changed-line
 * figure), baseline-delta (lines, "" without a baseline), unmatched-files
 * (a count), files (a count).
 */
int cov_report_outputs(const struct cov_report_ctx *ctx, struct da_gha *gha,
		       struct da_err *err);

/*
 * Warning annotations on the uncovered changed lines, one per range of
 * consecutive lines ("file=src/a.c,line=10,endLine=12,title=Not covered"),
 * at most max of them; when there are more, one notice says how many
 * ranges were left out and points to the job summary. Written to out.
 */
int cov_report_annotations(const struct cov_report_ctx *ctx, struct da_gha *gha,
			   FILE *out, size_t max, struct da_err *err);

#endif
