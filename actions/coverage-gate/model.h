/*
 * model: the merged coverage of any number of reports, per file and line.
 *
 * Every parser (lcov.c, cobertura.c, jacoco.c, gocover.c, istanbul.c,
 * clover.c) feeds one model; the gates read only the model. Totals are
 * always recomputed from the per-line, per-branch, per-function and
 * per-statement records; a report's own summary figures are kept only as
 * a fallback for a metric no record carries (coverage-summary.json, a
 * Cobertura root without lines), and cov_model_mismatches() lists where a
 * report's summary disagrees with its records, for a warning.
 *
 * Merging, so that "a line covered in any report is covered" holds:
 *   lines       per (file, line): hit counts summed (saturating)
 *   branches    per (file, line, id): taken summed; -1 ("never
 *               evaluated", LCOV '-') plus n is n; a branch is covered
 *               when taken > 0. Parsers that know only counts per line
 *               (Cobertura "(a/b)", JaCoCo mb/cb, Clover) give the line's
 *               ids "#0".."#b-1" with the first a taken, so two such
 *               reports of one line merge into max(a) of max(b). On a
 *               line that a report with named ids (LCOV) describes too,
 *               the two are one set of branches seen twice: the line
 *               counts max(total) with max(covered), never the sum.
 *   functions   per (file, name): hits summed; the first line seen kept
 *   statements  per (file, key): counts summed, or OR-ed for Go's "set"
 *               mode; a key seen with another statement count is an error
 *               ("inconsistent NumStmt"), as in Go's own cover tool
 *   instructions per (file, line): JaCoCo's mi/ci; the larger covered
 *               count of two reports is kept (they describe one build)
 *
 * Paths are kept as the report wrote them; path normalisation (workspace
 * prefix, path-map, go.mod module, source roots) happens before a path
 * reaches the model, through cov_path_fn given to the parsers.
 *
 * Memory grows with files, lines and branches, never with the size of the
 * reports. Ceilings: DA_MAX_COV_FILES files, DA_MAX_COV_LINE line number.
 * The model owns all of its memory (cov_model_free()).
 */
#ifndef COV_MODEL_H
#define COV_MODEL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/error.h"

#define DA_MAX_COV_FILES 1000000   /* files in one model */
#define DA_MAX_COV_LINE 100000000u /* highest line number accepted */
#define DA_MAX_COV_NAME 4096	   /* a function name or branch id */

enum cov_metric {
	COV_LINES,
	COV_BRANCHES,
	COV_FUNCTIONS,
	COV_STATEMENTS,
	COV_INSTRUCTIONS,
	COV__METRICS
};

/* Exact figures: percentages are derived, never stored. */
struct cov_count {
	uint64_t covered;
	uint64_t total;
};

struct cov_model;
struct cov_file;

/* "lines", "branches", ... */
const char *cov_metric_name(enum cov_metric metric);

int cov_model_new(struct cov_model **ret_model, struct da_err *err);
void cov_model_free(struct cov_model *model);

/*
 * The file record for path, made on first use. The pointer stays valid
 * until the model is freed. -DA_ELIMIT past DA_MAX_COV_FILES.
 */
int cov_file_get(struct cov_model *model, const char *path,
		 struct cov_file **ret_file, struct da_err *err);

/* Records; see the merging rules above. line is 1-based. */
int cov_line_add(struct cov_file *file, uint32_t line, uint64_t hits,
		 struct da_err *err);
int cov_branch_add(struct cov_file *file, uint32_t line, const char *id,
		   int64_t taken, struct da_err *err);
/* covered of total branches on line (no ids known): ids "#0".."#total-1". */
int cov_branch_counts(struct cov_file *file, uint32_t line, uint32_t covered,
		      uint32_t total, struct da_err *err);
int cov_function_add(struct cov_file *file, const char *name, uint32_t line,
		     uint64_t hits, struct da_err *err);
/* or_mode: Go's "set" mode (count is 0 or 1 and merges by OR). */
int cov_statement_add(struct cov_file *file, const char *key,
		      uint32_t start_line, uint32_t end_line, uint32_t nstmt,
		      uint64_t count, int or_mode, struct da_err *err);
int cov_instructions_add(struct cov_file *file, uint32_t line, uint64_t covered,
			 uint64_t missed, struct da_err *err);

/*
 * For parsers of big reports: where a function or branch record went the
 * last time, so that a report repeating a file's records in the same order
 * (one record per test, as lcov writes them) finds each without hashing.
 * The hint is checked in full (file's name table, slot, key) before it is
 * used and is refreshed when it is wrong, so any hint, stale or from
 * another file, only costs that check. Zeroed is "no guess"; NULL is
 * allowed.
 */
struct cov_hint {
	uint32_t sid;
	uint32_t slot;
};

/* cov_function_add() and cov_branch_add() with the length of name or id
 * (which is NUL-terminated there) and a hint. */
int cov_function_add_hint(struct cov_file *file, const char *name, size_t len,
			  uint32_t line, uint64_t hits, struct cov_hint *hint,
			  struct da_err *err);
int cov_branch_add_hint(struct cov_file *file, uint32_t line, const char *id,
			size_t len, int64_t taken, struct cov_hint *hint,
			struct da_err *err);
/* cov_statement_add() with the length of key and a hint. */
int cov_statement_add_hint(struct cov_file *file, const char *key, size_t len,
			   uint32_t start_line, uint32_t end_line,
			   uint32_t nstmt, uint64_t count, int or_mode,
			   struct cov_hint *hint, struct da_err *err);

/*
 * A report's own figure for a metric over the whole report (source names
 * the report). Used for a metric no record gives; kept for
 * cov_model_mismatches() otherwise.
 */
int cov_model_summary(struct cov_model *model, enum cov_metric metric,
		      uint64_t covered, uint64_t total, const char *source,
		      struct da_err *err);

/*
 * Starts a report: a later cov_model_summary() compares its figures with
 * the records of the files touched (cov_file_get) since this call only.
 * cov_parse_any() calls it; without it the whole model is compared.
 */
void cov_model_report_begin(struct cov_model *model);

/* Totals, recomputed from the records (summary only as fallback). */
struct cov_count cov_model_total(const struct cov_model *model,
				 enum cov_metric metric);
struct cov_count cov_file_total(const struct cov_file *file,
				enum cov_metric metric);

/* Files in path order (sorted on first call after a change). */
size_t cov_model_files(struct cov_model *model);
struct cov_file *cov_model_file(struct cov_model *model, size_t i);
const char *cov_file_path(const struct cov_file *file);

/* The hits of one line (0 when the line has no record) and whether the
 * line is instrumented at all. */
int cov_file_line(const struct cov_file *file, uint32_t line,
		  uint64_t *ret_hits);

/* Lines of file with a record and no hits, ascending, for reports: the
 * first max go to lines (may be NULL); returns how many there are. */
size_t cov_file_uncovered(const struct cov_file *file, uint32_t *lines,
			  size_t max);

/* "report 'x': summary says lines 6/6, its records 5/10" lines, or 0. */
size_t cov_model_mismatches(const struct cov_model *model);
const char *cov_model_mismatch(const struct cov_model *model, size_t i);

/* ---- parsers: each reads one report into the model ---- */

enum cov_format {
	COV_FORMAT_UNKNOWN,
	COV_FORMAT_LCOV,
	COV_FORMAT_COBERTURA,
	COV_FORMAT_JACOCO,
	COV_FORMAT_GO,
	COV_FORMAT_ISTANBUL,	     /* coverage-final.json */
	COV_FORMAT_ISTANBUL_SUMMARY, /* coverage-summary.json */
	COV_FORMAT_CLOVER,
};

const char *cov_format_name(enum cov_format format);

/* Detects the format from the first bytes of a report (head, n bytes). */
enum cov_format cov_detect(const char *head, size_t n);

/*
 * Maps a path as a report writes it to the path the model keeps (NULL:
 * keep it). Returns 0 and appends to out, or a negative DA_E*.
 */
struct da_buf;
typedef int (*cov_path_fn)(void *ctx, const char *report_path,
			   struct da_buf *out, struct da_err *err);

typedef int (*cov_root_fn)(void *ctx, const char *root, struct da_err *err);

struct cov_parse {
	struct cov_model *model;
	cov_path_fn map;
	void *map_ctx;
	/* Optional, called with map_ctx: a root directory the report names
	 * for the file names that follow (Cobertura <source>). */
	cov_root_fn root;
};

/*
 * Each reads the report at path ("-" for standard input) as a stream and
 * adds it to p->model. Bad input is -DA_EINVAL with the report's name and
 * line (or offset): "cannot read 'lcov.info': line 12: DA without SF".
 */
int cov_parse_lcov(const struct cov_parse *p, const char *path,
		   struct da_err *err);
int cov_parse_go(const struct cov_parse *p, const char *path,
		 struct da_err *err);
int cov_parse_cobertura(const struct cov_parse *p, const char *path,
			struct da_err *err);
int cov_parse_clover(const struct cov_parse *p, const char *path,
		     struct da_err *err);
int cov_parse_jacoco(const struct cov_parse *p, const char *path,
		     struct da_err *err);
int cov_parse_istanbul(const struct cov_parse *p, const char *path,
		       struct da_err *err);
int cov_parse_istanbul_summary(const struct cov_parse *p, const char *path,
			       struct da_err *err);

/*
 * The LCOV and Go parsers on an open stream; name is the report's name in
 * messages. The path-taking forms above open the file and call these.
 */
int cov_parse_lcov_stream(const struct cov_parse *p, FILE *in, const char *name,
			  struct da_err *err);
int cov_parse_go_stream(const struct cov_parse *p, FILE *in, const char *name,
			struct da_err *err);

/*
 * Go's counting mode of the model's reports ("set", "count", "atomic"):
 * the first call records it; "set" mixed with a counting mode later is
 * -DA_EINVAL ("count" and "atomic" both count and mix).
 */
int cov_model_go_mode(struct cov_model *model, const char *mode,
		      struct da_err *err);

/*
 * Reads one line of a text report into line (without "\n" or "\r\n"),
 * at most DA_MAX_COV_TEXT_LINE bytes. *ret_eof is 1 when nothing was left
 * to read. -DA_ELIMIT for a longer line, -DA_EINVAL for a NUL byte,
 * -DA_EIO on a read error; err is not filled (callers know the place).
 */
#define DA_MAX_COV_TEXT_LINE 65536
int cov_read_line(FILE *in, struct da_buf *line, int *ret_eof);

/* Detects the format of path and calls its parser. */
int cov_parse_any(const struct cov_parse *p, const char *path,
		  enum cov_format *ret_format, struct da_err *err);

#endif
