/* rk_beneath.c - files beneath a directory; see rk_beneath.h. */
#include "rk_common.h"
#include "rk_beneath.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

int rk_path_safe(const char *rel)
{
	const char *p = rel, *e;

	if (!rel || !*rel || *rel == '/' || strlen(rel) > 4096 || strchr(rel, '\\'))
		return 0;
	for (;;) {
		e = strchr(p, '/');
		if (!e)
			e = p + strlen(p);
		if (e == p || (e - p == 1 && p[0] == '.') ||
		    (e - p == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		if (!*e)
			return 1;
		p = e + 1;
	}
}

/*
 * Open the directory holding rel's last component beneath root (creating
 * missing directories when create); *last points into rel at that
 * component. Returns a directory descriptor, or -1 with errno.
 */
static int open_parent(const char *root, const char *rel, int create, const char **last)
{
	int dfd, fd;
	const char *p = rel, *e;
	char comp[4097];

	if (!rk_path_safe(rel)) {
		errno = EINVAL;
		return -1;
	}
	dfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -1;
	while ((e = strchr(p, '/'))) {
		memcpy(comp, p, (size_t)(e - p));
		comp[e - p] = '\0';
		fd = openat(dfd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT && create) {
			if (mkdirat(dfd, comp, 0755) != 0 && errno != EEXIST)
				goto fail;
			fd = openat(dfd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		if (fd < 0) {
			struct stat st;
			/* a link is ELOOP whatever it points at (O_DIRECTORY may say ENOTDIR) */
			if (errno == ENOTDIR && fstatat(dfd, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
			    S_ISLNK(st.st_mode))
				errno = ELOOP;
			goto fail;
		}
		close(dfd);
		dfd = fd;
		p = e + 1;
	}
	*last = p;
	return dfd;
fail:
	fd = errno;
	close(dfd);
	errno = fd;
	return -1;
}

/* Open name in dfd for reading: a regular file, no link, never blocking. */
static int open_reg_at(int dfd, const char *name, struct stat *st)
{
	int fd, fl;

	if (fstatat(dfd, name, st, AT_SYMLINK_NOFOLLOW) != 0)
		return -1;
	if (S_ISLNK(st->st_mode)) {
		errno = ELOOP;
		return -1;
	}
	if (S_ISDIR(st->st_mode)) {
		errno = EISDIR;
		return -1;
	}
	if (!S_ISREG(st->st_mode)) {
		errno = RK_ENOTREG;
		return -1;
	}
	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -1;
	if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
		close(fd);
		errno = RK_ENOTREG;
		return -1;
	}
	fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		(void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	return fd;
}

int rk_open_beneath(const char *root, const char *rel)
{
	const char *last;
	struct stat st;
	int dfd = open_parent(root, rel, 0, &last), fd, e;

	if (dfd < 0)
		return -1;
	fd = open_reg_at(dfd, last, &st);
	e = errno;
	close(dfd);
	errno = e;
	return fd;
}

/* Copy in to out (out may be -1: only hash), hashing; *size gets the length. */
static int copy_hash(int in, int out, char hex[RK_SHA256_HEX], long long *size)
{
	char buf[65536];
	struct rk_sha256 h;
	unsigned char d[RK_SHA256_LEN];
	long long total = 0;
	int e = 0;

	if (rk_sha256_init(&h) != 0)
		return -1;
	for (;;) {
		ssize_t r = rk_read_some(in, buf, sizeof(buf));

		if (r < 0) {
			e = errno;
			break;
		}
		if (r == 0)
			break;
		if (out >= 0 && rk_write_all(out, buf, (size_t)r) != 0) {
			e = errno;
			break;
		}
		rk_sha256_update(&h, buf, (size_t)r);
		total += r;
	}
	rk_sha256_final(&h, d);
	if (e) {
		errno = e;
		return -1;
	}
	rk_sha256_tohex(d, hex);
	if (size)
		*size = total;
	return 0;
}

/* After a failure: remove name in dfd (AT_FDCWD: a path), errno kept. */
static void unlink_keep_errno(int dfd, const char *name)
{
	int e = errno;

	(void)unlinkat(dfd, name, 0);
	errno = e;
}

/* A failure's end: close the descriptors that are open (>= 0), release b; -1, errno kept. */
static int fail_close(int in, int out, int dfd, struct rk_buf *b)
{
	int e = errno;

	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	if (dfd >= 0)
		close(dfd);
	rk_buf_release(b);
	errno = e;
	return -1;
}

int rk_cache_stage_beneath(struct rk_cache *c, const char *root, const char *rel,
			   struct rk_buf *staged, char hex[RK_SHA256_HEX], long long *size,
			   int *executable)
{
	struct stat st;
	int in, out = -1;

	rk_buf_reset(staged);
	in = rk_open_beneath(root, rel);
	if (in < 0)
		return -1;
	if (fstat(in, &st) != 0)
		goto fail;
	if (executable)
		*executable = (st.st_mode & 0111) != 0;
	rk_buf_addf(staged, "%s/tmp", c->root);
	(void)mkdir(staged->data, 0755);
	rk_buf_adds(staged, "/blob.XXXXXX");
	out = mkstemp(staged->data);
	if (out < 0)
		goto fail;
	if (copy_hash(in, out, hex, size) != 0)
		goto fail_unlink;
	if (close(out) != 0) {
		out = -1;
		goto fail_unlink;
	}
	close(in);
	return 0;
fail_unlink:
	unlink_keep_errno(AT_FDCWD, staged->data);
fail:
	return fail_close(in, out, -1, staged);
}

int rk_cache_restore_beneath(const struct rk_cache *c, const char *hex, const char *root,
			     const char *rel, int executable)
{
	struct rk_buf blob = RK_BUF_INIT;
	const char *last;
	char tmpname[128], got[RK_SHA256_HEX];
	struct stat st;
	int dfd, fd, in = -1, out = -1;
	static unsigned long seq;

	dfd = open_parent(root, rel, 1, &last);
	if (dfd < 0)
		return -1;
	fd = open_reg_at(dfd, last, &st);
	if (fd >= 0) {
		int same = copy_hash(fd, -1, got, NULL) == 0 && strcmp(got, hex) == 0 &&
			   ((st.st_mode & 0111) != 0) == (executable != 0);
		close(fd);
		if (same) {
			close(dfd);
			return 0;
		}
	} else if (errno != ENOENT) {
		goto fail;
	}
	rk_cache_cas_path(c, hex, &blob);
	in = rk_open_regular(blob.data);
	if (in < 0)
		goto fail;
	for (int tries = 0;; tries++) {
		snprintf(tmpname, sizeof(tmpname), ".rk-restore.%ld.%lu", (long)getpid(), ++seq);
		out = openat(dfd, tmpname, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			     0600);
		if (out >= 0 || errno != EEXIST || tries > 100)
			break;
	}
	if (out < 0)
		goto fail;
	if (copy_hash(in, out, got, NULL) != 0)
		goto fail_unlink;
	if (strcmp(got, hex) != 0) {
		(void)unlink(blob.data); /* corrupt: the next put heals it */
		errno = EBADMSG;
		goto fail_unlink;
	}
	if (fchmod(out, executable ? 0755 : 0644) != 0 || fsync(out) != 0)
		goto fail_unlink;
	if (close(out) != 0) {
		out = -1;
		goto fail_unlink;
	}
	out = -1;
	if (renameat(dfd, tmpname, dfd, last) != 0)
		goto fail_unlink;
	close(in);
	close(dfd);
	rk_buf_release(&blob);
	return 0;
fail_unlink:
	unlink_keep_errno(dfd, tmpname);
fail:
	return fail_close(in, out, dfd, &blob);
}
