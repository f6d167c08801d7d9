/*
 * fuzz-diff: the unified diff parser of coverage-gate's changed lines
 * must never crash, leak or hang on any text.
 *
 * A failed parse leaves one line of message. A diff that parses lists
 * each path once, in order, each with line numbers ascending, distinct
 * and in range; written back as a diff of its own (every name quoted,
 * consecutive lines in one hunk), it parses to exactly the same files
 * and lines.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "actions/coverage-gate/changed.h"
#include "common/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Enough for the corpus; keeps each run fast. */
#define FUZZ_MAX_INPUT ((size_t)1 << 20)

static void check(const struct cov_diff *d)
{
	const uint32_t *lines;
	size_t i, k, n;

	for (i = 0; i < cov_diff_files(d); i++) {
		const char *path = cov_diff_path(d, i);

		if (!path || !*path)
			abort();
		if (i && strcmp(cov_diff_path(d, i - 1), path) >= 0)
			abort();
		lines = cov_diff_lines(d, i, &n);
		if (!lines || !n)
			abort();
		for (k = 0; k < n; k++)
			if (lines[k] == 0 || lines[k] > DA_MAX_COV_LINE ||
			    (k && lines[k] <= lines[k - 1]))
				abort();
	}
	if (cov_diff_path(d, i) || cov_diff_lines(d, i, &n) || n)
		abort();
}

/* "+++ "b/<path>"" with every byte that is not plain ASCII in octal. */
static void put_name(struct da_buf *out, const char *path)
{
	const unsigned char *p = (const unsigned char *)path;

	if (da_buf_adds(out, "+++ \"b/") < 0)
		abort();
	for (; *p; p++) {
		int r;

		if (*p < 0x20 || *p >= 0x7f || *p == '"' || *p == '\\')
			r = da_buf_addf(out, "\\%03o", *p);
		else
			r = da_buf_addch(out, (char)*p);
		if (r < 0)
			abort();
	}
	if (da_buf_adds(out, "\"\n") < 0)
		abort();
}

/* d written back as a diff, one hunk per run of consecutive lines. */
static void write_back(const struct cov_diff *d, struct da_buf *out)
{
	const uint32_t *lines;
	size_t i, k, j, n;

	for (i = 0; i < cov_diff_files(d); i++) {
		if (da_buf_addf(out, "diff --git a/x b/x\n--- a/x\n") < 0)
			abort();
		put_name(out, cov_diff_path(d, i));
		lines = cov_diff_lines(d, i, &n);
		for (k = 0; k < n; k = j) {
			for (j = k + 1; j < n && lines[j] == lines[j - 1] + 1;
			     j++)
				;
			if (da_buf_addf(out, "@@ -0,0 +%u,%zu @@\n",
					(unsigned)lines[k], j - k) < 0)
				abort();
			while (k++ < j)
				if (da_buf_adds(out, "+x\n") < 0)
					abort();
		}
	}
}

static void same(const struct cov_diff *a, const struct cov_diff *b)
{
	const uint32_t *la, *lb;
	size_t i, na, nb;

	if (cov_diff_files(a) != cov_diff_files(b))
		abort();
	for (i = 0; i < cov_diff_files(a); i++) {
		if (strcmp(cov_diff_path(a, i), cov_diff_path(b, i)))
			abort();
		la = cov_diff_lines(a, i, &na);
		lb = cov_diff_lines(b, i, &nb);
		if (na != nb || memcmp(la, lb, na * sizeof(*la)))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct da_err err = DA_ERR_INIT;
	struct da_buf text = DA_BUF_INIT(0);
	struct cov_diff *d = NULL, *back = NULL;
	int r;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	r = cov_diff_parse((const char *)data, size, &d, &err);
	if (r < 0) {
		if (!err.msg[0] || strchr(err.msg, '\n') || d)
			abort();
		return 0;
	}
	check(d);
	write_back(d, &text);
	if (cov_diff_parse(da_buf_str(&text), text.len, &back, &err) < 0)
		abort();
	same(d, back);
	cov_diff_free(back);
	cov_diff_free(d);
	da_buf_release(&text);
	return 0;
}
