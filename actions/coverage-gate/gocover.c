/*
 * gocover.c: the Go coverprofile parser (go test -coverprofile).
 *
 * The first line is "mode: set|count|atomic"; every other line is a block
 * "importpath/file.go:sl.sc,el.ec numstmt count". The file name is taken up
 * to the last ':' before the position, as Go's own parser does, so Windows
 * paths pass. Repeated "mode:" lines (concatenated profiles) must name the
 * same mode; the mode must also agree with earlier reports of the model
 * (cov_model_go_mode()).
 *
 * Blocks merge in the model by (file, "sl.sc,el.ec"): counts summed, or
 * OR-ed in set mode; another NumStmt for a known block is an error. The
 * statements metric is Σ numstmt. For the lines metric each line of a
 * block gets the largest count of the blocks of this report that touch it
 * (a condition line shares the "{" of the next block), after duplicate
 * blocks of the report were merged; that line view is made at the end of
 * the report from its merged blocks, one file at a time, and added to the
 * model, so two reports still sum per line. A block may span at most
 * DA_MAX_GO_BLOCK_LINES lines, which bounds the line view of a file by the
 * size of the report.
 *
 * Profiles of "go test -coverpkg" repeat every block once per test
 * package, in the same order: the k-th block of a run of one file's blocks
 * keeps a hint (model.h, parse.h) to its statement and its merged block,
 * so the repeats are found without hashing, and each file's merged blocks
 * sit in a table of their own, close together in memory.
 *
 * Paths stay import paths; p->map (when set) sees each path, and the
 * go.mod mapping is its business.
 */
#include "actions/coverage-gate/model.h"
#include "actions/coverage-gate/parse.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"

#define DA_MAX_GO_BLOCK_LINES 100000 /* lines one block may span */

/* Kinds of hints (parse.h) of the k-th block of a file's run. */
enum { HINT_STATEMENT, HINT_BLOCK };

/*
 * The blocks of one report, merged: position -> count, in a table per file
 * (the aux table of the file's hints, parse.h), so that a file's blocks
 * lie together in memory.
 */
struct gblock {
	uint32_t pos[4]; /* sl, sc, el, ec; sl 0: an empty slot */
	uint64_t count;
};

/* A line of the line view and the largest count of its blocks. */
struct gline {
	uint32_t line;
	uint64_t count;
};

struct go {
	const struct cov_parse *p;
	const char *name;
	unsigned long lineno;
	int or_mode;
	char mode[8];
	struct cov_file *file; /* of the previous block */
	struct da_buf last;    /* its path as the report wrote it */
	struct da_buf path;
	struct cov_hints hints;
	struct cov_file_hints *fh; /* file's */
	size_t k;		   /* blocks in this run of file's */
	struct da_err *err;
};

static int bad(struct go *s, const char *what)
{
	return da_err_set(s->err, DA_EINVAL, "cannot read '%s': line %lu: %s",
			  s->name, s->lineno, what);
}

static int model_err(struct go *s, int r)
{
	da_err_prefix(s->err, "cannot read '%s': line %lu", s->name, s->lineno);
	return r;
}

static int nomem(struct go *s)
{
	return da_err_set(s->err, DA_ENOMEM, "cannot read '%s': out of memory",
			  s->name);
}

static size_t bhash(const uint32_t *pos, size_t mask)
{
	uint64_t h = 0;
	size_t i;

	for (i = 0; i < 4; i++)
		h = (h ^ pos[i]) * 0x9e3779b97f4a7c15ull;
	return (size_t)(h ^ (h >> 29)) & mask;
}

static int gblock_grow(struct cov_file_hints *fh)
{
	size_t ncap = fh->aux_cap ? fh->aux_cap * 2 : 16, i, j;
	struct gblock *ob = fh->aux, *nb = calloc(ncap, sizeof(*nb));

	if (!nb)
		return -DA_ENOMEM;
	for (i = 0; i < fh->aux_cap; i++) {
		if (!ob[i].pos[0])
			continue;
		for (j = bhash(ob[i].pos, ncap - 1); nb[j].pos[0];
		     j = (j + 1) & (ncap - 1))
			;
		nb[j] = ob[i];
	}
	free(ob);
	fh->aux = nb;
	fh->aux_cap = ncap;
	return 0;
}

static void gblock_merge(struct go *s, struct gblock *b, uint64_t count)
{
	if (s->or_mode)
		b->count = b->count || count;
	else if (b->count + count < count)
		b->count = UINT64_MAX;
	else
		b->count += count;
}

static int same_pos(const uint32_t *a, const uint32_t *b)
{
	return a[0] == b[0] && a[1] == b[1] && a[2] == b[2] && a[3] == b[3];
}

/* Merges a block of s->file into this report's blocks, as the model does;
 * *hint is a guess of its slot, set to the slot. */
static int gblock_add(struct go *s, const uint32_t *pos, uint64_t count,
		      uint32_t *hint)
{
	struct cov_file_hints *fh = s->fh;
	struct gblock *b = fh->aux;
	size_t i, mask;

	if (hint && *hint < fh->aux_cap && same_pos(b[*hint].pos, pos)) {
		gblock_merge(s, &b[*hint], count);
		return 0;
	}
	if ((fh->aux_n + 1) * 10 > fh->aux_cap * 7) {
		if (gblock_grow(fh) < 0)
			return nomem(s);
		b = fh->aux;
	}
	mask = fh->aux_cap - 1;
	for (i = bhash(pos, mask); b[i].pos[0]; i = (i + 1) & mask) {
		if (same_pos(b[i].pos, pos)) {
			gblock_merge(s, &b[i], count);
			if (hint)
				*hint = (uint32_t)i;
			return 0;
		}
	}
	memcpy(b[i].pos, pos, sizeof(b[i].pos));
	b[i].count = s->or_mode ? count != 0 : count;
	fh->aux_n++;
	if (hint)
		*hint = (uint32_t)i;
	return 0;
}

static int by_line(const void *a, const void *b)
{
	const struct gline *x = a, *y = b;

	return (x->line > y->line) - (x->line < y->line);
}

/*
 * The line view of one file's blocks (the table b of nb slots, sl 0 in an
 * empty one): each line gets the largest count of the blocks that touch it. A
 * file whose blocks cover most of their range is swept through an array indexed
 * by line; a sparse one (a stray block far away) through its lines sorted
 * instead, so the memory follows the lines of the blocks, never their distance.
 * *scratch is kept between files.
 */
static int file_view(struct go *s, struct cov_file *file,
		     const struct gblock *b, size_t nb, struct gline **scratch,
		     size_t *scap)
{
	uint32_t lo = UINT32_MAX, hi = 0, line;
	size_t i, k, span = 0, need, m = 0;
	struct gline *g;
	int r, dense;

	for (i = 0; i < nb; i++) {
		if (!b[i].pos[0])
			continue;
		lo = b[i].pos[0] < lo ? b[i].pos[0] : lo;
		hi = b[i].pos[2] > hi ? b[i].pos[2] : hi;
		span += (size_t)(b[i].pos[2] - b[i].pos[0]) + 1;
	}
	if (!span || hi < lo)
		return 0;
	dense = (size_t)(hi - lo) + 1 <= 2 * span + 1024;
	need = dense ? (size_t)(hi - lo) + 1 : span;
	if (need > *scap || !*scratch) {
		g = realloc(*scratch, need * sizeof(*g));
		if (!g)
			return nomem(s);
		*scratch = g;
		*scap = need;
	}
	g = *scratch;
	if (dense) {
		/* Dense: g[line - lo]; line 0 marks a line no block has. */
		memset(g, 0, need * sizeof(*g));
		for (i = 0; i < nb; i++)
			for (line = b[i].pos[0];
			     b[i].pos[0] && line <= b[i].pos[2]; line++) {
				struct gline *e = &g[line - lo];

				if (!e->line || b[i].count > e->count)
					e->count = b[i].count;
				e->line = line;
			}
		for (k = 0; k < need; k++)
			if (g[k].line)
				g[m++] = g[k];
	} else {
		for (i = 0; i < nb; i++)
			for (line = b[i].pos[0];
			     b[i].pos[0] && line <= b[i].pos[2]; line++) {
				g[m].line = line;
				g[m++].count = b[i].count;
			}
		qsort(g, m, sizeof(*g), by_line);
		for (i = 0, k = 0; i < m; i++) {
			if (k && g[k - 1].line == g[i].line) {
				if (g[i].count > g[k - 1].count)
					g[k - 1].count = g[i].count;
				continue;
			}
			g[k++] = g[i];
		}
		m = k;
	}
	for (k = 0; k < m; k++) {
		r = cov_line_add(file, g[k].line, g[k].count, s->err);
		if (r < 0)
			return model_err(s, r);
	}
	return 0;
}

/* The line view of the report, file by file, into the model. */
static int line_view(struct go *s)
{
	const struct cov_hints *h = &s->hints;
	struct gline *scratch = NULL;
	size_t i, scap = 0;
	int r = 0;

	for (i = 0; i < h->cap && r == 0; i++)
		if (h->t[i].file && h->t[i].aux_n)
			r = file_view(s, h->t[i].file, h->t[i].aux,
				      h->t[i].aux_cap, &scratch, &scap);
	free(scratch);
	return r;
}

/* "sl.sc,el.ec" into the two lines; the columns are checked only. */
static int parse_pos(struct go *s, const char *p, const char *end,
		     uint32_t *ret_pos)
{
	const char *comma = memchr(p, ',', (size_t)(end - p));
	const char *d1 = memchr(p, '.', (size_t)(end - p)), *d2;
	uint64_t sl, sc, el, ec;

	if (!comma || !d1 || d1 > comma)
		return bad(s, "block position is not sl.sc,el.ec");
	d2 = memchr(comma, '.', (size_t)(end - comma));
	if (!d2 || cov_parse_u64(p, d1, &sl) < 0 ||
	    cov_parse_u64(d1 + 1, comma, &sc) < 0 ||
	    cov_parse_u64(comma + 1, d2, &el) < 0 ||
	    cov_parse_u64(d2 + 1, end, &ec) < 0)
		return bad(s, "block position is not sl.sc,el.ec");
	if (sl == 0 || el == 0 || sl > DA_MAX_COV_LINE || el > DA_MAX_COV_LINE)
		return bad(s, "block line out of range");
	if (el < sl)
		return bad(s, "block ends before it starts");
	if (el - sl >= DA_MAX_GO_BLOCK_LINES)
		return bad(s, "block spans too many lines");
	if (sc > UINT32_MAX || ec > UINT32_MAX)
		return bad(s, "block column out of range");
	ret_pos[0] = (uint32_t)sl;
	ret_pos[1] = (uint32_t)sc;
	ret_pos[2] = (uint32_t)el;
	ret_pos[3] = (uint32_t)ec;
	return 0;
}

static int use_file(struct go *s, const char *raw, size_t n)
{
	int r;

	if (s->file && s->last.len == n && cov_same_bytes(s->last.data, raw, n))
		return 0;
	da_buf_reset(&s->last);
	if (da_buf_add(&s->last, raw, n) < 0)
		return bad(s, "file name too long");
	r = cov_map_file(s->p, da_buf_str(&s->last), &s->path, &s->file,
			 s->err);
	if (r < 0) {
		s->file = NULL;
		return model_err(s, r);
	}
	/* The file's blocks of this report are kept with its hints: the
	 * parse cannot go on without them. */
	s->fh = cov_hints_for(&s->hints, s->file);
	s->k = 0;
	if (!s->fh) {
		s->file = NULL;
		return nomem(s);
	}
	return 0;
}

static int do_mode(struct go *s, const char *v)
{
	int r;

	if (s->mode[0]) {
		if (strcmp(v, s->mode) != 0)
			return bad(s, "another mode in the same profile");
		return 0;
	}
	r = cov_model_go_mode(s->p->model, v, s->err);
	if (r < 0)
		return model_err(s, r);
	/* v is one of the three known modes now, so it fits. */
	memcpy(s->mode, v, strlen(v) + 1);
	s->or_mode = strcmp(v, "set") == 0;
	return 0;
}

static int do_block_slow(struct go *s, const char *text)
{
	const char *end = text + strlen(text), *sp2, *sp1, *colon, *p;
	uint64_t nstmt = 0, count = 0;
	uint32_t pos[4] = {0, 0, 0, 0};
	char key[48];
	int r;

	sp2 = strrchr(text, ' ');
	if (!sp2)
		return bad(s, "not a coverage block");
	for (sp1 = sp2; sp1 > text && sp1[-1] != ' '; sp1--)
		;
	if (sp1 == text)
		return bad(s, "not a coverage block");
	sp1--;
	for (colon = sp1; colon > text && *colon != ':'; colon--)
		;
	if (colon == text)
		return bad(s, "not a coverage block");
	if (cov_parse_u64(sp1 + 1, sp2, &nstmt) < 0 || nstmt > UINT32_MAX)
		return bad(s, "non-numeric statement count");
	p = sp2 + 1;
	if (*p == '-')
		return bad(s, "negative count");
	if (cov_parse_u64(p, end, &count) < 0)
		return bad(s, "non-numeric count");
	r = parse_pos(s, colon + 1, sp1, pos);
	if (r < 0)
		return r;
	if ((size_t)(sp1 - colon - 1) >= sizeof(key))
		return bad(s, "block position too long");
	memcpy(key, colon + 1, (size_t)(sp1 - colon - 1));
	key[sp1 - colon - 1] = '\0';
	r = use_file(s, text, (size_t)(colon - text));
	if (r < 0)
		return r;
	r = cov_statement_add(s->file, key, pos[0], pos[2], (uint32_t)nstmt,
			      count, s->or_mode, s->err);
	if (r < 0)
		return model_err(s, r);
	return gblock_add(s, pos, count, NULL);
}

/* The number at p ending at stop, or n = 0. */
COV_HOT struct cov_num num_to(const char *p, int stop)
{
	struct cov_num v = cov_digits8(p);

	if (v.n == 8 || p[v.n] != stop)
		v.n = 0;
	return v;
}

/*
 * A block as Go writes it, read from the right: the count, the statement
 * count, the position between the last ':' and the space, the path before
 * it. Plain, in-range values are read here; anything else goes to
 * do_block_slow() for its exact message. end is the byte after the line.
 */
COV_HOT int do_block(struct go *s, char *text, char *end)
{
	struct cov_num count, nstmt, sl, sc, el, ec;
	struct cov_hint *hs, *hb;
	uint32_t pos[4];
	char *sp1, *sp2, *colon, *p;
	int r;

	for (sp2 = end - 1; sp2 > text && *sp2 != ' '; sp2--)
		;
	if (sp2 <= text)
		goto slow;
	for (sp1 = sp2 - 1; sp1 > text && *sp1 != ' '; sp1--)
		;
	if (sp1 <= text)
		goto slow;
	for (colon = sp1 - 1; colon > text && *colon != ':'; colon--)
		;
	if (colon <= text || sp1 - colon >= 48)
		goto slow;
	count = cov_count_at(sp2 + 1);
	nstmt = cov_count_at(sp1 + 1);
	if (!count.n || sp2 + 1 + count.n != end || !nstmt.n ||
	    sp1 + 1 + nstmt.n != sp2 || nstmt.v > UINT32_MAX)
		goto slow;
	/* Each number is read only when the one before ended well, so no
	 * read starts past the end of the line. */
	p = colon + 1;
	sl = num_to(p, '.');
	if (!sl.n)
		goto slow;
	sc = num_to(p += sl.n + 1, ',');
	if (!sc.n)
		goto slow;
	el = num_to(p += sc.n + 1, '.');
	if (!el.n)
		goto slow;
	ec = num_to(p += el.n + 1, ' ');
	if (!ec.n || p + ec.n != sp1 || sl.v == 0 || el.v < sl.v ||
	    el.v > DA_MAX_COV_LINE || el.v - sl.v >= DA_MAX_GO_BLOCK_LINES)
		goto slow;
	pos[0] = (uint32_t)sl.v;
	pos[1] = (uint32_t)sc.v;
	pos[2] = (uint32_t)el.v;
	pos[3] = (uint32_t)ec.v;
	r = use_file(s, text, (size_t)(colon - text));
	if (r < 0)
		return r;
	hs = cov_hint_at(&s->hints, s->fh, HINT_STATEMENT, s->k);
	hb = cov_hint_at(&s->hints, s->fh, HINT_BLOCK, s->k++);
	*sp1 = '\0'; /* the position is the statement's key */
	r = cov_statement_add_hint(
	    s->file, colon + 1, (size_t)(sp1 - colon - 1), pos[0], pos[2],
	    (uint32_t)nstmt.v, count.v, s->or_mode, hs, s->err);
	if (r < 0)
		return model_err(s, r);
	return gblock_add(s, pos, count.v, hb ? &hb->slot : NULL);
slow:
	*end = '\0';
	return do_block_slow(s, text);
}

static int do_line(struct go *s, char *text, size_t len)
{
	if (!len)
		return 0;
	if (s->mode[0] && text[0] != 'm')
		return do_block(s, text, text + len);
	text[len] = '\0';
	if (strncmp(text, "mode: ", 6) == 0)
		return do_mode(s, text + 6);
	if (!s->mode[0])
		return bad(s, "a Go coverprofile starts with 'mode: '");
	return do_block_slow(s, text);
}

int cov_parse_go_stream(const struct cov_parse *p, FILE *in, const char *name,
			struct da_err *err)
{
	struct go s;
	struct cov_text t;
	char *text = NULL;
	size_t len = 0;
	int r;

	memset(&s, 0, sizeof(s));
	s.p = p;
	s.name = name;
	s.err = err;
	da_buf_init(&s.last, DA_MAX_COV_NAME);
	da_buf_init(&s.path, DA_MAX_COV_NAME + 1);
	r = cov_text_open(&t, p, in, name, err);
	while (r == 0 && (r = cov_text_next(&t, &text, &len, err)) > 0) {
		s.lineno = t.lineno;
		r = do_line(&s, text, len);
	}
	cov_text_close(&t);
	if (r < 0)
		goto out;
	if (!s.mode[0]) {
		r = da_err_set(err, DA_EINVAL,
			       "cannot read '%s': empty Go coverprofile (no "
			       "'mode: ' line)",
			       name);
		goto out;
	}
	r = line_view(&s);
	if (r < 0)
		goto out;
	r = 0;
out:
	cov_hints_free(&s.hints);
	da_buf_release(&s.last);
	da_buf_release(&s.path);
	return r;
}

int cov_parse_go(const struct cov_parse *p, const char *path,
		 struct da_err *err)
{
	return cov_parse_path(p, path, cov_parse_go_stream, err);
}
