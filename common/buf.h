/*
 * buf: a growable byte buffer with a hard ceiling.
 *
 * Every buffer that holds remote or user data has a named maximum size
 * (DA_MAX_* in the module that owns the data). Appending past the ceiling
 * fails with -DA_ELIMIT and leaves the buffer as it was; it never truncates
 * silently. The data is always NUL-terminated (one byte beyond len), so a
 * buffer of text can be handed to string functions as it is.
 *
 * Lifecycle: da_buf_init() (or DA_BUF_INIT), any number of appends,
 * da_buf_release() to free. A released buffer may be used again. The
 * buffer owns its memory; da_buf_detach() hands it to the caller.
 */
#ifndef DA_BUF_H
#define DA_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct da_buf {
	char *data; /* NULL until the first append; see da_buf_str() */
	size_t len; /* bytes used, not counting the trailing NUL */
	size_t cap; /* bytes allocated */
	size_t max; /* ceiling for len; 0 means DA_BUF_DEFAULT_MAX */
};

/* Default ceiling when none is given: 64 MiB. */
#define DA_BUF_DEFAULT_MAX ((size_t)64 << 20)

#define DA_BUF_INIT(maxlen)                                                    \
	{                                                                      \
		NULL, 0, 0, (maxlen)                                           \
	}

/* Sets up an empty buffer that may grow to at most max bytes (0: default). */
void da_buf_init(struct da_buf *b, size_t max);

/* Frees the memory; the buffer is empty and usable again. NULL-safe. */
void da_buf_release(struct da_buf *b);

/* Empties the buffer but keeps its memory. */
void da_buf_reset(struct da_buf *b);

/*
 * Appends n bytes. Returns 0, -DA_ELIMIT past the ceiling or -DA_ENOMEM;
 * on failure the buffer is unchanged.
 */
int da_buf_add(struct da_buf *b, const void *p, size_t n);
int da_buf_adds(struct da_buf *b, const char *s);
int da_buf_addch(struct da_buf *b, char c);

/* Appends printf-style formatted text; same returns as da_buf_add(). */
int da_buf_addf(struct da_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int da_buf_vaddf(struct da_buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* Shortens the buffer to len bytes (no-op if already shorter). */
void da_buf_truncate(struct da_buf *b, size_t len);

/* The contents as a C string; "" for an empty or never-used buffer. */
const char *da_buf_str(const struct da_buf *b);

/*
 * Hands the memory to the caller (free() it) and empties the buffer.
 * Never returns NULL for a valid buffer: an empty one yields a fresh "".
 * Returns NULL only when out of memory. *ret_len may be NULL.
 */
char *da_buf_detach(struct da_buf *b, size_t *ret_len);

#endif
