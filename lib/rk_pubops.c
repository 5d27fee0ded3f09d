/* rk_pubops.c - helpers shared by the ecosystem modules' publishing operations; see rk_pubops.h. */
#include "rk_common.h"
#include "rk_pubops.h"

#include <unistd.h>

#include "rk_proc.h"

void rk_dist_dir(const char *ecosystem, const char *name, const char *version, struct rk_buf *out)
{
	const char *p;

	rk_buf_reset(out);
	rk_buf_addf(out, ".releasekit/dist/%s/", ecosystem);
	for (p = name; *p; p++)
		rk_buf_addc(out, *p == '/' ? '+' : *p);
	rk_buf_addf(out, "-%s", version);
}

/* The last non-empty line of b (trimmed), into out. */
static void last_line(const struct rk_buf *b, struct rk_buf *out)
{
	size_t e = b->len, s;

	while (e > 0 && (b->data[e - 1] == '\n' || b->data[e - 1] == '\r' || b->data[e - 1] == ' '))
		e--;
	s = e;
	while (s > 0 && b->data[s - 1] != '\n')
		s--;
	while (s < e && (b->data[s] == ' ' || b->data[s] == '\t'))
		s++;
	rk_buf_add(out, b->data + s, e - s < 300 ? e - s : 300);
}

int rk_pub_run(char *const *argv, const char *cwd, double timeout_s, struct rk_err *err)
{
	struct rk_proc_opts o = {0};
	struct rk_proc_result res;
	struct rk_buf log = RK_BUF_INIT, last = RK_BUF_INIT;
	char desc[160], tmpl[] = "/tmp/rk-tool-XXXXXX";
	int fd = mkstemp(tmpl), rc = -1;

	if (fd < 0)
		return rk_err_set(err, NULL, 0, 0, "%s: %s", tmpl, strerror(errno));
	close(fd);
	o.argv = argv;
	o.cwd = cwd;
	o.timeout_s = timeout_s;
	/* the tool's stderr: copied to ours (the action's log), and its last
	 * line into the error */
	o.stderr_path = tmpl;
	fflush(stdout);
	fflush(stderr);
	if (rk_proc_run(&o, &res) != 0) {
		rk_err_set(err, NULL, 0, 0, "%s: %s", argv[0], strerror(errno));
		goto out;
	}
	if (rk_buf_read_file(&log, tmpl) == 0 && log.len) {
		fwrite(log.data, 1, log.len, stderr);
		fflush(stderr);
	}
	if (res.exited && res.code == 0) {
		rc = 0;
		goto out;
	}
	rk_proc_describe(&res, desc, sizeof(desc));
	last_line(&log, &last);
	rk_err_set(err, NULL, 0, 0, "%s %s (in %s): %s%s%s", argv[0], argv[1] ? argv[1] : "", cwd,
		   desc, last.len ? ": " : "", last.len ? last.data : "");
out:
	unlink(tmpl);
	rk_buf_release(&log);
	rk_buf_release(&last);
	return rc;
}

const char *rk_pub_keep(struct rk_pub_keep *keep, const char *s)
{
	if (!s)
		return NULL;
	if (keep->n >= (int)(sizeof(keep->v) / sizeof(keep->v[0])))
		return NULL;
	keep->v[keep->n] = rk_xstrdup(s);
	return keep->v[keep->n++];
}

void rk_pub_keep_release(struct rk_pub_keep *keep)
{
	int i;

	for (i = 0; i < keep->n; i++) {
		memset(keep->v[i], 0, strlen(keep->v[i]));
		free(keep->v[i]);
	}
	keep->n = 0;
}

const char *rk_pub_env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}
