#include "glob.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * A pattern is compiled to a list of tokens, read as a small automaton:
 * state i means "tokens before i have matched". The matcher keeps the set
 * of live states as a bitset and feeds the text one byte at a time, so
 * its work is bounded by tokens x bytes and no input can make it
 * backtrack. "**" + "/" becomes DIRS_ENTRY + DIRS_LOOP, which together
 * accept the empty string or any text ending in '/'.
 */
enum tok_kind {
	T_LIT,	      /* one byte equal to c */
	T_ANY,	      /* '?': one byte other than '/' */
	T_CLASS,      /* one byte in classes[cls] ('/' never is) */
	T_STAR,	      /* '*': any run of bytes other than '/' */
	T_STARALL,    /* trailing or lone "**": any run of bytes */
	T_DIRS_ENTRY, /* leads into DIRS_LOOP or skips it */
	T_DIRS_LOOP,  /* any bytes, left only just after a '/' */
};

struct tok {
	unsigned char kind;
	unsigned char c;
	unsigned short cls;
};

struct pat {
	char *text; /* as added, for da_glob_set_pattern() */
	struct tok *toks;
	size_t ntok;
	uint8_t (*classes)[32]; /* 256-bit sets */
	size_t ncls;
	unsigned negated : 1, anchored : 1, dir_only : 1;
};

struct da_glob_set {
	struct pat *pats;
	size_t n, cap;
};

/* Tokens never outnumber pattern bytes; one more state accepts. */
#define MAX_STATES (DA_MAX_GLOB_PATTERN + 1)
#define STATE_WORDS ((MAX_STATES + 63) / 64)

/* How much of a pattern error messages quote. */
#define QUOTE_MAX 128

static void pat_release(struct pat *pt)
{
	free(pt->text);
	free(pt->toks);
	free(pt->classes);
	memset(pt, 0, sizeof(*pt));
}

static int bad_pattern(struct da_err *err, const char *where,
		       const char *pattern, size_t off, const char *why)
{
	size_t n = strlen(pattern);

	return da_err_set(err, DA_EINVAL,
			  "cannot use pattern%s '%.*s%s': %s at offset %zu",
			  where, (int)(n > QUOTE_MAX ? QUOTE_MAX : n), pattern,
			  n > QUOTE_MAX ? "..." : "", why, off);
}

static void cls_set(uint8_t *cls, unsigned c)
{
	cls[c >> 3] |= (uint8_t)(1u << (c & 7));
}

static int cls_has(const uint8_t *cls, unsigned char c)
{
	return cls[c >> 3] >> (c & 7) & 1;
}

/* ASCII only, so that matching never depends on the locale. */
static int in_posix_class(const char *name, size_t len, unsigned c)
{
	int upper = c >= 'A' && c <= 'Z', lower = c >= 'a' && c <= 'z';
	int digit = c >= '0' && c <= '9', alpha = upper || lower;
	int graph = c > 32 && c < 127;

#define IS(s) (len == sizeof(s) - 1 && memcmp(name, s, len) == 0)
	if (IS("alnum"))
		return alpha || digit;
	if (IS("alpha"))
		return alpha;
	if (IS("blank"))
		return c == ' ' || c == '\t';
	if (IS("cntrl"))
		return c < 32 || c == 127;
	if (IS("digit"))
		return digit;
	if (IS("graph"))
		return graph;
	if (IS("lower"))
		return lower;
	if (IS("print"))
		return graph || c == ' ';
	if (IS("punct"))
		return graph && !alpha && !digit;
	if (IS("space"))
		return c == ' ' || (c >= '\t' && c <= '\r');
	if (IS("upper"))
		return upper;
	if (IS("xdigit"))
		return digit || (c >= 'a' && c <= 'f') ||
		       (c >= 'A' && c <= 'F');
#undef IS
	return -1;
}

/*
 * Parses the class starting at p[*i] == '[' the way git's wildmatch does
 * and fills cls. On success *i is just past the closing ']'.
 */
static int parse_class(const char *p, size_t len, size_t *i, uint8_t *cls,
		       const char **ret_why)
{
	size_t k = *i + 1;
	int neg = 0, prev = -1, first = 1;
	unsigned c;

	memset(cls, 0, 32);
	if (k < len && (p[k] == '!' || p[k] == '^')) {
		neg = 1;
		k++;
	}
	for (;; k++) {
		if (k >= len) {
			*ret_why = "unterminated '['";
			return -1;
		}
		c = (unsigned char)p[k];
		if (c == ']' && !first)
			break;
		first = 0;
		if (c == '\\') {
			if (++k >= len) {
				*ret_why = "unterminated '['";
				return -1;
			}
			c = (unsigned char)p[k];
			cls_set(cls, c);
			prev = (int)c;
		} else if (c == '-' && prev >= 0 && k + 1 < len &&
			   p[k + 1] != ']') {
			unsigned hi = (unsigned char)p[++k], x;

			if (hi == '\\') {
				if (++k >= len) {
					*ret_why = "unterminated '['";
					return -1;
				}
				hi = (unsigned char)p[k];
			}
			/* A reversed range such as z-a matches nothing. */
			for (x = (unsigned)prev; x <= hi; x++)
				cls_set(cls, x);
			prev = -1;
		} else if (c == '[' && k + 1 < len && p[k + 1] == ':') {
			size_t s = k + 2, q = s;
			unsigned x;

			while (q < len && p[q] != ']')
				q++;
			if (q >= len) {
				*ret_why = "unterminated '['";
				return -1;
			}
			if (q > s && p[q - 1] == ':') {
				if (in_posix_class(p + s, q - 1 - s, 'a') < 0) {
					*ret_why = "unknown [:class:]";
					return -1;
				}
				for (x = 0; x < 256; x++)
					if (in_posix_class(p + s, q - 1 - s,
							   x) > 0)
						cls_set(cls, x);
				k = q;
				prev = -1;
			} else {
				/* No ":]": the '[' is an ordinary member. */
				cls_set(cls, '[');
				prev = '[';
			}
		} else {
			cls_set(cls, c);
			prev = (int)c;
		}
	}
	if (neg) {
		size_t b;

		for (b = 0; b < 32; b++)
			cls[b] = (uint8_t)~cls[b];
	}
	cls[(unsigned)'/' >> 3] &= (uint8_t) ~(1u << ('/' & 7));
	*i = k + 1;
	return 0;
}

/* Compiles body (the pattern without '!', leading and trailing '/'). */
static int compile(struct pat *pt, const char *body, size_t len,
		   const char *orig, size_t body_off, const char *where,
		   struct da_err *err)
{
	size_t i = 0, nbracket = 0, k;
	int seg_start = 1;
	const char *why;

	for (k = 0; k < len; k++)
		if (body[k] == '[')
			nbracket++;
	pt->toks = calloc(len + 1, sizeof(*pt->toks));
	if (nbracket)
		pt->classes = calloc(nbracket, sizeof(*pt->classes));
	if (!pt->toks || (nbracket && !pt->classes))
		return da_err_set(err, DA_ENOMEM,
				  "out of memory compiling pattern '%s'", orig);
	while (i < len) {
		struct tok *t = &pt->toks[pt->ntok];
		char c = body[i];

		if (c == '*') {
			size_t j = i;

			while (j < len && body[j] == '*')
				j++;
			if (j - i >= 2 && seg_start && j == len) {
				t->kind = T_STARALL;
				pt->ntok++;
			} else if (j - i >= 2 && seg_start &&
				   (body[j] == '/' ||
				    (body[j] == '\\' && j + 1 < len &&
				     body[j + 1] == '/'))) {
				t->kind = T_DIRS_ENTRY;
				t[1].kind = T_DIRS_LOOP;
				pt->ntok += 2;
				j += body[j] == '/' ? 1 : 2;
				i = j;
				continue;
			} else {
				t->kind = T_STAR;
				pt->ntok++;
			}
			i = j;
			seg_start = 0;
			continue;
		}
		if (c == '?') {
			t->kind = T_ANY;
			i++;
		} else if (c == '[') {
			t->kind = T_CLASS;
			t->cls = (unsigned short)pt->ncls;
			if (parse_class(body, len, &i, pt->classes[pt->ncls],
					&why) < 0)
				return bad_pattern(err, where, orig,
						   body_off + i, why);
			pt->ncls++;
		} else if (c == '\\') {
			if (i + 1 >= len)
				return bad_pattern(err, where, orig,
						   body_off + i,
						   "trailing '\\'");
			t->kind = T_LIT;
			t->c = (unsigned char)body[i + 1];
			i += 2;
		} else {
			t->kind = T_LIT;
			t->c = (unsigned char)c;
			i++;
		}
		pt->ntok++;
		seg_start = t->kind == T_LIT && t->c == '/';
	}
	return 0;
}

/*
 * Parses a whole pattern into pt: the '!' (when allow_neg), the anchor
 * and directory rules, then the wildmatch body.
 */
static int pat_parse(struct pat *pt, const char *pattern, int allow_neg,
		     const char *where, struct da_err *err)
{
	size_t len = strlen(pattern), start = 0, end;
	int r;

	memset(pt, 0, sizeof(*pt));
	if (len > DA_MAX_GLOB_PATTERN)
		return da_err_set(err, DA_ELIMIT,
				  "cannot use pattern%s '%.*s...': longer "
				  "than %d bytes",
				  where, QUOTE_MAX, pattern,
				  DA_MAX_GLOB_PATTERN);
	if (pattern[0] == '!') {
		if (!allow_neg)
			return bad_pattern(err, where, pattern, 0,
					   "'!' only works in a list");
		pt->negated = 1;
		start = 1;
	}
	end = len;
	/* A trailing '/' (not an escaped one) means directories only. */
	while (end > start && pattern[end - 1] == '/' &&
	       !(end - start >= 2 && pattern[end - 2] == '\\')) {
		pt->dir_only = 1;
		end--;
	}
	if (end > start && pattern[start] == '/') {
		pt->anchored = 1;
		start++;
	}
	if (end <= start)
		return da_err_set(err, DA_EINVAL,
				  "cannot use pattern%s '%s': it matches "
				  "no path; give a name or glob",
				  where, pattern);
	if (memchr(pattern + start, '/', end - start))
		pt->anchored = 1;
	r = compile(pt, pattern + start, end - start, pattern, start, where,
		    err);
	if (r < 0)
		goto out;
	pt->text = strdup(pattern);
	if (!pt->text)
		r = da_err_set(err, DA_ENOMEM, "out of memory adding pattern");
out:
	if (r < 0)
		pat_release(pt);
	return r;
}

static void set_bit(uint64_t *w, size_t i)
{
	w[i >> 6] |= (uint64_t)1 << (i & 63);
}

/*
 * Adds the states reachable without input from the states in w: a star
 * may match nothing, DIRS_ENTRY may skip its loop. Such moves only go
 * forward, so one pass in rising order reaches them all.
 */
static void closure(const struct pat *pt, uint64_t *w, size_t words)
{
	size_t wi;

	for (wi = 0; wi < words; wi++) {
		uint64_t m = w[wi];

		while (m) {
			size_t i = wi * 64 + (size_t)__builtin_ctzll(m), j;
			unsigned kind;

			m &= m - 1;
			if (i >= pt->ntok)
				continue;
			kind = pt->toks[i].kind;
			if (kind == T_STAR || kind == T_STARALL ||
			    kind == T_DIRS_ENTRY) {
				for (j = i + 1;
				     j <= i + 1 + (kind == T_DIRS_ENTRY); j++) {
					set_bit(w, j);
					if (j >> 6 == wi)
						m |= (uint64_t)1 << (j & 63);
				}
			}
		}
	}
}

/*
 * Runs the automaton over text[0..len) and returns 1 when all of it
 * matches. When ret_prefix is not NULL it receives the length of the
 * longest proper prefix that matches and ends just before a '/' (a
 * parent directory), or 0.
 */
static int run(const struct pat *pt, const char *text, size_t len,
	       size_t *ret_prefix)
{
	uint64_t cur[STATE_WORDS], nxt[STATE_WORDS];
	size_t words = (pt->ntok + 1 + 63) / 64, pos, wi;

	if (ret_prefix)
		*ret_prefix = 0;
	memset(cur, 0, words * sizeof(cur[0]));
	cur[0] = 1;
	closure(pt, cur, words);
	for (pos = 0; pos < len; pos++) {
		unsigned char c = (unsigned char)text[pos];
		uint64_t any = 0;

		if (ret_prefix && c == '/' && pos > 0 &&
		    (cur[pt->ntok >> 6] >> (pt->ntok & 63) & 1))
			*ret_prefix = pos;
		memset(nxt, 0, words * sizeof(nxt[0]));
		for (wi = 0; wi < words; wi++) {
			uint64_t m = cur[wi];

			while (m) {
				size_t i = wi * 64 + (size_t)__builtin_ctzll(m);
				const struct tok *t;

				m &= m - 1;
				if (i >= pt->ntok)
					continue;
				t = &pt->toks[i];
				switch (t->kind) {
				case T_LIT:
					if (c == t->c)
						set_bit(nxt, i + 1);
					break;
				case T_ANY:
					if (c != '/')
						set_bit(nxt, i + 1);
					break;
				case T_CLASS:
					if (pt->classes &&
					    cls_has(pt->classes[t->cls], c))
						set_bit(nxt, i + 1);
					break;
				case T_STAR:
					if (c != '/')
						set_bit(nxt, i);
					break;
				case T_STARALL:
					set_bit(nxt, i);
					break;
				case T_DIRS_LOOP:
					set_bit(nxt, i);
					if (c == '/')
						set_bit(nxt, i + 1);
					break;
				default:
					break;
				}
			}
		}
		closure(pt, nxt, words);
		for (wi = 0; wi < words; wi++)
			any |= nxt[wi];
		if (!any)
			return 0;
		memcpy(cur, nxt, words * sizeof(cur[0]));
	}
	return (int)(cur[pt->ntok >> 6] >> (pt->ntok & 63) & 1);
}

/*
 * How much of path[0..len) the pattern reaches with the placement rules:
 * len when it matches the path itself, the length of the longest parent
 * directory it matches, or 0. Linear in the path: an anchored pattern
 * reads the path once, others each segment once.
 */
static size_t pat_reach(const struct pat *pt, const char *path, size_t len,
			int is_dir)
{
	size_t best = 0, s, e;

	if (pt->anchored) {
		if (run(pt, path, len, &best) && (!pt->dir_only || is_dir))
			return len;
		return best;
	}
	for (s = 0;; s = e + 1) {
		e = s;
		while (e < len && path[e] != '/')
			e++;
		if (e == len)
			return (!pt->dir_only || is_dir) &&
				       run(pt, path + s, e - s, NULL)
				   ? len
				   : best;
		if (e > 0 && run(pt, path + s, e - s, NULL))
			best = e;
	}
}

/*
 * The pattern that decides: among those matching the path itself the
 * last one; failing that, among those matching the nearest parent
 * directory the last one.
 */
static enum da_glob_result match_list(const struct pat *pats, size_t n,
				      const char *path, int is_dir,
				      size_t *ret_index)
{
	size_t len = strlen(path), best = 0, best_k = 0, k, reach;

	if (len == 0)
		return DA_GLOB_NOMATCH;
	for (k = n; k-- > 0;) {
		reach = pat_reach(&pats[k], path, len, is_dir);
		if (reach > best) {
			best = reach;
			best_k = k;
			if (reach == len)
				break;
		}
	}
	if (best == 0)
		return DA_GLOB_NOMATCH;
	if (ret_index)
		*ret_index = best_k;
	return pats[best_k].negated ? DA_GLOB_EXCLUDED : DA_GLOB_INCLUDED;
}

int da_glob_set_new(struct da_glob_set **ret_set, struct da_err *err)
{
	struct da_glob_set *set = calloc(1, sizeof(*set));

	if (!set)
		return da_err_set(err, DA_ENOMEM,
				  "out of memory creating a pattern list");
	*ret_set = set;
	return 0;
}

void da_glob_set_free(struct da_glob_set *set)
{
	size_t i;

	if (!set)
		return;
	for (i = 0; i < set->n; i++)
		pat_release(&set->pats[i]);
	free(set->pats);
	free(set);
}

static int set_add(struct da_glob_set *set, const char *pattern,
		   const char *where, struct da_err *err)
{
	struct pat pt;
	int r;

	if (set->n >= DA_MAX_GLOB_PATTERNS)
		return da_err_set(err, DA_ELIMIT,
				  "cannot add pattern%s: a list holds at most "
				  "%d patterns",
				  where, DA_MAX_GLOB_PATTERNS);
	if (set->n == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 8;
		struct pat *p = realloc(set->pats, cap * sizeof(*p));

		if (!p)
			return da_err_set(err, DA_ENOMEM,
					  "out of memory adding pattern");
		set->pats = p;
		set->cap = cap;
	}
	r = pat_parse(&pt, pattern, 1, where, err);
	if (r < 0)
		return r;
	set->pats[set->n++] = pt;
	return 0;
}

int da_glob_set_add(struct da_glob_set *set, const char *pattern,
		    struct da_err *err)
{
	return set_add(set, pattern, "", err);
}

int da_glob_set_add_lines(struct da_glob_set *set, const char *text, size_t len,
			  const char *source, struct da_err *err)
{
	char line[DA_MAX_GLOB_PATTERN + 1], where[256];
	size_t pos = 0, lineno = 0;
	int r, w;

	while (pos < len) {
		const char *start = text + pos;
		const char *nl = memchr(start, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - start) : len - pos;

		pos += n + (nl ? 1 : 0);
		lineno++;
		w = snprintf(where, sizeof(where), " at %s:%zu",
			     source ? source : "-", lineno);
		if (w < 0 || (size_t)w >= sizeof(where))
			where[0] = '\0';
		if (n > 0 && start[n - 1] == '\r')
			n--;
		/* Trailing spaces go unless the last one is escaped. */
		while (n > 0 && start[n - 1] == ' ' &&
		       !(n >= 2 && start[n - 2] == '\\'))
			n--;
		if (n == 0 || start[0] == '#')
			continue;
		if (n > DA_MAX_GLOB_PATTERN)
			return da_err_set(err, DA_ELIMIT,
					  "cannot use pattern%s: longer than "
					  "%d bytes",
					  where, DA_MAX_GLOB_PATTERN);
		if (memchr(start, '\0', n))
			return da_err_set(err, DA_EINVAL,
					  "cannot use pattern%s: it contains "
					  "a NUL byte",
					  where);
		memcpy(line, start, n);
		line[n] = '\0';
		r = set_add(set, line, where, err);
		if (r < 0)
			return r;
	}
	return 0;
}

size_t da_glob_set_count(const struct da_glob_set *set)
{
	return set ? set->n : 0;
}

const char *da_glob_set_pattern(const struct da_glob_set *set, size_t i)
{
	if (!set || i >= set->n)
		return NULL;
	return set->pats[i].text;
}

enum da_glob_result da_glob_set_match(const struct da_glob_set *set,
				      const char *path, int is_dir,
				      size_t *ret_index)
{
	if (!set || set->n == 0)
		return DA_GLOB_NOMATCH;
	return match_list(set->pats, set->n, path, is_dir, ret_index);
}

int da_glob_match(const char *pattern, const char *path, int is_dir,
		  struct da_err *err)
{
	struct pat pt;
	int r = pat_parse(&pt, pattern, 0, "", err);

	if (r < 0)
		return r;
	r = match_list(&pt, 1, path, is_dir, NULL) == DA_GLOB_INCLUDED;
	pat_release(&pt);
	return r;
}

int da_glob_wildmatch(const char *pattern, const char *text, struct da_err *err)
{
	struct pat pt;
	size_t len = strlen(pattern);
	int r;

	memset(&pt, 0, sizeof(pt));
	if (len > DA_MAX_GLOB_PATTERN)
		return da_err_set(err, DA_ELIMIT,
				  "cannot use pattern '%.*s...': longer than "
				  "%d bytes",
				  QUOTE_MAX, pattern, DA_MAX_GLOB_PATTERN);
	r = compile(&pt, pattern, len, pattern, 0, "", err);
	if (r == 0)
		r = run(&pt, text, strlen(text), NULL);
	pat_release(&pt);
	return r;
}

/* Moves src's memory into *dst, within dst's own ceiling. */
static int buf_replace(struct da_buf *dst, struct da_buf *src)
{
	if (src->len > (dst->max ? dst->max : DA_BUF_DEFAULT_MAX))
		return -DA_ELIMIT;
	free(dst->data);
	dst->data = src->data;
	dst->len = src->len;
	dst->cap = src->cap;
	src->data = NULL;
	src->len = 0;
	src->cap = 0;
	return 0;
}

int da_glob_path_normalize(const char *path, struct da_buf *ret,
			   struct da_err *err)
{
	struct da_buf b = DA_BUF_INIT(DA_MAX_GLOB_PATH);
	size_t len = strlen(path), i = 0;
	int r = 0;

	if (len > DA_MAX_GLOB_PATH)
		return da_err_set(err, DA_ELIMIT,
				  "cannot use path '%.*s...': longer than %d "
				  "bytes",
				  QUOTE_MAX, path, DA_MAX_GLOB_PATH);
	if (path[0] == '/' || path[0] == '\\')
		r = da_buf_addch(&b, '/');
	while (r == 0 && i < len) {
		size_t j = i;

		while (j < len && path[j] != '/' && path[j] != '\\')
			j++;
		if (j > i && !(j - i == 1 && path[i] == '.')) {
			if (b.len > 0 && b.data[b.len - 1] != '/')
				r = da_buf_addch(&b, '/');
			if (r == 0)
				r = da_buf_add(&b, path + i, j - i);
		}
		i = j + 1;
	}
	if (r == 0 && b.len == 0)
		r = da_buf_addch(&b, '.');
	if (r == 0)
		r = buf_replace(ret, &b);
	if (r < 0)
		r = da_err_set(err, -r, "cannot normalise path '%.*s%s': %s",
			       QUOTE_MAX, path, len > QUOTE_MAX ? "..." : "",
			       da_strerror(r));
	da_buf_release(&b);
	return r;
}
