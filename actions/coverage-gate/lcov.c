/*
 * lcov.c: the LCOV tracefile parser (geninfo(1) format).
 *
 * The report is read line by line, each line at most DA_MAX_COV_TEXT_LINE
 * bytes, so memory follows the model, not the report. Recognised:
 *   TN, VER, FNF, FNH, BRF, BRH, MCDC, MCF, MCH   read past (counts are
 *                                              recomputed from records)
 *   SF                 opens a record (path through p->map)
 *   FN:start,[end,]name, FNDA:count,name       functions, old form
 *   FNL:idx,start[,end], FNA:idx,count,name     functions, new form
 *   BRDA:line,block,branch,taken               branch id "block,branch";
 *                      the branch may hold commas: block is taken from
 *                      the left, taken from the right; '-' is -1
 *   DA:line,count[,checksum]                   lines
 *   LF, LH             summed over the report and handed to
 *                      cov_model_summary() for the mismatch warning
 *   end_of_record      closes the record
 * Blank lines, lines starting with '#' or ';', a UTF-8 byte order mark,
 * CRLF and trailing blanks are accepted; other upper-case keywords are
 * skipped, as newer lcov versions add some. Anything else is an error with
 * the line number: text that is no "KEY:value", a record line outside
 * SF..end_of_record, a non-numeric or negative count, line 0 or a line
 * past DA_MAX_COV_LINE, a NUL byte.
 *
 * A record still open at the end of the report is an error, not accepted
 * as lcov does: a cut report would otherwise pass the gate with whatever
 * part of it arrived.
 */
#include "actions/coverage-gate/model.h"
#include "actions/coverage-gate/parse.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"

#define DA_MAX_LCOV_FN_INDEX 1000000 /* FNL/FNA index per record */

struct lcov {
	const struct cov_parse *p;
	const char *name;
	unsigned long lineno;
	struct cov_file *file; /* open record, or NULL */
	uint32_t *fnl;	       /* FNL index -> start line (0: none) */
	size_t nfnl;
	uint64_t lf, lh;
	int seen_lf;
	struct da_buf path;
	struct da_err *err;
};

/* The message is the two texts joined: bad(s, "negative ", "count"). */
static int bad(struct lcov *s, const char *what, const char *what2)
{
	return da_err_set(s->err, DA_EINVAL, "cannot read '%s': line %lu: %s%s",
			  s->name, s->lineno, what, what2);
}

static int count_field(struct lcov *s, const char *p, const char *end,
		       const char *what, uint64_t *ret)
{
	if (p < end && *p == '-' && cov_parse_u64(p + 1, end, ret) == 0)
		return bad(s, "negative ", what);
	if (cov_parse_u64(p, end, ret) < 0)
		return bad(s, "non-numeric ", what);
	return 0;
}

static int line_field(struct lcov *s, const char *p, const char *end,
		      uint32_t *ret)
{
	uint64_t v;

	if (cov_parse_u64(p, end, &v) < 0)
		return bad(s, "non-numeric ", "line number");
	if (v == 0 || v > DA_MAX_COV_LINE)
		return da_err_set(s->err, DA_EINVAL,
				  "cannot read '%s': line %lu: line number "
				  "%" PRIu64 " out of range (1 to %u)",
				  s->name, s->lineno, v, DA_MAX_COV_LINE);
	*ret = (uint32_t)v;
	return 0;
}

/* A model error gets the report's name and line in front. */
static int model_err(struct lcov *s, int r)
{
	da_err_prefix(s->err, "cannot read '%s': line %lu", s->name, s->lineno);
	return r;
}

static int open_record(struct lcov *s, const char *v)
{
	int r;

	if (s->file)
		return bad(s, "SF before end_of_record", "");
	if (!*v)
		return bad(s, "empty ", "SF path");
	r = cov_map_file(s->p, v, &s->path, &s->file, s->err);
	if (r < 0)
		return model_err(s, r);
	if (s->fnl)
		memset(s->fnl, 0, s->nfnl * sizeof(*s->fnl));
	return 0;
}

static int fn_index(struct lcov *s, const char *p, const char *end,
		    uint64_t *ret)
{
	if (cov_parse_u64(p, end, ret) < 0)
		return bad(s, "non-numeric ", "function index");
	if (*ret >= DA_MAX_LCOV_FN_INDEX)
		return bad(s, "function index too large", "");
	return 0;
}

static int do_fnl(struct lcov *s, const char *v)
{
	const char *c1 = strchr(v, ','), *c2;
	uint64_t idx = 0;
	uint32_t line = 0;
	int r;

	if (!c1)
		return bad(s, "FNL needs index,line", "");
	c2 = strchr(c1 + 1, ',');
	r = fn_index(s, v, c1, &idx);
	if (r < 0)
		return r;
	r = line_field(s, c1 + 1, c2 ? c2 : c1 + strlen(c1), &line);
	if (r < 0)
		return r;
	if (c2 && cov_parse_u64(c2 + 1, c2 + strlen(c2), &(uint64_t){0}) < 0)
		return bad(s, "non-numeric ", "end line");
	if (idx >= s->nfnl) {
		size_t n = s->nfnl ? s->nfnl : 16;
		uint32_t *nv;

		while (n <= idx)
			n *= 2;
		nv = realloc(s->fnl, n * sizeof(*nv));
		if (!nv)
			return da_err_set(s->err, DA_ENOMEM,
					  "cannot read '%s': out of memory",
					  s->name);
		memset(nv + s->nfnl, 0, (n - s->nfnl) * sizeof(*nv));
		s->fnl = nv;
		s->nfnl = n;
	}
	s->fnl[idx] = line;
	return 0;
}

static int do_fna(struct lcov *s, const char *v)
{
	const char *c1 = strchr(v, ','), *c2;
	uint64_t idx, hits;
	int r;

	c2 = c1 ? strchr(c1 + 1, ',') : NULL;
	if (!c2 || !c2[1])
		return bad(s, "FNA needs index,count,name", "");
	r = fn_index(s, v, c1, &idx);
	if (r < 0)
		return r;
	r = count_field(s, c1 + 1, c2, "function count", &hits);
	if (r < 0)
		return r;
	r = cov_function_add(s->file, c2 + 1, idx < s->nfnl ? s->fnl[idx] : 0,
			     hits, s->err);
	return r < 0 ? model_err(s, r) : 0;
}

static int do_fn(struct lcov *s, const char *v)
{
	const char *c1 = strchr(v, ','), *name, *c2;
	uint64_t end = 0;
	uint32_t line = 0;
	int r;

	if (!c1 || !c1[1])
		return bad(s, "FN needs line,name", "");
	r = line_field(s, v, c1, &line);
	if (r < 0)
		return r;
	name = c1 + 1;
	/* FN:start,end,name when the second field is a number. */
	c2 = strchr(name, ',');
	if (c2 && c2[1] && cov_parse_u64(name, c2, &end) == 0)
		name = c2 + 1;
	r = cov_function_add(s->file, name, line, 0, s->err);
	return r < 0 ? model_err(s, r) : 0;
}

static int do_fnda(struct lcov *s, const char *v)
{
	const char *c1 = strchr(v, ',');
	uint64_t hits = 0;
	int r;

	if (!c1 || !c1[1])
		return bad(s, "FNDA needs count,name", "");
	r = count_field(s, v, c1, "function count", &hits);
	if (r < 0)
		return r;
	r = cov_function_add(s->file, c1 + 1, 0, hits, s->err);
	return r < 0 ? model_err(s, r) : 0;
}

static int do_brda(struct lcov *s, char *v)
{
	char *c1 = strchr(v, ','), *c2, *last;
	uint64_t taken = 0;
	int64_t t;
	uint32_t line = 0;
	int r;

	c2 = c1 ? strchr(c1 + 1, ',') : NULL;
	last = strrchr(v, ',');
	if (!c2 || last == c2 || c2 == c1 + 1 || last == c2 + 1)
		return bad(s, "BRDA needs line,block,branch,taken", "");
	r = line_field(s, v, c1, &line);
	if (r < 0)
		return r;
	if (strcmp(last + 1, "-") == 0) {
		t = -1;
	} else {
		r = count_field(s, last + 1, last + strlen(last),
				"branch count", &taken);
		if (r < 0)
			return r;
		t = taken > INT64_MAX ? INT64_MAX : (int64_t)taken;
	}
	*last = '\0';
	r = cov_branch_add(s->file, line, c1 + 1, t, s->err);
	return r < 0 ? model_err(s, r) : 0;
}

static int do_da(struct lcov *s, const char *v)
{
	const char *c1 = strchr(v, ','), *c2;
	uint64_t hits = 0;
	uint32_t line = 0;
	int r;

	if (!c1)
		return bad(s, "DA needs line,count", "");
	c2 = strchr(c1 + 1, ',');
	r = line_field(s, v, c1, &line);
	if (r < 0)
		return r;
	r = count_field(s, c1 + 1, c2 ? c2 : c1 + strlen(c1), "line count",
			&hits);
	if (r < 0)
		return r;
	r = cov_line_add(s->file, line, hits, s->err);
	return r < 0 ? model_err(s, r) : 0;
}

static int do_sum(struct lcov *s, const char *key, const char *v)
{
	uint64_t n;
	int r = count_field(s, v, v + strlen(v), key, &n);

	if (r < 0)
		return r;
	if (strcmp(key, "LF") == 0) {
		s->lf += n;
		s->seen_lf = 1;
	} else if (strcmp(key, "LH") == 0) {
		s->lh += n;
	}
	return 0;
}

static int is_keyword(const char *p, const char *end)
{
	if (p == end)
		return 0;
	for (; p < end; p++)
		if (!((*p >= 'A' && *p <= 'Z') || *p == '_' ||
		      (*p >= '0' && *p <= '9')))
			return 0;
	return 1;
}

static int do_line(struct lcov *s, char *text)
{
	char *colon, *v;
	size_t n = strlen(text);

	while (n && (text[n - 1] == ' ' || text[n - 1] == '\t'))
		text[--n] = '\0';
	if (s->lineno == 1 && strncmp(text, "\xef\xbb\xbf", 3) == 0)
		text += 3;
	if (!*text || *text == '#' || *text == ';')
		return 0;
	if (strcmp(text, "end_of_record") == 0) {
		if (!s->file)
			return bad(s, "end_of_record without SF", "");
		s->file = NULL;
		return 0;
	}
	colon = strchr(text, ':');
	if (!colon || !is_keyword(text, colon))
		return bad(s, "not an LCOV line", "");
	*colon = '\0';
	v = colon + 1;
	if (strcmp(text, "TN") == 0)
		return 0;
	if (strcmp(text, "SF") == 0)
		return open_record(s, v);
	if (strcmp(text, "LF") == 0 || strcmp(text, "LH") == 0 ||
	    strcmp(text, "FNF") == 0 || strcmp(text, "FNH") == 0 ||
	    strcmp(text, "BRF") == 0 || strcmp(text, "BRH") == 0) {
		if (!s->file)
			return bad(s, text, " without SF");
		return do_sum(s, text, v);
	}
	if (strcmp(text, "DA") != 0 && strcmp(text, "FN") != 0 &&
	    strcmp(text, "FNDA") != 0 && strcmp(text, "FNL") != 0 &&
	    strcmp(text, "FNA") != 0 && strcmp(text, "BRDA") != 0)
		return 0; /* VER, MCDC, MCF, MCH and later additions */
	if (!s->file)
		return bad(s, text, " without SF");
	if (strcmp(text, "DA") == 0)
		return do_da(s, v);
	if (strcmp(text, "BRDA") == 0)
		return do_brda(s, v);
	if (strcmp(text, "FN") == 0)
		return do_fn(s, v);
	if (strcmp(text, "FNDA") == 0)
		return do_fnda(s, v);
	if (strcmp(text, "FNL") == 0)
		return do_fnl(s, v);
	return do_fna(s, v);
}

static int on_line(void *ctx, char *text, unsigned long lineno)
{
	struct lcov *s = ctx;

	s->lineno = lineno;
	return do_line(s, text);
}

int cov_parse_lcov_stream(const struct cov_parse *p, FILE *in, const char *name,
			  struct da_err *err)
{
	struct lcov s;
	int r;

	memset(&s, 0, sizeof(s));
	s.p = p;
	s.name = name;
	s.err = err;
	da_buf_init(&s.path, DA_MAX_COV_NAME + 1);
	r = cov_text_each(p, in, name, on_line, &s, err);
	if (r < 0)
		goto out;
	if (s.file) {
		r = da_err_set(err, DA_EINVAL,
			       "cannot read '%s': the record of '%s' has no "
			       "end_of_record (cut report?)",
			       name, cov_file_path(s.file));
		goto out;
	}
	r = 0;
	if (s.seen_lf)
		r = cov_model_summary(p->model, COV_LINES,
				      s.lh > s.lf ? s.lf : s.lh, s.lf, name,
				      err);
out:
	free(s.fnl);
	da_buf_release(&s.path);
	return r;
}

int cov_parse_lcov(const struct cov_parse *p, const char *path,
		   struct da_err *err)
{
	return cov_parse_path(p, path, cov_parse_lcov_stream, err);
}
