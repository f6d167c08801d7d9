/*
 * utf8: strict UTF-8, for text the tools pass on (reports, summaries,
 * JSON) from sources they do not trust.
 */
#ifndef DA_UTF8_H
#define DA_UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
 * Length of the valid UTF-8 sequence at p (n > 0 bytes left) and its code
 * point in *cp, or 0 when the bytes there are not valid UTF-8 (overlong
 * forms, surrogates and values past U+10FFFF included).
 */
size_t da_utf8_seq(const unsigned char *p, size_t n, uint32_t *cp);

#endif
