/* events.c: event records (built, masked, observed, written to stdout) */
#include "rk_common.h"
#include "exec.h"

/* ---- events ---- */

void ex_signame(int sig, char *out, size_t n)
{
	struct rk_proc_result r = {0};
	char d[64];
	r.signal = sig;
	rk_proc_describe(&r, d, sizeof(d));
	/* "killed by SIGKILL" -> "SIGKILL" */
	snprintf(out, n, "%s", strncmp(d, "killed by ", 10) == 0 ? d + 10 : d);
}

void ex_build_event(struct rk_sched *s, const struct act *a, const struct evinfo *e,
		    struct rk_buf *out)
{
	struct rk_jw w;
	char now[32];

	rk_time_rfc3339(now);
	rk_buf_reset(out);
	rk_jw_init(&w, out);
	rk_jw_obj(&w);
	rk_jw_kstr(&w, "kind", "event");
	rk_jw_kstr(&w, "action", a->id);
	rk_jw_kstr(&w, "state", e->state);
	rk_jw_kstr(&w, "time", now);
	rk_jw_kstr(&w, "type", a->type);
	if (a->package)
		rk_jw_kstr(&w, "package", a->package);
	if (e->attempt > 0)
		rk_jw_kint(&w, "attempt", e->attempt);
	if (e->duration_ms >= 0)
		rk_jw_kint(&w, "duration_ms", e->duration_ms);
	if (e->res) {
		if (e->res->exited)
			rk_jw_kint(&w, "exit_code", e->res->code);
		else if (e->res->signal) {
			char sn[64];
			ex_signame(e->res->signal, sn, sizeof(sn));
			rk_jw_kstr(&w, "signal", sn);
		}
		if (e->res->timed_out)
			rk_jw_kbool(&w, "timed_out", 1);
	}
	if (e->stdout_digest) {
		rk_jw_kstr(&w, "stdout_digest", e->stdout_digest);
		rk_jw_kint(&w, "stdout_size", e->stdout_size);
	}
	if (e->stderr_digest) {
		rk_jw_kstr(&w, "stderr_digest", e->stderr_digest);
		rk_jw_kint(&w, "stderr_size", e->stderr_size);
	}
	if (e->outputs && e->outputs->nfiles) {
		size_t i;
		rk_jw_key(&w, "outputs");
		rk_jw_arr(&w);
		for (i = 0; i < e->outputs->nfiles; i++) {
			rk_jw_obj(&w);
			rk_jw_kstr(&w, "path", e->outputs->files[i].path);
			rk_jw_kstr(&w, "digest", e->outputs->files[i].digest);
			rk_jw_kint(&w, "size", e->outputs->files[i].size);
			rk_jw_obj_end(&w);
		}
		rk_jw_arr_end(&w);
	}
	if (e->stderr_tail || e->stdout_tail || e->reason) {
		/* masked already (from the masked log); masked again: cheap, and
		 * a reason can quote anything */
		struct rk_buf m = RK_BUF_INIT;
		if (e->stderr_tail) {
			rk_mask_str(&s->mask, e->stderr_tail, strlen(e->stderr_tail), &m);
			rk_jw_kstr(&w, "stderr_tail", m.data);
			rk_buf_reset(&m);
		}
		if (e->stdout_tail) {
			rk_mask_str(&s->mask, e->stdout_tail, strlen(e->stdout_tail), &m);
			rk_jw_kstr(&w, "stdout_tail", m.data);
			rk_buf_reset(&m);
		}
		if (e->reason) {
			rk_mask_str(&s->mask, e->reason, strlen(e->reason), &m);
			rk_jw_kstr(&w, "reason", m.data);
		}
		rk_buf_release(&m);
	}
	if (e->cause)
		rk_jw_kstr(&w, "cause", e->cause);
	if (e->note)
		rk_jw_kstr(&w, "note", e->note);
	if (e->retry_in_ms >= 0)
		rk_jw_kint(&w, "retry_in_ms", e->retry_in_ms);
	if (strcmp(e->state, "cached") == 0)
		rk_jw_kstr(&w, "key", a->key);
	rk_jw_obj_end(&w);
}

/* Write s->ev and flush: a reader (rk-report) sees each event as it happens. */
void ex_emit_flush(struct rk_sched *s)
{
	if (s->o.observe)
		s->o.observe(s->o.observe_ctx, s->ev.data, s->ev.len);
	rk_record_emit(&s->ev);
	rk_out_flush();
}

void ex_emit(struct rk_sched *s, const struct act *a, const struct evinfo *e)
{
	ex_build_event(s, a, e, &s->ev);
	ex_emit_flush(s);
}

void ex_emit_simple(struct rk_sched *s, const struct act *a, const char *state, int attempt,
		    const char *reason, const char *cause)
{
	struct evinfo e = {0};
	e.state = state;
	e.attempt = attempt;
	e.duration_ms = -1;
	e.retry_in_ms = -1;
	e.reason = reason;
	e.cause = cause;
	ex_emit(s, a, &e);
}
