#include "test.h"
#include "common/time.h"

#include <signal.h>
#include <stdint.h>
#include <sys/time.h>

struct dur_case {
	const char *in;
	int64_t ms;
};

static const struct dur_case good[] = {
    {"0", 0},
    {"90", 90000},
    {"1.5", 1500},
    {"0.001", 1},
    {"500ms", 500},
    {"0ms", 0},
    {"2s", 2000},
    {"2m", 120000},
    {"1h", 3600000},
    {"1d", 86400000},
    {"1h30m", 5400000},
    {"1h30m15s", 5415000},
    {"1h15s", 3615000},
    {"1m0.5s", 60500},
    {"1s500ms", 1500},
    {"1.5s", 1500},
    {"1.25m", 75000},
    {"0.5h", 1800000},
    {".5s", 500},
    {"1.0005s", 1001}, /* rounded to the nearest ms */
    {"1.0004s", 1000},
    {"0.4ms", 0},
    {"1.5ms", 2},
    {"007s", 7000},
    {"  2s\t", 2000},
    {"1.123456789999s", 1123},
    {"9223372036854775807ms", INT64_MAX},
    {"9223372036854775.807s", INT64_MAX},
    {"9223372036854775", 9223372036854775000LL},
    {"106751991167d7h12m55s807ms", INT64_MAX},
};

struct bad_case {
	const char *in;
	const char *why;
};

static const struct bad_case bad[] = {
    {"", "empty"},
    {"   ", "empty"},
    {"-1s", "negative"},
    {"-0", "negative"},
    {"1x", "unknown unit 'x'"},
    {"5sec", "unknown unit 'sec'"},
    {"2S", "unknown unit 'S'"},
    {"ms", "no number"},
    {"s5", "no number"},
    {"1h30", "no unit"},
    {"30m1h", "largest to smallest"},
    {"1s1s", "largest to smallest"},
    {"1ms1s", "largest to smallest"},
    {"1 s", "unexpected ' ' at offset 1"},
    {"1.s", "a digit must follow the '.'"},
    {".s", "a digit must follow"},
    {"1..5s", "a digit must follow"},
    {".", "a digit must follow"},
    {"+5s", "unexpected '+'"},
    {"1e3", "unknown unit 'e'"},
    {"1,5s", "unexpected ','"},
    {"5s\x01", "byte 0x01 at offset 2"},
    {"9223372036854775808ms", "too large"},
    {"9223372036854775.808s", "too large"},
    {"99999999999999999999999999s", "too large"},
    {"106751991168d", "too large"},
    {"106751991167d7h12m55s808ms", "too large"},
    {"9223372036854776", "too large"},
};

static void test_parse_duration(void)
{
	struct da_err err = DA_ERR_INIT;
	char name[160];
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		int64_t ms = -1;
		int r = da_time_parse_duration(good[i].in, &ms, &err);

		snprintf(name, sizeof(name), "duration '%s' parses",
			 good[i].in);
		is_int(r, 0, name);
		if (r < 0)
			diag("%s", err.msg);
		snprintf(name, sizeof(name), "duration '%s' is %lld ms",
			 good[i].in, (long long)good[i].ms);
		is_int(ms, good[i].ms, name);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int64_t ms = 42;
		int r;

		da_err_clear(&err);
		r = da_time_parse_duration(bad[i].in, &ms, &err);
		snprintf(name, sizeof(name), "duration '%s' is refused",
			 bad[i].in);
		is_int(r, -DA_EINVAL, name);
		has_str(err.msg, bad[i].why, "the error says why");
		has_str(err.msg, "500ms, 2s", "the error lists accepted forms");
		is_int(ms, 42, "a refused duration leaves the output alone");
	}
	da_err_clear(&err);
	da_time_parse_duration("1x", NULL, &err);
	has_str(err.msg,
		"invalid duration '1x': ", "the error names the value");
	ok(strchr(err.msg, '\n') == NULL, "the error is one line");

	{
		char huge[400];
		int64_t ms;

		memset(huge, '1', sizeof(huge) - 1);
		huge[sizeof(huge) - 1] = '\0';
		is_int(da_time_parse_duration(huge, &ms, &err), -DA_EINVAL,
		       "an overlong duration is refused");
		has_str(err.msg, "too long", "and the error says so");
		ok(strlen(err.msg) < 250, "and quotes only the start of it");
	}
}

struct fmt_case {
	int64_t ms;
	const char *out;
};

static const struct fmt_case fmts[] = {
    {0, "0s"},
    {1, "1ms"},
    {250, "250ms"},
    {999, "999ms"},
    {1000, "1s"},
    {1200, "1.2s"},
    {1050, "1.05s"},
    {1001, "1.001s"},
    {59999, "59.999s"},
    {60000, "1m"},
    {90000, "1m30s"},
    {60500, "1m0.5s"},
    {3600000, "1h"},
    {3605000, "1h5s"},
    {7500000, "2h5m"},
    {86400000, "1d"},
    {97200000, "1d3h"},
    {-1500, "-1.5s"},
    {INT64_MAX, "106751991167d7h12m55.807s"},
    {INT64_MIN, "-106751991167d7h12m55.808s"},
};

static void test_format_duration(void)
{
	char buf[DA_TIME_DURATION_SIZE], name[96];
	struct da_err err = DA_ERR_INIT;
	uint64_t x = 88172645463325252ULL;
	size_t i;
	int fails = 0;

	for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		snprintf(name, sizeof(name), "%lld ms formats as %s",
			 (long long)fmts[i].ms, fmts[i].out);
		is_str(da_time_format_duration(fmts[i].ms, buf, sizeof(buf)),
		       fmts[i].out, name);
	}
	ok(da_time_format_duration(1500, buf, 4) == NULL,
	   "a buffer too small is refused");
	ok(da_time_format_duration(1500, buf, 5) == buf &&
	       strcmp(buf, "1.5s") == 0,
	   "a buffer just large enough is used");

	/* Round trips over values of every magnitude. */
	for (i = 0; i < 20000; i++) {
		int64_t ms, back = -1;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		ms = (int64_t)(x >> (1 + i % 63));
		if (!da_time_format_duration(ms, buf, sizeof(buf)) ||
		    da_time_parse_duration(buf, &back, &err) < 0 ||
		    back != ms) {
			if (fails++ < 5)
				diag("round trip of %lld gave '%s' -> %lld",
				     (long long)ms, buf, (long long)back);
		}
	}
	is_int(fails, 0, "format then parse gives the value back");
}

struct date_case {
	const char *in;
	int64_t ms;
};

static const struct date_case rfc_good[] = {
    {"1970-01-01T00:00:00Z", 0},
    {"2026-11-21T23:43:42Z", 1795304622000LL},
    {"2026-11-21t23:43:42z", 1795304622000LL},
    {"2026-11-21 23:43:42Z", 1795304622000LL},
    {"2026-11-22T01:43:42+02:00", 1795304622000LL},
    {"2026-11-21T18:13:42-05:30", 1795304622000LL},
    {"2026-11-21T23:43:42-00:00", 1795304622000LL},
    {"2026-11-21T23:43:42.5Z", 1795304622500LL},
    {"2026-11-21T23:43:42.123456789Z", 1795304622123LL},
    {"2026-11-21T23:43:42.07+00:00", 1795304622070LL},
    {"1969-12-31T23:59:59Z", -1000},
    {"2000-02-29T00:00:00Z", 951782400000LL},
    {"2024-02-29T12:00:00Z", 1709208000000LL},
    {"1990-12-31T23:59:60Z", 662688000000LL},
    {"0000-01-01T00:00:00Z", -62167219200000LL},
    {"9999-12-31T23:59:59Z", 253402300799000LL},
};

static const char *const rfc_bad[] = {
    "",
    "2026-11-21",
    "2026-11-21T23:43:42",
    "2026-11-21T23:43Z",
    "2026-13-01T00:00:00Z",
    "2026-00-01T00:00:00Z",
    "2026-02-29T00:00:00Z",
    "1900-02-29T00:00:00Z",
    "2026-04-31T00:00:00Z",
    "2026-11-00T00:00:00Z",
    "2026-11-21T24:00:00Z",
    "2026-11-21T23:60:00Z",
    "2026-11-21T23:59:61Z",
    "2026-11-21T23:43:42+2:00",
    "2026-11-21T23:43:42+02",
    "2026-11-21T23:43:42+24:00",
    "2026-11-21T23:43:42+02:60",
    "2026-11-21T23:43:42.Z",
    "2026-11-21T23:43:42Zjunk",
    "2026-11-21X23:43:42Z",
    "26-11-21T23:43:42Z",
    "2026/11/21T23:43:42Z",
    "+2026-11-21T23:43:42Z",
    "2026-1a-21T23:43:42Z",
};

static const struct date_case http_good[] = {
    {"Sun, 06 Nov 1994 08:49:37 GMT", 784111777},
    {"Sunday, 06-Nov-94 08:49:37 GMT", 784111777},
    {"Sun Nov  6 08:49:37 1994", 784111777},
    {"Sun Nov 06 08:49:37 1994", 784111777},
    {"Thu, 01 Jan 1970 00:00:00 GMT", 0},
    {"Sat, 21 Nov 2026 23:43:42 GMT", 1795304622},
    {"Tue, 29 Feb 2000 00:00:00 GMT", 951782400},
    {"Friday, 01-Jan-10 00:00:00 GMT", 1262304000},
    {" Sun, 06 Nov 1994 08:49:37 GMT ", 784111777},
};

static const char *const http_bad[] = {
    "",
    "120",
    "Sun, 6 Nov 1994 08:49:37 GMT",
    "Sun, 06 Nov 1994 08:49:37 UTC",
    "Sun, 06 Nov 1994 08:49:37 +0000",
    "Mon, 06 Nov 1994 08:49:37 GMT",
    "sun, 06 Nov 1994 08:49:37 GMT",
    "Sun, 06 nov 1994 08:49:37 GMT",
    "Sun, 06 Foo 1994 08:49:37 GMT",
    "Wed, 30 Feb 2000 00:00:00 GMT",
    "Sun, 06 Nov 1994 24:49:37 GMT",
    "Sun, 06 Nov 1994 08:49 GMT",
    "Sun, 06 Nov 1994 08:49:37 GMTX",
    "Sun,  06 Nov 1994 08:49:37 GMT",
    "Sunday, 06-Nov-1994 08:49:37 GMT",
    "Monday, 06-Nov-94 08:49:37 GMT",
    "Sun, 06-Nov-94 08:49:37 GMT",
    "Sun Nov  6 08:49:37 94",
    "Sun Nov 6 08:49:37 1994",
    "Sun, 0x Nov 1994 08:49:37 GMT",
};

static void test_dates(void)
{
	struct da_err err = DA_ERR_INIT;
	char name[160], buf[DA_TIME_RFC3339_SIZE];
	size_t i;

	for (i = 0; i < sizeof(rfc_good) / sizeof(rfc_good[0]); i++) {
		int64_t ms = 42;
		int r = da_time_parse_rfc3339(rfc_good[i].in, &ms, &err);

		snprintf(name, sizeof(name), "RFC 3339 '%s' is %lld ms",
			 rfc_good[i].in, (long long)rfc_good[i].ms);
		ok(r == 0 && ms == rfc_good[i].ms, name);
		if (r < 0 || ms != rfc_good[i].ms)
			diag("r=%d ms=%lld %s", r, (long long)ms, err.msg);
	}
	for (i = 0; i < sizeof(rfc_bad) / sizeof(rfc_bad[0]); i++) {
		int64_t ms = 42;
		int r;

		da_err_clear(&err);
		r = da_time_parse_rfc3339(rfc_bad[i], &ms, &err);
		snprintf(name, sizeof(name), "RFC 3339 '%s' is refused",
			 rfc_bad[i]);
		ok(r == -DA_EINVAL && ms == 42, name);
		has_str(err.msg, "invalid date-time '",
			"and the error names it");
	}
	da_time_parse_rfc3339("2026-02-30T00:00:00Z", NULL, &err);
	has_str(err.msg, "no such day in that month", "Feb 30 is named so");

	for (i = 0; i < sizeof(http_good) / sizeof(http_good[0]); i++) {
		int64_t s = 42;
		int r = da_time_parse_http_date(http_good[i].in, &s, &err);

		snprintf(name, sizeof(name), "HTTP-date '%s' is %lld",
			 http_good[i].in, (long long)http_good[i].ms);
		ok(r == 0 && s == http_good[i].ms, name);
		if (r < 0 || s != http_good[i].ms)
			diag("r=%d s=%lld %s", r, (long long)s, err.msg);
	}
	for (i = 0; i < sizeof(http_bad) / sizeof(http_bad[0]); i++) {
		int64_t s = 42;
		int r;

		da_err_clear(&err);
		r = da_time_parse_http_date(http_bad[i], &s, &err);
		snprintf(name, sizeof(name), "HTTP-date '%s' is refused",
			 http_bad[i]);
		ok(r == -DA_EINVAL && s == 42, name);
		has_str(err.msg, "invalid HTTP-date", "and the error names it");
	}
	da_time_parse_http_date("Mon, 06 Nov 1994 08:49:37 GMT", NULL, &err);
	has_str(err.msg, "day name does not match",
		"a wrong weekday is named so");

	is_int(da_time_format_rfc3339(1795304622, buf, sizeof(buf)), 0,
	       "format RFC 3339");
	is_str(buf, "2026-11-21T23:43:42Z", "RFC 3339 text");
	is_int(da_time_format_rfc3339_ms(1795304622123LL, buf, sizeof(buf)), 0,
	       "format RFC 3339 with ms");
	is_str(buf, "2026-11-21T23:43:42.123Z", "RFC 3339 text with ms");
	da_time_format_rfc3339_ms(-1, buf, sizeof(buf));
	is_str(buf, "1969-12-31T23:59:59.999Z", "one ms before the epoch");
	da_time_format_rfc3339(951782400, buf, sizeof(buf));
	is_str(buf, "2000-02-29T00:00:00Z", "a leap day");
	da_time_format_rfc3339(-62167219200LL, buf, sizeof(buf));
	is_str(buf, "0000-01-01T00:00:00Z", "the first representable second");
	is_int(da_time_format_rfc3339(253402300800LL, buf, sizeof(buf)),
	       -DA_EINVAL, "year 10000 is refused");
	is_int(da_time_format_rfc3339(-62167219201LL, buf, sizeof(buf)),
	       -DA_EINVAL, "year -1 is refused");
	is_int(da_time_format_rfc3339(INT64_MAX, buf, sizeof(buf)), -DA_EINVAL,
	       "an absurd instant is refused");
	is_int(da_time_format_rfc3339(0, buf, 20), -DA_ELIMIT,
	       "a buffer without room for the NUL is refused");
	is_int(da_time_format_rfc3339(0, buf, 21), 0,
	       "a buffer just large enough is used");

	/* Every day for 1600 years, through format and parse. */
	{
		int64_t d, back;
		int fails = 0;

		for (d = -200000; d < 400000; d += 1) {
			if (da_time_format_rfc3339(d * 86400 + 4321, buf,
						   sizeof(buf)) < 0 ||
			    da_time_parse_rfc3339(buf, &back, &err) < 0 ||
			    back != (d * 86400 + 4321) * 1000) {
				if (fails++ < 3)
					diag("day %lld: '%s'", (long long)d,
					     buf);
			}
		}
		is_int(fails, 0, "format and parse agree on every day");
	}
	is_int(da_time_days_from_civil(1970, 1, 1), 0, "the epoch is day 0");
	is_int(da_time_days_from_civil(2000, 3, 1), 11017, "2000-03-01");
	is_int(da_time_days_from_civil(1969, 12, 31), -1, "the day before");
}

static void on_alarm(int sig)
{
	(void)sig;
}

static void test_clocks(void)
{
	int64_t a, b, now;
	struct sigaction sa;
	struct itimerval it;

	a = da_time_mono_ms();
	b = da_time_mono_us();
	ok(a >= 0 && b >= a, "monotonic clocks read");
	now = da_time_now_ms();
	ok(now > 1700000000000LL, "wall clock is after 2023");

	a = da_time_mono_us();
	da_time_sleep_ms(30);
	b = da_time_mono_us();
	ok(b - a >= 30000, "sleep waits at least the time asked");
	diag("slept %lld us for 30 ms", (long long)(b - a));

	a = da_time_mono_us();
	da_time_sleep_ms(0);
	da_time_sleep_ms(-5);
	b = da_time_mono_us();
	ok(b - a < 20000, "a zero or negative sleep returns at once");

	/* Signals every 5 ms must not cut the sleep short. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	memset(&it, 0, sizeof(it));
	it.it_interval.tv_usec = 5000;
	it.it_value.tv_usec = 5000;
	setitimer(ITIMER_REAL, &it, NULL);
	a = da_time_mono_us();
	da_time_sleep_ms(60);
	b = da_time_mono_us();
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	ok(b - a >= 60000, "sleep resumes after EINTR");
}

static void run_tests(void)
{
	test_parse_duration();
	test_format_duration();
	test_dates();
	test_clocks();
}
