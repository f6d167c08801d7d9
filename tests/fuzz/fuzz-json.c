/*
 * fuzz-json: the JSON loader and writer on arbitrary bytes.
 *
 * Whatever loads must write back, in every layout, to text that loads
 * again to an equal tree; the lookups must never crash.
 */
#include <stdint.h>
#include <stdlib.h>

#include "common/json.h"

/* Enough for the corpus; keeps each run fast. */
#define FUZZ_MAX_INPUT ((size_t)1 << 20)

static void round_trip(const json_t *root, unsigned flags)
{
	struct da_err err = DA_ERR_INIT;
	struct da_buf out = DA_BUF_INIT(0);
	json_t *back = NULL;

	if (da_json_dump(root, flags, &out, &err) < 0)
		abort();
	if (da_json_load_mem("dump", out.data, out.len, 0, 0, &back, &err) <
		0 ||
	    !json_equal(root, back))
		abort();
	json_decref(back);
	da_buf_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct da_err err = DA_ERR_INIT;
	json_t *root = NULL;
	unsigned flags = size && (data[0] & 1) ? DA_JSON_REJECT_DUPLICATES : 0;

	if (da_json_load_mem("fuzz.json", data, size, FUZZ_MAX_INPUT, flags,
			     &root, &err) < 0) {
		if (!err.msg[0])
			abort();
		return 0;
	}
	round_trip(root, 0);
	round_trip(root, DA_JSON_INDENT | DA_JSON_SORT_KEYS);
	(void)da_json_get(root, "0.a.1");
	(void)da_json_str(root, "resource_changes.0.change.actions.0", "");
	(void)da_json_int(root, "a\\.b.0", 0);
	(void)da_json_real(root, "0", 0);
	(void)da_json_bool(root, "", 0);
	(void)da_json_type_name(root);
	json_decref(root);
	return 0;
}
