/*
 * report: what smoke-test tells people and machines about a run.
 *
 * One set of results (struct da_check_results, from the wait or the assert
 * phase) becomes, on request: the human lines for standard output, the
 * JSON document of --json (the HealthCheckResult shape), a JUnit XML file,
 * the job summary (a table, a mermaid latency chart and the timing of
 * each check's median request), the step outputs (healthy, failed-checks,
 * p95-ms) and one error annotation per failed check.
 *
 * Every text that came from a spec or a server passes through the
 * redactor (da_gha_redact() of rep->gha, when set) before it is escaped
 * for its format, so a secret is masked in every report, and is made
 * valid UTF-8 (bad bytes become U+FFFD) so that JSON and XML stay valid.
 *
 * Nothing here prints: the builders append to a caller's struct da_buf;
 * only smoke_report_annotate() writes, to the FILE * main.c gives it, and
 * smoke_report_junit_write() to the file it names. The report does not
 * own the results.
 */
#ifndef SMOKE_REPORT_H
#define SMOKE_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/buf.h"
#include "common/check.h"
#include "common/error.h"
#include "common/gha.h"

/* Ceilings for the reports built in memory. */
#define SMOKE_MAX_REPORT ((size_t)64 << 20) /* JSON, JUnit, human text */
#define SMOKE_MAX_CHART_BARS 40		    /* checks in the latency chart */
#define SMOKE_MAX_CHART_LABEL 30	    /* characters of one chart label */
#define SMOKE_MAX_ANNOTATIONS 50	    /* error annotations per run */

struct smoke_report {
	const struct da_check_results *res;
	const struct da_gha *gha; /* redacts every text; NULL: none */
	const char *spec_file;	  /* the spec's path; NULL: quick form */
	int timed_out;		  /* the results are the wait phase's last */
	int64_t wait_timeout_ms;  /* the wait that ran out, for the text */
};

/*
 * Appends the human report: one line per check ("✓ health  200  p50 1.2ms
 * p95 3.4ms", "✗ version  200  [BODY].version (1.4.1) == 1.4.2"), then the
 * verdict ("healthy: 3 of 3 checks"). color adds ANSI colours.
 */
int smoke_report_text(const struct smoke_report *rep, int color,
		      struct da_buf *out, struct da_err *err);

/*
 * Appends the --json document: {"healthy", "checks": [...],
 * "failed_checks", "code"}, each check with name, timestamp, endpoint,
 * status, latency, p50/p95/p99/max/mean (ms), attempts, timing, failures,
 * conditions and tags. Ends with a newline.
 */
int smoke_report_json(const struct smoke_report *rep, struct da_buf *out,
		      struct da_err *err);

/*
 * The same JSON written to stream as it is made, a check at a time, so
 * that memory does not grow with the number of checks.
 */
int smoke_report_json_write(const struct smoke_report *rep, FILE *stream,
			    struct da_err *err);

/*
 * Appends a JUnit XML document: <testsuites> holding one <testsuite> with
 * one <testcase> per check; a failed check has a <failure> whose message
 * lists the failed conditions; tags are <property name="tag">.
 */
int smoke_report_junit(const struct smoke_report *rep, struct da_buf *out,
		       struct da_err *err);

/* Builds the JUnit document and replaces the file at path atomically. */
int smoke_report_junit_write(const struct smoke_report *rep, const char *path,
			     struct da_err *err);

/*
 * Appends the job summary in GitHub-flavoured markdown: the verdict as a
 * heading, a table of checks, a mermaid bar chart of p50 and p95 and a
 * table of the timing of each check's median request.
 */
int smoke_report_summary(const struct smoke_report *rep, struct da_buf *out,
			 struct da_err *err);

/*
 * Sets the step outputs: healthy (true/false), failed-checks (names,
 * comma-separated) and p95-ms (the highest p95 in whole milliseconds,
 * empty when no request was answered).
 */
int smoke_report_outputs(const struct smoke_report *rep, struct da_gha *gha,
			 struct da_err *err);

/*
 * Writes one error annotation per failed check to out, titled
 * "smoke-test: <check>", with the failed conditions as the message and
 * the check's file and line when it came from a spec file. At most
 * SMOKE_MAX_ANNOTATIONS; the rest are counted in a last one.
 */
int smoke_report_annotate(const struct smoke_report *rep, struct da_gha *gha,
			  FILE *out, struct da_err *err);

/*
 * Replaces, in place, control characters and bytes that are not valid
 * UTF-8 with '?', so that a line quoting a server is safe on a terminal.
 */
void smoke_text_sanitize(char *s);

/*
 * Formats a duration given in microseconds for people: "0.4ms", "12.3ms",
 * "612ms", "1.52s". Returns buf, or NULL when size is too small
 * (SMOKE_MS_SIZE always suffices).
 */
#define SMOKE_MS_SIZE 32
char *smoke_format_us(int64_t us, char *buf, size_t size);

#endif
