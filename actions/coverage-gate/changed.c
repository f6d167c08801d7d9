/*
 * changed.c: the lines a change adds, from git, and their coverage.
 *
 * The diff parser walks each hunk's body rather than trusting its header:
 * an added line is a '+' line, numbered from the header's new start and
 * counted on by '+' and context lines, and the header's counts must match
 * the body exactly. So memory follows the lines the text really holds (a
 * header claiming a million lines costs nothing), context lines (from a
 * diff.interHunkContext setting, say) are never taken for added ones, and
 * a "+++" inside a hunk body is an added line, never a file header.
 *
 * Outside hunks, "+++ NAME" opens a file ("/dev/null": a deleted file),
 * "--- NAME" and "diff ..." close it until the next "+++", and the other
 * lines git writes between files (index, modes, similarity, rename and
 * copy lines, "Binary files ... differ", "\ No newline at end of file")
 * are read past. A stray '+' or '-' line after a file's hunks means the
 * counts were wrong and is an error, as is any hunk outside a file.
 *
 * Files that gain no line (deletions only, pure renames, binary files)
 * are not listed. A file named twice (concatenated diffs) is merged.
 */
#include "actions/coverage-gate/changed.h"
#include "actions/coverage-gate/parse.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/fs.h"
#include "common/gha.h"
#include "common/json.h"
#include "common/proc.h"

/* The pull request event file read at most. */
#define DA_MAX_EVENT_FILE ((size_t)64 << 20)
/* A ref as given or read from the event (a sha is 40 or 64). */
#define DA_MAX_GIT_REF 1024

struct diff_file {
	char *path;
	uint32_t *lines;
	size_t n, cap;
};

struct cov_diff {
	struct diff_file *files;
	size_t n, cap;
};

struct diff_parse {
	struct cov_diff *diff;
	unsigned long lineno;
	int in_file;	   /* a "+++" opened a file and no header closed it */
	size_t cur;	   /* its entry; SIZE_MAX for /dev/null */
	int in_hunk;	   /* inside a hunk's body */
	uint64_t old_left; /* '-' and context lines the hunk still owes */
	uint64_t new_left; /* '+' and context lines the hunk still owes */
	uint32_t next;	   /* the new-side number of the next line */
	uint64_t nlines;   /* added lines so far, for the ceiling */
	struct da_buf name;
	struct da_err *err;
};

static int bad(struct diff_parse *s, int e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int bad(struct diff_parse *s, int e, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return da_err_set(s->err, e, "cannot read the diff: line %lu: %s",
			  s->lineno, what);
}

void cov_diff_free(struct cov_diff *diff)
{
	size_t i;

	if (!diff)
		return;
	for (i = 0; i < diff->n; i++) {
		free(diff->files[i].path);
		free(diff->files[i].lines);
	}
	free(diff->files);
	free(diff);
}

size_t cov_diff_files(const struct cov_diff *diff)
{
	return diff ? diff->n : 0;
}

const char *cov_diff_path(const struct cov_diff *diff, size_t i)
{
	return diff && i < diff->n ? diff->files[i].path : NULL;
}

const uint32_t *cov_diff_lines(const struct cov_diff *diff, size_t i,
			       size_t *ret_n)
{
	if (!diff || i >= diff->n) {
		*ret_n = 0;
		return NULL;
	}
	*ret_n = diff->files[i].n;
	return diff->files[i].lines;
}

/* Whether [p, end) starts with the string s. */
static int starts(const char *p, const char *end, const char *s)
{
	size_t n = strlen(s);

	return (size_t)(end - p) >= n && memcmp(p, s, n) == 0;
}

/*
 * Unquotes a C-quoted name as git writes it ("b/a\tb.c", octal "\303\251"
 * for bytes) from p, just past the opening '"', into out; *ret_p is left
 * just past the closing '"'.
 */
static int unquote(struct diff_parse *s, const char *p, const char *end,
		   struct da_buf *out, const char **ret_p)
{
	static const char from[] = "abtnvfr\\\"", to[] = "\a\b\t\n\v\f\r\\\"";
	const char *q;
	int c;

	while (p < end && *p != '"') {
		c = (unsigned char)*p++;
		if (c == '\\') {
			if (p == end)
				break;
			if (*p >= '0' && *p <= '3') {
				if (end - p < 3 || p[1] < '0' || p[1] > '7' ||
				    p[2] < '0' || p[2] > '7')
					return bad(s, DA_EINVAL,
						   "bad octal escape in a "
						   "quoted name");
				c = (p[0] - '0') << 6 | (p[1] - '0') << 3 |
				    (p[2] - '0');
				p += 3;
			} else if ((q = memchr(from, *p, sizeof(from) - 1))) {
				c = (unsigned char)to[q - from];
				p++;
			} else {
				return bad(s, DA_EINVAL,
					   "unknown escape in a quoted name");
			}
		}
		if (c == 0)
			return bad(s, DA_EINVAL, "NUL byte in a file name");
		if (da_buf_addch(out, (char)c) < 0)
			return bad(s, DA_ELIMIT, "file name over %d bytes",
				   DA_MAX_FS_PATH);
	}
	if (p == end)
		return bad(s, DA_EINVAL,
			   "quoted name without its closing '\"'");
	*ret_p = p + 1;
	return 0;
}

/*
 * The name of a "+++ " line, [p, end) being what follows "+++ ", into
 * s->name: unquoted, without git's trailing tab (written after a name
 * holding a space) or a carriage return. Returns 1 for /dev/null.
 */
static int plus_name(struct diff_parse *s, const char *p, const char *end)
{
	struct da_buf *name = &s->name;
	const char *tab;
	int r;

	da_buf_reset(name);
	if (end > p && end[-1] == '\r')
		end--;
	if (p < end && *p == '"') {
		r = unquote(s, p + 1, end, name, &p);
		if (r < 0)
			return r;
		if (p < end && *p != '\t')
			return bad(s, DA_EINVAL,
				   "text after a quoted file name");
	} else {
		/* git quotes a name holding a tab, so the first tab ends it. */
		tab = memchr(p, '\t', (size_t)(end - p));
		if (tab)
			end = tab;
		if (memchr(p, '\0', (size_t)(end - p)))
			return bad(s, DA_EINVAL, "NUL byte in a file name");
		if (da_buf_add(name, p, (size_t)(end - p)) < 0)
			return bad(s, DA_ELIMIT, "file name over %d bytes",
				   DA_MAX_FS_PATH);
	}
	if (!strcmp(da_buf_str(name), "/dev/null"))
		return 1;
	if (strncmp(da_buf_str(name), "b/", 2) != 0)
		return bad(s, DA_EINVAL, "'+++' name does not start with 'b/'");
	if (name->len == 2)
		return bad(s, DA_EINVAL, "'+++' name is empty");
	return 0;
}

static int open_file(struct diff_parse *s, const char *p, const char *end)
{
	struct cov_diff *d = s->diff;
	struct diff_file *f;
	size_t cap;
	int r;

	r = plus_name(s, p, end);
	if (r < 0)
		return r;
	s->in_file = 1;
	s->cur = SIZE_MAX;
	if (r == 1)
		return 0;
	if (d->n >= DA_MAX_DIFF_FILES)
		return bad(s, DA_ELIMIT, "more than %d files",
			   DA_MAX_DIFF_FILES);
	if (d->n == d->cap) {
		cap = d->cap ? d->cap * 2 : 16;
		f = realloc(d->files, cap * sizeof(*f));
		if (!f)
			return bad(s, DA_ENOMEM, "out of memory");
		d->files = f;
		d->cap = cap;
	}
	f = &d->files[d->n];
	memset(f, 0, sizeof(*f));
	f->path = strdup(da_buf_str(&s->name) + 2);
	if (!f->path)
		return bad(s, DA_ENOMEM, "out of memory");
	s->cur = d->n++;
	return 0;
}

/* Reads digits at *pp (advanced past them) into *ret: a line number or
 * count, at most DA_MAX_COV_LINE. */
static int hunk_num(const char **pp, const char *end, uint64_t *ret)
{
	const char *p = *pp, *q = p;

	while (q < end && *q >= '0' && *q <= '9')
		q++;
	if (cov_parse_u64(p, q, ret) < 0 || *ret > DA_MAX_COV_LINE)
		return -1;
	*pp = q;
	return 0;
}

/* "START[,COUNT]": COUNT absent is 1. The range must fit the ceiling. */
static int hunk_range(const char **pp, const char *end, uint64_t *ret_start,
		      uint64_t *ret_count)
{
	uint64_t start, count = 1;

	if (hunk_num(pp, end, &start) < 0)
		return -1;
	if (*pp < end && **pp == ',') {
		(*pp)++;
		if (hunk_num(pp, end, &count) < 0)
			return -1;
	}
	if (count > 0 && (start == 0 || start + count - 1 > DA_MAX_COV_LINE))
		return -1;
	*ret_start = start;
	*ret_count = count;
	return 0;
}

/* "@@ -a[,b] +c[,d] @@[ section]" */
static int hunk_header(struct diff_parse *s, const char *p, const char *end)
{
	uint64_t a, b, c, d;

	if (!s->in_file)
		return bad(s, DA_EINVAL, "hunk before any '+++' line");
	p += 3; /* "@@ " */
	if (!starts(p, end, "-"))
		return bad(s, DA_EINVAL, "bad hunk header");
	p++;
	if (hunk_range(&p, end, &a, &b) < 0 || !starts(p, end, " +"))
		return bad(s, DA_EINVAL, "bad hunk header");
	p += 2;
	if (hunk_range(&p, end, &c, &d) < 0 || !starts(p, end, " @@"))
		return bad(s, DA_EINVAL, "bad hunk header");
	p += 3;
	if (p < end && *p != ' ' && *p != '\r')
		return bad(s, DA_EINVAL, "bad hunk header");
	if (d > 0 && s->cur == SIZE_MAX)
		return bad(s, DA_EINVAL, "lines added to /dev/null");
	s->old_left = b;
	s->new_left = d;
	s->next = (uint32_t)c;
	s->in_hunk = b > 0 || d > 0;
	return 0;
}

static int add_line(struct diff_parse *s)
{
	struct diff_file *f = &s->diff->files[s->cur];
	uint32_t *v;
	size_t cap;

	if (s->nlines >= DA_MAX_DIFF_LINES)
		return bad(s, DA_ELIMIT, "more than %u added lines",
			   DA_MAX_DIFF_LINES);
	if (f->n == f->cap) {
		cap = f->cap ? f->cap * 2 : 16;
		v = realloc(f->lines, cap * sizeof(*v));
		if (!v)
			return bad(s, DA_ENOMEM, "out of memory");
		f->lines = v;
		f->cap = cap;
	}
	f->lines[f->n++] = s->next;
	s->nlines++;
	return 0;
}

/* One line of a hunk's body. */
static int body_line(struct diff_parse *s, const char *p, const char *end)
{
	/* An empty line is blank context. */
	int c = p < end ? (unsigned char)*p : ' ';
	int r;

	switch (c) {
	case '+':
		if (!s->new_left)
			return bad(
			    s, DA_EINVAL,
			    "more added lines than the hunk header says");
		/* hunk_header() refused a /dev/null with lines to add;
		 * this says so to the reader and the analyser. */
		if (s->cur >= s->diff->n || !s->diff->files)
			return bad(s, DA_EINVAL,
				   "an added line without a file");
		r = add_line(s);
		if (r < 0)
			return r;
		s->next++;
		s->new_left--;
		break;
	case '-':
		if (!s->old_left)
			return bad(s, DA_EINVAL,
				   "more removed lines than the "
				   "hunk header says");
		s->old_left--;
		break;
	case ' ':
		if (!s->old_left || !s->new_left)
			return bad(s, DA_EINVAL,
				   "more context lines than the "
				   "hunk header says");
		s->old_left--;
		s->new_left--;
		s->next++;
		break;
	case '\\': /* "\ No newline at end of file" */
		return 0;
	default:
		return bad(s, DA_EINVAL,
			   "hunk ends before the lines its header counts");
	}
	s->in_hunk = s->old_left > 0 || s->new_left > 0;
	return 0;
}

static int diff_line(struct diff_parse *s, const char *p, const char *end)
{
	if (s->in_hunk)
		return body_line(s, p, end);
	if (starts(p, end, "@@ "))
		return hunk_header(s, p, end);
	if (starts(p, end, "+++ "))
		return open_file(s, p + 4, end);
	if (starts(p, end, "--- ") || starts(p, end, "diff ")) {
		s->in_file = 0;
		return 0;
	}
	if (s->in_file && p < end && (*p == '+' || *p == '-'))
		return bad(s, DA_EINVAL, "a changed line outside any hunk");
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

static int cmp_file(const void *a, const void *b)
{
	const struct diff_file *x = a, *y = b;

	return strcmp(x->path, y->path);
}

/* Sorts the lines of f and drops repeats. */
static void tidy_lines(struct diff_file *f)
{
	size_t i, k = 0;

	qsort(f->lines, f->n, sizeof(*f->lines), cmp_u32);
	for (i = 0; i < f->n; i++)
		if (!k || f->lines[i] != f->lines[k - 1])
			f->lines[k++] = f->lines[i];
	f->n = k;
}

/*
 * Files in path order, one entry per path (lines of repeats moved into
 * the first), none without lines.
 */
static int tidy(struct cov_diff *d, struct da_err *err)
{
	struct diff_file *f, *g;
	uint32_t *v;
	size_t i, k = 0;

	if (d->n > 1)
		qsort(d->files, d->n, sizeof(*d->files), cmp_file);
	for (i = 0; i < d->n; i++) {
		g = &d->files[i];
		f = k ? &d->files[k - 1] : NULL;
		if (f && !strcmp(f->path, g->path)) {
			/* Both counts sit below DA_MAX_DIFF_LINES. */
			if (g->n) {
				v = realloc(f->lines,
					    (f->n + g->n) * sizeof(*v));
				if (!v)
					return da_err_set(
					    err, DA_ENOMEM,
					    "cannot read the diff: out of "
					    "memory");
				memcpy(v + f->n, g->lines, g->n * sizeof(*v));
				f->lines = v;
				f->n += g->n;
				f->cap = f->n;
			}
			free(g->path);
			free(g->lines);
			g->path = NULL;
			g->lines = NULL;
			g->n = 0;
			continue;
		}
		d->files[k++] = *g;
	}
	d->n = k;
	for (i = k = 0; i < d->n; i++) {
		f = &d->files[i];
		if (!f->n) {
			free(f->path);
			free(f->lines);
			continue;
		}
		tidy_lines(f);
		d->files[k++] = *f;
	}
	d->n = k;
	return 0;
}

int cov_diff_parse(const char *text, size_t len, struct cov_diff **ret,
		   struct da_err *err)
{
	struct diff_parse s;
	const char *p = text, *end = text ? text + len : NULL, *eol;
	int r = 0;

	if (!text) /* no arithmetic on a null pointer, even + 0 */
		p = end = "";
	memset(&s, 0, sizeof(s));
	s.err = err;
	s.cur = SIZE_MAX;
	da_buf_init(&s.name, DA_MAX_FS_PATH + 2);
	s.diff = calloc(1, sizeof(*s.diff));
	if (!s.diff) {
		r = da_err_set(err, DA_ENOMEM,
			       "cannot read the diff: out of memory");
		goto out;
	}
	while (p < end) {
		s.lineno++;
		eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		r = diff_line(&s, p, eol);
		if (r < 0)
			goto out;
		p = eol < end ? eol + 1 : end;
	}
	if (s.in_hunk) {
		r = bad(&s, DA_EINVAL,
			"the diff ends inside a hunk (is it cut short?)");
		goto out;
	}
	r = tidy(s.diff, err);
	if (r < 0)
		goto out;
	*ret = s.diff;
	s.diff = NULL;
out:
	cov_diff_free(s.diff);
	da_buf_release(&s.name);
	return r;
}

/* ---- refs ---- */

static int is_pull_request(const char *event)
{
	return event && (!strcmp(event, "pull_request") ||
			 !strcmp(event, "pull_request_target"));
}

static int put_ref(struct da_buf *out, const char *what, const char *ref,
		   struct da_err *err)
{
	if (strlen(ref) > DA_MAX_GIT_REF || da_buf_adds(out, ref) < 0)
		return da_err_set(err, DA_ELIMIT, "%s ref is too long", what);
	return 0;
}

int cov_changed_refs(const char *base, const char *head,
		     struct da_buf *ret_base, struct da_buf *ret_head,
		     struct da_err *err)
{
	const char *event = da_gha_event_name(), *path;
	const char *b = base, *h = head && *head ? head : NULL;
	json_t *root = NULL;
	struct da_err why = DA_ERR_INIT;
	size_t blen = ret_base->len;
	int r;

	if (!b || !*b) {
		if (!is_pull_request(event))
			return 0;
		path = da_gha_event_path();
		if (!path)
			return da_err_set(err, DA_EINVAL,
					  "the event is '%s' but "
					  "GITHUB_EVENT_PATH is not set",
					  event);
		r = da_json_load_file(path, DA_MAX_EVENT_FILE, 0, &root, &why);
		if (r < 0)
			/* Whatever the cause, the run's context is wrong. */
			return da_err_set(err, DA_EINVAL, "event '%s': %s",
					  event, why.msg);
		b = da_json_str(root, "pull_request.base.sha", NULL);
		if (!b || !*b) {
			r = da_err_set(err, DA_EINVAL,
				       "event file '%s' has no "
				       "pull_request.base.sha",
				       path);
			goto out;
		}
		if (!h)
			h = da_json_str(root, "pull_request.head.sha", NULL);
		if (h && !*h)
			h = NULL;
	}
	r = put_ref(ret_base, "base", b, err);
	if (r < 0)
		goto out;
	r = put_ref(ret_head, "head", h ? h : "HEAD", err);
	if (r < 0) {
		da_buf_truncate(ret_base, blen);
		goto out;
	}
	r = 1;
out:
	json_decref(root);
	return r;
}

/* ---- git ---- */

static const char *const git_env[] = {"GIT_TERMINAL_PROMPT=0", "LC_ALL=C",
				      NULL};

/*
 * da_proc_run() for git: a git that is not installed is the machine's
 * fault, not the input's (exit 3, could not run), unlike a missing
 * workspace, which da_proc_run() reports with its directory.
 */
static int git_run(const char *const argv[], const char *repo,
		   struct da_buf *out, struct da_proc_result *res,
		   struct da_err *err)
{
	int r = da_proc_run(argv, repo, git_env, out, 0, res, err);

	if (r == -DA_ENOENT && strstr(err->msg, "not found on PATH"))
		return da_err_set(err, DA_EIO,
				  "cannot run 'git': not found on PATH; the "
				  "changed-line gate needs git");
	return r;
}

/* "git WHAT failed: <its last words>" */
static int git_failed(const char *what, const struct da_proc_result *res,
		      struct da_err *err)
{
	char why[512];
	const char *r = da_proc_reason(res, why, sizeof(why));

	if (*r)
		return da_err_set(err, DA_EIO, "git %s failed: %s", what, r);
	return da_err_set(err, DA_EIO, "git %s failed: exit status %d", what,
			  res->status);
}

/* Whether ref names a commit of the clone at repo: 1, 0, or an error. */
static int have_commit(const char *repo, const char *ref, struct da_err *err)
{
	struct da_buf spec = DA_BUF_INIT(DA_MAX_GIT_REF + 16);
	struct da_buf out = DA_BUF_INIT(4096);
	struct da_proc_result res;
	const char *argv[] = {"git",	 "rev-parse", "--verify",
			      "--quiet", NULL,	      NULL};
	int r;

	if (da_buf_addf(&spec, "%s^{commit}", ref) < 0) {
		r = da_err_set(err, DA_ELIMIT, "ref '%.64s...' is too long",
			       ref);
		goto out;
	}
	argv[4] = da_buf_str(&spec);
	r = git_run(argv, repo, &out, &res, err);
	if (r < 0)
		goto out;
	/* --quiet: 1 and nothing said for a name that is no commit here. */
	if (res.status == 1)
		r = 0;
	else if (res.status != 0)
		r = git_failed("rev-parse", &res, err);
	else
		r = 1;
out:
	da_buf_release(&spec);
	da_buf_release(&out);
	return r;
}

/* The commit id ref names in repo into out (reset first): 1, 0 when it
 * names none, or an error. */
static int commit_id(const char *repo, const char *ref, struct da_buf *out,
		     struct da_err *err)
{
	struct da_buf spec = DA_BUF_INIT(DA_MAX_GIT_REF + 16);
	struct da_proc_result res;
	const char *argv[] = {"git",	 "rev-parse", "--verify",
			      "--quiet", NULL,	      NULL};
	int r;

	da_buf_reset(out);
	if (*ref == '-')
		return 0;
	if (da_buf_addf(&spec, "%s^{commit}", ref) < 0) {
		da_buf_release(&spec);
		return da_err_set(err, DA_ELIMIT, "ref '%.64s...' is too long",
				  ref);
	}
	argv[4] = da_buf_str(&spec);
	r = git_run(argv, repo, out, &res, err);
	da_buf_release(&spec);
	if (r < 0)
		return r;
	if (res.status == 1)
		return 0;
	if (res.status != 0)
		return git_failed("rev-parse", &res, err);
	while (out->len && (out->data[out->len - 1] == '\n' ||
			    out->data[out->len - 1] == '\r'))
		da_buf_truncate(out, out->len - 1);
	return out->len ? 1 : 0;
}

int cov_changed_tested(const char *repo, struct da_buf *base,
		       struct da_buf *head, struct da_err *err)
{
	struct da_buf at = DA_BUF_INIT(256), want = DA_BUF_INIT(256);
	struct da_buf second = DA_BUF_INIT(256);
	int r;

	r = commit_id(repo, "HEAD", &at, err);
	if (r <= 0)
		goto out; /* no HEAD: leave the refs, the diff will say */
	r = commit_id(repo, da_buf_str(head), &want, err);
	if (r < 0)
		goto out;
	if (r == 1 && !strcmp(da_buf_str(&at), da_buf_str(&want))) {
		r = 0; /* the head itself is checked out */
		goto out;
	}
	r = commit_id(repo, "HEAD^2", &second, err);
	if (r < 0)
		goto out;
	if (r == 1 && want.len &&
	    !strcmp(da_buf_str(&second), da_buf_str(&want))) {
		/* the merge commit of the pull request: what it adds to the
		 * base branch it was merged onto */
		da_buf_reset(base);
		da_buf_reset(head);
		r = da_buf_adds(base, "HEAD^1") < 0 ||
			    da_buf_adds(head, "HEAD") < 0
			? da_err_set(err, DA_ENOMEM, "out of memory")
			: 1;
		goto out;
	}
	/* something else was tested: its own tree, against the base */
	da_buf_reset(head);
	r = da_buf_adds(head, "HEAD") < 0
		? da_err_set(err, DA_ENOMEM, "out of memory")
		: 1;
out:
	da_buf_release(&at);
	da_buf_release(&want);
	da_buf_release(&second);
	return r;
}

static int check_ref(const char *repo, const char *what, const char *ref,
		     struct da_err *err)
{
	int r;

	if (!ref || !*ref)
		return da_err_set(err, DA_EINVAL, "no %s ref to compare", what);
	/* git would read it as an option. */
	if (*ref == '-')
		return da_err_set(err, DA_EINVAL,
				  "%s '%s' starts with '-': not a ref", what,
				  ref);
	r = have_commit(repo, ref, err);
	if (r == 0)
		return da_err_set(err, DA_ENOENT,
				  "%s '%s' is not in this clone; check out "
				  "with fetch-depth: 0",
				  what, ref);
	return r < 0 ? r : 0;
}

/*
 * git diff A...B diffs from the merge base. A shallow clone or unrelated
 * histories have none, and old gits do not say so clearly: ask first.
 */
static int check_merge_base(const char *repo, const char *base,
			    const char *head, struct da_err *err)
{
	struct da_buf out = DA_BUF_INIT(4096);
	struct da_proc_result res;
	const char *argv[] = {"git", "merge-base", base, head, NULL};
	int r;

	r = git_run(argv, repo, &out, &res, err);
	da_buf_release(&out);
	if (r < 0)
		return r;
	if (res.status == 1)
		return da_err_set(err, DA_ENOENT,
				  "no merge base between '%s' and '%s'; "
				  "check out with fetch-depth: 0",
				  base, head);
	if (res.status != 0)
		return git_failed("merge-base", &res, err);
	return 0;
}

int cov_diff_git(const char *repo, const char *base, const char *head,
		 struct cov_diff **ret, struct da_err *err)
{
	struct da_buf range = DA_BUF_INIT(2 * DA_MAX_GIT_REF + 8);
	struct da_buf out = DA_BUF_INIT(DA_MAX_DIFF_BYTES);
	struct da_proc_result res;
	/* The -c settings and prefixes keep a user's configuration
	 * (diff.noprefix, diff.mnemonicPrefix) from changing the names the
	 * parser reads. --relative names files from repo, as git ls-files
	 * there does (cov_paths): a workspace below the repository's top
	 * would otherwise see "sub/a.c" here and "a.c" in the model. */
	const char *argv[] = {"git",
			      "-c",
			      "core.quotePath=false",
			      "-c",
			      "diff.relative=false",
			      "diff",
			      "--no-color",
			      "--no-ext-diff",
			      "--unified=0",
			      "--find-renames",
			      "--diff-filter=AMR",
			      "--src-prefix=a/",
			      "--dst-prefix=b/",
			      "--relative",
			      NULL,
			      "--",
			      NULL};
	int r;

	r = check_ref(repo, "base", base, err);
	if (r < 0)
		goto out;
	r = check_ref(repo, "head", head, err);
	if (r < 0)
		goto out;
	r = check_merge_base(repo, base, head, err);
	if (r < 0)
		goto out;
	if (da_buf_addf(&range, "%s...%s", base, head) < 0) {
		r = da_err_set(err, DA_ELIMIT, "refs too long to compare");
		goto out;
	}
	argv[14] = da_buf_str(&range);
	r = git_run(argv, repo, &out, &res, err);
	if (r < 0)
		goto out;
	if (res.status != 0) {
		r = git_failed("diff", &res, err);
		goto out;
	}
	r = cov_diff_parse(out.data ? out.data : "", out.len, ret, err);
out:
	da_buf_release(&range);
	da_buf_release(&out);
	return r;
}

/* ---- coverage of the changed lines ---- */

/* The model's file named path, by binary search over the path order. */
static struct cov_file *find_file(struct cov_model *model, size_t n,
				  const char *path)
{
	size_t lo = 0, hi = n, mid;
	struct cov_file *f;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		f = cov_model_file(model, mid);
		c = strcmp(cov_file_path(f), path);
		if (c == 0)
			return f;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int dup_ref(const char *s, char **ret, struct da_err *err)
{
	*ret = NULL;
	if (s && !(*ret = strdup(s)))
		return da_err_set(err, DA_ENOMEM, "out of memory");
	return 0;
}

/* The changed lines of one file that the model's f instruments, into cf. */
static int eval_file(const struct cov_file *f, const char *path,
		     const uint32_t *lines, size_t n,
		     struct cov_changed_file *cf, struct da_err *err)
{
	uint64_t hits;
	size_t i;

	memset(cf, 0, sizeof(*cf));
	cf->uncovered = malloc(n * sizeof(*cf->uncovered));
	if (!cf->uncovered)
		return da_err_set(err, DA_ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		if (!cov_file_line(f, lines[i], &hits))
			continue;
		cf->count.total++;
		if (hits > 0)
			cf->count.covered++;
		else
			cf->uncovered[cf->nuncovered++] = lines[i];
	}
	if (!cf->count.total || !cf->nuncovered) {
		free(cf->uncovered);
		cf->uncovered = NULL;
	}
	if (!cf->count.total)
		return 0;
	cf->path = strdup(path);
	if (!cf->path) {
		free(cf->uncovered);
		cf->uncovered = NULL;
		return da_err_set(err, DA_ENOMEM, "out of memory");
	}
	return 0;
}

int cov_changed_eval(struct cov_model *model, const struct cov_diff *diff,
		     const struct cov_policy *policy, const char *base,
		     const char *head, struct cov_changed *ret,
		     struct da_err *err)
{
	struct cov_changed c;
	struct cov_changed_file cf, *v;
	const struct cov_file *f;
	const uint32_t *lines;
	const char *path;
	size_t i, n, nmodel, cap = 0;
	int r;

	memset(&c, 0, sizeof(c));
	r = dup_ref(base, &c.base, err);
	if (r < 0)
		goto out;
	r = dup_ref(head, &c.head, err);
	if (r < 0)
		goto out;
	nmodel = cov_model_files(model);
	for (i = 0; i < cov_diff_files(diff); i++) {
		path = cov_diff_path(diff, i);
		if (!cov_policy_wants(policy, path))
			continue;
		lines = cov_diff_lines(diff, i, &n);
		c.added += n;
		f = find_file(model, nmodel, path);
		if (!f || !n)
			continue;
		r = eval_file(f, path, lines, n, &cf, err);
		if (r < 0)
			goto out;
		if (!cf.count.total)
			continue;
		if (c.nfiles == cap) {
			/* At most one entry per diff file: no overflow. */
			cap = cap ? cap * 2 : 16;
			v = realloc(c.files, cap * sizeof(*v));
			if (!v) {
				free(cf.path);
				free(cf.uncovered);
				r = da_err_set(err, DA_ENOMEM, "out of memory");
				goto out;
			}
			c.files = v;
		}
		c.files[c.nfiles++] = cf;
		c.count.total += cf.count.total;
		c.count.covered += cf.count.covered;
	}
	*ret = c;
	memset(&c, 0, sizeof(c));
	r = 0;
out:
	cov_changed_release(&c);
	return r;
}
