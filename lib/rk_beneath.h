/*
 * rk_beneath.h - files beneath a directory, never outside it: the paths of
 * declared outputs and of outputs restored from a cache (local or remote,
 * both untrusted input).
 *
 * A safe relative path is non-empty, at most 4096 bytes, relative (no
 * leading '/'), without "." or ".." components, empty components ("a//b",
 * a trailing '/') or backslashes. Everything below walks the path one
 * component at a time with openat(2) and O_NOFOLLOW: a symbolic link on the
 * way (pointing anywhere, even inside the root) is refused with ELOOP, so a
 * write can never land outside the root, and nothing blocks on a FIFO or a
 * device (RK_ENOTREG) or follows a directory (EISDIR).
 *
 * Errors: -1 with errno (EINVAL for an unsafe path).
 */
#ifndef RK_BENEATH_H
#define RK_BENEATH_H

#include "rk_buf.h"
#include "rk_cache.h"
#include "rk_sha256.h"

/* 1 when rel is a safe relative path (above), else 0. */
int rk_path_safe(const char *rel);

/*
 * Open root/rel for reading without following links; it must be a regular
 * file. Returns the descriptor (O_CLOEXEC), or -1 with errno.
 */
int rk_open_beneath(const char *root, const char *rel);

/*
 * Stage the regular file root/rel for the CAS: copied by streaming
 * (constant memory) into the cache's tmp/ as *staged, hashed (hex, *size)
 * and its mode noted (*executable), not synced and not yet in the CAS; the
 * caller adopts it (rk_cache_adopt_file, or a writer batch that syncs it)
 * or removes it. 0, or -1 with errno (nothing staged, *staged empty).
 */
int rk_cache_stage_beneath(struct rk_cache *c, const char *root, const char *rel,
			   struct rk_buf *staged, char hex[RK_SHA256_HEX], long long *size,
			   int *executable);

/*
 * Write the CAS blob hex to root/rel (mode 0755 when executable, else
 * 0644), creating missing directories, atomically (a temporary beside it,
 * renamed over it) and streaming; nothing is done when the file already
 * has that content. The blob is verified while copied (EBADMSG: corrupt,
 * removed from the cache). An existing symbolic link, directory, FIFO or
 * device at root/rel is refused (ELOOP, EISDIR, RK_ENOTREG), never
 * followed or opened.
 */
int rk_cache_restore_beneath(const struct rk_cache *c, const char *hex, const char *root,
			     const char *rel, int executable);

#endif
