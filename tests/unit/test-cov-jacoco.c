#include "test.h"
#include "cov-test.h"

#define HEAD                                                                   \
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"        \
	"<!DOCTYPE report PUBLIC \"-//JACOCO//DTD Report 1.1//EN\" "           \
	"\"report.dtd\">\n"

/* Parses text as a JaCoCo report into model (a new one if NULL). */
static int parse(struct cov_model *model, const char *text, struct da_err *err)
{
	struct cov_parse p = {model, NULL, NULL, NULL};

	return cov_test_parse(cov_parse_jacoco, &p, "jacoco.xml", text, err);
}

static const char basic[] =
    HEAD "<report name=\"demo\">\n"
	 " <sessioninfo id=\"s\" start=\"1\" dump=\"2\"/>\n"
	 " <package name=\"com/foo\">\n"
	 "  <class name=\"com/foo/Calc\" sourcefilename=\"Calc.java\">\n"
	 "   <method name=\"&lt;init&gt;\" desc=\"()V\" line=\"3\">\n"
	 "    <counter type=\"INSTRUCTION\" missed=\"0\" covered=\"3\"/>\n"
	 "    <counter type=\"METHOD\" missed=\"0\" covered=\"1\"/>\n"
	 "   </method>\n"
	 "   <method name=\"add\" desc=\"(II)I\" line=\"5\">\n"
	 "    <counter type=\"INSTRUCTION\" missed=\"4\" covered=\"6\"/>\n"
	 "    <counter type=\"METHOD\" missed=\"0\" covered=\"1\"/>\n"
	 "   </method>\n"
	 "   <method name=\"add\" desc=\"(JJ)J\" line=\"9\">\n"
	 "    <counter type=\"INSTRUCTION\" missed=\"4\" covered=\"0\"/>\n"
	 "    <counter type=\"METHOD\" missed=\"1\" covered=\"0\"/>\n"
	 "   </method>\n"
	 "   <counter type=\"METHOD\" missed=\"1\" covered=\"2\"/>\n"
	 "  </class>\n"
	 "  <class name=\"com/foo/Calc$1\">\n"
	 "   <method name=\"run\" desc=\"()V\">\n"
	 "    <counter type=\"METHOD\" missed=\"1\" covered=\"0\"/>\n"
	 "   </method>\n"
	 "  </class>\n"
	 "  <sourcefile name=\"Calc.java\">\n"
	 "   <line nr=\"3\" mi=\"0\" ci=\"3\" mb=\"0\" cb=\"0\"/>\n"
	 "   <line nr=\"5\" mi=\"0\" ci=\"4\" mb=\"1\" cb=\"1\"/>\n"
	 "   <line nr=\"6\" mi=\"4\" ci=\"2\"/>\n"
	 "   <line nr=\"9\" mi=\"4\" ci=\"0\" mb=\"2\" cb=\"0\"/>\n"
	 "   <counter type=\"LINE\" missed=\"1\" covered=\"3\"/>\n"
	 "  </sourcefile>\n"
	 "  <counter type=\"LINE\" missed=\"1\" covered=\"3\"/>\n"
	 " </package>\n"
	 " <counter type=\"INSTRUCTION\" missed=\"8\" covered=\"9\"/>\n"
	 " <counter type=\"BRANCH\" missed=\"3\" covered=\"1\"/>\n"
	 " <counter type=\"LINE\" missed=\"1\" covered=\"3\"/>\n"
	 " <counter type=\"COMPLEXITY\" missed=\"9\" covered=\"9\"/>\n"
	 " <counter type=\"METHOD\" missed=\"2\" covered=\"2\"/>\n"
	 " <counter type=\"CLASS\" missed=\"0\" covered=\"1\"/>\n"
	 "</report>\n";

static void test_basic(void)
{
	struct cov_model *m = cov_test_model();
	struct da_err err = DA_ERR_INIT;
	struct cov_file *f;
	uint32_t lines[8];
	uint64_t hits = 0;

	is_int(parse(m, basic, &err), 0, "a small report parses");
	if (err.msg[0])
		diag("%s", err.msg);
	is_int(cov_model_files(m), 1, "one source file");
	f = cov_model_file(m, 0);
	is_str(f ? cov_file_path(f) : NULL, "com/foo/Calc.java",
	       "path is package + '/' + sourcefile");
	is_count(m, COV_LINES, 3, 4, "lines: covered iff ci > 0");
	is_count(m, COV_BRANCHES, 1, 4, "branches from mb/cb");
	is_count(m, COV_INSTRUCTIONS, 9, 17, "instructions from mi/ci");
	is_count(m, COV_FUNCTIONS, 2, 3,
		 "methods: overloads kept apart, a class without source "
		 "left out");
	is_count(m, COV_STATEMENTS, 0, 0, "no statements in JaCoCo");
	ok(f && cov_file_line(f, 5, &hits) && hits == 4,
	   "line 5 is instrumented with ci as hits");
	is_int(f ? cov_file_uncovered(f, lines, 8) : 0, 1,
	       "one uncovered line");
	is_int(lines[0], 9, "it is line 9");
	is_int(cov_model_mismatches(m), 1,
	       "the report's METHOD counter (2/4) disagrees with its "
	       "methods that have a source");
	has_str(cov_model_mismatch(m, 0), "2/4", "the mismatch says so");
	cov_model_free(m);
}

static void test_layout(void)
{
	struct cov_model *m = cov_test_model();
	struct da_err err = DA_ERR_INIT;

	is_int(parse(m,
		     "<report name=\"r\"><package name=\"\">"
		     "<sourcefile name=\"Main.kt\">"
		     "<line nr=\"1\" mi=\"1\" ci=\"0\" mb=\"0\" cb=\"0\"/>"
		     "</sourcefile></package></report>",
		     &err),
	       0, "a report without DOCTYPE, default package");
	is_str(cov_model_files(m) ? cov_file_path(cov_model_file(m, 0)) : NULL,
	       "Main.kt", "the default package adds no slash");
	is_count(m, COV_LINES, 0, 1, "one missed line");
	cov_model_free(m);

	/* Multi-module: groups hold the packages, counters per group. */
	m = cov_test_model();
	is_int(parse(m,
		     HEAD
		     "<report name=\"all\">"
		     "<group name=\"app\"><group name=\"core\">"
		     "<package name=\"a\"><sourcefile name=\"A.java\">"
		     "<line nr=\"2\" mi=\"0\" ci=\"1\"/>"
		     "</sourcefile></package>"
		     "<counter type=\"LINE\" missed=\"0\" covered=\"1\"/>"
		     "</group>"
		     "<counter type=\"LINE\" missed=\"0\" covered=\"1\"/>"
		     "<counter type=\"METHOD\" missed=\"3\" covered=\"1\"/>"
		     "</group>"
		     "<group name=\"lib\">"
		     "<package name=\"b\"><sourcefile name=\"B.java\">"
		     "<line nr=\"2\" mi=\"1\" ci=\"0\"/>"
		     "</sourcefile></package>"
		     "<counter type=\"LINE\" missed=\"1\" covered=\"0\"/>"
		     "<counter type=\"METHOD\" missed=\"1\" covered=\"0\"/>"
		     "</group></report>",
		     &err),
	       0, "nested groups parse");
	is_int(cov_model_files(m), 2, "a file from each group");
	is_count(m, COV_LINES, 1, 2, "lines from both groups");
	is_count(m, COV_FUNCTIONS, 1, 5,
		 "a report without counters of its own: the top-level groups' "
		 "counters are its summary (no method records here)");
	is_int(cov_model_mismatches(m), 0,
	       "group LINE counters agree with the lines");
	cov_model_free(m);

	/* Root counters cover the groups: never counted twice. */
	m = cov_test_model();
	is_int(parse(m,
		     "<report name=\"r\"><group name=\"g\">"
		     "<counter type=\"METHOD\" missed=\"1\" covered=\"1\"/>"
		     "</group>"
		     "<counter type=\"METHOD\" missed=\"1\" covered=\"1\"/>"
		     "</report>",
		     &err),
	       0, "report and group counters");
	is_count(m, COV_FUNCTIONS, 1, 2,
		 "the report's counter wins over its groups'");
	cov_model_free(m);

	/* Unknown elements are skipped with all they hold. */
	m = cov_test_model();
	is_int(parse(m,
		     "<report name=\"r\"><extra><line nr=\"x\"/></extra>"
		     "<package name=\"p\"><sourcefile name=\"S.java\">"
		     "<line nr=\"7\" mi=\"0\" ci=\"2\" mb=\"3\" cb=\"3\"/>"
		     "</sourcefile></package></report>",
		     &err),
	       0, "unknown elements are ignored");
	is_count(m, COV_BRANCHES, 3, 6, "all branches of a line");
	cov_model_free(m);

	m = cov_test_model();
	is_int(parse(m,
		     "<report name=\"r\"><package name=\"p\">"
		     "<sourcefile name=\"S.java\">"
		     "<line nr=\"1\" mb=\"65535\" cb=\"1\"/>"
		     "</sourcefile></package></report>",
		     &err),
	       0, "a line with as many branches as allowed");
	is_count(m, COV_BRANCHES, 1, 65536, "all of them counted");
	cov_model_free(m);
}

static void test_merge(void)
{
	struct cov_model *m = cov_test_model();
	struct da_err err = DA_ERR_INIT;
	const char *a = "<report name=\"a\"><package name=\"p\">"
			"<sourcefile name=\"S.java\">"
			"<line nr=\"1\" mi=\"2\" ci=\"0\" mb=\"2\" cb=\"0\"/>"
			"<line nr=\"2\" mi=\"0\" ci=\"5\"/>"
			"</sourcefile></package></report>";
	const char *b = "<report name=\"b\"><package name=\"p\">"
			"<sourcefile name=\"S.java\">"
			"<line nr=\"1\" mi=\"0\" ci=\"2\" mb=\"1\" cb=\"1\"/>"
			"<line nr=\"2\" mi=\"5\" ci=\"0\"/>"
			"</sourcefile></package></report>";

	is_int(parse(m, a, &err), 0, "first report");
	is_int(parse(m, b, &err), 0, "second report of the same file");
	is_int(cov_model_files(m), 1, "the file is merged");
	is_count(m, COV_LINES, 2, 2, "a line covered in any report counts");
	is_count(m, COV_BRANCHES, 1, 2, "branches merge by line");
	cov_model_free(m);
}

static int add_root(void *ctx, const char *report_path, struct da_buf *out,
		    struct da_err *err)
{
	const char *root = ctx;

	if (!strcmp(report_path, "bad/Bad.java"))
		return da_err_set(err, DA_EINVAL, "no rule for '%s'",
				  report_path);
	if (da_buf_addf(out, "%s/%s", root, report_path) < 0)
		return da_err_set(err, DA_ELIMIT, "path too long");
	return 0;
}

static void test_map(void)
{
	struct cov_model *m = cov_test_model();
	struct da_err err = DA_ERR_INIT;
	struct cov_parse p = {m, add_root, (void *)"src/main/java", NULL};
	int r;

	r = cov_parse_jacoco(
	    &p,
	    cov_test_puts("map.xml",
			  "<report name=\"r\"><package name=\"com/x\">"
			  "<class name=\"com/x/Y\" "
			  "sourcefilename=\"Y.java\">"
			  "<method name=\"f\" desc=\"()V\" line=\"4\">"
			  "<counter type=\"METHOD\" missed=\"0\" "
			  "covered=\"1\"/></method></class>"
			  "<sourcefile name=\"Y.java\">"
			  "<line nr=\"4\" ci=\"1\"/></sourcefile>"
			  "</package></report>"),
	    &err);
	is_int(r, 0, "a report with a path map");
	is_int(cov_model_files(m), 1, "class and sourcefile share the file");
	is_str(cov_model_files(m) ? cov_file_path(cov_model_file(m, 0)) : NULL,
	       "src/main/java/com/x/Y.java", "the map gives the path");
	is_count(m, COV_FUNCTIONS, 1, 1, "the method is in the mapped file");
	r = cov_parse_jacoco(
	    &p,
	    cov_test_puts("map2.xml",
			  "<report name=\"r\"><package name=\"bad\">\n"
			  "<sourcefile name=\"Bad.java\"/>"
			  "</package></report>"),
	    &err);
	is_int(r, -DA_EINVAL, "a map failure stops the parse");
	has_str(err.msg, "no rule for 'bad/Bad.java'", "with its message");
	has_str(err.msg, "map2.xml': line 2 column", "and the place");
	cov_model_free(m);
}

static void bad_case(const char *text, int want, const char *msg,
		     const char *name)
{
	struct cov_model *m = cov_test_model();
	struct da_err err = DA_ERR_INIT;
	char title[256];

	format(title, sizeof(title), "refused: %s", name);
	is_int(parse(m, text, &err), want, title);
	diag("%s", err.msg);
	format(title, sizeof(title), "message for: %s", name);
	has_str(err.msg, msg, title);
	ok(strchr(err.msg, '\n') == NULL, "the message is one line");
	cov_model_free(m);
}

static void test_bad(void)
{
	bad_case("<coverage line-rate=\"1\"/>", -DA_EINVAL,
		 "jacoco.xml': line 1 column 1: not a JaCoCo report: the root "
		 "element is <coverage>",
		 "another format");
	bad_case("<report>\n<package name=\"p\"><sourcefile name=\"a\">\n"
		 "  <line nr=\"3\" ci=\"-1\"/>",
		 -DA_EINVAL,
		 "line 3 column 3: <line> ci=\"-1\" is not a whole number",
		 "a negative count");
	bad_case("<report><package name=\"p\"><sourcefile name=\"a\">"
		 "<line nr=\"3\" mi=\"99999999999999999999\"/>",
		 -DA_EINVAL,
		 "mi=\"99999999999999999999\" is not a whole number",
		 "a count past 64 bits");
	bad_case("<report><package name=\"p\"><sourcefile name=\"a\">"
		 "<line nr=\"3\" mb=\"65536\" cb=\"1\"/>",
		 -DA_ELIMIT, "has 65536 + 1 branches, more than 65536",
		 "too many branches");
	bad_case("<report><package name=\"p\"><sourcefile name=\"a\">"
		 "<line nr=\"3\" mb=\"18446744073709551615\" cb=\"1\"/>",
		 -DA_ELIMIT, "branches, more than", "branches past 64 bits");
	bad_case("<report><package name=\"p\"><sourcefile name=\"a\">"
		 "<line nr=\"0\"/>",
		 -DA_EINVAL, "nr=\"0\" is not a line number", "line 0");
	bad_case("<report><package name=\"p\"><sourcefile name=\"a\">"
		 "<line nr=\"100000001\"/>",
		 -DA_EINVAL, "nr=\"100000001\" is not a line number",
		 "a line past the ceiling");
	bad_case("<report><package name=\"p\"><sourcefile name=\"a\">"
		 "<line ci=\"1\"/>",
		 -DA_EINVAL, "<line> without a 'nr' attribute",
		 "a line without nr");
	bad_case("<report><package name=\"p\"><sourcefile name=\"a\">"
		 "<line nr=\" 3\"/>",
		 -DA_EINVAL, "is not a whole number", "spaces in a number");
	bad_case("<report><package name=\"p\"><line nr=\"3\"/>", -DA_EINVAL,
		 "<line> is not allowed inside <package>",
		 "a line outside a sourcefile");
	bad_case("<report><sourcefile name=\"a\"/></report>", -DA_EINVAL,
		 "<sourcefile> is not allowed inside <report>",
		 "a sourcefile outside a package");
	bad_case("<report><package><sourcefile name=\"a\"/></package>"
		 "</report>",
		 -DA_EINVAL, "<package> without a 'name'",
		 "a nameless package");
	bad_case("<report><package name=\"p\"><sourcefile/></package>"
		 "</report>",
		 -DA_EINVAL, "<sourcefile> without a 'name'",
		 "a nameless sourcefile");
	bad_case("<report><counter type=\"LINE\" covered=\"1\"/></report>",
		 -DA_EINVAL, "<counter> without a 'missed'",
		 "a counter without missed");
	bad_case(
	    "<report><counter type=\"LINE\" missed=\"18446744073709551615\""
	    " covered=\"1\"/></report>",
	    -DA_EINVAL, "missed + covered overflows",
	    "a counter that overflows");
	bad_case("<report><package name=\"p\"><sourcefile name=\"a\">"
		 "<line nr=\"1\" ci=\"1\"/>",
		 -DA_EINVAL, "jacoco.xml': line 1 column 69: no element found",
		 "a truncated report");
	bad_case("", -DA_EINVAL, "jacoco.xml", "an empty file");
	bad_case("<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
		 "<report>&x;</report>",
		 -DA_EINVAL, "jacoco.xml", "an external entity is not loaded");
	{
		struct da_err err = DA_ERR_INIT;
		struct cov_parse p = {cov_test_model(), NULL, NULL, NULL};

		is_int(cov_parse_jacoco(&p, "no/such/jacoco.xml", &err),
		       -DA_ENOENT, "a missing report");
		has_str(err.msg, "no/such/jacoco.xml", "names the report");
		cov_model_free(p.model);
	}
}

static void test_dtd_not_fetched(void)
{
	struct cov_model *m = cov_test_model();
	struct da_err err = DA_ERR_INIT;

	/* A DTD that could be fetched, if anything ever tried. */
	is_int(parse(m,
		     "<!DOCTYPE report SYSTEM \"http://127.0.0.1:9/r.dtd\">"
		     "<report name=\"r\"/>",
		     &err),
	       0, "a DOCTYPE naming a remote DTD is ignored");
	is_int(cov_model_files(m), 0, "an empty report has no files");
	is_count(m, COV_LINES, 0, 0, "and no lines");
	cov_model_free(m);
}

static void run_tests(void)
{
	cov_test_dir_make("test-cov-jacoco");
	test_basic();
	test_layout();
	test_merge();
	test_map();
	test_bad();
	test_dtd_not_fetched();
	cov_test_dir_remove();
}
