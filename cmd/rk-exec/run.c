/* run.c: the event loop (rk_sched_run) */
#include "rk_common.h"
#include "exec.h"

/* ---- the loop ---- */

static void interrupt(struct rk_sched *s, int sig)
{
	long long now = rk_now_ms();
	size_t k;

	if (!s->interrupted_sig) {
		s->interrupted_sig = sig;
		s->stop = 1;
		s->stop_reason = "interrupted";
		for (k = 0; k < s->nrunning; k++) {
			struct act *a = &s->a[s->running[k]];
			a->interrupted = 1;
			rk_proc_kill_group(a->pid, SIGTERM);
			a->term_sent = 1;
			a->kill_at_ms = now + (long long)(s->o.kill_grace_s * 1000.0);
		}
	} else {
		/* a second signal: no more grace */
		for (k = 0; k < s->nrunning; k++)
			rk_proc_kill_group(s->a[s->running[k]].pid, SIGKILL);
	}
}

static void take_signal(struct rk_sched *s)
{
	int sig = (int)ex_got_signal;
	if (sig > 0) {
		ex_got_signal = 0;
		interrupt(s, sig);
	}
}

static void drain(int fd)
{
	char buf[256];
	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

/* Start what can start, highest first; resource-blocked ones wait. */
static void fill(struct rk_sched *s)
{
	int *blocked = NULL;
	size_t nblocked = 0, cap = 0, k;

	while (s->nready && !s->stop && s->nrunning < (size_t)s->o.jobs) {
		int i = ex_ready_pop(s);
		if (ex_resources_free(s, &s->a[i])) {
			ex_start(s, i);
		} else {
			RK_GROW(blocked, cap, nblocked + 1);
			blocked[nblocked++] = i;
		}
	}
	for (k = 0; k < nblocked; k++)
		ex_ready_push(s, blocked[k]);
	free(blocked);
}

/*
 * Record the commands that ended. After each, what it made ready starts at
 * once (fill), before the next ended command is recorded: a dependent on
 * the critical path does not wait behind the bookkeeping of its siblings.
 */
static void reap(struct rk_sched *s)
{
	int status;
	pid_t pid;
	size_t k;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (k = 0; k < s->nrunning; k++) {
			int i = s->running[k];
			struct act *a = &s->a[i];
			struct rk_proc_result res;
			if (a->pid != pid)
				continue;
			ex_remove_running(s, k);
			ex_resources_take(s, a, -1);
			s->groups_dirty = 1;
			/* end what the command left in its group */
			rk_proc_kill_group(pid, SIGKILL);
			rk_proc_status(status, &res);
			res.timed_out = a->timed_out;
			res.duration_ms = rk_now_ms() - a->start_ms;
			ex_finish_attempt(s, i, &res, a->interrupted ? "interrupted" : NULL);
			take_signal(s);
			fill(s);
			break;
		}
	}
}

int rk_sched_run(struct rk_sched *s)
{
	struct sigaction sa, old_int, old_term, old_chld;
	size_t i;
	int rc;
	const char *scale = getenv("RK_EXEC_BACKOFF_SCALE");

	s->run_start = rk_now_ms();
	s->scale = 1.0;
	if (scale && *scale) {
		char *end;
		double v = strtod(scale, &end);
		if (*end == '\0' && v >= 0)
			s->scale = v;
		else
			rk_warn("ignoring RK_EXEC_BACKOFF_SCALE='%s': not a number", scale);
	}
	s->rng = s->o.seed ? s->o.seed
			   : (unsigned long long)rk_now_ms() ^ ((unsigned long long)getpid() << 32);
	if (!s->rng)
		s->rng = 88172645463325252ULL;
	s->resource_count = rk_xcalloc(s->o.nlimits + 1, sizeof(int));
	{
		/* secrets: the inherited environment's, the actions' env values,
		 * the remote cache's credentials; masked in every channel */
		const char *url = s->o.remote_url ? s->o.remote_url : s->config_remote;
		rk_mask_add_env(&s->mask, environ);
		for (i = 0; i < s->n; i++)
			for (size_t j = 0; j < s->a[i].nenv; j++)
				rk_mask_add(&s->mask, strchr(s->a[i].env[j], '=') + 1);
		rk_mask_add_url(&s->mask, url);
		rk_mask_messages(&s->mask);
	}
	{
		/* the run's scratch (raw logs, hook input) is not in the cache: a
		 * read-only or full cache must not stop the commands */
		const char *t = getenv("TMPDIR");
		rk_buf_addf(&s->tmpdir, "%s/rk-exec.XXXXXX", t && *t ? t : "/tmp");
		if (!mkdtemp(s->tmpdir.data)) {
			rk_error("cannot create a scratch directory in %s: %s",
				 t && *t ? t : "/tmp", strerror(errno));
			rk_buf_reset(&s->tmpdir);
			rk_mask_messages(NULL);
			return RK_EXIT_FAIL;
		}
	}
	if (rk_cache_tmpdir(s->o.cache, &s->ctmp) != 0) {
		rk_warn("cannot write to the cache %s (%s): running without caching",
			s->o.cache->root, strerror(errno));
		rk_buf_reset(&s->ctmp);
		s->no_store = 1;
	}
	{
		const char *url = s->o.remote_url ? s->o.remote_url : s->config_remote;
		struct rk_err err;
		if (url && *url) {
			if (rk_remote_init(&s->remote, url, &err) != 0)
				rk_warn("%s: using the local cache only", err.msg);
			else
				s->have_remote = 1;
		}
	}

	{
		char self[4096];
		ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
		if (n > 0) {
			self[n] = '\0';
			s->self = rk_xstrdup(self);
		}
	}
	ex_writer_start(&s->w, s->o.cache);
	rk_msg_at_die(ex_on_die, s);
	if (pipe(ex_sig_pipe) != 0 || pipe(ex_stop_pipe) != 0)
		rk_die(RK_EXIT_FAIL, "pipe: %s", strerror(errno));
	ex_set_nonblock_cloexec(ex_sig_pipe[0]);
	ex_set_nonblock_cloexec(ex_sig_pipe[1]);
	ex_set_nonblock_cloexec(ex_stop_pipe[0]);
	ex_set_nonblock_cloexec(ex_stop_pipe[1]);
	ex_got_signal = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = ex_on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_NOCLDSTOP | SA_RESTART; /* poll(2) still wakes: it is never restarted */
	sigaction(SIGCHLD, &sa, &old_chld);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	rk_msg_on_epipe(ex_on_epipe, s);

	for (i = 0; i < s->n; i++)
		s->a[i].unmet = (int)s->a[i].ndeps;
	for (i = 0; i < s->n; i++)
		if (s->a[i].state == ST_PENDING && s->a[i].unmet == 0)
			ex_make_ready(s, (int)i);

	for (;;) {
		long long now, next = -1;
		size_t k;
		struct pollfd pfd;

		take_signal(s);
		fill(s);
		/* retries whose time came */
		now = rk_now_ms();
		for (i = 0; i < s->n; i++) {
			struct act *a = &s->a[i];
			if (a->state != ST_RETRY_WAIT)
				continue;
			if (s->stop) {
				a->state = ST_SKIPPED;
				s->counts[ST_SKIPPED]++;
				ex_emit_simple(s, a, "skipped", a->attempt,
					       s->interrupted_sig ? "interrupted" : s->stop_reason,
					       NULL);
				ex_skip_dependents(
					s, (int)i,
					s->interrupted_sig ? "interrupted" : s->stop_reason, NULL);
			} else if (a->retry_at_ms <= now) {
				a->state = ST_QUEUED;
				ex_ready_push(s, (int)i);
			} else if (next < 0 || a->retry_at_ms < next) {
				next = a->retry_at_ms;
			}
		}
		fill(s);
		take_signal(s); /* one that came during a hook */
		if (s->nrunning == 0 && next < 0 && (s->nready == 0 || s->stop))
			break;
		for (k = 0; k < s->nrunning; k++) {
			struct act *a = &s->a[s->running[k]];
			if (a->deadline_ms && !a->term_sent && (next < 0 || a->deadline_ms < next))
				next = a->deadline_ms;
			if (a->kill_at_ms && (next < 0 || a->kill_at_ms < next))
				next = a->kill_at_ms;
		}
		ex_note_groups(s);
		pfd.fd = ex_sig_pipe[0];
		pfd.events = POLLIN;
		pfd.revents = 0;
		{
			long long wait = next < 0 ? -1 : next - rk_now_ms();
			if (next >= 0 && wait < 0)
				wait = 0;
			if (poll(&pfd, 1, wait > 3600000 ? 3600000 : (int)wait) > 0)
				drain(ex_sig_pipe[0]);
		}
		take_signal(s);
		reap(s);
		now = rk_now_ms();
		for (k = 0; k < s->nrunning; k++) {
			struct act *a = &s->a[s->running[k]];
			if (a->deadline_ms && !a->term_sent && now >= a->deadline_ms) {
				a->timed_out = 1;
				a->term_sent = 1;
				rk_proc_kill_group(a->pid, SIGTERM);
				a->kill_at_ms = now + (long long)(s->o.kill_grace_s * 1000.0);
			} else if (a->kill_at_ms && now >= a->kill_at_ms) {
				rk_proc_kill_group(a->pid, SIGKILL);
				a->kill_at_ms = 0;
			}
		}
	}

	/* whatever never started */
	for (i = 0; i < s->n; i++) {
		struct act *a = &s->a[i];
		if (a->state == ST_PENDING || a->state == ST_QUEUED) {
			a->state = ST_SKIPPED;
			s->counts[ST_SKIPPED]++;
			ex_emit_simple(s, a, "skipped", 0,
				       s->interrupted_sig ? "interrupted"
				       : s->stop_reason	  ? s->stop_reason
							  : "not run",
				       NULL);
		}
	}

	sigaction(SIGCHLD, &old_chld, NULL);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	close(ex_sig_pipe[0]);
	close(ex_sig_pipe[1]);
	ex_sig_pipe[0] = ex_sig_pipe[1] = -1;
	close(ex_stop_pipe[0]);
	close(ex_stop_pipe[1]);
	ex_stop_pipe[0] = ex_stop_pipe[1] = -1;

	ex_writer_finish(&s->w);
	for (i = 0; i < s->nupload && s->have_remote && !s->remote.disabled; i++)
		ex_upload_one(s, s->upload[i]);

	{
		struct rk_jw w;
		rk_buf_reset(&s->ev);
		rk_jw_init(&w, &s->ev);
		rk_jw_obj(&w);
		rk_jw_kstr(&w, "kind", "summary");
		rk_jw_kint(&w, "actions", (long long)s->n);
		rk_jw_kint(&w, "succeeded", s->counts[ST_SUCCEEDED]);
		rk_jw_kint(&w, "cached", s->counts[ST_CACHED]);
		rk_jw_kint(&w, "failed", s->counts[ST_FAILED]);
		rk_jw_kint(&w, "skipped", s->counts[ST_SKIPPED]);
		rk_jw_kint(&w, "retries", s->retries_done);
		rk_jw_kint(&w, "duration_ms", rk_now_ms() - s->run_start);
		if (s->interrupted_sig) {
			char sn[64];
			ex_signame(s->interrupted_sig, sn, sizeof(sn));
			rk_jw_kstr(&w, "interrupted", sn);
		}
		if (s->have_remote) {
			rk_jw_key(&w, "remote_cache");
			rk_jw_obj(&w);
			rk_jw_kint(&w, "lookups", s->remote.gets);
			rk_jw_kint(&w, "hits", s->remote.hits);
			rk_jw_kint(&w, "uploads", s->remote.puts);
			rk_jw_kbool(&w, "available", !s->remote.disabled);
			rk_jw_obj_end(&w);
		}
		rc = s->write_error				       ? RK_EXIT_FAIL
		     : s->interrupted_sig			       ? 128 + s->interrupted_sig
		     : (s->counts[ST_FAILED] || s->counts[ST_SKIPPED]) ? 1
								       : 0;
		rk_jw_kint(&w, "exit_code", rc);
		rk_jw_obj_end(&w);
		ex_emit_flush(s);
	}
	rk_msg_on_epipe(NULL, NULL);
	rk_msg_at_die(NULL, NULL);
	if (s->have_remote)
		rk_remote_release(&s->remote);
	ex_remove_flat_dir(s->tmpdir.data);
	if (s->ctmp.len)
		ex_remove_flat_dir(s->ctmp.data);
	rk_mask_messages(NULL);
	return rc;
}
