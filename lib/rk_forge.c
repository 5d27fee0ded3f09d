/* rk_forge.c - the forge interface: recognition, tokens, JSON calls (see rk_forge.h). */
#include "rk_common.h"

#include <ctype.h>
#include <stdarg.h>
#include <strings.h>

#include "rk_forge.h"

static const struct rk_forge_ops *const forges[] = {&rk_forge_github, &rk_forge_gitlab,
						    &rk_forge_gitea, &rk_forge_bitbucket};

const struct rk_forge_ops *rk_forge_ops_find(const char *name)
{
	for (size_t i = 0; i < RK_ARRAY_SIZE(forges); i++)
		if (name && !strcmp(forges[i]->name, name))
			return forges[i];
	return NULL;
}

void rk_forge_esc(const char *s, struct rk_buf *out)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
			rk_buf_addc(out, (char)c);
		else
			rk_buf_addf(out, "%%%02X", c);
	}
}

void rk_forge_path(struct rk_buf *u, ...)
{
	va_list ap;
	const char *seg;

	va_start(ap, u);
	while ((seg = va_arg(ap, const char *))) {
		rk_buf_addc(u, '/');
		rk_forge_esc(seg, u);
	}
	va_end(ap);
}

void rk_forge_repo_url(const struct rk_forge_client *f, const char *kind, struct rk_buf *u)
{
	rk_buf_adds(u, f->api);
	rk_forge_path(u, kind, f->owner, f->repo, NULL);
}

void rk_forge_jobj(struct rk_buf *out, const char *const *kv, size_t n)
{
	struct rk_jw w;
	size_t i;

	rk_jw_init(&w, out);
	rk_jw_obj(&w);
	for (i = 0; i + 1 < n; i += 2)
		if (kv[i + 1])
			rk_jw_kstr(&w, kv[i], kv[i + 1]);
	rk_jw_obj_end(&w);
}

int rk_forge_send(struct rk_forge_client *f, const char *method, const char *url, const char *json,
		  struct rk_err *err)
{
	long st = rk_forge_call(f, method, url, json, NULL, NULL, NULL, err);

	return st >= 200 && st < 300 ? 0 : -1;
}

long rk_forge_post_file(struct rk_forge_client *f, const char *url, const char *field,
			const char *path, const char *name, struct rk_json *d, struct rk_err *err)
{
	struct rk_buf body = RK_BUF_INIT, file = RK_BUF_INIT, ct = RK_BUF_INIT;
	const char *bnd = "releasekit-7d1c0f3b9a2e4c58";
	long st = -1;

	if (rk_buf_read_file(&file, path) < 0) {
		rk_err_set(err, NULL, 0, 0, "%s: %s", path, strerror(errno));
		goto out;
	}
	rk_buf_addf(&body,
		    "--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
		    "Content-Type: application/octet-stream\r\n\r\n",
		    bnd, field, name);
	rk_buf_add(&body, file.data, file.len);
	rk_buf_addf(&body, "\r\n--%s--\r\n", bnd);
	rk_buf_addf(&ct, "multipart/form-data; boundary=%s", bnd);
	st = rk_forge_call_mem(f, "POST", url, body.data, body.len, NULL, ct.data, d, err);
out:
	rk_buf_release(&body);
	rk_buf_release(&file);
	rk_buf_release(&ct);
	return st;
}

/* Split a remote URL into scheme, host[:port] and path (without .git and slashes). */
static int split_url(const char *url, struct rk_buf *scheme, struct rk_buf *host,
		     struct rk_buf *path)
{
	const char *h = strstr(url, "://"), *p, *e;

	if (h) {
		const char *slash, *at;

		rk_buf_add(scheme, url, (size_t)(h - url));
		h += 3;
		slash = strchr(h, '/');
		if (!slash)
			return -1;
		at = memchr(h, '@', (size_t)(slash - h));
		if (at)
			h = at + 1;
		rk_buf_add(host, h, (size_t)(slash - h));
		p = slash + 1;
		if (!strcmp(scheme->data, "ssh")) {
			/* ssh://git@host:port/path: the web side is https on the host */
			char *colon = strchr(host->data, ':');

			if (colon)
				rk_buf_truncate(host, (size_t)(colon - host->data));
			rk_buf_reset(scheme);
			rk_buf_adds(scheme, "https");
		}
	} else {
		const char *colon = strchr(url, ':'), *at;

		if (!colon)
			return -1;
		at = memchr(url, '@', (size_t)(colon - url));
		h = at ? at + 1 : url;
		rk_buf_adds(scheme, "https");
		rk_buf_add(host, h, (size_t)(colon - h));
		p = colon + 1;
	}
	while (*p == '/')
		p++;
	e = p + strlen(p);
	while (e > p && e[-1] == '/')
		e--;
	if (e - p > 4 && !strncmp(e - 4, ".git", 4))
		e -= 4;
	rk_buf_add(path, p, (size_t)(e - p));
	return host->len && path->len && strchr(path->data, '/') ? 0 : -1;
}

/* host (of a remote, maybe with :port) is want (a host name, or host:port to match the port too). */
static bool host_is(const char *host, const char *want)
{
	size_t n = strcspn(host, ":"), w = strlen(want);

	if (!w)
		return false;
	if (strchr(want, ':'))
		return !strcasecmp(host, want);
	return n == w && !strncasecmp(host, want, n);
}

/* The host name of an http(s) URL (a CI server's) into out; false when it has none. */
static bool url_host(const char *url, struct rk_buf *out)
{
	const char *h = url ? strstr(url, "://") : NULL;

	rk_buf_reset(out);
	if (!h)
		return false;
	h += 3;
	rk_buf_add(out, h, strcspn(h, "/?#:")); /* the name: an ssh remote has no web port */
	return out->len > 0;
}

/*
 * A CI job's own forge: the remote's host is the server the job runs on.
 * GitHub Actions (and GitHub Enterprise Server runners) set
 * GITHUB_SERVER_URL and GITHUB_API_URL; Gitea's and Forgejo's Actions set
 * them too (to the Gitea instance and its /api/v1) with GITEA_ACTIONS or
 * FORGEJO_ACTIONS = true; GitLab CI sets CI_SERVER_URL and CI_API_V4_URL.
 * The ops, or NULL; *api the API root the job was given (or NULL).
 */
static const struct rk_forge_ops *ci_forge(const char *host, const char **api, const char **server)
{
	struct rk_buf h = RK_BUF_INIT;
	const struct rk_forge_ops *ops = NULL;
	const char *v;

	*api = NULL;
	*server = NULL;
	if (url_host(getenv("GITHUB_SERVER_URL"), &h) && host_is(host, h.data)) {
		bool gitea = ((v = getenv("GITEA_ACTIONS")) && !strcmp(v, "true")) ||
			     ((v = getenv("FORGEJO_ACTIONS")) && !strcmp(v, "true"));

		ops = gitea ? &rk_forge_gitea : &rk_forge_github;
		*api = getenv("GITHUB_API_URL");
		*server = getenv("GITHUB_SERVER_URL");
	} else if (url_host(getenv("CI_SERVER_URL"), &h) && host_is(host, h.data)) {
		ops = &rk_forge_gitlab;
		*api = getenv("CI_API_V4_URL");
		*server = getenv("CI_SERVER_URL");
	}
	if (*api && !**api)
		*api = NULL;
	rk_buf_release(&h);
	return ops;
}

/* path (OWNER/REPO; GitLab: GROUP/.../PROJECT) names a repository of ops's forge */
static bool repo_path_ok(const struct rk_forge_ops *ops, const char *path)
{
	int slashes = 0;

	for (const char *c = path; *c; c++) {
		if (*c == '/') {
			if (c == path || c[1] == '/' || !c[1])
				return false;
			slashes++;
		} else if (!isalnum((unsigned char)*c) && !strchr("-_.", *c)) {
			return false;
		}
	}
	return slashes == 1 || (slashes > 1 && ops == &rk_forge_gitlab);
}

void rk_forge_link(const struct rk_forge_where *w, const char *prev_tag, const char *tag,
		   struct rk_buf *out)
{
	if (!w->ops || !w->web || !tag || !repo_path_ok(w->ops, w->path))
		return;
	if (prev_tag)
		rk_buf_addf(out, w->ops->compare_link, w->web, tag, prev_tag);
	else
		rk_buf_addf(out, w->ops->tag_link, w->web, tag);
}

/* The public hosts, known with no configuration. */
static const struct {
	const char *host;
	const struct rk_forge_ops *ops;
} known_hosts[] = {{"github.com", &rk_forge_github},
		   {"gitlab.com", &rk_forge_gitlab},
		   {"bitbucket.org", &rk_forge_bitbucket}};

/*
 * The repository's web address: SCHEME://HOST[:PORT]/PATH (an ssh or
 * scp-like remote: https on its host; the host in lower case), or under
 * a CI job's server URL (server); into out. A server URL with a path (a
 * GitLab under a relative URL root, https://host/gitlab) takes that path
 * out of the front of path (the repository's path on the forge).
 */
static void web_base(const char *scheme, const char *host, struct rk_buf *path, const char *server,
		     struct rk_buf *out)
{
	const char *h = server ? strstr(server, "://") : NULL;

	rk_buf_reset(out);
	if (h) {
		size_t n = strlen(server), pl;
		const char *sp;

		while (n && server[n - 1] == '/')
			n--;
		sp = memchr(h + 3, '/', n - (size_t)(h + 3 - server)); /* its own path */
		pl = sp ? n - (size_t)(sp + 1 - server) : 0;
		rk_buf_add(out, server, n);
		if (pl && path->len > pl + 1 && !strncmp(path->data, sp + 1, pl) &&
		    path->data[pl] == '/') {
			memmove(path->data, path->data + pl + 1, path->len - pl);
			rk_buf_truncate(path, path->len - pl - 1);
		}
	} else {
		rk_buf_addf(out, "%s://", scheme);
		for (const char *c = host; *c; c++)
			rk_buf_addc(out, (char)tolower((unsigned char)*c));
	}
	rk_buf_addf(out, "/%s", path->data);
}

int rk_forge_recognise(const char *url, const struct rk_json *d, int cfg, struct rk_forge_where *w,
		       struct rk_err *err)
{
	/* the remote URL's parts, then the API base and the web page in b */
	struct rk_buf part[3] = {RK_BUF_INIT, RK_BUF_INIT, RK_BUF_INIT}, b = RK_BUF_INIT;
	struct rk_buf *scheme = &part[0], *host = &part[1], *path = &part[2];
	const char *name = cfg >= 0 ? rk_json_get_str(d, cfg, "name") : NULL;
	const char *api = cfg >= 0 ? rk_json_get_str(d, cfg, "api") : NULL;
	const char *only = cfg >= 0 ? rk_json_get_str(d, cfg, "host") : NULL;
	const char *server = NULL;
	int rc = 0;

	memset(w, 0, sizeof(*w));
	w->cfg = cfg;
	if (name && !strcmp(name, "none") && !only)
		return 0;
	if (!url || split_url(url, scheme, host, path) < 0) {
		if (name && !only)
			rc = rk_err_set(err, NULL, 0, 0,
					"forge '%s': the remote's URL names no repository", name);
		goto out;
	}
	if (only && !host_is(host->data, only)) {
		/* forge(host = ...) describes another host: not this remote's */
		w->cfg = -1;
		name = api = NULL;
	}
	if (name && !strcmp(name, "none"))
		goto out;
	/* the config's name, else the CI job's server (api: the one it was
	 * given, if any), else the remote's host */
	w->ops = name ? rk_forge_ops_find(name) : ci_forge(host->data, &api, &server);
	if (name && !w->ops) {
		rc = rk_err_set(err, NULL, 0, 0, "forge: unknown name '%s'", name);
		goto out;
	}
	for (size_t i = 0; !w->ops && i < RK_ARRAY_SIZE(known_hosts); i++)
		if (host_is(host->data, known_hosts[i].host) &&
		    repo_path_ok(known_hosts[i].ops, path->data)) {
			w->ops = known_hosts[i].ops;
			rk_buf_reset(scheme);
			rk_buf_adds(scheme, "https"); /* their web pages */
		}
	if (!w->ops)
		goto out; /* not a forge */
	if (api) {
		rk_buf_adds(&b, api);
		while (b.len && b.data[b.len - 1] == '/')
			rk_buf_truncate(&b, b.len - 1);
	} else {
		w->ops->api_base(scheme->data, host->data, &b);
	}
	w->api = rk_buf_detach(&b, NULL);
	web_base(scheme->data, host->data, path, server, &b);
	w->web = rk_buf_detach(&b, NULL);
	w->path = rk_buf_detach(path, NULL);
	rc = 1;
out:
	for (size_t i = 0; i < RK_ARRAY_SIZE(part); i++)
		rk_buf_release(&part[i]);
	return rc;
}

void rk_forge_where_free(struct rk_forge_where *w)
{
	free(w->api);
	free(w->web);
	free(w->path);
	memset(w, 0, sizeof(*w));
}

int rk_forge_open(struct rk_forge_client *f, const char *url, const struct rk_json *d, int cfg,
		  struct rk_err *err)
{
	struct rk_forge_where w;
	struct rk_buf b = RK_BUF_INIT;
	const struct rk_forge_ops *ops;
	const char *tok = NULL, *tokname = NULL;
	int rc, t;
	char *slash;

	rc = rk_forge_recognise(url, d, cfg, &w, err);
	if (rc <= 0)
		return rc;
	ops = w.ops;
	cfg = w.cfg;
	rc = 0;
	/* the token */
	t = cfg >= 0 ? rk_json_get(d, cfg, "token") : -1;
	if (t >= 0 && rk_json_type(d, t) == RK_JSON_STRING) {
		rc = rk_err_set(err, NULL, 0, 0,
				"forge: token must be secret(\"NAME\"), never the token itself");
		goto out;
	}
	tokname = t >= 0 && rk_json_type(d, t) == RK_JSON_OBJECT ? rk_json_get_str(d, t, "secret")
								 : NULL;
	if (tokname) {
		tok = getenv(tokname);
	} else {
		tokname = ops->token_env;
		tok = getenv(tokname);
		if ((!tok || !*tok) && ops == &rk_forge_gitlab) {
			tokname = "GITLAB_TOKEN or CI_JOB_TOKEN";
			tok = getenv("CI_JOB_TOKEN");
		}
	}
	if (!tok || !*tok) {
		rc = rk_err_set(err, NULL, 0, 0, "%s release: no token (set %s)", ops->name,
				tokname);
		goto out;
	}
	memset(f, 0, sizeof(*f));
	f->ops = ops;
	f->api = w.api;
	w.api = NULL;
	slash = strrchr(w.path, '/');
	f->owner = rk_xstrndup(w.path, (size_t)(slash - w.path));
	f->repo = rk_xstrdup(slash + 1);
	rk_forge_esc(w.path, &b);
	f->project = rk_buf_detach(&b, NULL);
	f->token = rk_xstrdup(tok);
	if (ops == &rk_forge_gitlab && !strcmp(tokname, "GITLAB_TOKEN or CI_JOB_TOKEN")) {
		rk_buf_addf(&b, "JOB-TOKEN: %s", tok); /* GitLab's job token header */
		f->header = rk_buf_detach(&b, NULL);
	} else {
		ops->auth(tok, &b);
		f->auth = rk_buf_detach(&b, NULL);
	}
	rk_buf_init(&f->last);
	rk_http_opts_default(&f->http);
	rc = 1;
out:
	rk_forge_where_free(&w);
	rk_buf_release(&b);
	return rc;
}

void rk_forge_close(struct rk_forge_client *f)
{
	free(f->api);
	free(f->owner);
	free(f->repo);
	free(f->project);
	if (f->token)
		memset(f->token, 0, strlen(f->token));
	if (f->auth)
		memset(f->auth, 0, strlen(f->auth));
	if (f->header)
		memset(f->header, 0, strlen(f->header));
	free(f->token);
	free(f->auth);
	free(f->header);
	rk_buf_release(&f->last);
	memset(f, 0, sizeof(*f));
}

void rk_forge_release_free(struct rk_forge_release *r)
{
	for (size_t i = 0; i < r->nassets; i++) {
		free(r->assets[i].id);
		free(r->assets[i].name);
	}
	free(r->assets);
	free(r->id);
	free(r->tag);
	free(r->body);
	free(r->upload_url);
	free(r->target);
	memset(r, 0, sizeof(*r));
}

void rk_forge_pr_free(struct rk_forge_pr *pr)
{
	free(pr->id);
	free(pr->url);
	free(pr->title);
	free(pr->body);
	memset(pr, 0, sizeof(*pr));
}

/* A scalar's text (string or number), malloc'd, or NULL. */
static char *scalar(const struct rk_json *d, int obj, const char *key)
{
	int t = obj >= 0 ? rk_json_get(d, obj, key) : -1;
	long long v;
	struct rk_buf b = RK_BUF_INIT;

	if (t < 0)
		return NULL;
	if (rk_json_type(d, t) == RK_JSON_STRING)
		return rk_xstrdup(rk_json_str(d, t));
	/* numbers: ids and sizes are integers (rk_json_raw points into the
	 * answer's text, which is gone by now) */
	if (rk_json_type(d, t) != RK_JSON_NUMBER || rk_json_int(d, t, &v) != 0)
		return NULL;
	rk_buf_addf(&b, "%lld", v);
	return rk_buf_detach(&b, NULL);
}

void rk_forge_release_from_gh(const struct rk_json *d, int t, struct rk_forge_release *r)
{
	int a, k;
	char *u;

	memset(r, 0, sizeof(*r));
	r->id = scalar(d, t, "id");
	r->tag = scalar(d, t, "tag_name");
	r->body = scalar(d, t, "body");
	r->target = scalar(d, t, "target_commitish");
	r->draft = rk_json_bool(d, rk_json_get(d, t, "draft")) == 1;
	u = scalar(d, t, "upload_url");
	if (u) {
		u[strcspn(u, "{")] = 0; /* ".../assets{?name,label}" */
		r->upload_url = u;
	}
	a = rk_json_get(d, t, "assets");
	if (a >= 0 && rk_json_type(d, a) == RK_JSON_ARRAY) {
		r->assets = rk_xcalloc((size_t)rk_json_len(d, a) + 1, sizeof(*r->assets));
		for (k = rk_json_first(d, a); k >= 0; k = rk_json_next(d, k)) {
			struct rk_forge_asset *x = &r->assets[r->nassets];
			char *sz = scalar(d, k, "size");

			x->id = scalar(d, k, "id");
			x->name = scalar(d, k, "name");
			x->size = sz ? atoll(sz) : -1;
			free(sz);
			if (x->id && x->name)
				r->nassets++;
			else {
				free(x->id);
				free(x->name);
			}
		}
	}
}

void rk_forge_pr_from(const struct rk_json *d, int t, struct rk_forge_pr *pr)
{
	memset(pr, 0, sizeof(*pr));
	pr->id = scalar(d, t, "iid");
	if (!pr->id)
		pr->id = scalar(d, t, "number");
	if (!pr->id)
		pr->id = scalar(d, t, "id");
	pr->url = scalar(d, t, "html_url");
	if (!pr->url)
		pr->url = scalar(d, t, "web_url");
	pr->title = scalar(d, t, "title");
	pr->body = scalar(d, t, "body");
	if (!pr->body)
		pr->body = scalar(d, t, "description");
}

int rk_forge_post_pr(struct rk_forge_client *f, const char *url, const char *json,
		     void (*from)(const struct rk_json *d, int t, struct rk_forge_pr *pr),
		     struct rk_forge_pr *out, struct rk_err *err)
{
	struct rk_json d = RK_JSON_INIT;
	long st = rk_forge_call(f, "POST", url, json, NULL, NULL, &d, err);

	if (st >= 200 && st < 300)
		from(&d, 0, out);
	rk_json_release(&d);
	return st >= 200 && st < 300 && out->id ? 0 : -1;
}

long rk_forge_call(struct rk_forge_client *f, const char *method, const char *url, const char *json,
		   const char *file, const char *ctype, struct rk_json *d, struct rk_err *err)
{
	return rk_forge_call_mem(f, method, url, json, json ? strlen(json) : 0, file, ctype, d,
				 err);
}

long rk_forge_call_mem(struct rk_forge_client *f, const char *method, const char *url,
		       const void *data, size_t len, const char *file, const char *ctype,
		       struct rk_json *d, struct rk_err *err)
{
	const char *json = data;
	struct rk_http_req req;
	struct rk_http_resp resp = RK_HTTP_RESP_INIT;
	struct rk_buf ct = RK_BUF_INIT, show = RK_BUF_INIT;
	const char *hdrs[5];
	int nh = 0;
	long st = -1;

	memset(&req, 0, sizeof(req));
	hdrs[nh++] = "Accept: application/json";
	if (f->header)
		hdrs[nh++] = f->header;
	if (json || file) {
		rk_buf_addf(&ct, "Content-Type: %s", ctype ? ctype : "application/json");
		hdrs[nh++] = ct.data;
	}
	hdrs[nh] = NULL;
	req.method = method;
	req.url = url;
	req.headers = hdrs;
	req.auth = f->auth;
	if (json) {
		req.body = json;
		req.body_len = len;
	}
	req.body_file = file;
	if (rk_http_do(&f->http, &req, &resp, err) < 0)
		goto out;
	st = resp.status;
	rk_http_mask(&resp.body, f->token);
	if (st >= 400) {
		const char *msg = NULL;
		struct rk_json e = RK_JSON_INIT;
		struct rk_err ign;

		if (resp.body.len &&
		    rk_json_parse(&e, resp.body.data, resp.body.len, "<answer>", 1, &ign) == 0 &&
		    rk_json_type(&e, 0) == RK_JSON_OBJECT) {
			msg = rk_json_get_str(&e, 0, "message");
			if (!msg)
				msg = rk_json_get_str(&e, 0, "error");
		}
		rk_http_url_show(url, &show);
		rk_err_set(err, NULL, 0, 0, "%s %s: HTTP %ld%s%s", method, show.data, st,
			   msg ? ": " : "", msg ? msg : "");
		rk_json_release(&e);
		goto out;
	}
	/* the document borrows its text: kept in f->last until the next call */
	rk_buf_release(&f->last);
	f->last = resp.body;
	rk_buf_init(&resp.body);
	if (d && f->last.len &&
	    rk_json_parse(d, f->last.data, f->last.len, "<answer>", 1, err) < 0) {
		rk_http_url_show(url, &show);
		rk_err_set(err, NULL, 0, 0, "%s %s: the answer is not JSON", method, show.data);
		st = -1;
	}
out:
	rk_http_resp_release(&resp);
	rk_buf_release(&ct);
	rk_buf_release(&show);
	return st;
}
