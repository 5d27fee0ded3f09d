/* rk_exec_poll.c - the poll, smoke_test and verify executors (see rk_exec_poll.h). */
#include "rk_common.h"

#include <math.h>

#include "rk_exec_poll.h"
#include "rk_json.h"
#include "rk_poll.h"
#include "rk_proc.h"
#include "rk_backend.h"
#include "rk_pubops.h"
#include "rk_smoke.h"

struct xpoll {
	struct rk_poll_opts po;
	struct rk_poll_target t;
	struct rk_buf dist;
	const char *registry;
	struct rk_pub_keep keep; /* strings of the publish target */
};

static const char *env_first(const char *const *names)
{
	for (; *names; names++) {
		const char *v = getenv(*names);
		if (v && *v)
			return v;
	}
	return NULL;
}

static double param_num(const struct rk_xctx *x, const char *key, double def)
{
	double d;

	if (rk_json_double(x->a, rk_xctx_param_tok(x, key), &d) == 0 && d >= 0 && isfinite(d))
		return d;
	return def;
}

static int setup(struct rk_xctx *x, struct xpoll *p)
{
	const char *reg = NULL, *tag = NULL, *dist = rk_xctx_param(x, "dist");
	const char *version = x->version ? x->version : rk_xctx_param(x, "version");
	const struct rk_backend *ops = rk_backend_for(x->ecosystem);
	const char **slot;

	memset(p, 0, sizeof(*p));
	p->po = (struct rk_poll_opts)RK_POLL_OPTS_INIT;
	if (!x->package || !x->ecosystem || !version)
		return rk_err_set(&x->err, x->file, 1, 0,
				  "action '%s': needs \"package\", \"ecosystem\" and a version",
				  x->id);
	{
		/* where publish uploads: the same configuration (params overrides,
		 * the ecosystem's own files, the environment) */
		struct rk_pub_pkg pp = {0};
		struct rk_reg rr = {0};
		struct rk_err e = {0};

		pp.root = x->root;
		pp.name = x->package;
		pp.ecosystem = x->ecosystem;
		pp.version = version;
		pp.manager = rk_xctx_param(x, "manager");
		pp.path = rk_xctx_param(x, "path");
		pp.manifest = rk_xctx_param(x, "manifest");
		pp.workspace = rk_xctx_param(x, "workspace");
		pp.registry_url = rk_xctx_param(x, "registry_url");
		pp.index_url = rk_xctx_param(x, "index_url");
		pp.registry = rk_xctx_param(x, "registry");
		pp.tag = rk_xctx_param(x, "tag");
		pp.channel = rk_xctx_param(x, "channel");
		if (ops && pp.path && pp.manifest &&
		    ops->publish_target(&pp, &rr, &p->keep, &e) == 0) {
			reg = ops->poll_upload_url ? rr.url : rr.index;
			tag = rr.tag; /* npm: the dist-tag publish moved */
		} else if (ops && ops->poll_upload_url)
			reg = pp.registry_url;
		else
			reg = pp.index_url;
	}
	if (!reg && ops && ops->registry_env)
		reg = env_first(ops->registry_env);
	p->registry = reg;
	/* an unknown ecosystem has no slot: rk_poll_once says so */
	slot = rk_poll_registry(&p->po, x->ecosystem);
	if (slot)
		*slot = reg;
	p->po.deadline_s = param_num(x, "deadline_s", 600);
	p->po.initial_s = param_num(x, "initial_s", 1);
	p->po.max_delay_s = param_num(x, "max_delay_s", 30);
	p->po.max_retry_after_s = param_num(x, "max_retry_after_s", 300);
	p->t.ecosystem = x->ecosystem;
	p->t.name = x->package;
	p->t.version = version;
	p->t.channel = tag ? tag : rk_xctx_param(x, "channel");
	if (dist)
		rk_buf_adds(&p->dist, dist);
	else
		rk_dist_dir(x->ecosystem, x->package, version, &p->dist);
	p->t.dist_dir = p->dist.data;
	return 0;
}

static void on_attempt(void *ctx, const struct rk_poll_attempt *a)
{
	const struct rk_xctx *x = ctx;
	struct rk_buf b = RK_BUF_INIT;
	struct rk_jw w;
	char now[32];

	rk_time_rfc3339(now);
	rk_jw_init(&w, &b);
	rk_jw_obj(&w);
	rk_jw_kstr(&w, "kind", "event");
	rk_jw_kstr(&w, "action", x->id);
	rk_jw_kstr(&w, "state",
		   a->res->state == RK_POLL_AVAILABLE ? "succeeded"
		   : a->retry_in_ms >= 0	      ? "retrying"
						      : "failed");
	rk_jw_kstr(&w, "time", now);
	rk_jw_kstr(&w, "type", "poll");
	rk_jw_kstr(&w, "package", x->package);
	rk_poll_attempt_json(&w, a);
	rk_jw_obj_end(&w);
	rk_xctx_log(x, "%s\n", b.data);
	rk_buf_release(&b);
}

static int finish(struct rk_xctx *x, struct xpoll *p, struct rk_poll_result *r, int rc,
		  const char *what)
{
	if (rc == 0 && r->state != RK_POLL_AVAILABLE) {
		rk_err_set(&x->err, NULL, 0, 0, "%s: %s", what, r->reason);
		rk_xctx_retryable(x, false);
		rc = -1;
	}
	rk_poll_result_release(r);
	rk_buf_release(&p->dist);
	rk_pub_keep_release(&p->keep);
	return rc;
}

/* poll (ask until the version is available) or verify (download once and compare). */
static int poll_or_verify(struct rk_xctx *x, bool verify)
{
	struct xpoll p;
	struct rk_poll_result r = {0};
	size_t i;
	int rc;

	if (setup(x, &p) < 0)
		return -1;
	r.retry_after = -1;
	rc = verify ? rk_poll_verify(&p.po, &p.t, &r, &x->err)
		    : rk_poll_wait(&p.po, &p.t, on_attempt, x, &r, &x->err);
	if (rc == 0 && r.state == RK_POLL_AVAILABLE && verify) {
		for (i = 0; i < r.nfiles; i++)
			rk_xctx_log(x, "verified %s sha256 %s\n",
				    r.files[i].file ? r.files[i].file : "?",
				    r.files[i].served ? r.files[i].served : "?");
		rk_xctx_note(x, "%zu file%s served as built", r.nfiles, r.nfiles == 1 ? "" : "s");
	} else if (rc == 0 && r.state == RK_POLL_AVAILABLE) {
		rk_xctx_note(x, "available after %d attempt%s (%.1fs)%s", r.attempts,
			     r.attempts == 1 ? "" : "s", (double)r.elapsed_ms / 1000.0,
			     r.digest_checked ? ", digests match"
					      : ", no built artifact to compare");
	}
	return finish(x, &p, &r, rc, verify ? "verify" : "poll");
}

int rk_xrun_poll(struct rk_xctx *x)
{
	return poll_or_verify(x, false);
}

int rk_xrun_verify(struct rk_xctx *x)
{
	return poll_or_verify(x, true);
}

int rk_xrun_smoke_test(struct rk_xctx *x)
{
	struct xpoll p;
	struct rk_smoke_opts so = {0};
	struct rk_smoke_result sm;
	int tok, rc;

	if (setup(x, &p) < 0)
		return -1;
	tok = rk_xctx_param_tok(x, "smoke_test");
	if (rk_json_bool(x->a, tok) == 0) {
		rk_buf_release(&p.dist);
		rk_pub_keep_release(&p.keep);
		rk_xctx_note(x, "skipped: smoke_test = False");
		return 0;
	}
	{
		const char **slot = rk_smoke_registry(&so, p.t.ecosystem);

		if (slot)
			*slot = p.registry;
	}
	so.command = rk_xctx_param(x, "smoke_test");
	so.module = rk_xctx_param(x, "module");
	so.timeout_s = param_num(x, "timeout_s", 600);
	rc = rk_smoke_run(&so, p.t.ecosystem, p.t.name, p.t.version, &sm, &x->err);
	rk_buf_release(&p.dist);
	rk_pub_keep_release(&p.keep);
	if (rc < 0)
		return -1;
	rk_xctx_log(x, "smoke test: %s\n", sm.check);
	if (!sm.passed) {
		rk_xctx_retryable(x, false);
		return rk_err_set(&x->err, NULL, 0, 0, "smoke test of %s:%s %s failed: %s",
				  p.t.ecosystem, p.t.name, p.t.version, sm.reason);
	}
	rk_xctx_note(x, "smoke test passed (%.1fs)", (double)sm.duration_ms / 1000.0);
	return 0;
}
