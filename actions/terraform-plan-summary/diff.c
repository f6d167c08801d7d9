/*
 * diff: the attribute lines of one resource change (diff.h).
 *
 * One walk goes down before, after and after_unknown at once, carrying the
 * two sensitivity masks alongside. A node is walked into only when none of
 * those says to stop: a sensitive or unknown node, one deeper than
 * TF_DIFF_DEPTH_MAX, or one whose sides are of different types becomes a
 * single line, so nothing under a sensitive mark is ever looked at for
 * output. The path of the node being visited is kept as steps (keys and
 * indices) and rendered only when a line is written.
 */
#include "diff.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "common/utf8.h"

/*
 * Ceiling of one rendered line: a path of TF_DIFF_DEPTH_MAX cut keys and
 * two cut values fit well below it.
 */
#define LINE_MAX_BYTES ((size_t)64 << 10)

static const char text_sensitive[] = "(sensitive)";
/* What a plan without sensitivity marks (format 0.1) shows of a value. */
static const char text_hidden[] = "(hidden)";
static const char text_unknown[] = "(known after apply)";

/* What a value is, for deciding whether to walk into it. */
enum kind { K_NONE, K_NULL, K_SCALAR, K_OBJECT, K_ARRAY };

/* One step of a path: an object key, or an array index when key is NULL. */
struct step {
	const char *key;
	size_t index;
};

/* One usable path of replace_paths. */
struct rpath {
	json_t *steps; /* the JSON array, strings and non-negative integers */
	size_t n;      /* steps used: at most TF_DIFF_DEPTH_MAX */
	int covered;   /* a line was written (or counted) for it */
};

struct walk {
	struct da_buf *out;
	size_t max_lines;
	struct tf_diff_stats st;
	struct step path[TF_DIFF_DEPTH_MAX];
	struct rpath rp[TF_DIFF_REPLACE_MAX];
	size_t nrp;
	struct da_buf line;
	struct da_buf bval, aval;
	int hide_values; /* no marks in the plan: no value is shown */
};

/*
 * Writes a value into b, refusing any piece that would take the value
 * (from start) past limit; from the first refusal on, nothing more is
 * written and cut is set. Pieces are whole characters and whole escapes,
 * so a cut never splits either.
 */
struct vw {
	struct da_buf *b;
	size_t start, limit;
	int cut;
	int err; /* the first failure of the buffer */
};

static void vw_put(struct vw *w, const char *s, size_t n)
{
	int r;

	if (w->cut || w->err)
		return;
	if (w->b->len - w->start + n > w->limit) {
		w->cut = 1;
		return;
	}
	r = da_buf_add(w->b, s, n);
	if (r < 0)
		w->err = r;
}

/*
 * Characters written as escapes: the C0 and C1 controls and DEL (a raw
 * newline or carriage return would break the one-line promise), the line
 * and paragraph separators, the byte order mark and the bidirectional
 * controls (which can make a diff read differently from what it says).
 */
static int needs_escape(uint32_t cp)
{
	return cp < 0x20 || cp == '"' || cp == '\\' ||
	       (cp >= 0x7f && cp <= 0x9f) || cp == 0x200e || cp == 0x200f ||
	       (cp >= 0x2028 && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff;
}

/* A JSON string of n bytes, quoted and escaped. */
static void vw_string(struct vw *w, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	char esc[8];
	size_t i = 0, k;
	uint32_t cp;
	int m;

	vw_put(w, "\"", 1);
	while (i < n && !w->cut) {
		k = da_utf8_seq(p + i, n - i, &cp);
		if (k == 0) {
			/* jansson gives valid UTF-8 only; never pass a byte */
			vw_put(w, "\\ufffd", 6);
			i++;
			continue;
		}
		if (!needs_escape(cp)) {
			vw_put(w, s + i, k);
		} else if (cp == '"' || cp == '\\') {
			esc[0] = '\\';
			esc[1] = (char)cp;
			vw_put(w, esc, 2);
		} else if (cp == '\n') {
			vw_put(w, "\\n", 2);
		} else if (cp == '\r') {
			vw_put(w, "\\r", 2);
		} else if (cp == '\t') {
			vw_put(w, "\\t", 2);
		} else if (cp == '\b') {
			vw_put(w, "\\b", 2);
		} else if (cp == '\f') {
			vw_put(w, "\\f", 2);
		} else {
			m = snprintf(esc, sizeof(esc), "\\u%04x", (unsigned)cp);
			if (m > 0 && (size_t)m < sizeof(esc))
				vw_put(w, esc, (size_t)m);
		}
		i += k;
	}
	vw_put(w, "\"", 1);
}

/*
 * A number as JSON text. A real is written with the fewest digits (15 to
 * 17) that read back as the same double, so 0.1 stays "0.1".
 */
static void vw_number(struct vw *w, const json_t *v)
{
	char t[48];
	double d;
	int n = -1, prec;

	if (json_is_integer(v)) {
		n = snprintf(t, sizeof(t), "%" JSON_INTEGER_FORMAT,
			     json_integer_value(v));
	} else {
		d = json_real_value(v);
		for (prec = 15; prec <= 17; prec++) {
			n = snprintf(t, sizeof(t), "%.*g", prec, d);
			if (n < 0 || (size_t)n >= sizeof(t) ||
			    strtod(t, NULL) == d)
				break;
		}
	}
	if (n > 0 && (size_t)n < sizeof(t))
		vw_put(w, t, (size_t)n);
}

static int cmp_keys(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/*
 * The keys of up to three objects (NULL or non-objects are skipped), in
 * byte order, each once. *ret is NULL when there are none; the caller
 * frees it. Returns 0 or -DA_ENOMEM.
 */
static int union_keys(json_t *o1, json_t *o2, json_t *o3, const char ***ret,
		      size_t *ret_n)
{
	json_t *objs[3] = {o1, o2, o3};
	const char **keys;
	const char *key;
	json_t *v;
	size_t total = 0, n = 0, i, j;

	*ret = NULL;
	*ret_n = 0;
	for (i = 0; i < 3; i++)
		if (json_is_object(objs[i]))
			total += json_object_size(objs[i]);
	if (!total)
		return 0;
	keys = malloc(total * sizeof(*keys));
	if (!keys)
		return -DA_ENOMEM;
	for (i = 0; i < 3; i++) {
		if (!json_is_object(objs[i]))
			continue;
		json_object_foreach(objs[i], key, v)
		{
			(void)v;
			if (n < total)
				keys[n++] = key;
		}
	}
	qsort(keys, n, sizeof(*keys), cmp_keys);
	for (i = 0, j = 0; i < n; i++)
		if (!j || strcmp(keys[j - 1], keys[i]) != 0)
			keys[j++] = keys[i];
	*ret = keys;
	*ret_n = j;
	return 0;
}

/* Compact JSON of v, keys sorted, containers deeper than the walk cut. */
static void vw_value(struct vw *w, json_t *v, size_t depth)
{
	const char **keys = NULL;
	size_t i, n;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		if (!json_object_size(v)) {
			vw_put(w, "{}", 2);
			break;
		}
		if (depth >= TF_DIFF_DEPTH_MAX) {
			vw_put(w, "{...}", 5);
			break;
		}
		if (union_keys(v, NULL, NULL, &keys, &n) < 0) {
			w->err = -DA_ENOMEM;
			break;
		}
		vw_put(w, "{", 1);
		for (i = 0; i < n && !w->cut && !w->err; i++) {
			if (i)
				vw_put(w, ",", 1);
			vw_string(w, keys[i], strlen(keys[i]));
			vw_put(w, ":", 1);
			vw_value(w, json_object_get(v, keys[i]), depth + 1);
		}
		vw_put(w, "}", 1);
		free(keys);
		break;
	case JSON_ARRAY:
		if (!json_array_size(v)) {
			vw_put(w, "[]", 2);
			break;
		}
		if (depth >= TF_DIFF_DEPTH_MAX) {
			vw_put(w, "[...]", 5);
			break;
		}
		vw_put(w, "[", 1);
		for (i = 0; i < json_array_size(v) && !w->cut && !w->err; i++) {
			if (i)
				vw_put(w, ",", 1);
			vw_value(w, json_array_get(v, i), depth + 1);
		}
		vw_put(w, "]", 1);
		break;
	case JSON_STRING:
		vw_string(w, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
	case JSON_REAL:
		vw_number(w, v);
		break;
	case JSON_TRUE:
		vw_put(w, "true", 4);
		break;
	case JSON_FALSE:
		vw_put(w, "false", 5);
		break;
	default:
		vw_put(w, "null", 4);
		break;
	}
}

/* Whether a sensitivity mask marks anything at or under it. */
static int mask_any_true(const json_t *m)
{
	size_t i;

	if (json_is_true(m))
		return 1;
	if (json_is_array(m)) {
		for (i = 0; i < json_array_size(m); i++)
			if (mask_any_true(json_array_get(m, i)))
				return 1;
	} else if (json_is_object(m)) {
		const char *key;
		json_t *c;

		json_object_foreach((json_t *)m, key, c)
		{
			(void)key;
			if (mask_any_true(c))
				return 1;
		}
	}
	return 0;
}

/*
 * Whether mask hides the value v (NULL: absent) as a whole. A mask that
 * marks something but does not have v's shape (an object mask over an
 * array or a string, say, or a list mask of another length) hides all
 * of v: better too much than a leak.
 */
static int sens_here(const json_t *mask, const json_t *v)
{
	if (json_is_true(mask))
		return 1;
	if (!v || (!json_is_object(mask) && !json_is_array(mask)))
		return 0;
	if (json_is_object(mask) && json_is_object(v))
		return 0;
	/* a list mask of another length cannot say which element is which */
	if (json_is_array(mask) && json_is_array(v) &&
	    json_array_size(mask) == json_array_size(v))
		return 0;
	return mask_any_true(mask);
}

static enum kind kind_of(const json_t *v)
{
	if (!v)
		return K_NONE;
	if (json_is_null(v))
		return K_NULL;
	if (json_is_object(v))
		return K_OBJECT;
	if (json_is_array(v))
		return K_ARRAY;
	return K_SCALAR;
}

/* Whether two values (NULL: absent, the same as null) are equal. */
static int value_equal(const json_t *x, const json_t *y)
{
	size_t i;

	if (!x)
		x = json_null();
	if (!y)
		y = json_null();
	if (json_is_number(x) && json_is_number(y)) {
		/* Terraform numbers have no integer/real distinction. */
		if (json_is_integer(x) && json_is_integer(y))
			return json_integer_value(x) == json_integer_value(y);
		return json_number_value(x) == json_number_value(y);
	}
	if (json_typeof(x) != json_typeof(y))
		return 0;
	switch (json_typeof(x)) {
	case JSON_OBJECT: {
		const char *key;
		json_t *c;

		if (json_object_size(x) != json_object_size(y))
			return 0;
		json_object_foreach((json_t *)x, key, c)
		{
			json_t *o = json_object_get(y, key);

			if (!o || !value_equal(c, o))
				return 0;
		}
		return 1;
	}
	case JSON_ARRAY:
		if (json_array_size(x) != json_array_size(y))
			return 0;
		for (i = 0; i < json_array_size(x); i++)
			if (!value_equal(json_array_get(x, i),
					 json_array_get(y, i)))
				return 0;
		return 1;
	case JSON_STRING:
		return json_string_length(x) == json_string_length(y) &&
		       !memcmp(json_string_value(x), json_string_value(y),
			       json_string_length(x));
	default:
		return 1; /* true, false, null */
	}
}

/*
 * An identifier is written as it is; any other key, and an identifier too
 * long to show whole, in brackets (where it is cut).
 */
static int is_ident(const char *s)
{
	if (strlen(s) > TF_DIFF_VALUE_MAX)
		return 0;
	if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
	      *s == '_'))
		return 0;
	for (s++; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
			return 0;
	return 1;
}

/* Appends a path; the empty path (a whole value) is "(value)". */
static int put_path(struct da_buf *b, const struct step *path, size_t n)
{
	struct vw w;
	size_t i;
	int r;

	if (!n)
		return da_buf_adds(b, "(value)");
	for (i = 0; i < n; i++) {
		if (!path[i].key) {
			r = da_buf_addf(b, "[%zu]", path[i].index);
		} else if (is_ident(path[i].key)) {
			r = i ? da_buf_addch(b, '.') : 0;
			if (!r)
				r = da_buf_adds(b, path[i].key);
		} else {
			r = da_buf_addch(b, '[');
			w = (struct vw){b, b->len, TF_DIFF_VALUE_MAX, 0, 0};
			vw_string(&w, path[i].key, strlen(path[i].key));
			if (w.cut && !w.err)
				w.err = da_buf_adds(b, "...\"");
			if (!r)
				r = w.err;
			if (!r)
				r = da_buf_addch(b, ']');
		}
		if (r < 0)
			return r;
	}
	return 0;
}

/*
 * Appends v as one value of a line: a container under a sensitive mark,
 * or past the walk's depth, only as {...} or [...]; anything else as
 * compact JSON, cut after TF_DIFF_VALUE_MAX bytes.
 */
static int put_value(struct da_buf *b, json_t *v, const json_t *mask,
		     size_t depth)
{
	struct vw w = {b, b->len, TF_DIFF_VALUE_MAX, 0, 0};
	enum kind k = kind_of(v);

	if ((k == K_OBJECT || k == K_ARRAY) &&
	    (json_is_object(v) ? json_object_size(v) : json_array_size(v)) &&
	    (depth >= TF_DIFF_DEPTH_MAX || mask_any_true(mask)))
		return da_buf_adds(b, k == K_OBJECT ? "{...}" : "[...]");
	vw_value(&w, v, depth);
	if (w.cut && !w.err)
		w.err = da_buf_adds(b, json_is_string(v) ? "...\"" : "...");
	return w.err;
}

/* Whether one of the step lists is a prefix of the other. */
static int path_overlaps(const struct rpath *rp, const struct step *path,
			 size_t depth)
{
	size_t i, m = rp->n < depth ? rp->n : depth;
	json_t *s;

	for (i = 0; i < m; i++) {
		s = json_array_get(rp->steps, i);
		if (path[i].key) {
			if (!json_is_string(s) ||
			    json_string_length(s) != strlen(path[i].key) ||
			    strcmp(json_string_value(s), path[i].key) != 0)
				return 0;
		} else if (!json_is_integer(s) ||
			   (uint64_t)json_integer_value(s) !=
			       (uint64_t)path[i].index) {
			return 0;
		}
	}
	return 1;
}

/* Writes the line (or counts it out past max_lines). */
static int put_line(struct walk *w, char kind, const struct step *path,
		    size_t depth, int forcing, int values)
{
	struct da_buf *l = &w->line;
	int r;

	if (w->st.lines >= w->max_lines) {
		w->st.omitted++;
		return 0;
	}
	da_buf_reset(l);
	r = da_buf_addch(l, kind);
	if (!r)
		r = da_buf_addch(l, ' ');
	if (!r)
		r = put_path(l, path, depth);
	if (!r && values) {
		if (kind == '~')
			r = da_buf_addf(l, ": %s -> %s", da_buf_str(&w->bval),
					da_buf_str(&w->aval));
		else
			r = da_buf_addf(
			    l, " = %s",
			    da_buf_str(kind == '-' ? &w->bval : &w->aval));
	}
	if (!r && forcing)
		r = da_buf_adds(l, "  # forces replacement");
	if (!r)
		r = da_buf_addch(l, '\n');
	if (!r)
		r = da_buf_add(w->out, l->data, l->len);
	if (r < 0)
		return r;
	w->st.lines++;
	return 0;
}

/*
 * A leaf, or a node shown as one: b and a are the two sides (NULL:
 * absent), unknown says after_unknown is true here, bsens and asens that
 * a side is sensitive.
 */
static int leaf(struct walk *w, json_t *b, json_t *a, int unknown, int bsens,
		int asens, const json_t *bs, const json_t *as, size_t depth)
{
	int forcing = 0, r;
	char kind;
	size_t i;

	if (!b && !a && !unknown)
		return 0;
	if (!unknown && value_equal(b, a))
		return 0;
	da_buf_reset(&w->bval);
	da_buf_reset(&w->aval);
	if (b && bsens) {
		r = da_buf_adds(&w->bval, text_sensitive);
		w->st.sensitive++;
	} else if (b && w->hide_values) {
		r = da_buf_adds(&w->bval, text_hidden);
		w->st.sensitive++;
	} else {
		r = b ? put_value(&w->bval, b, bs, depth) : 0;
	}
	if (r < 0)
		return r;
	if ((a || unknown) && asens) {
		r = da_buf_adds(&w->aval, text_sensitive);
		w->st.sensitive++;
	} else if (unknown) {
		r = da_buf_adds(&w->aval, text_unknown);
		w->st.unknown++;
	} else if (a && w->hide_values) {
		r = da_buf_adds(&w->aval, text_hidden);
		w->st.sensitive++;
	} else {
		r = a ? put_value(&w->aval, a, as, depth) : 0;
	}
	if (r < 0)
		return r;
	if (!b)
		kind = '+';
	else if (!a && !unknown)
		kind = '-';
	else
		kind = '~';
	for (i = 0; i < w->nrp; i++) {
		if (path_overlaps(&w->rp[i], w->path, depth)) {
			w->rp[i].covered = 1;
			forcing = 1;
		}
	}
	if (forcing)
		w->st.forcing++;
	return put_line(w, kind, w->path, depth, forcing, 1);
}

static json_t *obj_get(const json_t *o, const char *key)
{
	return json_is_object(o) ? json_object_get(o, key) : NULL;
}

static json_t *arr_get(const json_t *o, size_t i)
{
	return json_is_array(o) ? json_array_get(o, i) : NULL;
}

/*
 * The container type to walk into when the sides allow it: both the same
 * kind, or one side absent or null; K_NONE when the node is one line.
 */
static enum kind walk_kind(enum kind bk, enum kind ak, enum kind uk)
{
	enum kind t = K_NONE;

	if (bk == K_SCALAR || ak == K_SCALAR)
		return K_NONE;
	if (bk == K_OBJECT || bk == K_ARRAY)
		t = bk;
	if (ak == K_OBJECT || ak == K_ARRAY) {
		if (t != K_NONE && t != ak)
			return K_NONE;
		t = ak;
	}
	/* Nothing on either side, but unknown values below. */
	if (t == K_NONE && (uk == K_OBJECT || uk == K_ARRAY))
		t = uk;
	return t;
}

static int walk(struct walk *w, json_t *b, json_t *a, json_t *u,
		const json_t *bs, const json_t *as, size_t depth)
{
	enum kind bk = kind_of(b), ak = kind_of(a), t = K_NONE;
	int unknown = json_is_true(u);
	int bsens = b && sens_here(bs, b);
	/* Absent after a true mask: no unknown value under it is named. */
	int asens = sens_here(as, a);
	const char **keys = NULL;
	size_t i, n = 0;
	int r = 0;

	if (!unknown && !bsens && !asens && depth < TF_DIFF_DEPTH_MAX)
		t = walk_kind(bk, ak, kind_of(u));
	if (t == K_OBJECT) {
		if (union_keys(b, a, json_is_object(u) ? u : NULL, &keys, &n) <
		    0)
			return -DA_ENOMEM;
		for (i = 0; i < n && !r; i++) {
			w->path[depth] = (struct step){keys[i], 0};
			r = walk(w, obj_get(b, keys[i]), obj_get(a, keys[i]),
				 obj_get(u, keys[i]), obj_get(bs, keys[i]),
				 obj_get(as, keys[i]), depth + 1);
		}
		free(keys);
	} else if (t == K_ARRAY) {
		n = json_is_array(b) ? json_array_size(b) : 0;
		if (json_is_array(a) && json_array_size(a) > n)
			n = json_array_size(a);
		if (json_is_array(u) && json_array_size(u) > n)
			n = json_array_size(u);
		for (i = 0; i < n && !r; i++) {
			w->path[depth] = (struct step){NULL, i};
			r = walk(w, arr_get(b, i), arr_get(a, i), arr_get(u, i),
				 arr_get(bs, i), arr_get(as, i), depth + 1);
		}
	}
	/* An empty container on both sides is a leaf too: {} or []. */
	if (t == K_NONE || n == 0)
		r = leaf(w, b, a, unknown, bsens, asens, bs, as, depth);
	return r;
}

/*
 * How many leading steps of a replace path may be shown: up to and with
 * the first sensitive node on either side, so that a path never names
 * anything inside a sensitive container.
 */
static size_t visible_steps(const struct rpath *rp, json_t *b, json_t *a,
			    const json_t *bs, const json_t *as)
{
	json_t *s;
	size_t k;

	for (k = 0; k < rp->n; k++) {
		if (sens_here(bs, b) || sens_here(as, a))
			return k;
		s = json_array_get(rp->steps, k);
		if (json_is_string(s)) {
			b = obj_get(b, json_string_value(s));
			a = obj_get(a, json_string_value(s));
			bs = obj_get(bs, json_string_value(s));
			as = obj_get(as, json_string_value(s));
		} else {
			b = arr_get(b, (size_t)json_integer_value(s));
			a = arr_get(a, (size_t)json_integer_value(s));
			bs = arr_get(bs, (size_t)json_integer_value(s));
			as = arr_get(as, (size_t)json_integer_value(s));
		}
	}
	return k;
}

/* Whether replace paths i and j show as the same path (first k steps). */
static int same_steps(const struct rpath *x, const struct rpath *y, size_t k)
{
	size_t i;

	for (i = 0; i < k; i++)
		if (!json_equal(json_array_get(x->steps, i),
				json_array_get(y->steps, i)))
			return 0;
	return 1;
}

/*
 * Lists each replace path no line covered, once, so the reader sees what
 * forced the replacement even when that attribute did not change.
 */
static int list_replace_paths(struct walk *w, json_t *b, json_t *a,
			      const json_t *bs, const json_t *as)
{
	size_t shown[TF_DIFF_REPLACE_MAX];
	struct step path[TF_DIFF_DEPTH_MAX];
	size_t i, j, k;
	json_t *s;
	int dup, r;

	for (i = 0; i < w->nrp; i++) {
		shown[i] = 0;
		if (w->rp[i].covered)
			continue;
		k = visible_steps(&w->rp[i], b, a, bs, as);
		shown[i] = k + 1;
		for (j = 0, dup = 0; j < i && !dup; j++)
			dup = shown[j] == k + 1 &&
			      same_steps(&w->rp[i], &w->rp[j], k);
		if (dup)
			continue;
		for (j = 0; j < k; j++) {
			s = json_array_get(w->rp[i].steps, j);
			if (json_is_string(s))
				path[j] =
				    (struct step){json_string_value(s), 0};
			else
				path[j] = (struct step){
				    NULL, (size_t)json_integer_value(s)};
		}
		w->st.forcing++;
		r = put_line(w, '~', path, k, 1, 0);
		if (r < 0)
			return r;
	}
	return 0;
}

/*
 * Keeps the paths of replace_paths that can name something: non-empty
 * arrays of strings and non-negative integers. A path longer than the
 * walk goes is cut to TF_DIFF_DEPTH_MAX steps, where a {...} line ends.
 */
static void load_replace_paths(struct walk *w, const json_t *list)
{
	size_t i, j, n;
	json_t *p, *s;
	int good;

	for (i = 0; i < json_array_size(list) && w->nrp < TF_DIFF_REPLACE_MAX;
	     i++) {
		p = json_array_get(list, i);
		n = json_array_size(p);
		if (!json_is_array(p) || !n)
			continue;
		if (n > TF_DIFF_DEPTH_MAX)
			n = TF_DIFF_DEPTH_MAX;
		for (j = 0, good = 1; j < n && good; j++) {
			s = json_array_get(p, j);
			good =
			    json_is_string(s) ||
			    (json_is_integer(s) && json_integer_value(s) >= 0);
		}
		if (good)
			w->rp[w->nrp++] = (struct rpath){p, n, 0};
	}
}

/* What change.actions asks for, as far as the walk cares. */
enum mode { M_CHANGES, M_CREATE, M_DELETE };

static int is_str(const json_t *v, const char *s)
{
	return json_is_string(v) && !strcmp(json_string_value(v), s);
}

static enum mode mode_of(const json_t *actions)
{
	json_t *first = json_array_get(actions, 0);
	size_t n = json_array_size(actions);

	if (n == 1 && is_str(first, "delete"))
		return M_DELETE;
	if ((n == 1 && is_str(first, "create")) ||
	    (n == 2 && is_str(first, "create") &&
	     is_str(json_array_get(actions, 1), "forget")))
		return M_CREATE;
	return M_CHANGES;
}

/* A phrase for a jansson failure that quotes nothing of the input. */
static const char *load_error(const json_error_t *je)
{
	switch (json_error_code(je)) {
	case json_error_invalid_utf8:
		return "invalid UTF-8";
	case json_error_premature_end_of_input:
		return "the text ends early";
	case json_error_end_of_input_expected:
		return "text after the element";
	case json_error_stack_overflow:
		return "nested too deeply";
	case json_error_null_character:
	case json_error_null_byte_in_key:
		return "a NUL character";
	case json_error_duplicate_key:
		return "a duplicate key";
	default:
		return "invalid JSON";
	}
}

static json_t *null_as_absent(json_t *v)
{
	return json_is_null(v) ? NULL : v;
}

int tf_diff_render(const char *json, size_t len,
		   const struct tf_diff_opts *opts, struct da_buf *out,
		   struct tf_diff_stats *stats, struct da_err *err)
{
	size_t entry = out->len;
	json_t *root, *change, *b, *a, *u, *bs, *as;
	json_error_t je;
	struct walk *w;
	enum mode mode;
	int r;

	root = json_loadb(json, len, 0, &je);
	if (!root) {
		if (json_error_code(&je) == json_error_numeric_overflow)
			return da_err_set(
			    err, DA_EINVAL,
			    "attribute detail unavailable: number "
			    "too large for this reader");
		return da_err_set(err, DA_EINVAL,
				  "not a resource change: %s at line %d "
				  "column %d",
				  load_error(&je), je.line, je.column);
	}
	change = obj_get(root, "change");
	if (!json_is_object(root) || !json_is_object(change)) {
		r = da_err_set(err, DA_EINVAL, "not a resource change: %s",
			       json_is_object(root) ? "no change object"
						    : "not an object");
		json_decref(root);
		return r;
	}
	w = calloc(1, sizeof(*w));
	if (!w) {
		json_decref(root);
		return da_err_set(err, DA_ENOMEM, "out of memory");
	}
	w->out = out;
	w->max_lines =
	    opts && opts->max_lines ? opts->max_lines : TF_DIFF_LINES_DEFAULT;
	da_buf_init(&w->line, LINE_MAX_BYTES);
	da_buf_init(&w->bval, LINE_MAX_BYTES);
	da_buf_init(&w->aval, LINE_MAX_BYTES);

	/* A create has no before, a delete no after, whatever is there. */
	mode = mode_of(obj_get(change, "actions"));
	b = mode == M_CREATE ? NULL : null_as_absent(obj_get(change, "before"));
	bs = mode == M_CREATE ? NULL : obj_get(change, "before_sensitive");
	a = mode == M_DELETE ? NULL : null_as_absent(obj_get(change, "after"));
	as = mode == M_DELETE ? NULL : obj_get(change, "after_sensitive");
	u = mode == M_DELETE ? NULL : obj_get(change, "after_unknown");
	load_replace_paths(w, obj_get(change, "replace_paths"));
	/*
	 * Plans of Terraform before 0.15 (format 0.1) carry no sensitivity
	 * marks at all, though they hold passwords in clear: their values
	 * are never shown, only which attributes change.
	 */
	w->hide_values = !json_object_get(change, "before_sensitive") &&
			 !json_object_get(change, "after_sensitive");

	r = walk(w, b, a, u, bs, as, 0);
	if (!r)
		r = list_replace_paths(w, b, a, bs, as);
	if (!r && w->st.omitted)
		r = da_buf_addf(out, "  ... %zu more attribute%s\n",
				w->st.omitted, w->st.omitted == 1 ? "" : "s");
	if (r < 0) {
		da_buf_truncate(out, entry);
		if (r == -DA_ELIMIT)
			da_err_set(err, DA_ELIMIT,
				   "attribute detail over the ceiling of %zu "
				   "bytes",
				   out->max ? out->max : DA_BUF_DEFAULT_MAX);
		else
			da_err_set(err, DA_ENOMEM, "out of memory");
	} else if (stats) {
		*stats = w->st;
	}
	da_buf_release(&w->line);
	da_buf_release(&w->bval);
	da_buf_release(&w->aval);
	free(w);
	json_decref(root);
	return r;
}
