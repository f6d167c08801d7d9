/*
 * proc: running a helper program and reading what it prints; see proc.h.
 */
#define _GNU_SOURCE
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* Variables in the child's environment, ours and the caller's. */
#define DA_PROC_MAX_ENV 4096

static int name_len(const char *kv)
{
	const char *eq = strchr(kv, '=');
	return eq ? (int)(eq - kv) : (int)strlen(kv);
}

/* environ with env_add replacing the variables of the same name. */
static char **make_env(const char *const env_add[])
{
	size_t n = 0, k = 0, i, j;
	char **env;

	while (environ && environ[n])
		n++;
	while (env_add && env_add[k])
		k++;
	if (n + k >= DA_PROC_MAX_ENV)
		n = DA_PROC_MAX_ENV - k - 1;
	env = calloc(n + k + 1, sizeof(*env));
	if (!env)
		return NULL;
	for (i = 0, j = 0; i < n; i++) {
		int len = name_len(environ[i]);
		size_t a;
		int replaced = 0;

		for (a = 0; a < k; a++)
			if (name_len(env_add[a]) == len &&
			    !strncmp(env_add[a], environ[i], (size_t)len))
				replaced = 1;
		if (!replaced)
			env[j++] = environ[i];
	}
	for (i = 0; i < k; i++)
		env[j++] = (char *)env_add[i];
	env[j] = NULL;
	return env;
}

static void keep_tail(struct da_proc_result *res, size_t *len, const char *p,
		      size_t n)
{
	if (n >= DA_PROC_STDERR_MAX) {
		memcpy(res->stderr_tail, p + n - DA_PROC_STDERR_MAX,
		       DA_PROC_STDERR_MAX);
		*len = DA_PROC_STDERR_MAX;
	} else {
		if (*len + n > DA_PROC_STDERR_MAX) {
			size_t drop = *len + n - DA_PROC_STDERR_MAX;
			memmove(res->stderr_tail, res->stderr_tail + drop,
				*len - drop);
			*len -= drop;
		}
		memcpy(res->stderr_tail + *len, p, n);
		*len += n;
	}
	res->stderr_tail[*len] = '\0';
}

static int spawn_fail(const char *prog, int e, struct da_err *err)
{
	if (e == ENOENT)
		return da_err_set(err, DA_ENOENT,
				  "cannot run '%s': not found on PATH", prog);
	return da_err_set(err, DA_EIO, "cannot run '%s': %s", prog,
			  strerror(e));
}

int da_proc_run(const char *const argv[], const char *cwd,
		const char *const env_add[], struct da_buf *out, size_t max,
		struct da_proc_result *res, struct da_err *err)
{
	int outp[2] = {-1, -1}, errp[2] = {-1, -1};
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	char **env = NULL;
	size_t err_len = 0, start = out->len;
	int r = 0, e, status = 0, open_fds = 2, killed = 0;
	pid_t pid;
	char chunk[65536];

	memset(res, 0, sizeof(*res));
	if (!argv || !argv[0])
		return da_err_set(err, DA_EINVAL, "no program to run");
	/* posix_spawn() reports a bad cwd as its own ENOENT, which would
	 * read as the program missing from PATH: look first. */
	if (cwd) {
		struct stat st;

		e = stat(cwd, &st) < 0	  ? errno
		    : S_ISDIR(st.st_mode) ? 0
					  : ENOTDIR;
		if (e)
			return da_err_set(
			    err,
			    e == ENOENT || e == ENOTDIR ? DA_ENOENT : DA_EIO,
			    "cannot run '%s' in '%s': %s", argv[0], cwd,
			    strerror(e));
	}
	if (pipe2(outp, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0) {
		e = errno;
		r = da_err_set(err, DA_EIO, "cannot run '%s': %s", argv[0],
			       strerror(e));
		goto out_pipes;
	}
	env = make_env(env_add);
	if (!env) {
		r = da_err_set(err, DA_ENOMEM, "out of memory");
		goto out_pipes;
	}
	if ((e = posix_spawn_file_actions_init(&fa))) {
		r = spawn_fail(argv[0], e, err);
		goto out_pipes;
	}
	e = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (!e)
		e = posix_spawn_file_actions_adddup2(&fa, outp[1], 1);
	if (!e)
		e = posix_spawn_file_actions_adddup2(&fa, errp[1], 2);
	if (!e && cwd)
		e = posix_spawn_file_actions_addchdir_np(&fa, cwd);
	/* its own process group, so a kill reaches what it started too */
	if (!e && !(e = posix_spawnattr_init(&attr))) {
		e = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
		if (!e)
			e = posix_spawnattr_setpgroup(&attr, 0);
		if (!e)
			e = posix_spawnp(&pid, argv[0], &fa, &attr,
					 (char *const *)argv, env);
		posix_spawnattr_destroy(&attr);
	}
	posix_spawn_file_actions_destroy(&fa);
	if (e) {
		r = spawn_fail(argv[0], e, err);
		goto out_pipes;
	}
	close(outp[1]);
	close(errp[1]);
	outp[1] = errp[1] = -1;

	while (open_fds > 0) {
		struct pollfd pf[2] = {{outp[0], POLLIN, 0},
				       {errp[0], POLLIN, 0}};
		int i;

		if (poll(pf, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			e = errno;
			r = da_err_set(err, DA_EIO, "cannot read from '%s': %s",
				       argv[0], strerror(e));
			/* a child blocked on a full pipe would never end */
			kill(-pid, SIGKILL);
			break;
		}
		for (i = 0; i < 2; i++) {
			ssize_t n;
			int *fd = i ? &errp[0] : &outp[0];

			if (*fd < 0 ||
			    !(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = read(*fd, chunk, sizeof(chunk));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				close(*fd);
				*fd = -1;
				pf[i].fd = -1;
				open_fds--;
				continue;
			}
			if (i) {
				keep_tail(res, &err_len, chunk, (size_t)n);
				continue;
			}
			if (max && out->len - start + (size_t)n > max) {
				r = da_err_set(
				    err, DA_ELIMIT,
				    "output of '%s' is over %zu bytes", argv[0],
				    max);
			} else if (da_buf_add(out, chunk, (size_t)n) < 0) {
				r = da_err_set(err, DA_ELIMIT,
					       "output of '%s' is too large",
					       argv[0]);
			}
			if (r && !killed) {
				kill(-pid, SIGKILL);
				killed = 1;
			}
		}
		if (r && !killed) {
			kill(-pid, SIGKILL);
			killed = 1;
		}
		if (r && outp[0] >= 0) {
			/* stop reading: a writer left behind gets SIGPIPE */
			close(outp[0]);
			outp[0] = -1;
			open_fds--;
		}
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			status = 0;
			break;
		}
	}
	if (WIFEXITED(status))
		res->status = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		res->status = 128 + WTERMSIG(status);
	if (r)
		da_buf_truncate(out, start);

out_pipes:
	for (e = 0; e < 2; e++) {
		if (outp[e] >= 0)
			close(outp[e]);
		if (errp[e] >= 0)
			close(errp[e]);
	}
	free(env);
	return r;
}

const char *da_proc_reason(const struct da_proc_result *res, char *buf,
			   size_t size)
{
	const char *s = res->stderr_tail, *end = s + strlen(s), *b, *e;
	size_t n;

	if (!size)
		return "";
	/* the last non-empty line */
	e = end;
	for (;;) {
		while (e > s && (e[-1] == '\n' || e[-1] == '\r' ||
				 e[-1] == ' ' || e[-1] == '\t'))
			e--;
		b = e;
		while (b > s && b[-1] != '\n')
			b--;
		while (b < e && (*b == ' ' || *b == '\t'))
			b++;
		if (b < e || b == s)
			break;
		e = b;
	}
	n = (size_t)(e - b);
	if (n >= size)
		n = size - 1;
	memcpy(buf, b, n);
	buf[n] = '\0';
	return buf;
}
