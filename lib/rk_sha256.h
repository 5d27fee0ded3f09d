/*
 * rk_sha256.h - SHA-256 through OpenSSL's EVP interface, hex output.
 *
 * Digests are written as 64 lowercase hex characters plus NUL (RK_SHA256_HEX).
 * Functions return 0, or -1 with errno set (file and tree hashing). OpenSSL's
 * digest fails only when it cannot allocate its context: that ends the
 * process as out of memory does (rk_xmalloc), with a message naming it.
 *
 * Tree digest: a deterministic digest of a directory, independent of
 * directory order, timestamps and owners. Entries are visited sorted by
 * name (bytes); each contributes "<type> <mode> <name>\0<digest>" where type
 * is 'f' (regular file; mode 755 if any execute bit is set, else 644), 'l'
 * (symlink; digest of its target text) or 'd' (directory; its own tree
 * digest). Entries named ".git" are skipped. The directory's digest is the
 * SHA-256 of the concatenation.
 */
#ifndef RK_SHA256_H
#define RK_SHA256_H

#include <stddef.h>

#define RK_SHA256_LEN 32
#define RK_SHA256_HEX 65

struct rk_sha256 {
	void *ctx; /* EVP_MD_CTX */
};

int rk_sha256_init(struct rk_sha256 *h);
void rk_sha256_update(struct rk_sha256 *h, const void *data, size_t n);
/* Finish into out[32] and free the context. */
void rk_sha256_final(struct rk_sha256 *h, unsigned char out[RK_SHA256_LEN]);
void rk_sha256_tohex(const unsigned char d[RK_SHA256_LEN], char hex[RK_SHA256_HEX]);

void rk_sha256_buf(const void *data, size_t n, char hex[RK_SHA256_HEX]);
int rk_sha256_file(const char *path, char hex[RK_SHA256_HEX]);
int rk_sha256_tree(const char *dir, char hex[RK_SHA256_HEX]);

#endif
