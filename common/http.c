#include "http.h"
#include "time.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>
#include <mbedtls/error.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#ifndef DA_VERSION
#define DA_VERSION "0.0.0"
#endif

#define DEFAULT_USER_AGENT "deploy-actions/" DA_VERSION

/* Longest single wait between two polls of the multi handle. */
#define POLL_SLICE_MS 1000

struct da_http {
	struct da_http_options o; /* strings below replace o's */
	char *ca_file;
	char *ca_dir;
	char *user_agent;
	char *client_cert;
	char *client_key;
	int ca_rc; /* discovery result, 0 or -DA_E* */
	struct da_err ca_err;
	CURLM *multi; /* holds the connection pool */
	uint64_t rng;
};

/* One request on its way through its attempts, in a slot of a run. */
struct xfer {
	struct da_http *h;
	size_t i; /* the request's index in the run */
	int busy; /* the slot holds a request */
	const struct da_http_request *req;
	struct da_http_response *resp;
	CURL *easy;
	struct curl_slist *hdrs;
	char url[DA_MAX_HTTP_URL]; /* redacted, for messages */
	int idempotent;
	int in_flight;
	int done;
	long long due_ms; /* when the next attempt may start */
	long long start_ms;
	int body_over;
	int hdr_over;
	char errbuf[CURL_ERROR_SIZE];
};

const char *const da_http_ca_paths[] = {
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
    "/etc/ssl/cert.pem",
    "/etc/ssl/ca-bundle.pem",
    "/usr/local/etc/openssl/cert.pem",
    "/opt/homebrew/etc/openssl/cert.pem",
    NULL,
};

static int curl_ready;

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long long mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* splitmix64: good enough to spread retries, not for secrets. */
static uint64_t next_random(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t seed_random(void)
{
	uint64_t seed = 0;
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		if (read(fd, &seed, sizeof(seed)) != (ssize_t)sizeof(seed))
			seed = 0;
		close(fd);
	}
	/* Without /dev/urandom, clients started together still differ. */
	seed ^= (uint64_t)mono_us() ^ ((uint64_t)getpid() << 32);
	return seed;
}

/* "8 MiB", "64 KiB" or "1000 bytes", for limit messages. */
static void fmt_size(char *out, size_t size, size_t n)
{
	int r;

	if (n >= ((size_t)1 << 20) && n % ((size_t)1 << 20) == 0)
		r = snprintf(out, size, "%zu MiB", n >> 20);
	else if (n >= 1024 && n % 1024 == 0)
		r = snprintf(out, size, "%zu KiB", n >> 10);
	else
		r = snprintf(out, size, "%zu bytes", n);
	if (r < 0 || (size_t)r >= size)
		out[0] = '\0';
}

void da_http_options_init(struct da_http_options *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->connect_timeout_ms = 10000;
	opts->timeout_ms = 30000;
	opts->retries = 2;
	opts->backoff_base_ms = 500;
	opts->backoff_max_ms = 10000;
	opts->honour_retry_after = 1;
	opts->retry_after_max_ms = 60000;
	opts->retry_statuses[0] = 429;
	opts->retry_statuses[1] = 502;
	opts->retry_statuses[2] = 503;
	opts->retry_statuses[3] = 504;
	opts->n_retry_statuses = 4;
	opts->retry_transport = 1;
	opts->retry_unsafe = 0;
	opts->max_body = DA_MAX_HTTP_BODY;
	opts->max_headers = DA_MAX_HTTP_HEADERS;
	opts->follow_redirects = 0;
	opts->max_redirects = 5;
	opts->max_parallel = 16;
	opts->insecure = 0;
}

/* ---- URL redaction ---- */

struct out {
	char *p;
	size_t size;
	size_t len;
	int cut;
};

static void put(struct out *o, const char *s, size_t n)
{
	size_t room = o->size - 1 - o->len;

	if (n > room) {
		n = room;
		o->cut = 1;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = '\0';
}

int da_http_secret_name(const char *name, size_t n)
{
	static const char *const words[] = {
	    "token", "secret", "pass",	  "sig",    "credential",
	    "key",   "auth",   "session", "cookie", NULL,
	};
	size_t i, j, w;

	for (i = 0; words[i]; i++) {
		w = strlen(words[i]);
		for (j = 0; j + w <= n; j++)
			if (strncasecmp(name + j, words[i], w) == 0)
				return 1;
	}
	return 0;
}

static void put_query(struct out *o, const char *q, size_t n)
{
	const char *end = q + n, *amp, *eq;

	while (q < end) {
		amp = memchr(q, '&', (size_t)(end - q));
		if (!amp)
			amp = end;
		eq = memchr(q, '=', (size_t)(amp - q));
		if (eq && da_http_secret_name(q, (size_t)(eq - q))) {
			put(o, q, (size_t)(eq - q) + 1);
			put(o, "REDACTED", 8);
		} else {
			put(o, q, (size_t)(amp - q));
		}
		if (amp < end)
			put(o, "&", 1);
		q = amp + 1;
	}
}

void da_http_redact_url(const char *url, char *out, size_t size)
{
	struct out o = {out, size, 0, 0};
	const char *auth, *auth_end, *at = NULL, *p, *q, *frag, *end;

	if (!size)
		return;
	out[0] = '\0';
	if (!url)
		return;
	end = url + strlen(url);
	auth = strstr(url, "://");
	auth = auth ? auth + 3 : url;
	/*
	 * User information ends at the last '@' of the authority, but a
	 * user or password holding '/' ("u:pa/ss@host", "tok/en@host") or
	 * '?' and '#' makes the URL malformed, and its error message must
	 * not show it either. So: the last '@' before any '?' or '#'; else,
	 * when a ':' comes before the first '@', the last '@' of all. That
	 * may hide more than needed ("host/p@x"), never a credential.
	 */
	for (p = auth; *p && *p != '?' && *p != '#'; p++)
		if (*p == '@')
			at = p;
	if (!at) {
		const char *first = strchr(auth, '@');

		if (first && memchr(auth, ':', (size_t)(first - auth)))
			at = strrchr(auth, '@');
	}
	put(&o, url, (size_t)(auth - url));
	if (at) {
		put(&o, "***@", 4);
		auth = at + 1;
	}
	auth_end = auth + strcspn(auth, "/?#");
	put(&o, auth, (size_t)(auth_end - auth));
	q = auth_end + strcspn(auth_end, "?#");
	put(&o, auth_end, (size_t)(q - auth_end));
	if (*q == '?') {
		frag = q + strcspn(q, "#");
		put(&o, "?", 1);
		put_query(&o, q + 1, (size_t)(frag - q - 1));
		q = frag;
	}
	put(&o, q, (size_t)(end - q));
	if (o.cut && size >= 4)
		memcpy(out + size - 4, "...", 4);
}

/* ---- pure helpers ---- */

int da_http_parse_retry_after(const char *value, time_t now, long long *ret_ms,
			      struct da_err *err)
{
	const char *p = value, *end;
	long long secs = 0;

	if (!value)
		return da_err_set(err, DA_EINVAL, "empty Retry-After value");
	while (*p == ' ' || *p == '\t')
		p++;
	end = p + strlen(p);
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (end == p)
		return da_err_set(err, DA_EINVAL, "empty Retry-After value");
	if (isdigit((unsigned char)*p)) {
		for (; p < end; p++) {
			if (!isdigit((unsigned char)*p))
				goto bad;
			/* Saturate: a wait of centuries is capped anyway. */
			if (secs < 1000000000LL)
				secs = secs * 10 + (*p - '0');
		}
		*ret_ms = secs * 1000;
		return 0;
	}
	{
		char date[64];
		int64_t when;

		if ((size_t)(end - p) >= sizeof(date))
			goto bad;
		memcpy(date, p, (size_t)(end - p));
		date[end - p] = '\0';
		if (da_time_parse_http_date(date, &when, NULL) < 0)
			goto bad;
		*ret_ms =
		    when > (int64_t)now ? (when - (int64_t)now) * 1000 : 0;
		return 0;
	}
bad:
	return da_err_set(err, DA_EINVAL,
			  "cannot parse Retry-After value '%.64s': "
			  "want seconds or an HTTP-date",
			  value);
}

long long da_http_backoff_ms(long base_ms, long max_ms, int retry, uint64_t rnd)
{
	long long cap;
	int i;

	if (base_ms <= 0 || max_ms <= 0)
		return 0;
	cap = base_ms;
	for (i = 1; i < retry && cap < max_ms; i++)
		cap *= 2;
	if (cap > max_ms)
		cap = max_ms;
	return (long long)(rnd % (uint64_t)(cap + 1));
}

static int is_file(const char *path)
{
	struct stat st;

	return path && *path && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int is_dir(const char *path)
{
	struct stat st;

	return path && *path && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int da_http_ca_find(const char *env_file, const char *env_dir,
		    const char *const *paths, const char **ret_file,
		    const char **ret_dir, struct da_err *err)
{
	const char *file = NULL, *dir = NULL;
	size_t i;

	if (env_dir && *env_dir) {
		if (!is_dir(env_dir))
			return da_err_set(
			    err, DA_ENOENT,
			    "SSL_CERT_DIR '%s' is not a directory; "
			    "fix or unset it",
			    env_dir);
		dir = env_dir;
	}
	if (env_file && *env_file) {
		if (!is_file(env_file))
			return da_err_set(err, DA_ENOENT,
					  "SSL_CERT_FILE '%s' does not exist; "
					  "fix or unset it",
					  env_file);
		file = env_file;
	}
	for (i = 0; !file && paths && paths[i]; i++)
		if (is_file(paths[i]))
			file = paths[i];
	/* The machine lacks what every HTTPS client needs: cannot run (3). */
	if (!file && !dir)
		return da_err_set(
		    err, DA_EIO,
		    "no CA bundle found: install ca-certificates, "
		    "set SSL_CERT_FILE or give the ca-file option");
	*ret_file = file;
	*ret_dir = dir;
	return 0;
}

/* ---- the client ---- */

/* Randomness for key checks (blinding): the kernel's, else splitmix. */
static int key_rng(void *ctx, unsigned char *out, size_t n)
{
	uint64_t state = seed_random(), v;
	size_t i;
	ssize_t got = 0;
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	(void)ctx;
	if (fd >= 0) {
		got = read(fd, out, n);
		close(fd);
	}
	for (i = got > 0 ? (size_t)got : 0; i < n; i++) {
		v = next_random(&state);
		out[i] = (unsigned char)v;
	}
	return 0;
}

/*
 * Reads the client certificate and key as libcurl will, so that a bad
 * file is a clear error before any connection (and libcurl's mbedTLS
 * code, which leaks what it parsed when a key fails, never meets one).
 */
static int check_client_pair(const char *cert, const char *key,
			     struct da_err *err)
{
	mbedtls_x509_crt crt;
	mbedtls_pk_context pk;
	char why[128];
	int r, ret = 0;

	mbedtls_x509_crt_init(&crt);
	mbedtls_pk_init(&pk);
	r = mbedtls_x509_crt_parse_file(&crt, cert);
	if (r != 0) {
		if (r < 0)
			mbedtls_strerror(r, why, sizeof(why));
		ret = da_err_set(
		    err, DA_EINVAL,
		    "cannot use client certificate '%s': %s; "
		    "give a PEM certificate",
		    cert, r < 0 ? why : "a certificate in it does not parse");
		goto out;
	}
	r = mbedtls_pk_parse_keyfile(&pk, key, NULL, key_rng, NULL);
	if (r != 0) {
		mbedtls_strerror(r, why, sizeof(why));
		ret = da_err_set(err, DA_EINVAL,
				 "cannot use client key '%s': %s; give an "
				 "unencrypted PEM private key",
				 key, why);
		goto out;
	}
	if (mbedtls_pk_check_pair(&crt.pk, &pk, key_rng, NULL) != 0)
		ret = da_err_set(err, DA_EINVAL,
				 "client key '%s' does not belong to client "
				 "certificate '%s'",
				 key, cert);
out:
	mbedtls_pk_free(&pk);
	mbedtls_x509_crt_free(&crt);
	return ret;
}

static int dup_opt(const char *s, char **ret)
{
	*ret = NULL;
	if (!s)
		return 0;
	*ret = strdup(s);
	return *ret ? 0 : -DA_ENOMEM;
}

static int check_options(const struct da_http_options *o, struct da_err *err)
{
	int i;

	if (o->connect_timeout_ms < 0 || o->timeout_ms < 0)
		return da_err_set(err, DA_EINVAL,
				  "http timeouts cannot be negative");
	if (o->retries < 0 || o->retries > 100)
		return da_err_set(err, DA_EINVAL,
				  "http retries %d out of range 0..100",
				  o->retries);
	if (o->backoff_base_ms < 0 || o->backoff_max_ms < 0 ||
	    o->retry_after_max_ms < 0)
		return da_err_set(err, DA_EINVAL,
				  "http backoff times cannot be negative");
	if (o->n_retry_statuses < 0 ||
	    o->n_retry_statuses > DA_MAX_HTTP_RETRY_STATUSES)
		return da_err_set(err, DA_ELIMIT,
				  "too many retry statuses: at most %d",
				  DA_MAX_HTTP_RETRY_STATUSES);
	for (i = 0; i < o->n_retry_statuses; i++)
		if (o->retry_statuses[i] < 100 || o->retry_statuses[i] > 599)
			return da_err_set(err, DA_EINVAL,
					  "retry status %d is not an HTTP "
					  "status (100..599)",
					  o->retry_statuses[i]);
	if (o->max_redirects < 0 || o->max_parallel < 0)
		return da_err_set(err, DA_EINVAL,
				  "http redirect and parallel limits cannot "
				  "be negative");
	return 0;
}

int da_http_new(const struct da_http_options *opts, struct da_http **ret_http,
		struct da_err *err)
{
	struct da_http *h = NULL;
	const char *file = NULL, *dir = NULL;
	int r;

	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return da_err_set(err, DA_ENOMEM,
					  "cannot start libcurl");
		curl_ready = 1;
	}
	h = calloc(1, sizeof(*h));
	if (!h) {
		r = da_err_set(err, DA_ENOMEM, "out of memory");
		goto out;
	}
	if (opts)
		h->o = *opts;
	else
		da_http_options_init(&h->o);
	r = check_options(&h->o, err);
	if (r < 0)
		goto out;
	if (!h->o.max_body)
		h->o.max_body = DA_MAX_HTTP_BODY;
	if (!h->o.max_headers)
		h->o.max_headers = DA_MAX_HTTP_HEADERS;
	h->rng = seed_random();

	if (h->o.ca_file || h->o.ca_dir) {
		/* An explicit choice wins and must exist. */
		if (h->o.ca_file && !is_file(h->o.ca_file)) {
			r = da_err_set(err, DA_ENOENT,
				       "CA file '%s' does not exist",
				       h->o.ca_file);
			goto out;
		}
		if (h->o.ca_dir && !is_dir(h->o.ca_dir)) {
			r = da_err_set(err, DA_ENOENT,
				       "CA directory '%s' does not exist",
				       h->o.ca_dir);
			goto out;
		}
		file = h->o.ca_file;
		dir = h->o.ca_dir;
	} else if (!h->o.insecure) {
		/* A failed search only matters once an https URL comes. */
		h->ca_rc = da_http_ca_find(
		    getenv("SSL_CERT_FILE"), getenv("SSL_CERT_DIR"),
		    da_http_ca_paths, &file, &dir, &h->ca_err);
	}
	if ((h->o.client_cert && !is_file(h->o.client_cert)) ||
	    (h->o.client_key && !is_file(h->o.client_key))) {
		r = da_err_set(err, DA_ENOENT, "client %s '%s' does not exist",
			       h->o.client_cert && !is_file(h->o.client_cert)
				   ? "certificate"
				   : "key",
			       h->o.client_cert && !is_file(h->o.client_cert)
				   ? h->o.client_cert
				   : h->o.client_key);
		goto out;
	}
	if (h->o.client_key && !h->o.client_cert) {
		r = da_err_set(err, DA_EINVAL,
			       "a client key needs a client certificate too");
		goto out;
	}
	/* Without a key file, the key is looked for in the certificate's. */
	if (h->o.client_cert && !h->o.client_key)
		h->o.client_key = h->o.client_cert;
	if (h->o.client_cert) {
		r = check_client_pair(h->o.client_cert, h->o.client_key, err);
		if (r < 0)
			goto out;
	}
	r = dup_opt(file, &h->ca_file);
	if (r == 0)
		r = dup_opt(dir, &h->ca_dir);
	if (r == 0)
		r = dup_opt(h->o.client_cert, &h->client_cert);
	if (r == 0)
		r = dup_opt(h->o.client_key, &h->client_key);
	if (r == 0)
		r = dup_opt(h->o.user_agent ? h->o.user_agent
					    : DEFAULT_USER_AGENT,
			    &h->user_agent);
	if (r < 0) {
		da_err_set(err, DA_ENOMEM, "out of memory");
		goto out;
	}
	h->o.ca_file = h->ca_file;
	h->o.ca_dir = h->ca_dir;
	h->o.user_agent = h->user_agent;
	h->o.client_cert = h->client_cert;
	h->o.client_key = h->client_key;

	h->multi = curl_multi_init();
	if (!h->multi) {
		r = da_err_set(err, DA_ENOMEM,
			       "cannot make a curl multi handle: "
			       "out of memory");
		goto out;
	}
	if (h->o.max_parallel > 0)
		curl_multi_setopt(h->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS,
				  (long)h->o.max_parallel);
	*ret_http = h;
	h = NULL;
	r = 0;
out:
	da_http_free(h);
	return r;
}

void da_http_free(struct da_http *http)
{
	if (!http)
		return;
	if (http->multi)
		curl_multi_cleanup(http->multi);
	free(http->ca_file);
	free(http->ca_dir);
	free(http->user_agent);
	free(http->client_cert);
	free(http->client_key);
	free(http);
}

/* ---- responses ---- */

void da_http_response_init(struct da_http_response *resp)
{
	memset(resp, 0, sizeof(*resp));
	da_buf_init(&resp->body, DA_MAX_HTTP_BODY);
	da_buf_init(&resp->headers, DA_MAX_HTTP_HEADERS);
	resp->retry_after_ms = -1;
	resp->cert_expires_ms = -1;
}

void da_http_response_release(struct da_http_response *resp)
{
	if (!resp)
		return;
	da_buf_release(&resp->body);
	da_buf_release(&resp->headers);
}

const char *da_http_response_header(const struct da_http_response *resp,
				    const char *name)
{
	const char *p, *end, *value;

	if (!resp || !resp->headers.data)
		return NULL;
	p = resp->headers.data;
	end = p + resp->headers.len;
	while (p < end) {
		value = p + strlen(p) + 1;
		if (value >= end)
			break;
		if (strcasecmp(p, name) == 0)
			return value;
		p = value + strlen(value) + 1;
	}
	return NULL;
}

/* Called for the body; stops the transfer at the ceiling. */
static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;

	if (da_buf_add(&x->resp->body, data, n) < 0) {
		x->body_over = 1;
		return 0;
	}
	(void)size;
	return n;
}

/*
 * Records when the peer's certificate expires. The TLS session belongs to
 * the connection, so this works on a reused connection as well, where no
 * handshake (and no verify callback) happens. Only while the transfer
 * runs is the connection attached to it: hence from the header callback.
 */
static void note_cert(struct xfer *x)
{
	struct curl_tlssessioninfo *tsi = NULL;
	const mbedtls_x509_crt *crt;
	const mbedtls_x509_time *t;
	long long secs, left;

	if (curl_easy_getinfo(x->easy, CURLINFO_TLS_SSL_PTR, &tsi) !=
		CURLE_OK ||
	    !tsi || tsi->backend != CURLSSLBACKEND_MBEDTLS || !tsi->internals)
		return;
	crt = mbedtls_ssl_get_peer_cert(tsi->internals);
	if (!crt)
		return;
	t = &crt->valid_to;
	secs = (long long)da_time_days_from_civil(t->year, t->mon, t->day) *
		   86400 +
	       t->hour * 3600LL + t->min * 60LL + t->sec;
	left = (secs - (long long)time(NULL)) * 1000;
	x->resp->cert_not_after = secs;
	x->resp->cert_expires_ms = left > 0 ? left : 0;
}

/* Called per header line; keeps the headers of the last response only. */
static size_t on_header(char *data, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;
	struct da_buf *b = &x->resp->headers;
	const char *colon, *v, *end = data + n;
	size_t mark = b->len;

	(void)size;
	if (n >= 5 && memcmp(data, "HTTP/", 5) == 0) {
		/* A new status line: a redirect or 1xx came before. */
		da_buf_reset(b);
		note_cert(x);
		return n;
	}
	while (end > data && (end[-1] == '\n' || end[-1] == '\r'))
		end--;
	colon = memchr(data, ':', (size_t)(end - data));
	if (!colon || colon == data || *data == ' ' || *data == '\t')
		return n;
	v = colon + 1;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (da_buf_add(b, data, (size_t)(colon - data)) < 0 ||
	    da_buf_addch(b, '\0') < 0 ||
	    da_buf_add(b, v, (size_t)(end - v)) < 0 ||
	    da_buf_addch(b, '\0') < 0) {
		da_buf_truncate(b, mark);
		x->hdr_over = 1;
		return 0;
	}
	return n;
}

/* ---- one transfer ---- */

static int is_https(const char *url)
{
	return strncasecmp(url, "https://", 8) == 0;
}

static int valid_method(const char *m)
{
	size_t i;

	for (i = 0; m[i]; i++)
		if (!isupper((unsigned char)m[i]) && m[i] != '-' && m[i] != '_')
			return 0;
	return i > 0 && i <= 16;
}

static int idempotent(const char *m)
{
	static const char *const safe[] = {
	    "GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE", NULL,
	};
	size_t i;

	for (i = 0; safe[i]; i++)
		if (strcmp(m, safe[i]) == 0)
			return 1;
	return 0;
}

/* Frees a slot's transfer, its reusable easy handle included. */
static void xfer_release(struct xfer *x)
{
	if (x->easy) {
		if (x->in_flight)
			curl_multi_remove_handle(x->h->multi, x->easy);
		curl_easy_cleanup(x->easy);
	}
	curl_slist_free_all(x->hdrs);
	x->easy = NULL;
	x->hdrs = NULL;
	x->in_flight = 0;
}

static int fail(struct xfer *x, int e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Ends the transfer with an error recorded in the response. */
static int fail(struct xfer *x, int e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	x->resp->result = da_err_vset(&x->resp->error, e, fmt, ap);
	va_end(ap);
	x->done = 1;
	return x->resp->result;
}

#define SETOPT(opt, val)                                                       \
	do {                                                                   \
		if (curl_easy_setopt(x->easy, (opt), (val)) != CURLE_OK)       \
			goto bad_opt;                                          \
	} while (0)

static int xfer_setup(struct xfer *x)
{
	const struct da_http_request *req = x->req;
	const struct da_http_options *o = &x->h->o;
	const char *method = req->method;
	struct curl_slist *l;
	size_t i;

	if (!req->url || !*req->url)
		return fail(x, DA_EINVAL, "empty URL");
	if (strlen(req->url) >= DA_MAX_HTTP_URL)
		return fail(x, DA_ELIMIT,
			    "URL '%.64s...' is longer than %d bytes", x->url,
			    DA_MAX_HTTP_URL - 1);
	if (!method)
		method = req->body ? "POST" : "GET";
	if (!valid_method(method))
		return fail(x, DA_EINVAL,
			    "invalid HTTP method '%.32s' for '%s'", method,
			    x->url);
	x->idempotent = idempotent(method);
	if (is_https(req->url) && !o->insecure && x->h->ca_rc < 0)
		return fail(x, -x->h->ca_rc, "cannot verify '%s': %s", x->url,
			    x->h->ca_err.msg);
	if (req->timeout_ms < 0)
		return fail(x, DA_EINVAL, "negative timeout for '%s'", x->url);

	/* A slot keeps its easy handle: resetting is cheaper than a new one. */
	if (x->easy)
		curl_easy_reset(x->easy);
	else
		x->easy = curl_easy_init();
	if (!x->easy)
		return fail(x, DA_ENOMEM, "out of memory");
	for (i = 0; i < req->n_headers; i++) {
		if (!req->headers[i] || strchr(req->headers[i], '\n') ||
		    strchr(req->headers[i], '\r'))
			return fail(x, DA_EINVAL,
				    "request header %zu for '%s' is empty "
				    "or spans lines",
				    i + 1, x->url);
		l = curl_slist_append(x->hdrs, req->headers[i]);
		if (!l)
			return fail(x, DA_ENOMEM, "out of memory");
		x->hdrs = l;
	}
	/* No "Expect: 100-continue" pause before a large body. */
	l = curl_slist_append(x->hdrs, "Expect:");
	if (!l)
		return fail(x, DA_ENOMEM, "out of memory");
	x->hdrs = l;

	SETOPT(CURLOPT_PRIVATE, (void *)x);
	SETOPT(CURLOPT_URL, req->url);
	SETOPT(CURLOPT_PROTOCOLS_STR, "http,https");
	SETOPT(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	SETOPT(CURLOPT_NOSIGNAL, 1L);
	SETOPT(CURLOPT_CONNECTTIMEOUT_MS, o->connect_timeout_ms);
	SETOPT(CURLOPT_TIMEOUT_MS,
	       req->timeout_ms > 0 ? req->timeout_ms : o->timeout_ms);
	SETOPT(CURLOPT_USERAGENT, o->user_agent);
	SETOPT(CURLOPT_HTTPHEADER, x->hdrs);
	SETOPT(CURLOPT_ERRORBUFFER, x->errbuf);
	SETOPT(CURLOPT_WRITEFUNCTION, on_body);
	SETOPT(CURLOPT_WRITEDATA, x);
	SETOPT(CURLOPT_HEADERFUNCTION, on_header);
	SETOPT(CURLOPT_HEADERDATA, x);
	SETOPT(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_body);
	SETOPT(CURLOPT_FOLLOWLOCATION,
	       req->follow_redirects > 0 ||
		       (req->follow_redirects == 0 && o->follow_redirects)
		   ? 1L
		   : 0L);
	SETOPT(CURLOPT_MAXREDIRS, o->max_redirects);
	SETOPT(CURLOPT_SSL_VERIFYPEER, o->insecure ? 0L : 1L);
	SETOPT(CURLOPT_SSL_VERIFYHOST, o->insecure ? 0L : 2L);
	if (o->ca_file)
		SETOPT(CURLOPT_CAINFO, o->ca_file);
	if (o->ca_dir)
		SETOPT(CURLOPT_CAPATH, o->ca_dir);
	if (o->client_cert) {
		SETOPT(CURLOPT_SSLCERT, o->client_cert);
		SETOPT(CURLOPT_SSLCERTTYPE, "PEM");
	}
	if (o->client_key) {
		SETOPT(CURLOPT_SSLKEY, o->client_key);
		SETOPT(CURLOPT_SSLKEYTYPE, "PEM");
	}

	if (strcmp(method, "HEAD") == 0) {
		SETOPT(CURLOPT_NOBODY, 1L);
	} else if (strcmp(method, "GET") == 0 && !req->body) {
		SETOPT(CURLOPT_HTTPGET, 1L);
	} else {
		if (req->body || strcmp(method, "POST") == 0) {
			SETOPT(CURLOPT_POSTFIELDSIZE_LARGE,
			       (curl_off_t)(req->body ? req->body_len : 0));
			SETOPT(CURLOPT_POSTFIELDS,
			       req->body ? req->body : (const void *)"");
		}
		if (strcmp(method, "POST") != 0)
			SETOPT(CURLOPT_CUSTOMREQUEST, method);
	}
	return 0;
bad_opt:
	return fail(x, DA_EINVAL, "cannot set up the request to '%s'", x->url);
}

static int status_retried(const struct da_http_options *o, long status)
{
	int i;

	for (i = 0; i < o->n_retry_statuses; i++)
		if (o->retry_statuses[i] == status)
			return 1;
	return 0;
}

static int transient(CURLcode res)
{
	switch (res) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return 1;
	default:
		return 0;
	}
}

/* Copies src into dst with a lower-case first letter, unless an acronym. */
static void lower_first(char *dst, size_t size, const char *src)
{
	int r = snprintf(dst, size, "%s", src);
	size_t n;

	if (r < 0)
		dst[0] = '\0';
	n = strlen(dst);
	while (n > 0 && isspace((unsigned char)dst[n - 1]))
		dst[--n] = '\0';
	if (isupper((unsigned char)dst[0]) && !isupper((unsigned char)dst[1]))
		dst[0] = (char)tolower((unsigned char)dst[0]);
}

static void collect_info(struct xfer *x)
{
	struct da_http_response *resp = x->resp;
	struct da_http_timing *t = &resp->timing;
	curl_off_t v;
	long status = 0;
	char *url = NULL, *ip = NULL;
	int r;

	if (curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status) ==
	    CURLE_OK)
		resp->status = status;
	if (curl_easy_getinfo(x->easy, CURLINFO_NAMELOOKUP_TIME_T, &v) ==
	    CURLE_OK)
		t->dns_us = v;
	if (curl_easy_getinfo(x->easy, CURLINFO_CONNECT_TIME_T, &v) == CURLE_OK)
		t->connect_us = v;
	if (curl_easy_getinfo(x->easy, CURLINFO_APPCONNECT_TIME_T, &v) ==
	    CURLE_OK)
		t->tls_us = v;
	if (curl_easy_getinfo(x->easy, CURLINFO_STARTTRANSFER_TIME_T, &v) ==
	    CURLE_OK)
		t->first_byte_us = v;
	if (curl_easy_getinfo(x->easy, CURLINFO_TOTAL_TIME_T, &v) == CURLE_OK)
		t->total_us = v;
	if (curl_easy_getinfo(x->easy, CURLINFO_EFFECTIVE_URL, &url) ==
		CURLE_OK &&
	    url)
		da_http_redact_url(url, resp->effective_url,
				   sizeof(resp->effective_url));
	if (curl_easy_getinfo(x->easy, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK &&
	    ip) {
		r = snprintf(resp->ip, sizeof(resp->ip), "%s", ip);
		if (r < 0 || (size_t)r >= sizeof(resp->ip))
			resp->ip[0] = '\0';
	}
	lower_first(resp->curl_error, sizeof(resp->curl_error), x->errbuf);
}

static const char *attempts_note(const struct xfer *x, char *buf, size_t n)
{
	int r;

	if (x->resp->attempts <= 1)
		return "";
	r = snprintf(buf, n, " (after %d attempts)", x->resp->attempts);
	return r < 0 || (size_t)r >= n ? "" : buf;
}

/* Whether the attempt got as far as sending its request. */
static int request_sent(struct xfer *x)
{
	long sent = 0;

	return curl_easy_getinfo(x->easy, CURLINFO_REQUEST_SIZE, &sent) ==
		   CURLE_OK &&
	       sent > 0;
}

/* The error for a failed transfer, with curl's words where they help. */
static void fail_transfer(struct xfer *x, CURLcode res)
{
	const struct da_http_options *o = &x->h->o;
	char detail[CURL_ERROR_SIZE], note[40], size[32];
	long oserr = 0;

	/* attempts_note() leaves the buffer alone when it returns "". */
	note[0] = '\0';
	attempts_note(x, note, sizeof(note));
	if (x->errbuf[0])
		lower_first(detail, sizeof(detail), x->errbuf);
	else
		lower_first(detail, sizeof(detail), curl_easy_strerror(res));
	if (res == CURLE_COULDNT_CONNECT &&
	    curl_easy_getinfo(x->easy, CURLINFO_OS_ERRNO, &oserr) == CURLE_OK &&
	    oserr > 0)
		lower_first(detail, sizeof(detail), strerror((int)oserr));

	if (x->body_over || res == CURLE_FILESIZE_EXCEEDED) {
		fmt_size(size, sizeof(size), o->max_body);
		fail(x, DA_ELIMIT, "response body of '%s' exceeds %s", x->url,
		     size);
	} else if (x->hdr_over) {
		fmt_size(size, sizeof(size), o->max_headers);
		fail(x, DA_ELIMIT, "response headers of '%s' exceed %s", x->url,
		     size);
	} else if (res == CURLE_OPERATION_TIMEDOUT) {
		fail(x, DA_ETIMEOUT, "cannot reach '%s': %s%s", x->url, detail,
		     note);
	} else if (res == CURLE_PEER_FAILED_VERIFICATION) {
		fail(x, DA_ENET, "TLS verification failed for '%s': %s; %s",
		     x->url, detail,
		     strstr(detail, "expired")
			 ? "the server's certificate has expired: renew it"
		     : strstr(detail, "future")
			 ? "the server's certificate is not valid yet"
		     : strstr(detail, "match")
			 ? "the certificate is for another host name"
			 : "trust its CA with the ca-file option or "
			   "SSL_CERT_FILE");
	} else if (res == CURLE_SSL_CERTPROBLEM) {
		fail(x, DA_EINVAL,
		     "cannot use the client certificate for '%s': %s", x->url,
		     detail);
	} else if (res == CURLE_SSL_CACERT_BADFILE) {
		fail(x, DA_EINVAL, "cannot load the CA bundle for '%s': %s",
		     x->url, detail);
	} else if (res == CURLE_URL_MALFORMAT ||
		   (res == CURLE_UNSUPPORTED_PROTOCOL && !request_sent(x))) {
		fail(x, DA_EINVAL, "invalid URL '%s': %s", x->url, detail);
	} else if (res == CURLE_UNSUPPORTED_PROTOCOL ||
		   res == CURLE_WEIRD_SERVER_REPLY) {
		/* HTTP/0.9, a status line that is not one: the server's. */
		fail(x, DA_ENET, "server at '%s' did not answer in HTTP: %s",
		     x->url, detail);
	} else if (res == CURLE_TOO_MANY_REDIRECTS) {
		fail(x, DA_ENET, "'%s' redirected more than %ld times", x->url,
		     o->max_redirects);
	} else if (res == CURLE_OUT_OF_MEMORY) {
		fail(x, DA_ENOMEM, "out of memory fetching '%s'", x->url);
	} else {
		fail(x, DA_ENET, "cannot reach '%s': %s%s", x->url, detail,
		     note);
	}
}

long long da_http_retry_wait_ms(const struct da_http_options *opts, int retry,
				long long retry_after_ms, uint64_t rnd)
{
	if (retry_after_ms >= 0 && opts->honour_retry_after)
		return retry_after_ms < opts->retry_after_max_ms
			   ? retry_after_ms
			   : opts->retry_after_max_ms;
	return da_http_backoff_ms(opts->backoff_base_ms, opts->backoff_max_ms,
				  retry, rnd);
}

/* How long to wait before retrying a status, Retry-After first. */
static long long status_wait(struct xfer *x)
{
	const char *ra = da_http_response_header(x->resp, "Retry-After");
	long long ms = -1;

	/* Only this answer's header counts; an older one may be stale. */
	if (ra && da_http_parse_retry_after(ra, time(NULL), &ms, NULL) == 0)
		x->resp->retry_after_ms = ms;
	else
		ms = -1;
	return da_http_retry_wait_ms(&x->h->o, x->resp->attempts, ms,
				     next_random(&x->h->rng));
}

/* Decides what an ended attempt means: done, failed or try again. */
static void end_attempt(struct xfer *x, CURLcode res, long long now)
{
	const struct da_http_options *o = &x->h->o;
	int more = x->resp->attempts <= o->retries;
	long sent = 0;
	char note[40];

	collect_info(x);
	if (res == CURLE_OK) {
		/*
		 * A 502 or 504 to a POST may come after the backend acted on
		 * it; only 429 and 503 say it was not taken in.
		 */
		if (!status_retried(o, x->resp->status) ||
		    (!x->idempotent && !o->retry_unsafe &&
		     x->resp->status != 429 && x->resp->status != 503)) {
			x->resp->result = 0;
			da_err_clear(&x->resp->error);
			x->done = 1;
			return;
		}
		if (more) {
			x->due_ms = now + status_wait(x);
			return;
		}
		fail(x, DA_ENET,
		     "server at '%s' answered %ld%s; try again later or "
		     "raise the retries",
		     x->url, x->resp->status,
		     attempts_note(x, note, sizeof(note)));
		return;
	}
	if (curl_easy_getinfo(x->easy, CURLINFO_REQUEST_SIZE, &sent) !=
	    CURLE_OK)
		sent = 1;
	if (more && o->retry_transport && transient(res) && !x->body_over &&
	    !x->hdr_over && (x->idempotent || o->retry_unsafe || sent == 0)) {
		x->due_ms = now + da_http_backoff_ms(o->backoff_base_ms,
						     o->backoff_max_ms,
						     x->resp->attempts,
						     next_random(&x->h->rng));
		return;
	}
	fail_transfer(x, res);
}

static int start_attempt(struct xfer *x)
{
	da_buf_reset(&x->resp->body);
	da_buf_reset(&x->resp->headers);
	x->body_over = 0;
	x->hdr_over = 0;
	x->errbuf[0] = '\0';
	x->resp->status = 0;
	x->resp->ip[0] = '\0';
	x->resp->cert_expires_ms = -1;
	x->resp->cert_not_after = 0;
	x->resp->attempts++;
	if (curl_multi_add_handle(x->h->multi, x->easy) != CURLM_OK) {
		x->resp->attempts--;
		return fail(x, DA_ENOMEM, "cannot start the request to '%s'",
			    x->url);
	}
	x->in_flight = 1;
	return 0;
}

static void reset_response(struct da_http_response *resp,
			   const struct da_http_options *o)
{
	da_buf_reset(&resp->body);
	da_buf_reset(&resp->headers);
	resp->body.max = o->max_body;
	resp->headers.max = o->max_headers;
	resp->status = 0;
	resp->attempts = 0;
	resp->retry_after_ms = -1;
	memset(&resp->timing, 0, sizeof(resp->timing));
	resp->effective_url[0] = '\0';
	resp->curl_error[0] = '\0';
	resp->ip[0] = '\0';
	resp->cert_expires_ms = -1;
	resp->cert_not_after = 0;
	resp->result = 0;
	da_err_clear(&resp->error);
}

static struct xfer *find_xfer(CURL *easy)
{
	char *p = NULL;

	if (curl_easy_getinfo(easy, CURLINFO_PRIVATE, &p) != CURLE_OK)
		return NULL;
	return (struct xfer *)(void *)p;
}

struct runner {
	struct da_http *h;
	const struct da_http_feed *feed;
	struct xfer *slots;
	size_t n_slots;
	size_t n, next;
	struct da_err *err;
};

/* Puts the next request of the feed into a free slot and sets it up. */
static int fill_slot(struct runner *rn, struct xfer *x, long long now)
{
	const struct da_http_request *req = NULL;
	struct da_http_response *resp = NULL;
	size_t i = rn->next++;
	int r;

	r = rn->feed->start(rn->feed->ctx, i, &req, &resp, rn->err);
	if (r < 0)
		return r;
	if (!req || !resp)
		return da_err_set(rn->err, DA_EINVAL,
				  "request %zu of a run is missing", i + 1);
	x->i = i;
	x->req = req;
	x->resp = resp;
	x->busy = 1;
	x->done = 0;
	x->in_flight = 0;
	x->start_ms = now;
	x->due_ms = now;
	reset_response(resp, &rn->h->o);
	da_http_redact_url(req->url, x->url, sizeof(x->url));
	xfer_setup(x);
	return 0;
}

/* Hands a finished request back and frees its slot (keeping the handle). */
static int finish_slot(struct runner *rn, struct xfer *x)
{
	x->busy = 0;
	curl_slist_free_all(x->hdrs);
	x->hdrs = NULL;
	return rn->feed->done(rn->feed->ctx, x->i, x->resp, rn->err);
}

/* Drives every transfer to its end: attempts, waits and retries. */
static int run(struct runner *rn)
{
	struct da_http *h = rn->h;
	long long now, wait, next;
	size_t i, busy, finished;
	int running = 0, msgs, r;
	long curl_wait;
	CURLMsg *msg;
	struct xfer *x;

	for (;;) {
		now = mono_ms();
		busy = 0;
		finished = 0;
		next = -1;
		for (i = 0; i < rn->n_slots; i++) {
			x = &rn->slots[i];
			if (!x->busy && rn->next < rn->n) {
				r = fill_slot(rn, x, now);
				if (r < 0)
					return r;
			}
			if (!x->busy)
				continue;
			if (!x->done && !x->in_flight && x->due_ms <= now)
				start_attempt(x);
			if (x->done) {
				r = finish_slot(rn, x);
				if (r < 0)
					return r;
				finished++;
				continue;
			}
			busy++;
			if (!x->in_flight && (next < 0 || x->due_ms < next))
				next = x->due_ms;
		}
		if (!busy && rn->next >= rn->n)
			return 0;
		/* Freed slots take new requests before anything waits. */
		if (finished && rn->next < rn->n)
			continue;
		if (curl_multi_perform(h->multi, &running) != CURLM_OK)
			return da_err_set(rn->err, DA_ENOMEM,
					  "curl multi transfer failed");
		while ((msg = curl_multi_info_read(h->multi, &msgs))) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			x = find_xfer(msg->easy_handle);
			if (!x)
				continue;
			curl_multi_remove_handle(h->multi, x->easy);
			x->in_flight = 0;
			now = mono_ms();
			end_attempt(x, msg->data.result, now);
			x->resp->timing.elapsed_us = (now - x->start_ms) * 1000;
			if (x->done)
				finished++;
		}
		if (finished)
			continue;
		wait = POLL_SLICE_MS;
		now = mono_ms();
		if (next >= 0 && next - now < wait)
			wait = next - now;
		if (running &&
		    curl_multi_timeout(h->multi, &curl_wait) == CURLM_OK &&
		    curl_wait >= 0 && curl_wait < wait)
			wait = curl_wait;
		/* A transfer that just ended waits for a retry. */
		for (i = 0; i < rn->n_slots; i++) {
			x = &rn->slots[i];
			if (x->busy && !x->done && !x->in_flight &&
			    x->due_ms - now < wait)
				wait = x->due_ms - now;
		}
		if (wait > 0 && curl_multi_poll(h->multi, NULL, 0, (int)wait,
						NULL) != CURLM_OK)
			return da_err_set(rn->err, DA_ENOMEM,
					  "curl multi poll failed");
	}
}

int da_http_run(struct da_http *http, size_t n, size_t parallel,
		const struct da_http_feed *feed, struct da_err *err)
{
	struct runner rn;
	size_t i;
	int r;

	if (parallel < 1 || parallel > DA_MAX_HTTP_MULTI)
		return da_err_set(err, DA_EINVAL,
				  "requests at once must be 1..%d, not %zu",
				  DA_MAX_HTTP_MULTI, parallel);
	if (!n)
		return 0;
	memset(&rn, 0, sizeof(rn));
	rn.h = http;
	rn.feed = feed;
	rn.n = n;
	rn.err = err;
	rn.n_slots = parallel < n ? parallel : n;
	rn.slots = calloc(rn.n_slots, sizeof(*rn.slots));
	if (!rn.slots)
		return da_err_set(err, DA_ENOMEM, "out of memory");
	for (i = 0; i < rn.n_slots; i++)
		rn.slots[i].h = http;
	r = run(&rn);
	for (i = 0; i < rn.n_slots; i++)
		xfer_release(&rn.slots[i]);
	free(rn.slots);
	return r;
}

/* da_http_multi(): a run over two arrays. */
struct multi_ctx {
	const struct da_http_request *reqs;
	struct da_http_response *resps;
	unsigned char *ended;
};

static int multi_start(void *ctx, size_t i,
		       const struct da_http_request **ret_req,
		       struct da_http_response **ret_resp, struct da_err *err)
{
	struct multi_ctx *m = ctx;

	(void)err;
	*ret_req = &m->reqs[i];
	*ret_resp = &m->resps[i];
	return 0;
}

static int multi_done(void *ctx, size_t i, struct da_http_response *resp,
		      struct da_err *err)
{
	struct multi_ctx *m = ctx;

	(void)resp;
	(void)err;
	m->ended[i] = 1;
	return 0;
}

int da_http_multi(struct da_http *http, const struct da_http_request *reqs,
		  size_t n, struct da_http_response *resps, struct da_err *err)
{
	struct da_http_feed feed = {multi_start, multi_done, NULL};
	struct multi_ctx m;
	char url[DA_MAX_HTTP_URL];
	size_t i;
	int r;

	if (n > DA_MAX_HTTP_MULTI)
		return da_err_set(err, DA_ELIMIT,
				  "too many requests at once: %zu, at most %d",
				  n, DA_MAX_HTTP_MULTI);
	if (!n)
		return 0;
	m.reqs = reqs;
	m.resps = resps;
	m.ended = calloc(n, 1);
	if (!m.ended)
		return da_err_set(err, DA_ENOMEM, "out of memory");
	feed.ctx = &m;
	r = da_http_run(http, n, n, &feed, err);
	for (i = 0; r < 0 && i < n; i++) {
		if (m.ended[i])
			continue;
		da_http_redact_url(reqs[i].url, url, sizeof(url));
		resps[i].result = da_err_set(&resps[i].error, -r,
					     "request to '%s' stopped: %s", url,
					     err ? err->msg : "curl failed");
	}
	free(m.ended);
	return r;
}

int da_http_do(struct da_http *http, const struct da_http_request *req,
	       struct da_http_response *resp, struct da_err *err)
{
	int r = da_http_multi(http, req, 1, resp, err);

	if (r < 0)
		return r;
	if (resp->result < 0 && err)
		*err = resp->error;
	return resp->result;
}

int da_http_get(struct da_http *http, const char *url,
		struct da_http_response *resp, struct da_err *err)
{
	struct da_http_request req = {0};

	req.url = url;
	return da_http_do(http, &req, resp, err);
}
