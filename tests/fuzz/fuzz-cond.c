/*
 * fuzz-cond: the condition parser and evaluator on arbitrary bytes.
 *
 * The input is "condition" NUL "body". The condition is parsed; if it
 * compiles it is evaluated against a response with that body (twice, to
 * use the cached JSON), and it is also tried as a capture placeholder.
 * Errors must be one line; verdicts must be 0 or 1 with short one-line
 * actual and reason texts.
 */
#include "common/cond.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Keeps each run fast; the parser refuses more than DA_MAX_COND_TEXT. */
#define FUZZ_MAX_BODY ((size_t)64 << 10)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *get_header(void *hctx, const char *name)
{
	(void)hctx;
	if (strcasecmp(name, "content-type") == 0)
		return "application/json";
	if (strcasecmp(name, "etag") == 0)
		return "\"v1\"";
	return NULL;
}

static void one_line(const struct da_buf *b, size_t max)
{
	if (memchr(da_buf_str(b), '\n', b->len) ||
	    memchr(da_buf_str(b), '\r', b->len) || b->len > max)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct da_buf actual = DA_BUF_INIT(0), reason = DA_BUF_INIT(0);
	struct da_buf out = DA_BUF_INIT(1 << 20);
	struct da_err err = DA_ERR_INIT;
	struct da_cond *cond = NULL;
	struct da_cond_ctx ctx;
	const uint8_t *nul = memchr(data, '\0', size);
	size_t text_len = nul ? (size_t)(nul - data) : size;
	char *text = malloc(text_len + 1);
	int i, r;

	if (!text)
		return 0;
	memcpy(text, data, text_len);
	text[text_len] = '\0';

	memset(&ctx, 0, sizeof(ctx));
	ctx.connected = size % 7 != 0;
	ctx.status = 200;
	ctx.response_time_ms = 42;
	ctx.body = nul ? (const char *)nul + 1 : NULL;
	ctx.body_len = nul ? size - text_len - 1 : 0;
	if (ctx.body_len > FUZZ_MAX_BODY)
		ctx.body_len = FUZZ_MAX_BODY;
	ctx.header = get_header;
	ctx.cert_expires_ms = size % 2 ? 3600000 : -1;
	ctx.ip = size % 3 ? "127.0.0.1" : NULL;

	r = da_cond_parse(text, &cond, &err);
	if (r < 0) {
		if (!err.msg[0] || strchr(err.msg, '\n') ||
		    strchr(err.msg, '\r') || cond)
			abort();
	} else {
		if (strcmp(da_cond_text(cond), text) != 0)
			abort();
		for (i = 0; i < 2; i++) {
			r = da_cond_eval(cond, &ctx, &actual, &reason);
			if (r != 0 && r != 1)
				abort();
			/* A value is cut to 120 bytes (escapes counted) and
			 * "...". */
			one_line(&actual, 123);
			one_line(&reason, 2048);
			if (r == 1 && reason.len)
				abort();
			if (r == 0 && !reason.len)
				abort();
		}
	}

	da_err_clear(&err);
	r = da_cond_resolve(text, &ctx, &out, &err);
	if (r < 0 && (!err.msg[0] || strchr(err.msg, '\n')))
		abort();
	if (r == 0 && out.len)
		abort();

	da_cond_free(cond);
	da_cond_ctx_release(&ctx);
	da_buf_release(&actual);
	da_buf_release(&reason);
	da_buf_release(&out);
	free(text);
	return 0;
}
