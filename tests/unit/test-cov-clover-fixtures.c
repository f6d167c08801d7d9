/*
 * The Clover report jest wrote in the same run as the Istanbul fixtures
 * (see SOURCES.tsv beside the fixtures): lines 33/42, functions 2/6.
 */
#include "test.h"
#include "cov-test.h"

static void run_tests(void)
{
	static const char dir[] =
	    "/Users/misha/Downloads/GithubSamples/api-testing-example/src/";
	struct cov_model *m;
	struct cov_file *f;
	uint32_t un[8];
	char name[256];

	cov_test_fixtures();
	m = cov_test_load(
	    cov_parse_clover,
	    cov_test_fixture("clover", "jest-coverage-comment-clover.xml"),
	    "jest's clover.xml parses");
	/* Istanbul's writer emits one stmt per line: its "statements" are
	 * the 42 lines, not Istanbul's 43 statements. */
	is_count(m, COV_LINES, 33, 42,
		 "lines from the stmt lines 33/42 (78.57%)");
	is_count(m, COV_STATEMENTS, 33, 42,
		 "statements from the metrics 33/42");
	is_count(m, COV_FUNCTIONS, 2, 6,
		 "functions from the metrics 2/6 (33.33%)");
	is_count(m, COV_BRANCHES, 0, 0, "no branches");
	is_int(cov_model_mismatches(m), 0, "the metrics agree");
	is_int(cov_model_files(m), 6, "six files");
	format(name, sizeof(name), "%scontroller.js", dir);
	f = cov_test_file(m, name);
	ok(f != NULL, "files are their absolute path as written");
	if (f) {
		is_file_count(f, COV_LINES, 7, 11,
			      "controller.js 7/11, as its own metrics say");
		is_int(cov_file_uncovered(f, un, 8), 4, "four uncovered");
		ok(un[0] == 14 && un[1] == 15 && un[2] == 16 && un[3] == 18,
		   "lines 14, 15, 16 and 18");
	}
	format(name, sizeof(name), "%sutils/config.js", dir);
	f = cov_test_file(m, name);
	if (f)
		is_file_count(f, COV_LINES, 2, 2, "utils/config.js 2/2");
	else
		ok(0, "utils/config.js is there");
	cov_model_free(m);
	cov_test_fixtures_done();
}
