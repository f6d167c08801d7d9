#include "test.h"
#include "cov-test.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

static int parse_str(struct cov_model **m, const char *text, struct da_err *err)
{
	return cov_test_stream(cov_parse_lcov_stream, m, "t.info", text,
			       strlen(text), err);
}

static void test_records(void)
{
	struct da_err err = DA_ERR_INIT;
	struct cov_model *m = NULL;
	struct cov_file *f;
	uint64_t hits = 0;
	const char *text = "\xef\xbb\xbfTN:unit\r\n"
			   "SF:src/a.c\r\n"
			   "VER:abc\r\n"
			   "FN:3,main\r\n"
			   "FN:10,12,helper\r\n"
			   "FN:20,tmpl<int, 2>\r\n"
			   "FNDA:5,main\r\n"
			   "FNDA:0,helper\r\n"
			   "FNDA:1,tmpl<int, 2>\r\n"
			   "FNF:3\r\nFNH:2\r\n"
			   "DA:3,5,deadbeef\r\n"
			   "DA:4,0\r\n"
			   "DA:5,18446744073709551615\r\n"
			   "BRDA:4,0,0,-\r\n"
			   "BRDA:4,0,1,7\r\n"
			   "BRDA:4,e1,a, b, c,0\r\n"
			   "BRF:3\r\nBRH:1\r\n"
			   "MCDC:4,2,t,1,0,x\r\n"
			   "LF:3\r\nLH:2\r\n"
			   "end_of_record \r\n"
			   "\n"
			   "# comment\n"
			   "TN:\n"
			   "SF:src/b.c\n"
			   "FNL:0,7,9\n"
			   "FNA:0,2,alpha\n"
			   "FNA:0,2,alpha_alias\n"
			   "FNL:1,20\n"
			   "FNA:1,0,beta\n"
			   "DA:7,2\n"
			   "DA:20,0\n"
			   "LF:2\nLH:1\n"
			   "end_of_record\n"
			   "SF:src/a.c\n"
			   "DA:4,3\n"
			   "BRDA:4,0,0,2\n"
			   "LF:1\nLH:1\n"
			   "end_of_record";

	is_int(parse_str(&m, text, &err), 0, "a full report parses");
	is_int(cov_model_files(m), 2, "duplicate SF merged into one file");
	f = cov_test_file(m, "src/a.c");
	is_file_count(f, COV_LINES, 3, 3, "a.c lines 3/3 after the merge");
	ok(cov_file_line(f, 5, &hits) && hits == UINT64_MAX,
	   "counts beyond 32 bits");
	ok(cov_file_line(f, 4, &hits) && hits == 3, "DA merged by sum");
	is_file_count(f, COV_BRANCHES, 2, 3, "a.c branches 2/3 ('-' plus 2)");
	is_file_count(f, COV_FUNCTIONS, 2, 3,
		      "a.c functions 2/3 (FN with end line, name with commas)");
	f = cov_test_file(m, "src/b.c");
	is_file_count(f, COV_FUNCTIONS, 2, 3, "b.c FNL/FNA functions 2/3");
	is_count(m, COV_LINES, 4, 5, "model lines 4/5");
	is_int(cov_model_mismatches(m), 0,
	       "each record's LF/LH agree with its own lines: no mismatch, "
	       "though the sums over duplicate records differ from the "
	       "merge");
	cov_model_free(m);
	m = NULL;
	/* one record of two disagrees: the report's sums are compared */
	is_int(parse_str(&m,
			 "SF:a\nDA:1,1\nLF:1\nLH:1\nend_of_record\n"
			 "SF:a\nDA:1,0\nDA:2,1\nLF:3\nLH:1\nend_of_record\n",
			 &err),
	       0, "duplicate records, the second inconsistent");
	is_int(cov_model_mismatches(m), 1,
	       "one record disagreeing: a mismatch");
	has_str(cov_model_mismatch(m, 0), "summary says lines 2/4",
		"the mismatch names the summed figures");
	cov_model_free(m);
}

static void test_inconsistent(void)
{
	struct da_err err = DA_ERR_INIT;
	struct cov_model *m = NULL;

	is_int(parse_str(&m,
			 "SF:x\nDA:1,1\nDA:2,0\nLF:6\nLH:6\nBRF:0\n"
			 "BRDA:1,0,0,0\nend_of_record\n",
			 &err),
	       0, "inconsistent LF/LH parses");
	is_count(m, COV_LINES, 1, 2, "records win: 1/2");
	is_int(cov_model_mismatches(m), 1, "one mismatch");
	is_str(cov_model_mismatch(m, 0),
	       "report 't.info': summary says lines 6/6, its records 1/2",
	       "mismatch text");
	is_count(m, COV_BRANCHES, 0, 1, "BRDA after BRF counted");

	/* A second report is compared with its own files only. */
	is_int(parse_str(&m, "SF:y\nDA:1,1\nLF:1\nLH:1\nend_of_record\n", &err),
	       0, "second report");
	is_int(cov_model_mismatches(m), 1, "no mismatch for the second");
	cov_model_free(m);
}

static void test_empty(void)
{
	struct da_err err = DA_ERR_INIT;
	struct cov_model *m = NULL;

	is_int(parse_str(&m, "", &err), 0, "a 0-byte report parses");
	is_int(parse_str(&m, "TN:only\n", &err), 0, "only TN parses");
	is_int(parse_str(&m, "SF:e.c\nend_of_record\n", &err), 0,
	       "a file with no lines");
	is_int(cov_model_files(m), 1, "its file is known");
	is_count(m, COV_LINES, 0, 0, "0/0 lines");
	cov_model_free(m);
}

struct bad_case {
	const char *text;
	const char *msg;
};

static void test_errors(void)
{
	static const struct bad_case cases[] = {
	    {"DA:1,1\n", "line 1: DA without SF"},
	    {"TN:\nBRDA:1,0,0,1\n", "line 2: BRDA without SF"},
	    {"LF:3\n", "line 1: LF without SF"},
	    {"SF:a\nDA:1,-3\nend_of_record\n", "line 2: negative line count"},
	    {"SF:a\nFNDA:-1,f\nend_of_record\n", "negative function count"},
	    {"SF:a\nBRDA:1,0,0,-2\nend_of_record\n", "negative branch count"},
	    {"SF:a\nDA:x,1\nend_of_record\n", "non-numeric line number"},
	    {"SF:a\nDA:1,1x\nend_of_record\n", "non-numeric line count"},
	    {"SF:a\nDA:1,18446744073709551616\nend_of_record\n",
	     "non-numeric line count"},
	    {"SF:a\nDA:0,1\nend_of_record\n", "line number 0 out of range"},
	    {"SF:a\nDA:100000001,1\nend_of_record\n",
	     "line number 100000001 out of range"},
	    {"SF:a\nDA:1\nend_of_record\n", "DA needs line,count"},
	    {"SF:a\nBRDA:1,0,1\nend_of_record\n", "BRDA needs"},
	    {"SF:a\nFN:1\nend_of_record\n", "FN needs line,name"},
	    {"SF:a\nFNA:0,1\nend_of_record\n", "FNA needs"},
	    {"SF:a\nFNL:x,1\nend_of_record\n", "non-numeric function index"},
	    {"SF:a\nLF:many\nend_of_record\n", "line 2: non-numeric LF"},
	    {"SF:a\nDA:1,1\n", "the record of 'a' has no end_of_record"},
	    {"SF:a\nSF:b\n", "line 2: SF before end_of_record"},
	    {"SF:\n", "empty SF path"},
	    {"end_of_record\n", "end_of_record without SF"},
	    {"this should not parse\n", "line 1: not an LCOV line"},
	    {"SF:a\nda:1,1\nend_of_record\n", "line 2: not an LCOV line"},
	};
	struct da_err err = DA_ERR_INIT;
	struct cov_model *m = NULL;
	char name[128];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		format(name, sizeof(name), "error case %zu", i);
		is_int(parse_str(&m, cases[i].text, &err), -DA_EINVAL, name);
		has_str(err.msg, cases[i].msg, name);
		has_str(err.msg, "cannot read 't.info'", "the report is named");
		cov_model_free(m);
		m = NULL;
	}

	is_int(cov_test_stream(cov_parse_lcov_stream, &m, "t.info",
			       "SF:a\nDA:1,\0\nend_of_record\n", 25, &err),
	       -DA_EINVAL, "binary data refused");
	has_str(err.msg, "line 2: binary data", "binary data message");
	cov_model_free(m);
	m = NULL;

	{
		size_t n = DA_MAX_COV_TEXT_LINE + 10;
		char *big = malloc(n + 1);

		memset(big, 'x', n);
		memcpy(big, "SF:", 3);
		big[n] = '\0';
		is_int(cov_test_stream(cov_parse_lcov_stream, &m, "t.info", big,
				       n, &err),
		       -DA_EINVAL, "overlong line refused");
		has_str(err.msg, "line 1: longer than", "overlong message");
		free(big);
		cov_model_free(m);
		m = NULL;
	}
}

static int upper_map(void *ctx, const char *path, struct da_buf *out,
		     struct da_err *err)
{
	(*(int *)ctx)++;
	if (strcmp(path, "fail") == 0)
		return da_err_set(err, DA_EINVAL, "no mapping for '%s'", path);
	if (da_buf_adds(out, "mapped/") < 0 || da_buf_adds(out, path) < 0)
		return da_err_set(err, DA_ELIMIT, "path too long");
	return 0;
}

static void test_map_and_files(void)
{
	struct da_err err = DA_ERR_INIT;
	struct cov_model *m = NULL;
	struct cov_parse p = {NULL, upper_map, NULL, NULL};
	const char *path;
	int calls = 0;

	p.map_ctx = &calls;
	m = cov_test_model();
	p.model = m;
	path = cov_test_puts(
	    "map.info",
	    "SF:a.c\nDA:1,1\nend_of_record\nSF:fail\nend_of_record\n");
	ok(path[0] != '\0', "temporary report");
	is_int(cov_parse_lcov(&p, path, &err), -DA_EINVAL,
	       "a failing map stops the parse");
	has_str(err.msg, "line 4", "with the line");
	has_str(err.msg, "no mapping for 'fail'", "and the map's message");
	is_int(calls, 2, "map called for each SF");
	is_str(cov_file_path(cov_model_file(m, 0)), "mapped/a.c",
	       "the model keeps the mapped path");
	unlink(path);
	is_int(cov_parse_lcov(&p, path, &err), -DA_ENOENT, "a missing report");
	has_str(err.msg, "cannot open", "missing report message");
	cov_model_free(m);
}

/* Runs cov_parse_any() on "-" with fd as standard input. */
static int parse_stdin(struct cov_model *m, int fd, enum cov_format *ret_f,
		       struct da_err *err)
{
	struct cov_parse p = {NULL, NULL, NULL, NULL};
	int saved = dup(0), r;

	p.model = m;
	dup2(fd, 0);
	close(fd);
	clearerr(stdin);
	r = cov_parse_any(&p, "-", ret_f, err);
	dup2(saved, 0);
	close(saved);
	clearerr(stdin);
	return r;
}

static void test_stdin(void)
{
	static const char go[] = "mode: set\np/a.go:1.1,2.1 2 1\n";
	static const char lcov[] =
	    "junkSF:s.c\nDA:1,0\nDA:2,4\nend_of_record\n";
	struct da_err err = DA_ERR_INIT;
	struct cov_model *m = NULL;
	enum cov_format f = COV_FORMAT_UNKNOWN;
	const char *path;
	int fds[2], fd, status;
	pid_t pid;

	cov_model_new(&m, &err);
	if (pipe(fds) < 0)
		return;
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		if (write(fds[1], go, sizeof(go) - 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	is_int(parse_stdin(m, fds[0], &f, &err), 0, "a piped profile parses");
	waitpid(pid, &status, 0);
	is_str(cov_format_name(f), "go", "detected from a pipe");
	is_count(m, COV_STATEMENTS, 2, 2, "all of the pipe was read");

	path = cov_test_put("any.info", lcov, sizeof(lcov) - 1);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		ok(0, "temporary report written");
	lseek(fd, 4, SEEK_SET);
	unlink(path);
	is_int(parse_stdin(m, fd, &f, &err), 0,
	       "a file on standard input parses from its offset");
	is_str(cov_format_name(f), "lcov", "detected from a file");
	is_count(m, COV_LINES, 3, 4, "lines of both reports");

	if (pipe(fds) == 0) {
		close(fds[1]);
		is_int(parse_stdin(m, fds[0], &f, &err), -DA_EINVAL,
		       "empty standard input");
		has_str(err.msg, "'standard input': the report is empty",
			"empty input message");
	}
	cov_model_free(m);
}

static void run_tests(void)
{
	cov_test_dir_make("test-cov-lcov");
	test_stdin();
	test_records();
	test_inconsistent();
	test_empty();
	test_errors();
	test_map_and_files();
	cov_test_dir_remove();
}
