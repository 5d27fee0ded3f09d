/*
 * rk_exec_prepare.h - the built-in executors that change the repository
 * (the table is in rk_executor.c; the context in rk_executor.h).
 *
 *   lib/rk_exec_files.c  bump, ranges, lockfile, changelog, pin, unpin:
 *                        through the ecosystem backends (rk_backend.h)
 *   lib/rk_exec_git.c    commit, tag: through libgit2
 *
 * Each asks the truth first and does nothing when its effect is already
 * there (note "already done"); each returns 0, or -1 with x->err set.
 * Their params (written by rk-plan, see rk-plan(1) and the action schema):
 *
 *   bump       manager, path, manifest, workspace?, version, bump_files?
 *              ([{"path","pattern"}])
 *   ranges     manager, path, manifest, workspace?, deps: [{"name",
 *              "ecosystem","version"}] (the released internal dependencies)
 *   lockfile   manager, workspace (directory), lockfile (path)
 *   changelog  file (CHANGELOG.md path), version, section (Markdown),
 *              title? (for a new file)
 *   commit     head (the commit the plan was made on, hex), message,
 *              paths (every file prepare may write or delete), releases
 *              ([{"ecosystem","name","version"}]), branch? (a new branch
 *              to commit on instead of HEAD's)
 *   pin        manager, path, manifest, workspace?, strategy (exact,
 *              compatible, caret), deps (as for ranges)
 *   unpin      (none; restores every file the journal holds)
 *   tag        tag, target? (a commit hex; default HEAD), message?
 *              (annotated tag when set)
 */
#ifndef RK_EXEC_PREPARE_H
#define RK_EXEC_PREPARE_H

#include "rk_executor.h"

/*
 * The trailer key of a release commit: "Release-Kit-Release: <eco>:<name> <version>",
 * or "<eco>:<name>@<path> <version>" for a package that shares its name (the
 * "id" of its entry in the commit's params.releases).
 */
#define RK_RELEASE_TRAILER "Release-Kit-Release"

int rk_xrun_bump(struct rk_xctx *x);
int rk_xrun_ranges(struct rk_xctx *x);
int rk_xrun_lockfile(struct rk_xctx *x);
int rk_xrun_changelog(struct rk_xctx *x);
int rk_xrun_pin(struct rk_xctx *x);
int rk_xrun_unpin(struct rk_xctx *x);
int rk_xrun_commit(struct rk_xctx *x);
int rk_xrun_tag(struct rk_xctx *x);

/*
 * The write-ahead list of the files prepare's executors wrote (one path a
 * line, appended before each write): <root>/.releasekit/prepare-written
 * into out (the directory made). The commit action commits them (with its
 * params.paths) and removes the list.
 */
int rk_exec_written_path(const char *root, struct rk_buf *out, struct rk_err *err);

#endif
