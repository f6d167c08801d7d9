/*
 * fuzz-clover: the Clover parser on arbitrary bytes.
 *
 * The parser reads files, so each input is written to a file of a private
 * temporary directory first. Bad input must give one line of error; good
 * input must give sane totals, and reading the same report twice must not
 * change which lines and branches are covered.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions/coverage-gate/model.h"
#include "common/buf.h"
#include "common/fs.h"

static struct da_buf dir = DA_BUF_INIT(0);
static struct da_buf file = DA_BUF_INIT(0);

static void cleanup(void)
{
	struct da_err err = DA_ERR_INIT;

	(void)da_fs_remove_tree(da_buf_str(&dir), &err);
	da_buf_release(&dir);
	da_buf_release(&file);
}

static int setup(void)
{
	struct da_err err = DA_ERR_INIT;

	if (file.len)
		return 0;
	if (da_fs_mkdtemp("fuzz-clover", &dir, &err) < 0 ||
	    da_fs_path_join(da_buf_str(&dir), "clover.xml", &file, &err) < 0)
		abort();
	atexit(cleanup);
	return 0;
}

/* The input as the report file (no fsync: this runs many times). */
static void put(const uint8_t *data, size_t size)
{
	FILE *f = fopen(da_buf_str(&file), "wb");

	if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f))
		abort();
}

/* Lines and branches of the records alone (no summary fallback). */
static void records(struct cov_model *m, struct cov_count *l,
		    struct cov_count *b)
{
	size_t i;

	memset(l, 0, sizeof(*l));
	memset(b, 0, sizeof(*b));
	for (i = 0; i < cov_model_files(m); i++) {
		struct cov_count c =
		    cov_file_total(cov_model_file(m, i), COV_LINES);

		l->covered += c.covered;
		l->total += c.total;
		c = cov_file_total(cov_model_file(m, i), COV_BRANCHES);
		b->covered += c.covered;
		b->total += c.total;
	}
}

static void check_err(int r, const struct da_err *err)
{
	if (r < 0 && (!err->msg[0] || strchr(err->msg, '\n')))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct da_err err = DA_ERR_INIT;
	struct cov_model *m = NULL;
	struct cov_parse p = {NULL, NULL, NULL};
	struct cov_count l1, b1, l2, b2;
	uint32_t un[16];
	size_t i;
	int r;

	setup();
	put(data, size);
	if (cov_model_new(&m, &err) < 0)
		abort();
	p.model = m;
	r = cov_parse_clover(&p, da_buf_str(&file), &err);
	check_err(r, &err);
	if (r < 0)
		goto out;
	l1 = cov_model_total(m, COV_LINES);
	b1 = cov_model_total(m, COV_BRANCHES);
	if (l1.covered > l1.total || b1.covered > b1.total)
		abort();
	records(m, &l1, &b1);
	for (i = 0; i < cov_model_files(m); i++) {
		struct cov_file *f = cov_model_file(m, i);
		struct cov_count c = cov_file_total(f, COV_LINES);
		size_t n = cov_file_uncovered(f, un, 16);
		uint64_t hits;

		if (c.covered > c.total || n > c.total - c.covered)
			abort();
		while (n--)
			if (!cov_file_line(f, un[n], &hits) || hits != 0)
				abort();
	}
	/* A second reading adds hits but covers nothing new. */
	r = cov_parse_clover(&p, da_buf_str(&file), &err);
	if (r < 0)
		abort();
	records(m, &l2, &b2);
	if (l2.total != l1.total || l2.covered != l1.covered ||
	    b2.total != b1.total || b2.covered != b1.covered)
		abort();
out:
	cov_model_free(m);
	return 0;
}
