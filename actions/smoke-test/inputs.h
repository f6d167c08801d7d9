/*
 * inputs: request headers given as quick-form inputs ("Name: value"):
 * whether a line is one, and whether it carries a credential, so that
 * main.c can refuse a malformed one and mask the value of a secret one.
 * Nothing here allocates.
 */
#ifndef SMOKE_INPUTS_H
#define SMOKE_INPUTS_H

/* True when line opens with a field name (RFC 9110 token) and a colon. */
int smoke_header_valid(const char *line);

/*
 * True when the header line's name says it carries a credential, by
 * da_http_secret_name() (Authorization, Cookie, X-Api-Key, ...).
 */
int smoke_header_secret(const char *line);

/* The value part of a "Name: value" line, blanks skipped; "" if none. */
const char *smoke_header_value(const char *line);

#endif
