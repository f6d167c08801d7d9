/*
 * yaml: YAML (and JSON) configuration files loaded into jansson values.
 *
 * Every config may be YAML or JSON: the loaders return a document whose
 * root is a json_t tree (mappings become objects, sequences arrays), plus
 * a table of where each piece came from, so a tool can say
 *   smoke.yml:12: unknown key 'timout'
 *
 * Plain scalars are resolved by the YAML 1.2 core schema: null, ~ and
 * empty are null; true/false (any of true, True, TRUE) are booleans;
 * 12, +12, 0o14, 0xC are integers; 1.5, .5, 1e3 are reals. Anything else,
 * including yes, no, on and off, is a string. A number that does not fit
 * (an integer beyond long long, 1e999, .inf, .nan) stays a string, with
 * its text unchanged. Quoted and block scalars are always strings. The tag
 * !!str (or !) makes a plain scalar a string; !!int, !!float, !!bool and
 * !!null demand that type; other tags are refused.
 *
 * Anchors and aliases are shared, not copied: an alias is one more
 * reference to the anchored value, so do not modify a loaded tree in
 * place. Against alias bombs a document may expand to at most
 * DA_MAX_YAML_NODES nodes (counted as if every alias were copied) and
 * nest at most DA_MAX_YAML_DEPTH deep. Merge keys (<<: *base or
 * <<: [*a, *b]) copy the members the mapping does not set itself; earlier
 * sources win over later ones. Duplicate keys, non-scalar keys, aliases to
 * unknown anchors and more than one document (unless DA_YAML_MULTI_DOC)
 * are errors. Errors are one line with the place, 1-based:
 *   cannot parse 'smoke.yml': line 4 column 3: mapping values are not ...
 *
 * The document owns the tree and the table; da_yaml_free() releases both.
 * Take json_incref() on the root to keep the tree longer. Positions
 * describe the tree as loaded and are meaningful only while it is left
 * unchanged.
 */
#ifndef DA_YAML_H
#define DA_YAML_H

#include <stddef.h>

#include <jansson.h>

#include "error.h"

/* Largest config file accepted. */
#define DA_MAX_YAML_FILE ((size_t)16 << 20)
/* Most nodes a document may expand to, counting each alias in full. */
#define DA_MAX_YAML_NODES 1000000
/* Deepest nesting of mappings and sequences. */
#define DA_MAX_YAML_DEPTH 256

enum {
	/* Accept a stream of documents; the root is an array of them. */
	DA_YAML_MULTI_DOC = 1 << 0,
};

struct da_yaml_doc;

/*
 * Loads the YAML file at path ("-" is stdin). Returns -DA_ENOENT if it
 * does not exist, -DA_EIO if it cannot be read, -DA_ELIMIT over
 * DA_MAX_YAML_FILE or a node or depth ceiling, -DA_EINVAL for text that is
 * not valid YAML or UTF-8, -DA_ENOMEM. *ret_doc is set only on success.
 */
int da_yaml_load_file(const char *path, unsigned flags,
		      struct da_yaml_doc **ret_doc, struct da_err *err);

/*
 * Same for len bytes at data; name says in messages where they came from.
 * An empty input is a document whose root is null.
 */
int da_yaml_load_mem(const char *name, const void *data, size_t len,
		     unsigned flags, struct da_yaml_doc **ret_doc,
		     struct da_err *err);

/*
 * Loads a config file: a name ending in ".json" is parsed as JSON (by
 * jansson, whose messages are better for JSON, duplicate keys refused),
 * anything else as YAML. Line lookups work for both, unless the JSON uses
 * what YAML reads otherwise (keys over 1024 characters): then they say 0.
 */
int da_config_load(const char *path, struct da_yaml_doc **ret_doc,
		   struct da_err *err);

/* Releases the document, its table and its reference to the tree. */
void da_yaml_free(struct da_yaml_doc *doc);

/* The root value, borrowed from the document (never NULL). */
json_t *da_yaml_root(const struct da_yaml_doc *doc);

/* The name given at load time, for messages. */
const char *da_yaml_name(const struct da_yaml_doc *doc);

/*
 * The 1-based line where node starts, 0 if unknown. true, false and null
 * are shared and have no line of their own, and an aliased node has its
 * anchor's: ask for those by place, da_yaml_key_line(), da_yaml_path_line().
 */
int da_yaml_line(const struct da_yaml_doc *doc, const json_t *node);

/* The 1-based line of member key in object obj, 0 if unknown. */
int da_yaml_key_line(const struct da_yaml_doc *doc, const json_t *obj,
		     const char *key);

/*
 * The 1-based line of the value at path (see json.h for paths): the line
 * of its key in a mapping, of its entry in a sequence; 0 if unknown.
 */
int da_yaml_path_line(const struct da_yaml_doc *doc, const char *path);

#endif
