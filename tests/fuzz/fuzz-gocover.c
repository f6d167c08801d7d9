/*
 * fuzz-gocover: the Go coverprofile parser must never crash, leak or hang.
 *
 * The input is parsed twice into one model (merging blocks and checking
 * NumStmt against the first pass), then the totals and line view are read
 * back and checked, as cov-fuzz.h says. Inputs are cut at FUZZ_MAX_INPUT
 * bytes: one block may claim up to DA_MAX_GO_BLOCK_LINES lines, so a
 * longer input only makes runs slower.
 */
#include "cov-fuzz.h"

#define FUZZ_MAX_INPUT 1024

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FUZZ_MAX_INPUT)
		size = FUZZ_MAX_INPUT;
	cov_fuzz_stream(cov_parse_go_stream, "fuzz.out", data, size);
	return 0;
}
