#include "buf.h"
#include "error.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void da_buf_init(struct da_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void da_buf_release(struct da_buf *b)
{
	if (!b)
		return;
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void da_buf_reset(struct da_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

static size_t ceiling(const struct da_buf *b)
{
	return b->max ? b->max : DA_BUF_DEFAULT_MAX;
}

/* Makes room for extra more bytes plus the NUL, within the ceiling. */
static int grow(struct da_buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (extra > ceiling(b) || b->len > ceiling(b) - extra)
		return -DA_ELIMIT;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	p = realloc(b->data, cap);
	if (!p)
		return -DA_ENOMEM;
	b->data = p;
	b->cap = cap;
	return 0;
}

int da_buf_add(struct da_buf *b, const void *p, size_t n)
{
	int r = grow(b, n);

	if (r < 0)
		return r;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int da_buf_adds(struct da_buf *b, const char *s)
{
	return da_buf_add(b, s, strlen(s));
}

int da_buf_addch(struct da_buf *b, char c)
{
	return da_buf_add(b, &c, 1);
}

int da_buf_vaddf(struct da_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n, r;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return -DA_EINVAL;
	r = grow(b, (size_t)n);
	if (r < 0)
		return r;
	if (vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap) != n)
		return -DA_EINVAL;
	b->len += (size_t)n;
	return 0;
}

int da_buf_addf(struct da_buf *b, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = da_buf_vaddf(b, fmt, ap);
	va_end(ap);
	return r;
}

void da_buf_truncate(struct da_buf *b, size_t len)
{
	if (len >= b->len)
		return;
	b->len = len;
	b->data[len] = '\0';
}

const char *da_buf_str(const struct da_buf *b)
{
	return b->data ? b->data : "";
}

char *da_buf_detach(struct da_buf *b, size_t *ret_len)
{
	char *p = b->data;
	size_t len = b->len;

	if (!p) {
		p = calloc(1, 1);
		if (!p)
			return NULL;
	}
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	if (ret_len)
		*ret_len = len;
	return p;
}
