/*
 * fuzz-glob: pattern compilation and matching must never crash or hang.
 *
 * The input is "pattern" NUL-or-newline "path". The pattern goes through
 * wildmatch and the placement rules, the path through normalisation, and
 * the whole input through a .gitignore-style list. Paths are cut to keep
 * each run short; the matcher is linear in them anyway.
 */
#include "common/glob.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_MAX_PATH 2048

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct da_err err = DA_ERR_INIT;
	struct da_buf norm = DA_BUF_INIT(0);
	struct da_glob_set *set = NULL;
	char *pattern, *path;
	size_t split = 0, plen;
	int r1, r2, r3;

	while (split < size && data[split] != '\0' && data[split] != '\n')
		split++;
	pattern = malloc(split + 1);
	plen = split < size ? size - split - 1 : 0;
	if (plen > FUZZ_MAX_PATH)
		plen = FUZZ_MAX_PATH;
	path = malloc(plen + 1);
	if (!pattern || !path)
		goto out;
	memcpy(pattern, data, split);
	pattern[split] = '\0';
	if (plen)
		memcpy(path, data + split + 1, plen);
	path[plen] = '\0';
	/* A NUL inside the path ends it, as it would in C. */

	r1 = da_glob_wildmatch(pattern, path, &err);
	r2 = da_glob_match(pattern, path, 0, &err);
	r3 = da_glob_match(pattern, path, 1, &err);
	if (r1 > 1 || r2 > 1 || r3 > 1)
		abort();
	/* A pattern either compiles everywhere or nowhere. */
	if ((r2 < 0) != (r3 < 0))
		abort();

	if (da_glob_path_normalize(path, &norm, &err) == 0) {
		const char *n = da_buf_str(&norm);

		/* Normal form is a fixed point. */
		struct da_buf again = DA_BUF_INIT(0);

		if (da_glob_path_normalize(n, &again, &err) != 0 ||
		    strcmp(da_buf_str(&again), n) != 0)
			abort();
		da_buf_release(&again);
		da_glob_match(pattern, n, 0, &err);
	}

	if (da_glob_set_new(&set, &err) == 0) {
		size_t idx = 0;
		enum da_glob_result res;

		da_glob_set_add_lines(set, (const char *)data, size, "fuzz",
				      &err);
		res = da_glob_set_match(set, path, 0, &idx);
		if (res != DA_GLOB_NOMATCH && idx >= da_glob_set_count(set))
			abort();
	}
out:
	da_glob_set_free(set);
	da_buf_release(&norm);
	free(pattern);
	free(path);
	return 0;
}
