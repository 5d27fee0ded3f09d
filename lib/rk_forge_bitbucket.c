/*
 * rk_forge_bitbucket.c - Bitbucket Cloud by its REST API 2.0 (see
 * rk_forge.h). Bitbucket has no release pages: a tag's "release" is the
 * repository's Downloads area (its notes stay in CHANGELOG.md; no_notes),
 * and the pull request flow is its pull requests. Requests:
 *   GET    /repositories/W/R/downloads?pagelen=100 (following "next")
 *   POST   /repositories/W/R/downloads  (multipart/form-data, field "files")
 *   DELETE /repositories/W/R/downloads/NAME
 *   GET    /repositories/W/R/pullrequests?state=OPEN&q=source.branch.name="H"
 *   POST   /repositories/W/R/pullrequests
 *          {title,description,source:{branch:{name}},destination:{branch:{name}}}
 *   PUT    /repositories/W/R/pullrequests/ID  {title,description}
 *   POST   /repositories/W/R/pullrequests/ID/decline
 */
#include "rk_common.h"

#include "rk_forge.h"

static void bb_api(const char *scheme, const char *host, struct rk_buf *out)
{
	(void)scheme;
	(void)host;
	rk_buf_adds(out, "https://api.bitbucket.org/2.0");
}

static void bb_auth(const char *token, struct rk_buf *out)
{
	rk_buf_addf(out, "Bearer %s", token);
}

static void repo_url(const struct rk_forge_client *f, struct rk_buf *u)
{
	rk_forge_repo_url(f, "repositories", u);
}

static int bb_find_release(struct rk_forge_client *f, const char *tag, struct rk_forge_release *out,
			   struct rk_err *err)
{
	struct rk_buf u = RK_BUF_INIT;
	size_t cap = 0;
	int pages, rc = 1;

	memset(out, 0, sizeof(*out));
	out->id = rk_xstrdup(tag);
	out->tag = rk_xstrdup(tag);
	repo_url(f, &u);
	rk_buf_adds(&u, "/downloads?pagelen=100");
	for (pages = 0; pages < 100 && u.len; pages++) {
		struct rk_json d = RK_JSON_INIT;
		long st = rk_forge_call(f, "GET", u.data, NULL, NULL, NULL, &d, err);
		int v, k;
		const char *next;

		if (st < 200 || st >= 300) {
			rc = -1;
			rk_json_release(&d);
			break;
		}
		v = rk_json_get(&d, 0, "values");
		for (k = v >= 0 ? rk_json_first(&d, v) : -1; k >= 0; k = rk_json_next(&d, k)) {
			const char *name = rk_json_get_str(&d, k, "name");
			long long size = -1;

			if (!name)
				continue;
			rk_json_int(&d, rk_json_get(&d, k, "size"), &size);
			RK_GROW(out->assets, cap, out->nassets + 1);
			out->assets[out->nassets].id = rk_xstrdup(name);
			out->assets[out->nassets].name = rk_xstrdup(name);
			out->assets[out->nassets].size = size;
			out->nassets++;
		}
		next = rk_json_get_str(&d, 0, "next");
		rk_buf_reset(&u);
		if (next && !strncmp(next, f->api, strlen(f->api)))
			rk_buf_adds(&u, next); /* never follow a link to another host */
		rk_json_release(&d);
	}
	rk_buf_release(&u);
	return rc;
}

static int bb_create_release(struct rk_forge_client *f, const char *tag, const char *title,
			     const char *notes, const char *target, bool draft,
			     struct rk_forge_release *out, struct rk_err *err)
{
	(void)target;
	(void)title;
	(void)notes;
	(void)draft;
	return bb_find_release(f, tag, out, err) < 0 ? -1 : 0;
}

static int bb_update_release(struct rk_forge_client *f, struct rk_forge_release *r,
			     const char *notes, int draft, struct rk_err *err)
{
	(void)f;
	(void)notes;
	(void)err;
	if (draft >= 0)
		r->draft = draft;
	return 0;
}

static int bb_upload(struct rk_forge_client *f, const struct rk_forge_release *r, const char *path,
		     const char *name, struct rk_err *err)
{
	struct rk_buf u = RK_BUF_INIT;
	long st;

	(void)r;
	repo_url(f, &u);
	rk_forge_path(&u, "downloads", NULL);
	st = rk_forge_post_file(f, u.data, "files", path, name, NULL, err);
	rk_buf_release(&u);
	return st >= 200 && st < 300 ? 0 : -1;
}

static int bb_delete_asset(struct rk_forge_client *f, const struct rk_forge_release *r,
			   const struct rk_forge_asset *a, struct rk_err *err)
{
	struct rk_buf u = RK_BUF_INIT;
	int rc;

	(void)r;
	repo_url(f, &u);
	rk_forge_path(&u, "downloads", a->name, NULL);
	rc = rk_forge_send(f, "DELETE", u.data, NULL, err);
	rk_buf_release(&u);
	return rc;
}

static void pr_from(const struct rk_json *d, int t, struct rk_forge_pr *pr)
{
	int l = rk_json_get(d, t, "links"), h = l >= 0 ? rk_json_get(d, l, "html") : -1;
	const char *href = h >= 0 ? rk_json_get_str(d, h, "href") : NULL;

	rk_forge_pr_from(d, t, pr);
	if (!pr->url && href)
		pr->url = rk_xstrdup(href);
}

static const char *branch_of(const struct rk_json *d, int t, const char *side)
{
	int s = rk_json_get(d, t, side), b = s >= 0 ? rk_json_get(d, s, "branch") : -1;

	return b >= 0 ? rk_json_get_str(d, b, "name") : NULL;
}

static int bb_find_pr(struct rk_forge_client *f, const char *head, const char *base,
		      struct rk_forge_pr *out, struct rk_err *err)
{
	struct rk_buf u = RK_BUF_INIT, q = RK_BUF_INIT;
	struct rk_json d = RK_JSON_INIT;
	long st;
	int rc = 0, v, t;

	rk_buf_addf(&q, "source.branch.name=\"%s\"", head);
	repo_url(f, &u);
	rk_buf_adds(&u, "/pullrequests?state=OPEN&pagelen=50&q=");
	rk_forge_esc(q.data, &u);
	st = rk_forge_call(f, "GET", u.data, NULL, NULL, NULL, &d, err);
	v = st < 200 || st >= 300 ? -1 : rk_json_get(&d, 0, "values");
	if (st < 200 || st >= 300)
		rc = -1;
	else if (v >= 0)
		for (t = rk_json_first(&d, v); t >= 0 && !rc; t = rk_json_next(&d, t)) {
			const char *sb = branch_of(&d, t, "source"),
				   *db = branch_of(&d, t, "destination");

			if (sb && !strcmp(sb, head) && (!db || !strcmp(db, base))) {
				pr_from(&d, t, out);
				rc = 1;
			}
		}
	rk_json_release(&d);
	rk_buf_release(&u);
	rk_buf_release(&q);
	return rc;
}

static void branch_obj(struct rk_jw *w, const char *key, const char *name)
{
	rk_jw_key(w, key);
	rk_jw_obj(w);
	rk_jw_key(w, "branch");
	rk_jw_obj(w);
	rk_jw_kstr(w, "name", name);
	rk_jw_obj_end(w);
	rk_jw_obj_end(w);
}

static int bb_create_pr(struct rk_forge_client *f, const char *head, const char *base,
			const char *title, const char *body, struct rk_forge_pr *out,
			struct rk_err *err)
{
	struct rk_buf u = RK_BUF_INIT, b = RK_BUF_INIT;
	struct rk_jw w;
	int rc;

	repo_url(f, &u);
	rk_forge_path(&u, "pullrequests", NULL);
	rk_jw_init(&w, &b);
	rk_jw_obj(&w);
	rk_jw_kstr(&w, "title", title);
	rk_jw_kstr(&w, "description", body);
	branch_obj(&w, "source", head);
	branch_obj(&w, "destination", base);
	rk_jw_obj_end(&w);
	rc = rk_forge_post_pr(f, u.data, b.data, pr_from, out, err);
	rk_buf_release(&u);
	rk_buf_release(&b);
	return rc;
}

static int bb_update_pr(struct rk_forge_client *f, const struct rk_forge_pr *pr, const char *title,
			const char *body, struct rk_err *err)
{
	const char *kv[] = {"title", title, "description", body};
	struct rk_buf u = RK_BUF_INIT, b = RK_BUF_INIT;
	int rc;

	repo_url(f, &u);
	rk_forge_path(&u, "pullrequests", pr->id, NULL);
	rk_forge_jobj(&b, kv, RK_ARRAY_SIZE(kv));
	rc = rk_forge_send(f, "PUT", u.data, b.data, err);
	rk_buf_release(&u);
	rk_buf_release(&b);
	return rc;
}

static int bb_close_pr(struct rk_forge_client *f, const struct rk_forge_pr *pr, struct rk_err *err)
{
	struct rk_buf u = RK_BUF_INIT;
	int rc;

	repo_url(f, &u);
	rk_forge_path(&u, "pullrequests", pr->id, "decline", NULL);
	rc = rk_forge_send(f, "POST", u.data, "{}", err);
	rk_buf_release(&u);
	return rc;
}

const struct rk_forge_ops rk_forge_bitbucket = {
	.name = "bitbucket",
	.token_env = "BITBUCKET_TOKEN",
	.no_notes = true,
	.api_base = bb_api,
	.auth = bb_auth,
	.find_release = bb_find_release,
	.create_release = bb_create_release,
	.update_release = bb_update_release,
	.upload_asset = bb_upload,
	.delete_asset = bb_delete_asset,
	.find_pr = bb_find_pr,
	.create_pr = bb_create_pr,
	.update_pr = bb_update_pr,
	.close_pr = bb_close_pr,
	.compare_link = "%1$s/branches/compare/%2$s%%0D%3$s",
	.tag_link = "%1$s/src/%2$s",
};
