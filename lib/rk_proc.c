/* rk_proc.c - subprocesses through posix_spawn; see rk_proc.h. */
#define _GNU_SOURCE /* posix_spawn_file_actions_addchdir_np (glibc >= 2.29) */
#include "rk_common.h"
#include "rk_proc.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* Signals a child must start with at their default disposition. */
static const int default_sigs[] = {SIGPIPE, SIGINT,  SIGTERM, SIGQUIT, SIGHUP,
				   SIGCHLD, SIGALRM, SIGUSR1, SIGUSR2};

/*
 * Resolve argv0 the way execvp does, in the parent, so a missing program is
 * ENOENT here (and not an exit 127 from a forked child on systems whose
 * posix_spawn cannot report exec failures). Returns 0 with *path (owned),
 * or -1 with errno.
 */
static int resolve(const char *argv0, char **path)
{
	const char *p, *end;
	struct rk_buf b = RK_BUF_INIT;
	int err = ENOENT;

	if (strchr(argv0, '/')) {
		if (access(argv0, X_OK) != 0)
			return -1;
		*path = rk_xstrdup(argv0);
		return 0;
	}
	if (!*argv0) {
		errno = ENOENT;
		return -1;
	}
	p = getenv("PATH");
	if (!p)
		p = "/usr/local/bin:/usr/bin:/bin";
	for (;;) {
		end = strchr(p, ':');
		if (!end)
			end = p + strlen(p);
		rk_buf_reset(&b);
		if (end == p)
			rk_buf_addc(&b, '.');
		else
			rk_buf_add(&b, p, (size_t)(end - p));
		rk_buf_addc(&b, '/');
		rk_buf_adds(&b, argv0);
		if (access(b.data, X_OK) == 0) {
			if (rk_is_file(b.data)) {
				*path = rk_buf_detach(&b, NULL);
				return 0;
			}
		} else if (errno == EACCES) {
			err = EACCES;
		}
		if (!*end)
			break;
		p = end + 1;
	}
	rk_buf_release(&b);
	errno = err;
	return -1;
}

/* In the child after fork: report errno e to the parent and exit. */
static _Noreturn void child_fail(int errfd, int e)
{
	ssize_t w;

	do
		w = write(errfd, &e, sizeof(e));
	while (w < 0 && errno == EINTR);
	_exit(127);
}

/* dup2 of an opened file to target (async-signal-safe). */
static void child_redirect(int errfd, const char *path, int flags, int target)
{
	int fd = open(path, flags | O_CLOEXEC, 0644);

	if (fd < 0)
		child_fail(errfd, errno);
	if (dup2(fd, target) < 0)
		child_fail(errfd, errno);
	close(fd);
}

/*
 * fork + execve rather than posix_spawn: posix_spawn cannot set
 * PR_SET_PDEATHSIG. The child runs only async-signal-safe calls (the
 * parent may have threads); everything it needs is prepared before the
 * fork. An exec or redirection failure comes back through a close-on-exec
 * pipe as the errno of rk_proc_spawn.
 */
int rk_proc_spawn(const struct rk_proc_opts *opts, pid_t *pid)
{
	char *path = NULL;
	char *const *env = opts->env ? opts->env : environ;
	int share = opts->stdout_path && opts->stderr_path &&
		    strcmp(opts->stdout_path, opts->stderr_path) == 0;
	int ep[2], e = 0;
	pid_t parent = getpid(), c;
	ssize_t r;

	if (!opts->argv || !opts->argv[0]) {
		errno = EINVAL;
		return -1;
	}
	if (opts->cwd) {
		struct stat st;
		if (stat(opts->cwd, &st) != 0)
			return -1;
		if (!S_ISDIR(st.st_mode)) {
			errno = ENOTDIR;
			return -1;
		}
	}
	if (resolve(opts->argv[0], &path) != 0)
		return -1;
	if (pipe(ep) != 0) {
		free(path);
		return -1;
	}
	(void)fcntl(ep[0], F_SETFD, FD_CLOEXEC);
	(void)fcntl(ep[1], F_SETFD, FD_CLOEXEC);
	c = fork();
	if (c < 0) {
		e = errno;
		close(ep[0]);
		close(ep[1]);
		free(path);
		errno = e;
		return -1;
	}
	if (c == 0) {
		struct sigaction sa;
		sigset_t none;
		size_t i;

		close(ep[0]);
		(void)setpgid(0, 0);
		/* die with the parent; it may be gone already */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0)
			child_fail(ep[1], errno);
		if (getppid() != parent)
			_exit(127);
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = SIG_DFL;
		sigemptyset(&sa.sa_mask);
		for (i = 0; i < RK_ARRAY_SIZE(default_sigs); i++)
			(void)sigaction(default_sigs[i], &sa, NULL);
		sigemptyset(&none);
		(void)sigprocmask(SIG_SETMASK, &none, NULL);
		/* the redirections before the chdir: relative to the parent's cwd */
		child_redirect(ep[1], opts->stdin_path ? opts->stdin_path : "/dev/null", O_RDONLY,
			       0);
		if (opts->stdout_path)
			child_redirect(ep[1], opts->stdout_path, O_WRONLY | O_CREAT | O_TRUNC, 1);
		if (share) {
			if (dup2(1, 2) < 0)
				child_fail(ep[1], errno);
		} else if (opts->stderr_path) {
			child_redirect(ep[1], opts->stderr_path, O_WRONLY | O_CREAT | O_TRUNC, 2);
		}
		if (opts->cwd && chdir(opts->cwd) != 0)
			child_fail(ep[1], errno);
		execve(path, opts->argv, env);
		child_fail(ep[1], errno);
	}
	/* the parent: also make the group here, so a kill right away finds it */
	(void)setpgid(c, c);
	close(ep[1]);
	free(path);
	do
		r = read(ep[0], &e, sizeof(e));
	while (r < 0 && errno == EINTR);
	close(ep[0]);
	if (r == (ssize_t)sizeof(e)) {
		int st;
		while (waitpid(c, &st, 0) < 0 && errno == EINTR)
			;
		errno = e;
		return -1;
	}
	*pid = c;
	return 0;
}

void rk_proc_status(int status, struct rk_proc_result *res)
{
	res->exited = WIFEXITED(status) ? 1 : 0;
	res->code = res->exited ? WEXITSTATUS(status) : 0;
	res->signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	res->timed_out = 0;
	res->interrupted = 0;
}

int rk_proc_kill_group(pid_t pid, int sig)
{
	if (pid <= 1) {
		errno = EINVAL;
		return -1;
	}
	if (kill(-pid, sig) != 0) {
		if (errno == ESRCH)
			return 0; /* the group is already gone */
		return -1;
	}
	return 0;
}

/* Open a descriptor that polls readable when pid exits, or -1. */
static int pidfd_open_(pid_t pid)
{
#ifdef SYS_pidfd_open
	long fd = syscall(SYS_pidfd_open, pid, 0);
	if (fd >= 0) {
		(void)fcntl((int)fd, F_SETFD, FD_CLOEXEC);
		return (int)fd;
	}
#endif
	(void)pid;
	return -1;
}

/*
 * Wait for pid for at most timeout_ms (< 0: forever). Returns 1 with
 * *status when it ended, 0 on timeout, 2 when cancel_fd (> 0) became
 * readable, -1 on error.
 */
static int wait_for(pid_t pid, int pidfd, long long timeout_ms, int *status, int cancel_fd)
{
	long long deadline = timeout_ms >= 0 ? rk_now_ms() + timeout_ms : -1;
	long long sleep_ms = 1;

	for (;;) {
		long long left;
		pid_t r = waitpid(pid, status, timeout_ms < 0 && cancel_fd <= 0 ? 0 : WNOHANG);
		if (r == pid)
			return 1;
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		left = deadline >= 0 ? deadline - rk_now_ms() : 1000000;
		if (left <= 0)
			return 0;
		if (cancel_fd > 0) {
			struct pollfd c = {cancel_fd, POLLIN, 0};
			if (poll(&c, 1, 0) > 0 && (c.revents & POLLIN))
				return 2;
		}
		if (pidfd >= 0) {
			struct pollfd p[2] = {{pidfd, POLLIN, 0}, {cancel_fd, POLLIN, 0}};
			if (poll(p, cancel_fd > 0 ? 2 : 1, left > 1000000 ? 1000000 : (int)left) <
				    0 &&
			    errno != EINTR)
				return -1;
		} else {
			/* No pidfd (old kernel): back off up to 50 ms. */
			struct timespec ts;
			long long s = sleep_ms < left ? sleep_ms : left;
			ts.tv_sec = (time_t)(s / 1000);
			ts.tv_nsec = (long)(s % 1000) * 1000000L;
			nanosleep(&ts, NULL);
			if (sleep_ms < 50)
				sleep_ms *= 2;
		}
	}
}

int rk_proc_run(const struct rk_proc_opts *opts, struct rk_proc_result *res)
{
	long long start = rk_now_ms();
	int status = 0, pidfd, r;
	pid_t pid;

	memset(res, 0, sizeof(*res));
	if (rk_proc_spawn(opts, &pid) != 0)
		return -1;
	pidfd = opts->timeout_s > 0 || opts->cancel_fd > 0 ? pidfd_open_(pid) : -1;
	r = wait_for(pid, pidfd, opts->timeout_s > 0 ? (long long)(opts->timeout_s * 1000.0) : -1,
		     &status, opts->cancel_fd);
	if (r == 0 || r == 2) {
		long long grace = opts->kill_grace_s > 0 ? (long long)(opts->kill_grace_s * 1000.0)
							 : RK_PROC_GRACE_MS;
		int cancelled = r == 2;
		rk_proc_kill_group(pid, SIGTERM);
		r = wait_for(pid, pidfd, grace, &status, -1);
		if (r == 0) {
			rk_proc_kill_group(pid, SIGKILL);
			r = wait_for(pid, pidfd, -1, &status, -1);
		}
		/* The leader is gone; end whatever it left in its group. */
		rk_proc_kill_group(pid, SIGKILL);
		if (r == 1) {
			rk_proc_status(status, res);
			res->timed_out = !cancelled;
			res->interrupted = cancelled;
		}
	} else if (r == 1) {
		rk_proc_status(status, res);
	}
	if (pidfd >= 0)
		close(pidfd);
	if (r != 1)
		return -1;
	res->duration_ms = rk_now_ms() - start;
	return 0;
}

void rk_proc_describe(const struct rk_proc_result *res, char *out, size_t outlen)
{
	if (res->timed_out)
		snprintf(out, outlen, "timed out after %.3gs", (double)res->duration_ms / 1000.0);
	else if (res->interrupted)
		snprintf(out, outlen, "interrupted");
	else if (res->exited)
		snprintf(out, outlen, "exited %d", res->code);
	else {
		static const struct {
			int sig;
			const char *name;
		} names[] = {{SIGHUP, "SIGHUP"},   {SIGINT, "SIGINT"},	 {SIGQUIT, "SIGQUIT"},
			     {SIGILL, "SIGILL"},   {SIGABRT, "SIGABRT"}, {SIGFPE, "SIGFPE"},
			     {SIGKILL, "SIGKILL"}, {SIGSEGV, "SIGSEGV"}, {SIGPIPE, "SIGPIPE"},
			     {SIGALRM, "SIGALRM"}, {SIGTERM, "SIGTERM"}, {SIGUSR1, "SIGUSR1"},
			     {SIGUSR2, "SIGUSR2"}, {SIGBUS, "SIGBUS"}};
		size_t i;
		for (i = 0; i < RK_ARRAY_SIZE(names); i++)
			if (names[i].sig == res->signal)
				break;
		if (i < RK_ARRAY_SIZE(names))
			snprintf(out, outlen, "killed by %s", names[i].name);
		else
			snprintf(out, outlen, "killed by signal %d", res->signal);
	}
}

long long rk_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void rk_time_rfc3339(char out[32])
{
	struct timespec ts;
	struct tm tm;
	time_t t;
	char tmp[96];

	clock_gettime(CLOCK_REALTIME, &ts);
	t = ts.tv_sec;
	gmtime_r(&t, &tm);
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 ts.tv_nsec / 1000000L);
	memcpy(out, tmp, 31);
	out[31] = '\0';
}
