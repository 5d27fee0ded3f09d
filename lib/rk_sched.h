/*
 * rk_sched.h - the action-DAG scheduler behind rk-exec.
 *
 * Input: action records (share/schemas/action.schema.json) and hook config
 * records, fed one at a time with rk_sched_add(); then rk_sched_validate()
 * checks the DAG (duplicate ids, unknown deps, cycles) and rk_sched_run()
 * runs it, writing one event record per state change and a final summary
 * record to stdout (rk_record_emit).
 *
 * Scheduling: an action is ready as soon as all its deps succeeded (or were
 * cached); there are no level barriers. Ready actions start highest first
 * (height: the number of actions on the longest chain from it to the end of
 * the DAG; ties in input order) while fewer than `jobs` run and the
 * per-resource limits allow: an action
 * counts against the limit named by its type and against the one named by
 * its "resource" field (e.g. --limit publish=2, --limit registry:pypi=1).
 * The loop is event-driven: it sleeps in poll(2) on a self-pipe written by
 * the SIGCHLD / SIGINT / SIGTERM handlers, with the nearest timeout,
 * kill-escalation or retry time as poll's timeout; it never sleep-polls.
 *
 * Cache: before an action is queued its key is looked up (see the cache
 * policy by type above) in the AC (local,
 * then the remote, read-through); a hit whose blobs are present is reported
 * "cached" and counts as success. A successful command's stdout, stderr and
 * declared outputs go to the CAS and its result to the AC, and (write-behind)
 * to the remote at the end of the run. Failed results are not cached.
 * no_cache skips the lookups (results are still stored). Cache writes are
 * made on a writer thread, in batches made durable by one syncfs(2) each
 * (rk_cache_batch_commit), so fsync latency never delays scheduling; the
 * run drains the writer before its remote uploads and summary.
 *
 * Command actions (those with "argv", whatever their type) run through
 * rk_proc_spawn in their own process group, with the environment of rk-exec
 * plus the action's "env" plus RK_ACTION_ID, RK_ATTEMPT and RK_RESULT_FILE;
 * cwd relative to the repository root; stdin /dev/null; stdout and stderr to
 * files that end up in the CAS (never on the terminal). An action without
 * argv whose type has a built-in executor (rk_executor.h) runs the same way
 * as the command "<this executable> --run-action FILE" (FILE: the action's
 * record, in the attempt's scratch directory; cwd the repository root).
 * An action without argv whose type has no executor fails ("no executor for
 * action type 'build' yet").
 *
 * The result file: besides retryable= and retry_after= (below), every
 * "output=PATH" line adds PATH (relative to the repository root) to the
 * action's outputs (stored in the CAS on success, restored on a hit), and
 * the last "note=TEXT" line goes into the event's "note".
 *
 * Cache policy by type: a type whose built-in executor is not cacheable
 * (an effect, or a check that asks a registry) is never looked up in the
 * AC, argv or not; command actions and cacheable types are.
 *
 * Retries: a failed attempt is retried (up to max_retries: the action's
 * "max_retries", else --retries TYPE=N, else --retries N, else 2) when it is
 * retryable: the command wrote "retryable=true" to $RK_RESULT_FILE, or it
 * timed out, or its exit code is in "retryable_exit_codes" (default [75],
 * EX_TEMPFAIL), and it did not write "retryable=false". The delay is
 * exponential backoff with full jitter, uniform in
 * [0, min(backoff_max_ms, backoff_base_ms * 2^(attempt-1))], unless the
 * command wrote "retry_after=SECONDS" (which wins, capped at one hour).
 * RK_EXEC_BACKOFF_SCALE (a factor, e.g. 0.01) scales every delay, for tests.
 *
 * Failure: an action fails when its command exits non-zero, is killed, times
 * out (timeout_s: SIGTERM to its group, SIGKILL after kill_grace_s), cannot
 * be started, has no executor, or a before-hook fails. Its transitive
 * dependents are skipped. fail_fast stops starting new work after the first
 * failure (the rest is skipped, reason "fail-fast"); otherwise independent
 * branches run to the end.
 *
 * Hooks: {"kind":"config","rule":"hook","name":N,"events":[...],"handler":H}
 * where events are "before:TYPE", "after:TYPE", "on_failure" or
 * "on_failure:TYPE" (TYPE may be "*") and H is an argv array or a string (a
 * single program path, never a shell line). A hook runs synchronously with
 * the triggering event record on stdin ("started" for before, "succeeded"
 * for after, "failed" for on_failure), cwd the repository root, RK_HOOK_EVENT
 * and RK_ACTION_ID in its environment, output to a log in the run's scratch
 * directory. A failing before-hook fails the action (not retried); other
 * failing hooks only warn. Hooks do not run for cached actions.
 *
 * Signals: the first SIGINT/SIGTERM stops new work and sends SIGTERM to the
 * running process groups (SIGKILL after kill_grace_s, or at once on a second
 * signal); running actions end "failed" and unstarted ones "skipped", reason
 * "interrupted"; rk_sched_run then returns 128 + the signal number.
 * The handlers (and the self-pipe they write) are process-wide state, installed
 * for the duration of rk_sched_run only: one run at a time per process.
 */
#ifndef RK_SCHED_H
#define RK_SCHED_H

#include "rk_cache.h"
#include "rk_json.h"
#include "rk_msg.h"

struct rk_lock;

struct rk_sched_limit {
	char *name; /* owned */
	int max;
};

struct rk_sched_opts {
	int jobs;		       /* > 0 */
	int fail_fast;		       /* else continue on error */
	int no_cache;		       /* skip AC lookups */
	struct rk_sched_limit *limits; /* resource limits (borrowed) */
	size_t nlimits;
	struct rk_sched_limit *retries; /* per-type max retries (borrowed) */
	size_t nretries;
	int default_retries; /* < 0: 2 */
	long backoff_base_ms, backoff_max_ms;
	double kill_grace_s;
	const char *repo_root;	 /* absolute; cwd of actions and hooks */
	struct rk_cache *cache;	 /* required */
	const char *remote_url;	 /* NULL: from a release_train config record, if any */
	unsigned long long seed; /* jitter; 0: from the clock */
	/* Called with each event and the summary record (JSON, no '\n') just
	 * before it is written, e.g. for rk_progress; NULL: none. */
	void (*observe)(void *ctx, const char *rec, size_t len);
	void *observe_ctx;
	/* the repository lock held for the run (borrowed; may be NULL): the
	 * process groups of running commands are recorded in it, and it is
	 * released if the run dies (out of memory) */
	struct rk_lock *lock;
};

struct rk_sched;

struct rk_sched *rk_sched_new(const struct rk_sched_opts *opts);
void rk_sched_free(struct rk_sched *s);

/*
 * Look at one record (the current one of r). Returns 1 when it is an action
 * (taken; not to be passed through), 0 when it is not (hook and
 * release_train config records are noted, and still pass through), -1 on a
 * malformed action or hook (err filled, "<stdin>:LINE: ...").
 */
int rk_sched_add(struct rk_sched *s, const struct rk_ndjson *r, struct rk_err *err);

/* Check the DAG: 0, or -1 with err naming the offending record's line. */
int rk_sched_validate(struct rk_sched *s, struct rk_err *err);

/*
 * Run. Returns the exit code: 0 when every action succeeded or was cached,
 * 1 when any failed or was skipped, or the run's scratch directory (in
 * $TMPDIR) cannot be created (message printed), or stdout failed with an
 * error other than EPIPE (the run stops as on SIGTERM), 128+signal when
 * interrupted. A cache that cannot be written (read-only, full) is warned
 * about once and the run goes on without storing results.
 *
 * Secrets (rk_mask.h: the inherited environment's secret-looking
 * variables, every action's env values, the remote URL's credentials) are
 * masked in event fields, hook messages, warnings and the stored (and
 * uploaded) stdout/stderr logs, before anything is cut.
 */
int rk_sched_run(struct rk_sched *s);

#endif
