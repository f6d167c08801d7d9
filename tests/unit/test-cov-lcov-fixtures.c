/*
 * Real LCOV reports with totals known from the projects that ship them
 * (very_good_coverage, diff_cover).
 */
#include "test.h"
#include "cov-test.h"

static const char *fixture(const char *name)
{
	return cov_test_fixture("lcov", name);
}

/* Parses one fixture into a new model through format detection. */
static struct cov_model *load(const char *name, int *ret, struct da_err *err)
{
	struct cov_model *m = cov_test_model();
	struct cov_parse p = {NULL, NULL, NULL, NULL};
	enum cov_format f = COV_FORMAT_UNKNOWN;

	da_err_clear(err);
	p.model = m;
	*ret = cov_parse_any(&p, fixture(name), &f, err);
	if (*ret == 0 && f != COV_FORMAT_LCOV)
		*ret = -100 - (int)f;
	return m;
}

static void check(const char *name, enum cov_metric metric, uint64_t covered,
		  uint64_t total)
{
	struct da_err err = DA_ERR_INIT;
	struct cov_model *m;
	char what[256];
	int r = 0;

	m = load(name, &r, &err);
	format(what, sizeof(what), "%s parses as lcov", name);
	is_int(r, 0, what);
	if (r < 0)
		diag("%s", err.msg);
	format(what, sizeof(what), "%s %s %llu/%llu", name,
	       cov_metric_name(metric), (unsigned long long)covered,
	       (unsigned long long)total);
	is_count(m, metric, covered, total, what);
	cov_model_free(m);
}

static void test_very_good_coverage(void)
{
	struct da_err err = DA_ERR_INIT;
	struct cov_model *m;
	struct cov_file *f = NULL;
	uint32_t unc[8];
	size_t i;
	int r = 0;

	check("very_good_coverage-lcov.95.info", COV_LINES, 95, 100);
	check("very_good_coverage-lcov.100.info", COV_LINES, 100, 100);
	check("very_good_coverage-lcov.0.info", COV_LINES, 0, 0);

	m = load("very_good_coverage-lcov.95.info", &r, &err);
	is_int(cov_model_files(m), 5, "95: five files");
	is_int(cov_model_mismatches(m), 0, "95: LF/LH agree with DA");
	for (i = 0; i < cov_model_files(m); i++)
		if (strstr(cov_file_path(cov_model_file(m, i)),
			   "/bloc_observer.dart"))
			f = cov_model_file(m, i);
	ok(f != NULL, "95: bloc_observer.dart present");
	is_int(cov_file_uncovered(f, unc, 8), 5, "95: five uncovered lines");
	ok(unc[0] == 20 && unc[1] == 27 && unc[2] == 36 && unc[3] == 43 &&
	       unc[4] == 51,
	   "95: uncovered lines 20, 27, 36, 43, 51");
	cov_model_free(m);

	m = load("very_good_coverage-lcov.0.info", &r, &err);
	is_int(cov_model_files(m), 1, "0: one file without lines");
	cov_model_free(m);

	m = load("very_good_coverage-lcov.error.info", &r, &err);
	is_int(r, -DA_EINVAL, "error: not detected as a report");
	has_str(err.msg, "unknown coverage format", "error: message");
	cov_model_free(m);

	{
		struct cov_parse p = {NULL, NULL, NULL, NULL};

		m = cov_test_model();
		p.model = m;
		is_int(cov_parse_lcov(&p,
				      fixture("very_good_coverage-lcov.error."
					      "info"),
				      &err),
		       -DA_EINVAL, "error: the lcov parser refuses it");
		has_str(err.msg, "line 1: not an LCOV line",
			"error: parser message");
		cov_model_free(m);
	}
}

static void test_diff_cover(void)
{
	struct da_err err = DA_ERR_INIT;
	struct cov_model *m;
	int r = 0;

	check("diff_cover-inconsistent-lf-lh.info", COV_LINES, 5, 10);
	check("diff_cover-inconsistent-lf-lh.info", COV_BRANCHES, 0, 1);
	check("diff_cover-inconsistent-lf-lh.info", COV_FUNCTIONS, 2, 2);
	m = load("diff_cover-inconsistent-lf-lh.info", &r, &err);
	is_int(cov_model_mismatches(m), 1, "inconsistent: mismatch recorded");
	has_str(cov_model_mismatch(m, 0),
		"summary says lines 6/6, its records 5/10",
		"inconsistent: mismatch text");
	cov_model_free(m);

	check("diff_cover-real_cpp_coverage.lcov", COV_LINES, 27, 28);
	check("diff_cover-real_cpp_coverage.lcov", COV_FUNCTIONS, 5, 5);
	check("diff_cover-real_typescript_coverage.lcov", COV_LINES, 16, 16);
	check("diff_cover-real_typescript_coverage.lcov", COV_BRANCHES, 11, 11);
	check("diff_cover-real_typescript_coverage.lcov", COV_FUNCTIONS, 5, 5);

	/* Both diff_cover reports into one model: the sum of the two. */
	{
		struct cov_parse p = {NULL, NULL, NULL, NULL};
		m = cov_test_model();
		p.model = m;
		r = cov_parse_lcov(&p,
				   fixture("diff_cover-real_cpp_coverage."
					   "lcov"),
				   &err);
		r |= cov_parse_lcov(&p,
				    fixture("diff_cover-real_typescript_"
					    "coverage.lcov"),
				    &err);
		is_int(r, 0, "two reports into one model");
		is_count(m, COV_LINES, 43, 44, "merged lines 43/44");
		is_int(cov_model_mismatches(m), 0,
		       "each report agrees with its own LF/LH");
		cov_model_free(m);
	}
}

static void run_tests(void)
{
	cov_test_fixtures();
	test_very_good_coverage();
	test_diff_cover();
	cov_test_fixtures_done();
}
