#include "fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Bytes read per system call. */
#define READ_CHUNK 65536

/* Moves src's memory into *dst, within dst's own ceiling. */
static int buf_replace(struct da_buf *dst, struct da_buf *src)
{
	if (src->len > (dst->max ? dst->max : DA_BUF_DEFAULT_MAX))
		return -DA_ELIMIT;
	free(dst->data);
	dst->data = src->data;
	dst->len = src->len;
	dst->cap = src->cap;
	src->data = NULL;
	src->len = 0;
	src->cap = 0;
	return 0;
}

/* The DA_E* value for a failed system call's errno. */
static int errno_code(int e)
{
	switch (e) {
	case ENOENT:
	case ENOTDIR:
		return DA_ENOENT;
	case ENOMEM:
		return DA_ENOMEM;
	case EISDIR:
		return DA_EINVAL;
	case ENAMETOOLONG:
		return DA_ELIMIT;
	default:
		return DA_EIO;
	}
}

static int sys_fail(struct da_err *err, int e, const char *verb,
		    const char *path)
{
	return da_err_set(err, errno_code(e), "cannot %s '%s': %s", verb, path,
			  strerror(e));
}

static int check_path(const char *path, const char *verb, struct da_err *err)
{
	size_t n = strlen(path);

	if (n == 0)
		return da_err_set(err, DA_EINVAL,
				  "cannot %s a file: no path "
				  "was given",
				  verb);
	if (n > DA_MAX_FS_PATH)
		return da_err_set(err, DA_ELIMIT,
				  "cannot %s '%.64s...': the path is longer "
				  "than %d bytes",
				  verb, path, DA_MAX_FS_PATH);
	return 0;
}

char *da_fs_format_size(uint64_t bytes, char *buf, size_t size)
{
	static const char *const units[] = {"KiB", "MiB", "GiB",
					    "TiB", "PiB", "EiB"};
	uint64_t whole = bytes, rest;
	unsigned u = 0, tenth;
	int w;

	if (bytes < 1024) {
		w = snprintf(buf, size, "%u byte%s", (unsigned)bytes,
			     bytes == 1 ? "" : "s");
	} else {
		while (whole >= (uint64_t)1024 * 1024 && u + 1 < 6) {
			whole /= 1024;
			u++;
		}
		/* whole is in units[u] times 1024; one more step. */
		rest = whole % 1024;
		whole /= 1024;
		tenth = (unsigned)(rest * 10 / 1024);
		if (tenth)
			w = snprintf(buf, size, "%llu.%u %s",
				     (unsigned long long)whole, tenth,
				     units[u]);
		else
			w = snprintf(buf, size, "%llu %s",
				     (unsigned long long)whole, units[u]);
	}
	if (w < 0 || (size_t)w >= size)
		return NULL;
	return buf;
}

/* "file 'x' is 300 MiB, over the 256 MiB limit", exact when needed. */
static int too_big(struct da_err *err, const char *what, const char *path,
		   uint64_t have, uint64_t max, int at_least)
{
	char a[DA_FS_SIZE_SIZE], b[DA_FS_SIZE_SIZE];

	da_fs_format_size(have, a, sizeof(a));
	da_fs_format_size(max, b, sizeof(b));
	/* "256 MiB, over the 256 MiB limit" would puzzle: give bytes. */
	if (!at_least && strcmp(a, b) == 0) {
		int wa = snprintf(a, sizeof(a), "%llu bytes",
				  (unsigned long long)have);
		int wb = snprintf(b, sizeof(b), "%llu bytes",
				  (unsigned long long)max);

		if (wa < 0 || wb < 0)
			a[0] = b[0] = '\0';
	}
	return da_err_set(err, DA_ELIMIT, "%s '%s' is %s%s, over the %s limit",
			  what, path, at_least ? "more than " : "",
			  at_least ? b : a, b);
}

int da_fs_open_read(const char *path, uint64_t max, int *ret_fd,
		    struct da_err *err)
{
	int is_stdin = strcmp(path, "-") == 0, fd, r;
	struct stat st;

	r = check_path(path, "read", err);
	if (r < 0)
		return r;
	fd = is_stdin ? dup(STDIN_FILENO)
		      : open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return sys_fail(err, errno, "read", path);
	if (fstat(fd, &st) != 0) {
		r = sys_fail(err, errno, "read", path);
		goto fail;
	}
	if (S_ISDIR(st.st_mode)) {
		r = da_err_set(err, DA_EINVAL,
			       "cannot read '%s': it is a directory; give a "
			       "file",
			       path);
		goto fail;
	}
	if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode) &&
	    !S_ISCHR(st.st_mode) && !S_ISSOCK(st.st_mode)) {
		r = da_err_set(err, DA_EINVAL,
			       "cannot read '%s': not a regular file", path);
		goto fail;
	}
	if (max && S_ISREG(st.st_mode) && (uint64_t)st.st_size > max) {
		r = too_big(err, "file", path, (uint64_t)st.st_size, max, 0);
		goto fail;
	}
	*ret_fd = fd;
	return 0;
fail:
	close(fd);
	return r;
}

int da_fs_read_file(const char *path, size_t max, struct da_buf *ret,
		    struct da_err *err)
{
	struct da_buf b;
	char *chunk = NULL;
	int is_stdin = strcmp(path, "-") == 0, fd = -1, r;

	if (max == 0)
		max = DA_MAX_FS_FILE;
	da_buf_init(&b, max);
	r = da_fs_open_read(path, max, &fd, err);
	if (r < 0)
		goto out;
	chunk = malloc(READ_CHUNK);
	if (!chunk) {
		r = da_err_set(err, DA_ENOMEM, "cannot read '%s': %s", path,
			       strerror(ENOMEM));
		goto out;
	}
	for (;;) {
		ssize_t n = read(fd, chunk, READ_CHUNK);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = sys_fail(err, errno, "read", path);
			goto out;
		}
		if (n == 0)
			break;
		r = da_buf_add(&b, chunk, (size_t)n);
		if (r == -DA_ELIMIT) {
			/* A pipe, or a file that grew while we read it. */
			r = too_big(err, is_stdin ? "input" : "file", path, max,
				    max, 1);
			goto out;
		}
		if (r < 0) {
			r = da_err_set(err, -r, "cannot read '%s': %s", path,
				       da_strerror(r));
			goto out;
		}
	}
	da_buf_release(ret);
	ret->max = max;
	buf_replace(ret, &b);
	r = 0;
out:
	if (fd >= 0)
		close(fd);
	free(chunk);
	da_buf_release(&b);
	return r;
}

/* write() until all is written, through EINTR and short writes. */
static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0) {
			errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The directory part of path: "." for a bare name, "/" for "/x". */
static int dir_of(const char *path, struct da_buf *dir)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return da_buf_addch(dir, '.');
	if (slash == path)
		return da_buf_addch(dir, '/');
	return da_buf_add(dir, path, (size_t)(slash - path));
}

/*
 * Creates "<dir>/.<base>.<16 hex>" exclusively (O_EXCL, O_CLOEXEC, 0600)
 * and leaves its name in *tmp. Returns the descriptor or -1 with errno.
 */
static int create_temp(const char *dir, const char *base, struct da_buf *tmp)
{
	static uint64_t counter;
	struct timespec ts;
	uint64_t x;
	int attempt, fd;

	for (attempt = 0; attempt < 100; attempt++) {
		if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
			ts.tv_sec = ts.tv_nsec = 0;
		x = ((uint64_t)getpid() << 40) ^ ((uint64_t)ts.tv_sec << 20) ^
		    (uint64_t)ts.tv_nsec ^ (++counter * 0x9e3779b97f4a7c15ULL);
		/* splitmix64 finaliser: spread the bits over all 16 digits. */
		x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
		x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
		x ^= x >> 31;
		da_buf_reset(tmp);
		if (da_buf_addf(tmp, "%s/.%s.%016llx", dir, base,
				(unsigned long long)x) < 0) {
			errno = ENAMETOOLONG;
			return -1;
		}
		fd = open(tmp->data,
			  O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
			  0600);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	return -1;
}

int da_fs_write_atomic(const char *path, const void *data, size_t len,
		       mode_t mode, struct da_err *err)
{
	struct da_buf dir = DA_BUF_INIT(DA_MAX_FS_PATH);
	struct da_buf tmp = DA_BUF_INIT(DA_MAX_FS_PATH + 32);
	const char *base;
	int fd = -1, dfd = -1, created = 0, r;

	r = check_path(path, "write", err);
	if (r < 0)
		goto out;
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	if (*base == '\0' || strcmp(base, ".") == 0 ||
	    strcmp(base, "..") == 0) {
		r = da_err_set(err, DA_EINVAL,
			       "cannot write '%s': it names a directory; "
			       "give a file name",
			       path);
		goto out;
	}
	r = dir_of(path, &dir);
	if (r < 0) {
		r = da_err_set(err, -r, "cannot write '%s': %s", path,
			       da_strerror(r));
		goto out;
	}
	fd = create_temp(da_buf_str(&dir), base, &tmp);
	if (fd < 0) {
		int e = errno;

		r = da_err_set(err, errno_code(e),
			       "cannot write '%s': cannot create a temporary "
			       "file in '%s': %s",
			       path, da_buf_str(&dir), strerror(e));
		goto out;
	}
	created = 1;
	if (fchmod(fd, mode) != 0 || write_all(fd, data, len) != 0 ||
	    fsync(fd) != 0) {
		r = sys_fail(err, errno, "write", path);
		goto out;
	}
	r = close(fd);
	fd = -1;
	if (r != 0) {
		r = sys_fail(err, errno, "write", path);
		goto out;
	}
	if (rename(tmp.data, path) != 0) {
		r = sys_fail(err, errno, "write", path);
		goto out;
	}
	created = 0;
	/* Make the rename itself durable. */
	dfd = open(da_buf_str(&dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || (fsync(dfd) != 0 && errno != EINVAL)) {
		r = sys_fail(err, errno, "write", path);
		goto out;
	}
	r = 0;
out:
	if (fd >= 0)
		close(fd);
	if (dfd >= 0)
		close(dfd);
	if (created)
		unlink(tmp.data);
	da_buf_release(&dir);
	da_buf_release(&tmp);
	return r;
}

int da_fs_append(const char *path, const void *data, size_t len,
		 struct da_err *err)
{
	int fd, r;

	r = check_path(path, "append to", err);
	if (r < 0)
		return r;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY,
		  0666);
	if (fd < 0)
		return sys_fail(err, errno, "append to", path);
	if (write_all(fd, data, len) != 0) {
		r = sys_fail(err, errno, "append to", path);
		close(fd);
		return r;
	}
	if (close(fd) != 0)
		return sys_fail(err, errno, "append to", path);
	return 0;
}

/* mkdir that accepts an existing directory. */
static int mkdir_one(const char *p, mode_t mode, struct da_err *err)
{
	struct stat st;
	int e;

	if (mkdir(p, mode) == 0)
		return 0;
	e = errno;
	if (stat(p, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return 0;
		return da_err_set(err, DA_EINVAL,
				  "cannot create directory '%s': it exists "
				  "and is not a directory",
				  p);
	}
	return sys_fail(err, e, "create directory", p);
}

int da_fs_mkdir_p(const char *path, mode_t mode, struct da_err *err)
{
	struct da_buf b = DA_BUF_INIT(DA_MAX_FS_PATH);
	size_t i;
	int r;

	r = check_path(path, "create directory", err);
	if (r < 0)
		return r;
	r = da_buf_adds(&b, path);
	if (r < 0) {
		r = da_err_set(err, -r, "cannot create directory '%s': %s",
			       path, da_strerror(r));
		goto out;
	}
	for (i = 1; i < b.len; i++) {
		if (b.data[i] != '/' || b.data[i - 1] == '/')
			continue;
		b.data[i] = '\0';
		r = mkdir_one(b.data, mode, err);
		b.data[i] = '/';
		if (r < 0)
			goto out;
	}
	r = mkdir_one(b.data, mode, err);
out:
	da_buf_release(&b);
	return r;
}

int da_fs_mkdtemp(const char *prefix, struct da_buf *ret_path,
		  struct da_err *err)
{
	struct da_buf b = DA_BUF_INIT(DA_MAX_FS_PATH);
	const char *tmpdir = getenv("TMPDIR");
	int r;

	if (!tmpdir || !*tmpdir)
		tmpdir = "/tmp";
	if (!*prefix || strchr(prefix, '/'))
		return da_err_set(err, DA_EINVAL,
				  "cannot create a temporary directory named "
				  "'%s': give a plain name",
				  prefix);
	r = da_buf_addf(&b, "%s/%s.XXXXXX", tmpdir, prefix);
	if (r < 0) {
		r = da_err_set(err, -r,
			       "cannot create a temporary directory in "
			       "'%.64s': %s",
			       tmpdir, da_strerror(r));
		goto out;
	}
	if (!mkdtemp(b.data)) {
		r = da_err_set(err, errno_code(errno),
			       "cannot create a temporary directory in '%s': "
			       "%s",
			       tmpdir, strerror(errno));
		goto out;
	}
	r = buf_replace(ret_path, &b);
	if (r < 0) {
		rmdir(b.data);
		r = da_err_set(err, -r,
			       "cannot create a temporary directory: its "
			       "path does not fit the buffer given");
	}
out:
	da_buf_release(&b);
	return r;
}

/* Empties the directory open as fd, then closes fd. */
static int empty_dir(int fd, const char *top, int depth, struct da_err *err)
{
	DIR *d;
	struct dirent *de;
	int r = 0;

	if (depth > DA_MAX_FS_DEPTH) {
		close(fd);
		return da_err_set(err, DA_ELIMIT,
				  "cannot remove '%s': it is nested deeper "
				  "than %d directories",
				  top, DA_MAX_FS_DEPTH);
	}
	d = fdopendir(fd);
	if (!d) {
		r = sys_fail(err, errno, "remove", top);
		close(fd);
		return r;
	}
	for (;;) {
		struct stat st;
		const char *name;

		errno = 0;
		de = readdir(d);
		if (!de) {
			if (errno)
				r = sys_fail(err, errno, "remove", top);
			break;
		}
		name = de->d_name;
		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
			continue;
		if (fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
			if (errno == ENOENT)
				continue;
			r = sys_fail(err, errno, "remove", top);
			break;
		}
		if (S_ISDIR(st.st_mode)) {
			int sub = openat(dirfd(d), name,
					 O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					     O_CLOEXEC);

			if (sub < 0) {
				r = sys_fail(err, errno, "remove", top);
				break;
			}
			r = empty_dir(sub, top, depth + 1, err);
			if (r < 0)
				break;
			if (unlinkat(dirfd(d), name, AT_REMOVEDIR) != 0) {
				r = sys_fail(err, errno, "remove", top);
				break;
			}
		} else if (unlinkat(dirfd(d), name, 0) != 0 &&
			   errno != ENOENT) {
			r = sys_fail(err, errno, "remove", top);
			break;
		}
	}
	closedir(d);
	return r;
}

int da_fs_remove_tree(const char *path, struct da_err *err)
{
	struct stat st;
	int fd, r;

	r = check_path(path, "remove", err);
	if (r < 0)
		return r;
	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0
				       : sys_fail(err, errno, "remove", path);
	if (!S_ISDIR(st.st_mode)) {
		if (unlink(path) != 0 && errno != ENOENT)
			return sys_fail(err, errno, "remove", path);
		return 0;
	}
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return sys_fail(err, errno, "remove", path);
	r = empty_dir(fd, path, 0, err);
	if (r < 0)
		return r;
	if (rmdir(path) != 0 && errno != ENOENT)
		return sys_fail(err, errno, "remove", path);
	return 0;
}

int da_fs_path_join(const char *dir, const char *name, struct da_buf *ret,
		    struct da_err *err)
{
	struct da_buf b = DA_BUF_INIT(DA_MAX_FS_PATH);
	size_t dl = strlen(dir);
	int r = 0;

	if (name[0] == '/')
		return da_err_set(err, DA_EINVAL,
				  "cannot join '%.64s' and '%.64s': the second "
				  "path is absolute",
				  dir, name);
	if (dl > 0) {
		r = da_buf_add(&b, dir, dl);
		if (r == 0 && name[0] && dir[dl - 1] != '/')
			r = da_buf_addch(&b, '/');
	}
	if (r == 0)
		r = da_buf_adds(&b, name);
	if (r == 0)
		r = buf_replace(ret, &b);
	if (r < 0)
		r = da_err_set(err, -r,
			       "cannot join '%.64s' and '%.64s': the path "
			       "would be longer than %d bytes",
			       dir, name, DA_MAX_FS_PATH);
	da_buf_release(&b);
	return r;
}

int da_fs_exists(const char *path, struct da_err *err)
{
	struct stat st;

	if (stat(path, &st) == 0)
		return 1;
	if (errno == ENOENT || errno == ENOTDIR)
		return 0;
	return da_err_set(err, DA_EIO, "cannot look at '%s': %s", path,
			  strerror(errno));
}

int da_fs_size(const char *path, uint64_t *ret_size, struct da_err *err)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return sys_fail(err, errno, "look at", path);
	if (S_ISDIR(st.st_mode))
		return da_err_set(err, DA_EINVAL,
				  "cannot size '%s': it is a directory", path);
	*ret_size = (uint64_t)st.st_size;
	return 0;
}
