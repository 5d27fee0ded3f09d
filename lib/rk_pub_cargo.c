/* rk_pub_cargo.c - cargo: build with `cargo package`, publish to the crate's registry; see rk_pubops.h. */
#include "rk_common.h"
#include "rk_pubops.h"

#include <ctype.h>

#include "rk_glob.h"
#include "rk_json.h"
#include "rk_toml.h"

/* The registry the crate names in `publish = ["NAME"]`, or NULL. */
static char *publish_registry(const struct rk_pub_pkg *p)
{
	struct rk_buf path = RK_BUF_INIT;
	struct rk_err e = {0};
	struct rk_toml_doc *doc;
	const struct rk_toml_value *pub;
	char *name = NULL;

	if (p->registry)
		return rk_xstrdup(p->registry);
	rk_buf_addf(&path, "%s/%s", p->root, p->manifest);
	doc = rk_toml_parse_file(path.data, &e);
	pub = doc ? rk_toml_path(rk_toml_root(doc), "package", "publish", NULL) : NULL;
	if (pub && rk_toml_type(pub) == RK_TOML_ARRAY && rk_toml_len(pub) > 0 &&
	    rk_toml_str(rk_toml_at(pub, 0)))
		name = rk_xstrdup(rk_toml_str(rk_toml_at(pub, 0)));
	rk_toml_free(doc);
	rk_buf_release(&path);
	return name;
}

/* The names of the crates p's manifest reaches through path dependencies
 * (normal, build, and dev ones that carry a version: those cargo package
 * keeps), transitively, appended to names (each once). dir: the manifest's
 * directory relative to root. */
static void path_deps(const char *root, const char *dir, const char *ws,
		      const struct rk_toml_value *wsdeps, char ***names, size_t *n, size_t *cap,
		      int depth)
{
	static const char *const secs[] = {"dependencies", "build-dependencies",
					   "dev-dependencies"};
	struct rk_buf path = RK_BUF_INIT;
	struct rk_err e = {0};
	struct rk_toml_doc *doc;
	const struct rk_toml_value *rt, *nm;
	size_t s, i, k;

	rk_buf_addf(&path, "%s/%s/Cargo.toml", root, dir);
	doc = depth < 64 ? rk_toml_parse_file(path.data, &e) : NULL;
	rt = doc ? rk_toml_root(doc) : NULL;
	nm = rt ? rk_toml_path(rt, "package", "name", NULL) : NULL;
	if (depth > 0 && nm && rk_toml_str(nm)) {
		for (k = 0; k < *n; k++)
			if (strcmp((*names)[k], rk_toml_str(nm)) == 0)
				break;
		if (k < *n)
			goto out; /* seen */
		rk_grow((void **)names, cap, *n + 1, sizeof(**names));
		(*names)[(*n)++] = rk_xstrdup(rk_toml_str(nm));
	}
	for (s = 0; rt && s < 3; s++) {
		const struct rk_toml_value *tab = rk_toml_get(rt, secs[s]);

		for (i = 0; tab && rk_toml_type(tab) == RK_TOML_TABLE && i < rk_toml_len(tab);
		     i++) {
			const struct rk_toml_value *d = rk_toml_at(tab, i), *w = d;
			const char *pp = rk_toml_str(rk_toml_get(d, "path")), *base = dir;
			struct rk_buf sub = RK_BUF_INIT, key = RK_BUF_INIT;
			int inherit = 0;

			/* name = { workspace = true }: the path is the workspace's */
			if (!pp && rk_toml_get(d, "workspace") &&
			    rk_toml_bool(rk_toml_get(d, "workspace"), &inherit) == 0 && inherit &&
			    wsdeps) {
				rk_buf_add(&key, rk_toml_key_at(tab, i),
					   rk_toml_key_len_at(tab, i));
				w = rk_toml_get(wsdeps, key.data);
				pp = rk_toml_str(rk_toml_get(w, "path"));
				base = ws;
			}
			rk_buf_release(&key);
			if (!pp || (s == 2 && !rk_toml_get(w, "version")))
				continue;
			rk_buf_addf(&sub, "%s/%s", base, pp);
			rk_path_normalize(sub.data);
			sub.len = strlen(sub.data);
			path_deps(root, sub.data, ws, wsdeps, names, n, cap, depth + 1);
			rk_buf_release(&sub);
		}
	}
out:
	rk_toml_free(doc);
	rk_buf_release(&path);
}

static int cargo_build(const struct rk_pub_pkg *p, const char *dist, struct rk_err *err)
{
	struct rk_buf cwd = RK_BUF_INIT, tgt = RK_BUF_INIT, crate = RK_BUF_INIT, to = RK_BUF_INIT,
		      data = RK_BUF_INIT;
	char *reg = publish_registry(p);
	char **argv, **deps = NULL;
	size_t ndeps = 0, dcap = 0, i;
	int n = 0, rc = -1;

	/* the crates it reaches by path are packaged with it: cargo resolves
	 * them from its local overlay, not from the registry (where they may
	 * not be yet); only this crate's file is taken */
	{
		struct rk_buf wp = RK_BUF_INIT;
		struct rk_err we = {0};
		struct rk_toml_doc *wd = NULL;

		if (p->workspace) {
			rk_buf_addf(&wp, "%s/%s/Cargo.toml", p->root, p->workspace);
			wd = rk_toml_parse_file(wp.data, &we);
		}
		path_deps(p->root, p->path, p->workspace ? p->workspace : p->path,
			  wd ? rk_toml_path(rk_toml_root(wd), "workspace", "dependencies", NULL)
			     : NULL,
			  &deps, &ndeps, &dcap, 0);
		rk_toml_free(wd);
		rk_buf_release(&wp);
	}
	argv = rk_xcalloc(12 + 2 * ndeps, sizeof(*argv));
	rk_buf_addf(&cwd, "%s/%s", p->root, p->workspace ? p->workspace : p->path);
	rk_buf_addf(&tgt, "%s/.releasekit/cargo-target", p->root);
	argv[n++] = (char *)"cargo";
	argv[n++] = (char *)"package";
	argv[n++] = (char *)"-p";
	argv[n++] = (char *)p->name;
	argv[n++] = (char *)"--no-verify";
	argv[n++] = (char *)"--allow-dirty";
	argv[n++] = (char *)"--target-dir";
	argv[n++] = tgt.data;
	if (reg) {
		argv[n++] = (char *)"--registry";
		argv[n++] = reg;
	}
	for (i = 0; i < ndeps; i++) {
		argv[n++] = (char *)"-p";
		argv[n++] = deps[i];
	}
	argv[n] = NULL;
	if (rk_pub_run(argv, cwd.data, 1800, err) != 0)
		goto out;
	rk_buf_addf(&crate, "%s/package/%s-%s.crate", tgt.data, p->name, p->version);
	rk_buf_addf(&to, "%s/%s-%s.crate", dist, p->name, p->version);
	if (rk_buf_read_file(&data, crate.data) != 0) {
		rk_err_set(err, NULL, 0, 0,
			   "%s: %s (cargo package made no crate of version %s: is the "
			   "manifest's version the release's?)",
			   crate.data, strerror(errno), p->version);
		goto out;
	}
	if (rk_write_file_atomic(to.data, data.data, data.len, 0644) != 0) {
		rk_err_set(err, NULL, 0, 0, "%s: %s", to.data, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	for (i = 0; i < ndeps; i++)
		free(deps[i]);
	free(deps);
	free(argv);
	free(reg);
	rk_buf_release(&cwd);
	rk_buf_release(&tgt);
	rk_buf_release(&crate);
	rk_buf_release(&to);
	rk_buf_release(&data);
	return rc;
}

/* CARGO_REGISTRIES_<NAME>_<WHAT>, the name upper-cased with '-' as '_'. */
static const char *reg_env(const char *name, const char *what, struct rk_buf *tmp)
{
	const char *c;

	rk_buf_reset(tmp);
	rk_buf_adds(tmp, "CARGO_REGISTRIES_");
	for (c = name; *c; c++)
		rk_buf_addc(tmp, *c == '-' ? '_' : (char)toupper((unsigned char)*c));
	rk_buf_addf(tmp, "_%s", what);
	return rk_pub_env(tmp->data);
}

/* [registries.NAME].KEY (or, name NULL, [registry].KEY) from a TOML file. */
static bool toml_reg_get(const char *file, const char *name, const char *key,
			 struct rk_pub_keep *keep, const char **out)
{
	struct rk_err e = {0};
	struct rk_toml_doc *doc = rk_is_file(file) ? rk_toml_parse_file(file, &e) : NULL;
	const struct rk_toml_value *v;

	if (!doc)
		return false;
	v = name ? rk_toml_path(rk_toml_root(doc), "registries", name, key, NULL)
		 : rk_toml_path(rk_toml_root(doc), "registry", key, NULL);
	if (v && rk_toml_str(v))
		*out = rk_pub_keep(keep, rk_toml_str(v));
	rk_toml_free(doc);
	return *out != NULL;
}

static int cargo_target(const struct rk_pub_pkg *p, struct rk_reg *r, struct rk_pub_keep *keep,
			struct rk_err *err)
{
	struct rk_buf tmp = RK_BUF_INIT, f = RK_BUF_INIT, cfg = RK_BUF_INIT;
	char *reg = publish_registry(p);
	const char *home = rk_pub_env("CARGO_HOME"), *tok = NULL;
	const char *dirs[4];
	int i, nd = 0, rc = -1;
	bool found;

	r->kind = "cargo";
	r->index = rk_pub_keep(keep, p->index_url);
	r->url = rk_pub_keep(keep, p->registry_url);
	dirs[nd++] = p->path;
	if (p->workspace)
		dirs[nd++] = p->workspace;
	dirs[nd++] = ".";
	if (!reg || strcmp(reg, "crates-io") == 0) {
		if (!r->index)
			r->index = "sparse+https://index.crates.io/";
		if (!r->url)
			r->url = "https://crates.io";
	} else if (!r->index) {
		r->index = rk_pub_keep(keep, reg_env(reg, "INDEX", &tmp));
		for (i = 0; i < nd && !r->index; i++) {
			rk_buf_reset(&f);
			rk_buf_addf(&f, "%s/%s/.cargo/config.toml", p->root, dirs[i]);
			toml_reg_get(f.data, reg, "index", keep, &r->index);
		}
		if (!r->index && home) {
			rk_buf_reset(&f);
			rk_buf_addf(&f, "%s/config.toml", home);
			toml_reg_get(f.data, reg, "index", keep, &r->index);
		}
		if (!r->index) {
			rk_err_set(err, NULL, 0, 0,
				   "%s: publish = [\"%s\"], but no index for the registry '%s' "
				   "(.cargo/config.toml [registries.%s] index, or %s)",
				   p->manifest, reg, reg, reg,
				   (reg_env(reg, "INDEX", &tmp), tmp.data));
			goto out;
		}
	}
	if (!r->url) {
		/* the API's URL is in the index's config.json */
		struct rk_json d;

		rk_json_init(&d);
		if (rk_cargo_index_read(r, "config.json", &cfg, &found, err) != 0) {
			rk_json_release(&d);
			goto out;
		}
		if (found && rk_json_parse(&d, cfg.data ? cfg.data : "", cfg.len, "config.json", 1,
					   err) == 0)
			r->url = rk_pub_keep(keep, rk_json_get_str(&d, 0, "api"));
		rk_json_release(&d);
		if (!r->url) {
			rk_err_set(err, NULL, 0, 0,
				   "cargo: the index %s has no \"api\" in its config.json: the "
				   "registry does not take uploads",
				   r->index);
			goto out;
		}
	}
	if (p->token_env)
		tok = rk_pub_env(p->token_env);
	if (!tok && reg && strcmp(reg, "crates-io") != 0)
		tok = reg_env(reg, "TOKEN", &tmp);
	if (!tok && (!reg || strcmp(reg, "crates-io") == 0))
		tok = rk_pub_env("CARGO_REGISTRY_TOKEN");
	if (tok)
		r->token = rk_pub_keep(keep, tok);
	if (!tok && home) {
		rk_buf_reset(&f);
		rk_buf_addf(&f, "%s/credentials.toml", home);
		toml_reg_get(f.data, reg && strcmp(reg, "crates-io") != 0 ? reg : NULL, "token",
			     keep, &r->token);
	}
	rc = 0;
out:
	free(reg);
	rk_buf_release(&tmp);
	rk_buf_release(&f);
	rk_buf_release(&cfg);
	return rc;
}

static bool cargo_is_artifact(const char *f)
{
	size_t n = strlen(f);

	return n > 6 && strcmp(f + n - 6, ".crate") == 0;
}

const struct rk_pubops rk_pub_cargo = {"cargo", "cargo", cargo_build, cargo_target,
				       cargo_is_artifact};
