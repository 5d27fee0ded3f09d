/* rk_remote.c - Bazel HTTP cache client over libcurl; see rk_remote.h. */
#include "rk_common.h"
#include "rk_remote.h"
#include "rk_sha256.h"

#include <curl/curl.h>

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *ud)
{
	struct rk_buf *b = ud;
	rk_buf_add(b, ptr, size * nmemb);
	return size * nmemb;
}

static size_t on_discard(char *ptr, size_t size, size_t nmemb, void *ud)
{
	(void)ptr;
	(void)ud;
	return size * nmemb;
}

struct upload {
	const char *data;
	size_t len, off;
};

static size_t on_read(char *buf, size_t size, size_t nmemb, void *ud)
{
	struct upload *u = ud;
	size_t n = size * nmemb;
	if (n > u->len - u->off)
		n = u->len - u->off;
	memcpy(buf, u->data + u->off, n);
	u->off += n;
	return n;
}

int rk_remote_init(struct rk_remote *r, const char *url, char *err, size_t errlen)
{
	struct rk_buf b = RK_BUF_INIT;
	const char *scheme_end, *at, *host;

	memset(r, 0, sizeof(*r));
	if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) {
		snprintf(err, errlen, "remote cache URL must start with http:// or https://: '%s'",
			 url);
		return -1;
	}
	rk_buf_adds(&b, url);
	while (b.len > 0 && b.data[b.len - 1] == '/')
		rk_buf_truncate(&b, b.len - 1);
	r->base = rk_buf_detach(&b, NULL);
	/* display form: strip user:password@ from the authority */
	scheme_end = strstr(r->base, "://") + 3;
	host = scheme_end;
	at = strchr(scheme_end, '@');
	if (at && (!strchr(scheme_end, '/') || at < strchr(scheme_end, '/')))
		host = at + 1;
	rk_buf_add(&b, r->base, (size_t)(scheme_end - r->base));
	rk_buf_adds(&b, host);
	r->display = rk_buf_detach(&b, NULL);
	r->timeout_ms = 30000;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	r->curl = curl_easy_init();
	if (!r->curl) {
		snprintf(err, errlen, "cannot initialise libcurl");
		rk_remote_release(r);
		return -1;
	}
	return 0;
}

void rk_remote_release(struct rk_remote *r)
{
	if (r->curl) {
		curl_easy_cleanup(r->curl);
		curl_global_cleanup();
	}
	free(r->base);
	free(r->display);
	memset(r, 0, sizeof(*r));
}

void rk_remote_disable(struct rk_remote *r, const char *why)
{
	if (!r->disabled)
		rk_warn("remote cache %s unavailable (%s): using the local cache only", r->display,
			why);
	r->disabled = 1;
}

/* Perform one request; returns the HTTP status, or -1 (remote disabled). */
static long request(struct rk_remote *r, const char *method, const char *kind, const char *hex,
		    struct rk_buf *body, const void *data, size_t len)
{
	CURL *c = r->curl;
	struct rk_buf url = RK_BUF_INIT;
	struct upload up = {data, len, 0};
	struct curl_slist *hdr = NULL;
	char errbuf[CURL_ERROR_SIZE] = "";
	long status = 0;
	CURLcode rc;

	if (r->disabled || !c)
		return -1;
	rk_buf_addf(&url, "%s/%s/%s", r->base, kind, hex);
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, url.data);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
			 r->timeout_ms < 5000 ? r->timeout_ms : 5000L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, r->timeout_ms);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "releasekit/" RK_VERSION);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	if (strcmp(method, "HEAD") == 0) {
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	} else if (strcmp(method, "PUT") == 0) {
		curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
		curl_easy_setopt(c, CURLOPT_READDATA, &up);
		curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_discard);
		/* no "Expect: 100-continue": a server that does not answer it
		 * would cost a second per upload */
		hdr = curl_slist_append(NULL, "Expect:");
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	} else {
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, body);
	}
	rc = curl_easy_perform(c);
	curl_slist_free_all(hdr);
	rk_buf_release(&url);
	if (rc != CURLE_OK) {
		rk_remote_disable(r, *errbuf ? errbuf : curl_easy_strerror(rc));
		return -1;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	return status;
}

static void bad_status(struct rk_remote *r, const char *method, const char *kind, long status)
{
	char why[96];
	snprintf(why, sizeof(why), "%s /%s: HTTP %ld", method, kind, status);
	rk_remote_disable(r, why);
}

int rk_remote_get(struct rk_remote *r, const char *kind, const char *hex, struct rk_buf *out)
{
	long st;

	rk_buf_reset(out);
	st = request(r, "GET", kind, hex, out, NULL, 0);
	if (st < 0)
		return -1;
	r->gets++;
	if (st == 404)
		return 0;
	if (st != 200) {
		bad_status(r, "GET", kind, st);
		return -1;
	}
	if (!out->data)
		rk_buf_add(out, "", 0);
	if (!strcmp(kind, "cas")) {
		char got[RK_SHA256_HEX];

		rk_sha256_buf(out->data, out->len, got);
		if (strcmp(got, hex) != 0) {
			rk_remote_disable(r, "GET /cas: content does not match its digest");
			rk_buf_reset(out);
			return -1;
		}
	}
	r->hits++;
	return 1;
}

int rk_remote_head(struct rk_remote *r, const char *kind, const char *hex)
{
	long st = request(r, "HEAD", kind, hex, NULL, NULL, 0);
	if (st < 0)
		return -1;
	if (st == 404)
		return 0;
	if (st != 200) {
		bad_status(r, "HEAD", kind, st);
		return -1;
	}
	return 1;
}

int rk_remote_put(struct rk_remote *r, const char *kind, const char *hex, const void *data,
		  size_t len)
{
	long st = request(r, "PUT", kind, hex, NULL, data, len);
	if (st < 0)
		return -1;
	if (st != 200 && st != 201 && st != 204) {
		bad_status(r, "PUT", kind, st);
		return -1;
	}
	r->puts++;
	return 0;
}
