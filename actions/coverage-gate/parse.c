/*
 * parse: number, message and stream helpers of the report parsers.
 */
#include "actions/coverage-gate/parse.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "common/buf.h"

int cov_parse_u64(const char *p, const char *end, uint64_t *ret_v)
{
	uint64_t v = 0;

	if (!p || p == end)
		return -1;
	for (; p < end; p++) {
		uint64_t d;

		if (*p < '0' || *p > '9')
			return -1;
		d = (uint64_t)(*p - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*ret_v = v;
	return 0;
}

struct cov_num cov_count_long(const char *p, struct cov_num a)
{
	static const uint64_t scale[9] = {
	    1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000,
	};
	struct cov_num b = cov_digits8(p + 8), c;

	if (b.n < 8) {
		a.v = a.v * scale[b.n] + b.v;
		a.n = 8 + b.n;
		return a;
	}
	/* Nineteen digits always fit; a twentieth may not. */
	c = cov_digits8(p + 16);
	if (c.n > 3) {
		a.n = 0;
		return a;
	}
	a.v = (a.v * scale[8] + b.v) * scale[c.n] + c.v;
	a.n = 16 + c.n;
	return a;
}

static size_t hints_slot(const struct cov_file *file, size_t mask)
{
	uint64_t h = (uint64_t)(uintptr_t)file * 0x9e3779b97f4a7c15ull;

	return (size_t)(h ^ (h >> 29)) & mask;
}

static int hints_grow(struct cov_hints *h)
{
	size_t ncap = h->cap ? h->cap * 2 : 64, i, j;
	struct cov_file_hints *nt = calloc(ncap, sizeof(*nt));

	if (!nt)
		return -DA_ENOMEM;
	for (i = 0; i < h->cap; i++) {
		if (!h->t[i].file)
			continue;
		for (j = hints_slot(h->t[i].file, ncap - 1); nt[j].file;
		     j = (j + 1) & (ncap - 1))
			;
		nt[j] = h->t[i];
	}
	free(h->t);
	h->t = nt;
	h->cap = ncap;
	return 0;
}

struct cov_file_hints *cov_hints_for(struct cov_hints *h, struct cov_file *file)
{
	size_t i;

	if ((h->n + 1) * 10 > h->cap * 7 && hints_grow(h) < 0)
		return NULL;
	for (i = hints_slot(file, h->cap - 1); h->t[i].file;
	     i = (i + 1) & (h->cap - 1))
		if (h->t[i].file == file)
			return &h->t[i];
	h->t[i].file = file;
	h->n++;
	return &h->t[i];
}

struct cov_hint *cov_hint_grow(struct cov_hints *h, struct cov_file_hints *fh,
			       unsigned kind, size_t k)
{
	size_t cap = fh->cap[kind], ncap = cap ? cap * 2 : 16;
	struct cov_hint *nv;

	while (ncap <= k)
		ncap *= 2;
	if (ncap > COV_MAX_HINTS || h->all + (ncap - cap) > COV_MAX_HINTS_ALL)
		return NULL;
	nv = realloc(fh->v[kind], ncap * sizeof(*nv));
	if (!nv)
		return NULL;
	memset(nv + cap, 0, (ncap - cap) * sizeof(*nv));
	fh->v[kind] = nv;
	fh->cap[kind] = (uint32_t)ncap;
	h->all += ncap - cap;
	return &nv[k];
}

void cov_hints_free(struct cov_hints *h)
{
	size_t i, k;

	for (i = 0; i < h->cap; i++) {
		for (k = 0; k < COV_HINT_KINDS; k++)
			free(h->t[i].v[k]);
		free(h->t[i].aux);
	}
	free(h->t);
	memset(h, 0, sizeof(*h));
}

int cov_parse_count(const char *s, uint64_t *ret_v)
{
	uint64_t v = 0;
	int neg = 0;

	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		uint64_t d = (uint64_t)(*s - '0');

		if (v > (UINT64_MAX - d) / 10)
			return -3;
		v = v * 10 + d;
	}
	if (*s != '\0')
		return -1;
	if (neg && v != 0)
		return -2;
	*ret_v = v;
	return 0;
}

int cov_xml_fail(const struct da_xml *x, struct da_err *err, int e,
		 const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = da_err_vset(err, e, fmt, ap);
	va_end(ap);
	return cov_xml_where(x, r, err);
}

int cov_xml_where(const struct da_xml *x, int r, struct da_err *err)
{
	da_err_prefix(err, "cannot read '%s': line %lu column %lu",
		      da_xml_name(x), da_xml_line(x), da_xml_column(x));
	return r;
}

unsigned cov_xml_kind(const char *name, const char *const *names, size_t n)
{
	size_t i;

	for (i = 1; i < n; i++)
		if (strcmp(name, names[i]) == 0)
			return (unsigned)i;
	return 0;
}

int cov_xml_root(const struct da_xml *x, const char *name, const char *want,
		 const char *format, struct da_err *err)
{
	if (strcmp(name, want) == 0)
		return 0;
	return cov_xml_fail(x, err, DA_EINVAL,
			    "root element is <%s>, not <%s>; is this a %s "
			    "report?",
			    name, want, format);
}

int cov_count_attr(const struct da_xml *x, const char **attrs, const char *attr,
		   uint64_t *ret_v, struct da_err *err)
{
	const char *v = da_xml_attr(attrs, attr);
	uint64_t n = 0;
	int r;

	if (!v)
		return 0;
	r = cov_parse_count(v, &n);
	if (r == -2)
		return cov_xml_fail(x, err, DA_EINVAL,
				    "negative %s '%s'; counts are 0 or more",
				    attr, v);
	if (r == -3)
		return cov_xml_fail(x, err, DA_EINVAL,
				    "%s '%s' is out of range", attr, v);
	if (r < 0)
		return cov_xml_fail(x, err, DA_EINVAL,
				    "%s '%s' is not a whole number", attr, v);
	*ret_v = n;
	return 1;
}

int cov_map_file(const struct cov_parse *p, const char *raw,
		 struct da_buf *mapped, struct cov_file **ret_file,
		 struct da_err *err)
{
	const char *path = raw;
	int r;

	if (p->map) {
		da_buf_reset(mapped);
		r = p->map(p->map_ctx, raw, mapped, err);
		if (r < 0)
			return r;
		path = da_buf_str(mapped);
		if (!*path)
			return da_err_set(err, DA_EINVAL,
					  "path '%s' maps to an empty path",
					  raw);
	}
	return cov_file_get(p->model, path, ret_file, err);
}

int cov_read_line(FILE *in, struct da_buf *line, int *ret_eof)
{
	int c, got = 0;

	da_buf_reset(line);
	for (;;) {
		c = getc(in);
		if (c == EOF)
			break;
		got = 1;
		if (c == '\n')
			break;
		if (c == '\0')
			return -DA_EINVAL;
		if (line->len >= DA_MAX_COV_TEXT_LINE)
			return -DA_ELIMIT;
		if (da_buf_addch(line, (char)c) < 0)
			return -DA_ENOMEM;
	}
	if (ferror(in))
		return -DA_EIO;
	if (line->len && line->data[line->len - 1] == '\r')
		da_buf_truncate(line, line->len - 1);
	*ret_eof = !got;
	return 0;
}

/*
 * The reading buffer of cov_text_next(): 256 KiB reads keep the system
 * calls few while what was read is still in the processor's cache when it
 * is parsed, and the buffer holds the longest line allowed (plus its "\n")
 * with room to spare, so a line is always whole in it. SCAN_PAD bytes past
 * the data stay readable for the 64-byte blocks of eol_mask().
 */
#define TEXT_BUF ((size_t)1 << 18)
#define SCAN_PAD 64

/*
 * Bit k set when p[k] is '\n' or NUL, for the 64 bytes at p. Finding the
 * line ends of a block at once, then walking the bits, spares a branch per
 * byte or per short line that the processor cannot predict.
 */
static uint64_t eol_mask(const char *p)
{
	uint64_t m = 0;
	size_t k;
#ifdef __SSE2__
	const __m128i nl = _mm_set1_epi8('\n'), zero = _mm_setzero_si128();

	for (k = 0; k < 4; k++) {
		__m128i v = _mm_loadu_si128((const void *)(p + 16 * k));
		unsigned b = (unsigned)_mm_movemask_epi8(_mm_or_si128(
		    _mm_cmpeq_epi8(v, nl), _mm_cmpeq_epi8(v, zero)));

		m |= (uint64_t)b << (16 * k);
	}
#else
	for (k = 0; k < 64; k++)
		m |= (uint64_t)(p[k] == '\n' || p[k] == '\0') << k;
#endif
	return m;
}

static int text_fail(int r, const char *name, unsigned long lineno,
		     struct da_err *err)
{
	if (r == -DA_ELIMIT)
		return da_err_set(err, DA_EINVAL,
				  "cannot read '%s': line %lu: longer than %d "
				  "bytes",
				  name, lineno, DA_MAX_COV_TEXT_LINE);
	if (r == -DA_EINVAL)
		return da_err_set(err, DA_EINVAL,
				  "cannot read '%s': line %lu: binary data "
				  "(NUL byte)",
				  name, lineno);
	if (r == -DA_EIO)
		return da_err_set(err, DA_EIO, "cannot read '%s': %s", name,
				  strerror(errno));
	return da_err_set(err, DA_ENOMEM, "cannot read '%s': out of memory",
			  name);
}

int cov_text_open(struct cov_text *t, const struct cov_parse *p, FILE *in,
		  const char *name, struct da_err *err)
{
	memset(t, 0, sizeof(*t));
	t->in = in;
	t->name = name;
	cov_model_report_begin(p->model);
	t->buf = malloc(TEXT_BUF + SCAN_PAD);
	if (!t->buf)
		return text_fail(-DA_ENOMEM, name, 1, err);
	memset(t->buf, 0, SCAN_PAD);
	return 0;
}

void cov_text_close(struct cov_text *t)
{
	if (!t)
		return;
	free(t->buf);
	t->buf = NULL;
}

int cov_text_fail(struct cov_text *t, size_t i, struct da_err *err)
{
	/* As a byte loop sees it: a line already too long before a NUL is
	 * "too long". */
	return text_fail(i - t->start > DA_MAX_COV_TEXT_LINE ? -DA_ELIMIT
							     : -DA_EINVAL,
			 t->name, t->lineno + 1, err);
}

int cov_text_fill(struct cov_text *t, char **ret_text, size_t *ret_len,
		  struct da_err *err)
{
	size_t got, len;

	for (;;) {
		/* [start, end) is unread; [start, next) holds no line end. */
		if (t->next < t->end) {
			t->blk = t->next;
			t->next += 64;
			t->m = eol_mask(t->buf + t->blk);
			if (t->end - t->blk < 64)
				t->m &= ((uint64_t)1 << (t->end - t->blk)) - 1;
			if (t->m)
				return COV_TEXT_MORE;
			continue;
		}
		if (t->end - t->start > DA_MAX_COV_TEXT_LINE)
			return text_fail(-DA_ELIMIT, t->name, t->lineno + 1,
					 err);
		if (t->eof) {
			if (t->end == t->start)
				return 0;
			/* The last line has no "\n". */
			len = t->end - t->start;
			*ret_text = t->buf + t->start;
			t->start = t->end;
			t->lineno++;
			if ((*ret_text)[len - 1] == '\r')
				len--;
			*ret_len = len;
			return 1;
		}
		/* Move the part line to the front and read more. */
		memmove(t->buf, t->buf + t->start, t->end - t->start);
		t->end -= t->start;
		t->start = 0;
		t->next = t->end;
		got = fread(t->buf + t->end, 1, TEXT_BUF - t->end, t->in);
		if (got == 0 && ferror(t->in))
			return text_fail(-DA_EIO, t->name, t->lineno + 1, err);
		t->eof = got == 0;
		t->end += got;
		memset(t->buf + t->end, 0, SCAN_PAD);
	}
}

int cov_parse_path(const struct cov_parse *p, const char *path,
		   int (*stream)(const struct cov_parse *, FILE *, const char *,
				 struct da_err *),
		   struct da_err *err)
{
	FILE *in;
	int r;

	if (strcmp(path, "-") == 0)
		return stream(p, stdin, "standard input", err);
	in = fopen(path, "r");
	if (!in)
		return da_err_set(err, errno == ENOENT ? DA_ENOENT : DA_EIO,
				  "cannot open '%s': %s", path,
				  strerror(errno));
	r = stream(p, in, path, err);
	/* A read-only stream: every byte was already checked by ferror(). */
	(void)fclose(in);
	return r;
}
