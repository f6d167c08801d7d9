/*
 * inputs: request headers given as quick-form inputs. See inputs.h.
 */
#include "inputs.h"

#include "common/http.h"

#include <string.h>

/* The characters of an HTTP field name (RFC 9110 token). */
static int token_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || (c && strchr("!#$%&'*+-.^_`|~", c));
}

int smoke_header_valid(const char *line)
{
	const char *p = line;

	while (token_char(*p))
		p++;
	return p > line && *p == ':';
}

int smoke_header_secret(const char *line)
{
	size_t len = strcspn(line, ":");

	return len > 0 && da_http_secret_name(line, len);
}

const char *smoke_header_value(const char *line)
{
	const char *p = strchr(line, ':');

	if (!p)
		return "";
	p++;
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}
