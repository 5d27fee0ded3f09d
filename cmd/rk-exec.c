/* rk-exec: run the action DAG with a content-addressed cache; emit events. */
#include "rk_common.h"

#include <signal.h>
#include <fcntl.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "rk_cache.h"
#include "rk_cli.h"
#include "rk_executor.h"
#include "rk_journal.h"
#include "rk_json.h"
#include "rk_lock.h"
#include "rk_progress.h"
#include "rk-exec/exec.h"

static const char usage[] =
	"usage: rk-exec [options] [FILE]\n"
	"       rk-exec --cache-stats\n"
	"       rk-exec --cache-prune [--max-age AGE] [--max-size SIZE]\n"
	"\n"
	"Run the action DAG read from FILE or stdin (NDJSON action records) with a\n"
	"content-addressed cache; write event records and a summary to stdout.\n"
	"Records that are not actions pass through unchanged, in order, once the\n"
	"input is read and checked (before any event; bad input writes nothing).\n"
	"\n"
	"  -j, --jobs N              run at most N actions at once (default: CPUs)\n"
	"      --limit NAME=N        at most N at once of action type or resource NAME\n"
	"      --retries [TYPE=]N    retries of retryable failures (default 2)\n"
	"      --backoff-base-ms MS  first retry delay bound (default 1000)\n"
	"      --backoff-max-ms MS   retry delay cap (default 60000)\n"
	"      --kill-grace S        seconds between SIGTERM and SIGKILL (default 5)\n"
	"      --fail-fast           start nothing new after the first failure\n"
	"      --continue-on-error   let independent branches finish (default)\n"
	"      --no-cache            do not look actions up in the cache\n"
	"      --cache-dir DIR       the cache (default $RK_CACHE_DIR, else\n"
	"                            ${XDG_CACHE_HOME:-$HOME/.cache}/releasekit)\n"
	"      --remote-cache URL    Bazel HTTP cache (e.g. bazel-remote) to share with\n"
	"  -C DIR                    run as if started in DIR\n"
	"      --repo DIR            repository root (default: git root of the cwd)\n"
	"      --lock-timeout S      wait up to S seconds for the repository lock\n"
	"                            (default 0: fail at once)\n"
	"      --seed N              seed of the retry jitter\n"
	"      --progress MODE       progress on stderr: auto (live on a terminal, else\n"
	"                            plain lines), live, plain, none (default\n"
	"                            $RK_PROGRESS, else auto)\n"
	"      --cache-stats         print the cache's size and entries, and exit\n"
	"      --cache-prune         remove old entries (--max-age 30d, --max-size 10G)\n"
	"      --cache-show KEY      print the action cache entry KEY: lines 'stdout\n"
	"                            DIGEST SIZE', 'stderr DIGEST SIZE', 'output DIGEST\n"
	"                            SIZE PATH' (exit 1 when there is none)\n"
	"      --max-age AGE         prune entries unused for AGE (s, m, h, d)\n"
	"      --max-size SIZE       prune least recently used entries above SIZE (K, M, G)\n"
	"  -h, --help                show this help and exit\n"
	"      --version             print the version and exit\n"
	"\n"
	"Exit: 0 all succeeded or cached, 1 an action failed or the lock is held,\n"
	"2 usage, 3 bad input, 130/143 interrupted by SIGINT/SIGTERM, 141 stdout\n"
	"closed. See rk-exec(1).\n";

enum {
	O_LIMIT = 256,
	O_RETRIES,
	O_BASE,
	O_MAX,
	O_GRACE,
	O_FAILFAST,
	O_CONTINUE,
	O_NOCACHE,
	O_CACHEDIR,
	O_REMOTE,
	O_REPO,
	O_LOCKTIMEOUT,
	O_SEED,
	O_STATS,
	O_PRUNE,
	O_MAXAGE,
	O_MAXSIZE,
	O_PROGRESS,
	O_SHOW,
};

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

static void free_limits(struct rk_sched_limit *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

struct unit {
	char c;
	long long mult;
};

/*
 * "<digits>[unit[tail]]" -> digits times the unit's multiplier (1 without
 * a unit); -1 if malformed or above max. tail (or 0) may follow a unit: "10KB".
 */
static long long parse_scaled(const char *s, const struct unit *units, char tail, long long max)
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
	if (!units->c || (end[1] && !(tail && end[1] == tail && !end[2])))
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

/*
 * The hidden internal mode: rk-exec --run-action FILE runs the built-in
 * executor of the action record in FILE, at the repository root (the cwd
 * the scheduler gives it). See rk_executor.h.
 */
static int run_action(const char *file)
{
	struct rk_buf root = RK_BUF_INIT;
	struct rk_err err = {0};
	int rc;

#ifdef __linux__
	/* children die with rk-exec: a killed run leaves no executor writing behind it */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		rk_die(RK_EXIT_FAIL, "rk-exec is gone: not running %s", file);
#endif
	if (rk_repo_root(".", &root) != 0)
		rk_die(RK_EXIT_FAIL, "cannot find the repository root: %s", strerror(errno));
	rc = rk_executor_run_file(file, root.data, &err);
	if (rc && err.source)
		rk_err_print(&err);
	else if (rc)
		rk_error("%s", err.msg);
	rk_buf_release(&root);
	return rk_finish(rc);
}

/* Open the cache or die naming its directory. */
static void cache_open(struct rk_cache *c, const char *dir)
{
	struct rk_buf d = RK_BUF_INIT;
	int e;

	if (rk_cache_open(c, dir) == 0)
		return;
	e = errno;
	if (!dir && rk_cache_default_root(&d) != 0)
		rk_die(RK_EXIT_FAIL,
		       "no cache directory: set RK_CACHE_DIR, XDG_CACHE_HOME or HOME");
	rk_die(RK_EXIT_FAIL, "cannot open the cache %s: %s", dir ? dir : d.data, strerror(e));
}

static int cache_admin(const char *dir, int stats, long long max_age, long long max_size)
{
	struct rk_cache c;
	struct rk_buf out = RK_BUF_INIT;

	cache_open(&c, dir);
	if (!stats) {
		long long removed = 0, freed = 0;
		if (rk_cache_prune(&c, max_age, max_size, &removed, &freed) != 0)
			rk_die(RK_EXIT_FAIL, "pruning %s: %s", c.root, strerror(errno));
		rk_buf_addf(&out, "pruned %lld entries, %lld bytes\n", removed, freed);
	}
	{
		struct rk_cache_stats st;
		if (rk_cache_stats(&c, &st) != 0)
			rk_die(RK_EXIT_FAIL, "reading %s: %s", c.root, strerror(errno));
		rk_buf_addf(&out,
			    "cache: %s\n"
			    "cas: %lld blobs, %lld bytes\n"
			    "ac: %lld entries, %lld bytes\n"
			    "total: %lld bytes\n"
			    "scratch: %lld bytes\n"
			    "oldest: %lld s\n",
			    c.root, st.cas_entries, st.cas_bytes, st.ac_entries, st.ac_bytes,
			    st.cas_bytes + st.ac_bytes, st.tmp_bytes, st.oldest_s);
	}
	rk_out(out.data, out.len);
	rk_buf_release(&out);
	rk_cache_release(&c);
	return rk_finish(0);
}

/* --cache-show KEY: the digests an action cache entry names. */
static int cache_show(const char *dir, const char *key)
{
	struct rk_buf raw = RK_BUF_INIT, out = RK_BUF_INIT;
	struct rk_ac_result res;
	struct rk_cache c;
	int rc;

	cache_open(&c, dir);
	rc = rk_cache_get_ac(&c, key, &raw);
	if (rc == 0)
		rk_die(RK_EXIT_FAIL, "no action cache entry %s in %s", key, c.root);
	if (rc < 0 || rk_ac_decode(raw.data, raw.len, &res) != 0)
		rk_die(RK_EXIT_FAIL, "cannot read the action cache entry %s in %s: %s", key, c.root,
		       strerror(errno));
	rk_buf_addf(&out, "stdout %s %lld\nstderr %s %lld\n", res.stdout_digest, res.stdout_size,
		    res.stderr_digest, res.stderr_size);
	for (size_t i = 0; i < res.nfiles; i++)
		rk_buf_addf(&out, "output %s %lld %s\n", res.files[i].digest, res.files[i].size,
			    res.files[i].path);
	rk_out(out.data, out.len);
	rk_ac_result_release(&res);
	rk_buf_release(&raw);
	rk_buf_release(&out);
	rk_cache_release(&c);
	return rk_finish(0);
}

/*
 * The progress display on stderr (--progress, else $RK_PROGRESS, else
 * auto). A live display on a terminal stdout replaces the NDJSON there
 * (records are for pipes and files; the display is for people).
 */
static struct rk_progress *progress_open(const char *arg, enum rk_progress_mode mode,
					 struct rk_sched_opts *o)
{
	const char *env = getenv("RK_PROGRESS"), *nc = getenv("NO_COLOR");
	struct rk_progress *p;

	if (!arg && env && *env && rk_progress_parse_mode(env, 2, &mode) != 0)
		rk_die(RK_EXIT_USAGE, "RK_PROGRESS: expected auto, live, plain or none, got '%s'",
		       env);
	if (!arg && !(env && *env))
		rk_progress_parse_mode("auto", 2, &mode);
	p = rk_progress_new(2, mode, !(nc && *nc));
	if (mode != RK_PROGRESS_NONE) {
		o->observe = rk_progress_record;
		o->observe_ctx = p;
	}
	if (mode == RK_PROGRESS_LIVE && isatty(1)) {
		int fd = open("/dev/null", O_WRONLY);
		if (fd >= 0) {
			fflush(stdout);
			dup2(fd, 1);
			close(fd);
		}
	}
	return p;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"jobs", required_argument, NULL, 'j'},
		{"limit", required_argument, NULL, O_LIMIT},
		{"retries", required_argument, NULL, O_RETRIES},
		{"backoff-base-ms", required_argument, NULL, O_BASE},
		{"backoff-max-ms", required_argument, NULL, O_MAX},
		{"kill-grace", required_argument, NULL, O_GRACE},
		{"fail-fast", no_argument, NULL, O_FAILFAST},
		{"continue-on-error", no_argument, NULL, O_CONTINUE},
		{"no-cache", no_argument, NULL, O_NOCACHE},
		{"cache-dir", required_argument, NULL, O_CACHEDIR},
		{"remote-cache", required_argument, NULL, O_REMOTE},
		{"repo", required_argument, NULL, O_REPO},
		{"lock-timeout", required_argument, NULL, O_LOCKTIMEOUT},
		{"seed", required_argument, NULL, O_SEED},
		{"cache-stats", no_argument, NULL, O_STATS},
		{"cache-prune", no_argument, NULL, O_PRUNE},
		{"max-age", required_argument, NULL, O_MAXAGE},
		{"max-size", required_argument, NULL, O_MAXSIZE},
		{"progress", required_argument, NULL, O_PROGRESS},
		{"cache-show", required_argument, NULL, O_SHOW},
		{NULL, 0, NULL, 0}};
	struct rk_cli cli = {usage, "j:", longopts, argc, argv};
	struct rk_sched_opts o = {0};
	struct rk_sched_limit *limits = NULL, *retries = NULL;
	size_t nlimits = 0, limcap = 0, nretries = 0, retcap = 0;
	const char *cache_dir = NULL, *repo = NULL, *input = NULL;
	int stats = 0, prune = 0, rc, c;
	long long max_age = -1, max_size = -1;
	double lock_timeout = 0;
	struct rk_cache cache;
	struct rk_buf root = RK_BUF_INIT, who = RK_BUF_INIT, pass = RK_BUF_INIT;
	struct rk_ndjson r;
	struct rk_progress *prog;
	enum rk_progress_mode pmode = RK_PROGRESS_NONE;
	const char *progress_arg = NULL, *show_key = NULL;
	struct rk_err err;
	struct rk_sched *s;
	struct rk_lock lock = {0};
	FILE *fp = stdin;

	rk_msg_init(argv[0]);
	rk_msg_epipe_status(141); /* a closed stdout stops the run: rk-exec(1) */
	if (argc == 3 && strcmp(argv[1], "--run-action") == 0)
		return run_action(argv[2]);
	o.default_retries = -1;
	o.jobs = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (o.jobs < 1)
		o.jobs = 1;
	while ((c = rk_cli_next(&cli)) != -1) {
		char *end;
		switch (c) {
		case 'j':
			o.jobs = (int)rk_cli_long(&cli, "--jobs", optarg, 1, 100000);
			break;
		case O_LIMIT:
			parse_limit(&cli, "--limit", optarg, 1, &limits, &nlimits, &limcap, NULL);
			break;
		case O_RETRIES:
			parse_limit(&cli, "--retries", optarg, 0, &retries, &nretries, &retcap,
				    &o.default_retries);
			break;
		case O_BASE:
			o.backoff_base_ms =
				rk_cli_long(&cli, "--backoff-base-ms", optarg, 1, 86400000);
			break;
		case O_MAX:
			o.backoff_max_ms =
				rk_cli_long(&cli, "--backoff-max-ms", optarg, 1, 86400000);
			break;
		case O_GRACE:
			o.kill_grace_s = strtod(optarg, &end);
			/* written so that NaN fails too */
			if (*end || end == optarg ||
			    !(o.kill_grace_s > 0 && o.kill_grace_s <= 3600))
				rk_cli_usage_error(&cli, "--kill-grace: expected seconds, got '%s'",
						   optarg);
			break;
		case O_FAILFAST:
			o.fail_fast = 1;
			break;
		case O_CONTINUE:
			o.fail_fast = 0;
			break;
		case O_NOCACHE:
			o.no_cache = 1;
			break;
		case O_CACHEDIR:
			cache_dir = optarg;
			break;
		case O_REMOTE:
			o.remote_url = optarg;
			break;
		case O_REPO:
			repo = optarg;
			break;
		case O_LOCKTIMEOUT:
			lock_timeout = strtod(optarg, &end);
			if (*end || end == optarg || !(lock_timeout >= 0 && lock_timeout <= 86400))
				rk_cli_usage_error(
					&cli, "--lock-timeout: expected seconds, got '%s'", optarg);
			break;
		case O_SEED:
			o.seed = (unsigned long long)rk_cli_long(&cli, "--seed", optarg, 1,
								 2147483647);
			break;
		case O_STATS:
			stats = 1;
			break;
		case O_PRUNE:
			prune = 1;
			break;
		case O_MAXAGE:
			max_age = parse_age(optarg);
			if (max_age < 0)
				rk_cli_usage_error(
					&cli, "--max-age: expected e.g. 7d, 12h, 30m, got '%s'",
					optarg);
			break;
		case O_SHOW:
			show_key = optarg;
			break;
		case O_PROGRESS:
			progress_arg = optarg;
			if (rk_progress_parse_mode(optarg, 2, &pmode) != 0)
				rk_cli_usage_error(
					&cli,
					"--progress: expected auto, live, plain or none, got '%s'",
					optarg);
			break;
		case O_MAXSIZE:
			max_size = parse_size(optarg);
			if (max_size < 0)
				rk_cli_usage_error(&cli,
						   "--max-size: expected e.g. 1G, 500M, got '%s'",
						   optarg);
			break;
		}
	}
	if (!prune && (max_age >= 0 || max_size >= 0))
		rk_cli_usage_error(&cli, "--max-age and --max-size go with --cache-prune");
	if (show_key) {
		if (optind < argc)
			rk_cli_usage_error(&cli, "unexpected argument '%s'", argv[optind]);
		if (!rk_cache_is_hex(show_key))
			rk_cli_usage_error(&cli,
					   "--cache-show: expected a 64-digit hex key, got '%s'",
					   show_key);
		return cache_show(cache_dir, show_key);
	}
	if (stats || prune) {
		if (optind < argc)
			rk_cli_usage_error(&cli, "unexpected argument '%s'", argv[optind]);
		if (prune && max_age < 0 && max_size < 0)
			rk_cli_usage_error(&cli, "--cache-prune needs --max-age or --max-size");
		free_limits(limits, nlimits);
		free_limits(retries, nretries);
		return cache_admin(cache_dir, !prune, max_age, max_size);
	}
	input = rk_cli_input(&cli);
	if (input) {
		fp = rk_fopen_regular(input);
		if (!fp)
			rk_die(RK_EXIT_USAGE, "cannot open %s: %s", input, rk_strerror(errno));
	}

	if (rk_repo_root(repo ? repo : ".", &root) != 0)
		rk_die(RK_EXIT_USAGE, "--repo %s: %s", repo ? repo : ".", strerror(errno));
	cache_open(&cache, cache_dir);
	o.cache = &cache;
	o.repo_root = root.data;
	o.limits = limits;
	o.nlimits = nlimits;
	o.retries = retries;
	o.nretries = nretries;
	prog = progress_open(progress_arg, pmode, &o);
	o.lock = &lock;
	s = rk_sched_new(&o);

	rk_ndjson_init(&r, fp, input ? input : "<stdin>");
	while ((rc = rk_ndjson_next(&r)) == 1) {
		int k = rk_sched_add(s, &r, &err);
		if (k < 0)
			rk_die_err(&err);
		if (k == 1)
			rk_progress_action(prog, rk_json_get_str(&r.doc, 0, "id"),
					   rk_json_get_str(&r.doc, 0, "type"),
					   rk_json_get_str(&r.doc, 0, "package"));
		if (k == 0 && !strcmp(r.kind, "package")) {
			long long lv;
			if (rk_json_int(&r.doc, rk_json_get(&r.doc, 0, "level"), &lv) == 0 &&
			    lv < 100000)
				rk_progress_level(prog, rk_json_get_str(&r.doc, 0, "name"),
						  (int)lv);
		}
		if (k == 0) { /* held back: bad input writes nothing */
			rk_buf_add(&pass, r.text.data, r.text.len);
			rk_buf_addc(&pass, '\n');
		}
	}
	if (rc < 0)
		rk_die_err(&r.err);
	if (rk_sched_validate(s, &err) != 0)
		rk_die_err(&err);
	rk_out(pass.data ? pass.data : "", pass.len);
	rk_buf_release(&pass);

	rc = rk_lock_acquire(&lock, root.data, lock_timeout, &who);
	if (rc < 0) {
		rk_error("cannot create %s/%s: %s", root.data, RK_LOCK_NAME, strerror(errno));
		rc = RK_EXIT_FAIL;
	} else if (rc > 0) {
		rk_error("another release is running in %s: %s holds %s (waited %gs; see "
			 "--lock-timeout)",
			 root.data, who.data, RK_LOCK_NAME, lock_timeout);
		rc = RK_EXIT_FAIL;
	} else {
		size_t nj = 0;

		/* first put back whatever a killed run left pinned */
		if (rk_journal_restore_all(root.data, &nj, &err) < 0) {
			rk_error("%s", err.msg);
			rc = RK_EXIT_FAIL;
		} else {
			if (nj)
				rk_warn("restored the files of %zu pin journal%s a killed run left "
					"in %s/.releasekit/journal",
					nj, nj == 1 ? "" : "s", root.data);
			rc = rk_sched_run(s);
		}
		rk_lock_release(&lock);
	}

	rk_progress_free(prog);
	rk_sched_free(s);
	rk_ndjson_release(&r);
	if (fp != stdin)
		fclose(fp);
	rk_cache_release(&cache);
	free_limits(limits, nlimits);
	free_limits(retries, nretries);
	rk_buf_release(&root);
	rk_buf_release(&who);
	return rk_finish(rc);
}
