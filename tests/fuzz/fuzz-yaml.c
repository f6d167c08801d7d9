/*
 * fuzz-yaml: the YAML loader on arbitrary bytes, one document and many.
 *
 * A loaded tree must be writable as JSON that loads back equal (shared
 * aliases included); position lookups must never crash.
 */
#include <stdint.h>
#include <stdlib.h>

#include "common/json.h"
#include "common/yaml.h"

static void check(const struct da_yaml_doc *doc)
{
	struct da_err err = DA_ERR_INIT;
	struct da_buf out = DA_BUF_INIT(0);
	json_t *root = da_yaml_root(doc), *back = NULL;
	const char *key;
	json_t *v;
	void *it;

	if (!root)
		abort();
	/* Trees may share nodes widely; the writer's ceiling keeps it cheap. */
	out.max = (size_t)8 << 20;
	if (da_json_dump(root, DA_JSON_SORT_KEYS, &out, &err) == 0) {
		if (da_json_load_mem("dump", out.data, out.len, 0, 0, &back,
				     &err) < 0 ||
		    !json_equal(root, back))
			abort();
		json_decref(back);
	}
	da_buf_release(&out);
	(void)da_yaml_line(doc, root);
	(void)da_yaml_path_line(doc, "");
	(void)da_yaml_path_line(doc, "0");
	(void)da_yaml_path_line(doc, "0.a.1");
	for (it = json_object_iter(root); it;
	     it = json_object_iter_next(root, it)) {
		key = json_object_iter_key(it);
		v = json_object_iter_value(it);
		(void)da_yaml_key_line(doc, root, key);
		(void)da_yaml_line(doc, v);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned modes[] = {0, DA_YAML_MULTI_DOC};
	struct da_err err = DA_ERR_INIT;
	struct da_yaml_doc *doc;
	size_t i;

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		doc = NULL;
		da_err_clear(&err);
		if (da_yaml_load_mem("fuzz.yml", data, size, modes[i], &doc,
				     &err) < 0) {
			if (!err.msg[0] || doc)
				abort();
			continue;
		}
		check(doc);
		da_yaml_free(doc);
	}
	return 0;
}
