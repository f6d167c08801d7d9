/*
 * smoke-test: check a service right after a deploy.
 *
 * main() only talks to the user: options, progress, reports and the exit
 * status. The checks themselves run in common/check; the reports are
 * built in report.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/check.h"
#include "common/error.h"
#include "common/gha.h"
#include "common/log.h"
#include "common/opt.h"
#include "common/time.h"

#include "actions/smoke-test/inputs.h"
#include "actions/smoke-test/report.h"

/* Defaults applied in code, so that an action input left empty and a
 * spec's own wait settings can tell "not given" from the default. */
#define DEFAULT_TIMEOUT_MS ((int64_t)5 * 60 * 1000)
#define DEFAULT_INTERVAL_MS ((int64_t)1000)
#define DEFAULT_REQUEST_TIMEOUT_MS ((int64_t)10000)
#define SMOKE_MAX_TEXT ((size_t)64 << 20)
#define SMOKE_MAX_LINE ((size_t)64 << 10)

static const struct da_opt options[] = {
    {.name = "url",
     .arg = "URL",
     .type = DA_OPT_STRING,
     .help = "The URL to check (the quick form); relative to --base-url "
	     "when that is given."},
    {.name = "expect-status",
     .arg = "CODE",
     .type = DA_OPT_INT,
     .min = 100,
     .max = 599,
     .help = "The status the quick-form check expects; without it and "
	     "without conditions any 2xx passes."},
    {.name = "condition",
     .arg = "EXPR",
     .type = DA_OPT_LIST,
     .flags = DA_OPT_LINES,
     .help = "A condition the quick-form response must meet, such as "
	     "'[BODY].status == UP' or '[STATUS] == any(200, 204)'; "
	     "${ENV:NAME} takes a value from the environment."},
    {.name = "header",
     .arg = "'NAME: VALUE'",
     .type = DA_OPT_LIST,
     .flags = DA_OPT_LINES,
     .help = "A request header of the quick-form check; values of "
	     "credential headers (Authorization, tokens, keys) are masked."},
    {.name = "method",
     .arg = "METHOD",
     .type = DA_OPT_STRING,
     .help = "The HTTP method of the quick-form check (default GET)."},
    {.name = "samples",
     .arg = "N",
     .type = DA_OPT_INT,
     .min = 1,
     .max = DA_MAX_CHECK_SAMPLES,
     .help = "Requests the quick-form check makes after the wait, for "
	     "latency figures (default 1)."},
    {.name = "latency",
     .arg = "GATE",
     .type = DA_OPT_LIST,
     .flags = DA_OPT_LINES,
     .help = "A latency gate of the quick-form check, such as 'p95 < "
	     "500ms': p50, p95, p99, max or mean, then < or <= and a "
	     "duration (a plain number is milliseconds)."},
    {.name = "spec",
     .arg = "FILE",
     .type = DA_OPT_STRING,
     .help = "A YAML or JSON file of checks (the full form), instead of "
	     "--url."},
    {.name = "base-url",
     .arg = "URL",
     .type = DA_OPT_STRING,
     .help = "The URL that relative check URLs join; overrides the spec's "
	     "base-url."},
    {.name = "wait",
     .type = DA_OPT_BOOL,
     .def = "true",
     .help = "Wait until the ready checks pass before asserting; --no-wait "
	     "asserts at once."},
    {.name = "timeout",
     .arg = "DURATION",
     .type = DA_OPT_STRING,
     .help = "How long to wait for the service to become healthy (default "
	     "5m, or the spec's wait.timeout)."},
    {.name = "interval",
     .arg = "DURATION",
     .type = DA_OPT_STRING,
     .help = "The first pause between polls while waiting; it grows up to "
	     "--max-interval (default 1s, or the spec's wait.interval)."},
    {.name = "max-interval",
     .arg = "DURATION",
     .type = DA_OPT_STRING,
     .help = "The longest pause between polls while waiting; the pause "
	     "doubles from --interval up to it (default 10s)."},
    {.name = "consecutive-successes",
     .arg = "N",
     .type = DA_OPT_INT,
     .min = 1,
     .max = 1000,
     .help = "Passes in a row each ready check needs while waiting "
	     "(default 1, or the spec's wait.consecutive-successes)."},
    {.name = "request-timeout",
     .arg = "DURATION",
     .type = DA_OPT_STRING,
     .help = "Time limit of one request (default 10s); when given it "
	     "also replaces the spec's timeouts."},
    {.name = "concurrency",
     .arg = "N",
     .type = DA_OPT_INT,
     .def = "16",
     .min = 1,
     .max = 1024,
     .help = "Requests in flight at once after the wait."},
    {.name = "ca-file",
     .arg = "FILE",
     .type = DA_OPT_STRING,
     .help = "A PEM bundle of the certificate authorities to trust instead "
	     "of the system's."},
    {.name = "client-cert",
     .arg = "FILE",
     .type = DA_OPT_STRING,
     .help = "A PEM client certificate to present (mutual TLS)."},
    {.name = "client-key",
     .arg = "FILE",
     .type = DA_OPT_STRING,
     .help = "The PEM private key of --client-cert."},
    {.name = "insecure",
     .type = DA_OPT_BOOL,
     .def = "false",
     .help = "Do not verify TLS certificates; for test setups only."},
    {.name = "follow-redirects",
     .type = DA_OPT_BOOL,
     .help = "Follow redirects, at most --max-redirects (default false); "
	     "when given it also replaces the spec's setting."},
    {.name = "max-redirects",
     .arg = "N",
     .type = DA_OPT_INT,
     .def = "5",
     .min = 0,
     .max = 50,
     .help = "The most redirects one request follows."},
    {.name = "junit",
     .arg = "FILE",
     .type = DA_OPT_STRING,
     .help = "Also write the results as JUnit XML to FILE."},
    DA_OPT_SHARED,
    DA_OPT_END,
};

static const struct da_opt_tool tool = {
    .name = "smoke-test",
    .summary = "Waits until a freshly deployed service is healthy, then "
	       "asserts status, body, JSON fields, version and latency. "
	       "Exits 0 when healthy, 1 when not.",
    .examples =
	"smoke-test --url http://127.0.0.1:8080/health\n"
	"smoke-test --url https://app.test/health --condition "
	"'[BODY].status == UP'\n"
	"smoke-test --spec smoke.yml --base-url https://app.test --junit "
	"junit.xml\n"
	"EXPECTED_VERSION=1.4.2 smoke-test --url https://app.test/version \\\n"
	"    --condition '[BODY].version == ${ENV:EXPECTED_VERSION}'\n",
    .opts = options,
};

/* The options that only the quick form (--url) takes. */
static const char *const quick_only[] = {
    "expect-status", "condition", "header", "method", "samples", "latency",
};

/* How the wait phase reports progress. */
struct progress {
	const struct da_gha *gha;
	FILE *f;
	int tty;      /* rewrite one line in place */
	int shown;    /* a line is on the terminal */
	size_t width; /* columns of the terminal */
};

static void progress_line(void *ctx, const char *line)
{
	struct progress *p = ctx;
	struct da_buf b = DA_BUF_INIT(SMOKE_MAX_LINE);
	const char *s;
	size_t n, cols = 0;

	if (da_gha_redact(p->gha, line, &b) < 0) {
		da_buf_release(&b);
		return;
	}
	/* The line may quote what a server sent: no control characters. */
	if (b.data)
		smoke_text_sanitize(b.data);
	s = da_buf_str(&b);
	if (!p->tty) {
		(void)fprintf(p->f, "%s\n", s);
		(void)fflush(p->f);
		da_buf_release(&b);
		return;
	}
	/* Cut to the terminal's width (in characters) so \r rewrites it. */
	for (n = 0; s[n]; n++) {
		if (((unsigned char)s[n] & 0xc0) != 0x80) {
			if (cols + 1 >= p->width)
				break;
			cols++;
		}
	}
	(void)fprintf(p->f, "\r\033[K%.*s", (int)n, s);
	(void)fflush(p->f);
	p->shown = 1;
	da_buf_release(&b);
}

static void progress_end(struct progress *p)
{
	if (p->tty && p->shown) {
		(void)fputs("\r\033[K", p->f);
		(void)fflush(p->f);
		p->shown = 0;
	}
}

static size_t terminal_width(int fd)
{
	struct winsize ws;

	if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
		return ws.ws_col;
	return 80;
}

/* A duration option, or dflt when it was not given. */
static int duration_opt(const struct da_opts *opts, const char *name,
			int64_t dflt, int64_t *ret_ms, struct da_err *err)
{
	const char *s = da_opt_str(opts, name);
	int64_t ms;

	if (!da_opt_given(opts, name) || !s || !*s) {
		*ret_ms = dflt;
		return 0;
	}
	if (da_time_parse_duration(s, &ms, err) < 0) {
		da_err_prefix(err, "--%s", name);
		return -DA_EINVAL;
	}
	*ret_ms = ms;
	return 0;
}

static int check_combinations(const struct da_opts *opts, struct da_err *err)
{
	const char *url = da_opt_str(opts, "url");
	const char *spec = da_opt_str(opts, "spec");
	int has_url = url && *url, has_spec = spec && *spec;
	size_t i;

	if (!has_url && !has_spec)
		return da_err_set(err, DA_EINVAL,
				  "nothing to check: give --url URL or --spec "
				  "FILE; see --help");
	if (has_url && has_spec)
		return da_err_set(err, DA_EINVAL,
				  "--url and --spec cannot be used together: "
				  "check one URL with --url, or the checks of "
				  "a spec file with --spec");
	for (i = 0; has_spec && i < sizeof(quick_only) / sizeof(*quick_only);
	     i++)
		if (da_opt_given(opts, quick_only[i]))
			return da_err_set(err, DA_EINVAL,
					  "--%s belongs to the quick form "
					  "(--url); with --spec '%s' write it "
					  "into the spec's checks",
					  quick_only[i], spec);
	if (da_opt_str(opts, "client-key") && *da_opt_str(opts, "client-key") &&
	    !(da_opt_str(opts, "client-cert") &&
	      *da_opt_str(opts, "client-cert")))
		return da_err_set(err, DA_EINVAL,
				  "--client-key needs --client-cert: give the "
				  "certificate the key belongs to");
	return 0;
}

static int method_ok(const char *m)
{
	const char *p;

	if (!*m || strlen(m) > 32)
		return 0;
	for (p = m; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
			return 0;
	return 1;
}

/* Method, headers, samples and gates of the quick form's one check. */
static int quick_extras(const struct da_opts *opts, struct da_check_spec *spec,
			struct da_err *err)
{
	struct da_check *c = &spec->checks[0];
	struct da_buf b = DA_BUF_INIT(SMOKE_MAX_LINE);
	const char *const *items;
	const char *m = da_opt_str(opts, "method");
	char **v, *s;
	size_t n, i;
	int r = 0;

	if (m && *m) {
		if (!method_ok(m))
			return da_err_set(err, DA_EINVAL,
					  "invalid value '%s' for --method: "
					  "expected a method name such as GET "
					  "or POST",
					  m);
		if (strcmp(m, c->method ? c->method : "GET") != 0) {
			s = c->name && strncmp(c->name, "GET ", 4) == 0
				? c->name + 4
				: NULL;
			if (s && da_buf_addf(&b, "%s %s", m, s) == 0) {
				free(c->name);
				c->name = da_buf_detach(&b, NULL);
			}
			free(c->method);
			c->method = strdup(m);
			if (!c->method || !c->name)
				goto nomem;
		}
	}
	if (da_opt_given(opts, "samples"))
		c->samples = (int)da_opt_int(opts, "samples");
	items = da_opt_list(opts, "header", &n);
	if (n) {
		v = realloc(c->headers, (c->n_headers + n) * sizeof(*v));
		if (!v)
			goto nomem;
		c->headers = v;
		for (i = 0; i < n; i++) {
			if (!smoke_header_valid(items[i])) {
				r = da_err_set(err, DA_EINVAL,
					       "invalid --header '%.40s': "
					       "expected \"Name: value\"",
					       items[i]);
				goto out;
			}
			da_buf_reset(&b);
			r = da_check_expand_env(spec, items[i], &b, err);
			if (r < 0) {
				da_err_prefix(err, "--header");
				goto out;
			}
			s = da_buf_detach(&b, NULL);
			if (!s)
				goto nomem;
			c->headers[c->n_headers++] = s;
		}
	}
	items = da_opt_list(opts, "latency", &n);
	if (n) {
		struct da_latency_gate *g =
		    realloc(c->gates, (c->n_gates + n) * sizeof(*g));

		if (!g)
			goto nomem;
		c->gates = g;
		for (i = 0; i < n; i++) {
			r = da_check_latency_parse(items[i],
						   &c->gates[c->n_gates], err);
			if (r < 0)
				goto out;
			c->n_gates++;
		}
	}
	goto out;
nomem:
	r = da_err_set(err, DA_ENOMEM, "cannot build the check: out of memory");
out:
	da_buf_release(&b);
	return r;
}

static int build_spec(const struct da_opts *opts,
		      struct da_check_spec **ret_spec, struct da_err *err)
{
	const char *url = da_opt_str(opts, "url");
	const char *base = da_opt_str(opts, "base-url");
	const char *const *items;
	struct da_check_spec *spec = NULL;
	size_t n;
	int r;

	if (base && !*base)
		base = NULL;
	if (!url || !*url) {
		r = da_check_spec_load(da_opt_str(opts, "spec"), base, &spec,
				       err);
		if (r < 0)
			goto out;
		*ret_spec = spec;
		return 0;
	}
	items = da_opt_list(opts, "condition", &n);
	r = da_check_spec_quick(url, base,
				da_opt_given(opts, "expect-status")
				    ? (long)da_opt_int(opts, "expect-status")
				    : 0,
				items, n, &spec, err);
	if (r == 0)
		r = quick_extras(opts, spec, err);
	if (r < 0)
		goto out;
	*ret_spec = spec;
	spec = NULL;
out:
	da_check_spec_free(spec);
	return r;
}

/*
 * Masks text unless it is masked already (every check may carry the same
 * header; "Bearer ***" needs no mask of its own).
 */
static int mask_new(struct da_gha *gha, FILE *cmd, const char *text,
		    struct da_err *err)
{
	struct da_buf b = DA_BUF_INIT(SMOKE_MAX_LINE);
	int r;

	if (!*text)
		return 0;
	r = da_gha_redact(gha, text, &b);
	/* Redaction changes a masked text; when in doubt, mask it. */
	if (r < 0 || strcmp(da_buf_str(&b), text) == 0)
		r = da_gha_mask(gha, cmd, text, err);
	da_buf_release(&b);
	return r;
}

/* Masks the spec's ${ENV:...} values and credential header values. */
static int mask_secrets(const struct da_check_spec *spec, struct da_gha *gha,
			FILE *cmd, struct da_err *err)
{
	size_t i, j;
	int r = 0;

	for (i = 0; r == 0 && i < spec->n_secrets; i++)
		r = mask_new(gha, cmd, spec->secrets[i], err);
	for (i = 0; r == 0 && i < spec->n_checks; i++) {
		const struct da_check *c = &spec->checks[i];

		for (j = 0; r == 0 && j < c->n_headers; j++) {
			const char *v = smoke_header_value(c->headers[j]);
			const char *cred = strchr(v, ' ');

			if (!smoke_header_secret(c->headers[j]))
				continue;
			/* "Bearer <token>": the token alone is the secret. */
			if (cred) {
				while (*cred == ' ')
					cred++;
				r = mask_new(gha, cmd, cred, err);
			}
			if (r == 0)
				r = mask_new(gha, cmd, v, err);
		}
	}
	return r;
}

static int run_options(const struct da_opts *opts,
		       const struct da_check_spec *spec,
		       struct da_check_run_options *ro, struct da_err *err)
{
	const char *s;
	int64_t ms;
	int r;

	da_check_run_options_init(ro);
	r = duration_opt(opts, "timeout",
			 spec->wait_timeout_ms >= 0 ? spec->wait_timeout_ms
						    : DEFAULT_TIMEOUT_MS,
			 &ro->timeout_ms, err);
	if (r == 0)
		r = duration_opt(opts, "interval",
				 spec->interval_ms >= 0 ? spec->interval_ms
							: DEFAULT_INTERVAL_MS,
				 &ro->interval_ms, err);
	if (r == 0)
		r = duration_opt(opts, "max-interval", ro->max_interval_ms,
				 &ro->max_interval_ms, err);
	if (r == 0)
		r = duration_opt(opts, "request-timeout",
				 DEFAULT_REQUEST_TIMEOUT_MS, &ms, err);
	if (r < 0)
		return r;
	if (ms <= 0 || ms > 1000L * 86400)
		return da_err_set(err, DA_EINVAL,
				  "invalid value for --request-timeout: "
				  "expected more than 0s and at most 1d");
	ro->http.timeout_ms = (long)ms;
	if (ro->http.connect_timeout_ms > ro->http.timeout_ms)
		ro->http.connect_timeout_ms = ro->http.timeout_ms;
	if (ro->interval_ms > ro->max_interval_ms)
		ro->max_interval_ms = ro->interval_ms;
	if (da_opt_given(opts, "consecutive-successes"))
		ro->consecutive =
		    (int)da_opt_int(opts, "consecutive-successes");
	else if (spec->consecutive > 0)
		ro->consecutive = spec->consecutive;
	else
		ro->consecutive = 1;
	ro->concurrency = (int)da_opt_int(opts, "concurrency");
	ro->http.max_parallel = ro->concurrency;
	ro->http.insecure = da_opt_bool(opts, "insecure");
	ro->http.follow_redirects = da_opt_bool(opts, "follow-redirects");
	ro->http.max_redirects = (long)da_opt_int(opts, "max-redirects");
	s = da_opt_str(opts, "ca-file");
	ro->http.ca_file = s && *s ? s : NULL;
	s = da_opt_str(opts, "client-cert");
	ro->http.client_cert = s && *s ? s : NULL;
	s = da_opt_str(opts, "client-key");
	ro->http.client_key = s && *s ? s : NULL;
	return 0;
}

/*
 * Per-check settings that flags given explicitly replace; otherwise a
 * check without its own uses the client's (ro->http).
 */
static void apply_check_flags(const struct da_opts *opts,
			      struct da_check_spec *spec,
			      const struct da_check_run_options *ro)
{
	size_t i;

	for (i = 0; i < spec->n_checks; i++) {
		struct da_check *c = &spec->checks[i];

		if (da_opt_given(opts, "request-timeout"))
			c->timeout_ms = ro->http.timeout_ms;
		if (da_opt_given(opts, "follow-redirects"))
			c->follow_redirects = ro->http.follow_redirects;
	}
}

static size_t ready_checks(const struct da_check_spec *spec)
{
	size_t i, n = 0;

	for (i = 0; i < spec->n_checks; i++)
		if (spec->checks[i].ready)
			n++;
	return n;
}

static int write_out(FILE *f, const struct da_buf *b, struct da_err *err)
{
	if (fwrite(da_buf_str(b), 1, b->len, f) != b->len || fflush(f) != 0)
		return da_err_set(err, DA_EIO,
				  "cannot write to standard output: %s",
				  strerror(errno));
	return 0;
}

/* Keeps the first failure of the reports in *err. */
static void keep_first(int *first, struct da_err *err, int r,
		       const struct da_err *e)
{
	if (r < 0 && *first == 0) {
		*first = r;
		*err = *e;
	}
}

/*
 * Every report the options ask for, each whatever became of the others:
 * a JUnit file that cannot be written still leaves the summary, the
 * outputs and the annotations. Returns the first failure.
 */
static int reports(const struct da_opts *opts, struct da_gha *gha,
		   const struct smoke_report *rep, FILE *cmd,
		   struct da_err *err)
{
	struct da_buf b = DA_BUF_INIT(SMOKE_MAX_TEXT);
	struct da_err e = DA_ERR_INIT;
	const char *junit = da_opt_str(opts, "junit");
	int r, first = 0, color;

	if (da_opt_bool(opts, "json")) {
		r = smoke_report_json_write(rep, stdout, &e);
	} else {
		color = da_log_color_wanted(
		    isatty(STDOUT_FILENO), getenv("NO_COLOR"),
		    getenv("FORCE_COLOR"), getenv("CLICOLOR_FORCE"),
		    getenv("TERM"));
		r = smoke_report_text(rep, color, &b, &e);
		if (r == 0)
			r = write_out(stdout, &b, &e);
	}
	keep_first(&first, err, r, &e);
	if (junit && *junit) {
		r = smoke_report_junit_write(rep, junit, &e);
		if (r < 0)
			da_err_prefix(&e, "--junit");
		keep_first(&first, err, r, &e);
	}
	if (da_opt_bool(opts, "summary") && da_gha_has_summary(gha)) {
		da_buf_reset(&b);
		r = smoke_report_summary(rep, &b, &e);
		if (r == 0)
			r = da_gha_summary_add(gha, da_buf_str(&b), b.len, &e);
		keep_first(&first, err, r, &e);
	}
	r = smoke_report_outputs(rep, gha, &e);
	keep_first(&first, err, r, &e);
	if (da_gha_in_actions(gha) && !rep->res->healthy) {
		r = smoke_report_annotate(rep, gha, cmd, &e);
		keep_first(&first, err, r, &e);
	}
	da_buf_release(&b);
	return first;
}

/*
 * An unhealthy service is the verdict even when a report failed: the
 * report's failure is said on a line of its own, the verdict decides the
 * exit status.
 */
static void report_failure_line(int r, const struct da_err *err)
{
	if (r < 0)
		(void)fprintf(stderr, "smoke-test: %s\n", err->msg);
}

/* The one line a failed verdict ends with. */
static int verdict_error(const struct da_check_results *res, struct da_err *err)
{
	struct da_buf why = DA_BUF_INIT(SMOKE_MAX_LINE);
	const struct da_check_result *first = NULL;
	size_t i;

	for (i = 0; i < res->n && !first; i++)
		if (!res->r[i].healthy)
			first = &res->r[i];
	if (first) {
		for (i = 0; i < first->n_failures; i++)
			if (da_buf_addf(&why, "%s%s", i ? "; " : "",
					first->failures[i]) < 0)
				break;
		if (first->n_failures == 0 && first->error)
			(void)da_buf_adds(&why, first->error);
	}
	(void)da_err_setc(err, DA_EFAIL, DA_CODE_HEALTH_CHECK_FAILED,
			  "not healthy: %zu of %zu check%s failed; '%s': %s",
			  res->n_failed, res->n, res->n == 1 ? "" : "s",
			  first && first->check ? first->check->name : "?",
			  da_buf_str(&why));
	da_buf_release(&why);
	return -DA_EFAIL;
}

static int run(const struct da_opts *opts, struct da_gha *gha,
	       struct da_err *err)
{
	struct da_check_run_options ro = {0};
	struct da_check_spec *spec = NULL;
	struct da_check_results *res = NULL, *wait_res = NULL;
	struct smoke_report rep = {0};
	struct da_err werr = DA_ERR_INIT;
	struct progress prog = {0};
	FILE *cmd = da_opt_bool(opts, "json") ? stderr : stdout;
	const char *sf = da_opt_str(opts, "spec");
	char title[96];
	size_t n_ready, i;
	int r, n;

	r = check_combinations(opts, err);
	if (r == 0)
		r = build_spec(opts, &spec, err);
	if (r < 0)
		goto out;
	if (!spec || spec->n_checks == 0) {
		r = da_err_set(err, DA_EINVAL, "no checks to run in '%s'",
			       sf && *sf ? sf : "inputs");
		goto out;
	}
	r = mask_secrets(spec, gha, cmd, err);
	if (r == 0)
		r = run_options(opts, spec, &ro, err);
	if (r < 0)
		goto out;
	apply_check_flags(opts, spec, &ro);
	if (ro.http.insecure) {
		struct da_gha_loc wloc = {.title = "smoke-test"};

		/* Said once, where people look: a run page or the terminal. */
		(void)da_gha_annotate(
		    gha, da_gha_in_actions(gha) ? cmd : stderr, DA_GHA_WARNING,
		    &wloc,
		    "TLS certificates are not verified (insecure is on): a "
		    "pass does not prove who answered",
		    NULL);
	}
	rep.gha = gha;
	rep.spec_file = sf && *sf ? sf : NULL;
	rep.wait_timeout_ms = ro.timeout_ms;

	n_ready = ready_checks(spec);
	if (da_opt_bool(opts, "wait") && n_ready > 0) {
		prog.gha = gha;
		prog.f = stderr;
		prog.tty = !da_gha_in_actions(gha) && isatty(STDERR_FILENO);
		prog.width = terminal_width(STDERR_FILENO);
		ro.progress = progress_line;
		ro.progress_ctx = &prog;
		n = snprintf(title, sizeof(title), "Waiting for %zu check%s",
			     n_ready, n_ready == 1 ? "" : "s");
		if (n < 0 || (size_t)n >= sizeof(title))
			title[0] = '\0';
		if (da_gha_in_actions(gha))
			(void)da_gha_group_start(gha, stderr, title, NULL);
		r = da_check_wait(spec, &ro, &res, &werr);
		progress_end(&prog);
		if (da_gha_in_actions(gha))
			(void)da_gha_group_end(gha, stderr, NULL);
		if (r == -DA_ETIMEOUT) {
			/* Not healthy in time: a verdict, reported in full. */
			rep.res = res;
			rep.timed_out = 1;
			r = res ? reports(opts, gha, &rep, cmd, err) : 0;
			report_failure_line(r, err);
			r = da_err_setc(err, DA_EFAIL,
					DA_CODE_HEALTH_CHECK_FAILED, "%s",
					werr.msg);
			goto out;
		}
		if (r < 0) {
			*err = werr;
			goto out;
		}
		wait_res = res;
		res = NULL;
	}
	r = da_check_assert(spec, &ro, &res, err);
	if (r < 0)
		goto out;
	/* The polls it took to get ready belong to each check's story. */
	for (i = 0; wait_res && i < res->n && i < wait_res->n; i++)
		if (res->r[i].attempts == 0)
			res->r[i].attempts = wait_res->r[i].attempts;
	rep.res = res;
	r = reports(opts, gha, &rep, cmd, err);
	if (!res->healthy) {
		report_failure_line(r, err);
		r = verdict_error(res, err);
	}
out:
	da_check_results_free(res);
	da_check_results_free(wait_res);
	da_check_spec_free(spec);
	return r;
}

/* Like da_opt_main(), with the closing annotation on the command stream
 * that keeps standard output pure JSON under --json. */
int main(int argc, char *argv[])
{
	struct da_err err = DA_ERR_INIT;
	struct da_opts *opts = NULL;
	struct da_gha *gha = NULL;
	struct da_gha_loc loc = {0};
	const char *code;
	char t[96];
	int status, r, n;

	status =
	    da_opt_main_start(&tool, argc, argv, stdout, stderr, &gha, &opts);
	if (!opts)
		return status;
	r = run(opts, gha, &err);
	/* The message may quote what a server sent. */
	smoke_text_sanitize(err.msg);
	status = da_opt_main_finish(&tool, gha, stderr, r, &err);
	if (r < 0 && da_gha_in_actions(gha)) {
		code =
		    da_code_name(err.code ? err.code : da_err_default_code(r));
		n = snprintf(t, sizeof(t), "smoke-test%s%s", code ? ": " : "",
			     code ? code : "");
		if (n > 0 && (size_t)n < sizeof(t))
			loc.title = t;
		(void)da_gha_annotate(
		    gha, da_opt_bool(opts, "json") ? stderr : stdout,
		    DA_GHA_ERROR, &loc, err.msg[0] ? err.msg : da_strerror(r),
		    NULL);
	}
	da_opt_free(opts);
	da_gha_free(gha);
	return status;
}
