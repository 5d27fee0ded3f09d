/* rk_httpget.c - HTTP GET over libcurl for rk-poll (see rk_httpget.h). */
#include "rk_common.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rk_httpget.h"

void rk_httpget_resp_init(struct rk_httpget_resp *r)
{
	memset(r, 0, sizeof(*r));
	r->retry_after = -1;
}

void rk_httpget_resp_release(struct rk_httpget_resp *r)
{
	rk_buf_release(&r->body);
	rk_httpget_resp_init(r);
}

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
	rk_buf_add(ud, p, size * n);
	return size * n;
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
	struct rk_httpget_resp *r = ud;
	size_t len = size * n, k;
	char line[256];

	k = len < sizeof(line) - 1 ? len : sizeof(line) - 1;
	memcpy(line, p, k);
	line[k] = '\0';
	while (k > 0 && (line[k - 1] == '\r' || line[k - 1] == '\n'))
		line[--k] = '\0';
	if (!strncmp(line, "HTTP/", 5)) {
		/* a new answer (after a redirect): forget the last one's headers */
		r->content_type[0] = '\0';
		r->retry_after = -1;
	} else if (!strncasecmp(line, "content-type:", 13)) {
		const char *v = line + 13;

		v += strspn(v, " \t");
		snprintf(r->content_type, sizeof(r->content_type), "%s", v);
	} else if (!strncasecmp(line, "retry-after:", 12)) {
		char *end;
		double d = strtod(line + 12, &end);

		/* the HTTP-date form is left out: registries send seconds */
		if (end != line + 12 && d >= 0)
			r->retry_after = d;
	}
	return len;
}

static int curl_ready;

int rk_httpget(const char *url, const char *const *headers, long timeout_ms,
	       struct rk_httpget_resp *r)
{
	CURL *c;
	struct curl_slist *hdr = NULL;
	char errbuf[CURL_ERROR_SIZE] = "";
	CURLcode rc;

	if (!curl_ready) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		curl_ready = 1;
	}
	rk_buf_reset(&r->body);
	rk_buf_add(&r->body, "", 0);
	r->status = 0;
	r->content_type[0] = '\0';
	r->retry_after = -1;
	r->error[0] = '\0';
	c = curl_easy_init();
	if (!c) {
		snprintf(r->error, sizeof(r->error), "cannot start libcurl");
		return -1;
	}
	for (; headers && *headers; headers++)
		hdr = curl_slist_append(hdr, *headers);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms > 0 ? timeout_ms : 30000L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "releasekit/" RK_VERSION);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &r->body);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
	rc = curl_easy_perform(c);
	curl_slist_free_all(hdr);
	if (rc != CURLE_OK) {
		snprintf(r->error, sizeof(r->error), "%s",
			 *errbuf ? errbuf : curl_easy_strerror(rc));
		curl_easy_cleanup(c);
		return -1;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	curl_easy_cleanup(c);
	return 0;
}

char *rk_httpget_resolve(const char *base, const char *ref)
{
	CURLU *u = curl_url();
	char *out = NULL, *res = NULL;

	if (!u)
		return NULL;
	if (curl_url_set(u, CURLUPART_URL, base, 0) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_URL, ref, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_URL, &out, 0) == CURLUE_OK) {
		res = rk_xstrdup(out);
		curl_free(out);
	}
	curl_url_cleanup(u);
	return res;
}

char *rk_httpget_display(const char *url)
{
	const char *s = strstr(url, "://"), *at, *slash;
	struct rk_buf b = RK_BUF_INIT;

	if (!s)
		return rk_xstrdup(url);
	s += 3;
	slash = s + strcspn(s, "/?#");
	at = memchr(s, '@', (size_t)(slash - s));
	if (!at)
		return rk_xstrdup(url);
	rk_buf_add(&b, url, (size_t)(s - url));
	rk_buf_adds(&b, at + 1);
	return rk_buf_detach(&b, NULL);
}
