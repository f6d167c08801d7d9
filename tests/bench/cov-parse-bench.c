/*
 * cov-parse-bench: the coverage-gate parsers alone, for the benchmark
 * (tests/bench/coverage.sh) when build/bin/coverage-gate cannot run a
 * report yet. It does what coverage-gate does before its gates: detects
 * each report's format, reads it into one model, and totals the model.
 *
 *   cov-parse-bench REPORT...
 *
 * Prints one line per metric with records ("lines 123/456") and the file
 * count; exit status 0, or 2 with the parser's message.
 */
#include <inttypes.h>
#include <stdio.h>

#include "actions/coverage-gate/model.h"
#include "common/error.h"

int main(int argc, char **argv)
{
	struct da_err err = DA_ERR_INIT;
	struct cov_model *m = NULL;
	struct cov_parse p = {NULL, NULL, NULL, NULL};
	int i, rc = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: cov-parse-bench REPORT...\n");
		return 2;
	}
	if (cov_model_new(&m, &err) < 0) {
		fprintf(stderr, "cov-parse-bench: %s\n", err.msg);
		return 3;
	}
	p.model = m;
	for (i = 1; i < argc; i++) {
		if (cov_parse_any(&p, argv[i], NULL, &err) < 0) {
			fprintf(stderr, "cov-parse-bench: %s\n", err.msg);
			rc = 2;
			goto out;
		}
	}
	printf("files %zu\n", cov_model_files(m));
	for (i = 0; i < COV__METRICS; i++) {
		struct cov_count c = cov_model_total(m, (enum cov_metric)i);

		if (c.total)
			printf("%s %" PRIu64 "/%" PRIu64 "\n",
			       cov_metric_name((enum cov_metric)i), c.covered,
			       c.total);
	}
out:
	cov_model_free(m);
	return rc;
}
