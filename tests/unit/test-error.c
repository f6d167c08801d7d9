#include "test.h"
#include "common/error.h"

static void run_tests(void)
{
	struct da_err err = DA_ERR_INIT;
	char big[3000];
	int r;

	r = da_err_set(&err, DA_EINVAL, "cannot parse '%s': line\nbreak",
		       "f.json");
	is_int(r, -DA_EINVAL, "da_err_set returns the negative code");
	is_str(err.msg, "cannot parse 'f.json': line break",
	       "newlines become spaces");
	da_err_prefix(&err, "reading %s", "inputs");
	is_str(err.msg, "reading inputs: cannot parse 'f.json': line break",
	       "prefix adds context");
	is_int(da_err_exit(err.e), DA_EXIT_USAGE, "bad input exits 2");
	is_int(da_err_exit(-DA_ENET), DA_EXIT_RUN, "network failure exits 3");
	is_int(da_err_exit(DA_EFAIL), DA_EXIT_FAIL, "a verdict exits 1");
	is_int(da_err_exit(0), DA_EXIT_OK, "success exits 0");
	is_int(da_err_exit(-DA_ELIMIT), DA_EXIT_USAGE, "a ceiling exits 2");
	is_str(da_code_name(da_err_default_code(DA_ELIMIT)),
	       "DEPLOY_RESOURCE_LIMIT", "limit maps to DEPLOY_RESOURCE_LIMIT");
	ok(da_code_name(DA_CODE_NONE) == NULL, "no code has no name");
	ok(da_code_name((enum da_code)999) == NULL,
	   "out-of-range code has no name");
	da_err_setc(&err, DA_EFAIL, DA_CODE_HEALTH_CHECK_FAILED,
		    "health check failed");
	is_str(da_code_name(err.code), "DEPLOY_HEALTH_CHECK_FAILED",
	       "setc records the code");
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	da_err_set(&err, DA_EIO, "%s", big);
	is_int(strlen(err.msg), DA_ERR_MSG_MAX - 1,
	       "long messages are cut to the buffer");
	is_str(err.msg + DA_ERR_MSG_MAX - 4, "...",
	       "a cut message ends with an ellipsis");
	da_err_clear(&err);
	is_int(err.e, 0, "clear forgets the failure");
	is_int(da_err_set(NULL, DA_ENOMEM, "x"), -DA_ENOMEM,
	       "a NULL err still returns the code");
	is_str(da_strerror(-DA_ETIMEOUT), "timed out",
	       "strerror takes either sign");
}
