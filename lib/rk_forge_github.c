/*
 * rk_forge_github.c - GitHub (github.com and Enterprise) by its REST API
 * (see rk_forge.h). Requests:
 *   GET    /repos/O/R/releases?per_page=100&page=N   find a tag's release
 *          (drafts have no tag lookup: /releases/tags/T does not show them)
 *   POST   /repos/O/R/releases  {tag_name,target_commitish?,name,body,draft}
 *          (a draft may name a tag not pushed yet: target_commitish is the
 *          commit it will name; the tag is pushed before it is published)
 *   PATCH  /repos/O/R/releases/ID  {body?,draft?,target_commitish? (back to a draft)}
 *   POST   <upload_url>?name=N  (uploads.github.com; application/octet-stream)
 *   DELETE /repos/O/R/releases/assets/ASSET
 *   GET    /repos/O/R/pulls?state=open&head=O:BRANCH&base=BASE
 *   POST   /repos/O/R/pulls  {title,head,base,body}
 *   PATCH  /repos/O/R/pulls/N  {title,body} | {state:"closed"}
 * The GitHub-shaped calls are shared with Gitea (rk_forge_gitea.c), whose
 * API follows the same shapes.
 */
#include "rk_common.h"

#include <strings.h>

#include "rk_forge.h"
#include "rk_forge_gh.h"

static void gh_api(const char *scheme, const char *host, struct rk_buf *out)
{
	if (!strcasecmp(host, "github.com"))
		rk_buf_adds(out, "https://api.github.com");
	else
		rk_buf_addf(out, "%s://%s/api/v3", scheme, host);
}

static void gh_auth(const char *token, struct rk_buf *out)
{
	rk_buf_addf(out, "Bearer %s", token);
}

static void repo_url(const struct rk_forge_client *f, struct rk_buf *u)
{
	rk_forge_repo_url(f, "repos", u);
}

int rk_forge_gh_find_release(struct rk_forge_client *f, const char *tag,
			     struct rk_forge_release *out, struct rk_err *err)
{
	struct rk_buf u = RK_BUF_INIT;
	int page, rc = 0;

	for (page = 1; page <= 100 && rc == 0; page++) {
		struct rk_json d = RK_JSON_INIT;
		long st;
		int t, n = 0;

		rk_buf_reset(&u);
		repo_url(f, &u);
		rk_buf_addf(&u, "/releases?per_page=100&limit=50&page=%d", page);
		st = rk_forge_call(f, "GET", u.data, NULL, NULL, NULL, &d, err);
		if (st < 0 || st >= 400) {
			rc = -1;
		} else if (rk_json_type(&d, 0) == RK_JSON_ARRAY) {
			for (t = rk_json_first(&d, 0); t >= 0; t = rk_json_next(&d, t), n++) {
				const char *tn = rk_json_get_str(&d, t, "tag_name");

				if (tn && !strcmp(tn, tag)) {
					rk_forge_release_from_gh(&d, t, out);
					rc = 1;
					break;
				}
			}
		}
		rk_json_release(&d);
		if (n == 0)
			break;
	}
	rk_buf_release(&u);
	return rc;
}

int rk_forge_gh_create_release(struct rk_forge_client *f, const char *tag, const char *title,
			       const char *notes, const char *target, bool draft,
			       struct rk_forge_release *out, struct rk_err *err)
{
	struct rk_buf u = RK_BUF_INIT, body = RK_BUF_INIT;
	struct rk_json d = RK_JSON_INIT;
	struct rk_jw w;
	long st;

	repo_url(f, &u);
	rk_buf_adds(&u, "/releases");
	rk_jw_init(&w, &body);
	rk_jw_obj(&w);
	rk_jw_kstr(&w, "tag_name", tag);
	if (target)
		rk_jw_kstr(&w, "target_commitish", target);
	rk_jw_kstr(&w, "name", title);
	rk_jw_kstr(&w, "body", notes);
	rk_jw_kbool(&w, "draft", draft);
	rk_jw_kbool(&w, "prerelease", 0);
	rk_jw_obj_end(&w);
	st = rk_forge_call(f, "POST", u.data, body.data, NULL, NULL, &d, err);
	if (st >= 200 && st < 300)
		rk_forge_release_from_gh(&d, 0, out);
	rk_json_release(&d);
	rk_buf_release(&u);
	rk_buf_release(&body);
	return st >= 200 && st < 300 && out->id ? 0 : -1;
}

int rk_forge_gh_update_release(struct rk_forge_client *f, struct rk_forge_release *r,
			       const char *notes, int draft, struct rk_err *err)
{
	struct rk_buf u = RK_BUF_INIT, body = RK_BUF_INIT;
	struct rk_jw w;
	int rc;

	repo_url(f, &u);
	rk_forge_path(&u, "releases", r->id, NULL);
	rk_jw_init(&w, &body);
	rk_jw_obj(&w);
	if (notes)
		rk_jw_kstr(&w, "body", notes);
	if (draft >= 0)
		rk_jw_kbool(&w, "draft", draft);
	if (draft == 1 && r->tag)
		rk_jw_kstr(&w, "target_commitish", r->tag);
	rk_jw_obj_end(&w);
	rc = rk_forge_send(f, "PATCH", u.data, body.data, err);
	rk_buf_release(&u);
	rk_buf_release(&body);
	if (rc < 0)
		return -1;
	if (draft >= 0)
		r->draft = draft;
	if (draft == 1 && r->tag) {
		free(r->target);
		r->target = rk_xstrdup(r->tag);
	}
	return 0;
}

static int gh_upload(struct rk_forge_client *f, const struct rk_forge_release *r, const char *path,
		     const char *name, struct rk_err *err)
{
	struct rk_buf u = RK_BUF_INIT;
	long st;

	if (r->upload_url) {
		rk_buf_adds(&u, r->upload_url);
	} else {
		repo_url(f, &u);
		rk_buf_addf(&u, "/releases/%s/assets", r->id);
	}
	rk_buf_adds(&u, "?name=");
	rk_forge_esc(name, &u);
	st = rk_forge_call(f, "POST", u.data, NULL, path, "application/octet-stream", NULL, err);
	rk_buf_release(&u);
	return st >= 200 && st < 300 ? 0 : -1;
}

static int gh_delete_asset(struct rk_forge_client *f, const struct rk_forge_release *r,
			   const struct rk_forge_asset *a, struct rk_err *err)
{
	struct rk_buf u = RK_BUF_INIT;
	int rc;

	(void)r;
	repo_url(f, &u);
	rk_forge_path(&u, "releases", "assets", a->id, NULL);
	rc = rk_forge_send(f, "DELETE", u.data, NULL, err);
	rk_buf_release(&u);
	return rc;
}

/* The first open pull request in array d whose head.ref is head (and base.ref base). */
int rk_forge_gh_pick_pr(const struct rk_json *d, const char *head, const char *base,
			struct rk_forge_pr *out)
{
	int t;

	if (rk_json_type(d, 0) != RK_JSON_ARRAY)
		return 0;
	for (t = rk_json_first(d, 0); t >= 0; t = rk_json_next(d, t)) {
		int h = rk_json_get(d, t, "head"), b = rk_json_get(d, t, "base");
		const char *hr = h >= 0 ? rk_json_get_str(d, h, "ref") : NULL;
		const char *br = b >= 0 ? rk_json_get_str(d, b, "ref") : NULL;
		const char *state = rk_json_get_str(d, t, "state");

		if (hr && !strcmp(hr, head) && (!base || (br && !strcmp(br, base))) &&
		    (!state || !strcmp(state, "open"))) {
			rk_forge_pr_from(d, t, out);
			return 1;
		}
	}
	return 0;
}

static int gh_find_pr(struct rk_forge_client *f, const char *head, const char *base,
		      struct rk_forge_pr *out, struct rk_err *err)
{
	struct rk_buf u = RK_BUF_INIT;
	struct rk_json d = RK_JSON_INIT;
	long st;
	int rc;

	repo_url(f, &u);
	rk_buf_adds(&u, "/pulls?state=open&per_page=100&head=");
	rk_forge_esc(f->owner, &u);
	rk_buf_adds(&u, "%3A");
	rk_forge_esc(head, &u);
	rk_buf_adds(&u, "&base=");
	rk_forge_esc(base, &u);
	st = rk_forge_call(f, "GET", u.data, NULL, NULL, NULL, &d, err);
	rc = st < 200 || st >= 300 ? -1 : rk_forge_gh_pick_pr(&d, head, base, out);
	rk_json_release(&d);
	rk_buf_release(&u);
	return rc;
}

int rk_forge_gh_create_pr(struct rk_forge_client *f, const char *head, const char *base,
			  const char *title, const char *body, struct rk_forge_pr *out,
			  struct rk_err *err)
{
	const char *kv[] = {"title", title, "head", head, "base", base, "body", body};
	struct rk_buf u = RK_BUF_INIT, b = RK_BUF_INIT;
	int rc;

	repo_url(f, &u);
	rk_forge_path(&u, "pulls", NULL);
	rk_forge_jobj(&b, kv, RK_ARRAY_SIZE(kv));
	rc = rk_forge_post_pr(f, u.data, b.data, rk_forge_pr_from, out, err);
	rk_buf_release(&u);
	rk_buf_release(&b);
	return rc;
}

static int gh_patch_pr(struct rk_forge_client *f, const struct rk_forge_pr *pr, const char *title,
		       const char *body, const char *state, struct rk_err *err)
{
	const char *kv[] = {"title", title, "body", body, "state", state};
	struct rk_buf u = RK_BUF_INIT, b = RK_BUF_INIT;
	int rc;

	repo_url(f, &u);
	rk_forge_path(&u, "pulls", pr->id, NULL);
	rk_forge_jobj(&b, kv, RK_ARRAY_SIZE(kv));
	rc = rk_forge_send(f, "PATCH", u.data, b.data, err);
	rk_buf_release(&u);
	rk_buf_release(&b);
	return rc;
}

int rk_forge_gh_update_pr(struct rk_forge_client *f, const struct rk_forge_pr *pr,
			  const char *title, const char *body, struct rk_err *err)
{
	return gh_patch_pr(f, pr, title, body, NULL, err);
}

int rk_forge_gh_close_pr(struct rk_forge_client *f, const struct rk_forge_pr *pr,
			 struct rk_err *err)
{
	return gh_patch_pr(f, pr, NULL, NULL, "closed", err);
}

const struct rk_forge_ops rk_forge_github = {
	.name = "github",
	.token_env = "GITHUB_TOKEN",
	.drafts = true,
	.api_base = gh_api,
	.auth = gh_auth,
	.find_release = rk_forge_gh_find_release,
	.create_release = rk_forge_gh_create_release,
	.update_release = rk_forge_gh_update_release,
	.upload_asset = gh_upload,
	.delete_asset = gh_delete_asset,
	.find_pr = gh_find_pr,
	.create_pr = rk_forge_gh_create_pr,
	.update_pr = rk_forge_gh_update_pr,
	.close_pr = rk_forge_gh_close_pr,
	.compare_link = "%1$s/compare/%3$s...%2$s",
	.tag_link = "%1$s/releases/tag/%2$s",
};
