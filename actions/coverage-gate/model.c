/*
 * model.c: the merged coverage model (see model.h for the merging rules).
 *
 * Each file keeps one open-addressing hash table per metric, keyed by
 * (line, interned string id): lines (line, 0), branches (line, id),
 * functions (0, name), statements (0, key), instructions (line, 0). The
 * key (0, 0) marks an empty slot. Function names, branch ids and
 * statement keys are interned once per file. Files are found by path in a
 * hash table of pointers and listed in path order from a sorted array.
 *
 * Lines, the record reports carry most of, are kept apart: a file's lines
 * below a bound (dcap) sit in a dense array of 32-bit hits indexed by line
 * number, with a bit per line that has a record, so adding a line costs an
 * index and no hash (hits past 32 bits spill into the hash table). The bound
 * grows while the lines stay dense: a line is taken in when it is below twice
 * the file's line count plus DENSE_SLACK, so the array never holds more than
 * about three slots per line with a record; lines beyond it (a sparse file, a
 * stray huge line number) go to the hash table and move into the array when it
 * grows past them.
 */
#include "actions/coverage-gate/model.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"

#define TAB_MIN 16
#define DENSE_SLACK 128 /* lines any file may have dense before it has many */
#define DA_MAX_COV_LINE_BRANCHES 65536 /* cov_branch_counts() total */
#define MAX_MISMATCHES 1000	       /* mismatch lines kept per model */
#define MAX_MISMATCH_TEXT 512	       /* one mismatch line */

/* 24 bytes: the tables hold one per record of a file, so size counts. */
struct slot {
	uint32_t line;
	uint32_t sid;
	uint64_t a; /* hits, taken, count, covered instructions */
	uint64_t b; /* functions: first line; branches: 1 while never
		     * evaluated; statements: nstmt; instructions: missed */
};

struct tab {
	struct slot *s;
	size_t cap; /* power of two, or 0 */
	size_t n;
};

struct strtab {
	char **v;      /* interned strings, id = index + 1 */
	uint32_t *len; /* their lengths */
	size_t n, cap;
	uint32_t *h; /* id or 0, open addressing */
	size_t hcap;
};

struct cov_file {
	char *path;
	unsigned gen; /* report generation that last touched the file */
	struct strtab names;
	/* t[COV_LINES]: lines >= dcap, and lines < dcap whose hits spill */
	struct tab t[COV__METRICS];
	uint32_t *dhits; /* lines < dcap: hits by line number, or SPILL */
	uint64_t *dbits; /* lines < dcap: bit set = has a record */
	uint32_t dcap;	 /* a multiple of 64, or 0 */
	size_t dn;	 /* bits set in dbits */
	/* Kinds of branch ids seen: BR_NAMED (LCOV's "block,branch", ...),
	 * BR_COUNTED ("#0".."#n-1" from cov_branch_counts()). */
	unsigned char br_kinds;
};

#define BR_NAMED 1u
#define BR_COUNTED 2u

/* A dense line whose hits passed 32 bits: its count is in t[COV_LINES]. */
#define SPILL UINT32_MAX

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
		uint32_t *nl;

		if (!nv)
			return -DA_ENOMEM;
		st->v = nv;
		nl = realloc(st->len, ncap * sizeof(*nl));
		if (!nl)
			return -DA_ENOMEM;
		st->len = nl;
		st->cap = ncap;
	}
	copy = strdup(s);
	if (!copy)
		return -DA_ENOMEM;
	/* Names are at most DA_MAX_COV_NAME bytes (check_name()). */
	st->len[st->n] = (uint32_t)strlen(copy);
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
	free(f->names.len);
	free(f->names.h);
	for (i = 0; i < COV__METRICS; i++)
		free(f->t[i].s);
	free(f->dhits);
	free(f->dbits);
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

/* Moves the hits of dense line past 32 bits into the table. Not inline,
 * as line_add_slow(). */
static __attribute__((noinline)) int dense_spill(struct cov_file *f,
						 uint32_t line, uint64_t hits)
{
	struct slot *s;
	int isnew;

	if (tab_get(&f->t[COV_LINES], line, 0, &s, &isnew) < 0)
		return -DA_ENOMEM;
	if (isnew)
		s->a = f->dhits[line];
	s->a = sat_add(s->a, hits);
	f->dhits[line] = SPILL;
	return 0;
}

static int dense_add(struct cov_file *f, uint32_t line, uint64_t hits)
{
	uint64_t bit = (uint64_t)1 << (line & 63);
	uint32_t d = f->dhits[line];

	if (!(f->dbits[line >> 6] & bit)) {
		f->dbits[line >> 6] |= bit;
		f->dn++;
	}
	if (d != SPILL && hits < (uint64_t)(SPILL - d)) {
		f->dhits[line] = d + (uint32_t)hits;
		return 0;
	}
	return dense_spill(f, line, hits);
}

/* The hits of a dense line with a record. */
static uint64_t dense_hits(const struct cov_file *f, uint32_t line)
{
	const struct slot *s;

	if (f->dhits[line] != SPILL)
		return f->dhits[line];
	s = tab_find(&f->t[COV_LINES], line, 0);
	return s ? s->a : UINT64_MAX;
}

/*
 * Makes the dense array reach past line and moves the table's lines below
 * its new end into it (but for counts past 32 bits). On failure the file
 * is as it was.
 */
static int dense_grow(struct cov_file *f, uint32_t line)
{
	size_t ncap = (size_t)f->dcap + f->dcap / 4, i;
	struct tab *t = &f->t[COV_LINES], rest = {NULL, 0, 0};
	uint32_t *nh;
	uint64_t *nb;

	if (ncap < (size_t)line + 1)
		ncap = (size_t)line + 1;
	ncap = (ncap + 63) & ~(size_t)63;
	nh = realloc(f->dhits, ncap * sizeof(*nh));
	if (!nh)
		return -DA_ENOMEM;
	f->dhits = nh;
	nb = realloc(f->dbits, ncap / 64 * sizeof(*nb));
	if (!nb)
		return -DA_ENOMEM;
	f->dbits = nb;
	/* What stays in the table: spilled lines and lines past ncap. */
	for (i = 0; i < t->cap; i++) {
		struct slot *s = &t->s[i], *ns;
		int isnew;

		if (s->line == 0 ||
		    (s->line >= f->dcap && s->line < ncap && s->a < SPILL))
			continue;
		if (tab_get(&rest, s->line, 0, &ns, &isnew) < 0) {
			free(rest.s);
			return -DA_ENOMEM;
		}
		ns->a = s->a;
	}
	memset(nh + f->dcap, 0, (ncap - f->dcap) * sizeof(*nh));
	memset(nb + f->dcap / 64, 0, (ncap - f->dcap) / 64 * sizeof(*nb));
	for (i = 0; i < t->cap; i++) {
		const struct slot *s = &t->s[i];

		if (s->line == 0 || s->line < f->dcap || s->line >= ncap)
			continue;
		nb[s->line >> 6] |= (uint64_t)1 << (s->line & 63);
		nh[s->line] = s->a < SPILL ? (uint32_t)s->a : SPILL;
		f->dn++;
	}
	f->dcap = (uint32_t)ncap;
	free(t->s);
	*t = rest;
	return 0;
}

/* cov_line_add() of a line past the dense array. Not inline: its locals
 * would cost the fast path a stack-protector check. */
static __attribute__((noinline)) int line_add_slow(struct cov_file *file,
						   uint32_t line, uint64_t hits,
						   struct da_err *err)
{
	struct slot *s;
	int r, isnew;

	r = check_line(file, line, err);
	if (r < 0)
		return r;
	if (line / 2 < file->dn + file->t[COV_LINES].n + DENSE_SLACK / 2) {
		if (dense_grow(file, line) < 0 ||
		    dense_add(file, line, hits) < 0)
			return nomem(file, err);
		return 0;
	}
	if (tab_get(&file->t[COV_LINES], line, 0, &s, &isnew) < 0)
		return nomem(file, err);
	s->a = sat_add(s->a, hits);
	return 0;
}

int cov_line_add(struct cov_file *file, uint32_t line, uint64_t hits,
		 struct da_err *err)
{
	if (line < file->dcap && line != 0) {
		if (dense_add(file, line, hits) < 0)
			return nomem(file, err);
		return 0;
	}
	return line_add_slow(file, line, hits, err);
}

/* memcmp() == 0, eight bytes at a time (the C library's may go by one). */
static uint64_t word_at(const char *p)
{
	uint64_t w;

	memcpy(&w, p, 8);
	return w;
}

static int same_bytes(const char *a, const char *b, size_t n)
{
	if (n < 8) {
		for (; n; n--)
			if (*a++ != *b++)
				return 0;
		return 1;
	}
	for (; n > 8; n -= 8, a += 8, b += 8)
		if (word_at(a) != word_at(b))
			return 0;
	/* The last eight bytes, overlapping those compared already. */
	return word_at(a + n - 8) == word_at(b + n - 8);
}

/*
 * The slot hint says a record of (line, name) is in, when the hint holds:
 * the name table of file has name as the hint's id, and the slot at the
 * hint's index has the key (line, id). NULL when it does not.
 */
static struct slot *hint_slot(const struct cov_file *f, enum cov_metric metric,
			      uint32_t line, const char *name, size_t len,
			      const struct cov_hint *hint)
{
	const struct tab *t = &f->t[metric];
	struct slot *s;
	const char *v;

	if (!hint || hint->sid == 0 || hint->sid > f->names.n ||
	    hint->slot >= t->cap)
		return NULL;
	s = &t->s[hint->slot];
	if (s->sid != hint->sid || s->line != line)
		return NULL;
	v = f->names.v[hint->sid - 1];
	if (f->names.len[hint->sid - 1] != len || !same_bytes(v, name, len))
		return NULL;
	return s;
}

/* The slot of (line, name) by lookup, made on first use; the hint is set
 * to it. */
static int named_slot(struct cov_file *f, enum cov_metric metric,
		      const char *what, uint32_t line, const char *name,
		      struct cov_hint *hint, struct slot **ret_slot,
		      int *ret_new, struct da_err *err)
{
	uint32_t sid = 0;
	int r;

	r = intern(f, what, name, &sid, err);
	if (r < 0)
		return r;
	if (tab_get(&f->t[metric], line, sid, ret_slot, ret_new) < 0)
		return nomem(f, err);
	if (hint) {
		hint->sid = sid;
		hint->slot = (uint32_t)(*ret_slot - f->t[metric].s);
	}
	return 0;
}

static void branch_apply(struct slot *s, int64_t taken, int isnew)
{
	if (taken < 0) {
		if (isnew)
			s->b = 1;
		return;
	}
	s->b = 0;
	s->a = sat_add(s->a, (uint64_t)taken);
}

/* cov_branch_add_hint() without a good hint; not inline, as
 * line_add_slow(). */
static __attribute__((noinline)) int
branch_add_slow(struct cov_file *file, uint32_t line, const char *id,
		int64_t taken, struct cov_hint *hint, struct da_err *err)
{
	struct slot *s;
	int r, isnew;

	r = named_slot(file, COV_BRANCHES, "branch id", line, id, hint, &s,
		       &isnew, err);
	if (r < 0)
		return r;
	branch_apply(s, taken, isnew);
	return 0;
}

int cov_branch_add_hint(struct cov_file *file, uint32_t line, const char *id,
			size_t len, int64_t taken, struct cov_hint *hint,
			struct da_err *err)
{
	struct slot *s;

	if (line == 0 || line > DA_MAX_COV_LINE)
		return check_line(file, line, err);
	if (taken < -1)
		return da_err_set(err, DA_EINVAL,
				  "negative branch count %" PRId64
				  " on line %" PRIu32 " of '%s'",
				  taken, line, file->path);
	file->br_kinds |= len && id[0] == '#' ? BR_COUNTED : BR_NAMED;
	s = hint_slot(file, COV_BRANCHES, line, id, len, hint);
	if (!s)
		return branch_add_slow(file, line, id, taken, hint, err);
	branch_apply(s, taken, 0);
	return 0;
}

int cov_branch_add(struct cov_file *file, uint32_t line, const char *id,
		   int64_t taken, struct da_err *err)
{
	return cov_branch_add_hint(file, line, id, strlen(id), taken, NULL,
				   err);
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
		n = snprintf(id, sizeof(id), "#%" PRIu32, i);
		if (n < 0 || (size_t)n >= sizeof(id))
			return da_err_set(err, DA_EINVAL, "bad branch id");
		r = cov_branch_add(file, line, id, i < covered ? 1 : 0, err);
		if (r < 0)
			return r;
	}
	return 0;
}

static void function_apply(struct slot *s, uint32_t line, uint64_t hits)
{
	if (s->b == 0)
		s->b = line;
	s->a = sat_add(s->a, hits);
}

/* cov_function_add_hint() without a good hint; not inline, as
 * line_add_slow(). */
static __attribute__((noinline)) int
function_add_slow(struct cov_file *file, const char *name, uint32_t line,
		  uint64_t hits, struct cov_hint *hint, struct da_err *err)
{
	struct slot *s;
	int r, isnew;

	r = named_slot(file, COV_FUNCTIONS, "function name", 0, name, hint, &s,
		       &isnew, err);
	if (r < 0)
		return r;
	function_apply(s, line, hits);
	return 0;
}

int cov_function_add_hint(struct cov_file *file, const char *name, size_t len,
			  uint32_t line, uint64_t hits, struct cov_hint *hint,
			  struct da_err *err)
{
	struct slot *s;

	if (line > DA_MAX_COV_LINE)
		return check_line(file, line, err);
	s = hint_slot(file, COV_FUNCTIONS, 0, name, len, hint);
	if (!s)
		return function_add_slow(file, name, line, hits, hint, err);
	function_apply(s, line, hits);
	return 0;
}

int cov_function_add(struct cov_file *file, const char *name, uint32_t line,
		     uint64_t hits, struct da_err *err)
{
	return cov_function_add_hint(file, name, strlen(name), line, hits, NULL,
				     err);
}

static int statement_apply(struct cov_file *file, struct slot *s,
			   const char *key, uint32_t nstmt, uint64_t count,
			   int or_mode, int isnew, struct da_err *err)
{
	if (isnew)
		s->b = nstmt;
	else if (s->b != nstmt)
		return da_err_set(err, DA_EINVAL,
				  "inconsistent NumStmt for '%s' of '%s': "
				  "%" PRIu64 " and %" PRIu32,
				  key, file->path, s->b, nstmt);
	if (or_mode)
		s->a = (s->a || count) ? 1 : 0;
	else
		s->a = sat_add(s->a, count);
	return 0;
}

/* cov_statement_add_hint() without a good hint; not inline, as
 * line_add_slow(). */
static __attribute__((noinline)) int
statement_add_slow(struct cov_file *file, const char *key, uint32_t nstmt,
		   uint64_t count, int or_mode, struct cov_hint *hint,
		   struct da_err *err)
{
	struct slot *s;
	int r, isnew;

	r = named_slot(file, COV_STATEMENTS, "statement key", 0, key, hint, &s,
		       &isnew, err);
	if (r < 0)
		return r;
	return statement_apply(file, s, key, nstmt, count, or_mode, isnew, err);
}

int cov_statement_add_hint(struct cov_file *file, const char *key, size_t len,
			   uint32_t start_line, uint32_t end_line,
			   uint32_t nstmt, uint64_t count, int or_mode,
			   struct cov_hint *hint, struct da_err *err)
{
	struct slot *s;

	if (start_line == 0 || start_line > DA_MAX_COV_LINE)
		return check_line(file, start_line, err);
	if (end_line == 0 || end_line > DA_MAX_COV_LINE)
		return check_line(file, end_line, err);
	if (end_line < start_line)
		return da_err_set(err, DA_EINVAL,
				  "statement '%s' of '%s' ends on line %" PRIu32
				  " before it starts on line %" PRIu32,
				  key, file->path, end_line, start_line);
	s = hint_slot(file, COV_STATEMENTS, 0, key, len, hint);
	if (!s)
		return statement_add_slow(file, key, nstmt, count, or_mode,
					  hint, err);
	return statement_apply(file, s, key, nstmt, count, or_mode, 0, err);
}

int cov_statement_add(struct cov_file *file, const char *key,
		      uint32_t start_line, uint32_t end_line, uint32_t nstmt,
		      uint64_t count, int or_mode, struct da_err *err)
{
	return cov_statement_add_hint(file, key, strlen(key), start_line,
				      end_line, nstmt, count, or_mode, NULL,
				      err);
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

struct br_entry {
	uint32_t line;
	unsigned counted; /* 1: an id of cov_branch_counts() */
	unsigned covered;
};

static int br_cmp(const void *a, const void *b)
{
	const struct br_entry *x = a, *y = b;

	return x->line < y->line ? -1 : x->line > y->line;
}

/*
 * Branches of a file that both kinds of report describe (LCOV names its
 * branches, Cobertura, JaCoCo and Clover only count them per line): on a
 * line both describe, the two are one set of branches seen twice, so the
 * line has max(total) branches with max(covered) covered; elsewhere each
 * counts as usual. Without this, one run's LCOV and Cobertura read
 * together would count every branch twice.
 */
static struct cov_count mixed_branches(const struct cov_file *file)
{
	const struct tab *t = &file->t[COV_BRANCHES];
	struct cov_count c = {0, 0};
	struct br_entry *e;
	size_t i, n = 0, j;

	e = malloc((t->n ? t->n : 1) * sizeof(*e));
	if (!e)
		return c;
	for (i = 0; i < t->cap && n < t->n; i++) {
		const struct slot *s = &t->s[i];

		if (s->line == 0 && s->sid == 0)
			continue;
		e[n].line = s->line;
		e[n].counted = s->sid && s->sid <= file->names.n &&
			       file->names.v[s->sid - 1][0] == '#';
		e[n].covered = s->a != 0;
		n++;
	}
	qsort(e, n, sizeof(*e), br_cmp);
	for (i = 0; i < n; i = j) {
		uint64_t tot[2] = {0, 0}, cov[2] = {0, 0};

		for (j = i; j < n && e[j].line == e[i].line; j++) {
			tot[e[j].counted]++;
			cov[e[j].counted] += e[j].covered;
		}
		if (tot[0] && tot[1]) {
			c.total += tot[0] > tot[1] ? tot[0] : tot[1];
			c.covered += cov[0] > cov[1] ? cov[0] : cov[1];
		} else {
			c.total += tot[0] + tot[1];
			c.covered += cov[0] + cov[1];
		}
	}
	free(e);
	return c;
}

struct cov_count cov_file_total(const struct cov_file *file,
				enum cov_metric metric)
{
	struct cov_count c = {0, 0};
	const struct tab *t;
	size_t i;

	if (!file || (unsigned)metric >= COV__METRICS)
		return c;
	if (metric == COV_LINES) {
		for (i = 0; i < file->dcap; i += 64) {
			uint64_t bits = file->dbits[i >> 6];
			size_t j;

			if (!bits)
				continue;
			c.total += (uint64_t)__builtin_popcountll(bits);
			for (j = 0; j < 64; j++)
				c.covered +=
				    (bits >> j & 1) & (file->dhits[i + j] != 0);
		}
	}
	if (metric == COV_BRANCHES && file->br_kinds == (BR_NAMED | BR_COUNTED))
		return mixed_branches(file);
	t = &file->t[metric];
	for (i = 0; i < t->cap; i++) {
		const struct slot *s = &t->s[i];

		if (s->line == 0 && s->sid == 0)
			continue;
		/* A spilled dense line was counted above. */
		if (metric == COV_LINES && s->line < file->dcap)
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

	if (file && line != 0 && line < file->dcap) {
		int has = (file->dbits[line >> 6] >> (line & 63) & 1) != 0;

		if (ret_hits)
			*ret_hits = has ? dense_hits(file, line) : 0;
		return has;
	}
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
	size_t i, n = 0, nd;

	if (!file)
		return 0;
	t = &file->t[COV_LINES];
	all = malloc((file->dn + t->n + 1) * sizeof(*all));
	/* Out of memory reads as "none": this only feeds report text. */
	if (!all)
		return 0;
	for (i = 0; i < file->dcap; i++)
		if ((file->dbits[i >> 6] >> (i & 63) & 1) && !file->dhits[i])
			all[n++] = (uint32_t)i;
	/* Past the dense lines; a spilled dense line is covered. */
	nd = n;
	for (i = 0; i < t->cap; i++)
		if (t->s[i].line && t->s[i].line >= file->dcap &&
		    t->s[i].a == 0)
			all[n++] = t->s[i].line;
	qsort(all + nd, n - nd, sizeof(*all), cmp_u32);
	if (lines)
		memcpy(lines, all, (n < max ? n : max) * sizeof(*all));
	free(all);
	return n;
}
