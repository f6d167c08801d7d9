/*
 * Istanbul parsers on a real run: MishaKav/jest-coverage-comment's
 * data/coverage_1, whose coverage-summary.json says lines 33/42,
 * statements 33/43, functions 2/6, branches 0/0; recomputing from its
 * coverage-final.json gives the same counts.
 */
#include "test.h"
#include "cov-test.h"

#define BASE "jest-coverage-comment-coverage-"

static void run_tests(void)
{
	struct da_buf final = DA_BUF_INIT(0), summ = DA_BUF_INIT(0);
	struct da_err err = DA_ERR_INIT;
	struct cov_model *m;
	struct cov_parse p = {NULL, NULL, NULL, NULL};
	struct cov_file *f = NULL;
	uint64_t hits = 0;
	size_t i;

	cov_test_fixtures();
	if (da_buf_adds(&final,
			cov_test_fixture("istanbul", BASE "final.json")) < 0 ||
	    da_buf_adds(&summ,
			cov_test_fixture("istanbul", BASE "summary.json")) < 0)
		skip_all("path too long");

	/* coverage-final.json: every figure recomputed from the records. */
	p.model = m = cov_test_model();
	is_int(cov_parse_istanbul(&p, da_buf_str(&final), &err), 0,
	       "coverage-final.json parses");
	if (err.msg[0])
		diag("%s", err.msg);
	is_count(m, COV_LINES, 33, 42, "lines 33/42 = 78.57%");
	is_count(m, COV_STATEMENTS, 33, 43, "statements 33/43 = 76.74%");
	is_count(m, COV_FUNCTIONS, 2, 6, "functions 2/6 = 33.33%");
	is_count(m, COV_BRANCHES, 0, 0, "branches 0/0");
	ok(cov_model_files(m) > 1, "several files");
	for (i = 0; i < cov_model_files(m); i++)
		if (strstr(cov_file_path(cov_model_file(m, i)),
			   "/src/controller.js"))
			f = cov_model_file(m, i);
	ok(f != NULL, "controller.js is there under its absolute path");
	if (f) {
		is_file_count(
		    f, COV_LINES, 7, 11,
		    "controller.js lines 7/11, as its summary entry says");
		ok(cov_file_line(f, 1, &hits) && hits > 0,
		   "controller.js line 1 ran");
	}

	/* The summary of the same run, next to it: figures agree. */
	is_int(cov_parse_istanbul_summary(&p, da_buf_str(&summ), &err), 0,
	       "coverage-summary.json beside it");
	is_count(m, COV_LINES, 33, 42, "lines unchanged");
	is_int(cov_model_mismatches(m), 0, "records and summary agree");
	for (i = 0; i < cov_model_mismatches(m); i++)
		diag("%s", cov_model_mismatch(m, i));
	cov_model_free(m);

	/* coverage-summary.json alone: the same figures, as the summary. */
	p.model = m = cov_test_model();
	is_int(cov_parse_istanbul_summary(&p, da_buf_str(&summ), &err), 0,
	       "coverage-summary.json parses");
	if (err.msg[0])
		diag("%s", err.msg);
	is_count(m, COV_LINES, 33, 42, "summary: lines 33/42");
	is_count(m, COV_STATEMENTS, 33, 43, "summary: statements 33/43");
	is_count(m, COV_FUNCTIONS, 2, 6, "summary: functions 2/6");
	is_count(m, COV_BRANCHES, 0, 0, "summary: branches 0/0");
	is_int(cov_model_files(m), 0, "a summary adds no files");
	cov_model_free(m);

	/* The final report is not a summary, nor the other way round. */
	p.model = m = cov_test_model();
	is_int(cov_parse_istanbul_summary(&p, da_buf_str(&final), &err),
	       -DA_EINVAL, "coverage-final.json is not a summary");
	has_str(err.msg, "no 'total' object", "and the message says why");
	is_int(cov_parse_istanbul(&p, da_buf_str(&summ), &err), -DA_EINVAL,
	       "coverage-summary.json is not a final report");
	has_str(err.msg, "file 'total'", "naming the entry it choked on");
	cov_model_free(m);

	da_buf_release(&final);
	da_buf_release(&summ);
	cov_test_fixtures_done();
}
