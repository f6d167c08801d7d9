/*
 * fuzz-inputs: option parsing must never crash or leak on any DA_INPUTS
 * text or command line, a failure must come with a one-line message, and
 * every value it accepts must obey the table (ranges, list items, the
 * required option).
 *
 * The first byte picks the mode (bits 0-1) and the tool (bit 2: with or
 * without positional arguments):
 *   0, 3  the rest is DA_INPUTS, the command line is the program name;
 *   1     the rest, split on NUL bytes, is the command line;
 *   2     the rest up to the first NUL is DA_INPUTS, the remaining NUL
 *         separated pieces are the command line.
 */
#include "common/buf.h"
#include "common/error.h"
#include "common/opt.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ENV "DA_FUZZ_INPUTS_TOKEN"

static const struct da_opt options[] = {
    {.name = "url",
     .short_name = 'u',
     .arg = "URL",
     .type = DA_OPT_STRING,
     .def = "http://127.0.0.1/",
     .flags = DA_OPT_REQUIRED,
     .help = "Where to look."},
    {.name = "name", .type = DA_OPT_STRING, .help = "A plain string."},
    {.name = "token",
     .short_name = 't',
     .arg = "TOKEN",
     .type = DA_OPT_STRING,
     .env = FUZZ_ENV,
     .flags = DA_OPT_SECRET,
     .help = "A secret."},
    {.name = "verbose",
     .short_name = 'v',
     .type = DA_OPT_BOOL,
     .help = "A bool defaulting to false."},
    {.name = "wait", .type = DA_OPT_BOOL, .def = "true", .help = "On."},
    {.name = "retries",
     .short_name = 'r',
     .type = DA_OPT_INT,
     .def = "3",
     .min = 0,
     .max = 10,
     .help = "Bounded both ways."},
    {.name = "timeout",
     .type = DA_OPT_INT,
     .min = 1,
     .max = LLONG_MAX,
     .help = "Bounded below."},
    {.name = "offset",
     .type = DA_OPT_INT,
     .min = LLONG_MIN,
     .max = -1,
     .help = "Bounded above."},
    {.name = "count", .type = DA_OPT_INT, .help = "Unbounded."},
    {.name = "expect",
     .short_name = 'e',
     .type = DA_OPT_LIST,
     .def = "200\n204",
     .help = "A list."},
    {.name = "tags", .type = DA_OPT_LIST, .help = "A list without default."},
    {.name = "debug-dump",
     .type = DA_OPT_BOOL,
     .flags = DA_OPT_HIDDEN,
     .help = "Hidden."},
    DA_OPT_SHARED,
    DA_OPT_END,
};

static const struct da_opt_tool tool_args = {
    .name = "fuzz-tool",
    .summary = "Exercises the option parser.",
    .args = "[FILE ...]",
    .examples = "fuzz-tool --url http://127.0.0.1/ a b\n",
    .opts = options,
};

static const struct da_opt_tool tool_noargs = {
    .name = "fuzz-tool",
    .summary = "Exercises the option parser.",
    .opts = options,
};

static void check_int(const struct da_opts *opts, const char *name,
		      long long min, long long max)
{
	long long n = da_opt_int(opts, name);

	if (da_opt_source(opts, name) == DA_OPT_SRC_NONE) {
		if (n != 0)
			abort();
		return;
	}
	if (n < min || n > max)
		abort();
}

static void check_list(const struct da_opts *opts, const char *name)
{
	const char *const *items;
	size_t n, i, len;

	items = da_opt_list(opts, name, &n);
	if (n && !items)
		abort();
	for (i = 0; i < n; i++) {
		len = strlen(items[i]);
		if (!len || strcspn(items[i], ",\n") != len ||
		    strchr(" \t\r", items[i][0]) ||
		    strchr(" \t\r", items[i][len - 1]))
			abort();
	}
}

static void check_opts(const struct da_opt_tool *tool,
		       const struct da_opts *opts)
{
	const char *url = da_opt_str(opts, "url");
	size_t i, n;

	if (!url || !*url)
		abort();
	check_int(opts, "retries", 0, 10);
	check_int(opts, "timeout", 1, LLONG_MAX);
	check_int(opts, "offset", LLONG_MIN, -1);
	check_int(opts, "count", LLONG_MIN, LLONG_MAX);
	check_list(opts, "expect");
	check_list(opts, "tags");
	if (da_opt_source(opts, "wait") == DA_OPT_SRC_DEFAULT &&
	    !da_opt_bool(opts, "wait"))
		abort();
	if (da_opt_str(opts, "no-such-option") ||
	    da_opt_given(opts, "no-such-option"))
		abort();
	n = da_opt_nargs(opts);
	if (n && !tool->args)
		abort();
	for (i = 0; i < n; i++)
		if (!da_opt_arg(opts, i))
			abort();
	if (da_opt_arg(opts, n))
		abort();
}

static void check_err(int r, const struct da_err *err)
{
	if (r >= 0 || err->e != -r || !err->msg[0] || strchr(err->msg, '\n'))
		abort();
}

/* Splits data on NUL bytes into argv[1..]; argv[0] is the program. */
static char **split_argv(const char *s, size_t size, int *ret_argc)
{
	char **argv;
	size_t n = 1, i, k = 1;

	for (i = 0; i < size; i++)
		if (!s[i])
			n++;
	argv = calloc(n + 2, sizeof(*argv));
	if (!argv)
		return NULL;
	argv[0] = (char *)"fuzz-tool";
	if (size) {
		argv[k++] = (char *)s;
		for (i = 0; i < size; i++)
			if (!s[i])
				argv[k++] = (char *)s + i + 1;
	}
	*ret_argc = (int)k;
	return argv;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct da_opt_tool *tool;
	struct da_buf text = DA_BUF_INIT(DA_OPT_MAX_TEXT);
	struct da_err err = DA_ERR_INIT;
	struct da_opts *opts = NULL;
	char *self = (char *)"fuzz-tool";
	char *plain[] = {self, NULL};
	char **argv = plain, *s;
	int argc = 1, mode, r;
	size_t len;

	if (!size)
		return 0;
	mode = data[0] & 3;
	tool = data[0] & 4 ? &tool_noargs : &tool_args;
	data++;
	size--;
	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (setenv(FUZZ_ENV, "env-token-value", 1) != 0)
		goto out;
	if (mode == 1) {
		if (unsetenv("DA_INPUTS") != 0)
			goto out;
		argv = split_argv(s, size, &argc);
	} else if (mode == 2) {
		len = strlen(s);
		if (setenv("DA_INPUTS", s, 1) != 0)
			goto out;
		argv = len < size
			   ? split_argv(s + len + 1, size - len - 1, &argc)
			   : plain;
	} else if (setenv("DA_INPUTS", s, 1) != 0) {
		goto out;
	}
	if (!argv)
		goto out;
	r = da_opt_parse(tool, argc, argv, &text, &opts, &err);
	if (r == DA_OPT_RUN) {
		if (!opts)
			abort();
		check_opts(tool, opts);
	} else if (r == DA_OPT_SHOW) {
		if (opts || !text.len)
			abort();
	} else {
		if (opts)
			abort();
		check_err(r, &err);
	}
out:
	da_opt_free(opts);
	da_buf_release(&text);
	if (argv != plain)
		free(argv);
	free(s);
	return 0;
}
