/*
 * rk_lock.h - one release per repository at a time: <root>/.releasekit.lock.
 *
 * The lock file holds one JSON object:
 *     {"pid":1234,"host":"ci-7","started":"2026-11-26T10:12:02.123Z","tool":"rk-exec"}
 * It is written completely to a temporary file first and then linked into
 * place with link(2), which fails with EEXIST when the lock exists: the same
 * exclusivity as open(O_CREAT|O_EXCL), and no reader ever sees a
 * half-written lock.
 *
 * While a release runs, the holder records the process groups of the
 * commands it started ("pgids":[...], rk_lock_set_groups). The commands die
 * with their parent (rk_proc: PR_SET_PDEATHSIG), but what they started may
 * outlive it: a lock is only stale once the holder AND every process group
 * it recorded are gone, so a rerun never runs beside an orphan of a killed
 * run (it waits, up to timeout_s, or refuses naming the groups).
 *
 * Stale locks: a lock whose host is this host (gethostname), whose pid
 * no longer exists (kill(pid, 0) fails with ESRCH) and whose recorded
 * process groups are all gone is stale; it is renamed
 * aside (so two processes breaking it at once cannot remove each other's
 * fresh lock) and acquisition retries. A lock that cannot be parsed is
 * stale when its file is older than 10 seconds. Locks of other hosts are
 * never broken automatically.
 *
 * Waiting: rk_lock_acquire retries every 100 ms for up to timeout_s seconds
 * (0: fail at once). On failure `who` describes the holder:
 *     "pid 1234 on host ci-7 since 2026-11-26T10:12:02.123Z"
 */
#ifndef RK_LOCK_H
#define RK_LOCK_H

#include "rk_buf.h"

#define RK_LOCK_NAME ".releasekit.lock"

struct rk_lock {
	char *path; /* owned; NULL when not held */
	char *head; /* the lock's JSON without its closing '}' (owned) */
};

/*
 * Find the repository root for start (a directory): the nearest ancestor
 * holding .git (directory or file); start itself when there is none. out
 * receives an absolute path. Returns 0, or -1 with errno.
 */
int rk_repo_root(const char *start, struct rk_buf *out);

/*
 * Acquire <root>/.releasekit.lock. Returns 0 (held), 1 when another process
 * holds it after timeout_s (who filled), or -1 with errno on an I/O error.
 */
int rk_lock_acquire(struct rk_lock *l, const char *root, double timeout_s, struct rk_buf *who);
/*
 * Record the process groups now running under the lock (replacing the
 * previous list): the lock file is rewritten (a temporary renamed over it,
 * not synced: after a crash of the machine the groups are gone anyway).
 * Returns 0, or -1 with errno. A no-op when the lock is not held.
 */
int rk_lock_set_groups(struct rk_lock *l, const int *pgids, size_t n);

/* Remove the lock if held (only if it is still ours). Safe to call twice. */
void rk_lock_release(struct rk_lock *l);

#endif
