/*
 * Cobertura reports written by real tools, with the totals their own
 * projects assert (see SOURCES.tsv beside the fixtures).
 */
#include "test.h"
#include "cov-test.h"

/* Per-file figures as a percentage times 100, truncated. */
static long long pct100(struct cov_count c)
{
	return c.total ? (long long)(c.covered * 10000 / c.total) : -1;
}

/* A fixture of this format read into a new model (one check). */
static struct cov_model *load(const char *name)
{
	return cov_test_load(cov_parse_cobertura,
			     cov_test_fixture("cobertura", name), name);
}

static void test_coverlet(void)
{
	struct cov_model *m =
	    load("codecoveragesummary-coverlet.cobertura.xml");

	is_count(m, COV_LINES, 1212, 1460, "coverlet lines 1212/1460 (83.01%)");
	is_count(m, COV_BRANCHES, 262, 378,
		 "coverlet branches 262/378 (69.31%)");
	is_int(cov_model_mismatches(m), 0,
	       "coverlet's root agrees with its lines");
	ok(cov_test_file(m, "EDlib\\Exceptions\\APIException.cs") != NULL,
	   "coverlet's Windows filenames are kept as written");
	cov_model_free(m);
}

static void test_branch(void)
{
	struct cov_model *m = load("cobertura-action-test-branch.xml");
	struct cov_file *b, *l;

	is_count(m, COV_LINES, 27, 30, "Cobertura 1.9 lines 27/30");
	is_count(m, COV_BRANCHES, 9, 12,
		 "Cobertura 1.9 branches 9/12 (root branch-rate 0.75)");
	is_int(cov_model_files(m), 4, "four classes, four files");
	b = cov_test_file(m, "search/BinarySearch.java");
	l = cov_test_file(m, "search/LinearSearch.java");
	ok(b && l, "files under a package keep their relative path");
	if (b && l) {
		is_int(pct100(cov_file_total(b, COV_LINES)), 9166,
		       "BinarySearch lines 91.67%");
		is_int(pct100(cov_file_total(l, COV_LINES)), 7142,
		       "LinearSearch lines 71.43%");
		is_int(pct100(cov_file_total(b, COV_BRANCHES)), 8333,
		       "BinarySearch branches 83.33%");
		is_int(pct100(cov_file_total(l, COV_BRANCHES)), 6666,
		       "LinearSearch branches 66.67%");
	}
	l = cov_test_file(m, "search/ISortedArraySearch.java");
	ok(l != NULL, "a class without lines is still a file");
	if (l)
		is_file_count(l, COV_LINES, 0, 0, "with no lines");
	cov_model_free(m);
}

static void test_istanbul(void)
{
	struct cov_model *m = load("cobertura-action-test-istanbul.xml");

	is_count(m, COV_LINES, 51, 51, "Istanbul's Cobertura lines 51/51");
	/*
	 * The root says branches 35/35, but the lines' condition-coverage
	 * holds 16 branches, all taken: the records win (100% either way)
	 * and the difference is noted for a warning.
	 */
	is_count(m, COV_BRANCHES, 16, 16,
		 "Istanbul's Cobertura branches from its lines 16/16");
	is_int(cov_model_mismatches(m), 1, "its root's branch figure differs");
	if (cov_model_mismatches(m))
		has_str(cov_model_mismatch(m, 0), "branches 35/35",
			"the note quotes the root's 35/35");
	ok(cov_test_file(m, "src/action.js") != NULL,
	   "classes directly under <packages> are read");
	cov_model_free(m);
}

static void test_diff_cover(void)
{
	struct cov_model *m = load("diff_cover-coverage1.xml");
	struct da_err err = DA_ERR_INIT;
	struct cov_parse p = {NULL, NULL, NULL, NULL};
	struct cov_file *f;
	uint64_t hits = 99;

	is_count(m, COV_LINES, 5, 10, "diff_cover coverage1 alone 5/10");
	f = cov_test_file(m, "test_src.txt");
	ok(f && cov_file_line(f, 2, &hits) && hits == 0,
	   "line 2 is uncovered in coverage1");
	p.model = m;
	is_int(cov_parse_cobertura(
		   &p,
		   cov_test_fixture("cobertura", "diff_cover-coverage2.xml"),
		   &err),
	       0, "coverage2 into the same model");
	is_count(m, COV_LINES, 6, 10, "merged: covered in any report");
	ok(f && cov_file_line(f, 2, &hits) && hits == 1,
	   "line 2, covered only in coverage2, is covered");
	ok(f && cov_file_line(f, 4, &hits) && hits == 0,
	   "line 4, covered in neither, is not");
	is_int(cov_model_files(m), 1, "one file");
	cov_model_free(m);
}

static void run_tests(void)
{
	cov_test_fixtures();
	test_coverlet();
	test_branch();
	test_istanbul();
	test_diff_cover();
	cov_test_fixtures_done();
}
