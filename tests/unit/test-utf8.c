/* Unit tests for common/utf8: strict UTF-8 sequences. */
#include "common/utf8.h"
#include "test.h"

static size_t seq(const char *s, size_t n, uint32_t *cp)
{
	*cp = 0xffffffffu;
	return da_utf8_seq((const unsigned char *)s, n, cp);
}

static void run_tests(void)
{
	uint32_t cp;

	is_int((int)seq("A", 1, &cp), 1, "ASCII is one byte");
	is_int((int)cp, 'A', "its code point");
	is_int((int)seq("\xc3\xa9", 2, &cp), 2, "e acute is two bytes");
	is_int((int)cp, 0xe9, "U+00E9");
	is_int((int)seq("\xe2\x82\xac", 3, &cp), 3, "the euro sign is three");
	is_int((int)cp, 0x20ac, "U+20AC");
	is_int((int)seq("\xf0\x9f\x98\x80", 4, &cp), 4, "an emoji is four");
	is_int((int)cp, 0x1f600, "U+1F600");
	is_int((int)seq("\xf4\x8f\xbf\xbf", 4, &cp), 4, "U+10FFFF is the last");
	is_int((int)seq("\xf4\x90\x80\x80", 4, &cp), 0,
	       "past U+10FFFF: invalid");
	is_int((int)seq("\xc0\x80", 2, &cp), 0, "an overlong NUL: invalid");
	is_int((int)seq("\xe0\x80\xaf", 3, &cp), 0, "an overlong '/': invalid");
	is_int((int)seq("\xed\xa0\x80", 3, &cp), 0, "a surrogate: invalid");
	is_int((int)seq("\xe2\x82", 2, &cp), 0, "cut short: invalid");
	is_int((int)seq("\xe2\x28\xa1", 3, &cp), 0, "a bad second byte");
	is_int((int)seq("\xe2\x82\x28", 3, &cp), 0, "a bad third byte");
	is_int((int)seq("\x80", 1, &cp), 0, "a lone continuation byte");
	is_int((int)seq("\xff", 1, &cp), 0, "0xff is never UTF-8");
}
