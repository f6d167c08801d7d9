/*
 * error: one message carried up from where it happened to main.c.
 *
 * Library functions return an int (0 or a negative DA_E* value) and, when
 * they fail, fill a struct da_err with one line: what failed and where.
 * The caller may add context once with da_err_prefix(). Only main.c turns
 * an error into output and an exit status (da_err_exit()).
 *
 * The struct holds its message inline, so it needs no freeing and can live
 * on the stack: struct da_err err = DA_ERR_INIT;
 *
 * Exit status contract of every tool:
 *   0 pass, 1 the check failed (a verdict), 2 usage or bad input,
 *   3 could not run (I/O, network, remote API).
 */
#ifndef DA_ERROR_H
#define DA_ERROR_H

#include <stdarg.h>
#include <stddef.h>

enum da_exit {
	DA_EXIT_OK = 0,
	DA_EXIT_FAIL = 1,  /* a verdict: the check did not pass */
	DA_EXIT_USAGE = 2, /* bad flag, bad input file, bad config */
	DA_EXIT_RUN = 3,   /* could not run: I/O, network, remote API */
};

/* Negative return values of library functions. */
enum {
	DA_EINVAL = 1, /* bad input: exit 2 */
	DA_ENOMEM,     /* out of memory: exit 3 */
	DA_ELIMIT,     /* a ceiling was reached: exit 2 */
	DA_EIO,	       /* file or system call failed: exit 3 */
	DA_ENET,       /* network or remote API failed: exit 3 */
	DA_ENOENT,     /* a named thing does not exist: exit 2 */
	DA_ETIMEOUT,   /* gave up waiting: exit 3 */
	DA_EFAIL,      /* a check failed (verdict): exit 1 */
};

/* The DEPLOY_* codes of the design documents, and ours in the same style. */
enum da_code {
	DA_CODE_NONE = 0,
	DA_CODE_CI_FAILED,	      /* DEPLOY_CI_FAILED */
	DA_CODE_APPROVAL_REQUIRED,    /* DEPLOY_APPROVAL_REQUIRED */
	DA_CODE_HEALTH_CHECK_FAILED,  /* DEPLOY_HEALTH_CHECK_FAILED */
	DA_CODE_ROLLBACK_FAILED,      /* DEPLOY_ROLLBACK_FAILED */
	DA_CODE_SECRET_ACCESS_DENIED, /* DEPLOY_SECRET_ACCESS_DENIED */
	DA_CODE_RESOURCE_LIMIT,	      /* DEPLOY_RESOURCE_LIMIT */
	DA_CODE_INVALID_INPUT,	      /* DEPLOY_INVALID_INPUT */
	DA_CODE_NETWORK,	      /* DEPLOY_NETWORK_ERROR */
	DA_CODE_IO,		      /* DEPLOY_IO_ERROR */
	DA_CODE__COUNT
};

#define DA_ERR_MSG_MAX 1024

struct da_err {
	int e;		   /* DA_E* value of the failure, 0 if none */
	enum da_code code; /* DEPLOY_* code, DA_CODE_NONE if not set */
	char msg[DA_ERR_MSG_MAX];
};

#define DA_ERR_INIT                                                            \
	{                                                                      \
		0, DA_CODE_NONE,                                               \
		{                                                              \
			0                                                      \
		}                                                              \
	}

/*
 * Records a failure and returns -e, so that a function can say
 * "return da_err_set(err, DA_EINVAL, "cannot parse '%s': ...", f);".
 * err may be NULL (the message is dropped). The message is one line:
 * newlines in it are replaced by spaces; overlong text is cut with "...".
 */
int da_err_set(struct da_err *err, int e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int da_err_vset(struct da_err *err, int e, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/* Same, and tags the error with a DEPLOY_* code. */
int da_err_setc(struct da_err *err, int e, enum da_code code, const char *fmt,
		...) __attribute__((format(printf, 4, 5)));

/* Puts "context: " in front of the message. NULL-safe. */
void da_err_prefix(struct da_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Forgets a recorded failure. */
void da_err_clear(struct da_err *err);

/* Maps a DA_E* value (either sign) to the tool exit status. */
enum da_exit da_err_exit(int e);

/* "DEPLOY_HEALTH_CHECK_FAILED" etc.; NULL for DA_CODE_NONE. */
const char *da_code_name(enum da_code code);

/* The default DEPLOY_* code for a DA_E* value (used when none was set). */
enum da_code da_err_default_code(int e);

/* Short text for a DA_E* value: "invalid input", "out of memory", ... */
const char *da_strerror(int e);

#endif
