/* rk_http.c - the one HTTP client (libcurl) with 429/5xx/transport retries; see rk_http.h. */
#include "rk_common.h"
#include "rk_http.h"

#include <curl/curl.h>
#include <math.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "rk_mask.h"
#include "rk_proc.h"

static double env_num(const char *name, double def, double lo, double hi)
{
	const char *v = getenv(name);
	char *end;
	double d;

	if (!v || !*v)
		return def;
	errno = 0;
	d = strtod(v, &end);
	if (errno || *end || !(d >= lo && d <= hi))
		return def;
	return d;
}

void rk_http_opts_default(struct rk_http_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->connect_timeout_s = 10;
	o->timeout_s = env_num("RK_HTTP_TIMEOUT", 300, 0.1, 86400);
	o->low_speed_s = 60;
	o->max_attempts = (int)env_num("RK_HTTP_MAX_ATTEMPTS", 5, 1, 100);
	o->max_429 = 30;
	o->backoff_base_s = env_num("RK_HTTP_BACKOFF_BASE", 0.5, 0, 3600);
	o->backoff_cap_s = env_num("RK_HTTP_BACKOFF_CAP", 30, 0, 86400);
	o->retry_after_max_s = env_num("RK_HTTP_RETRY_AFTER_MAX", 300, 0, 86400);
}

void rk_http_resp_release(struct rk_http_resp *r)
{
	rk_buf_release(&r->body);
	free(r->content_type);
	r->content_type = NULL;
}

double rk_http_parse_retry_after(const char *v, double now)
{
	char *end;
	double d;
	time_t t;

	while (*v == ' ' || *v == '\t')
		v++;
	if (!*v)
		return -1;
	if (*v >= '0' && *v <= '9') {
		errno = 0;
		d = strtod(v, &end);
		while (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n')
			end++;
		if (errno || *end || d < 0)
			return -1;
		return d;
	}
	t = curl_getdate(v, NULL);
	if (t == (time_t)-1)
		return -1;
	d = (double)t - now;
	return d < 0 ? 0 : d;
}

/* Where url's userinfo ("user:pass@") starts and where the host starts
 * after it; both NULL when there is none. */
static void find_userinfo(const char *url, const char **user, const char **host)
{
	const char *p = strstr(url, "://"), *end, *at;

	*user = *host = NULL;
	if (!p)
		return;
	p += 3;
	end = p + strcspn(p, "/?#");
	at = memchr(p, '@', (size_t)(end - p));
	if (at) {
		*user = p;
		*host = at + 1;
	}
}

char *rk_http_url_nouser(const char *url)
{
	const char *user, *host;
	struct rk_buf b = RK_BUF_INIT;

	find_userinfo(url, &user, &host);
	if (!user)
		return rk_xstrdup(url);
	rk_buf_add(&b, url, (size_t)(user - url));
	rk_buf_adds(&b, host);
	return rk_buf_detach(&b, NULL);
}

void rk_http_url_show(const char *url, struct rk_buf *out)
{
	char *u = rk_http_url_nouser(url);

	rk_buf_reset(out);
	rk_buf_add(out, u, strcspn(u, "?#"));
	free(u);
}

char *rk_http_url_resolve(const char *base, const char *ref)
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

void rk_http_mask(struct rk_buf *b, const char *secret)
{
	struct rk_mask m;

	/* the one masking of rk_mask.h (a secret shorter than RK_MASK_MIN is
	 * none there: no registry token is) */
	if (!secret || !*secret || !b->len)
		return;
	rk_mask_init(&m);
	rk_mask_add(&m, secret);
	rk_mask_buf(&m, b);
	rk_mask_release(&m);
	if (!b->data)
		rk_buf_adds(b, "");
}

void rk_base64(const void *data, size_t n, struct rk_buf *out)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *s = data;
	size_t i;
	char q[4];

	rk_buf_grow(out, (n + 2) / 3 * 4 + 1);
	for (i = 0; i + 2 < n; i += 3) {
		q[0] = tab[s[i] >> 2];
		q[1] = tab[((s[i] & 3) << 4) | (s[i + 1] >> 4)];
		q[2] = tab[((s[i + 1] & 15) << 2) | (s[i + 2] >> 6)];
		q[3] = tab[s[i + 2] & 63];
		rk_buf_add(out, q, 4);
	}
	if (i < n) {
		q[0] = tab[s[i] >> 2];
		if (i + 1 < n) {
			q[1] = tab[((s[i] & 3) << 4) | (s[i + 1] >> 4)];
			q[2] = tab[(s[i + 1] & 15) << 2];
		} else {
			q[1] = tab[(s[i] & 3) << 4];
			q[2] = '=';
		}
		q[3] = '=';
		rk_buf_add(out, q, 4);
	}
}

/* Where the reader of a streamed body (struct rk_http_seg) is. */
struct segread {
	const struct rk_http_seg *segs;
	size_t n, i;	   /* the current piece */
	size_t off;	   /* in a piece in memory */
	FILE *f;	   /* a file piece being read */
	struct rk_buf enc; /* base64 text not sent yet (at most 4 KiB) */
	size_t eoff;
	int failed; /* errno of a failed open or read */
};

static void segread_reset(struct segread *r)
{
	if (r->f)
		fclose(r->f);
	r->f = NULL;
	r->i = r->off = r->eoff = 0;
	rk_buf_reset(&r->enc);
}

/* The body's length; -1 (errno set) when a file cannot be looked at. */
static long long segs_size(const struct rk_http_seg *segs, size_t n, const char **bad)
{
	long long total = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		struct stat sb;

		if (!segs[i].file) {
			total += (long long)segs[i].len;
			continue;
		}
		if (stat(segs[i].file, &sb) != 0) {
			*bad = segs[i].file;
			return -1;
		}
		total += segs[i].base64 ? ((long long)sb.st_size + 2) / 3 * 4
					: (long long)sb.st_size;
	}
	return total;
}

/* The next piece (the current one is done). */
static void seg_next(struct segread *r)
{
	if (r->f)
		fclose(r->f);
	r->f = NULL;
	r->i++;
	r->off = r->eoff = 0;
	rk_buf_reset(&r->enc);
}

/* A file piece read nothing: -1 (failed set) on a read error, else go on
 * to the next piece. */
static int file_end(struct segread *r)
{
	if (ferror(r->f)) {
		r->failed = errno ? errno : EIO;
		return -1;
	}
	seg_next(r);
	return 0;
}

static size_t on_read(char *buf, size_t size, size_t nitems, void *ud)
{
	struct segread *r = ud;
	size_t want = size * nitems, got = 0, k;

	while (got < want && r->i < r->n) {
		const struct rk_http_seg *sg = &r->segs[r->i];

		if (!sg->file) {
			k = sg->len - r->off < want - got ? sg->len - r->off : want - got;
			if (k)
				memcpy(buf + got, (const char *)sg->data + r->off, k);
			r->off += k;
			got += k;
			if (r->off == sg->len)
				seg_next(r);
			continue;
		}
		if (!r->f)
			r->f = fopen(sg->file, "rbe");
		if (!r->f) {
			r->failed = errno;
			return CURL_READFUNC_ABORT;
		}
		if (!sg->base64) {
			k = fread(buf + got, 1, want - got, r->f);
			got += k;
			if (k == 0 && file_end(r) < 0)
				return CURL_READFUNC_ABORT;
			continue;
		}
		if (r->eoff == r->enc.len) {
			/* 3 KiB of the file (whole groups of 3 bytes but at its
			 * end, where the padding goes) as 4 KiB of base64 */
			unsigned char raw[3072];

			k = fread(raw, 1, sizeof(raw), r->f);
			if (k == 0) {
				if (file_end(r) < 0)
					return CURL_READFUNC_ABORT;
				continue;
			}
			rk_buf_reset(&r->enc);
			r->eoff = 0;
			rk_base64(raw, k, &r->enc);
		}
		k = r->enc.len - r->eoff < want - got ? r->enc.len - r->eoff : want - got;
		memcpy(buf + got, r->enc.data + r->eoff, k);
		r->eoff += k;
		got += k;
	}
	return got;
}

/* libcurl rewinds a body to resend it (a redirect): only to its start. */
static int on_seek(void *ud, curl_off_t off, int origin)
{
	if (off != 0 || origin != SEEK_SET)
		return CURL_SEEKFUNC_CANTSEEK;
	segread_reset(ud);
	return CURL_SEEKFUNC_OK;
}

/* A form's mime structure for one attempt; NULL (err set) when a file
 * cannot be read. */
static curl_mime *make_form(CURL *c, const struct rk_http_req *req, struct rk_err *err)
{
	curl_mime *m = curl_mime_init(c);
	size_t i;

	for (i = 0; m && i < req->nform; i++) {
		const struct rk_http_part *pt = &req->form[i];
		curl_mimepart *mp = curl_mime_addpart(m);

		curl_mime_name(mp, pt->name);
		if (pt->value) {
			curl_mime_data(mp, pt->value, CURL_ZERO_TERMINATED);
			continue;
		}
		if (curl_mime_filedata(mp, pt->file) != CURLE_OK || access(pt->file, R_OK) != 0) {
			rk_err_set(err, NULL, 0, 0, "%s: %s", pt->file,
				   strerror(errno ? errno : EIO));
			curl_mime_free(m);
			return NULL;
		}
		if (pt->filename)
			curl_mime_filename(mp, pt->filename);
		curl_mime_type(mp, pt->type ? pt->type : "application/octet-stream");
	}
	return m;
}

/* One attempt's state for the callbacks. */
struct attempt {
	struct rk_buf *body;
	FILE *out; /* streaming target (2xx only), or NULL */
	size_t max_body;
	long status; /* from the status line, for the write callback */
	CURL *c;
	double retry_after;
	double rl_remaining, rl_reset; /* x-ratelimit-remaining / -reset (epoch s), -1 unknown */
	char *content_type;
	double now;
};

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
	struct attempt *a = ud;
	size_t len = size * n, k;
	char *v;

	if (len > 5 && strncmp(p, "HTTP/", 5) == 0) {
		/* a new answer (e.g. after 100 Continue): forget the last one's headers */
		a->retry_after = -1;
		a->rl_remaining = a->rl_reset = -1;
		free(a->content_type);
		a->content_type = NULL;
		return len;
	}
	k = strcspn(p, ":");
	if (k >= len)
		return len;
	v = rk_xstrndup(p + k + 1, len - k - 1);
	v[strcspn(v, "\r\n")] = 0;
	if (k == 11 && strncasecmp(p, "Retry-After", 11) == 0)
		a->retry_after = rk_http_parse_retry_after(v, a->now);
	/* forges' rate limits: GitHub/Gitea x-ratelimit-*, GitLab RateLimit-* */
	if ((k == 21 && strncasecmp(p, "x-ratelimit-remaining", 21) == 0) ||
	    (k == 19 && strncasecmp(p, "RateLimit-Remaining", 19) == 0))
		a->rl_remaining = strtod(v, NULL);
	if ((k == 17 && strncasecmp(p, "x-ratelimit-reset", 17) == 0) ||
	    (k == 15 && strncasecmp(p, "RateLimit-Reset", 15) == 0))
		a->rl_reset = strtod(v, NULL);
	if (k == 12 && strncasecmp(p, "Content-Type", 12) == 0) {
		free(a->content_type);
		a->content_type = rk_xstrdup(v + strspn(v, " \t"));
	}
	free(v);
	return len;
}

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
	struct attempt *a = ud;
	size_t len = size * n;
	long st = 0;

	curl_easy_getinfo(a->c, CURLINFO_RESPONSE_CODE, &st);
	if (a->out && st >= 200 && st < 300)
		return fwrite(p, 1, len, a->out) == len ? len : 0;
	if (a->body->len < a->max_body)
		rk_buf_add(a->body, p,
			   len < a->max_body - a->body->len ? len : a->max_body - a->body->len);
	return len;
}

static void sleep_s(double s)
{
	struct timespec ts;

	if (!(s > 0))
		return;
	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static bool transient_curl(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_SSL_CONNECT_ERROR:
		return true;
	default:
		return false;
	}
}

static bool transient_status(long st)
{
	return st == 500 || st == 502 || st == 503 || st == 504 || st == 507 || st == 520 ||
	       st == 522 || st == 524 || st == 408;
}

/* The answer of the last attempt becomes the result. */
static void take_answer(struct rk_http_resp *resp, struct attempt *a, long st)
{
	resp->status = st;
	resp->retry_after = a->retry_after;
	free(resp->content_type);
	resp->content_type = a->content_type;
	a->content_type = NULL;
}

int rk_http_do(const struct rk_http_opts *o, const struct rk_http_req *req,
	       struct rk_http_resp *resp, struct rk_err *err)
{
	struct rk_buf show = RK_BUF_INIT, tmp = RK_BUF_INIT, authh = RK_BUF_INIT;
	struct curl_slist *hl = NULL;
	struct segread sr;
	curl_mime *form = NULL;
	struct attempt a;
	unsigned seed = (unsigned)(rk_now_ms() ^ ((long long)getpid() << 16));
	int tries = 0, rc = -1;
	size_t i;
	CURL *c;

	rk_http_url_show(req->url, &show);
	resp->retry_after = -1;
	memset(&sr, 0, sizeof(sr));
	curl_global_init(CURL_GLOBAL_DEFAULT);
	c = curl_easy_init();
	if (!c) {
		rk_err_set(err, NULL, 0, 0, "%s %s: cannot initialise libcurl", req->method,
			   show.data);
		goto out;
	}
	for (i = 0; req->headers && req->headers[i]; i++)
		hl = curl_slist_append(hl, req->headers[i]);
	if (req->auth) {
		rk_buf_addf(&authh, "Authorization: %s", req->auth);
		hl = curl_slist_append(hl, authh.data);
	}
	/* no "Expect: 100-continue" round trip before bodies */
	hl = curl_slist_append(hl, "Expect:");
	memset(&a, 0, sizeof(a));
	for (;;) {
		CURLcode cr;
		FILE *bf = NULL;
		long st = 0;
		double wait = -1, ra;
		const char *why = NULL;
		char cerr[CURL_ERROR_SIZE] = "";

		curl_easy_reset(c);
		rk_buf_reset(&resp->body);
		rk_buf_add(&resp->body, "", 0);
		free(a.content_type);
		memset(&a, 0, sizeof(a));
		a.body = &resp->body;
		a.max_body = req->max_body ? req->max_body : (size_t)64 << 20;
		a.c = c;
		a.retry_after = -1;
		a.rl_remaining = a.rl_reset = -1;
		a.now = (double)time(NULL);
		if (req->out_file) {
			rk_buf_reset(&tmp);
			rk_buf_addf(&tmp, "%s.part.%ld", req->out_file, (long)getpid());
			a.out = fopen(tmp.data, "wbe");
			if (!a.out) {
				rk_err_set(err, NULL, 0, 0, "%s: %s", tmp.data, strerror(errno));
				goto out;
			}
		}
		curl_easy_setopt(c, CURLOPT_URL, req->url);
		curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
		curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
		curl_easy_setopt(c, CURLOPT_HEADERDATA, &a);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, &a);
		curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)(o->connect_timeout_s * 1000));
		curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)(o->timeout_s * 1000));
		curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
		curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME,
				 (long)(o->low_speed_s > 1 ? o->low_speed_s : 1));
		curl_easy_setopt(c, CURLOPT_USERAGENT, "releasekit/" RK_VERSION);
		/* never send the Authorization header to another host */
		curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION,
				 req->follow_redirects && !req->auth ? 1L : 0L);
		curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
		curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
		curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
		if (req->decompress)
			curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
		if (strcmp(req->method, "HEAD") == 0)
			curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
		else if (strcmp(req->method, "GET") != 0)
			curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method);
		if (req->nform) {
			form = make_form(c, req, err);
			if (!form) {
				if (a.out)
					fclose(a.out);
				goto out;
			}
			curl_easy_setopt(c, CURLOPT_MIMEPOST, form);
			curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method);
		} else if (req->nsegs) {
			const char *bad = NULL;
			long long total = segs_size(req->segs, req->nsegs, &bad);

			if (total < 0) {
				rk_err_set(err, NULL, 0, 0, "%s: %s", bad, strerror(errno));
				if (a.out)
					fclose(a.out);
				goto out;
			}
			segread_reset(&sr);
			sr.segs = req->segs;
			sr.n = req->nsegs;
			sr.failed = 0;
			curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
			curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
			curl_easy_setopt(c, CURLOPT_READDATA, &sr);
			curl_easy_setopt(c, CURLOPT_SEEKFUNCTION, on_seek);
			curl_easy_setopt(c, CURLOPT_SEEKDATA, &sr);
			curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)total);
			curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method);
		} else if (req->body_file) {
			struct stat sb;

			bf = fopen(req->body_file, "rbe");
			if (!bf || fstat(fileno(bf), &sb) != 0) {
				rk_err_set(err, NULL, 0, 0, "%s: %s", req->body_file,
					   strerror(errno));
				if (bf)
					fclose(bf);
				if (a.out)
					fclose(a.out);
				goto out;
			}
			curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
			curl_easy_setopt(c, CURLOPT_READDATA, bf);
			curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)sb.st_size);
			curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method);
		} else if (req->body) {
			curl_easy_setopt(c, CURLOPT_POSTFIELDS, req->body);
			curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
		}
		tries++;
		resp->attempts++;
		cr = curl_easy_perform(c);
		if (bf)
			fclose(bf);
		if (form)
			curl_mime_free(form);
		form = NULL;
		if (req->nsegs) {
			segread_reset(&sr);
			if (cr == CURLE_ABORTED_BY_CALLBACK && sr.failed) {
				rk_err_set(err, NULL, 0, 0, "%s %s: reading the body: %s",
					   req->method, show.data, strerror(sr.failed));
				if (a.out) {
					fclose(a.out);
					unlink(tmp.data);
				}
				goto out;
			}
		}
		if (cr == CURLE_OK)
			curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &st);
		if (a.out) {
			bool ok = cr == CURLE_OK && st >= 200 && st < 300;

			if (fclose(a.out) != 0)
				ok = false;
			a.out = NULL;
			if (ok && rename(tmp.data, req->out_file) != 0) {
				rk_err_set(err, NULL, 0, 0, "%s: %s", req->out_file,
					   strerror(errno));
				unlink(tmp.data);
				goto out;
			}
			if (!ok)
				unlink(tmp.data);
		}
		ra = a.retry_after;
		resp->retry_after = ra;
		if (o->single_attempt && cr == CURLE_OK) {
			if (st == 429)
				resp->n429++;
			take_answer(resp, &a, st);
			rc = 0;
			goto out;
		} else if (o->single_attempt) {
			rk_err_set(err, NULL, 0, 0, "%s %s: %s", req->method, show.data,
				   *cerr ? cerr : curl_easy_strerror(cr));
			goto out;
		} else if (cr == CURLE_OK &&
			   /* a rate limit: 429, or a forge's 403 that says so (GitHub's
			    * primary limit: x-ratelimit-remaining 0; its secondary:
			    * Retry-After) */
			   (st == 429 || (st == 403 && (ra >= 0 || a.rl_remaining == 0))) &&
			   resp->n429 < o->max_429) {
			resp->n429++;
			tries--; /* a 429 does not use up an attempt */
			if (ra >= 0) {
				wait = ra > o->retry_after_max_s ? o->retry_after_max_s : ra;
				why = "retry-after";
			} else if (a.rl_reset > 0) {
				/* the reset is a moment (epoch seconds): wait until it */
				double d = a.rl_reset - (double)time(NULL);

				d = d < 0 ? 0 : d;
				wait = d > o->retry_after_max_s ? o->retry_after_max_s : d;
				why = "x-ratelimit-reset";
			}
		} else if (cr == CURLE_OK && !transient_status(st)) {
			take_answer(resp, &a, st);
			rc = 0;
			goto out;
		} else if (cr != CURLE_OK && !transient_curl(cr)) {
			rk_err_set(err, NULL, 0, 0, "%s %s: %s", req->method, show.data,
				   *cerr ? cerr : curl_easy_strerror(cr));
			goto out;
		} else if (tries >= o->max_attempts) {
			if (cr == CURLE_OK) {
				take_answer(resp, &a, st);
				rc = 0;
			} else {
				rk_err_set(err, NULL, 0, 0, "%s %s: %s (after %d attempts)",
					   req->method, show.data,
					   *cerr ? cerr : curl_easy_strerror(cr), tries);
			}
			goto out;
		} else if (st >= 500 && ra >= 0) {
			/* a 503 with Retry-After: the server said how long */
			wait = ra > o->retry_after_max_s ? o->retry_after_max_s : ra;
			why = "retry-after";
		}
		if (wait < 0) {
			double cap = o->backoff_base_s * pow(2, tries - 1);

			if (cap > o->backoff_cap_s)
				cap = o->backoff_cap_s;
			wait = cap * ((double)rand_r(&seed) / ((double)RAND_MAX + 1.0));
			why = "backoff";
		}
		if (o->on_wait) {
			struct rk_http_wait w = {
				req->method,
				show.data,
				cr == CURLE_OK ? st : 0,
				why,
				wait,
				ra,
				resp->attempts,
				cr == CURLE_OK ? NULL : (*cerr ? cerr : curl_easy_strerror(cr))};
			o->on_wait(o->ctx, &w);
		}
		resp->waited_s += wait;
		sleep_s(wait);
	}
out:
	segread_reset(&sr);
	rk_buf_release(&sr.enc);
	free(a.content_type);
	if (c)
		curl_easy_cleanup(c);
	curl_slist_free_all(hl);
	/* the header line held the token: wipe it before freeing */
	if (authh.data)
		memset(authh.data, 0, authh.len);
	rk_buf_release(&authh);
	rk_buf_release(&show);
	rk_buf_release(&tmp);
	curl_global_cleanup();
	return rc;
}
