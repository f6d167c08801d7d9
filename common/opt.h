/*
 * opt: one option table per tool drives the command line, the action's
 * inputs, --help and the generated docs.
 *
 * A tool describes itself in a const struct da_opt_tool: its name, a
 * summary, the positional arguments it takes (if any), examples, and a
 * table of struct da_opt ending with DA_OPT_END. Each option's long name is
 * also the name of the action input that feeds it.
 *
 * da_opt_parse() fills a struct da_opts from, lowest precedence first:
 * the table's default, the option's environment fallback, the DA_INPUTS
 * environment variable (the JSON object "${{ toJSON(inputs) }}", where an
 * empty string means "not given"), and the command line. Every value is
 * checked against its type when it is assigned, so the typed getters never
 * fail. Every tool gets -h/--help, --version and the hidden --options-json
 * (a JSON array describing the table, read by the docs generator); for
 * those da_opt_parse() builds the text in a caller's da_buf and main prints
 * it. Types: string, bool (true/false, yes/no, 1/0; --no-<name> sets
 * false), int (range-checked), list (newline- or comma-separated, trimmed,
 * empties dropped; a repeated flag adds to the list).
 *
 * The struct da_opts owns copies of every value and is freed with
 * da_opt_free() (NULL-safe). The table itself must outlive it.
 *
 * da_opt_main_start()/da_opt_main_finish() are the two halves every
 * main.c shares: they print to the FILE * main gives them, never on their
 * own account, and return the exit status.
 */
#ifndef DA_OPT_H
#define DA_OPT_H

#include "buf.h"
#include "error.h"
#include "gha.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Ceilings for user-supplied text. */
#define DA_OPT_MAX_VALUE ((size_t)1 << 20)  /* one option value */
#define DA_OPT_MAX_INPUTS ((size_t)4 << 20) /* DA_INPUTS as a whole */
#define DA_OPT_MAX_LIST 4096		    /* items in one list */
#define DA_OPT_MAX_TEXT ((size_t)1 << 20)   /* help and JSON text */

/* Width --help wraps to. */
#define DA_OPT_WIDTH 80

enum da_opt_type {
	DA_OPT_STRING,
	DA_OPT_BOOL,
	DA_OPT_INT,
	DA_OPT_LIST,
};

/* Flags of struct da_opt. */
#define DA_OPT_REQUIRED 0x1u /* must end up with a non-empty value */
#define DA_OPT_SECRET 0x2u   /* masked in logs, never echoed in errors */
#define DA_OPT_HIDDEN 0x4u   /* a flag only: not in --help, JSON, inputs */
#define DA_OPT_LINES 0x8u    /* a list of whole lines: commas do not split */

struct da_opt {
	const char *name; /* long name == action input name */
	char short_name;  /* 0 for none; 'h' is taken by --help */
	const char *arg;  /* placeholder, e.g. "URL"; unused for bools */
	enum da_opt_type type;
	const char *def;  /* default as action.yml carries it, or NULL */
	const char *env;  /* environment fallback, e.g. "GITHUB_TOKEN" */
	long long min;	  /* DA_OPT_INT bounds; both 0: unbounded. */
	long long max;	  /* LLONG_MIN/LLONG_MAX: that side unbounded */
	unsigned flags;	  /* DA_OPT_REQUIRED | _SECRET | _HIDDEN */
	const char *help; /* one sentence */
	/*
	 * The default action.yml carries when the command line has none: an
	 * expression of the runner's, such as "${{ github.token }}".
	 */
	const char *action_def;
};

#define DA_OPT_END                                                             \
	{                                                                      \
		.name = NULL                                                   \
	}

/* The options every tool keeps: --json and --summary. */
#define DA_OPT_SHARED                                                          \
	{.name = "json",                                                       \
	 .type = DA_OPT_BOOL,                                                  \
	 .def = "false",                                                       \
	 .help = "Print the result as JSON on standard output."},              \
	{                                                                      \
		.name = "summary", .type = DA_OPT_BOOL, .def = "true",         \
		.help =                                                        \
		    "Write the job summary when GITHUB_STEP_SUMMARY is set."   \
	}

/* The token of the tools that comment on pull requests (--comment). */
#define DA_OPT_GITHUB_TOKEN                                                    \
	{                                                                      \
		.name = "github-token", .arg = "TOKEN", .type = DA_OPT_STRING, \
		.env = "GITHUB_TOKEN", .flags = DA_OPT_SECRET,                 \
		.action_def = "${{ github.token }}",                           \
		.help = "The token for --comment (needs pull-requests: "       \
			"write); the action uses the job's token unless "      \
			"given another."                                       \
	}

struct da_opt_tool {
	const char *name;	   /* "smoke-test" */
	const char *summary;	   /* what the tool does, for --help */
	const char *args;	   /* positionals for the synopsis, e.g.
				    * "[FILE ...]"; NULL: the tool takes none */
	const char *examples;	   /* lines for "Examples:", or NULL */
	const struct da_opt *opts; /* ends with DA_OPT_END */
};

/* Where a value came from, lowest precedence first. */
enum da_opt_source {
	DA_OPT_SRC_NONE, /* no default and not given */
	DA_OPT_SRC_DEFAULT,
	DA_OPT_SRC_ENV,
	DA_OPT_SRC_INPUT,
	DA_OPT_SRC_FLAG,
};

/* What da_opt_parse() asks main to do when it does not return an error. */
enum da_opt_action {
	DA_OPT_RUN = 0,	 /* run the tool with *ret_opts */
	DA_OPT_SHOW = 1, /* print the text (help, version, JSON) */
};

struct da_opts;

/*
 * Parses argv (argv[0] is skipped) and DA_INPUTS against the tool's table.
 * Returns DA_OPT_RUN with *ret_opts set, DA_OPT_SHOW with the text to print
 * appended to text, or a negative DA_E* value with one line in err
 * (usage errors are -DA_EINVAL: exit 2).
 */
int da_opt_parse(const struct da_opt_tool *tool, int argc, char *argv[],
		 struct da_buf *text, struct da_opts **ret_opts,
		 struct da_err *err);

/* Frees the parsed values. NULL-safe. */
void da_opt_free(struct da_opts *opts);

/*
 * Typed getters by long name. A string or list never given and without a
 * default reads as NULL / no items, an unset int as 0, an unset bool as
 * false; so does a name not in the table.
 */
const char *da_opt_str(const struct da_opts *opts, const char *name);
bool da_opt_bool(const struct da_opts *opts, const char *name);
long long da_opt_int(const struct da_opts *opts, const char *name);
const char *const *da_opt_list(const struct da_opts *opts, const char *name,
			       size_t *ret_n);

/* Where the value came from; da_opt_given() is true above the default. */
enum da_opt_source da_opt_source(const struct da_opts *opts, const char *name);
bool da_opt_given(const struct da_opts *opts, const char *name);

/* Positional arguments, in the order given. */
size_t da_opt_nargs(const struct da_opts *opts);
const char *da_opt_arg(const struct da_opts *opts, size_t i);

/*
 * Masks the value of every DA_OPT_SECRET option that has one (see
 * da_gha_mask()), so it is redacted from all later output.
 */
int da_opt_mask_secrets(const struct da_opts *opts, struct da_gha *gha,
			FILE *out, struct da_err *err);

/* Appends the --help text of the tool to out. Returns 0 or a da_buf error. */
int da_opt_help(const struct da_opt_tool *tool, struct da_buf *out);

/*
 * Appends the --options-json text: a JSON array with one object per
 * non-hidden option (name, short, arg, type, default, required,
 * description, env, secret, min, max).
 */
int da_opt_json(const struct da_opt_tool *tool, struct da_buf *out,
		struct da_err *err);

/*
 * The front of every main(): opens the Actions runtime, parses, prints
 * help/version/JSON to out or "<tool>: <message>" to errf, masks secrets.
 * Returns an exit status; *ret_gha and *ret_opts are set only when the
 * tool should run (then the status is DA_EXIT_OK).
 */
int da_opt_main_start(const struct da_opt_tool *tool, int argc, char *argv[],
		      FILE *out, FILE *errf, struct da_gha **ret_gha,
		      struct da_opts **ret_opts);

/*
 * The end of every main(): for r < 0 prints "<tool>: <message>" (secrets
 * redacted) to errf. Returns the exit status for r (see da_err_exit()).
 */
int da_opt_main_finish(const struct da_opt_tool *tool, const struct da_gha *gha,
		       FILE *errf, int r, const struct da_err *err);

/*
 * A tool's work: reads its options, talks through gha, returns 0, or a
 * negative DA_E* value with err filled (-DA_EFAIL for a failed check).
 */
typedef int (*da_opt_run_fn)(const struct da_opts *opts, struct da_gha *gha,
			     struct da_err *err);

/*
 * The whole main() of a tool: start, run, finish, and inside Actions an
 * error annotation titled with the DEPLOY_* code when run fails (on
 * standard error under --json, so standard output stays one JSON
 * document). Returns the exit status.
 */
int da_opt_main(const struct da_opt_tool *tool, int argc, char *argv[],
		da_opt_run_fn run);

#endif
