#include "test.h"
#include "common/check.h"
#include "common/error.h"

#include "actions/smoke-test/inputs.h"

#include <stdlib.h>
#include <string.h>

static void conditions(void)
{
	const char *items[] = {
	    "[STATUS] == any(200",   "204)",
	    "[BODY].msg == \"a",     "b\"",
	    "len([BODY].items) > 0", "has([BODY].id)",
	    "[BODY].x == pat(a",     "b)",
	    "[BODY].list == x",	     "y",
	};
	struct da_err err = DA_ERR_INIT;
	char **v = NULL;
	size_t n = 0;

	is_int(smoke_join_conditions(items, sizeof(items) / sizeof(*items), &v,
				     &n, &err),
	       0, "conditions rejoin");
	is_int(n, 6, "six conditions from ten pieces");
	if (n == 6) {
		is_str(v[0], "[STATUS] == any(200, 204)",
		       "a comma inside any() is put back");
		is_str(v[1], "[BODY].msg == \"a, b\"",
		       "a comma inside quotes is put back");
		is_str(v[2], "len([BODY].items) > 0", "len() starts one");
		is_str(v[3], "has([BODY].id)", "has() starts one");
		is_str(v[4], "[BODY].x == pat(a, b)",
		       "a comma inside pat() is put back");
		is_str(v[5], "[BODY].list == x, y",
		       "a piece that cannot start a condition continues one");
	}
	smoke_strv_free(v, n);

	v = NULL;
	n = 7;
	is_int(smoke_join_conditions(NULL, 0, &v, &n, &err), 0,
	       "no conditions is fine");
	is_int(n, 0, "and gives none");
	smoke_strv_free(v, n);
}

static void headers(void)
{
	const char *items[] = {
	    "Accept: text/html",
	    "application/json",
	    "X-Token: abc",
	    "Cookie: a=1",
	};
	const char *bad[] = {"not a header"};
	struct da_err err = DA_ERR_INIT;
	char **v = NULL;
	size_t n = 0;

	is_int(smoke_join_headers(items, 4, &v, &n, &err), 0, "headers rejoin");
	is_int(n, 3, "three headers from four pieces");
	if (n == 3) {
		is_str(v[0], "Accept: text/html, application/json",
		       "a comma in a value is put back");
		is_str(v[1], "X-Token: abc", "a header");
		is_str(v[2], "Cookie: a=1", "another header");
	}
	smoke_strv_free(v, n);
	v = NULL;
	n = 0;
	is_int(smoke_join_headers(bad, 1, &v, &n, &err), -DA_EINVAL,
	       "a first piece that is no header is an error");
	has_str(err.msg, "'not a header'", "naming it");
	has_str(err.msg, "Name: value", "and the form expected");

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
	conditions();
	headers();
}
