/*
 * model.c: the merged coverage model (see model.h for the merging rules).
 *
 * Each file keeps one open-addressing hash table per metric, keyed by
 * (line, interned string id): lines (line, 0), branches (line, id),
 * functions (0, name), statements (0, key), instructions (line, 0). The
 * key (0, 0) marks an empty slot. Function names, branch ids and
 * statement keys are interned once per file. Files are found by path in a
 * hash table of pointers and listed in path order from a sorted array.
 */
#include "actions/coverage-gate/model.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"

#define TAB_MIN 16
#define DA_MAX_COV_LINE_BRANCHES 65536 /* cov_branch_counts() total */
#define MAX_MISMATCHES 1000	       /* mismatch lines kept per model */
#define MAX_MISMATCH_TEXT 512	       /* one mismatch line */

struct slot {
	uint32_t line;
	uint32_t sid;
	uint64_t a; /* hits, taken, count, covered instructions */
	uint64_t b; /* statements: nstmt; instructions: missed */
	uint32_t c; /* functions, statements: first line; branches: never */
	uint32_t d; /* statements: end line */
};

struct tab {
	struct slot *s;
	size_t cap; /* power of two, or 0 */
	size_t n;
};

struct strtab {
	char **v; /* interned strings, id = index + 1 */
	size_t n, cap;
	uint32_t *h; /* id or 0, open addressing */
	size_t hcap;
};

struct cov_file {
	char *path;
	unsigned gen; /* report generation that last touched the file */
	struct strtab names;
	struct tab t[COV__METRICS];
};

struct summary {
	uint64_t covered, total;
	int seen;
};

struct cov_model {
	struct cov_file **files; /* in insertion order until sorted */
	size_t n, cap;
	int sorted;
	struct cov_file **fh; /* by path */
	size_t fhcap;
	unsigned gen;
	const char *go_mode; /* "set", "count", "atomic" or NULL */
	struct summary sum[COV__METRICS];
	char **mm;
	size_t nmm, capmm;
};

static const char *const metric_names[COV__METRICS] = {
    "lines", "branches", "functions", "statements", "instructions",
};

const char *cov_metric_name(enum cov_metric metric)
{
	if ((unsigned)metric >= COV__METRICS)
		return "unknown";
	return metric_names[metric];
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	uint64_t r = a + b;

	return r < a ? UINT64_MAX : r;
}

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 1099511628211ull;
	}
	return h ^ (h >> 29);
}

static uint64_t hash_key(uint32_t line, uint32_t sid)
{
	uint64_t h = ((uint64_t)line << 32 | sid) * 0x9e3779b97f4a7c15ull;

	return h ^ (h >> 31);
}

/* ---- tables keyed by (line, sid) ---- */

static struct slot *tab_find(const struct tab *t, uint32_t line, uint32_t sid)
{
	size_t i, mask;

	if (t->cap == 0)
		return NULL;
	mask = t->cap - 1;
	for (i = hash_key(line, sid) & mask;; i = (i + 1) & mask) {
		struct slot *s = &t->s[i];

		if (s->line == 0 && s->sid == 0)
			return NULL;
		if (s->line == line && s->sid == sid)
			return s;
	}
}

static int tab_grow(struct tab *t)
{
	size_t ncap = t->cap ? t->cap * 2 : TAB_MIN, i, j, mask = ncap - 1;
	struct slot *ns;

	if (ncap > SIZE_MAX / sizeof(*ns))
		return -DA_ENOMEM;
	ns = calloc(ncap, sizeof(*ns));
	if (!ns)
		return -DA_ENOMEM;
	for (i = 0; i < t->cap; i++) {
		struct slot *s = &t->s[i];

		if (s->line == 0 && s->sid == 0)
			continue;
		for (j = hash_key(s->line, s->sid) & mask;
		     ns[j].line || ns[j].sid; j = (j + 1) & mask)
			;
		ns[j] = *s;
	}
	free(t->s);
	t->s = ns;
	t->cap = ncap;
	return 0;
}

/* Finds or makes the slot of key; *ret_new says which. */
static int tab_get(struct tab *t, uint32_t line, uint32_t sid,
		   struct slot **ret_slot, int *ret_new)
{
	struct slot *s = tab_find(t, line, sid);
	size_t i, mask;

	if (s) {
		*ret_slot = s;
		*ret_new = 0;
		return 0;
	}
	if ((t->n + 1) * 10 > t->cap * 7) {
		int r = tab_grow(t);

		if (r < 0)
			return r;
	}
	mask = t->cap - 1;
	for (i = hash_key(line, sid) & mask; t->s[i].line || t->s[i].sid;
	     i = (i + 1) & mask)
		;
	s = &t->s[i];
	memset(s, 0, sizeof(*s));
	s->line = line;
	s->sid = sid;
	t->n++;
	*ret_slot = s;
	*ret_new = 1;
	return 0;
}

/* ---- interned strings ---- */

static uint32_t str_find(const struct strtab *st, const char *s)
{
	size_t i, mask;

	if (st->hcap == 0)
		return 0;
	mask = st->hcap - 1;
	for (i = hash_str(s) & mask; st->h[i]; i = (i + 1) & mask)
		if (strcmp(st->v[st->h[i] - 1], s) == 0)
			return st->h[i];
	return 0;
}

static int str_rehash(struct strtab *st)
{
	size_t ncap = st->hcap ? st->hcap * 2 : TAB_MIN, i, j, mask = ncap - 1;
	uint32_t *nh = calloc(ncap, sizeof(*nh));

	if (!nh)
		return -DA_ENOMEM;
	for (i = 0; i < st->n; i++) {
		for (j = hash_str(st->v[i]) & mask; nh[j]; j = (j + 1) & mask)
			;
		nh[j] = (uint32_t)(i + 1);
	}
	free(st->h);
	st->h = nh;
	st->hcap = ncap;
	return 0;
}

static int str_intern(struct strtab *st, const char *s, uint32_t *ret_id)
{
	uint32_t id = str_find(st, s);
	size_t i, mask;
	char *copy;
	int r;

	if (id) {
		*ret_id = id;
		return 0;
	}
	if (st->n >= UINT32_MAX - 1)
		return -DA_ELIMIT;
	if ((st->n + 1) * 10 > st->hcap * 7) {
		r = str_rehash(st);
		if (r < 0)
			return r;
	}
	if (st->n == st->cap) {
		size_t ncap = st->cap ? st->cap * 2 : TAB_MIN;
		char **nv = realloc(st->v, ncap * sizeof(*nv));

		if (!nv)
			return -DA_ENOMEM;
		st->v = nv;
		st->cap = ncap;
	}
	copy = strdup(s);
	if (!copy)
		return -DA_ENOMEM;
	st->v[st->n++] = copy;
	mask = st->hcap - 1;
	for (i = hash_str(s) & mask; st->h[i]; i = (i + 1) & mask)
		;
	st->h[i] = (uint32_t)st->n;
	*ret_id = (uint32_t)st->n;
	return 0;
}

/* ---- model and files ---- */

int cov_model_new(struct cov_model **ret_model, struct da_err *err)
{
	struct cov_model *m = calloc(1, sizeof(*m));

	if (!m)
		return da_err_set(
		    err, DA_ENOMEM,
		    "cannot make a coverage model: out of memory");
	*ret_model = m;
	return 0;
}

static void file_free(struct cov_file *f)
{
	size_t i;

	if (!f)
		return;
	for (i = 0; i < f->names.n; i++)
		free(f->names.v[i]);
	free(f->names.v);
	free(f->names.h);
	for (i = 0; i < COV__METRICS; i++)
		free(f->t[i].s);
	free(f->path);
	free(f);
}

void cov_model_free(struct cov_model *model)
{
	size_t i;

	if (!model)
		return;
	for (i = 0; i < model->n; i++)
		file_free(model->files[i]);
	free(model->files);
	free(model->fh);
	for (i = 0; i < model->nmm; i++)
		free(model->mm[i]);
	free(model->mm);
	free(model);
}

static int files_rehash(struct cov_model *m)
{
	size_t ncap = m->fhcap ? m->fhcap * 2 : TAB_MIN, i, j, mask = ncap - 1;
	struct cov_file **nh = calloc(ncap, sizeof(struct cov_file *));

	if (!nh)
		return -DA_ENOMEM;
	for (i = 0; i < m->n; i++) {
		for (j = hash_str(m->files[i]->path) & mask; nh[j];
		     j = (j + 1) & mask)
			;
		nh[j] = m->files[i];
	}
	free(m->fh);
	m->fh = nh;
	m->fhcap = ncap;
	return 0;
}

int cov_file_get(struct cov_model *model, const char *path,
		 struct cov_file **ret_file, struct da_err *err)
{
	struct cov_file *f;
	size_t i, mask;

	if (model->fhcap) {
		mask = model->fhcap - 1;
		for (i = hash_str(path) & mask; model->fh[i];
		     i = (i + 1) & mask) {
			if (strcmp(model->fh[i]->path, path) == 0) {
				model->fh[i]->gen = model->gen;
				*ret_file = model->fh[i];
				return 0;
			}
		}
	}
	if (model->n >= DA_MAX_COV_FILES)
		return da_err_set(err, DA_ELIMIT,
				  "cannot add '%s': more than %d files in "
				  "the coverage reports",
				  path, DA_MAX_COV_FILES);
	if ((model->n + 1) * 10 > model->fhcap * 7 && files_rehash(model) < 0)
		goto nomem;
	if (model->n == model->cap) {
		size_t ncap = model->cap ? model->cap * 2 : TAB_MIN;
		struct cov_file **nf =
		    realloc(model->files, ncap * sizeof(struct cov_file *));

		if (!nf)
			goto nomem;
		model->files = nf;
		model->cap = ncap;
	}
	f = calloc(1, sizeof(*f));
	if (!f)
		goto nomem;
	f->path = strdup(path);
	if (!f->path) {
		free(f);
		goto nomem;
	}
	f->gen = model->gen;
	model->files[model->n++] = f;
	model->sorted = 0;
	mask = model->fhcap - 1;
	for (i = hash_str(path) & mask; model->fh[i]; i = (i + 1) & mask)
		;
	model->fh[i] = f;
	*ret_file = f;
	return 0;
nomem:
	return da_err_set(err, DA_ENOMEM, "cannot add '%s': out of memory",
			  path);
}

void cov_model_report_begin(struct cov_model *model)
{
	model->gen++;
}

static int check_line(const struct cov_file *f, uint32_t line,
		      struct da_err *err)
{
	if (line == 0 || line > DA_MAX_COV_LINE)
		return da_err_set(err, DA_EINVAL,
				  "line %" PRIu32 " of '%s' is out of range "
				  "(1 to %u)",
				  line, f->path, DA_MAX_COV_LINE);
	return 0;
}

static int check_name(const struct cov_file *f, const char *what,
		      const char *name, struct da_err *err)
{
	size_t n = strnlen(name, DA_MAX_COV_NAME + 1);

	if (n == 0)
		return da_err_set(err, DA_EINVAL, "empty %s in '%s'", what,
				  f->path);
	if (n > DA_MAX_COV_NAME)
		return da_err_set(err, DA_ELIMIT,
				  "%s longer than %d bytes in '%s'", what,
				  DA_MAX_COV_NAME, f->path);
	return 0;
}

static int nomem(const struct cov_file *f, struct da_err *err)
{
	return da_err_set(err, DA_ENOMEM,
			  "cannot record coverage of '%s': out of memory",
			  f->path);
}

static int intern(struct cov_file *f, const char *what, const char *name,
		  uint32_t *ret_id, struct da_err *err)
{
	int r = check_name(f, what, name, err);

	if (r < 0)
		return r;
	r = str_intern(&f->names, name, ret_id);
	if (r == -DA_ELIMIT)
		return da_err_set(err, DA_ELIMIT, "too many names in '%s'",
				  f->path);
	if (r < 0)
		return nomem(f, err);
	return 0;
}

int cov_line_add(struct cov_file *file, uint32_t line, uint64_t hits,
		 struct da_err *err)
{
	struct slot *s;
	int r, isnew;

	r = check_line(file, line, err);
	if (r < 0)
		return r;
	if (tab_get(&file->t[COV_LINES], line, 0, &s, &isnew) < 0)
		return nomem(file, err);
	s->a = sat_add(s->a, hits);
	return 0;
}

int cov_branch_add(struct cov_file *file, uint32_t line, const char *id,
		   int64_t taken, struct da_err *err)
{
	struct slot *s;
	uint32_t sid = 0;
	int r, isnew;

	r = check_line(file, line, err);
	if (r < 0)
		return r;
	if (taken < -1)
		return da_err_set(err, DA_EINVAL,
				  "negative branch count %" PRId64
				  " on line %" PRIu32 " of '%s'",
				  taken, line, file->path);
	r = intern(file, "branch id", id, &sid, err);
	if (r < 0)
		return r;
	if (tab_get(&file->t[COV_BRANCHES], line, sid, &s, &isnew) < 0)
		return nomem(file, err);
	if (taken < 0) {
		if (isnew)
			s->c = 1;
		return 0;
	}
	s->c = 0;
	s->a = sat_add(s->a, (uint64_t)taken);
	return 0;
}

int cov_branch_counts(struct cov_file *file, uint32_t line, uint32_t covered,
		      uint32_t total, struct da_err *err)
{
	char id[16];
	uint32_t i;
	int r, n;

	if (covered > total)
		return da_err_set(err, DA_EINVAL,
				  "%" PRIu32 " of %" PRIu32
				  " branches covered on line %" PRIu32
				  " of '%s'",
				  covered, total, line, file->path);
	if (total > DA_MAX_COV_LINE_BRANCHES)
		return da_err_set(err, DA_ELIMIT,
				  "%" PRIu32 " branches on line %" PRIu32
				  " of '%s', more than %d",
				  total, line, file->path,
				  DA_MAX_COV_LINE_BRANCHES);
	r = check_line(file, line, err);
	if (r < 0)
		return r;
	for (i = 0; i < total; i++) {
		n = snprintf(id, sizeof(id), "%" PRIu32, i);
		if (n < 0 || (size_t)n >= sizeof(id))
			return da_err_set(err, DA_EINVAL, "bad branch id");
		r = cov_branch_add(file, line, id, i < covered ? 1 : 0, err);
		if (r < 0)
			return r;
	}
	return 0;
}

int cov_function_add(struct cov_file *file, const char *name, uint32_t line,
		     uint64_t hits, struct da_err *err)
{
	struct slot *s;
	uint32_t sid = 0;
	int r, isnew;

	if (line > DA_MAX_COV_LINE)
		return check_line(file, line, err);
	r = intern(file, "function name", name, &sid, err);
	if (r < 0)
		return r;
	if (tab_get(&file->t[COV_FUNCTIONS], 0, sid, &s, &isnew) < 0)
		return nomem(file, err);
	if (s->c == 0)
		s->c = line;
	s->a = sat_add(s->a, hits);
	return 0;
}

int cov_statement_add(struct cov_file *file, const char *key,
		      uint32_t start_line, uint32_t end_line, uint32_t nstmt,
		      uint64_t count, int or_mode, struct da_err *err)
{
	struct slot *s;
	uint32_t sid = 0;
	int r, isnew;

	r = check_line(file, start_line, err);
	if (r < 0)
		return r;
	r = check_line(file, end_line, err);
	if (r < 0)
		return r;
	if (end_line < start_line)
		return da_err_set(err, DA_EINVAL,
				  "statement '%s' of '%s' ends on line %" PRIu32
				  " before it starts on line %" PRIu32,
				  key, file->path, end_line, start_line);
	r = intern(file, "statement key", key, &sid, err);
	if (r < 0)
		return r;
	if (tab_get(&file->t[COV_STATEMENTS], 0, sid, &s, &isnew) < 0)
		return nomem(file, err);
	if (isnew) {
		s->b = nstmt;
		s->c = start_line;
		s->d = end_line;
	} else if (s->b != nstmt) {
		return da_err_set(err, DA_EINVAL,
				  "inconsistent NumStmt for '%s' of '%s': "
				  "%" PRIu64 " and %" PRIu32,
				  key, file->path, s->b, nstmt);
	}
	if (or_mode)
		s->a = (s->a || count) ? 1 : 0;
	else
		s->a = sat_add(s->a, count);
	return 0;
}

int cov_instructions_add(struct cov_file *file, uint32_t line, uint64_t covered,
			 uint64_t missed, struct da_err *err)
{
	struct slot *s;
	int r, isnew;

	r = check_line(file, line, err);
	if (r < 0)
		return r;
	if (tab_get(&file->t[COV_INSTRUCTIONS], line, 0, &s, &isnew) < 0)
		return nomem(file, err);
	if (isnew || covered > s->a) {
		s->a = covered;
		s->b = missed;
	}
	return 0;
}

/* ---- totals ---- */

struct cov_count cov_file_total(const struct cov_file *file,
				enum cov_metric metric)
{
	struct cov_count c = {0, 0};
	const struct tab *t;
	size_t i;

	if (!file || (unsigned)metric >= COV__METRICS)
		return c;
	t = &file->t[metric];
	for (i = 0; i < t->cap; i++) {
		const struct slot *s = &t->s[i];

		if (s->line == 0 && s->sid == 0)
			continue;
		switch (metric) {
		case COV_STATEMENTS:
			c.total = sat_add(c.total, s->b);
			if (s->a)
				c.covered = sat_add(c.covered, s->b);
			break;
		case COV_INSTRUCTIONS:
			c.total = sat_add(c.total, sat_add(s->a, s->b));
			c.covered = sat_add(c.covered, s->a);
			break;
		default:
			c.total++;
			if (s->a)
				c.covered++;
			break;
		}
	}
	return c;
}

static struct cov_count records_total(const struct cov_model *model,
				      enum cov_metric metric, int gen_only)
{
	struct cov_count c = {0, 0}, f;
	size_t i;

	for (i = 0; i < model->n; i++) {
		if (gen_only && model->files[i]->gen != model->gen)
			continue;
		f = cov_file_total(model->files[i], metric);
		c.covered = sat_add(c.covered, f.covered);
		c.total = sat_add(c.total, f.total);
	}
	return c;
}

struct cov_count cov_model_total(const struct cov_model *model,
				 enum cov_metric metric)
{
	struct cov_count c = {0, 0};

	if (!model || (unsigned)metric >= COV__METRICS)
		return c;
	c = records_total(model, metric, 0);
	if (c.total == 0 && model->sum[metric].seen) {
		c.covered = model->sum[metric].covered;
		c.total = model->sum[metric].total;
	}
	return c;
}

static int mismatch_add(struct cov_model *m, const char *text)
{
	char *copy;

	if (m->nmm >= MAX_MISMATCHES)
		return 0;
	if (m->nmm == m->capmm) {
		size_t ncap = m->capmm ? m->capmm * 2 : 8;
		char **nv = realloc(m->mm, ncap * sizeof(*nv));

		if (!nv)
			return -DA_ENOMEM;
		m->mm = nv;
		m->capmm = ncap;
	}
	copy = strdup(text);
	if (!copy)
		return -DA_ENOMEM;
	m->mm[m->nmm++] = copy;
	return 0;
}

int cov_model_summary(struct cov_model *model, enum cov_metric metric,
		      uint64_t covered, uint64_t total, const char *source,
		      struct da_err *err)
{
	struct summary *sm;
	struct cov_count rec;
	char text[MAX_MISMATCH_TEXT];
	int n;

	if ((unsigned)metric >= COV__METRICS)
		return da_err_set(err, DA_EINVAL, "unknown coverage metric");
	if (covered > total)
		return da_err_set(err, DA_EINVAL,
				  "report '%s': summary says %s %" PRIu64
				  "/%" PRIu64 ", more covered than total",
				  source, metric_names[metric], covered, total);
	sm = &model->sum[metric];
	sm->covered = sat_add(sm->covered, covered);
	sm->total = sat_add(sm->total, total);
	sm->seen = 1;
	rec = records_total(model, metric, 1);
	if (rec.total == 0 || (rec.covered == covered && rec.total == total))
		return 0;
	n = snprintf(text, sizeof(text),
		     "report '%s': summary says %s %" PRIu64 "/%" PRIu64
		     ", its records %" PRIu64 "/%" PRIu64,
		     source, metric_names[metric], covered, total, rec.covered,
		     rec.total);
	if (n < 0)
		return da_err_set(err, DA_EINVAL, "cannot format a mismatch");
	/* A cut source name still leaves a readable warning. */
	if ((size_t)n >= sizeof(text))
		text[sizeof(text) - 1] = '\0';
	if (mismatch_add(model, text) < 0)
		return da_err_set(err, DA_ENOMEM,
				  "cannot record a mismatch: out of memory");
	return 0;
}

size_t cov_model_mismatches(const struct cov_model *model)
{
	return model ? model->nmm : 0;
}

const char *cov_model_mismatch(const struct cov_model *model, size_t i)
{
	if (!model || i >= model->nmm)
		return NULL;
	return model->mm[i];
}

int cov_model_go_mode(struct cov_model *model, const char *mode,
		      struct da_err *err)
{
	static const char *const modes[] = {"set", "count", "atomic"};
	const char *known = NULL;
	size_t i;

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (strcmp(mode, modes[i]) == 0)
			known = modes[i];
	if (!known)
		return da_err_set(err, DA_EINVAL,
				  "unknown Go coverage mode '%.40s' (set, "
				  "count or atomic)",
				  mode);
	if (model->go_mode &&
	    (strcmp(model->go_mode, "set") == 0) != (known == modes[0]))
		return da_err_set(err, DA_EINVAL,
				  "Go coverage mode '%s' mixed with '%s' of "
				  "an earlier report; use one mode",
				  known, model->go_mode);
	if (!model->go_mode)
		model->go_mode = known;
	return 0;
}

/* ---- iteration ---- */

static int cmp_file(const void *a, const void *b)
{
	const struct cov_file *fa = *(struct cov_file *const *)a;
	const struct cov_file *fb = *(struct cov_file *const *)b;

	return strcmp(fa->path, fb->path);
}

size_t cov_model_files(struct cov_model *model)
{
	if (!model)
		return 0;
	if (!model->sorted) {
		if (model->n > 1)
			qsort(model->files, model->n, sizeof(struct cov_file *),
			      cmp_file);
		model->sorted = 1;
	}
	return model->n;
}

struct cov_file *cov_model_file(struct cov_model *model, size_t i)
{
	if (i >= cov_model_files(model))
		return NULL;
	return model->files[i];
}

const char *cov_file_path(const struct cov_file *file)
{
	return file ? file->path : NULL;
}

int cov_file_line(const struct cov_file *file, uint32_t line,
		  uint64_t *ret_hits)
{
	const struct slot *s = NULL;

	if (file && line != 0)
		s = tab_find(&file->t[COV_LINES], line, 0);
	if (ret_hits)
		*ret_hits = s ? s->a : 0;
	return s != NULL;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

size_t cov_file_uncovered(const struct cov_file *file, uint32_t *lines,
			  size_t max)
{
	const struct tab *t;
	uint32_t *all;
	size_t i, n = 0;

	if (!file)
		return 0;
	t = &file->t[COV_LINES];
	all = malloc((t->n ? t->n : 1) * sizeof(*all));
	/* Out of memory reads as "none": this only feeds report text. */
	if (!all)
		return 0;
	for (i = 0; i < t->cap; i++)
		if (t->s[i].line && t->s[i].a == 0)
			all[n++] = t->s[i].line;
	qsort(all, n, sizeof(*all), cmp_u32);
	if (lines)
		memcpy(lines, all, (n < max ? n : max) * sizeof(*all));
	free(all);
	return n;
}
