/* options.c: rk-exec's options, one table (options.h). */
#include "rk_common.h"
#include "options.h"

static const char head[] =
	"usage: rk-exec [options] [FILE]\n"
	"       rk-exec --cache-stats\n"
	"       rk-exec --cache-prune [--max-age AGE] [--max-size SIZE]\n"
	"\n"
	"Run the action DAG read from FILE or stdin (NDJSON action records) with a\n"
	"content-addressed cache; write event records and a summary to stdout.\n"
	"Records that are not actions pass through unchanged, in order, once the\n"
	"input is read and checked (before any event; bad input writes nothing).\n"
	"\n";

static const char tail[] =
	"\n"
	"Exit: 0 all succeeded or cached, 1 an action failed or the lock is held,\n"
	"2 usage, 3 bad input, 130/143 interrupted by SIGINT/SIGTERM, 141 stdout\n"
	"closed. See rk-exec(1).\n";

/* "--name", for messages. */
static const char *optname(const struct rk_cliopt *o, char *buf, size_t n)
{
	snprintf(buf, n, "--%s", o->name);
	return buf;
}

/* "NAME=N" into a limit; name may be absent for --retries N. */
static void parse_limit(const struct rk_cli *cli, const char *opt, const char *val, int need_name,
			struct rk_sched_limit **arr, size_t *n, size_t *cap, int *plain)
{
	const char *eq = strrchr(val, '=');
	long v;

	if (!eq) {
		if (need_name || !plain)
			rk_cli_usage_error(cli, "%s: expected NAME=N, got '%s'", opt, val);
		*plain = (int)rk_cli_long(cli, opt, val, 0, 100);
		return;
	}
	if (eq == val)
		rk_cli_usage_error(cli, "%s: empty name in '%s'", opt, val);
	v = rk_cli_long(cli, opt, eq + 1, need_name ? 1 : 0, need_name ? 100000 : 100);
	RK_GROW(*arr, *cap, *n + 1);
	(*arr)[*n].name = rk_xstrndup(val, (size_t)(eq - val));
	(*arr)[*n].max = (int)v;
	(*n)++;
}

struct unit {
	char c;
	long long mult;
};

/*
 * "<digits>[unit[tail]]" -> digits times the unit's multiplier (1 without
 * a unit); -1 if malformed or above max. tail (or 0) may follow a unit: "10KB".
 */
static long long parse_scaled(const char *s, const struct unit *units, char unit_tail,
			      long long max)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || v < 0 || v > max)
		return -1;
	if (!*end)
		return v;
	for (; units->c && units->c != *end; units++)
		;
	if (!units->c || (end[1] && !(unit_tail && end[1] == unit_tail && !end[2])))
		return -1;
	if (v > max / units->mult)
		return -1; /* what would overflow, or is beyond any sensible bound */
	return v * units->mult;
}

/* "7d", "12h", "30m", "45s", "90" -> seconds; -1 if malformed. */
static long long parse_age(const char *s)
{
	static const struct unit u[] = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}, {0, 0}};

	return parse_scaled(s, u, 0, 100LL * 365 * 86400); /* a century */
}

/* "1G", "500M", "10K", "10KB", "123" -> bytes; -1 if malformed. */
static long long parse_size(const char *s)
{
	static const struct unit u[] = {
		{'K', 1LL << 10}, {'k', 1LL << 10}, {'M', 1LL << 20}, {'G', 1LL << 30}, {0, 0}};

	return parse_scaled(s, u, 'B', 1LL << 62);
}

static void opt_jobs(const struct rk_cli *cli, const struct rk_cliopt *o, const char *arg)
{
	struct ex_args *a = o->dst;

	a->o->jobs = (int)rk_cli_long(cli, "--jobs", arg, 1, 100000);
}

static void opt_limit(const struct rk_cli *cli, const struct rk_cliopt *o, const char *arg)
{
	struct ex_args *a = o->dst;

	parse_limit(cli, "--limit", arg, 1, &a->limits, &a->nlimits, &a->limcap, NULL);
}

static void opt_retries(const struct rk_cli *cli, const struct rk_cliopt *o, const char *arg)
{
	struct ex_args *a = o->dst;

	parse_limit(cli, "--retries", arg, 0, &a->retries, &a->nretries, &a->retcap,
		    &a->o->default_retries);
}

/* --backoff-base-ms, --backoff-max-ms: dst is the long to set */
static void opt_ms(const struct rk_cli *cli, const struct rk_cliopt *o, const char *arg)
{
	char name[64];

	*(long *)o->dst = rk_cli_long(cli, optname(o, name, sizeof(name)), arg, 1, 86400000);
}

/* --kill-grace, --lock-timeout: seconds, (0 or above val/1000, at most dst's bound) */
static void opt_seconds(const struct rk_cli *cli, const struct rk_cliopt *o, const char *arg)
{
	char name[64], *end;
	double v = strtod(arg, &end);
	/* written so that NaN fails too */
	int ok = o->val ? v > 0 && v <= 3600 : v >= 0 && v <= 86400;

	if (*end || end == arg || !ok)
		rk_cli_usage_error(cli, "%s: expected seconds, got '%s'",
				   optname(o, name, sizeof(name)), arg);
	*(double *)o->dst = v;
}

static void opt_seed(const struct rk_cli *cli, const struct rk_cliopt *o, const char *arg)
{
	struct ex_args *a = o->dst;

	a->o->seed = (unsigned long long)rk_cli_long(cli, "--seed", arg, 1, 2147483647);
}

static void opt_progress(const struct rk_cli *cli, const struct rk_cliopt *o, const char *arg)
{
	struct ex_args *a = o->dst;

	a->progress_arg = arg;
	if (rk_progress_parse_mode(arg, 2, &a->pmode) != 0)
		rk_cli_usage_error(cli, "--progress: expected auto, live, plain or none, got '%s'",
				   arg);
}

static void opt_max_age(const struct rk_cli *cli, const struct rk_cliopt *o, const char *arg)
{
	struct ex_args *a = o->dst;

	a->max_age = parse_age(arg);
	if (a->max_age < 0)
		rk_cli_usage_error(cli, "--max-age: expected e.g. 7d, 12h, 30m, got '%s'", arg);
}

static void opt_max_size(const struct rk_cli *cli, const struct rk_cliopt *o, const char *arg)
{
	struct ex_args *a = o->dst;

	a->max_size = parse_size(arg);
	if (a->max_size < 0)
		rk_cli_usage_error(cli, "--max-size: expected e.g. 1G, 500M, got '%s'", arg);
}

void ex_options(struct ex_args *a, struct rk_sched_opts *o, int argc, char **argv)
{
	const struct rk_cliopt opts[] = {
		{'j', "jobs", "N", "run at most N actions at once (default: CPUs)", opt_jobs, a, 0},
		{0, "limit", "NAME=N", "at most N at once of action type or resource NAME",
		 opt_limit, a, 0},
		{0, "retries", "[TYPE=]N", "retries of retryable failures (default 2)", opt_retries,
		 a, 0},
		{0, "backoff-base-ms", "MS", "first retry delay bound (default 1000)", opt_ms,
		 &o->backoff_base_ms, 0},
		{0, "backoff-max-ms", "MS", "retry delay cap (default 60000)", opt_ms,
		 &o->backoff_max_ms, 0},
		{0, "kill-grace", "S", "seconds between SIGTERM and SIGKILL (default 5)",
		 opt_seconds, &o->kill_grace_s, 1},
		{0, "fail-fast", NULL, "start nothing new after the first failure", rk_cliopt_flag,
		 &o->fail_fast, 1},
		{0, "continue-on-error", NULL, "let independent branches finish (default)",
		 rk_cliopt_flag, &o->fail_fast, 0},
		{0, "no-cache", NULL, "do not look actions up in the cache", rk_cliopt_flag,
		 &o->no_cache, 1},
		{0, "cache-dir", "DIR",
		 "the cache (default $RK_CACHE_DIR, else\n${XDG_CACHE_HOME:-$HOME/.cache}/releasekit)",
		 rk_cliopt_string, &a->cache_dir, 0},
		{0, "remote-cache", "URL", "Bazel HTTP cache (e.g. bazel-remote) to share with",
		 rk_cliopt_string, &o->remote_url, 0},
		RK_CLIOPT_CHDIR_ROW,
		{0, "repo", "DIR", "repository root (default: git root of the cwd)",
		 rk_cliopt_string, &a->repo, 0},
		{0, "lock-timeout", "S",
		 "wait up to S seconds for the repository lock\n(default 0: fail at once)",
		 opt_seconds, &a->lock_timeout, 0},
		{0, "seed", "N", "seed of the retry jitter", opt_seed, a, 0},
		{0, "progress", "MODE",
		 "progress on stderr: auto (live on a terminal, else\nplain lines), live, plain, "
		 "none (default\n$RK_PROGRESS, else auto)",
		 opt_progress, a, 0},
		{0, "cache-stats", NULL, "print the cache's size and entries, and exit",
		 rk_cliopt_flag, &a->stats, 1},
		{0, "cache-prune", NULL, "remove old entries (--max-age 30d, --max-size 10G)",
		 rk_cliopt_flag, &a->prune, 1},
		{0, "cache-show", "KEY",
		 "print the action cache entry KEY: lines 'stdout\nDIGEST SIZE', 'stderr DIGEST "
		 "SIZE', 'output DIGEST\nSIZE PATH' (exit 1 when there is none)",
		 rk_cliopt_string, &a->show_key, 0},
		{0, "max-age", "AGE", "prune entries unused for AGE (s, m, h, d)", opt_max_age, a,
		 0},
		{0, "max-size", "SIZE", "prune least recently used entries above SIZE (K, M, G)",
		 opt_max_size, a, 0},
		RK_CLIOPT_HELP_ROWS,
		RK_CLIOPT_END(0),
	};

	a->o = o;
	a->max_age = a->max_size = -1;
	a->pmode = RK_PROGRESS_NONE;
	rk_cliopt_init(&a->cli, &a->set, opts, head, tail, argc, argv);
	rk_cliopt_parse(&a->cli, opts);
}

void ex_args_release(struct ex_args *a)
{
	for (size_t i = 0; i < a->nlimits; i++)
		free(a->limits[i].name);
	free(a->limits);
	for (size_t i = 0; i < a->nretries; i++)
		free(a->retries[i].name);
	free(a->retries);
	a->limits = a->retries = NULL;
	rk_cliopt_release(&a->set);
}
