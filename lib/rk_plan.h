/*
 * rk_plan.h - decide versions, changelogs and the action DAG (rk-plan).
 *
 * rk_plan_run() reads the record stream (package records from rk-discover
 * / rk-graph, config records from rk-config), passes every record through
 * unchanged and in order, and then writes one "release" record per package
 * that will be released (all packages with --all) followed by the
 * "action" records of the DAG (rk_actions.h). See rk-plan(1) for the
 * rules; in short:
 *
 *   current   the highest version among the package's tags (tag_format),
 *             stable releases only; the manifest version when untagged
 *   changes   commits since that tag touching the package's directory or
 *             extra paths (one history walk, rk_history.h), Conventional
 *             Commits (rk_conventional.h), plan files (rk_planfile.h)
 *   strategy  independent, fixed or per-group lockstep; dependents of a
 *             released package get the propagate bump (default patch)
 *   channel   latest/next (stable), alpha/beta/rc/canary/custom
 *             (pre-release with a counter continuing from existing tags),
 *             nightly (date-stamped), snapshot (never published)
 *
 * Bad input (a malformed record, plan file or config value) dies with
 * "source:line: reason" and exit 3 (rk_die_err); git failures die with
 * exit 1.
 */
#ifndef RK_PLAN_H
#define RK_PLAN_H

#include <stdbool.h>
#include <stdio.h>

struct rk_plan_opts {
	const char *repo;	/* -C: repository directory (NULL: current directory) */
	const char *channel;	/* --channel (NULL: branch_channel / release_train / latest) */
	const char *prerelease; /* --prerelease TOKEN */
	const char *branch;	/* --branch: branch name for branch_channel (NULL: HEAD's) */
	const char *date;	/* --date YYYYMMDD (NULL: SOURCE_DATE_EPOCH or today, UTC) */
	const char *plans_dir;	/* --plans-dir (NULL: config plans_dir or .releasekit/plans) */
	bool all;		/* --all: a release record for every package */
	bool no_actions;	/* --no-actions */
	bool stats;		/* --stats: history counters on stderr */
};

/* Returns the exit code (0); dies on bad input or git failures. */
int rk_plan_run(const struct rk_plan_opts *o, FILE *in, const char *source);

#endif
