/*
 * rk_forge_gitlab.c - GitLab (gitlab.com and self-hosted) by its REST API
 * v4 (see rk_forge.h); :id is the project's path, %-encoded. Requests:
 *   GET    /projects/:id/releases/:tag            (404: none)
 *   POST   /projects/:id/releases  {tag_name,name,description}
 *   PUT    /projects/:id/releases/:tag  {description}
 *   POST   /projects/:id/uploads  (multipart/form-data, field "file")
 *   POST   /projects/:id/releases/:tag/assets/links  {name,url}
 *   DELETE /projects/:id/releases/:tag/assets/links/:link
 *   GET    /projects/:id/merge_requests?state=opened&source_branch=H&target_branch=B
 *   POST   /projects/:id/merge_requests  {source_branch,target_branch,title,description}
 *   PUT    /projects/:id/merge_requests/:iid  {title,description} | {state_event:"close"}
 * GitLab has no draft releases (upcoming_release/released_at is a
 * published release with a future date, not a hidden one): the draft
 * action skips GitLab and the release is created complete at the end (the
 * release action runs after the package's verify and the tag's push);
 * "draft" and "target" are ignored. Asset links carry no size: a link of the same name is there.
 */
#include "rk_common.h"

#include "rk_forge.h"

static void gl_api(const char *scheme, const char *host, struct rk_buf *out)
{
	rk_buf_addf(out, "%s://%s/api/v4", scheme, host);
}

static void gl_auth(const char *token, struct rk_buf *out)
{
	rk_buf_addf(out, "Bearer %s", token);
}

static void proj(const struct rk_forge_client *f, struct rk_buf *u)
{
	rk_buf_addf(u, "%s/projects/%s", f->api, f->project);
}

static void rel_from(const struct rk_json *d, int t, struct rk_forge_release *r)
{
	int a = rk_json_get(d, t, "assets"), l = a >= 0 ? rk_json_get(d, a, "links") : -1, k;
	const char *s;

	memset(r, 0, sizeof(*r));
	s = rk_json_get_str(d, t, "tag_name");
	r->tag = s ? rk_xstrdup(s) : NULL;
	r->id = s ? rk_xstrdup(s) : NULL;
	s = rk_json_get_str(d, t, "description");
	r->body = s ? rk_xstrdup(s) : NULL;
	if (l >= 0 && rk_json_type(d, l) == RK_JSON_ARRAY) {
		r->assets = rk_xcalloc((size_t)rk_json_len(d, l) + 1, sizeof(*r->assets));
		for (k = rk_json_first(d, l); k >= 0; k = rk_json_next(d, k)) {
			long long id;
			const char *name = rk_json_get_str(d, k, "name");
			struct rk_buf b = RK_BUF_INIT;

			if (rk_json_int(d, rk_json_get(d, k, "id"), &id) != 0 || !name)
				continue;
			rk_buf_addf(&b, "%lld", id);
			r->assets[r->nassets].id = rk_buf_detach(&b, NULL);
			r->assets[r->nassets].name = rk_xstrdup(name);
			r->assets[r->nassets].size = -1;
			r->nassets++;
		}
	}
}

static int gl_find_release(struct rk_forge_client *f, const char *tag, struct rk_forge_release *out,
			   struct rk_err *err)
{
	struct rk_buf u = RK_BUF_INIT;
	struct rk_json d = RK_JSON_INIT;
	long st;
	int rc;

	proj(f, &u);
	rk_buf_adds(&u, "/releases/");
	rk_forge_esc(tag, &u);
	st = rk_forge_call(f, "GET", u.data, NULL, NULL, NULL, &d, err);
	if (st == 404)
		rc = 0;
	else if (st < 200 || st >= 300)
		rc = -1;
	else {
		rel_from(&d, 0, out);
		rc = 1;
	}
	rk_json_release(&d);
	rk_buf_release(&u);
	return rc;
}

static int gl_create_release(struct rk_forge_client *f, const char *tag, const char *title,
			     const char *notes, const char *target, bool draft,
			     struct rk_forge_release *out, struct rk_err *err)
{
	const char *kv[] = {"tag_name", tag, "name", title, "description", notes};
	struct rk_buf u = RK_BUF_INIT, b = RK_BUF_INIT;
	struct rk_json d = RK_JSON_INIT;
	long st;

	(void)draft;
	(void)target; /* "ref" would make the tag: the tag is pushed by then */
	proj(f, &u);
	rk_forge_path(&u, "releases", NULL);
	rk_forge_jobj(&b, kv, RK_ARRAY_SIZE(kv));
	st = rk_forge_call(f, "POST", u.data, b.data, NULL, NULL, &d, err);
	if (st >= 200 && st < 300)
		rel_from(&d, 0, out);
	rk_json_release(&d);
	rk_buf_release(&u);
	rk_buf_release(&b);
	return st >= 200 && st < 300 && out->id ? 0 : -1;
}

static int gl_update_release(struct rk_forge_client *f, struct rk_forge_release *r,
			     const char *notes, int draft, struct rk_err *err)
{
	const char *kv[] = {"description", notes};
	struct rk_buf u = RK_BUF_INIT, b = RK_BUF_INIT;
	int rc;

	if (!notes) { /* no drafts to publish */
		if (draft >= 0)
			r->draft = draft;
		return 0;
	}
	proj(f, &u);
	rk_forge_path(&u, "releases", r->tag, NULL);
	rk_forge_jobj(&b, kv, RK_ARRAY_SIZE(kv));
	rc = rk_forge_send(f, "PUT", u.data, b.data, err);
	rk_buf_release(&u);
	rk_buf_release(&b);
	return rc;
}

static int gl_upload(struct rk_forge_client *f, const struct rk_forge_release *r, const char *path,
		     const char *name, struct rk_err *err)
{
	struct rk_buf u = RK_BUF_INIT, link = RK_BUF_INIT, lb = RK_BUF_INIT;
	struct rk_json d = RK_JSON_INIT;
	const char *kv[] = {"name", NULL, "url", NULL};
	const char *fp;
	long st;
	int rc = -1;

	proj(f, &u);
	rk_forge_path(&u, "uploads", NULL);
	st = rk_forge_post_file(f, u.data, "file", path, name, &d, err);
	if (st < 200 || st >= 300)
		goto out;
	fp = rk_json_get_str(&d, 0, "full_path");
	if (!fp) {
		rk_err_set(err, NULL, 0, 0, "POST %s: no full_path in the answer", u.data);
		goto out;
	}
	/* the link: the instance's web root (the API base without /api/v4) + full_path */
	rk_buf_adds(&link, f->api);
	if (link.len > 7 && !strcmp(link.data + link.len - 7, "/api/v4"))
		rk_buf_truncate(&link, link.len - 7);
	rk_buf_adds(&link, fp);
	rk_buf_reset(&u);
	proj(f, &u);
	rk_forge_path(&u, "releases", r->tag, "assets", "links", NULL);
	kv[1] = name;
	kv[3] = link.data;
	rk_forge_jobj(&lb, kv, RK_ARRAY_SIZE(kv));
	rc = rk_forge_send(f, "POST", u.data, lb.data, err);
out:
	rk_json_release(&d);
	rk_buf_release(&u);
	rk_buf_release(&link);
	rk_buf_release(&lb);
	return rc;
}

static int gl_delete_asset(struct rk_forge_client *f, const struct rk_forge_release *r,
			   const struct rk_forge_asset *a, struct rk_err *err)
{
	struct rk_buf u = RK_BUF_INIT;
	int rc;

	proj(f, &u);
	rk_forge_path(&u, "releases", r->tag, "assets", "links", a->id, NULL);
	rc = rk_forge_send(f, "DELETE", u.data, NULL, err);
	rk_buf_release(&u);
	return rc;
}

static int gl_find_pr(struct rk_forge_client *f, const char *head, const char *base,
		      struct rk_forge_pr *out, struct rk_err *err)
{
	struct rk_buf u = RK_BUF_INIT;
	struct rk_json d = RK_JSON_INIT;
	long st;
	int rc = 0, t;

	proj(f, &u);
	rk_buf_adds(&u, "/merge_requests?state=opened&source_branch=");
	rk_forge_esc(head, &u);
	rk_buf_adds(&u, "&target_branch=");
	rk_forge_esc(base, &u);
	st = rk_forge_call(f, "GET", u.data, NULL, NULL, NULL, &d, err);
	if (st < 200 || st >= 300)
		rc = -1;
	else if (rk_json_type(&d, 0) == RK_JSON_ARRAY)
		for (t = rk_json_first(&d, 0); t >= 0 && !rc; t = rk_json_next(&d, t)) {
			const char *sb = rk_json_get_str(&d, t, "source_branch");

			if (sb && !strcmp(sb, head)) {
				rk_forge_pr_from(&d, t, out);
				rc = 1;
			}
		}
	rk_json_release(&d);
	rk_buf_release(&u);
	return rc;
}

static int gl_create_pr(struct rk_forge_client *f, const char *head, const char *base,
			const char *title, const char *body, struct rk_forge_pr *out,
			struct rk_err *err)
{
	const char *kv[] = {"source_branch", head,  "target_branch", base,
			    "title",	     title, "description",   body};
	struct rk_buf u = RK_BUF_INIT, b = RK_BUF_INIT;
	int rc;

	proj(f, &u);
	rk_forge_path(&u, "merge_requests", NULL);
	rk_forge_jobj(&b, kv, RK_ARRAY_SIZE(kv));
	rc = rk_forge_post_pr(f, u.data, b.data, rk_forge_pr_from, out, err);
	rk_buf_release(&u);
	rk_buf_release(&b);
	return rc;
}

static int gl_put_pr(struct rk_forge_client *f, const struct rk_forge_pr *pr, const char *title,
		     const char *body, bool close, struct rk_err *err)
{
	const char *kv[] = {"title", title,	    "description",
			    body,    "state_event", close ? "close" : NULL};
	struct rk_buf u = RK_BUF_INIT, b = RK_BUF_INIT;
	int rc;

	proj(f, &u);
	rk_forge_path(&u, "merge_requests", pr->id, NULL);
	rk_forge_jobj(&b, kv, RK_ARRAY_SIZE(kv));
	rc = rk_forge_send(f, "PUT", u.data, b.data, err);
	rk_buf_release(&u);
	rk_buf_release(&b);
	return rc;
}

static int gl_update_pr(struct rk_forge_client *f, const struct rk_forge_pr *pr, const char *title,
			const char *body, struct rk_err *err)
{
	return gl_put_pr(f, pr, title, body, false, err);
}

static int gl_close_pr(struct rk_forge_client *f, const struct rk_forge_pr *pr, struct rk_err *err)
{
	return gl_put_pr(f, pr, NULL, NULL, true, err);
}

const struct rk_forge_ops rk_forge_gitlab = {
	.name = "gitlab",
	.token_env = "GITLAB_TOKEN",
	.api_base = gl_api,
	.auth = gl_auth,
	.find_release = gl_find_release,
	.create_release = gl_create_release,
	.update_release = gl_update_release,
	.upload_asset = gl_upload,
	.delete_asset = gl_delete_asset,
	.find_pr = gl_find_pr,
	.create_pr = gl_create_pr,
	.update_pr = gl_update_pr,
	.close_pr = gl_close_pr,
	.compare_link = "%1$s/-/compare/%3$s...%2$s",
	.tag_link = "%1$s/-/tags/%2$s",
};
