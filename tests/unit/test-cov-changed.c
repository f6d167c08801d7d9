/*
 * Unit tests for coverage-gate's changed lines: the diff parser on good
 * and hostile text, git diff on real repositories (renames, deletions,
 * odd names, a shallow clone), the refs of a pull request event and the
 * coverage of the changed lines in a model.
 */
#include "cov-test.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "actions/coverage-gate/changed.h"
#include "actions/coverage-gate/gate.h"
#include "common/buf.h"
#include "common/fs.h"
#include "common/glob.h"
#include "common/proc.h"

/* The added lines of file i of d as "1,2,3"; "(none)" past the end. */
static const char *lines_str(const struct cov_diff *d, size_t i)
{
	static char buf[1024];
	const uint32_t *v;
	size_t n, k, len = 0;

	v = cov_diff_lines(d, i, &n);
	if (!v)
		return "(none)";
	buf[0] = '\0';
	for (k = 0; k < n && len < sizeof(buf) - 16; k++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%u",
					k ? "," : "", (unsigned)v[k]);
	return buf;
}

/* Every file of d as "path:lines;" in order, for one exact comparison. */
static const char *diff_str(const struct cov_diff *d)
{
	static struct da_buf out = DA_BUF_INIT(0);
	size_t i;

	da_buf_reset(&out);
	for (i = 0; i < cov_diff_files(d); i++)
		if (da_buf_addf(&out, "%s:%s;", cov_diff_path(d, i),
				lines_str(d, i)) < 0)
			ok(0, "diff text fits");
	return da_buf_str(&out);
}

/* Parses len bytes of text; the files as diff_str() gives them, or
 * "error" with the message in err. */
static const char *parse_n(const char *text, size_t len, int *ret_r,
			   struct da_err *err)
{
	struct cov_diff *d = NULL;
	const char *s;

	da_err_clear(err);
	*ret_r = cov_diff_parse(text, len, &d, err);
	if (*ret_r < 0) {
		if (d)
			ok(0, "a failed parse leaves *ret alone");
		return "error";
	}
	s = diff_str(d);
	cov_diff_free(d);
	return s;
}

static const char *parse(const char *text, int *ret_r, struct da_err *err)
{
	return parse_n(text, strlen(text), ret_r, err);
}

static void test_parse_good(void)
{
	struct da_err err = DA_ERR_INIT;
	struct cov_diff *d = NULL;
	size_t n;
	int r;

	/* git's own output: quoted names, a tab after a name with a space,
	 * a new file, "\ No newline", section text after "@@". */
	is_str(parse("diff --git \"a/caf\\303\\251.c\" \"b/caf\\303\\251.c\"\n"
		     "new file mode 100644\n"
		     "index 0000000..c600332\n"
		     "--- /dev/null\n"
		     "+++ \"b/caf\\303\\251.c\"\n"
		     "@@ -0,0 +1,2 @@\n"
		     "+e1\n"
		     "+e2\n"
		     "diff --git \"a/q\\\"u o.c\" \"b/q\\\"u o.c\"\n"
		     "--- \"a/q\\\"u o.c\"\t\n"
		     "+++ \"b/q\\\"u o.c\"\t\n"
		     "@@ -1,0 +2 @@ q\n"
		     "+r\n"
		     "diff --git a/sp ace.c b/sp ace.c\n"
		     "--- a/sp ace.c\t\n"
		     "+++ b/sp ace.c\t\n"
		     "@@ -1,0 +2,2 @@ x\n"
		     "+a\n"
		     "+b\n"
		     "\\ No newline at end of file\n"
		     "diff --git \"a/t\\tab.c\" \"b/t\\tab.c\"\n"
		     "--- \"a/t\\tab.c\"\n"
		     "+++ \"b/t\\tab.c\"\n"
		     "@@ -1,0 +2 @@ x\n"
		     "+y\n",
		     &r, &err),
	       "caf\303\251.c:1,2;q\"u o.c:2;sp ace.c:2,3;t\tab.c:2;",
	       "git's names: octal escapes, quotes, a trailing tab");
	is_int(r, 0, "and it parses");

	/* Renames count under the new name; a deletion, a binary file and
	 * a pure rename add nothing. */
	is_str(parse("diff --git a/old.c b/new.c\n"
		     "similarity index 92%\n"
		     "rename from old.c\n"
		     "rename to new.c\n"
		     "index 347148c..c3286e9 100644\n"
		     "--- a/old.c\n"
		     "+++ b/new.c\n"
		     "@@ -3 +3 @@ old 2\n"
		     "-old 3\n"
		     "+NEW three\n"
		     "diff --git a/bin.dat b/bin.dat\n"
		     "new file mode 100644\n"
		     "index 0000000..dfa2268\n"
		     "Binary files /dev/null and b/bin.dat differ\n"
		     "diff --git a/gone.c b/gone.c\n"
		     "deleted file mode 100644\n"
		     "index 286c5f5..0000000\n"
		     "--- a/gone.c\n"
		     "+++ /dev/null\n"
		     "@@ -1,2 +0,0 @@\n"
		     "-gone\n"
		     "-too\n"
		     "diff --git a/same.c b/moved.c\n"
		     "similarity index 100%\n"
		     "rename from same.c\n"
		     "rename to moved.c\n"
		     "diff --git a/del.c b/del.c\n"
		     "--- a/del.c\n"
		     "+++ b/del.c\n"
		     "@@ -4,2 +3,0 @@\n"
		     "-a\n"
		     "-b\n",
		     &r, &err),
	       "new.c:3;", "rename, binary, deletion, pure rename");

	/* Context lines (a diff with the default three) are not added. */
	is_str(parse("--- a/a.c\n"
		     "+++ b/a.c\n"
		     "@@ -1,4 +1,5 @@\n"
		     " 1\n"
		     "-2\n"
		     "+TWO\n"
		     " 3\n"
		     "+3.5\n"
		     "\n"
		     "@@ -10 +11,2 @@\n"
		     " 10\n"
		     "+10.5\n",
		     &r, &err),
	       "a.c:2,4,12;", "context lines and a blank one count on");

	/* A "+++" inside a hunk's body is an added line, not a header. */
	is_str(parse("+++ b/x.c\n"
		     "@@ -1,0 +2,2 @@\n"
		     "+++ b/inside\n"
		     "+b\n",
		     &r, &err),
	       "x.c:2,3;", "a '+++' line in a hunk is content");

	/* Files in path order; a file named twice is merged, its lines
	 * sorted and each once. */
	is_str(parse("+++ b/z.c\n"
		     "@@ -0,0 +7,2 @@\n"
		     "+a\n"
		     "+b\n"
		     "+++ b/a.c\n"
		     "@@ -0,0 +1 @@\n"
		     "+a\n"
		     "+++ b/z.c\n"
		     "@@ -0,0 +3 @@\n"
		     "+c\n"
		     "@@ -0,0 +8 @@\n"
		     "+d\n",
		     &r, &err),
	       "a.c:1;z.c:3,7,8;", "path order, merged, distinct");

	/* CRLF headers, NUL bytes in content, a missing last newline. */
	{
		static const char crlf[] = "+++ b/a.c\r\n"
					   "@@ -0,0 +1,2 @@\r\n"
					   "+\0x\r\n"
					   "+y";

		is_str(parse_n(crlf, sizeof(crlf) - 1, &r, &err), "a.c:1,2;",
		       "CRLF, NUL in a line, no final newline");
	}

	/* The highest line number there can be. */
	is_str(parse("+++ b/big.c\n@@ -0,0 +100000000 @@\n+x\n", &r, &err),
	       "big.c:100000000;", "line DA_MAX_COV_LINE is accepted");
	/* Counts that are 0: a header with nothing to add or remove. */
	is_str(parse("+++ b/e.c\n@@ -0,0 +0,0 @@\n", &r, &err), "",
	       "an empty hunk adds nothing");

	is_str(parse("", &r, &err), "", "no text, no files");
	is_int(r, 0, "and that is fine");
	is_str(parse("garbage\nmore garbage\n", &r, &err), "",
	       "text outside any file is read past");

	r = cov_diff_parse(NULL, 0, &d, &err);
	is_int(r, 0, "no text at all (NULL)");
	is_int((int)cov_diff_files(d), 0, "has no files");
	ok(cov_diff_path(d, 0) == NULL, "a path past the end is NULL");
	ok(cov_diff_lines(d, 0, &n) == NULL && n == 0,
	   "lines past the end are none");
	cov_diff_free(d);
	cov_diff_free(NULL);
	is_int((int)cov_diff_files(NULL), 0, "a NULL diff has no files");
}

struct bad_case {
	const char *text;
	int e;
	const char *msg;
};

static void test_parse_bad(void)
{
	static const struct bad_case cases[] = {
	    {"@@ -1 +1 @@\n-a\n+b\n", DA_EINVAL,
	     "cannot read the diff: line 1: hunk before any '+++' line"},
	    {"+++ b/a\n@@ -0,0 +1 @@\n+x\ndiff --git a/b b/b\n"
	     "@@ -0,0 +1 @@\n+y\n",
	     DA_EINVAL, "line 5: hunk before any '+++' line"},
	    {"--- a/a\n@@ -0,0 +1 @@\n+y\n", DA_EINVAL,
	     "line 2: hunk before any '+++' line"},
	    {"+++ b/a\n@@ -1 +x @@\n", DA_EINVAL, "line 2: bad hunk header"},
	    {"+++ b/a\n@@ -1 +1@@\n", DA_EINVAL, "bad hunk header"},
	    {"+++ b/a\n@@ -1 +1 @@x\n", DA_EINVAL, "bad hunk header"},
	    {"+++ b/a\n@@ -1,2,3 +1 @@\n", DA_EINVAL, "bad hunk header"},
	    {"+++ b/a\n@@ 1 +1 @@\n", DA_EINVAL, "bad hunk header"},
	    {"+++ b/a\n@@ -1 +0,1 @@\n", DA_EINVAL, "bad hunk header"},
	    {"+++ b/a\n@@ -1 +-1 @@\n", DA_EINVAL, "bad hunk header"},
	    {"+++ b/a\n@@ -1 +99999999999999999999999 @@\n", DA_EINVAL,
	     "bad hunk header"},
	    {"+++ b/a\n@@ -1 +18446744073709551617 @@\n", DA_EINVAL,
	     "bad hunk header"},
	    {"+++ b/a\n@@ -1 +100000001 @@\n", DA_EINVAL, "bad hunk header"},
	    {"+++ b/a\n@@ -1 +100000000,2 @@\n", DA_EINVAL, "bad hunk header"},
	    {"+++ b/a\n@@ -1 +1,4294967296 @@\n", DA_EINVAL, "bad hunk header"},
	    {"+++ b/a\n@@ -0,0 +1,3 @@\n+x\n", DA_EINVAL,
	     "line 3: the diff ends inside a hunk"},
	    {"+++ b/a\n@@ -0,0 +1,2 @@\n+x\ndiff --git a/b b/b\n", DA_EINVAL,
	     "line 4: hunk ends before the lines its header counts"},
	    {"+++ b/a\n@@ -0,0 +1 @@\n+x\n+y\n", DA_EINVAL,
	     "line 4: a changed line outside any hunk"},
	    {"+++ b/a\n@@ -1 +1 @@\n-x\n-y\n+z\n", DA_EINVAL,
	     "line 4: more removed lines than the hunk header says"},
	    {"+++ b/a\n@@ -1 +1,2 @@\n-x\n+y\n-z\n", DA_EINVAL,
	     "line 5: more removed lines than the hunk header says"},
	    {"+++ b/a\n@@ -1,2 +1 @@\n+y\n+z\n", DA_EINVAL,
	     "line 4: more added lines than the hunk header says"},
	    {"+++ b/a\n@@ -1 +1,2 @@\n-x\n ctx\n+y\n", DA_EINVAL,
	     "line 4: more context lines than the hunk header says"},
	    {"+++ /dev/null\n@@ -1 +1 @@\n-x\n+y\n", DA_EINVAL,
	     "line 2: lines added to /dev/null"},
	    {"+++ \"b/a\n", DA_EINVAL, "quoted name without its closing '\"'"},
	    {"+++ \"b/a\\\n", DA_EINVAL, "without its closing"},
	    {"+++ \"b/a\\q\"\n", DA_EINVAL, "unknown escape in a quoted name"},
	    {"+++ \"b/\\400\"\n", DA_EINVAL, "unknown escape"},
	    {"+++ \"b/\\38\"\n", DA_EINVAL, "bad octal escape"},
	    {"+++ \"b/\\30\"\n", DA_EINVAL, "bad octal escape"},
	    {"+++ \"b/a\\000\"\n", DA_EINVAL, "NUL byte in a file name"},
	    {"+++ \"b/a\" x\n", DA_EINVAL, "text after a quoted file name"},
	    {"+++ a.c\n", DA_EINVAL,
	     "line 1: '+++' name does not start "
	     "with 'b/'"},
	    {"+++ \n", DA_EINVAL, "does not start with 'b/'"},
	    {"+++ b/\n", DA_EINVAL, "'+++' name is empty"},
	    {"+++ \"b/\"\n", DA_EINVAL, "'+++' name is empty"},
	};
	struct da_err err = DA_ERR_INIT;
	char name[160];
	size_t i;
	int r;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		format(name, sizeof(name), "bad diff %zu is refused", i);
		is_str(parse(cases[i].text, &r, &err), "error", name);
		is_int(r, -cases[i].e, name);
		has_str(err.msg, cases[i].msg, name);
		ok(!strchr(err.msg, '\n'), "in one line");
	}

	/* A NUL byte in an unquoted name (the length says where text ends). */
	{
		static const char nul[] = "+++ b/a\0b\n@@ -0,0 +1 @@\n+x\n";

		is_str(parse_n(nul, sizeof(nul) - 1, &r, &err), "error",
		       "NUL in a plain name");
		has_str(err.msg, "line 1: NUL byte in a file name", "says so");
	}
	/* A name longer than any path. */
	{
		struct da_buf t = DA_BUF_INIT(0);

		if (da_buf_adds(&t, "+++ b/") < 0)
			ok(0, "test text");
		for (i = 0; i < DA_MAX_FS_PATH + 10; i++)
			if (da_buf_addch(&t, 'x') < 0)
				ok(0, "test text");
		is_str(parse(da_buf_str(&t), &r, &err), "error",
		       "a name over the path ceiling");
		is_int(r, -DA_ELIMIT, "is a limit");
		has_str(err.msg, "line 1: file name over 4096 bytes",
			"says so");
		da_buf_release(&t);
	}
}

/* More files than DA_MAX_DIFF_FILES stop at the ceiling. */
static void test_parse_ceiling(void)
{
	struct da_buf t = DA_BUF_INIT((size_t)64 << 20);
	struct da_err err = DA_ERR_INIT;
	struct cov_diff *d = NULL;
	size_t i;
	int r = 0;

	for (i = 0; i <= DA_MAX_DIFF_FILES && r == 0; i++)
		r = da_buf_addf(&t, "+++ b/%zu\n", i);
	if (r < 0) {
		ok(0, "the ceiling test's text fits");
		da_buf_release(&t);
		return;
	}
	r = cov_diff_parse(t.data, t.len, &d, &err);
	is_int(r, -DA_ELIMIT, "one file past DA_MAX_DIFF_FILES is refused");
	has_str(err.msg, "line 1000001: more than 1000000 files",
		"at the line that passes it");
	ok(d == NULL, "and nothing is returned");
	da_buf_release(&t);
}

/* ---- git ---- */

/* Runs the shell script in cwd; its standard output into out (may be
 * NULL). Returns its exit status, or -1 when it could not run. */
static int sh_out(const char *cwd, const char *script, struct da_buf *out)
{
	struct da_buf tmp = DA_BUF_INIT(1 << 20);
	struct da_proc_result res;
	struct da_err err = DA_ERR_INIT;
	const char *argv[] = {"sh", "-c", script, NULL};
	char why[512];
	int r;

	r = da_proc_run(argv, cwd, NULL, out ? out : &tmp, 0, &res, &err);
	da_buf_release(&tmp);
	if (r < 0) {
		diag("%s", err.msg);
		return -1;
	}
	if (res.status)
		diag("script failed (%d): %s", res.status,
		     da_proc_reason(&res, why, sizeof(why)));
	return res.status;
}

static int sh(const char *cwd, const char *script)
{
	return sh_out(cwd, script, NULL);
}

/*
 * main: a.c, old.c, gone.c, "sp ace.c", same.c, z.c. feature changes
 * a.c (lines 2, 5, 6, 8), renames old.c to new.c with line 3 changed,
 * deletes gone.c, adds a line to "sp ace.c" (3), adds "café.c" (1-3),
 * "t<TAB>ab.c" (1-2), sub/k.c (1) and a binary file, renames same.c
 * unchanged. Then main moves on, dropping a line of z.c, which
 * base...head must not show.
 */
static const char repo_script[] =
    "set -e\n"
    "git init -q repo\n"
    "cd repo\n"
    "git symbolic-ref HEAD refs/heads/main\n"
    "printf '1\\n2\\n3\\n4\\n5\\n' > a.c\n"
    "i=1; while [ $i -le 20 ]; do echo \"old $i\"; i=$((i+1)); done "
    "> old.c\n"
    "printf 'gone\\n' > gone.c\n"
    "printf 'x\\ny\\n' > 'sp ace.c'\n"
    "i=1; while [ $i -le 10 ]; do echo \"same $i\"; i=$((i+1)); done "
    "> same.c\n"
    "printf 'z1\\nz2\\nz3\\n' > z.c\n"
    "git add -A\n"
    "git commit -qm base\n"
    "git checkout -qb feature\n"
    "printf '1\\nTWO\\n3\\n4\\n4.5\\n4.6\\n5\\nsix\\n' > a.c\n"
    "git mv old.c new.c\n"
    "sed '3s/.*/NEW 3/' new.c > t.tmp && mv t.tmp new.c\n"
    "git rm -q gone.c\n"
    "printf 'z\\n' >> 'sp ace.c'\n"
    "printf 'e1\\ne2\\ne3\\n' > \"$(printf 'caf\\303\\251.c')\"\n"
    "printf 't1\\nt2\\n' > \"$(printf 't\\tab.c')\"\n"
    "git mv same.c moved.c\n"
    "printf '\\000\\001\\002bin\\n' > bin.dat\n"
    "mkdir sub && printf 'k\\n' > sub/k.c\n"
    "git add -A\n"
    "git commit -qm feature\n"
    "git checkout -q main\n"
    "printf 'z1\\nz3\\n' > z.c\n"
    "git commit -qam 'main moves on'\n";

static const char feature_lines[] = "a.c:2,5,6,8;"
				    "caf\303\251.c:1,2,3;"
				    "new.c:3;"
				    "sp ace.c:3;"
				    "sub/k.c:1;"
				    "t\tab.c:1,2;";

static struct da_buf repo = DA_BUF_INIT(0);

/* A path under the test directory, valid until the next call. */
static const char *in_dir(const char *name)
{
	static struct da_buf path = DA_BUF_INIT(0);
	struct da_err err = DA_ERR_INIT;

	da_buf_reset(&path);
	if (da_fs_path_join(da_buf_str(cov_test_dir()), name, &path, &err) < 0)
		ok(0, "test path fits");
	return da_buf_str(&path);
}

/* cov_diff_git() in dir: the files as diff_str() gives them, or "error". */
static const char *git_diff(const char *dir, const char *base, const char *head,
			    int *ret_r, struct da_err *err)
{
	struct cov_diff *d = NULL;
	const char *s;

	da_err_clear(err);
	*ret_r = cov_diff_git(dir, base, head, &d, err);
	if (*ret_r < 0) {
		if (d)
			ok(0, "a failed diff leaves *ret alone");
		return "error";
	}
	s = diff_str(d);
	cov_diff_free(d);
	return s;
}

static void test_git(void)
{
	struct da_err err = DA_ERR_INIT;
	struct da_buf sha = DA_BUF_INIT(0);
	char cwd[4096], base_sha[64] = "";
	const char *path_env;
	int r;

	if (sh(da_buf_str(cov_test_dir()), repo_script) != 0) {
		ok(0, "make the test repository");
		return;
	}
	if (da_buf_adds(&repo, in_dir("repo")) < 0)
		ok(0, "repository path");

	is_str(git_diff(da_buf_str(&repo), "main", "feature", &r, &err),
	       feature_lines, "main...feature: exactly the added lines");
	is_int(r, 0, "git diff works");
	if (r < 0)
		diag("%s", err.msg);
	is_str(git_diff(da_buf_str(&repo), "feature", "main", &r, &err), "",
	       "feature...main: main only removed a line");
	is_str(git_diff(da_buf_str(&repo), "feature", "HEAD", &r, &err), "",
	       "HEAD works as a ref");

	/* NULL repo: the current directory. */
	if (getcwd(cwd, sizeof(cwd)) && chdir(da_buf_str(&repo)) == 0) {
		is_str(git_diff(NULL, "main", "feature", &r, &err),
		       feature_lines,
		       "repo NULL runs in the current directory");
		if (chdir(cwd) != 0)
			skip_all("cannot go back to the starting directory");
	} else {
		ok(0, "change to the repository");
	}

	/* A workspace below the repository's top: names relative to it,
	 * as git ls-files there gives them to the model (main has no
	 * sub/ of its own: an empty directory stands for it). */
	if (sh(da_buf_str(&repo), "mkdir -p sub") != 0)
		ok(0, "make the subdirectory");
	is_str(git_diff(in_dir("repo/sub"), "main", "feature", &r, &err),
	       "k.c:1;", "in a subdirectory: names relative to it");

	/* Refs the clone does not have. */
	is_str(git_diff(da_buf_str(&repo), "nosuch", "feature", &r, &err),
	       "error", "a missing base");
	is_int(r, -DA_ENOENT, "is -DA_ENOENT");
	is_str(err.msg,
	       "base 'nosuch' is not in this clone; check out with "
	       "fetch-depth: 0",
	       "with the fetch-depth hint");
	git_diff(da_buf_str(&repo), "main", "no/such", &r, &err);
	is_int(r, -DA_ENOENT, "a missing head");
	is_str(err.msg,
	       "head 'no/such' is not in this clone; check out with "
	       "fetch-depth: 0",
	       "names the head");

	/* Refs that git would read as options are never passed on. */
	git_diff(da_buf_str(&repo), "--output=leak.txt", "feature", &r, &err);
	is_int(r, -DA_EINVAL, "a base starting with '-' is refused");
	has_str(err.msg, "base '--output=leak.txt' starts with '-'", "says so");
	git_diff(da_buf_str(&repo), "main", "-p", &r, &err);
	is_int(r, -DA_EINVAL, "a head starting with '-' is refused");
	git_diff(da_buf_str(&repo), "", "feature", &r, &err);
	is_int(r, -DA_EINVAL, "an empty base is refused");
	git_diff(da_buf_str(&repo), "main", NULL, &r, &err);
	is_int(r, -DA_EINVAL, "a NULL head is refused");
	is_int(sh(da_buf_str(&repo), "test ! -e leak.txt"), 0,
	       "and git never saw them");

	/* Unrelated histories: no merge base. */
	if (sh(da_buf_str(&repo),
	       "set -e; git checkout -q --orphan other; git rm -rqf .;"
	       "echo o > o.c; git add o.c; git commit -qm other;"
	       "git checkout -q main") != 0)
		ok(0, "make an unrelated branch");
	git_diff(da_buf_str(&repo), "main", "other", &r, &err);
	is_int(r, -DA_ENOENT, "unrelated histories");
	is_str(err.msg,
	       "no merge base between 'main' and 'other'; check out with "
	       "fetch-depth: 0",
	       "have no merge base");

	/* A shallow clone holds each branch's tip but not where they met. */
	if (sh(da_buf_str(cov_test_dir()),
	       "git clone -q --depth 1 --no-single-branch "
	       "\"file://$PWD/repo\" shallow") != 0)
		ok(0, "make a shallow clone");
	git_diff(in_dir("shallow"), "origin/main", "origin/feature", &r, &err);
	is_int(r, -DA_ENOENT, "a shallow clone");
	is_str(err.msg,
	       "no merge base between 'origin/main' and 'origin/feature'; "
	       "check out with fetch-depth: 0",
	       "has no merge base");
	if (sh_out(da_buf_str(&repo), "git rev-parse main~1", &sha) == 0 &&
	    sha.len >= 40) {
		memcpy(base_sha, sha.data, 40);
		git_diff(in_dir("shallow"), base_sha, "origin/feature", &r,
			 &err);
		is_int(r, -DA_ENOENT, "a commit the shallow clone lacks");
		has_str(err.msg, "is not in this clone", "is not in it");
		has_str(err.msg, base_sha, "and is named");
		/* The full repository has it: a sha works as a base. */
		is_str(
		    git_diff(da_buf_str(&repo), base_sha, "feature", &r, &err),
		    feature_lines, "a commit sha as the base");
	} else {
		ok(0, "read the base commit");
	}

	/* Not a repository at all. */
	if (sh(da_buf_str(cov_test_dir()), "mkdir notrepo") != 0)
		ok(0, "make a plain directory");
	git_diff(in_dir("notrepo"), "main", "feature", &r, &err);
	is_int(r, -DA_EIO, "outside a repository");
	has_str(err.msg, "git rev-parse failed: ", "git's failure");
	has_str(err.msg, "not a git repository", "with git's reason");

	/* No git on PATH. */
	path_env = getenv("PATH");
	if (path_env) {
		char *saved = strdup(path_env);

		setenv("PATH", in_dir("notrepo"), 1);
		git_diff(da_buf_str(&repo), "main", "feature", &r, &err);
		is_int(r, -DA_EIO, "git not installed: could not run (exit 3)");
		has_str(err.msg, "cannot run 'git'", "says so");
		if (saved)
			setenv("PATH", saved, 1);
		free(saved);
	}
	da_buf_release(&sha);
}

/* ---- refs from the pull request event ---- */

static int refs(const char *base, const char *head, struct da_buf *b,
		struct da_buf *h, struct da_err *err)
{
	da_buf_reset(b);
	da_buf_reset(h);
	da_err_clear(err);
	return cov_changed_refs(base, head, b, h, err);
}

static void test_refs(void)
{
	struct da_buf b = DA_BUF_INIT(0), h = DA_BUF_INIT(0);
	struct da_err err = DA_ERR_INIT;
	const char *ev;
	int r;

	unsetenv("GITHUB_EVENT_NAME");
	unsetenv("GITHUB_EVENT_PATH");
	is_int(refs(NULL, NULL, &b, &h, &err), 0, "no base, no event: none");
	ok(b.len == 0 && h.len == 0, "and nothing is filled");
	is_int(refs("", "feature", &b, &h, &err), 0,
	       "a head alone is not enough");
	is_int(refs("origin/main", NULL, &b, &h, &err), 1, "a base given");
	is_str(da_buf_str(&b), "origin/main", "is the base");
	is_str(da_buf_str(&h), "HEAD", "head defaults to HEAD");
	is_int(refs("b1", "h1", &b, &h, &err), 1, "both given");
	is_str(da_buf_str(&h), "h1", "the head given");

	ev = cov_test_puts(
	    "event.json", "{\"pull_request\": {\"number\": 7,"
			  " \"base\": {\"sha\": \"aaa111\", \"ref\": \"main\"},"
			  " \"head\": {\"sha\": \"bbb222\"}}}");
	setenv("GITHUB_EVENT_PATH", ev, 1);
	setenv("GITHUB_EVENT_NAME", "push", 1);
	is_int(refs(NULL, NULL, &b, &h, &err), 0, "a push is no pull request");

	setenv("GITHUB_EVENT_NAME", "pull_request", 1);
	is_int(refs(NULL, NULL, &b, &h, &err), 1, "a pull request");
	is_str(da_buf_str(&b), "aaa111", "its base.sha");
	is_str(da_buf_str(&h), "bbb222", "its head.sha");
	is_int(refs("", "", &b, &h, &err), 1, "empty arguments are none");
	is_str(da_buf_str(&b), "aaa111", "the event's base then");
	is_int(refs(NULL, "HEAD", &b, &h, &err), 1, "a head given");
	is_str(da_buf_str(&b), "aaa111", "with the event's base");
	is_str(da_buf_str(&h), "HEAD", "wins over the event's");
	is_int(refs("v1.0", NULL, &b, &h, &err), 1, "a base given");
	is_str(da_buf_str(&b), "v1.0", "wins over the event");
	is_str(da_buf_str(&h), "HEAD", "and head is HEAD");

	setenv("GITHUB_EVENT_NAME", "pull_request_target", 1);
	is_int(refs(NULL, NULL, &b, &h, &err), 1, "pull_request_target");
	is_str(da_buf_str(&b), "aaa111", "reads the same event");

	/* Appended, and untouched on failure. */
	da_buf_reset(&b);
	da_buf_reset(&h);
	if (da_buf_adds(&b, "base=") < 0 || da_buf_adds(&h, "head=") < 0)
		ok(0, "test buffers");
	r = cov_changed_refs(NULL, NULL, &b, &h, &err);
	is_int(r, 1, "into buffers holding text");
	is_str(da_buf_str(&b), "base=aaa111", "the base is appended");
	is_str(da_buf_str(&h), "head=bbb222", "the head is appended");

	ev = cov_test_puts("nohead.json",
			   "{\"pull_request\": {\"base\": {\"sha\": \"c3\"}}}");
	setenv("GITHUB_EVENT_PATH", ev, 1);
	is_int(refs(NULL, NULL, &b, &h, &err), 1, "an event without head.sha");
	is_str(da_buf_str(&h), "HEAD", "head is HEAD");

	ev = cov_test_puts("nobase.json", "{\"pull_request\": {}}");
	setenv("GITHUB_EVENT_PATH", ev, 1);
	is_int(refs(NULL, NULL, &b, &h, &err), -DA_EINVAL,
	       "an event without base.sha");
	has_str(err.msg, "has no pull_request.base.sha",
		"says what is missing");
	has_str(err.msg, "nobase.json", "names the file");
	ok(b.len == 0 && h.len == 0, "nothing is filled on failure");

	ev = cov_test_puts("bad.json", "{\"pull_request\": ");
	setenv("GITHUB_EVENT_PATH", ev, 1);
	is_int(refs(NULL, NULL, &b, &h, &err), -DA_EINVAL,
	       "an event file that is not JSON");
	has_str(err.msg, "bad.json", "names it");

	setenv("GITHUB_EVENT_PATH", in_dir("no-such-event.json"), 1);
	is_int(refs(NULL, NULL, &b, &h, &err), -DA_EINVAL,
	       "a missing event file");
	has_str(err.msg, "no-such-event.json", "names it");
	has_str(err.msg, "pull_request_target", "and the event");

	unsetenv("GITHUB_EVENT_PATH");
	is_int(refs(NULL, NULL, &b, &h, &err), -DA_EINVAL,
	       "a pull request without GITHUB_EVENT_PATH");
	has_str(err.msg, "GITHUB_EVENT_PATH is not set", "says so");
	is_int(refs("main", NULL, &b, &h, &err), 1,
	       "a base given needs no event file");

	unsetenv("GITHUB_EVENT_NAME");
	da_buf_release(&b);
	da_buf_release(&h);
}

/* ---- coverage of the changed lines ---- */

static void add_lines(struct cov_model *m, const char *path,
		      const uint32_t *lines, const uint64_t *hits, size_t n)
{
	struct da_err err = DA_ERR_INIT;
	struct cov_file *f = NULL;
	size_t i;

	if (cov_file_get(m, path, &f, &err) < 0) {
		ok(0, "model file");
		return;
	}
	for (i = 0; i < n; i++)
		if (cov_line_add(f, lines[i], hits[i], &err) < 0)
			ok(0, "model line");
}

static void test_eval(void)
{
	static const uint32_t a_lines[] = {1, 2, 3, 5, 6, 7};
	static const uint64_t a_hits[] = {1, 0, 1, 1, 0, 1};
	static const uint32_t one[] = {1}, three[] = {3};
	static const uint64_t zero[] = {0}, two[] = {2};
	static const char change[] =
	    "+++ b/a.c\n@@ -0,0 +2 @@\n+x\n@@ -0,0 +5,2 @@\n+x\n+x\n"
	    "@@ -0,0 +8 @@\n+x\n"
	    "+++ \"b/caf\\303\\251.c\"\n@@ -0,0 +1,3 @@\n+e\n+e\n+e\n"
	    "+++ b/new.c\n@@ -3 +3 @@\n-o\n+n\n"
	    "+++ b/sp ace.c\t\n@@ -2,0 +3 @@\n+z\n"
	    "+++ b/sub/k.c\n@@ -0,0 +1 @@\n+k\n"
	    "+++ \"b/t\\tab.c\"\n@@ -0,0 +1,2 @@\n+t\n+t\n";
	struct da_err err = DA_ERR_INIT;
	struct cov_model *m = cov_test_model();
	struct cov_diff *d = NULL;
	struct cov_policy policy;
	struct cov_changed c;
	int r;

	/* a.c changes 2, 5, 6, 8: 2, 5 and 6 are instrumented, 5 hit. */
	add_lines(m, "a.c", a_lines, a_hits, 6);
	add_lines(m, "new.c", three, two, 1);
	/* Instrumented, but not on the changed line 3. */
	add_lines(m, "sp ace.c", one, zero, 1);
	/* Excluded by the policy. */
	add_lines(m, "sub/k.c", one, zero, 1);
	/* Not in the change. */
	add_lines(m, "zzz.c", one, zero, 1);
	add_lines(m, "0first.c", one, zero, 1);

	r = cov_diff_parse(change, sizeof(change) - 1, &d, &err);
	is_int(r, 0, "the change parses");
	if (r < 0) {
		diag("%s", err.msg);
		cov_model_free(m);
		return;
	}
	is_str(diff_str(d), feature_lines, "the same change as the repository");

	cov_policy_init(&policy);
	if (da_glob_set_new(&policy.exclude, &err) < 0 ||
	    da_glob_set_add(policy.exclude, "sub/**", &err) < 0)
		ok(0, "policy exclude");

	memset(&c, 0, sizeof(c));
	r = cov_changed_eval(m, d, &policy, "main", "feature", &c, &err);
	is_int(r, 0, "evaluates");
	is_cov(c.count, 2, 4, "changed lines: 5 of a.c and 3 of new.c hit");
	is_int((int)c.added, 11, "added lines of wanted files (sub/ out)");
	is_int((int)c.nfiles, 2, "files with instrumented changed lines");
	if (c.nfiles == 2) {
		is_str(c.files[0].path, "a.c", "a.c first");
		is_cov(c.files[0].count, 1, 3, "a.c");
		is_int((int)c.files[0].nuncovered, 2, "a.c: two uncovered");
		if (c.files[0].nuncovered == 2) {
			is_int((int)c.files[0].uncovered[0], 2, "line 2");
			is_int((int)c.files[0].uncovered[1], 6, "line 6");
		}
		is_str(c.files[1].path, "new.c", "then new.c");
		is_cov(c.files[1].count, 1, 1, "new.c");
		is_int((int)c.files[1].nuncovered, 0, "new.c: none uncovered");
	}
	is_str(c.base, "main", "base copied");
	is_str(c.head, "feature", "head copied");
	cov_changed_release(&c);

	/* Without the exclusion sub/k.c counts, uncovered. */
	da_glob_set_free(policy.exclude);
	policy.exclude = NULL;
	memset(&c, 0, sizeof(c));
	r = cov_changed_eval(m, d, &policy, NULL, NULL, &c, &err);
	is_int(r, 0, "evaluates without the exclusion");
	is_cov(c.count, 2, 5, "sub/k.c's line counts");
	is_int((int)c.added, 12, "and its added line");
	is_int((int)c.nfiles, 3, "three files");
	if (c.nfiles == 3) {
		is_str(c.files[2].path, "sub/k.c", "sub/k.c last");
		is_int((int)c.files[2].nuncovered, 1, "one uncovered");
	}
	ok(c.base == NULL && c.head == NULL, "NULL refs stay NULL");
	cov_changed_release(&c);
	cov_diff_free(d);

	/* An empty change covers nothing and adds nothing. */
	d = NULL;
	if (cov_diff_parse("", 0, &d, &err) < 0)
		ok(0, "empty diff");
	memset(&c, 0, sizeof(c));
	r = cov_changed_eval(m, d, &policy, "a", "b", &c, &err);
	is_int(r, 0, "an empty change evaluates");
	is_cov(c.count, 0, 0, "to nothing");
	is_int((int)c.added, 0, "no lines added");
	is_int((int)c.nfiles, 0, "no files");
	cov_changed_release(&c);
	cov_diff_free(d);

	/* The real repository's change against the same model. */
	if (repo.len) {
		d = NULL;
		r = cov_diff_git(da_buf_str(&repo), "main", "feature", &d,
				 &err);
		is_int(r, 0, "git diff of the repository");
		memset(&c, 0, sizeof(c));
		if (r == 0 && cov_changed_eval(m, d, &policy, "main", "feature",
					       &c, &err) == 0)
			is_cov(c.count, 2, 5, "gives the same coverage");
		cov_changed_release(&c);
		cov_diff_free(d);
	}

	cov_policy_release(&policy);
	cov_model_free(m);
}

/*
 * cov_changed_tested(): a clone of the test repository with the pull
 * request's merge commit checked out (as actions/checkout does), with the
 * head itself checked out, and with something else.
 */
static void test_tested(void)
{
	struct da_err err = DA_ERR_INIT;
	struct da_buf base = DA_BUF_INIT(0), head = DA_BUF_INIT(0);
	struct da_buf feature = DA_BUF_INIT(0), main_sha = DA_BUF_INIT(0);
	const char *dir = in_dir("merge");
	int r;

	if (sh(da_buf_str(cov_test_dir()),
	       "set -e\n"
	       "rm -rf merge\n"
	       "git clone -q repo merge\n"
	       "cd merge\n"
	       "git checkout -q -b pr origin/main\n"
	       "git merge -q --no-ff -m merge origin/feature\n") != 0 ||
	    sh_out(dir, "git rev-parse origin/feature", &feature) != 0 ||
	    sh_out(dir, "git rev-parse origin/main~1", &main_sha) != 0) {
		ok(0, "a merge commit as actions/checkout makes it");
		return;
	}
	da_buf_truncate(&feature, feature.len - 1);
	da_buf_truncate(&main_sha, main_sha.len - 1);

	(void)da_buf_adds(&base, da_buf_str(&main_sha));
	(void)da_buf_adds(&head, da_buf_str(&feature));
	r = cov_changed_tested(dir, &base, &head, &err);
	is_int(r, 1, "the merge commit checked out: the refs change");
	is_str(da_buf_str(&base), "HEAD^1", "base: the merge's first parent");
	is_str(da_buf_str(&head), "HEAD", "head: the merge itself");
	{
		int dr;
		is_str(git_diff(dir, "HEAD^1", "HEAD", &dr, &err),
		       feature_lines,
		       "its diff is what the pull request adds, on the lines "
		       "that were tested");
	}

	(void)sh(dir, "git checkout -q origin/feature");
	da_buf_reset(&base);
	da_buf_reset(&head);
	(void)da_buf_adds(&base, da_buf_str(&main_sha));
	(void)da_buf_adds(&head, da_buf_str(&feature));
	r = cov_changed_tested(dir, &base, &head, &err);
	is_int(r, 0, "the head checked out: nothing changes");
	is_str(da_buf_str(&head), da_buf_str(&feature), "head stays");

	(void)sh(dir, "git checkout -q origin/main");
	r = cov_changed_tested(dir, &base, &head, &err);
	is_int(r, 1, "another commit checked out");
	is_str(da_buf_str(&head), "HEAD", "head becomes the tested tree");
	is_str(da_buf_str(&base), da_buf_str(&main_sha), "base stays");

	da_buf_release(&base);
	da_buf_release(&head);
	da_buf_release(&feature);
	da_buf_release(&main_sha);
}

static void run_tests(void)
{
	struct da_buf out = DA_BUF_INIT(0);

	test_parse_good();
	test_parse_bad();
	test_parse_ceiling();

	cov_test_dir_make("test-cov-changed");
	/* A git of our own: no user or system configuration, a fixed
	 * identity, and no repository found above the test directory. */
	setenv("HOME", da_buf_str(cov_test_dir()), 1);
	setenv("XDG_CONFIG_HOME", da_buf_str(cov_test_dir()), 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	setenv("GIT_CEILING_DIRECTORIES", da_buf_str(cov_test_dir()), 1);
	setenv("GIT_AUTHOR_NAME", "Test", 1);
	setenv("GIT_AUTHOR_EMAIL", "test@example.com", 1);
	setenv("GIT_COMMITTER_NAME", "Test", 1);
	setenv("GIT_COMMITTER_EMAIL", "test@example.com", 1);
	unsetenv("GIT_DIR");
	unsetenv("GIT_WORK_TREE");

	test_refs();
	if (sh_out(NULL, "git --version", &out) == 0) {
		test_git();
		test_tested();
	} else
		diag("no git here: the git tests are left out");
	test_eval();

	da_buf_release(&out);
	da_buf_release(&repo);
	cov_test_dir_remove();
}
