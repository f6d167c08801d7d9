/*
 * gate.c: thresholds, exact comparisons, the baseline and the verdict
 * (see gate.h).
 *
 * Every comparison is done on integers. A percentage covered/total is
 * compared with num/10^scale by cross-multiplying; the products of two
 * 64-bit counts fill 128 bits, and a few comparisons multiply such a
 * product once more, so those are done in 256 bits (two 128-bit halves).
 * Nothing here depends on counts staying small: a summary file may claim
 * any 64-bit figure and the answers stay exact.
 */
#include "actions/coverage-gate/gate.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "common/buf.h"
#include "common/fs.h"
#include "common/json.h"
#include "common/time.h"

__extension__ typedef unsigned __int128 u128;

/* Largest scale whose 100 * 10^scale still fits 128 bits. */
#define PCT_SCALE_CAP 36

/* Text quoted in messages is cut here: the input may be anything. */
#define QUOTE_MAX 64

#define BASELINE_FORMAT "deploy-actions/coverage-baseline"
#define BASELINE_VERSION 1

/* ---- 128- and 256-bit arithmetic ---- */

struct u256 {
	u128 hi, lo;
};

static struct u256 mul128(u128 a, u128 b)
{
	uint64_t a0 = (uint64_t)a, a1 = (uint64_t)(a >> 64);
	uint64_t b0 = (uint64_t)b, b1 = (uint64_t)(b >> 64);
	u128 p00 = (u128)a0 * b0, p01 = (u128)a0 * b1;
	u128 p10 = (u128)a1 * b0, p11 = (u128)a1 * b1;
	/* Three terms under 2^64 each: the sum cannot overflow. */
	u128 mid = (p00 >> 64) + (uint64_t)p01 + (uint64_t)p10;
	struct u256 r;

	r.lo = (mid << 64) | (uint64_t)p00;
	r.hi = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
	return r;
}

static int cmp256(struct u256 a, struct u256 b)
{
	if (a.hi != b.hi)
		return a.hi < b.hi ? -1 : 1;
	if (a.lo != b.lo)
		return a.lo < b.lo ? -1 : 1;
	return 0;
}

static u128 pow10_128(unsigned n)
{
	u128 r = 1;

	while (n--)
		r *= 10;
	return r;
}

static unsigned pct_scale(struct cov_pct pct)
{
	/* Out of contract (cov_pct_parse() gives at most 4): kept in range
	 * so that the arithmetic below cannot overflow. */
	return pct.scale > PCT_SCALE_CAP ? PCT_SCALE_CAP : pct.scale;
}

/* Writes v in decimal to the end of a scratch area; returns its start. */
static char *u128_str(u128 v, char *end)
{
	*--end = '\0';
	do {
		*--end = (char)('0' + (int)(v % 10));
		v /= 10;
	} while (v);
	return end;
}

/* Copies text into buf, or gives NULL (buf "") when it does not fit. */
static char *put(char *buf, size_t size, const char *text)
{
	size_t n = strlen(text);

	if (!buf || size == 0)
		return NULL;
	if (n >= size) {
		buf[0] = '\0';
		return NULL;
	}
	memcpy(buf, text, n + 1);
	return buf;
}

/* hundredths as "I.FF" after an optional sign. */
static char *put_hundredths(char *buf, size_t size, const char *sign,
			    u128 hundredths)
{
	char digits[48], text[64];
	int n;

	n = snprintf(text, sizeof(text), "%s%s.%02u", sign,
		     u128_str(hundredths / 100, digits + sizeof(digits)),
		     (unsigned)(hundredths % 100));
	if (n < 0 || (size_t)n >= sizeof(text))
		return put(buf, size, "");
	return put(buf, size, text);
}

/* ---- percentages ---- */

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * Reads the n bytes at s as a percentage. Returns 0, 1 for text that is
 * not a number in the accepted form, 2 for too many decimals, 3 for a
 * value over 100.
 */
static int pct_scan(const char *s, size_t n, struct cov_pct *ret)
{
	const char *p = s, *end = s + n;
	uint64_t ip = 0, frac = 0;
	unsigned digits = 0, scale = 0;
	int over = 0;

	while (p < end && is_blank(*p))
		p++;
	while (end > p && is_blank(end[-1]))
		end--;
	if (end > p && end[-1] == '%')
		end--;
	/* Digits on both sides of a point: "80", "79.995"; not "80." or
	 * ".5", which look like a figure cut short. */
	while (p < end && *p >= '0' && *p <= '9') {
		if (ip > 1000)
			over = 1;
		else
			ip = ip * 10 + (uint64_t)(*p - '0');
		p++;
		digits = 1;
	}
	if (!digits)
		return 1;
	if (p < end && *p == '.') {
		p++;
		while (p < end && *p >= '0' && *p <= '9') {
			/* Counted up to one past the most allowed. */
			if (scale < COV_PCT_MAX_SCALE)
				frac = frac * 10 + (uint64_t)(*p - '0');
			if (scale <= COV_PCT_MAX_SCALE)
				scale++;
			p++;
		}
		if (scale == 0)
			return 1;
	}
	if (p != end)
		return 1;
	if (scale > COV_PCT_MAX_SCALE)
		return 2;
	if (over || ip > 100)
		return 3;
	ret->num = ip * (uint64_t)pow10_128(scale) + frac;
	ret->scale = scale;
	/* Normalised: "80.50" is 805/10, "80.0" is 80. */
	while (ret->scale && ret->num % 10 == 0) {
		ret->num /= 10;
		ret->scale--;
	}
	if ((u128)ret->num > 100 * pow10_128(ret->scale))
		return 3;
	return 0;
}

static int pct_parse_n(const char *s, size_t n, const char *what,
		       struct cov_pct *ret, struct da_err *err)
{
	struct cov_pct pct;
	int r = pct_scan(s, n, &pct);
	int shown = n > QUOTE_MAX ? QUOTE_MAX : (int)n;

	if (!what)
		what = "percentage";
	if (r == 2)
		return da_err_set(err, DA_EINVAL,
				  "'%s': '%.*s%s' has more than %d decimals",
				  what, shown, s, n > QUOTE_MAX ? "..." : "",
				  COV_PCT_MAX_SCALE);
	if (r)
		return da_err_set(err, DA_EINVAL,
				  "'%s': '%.*s%s' is not a percentage from 0 "
				  "to 100",
				  what, shown, s, n > QUOTE_MAX ? "..." : "");
	*ret = pct;
	return 0;
}

int cov_pct_parse(const char *s, const char *what, struct cov_pct *ret,
		  struct da_err *err)
{
	if (!s)
		s = "";
	return pct_parse_n(s, strlen(s), what, ret, err);
}

char *cov_pct_str(struct cov_pct pct, char *buf, size_t size)
{
	unsigned scale = pct_scale(pct);
	u128 div = pow10_128(scale), frac = pct.num % div;
	char digits[48], text[96];
	int n, i;
	char fr[40] = {0};

	/* The fraction with its leading zeros, then without trailing ones. */
	for (i = (int)scale - 1; i >= 0; i--) {
		fr[i] = (char)('0' + (int)(frac % 10));
		frac /= 10;
	}
	n = (int)scale;
	while (n > 0 && fr[n - 1] == '0')
		n--;
	fr[n] = '\0';
	n = snprintf(text, sizeof(text), "%s%s%s",
		     u128_str(pct.num / div, digits + sizeof(digits)),
		     fr[0] ? "." : "", fr);
	if (n < 0 || (size_t)n >= sizeof(text))
		return put(buf, size, "");
	return put(buf, size, text);
}

int cov_pct_cmp(struct cov_count count, struct cov_pct pct)
{
	u128 k = 100 * pow10_128(pct_scale(pct));

	if (count.total == 0) {
		/* Nothing to cover is all of it covered. */
		if (k == pct.num)
			return 0;
		return k < pct.num ? -1 : 1;
	}
	/* covered / total vs num / (100 * 10^scale) */
	return cmp256(mul128(count.covered, k), mul128(pct.num, count.total));
}

char *cov_pct_format(struct cov_count count, char *buf, size_t size)
{
	if (count.total == 0)
		return put(buf, size, "");
	/* Truncated, never rounded: 7999/10000 is 79.99, not 80.00. */
	return put_hundredths(buf, size, "",
			      (u128)count.covered * 10000 / count.total);
}

char *cov_pct_delta(struct cov_count now, struct cov_count base, char *buf,
		    size_t size)
{
	u128 p, q, d, den, whole, rem;
	unsigned lo = 0, hi = 9999, mid;
	const char *sign;

	if (now.total == 0 || base.total == 0)
		return put(buf, size, "");
	/* now% - base% = 100 * (p - q) / den, all exact. */
	p = (u128)now.covered * base.total;
	q = (u128)base.covered * now.total;
	den = (u128)now.total * base.total;
	sign = p > q ? "+" : "-";
	d = p > q ? p - q : q - p;
	/* 10000 * d / den in hundredths of a point: the whole part of
	 * d / den, then the largest f with f * den <= 10000 * (d % den),
	 * whose products need 256 bits. d / den is at most 2^64. */
	whole = d / den;
	rem = d % den;
	while (lo < hi) {
		mid = (lo + hi + 1) / 2;
		if (cmp256(mul128(mid, den), mul128(10000, rem)) <= 0)
			lo = mid;
		else
			hi = mid - 1;
	}
	d = whole * 10000 + lo;
	if (d == 0)
		sign = "";
	return put_hundredths(buf, size, sign, d);
}

int cov_pct_dropped(struct cov_count now, struct cov_count base,
		    struct cov_pct max_drop)
{
	u128 p, q, den, k;

	if (now.total == 0 || base.total == 0)
		return 0;
	p = (u128)now.covered * base.total;
	q = (u128)base.covered * now.total;
	if (q <= p)
		return 0;
	/* base% - now% = 100 * (q - p) / den > num / 10^scale */
	den = (u128)now.total * base.total;
	k = 100 * pow10_128(pct_scale(max_drop));
	return cmp256(mul128(k, q - p), mul128(max_drop.num, den)) > 0;
}

/* ---- bands and thresholds ---- */

const char *cov_band_name(enum cov_band band)
{
	switch (band) {
	case COV_BAND_PASS:
		return "pass";
	case COV_BAND_WARN:
		return "warn";
	case COV_BAND_FAIL:
		return "fail";
	case COV_BAND_SKIP:
		return "skip";
	}
	return "unknown";
}

enum cov_band cov_threshold_band(struct cov_count count,
				 const struct cov_threshold *t)
{
	if (!t)
		return COV_BAND_PASS;
	if (t->has_fail && cov_pct_cmp(count, t->fail) < 0)
		return COV_BAND_FAIL;
	if (t->has_warn && cov_pct_cmp(count, t->warn) < 0)
		return COV_BAND_WARN;
	return COV_BAND_PASS;
}

static int has_threshold(const struct cov_threshold *t)
{
	return t->has_fail || t->has_warn;
}

/* a vs b as values, whatever their scales. */
static int pct_order(struct cov_pct a, struct cov_pct b)
{
	return cmp256(mul128(a.num, pow10_128(pct_scale(b))),
		      mul128(b.num, pow10_128(pct_scale(a))));
}

int cov_threshold_parse(const char *s, const char *what,
			struct cov_threshold *t, struct da_err *err)
{
	struct cov_threshold v;
	const char *slash;
	char a[COV_PCT_SIZE], b[COV_PCT_SIZE];
	int r;

	memset(&v, 0, sizeof(v));
	if (!s)
		s = "";
	if (!what)
		what = "threshold";
	slash = strchr(s, '/');
	r = pct_parse_n(s, slash ? (size_t)(slash - s) : strlen(s), what,
			&v.fail, err);
	if (r < 0)
		return r;
	v.has_fail = 1;
	if (slash) {
		r = pct_parse_n(slash + 1, strlen(slash + 1), what, &v.warn,
				err);
		if (r < 0)
			return r;
		v.has_warn = 1;
		if (pct_order(v.warn, v.fail) < 0)
			return da_err_set(
			    err, DA_EINVAL,
			    "'%s': the warning threshold %s is below the "
			    "failing one %s (write FAIL/WARN)",
			    what, cov_pct_str(v.warn, a, sizeof(a)),
			    cov_pct_str(v.fail, b, sizeof(b)));
	}
	*t = v;
	return 0;
}

int cov_group_parse(const char *line, struct cov_group *ret, struct da_err *err)
{
	struct da_err inner = DA_ERR_INIT;
	const char *colon, *g, *ge;
	size_t len;
	int shown, r;
	char what[QUOTE_MAX + 32];
	const char *cut;
	struct cov_threshold t;
	char *glob;

	if (!line)
		line = "";
	len = strlen(line);
	shown = len > QUOTE_MAX ? QUOTE_MAX : (int)len;
	cut = len > QUOTE_MAX ? "..." : "";
	colon = strrchr(line, ':');
	if (!colon)
		return da_err_set(err, DA_EINVAL,
				  "path threshold '%.*s%s' has no ':' (write "
				  "GLOB: FAIL[/WARN])",
				  shown, line, cut);
	g = line;
	ge = colon;
	while (g < ge && is_blank(*g))
		g++;
	while (ge > g && is_blank(ge[-1]))
		ge--;
	if (g == ge)
		return da_err_set(err, DA_EINVAL,
				  "path threshold '%.*s%s' has no glob before "
				  "':' (write GLOB: FAIL[/WARN])",
				  shown, line, cut);
	r = snprintf(what, sizeof(what), "path threshold '%.*s%s'", shown, line,
		     cut);
	if (r < 0 || (size_t)r >= sizeof(what))
		return da_err_set(err, DA_EINVAL, "bad path threshold");
	r = cov_threshold_parse(colon + 1, what, &t, err);
	if (r < 0)
		return r;
	glob = strndup(g, (size_t)(ge - g));
	if (!glob)
		return da_err_set(err, DA_ENOMEM, "%s: out of memory", what);
	/* A bad pattern is the user's line to fix, found now. */
	r = da_glob_match(glob, "x", 0, &inner);
	if (r < 0) {
		free(glob);
		return da_err_set(err, DA_EINVAL, "%s: %s", what, inner.msg);
	}
	ret->glob = glob;
	ret->t = t;
	return 0;
}

/* ---- the policy ---- */

void cov_policy_init(struct cov_policy *policy)
{
	memset(policy, 0, sizeof(*policy));
	policy->metric = COV_LINES;
	policy->changed_min_lines = 1;
	policy->empty = COV_EMPTY_FAIL;
	policy->worst = 10;
}

void cov_policy_release(struct cov_policy *policy)
{
	size_t i;

	if (!policy)
		return;
	for (i = 0; i < policy->ngroups; i++)
		free(policy->groups[i].glob);
	free(policy->groups);
	da_glob_set_free(policy->include);
	da_glob_set_free(policy->exclude);
	cov_policy_init(policy);
}

/* A set given without a pattern (an empty input) is no set at all. */
static int set_given(const struct da_glob_set *set)
{
	return set && da_glob_set_count(set) > 0;
}

int cov_policy_wants(const struct cov_policy *policy, const char *path)
{
	if (!policy || !path)
		return 1;
	if (set_given(policy->include) &&
	    da_glob_set_match(policy->include, path, 0, NULL) !=
		DA_GLOB_INCLUDED)
		return 0;
	if (set_given(policy->exclude) &&
	    da_glob_set_match(policy->exclude, path, 0, NULL) ==
		DA_GLOB_INCLUDED)
		return 0;
	return 1;
}

/* ---- changed lines ---- */

void cov_changed_release(struct cov_changed *changed)
{
	size_t i;

	if (!changed)
		return;
	for (i = 0; i < changed->nfiles; i++) {
		free(changed->files[i].path);
		free(changed->files[i].uncovered);
	}
	free(changed->files);
	free(changed->base);
	free(changed->head);
	memset(changed, 0, sizeof(*changed));
}

/* ---- the baseline ---- */

/*
 * Sets key to the value of an environment variable when it is set. Text
 * that is not UTF-8 (json_string() refuses it) is left out: the commit
 * and ref only label the baseline. Returns -1 when out of memory.
 */
static int opt_str(json_t *obj, const char *key, const char *value)
{
	json_t *v;

	if (!value || !*value)
		return 0;
	v = json_string(value);
	if (!v)
		return 0;
	return json_object_set_new(obj, key, v);
}

int cov_baseline_write(const char *path, const struct cov_count *totals,
		       struct da_err *err)
{
	struct da_buf text = DA_BUF_INIT(COV_BASELINE_MAX);
	char created[DA_TIME_RFC3339_SIZE];
	json_t *root = NULL, *tot, *m;
	const char *sha = getenv("GITHUB_SHA"), *ref = getenv("GITHUB_REF");
	int k, r;

	for (k = 0; k < COV__METRICS; k++)
		if (totals[k].covered > totals[k].total ||
		    totals[k].total > (uint64_t)LLONG_MAX)
			return da_err_set(err, DA_EINVAL,
					  "cannot write baseline '%s': %s "
					  "%llu/%llu is not a count it can "
					  "hold",
					  path, cov_metric_name(k),
					  (unsigned long long)totals[k].covered,
					  (unsigned long long)totals[k].total);
	r = da_time_format_rfc3339(da_time_now_ms() / 1000, created,
				   sizeof(created));
	if (r < 0)
		return da_err_set(err, DA_EIO,
				  "cannot write baseline '%s': the clock is "
				  "out of range",
				  path);
	root = json_object();
	tot = json_object();
	if (!root || !tot ||
	    json_object_set_new(root, "format", json_string(BASELINE_FORMAT)) ||
	    json_object_set_new(root, "version",
				json_integer(BASELINE_VERSION)) ||
	    json_object_set_new(root, "created", json_string(created)) ||
	    opt_str(root, "commit", sha) || opt_str(root, "ref", ref)) {
		json_decref(tot);
		r = da_err_set(err, DA_ENOMEM,
			       "cannot write baseline '%s': out of memory",
			       path);
		goto out;
	}
	/* jansson takes tot over here, even when it fails. */
	if (json_object_set_new(root, "totals", tot)) {
		r = da_err_set(err, DA_ENOMEM,
			       "cannot write baseline '%s': out of memory",
			       path);
		goto out;
	}
	for (k = 0; k < COV__METRICS; k++) {
		m = json_object();
		if (!m ||
		    json_object_set_new(
			m, "covered",
			json_integer((json_int_t)totals[k].covered)) ||
		    json_object_set_new(
			m, "total",
			json_integer((json_int_t)totals[k].total)) ||
		    json_object_set_new(tot, cov_metric_name(k), m)) {
			r = da_err_set(err, DA_ENOMEM,
				       "cannot write baseline '%s': out of "
				       "memory",
				       path);
			goto out;
		}
	}
	r = da_json_dump(root, DA_JSON_INDENT, &text, err);
	if (r < 0) {
		da_err_prefix(err, "cannot write baseline '%s'", path);
		goto out;
	}
	r = da_buf_addch(&text, '\n');
	if (r < 0) {
		r = da_err_set(err, -r, "cannot write baseline '%s': too large",
			       path);
		goto out;
	}
	r = da_fs_write_atomic(path, text.data, text.len, 0644, err);
out:
	json_decref(root);
	da_buf_release(&text);
	return r;
}

void cov_baseline_release(struct cov_baseline *baseline)
{
	if (!baseline)
		return;
	free(baseline->commit);
	free(baseline->ref);
	free(baseline->created);
	memset(baseline, 0, sizeof(*baseline));
}

/* A count of the baseline: a JSON integer, 0 or more. */
static int baseline_count(const char *name, const char *metric, const char *key,
			  const json_t *v, uint64_t *ret, struct da_err *err)
{
	if (!json_is_integer(v))
		return da_err_set(err, DA_EINVAL,
				  "cannot read baseline '%s': totals.%s.%s is "
				  "%s, not a count",
				  name, metric, key,
				  v ? da_json_type_name(v) : "missing");
	if (json_integer_value(v) < 0)
		return da_err_set(err, DA_EINVAL,
				  "cannot read baseline '%s': totals.%s.%s is "
				  "negative",
				  name, metric, key);
	*ret = (uint64_t)json_integer_value(v);
	return 0;
}

/* An optional string member, copied; NULL when absent or null. */
static int baseline_str(const char *name, const json_t *root, const char *key,
			char **ret, struct da_err *err)
{
	const json_t *v = json_object_get(root, key);

	*ret = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return da_err_set(err, DA_EINVAL,
				  "cannot read baseline '%s': '%s' is %s, not "
				  "a string",
				  name, key, da_json_type_name(v));
	*ret = strdup(json_string_value(v));
	if (!*ret)
		return da_err_set(err, DA_ENOMEM,
				  "cannot read baseline '%s': out of memory",
				  name);
	return 0;
}

int cov_baseline_parse(const char *name, const void *data, size_t len,
		       struct cov_baseline *ret, struct da_err *err)
{
	struct cov_baseline b;
	json_error_t je;
	json_t *root = NULL, *tot, *m;
	const char *format;
	int k, r = 0;

	memset(&b, 0, sizeof(b));
	if (!name)
		name = "-";
	if (len > COV_BASELINE_MAX)
		return da_err_set(
		    err, DA_ELIMIT,
		    "cannot read baseline '%s': over the %zu-byte "
		    "limit",
		    name, COV_BASELINE_MAX);
	root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return da_err_set(
		    err,
		    json_error_code(&je) == json_error_out_of_memory
			? DA_ENOMEM
			: DA_EINVAL,
		    "cannot read baseline '%s': line %d column %d: %s", name,
		    je.line, je.column, je.text);
	if (!json_is_object(root)) {
		r = da_err_set(err, DA_EINVAL,
			       "cannot read baseline '%s': %s, not an object",
			       name, da_json_type_name(root));
		goto out;
	}
	format = da_json_str(root, "format", NULL);
	if (!format || strcmp(format, BASELINE_FORMAT) != 0) {
		r = da_err_set(err, DA_EINVAL,
			       "cannot read baseline '%s': not a coverage "
			       "baseline (no format \"" BASELINE_FORMAT "\")",
			       name);
		goto out;
	}
	if (!json_is_integer(json_object_get(root, "version")) ||
	    json_integer_value(json_object_get(root, "version")) !=
		BASELINE_VERSION) {
		r = da_err_set(err, DA_EINVAL,
			       "cannot read baseline '%s': version is not %d "
			       "(written by another release of this tool?)",
			       name, BASELINE_VERSION);
		goto out;
	}
	tot = json_object_get(root, "totals");
	if (!json_is_object(tot)) {
		r = da_err_set(err, DA_EINVAL,
			       "cannot read baseline '%s': no \"totals\" "
			       "object",
			       name);
		goto out;
	}
	for (k = 0; k < COV__METRICS; k++) {
		const char *mn = cov_metric_name(k);

		/* A metric the file lacks had no data when it was written. */
		m = json_object_get(tot, mn);
		if (!m)
			continue;
		if (!json_is_object(m)) {
			r = da_err_set(err, DA_EINVAL,
				       "cannot read baseline '%s': totals.%s "
				       "is %s, not an object",
				       name, mn, da_json_type_name(m));
			goto out;
		}
		r = baseline_count(name, mn, "covered",
				   json_object_get(m, "covered"),
				   &b.total[k].covered, err);
		if (r == 0)
			r = baseline_count(name, mn, "total",
					   json_object_get(m, "total"),
					   &b.total[k].total, err);
		if (r < 0)
			goto out;
		if (b.total[k].covered > b.total[k].total) {
			r = da_err_set(err, DA_EINVAL,
				       "cannot read baseline '%s': totals.%s "
				       "covers %llu of %llu",
				       name, mn,
				       (unsigned long long)b.total[k].covered,
				       (unsigned long long)b.total[k].total);
			goto out;
		}
	}
	r = baseline_str(name, root, "created", &b.created, err);
	if (r == 0)
		r = baseline_str(name, root, "commit", &b.commit, err);
	if (r == 0)
		r = baseline_str(name, root, "ref", &b.ref, err);
	if (r < 0)
		goto out;
	*ret = b;
	memset(&b, 0, sizeof(b));
out:
	cov_baseline_release(&b);
	json_decref(root);
	return r;
}

int cov_baseline_read(const char *path, struct cov_baseline *ret,
		      struct da_err *err)
{
	struct da_buf text = DA_BUF_INIT(COV_BASELINE_MAX);
	int r;

	r = da_fs_read_file(path, COV_BASELINE_MAX, &text, err);
	if (r == -DA_ENOENT)
		r = da_err_set(err, DA_ENOENT,
			       "cannot read baseline '%s': no such file", path);
	else if (r == -DA_ELIMIT)
		r = da_err_set(err, DA_ELIMIT,
			       "cannot read baseline '%s': over the %zu-byte "
			       "limit",
			       path, COV_BASELINE_MAX);
	if (r == 0)
		r = cov_baseline_parse(path, text.data ? text.data : "",
				       text.len, ret, err);
	da_buf_release(&text);
	return r;
}

/* ---- evaluation ---- */

/* One wanted file and its totals, computed once. */
struct ftot {
	const char *path;
	struct cov_count c[COV__METRICS];
};

struct eval {
	struct cov_result res;
	size_t capchecks;
	struct ftot *files;
	size_t nfiles;
	struct da_err *err;
};

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static void count_add(struct cov_count *sum, struct cov_count c)
{
	sum->covered = sat_add(sum->covered, c.covered);
	sum->total = sat_add(sum->total, c.total);
}

/* printf into fresh memory; NULL when out of memory. */
static char *fmt_dup(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
static char *fmt_dup(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	s = malloc((size_t)n + 1);
	if (!s)
		return NULL;
	va_start(ap, fmt);
	n = vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	if (n < 0) {
		free(s);
		return NULL;
	}
	return s;
}

static int nomem(struct eval *ev)
{
	return da_err_set(ev->err, DA_ENOMEM,
			  "cannot evaluate the coverage gate: out of memory");
}

/*
 * Appends a check; name is copied, note (may be NULL) is taken over.
 * Returns 0 or -DA_ENOMEM.
 */
static int add_check(struct eval *ev, enum cov_scope scope,
		     enum cov_metric metric, const char *name,
		     struct cov_count count, const struct cov_threshold *t,
		     enum cov_band band, char *note)
{
	struct cov_check *c;

	if (ev->res.nchecks == ev->capchecks) {
		size_t ncap = ev->capchecks ? ev->capchecks * 2 : 16;
		struct cov_check *nv =
		    realloc(ev->res.checks, ncap * sizeof(*nv));

		if (!nv) {
			free(note);
			return nomem(ev);
		}
		ev->res.checks = nv;
		ev->capchecks = ncap;
	}
	c = &ev->res.checks[ev->res.nchecks];
	memset(c, 0, sizeof(*c));
	c->name = strdup(name);
	if (!c->name) {
		free(note);
		return nomem(ev);
	}
	c->scope = scope;
	c->metric = metric;
	c->count = count;
	if (t)
		c->t = *t;
	c->band = band;
	c->note = note;
	ev->res.nchecks++;
	return 0;
}

/* add_check() of a note that had to be made first (NULL: no memory). */
static int add_noted(struct eval *ev, enum cov_scope scope,
		     enum cov_metric metric, const char *name,
		     struct cov_count count, const struct cov_threshold *t,
		     enum cov_band band, char *note)
{
	if (!note)
		return nomem(ev);
	return add_check(ev, scope, metric, name, count, t, band, note);
}

static const char *const metric_singular[COV__METRICS] = {
    "line", "branch", "function", "statement", "instruction",
};

static int collect_files(struct eval *ev, struct cov_model *model,
			 const struct cov_policy *policy)
{
	size_t n = cov_model_files(model), i;
	int k, filtered;

	filtered = set_given(policy->include) || set_given(policy->exclude);
	ev->files = calloc(n ? n : 1, sizeof(*ev->files));
	if (!ev->files)
		return nomem(ev);
	for (i = 0; i < n; i++) {
		struct cov_file *f = cov_model_file(model, i);
		struct ftot *ft;

		if (!cov_policy_wants(policy, cov_file_path(f)))
			continue;
		ft = &ev->files[ev->nfiles++];
		ft->path = cov_file_path(f);
		for (k = 0; k < COV__METRICS; k++) {
			ft->c[k] = cov_file_total(f, k);
			if (filtered)
				count_add(&ev->res.total[k], ft->c[k]);
		}
	}
	/* Unfiltered, the model's own totals also carry the figures of a
	 * report that only has a summary (coverage-summary.json). */
	if (!filtered)
		for (k = 0; k < COV__METRICS; k++)
			ev->res.total[k] = cov_model_total(model, k);
	ev->res.files = ev->nfiles;
	return 0;
}

static int all_zero(const struct cov_count *c)
{
	int k;

	for (k = 0; k < COV__METRICS; k++)
		if (c[k].total)
			return 0;
	return 1;
}

static int eval_totals(struct eval *ev, struct cov_model *model,
		       const struct cov_policy *policy)
{
	struct cov_count none = {0, 0};
	enum cov_band band;
	const char *note;
	int k, r;

	if (all_zero(ev->res.total)) {
		struct cov_count model_total[COV__METRICS];

		for (k = 0; k < COV__METRICS; k++)
			model_total[k] = cov_model_total(model, k);
		note = all_zero(model_total)
			   ? "the reports hold no coverage data"
			   : "the files included hold no coverage data";
		band = policy->empty == COV_EMPTY_PASS	 ? COV_BAND_PASS
		       : policy->empty == COV_EMPTY_SKIP ? COV_BAND_SKIP
							 : COV_BAND_FAIL;
		return add_noted(ev, COV_SCOPE_EMPTY, COV_LINES,
				 "coverage data", none, NULL, band,
				 strdup(note));
	}
	for (k = 0; k < COV__METRICS; k++) {
		const struct cov_threshold *t = &policy->total[k];

		if (!has_threshold(t))
			continue;
		if (ev->res.total[k].total == 0)
			r = add_noted(ev, COV_SCOPE_TOTAL, k,
				      cov_metric_name(k), ev->res.total[k], t,
				      COV_BAND_SKIP,
				      fmt_dup("no %s data in the reports",
					      metric_singular[k]));
		else
			r = add_check(ev, COV_SCOPE_TOTAL, k,
				      cov_metric_name(k), ev->res.total[k], t,
				      cov_threshold_band(ev->res.total[k], t),
				      NULL);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Lowest line coverage first; then more uncovered lines; then path. */
static int cmp_worst(const struct ftot *a, const struct ftot *b)
{
	struct cov_count x = a->c[COV_LINES], y = b->c[COV_LINES];
	u128 l = (u128)x.covered * y.total, r = (u128)y.covered * x.total;
	uint64_t ux = x.total - x.covered, uy = y.total - y.covered;

	if (l != r)
		return l < r ? -1 : 1;
	if (ux != uy)
		return ux > uy ? -1 : 1;
	return strcmp(a->path, b->path);
}

/* The sort moves these, not the larger totals they point at. */
struct fref {
	const struct ftot *f;
};

static int cmp_fref(const void *a, const void *b)
{
	return cmp_worst(((const struct fref *)a)->f,
			 ((const struct fref *)b)->f);
}

static int eval_files(struct eval *ev, const struct cov_policy *policy)
{
	const struct cov_threshold *t = &policy->file;
	struct fref *order = NULL;
	size_t n = 0, i;
	int k, r = 0;

	order = calloc(ev->nfiles ? ev->nfiles : 1, sizeof(struct fref));
	if (!order)
		return nomem(ev);
	/* A file without instrumented lines (a header, a config) has no
	 * coverage to judge. */
	for (i = 0; i < ev->nfiles; i++)
		if (ev->files[i].c[COV_LINES].total > 0)
			order[n++].f = &ev->files[i];
	qsort(order, n, sizeof(struct fref), cmp_fref);

	ev->res.nworst = n < policy->worst ? n : policy->worst;
	if (ev->res.nworst) {
		ev->res.worst = calloc(ev->res.nworst, sizeof(*ev->res.worst));
		if (!ev->res.worst) {
			ev->res.nworst = 0;
			r = nomem(ev);
			goto out;
		}
	}
	for (i = 0; i < ev->res.nworst; i++) {
		ev->res.worst[i].path = order[i].f->path;
		for (k = 0; k < COV__METRICS; k++)
			ev->res.worst[i].count[k] = order[i].f->c[k];
	}

	if (!has_threshold(t))
		goto out;
	if (n == 0) {
		struct cov_count none = {0, 0};

		r = add_noted(ev, COV_SCOPE_FILE, COV_LINES, "every file", none,
			      t, COV_BAND_SKIP,
			      strdup("no file has instrumented lines"));
		goto out;
	}
	for (i = 0; i < n; i++)
		if (cov_threshold_band(order[i].f->c[COV_LINES], t) !=
		    COV_BAND_PASS)
			ev->res.files_below++;
	r = add_noted(ev, COV_SCOPE_FILE, COV_LINES, order[0].f->path,
		      order[0].f->c[COV_LINES], t,
		      cov_threshold_band(order[0].f->c[COV_LINES], t),
		      ev->res.files_below
			  ? fmt_dup("%zu file%s below the threshold",
				    ev->res.files_below,
				    ev->res.files_below == 1 ? "" : "s")
			  : strdup("the file with the lowest coverage"));
out:
	free(order);
	return r;
}

static int eval_groups(struct eval *ev, const struct cov_policy *policy)
{
	struct da_glob_set *set = NULL;
	struct da_err inner = DA_ERR_INIT;
	size_t g, i;
	int k, r = 0;

	if (policy->ngroups == 0)
		return 0;
	ev->res.groups = calloc(policy->ngroups, sizeof(*ev->res.groups));
	if (!ev->res.groups)
		return nomem(ev);
	ev->res.ngroups = policy->ngroups;
	for (g = 0; g < policy->ngroups; g++) {
		const struct cov_group *grp = &policy->groups[g];
		struct cov_group_row *row = &ev->res.groups[g];

		row->glob = grp->glob;
		/* da_glob_match() semantics (a '!' is no negation but an
		 * error), with the pattern compiled once for every file. */
		r = da_glob_match(grp->glob ? grp->glob : "", "x", 0, &inner);
		if (r < 0) {
			r = da_err_set(ev->err, -r, "path threshold '%s': %s",
				       grp->glob ? grp->glob : "", inner.msg);
			goto out;
		}
		r = da_glob_set_new(&set, ev->err);
		if (r < 0)
			goto out;
		r = da_glob_set_add(set, grp->glob, ev->err);
		if (r < 0)
			goto out;
		for (i = 0; i < ev->nfiles; i++) {
			if (da_glob_set_match(set, ev->files[i].path, 0,
					      NULL) != DA_GLOB_INCLUDED)
				continue;
			row->files++;
			for (k = 0; k < COV__METRICS; k++)
				count_add(&row->count[k], ev->files[i].c[k]);
		}
		da_glob_set_free(set);
		set = NULL;
		if (row->files == 0)
			r = add_noted(ev, COV_SCOPE_GROUP, COV_LINES, grp->glob,
				      row->count[COV_LINES], &grp->t,
				      COV_BAND_SKIP,
				      strdup("no file matches this glob"));
		else if (row->count[COV_LINES].total == 0)
			r = add_noted(
			    ev, COV_SCOPE_GROUP, COV_LINES, grp->glob,
			    row->count[COV_LINES], &grp->t, COV_BAND_SKIP,
			    fmt_dup("the %zu file%s matching have no "
				    "instrumented lines",
				    row->files, row->files == 1 ? "" : "s"));
		else
			r = add_check(
			    ev, COV_SCOPE_GROUP, COV_LINES, grp->glob,
			    row->count[COV_LINES], &grp->t,
			    cov_threshold_band(row->count[COV_LINES], &grp->t),
			    NULL);
		if (r < 0)
			goto out;
	}
out:
	da_glob_set_free(set);
	return r;
}

static int eval_changed(struct eval *ev, const struct cov_policy *policy,
			const struct cov_changed *changed)
{
	const struct cov_threshold *t = &policy->changed;
	struct cov_count none = {0, 0};
	uint64_t n;

	if (!has_threshold(t))
		return 0;
	if (!changed)
		return add_noted(ev, COV_SCOPE_CHANGED, COV_LINES,
				 "changed lines", none, t, COV_BAND_SKIP,
				 strdup("no base to compare with"));
	n = changed->count.total;
	if (n < policy->changed_min_lines)
		return add_noted(
		    ev, COV_SCOPE_CHANGED, COV_LINES, "changed lines",
		    changed->count, t, COV_BAND_SKIP,
		    n == 0
			? fmt_dup("no changed line is instrumented; the "
				  "gate needs %llu",
				  (unsigned long long)policy->changed_min_lines)
			: fmt_dup(
			      "%llu changed line%s %s instrumented, "
			      "fewer than the %llu the gate needs",
			      (unsigned long long)n, n == 1 ? "" : "s",
			      n == 1 ? "is" : "are",
			      (unsigned long long)policy->changed_min_lines));
	return add_check(ev, COV_SCOPE_CHANGED, COV_LINES, "changed lines",
			 changed->count, t,
			 cov_threshold_band(changed->count, t), NULL);
}

static int eval_baseline(struct eval *ev, const struct cov_policy *policy,
			 const struct cov_baseline *baseline)
{
	struct cov_count none = {0, 0};
	char delta[COV_PCT_SIZE], max[COV_PCT_SIZE];
	size_t before = ev->res.nchecks;
	struct cov_threshold t;
	int k, r;

	if (!policy->has_max_drop)
		return 0;
	/* The check carries the largest drop allowed, in points, as its
	 * failing threshold. */
	memset(&t, 0, sizeof(t));
	t.has_fail = 1;
	t.fail = policy->max_drop;
	if (!baseline)
		return add_noted(ev, COV_SCOPE_BASELINE, COV_LINES, "baseline",
				 none, &t, COV_BAND_SKIP,
				 strdup("no baseline"));
	for (k = 0; k < COV__METRICS; k++) {
		struct cov_count now = ev->res.total[k];
		struct cov_count base = baseline->total[k];
		struct cov_check *c;

		if (now.total == 0 || base.total == 0)
			continue;
		if (cov_pct_dropped(now, base, policy->max_drop)) {
			cov_pct_delta(now, base, delta, sizeof(delta));
			cov_pct_str(policy->max_drop, max, sizeof(max));
			/* delta is "-N.NN" here: a drop. */
			r = add_noted(
			    ev, COV_SCOPE_BASELINE, k, cov_metric_name(k), now,
			    &t, COV_BAND_FAIL,
			    fmt_dup("down %s points, more than the "
				    "%s allowed",
				    delta[0] == '-' ? delta + 1 : delta, max));
		} else {
			r = add_check(ev, COV_SCOPE_BASELINE, k,
				      cov_metric_name(k), now, &t,
				      COV_BAND_PASS, NULL);
		}
		if (r < 0)
			return r;
		c = &ev->res.checks[ev->res.nchecks - 1];
		c->base = base;
	}
	if (ev->res.nchecks == before)
		return add_noted(
		    ev, COV_SCOPE_BASELINE, COV_LINES, "baseline", none, &t,
		    COV_BAND_SKIP,
		    strdup("no metric has data both now and in the baseline"));
	return 0;
}

static int eval_unmatched(struct eval *ev, const struct cov_policy *policy,
			  size_t unmatched)
{
	struct cov_count none = {0, 0};

	if (!policy->unmatched_fails || unmatched == 0)
		return 0;
	return add_noted(ev, COV_SCOPE_UNMATCHED, COV_LINES, "unmatched files",
			 none, NULL, COV_BAND_FAIL,
			 fmt_dup("%zu report file%s no file in the repository",
				 unmatched,
				 unmatched == 1 ? " matches" : "s match"));
}

static enum cov_band verdict(const struct cov_result *res)
{
	enum cov_band v = COV_BAND_PASS;
	size_t i;

	for (i = 0; i < res->nchecks; i++) {
		enum cov_band b = res->checks[i].band;

		if (b == COV_BAND_FAIL)
			return COV_BAND_FAIL;
		if (b == COV_BAND_WARN)
			v = COV_BAND_WARN;
	}
	return v;
}

int cov_gate_eval(struct cov_model *model, const struct cov_policy *policy,
		  const struct cov_changed *changed,
		  const struct cov_baseline *baseline, size_t unmatched,
		  struct cov_result *ret, struct da_err *err)
{
	struct eval ev;
	int r;

	memset(&ev, 0, sizeof(ev));
	ev.err = err;
	if (!model || !policy)
		return da_err_set(err, DA_EINVAL,
				  "cannot evaluate the coverage gate: no model "
				  "or policy");
	r = collect_files(&ev, model, policy);
	if (r == 0)
		r = eval_totals(&ev, model, policy);
	if (r == 0)
		r = eval_files(&ev, policy);
	if (r == 0)
		r = eval_groups(&ev, policy);
	if (r == 0)
		r = eval_changed(&ev, policy, changed);
	if (r == 0)
		r = eval_baseline(&ev, policy, baseline);
	if (r == 0)
		r = eval_unmatched(&ev, policy, unmatched);
	free(ev.files);
	if (r < 0) {
		cov_result_release(&ev.res);
		return r;
	}
	ev.res.changed = changed;
	ev.res.baseline = baseline;
	ev.res.verdict = verdict(&ev.res);
	*ret = ev.res;
	return 0;
}

void cov_result_release(struct cov_result *result)
{
	size_t i;

	if (!result)
		return;
	for (i = 0; i < result->nchecks; i++) {
		free(result->checks[i].name);
		free(result->checks[i].note);
	}
	free(result->checks);
	free(result->worst);
	free(result->groups);
	memset(result, 0, sizeof(*result));
}
