/* rk_poll.c - registry availability polling and verification (see rk_poll.h). */
#include "rk_common.h"

#include <ctype.h>
#include <dirent.h>
#include <git2.h>
#include <math.h>
#include <openssl/evp.h>
#include <time.h>
#include <unistd.h>

#include "rk_backend.h"
#include "rk_http.h"
#include "rk_json.h"
#include "rk_poll.h"
#include "rk_proc.h"
#include "rk_sha256.h"
#include "rk_sort.h"

const char *rk_poll_state_name(enum rk_poll_state s)
{
	static const char *const names[] = {"available", "missing", "mismatch", "timeout", "error"};
	return names[s];
}

static void files_release(struct rk_poll_result *r)
{
	size_t i;

	for (i = 0; i < r->nfiles; i++) {
		free(r->files[i].file);
		free(r->files[i].sha256);
		free(r->files[i].expected);
		free(r->files[i].listed);
		free(r->files[i].url);
		free(r->files[i].served);
		free(r->files[i].src);
	}
	free(r->files);
	r->files = NULL;
	r->nfiles = 0;
}

void rk_poll_result_release(struct rk_poll_result *r)
{
	files_release(r);
	free(r->url);
	memset(r, 0, sizeof(*r));
	r->retry_after = -1;
}

static void result_reset(struct rk_poll_result *r)
{
	int attempts = r->attempts;
	long long el = r->elapsed_ms;

	rk_poll_result_release(r);
	r->attempts = attempts;
	r->elapsed_ms = el;
}

static void set_state(struct rk_poll_result *r, enum rk_poll_state s, bool transient,
		      const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void set_state(struct rk_poll_result *r, enum rk_poll_state s, bool transient,
		      const char *fmt, ...)
{
	va_list ap;

	r->state = s;
	r->transient = transient;
	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
	va_end(ap);
}

char *rk_poll_pep503(const char *name)
{
	struct rk_buf b = RK_BUF_INIT;

	rk_buf_adds(&b, "");
	for (; *name; name++) {
		if (*name == '-' || *name == '_' || *name == '.') {
			if (!b.len || b.data[b.len - 1] != '-')
				rk_buf_addc(&b, '-');
		} else {
			rk_buf_addc(&b, (char)tolower((unsigned char)*name));
		}
	}
	return rk_buf_detach(&b, NULL);
}

char *rk_poll_cargo_path(const char *name)
{
	struct rk_buf b = RK_BUF_INIT;
	char *lc = rk_xstrdup(name), *p;
	size_t n = strlen(lc);

	for (p = lc; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	if (n <= 2)
		rk_buf_addf(&b, "%zu/%s", n, lc);
	else if (n == 3)
		rk_buf_addf(&b, "3/%c/%s", lc[0], lc);
	else
		rk_buf_addf(&b, "%.2s/%.2s/%s", lc, lc + 2, lc);
	free(lc);
	return rk_buf_detach(&b, NULL);
}

/* ---- built artifacts ---- */

static bool has_suffix(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a >= b && !strcmp(s + a - b, suf);
}

/* The backend's own test (rk_backend.h): one list of artifact names. */
static bool is_artifact(const char *eco, const char *f)
{
	const struct rk_backend *b = rk_backend_for(eco);

	return b && b->is_artifact && b->is_artifact(f);
}

static int sha512_integrity(const char *path, char **out)
{
	struct rk_buf b = RK_BUF_INIT;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	unsigned char enc[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];

	if (rk_buf_read_file(&b, path) < 0)
		return -1;
	if (EVP_Digest(b.data ? b.data : "", b.len, md, &mdlen, EVP_sha512(), NULL) != 1) {
		rk_buf_release(&b);
		errno = EIO;
		return -1;
	}
	rk_buf_release(&b);
	EVP_EncodeBlock(enc, md, (int)mdlen);
	rk_buf_addf(&b, "sha512-%s", (const char *)enc);
	*out = rk_buf_detach(&b, NULL);
	return 0;
}

/* Fill res->files from the dist dir; 0 (none when the dir is absent), -1 err. */
static int load_artifacts(const struct rk_poll_target *t, struct rk_poll_result *res,
			  struct rk_err *err)
{
	const struct rk_backend *b = rk_backend_for(t->ecosystem);
	DIR *d;
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0, i;

	if (!t->dist_dir || !rk_is_dir(t->dist_dir))
		return 0;
	d = opendir(t->dist_dir);
	if (!d)
		return rk_err_set(err, t->dist_dir, 0, 0, "cannot read: %s", strerror(errno));
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || !is_artifact(t->ecosystem, e->d_name))
			continue;
		RK_GROW(names, cap, n + 1);
		names[n++] = rk_xstrdup(e->d_name);
	}
	closedir(d);
	if (!n)
		return rk_err_set(err, t->dist_dir, 0, 0, "no built %s artifact in the directory",
				  t->ecosystem);
	qsort(names, n, sizeof(*names), rk_strcmp_ptr);
	res->files = rk_xcalloc(n, sizeof(*res->files));
	for (i = 0; i < n; i++) {
		struct rk_poll_file *f = &res->files[res->nfiles++];
		struct rk_buf path = RK_BUF_INIT;
		char hex[RK_SHA256_HEX];

		f->file = names[i];
		rk_buf_addf(&path, "%s/%s", t->dist_dir, names[i]);
		if (rk_sha256_file(path.data, hex) < 0) {
			rk_err_set(err, path.data, 0, 0, "cannot read: %s", strerror(errno));
			rk_buf_release(&path);
			free(names);
			return -1;
		}
		f->sha256 = rk_xstrdup(hex);
		if (b && b->digest_sri512) {
			if (sha512_integrity(path.data, &f->expected) < 0) {
				rk_err_set(err, path.data, 0, 0, "cannot read: %s",
					   strerror(errno));
				rk_buf_release(&path);
				free(names);
				return -1;
			}
		} else {
			f->expected = rk_xstrdup(hex);
		}
		rk_buf_release(&path);
	}
	free(names);
	res->digest_checked = true;
	return 0;
}

/* ---- HTTP with cache defeat ---- */

static char *nocache_url(const char *url, int attempt)
{
	struct rk_buf b = RK_BUF_INIT;

	rk_buf_addf(&b, "%s%crk-poll=%lld.%d", url, strchr(url, '?') ? '&' : '?', rk_now_ms(),
		    attempt);
	return rk_buf_detach(&b, NULL);
}

/* One GET through rk_http: a single attempt (the poll loop has its own
 * backoff), redirects followed, bodies decoded; max_body 0: rk_http's
 * default. 0 with r filled (any status), -1 with e set. */
static int get_once(const struct rk_poll_opts *o, const char *url, const char *const *hdrs,
		    size_t max_body, struct rk_http_resp *r, struct rk_err *e)
{
	struct rk_http_opts ho;
	struct rk_http_req rq = {0};

	rk_http_opts_default(&ho);
	ho.single_attempt = true;
	ho.timeout_s = (double)(o->request_timeout_ms > 0 ? o->request_timeout_ms : 30000) / 1000;
	rq.method = "GET";
	rq.url = url;
	rq.headers = hdrs;
	rq.max_body = max_body;
	rq.follow_redirects = true;
	rq.decompress = true;
	return rk_http_do(&ho, &rq, r, e);
}

/* GET url; 0 with r filled for a 200, else state set on res and -1. */
static int fetch(const struct rk_poll_opts *o, const char *url, const char *accept,
		 struct rk_poll_result *res, struct rk_http_resp *r)
{
	struct rk_err e = {0};
	const char *hdrs[4];
	char acc[256];
	char *u = nocache_url(url, res->attempts);
	int n = 0, rc;

	if (accept) {
		snprintf(acc, sizeof(acc), "Accept: %s", accept);
		hdrs[n++] = acc;
	}
	hdrs[n++] = "Cache-Control: no-cache";
	hdrs[n++] = "Pragma: no-cache";
	hdrs[n] = NULL;
	rc = get_once(o, u, hdrs, 0, r, &e);
	free(u);
	res->http_status = rc < 0 ? 0 : r->status;
	res->retry_after = r->retry_after;
	if (rc < 0) {
		set_state(res, RK_POLL_ERROR, true, "%s", e.msg);
		return -1;
	}
	if (r->status == 200)
		return 0;
	if (r->status == 404 || r->status == 410)
		set_state(res, RK_POLL_MISSING, true, "%s: HTTP %ld: not published yet", res->url,
			  r->status);
	else if (r->status == 429 || r->status == 408 || r->status >= 500)
		set_state(res, RK_POLL_ERROR, true, "%s: HTTP %ld", res->url, r->status);
	else
		set_state(res, RK_POLL_ERROR, false, "%s: HTTP %ld", res->url, r->status);
	return -1;
}

/* ---- python ---- */

struct listing {
	char *file, *url, *sha256;
};

struct listings {
	struct listing *v;
	size_t n, cap;
};

static void listings_release(struct listings *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].file);
		free(l->v[i].url);
		free(l->v[i].sha256);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static void listing_add(struct listings *l, const char *file, size_t flen, const char *url,
			size_t ulen, const char *sha, size_t slen)
{
	struct listing *x;

	RK_GROW(l->v, l->cap, l->n + 1);
	x = &l->v[l->n++];
	x->file = rk_xstrndup(file, flen);
	x->url = rk_xstrndup(url, ulen);
	x->sha256 = sha ? rk_xstrndup(sha, slen) : NULL;
}

/* Decode the few HTML entities an href or a link text holds. */
static char *html_unescape(const char *s, size_t n)
{
	struct rk_buf b = RK_BUF_INIT;
	size_t i;

	rk_buf_adds(&b, "");
	for (i = 0; i < n; i++) {
		static const struct {
			const char *ent;
			char c;
		} ents[] = {{"&amp;", '&'},  {"&lt;", '<'},   {"&gt;", '>'},
			    {"&quot;", '"'}, {"&#39;", '\''}, {"&#x27;", '\''}};
		size_t k;
		bool done = false;

		for (k = 0; k < RK_ARRAY_SIZE(ents) && s[i] == '&'; k++) {
			size_t l = strlen(ents[k].ent);

			if (i + l <= n && !strncmp(s + i, ents[k].ent, l)) {
				rk_buf_addc(&b, ents[k].c);
				i += l - 1;
				done = true;
				break;
			}
		}
		if (!done)
			rk_buf_addc(&b, s[i]);
	}
	return rk_buf_detach(&b, NULL);
}

/* PEP 503: <a href="URL#sha256=HEX" ...>FILENAME</a> */
static void parse_simple_html(const char *s, struct listings *l)
{
	const char *p = s;

	while ((p = strstr(p, "<a")) != NULL) {
		const char *end = strchr(p, '>'), *href, *close, *text;
		char q;
		char *url, *file, *frag;
		size_t ulen;

		if (!end)
			break;
		if (!isspace((unsigned char)p[2])) {
			p += 2;
			continue;
		}
		href = p;
		while ((href = strstr(href, "href=")) && href < end && href > p &&
		       !isspace((unsigned char)href[-1]))
			href += 5;
		if (!href || href >= end) {
			p = end;
			continue;
		}
		href += 5;
		q = *href;
		if (q == '"' || q == '\'') {
			const char *qe = memchr(href + 1, q, (size_t)(end - href - 1));
			if (!qe) {
				p = end;
				continue;
			}
			url = html_unescape(href + 1, (size_t)(qe - href - 1));
		} else {
			ulen = strcspn(href, " \t\r\n>");
			url = html_unescape(href, ulen);
		}
		text = end + 1;
		close = strstr(text, "</a>");
		if (!close) {
			free(url);
			break;
		}
		while (text < close && isspace((unsigned char)*text))
			text++;
		ulen = (size_t)(close - text);
		while (ulen && isspace((unsigned char)text[ulen - 1]))
			ulen--;
		file = html_unescape(text, ulen);
		frag = strstr(url, "#sha256=");
		if (frag) {
			*frag = '\0';
			listing_add(l, file, strlen(file), url, strlen(url), frag + 8,
				    strspn(frag + 8, "0123456789abcdefABCDEF"));
		} else {
			listing_add(l, file, strlen(file), url, strlen(url), NULL, 0);
		}
		free(url);
		free(file);
		p = close + 4;
	}
}

/* PEP 691: {"files":[{"filename":..,"url":..,"hashes":{"sha256":..}}]} */
static int parse_simple_json(const struct rk_buf *body, const char *source, struct listings *l,
			     struct rk_err *err)
{
	struct rk_json d = RK_JSON_INIT;
	int f, e;

	if (rk_json_parse(&d, body->data, body->len, source, 1, err) < 0) {
		rk_json_release(&d);
		return -1;
	}
	f = rk_json_get(&d, 0, "files");
	for (e = rk_json_first(&d, f); e >= 0; e = rk_json_next(&d, e)) {
		const char *fn = rk_json_get_str(&d, e, "filename");
		const char *u = rk_json_get_str(&d, e, "url");
		const char *h = rk_json_get_str(&d, rk_json_get(&d, e, "hashes"), "sha256");

		if (fn && u)
			listing_add(l, fn, strlen(fn), u, strlen(u), h, h ? strlen(h) : 0);
	}
	rk_json_release(&d);
	return 0;
}

/* The version part of a distribution file name, or NULL (malloc'd). */
static char *file_version(const char *file)
{
	const char *dash = strchr(file, '-'), *end;

	if (!dash)
		return NULL;
	if (has_suffix(file, ".whl")) {
		end = strchr(dash + 1, '-');
		return end ? rk_xstrndup(dash + 1, (size_t)(end - dash - 1)) : NULL;
	}
	dash = strrchr(file, '-');
	if (has_suffix(file, ".tar.gz"))
		return rk_xstrndup(dash + 1, strlen(dash + 1) - 7);
	if (has_suffix(file, ".zip"))
		return rk_xstrndup(dash + 1, strlen(dash + 1) - 4);
	return NULL;
}

static void strlower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

void rk_poll_check_pypi(const struct rk_poll_opts *o, const struct rk_poll_target *t,
			struct rk_poll_result *res)
{
	struct rk_http_resp r = RK_HTTP_RESP_INIT;
	struct listings l = {0};
	struct rk_err jerr = {0};
	size_t i, j;
	char *norm = rk_poll_pep503(t->name);
	struct rk_buf url = RK_BUF_INIT;
	const char *base = o->pypi;
	size_t bl = strlen(base);

	while (bl && base[bl - 1] == '/')
		bl--;
	rk_buf_add(&url, base, bl);
	rk_buf_addf(&url, "/%s/", norm);
	free(norm);
	res->url = rk_http_url_nouser(url.data);
	if (fetch(o, url.data,
		  "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, "
		  "text/html;q=0.01",
		  res, &r) < 0)
		goto out;
	if (r.content_type && strstr(r.content_type, "json")) {
		if (parse_simple_json(&r.body, res->url, &l, &jerr) < 0) {
			char m[600];
			rk_err_format(&jerr, m, sizeof(m));
			set_state(res, RK_POLL_ERROR, true, "bad PEP 691 page: %s", m);
			goto out;
		}
	} else {
		parse_simple_html(r.body.data, &l);
	}
	/* file URLs: relative to the page */
	for (j = 0; j < l.n; j++) {
		char *abs = rk_http_url_resolve(url.data, l.v[j].url);
		if (abs) {
			free(l.v[j].url);
			l.v[j].url = abs;
		}
	}
	if (!res->nfiles) {
		/* no artifact: any file of the version will do */
		char *want = rk_xstrdup(t->version);
		size_t cap = 0;

		strlower(want);
		for (j = 0; j < l.n; j++) {
			char *v = file_version(l.v[j].file);
			bool hit;

			if (!v)
				continue;
			strlower(v);
			hit = !strcmp(v, want);
			free(v);
			if (hit) {
				struct rk_poll_file *f;

				RK_GROW(res->files, cap, res->nfiles + 1);
				f = &res->files[res->nfiles++];
				memset(f, 0, sizeof(*f));
				f->file = rk_xstrdup(l.v[j].file);
				f->listed = l.v[j].sha256 ? rk_xstrdup(l.v[j].sha256) : NULL;
				f->expected = f->listed ? rk_xstrdup(f->listed) : NULL;
				f->url = rk_http_url_nouser(l.v[j].url);
				f->src = rk_xstrdup(l.v[j].url);
			}
		}
		free(want);
		if (!res->nfiles)
			set_state(res, RK_POLL_MISSING, true,
				  "%s: no file of version %s listed yet", res->url, t->version);
		else
			res->state = RK_POLL_AVAILABLE;
		goto out;
	}
	res->state = RK_POLL_AVAILABLE;
	for (i = 0; i < res->nfiles; i++) {
		struct rk_poll_file *f = &res->files[i];

		for (j = 0; j < l.n; j++)
			if (!strcmp(l.v[j].file, f->file))
				break;
		if (j == l.n) {
			if (res->state == RK_POLL_AVAILABLE)
				set_state(res, RK_POLL_MISSING, true, "%s: %s not listed yet",
					  res->url, f->file);
			continue;
		}
		f->url = rk_http_url_nouser(l.v[j].url);
		f->src = rk_xstrdup(l.v[j].url);
		if (!l.v[j].sha256) {
			set_state(res, RK_POLL_ERROR, false,
				  "%s: %s is listed without a sha256 digest", res->url, f->file);
			break;
		}
		f->listed = rk_xstrdup(l.v[j].sha256);
		strlower(f->listed);
		if (strcmp(f->listed, f->expected) != 0) {
			set_state(res, RK_POLL_MISMATCH, false,
				  "%s: %s is listed with sha256 %s, the built file has %s",
				  res->url, f->file, f->listed, f->expected);
			break;
		}
	}
out:
	listings_release(&l);
	rk_buf_release(&url);
	rk_http_resp_release(&r);
}

/* ---- npm ---- */

void rk_poll_check_npm(const struct rk_poll_opts *o, const struct rk_poll_target *t,
		       struct rk_poll_result *res)
{
	struct rk_http_resp r = RK_HTTP_RESP_INIT;
	struct rk_json d = RK_JSON_INIT;
	struct rk_err jerr = {0};
	struct rk_buf url = RK_BUF_INIT;
	const char *base = o->npm, *p, *integrity, *tarball, *tagv;
	const char *tag = t->channel ? t->channel : "latest";
	size_t bl = strlen(base);
	int ver;

	while (bl && base[bl - 1] == '/')
		bl--;
	rk_buf_add(&url, base, bl);
	rk_buf_addc(&url, '/');
	for (p = t->name; *p; p++) {
		if (*p == '/')
			rk_buf_adds(&url, "%2f");
		else
			rk_buf_addc(&url, *p);
	}
	res->url = rk_http_url_nouser(url.data);
	if (fetch(o, url.data,
		  "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8", res,
		  &r) < 0)
		goto out;
	if (rk_json_parse(&d, r.body.data, r.body.len, res->url, 1, &jerr) < 0) {
		char m[600];
		rk_err_format(&jerr, m, sizeof(m));
		set_state(res, RK_POLL_ERROR, true, "bad packument: %s", m);
		goto out;
	}
	ver = rk_json_get(&d, rk_json_get(&d, 0, "versions"), t->version);
	if (ver < 0) {
		set_state(res, RK_POLL_MISSING, true, "%s: version %s not listed yet", res->url,
			  t->version);
		goto out;
	}
	integrity = rk_json_get_str(&d, rk_json_get(&d, ver, "dist"), "integrity");
	tarball = rk_json_get_str(&d, rk_json_get(&d, ver, "dist"), "tarball");
	if (!res->nfiles) {
		res->files = rk_xcalloc(1, sizeof(*res->files));
		res->nfiles = 1;
		res->files[0].expected = integrity ? rk_xstrdup(integrity) : NULL;
	}
	if (tarball) {
		const char *slash = strrchr(tarball, '/');
		if (!res->files[0].file)
			res->files[0].file = rk_xstrdup(slash ? slash + 1 : tarball);
		res->files[0].url = rk_http_url_nouser(tarball);
		free(res->files[0].src);
		res->files[0].src = rk_xstrdup(tarball);
	}
	res->files[0].listed = integrity ? rk_xstrdup(integrity) : NULL;
	if (res->digest_checked) {
		if (!integrity) {
			set_state(res, RK_POLL_ERROR, false,
				  "%s: version %s is listed without an integrity digest", res->url,
				  t->version);
			goto out;
		}
		if (strcmp(integrity, res->files[0].expected) != 0) {
			set_state(res, RK_POLL_MISMATCH, false,
				  "%s: version %s is listed with integrity %s, the built tarball "
				  "%s has %s",
				  res->url, t->version, integrity, res->files[0].file,
				  res->files[0].expected);
			goto out;
		}
	}
	if (*tag) {
		tagv = rk_json_get_str(&d, rk_json_get(&d, 0, "dist-tags"), tag);
		if (!tagv || strcmp(tagv, t->version) != 0) {
			set_state(res, RK_POLL_MISSING, true, "%s: dist-tag %s is %s, not yet %s",
				  res->url, tag, tagv ? tagv : "unset", t->version);
			goto out;
		}
	}
	res->state = RK_POLL_AVAILABLE;
out:
	rk_json_release(&d);
	rk_buf_release(&url);
	rk_http_resp_release(&r);
}

/* ---- cargo ---- */

static bool is_sparse(const char *idx)
{
	return !strncmp(idx, "sparse+", 7) || !strncmp(idx, "http://", 7) ||
	       !strncmp(idx, "https://", 8);
}

static const char *sparse_base(const char *idx)
{
	return !strncmp(idx, "sparse+", 7) ? idx + 7 : idx;
}

/* A file at HEAD of the git index at path: 1 found, 0 absent, -1 error. */
static int git_index_file(const char *idx, const char *file, struct rk_buf *out, char *why,
			  size_t whylen)
{
	const char *path = !strncmp(idx, "file://", 7) ? idx + 7 : idx;
	git_repository *repo = NULL;
	git_object *obj = NULL;
	struct rk_buf spec = RK_BUF_INIT;
	int rc;

	git_libgit2_init();
	if (git_repository_open_ext(&repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0) {
		const git_error *e = git_error_last();
		snprintf(why, whylen, "cannot open the git index %s: %s", path,
			 e ? e->message : "unknown error");
		git_libgit2_shutdown();
		return -1;
	}
	rk_buf_addf(&spec, "HEAD:%s", file);
	rc = git_revparse_single(&obj, repo, spec.data);
	rk_buf_release(&spec);
	if (rc == GIT_ENOTFOUND || (rc == 0 && git_object_type(obj) != GIT_OBJECT_BLOB)) {
		rc = 0;
	} else if (rc < 0) {
		const git_error *e = git_error_last();
		snprintf(why, whylen, "git index %s: %s", path, e ? e->message : "unknown error");
		rc = -1;
	} else {
		const git_blob *b = (const git_blob *)obj;
		rk_buf_reset(out);
		rk_buf_add(out, git_blob_rawcontent(b), (size_t)git_blob_rawsize(b));
		rc = 1;
	}
	git_object_free(obj);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return rc;
}

/* The index file (or config.json) of a cargo index: 1, 0 absent (state
 * set), -1 error (state set). */
static int cargo_index_get(const struct rk_poll_opts *o, const char *file,
			   struct rk_poll_result *res, struct rk_buf *out)
{
	if (is_sparse(o->cargo)) {
		struct rk_http_resp r = RK_HTTP_RESP_INIT;
		struct rk_buf url = RK_BUF_INIT;
		const char *base = sparse_base(o->cargo);
		size_t bl = strlen(base);
		int rc;

		while (bl && base[bl - 1] == '/')
			bl--;
		rk_buf_add(&url, base, bl);
		rk_buf_addf(&url, "/%s", file);
		free(res->url);
		res->url = rk_http_url_nouser(url.data);
		rc = fetch(o, url.data, NULL, res, &r);
		if (rc == 0) {
			rk_buf_reset(out);
			rk_buf_add(out, r.body.data, r.body.len);
			rc = 1;
		} else {
			rc = res->state == RK_POLL_MISSING ? 0 : -1;
		}
		rk_http_resp_release(&r);
		rk_buf_release(&url);
		return rc;
	} else {
		char why[512];
		int rc;
		struct rk_buf u = RK_BUF_INIT;

		rk_buf_addf(&u, "%s:%s", o->cargo, file);
		free(res->url);
		res->url = rk_buf_detach(&u, NULL);
		rc = git_index_file(o->cargo, file, out, why, sizeof(why));
		if (rc < 0)
			set_state(res, RK_POLL_ERROR, false, "%s", why);
		else if (rc == 0)
			set_state(res, RK_POLL_MISSING, true, "%s: not published yet", res->url);
		return rc;
	}
}

/* The download URL of a crate from the index's config.json "dl". */
char *rk_poll_cargo_download_url(const struct rk_poll_opts *o, const struct rk_poll_target *t,
				 struct rk_poll_result *res)
{
	struct rk_buf cfg = RK_BUF_INIT, b = RK_BUF_INIT;
	struct rk_json d = RK_JSON_INIT;
	struct rk_err jerr = {0};
	struct rk_poll_result tmp = {0};
	const char *dl, *s;
	char *prefix, *cksum = NULL;

	tmp.retry_after = -1;
	dl = NULL;
	if (cargo_index_get(o, "config.json", &tmp, &cfg) > 0 &&
	    rk_json_parse(&d, cfg.data, cfg.len, "config.json", 1, &jerr) >= 0)
		dl = rk_json_get_str(&d, 0, "dl");
	if (!dl) {
		rk_json_release(&d);
		rk_buf_release(&cfg);
		rk_poll_result_release(&tmp);
		return NULL;
	}
	prefix = rk_poll_cargo_path(t->name);
	*strrchr(prefix, '/') = '\0';
	if (res->nfiles && res->files[0].listed)
		cksum = res->files[0].listed;
	if (!strstr(dl, "{crate}") && !strstr(dl, "{version}") && !strstr(dl, "{prefix}") &&
	    !strstr(dl, "{lowerprefix}") && !strstr(dl, "{sha256-checksum}")) {
		rk_buf_addf(&b, "%s/%s/%s/download", dl, t->name, t->version);
	} else {
		for (s = dl; *s;) {
			static const char *const keys[] = {"{crate}", "{version}", "{prefix}",
							   "{lowerprefix}", "{sha256-checksum}"};
			const char *vals[5];
			size_t k;
			bool done = false;

			vals[0] = t->name;
			vals[1] = t->version;
			vals[2] = prefix;
			vals[3] = prefix;
			vals[4] = cksum ? cksum : "";
			for (k = 0; k < 5; k++) {
				size_t l = strlen(keys[k]);
				if (!strncmp(s, keys[k], l)) {
					rk_buf_adds(&b, vals[k]);
					s += l;
					done = true;
					break;
				}
			}
			if (!done)
				rk_buf_addc(&b, *s++);
		}
	}
	free(prefix);
	rk_json_release(&d);
	rk_buf_release(&cfg);
	rk_poll_result_release(&tmp);
	return rk_buf_detach(&b, NULL);
}

void rk_poll_check_cargo(const struct rk_poll_opts *o, const struct rk_poll_target *t,
			 struct rk_poll_result *res)
{
	struct rk_buf body = RK_BUF_INIT, line = RK_BUF_INIT;
	struct rk_json d = RK_JSON_INIT;
	char *path = rk_poll_cargo_path(t->name);
	const char *p, *cksum = NULL;
	bool found = false, yanked = false;
	char *ck = NULL;

	if (cargo_index_get(o, path, res, &body) <= 0)
		goto out;
	for (p = body.data; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		struct rk_err jerr = {0};
		const char *v;

		rk_buf_reset(&line);
		rk_buf_add(&line, p, n);
		p = nl ? nl + 1 : NULL;
		if (!n || rk_json_parse(&d, line.data, line.len, res->url, 1, &jerr) < 0)
			continue;
		v = rk_json_get_str(&d, 0, "vers");
		if (v && !strcmp(v, t->version)) {
			found = true;
			cksum = rk_json_get_str(&d, 0, "cksum");
			ck = cksum ? rk_xstrdup(cksum) : NULL;
			yanked = rk_json_bool(&d, rk_json_get(&d, 0, "yanked")) == 1;
		}
	}
	if (!found) {
		set_state(res, RK_POLL_MISSING, true, "%s: version %s not listed yet", res->url,
			  t->version);
		goto out;
	}
	if (yanked) {
		set_state(res, RK_POLL_ERROR, false, "%s: version %s is yanked", res->url,
			  t->version);
		goto out;
	}
	if (!res->nfiles) {
		struct rk_buf fn = RK_BUF_INIT;

		res->files = rk_xcalloc(1, sizeof(*res->files));
		res->nfiles = 1;
		rk_buf_addf(&fn, "%s-%s.crate", t->name, t->version);
		res->files[0].file = rk_buf_detach(&fn, NULL);
		res->files[0].expected = ck ? rk_xstrdup(ck) : NULL;
	}
	res->files[0].listed = ck ? rk_xstrdup(ck) : NULL;
	if (res->digest_checked) {
		if (!ck || strcmp(ck, res->files[0].expected) != 0) {
			set_state(res, RK_POLL_MISMATCH, false,
				  "%s: version %s is listed with cksum %s, the built crate %s has "
				  "%s",
				  res->url, t->version, ck ? ck : "(none)", res->files[0].file,
				  res->files[0].expected);
			goto out;
		}
	}
	res->state = RK_POLL_AVAILABLE;
out:
	free(ck);
	free(path);
	rk_json_release(&d);
	rk_buf_release(&line);
	rk_buf_release(&body);
}

/* ---- the public functions ---- */

const char **rk_poll_registry(struct rk_poll_opts *o, const char *ecosystem)
{
	const struct rk_backend *b = rk_backend_for(ecosystem);

	return b && b->poll_check ? (const char **)(void *)((char *)o + b->poll_opt) : NULL;
}

int rk_poll_once(const struct rk_poll_opts *o, const struct rk_poll_target *t,
		 struct rk_poll_result *res, struct rk_err *err)
{
	const struct rk_backend *b;
	const char *reg;

	result_reset(res);
	res->retry_after = -1;
	b = rk_backend_for(t->ecosystem);
	if (!b || !b->poll_check)
		return rk_err_set(err, NULL, 0, 0, "%s:%s: unknown ecosystem '%s'", t->ecosystem,
				  t->name, t->ecosystem);
	reg = *rk_poll_registry((struct rk_poll_opts *)o, t->ecosystem);
	if (!reg || !*reg)
		return rk_err_set(err, NULL, 0, 0, "%s:%s: no %s registry configured (%s)",
				  t->ecosystem, t->name, t->ecosystem, b->registry_hint);
	if (load_artifacts(t, res, err) < 0)
		return -1;
	res->attempts++;
	res->state = RK_POLL_ERROR;
	b->poll_check(o, t, res);
	if (res->state == RK_POLL_AVAILABLE)
		res->reason[0] = '\0';
	return 0;
}

static double jitter(unsigned int *seed)
{
	return (double)rand_r(seed) / ((double)RAND_MAX + 1.0);
}

static void sleep_ms(long long ms)
{
	struct timespec ts;

	if (ms <= 0)
		return;
	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int rk_poll_wait(const struct rk_poll_opts *o, const struct rk_poll_target *t,
		 rk_poll_attempt_fn fn, void *ctx, struct rk_poll_result *res, struct rk_err *err)
{
	long long start = rk_now_ms(), deadline = start + (long long)(o->deadline_s * 1000.0);
	unsigned int seed =
		o->seed ? o->seed : (unsigned int)rk_now_ms() ^ ((unsigned int)getpid() << 16);
	int n;

	res->attempts = 0;
	for (n = 1;; n++) {
		long long t0 = rk_now_ms(), now, wait_ms = -1;
		struct rk_poll_attempt a;

		if (rk_poll_once(o, t, res, err) < 0)
			return -1;
		now = rk_now_ms();
		res->elapsed_ms = now - start;
		if (res->state == RK_POLL_MISSING ||
		    (res->state == RK_POLL_ERROR && res->transient)) {
			if (now >= deadline) {
				char last[sizeof(res->reason)];

				snprintf(last, sizeof(last), "%s", res->reason);
				set_state(res, RK_POLL_TIMEOUT, false,
					  "%s:%s %s not available after %.3gs (%d attempts): %s",
					  t->ecosystem, t->name, t->version,
					  (double)res->elapsed_ms / 1000.0, res->attempts, last);
			} else if (res->http_status == 429 && res->retry_after >= 0) {
				double w = res->retry_after < o->max_retry_after_s
						   ? res->retry_after
						   : o->max_retry_after_s;
				wait_ms = (long long)(w * 1000.0);
			} else {
				double ceil = o->initial_s * pow(2.0, n - 1);

				if (ceil > o->max_delay_s)
					ceil = o->max_delay_s;
				wait_ms = (long long)(jitter(&seed) * ceil * 1000.0);
			}
			if (wait_ms >= 0 && now + wait_ms > deadline)
				wait_ms = deadline - now;
		}
		a.attempt = n;
		a.elapsed_ms = res->elapsed_ms;
		a.duration_ms = now - t0;
		a.retry_in_ms = wait_ms;
		a.res = res;
		if (fn)
			fn(ctx, &a);
		if (wait_ms < 0)
			return 0;
		sleep_ms(wait_ms);
	}
}

/* Download url: the sha256 hex and the sha512 integrity of the body, 0;
 * -1 with res state set. */
static int download(const struct rk_poll_opts *o, const char *url, struct rk_poll_result *res,
		    char hex[RK_SHA256_HEX], char **integrity)
{
	struct rk_http_resp r = RK_HTTP_RESP_INIT;
	char *disp = rk_http_url_nouser(url);
	int rc = 0;
	struct rk_err e = {0};

	/* no cut: the whole artifact is hashed (as large as the registry allows) */
	if (get_once(o, url, NULL, (size_t)-1, &r, &e) < 0) {
		set_state(res, RK_POLL_ERROR, true, "download: %s", e.msg);
		rc = -1;
	} else if (r.status != 200) {
		set_state(res, RK_POLL_ERROR, r.status == 429 || r.status >= 500 || r.status == 404,
			  "download %s: HTTP %ld", disp, r.status);
		res->retry_after = r.retry_after;
		rc = -1;
	} else {
		unsigned char md[EVP_MAX_MD_SIZE];
		unsigned char enc[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
		unsigned int mdlen = 0;
		struct rk_buf b = RK_BUF_INIT;

		rk_sha256_buf(r.body.data, r.body.len, hex);
		if (EVP_Digest(r.body.data, r.body.len, md, &mdlen, EVP_sha512(), NULL) != 1)
			mdlen = 0;
		EVP_EncodeBlock(enc, md, (int)mdlen);
		rk_buf_addf(&b, "sha512-%s", (const char *)enc);
		*integrity = rk_buf_detach(&b, NULL);
	}
	free(disp);
	rk_http_resp_release(&r);
	return rc;
}

int rk_poll_verify(const struct rk_poll_opts *o, const struct rk_poll_target *t,
		   struct rk_poll_result *res, struct rk_err *err)
{
	const struct rk_backend *b = rk_backend_for(t->ecosystem);
	size_t i;

	if (rk_poll_once(o, t, res, err) < 0)
		return -1;
	if (res->state != RK_POLL_AVAILABLE)
		return 0;
	for (i = 0; i < res->nfiles; i++) {
		struct rk_poll_file *f = &res->files[i];
		char *url, *integ = NULL;
		char hex[RK_SHA256_HEX];
		const char *want, *got;

		url = b->download_url ? b->download_url(o, t, res)
		      : f->src	      ? rk_xstrdup(f->src)
				      : NULL;
		if (!url) {
			set_state(res, RK_POLL_ERROR, false, "%s: no download URL for %s", res->url,
				  f->file ? f->file : t->name);
			break;
		}
		free(f->url);
		f->url = rk_http_url_nouser(url);
		if (download(o, url, res, hex, &integ) < 0) {
			free(url);
			break;
		}
		free(url);
		f->served = rk_xstrdup(hex);
		/* against the built file's sha256; with no artifact, against
		 * what the registry lists (npm lists a sha512 integrity) */
		if (f->sha256) {
			want = f->sha256;
			got = hex;
		} else if (f->listed && !strncmp(f->listed, "sha512-", 7)) {
			want = f->listed;
			got = integ;
		} else {
			want = f->listed;
			got = hex;
		}
		if (!want) {
			free(integ);
			set_state(res, RK_POLL_ERROR, false, "%s: no digest to verify %s against",
				  res->url, f->file ? f->file : t->name);
			break;
		}
		if (strcmp(want, got) != 0) {
			set_state(res, RK_POLL_MISMATCH, false,
				  "%s: the registry serves %s%s, the %s has %s%s", f->url,
				  got == hex ? "sha256 " : "", got,
				  f->sha256 ? "built artifact" : "registry's listing",
				  got == hex ? "sha256 " : "", want);
			free(integ);
			break;
		}
		free(integ);
	}
	return 0;
}

void rk_poll_attempt_json(struct rk_jw *w, const struct rk_poll_attempt *a)
{
	rk_jw_kint(w, "attempt", a->attempt);
	rk_jw_kint(w, "duration_ms", a->duration_ms);
	rk_jw_kint(w, "elapsed_ms", a->elapsed_ms);
	if (a->retry_in_ms >= 0)
		rk_jw_kint(w, "retry_in_ms", a->retry_in_ms);
	if (a->res->reason[0])
		rk_jw_kstr(w, "reason", a->res->reason);
}
