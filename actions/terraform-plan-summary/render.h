/*
 * render: the model as text for a terminal, as JSON, as the job summary
 * and the pull request comment, and as step outputs.
 *
 * The Markdown stays within a byte budget (GitHub takes a comment of at
 * most 65,536 characters and a step summary of at most 1 MiB) by dropping
 * detail in a fixed order, and says what it dropped: first the
 * attribute-level changes (kept for as many resources as fit, replacements
 * and updates before deletions and creations), then the lists of
 * unchanged resources, then the rows of the tables past what fits
 * (destruction is listed first, so it is the last to go).
 *
 * No value of the plan is printed except through diff.c, which masks
 * everything marked sensitive; variables are never read.
 */
#ifndef DA_TF_RENDER_H
#define DA_TF_RENDER_H

#include <stdio.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/gha.h"
#include "model.h"

/* What GitHub takes, less room for the marker line and safety. */
#define TF_COMMENT_BUDGET ((size_t)65536 - 512)
#define TF_SUMMARY_BUDGET (DA_GHA_SUMMARY_MAX - 4096)
/* Largest element read again for its attribute changes. */
#define TF_DETAIL_ELEMENT_MAX ((size_t)1 << 20)
/* Rows of drift and of outputs listed per plan. */
#define TF_LIST_MAX 100

struct tf_render {
	struct tf_model *m;
	const char *title;   /* "Terraform plan" */
	const char *key;     /* of the comment marker */
	int fail_on_destroy; /* the policy is on */
	int fail_on_errored;
	int failed; /* the verdict (set by the caller) */
	int show_unchanged;
};

/* Plain text for a terminal. */
int tf_render_text(const struct tf_render *rc, struct da_buf *out,
		   struct da_err *err);

/* The JSON document, written to f as it is made (changes are many). */
int tf_render_json(const struct tf_render *rc, FILE *f, struct da_err *err);

/*
 * Markdown within budget bytes. comment: starts with the marker line.
 * The attribute changes are read again from the plans.
 */
int tf_render_markdown(const struct tf_render *rc, size_t budget, int comment,
		       struct da_buf *out, struct da_err *err);

/* The hidden marker line of the comment. */
int tf_render_marker(const struct tf_render *rc, struct da_buf *out,
		     struct da_err *err);

/* Every step output the action declares. */
int tf_render_outputs(const struct tf_render *rc, struct da_gha *gha,
		      struct da_err *err);

#endif
