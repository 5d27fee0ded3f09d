/*
 * rk_proc.h - run subprocesses: posix_spawn with an argv (never a shell
 * string), an environment, a working directory, stdin/stdout/stderr from or
 * to files, a timeout that kills the whole process group, and the status.
 *
 * Each child is the leader of a new process group, so a timeout or a signal
 * to the parent can end the child and everything it started
 * (rk_proc_kill_group). Descriptors the parent opened with O_CLOEXEC do not
 * leak into the child.
 *
 * Two levels:
 *   rk_proc_run()    synchronous: spawn, wait (with timeout), return result.
 *   rk_proc_spawn()  asynchronous: returns the pid; the caller reaps it with
 *                    waitpid() and turns the status into a result with
 *                    rk_proc_status(). rk-exec's scheduler uses this.
 *
 * Errors: -1 with errno set when the child could not be started (e.g.
 * ENOENT for a missing program, or a cwd that does not exist); a child that
 * starts and fails is a result, not an error.
 *
 * Children die with their parent: each gets PR_SET_PDEATHSIG(SIGKILL), so
 * when the process that started it ends (even by SIGKILL) the child is
 * killed; what the child started stays in its process group, which the
 * parent records where that matters (rk_lock_set_groups).
 *
 * The child starts with an empty signal mask and SIGPIPE, SIGINT, SIGTERM,
 * SIGQUIT, SIGHUP, SIGCHLD, SIGALRM, SIGUSR1/2 at their default disposition
 * (the tools ignore SIGPIPE; children must not inherit that). The program is
 * looked up in the parent's PATH even when opts->env replaces the
 * environment. The redirections are opened before the chdir to cwd, so
 * relative stdin/stdout/stderr paths are relative to the parent's directory.
 *
 * Timeout (rk_proc_run): when timeout_s passes, the child's process group
 * gets SIGTERM, then SIGKILL after kill_grace_s (default RK_PROC_GRACE_MS);
 * once the child is reaped the group gets a final SIGKILL, so grandchildren
 * that ignored SIGTERM or outlived their parent end too. Waiting uses a
 * pidfd with poll() (no sleep loop) where the kernel has pidfd_open.
 */
#ifndef RK_PROC_H
#define RK_PROC_H

#include <sys/types.h>

struct rk_proc_opts {
	char *const *argv;	 /* argv[0] is looked up in PATH if it has no '/' */
	char *const *env;	 /* NULL: inherit the parent's environment */
	const char *cwd;	 /* NULL: the parent's */
	const char *stdin_path;	 /* NULL: /dev/null */
	const char *stdout_path; /* NULL: inherit; file is created/truncated 0644 */
	const char *stderr_path; /* NULL: inherit; may equal stdout_path (shared) */
	double timeout_s;	 /* 0: none (rk_proc_run only) */
	double kill_grace_s;	 /* after a timeout, SIGTERM..SIGKILL; 0: default */
	/*
	 * rk_proc_run only: > 0, a descriptor that becomes readable when the
	 * run must stop (a self-pipe written by a signal handler): the child's
	 * group gets SIGTERM at once, SIGKILL after kill_grace_s, and the
	 * result has interrupted set. The descriptor is not read.
	 */
	int cancel_fd;
};

/* Default time between SIGTERM and SIGKILL after a timeout. */
#define RK_PROC_GRACE_MS 2000

struct rk_proc_result {
	int exited;	 /* 1 when the child exited normally */
	int code;	 /* its exit code when exited */
	int signal;	 /* the signal that ended it, when !exited */
	int timed_out;	 /* 1 when rk_proc_run killed it for the timeout */
	int interrupted; /* 1 when rk_proc_run stopped it for cancel_fd */
	long long duration_ms;
};

/* Spawn and wait. Returns 0 with *res filled, or -1 with errno. */
int rk_proc_run(const struct rk_proc_opts *opts, struct rk_proc_result *res);

/* Spawn without waiting; *pid set. Returns 0, or -1 with errno. */
int rk_proc_spawn(const struct rk_proc_opts *opts, pid_t *pid);

/* Fill res from a waitpid() status (duration_ms left to the caller). */
void rk_proc_status(int status, struct rk_proc_result *res);

/* Send sig to the process group led by pid (SIGTERM, then SIGKILL...). */
int rk_proc_kill_group(pid_t pid, int sig);

/* A one-line description: "exited 3", "killed by SIGKILL", "timed out after 5s". */
void rk_proc_describe(const struct rk_proc_result *res, char *out, size_t outlen);

/* Monotonic milliseconds (CLOCK_MONOTONIC). */
long long rk_now_ms(void);
/* Wall clock as RFC 3339 UTC with milliseconds: "2026-11-26T10:12:02.123Z". */
void rk_time_rfc3339(char out[32]);

#endif
