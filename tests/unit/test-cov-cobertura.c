#include "test.h"
#include "cov-test.h"

#define HEAD                                                                   \
	"<?xml version=\"1.0\" ?>\n"                                           \
	"<!DOCTYPE coverage SYSTEM "                                           \
	"'http://cobertura.sourceforge.net/xml/coverage-04.dtd'>\n"

static int parse_map(struct cov_model *m, cov_path_fn map, void *ctx,
		     const char *text, struct da_err *err)
{
	struct cov_parse p = {m, map, ctx, NULL};

	return cov_test_parse(cov_parse_cobertura, &p, "coverage.xml", text,
			      err);
}

static int parse(struct cov_model *m, const char *text, struct da_err *err)
{
	return parse_map(m, NULL, NULL, text, err);
}

static const char basic[] =
    HEAD "<coverage lines-valid=\"6\" lines-covered=\"5\" line-rate=\"0.83\" "
	 "branches-valid=\"4\" branches-covered=\"3\" branch-rate=\"0.75\" "
	 "version=\"1.9\" timestamp=\"1\">\n"
	 " <sources><source>/home/runner/work/p/p</source>"
	 "<source>--source</source></sources>\n"
	 " <packages><package name=\"a\"><classes>\n"
	 "  <class name=\"A\" filename=\"src/a.py\">\n"
	 "   <methods><method name=\"f\" signature=\"()V\"><lines>\n"
	 "    <line number=\"99\" hits=\"1\"/>\n"
	 "    <line number=\"1\" hits=\"1000\"/>\n"
	 "   </lines></method></methods>\n"
	 "   <lines>\n"
	 "    <line number=\"1\" hits=\"2\"/>\n"
	 "    <line number=\"2\" hits=\"0\" branch=\"false\"/>\n"
	 "    <line number=\"3\" hits=\"5\" branch=\"true\" "
	 "condition-coverage=\"50% (1/2)\"><conditions>"
	 "<condition number=\"0\" type=\"jump\" coverage=\"50%\"/>"
	 "</conditions></line>\n"
	 "   </lines>\n"
	 "  </class>\n"
	 "  <class name=\"B\" filename=\"D:\\src\\b.cs\">\n"
	 "   <lines>\n"
	 "    <line number=\"7\" hits=\"4294967296000\" branch=\"True\" "
	 "condition-coverage=\"100% (2/2)\"/>\n"
	 "    <line number=\"8\" hits=\"1\" branch=\"false\" "
	 "condition-coverage=\"0% (0/2)\"/>\n"
	 "    <line number=\"9\" hits=\"1\"/>\n"
	 "   </lines>\n"
	 "  </class>\n"
	 " </classes></package></packages>\n"
	 "</coverage>\n";

static void test_basic(void)
{
	struct da_err err = DA_ERR_INIT;
	struct cov_model *m = cov_test_model();
	struct cov_file *a;

	is_int(parse(m, basic, &err), 0, "a basic report parses");
	if (err.e)
		diag("%s", err.msg);
	is_int(cov_model_files(m), 2, "two files");
	a = cov_test_file(m, "src/a.py");
	ok(a != NULL, "a relative filename is kept as written");
	ok(cov_test_file(m, "D:\\src\\b.cs") != NULL,
	   "a Windows filename is kept as written");
	is_count(m, COV_LINES, 5, 6, "lines from <line>");
	is_count(m, COV_BRANCHES, 3, 4, "branches from condition-coverage");
	if (a) {
		is_file_count(a, COV_LINES, 2, 3, "a.py lines");
		is_file_count(a, COV_BRANCHES, 1, 2, "a.py branches");
	}
	is_int(cov_test_hits(m, "src/a.py", 1), 2,
	       "method/lines are not counted on top of class/lines");
	is_int(cov_test_hits(m, "src/a.py", 99), COV_TEST_NO_RECORD,
	       "a line only under methods is no record");
	is_int(cov_test_hits(m, "D:\\src\\b.cs", 7), 4294967296000ULL,
	       "hits beyond 32 bits are kept");
	is_int(cov_model_mismatches(m), 0,
	       "a root that agrees with the lines gives no mismatch");
	is_count(m, COV_FUNCTIONS, 0, 0, "no functions from Cobertura");
	cov_model_free(m);
}

static void test_dedupe(void)
{
	struct da_err err = DA_ERR_INIT;
	struct cov_model *m = cov_test_model();
	struct da_buf big = DA_BUF_INIT(0);
	struct cov_file *f;
	int i, c, r = 0;

	is_int(parse(m,
		     HEAD "<coverage><packages><package><classes>"
			  "<class filename=\"x.cs\"><lines>"
			  "<line number=\"1\" hits=\"3\"/>"
			  "<line number=\"2\" hits=\"1\" branch=\"true\" "
			  "condition-coverage=\"50% (1/2)\"/>"
			  "<line number=\"1\" hits=\"1\"/>"
			  "</lines></class>"
			  "<class filename=\"y.cs\"><lines>"
			  "<line number=\"1\" hits=\"0\"/></lines></class>"
			  "<class filename=\"x.cs\"><lines>"
			  "<line number=\"1\" hits=\"5\"/>"
			  "<line number=\"2\" hits=\"1\" branch=\"true\" "
			  "condition-coverage=\"100% (2/2)\"/>"
			  "<line number=\"3\" hits=\"0\"/>"
			  "</lines></class>"
			  "</classes></package></packages></coverage>",
		     &err),
	       0, "one file in several classes");
	is_int(cov_test_hits(m, "x.cs", 1), 5,
	       "a line repeated in one report keeps its highest hits");
	f = cov_test_file(m, "x.cs");
	if (f) {
		is_file_count(f, COV_LINES, 2, 3,
			      "x.cs lines counted once each");
		is_file_count(f, COV_BRANCHES, 2, 2,
			      "x.cs branches: the wider figure of the two");
	}
	is_count(m, COV_LINES, 2, 4, "lines of both files");

	/* The same file under many classes: the table compacts. */
	cov_model_free(m);
	m = cov_test_model();
	r |= da_buf_adds(&big, HEAD "<coverage><packages><package><classes>");
	for (c = 0; c < 4; c++) {
		r |= da_buf_adds(&big, "<class filename=\"big.c\"><lines>");
		for (i = 1; i <= 5000; i++)
			r |= da_buf_addf(&big,
					 "<line number=\"%d\" hits=\"%d\"/>\n",
					 i, i % 2 ? c : 0);
		r |= da_buf_adds(&big, "</lines></class>");
	}
	r |= da_buf_adds(&big, "</classes></package></packages></coverage>");
	is_int(r, 0, "build a large report");
	is_int(parse(m, da_buf_str(&big), &err), 0,
	       "20000 line records of one file");
	if (err.e)
		diag("%s", err.msg);
	is_count(m, COV_LINES, 2500, 5000, "folded to 5000 distinct lines");
	is_int(cov_test_hits(m, "big.c", 4999), 3, "the highest hits of four");
	is_int(cov_test_hits(m, "big.c", 5000), 0, "never hit stays 0");
	da_buf_release(&big);
	cov_model_free(m);
}

static void test_summary(void)
{
	struct da_err err = DA_ERR_INIT;
	struct cov_model *m = cov_test_model();

	is_int(parse(m,
		     HEAD "<coverage lines-valid=\"40\" lines-covered=\"30\" "
			  "branches-valid=\"NaN\" branches-covered=\"NaN\" "
			  "line-rate=\"0.75\" branch-rate=\"NaN\">"
			  "<packages/></coverage>",
		     &err),
	       0, "a root without lines and NaN branches");
	is_count(m, COV_LINES, 30, 40,
		 "root attributes are the fallback without lines");
	is_count(m, COV_BRANCHES, 0, 0, "NaN branch figures are left out");
	cov_model_free(m);

	m = cov_test_model();
	is_int(parse(m,
		     HEAD "<coverage lines-valid=\"6\" lines-covered=\"6\" "
			  "line-rate=\"1\"><packages><package><classes>"
			  "<class filename=\"m.py\"><lines>"
			  "<line number=\"1\" hits=\"1\"/>"
			  "<line number=\"2\" hits=\"0\"/>"
			  "</lines></class></classes></package></packages>"
			  "</coverage>",
		     &err),
	       0, "a root that contradicts its lines");
	is_count(m, COV_LINES, 1, 2, "the lines win over the root");
	is_int(cov_model_mismatches(m), 1, "the contradiction is noted");
	if (cov_model_mismatches(m))
		has_str(cov_model_mismatch(m, 0), "6/6",
			"the note quotes the root figure");
	cov_model_free(m);

	m = cov_test_model();
	is_int(parse(m,
		     HEAD "<coverage line-rate=\"0.9\" version=\"1.9\">"
			  "<packages><package><classes>"
			  "<class filename=\"o.java\"><lines>"
			  "<line number=\"1\" hits=\"1\" branch=\"true\"/>"
			  "</lines></class></classes></package></packages>"
			  "</coverage>",
		     &err),
	       0, "Cobertura 1.9: no lines-valid, branch without figures");
	is_count(m, COV_LINES, 1, 1, "its line counts");
	is_count(m, COV_BRANCHES, 0, 0,
		 "a branch line without condition-coverage gives none");
	is_int(cov_model_mismatches(m), 0, "nothing to compare");
	is_int(parse(m,
		     HEAD "<coverage lines-valid=\"2\" lines-covered=\"1\">"
			  "<packages><package><classes>"
			  "<class filename=\"p.java\"><lines>"
			  "<line number=\"1\" hits=\"1\"/>"
			  "<line number=\"2\" hits=\"0\"/>"
			  "</lines></class></classes></package></packages>"
			  "</coverage>",
		     &err),
	       0, "a second report of another file");
	is_int(cov_model_mismatches(m), 0,
	       "its root is checked against its own files only");
	cov_model_free(m);
}

struct map_ctx {
	int calls;
	int fail;
	int empty;
};

static int prefix_map(void *ctx, const char *path, struct da_buf *out,
		      struct da_err *err)
{
	struct map_ctx *c = ctx;

	c->calls++;
	if (c->fail)
		return da_err_set(err, DA_EINVAL, "no rule for '%s'", path);
	if (c->empty)
		return 0;
	if (da_buf_addf(out, "repo/%s", path) < 0)
		return da_err_set(err, DA_ENOMEM, "out of memory");
	return 0;
}

static void test_map(void)
{
	static const char two[] =
	    HEAD "<coverage><packages><package><classes>"
		 "<class filename=\"a.py\"><lines>"
		 "<line number=\"1\" hits=\"1\"/></lines></class>"
		 "<class filename=\"b.py\"><lines>"
		 "<line number=\"1\" hits=\"0\"/></lines></class>"
		 "</classes></package></packages></coverage>";
	struct da_err err = DA_ERR_INIT;
	struct cov_model *m = cov_test_model();
	struct map_ctx c = {0, 0, 0};

	is_int(parse_map(m, prefix_map, &c, two, &err), 0,
	       "a report through a path map");
	is_int(c.calls, 2, "the map is called for every path");
	ok(cov_test_file(m, "repo/a.py") && cov_test_file(m, "repo/b.py"),
	   "the model keeps the mapped paths");
	ok(!cov_test_file(m, "a.py"), "and not the paths as written");
	cov_model_free(m);

	m = cov_test_model();
	c.fail = 1;
	is_int(parse_map(m, prefix_map, &c, two, &err), -DA_EINVAL,
	       "a failing map stops the parse");
	has_str(err.msg, "no rule for 'a.py'", "with the map's message");
	c.fail = 0;
	c.empty = 1;
	is_int(parse_map(m, prefix_map, &c, two, &err), -DA_EINVAL,
	       "a path mapped to nothing is an error");
	has_str(err.msg, "'a.py' maps to an empty path", "saying which");
	cov_model_free(m);
}

static void test_merge(void)
{
	static const char r1[] =
	    HEAD "<coverage><packages><package><classes>"
		 "<class filename=\"t.c\"><lines>"
		 "<line number=\"1\" hits=\"1\"/>"
		 "<line number=\"2\" hits=\"0\"/>"
		 "<line number=\"3\" hits=\"2\" branch=\"true\" "
		 "condition-coverage=\"50% (1/2)\"/>"
		 "</lines></class></classes></package></packages>"
		 "</coverage>";
	static const char r2[] =
	    HEAD "<coverage><packages><package><classes>"
		 "<class filename=\"t.c\"><lines>"
		 "<line number=\"1\" hits=\"0\"/>"
		 "<line number=\"2\" hits=\"4\"/>"
		 "<line number=\"3\" hits=\"1\" branch=\"true\" "
		 "condition-coverage=\"50% (1/2)\"/>"
		 "</lines></class></classes></package></packages>"
		 "</coverage>";
	struct da_err err = DA_ERR_INIT;
	struct cov_model *m = cov_test_model();

	is_int(parse(m, r1, &err), 0, "first report");
	is_int(parse(m, r2, &err), 0, "second report into the same model");
	is_count(m, COV_LINES, 3, 3, "a line covered in any report is covered");
	is_int(cov_test_hits(m, "t.c", 3), 3, "hits of two reports add up");
	is_count(m, COV_BRANCHES, 1, 2,
		 "branch counts of one line merge by line");
	cov_model_free(m);
}

struct bad_case {
	const char *xml;
	int ret;
	const char *msg;
	const char *name;
};

#define ONE_LINE(attrs)                                                        \
	HEAD "<coverage><packages><package><classes>"                          \
	     "<class filename=\"a.py\"><lines>\n<line " attrs "/>"             \
	     "</lines></class></classes></package></packages></coverage>"

static const struct bad_case bad_cases[] = {
    {ONE_LINE("number=\"3\" hits=\"-1\""), -DA_EINVAL,
     "line 4 column 1: negative hits '-1'", "negative hits"},
    {ONE_LINE("number=\"3\" hits=\"1.5\""), -DA_EINVAL,
     "hits '1.5' is not a whole number", "fractional hits"},
    {ONE_LINE("number=\"3\" hits=\"99999999999999999999\""), -DA_EINVAL,
     "hits '99999999999999999999' is out of range", "hits past 64 bits"},
    {ONE_LINE("number=\"3\""), -DA_EINVAL, "<line> without hits",
     "missing hits"},
    {ONE_LINE("hits=\"3\""), -DA_EINVAL, "<line> without number",
     "missing number"},
    {ONE_LINE("number=\"0\" hits=\"1\""), -DA_EINVAL,
     "line number 0 is out of range", "line 0"},
    {ONE_LINE("number=\"100000001\" hits=\"1\""), -DA_EINVAL,
     "line number 100000001 is out of range", "line past the ceiling"},
    {ONE_LINE("number=\"x\" hits=\"1\""), -DA_EINVAL,
     "number 'x' is not a whole number", "line number not a number"},
    {ONE_LINE("number=\"2\" hits=\"1\" branch=\"true\" "
	      "condition-coverage=\"50%\""),
     -DA_EINVAL, "condition-coverage '50%' is not like",
     "condition-coverage without figures"},
    {ONE_LINE("number=\"2\" hits=\"1\" branch=\"true\" "
	      "condition-coverage=\"150% (3/2)\""),
     -DA_EINVAL, "condition-coverage '150% (3/2)'",
     "more branches covered than there are"},
    {ONE_LINE("number=\"2\" hits=\"1\" branch=\"true\" "
	      "condition-coverage=\"50% (-1/2)\""),
     -DA_EINVAL, "condition-coverage", "negative branch figure"},
    {ONE_LINE("number=\"2\" hits=\"1\" branch=\"true\" "
	      "condition-coverage=\"0% (0/100000)\""),
     -DA_ELIMIT, "100000 branches on one line", "absurd branch count"},
    {HEAD "<report><package/></report>", -DA_EINVAL,
     "root element is <report>, not <coverage>", "a JaCoCo root"},
    {HEAD "<coverage><packages><class name=\"x\"><lines/></class>"
	  "</packages></coverage>",
     -DA_EINVAL, "<class> without filename", "class without filename"},
    {HEAD "<coverage><class filename=\"a\"><class filename=\"b\"/>"
	  "</class></coverage>",
     -DA_EINVAL, "<class> inside another <class>", "nested class"},
    {HEAD "<coverage><packages>", -DA_EINVAL, "cannot parse", "truncated XML"},
    {"", -DA_EINVAL, "no element found", "an empty file"},
    {"\x7f"
     "ELF\x02\x01\x01",
     -DA_EINVAL, "cannot parse", "a binary file"},
    {"<?xml version=\"1.0\"?>\n<!DOCTYPE coverage [\n"
     "<!ENTITY ext SYSTEM \"file:///etc/passwd\">]>\n"
     "<coverage>&ext;</coverage>",
     -DA_EINVAL, "external entity", "an external entity is refused"},
};

static void test_bad(void)
{
	size_t i;

	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *b = &bad_cases[i];
		struct da_err err = DA_ERR_INIT;
		struct cov_model *m = cov_test_model();
		const char *path;
		int r;

		path = cov_test_puts("bad.xml", b->xml);
		{
			struct cov_parse p = {m, NULL, NULL, NULL};

			r = cov_parse_cobertura(&p, path, &err);
		}
		is_int(r, b->ret, b->name);
		has_str(err.msg, b->msg, b->name);
		has_str(err.msg, "bad.xml", "the message names the report");
		ok(!strchr(err.msg, '\n'), "the message is one line");
		is_int(cov_model_total(m, COV_LINES).total, 0,
		       "a bad report adds no lines");
		cov_model_free(m);
	}
	{
		struct da_err err = DA_ERR_INIT;
		struct cov_model *m = cov_test_model();
		struct cov_parse p = {m, NULL, NULL, NULL};

		is_int(cov_parse_cobertura(&p, "no-such-report.xml", &err),
		       -DA_ENOENT, "a missing report");
		has_str(err.msg, "no-such-report.xml", "is named");
		cov_model_free(m);
	}
}

static void run_tests(void)
{
	cov_test_dir_make("test-cov-cobertura");
	test_basic();
	test_dedupe();
	test_summary();
	test_map();
	test_merge();
	test_bad();
	cov_test_dir_remove();
}
