/*
 * github: the GitHub REST API calls the tools make, over common/http.
 *
 * A client holds the API base URL (GITHUB_API_URL, default
 * https://api.github.com), the token (never printed: it goes only into
 * the Authorization header, and http redacts it), and sends every request
 * with "Accept: application/vnd.github+json",
 * "X-GitHub-Api-Version: 2022-11-28" and our User-Agent. Responses are
 * JSON (jansson). Lists follow the Link header's rel="next" up to a page
 * ceiling, and only on the API's own scheme://host:port: a next page
 * elsewhere would be sent the token, so it is refused.
 *
 * Errors are one line with the method, the route (not the full URL) and
 * GitHub's own "message": "GET /repos/o/r/issues/5/comments: 404 Not
 * Found". Any status but 2xx is -DA_ENET with the status handed back, so a
 * caller can tell "the token may not" (da_github_denied(): 401, 403, and
 * 404 on a write, which GitHub answers for a token that cannot see the
 * repository) from a failure of the service. GitHub's message is cut to
 * a few hundred bytes and loses its control characters; the token never
 * appears in a message, even when a server quotes it back.
 *
 * Only routes that exist in GitHub's OpenAPI description are used; the
 * test fake serves exactly those (tests/fakes/github.mjs checks every
 * route it serves against @octokit/openapi).
 */
#ifndef DA_GITHUB_H
#define DA_GITHUB_H

#include <jansson.h>
#include <stddef.h>

#include "buf.h"
#include "error.h"
#include "http.h"

/* Pages read from one list at most (100 items each). */
#define DA_GITHUB_MAX_PAGES 100

struct da_github;

struct da_github_options {
	const char
	    *api_url;	   /* NULL: GITHUB_API_URL or https://api.github.com */
	const char *token; /* NULL or "": no Authorization header */
	const struct da_http_options *http; /* NULL: defaults */
};

int da_github_new(const struct da_github_options *opts, struct da_github **ret,
		  struct da_err *err);
void da_github_free(struct da_github *gh);

/*
 * One request: method, a path starting with '/' ("/repos/o/r/issues/1/
 * comments"), an optional JSON body (not consumed). On a 2xx, *ret_json
 * (when not NULL) gets the parsed body (NULL for 204), owned by the
 * caller. *ret_status (when not NULL) always gets the HTTP status (0 when
 * none came). Anything but 2xx is a negative DA_E* with err set as above.
 * A GET with ret_json reads a whole list: per_page=100 is added unless the
 * path sets per_page, and while the answer is an array with a rel="next"
 * the pages are fetched and joined (at most DA_GITHUB_MAX_PAGES, else
 * -DA_ELIMIT). A path that sets page= asks for that one page only.
 */
int da_github_request(struct da_github *gh, const char *method,
		      const char *path, const json_t *body, json_t **ret_json,
		      long *ret_status, struct da_err *err);

/* Whether status means the token may not do it (401, 403, 404 on write). */
int da_github_denied(long status, const char *method);

/*
 * The pull request number of the workflow's event: pull_request.number
 * of GITHUB_EVENT_PATH for pull_request, pull_request_target,
 * pull_request_review and pull_request_review_comment events (also
 * issue_comment on a pull request: issue.number when issue.pull_request
 * is present). 0 when the event is not about one or GITHUB_EVENT_NAME is
 * unset. -DA_EINVAL when such an event has no GITHUB_EVENT_PATH or no
 * positive number there; the errors of da_json_load_file().
 */
int da_github_event_pr(long *ret_number, struct da_err *err);

/*
 * The hidden first line a tool's comment is found by again:
 * "<!-- deploy-actions/TOOL KEY -->", KEY reduced to [A-Za-z0-9._/]
 * runs joined by '-' (a comment may not hold "--", and '>' would end
 * it), at most 100 of them; when that drops anything, eight hex digits of
 * a hash of the whole key follow, so that "prod eu" and "prod-eu" keep
 * comments of their own. Returns 0 or the da_buf error.
 */
int da_github_marker(const char *tool, const char *key, struct da_buf *out);

/*
 * Creates or updates the one comment on issue or pull request number of
 * repo ("owner/name") whose body contains marker: lists the comments
 * (GET /repos/{owner}/{repo}/issues/{number}/comments, page by page until
 * one holds the marker), then PATCH /repos/{owner}/{repo}/issues/comments/
 * {id} for the first that holds it, or POST /repos/{owner}/{repo}/issues/
 * {number}/comments. body must already contain marker (else -DA_EINVAL)
 * and be UTF-8 of at most 65536 characters, GitHub's limit (else
 * -DA_ELIMIT, before any request). ret_url (may be NULL) gets the
 * comment's html_url. *ret_created is 1 for a new comment. *ret_status is
 * the status of the last request (0 when none was made).
 */
int da_github_comment_upsert(struct da_github *gh, const char *repo,
			     long number, const char *marker, const char *body,
			     struct da_buf *ret_url, int *ret_created,
			     long *ret_status, struct da_err *err);

/*
 * Like da_github_comment_upsert(), but only edits the marked comment when
 * there is one: returns 1 with *ret_url set when it was updated, 0 when
 * there was none (nothing is posted), or a negative DA_E*.
 */
int da_github_comment_update(struct da_github *gh, const char *repo,
			     long number, const char *marker, const char *body,
			     struct da_buf *ret_url, long *ret_status,
			     struct da_err *err);

#endif
