/*
 * fuzz-spec: the health-check spec loader on arbitrary bytes, with and
 * without a base URL from the command line; latency gates and ${ENV:...}
 * expansion on the same bytes as text.
 *
 * A failure must leave a message and no spec; a loaded spec must hold
 * what the header promises (names, URLs, at least one condition, samples
 * in range) and free cleanly.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/check.h"

static void check_spec(const struct da_check_spec *spec)
{
	struct da_buf b = DA_BUF_INIT(0);
	size_t i;

	if (!spec->n_checks || spec->n_checks > DA_MAX_CHECKS)
		abort();
	for (i = 0; i < spec->n_checks; i++) {
		const struct da_check *c = &spec->checks[i];

		if (!c->name || !c->url || !c->method || !c->n_conds ||
		    c->samples < 1 || c->samples > DA_MAX_CHECK_SAMPLES)
			abort();
		if (strncasecmp(c->url, "http://", 7) != 0 &&
		    strncasecmp(c->url, "https://", 8) != 0)
			abort();
		if (da_check_mask(spec, c->url, &b) < 0)
			abort();
		da_buf_reset(&b);
	}
	da_buf_release(&b);
}

static void load(const uint8_t *data, size_t size, const char *base)
{
	struct da_check_spec *spec = NULL;
	struct da_err err = DA_ERR_INIT;

	if (da_check_spec_load_mem("fuzz.yml", data, size, base, &spec, &err) <
	    0) {
		if (spec || !err.msg[0])
			abort();
		return;
	}
	if (!spec)
		abort();
	check_spec(spec);
	da_check_spec_free(spec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct da_latency_gate g;
	struct da_err err = DA_ERR_INIT;
	struct da_buf out = DA_BUF_INIT(0);
	char *text;

	if (!ready) {
		setenv("DA_FUZZ_TOKEN", "s3cret", 1);
		setenv("DA_FUZZ_HOST", "127.0.0.1:9", 1);
		ready = 1;
	}
	load(data, size, NULL);
	load(data, size, "http://127.0.0.1:9/base/");

	/* The same bytes as one line of text. */
	if (size > 4096)
		return 0;
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (da_check_latency_parse(text, &g, &err) == 0) {
		if (!g.text || g.limit_ms < 0)
			abort();
		free(g.text);
	}
	(void)da_check_expand_env(NULL, text, &out, &err);
	da_buf_release(&out);
	free(text);
	return 0;
}
