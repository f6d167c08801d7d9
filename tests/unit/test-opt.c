#include "test.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/gha.h"
#include "common/opt.h"

#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const struct da_opt opts_table[] = {
    {.name = "url",
     .short_name = 'u',
     .arg = "URL",
     .type = DA_OPT_STRING,
     .flags = DA_OPT_REQUIRED,
     .help = "Base URL of the service."},
    {.name = "timeout",
     .short_name = 't',
     .arg = "SECONDS",
     .type = DA_OPT_INT,
     .def = "30",
     .min = 1,
     .max = 3600,
     .help = "Give up after this many seconds."},
    {.name = "retries",
     .arg = "N",
     .type = DA_OPT_INT,
     .def = "3",
     .min = 0,
     .max = LLONG_MAX,
     .help = "How often to retry."},
    {.name = "offset", .arg = "N", .type = DA_OPT_INT, .help = "Any integer."},
    {.name = "verbose",
     .short_name = 'v',
     .type = DA_OPT_BOOL,
     .def = "false",
     .help = "Say more."},
    {.name = "color",
     .type = DA_OPT_BOOL,
     .def = "true",
     .help = "Colour the output when it is a terminal, which is a long "
	     "sentence so that the help text has to wrap it over more "
	     "than one line of eighty columns."},
    {.name = "path",
     .short_name = 'p',
     .arg = "PATH",
     .type = DA_OPT_LIST,
     .def = "src\nlib",
     .help = "Paths to check."},
    {.name = "token",
     .arg = "TOKEN",
     .type = DA_OPT_STRING,
     .env = "DA_TEST_TOKEN",
     .flags = DA_OPT_SECRET,
     .action_def = "${{ github.token }}",
     .help = "API token."},
    {.name = "pin",
     .arg = "PIN",
     .type = DA_OPT_INT,
     .flags = DA_OPT_SECRET,
     .help = "A secret number."},
    {.name = "region",
     .arg = "REGION",
     .type = DA_OPT_STRING,
     .env = "DA_TEST_REGION",
     .def = "af-south-1",
     .help = "Where the data lives."},
    {.name = "debug-dump",
     .type = DA_OPT_BOOL,
     .flags = DA_OPT_HIDDEN,
     .help = "Internal."},
    DA_OPT_SHARED,
    DA_OPT_END,
};

static const struct da_opt_tool tool = {
    .name = "test-tool",
    .summary = "Checks things for the unit tests of the option parser.",
    .examples = "test-tool --url https://example.com\n\n"
		"test-tool -u https://example.com --no-color\n",
    .opts = opts_table,
};

/* A list of whole lines, for conditions and headers that hold commas. */
static const struct da_opt lines_opts[] = {
    {.name = "cond",
     .arg = "EXPR",
     .type = DA_OPT_LIST,
     .flags = DA_OPT_LINES,
     .help = "Whole lines: commas do not split."},
    DA_OPT_END,
};

static const struct da_opt_tool lines_tool = {
    .name = "lines-tool",
    .summary = "Takes lines.",
    .opts = lines_opts,
};

static const struct da_opt files_table[] = {
    {.name = "strict",
     .short_name = 's',
     .type = DA_OPT_BOOL,
     .help = "Be strict."},
    {.name = "name",
     .short_name = 'n',
     .arg = "NAME",
     .type = DA_OPT_STRING,
     .help = "A name."},
    DA_OPT_END,
};

static const struct da_opt_tool files_tool = {
    .name = "files-tool",
    .summary = "Takes files.",
    .args = "[FILE ...]",
    .opts = files_table,
};

static struct da_err err;
static struct da_buf text = DA_BUF_INIT(0);

/* Parses a NULL-terminated argument list with DA_INPUTS set to inputs. */
static int parse(const struct da_opt_tool *t, const char *inputs,
		 struct da_opts **ret, ...)
{
	char *argv[32];
	int argc = 0;
	const char *a;
	va_list ap;

	argv[argc++] = (char *)"test-tool";
	va_start(ap, ret);
	while ((a = va_arg(ap, const char *)) != NULL && argc < 31)
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;
	if (inputs)
		setenv("DA_INPUTS", inputs, 1);
	else
		unsetenv("DA_INPUTS");
	da_err_clear(&err);
	da_buf_reset(&text);
	*ret = NULL;
	return da_opt_parse(t, argc, argv, &text, ret, &err);
}

#define fails(expect_msg, inputs, ...)                                         \
	do {                                                                   \
		struct da_opts *o_;                                            \
		int r_ =                                                       \
		    parse(&tool, (inputs), &o_, __VA_ARGS__, (char *)NULL);    \
		is_int(r_, -DA_EINVAL, "error: " expect_msg);                  \
		is_str(err.msg, (expect_msg), "message: " expect_msg);         \
		ok(o_ == NULL, "no result on error");                          \
		da_opt_free(o_);                                               \
	} while (0)

static void test_forms(void)
{
	struct da_opts *o;

	is_int(parse(&tool, NULL, &o, "--url=http://a", (char *)NULL), 0,
	       "--opt=value");
	is_str(da_opt_str(o, "url"), "http://a", "value of --url=");
	is_int(da_opt_int(o, "timeout"), 30, "int default");
	is_int(da_opt_source(o, "timeout"), DA_OPT_SRC_DEFAULT,
	       "default source");
	ok(!da_opt_given(o, "timeout"), "a default is not given");
	ok(da_opt_given(o, "url"), "a flag is given");
	ok(da_opt_bool(o, "color") && !da_opt_bool(o, "verbose"),
	   "bool defaults");
	ok(!da_opt_bool(o, "json") && da_opt_bool(o, "summary"),
	   "shared options: json off, summary on");
	ok(da_opt_str(o, "token") == NULL,
	   "unset string without default (an action_def is not one)");
	is_int(da_opt_source(o, "token"), DA_OPT_SRC_NONE, "source none");
	ok(da_opt_str(o, "nope") == NULL && !da_opt_bool(o, "nope") &&
	       da_opt_int(o, "nope") == 0,
	   "unknown names read as unset");
	da_opt_free(o);

	is_int(parse(&tool, NULL, &o, "--url", "http://b", "--timeout", "5",
		     (char *)NULL),
	       0, "--opt value");
	is_str(da_opt_str(o, "url"), "http://b", "value of --url VALUE");
	is_int(da_opt_int(o, "timeout"), 5, "int from flag");
	da_opt_free(o);

	is_int(parse(&tool, NULL, &o, "-u", "http://c", "-t60", "-v",
		     "--no-color", "--offset", "-5", (char *)NULL),
	       0, "short flags");
	is_str(da_opt_str(o, "url"), "http://c", "-u VALUE");
	is_int(da_opt_int(o, "timeout"), 60, "-tVALUE");
	ok(da_opt_bool(o, "verbose"), "-v sets a bool");
	ok(!da_opt_bool(o, "color"), "--no-color clears a default-true bool");
	is_int(da_opt_int(o, "offset"), -5, "a negative value after a flag");
	da_opt_free(o);

	is_int(parse(&tool, NULL, &o, "-vuhttp://d", "--verbose=no",
		     "--offset=+7", "--color=YES", (char *)NULL),
	       0, "bundled short flags");
	is_str(da_opt_str(o, "url"), "http://d", "bundle ends with a value");
	ok(!da_opt_bool(o, "verbose"), "a later --verbose=no wins");
	ok(da_opt_bool(o, "color"), "bool values are case-insensitive");
	is_int(da_opt_int(o, "offset"), 7, "explicit plus sign");
	da_opt_free(o);

	is_int(parse(&tool, NULL, &o, "-u", "x", "--retries", "0", "--url", "y",
		     (char *)NULL),
	       0, "repeated string flag");
	is_str(da_opt_str(o, "url"), "y", "the last string flag wins");
	is_int(da_opt_int(o, "retries"), 0, "the minimum is allowed");
	da_opt_free(o);

	is_int(
	    parse(&tool, NULL, &o, "--url", "x", "--debug-dump", (char *)NULL),
	    0, "a hidden option is still a flag");
	ok(da_opt_bool(o, "debug-dump"), "hidden flag value");
	da_opt_free(o);
}

static void test_errors(void)
{
	fails("unknown option '--ulr'; did you mean '--url'?", NULL, "--ulr",
	      "x");
	fails("unknown option '--bogus'; see --help", NULL, "--bogus");
	fails("unknown option '--verbse'; did you mean '--verbose'?", NULL,
	      "--verbse=1");
	fails("unknown option '--no-verbos'; did you mean '--no-verbose'?",
	      NULL, "--no-verbos");
	fails("unknown option '--hepl'; did you mean '--help'?", NULL,
	      "--hepl");
	fails("unknown option '--no-url'; see --help", NULL, "--no-url");
	fails("unknown option '--debug-dumb'; see --help", NULL,
	      "--debug-dumb");
	fails("unknown option '-x'; see --help", NULL, "-x");
	fails("option '--url' needs a value (URL)", NULL, "--url");
	fails("option '-t' needs a value (SECONDS)", NULL, "-u", "x", "-t");
	fails("option '--help' takes no value", NULL, "--help=yes");
	fails("option '--no-color' takes no value", NULL, "--no-color=1");
	fails("invalid value 'abc' for '--timeout': expected an integer", NULL,
	      "-u", "x", "--timeout", "abc");
	fails("invalid value '12x' for '-t': expected an integer", NULL, "-u",
	      "x", "-t", "12x");
	fails("invalid value ' 5' for '--timeout': expected an integer", NULL,
	      "-u", "x", "--timeout", " 5");
	fails("invalid value '' for '--timeout': expected an integer", NULL,
	      "-u", "x", "--timeout=");
	fails("invalid value '-' for '--offset': expected an integer", NULL,
	      "-u", "x", "--offset=-");
	fails("invalid value '99999999999999999999' for '--offset': out of "
	      "range",
	      NULL, "-u", "x", "--offset", "99999999999999999999");
	fails("invalid value '0' for '--timeout': must be between 1 and 3600",
	      NULL, "-u", "x", "--timeout", "0");
	fails("invalid value '3601' for '--timeout': must be between 1 and "
	      "3600",
	      NULL, "-u", "x", "--timeout", "3601");
	fails("invalid value '-1' for '--retries': must be at least 0", NULL,
	      "-u", "x", "--retries=-1");
	fails("invalid value 'maybe' for '--verbose': expected true or false",
	      NULL, "-u", "x", "--verbose=maybe");
	fails("invalid value for '--pin': expected an integer", NULL, "-u", "x",
	      "--pin", "s3cret");
	fails("missing required option '--url' (input 'url')", NULL, "-v");
	fails("missing required option '--url' (input 'url')", NULL, "--url=");
	fails("unexpected argument 3 (8 characters); test-tool takes options "
	      "only, values as '--name=value'",
	      NULL, "-u", "x", "file.txt");
}

static void test_inputs(void)
{
	struct da_opts *o;
	size_t n;
	const char *const *l;

	is_int(parse(&tool,
		     "{\"url\":\"http://in\",\"timeout\":\"45\","
		     "\"verbose\":\"\",\"json\":\"true\",\"summary\":\"\","
		     "\"path\":\"a\\n b ,c\\n\\n,d\"}",
		     &o, (char *)NULL),
	       0, "inputs from DA_INPUTS");
	is_str(da_opt_str(o, "url"), "http://in", "string input");
	is_int(da_opt_int(o, "timeout"), 45, "int input");
	is_int(da_opt_source(o, "timeout"), DA_OPT_SRC_INPUT, "input source");
	ok(!da_opt_bool(o, "verbose"), "empty input means not given");
	is_int(da_opt_source(o, "verbose"), DA_OPT_SRC_DEFAULT,
	       "empty input keeps the default");
	ok(da_opt_bool(o, "json"), "json input");
	ok(da_opt_bool(o, "summary"), "empty summary keeps default true");
	l = da_opt_list(o, "path", &n);
	ok(n == 4 && strcmp(l[0], "a") == 0 && strcmp(l[1], "b") == 0 &&
	       strcmp(l[2], "c") == 0 && strcmp(l[3], "d") == 0,
	   "list input split on newlines and commas, trimmed");
	da_opt_free(o);

	is_int(parse(&tool, "{\"url\":\"http://in\",\"path\":\"x\"}", &o, "-p",
		     "a", "--path", "b,c", "--url", "http://flag",
		     (char *)NULL),
	       0, "flags over inputs");
	is_str(da_opt_str(o, "url"), "http://flag", "flag beats input");
	l = da_opt_list(o, "path", &n);
	ok(n == 3 && strcmp(l[0], "a") == 0 && strcmp(l[2], "c") == 0,
	   "repeated list flags add up and replace the input");
	da_opt_free(o);

	is_int(parse(&lines_tool, "{\"cond\":\"a == any(1, 2)\\n b, c \\n\"}",
		     &o, "--cond", "d, e", (char *)NULL),
	       0, "a list of whole lines");
	l = da_opt_list(o, "cond", &n);
	ok(n == 1 && strcmp(l[0], "d, e") == 0,
	   "a flag's value is one line, commas and all");
	da_opt_free(o);
	is_int(parse(&lines_tool, "{\"cond\":\"a == any(1, 2)\\n b, c \\n\"}",
		     &o, (char *)NULL),
	       0, "lines from an input");
	l = da_opt_list(o, "cond", &n);
	ok(n == 2 && strcmp(l[0], "a == any(1, 2)") == 0 &&
	       strcmp(l[1], "b, c") == 0,
	   "an input splits on newlines only, trimmed");
	da_opt_free(o);

	is_int(parse(&tool, NULL, &o, "-u", "x", (char *)NULL), 0,
	       "list default");
	l = da_opt_list(o, "path", &n);
	ok(n == 2 && strcmp(l[0], "src") == 0 && strcmp(l[1], "lib") == 0,
	   "list default split");
	l = da_opt_list(o, "nope", &n);
	ok(l == NULL && n == 0, "unknown list is empty");
	da_opt_free(o);

	/* flag > input > env > default */
	unsetenv("DA_TEST_REGION");
	parse(&tool, NULL, &o, "-u", "x", (char *)NULL);
	is_str(da_opt_str(o, "region"), "af-south-1", "default");
	da_opt_free(o);
	setenv("DA_TEST_REGION", "eu-west-1", 1);
	parse(&tool, "{\"region\":\"\"}", &o, "-u", "x", (char *)NULL);
	is_str(da_opt_str(o, "region"), "eu-west-1", "env over default");
	is_int(da_opt_source(o, "region"), DA_OPT_SRC_ENV, "env source");
	da_opt_free(o);
	parse(&tool, "{\"region\":\"us-east-1\"}", &o, "-u", "x", (char *)NULL);
	is_str(da_opt_str(o, "region"), "us-east-1", "input over env");
	da_opt_free(o);
	parse(&tool, "{\"region\":\"us-east-1\"}", &o, "-u", "x", "--region",
	      "ap-south-1", (char *)NULL);
	is_str(da_opt_str(o, "region"), "ap-south-1", "flag over input");
	is_int(da_opt_source(o, "region"), DA_OPT_SRC_FLAG, "flag source");
	da_opt_free(o);
	unsetenv("DA_TEST_REGION");

	is_int(parse(&tool,
		     "{\"url\":\"x\",\"verbose\":true,\"timeout\":9,"
		     "\"token\":null}",
		     &o, (char *)NULL),
	       0, "JSON booleans, integers and null are accepted");
	ok(da_opt_bool(o, "verbose") && da_opt_int(o, "timeout") == 9,
	   "typed JSON values");
	da_opt_free(o);

	fails("unknown input 'bogus' in DA_INPUTS", "{\"bogus\":\"\"}", "-u",
	      "x");
	fails("unknown input 'debug-dump' in DA_INPUTS",
	      "{\"debug-dump\":\"true\"}", "-u", "x");
	fails("unknown input 'help' in DA_INPUTS", "{\"help\":\"\"}", "-u",
	      "x");
	fails("DA_INPUTS must be a JSON object of input names and values",
	      "[1]", "-u", "x");
	fails("input 'url' in DA_INPUTS must be a string", "{\"url\":[1]}",
	      "-v");
	fails("invalid value 'abc' for input 'timeout': expected an integer",
	      "{\"url\":\"x\",\"timeout\":\"abc\"}", "-v");
	fails("invalid value 'sure' for input 'json': expected true or false",
	      "{\"url\":\"x\",\"json\":\"sure\"}", "-v");
	fails("missing required option '--url' (input 'url')", "{\"url\":\"\"}",
	      "-v");
	{
		struct da_buf many = DA_BUF_INIT(0);
		struct da_opts *o_;
		size_t i;

		da_buf_adds(&many, "{\"url\":\"x\",\"path\":\"");
		for (i = 0; i <= DA_OPT_MAX_LIST; i++)
			da_buf_addf(&many, "p%zu,", i);
		da_buf_adds(&many, "\"}");
		is_int(parse(&tool, da_buf_str(&many), &o_, (char *)NULL),
		       -DA_ELIMIT, "a list over the ceiling is refused");
		is_str(err.msg,
		       "too many values for input 'path': at most "
		       "4096",
		       "list ceiling message");
		da_buf_release(&many);
	}
	{
		struct da_opts *o_;

		is_int(parse(&tool, "{\"url\": }", &o_, (char *)NULL),
		       -DA_EINVAL, "invalid JSON in DA_INPUTS");
		has_str(err.msg, "cannot parse DA_INPUTS: ", "JSON error");
		has_str(err.msg, "at offset 9", "JSON error has the offset");
		ok(strchr(err.msg, '\n') == NULL, "one line");
		is_int(da_err_exit(-err.e), DA_EXIT_USAGE, "exit status 2");

		/* jansson quotes the text near the error; it may be a secret */
		is_int(parse(&tool, "{\"url\":\"x\",\"pin\":\"s3cr3tv4lue", &o_,
			     (char *)NULL),
		       -DA_EINVAL, "truncated JSON in DA_INPUTS");
		ok(strstr(err.msg, "s3cr3tv4lue") == NULL,
		   "the parse error does not repeat the input text");
		has_str(err.msg, "cannot parse DA_INPUTS: ", "still says what");
	}
	fails("invalid value '1.5' for input 'timeout': expected an integer",
	      "{\"url\":\"x\",\"timeout\":1.5}", "-v");
	fails("unexpected argument 2 (6 characters); test-tool takes options "
	      "only, values as '--name=value'",
	      NULL, "--verbose", "s3cret", "-u", "x");

	setenv("DA_TEST_REGION", "x", 1);
	setenv("DA_TEST_TOKEN", "tok-from-env", 1);
	parse(&tool, NULL, &o, "-u", "x", (char *)NULL);
	is_str(da_opt_str(o, "token"), "tok-from-env", "secret from env");
	{
		struct da_gha *g = NULL;
		struct da_buf b = DA_BUF_INIT(0);
		char *out = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&out, &len);

		setenv("GITHUB_ACTIONS", "true", 1);
		unsetenv("GITHUB_OUTPUT");
		unsetenv("GITHUB_STEP_SUMMARY");
		da_gha_open(&g, &err);
		is_int(da_opt_mask_secrets(o, g, f, &err), 0, "mask secrets");
		fclose(f);
		is_str(out, "::add-mask::tok-from-env\n",
		       "secret options are masked, others are not");
		da_gha_redact(g, "Bearer tok-from-env", &b);
		is_str(da_buf_str(&b), "Bearer ***", "and redacted");
		free(out);
		da_buf_release(&b);
		da_gha_free(g);
		unsetenv("GITHUB_ACTIONS");
	}
	da_opt_free(o);
	unsetenv("DA_TEST_TOKEN");
	unsetenv("DA_TEST_REGION");
}

static void test_positional(void)
{
	struct da_opts *o;

	is_int(parse(&files_tool, NULL, &o, "a.xml", "-s", "-", "--", "--name",
		     "-n", (char *)NULL),
	       0, "positional arguments");
	ok(da_opt_bool(o, "strict"), "flag between positionals");
	ok(da_opt_str(o, "name") == NULL, "after -- flags are arguments");
	is_int(da_opt_nargs(o), 4, "four positionals");
	is_str(da_opt_arg(o, 0), "a.xml", "first");
	is_str(da_opt_arg(o, 1), "-", "a lone dash is an argument");
	is_str(da_opt_arg(o, 2), "--name", "after --");
	is_str(da_opt_arg(o, 3), "-n", "after -- too");
	ok(da_opt_arg(o, 4) == NULL, "past the end");
	da_opt_free(o);

	is_int(parse(&files_tool, NULL, &o, "-sn", "x", "--", (char *)NULL), 0,
	       "a trailing -- is fine");
	is_str(da_opt_str(o, "name"), "x", "-sn VALUE");
	is_int(da_opt_nargs(o), 0, "no positionals");
	da_opt_free(o);
}

static void check_width(const char *s, const char *what)
{
	size_t longest = 0, len;

	while (*s) {
		len = strcspn(s, "\n");
		if (len > longest)
			longest = len;
		s += len;
		if (*s)
			s++;
	}
	if (!ok(longest <= DA_OPT_WIDTH, what))
		diag("longest line: %zu", longest);
}

static void test_help(void)
{
	struct da_opts *o;
	const char *h;

	is_int(parse(&tool, "{\"bogus\":1}", &o, "-v", "--help", (char *)NULL),
	       DA_OPT_SHOW, "--help wins over bad inputs");
	ok(o == NULL, "no options with help");
	h = da_buf_str(&text);
	has_str(
	    h,
	    "usage: test-tool [-h] [--version] -u URL [-t SECONDS] "
	    "[--retries N] [--offset N]\n                 [-v] [--no-color] "
	    "[-p PATH] [--token TOKEN] [--pin PIN]\n",
	    "synopsis wraps "
	    "under the tool name");
	has_str(h, "[--no-summary]\n", "synopsis ends with the options");
	has_str(h,
		"\nChecks things for the unit tests of the option "
		"parser.\n",
		"summary");
	has_str(h, "\nOptions:\n  -u, --url URL", "options section");
	has_str(h,
		"\n      --retries N        How often to retry. At least 0. "
		"Default: 3.\n",
		"long-only options are aligned");
	has_str(h,
		"Give up after this many seconds. From 1 to 3600.\n"
		"                         Default: 30.\n",
		"range and default shown");
	has_str(h, "Base URL of the service. Required.\n", "required shown");
	has_str(h, "Default: src, lib.", "list default on one line");
	has_str(h, "Environment: DA_TEST_TOKEN.", "env fallback shown");
	has_str(h, "      --[no-]color", "bools show their negation");
	has_str(h,
		"Colour the output when it is a terminal, which is a\n"
		"                         long sentence",
		"long help wraps");
	ok(strstr(h, "debug-dump") == NULL, "hidden options stay hidden");
	has_str(h, "  -h, --help", "built-in help listed");
	has_str(h,
		"\nExamples:\n  test-tool --url https://example.com\n\n"
		"  test-tool -u",
		"examples indented, blank lines kept");
	has_str(h,
		"\nExit status:\n  0  pass\n  1  the check failed\n"
		"  2  usage or bad input\n  3  could not run",
		"exit status lines");
	check_width(h, "help fits in 80 columns");

	is_int(parse(&tool, NULL, &o, "-h", (char *)NULL), DA_OPT_SHOW, "-h");
	is_int(parse(&files_tool, NULL, &o, "-sh", (char *)NULL), DA_OPT_SHOW,
	       "-h in a bundle");
	has_str(da_buf_str(&text),
		"usage: files-tool [-h] [--version] [-s] "
		"[-n NAME] [FILE ...]\n",
		"positionals in the synopsis");
	has_str(da_buf_str(&text), "  -n, --name NAME", "short placeholder");
	check_width(da_buf_str(&text), "small help fits too");

	is_int(parse(&tool, NULL, &o, "--version", "--help", (char *)NULL),
	       DA_OPT_SHOW, "--version");
	h = da_buf_str(&text);
	ok(strncmp(h, "test-tool ", 10) == 0, "version names the tool");
	has_str(h, " (rev ", "version has the revision");
	has_str(h, "\nlibcurl/8.", "libcurl version");
	has_str(h, " mbedTLS/3.", "mbedTLS version");
	has_str(h, " jansson/2.", "jansson version");
	has_str(h, " libyaml/0.", "libyaml version");
	has_str(h, " expat/2.", "expat version");
	ok(strstr(h, "expat_") == NULL, "expat's own prefix is dropped");
}

static void test_json(void)
{
	struct da_opts *o;
	json_error_t jerr;
	json_t *arr, *e;
	size_t i;
	int hidden = 0;

	is_int(parse(&tool, NULL, &o, "--options-json", (char *)NULL),
	       DA_OPT_SHOW, "--options-json");
	arr = json_loads(da_buf_str(&text), 0, &jerr);
	ok(json_is_array(arr), "options JSON is an array");
	is_int(json_array_size(arr), 12, "every non-hidden option");
	json_array_foreach(arr, i, e)
	{
		if (strcmp(json_string_value(json_object_get(e, "name")),
			   "debug-dump") == 0)
			hidden = 1;
	}
	ok(!hidden, "hidden options are left out");
	e = json_array_get(arr, 0);
	is_str(json_string_value(json_object_get(e, "name")), "url", "name");
	is_str(json_string_value(json_object_get(e, "short")), "u", "short");
	is_str(json_string_value(json_object_get(e, "arg")), "URL", "arg");
	is_str(json_string_value(json_object_get(e, "type")), "string", "type");
	ok(json_is_null(json_object_get(e, "default")), "no default: null");
	ok(json_is_true(json_object_get(e, "required")), "required");
	is_str(json_string_value(json_object_get(e, "description")),
	       "Base URL of the service.", "description");
	ok(json_is_null(json_object_get(e, "env")), "no env: null");
	ok(json_is_false(json_object_get(e, "secret")), "not secret");
	ok(json_is_null(json_object_get(e, "min")) &&
	       json_is_null(json_object_get(e, "max")),
	   "min/max null for strings");
	e = json_array_get(arr, 1);
	is_str(json_string_value(json_object_get(e, "default")), "30",
	       "int default as a string");
	is_int(json_integer_value(json_object_get(e, "min")), 1, "min");
	is_int(json_integer_value(json_object_get(e, "max")), 3600, "max");
	e = json_array_get(arr, 2);
	ok(json_is_integer(json_object_get(e, "min")) &&
	       json_is_null(json_object_get(e, "max")),
	   "one-sided bounds");
	e = json_array_get(arr, 4);
	is_str(json_string_value(json_object_get(e, "type")), "bool",
	       "bool type");
	ok(json_is_null(json_object_get(e, "arg")), "bools take no arg");
	e = json_array_get(arr, 7);
	is_str(json_string_value(json_object_get(e, "env")), "DA_TEST_TOKEN",
	       "env");
	ok(json_is_true(json_object_get(e, "secret")), "secret");
	is_str(json_string_value(json_object_get(e, "action_default")),
	       "${{ github.token }}", "the action's own default");
	ok(json_is_null(json_object_get(e, "default")),
	   "and none on the command line");
	e = json_array_get(arr, 6);
	is_str(json_string_value(json_object_get(e, "type")), "list",
	       "list type");
	is_str(json_string_value(json_object_get(e, "default")), "src\nlib",
	       "list default as action.yml carries it");
	e = json_array_get(arr, 10);
	is_str(json_string_value(json_object_get(e, "name")), "json",
	       "shared option json");
	e = json_array_get(arr, 11);
	is_str(json_string_value(json_object_get(e, "default")), "true",
	       "shared option summary defaults to true");
	json_decref(arr);
}

static void test_main(void)
{
	char *argv[4] = {(char *)"test-tool", NULL, NULL, NULL};
	struct da_opts *o = NULL;
	struct da_gha *g = NULL;
	struct capture {
		char *text;
		size_t len;
		FILE *f;
	} out = {NULL, 0, NULL}, errs = {NULL, 0, NULL};
	int status;

	unsetenv("DA_INPUTS");
	unsetenv("GITHUB_ACTIONS");
	out.f = open_memstream(&out.text, &out.len);
	errs.f = open_memstream(&errs.text, &errs.len);
	argv[1] = (char *)"--bogus";
	status = da_opt_main_start(&tool, 2, argv, out.f, errs.f, &g, &o);
	is_int(status, 2, "a usage error exits 2");
	ok(o == NULL && g == NULL, "nothing to run");
	argv[1] = (char *)"--version";
	status = da_opt_main_start(&tool, 2, argv, out.f, errs.f, &g, &o);
	is_int(status, 0, "--version exits 0");
	argv[1] = (char *)"--url";
	argv[2] = (char *)"http://x";
	status = da_opt_main_start(&tool, 3, argv, out.f, errs.f, &g, &o);
	is_int(status, 0, "ready to run");
	ok(o && g, "options and runtime handed over");
	{
		struct da_err e = DA_ERR_INIT;

		da_err_set(&e, DA_EINVAL, "no checks in this build yet");
		is_int(da_opt_main_finish(&tool, g, errs.f, -DA_EINVAL, &e), 2,
		       "finish maps the error to exit 2");
		da_err_set(&e, DA_EIO, "cannot read 'x'");
		is_int(da_opt_main_finish(&tool, g, errs.f, -DA_EIO, &e), 3,
		       "I/O errors exit 3");
		da_err_clear(&e);
		is_int(da_opt_main_finish(&tool, g, errs.f, 0, &e), 0,
		       "success exits 0");
	}
	fclose(out.f);
	fclose(errs.f);
	is_str(errs.text,
	       "test-tool: unknown option '--bogus'; see --help\n"
	       "test-tool: no checks in this build yet\n"
	       "test-tool: cannot read 'x'\n",
	       "one line per error, prefixed with the tool");
	ok(out.text && strncmp(out.text, "test-tool ", 10) == 0,
	   "--version text on out");
	free(out.text);
	free(errs.text);
	da_opt_free(o);
	da_gha_free(g);
	da_opt_free(NULL);
}

static void run_tests(void)
{
	unsetenv("DA_TEST_TOKEN");
	unsetenv("DA_TEST_REGION");
	test_forms();
	test_errors();
	test_inputs();
	test_positional();
	test_help();
	test_json();
	test_main();
	da_buf_release(&text);
}
