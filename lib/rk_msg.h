/*
 * rk_msg.h - diagnostics, exit codes and checked allocation for every tool.
 *
 * Every diagnostic is one line on stderr that starts with the program name:
 *     rk-graph: <stdin>:17:4: expected ':' after object key
 * Exit codes are those of design.md section 3 (enum rk_exit).
 *
 * The program name is the only process-wide state; rk_msg_init() sets it
 * from argv[0] and makes a closed stdout (EPIPE) end the tool quietly.
 */
#ifndef RK_MSG_H
#define RK_MSG_H

#include <stddef.h>

enum rk_exit {
	RK_EXIT_OK = 0,	     /* success, including "nothing to do" */
	RK_EXIT_FAIL = 1,    /* the work failed (build, upload, git, HTTP) */
	RK_EXIT_USAGE = 2,   /* bad option or argument */
	RK_EXIT_INPUT = 3,   /* malformed record, manifest or config */
	RK_EXIT_PARTIAL = 4, /* some packages released, some failed */
};

/* Length of the message buffer used by parsers (struct rk_err). */
#define RK_ERR_MAX 512

/*
 * A parse error: where and why. Parsers fill it and return failure; the
 * caller prints it with rk_err_print() or rk_die_err(). line and col are
 * 1-based; 0 means unknown. source is borrowed (file name or "<stdin>").
 */
struct rk_err {
	const char *source;
	long line;
	long col;
	char msg[RK_ERR_MAX];
};

/* Set the error (printf-style); returns -1 for `return rk_err_set(...)`. */
int rk_err_set(struct rk_err *err, const char *source, long line, long col, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Format "source:line:col: msg" (parts that are unknown left out). */
void rk_err_format(const struct rk_err *err, char *out, size_t outlen);

extern const char *rk_progname;

/* Set rk_progname from argv[0]; ignore SIGPIPE so writes report EPIPE. */
void rk_msg_init(const char *argv0);

/* "prog: msg" on stderr. */
void rk_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "prog: warning: msg" on stderr. */
void rk_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print "prog: msg" and exit with code. */
_Noreturn void rk_die(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print "prog: source:line:col: msg" and exit RK_EXIT_INPUT. */
_Noreturn void rk_die_err(const struct rk_err *err);
/* Print "prog: source:line:col: msg" without exiting. */
void rk_err_print(const struct rk_err *err);

/*
 * Flush and close stdout, checking for errors. A closed pipe (EPIPE) exits
 * 0 quietly at once (the reader went away: not our failure); any other write
 * error is reported and exits RK_EXIT_FAIL. Call before returning from main.
 * Returns `code` unchanged otherwise, for `return rk_finish(code);`.
 */
int rk_finish(int code);

/*
 * Write n bytes to stdout; EPIPE exits quietly, other errors die with
 * RK_EXIT_FAIL. Use for record output so a closed pipe stops work early.
 */
void rk_out(const char *data, size_t n);
/* Flush stdout, with rk_out's handling of errors. */
void rk_out_flush(void);
/*
 * Instead of exiting on EPIPE, call fn(ctx) once and discard all later
 * output (rk_finish then exits with its code): for a tool that must clean
 * up when its reader goes away (rk-exec stops its commands). Any other
 * write error (ENOSPC, EIO) does the same, and rk_finish then reports it
 * ("write error on stdout: ...") and returns RK_EXIT_FAIL (or code, when
 * higher).
 */
void rk_msg_on_epipe(void (*fn)(void *ctx), void *ctx);
/*
 * The exit status when stdout's reader has gone away (EPIPE), instead of
 * the default: 0 from rk_out, `code` from rk_finish (a filter's output was
 * merely cut short). rk-exec sets 128 + SIGPIPE: its run was stopped.
 */
void rk_msg_epipe_status(int code);

/*
 * Filter every diagnostic line (the whole "prog: ..." text, before its
 * newline) through fn(line, ctx), e.g. secret masking (rk_mask_messages).
 * NULL removes the filter.
 */
struct rk_buf;
void rk_msg_set_filter(void (*fn)(struct rk_buf *line, void *ctx), void *ctx);

/*
 * Called once by rk_die (and so on out of memory) before it exits: a tool
 * that runs children or holds a lock cleans up there (rk-exec stops its
 * commands and releases the repository lock). NULL removes it.
 */
void rk_msg_at_die(void (*fn)(void *ctx), void *ctx);

/* Allocation that never returns NULL: out of memory dies with RK_EXIT_FAIL. */
void *rk_xmalloc(size_t n);
void *rk_xcalloc(size_t nmemb, size_t size);
void *rk_xrealloc(void *p, size_t n);
char *rk_xstrdup(const char *s);
char *rk_xstrndup(const char *s, size_t n);
/* Grow *p (holding *cap elements of size elem) to at least need elements. */
void rk_grow(void **p, size_t *cap, size_t need, size_t elem);
#define RK_GROW(arr, cap, need) rk_grow((void **)&(arr), &(cap), (need), sizeof(*(arr)))

#endif
