/*
 * paths: a report's file names to repository paths.
 *
 * Reports name files in many ways: absolute runner paths
 * (/home/runner/work/r/r/src/a.c, D:\a\r\r\src\a.c), paths relative to a
 * Cobertura <source> root, JaCoCo's package paths (com/foo/Bar.java under
 * some module's src/main/java), Go import paths
 * (github.com/org/mod/pkg/f.go), paths relative to a sub-project. The
 * model keeps repository paths: relative, POSIX, normalised ("a/b.c"),
 * so that changed lines (from git), path groups and include/exclude
 * globs all speak of the same names.
 *
 * cov_paths_map() (a cov_path_fn) maps one name, in this order:
 *   1. backslashes become slashes when the name is a Windows path
 *      (a drive letter, or '\' and no '/');
 *   2. the first path-map rule "from=>to" whose from is a prefix of the
 *      name (at a '/' boundary or whole) replaces it;
 *   3. a relative name is tried under each root the current report gave
 *      (cov_paths_root(): Cobertura <source>) then each source-roots
 *      entry; the first that names a repository file wins;
 *   4. an absolute name loses the workspace prefix (GITHUB_WORKSPACE, or
 *      the directory given, or the current one), then any strip-prefix;
 *   5. a name under a Go module path (from every go.mod git lists, or the
 *      module given) becomes that module's directory plus the rest;
 *   6. the result is normalised (no "./", no "..", no doubled '/');
 *   7. with a repository file list (git ls-files): a name that is not a
 *      repository file is matched by its unique suffix at a '/' boundary
 *      ("com/foo/Bar.java" -> "app/src/main/java/com/foo/Bar.java");
 *      a name that still matches nothing is kept and counted unmatched.
 * Results are cached per name, so a report naming a file many times costs
 * one lookup.
 *
 * Without git, or outside a repository, step 7 is skipped and nothing is
 * counted unmatched (cov_paths_have_files() says so).
 */
#ifndef COV_PATHS_H
#define COV_PATHS_H

#include <stddef.h>

#include "common/buf.h"
#include "common/error.h"

struct cov_paths_config {
	const char *workspace;	/* NULL: GITHUB_WORKSPACE, else cwd */
	const char *const *map; /* "from=>to" rules */
	size_t nmap;
	const char *const *strip; /* strip-prefix entries */
	size_t nstrip;
	const char *const *roots; /* source-roots, relative to the
				   * workspace or absolute */
	size_t nroots;
	const char *go_module; /* NULL: from go.mod files */
	int use_git;	       /* list the repository's files */
};

struct cov_paths;

/*
 * Reads the repository's file list (git ls-files -z in the workspace, when
 * use_git and it is a repository) and the go.mod module paths. A bad
 * path-map rule (no "=>", empty from) is -DA_EINVAL naming it.
 */
int cov_paths_new(const struct cov_paths_config *config, struct cov_paths **ret,
		  struct da_err *err);
void cov_paths_free(struct cov_paths *paths);

/* A cov_path_fn: ctx is the struct cov_paths. */
int cov_paths_map(void *ctx, const char *raw, struct da_buf *out,
		  struct da_err *err);

/* A root named by the report being read (Cobertura <source>). */
int cov_paths_root(void *ctx, const char *root, struct da_err *err);

/* Forgets the roots of the previous report; call before each report. */
void cov_paths_report_begin(struct cov_paths *paths);

/* Whether a repository file list was read (git worked). */
int cov_paths_have_files(const struct cov_paths *paths);

/* Why there is no file list, as git said it ("not a git repository",
 * "detected dubious ownership ...", "not found on PATH"); "" when there
 * is one or git was not asked. */
const char *cov_paths_why_no_files(const struct cov_paths *paths);

/* The workspace in use (absolute, no trailing '/'). */
const char *cov_paths_workspace(const struct cov_paths *paths);

/* Distinct mapped names that match no repository file, in order seen. */
size_t cov_paths_unmatched(const struct cov_paths *paths);
const char *cov_paths_unmatched_path(const struct cov_paths *paths, size_t i);

#endif
