/*
 * diff: the attribute-level detail of one planned resource change.
 *
 * The plan reader (plan.h) hands over the byte span of each element of
 * resource_changes and resource_drift; the summary reads those bytes again
 * and gives them here. The element is parsed in full (jansson) and its
 * change object is turned into plain-text lines, one per leaf attribute,
 * that a fenced ```diff block colours:
 *
 *   + tags.Name = "web"                        only after (added)
 *   - ami = "ami-0abc"                         only before (removed)
 *   ~ instance_type: "t3.micro" -> "t3.large"  both, and different
 *   ~ ami: "ami-1" -> "ami-2"  # forces replacement
 *   ~ password: (sensitive) -> (sensitive)
 *   + arn = (known after apply)
 *   ~ tags["kubernetes.io/role"]: "a" -> "b"
 *   ~ network_interface[0].subnet_id  # forces replacement
 *     ... 12 more attributes
 *
 * Leaves are found by walking before, after and after_unknown together,
 * object keys in byte order and arrays by index; unchanged leaves are not
 * shown. A null on one side and nothing on the other is no change; a null
 * against a container walks the container as added or removed. Values
 * are JSON text on one line (every control character escaped), cut after
 * TF_DIFF_VALUE_MAX bytes with "...". A value that is not walked (unknown,
 * sensitive, or of another type on the other side) is one line for its
 * path, a container in it shown as compact JSON, or as {...} when any
 * part of it is marked sensitive.
 *
 * Sensitive values never reach the output: where before_sensitive or
 * after_sensitive marks a value (or an ancestor) the value is written
 * "(sensitive)" and a sensitive container is one line whose keys, length
 * and content stay hidden. A mask whose shape does not match its value is
 * taken as hiding the whole value. Whether a sensitive value changed is
 * shown, as Terraform does. Nothing outside "change" is read: not the
 * address, not the plan's variables.
 *
 * Lines whose path lies under (or contains) a path of replace_paths end
 * with "  # forces replacement"; a replace path no line covers is listed
 * once on its own, cut at a sensitive container so it names nothing in it.
 */
#ifndef DA_TF_DIFF_H
#define DA_TF_DIFF_H

#include <stddef.h>

#include "common/buf.h"
#include "common/error.h"

/* Lines per resource before "... N more". */
#define TF_DIFF_LINES_DEFAULT 200
/* Bytes of one rendered value before it is cut with "...". */
#define TF_DIFF_VALUE_MAX 240
/* Nesting walked; a container deeper than this is one leaf, {...} or [...]. */
#define TF_DIFF_DEPTH_MAX 64
/* Paths of replace_paths looked at; the rest are ignored. */
#define TF_DIFF_REPLACE_MAX 64

struct tf_diff_opts {
	size_t max_lines; /* 0: TF_DIFF_LINES_DEFAULT */
};

/*
 * sensitive, unknown and forcing count every attribute line, written or
 * left out by max_lines, so a summary can say "2 attributes force
 * replacement" whatever was cut.
 */
struct tf_diff_stats {
	/* attribute lines written (not counting the "more" line) */
	size_t lines;
	size_t omitted;	  /* attribute lines left out by max_lines */
	size_t sensitive; /* values shown as (sensitive) */
	size_t unknown;	  /* values shown as (known after apply) */
	size_t forcing;	  /* lines marked as forcing replacement */
};

/*
 * Renders the attribute changes of one element of resource_changes (or
 * resource_drift), given as its JSON text, appending plain-text lines to
 * out. Returns 0; -DA_EINVAL when json is not such an element (one line in
 * err: "not a resource change: ..."), or holds a number jansson cannot
 * represent (err: "attribute detail unavailable: number too large for
 * this reader", a line the caller may show instead of the detail);
 * -DA_ELIMIT when out's ceiling is hit, -DA_ENOMEM (out is then restored
 * to its length on entry). opts and stats may be NULL; stats is filled
 * only on success.
 */
int tf_diff_render(const char *json, size_t len,
		   const struct tf_diff_opts *opts, struct da_buf *out,
		   struct tf_diff_stats *stats, struct da_err *err);

#endif
