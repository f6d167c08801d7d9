/*
 * gate: thresholds, exact comparisons and the verdict.
 *
 * Percentages given by the user are decimals ("80", "79.995", "85%")
 * kept as exact fractions (struct cov_pct); a measured figure is always a
 * pair of integers (struct cov_count). A comparison is integer arithmetic:
 * covered / total >= num / (100 * 10^scale) iff
 * covered * 100 * 10^scale >= num * total, in 128 bits. Nothing is ever
 * rounded: 79.995% is below 80%. Figures are displayed truncated to two
 * decimals ("79.99"); a figure that fails its threshold is therefore
 * always displayed below it.
 *
 * Bands: a figure below the fail threshold fails (exit 1,
 * DEPLOY_CI_FAILED), below the warn threshold it warns (exit 0, a warning
 * annotation), else it passes. warn is meaningful only above fail.
 *
 * cov_gate_eval() reads the model (and the changed lines and baseline when
 * given) under a policy and fills a struct cov_result: every check with
 * its figure, threshold and band, the totals, the worst files, the path
 * groups and the overall verdict. The report module only prints a result.
 */
#ifndef COV_GATE_H
#define COV_GATE_H

#include <stddef.h>
#include <stdint.h>

#include "actions/coverage-gate/model.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/glob.h"

/* Decimals accepted in a threshold. */
#define COV_PCT_MAX_SCALE 4
/* Buffer size enough for any cov_pct_format() / cov_pct_str(). */
#define COV_PCT_SIZE 32

/* A user's percentage: num / 10^scale, 0 <= value <= 100. */
struct cov_pct {
	uint64_t num;
	unsigned scale;
};

/*
 * Parses "80", "80.5", "79.995", "85%" (spaces and tabs around allowed,
 * '%' right after the digits) into the normalised fraction ("80.50" is
 * 805/10). A point needs digits on both sides: "80." and ".5" look like
 * figures cut short and are refused, as are a sign, an exponent, hex, more
 * than COV_PCT_MAX_SCALE decimals and a value over 100, with -DA_EINVAL:
 * "'what': '101' is not a percentage from 0 to 100". what names the
 * option in the message. *ret is written only on success.
 */
int cov_pct_parse(const char *s, const char *what, struct cov_pct *ret,
		  struct da_err *err);

/*
 * The threshold as the user wrote it, normalised: "80", "79.995". Like
 * the formatters below, returns buf, or NULL (buf "") when size is too
 * small; COV_PCT_SIZE always suffices.
 */
char *cov_pct_str(struct cov_pct pct, char *buf, size_t size);

/*
 * Compares covered/total (as a percentage) with pct: -1 below, 0 equal,
 * 1 above. total 0 compares as 100%.
 */
int cov_pct_cmp(struct cov_count count, struct cov_pct pct);

/*
 * covered/total as a percentage truncated to two decimals: "79.99",
 * "100.00", "0.00"; "" when total is 0.
 */
char *cov_pct_format(struct cov_count count, char *buf, size_t size);

/*
 * The change from base to now in percentage points, truncated toward
 * zero to two decimals with its sign: "+1.25", "-0.50", "0.00"; "" when
 * either total is 0.
 */
char *cov_pct_delta(struct cov_count now, struct cov_count base, char *buf,
		    size_t size);

/*
 * Whether now dropped more than max_drop points below base:
 * base% - now% > max_drop, exactly. 0 when either total is 0.
 */
int cov_pct_dropped(struct cov_count now, struct cov_count base,
		    struct cov_pct max_drop);

enum cov_band {
	COV_BAND_PASS,
	COV_BAND_WARN,
	COV_BAND_FAIL,
	COV_BAND_SKIP, /* not evaluated: no data, too few changed lines, ... */
};

const char *cov_band_name(enum cov_band band); /* "pass", "warn", ... */

struct cov_threshold {
	int has_fail, has_warn;
	struct cov_pct fail, warn;
};

/* The band of count under t (pass when t has neither threshold). */
enum cov_band cov_threshold_band(struct cov_count count,
				 const struct cov_threshold *t);

/*
 * Parses "FAIL" or "FAIL/WARN" ("85", "85/90") into t; WARN below FAIL is
 * -DA_EINVAL.
 */
int cov_threshold_parse(const char *s, const char *what,
			struct cov_threshold *t, struct da_err *err);

/* What the gate does when the reports hold no line at all. */
enum cov_empty {
	COV_EMPTY_FAIL, /* fail (the default): a gate on nothing is a mistake */
	COV_EMPTY_PASS,
	COV_EMPTY_SKIP, /* neither: the verdict is "pass" with a notice */
};

/* A path group, from a line such as "*.go: 85" or "*.go: 85/90". */
struct cov_group {
	char *glob;
	struct cov_threshold t;
};

/*
 * Parses a path-thresholds line: GLOB ":" FAIL["/" WARN]. The last ':'
 * separates (a glob may hold ':'). -DA_EINVAL with the line on error.
 */
int cov_group_parse(const char *line, struct cov_group *ret,
		    struct da_err *err);

struct cov_policy {
	enum cov_metric metric;			  /* of fail-under/warn-under */
	struct cov_threshold total[COV__METRICS]; /* total, per metric */
	struct cov_threshold file;		  /* every file, on lines */
	struct cov_group *groups; /* owned; cov_policy_release() */
	size_t ngroups;
	struct cov_threshold changed; /* changed lines */
	uint64_t changed_min_lines;   /* fewer instrumented changed lines:
				       * the changed-line gate is skipped */
	int has_max_drop;	      /* against the baseline, per metric */
	struct cov_pct max_drop;
	struct da_glob_set *include; /* NULL: every file; owned */
	struct da_glob_set *exclude; /* NULL: none; owned */
	enum cov_empty empty;
	size_t worst;	     /* worst files listed (default 10) */
	int unmatched_fails; /* report files outside the repository fail */
};

/*
 * init: no thresholds, metric lines, changed_min_lines 1, empty fail,
 * worst 10. release frees the groups and sets and leaves policy as init
 * made it.
 */
void cov_policy_init(struct cov_policy *policy);
void cov_policy_release(struct cov_policy *policy);

/*
 * Whether path counts under include/exclude: include NULL (or without a
 * pattern) takes every file; a path exclude matches is out even when
 * include names it.
 */
int cov_policy_wants(const struct cov_policy *policy, const char *path);

/* ---- changed lines, as changed.c computes them ---- */

struct cov_changed_file {
	char *path;
	struct cov_count count; /* instrumented changed lines, covered */
	uint32_t *uncovered;	/* ascending line numbers */
	size_t nuncovered;
};

struct cov_changed {
	struct cov_count count;		/* over every wanted file */
	uint64_t added;			/* added lines, instrumented or not */
	struct cov_changed_file *files; /* changed files with instrumented
					 * lines, path order */
	size_t nfiles;
	char *base, *head; /* the refs compared, as given */
};

void cov_changed_release(struct cov_changed *changed);

/* ---- the baseline this tool writes and reads ---- */

struct cov_baseline {
	struct cov_count total[COV__METRICS];
	char *commit;  /* GITHUB_SHA when written, or NULL */
	char *ref;     /* GITHUB_REF when written, or NULL */
	char *created; /* RFC 3339 UTC */
};

/*
 * The baseline JSON:
 *   {"format": "deploy-actions/coverage-baseline", "version": 1,
 *    "created": "...", "commit": "...", "ref": "...",
 *    "totals": {"lines": {"covered": 1, "total": 2}, ...}}
 * written atomically; totals holds COV__METRICS counts, every one
 * written. commit and ref come from GITHUB_SHA and GITHUB_REF when set.
 * Reading refuses another format or version, a count that is not a
 * non-negative integer, or covered > total, with -DA_EINVAL: "cannot read
 * baseline 'f': ..."; a file over COV_BASELINE_MAX bytes is -DA_ELIMIT; a
 * missing file is -DA_ENOENT (the caller treats it as "no baseline yet").
 * Metrics this version does not know are ignored, and a metric the file
 * lacks reads as 0 of 0. *ret is filled only on success.
 */
#define COV_BASELINE_MAX ((size_t)1 << 20)
int cov_baseline_write(const char *path, const struct cov_count *totals,
		       struct da_err *err);
int cov_baseline_read(const char *path, struct cov_baseline *ret,
		      struct da_err *err);
/* The same reading of len bytes at data; name is the file in messages. */
int cov_baseline_parse(const char *name, const void *data, size_t len,
		       struct cov_baseline *ret, struct da_err *err);
void cov_baseline_release(struct cov_baseline *baseline);

/* ---- the result ---- */

enum cov_scope {
	COV_SCOPE_TOTAL,
	COV_SCOPE_FILE,	     /* every file: the worst one is the figure */
	COV_SCOPE_GROUP,     /* a path group */
	COV_SCOPE_CHANGED,   /* changed lines */
	COV_SCOPE_BASELINE,  /* no drop against the baseline */
	COV_SCOPE_EMPTY,     /* the reports hold no lines */
	COV_SCOPE_UNMATCHED, /* report files outside the repository */
};

/* One gate and how it went; one row of the summary's verdict table. */
struct cov_check {
	enum cov_scope scope;
	enum cov_metric metric;
	char *name; /* "lines", "src/a.c" (worst file), a group's glob */
	struct cov_count count; /* the figure */
	struct cov_threshold t; /* COV_SCOPE_BASELINE: fail is the largest
				 * drop allowed, in points (max_drop) */
	struct cov_count base;	/* COV_SCOPE_BASELINE: the baseline figure */
	enum cov_band band;
	char *note; /* why skipped, or more detail; may be NULL */
};

struct cov_file_row {
	const char *path; /* the model's */
	struct cov_count count[COV__METRICS];
};

struct cov_group_row {
	const char *glob; /* the policy's */
	struct cov_count count[COV__METRICS];
	size_t files;
};

struct cov_result {
	struct cov_count total[COV__METRICS]; /* wanted files only */
	size_t files;			      /* wanted files */
	struct cov_check *checks;
	size_t nchecks;
	struct cov_file_row *worst; /* lowest line coverage first */
	size_t nworst;
	size_t files_below; /* files under the per-file threshold */
	struct cov_group_row *groups;
	size_t ngroups;
	const struct cov_changed *changed;   /* the caller's, or NULL */
	const struct cov_baseline *baseline; /* the caller's, or NULL */
	enum cov_band verdict; /* pass, warn or fail (never skip) */
};

/*
 * Evaluates policy over model (changed and baseline may be NULL: those
 * gates are then skipped, with a note when they were asked for) into
 * *ret, which the caller releases. unmatched is the number of report files
 * found in no repository file (for unmatched_fails). Returns 0 or a
 * negative DA_E* (no memory, a bad group glob); *ret is written only on
 * success.
 *
 * The checks, in this order: a total per metric with a threshold (SKIP
 * when the reports carry no such data), or instead of them the one
 * COV_SCOPE_EMPTY check when the wanted files hold no data at all
 * (policy->empty: fail, pass, or skip); every file (the worst file's
 * lines); each path group (SKIP when it matches no file or no line);
 * changed lines; one baseline check per metric with data now and in the
 * baseline; unmatched report files. verdict is the worst band of them,
 * SKIP ignored.
 */
int cov_gate_eval(struct cov_model *model, const struct cov_policy *policy,
		  const struct cov_changed *changed,
		  const struct cov_baseline *baseline, size_t unmatched,
		  struct cov_result *ret, struct da_err *err);
void cov_result_release(struct cov_result *result);

#endif
