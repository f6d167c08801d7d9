/*
 * fuzz-http-header: Retry-After, HTTP-date and URL redaction must never
 * crash on any bytes. Failures come with a one-line message, waits are
 * never negative, an HTTP-date reads the same as a Retry-After value, and
 * a redacted URL is NUL-terminated inside its buffer and never holds the
 * password of its user information.
 */
#include "common/error.h"
#include "common/http.h"
#include "common/time.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A fixed clock: 2023-11-14T22:13:20Z. */
#define FUZZ_NOW ((time_t)1700000000)
/* The password the redaction property looks for. */
#define MARKER "SECRETPW"

static void check_err(int r, const struct da_err *err)
{
	if (r != -DA_EINVAL || err->e != DA_EINVAL || !err->msg[0] ||
	    strchr(err->msg, '\n'))
		abort();
}

/*
 * True when s has MARKER and every copy of it lies between the first "://"
 * and the last '@' before the first '?' or '#': inside user information
 * that redaction must hide.
 */
static int marker_in_userinfo(const char *s)
{
	const char *auth = strstr(s, "://"), *lim, *at = NULL, *p, *m;

	if (!auth || !strstr(s, MARKER))
		return 0;
	auth += 3;
	lim = s + strcspn(s, "?#");
	if (lim < auth)
		return 0;
	for (p = auth; p < lim; p++)
		if (*p == '@')
			at = p;
	if (!at)
		return 0;
	for (m = strstr(s, MARKER); m; m = strstr(m + 1, MARKER))
		if (m < auth || m + strlen(MARKER) > at)
			return 0;
	return 1;
}

static void check_redact(const char *s)
{
	static const size_t sizes[] = {1, 4, 16, 512};
	int secret = marker_in_userinfo(s);
	size_t i;
	char *out;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		/* Exactly the size given, so ASan sees any write past it. */
		out = malloc(sizes[i]);
		if (!out)
			return;
		memset(out, 'x', sizes[i]);
		da_http_redact_url(s, out, sizes[i]);
		if (!memchr(out, '\0', sizes[i]))
			abort();
		if (secret && strstr(out, MARKER))
			abort();
		free(out);
	}
}

static int has_blank_edge(const char *s, size_t len)
{
	return len && (isspace((unsigned char)s[0]) ||
		       isspace((unsigned char)s[len - 1]));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct da_err err = DA_ERR_INIT;
	long long ms = -1, ms2 = -1;
	int64_t when;
	size_t len;
	char *s;
	int r;

	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	len = strlen(s);

	r = da_http_parse_retry_after(s, FUZZ_NOW, &ms, &err);
	if (r == 0 && ms < 0)
		abort();
	if (r != 0)
		check_err(r, &err);
	(void)da_http_parse_retry_after(s, FUZZ_NOW, &ms2, NULL);

	err = (struct da_err)DA_ERR_INIT;
	r = da_time_parse_http_date(s, &when, &err);
	if (r == 0 && len < 64 && !has_blank_edge(s, len)) {
		/* A valid HTTP-date is a valid Retry-After: the wait to it. */
		ms2 = -1;
		if (da_http_parse_retry_after(s, FUZZ_NOW, &ms2, NULL) != 0)
			abort();
		if (ms2 != (when > (int64_t)FUZZ_NOW
				? (when - (int64_t)FUZZ_NOW) * 1000
				: 0))
			abort();
	} else if (r != 0) {
		check_err(r, &err);
	}

	check_redact(s);
	free(s);
	return 0;
}
