#include "time.h"

#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define DURATION_FORMS                                                         \
	"use forms like 500ms, 2s, 1.5m, 1h30m, 1d or plain seconds (90)"

/* How much of a bad value an error message quotes. */
#define QUOTE_MAX 64

#define MS_PER_DAY 86400000LL

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Finds the text between leading and trailing blanks. */
static void trim(const char *s, const char **ret_start, size_t *ret_len)
{
	size_t n;

	while (is_blank(*s))
		s++;
	n = strlen(s);
	while (n > 0 && is_blank(s[n - 1]))
		n--;
	*ret_start = s;
	*ret_len = n;
}

/* Quoted values are cut so that a huge input cannot flood the message. */
static int quote_len(size_t n)
{
	return n > QUOTE_MAX ? QUOTE_MAX : (int)n;
}

static const char *quote_more(size_t n)
{
	return n > QUOTE_MAX ? "..." : "";
}

static int dur_fail(struct da_err *err, const char *s, size_t n,
		    const char *why)
{
	return da_err_set(err, DA_EINVAL, "invalid duration '%.*s%s': %s; %s",
			  quote_len(n), s, quote_more(n), why, DURATION_FORMS);
}

/* "unexpected 'x' at offset 3", with unprintable bytes in hex. */
static const char *unexpected(char *buf, size_t size, char c, size_t off)
{
	unsigned char u = (unsigned char)c;
	int w;

	if (u >= 0x20 && u < 0x7f)
		w = snprintf(buf, size, "unexpected '%c' at offset %zu", c,
			     off);
	else
		w = snprintf(buf, size, "unexpected byte 0x%02x at offset %zu",
			     u, off);
	if (w < 0 || (size_t)w >= size)
		return "unexpected text";
	return buf;
}

struct unit {
	const char *name;
	int64_t ms;
};

/* Largest first: a duration names its units in this order. */
static const struct unit units[] = {
    {"d", MS_PER_DAY}, {"h", 3600000}, {"m", 60000}, {"s", 1000}, {"ms", 1},
};

static int find_unit(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strlen(units[i].name) == n &&
		    memcmp(units[i].name, p, n) == 0)
			return (int)i;
	return -1;
}

/*
 * One number: digits, optionally '.' and more digits. The integer part is
 * kept whole (with an overflow flag), the fraction to nine digits, which
 * is more than a day needs for millisecond precision.
 */
struct number {
	uint64_t whole;
	int overflow;
	uint64_t frac;
	uint64_t scale; /* 10^(fraction digits kept) */
	size_t len;	/* characters used */
};

/* Returns 0, -1 when no number starts at p, -2 for a '.' without digits. */
static int scan_number(const char *p, size_t n, struct number *num)
{
	size_t i = 0, digits = 0;

	memset(num, 0, sizeof(*num));
	num->scale = 1;
	while (i < n && is_digit(p[i])) {
		unsigned d = (unsigned)(p[i] - '0');

		if (num->whole > (UINT64_MAX - d) / 10)
			num->overflow = 1;
		else
			num->whole = num->whole * 10 + d;
		i++;
		digits++;
	}
	if (i < n && p[i] == '.') {
		size_t fd = 0;

		i++;
		while (i < n && is_digit(p[i])) {
			if (fd < 9) {
				num->frac =
				    num->frac * 10 + (uint64_t)(p[i] - '0');
				num->scale *= 10;
			}
			fd++;
			i++;
		}
		if (fd == 0)
			return -2;
		digits += fd;
	}
	if (digits == 0)
		return -1;
	num->len = i;
	return 0;
}

/* whole * unit + round(frac / scale * unit), or -1 past INT64_MAX. */
static int scale_number(const struct number *num, int64_t unit, int64_t *ret)
{
	uint64_t u = (uint64_t)unit, part;

	if (num->overflow || num->whole > (uint64_t)INT64_MAX / u)
		return -1;
	part = num->whole * u;
	part += (num->frac * u + num->scale / 2) / num->scale;
	if (part > (uint64_t)INT64_MAX)
		return -1;
	*ret = (int64_t)part;
	return 0;
}

int da_time_parse_duration(const char *s, int64_t *ret_ms, struct da_err *err)
{
	const char *p;
	size_t n, i = 0;
	int last = -1, parts = 0;
	int64_t total = 0;
	char why[96];

	trim(s, &p, &n);
	if (n == 0)
		return dur_fail(err, p, n, "it is empty");
	if (n > DA_TIME_MAX_TEXT)
		return dur_fail(err, p, n, "it is too long");
	if (p[0] == '-')
		return dur_fail(err, p, n, "it must not be negative");
	while (i < n) {
		struct number num;
		size_t ulen = 0;
		int64_t part;
		int u, r;

		if (is_alpha(p[i]))
			return dur_fail(err, p, n, "a unit has no number");
		r = scan_number(p + i, n - i, &num);
		if (r == -2)
			return dur_fail(err, p, n,
					"a digit must follow the '.'");
		if (r < 0)
			return dur_fail(err, p, n,
					unexpected(why, sizeof(why), p[i], i));
		i += num.len;
		while (i + ulen < n && is_alpha(p[i + ulen]))
			ulen++;
		if (ulen == 0) {
			if (i < n)
				return dur_fail(
				    err, p, n,
				    unexpected(why, sizeof(why), p[i], i));
			if (parts > 0)
				return dur_fail(err, p, n,
						"the last number has no unit");
			/* A plain number is seconds. */
			if (scale_number(&num, 1000, &part) < 0)
				return dur_fail(err, p, n, "it is too large");
			total = part;
			break;
		}
		u = find_unit(p + i, ulen);
		if (u < 0) {
			int w =
			    snprintf(why, sizeof(why), "unknown unit '%.*s'",
				     (int)(ulen > 16 ? 16 : ulen), p + i);

			if (w < 0 || (size_t)w >= sizeof(why))
				why[0] = '\0';
			return dur_fail(err, p, n, why);
		}
		if (u <= last)
			return dur_fail(err, p, n,
					"units must go from largest to "
					"smallest, each once");
		last = u;
		if (scale_number(&num, units[u].ms, &part) < 0 ||
		    part > INT64_MAX - total)
			return dur_fail(err, p, n, "it is too large");
		total += part;
		i += ulen;
		parts++;
	}
	*ret_ms = total;
	return 0;
}

/* Appends formatted text at *pos; -1 when it does not fit. */
__attribute__((format(printf, 4, 5))) static int
put(char *buf, size_t size, size_t *pos, const char *fmt, ...)
{
	va_list ap;
	int w;

	va_start(ap, fmt);
	w = vsnprintf(buf + *pos, size - *pos, fmt, ap);
	va_end(ap);
	if (w < 0 || (size_t)w >= size - *pos)
		return -1;
	*pos += (size_t)w;
	return 0;
}

char *da_time_format_duration(int64_t ms, char *buf, size_t size)
{
	char tmp[DA_TIME_DURATION_SIZE + 8];
	size_t pos = 0;
	uint64_t v;
	int r = 0;

	if (ms < 0) {
		v = (uint64_t)0 - (uint64_t)ms;
		tmp[pos++] = '-';
		tmp[pos] = '\0';
	} else {
		v = (uint64_t)ms;
	}
	if (v == 0) {
		r = put(tmp, sizeof(tmp), &pos, "0s");
	} else if (v < 1000) {
		r = put(tmp, sizeof(tmp), &pos, "%llums",
			(unsigned long long)v);
	} else {
		uint64_t d = v / MS_PER_DAY, h = v / 3600000 % 24;
		uint64_t m = v / 60000 % 60, sec = v / 1000 % 60;
		unsigned frac = (unsigned)(v % 1000);

		if (d)
			r |= put(tmp, sizeof(tmp), &pos, "%llud",
				 (unsigned long long)d);
		if (h)
			r |= put(tmp, sizeof(tmp), &pos, "%lluh",
				 (unsigned long long)h);
		if (m)
			r |= put(tmp, sizeof(tmp), &pos, "%llum",
				 (unsigned long long)m);
		if (sec || frac) {
			r |= put(tmp, sizeof(tmp), &pos, "%llu",
				 (unsigned long long)sec);
			if (frac) {
				/* Three digits, trailing zeros dropped. */
				int digits = 3;

				while (frac % 10 == 0) {
					frac /= 10;
					digits--;
				}
				r |= put(tmp, sizeof(tmp), &pos, ".%0*u",
					 digits, frac);
			}
			r |= put(tmp, sizeof(tmp), &pos, "s");
		}
	}
	if (r < 0 || pos >= size)
		return NULL;
	memcpy(buf, tmp, pos + 1);
	return buf;
}

static int64_t clock_us(clockid_t id)
{
	struct timespec ts;

	if (clock_gettime(id, &ts) != 0)
		return 0;
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t da_time_mono_ms(void)
{
	return clock_us(CLOCK_MONOTONIC) / 1000;
}

int64_t da_time_mono_us(void)
{
	return clock_us(CLOCK_MONOTONIC);
}

int64_t da_time_now_ms(void)
{
	return clock_us(CLOCK_REALTIME) / 1000;
}

/* Howard Hinnant's days_from_civil / civil_from_days. */
int64_t da_time_days_from_civil(int64_t year, int month, int day)
{
	int64_t y = year - (month <= 2), era;
	unsigned yoe, doy, doe;

	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (unsigned)((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 +
			 day - 1);
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *ret_y, int *ret_m, int *ret_d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp, m;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	m = mp < 10 ? mp + 3 : mp - 9;
	*ret_y = (int64_t)yoe + era * 400 + (m <= 2);
	*ret_m = (int)m;
	*ret_d = (int)(doy - (153 * mp + 2) / 5 + 1);
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

static int format_utc(int64_t epoch_ms, int with_ms, char *buf, size_t size)
{
	int64_t days, rem, year;
	int month, day, w;

	/* Years 0000-9999 keep every step below far from overflow. */
	if (epoch_ms < -62167219200000LL || epoch_ms > 253402300799999LL)
		return -DA_EINVAL;
	days = floor_div(epoch_ms, MS_PER_DAY);
	rem = epoch_ms - days * MS_PER_DAY;
	civil_from_days(days, &year, &month, &day);
	if (with_ms)
		w = snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
			     (int)year, month, day, (int)(rem / 3600000),
			     (int)(rem / 60000 % 60), (int)(rem / 1000 % 60),
			     (int)(rem % 1000));
	else
		w = snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02dZ",
			     (int)year, month, day, (int)(rem / 3600000),
			     (int)(rem / 60000 % 60), (int)(rem / 1000 % 60));
	if (w < 0 || (size_t)w >= size) {
		if (size > 0)
			buf[0] = '\0';
		return -DA_ELIMIT;
	}
	return 0;
}

int da_time_format_rfc3339(int64_t epoch_s, char *buf, size_t size)
{
	if (epoch_s < INT64_MIN / 1000 || epoch_s > INT64_MAX / 1000)
		return -DA_EINVAL;
	return format_utc(epoch_s * 1000, 0, buf, size);
}

int da_time_format_rfc3339_ms(int64_t epoch_ms, char *buf, size_t size)
{
	return format_utc(epoch_ms, 1, buf, size);
}

/* Exactly n digits at p, as a number; -1 otherwise. */
static int fixed_digits(const char *p, int n)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (!is_digit(p[i]))
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

static int is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, int m)
{
	static const int dim[12] = {31, 28, 31, 30, 31, 30,
				    31, 31, 30, 31, 30, 31};

	if (m == 2 && is_leap(y))
		return 29;
	return dim[m - 1];
}

struct civil {
	int year, month, day, hour, min, sec;
};

/* NULL when the fields make a real date and time, else what is wrong. */
static const char *check_civil(const struct civil *c)
{
	if (c->year < 0 || c->month < 1 || c->month > 12)
		return "no such month";
	if (c->day < 1 || c->day > days_in_month(c->year, c->month))
		return "no such day in that month";
	if (c->hour < 0 || c->hour > 23 || c->min < 0 || c->min > 59)
		return "no such time of day";
	/* 60 is a leap second. */
	if (c->sec < 0 || c->sec > 60)
		return "no such second";
	return NULL;
}

static int64_t civil_to_epoch_s(const struct civil *c)
{
	return da_time_days_from_civil(c->year, c->month, c->day) * 86400 +
	       (int64_t)c->hour * 3600 + (int64_t)c->min * 60 + c->sec;
}

static int rfc_fail(struct da_err *err, const char *s, size_t n,
		    const char *why)
{
	return da_err_set(err, DA_EINVAL,
			  "invalid date-time '%.*s%s': %s; use RFC 3339 like "
			  "2026-11-21T23:43:42Z or 2026-11-22T01:43:42+02:00",
			  quote_len(n), s, quote_more(n), why);
}

int da_time_parse_rfc3339(const char *s, int64_t *ret_epoch_ms,
			  struct da_err *err)
{
	struct civil c;
	const char *p, *why;
	size_t n, i;
	int ms = 0, off = 0;

	trim(s, &p, &n);
	if (n > DA_TIME_MAX_TEXT)
		return rfc_fail(err, p, n, "it is too long");
	if (n < 20)
		return rfc_fail(err, p, n, "it is too short");
	c.year = fixed_digits(p, 4);
	c.month = fixed_digits(p + 5, 2);
	c.day = fixed_digits(p + 8, 2);
	c.hour = fixed_digits(p + 11, 2);
	c.min = fixed_digits(p + 14, 2);
	c.sec = fixed_digits(p + 17, 2);
	if (c.year < 0 || p[4] != '-' || c.month < 0 || p[7] != '-' ||
	    c.day < 0)
		return rfc_fail(err, p, n, "the date is not YYYY-MM-DD");
	if (p[10] != 'T' && p[10] != 't' && p[10] != ' ')
		return rfc_fail(err, p, n, "'T' must separate date and time");
	if (c.hour < 0 || p[13] != ':' || c.min < 0 || p[16] != ':' ||
	    c.sec < 0)
		return rfc_fail(err, p, n, "the time is not HH:MM:SS");
	why = check_civil(&c);
	if (why)
		return rfc_fail(err, p, n, why);
	i = 19;
	if (p[i] == '.') {
		int digits = 0;

		i++;
		while (i < n && is_digit(p[i])) {
			if (digits < 3)
				ms = ms * 10 + (p[i] - '0');
			digits++;
			i++;
		}
		if (digits == 0)
			return rfc_fail(err, p, n,
					"a digit must follow the '.'");
		for (; digits < 3; digits++)
			ms *= 10;
	}
	if (i < n && (p[i] == 'Z' || p[i] == 'z')) {
		i++;
	} else if (i < n && (p[i] == '+' || p[i] == '-')) {
		int oh, om;

		if (n - i < 6)
			return rfc_fail(err, p, n, "the offset is not +HH:MM");
		oh = fixed_digits(p + i + 1, 2);
		om = fixed_digits(p + i + 4, 2);
		if (oh < 0 || p[i + 3] != ':' || om < 0)
			return rfc_fail(err, p, n, "the offset is not +HH:MM");
		if (oh > 23 || om > 59)
			return rfc_fail(err, p, n,
					"the offset is out of range");
		off = (oh * 60 + om) * 60;
		if (p[i] == '-')
			off = -off;
		i += 6;
	} else {
		return rfc_fail(err, p, n,
				"the time zone ('Z' or +HH:MM) is missing");
	}
	if (i != n)
		return rfc_fail(err, p, n,
				"unexpected text after the time zone");
	*ret_epoch_ms = (civil_to_epoch_s(&c) - off) * 1000 + ms;
	return 0;
}

static const char *const day_names[7] = {
    "Sunday",	"Monday", "Tuesday",  "Wednesday",
    "Thursday", "Friday", "Saturday",
};

static const char *const month_names[12] = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun",
    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

/* Weekday (0 Sunday) whose short name (or long when full) starts p. */
static int match_day(const char *p, size_t n, int full, size_t *ret_len)
{
	int i;

	for (i = 0; i < 7; i++) {
		size_t len = full ? strlen(day_names[i]) : 3;

		if (n >= len && memcmp(p, day_names[i], len) == 0) {
			*ret_len = len;
			return i;
		}
	}
	return -1;
}

static int match_month(const char *p, size_t n)
{
	int i;

	if (n < 3)
		return -1;
	for (i = 0; i < 12; i++)
		if (memcmp(p, month_names[i], 3) == 0)
			return i + 1;
	return -1;
}

/* "HH:MM:SS" at p (8 characters available is checked by the caller). */
static int scan_clock(const char *p, struct civil *c)
{
	c->hour = fixed_digits(p, 2);
	c->min = fixed_digits(p + 3, 2);
	c->sec = fixed_digits(p + 6, 2);
	if (c->hour < 0 || p[2] != ':' || c->min < 0 || p[5] != ':' ||
	    c->sec < 0)
		return -1;
	return 0;
}

static int http_fail(struct da_err *err, const char *s, size_t n,
		     const char *why)
{
	return da_err_set(err, DA_EINVAL,
			  "invalid HTTP-date '%.*s%s': %s; use the form "
			  "'Sun, 06 Nov 1994 08:49:37 GMT'",
			  quote_len(n), s, quote_more(n), why);
}

int da_time_parse_http_date(const char *s, int64_t *ret_epoch_s,
			    struct da_err *err)
{
	struct civil c;
	const char *p, *q, *why;
	size_t n, dlen;
	int64_t days;
	int wday, bad = 0;

	trim(s, &p, &n);
	if (n > DA_TIME_MAX_TEXT)
		return http_fail(err, p, n, "it is too long");
	wday = match_day(p, n, 0, &dlen);
	if (wday < 0)
		return http_fail(err, p, n,
				 "it does not start with a day name");
	if (n == 29 && p[3] == ',') {
		/* IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT */
		q = p + 5;
		c.day = fixed_digits(q, 2);
		c.month = match_month(q + 3, 3);
		c.year = fixed_digits(q + 7, 4);
		bad = p[4] != ' ' || q[2] != ' ' || q[6] != ' ' ||
		      q[11] != ' ' || scan_clock(q + 12, &c) < 0 ||
		      memcmp(q + 20, " GMT", 4) != 0;
	} else if (n == 24 && p[3] == ' ') {
		/* asctime: Sun Nov  6 08:49:37 1994 */
		q = p + 4;
		c.month = match_month(q, 3);
		c.day = q[4] == ' ' ? fixed_digits(q + 5, 1)
				    : fixed_digits(q + 4, 2);
		c.year = fixed_digits(q + 16, 4);
		bad = q[3] != ' ' || q[6] != ' ' || scan_clock(q + 7, &c) < 0 ||
		      q[15] != ' ';
	} else if (match_day(p, n, 1, &dlen) == wday && n == dlen + 24 &&
		   p[dlen] == ',') {
		/* RFC 850: Sunday, 06-Nov-94 08:49:37 GMT */
		int yy;

		q = p + dlen + 2;
		c.day = fixed_digits(q, 2);
		c.month = match_month(q + 3, 3);
		yy = fixed_digits(q + 7, 2);
		/* Two-digit years: 70-99 are 19xx, the rest 20xx. */
		c.year = yy < 0 ? -1 : yy >= 70 ? 1900 + yy : 2000 + yy;
		bad = p[dlen + 1] != ' ' || q[2] != '-' || q[6] != '-' ||
		      q[9] != ' ' || scan_clock(q + 10, &c) < 0 ||
		      memcmp(q + 18, " GMT", 4) != 0;
	} else {
		return http_fail(err, p, n, "unknown layout");
	}
	if (bad || c.day < 0 || c.month < 0 || c.year < 0)
		return http_fail(err, p, n, "unknown layout");
	why = check_civil(&c);
	if (why)
		return http_fail(err, p, n, why);
	/* 1970-01-01 was a Thursday (4). */
	days = da_time_days_from_civil(c.year, c.month, c.day);
	if ((int)((days % 7 + 7 + 4) % 7) != wday)
		return http_fail(err, p, n,
				 "the day name does not match the date");
	*ret_epoch_s = civil_to_epoch_s(&c);
	return 0;
}

void da_time_sleep_ms(int64_t ms)
{
	struct timespec until;
	int r;

	if (ms <= 0)
		return;
	if (clock_gettime(CLOCK_MONOTONIC, &until) != 0)
		return;
	/* Keep tv_sec in range for absurd waits: cap at about 68 years. */
	if (ms > (int64_t)INT32_MAX * 1000)
		ms = (int64_t)INT32_MAX * 1000;
	until.tv_sec += (time_t)(ms / 1000);
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	do {
		r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until,
				    NULL);
	} while (r == EINTR);
}
