/*
 * rk_glob.h - workspace member globs, matched against '/'-separated paths.
 *
 * The dialect is the common core of what cargo and uv (Rust's glob crate)
 * and pnpm/npm (micromatch) accept for workspace members:
 *
 *   *        any run of characters except '/'
 *   ?        one character except '/'
 *   [abc]    one character of the set; [a-z] ranges; [!abc] or [^abc] negated
 *   **       as a whole path component: zero or more components
 *   \c       the character c literally
 *
 * Leading "./" and repeated or trailing '/' are ignored in both the pattern
 * and the path, so "./crates/a" and "crates//a/" are the same. A path
 * component starting with '.' is matched by '*', '?' and '**' too (the walk
 * that produces candidate paths already skips hidden directories).
 *
 * rk_glob_match() is pure (no file system access) and runs in time
 * O(pattern components x path components x component length). Patterns
 * are matched as a whole: "crates/ *" (without the space) matches
 * "crates/a", not "crates/a/b".
 */
#ifndef RK_GLOB_H
#define RK_GLOB_H

#include <stdbool.h>

/* Whether path matches pattern (both '/'-separated, relative). */
bool rk_glob_match(const char *pattern, const char *path);

/* Whether pattern has any glob metacharacter (otherwise it is a plain path). */
bool rk_glob_has_magic(const char *pattern);

/*
 * Normalise a relative '/'-separated path in place, lexically: drop "."
 * components, empty components and trailing '/', resolve "x/.." pairs.
 * Returns 0, or -1 when ".." would climb above the start (the path is then
 * left unspecified). An empty result is written as "." (an empty input
 * stays empty).
 */
int rk_path_normalize(char *path);

#endif
