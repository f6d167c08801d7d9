/*
 * paths: a report's file names to repository paths (see paths.h).
 *
 * Everything a mapping needs is read once by cov_paths_new(): the
 * workspace (and its symlink-resolved form), the rules, the repository's
 * file list from git and the Go module paths. The file list is the
 * output of git ls-files -z kept as one block; a hash set of pointers
 * into it answers "is this a repository file", and a second table,
 * built the first time a name needs it, maps every tail of every path
 * that starts after a '/' to its file (or to "more than one"), so that
 * step 7 is one lookup too. Module paths are a table as well: the
 * longest module prefix of a name is found by looking up the name cut at
 * each of its '/', never by walking every module.
 *
 * Mapped names are cached per raw name; the cache is dropped whenever
 * the roots of the current report change, since a relative name maps
 * differently under other roots. The names that match nothing are kept
 * in their own set, so they are counted once however many raw names
 * lead to them and whatever the cache forgets.
 *
 * Names are normalised by our own code rather than
 * da_glob_path_normalize(): that one turns every '\' into '/' and keeps
 * "..", while here a backslash is a separator only in Windows names and
 * ".." must go.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "actions/coverage-gate/paths.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/fs.h"
#include "common/proc.h"

/* Bytes of git ls-files output read, and files taken from it. */
#define DA_MAX_PATHS_LS ((size_t)256 << 20)
#define DA_MAX_PATHS_FILES 10000000u
/* A name, a root, a rule or the workspace. */
#define DA_MAX_PATHS_NAME ((size_t)64 << 10)
/* Roots one report may name. */
#define DA_MAX_PATHS_ROOTS 1000
/* go.mod files read, and the size of one. */
#define DA_MAX_PATHS_GOMODS 10000u
#define DA_MAX_PATHS_GOMOD_FILE ((size_t)1 << 20)
/* Raw names whose mapping is remembered; later ones are mapped anew. */
#define DA_MAX_PATHS_CACHE 4000000u
/* Distinct unmatched names listed, and told apart (past it, counted). */
#define DA_MAX_PATHS_UNMATCHED_KEPT 100000u
#define DA_MAX_PATHS_UNMATCHED_SET 4000000u
/* Bytes of one block of the string store. */
#define ARENA_BLOCK ((size_t)64 << 10)

/* ---- strings that live as long as their store ---- */

struct arena_block {
	struct arena_block *next;
	size_t used, cap;
	char data[];
};

struct arena {
	struct arena_block *head;
};

static char *arena_dup(struct arena *a, const char *s, size_t n)
{
	struct arena_block *b = a->head;
	char *p;

	if (!b || b->cap - b->used < n + 1) {
		size_t cap = n + 1 > ARENA_BLOCK ? n + 1 : ARENA_BLOCK;

		b = malloc(sizeof(*b) + cap);
		if (!b)
			return NULL;
		b->used = 0;
		b->cap = cap;
		b->next = a->head;
		a->head = b;
	}
	p = b->data + b->used;
	memcpy(p, s, n);
	p[n] = '\0';
	b->used += n + 1;
	return p;
}

static void arena_free(struct arena *a)
{
	while (a->head) {
		struct arena_block *next = a->head->next;

		free(a->head);
		a->head = next;
	}
}

/* ---- hash tables of NUL-terminated keys that someone else owns ---- */

struct entry {
	const char *key; /* NULL: a free slot */
	const char *val;
	uint64_t h;
};

struct table {
	struct entry *e;
	size_t n, cap; /* cap is 0 or a power of two */
};

/*
 * FNV-1a over the bytes from the last to the first, then mixed. Going
 * backwards lets the suffix index hash every tail of a path in one pass.
 */
#define HASH_SEED 14695981039346656037ULL
#define HASH_PRIME 1099511628211ULL

static uint64_t hash_mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

static uint64_t hash_mem(const char *s, size_t n)
{
	uint64_t h = HASH_SEED;

	while (n > 0)
		h = (h ^ (unsigned char)s[--n]) * HASH_PRIME;
	return hash_mix(h);
}

/* The entry whose key is the n bytes at key, or NULL. */
static struct entry *table_find(const struct table *t, const char *key,
				size_t n, uint64_t h)
{
	size_t i, mask = t->cap - 1;

	if (!t->cap)
		return NULL;
	for (i = h & mask; t->e[i].key; i = (i + 1) & mask)
		if (t->e[i].h == h && !strncmp(t->e[i].key, key, n) &&
		    t->e[i].key[n] == '\0')
			return &t->e[i];
	return NULL;
}

/* Makes room for at least n entries in all (load under 70%). */
static int table_reserve(struct table *t, size_t n)
{
	size_t cap = t->cap ? t->cap : 64, i, j;
	struct entry *e;

	while (n * 10 > cap * 7)
		cap *= 2;
	if (cap == t->cap)
		return 0;
	e = calloc(cap, sizeof(*e));
	if (!e)
		return -DA_ENOMEM;
	for (i = 0; i < t->cap; i++) {
		if (!t->e[i].key)
			continue;
		for (j = t->e[i].h & (cap - 1); e[j].key;
		     j = (j + 1) & (cap - 1))
			;
		e[j] = t->e[i];
	}
	free(t->e);
	t->e = e;
	t->cap = cap;
	return 0;
}

/* Adds key (not in the table yet: the caller looked) with val. */
static int table_put(struct table *t, const char *key, uint64_t h,
		     const char *val)
{
	size_t i;

	if (table_reserve(t, t->n + 1) < 0)
		return -DA_ENOMEM;
	for (i = h & (t->cap - 1); t->e[i].key; i = (i + 1) & (t->cap - 1))
		;
	t->e[i].key = key;
	t->e[i].val = val;
	t->e[i].h = h;
	t->n++;
	return 0;
}

static void table_free(struct table *t)
{
	free(t->e);
	t->e = NULL;
	t->n = t->cap = 0;
}

/* ---- the mapper ---- */

struct rule {
	char *from, *to;
};

struct list {
	char **v;
	size_t n;
};

struct cov_paths {
	char *ws;      /* the workspace: absolute, normalised */
	char *ws_real; /* its symlink-resolved form when that differs */
	struct rule *rules;
	size_t nrules;
	struct list strip, roots, report_roots;
	int have_files;
	char why[256]; /* why there is no file list, or "" */
	char *ls;      /* git ls-files -z output; the file keys point into it */
	size_t ls_len;
	struct table files;
	struct table suffix; /* tail after a '/' -> file, or ambiguous */
	int suffix_built;
	struct table mods; /* Go module path -> its directory ("" root) */
	struct arena mem;  /* module paths, unmatched names */
	struct table cache;
	struct arena cache_mem;
	const char *last_raw, *last_mapped;
	struct table unmatched_set;
	const char **unmatched;
	size_t nunmatched, nkept, cap_kept;
	struct da_buf a, b, c, d; /* scratch for one mapping */
	struct da_buf res;	  /* its result */
};

/* The suffix index's value for a tail that ends more than one file. */
static const char ambiguous[] = "";

static int is_drive(const char *s)
{
	return isalpha((unsigned char)s[0]) && s[1] == ':' &&
	       (s[2] == '/' || s[2] == '\\');
}

/* Whether s is a Windows name: a drive letter, or '\' and no '/'. */
static int is_windows(const char *s)
{
	return is_drive(s) || (strchr(s, '\\') && !strchr(s, '/'));
}

static int is_abs(const char *s)
{
	return s[0] == '/' || is_drive(s);
}

/*
 * Writes s normalised to out: separators collapsed, "." dropped, ".."
 * taking the segment before it away (never the leading '/' or "X:/"; a
 * relative name keeps the ".." it cannot resolve), no trailing '/'. A
 * Windows name (is_windows()) has its backslashes read as '/'. "." and
 * "" give "".
 */
static int normalize(const char *s, struct da_buf *out)
{
	int win = is_windows(s);
	size_t keep = 0;
	int r = 0;

	da_buf_reset(out);
	if (is_drive(s)) {
		r = da_buf_add(out, s, 2);
		if (r == 0)
			r = da_buf_addch(out, '/');
		keep = 3;
		s += 3;
	} else if (s[0] == '/' || (win && s[0] == '\\')) {
		r = da_buf_addch(out, '/');
		keep = 1;
	}
	while (r == 0 && *s) {
		const char *seg = s;
		size_t n = 0;

		while (seg[n] && seg[n] != '/' && !(win && seg[n] == '\\'))
			n++;
		s = seg[n] ? seg + n + 1 : seg + n;
		if (n == 0 || (n == 1 && seg[0] == '.'))
			continue;
		if (n == 2 && seg[0] == '.' && seg[1] == '.') {
			size_t start = out->len;

			while (start > keep && out->data[start - 1] != '/')
				start--;
			if (out->len > keep && !(out->len - start == 2 &&
						 out->data[start] == '.' &&
						 out->data[start + 1] == '.')) {
				da_buf_truncate(out, start > keep ? start - 1
								  : keep);
				continue;
			}
			if (keep)
				continue; /* "/.." is "/" */
		}
		if (out->len > keep)
			r = da_buf_addch(out, '/');
		if (r == 0)
			r = da_buf_add(out, seg, n);
	}
	return r;
}

/*
 * How many bytes of name prefix covers when it is name's first segments
 * (prefix whole, or followed by '/' in name, or ending in '/'); 0 when it
 * is not. A drive letter matches in either case.
 */
static size_t prefix_match(const char *name, const char *prefix)
{
	size_t n = strlen(prefix), i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char x = (unsigned char)name[i];
		unsigned char y = (unsigned char)prefix[i];

		if (x == y)
			continue;
		if (i == 0 && isalpha(x) && tolower(x) == tolower(y) &&
		    name[1] == ':' && prefix[1] == ':')
			continue;
		return 0;
	}
	if (name[n] == '\0' || name[n] == '/' || prefix[n - 1] == '/')
		return n;
	return 0;
}

/* What follows a matched prefix of n bytes, without its '/'. */
static const char *after(const char *name, size_t n)
{
	return name[n] == '/' ? name + n + 1 : name + n;
}

static int set_copy(struct da_buf *b, const char *s)
{
	da_buf_reset(b);
	return da_buf_adds(b, s);
}

static int is_file(const struct cov_paths *p, const char *name)
{
	size_t n = strlen(name);

	return table_find(&p->files, name, n, hash_mem(name, n)) != NULL;
}

/*
 * Fills the suffix index: every tail after a '/' of every file, pointing
 * to that file or, when two files end so, to ambiguous. The file list is
 * walked in its own order, which reads memory in sequence, and the table
 * is sized once for all the tails.
 */
static int build_suffixes(struct cov_paths *p)
{
	const char *f, *end = p->ls + p->ls_len;
	size_t tails = 0;

	p->suffix_built = 1;
	for (f = p->ls; f < end; f++)
		tails += *f == '/';
	if (table_reserve(&p->suffix, tails) < 0)
		return -DA_ENOMEM;
	for (f = p->ls; f < end; f += strlen(f) + 1) {
		uint64_t h = HASH_SEED;
		size_t k;

		for (k = strlen(f); k > 0; k--) {
			struct entry *e;
			uint64_t hk;

			if (f[k - 1] == '/' && f[k] != '\0') {
				hk = hash_mix(h);
				e = table_find(&p->suffix, f + k, strlen(f + k),
					       hk);
				/* git lists a file in conflict once a stage. */
				if (e && e->val != f &&
				    (e->val == ambiguous ||
				     strcmp(e->val, f) != 0))
					e->val = ambiguous;
				else if (!e && table_put(&p->suffix, f + k, hk,
							 f) < 0)
					return -DA_ENOMEM;
			}
			h = (h ^ (unsigned char)f[k - 1]) * HASH_PRIME;
		}
	}
	return 0;
}

/* Step 4: the workspace, then the first strip-prefix that matches. */
static const char *strip_prefixes(const struct cov_paths *p, const char *s)
{
	size_t n = 0, i;

	if (is_abs(s) || (s[0] == '_' && s[1] == '/')) {
		n = prefix_match(s, p->ws);
		if (!n && p->ws_real)
			n = prefix_match(s, p->ws_real);
		/* Go names packages outside any module "_" + directory. */
		if (!n && s[0] == '_' && s[1] == '/') {
			n = prefix_match(s + 1, p->ws);
			if (!n && p->ws_real)
				n = prefix_match(s + 1, p->ws_real);
			if (n)
				n++;
		}
		if (n)
			s = after(s, n);
	}
	for (i = 0; i < p->strip.n; i++) {
		n = prefix_match(s, p->strip.v[i]);
		if (n)
			return after(s, n);
	}
	return s;
}

/*
 * Step 5: the longest module path that is a prefix of s (at a '/') gives
 * way to its directory. out gets the result; *ret_done is 0 when no module
 * applied.
 */
static int go_module(const struct cov_paths *p, const char *s,
		     struct da_buf *out, int *ret_done)
{
	size_t k = strlen(s);
	int r;

	*ret_done = 0;
	if (!p->mods.n || is_abs(s))
		return 0;
	while (k > 0) {
		const struct entry *e;

		k--;
		if (s[k] != '/')
			continue;
		e = table_find(&p->mods, s, k, hash_mem(s, k));
		if (!e)
			continue;
		da_buf_reset(out);
		r = da_buf_adds(out, e->val);
		if (r == 0 && *e->val)
			r = da_buf_addch(out, '/');
		if (r == 0)
			r = da_buf_adds(out, s + k + 1);
		*ret_done = r == 0;
		return r;
	}
	return 0;
}

/* Steps 4 to 6 on the normalised name in, into out (in != out). */
static int finish(struct cov_paths *p, const struct da_buf *in,
		  struct da_buf *out)
{
	const char *s = strip_prefixes(p, da_buf_str(in));
	int done = 0, r = 0;

	/* A name that already is a repository file is not a module path. */
	if (p->mods.n && !is_abs(s) && !(p->have_files && is_file(p, s)))
		r = go_module(p, s, &p->d, &done);
	if (r == 0)
		r = normalize(done ? da_buf_str(&p->d) : s, out);
	return r;
}

/* Whether the repository path s names a file: listed, or on disk. */
static int names_file(const struct cov_paths *p, const char *s,
		      struct da_buf *tmp)
{
	struct stat st;

	if (!*s || is_abs(s))
		return 0;
	if (p->have_files)
		return is_file(p, s);
	da_buf_reset(tmp);
	if (da_buf_addf(tmp, "%s/%s", p->ws, s) < 0)
		return 0;
	return stat(da_buf_str(tmp), &st) == 0 && S_ISREG(st.st_mode);
}

/* Step 3: the relative name in p->a under each root; *ret_found says
 * whether one gave a repository file (then in res). */
static int try_roots(struct cov_paths *p, struct da_buf *res, int *ret_found)
{
	const struct list *lists[2] = {&p->report_roots, &p->roots};
	size_t l, i;
	int r;

	*ret_found = 0;
	for (l = 0; l < 2; l++) {
		for (i = 0; i < lists[l]->n; i++) {
			const char *root = lists[l]->v[i];

			da_buf_reset(&p->c);
			r = da_buf_adds(&p->c, root);
			if (r == 0 && *root && root[strlen(root) - 1] != '/')
				r = da_buf_addch(&p->c, '/');
			if (r == 0)
				r = da_buf_adds(&p->c, da_buf_str(&p->a));
			if (r == 0)
				r = normalize(da_buf_str(&p->c), &p->b);
			if (r == 0)
				r = finish(p, &p->b, res);
			if (r < 0)
				return r;
			if (names_file(p, da_buf_str(res), &p->c)) {
				*ret_found = 1;
				return 0;
			}
		}
	}
	return 0;
}

/* Step 2: the first path-map rule whose from starts the name in p->a. */
static int path_map(struct cov_paths *p)
{
	const char *s = da_buf_str(&p->a);
	size_t i, n = 0;
	int r = 0;

	for (i = 0; i < p->nrules && !n; i++)
		n = prefix_match(s, p->rules[i].from);
	if (!n)
		return 0;
	i--;
	da_buf_reset(&p->b);
	r = da_buf_adds(&p->b, p->rules[i].to);
	if (r == 0 && *p->rules[i].to && *after(s, n))
		r = da_buf_addch(&p->b, '/');
	if (r == 0)
		r = da_buf_adds(&p->b, after(s, n));
	if (r == 0)
		r = normalize(da_buf_str(&p->b), &p->a);
	return r;
}

/*
 * All seven steps for raw into res; *ret_matched says whether the result
 * is a repository file (meaningful only with a file list).
 */
static int resolve(struct cov_paths *p, const char *raw, struct da_buf *res,
		   int *ret_matched)
{
	const struct entry *e;
	const char *s;
	int r, found = 0;

	*ret_matched = 0;
	r = normalize(raw, &p->a);
	if (r == 0)
		r = path_map(p);
	if (r == 0 && !is_abs(da_buf_str(&p->a)))
		r = try_roots(p, res, &found);
	if (r < 0)
		return r;
	if (found) {
		*ret_matched = 1;
		return 0;
	}
	r = finish(p, &p->a, res);
	if (r < 0 || !p->have_files)
		return r;
	s = da_buf_str(res);
	if (!*s || is_abs(s))
		return 0;
	if (is_file(p, s)) {
		*ret_matched = 1;
		return 0;
	}
	if (!p->suffix_built) {
		r = build_suffixes(p);
		if (r < 0)
			return r;
	}
	e = table_find(&p->suffix, s, res->len, hash_mem(s, res->len));
	if (e && e->val != ambiguous) {
		*ret_matched = 1;
		return set_copy(res, e->val);
	}
	return 0;
}

static int unmatched_add(struct cov_paths *p, const char *s)
{
	size_t n = strlen(s);
	uint64_t h = hash_mem(s, n);
	char *copy;

	if (table_find(&p->unmatched_set, s, n, h))
		return 0;
	p->nunmatched++;
	if (p->unmatched_set.n >= DA_MAX_PATHS_UNMATCHED_SET)
		return 0;
	copy = arena_dup(&p->mem, s, n);
	if (!copy || table_put(&p->unmatched_set, copy, h, NULL) < 0)
		return -DA_ENOMEM;
	if (p->nkept >= DA_MAX_PATHS_UNMATCHED_KEPT)
		return 0;
	if (p->nkept == p->cap_kept) {
		size_t cap = p->cap_kept ? p->cap_kept * 2 : 64;
		const char **v = realloc(p->unmatched, cap * sizeof(*v));

		if (!v)
			return -DA_ENOMEM;
		p->unmatched = v;
		p->cap_kept = cap;
	}
	p->unmatched[p->nkept++] = copy;
	return 0;
}

static void cache_drop(struct cov_paths *p)
{
	table_free(&p->cache);
	arena_free(&p->cache_mem);
	p->last_raw = p->last_mapped = NULL;
}

/* Remembers raw -> mapped (as far as the ceiling allows). */
static int cache_add(struct cov_paths *p, const char *raw, size_t n, uint64_t h,
		     const char *mapped)
{
	const char *k, *v;

	p->last_raw = p->last_mapped = NULL;
	if (p->cache.n >= DA_MAX_PATHS_CACHE)
		return 0;
	k = arena_dup(&p->cache_mem, raw, n);
	v = !strcmp(raw, mapped)
		? k
		: arena_dup(&p->cache_mem, mapped, strlen(mapped));
	if (!k || !v || table_put(&p->cache, k, h, v) < 0)
		return -DA_ENOMEM;
	p->last_raw = k;
	p->last_mapped = v;
	return 0;
}

static int add_out(struct da_buf *out, const char *raw, const char *mapped,
		   struct da_err *err)
{
	int r = da_buf_adds(out, mapped);

	if (r < 0)
		return da_err_set(err, -r, "cannot map path '%.200s': %s", raw,
				  da_strerror(r));
	return 0;
}

int cov_paths_map(void *ctx, const char *raw, struct da_buf *out,
		  struct da_err *err)
{
	struct cov_paths *p = ctx;
	const struct entry *e;
	size_t n;
	uint64_t h;
	int r, matched;

	/* Reports name one file many times in a row (a Go block a line). */
	if (p->last_raw && !strcmp(raw, p->last_raw))
		return add_out(out, raw, p->last_mapped, err);
	n = strlen(raw);
	if (n > DA_MAX_PATHS_NAME)
		return da_err_set(err, DA_ELIMIT,
				  "path '%.200s...' is longer than %zu bytes",
				  raw, DA_MAX_PATHS_NAME);
	h = hash_mem(raw, n);
	e = table_find(&p->cache, raw, n, h);
	if (e) {
		p->last_raw = e->key;
		p->last_mapped = e->val;
		return add_out(out, raw, e->val, err);
	}
	r = resolve(p, raw, &p->res, &matched);
	if (r == 0 && p->have_files && !matched)
		r = unmatched_add(p, da_buf_str(&p->res));
	if (r == 0)
		r = cache_add(p, raw, n, h, da_buf_str(&p->res));
	if (r < 0)
		return da_err_set(err, -r, "cannot map path '%.200s': %s", raw,
				  da_strerror(r));
	return add_out(out, raw, da_buf_str(&p->res), err);
}

/* ---- roots of the report being read ---- */

static int list_add(struct list *l, const char *s, size_t n)
{
	char **v = realloc(l->v, (l->n + 1) * sizeof(*v));
	char *copy;

	if (!v)
		return -DA_ENOMEM;
	l->v = v;
	copy = malloc(n + 1);
	if (!copy)
		return -DA_ENOMEM;
	memcpy(copy, s, n);
	copy[n] = '\0';
	l->v[l->n++] = copy;
	return 0;
}

static void list_clear(struct list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* s without the whitespace around it: *ret_n bytes from the result. */
static const char *trim(const char *s, size_t n, size_t *ret_n)
{
	while (n > 0 && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	*ret_n = n;
	return s;
}

/* n bytes of s normalised into out; -DA_ELIMIT past the name ceiling. */
static int normalize_n(const char *s, size_t n, struct da_buf *tmp,
		       struct da_buf *out)
{
	int r;

	if (n > DA_MAX_PATHS_NAME)
		return -DA_ELIMIT;
	da_buf_reset(tmp);
	r = da_buf_add(tmp, s, n);
	return r < 0 ? r : normalize(da_buf_str(tmp), out);
}

int cov_paths_root(void *ctx, const char *root, struct da_err *err)
{
	struct cov_paths *p = ctx;
	const char *s;
	size_t n, i;
	int r;

	s = trim(root, strlen(root), &n);
	if (n == 0)
		return 0;
	r = normalize_n(s, n, &p->c, &p->b);
	if (r < 0)
		return da_err_set(err, -r,
				  "cannot use source root '%.200s': %s", s,
				  da_strerror(r));
	for (i = 0; i < p->report_roots.n; i++)
		if (!strcmp(p->report_roots.v[i], da_buf_str(&p->b)))
			return 0;
	if (p->report_roots.n >= DA_MAX_PATHS_ROOTS)
		return da_err_set(err, DA_ELIMIT,
				  "more than %d source roots in one report",
				  DA_MAX_PATHS_ROOTS);
	if (list_add(&p->report_roots, p->b.data ? p->b.data : "", p->b.len) <
	    0)
		return da_err_set(err, DA_ENOMEM,
				  "cannot use source root '%.200s': %s", s,
				  da_strerror(DA_ENOMEM));
	/* Relative names map differently now. */
	cache_drop(p);
	return 0;
}

void cov_paths_report_begin(struct cov_paths *paths)
{
	if (!paths || !paths->report_roots.n)
		return;
	list_clear(&paths->report_roots);
	cache_drop(paths);
}

/* ---- what cov_paths_new() reads ---- */

static int set_workspace(struct cov_paths *p, const char *given,
			 struct da_err *err)
{
	const char *ws = given && *given ? given : getenv("GITHUB_WORKSPACE");
	char cwd[PATH_MAX], *real = NULL;
	int r;

	if (!ws || !*ws || !is_abs(ws)) {
		if (!getcwd(cwd, sizeof(cwd)))
			return da_err_set(err, DA_EIO,
					  "cannot find the current directory: "
					  "%s",
					  strerror(errno));
	}
	if (!ws || !*ws)
		ws = cwd;
	if (strlen(ws) > DA_MAX_PATHS_NAME)
		return da_err_set(err, DA_ELIMIT,
				  "workspace '%.200s...' is longer than %zu "
				  "bytes",
				  ws, DA_MAX_PATHS_NAME);
	r = normalize(ws, &p->a);
	if (r == 0 && !is_abs(da_buf_str(&p->a))) {
		da_buf_reset(&p->b);
		r = da_buf_addf(&p->b, "%s/%s", cwd, da_buf_str(&p->a));
		if (r == 0)
			r = normalize(da_buf_str(&p->b), &p->a);
	}
	if (r == 0) {
		p->ws = strdup(da_buf_str(&p->a));
		if (!p->ws)
			r = -DA_ENOMEM;
	}
	if (r < 0)
		return da_err_set(err, -r, "cannot use workspace '%.200s': %s",
				  ws, da_strerror(r));
	/* Runners and macOS temporary directories sit behind symlinks. */
	if (p->ws[0] == '/')
		real = realpath(p->ws, NULL);
	if (real && normalize(real, &p->a) == 0 &&
	    strcmp(da_buf_str(&p->a), p->ws) != 0) {
		p->ws_real = strdup(da_buf_str(&p->a));
		if (!p->ws_real)
			r = da_err_set(err, DA_ENOMEM,
				       "cannot use workspace '%.200s': %s", ws,
				       da_strerror(DA_ENOMEM));
	}
	free(real);
	return r;
}

static int set_rules(struct cov_paths *p, const char *const *map, size_t n,
		     struct da_err *err)
{
	size_t i;
	int r;

	if (!n)
		return 0;
	p->rules = calloc(n, sizeof(*p->rules));
	if (!p->rules)
		return da_err_set(err, DA_ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		const char *text = map[i], *arrow = strstr(text, "=>"), *s;
		struct rule *rule = &p->rules[p->nrules];
		size_t k;

		if (!arrow)
			return da_err_set(err, DA_EINVAL,
					  "path-map rule '%.200s' has no '=>'",
					  text);
		s = trim(text, (size_t)(arrow - text), &k);
		r = normalize_n(s, k, &p->c, &p->b);
		if (r == 0 && p->b.len == 0)
			return da_err_set(err, DA_EINVAL,
					  "path-map rule '%.200s' has no path "
					  "before '=>'",
					  text);
		/* Counted at once, so that cov_paths_free() frees it. */
		p->nrules++;
		if (r == 0) {
			rule->from = strdup(da_buf_str(&p->b));
			s = trim(arrow + 2, strlen(arrow + 2), &k);
			r = rule->from ? normalize_n(s, k, &p->c, &p->b)
				       : -DA_ENOMEM;
		}
		if (r == 0) {
			rule->to = strdup(da_buf_str(&p->b));
			if (!rule->to)
				r = -DA_ENOMEM;
		}
		if (r < 0)
			return da_err_set(err, -r,
					  "cannot use path-map rule '%.200s': "
					  "%s",
					  text, da_strerror(r));
	}
	return 0;
}

/* Normalised entries of a list option into l; keep_empty keeps "" ("."). */
static int set_list(struct cov_paths *p, struct list *l, const char *const *v,
		    size_t n, int keep_empty, const char *what,
		    struct da_err *err)
{
	size_t i, k;
	int r;

	for (i = 0; i < n; i++) {
		const char *s = trim(v[i], strlen(v[i]), &k);

		if (k == 0)
			continue;
		r = normalize_n(s, k, &p->c, &p->b);
		if (r == 0 && (p->b.len || keep_empty))
			r = list_add(l, p->b.data ? p->b.data : "", p->b.len);
		if (r < 0)
			return da_err_set(err, -r, "cannot use %s '%.200s': %s",
					  what, v[i], da_strerror(r));
	}
	return 0;
}

/* git ls-files -z in the workspace; no git or no repository: no list. */
static int read_files(struct cov_paths *p, struct da_err *err)
{
	const char *argv[] = {"git", "-C", p->ws, "ls-files", "-z", NULL};
	const char *env[] = {"GIT_TERMINAL_PROMPT=0", "LC_ALL=C", NULL};
	struct da_buf out = DA_BUF_INIT(DA_MAX_PATHS_LS);
	struct da_proc_result res;
	struct da_err perr = DA_ERR_INIT;
	size_t len, count = 0;
	const char *s, *end;
	int r;

	r = da_proc_run(argv, NULL, env, &out, 0, &res, &perr);
	if (r == -DA_ENOENT || (r == 0 && res.status != 0)) {
		char reason[200];

		/* not an error: reports are read without the check */
		(void)snprintf(
		    p->why, sizeof(p->why), "%.200s",
		    r < 0 ? perr.msg
			  : da_proc_reason(&res, reason, sizeof(reason)));
		da_buf_release(&out);
		return 0;
	}
	if (r == -DA_ELIMIT)
		r = da_err_set(err, DA_ELIMIT,
			       "cannot list the files of '%s': git ls-files "
			       "printed more than %zu MiB",
			       p->ws, DA_MAX_PATHS_LS >> 20);
	else if (r < 0)
		r = da_err_set(err, -r, "cannot list the files of '%s': %s",
			       p->ws, perr.msg);
	if (r < 0) {
		da_buf_release(&out);
		return r;
	}
	p->ls = da_buf_detach(&out, &len);
	if (!p->ls)
		return da_err_set(err, DA_ENOMEM, "out of memory");
	p->ls_len = len;
	end = p->ls + len;
	for (s = p->ls; s < end; s++)
		count += *s == '\0';
	if (count > DA_MAX_PATHS_FILES)
		return da_err_set(err, DA_ELIMIT,
				  "cannot list the files of '%s': more than %u "
				  "files",
				  p->ws, DA_MAX_PATHS_FILES);
	if (table_reserve(&p->files, count) < 0)
		return da_err_set(err, DA_ENOMEM, "out of memory");
	for (s = p->ls; s < end; s += strlen(s) + 1) {
		size_t n = strlen(s);
		uint64_t h = hash_mem(s, n);

		if (n && !table_find(&p->files, s, n, h) &&
		    table_put(&p->files, s, h, s) < 0)
			return da_err_set(err, DA_ENOMEM, "out of memory");
	}
	p->have_files = 1;
	return 0;
}

/*
 * The module path of a go.mod's text into out: "module x", "module "x"",
 * "module `x`" or the block form "module ( x )", comments ("//") ignored.
 * Returns 1 when found, 0 when not, a negative DA_E* on no memory.
 */
static int parse_module(const char *text, struct da_buf *out)
{
	const char *line = text;
	int block = 0;

	while (*line) {
		const char *eol = strchr(line, '\n'), *cut, *s;
		size_t n = eol ? (size_t)(eol - line) : strlen(line), k;

		s = line;
		line = eol ? eol + 1 : line + n;
		cut = s;
		while ((size_t)(cut - s) + 1 < n &&
		       !(cut[0] == '/' && cut[1] == '/'))
			cut++;
		if ((size_t)(cut - s) + 1 < n)
			n = (size_t)(cut - s);
		s = trim(s, n, &n);
		if (!block) {
			if (n < 7 || strncmp(s, "module", 6) != 0 ||
			    !(isspace((unsigned char)s[6]) || s[6] == '"' ||
			      s[6] == '`' || s[6] == '('))
				continue;
			s = trim(s + 6, n - 6, &n);
			if (n == 1 && s[0] == '(') {
				block = 1;
				continue;
			}
		} else if (n == 0) {
			continue;
		} else if (n == 1 && s[0] == ')') {
			return 0;
		}
		if (n >= 2 && (s[0] == '"' || s[0] == '`')) {
			const char *close = memchr(s + 1, s[0], n - 1);

			if (!close)
				return 0;
			n = (size_t)(close - s - 1);
			s++;
		} else {
			for (k = 0; k < n && !isspace((unsigned char)s[k]); k++)
				;
			n = k;
		}
		while (n > 0 && s[n - 1] == '/')
			n--;
		if (n == 0 || s[0] == '/' || memchr(s, '\\', n))
			return 0;
		for (k = 0; k < n; k++)
			if (isspace((unsigned char)s[k]))
				return 0;
		da_buf_reset(out);
		return da_buf_add(out, s, n) < 0 ? -DA_ENOMEM : 1;
	}
	return 0;
}

/* Module path mod (n bytes) lives in dir; the shallowest dir wins. */
static int module_add(struct cov_paths *p, const char *mod, size_t n,
		      const char *dir)
{
	uint64_t h = hash_mem(mod, n);
	struct entry *e = table_find(&p->mods, mod, n, h);
	size_t dn = strlen(dir);
	const char *k, *v;

	if (e) {
		size_t en = strlen(e->val);

		if (dn > en || (dn == en && strcmp(dir, e->val) >= 0))
			return 0;
		v = arena_dup(&p->mem, dir, dn);
		if (!v)
			return -DA_ENOMEM;
		e->val = v;
		return 0;
	}
	k = arena_dup(&p->mem, mod, n);
	v = arena_dup(&p->mem, dir, dn);
	if (!k || !v || table_put(&p->mods, k, h, v) < 0)
		return -DA_ENOMEM;
	return 0;
}

/* The go.mod at the repository path rel (in directory dir), if readable. */
static int read_gomod(struct cov_paths *p, const char *rel, const char *dir)
{
	struct da_err ignored = DA_ERR_INIT;
	int r;

	da_buf_reset(&p->c);
	if (da_buf_addf(&p->c, "%s/%s", p->ws, rel) < 0)
		return 0;
	/* A go.mod that is gone or too big for one is no module. */
	if (da_fs_read_file(da_buf_str(&p->c), DA_MAX_PATHS_GOMOD_FILE, &p->d,
			    &ignored) < 0 ||
	    memchr(p->d.data ? p->d.data : "", '\0', p->d.len))
		return 0;
	r = parse_module(da_buf_str(&p->d), &p->b);
	if (r <= 0)
		return r;
	return module_add(p, p->b.data, p->b.len, dir);
}

static int read_modules(struct cov_paths *p, const char *given,
			struct da_err *err)
{
	unsigned count = 0;
	size_t n;
	int r = 0;

	if (given && *given) {
		given = trim(given, strlen(given), &n);
		while (n > 0 && given[n - 1] == '/')
			n--;
		if (n > 0 && module_add(p, given, n, "") < 0)
			return da_err_set(err, DA_ENOMEM, "out of memory");
	} else {
		given = NULL;
	}
	if (!p->have_files) {
		if (!given)
			r = read_gomod(p, "go.mod", "");
	} else {
		const char *s = p->ls;

		for (; r == 0 && s && *s; s += strlen(s) + 1) {
			size_t len = strlen(s);

			if (len < 6 || strcmp(s + len - 6, "go.mod") != 0 ||
			    (len > 6 && s[len - 7] != '/'))
				continue;
			/* The module given stands for the root's go.mod. */
			if (len == 6 && given)
				continue;
			if (++count > DA_MAX_PATHS_GOMODS)
				return da_err_set(err, DA_ELIMIT,
						  "more than %u go.mod files "
						  "in '%s'",
						  DA_MAX_PATHS_GOMODS, p->ws);
			da_buf_reset(&p->a);
			if (len > 6 && da_buf_add(&p->a, s, len - 7) < 0)
				return da_err_set(err, DA_ENOMEM,
						  "out of memory");
			r = read_gomod(p, s, da_buf_str(&p->a));
		}
	}
	if (r < 0)
		return da_err_set(err, -r,
				  "cannot read go.mod files in '%s': %s", p->ws,
				  da_strerror(r));
	return 0;
}

int cov_paths_new(const struct cov_paths_config *config, struct cov_paths **ret,
		  struct da_err *err)
{
	struct cov_paths *p = calloc(1, sizeof(*p));
	int r;

	if (!p)
		return da_err_set(err, DA_ENOMEM, "out of memory");
	da_buf_init(&p->a, DA_MAX_PATHS_NAME * 2 + 2);
	da_buf_init(&p->b, DA_MAX_PATHS_NAME * 2 + 2);
	da_buf_init(&p->c, DA_MAX_PATHS_NAME * 2 + 2);
	da_buf_init(&p->d, DA_MAX_PATHS_GOMOD_FILE);
	da_buf_init(&p->res, DA_MAX_PATHS_NAME * 2 + 2);
	r = set_workspace(p, config->workspace, err);
	if (r == 0)
		r = set_rules(p, config->map, config->nmap, err);
	if (r == 0)
		r = set_list(p, &p->strip, config->strip, config->nstrip, 0,
			     "strip-prefix", err);
	if (r == 0)
		r = set_list(p, &p->roots, config->roots, config->nroots, 1,
			     "source root", err);
	if (r == 0 && config->use_git)
		r = read_files(p, err);
	if (r == 0)
		r = read_modules(p, config->go_module, err);
	if (r < 0) {
		cov_paths_free(p);
		return r;
	}
	*ret = p;
	return 0;
}

void cov_paths_free(struct cov_paths *paths)
{
	size_t i;

	if (!paths)
		return;
	free(paths->ws);
	free(paths->ws_real);
	for (i = 0; i < paths->nrules; i++) {
		free(paths->rules[i].from);
		free(paths->rules[i].to);
	}
	free(paths->rules);
	list_clear(&paths->strip);
	list_clear(&paths->roots);
	list_clear(&paths->report_roots);
	free(paths->ls);
	table_free(&paths->files);
	table_free(&paths->suffix);
	table_free(&paths->mods);
	table_free(&paths->unmatched_set);
	free(paths->unmatched);
	arena_free(&paths->mem);
	cache_drop(paths);
	da_buf_release(&paths->a);
	da_buf_release(&paths->b);
	da_buf_release(&paths->c);
	da_buf_release(&paths->d);
	da_buf_release(&paths->res);
	free(paths);
}

int cov_paths_have_files(const struct cov_paths *paths)
{
	return paths->have_files;
}

const char *cov_paths_why_no_files(const struct cov_paths *paths)
{
	return paths->have_files ? "" : paths->why;
}

const char *cov_paths_workspace(const struct cov_paths *paths)
{
	return paths->ws;
}

size_t cov_paths_unmatched(const struct cov_paths *paths)
{
	return paths->nunmatched;
}

const char *cov_paths_unmatched_path(const struct cov_paths *paths, size_t i)
{
	return i < paths->nkept ? paths->unmatched[i] : NULL;
}
