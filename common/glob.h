/*
 * glob: gitignore-style path patterns and lists of them.
 *
 * Pattern syntax is git's wildmatch with WM_PATHNAME: '*' matches any run
 * of characters within one path segment, '?' one character other than
 * '/', "[a-z]", "[!x]", "[^x]" and "[[:digit:]]" classes (never matching
 * '/'), '\' escapes the next character. "**" is special only as a whole
 * segment: "**" + "/" at the start matches any number of leading
 * directories, "/" + "**" at the end everything inside, "a/" + "**" +
 * "/b" zero or more directories between; elsewhere it is a plain '*'.
 *
 * Placement rules are gitignore's: a pattern without a slash matches the
 * last segment at any depth ("*.c" matches "src/a.c"); one with a slash
 * in the start or middle is anchored at the root ("src/api/" + "**"); a
 * leading '/' only anchors; a trailing '/' matches directories only.
 * A pattern also matches everything under a directory it matches
 * ("vendor/" matches "vendor/x/y.go").
 *
 * A set is a list in which a leading '!' negates a pattern and the last
 * matching pattern wins. The path itself is tried first, then its parent
 * directories from the nearest up; the first of these that any pattern
 * matches decides. (This is gitignore's order except that a negation
 * naming a file can take it back out of a matched directory.)
 *
 * Matching takes time proportional to pattern length times path length,
 * whatever the pattern: there is no backtracking. Paths are compared as
 * bytes, case-sensitively, after the caller normalised them with
 * da_glob_path_normalize(); pattern text is never normalised ('\' in a
 * pattern is an escape).
 *
 * A set is an opaque handle owned by the caller: da_glob_set_new(), then
 * adds, then any number of matches (a const set is safe to share between
 * threads), then da_glob_set_free() (NULL-safe).
 */
#ifndef DA_GLOB_H
#define DA_GLOB_H

#include "buf.h"
#include "error.h"

#include <stddef.h>

/* Ceilings: bytes in one pattern, patterns in one set, bytes of a path. */
#define DA_MAX_GLOB_PATTERN 4096
#define DA_MAX_GLOB_PATTERNS 10000
#define DA_MAX_GLOB_PATH 65536

enum da_glob_result {
	DA_GLOB_NOMATCH = 0, /* no pattern matched */
	DA_GLOB_INCLUDED,    /* the deciding pattern is a plain one */
	DA_GLOB_EXCLUDED,    /* the deciding pattern is a '!' one */
};

struct da_glob_set;

/* Makes an empty set in *ret_set. Returns 0 or -DA_ENOMEM. */
int da_glob_set_new(struct da_glob_set **ret_set, struct da_err *err);

/* Frees the set and its patterns. NULL-safe. */
void da_glob_set_free(struct da_glob_set *set);

/*
 * Adds one pattern, taken literally (no comments, no blank trimming); a
 * leading '!' negates it, "\!" is a literal '!'. Returns -DA_EINVAL for
 * an empty or malformed pattern (unterminated class, trailing '\',
 * unknown [:class:]), -DA_ELIMIT past the ceilings.
 */
int da_glob_set_add(struct da_glob_set *set, const char *pattern,
		    struct da_err *err);

/*
 * Adds every pattern of a .gitignore-style text: one per line (LF or
 * CRLF), blank lines and lines starting with '#' skipped, trailing spaces
 * dropped unless escaped with '\'. source names the text in errors
 * ("cannot use pattern at .covignore:3: ..."). Stops at the first error;
 * patterns before it stay added.
 */
int da_glob_set_add_lines(struct da_glob_set *set, const char *text, size_t len,
			  const char *source, struct da_err *err);

/* Number of patterns in the set. */
size_t da_glob_set_count(const struct da_glob_set *set);

/* The text of pattern i as it was added (with any '!'), or NULL. */
const char *da_glob_set_pattern(const struct da_glob_set *set, size_t i);

/*
 * Decides path (normalised, relative, no trailing '/'; "" matches
 * nothing); is_dir says the path names a directory (for patterns ending
 * in '/'). When a pattern decides and ret_index is not NULL, *ret_index
 * is its position.
 */
enum da_glob_result da_glob_set_match(const struct da_glob_set *set,
				      const char *path, int is_dir,
				      size_t *ret_index);

/*
 * Matches one pattern with the placement rules above (a leading '!' is
 * an error here). Returns 1 on a match, 0 on none, -DA_EINVAL for a bad
 * pattern.
 */
int da_glob_match(const char *pattern, const char *path, int is_dir,
		  struct da_err *err);

/*
 * Matches text against pattern with wildmatch rules only, no placement:
 * the whole text must match. Returns 1, 0, or -DA_EINVAL for a bad
 * pattern.
 */
int da_glob_wildmatch(const char *pattern, const char *text,
		      struct da_err *err);

/*
 * Writes path in the form patterns expect to *ret (replacing what it
 * held): '\' turned into '/', "//" collapsed, "." segments and a
 * trailing '/' removed ("./src//a.c" -> "src/a.c", "C:\src\a.c" ->
 * "C:/src/a.c"). ".." is kept; a leading '/' too. An empty result is
 * ".". -DA_ELIMIT when path is longer than DA_MAX_GLOB_PATH.
 */
int da_glob_path_normalize(const char *path, struct da_buf *ret,
			   struct da_err *err);

#endif
