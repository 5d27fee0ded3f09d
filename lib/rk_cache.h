/*
 * rk_cache.h - the content-addressed cache on disk (design.md section 4).
 *
 *   <root>/cas/<first 2 hex>/<sha256>   immutable blobs (mode 0444)
 *   <root>/ac/<first 2 hex>/<key>       action results (ActionResult, below)
 *   <root>/tmp/                         scratch of running executors
 *
 * The root is $RK_CACHE_DIR, else ${XDG_CACHE_HOME:-$HOME/.cache}/releasekit.
 * Every entry is written to a temporary file in its final directory, fsync'ed
 * and renamed into place (rk_write_file_atomic, or rename of an fsync'ed
 * scratch file), so readers never see a partial entry and any number of
 * processes may share one cache. Blobs are never rewritten: a put of a blob
 * that exists is a no-op.
 *
 * AC entries are REAPI v2 ActionResult protocol-buffer messages (the fields
 * rk-exec uses: output_files (path, digest, is_executable), exit_code,
 * stdout_digest, stderr_digest), the format Bazel HTTP caches (bazel-remote)
 * validate, so the same bytes live in the local and the remote cache. Only
 * successful results are stored. An empty stdout/stderr is written without a
 * digest and reads back as the digest of the empty blob.
 *
 * Age: a hit touches the entry and the blobs it names (mtime), so pruning by
 * age or size (oldest first) is least-recently-used.
 *
 * Concurrency: there is no global or hidden state; struct rk_cache is not
 * changed after rk_cache_open, so one cache may be used from several threads
 * at once, each with its own buffers and batches (a struct rk_cache_batch
 * belongs to one thread). rk-exec does so: its writer thread
 * (cmd/rk-exec/writer.c) adopts blobs and writes AC entries in batches
 * (rk_cache_batch_*) while the scheduler's thread looks entries up, touches,
 * restores and adopts. That is safe because an entry appears only by
 * rename(2) of a complete, fsync'ed file: a reader on another thread or in
 * another process sees the entry whole or not at all (a lookup racing with
 * the write of the same key is a miss), and two writers of one blob leave
 * one. errno is per thread. Entries are removed only by rk_cache_prune and
 * by a read that finds a corrupt blob (removed so that the next put heals
 * it): neither breaks a concurrent reader, which then sees a miss.
 *
 * Errors: -1 with errno set; functions that look something up return 1
 * (found), 0 (absent) or -1.
 */
#ifndef RK_CACHE_H
#define RK_CACHE_H

#include <stddef.h>

#include "rk_buf.h"
#include "rk_sha256.h"

/* SHA-256 of the empty blob. */
#define RK_EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

struct rk_cache {
	char *root; /* owned */
};

/* Fill out with the default root (see above); -1 (ENOENT) when neither
 * RK_CACHE_DIR, XDG_CACHE_HOME nor HOME is set. */
int rk_cache_default_root(struct rk_buf *out);

/* Open (creating directories) the cache at root, NULL for the default. */
int rk_cache_open(struct rk_cache *c, const char *root);
void rk_cache_release(struct rk_cache *c);

/* Paths of entries (hex must be 64 lowercase hex digits). */
void rk_cache_cas_path(const struct rk_cache *c, const char *hex, struct rk_buf *out);
void rk_cache_ac_path(const struct rk_cache *c, const char *key, struct rk_buf *out);

/* 1 when s is 64 lowercase hex digits. */
int rk_cache_is_hex(const char *s);

/* Store a blob; hex receives its SHA-256. */
int rk_cache_put_blob(struct rk_cache *c, const void *data, size_t len, char hex[RK_SHA256_HEX]);
/*
 * Store the file at path (which must be on the cache's file system, e.g.
 * under rk_cache_tmpdir) by renaming it into the CAS; the file is consumed
 * (renamed or removed). *size receives its size.
 */
int rk_cache_put_file_move(struct rk_cache *c, const char *path, char hex[RK_SHA256_HEX],
			   long long *size);
/*
 * The second half of rk_cache_put_file_move, for a caller that already
 * knows the file's digest (e.g. hashed it in one thread and stores it in
 * another): fsync and rename path into the CAS as hex, or remove it when
 * the blob exists. The caller vouches for the digest.
 */
int rk_cache_adopt_file(struct rk_cache *c, const char *path, const char *hex);
/*
 * Batched writes: many adoptions and AC entries made durable with one
 * syncfs(2) (falling back to an fsync per file) before any is renamed into
 * place; the same guarantee as one at a time, at the cost of one journal
 * commit. Entries are committed in order, so an AC entry added after the
 * blobs it names never appears before them.
 */
struct rk_cache_bent {
	char *path; /* adopt: the file; ac: the temporary written */
	char hex[RK_SHA256_HEX];
	char *key;  /* AC entries: the key ... */
	char *data; /* ... and the bytes */
	size_t len;
	int fd;
	int err;   /* after commit: 0 or an errno */
	void *tag; /* the caller's (not freed) */
};

struct rk_cache_batch {
	struct rk_cache_bent *e;
	size_t n, cap;
};

void rk_cache_batch_adopt(struct rk_cache_batch *b, const char *path, const char *hex, void *tag);
/* Takes ownership of data (malloc'ed). */
void rk_cache_batch_ac(struct rk_cache_batch *b, const char *key, char *data, size_t len,
		       void *tag);
/* Write, sync and rename everything; per-entry errors in e[i].err. Returns
 * the number of failed entries. The batch keeps its entries (for their err
 * and tag) until rk_cache_batch_release. */
size_t rk_cache_batch_commit(struct rk_cache *c, struct rk_cache_batch *b);
void rk_cache_batch_release(struct rk_cache_batch *b);

/* Store a copy of the file at path (left in place). */
int rk_cache_put_file_copy(struct rk_cache *c, const char *path, char hex[RK_SHA256_HEX],
			   long long *size);
/* 1 present, 0 absent. */
int rk_cache_has_blob(const struct rk_cache *c, const char *hex);
/* 1 present and its content hashes to hex, 0 absent, -1 unreadable or
 * corrupt (errno EBADMSG; a corrupt blob is removed so a later put heals it). */
int rk_cache_check_blob(const struct rk_cache *c, const char *hex);
/* 1 read (and verified against hex), 0 absent, -1 error (EBADMSG: corrupt, removed). */
int rk_cache_get_blob(const struct rk_cache *c, const char *hex, struct rk_buf *out);

/* Raw AC entries (encoded ActionResult bytes). */
int rk_cache_get_ac(const struct rk_cache *c, const char *key, struct rk_buf *out);
int rk_cache_put_ac(struct rk_cache *c, const char *key, const void *data, size_t len);

/* Set the mtime of an entry to now (LRU for pruning); errors ignored. */
void rk_cache_touch(const struct rk_cache *c, const char *dir, const char *hex);

/* A private scratch directory under <root>/tmp, created; out gets its path. */
int rk_cache_tmpdir(struct rk_cache *c, struct rk_buf *out);

/* ---- action results (REAPI ActionResult subset) ---- */

struct rk_ac_file {
	char *path; /* owned */
	char digest[RK_SHA256_HEX];
	long long size;
	int executable;
};

struct rk_ac_result {
	int exit_code;
	char stdout_digest[RK_SHA256_HEX];
	long long stdout_size;
	char stderr_digest[RK_SHA256_HEX];
	long long stderr_size;
	struct rk_ac_file *files; /* owned */
	size_t nfiles, filecap;
};

void rk_ac_result_init(struct rk_ac_result *r);
void rk_ac_result_release(struct rk_ac_result *r);
/* Append a copy of an output file. */
void rk_ac_result_add_file(struct rk_ac_result *r, const char *path, const char *digest,
			   long long size, int executable);
/* Protocol-buffer encoding, appended to out. */
void rk_ac_encode(const struct rk_ac_result *r, struct rk_buf *out);
/*
 * Decode; unknown fields are skipped. -1 (EINVAL) on malformed input or a
 * digest that is not SHA-256 hex, or a stdout/stderr digest with size 0
 * that is not the empty blob's; -1 (EPERM) on an output path that is not
 * a safe relative path (rk_beneath.h: "..", absolute, ...); r is then
 * released.
 */
int rk_ac_decode(const void *data, size_t len, struct rk_ac_result *r);

/* ---- statistics and pruning ---- */

struct rk_cache_stats {
	long long cas_entries, cas_bytes;
	long long ac_entries, ac_bytes;
	long long tmp_bytes;
	long long oldest_s; /* age of the least recently used entry, seconds */
};

int rk_cache_stats(const struct rk_cache *c, struct rk_cache_stats *st);

/*
 * Remove entries (AC and CAS alike, by mtime) older than max_age_s (< 0: no
 * age limit), then the least recently used ones until the total is at most
 * max_bytes (< 0: no size limit; empty entries free nothing and are
 * removed by age only). Scratch directories of executors that
 * are gone (older than a day) are removed too. *removed and *freed, when
 * not NULL, receive the counts.
 */
int rk_cache_prune(struct rk_cache *c, long long max_age_s, long long max_bytes, long long *removed,
		   long long *freed);

#endif
