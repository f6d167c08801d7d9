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
 * blocks of the report were merged; that line view is gathered per report
 * and added to the model at the end, so two reports still sum per line. A block
 * may span at most DA_MAX_GO_BLOCK_LINES lines, which bounds the line view by
 * the size of the report.
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

/* The blocks of one report, merged: (file, position) -> count. */
struct gblock {
	struct cov_file *file; /* NULL: empty slot */
	uint32_t pos[4];       /* sl, sc, el, ec */
	uint64_t count;
};

/* The line view of one report: (file, line) -> largest count. */
struct gline {
	struct cov_file *file; /* NULL: empty slot */
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
	struct gline *g;
	size_t gcap, gn;
	struct gblock *b;
	size_t bcap, bn;
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

static size_t ghash(const struct cov_file *f, uint32_t line, size_t mask)
{
	uint64_t h = ((uint64_t)(uintptr_t)f ^ ((uint64_t)line << 32 | line)) *
		     0x9e3779b97f4a7c15ull;

	return (size_t)(h ^ (h >> 29)) & mask;
}

static int gline_grow(struct go *s)
{
	size_t ncap = s->gcap ? s->gcap * 2 : 64, i, j;
	struct gline *ng = calloc(ncap, sizeof(*ng));

	if (!ng)
		return -DA_ENOMEM;
	for (i = 0; i < s->gcap; i++) {
		if (!s->g[i].file)
			continue;
		for (j = ghash(s->g[i].file, s->g[i].line, ncap - 1);
		     ng[j].file; j = (j + 1) & (ncap - 1))
			;
		ng[j] = s->g[i];
	}
	free(s->g);
	s->g = ng;
	s->gcap = ncap;
	return 0;
}

static int gline_max(struct go *s, uint32_t line, uint64_t count)
{
	size_t i, mask;

	if ((s->gn + 1) * 10 > s->gcap * 7 && gline_grow(s) < 0)
		return nomem(s);
	mask = s->gcap - 1;
	for (i = ghash(s->file, line, mask); s->g[i].file; i = (i + 1) & mask) {
		if (s->g[i].file == s->file && s->g[i].line == line) {
			if (count > s->g[i].count)
				s->g[i].count = count;
			return 0;
		}
	}
	s->g[i].file = s->file;
	s->g[i].line = line;
	s->g[i].count = count;
	s->gn++;
	return 0;
}

static size_t bhash(const struct cov_file *f, const uint32_t *pos, size_t mask)
{
	uint64_t h = (uint64_t)(uintptr_t)f;
	size_t i;

	for (i = 0; i < 4; i++)
		h = (h ^ pos[i]) * 0x9e3779b97f4a7c15ull;
	return (size_t)(h ^ (h >> 29)) & mask;
}

static int gblock_grow(struct go *s)
{
	size_t ncap = s->bcap ? s->bcap * 2 : 64, i, j;
	struct gblock *nb = calloc(ncap, sizeof(*nb));

	if (!nb)
		return -DA_ENOMEM;
	for (i = 0; i < s->bcap; i++) {
		if (!s->b[i].file)
			continue;
		for (j = bhash(s->b[i].file, s->b[i].pos, ncap - 1); nb[j].file;
		     j = (j + 1) & (ncap - 1))
			;
		nb[j] = s->b[i];
	}
	free(s->b);
	s->b = nb;
	s->bcap = ncap;
	return 0;
}

/* Merges a block into this report's blocks, as the model does. */
static int gblock_add(struct go *s, const uint32_t *pos, uint64_t count)
{
	size_t i, mask;

	if ((s->bn + 1) * 10 > s->bcap * 7 && gblock_grow(s) < 0)
		return nomem(s);
	mask = s->bcap - 1;
	for (i = bhash(s->file, pos, mask); s->b[i].file; i = (i + 1) & mask) {
		if (s->b[i].file == s->file &&
		    memcmp(s->b[i].pos, pos, sizeof(s->b[i].pos)) == 0) {
			if (s->or_mode)
				s->b[i].count = s->b[i].count || count;
			else if (s->b[i].count + count < count)
				s->b[i].count = UINT64_MAX;
			else
				s->b[i].count += count;
			return 0;
		}
	}
	s->b[i].file = s->file;
	memcpy(s->b[i].pos, pos, sizeof(s->b[i].pos));
	s->b[i].count = s->or_mode ? count != 0 : count;
	s->bn++;
	return 0;
}

/* The line view: each line of each block gets the largest count. */
static int line_view(struct go *s)
{
	size_t i;
	uint32_t line;
	int r;

	for (i = 0; i < s->bcap; i++) {
		if (!s->b[i].file)
			continue;
		s->file = s->b[i].file;
		for (line = s->b[i].pos[0]; line <= s->b[i].pos[2]; line++) {
			r = gline_max(s, line, s->b[i].count);
			if (r < 0)
				return r;
		}
	}
	for (i = 0; i < s->gcap; i++) {
		if (!s->g[i].file)
			continue;
		r = cov_line_add(s->g[i].file, s->g[i].line, s->g[i].count,
				 s->err);
		if (r < 0)
			return model_err(s, r);
	}
	return 0;
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

	if (s->file && s->last.len == n && memcmp(s->last.data, raw, n) == 0)
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

static int do_block(struct go *s, const char *text)
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
	return gblock_add(s, pos, count);
}

static int on_line(void *ctx, char *text, unsigned long lineno)
{
	struct go *s = ctx;

	s->lineno = lineno;
	if (!*text)
		return 0;
	if (strncmp(text, "mode: ", 6) == 0)
		return do_mode(s, text + 6);
	if (!s->mode[0])
		return bad(s, "a Go coverprofile starts with 'mode: '");
	return do_block(s, text);
}

int cov_parse_go_stream(const struct cov_parse *p, FILE *in, const char *name,
			struct da_err *err)
{
	struct go s;
	int r;

	memset(&s, 0, sizeof(s));
	s.p = p;
	s.name = name;
	s.err = err;
	da_buf_init(&s.last, DA_MAX_COV_NAME);
	da_buf_init(&s.path, DA_MAX_COV_NAME + 1);
	r = cov_text_each(p, in, name, on_line, &s, err);
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
	free(s.g);
	free(s.b);
	da_buf_release(&s.last);
	da_buf_release(&s.path);
	return r;
}

int cov_parse_go(const struct cov_parse *p, const char *path,
		 struct da_err *err)
{
	return cov_parse_path(p, path, cov_parse_go_stream, err);
}
