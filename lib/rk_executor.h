/*
 * rk_executor.h - rk-exec's built-in executors: one table, one context.
 *
 * An action record without "argv" whose type is in the table is run by
 * rk-exec (cmd/rk-exec/attempt.c) exactly like a command action, with the command
 *
 *     <rk-exec> --run-action FILE
 *
 * where FILE is the action record (one JSON line) written to the attempt's
 * scratch directory; cwd is the repository root; the environment carries
 * RK_ACTION_ID, RK_ATTEMPT and RK_RESULT_FILE as for any command. The
 * child (rk_executor_run_file) parses FILE, finds the executor by "type"
 * and calls its run() with a struct rk_xctx. So built-in actions get the
 * same process group, timeout, stdout/stderr logs in the CAS, retries and
 * result file as commands, and a SIGKILL of rk-exec ends them too.
 *
 * Table flags (../shared/design.md section 8, "the truth before the
 * cache"):
 *   effect     the action changes something (a file, a ref, a registry).
 *              It is never short-circuited by the action cache: run()
 *              always runs, asks the truth first and does nothing when the
 *              effect is already there (rk_xctx_note(x, "already done")).
 *   cacheable  a hit in the action cache stands for a run: its outputs
 *              (files named by output= in the result file) are restored
 *              from the CAS and run() is not called (build).
 * A type that is neither (poll, smoke_test, verify) always runs, and is
 * not looked up either. rk_sched looks the cache up for a typed action
 * only when its executor is cacheable, even when the action carries argv
 * (a user's override of a built-in type keeps the type's rules).
 *
 * The result file ($RK_RESULT_FILE, one "key=value" per line): besides
 * "retryable=true|false" and "retry_after=SECONDS" an executor writes
 *   output=PATH   a file (relative to the repository root) to store in the
 *                 CAS as one of the action's outputs (restored on a hit)
 *   note=TEXT     one line shown in the event's "note" (e.g. "already
 *                 published"); the last note wins
 * rk_xctx_output()/rk_xctx_note()/rk_xctx_retryable()/rk_xctx_retry_after()
 * append these lines at once (so they survive a later crash of run()).
 *
 * The log: an executor writes its log lines (a poll's attempts, what
 * verify checked, the smoke test's check) with rk_xctx_log() to x->log,
 * which the tool sets: rk-exec's child passes its stdout, the action's
 * stdout log in the CAS (not a record stream).
 *
 * Errors: run() returns 0 on success, or -1 with x->err set to one line
 * (naming the file, and line where known); rk_executor_run_file returns it
 * and rk-exec prints it on stderr (the event's stderr_tail) and the child
 * exits 1. Nothing here writes stdout but through x->log.
 *
 * Test hook (documented in rk-exec(1)): RK_TEST_KILL_AT=ACTION-ID:POINT
 * makes rk_xctx_killpoint(x, POINT) in that action's executor SIGKILL
 * rk-exec (its parent) and then itself, as a crash at that point would.
 * Points used by the prepare executors: "start" (before anything), "write"
 * (between two files of one action, after the first), "end" (all written,
 * before reporting), for pin "journal" (the journal written, the files
 * not), and for commit "objects" (tree and commit objects written, ref not
 * moved) and "ref" (ref moved, index not refreshed). The backends' own
 * RK_TEST_KILL_WRITE=N (rk_backend.h) kills the executor child alone just
 * before its N-th file write.
 */
#ifndef RK_EXECUTOR_H
#define RK_EXECUTOR_H

#include <stdbool.h>
#include <stdio.h>

#include "rk_buf.h"
#include "rk_json.h"
#include "rk_msg.h"

struct rk_xctx {
	const char *root;	 /* absolute repository root (the child's cwd) */
	const char *file;	 /* the action record's file (for messages) */
	const struct rk_json *a; /* the parsed action record; token 0 is the object */
	int params;		 /* token of the "params" object, or -1 */
	const char *id, *type;	 /* never NULL */
	const char *package, *ecosystem, *version; /* NULL when absent */
	int attempt;				   /* 1-based ($RK_ATTEMPT; 1 when unset) */
	const char *result_file;		   /* $RK_RESULT_FILE, or NULL */
	FILE *log;				   /* the action's log (rk_xctx_log), or NULL */
	struct rk_err err;			   /* set by run() on failure */
};

struct rk_executor {
	const char *type;
	int (*run)(struct rk_xctx *x);
	bool effect;
	bool cacheable;
};

/* The executor of an action type, or NULL. */
const struct rk_executor *rk_executor_find(const char *type);

/*
 * The child's side: read the action record in file, check it, run its
 * executor with root as the repository root and log as its log (borrowed;
 * NULL: none). Returns the exit code (0, or 1 with err set; 3 when the
 * file is not an action record of a known type).
 */
int rk_executor_run_file(const char *file, const char *root, FILE *log, struct rk_err *err);

/* Write to the action's log (x->log; nothing when NULL) and flush it; write errors are ignored. */
void rk_xctx_log(const struct rk_xctx *x, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Result-file writers: 0, or -1 with x->err set (the file cannot be written). */
int rk_xctx_output(struct rk_xctx *x, const char *path);
int rk_xctx_note(struct rk_xctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int rk_xctx_retryable(struct rk_xctx *x, bool retryable);
int rk_xctx_retry_after(struct rk_xctx *x, double seconds);

/*
 * Parameters (from "params"): a string, or NULL when absent or not a
 * string. rk_xctx_param_req() sets x->err ("FILE: action 'ID': params.KEY
 * must be a string") and returns NULL when it is missing.
 * rk_xctx_param_tok() returns the token of any value, or -1.
 */
const char *rk_xctx_param(const struct rk_xctx *x, const char *key);
const char *rk_xctx_param_req(struct rk_xctx *x, const char *key);
int rk_xctx_param_tok(const struct rk_xctx *x, const char *key);

/* The test hook above; returns only when it does not fire. */
void rk_xctx_killpoint(const struct rk_xctx *x, const char *point);

struct rk_http_wait;
/*
 * An rk_http on_wait callback for executors (ctx: the struct rk_xctx):
 * one stderr line per wait, "rk-exec: ID: waiting S s (REASON[, Retry-After])
 * after HTTP N from METHOD URL (attempt A)" (or "after ERROR from ...").
 */
void rk_xctx_http_wait(void *ctx, const struct rk_http_wait *w);

#endif
