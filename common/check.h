/*
 * check: the health-check engine that smoke-test, blue-green-switch and
 * rollback verify a release with.
 *
 * A spec is a list of checks (method, URL, headers, body, conditions,
 * captures, samples, latency gates, tags), loaded from a YAML or JSON file
 * or built from a few inputs (the quick form). Running it has two phases:
 *
 *   wait    poll the readiness checks until each passes `consecutive`
 *           times in a row, retrying on anything (refused, reset, timeout,
 *           any status, a failed condition), with backoff, up to a timeout;
 *   assert  run every check, concurrently (bounded), `samples` requests
 *           each; conditions on every response (the first that fails is
 *           reported), latency gates (p95 < 500ms) on the samples.
 *
 * Values written ${ENV:NAME} are taken from the environment when the spec
 * is loaded; each such value is a secret: it is listed in spec->secrets
 * for the caller to mask, and never appears in a result's text. A value
 * written ${name} is a capture of an earlier check (a login token), and
 * may appear in a URL, a header or a body (escaped in a json: body); a
 * check that uses a capture runs after the check that captures it, with
 * the value from that check's last response, and is skipped when there is
 * none. Captured values of four characters or more are masked in results.
 *
 * A relative check URL is appended to base-url's path ("/health" and
 * "health" against "http://h:1/api/" are both "http://h:1/api/health"),
 * so one file serves a service mounted under a path. A check that uses a
 * capture takes no part in the wait phase (nothing has been captured yet).
 *
 * The spec owns everything in it (da_check_spec_free()); every pointer in
 * it is malloc()ed, so a caller may replace or add entries (headers, gates
 * of the quick form) with malloc()ed values. Results own their text
 * (da_check_results_free()). Nothing here prints: progress of the wait
 * phase goes to the caller's callback.
 */
#ifndef DA_CHECK_H
#define DA_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "cond.h"
#include "error.h"
#include "http.h"

#define DA_MAX_CHECKS 10000		    /* checks in one spec */
#define DA_MAX_CHECK_SAMPLES 100000	    /* samples of one check */
#define DA_MAX_CHECK_SPEC ((size_t)4 << 20) /* spec file size */

enum da_latency_stat {
	DA_LATENCY_P50,
	DA_LATENCY_P95,
	DA_LATENCY_P99,
	DA_LATENCY_MAX,
	DA_LATENCY_MEAN,
};

/* "p95 < 500ms": stat must be below (or at most, with <=) limit_ms. */
struct da_latency_gate {
	enum da_latency_stat stat;
	int64_t limit_ms;
	int or_equal;
	char *text; /* as written, for reports */
};

/* capture: name = placeholder ("[BODY].token", "[HEADER].etag"). */
struct da_check_capture {
	char *name;
	char *from;
};

struct da_check {
	char *name;	/* given, or "METHOD path" */
	int line;	/* in the spec file; 0 for the quick form */
	char *method;	/* GET unless given */
	char *url;	/* absolute (base-url joined); may hold ${capture} */
	char **headers; /* "Name: value", may hold ${capture} */
	size_t n_headers;
	char *body; /* NULL for none; may hold ${capture} */
	size_t body_len;
	int body_json;		/* body is JSON: captures go in escaped */
	int64_t timeout_ms;	/* per request; 0: the client's timeout */
	int samples;		/* requests in the assert phase, >= 1 */
	int ready;		/* takes part in the wait phase */
	int follow_redirects;	/* 1 yes, 0 no, -1 the client's choice;
				   bounded by the client's max_redirects */
	struct da_cond **conds; /* at least one: default 2xx status */
	size_t n_conds;
	struct da_check_capture *captures;
	size_t n_captures;
	struct da_latency_gate *gates;
	size_t n_gates;
	char **tags;
	size_t n_tags;
};

struct da_check_spec {
	char *source; /* the spec's path, or "inputs" */
	struct da_check *checks;
	size_t n_checks;
	/* Wait settings from the spec; -1 where it does not set them. */
	int64_t wait_timeout_ms;
	int64_t interval_ms;
	int consecutive;
	char **secrets; /* values that came from ${ENV:...} */
	size_t n_secrets;
};

/*
 * Loads a spec file (YAML or JSON, see action-docs/smoke-test.md for the
 * keys). base_url, when not NULL, overrides the file's base-url. Unknown
 * keys, bad types, conditions that do not parse and missing environment
 * variables are errors with file:line ("smoke.yml:12: unknown key 'timout'
 * in check 'health'"), -DA_EINVAL.
 */
int da_check_spec_load(const char *path, const char *base_url,
		       struct da_check_spec **ret_spec, struct da_err *err);

/*
 * The same for len bytes at data (YAML or JSON), name standing for the
 * file in messages. Over DA_MAX_CHECK_SPEC bytes is -DA_ELIMIT.
 */
int da_check_spec_load_mem(const char *name, const void *data, size_t len,
			   const char *base_url,
			   struct da_check_spec **ret_spec, struct da_err *err);

/*
 * Parses a latency gate, "p95 < 500ms", "max <= 2s", "mean < 100" (a
 * plain number is milliseconds), into *ret_gate (text copied; free it).
 * Stats: p50 p95 p99 max mean; operators < and <=.
 */
int da_check_latency_parse(const char *text, struct da_latency_gate *ret_gate,
			   struct da_err *err);

/*
 * Appends text to out with every secret of spec (values of ${ENV:...})
 * replaced by "***". spec may be NULL.
 */
int da_check_mask(const struct da_check_spec *spec, const char *text,
		  struct da_buf *out);

/*
 * The quick form: one check of url (relative to base_url when given),
 * with expect_status (0: any 2xx) and conditions (may be empty).
 */
int da_check_spec_quick(const char *url, const char *base_url,
			long expect_status, const char *const *conds,
			size_t n_conds, struct da_check_spec **ret_spec,
			struct da_err *err);

/* Frees a spec. NULL-safe. */
void da_check_spec_free(struct da_check_spec *spec);

/*
 * Expands ${ENV:NAME} in text into out, adding each value to the spec's
 * secrets (spec may be NULL). A variable that is not set is an error
 * naming it. ${name} (no "ENV:") is left as it is, for captures.
 */
int da_check_expand_env(struct da_check_spec *spec, const char *text,
			struct da_buf *out, struct da_err *err);

/* One request's figures. */
struct da_check_sample {
	long status;
	struct da_http_timing timing; /* microseconds */
};

struct da_check_result {
	const struct da_check *check;
	int healthy;	      /* conditions and gates all passed */
	int64_t timestamp_ms; /* wall clock at the last response */
	char *endpoint;	      /* the URL requested, redacted */
	long status;	      /* last status; 0 when none came */
	char *error;	      /* transport error of the last try, or NULL */
	int attempts;	      /* requests made in the wait phase */
	struct da_check_sample *samples;
	size_t n_samples;
	/* Samples that got an answer: the latency figures below are of
	 * these, and mean nothing when it is 0. */
	size_t n_answered;
	int64_t p50_us, p95_us, p99_us, max_us, mean_us;
	/* One line per failed condition or gate, with the actual value:
	 * "[BODY].version (1.4.1) == 1.4.2", "p95 (612ms) < 500ms". */
	char **failures;
	size_t n_failures;
	/* Each condition's verdict and actual value, in spec order. */
	int *cond_ok;
	char **cond_actual;
};

struct da_check_results {
	struct da_check_result *r; /* one per check, in spec order */
	size_t n;
	int healthy; /* every check healthy */
	size_t n_failed;
	int64_t started_ms, ended_ms;
};

/* Progress of the wait phase, one line ("health: 503 (attempt 4)"). */
typedef void (*da_check_progress_fn)(void *ctx, const char *line);

struct da_check_run_options {
	int64_t timeout_ms;	 /* the wait phase, default 5 minutes */
	int64_t interval_ms;	 /* first wait between polls, default 1s */
	int64_t max_interval_ms; /* backoff ceiling, default 10s */
	int consecutive;	 /* successes in a row, default 1 */
	int concurrency;	 /* requests at once in assert, default 16 */
	struct da_http_options http;
	da_check_progress_fn progress;
	void *progress_ctx;
};

/* Fills opts with the defaults above (and da_http_options_init()). */
void da_check_run_options_init(struct da_check_run_options *opts);

/*
 * The wait phase. Returns 0 when every ready check passed `consecutive`
 * times in a row; -DA_ETIMEOUT when the timeout ran out (err holds the
 * last failure reason of the first check still failing, and *ret holds
 * every check's last result); other negatives when it could not run.
 */
int da_check_wait(const struct da_check_spec *spec,
		  const struct da_check_run_options *opts,
		  struct da_check_results **ret, struct da_err *err);

/*
 * The assert phase: every check, samples requests each, at most
 * opts->concurrency at once over kept-alive connections, captures
 * resolved in dependency order. A check is healthy when every sample got
 * an answer that passed every condition, and every gate passed. Returns 0
 * with *ret filled (unhealthy checks are a verdict in the results, not an
 * error), a negative DA_E* only when it could not run at all.
 */
int da_check_assert(const struct da_check_spec *spec,
		    const struct da_check_run_options *opts,
		    struct da_check_results **ret, struct da_err *err);

/* Frees results. NULL-safe. */
void da_check_results_free(struct da_check_results *results);

/* Percentile p (0-100) of n sorted values, nearest-rank. */
int64_t da_check_percentile(const int64_t *sorted, size_t n, int p);

#endif
