/*
 * http: HTTP and HTTPS requests over libcurl, one at a time or many at once.
 *
 * A client (struct da_http, opaque) holds the options every request shares:
 * timeouts, the retry policy, body and header ceilings, TLS settings. It
 * keeps its connections alive between requests. Make one with
 * da_http_new() from a struct da_http_options that da_http_options_init()
 * filled with defaults; the client copies every string it is given, so the
 * options may go away afterwards. da_http_free() closes it (NULL-safe).
 *
 * A request (struct da_http_request) is plain data owned by the caller and
 * only read. A response (struct da_http_response) is set up with
 * da_http_response_init(), filled by a request and freed with
 * da_http_response_release(); the client never keeps a pointer to either.
 * Unlike a ret_ output, the response is filled on failure too (attempts,
 * timing, the last status and curl error text), so that a caller can report
 * what happened; its body and headers are those of the last attempt.
 *
 * Retries: a transport error (refused, reset, timed out, no reply) or a
 * status from the retry list (default 429, 502, 503, 504) is tried again
 * up to `retries` more times, waiting an exponential backoff with full
 * jitter, or the server's Retry-After (capped) when it sent one. A request
 * that is not idempotent (POST, PATCH) is not retried after a transport
 * error once the request went out, nor on a listed status other than 429
 * and 503 (a 502 may come after the backend acted; it is returned as an
 * answer), unless retry_unsafe is set. When the
 * last attempt still gets a status from the retry list the request fails
 * (-DA_ENET) and the response holds that last answer. Any other status,
 * 404 and 500 included, is an answer, not an error: check resp->status.
 *
 * TLS is verified unless the caller sets insecure by name. The static tools
 * have no compiled-in CA path, so the client looks for one: the ca_file
 * option, else SSL_CERT_FILE (and SSL_CERT_DIR), else the first existing
 * file of da_http_ca_paths[]. A client certificate and key (PEM files) are
 * presented when given. Over HTTPS the response tells how long the
 * server's certificate has left (cert_expires_ms), for reused connections
 * too. Messages never hold the credentials of a URL (user:password@,
 * secret query values) or any request header.
 *
 * Many requests at once: da_http_multi() runs an array of them together;
 * da_http_run() streams any number through at most `parallel` transfers,
 * asking the caller for each request as a slot frees up and handing each
 * response back as it ends, so that memory stays bounded by `parallel`.
 * Both reuse the client's connections (keep-alive) across calls.
 *
 * Return values are 0 or a negative DA_E*: -DA_ENET network or TLS failure,
 * -DA_ETIMEOUT a timeout, -DA_ELIMIT a ceiling, -DA_EINVAL a bad request,
 * -DA_ENOENT a CA file or directory given that does not exist, -DA_EIO
 * no CA bundle on the machine, -DA_ENOMEM.
 */
#ifndef DA_HTTP_H
#define DA_HTTP_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "buf.h"
#include "error.h"

/* Ceilings for what a server sends back. */
#define DA_MAX_HTTP_BODY ((size_t)8 << 20)     /* response body, 8 MiB */
#define DA_MAX_HTTP_HEADERS ((size_t)64 << 10) /* response headers, 64 KiB */
/* Ceilings for what a caller may ask for. */
#define DA_MAX_HTTP_RETRY_STATUSES 16 /* entries in the retry list */
#define DA_MAX_HTTP_MULTI 4096	      /* requests in one da_http_multi() */
#define DA_MAX_HTTP_URL 8192	      /* length of a URL */

struct da_http;

struct da_http_options {
	long connect_timeout_ms; /* per attempt; default 10 s */
	long timeout_ms;	 /* whole attempt, 0 none; default 30 s */
	int retries;		 /* attempts after the first; default 2 */
	long backoff_base_ms;	 /* first backoff ceiling; default 500 */
	long backoff_max_ms;	 /* largest backoff; default 10 s */
	int honour_retry_after;	 /* default 1 */
	long retry_after_max_ms; /* cap on a Retry-After wait; 60 s */
	int retry_statuses[DA_MAX_HTTP_RETRY_STATUSES];
	int n_retry_statuses;	/* default 4: 429 502 503 504 */
	int retry_transport;	/* retry transport errors; default 1 */
	int retry_unsafe;	/* also POST/PATCH once sent; 0 */
	size_t max_body;	/* default DA_MAX_HTTP_BODY */
	size_t max_headers;	/* default DA_MAX_HTTP_HEADERS */
	int follow_redirects;	/* default 0 */
	long max_redirects;	/* when following; default 5 */
	int max_parallel;	/* connections in da_http_multi; 16 */
	int insecure;		/* 1 turns TLS verification off */
	const char *ca_file;	/* wins over discovery; NULL */
	const char *ca_dir;	/* a hashed CA directory; NULL */
	const char *user_agent; /* NULL: deploy-actions/DA_VERSION */
	/* A PEM certificate to present and its unencrypted PEM key (NULL:
	 * in the certificate's file). da_http_new() checks both. */
	const char *client_cert;
	const char *client_key;
};

struct da_http_request {
	const char *method;	    /* NULL: GET, or POST when body is set */
	const char *url;	    /* http:// or https:// */
	const char *const *headers; /* "Name: value" lines */
	size_t n_headers;
	const void *body; /* NULL for none; not copied */
	size_t body_len;
	long timeout_ms;      /* whole attempt; 0: the client's timeout_ms */
	int follow_redirects; /* 0: the client's choice; 1 follow; -1 never */
};

/* Microseconds from the start of the last attempt until each step ended. */
struct da_http_timing {
	long long dns_us;	 /* name resolved */
	long long connect_us;	 /* TCP connected */
	long long tls_us;	 /* TLS handshake done; 0 for http:// */
	long long first_byte_us; /* first response byte */
	long long total_us;	 /* transfer done */
	long long elapsed_us;	 /* all attempts and waits together */
};

struct da_http_response {
	long status;		  /* last HTTP status; 0 if none came */
	struct da_buf body;	  /* capped at the client's max_body */
	struct da_buf headers;	  /* "name\0value\0" pairs; use _header() */
	int attempts;		  /* requests made, retries included */
	long long retry_after_ms; /* last Retry-After seen; -1 for none */
	struct da_http_timing timing;
	char effective_url[DA_MAX_HTTP_URL]; /* last URL, redacted */
	char curl_error[256]; /* last libcurl error text, "" for none */
	char ip[64];	      /* the peer's address, "" when none */
	/* Milliseconds until the server's (leaf) certificate expires, 0 once
	 * it has; -1 for http:// or when no certificate was seen. */
	long long cert_expires_ms;
	long long cert_not_after; /* its notAfter, Unix seconds; 0 unknown */
	int result;		  /* multi and run: 0 or -DA_E* */
	struct da_err error;	  /* multi and run: the failure, if any */
};

/* The CA bundle locations tried in order, NULL-terminated. */
extern const char *const da_http_ca_paths[];

/*
 * Fills opts with the defaults listed in struct da_http_options.
 */
void da_http_options_init(struct da_http_options *opts);

/*
 * Makes a client with the given options (NULL: defaults) and runs
 * curl_global_init() the first time. Returns 0 and *ret_http, -DA_EINVAL
 * for options out of range, -DA_ENOMEM.
 */
int da_http_new(const struct da_http_options *opts, struct da_http **ret_http,
		struct da_err *err);

/* Closes the client's connections and frees it. NULL-safe. */
void da_http_free(struct da_http *http);

/* Sets up an empty response; release it with da_http_response_release(). */
void da_http_response_init(struct da_http_response *resp);

/* Frees the body and headers; the response may be used again. NULL-safe. */
void da_http_response_release(struct da_http_response *resp);

/*
 * The value of the first response header called name (any case), or NULL.
 * The pointer stays valid until the response is released or reused.
 */
const char *da_http_response_header(const struct da_http_response *resp,
				    const char *name);

/*
 * Runs one request with retries and fills resp (see the top of this file).
 * Returns 0 when an answer came, whatever its status, or a negative DA_E*
 * with one line in err naming the redacted URL and the attempts made.
 */
int da_http_do(struct da_http *http, const struct da_http_request *req,
	       struct da_http_response *resp, struct da_err *err);

/* da_http_do() of a GET. */
int da_http_get(struct da_http *http, const char *url,
		struct da_http_response *resp, struct da_err *err);

/*
 * Runs n requests at once, each with its own retries, and fills resps[i]
 * for reqs[i], including resps[i].result and .error. Returns 0 when every
 * request ran (look at each result), or a negative DA_E* when they could
 * not be started (n over DA_MAX_HTTP_MULTI, out of memory).
 */
int da_http_multi(struct da_http *http, const struct da_http_request *reqs,
		  size_t n, struct da_http_response *resps, struct da_err *err);

/*
 * A source of requests for da_http_run(). start() hands out request i
 * and the response it fills (set up with da_http_response_init()); both
 * must stay valid until done() is called for i, with resp->result and
 * resp->error saying how it went. Either may return a negative DA_E* (and
 * fill err) to stop the whole run.
 */
struct da_http_feed {
	int (*start)(void *ctx, size_t i,
		     const struct da_http_request **ret_req,
		     struct da_http_response **ret_resp, struct da_err *err);
	int (*done)(void *ctx, size_t i, struct da_http_response *resp,
		    struct da_err *err);
	void *ctx;
};

/*
 * Runs requests 0..n-1 of feed with at most parallel (1..DA_MAX_HTTP_MULTI)
 * in flight, starting the next as soon as one ends, in order of i. Returns
 * 0 when every request ran (each result is in its response), or the
 * negative DA_E* of a feed callback or of curl itself; transfers still
 * running then are abandoned without a done() call.
 */
int da_http_run(struct da_http *http, size_t n, size_t parallel,
		const struct da_http_feed *feed, struct da_err *err);

/*
 * Parses a Retry-After value: delta-seconds ("120") or an HTTP-date, which
 * is turned into a wait from now (0 if in the past). Returns 0 and
 * *ret_ms, or -DA_EINVAL for anything else.
 */
int da_http_parse_retry_after(const char *value, time_t now, long long *ret_ms,
			      struct da_err *err);

/*
 * The wait before retry number `retry` (1 for the first retry): a value in
 * [0, min(max_ms, base_ms * 2^(retry-1))] picked by rnd (full jitter).
 */
long long da_http_backoff_ms(long base_ms, long max_ms, int retry,
			     uint64_t rnd);

/*
 * The wait before retry number `retry` after a retried status: the
 * server's Retry-After (retry_after_ms, -1 for none) capped at
 * retry_after_max_ms when honour_retry_after is set, else the backoff.
 */
long long da_http_retry_wait_ms(const struct da_http_options *opts, int retry,
				long long retry_after_ms, uint64_t rnd);

/*
 * Picks the CA bundle: env_file (SSL_CERT_FILE) when set, else the first
 * existing regular file of paths (NULL-terminated); env_dir (SSL_CERT_DIR)
 * when it is a directory. Returns 0 with *ret_file (may be NULL when only a
 * directory was found) and *ret_dir (may be NULL) pointing into the
 * arguments; -DA_ENOENT when SSL_CERT_FILE or SSL_CERT_DIR names nothing,
 * -DA_EIO when the machine has no bundle at all.
 */
int da_http_ca_find(const char *env_file, const char *env_dir,
		    const char *const *paths, const char **ret_file,
		    const char **ret_dir, struct da_err *err);

/*
 * True when a query parameter or header name (n bytes, any case) says it
 * carries a credential: token, secret, pass(word), sig(nature),
 * credential, key, auth(orization), session, cookie. Shared by URL
 * redaction and the tools that mask request headers.
 */
int da_http_secret_name(const char *name, size_t n);

/*
 * Copies url into out (size bytes) without user:password@ and with the
 * values of query parameters that look secret (token, key, signature,
 * password, ...) replaced by "REDACTED". Cuts an overlong URL with "...".
 */
void da_http_redact_url(const char *url, char *out, size_t size);

#endif
