#include "check.h"
#include "fs.h"
#include "json.h"
#include "time.h"
#include "yaml.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Longest text of one message part, a capture value, a header name. */
#define DA_MAX_CHECK_TEXT ((size_t)64 << 10)
#define MAX_NAME 256
#define MAX_CAPTURE_NAME 64
/* What a check without conditions or expect-status asks: a 2xx status. */
#define DEFAULT_COND "[STATUS] == pat(2?\?)"

static const char *const top_keys[] = {
    "base-url", "wait", "defaults", "checks", NULL,
};
static const char *const wait_keys[] = {
    "timeout",
    "interval",
    "consecutive-successes",
    NULL,
};
static const char *const default_keys[] = {
    "timeout", "headers", "samples", "follow-redirects", NULL,
};
static const char *const check_keys[] = {
    "name",	  "url",     "method",	"headers",	    "body",
    "json",	  "timeout", "ready",	"follow-redirects", "expect-status",
    "conditions", "capture", "samples", "latency",	    "tags",
    NULL,
};

/* ---- secrets ---- */

static int add_secret(struct da_check_spec *spec, const char *value)
{
	char **v;
	size_t i;

	if (!spec || !*value)
		return 0;
	for (i = 0; i < spec->n_secrets; i++)
		if (strcmp(spec->secrets[i], value) == 0)
			return 0;
	v = realloc(spec->secrets, (spec->n_secrets + 1) * sizeof(*v));
	if (!v)
		return -DA_ENOMEM;
	spec->secrets = v;
	v[spec->n_secrets] = strdup(value);
	if (!v[spec->n_secrets])
		return -DA_ENOMEM;
	spec->n_secrets++;
	return 0;
}

int da_check_mask(const struct da_check_spec *spec, const char *text,
		  struct da_buf *out)
{
	const char *p = text;
	size_t i, best_len, n;
	int r;

	while (*p) {
		/* The longest secret starting here wins ("abc" over "ab"). */
		best_len = 0;
		for (i = 0; spec && i < spec->n_secrets; i++) {
			n = strlen(spec->secrets[i]);
			if (n > best_len &&
			    strncmp(p, spec->secrets[i], n) == 0)
				best_len = n;
		}
		if (best_len) {
			r = da_buf_adds(out, "***");
			p += best_len;
		} else {
			r = da_buf_addch(out, *p++);
		}
		if (r < 0)
			return r;
	}
	return 0;
}

/* Replaces the message in err by its masked form. */
static void mask_err(const struct da_check_spec *spec, struct da_err *err)
{
	struct da_buf b = DA_BUF_INIT((size_t)DA_ERR_MSG_MAX * 2);
	int r;

	if (!err || !spec || !spec->n_secrets)
		return;
	if (da_check_mask(spec, err->msg, &b) == 0) {
		r = snprintf(err->msg, sizeof(err->msg), "%s", da_buf_str(&b));
		if (r < 0)
			err->msg[0] = '\0';
	} else {
		r = snprintf(err->msg, sizeof(err->msg), "%s",
			     "(message hidden: it held a secret)");
		if (r < 0)
			err->msg[0] = '\0';
	}
	da_buf_release(&b);
}

/* A malloc()ed copy of text with the secrets masked; NULL on no memory. */
static char *masked_dup(const struct da_check_spec *spec, const char *text)
{
	struct da_buf b = DA_BUF_INIT(DA_MAX_CHECK_TEXT);

	if (da_check_mask(spec, text, &b) < 0) {
		da_buf_release(&b);
		return strdup("(hidden)");
	}
	return da_buf_detach(&b, NULL);
}

/* ---- ${ENV:NAME} and ${capture} ---- */

static int name_start(int c)
{
	return isalpha(c) || c == '_';
}

static int name_char(int c)
{
	return isalnum(c) || c == '_' || c == '-';
}

/* Whether text[0..n) leaves a "..." of a condition open, from in_quote. */
static int quote_state(const char *text, size_t n, int in_quote)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (in_quote && text[i] == '\\' && i + 1 < n)
			i++;
		else if (text[i] == '"')
			in_quote = !in_quote;
	}
	return in_quote;
}

/* Appends val as the inside of a condition's "..." literal. */
static int add_quoted(struct da_buf *out, const char *val)
{
	int r = 0;

	for (; *val && r == 0; val++) {
		switch (*val) {
		case '"':
			r = da_buf_adds(out, "\\\"");
			break;
		case '\\':
			r = da_buf_adds(out, "\\\\");
			break;
		case '\n':
			r = da_buf_adds(out, "\\n");
			break;
		case '\r':
			r = da_buf_adds(out, "\\r");
			break;
		case '\t':
			r = da_buf_adds(out, "\\t");
			break;
		default:
			r = da_buf_addch(out, *val);
		}
	}
	return r;
}

/*
 * The expansion behind da_check_expand_env(). With literal set (for a
 * condition) each value becomes a quoted literal, inside the quotes it
 * stands in or in quotes of its own, so that a value is compared as text
 * and never read as condition syntax ("pat(*)", "[BODY].x", " == ").
 */
static int expand_env(struct da_check_spec *spec, const char *text, int literal,
		      struct da_buf *out, struct da_err *err)
{
	const char *p = text, *q, *name, *end, *val;
	char var[MAX_NAME];
	int in_quote = 0;
	size_t i, n;
	int r;

	while ((q = strstr(p, "${ENV:"))) {
		r = da_buf_add(out, p, (size_t)(q - p));
		if (r < 0)
			goto limit;
		if (literal)
			in_quote = quote_state(p, (size_t)(q - p), in_quote);
		name = q + 6;
		end = strchr(name, '}');
		if (!end)
			return da_err_set(err, DA_EINVAL,
					  "'${ENV:' without a closing '}'");
		n = (size_t)(end - name);
		if (n == 0 || n >= sizeof(var) ||
		    !name_start((unsigned char)name[0]))
			goto bad_name;
		for (i = 0; i < n; i++)
			if (!isalnum((unsigned char)name[i]) && name[i] != '_')
				goto bad_name;
		memcpy(var, name, n);
		var[n] = '\0';
		val = getenv(var);
		if (!val)
			return da_err_set(err, DA_EINVAL,
					  "environment variable '%s' is not "
					  "set: set it or remove '${ENV:%s}'",
					  var, var);
		if (!literal) {
			r = da_buf_adds(out, val);
		} else {
			/* Reports may show the escaped form: a secret too. */
			struct da_buf esc = DA_BUF_INIT(DA_MAX_CHECK_SPEC);

			r = add_quoted(&esc, val);
			if (r == 0 && !in_quote)
				r = da_buf_addch(out, '"');
			if (r == 0)
				r = da_buf_add(out, esc.data, esc.len);
			if (r == 0 && !in_quote)
				r = da_buf_addch(out, '"');
			if (r == 0 && strcmp(da_buf_str(&esc), val) != 0 &&
			    add_secret(spec, da_buf_str(&esc)) < 0)
				r = -DA_ENOMEM;
			da_buf_release(&esc);
		}
		if (r < 0)
			goto limit;
		if (add_secret(spec, val) < 0)
			return da_err_set(err, DA_ENOMEM, "out of memory");
		p = end + 1;
	}
	r = da_buf_adds(out, p);
	if (r < 0)
		goto limit;
	return 0;
bad_name:
	return da_err_set(err, DA_EINVAL,
			  "invalid environment variable name in '${ENV:%.*s}'",
			  (int)(end - name > 64 ? 64 : end - name), name);
limit:
	return da_err_set(err, -r,
			  r == -DA_ENOMEM ? "out of memory"
					  : "text too long after expanding "
					    "${ENV:...}");
}

int da_check_expand_env(struct da_check_spec *spec, const char *text,
			struct da_buf *out, struct da_err *err)
{
	return expand_env(spec, text, 0, out, err);
}

/*
 * Finds the next ${name} (not ${ENV:...}) at or after p. Returns a pointer
 * to its '$' with *ret_name and *ret_len set, or NULL.
 */
static const char *next_ref(const char *p, const char **ret_name,
			    size_t *ret_len)
{
	const char *q, *n;

	while ((q = strstr(p, "${"))) {
		n = q + 2;
		if (name_start((unsigned char)*n)) {
			const char *e = n;

			while (name_char((unsigned char)*e))
				e++;
			if (*e == '}' &&
			    !(e - n == 3 && !strncmp(n, "ENV", 3))) {
				*ret_name = n;
				*ret_len = (size_t)(e - n);
				return q;
			}
		}
		p = q + 2;
	}
	return NULL;
}

/* ---- latency gates and percentiles ---- */

int da_check_latency_parse(const char *text, struct da_latency_gate *ret_gate,
			   struct da_err *err)
{
	static const struct {
		const char *name;
		enum da_latency_stat stat;
	} stats[] = {
	    {"p50", DA_LATENCY_P50},   {"p95", DA_LATENCY_P95},
	    {"p99", DA_LATENCY_P99},   {"max", DA_LATENCY_MAX},
	    {"mean", DA_LATENCY_MEAN},
	};
	struct da_latency_gate g;
	const char *p = text, *w;
	char num[DA_TIME_MAX_TEXT];
	size_t i, n;
	int64_t ms = 0;
	int plain = 1, r;

	memset(&g, 0, sizeof(g));
	while (*p == ' ' || *p == '\t')
		p++;
	w = p;
	while (isalnum((unsigned char)*p))
		p++;
	n = (size_t)(p - w);
	for (i = 0; i < sizeof(stats) / sizeof(stats[0]); i++)
		if (strlen(stats[i].name) == n &&
		    strncasecmp(w, stats[i].name, n) == 0)
			break;
	if (i == sizeof(stats) / sizeof(stats[0]))
		return da_err_set(err, DA_EINVAL,
				  "cannot parse latency gate '%.128s': want "
				  "p50, p95, p99, max or mean, then < or <= "
				  "and a duration (p95 < 500ms)",
				  text);
	g.stat = stats[i].stat;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != '<')
		return da_err_set(err, DA_EINVAL,
				  "cannot parse latency gate '%.128s': want "
				  "< or <= after '%.*s'",
				  text, (int)n, w);
	p++;
	if (*p == '=') {
		g.or_equal = 1;
		p++;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	n = strlen(p);
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	if (n == 0 || n >= sizeof(num))
		return da_err_set(err, DA_EINVAL,
				  "cannot parse latency gate '%.128s': want a "
				  "duration after the operator",
				  text);
	memcpy(num, p, n);
	num[n] = '\0';
	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)num[i]) && num[i] != '.')
			plain = 0;
	/* A plain number is milliseconds here, as in [RESPONSE_TIME]. */
	if (plain) {
		char *end = NULL;
		double v = strtod(num, &end);

		if (!end || *end || v < 0 || v > 9e15)
			return da_err_set(err, DA_EINVAL,
					  "cannot parse latency gate '%.128s': "
					  "bad number '%s'",
					  text, num);
		ms = (int64_t)(v + 0.5);
	} else {
		r = da_time_parse_duration(num, &ms, err);
		if (r < 0) {
			da_err_prefix(err, "latency gate '%.128s'", text);
			return r;
		}
	}
	g.limit_ms = ms;
	g.text = strdup(text);
	if (!g.text)
		return da_err_set(err, DA_ENOMEM, "out of memory");
	*ret_gate = g;
	return 0;
}

int64_t da_check_percentile(const int64_t *sorted, size_t n, int p)
{
	size_t rank;

	if (!n)
		return 0;
	if (p <= 0)
		return sorted[0];
	if (p >= 100)
		return sorted[n - 1];
	/* Nearest rank: the smallest value with at least p% at or below. */
	rank = ((size_t)p * n + 99) / 100;
	if (rank < 1)
		rank = 1;
	return sorted[rank - 1];
}

/* ---- freeing ---- */

static void free_strv(char **v, size_t n)
{
	size_t i;

	for (i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

static void check_release(struct da_check *c)
{
	size_t i;

	free(c->name);
	free(c->method);
	free(c->url);
	free_strv(c->headers, c->n_headers);
	free(c->body);
	for (i = 0; c->conds && i < c->n_conds; i++)
		da_cond_free(c->conds[i]);
	free(c->conds);
	for (i = 0; c->captures && i < c->n_captures; i++) {
		free(c->captures[i].name);
		free(c->captures[i].from);
	}
	free(c->captures);
	for (i = 0; c->gates && i < c->n_gates; i++)
		free(c->gates[i].text);
	free(c->gates);
	free_strv(c->tags, c->n_tags);
	memset(c, 0, sizeof(*c));
}

void da_check_spec_free(struct da_check_spec *spec)
{
	size_t i;

	if (!spec)
		return;
	for (i = 0; spec->checks && i < spec->n_checks; i++)
		check_release(&spec->checks[i]);
	free(spec->checks);
	free_strv(spec->secrets, spec->n_secrets);
	free(spec->source);
	free(spec);
}

static struct da_check_spec *spec_new(const char *source)
{
	struct da_check_spec *spec = calloc(1, sizeof(*spec));

	if (!spec)
		return NULL;
	spec->source = strdup(source);
	if (!spec->source) {
		free(spec);
		return NULL;
	}
	spec->wait_timeout_ms = -1;
	spec->interval_ms = -1;
	spec->consecutive = -1;
	return spec;
}

/* ---- URLs ---- */

static int is_absolute(const char *url)
{
	return strncasecmp(url, "http://", 7) == 0 ||
	       strncasecmp(url, "https://", 8) == 0;
}

/* A scheme other than http(s) ("ftp://x", "file:/x"). */
static int other_scheme(const char *url)
{
	const char *p = url;

	if (!isalpha((unsigned char)*p))
		return 0;
	while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' ||
	       *p == '.')
		p++;
	return *p == ':' && !is_absolute(url) && p[1] == '/';
}

/* base + "/" + rel, with exactly one '/' between them. */
static int join_url(const char *base, const char *rel, struct da_buf *out)
{
	size_t n = strlen(base);
	int r;

	while (n > 0 && base[n - 1] == '/')
		n--;
	while (*rel == '/')
		rel++;
	r = da_buf_add(out, base, n);
	if (r == 0 && (*rel != '?' && *rel != '#'))
		r = da_buf_addch(out, '/');
	if (r == 0)
		r = da_buf_adds(out, rel);
	return r;
}

/* The path of a URL as written, for default names ("GET /health"). */
static const char *url_path(const char *url)
{
	const char *p;

	if (!is_absolute(url))
		return url;
	p = strstr(url, "://") + 3;
	p += strcspn(p, "/?#");
	return *p ? p : "/";
}

/* ---- the loader ---- */

struct capdef {
	const char *name; /* borrowed from the check that captures it */
	size_t check;
};

struct loader {
	struct da_yaml_doc *doc;
	const char *file;
	struct da_check_spec *spec;
	struct da_err *err;
	const char *base; /* the base URL in use, or NULL */
	char *base_owned;
	json_t *defaults;
	struct capdef *caps;
	size_t n_caps;
};

static int lerr(struct loader *L, int line, int e, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Fails with "file:line: message", secrets masked. */
static int lerr(struct loader *L, int line, int e, const char *fmt, ...)
{
	char msg[DA_ERR_MSG_MAX];
	va_list ap;
	int n;

	if (e <= 0)
		e = DA_EINVAL;
	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		msg[0] = '\0';
	if (line > 0)
		da_err_set(L->err, e, "%s:%d: %s", L->file, line, msg);
	else
		da_err_set(L->err, e, "%s: %s", L->file, msg);
	mask_err(L->spec, L->err);
	return -e;
}

/* Same, with a message already in L->err as the tail. */
static int lerr_wrap(struct loader *L, int line, int r, const char *ctx)
{
	char tail[DA_ERR_MSG_MAX];
	int n = snprintf(tail, sizeof(tail), "%s", L->err ? L->err->msg : "");

	if (n < 0)
		tail[0] = '\0';
	return lerr(L, line, r < 0 ? -r : DA_EINVAL, "%s%s", ctx, tail);
}

static int key_line(struct loader *L, const json_t *obj, const char *key,
		    int dflt)
{
	int line = da_yaml_key_line(L->doc, obj, key);

	return line > 0 ? line : dflt;
}

static int node_line(struct loader *L, const json_t *node, int dflt)
{
	int line = da_yaml_line(L->doc, node);

	return line > 0 ? line : dflt;
}

static int known(const char *const *keys, const char *key)
{
	size_t i;

	for (i = 0; keys[i]; i++)
		if (strcmp(keys[i], key) == 0)
			return 1;
	return 0;
}

/* The first key of obj not in keys, with its line; 0 when none. */
static int check_keys_of(struct loader *L, const json_t *obj,
			 const char *const *keys, const char *where, int dflt)
{
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)obj, key, v)
	{
		if (!known(keys, key))
			return lerr(L, key_line(L, obj, key, dflt), DA_EINVAL,
				    "unknown key '%.64s'%s", key, where);
	}
	return 0;
}

/* Expands ${ENV:...} in text into a new string *ret. */
static int expand_as(struct loader *L, const char *text, int literal, int line,
		     const char *what, char **ret, size_t *ret_len)
{
	struct da_buf b = DA_BUF_INIT(DA_MAX_CHECK_SPEC);
	char ctx[MAX_NAME + 64];
	int r, n;

	r = expand_env(L->spec, text, literal, &b, L->err);
	if (r < 0) {
		da_buf_release(&b);
		n = snprintf(ctx, sizeof(ctx), "%s: ", what);
		if (n < 0 || (size_t)n >= sizeof(ctx))
			ctx[0] = '\0';
		lerr_wrap(L, line, r, ctx);
		return r;
	}
	*ret = da_buf_detach(&b, ret_len);
	if (!*ret) {
		lerr(L, line, DA_ENOMEM, "out of memory");
		return -DA_ENOMEM;
	}
	return 0;
}

static int expand(struct loader *L, const char *text, int line,
		  const char *what, char **ret, size_t *ret_len)
{
	return expand_as(L, text, 0, line, what, ret, ret_len);
}

/* Text of a scalar for places that take numbers and booleans as text. */
static int scalar_text(const json_t *v, char *buf, size_t size,
		       const char **ret)
{
	int n;

	if (json_is_string(v)) {
		*ret = json_string_value(v);
		return 0;
	}
	if (json_is_integer(v))
		n = snprintf(buf, size, "%" JSON_INTEGER_FORMAT,
			     json_integer_value(v));
	else if (json_is_real(v))
		n = snprintf(buf, size, "%.17g", json_real_value(v));
	else if (json_is_boolean(v))
		n = snprintf(buf, size, "%s",
			     json_is_true(v) ? "true" : "false");
	else
		return -1;
	if (n < 0 || (size_t)n >= size)
		return -1;
	*ret = buf;
	return 0;
}

static int get_duration(struct loader *L, const json_t *obj, const char *key,
			const char *where, int64_t *ret_ms)
{
	json_t *v = json_object_get(obj, key);
	int line = key_line(L, obj, key, 0);
	const char *text;
	char buf[64];
	int64_t ms;
	int r;

	if (json_is_string(v) || json_is_integer(v) || json_is_real(v)) {
		if (scalar_text(v, buf, sizeof(buf), &text) < 0)
			return lerr(L, line, DA_EINVAL, "bad %s", key);
		r = da_time_parse_duration(text, &ms, L->err);
		if (r < 0) {
			char ctx[MAX_NAME + 64];
			int n =
			    snprintf(ctx, sizeof(ctx), "%s'%s': ", where, key);

			if (n < 0 || (size_t)n >= sizeof(ctx))
				ctx[0] = '\0';
			return lerr_wrap(L, line, r, ctx);
		}
		if (ms <= 0)
			return lerr(L, line, DA_EINVAL,
				    "%s'%s' must be more than 0", where, key);
		*ret_ms = ms;
		return 0;
	}
	return lerr(L, line, DA_EINVAL,
		    "%s'%s' must be a duration (500ms, 5s, 2m), not %s", where,
		    key, da_json_type_name(v));
}

static int get_int(struct loader *L, const json_t *obj, const char *key,
		   const char *where, long long lo, long long hi,
		   long long *ret)
{
	json_t *v = json_object_get(obj, key);
	long long n;

	if (!json_is_integer(v) || (n = json_integer_value(v)) < lo || n > hi)
		return lerr(L, key_line(L, obj, key, 0), DA_EINVAL,
			    "%s'%s' must be an integer from %lld to %lld",
			    where, key, lo, hi);
	*ret = n;
	return 0;
}

static int get_bool(struct loader *L, const json_t *obj, const char *key,
		    const char *where, int *ret)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_boolean(v))
		return lerr(L, key_line(L, obj, key, 0), DA_EINVAL,
			    "%s'%s' must be true or false, not %s", where, key,
			    da_json_type_name(v));
	*ret = json_is_true(v);
	return 0;
}

static int valid_header_name(const char *s)
{
	const char *p;

	if (!*s)
		return 0;
	for (p = s; *p; p++)
		if (!isalnum((unsigned char)*p) &&
		    !strchr("!#$%&'*+-.^_`|~", *p))
			return 0;
	return 1;
}

/* Adds "Name: value" to c, replacing a header of that name. */
static int put_header(struct da_check *c, const char *name, const char *value)
{
	size_t n = strlen(name), i;
	struct da_buf b = DA_BUF_INIT(DA_MAX_CHECK_TEXT);
	char **v, *line;

	if (da_buf_addf(&b, "%s: %s", name, value) < 0) {
		da_buf_release(&b);
		return -DA_ELIMIT;
	}
	line = da_buf_detach(&b, NULL);
	if (!line)
		return -DA_ENOMEM;
	for (i = 0; i < c->n_headers; i++) {
		if (strncasecmp(c->headers[i], name, n) == 0 &&
		    c->headers[i][n] == ':') {
			free(c->headers[i]);
			c->headers[i] = line;
			return 0;
		}
	}
	v = realloc(c->headers, (c->n_headers + 1) * sizeof(*v));
	if (!v) {
		free(line);
		return -DA_ENOMEM;
	}
	c->headers = v;
	v[c->n_headers++] = line;
	return 0;
}

static int has_header(const struct da_check *c, const char *name)
{
	size_t n = strlen(name), i;

	for (i = 0; i < c->n_headers; i++)
		if (strncasecmp(c->headers[i], name, n) == 0 &&
		    c->headers[i][n] == ':')
			return 1;
	return 0;
}

static int load_headers(struct loader *L, struct da_check *c,
			const json_t *owner, const char *where)
{
	json_t *hs = json_object_get(owner, "headers"), *v;
	int line = key_line(L, owner, "headers", c->line);
	const char *name, *text;
	char buf[64], *value = NULL;
	int r;

	if (!json_is_object(hs))
		return lerr(L, line, DA_EINVAL,
			    "%s'headers' must be a mapping of names to values, "
			    "not %s",
			    where, da_json_type_name(hs));
	json_object_foreach(hs, name, v)
	{
		int hl = key_line(L, hs, name, line);

		if (!valid_header_name(name))
			return lerr(L, hl, DA_EINVAL,
				    "%sinvalid header name '%.64s'", where,
				    name);
		if (scalar_text(v, buf, sizeof(buf), &text) < 0)
			return lerr(L, hl, DA_EINVAL,
				    "%sheader '%.64s' must have a text value, "
				    "not %s",
				    where, name, da_json_type_name(v));
		r = expand(L, text, hl, "header", &value, NULL);
		if (r < 0)
			return r;
		if (strchr(value, '\n') || strchr(value, '\r')) {
			free(value);
			return lerr(L, hl, DA_EINVAL,
				    "%sheader '%.64s' spans lines", where,
				    name);
		}
		r = put_header(c, name, value);
		free(value);
		if (r < 0)
			return lerr(L, hl, -r, "%sheader '%.64s' is too long",
				    where, name);
	}
	return 0;
}

/* Expands ${ENV:...} in every string of a JSON tree (a copy). */
static int expand_tree(struct loader *L, json_t *v, int line)
{
	const char *key;
	json_t *item;
	size_t i;
	char *text;
	int r;

	if (json_is_string(v)) {
		r = expand(L, json_string_value(v), line, "json", &text, NULL);
		if (r < 0)
			return r;
		r = json_string_set(v, text);
		free(text);
		if (r < 0)
			return lerr(L, line, DA_EINVAL,
				    "json: a value is not valid UTF-8");
		return 0;
	}
	if (json_is_array(v)) {
		json_array_foreach(v, i, item)
		{
			r = expand_tree(L, item, line);
			if (r < 0)
				return r;
		}
	} else if (json_is_object(v)) {
		json_object_foreach(v, key, item)
		{
			r = expand_tree(L, item, line);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/* Validates ${capture} references in text against earlier checks. */
static int check_refs(struct loader *L, const char *text, int line,
		      const char *where, const char *what)
{
	const char *p = text, *name, *q;
	size_t n, i;

	while ((q = next_ref(p, &name, &n))) {
		for (i = 0; i < L->n_caps; i++)
			if (strlen(L->caps[i].name) == n &&
			    strncmp(L->caps[i].name, name, n) == 0)
				break;
		if (i == L->n_caps)
			return lerr(L, line, DA_EINVAL,
				    "%s%s uses '${%.*s}', which no earlier "
				    "check captures",
				    where, what, (int)n, name);
		p = q + 2;
	}
	return 0;
}

/* One list of strings: a sequence, or a single string. */
static int string_list(struct loader *L, const json_t *owner, const char *key,
		       const char *where, json_t **ret_list)
{
	json_t *v = json_object_get(owner, key), *item;
	size_t i;

	if (json_is_string(v)) {
		*ret_list = json_pack("[O]", v);
		if (!*ret_list)
			return lerr(L, 0, DA_ENOMEM, "out of memory");
		return 0;
	}
	if (!json_is_array(v))
		return lerr(L, key_line(L, owner, key, 0), DA_EINVAL,
			    "%s'%s' must be a list of text, not %s", where, key,
			    da_json_type_name(v));
	json_array_foreach(v, i, item)
	{
		if (!json_is_string(item))
			return lerr(
			    L, node_line(L, item, key_line(L, owner, key, 0)),
			    DA_EINVAL, "%s'%s' entry %zu must be text, not %s",
			    where, key, i + 1, da_json_type_name(item));
	}
	*ret_list = json_incref(v);
	return 0;
}

static int add_cond(struct loader *L, struct da_check *c, const char *text,
		    int line, const char *where)
{
	struct da_cond **v, *cond = NULL;
	const char *name;
	size_t n;
	char *x = NULL;
	int r;

	/*
	 * Syntax errors are found on the text as written, so that a message
	 * never shows (or counts the columns of) a value from ${ENV:...};
	 * the values then go in as quoted literals.
	 */
	r = da_cond_parse(text, &cond, L->err);
	if (r < 0 && !strstr(text, "${ENV:"))
		return lerr_wrap(L, line, r, where);
	da_cond_free(cond);
	cond = NULL;
	r = expand_as(L, text, 1, line, "condition", &x, NULL);
	if (r < 0)
		return r;
	if (next_ref(x, &name, &n)) {
		r = lerr(L, line, DA_EINVAL,
			 "%scondition '%.128s' uses '${%.*s}': captures may "
			 "appear in url, headers and body only",
			 where, text, (int)n, name);
		goto out;
	}
	r = da_cond_parse(x, &cond, NULL);
	if (r < 0) {
		r = lerr(L, line, DA_EINVAL,
			 "%scondition '%.128s' does not parse once its "
			 "${ENV:...} values are in as quoted text; inside "
			 "pat() or any() quote them with what surrounds "
			 "them: pat(\"${ENV:V}*\")",
			 where, text);
		goto out;
	}
	v = realloc(c->conds, (c->n_conds + 1) * sizeof(struct da_cond *));
	if (!v) {
		r = lerr(L, line, DA_ENOMEM, "out of memory");
		goto out;
	}
	c->conds = v;
	v[c->n_conds++] = cond;
	cond = NULL;
	r = 0;
out:
	da_cond_free(cond);
	free(x);
	return r;
}

static int load_captures(struct loader *L, struct da_check *c,
			 const json_t *obj, size_t idx, const char *where)
{
	json_t *cap = json_object_get(obj, "capture"), *v;
	int line = key_line(L, obj, "capture", c->line);
	struct da_err probe = DA_ERR_INIT;
	struct da_cond_ctx cc;
	struct da_buf sink = DA_BUF_INIT(DA_MAX_CHECK_TEXT);
	const char *name, *q;
	size_t i, n;
	int r;

	if (!json_is_object(cap))
		return lerr(L, line, DA_EINVAL,
			    "%s'capture' must be a mapping of names to "
			    "placeholders ([BODY].token), not %s",
			    where, da_json_type_name(cap));
	c->captures = calloc(json_object_size(cap) + 1, sizeof(*c->captures));
	if (!c->captures)
		return lerr(L, line, DA_ENOMEM, "out of memory");
	json_object_foreach(cap, name, v)
	{
		int cl = key_line(L, cap, name, line);

		n = strlen(name);
		for (i = 0; i < n; i++)
			if (!name_char((unsigned char)name[i]))
				break;
		if (!n || n > MAX_CAPTURE_NAME ||
		    !name_start((unsigned char)name[0]) || i < n ||
		    strcmp(name, "ENV") == 0)
			return lerr(L, cl, DA_EINVAL,
				    "%sinvalid capture name '%.64s': letters, "
				    "digits, '_' and '-', starting with a "
				    "letter",
				    where, name);
		for (i = 0; i < L->n_caps; i++)
			if (strcmp(L->caps[i].name, name) == 0)
				return lerr(
				    L, cl, DA_EINVAL,
				    "%scapture '%s' is already "
				    "captured by check '%s'",
				    where, name,
				    L->spec->checks[L->caps[i].check].name);
		if (!json_is_string(v))
			return lerr(L, cl, DA_EINVAL,
				    "%scapture '%s' must be a placeholder "
				    "([BODY].token), not %s",
				    where, name, da_json_type_name(v));
		q = json_string_value(v);
		/* Resolving against nothing tells a bad placeholder apart. */
		memset(&cc, 0, sizeof(cc));
		cc.cert_expires_ms = -1;
		r = da_cond_resolve(q, &cc, &sink, &probe);
		da_cond_ctx_release(&cc);
		da_buf_reset(&sink);
		if (r < 0) {
			da_buf_release(&sink);
			return lerr(L, cl, DA_EINVAL, "%scapture '%s': %s",
				    where, name, probe.msg);
		}
		c->captures[c->n_captures].name = strdup(name);
		c->captures[c->n_captures].from = strdup(q);
		c->n_captures++;
		if (!c->captures[c->n_captures - 1].name ||
		    !c->captures[c->n_captures - 1].from) {
			da_buf_release(&sink);
			return lerr(L, cl, DA_ENOMEM, "out of memory");
		}
	}
	da_buf_release(&sink);
	/* Only now: a check may not use what it captures itself. */
	for (i = 0; i < c->n_captures; i++) {
		struct capdef *d =
		    realloc(L->caps, (L->n_caps + 1) * sizeof(*d));

		if (!d)
			return lerr(L, line, DA_ENOMEM, "out of memory");
		L->caps = d;
		d[L->n_caps].name = c->captures[i].name;
		d[L->n_caps].check = idx;
		L->n_caps++;
	}
	return 0;
}

static int load_body(struct loader *L, struct da_check *c, const json_t *obj,
		     const char *where)
{
	json_t *body = json_object_get(obj, "body");
	json_t *js = json_object_get(obj, "json"), *copy = NULL;
	struct da_buf b = DA_BUF_INIT(DA_MAX_CHECK_SPEC);
	int line, r;

	if (body && js)
		return lerr(L, key_line(L, obj, "json", c->line), DA_EINVAL,
			    "%sgive 'body' or 'json', not both", where);
	if (body) {
		line = key_line(L, obj, "body", c->line);
		if (!json_is_string(body))
			return lerr(L, line, DA_EINVAL,
				    "%s'body' must be text (use 'json' for "
				    "JSON), not %s",
				    where, da_json_type_name(body));
		return expand(L, json_string_value(body), line, "body",
			      &c->body, &c->body_len);
	}
	if (!js)
		return 0;
	line = key_line(L, obj, "json", c->line);
	copy = json_deep_copy(js);
	if (!copy)
		return lerr(L, line, DA_ENOMEM, "out of memory");
	r = expand_tree(L, copy, line);
	if (r == 0 && da_json_dump(copy, 0, &b, L->err) < 0)
		r = lerr_wrap(L, line, DA_ELIMIT, "json: ");
	json_decref(copy);
	if (r < 0) {
		da_buf_release(&b);
		return r;
	}
	c->body = da_buf_detach(&b, &c->body_len);
	if (!c->body)
		return lerr(L, line, DA_ENOMEM, "out of memory");
	c->body_json = 1;
	if (!has_header(c, "Content-Type") &&
	    put_header(c, "Content-Type", "application/json") < 0)
		return lerr(L, line, DA_ENOMEM, "out of memory");
	return 0;
}

static int load_gates(struct loader *L, struct da_check *c, const json_t *obj,
		      const char *where)
{
	json_t *list = NULL, *item;
	size_t i;
	int r;

	r = string_list(L, obj, "latency", where, &list);
	if (r < 0)
		return r;
	c->gates = calloc(json_array_size(list) + 1, sizeof(*c->gates));
	if (!c->gates) {
		json_decref(list);
		return lerr(L, 0, DA_ENOMEM, "out of memory");
	}
	json_array_foreach(list, i, item)
	{
		r = da_check_latency_parse(json_string_value(item),
					   &c->gates[c->n_gates], L->err);
		if (r < 0) {
			r = lerr_wrap(
			    L,
			    node_line(L, item,
				      key_line(L, obj, "latency", c->line)),
			    r, where);
			break;
		}
		c->n_gates++;
	}
	json_decref(list);
	return r;
}

static int load_tags(struct loader *L, struct da_check *c, const json_t *obj,
		     const char *where)
{
	json_t *list = NULL, *item;
	size_t i;
	int r;

	r = string_list(L, obj, "tags", where, &list);
	if (r < 0)
		return r;
	c->tags = calloc(json_array_size(list) + 1, sizeof(*c->tags));
	if (!c->tags) {
		json_decref(list);
		return lerr(L, 0, DA_ENOMEM, "out of memory");
	}
	json_array_foreach(list, i, item)
	{
		c->tags[c->n_tags] = strdup(json_string_value(item));
		if (!c->tags[c->n_tags]) {
			json_decref(list);
			return lerr(L, 0, DA_ENOMEM, "out of memory");
		}
		c->n_tags++;
	}
	json_decref(list);
	return 0;
}

static int load_method(struct loader *L, struct da_check *c, const json_t *obj,
		       const char *where)
{
	json_t *m = json_object_get(obj, "method");
	int line = key_line(L, obj, "method", c->line);
	const char *s;
	size_t i, n;

	if (!m) {
		c->method = strdup("GET");
		return c->method ? 0
				 : lerr(L, line, DA_ENOMEM, "out of memory");
	}
	if (!json_is_string(m))
		return lerr(L, line, DA_EINVAL,
			    "%s'method' must be text (GET, POST), not %s",
			    where, da_json_type_name(m));
	s = json_string_value(m);
	n = strlen(s);
	for (i = 0; i < n; i++)
		if (!isalpha((unsigned char)s[i]) && s[i] != '-' && s[i] != '_')
			break;
	if (!n || n > 16 || i < n)
		return lerr(L, line, DA_EINVAL,
			    "%sinvalid method '%.32s': want a word such as "
			    "GET or POST",
			    where, s);
	c->method = strdup(s);
	if (!c->method)
		return lerr(L, line, DA_ENOMEM, "out of memory");
	for (i = 0; i < n; i++)
		c->method[i] = (char)toupper((unsigned char)c->method[i]);
	return 0;
}

/* The URL of a check: expanded, checked and joined to base-url. */
static int load_url(struct loader *L, struct da_check *c, const char *raw,
		    int line, const char *where)
{
	struct da_buf b = DA_BUF_INIT(DA_MAX_HTTP_URL);
	char *x = NULL;
	int r;

	r = expand(L, raw, line, "url", &x, NULL);
	if (r < 0)
		return r;
	if (!*x || strchr(x, ' ') || strchr(x, '\n') || strchr(x, '\r')) {
		r = lerr(L, line, DA_EINVAL,
			 "%s'url' must be a URL without spaces", where);
		goto out;
	}
	if (other_scheme(x)) {
		r = lerr(L, line, DA_EINVAL,
			 "%s'url' must be http:// or https://", where);
		goto out;
	}
	if (is_absolute(x)) {
		c->url = x;
		x = NULL;
		r = 0;
		goto out;
	}
	if (!L->base) {
		r = lerr(L, line, DA_EINVAL,
			 "%srelative url '%.128s' needs a base-url (in the "
			 "spec or from --base-url)",
			 where, raw);
		goto out;
	}
	if (join_url(L->base, x, &b) < 0) {
		r = lerr(L, line, DA_ELIMIT, "%s'url' is longer than %d bytes",
			 where, DA_MAX_HTTP_URL);
		goto out;
	}
	c->url = da_buf_detach(&b, NULL);
	r = c->url ? 0 : lerr(L, line, DA_ENOMEM, "out of memory");
out:
	free(x);
	da_buf_release(&b);
	return r;
}

static int load_check(struct loader *L, const json_t *obj, size_t idx)
{
	struct da_check *c = &L->spec->checks[idx];
	const json_t *D = L->defaults;
	json_t *v, *list = NULL, *item;
	const char *raw_url, *raw_name;
	char where[MAX_NAME + 16], sbuf[32];
	long long n = 1;
	size_t i;
	int r, k;

	c->line = node_line(L, obj, 0);
	if (!c->line) {
		int m = snprintf(sbuf, sizeof(sbuf), "checks.%zu", idx);

		if (m > 0 && (size_t)m < sizeof(sbuf))
			c->line = da_yaml_path_line(L->doc, sbuf);
	}
	c->follow_redirects = -1;
	c->ready = 1;
	c->samples = 1;
	if (!json_is_object(obj))
		return lerr(L, c->line, DA_EINVAL,
			    "check %zu must be a mapping with a 'url', not %s",
			    idx + 1, da_json_type_name(obj));

	/* The name comes first: every later message names the check. */
	v = json_object_get(obj, "name");
	if (v && (!json_is_string(v) || !*json_string_value(v)))
		return lerr(L, key_line(L, obj, "name", c->line), DA_EINVAL,
			    "check %zu: 'name' must be non-empty text",
			    idx + 1);
	raw_name = v ? json_string_value(v) : NULL;
	r = load_method(L, c, obj, "");
	if (r < 0)
		return r;
	v = json_object_get(obj, "url");
	if (!json_is_string(v)) {
		if (raw_name)
			return lerr(L, key_line(L, obj, "url", c->line),
				    DA_EINVAL, "check '%.128s': 'url' %s",
				    raw_name,
				    v ? "must be text" : "is missing");
		return lerr(L, key_line(L, obj, "url", c->line), DA_EINVAL,
			    "check %zu: 'url' %s", idx + 1,
			    v ? "must be text" : "is missing");
	}
	raw_url = json_string_value(v);
	if (raw_name) {
		c->name = strdup(raw_name);
	} else {
		struct da_buf b = DA_BUF_INIT((size_t)MAX_NAME * 4);

		if (da_buf_addf(&b, "%s %s", c->method, url_path(raw_url)) < 0)
			da_buf_truncate(&b, 0);
		c->name = da_buf_detach(&b, NULL);
	}
	if (!c->name)
		return lerr(L, c->line, DA_ENOMEM, "out of memory");
	k = snprintf(where, sizeof(where), "check '%.200s': ", c->name);
	if (k < 0 || (size_t)k >= sizeof(where))
		where[0] = '\0';
	{
		char in[MAX_NAME + 16];

		k = snprintf(in, sizeof(in), " in check '%.200s'", c->name);
		if (k < 0 || (size_t)k >= sizeof(in))
			in[0] = '\0';
		r = check_keys_of(L, obj, check_keys, in, c->line);
		if (r < 0)
			return r;
	}
	r = load_url(L, c, raw_url, key_line(L, obj, "url", c->line), where);
	if (r < 0)
		return r;

	if (D && json_object_get(D, "headers")) {
		r = load_headers(L, c, D, "defaults: ");
		if (r < 0)
			return r;
	}
	if (json_object_get(obj, "headers")) {
		r = load_headers(L, c, obj, where);
		if (r < 0)
			return r;
	}
	r = load_body(L, c, obj, where);
	if (r < 0)
		return r;

	if (json_object_get(obj, "timeout"))
		r = get_duration(L, obj, "timeout", where, &c->timeout_ms);
	else if (D && json_object_get(D, "timeout"))
		r = get_duration(L, D, "timeout", "defaults: ", &c->timeout_ms);
	if (r < 0)
		return r;
	if (json_object_get(obj, "ready")) {
		r = get_bool(L, obj, "ready", where, &c->ready);
		if (r < 0)
			return r;
	}
	if (json_object_get(obj, "follow-redirects"))
		r = get_bool(L, obj, "follow-redirects", where,
			     &c->follow_redirects);
	else if (D && json_object_get(D, "follow-redirects"))
		r = get_bool(L, D, "follow-redirects",
			     "defaults: ", &c->follow_redirects);
	if (r < 0)
		return r;
	if (json_object_get(obj, "samples"))
		r = get_int(L, obj, "samples", where, 1, DA_MAX_CHECK_SAMPLES,
			    &n);
	else if (D && json_object_get(D, "samples"))
		r = get_int(L, D, "samples", "defaults: ", 1,
			    DA_MAX_CHECK_SAMPLES, &n);
	else
		n = 1;
	if (r < 0)
		return r;
	c->samples = (int)n;

	if (json_object_get(obj, "expect-status")) {
		char cond[48];

		r = get_int(L, obj, "expect-status", where, 100, 599, &n);
		if (r < 0)
			return r;
		k = snprintf(cond, sizeof(cond), "[STATUS] == %lld", n);
		if (k < 0 || (size_t)k >= sizeof(cond))
			return lerr(L, c->line, DA_EINVAL, "bad status");
		r = add_cond(L, c, cond, key_line(L, obj, "expect-status", 0),
			     where);
		if (r < 0)
			return r;
	}
	if (json_object_get(obj, "conditions")) {
		r = string_list(L, obj, "conditions", where, &list);
		if (r < 0)
			return r;
		json_array_foreach(list, i, item)
		{
			r = add_cond(
			    L, c, json_string_value(item),
			    node_line(L, item,
				      key_line(L, obj, "conditions", c->line)),
			    where);
			if (r < 0)
				break;
		}
		json_decref(list);
		list = NULL;
		if (r < 0)
			return r;
	}
	if (!c->n_conds) {
		/* With nothing else asked, a check wants a 2xx status. */
		r = add_cond(L, c, DEFAULT_COND, c->line, where);
		if (r < 0)
			return r;
	}
	if (json_object_get(obj, "latency")) {
		r = load_gates(L, c, obj, where);
		if (r < 0)
			return r;
	}
	if (json_object_get(obj, "tags")) {
		r = load_tags(L, c, obj, where);
		if (r < 0)
			return r;
	}

	/* Captures of earlier checks only; then this check's own. */
	r = check_refs(L, c->url, key_line(L, obj, "url", c->line), where,
		       "url");
	for (i = 0; r == 0 && i < c->n_headers; i++)
		r = check_refs(L, c->headers[i],
			       key_line(L, obj, "headers", c->line), where,
			       "a header");
	if (r == 0 && c->body)
		r = check_refs(
		    L, c->body,
		    key_line(L, obj, c->body_json ? "json" : "body", c->line),
		    where, "the body");
	if (r < 0)
		return r;
	if (json_object_get(obj, "capture"))
		return load_captures(L, c, obj, idx, where);
	return 0;
}

static int cmp_name(const void *a, const void *b)
{
	const struct da_check *x = *(const struct da_check *const *)a;
	const struct da_check *y = *(const struct da_check *const *)b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x < y ? -1 : x > y;
}

static int unique_names(struct loader *L)
{
	struct da_check_spec *spec = L->spec;
	struct da_check **v;
	size_t i;
	int r = 0;

	if (spec->n_checks < 2)
		return 0;
	v = malloc(spec->n_checks * sizeof(struct da_check *));
	if (!v)
		return lerr(L, 0, DA_ENOMEM, "out of memory");
	for (i = 0; i < spec->n_checks; i++)
		v[i] = &spec->checks[i];
	qsort(v, spec->n_checks, sizeof(struct da_check *), cmp_name);
	for (i = 1; i < spec->n_checks; i++) {
		if (strcmp(v[i - 1]->name, v[i]->name) == 0) {
			r = lerr(L, v[i]->line, DA_EINVAL,
				 "check name '%.128s' is used twice (also at "
				 "line %d): give each check its own 'name'",
				 v[i]->name, v[i - 1]->line);
			break;
		}
	}
	free(v);
	return r;
}

static int load_wait(struct loader *L, const json_t *w)
{
	struct da_check_spec *spec = L->spec;
	long long n = 0;
	int r;

	if (!json_is_object(w))
		return lerr(L, key_line(L, da_yaml_root(L->doc), "wait", 0),
			    DA_EINVAL, "'wait' must be a mapping, not %s",
			    da_json_type_name(w));
	r = check_keys_of(L, w, wait_keys, " in 'wait'", 0);
	if (r == 0 && json_object_get(w, "timeout"))
		r = get_duration(L, w, "timeout",
				 "wait: ", &spec->wait_timeout_ms);
	if (r == 0 && json_object_get(w, "interval"))
		r = get_duration(L, w, "interval",
				 "wait: ", &spec->interval_ms);
	if (r == 0 && json_object_get(w, "consecutive-successes")) {
		r = get_int(L, w, "consecutive-successes", "wait: ", 1, 1000,
			    &n);
		if (r == 0)
			spec->consecutive = (int)n;
	}
	return r;
}

static int load_base(struct loader *L, const json_t *root, const char *base_url)
{
	json_t *v = json_object_get(root, "base-url");
	int line = key_line(L, root, "base-url", 0);
	int r;

	if (base_url) {
		/* The command line wins and is taken as written. */
		if (!is_absolute(base_url))
			return lerr(L, 0, DA_EINVAL,
				    "base-url '%.128s' must start with "
				    "http:// or https://",
				    base_url);
		L->base = base_url;
		return 0;
	}
	if (!v)
		return 0;
	if (!json_is_string(v))
		return lerr(L, line, DA_EINVAL,
			    "'base-url' must be text, not %s",
			    da_json_type_name(v));
	r = expand(L, json_string_value(v), line, "base-url", &L->base_owned,
		   NULL);
	if (r < 0)
		return r;
	if (!is_absolute(L->base_owned))
		return lerr(L, line, DA_EINVAL,
			    "'base-url' must start with http:// or https://");
	L->base = L->base_owned;
	return 0;
}

static int build_spec(struct loader *L, const char *base_url)
{
	json_t *root = da_yaml_root(L->doc), *checks, *item;
	size_t i, n;
	int r;

	if (!json_is_object(root))
		return lerr(L, 0, DA_EINVAL,
			    "a spec is a mapping with 'checks', not %s",
			    da_json_type_name(root));
	r = check_keys_of(L, root, top_keys, "", 0);
	if (r < 0)
		return r;
	r = load_base(L, root, base_url);
	if (r < 0)
		return r;
	if (json_object_get(root, "wait")) {
		r = load_wait(L, json_object_get(root, "wait"));
		if (r < 0)
			return r;
	}
	L->defaults = json_object_get(root, "defaults");
	if (L->defaults) {
		if (!json_is_object(L->defaults))
			return lerr(L, key_line(L, root, "defaults", 0),
				    DA_EINVAL,
				    "'defaults' must be a mapping, not %s",
				    da_json_type_name(L->defaults));
		r = check_keys_of(L, L->defaults, default_keys,
				  " in 'defaults'",
				  key_line(L, root, "defaults", 0));
		if (r < 0)
			return r;
	}
	checks = json_object_get(root, "checks");
	if (!json_is_array(checks) || !json_array_size(checks))
		return lerr(L, key_line(L, root, "checks", 0), DA_EINVAL,
			    "'checks' must be a non-empty list of checks%s",
			    checks ? "" : " and is missing");
	n = json_array_size(checks);
	if (n > DA_MAX_CHECKS)
		return lerr(L, key_line(L, root, "checks", 0), DA_ELIMIT,
			    "%zu checks, over the limit of %d", n,
			    DA_MAX_CHECKS);
	L->spec->checks = calloc(n, sizeof(*L->spec->checks));
	if (!L->spec->checks)
		return lerr(L, 0, DA_ENOMEM, "out of memory");
	json_array_foreach(checks, i, item)
	{
		L->spec->n_checks = i + 1;
		r = load_check(L, item, i);
		if (r < 0)
			return r;
	}
	return unique_names(L);
}

static int load_doc(struct da_yaml_doc *doc, const char *file,
		    const char *base_url, struct da_check_spec **ret_spec,
		    struct da_err *err)
{
	struct loader L;
	int r;

	memset(&L, 0, sizeof(L));
	L.doc = doc;
	L.file = file;
	L.err = err;
	L.spec = spec_new(file);
	if (!L.spec)
		return da_err_set(err, DA_ENOMEM, "out of memory");
	r = build_spec(&L, base_url);
	free(L.caps);
	free(L.base_owned);
	if (r < 0) {
		da_check_spec_free(L.spec);
		return r;
	}
	*ret_spec = L.spec;
	return 0;
}

int da_check_spec_load_mem(const char *name, const void *data, size_t len,
			   const char *base_url,
			   struct da_check_spec **ret_spec, struct da_err *err)
{
	struct da_yaml_doc *doc = NULL;
	int r;

	if (len > DA_MAX_CHECK_SPEC)
		return da_err_set(err, DA_ELIMIT,
				  "spec '%s' is %zu bytes, over the limit of "
				  "%zu",
				  name, len, DA_MAX_CHECK_SPEC);
	r = da_yaml_load_mem(name, data, len, 0, &doc, err);
	if (r < 0)
		return r;
	r = load_doc(doc, name, base_url, ret_spec, err);
	da_yaml_free(doc);
	return r;
}

int da_check_spec_load(const char *path, const char *base_url,
		       struct da_check_spec **ret_spec, struct da_err *err)
{
	struct da_yaml_doc *doc = NULL;
	uint64_t size = 0;
	int r;

	if (strcmp(path, "-") != 0) {
		r = da_fs_size(path, &size, err);
		if (r < 0)
			return r;
		if (size > DA_MAX_CHECK_SPEC)
			return da_err_set(err, DA_ELIMIT,
					  "spec '%s' is %llu bytes, over the "
					  "limit of %zu",
					  path, (unsigned long long)size,
					  DA_MAX_CHECK_SPEC);
	}
	r = da_config_load(path, &doc, err);
	if (r < 0)
		return r;
	r = load_doc(doc, path, base_url, ret_spec, err);
	da_yaml_free(doc);
	return r;
}

int da_check_spec_quick(const char *url, const char *base_url,
			long expect_status, const char *const *conds,
			size_t n_conds, struct da_check_spec **ret_spec,
			struct da_err *err)
{
	struct loader L;
	struct da_check *c;
	char cond[48];
	size_t i;
	int r, k;

	memset(&L, 0, sizeof(L));
	L.file = "inputs";
	L.err = err;
	if (!url || !*url)
		return da_err_set(err, DA_EINVAL, "inputs: 'url' is empty");
	if (expect_status && (expect_status < 100 || expect_status > 599))
		return da_err_set(err, DA_EINVAL,
				  "inputs: expect-status %ld is not an HTTP "
				  "status (100..599)",
				  expect_status);
	L.spec = spec_new("inputs");
	if (!L.spec)
		return da_err_set(err, DA_ENOMEM, "out of memory");
	L.spec->checks = calloc(1, sizeof(*L.spec->checks));
	if (!L.spec->checks) {
		r = da_err_set(err, DA_ENOMEM, "out of memory");
		goto out;
	}
	L.spec->n_checks = 1;
	c = &L.spec->checks[0];
	c->ready = 1;
	c->samples = 1;
	c->follow_redirects = -1;
	c->method = strdup("GET");
	if (base_url && !is_absolute(base_url)) {
		r = da_err_set(err, DA_EINVAL,
			       "inputs: base-url '%.128s' must start with "
			       "http:// or https://",
			       base_url);
		goto out;
	}
	L.base = base_url;
	{
		struct da_buf b = DA_BUF_INIT((size_t)MAX_NAME * 4);

		if (da_buf_addf(&b, "GET %s", url_path(url)) < 0)
			da_buf_truncate(&b, 0);
		c->name = da_buf_detach(&b, NULL);
	}
	if (!c->method || !c->name) {
		r = da_err_set(err, DA_ENOMEM, "out of memory");
		goto out;
	}
	r = load_url(&L, c, url, 0, "");
	if (r < 0)
		goto out;
	if (next_ref(c->url, &(const char *){NULL}, &(size_t){0})) {
		r = lerr(&L, 0, DA_EINVAL,
			 "'url' uses a ${capture}; captures need a spec file");
		goto out;
	}
	if (expect_status) {
		k = snprintf(cond, sizeof(cond), "[STATUS] == %ld",
			     expect_status);
		if (k < 0 || (size_t)k >= sizeof(cond)) {
			r = da_err_set(err, DA_EINVAL, "bad status");
			goto out;
		}
		r = add_cond(&L, c, cond, 0, "");
		if (r < 0)
			goto out;
	}
	for (i = 0; i < n_conds; i++) {
		r = add_cond(&L, c, conds[i], 0, "");
		if (r < 0)
			goto out;
	}
	if (!c->n_conds) {
		r = add_cond(&L, c, DEFAULT_COND, 0, "");
		if (r < 0)
			goto out;
	}
	*ret_spec = L.spec;
	L.spec = NULL;
	r = 0;
out:
	da_check_spec_free(L.spec);
	return r;
}

/* ---- results ---- */

static void result_release(struct da_check_result *res)
{
	size_t i;

	free(res->endpoint);
	free(res->error);
	free(res->samples);
	free_strv(res->failures, res->n_failures);
	free(res->cond_ok);
	for (i = 0; res->cond_actual && res->check && i < res->check->n_conds;
	     i++)
		free(res->cond_actual[i]);
	free(res->cond_actual);
}

void da_check_results_free(struct da_check_results *results)
{
	size_t i;

	if (!results)
		return;
	for (i = 0; results->r && i < results->n; i++)
		result_release(&results->r[i]);
	free(results->r);
	free(results);
}

static struct da_check_results *results_new(const struct da_check_spec *spec)
{
	struct da_check_results *rs = calloc(1, sizeof(*rs));
	size_t i, j;

	if (!rs)
		return NULL;
	rs->r = calloc(spec->n_checks ? spec->n_checks : 1, sizeof(*rs->r));
	if (!rs->r) {
		free(rs);
		return NULL;
	}
	rs->n = spec->n_checks;
	for (i = 0; i < spec->n_checks; i++) {
		struct da_check_result *res = &rs->r[i];
		const struct da_check *c = &spec->checks[i];
		char url[DA_MAX_HTTP_URL];

		res->check = c;
		res->cond_ok = calloc(c->n_conds + 1, sizeof(*res->cond_ok));
		res->cond_actual =
		    calloc(c->n_conds + 1, sizeof(*res->cond_actual));
		da_http_redact_url(c->url, url, sizeof(url));
		res->endpoint = masked_dup(spec, url);
		if (!res->cond_ok || !res->cond_actual || !res->endpoint) {
			da_check_results_free(rs);
			return NULL;
		}
		for (j = 0; j < c->n_conds; j++)
			res->cond_ok[j] = 1;
	}
	return rs;
}

/* Adds one failure line (masked) to a result. */
static int add_failure(const struct da_check_spec *spec,
		       struct da_check_result *res, const char *line)
{
	char **v = realloc(res->failures,
			   (res->n_failures + 1) * sizeof(*res->failures));

	if (!v)
		return -DA_ENOMEM;
	res->failures = v;
	v[res->n_failures] = masked_dup(spec, line);
	if (!v[res->n_failures])
		return -DA_ENOMEM;
	res->n_failures++;
	return 0;
}

static void clear_failures(struct da_check_result *res)
{
	free_strv(res->failures, res->n_failures);
	res->failures = NULL;
	res->n_failures = 0;
}

/* ---- running ---- */

void da_check_run_options_init(struct da_check_run_options *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->timeout_ms = (int64_t)5 * 60 * 1000;
	opts->interval_ms = 1000;
	opts->max_interval_ms = 10000;
	opts->consecutive = 1;
	opts->concurrency = 16;
	da_http_options_init(&opts->http);
}

/* A client for checks: no retries (the caller's loop is the retry). */
static int make_client(const struct da_check_run_options *opts,
		       struct da_http **ret, struct da_err *err)
{
	struct da_http_options o = opts->http;

	o.retries = 0;
	o.n_retry_statuses = 0;
	o.retry_transport = 0;
	o.max_parallel = opts->concurrency > 0 ? opts->concurrency : 16;
	return da_http_new(&o, ret, err);
}

static const char *resp_header(void *ctx, const char *name)
{
	return da_http_response_header(ctx, name);
}

static void cond_ctx_of(struct da_cond_ctx *cc, struct da_http_response *resp)
{
	memset(cc, 0, sizeof(*cc));
	cc->connected = resp->result == 0 && resp->status > 0;
	cc->status = resp->status;
	cc->response_time_ms = resp->timing.total_us / 1000;
	cc->body = resp->body.data ? resp->body.data : "";
	cc->body_len = resp->body.len;
	cc->header = resp_header;
	cc->header_ctx = resp;
	cc->cert_expires_ms = resp->cert_expires_ms;
	cc->ip = resp->ip[0] ? resp->ip : NULL;
}

/*
 * A request that failed for a reason on this side (a CA file that is not
 * one, no CA bundle, a bad client key, out of memory) fails every time:
 * the run stops with it instead of waiting out the timeout. What the
 * server does (refuse, reset, time out, a bad certificate) is a verdict.
 */
static int local_failure(const struct da_check_spec *spec,
			 const struct da_http_response *resp,
			 struct da_err *err)
{
	int r = resp->result;

	if (r != -DA_EINVAL && r != -DA_ENOENT && r != -DA_EIO &&
	    r != -DA_ENOMEM)
		return 0;
	if (err) {
		*err = resp->error;
		mask_err(spec, err);
	}
	return r;
}

/* A check's request with its captures put in. */
struct prepared {
	struct da_http_request req;
	char *url;
	char **headers;
	size_t n_headers;
	char *body;
	size_t body_len;
	int missing; /* a capture it needs has no value */
	char missing_name[MAX_CAPTURE_NAME + 1];
};

static void prepared_release(struct prepared *p)
{
	free(p->url);
	free_strv(p->headers, p->n_headers);
	free(p->body);
	memset(p, 0, sizeof(*p));
}

/* Captured values: caps[check][capture], NULL when not (yet) captured. */
struct captures {
	const struct da_check_spec *spec;
	char ***v;
};

static const char *capture_value(const struct captures *cv, const char *name,
				 size_t n)
{
	size_t i, j;

	for (i = 0; i < cv->spec->n_checks; i++) {
		const struct da_check *c = &cv->spec->checks[i];

		for (j = 0; j < c->n_captures; j++)
			if (strlen(c->captures[j].name) == n &&
			    strncmp(c->captures[j].name, name, n) == 0)
				return cv->v && cv->v[i] ? cv->v[i][j] : NULL;
	}
	return NULL;
}

/* Puts capture values into text; 0, or 1 when one is missing. */
static int substitute(const struct captures *cv, const char *text,
		      int json_escape, struct da_buf *out, struct prepared *p)
{
	const char *q, *name, *val, *s;
	size_t n;
	int r, k;

	while ((q = next_ref(text, &name, &n))) {
		r = da_buf_add(out, text, (size_t)(q - text));
		if (r < 0)
			return r;
		val = capture_value(cv, name, n);
		if (!val) {
			p->missing = 1;
			k = snprintf(p->missing_name, sizeof(p->missing_name),
				     "%.*s", (int)n, name);
			if (k < 0)
				p->missing_name[0] = '\0';
			return 1;
		}
		for (s = val; *s && r == 0; s++) {
			unsigned char ch = (unsigned char)*s;

			if (json_escape && (ch == '"' || ch == '\\'))
				r = da_buf_addf(out, "\\%c", ch);
			else if (json_escape && ch < 0x20)
				r = da_buf_addf(out, "\\u%04x", ch);
			else
				r = da_buf_addch(out, (char)ch);
		}
		if (r < 0)
			return r;
		text = q + 3 + n;
	}
	return da_buf_adds(out, text);
}

static int uses_captures(const struct da_check *c)
{
	const char *name;
	size_t n, i;

	if (next_ref(c->url, &name, &n))
		return 1;
	for (i = 0; i < c->n_headers; i++)
		if (next_ref(c->headers[i], &name, &n))
			return 1;
	return c->body && next_ref(c->body, &name, &n);
}

static int prepare(const struct da_check *c, const struct captures *cv,
		   int64_t timeout_ms, struct prepared *p)
{
	struct da_buf b = DA_BUF_INIT(DA_MAX_CHECK_SPEC);
	size_t i;
	int r = 0;

	memset(p, 0, sizeof(*p));
	p->req.method = c->method;
	p->req.url = c->url;
	p->req.headers = (const char *const *)c->headers;
	p->req.n_headers = c->n_headers;
	p->req.body = c->body;
	p->req.body_len = c->body_len;
	p->req.timeout_ms = (long)timeout_ms;
	p->req.follow_redirects = c->follow_redirects < 0 ? 0
				  : c->follow_redirects	  ? 1
							  : -1;
	if (!cv || !uses_captures(c))
		return 0;
	b.max = DA_MAX_HTTP_URL;
	r = substitute(cv, c->url, 0, &b, p);
	if (r != 0)
		goto out;
	p->url = da_buf_detach(&b, NULL);
	if (!p->url)
		goto nomem;
	p->req.url = p->url;
	b.max = DA_MAX_CHECK_TEXT;
	p->headers = calloc(c->n_headers + 1, sizeof(*p->headers));
	if (!p->headers)
		goto nomem;
	for (i = 0; i < c->n_headers; i++) {
		r = substitute(cv, c->headers[i], 0, &b, p);
		if (r != 0)
			goto out;
		p->headers[i] = da_buf_detach(&b, NULL);
		if (!p->headers[i])
			goto nomem;
		p->n_headers++;
	}
	p->req.headers = (const char *const *)p->headers;
	if (c->body) {
		b.max = DA_MAX_CHECK_SPEC;
		r = substitute(cv, c->body, c->body_json, &b, p);
		if (r != 0)
			goto out;
		p->body = da_buf_detach(&b, &p->body_len);
		if (!p->body)
			goto nomem;
		p->req.body = p->body;
		p->req.body_len = p->body_len;
	}
	r = 0;
	goto out;
nomem:
	r = -DA_ENOMEM;
out:
	da_buf_release(&b);
	return r < 0 ? r : 0;
}

/* Evaluation of one response against a check's conditions. */
struct verdict {
	int ok;
	struct da_buf actual, reason;
};

/*
 * Runs cond k on ctx; fills v->actual (and v->reason when false).
 * Returns 1 true, 0 false, negative for out of memory.
 */
static int eval_one(const struct da_cond *cond, struct da_cond_ctx *cc,
		    struct verdict *v)
{
	int r;

	da_buf_reset(&v->actual);
	da_buf_reset(&v->reason);
	r = da_cond_eval(cond, cc, &v->actual, &v->reason);
	if (r == 0 && !v->reason.len)
		da_buf_adds(&v->reason, da_cond_text(cond));
	return r;
}

static void set_actual(const struct da_check_spec *spec,
		       struct da_check_result *res, size_t k, const char *text)
{
	free(res->cond_actual[k]);
	res->cond_actual[k] = masked_dup(spec, text);
}

static void set_error(const struct da_check_spec *spec,
		      struct da_check_result *res, const char *text)
{
	free(res->error);
	res->error = text ? masked_dup(spec, text) : NULL;
}

/* ---- the wait phase ---- */

struct waiter {
	const struct da_check_spec *spec;
	const struct da_check_run_options *opts;
	struct da_check_results *rs;
	size_t *todo; /* indices of the checks polled this round */
	size_t n_todo;
	struct prepared *prep;		/* per check in todo */
	struct da_http_response *resps; /* per check in todo */
	int *streak;
	int *passed;
	unsigned char *cut; /* per todo: its timeout was cut to the deadline */
	int64_t deadline;
	struct verdict v;
	struct da_buf line;
	int round_ok; /* every check polled this round passed */
};

static int wait_start(void *ctx, size_t i, const struct da_http_request **req,
		      struct da_http_response **resp, struct da_err *err)
{
	struct waiter *W = ctx;

	(void)err;
	*req = &W->prep[i].req;
	*resp = &W->resps[i];
	return 0;
}

static void progress(struct waiter *W, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void progress(struct waiter *W, const char *fmt, ...)
{
	struct da_buf b = DA_BUF_INIT(DA_MAX_CHECK_TEXT);
	va_list ap;

	if (!W->opts->progress)
		return;
	va_start(ap, fmt);
	if (da_buf_vaddf(&b, fmt, ap) == 0) {
		da_buf_reset(&W->line);
		if (da_check_mask(W->spec, da_buf_str(&b), &W->line) == 0)
			W->opts->progress(W->opts->progress_ctx,
					  da_buf_str(&W->line));
	}
	va_end(ap);
	da_buf_release(&b);
}

static int wait_done(void *ctx, size_t i, struct da_http_response *resp,
		     struct da_err *err)
{
	struct waiter *W = ctx;
	size_t ci = W->todo[i], k;
	const struct da_check *c = &W->spec->checks[ci];
	struct da_check_result *res = &W->rs->r[ci];
	struct da_cond_ctx cc;
	char left[DA_TIME_DURATION_SIZE], first[DA_ERR_MSG_MAX];
	int64_t rem = W->deadline - da_time_mono_ms();
	int ok = 1, r;

	first[0] = '\0';
	r = local_failure(W->spec, resp, err);
	if (r < 0)
		return r;
	if (resp->result == -DA_ETIMEOUT && W->cut[i] && res->attempts > 0) {
		/* Ended by the deadline, not by the server: keep what the
		 * last full attempt said, for the final reason. */
		res->attempts++;
		W->round_ok = 0;
		progress(W,
			 "%s: no answer before the wait timeout (attempt %d)",
			 c->name, res->attempts);
		return 0;
	}
	res->attempts++;
	res->status = resp->status;
	res->timestamp_ms = da_time_now_ms();
	clear_failures(res);
	if (!da_time_format_duration(rem > 0 ? (rem + 999) / 1000 * 1000 : 0,
				     left, sizeof(left)))
		left[0] = '\0';
	if (resp->result < 0) {
		ok = 0;
		set_error(W->spec, res, resp->error.msg);
		if (add_failure(W->spec, res, resp->error.msg) < 0)
			return -DA_ENOMEM;
		r = snprintf(first, sizeof(first), "%s", resp->error.msg);
		if (r < 0)
			first[0] = '\0';
	} else {
		set_error(W->spec, res, NULL);
		cond_ctx_of(&cc, resp);
		for (k = 0; k < c->n_conds; k++) {
			r = eval_one(c->conds[k], &cc, &W->v);
			if (r < 0) {
				da_cond_ctx_release(&cc);
				return -DA_ENOMEM;
			}
			res->cond_ok[k] = r;
			set_actual(W->spec, res, k, da_buf_str(&W->v.actual));
			if (!r) {
				if (ok) {
					int n =
					    snprintf(first, sizeof(first),
						     "%ld, %s", resp->status,
						     da_buf_str(&W->v.reason));

					if (n < 0)
						first[0] = '\0';
				}
				ok = 0;
				if (add_failure(W->spec, res,
						da_buf_str(&W->v.reason)) < 0) {
					da_cond_ctx_release(&cc);
					return -DA_ENOMEM;
				}
			}
		}
		da_cond_ctx_release(&cc);
	}
	if (!ok) {
		W->streak[ci] = 0;
		W->round_ok = 0;
		progress(W, "%s: %s (attempt %d, %s left)", c->name, first,
			 res->attempts, left);
		return 0;
	}
	W->streak[ci]++;
	if (W->streak[ci] >= W->opts->consecutive) {
		W->passed[ci] = 1;
		res->healthy = 1;
		progress(W, "%s: ready, %ld (attempt %d)", c->name,
			 resp->status, res->attempts);
	} else {
		progress(W, "%s: %ld, passed %d of %d in a row (attempt %d)",
			 c->name, resp->status, W->streak[ci],
			 W->opts->consecutive, res->attempts);
	}
	return 0;
}

/* splitmix64 for jitter; seeded from the clock. */
static uint64_t jitter_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

int da_check_wait(const struct da_check_spec *spec,
		  const struct da_check_run_options *opts,
		  struct da_check_results **ret, struct da_err *err)
{
	struct da_check_run_options o = *opts;
	struct da_check_results *rs = NULL;
	struct da_http *http = NULL;
	struct waiter W;
	struct da_http_feed feed;
	uint64_t rng = (uint64_t)da_time_mono_us();
	int64_t now, start, sleep_ms, cap, per;
	size_t i, n_ready = 0, parallel;
	int r, step = 0;

	memset(&W, 0, sizeof(W));
	if (o.consecutive < 1)
		o.consecutive = 1;
	if (o.interval_ms <= 0)
		o.interval_ms = 1000;
	if (o.max_interval_ms < o.interval_ms)
		o.max_interval_ms = o.interval_ms;
	if (o.concurrency < 1)
		o.concurrency = 16;
	W.spec = spec;
	W.opts = &o;
	da_buf_init(&W.v.actual, DA_MAX_CHECK_TEXT);
	da_buf_init(&W.v.reason, DA_MAX_CHECK_TEXT);
	da_buf_init(&W.line, DA_MAX_CHECK_TEXT);
	rs = results_new(spec);
	W.rs = rs;
	W.todo = calloc(spec->n_checks + 1, sizeof(*W.todo));
	W.prep = calloc(spec->n_checks + 1, sizeof(*W.prep));
	W.resps = calloc(spec->n_checks + 1, sizeof(*W.resps));
	W.streak = calloc(spec->n_checks + 1, sizeof(*W.streak));
	W.passed = calloc(spec->n_checks + 1, sizeof(*W.passed));
	W.cut = calloc(spec->n_checks + 1, sizeof(*W.cut));
	if (!rs || !W.todo || !W.prep || !W.resps || !W.streak || !W.passed ||
	    !W.cut) {
		r = da_err_set(err, DA_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < spec->n_checks; i++)
		da_http_response_init(&W.resps[i]);
	r = make_client(&o, &http, err);
	if (r < 0)
		goto out;
	start = da_time_mono_ms();
	rs->started_ms = da_time_now_ms();
	W.deadline = start + (o.timeout_ms > 0 ? o.timeout_ms : 0);
	for (i = 0; i < spec->n_checks; i++) {
		if (spec->checks[i].ready && !uses_captures(&spec->checks[i])) {
			n_ready++;
		} else {
			W.passed[i] = 1;
			rs->r[i].healthy = 1;
		}
	}
	feed.start = wait_start;
	feed.done = wait_done;
	feed.ctx = &W;
	for (;;) {
		now = da_time_mono_ms();
		W.n_todo = 0;
		for (i = 0; i < spec->n_checks; i++) {
			if (W.passed[i])
				continue;
			per = spec->checks[i].timeout_ms > 0
				  ? spec->checks[i].timeout_ms
				  : o.http.timeout_ms;
			/* Never past the deadline (at least one ms). */
			W.cut[W.n_todo] = per <= 0 || per > W.deadline - now;
			if (W.cut[W.n_todo])
				per =
				    W.deadline - now > 0 ? W.deadline - now : 1;
			prepare(&spec->checks[i], NULL, per, &W.prep[W.n_todo]);
			W.todo[W.n_todo++] = i;
		}
		if (!W.n_todo)
			break;
		W.round_ok = 1;
		parallel = W.n_todo < (size_t)o.concurrency
			       ? W.n_todo
			       : (size_t)o.concurrency;
		r = da_http_run(http, W.n_todo, parallel, &feed, err);
		if (r < 0)
			goto out;
		for (i = 0; i < spec->n_checks && W.passed[i]; i++)
			;
		if (i == spec->n_checks)
			break;
		now = da_time_mono_ms();
		if (now >= W.deadline) {
			r = -DA_ETIMEOUT;
			goto out;
		}
		/* Backoff while failing; the plain interval while passing. */
		step = W.round_ok ? 0 : step + 1;
		cap = o.interval_ms;
		for (i = 1; i < (size_t)step && cap < o.max_interval_ms; i++)
			cap *= 2;
		if (cap > o.max_interval_ms)
			cap = o.max_interval_ms;
		sleep_ms = cap / 2 + (int64_t)(jitter_next(&rng) %
					       (uint64_t)(cap / 2 + 1));
		if (sleep_ms > W.deadline - now)
			sleep_ms = W.deadline - now;
		da_time_sleep_ms(sleep_ms);
		if (da_time_mono_ms() >= W.deadline) {
			r = -DA_ETIMEOUT;
			goto out;
		}
	}
	r = 0;
out:
	if (rs && (r == 0 || r == -DA_ETIMEOUT)) {
		rs->ended_ms = da_time_now_ms();
		rs->healthy = 1;
		for (i = 0; i < spec->n_checks; i++) {
			if (!rs->r[i].healthy) {
				rs->healthy = 0;
				rs->n_failed++;
			}
		}
	}
	if (r == -DA_ETIMEOUT) {
		char took[DA_TIME_DURATION_SIZE];

		if (!da_time_format_duration(o.timeout_ms, took, sizeof(took)))
			took[0] = '\0';
		for (i = 0; rs && i < spec->n_checks && rs->r[i].healthy; i++)
			;
		if (rs && W.streak && i < spec->n_checks && W.streak[i] > 0) {
			/* It passes, but not yet often enough in a row. */
			char line[128];
			int n = snprintf(line, sizeof(line),
					 "passed %d of %d in a row",
					 W.streak[i], o.consecutive);

			if (n < 0 || (size_t)n >= sizeof(line))
				line[0] = '\0';
			if (add_failure(spec, &rs->r[i], line) < 0)
				line[0] = '\0';
			da_err_setc(err, DA_ETIMEOUT,
				    DA_CODE_HEALTH_CHECK_FAILED,
				    "check '%s' not ready after %s (%d "
				    "attempts): %ld, %s",
				    spec->checks[i].name, took,
				    rs->r[i].attempts, rs->r[i].status, line);
			mask_err(spec, err);
		} else if (rs && i < spec->n_checks) {
			const struct da_check_result *res = &rs->r[i];

			const char *why = res->n_failures ? res->failures[0]
					  : res->error	  ? res->error
							  : "no answer";

			if (res->status > 0)
				da_err_setc(err, DA_ETIMEOUT,
					    DA_CODE_HEALTH_CHECK_FAILED,
					    "check '%s' not ready after %s (%d "
					    "attempts): %ld, %s",
					    spec->checks[i].name, took,
					    res->attempts, res->status, why);
			else
				da_err_setc(err, DA_ETIMEOUT,
					    DA_CODE_HEALTH_CHECK_FAILED,
					    "check '%s' not ready after %s (%d "
					    "attempts): %s",
					    spec->checks[i].name, took,
					    res->attempts, why);
			mask_err(spec, err);
		}
	}
	for (i = 0; W.prep && i < spec->n_checks; i++)
		prepared_release(&W.prep[i]);
	for (i = 0; W.resps && i < spec->n_checks; i++)
		da_http_response_release(&W.resps[i]);
	free(W.todo);
	free(W.prep);
	free(W.resps);
	free(W.streak);
	free(W.passed);
	free(W.cut);
	da_buf_release(&W.v.actual);
	da_buf_release(&W.v.reason);
	da_buf_release(&W.line);
	da_http_free(http);
	if (r == 0 || r == -DA_ETIMEOUT) {
		*ret = rs;
		return r;
	}
	da_check_results_free(rs);
	return r;
}

/* ---- the assert phase ---- */

struct cstate {
	struct prepared prep;
	size_t sent, got;
	int64_t *totals; /* per answered sample, us */
	size_t n_totals;
	int failed_sample; /* a sample failed a condition or got no answer */
};

/* Captured values this short are not masked: they would hide digits. */
#define MIN_MASKED_CAPTURE 4

struct asserter {
	const struct da_check_spec *spec;
	/* What result text hides: the spec's secrets and captured values
	 * (tokens), as a spec whose secrets are borrowed pointers. */
	struct da_check_spec mask;
	struct da_check_results *rs;
	struct cstate *cs;
	struct captures cv;
	size_t *level_checks; /* checks of the current level */
	size_t n_level;
	size_t cur, cur_sample; /* next request: check (in level), sample */
	struct da_http_response *pool;
	size_t *pool_owner;
	size_t *free_list;
	size_t n_free;
	struct verdict v;
};

static int assert_start(void *ctx, size_t i, const struct da_http_request **req,
			struct da_http_response **resp, struct da_err *err)
{
	struct asserter *A = ctx;
	size_t ci, slot;

	(void)i;
	while (A->cur < A->n_level &&
	       A->cur_sample >=
		   (size_t)A->spec->checks[A->level_checks[A->cur]].samples) {
		A->cur++;
		A->cur_sample = 0;
	}
	if (A->cur >= A->n_level || !A->n_free)
		return da_err_set(err, DA_EINVAL,
				  "internal error: no request to start");
	ci = A->level_checks[A->cur];
	A->cur_sample++;
	slot = A->free_list[--A->n_free];
	A->pool_owner[slot] = ci;
	A->cs[ci].sent++;
	*req = &A->cs[ci].prep.req;
	*resp = &A->pool[slot];
	return 0;
}

/* Masks new (a captured value) instead of old from now on. */
static int mask_swap(struct asserter *A, const char *old, char *new_value)
{
	char **v;
	size_t i;

	for (i = 0; old && i < A->mask.n_secrets; i++) {
		if (A->mask.secrets[i] == old) {
			A->mask.secrets[i] = new_value;
			return 0;
		}
	}
	if (strlen(new_value) < MIN_MASKED_CAPTURE)
		return 0;
	v = realloc(A->mask.secrets,
		    (A->mask.n_secrets + 1) * sizeof(*A->mask.secrets));
	if (!v)
		return -DA_ENOMEM;
	A->mask.secrets = v;
	v[A->mask.n_secrets++] = new_value;
	return 0;
}

static int store_captures(struct asserter *A, size_t ci, struct da_cond_ctx *cc)
{
	const struct da_check *c = &A->spec->checks[ci];
	struct da_buf b = DA_BUF_INIT(DA_MAX_CHECK_TEXT);
	struct da_err e = DA_ERR_INIT;
	size_t j;
	int r;

	for (j = 0; j < c->n_captures; j++) {
		da_buf_reset(&b);
		r = da_cond_resolve(c->captures[j].from, cc, &b, &e);
		if (r == 1) {
			char *v = da_buf_detach(&b, NULL);

			if (!v || mask_swap(A, A->cv.v[ci][j], v) < 0) {
				free(v);
				da_buf_release(&b);
				return -DA_ENOMEM;
			}
			free(A->cv.v[ci][j]);
			A->cv.v[ci][j] = v;
		}
	}
	da_buf_release(&b);
	return 0;
}

static int assert_done(void *ctx, size_t i, struct da_http_response *resp,
		       struct da_err *err)
{
	struct asserter *A = ctx;
	size_t slot = (size_t)(resp - A->pool), ci = A->pool_owner[slot], k;
	const struct da_check *c = &A->spec->checks[ci];
	struct da_check_result *res = &A->rs->r[ci];
	struct cstate *s = &A->cs[ci];
	struct da_check_sample *sm;
	struct da_cond_ctx cc;
	struct da_buf line = DA_BUF_INIT(DA_MAX_CHECK_TEXT);
	int r;

	(void)i;
	A->free_list[A->n_free++] = slot;
	r = local_failure(A->spec, resp, err);
	if (r < 0)
		return r;
	if (s->got >= (size_t)c->samples)
		return 0;
	sm = &res->samples[s->got++];
	res->n_samples = s->got;
	sm->status = resp->status;
	sm->timing = resp->timing;
	res->status = resp->status;
	res->timestamp_ms = da_time_now_ms();
	if (resp->result < 0) {
		if (!s->failed_sample || !res->error) {
			set_error(&A->mask, res, resp->error.msg);
			if (c->samples > 1)
				r = da_buf_addf(&line, "sample %zu of %d: %s",
						s->got, c->samples,
						resp->error.msg);
			else
				r = da_buf_adds(&line, resp->error.msg);
			if (r == 0 && !s->failed_sample)
				r = add_failure(&A->mask, res,
						da_buf_str(&line));
		}
		s->failed_sample = 1;
		da_buf_release(&line);
		return r < 0 ? -DA_ENOMEM : 0;
	}
	s->totals[s->n_totals++] = resp->timing.total_us;
	cond_ctx_of(&cc, resp);
	for (k = 0; k < c->n_conds; k++) {
		r = eval_one(c->conds[k], &cc, &A->v);
		if (r < 0)
			goto out;
		if (r) {
			if (res->cond_ok[k])
				set_actual(&A->mask, res, k,
					   da_buf_str(&A->v.actual));
			continue;
		}
		s->failed_sample = 1;
		if (!res->cond_ok[k])
			continue;
		/* The first sample that fails a condition tells. */
		res->cond_ok[k] = 0;
		set_actual(&A->mask, res, k, da_buf_str(&A->v.actual));
		da_buf_reset(&line);
		if (c->samples > 1)
			r = da_buf_addf(&line, "%s (sample %zu of %d)",
					da_buf_str(&A->v.reason), s->got,
					c->samples);
		else
			r = da_buf_adds(&line, da_buf_str(&A->v.reason));
		if (r == 0)
			r = add_failure(&A->mask, res, da_buf_str(&line));
		if (r < 0)
			goto out;
	}
	r = c->n_captures ? store_captures(A, ci, &cc) : 0;
out:
	da_cond_ctx_release(&cc);
	da_buf_release(&line);
	return r < 0 ? -DA_ENOMEM : 0;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static void fmt_ms(char *buf, size_t size, int64_t us)
{
	int n;

	if (us % 1000 == 0 || us >= 100000)
		n = snprintf(buf, size, "%lldms",
			     (long long)((us + 500) / 1000));
	else
		n = snprintf(buf, size, "%.1fms", (double)us / 1000.0);
	if (n < 0 || (size_t)n >= size)
		buf[0] = '\0';
}

/* Statistics, gates, captures and the verdict of one finished check. */
static int finish_check(struct asserter *A, size_t ci)
{
	static const char *const stat_names[] = {"p50", "p95", "p99", "max",
						 "mean"};
	const struct da_check *c = &A->spec->checks[ci];
	struct da_check_result *res = &A->rs->r[ci];
	struct cstate *s = &A->cs[ci];
	struct da_buf line = DA_BUF_INIT(DA_MAX_CHECK_TEXT);
	char got[32], lim[DA_TIME_DURATION_SIZE];
	int64_t sum = 0, v, lim_us;
	size_t k;
	int r = 0, ok;

	res->n_answered = s->n_totals;
	if (s->n_totals) {
		qsort(s->totals, s->n_totals, sizeof(*s->totals), cmp_i64);
		for (k = 0; k < s->n_totals; k++)
			sum += s->totals[k];
		res->p50_us = da_check_percentile(s->totals, s->n_totals, 50);
		res->p95_us = da_check_percentile(s->totals, s->n_totals, 95);
		res->p99_us = da_check_percentile(s->totals, s->n_totals, 99);
		res->max_us = s->totals[s->n_totals - 1];
		res->mean_us = sum / (int64_t)s->n_totals;
	}
	for (k = 0; k < c->n_gates && r == 0; k++) {
		const struct da_latency_gate *g = &c->gates[k];

		da_buf_reset(&line);
		if (!s->n_totals) {
			r = da_buf_addf(&line, "%s: no answer to measure",
					g->text);
			if (r == 0)
				r = add_failure(&A->mask, res,
						da_buf_str(&line));
			s->failed_sample = 1;
			continue;
		}
		v = g->stat == DA_LATENCY_P50	? res->p50_us
		    : g->stat == DA_LATENCY_P95 ? res->p95_us
		    : g->stat == DA_LATENCY_P99 ? res->p99_us
		    : g->stat == DA_LATENCY_MAX ? res->max_us
						: res->mean_us;
		lim_us = g->limit_ms * 1000;
		ok = g->or_equal ? v <= lim_us : v < lim_us;
		if (ok)
			continue;
		fmt_ms(got, sizeof(got), v);
		if (!da_time_format_duration(g->limit_ms, lim, sizeof(lim)))
			lim[0] = '\0';
		r = da_buf_addf(&line, "%s (%s) %s %s", stat_names[g->stat],
				got, g->or_equal ? "<=" : "<", lim);
		if (r == 0)
			r = add_failure(&A->mask, res, da_buf_str(&line));
		s->failed_sample = 1;
	}
	for (k = 0; k < c->n_captures && r == 0; k++) {
		if (A->cv.v[ci][k])
			continue;
		da_buf_reset(&line);
		r = da_buf_addf(&line, "capture '%s': %s did not resolve",
				c->captures[k].name, c->captures[k].from);
		if (r == 0)
			r = add_failure(&A->mask, res, da_buf_str(&line));
		s->failed_sample = 1;
	}
	res->healthy = !s->failed_sample && s->got == (size_t)c->samples;
	da_buf_release(&line);
	return r < 0 ? -DA_ENOMEM : 0;
}

/* The level a text's captures put a check at, given earlier levels. */
static size_t level_of_text(const struct da_check_spec *spec, size_t upto,
			    const size_t *level, const char *text)
{
	const char *p = text, *name, *q, *cap;
	size_t j, k, n, lv = 0;

	while (p && (q = next_ref(p, &name, &n))) {
		for (j = 0; j < upto; j++) {
			for (k = 0; k < spec->checks[j].n_captures; k++) {
				cap = spec->checks[j].captures[k].name;
				if (strlen(cap) == n &&
				    !strncmp(cap, name, n) && level[j] + 1 > lv)
					lv = level[j] + 1;
			}
		}
		p = q + 2;
	}
	return lv;
}

/* The level of each check: 1 + the highest level it takes captures from. */
static size_t levels_of(const struct da_check_spec *spec, size_t *level)
{
	size_t i, h, lv, max = 0;

	for (i = 0; i < spec->n_checks; i++) {
		const struct da_check *c = &spec->checks[i];

		level[i] = 0;
		if (!uses_captures(c))
			continue;
		lv = level_of_text(spec, i, level, c->url);
		for (h = 0; h < c->n_headers; h++) {
			size_t x = level_of_text(spec, i, level, c->headers[h]);

			if (x > lv)
				lv = x;
		}
		if (c->body) {
			size_t x = level_of_text(spec, i, level, c->body);

			if (x > lv)
				lv = x;
		}
		level[i] = lv;
		if (lv > max)
			max = lv;
	}
	return max;
}

int da_check_assert(const struct da_check_spec *spec,
		    const struct da_check_run_options *opts,
		    struct da_check_results **ret, struct da_err *err)
{
	struct da_check_results *rs = NULL;
	struct da_http *http = NULL;
	struct asserter A;
	struct da_http_feed feed;
	size_t *level = NULL, max_level = 0, lv, i, total, parallel;
	size_t conc = opts->concurrency > 0 ? (size_t)opts->concurrency : 16;
	int r;

	if (conc > DA_MAX_HTTP_MULTI)
		conc = DA_MAX_HTTP_MULTI;
	memset(&A, 0, sizeof(A));
	A.spec = spec;
	A.cv.spec = spec;
	da_buf_init(&A.v.actual, DA_MAX_CHECK_TEXT);
	da_buf_init(&A.v.reason, DA_MAX_CHECK_TEXT);
	rs = results_new(spec);
	A.rs = rs;
	A.mask.secrets = calloc(spec->n_secrets + 1, sizeof(char *));
	if (!A.mask.secrets)
		goto nomem;
	for (i = 0; i < spec->n_secrets; i++)
		A.mask.secrets[i] = spec->secrets[i];
	A.mask.n_secrets = spec->n_secrets;
	A.cs = calloc(spec->n_checks + 1, sizeof(*A.cs));
	A.cv.v = calloc(spec->n_checks + 1, sizeof(*A.cv.v));
	A.level_checks = calloc(spec->n_checks + 1, sizeof(*A.level_checks));
	level = calloc(spec->n_checks + 1, sizeof(*level));
	A.pool = calloc(conc, sizeof(*A.pool));
	A.pool_owner = calloc(conc, sizeof(*A.pool_owner));
	A.free_list = calloc(conc, sizeof(*A.free_list));
	if (!rs || !A.cs || !A.cv.v || !A.level_checks || !level || !A.pool ||
	    !A.pool_owner || !A.free_list)
		goto nomem;
	for (i = 0; i < conc; i++)
		da_http_response_init(&A.pool[i]);
	for (i = 0; i < spec->n_checks; i++) {
		const struct da_check *c = &spec->checks[i];

		rs->r[i].samples =
		    calloc((size_t)c->samples, sizeof(*rs->r[i].samples));
		A.cs[i].totals =
		    calloc((size_t)c->samples, sizeof(*A.cs[i].totals));
		if (c->n_captures)
			A.cv.v[i] = calloc(c->n_captures, sizeof(char *));
		if (!rs->r[i].samples || !A.cs[i].totals ||
		    (c->n_captures && !A.cv.v[i]))
			goto nomem;
	}
	r = make_client(opts, &http, err);
	if (r < 0)
		goto out;
	max_level = levels_of(spec, level);
	rs->started_ms = da_time_now_ms();
	feed.start = assert_start;
	feed.done = assert_done;
	feed.ctx = &A;
	for (lv = 0; lv <= max_level; lv++) {
		A.n_level = 0;
		total = 0;
		for (i = 0; i < spec->n_checks; i++) {
			struct cstate *s = &A.cs[i];

			if (level[i] != lv)
				continue;
			r = prepare(&spec->checks[i], &A.cv,
				    spec->checks[i].timeout_ms, &s->prep);
			if (r < 0)
				goto nomem;
			if (s->prep.missing) {
				struct da_buf b = DA_BUF_INIT(DA_ERR_MSG_MAX);

				r = da_buf_addf(&b,
						"skipped: capture '%s' has no "
						"value",
						s->prep.missing_name);
				if (r == 0)
					r = add_failure(&A.mask, &rs->r[i],
							da_buf_str(&b));
				da_buf_release(&b);
				if (r < 0)
					goto nomem;
				continue;
			}
			if (s->prep.url) {
				char url[DA_MAX_HTTP_URL];

				da_http_redact_url(s->prep.url, url,
						   sizeof(url));
				free(rs->r[i].endpoint);
				rs->r[i].endpoint = masked_dup(&A.mask, url);
				if (!rs->r[i].endpoint)
					goto nomem;
			}
			A.level_checks[A.n_level++] = i;
			total += (size_t)spec->checks[i].samples;
		}
		A.cur = 0;
		A.cur_sample = 0;
		A.n_free = conc;
		for (i = 0; i < conc; i++)
			A.free_list[i] = conc - 1 - i;
		parallel = total < conc ? total : conc;
		if (total) {
			r = da_http_run(http, total, parallel, &feed, err);
			if (r < 0)
				goto out;
		}
		for (i = 0; i < A.n_level; i++) {
			r = finish_check(&A, A.level_checks[i]);
			if (r < 0)
				goto nomem;
		}
	}
	rs->ended_ms = da_time_now_ms();
	rs->healthy = 1;
	for (i = 0; i < spec->n_checks; i++) {
		if (!rs->r[i].healthy) {
			rs->healthy = 0;
			rs->n_failed++;
		}
	}
	*ret = rs;
	rs = NULL;
	r = 0;
	goto out;
nomem:
	r = da_err_set(err, DA_ENOMEM, "out of memory");
out:
	for (i = 0; A.cs && i < spec->n_checks; i++) {
		prepared_release(&A.cs[i].prep);
		free(A.cs[i].totals);
	}
	for (i = 0; A.cv.v && i < spec->n_checks; i++) {
		size_t j;

		for (j = 0; A.cv.v[i] && j < spec->checks[i].n_captures; j++)
			free(A.cv.v[i][j]);
		free(A.cv.v[i]);
	}
	for (i = 0; A.pool && i < conc; i++)
		da_http_response_release(&A.pool[i]);
	free(A.mask.secrets);
	free(A.cs);
	free(A.cv.v);
	free(A.level_checks);
	free(level);
	free(A.pool);
	free(A.pool_owner);
	free(A.free_list);
	da_buf_release(&A.v.actual);
	da_buf_release(&A.v.reason);
	da_http_free(http);
	da_check_results_free(rs);
	return r;
}
