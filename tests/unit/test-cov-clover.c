#include "test.h"
#include "cov-test.h"

#define HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"

static int parse_map(struct cov_model *m, cov_path_fn map, void *ctx,
		     const char *text, struct da_err *err)
{
	struct cov_parse p = {m, map, ctx, NULL};

	return cov_test_parse(cov_parse_clover, &p, "clover.xml", text, err);
}

static int parse(struct cov_model *m, const char *text, struct da_err *err)
{
	return parse_map(m, NULL, NULL, text, err);
}

/* OpenClover's layout: package > file, methods with signatures. */
static const char openclover[] = HEAD
    "<coverage generated=\"1\" clover=\"4.4.1\">\n"
    " <project timestamp=\"1\" name=\"p\">\n"
    "  <metrics statements=\"5\" coveredstatements=\"4\" conditionals=\"4\" "
    "coveredconditionals=\"3\" methods=\"2\" coveredmethods=\"1\" "
    "elements=\"11\" coveredelements=\"8\"/>\n"
    "  <package name=\"a\">\n"
    "   <metrics statements=\"99\" coveredstatements=\"0\"/>\n"
    "   <file name=\"A.java\" path=\"/src/a/A.java\">\n"
    "    <class name=\"A\"><metrics statements=\"5\"/></class>\n"
    "    <metrics statements=\"5\"/>\n"
    "    <line num=\"3\" count=\"2\" type=\"method\" "
    "signature=\"run() : void\" visibility=\"public\"/>\n"
    "    <line num=\"4\" count=\"2\" type=\"stmt\"/>\n"
    "    <line num=\"5\" truecount=\"2\" falsecount=\"0\" type=\"cond\"/>\n"
    "    <line num=\"6\" count=\"0\" type=\"stmt\"/>\n"
    "    <line num=\"6\" count=\"7\" type=\"stmt\"/>\n"
    "    <line num=\"9\" count=\"0\" type=\"method\" name=\"stop\"/>\n"
    "    <line num=\"10\" count=\"0\" type=\"stmt\"/>\n"
    "    <line num=\"11\" truecount=\"1\" falsecount=\"3\" type=\"cond\"/>\n"
    "   </file>\n"
    "  </package>\n"
    " </project>\n"
    " <testproject timestamp=\"1\" name=\"t\">\n"
    "  <metrics statements=\"1\" coveredstatements=\"1\"/>\n"
    "  <file name=\"T.java\" path=\"/test/T.java\">\n"
    "   <line num=\"1\" count=\"1\" type=\"stmt\"/>\n"
    "  </file>\n"
    " </testproject>\n"
    "</coverage>\n";

static void test_openclover(void)
{
	struct da_err err = DA_ERR_INIT;
	struct cov_model *m = cov_test_model();
	struct cov_file *f;

	is_int(parse(m, openclover, &err), 0, "an OpenClover report parses");
	if (err.e)
		diag("%s", err.msg);
	is_int(cov_model_files(m), 1, "one file; the test project is left out");
	f = cov_test_file(m, "/src/a/A.java");
	ok(f != NULL, "the file is its path attribute");
	is_count(m, COV_LINES, 4, 5,
		 "lines from stmt and cond, one per line number");
	is_int(cov_test_hits(m, "/src/a/A.java", 6), 7,
	       "a line's hits are the highest count on it");
	is_int(cov_test_hits(m, "/src/a/A.java", 5), 2,
	       "a cond without count: hits are truecount + falsecount");
	is_int(cov_test_hits(m, "/src/a/A.java", 3), COV_TEST_NO_RECORD,
	       "a method is no line record");
	is_count(m, COV_BRANCHES, 3, 4,
		 "two branches per cond, taken when its count is > 0");
	is_count(m, COV_FUNCTIONS, 1, 2, "functions from method lines");
	is_count(m, COV_STATEMENTS, 4, 5,
		 "statements from the project's metrics");
	is_int(cov_model_mismatches(m), 0,
	       "the metrics agree with the records");
	cov_model_free(m);
}

/* PHPUnit: files straight under the project, methods by name. */
static const char phpunit[] =
    HEAD "<coverage generated=\"1\">\n"
	 " <project timestamp=\"1\">\n"
	 "  <file name=\"/app/src/Foo.php\">\n"
	 "   <class name=\"Foo\" namespace=\"global\"><metrics/></class>\n"
	 "   <line num=\"5\" type=\"method\" name=\"bar\" visibility=\"public\""
	 " complexity=\"1\" crap=\"1\" count=\"3\"/>\n"
	 "   <line num=\"7\" type=\"stmt\" count=\"3\"/>\n"
	 "   <line num=\"9\" type=\"method\" count=\"0\"/>\n"
	 "   <line num=\"10\" type=\"stmt\" count=\"0\"/>\n"
	 "   <metrics loc=\"12\" ncloc=\"12\" statements=\"2\" "
	 "coveredstatements=\"1\"/>\n"
	 "  </file>\n"
	 "  <metrics files=\"1\" statements=\"2\" coveredstatements=\"1\" "
	 "methods=\"2\" coveredmethods=\"1\" conditionals=\"0\" "
	 "coveredconditionals=\"0\"/>\n"
	 " </project>\n"
	 "</coverage>\n";

static void test_phpunit(void)
{
	struct da_err err = DA_ERR_INIT;
	struct cov_model *m = cov_test_model();

	is_int(parse(m, phpunit, &err), 0, "a PHPUnit report parses");
	if (err.e)
		diag("%s", err.msg);
	ok(cov_test_file(m, "/app/src/Foo.php") != NULL,
	   "the file is its name when it has no path");
	is_count(m, COV_LINES, 1, 2, "PHPUnit lines");
	is_count(m, COV_FUNCTIONS, 1, 2, "PHPUnit methods");
	is_count(m, COV_STATEMENTS, 1, 2, "metrics after the files count too");
	cov_model_free(m);
}

/* Istanbul: no method lines; the metrics are the only function figure. */
static void test_fallback(void)
{
	struct da_err err = DA_ERR_INIT;
	struct cov_model *m = cov_test_model();

	is_int(parse(m,
		     HEAD "<coverage generated=\"1\" clover=\"3.2.0\">"
			  "<project name=\"All files\">"
			  "<metrics statements=\"3\" coveredstatements=\"2\" "
			  "conditionals=\"NaN\" coveredconditionals=\"0\" "
			  "methods=\"4\" coveredmethods=\"1\"/>"
			  "<package name=\"src\"><file name=\"a.js\">"
			  "<line num=\"1\" count=\"1\" type=\"stmt\"/>"
			  "<line num=\"2\" count=\"1\" type=\"stmt\"/>"
			  "<line num=\"3\" count=\"0\" type=\"stmt\"/>"
			  "</file></package></project></coverage>",
		     &err),
	       0, "an Istanbul-style report");
	is_count(m, COV_FUNCTIONS, 1, 4,
		 "functions from the metrics when no method line exists");
	is_count(m, COV_BRANCHES, 0, 0, "an odd metric is left out");
	cov_model_free(m);

	m = cov_test_model();
	is_int(parse(m,
		     HEAD "<coverage><project>"
			  "<metrics conditionals=\"8\" "
			  "coveredconditionals=\"8\"/>"
			  "<file path=\"c.js\">"
			  "<line num=\"1\" count=\"1\" type=\"cond\" "
			  "truecount=\"0\" falsecount=\"1\"/>"
			  "</file></project></coverage>",
		     &err),
	       0, "metrics that contradict the records");
	is_count(m, COV_BRANCHES, 1, 2, "the records win");
	is_int(cov_model_mismatches(m), 1, "the difference is noted");
	cov_model_free(m);
}

static void test_same_line(void)
{
	struct da_err err = DA_ERR_INIT;
	struct cov_model *m = cov_test_model();
	struct cov_file *f;

	is_int(parse(m,
		     HEAD "<coverage><project><file path=\"s.c\">"
			  "<line num=\"4\" type=\"cond\" truecount=\"1\" "
			  "falsecount=\"0\"/>"
			  "<line num=\"4\" type=\"cond\" truecount=\"0\" "
			  "falsecount=\"0\"/>"
			  "<line num=\"4\" type=\"stmt\" count=\"9\"/>"
			  "<line num=\"2\" type=\"stmt\" "
			  "count=\"18446744073709551615\"/>"
			  "</file></project></coverage>",
		     &err),
	       0, "several elements on one line");
	f = cov_test_file(m, "s.c");
	if (f) {
		is_file_count(f, COV_BRANCHES, 1, 4,
			      "two conditions on a line give four branches");
		is_file_count(f, COV_LINES, 2, 2, "two lines");
	}
	is_int(cov_test_hits(m, "s.c", 4), 9, "the highest count of the line");
	ok(cov_test_hits(m, "s.c", 2) == UINT64_MAX, "a 64-bit count is kept");
	cov_model_free(m);
}

struct map_ctx {
	int calls;
	int fail;
};

static int prefix_map(void *ctx, const char *path, struct da_buf *out,
		      struct da_err *err)
{
	struct map_ctx *c = ctx;

	c->calls++;
	if (c->fail)
		return da_err_set(err, DA_EINVAL, "no rule for '%s'", path);
	if (da_buf_addf(out, "repo%s", path) < 0)
		return da_err_set(err, DA_ENOMEM, "out of memory");
	return 0;
}

static void test_map_merge(void)
{
	static const char r1[] =
	    HEAD "<coverage><project><package>"
		 "<file name=\"a.js\" path=\"/w/a.js\">"
		 "<line num=\"1\" count=\"0\" type=\"stmt\"/>"
		 "<line num=\"2\" count=\"1\" type=\"cond\" truecount=\"1\" "
		 "falsecount=\"0\"/>"
		 "</file></package></project></coverage>";
	static const char r2[] =
	    HEAD "<coverage><project><package>"
		 "<file name=\"a.js\" path=\"/w/a.js\">"
		 "<line num=\"1\" count=\"2\" type=\"stmt\"/>"
		 "<line num=\"2\" count=\"1\" type=\"cond\" truecount=\"0\" "
		 "falsecount=\"1\"/>"
		 "</file></package></project></coverage>";
	struct da_err err = DA_ERR_INIT;
	struct cov_model *m = cov_test_model();
	struct map_ctx c = {0, 0};

	is_int(parse_map(m, prefix_map, &c, r1, &err), 0, "first report");
	is_int(parse_map(m, prefix_map, &c, r2, &err), 0, "second report");
	is_int(c.calls, 2, "the map is called for every file");
	ok(cov_test_file(m, "repo/w/a.js") && cov_model_files(m) == 1,
	   "the model keeps the mapped path");
	is_count(m, COV_LINES, 2, 2, "a line covered in any report is covered");
	is_count(m, COV_BRANCHES, 1, 2,
		 "each report's one taken branch lands on the same id");
	c.fail = 1;
	is_int(parse_map(m, prefix_map, &c, r1, &err), -DA_EINVAL,
	       "a failing map stops the parse");
	has_str(err.msg, "no rule for '/w/a.js'", "with the map's message");
	cov_model_free(m);
}

struct bad_case {
	const char *xml;
	int ret;
	const char *msg;
	const char *name;
};

#define ONE_LINE(attrs)                                                        \
	HEAD "<coverage><project><file path=\"a.js\">\n"                       \
	     "<line " attrs "/></file></project></coverage>"

static const struct bad_case bad_cases[] = {
    {ONE_LINE("num=\"3\" count=\"-2\" type=\"stmt\""), -DA_EINVAL,
     "line 3 column 1: negative count '-2'", "negative count"},
    {ONE_LINE("num=\"3\" count=\"x\" type=\"stmt\""), -DA_EINVAL,
     "count 'x' is not a whole number", "count not a number"},
    {ONE_LINE("num=\"3\" type=\"stmt\""), -DA_EINVAL,
     "<line type=\"stmt\"> without count", "stmt without count"},
    {ONE_LINE("count=\"1\" type=\"stmt\""), -DA_EINVAL, "<line> without num",
     "line without num"},
    {ONE_LINE("num=\"0\" count=\"1\" type=\"stmt\""), -DA_EINVAL,
     "line number 0 is out of range", "line 0"},
    {ONE_LINE("num=\"1\" count=\"1\""), -DA_EINVAL, "<line> without type",
     "line without type"},
    {ONE_LINE("num=\"1\" count=\"1\" type=\"block\""), -DA_EINVAL,
     "unknown type 'block'", "unknown type"},
    {ONE_LINE("num=\"1\" type=\"cond\" falsecount=\"1\""), -DA_EINVAL,
     "<line type=\"cond\"> without truecount", "cond without truecount"},
    {ONE_LINE("num=\"1\" type=\"cond\" truecount=\"1\" falsecount=\"-1\""),
     -DA_EINVAL, "negative falsecount", "negative falsecount"},
    {ONE_LINE("num=\"1\" type=\"method\" name=\"f\""), -DA_EINVAL,
     "<line type=\"method\"> without count", "method without count"},
    {ONE_LINE("num=\"1\" type=\"method\" count=\"99999999999999999999\""),
     -DA_EINVAL, "out of range", "count past 64 bits"},
    {HEAD "<coverage><project><file><line num=\"1\" count=\"1\" "
	  "type=\"stmt\"/></file></project></coverage>",
     -DA_EINVAL, "<file> without path or name", "file without a path"},
    {HEAD "<coverage><project><file path=\"a\"><file path=\"b\"/>"
	  "</file></project></coverage>",
     -DA_EINVAL, "<file> inside another <file>", "nested file"},
    {HEAD "<report/>", -DA_EINVAL, "root element is <report>", "another root"},
    {HEAD "<coverage><project><file path=\"a\">", -DA_EINVAL, "cannot parse",
     "truncated XML"},
    {"", -DA_EINVAL, "no element found", "an empty file"},
};

static void test_bad(void)
{
	size_t i;

	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *b = &bad_cases[i];
		struct da_err err = DA_ERR_INIT;
		struct cov_model *m = cov_test_model();
		struct cov_parse p = {m, NULL, NULL, NULL};
		int r;

		r = cov_parse_clover(&p, cov_test_puts("bad.xml", b->xml),
				     &err);
		is_int(r, b->ret, b->name);
		has_str(err.msg, b->msg, b->name);
		has_str(err.msg, "bad.xml", "the message names the report");
		ok(!strchr(err.msg, '\n'), "the message is one line");
		cov_model_free(m);
	}
	{
		struct da_err err = DA_ERR_INIT;
		struct cov_model *m = cov_test_model();
		struct da_buf name = DA_BUF_INIT(0);
		struct cov_parse p = {m, NULL, NULL, NULL};
		int r = 0;

		r |= da_buf_adds(&name, HEAD "<coverage><project>"
					     "<file path=\"a\"><line num=\"1\" "
					     "count=\"1\" type=\"method\" "
					     "name=\"");
		while (name.len < DA_MAX_COV_NAME + 200 && r == 0)
			r |= da_buf_addch(&name, 'n');
		r |= da_buf_adds(&name, "\"/></file></project></coverage>");
		is_int(
		    cov_parse_clover(
			&p, cov_test_puts("long.xml", da_buf_str(&name)), &err),
		    -DA_ELIMIT, "an overlong method name");
		has_str(err.msg, "method name of", "is named as such");
		da_buf_release(&name);
		cov_model_free(m);
	}
}

static void run_tests(void)
{
	cov_test_dir_make("test-cov-clover");
	test_openclover();
	test_phpunit();
	test_fallback();
	test_same_line();
	test_map_merge();
	test_bad();
	cov_test_dir_remove();
}
