/* rk-poll: wait until released versions can be installed; smoke-test and verify them. */
#include "rk_common.h"
#include "rk_cli.h"
#include "rk_cliopt.h"
#include "rk_json.h"
#include "rk_poll.h"
#include "rk_proc.h"
#include "rk_record.h"
#include "rk_smoke.h"

#include <math.h>

/* What rk-poll needs of a release record it polls for (rk_record_need). */
static const char *const release_needs[] = {"ecosystem", "name", "next", NULL};

static const char head[] =
	"usage: rk-poll [options] [file]\n"
	"\n"
	"Read records (stdin or file), pass them through, and for every release\n"
	"record (that publishes) ask the package's registry, the way an installer\n"
	"does, whether its next version can be installed, with the built artifact's\n"
	"digest. Each attempt is an event record; each package ends with an\n"
	"availability record.\n"
	"\n";

static const char tail[] =
	"\n"
	"Exit: 0 every package available (verified, smoke-tested), 1 not, 2 usage,\n"
	"3 bad input; a closed stdout ends quietly with the status the tool would\n"
	"have had. See rk-poll(1).\n";

struct tool {
	struct rk_poll_opts po;
	struct rk_smoke_opts so;
	bool once, verify, smoke;
	const char *tag;
	const char *dist_root;
	long long deadline; /* rk_now_ms() at which every wait ends */
	int failed;
};

static double seconds(const struct rk_cli *cli, const char *opt, const char *v)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(v, &end);
	if (end == v || *end || errno || !isfinite(d) || d < 0)
		rk_cli_usage_error(cli, "%s: expected seconds (a number >= 0), got '%s'", opt, v);
	return d;
}

/* --deadline, --initial, ...: dst is the double to set */
static void opt_seconds(const struct rk_cli *cli, const struct rk_cliopt *o, const char *arg)
{
	char name[32];

	snprintf(name, sizeof(name), "--%s", o->name);
	*(double *)o->dst = seconds(cli, name, arg);
}

/* --request-timeout S: dst is the long of milliseconds to set (at least 1) */
static void opt_timeout_ms(const struct rk_cli *cli, const struct rk_cliopt *o, const char *arg)
{
	long *ms = o->dst;

	*ms = (long)(seconds(cli, "--request-timeout", arg) * 1000.0);
	if (*ms < 1)
		*ms = 1;
}

static void opt_seed(const struct rk_cli *cli, const struct rk_cliopt *o, const char *arg)
{
	*(unsigned int *)o->dst = (unsigned int)rk_cli_long(cli, "--seed", arg, 1, 0x7fffffff);
}

static const char *env_first(const char *a, const char *b, const char *c)
{
	const char *names[] = {a, b, c};
	size_t i;

	for (i = 0; i < 3; i++) {
		const char *v = names[i] ? getenv(names[i]) : NULL;
		if (v && *v)
			return v;
	}
	return NULL;
}

struct pkg {
	struct tool *t;
	const char *eco, *name, *version;
};

static void emit_event(const struct pkg *p, const char *state, const struct rk_poll_attempt *a,
		       const char *type)
{
	struct rk_buf b = RK_BUF_INIT, id = RK_BUF_INIT;
	struct rk_jw w;
	char now[32];

	rk_time_rfc3339(now);
	rk_buf_addf(&id, "%s:%s:%s", type, p->eco, p->name);
	rk_jw_init(&w, &b);
	rk_jw_obj(&w);
	rk_jw_kstr(&w, "kind", "event");
	rk_jw_kstr(&w, "action", id.data);
	rk_jw_kstr(&w, "state", state);
	rk_jw_kstr(&w, "time", now);
	rk_jw_kstr(&w, "type", type);
	rk_jw_kstr(&w, "package", p->name);
	if (a)
		rk_poll_attempt_json(&w, a);
	rk_jw_obj_end(&w);
	rk_record_emit(&b);
	rk_buf_release(&b);
	rk_buf_release(&id);
}

static void on_attempt(void *ctx, const struct rk_poll_attempt *a)
{
	const struct pkg *p = ctx;
	const char *state = a->res->state == RK_POLL_AVAILABLE ? "succeeded"
			    : a->retry_in_ms >= 0	       ? "retrying"
							       : "failed";
	emit_event(p, state, a, "poll");
	rk_out_flush();
}

static void emit_availability(const struct pkg *p, const struct rk_poll_result *r, int verified,
			      const struct rk_smoke_result *sm, const char *smoke_state)
{
	struct rk_buf b = RK_BUF_INIT;
	struct rk_jw w;
	size_t i;

	rk_jw_init(&w, &b);
	rk_jw_obj(&w);
	rk_jw_kstr(&w, "kind", "availability");
	rk_jw_kstr(&w, "name", p->name);
	rk_jw_kstr(&w, "ecosystem", p->eco);
	rk_jw_kstr(&w, "version", p->version);
	rk_jw_kstr(&w, "state", rk_poll_state_name(r->state));
	if (r->url)
		rk_jw_kstr(&w, "url", r->url);
	rk_jw_kint(&w, "attempts", r->attempts);
	rk_jw_kint(&w, "elapsed_ms", r->elapsed_ms);
	rk_jw_kbool(&w, "digest_checked", r->digest_checked);
	if (verified >= 0)
		rk_jw_kbool(&w, "verified", verified);
	rk_jw_key(&w, "files");
	rk_jw_arr(&w);
	for (i = 0; i < r->nfiles; i++) {
		const struct rk_poll_file *f = &r->files[i];
		const char *const fields[][2] = {
			{"file", f->file},     {"sha256", f->sha256}, {"expected", f->expected},
			{"listed", f->listed}, {"served", f->served}, {"url", f->url},
		};
		size_t k;

		rk_jw_obj(&w);
		for (k = 0; k < RK_ARRAY_SIZE(fields); k++)
			if (fields[k][1])
				rk_jw_kstr(&w, fields[k][0], fields[k][1]);
		rk_jw_obj_end(&w);
	}
	rk_jw_arr_end(&w);
	if (smoke_state) {
		rk_jw_key(&w, "smoke");
		rk_jw_obj(&w);
		rk_jw_kstr(&w, "state", smoke_state);
		if (sm) {
			rk_jw_kstr(&w, "check", sm->check);
			rk_jw_kint(&w, "duration_ms", sm->duration_ms);
			if (!sm->passed && sm->reason[0])
				rk_jw_kstr(&w, "reason", sm->reason);
		}
		rk_jw_obj_end(&w);
	}
	if (r->reason[0])
		rk_jw_kstr(&w, "reason", r->reason);
	rk_jw_obj_end(&w);
	rk_record_emit(&b);
	rk_buf_release(&b);
}

/*
 * Report err (one line: "source:line:col: msg", or msg alone when it names
 * no file) and keep it as the reason (reason[n]) of the record.
 */
static void report_err(const struct rk_err *err, char *reason, size_t n)
{
	char m[RK_ERR_MAX + 64];

	if (err->source)
		rk_err_format(err, m, sizeof(m));
	else
		snprintf(m, sizeof(m), "%s", err->msg);
	rk_error("%s", m);
	snprintf(reason, n, "%s", m);
}

static void one(struct tool *t, const char *eco, const char *name, const char *version,
		const char *channel)
{
	struct pkg p = {t, eco, name, version};
	struct rk_poll_target tg = {eco, name, version, NULL, NULL};
	struct rk_poll_result r = {0};
	struct rk_poll_opts po = t->po;
	struct rk_smoke_result sm;
	struct rk_err err = {0};
	struct rk_buf dist = RK_BUF_INIT;
	const char *smoke_state = NULL, *q;
	int verified = -1, rc;
	long long left = t->deadline - rk_now_ms();

	r.retry_after = -1;
	tg.channel = t->tag ? t->tag : channel;
	/* as the build action writes them: '/' in a name (npm scopes) as '+' */
	rk_buf_addf(&dist, "%s/%s/", t->dist_root, eco);
	for (q = name; *q; q++)
		rk_buf_addc(&dist, *q == '/' ? '+' : *q);
	rk_buf_addf(&dist, "-%s", version);
	tg.dist_dir = dist.data;
	po.deadline_s = left > 0 ? (double)left / 1000.0 : 0;
	if (t->once) {
		rc = rk_poll_once(&po, &tg, &r, &err);
		if (rc == 0) {
			struct rk_poll_attempt a = {1, 0, 0, -1, &r};
			on_attempt(&p, &a);
		}
	} else {
		rc = rk_poll_wait(&po, &tg, on_attempt, &p, &r, &err);
	}
	if (rc < 0) {
		report_err(&err, r.reason, sizeof(r.reason));
		r.state = RK_POLL_ERROR;
	} else if (r.state != RK_POLL_AVAILABLE) {
		rk_error("%s:%s %s: %s", eco, name, version, r.reason);
	}
	if (rc == 0 && r.state == RK_POLL_AVAILABLE && t->verify) {
		int attempts = r.attempts;

		if (rk_poll_verify(&po, &tg, &r, &err) < 0) {
			report_err(&err, r.reason, sizeof(r.reason));
			r.state = RK_POLL_ERROR;
		} else if (r.state != RK_POLL_AVAILABLE) {
			rk_error("%s:%s %s: verify: %s", eco, name, version, r.reason);
		}
		verified = r.state == RK_POLL_AVAILABLE;
		r.attempts = attempts;
	}
	if (t->smoke && r.state == RK_POLL_AVAILABLE) {
		if (rk_smoke_run(&t->so, eco, name, version, &sm, &err) < 0) {
			report_err(&err, sm.reason, sizeof(sm.reason));
			smoke_state = "failed";
			t->failed++;
		} else if (!sm.passed) {
			rk_error("%s:%s %s: smoke test failed: %s", eco, name, version, sm.reason);
			smoke_state = "failed";
			t->failed++;
		} else {
			smoke_state = "passed";
		}
	}
	if (r.state != RK_POLL_AVAILABLE)
		t->failed++;
	emit_availability(&p, &r, verified, smoke_state ? &sm : NULL, smoke_state);
	rk_out_flush();
	rk_poll_result_release(&r);
	rk_buf_release(&dist);
}

int main(int argc, char **argv)
{
	struct tool t = {RK_POLL_OPTS_INIT};
	double deadline_s = 600;
	const struct rk_cliopt options[] = {
		RK_CLIOPT_TEXT("Mode:"),
		{0, "wait", NULL, "poll until available or the deadline (default)", rk_cliopt_bool,
		 &t.once, 0},
		{0, "once", NULL, "check once", rk_cliopt_bool, &t.once, 1},
		{0, "verify", NULL,
		 "also download what the registry serves and compare\n"
		 "its SHA-256 with the built artifact's",
		 rk_cliopt_bool, &t.verify, 1},
		{0, "smoke", NULL, "also install it in a scratch directory and load it",
		 rk_cliopt_bool, &t.smoke, 1},
		{0, "smoke-cmd", "CMD", "with --smoke: run CMD (sh -c) instead of the check",
		 rk_cliopt_string, &t.so.command},
		{0, "smoke-timeout", "S", "bound each smoke test (default 600)", opt_seconds,
		 &t.so.timeout_s},
		RK_CLIOPT_TEXT(
			"Registries (default: from the environment scripts/registries env sets):"),
		{0, "pypi", "URL",
		 "simple index ($RK_PYPI_SIMPLE, $UV_DEFAULT_INDEX,\n"
		 "$PIP_INDEX_URL)",
		 rk_cliopt_string, &t.po.pypi},
		{0, "npm", "URL", "npm registry ($RK_NPM_URL, $npm_config_registry)",
		 rk_cliopt_string, &t.po.npm},
		{0, "cargo-index", "IDX",
		 "sparse index URL, or git index path or file:// URL\n"
		 "($RK_CARGO_INDEX, $CARGO_REGISTRIES_LOCAL_INDEX)",
		 rk_cliopt_string, &t.po.cargo},
		RK_CLIOPT_TEXT("Polling:"),
		{0, "deadline", "S", "give up after S seconds in all (default 600)", opt_seconds,
		 &deadline_s},
		{0, "initial", "S", "first backoff ceiling (default 1)", opt_seconds,
		 &t.po.initial_s},
		{0, "max-delay", "S", "backoff cap (default 30)", opt_seconds, &t.po.max_delay_s},
		{0, "max-retry-after", "S", "cap on a 429's Retry-After (default 300)", opt_seconds,
		 &t.po.max_retry_after_s},
		{0, "request-timeout", "S", "per request (default 30)", opt_timeout_ms,
		 &t.po.request_timeout_ms},
		{0, "tag", "TAG",
		 "npm dist-tag that must name the version (default:\n"
		 "the release's channel, else latest; '' none)",
		 rk_cliopt_string, &t.tag},
		{0, "seed", "N", "seed the backoff's jitter (default: the clock)", opt_seed,
		 &t.po.seed},
		{0, "dist-root", "DIR",
		 "built artifacts: DIR/<ecosystem>/<name>-<version>/\n"
		 "('/' in a name as '+'; default .releasekit/dist)",
		 rk_cliopt_string, &t.dist_root},
		RK_CLIOPT_TEXT(""),
		RK_CLIOPT_CHDIR_ROW,
		RK_CLIOPT_HELP_ROWS,
		RK_CLIOPT_END(26), /* the help texts start at column 26 */
	};
	struct rk_cli cli;
	struct rk_cliopt_set set;
	struct rk_ndjson rd;
	const char *in;
	FILE *fp = stdin;
	int rc;

	t.dist_root = ".releasekit/dist";
	t.so.timeout_s = 600;
	rk_cliopt_start(&cli, &set, options, head, tail, argc, argv);
	if (t.so.command && !t.smoke)
		rk_cli_usage_error(&cli, "--smoke-cmd needs --smoke");
	in = rk_cli_input(&cli);
	if (!t.po.pypi)
		t.po.pypi = env_first("RK_PYPI_SIMPLE", "UV_DEFAULT_INDEX", "PIP_INDEX_URL");
	if (!t.po.npm)
		t.po.npm = env_first("RK_NPM_URL", "npm_config_registry", "NPM_CONFIG_REGISTRY");
	if (!t.po.cargo)
		t.po.cargo = env_first("RK_CARGO_INDEX", "CARGO_REGISTRIES_LOCAL_INDEX", NULL);
	t.so.pypi = t.po.pypi;
	t.so.npm = t.po.npm;
	t.so.cargo = t.po.cargo;
	if (in)
		fp = fopen(in, "r");
	if (in && !fp)
		rk_die(RK_EXIT_INPUT, "%s: %s", in, strerror(errno));
	t.deadline = rk_now_ms() + (long long)(deadline_s * 1000.0);
	rk_ndjson_init(&rd, fp, in ? in : "<stdin>");
	while ((rc = rk_ndjson_next(&rd)) > 0) {
		const struct rk_json *d = &rd.doc;
		const char *eco, *name, *next, *chan;
		char *e2, *n2, *v2, *c2;
		struct rk_err err;

		if (strcmp(rd.kind, "release") != 0 ||
		    rk_json_bool(d, rk_json_get(d, 0, "publish")) == 0) {
			rk_ndjson_pass(&rd);
			continue;
		}
		/* checked before it is passed on: a bad record is not written */
		if (rk_record_need(d, rd.source, rd.line, release_needs, &err))
			rk_die_err(&err);
		rk_ndjson_pass(&rd);
		eco = rk_json_get_str(d, 0, "ecosystem");
		name = rk_json_get_str(d, 0, "name");
		next = rk_json_get_str(d, 0, "next");
		chan = rk_json_get_str(d, 0, "channel");
		rk_out_flush();
		/* the record's storage is reused by the next read: copy */
		e2 = rk_xstrdup(eco);
		n2 = rk_xstrdup(name);
		v2 = rk_xstrdup(next);
		c2 = chan ? rk_xstrdup(chan) : NULL;
		one(&t, e2, n2, v2, c2);
		free(e2);
		free(n2);
		free(v2);
		free(c2);
	}
	if (rc < 0)
		rk_die_err(&rd.err);
	rk_ndjson_release(&rd);
	if (fp != stdin)
		fclose(fp);
	rk_cliopt_release(&set);
	return rk_finish(t.failed ? RK_EXIT_FAIL : RK_EXIT_OK);
}
