#include "test.h"
#include "cov-test.h"

static void test_lines(void)
{
	struct da_err err = DA_ERR_INIT;
	struct cov_model *m = NULL;
	struct cov_file *a = NULL, *a2 = NULL, *b = NULL;
	struct cov_count c;
	uint32_t unc[4];
	uint64_t hits = 99;
	uint32_t i;

	is_int(cov_model_new(&m, &err), 0, "model made");
	is_int(cov_file_get(m, "src/b.c", &b, &err), 0, "file b");
	is_int(cov_file_get(m, "src/a.c", &a, &err), 0, "file a");
	is_int(cov_file_get(m, "src/a.c", &a2, &err), 0, "file a again");
	ok(a == a2, "one record per path");
	is_int(cov_line_add(a, 1, 3, &err), 0, "line 1");
	is_int(cov_line_add(a, 2, 0, &err), 0, "line 2 unhit");
	is_int(cov_line_add(a, 3, 0, &err), 0, "line 3 unhit");
	is_int(cov_line_add(a, 3, 2, &err), 0, "line 3 hit by another report");
	is_int(cov_line_add(a, 1, UINT64_MAX, &err), 0, "huge count");
	ok(cov_file_line(a, 1, &hits) == 1 && hits == UINT64_MAX,
	   "hits saturate instead of wrapping");
	ok(cov_file_line(a, 3, &hits) == 1 && hits == 2, "hits summed");
	ok(cov_file_line(a, 7, &hits) == 0 && hits == 0,
	   "a line without a record is not instrumented");
	is_int(cov_line_add(a, 0, 1, &err), -DA_EINVAL, "line 0 refused");
	has_str(err.msg, "src/a.c", "the error names the file");
	is_int(cov_line_add(a, DA_MAX_COV_LINE + 1, 1, &err), -DA_EINVAL,
	       "line past the ceiling refused");
	is_int(cov_line_add(a, DA_MAX_COV_LINE, 1, &err), 0,
	       "the highest line is accepted");
	is_file_count(a, COV_LINES, 3, 4, "file totals lines 3/4");
	for (i = 10; i < 5000; i++)
		cov_line_add(b, i, i % 2, &err);
	c = cov_model_total(m, COV_LINES);
	is_int(c.total, 4 + 4990, "model total over a grown table");
	is_int(c.covered, 3 + 2495, "model covered over a grown table");
	is_int(cov_file_uncovered(a, unc, 4), 1, "one uncovered line in a");
	is_int(unc[0], 2, "the uncovered line is 2");
	is_int(cov_file_uncovered(b, unc, 4), 2495, "count of uncovered in b");
	ok(unc[0] == 10 && unc[1] == 12 && unc[2] == 14 && unc[3] == 16,
	   "uncovered lines ascending, first max written");
	is_int(cov_file_uncovered(b, NULL, 0), 2495, "count only");

	is_int(cov_model_files(m), 2, "two files");
	is_str(cov_file_path(cov_model_file(m, 0)), "src/a.c", "sorted first");
	is_str(cov_file_path(cov_model_file(m, 1)), "src/b.c", "sorted second");
	ok(cov_model_file(m, 2) == NULL, "past the end is NULL");
	cov_file_get(m, "src/0.c", &a2, &err);
	is_str(cov_file_path(cov_model_file(m, 0)), "src/0.c",
	       "re-sorted after a new file");
	ok(cov_file_path(cov_model_file(m, 1)) == cov_file_path(a),
	   "file pointers survive sorting");
	is_count(m, COV_BRANCHES, 0, 0, "no branches: 0/0");
	cov_model_free(m);
	cov_model_free(NULL);
}

static void test_many_files(void)
{
	struct da_err err = DA_ERR_INIT;
	struct cov_model *m = NULL;
	struct cov_file *f = NULL;
	char path[32];
	size_t i, bad = 0;

	cov_model_new(&m, &err);
	for (i = 0; i < 3000; i++) {
		format(path, sizeof(path), "f%05zu.c", 2999 - i);
		if (cov_file_get(m, path, &f, &err) < 0 ||
		    cov_line_add(f, 1, i, &err) < 0)
			bad++;
	}
	is_int(bad, 0, "3000 files added");
	is_int(cov_model_files(m), 3000, "3000 files listed");
	for (i = 0; i < 3000; i++) {
		format(path, sizeof(path), "f%05zu.c", i);
		if (strcmp(cov_file_path(cov_model_file(m, i)), path) != 0)
			bad++;
	}
	is_int(bad, 0, "in path order");
	cov_file_get(m, "f00007.c", &f, &err);
	is_str(cov_file_path(f), "f00007.c", "found again by path");
	is_int(cov_file_total(f, COV_LINES).covered, 1, "with its record");
	cov_model_free(m);
}

static void test_branches(void)
{
	struct da_err err = DA_ERR_INIT;
	struct cov_model *m = NULL;
	struct cov_file *f = NULL;
	char name[DA_MAX_COV_NAME + 2];

	cov_model_new(&m, &err);
	cov_file_get(m, "x.c", &f, &err);
	is_int(cov_branch_add(f, 5, "0,0,0", -1, &err), 0, "never evaluated");
	is_int(cov_branch_add(f, 5, "0,0,1", 0, &err), 0, "not taken");
	is_int(cov_branch_add(f, 5, "0,0,1", -1, &err), 0, "- plus 0");
	is_file_count(f, COV_BRANCHES, 0, 2, "0/2 branches");
	is_int(cov_branch_add(f, 5, "0,0,0", 4, &err), 0, "- plus 4");
	is_file_count(f, COV_BRANCHES, 1, 2, "- plus n is n: 1/2");
	is_int(cov_branch_add(f, 5, "0,0,0", -2, &err), -DA_EINVAL,
	       "below -1 refused");
	is_int(cov_branch_add(f, 6, "", 1, &err), -DA_EINVAL,
	       "empty id refused");
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	is_int(cov_branch_add(f, 6, name, 1, &err), -DA_ELIMIT,
	       "overlong id refused");
	name[DA_MAX_COV_NAME] = '\0';
	is_int(cov_branch_add(f, 6, name, 1, &err), 0,
	       "id of the maximum length");

	/* Counts per line from two reports merge branch by branch. */
	is_int(cov_branch_counts(f, 9, 1, 4, &err), 0, "1 of 4 on line 9");
	is_int(cov_branch_counts(f, 9, 2, 4, &err), 0, "2 of 4 on line 9");
	is_file_count(f, COV_BRANCHES, 4, 7, "merged: 4/7 with line 9 2/4");
	is_int(cov_branch_counts(f, 9, 5, 4, &err), -DA_EINVAL,
	       "more covered than total refused");
	is_int(cov_branch_counts(f, 9, 0, 65537, &err), -DA_ELIMIT,
	       "absurd branch count per line refused");
	is_int(cov_branch_counts(f, 0, 0, 2, &err), -DA_EINVAL,
	       "branch on line 0 refused");
	is_int(cov_branch_add(f, 10, "a", 0, &err), 0, "id 'a' not taken");
	is_int(cov_branch_add(f, 11, "a", 1, &err), 0, "same id other line");
	is_file_count(f, COV_BRANCHES, 5, 9, "ids are per line");
	cov_model_free(m);
}

static void test_functions_statements(void)
{
	struct da_err err = DA_ERR_INIT;
	struct cov_model *m = NULL;
	struct cov_file *f = NULL;

	cov_model_new(&m, &err);
	cov_file_get(m, "main.go", &f, &err);
	is_int(cov_function_add(f, "main", 3, 0, &err), 0, "function");
	is_int(cov_function_add(f, "main", 4, 2, &err), 0, "same, hits");
	is_int(cov_function_add(f, "helper", 0, 0, &err), 0, "no line known");
	is_file_count(f, COV_FUNCTIONS, 1, 2, "functions 1/2");
	is_int(cov_function_add(f, "", 1, 0, &err), -DA_EINVAL,
	       "empty name refused");

	is_int(cov_statement_add(f, "3.1,5.2", 3, 5, 4, 0, 1, &err), 0,
	       "block unhit");
	is_int(cov_statement_add(f, "6.1,6.9", 6, 6, 1, 1, 1, &err), 0,
	       "block hit");
	is_int(cov_statement_add(f, "6.1,6.9", 6, 6, 1, 1, 1, &err), 0,
	       "set mode merges by OR");
	is_file_count(f, COV_STATEMENTS, 1, 5, "statements 1/5");
	is_int(cov_statement_add(f, "3.1,5.2", 3, 5, 3, 1, 1, &err), -DA_EINVAL,
	       "other NumStmt refused");
	has_str(err.msg, "inconsistent NumStmt", "the message says so");
	is_int(cov_statement_add(f, "7.1,5.1", 7, 5, 1, 1, 0, &err), -DA_EINVAL,
	       "block ending before it starts refused");
	is_int(cov_statement_add(f, "3.1,5.2", 3, 5, 4, 7, 0, &err), 0,
	       "count mode sums");
	is_file_count(f, COV_STATEMENTS, 5, 5, "statements 5/5");

	is_int(cov_instructions_add(f, 2, 1, 3, &err), 0, "instructions");
	is_int(cov_instructions_add(f, 2, 3, 1, &err), 0, "larger covered");
	is_int(cov_instructions_add(f, 2, 2, 2, &err), 0, "smaller covered");
	is_file_count(f, COV_INSTRUCTIONS, 3, 4,
		      "instructions keep the larger 3/4");
	cov_model_free(m);
}

static void test_summary(void)
{
	struct da_err err = DA_ERR_INIT;
	struct cov_model *m = NULL;
	struct cov_file *f = NULL;

	cov_model_new(&m, &err);
	is_str(cov_metric_name(COV_BRANCHES), "branches", "metric name");
	is_int(cov_model_summary(m, COV_LINES, 6, 6, "s.json", &err), 0,
	       "summary without records");
	is_count(m, COV_LINES, 6, 6, "summary is the fallback");
	is_int(cov_model_mismatches(m), 0, "no records, no mismatch");
	is_int(cov_model_summary(m, COV_LINES, 7, 6, "s.json", &err),
	       -DA_EINVAL, "covered above total refused");

	cov_model_report_begin(m);
	cov_file_get(m, "a.c", &f, &err);
	cov_line_add(f, 1, 1, &err);
	cov_line_add(f, 2, 0, &err);
	is_int(cov_model_summary(m, COV_LINES, 1, 2, "one.info", &err), 0,
	       "agreeing summary");
	is_int(cov_model_mismatches(m), 0, "agreement is no mismatch");
	is_count(m, COV_LINES, 1, 2, "records win over summaries");

	cov_model_report_begin(m);
	cov_file_get(m, "b.c", &f, &err);
	cov_line_add(f, 1, 0, &err);
	is_int(cov_model_summary(m, COV_LINES, 1, 1, "two.info", &err), 0,
	       "disagreeing summary");
	is_int(cov_model_mismatches(m), 1, "one mismatch");
	is_str(cov_model_mismatch(m, 0),
	       "report 'two.info': summary says lines 1/1, its records 0/1",
	       "mismatch text names only this report's files");
	ok(cov_model_mismatch(m, 1) == NULL, "past the end is NULL");
	cov_model_free(m);
}

struct detect_case {
	const char *head;
	enum cov_format want;
};

static void test_detect(void)
{
	static const struct detect_case cases[] = {
	    {"TN:\nSF:a.c\n", COV_FORMAT_LCOV},
	    {"SF:a.c\r\nDA:1,1\r\n", COV_FORMAT_LCOV},
	    {"; comment\n\n# more\nSF:x\n", COV_FORMAT_LCOV},
	    {"\xef\xbb\xbfTN:t\n", COV_FORMAT_LCOV},
	    {"DA:1,1\n", COV_FORMAT_UNKNOWN},
	    {"this should not parse\n", COV_FORMAT_UNKNOWN},
	    {"mode: set\na.go:1.1,2.1 1 1\n", COV_FORMAT_GO},
	    {"mode: atomic\n", COV_FORMAT_GO},
	    {"<?xml version=\"1.0\" ?>\n<!DOCTYPE coverage SYSTEM 'x.dtd'>\n"
	     "<coverage line-rate=\"0.5\">",
	     COV_FORMAT_COBERTURA},
	    {"\xef\xbb\xbf<?xml version=\"1.0\"?>\n<!-- <report> -->\n"
	     "<coverage version=\"1\">\n<packages>",
	     COV_FORMAT_COBERTURA},
	    {"<?xml version=\"1.0\"?>\n<coverage generated=\"1\" "
	     "clover=\"3.2.0\">\n  <project name=\"x\">",
	     COV_FORMAT_CLOVER},
	    {"<?xml version=\"1.0\"?><!DOCTYPE report PUBLIC \"-//JACOCO//DTD "
	     "Report 1.1//EN\" \"report.dtd\"><report name=\"x\">",
	     COV_FORMAT_JACOCO},
	    /* an internal subset holds '>' of its own */
	    {"<?xml version=\"1.0\"?>\n<!DOCTYPE coverage [\n"
	     "  <!ENTITY a \"x\">\n  <!ELEMENT coverage ANY>\n]>\n"
	     "<coverage line-rate=\"1\"><packages>",
	     COV_FORMAT_COBERTURA},
	    {"<!DOCTYPE report [<!ENTITY x \"y\">]><report name=\"x\">",
	     COV_FORMAT_JACOCO},
	    {"<!DOCTYPE report [<!ENTITY x \"y\">", COV_FORMAT_UNKNOWN},
	    {"<coverage>", COV_FORMAT_UNKNOWN},
	    {"<html><body>", COV_FORMAT_UNKNOWN},
	    {"<?xml version=\"1.0\"", COV_FORMAT_UNKNOWN},
	    {"<!-- never closed", COV_FORMAT_UNKNOWN},
	    {"{\"/src/a.js\": {\"path\": \"/src/a.js\", \"statementMap\": {}}}",
	     COV_FORMAT_ISTANBUL},
	    {"{\n  \"total\": {\n    \"lines\": {\"total\": 4, \"pct\": 50}",
	     COV_FORMAT_ISTANBUL_SUMMARY},
	    {"{\"name\": \"package\"}", COV_FORMAT_UNKNOWN},
	    {"", COV_FORMAT_UNKNOWN},
	    {"   \n\t", COV_FORMAT_UNKNOWN},
	};
	char name[64];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		format(name, sizeof(name), "detect case %zu is %s", i,
		       cov_format_name(cases[i].want));
		is_str(cov_format_name(
			   cov_detect(cases[i].head, strlen(cases[i].head))),
		       cov_format_name(cases[i].want), name);
	}
	is_int(cov_detect("TN:x", 2), COV_FORMAT_UNKNOWN,
	       "only n bytes are looked at");
	is_int(cov_detect(NULL, 0), COV_FORMAT_UNKNOWN, "NULL head");
	is_str(cov_format_name(COV_FORMAT_ISTANBUL_SUMMARY), "istanbul-summary",
	       "format name");
	is_str(cov_format_name((enum cov_format)99), "unknown",
	       "unknown format name");
}

static void test_go_mode(void)
{
	struct da_err err = DA_ERR_INIT;
	struct cov_model *m = NULL;

	cov_model_new(&m, &err);
	is_int(cov_model_go_mode(m, "atomic", &err), 0, "first mode");
	is_int(cov_model_go_mode(m, "count", &err), 0, "count with atomic");
	is_int(cov_model_go_mode(m, "set", &err), -DA_EINVAL,
	       "set with atomic refused");
	is_int(cov_model_go_mode(m, "sometimes", &err), -DA_EINVAL,
	       "unknown mode refused");
	cov_model_free(m);
	cov_model_new(&m, &err);
	is_int(cov_model_go_mode(m, "set", &err), 0, "set first");
	is_int(cov_model_go_mode(m, "set", &err), 0, "set again");
	is_int(cov_model_go_mode(m, "count", &err), -DA_EINVAL,
	       "count after set refused");
	cov_model_free(m);
}

/* One run's LCOV (named ids) and Cobertura (counts per line) together. */
static void test_mixed_branches(void)
{
	struct cov_model *m = NULL;
	struct cov_file *f = NULL;
	struct da_err err = DA_ERR_INIT;
	struct cov_count c;

	if (cov_model_new(&m, &err) < 0 ||
	    cov_file_get(m, "a.c", &f, &err) < 0) {
		ok(0, "a model");
		return;
	}
	/* line 5: LCOV says 2 of 3, Cobertura (2/3): the same branches */
	(void)cov_branch_add(f, 5, "0,0", 4, &err);
	(void)cov_branch_add(f, 5, "0,1", 0, &err);
	(void)cov_branch_add(f, 5, "0,2", 1, &err);
	(void)cov_branch_counts(f, 5, 2, 3, &err);
	/* line 7: LCOV only; line 9: Cobertura only */
	(void)cov_branch_add(f, 7, "0,0", -1, &err);
	(void)cov_branch_add(f, 7, "0,1", 1, &err);
	(void)cov_branch_counts(f, 9, 1, 2, &err);
	/* line 11: Cobertura saw more taken than LCOV (another run) */
	(void)cov_branch_add(f, 11, "0,0", 0, &err);
	(void)cov_branch_add(f, 11, "0,1", 0, &err);
	(void)cov_branch_counts(f, 11, 1, 2, &err);
	c = cov_file_total(f, COV_BRANCHES);
	is_int((int)c.total, 3 + 2 + 2 + 2,
	       "mixed ids: a line both describe counts its branches once");
	is_int((int)c.covered, 2 + 1 + 1 + 1,
	       "and the larger covered figure of the two");
	cov_model_free(m);

	if (cov_model_new(&m, &err) < 0 ||
	    cov_file_get(m, "b.c", &f, &err) < 0) {
		ok(0, "a model");
		return;
	}
	(void)cov_branch_counts(f, 3, 1, 4, &err);
	(void)cov_branch_counts(f, 3, 3, 4, &err);
	c = cov_file_total(f, COV_BRANCHES);
	ok(c.total == 4 && c.covered == 3,
	   "two count-only reports of a line: max of each");
	cov_model_free(m);
}

static void run_tests(void)
{
	test_detect();
	test_mixed_branches();
	test_go_mode();
	test_lines();
	test_many_files();
	test_branches();
	test_functions_statements();
	test_summary();
}
