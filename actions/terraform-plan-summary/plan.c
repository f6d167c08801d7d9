/*
 * plan: the streaming reader of 'terraform show -json' output (plan.h).
 *
 * The input goes through a window (a read block, or a slice of memory).
 * A few small routines read JSON tokens where the structure matters (the
 * top-level object, each element of resource_changes, its change object,
 * output_changes); everything else is skipped by skip_rest(), which only
 * looks for quotes, backslashes and brackets (16 bytes at a time with
 * SSE2, byte by byte elsewhere and at the end of a window). That is what
 * makes a 500 MB plan cheap: the bytes of before/after are looked at once
 * and never copied. The skipping checks that brackets match and strings
 * end, not the whole JSON grammar inside skipped values: the elements a
 * later stage parses in full get a strict parser then.
 */
#include "plan.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/utf8.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* peek() at the end of the input. */
#define RD_EOF (-100)

/* The string fields of an element, in struct tf_change order. */
enum {
	F_ADDRESS,
	F_PREVIOUS,
	F_MODULE,
	F_MODE,
	F_TYPE,
	F_NAME,
	F_PROVIDER,
	F_DEPOSED,
	F_REASON,
	F_IMPORT_ID,
	F__COUNT
};

static const char *const field_keys[F__COUNT] = {
    "address", "previous_address", "module_address", "mode",	      "type",
    "name",    "provider_name",	   "deposed",	     "action_reason", NULL,
};

struct rd {
	int fd;			  /* -1: memory */
	const unsigned char *mem; /* the whole input in memory mode */
	size_t mem_len;
	const unsigned char *buf; /* the window */
	unsigned char *own;	  /* the read block in file mode */
	size_t len, pos, block;
	uint64_t base; /* offset of buf[0] in the input */
	const char *name;
	struct da_err *err;
	uint64_t element_max;
	int depth;
	char stack[TF_DEPTH_MAX];
	int key_long; /* the last key was cut (so matches nothing) */
	char key[256];
	char f[F__COUNT][TF_STR_MAX + 1];
	int f_set[F__COUNT];
};

/* Bytes outside strings that skip_rest() stops at. */
static const unsigned char structural[256] = {
    ['"'] = 1, ['{'] = 1, ['}'] = 1, ['['] = 1, [']'] = 1,
};

static uint64_t off(const struct rd *rd)
{
	return rd->base + rd->pos;
}

/* One line: "cannot read plan 'NAME': byte N: what". */
__attribute__((format(printf, 4, 5))) static int
bad_at(struct rd *rd, int e, uint64_t at, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return da_err_set(rd->err, e, "cannot read plan '%s': byte %llu: %s",
			  rd->name, (unsigned long long)at, what);
}

#define bad(rd, ...) bad_at((rd), DA_EINVAL, off(rd), __VA_ARGS__)

static int truncated(struct rd *rd)
{
	return bad(rd, "the plan is truncated (the JSON ends too early)");
}

static int too_deep(struct rd *rd)
{
	return bad_at(rd, DA_EINVAL, off(rd), "nesting deeper than %d levels",
		      TF_DEPTH_MAX);
}

static int wrapper(struct rd *rd, uint64_t at)
{
	return bad_at(rd, DA_EINVAL, at,
		      "the plan is mixed with the setup-terraform wrapper's "
		      "output; set terraform_wrapper: false or use the "
		      "terraform binary directly");
}

/* Moves the window on: 1 with bytes, 0 at the end, or a negative DA_E*. */
static int fill(struct rd *rd)
{
	ssize_t n;

	rd->base += rd->len;
	rd->pos = rd->len = 0;
	if (rd->fd < 0) {
		size_t left = rd->mem_len - (size_t)rd->base;

		rd->buf = rd->mem + rd->base;
		rd->len = left < rd->block ? left : rd->block;
		return rd->len > 0;
	}
	do
		n = read(rd->fd, rd->own, rd->block);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return da_err_set(rd->err, DA_EIO, "cannot read plan '%s': %s",
				  rd->name, strerror(errno));
	rd->len = (size_t)n;
	return n > 0;
}

/* The next byte without taking it, RD_EOF, or a negative DA_E*. */
static inline int peek(struct rd *rd)
{
	int r;

	if (rd->pos < rd->len)
		return rd->buf[rd->pos];
	r = fill(rd);
	if (r <= 0)
		return r < 0 ? r : RD_EOF;
	return rd->buf[rd->pos];
}

/* The next byte that is not JSON white space, not taken. */
static int skip_ws(struct rd *rd)
{
	int c;

	for (;;) {
		c = peek(rd);
		if (c != ' ' && c != '\n' && c != '\r' && c != '\t')
			return c;
		rd->pos++;
	}
}

/*
 * The first '"' or '\\' in [p, e), or e. This is where nearly all of a
 * plan's bytes go, inside the strings of values that are skipped. *qc
 * remembers the next quote found in this window (NULL: none looked for
 * yet), so that a string full of escapes is not searched again for its
 * end after each one: every byte is looked at twice at most.
 */
static const unsigned char *find_quote(const unsigned char *p,
				       const unsigned char *e,
				       const unsigned char **qc)
{
	const unsigned char *q = *qc, *b, *lim = e - p > 32 ? p + 32 : e;

	/* Most strings are short: a plain loop beats two library calls. */
	for (; p < lim; p++)
		if (*p == '"' || *p == '\\')
			return p;
	if (p == e)
		return e;
	if (!q || q < p) {
		q = memchr(p, '"', (size_t)(e - p));
		*qc = q = q ? q : e;
	}
	b = memchr(p, '\\', (size_t)(q - p));
	return b ? b : q;
}

/* Skips the rest of a string whose opening quote was taken. */
static int skip_string(struct rd *rd)
{
	const unsigned char *qc = NULL;
	int esc = 0, r;

	for (;;) {
		const unsigned char *p;

		if (rd->pos == rd->len) {
			qc = NULL;
			r = fill(rd);
			if (r < 0)
				return r;
			if (!r)
				return truncated(rd);
		}
		if (esc) {
			rd->pos++;
			esc = 0;
			continue;
		}
		p = find_quote(rd->buf + rd->pos, rd->buf + rd->len, &qc);
		rd->pos = (size_t)(p - rd->buf);
		if (rd->pos == rd->len)
			continue;
		rd->pos++;
		if (*p == '"')
			return 0;
		esc = 1;
	}
}

/* Takes the '{' or '[' at the current position. */
static int open_container(struct rd *rd, int c)
{
	if (rd->depth >= TF_DEPTH_MAX)
		return too_deep(rd);
	rd->stack[rd->depth++] = (char)c;
	rd->pos++;
	return 0;
}

#ifdef __SSE2__
static unsigned eq16(__m128i v, char c)
{
	return (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(c)));
}

/*
 * skip_rest() on the 16 bytes at p, with SSE2 (every x86-64 has it): one
 * bit mask per kind of byte, then only the bytes that matter are visited.
 * Returns 0 to go on with the next 16 bytes, 1 when depth came back to
 * target (the position is then after the close), or a negative DA_E*.
 */
static int skip_block(struct rd *rd, const unsigned char *p, int *in_str,
		      int *esc, int *depth, int target)
{
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
	unsigned mq = eq16(v, '"'), mb = eq16(v, '\\');
	unsigned mo = eq16(v, '{') | eq16(v, '['),
		 mc = eq16(v, '}') | eq16(v, ']');
	unsigned m, bit, i = 0, k;
	int want;

	for (;;) {
		m = (*in_str ? mq | mb : mq | mo | mc) >> i << i;
		if (!m)
			return 0;
		k = (unsigned)__builtin_ctz(m);
		bit = 1u << k;
		i = k + 1;
		if (*in_str) {
			if (!(mb & bit))
				*in_str = 0;
			else if (i == 16)
				*esc = 1;
			else
				i++;
		} else if (mq & bit) {
			*in_str = 1;
		} else if (mo & bit) {
			if (*depth >= TF_DEPTH_MAX) {
				rd->pos = (size_t)(p + k - rd->buf);
				rd->depth = *depth;
				return too_deep(rd);
			}
			rd->stack[(*depth)++] = (char)p[k];
		} else {
			want = p[k] == '}' ? '{' : '[';
			rd->pos = (size_t)(p + k - rd->buf);
			rd->depth = *depth;
			if (rd->stack[*depth - 1] != want)
				return bad(rd, "not JSON: '%c' closes '%c'",
					   p[k], rd->stack[*depth - 1]);
			if (--*depth == target) {
				rd->pos++;
				rd->depth = *depth;
				return 1;
			}
		}
	}
}
#endif

/*
 * Skips everything up to and with the close that brings depth to target.
 * One loop over the window with the state in locals: most of a plan goes
 * through here, in short strings and brackets, so the cost per token
 * matters more than the cost per byte.
 */
static int skip_rest(struct rd *rd, int target)
{
	int in_str = 0, esc = 0, depth = rd->depth, r, want;

	for (;;) {
		const unsigned char *p, *e, *qc = NULL;

		if (rd->pos == rd->len) {
			rd->depth = depth;
			r = fill(rd);
			if (r < 0)
				return r;
			if (!r)
				return truncated(rd);
		}
		p = rd->buf + rd->pos;
		e = rd->buf + rd->len;
		while (p < e) {
			if (esc) {
				esc = 0;
				p++;
				continue;
			}
#ifdef __SSE2__
			if (e - p >= 16) {
				r = skip_block(rd, p, &in_str, &esc, &depth,
					       target);
				if (r)
					return r < 0 ? r : 0;
				p += 16;
				continue;
			}
#endif
			if (in_str) {
				p = find_quote(p, e, &qc);
				if (p == e)
					break;
				if (*p++ == '\\')
					esc = 1;
				else
					in_str = 0;
				continue;
			}
			while (p < e && !structural[*p])
				p++;
			if (p == e)
				break;
			switch (*p++) {
			case '"':
				in_str = 1;
				break;
			case '{':
			case '[':
				if (depth >= TF_DEPTH_MAX) {
					rd->pos = (size_t)(p - 1 - rd->buf);
					rd->depth = depth;
					return too_deep(rd);
				}
				rd->stack[depth++] = (char)p[-1];
				break;
			default:
				want = p[-1] == '}' ? '{' : '[';
				if (rd->stack[depth - 1] != want) {
					rd->pos = (size_t)(p - 1 - rd->buf);
					rd->depth = depth;
					return bad(rd,
						   "not JSON: '%c' closes '%c'",
						   p[-1], rd->stack[depth - 1]);
				}
				if (--depth == target) {
					rd->pos = (size_t)(p - rd->buf);
					rd->depth = depth;
					return 0;
				}
			}
		}
		rd->pos = rd->len;
	}
}

/* Takes the literal word (true, false, null) that must be next. */
static int literal(struct rd *rd, const char *word)
{
	uint64_t at = off(rd);
	int c;

	for (; *word; word++) {
		c = peek(rd);
		if (c == RD_EOF)
			return truncated(rd);
		if (c < 0)
			return c;
		if (c != (unsigned char)*word)
			return bad_at(rd, DA_EINVAL, at,
				      "not JSON: a bad word");
		rd->pos++;
	}
	return 0;
}

/* Skips the value that starts at the current position. */
static int skip_value(struct rd *rd)
{
	int c = skip_ws(rd), r;

	if (c == RD_EOF)
		return truncated(rd);
	if (c < 0)
		return c;
	if (c == '"') {
		rd->pos++;
		return skip_string(rd);
	}
	if (c == '{' || c == '[') {
		r = open_container(rd, c);
		return r < 0 ? r : skip_rest(rd, rd->depth - 1);
	}
	if (c == 't')
		return literal(rd, "true");
	if (c == 'f')
		return literal(rd, "false");
	if (c == 'n')
		return literal(rd, "null");
	if (c != '-' && (c < '0' || c > '9'))
		return bad(rd, "not JSON: unexpected '%c'",
			   c >= 0x20 && c < 0x7f ? c : '?');
	for (;;) {
		c = peek(rd);
		if (c < 0 && c != RD_EOF)
			return c;
		if (!((c >= '0' && c <= '9') || c == '-' || c == '+' ||
		      c == '.' || c == 'e' || c == 'E'))
			return 0;
		rd->pos++;
	}
}

static int hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Four hex digits of a \u escape. */
static int read_u4(struct rd *rd, uint32_t *u)
{
	int i, c, h;

	*u = 0;
	for (i = 0; i < 4; i++) {
		c = peek(rd);
		if (c == RD_EOF)
			return truncated(rd);
		if (c < 0)
			return c;
		h = hex(c);
		if (h < 0)
			return bad(rd, "not JSON: a bad \\u escape");
		*u = *u << 4 | (uint32_t)h;
		rd->pos++;
	}
	return 0;
}

static size_t put_utf8(char *o, uint32_t u)
{
	if (u < 0x80) {
		o[0] = (char)u;
		return 1;
	}
	if (u < 0x800) {
		o[0] = (char)(0xc0 | u >> 6);
		o[1] = (char)(0x80 | (u & 0x3f));
		return 2;
	}
	if (u < 0x10000) {
		o[0] = (char)(0xe0 | u >> 12);
		o[1] = (char)(0x80 | (u >> 6 & 0x3f));
		o[2] = (char)(0x80 | (u & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | u >> 18);
	o[1] = (char)(0x80 | (u >> 12 & 0x3f));
	o[2] = (char)(0x80 | (u >> 6 & 0x3f));
	o[3] = (char)(0x80 | (u & 0x3f));
	return 4;
}

/* The code point of a \u escape whose backslash and 'u' were taken. */
static int read_escape_u(struct rd *rd, uint32_t *u)
{
	uint32_t lo;
	int r = read_u4(rd, u);

	if (r < 0)
		return r;
	if (*u >= 0xdc00 && *u <= 0xdfff)
		return bad(rd, "not JSON: a lone low surrogate");
	if (*u < 0xd800 || *u > 0xdbff)
		return 0;
	/* A high surrogate needs its low half right after it. */
	if ((r = literal(rd, "\\u")) < 0)
		return r;
	if ((r = read_u4(rd, &lo)) < 0)
		return r;
	if (lo < 0xdc00 || lo > 0xdfff)
		return bad(rd, "not JSON: a lone high surrogate");
	*u = 0x10000 + ((*u - 0xd800) << 10) + (lo - 0xdc00);
	return 0;
}

/*
 * Decodes the rest of a string whose opening quote was taken into out
 * (size max + 1, NUL-terminated). Longer: with cut set, the rest is
 * dropped and *long_out set; otherwise -DA_ELIMIT. NUL characters and
 * invalid UTF-8 are refused (the strings end up in C strings and in
 * Markdown).
 */
static int read_string(struct rd *rd, char *out, size_t max, int cut,
		       int *long_out)
{
	uint64_t at = off(rd) - 1;
	size_t n = 0, k, i;
	uint32_t u;
	char tmp[4];
	int c, r;

	if (long_out)
		*long_out = 0;
	/*
	 * Most strings read here (keys, addresses) are short, plain and in
	 * the window whole: copy those at once.
	 */
	if (rd->pos < rd->len) {
		const unsigned char *p = rd->buf + rd->pos, *q = p,
				    *e = rd->buf + rd->len;
		unsigned hi = 0;

		while (q < e && *q != '"' && *q != '\\' && *q >= 0x20)
			hi |= *q++;
		if (q < e && *q == '"') {
			n = (size_t)(q - p);
			rd->pos += n + 1;
			if (n <= max)
				memcpy(out, p, n);
			if (n <= max && !(hi & 0x80)) {
				out[n] = 0;
				return 0;
			}
			goto done;
		}
	}
	for (;;) {
		c = peek(rd);
		if (c == RD_EOF)
			return truncated(rd);
		if (c < 0)
			return c;
		rd->pos++;
		if (c == '"')
			break;
		if (c < 0x20)
			return bad(rd, "not JSON: a control character in a "
				       "string");
		if (c == '\\') {
			c = peek(rd);
			if (c == RD_EOF)
				return truncated(rd);
			if (c < 0)
				return c;
			rd->pos++;
			switch (c) {
			case '"':
			case '\\':
			case '/':
				break;
			case 'b':
				c = '\b';
				break;
			case 'f':
				c = '\f';
				break;
			case 'n':
				c = '\n';
				break;
			case 'r':
				c = '\r';
				break;
			case 't':
				c = '\t';
				break;
			case 'u':
				if ((r = read_escape_u(rd, &u)) < 0)
					return r;
				if (!u)
					return bad(rd, "a string holds a NUL "
						       "character");
				k = put_utf8(tmp, u);
				for (i = 0; i < k; i++) {
					if (n < max)
						out[n] = tmp[i];
					n++;
				}
				continue;
			default:
				return bad(rd, "not JSON: a bad escape");
			}
		}
		if (n < max)
			out[n] = (char)c;
		n++;
	}
done:
	if (n > max) {
		if (!cut)
			return bad_at(rd, DA_ELIMIT, at,
				      "a string of %zu bytes (the ceiling is "
				      "%zu)",
				      n, max);
		if (long_out)
			*long_out = 1;
		n = 0;
	}
	out[n] = 0;
	for (i = 0; i < n; i += k) {
		k = da_utf8_seq((const unsigned char *)out + i, n - i, &u);
		if (!k)
			return bad_at(rd, DA_EINVAL, at,
				      "a string is not valid UTF-8");
	}
	return 0;
}

/*
 * Object and array iteration. After the opening bracket was taken
 * (open_container), each call moves to the next key or element: 1 with
 * the position at its value (the key in rd->key), 0 after the closing
 * bracket was taken.
 */
static int next_key(struct rd *rd, int *first)
{
	int c = skip_ws(rd), r;

	if (c >= 0 && c == '}' && rd->stack[rd->depth - 1] == '{') {
		rd->pos++;
		rd->depth--;
		return 0;
	}
	if (c >= 0 && !*first) {
		if (c != ',')
			return bad(rd, "not JSON: expected ',' or '}'");
		rd->pos++;
		c = skip_ws(rd);
	}
	if (c == RD_EOF)
		return truncated(rd);
	if (c < 0)
		return c;
	if (c != '"')
		return bad(rd, "not JSON: expected a key");
	*first = 0;
	rd->pos++;
	r = read_string(rd, rd->key, sizeof(rd->key) - 1, 1, &rd->key_long);
	if (r < 0)
		return r;
	c = skip_ws(rd);
	if (c == RD_EOF)
		return truncated(rd);
	if (c < 0)
		return c;
	if (c != ':')
		return bad(rd, "not JSON: expected ':'");
	rd->pos++;
	c = skip_ws(rd);
	if (c == RD_EOF)
		return truncated(rd);
	return c < 0 ? c : 1;
}

static int next_elem(struct rd *rd, int *first)
{
	int c = skip_ws(rd);

	if (c == ']') {
		rd->pos++;
		rd->depth--;
		return 0;
	}
	if (c >= 0 && !*first) {
		if (c != ',')
			return bad(rd, "not JSON: expected ',' or ']'");
		rd->pos++;
		c = skip_ws(rd);
	}
	if (c == RD_EOF)
		return truncated(rd);
	if (c < 0)
		return c;
	*first = 0;
	return 1;
}

static int key_is(const struct rd *rd, const char *k)
{
	return rd->key[0] == k[0] && !rd->key_long && !strcmp(rd->key, k);
}

/* The value at the position must be null (0) or start a container c (1). */
static int open_or_null(struct rd *rd, int c, const char *what)
{
	int got = peek(rd), r;

	if (got == 'n') {
		r = literal(rd, "null");
		return r < 0 ? r : 0;
	}
	if (got != c)
		return bad(rd, "%s is not %s", what,
			   c == '{' ? "an object" : "an array");
	r = open_container(rd, c);
	return r < 0 ? r : 1;
}

/* A string value (1), null (0, out emptied), or another type (error). */
static int read_str_value(struct rd *rd, char *out, size_t max,
			  const char *what)
{
	int c = peek(rd), r;

	if (c == 'n') {
		out[0] = 0;
		r = literal(rd, "null");
		return r < 0 ? r : 0;
	}
	if (c != '"')
		return bad(rd, "%s is not a string", what);
	rd->pos++;
	r = read_string(rd, out, max, 0, NULL);
	return r < 0 ? r : 1;
}

static int read_bool(struct rd *rd, enum tf_bool *b, const char *what)
{
	int c = peek(rd), r;

	if (c == 't' || c == 'f') {
		r = literal(rd, c == 't' ? "true" : "false");
		*b = c == 't' ? TF_TRUE : TF_FALSE;
		return r;
	}
	if (c == 'n') {
		*b = TF_ABSENT;
		return literal(rd, "null");
	}
	return bad(rd, "%s is not true or false", what);
}

/* ---- actions ---- */

static const char *const action_names[TF_ACT__COUNT] = {
    "no-op",	     "create",	      "read",	"update",	 "delete",
    "delete,create", "create,delete", "forget", "create,forget", "other",
};

const char *tf_action_name(enum tf_action a)
{
	return (unsigned)a < TF_ACT__COUNT ? action_names[a] : "other";
}

int tf_action_destroys(enum tf_action a)
{
	return a == TF_ACT_DELETE || a == TF_ACT_REPLACE_DC ||
	       a == TF_ACT_REPLACE_CD;
}

enum { W_NOOP = 1, W_CREATE, W_READ, W_UPDATE, W_DELETE, W_FORGET, W_OTHER };

static int action_word(const char *s)
{
	static const char *const words[] = {"no-op",  "create", "read",
					    "update", "delete", "forget"};
	int i;

	for (i = 0; i < 6; i++)
		if (!strcmp(s, words[i]))
			return W_NOOP + i;
	return W_OTHER;
}

/* Reads change.actions (at its value) into *a. */
static int read_actions(struct rd *rd, enum tf_action *a, int *deletes)
{
	int w[3] = {0, 0, 0}, n = 0, first = 1, r, c, cut, any_delete = 0;
	char word[16];

	*a = TF_ACT_OTHER;
	if (deletes)
		*deletes = 0;
	r = open_or_null(rd, '[', "change.actions");
	if (r <= 0)
		return r;
	while ((r = next_elem(rd, &first)) > 0) {
		c = peek(rd);
		if (c != '"') {
			if ((r = skip_value(rd)) < 0)
				return r;
			n = 3;
			continue;
		}
		rd->pos++;
		r = read_string(rd, word, sizeof(word) - 1, 1, &cut);
		if (r < 0)
			return r;
		if (!cut && action_word(word) == W_DELETE)
			any_delete = 1;
		if (n < 3)
			w[n] = cut ? W_OTHER : action_word(word);
		n++;
	}
	if (r < 0)
		return r;
	if (n == 1) {
		static const enum tf_action one[] = {
		    TF_ACT_OTHER,  TF_ACT_NOOP,	  TF_ACT_CREATE, TF_ACT_READ,
		    TF_ACT_UPDATE, TF_ACT_DELETE, TF_ACT_FORGET, TF_ACT_OTHER};
		*a = one[w[0]];
	} else if (n == 2) {
		if (w[0] == W_DELETE && w[1] == W_CREATE)
			*a = TF_ACT_REPLACE_DC;
		else if (w[0] == W_CREATE && w[1] == W_DELETE)
			*a = TF_ACT_REPLACE_CD;
		else if (w[0] == W_CREATE && w[1] == W_FORGET)
			*a = TF_ACT_CREATE_FORGET;
	}
	/* a list this reader does not know still destroys when it deletes */
	if (deletes)
		*deletes = any_delete;
	return 0;
}

/* ---- resource changes ---- */

/* change.importing at its value. */
static int read_importing(struct rd *rd, struct tf_change *ch)
{
	int first = 1, r, c = peek(rd);

	if (c == 'n')
		return literal(rd, "null");
	ch->importing = 1;
	if (c != '{')
		return skip_value(rd);
	if ((r = open_container(rd, c)) < 0)
		return r;
	while ((r = next_key(rd, &first)) > 0) {
		if (key_is(rd, "id") && peek(rd) == '"') {
			r = read_str_value(rd, rd->f[F_IMPORT_ID], TF_STR_MAX,
					   "change.importing.id");
			rd->f_set[F_IMPORT_ID] = r > 0;
		} else {
			r = skip_value(rd);
		}
		if (r < 0)
			return r;
	}
	return r;
}

/* The change object of an element, at its value. */
static int read_change(struct rd *rd, struct tf_change *ch)
{
	int first = 1, r, c;

	r = open_or_null(rd, '{', "change");
	if (r <= 0)
		return r;
	while ((r = next_key(rd, &first)) > 0) {
		if (key_is(rd, "actions")) {
			r = read_actions(rd, &ch->action, &ch->deletes);
		} else if (key_is(rd, "importing")) {
			r = read_importing(rd, ch);
		} else if (key_is(rd, "replace_paths") && peek(rd) == '[') {
			if ((r = open_container(rd, '[')) < 0)
				return r;
			c = skip_ws(rd);
			if (c == ']') {
				rd->pos++;
				rd->depth--;
			} else {
				ch->replace_paths = 1;
				r = skip_rest(rd, rd->depth - 1);
			}
		} else {
			r = skip_value(rd);
		}
		if (r < 0)
			return r;
	}
	return r;
}

/* One element of resource_changes or resource_drift, at its '{'. */
static int read_element(struct rd *rd, int drift, tf_change_fn fn, void *ctx,
			struct tf_plan_info *info)
{
	const char **out[F__COUNT];
	struct tf_change ch;
	int first = 1, r, i;

	memset(&ch, 0, sizeof(ch));
	ch.action = TF_ACT_OTHER;
	ch.drift = drift;
	ch.offset = off(rd);
	memset(rd->f_set, 0, sizeof(rd->f_set));
	if (peek(rd) != '{')
		return bad(rd, "an element of %s is not an object",
			   drift ? "resource_drift" : "resource_changes");
	if ((r = open_container(rd, '{')) < 0)
		return r;
	while ((r = next_key(rd, &first)) > 0) {
		for (i = 0; i < F_IMPORT_ID; i++)
			if (key_is(rd, field_keys[i]))
				break;
		if (i < F_IMPORT_ID) {
			r = read_str_value(rd, rd->f[i], TF_STR_MAX,
					   field_keys[i]);
			rd->f_set[i] = r > 0;
		} else if (key_is(rd, "change")) {
			r = read_change(rd, &ch);
		} else {
			r = skip_value(rd);
		}
		if (r < 0)
			return r;
	}
	if (r < 0)
		return r;
	ch.length = off(rd) - ch.offset;
	if (ch.length > rd->element_max)
		return bad_at(rd, DA_ELIMIT, ch.offset,
			      "an element of %llu bytes (the ceiling is %llu)",
			      (unsigned long long)ch.length,
			      (unsigned long long)rd->element_max);
	out[F_ADDRESS] = &ch.address;
	out[F_PREVIOUS] = &ch.previous_address;
	out[F_MODULE] = &ch.module_address;
	out[F_MODE] = &ch.mode;
	out[F_TYPE] = &ch.type;
	out[F_NAME] = &ch.name;
	out[F_PROVIDER] = &ch.provider_name;
	out[F_DEPOSED] = &ch.deposed;
	out[F_REASON] = &ch.action_reason;
	out[F_IMPORT_ID] = &ch.import_id;
	for (i = 0; i < F__COUNT; i++)
		*out[i] = rd->f_set[i] ? rd->f[i] : NULL;
	if (drift) {
		info->drift++;
	} else {
		info->changes++;
		info->actions[ch.action]++;
	}
	if (!fn)
		return 0;
	da_err_clear(rd->err);
	r = fn(ctx, &ch, rd->err);
	if (r < 0 && !rd->err->msg[0])
		return da_err_set(rd->err, -r,
				  "cannot read plan '%s': stopped at '%s'",
				  rd->name, ch.address ? ch.address : "?");
	return r < 0 ? r : 0;
}

static int read_changes(struct rd *rd, int drift, tf_change_fn fn, void *ctx,
			struct tf_plan_info *info)
{
	int first = 1, r;

	r = open_or_null(rd, '[',
			 drift ? "resource_drift" : "resource_changes");
	if (r <= 0)
		return r;
	while ((r = next_elem(rd, &first)) > 0)
		if ((r = read_element(rd, drift, fn, ctx, info)) < 0)
			return r;
	return r;
}

/* output_changes: {name: {actions: [...], ...}} at its value. */
static int read_outputs(struct rd *rd, const struct tf_scan_opts *opts,
			void *ctx, struct tf_plan_info *info)
{
	char *name = rd->f[F_NAME];
	enum tf_action a;
	int first = 1, inner, r;

	r = open_or_null(rd, '{', "output_changes");
	if (r <= 0)
		return r;
	while ((r = next_key(rd, &first)) > 0) {
		if (rd->key_long)
			return bad_at(rd, DA_ELIMIT, off(rd),
				      "an output name over %zu bytes",
				      sizeof(rd->key) - 2);
		memcpy(name, rd->key, sizeof(rd->key));
		a = TF_ACT_OTHER;
		inner = 1;
		if ((r = open_or_null(rd, '{', "an output change")) < 0)
			return r;
		while (r > 0 && (r = next_key(rd, &inner)) > 0) {
			r = key_is(rd, "actions") ? read_actions(rd, &a, NULL)
						  : skip_value(rd);
			if (r < 0)
				return r;
			r = 1;
		}
		if (r < 0)
			return r;
		info->outputs++;
		info->output_actions[a]++;
		if (opts->on_output) {
			da_err_clear(rd->err);
			r = opts->on_output(ctx, name, a, rd->err);
			if (r < 0)
				return rd->err->msg[0]
					   ? r
					   : da_err_set(rd->err, DA_EINVAL,
							"cannot read plan "
							"'%s': stopped",
							rd->name);
		}
	}
	return r;
}

/* ---- the top level ---- */

static int parse_format(struct rd *rd, uint64_t at, struct tf_plan_info *info)
{
	const char *s = info->format_version;
	char *end;
	long major, minor;

	if (*s < '0' || *s > '9')
		goto bad;
	major = strtol(s, &end, 10);
	if (*end != '.' || end[1] < '0' || end[1] > '9')
		goto bad;
	minor = strtol(end + 1, &end, 10);
	if (*end || major > 1000 || minor > 1000)
		goto bad;
	if (major >= 2)
		return bad_at(rd, DA_EINVAL, at,
			      "format_version %s is not supported (this "
			      "reads plans of format 0.x and 1.x)",
			      s);
	info->format_major = (int)major;
	info->format_minor = (int)minor;
	return 0;
bad:
	return bad_at(rd, DA_EINVAL, at, "format_version '%s' is not a version",
		      s);
}

/* What comes before the '{': say what the input is instead of a plan. */
static int not_an_object(struct rd *rd)
{
	char head[10];
	size_t n = 0;
	int c;

	while (n < sizeof(head) - 1 && (c = peek(rd)) >= 0) {
		head[n++] = (char)c;
		rd->pos++;
	}
	head[n] = 0;
	if (!strncmp(head, "[command]", 9) || !strncmp(head, "::", 2))
		return wrapper(rd, 0);
	if (n == 0)
		return bad_at(rd, DA_EINVAL, 0, "the plan is empty");
	if (head[0] == '[')
		return bad_at(rd, DA_EINVAL, 0,
			      "is a JSON array, not a plan (expected the "
			      "output of 'terraform show -json PLANFILE')");
	return bad_at(rd, DA_EINVAL, 0,
		      "is not JSON (expected the output of 'terraform show "
		      "-json PLANFILE')");
}

/* After the top-level '}': nothing but white space may follow. */
static int after_end(struct rd *rd)
{
	uint64_t at;
	int c = skip_ws(rd);

	if (c == RD_EOF)
		return 0;
	if (c < 0)
		return c;
	at = off(rd);
	rd->pos++;
	if (c == ':' && peek(rd) == ':')
		return wrapper(rd, at);
	return bad_at(rd, DA_EINVAL, at, "unexpected text after the plan");
}

static int scan(struct rd *rd, const struct tf_scan_opts *opts,
		tf_change_fn on_change, void *ctx, struct tf_plan_info *info)
{
	int first = 1, seen_format = 0, plan_keys = 0, r, c;
	char *tmp = rd->f[F__COUNT - 1];
	uint64_t at;

	c = skip_ws(rd);
	if (c == 0xef) { /* a UTF-8 byte order mark some editors add */
		if ((r = literal(rd, "\xef\xbb\xbf")) < 0)
			return r;
		c = skip_ws(rd);
	}
	if (c < 0 && c != RD_EOF)
		return c;
	if (c != '{')
		return not_an_object(rd);
	if ((r = open_container(rd, '{')) < 0)
		return r;
	while ((r = next_key(rd, &first)) > 0) {
		at = off(rd);
		if (key_is(rd, "format_version")) {
			if ((r = read_str_value(rd, info->format_version,
						sizeof(info->format_version) -
						    1,
						"format_version")) <= 0)
				return r < 0 ? r
					     : bad_at(rd, DA_EINVAL, at,
						      "format_version is "
						      "null");
			if ((r = parse_format(rd, at, info)) < 0)
				return r;
			seen_format = 1;
		} else if (key_is(rd, "terraform_version")) {
			r = read_str_value(rd, tmp, TF_STR_MAX,
					   "terraform_version");
			if (r > 0) {
				size_t n = strnlen(
				    tmp, sizeof(info->terraform_version) - 1);

				memcpy(info->terraform_version, tmp, n);
				info->terraform_version[n] = 0;
			}
		} else if (key_is(rd, "errored")) {
			r = read_bool(rd, &info->errored, "errored");
			plan_keys = 1;
		} else if (key_is(rd, "applyable")) {
			r = read_bool(rd, &info->applyable, "applyable");
		} else if (key_is(rd, "complete")) {
			r = read_bool(rd, &info->complete, "complete");
		} else if (key_is(rd, "resource_changes")) {
			info->has_resource_changes = 1;
			plan_keys = 1;
			r = read_changes(rd, 0, on_change, ctx, info);
		} else if (key_is(rd, "resource_drift")) {
			info->has_resource_drift = 1;
			plan_keys = 1;
			r = read_changes(rd, 1, opts->on_drift, ctx, info);
		} else if (key_is(rd, "output_changes")) {
			plan_keys = 1;
			r = read_outputs(rd, opts, ctx, info);
		} else if (key_is(rd, "values")) {
			return bad_at(rd, DA_EINVAL, at,
				      "is a state, not a plan ('terraform "
				      "show -json' was given no plan file)");
		} else if (key_is(rd, "plan_format_version")) {
			return bad_at(rd, DA_EINVAL, at,
				      "is HCP Terraform's redacted plan, not "
				      "the output of 'terraform show -json "
				      "PLANFILE'");
		} else {
			if (key_is(rd, "planned_values") ||
			    key_is(rd, "prior_state") ||
			    key_is(rd, "configuration"))
				plan_keys = 1;
			/* variables land here too: skipped, never kept */
			r = skip_value(rd);
		}
		if (r < 0)
			return r;
	}
	if (r < 0)
		return r;
	if ((r = after_end(rd)) < 0)
		return r;
	if (!seen_format || !plan_keys)
		return bad_at(rd, DA_EINVAL, 0,
			      "is JSON but not a plan (no %s)",
			      seen_format ? "planned_values or resource_changes"
					  : "format_version");
	return 0;
}

static int run(struct rd *rd, const struct tf_scan_opts *opts,
	       tf_change_fn on_change, void *ctx, struct tf_plan_info *info)
{
	static const struct tf_scan_opts none;
	int r;

	if (!opts)
		opts = &none;
	memset(info, 0, sizeof(*info));
	info->errored = info->applyable = info->complete = TF_ABSENT;
	rd->element_max =
	    opts->element_max ? opts->element_max : TF_ELEMENT_MAX;
	r = scan(rd, opts, on_change, ctx, info);
	info->bytes = off(rd);
	return r;
}

int tf_plan_scan_mem(const void *data, size_t len, const char *name,
		     const struct tf_scan_opts *opts, tf_change_fn on_change,
		     void *ctx, struct tf_plan_info *info, struct da_err *err)
{
	struct da_err local = DA_ERR_INIT;
	struct rd *rd = calloc(1, sizeof(*rd));
	int r;

	if (!err)
		err = &local;
	if (!rd)
		return da_err_set(err, DA_ENOMEM, "out of memory");
	rd->fd = -1;
	rd->mem = data;
	rd->mem_len = len;
	rd->buf = data;
	rd->block = opts && opts->block ? opts->block : len;
	rd->name = opts && opts->name ? opts->name : name ? name : "-";
	rd->err = err;
	rd->len = len < rd->block ? len : rd->block;
	r = run(rd, opts, on_change, ctx, info);
	free(rd);
	return r;
}

int tf_plan_scan_fd(int fd, const char *name, const struct tf_scan_opts *opts,
		    tf_change_fn on_change, void *ctx,
		    struct tf_plan_info *info, struct da_err *err)
{
	struct da_err local = DA_ERR_INIT;
	struct rd *rd;
	int r;

	if (!err)
		err = &local;
	rd = calloc(1, sizeof(*rd));
	if (rd)
		rd->block =
		    opts && opts->block ? opts->block : TF_BLOCK_DEFAULT;
	if (!rd || !(rd->own = malloc(rd->block))) {
		free(rd);
		return da_err_set(err, DA_ENOMEM, "out of memory");
	}
#ifdef POSIX_FADV_SEQUENTIAL
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
	rd->fd = fd;
	rd->buf = rd->own;
	rd->name = opts && opts->name ? opts->name : name ? name : "-";
	rd->err = err;
	r = run(rd, opts, on_change, ctx, info);
	free(rd->own);
	free(rd);
	return r;
}

int tf_plan_scan(const char *path, const struct tf_scan_opts *opts,
		 tf_change_fn on_change, void *ctx, struct tf_plan_info *info,
		 struct da_err *err)
{
	struct da_err local = DA_ERR_INIT;
	int r, fd, std = !strcmp(path, "-");

	if (!err)
		err = &local;
	fd = std ? 0 : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return da_err_set(err, errno == ENOENT ? DA_ENOENT : DA_EIO,
				  "cannot read plan '%s': %s", path,
				  strerror(errno));
	r = tf_plan_scan_fd(fd, path, opts, on_change, ctx, info, err);
	if (!std)
		close(fd);
	return r;
}
