#include "error.h"

#include <stdio.h>
#include <string.h>

static void one_line(char *s)
{
	for (; *s; s++)
		if (*s == '\n' || *s == '\r')
			*s = ' ';
}

static void mark_cut(char *msg, size_t size)
{
	/* vsnprintf cut the text: end it with "..." so the reader knows. */
	memcpy(msg + size - 4, "...", 4);
}

int da_err_vset(struct da_err *err, int e, const char *fmt, va_list ap)
{
	int n;

	if (e < 0)
		e = -e;
	if (!err)
		return -e;
	err->e = e;
	n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	if (n < 0)
		err->msg[0] = '\0';
	else if ((size_t)n >= sizeof(err->msg))
		mark_cut(err->msg, sizeof(err->msg));
	one_line(err->msg);
	return -e;
}

int da_err_set(struct da_err *err, int e, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = da_err_vset(err, e, fmt, ap);
	va_end(ap);
	return r;
}

int da_err_setc(struct da_err *err, int e, enum da_code code, const char *fmt,
		...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = da_err_vset(err, e, fmt, ap);
	va_end(ap);
	if (err)
		err->code = code;
	return r;
}

void da_err_prefix(struct da_err *err, const char *fmt, ...)
{
	char head[DA_ERR_MSG_MAX], old[DA_ERR_MSG_MAX];
	va_list ap;
	int n;

	if (!err)
		return;
	va_start(ap, fmt);
	n = vsnprintf(head, sizeof(head), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	memcpy(old, err->msg, sizeof(old));
	n = snprintf(err->msg, sizeof(err->msg), "%s: %s", head, old);
	if (n < 0)
		err->msg[0] = '\0';
	else if ((size_t)n >= sizeof(err->msg))
		mark_cut(err->msg, sizeof(err->msg));
	one_line(err->msg);
}

void da_err_clear(struct da_err *err)
{
	if (!err)
		return;
	err->e = 0;
	err->code = DA_CODE_NONE;
	err->msg[0] = '\0';
}

enum da_exit da_err_exit(int e)
{
	if (e < 0)
		e = -e;
	switch (e) {
	case 0:
		return DA_EXIT_OK;
	case DA_EFAIL:
		return DA_EXIT_FAIL;
	case DA_EINVAL:
	case DA_ELIMIT:
	case DA_ENOENT:
		return DA_EXIT_USAGE;
	default:
		return DA_EXIT_RUN;
	}
}

static const char *const code_names[DA_CODE__COUNT] = {
    [DA_CODE_NONE] = NULL,
    [DA_CODE_CI_FAILED] = "DEPLOY_CI_FAILED",
    [DA_CODE_APPROVAL_REQUIRED] = "DEPLOY_APPROVAL_REQUIRED",
    [DA_CODE_HEALTH_CHECK_FAILED] = "DEPLOY_HEALTH_CHECK_FAILED",
    [DA_CODE_ROLLBACK_FAILED] = "DEPLOY_ROLLBACK_FAILED",
    [DA_CODE_SECRET_ACCESS_DENIED] = "DEPLOY_SECRET_ACCESS_DENIED",
    [DA_CODE_RESOURCE_LIMIT] = "DEPLOY_RESOURCE_LIMIT",
    [DA_CODE_INVALID_INPUT] = "DEPLOY_INVALID_INPUT",
    [DA_CODE_NETWORK] = "DEPLOY_NETWORK_ERROR",
    [DA_CODE_IO] = "DEPLOY_IO_ERROR",
};

const char *da_code_name(enum da_code code)
{
	if ((int)code < 0 || code >= DA_CODE__COUNT)
		return NULL;
	return code_names[code];
}

enum da_code da_err_default_code(int e)
{
	if (e < 0)
		e = -e;
	switch (e) {
	case 0:
	case DA_EFAIL:
		return DA_CODE_NONE;
	case DA_EINVAL:
	case DA_ENOENT:
		return DA_CODE_INVALID_INPUT;
	case DA_ELIMIT:
		return DA_CODE_RESOURCE_LIMIT;
	case DA_ENET:
	case DA_ETIMEOUT:
		return DA_CODE_NETWORK;
	default:
		return DA_CODE_IO;
	}
}

const char *da_strerror(int e)
{
	if (e < 0)
		e = -e;
	switch (e) {
	case 0:
		return "success";
	case DA_EINVAL:
		return "invalid input";
	case DA_ENOMEM:
		return "out of memory";
	case DA_ELIMIT:
		return "limit exceeded";
	case DA_EIO:
		return "input/output error";
	case DA_ENET:
		return "network error";
	case DA_ENOENT:
		return "not found";
	case DA_ETIMEOUT:
		return "timed out";
	case DA_EFAIL:
		return "check failed";
	default:
		return "unknown error";
	}
}
