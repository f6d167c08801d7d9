/*
 * detect.c: which coverage format a report is, from its first bytes.
 *
 * Only the head (DA_COV_HEAD bytes) is looked at:
 *   "mode:" first                       Go coverprofile
 *   first text line TN: or SF:          LCOV (blank, '#' and ';' lines
 *                                       before it are skipped)
 *   '<': the root element after the prolog, DOCTYPE and comments:
 *     coverage with <packages or line-rate      Cobertura
 *     coverage with <project                    Clover
 *     report                                    JaCoCo
 *   '{': "statementMap" in the head      Istanbul coverage-final.json
 *        "total" and "pct" in the head   Istanbul coverage-summary.json
 * A UTF-8 byte order mark and leading white space are skipped.
 *
 * cov_parse_any() reads the head without consuming it: a file is opened
 * twice; standard input is read with pread() when it is seekable, and is
 * otherwise copied to an unnamed temporary file (at most
 * DA_MAX_COV_STDIN bytes) that then becomes standard input.
 */
#include "actions/coverage-gate/model.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DA_COV_HEAD 4096
#define DA_MAX_COV_STDIN ((off_t)1 << 30) /* bytes of a piped report */

const char *cov_format_name(enum cov_format format)
{
	switch (format) {
	case COV_FORMAT_LCOV:
		return "lcov";
	case COV_FORMAT_COBERTURA:
		return "cobertura";
	case COV_FORMAT_JACOCO:
		return "jacoco";
	case COV_FORMAT_GO:
		return "go";
	case COV_FORMAT_ISTANBUL:
		return "istanbul";
	case COV_FORMAT_ISTANBUL_SUMMARY:
		return "istanbul-summary";
	case COV_FORMAT_CLOVER:
		return "clover";
	case COV_FORMAT_UNKNOWN:
		break;
	}
	return "unknown";
}

/* memmem() on the head, without relying on _GNU_SOURCE. */
static int has(const char *p, size_t n, const char *needle)
{
	size_t k = strlen(needle), i;

	for (i = 0; k <= n && i <= n - k; i++)
		if (p[i] == needle[0] && memcmp(p + i, needle, k) == 0)
			return 1;
	return 0;
}

static int starts(const char *p, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);

	return n >= k && memcmp(p, prefix, k) == 0;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Skips to just past the first end (a string) at or after p; NULL if none. */
static const char *skip_past(const char *p, const char *end, const char *e)
{
	size_t k = strlen(e);

	for (; p + k <= end; p++)
		if (memcmp(p, e, k) == 0)
			return p + k;
	return NULL;
}

/*
 * Past a <!DOCTYPE ...> declaration, whose internal subset "[ ... ]" may
 * hold '>' of its own (entity declarations). NULL when it does not end.
 */
static const char *skip_decl(const char *p, const char *end)
{
	const char *q;

	for (q = p; q < end && *q != '>' && *q != '['; q++)
		;
	if (q < end && *q == '[') {
		q = skip_past(q, end, "]");
		if (!q)
			return NULL;
	}
	return skip_past(q, end, ">");
}

static enum cov_format detect_xml(const char *p, const char *end)
{
	const char *name;
	size_t n;

	for (;;) {
		while (p < end && is_space(*p))
			p++;
		if (p >= end || *p != '<')
			return COV_FORMAT_UNKNOWN;
		if (starts(p, (size_t)(end - p), "<?"))
			p = skip_past(p, end, "?>");
		else if (starts(p, (size_t)(end - p), "<!--"))
			p = skip_past(p, end, "-->");
		else if (starts(p, (size_t)(end - p), "<!"))
			p = skip_decl(p, end);
		else
			break;
		if (!p)
			return COV_FORMAT_UNKNOWN;
	}
	name = ++p;
	while (p < end && !is_space(*p) && *p != '>' && *p != '/')
		p++;
	n = (size_t)(p - name);
	if (n == 6 && memcmp(name, "report", 6) == 0)
		return COV_FORMAT_JACOCO;
	if (n != 8 || memcmp(name, "coverage", 8) != 0)
		return COV_FORMAT_UNKNOWN;
	n = (size_t)(end - name);
	if (has(name, n, "<packages") || has(name, n, "line-rate"))
		return COV_FORMAT_COBERTURA;
	if (has(name, n, "<project"))
		return COV_FORMAT_CLOVER;
	return COV_FORMAT_UNKNOWN;
}

static enum cov_format detect_text(const char *p, const char *end)
{
	const char *eol;

	while (p < end) {
		eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		while (p < eol && is_space(*p))
			p++;
		if (p < eol && *p != '#' && *p != ';') {
			if (starts(p, (size_t)(eol - p), "TN:") ||
			    starts(p, (size_t)(eol - p), "SF:"))
				return COV_FORMAT_LCOV;
			return COV_FORMAT_UNKNOWN;
		}
		p = eol + (eol < end);
	}
	return COV_FORMAT_UNKNOWN;
}

enum cov_format cov_detect(const char *head, size_t n)
{
	const char *p = head, *end;

	if (!head)
		return COV_FORMAT_UNKNOWN;
	end = head + n;
	if (starts(p, n, "\xef\xbb\xbf"))
		p += 3;
	if (starts(p, (size_t)(end - p), "mode:"))
		return COV_FORMAT_GO;
	while (p < end && is_space(*p))
		p++;
	if (p < end && *p == '<')
		return detect_xml(p, end);
	if (p < end && *p == '{') {
		if (has(p, (size_t)(end - p), "\"statementMap\""))
			return COV_FORMAT_ISTANBUL;
		if (has(p, (size_t)(end - p), "\"total\"") &&
		    has(p, (size_t)(end - p), "\"pct\""))
			return COV_FORMAT_ISTANBUL_SUMMARY;
		return COV_FORMAT_UNKNOWN;
	}
	return detect_text(p, end);
}

/* Makes standard input a seekable file, copying a pipe if need be. */
static int stdin_seekable(struct da_err *err)
{
	char buf[8192];
	FILE *tmp;
	ssize_t n;
	off_t total = 0;
	int r = 0;

	if (lseek(0, 0, SEEK_CUR) >= 0)
		return 0;
	tmp = tmpfile();
	if (!tmp)
		return da_err_set(err, DA_EIO, "cannot copy standard input: %s",
				  strerror(errno));
	for (;;) {
		n = read(0, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = da_err_set(err, DA_EIO,
				       "cannot read standard input: %s",
				       strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		total += n;
		if (total > DA_MAX_COV_STDIN) {
			r = da_err_set(err, DA_ELIMIT,
				       "cannot read standard input: more than "
				       "%lld bytes",
				       (long long)DA_MAX_COV_STDIN);
			goto out;
		}
		if (fwrite(buf, 1, (size_t)n, tmp) != (size_t)n) {
			r = da_err_set(err, DA_EIO,
				       "cannot copy standard input: %s",
				       strerror(errno));
			goto out;
		}
	}
	if (fflush(tmp) != 0 || dup2(fileno(tmp), 0) < 0 ||
	    lseek(0, 0, SEEK_SET) < 0) {
		r = da_err_set(err, DA_EIO, "cannot copy standard input: %s",
			       strerror(errno));
		goto out;
	}
	clearerr(stdin);
out:
	fclose(tmp);
	return r;
}

static int read_head(const char *path, char *head, size_t *ret_n,
		     struct da_err *err)
{
	size_t n = 0;
	ssize_t got;
	off_t at;
	struct stat st;
	FILE *in;
	int r;

	if (strcmp(path, "-") == 0) {
		r = stdin_seekable(err);
		if (r < 0)
			return r;
		at = lseek(0, 0, SEEK_CUR);
		while (n < DA_COV_HEAD) {
			got =
			    pread(0, head + n, DA_COV_HEAD - n, at + (off_t)n);
			if (got < 0 && errno == EINTR)
				continue;
			if (got < 0)
				return da_err_set(err, DA_EIO,
						  "cannot read standard "
						  "input: %s",
						  strerror(errno));
			if (got == 0)
				break;
			n += (size_t)got;
		}
		*ret_n = n;
		return 0;
	}
	in = fopen(path, "rb");
	if (!in)
		return da_err_set(err, errno == ENOENT ? DA_ENOENT : DA_EIO,
				  "cannot open '%s': %s", path,
				  strerror(errno));
	if (fstat(fileno(in), &st) == 0 && S_ISDIR(st.st_mode)) {
		(void)fclose(in);
		return da_err_set(err, DA_EINVAL,
				  "cannot read '%s': it is a directory; name "
				  "a report file or a glob",
				  path);
	}
	n = fread(head, 1, DA_COV_HEAD, in);
	r = ferror(in);
	/* Opened for reading only: ferror() above already saw any fault. */
	(void)fclose(in);
	if (r)
		return da_err_set(err, DA_EIO, "cannot read '%s'", path);
	*ret_n = n;
	return 0;
}

int cov_parse_any(const struct cov_parse *p, const char *path,
		  enum cov_format *ret_format, struct da_err *err)
{
	char head[DA_COV_HEAD];
	enum cov_format f;
	size_t n = 0;
	int r;

	r = read_head(path, head, &n, err);
	if (r < 0)
		return r;
	f = cov_detect(head, n);
	cov_model_report_begin(p->model);
	switch (f) {
	case COV_FORMAT_LCOV:
		r = cov_parse_lcov(p, path, err);
		break;
	case COV_FORMAT_GO:
		r = cov_parse_go(p, path, err);
		break;
	case COV_FORMAT_COBERTURA:
		r = cov_parse_cobertura(p, path, err);
		break;
	case COV_FORMAT_CLOVER:
		r = cov_parse_clover(p, path, err);
		break;
	case COV_FORMAT_JACOCO:
		r = cov_parse_jacoco(p, path, err);
		break;
	case COV_FORMAT_ISTANBUL:
		r = cov_parse_istanbul(p, path, err);
		break;
	case COV_FORMAT_ISTANBUL_SUMMARY:
		r = cov_parse_istanbul_summary(p, path, err);
		break;
	case COV_FORMAT_UNKNOWN:
	default:
		if (n == 0)
			return da_err_set(err, DA_EINVAL,
					  "cannot read '%s': the report is "
					  "empty",
					  strcmp(path, "-") ? path
							    : "standard input");
		return da_err_set(err, DA_EINVAL,
				  "cannot read '%s': unknown coverage format "
				  "(not lcov, cobertura, jacoco, go, "
				  "istanbul or clover)",
				  strcmp(path, "-") ? path : "standard input");
	}
	if (r < 0)
		return r;
	if (ret_format)
		*ret_format = f;
	return 0;
}
