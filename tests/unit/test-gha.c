#include "test.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/gha.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[4096];

/* Reads a whole file into b (emptied first); -1 if it cannot be read. */
static int slurp(const char *path, struct da_buf *b)
{
	char chunk[8192];
	size_t n;
	FILE *f = fopen(path, "rb");

	da_buf_reset(b);
	if (!f)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (da_buf_add(b, chunk, n) < 0)
			break;
	fclose(f);
	return 0;
}

static void put_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(data, 1, len, f) != len)
		diag("cannot write %s", path);
	if (f)
		fclose(f);
}

static void path_of(char *out, size_t size, const char *name)
{
	int n = snprintf(out, size, "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= size)
		out[0] = '\0';
}

static struct da_gha *open_gha(void)
{
	struct da_err err = DA_ERR_INIT;
	struct da_gha *g = NULL;

	if (da_gha_open(&g, &err) < 0)
		diag("da_gha_open: %s", err.msg);
	return g;
}

/* A random source that replays a script of byte values, one per call. */
struct script {
	const unsigned char *bytes;
	size_t n;
	size_t calls;
};

static int scripted(void *ctx, unsigned char *p, size_t n)
{
	struct script *s = ctx;

	if (s->calls >= s->n)
		return -DA_EIO;
	memset(p, s->bytes[s->calls++], n);
	return 0;
}

/* Runs a workflow-command writer against a memory stream. */
struct capture {
	char *text;
	size_t len;
	FILE *f;
};

static FILE *cap_open(struct capture *c)
{
	c->text = NULL;
	c->len = 0;
	c->f = open_memstream(&c->text, &c->len);
	return c->f;
}

static const char *cap_close(struct capture *c)
{
	fclose(c->f);
	return c->text ? c->text : "";
}

static void test_escaping(void)
{
	struct da_buf b = DA_BUF_INIT(0);

	is_int(da_gha_escape_data(&b, "a%b\rc\nd:e,f"), 0, "escape data");
	is_str(da_buf_str(&b), "a%25b%0Dc%0Ad:e,f",
	       "data escapes %, CR, LF and keeps : and ,");
	da_buf_reset(&b);
	is_int(da_gha_escape_property(&b, "a%b\rc\nd:e,f"), 0,
	       "escape property");
	is_str(da_buf_str(&b), "a%25b%0Dc%0Ad%3Ae%2Cf",
	       "properties also escape : and ,");
	da_buf_reset(&b);
	da_gha_escape_data(&b, "%25");
	is_str(da_buf_str(&b), "%2525",
	       "an escaped-looking value is escaped again");
	da_buf_release(&b);

	is_int(da_gha_md_cell(&b, "a|b\\c\r\nd\ne\rf\tg"), 0, "table cell");
	is_str(da_buf_str(&b), "a\\|b\\\\c<br>d<br>e<br>f g",
	       "cell escapes pipe and backslash, newlines become <br>");
	da_buf_release(&b);

	is_int(da_gha_md_cell(&b, "<b>a_b*c</b> & `x` ~y"), 0, "markup cell");
	is_str(da_buf_str(&b),
	       "&lt;b&gt;a&#95;b&#42;c&lt;/b&gt; &amp; &#96;x&#96; &#126;y",
	       "markup and emphasis are shown, not rendered");
	da_buf_release(&b);
}

static void test_outside(void)
{
	struct da_err err = DA_ERR_INIT;
	struct da_gha_loc loc = {"src/a.c", 3, 0, 0, 0, "T"};
	struct capture c;
	struct da_gha *g;

	unsetenv("GITHUB_ACTIONS");
	unsetenv("GITHUB_OUTPUT");
	unsetenv("GITHUB_STEP_SUMMARY");
	unsetenv("RUNNER_DEBUG");
	g = open_gha();
	ok(g && !da_gha_in_actions(g),
	   "outside actions without GITHUB_ACTIONS");
	if (!g)
		return;
	ok(!da_gha_has_summary(g), "no summary file outside actions");
	is_int(da_gha_summary_add(g, "# hi\n", 5, &err), 0,
	       "summary text is dropped without a file");

	is_int(da_gha_set_output(g, "result", "ok", &err), 0,
	       "an output without GITHUB_OUTPUT is kept");
	is_int(da_gha_set_output(g, "notes", "a\nb", &err), 0,
	       "a multi-line output is kept");
	is_int(da_gha_set_output(g, "result", "pass", &err), 0,
	       "an output can be set again");
	is_int(da_gha_output_count(g), 2, "two distinct outputs kept");
	is_str(da_gha_output_name(g, 0), "result", "outputs listed in order");
	is_str(da_gha_output_value(g, 0), "pass", "the later value wins");
	is_str(da_gha_output_get(g, "notes"), "a\nb", "lookup by name");
	ok(da_gha_output_get(g, "nope") == NULL, "unknown output is NULL");
	ok(da_gha_output_name(g, 2) == NULL, "index past the end is NULL");
	is_int(da_gha_set_output(g, "bad name", "x", &err), -DA_EINVAL,
	       "invalid names are refused outside actions too");

	cap_open(&c);
	is_int(da_gha_annotate(g, c.f, DA_GHA_ERROR, &loc, "boom", &err), 0,
	       "plain annotation");
	loc.col = 7;
	da_gha_annotate(g, c.f, DA_GHA_WARNING, &loc, "careful", &err);
	da_gha_annotate(g, c.f, DA_GHA_NOTICE, NULL, "fyi", &err);
	da_gha_group_start(g, c.f, "Checks", &err);
	da_gha_group_end(g, c.f, &err);
	da_gha_debug(g, c.f, "hidden", &err);
	setenv("RUNNER_DEBUG", "1", 1);
	da_gha_debug(g, c.f, "shown", &err);
	unsetenv("RUNNER_DEBUG");
	is_int(da_gha_mask(g, c.f, "hunter2", &err), 0, "mask outside");
	da_gha_annotate(g, c.f, DA_GHA_ERROR, NULL, "token hunter2 leaked",
			&err);
	is_str(cap_close(&c),
	       "error: src/a.c:3: T: boom\n"
	       "warning: src/a.c:3:7: T: careful\n"
	       "notice: fyi\n"
	       "== Checks ==\n"
	       "debug: shown\n"
	       "error: token *** leaked\n",
	       "plain text for a terminal; no workflow commands");
	free(c.text);
	da_gha_free(g);
}

static void test_outputs(void)
{
	static const unsigned char colliding[] = {0x00, 0x11};
	static const unsigned char always[] = {
	    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
	struct script s = {colliding, sizeof(colliding), 0};
	struct da_gha_random rnd = {scripted, &s};
	struct da_err err = DA_ERR_INIT;
	struct da_buf b = DA_BUF_INIT(0);
	char path[4200];
	char *big;
	struct da_gha *g;
	const char *zero = "ghadelim_00000000000000000000000000000000";
	const char *ones = "ghadelim_11111111111111111111111111111111";

	path_of(path, sizeof(path), "output");
	put_file(path, "earlier=1\n", 10);
	setenv("GITHUB_ACTIONS", "true", 1);
	setenv("GITHUB_OUTPUT", path, 1);
	g = open_gha();
	if (!g)
		return;
	ok(da_gha_in_actions(g), "GITHUB_ACTIONS=true is detected");
	da_gha_set_random(g, &rnd);

	is_int(da_gha_set_output(g, "plain", "one line", &err), 0,
	       "single-line output");
	slurp(path, &b);
	is_str(da_buf_str(&b), "earlier=1\nplain=one line\n",
	       "single-line form is name=value, appended");

	da_buf_reset(&b);
	da_buf_addf(&b, "first\n%s\nlast", zero);
	is_int(da_gha_set_output(g, "multi", da_buf_str(&b), &err), 0,
	       "multi-line output whose value holds the first delimiter");
	is_int(s.calls, 2, "the colliding delimiter was drawn again");
	slurp(path, &b);
	{
		struct da_buf want = DA_BUF_INIT(0);

		da_buf_addf(&want,
			    "earlier=1\nplain=one line\n"
			    "multi<<%s\nfirst\n%s\nlast\n%s\n",
			    ones, zero, ones);
		is_str(da_buf_str(&b), da_buf_str(&want),
		       "heredoc form with a fresh delimiter");
		da_buf_release(&want);
	}

	s.calls = 0;
	s.bytes = always;
	s.n = 1;
	is_int(da_gha_set_output(g, "cr", "a\rb", &err), 0,
	       "a value with only CR also uses the heredoc form");
	slurp(path, &b);
	{
		struct da_buf want = DA_BUF_INIT(0);

		da_buf_addf(&want, "cr<<%s\na\rb\n%s\n", zero, zero);
		has_str(da_buf_str(&b), da_buf_str(&want), "CR value record");
		da_buf_release(&want);
	}

	s.calls = 0;
	s.n = sizeof(always);
	da_buf_reset(&b);
	da_buf_addf(&b, "x\n%s", zero);
	is_int(da_gha_set_output(g, "stuck", da_buf_str(&b), &err), -DA_EIO,
	       "a delimiter that always collides is an error");
	has_str(err.msg, "cannot set output 'stuck'", "error names the output");

	s.calls = 0;
	s.n = 0;
	is_int(da_gha_set_output(g, "norand", "a\nb", &err), -DA_EIO,
	       "no random data is an error");
	da_gha_set_random(g, NULL);
	is_int(da_gha_set_output(g, "real", "a\nb", &err), 0,
	       "the default random source works");
	ok(strcmp(da_gha_output_get(g, "real"), "a\nb") == 0,
	   "the value is kept in actions too");

	slurp(path, &b);
	{
		size_t before = b.len;
		const char *bad[] = {"",    "a b", "a=b", "x<<y", "caf\xc3\xa9",
				     "a.b", "a\nb"};
		size_t i;

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			is_int(da_gha_set_output(g, bad[i], "v", &err),
			       -DA_EINVAL, "invalid output name refused");
		has_str(err.msg, "invalid output name", "error says why");
		slurp(path, &b);
		is_int(b.len, before, "refused outputs write nothing");
	}
	ok(da_gha_output_name_ok("ok-Name_9"), "letters, digits, - and _");
	ok(!da_gha_output_name_ok(NULL), "NULL name is invalid");

	big = malloc(DA_GHA_MAX_OUTPUT + 2);
	if (big) {
		memset(big, 'v', DA_GHA_MAX_OUTPUT + 1);
		big[DA_GHA_MAX_OUTPUT + 1] = '\0';
		is_int(da_gha_set_output(g, "big", big, &err), -DA_ELIMIT,
		       "an output over the ceiling is refused");
		free(big);
	}

	setenv("GITHUB_OUTPUT", "/nonexistent-dir/x/out", 1);
	da_gha_free(g);
	g = open_gha();
	is_int(da_gha_set_output(g, "x", "y", &err), -DA_EIO,
	       "an unwritable output file is an I/O error");
	has_str(err.msg, "/nonexistent-dir/x/out", "error names the file");
	da_gha_free(g);
	unsetenv("GITHUB_OUTPUT");
	da_buf_release(&b);
}

static void test_commands(void)
{
	struct da_gha_loc loc = {"dir,x:y.c", 3, 4, 1, 7, "T: 1, 2"};
	struct da_err err = DA_ERR_INIT;
	struct da_buf b = DA_BUF_INIT(0);
	struct capture c;
	struct da_gha *g;

	setenv("GITHUB_ACTIONS", "true", 1);
	g = open_gha();
	if (!g)
		return;
	cap_open(&c);
	da_gha_annotate(g, c.f, DA_GHA_ERROR,
			&(struct da_gha_loc){"a.c", 3, 0, 0, 0, "T"}, "msg",
			&err);
	da_gha_annotate(g, c.f, DA_GHA_WARNING, &loc, "50%\r\nnext", &err);
	da_gha_annotate(g, c.f, DA_GHA_NOTICE, NULL, "a: b, c", &err);
	da_gha_group_start(g, c.f, "Group 1", &err);
	da_gha_group_end(g, c.f, &err);
	setenv("RUNNER_DEBUG", "1", 1);
	da_gha_debug(g, c.f, "a\nb", &err);
	unsetenv("RUNNER_DEBUG");
	is_str(cap_close(&c),
	       "::error file=a.c,line=3,title=T::msg\n"
	       "::warning file=dir%2Cx%3Ay.c,line=3,endLine=4,col=1,"
	       "endColumn=7,title=T%3A 1%2C 2::50%25%0D%0Anext\n"
	       "::notice::a: b, c\n"
	       "::group::Group 1\n"
	       "::endgroup::\n"
	       "::debug::a%0Ab\n",
	       "workflow commands with escaped properties and data");
	free(c.text);

	cap_open(&c);
	is_int(da_gha_mask(g, c.f, "line1\r\nline2\n\n  \nli%ne3", &err), 0,
	       "mask a multi-line secret");
	da_gha_mask(g, c.f, "abc", &err);
	da_gha_mask(g, c.f, "abcdef", &err);
	da_gha_mask(g, c.f, "", &err);
	da_gha_annotate(g, c.f, DA_GHA_ERROR,
			&(struct da_gha_loc){"line1.c", 0, 0, 0, 0, "line2"},
			"see line1", &err);
	is_str(cap_close(&c),
	       "::add-mask::line1\n"
	       "::add-mask::line2\n"
	       "::add-mask::li%25ne3\n"
	       "::add-mask::abc\n"
	       "::add-mask::abcdef\n"
	       "::error file=***.c,title=***::see ***\n",
	       "each non-blank line is masked; annotations are redacted");
	free(c.text);

	da_gha_redact(g, "x line1 y line2\nz li%ne3 abcdefg abcx", &b);
	is_str(da_buf_str(&b), "x *** y ***\nz *** ***g ***x",
	       "redaction replaces every secret, longest first");
	da_buf_reset(&b);
	da_gha_redact(g, "", &b);
	is_str(da_buf_str(&b), "", "redacting empty text");
	da_gha_free(g);
	da_buf_release(&b);

	{
		FILE *ro = fopen("/dev/null", "r");

		g = open_gha();
		if (ro && g)
			is_int(da_gha_annotate(g, ro, DA_GHA_ERROR, NULL, "x",
					       &err),
			       -DA_EIO, "a stream that cannot be written");
		if (ro)
			fclose(ro);
		da_gha_free(g);
	}
	unsetenv("GITHUB_ACTIONS");
}

/* Fills the summary file with lines of exactly 100 bytes, then extra. */
static void prefill(const char *path, size_t size)
{
	char *p = malloc(size + 1);
	size_t i;

	if (!p)
		return;
	for (i = 0; i < size; i++)
		p[i] = (i % 100 == 99) ? '\n' : 'x';
	put_file(path, p, size);
	free(p);
}

static const char *note_for(char *buf, size_t size, size_t over)
{
	int n = snprintf(buf, size,
			 "\n> **Note:** summary truncated: %zu "
			 "bytes over GitHub's 1 MiB limit.\n",
			 over);

	return n > 0 && (size_t)n < size ? buf : "";
}

static void test_summary(void)
{
	struct da_err err = DA_ERR_INIT;
	struct da_buf b = DA_BUF_INIT(0), md = DA_BUF_INIT(0);
	char path[4200], note[128];
	size_t start, i, notelen;
	struct da_gha *g;

	path_of(path, sizeof(path), "summary");
	setenv("GITHUB_STEP_SUMMARY", path, 1);

	/* Room for 1000 bytes: the cut keeps whole lines and the note. */
	start = DA_GHA_SUMMARY_MAX - 1000;
	prefill(path, start);
	g = open_gha();
	if (!g)
		return;
	ok(da_gha_has_summary(g), "GITHUB_STEP_SUMMARY is used");
	for (i = 0; i < 20; i++)
		da_buf_addf(&md, "| row %02zu | %-86s |\n", i, "cell");
	is_int(md.len, 2000, "20 lines of 100 bytes");
	is_int(da_gha_summary_add(g, md.data, md.len, &err), 0,
	       "an append over the cap is not an error");
	ok(da_gha_summary_truncated(g), "the summary is marked truncated");
	slurp(path, &b);
	note_for(note, sizeof(note), 1000);
	notelen = strlen(note);
	ok(b.len <= DA_GHA_SUMMARY_MAX, "never over 1 MiB, note included");
	is_int(b.len, start + 900 + notelen,
	       "nine whole lines fit before the note");
	ok(b.len >= notelen && strcmp(b.data + b.len - notelen, note) == 0,
	   "the note ends the file and says how much was over");
	has_str(b.data + start, "| row 08 |", "last whole line kept");
	ok(strstr(b.data + start, "| row 09 |") == NULL,
	   "the line that did not fit is gone");
	ok(b.data[b.len - notelen - 1] == '\n', "cut at a line boundary");
	is_int(da_gha_summary_add(g, "more\n", 5, &err), 0,
	       "appends after the cut are accepted");
	i = b.len;
	slurp(path, &b);
	is_int(b.len, i, "... and dropped");
	da_gha_free(g);

	/* Less room than the note: earlier text gives way, by whole lines. */
	start = DA_GHA_SUMMARY_MAX - 10;
	prefill(path, start);
	g = open_gha();
	is_int(da_gha_summary_add(g, md.data, 100, &err), 0,
	       "append to a nearly full summary");
	slurp(path, &b);
	note_for(note, sizeof(note), 90);
	notelen = strlen(note);
	ok(b.len <= DA_GHA_SUMMARY_MAX, "still within 1 MiB");
	ok(b.len >= notelen && strcmp(b.data + b.len - notelen, note) == 0,
	   "note present with the bytes over");
	ok(b.data[b.len - notelen - 1] == '\n' && (b.len - notelen) % 100 == 0,
	   "earlier text cut at a line end");
	ok(strstr(b.data, "row") == NULL, "nothing of the new text fits");
	da_gha_free(g);

	/* Fits exactly: no note. */
	start = DA_GHA_SUMMARY_MAX - 100;
	prefill(path, start);
	g = open_gha();
	is_int(da_gha_summary_add(g, md.data, 100, &err), 0,
	       "append that fits exactly");
	ok(!da_gha_summary_truncated(g), "not truncated");
	slurp(path, &b);
	is_int(b.len, DA_GHA_SUMMARY_MAX, "the file is exactly 1 MiB");
	ok(strstr(b.data, "Note:") == NULL, "no note when it fits");
	da_gha_free(g);

	/* Secrets never reach the summary. */
	put_file(path, "", 0);
	g = open_gha();
	da_gha_mask(g, NULL, "s3cret", &err);
	da_gha_summary_add(g, "token: s3cret\n", 14, &err);
	slurp(path, &b);
	is_str(da_buf_str(&b), "token: ***\n", "summary text is redacted");
	da_gha_free(g);

	setenv("GITHUB_STEP_SUMMARY", "/nonexistent-dir/x/summary", 1);
	g = open_gha();
	is_int(da_gha_summary_add(g, "x\n", 2, &err), -DA_EIO,
	       "an unwritable summary file is an I/O error");
	da_gha_free(g);
	unsetenv("GITHUB_STEP_SUMMARY");
	da_buf_release(&b);
	da_buf_release(&md);
}

static void test_context(void)
{
	setenv("GITHUB_REPOSITORY", "octo/repo", 1);
	setenv("GITHUB_SHA", "", 1);
	unsetenv("GITHUB_API_URL");
	setenv("RUNNER_TEMP", "/runner/tmp", 1);
	is_str(da_gha_repository(), "octo/repo", "repository from env");
	ok(da_gha_sha() == NULL, "an empty variable reads as unset");
	is_str(da_gha_api_url(), "https://api.github.com", "API URL default");
	is_str(da_gha_temp_dir(), "/runner/tmp", "RUNNER_TEMP is the temp dir");
	unsetenv("RUNNER_TEMP");
	unsetenv("GITHUB_REPOSITORY");
	ok(da_gha_repository() == NULL, "unset repository");
}

static void run_tests(void)
{
	const char *tmp = getenv("TMPDIR");
	int n = snprintf(dir, sizeof(dir), "%s/test-gha-XXXXXX",
			 tmp && *tmp ? tmp : P_tmpdir);

	if (n < 0 || (size_t)n >= sizeof(dir) || !mkdtemp(dir))
		skip_all("cannot make a temporary directory");
	test_escaping();
	test_outside();
	test_outputs();
	test_commands();
	test_summary();
	test_context();
	{
		char p[4200];

		path_of(p, sizeof(p), "output");
		unlink(p);
		path_of(p, sizeof(p), "summary");
		unlink(p);
		rmdir(dir);
	}
}
