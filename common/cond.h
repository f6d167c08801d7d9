/*
 * cond: the condition language of health checks, Gatus-style and exact.
 *
 *   [STATUS] == 200                 [STATUS] == any(200, 204)
 *   [RESPONSE_TIME] < 300           [BODY].status == UP
 *   [BODY].items[0].id == 42        len([BODY].items) > 0
 *   has([BODY].version)             [BODY] == pat(*ok*)
 *   [HEADER].content-type == pat(application/json*)
 *   [CERTIFICATE_EXPIRATION] > 72h  [CONNECTED] == true   [IP] == 127.0.0.1
 *   [BODY].version == "1.4.2"       (the check module puts ${ENV:NAME}
 *                                    values in as quoted literals, so a
 *                                    value is never read as syntax)
 *
 * A condition is "<left> <op> <right>" with the operator between spaces
 * (==, !=, <, <=, >, >=), or has(...) alone. == and != compare numerically
 * when both sides are integers (0x.. accepted), else as strings; pat() is a
 * glob (* any run, ? one character) and any() a list, both only on the
 * right of == and !=. <, <=, >, >= are numeric; a side written as a
 * duration (72h, 500ms) counts in milliseconds. Unlike Gatus, a side that
 * is not a number makes the condition false with a reason, never 0.
 *
 * Sides in detail. [BODY] alone is the raw body; a path (.key, [0],
 * ["key.with.dots"]) looks into it as JSON. JSON values read as text:
 * strings as they are, numbers as JSON writes them, true, false, null,
 * objects and arrays as compact JSON with sorted keys. len() counts the
 * items of an array or object and the characters of a string; len([BODY])
 * of a body that is not a JSON array, object or string counts its bytes.
 * has([BODY]) says the body is JSON. A literal is trimmed unless quoted
 * ("a b ", with \" \\ \n \r \t); quote one that starts with '[' or
 * holds an operator between spaces. Decimals compare as numbers under ==
 * only when one side is a JSON number (1.50 == 1.5), so that versions
 * such as 1.10 and 1.1 stay distinct. pat()'s '?' is one UTF-8 character.
 * At least one side must be a placeholder or len()/has(). Without a
 * response only [CONNECTED], [CERTIFICATE_EXPIRATION] and [IP] resolve.
 *
 * Parsing is strict: a condition that cannot be parsed is an error with
 * its column (1-based), never a condition that is false. Evaluation never
 * fails on what the server sent: a path that does not resolve, a body that
 * is not JSON, a missing header make the condition false, and the reason
 * ("[BODY].status: body is not JSON") says why.
 *
 * A compiled condition owns its memory (da_cond_free()). The context is
 * the caller's; da_cond_ctx_release() frees the JSON parse of the body that
 * evaluation caches in it.
 */
#ifndef DA_COND_H
#define DA_COND_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "buf.h"
#include "error.h"

#define DA_MAX_COND_TEXT 4096 /* length of one condition */
#define DA_MAX_COND_ANY 64    /* values in one any(...) */

struct da_cond;

/* What one response looks like to a condition. */
struct da_cond_ctx {
	int connected;		  /* [CONNECTED]: a response came */
	long status;		  /* [STATUS]; 0 when none came */
	int64_t response_time_ms; /* [RESPONSE_TIME], whole milliseconds */
	const char *body;	  /* [BODY]; need not be NUL-terminated */
	size_t body_len;
	/* [HEADER].name: the value of a response header (case-insensitive
	 * name), or NULL when the response has none. */
	const char *(*header)(void *header_ctx, const char *name);
	void *header_ctx;
	int64_t cert_expires_ms; /* [CERTIFICATE_EXPIRATION]: ms left; -1 when
				    unknown (plain HTTP, no certificate) */
	const char *ip;		 /* [IP]: the peer address, or NULL */

	/* Filled by evaluation: the body parsed as JSON, once. */
	json_t *body_json;
	int body_json_tried;
};

/*
 * Compiles text. Errors (-DA_EINVAL) name the condition and the column:
 * "cannot parse condition '[STATUS] = 200': column 10: expected an
 * operator (==, !=, <, <=, >, >=) between spaces". Text longer than
 * DA_MAX_COND_TEXT is -DA_ELIMIT. *ret_cond is set only on success.
 */
int da_cond_parse(const char *text, struct da_cond **ret_cond,
		  struct da_err *err);

/* Frees a compiled condition. NULL-safe. */
void da_cond_free(struct da_cond *cond);

/* The text the condition was compiled from. */
const char *da_cond_text(const struct da_cond *cond);

/*
 * Evaluates cond against ctx: returns 1 (true) or 0 (false), or a negative
 * DA_E* only for out-of-memory. When actual is not NULL it receives the
 * resolved left side as a short text for reports ("404", "1.4.1",
 * "(missing)"); when reason is not NULL and the result is false it
 * receives why ("[STATUS] (404) == 200", "[BODY].version: no such key").
 * Both are replaced, not appended to (reason is emptied when true), and
 * are one line of about 120 bytes at most per value; actual shows the
 * right side when only that one is a placeholder.
 */
int da_cond_eval(const struct da_cond *cond, struct da_cond_ctx *ctx,
		 struct da_buf *actual, struct da_buf *reason);

/* Frees what evaluation cached in ctx (the body's JSON). */
void da_cond_ctx_release(struct da_cond_ctx *ctx);

/*
 * Resolves a placeholder with its path ("[BODY].token",
 * "[HEADER].x-request-id", "[STATUS]") in ctx as text, for captures.
 * Returns 1 and appends the value to out, 0 when it does not resolve,
 * -DA_EINVAL for a malformed placeholder (err says where).
 */
int da_cond_resolve(const char *placeholder, struct da_cond_ctx *ctx,
		    struct da_buf *out, struct da_err *err);

#endif
