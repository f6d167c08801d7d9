#include "test.h"
#include "common/fs.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char top[DA_MAX_FS_PATH];

/* top + "/" + name, for the test's own files. */
static const char *at(const char *name)
{
	static char paths[4][DA_MAX_FS_PATH + 64];
	static int next;
	char *p = paths[next++ % 4];

	if (snprintf(p, sizeof(paths[0]), "%s/%s", top, name) >=
	    (int)sizeof(paths[0]))
		p[0] = '\0';
	return p;
}

static void put_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void test_join(void)
{
	struct da_err err = DA_ERR_INIT;
	struct da_buf b = DA_BUF_INIT(0);
	char *big;

	is_int(da_fs_path_join("a", "b", &b, &err), 0, "join");
	is_str(da_buf_str(&b), "a/b", "join puts one slash between");
	da_fs_path_join("a/", "b", &b, &err);
	is_str(da_buf_str(&b), "a/b", "join does not double a slash");
	da_fs_path_join("", "b", &b, &err);
	is_str(da_buf_str(&b), "b", "an empty dir gives the name");
	da_fs_path_join("a", "", &b, &err);
	is_str(da_buf_str(&b), "a", "an empty name gives the dir");
	da_fs_path_join("/", "x", &b, &err);
	is_str(da_buf_str(&b), "/x", "join under the root");
	is_int(da_fs_path_join("a", "/etc/passwd", &b, &err), -DA_EINVAL,
	       "an absolute second path is refused");
	has_str(err.msg, "the second path is absolute", "and says why");
	is_str(da_buf_str(&b), "/x", "a refused join leaves the output");

	big = malloc(DA_MAX_FS_PATH + 1);
	memset(big, 'd', DA_MAX_FS_PATH - 2);
	big[DA_MAX_FS_PATH - 2] = '\0';
	is_int(da_fs_path_join(big, "x", &b, &err), 0,
	       "a join to exactly the ceiling works");
	is_int(b.len, DA_MAX_FS_PATH, "and is that long");
	is_int(da_fs_path_join(big, "xy", &b, &err), -DA_ELIMIT,
	       "one byte more is refused");
	has_str(err.msg, "longer than 4096 bytes", "and says so");
	is_int(b.len, DA_MAX_FS_PATH, "a refused join leaves the output");
	free(big);
	da_buf_release(&b);
}

static void test_write_atomic(void)
{
	struct da_err err = DA_ERR_INIT;
	struct da_buf b = DA_BUF_INIT(0);
	struct stat st;
	struct rlimit old, lim;
	char *blob;
	int r;

	is_int(da_fs_mkdir_p(at("w"), 0755, &err), 0, "mkdir for writes");
	r = da_fs_write_atomic(at("w/a.conf"), "first\n", 6, 0640, &err);
	is_int(r, 0, "atomic write of a new file");
	if (r < 0)
		diag("%s", err.msg);
	da_fs_read_file(at("w/a.conf"), 0, &b, &err);
	is_str(da_buf_str(&b), "first\n", "the new file has the data");
	ok(stat(at("w/a.conf"), &st) == 0 && (st.st_mode & 07777) == 0640,
	   "the mode is as given");
	is_int(da_fs_write_atomic(at("w/a.conf"), "second\n", 7, 0644, &err), 0,
	       "atomic write over an existing file");
	da_fs_read_file(at("w/a.conf"), 0, &b, &err);
	is_str(da_buf_str(&b), "second\n", "the file has the new data");
	ok(stat(at("w/a.conf"), &st) == 0 && (st.st_mode & 07777) == 0644,
	   "the mode follows the new write");
	is_int(entries(at("w")), 1, "no temporary file is left behind");
	is_int(da_fs_write_atomic(at("w/empty"), "", 0, 0600, &err), 0,
	       "an empty file can be written");
	ok(da_fs_size(at("w/empty"), &(uint64_t){1}, &err) == 0, "and exists");

	/* The directory does not exist: nothing can be created. */
	r = da_fs_write_atomic(at("nodir/a.conf"), "x", 1, 0644, &err);
	is_int(r, -DA_ENOENT, "a write into a missing directory fails");
	has_str(err.msg, "cannot create a temporary file in '",
		"the error says what failed");
	has_str(err.msg, "nodir': No such file or directory",
		"and names the directory and the reason");

	/* The target is a directory: the rename fails after the write. */
	da_fs_mkdir_p(at("w/sub"), 0755, &err);
	r = da_fs_write_atomic(at("w/sub"), "x", 1, 0644, &err);
	ok(r < 0, "writing over a directory fails");
	has_str(err.msg, "cannot write '", "and says so");
	ok(stat(at("w/sub"), &st) == 0 && S_ISDIR(st.st_mode),
	   "the directory is still there");
	is_int(entries(at("w")), 3, "the temporary file was removed");

	/* A write that fails part way: the file size limit. */
	signal(SIGXFSZ, SIG_IGN);
	getrlimit(RLIMIT_FSIZE, &old);
	lim = old;
	lim.rlim_cur = 4096;
	blob = malloc(100000);
	memset(blob, 'z', 100000);
	if (setrlimit(RLIMIT_FSIZE, &lim) != 0) {
		ok(0, "cannot lower RLIMIT_FSIZE");
	} else {
		r = da_fs_write_atomic(at("w/a.conf"), blob, 100000, 0644,
				       &err);
		setrlimit(RLIMIT_FSIZE, &old);
		is_int(r, -DA_EIO, "a failing write is reported");
		has_str(err.msg, "a.conf': File too large",
			"with the path and the reason");
		da_fs_read_file(at("w/a.conf"), 0, &b, &err);
		is_str(da_buf_str(&b), "second\n",
		       "the old file is untouched after a failed write");
		is_int(entries(at("w")), 3,
		       "no temporary file is left after a failed write");
	}
	free(blob);

	is_int(da_fs_write_atomic(at("w/"), "x", 1, 0644, &err), -DA_EINVAL,
	       "a path ending in '/' is refused");
	has_str(err.msg, "it names a directory", "and says why");
	is_int(da_fs_write_atomic("", "x", 1, 0644, &err), -DA_EINVAL,
	       "an empty path is refused");

	/* A symlink at the target is replaced, its target left alone. */
	put_file(at("w/real"), "real\n");
	if (symlink(at("w/real"), at("w/link")) == 0) {
		is_int(da_fs_write_atomic(at("w/link"), "new\n", 4, 0644, &err),
		       0, "write over a symlink");
		ok(lstat(at("w/link"), &st) == 0 && S_ISREG(st.st_mode),
		   "the link became a regular file");
		da_fs_read_file(at("w/real"), 0, &b, &err);
		is_str(da_buf_str(&b), "real\n",
		       "the link's target is unchanged");
	}

	/* A bare name writes in the current directory. */
	{
		char cwd[DA_MAX_FS_PATH];

		if (getcwd(cwd, sizeof(cwd)) && chdir(at("w")) == 0) {
			is_int(
			    da_fs_write_atomic("bare.txt", "b", 1, 0644, &err),
			    0, "a bare file name works");
			ok(chdir(cwd) == 0, "back to the old directory");
			ok(da_fs_exists(at("w/bare.txt"), &err) == 1,
			   "the file is in the current directory");
		}
	}
	da_buf_release(&b);
}

static void test_read(void)
{
	struct da_err err = DA_ERR_INIT;
	struct da_buf b = DA_BUF_INIT(0);
	int fd, r;

	put_file(at("ten"), "0123456789");
	is_int(da_fs_read_file(at("ten"), 10, &b, &err), 0,
	       "a file exactly at the ceiling is read");
	is_int(b.len, 10, "all of it");
	is_int(b.max, 10, "the buffer takes the ceiling");
	is_int(da_fs_read_file(at("ten"), 9, &b, &err), -DA_ELIMIT,
	       "a file one byte over is refused");
	has_str(err.msg, "ten' is 10 bytes, over the 9 bytes limit",
		"the error gives both sizes");
	is_str(da_buf_str(&b), "0123456789",
	       "a refused read leaves the output alone");

	put_file(at("empty"), "");
	is_int(da_fs_read_file(at("empty"), 0, &b, &err), 0,
	       "an empty file is read");
	ok(b.len == 0 && strcmp(da_buf_str(&b), "") == 0, "as empty");

	/* Sparse files: large without using the disk. */
	fd = open(at("big"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
	r = fd >= 0 && ftruncate(fd, (off_t)300 << 20) == 0;
	if (fd >= 0)
		close(fd);
	if (r) {
		is_int(da_fs_read_file(at("big"), 0, &b, &err), -DA_ELIMIT,
		       "a 300 MiB file is over the default ceiling");
		has_str(err.msg, "big' is 300 MiB, over the 256 MiB limit",
			"the error is in MiB");
		ok(strncmp(err.msg, "file '", 6) == 0, "and names the file");
	}
	fd = open(at("big"), O_WRONLY | O_TRUNC, 0644);
	r = fd >= 0 && ftruncate(fd, ((off_t)256 << 20) + 1) == 0;
	if (fd >= 0)
		close(fd);
	if (r) {
		is_int(da_fs_read_file(at("big"), 0, &b, &err), -DA_ELIMIT,
		       "one byte over 256 MiB is refused");
		has_str(err.msg,
			"is 268435457 bytes, over the 268435456 bytes limit",
			"sizes that print alike are given exactly");
	}
	unlink(at("big"));

	is_int(da_fs_read_file(top, 0, &b, &err), -DA_EINVAL,
	       "a directory is refused");
	has_str(err.msg, "it is a directory", "and says so");
	is_int(da_fs_read_file(at("missing"), 0, &b, &err), -DA_ENOENT,
	       "a missing file is refused");
	has_str(err.msg, "missing': No such file or directory",
		"with the path and the reason");
	is_int(da_fs_read_file("", 0, &b, &err), -DA_EINVAL,
	       "an empty path is refused");
	is_str(da_buf_str(&b), "", "and the output is unchanged");
	da_buf_release(&b);
}

/* Runs da_fs_read_file("-") with stdin fed n bytes by a child. */
static int read_stdin(size_t n, size_t max, struct da_buf *b,
		      struct da_err *err)
{
	int p[2], saved, r, status;
	pid_t pid;

	if (pipe(p) != 0)
		return -100;
	pid = fork();
	if (pid == 0) {
		char chunk[4096];

		close(p[0]);
		memset(chunk, 'p', sizeof(chunk));
		while (n > 0) {
			size_t k = n < sizeof(chunk) ? n : sizeof(chunk);
			ssize_t w = write(p[1], chunk, k);

			if (w <= 0)
				_exit(0);
			n -= (size_t)w;
		}
		_exit(0);
	}
	close(p[1]);
	saved = dup(STDIN_FILENO);
	dup2(p[0], STDIN_FILENO);
	close(p[0]);
	r = da_fs_read_file("-", max, b, err);
	dup2(saved, STDIN_FILENO);
	close(saved);
	waitpid(pid, &status, 0);
	return r;
}

static void test_read_stdin(void)
{
	struct da_err err = DA_ERR_INIT;
	struct da_buf b = DA_BUF_INIT(0);

	is_int(read_stdin(1 << 20, 2 << 20, &b, &err), 0,
	       "stdin is read through a pipe");
	is_int(b.len, 1 << 20, "all of it");
	is_int(read_stdin(1 << 20, 1 << 20, &b, &err), 0,
	       "stdin exactly at the ceiling is read");
	is_int(read_stdin((1 << 20) + 1, 1 << 20, &b, &err), -DA_ELIMIT,
	       "stdin over the ceiling is refused");
	has_str(err.msg, "input '-' is more than 1 MiB, over the 1 MiB limit",
		"and the error says so");
	is_int(read_stdin(0, 0, &b, &err), 0, "an empty stdin is read");
	is_int(b.len, 0, "as empty");
	da_buf_release(&b);
}

static void test_append(void)
{
	struct da_err err = DA_ERR_INIT;
	struct da_buf b = DA_BUF_INIT(0);

	is_int(da_fs_append(at("out"), "a=1\n", 4, &err), 0,
	       "append creates the file");
	is_int(da_fs_append(at("out"), "b=2\n", 4, &err), 0, "append again");
	is_int(da_fs_append(at("out"), "", 0, &err), 0, "append nothing");
	da_fs_read_file(at("out"), 0, &b, &err);
	is_str(da_buf_str(&b), "a=1\nb=2\n", "appends accumulate");
	is_int(da_fs_append(at("nodir/out"), "x", 1, &err), -DA_ENOENT,
	       "append into a missing directory fails");
	has_str(err.msg, "cannot append to '", "the error says what");
	has_str(err.msg, "nodir/out': No such file or directory",
		"and where and why");
	is_int(da_fs_append(top, "x", 1, &err), -DA_EINVAL,
	       "append to a directory fails");
	da_buf_release(&b);
}

static void test_dirs(void)
{
	struct da_err err = DA_ERR_INIT;
	uint64_t size = 0;
	struct stat st;

	is_int(da_fs_mkdir_p(at("m/a/b/c"), 0755, &err), 0, "mkdir -p");
	ok(stat(at("m/a/b/c"), &st) == 0 && S_ISDIR(st.st_mode),
	   "the directories exist");
	is_int(da_fs_mkdir_p(at("m/a/b/c"), 0755, &err), 0,
	       "mkdir -p of an existing tree is fine");
	is_int(da_fs_mkdir_p(at("m//x///y/"), 0755, &err), 0,
	       "doubled and trailing slashes are fine");
	ok(stat(at("m/x/y"), &st) == 0 && S_ISDIR(st.st_mode), "and work");
	put_file(at("m/file"), "f");
	is_int(da_fs_mkdir_p(at("m/file/sub"), 0755, &err), -DA_EINVAL,
	       "a file in the way is refused");
	has_str(err.msg, "m/file': it exists and is not a directory",
		"and named");
	is_int(da_fs_mkdir_p(at("m/file"), 0755, &err), -DA_EINVAL,
	       "a file at the path itself is refused");

	is_int(da_fs_exists(at("m/file"), &err), 1, "a file exists");
	is_int(da_fs_exists(at("m/a"), &err), 1, "a directory exists");
	is_int(da_fs_exists(at("m/nope"), &err), 0, "a missing path does not");
	is_int(da_fs_exists(at("m/file/x"), &err), 0,
	       "a path through a file does not");

	is_int(da_fs_size(at("m/file"), &size, &err), 0, "size of a file");
	is_int(size, 1, "is right");
	is_int(da_fs_size(at("m/a"), &size, &err), -DA_EINVAL,
	       "size of a directory is refused");
	is_int(da_fs_size(at("m/nope"), &size, &err), -DA_ENOENT,
	       "size of a missing file is refused");
	has_str(err.msg, "cannot look at '", "and named");
	is_int(size, 1, "a failed size leaves the output");

	/* remove_tree must not follow a link out of the tree. */
	put_file(at("outside"), "keep");
	put_file(at("m/a/b/c/f1"), "1");
	put_file(at("m/a/f2"), "2");
	if (symlink(at("outside"), at("m/a/b/link")) != 0 ||
	    symlink(at("m"), at("m/a/dirlink")) != 0)
		ok(0, "cannot make symlinks");
	is_int(da_fs_remove_tree(at("m"), &err), 0, "remove a tree");
	is_int(da_fs_exists(at("m"), &err), 0, "the tree is gone");
	is_int(da_fs_exists(at("outside"), &err), 1,
	       "a file linked from the tree is kept");
	is_int(da_fs_remove_tree(at("m"), &err), 0,
	       "removing a missing path is fine");
	is_int(da_fs_remove_tree(at("outside"), &err), 0, "remove one file");
	is_int(da_fs_exists(at("outside"), &err), 0, "the file is gone");

	{
		struct da_buf d = DA_BUF_INIT(0);

		is_int(da_fs_mkdtemp("a/b", &d, &err), -DA_EINVAL,
		       "a temp prefix with '/' is refused");
		is_int(da_fs_mkdtemp("", &d, &err), -DA_EINVAL,
		       "an empty temp prefix is refused");
		da_buf_release(&d);
	}
}

struct size_case {
	uint64_t n;
	const char *s;
};

static const struct size_case sizes[] = {
    {0, "0 bytes"},
    {1, "1 byte"},
    {1023, "1023 bytes"},
    {1024, "1 KiB"},
    {1536, "1.5 KiB"},
    {1048575, "1023.9 KiB"},
    {1048576, "1 MiB"},
    {(uint64_t)300 << 20, "300 MiB"},
    {(uint64_t)11 << 29, "5.5 GiB"},
    {(uint64_t)3 << 40, "3 TiB"},
    {UINT64_MAX, "15.9 EiB"},
};

static void test_format_size(void)
{
	char buf[DA_FS_SIZE_SIZE], name[64];
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		snprintf(name, sizeof(name), "size %llu is %s",
			 (unsigned long long)sizes[i].n, sizes[i].s);
		is_str(da_fs_format_size(sizes[i].n, buf, sizeof(buf)),
		       sizes[i].s, name);
	}
	ok(da_fs_format_size(1536, buf, 7) == NULL,
	   "a buffer too small is refused");
	is_str(da_fs_format_size(1536, buf, 8), "1.5 KiB",
	       "a buffer just large enough is used");
}

static void run_tests(void)
{
	struct da_err err = DA_ERR_INIT;
	struct da_buf d = DA_BUF_INIT(0);

	if (da_fs_mkdtemp("test-fs", &d, &err) < 0)
		skip_all(err.msg);
	snprintf(top, sizeof(top), "%s", da_buf_str(&d));
	ok(da_fs_exists(top, &err) == 1, "mkdtemp made a directory");
	has_str(top, "/test-fs.", "named after the prefix");

	test_join();
	test_write_atomic();
	test_read();
	test_read_stdin();
	test_append();
	test_dirs();
	test_format_size();

	is_int(da_fs_remove_tree(top, &err), 0, "remove the test directory");
	is_int(da_fs_exists(top, &err), 0, "it is gone");
	da_buf_release(&d);
}
