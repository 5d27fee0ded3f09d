/* attempt.c: running one attempt of an action and recording its result */
#include "rk_common.h"
#include "exec.h"

/* ---- running commands ---- */

static int limit_index(const struct rk_sched *s, const char *name)
{
	size_t i;
	if (!name)
		return -1;
	for (i = 0; i < s->o.nlimits; i++)
		if (strcmp(s->o.limits[i].name, name) == 0)
			return (int)i;
	return -1;
}

int ex_resources_free(const struct rk_sched *s, const struct act *a)
{
	int t = limit_index(s, a->type), r = limit_index(s, a->resource);
	if (t >= 0 && s->resource_count[t] >= s->o.limits[t].max)
		return 0;
	if (r >= 0 && r != t && s->resource_count[r] >= s->o.limits[r].max)
		return 0;
	return 1;
}

void ex_resources_take(struct rk_sched *s, const struct act *a, int delta)
{
	int t = limit_index(s, a->type), r = limit_index(s, a->resource);
	if (t >= 0)
		s->resource_count[t] += delta;
	if (r >= 0 && r != t)
		s->resource_count[r] += delta;
}

static void attempt_path(struct rk_sched *s, int i, const char *ext, struct rk_buf *out)
{
	rk_buf_reset(out);
	rk_buf_addf(out, "%s/%d.%d.%s", s->tmpdir.data, i, s->a[i].attempt, ext);
}

static int max_retries(const struct rk_sched *s, const struct act *a)
{
	size_t i;
	if (a->max_retries >= 0)
		return a->max_retries;
	for (i = 0; i < s->o.nretries; i++)
		if (strcmp(s->o.retries[i].name, a->type) == 0)
			return s->o.retries[i].max;
	return s->o.default_retries;
}

/* Start attempt a->attempt+1 of i. */
/* Action i fails before anything ran (attempt a->attempt, no retry). */
static void fail_unstarted(struct rk_sched *s, int i, const char *reason)
{
	struct evinfo e = {0};

	e.state = "failed";
	e.attempt = s->a[i].attempt;
	e.duration_ms = 0;
	e.retry_in_ms = -1;
	e.reason = reason;
	ex_fail_now(s, i, &e);
}

void ex_start(struct rk_sched *s, int i)
{
	struct act *a = &s->a[i];
	struct rk_buf out = RK_BUF_INIT, err = RK_BUF_INIT, resf = RK_BUF_INIT;
	struct rk_buf cwd = RK_BUF_INIT, e1 = RK_BUF_INIT, e2 = RK_BUF_INIT, e3 = RK_BUF_INIT;
	struct rk_buf actf = RK_BUF_INIT;
	struct rk_proc_opts po = {0};
	char **env, *self_argv[4] = {NULL, NULL, NULL, NULL};
	size_t ne = 0, k, j;

	a->attempt++;
	a->timed_out = a->term_sent = a->interrupted = 0;
	a->kill_at_ms = a->deadline_ms = 0;
	a->start_ms = rk_now_ms();
	if (!a->argv && a->ex) {
		/* a built-in executor: this program, --run-action FILE */
		attempt_path(s, i, "action", &actf);
		if (!s->self || rk_write_file(actf.data, a->record, strlen(a->record), 0600) != 0) {
			struct rk_buf why = RK_BUF_INIT;
			rk_buf_addf(&why, "cannot start the built-in executor of '%s': %s", a->type,
				    s->self ? strerror(errno) : "cannot find rk-exec's executable");
			fail_unstarted(s, i, why.data);
			rk_buf_release(&why);
			rk_buf_release(&actf);
			rk_buf_release(&cwd);
			return;
		}
		self_argv[0] = s->self;
		self_argv[1] = (char *)"--run-action";
		self_argv[2] = actf.data;
	} else if (!a->argv) {
		struct rk_buf why = RK_BUF_INIT;
		rk_buf_addf(&why, "no executor for action type '%s' yet", a->type);
		fail_unstarted(s, i, why.data);
		rk_buf_release(&why);
		return;
	}
	ex_emit_simple(s, a, "started", a->attempt, NULL, NULL);
	if (a->attempt == 1 && ex_has_hooks(s, "before", a->type)) {
		struct rk_buf why = RK_BUF_INIT;
		struct evinfo e = {0};
		e.state = "started";
		e.attempt = a->attempt;
		e.duration_ms = -1;
		e.retry_in_ms = -1;
		ex_build_event(s, a, &e, &s->ev);
		if (ex_run_hooks(s, a, "before", &s->ev, &why) != 0) {
			rk_buf_reset(&s->ev);
			e.state = "failed";
			e.duration_ms = rk_now_ms() - a->start_ms;
			e.reason = why.data;
			ex_fail_now(s, i, &e);
			rk_buf_release(&why);
			rk_buf_release(&actf);
			return;
		}
		rk_buf_reset(&s->ev);
		rk_buf_release(&why);
	}

	attempt_path(s, i, "out", &out);
	attempt_path(s, i, "err", &err);
	attempt_path(s, i, "result", &resf);
	unlink(resf.data);
	for (k = 0; environ[k]; k++)
		ne++;
	env = rk_xcalloc(ne + a->nenv + 4, sizeof(char *));
	ne = 0;
	for (k = 0; environ[k]; k++) {
		const char *v = environ[k];
		size_t kl = strcspn(v, "=");
		int overridden = strncmp(v, "RK_RESULT_FILE=", 15) == 0 ||
				 strncmp(v, "RK_ACTION_ID=", 13) == 0 ||
				 strncmp(v, "RK_ATTEMPT=", 11) == 0;
		for (j = 0; !overridden && j < a->nenv; j++)
			if (strncmp(a->env[j], v, kl + 1) == 0)
				overridden = 1;
		if (!overridden)
			env[ne++] = environ[k];
	}
	for (j = 0; j < a->nenv; j++)
		env[ne++] = a->env[j];
	rk_buf_addf(&e1, "RK_RESULT_FILE=%s", resf.data);
	rk_buf_addf(&e2, "RK_ACTION_ID=%s", a->id);
	rk_buf_addf(&e3, "RK_ATTEMPT=%d", a->attempt);
	env[ne++] = e1.data;
	env[ne++] = e2.data;
	env[ne++] = e3.data;
	if (self_argv[0])
		rk_buf_adds(&cwd, s->o.repo_root); /* built-ins run at the root */
	else if (a->cwd && a->cwd[0] == '/')
		rk_buf_adds(&cwd, a->cwd);
	else if (a->cwd && *a->cwd)
		rk_buf_addf(&cwd, "%s/%s", s->o.repo_root, a->cwd);
	else
		rk_buf_adds(&cwd, s->o.repo_root);
	po.argv = self_argv[0] ? self_argv : a->argv;
	po.env = env;
	po.cwd = cwd.data;
	po.stdout_path = out.data;
	po.stderr_path = err.data;
	if (rk_proc_spawn(&po, &a->pid) != 0) {
		struct rk_buf why = RK_BUF_INIT;
		struct evinfo e = {0};
		int en = errno;
		struct stat st;
		if (a->cwd && stat(cwd.data, &st) != 0)
			rk_buf_addf(&why, "cannot run '%s': working directory '%s': %s", po.argv[0],
				    a->cwd, strerror(en));
		else
			rk_buf_addf(&why, "cannot run '%s': %s", po.argv[0], strerror(en));
		e.state = "failed";
		e.attempt = a->attempt;
		e.duration_ms = rk_now_ms() - a->start_ms;
		e.retry_in_ms = -1;
		e.reason = why.data;
		ex_fail_now(s, i, &e);
		rk_buf_release(&why);
	} else {
		a->state = ST_RUNNING;
		if (a->timeout_s > 0)
			a->deadline_ms = a->start_ms + (long long)(a->timeout_s * 1000.0);
		ex_resources_take(s, a, 1);
		RK_GROW(s->running, s->runcap, s->nrunning + 1);
		s->running[s->nrunning++] = i;
		s->groups_dirty = 1;
	}
	free(env);
	rk_buf_release(&actf);
	rk_buf_release(&out);
	rk_buf_release(&err);
	rk_buf_release(&resf);
	rk_buf_release(&cwd);
	rk_buf_release(&e1);
	rk_buf_release(&e2);
	rk_buf_release(&e3);
}

/* The last lines (at most 20, 2000 bytes) of the file at path, which is
 * the masked copy of the log: masking happens before the cut. Reads only
 * the end of the file. */
static void stderr_tail(const char *path, struct rk_buf *out)
{
	struct rk_buf b = RK_BUF_INIT;
	size_t start, lines = 0;

	rk_buf_reset(out);
	if (ex_read_tail(path, 4096, &b) != 0 || b.len == 0) {
		rk_buf_release(&b);
		return;
	}
	start = b.len;
	if (b.data[start - 1] == '\n')
		start--;
	while (start > 0 && b.len - start < 2000) {
		if (b.data[start - 1] == '\n' && ++lines >= 20)
			break;
		start--;
	}
	/* do not start inside a UTF-8 sequence */
	while (start < b.len && ((unsigned char)b.data[start] & 0xC0) == 0x80)
		start++;
	rk_buf_add(out, b.data + start, b.len - start);
	rk_buf_release(&b);
}

/*
 * Parse $RK_RESULT_FILE: retry_after=SECONDS, retryable=true|false,
 * output=PATH (appended to outputs, a NULL-terminated vector) and
 * note=TEXT (the last one, into *note; malloc'd).
 */
static void read_result_file(const char *path, double *retry_after, int *retryable, char ***outputs,
			     char **note)
{
	struct rk_buf b = RK_BUF_INIT;
	char *line, *save = NULL;
	size_t nout = 0, outcap = 0;

	*retry_after = -1;
	*retryable = -1;
	*outputs = NULL;
	*note = NULL;
	if (ex_read_tail(path, 65536, &b) != 0 || !b.data) {
		rk_buf_release(&b);
		return;
	}
	for (line = strtok_r(b.data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *end;
		if (strncmp(line, "retry_after=", 12) == 0) {
			double v = strtod(line + 12, &end);
			if (end != line + 12 && v >= 0)
				*retry_after = v > 3600 ? 3600 : v;
		} else if (strcmp(line, "retryable=true") == 0 ||
			   strcmp(line, "retryable=1") == 0) {
			*retryable = 1;
		} else if (strcmp(line, "retryable=false") == 0 ||
			   strcmp(line, "retryable=0") == 0) {
			*retryable = 0;
		} else if (strncmp(line, "output=", 7) == 0 && line[7]) {
			RK_GROW(*outputs, outcap, nout + 2);
			(*outputs)[nout++] = rk_xstrdup(line + 7);
			(*outputs)[nout] = NULL;
		} else if (strncmp(line, "note=", 5) == 0) {
			free(*note);
			*note = rk_xstrdup(line + 5);
		}
	}
	rk_buf_release(&b);
}

static unsigned long long rng_next(struct rk_sched *s)
{
	/* xorshift64* */
	s->rng ^= s->rng >> 12;
	s->rng ^= s->rng << 25;
	s->rng ^= s->rng >> 27;
	return s->rng * 2685821657736338717ULL;
}

/* Store a successful attempt's outputs (declared, then those of the result
 * file) into the CAS/AC; *r receives the result. */
static void record_success(struct rk_sched *s, int i, char **more, struct rk_ac_result *r)
{
	struct act *a = &s->a[i];
	struct rk_buf enc = RK_BUF_INIT, staged = RK_BUF_INIT;
	char **p;
	int pass;

	if (s->no_store)
		return;
	for (pass = 0, p = a->outputs; pass < 2; pass++, p = more)
		for (; p && *p; p++) {
			char hex[RK_SHA256_HEX];
			long long size = 0;
			int exe = 0;
			/* streamed, never through a symbolic link, never a FIFO or a
			 * directory, never outside the repository */
			if (rk_cache_stage_beneath(s->o.cache, s->o.repo_root, *p, &staged, hex,
						   &size, &exe) != 0) {
				int en = errno;
				rk_warn("action '%s': output %s not stored: %s", a->id, *p,
					en == ELOOP    ? "a symbolic link is in its path"
					: en == EINVAL ? "not inside the repository"
						       : rk_strerror(en));
				continue;
			}
			/* made durable by the writer, in its batch, before the result */
			ex_writer_adopt(&s->w, a->id, staged.data, hex);
			rk_ac_result_add_file(r, *p, hex, size, exe);
		}
	rk_buf_release(&staged);
	rk_ac_encode(r, &enc);
	ex_writer_ac(&s->w, a->id, a->key, &enc);
	if (s->have_remote) {
		RK_GROW(s->upload, s->upcap, s->nupload + 1);
		s->upload[s->nupload++] = rk_xstrdup(a->key);
	}
	rk_buf_release(&enc);
}

/*
 * The masked copy of a log: written into the cache's scratch (to be
 * adopted into the CAS; only masked logs are stored and uploaded), or into
 * the run's scratch when the cache cannot be written. The raw log is
 * removed. 0, or -1 with errno (nothing left behind).
 */
static int mask_log(struct rk_sched *s, const char *raw, struct rk_buf *masked,
		    char hex[RK_SHA256_HEX], long long *size)
{
	int rc, e;

	for (;;) {
		rk_buf_reset(masked);
		rk_buf_addf(masked, "%s/%s.m", s->no_store ? s->tmpdir.data : s->ctmp.data,
			    strrchr(raw, '/') + 1);
		rc = rk_mask_file(&s->mask, raw, masked->data, hex, size);
		if (rc == 0)
			break;
		e = errno;
		unlink(masked->data);
		if (s->no_store || !(e == ENOSPC || e == EDQUOT || e == EROFS || e == EACCES ||
				     e == EPERM || e == EIO)) {
			errno = e;
			break;
		}
		/* the cache is full or read-only: carry on without storing */
		rk_warn("cannot write to the cache %s (%s): running without caching", s->ctmp.data,
			strerror(e));
		s->no_store = 1;
	}
	e = errno;
	unlink(raw);
	errno = e;
	return rc;
}

void ex_finish_attempt(struct rk_sched *s, int i, const struct rk_proc_result *res,
		       const char *fail_reason)
{
	struct act *a = &s->a[i];
	struct rk_buf out = RK_BUF_INIT, err = RK_BUF_INIT, resf = RK_BUF_INIT;
	struct rk_buf tail = RK_BUF_INIT, why = RK_BUF_INIT, otail = RK_BUF_INIT;
	struct rk_buf mout = RK_BUF_INIT, merr = RK_BUF_INIT;
	struct rk_ac_result r;
	struct evinfo e = {0};
	double retry_after;
	int retryable, ok, logs_ok;
	size_t k;
	char **more_outputs, *note;

	rk_ac_result_init(&r);
	attempt_path(s, i, "out", &out);
	attempt_path(s, i, "err", &err);
	attempt_path(s, i, "result", &resf);
	/* a command that exits 0 during the grace period of an interruption
	 * succeeded: recorded and cached, so a rerun does not repeat it */
	ok = res->exited && res->code == 0 && !res->timed_out;
	read_result_file(resf.data, &retry_after, &retryable, &more_outputs, &note);
	unlink(resf.data);
	/* mask before anything is cut, stored or uploaded */
	logs_ok = mask_log(s, out.data, &mout, r.stdout_digest, &r.stdout_size) == 0;
	if (logs_ok)
		logs_ok = mask_log(s, err.data, &merr, r.stderr_digest, &r.stderr_size) == 0;
	if (!logs_ok) {
		rk_warn("action '%s': cannot keep its output (%s): %s", a->id,
			s->no_store ? s->tmpdir.data : s->ctmp.data, rk_strerror(errno));
		unlink(mout.data);
		unlink(out.data);
		unlink(err.data);
		memcpy(r.stdout_digest, RK_EMPTY_SHA256, RK_SHA256_HEX);
		memcpy(r.stderr_digest, RK_EMPTY_SHA256, RK_SHA256_HEX);
		r.stdout_size = r.stderr_size = 0;
	} else {
		if (!ok) {
			stderr_tail(merr.data, &tail);
			stderr_tail(mout.data, &otail);
		}
		if (s->no_store) {
			unlink(mout.data);
			unlink(merr.data);
		} else {
			ex_writer_adopt(&s->w, a->id, mout.data, r.stdout_digest);
			ex_writer_adopt(&s->w, a->id, merr.data, r.stderr_digest);
		}
	}
	r.exit_code = res->exited ? res->code : -1;

	e.attempt = a->attempt;
	e.duration_ms = rk_now_ms() - a->start_ms;
	e.res = res;
	e.stdout_digest = r.stdout_digest;
	e.stdout_size = r.stdout_size;
	e.stderr_digest = r.stderr_digest;
	e.stderr_size = r.stderr_size;
	e.retry_in_ms = -1;
	e.note = note;

	if (ok) {
		if (logs_ok) /* a result whose logs are lost is not cached */
			record_success(s, i, more_outputs, &r);
		e.state = "succeeded";
		e.outputs = &r;
		a->state = ST_SUCCEEDED;
		s->counts[ST_SUCCEEDED]++;
		ex_emit(s, a, &e);
		if (ex_has_hooks(s, "after", a->type)) {
			ex_build_event(s, a, &e, &s->ev);
			ex_run_hooks(s, a, "after", &s->ev, &why);
			rk_buf_reset(&s->ev);
		}
		rk_ac_result_release(&r);
		ex_finish_ok(s, i);
		goto out;
	}

	if (fail_reason)
		rk_buf_adds(&why, fail_reason);
	else if (a->ex && !a->argv && res->exited && res->code != 0 && tail.len) {
		/* a built-in executor's message: its last stderr line */
		const char *l = tail.data + tail.len;
		size_t pl = strlen(rk_progname);
		while (l > tail.data && l[-1] == '\n')
			l--;
		while (l > tail.data && l[-1] != '\n')
			l--;
		if (strncmp(l, rk_progname, pl) == 0 && strncmp(l + pl, ": ", 2) == 0)
			l += pl + 2;
		rk_buf_add(&why, l, strcspn(l, "\n"));
	} else {
		char d[96];
		rk_proc_describe(res, d, sizeof(d));
		if (res->timed_out)
			snprintf(d, sizeof(d), "timed out after %gs", a->timeout_s);
		rk_buf_adds(&why, d);
	}
	e.reason = why.data;
	e.stderr_tail = tail.len ? tail.data : NULL;
	e.stdout_tail = otail.len ? otail.data : NULL;

	if (retryable < 0) {
		retryable = res->timed_out;
		if (res->exited) {
			if (a->has_retry_codes) {
				for (k = 0; k < a->nretry_codes; k++)
					if (a->retry_codes[k] == res->code)
						retryable = 1;
			} else if (res->code == 75) {
				retryable = 1;
			}
		}
	}
	if (a->interrupted)
		retryable = 0;
	if (retryable && !s->stop && a->attempt <= max_retries(s, a)) {
		long long delay;
		if (retry_after >= 0) {
			delay = (long long)(retry_after * 1000.0 * s->scale);
		} else {
			long long cap = s->o.backoff_base_ms;
			int n;
			for (n = 1; n < a->attempt && cap < s->o.backoff_max_ms; n++)
				cap *= 2;
			if (cap > s->o.backoff_max_ms)
				cap = s->o.backoff_max_ms;
			delay = (long long)((double)(rng_next(s) % (unsigned long long)(cap + 1)) *
					    s->scale);
		}
		e.state = "retrying";
		e.retry_in_ms = delay;
		a->state = ST_RETRY_WAIT;
		a->retry_at_ms = rk_now_ms() + delay;
		s->retries_done++;
		ex_emit(s, a, &e);
	} else {
		e.state = "failed";
		ex_fail_now(s, i, &e);
	}
	rk_ac_result_release(&r);
out:
	rk_sched_free_strv(more_outputs);
	free(note);
	rk_buf_release(&out);
	rk_buf_release(&err);
	rk_buf_release(&resf);
	rk_buf_release(&tail);
	rk_buf_release(&otail);
	rk_buf_release(&why);
	rk_buf_release(&mout);
	rk_buf_release(&merr);
}
