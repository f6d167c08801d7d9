/*
 * fuzz-tf-plan: the streaming plan reader on arbitrary bytes.
 *
 * Each input is read from memory twice, at once and in 3-byte windows
 * (so every token crosses a window boundary somewhere): both readings must
 * agree on the result, the message and every element seen. A failure says
 * why in one line; every element's span lies in the input, starts with
 * '{' and ends with '}'; every string handed over is NUL-free text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "actions/terraform-plan-summary/plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct seen {
	const uint8_t *data;
	size_t size;
	uint64_t sum; /* a digest of everything the callbacks saw */
	uint64_t n;
};

static void mix(struct seen *s, const char *str)
{
	if (!str) {
		s->sum = s->sum * 31 + 7;
		return;
	}
	for (; *str; str++)
		s->sum = s->sum * 131 + (unsigned char)*str;
	s->sum = s->sum * 31 + 1;
}

static int on_change(void *ctx, const struct tf_change *c, struct da_err *err)
{
	struct seen *s = ctx;

	(void)err;
	if (c->offset + c->length > s->size || c->length < 2 ||
	    s->data[c->offset] != '{' ||
	    s->data[c->offset + c->length - 1] != '}')
		abort();
	if ((unsigned)c->action >= TF_ACT__COUNT)
		abort();
	mix(s, c->address);
	mix(s, c->previous_address);
	mix(s, c->module_address);
	mix(s, c->mode);
	mix(s, c->type);
	mix(s, c->name);
	mix(s, c->provider_name);
	mix(s, c->deposed);
	mix(s, c->action_reason);
	mix(s, c->import_id);
	mix(s, tf_action_name(c->action));
	s->sum = s->sum * 31 + (uint64_t)c->importing * 2 +
		 (uint64_t)c->replace_paths + c->offset + c->length;
	s->n++;
	return 0;
}

static int on_output(void *ctx, const char *name, enum tf_action a,
		     struct da_err *err)
{
	struct seen *s = ctx;

	(void)err;
	mix(s, name);
	mix(s, tf_action_name(a));
	return 0;
}

static int read_once(const uint8_t *data, size_t size, size_t block,
		     struct seen *s, struct da_err *err)
{
	struct tf_scan_opts o = {block, 0, on_change, on_output, NULL};
	struct tf_plan_info info;
	int r;

	memset(s, 0, sizeof(*s));
	s->data = data;
	s->size = size;
	r = tf_plan_scan_mem(data, size, "fuzz.json", &o, on_change, s, &info,
			     err);
	if (r < 0 && (!err->msg[0] || strchr(err->msg, '\n')))
		abort();
	if (r == 0 && (info.changes + info.drift != s->n ||
		       info.bytes != size || info.format_major > 1))
		abort();
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct da_err e1 = DA_ERR_INIT, e2 = DA_ERR_INIT;
	struct seen s1, s2;
	int r1, r2;

	r1 = read_once(data, size, 0, &s1, &e1);
	r2 = read_once(data, size, 3, &s2, &e2);
	if (r1 != r2 || strcmp(e1.msg, e2.msg) || s1.sum != s2.sum ||
	    s1.n != s2.n)
		abort();
	return 0;
}
