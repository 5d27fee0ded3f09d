/*
 * rk_discover_manifest.c - read pyproject.toml, Cargo.toml, package.json and
 * pnpm-workspace.yaml into the compact descriptions of rk_discover_int.h.
 * Each reader parses its file once and keeps only what discovery needs.
 */
#include "rk_common.h"
#include "rk_discover_int.h"
#include "rk_glob.h"
#include "rk_json.h"
#include "rk_pep508.h"
#include "rk_strv.h"
#include "rk_toml.h"

#include <sys/stat.h>
#include <yaml.h>

/* ---- shared helpers ---- */

struct rk_ddep *rk_ddep_add(struct rk_ddep **deps, size_t *n, size_t *cap)
{
	struct rk_ddep *d;

	rk_grow((void **)deps, cap, *n + 1, sizeof(**deps));
	d = &(*deps)[(*n)++];
	memset(d, 0, sizeof(*d));
	return d;
}

void rk_ddep_release(struct rk_ddep *dep)
{
	free(dep->name);
	free(dep->spec);
	free(dep->marker);
	free(dep->group);
	free(dep->path);
	free(dep->key);
}

/* A manifest's dependency list (a package's or a cargo workspace's). */
static void ddeps_free(struct rk_ddep *deps, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		rk_ddep_release(&deps[i]);
	free(deps);
}

void rk_dpkg_free(struct rk_dpkg *p)
{
	if (!p)
		return;
	ddeps_free(p->deps, p->ndeps);
	free(p->name);
	free(p->norm);
	free(p->version);
	free(p->dir);
	free(p->manifest);
	free(p->description);
	free(p->crate);
	free(p->crate_dir);
	free(p->group);
	free(p);
}

void rk_dws_free(struct rk_dws *w)
{
	if (!w)
		return;
	rk_strv_free(w->members, w->nmembers);
	rk_strv_free(w->excludes, w->nexcludes);
	ddeps_free(w->deps, w->ndeps);
	free(w->dir);
	free(w->manifest);
	free(w->version);
	free(w->description);
	free(w);
}

char *rk_dpath_join(const char *dir, const char *rel)
{
	struct rk_buf b = RK_BUF_INIT;
	char *s;

	if (rel[0] == '/')
		return NULL;
	if (strcmp(dir, ".") != 0) {
		rk_buf_adds(&b, dir);
		rk_buf_addc(&b, '/');
	}
	rk_buf_adds(&b, rel);
	s = rk_buf_detach(&b, NULL);
	if (rk_path_normalize(s) < 0) {
		free(s);
		return NULL;
	}
	if (!*s) {
		free(s);
		s = rk_xstrdup(".");
	}
	return s;
}

void rk_dws_add_pattern(struct rk_dws *w, const char *pat, bool exclude)
{
	size_t cap;

	if (pat[0] == '!') {
		pat++;
		exclude = true;
	}
	if (exclude) {
		cap = w->nexcludes;
		rk_strv_push(&w->excludes, &w->nexcludes, &cap, pat);
	} else {
		cap = w->nmembers;
		rk_strv_push(&w->members, &w->nmembers, &cap, pat);
	}
}

static struct rk_dws *ws_new(enum rk_wskind kind, const char *rel, const char *dir)
{
	struct rk_dws *w = rk_xcalloc(1, sizeof(*w));

	w->kind = kind;
	w->eco = kind == RK_WS_UV ? RK_ECO_PYTHON : kind == RK_WS_CARGO ? RK_ECO_CARGO : RK_ECO_NPM;
	w->manager = kind == RK_WS_UV	   ? "uv"
		     : kind == RK_WS_CARGO ? "cargo"
		     : kind == RK_WS_PNPM  ? "pnpm"
					   : "npm";
	w->dir = rk_xstrdup(dir);
	w->manifest = rk_xstrdup(rel);
	w->publish = -1;
	w->link_ws = -1;
	return w;
}

static struct rk_dpkg *pkg_new(enum rk_eco eco, const char *rel, const char *dir)
{
	struct rk_dpkg *p = rk_xcalloc(1, sizeof(*p));

	p->eco = eco;
	p->dir = rk_xstrdup(dir);
	p->manifest = rk_xstrdup(rel);
	p->publish = 1;
	p->private_ = -1;
	p->vsource = "static";
	return p;
}

static void manifest_clear(struct rk_dmanifest *m)
{
	rk_dpkg_free(m->pkg);
	rk_dws_free(m->ws);
	m->pkg = NULL;
	m->ws = NULL;
}

/* Read a whole file; err filled on failure. */
static int slurp(struct rk_buf *b, const char *path, const char *rel, struct rk_err *err)
{
	struct stat st;

	/* A FIFO (or a device) named like a manifest would block the walk. */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return rk_err_set(err, rel, 0, 0, "cannot read: not a regular file");
	if (rk_buf_read_file(b, path) < 0)
		return rk_err_set(err, rel, 0, 0, "cannot read: %s", rk_strerror(errno));
	return 0;
}

/* ---- TOML helpers ---- */

/* Read and parse a TOML manifest, *out cleared first; NULL with err filled. */
static struct rk_toml_doc *toml_read(const char *path, const char *rel, struct rk_dmanifest *out,
				     struct rk_err *err)
{
	struct rk_buf b = RK_BUF_INIT;
	struct rk_toml_doc *doc;

	memset(out, 0, sizeof(*out));
	if (slurp(&b, path, rel, err) < 0)
		return NULL;
	doc = rk_toml_parse(b.data ? b.data : "", b.len, rel, err);
	rk_buf_release(&b);
	return doc;
}

static int toml_fail(struct rk_err *err, const char *rel, const struct rk_toml_value *v,
		     const char *fmt, const char *what)
{
	struct rk_toml_span sp = rk_toml_span(v);

	rk_err_set(err, rel, sp.line, sp.col, fmt, what);
	return -1;
}

/* 0 when v is absent or a table, else -1 with err naming what ("'tool.uv.sources' must be a table"). */
static int toml_table_or_none(const struct rk_toml_value *v, const char *what, const char *rel,
			      struct rk_err *err)
{
	if (v && rk_toml_type(v) != RK_TOML_TABLE)
		return toml_fail(err, rel, v, "'%s' must be a table", what);
	return 0;
}

/* A string value holding "\u0000" (C strings would silently cut it short). */
static bool toml_has_nul(const struct rk_toml_value *v)
{
	return strlen(rk_toml_str(v)) != rk_toml_strlen(v);
}

/* Optional string field: NULL when absent; error when of another type. */
static int toml_optstr(const struct rk_toml_value *t, const char *key, const char *rel,
		       const char **out, struct rk_err *err)
{
	const struct rk_toml_value *v = rk_toml_get(t, key);

	*out = NULL;
	if (!v)
		return 0;
	if (rk_toml_type(v) != RK_TOML_STRING)
		return toml_fail(err, rel, v, "'%s' must be a string", key);
	if (toml_has_nul(v))
		return toml_fail(err, rel, v, "'%s' must not contain a NUL character", key);
	*out = rk_toml_str(v);
	return 0;
}

/* Patterns from a TOML array of strings into ws (excludes when exclude). */
static int toml_patterns(const struct rk_toml_value *arr, const char *what, const char *rel,
			 struct rk_dws *w, bool exclude, struct rk_err *err)
{
	size_t i;

	if (!arr)
		return 0;
	if (rk_toml_type(arr) != RK_TOML_ARRAY)
		return toml_fail(err, rel, arr, "'%s' must be an array of strings", what);
	for (i = 0; i < rk_toml_len(arr); i++) {
		const struct rk_toml_value *e = rk_toml_at(arr, i);

		if (rk_toml_type(e) != RK_TOML_STRING)
			return toml_fail(err, rel, e, "'%s' must be an array of strings", what);
		if (exclude)
			rk_dws_add_pattern(w, rk_toml_str(e), true);
		else
			rk_dws_add_pattern(w, rk_toml_str(e), false);
	}
	return 0;
}

/* ---- pyproject.toml ---- */

static int py_req(struct rk_dpkg *p, const struct rk_toml_value *v, enum rk_deptype type,
		  const char *group, const char *rel, struct rk_err *err)
{
	struct rk_pep508 r;
	struct rk_err e = {0};
	struct rk_ddep *d;
	struct rk_toml_span sp = rk_toml_span(v);

	if (rk_pep508_parse(&r, rk_toml_str(v), &e) < 0)
		return rk_err_set(err, rel, sp.line, sp.col + e.col, "invalid requirement '%s': %s",
				  rk_toml_str(v), e.msg);
	d = rk_ddep_add(&p->deps, &p->ndeps, &p->capdeps);
	d->eco = RK_ECO_PYTHON;
	d->type = type;
	d->name = r.name;
	d->spec = r.spec;
	d->marker = r.marker;
	d->group = group ? rk_xstrdup(group) : NULL;
	d->dline = sp.line;
	free(r.extras);
	free(r.url);
	return 0;
}

static int py_req_list(struct rk_dpkg *p, const struct rk_toml_value *arr, const char *what,
		       enum rk_deptype type, const char *group, bool allow_tables, const char *rel,
		       struct rk_err *err)
{
	size_t i;

	if (!arr)
		return 0;
	if (rk_toml_type(arr) != RK_TOML_ARRAY)
		return toml_fail(err, rel, arr, "'%s' must be an array of requirement strings",
				 what);
	for (i = 0; i < rk_toml_len(arr); i++) {
		const struct rk_toml_value *e = rk_toml_at(arr, i);

		if (rk_toml_type(e) == RK_TOML_TABLE && allow_tables)
			continue; /* {include-group = "..."} */
		if (rk_toml_type(e) != RK_TOML_STRING)
			return toml_fail(err, rel, e,
					 "'%s' must be an array of requirement strings", what);
		if (py_req(p, e, type, group, rel, err) < 0)
			return -1;
	}
	return 0;
}

static int py_req_table(struct rk_dpkg *p, const struct rk_toml_value *t, const char *what,
			enum rk_deptype type, bool allow_tables, const char *rel,
			struct rk_err *err)
{
	size_t i;

	if (toml_table_or_none(t, what, rel, err) < 0)
		return -1;
	for (i = 0; i < rk_toml_len(t); i++)
		if (py_req_list(p, rk_toml_at(t, i), what, type, rk_toml_key_at(t, i), allow_tables,
				rel, err) < 0)
			return -1;
	return 0;
}

/* [tool.uv.sources] name = { workspace = true }: those requirements must name members. */
static int py_sources(struct rk_dpkg *p, const struct rk_toml_value *src, const char *rel,
		      struct rk_err *err)
{
	size_t i, j;

	if (toml_table_or_none(src, "tool.uv.sources", rel, err) < 0)
		return -1;
	for (i = 0; i < rk_toml_len(src); i++) {
		const struct rk_toml_value *v = rk_toml_at(src, i), *ws;
		const char *key = rk_toml_key_at(src, i);
		struct rk_toml_span sp = rk_toml_key_span(v);
		char *norm;
		int b = 0;

		if (rk_toml_type(v) != RK_TOML_TABLE)
			continue; /* a list of sources with markers: not a workspace source */
		ws = rk_toml_get(v, "workspace");
		if (!ws)
			continue;
		if (rk_toml_bool(ws, &b) < 0)
			return toml_fail(err, rel, ws, "'%s' must be a boolean", "workspace");
		if (!b)
			continue;
		norm = rk_pep503_normalize(key, strlen(key));
		for (j = 0; j < p->ndeps; j++) {
			struct rk_ddep *d = &p->deps[j];
			char *dn = rk_pep503_normalize(d->name, strlen(d->name));

			if (!strcmp(dn, norm)) {
				d->strict = true;
				d->line = sp.line;
				d->col = sp.col;
			}
			free(dn);
		}
		free(norm);
	}
	return 0;
}

static int py_project(const struct rk_toml_value *root, const struct rk_toml_value *proj,
		      const char *rel, const char *dir, struct rk_dmanifest *out,
		      struct rk_err *err)
{
	const struct rk_toml_value *name = rk_toml_get(proj, "name"), *v;
	struct rk_dpkg *p;
	struct rk_toml_span sp;
	const char *s;
	size_t i;

	if (toml_table_or_none(proj, "project", rel, err) < 0)
		return -1;
	if (!name)
		return toml_fail(err, rel, proj, "[%s] has no 'name'", "project");
	if (rk_toml_type(name) != RK_TOML_STRING)
		return toml_fail(err, rel, name, "'%s' must be a string", "name");
	if (!rk_pep508_valid_name(rk_toml_str(name), rk_toml_strlen(name)))
		return toml_fail(err, rel, name, "invalid project name '%s'", rk_toml_str(name));
	p = out->pkg = pkg_new(RK_ECO_PYTHON, rel, dir);
	p->manager = "uv";
	p->name = rk_xstrdup(rk_toml_str(name));
	p->norm = rk_pep503_normalize(p->name, strlen(p->name));
	sp = rk_toml_span(name);
	p->line = sp.line;
	p->col = sp.col;
	if (toml_optstr(proj, "version", rel, &s, err) < 0)
		return -1;
	if (s) {
		p->version = rk_xstrdup(s);
	} else {
		p->vsource = "none";
		v = rk_toml_get(proj, "dynamic");
		for (i = 0; i < rk_toml_len(v) && rk_toml_type(v) == RK_TOML_ARRAY; i++) {
			const char *dn = rk_toml_str(rk_toml_at(v, i));

			if (dn && !strcmp(dn, "version"))
				p->vsource = "dynamic";
		}
	}
	if (toml_optstr(proj, "description", rel, &s, err) < 0)
		return -1;
	if (s)
		p->description = rk_xstrdup(s);
	v = rk_toml_get(proj, "classifiers");
	for (i = 0; rk_toml_type(v) == RK_TOML_ARRAY && i < rk_toml_len(v); i++) {
		const char *c = rk_toml_str(rk_toml_at(v, i));

		if (c && !strncmp(c, "Private ::", 10))
			p->publish = 0;
	}
	v = rk_toml_path(root, "tool", "uv", "package", NULL);
	if (v) {
		int b;

		if (rk_toml_bool(v, &b) < 0)
			return toml_fail(err, rel, v, "'%s' must be a boolean", "tool.uv.package");
		if (!b)
			p->publish = 0;
	} else if (!rk_toml_get(root, "build-system")) {
		/* uv neither builds nor installs a project without a
		 * [build-system] table, unless tool.uv.package = true:
		 * nothing to upload */
		p->publish = 0;
	}
	v = rk_toml_path(root, "tool", "maturin", "manifest-path", NULL);
	if (v && rk_toml_type(v) == RK_TOML_STRING) {
		char *m = rk_dpath_join(dir, rk_toml_str(v)), *slash;

		if (!m)
			return toml_fail(err, rel, v, "'%s' points outside the repository",
					 "tool.maturin.manifest-path");
		slash = strrchr(m, '/');
		if (slash) {
			*slash = '\0';
		} else {
			m[0] = '.';
			m[1] = '\0';
		}
		p->crate_dir = m;
	}
	if (py_req_list(p, rk_toml_get(proj, "dependencies"), "dependencies", RK_DEP_NORMAL, NULL,
			false, rel, err) < 0 ||
	    py_req_table(p, rk_toml_get(proj, "optional-dependencies"), "optional-dependencies",
			 RK_DEP_OPTIONAL, false, rel, err) < 0 ||
	    py_req_table(p, rk_toml_get(root, "dependency-groups"), "dependency-groups", RK_DEP_DEV,
			 true, rel, err) < 0 ||
	    py_req_list(p, rk_toml_path(root, "tool", "uv", "dev-dependencies", NULL),
			"tool.uv.dev-dependencies", RK_DEP_DEV, "dev", false, rel, err) < 0 ||
	    py_req_list(p, rk_toml_path(root, "build-system", "requires", NULL),
			"build-system.requires", RK_DEP_BUILD, NULL, false, rel, err) < 0)
		return -1;
	return py_sources(p, rk_toml_path(root, "tool", "uv", "sources", NULL), rel, err);
}

int rk_dread_pyproject(const char *path, const char *rel, const char *dir, struct rk_dmanifest *out,
		       struct rk_err *err)
{
	struct rk_toml_doc *doc = toml_read(path, rel, out, err);
	const struct rk_toml_value *root, *ws, *proj;
	int rc = 0;

	if (!doc)
		return -1;
	root = rk_toml_root(doc);
	ws = rk_toml_path(root, "tool", "uv", "workspace", NULL);
	if (ws) {
		if (toml_table_or_none(ws, "tool.uv.workspace", rel, err) < 0) {
			rc = -1;
			goto out;
		}
		out->ws = ws_new(RK_WS_UV, rel, dir);
		if (toml_patterns(rk_toml_get(ws, "members"), "members", rel, out->ws, false, err) <
			    0 ||
		    toml_patterns(rk_toml_get(ws, "exclude"), "exclude", rel, out->ws, true, err) <
			    0) {
			rc = -1;
			goto out;
		}
	}
	proj = rk_toml_get(root, "project");
	if (proj && py_project(root, proj, rel, dir, out, err) < 0)
		rc = -1;
out:
	rk_toml_free(doc);
	if (rc < 0)
		manifest_clear(out);
	return rc;
}

/* ---- Cargo.toml ---- */

/* One dependency entry: `key = "1.0"` or `key = { version, path, workspace, package, optional }`. */
static int cargo_dep(struct rk_ddep **deps, size_t *n, size_t *cap, const char *key,
		     const struct rk_toml_value *v, enum rk_deptype type, const char *rel,
		     const char *dir, struct rk_err *err)
{
	struct rk_ddep *d;
	const char *s;

	if (rk_toml_type(v) == RK_TOML_STRING) {
		d = rk_ddep_add(deps, n, cap);
		d->eco = RK_ECO_CARGO;
		d->type = type;
		d->key = rk_xstrdup(key);
		d->name = rk_xstrdup(key);
		d->spec = rk_xstrdup(rk_toml_str(v));
		d->dline = rk_toml_key_span(v).line;
		return 0;
	}
	if (rk_toml_type(v) != RK_TOML_TABLE)
		return toml_fail(err, rel, v, "dependency '%s' must be a string or a table", key);
	d = rk_ddep_add(deps, n, cap);
	d->eco = RK_ECO_CARGO;
	d->type = type;
	d->key = rk_xstrdup(key);
	d->dline = rk_toml_key_span(v).line;
	if (toml_optstr(v, "package", rel, &s, err) < 0)
		return -1;
	d->name = rk_xstrdup(s ? s : key);
	if (toml_optstr(v, "version", rel, &s, err) < 0)
		return -1;
	d->spec = rk_xstrdup(s ? s : "");
	if (toml_optstr(v, "path", rel, &s, err) < 0)
		return -1;
	if (s) {
		d->path = rk_dpath_join(dir, s);
		if (!d->path)
			return toml_fail(err, rel, rk_toml_get(v, "path"),
					 "path '%s' is outside the discovery root", s);
	}
	{
		int b = 0;
		const struct rk_toml_value *w = rk_toml_get(v, "workspace");

		if (w && rk_toml_bool(w, &b) < 0)
			return toml_fail(err, rel, w, "'%s' must be a boolean", "workspace");
		d->ws = b;
		w = rk_toml_get(v, "optional");
		b = 0;
		if (w && rk_toml_bool(w, &b) < 0)
			return toml_fail(err, rel, w, "'%s' must be a boolean", "optional");
		if (b && type == RK_DEP_NORMAL)
			d->type = RK_DEP_OPTIONAL;
	}
	return 0;
}

static int cargo_dep_table(struct rk_ddep **deps, size_t *n, size_t *cap,
			   const struct rk_toml_value *t, const char *what, enum rk_deptype type,
			   const char *rel, const char *dir, struct rk_err *err)
{
	size_t i;

	if (toml_table_or_none(t, what, rel, err) < 0)
		return -1;
	for (i = 0; i < rk_toml_len(t); i++)
		if (cargo_dep(deps, n, cap, rk_toml_key_at(t, i), rk_toml_at(t, i), type, rel, dir,
			      err) < 0)
			return -1;
	return 0;
}

static int cargo_deps_of(struct rk_dpkg *p, const struct rk_toml_value *t, const char *rel,
			 const char *dir, struct rk_err *err)
{
	static const struct {
		const char *key;
		enum rk_deptype type;
	} kinds[] = {
		{"dependencies", RK_DEP_NORMAL},      {"dev-dependencies", RK_DEP_DEV},
		{"dev_dependencies", RK_DEP_DEV},     {"build-dependencies", RK_DEP_BUILD},
		{"build_dependencies", RK_DEP_BUILD},
	};
	size_t i;

	for (i = 0; i < RK_ARRAY_SIZE(kinds); i++)
		if (cargo_dep_table(&p->deps, &p->ndeps, &p->capdeps, rk_toml_get(t, kinds[i].key),
				    kinds[i].key, kinds[i].type, rel, dir, err) < 0)
			return -1;
	return 0;
}

/* `field = value` or `field.workspace = true`: 1 inherited, 0 own value or absent. */
static int cargo_inherits(const struct rk_toml_value *v, const char *field, const char *rel,
			  struct rk_err *err)
{
	const struct rk_toml_value *w;
	int b = 0;

	if (rk_toml_type(v) != RK_TOML_TABLE)
		return 0;
	w = rk_toml_get(v, "workspace");
	if (!w || rk_toml_bool(w, &b) < 0 || !b)
		return toml_fail(err, rel, v, "'%s' must be a value or { workspace = true }",
				 field);
	return 1;
}

static int cargo_publish(const struct rk_toml_value *v, const char *rel, int *out,
			 struct rk_err *err)
{
	int b;

	if (!v)
		return 0;
	if (rk_toml_bool(v, &b) == 0)
		*out = b;
	else if (rk_toml_type(v) == RK_TOML_ARRAY)
		*out = rk_toml_len(v) > 0;
	else
		return toml_fail(err, rel, v, "'%s' must be a boolean or an array of registries",
				 "publish");
	return 0;
}

static int cargo_package(const struct rk_toml_value *root, const struct rk_toml_value *pk,
			 const char *rel, const char *dir, struct rk_dmanifest *out,
			 struct rk_err *err)
{
	const struct rk_toml_value *name = rk_toml_get(pk, "name"), *v, *targets;
	struct rk_dpkg *p;
	struct rk_toml_span sp;
	size_t i;
	int r;

	if (toml_table_or_none(pk, "package", rel, err) < 0)
		return -1;
	if (!name)
		return toml_fail(err, rel, pk, "[%s] has no 'name'", "package");
	if (rk_toml_type(name) != RK_TOML_STRING || !rk_toml_strlen(name))
		return toml_fail(err, rel, name, "'%s' must be a non-empty string", "name");
	if (toml_has_nul(name))
		return toml_fail(err, rel, name, "'%s' must not contain a NUL character", "name");
	p = out->pkg = pkg_new(RK_ECO_CARGO, rel, dir);
	p->manager = "cargo";
	p->name = rk_xstrdup(rk_toml_str(name));
	p->norm = rk_xstrdup(p->name);
	for (i = 0; p->norm[i]; i++)
		if (p->norm[i] == '_')
			p->norm[i] = '-';
	sp = rk_toml_span(name);
	p->line = sp.line;
	p->col = sp.col;
	v = rk_toml_get(pk, "version");
	sp = rk_toml_span(v ? v : pk);
	p->vline = sp.line;
	p->vcol = sp.col;
	r = cargo_inherits(v, "version", rel, err);
	if (r < 0)
		return -1;
	if (r) {
		p->version_ws = true;
		p->vsource = "workspace";
	} else if (v) {
		if (rk_toml_type(v) != RK_TOML_STRING)
			return toml_fail(err, rel, v, "'%s' must be a string", "version");
		if (toml_has_nul(v))
			return toml_fail(err, rel, v, "'%s' must not contain a NUL character",
					 "version");
		p->version = rk_xstrdup(rk_toml_str(v));
	} else {
		/* cargo >= 1.75: no version means 0.0.0 and publish = false */
		p->version = rk_xstrdup("0.0.0");
		p->vsource = "default";
		p->publish = 0;
	}
	v = rk_toml_get(pk, "description");
	r = cargo_inherits(v, "description", rel, err);
	if (r < 0)
		return -1;
	if (r)
		p->description_ws = true;
	else if (v && rk_toml_type(v) == RK_TOML_STRING)
		p->description = rk_xstrdup(rk_toml_str(v));
	v = rk_toml_get(pk, "publish");
	r = cargo_inherits(v, "publish", rel, err);
	if (r < 0)
		return -1;
	if (r)
		p->publish = -1;
	else if (cargo_publish(v, rel, &p->publish, err) < 0)
		return -1;
	if (cargo_deps_of(p, root, rel, dir, err) < 0)
		return -1;
	targets = rk_toml_get(root, "target");
	if (toml_table_or_none(targets, "target", rel, err) < 0)
		return -1;
	for (i = 0; i < rk_toml_len(targets); i++)
		if (cargo_deps_of(p, rk_toml_at(targets, i), rel, dir, err) < 0)
			return -1;
	return 0;
}

static int cargo_workspace(const struct rk_toml_value *ws, const char *rel, const char *dir,
			   struct rk_dmanifest *out, struct rk_err *err)
{
	const struct rk_toml_value *pk;
	struct rk_dws *w;
	const char *s;

	if (toml_table_or_none(ws, "workspace", rel, err) < 0)
		return -1;
	w = out->ws = ws_new(RK_WS_CARGO, rel, dir);
	if (toml_patterns(rk_toml_get(ws, "members"), "members", rel, w, false, err) < 0 ||
	    toml_patterns(rk_toml_get(ws, "exclude"), "exclude", rel, w, true, err) < 0)
		return -1;
	pk = rk_toml_get(ws, "package");
	if (pk) {
		if (toml_table_or_none(pk, "workspace.package", rel, err) < 0)
			return -1;
		if (toml_optstr(pk, "version", rel, &s, err) < 0)
			return -1;
		w->version = s ? rk_xstrdup(s) : NULL;
		if (toml_optstr(pk, "description", rel, &s, err) < 0)
			return -1;
		w->description = s ? rk_xstrdup(s) : NULL;
		if (cargo_publish(rk_toml_get(pk, "publish"), rel, &w->publish, err) < 0)
			return -1;
	}
	return cargo_dep_table(&w->deps, &w->ndeps, &w->capdeps, rk_toml_get(ws, "dependencies"),
			       "workspace.dependencies", RK_DEP_NORMAL, rel, dir, err);
}

int rk_dread_cargo(const char *path, const char *rel, const char *dir, struct rk_dmanifest *out,
		   struct rk_err *err)
{
	struct rk_toml_doc *doc = toml_read(path, rel, out, err);
	const struct rk_toml_value *root, *v;
	int rc = 0;

	if (!doc)
		return -1;
	root = rk_toml_root(doc);
	v = rk_toml_get(root, "workspace");
	if (v && cargo_workspace(v, rel, dir, out, err) < 0)
		rc = -1;
	v = rk_toml_get(root, "package");
	if (!v)
		v = rk_toml_get(root, "project"); /* the pre-1.0 spelling cargo still reads */
	if (rc == 0 && v && cargo_package(root, v, rel, dir, out, err) < 0)
		rc = -1;
	rk_toml_free(doc);
	if (rc < 0)
		manifest_clear(out);
	return rc;
}

/* ---- package.json ---- */

static int json_fail(struct rk_err *err, const char *rel, const struct rk_json *d, int t,
		     const char *fmt, const char *what)
{
	long line = 1, col = 1;
	int i, end = t >= 0 ? d->tok[t].start : 0;

	for (i = 0; i < end && (size_t)i < d->srclen; i++) {
		if (d->src[i] == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	rk_err_set(err, rel, line, col, fmt, what);
	return -1;
}

/* A string token holding "\u0000" (C strings would silently cut it short). */
static bool json_has_nul(const struct rk_json *d, int t)
{
	return strlen(rk_json_str(d, t)) != rk_json_strlen(d, t);
}

static int json_deps(struct rk_dpkg *p, const struct rk_json *d, const char *key,
		     enum rk_deptype type, const char *rel, struct rk_err *err)
{
	int o = rk_json_get(d, 0, key), k;

	if (o < 0)
		return 0;
	if (rk_json_type(d, o) != RK_JSON_OBJECT)
		return json_fail(err, rel, d, o, "'%s' must be an object", key);
	for (k = rk_json_first(d, o); k >= 0; k = rk_json_next(d, k)) {
		int v = rk_json_value(d, k);
		struct rk_ddep *dep;

		if (rk_json_type(d, v) != RK_JSON_STRING)
			return json_fail(err, rel, d, v, "dependency '%s' must be a string",
					 rk_json_str(d, k));
		if (json_has_nul(d, k) || json_has_nul(d, v))
			return json_fail(err, rel, d, k,
					 "dependency '%s' must not contain a NUL character",
					 rk_json_str(d, k));
		dep = rk_ddep_add(&p->deps, &p->ndeps, &p->capdeps);
		dep->eco = RK_ECO_NPM;
		dep->type = type;
		dep->name = rk_xstrdup(rk_json_str(d, k));
		dep->spec = rk_xstrdup(rk_json_str(d, v));
		{
			struct rk_err pos;

			json_fail(&pos, rel, d, v, "%s", "");
			dep->line = dep->dline = pos.line;
			dep->col = pos.col;
		}
		if (!strncmp(dep->spec, "workspace:", 10))
			dep->strict = true;
		else if (!strncmp(dep->spec, "file:", 5) || !strncmp(dep->spec, "link:", 5))
			/* a path: the package there, whatever its name (none when it
			 * is outside the repository) */
			dep->path = rk_dpath_join(p->dir, dep->spec + 5);
		if ((!strncmp(dep->spec, "file:", 5) || !strncmp(dep->spec, "link:", 5)) &&
		    !dep->path)
			dep->path = rk_xstrdup("\n"); /* matches no directory */
	}
	return 0;
}

static int json_patterns(const struct rk_json *d, int arr, const char *rel, struct rk_dws *w,
			 struct rk_err *err)
{
	int e;

	if (rk_json_type(d, arr) != RK_JSON_ARRAY)
		return json_fail(err, rel, d, arr, "'%s' must be an array of strings",
				 "workspaces");
	for (e = rk_json_first(d, arr); e >= 0; e = rk_json_next(d, e)) {
		if (rk_json_type(d, e) != RK_JSON_STRING)
			return json_fail(err, rel, d, e, "'%s' must be an array of strings",
					 "workspaces");
		rk_dws_add_pattern(w, rk_json_str(d, e), false);
	}
	return 0;
}

static int package_json(const struct rk_json *d, const char *rel, const char *dir,
			struct rk_dmanifest *out, struct rk_err *err)
{
	int t, name;
	const char *pm = rk_json_get_str(d, 0, "packageManager");

	if (rk_json_type(d, 0) != RK_JSON_OBJECT)
		return json_fail(err, rel, d, 0, "%s must be a JSON object", "package.json");
	t = rk_json_get(d, 0, "workspaces");
	if (t >= 0) {
		out->ws = ws_new(RK_WS_NPM, rel, dir);
		if (pm && !strncmp(pm, "yarn@", 5))
			out->ws->manager = "yarn";
		if (rk_json_type(d, t) == RK_JSON_OBJECT) {
			int pk = rk_json_get(d, t, "packages");

			if (pk >= 0 && json_patterns(d, pk, rel, out->ws, err) < 0)
				return -1;
		} else if (json_patterns(d, t, rel, out->ws, err) < 0) {
			return -1;
		}
	}
	name = rk_json_get(d, 0, "name");
	if (name < 0)
		return 0;
	if (rk_json_type(d, name) != RK_JSON_STRING || !rk_json_strlen(d, name))
		return json_fail(err, rel, d, name, "'%s' must be a non-empty string", "name");
	if (json_has_nul(d, name))
		return json_fail(err, rel, d, name, "'%s' must not contain a NUL character",
				 "name");
	out->pkg = pkg_new(RK_ECO_NPM, rel, dir);
	out->pkg->name = rk_xstrdup(rk_json_str(d, name));
	out->pkg->norm = rk_xstrdup(out->pkg->name);
	{
		struct rk_err pos;

		json_fail(&pos, rel, d, name, "%s", "");
		out->pkg->line = pos.line;
		out->pkg->col = pos.col;
	}
	if (pm && !strncmp(pm, "pnpm@", 5))
		out->pkg->manager = "pnpm";
	else if (pm && !strncmp(pm, "yarn@", 5))
		out->pkg->manager = "yarn";
	t = rk_json_get(d, 0, "version");
	if (t >= 0 && rk_json_type(d, t) != RK_JSON_STRING)
		return json_fail(err, rel, d, t, "'%s' must be a string", "version");
	if (t >= 0 && json_has_nul(d, t))
		return json_fail(err, rel, d, t, "'%s' must not contain a NUL character",
				 "version");
	if (t >= 0) {
		out->pkg->version = rk_xstrdup(rk_json_str(d, t));
	} else {
		out->pkg->vsource = "none";
	}
	t = rk_json_get(d, 0, "private");
	if (t >= 0) {
		int b = rk_json_bool(d, t);

		if (b < 0)
			return json_fail(err, rel, d, t, "'%s' must be a boolean", "private");
		out->pkg->private_ = b;
		if (b)
			out->pkg->publish = 0;
	}
	if (rk_json_get_str(d, 0, "description"))
		out->pkg->description = rk_xstrdup(rk_json_get_str(d, 0, "description"));
	if (json_deps(out->pkg, d, "dependencies", RK_DEP_NORMAL, rel, err) < 0 ||
	    json_deps(out->pkg, d, "devDependencies", RK_DEP_DEV, rel, err) < 0 ||
	    json_deps(out->pkg, d, "peerDependencies", RK_DEP_PEER, rel, err) < 0 ||
	    json_deps(out->pkg, d, "optionalDependencies", RK_DEP_OPTIONAL, rel, err) < 0)
		return -1;
	return 0;
}

int rk_dread_package_json(const char *path, const char *rel, const char *dir,
			  struct rk_dmanifest *out, struct rk_err *err)
{
	struct rk_buf b = RK_BUF_INIT;
	struct rk_json d = RK_JSON_INIT;
	int rc;

	memset(out, 0, sizeof(*out));
	if (slurp(&b, path, rel, err) < 0)
		return -1;
	/* a UTF-8 byte order mark is accepted, as pnpm and npm accept it */
	if (b.len >= 3 && !memcmp(b.data, "\xef\xbb\xbf", 3))
		rc = rk_json_parse(&d, b.data + 3, b.len - 3, rel, 1, err);
	else
		rc = rk_json_parse(&d, b.data ? b.data : "", b.len, rel, 1, err);
	if (rc == 0)
		rc = package_json(&d, rel, dir, out, err);
	rk_json_release(&d);
	rk_buf_release(&b);
	if (rc < 0)
		manifest_clear(out);
	return rc;
}

/* ---- pnpm-workspace.yaml ---- */

static int yaml_fail(struct rk_err *err, const char *rel, yaml_mark_t m, const char *fmt,
		     const char *what)
{
	rk_err_set(err, rel, (long)m.line + 1, (long)m.column + 1, fmt, what);
	return -1;
}

int rk_dparse_pnpm_yaml(const char *text, size_t len, const char *rel, struct rk_dws *w,
			struct rk_err *err)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	yaml_node_pair_t *pair;
	int rc = 0;

	if (!yaml_parser_initialize(&parser))
		rk_die(RK_EXIT_FAIL, "out of memory");
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		rk_err_set(err, rel, (long)parser.problem_mark.line + 1,
			   (long)parser.problem_mark.column + 1, "%s%s%s",
			   parser.problem ? parser.problem : "invalid YAML",
			   parser.context ? " " : "", parser.context ? parser.context : "");
		yaml_parser_delete(&parser);
		return -1;
	}
	root = yaml_document_get_root_node(&doc);
	if (!root || (root->type == YAML_SCALAR_NODE && root->data.scalar.length == 0))
		goto out; /* empty file: no packages but the root */
	if (root->type != YAML_MAPPING_NODE) {
		rc = yaml_fail(err, rel, root->start_mark, "%s must be a mapping",
			       "pnpm-workspace.yaml");
		goto out;
	}
	for (pair = root->data.mapping.pairs.start; pair < root->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = yaml_document_get_node(&doc, pair->key);
		yaml_node_t *v = yaml_document_get_node(&doc, pair->value);
		yaml_node_item_t *it;

		if (k && k->type == YAML_SCALAR_NODE &&
		    (!strcmp((const char *)k->data.scalar.value, "link-workspace-packages") ||
		     !strcmp((const char *)k->data.scalar.value, "linkWorkspacePackages")) &&
		    v && v->type == YAML_SCALAR_NODE) {
			const char *sv = (const char *)v->data.scalar.value;

			w->link_ws = !strcmp(sv, "true") || !strcmp(sv, "deep");
			continue;
		}
		if (!k || k->type != YAML_SCALAR_NODE ||
		    strcmp((const char *)k->data.scalar.value, "packages") != 0)
			continue;
		if (!v ||
		    (v->type == YAML_SCALAR_NODE && !strcmp((char *)v->data.scalar.value, "") &&
		     v->data.scalar.style == YAML_PLAIN_SCALAR_STYLE))
			continue; /* packages: (null) */
		if (v->type != YAML_SEQUENCE_NODE) {
			rc = yaml_fail(err, rel, v->start_mark, "'%s' must be a list of globs",
				       "packages");
			goto out;
		}
		for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
			yaml_node_t *e = yaml_document_get_node(&doc, *it);

			if (!e || e->type != YAML_SCALAR_NODE ||
			    strlen((const char *)e->data.scalar.value) != e->data.scalar.length) {
				rc = yaml_fail(err, rel, e ? e->start_mark : v->start_mark,
					       "'%s' must be a list of globs", "packages");
				goto out;
			}
			rk_dws_add_pattern(w, (const char *)e->data.scalar.value, false);
		}
	}
out:
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return rc;
}

/*
 * link-workspace-packages from the .npmrc beside pnpm-workspace.yaml (ws_path);
 * the YAML setting, read after, overrides it.
 */
static void npmrc_link(const char *ws_path, struct rk_dws *w)
{
	struct rk_buf p = RK_BUF_INIT, b = RK_BUF_INIT;
	const char *slash = strrchr(ws_path, '/');
	char *line, *save = NULL;

	if (slash)
		rk_buf_add(&p, ws_path, (size_t)(slash - ws_path + 1));
	rk_buf_adds(&p, ".npmrc");
	if (rk_is_file(p.data) && rk_buf_read_file(&b, p.data) == 0 && b.data) {
		for (line = strtok_r(b.data, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			char *eq = strchr(line, '='), *k = line, *v, *e;

			if (!eq)
				continue;
			*eq = '\0';
			v = eq + 1;
			while (*k == ' ' || *k == '\t')
				k++;
			for (e = eq; e > k && (e[-1] == ' ' || e[-1] == '\t'); e--)
				e[-1] = '\0';
			while (*v == ' ' || *v == '\t')
				v++;
			for (e = v + strlen(v); e > v && strchr(" \t\r", e[-1]); e--)
				e[-1] = '\0';
			if (!strcmp(k, "link-workspace-packages"))
				w->link_ws = !strcmp(v, "true") || !strcmp(v, "deep");
		}
	}
	rk_buf_release(&p);
	rk_buf_release(&b);
}

int rk_dread_pnpm_workspace(const char *path, const char *rel, const char *dir,
			    struct rk_dmanifest *out, struct rk_err *err)
{
	struct rk_buf b = RK_BUF_INIT;
	int rc;

	memset(out, 0, sizeof(*out));
	if (slurp(&b, path, rel, err) < 0)
		return -1;
	out->ws = ws_new(RK_WS_PNPM, rel, dir);
	npmrc_link(path, out->ws);
	rc = rk_dparse_pnpm_yaml(b.data ? b.data : "", b.len, rel, out->ws, err);
	rk_buf_release(&b);
	if (rc < 0)
		manifest_clear(out);
	return rc;
}
