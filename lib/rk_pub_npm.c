/* rk_pub_npm.c - npm (pnpm, npm): build with `pnpm pack`/`npm pack`, publish per publishConfig and .npmrc; see rk_pubops.h. */
#include "rk_common.h"
#include "rk_pubops.h"

#include "rk_json.h"

static int npm_build(const struct rk_pub_pkg *p, const char *dist, struct rk_err *err)
{
	struct rk_buf cwd = RK_BUF_INIT;
	const char *tool = p->manager && strcmp(p->manager, "pnpm") == 0 ? "pnpm" : "npm";
	char *argv[] = {(char *)tool, (char *)"pack", (char *)"--pack-destination", (char *)dist,
			NULL};
	int rc;

	rk_buf_addf(&cwd, "%s/%s", p->root, p->path);
	rc = rk_pub_run(argv, cwd.data, 900, err);
	rk_buf_release(&cwd);
	return rc;
}

/* ${VAR} in an .npmrc value, from the environment. */
static void expand(const char *v, struct rk_buf *out)
{
	rk_buf_reset(out);
	while (*v) {
		if (v[0] == '$' && v[1] == '{' && strchr(v, '}')) {
			const char *e = strchr(v, '}');
			char *name = rk_xstrndup(v + 2, (size_t)(e - v - 2));
			const char *val = getenv(name);

			rk_buf_adds(out, val ? val : "");
			free(name);
			v = e + 1;
		} else {
			rk_buf_addc(out, *v++);
		}
	}
	if (!out->data)
		rk_buf_adds(out, "");
}

/* Look key up in an .npmrc file; the expanded value into out. */
static bool npmrc_get(const char *file, const char *key, struct rk_buf *out)
{
	struct rk_buf b = RK_BUF_INIT;
	size_t i = 0, kl = strlen(key);
	bool found = false;

	if (!file || rk_buf_read_file(&b, file) != 0) {
		rk_buf_release(&b);
		return false;
	}
	while (i < b.len && !found) {
		size_t e = i;
		char *line;
		const char *s;

		while (e < b.len && b.data[e] != '\n')
			e++;
		line = rk_xstrndup(b.data + i, e - i);
		line[strcspn(line, "\r")] = 0;
		s = line + strspn(line, " \t");
		if (strncmp(s, key, kl) == 0) {
			const char *q = s + kl;

			q += strspn(q, " \t");
			if (*q == '=') {
				q++;
				q += strspn(q, " \t");
				expand(q, out);
				while (out->len && (out->data[out->len - 1] == ' ' ||
						    out->data[out->len - 1] == '\t'))
					out->data[--out->len] = 0;
				found = true;
			}
		}
		free(line);
		i = e + 1;
	}
	rk_buf_release(&b);
	return found;
}

static int npm_target(const struct rk_pub_pkg *p, struct rk_reg *r, struct rk_pub_keep *keep,
		      struct rk_err *err)
{
	struct rk_buf rcs[3] = {RK_BUF_INIT, RK_BUF_INIT, RK_BUF_INIT}, v = RK_BUF_INIT,
		      k = RK_BUF_INIT, pj = RK_BUF_INIT, path = RK_BUF_INIT;
	const char *user = rk_pub_env("npm_config_userconfig"), *u, *tok = NULL;
	struct rk_json d;
	int i;

	rk_json_init(&d);
	r->kind = "npm";
	rk_buf_addf(&rcs[0], "%s/%s/.npmrc", p->root, p->path);
	rk_buf_addf(&rcs[1], "%s/.npmrc", p->root);
	if (!user)
		user = rk_pub_env("NPM_CONFIG_USERCONFIG");
	if (user)
		rk_buf_adds(&rcs[2], user);
	else if (getenv("HOME"))
		rk_buf_addf(&rcs[2], "%s/.npmrc", getenv("HOME"));
	r->url = rk_pub_keep(keep, p->registry_url);
	r->tag = rk_pub_keep(keep, p->tag);
	rk_buf_addf(&path, "%s/%s", p->root, p->manifest);
	if (rk_buf_read_file(&pj, path.data) == 0 &&
	    rk_json_parse(&d, pj.data ? pj.data : "", pj.len, p->manifest, 1, err) == 0) {
		int pc = rk_json_get(&d, 0, "publishConfig");

		if (!r->url)
			r->url = rk_pub_keep(keep, rk_json_get_str(&d, pc, "registry"));
		if (!r->tag)
			r->tag = rk_pub_keep(keep, rk_json_get_str(&d, pc, "tag"));
	}
	if (!r->url && p->name[0] == '@' && strchr(p->name, '/')) {
		rk_buf_add(&k, p->name, (size_t)(strchr(p->name, '/') - p->name));
		rk_buf_adds(&k, ":registry");
		for (i = 0; i < 3 && !r->url; i++)
			if (rcs[i].len && npmrc_get(rcs[i].data, k.data, &v))
				r->url = rk_pub_keep(keep, v.data);
	}
	if (!r->url)
		r->url = rk_pub_keep(keep, rk_pub_env("npm_config_registry"));
	if (!r->url)
		r->url = rk_pub_keep(keep, rk_pub_env("NPM_CONFIG_REGISTRY"));
	for (i = 0; i < 3 && !r->url; i++)
		if (rcs[i].len && npmrc_get(rcs[i].data, "registry", &v))
			r->url = rk_pub_keep(keep, v.data);
	if (!r->url)
		r->url = "https://registry.npmjs.org/";
	if (p->token_env)
		tok = rk_pub_env(p->token_env);
	if (!tok)
		tok = rk_pub_env("NPM_TOKEN");
	if (!tok) {
		/* //host[:port]/path/:_authToken= for the registry */
		u = strstr(r->url, "://");
		rk_buf_reset(&k);
		rk_buf_adds(&k, u ? u + 1 : r->url);
		if (k.len && k.data[k.len - 1] != '/')
			rk_buf_addc(&k, '/');
		rk_buf_adds(&k, ":_authToken");
		for (i = 0; i < 3 && !tok; i++)
			if (rcs[i].len && npmrc_get(rcs[i].data, k.data, &v) && v.len)
				tok = rk_pub_keep(keep, v.data);
	}
	r->token = tok ? rk_pub_keep(keep, tok) : NULL;
	if (v.data)
		memset(v.data, 0, v.len);
	rk_json_release(&d);
	for (i = 0; i < 3; i++)
		rk_buf_release(&rcs[i]);
	rk_buf_release(&v);
	rk_buf_release(&k);
	rk_buf_release(&pj);
	rk_buf_release(&path);
	return 0;
}

static bool npm_is_artifact(const char *f)
{
	size_t n = strlen(f);

	return n > 4 && strcmp(f + n - 4, ".tgz") == 0;
}

const struct rk_pubops rk_pub_npm = {"npm", "npm", npm_build, npm_target, npm_is_artifact};
