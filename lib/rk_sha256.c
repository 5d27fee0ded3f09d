#include "rk_common.h"
#include "rk_sha256.h"
#include "rk_sort.h"

#include <dirent.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

int rk_sha256_init(struct rk_sha256 *h)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		rk_die(RK_EXIT_FAIL, "OpenSSL: cannot initialise SHA-256");
	h->ctx = ctx;
	return 0;
}

void rk_sha256_update(struct rk_sha256 *h, const void *data, size_t n)
{
	if (n && EVP_DigestUpdate(h->ctx, data, n) != 1)
		rk_die(RK_EXIT_FAIL, "OpenSSL: SHA-256 update failed");
}

void rk_sha256_final(struct rk_sha256 *h, unsigned char out[RK_SHA256_LEN])
{
	unsigned int len = 0;

	if (EVP_DigestFinal_ex(h->ctx, out, &len) != 1 || len != RK_SHA256_LEN)
		rk_die(RK_EXIT_FAIL, "OpenSSL: SHA-256 final failed");
	EVP_MD_CTX_free(h->ctx);
	h->ctx = NULL;
}

void rk_sha256_tohex(const unsigned char d[RK_SHA256_LEN], char hex[RK_SHA256_HEX])
{
	static const char digits[] = "0123456789abcdef";

	for (int i = 0; i < RK_SHA256_LEN; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 15];
	}
	hex[64] = '\0';
}

void rk_sha256_buf(const void *data, size_t n, char hex[RK_SHA256_HEX])
{
	struct rk_sha256 h;
	unsigned char d[RK_SHA256_LEN];

	rk_sha256_init(&h);
	rk_sha256_update(&h, data, n);
	rk_sha256_final(&h, d);
	rk_sha256_tohex(d, hex);
}

static int hash_fd(int fd, unsigned char d[RK_SHA256_LEN])
{
	struct rk_sha256 h;
	char buf[65536];
	ssize_t n;

	rk_sha256_init(&h);
	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0) {
			int saved;
			if (errno == EINTR)
				continue;
			saved = errno;
			rk_sha256_final(&h, d);
			errno = saved;
			return -1;
		}
		if (n == 0)
			break;
		rk_sha256_update(&h, buf, (size_t)n);
	}
	rk_sha256_final(&h, d);
	return 0;
}

int rk_sha256_file(const char *path, char hex[RK_SHA256_HEX])
{
	unsigned char d[RK_SHA256_LEN];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int rc, saved;

	if (fd < 0)
		return -1;
	rc = hash_fd(fd, d);
	saved = errno;
	close(fd);
	errno = saved;
	if (rc == 0)
		rk_sha256_tohex(d, hex);
	return rc;
}

static int tree_digest(struct rk_buf *path, unsigned char out[RK_SHA256_LEN])
{
	DIR *dir = opendir(path->data);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0, base = path->len;
	struct rk_sha256 h;
	int rc = 0, saved = 0;

	if (!dir)
		return -1;
	while ((errno = 0, de = readdir(dir))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    !strcmp(de->d_name, ".git"))
			continue;
		RK_GROW(names, cap, n + 1);
		names[n++] = rk_xstrdup(de->d_name);
	}
	if (errno)
		rc = -1, saved = errno;
	closedir(dir);
	if (n > 1)
		qsort(names, n, sizeof(*names), rk_strcmp_ptr);

	rk_sha256_init(&h);
	for (size_t i = 0; i < n && rc == 0; i++) {
		int hl;
		char head[64];
		struct stat st;
		unsigned char d[RK_SHA256_LEN];
		char type;
		int mode = 0;

		rk_buf_truncate(path, base);
		rk_buf_addc(path, '/');
		rk_buf_adds(path, names[i]);
		if (lstat(path->data, &st) != 0) {
			rc = -1, saved = errno;
			break;
		}
		if (S_ISDIR(st.st_mode)) {
			type = 'd';
			if (tree_digest(path, d) != 0) {
				rc = -1, saved = errno;
				break;
			}
		} else if (S_ISLNK(st.st_mode)) {
			struct rk_sha256 lh;
			char target[4096];
			ssize_t tl = readlink(path->data, target, sizeof(target));
			if (tl < 0) {
				rc = -1, saved = errno;
				break;
			}
			type = 'l';
			rk_sha256_init(&lh);
			rk_sha256_update(&lh, target, (size_t)tl);
			rk_sha256_final(&lh, d);
		} else if (S_ISREG(st.st_mode)) {
			int fd = open(path->data, O_RDONLY | O_CLOEXEC);
			type = 'f';
			mode = (st.st_mode & 0111) ? 0755 : 0644;
			if (fd < 0 || hash_fd(fd, d) != 0) {
				rc = -1, saved = errno;
				if (fd >= 0)
					close(fd);
				break;
			}
			close(fd);
		} else {
			continue; /* sockets, fifos, devices: not content */
		}
		hl = snprintf(head, sizeof(head), "%c %o ", type, mode);
		rk_sha256_update(&h, head, (size_t)hl);
		rk_sha256_update(&h, names[i], strlen(names[i]) + 1);
		rk_sha256_update(&h, d, sizeof(d));
	}
	rk_sha256_final(&h, out);
	rk_buf_truncate(path, base);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	errno = saved;
	return rc;
}

int rk_sha256_tree(const char *dir, char hex[RK_SHA256_HEX])
{
	int saved;
	struct rk_buf path = RK_BUF_INIT;
	unsigned char d[RK_SHA256_LEN];
	int rc;

	rk_buf_adds(&path, dir);
	rc = tree_digest(&path, d);
	saved = errno;
	rk_buf_release(&path);
	errno = saved;
	if (rc == 0)
		rk_sha256_tohex(d, hex);
	return rc;
}
