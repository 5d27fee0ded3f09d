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
#include "rk-exec/options.h"

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
	rc = rk_executor_run_file(file, root.data, stdout, &err); /* stdout: the action's log */
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
	struct ex_args args = {0};
	const struct rk_cli *cli;
	struct rk_sched_opts o = {0};
	const char *input = NULL;
	int rc;
	struct rk_cache cache;
	struct rk_buf root = RK_BUF_INIT, who = RK_BUF_INIT, pass = RK_BUF_INIT;
	struct rk_ndjson r;
	struct rk_progress *prog;
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
	ex_options(&args, &o, argc, argv);
	cli = &args.cli;
	if (!args.prune && (args.max_age >= 0 || args.max_size >= 0))
		rk_cli_usage_error(cli, "--max-age and --max-size go with --cache-prune");
	if (args.show_key) {
		if (optind < argc)
			rk_cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
		if (!rk_cache_is_hex(args.show_key))
			rk_cli_usage_error(cli,
					   "--cache-show: expected a 64-digit hex key, got '%s'",
					   args.show_key);
		ex_args_release(&args); /* the key and the directory are argv's */
		return cache_show(args.cache_dir, args.show_key);
	}
	if (args.stats || args.prune) {
		if (optind < argc)
			rk_cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
		if (args.prune && args.max_age < 0 && args.max_size < 0)
			rk_cli_usage_error(cli, "--cache-prune needs --max-age or --max-size");
		ex_args_release(&args);
		return cache_admin(args.cache_dir, !args.prune, args.max_age, args.max_size);
	}
	input = rk_cli_input(cli);
	if (input) {
		fp = rk_fopen_regular(input);
		if (!fp)
			rk_die(RK_EXIT_USAGE, "cannot open %s: %s", input, rk_strerror(errno));
	}

	if (rk_repo_root(args.repo ? args.repo : ".", &root) != 0)
		rk_die(RK_EXIT_USAGE, "--repo %s: %s", args.repo ? args.repo : ".",
		       strerror(errno));
	cache_open(&cache, args.cache_dir);
	o.cache = &cache;
	o.repo_root = root.data;
	o.limits = args.limits;
	o.nlimits = args.nlimits;
	o.retries = args.retries;
	o.nretries = args.nretries;
	prog = progress_open(args.progress_arg, args.pmode, &o);
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

	rc = rk_lock_acquire(&lock, root.data, args.lock_timeout, &who);
	if (rc < 0) {
		rk_error("cannot create %s/%s: %s", root.data, RK_LOCK_NAME, strerror(errno));
		rc = RK_EXIT_FAIL;
	} else if (rc > 0) {
		rk_error("another release is running in %s: %s holds %s (waited %gs; see "
			 "--lock-timeout)",
			 root.data, who.data, RK_LOCK_NAME, args.lock_timeout);
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
	ex_args_release(&args);
	rk_buf_release(&root);
	rk_buf_release(&who);
	return rk_finish(rc);
}
