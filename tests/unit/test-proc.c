/* Unit tests for common/proc: running a helper program. */
#include "common/proc.h"
#include "test.h"

#include <stdlib.h>
#include <string.h>

static void run_tests(void)
{
	struct da_buf out;
	struct da_proc_result res;
	struct da_err err = {0};
	char why[256];
	int r;

	da_buf_init(&out, 1 << 20);

	{
		const char *argv[] = {"sh", "-c",
				      "printf 'a b\\n'; echo oops >&2", NULL};
		r = da_proc_run(argv, NULL, NULL, &out, 0, &res, &err);
		is_int(r, 0, "a shell runs");
		is_str(da_buf_str(&out), "a b\n",
		       "its standard output is read");
		is_int(res.status, 0, "exit status 0");
		is_str(da_proc_reason(&res, why, sizeof(why)), "oops",
		       "standard error gives the reason");
	}
	da_buf_reset(&out);
	{
		const char *argv[] = {"sh", "-c", "exit 7", NULL};
		r = da_proc_run(argv, NULL, NULL, &out, 0, &res, &err);
		is_int(r, 0, "a failing child is not an error");
		is_int(res.status, 7, "its exit status is kept");
		is_str(da_proc_reason(&res, why, sizeof(why)), "",
		       "no reason when it printed nothing");
	}
	{
		const char *argv[] = {"sh", "-c", "kill -TERM $$", NULL};
		r = da_proc_run(argv, NULL, NULL, &out, 0, &res, &err);
		is_int(res.status, 128 + 15, "a signal is 128 + its number");
	}
	da_buf_reset(&out);
	{
		const char *argv[] = {"sh", "-c", "pwd; echo \"$DA_T_X\"; cat",
				      NULL};
		const char *env[] = {"DA_T_X=given", NULL};
		setenv("DA_T_X", "ours", 1);
		r = da_proc_run(argv, "/", env, &out, 0, &res, &err);
		is_int(r, 0, "cwd and environment");
		is_str(da_buf_str(&out), "/\ngiven\n",
		       "runs in cwd, env_add wins, stdin is empty");
	}
	da_buf_reset(&out);
	{
		const char *argv[] = {"da-no-such-program-here", NULL};
		r = da_proc_run(argv, NULL, NULL, &out, 0, &res, &err);
		is_int(r, -DA_ENOENT, "a missing program");
		has_str(err.msg, "not found on PATH", "says so");
	}
	{
		/* The program is there; the directory is not. */
		const char *argv[] = {"sh", "-c", "true", NULL};
		r = da_proc_run(argv, "/da-no-such-directory", NULL, &out, 0,
				&res, &err);
		is_int(r, -DA_ENOENT, "a missing cwd");
		has_str(err.msg, "cannot run 'sh' in '/da-no-such-directory': ",
			"names the directory");
		ok(!strstr(err.msg, "PATH"), "and does not blame PATH");
		r = da_proc_run(argv, "/dev/null", NULL, &out, 0, &res, &err);
		is_int(r, -DA_ENOENT, "a cwd that is no directory");
		has_str(err.msg, "Not a directory", "says so");
	}
	{
		const char *argv[] = {"sh", "-c", "yes 0123456789", NULL};
		r = da_proc_run(argv, NULL, NULL, &out, 4096, &res, &err);
		is_int(r, -DA_ELIMIT,
		       "output over the ceiling stops the child");
		is_int((int)out.len, 0, "and keeps nothing");
		has_str(err.msg, "over 4096 bytes", "names the ceiling");
	}
	{
		const char *argv[] = {"sh", "-c",
				      "i=0; while [ $i -lt 3000 ]; do echo "
				      "xxxxxxxxxxxxxxxxxxxxxxxxxx >&2; "
				      "i=$((i+1)); done; echo last words >&2; "
				      "exit 1",
				      NULL};
		r = da_proc_run(argv, NULL, NULL, &out, 0, &res, &err);
		is_int(res.status, 1, "a chatty child");
		ok(strlen(res.stderr_tail) == DA_PROC_STDERR_MAX,
		   "only the tail of standard error is kept");
		is_str(da_proc_reason(&res, why, sizeof(why)), "last words",
		       "and its last line is the reason");
	}
	da_buf_release(&out);
}
