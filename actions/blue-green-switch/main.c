/*
 * blue-green-switch: move traffic to the new colour in weighted steps.
 *
 * main() only talks to the user: options, output and the exit status.
 */
#include "common/error.h"
#include "common/gha.h"
#include "common/opt.h"

static const struct da_opt options[] = {
    DA_OPT_SHARED,
    DA_OPT_END,
};

static const struct da_opt_tool tool = {
    .name = "blue-green-switch",
    .summary = "Moves traffic to the new colour in weighted steps, "
	       "checking health and reverting on failure.",
    .examples = "blue-green-switch --version\n"
		"blue-green-switch --json --no-summary\n",
    .opts = options,
};

/* The checks arrive with the tool's own logic; until then, say so. */
static int run(const struct da_opts *opts, struct da_gha *gha,
	       struct da_err *err)
{
	(void)opts;
	(void)gha;
	return da_err_set(err, DA_EINVAL,
			  "no checks in this build yet; see "
			  "--help");
}

int main(int argc, char *argv[])
{
	return da_opt_main(&tool, argc, argv, run);
}
