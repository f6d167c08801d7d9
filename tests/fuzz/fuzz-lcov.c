/*
 * fuzz-lcov: the LCOV parser and format detection must never crash, leak
 * or hang on any report.
 *
 * The input is parsed twice into one model (the second time merging into
 * the records of the first), then every total, file and uncovered line of
 * the model is read back, as the gates and reports do.
 */
#include "actions/coverage-gate/model.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void read_back(struct cov_model *m)
{
	uint32_t lines[16];
	uint64_t hits;
	size_t i;
	int k;

	for (k = 0; k < COV__METRICS; k++)
		(void)cov_model_total(m, (enum cov_metric)k);
	for (i = 0; i < cov_model_files(m); i++) {
		struct cov_file *f = cov_model_file(m, i);

		(void)cov_file_path(f);
		(void)cov_file_uncovered(f, lines, 16);
		(void)cov_file_line(f, 1, &hits);
	}
	for (i = 0; i < cov_model_mismatches(m); i++)
		(void)cov_model_mismatch(m, i);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct da_err err = DA_ERR_INIT;
	struct cov_model *m = NULL;
	struct cov_parse p = {NULL, NULL, NULL};
	FILE *in;
	int pass;

	(void)cov_detect((const char *)data, size);
	if (size == 0 || cov_model_new(&m, &err) < 0)
		return 0;
	p.model = m;
	for (pass = 0; pass < 2; pass++) {
		in = fmemopen((void *)data, size, "r");
		if (!in)
			break;
		(void)cov_parse_lcov_stream(&p, in, "fuzz.info", &err);
		fclose(in);
	}
	read_back(m);
	cov_model_free(m);
	return 0;
}
