/* rk_cache.c - CAS + AC on disk; see rk_cache.h. */
#define _GNU_SOURCE /* syncfs */
#include "rk_common.h"
#include "rk_cache.h"
#include "rk_beneath.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* mkdir -p of path (all components). */
static int mkdirs(const char *path)
{
	struct rk_buf b = RK_BUF_INIT;
	size_t i;
	int rc = 0;

	rk_buf_adds(&b, path);
	for (i = 1; i <= b.len; i++) {
		char c;
		if (b.data[i] != '/' && b.data[i] != '\0')
			continue;
		c = b.data[i];
		b.data[i] = '\0';
		if (mkdir(b.data, 0755) != 0 && errno != EEXIST) {
			rc = -1;
			b.data[i] = c;
			break;
		}
		b.data[i] = c;
	}
	if (rc != 0) {
		int e = errno;
		rk_buf_release(&b);
		errno = e;
		return -1;
	}
	rk_buf_release(&b);
	return 0;
}

int rk_cache_default_root(struct rk_buf *out)
{
	const char *e = getenv("RK_CACHE_DIR");

	rk_buf_reset(out);
	if (e && *e) {
		rk_buf_adds(out, e);
		return 0;
	}
	e = getenv("XDG_CACHE_HOME");
	if (e && *e) {
		rk_buf_addf(out, "%s/releasekit", e);
		return 0;
	}
	e = getenv("HOME");
	if (e && *e) {
		rk_buf_addf(out, "%s/.cache/releasekit", e);
		return 0;
	}
	errno = ENOENT;
	return -1;
}

int rk_cache_open(struct rk_cache *c, const char *root)
{
	struct rk_buf b = RK_BUF_INIT;

	c->root = NULL;
	if (root)
		rk_buf_adds(&b, root);
	else if (rk_cache_default_root(&b) != 0)
		return -1;
	while (b.len > 1 && b.data[b.len - 1] == '/')
		rk_buf_truncate(&b, b.len - 1);
	c->root = rk_buf_detach(&b, NULL);
	rk_buf_addf(&b, "%s/cas", c->root);
	if (mkdirs(b.data) != 0)
		goto fail;
	rk_buf_reset(&b);
	rk_buf_addf(&b, "%s/ac", c->root);
	if (mkdirs(b.data) != 0)
		goto fail;
	rk_buf_release(&b);
	return 0;
fail : {
	int e = errno;
	rk_buf_release(&b);
	free(c->root);
	c->root = NULL;
	errno = e;
	return -1;
}
}

void rk_cache_release(struct rk_cache *c)
{
	free(c->root);
	c->root = NULL;
}

int rk_cache_is_hex(const char *s)
{
	size_t i;

	if (!s)
		return 0;
	for (i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[64] == '\0';
}

static void entry_path(const struct rk_cache *c, const char *dir, const char *hex,
		       struct rk_buf *out)
{
	rk_buf_reset(out);
	rk_buf_addf(out, "%s/%s/%.2s/%s", c->root, dir, hex, hex);
}

void rk_cache_cas_path(const struct rk_cache *c, const char *hex, struct rk_buf *out)
{
	entry_path(c, "cas", hex, out);
}

void rk_cache_ac_path(const struct rk_cache *c, const char *key, struct rk_buf *out)
{
	entry_path(c, "ac", key, out);
}

/* Create <root>/<dir>/<2 hex>. */
static int shard_dir(const struct rk_cache *c, const char *dir, const char *hex)
{
	struct rk_buf b = RK_BUF_INIT;
	int rc;

	rk_buf_addf(&b, "%s/%s/%.2s", c->root, dir, hex);
	rc = mkdir(b.data, 0755);
	if (rc != 0 && errno == EEXIST)
		rc = 0;
	else if (rc != 0 && errno == ENOENT)
		rc = mkdirs(b.data);
	rk_buf_release(&b);
	return rc;
}

int rk_cache_has_blob(const struct rk_cache *c, const char *hex)
{
	struct rk_buf p = RK_BUF_INIT;
	int r;

	if (!rk_cache_is_hex(hex))
		return 0;
	rk_cache_cas_path(c, hex, &p);
	r = access(p.data, F_OK) == 0;
	rk_buf_release(&p);
	return r;
}

int rk_cache_check_blob(const struct rk_cache *c, const char *hex)
{
	struct rk_buf p = RK_BUF_INIT;
	char got[RK_SHA256_HEX];
	int r = 1;

	if (!rk_cache_is_hex(hex))
		return 0;
	rk_cache_cas_path(c, hex, &p);
	if (rk_sha256_file(p.data, got) != 0) {
		r = errno == ENOENT ? 0 : -1;
	} else if (strcmp(got, hex) != 0) {
		(void)unlink(p.data); /* so that the next put heals it */
		r = -1;
	}
	rk_buf_release(&p);
	if (r < 0)
		errno = EBADMSG;
	return r;
}

int rk_cache_put_blob(struct rk_cache *c, const void *data, size_t len, char hex[RK_SHA256_HEX])
{
	struct rk_buf p = RK_BUF_INIT;
	int rc = 0;

	rk_sha256_buf(data, len, hex);
	if (rk_cache_has_blob(c, hex))
		return 0;
	if (shard_dir(c, "cas", hex) != 0)
		return -1;
	rk_cache_cas_path(c, hex, &p);
	rc = rk_write_file_atomic(p.data, data, len, 0444);
	rk_buf_release(&p);
	return rc;
}

int rk_cache_adopt_file(struct rk_cache *c, const char *path, const char *hex)
{
	struct rk_buf p = RK_BUF_INIT;
	int fd, e;

	if (rk_cache_has_blob(c, hex)) {
		unlink(path);
		return 0;
	}
	if (shard_dir(c, "cas", hex) != 0)
		goto fail;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		goto fail;
	if (fchmod(fd, 0444) != 0 || fsync(fd) != 0) {
		e = errno;
		close(fd);
		errno = e;
		goto fail;
	}
	close(fd);
	rk_cache_cas_path(c, hex, &p);
	if (rename(path, p.data) != 0)
		goto fail;
	rk_buf_release(&p);
	return 0;
fail:
	e = errno;
	unlink(path);
	rk_buf_release(&p);
	errno = e;
	return -1;
}

int rk_cache_put_file_move(struct rk_cache *c, const char *path, char hex[RK_SHA256_HEX],
			   long long *size)
{
	struct stat st;
	int e;

	if (rk_sha256_file(path, hex) != 0 || stat(path, &st) != 0) {
		e = errno;
		unlink(path);
		errno = e;
		return -1;
	}
	if (size)
		*size = (long long)st.st_size;
	return rk_cache_adopt_file(c, path, hex);
}

void rk_cache_batch_adopt(struct rk_cache_batch *b, const char *path, const char *hex, void *tag)
{
	struct rk_cache_bent *e;

	RK_GROW(b->e, b->cap, b->n + 1);
	e = &b->e[b->n++];
	memset(e, 0, sizeof(*e));
	e->path = rk_xstrdup(path);
	memcpy(e->hex, hex, RK_SHA256_HEX);
	e->fd = -1;
	e->tag = tag;
}

void rk_cache_batch_ac(struct rk_cache_batch *b, const char *key, char *data, size_t len, void *tag)
{
	struct rk_cache_bent *e;

	RK_GROW(b->e, b->cap, b->n + 1);
	e = &b->e[b->n++];
	memset(e, 0, sizeof(*e));
	e->key = rk_xstrdup(key);
	e->data = data;
	e->len = len;
	e->fd = -1;
	e->tag = tag;
}

void rk_cache_batch_release(struct rk_cache_batch *b)
{
	size_t i;

	for (i = 0; i < b->n; i++) {
		if (b->e[i].fd >= 0)
			close(b->e[i].fd);
		free(b->e[i].path);
		free(b->e[i].key);
		free(b->e[i].data);
	}
	free(b->e);
	memset(b, 0, sizeof(*b));
}

/* Phase 1 of a commit: the file of entry e, written and open. */
static int batch_prepare(struct rk_cache *c, struct rk_cache_bent *e)
{
	if (!e->key) {
		if (rk_cache_has_blob(c, e->hex)) {
			unlink(e->path);
			free(e->path);
			e->path = NULL;
			return 0;
		}
		if (shard_dir(c, "cas", e->hex) != 0)
			return -1;
		e->fd = open(e->path, O_RDONLY | O_CLOEXEC);
		if (e->fd < 0 || fchmod(e->fd, 0444) != 0)
			return -1;
		return 0;
	} else {
		struct rk_buf p = RK_BUF_INIT;
		const char *d = e->data;
		size_t left = e->len;
		if (shard_dir(c, "ac", e->key) != 0)
			return -1;
		rk_cache_ac_path(c, e->key, &p);
		rk_buf_adds(&p, ".tmp.XXXXXX");
		e->fd = mkstemp(p.data);
		e->path = rk_buf_detach(&p, NULL);
		if (e->fd < 0) {
			free(e->path);
			e->path = NULL;
			return -1;
		}
		if (fchmod(e->fd, 0644) != 0)
			return -1;
		while (left > 0) {
			ssize_t w = write(e->fd, d, left);
			if (w < 0) {
				if (errno == EINTR)
					continue;
				return -1;
			}
			d += w;
			left -= (size_t)w;
		}
		return 0;
	}
}

size_t rk_cache_batch_commit(struct rk_cache *c, struct rk_cache_batch *b)
{
	struct rk_buf dst = RK_BUF_INIT;
	size_t i, failed = 0;
	int synced = -1;

	for (i = 0; i < b->n; i++) {
		struct rk_cache_bent *e = &b->e[i];
		if (batch_prepare(c, e) != 0) {
			e->err = errno ? errno : EIO;
			if (e->path)
				unlink(e->path);
		}
	}
	for (i = 0; i < b->n && synced != 0; i++)
		if (!b->e[i].err && b->e[i].fd >= 0)
			synced = syncfs(b->e[i].fd);
	for (i = 0; i < b->n; i++) {
		struct rk_cache_bent *e = &b->e[i];
		if (e->err || e->fd < 0)
			continue;
		if (synced != 0 && fsync(e->fd) != 0)
			e->err = errno;
		close(e->fd);
		e->fd = -1;
		if (!e->err) {
			if (e->key)
				rk_cache_ac_path(c, e->key, &dst);
			else
				rk_cache_cas_path(c, e->hex, &dst);
			if (rename(e->path, dst.data) != 0)
				e->err = errno;
		}
		if (e->err)
			unlink(e->path);
	}
	for (i = 0; i < b->n; i++)
		if (b->e[i].err)
			failed++;
	rk_buf_release(&dst);
	return failed;
}

int rk_cache_put_file_copy(struct rk_cache *c, const char *path, char hex[RK_SHA256_HEX],
			   long long *size)
{
	struct rk_buf b = RK_BUF_INIT;
	int rc;

	if (rk_buf_read_file(&b, path) != 0) {
		int e = errno;
		rk_buf_release(&b);
		errno = e;
		return -1;
	}
	if (size)
		*size = (long long)b.len;
	rc = rk_cache_put_blob(c, b.data ? b.data : "", b.len, hex);
	rk_buf_release(&b);
	return rc;
}

static int get_entry(const struct rk_cache *c, const char *dir, const char *hex, struct rk_buf *out)
{
	struct rk_buf p = RK_BUF_INIT;
	int rc;

	if (!rk_cache_is_hex(hex))
		return 0;
	entry_path(c, dir, hex, &p);
	rc = rk_buf_read_file(out, p.data);
	if (rc != 0) {
		int e = errno;
		rk_buf_release(&p);
		errno = e;
		return e == ENOENT ? 0 : -1;
	}
	if (!strcmp(dir, "cas")) {
		char got[RK_SHA256_HEX];

		rk_sha256_buf(out->data ? out->data : "", out->len, got);
		if (strcmp(got, hex) != 0) {
			(void)unlink(p.data); /* so that the next put heals it */
			rk_buf_release(&p);
			rk_buf_reset(out);
			errno = EBADMSG;
			return -1;
		}
	}
	rk_buf_release(&p);
	return 1;
}

int rk_cache_get_blob(const struct rk_cache *c, const char *hex, struct rk_buf *out)
{
	return get_entry(c, "cas", hex, out);
}

int rk_cache_get_ac(const struct rk_cache *c, const char *key, struct rk_buf *out)
{
	return get_entry(c, "ac", key, out);
}

int rk_cache_put_ac(struct rk_cache *c, const char *key, const void *data, size_t len)
{
	struct rk_buf p = RK_BUF_INIT;
	int rc;

	if (!rk_cache_is_hex(key)) {
		errno = EINVAL;
		return -1;
	}
	if (shard_dir(c, "ac", key) != 0)
		return -1;
	rk_cache_ac_path(c, key, &p);
	rc = rk_write_file_atomic(p.data, data, len, 0644);
	rk_buf_release(&p);
	return rc;
}

void rk_cache_touch(const struct rk_cache *c, const char *dir, const char *hex)
{
	struct rk_buf p = RK_BUF_INIT;

	if (!rk_cache_is_hex(hex))
		return;
	entry_path(c, dir, hex, &p);
	(void)utimensat(AT_FDCWD, p.data, NULL, 0);
	rk_buf_release(&p);
}

int rk_cache_tmpdir(struct rk_cache *c, struct rk_buf *out)
{
	rk_buf_reset(out);
	rk_buf_addf(out, "%s/tmp", c->root);
	if (mkdirs(out->data) != 0)
		return -1;
	rk_buf_addf(out, "/run.%ld.XXXXXX", (long)getpid());
	if (!mkdtemp(out->data))
		return -1;
	return 0;
}

/* ---- protocol buffers ---- */

static void pb_varint(struct rk_buf *b, unsigned long long v)
{
	while (v >= 0x80) {
		rk_buf_addc(b, (char)(unsigned char)((v & 0x7f) | 0x80));
		v >>= 7;
	}
	rk_buf_addc(b, (char)(unsigned char)v);
}

static void pb_tag(struct rk_buf *b, unsigned field, unsigned wire)
{
	pb_varint(b, ((unsigned long long)field << 3) | wire);
}

static void pb_bytes(struct rk_buf *b, unsigned field, const void *data, size_t n)
{
	pb_tag(b, field, 2);
	pb_varint(b, n);
	rk_buf_add(b, data, n);
}

/* A Digest message {1: hash, 2: size_bytes} as field `field`. */
static void pb_digest(struct rk_buf *b, unsigned field, const char *hex, long long size)
{
	struct rk_buf d = RK_BUF_INIT;

	pb_bytes(&d, 1, hex, 64);
	if (size > 0) {
		pb_tag(&d, 2, 0);
		pb_varint(&d, (unsigned long long)size);
	}
	pb_bytes(b, field, d.data, d.len);
	rk_buf_release(&d);
}

void rk_ac_result_init(struct rk_ac_result *r)
{
	memset(r, 0, sizeof(*r));
	memcpy(r->stdout_digest, RK_EMPTY_SHA256, RK_SHA256_HEX);
	memcpy(r->stderr_digest, RK_EMPTY_SHA256, RK_SHA256_HEX);
}

void rk_ac_result_release(struct rk_ac_result *r)
{
	size_t i;

	for (i = 0; i < r->nfiles; i++)
		free(r->files[i].path);
	free(r->files);
	rk_ac_result_init(r);
}

void rk_ac_result_add_file(struct rk_ac_result *r, const char *path, const char *digest,
			   long long size, int executable)
{
	struct rk_ac_file *f;

	RK_GROW(r->files, r->filecap, r->nfiles + 1);
	f = &r->files[r->nfiles++];
	f->path = rk_xstrdup(path);
	memcpy(f->digest, digest, RK_SHA256_HEX);
	f->size = size;
	f->executable = executable;
}

void rk_ac_encode(const struct rk_ac_result *r, struct rk_buf *out)
{
	size_t i;

	for (i = 0; i < r->nfiles; i++) {
		struct rk_buf f = RK_BUF_INIT;
		const struct rk_ac_file *af = &r->files[i];
		pb_bytes(&f, 1, af->path, strlen(af->path));
		pb_digest(&f, 2, af->digest, af->size);
		if (af->executable) {
			pb_tag(&f, 4, 0);
			pb_varint(&f, 1);
		}
		pb_bytes(out, 2, f.data, f.len);
		rk_buf_release(&f);
	}
	if (r->exit_code != 0) {
		pb_tag(out, 4, 0);
		/* int32: negative values are sign-extended to 64 bits */
		pb_varint(out, (unsigned long long)(long long)r->exit_code);
	}
	if (r->stdout_size > 0)
		pb_digest(out, 6, r->stdout_digest, r->stdout_size);
	if (r->stderr_size > 0)
		pb_digest(out, 8, r->stderr_digest, r->stderr_size);
	if (!out->data)
		rk_buf_add(out, "", 0);
}

struct pb {
	const unsigned char *p, *end;
};

static int pb_get_varint(struct pb *s, unsigned long long *v)
{
	unsigned shift = 0;

	*v = 0;
	while (s->p < s->end && shift < 64) {
		unsigned char c = *s->p++;
		*v |= (unsigned long long)(c & 0x7f) << shift;
		if (!(c & 0x80))
			return 0;
		shift += 7;
	}
	return -1;
}

/* Next field: its number and wire type; the bytes (wire 2) or varint (wire 0). */
static int pb_next(struct pb *s, unsigned *field, unsigned *wire, const unsigned char **data,
		   size_t *n, unsigned long long *v)
{
	unsigned long long tag, len;

	if (pb_get_varint(s, &tag) != 0)
		return -1;
	*field = (unsigned)(tag >> 3);
	*wire = (unsigned)(tag & 7);
	if (*field == 0)
		return -1;
	switch (*wire) {
	case 0:
		return pb_get_varint(s, v);
	case 1:
		if (s->end - s->p < 8)
			return -1;
		s->p += 8;
		return 0;
	case 2:
		if (pb_get_varint(s, &len) != 0 || len > (unsigned long long)(s->end - s->p))
			return -1;
		*data = s->p;
		*n = (size_t)len;
		s->p += len;
		return 0;
	case 5:
		if (s->end - s->p < 4)
			return -1;
		s->p += 4;
		return 0;
	default:
		return -1;
	}
}

static int pb_get_digest(const unsigned char *data, size_t n, char hex[RK_SHA256_HEX],
			 long long *size)
{
	struct pb s = {data, data + n};
	unsigned field, wire;
	const unsigned char *d = NULL;
	size_t dn = 0;
	unsigned long long v = 0;
	int have_hash = 0;

	*size = 0;
	while (s.p < s.end) {
		if (pb_next(&s, &field, &wire, &d, &dn, &v) != 0)
			return -1;
		if (field == 1 && wire == 2) {
			if (dn != 64)
				return -1;
			memcpy(hex, d, 64);
			hex[64] = '\0';
			if (!rk_cache_is_hex(hex))
				return -1;
			have_hash = 1;
		} else if (field == 2 && wire == 0) {
			if (v > (1ULL << 62))
				return -1;
			*size = (long long)v;
		}
	}
	return have_hash ? 0 : -1;
}

static int pb_get_file(const unsigned char *data, size_t n, struct rk_ac_result *r)
{
	struct pb s = {data, data + n};
	unsigned field, wire;
	const unsigned char *d = NULL;
	size_t dn = 0;
	unsigned long long v = 0;
	char *path = NULL;
	char hex[RK_SHA256_HEX] = "";
	long long size = 0;
	int exe = 0, have_digest = 0;

	while (s.p < s.end) {
		if (pb_next(&s, &field, &wire, &d, &dn, &v) != 0)
			goto fail;
		if (field == 1 && wire == 2) {
			free(path);
			path = rk_xstrndup((const char *)d, dn);
			if (strlen(path) != dn)
				goto fail;
		} else if (field == 2 && wire == 2) {
			if (pb_get_digest(d, dn, hex, &size) != 0)
				goto fail;
			have_digest = 1;
		} else if (field == 4 && wire == 0) {
			exe = v != 0;
		}
	}
	/* the path comes from an untrusted cache: never outside the tree */
	if (path && *path && have_digest && !rk_path_safe(path)) {
		free(path);
		return -2; /* an output path outside the tree */
	}
	if (!path || !*path || !have_digest)
		goto fail;
	rk_ac_result_add_file(r, path, hex, size, exe);
	free(path);
	return 0;
fail:
	free(path);
	return -1;
}

int rk_ac_decode(const void *data, size_t len, struct rk_ac_result *r)
{
	struct pb s = {data, (const unsigned char *)data + len};
	unsigned field, wire;
	const unsigned char *d = NULL;
	size_t dn = 0;
	unsigned long long v = 0;
	int unsafe_path = 0, k;

	rk_ac_result_init(r);
	while (s.p < s.end) {
		if (pb_next(&s, &field, &wire, &d, &dn, &v) != 0)
			goto fail;
		if (field == 2 && wire == 2) {
			k = pb_get_file(d, dn, r);
			if (k != 0) {
				unsafe_path = k == -2;
				goto fail;
			}
		} else if (field == 4 && wire == 0) {
			r->exit_code = (int)(long long)v;
		} else if (field == 6 && wire == 2) {
			if (pb_get_digest(d, dn, r->stdout_digest, &r->stdout_size) != 0)
				goto fail;
		} else if (field == 8 && wire == 2) {
			if (pb_get_digest(d, dn, r->stderr_digest, &r->stderr_size) != 0)
				goto fail;
		}
	}
	/* a digest of an empty stream must be the empty blob's */
	if ((r->stdout_size == 0 && strcmp(r->stdout_digest, RK_EMPTY_SHA256) != 0) ||
	    (r->stderr_size == 0 && strcmp(r->stderr_digest, RK_EMPTY_SHA256) != 0))
		goto fail;
	return 0;
fail:
	rk_ac_result_release(r);
	errno = unsafe_path ? EPERM : EINVAL;
	return -1;
}

/* ---- statistics and pruning ---- */

struct entry {
	char *path;
	long long size;
	time_t mtime;
};

struct entries {
	struct entry *e;
	size_t n, cap;
};

/* Collect <root>/<dir>/<xx>/<file> entries (skipping temporaries). */
static int collect(const struct rk_cache *c, const char *dir, struct entries *out, long long *count,
		   long long *bytes, time_t *oldest)
{
	struct rk_buf top = RK_BUF_INIT, sub = RK_BUF_INIT;
	DIR *d, *sd;
	struct dirent *de, *se;
	struct stat st;

	rk_buf_addf(&top, "%s/%s", c->root, dir);
	d = opendir(top.data);
	if (!d) {
		rk_buf_release(&top);
		return errno == ENOENT ? 0 : -1;
	}
	while ((de = readdir(d))) {
		if (strlen(de->d_name) != 2 || de->d_name[0] == '.')
			continue;
		rk_buf_reset(&sub);
		rk_buf_addf(&sub, "%s/%s", top.data, de->d_name);
		sd = opendir(sub.data);
		if (!sd)
			continue;
		while ((se = readdir(sd))) {
			struct rk_buf p = RK_BUF_INIT;
			if (se->d_name[0] == '.')
				continue;
			rk_buf_addf(&p, "%s/%s", sub.data, se->d_name);
			if (stat(p.data, &st) != 0 || !S_ISREG(st.st_mode)) {
				rk_buf_release(&p);
				continue;
			}
			if (strstr(se->d_name, ".tmp.")) {
				/* an interrupted write; removed by prune when old */
				if (out && time(NULL) - st.st_mtime > 86400)
					unlink(p.data);
				rk_buf_release(&p);
				continue;
			}
			if (count)
				(*count)++;
			if (bytes)
				*bytes += (long long)st.st_size;
			if (oldest && (*oldest == 0 || st.st_mtime < *oldest))
				*oldest = st.st_mtime;
			if (out) {
				RK_GROW(out->e, out->cap, out->n + 1);
				out->e[out->n].path = rk_buf_detach(&p, NULL);
				out->e[out->n].size = (long long)st.st_size;
				out->e[out->n].mtime = st.st_mtime;
				out->n++;
			}
			rk_buf_release(&p);
		}
		closedir(sd);
	}
	closedir(d);
	rk_buf_release(&top);
	rk_buf_release(&sub);
	return 0;
}

/* Total size of regular files under dir (recursive); removes the
 * subdirectories older than a day when prune is set. */
static long long tree_bytes(const char *dir, int prune)
{
	struct rk_buf p = RK_BUF_INIT;
	DIR *d = opendir(dir);
	struct dirent *de;
	struct stat st;
	long long total = 0;

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		rk_buf_reset(&p);
		rk_buf_addf(&p, "%s/%s", dir, de->d_name);
		if (lstat(p.data, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			int old = prune == 2 || (prune && time(NULL) - st.st_mtime > 86400);
			total += tree_bytes(p.data, old ? 2 : 0);
			if (old)
				rmdir(p.data);
		} else {
			total += (long long)st.st_size;
			if (prune == 2)
				unlink(p.data);
		}
	}
	closedir(d);
	rk_buf_release(&p);
	return total;
}

int rk_cache_stats(const struct rk_cache *c, struct rk_cache_stats *st)
{
	struct rk_buf tmp = RK_BUF_INIT;
	time_t oldest = 0;

	memset(st, 0, sizeof(*st));
	if (collect(c, "cas", NULL, &st->cas_entries, &st->cas_bytes, &oldest) != 0 ||
	    collect(c, "ac", NULL, &st->ac_entries, &st->ac_bytes, &oldest) != 0)
		return -1;
	rk_buf_addf(&tmp, "%s/tmp", c->root);
	st->tmp_bytes = tree_bytes(tmp.data, 0);
	rk_buf_release(&tmp);
	st->oldest_s = oldest ? (long long)(time(NULL) - oldest) : 0;
	return 0;
}

static int by_mtime(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	if (x->mtime != y->mtime)
		return x->mtime < y->mtime ? -1 : 1;
	return strcmp(x->path, y->path);
}

int rk_cache_prune(struct rk_cache *c, long long max_age_s, long long max_bytes, long long *removed,
		   long long *freed)
{
	struct entries all = {0};
	struct rk_buf tmp = RK_BUF_INIT;
	long long total = 0, nrm = 0, nfreed = 0;
	time_t now = time(NULL);
	size_t i;
	int rc = 0;

	if (collect(c, "ac", &all, NULL, &total, NULL) != 0 ||
	    collect(c, "cas", &all, NULL, &total, NULL) != 0)
		rc = -1;
	if (rc == 0) {
		if (all.n) /* qsort(NULL, 0) is undefined */
			qsort(all.e, all.n, sizeof(*all.e), by_mtime);
		for (i = 0; i < all.n; i++) {
			int old = max_age_s >= 0 && (long long)(now - all.e[i].mtime) > max_age_s;
			/* empty entries free nothing: only age removes them */
			int big = max_bytes >= 0 && total > max_bytes && all.e[i].size > 0;
			if (!old && !big)
				continue;
			if (unlink(all.e[i].path) == 0 || errno == ENOENT) {
				total -= all.e[i].size;
				nrm++;
				nfreed += all.e[i].size;
			}
		}
		rk_buf_addf(&tmp, "%s/tmp", c->root);
		(void)tree_bytes(tmp.data, 1);
	}
	for (i = 0; i < all.n; i++)
		free(all.e[i].path);
	free(all.e);
	rk_buf_release(&tmp);
	if (removed)
		*removed = nrm;
	if (freed)
		*freed = nfreed;
	return rc;
}
