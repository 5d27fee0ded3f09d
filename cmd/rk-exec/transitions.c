/* transitions.c: state changes: cache hits, ready, success, failure, skips */
#include "rk_common.h"
#include "exec.h"

/* ---- state transitions ---- */

/*
 * Walk i's dependents without recursion: visit(s, j, ctx) for each
 * dependent j of i, and depth first of each j for which it returns true.
 */
static void walk_dependents(struct rk_sched *s, int i,
			    bool (*visit)(struct rk_sched *, int, void *), void *ctx)
{
	int *stack = NULL;
	size_t n = 0, cap = 0, k;

	RK_GROW(stack, cap, n + 1);
	stack[n++] = i;
	while (n) {
		const struct act *a = &s->a[stack[--n]];

		for (k = 0; k < a->nrdeps; k++) {
			if (!visit(s, a->rdeps[k], ctx))
				continue;
			RK_GROW(stack, cap, n + 1);
			stack[n++] = a->rdeps[k];
		}
	}
	free(stack);
}

struct skip_why {
	const char *reason, *cause;
};

/* walk_dependents: skip j when it has not started, and its dependents after it. */
static bool skip_one(struct rk_sched *s, int j, void *ctx)
{
	const struct skip_why *w = ctx;
	struct act *d = &s->a[j];

	if (d->state != ST_PENDING)
		return false;
	d->state = ST_SKIPPED;
	s->counts[ST_SKIPPED]++;
	ex_emit_simple(s, d, "skipped", 0, w->reason, w->cause);
	return true;
}

/* Mark transitive dependents of i skipped (those not started). */
void ex_skip_dependents(struct rk_sched *s, int i, const char *reason, const char *cause)
{
	struct skip_why w = {reason, cause};

	walk_dependents(s, i, skip_one, &w);
}

static void start_fail_fast(struct rk_sched *s)
{
	if (s->o.fail_fast && !s->stop) {
		s->stop = 1;
		s->stop_reason = "fail-fast";
	}
}

void ex_fail_now(struct rk_sched *s, int i, const struct evinfo *e)
{
	struct act *a = &s->a[i];
	struct rk_buf why = RK_BUF_INIT;
	struct rk_buf reason = RK_BUF_INIT;

	a->state = ST_FAILED;
	s->counts[ST_FAILED]++;
	ex_build_event(s, a, e, &s->ev);
	ex_emit_flush(s);
	if (ex_has_hooks(s, "on_failure", a->type)) {
		ex_build_event(s, a, e, &s->ev);
		ex_run_hooks(s, a, "on_failure", &s->ev, &why);
		rk_buf_reset(&s->ev);
	}
	if (s->interrupted_sig)
		rk_buf_adds(&reason, "interrupted");
	else
		rk_buf_addf(&reason, "dependency '%s' failed", a->id);
	ex_skip_dependents(s, i, reason.data, a->id);
	rk_buf_release(&reason);
	rk_buf_release(&why);
	start_fail_fast(s);
}

/* The cache lookup: 1 hit (*r filled), 0 miss. */
static int cache_lookup(struct rk_sched *s, const struct act *a, struct rk_ac_result *r)
{
	struct rk_buf b = RK_BUF_INIT;
	int got, from_remote = 0;
	size_t i;

	got = rk_cache_get_ac(s->o.cache, a->key, &b);
	if (got != 1 && s->have_remote) {
		got = rk_remote_get(&s->remote, "ac", a->key, &b);
		from_remote = got == 1;
	}
	if (got == 1 && rk_ac_decode(b.data ? b.data : "", b.len, r) != 0) {
		if (!from_remote)
			rk_warn("action '%s': %s cache entry ac/%.2s/%s ignored", a->id,
				errno == EPERM ? "an output path outside the repository in"
					       : "corrupt",
				a->key, a->key);
		else {
			s->remote.hits--;
			rk_remote_disable(&s->remote,
					  errno == EPERM
						  ? "GET /ac: an output path outside the repository"
						  : "GET /ac: not an ActionResult");
		}
		got = 0;
	} else if (got == 1 && r->exit_code != 0) {
		/* only successes are stored: a failure is never a hit */
		rk_warn("action '%s': cache entry ac/%.2s/%s%s records exit code %d: ignored",
			a->id, a->key, a->key, from_remote ? " (remote)" : "", r->exit_code);
		if (from_remote)
			s->remote.hits--;
		rk_ac_result_release(r);
		got = 0;
	}
	if (got != 1) {
		rk_buf_release(&b);
		return 0;
	}
	/* every blob it names must be present (fetch them from the remote) */
	{
		const char *need[2] = {r->stdout_size ? r->stdout_digest : NULL,
				       r->stderr_size ? r->stderr_digest : NULL};
		size_t nfiles = r->nfiles;
		for (i = 0; i < 2 + nfiles; i++) {
			const char *hex = i < 2 ? need[i] : r->files[i - 2].digest;
			struct rk_buf blob = RK_BUF_INIT;
			char got_hex[RK_SHA256_HEX];
			int ok = hex ? rk_cache_check_blob(s->o.cache, hex) : 1;

			if (ok < 0)
				rk_warn("action '%s': corrupt cache blob cas/%.2s/%s removed",
					a->id, hex, hex);
			if (ok == 1) {
				if (hex)
					rk_cache_touch(s->o.cache, "cas", hex);
				continue;
			}
			/* streamed to disk (bounded in size), verified, adopted */
			if (s->have_remote && !s->no_store) {
				rk_buf_addf(&blob, "%s/fetch.%lld", s->ctmp.data, ++s->fetch_seq);
				if (rk_remote_get_file(&s->remote, "cas", hex, blob.data) == 1 &&
				    rk_cache_adopt_file(s->o.cache, blob.data, hex) == 0)
					memcpy(got_hex, hex, RK_SHA256_HEX);
				else
					got_hex[0] = '\0';
				unlink(blob.data);
			} else {
				got_hex[0] = '\0';
			}
			if (strcmp(got_hex, hex) != 0) {
				rk_buf_release(&blob);
				rk_buf_release(&b);
				rk_ac_result_release(r);
				return 0;
			}
			rk_buf_release(&blob);
		}
	}
	if (from_remote && !s->no_store)
		(void)rk_cache_put_ac(s->o.cache, a->key, b.data ? b.data : "", b.len);
	else
		rk_cache_touch(s->o.cache, "ac", a->key);
	rk_buf_release(&b);
	return 1;
}

/* Restore declared outputs of a cached result into the tree. */
static int restore_outputs(struct rk_sched *s, const struct act *a, const struct rk_ac_result *r)
{
	size_t i;

	for (i = 0; i < r->nfiles; i++) {
		/* beneath the root only: no '..', no symbolic link followed, no
		 * FIFO opened; streamed */
		if (rk_cache_restore_beneath(s->o.cache, r->files[i].digest, s->o.repo_root,
					     r->files[i].path, r->files[i].executable) != 0) {
			int en = errno;
			rk_warn("action '%s': cannot restore output %s: %s", a->id,
				r->files[i].path,
				en == ELOOP    ? "a symbolic link is in the way (not followed)"
				: en == EINVAL ? "not a path inside the repository"
					       : rk_strerror(en));
			return -1;
		}
	}
	return 0;
}

/* i's deps are all done: cached (true; its dependents not yet told), or queued. */
static bool make_ready(struct rk_sched *s, int i)
{
	struct act *a = &s->a[i];
	struct rk_ac_result r;

	if (s->stop) {
		a->state = ST_SKIPPED;
		s->counts[ST_SKIPPED]++;
		ex_emit_simple(s, a, "skipped", 0,
			       s->interrupted_sig ? "interrupted" : s->stop_reason, NULL);
		return false;
	}
	/* an effect, poll or check asks the truth each time: only cacheable
	 * types (and command actions) are looked up */
	if (!s->o.no_cache && (!a->ex || a->ex->cacheable) && cache_lookup(s, a, &r)) {
		if (restore_outputs(s, a, &r) == 0) {
			struct evinfo e = {0};
			e.state = "cached";
			e.duration_ms = -1;
			e.retry_in_ms = -1;
			e.stdout_digest = r.stdout_digest;
			e.stdout_size = r.stdout_size;
			e.stderr_digest = r.stderr_digest;
			e.stderr_size = r.stderr_size;
			e.outputs = &r;
			a->state = ST_CACHED;
			s->counts[ST_CACHED]++;
			ex_emit(s, a, &e);
			rk_ac_result_release(&r);
			return true;
		}
		rk_ac_result_release(&r);
	}
	a->state = ST_QUEUED;
	ex_emit_simple(s, a, "queued", 0, NULL, NULL);
	ex_ready_push(s, i);
	return false;
}

void ex_make_ready(struct rk_sched *s, int i)
{
	if (make_ready(s, i))
		ex_finish_ok(s, i);
}

/*
 * walk_dependents: j has one dependency fewer to wait for; when it was the
 * last, j is made ready, and a cache hit is done at once: its dependents
 * are next.
 */
static bool unblock_one(struct rk_sched *s, int j, void *ctx)
{
	struct act *d = &s->a[j];

	(void)ctx;
	if (--d->unmet > 0 || d->state != ST_PENDING)
		return false;
	return make_ready(s, j);
}

/* i succeeded or was cached: make newly unblocked dependents ready (cache hits iteratively). */
void ex_finish_ok(struct rk_sched *s, int i)
{
	walk_dependents(s, i, unblock_one, NULL);
}
