/*
 * fuzz-duration: the duration, RFC 3339 and HTTP-date parsers must
 * never crash on any bytes, and every duration they accept must survive
 * a format and parse round trip.
 */
#include "common/time.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct da_err err = DA_ERR_INIT;
	char *s = malloc(size + 1);
	char buf[DA_TIME_DURATION_SIZE];
	int64_t ms, back, t;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (da_time_parse_duration(s, &ms, &err) == 0) {
		if (ms < 0)
			abort();
		if (!da_time_format_duration(ms, buf, sizeof(buf)) ||
		    da_time_parse_duration(buf, &back, &err) != 0 || back != ms)
			abort();
	} else if (err.e != DA_EINVAL || strchr(err.msg, '\n')) {
		abort();
	}
	if (da_time_parse_rfc3339(s, &t, &err) == 0) {
		char ts[DA_TIME_RFC3339_SIZE];

		/* Offsets can move year 0000 or 9999 out of range. */
		if (da_time_format_rfc3339_ms(t, ts, sizeof(ts)) == 0 &&
		    (da_time_parse_rfc3339(ts, &back, &err) != 0 || back != t))
			abort();
	}
	if (da_time_parse_http_date(s, &t, &err) == 0 &&
	    da_time_format_rfc3339(t, buf, sizeof(buf)) != 0)
		abort();
	free(s);
	return 0;
}
