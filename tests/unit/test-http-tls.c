#include "test.h"
#include "tls-server.h"
#include "common/http.h"

#include <stdarg.h>
#include <unistd.h>

/* snprintf that fails the test instead of cutting text silently. */
/*
 * HTTPS against a real nginx on loopback whose certificate comes from a
 * throw-away CA (tests/unit/http-tls-server.sh makes both). The request
 * must pass when that CA is trusted and fail verification when it is not.
 */

/* GET url with a fresh client made from o; returns the result. */
static int fetch(const struct da_http_options *o, const char *url,
		 struct da_http_response *resp, struct da_err *err)
{
	struct da_http *h = NULL;
	int r = da_http_new(o, &h, err);

	if (r == 0)
		r = da_http_get(h, url, resp, err);
	da_http_free(h);
	return r;
}

/* Loopback servers only: a proxy from the environment would get between. */
static void no_proxy(void)
{
	static const char *const vars[] = {
	    "http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY",
	    "all_proxy",  "ALL_PROXY",	NULL,
	};
	size_t i;

	for (i = 0; vars[i]; i++)
		unsetenv(vars[i]);
}

static void run_tests(void)
{
	struct da_http_options o;
	struct da_http_response resp;
	struct da_err err = DA_ERR_INIT;
	const struct da_http_timing *t = &resp.timing;
	char url[128], url_name[128], url_other[128], ca[128], cadir[128];
	int r;

	no_proxy();
	if (tls_server_start("http-tls") < 0) {
		ok(0,
		   "nginx serving HTTPS with a test CA started (needs "
		   "nginx and openssl: apt-get install nginx-light openssl)");
		if (tls_dir[0] && access(tls_dir, F_OK) == 0)
			tls_server_stop();
		return;
	}
	ok(1, "nginx serving HTTPS with a test CA started");
	format(url, sizeof(url), "https://127.0.0.1:%d/health", tls_port);
	format(url_name, sizeof(url_name), "https://localhost:%d/", tls_port);
	format(url_other, sizeof(url_other), "https://127.0.0.2:%d/", tls_port);
	format(ca, sizeof(ca), "%s/ca.pem", tls_dir);
	format(cadir, sizeof(cadir), "%s/cadir", tls_dir);
	unsetenv("SSL_CERT_FILE");
	unsetenv("SSL_CERT_DIR");
	da_http_response_init(&resp);

	da_http_options_init(&o);
	o.ca_file = ca;
	r = fetch(&o, url, &resp, &err);
	is_int(r, 0, "trusted test CA: request succeeds");
	if (r < 0)
		diag("%s", err.msg);
	is_int(resp.status, 200, "trusted test CA: status 200");
	is_str(da_buf_str(&resp.body), "tls ok\n", "trusted test CA: body");
	ok(t->tls_us > 0 && t->connect_us <= t->tls_us &&
	       t->tls_us <= t->first_byte_us && t->first_byte_us <= t->total_us,
	   "timing: TLS handshake between connect and first byte");

	r = fetch(&o, url_name, &resp, &err);
	is_int(r, 0, "trusted test CA: 'localhost' matches the DNS name");
	if (r < 0)
		diag("%s", err.msg);

	r = fetch(&o, url_other, &resp, &err);
	is_int(r, -DA_ENET, "host name not in the certificate: refused");
	has_str(err.msg, "TLS verification failed for 'https://127.0.0.2:",
		"host name mismatch: message names the URL");
	is_int(resp.attempts, 1, "host name mismatch: not retried");
	has_str(err.msg, "the certificate is for another host name",
		"host name mismatch: says what is wrong");

	/* Default discovery finds the system bundle, which lacks our CA. */
	da_http_options_init(&o);
	r = fetch(&o, url, &resp, &err);
	is_int(r, -DA_ENET, "system CA bundle: verification fails");
	has_str(err.msg, "verif", "system CA bundle: says verification");
	has_str(err.msg, url, "system CA bundle: message names the URL");
	is_int(resp.attempts, 1, "verification failure is not retried");
	has_str(err.msg, "trust its CA with the ca-file option",
		"unknown CA: says what to do");
	is_int(resp.status, 0, "verification failure: no status");

	o.insecure = 1;
	r = fetch(&o, url, &resp, &err);
	is_int(r, 0, "insecure mode: request succeeds");
	is_int(resp.status, 200, "insecure mode: status 200");
	r = fetch(&o, url_other, &resp, &err);
	is_int(r, 0, "insecure mode: host name not checked either");

	/* The environment is how a runner points at its CA. */
	da_http_options_init(&o);
	setenv("SSL_CERT_FILE", ca, 1);
	r = fetch(&o, url, &resp, &err);
	is_int(r, 0, "SSL_CERT_FILE with the test CA: succeeds");
	if (r < 0)
		diag("%s", err.msg);
	unsetenv("SSL_CERT_FILE");
	setenv("SSL_CERT_DIR", cadir, 1);
	r = fetch(&o, url, &resp, &err);
	is_int(r, 0, "SSL_CERT_DIR with the test CA: succeeds");
	if (r < 0)
		diag("%s", err.msg);
	unsetenv("SSL_CERT_DIR");

	/* An explicit CA file wins over the environment. */
	setenv("SSL_CERT_FILE", ca, 1);
	o.ca_file = "/etc/ssl/certs/ca-certificates.crt";
	if (access(o.ca_file, R_OK) == 0) {
		r = fetch(&o, url, &resp, &err);
		is_int(r, -DA_ENET, "ca_file option wins over SSL_CERT_FILE");
	} else {
		diag("no system CA bundle: ca_file precedence case left out");
	}
	unsetenv("SSL_CERT_FILE");

	da_http_response_release(&resp);
	tls_server_stop();
}
