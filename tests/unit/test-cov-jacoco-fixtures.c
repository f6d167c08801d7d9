/*
 * JaCoCo parser on a real report: Madrapps/jacoco-report's
 * __tests__/__fixtures__/report.xml, whose project asserts an overall
 * 35.25% (INSTRUCTION 43/122); its counters give LINE 12/27, BRANCH 2/6
 * and METHOD 10/22.
 */
#include "test.h"
#include "cov-test.h"

static void run_tests(void)
{
	struct da_buf path = DA_BUF_INIT(0);
	struct da_err err = DA_ERR_INIT;
	struct cov_model *m, *twice;
	struct cov_parse p = {NULL, NULL, NULL, NULL};
	size_t i;

	cov_test_fixtures();
	if (da_buf_adds(&path, cov_test_fixture(
				   "jacoco", "jacoco-report-report.xml")) < 0)
		skip_all("path too long");
	twice = cov_test_model();
	m = cov_test_load(cov_parse_jacoco, da_buf_str(&path),
			  "jacoco-report's report.xml parses");

	/* What the report's own <counter>s say, as the summary. */
	is_count(m, COV_INSTRUCTIONS, 43, 122,
		 "INSTRUCTION 43/122 = 35.25%, as jacoco-report asserts");
	is_count(m, COV_LINES, 12, 27, "LINE 12/27");
	is_count(m, COV_BRANCHES, 2, 6, "BRANCH 2/6");
	is_count(m, COV_FUNCTIONS, 10, 22, "METHOD 10/22");
	/* The records and the counters agree: no mismatch was recorded. */
	is_int(cov_model_mismatches(m), 0,
	       "the line records agree with the report's counters");
	for (i = 0; i < cov_model_mismatches(m); i++)
		diag("%s", cov_model_mismatch(m, i));

	is_int(cov_model_files(m), 3, "three source files");
	is_file_count(cov_test_file(m, "com/madrapps/jacoco/Utility.java"),
		      COV_LINES, 3, 11,
		      "Utility.java: lines 3/11, as its counter");
	ok(cov_test_file_total(cov_test_file(m, "com/madrapps/jacoco/Math.kt"),
			       COV_LINES)
		   .total > 0,
	   "Math.kt has lines");
	{
		struct cov_file *f =
		    cov_test_file(m, "com/madrapps/jacoco/Utility.java");
		uint64_t hits = 0;

		ok(f && cov_file_line(f, 10, &hits) && hits == 4,
		   "Utility.java line 10 has ci 4");
		ok(f && cov_file_line(f, 6, &hits) && hits == 0,
		   "Utility.java line 6 is instrumented, not covered");
	}

	/* The same report twice: a merge, not a doubling of the totals. */
	p.model = twice;
	is_int(cov_parse_jacoco(&p, da_buf_str(&path), &err), 0, "first");
	is_int(cov_parse_jacoco(&p, da_buf_str(&path), &err), 0, "second");
	is_count(twice, COV_LINES, 12, 27, "lines still 12/27");
	is_count(twice, COV_BRANCHES, 2, 6, "branches still 2/6");
	is_count(twice, COV_FUNCTIONS, 10, 22, "methods still 10/22");
	is_int(cov_model_mismatches(twice), 0,
	       "each report's counters match its own records");

	cov_model_free(m);
	cov_model_free(twice);
	da_buf_release(&path);
	cov_test_fixtures_done();
}
