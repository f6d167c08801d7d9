/*
 * parse: number, message and stream helpers of the report parsers.
 */
#include "actions/coverage-gate/parse.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "common/buf.h"

int cov_parse_u64(const char *p, const char *end, uint64_t *ret_v)
{
	uint64_t v = 0;

	if (!p || p == end)
		return -1;
	for (; p < end; p++) {
		uint64_t d;

		if (*p < '0' || *p > '9')
			return -1;
		d = (uint64_t)(*p - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*ret_v = v;
	return 0;
}

int cov_parse_count(const char *s, uint64_t *ret_v)
{
	uint64_t v = 0;
	int neg = 0;

	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		uint64_t d = (uint64_t)(*s - '0');

		if (v > (UINT64_MAX - d) / 10)
			return -3;
		v = v * 10 + d;
	}
	if (*s != '\0')
		return -1;
	if (neg && v != 0)
		return -2;
	*ret_v = v;
	return 0;
}

int cov_xml_fail(const struct da_xml *x, struct da_err *err, int e,
		 const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = da_err_vset(err, e, fmt, ap);
	va_end(ap);
	return cov_xml_where(x, r, err);
}

int cov_xml_where(const struct da_xml *x, int r, struct da_err *err)
{
	da_err_prefix(err, "cannot read '%s': line %lu column %lu",
		      da_xml_name(x), da_xml_line(x), da_xml_column(x));
	return r;
}

unsigned cov_xml_kind(const char *name, const char *const *names, size_t n)
{
	size_t i;

	for (i = 1; i < n; i++)
		if (strcmp(name, names[i]) == 0)
			return (unsigned)i;
	return 0;
}

int cov_xml_root(const struct da_xml *x, const char *name, const char *want,
		 const char *format, struct da_err *err)
{
	if (strcmp(name, want) == 0)
		return 0;
	return cov_xml_fail(x, err, DA_EINVAL,
			    "root element is <%s>, not <%s>; is this a %s "
			    "report?",
			    name, want, format);
}

int cov_count_attr(const struct da_xml *x, const char **attrs, const char *attr,
		   uint64_t *ret_v, struct da_err *err)
{
	const char *v = da_xml_attr(attrs, attr);
	uint64_t n = 0;
	int r;

	if (!v)
		return 0;
	r = cov_parse_count(v, &n);
	if (r == -2)
		return cov_xml_fail(x, err, DA_EINVAL,
				    "negative %s '%s'; counts are 0 or more",
				    attr, v);
	if (r == -3)
		return cov_xml_fail(x, err, DA_EINVAL,
				    "%s '%s' is out of range", attr, v);
	if (r < 0)
		return cov_xml_fail(x, err, DA_EINVAL,
				    "%s '%s' is not a whole number", attr, v);
	*ret_v = n;
	return 1;
}

int cov_map_file(const struct cov_parse *p, const char *raw,
		 struct da_buf *mapped, struct cov_file **ret_file,
		 struct da_err *err)
{
	const char *path = raw;
	int r;

	if (p->map) {
		da_buf_reset(mapped);
		r = p->map(p->map_ctx, raw, mapped, err);
		if (r < 0)
			return r;
		path = da_buf_str(mapped);
		if (!*path)
			return da_err_set(err, DA_EINVAL,
					  "path '%s' maps to an empty path",
					  raw);
	}
	return cov_file_get(p->model, path, ret_file, err);
}

int cov_read_line(FILE *in, struct da_buf *line, int *ret_eof)
{
	int c, got = 0;

	da_buf_reset(line);
	for (;;) {
		c = getc(in);
		if (c == EOF)
			break;
		got = 1;
		if (c == '\n')
			break;
		if (c == '\0')
			return -DA_EINVAL;
		if (line->len >= DA_MAX_COV_TEXT_LINE)
			return -DA_ELIMIT;
		if (da_buf_addch(line, (char)c) < 0)
			return -DA_ENOMEM;
	}
	if (ferror(in))
		return -DA_EIO;
	if (line->len && line->data[line->len - 1] == '\r')
		da_buf_truncate(line, line->len - 1);
	*ret_eof = !got;
	return 0;
}

int cov_text_each(const struct cov_parse *p, FILE *in, const char *name,
		  cov_line_fn on_line, void *ctx, struct da_err *err)
{
	struct da_buf line = DA_BUF_INIT(DA_MAX_COV_TEXT_LINE + 1);
	char empty[1] = "";
	unsigned long lineno = 0;
	int r, eof = 0;

	cov_model_report_begin(p->model);
	for (;;) {
		lineno++;
		r = cov_read_line(in, &line, &eof);
		if (r == -DA_ELIMIT) {
			r = da_err_set(err, DA_EINVAL,
				       "cannot read '%s': line %lu: longer "
				       "than %d bytes",
				       name, lineno, DA_MAX_COV_TEXT_LINE);
			goto out;
		}
		if (r == -DA_EINVAL) {
			r = da_err_set(err, DA_EINVAL,
				       "cannot read '%s': line %lu: binary "
				       "data (NUL byte)",
				       name, lineno);
			goto out;
		}
		if (r == -DA_EIO) {
			r = da_err_set(err, DA_EIO, "cannot read '%s': %s",
				       name, strerror(errno));
			goto out;
		}
		if (r < 0) {
			r = da_err_set(err, DA_ENOMEM,
				       "cannot read '%s': out of memory", name);
			goto out;
		}
		if (eof)
			break;
		/* An empty line has no data yet; a local "" stays writable. */
		r = on_line(ctx, line.data ? line.data : empty, lineno);
		if (r < 0)
			goto out;
	}
	r = 0;
out:
	da_buf_release(&line);
	return r;
}

int cov_parse_path(const struct cov_parse *p, const char *path,
		   int (*stream)(const struct cov_parse *, FILE *, const char *,
				 struct da_err *),
		   struct da_err *err)
{
	FILE *in;
	int r;

	if (strcmp(path, "-") == 0)
		return stream(p, stdin, "standard input", err);
	in = fopen(path, "r");
	if (!in)
		return da_err_set(err, errno == ENOENT ? DA_ENOENT : DA_EIO,
				  "cannot open '%s': %s", path,
				  strerror(errno));
	r = stream(p, in, path, err);
	/* A read-only stream: every byte was already checked by ferror(). */
	(void)fclose(in);
	return r;
}
