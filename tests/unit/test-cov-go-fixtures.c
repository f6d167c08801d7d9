/*
 * A real Go coverprofile with totals known from the project that ships it
 * (fgrosse/go-coverage-report: 92 of 102 statements).
 */
#include "test.h"
#include "cov-test.h"

static void run_tests(void)
{
	const char *path;
	struct da_err err = DA_ERR_INIT;
	struct cov_model *m;
	struct cov_parse p = {NULL, NULL, NULL, NULL};
	enum cov_format f = COV_FORMAT_UNKNOWN;
	struct cov_count c, max;
	size_t i;
	int r;

	cov_test_fixtures();
	path = cov_test_fixture("go", "go-coverage-report-01-new-coverage.out");
	m = cov_test_model();
	p.model = m;
	r = cov_parse_any(&p, path, &f, &err);
	is_int(r, 0, "the profile parses");
	if (r < 0)
		diag("%s", err.msg);
	is_str(cov_format_name(f), "go", "detected as go");
	is_count(m, COV_STATEMENTS, 92, 102, "statements 92/102");
	/* max_heap.go alone: all 50 of its statements are covered. */
	max.covered = max.total = 0;
	for (i = 0; i < cov_model_files(m); i++) {
		struct cov_file *file = cov_model_file(m, i);

		if (!strstr(cov_file_path(file), "/max_"))
			continue;
		c = cov_file_total(file, COV_STATEMENTS);
		max.covered += c.covered;
		max.total += c.total;
	}
	is_cov(max, 50, 50, "max_heap.go statements 50/50");
	ok(strncmp(cov_file_path(cov_model_file(m, 0)),
		   "github.com/fgrosse/prioqueue/", 29) == 0,
	   "import paths kept");
	c = cov_model_total(m, COV_LINES);
	ok(c.total > 0 && c.covered < c.total, "a line view exists");

	/* The same profile again: counts double, coverage stays. */
	r = cov_parse_go(&p, path, &err);
	is_int(r, 0, "the profile merges with itself");
	is_count(m, COV_STATEMENTS, 92, 102, "still 92/102 after the merge");
	cov_model_free(m);
	cov_test_fixtures_done();
}
