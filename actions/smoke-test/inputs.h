/*
 * inputs: the quick form's list inputs, made whole again.
 *
 * The option module splits a list on commas as well as newlines, which
 * suits names but cuts a condition such as "[STATUS] == any(200, 204)" or
 * a header such as "Accept: text/html, application/json" in two. These
 * functions put such pieces back together: a piece that cannot begin a
 * condition (or a header) continues the one before it, joined with ", ".
 *
 * They also tell which headers carry credentials, so main.c can mask
 * their values.
 *
 * Results are new arrays of new strings, owned by the caller and freed
 * with smoke_strv_free(); inputs are only read.
 */
#ifndef SMOKE_INPUTS_H
#define SMOKE_INPUTS_H

#include <stddef.h>

#include "common/check.h"
#include "common/error.h"

/*
 * Rejoins list items into conditions. An item starts a new condition when
 * the text so far has balanced parentheses and quotes, and the item opens
 * with a placeholder ("[", "len(", "has(") or holds an operator between
 * spaces; otherwise it continues the previous condition.
 */
int smoke_join_conditions(const char *const *items, size_t n, char ***ret_v,
			  size_t *ret_n, struct da_err *err);

/*
 * Rejoins list items into "Name: value" headers: an item that does not
 * open with a header name and a colon continues the previous header. A
 * first item that is not a header is an error naming it.
 */
int smoke_join_headers(const char *const *items, size_t n, char ***ret_v,
		       size_t *ret_n, struct da_err *err);

/* Frees n strings and the array. NULL-safe. */
void smoke_strv_free(char **v, size_t n);

/*
 * True when the header line's name says it carries a credential
 * (Authorization, Cookie, or a name with token, key, secret, auth,
 * session, password, signature or credential in it).
 */
int smoke_header_secret(const char *line);

/* The value part of a "Name: value" line, blanks skipped; "" if none. */
const char *smoke_header_value(const char *line);

#endif
