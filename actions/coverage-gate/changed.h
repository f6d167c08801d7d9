/*
 * changed: the lines a change adds, from git, and their coverage.
 *
 * The changed lines are the added lines of `git diff base...head` (the
 * three-dot form: what head adds since it left base, as a pull request
 * shows it), read from
 *   git -c core.quotePath=false diff --no-color --no-ext-diff
 *       --unified=0 --find-renames --diff-filter=AMR base...head --
 * run in the repository. Only the new side counts: "+++ b/path" names the
 * file (C-quoted names are unquoted; /dev/null, i.e. a deleted file, has
 * no lines), "@@ -a,b +c,d @@" gives d added lines from c (d absent is 1,
 * d 0 is none). Binary files have no hunks and so no lines.
 *
 * Refs: given (base, head), or from the pull request event
 * (GITHUB_EVENT_NAME pull_request or pull_request_target: the event's
 * pull_request.base.sha and pull_request.head.sha). head defaults to
 * HEAD. A base the clone does not have is -DA_ENOENT with a hint:
 * "base 'abc123' is not in this clone; check out with fetch-depth: 0".
 *
 * The coverage of the changed lines reads the model: an added line that
 * the model's file records (instrumented) counts; it is covered when its
 * hits are above 0. Lines no report instruments (comments, blank lines,
 * files without coverage) do not count.
 */
#ifndef COV_CHANGED_H
#define COV_CHANGED_H

#include <stddef.h>
#include <stdint.h>

#include "actions/coverage-gate/gate.h"
#include "actions/coverage-gate/model.h"
#include "common/error.h"

/* Files in one diff; lines added in one diff. */
#define DA_MAX_DIFF_FILES 1000000
#define DA_MAX_DIFF_LINES 50000000u
/* git diff output read at most. */
#define DA_MAX_DIFF_BYTES ((size_t)1 << 30)

struct cov_diff; /* path -> added line numbers */

/*
 * Parses unified diff text (as above) into *ret. Bad text is -DA_EINVAL
 * with "cannot read the diff: line N: ..."; the parser of an untrusted
 * input, with a fuzz target.
 */
int cov_diff_parse(const char *text, size_t len, struct cov_diff **ret,
		   struct da_err *err);
void cov_diff_free(struct cov_diff *diff);

size_t cov_diff_files(const struct cov_diff *diff);
const char *cov_diff_path(const struct cov_diff *diff, size_t i);
/* The added lines of file i, ascending and distinct. */
const uint32_t *cov_diff_lines(const struct cov_diff *diff, size_t i,
			       size_t *ret_n);

/*
 * The refs to compare: base and head as given (either may be NULL or
 * ""), else from the event file of a pull request. Fills ret_base and
 * ret_head (appended). Returns 1 when both are known, 0 when there is no
 * base (not a pull request and none given: the changed-line gate is
 * skipped), or a negative DA_E* (an event file that will not read).
 */
int cov_changed_refs(const char *base, const char *head,
		     struct da_buf *ret_base, struct da_buf *ret_head,
		     struct da_err *err);

/*
 * Makes refs that came from a pull request event describe the tree the
 * reports measured. actions/checkout checks out the pull request's merge
 * commit by default (refs/pull/N/merge), whose line numbers differ from
 * the head's wherever the base branch moved on: when HEAD in repo is that
 * merge (its second parent is head), base becomes "HEAD^1" and head
 * "HEAD", so the diff is what the pull request adds to the tree that was
 * tested. When head itself is checked out nothing changes; when anything
 * else is, head becomes "HEAD". Returns 1 when it changed a ref, 0 when
 * not, or a negative DA_E*.
 */
int cov_changed_tested(const char *repo, struct da_buf *base,
		       struct da_buf *head, struct da_err *err);

/* Runs git diff in repo (NULL: the current directory) into *ret. */
int cov_diff_git(const char *repo, const char *base, const char *head,
		 struct cov_diff **ret, struct da_err *err);

/*
 * The coverage of diff's lines in model, over the files policy wants, into
 * *ret (released with cov_changed_release()); base and head are copied
 * into it for the report.
 */
int cov_changed_eval(struct cov_model *model, const struct cov_diff *diff,
		     const struct cov_policy *policy, const char *base,
		     const char *head, struct cov_changed *ret,
		     struct da_err *err);

#endif
