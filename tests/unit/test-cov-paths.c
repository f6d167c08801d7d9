/*
 * Unit tests for coverage-gate's paths: report names to repository paths,
 * against real git repositories made in a temporary directory.
 */
#include "test.h"
#include "cov-test.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "actions/coverage-gate/paths.h"
#include "common/fs.h"
#include "common/proc.h"

/* The temporary directory, as made and with symlinks resolved. */
static char top[PATH_MAX], real_top[PATH_MAX];
/* The repository's work tree, under real_top. */
static char ws[PATH_MAX];

static struct da_buf mapped = DA_BUF_INIT(1 << 20);

/* Writes text to the file rel under dir, making its directories. */
static void put(const char *dir, const char *rel, const char *text)
{
	struct da_err err = DA_ERR_INIT;
	char path[PATH_MAX], *slash;

	format(path, sizeof(path), "%s/%s", dir, rel);
	slash = strrchr(path, '/');
	*slash = '\0';
	if (da_fs_mkdir_p(path, 0755, &err) < 0)
		diag("%s", err.msg);
	*slash = '/';
	if (da_fs_write_atomic(path, text, strlen(text), 0644, &err) < 0) {
		diag("%s", err.msg);
		ok(0, "write a test file");
	}
}

/* Runs git in dir with up to six arguments; its exit status, or -1. */
static int git(const char *dir, const char *a1, const char *a2, const char *a3,
	       const char *a4)
{
	const char *argv[] = {"git",
			      "-C",
			      dir,
			      "-c",
			      "user.name=x",
			      "-c",
			      "user.email=x",
			      "-c",
			      "commit.gpgsign=false",
			      a1,
			      a2,
			      a3,
			      a4,
			      NULL};
	/* Neither the machine's nor the user's git settings take part. */
	const char *env[] = {"GIT_TERMINAL_PROMPT=0", "LC_ALL=C",
			     "GIT_CONFIG_NOSYSTEM=1",
			     "GIT_CONFIG_GLOBAL=/dev/null", NULL};
	struct da_buf out = DA_BUF_INIT(1 << 20);
	struct da_proc_result res;
	struct da_err err = DA_ERR_INIT;
	char why[256];
	int r;

	r = da_proc_run(argv, NULL, env, &out, 0, &res, &err);
	da_buf_release(&out);
	if (r < 0) {
		diag("%s", err.msg);
		return -1;
	}
	if (res.status != 0)
		diag("git %s: %s", a1, da_proc_reason(&res, why, sizeof(why)));
	return res.status;
}

/* What paths makes of raw; "(error: ...)" when it fails. */
static const char *map(struct cov_paths *paths, const char *raw)
{
	struct da_err err = DA_ERR_INIT;
	static char failed[DA_ERR_MSG_MAX + 16];

	da_buf_reset(&mapped);
	if (cov_paths_map(paths, raw, &mapped, &err) < 0) {
		format(failed, sizeof(failed), "(error: %s)", err.msg);
		return failed;
	}
	return da_buf_str(&mapped);
}

/* An absolute name under the repository: ws + "/" + rel. */
static const char *in_ws(const char *rel)
{
	static char path[PATH_MAX];

	format(path, sizeof(path), "%s/%s", ws, rel);
	return path;
}

/* A mapper for config, or NULL (and a failed test) when it fails. */
static struct cov_paths *make(const struct cov_paths_config *config)
{
	struct cov_paths *paths = NULL;
	struct da_err err = DA_ERR_INIT;

	if (cov_paths_new(config, &paths, &err) < 0) {
		diag("%s", err.msg);
		ok(0, "cov_paths_new");
		return NULL;
	}
	return paths;
}

/* Whether name is among the unmatched names paths lists. */
static int listed(const struct cov_paths *paths, const char *name)
{
	size_t i;

	for (i = 0; i < cov_paths_unmatched(paths); i++) {
		const char *s = cov_paths_unmatched_path(paths, i);

		if (s && !strcmp(s, name))
			return 1;
	}
	return 0;
}

/* The repository every git test reads. */
static int make_repo(void)
{
	format(ws, sizeof(ws), "%s/ws", real_top);
	put(ws, "src/a.c", "int a;\n");
	put(ws, "src/pkg/a.py", "a = 1\n");
	put(ws, "other/pkg/a.py", "a = 2\n");
	put(ws, "app/src/main/java/com/foo/Bar.java", "class Bar {}\n");
	put(ws, "lib/x/util.c", "int x;\n");
	put(ws, "lib/y/util.c", "int y;\n");
	put(ws, "go.mod",
	    "// the root module\nmodule github.com/o/r // its path\n\n"
	    "go 1.21\n");
	put(ws, "pkg/g.go", "package pkg\n");
	put(ws, "modules/sub/go.mod",
	    "module \"github.com/o/r/sub\"\n\ngo 1.21\n");
	put(ws, "modules/sub/f.go", "package sub\n");
	/* What the root module alone would make of the sub module's file. */
	put(ws, "sub/f.go", "package sub\n");
	put(ws, "third/blk/go.mod", "module (\n\texample.org/blk\n)\n");
	put(ws, "third/blk/h.go", "package blk\n");
	put(ws, "nomod/go.mod", "go 1.21\n");
	put(ws, "nomod/x.go", "package nomod\n");
	return git(ws, "init", "-q", ".", NULL) == 0 &&
	       git(ws, "add", "-A", NULL, NULL) == 0 &&
	       git(ws, "commit", "-q", "-m", "x") == 0;
}

static void test_bad_rules(void)
{
	const char *no_arrow[] = {"/a=>b", "a->b"};
	const char *no_from[] = {"  => src"};
	const char *dot_from[] = {"./ =>src"};
	struct cov_paths_config config = {0};
	struct cov_paths *paths = NULL;
	struct da_err err = DA_ERR_INIT;

	config.workspace = "/w";
	config.map = no_arrow;
	config.nmap = 2;
	is_int(cov_paths_new(&config, &paths, &err), -DA_EINVAL,
	       "a rule without '=>' is refused");
	is_str(err.msg, "path-map rule 'a->b' has no '=>'", "and named");
	ok(paths == NULL, "nothing is made");
	config.map = no_from;
	config.nmap = 1;
	da_err_clear(&err);
	is_int(cov_paths_new(&config, &paths, &err), -DA_EINVAL,
	       "a rule with nothing before '=>' is refused");
	has_str(err.msg, "path-map rule '  => src'", "and named");
	config.map = dot_from;
	da_err_clear(&err);
	is_int(cov_paths_new(&config, &paths, &err), -DA_EINVAL,
	       "so is one whose FROM is only '.'");
}

/* Steps 4, 6 and 7 with the repository's file list. */
static void test_repo(void)
{
	struct cov_paths_config config = {0};
	struct cov_paths *paths;
	char name[PATH_MAX + 8];

	config.workspace = ws;
	config.use_git = 1;
	paths = make(&config);
	if (!paths)
		return;
	ok(cov_paths_have_files(paths), "git lists the repository's files");
	is_str(cov_paths_workspace(paths), ws, "the workspace given");
	is_str(map(paths, in_ws("src/a.c")), "src/a.c",
	       "the workspace is stripped");
	format(name, sizeof(name), "%s//src/./x/../a.c", ws);
	is_str(map(paths, name), "src/a.c", "and the name normalised");
	is_str(map(paths, "src/a.c"), "src/a.c", "a repository path stays");
	is_str(map(paths, "./src//a.c"), "src/a.c", "'./' and '//' go");
	is_str(map(paths, "src/x/../a.c"), "src/a.c", "'..' goes");
	is_str(map(paths, "src\\a.c"), "src/a.c",
	       "a name with '\\' and no '/' is a Windows name");
	format(name, sizeof(name), "%sx/src/a.c", ws);
	is_str(map(paths, name), name,
	       "the workspace is a prefix only at a '/'");
	is_str(map(paths, "com/foo/Bar.java"),
	       "app/src/main/java/com/foo/Bar.java",
	       "a unique suffix names its file");
	is_str(map(paths, "Bar.java"), "app/src/main/java/com/foo/Bar.java",
	       "a file name alone too");
	is_str(map(paths, "x/util.c"), "lib/x/util.c",
	       "a suffix unique at its depth");
	is_str(map(paths, "util.c"), "util.c",
	       "an ambiguous suffix is kept as it is");
	is_str(map(paths, "pkg/a.py"), "pkg/a.py",
	       "so is a relative name under two directories");
	is_str(map(paths, "il.c"), "il.c", "a suffix is matched at a '/'");
	is_str(map(paths, "no/such.c"), "no/such.c", "an unknown name stays");
	is_str(map(paths, "./no/such.c"), "no/such.c", "normalised");
	is_str(map(paths, "/elsewhere/a.c"), "/elsewhere/a.c",
	       "an absolute name outside the workspace stays");
	is_str(map(paths, "D:\\x\\y.c"), "D:/x/y.c", "a Windows name gets '/'");
	is_str(map(paths, "util.c"), "util.c", "the same name again");

	is_str(map(paths, "github.com/o/r/pkg/g.go"), "pkg/g.go",
	       "the root module's path gives way to the root");
	is_str(map(paths, "github.com/o/r/sub/f.go"), "modules/sub/f.go",
	       "the longest module path wins (quoted in its go.mod)");
	is_str(map(paths, "example.org/blk/h.go"), "third/blk/h.go",
	       "a module named in a block");
	format(name, sizeof(name), "_%s/pkg/g.go", ws);
	is_str(map(paths, name), "pkg/g.go",
	       "Go's '_' + directory outside a module");

	is_int(cov_paths_unmatched(paths), 7,
	       "distinct unmatched names are counted once");
	format(name, sizeof(name), "%sx/src/a.c", ws);
	is_str(cov_paths_unmatched_path(paths, 0), name, "in order seen");
	is_str(cov_paths_unmatched_path(paths, 1), "util.c", "the second");
	is_str(cov_paths_unmatched_path(paths, 6), "D:/x/y.c", "the last");
	ok(listed(paths, "pkg/a.py") && listed(paths, "il.c") &&
	       listed(paths, "no/such.c") && listed(paths, "/elsewhere/a.c"),
	   "the others are listed");
	ok(!listed(paths, "src/a.c") && !listed(paths, "lib/x/util.c"),
	   "matched names are not");
	ok(cov_paths_unmatched_path(paths, 7) == NULL, "past the end: NULL");
	cov_paths_free(paths);
}

static void test_rules(void)
{
	const char *rules[] = {"/app => src", "/app/special=>lib/x",
			       "/container/ws =>", "C:\\build=>src"};
	const char *strip[] = {"  ", "/build/agent/ws/"};
	struct cov_paths_config config = {0};
	struct cov_paths *paths;

	config.workspace = ws;
	config.use_git = 1;
	config.map = rules;
	config.nmap = 4;
	config.strip = strip;
	config.nstrip = 2;
	paths = make(&config);
	if (!paths)
		return;
	is_str(map(paths, "/app/a.c"), "src/a.c", "a path-map rule");
	is_str(map(paths, "/app/special/util.c"), "src/special/util.c",
	       "the first rule that matches wins");
	is_str(map(paths, "/app2/a.c"), "/app2/a.c",
	       "a rule matches at a '/' only");
	is_str(map(paths, "/container/ws/src/a.c"), "src/a.c",
	       "an empty TO strips");
	is_str(map(paths, "C:\\build\\a.c"), "src/a.c",
	       "a Windows FROM matches a Windows name");
	is_str(map(paths, "c:/build/a.c"), "src/a.c",
	       "whatever the drive letter's case");
	is_str(map(paths, "/build/agent/ws/src/a.c"), "src/a.c",
	       "a strip-prefix");
	is_str(map(paths, "/build/agent/wsx/a.c"), "/build/agent/wsx/a.c",
	       "at a '/' only");
	is_str(map(paths, in_ws("src/a.c")), "src/a.c",
	       "the workspace still goes");
	cov_paths_free(paths);
}

static void test_roots(void)
{
	const char *roots[] = {"other", "/nowhere"};
	struct cov_paths_config config = {0};
	struct cov_paths *paths;
	struct da_err err = DA_ERR_INIT;
	char root[PATH_MAX + 8];
	int i, r = 0;

	config.workspace = ws;
	config.use_git = 1;
	config.roots = roots;
	config.nroots = 2;
	paths = make(&config);
	if (!paths)
		return;
	is_str(map(paths, "pkg/a.py"), "other/pkg/a.py",
	       "a source-roots entry");
	format(root, sizeof(root), "  %s/src\n", ws);
	is_int(cov_paths_root(paths, root, &err), 0, "a report's root");
	is_str(map(paths, "pkg/a.py"), "src/pkg/a.py",
	       "comes before the source-roots");
	is_str(map(paths, "src/a.c"), "src/a.c",
	       "a name under no root is itself");
	is_str(map(paths, "nothere/z.py"), "nothere/z.py",
	       "or kept when it names nothing");
	cov_paths_report_begin(paths);
	is_str(map(paths, "pkg/a.py"), "other/pkg/a.py",
	       "a new report forgets the last one's roots");
	is_int(cov_paths_root(paths, " \t\n", &err), 0, "a blank root");
	is_str(map(paths, "pkg/a.py"), "other/pkg/a.py", "says nothing");
	is_int(cov_paths_root(paths, "src", &err), 0, "a relative root");
	is_str(map(paths, "pkg/a.py"), "src/pkg/a.py",
	       "is under the workspace");
	cov_paths_report_begin(paths);
	for (i = 0; i <= 1000 && r == 0; i++) {
		format(root, sizeof(root), "/r%d", i);
		r = cov_paths_root(paths, root, &err);
	}
	is_int(r, -DA_ELIMIT, "roots of one report have a ceiling");
	is_int(i, 1001, "at 1000");
	has_str(err.msg, "more than 1000 source roots", "and say so");
	cov_paths_free(paths);
}

static void test_go_module_given(void)
{
	struct cov_paths_config config = {0};
	struct cov_paths *paths;

	config.workspace = ws;
	config.use_git = 1;
	config.go_module = "example.com/x/";
	paths = make(&config);
	if (!paths)
		return;
	is_str(map(paths, "example.com/x/pkg/g.go"), "pkg/g.go",
	       "the module given is the root module");
	is_str(map(paths, "github.com/o/r/pkg/g.go"), "github.com/o/r/pkg/g.go",
	       "in place of the root's go.mod");
	is_str(map(paths, "github.com/o/r/sub/f.go"), "modules/sub/f.go",
	       "other go.mod files still count");
	cov_paths_free(paths);
}

static void test_symlink(void)
{
	struct cov_paths_config config = {0};
	struct cov_paths *paths;
	char link[PATH_MAX], name[PATH_MAX + 16];

	format(link, sizeof(link), "%s/link", real_top);
	if (symlink(ws, link) < 0) {
		ok(0, "make a symbolic link");
		return;
	}
	config.workspace = link;
	config.use_git = 1;
	paths = make(&config);
	if (!paths)
		return;
	is_str(cov_paths_workspace(paths), link, "a workspace behind a link");
	ok(cov_paths_have_files(paths), "is a repository too");
	is_str(map(paths, in_ws("src/a.c")), "src/a.c",
	       "its resolved form is stripped");
	format(name, sizeof(name), "%s/src/a.c", link);
	is_str(map(paths, name), "src/a.c", "and the form given");
	cov_paths_free(paths);
}

static void test_default_workspace(void)
{
	struct cov_paths_config config = {0};
	struct cov_paths *paths;
	char given[PATH_MAX + 8], cwd[PATH_MAX], old[PATH_MAX], want[PATH_MAX];

	config.use_git = 1;
	format(given, sizeof(given), "%s/./", ws);
	setenv("GITHUB_WORKSPACE", given, 1);
	paths = make(&config);
	if (paths) {
		is_str(cov_paths_workspace(paths), ws,
		       "GITHUB_WORKSPACE is the default, normalised");
		is_str(map(paths, in_ws("src/a.c")), "src/a.c",
		       "and is stripped");
		ok(cov_paths_have_files(paths), "and listed");
		cov_paths_free(paths);
	}
	if (!getcwd(old, sizeof(old)) || chdir(ws) < 0 ||
	    !getcwd(cwd, sizeof(cwd))) {
		ok(0, "change directory");
		return;
	}
	setenv("GITHUB_WORKSPACE", "", 1);
	paths = make(&config);
	if (paths) {
		is_str(cov_paths_workspace(paths), cwd,
		       "then the current directory");
		cov_paths_free(paths);
	}
	unsetenv("GITHUB_WORKSPACE");
	if (chdir(real_top) < 0 || !getcwd(cwd, sizeof(cwd))) {
		ok(0, "change directory");
		return;
	}
	config.workspace = "ws/";
	paths = make(&config);
	if (paths) {
		format(want, sizeof(want), "%s/ws", cwd);
		is_str(cov_paths_workspace(paths), want,
		       "a relative workspace is made absolute");
		is_str(map(paths, in_ws("src/a.c")), "src/a.c",
		       "and is stripped");
		cov_paths_free(paths);
	}
	if (chdir(old) < 0)
		ok(0, "change back");
}

static void test_windows(void)
{
	struct cov_paths_config config = {0};
	struct cov_paths *paths;

	config.workspace = "D:\\a\\r\\r\\";
	config.use_git = 1;
	paths = make(&config);
	if (!paths)
		return;
	is_str(cov_paths_workspace(paths), "D:/a/r/r", "a Windows workspace");
	ok(!cov_paths_have_files(paths), "is no repository here");
	is_str(map(paths, "D:\\a\\r\\r\\src\\a.c"), "src/a.c",
	       "a Windows name loses it");
	is_str(map(paths, "d:\\a\\r\\r\\src\\a.c"), "src/a.c",
	       "whatever the drive letter's case");
	is_str(map(paths, "D:/a/r/r/src/a.c"), "src/a.c", "or its separator");
	is_str(map(paths, "D:\\a\\R\\r\\src\\a.c"), "D:/a/R/r/src/a.c",
	       "the rest is compared exactly");
	is_str(map(paths, "E:\\a\\r\\r\\src\\a.c"), "E:/a/r/r/src/a.c",
	       "another drive");
	is_str(map(paths, "D:\\a\\r\\rx\\a.c"), "D:/a/r/rx/a.c",
	       "a prefix at a '/' only");
	is_str(map(paths, "D:\\a\\r\\r\\src\\..\\b.c"), "b.c",
	       "'..' is resolved");
	is_str(map(paths, "D:\\..\\x.c"), "D:/x.c", "never past the drive");
	is_str(map(paths, "src/a\\b.c"), "src/a\\b.c",
	       "a POSIX name keeps its backslash");
	is_int(cov_paths_unmatched(paths), 0,
	       "without a file list nothing is unmatched");
	cov_paths_free(paths);
}

/* Without git's list: the root go.mod, the disk for roots, no step 7. */
static void test_no_repo(int with_git)
{
	const char *roots[] = {"src"};
	struct cov_paths_config config = {0};
	struct cov_paths *paths;
	char dir[PATH_MAX];

	format(dir, sizeof(dir), "%s/nogit", real_top);
	put(dir, "go.mod", "module example.com/m\n");
	put(dir, "a.go", "package m\n");
	put(dir, "src/pkg/a.py", "a = 1\n");
	config.workspace = dir;
	config.use_git = 1;
	config.roots = roots;
	config.nroots = 1;
	paths = make(&config);
	if (!paths)
		return;
	ok(!cov_paths_have_files(paths), "a directory outside a repository");
	is_str(map(paths, "example.com/m/a.go"), "a.go",
	       "its go.mod is read all the same");
	is_str(map(paths, "pkg/a.py"), "src/pkg/a.py",
	       "a root is tried on the disk");
	is_str(map(paths, "pkg/none.py"), "pkg/none.py",
	       "and skipped when the file is not there");
	is_str(map(paths, "/elsewhere/a.c"), "/elsewhere/a.c",
	       "a name outside stays");
	is_int(cov_paths_unmatched(paths), 0, "nothing is unmatched");
	cov_paths_free(paths);

	if (!with_git)
		return;
	config.workspace = ws;
	config.use_git = 0;
	config.nroots = 0;
	paths = make(&config);
	if (!paths)
		return;
	ok(!cov_paths_have_files(paths), "use_git 0 lists nothing");
	is_str(map(paths, "com/foo/Bar.java"), "com/foo/Bar.java",
	       "so no suffix is matched");
	is_str(map(paths, "github.com/o/r/pkg/g.go"), "pkg/g.go",
	       "the root go.mod is read");
	is_str(map(paths, "github.com/o/r/sub/f.go"), "sub/f.go",
	       "and no other");
	is_int(cov_paths_unmatched(paths), 0, "nothing is unmatched");
	cov_paths_free(paths);
}

static void test_limits(void)
{
	struct cov_paths_config config = {0};
	struct cov_paths *paths;
	struct da_buf small = DA_BUF_INIT(4);
	struct da_err err = DA_ERR_INIT;
	char *name = malloc(70001);

	config.workspace = "/w";
	paths = make(&config);
	if (!paths || !name) {
		free(name);
		cov_paths_free(paths);
		return;
	}
	memset(name, 'a', 70000);
	name[70000] = '\0';
	is_int(cov_paths_map(paths, name, &mapped, &err), -DA_ELIMIT,
	       "a name has a ceiling");
	has_str(err.msg, "is longer than", "and says so");
	da_err_clear(&err);
	is_int(cov_paths_map(paths, "/w/abcdef", &small, &err), -DA_ELIMIT,
	       "a result past the caller's ceiling");
	has_str(err.msg, "cannot map path '/w/abcdef'", "names the path");
	free(name);
	da_buf_release(&small);
	cov_paths_free(paths);
}

static int parse(struct cov_model *m, struct cov_paths *paths, const char *text,
		 struct da_err *err)
{
	struct cov_parse p = {m, cov_paths_map, paths, cov_paths_root};

	cov_paths_report_begin(paths);
	return cov_test_parse(cov_parse_cobertura, &p, "coverage.xml", text,
			      err);
}

static void test_cobertura(void)
{
	struct cov_paths_config config = {0};
	struct cov_paths *paths;
	struct cov_model *m;
	struct da_err err = DA_ERR_INIT;
	struct da_buf xml = DA_BUF_INIT(1 << 20);
	int i;

	config.workspace = ws;
	config.use_git = 1;
	paths = make(&config);
	if (!paths)
		return;
	m = cov_test_model();
	(void)da_buf_addf(&xml,
			  "<?xml version=\"1.0\"?>\n<coverage>\n"
			  " <sources><source></source>\n"
			  "  <source>\n   %s/src  \n  </source></sources>\n"
			  " <packages><package name=\"p\"><classes>\n"
			  "  <class name=\"a\" filename=\"pkg/a.py\"><lines>"
			  "<line number=\"1\" hits=\"3\"/></lines></class>\n"
			  " </classes></package></packages>\n</coverage>\n",
			  ws);
	is_int(parse(m, paths, da_buf_str(&xml), &err), 0,
	       "a Cobertura report with a <source>");
	if (err.e)
		diag("%s", err.msg);
	is_int(cov_test_hits(m, "src/pkg/a.py", 1), 3,
	       "its class file is under the <source>");
	ok(!cov_test_file(m, "pkg/a.py"), "and only there");
	cov_model_free(m);

	m = cov_test_model();
	da_buf_reset(&xml);
	(void)da_buf_addf(&xml,
			  "<coverage><packages><package><classes>"
			  "<class filename=\"pkg/a.py\"><lines>"
			  "<line number=\"1\" hits=\"1\"/></lines></class>"
			  "</classes></package></packages>"
			  "<sources><source>%s/src</source></sources>"
			  "<packages><package><classes>"
			  "<class filename=\"pkg/a.py\"><lines>"
			  "<line number=\"2\" hits=\"1\"/></lines></class>"
			  "</classes></package></packages></coverage>",
			  ws);
	is_int(parse(m, paths, da_buf_str(&xml), &err), 0,
	       "a <source> after some classes");
	is_int(cov_test_hits(m, "pkg/a.py", 1), 1,
	       "does not move the classes before it");
	is_int(cov_test_hits(m, "src/pkg/a.py", 2), 1,
	       "applies to those after it");
	cov_model_free(m);

	m = cov_test_model();
	is_int(parse(m, paths,
		     "<coverage><packages><package><classes>"
		     "<class filename=\"pkg/a.py\"><lines>"
		     "<line number=\"1\" hits=\"1\"/></lines></class>"
		     "</classes></package></packages></coverage>",
		     &err),
	       0, "the next report");
	ok(cov_test_file(m, "pkg/a.py") && !cov_test_file(m, "src/pkg/a.py"),
	   "has none of the last report's roots");
	cov_model_free(m);

	m = cov_test_model();
	da_buf_reset(&xml);
	(void)da_buf_adds(&xml, "<coverage><sources>");
	for (i = 0; i <= 1000; i++)
		(void)da_buf_addf(&xml, "<source>/r%d</source>\n", i);
	(void)da_buf_adds(&xml, "</sources></coverage>");
	is_int(parse(m, paths, da_buf_str(&xml), &err), -DA_ELIMIT,
	       "an error of the root function");
	has_str(err.msg, "coverage.xml': line 1001", "says where");
	has_str(err.msg, "more than 1000 source roots", "and what");
	cov_model_free(m);
	cov_paths_report_begin(paths);
	da_buf_release(&xml);
	cov_paths_free(paths);
}

static void run_tests(void)
{
	struct da_err err = DA_ERR_INIT;
	const char *argv[] = {"git", "--version", NULL};
	struct da_buf out = DA_BUF_INIT(4096);
	struct da_proc_result res;
	int have_git, have_repo = 0;

	cov_test_dir_make("test-cov-paths");
	format(top, sizeof(top), "%s", da_buf_str(cov_test_dir()));
	if (!realpath(top, real_top)) {
		cov_test_dir_remove();
		skip_all("cannot resolve the temporary directory");
	}
	/* git must not find a repository around the temporary directory. */
	setenv("GIT_CEILING_DIRECTORIES", real_top, 1);
	have_git = da_proc_run(argv, NULL, NULL, &out, 0, &res, &err) == 0 &&
		   res.status == 0;
	da_buf_release(&out);

	test_bad_rules();
	test_windows();
	test_limits();
	if (have_git) {
		have_repo = make_repo();
		ok(have_repo, "make a git repository");
	}
	if (have_repo) {
		test_repo();
		test_rules();
		test_roots();
		test_go_module_given();
		test_symlink();
		test_default_workspace();
		test_cobertura();
	} else {
		diag("no git here: the repository tests are left out");
	}
	test_no_repo(have_repo);
	da_buf_release(&mapped);
	cov_test_dir_remove();
}
