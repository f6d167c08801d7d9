#include "yaml.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "buf.h"
#include "fs.h"
#include "json.h"

#define TAG_PREFIX "tag:yaml.org,2002:"

/* Index values that mark what an entry of the table describes. */
#define NODE_ENTRY SIZE_MAX /* where node "parent" itself starts */

/*
 * One entry of the position table, found by (parent, key, index):
 *   a node:        (node, NULL, NODE_ENTRY)
 *   a member key:  (object, key, 0)
 *   an element:    (array, NULL, i)
 *   an anchor:     (NULL, name, document number), holding a reference
 */
struct mark {
	const json_t *parent;
	char *key;
	size_t index;
	int line;
	json_t *node; /* anchors only: the anchored value */
	size_t size;  /* anchors only: nodes it expands to */
};

struct da_yaml_doc {
	json_t *root;
	char *name;
	struct mark *marks;
	size_t n, cap;
	size_t *slots; /* open addressing: 0 empty, else index + 1 */
	size_t nslots; /* a power of two, or 0 */
};

struct frame {
	json_t *node;	    /* the object or array being filled */
	char *anchor;	    /* its anchor name, registered when complete */
	size_t start_nodes; /* node count when it began */
	int line;	    /* where it began */
	char *key;	    /* mappings: key waiting for its value */
	int key_line;
	int merge; /* the waiting key is "<<" */
	int had_merge;
	json_t *merges; /* mappings to merge at the end, in order */
};

struct builder {
	struct da_yaml_doc *doc;
	struct da_err *err;
	unsigned flags;
	struct frame *stack;
	int depth;
	size_t nodes; /* expanded node count of the stream */
	size_t docno;
	int doc_line;	/* where the current document began */
	json_t *cur;	/* the current document's root, once built */
	json_t *docs;	/* DA_YAML_MULTI_DOC: all documents */
	json_t *single; /* otherwise: the one document */
};

/* ---- position table ---- */

static size_t hash_of(const json_t *parent, const char *key, size_t index)
{
	uint64_t h = 1469598103934665603ULL;

	h ^= (uint64_t)(uintptr_t)parent;
	h *= 1099511628211ULL;
	h ^= (uint64_t)index;
	h *= 1099511628211ULL;
	if (key)
		for (; *key; key++) {
			h ^= (unsigned char)*key;
			h *= 1099511628211ULL;
		}
	return (size_t)(h ^ (h >> 29));
}

static int same(const struct mark *m, const json_t *parent, const char *key,
		size_t index)
{
	if (m->parent != parent || m->index != index)
		return 0;
	if (!m->key || !key)
		return m->key == key;
	return strcmp(m->key, key) == 0;
}

static struct mark *find(const struct da_yaml_doc *doc, const json_t *parent,
			 const char *key, size_t index)
{
	size_t i, s;

	if (!doc->nslots)
		return NULL;
	i = hash_of(parent, key, index) & (doc->nslots - 1);
	while ((s = doc->slots[i]) != 0) {
		if (same(&doc->marks[s - 1], parent, key, index))
			return &doc->marks[s - 1];
		i = (i + 1) & (doc->nslots - 1);
	}
	return NULL;
}

static void place(struct da_yaml_doc *doc, size_t idx)
{
	const struct mark *m = &doc->marks[idx];
	size_t i = hash_of(m->parent, m->key, m->index) & (doc->nslots - 1);

	while (doc->slots[i])
		i = (i + 1) & (doc->nslots - 1);
	doc->slots[i] = idx + 1;
}

static int grow_table(struct da_yaml_doc *doc)
{
	size_t cap, nslots, i;
	struct mark *m;
	size_t *slots;

	if (doc->n == doc->cap) {
		cap = doc->cap ? doc->cap * 2 : 64;
		m = realloc(doc->marks, cap * sizeof(*m));
		if (!m)
			return -DA_ENOMEM;
		doc->marks = m;
		doc->cap = cap;
	}
	if ((doc->n + 1) * 2 <= doc->nslots)
		return 0;
	nslots = doc->nslots ? doc->nslots * 2 : 128;
	slots = calloc(nslots, sizeof(*slots));
	if (!slots)
		return -DA_ENOMEM;
	free(doc->slots);
	doc->slots = slots;
	doc->nslots = nslots;
	for (i = 0; i < doc->n; i++)
		place(doc, i);
	return 0;
}

/* Records (or updates) an entry; node, if given, gains a reference. */
static int add_mark(struct da_yaml_doc *doc, const json_t *parent,
		    const char *key, size_t index, int line, json_t *node,
		    size_t size)
{
	struct mark *m = find(doc, parent, key, index);
	char *k = NULL;

	if (!m) {
		if (key && !(k = strdup(key)))
			return -DA_ENOMEM;
		if (grow_table(doc) < 0) {
			free(k);
			return -DA_ENOMEM;
		}
		m = &doc->marks[doc->n];
		m->parent = parent;
		m->key = k;
		m->index = index;
		m->node = NULL;
		place(doc, doc->n++);
	}
	m->line = line;
	json_decref(m->node);
	m->node = json_incref(node);
	m->size = size;
	return 0;
}

void da_yaml_free(struct da_yaml_doc *doc)
{
	size_t i;

	if (!doc)
		return;
	for (i = 0; i < doc->n; i++) {
		free(doc->marks[i].key);
		json_decref(doc->marks[i].node);
	}
	free(doc->marks);
	free(doc->slots);
	json_decref(doc->root);
	free(doc->name);
	free(doc);
}

static struct da_yaml_doc *new_doc(const char *name)
{
	struct da_yaml_doc *doc = calloc(1, sizeof(*doc));

	if (!doc)
		return NULL;
	doc->name = strdup(name);
	if (!doc->name) {
		free(doc);
		return NULL;
	}
	return doc;
}

json_t *da_yaml_root(const struct da_yaml_doc *doc)
{
	return doc ? doc->root : NULL;
}

const char *da_yaml_name(const struct da_yaml_doc *doc)
{
	return doc->name;
}

int da_yaml_line(const struct da_yaml_doc *doc, const json_t *node)
{
	const struct mark *m;

	if (!doc || !node)
		return 0;
	m = find(doc, node, NULL, NODE_ENTRY);
	return m ? m->line : 0;
}

int da_yaml_key_line(const struct da_yaml_doc *doc, const json_t *obj,
		     const char *key)
{
	const struct mark *m;

	/* The entry of a container freed while loading may linger. */
	if (!doc || !key || !json_object_get(obj, key))
		return 0;
	m = find(doc, obj, key, 0);
	return m ? m->line : 0;
}

int da_yaml_path_line(const struct da_yaml_doc *doc, const char *path)
{
	const struct mark *m = NULL;
	const char *p, *last;
	json_t *parent;
	char *prefix = NULL, *key = NULL;
	size_t i, k, n, idx;

	if (!doc || !path)
		return 0;
	if (!*path)
		return da_yaml_line(doc, doc->root);
	last = path;
	for (p = path; *p; p++) {
		if (*p == '\\' && p[1])
			p++;
		else if (*p == '.')
			last = p + 1;
	}
	n = last > path ? (size_t)(last - path - 1) : 0;
	prefix = strndup(path, n);
	n = strlen(last);
	key = malloc(n + 1);
	if (!prefix || !key)
		goto out;
	for (i = 0, k = 0; i < n; i++) {
		if (last[i] == '\\' && i + 1 < n)
			i++;
		key[k++] = last[i];
	}
	key[k] = '\0';
	parent = last > path ? da_json_get(doc->root, prefix) : doc->root;
	if (json_object_get(parent, key)) {
		m = find(doc, parent, key, 0);
	} else if (json_is_array(parent) && k > 0 &&
		   strspn(key, "0123456789") == k) {
		errno = 0;
		idx = (size_t)strtoull(key, NULL, 10);
		if (errno == 0 && idx < json_array_size(parent))
			m = find(doc, parent, NULL, idx);
	}
out:
	free(prefix);
	free(key);
	return m ? m->line : 0;
}

/* ---- building the tree from events ---- */

static int line_of(yaml_mark_t mark)
{
	return mark.line >= INT_MAX ? INT_MAX : (int)mark.line + 1;
}

static int col_of(yaml_mark_t mark)
{
	return mark.column >= INT_MAX ? INT_MAX : (int)mark.column + 1;
}

static int fail(struct builder *b, int e, yaml_mark_t mark, const char *fmt,
		...) __attribute__((format(printf, 4, 5)));

static int fail(struct builder *b, int e, yaml_mark_t mark, const char *fmt,
		...)
{
	char what[DA_ERR_MSG_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (n < 0)
		what[0] = '\0';
	return da_err_set(b->err, e, "cannot parse '%s': line %d column %d: %s",
			  b->doc->name, line_of(mark), col_of(mark), what);
}

static int nomem(struct builder *b)
{
	return da_err_set(b->err, DA_ENOMEM, "cannot load '%s': out of memory",
			  b->doc->name);
}

/* Counts nodes produced, as if every alias were a copy. */
static int count(struct builder *b, size_t n, yaml_mark_t mark)
{
	if (n > DA_MAX_YAML_NODES || b->nodes > DA_MAX_YAML_NODES - n)
		return fail(b, DA_ELIMIT, mark,
			    "document expands to more than %d nodes "
			    "(aliases counted in full); simplify it",
			    DA_MAX_YAML_NODES);
	b->nodes += n;
	return 0;
}

static int streq(const char *s, const char *a, const char *b, const char *c)
{
	return !strcmp(s, a) || !strcmp(s, b) || !strcmp(s, c);
}

/* 1: an integer in *ret; 0: not shaped like one; -1: does not fit. */
static int plain_int(const char *s, long long *ret)
{
	const char *d = s;
	int base = 10;
	char *end;
	long long v;

	if (s[0] == '0' && (s[1] == 'o' || s[1] == 'x')) {
		base = s[1] == 'o' ? 8 : 16;
		d = s + 2;
		if (!*d || strspn(d, base == 8 ? "01234567"
					       : "0123456789abcdefABCDEF") !=
			       strlen(d))
			return 0;
	} else {
		if (*d == '-' || *d == '+')
			d++;
		if (!*d || strspn(d, "0123456789") != strlen(d))
			return 0;
	}
	errno = 0;
	if (base == 10) {
		v = strtoll(s, &end, 10);
	} else {
		unsigned long long u = strtoull(d, &end, base);

		if (errno == 0 && u > LLONG_MAX)
			errno = ERANGE;
		v = (long long)u;
	}
	if (errno || *end)
		return -1;
	*ret = v;
	return 1;
}

/* [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )? */
static int plain_float(const char *s, double *ret)
{
	const char *p = s;
	size_t digits;
	char *end;
	double d;

	if (*p == '-' || *p == '+')
		p++;
	digits = strspn(p, "0123456789");
	p += digits;
	if (*p == '.') {
		size_t frac = strspn(p + 1, "0123456789");

		if (!digits && !frac)
			return 0;
		p += 1 + frac;
	} else if (!digits) {
		return 0;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '-' || *p == '+')
			p++;
		digits = strspn(p, "0123456789");
		if (!digits)
			return 0;
		p += digits;
	}
	if (*p)
		return 0;
	d = strtod(s, &end);
	if (*end || isinf(d) || isnan(d))
		return -1;
	*ret = d;
	return 1;
}

/* The YAML 1.2 core schema for a plain scalar; a new reference. */
static json_t *resolve_plain(const char *s, size_t n)
{
	long long i;
	double d;

	if (n == 0 || !strcmp(s, "~") || streq(s, "null", "Null", "NULL"))
		return json_null();
	if (streq(s, "true", "True", "TRUE"))
		return json_true();
	if (streq(s, "false", "False", "FALSE"))
		return json_false();
	switch (plain_int(s, &i)) {
	case 1:
		return json_integer(i);
	case -1:
		return json_stringn(s, n);
	}
	if (plain_float(s, &d) == 1)
		return json_real(d);
	return json_stringn(s, n);
}

static int scalar_value(struct builder *b, const yaml_event_t *ev, json_t **ret)
{
	const char *s = (const char *)ev->data.scalar.value;
	const char *tag = (const char *)ev->data.scalar.tag;
	size_t n = ev->data.scalar.length;
	const char *want = NULL;
	json_t *v;

	if (memchr(s, '\0', n))
		return fail(b, DA_EINVAL, ev->start_mark,
			    "string contains a NUL character");
	if (tag && strcmp(tag, "!") != 0 &&
	    strcmp(tag, TAG_PREFIX "str") != 0) {
		if (!strcmp(tag, TAG_PREFIX "int"))
			want = "int";
		else if (!strcmp(tag, TAG_PREFIX "float"))
			want = "float";
		else if (!strcmp(tag, TAG_PREFIX "bool"))
			want = "bool";
		else if (!strcmp(tag, TAG_PREFIX "null"))
			want = "null";
		else
			return fail(b, DA_EINVAL, ev->start_mark,
				    "unsupported tag '%s'", tag);
	}
	if (tag || ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		v = want ? resolve_plain(s, n) : json_stringn(s, n);
	else
		v = resolve_plain(s, n);
	if (!v)
		return fail(b, DA_EINVAL, ev->start_mark,
			    "string is not valid UTF-8");
	if (want) {
		int good = (!strcmp(want, "int") && json_is_integer(v)) ||
			   (!strcmp(want, "float") && json_is_number(v)) ||
			   (!strcmp(want, "bool") && json_is_boolean(v)) ||
			   (!strcmp(want, "null") && json_is_null(v));

		if (good && json_is_integer(v) && !strcmp(want, "float")) {
			json_t *r = json_real((double)json_integer_value(v));

			json_decref(v);
			v = r;
			if (!v)
				return nomem(b);
		}
		if (!good) {
			json_decref(v);
			return fail(b, DA_EINVAL, ev->start_mark,
				    "'%s' is not a valid !!%s", s, want);
		}
	}
	*ret = v;
	return 0;
}

static struct frame *top(struct builder *b)
{
	return b->depth ? &b->stack[b->depth - 1] : NULL;
}

/* Adds v (a reference the caller gives up) where the parser stands. */
static int attach(struct builder *b, json_t *v, int line, yaml_mark_t mark)
{
	struct frame *f = top(b);
	size_t i;
	int r;

	if (!f) {
		b->cur = v;
		return 0;
	}
	if (json_is_array(f->node)) {
		i = json_array_size(f->node);
		if (json_array_append_new(f->node, v) < 0)
			return nomem(b);
		if (add_mark(b->doc, f->node, NULL, i, line, NULL, 0) < 0)
			return nomem(b);
		return 0;
	}
	if (f->merge) {
		f->merge = 0;
		if (json_is_object(v)) {
			r = json_array_append_new(f->merges, v);
			return r < 0 ? nomem(b) : 0;
		}
		for (i = 0; json_is_array(v) && i < json_array_size(v); i++)
			if (!json_is_object(json_array_get(v, i)))
				break;
		if (!json_is_array(v) || i < json_array_size(v)) {
			json_decref(v);
			return fail(b, DA_EINVAL, mark,
				    "merge key '<<' needs a mapping or a list "
				    "of mappings");
		}
		r = json_array_extend(f->merges, v);
		json_decref(v);
		return r < 0 ? nomem(b) : 0;
	}
	r = json_object_set_new(f->node, f->key, v);
	if (r == 0)
		r = add_mark(b->doc, f->node, f->key, 0, f->key_line, NULL, 0);
	free(f->key);
	f->key = NULL;
	return r < 0 ? nomem(b) : 0;
}

/* Records a new node's position and anchor. */
static int note_node(struct builder *b, json_t *v, int line, const char *anchor,
		     size_t size)
{
	/* true, false and null are shared: no position of their own. */
	if (!json_is_boolean(v) && !json_is_null(v) &&
	    add_mark(b->doc, v, NULL, NODE_ENTRY, line, NULL, 0) < 0)
		return nomem(b);
	if (anchor &&
	    add_mark(b->doc, NULL, anchor, b->docno, line, v, size) < 0)
		return nomem(b);
	return 0;
}

static int in_key_position(struct builder *b)
{
	struct frame *f = top(b);

	return f && json_is_object(f->node) && !f->key && !f->merge;
}

static int take_key(struct builder *b, const char *s, size_t n, int plain,
		    yaml_mark_t mark)
{
	struct frame *f = top(b);
	const struct mark *m;

	if (memchr(s, '\0', n))
		return fail(b, DA_EINVAL, mark, "key contains a NUL character");
	if (plain && !strcmp(s, "<<")) {
		if (f->had_merge)
			return fail(b, DA_EINVAL, mark,
				    "duplicate merge key '<<'; list the "
				    "mappings to merge instead");
		f->merge = f->had_merge = 1;
		if (!f->merges && !(f->merges = json_array()))
			return nomem(b);
		return 0;
	}
	if (json_object_get(f->node, s)) {
		m = find(b->doc, f->node, s, 0);
		return fail(b, DA_EINVAL, mark,
			    "duplicate key '%s' (first at line %d)", s,
			    m ? m->line : 0);
	}
	f->key = strdup(s);
	if (!f->key)
		return nomem(b);
	f->key_line = line_of(mark);
	return 0;
}

static int on_scalar(struct builder *b, const yaml_event_t *ev)
{
	const char *anchor = (const char *)ev->data.scalar.anchor;
	const char *s = (const char *)ev->data.scalar.value;
	size_t n = ev->data.scalar.length;
	json_t *v = NULL;
	int r;

	r = count(b, 1, ev->start_mark);
	if (r < 0)
		return r;
	if (in_key_position(b)) {
		r = take_key(b, s, n,
			     ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
				 !ev->data.scalar.tag,
			     ev->start_mark);
		if (r < 0 || !anchor)
			return r;
		v = json_stringn(s, n);
		if (!v)
			return fail(b, DA_EINVAL, ev->start_mark,
				    "key is not valid UTF-8");
		r = note_node(b, v, line_of(ev->start_mark), anchor, 1);
		json_decref(v);
		return r;
	}
	r = scalar_value(b, ev, &v);
	if (r < 0)
		return r;
	r = note_node(b, v, line_of(ev->start_mark), anchor, 1);
	if (r < 0) {
		json_decref(v);
		return r;
	}
	return attach(b, v, line_of(ev->start_mark), ev->start_mark);
}

static int on_alias(struct builder *b, const yaml_event_t *ev)
{
	const char *name = (const char *)ev->data.alias.anchor;
	const struct mark *m = find(b->doc, NULL, name, b->docno);
	int i, r;

	if (!m) {
		for (i = 0; i < b->depth; i++)
			if (b->stack[i].anchor &&
			    !strcmp(b->stack[i].anchor, name))
				return fail(b, DA_EINVAL, ev->start_mark,
					    "alias '*%s' refers to a node that "
					    "contains it",
					    name);
		return fail(b, DA_EINVAL, ev->start_mark,
			    "alias '*%s' names no anchor defined before it",
			    name);
	}
	r = count(b, m->size, ev->start_mark);
	if (r < 0)
		return r;
	if (in_key_position(b)) {
		if (!json_is_string(m->node))
			return fail(b, DA_EINVAL, ev->start_mark,
				    "alias '*%s' used as a key is not a string",
				    name);
		return take_key(b, json_string_value(m->node),
				json_string_length(m->node), 0, ev->start_mark);
	}
	return attach(b, json_incref(m->node), line_of(ev->start_mark),
		      ev->start_mark);
}

static int check_collection_tag(struct builder *b, const yaml_event_t *ev,
				const char *tag, const char *want)
{
	if (!tag || !strcmp(tag, "!") || !strcmp(tag, want))
		return 0;
	return fail(b, DA_EINVAL, ev->start_mark, "unsupported tag '%s'", tag);
}

static int on_start(struct builder *b, const yaml_event_t *ev, int mapping)
{
	const char *anchor, *tag;
	struct frame *f;
	int r;

	if (mapping) {
		anchor = (const char *)ev->data.mapping_start.anchor;
		tag = (const char *)ev->data.mapping_start.tag;
	} else {
		anchor = (const char *)ev->data.sequence_start.anchor;
		tag = (const char *)ev->data.sequence_start.tag;
	}
	r = check_collection_tag(b, ev, tag,
				 mapping ? TAG_PREFIX "map" : TAG_PREFIX "seq");
	if (r < 0)
		return r;
	if (in_key_position(b))
		return fail(b, DA_EINVAL, ev->start_mark,
			    "a %s cannot be a key; keys must be scalars",
			    mapping ? "mapping" : "sequence");
	if (b->depth >= DA_MAX_YAML_DEPTH)
		return fail(b, DA_ELIMIT, ev->start_mark,
			    "nested deeper than %d levels", DA_MAX_YAML_DEPTH);
	r = count(b, 1, ev->start_mark);
	if (r < 0)
		return r;
	f = &b->stack[b->depth];
	memset(f, 0, sizeof(*f));
	f->node = mapping ? json_object() : json_array();
	if (!f->node)
		return nomem(b);
	b->depth++;
	f->line = line_of(ev->start_mark);
	f->start_nodes = b->nodes - 1;
	if (anchor && !(f->anchor = strdup(anchor)))
		return nomem(b);
	return 0;
}

/* Copies into f->node the members of its merge sources it lacks. */
static int apply_merges(struct builder *b, struct frame *f)
{
	const struct mark *m;
	const char *key;
	json_t *src, *v;
	void *it;
	size_t i;

	for (i = 0; i < json_array_size(f->merges); i++) {
		src = json_array_get(f->merges, i);
		for (it = json_object_iter(src); it;
		     it = json_object_iter_next(src, it)) {
			key = json_object_iter_key(it);
			v = json_object_iter_value(it);
			if (json_object_get(f->node, key))
				continue;
			if (json_object_set(f->node, key, v) < 0)
				return nomem(b);
			m = find(b->doc, src, key, 0);
			if (add_mark(b->doc, f->node, key, 0,
				     m ? m->line : f->line, NULL, 0) < 0)
				return nomem(b);
		}
	}
	return 0;
}

static void drop_frame(struct frame *f)
{
	json_decref(f->node);
	json_decref(f->merges);
	free(f->anchor);
	free(f->key);
	memset(f, 0, sizeof(*f));
}

static int on_end(struct builder *b, const yaml_event_t *ev)
{
	struct frame *f = top(b);
	json_t *v;
	int r = 0, line;

	if (f->merges)
		r = apply_merges(b, f);
	if (r == 0)
		r = note_node(b, f->node, f->line, f->anchor,
			      b->nodes - f->start_nodes);
	if (r < 0)
		return r;
	v = json_incref(f->node);
	line = f->line;
	drop_frame(f);
	b->depth--;
	return attach(b, v, line, ev->start_mark);
}

static int on_document(struct builder *b, const yaml_event_t *ev, int start)
{
	size_t i;

	if (start) {
		if (b->docno && !(b->flags & DA_YAML_MULTI_DOC))
			return fail(b, DA_EINVAL, ev->start_mark,
				    "a second document in the stream; "
				    "one was expected");
		b->docno++;
		b->doc_line = line_of(ev->start_mark);
		return 0;
	}
	if (!b->cur)
		b->cur = json_null();
	if (!b->docs) {
		b->single = b->cur;
		b->cur = NULL;
		return 0;
	}
	i = json_array_size(b->docs);
	if (json_array_append_new(b->docs, b->cur) < 0) {
		b->cur = NULL;
		return nomem(b);
	}
	b->cur = NULL;
	if (add_mark(b->doc, b->docs, NULL, i, b->doc_line, NULL, 0) < 0)
		return nomem(b);
	return 0;
}

static int on_event(struct builder *b, const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		return on_document(b, ev, 1);
	case YAML_DOCUMENT_END_EVENT:
		return on_document(b, ev, 0);
	case YAML_SCALAR_EVENT:
		return on_scalar(b, ev);
	case YAML_ALIAS_EVENT:
		return on_alias(b, ev);
	case YAML_SEQUENCE_START_EVENT:
		return on_start(b, ev, 0);
	case YAML_MAPPING_START_EVENT:
		return on_start(b, ev, 1);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		return on_end(b, ev);
	default:
		return 0;
	}
}

static int parser_error(struct builder *b, const yaml_parser_t *p)
{
	const char *problem = p->problem ? p->problem : "unknown error";

	switch (p->error) {
	case YAML_MEMORY_ERROR:
		return nomem(b);
	case YAML_READER_ERROR:
		if (p->problem_value != -1)
			return da_err_set(b->err, DA_EINVAL,
					  "cannot parse '%s': offset %zu: %s "
					  "(byte 0x%02x)",
					  b->doc->name, p->problem_offset,
					  problem, p->problem_value & 0xff);
		return da_err_set(b->err, DA_EINVAL,
				  "cannot parse '%s': offset %zu: %s",
				  b->doc->name, p->problem_offset, problem);
	default:
		if (p->context)
			return fail(b, DA_EINVAL, p->problem_mark,
				    "%s (%s at line %d column %d)", problem,
				    p->context, line_of(p->context_mark),
				    col_of(p->context_mark));
		return fail(b, DA_EINVAL, p->problem_mark, "%s", problem);
	}
}

int da_yaml_load_mem(const char *name, const void *data, size_t len,
		     unsigned flags, struct da_yaml_doc **ret_doc,
		     struct da_err *err)
{
	struct builder b;
	yaml_parser_t parser;
	yaml_event_t ev;
	int parser_ready = 0, done = 0, ret;

	memset(&b, 0, sizeof(b));
	b.err = err;
	b.flags = flags;
	if (len > DA_MAX_YAML_FILE)
		return da_err_set(err, DA_ELIMIT,
				  "cannot parse '%s': %zu bytes, over the "
				  "%zu-byte limit",
				  name, len, DA_MAX_YAML_FILE);
	b.doc = new_doc(name);
	b.stack = calloc(DA_MAX_YAML_DEPTH, sizeof(*b.stack));
	if (!b.doc || !b.stack) {
		ret = da_err_set(err, DA_ENOMEM,
				 "cannot load '%s': out of memory", name);
		goto out;
	}
	if ((flags & DA_YAML_MULTI_DOC) && !(b.docs = json_array())) {
		ret = nomem(&b);
		goto out;
	}
	if (!yaml_parser_initialize(&parser)) {
		ret = nomem(&b);
		goto out;
	}
	parser_ready = 1;
	/* libyaml insists on a pointer even for no input. */
	yaml_parser_set_input_string(&parser, data ? data : (const void *)"",
				     len);
	while (!done) {
		if (!yaml_parser_parse(&parser, &ev)) {
			ret = parser_error(&b, &parser);
			goto out;
		}
		ret = on_event(&b, &ev);
		done = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
		if (ret < 0)
			goto out;
	}
	if (b.docs) {
		b.doc->root = b.docs;
		b.docs = NULL;
	} else {
		b.doc->root = b.single ? b.single : json_null();
		b.single = NULL;
	}
	*ret_doc = b.doc;
	b.doc = NULL;
	ret = 0;
out:
	if (parser_ready)
		yaml_parser_delete(&parser);
	while (b.depth > 0)
		drop_frame(&b.stack[--b.depth]);
	free(b.stack);
	json_decref(b.cur);
	json_decref(b.docs);
	json_decref(b.single);
	da_yaml_free(b.doc);
	return ret;
}

int da_yaml_load_file(const char *path, unsigned flags,
		      struct da_yaml_doc **ret_doc, struct da_err *err)
{
	struct da_buf text;
	int ret;

	da_buf_init(&text, DA_MAX_YAML_FILE);
	ret = da_fs_read_file(path, DA_MAX_YAML_FILE, &text, err);
	if (ret < 0)
		return ret;
	ret = da_yaml_load_mem(path, text.data, text.len, flags, ret_doc, err);
	da_buf_release(&text);
	return ret;
}

static int ends_with_json(const char *path)
{
	size_t n = strlen(path);

	return n >= 5 && strcasecmp(path + n - 5, ".json") == 0;
}

int da_config_load(const char *path, struct da_yaml_doc **ret_doc,
		   struct da_err *err)
{
	struct da_err ignored = DA_ERR_INIT;
	struct da_yaml_doc *doc = NULL;
	struct da_buf text;
	json_t *root = NULL;
	int ret;

	if (!ends_with_json(path))
		return da_yaml_load_file(path, 0, ret_doc, err);
	da_buf_init(&text, DA_MAX_YAML_FILE);
	ret = da_fs_read_file(path, DA_MAX_YAML_FILE, &text, err);
	if (ret < 0)
		return ret;
	ret = da_json_load_mem(path, text.data, text.len, DA_MAX_YAML_FILE,
			       DA_JSON_REJECT_DUPLICATES, &root, err);
	if (ret < 0)
		goto out;
	/*
	 * jansson has the final word on JSON; the YAML reading of the same
	 * text only lends its line numbers, and only if it agrees exactly.
	 */
	if (da_yaml_load_mem(path, text.data, text.len, 0, &doc, &ignored) ==
		0 &&
	    json_equal(root, da_yaml_root(doc))) {
		*ret_doc = doc;
		doc = NULL;
		goto out;
	}
	da_yaml_free(doc);
	doc = new_doc(path);
	if (!doc) {
		ret = da_err_set(err, DA_ENOMEM,
				 "cannot load '%s': out of memory", path);
		goto out;
	}
	doc->root = root;
	root = NULL;
	*ret_doc = doc;
	doc = NULL;
out:
	json_decref(root);
	da_yaml_free(doc);
	da_buf_release(&text);
	return ret;
}
