/*
 * rk_http.h - the one HTTP client for registry and forge calls (libcurl).
 *
 * rk_http_do() sends one request and retries it as the registries expect
 * (../shared/design.md section 8):
 *
 *   429            waits exactly the answer's Retry-After (seconds or an
 *                  HTTP date), capped by retry_after_max_s, then retries.
 *                  A 429 without Retry-After waits the backoff below. 429s
 *                  do not use up max_attempts (a 429 never fails a release);
 *                  max_429 bounds them (a server that only ever says 429).
 *   rate limits    a forge's 403 that is a rate limit (with Retry-After, or
 *   (forges)       x-ratelimit-remaining: 0) counts as a 429; without
 *                  Retry-After the wait is exactly until x-ratelimit-reset
 *                  (or GitLab's RateLimit-Reset), epoch seconds, capped as
 *                  above (reason "x-ratelimit-reset").
 *   5xx, resets,   retried with full-jitter exponential backoff: a random
 *   timeouts,      wait in [0, min(backoff_cap_s, backoff_base_s * 2^k)]
 *   no connection  (k = 0, 1, ...), at most max_attempts tries in all.
 *   other answers  returned to the caller (2xx, 3xx not followed, 4xx).
 *
 * Every wait is reported through on_wait (when set) before it starts, so
 * an executor can log it (the tests measure the waits from that log and
 * from the fault proxy's).
 *
 * Secrets: the token is sent only as a request header (auth: the whole
 * Authorization value, e.g. "Bearer T" or "Basic B64"); it never appears
 * in an error message, a URL or a wait report. URLs in messages are shown
 * without userinfo and query (rk_http_url_show). rk_http_mask() replaces
 * every occurrence of a secret in a buffer with "***": callers use it on
 * any text that came back from a server before showing it.
 *
 * Bodies: the request body comes from memory (body/body_len), a file
 * (body_file, streamed), pieces (segs: memory and files, a file's bytes
 * optionally base64-encoded on the way, all streamed through a read
 * callback, never held whole) or a multipart/form-data form (form: text
 * fields and files, streamed by libcurl's mime API). Each attempt reads the
 * body again from its start (so retries resend it whole); memory use does
 * not grow with a file's size. The answer goes to memory (resp->body) or, with
 * out_file, is streamed to that file (written to a temporary file and
 * renamed into place only after a complete 2xx answer).
 *
 * Body in memory: resp->body.data is never NULL after rk_http_do (an empty
 * answer is ""), so text parsers can take it as a string.
 *
 * Errors: rk_http_do returns 0 when an answer came (any status: look at
 * resp->status), or -1 with err set to one line ("PUT http://host/path:
 * Connection reset by peer (after 6 attempts)") when none did.
 */
#ifndef RK_HTTP_H
#define RK_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "rk_buf.h"
#include "rk_msg.h"

struct rk_http_wait {
	const char *method;
	const char *url;    /* shown form (no userinfo, no query) */
	long status;	    /* the answer that caused the wait, 0 for a transport error */
	const char *reason; /* "retry-after", "backoff" */
	double seconds;	    /* the wait about to start */
	double retry_after; /* the server's value, or -1 */
	int attempt;	    /* the attempt that failed (1-based) */
	const char *error;  /* transport error text, or NULL */
};

struct rk_http_opts {
	double connect_timeout_s; /* default 10 */
	double timeout_s;	  /* whole request, default 300 */
	double low_speed_s;	  /* abort when under 1 byte/s for this long; default 60 */
	int max_attempts;	  /* 5xx/transport tries in all, default 5 */
	int max_429;		  /* default 30 */
	double backoff_base_s;	  /* default 0.5 */
	double backoff_cap_s;	  /* default 30 */
	double retry_after_max_s; /* default 300 (RK_HTTP_RETRY_AFTER_MAX overrides) */
	void (*on_wait)(void *ctx, const struct rk_http_wait *w);
	void *ctx;
	/* One request, no retries and no waits: every answer (429 and 5xx
	 * too) comes back as it is, a transport error as -1. For callers with
	 * their own backoff (rk_poll); resp->retry_after tells them the
	 * server's wish. */
	bool single_attempt;
};

/* The defaults above, with RK_HTTP_RETRY_AFTER_MAX, RK_HTTP_MAX_ATTEMPTS,
 * RK_HTTP_BACKOFF_BASE, RK_HTTP_BACKOFF_CAP and RK_HTTP_TIMEOUT (seconds)
 * from the environment when set and valid. */
void rk_http_opts_default(struct rk_http_opts *o);

/* A piece of a streamed body (struct rk_http_req.segs). */
struct rk_http_seg {
	const void *data; /* bytes in memory, or NULL for file */
	size_t len;
	const char *file; /* or a file's whole content, read while sending */
	bool base64;	  /* file: sent base64-encoded (standard alphabet, padded) */
};

/* A multipart/form-data field (struct rk_http_req.form). */
struct rk_http_part {
	const char *name;
	const char *value;    /* text, or NULL for file */
	const char *file;     /* or a file's content, streamed */
	const char *filename; /* file: the filename sent (default its base name) */
	const char *type;     /* file: its Content-Type (default application/octet-stream) */
};

struct rk_http_req {
	const char *method; /* "GET", "PUT", "POST", "HEAD" */
	const char *url;
	const char *const *headers; /* "Name: value" lines, NULL-terminated; not secret */
	const char *auth;	    /* the Authorization header's value (secret), or NULL */
	const void *body;	    /* request body in memory, or NULL */
	size_t body_len;
	const char *body_file;		/* or a file to stream as the body */
	const struct rk_http_seg *segs; /* or these pieces, in order, streamed */
	size_t nsegs;
	const struct rk_http_part *form; /* or a multipart/form-data form (POST) */
	size_t nform;
	const char *out_file;  /* stream a 2xx answer's body here (atomically) */
	size_t max_body;       /* in-memory answers beyond this are cut; 0: 64 MiB */
	bool follow_redirects; /* follow up to 10 (http/https); ignored with auth */
	bool decompress;       /* send Accept-Encoding for every coding curl decodes */
};

struct rk_http_resp {
	long status;	    /* last answer's HTTP status */
	struct rk_buf body; /* the answer's body (unless out_file took a 2xx) */
	char *content_type; /* malloc'd or NULL */
	int attempts;	    /* requests sent */
	int n429;	    /* of which answered 429 */
	double waited_s;    /* total time waited between attempts */
	double retry_after; /* last answer's Retry-After in seconds, -1 when absent */
};

#define RK_HTTP_RESP_INIT                                                                          \
	{                                                                                          \
		0, RK_BUF_INIT, NULL, 0, 0, 0, -1                                                  \
	}

void rk_http_resp_release(struct rk_http_resp *r);

int rk_http_do(const struct rk_http_opts *o, const struct rk_http_req *req,
	       struct rk_http_resp *resp, struct rk_err *err);

/* Parse a Retry-After value (delta-seconds or an HTTP date) relative to
 * now (seconds since the epoch); -1 when it is neither. */
double rk_http_parse_retry_after(const char *v, double now);

/* url without userinfo, query or fragment, into out (replacing it). */
void rk_http_url_show(const char *url, struct rk_buf *out);

/* url without userinfo only (query and fragment kept); malloc'd. */
char *rk_http_url_nouser(const char *url);

/* ref resolved against base (RFC 3986; ref may be absolute); malloc'd, or
 * NULL when either cannot be parsed. */
char *rk_http_url_resolve(const char *base, const char *ref);

/* Replace every occurrence of secret (when non-empty) in b with "***"
 * (rk_mask.h with that one secret). */
void rk_http_mask(struct rk_buf *b, const char *secret);

/* Base64 (standard alphabet, padded) of n bytes, appended to out. */
void rk_base64(const void *data, size_t n, struct rk_buf *out);

#endif
