#include "test.h"
#include "common/http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <stdarg.h>
#include <unistd.h>

/* snprintf that fails the test instead of cutting text silently. */
/*
 * A canned-reply HTTP/1.1 server on a loopback port picked by the kernel.
 * Each connection takes the next reply of the script (the fallback once
 * the script is used up), answers it and closes.
 */
struct reply {
	int status;
	const char *headers; /* extra lines, each ending "\r\n" */
	const char *body;    /* NULL: "path=<request path>" */
	size_t big;	     /* > 0: a body of this many 'x' */
	int no_length;	     /* body ends when the connection closes */
	int delay_ms;	     /* wait before answering */
	int hangup;	     /* close without answering */
};

#define MAX_WORKERS 64
#define MAX_REQUEST (64 << 10)

struct server {
	int fd;
	int port;
	pthread_t thread;
	pthread_mutex_t lock;
	atomic_int stop;
	const struct reply *script;
	size_t n_script, next;
	int requests;
	int active, peak;
	char last[MAX_REQUEST + 1];
	pthread_t workers[MAX_WORKERS];
	int n_workers;
};

struct conn {
	struct server *s;
	int fd;
};

static void sleep_ms(struct server *s, int ms)
{
	struct timespec ts = {0, 10 * 1000000L};

	for (; ms > 0 && !atomic_load(&s->stop); ms -= 10)
		nanosleep(&ts, NULL);
}

static void send_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = send(fd, p, n, MSG_NOSIGNAL);
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

/* Reads one request: the head and a Content-Length body. */
static size_t read_request(int fd, char *buf, size_t size)
{
	size_t len = 0, want = 0;
	char *end, *cl;
	ssize_t r;

	for (;;) {
		if (len == size)
			return len;
		r = recv(fd, buf + len, size - len, 0);
		if (r <= 0)
			return len;
		len += (size_t)r;
		buf[len] = '\0';
		end = strstr(buf, "\r\n\r\n");
		if (!end)
			continue;
		cl = strstr(buf, "Content-Length: ");
		want = (size_t)(end + 4 - buf);
		if (cl && cl < end)
			want += strtoul(cl + 16, NULL, 10);
		if (len >= want)
			return len;
	}
}

static void *serve_conn(void *arg)
{
	struct conn *c = arg;
	struct server *s = c->s;
	struct reply rp = {200, NULL, NULL, 0, 0, 0, 0};
	char *req = malloc(MAX_REQUEST + 1), path[256] = "/", head[1024];
	char *body = NULL, echo[300];
	size_t len, blen;
	struct timeval tv = {5, 0};
	int n;

	setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	len = req ? read_request(c->fd, req, MAX_REQUEST) : 0;
	if (req)
		req[len] = '\0';
	if (req && sscanf(req, "%*s %255s", path) != 1)
		path[0] = '\0';

	pthread_mutex_lock(&s->lock);
	if (req)
		memcpy(s->last, req, len + 1);
	s->requests++;
	if (s->next < s->n_script)
		rp = s->script[s->next++];
	if (++s->active > s->peak)
		s->peak = s->active;
	pthread_mutex_unlock(&s->lock);

	sleep_ms(s, rp.delay_ms);
	if (rp.hangup)
		goto out;
	if (rp.big) {
		body = malloc(rp.big);
		if (!body)
			goto out;
		memset(body, 'x', rp.big);
		blen = rp.big;
	} else if (rp.body) {
		blen = strlen(rp.body);
	} else {
		n = snprintf(echo, sizeof(echo), "path=%s", path);
		blen = n > 0 ? (size_t)n : 0;
	}
	if (rp.no_length)
		n = snprintf(head, sizeof(head),
			     "HTTP/1.1 %d X\r\nConnection: close\r\n%s\r\n",
			     rp.status, rp.headers ? rp.headers : "");
	else
		n = snprintf(head, sizeof(head),
			     "HTTP/1.1 %d X\r\nConnection: close\r\n"
			     "Content-Length: %zu\r\n%s\r\n",
			     rp.status, blen, rp.headers ? rp.headers : "");
	if (n > 0 && (size_t)n < sizeof(head)) {
		send_all(c->fd, head, (size_t)n);
		send_all(c->fd, body ? body : rp.body ? rp.body : echo, blen);
	}
out:
	pthread_mutex_lock(&s->lock);
	s->active--;
	pthread_mutex_unlock(&s->lock);
	shutdown(c->fd, SHUT_WR);
	close(c->fd);
	free(body);
	free(req);
	free(c);
	return NULL;
}

static void *serve(void *arg)
{
	struct server *s = arg;
	struct pollfd p = {s->fd, POLLIN, 0};
	struct conn *c;
	int fd;

	while (!atomic_load(&s->stop)) {
		if (poll(&p, 1, 20) <= 0)
			continue;
		fd = accept(s->fd, NULL, NULL);
		if (fd < 0)
			continue;
		c = malloc(sizeof(*c));
		if (!c || s->n_workers == MAX_WORKERS) {
			free(c);
			close(fd);
			continue;
		}
		c->s = s;
		c->fd = fd;
		if (pthread_create(&s->workers[s->n_workers], NULL, serve_conn,
				   c) != 0) {
			free(c);
			close(fd);
			continue;
		}
		s->n_workers++;
	}
	return NULL;
}

/* Starts a server on 127.0.0.1 (or ::1 with v6); 0, or -1 if it cannot. */
static int server_start(struct server *s, int v6, const struct reply *script,
			size_t n)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
	socklen_t sl = v6 ? sizeof(*a6) : sizeof(*a4);

	memset(s, 0, sizeof(*s));
	memset(&ss, 0, sizeof(ss));
	s->script = script;
	s->n_script = n;
	atomic_init(&s->stop, 0);
	pthread_mutex_init(&s->lock, NULL);
	if (v6) {
		a6->sin6_family = AF_INET6;
		a6->sin6_addr = in6addr_loopback;
	} else {
		a4->sin_family = AF_INET;
		a4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	}
	s->fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
	if (s->fd < 0)
		return -1;
	if (bind(s->fd, (struct sockaddr *)&ss, sl) < 0 ||
	    listen(s->fd, 64) < 0 ||
	    getsockname(s->fd, (struct sockaddr *)&ss, &sl) < 0) {
		close(s->fd);
		return -1;
	}
	s->port = ntohs(v6 ? a6->sin6_port : a4->sin_port);
	if (pthread_create(&s->thread, NULL, serve, s) != 0) {
		close(s->fd);
		return -1;
	}
	return 0;
}

static void server_stop(struct server *s)
{
	int i;

	atomic_store(&s->stop, 1);
	pthread_join(s->thread, NULL);
	for (i = 0; i < s->n_workers; i++)
		pthread_join(s->workers[i], NULL);
	close(s->fd);
	pthread_mutex_destroy(&s->lock);
}

/* A port on 127.0.0.1 that nothing listens on (bound, then closed). */
static int closed_port(void)
{
	struct sockaddr_in a;
	socklen_t sl = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port = 0;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sl) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &sl) == 0)
		port = ntohs(a.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

/* Options for tests: quick backoff so retries do not slow the suite. */
static void fast_options(struct da_http_options *o)
{
	da_http_options_init(o);
	o->backoff_base_ms = 10;
	o->backoff_max_ms = 50;
	o->connect_timeout_ms = 5000;
	o->timeout_ms = 10000;
}

static void url_of(char *buf, size_t n, const struct server *s,
		   const char *path)
{
	int r = snprintf(buf, n, "http://127.0.0.1:%d%s", s->port, path);

	if (r < 0 || (size_t)r >= n)
		buf[0] = '\0';
}

/* Runs a GET of path against a fresh server with the given script. */
static int get_scripted(const struct da_http_options *o,
			const struct reply *script, size_t n, const char *path,
			struct da_http_response *resp, struct server *s,
			struct da_err *err)
{
	struct da_http *h = NULL;
	char url[256];
	int r;

	if (server_start(s, 0, script, n) < 0) {
		diag("cannot start the test server: %s", strerror(errno));
		return -999;
	}
	url_of(url, sizeof(url), s, path);
	r = da_http_new(o, &h, err);
	if (r == 0)
		r = da_http_get(h, url, resp, err);
	da_http_free(h);
	server_stop(s);
	return r;
}

static void test_basic(void)
{
	static const struct reply script[] = {
	    {200, "X-Test: yes\r\nx-multi:  a b  \r\n", "hello", 0, 0, 0, 0},
	};
	struct da_http_options o;
	struct da_http_response resp;
	struct da_err err = DA_ERR_INIT;
	struct server s;
	const struct da_http_timing *t = &resp.timing;
	char want[256];
	int r;

	fast_options(&o);
	da_http_response_init(&resp);
	r = get_scripted(&o, script, 1, "/ok", &resp, &s, &err);
	is_int(r, 0, "200: request succeeds");
	is_int(resp.status, 200, "200: status");
	is_str(da_buf_str(&resp.body), "hello", "200: body");
	is_int(resp.attempts, 1, "200: one attempt");
	is_str(da_http_response_header(&resp, "x-test"), "yes",
	       "200: header found in any case");
	is_str(da_http_response_header(&resp, "X-MULTI"), "a b",
	       "200: header value trimmed");
	ok(da_http_response_header(&resp, "x-none") == NULL,
	   "200: absent header is NULL");
	is_int(resp.retry_after_ms, -1, "200: no Retry-After");
	url_of(want, sizeof(want), &s, "/ok");
	is_str(resp.effective_url, want, "200: effective URL");
	has_str(s.last, "GET /ok HTTP/1.1", "server saw the GET");
	has_str(s.last, "User-Agent: deploy-actions/" DA_VERSION,
		"user agent names the project and version");
	ok(t->total_us > 0 && t->first_byte_us > 0, "timing: non-zero");
	ok(t->dns_us <= t->connect_us && t->connect_us <= t->first_byte_us &&
	       t->first_byte_us <= t->total_us,
	   "timing: steps are ordered");
	is_int(t->tls_us, 0, "timing: no TLS on http://");
	ok(t->elapsed_us >= 0, "timing: elapsed set");
	da_http_response_release(&resp);
	da_http_response_release(NULL);
}

static void test_statuses(void)
{
	static const struct reply not_found[] = {
	    {404, NULL, "gone", 0, 0, 0, 0},
	    {200, NULL, "never", 0, 0, 0, 0},
	};
	static const struct reply unavailable[] = {
	    {503, NULL, "busy", 0, 0, 0, 0},
	    {200, NULL, "ready", 0, 0, 0, 0},
	};
	static const struct reply too_many[] = {
	    {429, "Retry-After: 1\r\n", "slow down", 0, 0, 0, 0},
	    {200, NULL, "thanks", 0, 0, 0, 0},
	};
	static const struct reply always_503[] = {
	    {503, NULL, "a", 0, 0, 0, 0},
	    {503, NULL, "b", 0, 0, 0, 0},
	    {503, NULL, "c", 0, 0, 0, 0},
	    {200, NULL, "too late", 0, 0, 0, 0},
	};
	struct da_http_options o;
	struct da_http_response resp;
	struct da_err err = DA_ERR_INIT;
	struct server s;
	char url[256];
	int r;

	fast_options(&o);
	da_http_response_init(&resp);

	r = get_scripted(&o, not_found, 2, "/x", &resp, &s, &err);
	is_int(r, 0, "404 is an answer, not an error");
	is_int(resp.status, 404, "404: status");
	is_int(resp.attempts, 1, "404: not retried");
	is_int(s.requests, 1, "404: server saw one request");
	is_str(da_buf_str(&resp.body), "gone", "404: body kept");

	r = get_scripted(&o, unavailable, 2, "/x", &resp, &s, &err);
	is_int(r, 0, "503 then 200: succeeds");
	is_int(resp.status, 200, "503 then 200: final status");
	is_int(resp.attempts, 2, "503 then 200: two attempts");
	is_str(da_buf_str(&resp.body), "ready", "503 then 200: last body");

	r = get_scripted(&o, too_many, 2, "/x", &resp, &s, &err);
	is_int(r, 0, "429 with Retry-After: succeeds");
	is_int(resp.attempts, 2, "429 with Retry-After: two attempts");
	is_int(resp.retry_after_ms, 1000, "429: Retry-After parsed as 1 s");
	is_str(da_buf_str(&resp.body), "thanks", "429: final body");

	r = get_scripted(&o, always_503, 4, "/down", &resp, &s, &err);
	is_int(r, -DA_ENET, "retries exhausted: network error");
	is_int(resp.attempts, 3, "retries exhausted: three attempts");
	is_int(s.requests, 3, "retries exhausted: server saw three");
	is_int(resp.status, 503, "retries exhausted: last status kept");
	is_str(da_buf_str(&resp.body), "c", "retries exhausted: last body");
	url_of(url, sizeof(url), &s, "/down");
	has_str(err.msg, url, "retries exhausted: message names the URL");
	has_str(err.msg, "503", "retries exhausted: message names status");
	has_str(err.msg, "after 3 attempts",
		"retries exhausted: message counts attempts");

	/* Retry-After is still read when not honoured; backoff is used. */
	o.honour_retry_after = 0;
	r = get_scripted(&o, too_many, 2, "/x", &resp, &s, &err);
	is_int(r, 0, "Retry-After not honoured: still retried");
	is_int(resp.retry_after_ms, 1000, "Retry-After not honoured: seen");

	/* A custom retry list: 500 retried, 503 not. */
	fast_options(&o);
	o.retry_statuses[0] = 500;
	o.n_retry_statuses = 1;
	r = get_scripted(&o, unavailable, 2, "/x", &resp, &s, &err);
	is_int(r, 0, "custom retry list: 503 is an answer");
	is_int(resp.attempts, 1, "custom retry list: 503 not retried");
	da_http_response_release(&resp);
}

static void test_limits(void)
{
	static const struct reply big[] = {
	    {200, NULL, NULL, ((size_t)9 << 20), 0, 0, 0},
	};
	static const struct reply big_nolen[] = {
	    {200, NULL, NULL, 5000, 1, 0, 0},
	};
	static const struct reply exact[] = {
	    {200, NULL, NULL, 1000, 1, 0, 0},
	};
	static const struct reply fat_header[] = {
	    {200,
	     "X-Fat: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n",
	     "ok", 0, 0, 0, 0},
	};
	struct da_http_options o;
	struct da_http_response resp;
	struct da_err err = DA_ERR_INIT;
	struct server s;
	char url[256];
	int r;

	fast_options(&o);
	da_http_response_init(&resp);
	r = get_scripted(&o, big, 1, "/big", &resp, &s, &err);
	is_int(r, -DA_ELIMIT, "body over 8 MiB: limit error");
	url_of(url, sizeof(url), &s, "/big");
	has_str(err.msg, "response body of '", "body cap: message");
	has_str(err.msg, url, "body cap: message names the URL");
	has_str(err.msg, "exceeds 8 MiB", "body cap: message names the cap");
	is_int(resp.attempts, 1, "body cap: not retried");
	ok(resp.body.len <= DA_MAX_HTTP_BODY, "body cap: buffer kept small");

	o.max_body = 1000;
	r = get_scripted(&o, big_nolen, 1, "/stream", &resp, &s, &err);
	is_int(r, -DA_ELIMIT, "body without length over the cap: limit");
	has_str(err.msg, "exceeds 1000 bytes", "small cap named in bytes");

	r = get_scripted(&o, exact, 1, "/exact", &resp, &s, &err);
	is_int(r, 0, "body exactly at the cap is fine");
	is_int(resp.body.len, 1000, "body at the cap is whole");

	fast_options(&o);
	o.max_headers = 100;
	r = get_scripted(&o, fat_header, 1, "/fat", &resp, &s, &err);
	is_int(r, -DA_ELIMIT, "headers over the cap: limit error");
	has_str(err.msg, "response headers of '", "header cap: message");
	has_str(err.msg, "exceed 100 bytes", "header cap: names the cap");
	da_http_response_release(&resp);
}

static void test_transport(void)
{
	static const struct reply slow[] = {
	    {200, NULL, "late", 0, 0, 3000, 0},
	    {200, NULL, "late", 0, 0, 3000, 0},
	};
	static const struct reply hangup_then_ok[] = {
	    {200, NULL, NULL, 0, 0, 0, 1},
	    {200, NULL, "second", 0, 0, 0, 0},
	};
	struct da_http_options o;
	struct da_http_response resp;
	struct da_http_request req = {0};
	struct da_err err = DA_ERR_INIT;
	struct da_http *h = NULL;
	struct server s;
	char url[256];
	int r, port;

	fast_options(&o);
	da_http_response_init(&resp);

	port = closed_port();
	format(url, sizeof(url), "http://127.0.0.1:%d/health", port);
	r = da_http_new(&o, &h, &err);
	is_int(r, 0, "client made");
	r = da_http_get(h, url, &resp, &err);
	is_int(r, -DA_ENET, "connection refused: network error");
	is_int(resp.attempts, 3, "connection refused: retried twice");
	is_int(resp.status, 0, "connection refused: no status");
	has_str(err.msg, url, "connection refused: message names the URL");
	has_str(err.msg, "connection refused",
		"connection refused: message says so");
	has_str(err.msg, "(after 3 attempts)",
		"connection refused: message counts attempts");
	ok(resp.curl_error[0] != '\0', "connection refused: curl error kept");

	/* Credentials never reach a message. */
	format(url, sizeof(url),
	       "http://deploy:hunter2@127.0.0.1:%d/x?token=abc123&n=1", port);
	r = da_http_get(h, url, &resp, &err);
	is_int(r, -DA_ENET, "refused with credentials: network error");
	ok(!strstr(err.msg, "hunter2") && !strstr(err.msg, "deploy:") &&
	       !strstr(err.msg, "abc123"),
	   "credentials are not in the message");
	has_str(err.msg, "token=REDACTED&n=1", "secret query value redacted");
	da_http_free(h);
	h = NULL;

	o.timeout_ms = 300;
	o.retries = 0;
	r = get_scripted(&o, slow, 2, "/slow", &resp, &s, &err);
	is_int(r, -DA_ETIMEOUT, "total timeout: timeout error");
	is_int(resp.attempts, 1, "total timeout: one attempt");
	has_str(err.msg, "/slow", "total timeout: message names the URL");
	o.retries = 1;
	r = get_scripted(&o, slow, 2, "/slow", &resp, &s, &err);
	is_int(r, -DA_ETIMEOUT, "timeout retried: still a timeout");
	is_int(resp.attempts, 2, "timeout retried: a GET is tried again");

	/* A GET is retried after the server hung up on it. */
	fast_options(&o);
	r = get_scripted(&o, hangup_then_ok, 2, "/flaky", &resp, &s, &err);
	is_int(r, 0, "GET after a hang-up: succeeds");
	is_int(resp.attempts, 2, "GET after a hang-up: retried");
	is_str(da_buf_str(&resp.body), "second", "GET after hang-up: body");

	/* A POST that went out is not sent twice... */
	if (server_start(&s, 0, hangup_then_ok, 2) == 0) {
		url_of(url, sizeof(url), &s, "/deploy");
		req.url = url;
		req.body = "x=1";
		req.body_len = 3;
		if (da_http_new(&o, &h, &err) == 0) {
			r = da_http_do(h, &req, &resp, &err);
			is_int(r, -DA_ENET, "POST after a hang-up: error");
			is_int(resp.attempts, 1, "POST after hang-up: once");
			has_str(err.msg, "/deploy", "POST hang-up: URL named");
		}
		da_http_free(h);
		h = NULL;
		server_stop(&s);
		is_int(s.requests, 1, "POST after a hang-up: server saw one");
	} else {
		ok(0, "start server for POST");
	}
	/* ...unless the caller says it is safe. */
	o.retry_unsafe = 1;
	if (server_start(&s, 0, hangup_then_ok, 2) == 0) {
		url_of(url, sizeof(url), &s, "/deploy");
		if (da_http_new(&o, &h, &err) == 0) {
			r = da_http_do(h, &req, &resp, &err);
			is_int(r, 0, "POST with retry_unsafe: succeeds");
			is_int(resp.attempts, 2,
			       "POST with retry_unsafe: twice");
		}
		da_http_free(h);
		h = NULL;
		server_stop(&s);
	} else {
		ok(0, "start server for POST retry_unsafe");
	}
	/* A 502 to a POST may come after the backend acted: not resent. */
	{
		static const struct reply gw_then_ok[] = {
		    {502, NULL, "bad gateway", 0, 0, 0, 0},
		    {200, NULL, "ok", 0, 0, 0, 0},
		};
		static const struct reply busy_then_ok[] = {
		    {503, NULL, "busy", 0, 0, 0, 0},
		    {200, NULL, "ok", 0, 0, 0, 0},
		};

		fast_options(&o);
		if (server_start(&s, 0, gw_then_ok, 2) == 0) {
			url_of(url, sizeof(url), &s, "/deploy");
			req.url = url;
			if (da_http_new(&o, &h, &err) == 0) {
				r = da_http_do(h, &req, &resp, &err);
				is_int(r, 0, "POST answered 502: an answer");
				is_int(resp.status, 502, "POST 502: status");
				is_int(resp.attempts, 1, "POST 502: sent once");
			}
			da_http_free(h);
			h = NULL;
			server_stop(&s);
			is_int(s.requests, 1, "POST 502: server saw one");
		} else {
			ok(0, "start server for POST 502");
		}
		if (server_start(&s, 0, busy_then_ok, 2) == 0) {
			url_of(url, sizeof(url), &s, "/deploy");
			req.url = url;
			if (da_http_new(&o, &h, &err) == 0) {
				r = da_http_do(h, &req, &resp, &err);
				is_int(r, 0, "POST answered 503 then 200");
				is_int(resp.attempts, 2,
				       "POST 503: not taken in, so resent");
			}
			da_http_free(h);
			h = NULL;
			server_stop(&s);
		} else {
			ok(0, "start server for POST 503");
		}
	}
	/* A POST to a closed port never went out, so it is retried. */
	fast_options(&o);
	format(url, sizeof(url), "http://127.0.0.1:%d/deploy", port);
	if (da_http_new(&o, &h, &err) == 0) {
		r = da_http_do(h, &req, &resp, &err);
		is_int(r, -DA_ENET, "POST refused: error");
		is_int(resp.attempts, 3, "POST refused: retried, never sent");
	}
	da_http_free(h);
	da_http_response_release(&resp);
}

static void test_request(void)
{
	static const struct reply script[] = {
	    {201, NULL, "made", 0, 0, 0, 0},
	    {204, NULL, "", 0, 0, 0, 0},
	    {200, "X-Head: 1\r\n", "", 0, 0, 0, 0},
	};
	static const char *const headers[] = {
	    "Authorization: Bearer s3cr3t-value",
	    "Content-Type: application/json",
	};
	static const char *const bad_headers[] = {"X-A: 1\r\nX-B: 2"};
	struct da_http_options o;
	struct da_http_response resp;
	struct da_http_request req = {0};
	struct da_err err = DA_ERR_INIT;
	struct da_http *h = NULL;
	struct server s;
	char url[256];
	int r;

	fast_options(&o);
	da_http_response_init(&resp);
	if (server_start(&s, 0, script, 3) < 0) {
		ok(0, "start server for request test");
		return;
	}
	url_of(url, sizeof(url), &s, "/submit?a=1");
	req.url = url;
	req.headers = headers;
	req.n_headers = 2;
	req.body = "{\"ok\":true}";
	req.body_len = 11;
	r = da_http_new(&o, &h, &err);
	if (r == 0)
		r = da_http_do(h, &req, &resp, &err);
	is_int(r, 0, "POST: succeeds");
	is_int(resp.status, 201, "POST: status");
	pthread_mutex_lock(&s.lock);
	has_str(s.last, "POST /submit?a=1 HTTP/1.1", "POST: method and path");
	has_str(s.last, "\r\nAuthorization: Bearer s3cr3t-value\r\n",
		"POST: request header sent");
	has_str(s.last, "\r\nContent-Type: application/json\r\n",
		"POST: second header sent");
	has_str(s.last, "\r\nContent-Length: 11\r\n", "POST: body length");
	has_str(s.last, "\r\n\r\n{\"ok\":true}", "POST: body sent");
	ok(!strstr(s.last, "Expect:"), "POST: no Expect header");
	pthread_mutex_unlock(&s.lock);

	req.method = "PUT";
	req.headers = NULL;
	req.n_headers = 0;
	r = da_http_do(h, &req, &resp, &err);
	is_int(r, 0, "PUT: succeeds");
	is_int(resp.status, 204, "PUT: status");
	has_str(s.last, "PUT /submit?a=1 HTTP/1.1", "PUT: method sent");
	has_str(s.last, "\r\n\r\n{\"ok\":true}", "PUT: body sent");

	req.method = "HEAD";
	req.body = NULL;
	r = da_http_do(h, &req, &resp, &err);
	is_int(r, 0, "HEAD: succeeds");
	is_int(resp.status, 200, "HEAD: status");
	is_str(da_http_response_header(&resp, "x-head"), "1", "HEAD: headers");
	is_int(resp.body.len, 0, "HEAD: no body");
	has_str(s.last, "HEAD /submit?a=1 HTTP/1.1", "HEAD: method sent");

	req.method = "get";
	r = da_http_do(h, &req, &resp, &err);
	is_int(r, -DA_EINVAL, "lower-case method refused");
	has_str(err.msg, "invalid HTTP method", "bad method: message");

	req.method = NULL;
	req.body = NULL;
	req.headers = bad_headers;
	req.n_headers = 1;
	r = da_http_do(h, &req, &resp, &err);
	is_int(r, -DA_EINVAL, "header with a line break refused");

	r = da_http_get(h, "ftp://127.0.0.1/x", &resp, &err);
	is_int(r, -DA_EINVAL, "ftp:// refused");
	has_str(err.msg, "invalid URL 'ftp://127.0.0.1/x'",
		"ftp://: message names the URL");
	r = da_http_get(h, "", &resp, &err);
	is_int(r, -DA_EINVAL, "empty URL refused");
	da_http_free(h);
	server_stop(&s);
	da_http_response_release(&resp);
}

static void test_redirects(void)
{
	static const struct reply script[] = {
	    {302, "Location: /final\r\n", "moved", 0, 0, 0, 0},
	    {302, "Location: /final\r\n", "moved", 0, 0, 0, 0},
	    {200, "X-Last: yes\r\n", "arrived", 0, 0, 0, 0},
	};
	struct da_http_options o;
	struct da_http_response resp;
	struct da_err err = DA_ERR_INIT;
	struct da_http *h = NULL;
	struct server s;
	char url[256];
	int r;

	fast_options(&o);
	da_http_response_init(&resp);
	if (server_start(&s, 0, script, 3) < 0) {
		ok(0, "start server for redirect test");
		return;
	}
	url_of(url, sizeof(url), &s, "/start");
	r = da_http_new(&o, &h, &err);
	if (r == 0)
		r = da_http_get(h, url, &resp, &err);
	is_int(r, 0, "redirect not followed by default");
	is_int(resp.status, 302, "redirect: 302 returned");
	is_str(da_http_response_header(&resp, "location"), "/final",
	       "redirect: Location header");
	da_http_free(h);
	h = NULL;

	o.follow_redirects = 1;
	r = da_http_new(&o, &h, &err);
	if (r == 0)
		r = da_http_get(h, url, &resp, &err);
	is_int(r, 0, "redirect followed when asked");
	is_int(resp.status, 200, "redirect followed: final status");
	is_str(da_buf_str(&resp.body), "arrived", "redirect: final body");
	url_of(url, sizeof(url), &s, "/final");
	is_str(resp.effective_url, url, "redirect: effective URL");
	ok(da_http_response_header(&resp, "location") == NULL,
	   "redirect: only the last response's headers");
	is_str(da_http_response_header(&resp, "x-last"), "yes",
	       "redirect: last headers kept");
	da_http_free(h);
	server_stop(&s);
	da_http_response_release(&resp);
}

/* A server that answers anything but HTTP, once. */
struct raw {
	int fd, port;
	pthread_t thread;
};

static void *raw_serve(void *arg)
{
	static const char reply[] = "SSH-2.0-OpenSSH_9.2\r\nnot http\r\n\r\n";
	struct raw *w = arg;
	struct pollfd p = {w->fd, POLLIN, 0};
	char buf[4096];
	int fd;

	if (poll(&p, 1, 5000) <= 0)
		return NULL;
	fd = accept(w->fd, NULL, NULL);
	if (fd < 0)
		return NULL;
	if (recv(fd, buf, sizeof(buf), 0) > 0)
		send_all(fd, reply, sizeof(reply) - 1);
	shutdown(fd, SHUT_WR);
	close(fd);
	return NULL;
}

static void test_not_http(void)
{
	struct sockaddr_in a;
	socklen_t sl = sizeof(a);
	struct da_http_options o;
	struct da_http_response resp;
	struct da_err err = DA_ERR_INIT;
	struct da_http *h = NULL;
	struct raw w;
	char url[128];
	int r;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	w.fd = socket(AF_INET, SOCK_STREAM, 0);
	if (w.fd < 0 || bind(w.fd, (struct sockaddr *)&a, sl) < 0 ||
	    listen(w.fd, 4) < 0 ||
	    getsockname(w.fd, (struct sockaddr *)&a, &sl) < 0 ||
	    pthread_create(&w.thread, NULL, raw_serve, &w) != 0) {
		ok(0, "start a raw server");
		if (w.fd >= 0)
			close(w.fd);
		return;
	}
	w.port = ntohs(a.sin_port);
	format(url, sizeof(url), "http://127.0.0.1:%d/health", w.port);
	fast_options(&o);
	o.retries = 0;
	da_http_response_init(&resp);
	r = da_http_new(&o, &h, &err);
	if (r == 0)
		r = da_http_get(h, url, &resp, &err);
	is_int(r, -DA_ENET, "not HTTP: a network failure, not a bad URL");
	has_str(err.msg, "did not answer in HTTP", "not HTTP: says so");
	ok(strstr(err.msg, "invalid URL") == NULL, "not HTTP: URL not blamed");
	da_http_free(h);
	da_http_response_release(&resp);
	pthread_join(w.thread, NULL);
	close(w.fd);
}

/* Per-request settings, the peer's address, certificate expiry on http. */
static void test_request_overrides(void)
{
	static const struct reply script[] = {
	    {200, NULL, "slow", 0, 0, 2000, 0},
	    {302, "Location: /final\r\n", "moved", 0, 0, 0, 0},
	    {200, NULL, "arrived", 0, 0, 0, 0},
	    {302, "Location: /final\r\n", "moved", 0, 0, 0, 0},
	};
	struct da_http_options o;
	struct da_http_request req;
	struct da_http_response resp;
	struct da_err err = DA_ERR_INIT;
	struct da_http *h = NULL;
	struct server s;
	char url[256];
	int r;

	fast_options(&o);
	o.retries = 0;
	da_http_response_init(&resp);
	is_int(resp.cert_expires_ms, -1, "fresh response: no certificate");
	if (server_start(&s, 0, script, 4) < 0) {
		ok(0, "start server for override test");
		return;
	}
	url_of(url, sizeof(url), &s, "/x");
	memset(&req, 0, sizeof(req));
	req.url = url;
	req.timeout_ms = 100;
	r = da_http_new(&o, &h, &err);
	if (r == 0)
		r = da_http_do(h, &req, &resp, &err);
	is_int(r, -DA_ETIMEOUT, "request timeout wins over the client's");
	has_str(err.msg, "cannot reach", "request timeout: message");

	req.timeout_ms = 0;
	req.follow_redirects = 1;
	r = da_http_do(h, &req, &resp, &err);
	is_int(r, 0, "request follows redirects the client does not");
	is_int(resp.status, 200, "followed: final status");
	is_str(resp.ip, "127.0.0.1", "the peer's address");
	is_int(resp.cert_expires_ms, -1, "http://: no certificate expiry");
	is_int(resp.cert_not_after, 0, "http://: no notAfter");
	da_http_free(h);
	h = NULL;

	o.follow_redirects = 1;
	req.follow_redirects = -1;
	r = da_http_new(&o, &h, &err);
	if (r == 0)
		r = da_http_do(h, &req, &resp, &err);
	is_int(r, 0, "request that never follows");
	is_int(resp.status, 302, "not followed although the client would");
	da_http_free(h);
	server_stop(&s);

	req.timeout_ms = -1;
	r = da_http_new(&o, &h, &err);
	if (r == 0)
		r = da_http_do(h, &req, &resp, &err);
	is_int(r, -DA_EINVAL, "negative request timeout refused");
	is_str(resp.ip, "", "no answer: no address");
	da_http_free(h);
	da_http_response_release(&resp);
}

static void test_client_cert_options(void)
{
	struct da_http_options o;
	struct da_err err = DA_ERR_INIT;
	struct da_http *h = NULL;
	char path[] = "/tmp/da-http-cert-XXXXXX";
	int fd, r;

	da_http_options_init(&o);
	o.client_cert = "/nonexistent/client.pem";
	r = da_http_new(&o, &h, &err);
	is_int(r, -DA_ENOENT, "missing client certificate refused");
	has_str(err.msg,
		"client certificate '/nonexistent/client.pem' does "
		"not exist",
		"missing client certificate: message");
	fd = mkstemp(path);
	if (fd < 0) {
		ok(0, "temporary file");
		return;
	}
	close(fd);
	o.client_cert = path;
	o.client_key = "/nonexistent/client.key";
	r = da_http_new(&o, &h, &err);
	is_int(r, -DA_ENOENT, "missing client key refused");
	has_str(err.msg, "client key '/nonexistent/client.key'",
		"missing client key: message");
	o.client_cert = NULL;
	o.client_key = path;
	r = da_http_new(&o, &h, &err);
	is_int(r, -DA_EINVAL, "key without certificate refused");
	o.client_cert = path;
	r = da_http_new(&o, &h, &err);
	is_int(r, -DA_EINVAL, "empty certificate file refused");
	has_str(err.msg, "cannot use client certificate '",
		"empty certificate: message");
	has_str(err.msg, "give a PEM certificate", "says what to give");
	unlink(path);
}

/* da_http_run(): a feed of requests through two slots. */
struct feed_ctx {
	char urls[10][256];
	struct da_http_request reqs[10];
	struct da_http_response resps[2];
	int slot_of[10];
	int used[2];
	int started, ended, order_ok, stop_at;
	size_t next;
};

static int feed_start(void *ctx, size_t i, const struct da_http_request **req,
		      struct da_http_response **resp, struct da_err *err)
{
	struct feed_ctx *f = ctx;
	int k;

	if (i != f->next++)
		f->order_ok = 0;
	for (k = 0; k < 2 && f->used[k]; k++)
		;
	if (k == 2)
		return da_err_set(err, DA_EINVAL, "more than two at once");
	f->used[k] = 1;
	f->slot_of[i] = k;
	f->started++;
	*req = &f->reqs[i];
	*resp = &f->resps[k];
	return 0;
}

static int feed_done(void *ctx, size_t i, struct da_http_response *resp,
		     struct da_err *err)
{
	struct feed_ctx *f = ctx;
	char want[64];

	format(want, sizeof(want), "path=/r%zu", i);
	if (resp != &f->resps[f->slot_of[i]] || resp->result != 0 ||
	    strcmp(da_buf_str(&resp->body), want) != 0)
		f->order_ok = 0;
	f->used[f->slot_of[i]] = 0;
	f->ended++;
	if (f->stop_at && f->ended == f->stop_at)
		return da_err_set(err, DA_EFAIL, "stopped by the feed");
	return 0;
}

static void test_run(void)
{
	static const struct reply script[] = {
	    {200, NULL, NULL, 0, 0, 20, 0}, {200, NULL, NULL, 0, 0, 20, 0},
	    {200, NULL, NULL, 0, 0, 20, 0}, {200, NULL, NULL, 0, 0, 20, 0},
	    {200, NULL, NULL, 0, 0, 20, 0}, {200, NULL, NULL, 0, 0, 20, 0},
	    {200, NULL, NULL, 0, 0, 20, 0}, {200, NULL, NULL, 0, 0, 20, 0},
	    {200, NULL, NULL, 0, 0, 20, 0}, {200, NULL, NULL, 0, 0, 20, 0},
	};
	struct da_http_feed feed = {feed_start, feed_done, NULL};
	struct da_http_options o;
	struct da_err err = DA_ERR_INIT;
	struct da_http *h = NULL;
	struct feed_ctx *f = calloc(1, sizeof(*f));
	struct server s;
	char path[32];
	int i, r;

	/* Ten answers after 20 ms each, then the fallback: 200 at once. */
	if (!f || server_start(&s, 0, script, 10) < 0) {
		ok(0, "start server for run test");
		free(f);
		return;
	}
	fast_options(&o);
	o.retries = 0;
	for (i = 0; i < 10; i++) {
		format(path, sizeof(path), "/r%d", i);
		url_of(f->urls[i], sizeof(f->urls[i]), &s, path);
		f->reqs[i].url = f->urls[i];
	}
	da_http_response_init(&f->resps[0]);
	da_http_response_init(&f->resps[1]);
	f->order_ok = 1;
	feed.ctx = f;
	r = da_http_new(&o, &h, &err);
	if (r == 0)
		r = da_http_run(h, 10, 2, &feed, &err);
	is_int(r, 0, "run: ten requests through two slots");
	if (r < 0)
		diag("%s", err.msg);
	is_int(f->started, 10, "run: each started once");
	is_int(f->ended, 10, "run: each ended once");
	ok(f->order_ok, "run: in order, each answer in its own response");
	ok(s.peak >= 1 && s.peak <= 2, "run: never more than two at once");
	is_int(s.requests, 10, "run: server saw ten");

	f->started = f->ended = 0;
	f->next = 0;
	f->stop_at = 3;
	f->used[0] = f->used[1] = 0;
	r = da_http_run(h, 10, 2, &feed, &err);
	is_int(r, -DA_EFAIL, "run: a feed error stops the run");
	has_str(err.msg, "stopped by the feed", "run: its message");
	is_int(f->ended, 3, "run: nothing ends after the stop");
	is_int(da_http_run(h, 10, 0, &feed, &err), -DA_EINVAL,
	       "run: zero parallel refused");
	is_int(da_http_run(h, 0, 2, &feed, &err), 0, "run: nothing to do");
	da_http_free(h);
	server_stop(&s);
	da_http_response_release(&f->resps[0]);
	da_http_response_release(&f->resps[1]);
	free(f);
}

static void test_ipv6(void)
{
	static const struct reply script[] = {
	    {200, NULL, "six", 0, 0, 0, 0},
	};
	struct da_http_options o;
	struct da_http_response resp;
	struct da_err err = DA_ERR_INIT;
	struct da_http *h = NULL;
	struct server s;
	char url[256];
	int r;

	if (server_start(&s, 1, script, 1) < 0) {
		diag("::1 cannot be bound (%s): IPv6 case left out",
		     strerror(errno));
		return;
	}
	fast_options(&o);
	da_http_response_init(&resp);
	format(url, sizeof(url), "http://[::1]:%d/v6", s.port);
	r = da_http_new(&o, &h, &err);
	if (r == 0)
		r = da_http_get(h, url, &resp, &err);
	is_int(r, 0, "IPv6: request to [::1] succeeds");
	if (r < 0)
		diag("%s", err.msg);
	is_str(da_buf_str(&resp.body), "six", "IPv6: body");
	da_http_free(h);
	server_stop(&s);
	da_http_response_release(&resp);
}

static void test_multi(void)
{
	static const struct reply script[] = {
	    {200, NULL, NULL, 0, 0, 500, 0},
	    {200, NULL, NULL, 0, 0, 500, 0},
	    {200, NULL, NULL, 0, 0, 500, 0},
	};
	struct da_http_options o;
	struct da_http_request reqs[4];
	struct da_http_response resps[4];
	struct da_err err = DA_ERR_INIT;
	struct da_http *h = NULL;
	struct server s;
	char urls[4][256], want[64];
	int r, i;

	fast_options(&o);
	o.retries = 0;
	memset(reqs, 0, sizeof(reqs));
	for (i = 0; i < 4; i++)
		da_http_response_init(&resps[i]);
	if (server_start(&s, 0, script, 3) < 0) {
		ok(0, "start server for multi test");
		return;
	}
	for (i = 0; i < 3; i++) {
		format(want, sizeof(want), "/t%d", i);
		url_of(urls[i], sizeof(urls[i]), &s, want);
		reqs[i].url = urls[i];
	}
	format(urls[3], sizeof(urls[3]), "http://127.0.0.1:%d/dead",
	       closed_port());
	reqs[3].url = urls[3];
	r = da_http_new(&o, &h, &err);
	if (r == 0)
		r = da_http_multi(h, reqs, 4, resps, &err);
	is_int(r, 0, "multi: all requests ran");
	for (i = 0; i < 3; i++) {
		format(want, sizeof(want), "path=/t%d", i);
		is_int(resps[i].result, 0, "multi: request succeeded");
		is_int(resps[i].status, 200, "multi: status");
		is_str(da_buf_str(&resps[i].body), want,
		       "multi: each response matches its request");
	}
	is_int(resps[3].result, -DA_ENET, "multi: the dead target failed");
	has_str(resps[3].error.msg, "/dead", "multi: its message names it");
	is_int(s.peak, 3, "multi: three requests were served at once");

	r = da_http_multi(h, reqs, DA_MAX_HTTP_MULTI + 1, resps, &err);
	is_int(r, -DA_ELIMIT, "multi: too many requests refused");
	is_int(da_http_multi(h, reqs, 0, resps, &err), 0, "multi: zero is ok");
	da_http_free(h);
	server_stop(&s);
	for (i = 0; i < 4; i++)
		da_http_response_release(&resps[i]);
}

static void test_retry_after(void)
{
	struct da_err err = DA_ERR_INIT;
	long long ms = -1;
	/* Sun, 06 Nov 1994 08:49:37 GMT */
	const time_t t0 = 784111777;

	is_int(da_http_parse_retry_after("120", t0, &ms, &err), 0,
	       "Retry-After seconds");
	is_int(ms, 120000, "Retry-After 120 is 120 s");
	is_int(da_http_parse_retry_after(" 0 ", t0, &ms, &err), 0,
	       "Retry-After zero with spaces");
	is_int(ms, 0, "Retry-After 0");
	is_int(da_http_parse_retry_after("99999999999999999999", t0, &ms, &err),
	       0, "huge Retry-After parses");
	ok(ms > 0, "huge Retry-After saturates, no overflow");
	is_int(da_http_parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT",
					 t0 - 30, &ms, &err),
	       0, "Retry-After IMF-fixdate");
	is_int(ms, 30000, "HTTP-date 30 s ahead");
	is_int(da_http_parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT",
					 t0 - 5, &ms, &err),
	       0, "Retry-After RFC 850 date");
	is_int(ms, 5000, "RFC 850 date 5 s ahead");
	is_int(da_http_parse_retry_after("Sun Nov  6 08:49:37 1994", t0 - 2,
					 &ms, &err),
	       0, "Retry-After asctime date");
	is_int(ms, 2000, "asctime date 2 s ahead");
	is_int(da_http_parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT",
					 t0 + 100, &ms, &err),
	       0, "past HTTP-date parses");
	is_int(ms, 0, "past HTTP-date means no wait");
	ms = 77;
	is_int(da_http_parse_retry_after("soon", t0, &ms, &err), -DA_EINVAL,
	       "Retry-After 'soon' refused");
	has_str(err.msg, "'soon'", "bad Retry-After named in message");
	is_int(ms, 77, "refused value leaves the output alone");
	is_int(da_http_parse_retry_after("12abc", t0, &ms, &err), -DA_EINVAL,
	       "Retry-After with trailing junk refused");
	is_int(da_http_parse_retry_after("-5", t0, &ms, &err), -DA_EINVAL,
	       "negative Retry-After refused");
	is_int(da_http_parse_retry_after("1.5", t0, &ms, &err), -DA_EINVAL,
	       "fractional Retry-After refused");
	is_int(da_http_parse_retry_after("", t0, &ms, &err), -DA_EINVAL,
	       "empty Retry-After refused");
	is_int(da_http_parse_retry_after(NULL, t0, &ms, &err), -DA_EINVAL,
	       "missing Retry-After refused");
	is_int(da_http_parse_retry_after("Sun, 99 Foo 1994 99:99:99 GMT", t0,
					 &ms, &err),
	       -DA_EINVAL, "broken HTTP-date refused");
}

static void test_backoff(void)
{
	struct da_http_options o;
	static const uint64_t rnds[] = {
	    0, 1, 7, 99, 100, 101, 12345, 0xdeadbeefULL, UINT64_MAX,
	};
	long long v, cap;
	int retry, bad = 0, i;
	size_t k;

	is_int(da_http_backoff_ms(100, 1000, 1, 100), 100,
	       "backoff: first retry tops at the base");
	is_int(da_http_backoff_ms(100, 1000, 1, 101), 0,
	       "backoff: jitter wraps into range");
	is_int(da_http_backoff_ms(100, 1000, 3, 400), 400,
	       "backoff: third retry tops at 4x base");
	is_int(da_http_backoff_ms(100, 1000, 10, 1000), 1000,
	       "backoff: capped by the maximum");
	is_int(da_http_backoff_ms(100, 1000, 1000, UINT64_MAX),
	       (long long)(UINT64_MAX % 1001), "backoff: huge retry count");
	is_int(da_http_backoff_ms(0, 1000, 3, 12345), 0,
	       "backoff: zero base means no wait");
	for (retry = 1; retry <= 40; retry++) {
		cap = 100;
		for (i = 1; i < retry && cap < 5000; i++)
			cap *= 2;
		if (cap > 5000)
			cap = 5000;
		for (k = 0; k < sizeof(rnds) / sizeof(rnds[0]); k++) {
			v = da_http_backoff_ms(100, 5000, retry, rnds[k]);
			if (v < 0 || v > cap)
				bad++;
		}
	}
	is_int(bad, 0, "backoff: always within [0, min(max, base*2^n)]");

	da_http_options_init(&o);
	o.backoff_base_ms = 100;
	o.backoff_max_ms = 1000;
	o.retry_after_max_ms = 5000;
	is_int(da_http_retry_wait_ms(&o, 1, 2000, 7), 2000,
	       "retry wait: Retry-After used as it is");
	is_int(da_http_retry_wait_ms(&o, 1, 120000, 7), 5000,
	       "retry wait: Retry-After capped");
	is_int(da_http_retry_wait_ms(&o, 1, 0, 7), 0,
	       "retry wait: Retry-After 0 means at once");
	is_int(da_http_retry_wait_ms(&o, 2, -1, 150), 150,
	       "retry wait: no Retry-After, backoff");
	is_int(da_http_retry_wait_ms(&o, 2, -1, 201), 0,
	       "retry wait: backoff within its ceiling");
	o.honour_retry_after = 0;
	is_int(da_http_retry_wait_ms(&o, 1, 120000, 50), 50,
	       "retry wait: Retry-After ignored when not honoured");
}

static int write_file(const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	if (fputs("-----BEGIN CERTIFICATE-----\n", f) < 0) {
		(void)fclose(f);
		return -1;
	}
	return fclose(f);
}

static void test_ca_find(void)
{
	char dir[] = "/tmp/da-http-ca-XXXXXX";
	char a[128], b[128], c[128], sub[128], none[128];
	const char *paths[5], *file = NULL, *cdir = NULL;
	struct da_err err = DA_ERR_INIT;
	int r;

	is_str(da_http_ca_paths[0], "/etc/ssl/certs/ca-certificates.crt",
	       "CA search starts with the Debian bundle");
	if (!mkdtemp(dir)) {
		ok(0, "make a temp dir for the CA search");
		return;
	}
	format(a, sizeof(a), "%s/a.pem", dir);
	format(b, sizeof(b), "%s/b.pem", dir);
	format(c, sizeof(c), "%s/c.pem", dir);
	format(sub, sizeof(sub), "%s/certs", dir);
	format(none, sizeof(none), "%s/missing.pem", dir);
	ok(write_file(b) == 0 && write_file(c) == 0 && write_file(a) == 0 &&
	       mkdir(sub, 0700) == 0,
	   "CA search fixtures made");

	paths[0] = none;
	paths[1] = sub; /* a directory is not a bundle */
	paths[2] = b;
	paths[3] = c;
	paths[4] = NULL;
	r = da_http_ca_find(NULL, NULL, paths, &file, &cdir, &err);
	is_int(r, 0, "CA search finds a bundle");
	is_str(file, b, "CA search takes the first existing file");
	ok(cdir == NULL, "CA search: no directory unless SSL_CERT_DIR");

	r = da_http_ca_find("", "", paths, &file, &cdir, &err);
	is_int(r, 0, "empty SSL_CERT_FILE and SSL_CERT_DIR: search");
	is_str(file, b, "empty SSL_CERT_FILE is ignored");

	r = da_http_ca_find(a, NULL, paths, &file, &cdir, &err);
	is_int(r, 0, "SSL_CERT_FILE used");
	is_str(file, a, "SSL_CERT_FILE wins over the list");

	r = da_http_ca_find(NULL, sub, paths, &file, &cdir, &err);
	is_int(r, 0, "SSL_CERT_DIR used");
	is_str(cdir, sub, "SSL_CERT_DIR returned");
	is_str(file, b, "SSL_CERT_DIR keeps the list's file");

	file = "untouched";
	r = da_http_ca_find(none, NULL, paths, &file, &cdir, &err);
	is_int(r, -DA_ENOENT, "missing SSL_CERT_FILE is an error");
	has_str(err.msg, "SSL_CERT_FILE", "message names SSL_CERT_FILE");
	has_str(err.msg, none, "message names the path");
	is_str(file, "untouched", "failed search leaves outputs alone");

	r = da_http_ca_find(NULL, a, paths, &file, &cdir, &err);
	is_int(r, -DA_ENOENT, "SSL_CERT_DIR that is a file is an error");

	paths[2] = NULL;
	r = da_http_ca_find(NULL, NULL, paths, &file, &cdir, &err);
	is_int(r, -DA_EIO, "nothing found: could not run");
	has_str(err.msg, "no CA bundle found", "nothing found: message");

	r = da_http_ca_find(NULL, sub, paths, &file, &cdir, &err);
	is_int(r, 0, "only a directory is enough");
	ok(file == NULL, "only a directory: no file");

	unlink(a);
	unlink(b);
	unlink(c);
	rmdir(sub);
	rmdir(dir);
}

static void test_redact(void)
{
	char out[256], tiny[12];

	da_http_redact_url("https://user:pa55@example.com:8443/p?q=1#f", out,
			   sizeof(out));
	is_str(out, "https://***@example.com:8443/p?q=1#f",
	       "user info removed");
	da_http_redact_url("https://a@b@host/x", out, sizeof(out));
	is_str(out, "https://***@host/x", "user info with '@' removed");
	da_http_redact_url("https://u:pa/ss@host/x", out, sizeof(out));
	is_str(out, "https://***@host/x", "a password holding '/' is removed");
	da_http_redact_url("https://u:p#ss@host/x", out, sizeof(out));
	is_str(out, "https://***@host/x", "a password holding '#' is removed");
	da_http_redact_url("https://u:p?s@s@host/x?a=b@c", out, sizeof(out));
	ok(!strstr(out, "p?s"), "a password holding '?' and '@' is removed");
	da_http_redact_url("https://u:p%23ss@host/x", out, sizeof(out));
	is_str(out, "https://***@host/x", "an escaped '#' is user info");
	da_http_redact_url("http://host/p@x", out, sizeof(out));
	is_str(out, "http://***@x",
	       "an '@' after a '/' may end a password: taken as one");
	da_http_redact_url("https://me@corp.com:pa/SECRETPW@host/", out,
			   sizeof(out));
	is_str(out, "https://***@host/",
	       "'@' in the user, '/' in the password");
	da_http_redact_url("https://tok/SECRETPW@host/repo", out, sizeof(out));
	is_str(out, "https://***@host/repo", "a token holding '/'");
	da_http_redact_url("http://host/p?mail=a@b", out, sizeof(out));
	is_str(out, "http://host/p?mail=a@b", "an '@' in the query is kept");
	da_http_redact_url("https://h/x?access_token=t&X-Amz-Signature=s"
			   "&page=2&apiKey=k",
			   out, sizeof(out));
	is_str(out,
	       "https://h/x?access_token=REDACTED&"
	       "X-Amz-Signature=REDACTED&page=2&apiKey=REDACTED",
	       "secret query values redacted");
	da_http_redact_url("https://example.com/a/long/path", tiny,
			   sizeof(tiny));
	is_str(tiny, "https://...", "overlong URL cut with ...");
	da_http_redact_url(NULL, out, sizeof(out));
	is_str(out, "", "NULL URL gives empty text");
}

static void test_options(void)
{
	struct da_http_options o;
	struct da_http *h = NULL;
	struct da_err err = DA_ERR_INIT;
	struct da_http_response resp;
	int r;

	da_http_options_init(&o);
	is_int(o.retries, 2, "default retries");
	is_int(o.n_retry_statuses, 4, "default retry statuses");
	ok(o.max_body == DA_MAX_HTTP_BODY, "default body cap");
	is_int(o.insecure, 0, "TLS verified by default");
	is_int(o.follow_redirects, 0, "redirects off by default");

	o.retries = -1;
	r = da_http_new(&o, &h, &err);
	is_int(r, -DA_EINVAL, "negative retries refused");
	ok(h == NULL, "refused options leave the handle alone");
	da_http_options_init(&o);
	o.retry_statuses[0] = 42;
	is_int(da_http_new(&o, &h, &err), -DA_EINVAL, "bad status refused");
	da_http_options_init(&o);
	o.ca_file = "/nonexistent/ca.pem";
	is_int(da_http_new(&o, &h, &err), -DA_ENOENT,
	       "missing CA file refused");
	has_str(err.msg, "/nonexistent/ca.pem", "missing CA file named");
	da_http_free(NULL);

	/* A broken SSL_CERT_FILE stops https:// but not http://. */
	setenv("SSL_CERT_FILE", "/nonexistent/bundle.pem", 1);
	r = da_http_new(NULL, &h, &err);
	is_int(r, 0, "client made despite a bad SSL_CERT_FILE");
	da_http_response_init(&resp);
	if (r == 0) {
		r = da_http_get(h, "https://127.0.0.1:1/", &resp, &err);
		is_int(r, -DA_ENOENT, "https with a bad SSL_CERT_FILE fails");
		has_str(err.msg, "SSL_CERT_FILE '/nonexistent/bundle.pem'",
			"message names the bad bundle");
		has_str(err.msg, "cannot verify 'https://127.0.0.1:1/'",
			"message names the URL");
	}
	da_http_free(h);
	unsetenv("SSL_CERT_FILE");
	da_http_response_release(&resp);
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
	/* The server writes to clients that may have hung up already. */
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		diag("cannot ignore SIGPIPE");
	no_proxy();
	test_options();
	test_redact();
	test_retry_after();
	test_backoff();
	test_ca_find();
	test_basic();
	test_statuses();
	test_limits();
	test_transport();
	test_request();
	test_redirects();
	test_ipv6();
	test_multi();
	test_request_overrides();
	test_not_http();
	test_client_cert_options();
	test_run();
}
