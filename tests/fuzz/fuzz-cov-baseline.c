/*
 * fuzz-cov-baseline: the baseline reader of coverage-gate must never
 * crash, leak or hang on any bytes, and what it accepts must hold
 * together.
 *
 * The input is read with cov_baseline_parse(). A refusal must say why in
 * one line. An accepted baseline covers no more than it counts in any
 * metric, so its figures are at most 100.00 and its changes against
 * another figure stay within 100 points either way; the exact arithmetic
 * of gate.c runs on whatever counts the file gave. The same bytes, as
 * text, also go to the percentage, threshold and path-threshold parsers:
 * an accepted percentage is 0 to 100 and reads back from its own text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "actions/coverage-gate/gate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A signed figure "+N.NN" or "-N.NN" is at most 100.00 in size. */
static void check_delta(struct cov_count now, struct cov_count base)
{
	char buf[COV_PCT_SIZE];
	const char *d = cov_pct_delta(now, base, buf, sizeof(buf));

	if (!d)
		abort();
	if (now.total == 0 || base.total == 0) {
		if (*d)
			abort();
		return;
	}
	if (*d == '+' || *d == '-')
		d++;
	if (strtod(d, NULL) > 100.0)
		abort();
}

static void check_baseline(const struct cov_baseline *b)
{
	struct cov_pct zero = {0, 0}, all = {100, 0};
	struct cov_count half = {1, 2};
	char buf[COV_PCT_SIZE];
	int k;

	for (k = 0; k < COV__METRICS; k++) {
		struct cov_count c = b->total[k];

		if (c.covered > c.total)
			abort();
		if (!cov_pct_format(c, buf, sizeof(buf)))
			abort();
		if (c.total && strtod(buf, NULL) > 100.0)
			abort();
		/* Nothing is above 100% nor below 0%. */
		if (cov_pct_cmp(c, all) > 0 || cov_pct_cmp(c, zero) < 0)
			abort();
		check_delta(c, half);
		check_delta(half, c);
		check_delta(c, b->total[(k + 1) % COV__METRICS]);
		/* A drop of more than 100 points cannot happen. */
		if (cov_pct_dropped(c, b->total[(k + 1) % COV__METRICS], all))
			abort();
	}
}

static void check_text(const char *s)
{
	struct da_err err = DA_ERR_INIT;
	struct cov_pct p, back;
	struct cov_threshold t;
	struct cov_group g;
	struct cov_count one = {1, 1};
	char buf[COV_PCT_SIZE];

	if (cov_pct_parse(s, "fuzz", &p, &err) == 0) {
		if (p.scale > COV_PCT_MAX_SCALE || cov_pct_cmp(one, p) < 0)
			abort();
		if (!cov_pct_str(p, buf, sizeof(buf)) ||
		    cov_pct_parse(buf, "fuzz", &back, &err) != 0 ||
		    back.num != p.num || back.scale != p.scale)
			abort();
	} else if (err.e != DA_EINVAL || strchr(err.msg, '\n')) {
		abort();
	}
	if (cov_threshold_parse(s, "fuzz", &t, &err) == 0) {
		/* The warning threshold as a figure is never below the
		 * failing one. */
		struct cov_count w = {t.warn.num, 100};
		unsigned i;

		for (i = 0; i < t.warn.scale; i++)
			w.total *= 10;
		if (!t.has_fail || (t.has_warn && cov_pct_cmp(w, t.fail) < 0))
			abort();
	}
	if (cov_group_parse(s, &g, &err) == 0) {
		if (!g.glob || !*g.glob)
			abort();
		free(g.glob);
	} else if (!err.msg[0] || strchr(err.msg, '\n')) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct da_err err = DA_ERR_INIT;
	struct cov_baseline b;
	char *s;

	memset(&b, 0, sizeof(b));
	if (cov_baseline_parse("fuzz.json", data, size, &b, &err) == 0) {
		check_baseline(&b);
		cov_baseline_release(&b);
	} else if (!err.msg[0] || strchr(err.msg, '\n') || b.created ||
		   b.commit || b.ref) {
		abort();
	}
	/* The percentage parsers take short text; longer is only slower. */
	if (size > 4096)
		return 0;
	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	check_text(s);
	free(s);
	return 0;
}
