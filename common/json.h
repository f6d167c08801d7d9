/*
 * json: loading, looking up and writing JSON values (jansson).
 *
 * Values are jansson json_t trees. A loader hands its tree to the caller,
 * who owns one reference and drops it with json_decref(). Lookups
 * (da_json_get() and the typed getters) return borrowed values that live as
 * long as the tree; they never fail loudly, they return NULL or the default
 * the caller gave, so a tool can write da_json_int(cfg, "retries", 3).
 *
 * Input has a ceiling: a file or buffer larger than max bytes (0 means
 * DA_MAX_JSON_FILE) is refused before it is parsed, and a file is refused
 * from its size before it is read. Text must be valid UTF-8 without NUL
 * characters in strings; any JSON value is accepted at the top level, so
 * callers check that a config is an object. Integers are kept as json_int_t
 * (long long); an integer that does not fit is an error, never a rounded
 * real. Errors are one line with the place:
 *   cannot parse 'plan.json': line 3 column 5 (offset 42): ...
 *
 * Paths name a value inside a tree: keys and array indices joined by dots,
 * "resource_changes.0.change.actions". A dot or backslash inside a key is
 * written "\." or "\\". An empty path names the root itself.
 */
#ifndef DA_JSON_H
#define DA_JSON_H

#include <stddef.h>

#include <jansson.h>

#include "buf.h"
#include "error.h"

/* Largest JSON input accepted by default: terraform plans get big. */
#define DA_MAX_JSON_FILE ((size_t)256 << 20)

/* Deepest nesting da_json_dump() writes (jansson parses up to 2048). */
#define DA_MAX_JSON_DEPTH 2048

/* Loader flags. */
enum {
	DA_JSON_REJECT_DUPLICATES = 1 << 0, /* duplicate object keys: error */
};

/* Writer flags. */
enum {
	DA_JSON_INDENT = 1 << 0,    /* two-space indentation, one per line */
	DA_JSON_SORT_KEYS = 1 << 1, /* object keys in byte order */
};

/*
 * Parses the file at path ("-" is stdin) into *ret_root. Regular files,
 * pipes and character devices are read; directories and other kinds are
 * refused. Returns -DA_ENOENT if the file does not exist,
 * -DA_EIO if it cannot be read, -DA_ELIMIT over max, -DA_EINVAL if the text
 * is not JSON.
 */
int da_json_load_file(const char *path, size_t max, unsigned flags,
		      json_t **ret_root, struct da_err *err);

/*
 * Parses len bytes at data. name says in messages where the bytes came
 * from ("response body", a file name). Same returns as da_json_load_file()
 * but never -DA_ENOENT or -DA_EIO.
 */
int da_json_load_mem(const char *name, const void *data, size_t len, size_t max,
		     unsigned flags, json_t **ret_root, struct da_err *err);

/*
 * The value at path under root, borrowed; NULL if any step is missing, an
 * index is out of range or not a number, or a step meets a scalar.
 * NULL root yields NULL.
 */
json_t *da_json_get(const json_t *root, const char *path);

/*
 * Typed getters: the value at path if it has the right type, otherwise
 * dflt. da_json_real() accepts integers too. da_json_str() returns a
 * string borrowed from the tree.
 */
const char *da_json_str(const json_t *root, const char *path, const char *dflt);
long long da_json_int(const json_t *root, const char *path, long long dflt);
double da_json_real(const json_t *root, const char *path, double dflt);
int da_json_bool(const json_t *root, const char *path, int dflt);

/* "object", "array", "string", "integer", "real", "boolean" or "null". */
const char *da_json_type_name(const json_t *v);

/*
 * Appends v as JSON text to out, compact unless DA_JSON_INDENT, keys in
 * insertion order unless DA_JSON_SORT_KEYS. Reals are written in the
 * shortest form that reads back to the same double. Returns -DA_ELIMIT when
 * out's ceiling is reached or the tree is deeper than DA_MAX_JSON_DEPTH,
 * -DA_ENOMEM; on failure out is left as it was.
 */
int da_json_dump(const json_t *v, unsigned flags, struct da_buf *out,
		 struct da_err *err);

#endif
