/*
 * fuzz-tf-diff: the attribute-level diff on arbitrary bytes.
 *
 * Each input is rendered into a buffer that already holds a line and has
 * a small ceiling. A failure must say why in one line and leave the buffer
 * as it was; a success appends only well-formed lines (one kind character
 * and a space, or the "more" line; no control character but the newline
 * ending each line), as many as the stats say, never more than max_lines.
 * Then, when the input is an element at all, it is rendered again with
 * both sensitivity masks set to true as a whole: every line must then be
 * about "(value)" and show nothing but "(sensitive)".
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "actions/terraform-plan-summary/diff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PREFIX "kept\n"

/* Lines of text: the shapes diff.h promises; returns how many. */
static size_t check_lines(const char *s, size_t len)
{
	size_t i, start = 0, n = 0;
	unsigned char c;

	if (len && s[len - 1] != '\n')
		abort();
	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == '\n') {
			if (i < start + 3 || s[i - 1] == ' ')
				abort();
			if (!(strchr("+-~", s[start]) && s[start + 1] == ' ') &&
			    strncmp(s + start, "  ... ", 6))
				abort();
			start = i + 1;
			n++;
		} else if (c < 0x20 || c == 0x7f) {
			abort();
		}
	}
	return n;
}

/* With everything sensitive, a line may only be one of these. */
static int masked_line(const char *s, size_t len)
{
	static const char *const shapes[] = {
	    "+ (value) = (sensitive)",
	    "- (value) = (sensitive)",
	    "~ (value): (sensitive) -> (sensitive)",
	};
	static const char note[] = "  # forces replacement";
	const size_t nl = sizeof(note) - 1;
	size_t i;
	int forcing = 0;

	if (!strncmp(s, "  ... ", 6))
		return 1;
	if (len >= nl && !memcmp(s + len - nl, note, nl)) {
		len -= nl;
		forcing = 1;
	}
	if (forcing && len == 9 && !memcmp(s, "~ (value)", 9))
		return 1;
	for (i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++)
		if (len == strlen(shapes[i]) && !memcmp(s, shapes[i], len))
			return 1;
	return 0;
}

static void all_sensitive(const uint8_t *data, size_t size)
{
	struct da_buf out = DA_BUF_INIT(1 << 20);
	struct da_err err = DA_ERR_INIT;
	json_t *root = json_loadb((const char *)data, size, 0, NULL), *change;
	const char *s, *nl;
	char *text;

	change = json_object_get(root, "change");
	if (!json_is_object(change)) {
		json_decref(root);
		return;
	}
	json_object_set_new(change, "before_sensitive", json_true());
	json_object_set_new(change, "after_sensitive", json_true());
	text = json_dumps(root, JSON_COMPACT);
	if (text &&
	    tf_diff_render(text, strlen(text), NULL, &out, NULL, &err) == 0) {
		for (s = da_buf_str(&out); (nl = strchr(s, '\n')); s = nl + 1)
			if (!masked_line(s, (size_t)(nl - s)))
				abort();
	}
	free(text);
	da_buf_release(&out);
	json_decref(root);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct da_buf out = DA_BUF_INIT(2048);
	struct da_err err = DA_ERR_INIT;
	struct tf_diff_stats st = {0, 0, 0, 0, 0};
	struct tf_diff_opts o = {size % 7};
	size_t n, max = o.max_lines ? o.max_lines : TF_DIFF_LINES_DEFAULT;
	int r;

	if (da_buf_adds(&out, PREFIX) < 0)
		abort();
	r = tf_diff_render((const char *)data, size, &o, &out, &st, &err);
	if (r < 0) {
		if (!err.msg[0] || strchr(err.msg, '\n') ||
		    strcmp(da_buf_str(&out), PREFIX))
			abort();
		if (r != -DA_EINVAL && r != -DA_ELIMIT && r != -DA_ENOMEM)
			abort();
	} else {
		if (r != 0 || strncmp(da_buf_str(&out), PREFIX, strlen(PREFIX)))
			abort();
		n = check_lines(da_buf_str(&out) + strlen(PREFIX),
				out.len - strlen(PREFIX));
		if (st.lines > max || n != st.lines + (st.omitted ? 1 : 0) ||
		    st.forcing > st.lines + st.omitted ||
		    st.unknown > st.lines + st.omitted ||
		    st.sensitive > 2 * (st.lines + st.omitted))
			abort();
	}
	da_buf_release(&out);
	all_sensitive(data, size);
	return 0;
}
