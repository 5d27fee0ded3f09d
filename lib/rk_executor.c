/* rk_executor.c - the table of built-in executors and their context (see the header). */
#include "rk_common.h"
#include "rk_executor.h"

#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <unistd.h>

#include "rk_exec_poll.h"
#include "rk_exec_prepare.h"
#include "rk_exec_publish.h"
#include "rk_http.h"

/*
 * One line per action type. Issues that add executors append their lines
 * (publish: build, sign, publish, push, release; poll: poll, smoke_test,
 * verify).
 */
static const struct rk_executor table[] = {
	/* type        run                  effect cacheable */
	{"bump", rk_xrun_bump, true, false},
	{"ranges", rk_xrun_ranges, true, false},
	{"lockfile", rk_xrun_lockfile, true, false},
	{"changelog", rk_xrun_changelog, true, false},
	{"commit", rk_xrun_commit, true, false},
	{"pin", rk_xrun_pin, true, false},
	{"unpin", rk_xrun_unpin, true, false},
	{"tag", rk_xrun_tag, true, false},
	{"build", rk_xrun_build, false, true},
	{"publish", rk_xrun_publish, true, false},
	{"sign", rk_xrun_sign, true, false},
	{"push", rk_xrun_push, true, false},
	{"draft", rk_xrun_draft, true, false},
	{"release", rk_xrun_release, true, false},
	{"release_pr", rk_xrun_release_pr, true, false},
	/* poll, smoke_test, verify: never an effect, never cached: they always ask the registry */
	{"poll", rk_xrun_poll, false, false},
	{"smoke_test", rk_xrun_smoke_test, false, false},
	{"verify", rk_xrun_verify, false, false},
};

const struct rk_executor *rk_executor_find(const char *type)
{
	size_t i;

	for (i = 0; type && i < sizeof(table) / sizeof(table[0]); i++)
		if (strcmp(table[i].type, type) == 0)
			return &table[i];
	return NULL;
}

/* Append one "key=value" line to the result file (value: no newlines). */
static int result_line(struct rk_xctx *x, const char *key, const char *val)
{
	struct rk_buf b = RK_BUF_INIT;
	size_t i, start;
	int fd, rc = 0;

	if (!x->result_file)
		return 0;
	rk_buf_addf(&b, "%s=", key);
	start = b.len;
	rk_buf_adds(&b, val);
	for (i = start; i < b.len; i++)
		if (b.data[i] == '\n' || b.data[i] == '\r')
			b.data[i] = ' ';
	rk_buf_addc(&b, '\n');
	fd = open(x->result_file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, b.data, b.len) != (ssize_t)b.len)
		rc = rk_err_set(&x->err, NULL, 0, 0, "%s: %s", x->result_file, strerror(errno));
	if (fd >= 0)
		close(fd);
	rk_buf_release(&b);
	return rc;
}

int rk_xctx_output(struct rk_xctx *x, const char *path)
{
	return result_line(x, "output", path);
}

int rk_xctx_note(struct rk_xctx *x, const char *fmt, ...)
{
	struct rk_buf b = RK_BUF_INIT;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rk_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	rc = result_line(x, "note", b.data);
	rk_buf_release(&b);
	return rc;
}

int rk_xctx_retryable(struct rk_xctx *x, bool retryable)
{
	return result_line(x, "retryable", retryable ? "true" : "false");
}

int rk_xctx_retry_after(struct rk_xctx *x, double seconds)
{
	char v[64];

	snprintf(v, sizeof(v), "%.3f", seconds < 0 ? 0 : seconds);
	return result_line(x, "retry_after", v);
}

void rk_xctx_log(const struct rk_xctx *x, const char *fmt, ...)
{
	va_list ap;

	if (!x->log)
		return;
	va_start(ap, fmt);
	vfprintf(x->log, fmt, ap);
	va_end(ap);
	fflush(x->log);
}

int rk_xctx_param_tok(const struct rk_xctx *x, const char *key)
{
	return x->params < 0 ? -1 : rk_json_get(x->a, x->params, key);
}

const char *rk_xctx_param(const struct rk_xctx *x, const char *key)
{
	int t = rk_xctx_param_tok(x, key);

	if (t < 0 || rk_json_type(x->a, t) != RK_JSON_STRING ||
	    strlen(rk_json_str(x->a, t)) != rk_json_strlen(x->a, t))
		return NULL;
	return rk_json_str(x->a, t);
}

const char *rk_xctx_param_req(struct rk_xctx *x, const char *key)
{
	const char *v = rk_xctx_param(x, key);

	if (!v)
		rk_err_set(&x->err, x->file, 1, 0, "action '%s': params.%s must be a string", x->id,
			   key);
	return v;
}

void rk_xctx_killpoint(const struct rk_xctx *x, const char *point)
{
	const char *at = getenv("RK_TEST_KILL_AT");
	size_t il = strlen(x->id);

	if (!at || strncmp(at, x->id, il) != 0 || at[il] != ':' || strcmp(at + il + 1, point) != 0)
		return;
	kill(getppid(), SIGKILL);
	raise(SIGKILL);
}

int rk_executor_run_file(const char *file, const char *root, FILE *log, struct rk_err *err)
{
	struct rk_buf text = RK_BUF_INIT;
	struct rk_json d = RK_JSON_INIT;
	struct rk_xctx x;
	const struct rk_executor *ex;
	const char *kind, *att;
	int rc = RK_EXIT_INPUT;

	memset(&x, 0, sizeof(x));
	if (rk_buf_read_file(&text, file) != 0) {
		rk_err_set(err, NULL, 0, 0, "%s: %s", file, strerror(errno));
		goto out;
	}
	if (rk_json_parse(&d, text.data, text.len, file, 1, err) < 0)
		goto out;
	kind = rk_json_get_str(&d, 0, "kind");
	x.id = rk_json_get_str(&d, 0, "id");
	x.type = rk_json_get_str(&d, 0, "type");
	if (!kind || strcmp(kind, "action") != 0 || !x.id || !x.type) {
		rk_err_set(err, file, 1, 0, "not an action record with an id and a type");
		goto out;
	}
	ex = rk_executor_find(x.type);
	if (!ex) {
		rk_err_set(err, file, 1, 0, "action '%s': no executor for action type '%s'", x.id,
			   x.type);
		goto out;
	}
	x.root = root;
	x.file = file;
	x.log = log;
	x.a = &d;
	x.params = rk_json_get(&d, 0, "params");
	if (x.params >= 0 && rk_json_type(&d, x.params) != RK_JSON_OBJECT) {
		rk_err_set(err, file, 1, 0, "action '%s': \"params\" must be an object", x.id);
		goto out;
	}
	x.package = rk_json_get_str(&d, 0, "package");
	x.ecosystem = rk_json_get_str(&d, 0, "ecosystem");
	x.version = rk_json_get_str(&d, 0, "version");
	att = getenv("RK_ATTEMPT");
	x.attempt = att && atoi(att) > 0 ? atoi(att) : 1;
	x.result_file = getenv("RK_RESULT_FILE");
	if (x.result_file && !*x.result_file)
		x.result_file = NULL;
	rk_xctx_killpoint(&x, "start");
	if (ex->run(&x) != 0) {
		*err = x.err;
		if (!err->msg[0])
			rk_err_set(err, NULL, 0, 0, "action '%s' failed", x.id);
		rc = RK_EXIT_FAIL;
		goto out;
	}
	rk_xctx_killpoint(&x, "end");
	rc = 0;
out:
	rk_json_release(&d);
	rk_buf_release(&text);
	return rc;
}

void rk_xctx_http_wait(void *ctx, const struct rk_http_wait *w)
{
	const struct rk_xctx *x = ctx;

	if (w->status)
		fprintf(stderr,
			"rk-exec: %s: waiting %.3f s (%s%s) after HTTP %ld from %s %s (attempt %d)\n",
			x->id, w->seconds, w->reason, w->retry_after >= 0 ? ", Retry-After" : "",
			w->status, w->method, w->url, w->attempt);
	else
		fprintf(stderr,
			"rk-exec: %s: waiting %.3f s (%s) after %s from %s %s (attempt %d)\n",
			x->id, w->seconds, w->reason, w->error ? w->error : "an error", w->method,
			w->url, w->attempt);
	fflush(stderr);
}
