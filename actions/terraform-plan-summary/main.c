/*
 * terraform-plan-summary: turn a terraform plan into a summary.
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
    .name = "terraform-plan-summary",
    .summary = "Turns the JSON of 'terraform show -json' into a summary a "
	       "reviewer reads in seconds, and flags destruction.",
    .examples = "terraform-plan-summary --version\n"
		"terraform-plan-summary --json --no-summary\n",
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
