#include "github.h"
#include "json.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DEFAULT_API_URL "https://api.github.com"
#define API_VERSION "2022-11-28"

/* Ceilings on what the caller and the environment hand us. */
#define MAX_API_URL 1024
#define MAX_TOKEN 4096
#define MAX_REQUEST_BODY ((size_t)1 << 20)
/* All pages of one list together, as JSON text. */
#define MAX_LIST_BYTES ((size_t)64 << 20)
/* GitHub's own ceiling for a comment body, in characters. */
#define MAX_COMMENT_CHARS 65536
/* The event file of a workflow run. */
#define MAX_EVENT_FILE ((size_t)32 << 20)
/* How much of GitHub's "message" an error line keeps. */
#define MAX_MESSAGE 200
/* A route in an error line: the path, without the query. */
#define MAX_ROUTE 512

struct da_github {
	struct da_http *http;
	char *api;    /* base URL without a trailing '/' */
	char *origin; /* "scheme://host:port" of api, lower case */
	char *auth;   /* "Authorization: Bearer ...", NULL without a token */
	char *token;  /* scrubbed from every message */
};

/* ---- small helpers ---- */

/*
 * Writes "scheme://host:port" of url to out, lower case and with the
 * port spelled out, so that two spellings of one server compare equal.
 * Returns 0, or -1 when url is not an absolute http(s) URL or too long.
 */
static int origin_of(const char *url, char *out, size_t size)
{
	const char *p, *auth, *end, *at, *host, *host_end, *port = NULL;
	size_t i, n, plen = 0;
	int https, r;
	char hostbuf[256];

	if (strncasecmp(url, "https://", 8) == 0)
		https = 1;
	else if (strncasecmp(url, "http://", 7) == 0)
		https = 0;
	else
		return -1;
	auth = url + (https ? 8 : 7);
	end = auth + strcspn(auth, "/?#");
	/* User information is not part of the origin. */
	at = NULL;
	for (p = auth; p < end; p++)
		if (*p == '@')
			at = p;
	host = at ? at + 1 : auth;
	if (*host == '[') {
		host_end = memchr(host, ']', (size_t)(end - host));
		if (!host_end)
			return -1;
		host_end++;
	} else {
		host_end = memchr(host, ':', (size_t)(end - host));
		if (!host_end)
			host_end = end;
	}
	if (host_end < end) {
		if (*host_end != ':')
			return -1;
		port = host_end + 1;
		plen = (size_t)(end - port);
		for (i = 0; i < plen; i++)
			if (!isdigit((unsigned char)port[i]))
				return -1;
		if (plen == 0)
			port = NULL;
		if (plen > 5)
			return -1;
	}
	n = (size_t)(host_end - host);
	if (n == 0 || n >= sizeof(hostbuf))
		return -1;
	for (i = 0; i < n; i++)
		hostbuf[i] = (char)tolower((unsigned char)host[i]);
	hostbuf[n] = '\0';
	if (port) {
		/* "0080" and "80" are one port. */
		while (plen > 1 && *port == '0') {
			port++;
			plen--;
		}
		r = snprintf(out, size, "%s://%s:%.*s",
			     https ? "https" : "http", hostbuf, (int)plen,
			     port);
	} else {
		r = snprintf(out, size, "%s://%s:%s", https ? "https" : "http",
			     hostbuf, https ? "443" : "80");
	}
	return r < 0 || (size_t)r >= size ? -1 : 0;
}

/*
 * Copies in to out (size bytes) with every copy of token replaced by
 * "***"; text that does not fit is dropped.
 */
static void replace_token(const char *in, const char *token, char *out,
			  size_t size)
{
	const char *p = in, *hit;
	size_t n, len = 0, tlen = token ? strlen(token) : 0;

	while (tlen && (hit = strstr(p, token))) {
		n = (size_t)(hit - p);
		if (len + n + 3 >= size)
			break;
		memcpy(out + len, p, n);
		memcpy(out + len + n, "***", 3);
		len += n + 3;
		p = hit + tlen;
	}
	n = strlen(p);
	if (len + n >= size)
		n = size - 1 - len;
	memcpy(out + len, p, n);
	out[len + n] = '\0';
}

/* Replaces every copy of the token in err's message with "***". */
static void scrub(const struct da_github *gh, struct da_err *err)
{
	char out[DA_ERR_MSG_MAX];

	if (!gh || !gh->token || !*gh->token || !err ||
	    !strstr(err->msg, gh->token))
		return;
	replace_token(err->msg, gh->token, out, sizeof(out));
	memcpy(err->msg, out, strlen(out) + 1);
}

/*
 * Copies text into out (size bytes) as one printable line: control
 * characters become spaces, and text over max bytes is cut at a
 * character boundary and ends with "...".
 */
static void clean_text(const char *text, size_t max, char *out, size_t size)
{
	size_t i, n = 0, cut;

	if (max > size - 4)
		max = size - 4;
	for (i = 0; text[i] && n < max; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c < 0x20 || c == 0x7f)
			out[n++] = ' ';
		else
			out[n++] = text[i];
	}
	out[n] = '\0';
	if (!text[i])
		return;
	/* A character cut in two goes whole: back to its first byte. */
	cut = n;
	if (((unsigned char)text[i] & 0xc0) == 0x80) {
		while (cut > 0 && ((unsigned char)out[cut - 1] & 0xc0) == 0x80)
			cut--;
		if (cut > 0)
			cut--;
	}
	memcpy(out + cut, "...", 4);
}

/* The route for messages: the path without its query. */
static void route_of(const char *path, char *out, size_t size)
{
	size_t n = strcspn(path, "?#");

	if (n >= size - 3) {
		memcpy(out, path, size - 4);
		memcpy(out + size - 4, "...", 4);
		return;
	}
	memcpy(out, path, n);
	out[n] = '\0';
}

static const char *reason(long status)
{
	switch (status) {
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 409:
		return "Conflict";
	case 410:
		return "Gone";
	case 422:
		return "Unprocessable Entity";
	case 429:
		return "Too Many Requests";
	case 500:
		return "Internal Server Error";
	case 502:
		return "Bad Gateway";
	case 503:
		return "Service Unavailable";
	case 504:
		return "Gateway Timeout";
	default:
		return "error";
	}
}

int da_github_denied(long status, const char *method)
{
	if (status == 401 || status == 403)
		return 1;
	if (status != 404 || !method)
		return 0;
	/* A token that cannot see a repository gets 404 where it writes. */
	return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
}

/* ---- the client ---- */

/* Zeroes a string through volatile, so that the stores are kept. */
static void wipe(char *s)
{
	volatile char *p = s;

	while (s && *p)
		*p++ = '\0';
}

void da_github_free(struct da_github *gh)
{
	if (!gh)
		return;
	da_http_free(gh->http);
	free(gh->api);
	free(gh->origin);
	/* The token should not linger in freed memory. */
	wipe(gh->auth);
	wipe(gh->token);
	free(gh->auth);
	free(gh->token);
	free(gh);
}

int da_github_new(const struct da_github_options *opts, struct da_github **ret,
		  struct da_err *err)
{
	struct da_github *gh = NULL;
	const char *api = opts ? opts->api_url : NULL;
	const char *token = opts ? opts->token : NULL;
	char origin[512], shown[256];
	size_t n, i;
	int r;

	if (!api || !*api) {
		api = getenv("GITHUB_API_URL");
		if (!api || !*api)
			api = DEFAULT_API_URL;
	}
	da_http_redact_url(api, shown, sizeof(shown));
	n = strlen(api);
	if (n >= MAX_API_URL)
		return da_err_set(err, DA_ELIMIT,
				  "GitHub API URL '%.64s...' is longer than %d "
				  "bytes",
				  shown, MAX_API_URL - 1);
	if (origin_of(api, origin, sizeof(origin)) < 0 ||
	    strpbrk(api, "?# \t\r\n"))
		return da_err_set(err, DA_EINVAL,
				  "invalid GitHub API URL '%s': want "
				  "https://host[:port][/path], as "
				  "GITHUB_API_URL gives it",
				  shown);
	if (token && *token) {
		if (strlen(token) > MAX_TOKEN)
			return da_err_set(err, DA_ELIMIT,
					  "the GitHub token is longer than %d "
					  "bytes",
					  MAX_TOKEN);
		/* It goes into a header line: nothing may break the line. */
		for (i = 0; token[i]; i++)
			if ((unsigned char)token[i] <= 0x20 ||
			    (unsigned char)token[i] == 0x7f)
				return da_err_set(
				    err, DA_EINVAL,
				    "the GitHub token holds a space or a "
				    "control character; check how it is "
				    "passed (no quotes or newline)");
	}

	gh = calloc(1, sizeof(*gh));
	if (!gh)
		return da_err_set(err, DA_ENOMEM, "out of memory");
	gh->api = strdup(api);
	gh->origin = strdup(origin);
	if (!gh->api || !gh->origin)
		goto nomem;
	n = strlen(gh->api);
	while (n > 0 && gh->api[n - 1] == '/')
		gh->api[--n] = '\0';
	if (token && *token) {
		struct da_buf b = DA_BUF_INIT(MAX_TOKEN + 64);

		gh->token = strdup(token);
		if (!gh->token ||
		    da_buf_addf(&b, "Authorization: Bearer %s", token) < 0) {
			da_buf_release(&b);
			goto nomem;
		}
		gh->auth = da_buf_detach(&b, NULL);
		if (!gh->auth)
			goto nomem;
	}
	r = da_http_new(opts ? opts->http : NULL, &gh->http, err);
	if (r < 0) {
		da_github_free(gh);
		return r;
	}
	*ret = gh;
	return 0;
nomem:
	da_github_free(gh);
	return da_err_set(err, DA_ENOMEM, "out of memory");
}

/* ---- one exchange ---- */

/*
 * The error line for an answer that is not 2xx: GitHub's own message
 * (and its first validation error), or the reason phrase without one.
 */
static int status_error(const char *method, const char *route,
			const struct da_http_response *resp, const char *token,
			struct da_err *err)
{
	json_t *root = NULL;
	const char *msg = NULL, *detail = NULL, *hint = "";
	const char *left;
	char m[MAX_MESSAGE + 4], d[MAX_MESSAGE + 4], note[48];
	char raw[MAX_MESSAGE + MAX_TOKEN + 8], clean[sizeof(raw)];
	int r;

	note[0] = '\0';
	if (resp->body.len &&
	    da_json_load_mem("answer", resp->body.data, resp->body.len,
			     resp->body.len, 0, &root, NULL) == 0) {
		msg = da_json_str(root, "message", NULL);
		detail = da_json_str(root, "errors.0.message", NULL);
		if (!detail)
			detail = da_json_str(root, "errors.0.code", NULL);
	}
	/*
	 * A server may quote the request back: the token goes before the
	 * text is cut, so that no part of it is left at the cut.
	 */
	clean_text(msg && *msg ? msg : reason(resp->status), sizeof(raw) - 4,
		   raw, sizeof(raw));
	replace_token(raw, token, clean, sizeof(clean));
	clean_text(clean, MAX_MESSAGE, m, sizeof(m));
	d[0] = '\0';
	if (detail && *detail) {
		clean_text(detail, sizeof(raw) - 4, raw, sizeof(raw));
		replace_token(raw, token, clean, sizeof(clean));
		clean_text(clean, MAX_MESSAGE, d, sizeof(d));
	}
	left = da_http_response_header(resp, "X-RateLimit-Remaining");
	if (resp->status == 401)
		hint = "; the token is wrong or has expired";
	else if ((resp->status == 403 || resp->status == 429) &&
		 ((left && strcmp(left, "0") == 0) ||
		  (msg && strstr(msg, "rate limit"))))
		hint = "; the API rate limit is used up: try again later";
	if (resp->attempts > 1) {
		r = snprintf(note, sizeof(note), " (after %d attempts)",
			     resp->attempts);
		if (r < 0 || (size_t)r >= sizeof(note))
			note[0] = '\0';
	}
	json_decref(root);
	return da_err_set(err, DA_ENET, "%s %s: %ld %s%s%s%s%s%s", method,
			  route, resp->status, m, d[0] ? " (" : "", d,
			  d[0] ? ")" : "", note, hint);
}

/*
 * Sends one request to url and reads the answer into resp. Returns 0 on
 * a 2xx with *ret_json (when not NULL) parsed from the body (NULL for an
 * empty one); otherwise a negative DA_E* with err set.
 */
static int exchange(struct da_github *gh, const char *method, const char *url,
		    const char *route, const struct da_buf *body,
		    struct da_http_response *resp, json_t **ret_json,
		    struct da_err *err)
{
	const char *headers[5];
	struct da_http_request req = {0};
	struct da_err herr = DA_ERR_INIT;
	size_t n = 0;
	json_t *root = NULL;
	int r;

	headers[n++] = "Accept: application/vnd.github+json";
	headers[n++] = "X-GitHub-Api-Version: " API_VERSION;
	if (gh->auth)
		headers[n++] = gh->auth;
	if (body)
		headers[n++] = "Content-Type: application/json";
	req.method = method;
	req.url = url;
	req.headers = headers;
	req.n_headers = n;
	if (body) {
		/* An empty body still has to be sent, not left out. */
		req.body = body->data ? body->data : "";
		req.body_len = body->len;
	}
	r = da_http_do(gh->http, &req, resp, &herr);
	if (resp->status && (resp->status < 200 || resp->status > 299))
		return status_error(method, route, resp, gh->token, err);
	if (r < 0) {
		da_err_set(err, -r, "%s %s: %s", method, route, herr.msg);
		return r;
	}
	if (!ret_json)
		return 0;
	*ret_json = NULL;
	if (resp->status == 204 || resp->body.len == 0)
		return 0;
	r = da_json_load_mem("answer", resp->body.data, resp->body.len,
			     resp->body.len, 0, &root, &herr);
	if (r < 0)
		return da_err_set(err, r == -DA_ENOMEM ? DA_ENOMEM : DA_ENET,
				  "%s %s: %ld answer is not JSON: %s", method,
				  route, resp->status, herr.msg);
	*ret_json = root;
	return 0;
}

/* Whether the space-separated list [p, end) holds word (any case). */
static int has_word(const char *p, const char *end, const char *word)
{
	size_t n = strlen(word), len;

	while (p < end) {
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		len = 0;
		while (p + len < end && p[len] != ' ' && p[len] != '\t')
			len++;
		if (len == n && strncasecmp(p, word, n) == 0)
			return 1;
		p += len;
	}
	return 0;
}

/*
 * Finds the URL of rel="next" in a Link header value (RFC 8288:
 * "<url>; rel=\"next last\"; title=\"a, b\", <url>; ...") and copies it
 * to out. Returns 1 when found, 0 when there is none, -1 when it does
 * not fit in size.
 */
static int link_next(const char *v, char *out, size_t size)
{
	const char *p = v, *url, *url_end, *q, *name, *name_end, *val, *val_end;
	int is_next;

	for (;;) {
		p = strchr(p, '<');
		if (!p)
			return 0;
		url = p + 1;
		url_end = strchr(url, '>');
		if (!url_end)
			return 0;
		is_next = 0;
		q = url_end + 1;
		/* Parameters: "; name=value" until the ',' ending the link. */
		for (;;) {
			q += strspn(q, " \t");
			if (*q != ';')
				break;
			q++;
			q += strspn(q, " \t");
			name = q;
			q += strcspn(q, "=;, \t");
			name_end = q;
			q += strspn(q, " \t");
			if (*q != '=')
				continue;
			q++;
			q += strspn(q, " \t");
			if (*q == '"') {
				val = ++q;
				while (*q && *q != '"')
					q += q[0] == '\\' && q[1] ? 2 : 1;
				val_end = q;
				if (*q == '"')
					q++;
			} else {
				val = q;
				q += strcspn(q, ";, \t");
				val_end = q;
			}
			if (name_end - name == 3 &&
			    strncasecmp(name, "rel", 3) == 0 &&
			    has_word(val, val_end, "next"))
				is_next = 1;
		}
		if (is_next) {
			if ((size_t)(url_end - url) >= size)
				return -1;
			memcpy(out, url, (size_t)(url_end - url));
			out[url_end - url] = '\0';
			return 1;
		}
		q = strchr(q, ',');
		if (!q)
			return 0;
		p = q + 1;
	}
}

/* Whether an absolute URL carries "user:password@" in its authority. */
static int has_userinfo(const char *url)
{
	const char *auth = strstr(url, "://");

	if (!auth)
		return 0;
	auth += 3;
	return memchr(auth, '@', strcspn(auth, "/?#")) != NULL;
}

/* Whether the query of path sets parameter name. */
static int has_param(const char *path, const char *name)
{
	const char *q = strchr(path, '?');
	size_t n = strlen(name);

	while (q) {
		q++;
		if (strncmp(q, name, n) == 0 && q[n] == '=')
			return 1;
		q = strchr(q, '&');
	}
	return 0;
}

/*
 * Called for each page of a list with the page's array (borrowed). Sets
 * *stop to end the walk early.
 */
typedef int (*page_fn)(void *ctx, json_t *page, int *stop, struct da_err *err);

/*
 * GETs path (with per_page=100 unless it sets per_page) and every page
 * after it that Link's rel="next" names, up to DA_GITHUB_MAX_PAGES,
 * handing each to fn. A next page on another origin than the API's is
 * refused: it would be sent the token. When ret_single is not NULL, a
 * first answer that is not an array ends the walk: *ret_single is set and
 * the answer goes to *ret_json.
 */
static int walk_pages(struct da_github *gh, const char *path, page_fn fn,
		      void *ctx, struct da_http_response *resp, int *ret_single,
		      json_t **ret_json, struct da_err *err)
{
	struct da_buf url = DA_BUF_INIT(DA_MAX_HTTP_URL);
	char route[MAX_ROUTE], next[DA_MAX_HTTP_URL], origin[512];
	char shown[256];
	const char *link;
	json_t *page = NULL;
	size_t total = 0;
	int pages = 0, stop = 0, r;

	route_of(path, route, sizeof(route));
	if (has_param(path, "per_page"))
		r = da_buf_addf(&url, "%s%s", gh->api, path);
	else
		r = da_buf_addf(&url, "%s%s%sper_page=100", gh->api, path,
				strchr(path, '?') ? "&" : "?");
	if (r < 0) {
		r = da_err_set(err, DA_ELIMIT, "GET %s: the URL is too long",
			       route);
		goto out;
	}
	for (;;) {
		r = exchange(gh, "GET", da_buf_str(&url), route, NULL, resp,
			     &page, err);
		if (r < 0)
			goto out;
		pages++;
		if (!json_is_array(page) && pages == 1 && ret_single) {
			*ret_single = 1;
			*ret_json = page;
			page = NULL;
			goto out;
		}
		if (!json_is_array(page)) {
			r = da_err_set(err, DA_ENET,
				       "GET %s: page %d of the list is %s, "
				       "not an array",
				       route, pages,
				       page ? da_json_type_name(page)
					    : "empty");
			goto out;
		}
		total += resp->body.len;
		if (total > MAX_LIST_BYTES) {
			r = da_err_set(err, DA_ELIMIT,
				       "GET %s: the list is over %zu MiB",
				       route, MAX_LIST_BYTES >> 20);
			goto out;
		}
		r = fn(ctx, page, &stop, err);
		json_decref(page);
		page = NULL;
		if (r < 0 || stop)
			goto out;
		link = da_http_response_header(resp, "Link");
		r = link ? link_next(link, next, sizeof(next)) : 0;
		if (r < 0) {
			r = da_err_set(err, DA_ENET,
				       "GET %s: the next page's URL is over "
				       "%d bytes",
				       route, DA_MAX_HTTP_URL - 1);
			goto out;
		}
		if (r == 0)
			break;
		if (pages >= DA_GITHUB_MAX_PAGES) {
			r = da_err_set(err, DA_ELIMIT,
				       "GET %s: more than %d pages; stopped "
				       "there",
				       route, DA_GITHUB_MAX_PAGES);
			goto out;
		}
		/*
		 * User information or a backslash in the authority could make
		 * curl and this check see different hosts: refused as well.
		 */
		if (origin_of(next, origin, sizeof(origin)) < 0 ||
		    strcmp(origin, gh->origin) != 0 ||
		    strpbrk(next, "\\ \t\r\n") || has_userinfo(next)) {
			da_http_redact_url(next, shown, sizeof(shown));
			r = da_err_set(err, DA_ENET,
				       "GET %s: refusing page %d at '%s': it "
				       "is not on the API's server %s",
				       route, pages + 1, shown, gh->origin);
			goto out;
		}
		da_buf_reset(&url);
		r = da_buf_adds(&url, next);
		if (r < 0) {
			r = da_err_set(err, DA_ENOMEM, "out of memory");
			goto out;
		}
	}
	r = 0;
out:
	json_decref(page);
	da_buf_release(&url);
	return r;
}

static int gather_page(void *ctx, json_t *page, int *stop, struct da_err *err)
{
	json_t *all = ctx;

	(void)stop;
	if (json_array_extend(all, page) < 0)
		return da_err_set(err, DA_ENOMEM, "out of memory");
	return 0;
}

/* Checks method and path; fills route for messages. */
static int check_path(const char *method, const char *path, char *route,
		      size_t size, struct da_err *err)
{
	size_t i;

	if (!method || !*method || !path || path[0] != '/')
		return da_err_set(err, DA_EINVAL,
				  "GitHub API path '%.64s' must start with '/'",
				  path ? path : "");
	route_of(path, route, size);
	for (i = 0; path[i]; i++)
		if ((unsigned char)path[i] <= 0x20 ||
		    (unsigned char)path[i] == 0x7f || path[i] == '#')
			return da_err_set(err, DA_EINVAL,
					  "%s %s: the path holds a space, '#' "
					  "or a control character",
					  method, route);
	if (strlen(path) >= DA_MAX_HTTP_URL - MAX_API_URL - 32)
		return da_err_set(err, DA_ELIMIT, "%s %s: the path is too long",
				  method, route);
	return 0;
}

/* The request behind da_github_request(), leaving the token in err. */
static int request(struct da_github *gh, const char *method, const char *path,
		   const json_t *body, json_t **ret_json,
		   struct da_http_response *resp, struct da_err *err)
{
	struct da_buf text = DA_BUF_INIT(MAX_REQUEST_BODY);
	struct da_buf url = DA_BUF_INIT(DA_MAX_HTTP_URL);
	char route[MAX_ROUTE];
	json_t *json = NULL, *all = NULL;
	int single = 0, r;

	r = check_path(method, path, route, sizeof(route), err);
	if (r < 0)
		goto out;
	if (body) {
		r = da_json_dump(body, 0, &text, err);
		if (r < 0) {
			da_err_prefix(err, "%s %s: request body", method,
				      route);
			goto out;
		}
	}
	/*
	 * A list is read whole, page by page, unless the caller asked for
	 * one page by number.
	 */
	if (strcmp(method, "GET") == 0 && ret_json && !body &&
	    !has_param(path, "page")) {
		all = json_array();
		if (!all) {
			r = da_err_set(err, DA_ENOMEM, "out of memory");
			goto out;
		}
		r = walk_pages(gh, path, gather_page, all, resp, &single, &json,
			       err);
		if (r == 0 && !single) {
			json = all;
			all = NULL;
		}
		goto out;
	}
	r = da_buf_addf(&url, "%s%s", gh->api, path);
	if (r < 0) {
		r = da_err_set(err, DA_ELIMIT, "%s %s: the URL is too long",
			       method, route);
		goto out;
	}
	r = exchange(gh, method, da_buf_str(&url), route, body ? &text : NULL,
		     resp, ret_json ? &json : NULL, err);
out:
	if (r == 0 && ret_json)
		*ret_json = json;
	else
		json_decref(json);
	json_decref(all);
	da_buf_release(&text);
	da_buf_release(&url);
	return r;
}

int da_github_request(struct da_github *gh, const char *method,
		      const char *path, const json_t *body, json_t **ret_json,
		      long *ret_status, struct da_err *err)
{
	struct da_http_response resp;
	int r;

	da_http_response_init(&resp);
	r = request(gh, method, path, body, ret_json, &resp, err);
	if (ret_status)
		*ret_status = resp.status;
	if (r < 0)
		scrub(gh, err);
	da_http_response_release(&resp);
	return r;
}

/* ---- the workflow's event ---- */

int da_github_event_pr(long *ret_number, struct da_err *err)
{
	const char *name = getenv("GITHUB_EVENT_NAME");
	const char *file = getenv("GITHUB_EVENT_PATH");
	const char *key = "pull_request.number";
	json_t *root = NULL, *v;
	long long n;
	int r;

	if (!name || !*name) {
		*ret_number = 0;
		return 0;
	}
	if (strcmp(name, "issue_comment") == 0) {
		key = "issue.number";
	} else if (strcmp(name, "pull_request") != 0 &&
		   strcmp(name, "pull_request_target") != 0 &&
		   strcmp(name, "pull_request_review") != 0 &&
		   strcmp(name, "pull_request_review_comment") != 0) {
		*ret_number = 0;
		return 0;
	}
	if (!file || !*file)
		return da_err_set(err, DA_EINVAL,
				  "GITHUB_EVENT_PATH is not set for a %.64s "
				  "event: cannot tell the pull request",
				  name);
	r = da_json_load_file(file, MAX_EVENT_FILE, 0, &root, err);
	if (r < 0) {
		da_err_prefix(err, "event file");
		return r;
	}
	if (!json_is_object(root)) {
		r = da_err_set(err, DA_EINVAL,
			       "event file '%s' is %s, not an object", file,
			       da_json_type_name(root));
		goto out;
	}
	/* A comment on a plain issue is no pull request. */
	if (strcmp(name, "issue_comment") == 0 &&
	    !json_is_object(da_json_get(root, "issue.pull_request"))) {
		*ret_number = 0;
		r = 0;
		goto out;
	}
	v = da_json_get(root, key);
	n = json_is_integer(v) ? (long long)json_integer_value(v) : 0;
	if (n <= 0 || n > 2147483647LL) {
		r = da_err_set(err, DA_EINVAL,
			       "event file '%s' of a %.64s event: %s is "
			       "missing or not a positive integer",
			       file, name, key);
		goto out;
	}
	*ret_number = (long)n;
	r = 0;
out:
	json_decref(root);
	return r;
}

/* ---- the one comment ---- */

/* Bytes of a key kept in a marker. */
#define MAX_MARKER_KEY 100

int da_github_marker(const char *tool, const char *key, struct da_buf *out)
{
	const unsigned char *p;
	uint32_t h = 2166136261u; /* FNV-1a of the whole key */
	size_t n = 0;
	int r, dash = 0, lossy = 0;
	char last = 0;

	r = da_buf_addf(out, "<!-- deploy-actions/%s", tool);
	/*
	 * Only [A-Za-z0-9._/-], and never "--": a comment must not hold
	 * "--", and '>' would end it. A run of anything else becomes one
	 * '-'; a '-' of the key is kept where it makes no "--".
	 */
	for (p = (const unsigned char *)(key ? key : ""); r == 0 && *p; p++) {
		unsigned char c = *p;
		int keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			   (c >= '0' && c <= '9') || c == '.' || c == '_' ||
			   c == '/' || (c == '-' && n > 0 && last != '-');

		h = (h ^ c) * 16777619u;
		if (!keep || n >= MAX_MARKER_KEY) {
			lossy = 1;
			dash = n > 0;
			continue;
		}
		if (n == 0)
			r = da_buf_addch(out, ' ');
		else if (dash && c != '-' && last != '-')
			r = da_buf_addch(out, '-');
		if (r == 0)
			r = da_buf_addch(out, (char)c);
		last = (char)c;
		dash = 0;
		n++;
	}
	/* keys that differ only in what was dropped keep markers apart */
	if (r == 0 && lossy)
		r = da_buf_addf(out, "%s%08x",
				!n	      ? " "
				: last == '-' ? ""
					      : "-",
				(unsigned)h);
	if (r == 0)
		r = da_buf_adds(out, " -->");
	return r;
}

/* "owner/name" with GitHub's characters, and neither part "." or "..". */
static int valid_repo(const char *repo)
{
	const char *slash = repo ? strchr(repo, '/') : NULL;
	size_t i, part = 0;

	if (!slash || slash == repo || !slash[1] || strchr(slash + 1, '/'))
		return 0;
	for (i = 0; repo[i]; i++) {
		unsigned char c = (unsigned char)repo[i];

		if (c == '/') {
			part = 0;
			continue;
		}
		if (!isalnum(c) && c != '-' && c != '_' && c != '.')
			return 0;
		if (++part > 100)
			return 0;
	}
	return strcmp(slash + 1, ".") != 0 && strcmp(slash + 1, "..") != 0 &&
	       strncmp(repo, "./", 2) != 0 && strncmp(repo, "../", 3) != 0;
}

/* Characters (UTF-8 code points) in s; -1 if s is not valid UTF-8. */
static long long utf8_chars(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	long long n = 0;
	int more;

	while (*p) {
		if (*p < 0x80)
			more = 0;
		else if ((*p & 0xe0) == 0xc0 && *p >= 0xc2)
			more = 1;
		else if ((*p & 0xf0) == 0xe0)
			more = 2;
		else if ((*p & 0xf8) == 0xf0 && *p <= 0xf4)
			more = 3;
		else
			return -1;
		p++;
		for (; more > 0; more--, p++)
			if ((*p & 0xc0) != 0x80)
				return -1;
		n++;
	}
	return n;
}

struct find {
	const char *marker;
	json_int_t id;	   /* the first marked comment a bot wrote */
	json_int_t any_id; /* the first marked comment of anyone */
};

/*
 * Looks for the comment whose body holds the marker. A bot's (ours: a
 * workflow token comments as a bot) is preferred, so a person who quotes
 * the marker in a comment of their own does not make us edit theirs; it
 * stops at the first one. Anyone's that starts with the marker is kept
 * as the fallback, for tokens that comment as a user.
 */
static int find_marker(void *ctx, json_t *page, int *stop, struct da_err *err)
{
	struct find *f = ctx;
	json_t *c;
	size_t i;

	(void)err;
	json_array_foreach(page, i, c)
	{
		const char *body = da_json_str(c, "body", NULL);
		const char *type = da_json_str(c, "user.type", "");
		json_t *id = json_object_get(c, "id");

		if (!body || !strstr(body, f->marker) || !json_is_integer(id) ||
		    json_integer_value(id) <= 0)
			continue;
		/* ours start with the marker; a quote of it rarely does */
		if (!f->any_id && !strncmp(body, f->marker, strlen(f->marker)))
			f->any_id = json_integer_value(id);
		if (strcmp(type, "Bot") == 0) {
			f->id = json_integer_value(id);
			*stop = 1;
			return 0;
		}
	}
	return 0;
}

static int upsert(struct da_github *gh, const char *repo, long number,
		  const char *marker, const char *body, int only_update,
		  struct da_buf *ret_url, int *ret_created,
		  struct da_http_response *resp, struct da_err *err)
{
	struct da_buf path = DA_BUF_INIT(1024);
	struct da_buf url = DA_BUF_INIT(DA_MAX_HTTP_URL);
	struct da_buf text = DA_BUF_INIT(MAX_REQUEST_BODY);
	struct find f = {marker, 0, 0};
	json_t *req = NULL, *answer = NULL;
	const char *method, *html;
	char route[MAX_ROUTE];
	long long chars;
	int r;

	if (!valid_repo(repo)) {
		r = da_err_set(err, DA_EINVAL,
			       "invalid repository '%.128s': want owner/name",
			       repo ? repo : "");
		goto out;
	}
	if (number <= 0) {
		r = da_err_set(err, DA_EINVAL,
			       "invalid pull request number %ld for %s", number,
			       repo);
		goto out;
	}
	if (!marker || !*marker || !body || !strstr(body, marker)) {
		r = da_err_set(err, DA_EINVAL,
			       "the comment for %s#%ld does not hold its "
			       "marker: it could never be found to update",
			       repo, number);
		goto out;
	}
	chars = utf8_chars(body);
	if (chars < 0) {
		r = da_err_set(err, DA_EINVAL,
			       "the comment for %s#%ld is not valid UTF-8",
			       repo, number);
		goto out;
	}
	if (chars > MAX_COMMENT_CHARS) {
		r = da_err_set(err, DA_ELIMIT,
			       "the comment for %s#%ld has %lld characters; "
			       "GitHub takes at most %d",
			       repo, number, chars, MAX_COMMENT_CHARS);
		goto out;
	}
	req = json_object();
	if (!req || json_object_set_new(req, "body", json_string(body)) < 0) {
		r = da_err_set(err, DA_ENOMEM, "out of memory");
		goto out;
	}
	r = da_json_dump(req, 0, &text, err);
	if (r < 0)
		goto out;

	r = da_buf_addf(&path, "/repos/%s/issues/%ld/comments", repo, number);
	if (r < 0)
		goto nomem;
	r = walk_pages(gh, da_buf_str(&path), find_marker, &f, resp, NULL, NULL,
		       err);
	if (r < 0)
		goto out;
	if (f.id <= 0)
		f.id = f.any_id;
	if (f.id <= 0 && only_update) {
		/* nothing to update: not an error, and nothing posted */
		if (ret_created)
			*ret_created = 0;
		if (ret_url)
			da_buf_reset(ret_url);
		r = 1;
		goto out;
	}
	if (f.id > 0) {
		method = "PATCH";
		da_buf_reset(&path);
		r = da_buf_addf(&path, "/repos/%s/issues/comments/%lld", repo,
				(long long)f.id);
	} else {
		method = "POST";
	}
	if (r == 0)
		r = da_buf_addf(&url, "%s%s", gh->api, da_buf_str(&path));
	if (r < 0)
		goto nomem;
	route_of(da_buf_str(&path), route, sizeof(route));
	r = exchange(gh, method, da_buf_str(&url), route, &text, resp, &answer,
		     err);
	if (r < 0 && f.id > 0 && !only_update &&
	    (resp->status == 403 || resp->status == 404)) {
		/* a marked comment we may not edit (someone else's): post a
		 * comment of our own instead; a token that may not write
		 * at all is refused again, and that answer stands */
		f.id = 0;
		method = "POST";
		da_buf_reset(&path);
		da_buf_reset(&url);
		if (da_buf_addf(&path, "/repos/%s/issues/%ld/comments", repo,
				number) < 0 ||
		    da_buf_addf(&url, "%s%s", gh->api, da_buf_str(&path)) < 0)
			goto nomem;
		route_of(da_buf_str(&path), route, sizeof(route));
		da_err_clear(err);
		da_http_response_release(resp);
		da_http_response_init(resp);
		r = exchange(gh, method, da_buf_str(&url), route, &text, resp,
			     &answer, err);
	}
	if (r < 0)
		goto out;
	html = da_json_str(answer, "html_url", "");
	if (ret_url) {
		size_t max = ret_url->max ? ret_url->max : DA_BUF_DEFAULT_MAX;

		/* Checked first, so that a failure leaves ret_url alone. */
		if (strlen(html) > max) {
			r = da_err_set(err, DA_ELIMIT,
				       "%s %s: html_url is over %zu bytes",
				       method, route, max);
			goto out;
		}
		da_buf_reset(ret_url);
		if (da_buf_adds(ret_url, html) < 0)
			goto nomem;
	}
	if (ret_created)
		*ret_created = f.id <= 0;
	r = 0;
	goto out;
nomem:
	r = da_err_set(err, DA_ENOMEM, "out of memory");
out:
	json_decref(req);
	json_decref(answer);
	da_buf_release(&path);
	da_buf_release(&url);
	da_buf_release(&text);
	return r;
}

static int comment(struct da_github *gh, const char *repo, long number,
		   const char *marker, const char *body, int only_update,
		   struct da_buf *ret_url, int *ret_created, long *ret_status,
		   struct da_err *err)
{
	struct da_http_response resp;
	int r;

	da_http_response_init(&resp);
	r = upsert(gh, repo, number, marker, body, only_update, ret_url,
		   ret_created, &resp, err);
	if (ret_status)
		*ret_status = resp.status;
	if (r < 0)
		scrub(gh, err);
	da_http_response_release(&resp);
	return r;
}

int da_github_comment_upsert(struct da_github *gh, const char *repo,
			     long number, const char *marker, const char *body,
			     struct da_buf *ret_url, int *ret_created,
			     long *ret_status, struct da_err *err)
{
	int r = comment(gh, repo, number, marker, body, 0, ret_url, ret_created,
			ret_status, err);

	return r < 0 ? r : 0;
}

int da_github_comment_update(struct da_github *gh, const char *repo,
			     long number, const char *marker, const char *body,
			     struct da_buf *ret_url, long *ret_status,
			     struct da_err *err)
{
	int r = comment(gh, repo, number, marker, body, 1, ret_url, NULL,
			ret_status, err);

	return r < 0 ? r : r == 1 ? 0 : 1;
}
