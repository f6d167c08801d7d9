/*
 * Unit tests for coverage-gate's gate.c: exact percentages, thresholds,
 * path groups, the baseline file and the verdict of cov_gate_eval().
 */
#include "test.h"
#include "cov-test.h"

#include "actions/coverage-gate/gate.h"
#include "common/time.h"

/* ---- helpers ---- */

static struct cov_count cnt(uint64_t covered, uint64_t total)
{
	struct cov_count c;

	c.covered = covered;
	c.total = total;
	return c;
}

static struct cov_pct pct(const char *s)
{
	struct cov_pct p = {0, 0};
	struct da_err err = DA_ERR_INIT;

	if (cov_pct_parse(s, "test", &p, &err) < 0) {
		diag("%s", err.msg);
		ok(0, "test percentage parses");
	}
	return p;
}

static struct cov_threshold thr(const char *s)
{
	struct cov_threshold t;
	struct da_err err = DA_ERR_INIT;

	memset(&t, 0, sizeof(t));
	if (cov_threshold_parse(s, "test", &t, &err) < 0) {
		diag("%s", err.msg);
		ok(0, "test threshold parses");
	}
	return t;
}

static const char *fmt(struct cov_count c)
{
	static char buf[COV_PCT_SIZE];

	return cov_pct_format(c, buf, sizeof(buf));
}

static const char *delta(struct cov_count now, struct cov_count base)
{
	static char buf[COV_PCT_SIZE];

	return cov_pct_delta(now, base, buf, sizeof(buf));
}

static const char *pstr(struct cov_pct p)
{
	static char buf[COV_PCT_SIZE];

	return cov_pct_str(p, buf, sizeof(buf));
}

/* Adds lines 1..total to path, the first covered of them hit. */
static struct cov_file *lines(struct cov_model *m, const char *path,
			      uint32_t covered, uint32_t total)
{
	struct da_err err = DA_ERR_INIT;
	struct cov_file *f = NULL;
	uint32_t i;

	if (cov_file_get(m, path, &f, &err) < 0) {
		diag("%s", err.msg);
		ok(0, "test file made");
		return NULL;
	}
	for (i = 1; i <= total; i++)
		if (cov_line_add(f, i, i <= covered ? 1 : 0, &err) < 0) {
			diag("%s", err.msg);
			ok(0, "test line added");
		}
	return f;
}

/* The first check of scope (and, for totals, metric), or NULL. */
static const struct cov_check *find_check(const struct cov_result *res,
					  enum cov_scope scope,
					  enum cov_metric metric)
{
	size_t i;

	for (i = 0; i < res->nchecks; i++)
		if (res->checks[i].scope == scope &&
		    res->checks[i].metric == metric)
			return &res->checks[i];
	return NULL;
}

static size_t count_scope(const struct cov_result *res, enum cov_scope scope)
{
	size_t i, n = 0;

	for (i = 0; i < res->nchecks; i++)
		n += res->checks[i].scope == scope;
	return n;
}

static const char *band_of(const struct cov_check *c)
{
	return c ? cov_band_name(c->band) : "(no check)";
}

static const char *note_of(const struct cov_check *c)
{
	return c && c->note ? c->note : "(no note)";
}

static int add_set(struct da_glob_set **set, const char *pattern)
{
	struct da_err err = DA_ERR_INIT;

	if (!*set && da_glob_set_new(set, &err) < 0)
		return -1;
	if (da_glob_set_add(*set, pattern, &err) < 0) {
		diag("%s", err.msg);
		return -1;
	}
	return 0;
}

static void add_group(struct cov_policy *p, const char *line)
{
	struct da_err err = DA_ERR_INIT;
	struct cov_group *ng;

	ng = realloc(p->groups, (p->ngroups + 1) * sizeof(*ng));
	if (!ng) {
		ok(0, "group memory");
		return;
	}
	p->groups = ng;
	if (cov_group_parse(line, &p->groups[p->ngroups], &err) < 0) {
		diag("%s", err.msg);
		ok(0, "test group parses");
		return;
	}
	p->ngroups++;
}

static int eval(struct cov_model *m, const struct cov_policy *p,
		const struct cov_changed *ch, const struct cov_baseline *b,
		size_t unmatched, struct cov_result *res)
{
	struct da_err err = DA_ERR_INIT;
	int r;

	memset(res, 0, sizeof(*res));
	r = cov_gate_eval(m, p, ch, b, unmatched, res, &err);
	if (r < 0)
		diag("%s", err.msg);
	return r;
}

/* ---- percentages ---- */

static void test_pct_parse(void)
{
	static const struct {
		const char *in;
		uint64_t num;
		unsigned scale;
		const char *str;
	} good[] = {
	    {"80", 80, 0, "80"},
	    {"80.5", 805, 1, "80.5"},
	    {"79.995", 79995, 3, "79.995"},
	    {"80%", 80, 0, "80"},
	    {" 80 ", 80, 0, "80"},
	    {"\t85%\t", 85, 0, "85"},
	    {"80.50", 805, 1, "80.5"},
	    {"80.0", 80, 0, "80"},
	    {"100", 100, 0, "100"},
	    {"100.0000", 100, 0, "100"},
	    {"0", 0, 0, "0"},
	    {"0.0001", 1, 4, "0.0001"},
	    {"007", 7, 0, "7"},
	    {"99.9999", 999999, 4, "99.9999"},
	};
	static const char *const bad[] = {
	    "",
	    " ",
	    "%",
	    "-1",
	    "+80",
	    "1e2",
	    "101",
	    "100.0001",
	    "80.12345",
	    "abc",
	    "0x10",
	    "80.",
	    ".5",
	    "80 %",
	    "80%%",
	    "8 0",
	    "80/90",
	    "80,5",
	    "1000000000000000000000000",
	    "50x",
	    "NaN",
	};
	struct da_err err = DA_ERR_INIT;
	struct cov_pct p;
	char what[128];
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		memset(&p, 0, sizeof(p));
		format(what, sizeof(what), "'%s' parses", good[i].in);
		is_int(cov_pct_parse(good[i].in, "fail-under", &p, &err), 0,
		       what);
		format(what, sizeof(what), "'%s' is %llu / 10^%u", good[i].in,
		       (unsigned long long)good[i].num, good[i].scale);
		ok(p.num == good[i].num && p.scale == good[i].scale, what);
		format(what, sizeof(what), "'%s' is written '%s'", good[i].in,
		       good[i].str);
		is_str(pstr(p), good[i].str, what);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		p.num = 42;
		p.scale = 0;
		format(what, sizeof(what), "'%s' is refused", bad[i]);
		is_int(cov_pct_parse(bad[i], "fail-under", &p, &err),
		       -DA_EINVAL, what);
		format(what, sizeof(what), "'%s' leaves the result alone",
		       bad[i]);
		ok(p.num == 42 && p.scale == 0, what);
		has_str(err.msg, "'fail-under'",
			"the message names the option");
	}
	cov_pct_parse("101", "fail-under", &p, &err);
	is_str(err.msg, "'fail-under': '101' is not a percentage from 0 to 100",
	       "the message for a value over 100");
	cov_pct_parse("80.12345", "warn-under", &p, &err);
	is_str(err.msg, "'warn-under': '80.12345' has more than 4 decimals",
	       "the message for too many decimals");
	is_int(cov_pct_parse(NULL, "x", &p, &err), -DA_EINVAL,
	       "no text is refused");
}

static void test_pct_str(void)
{
	struct cov_pct p = {79995, 3};
	char small[4];

	is_str(pstr(p), "79.995", "a scaled figure");
	p.num = 800000;
	p.scale = 4;
	is_str(pstr(p), "80", "trailing zeros dropped");
	p.num = 5;
	p.scale = 2;
	is_str(pstr(p), "0.05", "leading zeros of the fraction kept");
	p.num = 79995;
	p.scale = 3;
	ok(cov_pct_str(p, small, sizeof(small)) == NULL,
	   "a buffer too small gives NULL");
	is_str(small, "", "and an empty buffer, never a cut figure");
	ok(cov_pct_format(cnt(1, 3), small, sizeof(small)) == NULL,
	   "the same for cov_pct_format()");
}

static void test_pct_cmp_format(void)
{
	struct cov_pct p80 = pct("80"), p90 = pct("90"), p100 = pct("100");
	struct cov_pct p79995 = pct("79.995"), p0 = pct("0");

	is_int(cov_pct_cmp(cnt(7999, 10000), p80), -1, "79.99% is below 80");
	is_str(fmt(cnt(7999, 10000)), "79.99", "and shows 79.99");
	is_int(cov_pct_cmp(cnt(79995, 100000), p80), -1,
	       "79.995% is below 80: never rounded up");
	is_str(fmt(cnt(79995, 100000)), "79.99", "and shows 79.99, not 80.00");
	is_str(fmt(cnt(2071, 2072)), "99.95", "2071/2072 shows 99.95");
	is_int(cov_pct_cmp(cnt(2071, 2072), p100), -1, "and is below 100");
	is_int(cov_pct_cmp(cnt(89988, 100000), p90), -1, "89.988% is below 90");
	is_str(fmt(cnt(89988, 100000)), "89.98", "and shows 89.98");
	is_int(cov_pct_cmp(cnt(80, 100), p80), 0, "80/100 is exactly 80");
	is_int(cov_pct_cmp(cnt(79995, 100000), p79995), 0,
	       "79995/100000 is exactly 79.995");
	is_int(cov_pct_cmp(cnt(79994, 100000), p79995), -1,
	       "79994/100000 is below 79.995");
	is_int(cov_pct_cmp(cnt(79996, 100000), p79995), 1,
	       "79996/100000 is above 79.995");
	is_int(cov_pct_cmp(cnt(4, 5), p80), 0, "4/5 is exactly 80");
	is_int(cov_pct_cmp(cnt(0, 0), p100), 0, "0 of 0 compares as 100%");
	is_int(cov_pct_cmp(cnt(0, 0), p80), 1, "0 of 0 is above 80");
	is_int(cov_pct_cmp(cnt(0, 7), p0), 0, "0/7 is exactly 0");
	is_str(fmt(cnt(0, 0)), "", "0 of 0 shows nothing");
	is_str(fmt(cnt(1, 3)), "33.33", "1/3 truncated");
	is_str(fmt(cnt(2, 3)), "66.66", "2/3 truncated, not 66.67");
	is_str(fmt(cnt(1, 1)), "100.00", "all covered");
	is_str(fmt(cnt(0, 5)), "0.00", "none covered");
	is_str(fmt(cnt(1, 10000)), "0.01", "one in ten thousand");
	is_str(fmt(cnt(1, 10001)), "0.00", "just under one in ten thousand");
	is_str(fmt(cnt(UINT64_MAX - 1, UINT64_MAX)), "99.99",
	       "huge counts: one short of all is not 100.00");
	is_int(cov_pct_cmp(cnt(UINT64_MAX - 1, UINT64_MAX), p100), -1,
	       "huge counts: below 100");
	is_int(cov_pct_cmp(cnt(UINT64_MAX - 1, UINT64_MAX), pct("99.9999")), 1,
	       "huge counts: above 99.9999");
	is_int(cov_pct_cmp(cnt(UINT64_MAX, UINT64_MAX), p100), 0,
	       "huge counts: all of them is exactly 100");
	is_int(
	    cov_pct_cmp(cnt(((uint64_t)1 << 53) - 1, (uint64_t)1 << 53), p100),
	    -1, "2^53 - 1 of 2^53 is below 100");
	is_int(cov_pct_cmp(cnt((uint64_t)8 << 50, (uint64_t)10 << 50), p80), 0,
	       "80% of 2^53-sized counts is exactly 80");
	is_int(
	    cov_pct_cmp(cnt(((uint64_t)8 << 50) - 1, (uint64_t)10 << 50), p80),
	    -1, "one line less is below 80");
}

static void test_pct_delta_dropped(void)
{
	struct cov_pct half = pct("0.5"), zero = pct("0"), tiny = pct("0.0001");

	is_str(delta(cnt(81, 100), cnt(80, 100)), "+1.00", "a gain");
	is_str(delta(cnt(7999, 10000), cnt(8049, 10000)), "-0.50", "a loss");
	is_str(delta(cnt(80, 100), cnt(8, 10)), "0.00", "no change, no sign");
	is_str(delta(cnt(79996, 100000), cnt(80000, 100000)), "0.00",
	       "a loss under 0.01 truncates toward zero, without a sign");
	is_str(delta(cnt(1, 3), cnt(0, 1)), "+33.33", "thirds truncated");
	is_str(delta(cnt(1, 2), cnt(1, 4)), "+25.00", "different totals");
	is_str(delta(cnt(1, 3), cnt(2, 3)), "-33.33", "a loss truncated");
	is_str(delta(cnt(0, 0), cnt(1, 2)), "", "no figure now: nothing");
	is_str(delta(cnt(1, 2), cnt(0, 0)), "", "no baseline figure: nothing");
	is_str(delta(cnt(UINT64_MAX, UINT64_MAX), cnt(0, UINT64_MAX)),
	       "+100.00", "huge counts: all gained");
	is_str(delta(cnt(0, UINT64_MAX), cnt(UINT64_MAX - 1, UINT64_MAX)),
	       "-99.99", "huge counts: nearly all lost");
	is_str(delta(cnt(UINT64_MAX - 1, UINT64_MAX),
		     cnt(UINT64_MAX - 2, UINT64_MAX - 1)),
	       "0.00", "huge counts: a tiny gain shows as none");

	ok(!cov_pct_dropped(cnt(795, 1000), cnt(80, 100), half),
	   "a drop of exactly 0.5 is allowed by 0.5");
	ok(cov_pct_dropped(cnt(7949, 10000), cnt(80, 100), half),
	   "a drop of 0.51 is not");
	ok(!cov_pct_dropped(cnt(90, 100), cnt(80, 100), zero), "a gain passes");
	ok(!cov_pct_dropped(cnt(8, 10), cnt(80, 100), zero),
	   "no change passes max 0");
	ok(cov_pct_dropped(cnt(79999, 100000), cnt(80, 100), zero),
	   "any drop fails max 0");
	ok(!cov_pct_dropped(cnt(0, 0), cnt(80, 100), zero),
	   "no figure now is not a drop");
	ok(!cov_pct_dropped(cnt(0, 10), cnt(0, 0), zero),
	   "no baseline figure is not a drop");
	ok(cov_pct_dropped(cnt(UINT64_MAX - 1, UINT64_MAX),
			   cnt(UINT64_MAX, UINT64_MAX), zero),
	   "huge counts: the smallest drop is seen");
	ok(!cov_pct_dropped(cnt(UINT64_MAX - 1, UINT64_MAX),
			    cnt(UINT64_MAX, UINT64_MAX), tiny),
	   "huge counts: and is under 0.0001 points");
	ok(cov_pct_dropped(cnt(0, UINT64_MAX), cnt(UINT64_MAX, UINT64_MAX),
			   pct("99.9999")),
	   "huge counts: all lost is over 99.9999 points");
	ok(!cov_pct_dropped(cnt(0, UINT64_MAX), cnt(UINT64_MAX, UINT64_MAX),
			    pct("100")),
	   "huge counts: all lost is not over 100 points");
}

/* ---- thresholds and groups ---- */

static void test_threshold(void)
{
	struct cov_threshold t, none;
	struct da_err err = DA_ERR_INIT;

	memset(&none, 0, sizeof(none));
	is_str(cov_band_name(COV_BAND_PASS), "pass", "band pass");
	is_str(cov_band_name(COV_BAND_WARN), "warn", "band warn");
	is_str(cov_band_name(COV_BAND_FAIL), "fail", "band fail");
	is_str(cov_band_name(COV_BAND_SKIP), "skip", "band skip");

	t = thr("80/90");
	ok(t.has_fail && t.has_warn, "FAIL/WARN sets both");
	is_str(pstr(t.fail), "80", "the failing threshold");
	is_str(pstr(t.warn), "90", "the warning threshold");
	is_str(cov_band_name(cov_threshold_band(cnt(7999, 10000), &t)), "fail",
	       "below fail fails");
	is_str(cov_band_name(cov_threshold_band(cnt(80, 100), &t)), "warn",
	       "exactly fail, below warn: warns");
	is_str(cov_band_name(cov_threshold_band(cnt(8999, 10000), &t)), "warn",
	       "just below warn warns");
	is_str(cov_band_name(cov_threshold_band(cnt(90, 100), &t)), "pass",
	       "exactly warn passes");
	is_str(cov_band_name(cov_threshold_band(cnt(0, 0), &t)), "pass",
	       "nothing to cover passes");
	is_str(cov_band_name(cov_threshold_band(cnt(0, 10), &none)), "pass",
	       "no threshold passes");
	is_str(cov_band_name(cov_threshold_band(cnt(0, 10), NULL)), "pass",
	       "NULL threshold passes");

	t = thr("0/50");
	is_str(cov_band_name(cov_threshold_band(cnt(0, 10), &t)), "warn",
	       "fail 0 turns the failing band off; warn still works");
	t = thr("85");
	ok(t.has_fail && !t.has_warn, "FAIL alone");
	is_str(cov_band_name(cov_threshold_band(cnt(84, 100), &t)), "fail",
	       "fail only: below fails");
	t = thr(" 85 / 90% ");
	ok(t.has_fail && t.has_warn && t.fail.num == 85 && t.warn.num == 90,
	   "spaces and '%' around both parts");
	t = thr("80/80");
	ok(t.has_warn, "warn equal to fail is allowed");

	memset(&t, 0, sizeof(t));
	is_int(cov_threshold_parse("90/85", "changed", &t, &err), -DA_EINVAL,
	       "warn below fail is refused");
	is_str(err.msg,
	       "'changed': the warning threshold 85 is below the failing one "
	       "90 (write FAIL/WARN)",
	       "and says which is which");
	ok(!t.has_fail, "a refused threshold leaves the result alone");
	is_int(cov_threshold_parse("85/", "x", &t, &err), -DA_EINVAL,
	       "an empty warn part is refused");
	is_int(cov_threshold_parse("/90", "x", &t, &err), -DA_EINVAL,
	       "an empty fail part is refused");
	is_int(cov_threshold_parse("80/85/90", "x", &t, &err), -DA_EINVAL,
	       "three parts are refused");
	is_int(cov_threshold_parse("", "x", &t, &err), -DA_EINVAL,
	       "nothing is refused");
	is_int(cov_threshold_parse("80/x", "x", &t, &err), -DA_EINVAL,
	       "a bad warn part is refused");
	is_str(err.msg, "'x': 'x' is not a percentage from 0 to 100",
	       "the message quotes the part at fault");
}

static void test_group_parse(void)
{
	struct da_err err = DA_ERR_INIT;
	struct cov_group g;

	memset(&g, 0, sizeof(g));
	is_int(cov_group_parse("services/api/**: 85", &g, &err), 0,
	       "GLOB: FAIL");
	is_str(g.glob, "services/api/**", "the glob");
	ok(g.t.has_fail && !g.t.has_warn && g.t.fail.num == 85, "its fail");
	free(g.glob);
	is_int(cov_group_parse("  libs/**  :  70/80 ", &g, &err), 0,
	       "GLOB: FAIL/WARN with spaces");
	is_str(g.glob, "libs/**", "the glob trimmed");
	ok(g.t.has_warn && g.t.warn.num == 80, "its warn");
	free(g.glob);
	is_int(cov_group_parse("C:/src/**:80", &g, &err), 0,
	       "a glob holding ':'");
	is_str(g.glob, "C:/src/**", "split at the last ':'");
	free(g.glob);
	is_int(cov_group_parse("a b/*.c: 90%", &g, &err), 0,
	       "a glob holding a space");
	is_str(g.glob, "a b/*.c", "kept whole");
	free(g.glob);

	g.glob = NULL;
	is_int(cov_group_parse("services/api/** 85", &g, &err), -DA_EINVAL,
	       "no ':' is refused");
	has_str(err.msg, "'services/api/** 85'", "naming the line");
	is_int(cov_group_parse("  : 85", &g, &err), -DA_EINVAL,
	       "an empty glob is refused");
	has_str(err.msg, "no glob", "saying so");
	is_int(cov_group_parse("src/**: abc", &g, &err), -DA_EINVAL,
	       "a bad number is refused");
	has_str(err.msg, "path threshold 'src/**: abc'", "naming the line");
	is_int(cov_group_parse("src/**:", &g, &err), -DA_EINVAL,
	       "no number is refused");
	is_int(cov_group_parse("src/[a: 80", &g, &err), -DA_EINVAL,
	       "a bad glob is refused");
	has_str(err.msg, "path threshold 'src/[a: 80'", "naming the line");
	is_int(cov_group_parse("!src/**: 80", &g, &err), -DA_EINVAL,
	       "a negated glob is refused");
	is_int(cov_group_parse("src/**: 90/80", &g, &err), -DA_EINVAL,
	       "warn below fail is refused");
	ok(g.glob == NULL, "a refused line leaves the result alone");
}

static void test_policy_wants(void)
{
	struct cov_policy p;

	cov_policy_init(&p);
	ok(p.worst == 10 && p.empty == COV_EMPTY_FAIL && p.metric == COV_LINES,
	   "defaults: 10 worst files, empty fails, lines");
	ok(cov_policy_wants(&p, "anything/at/all.c"), "no include: all");
	if (add_set(&p.include, "src/**") < 0 ||
	    add_set(&p.include, "lib/*.c") < 0 ||
	    add_set(&p.exclude, "*_test.go") < 0 ||
	    add_set(&p.exclude, "src/gen/") < 0) {
		ok(0, "test sets made");
		cov_policy_release(&p);
		return;
	}
	ok(cov_policy_wants(&p, "src/a/b/c.go"), "included by src/**");
	ok(cov_policy_wants(&p, "lib/x.c"), "included by lib/*.c");
	ok(!cov_policy_wants(&p, "lib/sub/x.c"),
	   "lib/*.c does not cross a directory");
	ok(!cov_policy_wants(&p, "docs/a.c"), "not included");
	ok(!cov_policy_wants(&p, "src/a/b_test.go"),
	   "exclude wins over include");
	ok(!cov_policy_wants(&p, "src/gen/x/y.go"),
	   "an excluded directory takes what is under it");
	cov_policy_release(&p);
	ok(p.include == NULL && p.exclude == NULL, "released sets are gone");

	/* A set without a single pattern is as if none was given. */
	cov_policy_init(&p);
	{
		struct da_err err = DA_ERR_INIT;

		if (da_glob_set_new(&p.include, &err) == 0)
			ok(cov_policy_wants(&p, "x.c"),
			   "an empty include set includes all");
	}
	cov_policy_release(&p);
	cov_policy_release(NULL);
}

/* ---- evaluation ---- */

/*
 * src/a.c 7/10 lines (2 of 4 branches), src/b.c 10/10, lib/c.c 0/5,
 * src/deep/er/d.c 3/4, include/x.h with no lines.
 */
static struct cov_model *sample(void)
{
	struct cov_model *m = cov_test_model();
	struct da_err err = DA_ERR_INIT;
	struct cov_file *a, *x = NULL;

	a = lines(m, "src/a.c", 7, 10);
	lines(m, "src/b.c", 10, 10);
	lines(m, "lib/c.c", 0, 5);
	lines(m, "src/deep/er/d.c", 3, 4);
	if (cov_branch_counts(a, 3, 2, 4, &err) < 0 ||
	    cov_file_get(m, "include/x.h", &x, &err) < 0) {
		diag("%s", err.msg);
		ok(0, "sample model made");
	}
	return m;
}

static void test_eval_totals(void)
{
	struct cov_model *m = sample();
	struct cov_policy p;
	struct cov_result res;
	const struct cov_check *c;

	cov_policy_init(&p);
	p.total[COV_LINES] = thr("80/90");
	p.total[COV_BRANCHES] = thr("50");
	p.total[COV_FUNCTIONS] = thr("10");
	is_int(eval(m, &p, NULL, NULL, 0, &res), 0, "evaluated");
	is_cov(res.total[COV_LINES], 20, 29, "lines 20/29 over every file");
	is_cov(res.total[COV_BRANCHES], 2, 4, "branches 2/4");
	is_cov(res.total[COV_FUNCTIONS], 0, 0, "no functions");
	is_int(res.files, 5, "five files, one without lines");
	is_int(res.nchecks, 3, "one check per metric with a threshold");
	c = find_check(&res, COV_SCOPE_TOTAL, COV_LINES);
	is_str(band_of(c), "fail", "lines 68.96% fail under 80");
	is_str(c ? c->name : NULL, "lines", "named after the metric");
	ok(c && c->t.has_warn && c->t.warn.num == 90, "carrying its threshold");
	c = find_check(&res, COV_SCOPE_TOTAL, COV_BRANCHES);
	is_str(band_of(c), "pass", "branches 50% pass at 50");
	c = find_check(&res, COV_SCOPE_TOTAL, COV_FUNCTIONS);
	is_str(band_of(c), "skip", "no function data: skipped");
	is_str(note_of(c), "no function data in the reports",
	       "with a note saying so");
	ok(!find_check(&res, COV_SCOPE_TOTAL, COV_STATEMENTS),
	   "no threshold, no check");
	is_str(cov_band_name(res.verdict), "fail", "verdict fail");
	ok(res.nworst == 4, "four worst files: those with lines");
	cov_result_release(&res);

	/* Lowered to a warning only. */
	p.total[COV_LINES] = thr("60/70");
	p.total[COV_FUNCTIONS].has_fail = 0;
	is_int(eval(m, &p, NULL, NULL, 0, &res), 0, "evaluated again");
	is_str(band_of(find_check(&res, COV_SCOPE_TOTAL, COV_LINES)), "warn",
	       "68.96% warns under 70");
	is_str(cov_band_name(res.verdict), "warn", "verdict warn");
	cov_result_release(&res);

	p.total[COV_LINES] = thr("0");
	is_int(eval(m, &p, NULL, NULL, 0, &res), 0, "evaluated with fail 0");
	is_str(cov_band_name(res.verdict), "pass",
	       "fail 0 passes: the failing band is off");
	cov_result_release(&res);

	cov_policy_release(&p);
	cov_model_free(m);
}

static void test_eval_files(void)
{
	struct cov_model *m = sample();
	struct cov_policy p;
	struct cov_result res;
	const struct cov_check *c;

	/* Ties: same coverage, more uncovered lines first, then path. */
	lines(m, "tie/z.c", 1, 2);
	lines(m, "tie/y.c", 5, 10);
	lines(m, "tie/x.c", 1, 2);
	cov_policy_init(&p);
	p.file = thr("50/75");
	p.worst = 6;
	is_int(eval(m, &p, NULL, NULL, 0, &res), 0, "evaluated");
	is_int(res.nworst, 6, "worst files cut at policy->worst");
	if (res.nworst == 6) {
		is_str(res.worst[0].path, "lib/c.c", "the worst first");
		is_str(res.worst[1].path, "tie/y.c",
		       "a tie: more uncovered lines first");
		is_str(res.worst[2].path, "tie/x.c", "then by path");
		is_str(res.worst[3].path, "tie/z.c", "then by path");
		is_str(res.worst[4].path, "src/a.c", "then 70%");
		is_str(res.worst[5].path, "src/deep/er/d.c", "then 75%");
		is_cov(res.worst[4].count[COV_BRANCHES], 2, 4,
		       "every metric of a worst file is filled");
		is_cov(res.worst[4].count[COV_LINES], 7, 10, "its lines");
	}
	c = find_check(&res, COV_SCOPE_FILE, COV_LINES);
	is_str(band_of(c), "fail", "a file under 50 fails every file");
	is_str(c ? c->name : NULL, "lib/c.c", "the figure is the worst file");
	is_cov(c ? c->count : cnt(9, 9), 0, 5, "with its count");
	is_int(res.files_below, 5,
	       "files below: 0%, three at 50% and 70% under warn 75");
	is_str(note_of(c), "5 files below the threshold", "noted");
	cov_result_release(&res);

	p.file = thr("0/40");
	p.worst = 0;
	is_int(eval(m, &p, NULL, NULL, 0, &res), 0, "evaluated, no list");
	is_int(res.nworst, 0, "no worst files asked for");
	ok(res.worst == NULL, "none made");
	is_int(res.files_below, 1, "one file under warn 40");
	is_str(band_of(find_check(&res, COV_SCOPE_FILE, COV_LINES)), "warn",
	       "the worst file warns");
	cov_result_release(&res);
	cov_policy_release(&p);
	cov_model_free(m);

	/* No file has lines, but the reports have branches. */
	m = cov_test_model();
	{
		struct da_err err = DA_ERR_INIT;
		struct cov_file *f = NULL;

		if (cov_file_get(m, "a.c", &f, &err) < 0 ||
		    cov_branch_counts(f, 1, 1, 2, &err) < 0)
			ok(0, "branch-only model made");
	}
	cov_policy_init(&p);
	p.file = thr("50");
	p.total[COV_LINES] = thr("80");
	is_int(eval(m, &p, NULL, NULL, 0, &res), 0, "branch-only evaluated");
	c = find_check(&res, COV_SCOPE_FILE, COV_LINES);
	is_str(band_of(c), "skip", "no file with lines: every-file skipped");
	is_str(note_of(c), "no file has instrumented lines", "noted");
	c = find_check(&res, COV_SCOPE_TOTAL, COV_LINES);
	is_str(band_of(c), "skip",
	       "lines total 0 with branches present: skipped, not empty");
	is_str(note_of(c), "no line data in the reports", "noted");
	is_int(count_scope(&res, COV_SCOPE_EMPTY), 0, "not the empty case");
	is_str(cov_band_name(res.verdict), "pass", "verdict pass");
	is_int(res.nworst, 0, "no worst file without lines");
	cov_result_release(&res);
	cov_policy_release(&p);
	cov_model_free(m);
}

static void test_eval_groups(void)
{
	struct cov_model *m = sample();
	struct cov_policy p;
	struct cov_result res;
	size_t i;

	cov_policy_init(&p);
	add_group(&p, "src/**: 80");
	add_group(&p, "lib/**: 10/50");
	add_group(&p, "nothing/**: 50");
	add_group(&p, "**/*.c: 50/80");
	add_group(&p, "include/: 50");
	is_int(p.ngroups, 5, "five groups");
	is_int(eval(m, &p, NULL, NULL, 0, &res), 0, "evaluated");
	is_int(res.ngroups, 5, "a row per group");
	is_int(count_scope(&res, COV_SCOPE_GROUP), 5, "a check per group");
	if (res.ngroups == 5 && res.nchecks == 5) {
		is_str(res.groups[0].glob, "src/**", "row 0 glob");
		is_int(res.groups[0].files, 3, "src/** holds three files");
		is_cov(res.groups[0].count[COV_LINES], 20, 24,
		       "src/** crosses directories: 20/24");
		is_cov(res.groups[0].count[COV_BRANCHES], 2, 4,
		       "its branches summed");
		is_str(res.checks[0].name, "src/**", "check named by glob");
		is_str(band_of(&res.checks[0]), "pass", "83.33% passes 80");
		is_str(band_of(&res.checks[1]), "fail", "lib/** 0% fails");
		is_str(band_of(&res.checks[2]), "skip", "no file: skipped");
		is_str(note_of(&res.checks[2]), "no file matches this glob",
		       "noted");
		is_int(res.groups[2].files, 0, "its row has no file");
		is_int(res.groups[3].files, 4, "**/*.c matches four files");
		is_cov(res.groups[3].count[COV_LINES], 20, 29,
		       "**/*.c matches at any depth");
		is_str(band_of(&res.checks[3]), "warn", "68.96% warns");
		is_int(res.groups[4].files, 1, "include/ holds one file");
		is_str(band_of(&res.checks[4]), "skip",
		       "a group without lines is skipped");
		has_str(note_of(&res.checks[4]), "no instrumented lines",
			"noted");
		for (i = 0; i < res.nchecks; i++)
			ok(res.checks[i].metric == COV_LINES,
			   "groups are judged on lines");
	}
	is_str(cov_band_name(res.verdict), "fail", "verdict fail");
	cov_result_release(&res);

	/* Groups see the wanted files only. */
	if (add_set(&p.exclude, "src/a.c") == 0) {
		is_int(eval(m, &p, NULL, NULL, 0, &res), 0, "with an exclude");
		if (res.ngroups)
			is_cov(res.groups[0].count[COV_LINES], 13, 14,
			       "an excluded file is in no group");
		cov_result_release(&res);
	}
	cov_policy_release(&p);
	cov_model_free(m);
}

static void test_eval_include(void)
{
	struct cov_model *m = sample();
	struct cov_policy p;
	struct cov_result res;
	struct da_err err = DA_ERR_INIT;

	cov_policy_init(&p);
	if (add_set(&p.exclude, "lib/") < 0 || add_set(&p.include, "*.c") < 0)
		ok(0, "sets made");
	p.total[COV_LINES] = thr("80");
	is_int(eval(m, &p, NULL, NULL, 0, &res), 0, "evaluated");
	is_cov(res.total[COV_LINES], 20, 24, "lib/ left out of the totals");
	is_int(res.files, 3, "three wanted files (x.h not included)");
	is_str(band_of(find_check(&res, COV_SCOPE_TOTAL, COV_LINES)), "pass",
	       "83.33% passes");
	cov_result_release(&res);
	cov_policy_release(&p);
	cov_model_free(m);

	/* A summary-only report: the model's totals carry it when nothing
	 * is filtered; filtered, there are no files to count. */
	m = cov_test_model();
	if (cov_model_summary(m, COV_LINES, 8, 10, "coverage-summary.json",
			      &err) < 0)
		ok(0, "summary recorded");
	cov_policy_init(&p);
	p.total[COV_LINES] = thr("80");
	is_int(eval(m, &p, NULL, NULL, 0, &res), 0, "summary evaluated");
	is_cov(res.total[COV_LINES], 8, 10, "the summary's figure is used");
	is_str(band_of(find_check(&res, COV_SCOPE_TOTAL, COV_LINES)), "pass",
	       "and passes 80");
	cov_result_release(&res);
	if (add_set(&p.exclude, "vendor/") == 0) {
		is_int(eval(m, &p, NULL, NULL, 0, &res), 0, "filtered");
		is_cov(res.total[COV_LINES], 0, 0,
		       "filtered: only files count");
		is_int(count_scope(&res, COV_SCOPE_EMPTY), 1,
		       "which leaves nothing");
		is_str(note_of(find_check(&res, COV_SCOPE_EMPTY, COV_LINES)),
		       "the files included hold no coverage data",
		       "saying the filter left nothing");
		cov_result_release(&res);
	}
	cov_policy_release(&p);
	cov_model_free(m);
}

static void test_eval_empty(void)
{
	struct cov_model *m = cov_test_model();
	struct cov_policy p;
	struct cov_result res;
	const struct cov_check *c;
	struct da_err err = DA_ERR_INIT;
	struct cov_file *f = NULL;

	/* A file with no records at all. */
	cov_file_get(m, "src/empty.c", &f, &err);
	cov_policy_init(&p);
	p.total[COV_LINES] = thr("80");
	p.total[COV_BRANCHES] = thr("50");
	is_int(eval(m, &p, NULL, NULL, 0, &res), 0, "empty evaluated");
	is_int(res.nchecks, 1, "one check: the empty one");
	c = find_check(&res, COV_SCOPE_EMPTY, COV_LINES);
	is_str(band_of(c), "fail", "empty fails by default");
	is_str(note_of(c), "the reports hold no coverage data", "noted");
	is_int(count_scope(&res, COV_SCOPE_TOTAL), 0,
	       "no total checks on nothing");
	is_str(cov_band_name(res.verdict), "fail", "verdict fail");
	cov_result_release(&res);

	p.empty = COV_EMPTY_PASS;
	is_int(eval(m, &p, NULL, NULL, 0, &res), 0, "empty=pass evaluated");
	is_str(band_of(find_check(&res, COV_SCOPE_EMPTY, COV_LINES)), "pass",
	       "empty=pass passes");
	is_str(cov_band_name(res.verdict), "pass", "verdict pass");
	cov_result_release(&res);

	p.empty = COV_EMPTY_SKIP;
	is_int(eval(m, &p, NULL, NULL, 0, &res), 0, "empty=skip evaluated");
	c = find_check(&res, COV_SCOPE_EMPTY, COV_LINES);
	is_str(band_of(c), "skip", "empty=skip skips");
	is_str(note_of(c), "the reports hold no coverage data", "noted");
	is_str(cov_band_name(res.verdict), "pass",
	       "and the verdict is pass, never skip");
	cov_result_release(&res);
	cov_policy_release(&p);
	cov_model_free(m);
}

static void test_eval_changed(void)
{
	struct cov_model *m = sample();
	struct cov_policy p;
	struct cov_result res;
	struct cov_changed ch;
	const struct cov_check *c;

	memset(&ch, 0, sizeof(ch));
	cov_policy_init(&p);
	is_int(eval(m, &p, &ch, NULL, 0, &res), 0, "no changed threshold");
	is_int(count_scope(&res, COV_SCOPE_CHANGED), 0, "no changed check");
	ok(res.changed == &ch, "the changed lines are passed on");
	cov_result_release(&res);

	p.changed = thr("90/95");
	is_int(eval(m, &p, NULL, NULL, 0, &res), 0, "no changed lines given");
	c = find_check(&res, COV_SCOPE_CHANGED, COV_LINES);
	is_str(band_of(c), "skip", "skipped without a base");
	is_str(note_of(c), "no base to compare with", "noted");
	ok(res.changed == NULL, "no changed lines to pass on");
	cov_result_release(&res);

	p.changed_min_lines = 5;
	ch.count = cnt(3, 3);
	is_int(eval(m, &p, &ch, NULL, 0, &res), 0, "three changed lines");
	c = find_check(&res, COV_SCOPE_CHANGED, COV_LINES);
	is_str(band_of(c), "skip", "fewer than the minimum: skipped");
	is_str(note_of(c),
	       "3 changed lines are instrumented, fewer than the 5 the gate "
	       "needs",
	       "the note says how many");
	cov_result_release(&res);

	ch.count = cnt(1, 1);
	is_int(eval(m, &p, &ch, NULL, 0, &res), 0, "one changed line");
	is_str(note_of(find_check(&res, COV_SCOPE_CHANGED, COV_LINES)),
	       "1 changed line is instrumented, fewer than the 5 the gate "
	       "needs",
	       "in the singular");
	cov_result_release(&res);

	ch.count = cnt(0, 0);
	p.changed_min_lines = 1;
	is_int(eval(m, &p, &ch, NULL, 0, &res), 0, "no instrumented line");
	is_str(band_of(find_check(&res, COV_SCOPE_CHANGED, COV_LINES)), "skip",
	       "none instrumented: skipped at the default minimum");
	cov_result_release(&res);

	ch.count = cnt(9, 10);
	is_int(eval(m, &p, &ch, NULL, 0, &res), 0, "ten changed lines");
	c = find_check(&res, COV_SCOPE_CHANGED, COV_LINES);
	is_str(band_of(c), "warn", "90% warns under 95");
	is_cov(c ? c->count : cnt(9, 9), 9, 10, "the figure");
	is_str(cov_band_name(res.verdict), "warn", "verdict warn");
	cov_result_release(&res);

	ch.count = cnt(8, 10);
	is_int(eval(m, &p, &ch, NULL, 0, &res), 0, "80% changed");
	is_str(band_of(find_check(&res, COV_SCOPE_CHANGED, COV_LINES)), "fail",
	       "80% fails 90");
	is_str(cov_band_name(res.verdict), "fail", "verdict fail");
	cov_result_release(&res);
	cov_policy_release(&p);
	cov_model_free(m);

	/* Release of what changed.c fills. */
	memset(&ch, 0, sizeof(ch));
	ch.files = calloc(1, sizeof(*ch.files));
	if (ch.files) {
		ch.nfiles = 1;
		ch.files[0].path = strdup("src/a.c");
		ch.files[0].uncovered = calloc(2, sizeof(uint32_t));
		ch.files[0].nuncovered = 2;
	}
	ch.base = strdup("main");
	ch.head = strdup("HEAD");
	cov_changed_release(&ch);
	ok(ch.files == NULL && ch.nfiles == 0 && ch.base == NULL,
	   "changed lines released and emptied");
	cov_changed_release(NULL);
}

static void test_eval_baseline(void)
{
	struct cov_model *m = sample();
	struct cov_policy p;
	struct cov_result res;
	struct cov_baseline b;
	const struct cov_check *c;

	memset(&b, 0, sizeof(b));
	cov_policy_init(&p);
	p.has_max_drop = 1;
	p.max_drop = pct("0.5");
	is_int(eval(m, &p, NULL, NULL, 0, &res), 0, "no baseline");
	c = find_check(&res, COV_SCOPE_BASELINE, COV_LINES);
	is_str(band_of(c), "skip", "no baseline: skipped");
	is_str(note_of(c), "no baseline", "noted");
	is_str(cov_band_name(res.verdict), "pass", "verdict pass");
	cov_result_release(&res);

	/* Now: lines 20/29 (68.96%), branches 2/4. */
	/* 69.47 - 68.9655... is a drop of 0.5045 points. */
	b.total[COV_LINES] = cnt(6947, 10000);
	b.total[COV_BRANCHES] = cnt(1, 4);
	b.total[COV_FUNCTIONS] = cnt(5, 10); /* none now: no check */
	is_int(eval(m, &p, NULL, &b, 0, &res), 0, "with a baseline");
	is_int(count_scope(&res, COV_SCOPE_BASELINE), 2,
	       "a check per metric with data now and then");
	c = find_check(&res, COV_SCOPE_BASELINE, COV_LINES);
	is_str(band_of(c), "fail", "lines dropped more than 0.5");
	is_cov(c ? c->base : cnt(9, 9), 6947, 10000, "the baseline figure");
	is_cov(c ? c->count : cnt(9, 9), 20, 29, "the figure now");
	ok(c && c->t.has_fail && !c->t.has_warn && c->t.fail.num == 5 &&
	       c->t.fail.scale == 1,
	   "the check carries max-drop as its failing threshold");
	is_str(note_of(c), "down 0.50 points, more than the 0.5 allowed",
	       "noted, truncated like every figure");
	c = find_check(&res, COV_SCOPE_BASELINE, COV_BRANCHES);
	is_str(band_of(c), "pass", "branches gained");
	ok(res.baseline == &b, "the baseline is passed on");
	is_str(cov_band_name(res.verdict), "fail", "verdict fail");
	cov_result_release(&res);

	b.total[COV_LINES] = cnt(6946, 10000);
	is_int(eval(m, &p, NULL, &b, 0, &res), 0, "a drop under 0.5");
	is_str(band_of(find_check(&res, COV_SCOPE_BASELINE, COV_LINES)), "pass",
	       "a drop of 0.4945 passes");
	cov_result_release(&res);

	memset(&b, 0, sizeof(b));
	is_int(eval(m, &p, NULL, &b, 0, &res), 0, "an empty baseline");
	c = find_check(&res, COV_SCOPE_BASELINE, COV_LINES);
	is_str(band_of(c), "skip", "nothing to compare: skipped");
	has_str(note_of(c), "no metric", "noted");
	cov_result_release(&res);

	p.has_max_drop = 0;
	is_int(eval(m, &p, NULL, &b, 0, &res), 0, "no max-drop");
	is_int(count_scope(&res, COV_SCOPE_BASELINE), 0, "no baseline check");
	cov_result_release(&res);
	cov_policy_release(&p);
	cov_model_free(m);
}

static void test_eval_unmatched(void)
{
	struct cov_model *m = sample();
	struct cov_policy p;
	struct cov_result res;
	const struct cov_check *c;

	cov_policy_init(&p);
	is_int(eval(m, &p, NULL, NULL, 4, &res), 0, "unmatched, not failing");
	is_int(count_scope(&res, COV_SCOPE_UNMATCHED), 0, "no check");
	is_str(cov_band_name(res.verdict), "pass", "verdict pass");
	cov_result_release(&res);

	p.unmatched_fails = 1;
	is_int(eval(m, &p, NULL, NULL, 0, &res), 0, "none unmatched");
	is_int(count_scope(&res, COV_SCOPE_UNMATCHED), 0, "no check");
	cov_result_release(&res);

	is_int(eval(m, &p, NULL, NULL, 4, &res), 0, "four unmatched");
	c = find_check(&res, COV_SCOPE_UNMATCHED, COV_LINES);
	is_str(band_of(c), "fail", "unmatched files fail");
	is_str(note_of(c), "4 report files match no file in the repository",
	       "noted");
	is_str(cov_band_name(res.verdict), "fail", "verdict fail");
	cov_result_release(&res);

	is_int(eval(m, &p, NULL, NULL, 1, &res), 0, "one unmatched");
	is_str(note_of(find_check(&res, COV_SCOPE_UNMATCHED, COV_LINES)),
	       "1 report file matches no file in the repository",
	       "in the singular");
	cov_result_release(&res);
	cov_policy_release(&p);
	cov_model_free(m);
}

/* ---- the baseline file ---- */

static int read_text(const char *text, struct cov_baseline *b,
		     struct da_err *err)
{
	da_err_clear(err);
	return cov_baseline_read(cov_test_puts("b.json", text), b, err);
}

static void test_baseline_file(void)
{
	struct da_err err = DA_ERR_INIT;
	struct cov_baseline b;
	struct cov_count tot[COV__METRICS];
	struct da_buf path = DA_BUF_INIT(0), big = DA_BUF_INIT(0);
	int64_t when = 0;
	int k;
	static const struct {
		const char *text, *why, *says;
	} bad[] = {
	    {"not json", "not JSON", "line 1"},
	    {"[]", "an array", "not an object"},
	    {"{\"format\":\"other\",\"version\":1,\"totals\":{}}",
	     "another format", "not a coverage baseline"},
	    {"{\"version\":1,\"totals\":{}}", "no format",
	     "not a coverage baseline"},
	    {"{\"format\":\"deploy-actions/coverage-baseline\",\"version\":2,"
	     "\"totals\":{}}",
	     "version 2", "version is not 1"},
	    {"{\"format\":\"deploy-actions/coverage-baseline\",\"version\":"
	     "\"1\",\"totals\":{}}",
	     "a version string", "version is not 1"},
	    {"{\"format\":\"deploy-actions/coverage-baseline\",\"version\":1}",
	     "no totals", "no \"totals\""},
	    {"{\"format\":\"deploy-actions/coverage-baseline\",\"version\":1,"
	     "\"totals\":{\"lines\":[1,2]}}",
	     "a metric not an object", "totals.lines is array"},
	    {"{\"format\":\"deploy-actions/coverage-baseline\",\"version\":1,"
	     "\"totals\":{\"lines\":{\"covered\":-1,\"total\":2}}}",
	     "a negative count", "negative"},
	    {"{\"format\":\"deploy-actions/coverage-baseline\",\"version\":1,"
	     "\"totals\":{\"lines\":{\"covered\":1.5,\"total\":2}}}",
	     "a real count", "totals.lines.covered is real, not a count"},
	    {"{\"format\":\"deploy-actions/coverage-baseline\",\"version\":1,"
	     "\"totals\":{\"lines\":{\"covered\":\"1\",\"total\":2}}}",
	     "a string count", "not a count"},
	    {"{\"format\":\"deploy-actions/coverage-baseline\",\"version\":1,"
	     "\"totals\":{\"branches\":{\"covered\":1}}}",
	     "a missing count", "totals.branches.total is missing"},
	    {"{\"format\":\"deploy-actions/coverage-baseline\",\"version\":1,"
	     "\"totals\":{\"lines\":{\"covered\":3,\"total\":2}}}",
	     "covered over total", "covers 3 of 2"},
	    {"{\"format\":\"deploy-actions/coverage-baseline\",\"version\":1,"
	     "\"totals\":{\"lines\":{\"covered\":1,\"total\":"
	     "99999999999999999999}}}",
	     "a count past 64 bits", "cannot read baseline"},
	    {"{\"format\":\"deploy-actions/coverage-baseline\",\"version\":1,"
	     "\"totals\":{},\"created\":5}",
	     "created not a string", "'created' is integer"},
	    {"{\"format\":\"deploy-actions/coverage-baseline\",\"version\":1,"
	     "\"version\":1,\"totals\":{}}",
	     "a duplicate key", "duplicate"},
	};
	size_t i;

	cov_test_dir_make("test-cov-gate");
	for (k = 0; k < COV__METRICS; k++)
		tot[k] = cnt(0, 0);
	tot[COV_LINES] = cnt(7999, 10000);
	tot[COV_BRANCHES] = cnt(((uint64_t)1 << 53) - 1, (uint64_t)1 << 53);
	tot[COV_INSTRUCTIONS] = cnt(3, (uint64_t)INT64_MAX);
	if (da_fs_path_join(da_buf_str(cov_test_dir()), "base/line.json", &path,
			    &err) < 0)
		ok(0, "test path made");
	setenv("GITHUB_SHA", "0123456789abcdef0123456789abcdef01234567", 1);
	setenv("GITHUB_REF", "refs/heads/main", 1);
	ok(cov_baseline_write(da_buf_str(&path), tot, &err) < 0,
	   "a missing directory is an error");
	has_str(err.msg, "base/line.json", "naming the file");
	da_buf_reset(&path);
	da_fs_path_join(da_buf_str(cov_test_dir()), "baseline.json", &path,
			&err);
	is_int(cov_baseline_write(da_buf_str(&path), tot, &err), 0,
	       "baseline written");
	memset(&b, 0, sizeof(b));
	da_err_clear(&err);
	is_int(cov_baseline_read(da_buf_str(&path), &b, &err), 0,
	       "baseline read back");
	if (err.e)
		diag("%s", err.msg);
	for (k = 0; k < COV__METRICS; k++) {
		char what[64];

		format(what, sizeof(what), "%s round trip", cov_metric_name(k));
		is_cov(b.total[k], tot[k].covered, tot[k].total, what);
	}
	is_str(b.commit, "0123456789abcdef0123456789abcdef01234567",
	       "commit from GITHUB_SHA");
	is_str(b.ref, "refs/heads/main", "ref from GITHUB_REF");
	ok(b.created && strlen(b.created) == 20 && b.created[19] == 'Z',
	   "created is RFC 3339 UTC to the second");
	is_int(da_time_parse_rfc3339(b.created ? b.created : "", &when, &err),
	       0, "created parses as RFC 3339");
	cov_baseline_release(&b);
	ok(b.commit == NULL && b.created == NULL, "released and emptied");
	cov_baseline_release(NULL);

	unsetenv("GITHUB_SHA");
	unsetenv("GITHUB_REF");
	is_int(cov_baseline_write(da_buf_str(&path), tot, &err), 0,
	       "written outside Actions");
	is_int(cov_baseline_read(da_buf_str(&path), &b, &err), 0, "read");
	ok(b.commit == NULL && b.ref == NULL, "no commit or ref");
	cov_baseline_release(&b);

	tot[COV_LINES] = cnt(3, 2);
	is_int(cov_baseline_write(da_buf_str(&path), tot, &err), -DA_EINVAL,
	       "covered over total is not written");
	tot[COV_LINES] = cnt(1, UINT64_MAX);
	is_int(cov_baseline_write(da_buf_str(&path), tot, &err), -DA_EINVAL,
	       "a count JSON integers cannot hold is not written");
	is_int(cov_baseline_read(da_buf_str(&path), &b, &err), 0,
	       "the file before a refused write is intact");
	is_cov(b.total[COV_LINES], 7999, 10000, "with its figures");
	cov_baseline_release(&b);

	/* Forward compatible: a metric this version does not know. */
	is_int(read_text("{\"format\":\"deploy-actions/coverage-baseline\","
			 "\"version\":1,\"totals\":{\"lines\":{\"covered\":1,"
			 "\"total\":2},\"mutations\":{\"covered\":9,"
			 "\"total\":1}},\"extra\":[1]}",
			 &b, &err),
	       0, "unknown members are ignored");
	is_cov(b.total[COV_LINES], 1, 2, "lines read");
	is_cov(b.total[COV_BRANCHES], 0, 0, "a missing metric is 0 of 0");
	ok(b.created == NULL && b.commit == NULL, "no created, no commit");
	cov_baseline_release(&b);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char what[128];

		memset(&b, 0, sizeof(b));
		b.commit = NULL;
		format(what, sizeof(what), "refused: %s", bad[i].why);
		is_int(read_text(bad[i].text, &b, &err), -DA_EINVAL, what);
		has_str(err.msg, "cannot read baseline '", "the message");
		has_str(err.msg, "b.json'", "names the file");
		has_str(err.msg, bad[i].says, "says why");
		ok(b.created == NULL && b.total[COV_LINES].total == 0,
		   "a refused baseline leaves the result alone");
	}

	da_buf_reset(&path);
	da_fs_path_join(da_buf_str(cov_test_dir()), "missing.json", &path,
			&err);
	is_int(cov_baseline_read(da_buf_str(&path), &b, &err), -DA_ENOENT,
	       "a missing baseline is -DA_ENOENT");
	has_str(err.msg, "missing.json", "naming the file");

	/* Over the ceiling: valid JSON, padded with spaces. */
	if (da_buf_adds(&big,
			"{\"format\":\"deploy-actions/coverage-baseline\","
			"\"version\":1,\"totals\":{}") == 0) {
		while (big.len <= COV_BASELINE_MAX &&
		       da_buf_adds(&big, "    ") == 0)
			;
		da_buf_addch(&big, '}');
	}
	is_int(cov_baseline_read(cov_test_put("big.json", big.data, big.len),
				 &b, &err),
	       -DA_ELIMIT, "a baseline over 1 MiB is refused");
	has_str(err.msg, "big.json", "naming the file");
	is_int(cov_baseline_parse("mem", big.data, big.len, &b, &err),
	       -DA_ELIMIT, "and so from memory");
	is_int(cov_baseline_parse("mem", "{\"format\":\"x\"}", 14, &b, &err),
	       -DA_EINVAL, "parse from memory");
	has_str(err.msg, "cannot read baseline 'mem'", "names what it read");
	da_buf_release(&big);
	da_buf_release(&path);
	cov_test_dir_remove();
}

static void test_eval_nothing(void)
{
	struct cov_result res;
	struct da_err err = DA_ERR_INIT;

	memset(&res, 0, sizeof(res));
	is_int(cov_gate_eval(NULL, NULL, NULL, NULL, 0, &res, &err), -DA_EINVAL,
	       "no model is an error");
	cov_result_release(&res);
	cov_result_release(NULL);
}

static void run_tests(void)
{
	test_pct_parse();
	test_pct_str();
	test_pct_cmp_format();
	test_pct_delta_dropped();
	test_threshold();
	test_group_parse();
	test_policy_wants();
	test_eval_totals();
	test_eval_files();
	test_eval_groups();
	test_eval_include();
	test_eval_empty();
	test_eval_changed();
	test_eval_baseline();
	test_eval_unmatched();
	test_baseline_file();
	test_eval_nothing();
}
