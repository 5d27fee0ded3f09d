/*
 * rk_buf.h - growable byte buffers.
 *
 * A struct rk_buf owns `data`, which is always NUL-terminated (data[len] ==
 * '\0') once anything has been added, so it can be used as a C string when
 * it holds no NUL bytes. RK_BUF_INIT is an empty buffer that owns nothing.
 * Allocation failure dies (rk_xrealloc); no function here returns an error
 * except the I/O ones.
 */
#ifndef RK_BUF_H
#define RK_BUF_H

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

struct rk_buf {
	char *data;
	size_t len;
	size_t cap;
};

#define RK_BUF_INIT                                                                                \
	{                                                                                          \
		NULL, 0, 0                                                                         \
	}

void rk_buf_init(struct rk_buf *b);
/* Free the storage and reset to empty. */
void rk_buf_release(struct rk_buf *b);
/* Keep the storage, set the length to 0. */
void rk_buf_reset(struct rk_buf *b);
/* Make room for n more bytes (plus the terminating NUL). */
void rk_buf_grow(struct rk_buf *b, size_t n);
void rk_buf_add(struct rk_buf *b, const void *data, size_t n);
void rk_buf_adds(struct rk_buf *b, const char *s);
void rk_buf_addc(struct rk_buf *b, char c);
void rk_buf_addf(struct rk_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rk_buf_vaddf(struct rk_buf *b, const char *fmt, va_list ap);
/* Shorten to n bytes (n <= len). */
void rk_buf_truncate(struct rk_buf *b, size_t n);
/* Hand the storage to the caller (never NULL; "" when empty); b is reset. */
char *rk_buf_detach(struct rk_buf *b, size_t *len);
/* Always a C string, "" when nothing was added. Borrowed. */
const char *rk_buf_cstr(const struct rk_buf *b);

/*
 * Read a whole file (path "-" is stdin) into b, replacing its contents.
 * The file must be a regular file (rk_open_regular): a FIFO, a device or a
 * directory is refused instead of blocking or reading forever.
 * Returns 0, or -1 with errno set.
 */
int rk_buf_read_file(struct rk_buf *b, const char *path);

/*
 * Open path for reading (O_CLOEXEC, links followed), refusing anything that
 * is not a regular file: a directory fails with EISDIR, a FIFO, socket or
 * device with RK_ENOTREG, without blocking (a FIFO without a writer, a
 * device) and without reading. Returns the descriptor, or -1 with errno.
 * rk_fopen_regular is the same as a stdio stream ("rb").
 * Every tool opens its input files through these.
 */
#define RK_ENOTREG EMEDIUMTYPE
int rk_open_regular(const char *path);
FILE *rk_fopen_regular(const char *path);
/* strerror(e), but "not a regular file" for RK_ENOTREG. */
const char *rk_strerror(int e);
int rk_buf_read_fp(struct rk_buf *b, FILE *fp);

/*
 * Read one line of any length from fp into b (replacing its contents),
 * without the trailing '\n'. Returns 1 when a line was read (a last line
 * without '\n' counts), 0 at end of file, -1 on a read error (errno set).
 * *had_newline, when not NULL, tells whether the line ended in '\n'.
 */
int rk_buf_getline(struct rk_buf *b, FILE *fp, int *had_newline);

/*
 * Write b to path atomically: a temporary file in the same directory,
 * fsync, rename. Returns 0, or -1 with errno set (the temporary removed).
 */
int rk_write_file_atomic(const char *path, const void *data, size_t len, int mode);

/*
 * Write b to path (created with mode, or truncated), not synced: for
 * scratch files that no crash has to keep (an attempt's input, read by a
 * child a moment later). Returns 0, or -1 with errno (the file may be
 * left partly written).
 */
int rk_write_file(const char *path, const void *data, size_t len, int mode);

/* Write all n bytes to fd (retrying short writes and EINTR). Returns 0, or -1 with errno. */
int rk_write_all(int fd, const void *data, size_t n);
/* Read up to n bytes from fd (retrying EINTR): how many, 0 at end of file, or -1 with errno. */
ssize_t rk_read_some(int fd, void *data, size_t n);

/* 1 when path is a directory (rk_is_dir) or a regular file (rk_is_file), links followed; else 0. */
int rk_is_dir(const char *path);
int rk_is_file(const char *path);

#endif
