/* rk_remote.c - Bazel HTTP cache client over libcurl; see rk_remote.h. */
#include "rk_common.h"
#include "rk_remote.h"
#include "rk_sha256.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* Where a GET's body goes: a buffer or a descriptor, at most max bytes. */
struct sink {
	struct rk_buf *b;
	int fd;
	long long got, max;
	struct rk_sha256 h;
	int too_big, write_err;
};

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *ud)
{
	struct sink *k = ud;
	size_t n = size * nmemb, off = 0;

	if (k->got + (long long)n > k->max) {
		k->too_big = 1;
		return 0; /* aborts the transfer */
	}
	k->got += (long long)n;
	if (k->b) {
		rk_buf_add(k->b, ptr, n);
		return n;
	}
	while (off < n) {
		ssize_t w = write(k->fd, ptr + off, n - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			k->write_err = errno;
			return 0;
		}
		off += (size_t)w;
	}
	rk_sha256_update(&k->h, ptr, n);
	return n;
}

/* An announced Content-Length above the cap stops before any byte. */
static size_t on_header(char *ptr, size_t size, size_t nmemb, void *ud)
{
	struct sink *k = ud;
	size_t n = size * nmemb;

	if (n > 15 && strncasecmp(ptr, "content-length:", 15) == 0) {
		char tmp[64];
		size_t l = n - 15 < sizeof(tmp) - 1 ? n - 15 : sizeof(tmp) - 1;
		memcpy(tmp, ptr + 15, l);
		tmp[l] = '\0';
		if (strtoll(tmp, NULL, 10) > k->max) {
			k->too_big = 1;
			return 0;
		}
	}
	return n;
}

static long long env_cap(const char *name, long long dflt)
{
	const char *v = getenv(name);
	char *end;
	long long n;

	if (!v || !*v)
		return dflt;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno || *end || n <= 0) {
		rk_warn("ignoring %s='%s': not a positive number of bytes", name, v);
		return dflt;
	}
	return n;
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

int rk_remote_init(struct rk_remote *r, const char *url, struct rk_err *err)
{
	struct rk_buf b = RK_BUF_INIT;
	const char *scheme_end, *at, *host;

	memset(r, 0, sizeof(*r));
	if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) {
		return rk_err_set(err, NULL, 0, 0,
				  "remote cache URL must start with http:// or https://: '%s'",
				  url);
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
	r->max_ac = env_cap("RK_REMOTE_MAX_AC", 16LL << 20);
	r->max_blob = env_cap("RK_REMOTE_MAX_BLOB", 4LL << 30);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	r->curl = curl_easy_init();
	if (!r->curl) {
		rk_err_set(err, NULL, 0, 0, "cannot initialise libcurl");
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
		    struct sink *body, const void *data, size_t len, FILE *upfile)
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
		if (upfile) {
			curl_easy_setopt(c, CURLOPT_READFUNCTION, NULL); /* fread */
			curl_easy_setopt(c, CURLOPT_READDATA, upfile);
		} else {
			curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
			curl_easy_setopt(c, CURLOPT_READDATA, &up);
		}
		curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_discard);
		/* no "Expect: 100-continue": a server that does not answer it
		 * would cost a second per upload */
		hdr = curl_slist_append(NULL, "Expect:");
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	} else {
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, body);
		curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
		curl_easy_setopt(c, CURLOPT_HEADERDATA, body);
		curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)body->max);
	}
	rc = curl_easy_perform(c);
	curl_slist_free_all(hdr);
	rk_buf_release(&url);
	if (rc != CURLE_OK) {
		char why[160];
		if (body && body->too_big)
			snprintf(why, sizeof(why), "GET /%s: body larger than %lld bytes", kind,
				 body->max);
		else if (body && body->write_err)
			snprintf(why, sizeof(why), "GET /%s: cannot store the body: %s", kind,
				 strerror(body->write_err));
		else if (rc == CURLE_FILESIZE_EXCEEDED)
			snprintf(why, sizeof(why), "GET /%s: body larger than %lld bytes", kind,
				 body ? body->max : 0);
		else /* messages are masked (rk_mask_messages): a quoted URL shows no password */
			snprintf(why, sizeof(why), "%s", *errbuf ? errbuf : curl_easy_strerror(rc));
		rk_remote_disable(r, why);
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
	struct sink k = {0};

	rk_buf_reset(out);
	k.b = out;
	k.fd = -1;
	k.max = strcmp(kind, "ac") == 0 ? r->max_ac : r->max_blob;
	st = request(r, "GET", kind, hex, &k, NULL, 0, NULL);
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

int rk_remote_get_file(struct rk_remote *r, const char *kind, const char *hex, const char *path)
{
	struct sink k = {0};
	unsigned char d[RK_SHA256_LEN];
	char got[RK_SHA256_HEX];
	long st;
	int rc = -1;

	if (r->disabled || !r->curl)
		return -1;
	k.fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	k.max = strcmp(kind, "ac") == 0 ? r->max_ac : r->max_blob;
	if (k.fd < 0) {
		rk_warn("remote cache: cannot create %s: %s", path, strerror(errno));
		return -1;
	}
	if (rk_sha256_init(&k.h) != 0) {
		close(k.fd);
		unlink(path);
		return -1;
	}
	st = request(r, "GET", kind, hex, &k, NULL, 0, NULL);
	rk_sha256_final(&k.h, d);
	if (close(k.fd) != 0 && st == 200) {
		char why[160];
		snprintf(why, sizeof(why), "GET /%s: cannot store the body: %s", kind,
			 strerror(errno));
		rk_remote_disable(r, why);
		st = -1;
	}
	if (st >= 0)
		r->gets++;
	if (st == 404)
		rc = 0;
	else if (st == 200) {
		rk_sha256_tohex(d, got);
		if (strcmp(kind, "cas") == 0 && strcmp(got, hex) != 0)
			rk_remote_disable(r, "GET /cas: content does not match its digest");
		else {
			r->hits++;
			return 1;
		}
	} else if (st >= 0) {
		bad_status(r, "GET", kind, st);
	}
	unlink(path);
	return rc;
}

int rk_remote_head(struct rk_remote *r, const char *kind, const char *hex)
{
	long st = request(r, "HEAD", kind, hex, NULL, NULL, 0, NULL);
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
	long st = request(r, "PUT", kind, hex, NULL, data, len, NULL);
	if (st < 0)
		return -1;
	if (st != 200 && st != 201 && st != 204) {
		bad_status(r, "PUT", kind, st);
		return -1;
	}
	r->puts++;
	return 0;
}

int rk_remote_put_file(struct rk_remote *r, const char *kind, const char *hex, const char *path)
{
	FILE *fp = rk_fopen_regular(path);
	struct stat st;
	long code;

	if (!fp)
		return -1;
	if (fstat(fileno(fp), &st) != 0) {
		fclose(fp);
		return -1;
	}
	code = request(r, "PUT", kind, hex, NULL, NULL, (size_t)st.st_size, fp);
	fclose(fp);
	if (code < 0)
		return -1;
	if (code != 200 && code != 201 && code != 204) {
		bad_status(r, "PUT", kind, code);
		return -1;
	}
	r->puts++;
	return 0;
}
