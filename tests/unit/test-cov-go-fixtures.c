/*
 * A real Go coverprofile with totals known from the project that ships it
 * (fgrosse/go-coverage-report: 92 of 102 statements).
 */
#include "test.h"
#include "actions/coverage-gate/model.h"
#include "common/buf.h"

#include <stdint.h>
#include <sys/stat.h>

static void run_tests(void)
{
	const char *top = getenv("DA_TOP");
	struct da_buf path = DA_BUF_INIT(8192);
	struct da_err err = DA_ERR_INIT;
	struct cov_model *m = NULL;
	struct cov_parse p = {NULL, NULL, NULL};
	enum cov_format f = COV_FORMAT_UNKNOWN;
	struct cov_count c, max;
	struct stat st;
	size_t i;
	int r;

	if (da_buf_addf(&path, "%s/../shared/fixtures",
			top && *top ? top : ".") < 0 ||
	    stat(da_buf_str(&path), &st) != 0)
		skip_all("no ../shared/fixtures beside the project");
	da_buf_adds(&path,
		    "/coverage/go/go-coverage-report-01-new-coverage.out");

	cov_model_new(&m, &err);
	p.model = m;
	r = cov_parse_any(&p, da_buf_str(&path), &f, &err);
	is_int(r, 0, "the profile parses");
	if (r < 0)
		diag("%s", err.msg);
	is_str(cov_format_name(f), "go", "detected as go");
	c = cov_model_total(m, COV_STATEMENTS);
	ok(c.covered == 92 && c.total == 102, "statements 92/102");
	/* max_heap.go alone: all 50 of its statements are covered. */
	max.covered = max.total = 0;
	for (i = 0; i < cov_model_files(m); i++) {
		struct cov_file *file = cov_model_file(m, i);

		if (!strstr(cov_file_path(file), "/max_"))
			continue;
		c = cov_file_total(file, COV_STATEMENTS);
		max.covered += c.covered;
		max.total += c.total;
	}
	ok(max.covered == 50 && max.total == 50,
	   "max_heap.go statements 50/50");
	ok(strncmp(cov_file_path(cov_model_file(m, 0)),
		   "github.com/fgrosse/prioqueue/", 29) == 0,
	   "import paths kept");
	c = cov_model_total(m, COV_LINES);
	ok(c.total > 0 && c.covered < c.total, "a line view exists");

	/* The same profile again: counts double, coverage stays. */
	r = cov_parse_go(&p, da_buf_str(&path), &err);
	is_int(r, 0, "the profile merges with itself");
	c = cov_model_total(m, COV_STATEMENTS);
	ok(c.covered == 92 && c.total == 102, "still 92/102 after the merge");
	cov_model_free(m);
	da_buf_release(&path);
}
