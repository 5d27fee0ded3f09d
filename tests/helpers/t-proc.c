/*
 * t-proc: drive rk_proc from tests.
 *
 *   t-proc [options] -- PROGRAM [ARG...]   run it with rk_proc_run; print
 *       "exited=E code=C signal=S timed_out=T" and the rk_proc_describe line
 *       on stdout; a spawn failure prints "error: <errno name>" and exits 1.
 *   t-proc time                           print rk_time_rfc3339()
 *
 * Options: --cwd DIR, --in FILE, --out FILE, --err FILE, --timeout S,
 * --grace S, --env K=V (repeatable; replaces the environment).
 */
#include "rk_common.h"
#include "rk_proc.h"

int main(int argc, char **argv)
{
	struct rk_proc_opts o = {0};
	struct rk_proc_result res;
	char **env = rk_xcalloc((size_t)argc + 1, sizeof(*env));
	size_t nenv = 0;
	char desc[128];
	int i;

	rk_msg_init(argv[0]);
	if (argc == 2 && strcmp(argv[1], "time") == 0) {
		char t[32];
		rk_time_rfc3339(t);
		printf("%s\n", t);
		free(env);
		return 0;
	}
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (i + 1 >= argc)
			rk_die(2, "option %s needs a value", a);
		if (strcmp(a, "--cwd") == 0)
			o.cwd = argv[++i];
		else if (strcmp(a, "--in") == 0)
			o.stdin_path = argv[++i];
		else if (strcmp(a, "--out") == 0)
			o.stdout_path = argv[++i];
		else if (strcmp(a, "--err") == 0)
			o.stderr_path = argv[++i];
		else if (strcmp(a, "--timeout") == 0)
			o.timeout_s = atof(argv[++i]);
		else if (strcmp(a, "--grace") == 0)
			o.kill_grace_s = atof(argv[++i]);
		else if (strcmp(a, "--env") == 0)
			env[nenv++] = argv[++i];
		else
			rk_die(2, "unknown option %s", a);
	}
	if (i >= argc)
		rk_die(2, "no program");
	o.argv = argv + i;
	if (nenv)
		o.env = env;
	if (rk_proc_run(&o, &res) != 0) {
		int e = errno;
		printf("error: %s\n", e == ENOENT   ? "ENOENT"
				      : e == EACCES ? "EACCES"
						    : strerror(e));
		free(env);
		return 1;
	}
	rk_proc_describe(&res, desc, sizeof(desc));
	printf("exited=%d code=%d signal=%d timed_out=%d\n%s\n", res.exited, res.code, res.signal,
	       res.timed_out, desc);
	free(env);
	return 0;
}
