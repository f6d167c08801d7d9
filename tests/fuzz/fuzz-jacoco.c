/*
 * fuzz-jacoco: the JaCoCo report parser on arbitrary bytes.
 *
 * Each input is written to a report file first (the parser reads files),
 * then read twice into one model through a path map that puts every path
 * under "src/" and refuses "stop/Stop.java"; cov-fuzz.h says what must
 * hold.
 */
#include "cov-fuzz.h"

static const struct cov_fuzz_target target = {
    "fuzz-jacoco", "jacoco.xml", cov_parse_jacoco, "stop/Stop.java"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cov_fuzz_file(&target, cov_fuzz_input(&target, data, size), 1);
	return 0;
}
