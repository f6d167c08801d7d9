/*
 * data-residency-check: prove from a terraform plan that data stays in allowed
 * regions.
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
    .name = "data-residency-check",
    .summary = "Proves from a terraform plan that data stays in the "
	       "allowed regions.",
    .examples = "data-residency-check --version\n"
		"data-residency-check --json --no-summary\n",
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
