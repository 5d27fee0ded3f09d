#include "rk_common.h"

#include <signal.h>
#include <unistd.h>

const char *rk_progname = "releasekit";

/* rk_msg_on_epipe(): what a closed stdout does instead of exiting */
static void (*epipe_fn)(void *ctx);
static void *epipe_ctx;
static int epipe_seen;
static int epipe_status = -1; /* rk_msg_epipe_status(); -1: the code as is */
static int out_errno;	      /* a write error other than EPIPE, with epipe_fn set */

static void (*filter_fn)(struct rk_buf *line, void *ctx);
static void *filter_ctx;
static void (*die_fn)(void *ctx);
static void *die_ctx;

void rk_msg_set_filter(void (*fn)(struct rk_buf *line, void *ctx), void *ctx)
{
	filter_fn = fn;
	filter_ctx = ctx;
}

void rk_msg_at_die(void (*fn)(void *ctx), void *ctx)
{
	die_fn = fn;
	die_ctx = ctx;
}

static void run_die_fn(void)
{
	void (*fn)(void *ctx) = die_fn;

	die_fn = NULL; /* once, even if it dies itself */
	if (fn)
		fn(die_ctx);
}

void rk_msg_init(const char *argv0)
{
	const char *slash;

	if (argv0 && *argv0) {
		slash = strrchr(argv0, '/');
		rk_progname = slash ? slash + 1 : argv0;
	}
	signal(SIGPIPE, SIG_IGN);
}

int rk_err_set(struct rk_err *err, const char *source, long line, long col, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	err->source = source;
	err->line = line;
	err->col = col;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

void rk_err_format(const struct rk_err *err, char *out, size_t outlen)
{
	const char *src = err->source ? err->source : "<input>";

	if (err->line > 0 && err->col > 0)
		snprintf(out, outlen, "%s:%ld:%ld: %s", src, err->line, err->col, err->msg);
	else if (err->line > 0)
		snprintf(out, outlen, "%s:%ld: %s", src, err->line, err->msg);
	else
		snprintf(out, outlen, "%s: %s", src, err->msg);
}

static void vmsg(const char *prefix, const char *fmt, va_list ap)
{
	struct rk_buf b = RK_BUF_INIT;

	rk_buf_addf(&b, "%s: %s", rk_progname, prefix);
	rk_buf_vaddf(&b, fmt, ap);
	/* One line, whatever the message held. */
	for (size_t i = 0; i < b.len; i++)
		if (b.data[i] == '\n' || b.data[i] == '\r')
			b.data[i] = ' ';
	if (filter_fn)
		filter_fn(&b, filter_ctx);
	rk_buf_addc(&b, '\n');
	fflush(stdout);
	fwrite(b.data, 1, b.len, stderr);
	rk_buf_release(&b);
}

void rk_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
}

void rk_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("warning: ", fmt, ap);
	va_end(ap);
}

void rk_die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
	run_die_fn();
	exit(code);
}

void rk_err_print(const struct rk_err *err)
{
	char line[RK_ERR_MAX + 512];

	rk_err_format(err, line, sizeof(line));
	rk_error("%s", line);
}

void rk_die_err(const struct rk_err *err)
{
	rk_err_print(err);
	run_die_fn();
	exit(RK_EXIT_INPUT);
}

int rk_finish(int code)
{
	int failed = ferror(stdout);

	if (fflush(stdout) != 0)
		failed = 1;
	if (fclose(stdout) != 0)
		failed = 1;
	if (out_errno) {
		rk_error("write error on stdout: %s", strerror(out_errno));
		return code > RK_EXIT_FAIL ? code : RK_EXIT_FAIL;
	}
	if (failed) {
		if (errno == EPIPE || epipe_seen)
			exit(epipe_status >= 0 ? epipe_status : code);
		rk_error("write error on stdout: %s", strerror(errno));
		return RK_EXIT_FAIL;
	}
	return code;
}

void rk_msg_epipe_status(int code)
{
	epipe_status = code;
}

void rk_msg_on_epipe(void (*fn)(void *ctx), void *ctx)
{
	epipe_fn = fn;
	epipe_ctx = ctx;
}

/* A write to stdout failed with errno set. */
static void out_failed(void)
{
	if (errno != EPIPE && !epipe_fn)
		rk_die(RK_EXIT_FAIL, "write error on stdout: %s", strerror(errno));
	if (!epipe_fn)
		exit(epipe_status >= 0 ? epipe_status : RK_EXIT_OK);
	if (errno != EPIPE) /* reported by rk_finish, once the tool cleaned up */
		out_errno = errno;
	epipe_seen = 1;
	epipe_fn(epipe_ctx);
}

void rk_out(const char *data, size_t n)
{
	if (!epipe_seen && n && fwrite(data, 1, n, stdout) != n)
		out_failed();
}

void rk_out_flush(void)
{
	if (!epipe_seen && fflush(stdout) != 0)
		out_failed();
}

static _Noreturn void oom(size_t n)
{
	rk_die(RK_EXIT_FAIL, "out of memory allocating %zu bytes", n);
}

void *rk_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom(n);
	return p;
}

void *rk_xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (!p)
		oom(nmemb * size);
	return p;
}

void *rk_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		oom(n);
	return q;
}

char *rk_xstrdup(const char *s)
{
	return rk_xstrndup(s, strlen(s));
}

char *rk_xstrndup(const char *s, size_t n)
{
	char *p = rk_xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void rk_grow(void **p, size_t *cap, size_t need, size_t elem)
{
	size_t n;

	if (need <= *cap)
		return;
	n = *cap ? *cap : 8;
	while (n < need) {
		if (n > SIZE_MAX / 2 / elem)
			oom(need * elem);
		n *= 2;
	}
	*p = rk_xrealloc(*p, n * elem);
	*cap = n;
}
