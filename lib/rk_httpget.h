/*
 * rk_httpget.h - a small HTTP GET client over libcurl for rk-poll: polls
 * and downloads from registries.
 *
 * (The publish side may bring a fuller lib/rk_http.{c,h}; this one does
 * only what polling needs: GET with extra request headers, the status,
 * Content-Type, Retry-After and the body, and relative URL resolution.
 * The two should become one module.)
 *
 * Credentials in a URL (user:password@) are passed to curl and never shown:
 * rk_httpget_display() gives the URL without them for messages.
 *
 * Errors: rk_httpget() returns 0 whenever an HTTP answer arrived (any
 * status: the caller decides), or -1 on a transport failure (connection
 * refused or reset, timeout, bad URL) with resp->error set to one line.
 * Nothing here prints or exits.
 */
#ifndef RK_HTTPGET_H
#define RK_HTTPGET_H

#include "rk_buf.h"

struct rk_httpget_resp {
	long status;		/* HTTP status, 0 when none arrived */
	struct rk_buf body;	/* the body (owned; reused across calls) */
	char content_type[128]; /* the Content-Type header, "" when absent */
	double retry_after;	/* Retry-After in seconds (delta form), -1 when absent */
	char error[256];	/* the transport failure, for -1 */
};

void rk_httpget_resp_init(struct rk_httpget_resp *r);
void rk_httpget_resp_release(struct rk_httpget_resp *r);

/*
 * GET url. headers: NULL-terminated "Name: value" lines (may be NULL).
 * timeout_ms bounds the whole request (0: 30 s). Redirects are followed
 * (http and https only). Returns 0 or -1 as above.
 */
int rk_httpget(const char *url, const char *const *headers, long timeout_ms,
	       struct rk_httpget_resp *r);

/* ref resolved against base (RFC 3986; ref may be absolute); malloc'd, or
 * NULL when either cannot be parsed. */
char *rk_httpget_resolve(const char *base, const char *ref);

/* url without user:password@ (malloc'd). */
char *rk_httpget_display(const char *url);

#endif
