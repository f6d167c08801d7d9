#include "test.h"
#include "common/glob.h"

#include <unistd.h>

/* Expected results: 1 match, 0 no match, -1 the pattern is refused. */
struct wm_case {
	const char *pattern;
	const char *text;
	int want;
};

/* Mostly from git's t3070-wildmatch.sh, wildmatch with WM_PATHNAME. */
static const struct wm_case wm[] = {
    /* Basic wildmatch features */
    {"foo", "foo", 1},
    {"bar", "foo", 0},
    {"", "", 1},
    {"???", "foo", 1},
    {"??", "foo", 0},
    {"*", "foo", 1},
    {"f*", "foo", 1},
    {"*f", "foo", 0},
    {"*foo*", "foo", 1},
    {"*ob*a*r*", "foobar", 1},
    {"*ab", "aaaaaaabababab", 1},
    {"foo\\*", "foo*", 1},
    {"foo\\*bar", "foobar", 0},
    {"f\\\\oo", "f\\oo", 1},
    {"*[al]?", "ball", 1},
    {"[ten]", "ten", 0},
    {"**[!te]", "ten", 1},
    {"**[!ten]", "ten", 0},
    {"t[a-g]n", "ten", 1},
    {"t[!a-g]n", "ten", 0},
    {"t[!a-g]n", "ton", 1},
    {"t[^a-g]n", "ton", 1},
    {"a[]]b", "a]b", 1},
    {"a[]-]b", "a-b", 1},
    {"a[]-]b", "a]b", 1},
    {"a[]-]b", "aab", 0},
    {"a[]a-]b", "aab", 1},
    {"]", "]", 1},
    /* Extended slash-matching features */
    {"foo*bar", "foo/baz/bar", 0},
    {"foo**bar", "foo/baz/bar", 0},
    {"foo**bar", "foobazbar", 1},
    {"foo/**/bar", "foo/baz/bar", 1},
    {"foo/**/**/bar", "foo/baz/bar", 1},
    {"foo/**/bar", "foo/b/a/z/bar", 1},
    {"foo/**/bar", "foo/bar", 1},
    {"foo/**/**/bar", "foo/bar", 1},
    {"foo/**/bar", "foo/barbar", 0},
    {"foo/**/bar", "foo/x/ybar", 0},
    {"foo?bar", "foo/bar", 0},
    {"foo[/]bar", "foo/bar", 0},
    {"foo[^a-z]bar", "foo/bar", 0},
    {"f[^eiu][^eiu][^eiu][^eiu][^eiu]r", "foo-bar", 1},
    {"f[^eiu][^eiu][^eiu][^eiu][^eiu]r", "foo/bar", 0},
    {"**/foo", "foo", 1},
    {"**/foo", "XXX/foo", 1},
    {"**/foo", "bar/baz/foo", 1},
    {"**/foo", "bar/bazfoo", 0},
    {"*/foo", "bar/baz/foo", 0},
    {"**/bar*", "foo/bar/baz", 0},
    {"**/bar/*", "deep/foo/bar/baz", 1},
    {"**/bar/*", "deep/foo/bar/baz/", 0},
    {"**/bar/**", "deep/foo/bar/baz/", 1},
    {"**/bar/*", "deep/foo/bar", 0},
    {"**/bar/**", "deep/foo/bar/", 1},
    {"**/bar**", "foo/bar/baz", 0},
    {"*/bar/**", "deep/foo/bar/baz/x", 0},
    {"**/bar/*/*", "deep/foo/bar/baz/x", 1},
    {"**/t[o]", "foo/bar/baz/to", 1},
    {"**", "foo/bar", 1},
    {"**", "", 1},
    {"*", "foo/bar", 0},
    {"a/**", "a/b/c", 1},
    {"a/**", "a", 0},
    {"a/**/", "a/b/", 1},
    {"a\\/**", "a/b/c", 1},
    {"**\\/x", "a/b/x", 1},
    /* Ranges and escapes */
    {"a[c-c]st", "acrt", 0},
    {"a[c-c]rt", "acrt", 1},
    {"[!]-]", "]", 0},
    {"[!]-]", "a", 1},
    {"\\", "", -1},
    {"\\", "\\", -1},
    {"*/\\", "XXX/\\", -1},
    {"*/\\\\", "XXX/\\", 1},
    {"foo", "foo", 1},
    {"@foo", "@foo", 1},
    {"@foo", "foo", 0},
    {"\\[ab]", "[ab]", 1},
    {"[[]ab]", "[ab]", 1},
    {"[[:]ab]", "[ab]", 1},
    {"[[::]ab]", "[ab]", -1},
    {"[[:digit]ab]", "[ab]", 1},
    {"[\\[:]ab]", "[ab]", 1},
    {"\\??\\?b", "?a?b", 1},
    {"\\a\\b\\c", "abc", 1},
    {"[\\-_]", "-", 1},
    {"[\\]]", "]", 1},
    {"[\\]]", "\\]", 0},
    {"[\\\\]", "\\", 1},
    {"[!\\\\]", "\\", 0},
    {"[A-\\\\]", "G", 1},
    {"[\\1-\\3]", "2", 1},
    {"[\\1-\\3]", "3", 1},
    {"[\\1-\\3]", "4", 0},
    {"[[-\\]]", "\\", 1},
    {"[[-\\]]", "[", 1},
    {"[[-\\]]", "]", 1},
    {"[[-\\]]", "-", 0},
    {"[,-.]", "-", 1},
    {"[,-.]", "+", 0},
    {"[,-.]", "-.]", 0},
    {"[a-]", "-", 1},
    {"[z-a]", "m", 0},
    {"[!a]", "/", 0},
    {"[^/]", "/", 0},
    {"?", "/", 0},
    /* Character classes */
    {"[[:alpha:]][[:digit:]][[:upper:]]", "a1B", 1},
    {"[[:digit:][:upper:][:space:]]", "a", 0},
    {"[[:digit:][:upper:][:space:]]", "A", 1},
    {"[[:digit:][:upper:][:space:]]", "1", 1},
    {"[[:digit:][:upper:][:space:]]", " ", 1},
    {"[[:digit:][:upper:][:space:]]", "\t", 1},
    {"[[:digit:][:upper:][:spaci:]]", "1", -1},
    {"[[:digit:][:punct:][:space:]]", ".", 1},
    {"[[:xdigit:]]", "5", 1},
    {"[[:xdigit:]]", "f", 1},
    {"[[:xdigit:]]", "D", 1},
    {"[[:xdigit:]]", "g", 0},
    {"[[:lower:]]", "a", 1},
    {"[[:lower:]]", "A", 0},
    {"[[:blank:]]", " ", 1},
    {"[[:cntrl:]]", "\x01", 1},
    {"[[:graph:]]", " ", 0},
    {"[[:print:]]", " ", 1},
    {"[[:alnum:]]", "_", 0},
    {"[[:punct:]]", "_", 1},
    {"[[:punct:]]", "/", 0},
    {"[^[:alnum:]]", "x", 0},
    {"[^[:alnum:]]", "-", 1},
    {"[a-c[:digit:]x-z]", "5", 1},
    {"[a-c[:digit:]x-z]", "b", 1},
    {"[a-c[:digit:]x-z]", "y", 1},
    {"[a-c[:digit:]x-z]", "q", 0},
    {"[\xe9]", "\xe9", 1},
    {"\xc3\xa9*", "\xc3\xa9t\xc3\xa9", 1},
    /* Malformed */
    {"[", "[", -1},
    {"[!", "x", -1},
    {"[a-", "a", -1},
    {"a[", "a[", -1},
    {"[]", "]", -1},
    {"[[:alpha:]", "a", -1},
    {"[[:alpha:", "a", -1},
    {"[[:foo:]]", "a", -1},
    {"a\\", "a", -1},
    /* Additional tests, from the wildmatch stress set */
    {"-*-*-*-*-*-*-12-*-*-*-m-*-*-*",
     "-adobe-courier-bold-o-normal--12-120-75-75-m-70-iso8859-1", 1},
    {"-*-*-*-*-*-*-12-*-*-*-m-*-*-*",
     "-adobe-courier-bold-o-normal--12-120-75-75-X-70-iso8859-1", 0},
    {"-*-*-*-*-*-*-12-*-*-*-m-*-*-*",
     "-adobe-courier-bold-o-normal--12-120-75-75-/-70-iso8859-1", 0},
    {"XXX/*/*/*/*/*/*/12/*/*/*/m/*/*/*",
     "XXX/adobe/courier/bold/o/normal//12/120/75/75/m/70/iso8859/1", 1},
    {"XXX/*/*/*/*/*/*/12/*/*/*/m/*/*/*",
     "XXX/adobe/courier/bold/o/normal//12/120/75/75/X/70/iso8859/1", 0},
    {"**/*a*b*g*n*t", "abcd/abcdefg/abcdefghijk/abcdefghijklmnop.txt", 1},
    {"**/*a*b*g*n*t", "abcd/abcdefg/abcdefghijk/abcdefghijklmnop.txtz", 0},
    {"*/*/*", "foo", 0},
    {"*/*/*", "foo/bar", 0},
    {"*/*/*", "foo/bba/arr", 1},
    {"*/*/*", "foo/bb/aa/rr", 0},
    {"**/**/**", "foo/bb/aa/rr", 1},
    {"*X*i", "abcXdefXghi", 1},
    {"*X*i", "ab/cXd/efXg/hi", 0},
    {"*/*X*/*/*i", "ab/cXd/efXg/hi", 1},
    {"**/*X*/**/*i", "ab/cXd/efXg/hi", 1},
};

static void test_wildmatch(void)
{
	struct da_err err = DA_ERR_INIT;
	char name[256];
	size_t i;

	for (i = 0; i < sizeof(wm) / sizeof(wm[0]); i++) {
		int r = da_glob_wildmatch(wm[i].pattern, wm[i].text, &err);

		snprintf(name, sizeof(name), "wildmatch '%s' '%s' -> %d",
			 wm[i].pattern, wm[i].text, wm[i].want);
		if (wm[i].want < 0)
			is_int(r, -DA_EINVAL, name);
		else
			is_int(r, wm[i].want, name);
	}
	da_glob_wildmatch("src/[a-", "x", &err);
	is_str(err.msg,
	       "cannot use pattern 'src/[a-': unterminated '[' at offset 4",
	       "a malformed pattern gives one line naming it and the offset");
	da_glob_wildmatch("ab\\", "x", &err);
	has_str(err.msg, "trailing '\\' at offset 2", "trailing backslash");
	da_glob_wildmatch("[[:nope:]]", "x", &err);
	has_str(err.msg, "unknown [:class:]", "unknown class");
}

struct place_case {
	const char *pattern;
	const char *path;
	int is_dir;
	int want;
};

static const struct place_case place[] = {
    {"*.c", "a.c", 0, 1},
    {"*.c", "src/a.c", 0, 1},
    {"*.c", "src/deep/a.c", 0, 1},
    {"*.c", "src/a.h", 0, 0},
    {"*.c", "src.c/a.h", 0, 1}, /* under a matched directory */
    {"a.c", "src/a.c", 0, 1},
    {"a.c", "src/xa.c", 0, 0},
    {"src/*.c", "src/a.c", 0, 1},
    {"src/*.c", "lib/src/a.c", 0, 0},
    {"src/*.c", "src/x/a.c", 0, 0},
    {"/a.c", "a.c", 0, 1},
    {"/a.c", "src/a.c", 0, 0},
    {"build/", "build", 1, 1},
    {"build/", "build", 0, 0},
    {"build/", "build/x.o", 0, 1},
    {"build/", "src/build/x.o", 0, 1},
    {"build/", "src/build", 0, 0},
    {"/build/", "src/build/x.o", 0, 0},
    {"doc/frotz/", "doc/frotz/x", 0, 1},
    {"doc/frotz/", "a/doc/frotz/x", 0, 0},
    {"doc/frotz", "doc/frotz", 0, 1},
    {"src/api/**", "src/api/x.c", 0, 1},
    {"src/api/**", "src/api/v1/y.c", 0, 1},
    {"src/api/**", "src/api", 1, 0},
    {"src/api/**", "src/apix/a.c", 0, 0},
    {"src/api/**", "lib/src/api/x.c", 0, 0},
    {"**/test/**", "test/a.c", 0, 1},
    {"**/test/**", "a/test/b/c.c", 0, 1},
    {"**/test/**", "atest/b", 0, 0},
    {"**/test", "x/y/test", 1, 1},
    {"vendor", "vendor/x.go", 0, 1},
    {"vendor", "a/vendor/x.go", 0, 1},
    {"vendor", "vendored/x.go", 0, 0},
    {"foo", "xfoo", 0, 0},
    {"\\!important", "!important", 0, 1},
    {"#x", "#x", 0, 1},
    {"\\#x", "#x", 0, 1},
    {"a/**/b", "a/b", 0, 1},
    {"a/**/b", "a/x/y/b", 0, 1},
    {"**", "anything/at/all", 0, 1},
    {"*", "a/b", 0, 1},
    {"!x", "x", 0, -1},
    {"", "x", 0, -1},
    {"/", "x", 0, -1},
    {"//", "x", 0, -1},
    {"[x", "x", 0, -1},
    {"*.go", "/abs/path/a.go", 0, 1},
    {"abs/*.go", "/abs/a.go", 0, 0},
};

static void test_placement(void)
{
	struct da_err err = DA_ERR_INIT;
	char name[256];
	size_t i;

	for (i = 0; i < sizeof(place) / sizeof(place[0]); i++) {
		int r = da_glob_match(place[i].pattern, place[i].path,
				      place[i].is_dir, &err);

		snprintf(name, sizeof(name), "pattern '%s' %s '%s'%s",
			 place[i].pattern,
			 place[i].want < 0 ? "is refused for"
			 : place[i].want   ? "matches"
					   : "does not match",
			 place[i].path, place[i].is_dir ? " (dir)" : "");
		if (place[i].want < 0)
			ok(r < 0, name);
		else
			is_int(r, place[i].want, name);
	}
	da_glob_match("!x", "x", 0, &err);
	has_str(err.msg, "'!' only works in a list", "why '!' is refused");
	da_glob_match("/", "x", 0, &err);
	has_str(err.msg, "it matches no path", "why '/' is refused");
}

struct set_case {
	const char *path;
	int is_dir;
	enum da_glob_result want;
	size_t index;
};

static void check_set(const char *what, const char *const *pats,
		      const struct set_case *cases, size_t ncases)
{
	struct da_err err = DA_ERR_INIT;
	struct da_glob_set *set = NULL;
	char name[256];
	size_t i;

	if (da_glob_set_new(&set, &err) < 0) {
		ok(0, err.msg);
		return;
	}
	for (i = 0; pats[i]; i++)
		if (da_glob_set_add(set, pats[i], &err) < 0)
			ok(0, err.msg);
	for (i = 0; i < ncases; i++) {
		size_t idx = 999;
		enum da_glob_result r = da_glob_set_match(
		    set, cases[i].path, cases[i].is_dir, &idx);

		snprintf(name, sizeof(name), "%s: '%s' -> %d (pattern %zu)",
			 what, cases[i].path, (int)cases[i].want,
			 cases[i].index);
		ok(r == cases[i].want &&
		       (r == DA_GLOB_NOMATCH ? idx == 999
					     : idx == cases[i].index),
		   name);
		if (r != cases[i].want)
			diag("got %d, index %zu", (int)r, idx);
	}
	da_glob_set_free(set);
}

static void test_sets(void)
{
	static const char *const logs[] = {"*.log", "!keep.log", NULL};
	static const struct set_case logs_cases[] = {
	    {"a.log", 0, DA_GLOB_INCLUDED, 0},
	    {"keep.log", 0, DA_GLOB_EXCLUDED, 1},
	    {"x/keep.log", 0, DA_GLOB_EXCLUDED, 1},
	    {"a.txt", 0, DA_GLOB_NOMATCH, 0},
	};
	static const char *const src[] = {"src/**", "!src/gen/**", NULL};
	static const struct set_case src_cases[] = {
	    {"src/a.c", 0, DA_GLOB_INCLUDED, 0},
	    {"src/gen/x.c", 0, DA_GLOB_EXCLUDED, 1},
	    {"src/gen/deep/x.c", 0, DA_GLOB_EXCLUDED, 1},
	    {"src/generated.c", 0, DA_GLOB_INCLUDED, 0},
	    {"lib/a.c", 0, DA_GLOB_NOMATCH, 0},
	};
	/* The example from the gitignore manual. */
	static const char *const only[] = {"/*", "!/foo", "/foo/*", "!/foo/bar",
					   NULL};
	static const struct set_case only_cases[] = {
	    {"foo/bar/baz", 0, DA_GLOB_EXCLUDED, 3},
	    {"foo/bar", 1, DA_GLOB_EXCLUDED, 3},
	    {"foo/x", 0, DA_GLOB_INCLUDED, 2},
	    {"foo", 1, DA_GLOB_EXCLUDED, 1},
	    {"other/y", 0, DA_GLOB_INCLUDED, 0},
	    {"top.txt", 0, DA_GLOB_INCLUDED, 0},
	};
	static const char *const dirs[] = {"build/", "!build/keep.txt", "!*.md",
					   "*.md", NULL};
	static const struct set_case dirs_cases[] = {
	    {"build/a.o", 0, DA_GLOB_INCLUDED, 0},
	    {"build/keep.txt", 0, DA_GLOB_EXCLUDED, 1},
	    {"build", 0, DA_GLOB_NOMATCH, 0},
	    {"README.md", 0, DA_GLOB_INCLUDED, 3},
	    {"build/x.md", 0, DA_GLOB_INCLUDED, 3},
	};
	struct da_err err = DA_ERR_INIT;
	struct da_glob_set *set = NULL;
	size_t i;
	int r = 0;

	check_set("log list", logs, logs_cases,
		  sizeof(logs_cases) / sizeof(logs_cases[0]));
	check_set("source list", src, src_cases,
		  sizeof(src_cases) / sizeof(src_cases[0]));
	check_set("gitignore example", only, only_cases,
		  sizeof(only_cases) / sizeof(only_cases[0]));
	check_set("directory list", dirs, dirs_cases,
		  sizeof(dirs_cases) / sizeof(dirs_cases[0]));

	is_int(da_glob_set_match(NULL, "x", 0, NULL), DA_GLOB_NOMATCH,
	       "a NULL set matches nothing");
	da_glob_set_free(NULL);

	is_int(da_glob_set_new(&set, &err), 0, "new set");
	is_int(da_glob_set_match(set, "x", 0, NULL), DA_GLOB_NOMATCH,
	       "an empty set matches nothing");
	is_int(da_glob_set_add(set, "[bad", &err), -DA_EINVAL,
	       "a malformed pattern is refused");
	is_int(da_glob_set_count(set), 0, "and not added");
	is_int(da_glob_set_add(set, "!", &err), -DA_EINVAL,
	       "a lone '!' is refused");
	is_int(da_glob_set_add(set, "!/", &err), -DA_EINVAL, "'!/' is refused");

	{
		const char *text = "# comment\n"
				   "\n"
				   "*.o\r\n"
				   "!keep.o  \n"
				   "space\\ \n"
				   "   \n"
				   "/root/\n"
				   "\\#hash";

		is_int(da_glob_set_add_lines(set, text, strlen(text),
					     ".covignore", &err),
		       0, "add a gitignore-style text");
		is_int(da_glob_set_count(set), 5,
		       "comments and blanks skipped");
		is_str(da_glob_set_pattern(set, 0), "*.o", "CRLF stripped");
		is_str(da_glob_set_pattern(set, 1), "!keep.o",
		       "trailing spaces stripped");
		is_str(da_glob_set_pattern(set, 2), "space\\ ",
		       "an escaped trailing space is kept");
		ok(da_glob_set_pattern(set, 5) == NULL,
		   "no pattern past the end");
		is_int(da_glob_set_match(set, "d/a.o", 0, NULL),
		       DA_GLOB_INCLUDED, "*.o from the text");
		is_int(da_glob_set_match(set, "d/keep.o", 0, NULL),
		       DA_GLOB_EXCLUDED, "!keep.o from the text");
		is_int(da_glob_set_match(set, "space ", 0, NULL),
		       DA_GLOB_INCLUDED, "escaped space matches a space");
		is_int(da_glob_set_match(set, "space", 0, NULL),
		       DA_GLOB_NOMATCH, "and is needed");
		is_int(da_glob_set_match(set, "root/x", 0, NULL),
		       DA_GLOB_INCLUDED, "/root/ from the text");
		is_int(da_glob_set_match(set, "#hash", 0, NULL),
		       DA_GLOB_INCLUDED, "escaped '#' is a name");
	}
	{
		const char *text = "ok\n[bad\nnever\n";

		is_int(da_glob_set_add_lines(set, text, strlen(text),
					     ".covignore", &err),
		       -DA_EINVAL, "a bad line stops the text");
		is_str(err.msg,
		       "cannot use pattern at .covignore:2 '[bad': "
		       "unterminated '[' at offset 0",
		       "the error names the source and line");
		is_int(da_glob_set_count(set), 6, "lines before it stay");
		is_int(da_glob_set_add_lines(set, "a\0b\n", 4, "x", &err),
		       -DA_EINVAL, "a NUL byte in a line is refused");
		has_str(err.msg, "at x:1: it contains a NUL byte", "and named");
		is_int(da_glob_set_add_lines(set, "", 0, "x", &err), 0,
		       "an empty text adds nothing");
	}
	da_glob_set_free(set);

	/* Ceilings */
	{
		char *p = malloc(DA_MAX_GLOB_PATTERN + 2);
		char *lines = malloc(DA_MAX_GLOB_PATTERN + 3);

		memset(p, 'a', DA_MAX_GLOB_PATTERN + 1);
		p[DA_MAX_GLOB_PATTERN] = '\0';
		is_int(da_glob_match(p, p, 0, &err), 1,
		       "a pattern at the ceiling works");
		p[DA_MAX_GLOB_PATTERN] = 'a';
		p[DA_MAX_GLOB_PATTERN + 1] = '\0';
		is_int(da_glob_match(p, p, 0, &err), -DA_ELIMIT,
		       "a pattern past the ceiling is refused");
		has_str(err.msg, "longer than 4096 bytes", "and says so");
		is_int(da_glob_wildmatch(p, p, &err), -DA_ELIMIT,
		       "wildmatch keeps the ceiling too");
		memset(lines, 'b', DA_MAX_GLOB_PATTERN + 1);
		lines[DA_MAX_GLOB_PATTERN + 1] = '\n';
		da_glob_set_new(&set, &err);
		is_int(da_glob_set_add_lines(
			   set, lines, DA_MAX_GLOB_PATTERN + 2, "big", &err),
		       -DA_ELIMIT, "an overlong line is refused");
		has_str(err.msg, "at big:1", "and located");
		for (i = 0; i < DA_MAX_GLOB_PATTERNS && r == 0; i++)
			r = da_glob_set_add(set, "*.c", &err);
		is_int(r, 0, "a set holds the most patterns allowed");
		is_int(da_glob_set_add(set, "*.c", &err), -DA_ELIMIT,
		       "one more pattern is refused");
		has_str(err.msg, "at most 10000 patterns", "and says so");
		is_int(da_glob_set_match(set, "a/b.c", 0, &i), DA_GLOB_INCLUDED,
		       "a full set still matches");
		is_int(i, DA_MAX_GLOB_PATTERNS - 1, "the last one decides");
		da_glob_set_free(set);
		free(p);
		free(lines);
	}
}

/*
 * Patterns that make backtracking matchers take exponential time. The
 * alarm is a watchdog: a hang kills the test instead of stalling the run.
 */
static void test_no_backtracking(void)
{
	struct da_err err = DA_ERR_INIT;
	char text[4001], pat[1300];
	size_t i, k;

	alarm(60);
	memset(text, 'a', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	for (i = 0, k = 0; k < 600; k++) {
		pat[i++] = 'a';
		pat[i++] = '*';
	}
	pat[i] = 'b';
	pat[i + 1] = '\0';
	is_int(da_glob_wildmatch(pat, text, &err), 0,
	       "a*a*...*b against 4000 a's fails, quickly");
	pat[i] = '\0';
	is_int(da_glob_wildmatch(pat, text, &err), 1,
	       "a*a*...* against 4000 a's matches");
	for (i = 0, k = 0; k < 400; k++) {
		pat[i++] = '*';
		pat[i++] = '*';
		pat[i++] = '/';
	}
	pat[i] = 'b';
	pat[i + 1] = '\0';
	for (i = 0; i + 1 < sizeof(text) - 1; i += 2) {
		text[i] = 'a';
		text[i + 1] = '/';
	}
	is_int(da_glob_wildmatch(pat, text, &err), 0,
	       "**/**/...b against a deep path fails, quickly");
	is_int(da_glob_match("a*a*a*a*a*a*a*a*a*a*a*a*b", text, 0, &err), 0,
	       "the placement rules keep it linear too");
	{
		/* 30000 bytes, 15000 parents: each is not re-read per parent.
		 */
		size_t n = 30000;
		char *deep = malloc(n + 1);

		for (i = 0; i < n; i += 2) {
			deep[i] = 'a';
			deep[i + 1] = '/';
		}
		deep[n - 1] = 'c';
		deep[n] = '\0';
		is_int(da_glob_match("a/**/a*a*a*a*a*a*b", deep, 0, &err), 0,
		       "an anchored pattern against a deep path, quickly");
		is_int(da_glob_match("a/**/x/", deep, 0, &err), 0,
		       "a directory pattern against a deep path, quickly");
		is_int(da_glob_match("a/a/a/", deep, 0, &err), 1,
		       "a parent directory of a deep path matches");
		is_int(da_glob_match("[ab]", deep, 0, &err), 1,
		       "a name pattern matches the deep path's parents");
		free(deep);
	}
	alarm(0);
}

struct norm_case {
	const char *in;
	const char *out;
};

static const struct norm_case norms[] = {
    {"./src//a.c", "src/a.c"},
    {"src/a.c", "src/a.c"},
    {"C:\\src\\a.c", "C:/src/a.c"},
    {"src\\a.c", "src/a.c"},
    {".\\src\\.\\a.c", "src/a.c"},
    {"./", "."},
    {"", "."},
    {".", "."},
    {"/", "/"},
    {"//x", "/x"},
    {"/abs/./x", "/abs/x"},
    {"a/../b", "a/../b"},
    {"a/", "a"},
    {"a/.", "a"},
    {"...", "..."},
    {".hidden/x", ".hidden/x"},
    {"a//b///c/", "a/b/c"},
};

static void test_normalize(void)
{
	struct da_err err = DA_ERR_INIT;
	struct da_buf b = DA_BUF_INIT(0), small = DA_BUF_INIT(3);
	char name[128], *big;
	size_t i;

	da_buf_adds(&b, "old contents");
	for (i = 0; i < sizeof(norms) / sizeof(norms[0]); i++) {
		int r = da_glob_path_normalize(norms[i].in, &b, &err);

		snprintf(name, sizeof(name), "normalise '%s' -> '%s'",
			 norms[i].in, norms[i].out);
		ok(r == 0 && strcmp(da_buf_str(&b), norms[i].out) == 0, name);
		if (r < 0 || strcmp(da_buf_str(&b), norms[i].out) != 0)
			diag("got '%s'", da_buf_str(&b));
	}
	is_int(b.len, 5, "the length is kept with the text");

	da_buf_adds(&small, "xy");
	is_int(da_glob_path_normalize("abcdef", &small, &err), -DA_ELIMIT,
	       "a result over the buffer's own ceiling is refused");
	is_str(da_buf_str(&small), "xy", "and the buffer is left as it was");
	da_buf_release(&small);

	big = malloc(DA_MAX_GLOB_PATH + 2);
	memset(big, 'x', DA_MAX_GLOB_PATH + 1);
	big[DA_MAX_GLOB_PATH + 1] = '\0';
	is_int(da_glob_path_normalize(big, &b, &err), -DA_ELIMIT,
	       "an overlong path is refused");
	has_str(err.msg, "longer than 65536 bytes", "and says so");
	is_str(da_buf_str(&b), "a/b/c", "and the output is untouched");
	big[DA_MAX_GLOB_PATH] = '\0';
	is_int(da_glob_path_normalize(big, &b, &err), 0,
	       "a path at the ceiling is fine");
	free(big);
	da_buf_release(&b);
}

static void run_tests(void)
{
	test_wildmatch();
	test_placement();
	test_sets();
	test_no_backtracking();
	test_normalize();
}
