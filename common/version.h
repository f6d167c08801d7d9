/*
 * version: what "--version" prints.
 *
 * The project version and git revision come from the build (DA_VERSION and
 * DA_GIT_REV, set by the Makefile; "0.0.0" and "unknown" when missing). The
 * library versions are asked of the linked libraries at run time, so the
 * text tells what the binary really carries, not what it was compiled
 * against. Nothing here allocates except through the caller's da_buf.
 */
#ifndef DA_VERSION_H
#define DA_VERSION_H

#include "buf.h"

/* The project version, e.g. "0.1.0". */
const char *da_version(void);

/* The git revision the binary was built from, e.g. "abc123def456". */
const char *da_version_rev(void);

/*
 * Appends two lines to out: "<tool> 0.1.0 (rev abc123def456)" and
 * "libcurl/8.14.1 mbedTLS/3.6.6 jansson/2.14 libyaml/0.2.5 expat/2.8.3".
 * Returns 0 or the da_buf error.
 */
int da_version_text(const char *tool, struct da_buf *out);

#endif
