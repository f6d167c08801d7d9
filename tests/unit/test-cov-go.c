#include "test.h"
#include "cov-test.h"

static int parse_str(struct cov_model **m, const char *text, struct da_err *err)
{
	return cov_test_stream(cov_parse_go_stream, m, "c.out", text,
			       strlen(text), err);
}

static void test_blocks(void)
{
	struct da_err err = DA_ERR_INIT;
	struct cov_model *m = NULL;
	struct cov_file *f;
	uint64_t hits = 0;
	uint32_t unc[8];

	is_int(parse_str(&m,
			 "mode: count\r\n"
			 "example.com/m/a.go:3.10,5.2 2 4\r\n"
			 "example.com/m/a.go:5.2,7.3 3 0\n"
			 "example.com/m/a.go:3.10,5.2 2 1\n"
			 "\n"
			 "mode: count\n"
			 "C:\\src\\b.go:1.1,1.5 1 0\n",
			 &err),
	       0, "a profile parses");
	is_int(cov_model_files(m), 2, "two files");
	is_str(cov_file_path(cov_model_file(m, 1)), "example.com/m/a.go",
	       "import paths stay");
	is_str(cov_file_path(cov_model_file(m, 0)), "C:\\src\\b.go",
	       "a path with ':' splits at the last colon");
	f = cov_model_file(m, 1);
	is_file_count(f, COV_STATEMENTS, 2, 5,
		      "duplicate block merged: statements 2/5");
	ok(cov_file_line(f, 3, &hits) && hits == 5, "line 3 count 4+1");
	ok(cov_file_line(f, 5, &hits) && hits == 5,
	   "a shared line takes the larger count");
	ok(cov_file_line(f, 6, &hits) && hits == 0, "line 6 unhit");
	is_file_count(f, COV_LINES, 3, 5, "lines 3/5");
	is_int(cov_file_uncovered(f, unc, 8), 2, "two uncovered lines");
	ok(unc[0] == 6 && unc[1] == 7, "lines 6 and 7");

	/* A second report sums per line and per block. */
	is_int(parse_str(&m,
			 "mode: atomic\n"
			 "example.com/m/a.go:5.2,7.3 3 2\n",
			 &err),
	       0, "atomic mixes with count");
	is_file_count(f, COV_STATEMENTS, 5, 5, "statements 5/5 after merge");
	ok(cov_file_line(f, 5, &hits) && hits == 7,
	   "reports sum per line (5 + 2)");
	is_int(parse_str(&m, "mode: set\nx.go:1.1,1.2 1 1\n", &err), -DA_EINVAL,
	       "set mixed with count refused");
	has_str(err.msg, "mixed with 'count'", "mixed modes message");
	is_int(parse_str(&m, "mode: count\nexample.com/m/a.go:3.10,5.2 3 1\n",
			 &err),
	       -DA_EINVAL, "inconsistent NumStmt refused");
	has_str(err.msg, "line 2", "with its line");
	has_str(err.msg, "inconsistent NumStmt", "and the reason");
	cov_model_free(m);
}

static void test_set_mode(void)
{
	struct da_err err = DA_ERR_INIT;
	struct cov_model *m = NULL;
	uint64_t hits = 0;

	is_int(parse_str(&m,
			 "mode: set\n"
			 "p/a.go:1.1,2.1 2 1\n"
			 "p/a.go:1.1,2.1 2 1\n"
			 "p/a.go:3.1,3.9 1 0\n"
			 "p/a.go:3.1,3.9 1 0\n",
			 &err),
	       0, "set profile with duplicates");
	is_count(m, COV_STATEMENTS, 2, 3, "set mode ORs: 2/3, not 4/6");
	ok(cov_file_line(cov_model_file(m, 0), 1, &hits) && hits == 1,
	   "set mode line hit once");
	is_int(parse_str(&m, "mode: set\np/a.go:3.1,3.9 1 1\n", &err), 0,
	       "a second set report");
	is_count(m, COV_STATEMENTS, 3, 3, "covered in either report");
	cov_model_free(m);
}

struct bad_case {
	const char *text;
	const char *msg;
};

static void test_errors(void)
{
	static const struct bad_case cases[] = {
	    {"p/a.go:1.1,2.1 2 1\n", "line 1: a Go coverprofile starts"},
	    {"", "empty Go coverprofile"},
	    {"\n\n", "empty Go coverprofile"},
	    {"mode: often\n", "unknown Go coverage mode 'often'"},
	    {"mode: set\nmode: count\n", "line 2: another mode"},
	    {"mode: set\np/a.go:1.1,2.1 2\n", "line 2: not a coverage block"},
	    {"mode: set\np/a.go 2 1\n", "line 2: not a coverage block"},
	    {"mode: set\np/a.go:1.1,2.1 2 -1\n", "negative count"},
	    {"mode: set\np/a.go:1.1,2.1 x 1\n", "non-numeric statement"},
	    {"mode: set\np/a.go:1.1,2.1 2 1x\n", "non-numeric count"},
	    {"mode: set\np/a.go:1.1,2.1 4294967296 1\n",
	     "non-numeric statement"},
	    {"mode: set\np/a.go:1.1 2 1\n", "not sl.sc,el.ec"},
	    {"mode: set\np/a.go:1,2.1 2 1\n", "not sl.sc,el.ec"},
	    {"mode: set\np/a.go:1.x,2.1 2 1\n", "not sl.sc,el.ec"},
	    {"mode: set\np/a.go:0.1,2.1 2 1\n", "block line out of range"},
	    {"mode: set\np/a.go:1.1,100000001.1 2 1\n",
	     "block line out of range"},
	    {"mode: set\np/a.go:5.1,2.1 2 1\n", "ends before it starts"},
	    {"mode: set\np/a.go:1.1,200000.1 2 1\n", "too many lines"},
	    {"mode: set\n:1.1,2.1 2 1\n", "not a coverage block"},
	};
	struct da_err err = DA_ERR_INIT;
	struct cov_model *m = NULL;
	char name[128];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		format(name, sizeof(name), "error case %zu", i);
		is_int(parse_str(&m, cases[i].text, &err), -DA_EINVAL, name);
		has_str(err.msg, cases[i].msg, name);
		has_str(err.msg, "c.out", "the report is named");
		cov_model_free(m);
		m = NULL;
	}
	is_int(cov_test_stream(cov_parse_go_stream, &m, "c.out",
			       "mode: set\np/a.go:1.1,2.1 2 1\0\n", 30, &err),
	       -DA_EINVAL, "binary data refused");
	has_str(err.msg, "line 2: binary data", "binary data message");
	cov_model_free(m);
}

static int map_calls(void *ctx, const char *path, struct da_buf *out,
		     struct da_err *err)
{
	(*(int *)ctx)++;
	if (da_buf_adds(out, path + strlen("example.com/m/")) < 0)
		return da_err_set(err, DA_ELIMIT, "path too long");
	return 0;
}

static void test_map(void)
{
	struct da_err err = DA_ERR_INIT;
	struct cov_model *m = NULL;
	struct cov_parse p = {NULL, map_calls, NULL, NULL};
	const char *text = "mode: count\n"
			   "example.com/m/a.go:1.1,2.1 1 1\n"
			   "example.com/m/a.go:3.1,4.1 1 1\n"
			   "example.com/m/b.go:1.1,2.1 1 0\n";
	FILE *in;
	int calls = 0;

	cov_model_new(&m, &err);
	p.model = m;
	p.map_ctx = &calls;
	in = fmemopen((void *)text, strlen(text), "r");
	is_int(cov_parse_go_stream(&p, in, "c.out", &err), 0, "mapped parse");
	fclose(in);
	is_int(calls, 2, "map called once per path in a run of blocks");
	is_str(cov_file_path(cov_model_file(m, 0)), "a.go", "mapped path");
	is_str(cov_file_path(cov_model_file(m, 1)), "b.go", "second path");
	cov_model_free(m);
}

static void run_tests(void)
{
	test_blocks();
	test_set_mode();
	test_errors();
	test_map();
}
