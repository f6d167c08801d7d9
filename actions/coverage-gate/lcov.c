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
 *                      cov_model_summary() for the mismatch warning,
 *                      when a record's own LF/LH differ from its DA
 *                      lines (or it has none: the fallback)
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

/* Kinds of hints (parse.h): the k-th FN, FNDA or BRDA line of a record. */
enum { HINT_FN, HINT_FNDA, HINT_BRDA };

struct lcov {
	const struct cov_parse *p;
	const char *name;
	unsigned long lineno;
	struct cov_file *file; /* open record, or NULL */
	uint32_t *fnl;	       /* FNL index -> start line (0: none) */
	size_t nfnl;
	size_t fnl_used; /* fnl[0..fnl_used) may be set in this record */
	uint64_t lf, lh;
	int seen_lf;
	/* The open record's own DA lines and LF/LH, and whether any record
	 * so far said other LF/LH than its own lines: only then is the
	 * report's sum handed on for the mismatch warning (a tracefile that
	 * repeats a file once per test sums LF over the repeats, which no
	 * merged figure can equal). */
	uint64_t rec_da, rec_hit, rec_lf, rec_lh;
	int rec_seen_lf, disagree;
	struct da_buf path;
	/* The SF path of the last record and its file: a merged tracefile
	 * repeats each file's record once per test, one after the other. */
	struct da_buf last_sf;
	struct cov_file *last_file;
	struct cov_hints hints;
	struct cov_file_hints *fh; /* the open record's file's */
	size_t k[3];		   /* lines of each kind in the record */
	struct da_err *err;
};

/* The hint of the next line of a kind in the record, or NULL. */
static struct cov_hint *next_hint(struct lcov *s, unsigned kind)
{
	return cov_hint_at(&s->hints, s->fh, kind, s->k[kind]++);
}

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

static void close_record(struct lcov *s)
{
	if (s->rec_seen_lf &&
	    (s->rec_lf != s->rec_da || s->rec_lh != s->rec_hit))
		s->disagree = 1;
	s->file = NULL;
}

static int open_record(struct lcov *s, const char *v, size_t n)
{
	int r;

	if (s->file)
		return bad(s, "SF before end_of_record", "");
	if (!*v)
		return bad(s, "empty ", "SF path");
	if (s->fnl_used)
		memset(s->fnl, 0, s->fnl_used * sizeof(*s->fnl));
	s->fnl_used = 0;
	s->k[HINT_FN] = s->k[HINT_FNDA] = s->k[HINT_BRDA] = 0;
	s->rec_da = s->rec_hit = s->rec_lf = s->rec_lh = 0;
	s->rec_seen_lf = 0;
	if (s->last_file && s->last_sf.len == n &&
	    cov_same_bytes(s->last_sf.data, v, n)) {
		s->file = s->last_file;
		return 0;
	}
	s->last_file = NULL;
	r = cov_map_file(s->p, v, &s->path, &s->file, s->err);
	if (r < 0)
		return model_err(s, r);
	da_buf_reset(&s->last_sf);
	/* A path too long to remember is only not cached. */
	if (da_buf_add(&s->last_sf, v, n) == 0)
		s->last_file = s->file;
	s->fh = cov_hints_for(&s->hints, s->file);
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
	if (idx >= s->fnl_used)
		s->fnl_used = (size_t)idx + 1;
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

static int do_fn_slow(struct lcov *s, const char *v)
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

static int do_fnda_slow(struct lcov *s, const char *v)
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

static int do_brda_slow(struct lcov *s, char *v)
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

static int do_da_slow(struct lcov *s, const char *v)
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
	s->rec_da++;
	s->rec_hit += hits != 0;
	return r < 0 ? model_err(s, r) : 0;
}

/*
 * The fast forms of the record lines, which make up nearly all of a
 * report. They run once per line of reports of millions of lines, so they
 * are written for it (see COV_HOT in parse.h). Plain digits are read here;
 * anything else (a sign, an overflow, a line out of range, a missing
 * field) goes to the _slow functions above for their exact messages.
 */
/* The line number (1 to DA_MAX_COV_LINE) at p, followed by a ','. */
COV_HOT struct cov_num line_at(const char *p)
{
	struct cov_num a = cov_digits8(p);

	/* Eight digits or more: do_*_slow() reads them. */
	if (a.n == 8 || p[a.n] != ',' || a.v == 0)
		a.n = 0;
	return a;
}

/*
 * Below, v is the value of a line without its NUL, and end is the byte
 * after the line, which is no digit and no ','. The NUL is written only
 * where a C string is needed (a name, or the slow path).
 */

/* DA:line,count[,checksum] */
COV_HOT int do_da(struct lcov *s, char *v, char *end)
{
	struct cov_num line = line_at(v), hits;
	const char *p;
	int r;

	if (!line.n)
		goto slow;
	p = v + line.n + 1;
	hits = cov_count_at(p);
	p += hits.n;
	if (!hits.n || (p != end && *p != ','))
		goto slow;
	r = cov_line_add(s->file, (uint32_t)line.v, hits.v, s->err);
	s->rec_da++;
	s->rec_hit += hits.v != 0;
	return r < 0 ? model_err(s, r) : 0;
slow:
	*end = '\0';
	return do_da_slow(s, v);
}

/* BRDA:line,block,branch,taken */
COV_HOT int do_brda(struct lcov *s, char *v, char *end)
{
	struct cov_num line = line_at(v), taken;
	char *c1, *c2, *last;
	int64_t t = -1;
	int r;

	if (!line.n)
		goto slow;
	c1 = v + line.n;
	for (c2 = c1 + 1; c2 < end && *c2 != ','; c2++)
		;
	for (last = end - 1; last > c2 && *last != ','; last--)
		;
	/* As do_brda_slow() requires: a block, a branch and a taken. */
	if (c2 == end || c2 == c1 + 1 || last == c2 || last == c2 + 1)
		goto slow;
	if (last + 2 != end || last[1] != '-') {
		taken = cov_count_at(last + 1);
		if (!taken.n || last + 1 + taken.n != end)
			goto slow;
		t = taken.v > INT64_MAX ? INT64_MAX : (int64_t)taken.v;
	}
	*last = '\0';
	r = cov_branch_add_hint(s->file, (uint32_t)line.v, c1 + 1,
				(size_t)(last - c1 - 1), t,
				next_hint(s, HINT_BRDA), s->err);
	return r < 0 ? model_err(s, r) : 0;
slow:
	*end = '\0';
	return do_brda_slow(s, v);
}

/* FNDA:count,name */
COV_HOT int do_fnda(struct lcov *s, char *v, char *end)
{
	struct cov_num hits = cov_count_at(v);
	const char *p = v + hits.n;
	int r;

	if (!hits.n || *p != ',' || p + 1 == end) {
		*end = '\0';
		return do_fnda_slow(s, v);
	}
	*end = '\0';
	r = cov_function_add_hint(s->file, p + 1, (size_t)(end - p - 1), 0,
				  hits.v, next_hint(s, HINT_FNDA), s->err);
	return r < 0 ? model_err(s, r) : 0;
}

/* FN:line,name or FN:line,end,name */
COV_HOT int do_fn(struct lcov *s, char *v, char *end)
{
	struct cov_num line = line_at(v), e;
	const char *name;
	int r;

	if (!line.n || v + line.n + 1 == end)
		goto slow;
	name = v + line.n + 1;
	/* A number and a ',' with something after it: the end line. */
	e = cov_count_at(name);
	if (e.n && name[e.n] == ',' && name + e.n + 1 != end)
		name += e.n + 1;
	else if (!e.n && *name >= '0' && *name <= '9')
		goto slow; /* a long number */
	*end = '\0';
	r = cov_function_add_hint(s->file, name, (size_t)(end - name),
				  (uint32_t)line.v, 0, next_hint(s, HINT_FN),
				  s->err);
	return r < 0 ? model_err(s, r) : 0;
slow:
	*end = '\0';
	return do_fn_slow(s, v);
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
		s->rec_lf = n;
		s->rec_seen_lf = 1;
	} else if (strcmp(key, "LH") == 0) {
		s->lh += n;
		s->rec_lh = n;
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

static int do_line(struct lcov *s, char *text, size_t n)
{
	char *colon, *v;

	while (n && (text[n - 1] == ' ' || text[n - 1] == '\t'))
		n--;
	if (s->lineno == 1 && n >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
		text += 3;
		n -= 3;
	}
	if (!n || *text == '#' || *text == ';')
		return 0;
	/*
	 * The record lines first, without the keyword search below. Byte by
	 * byte: the byte after the line is no letter and no ':' and stops a
	 * comparison that reaches it.
	 */
	if (s->file) {
		if (text[0] == 'D' && text[1] == 'A' && text[2] == ':')
			return do_da(s, text + 3, text + n);
		if (text[0] == 'B' && text[1] == 'R' && text[2] == 'D' &&
		    text[3] == 'A' && text[4] == ':')
			return do_brda(s, text + 5, text + n);
		if (text[0] == 'F' && text[1] == 'N') {
			if (text[2] == 'D' && text[3] == 'A' && text[4] == ':')
				return do_fnda(s, text + 5, text + n);
			if (text[2] == ':')
				return do_fn(s, text + 3, text + n);
		}
	}
	text[n] = '\0';
	/* The other lines of every record, before the search below. */
	if (s->file && n == 13 && memcmp(text, "end_of_record", 13) == 0) {
		close_record(s);
		return 0;
	}
	if (s->file && text[0] == 'L' && (text[1] == 'F' || text[1] == 'H') &&
	    text[2] == ':') {
		text[2] = '\0';
		return do_sum(s, text, text + 3);
	}
	if (strcmp(text, "end_of_record") == 0) {
		if (!s->file)
			return bad(s, "end_of_record without SF", "");
		close_record(s);
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
		return open_record(s, v, n - (size_t)(v - text));
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
	/* DA, BRDA, FN and FNDA in a record were read above. */
	if (strcmp(text, "FNL") == 0)
		return do_fnl(s, v);
	return do_fna(s, v);
}

int cov_parse_lcov_stream(const struct cov_parse *p, FILE *in, const char *name,
			  struct da_err *err)
{
	struct lcov s;
	struct cov_text t;
	char *text = NULL;
	size_t len = 0;
	int r;

	memset(&s, 0, sizeof(s));
	s.p = p;
	s.name = name;
	s.err = err;
	da_buf_init(&s.path, DA_MAX_COV_NAME + 1);
	da_buf_init(&s.last_sf, DA_MAX_COV_TEXT_LINE);
	r = cov_text_open(&t, p, in, name, err);
	while (r == 0 && (r = cov_text_next(&t, &text, &len, err)) > 0) {
		s.lineno = t.lineno;
		r = do_line(&s, text, len);
	}
	cov_text_close(&t);
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
	if (s.seen_lf && s.disagree)
		r = cov_model_summary(p->model, COV_LINES,
				      s.lh > s.lf ? s.lf : s.lh, s.lf, name,
				      err);
out:
	free(s.fnl);
	da_buf_release(&s.path);
	da_buf_release(&s.last_sf);
	cov_hints_free(&s.hints);
	return r;
}

int cov_parse_lcov(const struct cov_parse *p, const char *path,
		   struct da_err *err)
{
	return cov_parse_path(p, path, cov_parse_lcov_stream, err);
}
