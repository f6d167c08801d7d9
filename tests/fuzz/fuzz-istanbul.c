/*
 * fuzz-istanbul: the Istanbul parsers (coverage-final.json and
 * coverage-summary.json) on arbitrary bytes.
 *
 * The parser reads a file, so the input is written to one temporary file
 * first. A parse either fails with a one-line message or leaves a model
 * whose totals hold together (covered never above total); parsing the same
 * input again into that model must succeed too, keep the same line
 * records and may not lower what they cover.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "actions/coverage-gate/model.h"
#include "common/buf.h"
#include "common/error.h"

static char tmp_path[64];

static void remove_tmp(void)
{
	if (tmp_path[0])
		unlink(tmp_path);
}

/* Writes the input to the temporary file; its path, or NULL. */
static const char *input_file(const uint8_t *data, size_t size)
{
	static int fd = -1;
	size_t off = 0;

	if (fd < 0) {
		const char *dir = getenv("TMPDIR");
		int n;

		n = snprintf(tmp_path, sizeof(tmp_path),
			     "%s/fuzz-istanbul.XXXXXX",
			     dir && *dir && strlen(dir) < 40 ? dir : "/tmp");
		if (n < 0 || (size_t)n >= sizeof(tmp_path))
			abort();
		fd = mkstemp(tmp_path);
		if (fd < 0)
			abort();
		atexit(remove_tmp);
	}
	if (ftruncate(fd, 0) < 0)
		abort();
	while (off < size) {
		ssize_t w = pwrite(fd, data + off, size - off, (off_t)off);

		if (w <= 0)
			abort();
		off += (size_t)w;
	}
	return tmp_path;
}

/* Puts every path under "src/", so that the map is exercised too. */
static int map(void *ctx, const char *report_path, struct da_buf *out,
	       struct da_err *err)
{
	(void)ctx;
	if (!strcmp(report_path, "stop.js"))
		return da_err_set(err, DA_EINVAL, "no rule for '%s'",
				  report_path);
	if (da_buf_addf(out, "src/%s", report_path) < 0)
		return da_err_set(err, DA_ELIMIT, "path too long");
	return 0;
}

static void check_totals(struct cov_model *m)
{
	size_t i;
	int k;

	for (k = 0; k < COV__METRICS; k++) {
		struct cov_count c = cov_model_total(m, (enum cov_metric)k);

		if (c.covered > c.total)
			abort();
	}
	for (i = 0; i < cov_model_files(m); i++) {
		struct cov_file *f = cov_model_file(m, i);
		struct cov_count c = cov_file_total(f, COV_LINES);

		if (c.covered > c.total || strncmp(cov_file_path(f), "src/", 4))
			abort();
	}
}

/* Lines of the records alone (the totals may come from a summary). */
static struct cov_count file_lines(struct cov_model *m)
{
	struct cov_count sum = {0, 0};
	size_t i;

	for (i = 0; i < cov_model_files(m); i++) {
		struct cov_count c =
		    cov_file_total(cov_model_file(m, i), COV_LINES);

		sum.covered += c.covered;
		sum.total += c.total;
	}
	return sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct da_err err = DA_ERR_INIT;
	struct cov_model *m = NULL;
	struct cov_parse p = {NULL, map, NULL};
	struct cov_count before, after;
	const char *path = input_file(data, size);
	int r;

	if (cov_model_new(&m, &err) < 0)
		abort();
	p.model = m;
	r = cov_parse_istanbul_summary(&p, path, &err);
	if (r < 0 && (!err.msg[0] || strchr(err.msg, '\n')))
		abort();
	check_totals(m);
	cov_model_free(m);
	if (cov_model_new(&m, &err) < 0)
		abort();
	p.model = m;
	da_err_clear(&err);
	r = cov_parse_istanbul(&p, path, &err);
	if (r < 0) {
		if (!err.msg[0] || strchr(err.msg, '\n'))
			abort();
		cov_model_free(m);
		return 0;
	}
	check_totals(m);
	before = file_lines(m);
	r = cov_parse_istanbul(&p, path, &err);
	if (r < 0)
		abort();
	check_totals(m);
	after = file_lines(m);
	if (after.covered < before.covered || after.total != before.total)
		abort();
	cov_model_free(m);
	return 0;
}
