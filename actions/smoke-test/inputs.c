/*
 * inputs: request headers given as quick-form inputs. See inputs.h.
 */
#include "inputs.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
	static const char *const words[] = {
	    "authorization", "cookie",	"token",    "key",	 "secret",
	    "auth",	     "session", "password", "signature", "credential",
	};
	char name[128];
	size_t len = strcspn(line, ":"), i;

	if (len == 0 || len >= sizeof(name))
		return len >= sizeof(name);
	for (i = 0; i < len; i++)
		name[i] = (char)tolower((unsigned char)line[i]);
	name[len] = '\0';
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strstr(name, words[i]))
			return 1;
	return 0;
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
