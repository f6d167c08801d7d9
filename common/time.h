/*
 * time: durations as people write them, clocks, and the two date formats
 * the tools meet (RFC 3339 in APIs and logs, HTTP-date in Retry-After).
 *
 * Durations are int64_t milliseconds, never negative. The parser takes
 * "500ms", "2s", "2m", "1h", "1d", combinations in falling order ("1h30m",
 * "1m0.5s"), a decimal fraction in any part ("1.5s", "0.25h") and a plain
 * number, which means seconds ("90", "1.5", "0"). A fraction finer than a
 * millisecond is rounded to the nearest one. The formatter writes the
 * shortest text the parser reads back to the same value: "250ms", "1.2s",
 * "1m30s", "2h5m", "1d3h", "0s".
 *
 * Instants are int64_t counts since the Unix epoch, in seconds or
 * milliseconds as each name says, always UTC. Dates are computed with the
 * proleptic Gregorian calendar and never depend on TZ or the C locale.
 *
 * Nothing here allocates; text goes to caller buffers of the documented
 * sizes, and a buffer that is too small is an error, never a cut string.
 */
#ifndef DA_TIME_H
#define DA_TIME_H

#include "error.h"

#include <stddef.h>
#include <stdint.h>

/* Buffer sizes that always suffice for the formatters below. */
#define DA_TIME_DURATION_SIZE 32 /* "106751991167d7h12m55.807s" */
#define DA_TIME_RFC3339_SIZE 32	 /* "2026-11-21T23:43:42.123Z" */

/* Longest text the parsers look at; longer input is refused. */
#define DA_TIME_MAX_TEXT 256

/*
 * Parses a duration (see above) into *ret_ms. Leading and trailing blanks
 * are ignored. Returns -DA_EINVAL for empty text, negatives, junk, a unit
 * without a number, unknown units and values past INT64_MAX ms, with one
 * line naming the value and the accepted forms.
 */
int da_time_parse_duration(const char *s, int64_t *ret_ms, struct da_err *err);

/*
 * Writes ms as text into buf (size bytes, DA_TIME_DURATION_SIZE is enough)
 * and returns buf, or NULL when size is too small. Negative values get a
 * leading '-'. The result parses back to ms (for ms >= 0).
 */
char *da_time_format_duration(int64_t ms, char *buf, size_t size);

/* Monotonic clock readings for measuring intervals (not wall time). */
int64_t da_time_mono_ms(void);
int64_t da_time_mono_us(void);

/* Wall clock: milliseconds since the Unix epoch, UTC. */
int64_t da_time_now_ms(void);

/*
 * Writes the instant as RFC 3339 UTC: "2026-11-21T23:43:42Z", or with
 * milliseconds "2026-11-21T23:43:42.123Z" (the _ms form). Returns 0,
 * -DA_ELIMIT when size is too small or -DA_EINVAL for a year outside
 * 0000-9999.
 */
int da_time_format_rfc3339(int64_t epoch_s, char *buf, size_t size);
int da_time_format_rfc3339_ms(int64_t epoch_ms, char *buf, size_t size);

/*
 * Parses an RFC 3339 date-time ("2026-11-21T23:43:42Z",
 * "2026-11-22T01:43:42.5+02:00"; 't', 'z' and a space for 'T' accepted)
 * into milliseconds since the epoch; digits past milliseconds are dropped.
 * Impossible dates (Feb 30, hour 24) are -DA_EINVAL.
 */
int da_time_parse_rfc3339(const char *s, int64_t *ret_epoch_ms,
			  struct da_err *err);

/*
 * Parses an HTTP-date (RFC 9110): IMF-fixdate "Sun, 06 Nov 1994 08:49:37
 * GMT" and, as recipients must, the obsolete RFC 850 ("Sunday, 06-Nov-94
 * 08:49:37 GMT") and asctime ("Sun Nov  6 08:49:37 1994") forms, into
 * seconds since the epoch. The day name must agree with the date.
 */
int da_time_parse_http_date(const char *s, int64_t *ret_epoch_s,
			    struct da_err *err);

/* Days since 1970-01-01 of a proleptic Gregorian date (no range check). */
int64_t da_time_days_from_civil(int64_t year, int month, int day);

/*
 * Sleeps ms milliseconds on the monotonic clock, resuming after signals
 * (EINTR) until the whole time has passed. ms <= 0 returns at once.
 */
void da_time_sleep_ms(int64_t ms);

#endif
