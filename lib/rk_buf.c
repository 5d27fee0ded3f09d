#include "rk_common.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

void rk_buf_init(struct rk_buf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void rk_buf_release(struct rk_buf *b)
{
	free(b->data);
	rk_buf_init(b);
}

void rk_buf_reset(struct rk_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void rk_buf_grow(struct rk_buf *b, size_t n)
{
	size_t need;

	if (n > SIZE_MAX - b->len - 1)
		rk_die(RK_EXIT_FAIL, "buffer size overflow");
	need = b->len + n + 1;
	if (need > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		while (cap < need)
			cap = cap > SIZE_MAX / 2 ? need : cap * 2;
		b->data = rk_xrealloc(b->data, cap);
		b->cap = cap;
	}
}

void rk_buf_add(struct rk_buf *b, const void *data, size_t n)
{
	rk_buf_grow(b, n);
	if (n)
		memcpy(b->data + b->len, data, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void rk_buf_adds(struct rk_buf *b, const char *s)
{
	rk_buf_add(b, s, strlen(s));
}

void rk_buf_addc(struct rk_buf *b, char c)
{
	rk_buf_grow(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}

void rk_buf_vaddf(struct rk_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	rk_buf_grow(b, 64);
	va_copy(cp, ap);
	n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, cp);
	va_end(cp);
	if (n < 0)
		rk_die(RK_EXIT_FAIL, "vsnprintf failed");
	if ((size_t)n >= b->cap - b->len) {
		rk_buf_grow(b, (size_t)n);
		n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
	}
	b->len += (size_t)n;
}

void rk_buf_addf(struct rk_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rk_buf_vaddf(b, fmt, ap);
	va_end(ap);
}

void rk_buf_truncate(struct rk_buf *b, size_t n)
{
	if (n < b->len) {
		b->len = n;
		b->data[n] = '\0';
	}
}

char *rk_buf_detach(struct rk_buf *b, size_t *len)
{
	char *p;

	if (!b->data)
		rk_buf_grow(b, 0), b->data[0] = '\0';
	p = b->data;
	if (len)
		*len = b->len;
	rk_buf_init(b);
	return p;
}

const char *rk_buf_cstr(const struct rk_buf *b)
{
	return b->data ? b->data : "";
}

int rk_buf_read_fp(struct rk_buf *b, FILE *fp)
{
	size_t n;

	rk_buf_reset(b);
	for (;;) {
		rk_buf_grow(b, 65536);
		n = fread(b->data + b->len, 1, b->cap - b->len - 1, fp);
		b->len += n;
		b->data[b->len] = '\0';
		if (n == 0) {
			if (ferror(fp))
				return -1;
			return 0;
		}
	}
}

int rk_open_regular(const char *path)
{
	struct stat st;
	int fd, fl;

	/* stat first: opening some devices has effects of its own */
	if (stat(path, &st) != 0)
		return -1;
	if (S_ISDIR(st.st_mode)) {
		errno = EISDIR;
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		errno = RK_ENOTREG;
		return -1;
	}
	/* O_NONBLOCK: the file may have been replaced by a FIFO meanwhile */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		int e = S_ISDIR(st.st_mode) ? EISDIR : RK_ENOTREG;
		close(fd);
		errno = e;
		return -1;
	}
	fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		(void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	return fd;
}

FILE *rk_fopen_regular(const char *path)
{
	int fd = rk_open_regular(path);
	FILE *fp;

	if (fd < 0)
		return NULL;
	fp = fdopen(fd, "rb");
	if (!fp) {
		int e = errno;
		close(fd);
		errno = e;
	}
	return fp;
}

const char *rk_strerror(int e)
{
	return e == RK_ENOTREG ? "not a regular file" : strerror(e);
}

int rk_buf_read_file(struct rk_buf *b, const char *path)
{
	FILE *fp;
	int rc, saved;

	if (strcmp(path, "-") == 0)
		return rk_buf_read_fp(b, stdin);
	fp = rk_fopen_regular(path);
	if (!fp)
		return -1;
	rc = rk_buf_read_fp(b, fp);
	saved = errno;
	fclose(fp);
	errno = saved;
	return rc;
}

int rk_buf_getline(struct rk_buf *b, FILE *fp, int *had_newline)
{
	ssize_t n;

	if (had_newline)
		*had_newline = 0;
	/* getline(3) grows b->data with realloc, which our storage tolerates. */
	errno = 0;
	n = getline(&b->data, &b->cap, fp);
	if (n < 0) {
		rk_buf_reset(b);
		if (ferror(fp))
			return -1;
		if (errno == ENOMEM)
			rk_die(RK_EXIT_FAIL, "out of memory reading a line");
		return 0;
	}
	b->len = (size_t)n;
	if (n > 0 && b->data[n - 1] == '\n') {
		b->data[--b->len] = '\0';
		if (had_newline)
			*had_newline = 1;
	}
	return 1;
}

int rk_write_all(int fd, const void *data, size_t n)
{
	const char *p = data;

	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

ssize_t rk_read_some(int fd, void *data, size_t n)
{
	ssize_t r;

	do
		r = read(fd, data, n);
	while (r < 0 && errno == EINTR);
	return r;
}

int rk_write_file_atomic(const char *path, const void *data, size_t len, int mode)
{
	struct rk_buf tmp = RK_BUF_INIT;
	const char *p = data;
	int fd, saved;

	rk_buf_addf(&tmp, "%s.tmp.XXXXXX", path);
	fd = mkstemp(tmp.data);
	if (fd < 0)
		goto fail;
	if (fchmod(fd, (mode_t)mode) != 0)
		goto fail_fd;
	if (rk_write_all(fd, p, len) != 0)
		goto fail_fd;
	if (fsync(fd) != 0)
		goto fail_fd;
	if (close(fd) != 0) {
		fd = -1;
		goto fail_unlink;
	}
	if (rename(tmp.data, path) != 0)
		goto fail_unlink;
	rk_buf_release(&tmp);
	return 0;
fail_fd:
	saved = errno;
	close(fd);
	errno = saved;
fail_unlink:
	saved = errno;
	unlink(tmp.data);
	errno = saved;
fail:
	saved = errno;
	rk_buf_release(&tmp);
	errno = saved;
	return -1;
}

int rk_write_file(const char *path, const void *data, size_t len, int mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, (mode_t)mode);
	int e;

	if (fd < 0)
		return -1;
	if (rk_write_all(fd, data, len) != 0) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return close(fd);
}

int rk_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int rk_is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}
