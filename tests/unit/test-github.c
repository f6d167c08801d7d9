/*
 * Unit tests for common/github: the REST client against the GitHub fake
 * (tests/fakes/github.mjs, held to GitHub's OpenAPI description), and
 * against small in-process servers that misbehave on purpose.
 *
 * The fake runs as a child (node); the whole file is skipped without node
 * or tests/node_modules. Each fake writes what it was asked and what it
 * holds to a dump file, which the checks read.
 */
#include "common/github.h"
#include "common/json.h"
#include "httpd.h"
#include "test.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define MARKER "<!-- da-test -->"

static char tmp_dir[PATH_MAX];
static char top[PATH_MAX];

struct fake {
	pid_t pid;
	int in_fd;  /* the fake's stdin: closing it stops the fake */
	int out_fd; /* its stdout, which says the port */
	int port;
	char url[64];
	char dump[PATH_MAX + 32];
	char log[PATH_MAX + 32];
};

static void path_in_tmp(char *out, size_t size, const char *name)
{
	format(out, size, "%s/%s", tmp_dir, name);
}

/* Reads one line from fd within a few seconds; 0 on success. */
static int read_line(int fd, char *buf, size_t size)
{
	struct pollfd p = {fd, POLLIN, 0};
	size_t n = 0;
	ssize_t got;

	while (n + 1 < size) {
		/* Generous: node reads a 13 MB description first. */
		if (poll(&p, 1, 30000) <= 0)
			return -1;
		got = read(fd, buf + n, 1);
		if (got <= 0)
			return -1;
		if (buf[n] == '\n') {
			buf[n] = '\0';
			return 0;
		}
		n++;
	}
	return -1;
}

static void show_log(const char *path)
{
	char line[512];
	FILE *f = fopen(path, "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		diag("fake: %s", line);
	}
	(void)fclose(f);
}

/* Starts the fake seeded with state (written to a file); 0 or -1. */
static int fake_start(struct fake *f, const char *name, json_t *state)
{
	char script[PATH_MAX + 64], state_file[PATH_MAX + 32], line[128];
	char file[64];
	int in[2], out[2], logfd;

	memset(f, 0, sizeof(*f));
	f->pid = -1;
	format(script, sizeof(script), "%s/tests/fakes/github.mjs", top);
	format(file, sizeof(file), "%s-state.json", name);
	path_in_tmp(state_file, sizeof(state_file), file);
	format(file, sizeof(file), "%s-dump.json", name);
	path_in_tmp(f->dump, sizeof(f->dump), file);
	format(file, sizeof(file), "%s.log", name);
	path_in_tmp(f->log, sizeof(f->log), file);
	if (json_dump_file(state, state_file, JSON_INDENT(1)) != 0)
		return -1;
	logfd = open(f->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (logfd < 0)
		return -1;
	if (pipe(in) != 0 || pipe(out) != 0) {
		close(logfd);
		return -1;
	}
	f->pid = fork();
	if (f->pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(logfd, 2);
		close(in[1]);
		close(out[0]);
		execlp("node", "node", script, "--port", "0", "--state",
		       state_file, "--dump", f->dump, "--die-with-stdin",
		       (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	close(logfd);
	f->in_fd = in[1];
	f->out_fd = out[0];
	if (f->pid < 0 || read_line(f->out_fd, line, sizeof(line)) != 0 ||
	    sscanf(line, "listening %d", &f->port) != 1 || f->port <= 0) {
		show_log(f->log);
		return -1;
	}
	format(f->url, sizeof(f->url), "http://127.0.0.1:%d", f->port);
	return 0;
}

static void fake_stop(struct fake *f)
{
	int st;

	if (f->pid <= 0)
		return;
	close(f->in_fd);
	close(f->out_fd);
	kill(f->pid, SIGTERM);
	while (waitpid(f->pid, &st, 0) < 0 && errno == EINTR)
		;
	f->pid = -1;
}

/* The fake's dump, or NULL (and a failed test). */
static json_t *fake_dump(const struct fake *f)
{
	struct da_err err = DA_ERR_INIT;
	json_t *d = NULL;

	if (da_json_load_file(f->dump, 0, 0, &d, &err) < 0) {
		ok(0, "the fake's dump reads");
		diag("%s", err.msg);
		return NULL;
	}
	return d;
}

/* Requests in the dump with this method whose path is path. */
static int count_requests(const json_t *dump, const char *method,
			  const char *path)
{
	json_t *reqs = json_object_get(dump, "requests"), *r;
	size_t i;
	int n = 0;

	json_array_foreach(reqs, i, r)
	{
		if (strcmp(da_json_str(r, "method", ""), method) == 0 &&
		    strcmp(da_json_str(r, "path", ""), path) == 0)
			n++;
	}
	return n;
}

/* The comment with id in the dump, borrowed, or NULL. */
static json_t *dump_comment(const json_t *dump, long long id)
{
	json_t *cs = json_object_get(dump, "comments"), *c;
	size_t i;

	json_array_foreach(cs, i, c)
	{
		if (da_json_int(c, "id", -1) == id)
			return c;
	}
	return NULL;
}

static int comments_on(const json_t *dump, const char *repo, long number)
{
	json_t *cs = json_object_get(dump, "comments"), *c;
	size_t i;
	int n = 0;

	json_array_foreach(cs, i, c)
	{
		if (strcmp(da_json_str(c, "repo", ""), repo) == 0 &&
		    da_json_int(c, "issue_number", 0) == number)
			n++;
	}
	return n;
}

static void quick_retries(struct da_http_options *ho)
{
	da_http_options_init(ho);
	ho->backoff_base_ms = 1;
	ho->backoff_max_ms = 5;
	ho->connect_timeout_ms = 5000;
	ho->timeout_ms = 20000;
}

static int client(const char *url, const char *token,
		  const struct da_http_options *ho, struct da_github **gh)
{
	struct da_github_options o = {url, token, ho};
	struct da_err err = DA_ERR_INIT;
	int r = da_github_new(&o, gh, &err);

	if (r < 0)
		diag("da_github_new: %s", err.msg);
	return r;
}

/* The seed: two tokens, a pull request with 250 comments, two more. */
static json_t *seed_state(void)
{
	json_t *st = json_object(), *tokens = json_object();
	json_t *issues = json_array(), *comments = json_array(), *faults;
	char body[128];
	int i;

	json_object_set_new(tokens, "t-write-0123456789",
			    json_pack("{s:s, s:s}", "login",
				      "github-actions[bot]", "permission",
				      "write"));
	json_object_set_new(tokens, "t-read-0123456789",
			    json_pack("{s:s, s:s}", "login",
				      "github-actions[bot]", "permission",
				      "read-only"));
	json_object_set_new(st, "tokens", tokens);
	json_array_append_new(
	    issues,
	    json_pack("{s:s, s:i, s:b, s:s, s:s}", "repo", "octo/demo",
		      "number", 5, "pull_request", 1, "title", "Feature",
		      "head_sha", "0123456789abcdef0123456789abcdef01234567"));
	json_array_append_new(issues,
			      json_pack("{s:s, s:i, s:b}", "repo", "octo/demo",
					"number", 6, "pull_request", 1));
	json_array_append_new(
	    issues, json_pack("{s:s, s:i}", "repo", "octo/demo", "number", 7));
	json_object_set_new(st, "issues", issues);
	for (i = 1; i <= 250; i++) {
		if (i == 230)
			format(body, sizeof(body), "%s\nold report", MARKER);
		else if (i == 10)
			/* Near the marker, but not it. */
			format(body, sizeof(body), "<!-- da-test-other -->");
		else
			format(body, sizeof(body), "comment %d", i);
		json_array_append_new(
		    comments,
		    json_pack("{s:i, s:s, s:i, s:s, s:s}", "id", i, "repo",
			      "octo/demo", "issue_number", 5, "body", body,
			      "user",
			      i == 230 ? "github-actions[bot]" : "octocat"));
	}
	json_object_set_new(st, "comments", comments);
	faults = json_array();
	json_array_append_new(
	    faults, json_pack("{s:s, s:i, s:i}", "route",
			      "GET /repos/{owner}/{repo}/pulls/{pull_number}",
			      "status", 502, "times", 1));
	json_object_set_new(st, "faults", faults);
	return st;
}

static void test_requests(struct fake *f)
{
	struct da_http_options ho;
	struct da_github *gh = NULL;
	struct da_err err = DA_ERR_INIT;
	json_t *j = NULL, *d;
	long status = -1;
	int r;

	quick_retries(&ho);
	if (client(f->url, "t-write-0123456789", &ho, &gh) < 0) {
		ok(0, "a client for the fake");
		return;
	}

	r = da_github_request(gh, "GET", "/repos/octo/demo/pulls/5", NULL, &j,
			      &status, &err);
	is_int(r, 0, "GET a pull request (after one 502, retried)");
	is_int(status, 200, "status 200");
	is_int(da_json_int(j, "number", 0), 5, "its number");
	is_str(da_json_str(j, "head.sha", NULL),
	       "0123456789abcdef0123456789abcdef01234567", "its head sha");
	json_decref(j);
	j = NULL;

	r = da_github_request(gh, "GET", "/repos/octo/demo/pulls/404", NULL, &j,
			      &status, &err);
	is_int(r, -DA_ENET, "a 404 is an error");
	is_int(status, 404, "with its status");
	is_str(err.msg, "GET /repos/octo/demo/pulls/404: 404 Not Found",
	       "one line: method, route, status, GitHub's message");
	ok(j == NULL, "and no JSON");
	ok(!da_github_denied(status, "GET"), "a 404 on a read is not denied");

	r = da_github_request(gh, "GET", "/repos/octo/demo/issues/5/comments",
			      NULL, &j, &status, &err);
	is_int(r, 0, "a list of 250 comments");
	is_int(json_array_size(j), 250, "every page is read");
	is_int(da_json_int(j, "0.id", 0), 1, "in order: the first");
	is_int(da_json_int(j, "249.id", 0), 250, "in order: the last");
	is_str(da_json_str(j, "229.body", NULL), MARKER "\nold report",
	       "bodies come through");
	json_decref(j);
	j = NULL;

	r = da_github_request(gh, "GET",
			      "/repos/octo/demo/issues/5/comments?per_page=10&"
			      "page=3",
			      NULL, &j, &status, &err);
	is_int(r, 0, "one page asked for by number");
	is_int(json_array_size(j), 10, "is one page");
	is_int(da_json_int(j, "0.id", 0), 21, "the third page of ten");
	json_decref(j);
	j = NULL;

	d = fake_dump(f);
	if (d) {
		json_t *reqs = json_object_get(d, "requests");
		json_t *last = NULL, *r0;
		size_t i;
		int pulls = 0, statuses_ok = 0, pages = 0;

		json_array_foreach(reqs, i, r0)
		{
			const char *p = da_json_str(r0, "path", "");
			const char *q = da_json_str(r0, "query", "");

			if (strcmp(p, "/repos/octo/demo/pulls/5") == 0) {
				pulls++;
				statuses_ok += da_json_int(r0, "status", 0) ==
					       (pulls == 1 ? 502 : 200);
			}
			if (strcmp(p, "/repos/octo/demo/issues/5/comments") ==
				0 &&
			    strstr(q, "per_page=100"))
				pages++;
			last = r0;
		}
		is_int(pulls, 2, "the fake saw the 502 and the retry");
		is_int(statuses_ok, 2, "502 first, then 200");
		is_int(pages, 3, "three pages of 100");
		is_str(da_json_str(last, "accept", NULL),
		       "application/vnd.github+json", "Accept header");
		is_str(da_json_str(last, "api_version", NULL), "2022-11-28",
		       "X-GitHub-Api-Version header");
		ok(strncmp(da_json_str(last, "user_agent", ""),
			   "deploy-actions/", 15) == 0,
		   "our User-Agent");
		is_str(da_json_str(last, "login", NULL), "github-actions[bot]",
		       "the token was sent and known");
		json_decref(d);
	}
	da_github_free(gh);
}

static void test_upsert(struct fake *f)
{
	struct da_http_options ho;
	struct da_github *gh = NULL, *ro = NULL, *bad = NULL, *none = NULL;
	struct da_buf url = DA_BUF_INIT(4096);
	struct da_err err = DA_ERR_INIT;
	json_t *d, *j = NULL, *body = NULL;
	long status = -1;
	int created = -1, r, n230, pulls_before = 0;
	char want[256];
	char *big;

	quick_retries(&ho);
	if (client(f->url, "t-write-0123456789", &ho, &gh) < 0 ||
	    client(f->url, "t-read-0123456789", &ho, &ro) < 0 ||
	    client(f->url, "no-such-token-42", &ho, &bad) < 0 ||
	    client(f->url, NULL, &ho, &none) < 0) {
		ok(0, "clients for the fake");
		goto out;
	}

	d = fake_dump(f);
	n230 = d ? count_requests(d, "PATCH",
				  "/repos/octo/demo/issues/comments/230")
		 : -1;
	pulls_before =
	    d ? count_requests(d, "GET", "/repos/octo/demo/issues/5/comments")
	      : -1;
	json_decref(d);

	r = da_github_comment_upsert(gh, "octo/demo", 5, MARKER,
				     MARKER "\nnew report", &url, &created,
				     &status, &err);
	is_int(r, 0, "upsert where the marker is on page 3");
	is_int(created, 0, "updates, not creates");
	is_int(status, 200, "PATCH answered 200");
	is_str(da_buf_str(&url),
	       "https://github.com/octo/demo/pull/5#issuecomment-230",
	       "hands back the comment's html_url");
	d = fake_dump(f);
	if (d) {
		is_str(da_json_str(dump_comment(d, 230), "body", NULL),
		       MARKER "\nnew report", "comment 230 now holds the body");
		is_str(da_json_str(dump_comment(d, 10), "body", NULL),
		       "<!-- da-test-other -->",
		       "a comment with a look-alike marker is left alone");
		is_int(count_requests(d, "PATCH",
				      "/repos/octo/demo/issues/comments/230"),
		       n230 + 1, "one PATCH");
		is_int(count_requests(d, "GET",
				      "/repos/octo/demo/issues/5/comments"),
		       pulls_before + 3, "after reading three pages");
		is_int(count_requests(d, "POST",
				      "/repos/octo/demo/issues/5/comments"),
		       0, "and no POST");
		is_int(comments_on(d, "octo/demo", 5), 250,
		       "still 250 comments");
		json_decref(d);
	}

	r = da_github_comment_upsert(gh, "octo/demo", 6, MARKER,
				     MARKER "\nfirst", &url, &created, &status,
				     &err);
	is_int(r, 0, "upsert on a pull request without comments");
	is_int(created, 1, "creates the comment");
	is_int(status, 201, "POST answered 201");
	has_str(da_buf_str(&url), "https://github.com/octo/demo/pull/6",
		"its html_url");
	format(want, sizeof(want), "%s", da_buf_str(&url));
	r = da_github_comment_upsert(gh, "octo/demo", 6, MARKER,
				     MARKER "\nsecond", &url, &created, &status,
				     &err);
	is_int(r, 0, "upsert again");
	is_int(created, 0, "updates this time");
	is_str(da_buf_str(&url), want, "the same comment");
	d = fake_dump(f);
	if (d) {
		json_t *cs = json_object_get(d, "comments"), *c, *mine = NULL;
		size_t i;

		json_array_foreach(cs, i, c)
		{
			if (da_json_int(c, "issue_number", 0) == 6)
				mine = c;
		}
		is_int(comments_on(d, "octo/demo", 6), 1,
		       "one comment on #6, not two");
		is_str(da_json_str(mine, "body", NULL), MARKER "\nsecond",
		       "holding the second body");
		is_str(da_json_str(mine, "user", NULL), "github-actions[bot]",
		       "posted as the token's user");
		json_decref(d);
	}

	/* Update only: edits the marked comment, never posts one. */
	r = da_github_comment_update(gh, "octo/demo", 7, MARKER,
				     MARKER "\nno changes", &url, &status,
				     &err);
	is_int(r, 0, "update-only where there is no marked comment");
	is_str(da_buf_str(&url), "", "hands back no url");
	r = da_github_comment_update(gh, "octo/demo", 6, MARKER,
				     MARKER "\nno changes", &url, &status,
				     &err);
	is_int(r, 1, "update-only where there is one");
	is_str(da_buf_str(&url), want, "the same comment again");
	d = fake_dump(f);
	if (d) {
		is_int(comments_on(d, "octo/demo", 7), 0,
		       "nothing was posted on #7");
		is_int(comments_on(d, "octo/demo", 6), 1, "still one on #6");
		is_int(count_requests(d, "POST",
				      "/repos/octo/demo/issues/7/comments"),
		       0, "no POST to #7");
		json_decref(d);
	}

	/* A body of exactly GitHub's ceiling goes; one more is refused. */
	big = malloc(65538);
	if (big) {
		memset(big, 'x', 65537);
		memcpy(big, MARKER, strlen(MARKER));
		big[65536] = '\0';
		r = da_github_comment_upsert(gh, "octo/demo", 6, MARKER, big,
					     &url, &created, &status, &err);
		is_int(r, 0, "a comment of 65536 characters is taken");
		big[65536] = 'x';
		big[65537] = '\0';
		status = -1;
		r = da_github_comment_upsert(gh, "octo/demo", 6, MARKER, big,
					     &url, &created, &status, &err);
		is_int(r, -DA_ELIMIT, "65537 characters are refused here");
		is_int(status, 0, "before asking GitHub");
		has_str(err.msg, "65537 characters", "says how many");
		/* The fake says the same as GitHub when asked anyway. */
		body = json_pack("{s:s}", "body", big);
		r = da_github_request(gh, "POST",
				      "/repos/octo/demo/issues/6/comments",
				      body, &j, &status, &err);
		is_int(r, -DA_ENET, "a POST of 65537 characters fails");
		is_int(status, 422, "with 422");
		is_str(err.msg,
		       "POST /repos/octo/demo/issues/6/comments: 422 "
		       "Validation Failed (Body is too long (maximum is "
		       "65536 characters))",
		       "GitHub's message and its validation error");
		ok(!da_github_denied(status, "POST"), "422 is not denied");
		json_decref(body);
		free(big);
	}

	/* A pull request from a fork: the token may read, not write. */
	status = -1;
	da_buf_reset(&url);
	r = da_github_comment_upsert(ro, "octo/demo", 7, MARKER, MARKER " x",
				     &url, &created, &status, &err);
	is_int(r, -DA_ENET, "a read-only token cannot comment");
	is_int(status, 403, "403");
	ok(da_github_denied(status, "POST"), "denied");
	is_str(err.msg,
	       "POST /repos/octo/demo/issues/7/comments: 403 Resource not "
	       "accessible by integration",
	       "GitHub's words");
	is_str(da_buf_str(&url), "", "ret_url untouched on failure");
	r = da_github_comment_upsert(ro, "octo/demo", 6, MARKER, MARKER " x",
				     &url, &created, &status, &err);
	is_int(status, 403, "nor update one (403)");
	/* a PATCH refused falls back to a comment of our own, which a
	 * read-only token may not post either: that answer stands */
	has_str(err.msg, "POST /repos/octo/demo/issues/6/comments: 403",
		"the POST after the refused PATCH");

	r = da_github_comment_upsert(bad, "octo/demo", 6, MARKER, MARKER " x",
				     &url, &created, &status, &err);
	is_int(r, -DA_ENET, "an unknown token");
	is_int(status, 401, "401");
	ok(da_github_denied(status, "GET"), "denied, even on a read");
	is_str(err.msg,
	       "GET /repos/octo/demo/issues/6/comments: 401 Bad credentials; "
	       "the token is wrong or has expired",
	       "says what to do");
	r = da_github_request(none, "GET", "/repos/octo/demo/pulls/5", NULL,
			      NULL, &status, &err);
	is_int(status, 401, "no token at all: 401");

	r = da_github_comment_upsert(gh, "octo/nope", 1, MARKER, MARKER, &url,
				     &created, &status, &err);
	is_int(status, 404, "an unknown repository: 404");
	ok(!da_github_denied(status, "GET"), "on the read: not denied");

	d = fake_dump(f);
	if (d) {
		is_int(comments_on(d, "octo/demo", 7), 0,
		       "nothing was posted by the refused tokens");
		json_decref(d);
	}
out:
	da_buf_release(&url);
	da_github_free(gh);
	da_github_free(ro);
	da_github_free(bad);
	da_github_free(none);
}

static void test_arguments(void)
{
	struct da_github *gh = NULL;
	struct da_github_options o = {"http://127.0.0.1:9", "tok", NULL};
	struct da_buf url = DA_BUF_INIT(0);
	struct da_err err = DA_ERR_INIT;
	long status = -1;
	int created = 7, r;

	if (da_github_new(&o, &gh, &err) < 0) {
		ok(0, "a client");
		return;
	}
	r = da_github_comment_upsert(gh, "octo/../x", 1, MARKER, MARKER, &url,
				     &created, &status, &err);
	is_int(r, -DA_EINVAL, "a repository with '..' is refused");
	has_str(err.msg, "invalid repository 'octo/../x'", "named");
	r = da_github_comment_upsert(gh, "octo", 1, MARKER, MARKER, &url,
				     &created, &status, &err);
	is_int(r, -DA_EINVAL, "a repository without owner");
	r = da_github_comment_upsert(gh, "o/r", 0, MARKER, MARKER, &url,
				     &created, &status, &err);
	is_int(r, -DA_EINVAL, "number 0");
	r = da_github_comment_upsert(gh, "o/r", 1, MARKER, "no marker", &url,
				     &created, &status, &err);
	is_int(r, -DA_EINVAL, "a body without its marker");
	r = da_github_comment_upsert(gh, "o/r", 1, MARKER, MARKER " \xff\xfe",
				     &url, &created, &status, &err);
	is_int(r, -DA_EINVAL, "a body that is not UTF-8");
	is_int(created, 7, "ret_created untouched");
	is_int(status, 0, "no request was made");
	r = da_github_request(gh, "GET", "repos/o/r", NULL, NULL, &status,
			      &err);
	is_int(r, -DA_EINVAL, "a path without '/'");
	r = da_github_request(gh, "GET", "/repos/o/r\r\nX: y", NULL, NULL,
			      &status, &err);
	is_int(r, -DA_EINVAL, "a path with a line break");
	da_github_free(gh);

	o.api_url = "ftp://example.com";
	r = da_github_new(&o, &gh, &err);
	is_int(r, -DA_EINVAL, "an API URL that is not http(s)");
	has_str(err.msg, "invalid GitHub API URL 'ftp://example.com'", "named");
	o.api_url = "https://u:secret@example.com?x";
	r = da_github_new(&o, &gh, &err);
	is_int(r, -DA_EINVAL, "an API URL with a query");
	ok(!strstr(err.msg, "secret"), "its password is not shown");
	o.api_url = "https://example.com";
	o.token = "ghp_abc\ndef";
	r = da_github_new(&o, &gh, &err);
	is_int(r, -DA_EINVAL, "a token with a newline");
	ok(!strstr(err.msg, "ghp_abc"), "is not shown");
	da_buf_release(&url);
	{
		struct da_buf m = DA_BUF_INIT(4096);

		(void)da_github_marker("coverage-gate", "Unit tests (Go)!", &m);
		is_str(da_buf_str(&m),
		       "<!-- deploy-actions/coverage-gate "
		       "Unit-tests-Go-59c6a256 -->",
		       "a marker keeps [A-Za-z0-9._/] runs joined by '-', and "
		       "a hash of the key when it dropped anything (FNV-1a)");
		da_buf_reset(&m);
		(void)da_github_marker("x", "--> a--b <!--", &m);
		is_str(da_buf_str(&m), "<!-- deploy-actions/x a-b-85501b9d -->",
		       "a hostile key cannot end the comment");
		da_buf_reset(&m);
		(void)da_github_marker("x", "prod eu", &m);
		is_str(da_buf_str(&m),
		       "<!-- deploy-actions/x prod-eu-4876902a -->",
		       "'prod eu'");
		da_buf_reset(&m);
		(void)da_github_marker("x", "prod-eu", &m);
		is_str(da_buf_str(&m), "<!-- deploy-actions/x prod-eu -->",
		       "and 'prod-eu' keep markers apart");
		da_buf_reset(&m);
		(void)da_github_marker("x", "a- b", &m);
		is_str(da_buf_str(&m), "<!-- deploy-actions/x a-b-0770d431 -->",
		       "a kept '-' and a dropped run make no '--'");
		da_buf_reset(&m);
		(void)da_github_marker("x", "prod", &m);
		is_str(da_buf_str(&m), "<!-- deploy-actions/x prod -->",
		       "a key of kept characters has no hash");
		da_buf_reset(&m);
		(void)da_github_marker("x", "", &m);
		is_str(da_buf_str(&m), "<!-- deploy-actions/x -->",
		       "no key: the tool's one comment");
		da_buf_release(&m);
	}
}

/* ---- hostile servers ---- */

#define SECRET "ghs_S3cr3tT0k3nThatMustNeverShow"

struct hostile {
	int mode;
	char auth[256]; /* the last Authorization header */
	char path[1024];
};

enum {
	ECHO_TOKEN,   /* 401 whose message quotes the Authorization header */
	OFF_ORIGIN,   /* a list whose next page is on another server */
	ENDLESS,      /* a list whose next page never ends */
	NOT_JSON,     /* 200 with HTML */
	ENTERPRISE,   /* answers only under /api/v3 */
	NOT_A_LIST,   /* page 2 of a list is an object */
	RATE_LIMITED, /* 403 with the rate limit used up */
	USERINFO,     /* a next page on this server, with user@ */
	BACKSLASH,    /* a next page whose authority has a backslash */
	QUOTED_REL,   /* rel=next only inside a quoted title */
	UTF8_LONG,    /* a long message of two-byte characters */
};

static int valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int more;

	while (*p) {
		more = *p < 0x80	     ? 0
		       : (*p & 0xe0) == 0xc0 ? 1
		       : (*p & 0xf0) == 0xe0 ? 2
		       : (*p & 0xf8) == 0xf0 ? 3
					     : -1;
		if (more < 0)
			return 0;
		for (p++; more > 0; more--, p++)
			if ((*p & 0xc0) != 0x80)
				return 0;
	}
	return 1;
}

static void hostile(struct httpd *s, const struct httpd_req *req,
		    struct httpd_resp *resp)
{
	struct hostile *h = s->ctx;
	char body[2048];

	if (!httpd_header(req, "Authorization", h->auth, sizeof(h->auth)))
		h->auth[0] = '\0';
	format(h->path, sizeof(h->path), "%s", req->path);
	switch (h->mode) {
	case ECHO_TOKEN:
		resp->status = 401;
		format(body, sizeof(body),
		       "{\"message\":\"token '%s' is bad\\nline two\\u0007 "
		       "%0300d\"}",
		       h->auth, 0);
		httpd_body(resp, body);
		break;
	case OFF_ORIGIN:
		format(resp->headers, sizeof(resp->headers),
		       "Link: <http://localhost:%d/x?page=2&access_token=%s>; "
		       "rel=\"next\"\r\n",
		       s->port, SECRET);
		httpd_body(resp, "[1]");
		break;
	case ENDLESS:
		format(resp->headers, sizeof(resp->headers),
		       "Link: <http://127.0.0.1:%d/first>; rel=\"first\", "
		       "<http://127.0.0.1:%d/more?page=%d>; rel=\"next\"\r\n",
		       s->port, s->port, req->n + 1);
		httpd_body(resp, "[1]");
		/* A new connection each time: no Nagle wait between pages. */
		resp->close = 1;
		break;
	case NOT_JSON:
		httpd_body(resp, "<html>hello</html>");
		break;
	case ENTERPRISE:
		if (strncmp(req->path, "/api/v3/", 8) != 0) {
			resp->status = 404;
			break;
		}
		if (req->n == 1)
			format(resp->headers, sizeof(resp->headers),
			       "Link: <http://127.0.0.1:%d/api/v3/l?page=2>; "
			       "rel=\"prev last\" , "
			       "<HTTP://127.0.0.1:%d/api/v3/l?page=2>; "
			       "title=\"a, b\"; rel=\"last next\"\r\n",
			       s->port, s->port);
		httpd_body(resp, req->n == 1 ? "[1,2]" : "[3]");
		break;
	case NOT_A_LIST:
		if (req->n == 1)
			format(resp->headers, sizeof(resp->headers),
			       "Link: <http://127.0.0.1:%d/l?page=2>; "
			       "rel=\"next\"\r\n",
			       s->port);
		httpd_body(resp, req->n == 1 ? "[1]" : "{\"a\":1}");
		break;
	case USERINFO:
		format(resp->headers, sizeof(resp->headers),
		       "Link: <http://u:p@127.0.0.1:%d/l?page=2>; "
		       "rel=\"next\"\r\n",
		       s->port);
		httpd_body(resp, "[1]");
		break;
	case BACKSLASH:
		format(resp->headers, sizeof(resp->headers),
		       "Link: <http://evil.example\\@127.0.0.1:%d/l?page=2>; "
		       "rel=\"next\"\r\n",
		       s->port);
		httpd_body(resp, "[1]");
		break;
	case QUOTED_REL:
		format(resp->headers, sizeof(resp->headers),
		       "Link: <http://127.0.0.1:%d/l?page=2>; "
		       "title=\"rel=next, <x>; rel=next\"; rel=prev\r\n",
		       s->port);
		httpd_body(resp, "[1]");
		break;
	case UTF8_LONG: {
		size_t i, n;

		resp->status = 404;
		n = (size_t)snprintf(body, sizeof(body), "{\"message\":\"x");
		for (i = 0; i < 150; i++)
			n += (size_t)snprintf(body + n, sizeof(body) - n,
					      "\xc3\xa9");
		format(body + n, sizeof(body) - n, "x\"}");
		httpd_body(resp, body);
		break;
	}
	case RATE_LIMITED:
		resp->status = 403;
		format(resp->headers, sizeof(resp->headers),
		       "X-RateLimit-Remaining: 0\r\n");
		httpd_body(resp, "{\"message\":\"API rate limit exceeded for "
				 "installation ID 1.\"}");
		break;
	}
}

static void test_hostile(void)
{
	struct hostile h;
	struct httpd s;
	struct da_http_options ho;
	struct da_github *gh = NULL;
	struct da_err err = DA_ERR_INIT;
	char url[128];
	json_t *j = NULL;
	long status = -1;
	int r;

	memset(&h, 0, sizeof(h));
	if (httpd_start(&s, hostile, &h) != 0) {
		ok(0, "a local server");
		return;
	}
	httpd_url(&s, url, sizeof(url));
	quick_retries(&ho);
	if (client(url, SECRET, &ho, &gh) < 0) {
		ok(0, "a client");
		httpd_stop(&s);
		return;
	}

	h.mode = ECHO_TOKEN;
	r = da_github_request(gh, "GET", "/user", NULL, &j, &status, &err);
	is_int(r, -DA_ENET, "a 401");
	is_str(h.auth, "Bearer " SECRET, "the token went as a Bearer header");
	ok(!strstr(err.msg, SECRET), "the token is not in the message");
	has_str(err.msg, "token 'Bearer ***' is bad line two",
		"which says where it was, on one line");
	ok(!strchr(err.msg, '\a'), "without control characters");
	ok(strlen(err.msg) < 330, "GitHub's message is cut short");
	has_str(err.msg, "...", "and says so");

	h.mode = OFF_ORIGIN;
	s.requests = 0;
	r = da_github_request(gh, "GET", "/list", NULL, &j, &status, &err);
	is_int(r, -DA_ENET, "a next page on another server is refused");
	has_str(err.msg, "refusing page 2 at 'http://localhost:", "says so");
	ok(!strstr(err.msg, SECRET), "without the secret in its URL");
	is_int(s.requests, 1, "and never asked for");

	h.mode = ENDLESS;
	s.requests = 0;
	r = da_github_request(gh, "GET", "/list", NULL, &j, &status, &err);
	is_int(r, -DA_ELIMIT, "a list that never ends stops");
	is_int(s.requests, DA_GITHUB_MAX_PAGES, "at the page ceiling");
	has_str(err.msg, "GET /list: more than 100 pages", "says so");

	h.mode = NOT_JSON;
	r = da_github_request(gh, "GET", "/x", NULL, &j, &status, &err);
	is_int(r, -DA_ENET, "a 200 that is not JSON");
	has_str(err.msg, "GET /x: 200 answer is not JSON", "says so");
	r = da_github_request(gh, "GET", "/x", NULL, NULL, &status, &err);
	is_int(r, 0, "fine when the caller wants no JSON");

	h.mode = NOT_A_LIST;
	s.requests = 0;
	r = da_github_request(gh, "GET", "/l", NULL, &j, &status, &err);
	is_int(r, -DA_ENET, "a list whose page 2 is an object");
	has_str(err.msg, "page 2 of the list is object", "says so");

	h.mode = USERINFO;
	s.requests = 0;
	r = da_github_request(gh, "GET", "/l", NULL, &j, &status, &err);
	is_int(r, -DA_ENET, "a next page with user@ is refused");
	is_int(s.requests, 1, "and not asked for");
	h.mode = BACKSLASH;
	s.requests = 0;
	r = da_github_request(gh, "GET", "/l", NULL, &j, &status, &err);
	is_int(r, -DA_ENET, "a next page with a backslash is refused");
	is_int(s.requests, 1, "and not asked for");
	h.mode = QUOTED_REL;
	s.requests = 0;
	r = da_github_request(gh, "GET", "/l", NULL, &j, &status, &err);
	is_int(r, 0, "rel=next inside a quoted title is no next page");
	is_int(s.requests, 1, "one page read");
	json_decref(j);
	j = NULL;

	h.mode = UTF8_LONG;
	r = da_github_request(gh, "GET", "/x", NULL, &j, &status, &err);
	is_int(status, 404, "a long message of two-byte characters");
	ok(valid_utf8(err.msg), "is cut between characters");
	has_str(err.msg, "\xc3\xa9...", "after a whole one");

	h.mode = RATE_LIMITED;
	r = da_github_request(gh, "GET", "/x", NULL, &j, &status, &err);
	is_int(status, 403, "a used-up rate limit is 403");
	has_str(err.msg, "the API rate limit is used up", "and named");
	da_github_free(gh);
	gh = NULL;

	/* GitHub Enterprise Server: the API lives under /api/v3. */
	h.mode = ENTERPRISE;
	s.requests = 0;
	format(url, sizeof(url), "http://127.0.0.1:%d/api/v3/", s.port);
	setenv("GITHUB_API_URL", url, 1);
	if (client(NULL, SECRET, &ho, &gh) == 0) {
		r = da_github_request(gh, "GET", "/l", NULL, &j, &status, &err);
		is_int(r, 0, "GITHUB_API_URL with a path");
		is_int(json_array_size(j), 3,
		       "rel=next found among several, both pages joined");
		is_str(h.path, "/api/v3/l?page=2", "page 2 as Link said");
		json_decref(j);
		j = NULL;
	}
	unsetenv("GITHUB_API_URL");
	da_github_free(gh);
	httpd_stop(&s);
}

/* ---- the event ---- */

static void event_file(const char *name, const char *text, char *path,
		       size_t size)
{
	FILE *f;

	path_in_tmp(path, size, name);
	f = fopen(path, "w");
	if (!f || fputs(text, f) < 0) {
		ok(0, "write an event file");
		if (f)
			(void)fclose(f);
		return;
	}
	(void)fclose(f);
}

static void test_event(void)
{
	struct da_err err = DA_ERR_INIT;
	char path[PATH_MAX + 32];
	long n = -1;
	int r;

	unsetenv("GITHUB_EVENT_NAME");
	unsetenv("GITHUB_EVENT_PATH");
	r = da_github_event_pr(&n, &err);
	is_int(r, 0, "outside Actions");
	is_int(n, 0, "no pull request");

	event_file("pr.json",
		   "{\"action\":\"opened\",\"number\":42,"
		   "\"pull_request\":{\"number\":42,\"head\":{}}}",
		   path, sizeof(path));
	setenv("GITHUB_EVENT_NAME", "pull_request", 1);
	setenv("GITHUB_EVENT_PATH", path, 1);
	n = -1;
	r = da_github_event_pr(&n, &err);
	is_int(r, 0, "a pull_request event");
	is_int(n, 42, "its number");
	setenv("GITHUB_EVENT_NAME", "pull_request_target", 1);
	n = -1;
	r = da_github_event_pr(&n, &err);
	is_int(n, 42, "pull_request_target too");

	event_file(
	    "comment.json",
	    "{\"issue\":{\"number\":9,\"pull_request\":{\"url\":\"u\"}}}", path,
	    sizeof(path));
	setenv("GITHUB_EVENT_NAME", "issue_comment", 1);
	setenv("GITHUB_EVENT_PATH", path, 1);
	n = -1;
	r = da_github_event_pr(&n, &err);
	is_int(n, 9, "a comment on a pull request");
	event_file("issue.json", "{\"issue\":{\"number\":9}}", path,
		   sizeof(path));
	setenv("GITHUB_EVENT_PATH", path, 1);
	n = -1;
	r = da_github_event_pr(&n, &err);
	is_int(r, 0, "a comment on an issue");
	is_int(n, 0, "is no pull request");

	setenv("GITHUB_EVENT_NAME", "push", 1);
	n = -1;
	r = da_github_event_pr(&n, &err);
	is_int(n, 0, "a push is no pull request");

	event_file("bad.json", "{\"pull_request\":{\"number\":\"7\"}}", path,
		   sizeof(path));
	setenv("GITHUB_EVENT_NAME", "pull_request", 1);
	setenv("GITHUB_EVENT_PATH", path, 1);
	n = -1;
	r = da_github_event_pr(&n, &err);
	is_int(r, -DA_EINVAL, "a number that is a string");
	is_int(n, -1, "leaves the number alone");
	has_str(err.msg, "pull_request.number is missing", "names the field");

	path_in_tmp(path, sizeof(path), "no-such-event.json");
	setenv("GITHUB_EVENT_PATH", path, 1);
	r = da_github_event_pr(&n, &err);
	is_int(r, -DA_ENOENT, "a missing event file");
	unsetenv("GITHUB_EVENT_PATH");
	r = da_github_event_pr(&n, &err);
	is_int(r, -DA_EINVAL, "no GITHUB_EVENT_PATH for a pull_request");
	has_str(err.msg, "GITHUB_EVENT_PATH is not set", "says so");
	unsetenv("GITHUB_EVENT_NAME");
}

/* ---- setup ---- */

static int have_node(void)
{
	return system("node --version >/dev/null 2>&1") == 0;
}

static void remove_tmp(void)
{
	char cmd[PATH_MAX + 32];

	if (!tmp_dir[0])
		return;
	format(cmd, sizeof(cmd), "rm -rf '%s'", tmp_dir);
	if (cmd[0] && system(cmd) != 0)
		diag("cannot remove %s", tmp_dir);
}

static void run_tests(void)
{
	const char *t = getenv("DA_TOP");
	char probe[PATH_MAX + 64];
	struct fake f;
	json_t *st;

	format(top, sizeof(top), "%s", t && *t ? t : ".");
	format(tmp_dir, sizeof(tmp_dir), "%s/da-github-XXXXXX",
	       getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR")
						     : "/tmp");
	format(probe, sizeof(probe),
	       "%s/tests/node_modules/@octokit/openapi/package.json", top);
	if (!have_node() || access(probe, R_OK) != 0)
		skip_all("no node or tests/node_modules (npm ci --prefix "
			 "tests): the GitHub fake cannot run");
	if (!mkdtemp(tmp_dir))
		skip_all("cannot make a temporary directory");

	test_arguments();
	test_hostile();
	test_event();

	st = seed_state();
	if (fake_start(&f, "main", st) != 0) {
		ok(0, "the GitHub fake starts");
		fake_stop(&f);
		json_decref(st);
		remove_tmp();
		return;
	}
	test_requests(&f);
	test_upsert(&f);
	fake_stop(&f);
	json_decref(st);
	remove_tmp();
}
