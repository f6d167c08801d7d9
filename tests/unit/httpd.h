/*
 * httpd.h: a small HTTP/1.1 server for unit tests, on a loopback port the
 * kernel picks.
 *
 * Each connection runs on its own thread and may carry many requests
 * (keep-alive). For each request the test's handler fills a response; it
 * runs under the server's lock, so it may keep state without locks of its
 * own, but must not sleep: a response's delay_ms is waited out after the
 * lock is dropped, which is what lets requests overlap. The server counts
 * requests, connections and the most requests in progress at once.
 *
 * Include it once per test program (everything here is static).
 */
#ifndef DA_TEST_HTTPD_H
#define DA_TEST_HTTPD_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define HTTPD_MAX_REQUEST (64 << 10)
#define HTTPD_MAX_BODY (1 << 20)

struct httpd_req {
	char method[16];
	char path[1024];
	const char *head; /* the request line and headers */
	const char *body;
	size_t body_len;
	int n; /* 1 for the first request the server saw */
};

struct httpd_resp {
	int status;
	char headers[1024]; /* extra lines, each ending "\r\n" */
	char body[4096];    /* sent as is (NUL-terminated text) */
	int close;	    /* close the connection after this answer */
	int hangup;	    /* close without answering */
	int delay_ms;	    /* wait before answering */
};

struct httpd;
typedef void (*httpd_fn)(struct httpd *s, const struct httpd_req *req,
			 struct httpd_resp *resp);

struct httpd {
	int fd;
	int port;
	pthread_t thread;
	pthread_mutex_t lock;
	atomic_int stop;
	atomic_int live; /* connection threads running */
	httpd_fn handler;
	void *ctx;
	int requests, connections, active, peak;
};

struct httpd_conn {
	struct httpd *s;
	int fd;
};

/* The value of request header name (any case) copied into out, or NULL. */
static inline const char *httpd_header(const struct httpd_req *req,
				       const char *name, char *out, size_t size)
{
	const char *p = strstr(req->head, "\r\n");
	size_t n = strlen(name), len;
	const char *v, *e;

	while (p && p[2] != '\r' && p[2]) {
		p += 2;
		e = strstr(p, "\r\n");
		if (!e)
			break;
		if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
			v = p + n + 1;
			while (*v == ' ')
				v++;
			len = (size_t)(e - v);
			if (len >= size)
				len = size - 1;
			memcpy(out, v, len);
			out[len] = '\0';
			return out;
		}
		p = e;
	}
	return NULL;
}

static inline void httpd_send_all(int fd, const char *p, size_t n)
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

static inline void httpd_sleep(struct httpd *s, int ms)
{
	struct timespec ts = {0, 5 * 1000000L};

	for (; ms > 0 && !atomic_load(&s->stop); ms -= 5)
		nanosleep(&ts, NULL);
}

/*
 * Reads one request into buf (len bytes already there from before).
 * Returns the request's size, 0 when the peer closed or the server stops.
 */
static inline size_t httpd_read(struct httpd *s, int fd, char *buf, size_t *len)
{
	struct pollfd p = {fd, POLLIN, 0};
	size_t want;
	char *end, *cl;
	ssize_t r;

	for (;;) {
		buf[*len] = '\0';
		end = strstr(buf, "\r\n\r\n");
		if (end) {
			want = (size_t)(end + 4 - buf);
			for (cl = strstr(buf, "\r\n"); cl && cl < end;
			     cl = strstr(cl + 2, "\r\n"))
				if (strncasecmp(cl,
						"\r\nContent-Length:", 17) == 0)
					break;
			if (cl && cl < end)
				want += strtoul(cl + 17, NULL, 10);
			if (want > HTTPD_MAX_REQUEST)
				return 0;
			if (*len >= want)
				return want;
		}
		if (*len >= HTTPD_MAX_REQUEST)
			return 0;
		if (atomic_load(&s->stop))
			return 0;
		if (poll(&p, 1, 20) <= 0)
			continue;
		r = recv(fd, buf + *len, HTTPD_MAX_REQUEST - *len, 0);
		if (r <= 0)
			return 0;
		*len += (size_t)r;
	}
}

static inline void *httpd_conn_main(void *arg)
{
	struct httpd_conn *c = arg;
	struct httpd *s = c->s;
	char *buf = malloc(HTTPD_MAX_REQUEST + 1), head[2048];
	struct httpd_resp *resp = malloc(sizeof(*resp));
	struct httpd_req req;
	size_t len = 0, n;
	char *end;
	int k;

	while (buf && resp && (n = httpd_read(s, c->fd, buf, &len)) > 0) {
		memset(&req, 0, sizeof(req));
		memset(resp, 0, sizeof(*resp));
		resp->status = 200;
		end = strstr(buf, "\r\n\r\n");
		end[2] = '\0';
		req.head = buf;
		req.body = end + 4;
		req.body_len = n - (size_t)(end + 4 - buf);
		if (sscanf(buf, "%15s %1023s", req.method, req.path) != 2)
			break;
		pthread_mutex_lock(&s->lock);
		req.n = ++s->requests;
		if (++s->active > s->peak)
			s->peak = s->active;
		s->handler(s, &req, resp);
		pthread_mutex_unlock(&s->lock);
		httpd_sleep(s, resp->delay_ms);
		pthread_mutex_lock(&s->lock);
		s->active--;
		pthread_mutex_unlock(&s->lock);
		if (resp->hangup)
			break;
		k = snprintf(head, sizeof(head),
			     "HTTP/1.1 %d X\r\nContent-Length: %zu\r\n%s%s\r\n",
			     resp->status, strlen(resp->body),
			     resp->close ? "Connection: close\r\n" : "",
			     resp->headers);
		if (k < 0 || (size_t)k >= sizeof(head))
			break;
		httpd_send_all(c->fd, head, (size_t)k);
		if (strcmp(req.method, "HEAD") != 0)
			httpd_send_all(c->fd, resp->body, strlen(resp->body));
		if (resp->close)
			break;
		/* Keep what came after this request. */
		memmove(buf, buf + n, len - n);
		len -= n;
	}
	shutdown(c->fd, SHUT_RDWR);
	close(c->fd);
	free(buf);
	free(resp);
	free(c);
	atomic_fetch_sub(&s->live, 1);
	return NULL;
}

static inline void *httpd_main(void *arg)
{
	struct httpd *s = arg;
	struct pollfd p = {s->fd, POLLIN, 0};
	struct httpd_conn *c;
	pthread_attr_t attr;
	pthread_t t;
	int fd;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	while (!atomic_load(&s->stop)) {
		if (poll(&p, 1, 20) <= 0)
			continue;
		fd = accept(s->fd, NULL, NULL);
		if (fd < 0)
			continue;
		c = malloc(sizeof(*c));
		if (!c) {
			close(fd);
			continue;
		}
		c->s = s;
		c->fd = fd;
		pthread_mutex_lock(&s->lock);
		s->connections++;
		pthread_mutex_unlock(&s->lock);
		atomic_fetch_add(&s->live, 1);
		if (pthread_create(&t, &attr, httpd_conn_main, c) != 0) {
			atomic_fetch_sub(&s->live, 1);
			free(c);
			close(fd);
		}
	}
	pthread_attr_destroy(&attr);
	return NULL;
}

/* Starts a server on 127.0.0.1; 0, or -1 if it cannot. */
static inline int httpd_start(struct httpd *s, httpd_fn handler, void *ctx)
{
	struct sockaddr_in a;
	socklen_t sl = sizeof(a);

	memset(s, 0, sizeof(*s));
	memset(&a, 0, sizeof(a));
	s->handler = handler;
	s->ctx = ctx;
	atomic_init(&s->stop, 0);
	atomic_init(&s->live, 0);
	pthread_mutex_init(&s->lock, NULL);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s->fd = socket(AF_INET, SOCK_STREAM, 0);
	if (s->fd < 0)
		return -1;
	if (bind(s->fd, (struct sockaddr *)&a, sl) < 0 ||
	    listen(s->fd, 128) < 0 ||
	    getsockname(s->fd, (struct sockaddr *)&a, &sl) < 0) {
		close(s->fd);
		return -1;
	}
	s->port = ntohs(a.sin_port);
	if (pthread_create(&s->thread, NULL, httpd_main, s) != 0) {
		close(s->fd);
		return -1;
	}
	return 0;
}

/* Stops the server and waits for every connection thread to end. */
static inline void httpd_stop(struct httpd *s)
{
	struct timespec ts = {0, 5 * 1000000L};

	atomic_store(&s->stop, 1);
	pthread_join(s->thread, NULL);
	while (atomic_load(&s->live) > 0)
		nanosleep(&ts, NULL);
	close(s->fd);
	pthread_mutex_destroy(&s->lock);
}

/* "http://127.0.0.1:PORT" into buf. */
static inline void httpd_url(const struct httpd *s, char *buf, size_t size)
{
	int n = snprintf(buf, size, "http://127.0.0.1:%d", s->port);

	if (n < 0 || (size_t)n >= size)
		buf[0] = '\0';
}

/* Sets the response body; a test text that does not fit is cut. */
static inline void httpd_body(struct httpd_resp *resp, const char *text)
{
	int n = snprintf(resp->body, sizeof(resp->body), "%s", text);

	if (n < 0)
		resp->body[0] = '\0';
}

#endif
