/*
 * rk_mask.h - secret masking, the one place every output channel goes
 * through before anything is cut, stored, uploaded or printed.
 *
 * A struct rk_mask holds secret values (borrowed nowhere: copies). Every
 * occurrence of any of them is replaced by "***" (at each position the
 * longest secret that matches wins). Values shorter than RK_MASK_MIN bytes
 * are not secrets (masking "1" would destroy every log).
 *
 * Where secrets come from:
 *   rk_mask_add        one value (an action's "env" values, ...)
 *   rk_mask_add_env    the values of variables whose names look secret:
 *                      the name contains TOKEN, SECRET, PASSWORD, PASSWD,
 *                      PASSPHRASE, CREDENTIAL, AUTH, PRIVATE, API_KEY,
 *                      ACCESS_KEY, or ends in _KEY or _PW (any case); plus
 *                      the names listed in $RK_SECRET_ENV (comma-separated)
 *   rk_mask_add_url    the user-info of a URL (scheme://user:password@host),
 *                      raw and percent-decoded
 *
 * Masking never fails (allocation failure dies like rk_buf). The stream
 * form holds at most 64 KiB plus the longest secret in memory.
 */
#ifndef RK_MASK_H
#define RK_MASK_H

#include <stddef.h>

#include "rk_buf.h"
#include "rk_sha256.h"

#define RK_MASK_MIN 4
#define RK_MASK_TEXT "***"

struct rk_mask {
	char **v; /* owned */
	size_t *len;
	size_t n, cap, maxlen;
};

void rk_mask_init(struct rk_mask *m);
void rk_mask_release(struct rk_mask *m);
void rk_mask_add(struct rk_mask *m, const char *value);
void rk_mask_add_env(struct rk_mask *m, char *const *env);
void rk_mask_add_url(struct rk_mask *m, const char *url);
/* 1 when the variable name looks like it holds a secret. */
int rk_mask_secret_name(const char *name, size_t len);

/* Mask b in place. */
void rk_mask_buf(const struct rk_mask *m, struct rk_buf *b);
/* Append s masked to out. */
void rk_mask_str(const struct rk_mask *m, const char *s, size_t len, struct rk_buf *out);

/*
 * Copy the file in to out (created 0644, truncated) masked, streaming.
 * hex and *size (when not NULL) receive the SHA-256 and size of what was
 * written. Returns 0, or -1 with errno (out may be partial; the caller
 * removes it).
 */
int rk_mask_file(const struct rk_mask *m, const char *in, const char *out, char hex[RK_SHA256_HEX],
		 long long *size);

/*
 * Process-wide masking of diagnostics: after rk_mask_messages(m), every
 * rk_warn/rk_error/rk_die line is masked with m (borrowed; NULL to stop).
 */
void rk_mask_messages(const struct rk_mask *m);

#endif
