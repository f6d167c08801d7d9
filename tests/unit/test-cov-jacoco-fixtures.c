/*
 * JaCoCo parser on a real report: Madrapps/jacoco-report's
 * __tests__/__fixtures__/report.xml, whose project asserts an overall
 * 35.25% (INSTRUCTION 43/122); its counters give LINE 12/27, BRANCH 2/6
 * and METHOD 10/22.
 */
#include <stdlib.h>

#include "test.h"
#include "actions/coverage-gate/model.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/fs.h"

#define is_count(m, metric, c, t, name)                                        \
	do {                                                                   \
		struct cov_count k_ = cov_model_total((m), (metric));          \
		is_int(k_.covered, (c), name " (covered)");                    \
		is_int(k_.total, (t), name " (total)");                        \
	} while (0)

/* Counts the file's lines with and without hits. */
static void file_lines(struct cov_model *m, const char *path,
		       uint64_t *ret_covered, uint64_t *ret_total)
{
	size_t i;

	*ret_covered = *ret_total = 0;
	for (i = 0; i < cov_model_files(m); i++) {
		struct cov_file *f = cov_model_file(m, i);

		if (!strcmp(cov_file_path(f), path)) {
			struct cov_count c = cov_file_total(f, COV_LINES);

			*ret_covered = c.covered;
			*ret_total = c.total;
		}
	}
}

static void run_tests(void)
{
	struct da_buf path = DA_BUF_INIT(0);
	struct da_err err = DA_ERR_INIT;
	struct cov_model *m = NULL, *twice = NULL;
	const char *top = getenv("DA_TOP");
	struct cov_parse p;
	uint64_t c, t;
	size_t i;

	if (da_buf_addf(&path,
			"%s/../shared/fixtures/coverage/jacoco/"
			"jacoco-report-report.xml",
			top && *top ? top : ".") < 0)
		skip_all("path too long");
	if (da_fs_exists(da_buf_str(&path), &err) != 1)
		skip_all("no ../shared/fixtures beside the project");
	if (cov_model_new(&m, &err) < 0 || cov_model_new(&twice, &err) < 0)
		skip_all("cannot make a model");

	p.model = m;
	p.map = NULL;
	p.map_ctx = NULL;
	is_int(cov_parse_jacoco(&p, da_buf_str(&path), &err), 0,
	       "jacoco-report's report.xml parses");
	if (err.msg[0])
		diag("%s", err.msg);

	/* What the report's own <counter>s say, as the summary. */
	is_count(m, COV_INSTRUCTIONS, 43, 122,
		 "INSTRUCTION 43/122 = 35.25%, as jacoco-report asserts");
	is_count(m, COV_LINES, 12, 27, "LINE 12/27");
	is_count(m, COV_BRANCHES, 2, 6, "BRANCH 2/6");
	is_count(m, COV_FUNCTIONS, 10, 22, "METHOD 10/22");
	/* The records and the counters agree: no mismatch was recorded. */
	is_int(cov_model_mismatches(m), 0,
	       "the line records agree with the report's counters");
	for (i = 0; i < cov_model_mismatches(m); i++)
		diag("%s", cov_model_mismatch(m, i));

	is_int(cov_model_files(m), 3, "three source files");
	file_lines(m, "com/madrapps/jacoco/Utility.java", &c, &t);
	ok(c == 3 && t == 11, "Utility.java: lines 3/11, as its counter");
	file_lines(m, "com/madrapps/jacoco/Math.kt", &c, &t);
	ok(t > 0, "Math.kt has lines");
	{
		struct cov_file *f = NULL;
		uint64_t hits = 0;

		for (i = 0; i < cov_model_files(m); i++)
			if (!strcmp(cov_file_path(cov_model_file(m, i)),
				    "com/madrapps/jacoco/Utility.java"))
				f = cov_model_file(m, i);
		ok(f && cov_file_line(f, 10, &hits) && hits == 4,
		   "Utility.java line 10 has ci 4");
		ok(f && cov_file_line(f, 6, &hits) && hits == 0,
		   "Utility.java line 6 is instrumented, not covered");
	}

	/* The same report twice: a merge, not a doubling of the totals. */
	p.model = twice;
	is_int(cov_parse_jacoco(&p, da_buf_str(&path), &err), 0, "first");
	is_int(cov_parse_jacoco(&p, da_buf_str(&path), &err), 0, "second");
	{
		struct cov_count l = cov_model_total(twice, COV_LINES);
		struct cov_count b = cov_model_total(twice, COV_BRANCHES);
		struct cov_count fn = cov_model_total(twice, COV_FUNCTIONS);

		ok(l.covered == 12 && l.total == 27, "lines still 12/27");
		ok(b.covered == 2 && b.total == 6, "branches still 2/6");
		ok(fn.covered == 10 && fn.total == 22, "methods still 10/22");
		is_int(cov_model_mismatches(twice), 0,
		       "each report's counters match its own records");
	}

	cov_model_free(m);
	cov_model_free(twice);
	da_buf_release(&path);
}
