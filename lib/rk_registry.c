/* rk_registry.c - ask, then upload, to a package registry; see rk_registry.h. */
#include "rk_common.h"
#include "rk_registry.h"
#include "rk_targz.h"

#include <ctype.h>
#include <stdlib.h>
#include <unistd.h>

#include "rk_proc.h"
#include "rk_sha256.h"

typedef int (*check_fn)(struct rk_reg *, const char *, const char *, const char *, const char *,
			enum rk_reg_truth *, struct rk_buf *, struct rk_err *);
typedef int (*upload_fn)(struct rk_reg *, const char *, const char *, const char *, const char *,
			 bool *, struct rk_err *);

static const struct {
	const char *kind;
	check_fn check;
	upload_fn upload;
} kinds[] = {
	{"pypi", rk_pypi_check, rk_pypi_upload},
	{"npm", rk_npm_check, rk_npm_upload},
	{"cargo", rk_cargo_check, rk_cargo_upload},
};

static int find_kind(const struct rk_reg *r, struct rk_err *err)
{
	size_t i;

	for (i = 0; r->kind && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i].kind, r->kind) == 0)
			return (int)i;
	return rk_err_set(err, NULL, 0, 0, "unknown registry kind '%s'",
			  r->kind ? r->kind : "(none)");
}

int rk_registry_check(struct rk_reg *r, const char *name, const char *version, const char *file,
		      const char *sha256, enum rk_reg_truth *t, struct rk_buf *theirs,
		      struct rk_err *err)
{
	int k = find_kind(r, err);

	if (k < 0)
		return -1;
	return kinds[k].check(r, name, version, file, sha256, t, theirs, err);
}

const char *rk_registry_base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

void rk_registry_join_url(const char *base, const char *rest, struct rk_buf *out)
{
	size_t n = strlen(base);

	rk_buf_reset(out);
	rk_buf_adds(out, base);
	if (n && base[n - 1] != '/')
		rk_buf_addc(out, '/');
	rk_buf_adds(out, rest);
}

const char *rk_registry_bearer(const struct rk_reg *r, struct rk_buf *out)
{
	rk_buf_reset(out);
	if (!r->token || !*r->token)
		return NULL;
	rk_buf_addf(out, "Bearer %s", r->token);
	return out->data;
}

void rk_registry_wipe(struct rk_buf *b)
{
	if (b->data)
		memset(b->data, 0, b->len);
	rk_buf_release(b);
}

int rk_registry_get(struct rk_reg *r, const char *url, const char *const *headers, const char *auth,
		    struct rk_http_resp *resp, bool *found, struct rk_err *err)
{
	struct rk_http_req req = {0};
	struct rk_buf show = RK_BUF_INIT, a = RK_BUF_INIT;
	int rc = -1;

	*found = false;
	req.method = "GET";
	req.url = url;
	req.headers = headers;
	req.auth = auth;
	if (rk_http_do(&r->http, &req, resp, err) != 0)
		goto out;
	rk_buf_addc(&resp->body, 0);
	resp->body.len--;
	if (resp->status == 404 || resp->status == 410 || resp->status == 451) {
		rc = 0;
	} else if (resp->status == 200) {
		*found = true;
		rc = 0;
	} else {
		rk_http_url_show(url, &show);
		rk_registry_answer(r, resp, &a);
		rk_err_set(err, NULL, 0, 0, "GET %s: %s", show.data, a.data);
	}
out:
	rk_buf_release(&show);
	rk_buf_release(&a);
	return rc;
}

int rk_registry_upload(struct rk_reg *r, const struct rk_http_req *req, const char *what,
		       long cstatus, const char *const *phrases, struct rk_http_resp *resp,
		       bool *conflict, struct rk_err *err)
{
	struct rk_buf show = RK_BUF_INIT, a = RK_BUF_INIT;
	size_t i;
	int rc = -1;

	*conflict = false;
	if (rk_http_do(&r->http, req, resp, err) != 0)
		goto out;
	rk_buf_addc(&resp->body, 0);
	resp->body.len--;
	if (resp->status >= 200 && resp->status < 300) {
		rc = 0;
		goto out;
	}
	for (i = 0; resp->status != 409 && (!cstatus || resp->status == cstatus) && phrases &&
		    phrases[i] && !*conflict;
	     i++)
		*conflict = strstr(resp->body.data, phrases[i]) != NULL;
	if (resp->status == 409 || *conflict) {
		*conflict = true;
		rc = 0;
		goto out;
	}
	rk_http_url_show(req->url, &show);
	rk_registry_answer(r, resp, &a);
	rk_err_set(err, NULL, 0, 0, "%s %s (%s): %s%s", req->method, show.data, what, a.data,
		   resp->status == 401 || resp->status == 403 ? " (check the upload token)" : "");
out:
	rk_buf_release(&show);
	rk_buf_release(&a);
	return rc;
}

static int other_digest(const char *name, const char *version, const char *file, const char *ours,
			const struct rk_buf *theirs, struct rk_err *err)
{
	return rk_err_set(err, NULL, 0, 0,
			  "%s %s is already published with other bytes: the registry has "
			  "%s, %s is %s",
			  name, version, theirs->len ? theirs->data : "(another file)",
			  rk_registry_base_name(file), ours);
}

int rk_registry_publish_file(struct rk_reg *r, const char *name, const char *version,
			     const char *file, enum rk_pub_result *res, struct rk_err *err)
{
	struct rk_buf theirs = RK_BUF_INIT;
	char sum[RK_SHA256_HEX];
	enum rk_reg_truth t;
	bool conflict = false;
	int k = find_kind(r, err), rc = -1;

	if (k < 0)
		return -1;
	if (rk_sha256_file(file, sum) != 0)
		return rk_err_set(err, NULL, 0, 0, "%s: %s", file, strerror(errno));
	if (kinds[k].check(r, name, version, file, sum, &t, &theirs, err) != 0)
		goto out;
	if (t == RK_REG_SAME) {
		*res = RK_PUB_ALREADY;
		rc = 0;
		goto out;
	}
	if (t == RK_REG_OTHER) {
		other_digest(name, version, file, sum, &theirs, err);
		goto out;
	}
	if (r->before_upload && r->before_upload(r->before_ctx, err) != 0)
		goto out;
	if (kinds[k].upload(r, name, version, file, sum, &conflict, err) != 0)
		goto out;
	if (conflict) {
		/* "already exists": the registry's truth decides, as before */
		rk_buf_reset(&theirs);
		if (kinds[k].check(r, name, version, file, sum, &t, &theirs, err) != 0)
			goto out;
		if (t == RK_REG_SAME) {
			*res = RK_PUB_ALREADY;
			rc = 0;
		} else if (t == RK_REG_OTHER) {
			other_digest(name, version, file, sum, &theirs, err);
		} else {
			rk_err_set(err, NULL, 0, 0,
				   "%s %s: the registry answered that it already exists, but "
				   "does not list it",
				   name, version);
		}
		goto out;
	}
	*res = RK_PUB_UPLOADED;
	rc = 0;
out:
	rk_buf_release(&theirs);
	return rc;
}

void rk_cargo_index_path(const char *name, struct rk_buf *out)
{
	size_t n = strlen(name), i;
	char *l = rk_xstrdup(name);

	for (i = 0; i < n; i++)
		l[i] = (char)tolower((unsigned char)l[i]);
	rk_buf_reset(out);
	if (n == 1)
		rk_buf_addf(out, "1/%s", l);
	else if (n == 2)
		rk_buf_addf(out, "2/%s", l);
	else if (n == 3)
		rk_buf_addf(out, "3/%c/%s", l[0], l);
	else
		rk_buf_addf(out, "%.2s/%.2s/%s", l, l + 2, l);
	free(l);
}

int rk_tar_member(const char *tarball, const char *member, struct rk_buf *out, struct rk_err *err)
{
	return rk_targz_member(tarball, member, out,
			       err); /* in-process: no tar + gzip per upload */
}

void rk_registry_answer(const struct rk_reg *r, const struct rk_http_resp *resp, struct rk_buf *out)
{
	struct rk_buf t = RK_BUF_INIT;
	size_t i, n = resp->body.len < 200 ? resp->body.len : 200;

	rk_buf_add(&t, resp->body.data ? resp->body.data : "", n);
	for (i = 0; i < t.len; i++)
		if (t.data[i] == '\n' || t.data[i] == '\r' || t.data[i] == '\t')
			t.data[i] = ' ';
	rk_http_mask(&t, r->token);
	rk_buf_reset(out);
	rk_buf_addf(out, "HTTP %ld", resp->status);
	if (t.len)
		rk_buf_addf(out, ": %s", t.data);
	rk_buf_release(&t);
}
