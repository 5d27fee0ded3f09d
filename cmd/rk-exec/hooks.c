/* hooks.c: hook config rules run around actions */
#include "rk_common.h"
#include "exec.h"

/* ---- hooks ---- */

static int hook_matches(const struct hook *h, const char *when, const char *type)
{
	size_t i;
	size_t wl = strlen(when);

	for (i = 0; i < h->nevents; i++) {
		const char *ev = h->events[i];
		if (strcmp(ev, when) == 0 && strcmp(when, "on_failure") == 0)
			return 1;
		if (strncmp(ev, when, wl) == 0 && ev[wl] == ':' &&
		    (strcmp(ev + wl + 1, type) == 0 || strcmp(ev + wl + 1, "*") == 0))
			return 1;
	}
	return 0;
}

/* The last max bytes of the regular file at path into b (memory bounded
 * whatever the file's size); 0, or -1 with errno. */
int ex_read_tail(const char *path, size_t max, struct rk_buf *b)
{
	struct stat st;
	int fd = rk_open_regular(path);
	off_t off;

	rk_buf_reset(b);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0) {
		close(fd);
		return -1;
	}
	off = st.st_size > (off_t)max ? st.st_size - (off_t)max : 0;
	rk_buf_grow(b, max);
	for (;;) {
		ssize_t r = pread(fd, b->data + b->len, max - b->len, off + (off_t)b->len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		b->len += (size_t)r;
		if (b->len >= max)
			break;
	}
	b->data[b->len] = '\0';
	close(fd);
	return 0;
}

/* The last line of a hook's log (at most 200 bytes), masked, for messages. */
static void hook_log_tail(const struct rk_sched *s, const char *path, struct rk_buf *out)
{
	struct rk_buf b = RK_BUF_INIT;
	size_t end, start;

	/* mask before cutting: a secret cut in two would survive */
	if (ex_read_tail(path, 65536, &b) == 0 && b.len) {
		rk_mask_buf(&s->mask, &b);
		end = b.len;
		while (end > 0 && (b.data[end - 1] == '\n' || b.data[end - 1] == '\r'))
			end--;
		start = end;
		while (start > 0 && b.data[start - 1] != '\n' && end - start < 200)
			start--;
		rk_buf_add(out, b.data + start, end - start);
	}
	rk_buf_release(&b);
}

/* Run the hooks for when ("before", "after", "on_failure") with the event
 * JSON on stdin. Returns 0, or -1 when one failed (why filled). */
int ex_run_hooks(struct rk_sched *s, const struct act *a, const char *when,
		 const struct rk_buf *event, struct rk_buf *why)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < s->nhooks; i++) {
		struct hook *h = &s->hooks[i];
		struct rk_buf in = RK_BUF_INIT, log = RK_BUF_INIT, evname = RK_BUF_INIT;
		struct rk_buf envs = RK_BUF_INIT;
		struct rk_proc_opts po = {0};
		struct rk_proc_result res;
		char **env;
		size_t ne = 0, k;
		char desc[128];

		if (!hook_matches(h, when, a->type))
			continue;
		s->hook_seq++;
		rk_buf_addf(&in, "%s/hook.%lld.in", s->tmpdir.data, s->hook_seq);
		rk_buf_addf(&log, "%s/hook.%lld.log", s->tmpdir.data, s->hook_seq);
		rk_buf_add(&envs, event->data, event->len);
		rk_buf_addc(&envs, '\n');
		if (rk_write_file_atomic(in.data, envs.data, envs.len, 0600) != 0) {
			rk_warn("hook '%s': cannot write its input: %s", h->name, strerror(errno));
			rk_buf_release(&in);
			rk_buf_release(&log);
			rk_buf_release(&envs);
			if (strcmp(when, "before") == 0) {
				rk_buf_addf(why, "before-hook '%s' could not run", h->name);
				rc = -1;
				break;
			}
			continue;
		}
		rk_buf_reset(&envs);
		for (k = 0; environ[k]; k++)
			ne++;
		env = rk_xcalloc(ne + 3, sizeof(char *));
		ne = 0;
		for (k = 0; environ[k]; k++)
			if (strncmp(environ[k], "RK_HOOK_EVENT=", 14) != 0 &&
			    strncmp(environ[k], "RK_ACTION_ID=", 13) != 0)
				env[ne++] = environ[k];
		rk_buf_addf(&evname, "RK_HOOK_EVENT=%s%s%s", when,
			    strcmp(when, "on_failure") == 0 ? "" : ":",
			    strcmp(when, "on_failure") == 0 ? "" : a->type);
		rk_buf_addf(&envs, "RK_ACTION_ID=%s", a->id);
		env[ne++] = evname.data;
		env[ne++] = envs.data;
		po.argv = h->argv;
		po.env = env;
		po.cwd = s->o.repo_root;
		po.stdin_path = in.data;
		po.stdout_path = log.data;
		po.stderr_path = log.data;
		po.timeout_s = h->timeout_s > 0 ? h->timeout_s : 600;
		po.kill_grace_s = s->o.kill_grace_s;
		po.cancel_fd = ex_stop_pipe[0]; /* SIGINT/SIGTERM reach the hook at once */
		if (rk_proc_run(&po, &res) != 0) {
			snprintf(desc, sizeof(desc), "cannot run '%s': %s", h->argv[0],
				 strerror(errno));
		} else if (res.exited && res.code == 0 && !res.timed_out) {
			desc[0] = '\0';
		} else {
			rk_proc_describe(&res, desc, sizeof(desc));
		}
		if (desc[0]) {
			if (strcmp(when, "before") == 0) {
				struct rk_buf t = RK_BUF_INIT;
				hook_log_tail(s, log.data, &t);
				rk_buf_addf(why, "before-hook '%s' failed: %s%s%s", h->name, desc,
					    t.len ? ": " : "", t.len ? t.data : "");
				rk_buf_release(&t);
				rc = -1;
			} else {
				struct rk_buf t = RK_BUF_INIT;
				hook_log_tail(s, log.data, &t);
				rk_warn("%s-hook '%s' for action '%s' failed: %s%s%s", when,
					h->name, a->id, desc, t.len ? ": " : "",
					t.len ? t.data : "");
				rk_buf_release(&t);
			}
		}
		unlink(in.data);
		free(env);
		rk_buf_release(&in);
		rk_buf_release(&log);
		rk_buf_release(&evname);
		rk_buf_release(&envs);
		if (rc)
			break;
	}
	return rc;
}

int ex_has_hooks(const struct rk_sched *s, const char *when, const char *type)
{
	size_t i;
	for (i = 0; i < s->nhooks; i++)
		if (hook_matches(&s->hooks[i], when, type))
			return 1;
	return 0;
}
