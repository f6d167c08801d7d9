/*
 * proc: running a helper program (git) and reading what it prints.
 *
 * da_proc_run() starts argv[0] found on PATH with posix_spawnp(), in the
 * directory cwd (NULL: ours), with standard input from /dev/null, reads
 * its standard output into a buffer with a ceiling and keeps the last
 * part of its standard error for the message, and waits for it. The
 * environment is ours, plus the extra "NAME=value" strings given (for
 * git: GIT_TERMINAL_PROMPT=0 and LC_ALL=C, so it never asks and always
 * speaks one language).
 *
 * It never goes through a shell: arguments are passed as they are.
 *
 * Errors: a program that is not found is -DA_ENOENT ("cannot run 'git':
 * not found on PATH"); output over the ceiling is -DA_ELIMIT (the child is
 * killed); a child that exits non-zero is not an error here: *ret_status
 * holds its exit status (128 + signal when killed by one) and the caller
 * decides, using da_proc_stderr() for the reason.
 */
#ifndef DA_PROC_H
#define DA_PROC_H

#include "buf.h"
#include "error.h"

#include <stddef.h>

/* The last bytes of a child's standard error kept for messages. */
#define DA_PROC_STDERR_MAX 2048

struct da_proc_result {
	int status; /* exit status, or 128 + signal */
	char stderr_tail[DA_PROC_STDERR_MAX + 1]; /* NUL-terminated */
};

/*
 * Runs argv (NULL-terminated) in cwd with env_add (NULL-terminated, may be
 * NULL) added to the environment. Standard output goes to out (appended;
 * its own ceiling is max, 0 means the buffer's ceiling). Returns 0 with
 * res filled whatever the exit status, or a negative DA_E* with err set.
 */
int da_proc_run(const char *const argv[], const char *cwd,
		const char *const env_add[], struct da_buf *out, size_t max,
		struct da_proc_result *res, struct da_err *err);

/*
 * The first line of res->stderr_tail's last non-empty line, trimmed, for
 * "git diff failed: <this>"; "" when it printed nothing.
 */
const char *da_proc_reason(const struct da_proc_result *res, char *buf,
			   size_t size);

#endif
