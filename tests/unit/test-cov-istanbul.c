#include "test.h"
#include "cov-test.h"

static int final(struct cov_model *m, const char *text, struct da_err *err)
{
	struct cov_parse p = {m, NULL, NULL, NULL};

	return cov_test_parse(cov_parse_istanbul, &p, "coverage-final.json",
			      text, err);
}

static int summary(struct cov_model *m, const char *text, struct da_err *err)
{
	struct cov_parse p = {m, NULL, NULL, NULL};

	return cov_test_parse(cov_parse_istanbul_summary, &p,
			      "coverage-summary.json", text, err);
}

#define LOC(l1, c1, l2, c2)                                                    \
	"{\"start\":{\"line\":" #l1 ",\"column\":" #c1 "},"                    \
	"\"end\":{\"line\":" #l2 ",\"column\":" #c2 "}}"

/*
 * Line 1 holds two statements (0 and 3 runs): covered, 3 hits. Line 2 one
 * that never ran; statement 3 spans lines 4-6 and ran once. Two functions
 * named "render" in one file, one anonymous. A branch of two paths, one
 * taken, and a switch of three.
 */
/* clang-format off */
static const char small[] =
    "{\"/repo/src/a.js\":{\"path\":\"/repo/src/a.js\","
    "\"statementMap\":{"
	"\"0\":" LOC(1, 0, 1, 10) ","
	"\"1\":" LOC(1, 12, 1, 20) ","
	"\"2\":" LOC(2, 0, 2, 5) ","
	"\"3\":" LOC(4, 0, 6, 1) "},"
    "\"fnMap\":{"
	"\"0\":{\"name\":\"render\",\"decl\":" LOC(1, 0, 1, 6) ","
	    "\"loc\":" LOC(1, 0, 1, 20) ",\"line\":1},"
	"\"1\":{\"name\":\"render\",\"decl\":" LOC(4, 0, 4, 6) ","
	    "\"loc\":" LOC(4, 0, 6, 1) ",\"line\":4},"
	"\"2\":{\"name\":\"(anonymous_2)\",\"decl\":" LOC(2, 0, 2, 1) ","
	    "\"loc\":" LOC(2, 0, 2, 5) ",\"line\":2}},"
    "\"branchMap\":{"
	"\"0\":{\"loc\":" LOC(2, 0, 2, 5) ",\"type\":\"if\","
	    "\"locations\":[" LOC(2, 0, 2, 5) "," LOC(2, 0, 2, 5) "],"
	    "\"line\":2},"
	"\"1\":{\"loc\":" LOC(5, 0, 5, 5) ",\"type\":\"switch\","
	    "\"locations\":[" LOC(5, 0, 5, 1) "," LOC(5, 2, 5, 3) ","
	    LOC(5, 3, 5, 4) "]}},"
    "\"s\":{\"0\":0,\"1\":3,\"2\":0,\"3\":1},"
    "\"f\":{\"0\":2,\"1\":0,\"2\":0},"
    "\"b\":{\"0\":[1,0],\"1\":[0,0,4]},"
    "\"_coverageSchema\":\"x\",\"hash\":\"y\"}}";
/* clang-format on */

static void test_final(void)
{
	struct cov_model *m = cov_test_model();
	struct da_err err = DA_ERR_INIT;
	struct cov_file *f;
	uint64_t hits = 0;
	uint32_t lines[4];

	is_int(final(m, small, &err), 0, "a small coverage-final.json");
	if (err.msg[0])
		diag("%s", err.msg);
	is_int(cov_model_files(m), 1, "one file");
	f = cov_model_files(m) ? cov_model_file(m, 0) : NULL;
	is_str(f ? cov_file_path(f) : NULL, "/repo/src/a.js",
	       "the path as the report has it");
	is_count(m, COV_STATEMENTS, 2, 4, "statements = #s");
	is_count(m, COV_LINES, 2, 3,
		 "lines = distinct start lines, covered by the largest count");
	ok(f && cov_file_line(f, 1, &hits) && hits == 3,
	   "line 1 takes the largest count of its statements, not the sum");
	ok(f && !cov_file_line(f, 5, &hits),
	   "a line inside a statement is not a start line");
	is_int(f ? cov_file_uncovered(f, lines, 4) : 0, 1, "one missed line");
	is_int(lines[0], 2, "line 2");
	is_count(m, COV_FUNCTIONS, 1, 3,
		 "functions = #f, two with one name both kept");
	is_count(m, COV_BRANCHES, 2, 5, "branches = sum of len(b[id])");
	is_int(cov_model_mismatches(m), 0, "no summary, no mismatch");

	/* Again: counts add up per line, the line view stays max per report. */
	is_int(final(m, small, &err), 0, "the same report again");
	ok(f && cov_file_line(f, 1, &hits) && hits == 6,
	   "line 1 has 3 + 3 hits");
	is_count(m, COV_STATEMENTS, 2, 4, "statements merge by id");
	is_count(m, COV_FUNCTIONS, 1, 3, "functions merge by name");
	is_count(m, COV_BRANCHES, 2, 5, "branches merge by id");
	cov_model_free(m);
}

static int strip(void *ctx, const char *report_path, struct da_buf *out,
		 struct da_err *err)
{
	const char *prefix = ctx;
	size_t n = strlen(prefix);

	if (strncmp(report_path, prefix, n))
		return da_err_set(err, DA_EINVAL, "'%s' is outside '%s'",
				  report_path, prefix);
	if (da_buf_adds(out, report_path + n) < 0)
		return da_err_set(err, DA_ELIMIT, "path too long");
	return 0;
}

static void test_paths(void)
{
	struct cov_model *m = cov_test_model();
	struct da_err err = DA_ERR_INIT;
	struct cov_parse p = {m, strip, (void *)"/repo/", NULL};
	int r;

	is_int(
	    final(m,
		  "{\"k.js\":{\"statementMap\":{\"0\":{\"start\":{\"line\":3},"
		  "\"end\":{\"line\":3}}},\"s\":{\"0\":1}},"
		  "\"empty.js\":{\"path\":\"other.js\","
		  "\"statementMap\":{},"
		  "\"s\":{},\"fnMap\":{},\"f\":{},\"branchMap\":{},"
		  "\"b\":{}},"
		  "\"bare.js\":{\"statementMap\":{},\"s\":{}}}",
		  &err),
	    0, "entries without path, with a path, with no records");
	is_int(cov_model_files(m), 3, "three files");
	is_str(cov_file_path(cov_model_file(m, 0)), "bare.js", "key as path");
	is_str(cov_file_path(cov_model_file(m, 2)), "other.js",
	       "'path' wins over the key");
	is_count(m, COV_LINES, 1, 1, "only k.js has lines");
	cov_model_free(m);

	m = cov_test_model();
	p.model = m;
	r = cov_parse_istanbul(&p, cov_test_puts("m.json", small), &err);
	is_int(r, 0, "with a path map");
	is_str(cov_model_files(m) ? cov_file_path(cov_model_file(m, 0)) : NULL,
	       "src/a.js", "the map strips the workspace");
	p.map_ctx = (void *)"/elsewhere/";
	r = cov_parse_istanbul(&p, cov_test_puts("m.json", small), &err);
	is_int(r, -DA_EINVAL, "a map failure stops the parse");
	has_str(err.msg, "m.json': '/repo/src/a.js' is outside",
		"with the report's name and the map's reason");
	cov_model_free(m);

	m = cov_test_model();
	is_int(final(m, "{}", &err), 0, "an empty object is a report");
	is_int(cov_model_files(m), 0, "of no files");
	cov_model_free(m);
}

static void bad_case(int summ, const char *text, const char *msg,
		     const char *name)
{
	struct cov_model *m = cov_test_model();
	struct da_err err = DA_ERR_INIT;
	char title[256];
	int r;

	r = summ ? summary(m, text, &err) : final(m, text, &err);
	format(title, sizeof(title), "refused: %s", name);
	ok(r == -DA_EINVAL || r == -DA_ELIMIT, title);
	diag("%s", err.msg);
	format(title, sizeof(title), "message for: %s", name);
	has_str(err.msg, msg, title);
	ok(strchr(err.msg, '\n') == NULL, "the message is one line");
	cov_model_free(m);
}

/* One statement on line (JSON number text) with the s object's text. */
static void bad_stmt(const char *line, const char *counts, const char *msg,
		     const char *name)
{
	char text[512];

	format(text, sizeof(text),
	       "{\"a.js\":{\"statementMap\":{\"0\":{"
	       "\"start\":{\"line\":%s,\"column\":0},"
	       "\"end\":{\"line\":%s,\"column\":1}}},\"s\":{%s}}}",
	       line, line, counts);
	bad_case(0, text, msg, name);
}

static void test_bad(void)
{
	bad_case(0, "[1,2]", "the top level is array, not an object",
		 "an array");
	bad_case(0, "{\"a.js\":{\"statementMap\":", "cannot parse",
		 "truncated JSON");
	bad_case(0, "", "cannot parse", "an empty file");
	bad_case(0, "{\"a.js\":[]}", "file 'a.js': the entry is array",
		 "a file that is not an object");
	bad_case(0, "{\"a.js\":{\"path\":\"\"}}", "empty path",
		 "an empty path");
	bad_stmt("1", "", "file 'a.js': statement '0' has no count in 's'",
		 "a statement without a count");
	bad_stmt("1", "\"0\":-1", "statement '0' has no count",
		 "a negative count");
	bad_stmt("1", "\"0\":\"1\"", "statement '0' has no count",
		 "a count as a string");
	bad_stmt("0", "\"0\":1", "statement '0' has no valid 'start.line'",
		 "line 0");
	bad_stmt("100000001", "\"0\":1", "statement '0' has no valid",
		 "a line past the ceiling");
	bad_stmt("1", "\"0\":99999999999999999999", "too big integer",
		 "a count past 64 bits");
	bad_case(0, "{\"a.js\":{\"statementMap\":[],\"s\":{}}}",
		 "'statementMap' and 's' must be objects (found array and "
		 "object)",
		 "a statement map that is an array");
	bad_case(0, "{\"a.js\":{\"fnMap\":{},\"f\":{}}}",
		 "file 'a.js': no 'statementMap'; is the report a "
		 "coverage-final.json?",
		 "an entry without statements");
	bad_case(0, "{\"a.js\":{\"s\":{\"0\":1}}}",
		 "(found missing and object)", "counts without a map");
	bad_case(0,
		 "{\"a.js\":{\"statementMap\":{},\"s\":{},\"fnMap\":{\"0\":{"
		 "\"decl\":{\"start\":{\"line\":1}}}},\"f\":{\"0\":1}}}",
		 "function '0' has no name", "a nameless function");
	bad_case(0,
		 "{\"a.js\":{\"statementMap\":{},\"s\":{},\"fnMap\":{\"0\":{"
		 "\"name\":\"f\"}},"
		 "\"f\":{\"0\":1}}}",
		 "function '0' has no valid 'decl.start.line'",
		 "a function without a line");
	bad_case(0,
		 "{\"a.js\":{\"statementMap\":{},\"s\":{},\"fnMap\":{\"0\":{"
		 "\"name\":\"f\",\"line\":2}},"
		 "\"f\":{}}}",
		 "function '0' has no count in 'f'",
		 "a function without a count");
	bad_case(0,
		 "{\"a.js\":{\"statementMap\":{},\"s\":{},\"branchMap\":{\"0\":"
		 "{\"line\":2}},"
		 "\"b\":{\"0\":3}}}",
		 "branch '0' has no array of counts",
		 "branch counts not an array");
	bad_case(0,
		 "{\"a.js\":{\"statementMap\":{},\"s\":{},\"branchMap\":{\"0\":"
		 "{\"line\":2}},"
		 "\"b\":{\"0\":[1,-2]}}}",
		 "branch '0' count 1 is not", "a negative branch count");
	bad_case(0,
		 "{\"a.js\":{\"statementMap\":{},\"s\":{},\"branchMap\":{\"0\":"
		 "{\"type\":\"if\"}},"
		 "\"b\":{\"0\":[1]}}}",
		 "branch '0' has no valid 'line'", "a branch without a line");
	bad_case(1, "{\"a.js\":{}}", "no 'total' object (found missing)",
		 "a summary without total");
	bad_case(1, "{\"total\":{\"lines\":{\"total\":1,\"covered\":2}}}",
		 "'total.lines' has covered 2 over total 1",
		 "covered over total");
	bad_case(1, "{\"total\":{\"lines\":{\"total\":1}}}",
		 "'total.lines' needs 'covered' and 'total'",
		 "a metric without covered");
	bad_case(1, "{\"total\":{\"lines\":{\"total\":-1,\"covered\":0}}}",
		 "'total.lines' needs", "a negative total");
	{
		struct da_err err = DA_ERR_INIT;
		struct cov_parse p = {cov_test_model(), NULL, NULL, NULL};

		is_int(cov_parse_istanbul(&p, "no/such/final.json", &err),
		       -DA_ENOENT, "a missing report");
		has_str(err.msg, "no/such/final.json", "names the report");
		cov_model_free(p.model);
	}
}

static void test_summary(void)
{
	struct cov_model *m = cov_test_model();
	struct da_err err = DA_ERR_INIT;

	is_int(summary(m,
		       "{\"total\":{"
		       "\"lines\":{\"total\":10,\"covered\":7,\"skipped\":0,"
		       "\"pct\":70},"
		       "\"statements\":{\"total\":12,\"covered\":8,"
		       "\"skipped\":0,\"pct\":66.66},"
		       "\"functions\":{\"total\":0,\"covered\":0,"
		       "\"skipped\":0,\"pct\":\"Unknown\"},"
		       "\"branchesTrue\":{\"total\":9,\"covered\":9}},"
		       "\"/repo/a.js\":{\"lines\":{\"total\":10,"
		       "\"covered\":7}}}",
		       &err),
	       0, "a coverage-summary.json, pct 'Unknown' included");
	if (err.msg[0])
		diag("%s", err.msg);
	is_int(cov_model_files(m), 0, "per-file entries are not files");
	is_count(m, COV_LINES, 7, 10, "lines from the summary");
	is_count(m, COV_STATEMENTS, 8, 12, "statements from the summary");
	is_count(m, COV_FUNCTIONS, 0, 0, "an empty metric");
	is_count(m, COV_BRANCHES, 0, 0,
		 "no branches metric, and branchesTrue is not branches");
	cov_model_free(m);

	/* A summary next to the final report of the same run. */
	m = cov_test_model();
	is_int(final(m, small, &err), 0, "final first");
	is_int(summary(m,
		       "{\"total\":{\"lines\":{\"total\":3,\"covered\":2},"
		       "\"statements\":{\"total\":4,\"covered\":3}}}",
		       &err),
	       0, "then a summary that disagrees on statements");
	is_count(m, COV_STATEMENTS, 2, 4, "the records win");
	is_int(cov_model_mismatches(m), 1, "one mismatch recorded");
	has_str(cov_model_mismatch(m, 0), "3/4", "naming the summary figure");
	cov_model_free(m);
}

static void run_tests(void)
{
	cov_test_dir_make("test-cov-istanbul");
	test_final();
	test_paths();
	test_bad();
	test_summary();
	cov_test_dir_remove();
}
