/*
 * rk_journal.h - the pin journal: original bytes of files changed for a
 * build, kept under the repository's .releasekit/ until they are put back.
 *
 * pin rewrites dependency specifiers for the build only; unpin must give
 * back every byte, even after a SIGKILL anywhere in between. So, before
 * its first write, pin records each file's original content:
 *
 *     rk_journal_record(root, "pin:python:acme-app", &edits, &err);
 *     rk_edits_write(&edits, root, &err);
 *     ... build ...
 *     rk_journal_restore(root, "pin:python:acme-app", &n, &err);   (unpin)
 *
 * and every run first calls rk_journal_restore_all() to put back whatever
 * a killed run left. One journal per key: .releasekit/journal/<key>.journal
 * (the key sanitised, plus a hash of it), written atomically
 * (rk_write_file_atomic), so a journal is either whole or absent.
 *
 * Crash analysis: killed before the journal is written: nothing changed.
 * Killed after it, before or between the file writes: restore writes the
 * original bytes back (files still original are left alone). Killed during
 * a restore: the journal is removed only after every file is back, so the
 * next restore finishes the job. Recording again under a key whose journal
 * exists keeps the recorded originals (they are older than the disk) and
 * adds files it lacked.
 *
 * rk_state_dir() makes .releasekit/ with a .gitignore ignoring every entry
 * at its top (the pattern slash-star) but "!/plans/", so no state in it is
 * ever committed (the dist directory, the journal, prepare.plan,
 * publish.plan, prepare-written, ...) while the plan files of rk-plan's
 * default plans directory .releasekit/plans/ are. An existing .gitignore
 * holding the old "*" is replaced; any other is left.
 *
 * Journal format (version 1): a line "releasekit-journal 1", a line with
 * the key, then per file a line "F <mode in octal> <created 0|1> <length>
 * <path>" followed by exactly length bytes and "\n", and a last line
 * "END". A journal that does not parse is an error naming it, never
 * guessed at.
 *
 * Errors: -1 with err set to one line naming the file (err->source static
 * storage, as in rk_backend.h). Nothing here exits or writes stdout. Each
 * file write calls rk_fault_point() first (the crash tests).
 */
#ifndef RK_JOURNAL_H
#define RK_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "rk_backend.h"

/* <root>/.releasekit (created, with its .gitignore, see above) into out (replaced). */
int rk_state_dir(const char *root, struct rk_buf *out, struct rk_err *err);

/* Record the original bytes (each changed edit's `before`, or "absent"
 * for a created file) of ed's changed files under key. */
int rk_journal_record(const char *root, const char *key, const struct rk_edits *ed,
		      struct rk_err *err);

/* Whether a journal for key is there. */
bool rk_journal_exists(const char *root, const char *key);

/*
 * Put back the files of key's journal, then remove it. *restored (may be
 * NULL) is the number of files rewritten or removed (0 when none differed
 * or there was no journal; *found, may be NULL, tells which).
 */
int rk_journal_restore(const char *root, const char *key, size_t *restored, bool *found,
		       struct rk_err *err);

/* Restore every journal left under .releasekit/journal; *journals (may be NULL) counts them. */
int rk_journal_restore_all(const char *root, size_t *journals, struct rk_err *err);

#endif
