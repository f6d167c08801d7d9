/*
 * fuzz-istanbul: the Istanbul parsers (coverage-final.json and
 * coverage-summary.json) on arbitrary bytes.
 *
 * Each input is written to a report file first (the parsers read files)
 * and read once as a summary, into a model of its own, then twice as a
 * final report into one model, both through a path map that puts every
 * path under "src/" and refuses "stop.js"; cov-fuzz.h says what must
 * hold.
 */
#include "cov-fuzz.h"

static const struct cov_fuzz_target summary = {
    "fuzz-istanbul", "coverage.json", cov_parse_istanbul_summary, "stop.js"};
static const struct cov_fuzz_target final = {"fuzz-istanbul", "coverage.json",
					     cov_parse_istanbul, "stop.js"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = cov_fuzz_input(&final, data, size);

	cov_fuzz_file(&summary, path, 0);
	cov_fuzz_file(&final, path, 1);
	return 0;
}
