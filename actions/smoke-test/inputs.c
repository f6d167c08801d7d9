/*
 * inputs: the quick form's list inputs, made whole again. See inputs.h.
 */
#include "inputs.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/buf.h"

/* One rejoined condition or header at most this long. */
#define SMOKE_MAX_JOINED ((size_t)1 << 20)

void smoke_strv_free(char **v, size_t n)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Whether text leaves a parenthesis or a double quote open. */
static int open_group(const char *s)
{
	int depth = 0, quoted = 0;

	for (; *s; s++) {
		if (quoted) {
			if (*s == '\\' && s[1])
				s++;
			else if (*s == '"')
				quoted = 0;
		} else if (*s == '"') {
			quoted = 1;
		} else if (*s == '(') {
			depth++;
		} else if (*s == ')' && depth > 0) {
			depth--;
		}
	}
	return depth > 0 || quoted;
}

static int has_operator(const char *s)
{
	static const char *const ops[] = {
	    " == ", " != ", " <= ", " >= ", " < ", " > "};
	size_t i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strstr(s, ops[i]))
			return 1;
	return 0;
}

static int starts_condition(const char *prev, const char *item)
{
	if (prev && open_group(prev))
		return 0;
	return item[0] == '[' || strncmp(item, "len(", 4) == 0 ||
	       strncmp(item, "has(", 4) == 0 || has_operator(item);
}

/* The characters of an HTTP field name (RFC 9110 token). */
static int token_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static int starts_header(const char *prev, const char *item)
{
	const char *p = item;

	(void)prev;
	while (token_char(*p))
		p++;
	return p > item && *p == ':';
}

/*
 * Joins items: each item for which starts(previous text, item) is false
 * is appended to the previous one after ", ". With strict_first, a first
 * item that cannot start one is an error.
 */
static int join(const char *const *items, size_t n,
		int (*starts)(const char *prev, const char *item),
		int strict_first, const char *what, char ***ret_v,
		size_t *ret_n, struct da_err *err)
{
	struct da_buf cur = DA_BUF_INIT(SMOKE_MAX_JOINED);
	char **v = NULL, *s;
	size_t nv = 0, i;
	int r = 0;

	if (n && strict_first && !starts(NULL, items[0])) {
		r = da_err_set(err, DA_EINVAL,
			       "invalid %s '%s': expected \"Name: value\"",
			       what, items[0]);
		goto out;
	}
	v = calloc(n ? n : 1, sizeof(*v));
	if (!v)
		goto nomem;
	for (i = 0; i < n; i++) {
		if (i && starts(da_buf_str(&cur), items[i])) {
			s = da_buf_detach(&cur, NULL);
			if (!s)
				goto nomem;
			v[nv++] = s;
		} else if (i) {
			r = da_buf_adds(&cur, ", ");
		}
		if (r == 0)
			r = da_buf_adds(&cur, items[i]);
		if (r < 0) {
			r = da_err_set(err, -r,
				       "%s '%.40s...' is over %zu bytes", what,
				       da_buf_str(&cur), SMOKE_MAX_JOINED);
			goto out;
		}
	}
	if (n) {
		s = da_buf_detach(&cur, NULL);
		if (!s)
			goto nomem;
		v[nv++] = s;
	}
	*ret_v = v;
	*ret_n = nv;
	v = NULL;
	nv = 0;
	goto out;
nomem:
	r = da_err_set(err, DA_ENOMEM, "cannot read the %ss: out of memory",
		       what);
out:
	smoke_strv_free(v, nv);
	da_buf_release(&cur);
	return r;
}

int smoke_join_conditions(const char *const *items, size_t n, char ***ret_v,
			  size_t *ret_n, struct da_err *err)
{
	return join(items, n, starts_condition, 0, "condition", ret_v, ret_n,
		    err);
}

int smoke_join_headers(const char *const *items, size_t n, char ***ret_v,
		       size_t *ret_n, struct da_err *err)
{
	return join(items, n, starts_header, 1, "header", ret_v, ret_n, err);
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
