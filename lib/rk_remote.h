/*
 * rk_remote.h - a remote cache over the Bazel HTTP cache protocol, through
 * libcurl: GET / PUT / HEAD on <base>/ac/<key> and <base>/cas/<sha256>, as
 * served by bazel-remote (AC values are REAPI ActionResult messages, see
 * rk_cache.h, so the server's AC validation accepts them).
 *
 * The URL may carry a path prefix (a cache "pool", e.g.
 * http://127.0.0.1:8080/team); credentials in the URL (user:password@) are
 * passed to curl and never printed: messages show the URL without them.
 *
 * Failure policy: the first transport error or unexpected status (anything
 * but 200/201/204 and 404 on a GET/HEAD) prints one warning ("remote cache
 * <url> unavailable (...): using the local cache only") and disables the
 * remote for the rest of the run; every later call returns -1 at once. The
 * remote is a help, never a reason to fail a release.
 *
 * Everything a remote returns is untrusted input: bodies are capped
 * (max_ac bytes for an AC entry, read into memory; max_blob for a CAS blob,
 * streamed to a file and never held in memory); a larger body, announced or
 * not, aborts the transfer and disables the remote ("... larger than N
 * bytes"). The caps default to 16 MiB and 4 GiB, and $RK_REMOTE_MAX_AC /
 * $RK_REMOTE_MAX_BLOB (bytes) override them.
 *
 * One struct rk_remote holds one curl easy handle (connections are reused).
 */
#ifndef RK_REMOTE_H
#define RK_REMOTE_H

#include <stddef.h>

#include "rk_buf.h"
#include "rk_msg.h"

struct rk_remote {
	char *base;    /* URL without a trailing '/' (owned) */
	char *display; /* base without credentials, for messages (owned) */
	void *curl;    /* CURL * */
	int disabled;
	long timeout_ms;	    /* per request; default 30000 */
	long long max_ac, max_blob; /* body caps (above) */
	long long gets, hits, puts; /* counters for the summary */
};

/*
 * Returns 0, or -1 with err->msg set (no source or line) when url is not
 * http(s):// or libcurl cannot start.
 */
int rk_remote_init(struct rk_remote *r, const char *url, struct rk_err *err);
void rk_remote_release(struct rk_remote *r);

/* Warn once and disable the remote (e.g. it returned an undecodable entry). */
void rk_remote_disable(struct rk_remote *r, const char *why);

/* kind is "ac" or "cas". GET: 1 found (body in out; a CAS blob is checked
 * against its digest, a mismatch disables the remote), 0 not found, -1 error. */
int rk_remote_get(struct rk_remote *r, const char *kind, const char *hex, struct rk_buf *out);
/* GET into the file path (created 0644, replaced), streaming: 1 found (a
 * CAS blob checked against its digest), 0 not found, -1 error (the file is
 * removed in both cases). */
int rk_remote_get_file(struct rk_remote *r, const char *kind, const char *hex, const char *path);
/* HEAD: 1 present, 0 absent, -1 error. */
int rk_remote_head(struct rk_remote *r, const char *kind, const char *hex);
/* PUT: 0 stored, -1 error. */
int rk_remote_put(struct rk_remote *r, const char *kind, const char *hex, const void *data,
		  size_t len);
/* PUT of a regular file, streamed. */
int rk_remote_put_file(struct rk_remote *r, const char *kind, const char *hex, const char *path);

#endif
