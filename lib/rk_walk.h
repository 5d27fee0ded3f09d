/*
 * rk_walk.h - the one walk of a repository's tree: which directories are
 * looked into and which files are seen, for every tool that searches the
 * tree (rk-discover's manifests, rk-config's per-package RELEASE.star).
 *
 * The rules, in one place (rk_walk.c):
 * - directories whose name starts with '.' (.git, .venv, .releasekit, ...),
 *   node_modules, target and __pycache__ are not entered;
 * - nor is anything git ignores (.gitignore files, .git/info/exclude, the
 *   global excludes) when the root is inside a git work tree (libgit2);
 * - symbolic links are never followed into directories (so a link loop
 *   costs nothing); a link is seen as a file entry, flagged not regular;
 * - there is no depth limit; an unreadable directory is a warning on
 *   stderr and is skipped.
 *
 * Ownership: struct rk_walk owns the repository handle; one walk at a time
 * per handle (not thread-safe). Errors: none returned: what cannot be read
 * is warned about and skipped.
 */
#ifndef RK_WALK_H
#define RK_WALK_H

#include <stdbool.h>
#include <stddef.h>

struct rk_walk;

/* Open a walker of the tree under root (borrowed; must outlive the walker). */
struct rk_walk *rk_walk_open(const char *root);
void rk_walk_close(struct rk_walk *w);

/*
 * One file the walk found: its directory relative to the root ("." for the
 * root itself), its name, which of the wanted names it is, and whether it
 * is a regular file (false: a symbolic link or other non-directory).
 */
struct rk_walk_file {
	const char *dir;
	size_t dirlen;
	const char *name;
	size_t which;
	bool regular;
};

/*
 * Walk start (a directory relative to the root, "." for all of it) and call
 * fn for every file named names[0..nnames) that git does not ignore, in
 * directory order (callers sort). The struct is valid during the call only.
 */
void rk_walk_files(struct rk_walk *w, const char *start, const char *const *names, size_t nnames,
		   void (*fn)(const struct rk_walk_file *f, void *ctx), void *ctx);

#endif
