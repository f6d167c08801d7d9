/*
 * cov-fuzz.h: the harness the coverage-gate fuzz targets share.
 *
 * A target names its parser and report file in a struct cov_fuzz_target
 * and hands each input to cov_fuzz_file() (parsers that read a path) or
 * cov_fuzz_stream() (parsers of an open stream). Any broken property
 * aborts, which is what both libFuzzer and the corpus replay report:
 *
 *   - a failed parse leaves one line of message;
 *   - after any parse, good or bad, no total of the model or of a file covers
 * more than it counts, and every uncovered line a file lists has a record
 * without hits;
 *   - with a path map, every path of the model went through it;
 *   - a report that parsed once parses again into the same model and
 *     covers exactly the same lines and branches (hits add up, coverage
 *     does not move).
 *
 * File inputs go to one file of a private temporary directory, made on
 * first use and removed at exit.
 */
#ifndef DA_COV_FUZZ_H
#define DA_COV_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions/coverage-gate/model.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/fs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The prefix cov_fuzz_map() puts before every path. */
#define COV_FUZZ_PREFIX "src/"

typedef int (*cov_fuzz_parse_fn)(const struct cov_parse *p, const char *path,
				 struct da_err *err);
typedef int (*cov_fuzz_stream_fn)(const struct cov_parse *p, FILE *in,
				  const char *name, struct da_err *err);

struct cov_fuzz_target {
	const char *name;	 /* "fuzz-clover": the directory's prefix */
	const char *file;	 /* the report's file name, "clover.xml" */
	cov_fuzz_parse_fn parse; /* the parser under test */
	const char *refuse;	 /* a path the map refuses; NULL: no map */
};

/* The private directory and the report file in it. */
static inline struct da_buf *cov_fuzz_dir(void)
{
	static struct da_buf dir = DA_BUF_INIT(0);

	return &dir;
}

static inline struct da_buf *cov_fuzz_path(void)
{
	static struct da_buf path = DA_BUF_INIT(0);

	return &path;
}

static inline void cov_fuzz_cleanup(void)
{
	struct da_err err = DA_ERR_INIT;

	(void)da_fs_remove_tree(da_buf_str(cov_fuzz_dir()), &err);
	da_buf_release(cov_fuzz_dir());
	da_buf_release(cov_fuzz_path());
}

/*
 * Writes the input as the target's report file (no fsync: this runs many
 * times) and returns its path. The file keeps its name between inputs.
 */
static inline const char *cov_fuzz_input(const struct cov_fuzz_target *t,
					 const uint8_t *data, size_t size)
{
	struct da_buf *path = cov_fuzz_path();
	struct da_err err = DA_ERR_INIT;
	FILE *f;

	if (!path->len) {
		if (da_fs_mkdtemp(t->name, cov_fuzz_dir(), &err) < 0 ||
		    da_fs_path_join(da_buf_str(cov_fuzz_dir()), t->file, path,
				    &err) < 0)
			abort();
		atexit(cov_fuzz_cleanup);
	}
	f = fopen(da_buf_str(path), "wb");
	if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f))
		abort();
	return da_buf_str(path);
}

/*
 * The path map of the targets that have one: every path goes under
 * COV_FUZZ_PREFIX, except the path ctx names, which is refused (so that
 * a failing map is exercised too).
 */
static inline int cov_fuzz_map(void *ctx, const char *report_path,
			       struct da_buf *out, struct da_err *err)
{
	if (!strcmp(report_path, (const char *)ctx))
		return da_err_set(err, DA_EINVAL, "no rule for '%s'",
				  report_path);
	if (da_buf_addf(out, COV_FUZZ_PREFIX "%s", report_path) < 0)
		return da_err_set(err, DA_ELIMIT, "path too long");
	return 0;
}

/* A failed parse must say why, in one line. */
static inline void cov_fuzz_check_err(int r, const struct da_err *err)
{
	if (r < 0 && (!err->msg[0] || strchr(err->msg, '\n')))
		abort();
}

/* The totals, files and uncovered lines of m hold together. */
static inline void cov_fuzz_check_model(struct cov_model *m, int mapped)
{
	uint32_t un[16];
	uint64_t hits;
	size_t i, n;
	int k;

	for (k = 0; k < COV__METRICS; k++) {
		struct cov_count c = cov_model_total(m, (enum cov_metric)k);

		if (c.covered > c.total)
			abort();
	}
	for (i = 0; i < cov_model_files(m); i++) {
		struct cov_file *f = cov_model_file(m, i);
		struct cov_count c = cov_file_total(f, COV_LINES);

		if (mapped && strncmp(cov_file_path(f), COV_FUZZ_PREFIX,
				      strlen(COV_FUZZ_PREFIX)))
			abort();
		if (!cov_file_path(f))
			abort();
		(void)cov_file_line(f, 1, &hits);
		n = cov_file_uncovered(f, un, 16);
		if (c.covered > c.total || n > c.total - c.covered)
			abort();
		if (n > 16)
			n = 16;
		while (n--)
			if (!cov_file_line(f, un[n], &hits) || hits != 0)
				abort();
	}
	for (i = 0; i < cov_model_mismatches(m); i++)
		if (!cov_model_mismatch(m, i))
			abort();
}

/* Lines and branches of the records alone (no summary fallback). */
static inline void cov_fuzz_records(struct cov_model *m, struct cov_count *l,
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

/*
 * Reads the report at path with t's parser into a new model (checked
 * whether the parse worked or not), then, when twice is set and it
 * worked, again into the same model; checks every property above.
 */
static inline void cov_fuzz_file(const struct cov_fuzz_target *t,
				 const char *path, int twice)
{
	struct da_err err = DA_ERR_INIT;
	struct cov_model *m = NULL;
	struct cov_parse p = {NULL, NULL, NULL, NULL};
	struct cov_count l1, b1, l2, b2;
	int r;

	if (cov_model_new(&m, &err) < 0)
		abort();
	p.model = m;
	if (t->refuse) {
		p.map = cov_fuzz_map;
		p.map_ctx = (void *)t->refuse;
	}
	r = t->parse(&p, path, &err);
	cov_fuzz_check_err(r, &err);
	cov_fuzz_check_model(m, t->refuse != NULL);
	if (r < 0 || !twice)
		goto out;
	cov_fuzz_records(m, &l1, &b1);
	/* A second reading adds hits but covers nothing new. */
	if (t->parse(&p, path, &err) < 0)
		abort();
	cov_fuzz_check_model(m, t->refuse != NULL);
	cov_fuzz_records(m, &l2, &b2);
	if (l2.total != l1.total || l2.covered != l1.covered ||
	    b2.total != b1.total || b2.covered != b1.covered)
		abort();
out:
	cov_model_free(m);
}

/*
 * Reads size bytes of data twice into one model with a stream parser
 * (the second time merging into the first), whatever each reading gives
 * (size 0: nothing at all), then checks the model as above.
 */
static inline void cov_fuzz_stream(cov_fuzz_stream_fn parse, const char *name,
				   const uint8_t *data, size_t size)
{
	struct da_err err = DA_ERR_INIT;
	struct cov_model *m = NULL;
	struct cov_parse p = {NULL, NULL, NULL, NULL};
	FILE *in;
	int pass;

	if (size == 0 || cov_model_new(&m, &err) < 0)
		return;
	p.model = m;
	for (pass = 0; pass < 2; pass++) {
		in = fmemopen((void *)data, size, "r");
		if (!in)
			break;
		da_err_clear(&err);
		cov_fuzz_check_err(parse(&p, in, name, &err), &err);
		fclose(in);
	}
	cov_fuzz_check_model(m, 0);
	cov_model_free(m);
}

#endif
