/*
 * options.h - rk-exec's command line: one table (cmd/rk-exec/options.c)
 * gives the --help text, the getopt options (and so --list-options and the
 * shell completions) and what each option does (lib/rk_cliopt.h).
 */
#ifndef RK_EXEC_OPTIONS_H
#define RK_EXEC_OPTIONS_H

#include "rk_cliopt.h"
#include "rk_progress.h"
#include "rk_sched.h"

struct ex_args {
	struct rk_sched_opts *o; /* filled: jobs, retries, limits, cache options, seed */
	struct rk_sched_limit *limits, *retries; /* owned */
	size_t nlimits, limcap, nretries, retcap;
	const char *cache_dir, *repo, *progress_arg, *show_key; /* borrowed from argv */
	int stats, prune;
	long long max_age, max_size; /* -1: not given */
	double lock_timeout;
	enum rk_progress_mode pmode;
	struct rk_cli cli;
	struct rk_cliopt_set set;
};

/*
 * Parse argv's options into a (o: the scheduler's options, defaults set by
 * the caller). A bad option or value is a usage error (one line, exit 2);
 * --help, --version, --list-options and -C are rk_cli's. optind is left at
 * the first operand.
 */
void ex_options(struct ex_args *a, struct rk_sched_opts *o, int argc, char **argv);

/* Free what ex_options allocated (the limits and the generated tables). */
void ex_args_release(struct ex_args *a);

#endif
