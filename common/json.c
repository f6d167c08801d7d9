#include "json.h"
#include "fs.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Bytes read from a file at a time, handed to jansson piecewise. */
#define READ_CHUNK ((size_t)64 << 10)

struct reader {
	int fd;
	size_t total;	 /* bytes read so far */
	size_t max;	 /* ceiling for total */
	int over;	 /* the file turned out larger than max */
	int errnum;	 /* read() failed with this errno */
	size_t pos, len; /* unread part of chunk */
	char chunk[READ_CHUNK];
};

static int parse_flags(unsigned flags)
{
	int jf = JSON_DECODE_ANY;

	if (flags & DA_JSON_REJECT_DUPLICATES)
		jf |= JSON_REJECT_DUPLICATES;
	return jf;
}

static int parse_error(struct da_err *err, const char *name,
		       const json_error_t *je)
{
	int e = DA_EINVAL;

	if (json_error_code(je) == json_error_out_of_memory)
		e = DA_ENOMEM;
	return da_err_set(
	    err, e, "cannot parse '%s': line %d column %d (offset %d): %s",
	    name, je->line, je->column, je->position, je->text);
}

static size_t read_cb(void *buffer, size_t buflen, void *data)
{
	struct reader *r = data;
	ssize_t n;
	size_t take;

	if (r->pos == r->len) {
		do
			n = read(r->fd, r->chunk, sizeof(r->chunk));
		while (n < 0 && errno == EINTR);
		if (n < 0) {
			r->errnum = errno;
			return (size_t)-1;
		}
		if ((size_t)n > r->max - r->total) {
			r->over = 1;
			return (size_t)-1;
		}
		r->total += (size_t)n;
		r->pos = 0;
		r->len = (size_t)n;
		if (n == 0)
			return 0;
	}
	take = r->len - r->pos;
	if (take > buflen)
		take = buflen;
	memcpy(buffer, r->chunk + r->pos, take);
	r->pos += take;
	return take;
}

int da_json_load_file(const char *path, size_t max, unsigned flags,
		      json_t **ret_root, struct da_err *err)
{
	struct reader *r = NULL;
	json_error_t je;
	json_t *root;
	int fd = -1, ret;

	if (!max)
		max = DA_MAX_JSON_FILE;
	ret = da_fs_open_read(path, max, &fd, err);
	if (ret < 0)
		return ret;
	r = calloc(1, sizeof(*r));
	if (!r) {
		ret = da_err_set(err, DA_ENOMEM, "cannot read '%s': %s", path,
				 strerror(ENOMEM));
		goto out;
	}
	r->fd = fd;
	r->max = max;
	root = json_load_callback(read_cb, r, parse_flags(flags), &je);
	if (r->over) {
		ret = da_err_set(err, DA_ELIMIT,
				 "cannot read '%s': more than the %zu-byte "
				 "limit",
				 path, max);
		json_decref(root);
		goto out;
	}
	if (r->errnum) {
		ret = da_err_set(err, DA_EIO, "cannot read '%s': %s", path,
				 strerror(r->errnum));
		json_decref(root);
		goto out;
	}
	if (!root) {
		if (r->total == 0)
			ret = da_err_set(err, DA_EINVAL,
					 "cannot parse '%s': file is empty, "
					 "expected JSON",
					 path);
		else
			ret = parse_error(err, path, &je);
		goto out;
	}
	*ret_root = root;
	ret = 0;
out:
	free(r);
	close(fd);
	return ret;
}

int da_json_load_mem(const char *name, const void *data, size_t len, size_t max,
		     unsigned flags, json_t **ret_root, struct da_err *err)
{
	json_error_t je;
	json_t *root;

	if (!max)
		max = DA_MAX_JSON_FILE;
	if (len > max)
		return da_err_set(err, DA_ELIMIT,
				  "cannot parse '%s': %zu bytes, over the "
				  "%zu-byte limit",
				  name, len, max);
	if (len == 0)
		return da_err_set(err, DA_EINVAL,
				  "cannot parse '%s': empty, expected JSON",
				  name);
	root = json_loadb(data, len, parse_flags(flags), &je);
	if (!root)
		return parse_error(err, name, &je);
	*ret_root = root;
	return 0;
}

/* ---- paths ---- */

/* Reads a whole decimal number; 0 on success. */
static int parse_index(const char *s, size_t n, size_t *ret)
{
	size_t v = 0, i;

	if (n == 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (v > (SIZE_MAX - 9) / 10)
			return -1;
		v = v * 10 + (size_t)(s[i] - '0');
	}
	*ret = v;
	return 0;
}

/* One step: the member named by the segment s[0..n) (escapes undone). */
static json_t *step(const json_t *v, const char *s, size_t n)
{
	json_t *child = NULL;
	size_t i, k, idx;
	char *key;

	if (json_is_array(v)) {
		if (parse_index(s, n, &idx) < 0)
			return NULL;
		return json_array_get(v, idx);
	}
	if (!json_is_object(v))
		return NULL;
	if (!memchr(s, '\\', n))
		return json_object_getn(v, s, n);
	key = malloc(n + 1);
	if (!key)
		return NULL;
	for (i = 0, k = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n)
			i++;
		key[k++] = s[i];
	}
	key[k] = '\0';
	child = json_object_getn(v, key, k);
	free(key);
	return child;
}

json_t *da_json_get(const json_t *root, const char *path)
{
	const json_t *v = root;
	const char *p = path, *seg;

	if (!root || !path)
		return NULL;
	if (!*path)
		return (json_t *)root;
	for (;;) {
		seg = p;
		while (*p && *p != '.') {
			if (*p == '\\' && p[1])
				p++;
			p++;
		}
		v = step(v, seg, (size_t)(p - seg));
		if (!v)
			return NULL;
		if (!*p)
			return (json_t *)v;
		p++;
	}
}

const char *da_json_str(const json_t *root, const char *path, const char *dflt)
{
	const json_t *v = da_json_get(root, path);

	return json_is_string(v) ? json_string_value(v) : dflt;
}

long long da_json_int(const json_t *root, const char *path, long long dflt)
{
	const json_t *v = da_json_get(root, path);

	return json_is_integer(v) ? (long long)json_integer_value(v) : dflt;
}

double da_json_real(const json_t *root, const char *path, double dflt)
{
	const json_t *v = da_json_get(root, path);

	return json_is_number(v) ? json_number_value(v) : dflt;
}

int da_json_bool(const json_t *root, const char *path, int dflt)
{
	const json_t *v = da_json_get(root, path);

	return json_is_boolean(v) ? json_is_true(v) : dflt;
}

const char *da_json_type_name(const json_t *v)
{
	switch (v ? json_typeof(v) : JSON_NULL) {
	case JSON_OBJECT:
		return "object";
	case JSON_ARRAY:
		return "array";
	case JSON_STRING:
		return "string";
	case JSON_INTEGER:
		return "integer";
	case JSON_REAL:
		return "real";
	case JSON_TRUE:
	case JSON_FALSE:
		return "boolean";
	default:
		return "null";
	}
}

/* ---- writer ---- */

struct member {
	const char *key;
	size_t len;
	json_t *value;
};

static int add_string(struct da_buf *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char esc[7];
	size_t i, run = 0;
	int r;

	r = da_buf_addch(out, '"');
	for (i = 0; i < n && r == 0; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *rep = NULL;

		switch (c) {
		case '"':
			rep = "\\\"";
			break;
		case '\\':
			rep = "\\\\";
			break;
		case '\n':
			rep = "\\n";
			break;
		case '\r':
			rep = "\\r";
			break;
		case '\t':
			rep = "\\t";
			break;
		case '\b':
			rep = "\\b";
			break;
		case '\f':
			rep = "\\f";
			break;
		default:
			if (c < 0x20) {
				memcpy(esc, "\\u00", 4);
				esc[4] = hex[c >> 4];
				esc[5] = hex[c & 15];
				esc[6] = '\0';
				rep = esc;
			}
		}
		if (!rep) {
			run++;
			continue;
		}
		r = da_buf_add(out, s + i - run, run);
		run = 0;
		if (r == 0)
			r = da_buf_adds(out, rep);
	}
	if (r == 0)
		r = da_buf_add(out, s + n - run, run);
	if (r == 0)
		r = da_buf_addch(out, '"');
	return r;
}

static int add_real(struct da_buf *out, double d)
{
	char s[40];
	int prec, n = 0;

	/* The shortest of 15..17 digits that reads back exactly. */
	for (prec = 15; prec <= 17; prec++) {
		n = snprintf(s, sizeof(s), "%.*g", prec, d);
		if (n < 0 || (size_t)n >= sizeof(s))
			return -DA_EINVAL;
		if (strtod(s, NULL) == d)
			break;
	}
	if (!strpbrk(s, ".eEn")) {
		if ((size_t)n + 2 >= sizeof(s))
			return -DA_EINVAL;
		memcpy(s + n, ".0", 3);
	}
	return da_buf_adds(out, s);
}

static int newline(struct da_buf *out, unsigned flags, int depth)
{
	int r, i;

	if (!(flags & DA_JSON_INDENT))
		return 0;
	r = da_buf_addch(out, '\n');
	for (i = 0; i < depth && r == 0; i++)
		r = da_buf_add(out, "  ", 2);
	return r;
}

static int cmp_member(const void *a, const void *b)
{
	const struct member *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->key, y->key, n);

	if (c)
		return c;
	return x->len < y->len ? -1 : x->len > y->len;
}

static int dump(const json_t *v, unsigned flags, int depth, struct da_buf *out);

static int dump_object(const json_t *v, unsigned flags, int depth,
		       struct da_buf *out)
{
	struct member *m = NULL;
	size_t n = json_object_size(v), i = 0;
	void *it;
	int r;

	if (n == 0)
		return da_buf_add(out, "{}", 2);
	m = calloc(n, sizeof(*m));
	if (!m)
		return -DA_ENOMEM;
	for (it = json_object_iter((json_t *)v); it && i < n;
	     it = json_object_iter_next((json_t *)v, it), i++) {
		m[i].key = json_object_iter_key(it);
		m[i].len = json_object_iter_key_len(it);
		m[i].value = json_object_iter_value(it);
	}
	n = i;
	if (flags & DA_JSON_SORT_KEYS)
		qsort(m, n, sizeof(*m), cmp_member);
	r = da_buf_addch(out, '{');
	for (i = 0; i < n && r == 0; i++) {
		if (i)
			r = da_buf_addch(out, ',');
		if (r == 0)
			r = newline(out, flags, depth + 1);
		if (r == 0)
			r = add_string(out, m[i].key, m[i].len);
		if (r == 0)
			r = (flags & DA_JSON_INDENT) ? da_buf_add(out, ": ", 2)
						     : da_buf_addch(out, ':');
		if (r == 0)
			r = dump(m[i].value, flags, depth + 1, out);
	}
	if (r == 0)
		r = newline(out, flags, depth);
	if (r == 0)
		r = da_buf_addch(out, '}');
	free(m);
	return r;
}

static int dump_array(const json_t *v, unsigned flags, int depth,
		      struct da_buf *out)
{
	size_t n = json_array_size(v), i;
	int r;

	if (n == 0)
		return da_buf_add(out, "[]", 2);
	r = da_buf_addch(out, '[');
	for (i = 0; i < n && r == 0; i++) {
		if (i)
			r = da_buf_addch(out, ',');
		if (r == 0)
			r = newline(out, flags, depth + 1);
		if (r == 0)
			r = dump(json_array_get(v, i), flags, depth + 1, out);
	}
	if (r == 0)
		r = newline(out, flags, depth);
	if (r == 0)
		r = da_buf_addch(out, ']');
	return r;
}

static int dump(const json_t *v, unsigned flags, int depth, struct da_buf *out)
{
	if (depth >= DA_MAX_JSON_DEPTH)
		return -DA_ELIMIT;
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return dump_object(v, flags, depth, out);
	case JSON_ARRAY:
		return dump_array(v, flags, depth, out);
	case JSON_STRING:
		return add_string(out, json_string_value(v),
				  json_string_length(v));
	case JSON_INTEGER:
		return da_buf_addf(out, "%" JSON_INTEGER_FORMAT,
				   json_integer_value(v));
	case JSON_REAL:
		return add_real(out, json_real_value(v));
	case JSON_TRUE:
		return da_buf_add(out, "true", 4);
	case JSON_FALSE:
		return da_buf_add(out, "false", 5);
	default:
		return da_buf_add(out, "null", 4);
	}
}

int da_json_dump(const json_t *v, unsigned flags, struct da_buf *out,
		 struct da_err *err)
{
	size_t len = out->len;
	int r;

	if (!v)
		return da_err_set(err, DA_EINVAL,
				  "cannot write JSON: no value given");
	r = dump(v, flags, 0, out);
	if (r == 0)
		return 0;
	da_buf_truncate(out, len);
	if (r == -DA_ENOMEM)
		return da_err_set(err, DA_ENOMEM,
				  "cannot write JSON: out of memory");
	if (r == -DA_ELIMIT)
		return da_err_set(err, DA_ELIMIT,
				  "cannot write JSON: over the %zu-byte output "
				  "limit or nested deeper than %d",
				  out->max ? out->max : DA_BUF_DEFAULT_MAX,
				  DA_MAX_JSON_DEPTH);
	return da_err_set(err, DA_EINVAL, "cannot write JSON: bad value");
}
