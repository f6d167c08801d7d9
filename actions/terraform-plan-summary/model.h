/*
 * model: what the summary says about one or more plans, gathered while
 * plan.c streams through them.
 *
 * Counting follows the contract: a replacement (either order)
 * counts once, under replace; a move or an import counts under moved or
 * imported, and under its action only when it also changes something.
 * The destroy policy (fail-on-destroy with an allow-list, the stateful
 * types whose loss is flagged) is decided per change while the plan
 * streams, so the verdict never depends on how many changes were kept.
 *
 * Changes are kept for the listing up to TF_KEEP_BYTES of strings in all;
 * past that they are counted, and the listing says how many it leaves
 * out. Unchanged resources are kept only up to TF_KEEP_NOOP_BYTES (their
 * list is the first thing the summary drops). Memory stays bounded
 * whatever the size of the plans.
 */
#ifndef DA_TF_MODEL_H
#define DA_TF_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/error.h"
#include "plan.h"

/* Bytes of kept strings, all plans together. */
#define TF_KEEP_BYTES ((size_t)32 << 20)
#define TF_KEEP_NOOP_BYTES ((size_t)1 << 20)
/* Plans one run reads. */
#define TF_PLANS_MAX 64

/* Flags of a kept change. */
#define TF_F_MOVED 0x01u    /* previous_address differs */
#define TF_F_IMPORTED 0x02u /* change.importing */
#define TF_F_DESTROYS 0x04u /* delete or either replace */
#define TF_F_STATEFUL 0x08u /* its type holds data (see tf_model) */
#define TF_F_ALLOWED 0x10u  /* the allow-list names it */
#define TF_F_DATA 0x20u	    /* a data source (mode "data") */
#define TF_F_FORCED 0x40u   /* change.replace_paths is non-empty */
#define TF_F_DATA_LOSS (TF_F_DESTROYS | TF_F_STATEFUL)

/*
 * What a change is shown as. The order is the order of the listing:
 * destruction first.
 */
enum tf_kind {
	TF_K_DELETE,
	TF_K_REPLACE,
	TF_K_FORGET,
	TF_K_CREATE,
	TF_K_UPDATE,
	TF_K_READ,
	TF_K_MOVED,    /* a move with no other change */
	TF_K_IMPORTED, /* an import with no other change */
	TF_K_OTHER,    /* actions the reader does not know */
	TF_K_NOOP,
	TF_K__COUNT
};

/* "delete", "replace", ... as the step outputs and --json name them. */
const char *tf_kind_name(enum tf_kind k);

struct tf_item {
	const char *address;
	const char *previous_address; /* NULL unless moved */
	const char *module;	      /* module_address; NULL: root */
	const char *type;
	const char *action_reason; /* NULL if none */
	const char *import_id;	   /* NULL if none */
	const char *deposed;	   /* NULL if none */
	enum tf_action action;
	enum tf_kind kind;
	unsigned flags;
	uint64_t offset, length; /* of its element in the plan */
};

struct tf_output_change {
	const char *name;
	enum tf_action action;
};

/* The counts the outputs and the counts line give. */
struct tf_counts {
	uint64_t create, update, delete_, replace, read, forget, other;
	uint64_t moved, imported, noop;
	uint64_t drift, outputs;
	uint64_t destroy;	 /* deleted or replaced, in any form */
	uint64_t destroy_denied; /* destroyed and not allowed */
	uint64_t data_loss;	 /* stateful and destroyed */
};

struct tf_plan {
	const char *label;
	const char *path; /* as given; "-" for standard input */
	int label_given;  /* named by the user, not made from the path */
	struct tf_plan_info info;
	struct tf_counts counts;
	struct tf_item *items; /* kept changes, in listing order */
	size_t nitems;
	uint64_t unlisted; /* changes counted but not kept */
	struct tf_item *noop;
	size_t nnoop;
	uint64_t noop_unlisted;
	struct tf_item *drift;
	size_t ndrift;
	uint64_t drift_unlisted;
	struct tf_output_change *outputs;
	size_t noutputs;
	uint64_t outputs_unlisted;
	int fd; /* open for reading elements again; -1: none */
};

struct tf_model;

struct tf_policy {
	const char *const *allow_destroy; /* address globs */
	size_t nallow;
	const char *const *stateful; /* type globs added to the defaults */
	size_t nstateful;
	int no_default_stateful; /* use only the user's list */
};

/* The built-in stateful type globs, NULL-terminated. */
extern const char *const tf_stateful_defaults[];

int tf_model_new(const struct tf_policy *pol, struct tf_model **ret,
		 struct da_err *err);
void tf_model_free(struct tf_model *m);

/*
 * Reads one plan (path "-": standard input, spooled to an unlinked file
 * in tmpdir when it is not a regular file, so that elements can be read
 * again). label may be NULL (made from the path later by the caller).
 */
int tf_model_add_plan(struct tf_model *m, const char *path, const char *label,
		      int label_given, const char *tmpdir, struct da_err *err);

size_t tf_model_nplans(const struct tf_model *m);
struct tf_plan *tf_model_plan(struct tf_model *m, size_t i);
const struct tf_counts *tf_model_total(const struct tf_model *m);

/* Whether the stateful and allow lists name type / address. */
int tf_model_is_stateful(const struct tf_model *m, const char *type);
int tf_model_is_allowed(const struct tf_model *m, const char *address);

/*
 * Reads the element of it again into out (at most max bytes; -DA_ELIMIT
 * past that). Returns 0 or a negative DA_E*.
 */
int tf_model_element(const struct tf_plan *p, const struct tf_item *it,
		     size_t max, struct da_buf *out, struct da_err *err);

/* The counts line: "+3 ~1 -/+1 -2, 1 moved, 1 imported". */
int tf_counts_line(const struct tf_counts *c, struct da_buf *out);

/* Whether the counts hold anything Terraform would apply. */
int tf_counts_changes(const struct tf_counts *c);

/* Kind of a change from its action and flags. */
enum tf_kind tf_kind_of(enum tf_action a, unsigned flags);

#endif
