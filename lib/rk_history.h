/*
 * rk_history.h - one walk of the git history for every package (libgit2).
 *
 * The caller registers each package's paths (its directory, "." for the
 * repository root, plus any extra paths) and its stop commits, then calls
 * rk_history_walk() once. The walk visits the commits reachable from HEAD
 * in topological order (children first, then by time) and, for each,
 * compares its tree with its first parent's the way `git log` does:
 * descending only into subtrees whose ids differ and only as far as the
 * package paths need (a trie of path components). A changed path belongs
 * to the package with the longest matching path prefix; several packages
 * may share an extra path.
 *
 * Stops. A package's "stable" stop is the commit of its last release tag
 * and its "any" stop that of its newest tag of any kind (pre-releases
 * included). A commit counts for a package when it is not an ancestor of
 * (or equal to) the stop; this is computed for all packages in the same
 * walk by carrying a bit set of "already released" packages from each
 * commit to its parents. Commits that count for no package are not
 * diffed, and the walk ends once every pending commit is released for
 * every package.
 *
 * Results: h->commits holds each commit that counts for some package
 * (id, full message), in walk order (newest first); pkg[i].commits the
 * indices of those that count for package i under its stable stop;
 * pkg[i].new_since_any tells whether any commit counts under its "any"
 * stop.
 *
 * Errors: functions return 0, or -1 with err filled from libgit2's last
 * error ("git: <message>"); the caller adds nothing (source NULL).
 */
#ifndef RK_HISTORY_H
#define RK_HISTORY_H

#include <stdbool.h>
#include <stddef.h>

#include <git2.h>

#include "rk_msg.h"
#include "rk_sha256.h"

struct rk_history_commit {
	git_oid oid;
	char *message; /* owned */
};

struct rk_history_pkg {
	char **paths; /* registered paths, owned */
	size_t npaths, cappaths;
	bool has_stable, has_any;
	git_oid stop_stable, stop_any;
	size_t *commits; /* indices into h->commits, newest first */
	size_t ncommits, cap;
	bool new_since_any;
	bool stable_reached; /* the walk met the stable stop (false: not in HEAD's history) */
};

struct rk_history_node; /* path trie (internal) */

struct rk_history {
	git_repository *repo; /* borrowed */
	size_t npkg;
	struct rk_history_pkg *pkg;
	struct rk_history_commit *commits;
	size_t ncommits, capc;
	size_t walked; /* commits visited */
	size_t diffed; /* commits whose trees were compared */
	struct rk_history_node *root;
};

/* Open the repository containing dir (NULL: the current directory). */
int rk_history_open(git_repository **repo, const char *dir, struct rk_err *err);

void rk_history_init(struct rk_history *h, git_repository *repo, size_t npkg);
void rk_history_release(struct rk_history *h);
/* Register path (relative to the repository root; "." or "" is the root) for package i. */
void rk_history_add_path(struct rk_history *h, const char *path, size_t pkg);
/* Set the stop commits (NULL: none) of package i. */
void rk_history_set_stops(struct rk_history *h, size_t pkg, const git_oid *stable,
			  const git_oid *any);
/* The walk (see above). An unborn HEAD is an empty history. */
int rk_history_walk(struct rk_history *h, struct rk_err *err);

/*
 * Every tag: cb(name without "refs/tags/", target id as stored, ctx) for
 * each ref under refs/tags/ (read once; annotated tags are not peeled
 * here). A non-zero return from cb stops and is returned.
 */
int rk_history_tags(git_repository *repo, int (*cb)(const char *, const git_oid *, void *),
		    void *ctx, struct rk_err *err);
/* Peel a tag target to its commit. */
int rk_history_peel(git_repository *repo, const git_oid *target, git_oid *commit,
		    struct rk_err *err);
/* The current branch's short name into buf ("" when HEAD is detached or unborn). */
void rk_history_branch(git_repository *repo, char *buf, size_t n);

/*
 * Source digest of package i: SHA-256 over, for each registered path in
 * order, "<path> <git tree or blob id at HEAD, or '-'>\n", then for each
 * uncommitted change under those paths (one `git status` scan of the
 * repository, untracked files included, sorted by path)
 * "<path>\0<status bits>\0<sha256 of the working file or '-'>\n".
 * Fills hex[npkg] (caller-allocated).
 */
int rk_history_source_digests(struct rk_history *h, char (*hex)[RK_SHA256_HEX], struct rk_err *err);

#endif
