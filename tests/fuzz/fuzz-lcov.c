/*
 * fuzz-lcov: the LCOV parser and format detection must never crash, leak
 * or hang on any report.
 *
 * The input is parsed twice into one model (the second time merging into
 * the records of the first), then every total, file and uncovered line of
 * the model is read back and checked, as cov-fuzz.h says.
 */
#include "cov-fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	(void)cov_detect((const char *)data, size);
	cov_fuzz_stream(cov_parse_lcov_stream, "fuzz.info", data, size);
	return 0;
}
