/*
 * istanbul: reads Istanbul's coverage-final.json and coverage-summary.json
 * (nyc, jest, vitest, c8) into the model.
 *
 * coverage-final.json maps each file (the key, or its "path") to (fnMap
 * and branchMap may be left out, statementMap may not)
 *   statementMap {id: {start: {line, column}, end: {...}}}  and  s {id: n}
 *   fnMap {id: {name, decl: {start: {line}}, line}}          and  f {id: n}
 *   branchMap {id: {line, loc, locations: [...]}}           and  b {id: [n]}
 * Each statement is a statement record (key: its id, one statement); the
 * line view is istanbul-lib-coverage's: each statement's start line takes
 * the largest count of the statements starting there, added once per line
 * so that several reports still sum. Each function is a function record at
 * its declaration line; a name that occurs more than once in one file
 * becomes "name@line" so that the file keeps all of them. Each branch
 * location i of branch id is branch "id.i" on the branch's line.
 *
 * coverage-summary.json gives only totals: its "total" entry becomes the
 * report's summary for lines, statements, functions and branches (a "pct"
 * of "Unknown" is fine, it is not read); the per-file entries are not
 * read, as the figures could not be tied to lines. The summary parser
 * does not call cov_model_report_begin() itself: called right after the
 * coverage-final.json of the same run, its figures are checked against
 * that report's records (through cov_parse_any() a summary starts a report
 * of its own and is only a fallback).
 *
 * The whole document is loaded (up to DA_MAX_ISTANBUL_FILE); errors name
 * the report, the file entry and the id.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "actions/coverage-gate/model.h"
#include "actions/coverage-gate/parse.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/fs.h"
#include "common/json.h"

/* Largest Istanbul JSON report accepted (it is loaded whole). */
#define DA_MAX_ISTANBUL_FILE ((size_t)512 << 20)

struct line_count {
	uint32_t line;
	uint64_t count;
};

struct istanbul {
	const struct cov_parse *p;
	const char *path;  /* the report */
	const char *entry; /* the file entry being read */
	struct cov_file *file;
	struct da_buf mapped;
	struct da_buf name;
};

static int bad(const struct istanbul *st, struct da_err *err, const char *fmt,
	       ...) __attribute__((format(printf, 3, 4)));

/* "cannot read 'cov.json': file 'src/a.js': <what>" */
static int bad(const struct istanbul *st, struct da_err *err, const char *fmt,
	       ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = da_err_vset(err, DA_EINVAL, fmt, ap);
	va_end(ap);
	if (st->entry)
		da_err_prefix(err, "cannot read '%s': file '%.512s'", st->path,
			      st->entry);
	else
		da_err_prefix(err, "cannot read '%s'", st->path);
	return r;
}

static int where(const struct istanbul *st, int r, struct da_err *err)
{
	da_err_prefix(err, "cannot read '%s'", st->path);
	return r;
}

/* A count: a JSON integer that is not negative. */
static int count_of(const json_t *v, uint64_t *ret)
{
	json_int_t n;

	if (!json_is_integer(v))
		return -1;
	n = json_integer_value(v);
	if (n < 0)
		return -1;
	*ret = (uint64_t)n;
	return 0;
}

/* A line number at path under v, 1 to DA_MAX_COV_LINE. */
static int line_at(const json_t *v, const char *path, uint32_t *ret)
{
	json_t *l = da_json_get(v, path);
	json_int_t n;

	if (!json_is_integer(l))
		return -1;
	n = json_integer_value(l);
	if (n < 1 || n > (json_int_t)DA_MAX_COV_LINE)
		return -1;
	*ret = (uint32_t)n;
	return 0;
}

static const char *show(const json_t *v)
{
	return v ? da_json_type_name(v) : "missing";
}

static int by_line(const void *a, const void *b)
{
	const struct line_count *x = a, *y = b;

	return x->line < y->line ? -1 : x->line > y->line;
}

static int read_statements(struct istanbul *st, const json_t *fc,
			   struct da_err *err)
{
	json_t *map = json_object_get(fc, "statementMap");
	json_t *s = json_object_get(fc, "s");
	struct line_count *lines = NULL;
	size_t n = 0, i;
	const char *id;
	json_t *loc;
	int ret = 0;

	if (!map && !s)
		return bad(st, err,
			   "no 'statementMap'; is the report a "
			   "coverage-final.json?");
	if (!json_is_object(map) || !json_is_object(s))
		return bad(st, err,
			   "'statementMap' and 's' must be objects "
			   "(found %s and %s)",
			   show(map), show(s));
	/* Never NULL, even for an empty map, so lines[n] is always valid. */
	lines = calloc(json_object_size(map) ? json_object_size(map) : 1,
		       sizeof(*lines));
	if (!lines)
		return da_err_set(err, DA_ENOMEM,
				  "cannot read '%s': out of memory", st->path);
	json_object_foreach(map, id, loc)
	{
		uint32_t start = 0, end = 0;
		uint64_t count = 0;

		if (line_at(loc, "start.line", &start) < 0 ||
		    line_at(loc, "end.line", &end) < 0) {
			ret = bad(st, err,
				  "statement '%.64s' has no valid "
				  "'start.line' and 'end.line'",
				  id);
			goto out;
		}
		if (count_of(json_object_get(s, id), &count) < 0) {
			ret = bad(st, err,
				  "statement '%.64s' has no count in "
				  "'s' (a whole number, not negative)",
				  id);
			goto out;
		}
		ret = cov_statement_add(st->file, id, start, end, 1, count, 0,
					err);
		if (ret < 0) {
			ret = where(st, ret, err);
			goto out;
		}
		lines[n].line = start;
		lines[n].count = count;
		n++;
	}
	/* One line record per start line, with the largest count there. */
	if (n)
		qsort(lines, n, sizeof(*lines), by_line);
	for (i = 0; i < n; i++) {
		uint64_t max = lines[i].count;

		while (i + 1 < n && lines[i + 1].line == lines[i].line) {
			i++;
			if (lines[i].count > max)
				max = lines[i].count;
		}
		ret = cov_line_add(st->file, lines[i].line, max, err);
		if (ret < 0) {
			ret = where(st, ret, err);
			goto out;
		}
	}
out:
	free(lines);
	return ret;
}

static int read_functions(struct istanbul *st, const json_t *fc,
			  struct da_err *err)
{
	json_t *map = json_object_get(fc, "fnMap");
	json_t *f = json_object_get(fc, "f");
	json_t *seen = NULL, *fn;
	const char *id;
	int ret = 0;

	if (!map && !f)
		return 0;
	if (!json_is_object(map) || !json_is_object(f))
		return bad(st, err,
			   "'fnMap' and 'f' must be objects (found "
			   "%s and %s)",
			   show(map), show(f));
	/* How often each name occurs in this file. */
	seen = json_object();
	if (!seen)
		goto nomem;
	json_object_foreach(map, id, fn)
	{
		const char *name = da_json_str(fn, "name", NULL);
		json_int_t k;

		if (!name || !*name) {
			ret = bad(st, err, "function '%.64s' has no name", id);
			goto out;
		}
		k = json_integer_value(json_object_get(seen, name));
		if (json_object_set_new(seen, name, json_integer(k + 1)) < 0)
			goto nomem;
	}
	json_object_foreach(map, id, fn)
	{
		const char *name = da_json_str(fn, "name", NULL);
		uint32_t line;
		uint64_t hits;

		if (line_at(fn, "decl.start.line", &line) < 0 &&
		    line_at(fn, "loc.start.line", &line) < 0 &&
		    line_at(fn, "line", &line) < 0) {
			ret = bad(st, err,
				  "function '%.64s' has no valid "
				  "'decl.start.line'",
				  id);
			goto out;
		}
		if (count_of(json_object_get(f, id), &hits) < 0) {
			ret = bad(st, err,
				  "function '%.64s' has no count in "
				  "'f' (a whole number, not negative)",
				  id);
			goto out;
		}
		da_buf_reset(&st->name);
		if (json_integer_value(json_object_get(seen, name)) > 1)
			ret = da_buf_addf(&st->name, "%s@%" PRIu32, name, line);
		else
			ret = da_buf_adds(&st->name, name);
		if (ret < 0) {
			ret = bad(st, err,
				  "function '%.64s': name longer than "
				  "%d bytes",
				  id, DA_MAX_COV_NAME);
			goto out;
		}
		ret = cov_function_add(st->file, da_buf_str(&st->name), line,
				       hits, err);
		if (ret < 0) {
			ret = where(st, ret, err);
			goto out;
		}
	}
out:
	json_decref(seen);
	return ret;
nomem:
	ret = da_err_set(err, DA_ENOMEM, "cannot read '%s': out of memory",
			 st->path);
	goto out;
}

static int read_branches(struct istanbul *st, const json_t *fc,
			 struct da_err *err)
{
	json_t *map = json_object_get(fc, "branchMap");
	json_t *b = json_object_get(fc, "b");
	json_t *br, *counts, *v;
	const char *id;
	size_t i;
	int ret;

	if (!map && !b)
		return 0;
	if (!json_is_object(map) || !json_is_object(b))
		return bad(st, err,
			   "'branchMap' and 'b' must be objects "
			   "(found %s and %s)",
			   show(map), show(b));
	json_object_foreach(map, id, br)
	{
		uint32_t line;

		if (line_at(br, "line", &line) < 0 &&
		    line_at(br, "loc.start.line", &line) < 0 &&
		    line_at(br, "locations.0.start.line", &line) < 0)
			return bad(st, err,
				   "branch '%.64s' has no valid "
				   "'line'",
				   id);
		counts = json_object_get(b, id);
		if (!json_is_array(counts))
			return bad(st, err,
				   "branch '%.64s' has no array of "
				   "counts in 'b'",
				   id);
		json_array_foreach(counts, i, v)
		{
			uint64_t taken;

			if (count_of(v, &taken) < 0 || taken > INT64_MAX)
				return bad(st, err,
					   "branch '%.64s' count %zu "
					   "is not a whole number, not "
					   "negative",
					   id, i);
			da_buf_reset(&st->name);
			ret = da_buf_addf(&st->name, "%s.%zu", id, i);
			if (ret < 0)
				return bad(st, err,
					   "branch id '%.64s' longer "
					   "than %d bytes",
					   id, DA_MAX_COV_NAME);
			ret = cov_branch_add(st->file, line,
					     da_buf_str(&st->name),
					     (int64_t)taken, err);
			if (ret < 0)
				return where(st, ret, err);
		}
	}
	return 0;
}

static int read_file(struct istanbul *st, const char *key, const json_t *fc,
		     struct da_err *err)
{
	const char *path;
	int ret;

	st->entry = key;
	if (!json_is_object(fc))
		return bad(st, err, "the entry is %s, not an object",
			   da_json_type_name(fc));
	path = da_json_str(fc, "path", key);
	if (!*path)
		return bad(st, err, "the entry has an empty path");
	st->entry = path;
	ret = cov_map_file(st->p, path, &st->mapped, &st->file, err);
	if (ret < 0)
		return where(st, ret, err);
	ret = read_statements(st, fc, err);
	if (ret == 0)
		ret = read_functions(st, fc, err);
	if (ret == 0)
		ret = read_branches(st, fc, err);
	return ret;
}

static int load(struct istanbul *st, json_t **ret_root, struct da_err *err)
{
	json_t *root = NULL;
	int ret;

	ret = da_json_load_file(st->path, DA_MAX_ISTANBUL_FILE, 0, &root, err);
	if (ret < 0)
		return ret;
	if (!json_is_object(root)) {
		ret = bad(st, err,
			  "the top level is %s, not an object of "
			  "files",
			  da_json_type_name(root));
		json_decref(root);
		return ret;
	}
	*ret_root = root;
	return 0;
}

int cov_parse_istanbul(const struct cov_parse *p, const char *path,
		       struct da_err *err)
{
	struct istanbul st;
	json_t *root = NULL, *fc;
	const char *key;
	int ret;

	memset(&st, 0, sizeof(st));
	st.p = p;
	st.path = path;
	da_buf_init(&st.mapped, DA_MAX_FS_PATH);
	da_buf_init(&st.name, DA_MAX_COV_NAME);
	cov_model_report_begin(p->model);
	ret = load(&st, &root, err);
	if (ret < 0)
		goto out;
	json_object_foreach(root, key, fc)
	{
		ret = read_file(&st, key, fc, err);
		if (ret < 0)
			goto out;
	}
out:
	json_decref(root);
	da_buf_release(&st.mapped);
	da_buf_release(&st.name);
	return ret;
}

int cov_parse_istanbul_summary(const struct cov_parse *p, const char *path,
			       struct da_err *err)
{
	static const struct {
		const char *key;
		enum cov_metric metric;
	} metrics[] = {
	    {"lines", COV_LINES},
	    {"statements", COV_STATEMENTS},
	    {"functions", COV_FUNCTIONS},
	    {"branches", COV_BRANCHES},
	};
	struct istanbul st;
	json_t *root = NULL, *total, *m;
	size_t i;
	int ret;

	memset(&st, 0, sizeof(st));
	st.p = p;
	st.path = path;
	ret = load(&st, &root, err);
	if (ret < 0)
		return ret;
	total = json_object_get(root, "total");
	if (!json_is_object(total)) {
		ret = bad(&st, err,
			  "no 'total' object (found %s); is it a "
			  "coverage-summary.json?",
			  show(total));
		goto out;
	}
	for (i = 0; i < sizeof(metrics) / sizeof(metrics[0]); i++) {
		uint64_t covered, all;

		m = json_object_get(total, metrics[i].key);
		if (!m)
			continue;
		if (count_of(json_object_get(m, "covered"), &covered) < 0 ||
		    count_of(json_object_get(m, "total"), &all) < 0) {
			ret = bad(&st, err,
				  "'total.%s' needs 'covered' and "
				  "'total' as whole numbers, not negative",
				  metrics[i].key);
			goto out;
		}
		if (covered > all) {
			ret = bad(&st, err,
				  "'total.%s' has covered %" PRIu64
				  " over total %" PRIu64,
				  metrics[i].key, covered, all);
			goto out;
		}
		ret = cov_model_summary(p->model, metrics[i].metric, covered,
					all, path, err);
		if (ret < 0) {
			ret = where(&st, ret, err);
			goto out;
		}
	}
out:
	json_decref(root);
	return ret;
}
