/*
 * fs: reading and writing files safely.
 *
 * Files the tools write (nginx includes, state, reports) go through
 * da_fs_write_atomic(): the new contents are written to a temporary file
 * in the target's directory, flushed to disk and renamed over the target,
 * so a reader or a crash sees the old file or the new one, never half of
 * either. A failure removes the temporary file and leaves the old file
 * as it was. A symbolic link at the target is replaced, not followed.
 *
 * Every read has a ceiling: da_fs_read_file() refuses a file larger than
 * its limit before reading it, and stops a pipe or stdin ("-") at the
 * limit. Paths built here have a ceiling too (DA_MAX_FS_PATH).
 *
 * Errors name the path and the system's reason, one line:
 * "cannot write 'nginx.conf': No space left on device". A missing file
 * is -DA_ENOENT, a limit -DA_ELIMIT, a wrong kind of file -DA_EINVAL,
 * anything else the system refuses -DA_EIO.
 *
 * Functions that return text fill a caller's struct da_buf, and only on
 * success; the caller releases it.
 */
#ifndef DA_FS_H
#define DA_FS_H

#include "buf.h"
#include "error.h"

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Longest path this module builds or accepts. */
#define DA_MAX_FS_PATH 4096
/* Read ceiling used when a caller passes 0. */
#define DA_MAX_FS_FILE ((size_t)256 << 20)
/* Deepest directory tree da_fs_remove_tree() descends. */
#define DA_MAX_FS_DEPTH 256
/* Buffer size that always suffices for da_fs_format_size(). */
#define DA_FS_SIZE_SIZE 32

/*
 * Opens path ("-" for standard input, duplicated) for reading and refuses
 * what is not a stream of bytes: a directory, a device other than a
 * character device. A regular file over max bytes (0: no ceiling) is
 * refused before it is read. The caller closes *ret_fd.
 */
int da_fs_open_read(const char *path, uint64_t max, int *ret_fd,
		    struct da_err *err);

/*
 * Reads the whole file at path ("-" is stdin) into *ret, which takes the
 * data and max as its ceiling (its old memory is freed). max 0 means
 * DA_MAX_FS_FILE. Refuses directories and anything over max bytes:
 * "file 'x' is 300 MiB, over the 256 MiB limit".
 */
int da_fs_read_file(const char *path, size_t max, struct da_buf *ret,
		    struct da_err *err);

/*
 * Replaces the file at path with len bytes of data, atomically (see
 * above), with permission bits mode as given (the umask is not applied).
 * On failure the old file, if any, is unchanged and no temporary file is
 * left behind.
 */
int da_fs_write_atomic(const char *path, const void *data, size_t len,
		       mode_t mode, struct da_err *err);

/*
 * Appends len bytes to the file at path, creating it (mode 0666 less the
 * umask) when missing, with O_APPEND so that concurrent appenders do not
 * overwrite each other (as GITHUB_OUTPUT needs).
 */
int da_fs_append(const char *path, const void *data, size_t len,
		 struct da_err *err);

/*
 * Creates directory path and any missing parents, like mkdir -p.
 * Existing directories are fine; an existing non-directory on the way is
 * -DA_EINVAL.
 */
int da_fs_mkdir_p(const char *path, mode_t mode, struct da_err *err);

/*
 * Creates a new private directory "<TMPDIR or /tmp>/<prefix>.XXXXXX" and
 * writes its path to *ret_path (replacing what it held). prefix must be a
 * plain name. Remove it with da_fs_remove_tree().
 */
int da_fs_mkdtemp(const char *prefix, struct da_buf *ret_path,
		  struct da_err *err);

/*
 * Removes path and, if it is a directory, everything in it, without
 * following symbolic links. A missing path is not an error.
 */
int da_fs_remove_tree(const char *path, struct da_err *err);

/*
 * Writes dir + "/" + name to *ret (one '/' between them; an empty dir
 * gives name). An absolute name is -DA_EINVAL; a result over
 * DA_MAX_FS_PATH -DA_ELIMIT.
 */
int da_fs_path_join(const char *dir, const char *name, struct da_buf *ret,
		    struct da_err *err);

/*
 * Returns 1 when path exists (following links), 0 when it does not, or
 * -DA_EIO when that cannot be known (a permission problem, say).
 */
int da_fs_exists(const char *path, struct da_err *err);

/* The size in bytes of the file at path; -DA_EINVAL for a directory. */
int da_fs_size(const char *path, uint64_t *ret_size, struct da_err *err);

/*
 * Writes a size for people: "17 bytes", "1 byte", "1.5 KiB", "300 MiB"
 * (binary units, one decimal, cut not rounded, ".0" dropped). Returns
 * buf, or NULL when size is too small (DA_FS_SIZE_SIZE always fits).
 */
char *da_fs_format_size(uint64_t bytes, char *buf, size_t size);

#endif
