#include "test.h"
#include "actions/smoke-test/inputs.h"

#include <stdlib.h>
#include <string.h>

static void headers(void)
{
	ok(smoke_header_valid("Accept: text/html, application/json"),
	   "a header whose value holds a comma");
	ok(smoke_header_valid("X-Token:abc"), "no blank after the colon");
	ok(!smoke_header_valid("not a header"), "no colon");
	ok(!smoke_header_valid(": x"), "no name");
	ok(!smoke_header_valid("Bad Name: x"), "a blank in the name");
	ok(smoke_header_secret("Authorization: Bearer x"), "Authorization");
	ok(smoke_header_secret("proxy-authorization: x"), "any case");
	ok(smoke_header_secret("X-Api-Key: x"), "a key");
	ok(smoke_header_secret("X-Auth-Token: x"), "a token");
	ok(smoke_header_secret("Cookie: a=b"), "a cookie");
	ok(!smoke_header_secret("Accept: application/json"), "Accept is not");
	ok(!smoke_header_secret("X-Request-Id: 1"), "a request id is not");
	is_str(smoke_header_value("Authorization:   Bearer x"), "Bearer x",
	       "the value of a header");
	is_str(smoke_header_value("nocolon"), "", "no value without a colon");
}

static void run_tests(void)
{
	headers();
}
