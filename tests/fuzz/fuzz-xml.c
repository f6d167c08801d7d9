/*
 * fuzz-xml: the streaming XML parser on arbitrary bytes.
 *
 * The input is parsed whole and again in small chunks whose size the
 * input picks; when both succeed they must report the same events.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/xml.h"

struct digest {
	uint64_t h;
	unsigned long n;
};

static void mix(struct digest *d, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		d->h ^= (unsigned char)s[i];
		d->h *= 1099511628211ULL;
	}
	d->h ^= 0xff;
	d->h *= 1099511628211ULL;
}

static int on_start(void *ctx, const struct da_xml *x, const char *name,
		    const char **attrs, struct da_err *err)
{
	struct digest *d = ctx;
	const char *v;
	size_t i;

	(void)err;
	d->n++;
	mix(d, name, strlen(name));
	for (i = 0; attrs[i]; i += 2) {
		mix(d, attrs[i], strlen(attrs[i]));
		mix(d, attrs[i + 1], strlen(attrs[i + 1]));
	}
	v = da_xml_attr(attrs, "line-rate");
	if (v)
		mix(d, v, strlen(v));
	if (da_xml_depth(x) < 1 || da_xml_line(x) < 1)
		abort();
	return 0;
}

static int on_end(void *ctx, const struct da_xml *x, const char *name,
		  const char *text, size_t len, struct da_err *err)
{
	struct digest *d = ctx;

	(void)x;
	if (strlen(text) > len)
		abort();
	mix(d, name, strlen(name));
	mix(d, text, len);
	/* A callback may stop the parse: exercise that path too. */
	if (len == 4 && !memcmp(text, "stop", 4))
		return da_err_set(err, DA_EFAIL, "stopped at '%s'", name);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct da_xml_handler h = {on_start, on_end, NULL, 0, 0};
	struct da_err e1 = DA_ERR_INIT, e2 = DA_ERR_INIT;
	struct digest d1 = {1469598103934665603ULL, 0};
	struct digest d2 = {1469598103934665603ULL, 0};
	int r1, r2;

	h.ctx = &d1;
	r1 = da_xml_parse_mem("fuzz.xml", data, size, &h, &e1);
	if (r1 < 0 && !e1.msg[0])
		abort();
	h.ctx = &d2;
	h.chunk = size ? (size_t)data[size / 2] % 17 + 1 : 1;
	r2 = da_xml_parse_mem("fuzz.xml", data, size, &h, &e2);
	if (r2 < 0 && !e2.msg[0])
		abort();
	if (r1 == 0 && r2 == 0 && (d1.h != d2.h || d1.n != d2.n))
		abort();
	h.ctx = &d1;
	h.chunk = 0;
	h.flags = DA_XML_NO_TEXT;
	(void)da_xml_parse_mem("fuzz.xml", data, size, &h, &e1);
	return 0;
}
