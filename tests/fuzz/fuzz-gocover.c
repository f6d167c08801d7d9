/*
 * fuzz-gocover: the Go coverprofile parser must never crash, leak or hang.
 *
 * The input is parsed twice into one model (merging blocks and checking
 * NumStmt against the first pass), then the totals and line view are read
 * back. Inputs are cut at FUZZ_MAX_INPUT bytes: one block may claim up to
 * DA_MAX_GO_BLOCK_LINES lines, so a longer input only makes runs slower.
 */
#include "actions/coverage-gate/model.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define FUZZ_MAX_INPUT 1024

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct da_err err = DA_ERR_INIT;
	struct cov_model *m = NULL;
	struct cov_parse p = {NULL, NULL, NULL};
	uint32_t lines[16];
	FILE *in;
	size_t i;
	int pass, k;

	if (size == 0 || cov_model_new(&m, &err) < 0)
		return 0;
	if (size > FUZZ_MAX_INPUT)
		size = FUZZ_MAX_INPUT;
	p.model = m;
	for (pass = 0; pass < 2; pass++) {
		in = fmemopen((void *)data, size, "r");
		if (!in)
			break;
		(void)cov_parse_go_stream(&p, in, "fuzz.out", &err);
		fclose(in);
	}
	for (k = 0; k < COV__METRICS; k++)
		(void)cov_model_total(m, (enum cov_metric)k);
	for (i = 0; i < cov_model_files(m); i++)
		(void)cov_file_uncovered(cov_model_file(m, i), lines, 16);
	cov_model_free(m);
	return 0;
}
