/*
 * rk_sched.h - the action DAG behind rk-exec: its intake.
 *
 * Input: action records (share/schemas/action.schema.json) and config
 * records, fed one at a time with rk_sched_add() (which rejects a malformed
 * action or hook and a duplicate id); then rk_sched_validate() resolves the
 * dependencies and checks the DAG (unknown or self dependencies, cycles:
 * rk_topo, iterative, so any depth works) and computes each action's height
 * (the ready queue's priority). Nothing here runs a command, writes stdout or
 * exits: errors come back in struct rk_err.
 *
 * The run (rk_sched_run: scheduling, the cache, commands, retries, hooks,
 * signals, events on stdout) is rk-exec's own body, in cmd/rk-exec/
 * (cmd/rk-exec/exec.h documents it); it shares this state through
 * lib/rk_sched_int.h.
 *
 * Ownership: rk_sched_new copies opts (the pointers in it stay borrowed);
 * rk_sched_free releases everything the scheduler allocated.
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
 * malformed action or hook, or an id seen before (err filled, at
 * r->source:LINE).
 */
int rk_sched_add(struct rk_sched *s, const struct rk_ndjson *r, struct rk_err *err);

/*
 * Resolve the dependencies and check the DAG: 0, or -1 with err at the
 * offending record's line (the source of the last record added, else
 * "<stdin>"): an unknown dependency, one on itself, or a cycle ("dependency
 * cycle: a -> c -> b -> a", at the latest line among its actions). Call once.
 */
int rk_sched_validate(struct rk_sched *s, struct rk_err *err);

#endif
