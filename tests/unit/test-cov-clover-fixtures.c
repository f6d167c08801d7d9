/*
 * The Clover report jest wrote in the same run as the Istanbul fixtures
 * (see SOURCES.tsv beside the fixtures): lines 33/42, functions 2/6.
 */
#include "test.h"
#include "actions/coverage-gate/model.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/fs.h"

#define is_count(k, c, t, name)                                                \
	do {                                                                   \
		struct cov_count k_ = (k);                                     \
		is_int(k_.covered, (c), name " (covered)");                    \
		is_int(k_.total, (t), name " (total)");                        \
	} while (0)

static struct cov_file *file_of(struct cov_model *m, const char *path)
{
	size_t i;

	for (i = 0; i < cov_model_files(m); i++)
		if (!strcmp(cov_file_path(cov_model_file(m, i)), path))
			return cov_model_file(m, i);
	return NULL;
}

static void run_tests(void)
{
	static const char dir[] =
	    "/Users/misha/Downloads/GithubSamples/api-testing-example/src/";
	const char *t = getenv("DA_TOP");
	struct da_buf top = DA_BUF_INIT(0), path = DA_BUF_INIT(0);
	struct da_err err = DA_ERR_INIT;
	struct cov_model *m = NULL;
	struct cov_parse p = {NULL, NULL, NULL};
	struct cov_file *f;
	uint32_t un[8];
	char name[256];

	if (da_buf_addf(&top, "%s/../shared/fixtures", t && *t ? t : ".") < 0)
		skip_all("fixture path too long");
	if (da_fs_exists(da_buf_str(&top), &err) != 1)
		skip_all("no ../shared/fixtures beside the project");
	if (da_buf_addf(&path,
			"%s/coverage/clover/jest-coverage-comment-clover.xml",
			da_buf_str(&top)) < 0 ||
	    cov_model_new(&m, &err) < 0)
		skip_all("cannot set up");
	p.model = m;
	is_int(cov_parse_clover(&p, da_buf_str(&path), &err), 0,
	       "jest's clover.xml parses");
	if (err.e)
		diag("%s", err.msg);
	/* Istanbul's writer emits one stmt per line: its "statements" are
	 * the 42 lines, not Istanbul's 43 statements. */
	is_count(cov_model_total(m, COV_LINES), 33, 42,
		 "lines from the stmt lines 33/42 (78.57%)");
	is_count(cov_model_total(m, COV_STATEMENTS), 33, 42,
		 "statements from the metrics 33/42");
	is_count(cov_model_total(m, COV_FUNCTIONS), 2, 6,
		 "functions from the metrics 2/6 (33.33%)");
	is_count(cov_model_total(m, COV_BRANCHES), 0, 0, "no branches");
	is_int(cov_model_mismatches(m), 0, "the metrics agree");
	is_int(cov_model_files(m), 6, "six files");
	format(name, sizeof(name), "%scontroller.js", dir);
	f = file_of(m, name);
	ok(f != NULL, "files are their absolute path as written");
	if (f) {
		is_count(cov_file_total(f, COV_LINES), 7, 11,
			 "controller.js 7/11, as its own metrics say");
		is_int(cov_file_uncovered(f, un, 8), 4, "four uncovered");
		ok(un[0] == 14 && un[1] == 15 && un[2] == 16 && un[3] == 18,
		   "lines 14, 15, 16 and 18");
	}
	format(name, sizeof(name), "%sutils/config.js", dir);
	f = file_of(m, name);
	if (f)
		is_count(cov_file_total(f, COV_LINES), 2, 2,
			 "utils/config.js 2/2");
	else
		ok(0, "utils/config.js is there");
	cov_model_free(m);
	da_buf_release(&top);
	da_buf_release(&path);
}
