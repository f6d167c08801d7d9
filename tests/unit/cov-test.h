/*
 * cov-test.h: what the coverage-gate unit tests share.
 *
 * Include after nothing but "test.h" (it is included here first). Reports
 * given as text go to a private temporary directory made by
 * cov_test_dir_make() and removed by cov_test_dir_remove(); each
 * cov_test_put() overwrites the path it returned before. Fixture tests
 * call cov_test_fixtures() first, which skips the whole file when the
 * shared fixtures are not beside the project. Models come from
 * cov_test_model() and are freed by the test with cov_model_free().
 */
#ifndef DA_COV_TEST_H
#define DA_COV_TEST_H

#include "test.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions/coverage-gate/model.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/fs.h"

/* What cov_test_hits() gives for a line without a record. */
#define COV_TEST_NO_RECORD 999999

/*
 * Two checks called name: that got covers covered of total. Through the
 * macros below, which give the caller's file and line.
 */
static inline void cov_test_is_count(struct cov_count got, uint64_t covered,
				     uint64_t total, const char *name,
				     const char *file, int line)
{
	char what[512];

	format(what, sizeof(what), "%s (covered)", name);
	if (!t_ok(got.covered == covered, file, line, what))
		printf("#   got %llu, want %llu\n",
		       (unsigned long long)got.covered,
		       (unsigned long long)covered);
	format(what, sizeof(what), "%s (total)", name);
	if (!t_ok(got.total == total, file, line, what))
		printf("#   got %llu, want %llu\n",
		       (unsigned long long)got.total,
		       (unsigned long long)total);
}

/* A file's totals of metric; 0 of 0 for no file (NULL). */
static inline struct cov_count cov_test_file_total(const struct cov_file *f,
						   enum cov_metric metric)
{
	struct cov_count none = {0, 0};

	return f ? cov_file_total(f, metric) : none;
}

/* A struct cov_count, the model's and a file's totals of a metric. */
#define is_cov(k, c, t, name)                                                  \
	cov_test_is_count((k), (c), (t), (name), __FILE__, __LINE__)
#define is_count(m, metric, c, t, name)                                        \
	is_cov(cov_model_total((m), (metric)), (c), (t), (name))
#define is_file_count(f, metric, c, t, name)                                   \
	is_cov(cov_test_file_total((f), (metric)), (c), (t), (name))

/* A parser taking a path, and one taking an open stream. */
typedef int (*cov_test_parse_fn)(const struct cov_parse *p, const char *path,
				 struct da_err *err);
typedef int (*cov_test_stream_fn)(const struct cov_parse *p, FILE *in,
				  const char *name, struct da_err *err);

/* A new empty model; skips the whole test file when none can be made. */
static inline struct cov_model *cov_test_model(void)
{
	struct cov_model *m = NULL;
	struct da_err err = DA_ERR_INIT;

	if (cov_model_new(&m, &err) < 0) {
		diag("%s", err.msg);
		skip_all("cannot make a model");
	}
	return m;
}

/* The file of m whose path is path, or NULL. */
static inline struct cov_file *cov_test_file(struct cov_model *m,
					     const char *path)
{
	size_t i;

	for (i = 0; i < cov_model_files(m); i++)
		if (!strcmp(cov_file_path(cov_model_file(m, i)), path))
			return cov_model_file(m, i);
	return NULL;
}

/* The hits of line of path, COV_TEST_NO_RECORD when it has no record. */
static inline uint64_t cov_test_hits(struct cov_model *m, const char *path,
				     uint32_t line)
{
	struct cov_file *f = cov_test_file(m, path);
	uint64_t h = COV_TEST_NO_RECORD;

	if (!f || !cov_file_line(f, line, &h))
		return COV_TEST_NO_RECORD;
	return h;
}

/* ---- reports written by the test ---- */

static inline struct da_buf *cov_test_dir(void)
{
	static struct da_buf dir = DA_BUF_INIT(0);

	return &dir;
}

/* Makes the temporary directory ("<TMPDIR>/<prefix>.XXXXXX") or skips. */
static inline void cov_test_dir_make(const char *prefix)
{
	struct da_err err = DA_ERR_INIT;

	if (da_fs_mkdtemp(prefix, cov_test_dir(), &err) < 0) {
		diag("%s", err.msg);
		skip_all("cannot make a temporary directory");
	}
}

/* Removes the temporary directory and all in it. */
static inline void cov_test_dir_remove(void)
{
	struct da_err err = DA_ERR_INIT;

	if (da_fs_remove_tree(da_buf_str(cov_test_dir()), &err) < 0)
		diag("%s", err.msg);
	da_buf_release(cov_test_dir());
}

/*
 * Writes len bytes of text to the file name of the temporary directory;
 * returns its path, valid until the next call. A failure is a failed test.
 */
static inline const char *cov_test_put(const char *name, const void *text,
				       size_t len)
{
	static struct da_buf path = DA_BUF_INIT(0);
	struct da_err err = DA_ERR_INIT;

	da_buf_reset(&path);
	if (da_fs_path_join(da_buf_str(cov_test_dir()), name, &path, &err) <
		0 ||
	    da_fs_write_atomic(da_buf_str(&path), text, len, 0644, &err) < 0) {
		diag("%s", err.msg);
		ok(0, "write a test report");
	}
	return da_buf_str(&path);
}

/* cov_test_put() of a string. */
static inline const char *cov_test_puts(const char *name, const char *text)
{
	return cov_test_put(name, text, strlen(text));
}

/*
 * Writes text as the report name and reads it with parse into p->model;
 * err is cleared first. Returns what parse returned.
 */
static inline int cov_test_parse(cov_test_parse_fn parse,
				 const struct cov_parse *p, const char *name,
				 const char *text, struct da_err *err)
{
	da_err_clear(err);
	return parse(p, cov_test_puts(name, text), err);
}

/*
 * Reads len bytes of text with a stream parser into *m (made when NULL),
 * the report called name; err is cleared first. -99 when no model could
 * be made, -98 when the text cannot be opened as a stream.
 */
static inline int cov_test_stream(cov_test_stream_fn parse,
				  struct cov_model **m, const char *name,
				  const char *text, size_t len,
				  struct da_err *err)
{
	struct cov_parse p = {NULL, NULL, NULL, NULL};
	FILE *in;
	int r;

	da_err_clear(err);
	if (!*m && cov_model_new(m, err) < 0)
		return -99;
	p.model = *m;
	in = fmemopen((void *)text, len, "r");
	if (!in)
		return -98;
	r = parse(&p, in, name, err);
	fclose(in);
	return r;
}

/* ---- the real reports beside the project ---- */

static inline struct da_buf *cov_test_fixtures_dir(void)
{
	static struct da_buf dir = DA_BUF_INIT(0);

	return &dir;
}

/*
 * Finds the fixtures at "$DA_TOP/../shared/fixtures" (DA_TOP unset: ".")
 * and skips the whole test file when they are not there. Call it before
 * any check.
 */
static inline void cov_test_fixtures(void)
{
	struct da_buf *dir = cov_test_fixtures_dir();
	const char *top = getenv("DA_TOP");
	struct da_err err = DA_ERR_INIT;

	da_buf_reset(dir);
	if (da_buf_addf(dir, "%s/../shared/fixtures", top && *top ? top : ".") <
	    0)
		skip_all("fixture path too long");
	if (da_fs_exists(da_buf_str(dir), &err) != 1)
		skip_all("no ../shared/fixtures beside the project");
}

/*
 * The path of fixture name of kind (its directory under coverage/),
 * valid until the next call; "" (and a failed test) when it is too long.
 */
static inline const char *cov_test_fixture(const char *kind, const char *name)
{
	static struct da_buf path = DA_BUF_INIT(0);

	da_buf_reset(&path);
	if (da_buf_addf(&path, "%s/coverage/%s/%s",
			da_buf_str(cov_test_fixtures_dir()), kind, name) < 0) {
		ok(0, "fixture path fits");
		return "";
	}
	return da_buf_str(&path);
}

/* Releases what cov_test_fixtures() and cov_test_fixture() hold. */
static inline void cov_test_fixtures_done(void)
{
	da_buf_release(cov_test_fixtures_dir());
}

/*
 * A new model holding the report at path read with parse; one check
 * (called name) that it parsed, with the message as diagnostics.
 */
static inline struct cov_model *
cov_test_load(cov_test_parse_fn parse, const char *path, const char *name)
{
	struct cov_model *m = cov_test_model();
	struct cov_parse p = {NULL, NULL, NULL, NULL};
	struct da_err err = DA_ERR_INIT;

	p.model = m;
	is_int(parse(&p, path, &err), 0, name);
	if (err.e)
		diag("%s", err.msg);
	return m;
}

#endif
