/*
 * gha: the GitHub Actions runtime, and its plain-text twin for a terminal.
 *
 * A struct da_gha is opened once per run from the environment. Inside
 * Actions (GITHUB_ACTIONS=true) annotations, masks, groups and debug lines
 * are workflow commands ("::error file=a.c,line=3::msg"); outside they are
 * plain text ("error: a.c:3: msg"). Nothing here prints on its own: every
 * function that emits text takes the FILE * that main.c chooses.
 *
 * Step outputs are appended to the file named by GITHUB_OUTPUT ("name=value"
 * or, for values with CR/LF, "name<<ghadelim_<32 hex>" ... delimiter, the
 * delimiter re-drawn while it occurs in the value). Every output is also
 * kept in memory, so without GITHUB_OUTPUT they can be listed.
 *
 * The job summary is appended to GITHUB_STEP_SUMMARY and never grows past
 * GitHub's 1 MiB cap: an append that does not fit is cut at a line boundary
 * and followed by a one-line note; later appends are dropped. Without
 * GITHUB_STEP_SUMMARY summary text is discarded.
 *
 * Secrets given to da_gha_mask() are remembered; every text this module
 * writes (annotations, debug, groups, summary) passes through
 * da_gha_redact() first, which replaces them with "***". Step outputs are
 * written as given.
 *
 * The handle owns its memory; da_gha_free() releases it (NULL-safe).
 */
#ifndef DA_GHA_H
#define DA_GHA_H

#include "buf.h"
#include "error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* GitHub's limit for one step's job summary. */
#define DA_GHA_SUMMARY_MAX ((size_t)1 << 20)
/* Ceiling for one step output value, and for the number of outputs. */
#define DA_GHA_MAX_OUTPUT ((size_t)1 << 20)
#define DA_GHA_MAX_OUTPUTS 1024
/* Ceiling for one workflow command line and for the remembered secrets. */
#define DA_GHA_MAX_COMMAND ((size_t)1 << 20)
#define DA_GHA_MAX_SECRETS 256

struct da_gha;

enum da_gha_level {
	DA_GHA_ERROR,
	DA_GHA_WARNING,
	DA_GHA_NOTICE,
};

/* Where an annotation points; every field is optional (NULL or 0). */
struct da_gha_loc {
	const char *file;
	long line;
	long end_line;
	long col;
	long end_col;
	const char *title;
};

/*
 * Fills n bytes with random data; returns 0 or a negative DA_E* value.
 * The default reads getrandom(2) or /dev/urandom.
 */
struct da_gha_random {
	int (*fill)(void *ctx, unsigned char *p, size_t n);
	void *ctx;
};

/*
 * Opens the runtime from the environment (GITHUB_ACTIONS, GITHUB_OUTPUT,
 * GITHUB_STEP_SUMMARY). Fails only when out of memory.
 */
int da_gha_open(struct da_gha **ret_gha, struct da_err *err);

/* Frees the handle and its remembered outputs and secrets. NULL-safe. */
void da_gha_free(struct da_gha *gha);

/* True when running inside GitHub Actions (GITHUB_ACTIONS=true). */
bool da_gha_in_actions(const struct da_gha *gha);

/*
 * Replaces the random source used for heredoc delimiters; a NULL fill
 * restores the default. Tests use it to force a colliding delimiter.
 */
void da_gha_set_random(struct da_gha *gha, const struct da_gha_random *rnd);

/* Outputs --------------------------------------------------------------- */

/* True when the name is a valid output name: [A-Za-z0-9_-]+. */
bool da_gha_output_name_ok(const char *name);

/*
 * Sets step output name to value: appended to GITHUB_OUTPUT when set (the
 * file is never truncated) and kept in memory either way (a later value
 * replaces an earlier one). Fails with -DA_EINVAL for a bad name,
 * -DA_ELIMIT past DA_GHA_MAX_OUTPUT, -DA_EIO when the file cannot be written.
 */
int da_gha_set_output(struct da_gha *gha, const char *name, const char *value,
		      struct da_err *err);

/* Number of outputs set so far, and the i-th name and value (set order). */
size_t da_gha_output_count(const struct da_gha *gha);
const char *da_gha_output_name(const struct da_gha *gha, size_t i);
const char *da_gha_output_value(const struct da_gha *gha, size_t i);

/* The value of output name, or NULL when it was never set. */
const char *da_gha_output_get(const struct da_gha *gha, const char *name);

/* Job summary ----------------------------------------------------------- */

/* True when GITHUB_STEP_SUMMARY names a file to write the summary to. */
bool da_gha_has_summary(const struct da_gha *gha);

/*
 * Appends len bytes of markdown (secrets redacted) to the step summary.
 * Keeps the file within DA_GHA_SUMMARY_MAX: what does not fit is cut at a
 * line boundary and replaced by a note; that is not an error. Returns
 * -DA_EIO only when the file cannot be written. No-op without a summary.
 */
int da_gha_summary_add(struct da_gha *gha, const char *md, size_t len,
		       struct da_err *err);

/* True once an append was cut to keep the summary under the cap. */
bool da_gha_summary_truncated(const struct da_gha *gha);

/*
 * Appends text as the content of one GitHub-flavoured markdown table cell:
 * '|' -> "\|", '\' -> "\\", CR, LF or CRLF -> "<br>", other control
 * characters -> ' ', and & < > * _ ` ~ as HTML entities so that neither
 * markup nor emphasis can start inside a value. Returns 0 or the da_buf
 * error.
 */
int da_gha_md_cell(struct da_buf *out, const char *text);

/* Workflow commands ----------------------------------------------------- */

/*
 * Appends s escaped as workflow command data ('%' -> %25, CR -> %0D,
 * LF -> %0A) or as a property value (also ':' -> %3A, ',' -> %2C).
 */
int da_gha_escape_data(struct da_buf *out, const char *s);
int da_gha_escape_property(struct da_buf *out, const char *s);

/*
 * Writes one annotation to out: "::error file=a.c,line=3,title=T::msg" in
 * Actions, "error: a.c:3: T: msg" outside. loc may be NULL. Text is
 * redacted first. Returns -DA_EIO when out cannot be written.
 */
int da_gha_annotate(struct da_gha *gha, FILE *out, enum da_gha_level level,
		    const struct da_gha_loc *loc, const char *msg,
		    struct da_err *err);

/*
 * Remembers secret for da_gha_redact() and, in Actions, writes
 * "::add-mask::" for each non-blank line of it (CRLF or LF separated).
 * Empty secrets are ignored; -DA_ELIMIT past DA_GHA_MAX_SECRETS lines.
 */
int da_gha_mask(struct da_gha *gha, FILE *out, const char *secret,
		struct da_err *err);

/*
 * Appends text to out with every remembered secret replaced by "***"
 * (longest match first). Returns 0 or the da_buf error.
 */
int da_gha_redact(const struct da_gha *gha, const char *text,
		  struct da_buf *out);

/*
 * Opens and closes a collapsible log group: "::group::title" and
 * "::endgroup::" in Actions; "== title ==" and nothing outside.
 */
int da_gha_group_start(struct da_gha *gha, FILE *out, const char *title,
		       struct da_err *err);
int da_gha_group_end(struct da_gha *gha, FILE *out, struct da_err *err);

/*
 * Writes a debug line: "::debug::msg" in Actions (shown when step debug
 * logging is on); outside only when RUNNER_DEBUG=1, as "debug: msg".
 */
int da_gha_debug(struct da_gha *gha, FILE *out, const char *msg,
		 struct da_err *err);

/* Context --------------------------------------------------------------- */

/*
 * The run's context from the environment; NULL when unset or empty.
 * da_gha_api_url() falls back to https://api.github.com, da_gha_temp_dir()
 * to TMPDIR and then P_tmpdir.
 */
const char *da_gha_repository(void); /* GITHUB_REPOSITORY: owner/name */
const char *da_gha_sha(void);	     /* GITHUB_SHA */
const char *da_gha_ref(void);	     /* GITHUB_REF */
const char *da_gha_event_name(void); /* GITHUB_EVENT_NAME */
const char *da_gha_event_path(void); /* GITHUB_EVENT_PATH */
const char *da_gha_workspace(void);  /* GITHUB_WORKSPACE */
const char *da_gha_run_id(void);     /* GITHUB_RUN_ID */
const char *da_gha_server_url(void); /* GITHUB_SERVER_URL */
const char *da_gha_api_url(void);    /* GITHUB_API_URL */
const char *da_gha_temp_dir(void);   /* RUNNER_TEMP */

#endif
