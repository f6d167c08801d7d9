#include "test.h"
#include "tls-server.h"
#include "common/check.h"
#include "common/http.h"

#include <stdarg.h>
#include <unistd.h>

/*
 * Health checks over HTTPS against a real nginx on loopback whose
 * certificates come from a throw-away CA (tests/unit/http-tls-server.sh):
 * the certificate's expiry as the http client reports it and as
 * [CERTIFICATE_EXPIRATION] sees it, on new and reused connections; an
 * expired certificate; a server that wants a client certificate.
 */

/* snprintf that fails the test instead of cutting text silently. */
/* Two GETs of url on one client: a new connection, then a reused one. */
static void test_expiry(const char *ca)
{
	struct da_http_options o;
	struct da_http_response resp;
	struct da_err err = DA_ERR_INIT;
	struct da_http *h = NULL;
	const long long day = 24LL * 3600 * 1000;
	char url[128];
	int r;

	format(url, sizeof(url), "https://127.0.0.1:%d/health", tls_port);
	da_http_options_init(&o);
	o.ca_file = ca;
	da_http_response_init(&resp);
	r = da_http_new(&o, &h, &err);
	if (r == 0)
		r = da_http_get(h, url, &resp, &err);
	is_int(r, 0, "https: request succeeds");
	if (r < 0)
		diag("%s", err.msg);
	ok(resp.cert_expires_ms > day && resp.cert_expires_ms <= 2 * day,
	   "https: the two-day certificate has one to two days left");
	ok(resp.cert_not_after > 0, "https: notAfter known");
	is_str(resp.ip, "127.0.0.1", "https: the peer's address");
	r = da_http_get(h, url, &resp, &err);
	is_int(r, 0, "https: second request succeeds");
	is_int(resp.timing.tls_us, 0,
	       "https: second request reused the connection (no handshake)");
	ok(resp.cert_expires_ms > day && resp.cert_expires_ms <= 2 * day,
	   "https: expiry known on a reused connection too");
	da_http_free(h);
	da_http_response_release(&resp);
}

static void test_expired(const char *ca)
{
	struct da_http_options o;
	struct da_http_response resp;
	struct da_err err = DA_ERR_INIT;
	struct da_http *h = NULL;
	char url[128];
	int r;

	format(url, sizeof(url), "https://127.0.0.3:%d/", tls_port);
	da_http_options_init(&o);
	o.ca_file = ca;
	o.retries = 0;
	da_http_response_init(&resp);
	r = da_http_new(&o, &h, &err);
	if (r == 0)
		r = da_http_get(h, url, &resp, &err);
	is_int(r, -DA_ENET, "expired certificate: refused");
	has_str(err.msg, "TLS verification failed for 'https://127.0.0.3:",
		"expired: message names the URL");
	has_str(err.msg, "expired", "expired: says it expired");
	has_str(err.msg, "renew it", "expired: says what to do");
	is_int(resp.status, 0, "expired: no status");
	da_http_free(h);
	h = NULL;

	/* Insecure by name: the answer comes, and the expiry says 0 left. */
	o.insecure = 1;
	r = da_http_new(&o, &h, &err);
	if (r == 0)
		r = da_http_get(h, url, &resp, &err);
	is_int(r, 0, "expired, insecure: request succeeds");
	is_str(da_buf_str(&resp.body), "expired ok\n", "expired: body");
	is_int(resp.cert_expires_ms, 0, "expired: no time left");
	is_int(resp.cert_not_after, 1577923200,
	       "expired: notAfter is 2020-01-02T00:00:00Z");
	da_http_free(h);
	da_http_response_release(&resp);
}

static void test_client_cert(const char *ca)
{
	struct da_http_options o;
	struct da_http_response resp;
	struct da_err err = DA_ERR_INIT;
	struct da_http *h = NULL;
	char url[128], cert[128], key[128], both[128], other[128], cmd[512];
	int r;

	format(url, sizeof(url), "https://127.0.0.4:%d/", tls_port);
	format(cert, sizeof(cert), "%s/client.pem", tls_dir);
	format(key, sizeof(key), "%s/client.key", tls_dir);
	da_http_options_init(&o);
	o.ca_file = ca;
	da_http_response_init(&resp);
	r = da_http_new(&o, &h, &err);
	if (r == 0)
		r = da_http_get(h, url, &resp, &err);
	is_int(r, 0, "no client certificate: an answer");
	is_int(resp.status, 400, "no client certificate: nginx says 400");
	da_http_free(h);
	h = NULL;

	o.client_cert = cert;
	o.client_key = key;
	r = da_http_new(&o, &h, &err);
	if (r == 0)
		r = da_http_get(h, url, &resp, &err);
	is_int(r, 0, "client certificate: request succeeds");
	if (r < 0)
		diag("%s", err.msg);
	is_int(resp.status, 200, "client certificate: accepted");
	is_str(da_buf_str(&resp.body), "client ok\n",
	       "client certificate: body");
	da_http_free(h);
	h = NULL;

	/* Certificate and key in one file: the key is found there. */
	format(both, sizeof(both), "%s/client-both.pem", tls_dir);
	format(cmd, sizeof(cmd), "cat '%s' '%s' >'%s'", cert, key, both);
	if (system(cmd) != 0)
		diag("cannot write %s", both);
	o.client_cert = both;
	o.client_key = NULL;
	r = da_http_new(&o, &h, &err);
	if (r == 0)
		r = da_http_get(h, url, &resp, &err);
	is_int(r, 0, "certificate and key in one file");
	is_int(resp.status, 200, "one file: accepted");
	da_http_free(h);
	h = NULL;

	/* Files that are not what they should be: clear errors up front. */
	o.client_cert = cert;
	o.client_key = ca;
	r = da_http_new(&o, &h, &err);
	is_int(r, -DA_EINVAL, "client key that is not a key: refused");
	has_str(err.msg, "cannot use client key '", "bad key: message");
	ok(h == NULL, "bad key: no client");
	format(other, sizeof(other), "%s/expired.key", tls_dir);
	o.client_key = other;
	r = da_http_new(&o, &h, &err);
	is_int(r, -DA_EINVAL, "key of another certificate: refused");
	has_str(err.msg, "does not belong to client certificate",
		"key mismatch: message");
	o.client_cert = key;
	o.client_key = key;
	r = da_http_new(&o, &h, &err);
	is_int(r, -DA_EINVAL, "certificate that is a key: refused");
	has_str(err.msg, "cannot use client certificate '",
		"bad certificate: message");
	da_http_response_release(&resp);
}

/* [CERTIFICATE_EXPIRATION] through the check engine. */
static void test_check_condition(const char *ca)
{
	static const char *const ok_conds[] = {
	    "[CERTIFICATE_EXPIRATION] > 24h",
	    "[IP] == 127.0.0.1",
	};
	static const char *const late[] = {"[CERTIFICATE_EXPIRATION] > 72h"};
	struct da_check_run_options o;
	struct da_check_results *rs = NULL;
	struct da_check_spec *spec = NULL;
	struct da_err err = DA_ERR_INIT;
	char url[128];
	int r;

	format(url, sizeof(url), "https://127.0.0.1:%d/", tls_port);
	da_check_run_options_init(&o);
	o.http.ca_file = ca;
	r = da_check_spec_quick(url, NULL, 200, ok_conds, 2, &spec, &err);
	is_int(r, 0, "quick spec over https");
	if (r == 0)
		r = da_check_assert(spec, &o, &rs, &err);
	is_int(r, 0, "assert over https runs");
	if (rs) {
		ok(rs->healthy, "certificate has more than 24h left");
		if (rs->r[0].n_failures)
			diag("%s", rs->r[0].failures[0]);
		ok(rs->r[0].samples[0].timing.tls_us > 0,
		   "TLS time in the sample");
	}
	da_check_results_free(rs);
	rs = NULL;
	da_check_spec_free(spec);
	spec = NULL;

	r = da_check_spec_quick(url, NULL, 0, late, 1, &spec, &err);
	if (r == 0)
		r = da_check_assert(spec, &o, &rs, &err);
	is_int(r, 0, "assert with a 72h expiry condition runs");
	if (rs) {
		ok(!rs->healthy, "two-day certificate fails > 72h");
		if (rs->r[0].n_failures)
			has_str(rs->r[0].failures[0],
				"[CERTIFICATE_EXPIRATION] (",
				"failure shows the time left");
	}
	da_check_results_free(rs);
	da_check_spec_free(spec);
}

/* A CA file that is not one: the wait stops at once with the reason. */
static void test_bad_ca(void)
{
	struct da_check_run_options o;
	struct da_check_results *rs = NULL;
	struct da_check_spec *spec = NULL;
	struct da_err err = DA_ERR_INIT;
	char url[128], key[128];
	int r;

	format(url, sizeof(url), "https://127.0.0.1:%d/", tls_port);
	format(key, sizeof(key), "%s/server.key", tls_dir);
	da_check_run_options_init(&o);
	o.timeout_ms = 60000;
	o.http.ca_file = key;
	r = da_check_spec_quick(url, NULL, 0, NULL, 0, &spec, &err);
	if (r == 0)
		r = da_check_wait(spec, &o, &rs, &err);
	is_int(r, -DA_EINVAL, "a key as CA file: the wait stops");
	has_str(err.msg, "cannot load the CA bundle", "bad CA: the reason");
	ok(rs == NULL, "bad CA: no results");
	da_check_spec_free(spec);
}

static void run_tests(void)
{
	static const char *const vars[] = {
	    "http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY",
	    "all_proxy",  "ALL_PROXY",	NULL,
	};
	char ca[128];
	size_t i;

	for (i = 0; vars[i]; i++)
		unsetenv(vars[i]);
	unsetenv("SSL_CERT_FILE");
	unsetenv("SSL_CERT_DIR");
	if (tls_server_start("check-tls") < 0) {
		ok(0,
		   "nginx serving HTTPS with a test CA started (needs "
		   "nginx and openssl: apt-get install nginx-light openssl)");
		if (tls_dir[0] && access(tls_dir, F_OK) == 0)
			tls_server_stop();
		return;
	}
	ok(1, "nginx serving HTTPS with a test CA started");
	format(ca, sizeof(ca), "%s/ca.pem", tls_dir);
	test_expiry(ca);
	test_expired(ca);
	test_client_cert(ca);
	test_check_condition(ca);
	test_bad_ca();
	tls_server_stop();
}
