#include "cond.h"
#include "json.h"
#include "time.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Values in actual and reason texts are cut to this many bytes. */
#define SHORT_MAX 120

/* Ceiling of a reason text, of a rendered value and of a number's text. */
#define REASON_MAX 2048
#define VALUE_MAX DA_BUF_DEFAULT_MAX
#define NUMBER_MAX 512

/* Longest array index written in a path: 9 digits. */
#define INDEX_DIGITS 9

enum cmp { CMP_EQ, CMP_NE, CMP_LT, CMP_LE, CMP_GT, CMP_GE, CMP_HAS };

static const char *const cmp_text[] = {"==", "!=", "<", "<=", ">", ">=", ""};

enum kind {
	K_LITERAL,     /* text; items[0] */
	K_PLACEHOLDER, /* [NAME] and its path */
	K_LEN,	       /* len([BODY]...) */
	K_HAS,	       /* has([BODY]...) */
	K_PAT,	       /* pat(glob); items[0] */
	K_ANY,	       /* any(a, b, ...); items */
};

enum ph {
	PH_STATUS,
	PH_RESPONSE_TIME,
	PH_BODY,
	PH_HEADER,
	PH_CONNECTED,
	PH_CERT,
	PH_IP,
	PH__COUNT
};

static const char *const ph_names[PH__COUNT] = {
    "STATUS",	 "RESPONSE_TIME",	   "BODY", "HEADER",
    "CONNECTED", "CERTIFICATE_EXPIRATION", "IP",
};

#define PH_KNOWN                                                               \
	"[STATUS], [RESPONSE_TIME], [BODY], [HEADER].name, [CONNECTED], "      \
	"[CERTIFICATE_EXPIRATION] or [IP]"

struct step {
	char *key;    /* object member, or NULL for an array index */
	size_t index; /* array index when key is NULL */
	size_t end;   /* length of the path text up to this step */
};

struct operand {
	enum kind kind;
	char *src; /* the side as written, for reasons */
	enum ph ph;
	char *path;   /* "[BODY].a[0]", "[HEADER].etag": the placeholder */
	size_t base;  /* length of "[NAME]" in path */
	char *header; /* PH_HEADER: the header name */
	struct step *steps;
	size_t n_steps;
	char **items; /* K_LITERAL, K_PAT: one; K_ANY: n_items */
	size_t n_items;
	size_t *fail; /* K_PAT: see glob_prepare() */
};

struct da_cond {
	char *text;
	enum cmp cmp;
	struct operand left, right;
};

/* ---- text helpers ---- */

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Bytes of the UTF-8 character at p (1 for a stray or ASCII byte). */
static size_t u8len(const char *p, size_t n)
{
	unsigned char c = (unsigned char)p[0];
	size_t want, i;

	if (c < 0xc0)
		return 1;
	want = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
	for (i = 1; i < want && i < n && ((unsigned char)p[i] & 0xc0) == 0x80;
	     i++)
		;
	return i;
}

/* Characters in p[0..n): bytes that do not continue a UTF-8 sequence. */
static size_t u8count(const char *p, size_t n)
{
	size_t i, count = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)p[i] & 0xc0) != 0x80)
			count++;
	return count;
}

/*
 * Appends p[0..n) as one short line: CR, LF, tab and other control bytes
 * escaped, cut after SHORT_MAX bytes (at a character boundary) with "...".
 */
static int add_short(struct da_buf *out, const char *p, size_t n)
{
	size_t i = 0, used = 0;
	int r = 0;

	while (i < n && r == 0) {
		unsigned char c = (unsigned char)p[i];
		char esc[8];
		const char *e = esc;
		size_t elen, step = 1;

		if (c == '\n' || c == '\r' || c == '\t') {
			esc[0] = '\\';
			esc[1] = (char)(c == '\n'   ? 'n'
					: c == '\r' ? 'r'
						    : 't');
			elen = 2;
		} else if (c < 0x20 || c == 0x7f) {
			int k = snprintf(esc, sizeof(esc), "\\x%02x", c);

			if (k < 0 || (size_t)k >= sizeof(esc))
				return -DA_EINVAL;
			elen = (size_t)k;
		} else {
			step = u8len(p + i, n - i);
			e = p + i;
			elen = step;
		}
		if (used + elen > SHORT_MAX)
			return da_buf_adds(out, "...");
		r = da_buf_add(out, e, elen);
		used += elen;
		i += step;
	}
	return r;
}

static char *dup_range(const char *p, size_t n)
{
	char *s = malloc(n + 1);

	if (!s)
		return NULL;
	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

static void glob_prepare(const char *pat, size_t m, size_t *fail);

/* ---- parsing ---- */

struct parser {
	const char *s;
	size_t len;
	size_t rend;	  /* end of the text without trailing blanks */
	const char *what; /* "condition" or "placeholder" */
	struct da_err *err;
};

static int perr(struct parser *ps, size_t pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Records a parse error at byte pos; the column counts characters. */
static int perr(struct parser *ps, size_t pos, const char *fmt, ...)
{
	struct da_buf text = DA_BUF_INIT(1024);
	char msg[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		msg[0] = '\0';
	/* A long message is cut by vsnprintf; it stays one line. */
	if (pos > ps->len)
		pos = ps->len;
	if (add_short(&text, ps->s, ps->len) < 0) {
		da_buf_release(&text);
		da_err_set(ps->err, DA_ENOMEM, "cannot parse %s: out of memory",
			   ps->what);
		return -DA_ENOMEM;
	}
	da_err_set(ps->err, DA_EINVAL, "cannot parse %s '%s': column %zu: %s",
		   ps->what, da_buf_str(&text), u8count(ps->s, pos) + 1, msg);
	da_buf_release(&text);
	return -DA_EINVAL;
}

static int oom(struct parser *ps)
{
	da_err_set(ps->err, DA_ENOMEM, "cannot parse %s: out of memory",
		   ps->what);
	return -DA_ENOMEM;
}

static size_t skip_blanks(const struct parser *ps, size_t pos)
{
	while (pos < ps->len && is_blank(ps->s[pos]))
		pos++;
	return pos;
}

static int starts(const struct parser *ps, size_t pos, const char *word)
{
	size_t n = strlen(word);

	return ps->len - pos >= n && memcmp(ps->s + pos, word, n) == 0;
}

/* Length of the comparison operator at pos (0 if none), its kind in *op. */
static size_t op_at(const struct parser *ps, size_t pos, enum cmp *op)
{
	static const struct {
		const char *t;
		enum cmp op;
	} ops[] = {{"==", CMP_EQ}, {"!=", CMP_NE}, {"<=", CMP_LE},
		   {">=", CMP_GE}, {"<", CMP_LT},  {">", CMP_GT}};
	size_t i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (starts(ps, pos, ops[i].t)) {
			if (op)
				*op = ops[i].op;
			return strlen(ops[i].t);
		}
	}
	return 0;
}

/* Whether an operator stands at pos with a blank (or the end) after it. */
static size_t op_standing(const struct parser *ps, size_t pos, enum cmp *op)
{
	size_t n = op_at(ps, pos, op);

	if (n && (pos + n == ps->len || is_blank(ps->s[pos + n])))
		return n;
	return 0;
}

/*
 * The first operator in [from, to) with blanks before it (and a blank or
 * the end after it): its position, or to when there is none.
 */
static size_t find_op(const struct parser *ps, size_t from, size_t to)
{
	size_t i, j;

	for (i = from; i < to; i++) {
		if (!is_blank(ps->s[i]))
			continue;
		j = skip_blanks(ps, i);
		if (j < to && op_standing(ps, j, NULL))
			return j;
	}
	return to;
}

/* Bytes allowed in a key written after '.' in a [BODY] path. */
static int is_key_char(char ch)
{
	unsigned char c = (unsigned char)ch;

	if (c <= 0x20 || c == 0x7f)
		return 0;
	return !strchr(".[]()=<>!\"", c);
}

/* Bytes of an HTTP header name (RFC 9110 tchar). */
static int is_tchar(char ch)
{
	unsigned char c = (unsigned char)ch;

	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/*
 * Parses a quoted value starting at the '"' at pos into *ret (malloc'd);
 * \" \\ \n \r \t are the escapes. *ret_end is just past the closing '"'.
 */
static int parse_quoted(struct parser *ps, size_t pos, char **ret,
			size_t *ret_end)
{
	struct da_buf b = DA_BUF_INIT(DA_MAX_COND_TEXT + 1);
	size_t q = pos + 1;
	int r = 0;

	while (q < ps->len && ps->s[q] != '"' && r == 0) {
		char c = ps->s[q];

		if (c == '\\' && q + 1 < ps->len) {
			switch (ps->s[q + 1]) {
			case '"':
			case '\\':
				c = ps->s[q + 1];
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
			default:
				da_buf_release(&b);
				return perr(ps, q,
					    "unknown escape in a quoted value "
					    "(use \\\" \\\\ \\n \\r or \\t)");
			}
			q++;
		}
		r = da_buf_addch(&b, c);
		q++;
	}
	if (r < 0) {
		da_buf_release(&b);
		return oom(ps);
	}
	if (q >= ps->len) {
		da_buf_release(&b);
		return perr(ps, pos,
			    "unterminated quoted value (no closing '\"')");
	}
	*ret = da_buf_detach(&b, NULL);
	if (!*ret)
		return oom(ps);
	*ret_end = q + 1;
	return 0;
}

static int add_step(struct parser *ps, struct operand *o, char *key,
		    size_t index)
{
	struct step *s;

	s = realloc(o->steps, (o->n_steps + 1) * sizeof(*s));
	if (!s) {
		free(key);
		return oom(ps);
	}
	o->steps = s;
	s[o->n_steps].key = key;
	s[o->n_steps].index = index;
	s[o->n_steps].end = 0;
	o->n_steps++;
	return 0;
}

/* One "[...]" step of a [BODY] path at pos (the '['). */
static int parse_bracket_step(struct parser *ps, struct operand *o, size_t pos,
			      size_t *ret_end)
{
	size_t k = pos + 1, index = 0;
	char *key = NULL;
	int r;

	if (k < ps->len && ps->s[k] == '"') {
		r = parse_quoted(ps, k, &key, &k);
		if (r < 0)
			return r;
		if (k >= ps->len || ps->s[k] != ']') {
			free(key);
			return perr(ps, k,
				    "bad path: expected ']' after the "
				    "quoted key");
		}
		*ret_end = k + 1;
		return add_step(ps, o, key, 0);
	}
	while (k < ps->len && ps->s[k] >= '0' && ps->s[k] <= '9') {
		if (k - pos > INDEX_DIGITS)
			return perr(ps, pos + 1,
				    "bad path: array index too large");
		index = index * 10 + (size_t)(ps->s[k] - '0');
		k++;
	}
	if (k >= ps->len || is_blank(ps->s[k]))
		return perr(ps, pos, "unterminated '['");
	if (k == pos + 1)
		return perr(ps, k,
			    "bad path: expected an array index or a quoted "
			    "key in [...]");
	if (ps->s[k] != ']')
		return perr(ps, k, "bad path: expected ']' after the index");
	*ret_end = k + 1;
	return add_step(ps, o, NULL, index);
}

/* The steps after [BODY], from pos; *ret_end is past the last one. */
static int parse_path(struct parser *ps, struct operand *o, size_t start,
		      size_t pos, size_t *ret_end)
{
	int r;

	while (pos < ps->len) {
		size_t k = pos;

		if (ps->s[pos] == '.') {
			for (k = pos + 1; k < ps->len && is_key_char(ps->s[k]);
			     k++)
				;
			if (k == pos + 1)
				return perr(ps, pos + 1,
					    "bad path: expected a key after "
					    "'.'");
			r = add_step(ps, o, NULL, 0);
			if (r < 0)
				return r;
			o->steps[o->n_steps - 1].key =
			    dup_range(ps->s + pos + 1, k - pos - 1);
			if (!o->steps[o->n_steps - 1].key)
				return oom(ps);
		} else if (ps->s[pos] == '[') {
			r = parse_bracket_step(ps, o, pos, &k);
			if (r < 0)
				return r;
		} else {
			break;
		}
		o->steps[o->n_steps - 1].end = k - start;
		pos = k;
	}
	*ret_end = pos;
	return 0;
}

/* A placeholder at pos (the '['), with its path. */
static int parse_placeholder(struct parser *ps, size_t pos, struct operand *o,
			     size_t *ret_end)
{
	size_t q, name_len;
	int i, r;

	for (q = pos + 1; q < ps->len && ps->s[q] != ']' && !is_blank(ps->s[q]);
	     q++)
		;
	if (q >= ps->len || ps->s[q] != ']')
		return perr(ps, pos, "unterminated '['");
	name_len = q - pos - 1;
	for (i = 0; i < PH__COUNT; i++)
		if (strlen(ph_names[i]) == name_len &&
		    memcmp(ps->s + pos + 1, ph_names[i], name_len) == 0)
			break;
	if (i == PH__COUNT)
		return perr(ps, pos, "unknown placeholder '[%.*s]' (known: %s)",
			    (int)(name_len > 40 ? 40 : name_len),
			    ps->s + pos + 1, PH_KNOWN);
	o->kind = K_PLACEHOLDER;
	o->ph = (enum ph)i;
	q++;
	o->base = q - pos;
	if (o->ph == PH_BODY) {
		r = parse_path(ps, o, pos, q, &q);
		if (r < 0)
			return r;
	} else if (o->ph == PH_HEADER) {
		size_t k;

		if (q >= ps->len || ps->s[q] != '.')
			return perr(ps, q,
				    "expected '.name' after [HEADER], as in "
				    "[HEADER].content-type");
		for (k = q + 1; k < ps->len && is_tchar(ps->s[k]); k++)
			;
		if (k == q + 1)
			return perr(ps, q + 1,
				    "expected a header name after "
				    "'[HEADER].'");
		o->header = dup_range(ps->s + q + 1, k - q - 1);
		if (!o->header)
			return oom(ps);
		q = k;
	} else if (q < ps->len && (ps->s[q] == '.' || ps->s[q] == '[')) {
		return perr(ps, q, "[%s] takes no path", ph_names[o->ph]);
	}
	o->path = dup_range(ps->s + pos, q - pos);
	if (!o->path)
		return oom(ps);
	*ret_end = q;
	return 0;
}

/*
 * What may follow a placeholder: a blank, the end, or stop (if not 0).
 * right says the placeholder is the right side, where no operator follows.
 */
static int placeholder_end(struct parser *ps, const struct operand *o, size_t q,
			   char stop, int right)
{
	char c;

	if (q >= ps->len || is_blank(ps->s[q]) || (stop && ps->s[q] == stop))
		return 0;
	c = ps->s[q];
	if (o->ph == PH_BODY && (right || !strchr("=!<>", c)))
		return perr(ps, q, "bad path: unexpected '%c'", c);
	if (stop)
		return perr(ps, q, "expected '%c'", stop);
	if (right)
		return perr(ps, q, "unexpected text after the right side");
	return perr(ps, q,
		    "expected an operator (==, !=, <, <=, >, >=) between "
		    "spaces");
}

/* len(...) or has(...) at pos: [BODY] or a path under it. */
static int parse_body_fn(struct parser *ps, size_t pos, enum kind kind,
			 struct operand *o, size_t *ret_end)
{
	const char *fn = kind == K_LEN ? "len" : "has";
	size_t inner = skip_blanks(ps, pos + 4), q = inner;
	int r;

	if (inner >= ps->len || ps->s[inner] != '[')
		return perr(ps, inner, "%s() takes [BODY] or a path under it",
			    fn);
	r = parse_placeholder(ps, inner, o, &q);
	if (r < 0)
		return r;
	if (o->ph != PH_BODY)
		return perr(ps, inner,
			    "%s() takes [BODY] or a path under it, not [%s]",
			    fn, ph_names[o->ph]);
	r = placeholder_end(ps, o, q, ')', 0);
	if (r < 0)
		return r;
	q = skip_blanks(ps, q);
	if (q >= ps->len)
		return perr(ps, pos, "%s( without ')'", fn);
	if (ps->s[q] != ')')
		return perr(ps, q, "expected ')' to close %s(", fn);
	o->kind = kind;
	*ret_end = q + 1;
	return 0;
}

static int add_item(struct parser *ps, struct operand *o, char *item)
{
	char **items;

	if (!item)
		return oom(ps);
	items = realloc(o->items, (o->n_items + 1) * sizeof(*items));
	if (!items) {
		free(item);
		return oom(ps);
	}
	o->items = items;
	o->items[o->n_items++] = item;
	return 0;
}

/*
 * One value inside pat(...) or any(...) between from and to: quoted, or
 * the text trimmed. *ret_end is where the value ends (for any: the ',').
 */
static int parse_item(struct parser *ps, struct operand *o, size_t from,
		      size_t to, int list, size_t *ret_end)
{
	size_t q = skip_blanks(ps, from), e;
	char *item = NULL;
	int r;

	if (q < to && ps->s[q] == '"') {
		r = parse_quoted(ps, q, &item, &e);
		if (r < 0)
			return r;
		if (e > to) {
			free(item);
			return perr(ps, q,
				    "unterminated quoted value (no closing "
				    "'\"')");
		}
		e = skip_blanks(ps, e);
		if (e < to && !(list && ps->s[e] == ',')) {
			free(item);
			return perr(ps, e, "expected %s after the quoted value",
				    list ? "',' or ')'" : "')'");
		}
		*ret_end = e;
		return add_item(ps, o, item);
	}
	for (e = q; e < to && !(list && ps->s[e] == ','); e++)
		;
	*ret_end = e;
	while (e > q && is_blank(ps->s[e - 1]))
		e--;
	if (list && e == q)
		return perr(ps, q,
			    "empty value in any(); quote it (\"\") to compare "
			    "with empty text");
	return add_item(ps, o, dup_range(ps->s + q, e - q));
}

/* pat(...) or any(...) at pos: the whole rest of the text. */
static int parse_list_fn(struct parser *ps, size_t pos, enum kind kind,
			 struct operand *o, size_t *ret_end)
{
	const char *fn = kind == K_PAT ? "pat" : "any";
	size_t from = pos + 4, to, q;
	int r;

	if (ps->rend <= from || ps->s[ps->rend - 1] != ')') {
		const char *close = NULL;

		/* The value runs to the last ')', which must end the text. */
		for (q = from; q < ps->rend; q++)
			if (ps->s[q] == ')')
				close = ps->s + q;
		if (!close)
			return perr(ps, pos, "%s( without ')'", fn);
		return perr(ps, (size_t)(close - ps->s) + 1,
			    "unexpected text after %s(...)", fn);
	}
	to = ps->rend - 1;
	o->kind = kind;
	if (kind == K_PAT) {
		r = parse_item(ps, o, from, to, 0, &q);
		if (r < 0)
			return r;
		q = strlen(o->items[0]);
		o->fail = malloc((q ? q : 1) * sizeof(*o->fail));
		if (!o->fail)
			return oom(ps);
		glob_prepare(o->items[0], q, o->fail);
	} else {
		if (skip_blanks(ps, from) == to)
			return perr(ps, from, "any() needs at least one value");
		for (q = from;; q++) {
			if (o->n_items == DA_MAX_COND_ANY)
				return perr(ps, q,
					    "more than %d values in any()",
					    DA_MAX_COND_ANY);
			r = parse_item(ps, o, q, to, 1, &q);
			if (r < 0)
				return r;
			if (q >= to)
				break;
		}
	}
	*ret_end = ps->rend;
	return 0;
}

/*
 * One side of a condition at pos. The left side ends before the first
 * operator that stands between blanks; the right side runs to the end.
 */
static int parse_operand(struct parser *ps, size_t pos, int right,
			 struct operand *o, size_t *ret_end)
{
	size_t end = pos, e;
	int r;

	if (starts(ps, pos, "len(")) {
		r = parse_body_fn(ps, pos, K_LEN, o, &end);
	} else if (starts(ps, pos, "has(")) {
		r = parse_body_fn(ps, pos, K_HAS, o, &end);
	} else if (starts(ps, pos, "pat(") || starts(ps, pos, "any(")) {
		if (!right)
			return perr(ps, pos,
				    "%.3s() can only be on the right of == or "
				    "!=",
				    ps->s + pos);
		r = parse_list_fn(ps, pos, ps->s[pos] == 'p' ? K_PAT : K_ANY, o,
				  &end);
	} else if (ps->s[pos] == '[') {
		r = parse_placeholder(ps, pos, o, &end);
		if (r == 0)
			r = placeholder_end(ps, o, end, 0, right);
	} else if (ps->s[pos] == '"') {
		char *item = NULL;

		o->kind = K_LITERAL;
		r = parse_quoted(ps, pos, &item, &end);
		if (r == 0)
			r = add_item(ps, o, item);
	} else {
		o->kind = K_LITERAL;
		if (right) {
			end = ps->rend;
			e = find_op(ps, pos, end);
			if (e < end)
				return perr(ps, e,
					    "a second operator; quote the "
					    "value (\"...\") to compare text "
					    "that contains one");
		} else {
			end = find_op(ps, pos, ps->len);
			while (end > pos && is_blank(ps->s[end - 1]))
				end--;
		}
		r = add_item(ps, o, dup_range(ps->s + pos, end - pos));
	}
	if (r < 0)
		return r;
	o->src = dup_range(ps->s + pos, end - pos);
	if (!o->src)
		return oom(ps);
	*ret_end = end;
	return 0;
}

static void operand_release(struct operand *o)
{
	size_t i;

	free(o->src);
	free(o->path);
	free(o->header);
	for (i = 0; i < o->n_steps; i++)
		free(o->steps[i].key);
	free(o->steps);
	for (i = 0; i < o->n_items; i++)
		free(o->items[i]);
	free(o->items);
	free(o->fail);
	memset(o, 0, sizeof(*o));
}

/* Common checks of a text before it is parsed; sets up ps. */
static int parser_init(struct parser *ps, const char *text, const char *what,
		       struct da_err *err)
{
	size_t i;

	ps->s = text ? text : "";
	ps->what = what;
	ps->err = err;
	ps->len = strlen(ps->s);
	if (ps->len > DA_MAX_COND_TEXT) {
		struct da_buf b = DA_BUF_INIT(1024);
		int r = add_short(&b, ps->s, ps->len);

		da_err_set(err, DA_ELIMIT,
			   "cannot parse %s '%s': %zu bytes, over the "
			   "%d-byte limit",
			   what, r == 0 ? da_buf_str(&b) : "", ps->len,
			   DA_MAX_COND_TEXT);
		da_buf_release(&b);
		return -DA_ELIMIT;
	}
	for (i = 0; i < ps->len; i++) {
		unsigned char c = (unsigned char)ps->s[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return perr(ps, i,
				    "control character; write \\n, \\r or "
				    "\\t inside a quoted value");
	}
	ps->rend = ps->len;
	while (ps->rend > 0 && is_blank(ps->s[ps->rend - 1]))
		ps->rend--;
	return 0;
}

static int literal_is_number(const char *s);

static int is_literal(const struct operand *o)
{
	return o->kind == K_LITERAL || o->kind == K_PAT || o->kind == K_ANY;
}

static int parse_cond(struct parser *ps, struct da_cond *c)
{
	size_t p, q, lpos, rpos, n;
	int r;

	p = skip_blanks(ps, 0);
	if (p == ps->len)
		return perr(ps, p, "empty condition");
	if (op_standing(ps, p, NULL))
		return perr(ps, p, "empty left side");
	lpos = p;
	r = parse_operand(ps, p, 0, &c->left, &p);
	if (r < 0)
		return r;
	q = skip_blanks(ps, p);
	if (q == ps->len) {
		if (c->left.kind == K_HAS) {
			c->cmp = CMP_HAS;
			return 0;
		}
		return perr(ps, q,
			    "expected an operator (==, !=, <, <=, >, >=) "
			    "between spaces");
	}
	n = op_at(ps, q, &c->cmp);
	if (q == p || !n || (q + n < ps->len && !is_blank(ps->s[q + n])))
		return perr(ps, q,
			    "expected an operator (==, !=, <, <=, >, >=) "
			    "between spaces");
	rpos = skip_blanks(ps, q + n);
	if (rpos == ps->len)
		return perr(ps, rpos, "empty right side");
	r = parse_operand(ps, rpos, 1, &c->right, &p);
	if (r < 0)
		return r;
	p = skip_blanks(ps, p);
	if (p < ps->len) {
		if (op_standing(ps, p, NULL))
			return perr(ps, p,
				    "a second operator; a condition compares "
				    "two sides");
		return perr(ps, p,
			    "unexpected text after the right side; quote a "
			    "value that contains spaces");
	}
	if (c->cmp != CMP_EQ && c->cmp != CMP_NE) {
		if (c->right.kind == K_PAT || c->right.kind == K_ANY)
			return perr(
			    ps, rpos,
			    "%.3s() works only with == and !=", ps->s + rpos);
		if (c->left.kind == K_HAS || c->right.kind == K_HAS)
			return perr(ps, c->left.kind == K_HAS ? lpos : rpos,
				    "has() is true or false and works only "
				    "with == and !=");
		/* A written value that can never be a number is a spec
		 * error now, not a check that fails for the whole wait. */
		if (c->left.kind == K_LITERAL &&
		    !literal_is_number(c->left.items[0]))
			return perr(ps, lpos,
				    "'%.40s' is not a number or a duration; "
				    "<, <=, > and >= compare numbers",
				    c->left.items[0]);
		if (c->right.kind == K_LITERAL &&
		    !literal_is_number(c->right.items[0]))
			return perr(ps, rpos,
				    "'%.40s' is not a number or a duration; "
				    "<, <=, > and >= compare numbers",
				    c->right.items[0]);
	}
	if (is_literal(&c->left) && is_literal(&c->right))
		return perr(ps, lpos,
			    "neither side is a placeholder such as [STATUS] "
			    "or [BODY]");
	return 0;
}

int da_cond_parse(const char *text, struct da_cond **ret_cond,
		  struct da_err *err)
{
	struct parser ps;
	struct da_cond *c;
	int r;

	r = parser_init(&ps, text, "condition", err);
	if (r < 0)
		return r;
	c = calloc(1, sizeof(*c));
	if (!c)
		return oom(&ps);
	c->text = dup_range(ps.s, ps.len);
	if (!c->text) {
		r = oom(&ps);
		goto out;
	}
	r = parse_cond(&ps, c);
out:
	if (r < 0) {
		da_cond_free(c);
		return r;
	}
	*ret_cond = c;
	return 0;
}

void da_cond_free(struct da_cond *cond)
{
	if (!cond)
		return;
	operand_release(&cond->left);
	operand_release(&cond->right);
	free(cond->text);
	free(cond);
}

const char *da_cond_text(const struct da_cond *cond)
{
	return cond ? cond->text : "";
}

/* ---- evaluation ---- */

/* A side resolved against a response. */
struct value {
	int missing;   /* did not resolve; why says so */
	const char *p; /* the value as text */
	size_t n;
	int json_number;   /* the text is a JSON number from the body */
	struct da_buf own; /* storage of rendered text */
	struct da_buf why; /* one line, when missing */
};

static void value_init(struct value *v)
{
	memset(v, 0, sizeof(*v));
	da_buf_init(&v->own, VALUE_MAX);
	da_buf_init(&v->why, REASON_MAX);
	v->p = "";
}

static void value_release(struct value *v)
{
	da_buf_release(&v->own);
	da_buf_release(&v->why);
}

/*
 * Marks v missing: "<path text>: <why>". Only out-of-memory is an error;
 * a why cut by the ceiling is still a why.
 */
static int missing(struct value *v, const char *path, size_t path_len,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int missing(struct value *v, const char *path, size_t path_len,
		   const char *fmt, ...)
{
	va_list ap;
	int r;

	v->missing = 1;
	da_buf_reset(&v->why);
	r = add_short(&v->why, path, path_len);
	if (r == 0)
		r = da_buf_adds(&v->why, ": ");
	if (r == 0) {
		va_start(ap, fmt);
		r = da_buf_vaddf(&v->why, fmt, ap);
		va_end(ap);
	}
	return r == -DA_ENOMEM ? r : 0;
}

static int set_text(struct value *v, const char *p, size_t n)
{
	v->p = p;
	v->n = n;
	return 0;
}

static int set_own(struct value *v)
{
	v->p = da_buf_str(&v->own);
	v->n = v->own.len;
	return 0;
}

static int set_int(struct value *v, int64_t i)
{
	int r;

	da_buf_reset(&v->own);
	r = da_buf_addf(&v->own, "%" PRId64, i);
	if (r < 0)
		return r;
	return set_own(v);
}

/* The body parsed as JSON, or NULL; cached in ctx. -DA_ENOMEM only. */
static int body_json(struct da_cond_ctx *ctx, json_t **ret)
{
	struct da_err err = DA_ERR_INIT;
	json_t *j = NULL;
	int r;

	if (!ctx->body_json_tried) {
		r = da_json_load_mem("response body",
				     ctx->body ? ctx->body : "",
				     ctx->body ? ctx->body_len : 0,
				     ctx->body_len + 1, 0, &j, &err);
		if (r == -DA_ENOMEM)
			return r;
		ctx->body_json = r == 0 ? j : NULL;
		ctx->body_json_tried = 1;
	}
	*ret = ctx->body_json;
	return 0;
}

/* "an" before a type name that starts with a vowel, else "a". */
static const char *article(const char *name)
{
	return strchr("aeiou", name[0]) ? "an" : "a";
}

/*
 * Follows o's path in the body's JSON. Returns 0 with *ret set, or 0 with
 * *ret NULL and v marked missing; negative for out-of-memory.
 */
static int walk(const struct operand *o, struct da_cond_ctx *ctx,
		struct value *v, json_t **ret)
{
	json_t *cur;
	size_t i;
	int r;

	*ret = NULL;
	r = body_json(ctx, &cur);
	if (r < 0)
		return r;
	if (!cur)
		return missing(v, o->path, strlen(o->path), "body is not JSON");
	for (i = 0; i < o->n_steps; i++) {
		const struct step *s = &o->steps[i];
		size_t before = i ? o->steps[i - 1].end : o->base;
		json_t *next;

		if (s->key) {
			if (!json_is_object(cur))
				return missing(v, o->path, before,
					       "%s %s, not an object",
					       article(da_json_type_name(cur)),
					       da_json_type_name(cur));
			next = json_object_get(cur, s->key);
			if (!next)
				return missing(v, o->path, s->end,
					       "no such key");
		} else {
			if (!json_is_array(cur))
				return missing(v, o->path, before,
					       "%s %s, not an array",
					       article(da_json_type_name(cur)),
					       da_json_type_name(cur));
			next = json_array_get(cur, s->index);
			if (!next)
				return missing(v, o->path, s->end,
					       "out of range (%zu item%s)",
					       json_array_size(cur),
					       json_array_size(cur) == 1 ? ""
									 : "s");
		}
		cur = next;
	}
	*ret = cur;
	return 0;
}

/* Writes a JSON value as the text conditions compare. */
static int render_json(const struct operand *o, const json_t *j,
		       struct value *v)
{
	struct da_err err = DA_ERR_INIT;
	int r;

	da_buf_reset(&v->own);
	switch (json_typeof(j)) {
	case JSON_STRING:
		return set_text(v, json_string_value(j), json_string_length(j));
	case JSON_INTEGER:
		v->json_number = 1;
		return set_int(v, (int64_t)json_integer_value(j));
	case JSON_TRUE:
		return set_text(v, "true", 4);
	case JSON_FALSE:
		return set_text(v, "false", 5);
	case JSON_NULL:
		return set_text(v, "null", 4);
	case JSON_REAL:
		v->json_number = 1;
		r = da_json_dump(j, 0, &v->own, &err);
		break;
	default:
		r = da_json_dump(j, DA_JSON_SORT_KEYS, &v->own, &err);
		break;
	}
	if (r == -DA_ELIMIT)
		return missing(v, o->path, strlen(o->path),
			       "value too large to compare");
	if (r < 0)
		return r == -DA_ENOMEM ? r
				       : missing(v, o->path, strlen(o->path),
						 "cannot render value");
	return set_own(v);
}

static int resolve_placeholder(const struct operand *o, struct da_cond_ctx *ctx,
			       struct value *v)
{
	const char *h;
	json_t *j;
	int r;

	if (o->ph == PH_CONNECTED)
		return ctx->connected ? set_text(v, "true", 4)
				      : set_text(v, "false", 5);
	if (o->ph == PH_CERT) {
		if (ctx->cert_expires_ms < 0)
			return missing(v, o->path, strlen(o->path),
				       "no certificate (plain HTTP or none "
				       "seen)");
		return set_int(v, ctx->cert_expires_ms);
	}
	if (o->ph == PH_IP) {
		if (!ctx->ip || !*ctx->ip)
			return missing(v, o->path, strlen(o->path),
				       "no peer address");
		return set_text(v, ctx->ip, strlen(ctx->ip));
	}
	if (!ctx->connected)
		return missing(v, o->path, strlen(o->path), "no response");
	switch (o->ph) {
	case PH_STATUS:
		return set_int(v, ctx->status);
	case PH_RESPONSE_TIME:
		return set_int(v, ctx->response_time_ms);
	case PH_HEADER:
		h = ctx->header ? ctx->header(ctx->header_ctx, o->header)
				: NULL;
		if (!h)
			return missing(v, o->path, strlen(o->path),
				       "no such header");
		return set_text(v, h, strlen(h));
	default:
		break;
	}
	if (o->n_steps == 0)
		return set_text(v, ctx->body ? ctx->body : "",
				ctx->body ? ctx->body_len : 0);
	r = walk(o, ctx, v, &j);
	if (r < 0 || !j)
		return r;
	return render_json(o, j, v);
}

static int resolve_len(const struct operand *o, struct da_cond_ctx *ctx,
		       struct value *v)
{
	json_t *j;
	int r;

	if (!ctx->connected)
		return missing(v, o->path, strlen(o->path), "no response");
	if (o->n_steps == 0) {
		r = body_json(ctx, &j);
		if (r < 0)
			return r;
		if (!j || !(json_is_array(j) || json_is_object(j) ||
			    json_is_string(j)))
			return set_int(
			    v, (int64_t)(ctx->body ? ctx->body_len : 0));
	} else {
		r = walk(o, ctx, v, &j);
		if (r < 0 || !j)
			return r;
	}
	if (json_is_array(j))
		return set_int(v, (int64_t)json_array_size(j));
	if (json_is_object(j))
		return set_int(v, (int64_t)json_object_size(j));
	if (json_is_string(j))
		return set_int(v, (int64_t)u8count(json_string_value(j),
						   json_string_length(j)));
	return missing(v, o->path, strlen(o->path), "%s %s has no length",
		       article(da_json_type_name(j)), da_json_type_name(j));
}

/* has(): never missing; a false one keeps in why the reason. */
static int resolve_has(const struct operand *o, struct da_cond_ctx *ctx,
		       struct value *v)
{
	json_t *j;
	int r;

	if (!ctx->connected)
		r = missing(v, o->path, strlen(o->path), "no response");
	else
		r = walk(o, ctx, v, &j);
	if (r < 0)
		return r;
	if (v->missing) {
		v->missing = 0;
		return set_text(v, "false", 5);
	}
	return set_text(v, "true", 4);
}

static int resolve(const struct operand *o, struct da_cond_ctx *ctx,
		   struct value *v)
{
	switch (o->kind) {
	case K_PLACEHOLDER:
		return resolve_placeholder(o, ctx, v);
	case K_LEN:
		return resolve_len(o, ctx, v);
	case K_HAS:
		return resolve_has(o, ctx, v);
	default:
		/* A literal always has its one item; an empty one is "". */
		return o->n_items
			   ? set_text(v, o->items[0], strlen(o->items[0]))
			   : set_text(v, "", 0);
	}
}

/* ---- numbers ---- */

struct num {
	int is_int;
	int64_t i;
	double d;
};

static void trim(const char **p, size_t *n)
{
	while (*n && is_space((*p)[0])) {
		(*p)++;
		(*n)--;
	}
	while (*n && is_space((*p)[*n - 1]))
		(*n)--;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* An int64 written in decimal or 0x hex, with an optional sign. */
static int parse_int(const char *p, size_t n, int64_t *ret)
{
	uint64_t v = 0, limit = (uint64_t)INT64_MAX;
	unsigned base = 10;
	int neg = 0, d;
	size_t i = 0, start;

	trim(&p, &n);
	if (i < n && (p[i] == '-' || p[i] == '+')) {
		neg = p[i] == '-';
		i++;
	}
	if (neg)
		limit++;
	if (n - i > 2 && p[i] == '0' && (p[i + 1] == 'x' || p[i + 1] == 'X')) {
		base = 16;
		i += 2;
	}
	start = i;
	for (; i < n; i++) {
		d = hex_digit(p[i]);
		if (d < 0 || (unsigned)d >= base)
			return 0;
		if (v > (limit - (uint64_t)d) / base)
			return 0;
		v = v * base + (uint64_t)d;
	}
	if (i == start)
		return 0;
	if (neg)
		*ret = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	else
		*ret = (int64_t)v;
	return 1;
}

/* A decimal number: [sign] digits [. digits] [e [sign] digits], finite. */
static int parse_dec(const char *p, size_t n, double *ret)
{
	char buf[NUMBER_MAX + 1];
	size_t i = 0, digits = 0;
	char *end;
	double d;

	trim(&p, &n);
	if (n == 0 || n > NUMBER_MAX)
		return 0;
	if (p[i] == '-' || p[i] == '+')
		i++;
	for (; i < n && p[i] >= '0' && p[i] <= '9'; i++)
		digits++;
	if (i < n && p[i] == '.')
		for (i++; i < n && p[i] >= '0' && p[i] <= '9'; i++)
			digits++;
	if (!digits)
		return 0;
	if (i < n && (p[i] == 'e' || p[i] == 'E')) {
		size_t e;

		i++;
		if (i < n && (p[i] == '-' || p[i] == '+'))
			i++;
		for (e = i; i < n && p[i] >= '0' && p[i] <= '9'; i++)
			;
		if (i == e)
			return 0;
	}
	if (i != n)
		return 0;
	memcpy(buf, p, n);
	buf[n] = '\0';
	d = strtod(buf, &end);
	if (*end || !isfinite(d))
		return 0;
	*ret = d;
	return 1;
}

/* A number for <, <=, >, >=: integer, decimal, or duration in ms. */
static int parse_num(const char *p, size_t n, struct num *ret)
{
	char buf[DA_TIME_MAX_TEXT + 1];
	int64_t ms;

	memset(ret, 0, sizeof(*ret));
	if (parse_int(p, n, &ret->i)) {
		ret->is_int = 1;
		return 1;
	}
	if (parse_dec(p, n, &ret->d))
		return 1;
	trim(&p, &n);
	if (n == 0 || n > DA_TIME_MAX_TEXT || memchr(p, '\0', n))
		return 0;
	memcpy(buf, p, n);
	buf[n] = '\0';
	if (da_time_parse_duration(buf, &ms, NULL) < 0)
		return 0;
	ret->is_int = 1;
	ret->i = ms;
	return 1;
}

static int literal_is_number(const char *s)
{
	struct num n;

	return parse_num(s, strlen(s), &n);
}

/* -1, 0 or 1 as a is less than, equal to or greater than b. */
static int num_cmp(const struct num *a, const struct num *b)
{
	double x, y;

	if (a->is_int && b->is_int)
		return a->i < b->i ? -1 : a->i > b->i;
	x = a->is_int ? (double)a->i : a->d;
	y = b->is_int ? (double)b->i : b->d;
	return x < y ? -1 : x > y;
}

/*
 * == between two texts: integers numerically; decimals numerically when
 * one of them is a JSON number (so 1.50 == 1.5, yet versions "1.10" and
 * "1.1" differ); else byte for byte.
 */
static int text_eq(const struct value *a, const char *b, size_t bn,
		   int b_json_number)
{
	int64_t x, y;
	double dx, dy;

	if (parse_int(a->p, a->n, &x) && parse_int(b, bn, &y))
		return x == y;
	if ((a->json_number || b_json_number) && parse_dec(a->p, a->n, &dx) &&
	    parse_dec(b, bn, &dy))
		return dx == dy;
	return a->n == bn && memcmp(a->p, b, bn) == 0;
}

/* ---- glob ---- */

/*
 * Matches pattern segment pat[0..m) (no '*') at t[0..n): '?' takes one
 * character, other bytes match themselves. *used is the bytes taken.
 */
static int seg_at(const char *pat, size_t m, const char *t, size_t n,
		  size_t *used)
{
	size_t i, j = 0;

	for (i = 0; i < m; i++) {
		if (j >= n)
			return 0;
		if (pat[i] == '?') {
			j += u8len(t + j, n - j);
		} else {
			if (pat[i] != t[j])
				return 0;
			j++;
		}
	}
	*used = j;
	return 1;
}

/*
 * KMP failure links of each '*'-free run of pat (m bytes) into fail[0..m),
 * so that runs without '?' are found in time linear in the text.
 */
static void glob_prepare(const char *pat, size_t m, size_t *fail)
{
	size_t s = 0, e, i, q;

	while (s <= m) {
		for (e = s; e < m && pat[e] != '*'; e++)
			;
		if (e > s)
			fail[s] = 0;
		for (i = s + 1, q = 0; i < e; i++) {
			while (q > 0 && pat[s + q] != pat[i])
				q = fail[s + q - 1];
			if (pat[s + q] == pat[i])
				q++;
			fail[i] = q;
		}
		s = e + 1;
	}
}

/*
 * The leftmost place at or after j where run seg (sl > 0 bytes, failure
 * links f) matches t: 1 with *ret_k and *used set, or 0.
 */
static int seg_find(const char *seg, size_t sl, const size_t *f, const char *t,
		    size_t n, size_t j, size_t *ret_k, size_t *used)
{
	size_t i, k, q = 0;

	if (!memchr(seg, '?', sl)) {
		for (i = j; i < n; i++) {
			while (q > 0 && seg[q] != t[i])
				q = f[q - 1];
			if (seg[q] == t[i])
				q++;
			if (q == sl) {
				*ret_k = i + 1 - sl;
				*used = sl;
				return 1;
			}
		}
		return 0;
	}
	for (k = j; k < n; k += u8len(t + k, n - k)) {
		if (seg_at(seg, sl, t + k, n - k, used)) {
			*ret_k = k;
			return 1;
		}
	}
	return 0;
}

/*
 * Whole-text glob: '*' any run, '?' one character. Runs between stars
 * are matched leftmost-first, which is exact for these two wildcards.
 * Runs of plain bytes take time linear in the text; a run with '?' at
 * most the text length times its own.
 */
static int glob_match(const char *pat, const size_t *fail, const char *t,
		      size_t n)
{
	size_t m = strlen(pat), seg_end, used, j, k;
	const char *star = memchr(pat, '*', m);

	if (!star)
		return seg_at(pat, m, t, n, &used) && used == n;
	seg_end = (size_t)(star - pat);
	if (!seg_at(pat, seg_end, t, n, &used))
		return 0;
	j = used;
	pat += seg_end + 1;
	fail += seg_end + 1;
	m -= seg_end + 1;
	/* Middle runs: each followed by another '*'. */
	while ((star = memchr(pat, '*', m)) != NULL) {
		seg_end = (size_t)(star - pat);
		if (seg_end) {
			if (!seg_find(pat, seg_end, fail, t, n, j, &k, &used))
				return 0;
			j = k + used;
		}
		pat += seg_end + 1;
		fail += seg_end + 1;
		m -= seg_end + 1;
	}
	/* The last run must end the text. */
	if (!memchr(pat, '?', m))
		return n - j >= m && memcmp(t + n - m, pat, m) == 0;
	for (k = j; k < n; k += u8len(t + k, n - k))
		if (seg_at(pat, m, t + k, n - k, &used) && k + used == n)
			return 1;
	return 0;
}

/* ---- evaluating one condition ---- */

static int add_side(struct da_buf *b, const struct operand *o,
		    const struct value *v)
{
	int r = add_short(b, o->src, strlen(o->src));

	if (r == 0 && !is_literal(o) && !v->missing) {
		r = da_buf_adds(b, " (");
		if (r == 0)
			r = add_short(b, v->p, v->n);
		if (r == 0)
			r = da_buf_adds(b, ")");
	}
	return r;
}

/*
 * Replaces dst's contents with src's. Only out-of-memory is an error: a
 * text over dst's ceiling leaves dst empty.
 */
static int put(struct da_buf *dst, const struct da_buf *src)
{
	int r;

	if (!dst)
		return 0;
	da_buf_reset(dst);
	r = da_buf_add(dst, src->data ? src->data : "", src->len);
	return r == -DA_ENOMEM ? r : 0;
}

static int compare(const struct da_cond *c, struct value *l, struct value *r,
		   struct da_buf *why)
{
	const struct operand *ro = &c->right;
	struct num a, b;
	size_t i;
	int res = 0, e;

	if (c->cmp == CMP_EQ || c->cmp == CMP_NE) {
		if (ro->kind == K_PAT) {
			res = glob_match(ro->items[0], ro->fail, l->p, l->n);
		} else if (ro->kind == K_ANY) {
			for (i = 0; i < ro->n_items && !res; i++)
				res = text_eq(l, ro->items[i],
					      strlen(ro->items[i]), 0);
		} else {
			res = text_eq(l, r->p, r->n, r->json_number);
		}
		if (c->cmp == CMP_NE)
			res = !res;
	} else {
		int la = parse_num(l->p, l->n, &a),
		    rb = parse_num(r->p, r->n, &b);

		if (!la || !rb) {
			const struct value *bad = la ? r : l;

			e = add_side(why, &c->left, l);
			if (e == 0)
				e = da_buf_addf(why, " %s ", cmp_text[c->cmp]);
			if (e == 0)
				e = add_side(why, ro, r);
			if (e == 0)
				e = da_buf_adds(why, ": '");
			if (e == 0)
				e = add_short(why, bad->p, bad->n);
			if (e == 0)
				e = da_buf_adds(why, "' is not a number or a "
						     "duration");
			return e == -DA_ENOMEM ? e : 0;
		}
		e = num_cmp(&a, &b);
		switch (c->cmp) {
		case CMP_LT:
			res = e < 0;
			break;
		case CMP_LE:
			res = e <= 0;
			break;
		case CMP_GT:
			res = e > 0;
			break;
		default:
			res = e >= 0;
			break;
		}
	}
	if (!res) {
		e = add_side(why, &c->left, l);
		if (e == 0)
			e = da_buf_addf(why, " %s ", cmp_text[c->cmp]);
		if (e == 0)
			e = add_side(why, ro, r);
		if (e == -DA_ENOMEM)
			return e;
	}
	return res;
}

int da_cond_eval(const struct da_cond *cond, struct da_cond_ctx *ctx,
		 struct da_buf *actual, struct da_buf *reason)
{
	struct da_buf why = DA_BUF_INIT(REASON_MAX);
	struct da_buf act = DA_BUF_INIT(REASON_MAX);
	struct value l, r;
	const struct value *shown;
	int ret;

	value_init(&l);
	value_init(&r);
	ret = resolve(&cond->left, ctx, &l);
	if (ret == 0 && cond->cmp != CMP_HAS && cond->right.kind != K_PAT &&
	    cond->right.kind != K_ANY)
		ret = resolve(&cond->right, ctx, &r);
	if (ret < 0)
		goto out;

	/* The side a report wants to see is the placeholder's. */
	shown = is_literal(&cond->left) ? &r : &l;
	ret = shown->missing ? da_buf_adds(&act, "(missing)")
			     : add_short(&act, shown->p, shown->n);
	if (ret == -DA_ENOMEM)
		goto out;

	if (l.missing || r.missing) {
		ret = put(&why, l.missing ? &l.why : &r.why);
	} else if (cond->cmp == CMP_HAS) {
		ret = l.why.len == 0;
		if (!ret && put(&why, &l.why) < 0)
			ret = -DA_ENOMEM;
	} else {
		ret = compare(cond, &l, &r, &why);
	}
	if (ret < 0)
		goto out;
	if (put(actual, &act) < 0) {
		ret = -DA_ENOMEM;
		goto out;
	}
	if (reason && ret)
		da_buf_reset(reason);
	else if (put(reason, &why) < 0)
		ret = -DA_ENOMEM;
out:
	da_buf_release(&why);
	da_buf_release(&act);
	value_release(&l);
	value_release(&r);
	return ret;
}

void da_cond_ctx_release(struct da_cond_ctx *ctx)
{
	if (!ctx)
		return;
	json_decref(ctx->body_json);
	ctx->body_json = NULL;
	ctx->body_json_tried = 0;
}

int da_cond_resolve(const char *placeholder, struct da_cond_ctx *ctx,
		    struct da_buf *out, struct da_err *err)
{
	struct parser ps;
	struct operand o;
	struct value v;
	size_t p, end = 0;
	int r;

	memset(&o, 0, sizeof(o));
	value_init(&v);
	r = parser_init(&ps, placeholder, "placeholder", err);
	if (r < 0)
		goto out;
	p = skip_blanks(&ps, 0);
	if (p == ps.len || !(ps.s[p] == '[' || starts(&ps, p, "len(") ||
			     starts(&ps, p, "has("))) {
		r = perr(&ps, p,
			 "expected a placeholder such as [BODY].token or "
			 "[HEADER].etag");
		goto out;
	}
	r = parse_operand(&ps, p, 0, &o, &end);
	if (r < 0)
		goto out;
	end = skip_blanks(&ps, end);
	if (end < ps.len) {
		r = perr(&ps, end, "unexpected text after the placeholder");
		goto out;
	}
	r = resolve(&o, ctx, &v);
	if (r < 0) {
		da_err_set(err, -r, "cannot resolve '%s': out of memory",
			   o.src);
		goto out;
	}
	if (v.missing) {
		r = 0;
		goto out;
	}
	r = da_buf_add(out, v.p, v.n);
	if (r == -DA_ENOMEM) {
		da_err_set(err, DA_ENOMEM, "cannot capture '%s': out of memory",
			   o.src);
		goto out;
	}
	if (r < 0) {
		da_err_set(err, -r,
			   "cannot capture '%s': the value is over the "
			   "%zu-byte limit",
			   o.src, out->max ? out->max : DA_BUF_DEFAULT_MAX);
		goto out;
	}
	r = 1;
out:
	value_release(&v);
	operand_release(&o);
	return r;
}
