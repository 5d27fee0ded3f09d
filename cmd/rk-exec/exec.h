/*
 * exec.h - the parts of rk-exec's run (rk_sched_run), one file per idea.
 *
 * Internal to rk-exec: these functions share the scheduler's state
 * (struct rk_sched, lib/rk_sched_int.h) and write events to stdout, so
 * they live in the tool layer, not in lib/. Every function here runs on
 * the scheduler's thread, except the writer thread's body (writer.c) and
 * the signal handler (ex_on_signal), which only writes to the pipes.
 *
 * The run, rk_sched_run (after rk_sched_validate, lib/rk_sched.h):
 *
 * Scheduling: an action is ready as soon as all its deps succeeded (or were
 * cached); there are no level barriers. Ready actions start highest first
 * (height: the number of actions on the longest chain from it to the end of
 * the DAG; ties in input order) while fewer than `jobs` run and the
 * per-resource limits allow: an action
 * counts against the limit named by its type and against the one named by
 * its "resource" field (e.g. --limit publish=2, --limit registry:pypi=1).
 * When a command ends, what it made ready starts at once, before the next
 * ended command is recorded (the critical path never waits behind its
 * siblings' bookkeeping); the lock's list of process groups is rewritten
 * once a pass of the loop, not once a command.
 * The loop is event-driven: it sleeps in poll(2) on a self-pipe written by
 * the SIGCHLD / SIGINT / SIGTERM handlers, with the nearest timeout,
 * kill-escalation or retry time as poll's timeout; it never sleep-polls.
 *
 * Cache: before an action is queued its key is looked up (see the cache
 * policy by type below) in the AC (local,
 * then the remote, read-through); a hit whose blobs are present is reported
 * "cached" and counts as success. A successful command's stdout, stderr and
 * declared outputs go to the CAS and its result to the AC, and (write-behind)
 * to the remote at the end of the run. Failed results are not cached.
 * no_cache skips the lookups (results are still stored). Cache writes are
 * made on a writer thread (outputs are copied and hashed when the command
 * ends, then adopted there), in batches made durable by one syncfs(2) each
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
 * "on_failure:TYPE" (TYPE may be "*") and H is an argv array (the config
 * schema's: RELEASE.star turns a string into ["/bin/sh", "-c", string]);
 * name, events and handler are needed (rk_record_need). A hook runs synchronously with
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
#ifndef RK_EXEC_H
#define RK_EXEC_H

#include "rk_sched_int.h"

extern char **environ;

struct evinfo {
	const char *state;     /* event state name */
	int attempt;	       /* 0: omitted */
	long long duration_ms; /* < 0: omitted */
	const struct rk_proc_result *res;
	const char *stdout_digest, *stderr_digest;
	long long stdout_size, stderr_size;
	const char *stderr_tail, *stdout_tail;
	const char *reason;
	const char *cause;
	long long retry_in_ms; /* < 0: omitted */
	const struct rk_ac_result *outputs;
	const char *note; /* the executor's note= line */
};

/* writer.c: the cache writer thread (CAS adoptions and AC writes, in order, batched) */
void ex_writer_ac(struct writer *w, const char *id, const char *key, struct rk_buf *data);
void ex_writer_adopt(struct writer *w, const char *id, const char *path, const char *hex);
void ex_writer_finish(struct writer *w);
void ex_writer_start(struct writer *w, struct rk_cache *c);

/* events.c: event records (built, masked, observed, written to stdout) */
void ex_build_event(struct rk_sched *s, const struct act *a, const struct evinfo *e,
		    struct rk_buf *out);
void ex_emit(struct rk_sched *s, const struct act *a, const struct evinfo *e);
void ex_emit_flush(struct rk_sched *s);
void ex_emit_simple(struct rk_sched *s, const struct act *a, const char *state, int attempt,
		    const char *reason, const char *cause);
void ex_signame(int sig, char *out, size_t n);

/* hooks.c: hook config rules run around actions */
int ex_has_hooks(const struct rk_sched *s, const char *when, const char *type);
int ex_read_tail(const char *path, size_t max, struct rk_buf *b);
int ex_run_hooks(struct rk_sched *s, const struct act *a, const char *when,
		 const struct rk_buf *event, struct rk_buf *why);

/* transitions.c: state changes: cache hits, ready, success, failure, skips */
void ex_fail_now(struct rk_sched *s, int i, const struct evinfo *e);
void ex_finish_ok(struct rk_sched *s, int i);
void ex_make_ready(struct rk_sched *s, int i);
void ex_skip_dependents(struct rk_sched *s, int i, const char *reason, const char *cause);

/* heap.c: the ready queue, a heap by height (descending), then input order */
int ex_ready_pop(struct rk_sched *s);
void ex_ready_push(struct rk_sched *s, int i);

/* attempt.c: running one attempt of an action and recording its result */
void ex_finish_attempt(struct rk_sched *s, int i, const struct rk_proc_result *res,
		       const char *fail_reason);
int ex_resources_free(const struct rk_sched *s, const struct act *a);
void ex_resources_take(struct rk_sched *s, const struct act *a, int delta);
void ex_start(struct rk_sched *s, int i);

/* upload.c: write-behind to the remote cache; the scratch directory */
void ex_remove_flat_dir(const char *dir);
void ex_upload_one(struct rk_sched *s, const char *key);

/* signals.c: signal handlers, the self-pipes, the lock's process groups, dying cleanly */
extern int ex_sig_pipe[2];  /* written by every handled signal */
extern int ex_stop_pipe[2]; /* by SIGINT/SIGTERM and a stdout error only */
extern volatile sig_atomic_t ex_got_signal;
void ex_note_groups(struct rk_sched *s);
void ex_on_die(void *ctx);
void ex_on_epipe(void *ctx);
void ex_on_signal(int sig);
void ex_remove_running(struct rk_sched *s, size_t k);
void ex_set_nonblock_cloexec(int fd);

/* run.c: the event loop */
/*
 * Run. Returns the exit code: 0 when every action succeeded or was cached,
 * 1 when any failed or was skipped, or the run's scratch directory (in
 * $TMPDIR) cannot be created (message printed), or stdout failed with an
 * error other than EPIPE (the run stops as on SIGTERM), 128+signal when
 * interrupted (a closed stdout, EPIPE, counts as SIGPIPE: 141). It writes
 * the events and the summary to stdout, warnings to stderr, and dies
 * (rk_die, after stopping the commands and releasing the lock) only when
 * it cannot make its self-pipes. A cache that cannot be written (read-only, full) is warned
 * about once and the run goes on without storing results.
 *
 * Secrets (rk_mask.h: the inherited environment's secret-looking
 * variables, every action's env values, the remote URL's credentials) are
 * masked in event fields, hook messages, warnings and the stored (and
 * uploaded) stdout/stderr logs, before anything is cut.
 */
int rk_sched_run(struct rk_sched *s);

#endif
