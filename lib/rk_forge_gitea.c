/*
 * rk_forge_gitea.c - Gitea and Forgejo by their REST API (/api/v1; see
 * rk_forge.h). Releases and pull requests take GitHub's shapes
 * (rk_forge_gh.h); what differs:
 *   POST   /repos/O/R/releases/ID/assets?name=N  (raw body, application/octet-stream)
 *   DELETE /repos/O/R/releases/ID/assets/ASSET
 *   GET    /repos/O/R/pulls?state=open&limit=50&page=N  (filtered by head.ref here:
 *          Gitea has no head= filter)
 * Authorization: "token T".
 * Gitea publishes a draft itself when it syncs a pushed tag of that name
 * (in its queue, after the push): the release action, which runs after the
 * tag's push, may find the release published already and then only adds
 * the assets; with release_draft it waits for that sync and puts the
 * release back to a draft (tag_push_publishes; rk_exec_forge.c).
 */
#include "rk_common.h"

#include "rk_forge.h"
#include "rk_forge_gh.h"

static void gitea_api(const char *scheme, const char *host, struct rk_buf *out)
{
	rk_buf_addf(out, "%s://%s/api/v1", scheme, host);
}

static void gitea_auth(const char *token, struct rk_buf *out)
{
	rk_buf_addf(out, "token %s", token);
}

static void repo_url(const struct rk_forge_client *f, struct rk_buf *u)
{
	rk_forge_repo_url(f, "repos", u);
}

static int gitea_upload(struct rk_forge_client *f, const struct rk_forge_release *r,
			const char *path, const char *name, struct rk_err *err)
{
	struct rk_buf u = RK_BUF_INIT;
	long st;

	repo_url(f, &u);
	rk_forge_path(&u, "releases", r->id, "assets", NULL);
	rk_buf_adds(&u, "?name=");
	rk_forge_esc(name, &u);
	st = rk_forge_call(f, "POST", u.data, NULL, path, "application/octet-stream", NULL, err);
	rk_buf_release(&u);
	return st >= 200 && st < 300 ? 0 : -1;
}

static int gitea_delete_asset(struct rk_forge_client *f, const struct rk_forge_release *r,
			      const struct rk_forge_asset *a, struct rk_err *err)
{
	struct rk_buf u = RK_BUF_INIT;
	int rc;

	repo_url(f, &u);
	rk_forge_path(&u, "releases", r->id, "assets", a->id, NULL);
	rc = rk_forge_send(f, "DELETE", u.data, NULL, err);
	rk_buf_release(&u);
	return rc;
}

static int gitea_find_pr(struct rk_forge_client *f, const char *head, const char *base,
			 struct rk_forge_pr *out, struct rk_err *err)
{
	struct rk_buf u = RK_BUF_INIT;
	int page, rc = 0;

	for (page = 1; page <= 100 && rc == 0; page++) {
		struct rk_json d = RK_JSON_INIT;
		long st;

		rk_buf_reset(&u);
		repo_url(f, &u);
		rk_buf_addf(&u, "/pulls?state=open&limit=50&page=%d", page);
		st = rk_forge_call(f, "GET", u.data, NULL, NULL, NULL, &d, err);
		if (st < 200 || st >= 300)
			rc = -1;
		else
			rc = rk_forge_gh_pick_pr(&d, head, base, out);
		if (rc == 0 && (rk_json_type(&d, 0) != RK_JSON_ARRAY || rk_json_len(&d, 0) == 0))
			page = 1000;
		rk_json_release(&d);
	}
	rk_buf_release(&u);
	return rc;
}

const struct rk_forge_ops rk_forge_gitea = {
	.name = "gitea",
	.token_env = "GITEA_TOKEN",
	.drafts = true,
	.api_base = gitea_api,
	.auth = gitea_auth,
	.find_release = rk_forge_gh_find_release,
	.create_release = rk_forge_gh_create_release,
	.update_release = rk_forge_gh_update_release,
	.upload_asset = gitea_upload,
	.delete_asset = gitea_delete_asset,
	.find_pr = gitea_find_pr,
	.create_pr = rk_forge_gh_create_pr,
	.update_pr = rk_forge_gh_update_pr,
	.close_pr = rk_forge_gh_close_pr,
	.tag_push_publishes = true,
	.compare_link = "%1$s/compare/%3$s...%2$s",
	.tag_link = "%1$s/releases/tag/%2$s",
};
