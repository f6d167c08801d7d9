/*
 * parse: what the coverage report parsers share.
 *
 * Checked whole numbers (digits only, no overflow); for the XML formats,
 * the one message shape of a fault ("cannot read 'f': line L column C:
 * what"), element names to kinds, the root element check and count
 * attributes as Cobertura and Clover write them; a report's path through
 * the caller's path map into the model; and the reading of a line-based
 * text report (lcov, Go): opening it ("-" is standard input) and walking
 * its lines, with one message for each way a read fails. For the text
 * parsers, which meet reports of hundreds of megabytes: numbers read eight
 * digits at a time, and per-file hints that let repeated records skip
 * their lookups.
 *
 * Only the line reader (struct cov_text) and the hints (struct cov_hints)
 * keep state, in structs the caller owns and releases; every other
 * function reads its arguments, writes its ret_ output only on success,
 * fills err on failure and frees what it allocated before it returns.
 */
#ifndef DA_COV_PARSE_H
#define DA_COV_PARSE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "actions/coverage-gate/model.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/xml.h"

/*
 * Parses the digits [p, end) into *ret_v. Returns 0, or -1 for an empty
 * range, anything but a digit, or a value past UINT64_MAX (*ret_v is then
 * left alone).
 */
int cov_parse_u64(const char *p, const char *end, uint64_t *ret_v);

/*
 * For the code that runs once per line of reports of millions of lines:
 * forced inline, and results returned by value (a local whose address is
 * taken gets a stack-protector check on every call).
 */
#define COV_HOT static inline __attribute__((always_inline))

/* A run of n digits and its value; n = 0: none, or not what was asked. */
struct cov_num {
	uint64_t v;
	size_t n;
};

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/*
 * The run of digits at p, up to 8; the 8 bytes at p must be readable
 * (cov_text_next() leaves them so past the end of a line). They are read
 * at once: each byte less '0' is a digit when below 10, the first that is
 * not ends the run, and the run becomes a number with three
 * multiplications instead of a branch per digit.
 */
COV_HOT struct cov_num cov_digits8(const char *p)
{
	struct cov_num r = {0, 8};
	uint64_t v, nd;

	memcpy(&v, p, 8);
	v -= 0x3030303030303030ull;
	nd = (v | (v + 0x7676767676767676ull)) & 0x8080808080808080ull;
	if (nd)
		r.n = (size_t)__builtin_ctzll(nd) >> 3;
	if (r.n == 0)
		return r;
	/* The digits to the top bytes, zeros before them. */
	v <<= 8 * (8 - r.n);
	v = v * 10 + (v >> 8);
	r.v = ((v & 0x000000ff000000ffull) * 0x000f424000000064ull +
	       ((v >> 16) & 0x000000ff000000ffull) * 0x0000271000000001ull) >>
	      32;
	return r;
}
#else
COV_HOT struct cov_num cov_digits8(const char *p)
{
	struct cov_num r = {0, 0};

	for (; r.n < 8 && p[r.n] >= '0' && p[r.n] <= '9'; r.n++)
		r.v = r.v * 10 + (uint64_t)(p[r.n] - '0');
	return r;
}
#endif

/* cov_count_at() past eight digits. */
struct cov_num cov_count_long(const char *p, struct cov_num first8);

/*
 * The whole number at p (as cov_digits8()); n = 0 for no digit or more
 * than 19 (which may not fit: a careful parser tells).
 */
COV_HOT struct cov_num cov_count_at(const char *p)
{
	struct cov_num a = cov_digits8(p);

	return a.n < 8 ? a : cov_count_long(p, a);
}

/* memcmp() == 0, eight bytes at a time (the C library's may go by one). */
COV_HOT int cov_same_bytes(const char *a, const char *b, size_t n)
{
	uint64_t x, y;

	if (n < 8) {
		for (; n; n--)
			if (*a++ != *b++)
				return 0;
		return 1;
	}
	for (; n > 8; n -= 8, a += 8, b += 8) {
		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		if (x != y)
			return 0;
	}
	/* The last eight bytes, overlapping those compared already. */
	memcpy(&x, a + n - 8, 8);
	memcpy(&y, b + n - 8, 8);
	return x == y;
}

/*
 * Parses the string s as a whole number that may carry a sign: 0, -1 for
 * no number or trailing junk, -2 for a negative value ("-0" is 0), -3 for
 * a value past UINT64_MAX. *ret_v is written only on 0.
 */
int cov_parse_count(const char *s, uint64_t *ret_v);

/*
 * Fills err with "cannot read 'f': line L column C: " followed by the
 * formatted text, where f is the report's name (da_xml_name()) and L, C
 * the place the parser x stands at. Returns -e.
 */
int cov_xml_fail(const struct da_xml *x, struct da_err *err, int e,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * Puts the same "cannot read 'f': line L column C" in front of an error
 * err already holds (from the model or the path map). Returns r.
 */
int cov_xml_where(const struct da_xml *x, int r, struct da_err *err);

/*
 * The index of the element name in names[1..n-1], or 0 (names[0] is a
 * stand-in for "any other element"): maps an element to an enum whose
 * values index names.
 */
unsigned cov_xml_kind(const char *name, const char *const *names, size_t n);

/*
 * 0 when the root element name is want, else -DA_EINVAL with err saying
 * "root element is <name>, not <want>; is this a <format> report?".
 */
int cov_xml_root(const struct da_xml *x, const char *name, const char *want,
		 const char *format, struct da_err *err);

/*
 * The count attribute attr of attrs, by cov_parse_count(): 1 with *ret_v
 * set when present and valid, 0 when missing, or a negative DA_E* with err
 * saying the value is negative, out of range or not a whole number.
 */
int cov_count_attr(const struct da_xml *x, const char **attrs, const char *attr,
		   uint64_t *ret_v, struct da_err *err);

/*
 * The model's file for the path raw as a report wrote it, through p->map
 * when that is set (its result goes into mapped, reset first). Returns 0
 * with *ret_file set, or a negative DA_E* with err saying why, without the
 * report's place: the map's or the model's error, or -DA_EINVAL when raw
 * maps to an empty path.
 */
int cov_map_file(const struct cov_parse *p, const char *raw,
		 struct da_buf *mapped, struct cov_file **ret_file,
		 struct da_err *err);

/*
 * Hints (model.h) for parsers of reports that repeat each file's records
 * in the same order (one record per test): a file's k-th record of a kind
 * keeps the hint of where it went, found by file and position. Files are
 * looked up when the parser moves to another file, hints by index after
 * that. Memory: at most COV_MAX_HINTS per file and kind, and
 * COV_MAX_HINTS_ALL in all; past those a record simply has no hint.
 */
#define COV_HINT_KINDS 3
#define COV_MAX_HINTS 65536
#define COV_MAX_HINTS_ALL ((size_t)1 << 21)

struct cov_file_hints {
	struct cov_file *file; /* NULL: an empty slot */
	struct cov_hint *v[COV_HINT_KINDS];
	uint32_t cap[COV_HINT_KINDS];
	/* A table the parser keeps per file for the report (Go: its merged
	 * blocks), kept here to have it at hand; cov_hints_free() frees
	 * aux. */
	void *aux;
	size_t aux_cap, aux_n;
};

struct cov_hints {
	struct cov_file_hints *t; /* open addressing by file */
	size_t cap, n;
	size_t all; /* hints allocated */
};

/* The hints of file (made on first use), or NULL when memory is short.
 * The pointer stays valid until the next call. */
struct cov_file_hints *cov_hints_for(struct cov_hints *h,
				     struct cov_file *file);

/* cov_hint_at() past the end of the array. */
struct cov_hint *cov_hint_grow(struct cov_hints *h, struct cov_file_hints *fh,
			       unsigned kind, size_t k);

/* The hint of the k-th record of kind in fh (NULL: none, which is fine). */
COV_HOT struct cov_hint *cov_hint_at(struct cov_hints *h,
				     struct cov_file_hints *fh, unsigned kind,
				     size_t k)
{
	if (fh && k < fh->cap[kind])
		return &fh->v[kind][k];
	return fh ? cov_hint_grow(h, fh, kind, k) : NULL;
}

/* Frees all hints (and aux); h is empty and usable again. */
void cov_hints_free(struct cov_hints *h);

/*
 * Reading a text report (lcov, Go) line by line:
 *
 *	struct cov_text t;
 *	char *text;
 *	size_t len;
 *
 *	r = cov_text_open(&t, p, in, name, err);
 *	while (r == 0 && (r = cov_text_next(&t, &text, &len, err)) > 0)
 *		r = handle(text, len, t.lineno);
 *	cov_text_close(&t);
 *
 * The report is read in blocks of a fixed size into one buffer, whatever
 * its size, so in may be read past the line where the walk stopped. The
 * fields of struct cov_text are cov_text_next()'s; a parser reads lineno
 * only.
 */
struct cov_text {
	FILE *in;
	const char *name;
	char *buf;
	size_t start;	      /* the first byte not handed out yet */
	size_t end;	      /* the end of the data read into buf */
	size_t blk;	      /* the 64-byte block m describes */
	size_t next;	      /* the next block to look at */
	uint64_t m;	      /* the line ends in blk not handed out yet */
	unsigned long lineno; /* of the line handed out last, 1-based */
	int eof;
};

/*
 * Starts a report in p->model (cov_model_report_begin()) and sets t up to
 * read the text report name from in. 0, or -DA_ENOMEM with err set.
 */
int cov_text_open(struct cov_text *t, const struct cov_parse *p, FILE *in,
		  const char *name, struct da_err *err);

/* Frees what cov_text_open() took. NULL-safe, and safe to call twice. */
void cov_text_close(struct cov_text *t);

/* The out-of-line parts of cov_text_next(), not for parsers. */
#define COV_TEXT_MORE 2
int cov_text_fill(struct cov_text *t, char **ret_text, size_t *ret_len,
		  struct da_err *err);
int cov_text_fail(struct cov_text *t, size_t i, struct da_err *err);

/*
 * The next line: 1 with *ret_text and *ret_len set, 0 at the end of the
 * input, or a negative DA_E* with err set for a line longer than
 * DA_MAX_COV_TEXT_LINE bytes, a NUL byte, a read error or no memory.
 *
 * The line comes without its "\n" or "\r\n" and is writable until the
 * next call. (*ret_text)[len] is the byte that ended it ('\r', '\n', or a
 * NUL after the last line): it may be overwritten with a NUL to use the
 * line as a C string; not writing it when no C string is needed spares a
 * store the next loads would wait for. The 8 bytes after it may be read
 * too (their values mean nothing), so a parser can load a word at any
 * byte of the line.
 *
 * Inline because it runs once per line of reports of millions of lines:
 * the line ends of 64 bytes are found at once and handed out from a bit
 * mask, so the common case is a few instructions and no call.
 */
static inline int cov_text_next(struct cov_text *t, char **ret_text,
				size_t *ret_len, struct da_err *err)
{
	size_t i, len;
	int r;

	while (!t->m) {
		r = cov_text_fill(t, ret_text, ret_len, err);
		if (r != COV_TEXT_MORE)
			return r;
	}
	i = t->blk + (size_t)__builtin_ctzll(t->m);
	t->m &= t->m - 1;
	len = i - t->start;
	if (t->buf[i] != '\n' || len > DA_MAX_COV_TEXT_LINE)
		return cov_text_fail(t, i, err);
	*ret_text = t->buf + t->start;
	t->start = i + 1;
	t->lineno++;
	if (len && t->buf[i - 1] == '\r')
		len--;
	*ret_len = len;
	return 1;
}

/*
 * Opens the text report at path ("-" is standard input, named "standard
 * input") and runs stream on it, closing what it opened. Returns what
 * stream returns, or -DA_ENOENT/-DA_EIO with err set when path will not
 * open.
 */
int cov_parse_path(const struct cov_parse *p, const char *path,
		   int (*stream)(const struct cov_parse *, FILE *, const char *,
				 struct da_err *),
		   struct da_err *err);

#endif
