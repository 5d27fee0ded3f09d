/*
 * rk_exec_publish.h - the built-in executors that build and publish (the
 * table is in rk_executor.c; the context in rk_executor.h).
 *
 *   build    cacheable. Runs the ecosystem's own tool (rk_pubops.h) on the
 *            tree as it is (pinned by the pin action before it) into
 *            .releasekit/dist/<ecosystem>/<name>-<version>/ (emptied
 *            first), and declares every file there as an output (so a
 *            cache hit restores them). Action fields: package, ecosystem,
 *            version. params: manager, path, manifest, workspace?.
 *   publish  an effect. Uploads every artifact of that directory (wheel
 *            and sdist; the npm tarball; the .crate) to the package's
 *            registry, asking the registry first (rk_registry.h): note
 *            "already published" when every file was there with the same
 *            digest, else "uploaded N file(s) to URL". params: as build,
 *            plus the RELEASE.star overrides registry_url, index_url,
 *            registry (cargo's registry name), token_env (the variable that
 *            holds the token, e.g. from secret()), tag (npm dist-tag; the
 *            channel), rate (uploads per second to this registry, from
 *            publish_rate; shared by every rk-exec child through a lock
 *            file under .releasekit/rate/).
 *
 *   sign     an effect. No signer exists yet: succeeds with the note
 *            "not signed: ... not implemented yet" (lib/rk_exec_push.c).
 *   push     an effect. params: remote (default origin), tags. Asks the
 *            remote (ls-remote) first: tags there with the same object are
 *            done, one there with another object fails, the rest are
 *            pushed in one push (libgit2).
 *   draft    an effect (lib/rk_exec_forge.c). params: as release without
 *            dists, plus target (the commit the tag will name; default
 *            HEAD). Runs when the package's publishing starts (before
 *            pin/build). On a forge with drafts (GitHub, Gitea) the tag's
 *            release is looked up: absent, it is created as a draft with
 *            the notes and target_commitish (the tag need not exist yet;
 *            a 422 for it, GitHub's answer for a commit it does not have
 *            yet, makes the draft without one);
 *            a draft's other notes are updated; a published release is
 *            left alone ("already published"). GitLab (no drafts: its
 *            release is created complete by release, after verify) and
 *            Bitbucket (Downloads only) are skipped with a note.
 *   release  an effect (lib/rk_exec_forge.c, lib/rk_forge.h). params: tag,
 *            sections (one per package of the tag, a train has several:
 *            name, version, notes, changelog: the file whose section for
 *            version is the notes when notes is empty), or notes (the
 *            whole text; overrides sections), remote, forge (the
 *            forge(...) record), dists (artifact directories). The notes
 *            of one section are its text; of several, a "## NAME VERSION"
 *            heading per package over its section without its own
 *            heading. A remote that is no forge is skipped with a
 *            note. Otherwise the tag's release is looked up (drafts
 *            included); absent, it is created as a draft with the notes;
 *            present, other notes are updated; every artifact and a
 *            SHA256SUMS (written to .releasekit/dist/release/TAG/) is
 *            uploaded unless there with its size (another size: replaced);
 *            a draft is then published. The action runs after the
 *            package's verify and the tag's push. Kill points: "start",
 *            "created", "upload" (before each upload), "uploaded".
 *   release_pr  an effect, run by `releasekit prepare --branch B --pr`.
 *            params: branch, base, remote, forge, title, body, close.
 *            Force-pushes B (libgit2, the forge's token) unless the remote
 *            has it, then opens the pull request B -> base or updates the
 *            open one's title and body; with close, closes the open one.
 *
 * HTTP waits (429 Retry-After, backoff) are logged on stderr, one line
 * each: "rk-exec: ID: waiting S s (retry-after|backoff) after HTTP N from
 * URL (attempt A)". Kill points (RK_TEST_KILL_AT): "upload" (before each
 * file's upload) and "uploaded" (after the registry took it, before
 * anything is reported).
 */
#ifndef RK_EXEC_PUBLISH_H
#define RK_EXEC_PUBLISH_H

#include "rk_executor.h"

int rk_xrun_build(struct rk_xctx *x);
int rk_xrun_publish(struct rk_xctx *x);
int rk_xrun_sign(struct rk_xctx *x);
int rk_xrun_push(struct rk_xctx *x);
int rk_xrun_draft(struct rk_xctx *x);
int rk_xrun_release(struct rk_xctx *x);
int rk_xrun_release_pr(struct rk_xctx *x);

#endif
