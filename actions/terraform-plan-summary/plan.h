/*
 * plan: a streaming reader of the JSON that 'terraform show -json PLAN'
 * (or 'tofu show -json') prints.
 *
 * Plans can be far larger than the summary made of them, so the reader
 * never builds a tree of the whole document: it reads big blocks, finds
 * the top-level keys, and skips every value it does not need by matching
 * strings and brackets alone. Each element of resource_changes (and of
 * resource_drift) is handed to a callback with the few fields a summary
 * needs and its byte offset and length in the input, so that a later
 * stage can read just that element again and parse it in full for the
 * attribute-level detail. before, after, after_unknown and the sensitive
 * masks are skipped, never decoded; top-level variables are never kept
 * (they hold sensitive values in clear text). Memory stays flat whatever
 * the size of the plan.
 *
 * Bad input is one line and -DA_EINVAL naming the byte offset: not JSON,
 * JSON that is not a plan (a state file, HCP Terraform's redacted plan,
 * an array...), a plan mixed with the setup-terraform wrapper's output,
 * a truncated plan, nesting deeper than TF_DEPTH_MAX. A string or an
 * element over its ceiling is -DA_ELIMIT. An errored plan (errored: true,
 * usually without resource_changes) is not an input error: info says so.
 */
#ifndef DA_TF_PLAN_H
#define DA_TF_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

/* Deepest nesting of arrays and objects accepted. */
#define TF_DEPTH_MAX 512
/* Longest string the reader decodes (addresses, names, ids...). */
#define TF_STR_MAX 4096
/* Default ceiling of one element of resource_changes, in bytes. */
#define TF_ELEMENT_MAX (64u << 20)
/* Default read block. */
#define TF_BLOCK_DEFAULT (1u << 20)

/* What change.actions says will happen to a resource instance. */
enum tf_action {
	TF_ACT_NOOP,	      /* ["no-op"] (may carry a move or an import) */
	TF_ACT_CREATE,	      /* ["create"] */
	TF_ACT_READ,	      /* ["read"] */
	TF_ACT_UPDATE,	      /* ["update"] */
	TF_ACT_DELETE,	      /* ["delete"] */
	TF_ACT_REPLACE_DC,    /* ["delete","create"]: destroy first */
	TF_ACT_REPLACE_CD,    /* ["create","delete"]: create_before_destroy */
	TF_ACT_FORGET,	      /* ["forget"]: removed, destroy = false */
	TF_ACT_CREATE_FORGET, /* ["create","forget"] */
	TF_ACT_OTHER,	      /* anything else, [] and a missing list too */
	TF_ACT__COUNT
};

/* "no-op", "create", ..., "delete,create", "other". */
const char *tf_action_name(enum tf_action a);

/* Whether a removes the object (delete or either replace). */
int tf_action_destroys(enum tf_action a);

/*
 * One element of resource_changes or resource_drift. Strings are decoded
 * UTF-8, NULL when the key is absent or null, and valid only during the
 * callback.
 */
struct tf_change {
	const char *address;
	const char *previous_address; /* set by a move */
	const char *module_address;
	const char *mode; /* "managed" or "data" */
	const char *type;
	const char *name;
	const char *provider_name;
	const char *deposed; /* the deposed object's key */
	const char *action_reason;
	enum tf_action action;
	int deletes;	       /* the list holds "delete" (whatever else) */
	int importing;	       /* change.importing is an object */
	const char *import_id; /* change.importing.id, NULL if none */
	int replace_paths;     /* change.replace_paths is a non-empty array */
	int drift;	       /* from resource_drift, not resource_changes */
	uint64_t offset;       /* byte offset of the element's '{' */
	uint64_t length;       /* bytes up to and with its '}' */
};

/* Return 0 to go on, or a negative DA_E* (with err set) to stop. */
typedef int (*tf_change_fn)(void *ctx, const struct tf_change *c,
			    struct da_err *err);
typedef int (*tf_output_fn)(void *ctx, const char *name, enum tf_action a,
			    struct da_err *err);

struct tf_scan_opts {
	size_t block;		/* read size; 0: TF_BLOCK_DEFAULT (tests: 1) */
	uint64_t element_max;	/* 0: TF_ELEMENT_MAX */
	tf_change_fn on_drift;	/* resource_drift elements; NULL: count */
	tf_output_fn on_output; /* output_changes; NULL: count only */
	const char *name;	/* for messages; NULL: the path */
};

/* A boolean of the plan that may be absent (OpenTofu lacks some). */
enum tf_bool { TF_ABSENT = -1, TF_FALSE = 0, TF_TRUE = 1 };

struct tf_plan_info {
	char format_version[16];
	char terraform_version[64]; /* OpenTofu's version too; "" if absent */
	int format_major, format_minor;
	enum tf_bool errored, applyable, complete;
	int has_resource_changes;	 /* the key is present */
	uint64_t changes;		 /* elements of resource_changes */
	uint64_t actions[TF_ACT__COUNT]; /* of those, per action */
	int has_resource_drift;
	uint64_t drift;
	uint64_t outputs; /* entries of output_changes */
	uint64_t output_actions[TF_ACT__COUNT];
	uint64_t bytes; /* size of the plan read */
};

/*
 * Reads the plan at path ("-": standard input), calling on_change for
 * every element of resource_changes in order, and fills info. opts may
 * be NULL. Returns 0 or a negative DA_E* with err set; callbacks may have
 * been called before an error is found (at the end of the input, say):
 * the caller drops what it gathered then.
 */
int tf_plan_scan(const char *path, const struct tf_scan_opts *opts,
		 tf_change_fn on_change, void *ctx, struct tf_plan_info *info,
		 struct da_err *err);

/*
 * The same from an open descriptor, from where it stands to its end;
 * offsets count from there. The caller closes fd.
 */
int tf_plan_scan_fd(int fd, const char *name, const struct tf_scan_opts *opts,
		    tf_change_fn on_change, void *ctx,
		    struct tf_plan_info *info, struct da_err *err);

/* The same over len bytes in memory; name is for messages. */
int tf_plan_scan_mem(const void *data, size_t len, const char *name,
		     const struct tf_scan_opts *opts, tf_change_fn on_change,
		     void *ctx, struct tf_plan_info *info, struct da_err *err);

#endif
