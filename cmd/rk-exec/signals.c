/* signals.c: signal handlers, the self-pipes, the lock's process groups, dying cleanly */
#include "rk_common.h"
#include "exec.h"

/* ---- signals ---- */

void ex_remove_running(struct rk_sched *s, size_t k)
{
	s->running[k] = s->running[--s->nrunning];
}

/* Written by every handled signal: the loop polls it. */
int ex_sig_pipe[2] = {-1, -1};
volatile sig_atomic_t ex_got_signal;
/* Written by the SIGINT/SIGTERM handlers (and on a stdout error) only, not
 * by SIGCHLD: a hook's wait watches it. */
int ex_stop_pipe[2] = {-1, -1};

void ex_on_signal(int sig)
{
	int saved = errno;
	char c = (char)sig;
	if (sig == SIGINT || sig == SIGTERM) {
		ex_got_signal = sig;
		if (ex_stop_pipe[1] >= 0)
			(void)write(ex_stop_pipe[1], &c, 1);
	}
	if (ex_sig_pipe[1] >= 0)
		(void)write(ex_sig_pipe[1], &c, 1);
	errno = saved;
}

/* The reader of the events went away, or stdout failed (disk full, EIO):
 * stop as on SIGTERM (output is discarded); the children are signalled and
 * reaped, what finished is recorded in the cache, the lock released. */
void ex_on_epipe(void *ctx)
{
	struct rk_sched *s = ctx;
	char c = (char)SIGPIPE;

	if (errno != EPIPE)
		s->write_error = errno ? errno : EIO;
	ex_got_signal = SIGPIPE;
	if (ex_sig_pipe[1] >= 0)
		(void)write(ex_sig_pipe[1], &c, 1);
	if (ex_stop_pipe[1] >= 0)
		(void)write(ex_stop_pipe[1], &c, 1);
}

/* The process groups running now, recorded in the repository lock when
 * they changed (once per pass of the loop, not once per command). */
void ex_note_groups(struct rk_sched *s)
{
	int *g;
	size_t k;

	if (!s->o.lock || !s->groups_dirty)
		return;
	s->groups_dirty = 0;
	g = rk_xcalloc(s->nrunning + 1, sizeof(int));
	for (k = 0; k < s->nrunning; k++)
		g[k] = (int)s->a[s->running[k]].pid;
	if (rk_lock_set_groups(s->o.lock, g, s->nrunning) != 0)
		rk_warn("cannot update the lock %s: %s", s->o.lock->path, strerror(errno));
	free(g);
}

/*
 * rk_die (out of memory, ...) in the middle of a run: stop the commands
 * (SIGTERM, SIGKILL after the grace period), reap them, remove the scratch
 * directories and release the lock, so nothing runs on unsupervised.
 */
void ex_on_die(void *ctx)
{
	struct rk_sched *s = ctx;
	long long until = rk_now_ms() + (long long)(s->o.kill_grace_s * 1000.0);
	size_t k;

	for (k = 0; k < s->nrunning; k++)
		rk_proc_kill_group(s->a[s->running[k]].pid, SIGTERM);
	while (s->nrunning) {
		int st;
		pid_t p = waitpid(-1, &st, WNOHANG);
		if (p > 0) {
			for (k = 0; k < s->nrunning; k++)
				if (s->a[s->running[k]].pid == p) {
					rk_proc_kill_group(p, SIGKILL);
					ex_remove_running(s, k);
					break;
				}
			continue;
		}
		if (p < 0 && errno != EINTR)
			break;
		if (rk_now_ms() >= until) {
			for (k = 0; k < s->nrunning; k++)
				rk_proc_kill_group(s->a[s->running[k]].pid, SIGKILL);
			until = rk_now_ms() + 60000;
		}
		{
			struct timespec ts = {0, 20 * 1000000L};
			nanosleep(&ts, NULL);
		}
	}
	if (s->tmpdir.data)
		ex_remove_flat_dir(s->tmpdir.data);
	if (s->ctmp.data)
		ex_remove_flat_dir(s->ctmp.data);
	if (s->o.lock)
		rk_lock_release(s->o.lock);
}

void ex_set_nonblock_cloexec(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	fcntl(fd, F_SETFD, FD_CLOEXEC);
}
