#include "test.h"
#include "common/error.h"
#include "common/log.h"

#include <ctype.h>

struct color_case {
	int tty;
	const char *no_color, *force, *clicolor_force, *term;
	int want;
	const char *name;
};

static const struct color_case colors[] = {
    {1, NULL, NULL, NULL, "xterm", 1, "a terminal gets colour"},
    {1, NULL, NULL, NULL, NULL, 1, "a terminal without TERM too"},
    {0, NULL, NULL, NULL, "xterm", 0, "a pipe gets none"},
    {1, "1", NULL, NULL, "xterm", 0, "NO_COLOR turns it off"},
    {1, "", NULL, NULL, "xterm", 1, "an empty NO_COLOR counts as unset"},
    {1, NULL, NULL, NULL, "dumb", 0, "TERM=dumb gets none"},
    {0, NULL, "1", NULL, NULL, 1, "FORCE_COLOR=1 on a pipe"},
    {0, NULL, "", NULL, NULL, 1, "an empty FORCE_COLOR forces too"},
    {0, NULL, "3", NULL, NULL, 1, "FORCE_COLOR=3 forces"},
    {1, NULL, "0", NULL, "xterm", 0, "FORCE_COLOR=0 turns it off"},
    {1, NULL, "false", NULL, "xterm", 0, "FORCE_COLOR=false too"},
    {0, "1", "1", NULL, NULL, 1, "FORCE_COLOR wins over NO_COLOR"},
    {1, NULL, NULL, NULL, "dumb", 0, "dumb terminal"},
    {0, NULL, "1", NULL, "dumb", 1, "FORCE_COLOR wins over TERM=dumb"},
    {0, NULL, NULL, "1", NULL, 1, "CLICOLOR_FORCE=1 on a pipe"},
    {0, NULL, NULL, "0", NULL, 0, "CLICOLOR_FORCE=0 does not force"},
    {0, NULL, NULL, "", NULL, 0, "an empty CLICOLOR_FORCE does not"},
    {1, NULL, NULL, "0", "xterm", 1, "CLICOLOR_FORCE=0 keeps a tty's"},
    {0, "1", NULL, "1", NULL, 1, "CLICOLOR_FORCE wins over NO_COLOR"},
    {0, NULL, "0", "1", NULL, 0, "FORCE_COLOR=0 wins over CLICOLOR"},
};

static char *out;
static size_t out_len, seen;
static FILE *mem;

/* What was logged since the last call. */
static const char *logged(void)
{
	static char last[300000];
	size_t n;

	fflush(mem);
	n = out_len - seen;
	if (n >= sizeof(last))
		n = sizeof(last) - 1;
	memcpy(last, out + seen, n);
	last[n] = '\0';
	seen = out_len;
	return last;
}

/* Masks every "s3cret", like the gha redactor does with its masks. */
static int mask(void *ctx, const char *text, struct da_buf *o)
{
	const char *p;
	int r = 0;

	(*(int *)ctx)++;
	while (r == 0 && (p = strstr(text, "s3cret"))) {
		r = da_buf_add(o, text, (size_t)(p - text));
		if (r == 0)
			r = da_buf_adds(o, "***");
		text = p + 6;
	}
	return r ? r : da_buf_adds(o, text);
}

static int failing(void *ctx, const char *text, struct da_buf *o)
{
	(void)ctx;
	da_buf_adds(o, text);
	return -DA_ENOMEM;
}

static void test_colors(void)
{
	size_t i;

	for (i = 0; i < sizeof(colors) / sizeof(colors[0]); i++)
		is_int(da_log_color_wanted(
			   colors[i].tty, colors[i].no_color, colors[i].force,
			   colors[i].clicolor_force, colors[i].term),
		       colors[i].want, colors[i].name);
}

static void test_lines(void)
{
	const char *s;
	int calls = 0;

	unsetenv("FORCE_COLOR");
	unsetenv("CLICOLOR_FORCE");
	unsetenv("NO_COLOR");
	da_log_init(mem, DA_LOG_INFO);
	is_int(da_log_get_level(), DA_LOG_INFO, "the level is set");
	da_log_error("cannot open '%s'", "x.json");
	is_str(logged(), "error: cannot open 'x.json'\n", "an error line");
	da_log_warning("slow: %d ms", 1200);
	is_str(logged(), "warning: slow: 1200 ms\n", "a warning line");
	da_log_info("checked %d urls", 3);
	is_str(logged(), "checked 3 urls\n", "an info line has no label");
	da_log_debug("hidden");
	is_str(logged(), "", "debug is dropped at info level");
	ok(!da_log_enabled(DA_LOG_DEBUG), "debug is not enabled");
	ok(da_log_enabled(DA_LOG_ERROR), "error is enabled");
	da_log(DA_LOG_INFO, "ends in a newline\n");
	is_str(logged(), "ends in a newline\n",
	       "a trailing newline is not doubled");
	da_log_info("%s", "");
	is_str(logged(), "\n", "an empty message is an empty line");

	da_log_set_verbosity(1);
	da_log_debug("now shown");
	is_str(logged(), "debug: now shown\n", "-v shows debug");
	da_log_set_verbosity(5);
	is_int(da_log_get_level(), DA_LOG_DEBUG, "-vvvvv is still debug");
	da_log_set_verbosity(-1);
	da_log_info("quiet");
	da_log_warning("loud");
	is_str(logged(), "warning: loud\n", "-q keeps warnings only");
	da_log_set_verbosity(-2);
	da_log_warning("quieter");
	da_log_error("still");
	is_str(logged(), "error: still\n", "-qq keeps errors only");
	da_log_set_verbosity(-9);
	is_int(da_log_get_level(), DA_LOG_ERROR, "more -q is errors only");
	da_log_set_verbosity(0);
	is_int(da_log_get_level(), DA_LOG_INFO, "verbosity 0 is info");
	da_log_set_level((enum da_log_level)42);
	is_int(da_log_get_level(), DA_LOG_DEBUG, "a level past debug clamps");
	da_log_set_level(DA_LOG_INFO);

	da_log_set_color(1);
	da_log_error("boom");
	is_str(logged(), "\033[1;31merror:\033[0m boom\n",
	       "colour on the level word only");
	da_log_warning("hmm");
	is_str(logged(), "\033[1;33mwarning:\033[0m hmm\n", "warning colour");
	da_log_info("plain");
	is_str(logged(), "plain\n", "info stays plain in colour");
	da_log_set_color(0);

	da_log_set_timestamps(1);
	da_log_error("stamped");
	s = logged();
	ok(strlen(s) == 24 + 1 + strlen("error: stamped\n") &&
	       isdigit((unsigned char)s[0]) && s[4] == '-' && s[10] == 'T' &&
	       s[19] == '.' && s[23] == 'Z' && s[24] == ' ' &&
	       strcmp(s + 25, "error: stamped\n") == 0,
	   "a timestamp leads the line");
	diag("%s", s);
	da_log_set_timestamps(0);

	da_log_set_redactor(mask, &calls);
	da_log_error("token s3cret and s3cret%s", "!");
	is_str(logged(), "error: token *** and ***!\n", "secrets are redacted");
	is_int(calls, 1, "the redactor saw the line once");
	da_log_debug("s3cret");
	is_int(calls, 1, "a dropped line is not redacted");
	da_log_set_redactor(failing, NULL);
	da_log_error("key s3cret");
	s = logged();
	ok(strstr(s, "s3cret") == NULL, "a failing redactor leaks nothing");
	has_str(s, "error: [message withheld", "and says so");
	da_log_set_redactor(NULL, NULL);
	da_log_info("s3cret");
	is_str(logged(), "s3cret\n", "without a redactor text is as given");

	{
		char *big = malloc(DA_MAX_LOG_LINE + 100);

		memset(big, 'x', DA_MAX_LOG_LINE + 99);
		big[DA_MAX_LOG_LINE + 99] = '\0';
		da_log_set_redactor(mask, &calls);
		da_log_info("%s", big);
		s = logged();
		ok(strlen(s) <= DA_MAX_LOG_LINE + 1, "an overlong line is cut");
		has_str(s, "xxx [cut]\n", "and marked");
		da_log_set_redactor(NULL, NULL);
		free(big);
	}

	setenv("FORCE_COLOR", "1", 1);
	da_log_init(mem, DA_LOG_ERROR);
	da_log_error("e");
	is_str(logged(), "\033[1;31merror:\033[0m e\n",
	       "init reads FORCE_COLOR from the environment");
	setenv("FORCE_COLOR", "0", 1);
	da_log_init(mem, DA_LOG_ERROR);
	da_log_error("e");
	is_str(logged(), "error: e\n", "and FORCE_COLOR=0");
	unsetenv("FORCE_COLOR");
	da_log_set_timestamps(1);
	da_log_init(mem, DA_LOG_ERROR);
	da_log_error("e");
	is_str(logged(), "error: e\n", "init turns timestamps off");
	da_log_warning("w");
	is_str(logged(), "", "init sets the level");
}

static void run_tests(void)
{
	mem = open_memstream(&out, &out_len);
	if (!mem)
		skip_all("open_memstream failed");
	test_colors();
	test_lines();
	fclose(mem);
	free(out);
}
