/* rk_pubcfg.c - RELEASE.star's publish overrides into action params; see rk_pubcfg.h. */
#include "rk_common.h"
#include "rk_pubcfg.h"

#include "rk_glob.h"

enum { F_REGISTRY_URL, F_INDEX_URL, F_REGISTRY, F_TOKEN_ENV, F_TAG, F_N };

/* The config parameter of each field (token is a secret's name). */
static const char *const field_param[F_N] = {"registry_url", "index_url", "registry", "token",
					     "dist_tag"};

struct rk_pubcfg_rule {
	char *eco;
	char *name; /* package rule: the package's name; NULL for a workspace rule */
	char *root; /* workspace rule: its normalized root */
	char *f[F_N];
};

static bool ends_with(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);

	return n > m && !strcmp(s + n - m, suf);
}

static void rule_free(struct rk_pubcfg_rule *r)
{
	int i;

	free(r->eco);
	free(r->name);
	free(r->root);
	for (i = 0; i < F_N; i++)
		free(r->f[i]);
}

int rk_pubcfg_add(struct rk_pubcfg *c, const struct rk_json *d, struct rk_err *err)
{
	const char *rule = rk_json_get_str(d, 0, "rule");
	const char *eco = rk_json_get_str(d, 0, "ecosystem");
	const char *name = rk_json_get_str(d, 0, "name");
	struct rk_pubcfg_rule r;
	bool pkg, any = false;
	int i, t;

	if (!rule)
		return 0;
	if (!strcmp(rule, "release_train")) {
		t = rk_json_get(d, 0, "publish_rate");
		if (t < 0 || rk_json_type(d, t) == RK_JSON_NULL)
			return 0;
		if (rk_json_double(d, t, &c->rate) < 0 || !(c->rate >= 0))
			return rk_err_set(
				err, NULL, 0, 0,
				"release_train: publish_rate must be a number not below 0");
		c->has_rate = c->rate > 0;
		return 0;
	}
	pkg = ends_with(rule, "_package");
	if ((!pkg && !ends_with(rule, "_workspace")) || !eco || !name)
		return 0;
	memset(&r, 0, sizeof(r));
	for (i = 0; i < F_N; i++) {
		t = rk_json_get(d, 0, field_param[i]);
		if (t < 0 || rk_json_type(d, t) == RK_JSON_NULL)
			continue;
		if (i == F_TOKEN_ENV) {
			const char *sec = rk_json_type(d, t) == RK_JSON_OBJECT
						  ? rk_json_get_str(d, t, "secret")
						  : NULL;

			if (!sec || !*sec) {
				rule_free(&r);
				return rk_err_set(
					err, NULL, 0, 0,
					"%s '%s': token must be secret(\"NAME\"), never the "
					"token itself",
					rule, name);
			}
			r.f[i] = rk_xstrdup(sec);
		} else if (rk_json_type(d, t) != RK_JSON_STRING || !*rk_json_str(d, t)) {
			rule_free(&r);
			return rk_err_set(err, NULL, 0, 0, "%s '%s': %s must be a non-empty string",
					  rule, name, field_param[i]);
		} else {
			r.f[i] = rk_xstrdup(rk_json_str(d, t));
		}
		any = true;
	}
	if (!any)
		return 0;
	r.eco = rk_xstrdup(eco);
	if (pkg) {
		r.name = rk_xstrdup(name);
	} else {
		const char *root = rk_json_get_str(d, 0, "root");

		r.root = rk_xstrdup(root && *root ? root : ".");
		if (rk_path_normalize(r.root) < 0 || !*r.root) {
			rule_free(&r);
			return rk_err_set(err, NULL, 0, 0,
					  "%s '%s': root is outside the repository", rule, name);
		}
	}
	RK_GROW(c->v, c->cap, c->n + 1);
	c->v[c->n++] = r;
	return 0;
}

void rk_pubcfg_target(const struct rk_pubcfg *c, const char *ecosystem, const char *name,
		      const char *workspace, const char *channel, struct rk_pub_target *t)
{
	const char *f[F_N] = {NULL}, *ws[F_N] = {NULL};
	size_t k;
	int i;

	memset(t, 0, sizeof(*t));
	/* the last rule of each kind wins, as in rk-config (hybrid mode keeps one) */
	for (k = 0; k < c->n; k++) {
		const struct rk_pubcfg_rule *r = &c->v[k];
		const char **dst;

		if (strcmp(r->eco, ecosystem))
			continue;
		if (r->name && !strcmp(r->name, name))
			dst = f;
		else if (r->root && workspace && !strcmp(r->root, workspace))
			dst = ws;
		else
			continue;
		for (i = 0; i < F_N; i++)
			if (r->f[i])
				dst[i] = r->f[i];
	}
	for (i = 0; i < F_N; i++)
		if (!f[i])
			f[i] = ws[i];
	t->registry_url = f[F_REGISTRY_URL];
	t->index_url = f[F_INDEX_URL];
	t->registry = f[F_REGISTRY];
	t->token_env = f[F_TOKEN_ENV];
	t->tag = f[F_TAG];
	t->channel = channel;
	t->rate = c->rate;
	t->has_rate = c->has_rate;
}

void rk_pub_target_write(struct rk_jw *w, const struct rk_pub_target *t, bool upload)
{
	if (t->registry_url)
		rk_jw_kstr(w, "registry_url", t->registry_url);
	if (t->index_url)
		rk_jw_kstr(w, "index_url", t->index_url);
	if (t->registry)
		rk_jw_kstr(w, "registry", t->registry);
	if (t->tag)
		rk_jw_kstr(w, "tag", t->tag);
	if (t->channel)
		rk_jw_kstr(w, "channel", t->channel);
	if (!upload)
		return;
	if (t->token_env)
		rk_jw_kstr(w, "token_env", t->token_env);
	if (t->has_rate) {
		rk_jw_key(w, "rate");
		rk_jw_double(w, t->rate);
	}
}

void rk_pubcfg_release(struct rk_pubcfg *c)
{
	size_t k;

	for (k = 0; k < c->n; k++)
		rule_free(&c->v[k]);
	free(c->v);
	memset(c, 0, sizeof(*c));
}
