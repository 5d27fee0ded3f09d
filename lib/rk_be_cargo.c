/*
 * rk_be_cargo.c - the cargo backend: Cargo.toml.
 *
 * Version: [package] version, or, when the package says
 * version.workspace = true, [workspace.package] version of the workspace
 * root manifest (the package's workspace directory, else the nearest
 * Cargo.toml above it that has a [workspace] table).
 *
 * Dependencies: every dependency table ([dependencies],
 * [dev-dependencies], [build-dependencies], their target.'cfg'.*
 * variants, and [workspace.dependencies] of a workspace root), written as
 * a string (dep = "0.3"), an inline table (dep = { version = "0.3", path =
 * "../dep" }) or a table ([dependencies.dep]); a renamed dependency (other
 * = { package = "dep", ... }) counts as dep. An entry with workspace = true
 * is rewritten in the workspace root's [workspace.dependencies]. An entry
 * without a version (path only) is left alone by WIDEN; a pin adds
 * `version = "=V"` to it (cargo publish needs one), except in
 * dev-dependencies, which cargo publish drops when they have no version.
 *
 * Publishing: cargo package -p NAME; publish = [..], .cargo/config.toml
 * registries, CARGO_REGISTRIES_<NAME>_*, credentials.toml. Poll: the
 * sparse or git index (rk_poll_check_cargo); smoke test: rk_smoke_cargo.
 */
#include "rk_common.h"
#include "rk_pubops.h"
#include <ctype.h>
#include "rk_glob.h"
#include "rk_json.h"
#include "rk_toml.h"

#include "rk_be.h"
#include "rk_poll.h"
#include "rk_smoke.h"
#include "rk_spec.h"

/* The workspace root manifest of p (relative to root), malloc'd; NULL with err. */
static char *workspace_manifest(const struct rk_be_pkg *p, struct rk_edits *ed, struct rk_err *err)
{
	char *dir;

	if (p->workspace)
		return rk_be_join(p->workspace, "Cargo.toml");
	{
		/* a root package that is its workspace's root too */
		struct rk_edit *e = rk_edits_get(ed, p->root, p->manifest, err);
		struct rk_toml_doc *doc = e ? rk_be_toml(e, err) : NULL;
		bool ws = doc && rk_toml_get(rk_toml_root(doc), "workspace");

		rk_toml_free(doc);
		if (!doc)
			return NULL;
		if (ws)
			return rk_xstrdup(e->path);
	}
	dir = rk_be_join(p->path, "");
	for (;;) {
		char *slash = strrchr(dir, '/'), *m;
		struct rk_buf full = RK_BUF_INIT;

		if (!strcmp(dir, ".") || !*dir) {
			free(dir);
			break;
		}
		if (slash)
			*slash = '\0';
		else
			dir[0] = '\0';
		m = rk_be_join(dir, "Cargo.toml");
		rk_buf_addf(&full, "%s/%s", p->root, m);
		if (rk_is_file(full.data)) {
			struct rk_edit *e = rk_edits_get(ed, p->root, m, err);
			struct rk_toml_doc *doc = e ? rk_be_toml(e, err) : NULL;
			bool ws = doc && rk_toml_get(rk_toml_root(doc), "workspace");

			rk_toml_free(doc);
			rk_buf_release(&full);
			if (!e || !doc) {
				free(m);
				free(dir);
				return NULL;
			}
			if (ws) {
				free(dir);
				return m;
			}
		} else {
			rk_buf_release(&full);
		}
		free(m);
		if (!*dir) {
			free(dir);
			break;
		}
	}
	rk_be_fail(err, "%s: version.workspace = true but no workspace root manifest above it",
		   p->manifest);
	return NULL;
}

static bool is_true(const struct rk_toml_value *v)
{
	int b;
	return rk_toml_bool(v, &b) == 0 && b;
}

/* The version's edit and (re-parsed) value; *docp must be freed. */
static int version_value(const struct rk_be_pkg *p, struct rk_edits *ed, struct rk_edit **ep,
			 struct rk_toml_doc **docp, const struct rk_toml_value **vp,
			 struct rk_err *err)
{
	struct rk_edit *e = rk_edits_get(ed, p->root, p->manifest, err);
	struct rk_toml_doc *doc;
	const struct rk_toml_value *pkg, *v;
	char *wsm;

	*docp = NULL;
	doc = e ? rk_be_toml(e, err) : NULL;
	if (!doc)
		return -1;
	pkg = rk_toml_get(rk_toml_root(doc), "package");
	v = rk_toml_get(pkg, "version");
	if (!pkg) {
		rk_toml_free(doc);
		return rk_be_fail(err, "%s: no [package] table", p->manifest);
	}
	if (!v) {
		rk_toml_free(doc);
		return rk_be_fail(err, "%s: no package.version", p->manifest);
	}
	if (rk_toml_type(v) == RK_TOML_STRING) {
		*ep = e;
		*docp = doc;
		*vp = v;
		return 0;
	}
	if (rk_toml_type(v) != RK_TOML_TABLE || !is_true(rk_toml_get(v, "workspace"))) {
		long line = rk_toml_span(v).line;
		rk_toml_free(doc);
		return rk_be_fail(
			err, "%s:%ld: package.version must be a string or { workspace = true }",
			p->manifest, line);
	}
	rk_toml_free(doc);
	wsm = workspace_manifest(p, ed, err);
	if (!wsm)
		return -1;
	e = rk_edits_get(ed, p->root, wsm, err);
	doc = e ? rk_be_toml(e, err) : NULL;
	if (!doc) {
		free(wsm);
		return -1;
	}
	v = rk_toml_path(rk_toml_root(doc), "workspace", "package", "version", NULL);
	if (rk_toml_type(v) != RK_TOML_STRING) {
		rk_toml_free(doc);
		rk_be_fail(err, "%s: no string [workspace.package] version (inherited by %s)", wsm,
			   p->manifest);
		free(wsm);
		return -1;
	}
	free(wsm);
	*ep = e;
	*docp = doc;
	*vp = v;
	return 0;
}

/*
 * The version where version_value finds it (the package's, or the
 * workspace's it inherits), the one lookup of read_version and
 * write_version: copied to *out when set is NULL, else set to set
 * (nothing when it is already set).
 */
static int cargo_version(const struct rk_be_pkg *p, struct rk_edits *ed, const char *set,
			 char **out, struct rk_err *err)
{
	struct rk_edit *e;
	struct rk_toml_doc *doc;
	const struct rk_toml_value *v;

	if (version_value(p, ed, &e, &doc, &v, err) < 0)
		return -1;
	if (!set)
		*out = rk_xstrdup(rk_toml_str(v));
	else if (strcmp(rk_toml_str(v), set))
		rk_be_toml_set(e, doc, v, set);
	rk_toml_free(doc);
	return 0;
}

static int cargo_read_version(const struct rk_be_pkg *p, struct rk_edits *ed, char **out,
			      struct rk_err *err)
{
	return cargo_version(p, ed, NULL, out, err);
}

static int cargo_write_version(const struct rk_be_pkg *p, const char *version, struct rk_edits *ed,
			       struct rk_err *err)
{
	return cargo_version(p, ed, version, NULL, err);
}

/* ---- dependency specifiers ---- */

static void dep_tables(const struct rk_toml_value *root, bool ws_only,
		       const struct rk_toml_value **v, bool *dev, size_t *n, size_t max)
{
	static const char *const kinds[] = {"dependencies", "dev-dependencies", "dev_dependencies",
					    "build-dependencies", "build_dependencies"};
	const struct rk_toml_value *t;

	*n = 0;
#define PUSH(x, d)                                                                                 \
	do {                                                                                       \
		if (rk_toml_type(x) == RK_TOML_TABLE && *n < max) {                                \
			dev[*n] = (d);                                                             \
			v[(*n)++] = (x);                                                           \
		}                                                                                  \
	} while (0)
	PUSH(rk_toml_path(root, "workspace", "dependencies", NULL), false);
	if (ws_only)
		return;
	for (size_t k = 0; k < RK_ARRAY_SIZE(kinds); k++)
		PUSH(rk_toml_get(root, kinds[k]), k == 1 || k == 2);
	t = rk_toml_get(root, "target");
	for (size_t i = 0; rk_toml_type(t) == RK_TOML_TABLE && i < rk_toml_len(t); i++)
		for (size_t k = 0; k < RK_ARRAY_SIZE(kinds); k++)
			PUSH(rk_toml_get(rk_toml_at(t, i), kinds[k]), k == 1 || k == 2);
#undef PUSH
}

/*
 * A pin for a dependency written without a version (path only): cargo
 * publish needs one, so `version = "..."` is added to its inline table or
 * under its [dependencies.name] header. 1 added, 0 not possible (dotted keys).
 */
static int add_version(struct rk_edit *e, const struct rk_toml_doc *doc,
		       const struct rk_toml_value *v, const char *spec)
{
	struct rk_toml_span sp = rk_toml_span(v);
	struct rk_buf t = RK_BUF_INIT;
	const char *s = e->after.data;
	size_t at;

	if (rk_toml_is_inline(v)) {
		size_t close = sp.end - 1, k = close;

		while (k > sp.start + 1 && (s[k - 1] == ' ' || s[k - 1] == '\t'))
			k--;
		at = k;
		rk_buf_adds(&t, s[k - 1] == '{' ? " version = " : ", version = ");
		rk_toml_quote(&t, spec, strlen(spec));
		if (s[k - 1] == '{')
			rk_buf_addc(&t, ' ');
	} else if (sp.end > sp.start && s[sp.start] == '[') {
		const char *nl = memchr(s + sp.end, '\n', e->after.len - sp.end);
		bool crlf = nl && nl > s && nl[-1] == '\r';

		if (!nl) {
			at = e->after.len;
			rk_buf_adds(&t, "\n");
		} else {
			at = (size_t)(nl - s) + 1;
		}
		rk_buf_adds(&t, "version = ");
		rk_toml_quote(&t, spec, strlen(spec));
		rk_buf_adds(&t, crlf ? "\r\n" : "\n");
	} else {
		return 0;
	}
	(void)doc;
	rk_be_splice(e, at, at, t.data, t.len);
	rk_buf_release(&t);
	return 1;
}

/* One pass over a manifest: the first entry that changes is rewritten (1), or none (0). */
static int edit_pass(struct rk_edit *e, const char *dep, const char *version,
		     enum rk_spec_mode mode, bool ws_only, bool *needs_ws, bool *ws_nondev,
		     struct rk_err *err)
{
	struct rk_toml_doc *doc = rk_be_toml(e, err);
	const struct rk_toml_value *tabs[128];
	bool dev[128];
	size_t nt;

	if (!doc)
		return -1;
	dep_tables(rk_toml_root(doc), ws_only, tabs, dev, &nt, RK_ARRAY_SIZE(tabs));
	for (size_t i = 0; i < nt; i++) {
		for (size_t k = 0; k < rk_toml_len(tabs[i]); k++) {
			const struct rk_toml_value *v = rk_toml_at(tabs[i], k), *sv;
			const char *crate = rk_toml_key_at(tabs[i], k), *pk;
			char *nw = NULL;

			pk = rk_toml_type(v) == RK_TOML_TABLE
				     ? rk_toml_str(rk_toml_get(v, "package"))
				     : NULL;
			if (pk)
				crate = pk;
			if (strcmp(crate, dep))
				continue;
			if (rk_toml_type(v) == RK_TOML_STRING) {
				sv = v;
			} else if (is_true(rk_toml_get(v, "workspace"))) {
				*needs_ws = true;
				if (!dev[i])
					*ws_nondev = true;
				continue;
			} else {
				sv = rk_toml_get(v, "version");
				if (!sv) {
					/* path or git only: a pin adds a version, except for
					 * dev-dependencies (cargo publish drops those) */
					bool pin_it = mode != RK_SPEC_WIDEN && !dev[i] &&
						      (!ws_only || *ws_nondev) &&
						      rk_toml_get(v, "path");
					if (pin_it &&
					    rk_spec_rewrite(RK_SPEC_CARGO, "", version, mode, &nw,
							    err) == 0 &&
					    nw && add_version(e, doc, v, nw)) {
						free(nw);
						rk_toml_free(doc);
						return 1;
					}
					free(nw);
					continue;
				}
				if (rk_toml_type(sv) != RK_TOML_STRING) {
					long line = rk_toml_span(sv).line;
					rk_toml_free(doc);
					return rk_be_fail(err,
							  "%s:%ld: %s's version is not a string",
							  e->path, line, dep);
				}
			}
			if (rk_spec_rewrite(RK_SPEC_CARGO, rk_toml_str(sv), version, mode, &nw,
					    err) < 0) {
				char msg[RK_ERR_MAX];
				long line = rk_toml_span(sv).line;

				snprintf(msg, sizeof(msg), "%s", err->msg);
				rk_toml_free(doc);
				return rk_be_fail(err, "%s:%ld: %s: %s", e->path, line, dep, msg);
			}
			if (nw) {
				rk_be_toml_set(e, doc, sv, nw);
				free(nw);
				rk_toml_free(doc);
				return 1;
			}
		}
	}
	rk_toml_free(doc);
	return 0;
}

static int edit_manifest(struct rk_edit *e, const char *dep, const char *version,
			 enum rk_spec_mode mode, bool ws_only, bool *changed, bool *needs_ws,
			 bool *ws_nondev, struct rk_err *err)
{
	int rc;

	while ((rc = edit_pass(e, dep, version, mode, ws_only, needs_ws, ws_nondev, err)) == 1)
		*changed = true;
	return rc;
}

static int cargo_set_dep_spec(const struct rk_be_pkg *p, const char *dep, const char *version,
			      enum rk_spec_mode mode, struct rk_edits *ed, bool *changed,
			      struct rk_err *err)
{
	struct rk_edit *e = rk_edits_get(ed, p->root, p->manifest, err);
	bool needs_ws = false, ws_nondev = false;
	char *wsm;
	int rc;

	*changed = false;
	if (!e ||
	    edit_manifest(e, dep, version, mode, false, changed, &needs_ws, &ws_nondev, err) < 0)
		return -1;
	if (!needs_ws)
		return 0;
	wsm = workspace_manifest(p, ed, err);
	if (!wsm)
		return -1;
	e = rk_edits_get(ed, p->root, wsm, err);
	free(wsm);
	if (!e)
		return -1;
	rc = edit_manifest(e, dep, version, mode, true, changed, &needs_ws, &ws_nondev, err);
	return rc < 0 ? -1 : 0;
}

static int cargo_lock_cmd(const struct rk_be_pkg *ws, struct rk_be_cmd *out, struct rk_err *err)
{
	static const char *const argv[] = {"cargo", "update", "--workspace", "--offline", NULL};

	rk_be_cmd_set(out, ws, "Cargo.lock", argv);
	return 0;
}

/* ---- publishing (was rk_pub_cargo.c) ---- */
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

static const char *const cargo_registry_env[] = {"RK_CARGO_INDEX", "CARGO_REGISTRIES_LOCAL_INDEX",
						 NULL};

const struct rk_backend rk_be_cargo = {
	.ecosystem = "cargo",
	.read_version = cargo_read_version,
	.write_version = cargo_write_version,
	.set_dep_spec = cargo_set_dep_spec,
	.lock_cmd = cargo_lock_cmd,
	.registry_kind = "cargo",
	.build = cargo_build,
	.publish_target = cargo_target,
	.is_artifact = cargo_is_artifact,
	.poll_opt = offsetof(struct rk_poll_opts, cargo),
	.smoke_opt = offsetof(struct rk_smoke_opts, cargo),
	.registry_hint = "--cargo-index, RK_CARGO_INDEX or CARGO_REGISTRIES_LOCAL_INDEX",
	.registry_env = cargo_registry_env,
	.poll_upload_url = false,
	.poll_check = rk_poll_check_cargo,
	.download_url = rk_poll_cargo_download_url,
	.smoke_check = "cargo build of a crate depending on %s = \"=%s\"",
	.smoke = rk_smoke_cargo,
};
