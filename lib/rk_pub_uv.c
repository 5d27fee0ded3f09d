/* rk_pub_uv.c - python (uv): build with `uv build`, publish to the uv index's publish-url; see rk_pubops.h. */
#include "rk_common.h"
#include "rk_pubops.h"

#include "rk_toml.h"

static int uv_build(const struct rk_pub_pkg *p, const char *dist, struct rk_err *err)
{
	struct rk_buf cwd = RK_BUF_INIT, src = RK_BUF_INIT;
	int rc;

	if (p->workspace) {
		char *argv[] = {(char *)"uv",
				(char *)"build",
				(char *)"--package",
				(char *)p->name,
				(char *)"--out-dir",
				(char *)dist,
				(char *)"--no-progress",
				NULL};

		rk_buf_addf(&cwd, "%s/%s", p->root, p->workspace);
		rc = rk_pub_run(argv, cwd.data, 1800, err);
	} else {
		char *argv[] = {(char *)"uv", (char *)"build",	       NULL, (char *)"--out-dir",
				(char *)dist, (char *)"--no-progress", NULL};

		rk_buf_addf(&src, "%s/%s", p->root, p->path);
		argv[2] = src.data;
		rc = rk_pub_run(argv, p->root, 1800, err);
	}
	rk_buf_release(&cwd);
	rk_buf_release(&src);
	return rc;
}

/* The first [[tool.uv.index]] with a publish-url in file (relative to root):
 * url and publish-url into r. */
static void uv_index_from(const struct rk_pub_pkg *p, const char *rel, struct rk_reg *r,
			  struct rk_pub_keep *keep)
{
	struct rk_buf path = RK_BUF_INIT;
	struct rk_err e = {0};
	struct rk_toml_doc *doc;
	const struct rk_toml_value *idx;
	size_t i;

	rk_buf_addf(&path, "%s/%s", p->root, rel);
	doc = rk_is_file(path.data) ? rk_toml_parse_file(path.data, &e) : NULL;
	idx = doc ? rk_toml_path(rk_toml_root(doc), "tool", "uv", "index", NULL) : NULL;
	for (i = 0; idx && rk_toml_type(idx) == RK_TOML_ARRAY && i < rk_toml_len(idx); i++) {
		const struct rk_toml_value *e1 = rk_toml_at(idx, i);
		const char *pub = rk_toml_str(rk_toml_get(e1, "publish-url"));

		if (!pub)
			continue;
		if (!r->url)
			r->url = rk_pub_keep(keep, pub);
		if (!r->index)
			r->index = rk_pub_keep(keep, rk_toml_str(rk_toml_get(e1, "url")));
		break;
	}
	rk_toml_free(doc);
	rk_buf_release(&path);
}

static int uv_target(const struct rk_pub_pkg *p, struct rk_reg *r, struct rk_pub_keep *keep,
		     struct rk_err *err)
{
	struct rk_buf ws = RK_BUF_INIT, simple = RK_BUF_INIT;
	const char *tok;

	(void)err;
	r->kind = "pypi";
	r->url = rk_pub_keep(keep, p->registry_url);
	r->index = rk_pub_keep(keep, p->index_url);
	if (!r->url)
		r->url = rk_pub_keep(keep, rk_pub_env("UV_PUBLISH_URL"));
	uv_index_from(p, p->manifest, r, keep);
	if (p->workspace) {
		rk_buf_addf(&ws, "%s/pyproject.toml", p->workspace);
		uv_index_from(p, ws.data, r, keep);
	}
	if (!r->url) {
		r->url = "https://upload.pypi.org/legacy/";
		if (!r->index)
			r->index = "https://pypi.org/simple/";
	}
	if (!r->index) {
		const char *d = rk_pub_env("UV_DEFAULT_INDEX");

		if (!d)
			d = rk_pub_env("UV_INDEX_URL");
		if (!d) {
			/* pypiserver and devpi-style servers: /simple/ under the upload URL */
			rk_buf_adds(&simple, r->url);
			if (simple.len && simple.data[simple.len - 1] != '/')
				rk_buf_addc(&simple, '/');
			rk_buf_adds(&simple, "simple/");
			d = simple.data;
		}
		r->index = rk_pub_keep(keep, d);
	}
	tok = p->token_env ? rk_pub_env(p->token_env) : NULL;
	if (!tok)
		tok = rk_pub_env("UV_PUBLISH_TOKEN");
	if (!tok)
		tok = rk_pub_env("UV_PUBLISH_PASSWORD");
	r->token = rk_pub_keep(keep, tok);
	rk_buf_release(&ws);
	rk_buf_release(&simple);
	return 0;
}

static bool uv_is_artifact(const char *f)
{
	size_t n = strlen(f);

	return (n > 4 && strcmp(f + n - 4, ".whl") == 0) ||
	       (n > 7 && strcmp(f + n - 7, ".tar.gz") == 0);
}

const struct rk_pubops rk_pub_uv = {"python", "pypi", uv_build, uv_target, uv_is_artifact};
