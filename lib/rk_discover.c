/* rk_discover.c - workspaces and packages of a repository (see rk_discover.h). */
#include "rk_common.h"
#include "rk_discover_int.h"
#include "rk_glob.h"
#include "rk_pep508.h"
#include "rk_record.h"
#include "rk_semver_range.h"
#include "rk_strmap.h"
#include "rk_strv.h"
#include "rk_version.h"
#include "rk_walk.h"

#include <git2.h>
#include <sys/stat.h>

/* ---- state ---- */

enum mtype { M_PYPROJECT, M_CARGO, M_PACKAGE_JSON, M_PNPM_WS, M_PNPM_LOCK, M_YARN_LOCK };

static const char *const mnames[] = {"pyproject.toml",	    "Cargo.toml",     "package.json",
				     "pnpm-workspace.yaml", "pnpm-lock.yaml", "yarn.lock"};

struct mfile {
	char *rel; /* repo-relative path */
	size_t dirlen;
	enum mtype type;
	bool failed;	    /* could not be read: fatal only where it matters */
	struct rk_err ferr; /* why (source is rel) */
};

/* A package rule of the config (uv_package, ...). */
struct pkgrule {
	enum rk_eco eco;
	char *rule, *location, *name, *group;
	char *label, *tag_format; /* passed on in the package record, or NULL */
	char **cross;
	size_t ncross;
	char **extra; /* extra_paths, passed on */
	size_t nextra;
	int skip;    /* -1 unset */
	int publish; /* -1 unset */
};

struct rk_discover {
	char *root;
	bool keep_going;
	struct mfile *mf;
	size_t nmf, capmf;
	struct rk_dpkg **pkg;
	size_t npkg, cappkg;
	struct rk_dws **ws;
	size_t nws, capws;
	struct rk_dws **cfgws; /* workspaces declared by config */
	size_t ncfgws, capcfgws;
	size_t nconfig; /* config records read (rk_discover_config_records) */
	struct pkgrule *rules;
	size_t nrules, caprules;
	struct rk_strmap names;	 /* "<eco>:<norm>" -> pkg */
	struct rk_strmap dirs;	 /* "<eco>:<dir>" -> pkg */
	struct rk_strmap wsdir;	 /* "<eco>:<dir>" -> ws */
	struct rk_strmap locks;	 /* "<type>:<dir>" -> (void *)1 */
	struct rk_strmap wsdeps; /* "<ws index>:<key>" -> ddep */
	char **strs;		 /* strings errors may point at (config locations) */
	size_t nstrs, capstrs;
	struct rk_buf key;
	struct rk_buf pass;	/* records read on stdin, for rk_discover_take_passed */
	struct rk_walk *walker; /* the tree walk (rk_walk.h: what is skipped) */
};

static const char *const econames[] = {"python", "npm", "cargo"};
static const char *const deptypes[] = {"normal", "dev", "build", "optional", "peer"};

/* The key "<a>:<s>" in d->key. */
static void mkkey(struct rk_discover *d, int a, const char *s)
{
	rk_buf_reset(&d->key);
	rk_buf_addf(&d->key, "%d:%s", a, s);
}

/* The value under "<a>:<s>" in m, or NULL. */
static void *hget(struct rk_discover *d, const struct rk_strmap *m, int a, const char *s)
{
	mkkey(d, a, s);
	return rk_strmap_getp(m, d->key.data, d->key.len);
}

/* Store v under "<a>:<s>" unless present; returns the value now stored. */
static void *hput(struct rk_discover *d, struct rk_strmap *m, int a, const char *s, void *v)
{
	mkkey(d, a, s);
	return rk_strmap_addp(m, d->key.data, d->key.len, v);
}

struct rk_discover *rk_discover_new(const struct rk_discover_opts *opts)
{
	struct rk_discover *d = rk_xcalloc(1, sizeof(*d));

	d->root = rk_xstrdup(opts->root ? opts->root : ".");
	d->keep_going = opts->keep_going;
	return d;
}

void rk_discover_free(struct rk_discover *d)
{
	size_t i, j;

	if (!d)
		return;
	for (i = 0; i < d->nmf; i++)
		free(d->mf[i].rel);
	for (i = 0; i < d->npkg; i++)
		rk_dpkg_free(d->pkg[i]);
	for (i = 0; i < d->nws; i++)
		rk_dws_free(d->ws[i]);
	for (i = 0; i < d->ncfgws; i++)
		rk_dws_free(d->cfgws[i]);
	for (i = 0; i < d->nrules; i++) {
		struct pkgrule *r = &d->rules[i];

		for (j = 0; j < r->ncross; j++)
			free(r->cross[j]);
		free(r->cross);
		rk_strv_free(r->extra, r->nextra);
		free(r->label);
		free(r->tag_format);
		free(r->rule);
		free(r->location);
		free(r->name);
		free(r->group);
	}
	free(d->rules);
	free(d->mf);
	free(d->pkg);
	free(d->ws);
	free(d->cfgws);
	rk_strmap_release(&d->names);
	rk_strmap_release(&d->dirs);
	rk_strmap_release(&d->wsdir);
	rk_strmap_release(&d->locks);
	rk_strmap_release(&d->wsdeps);
	for (i = 0; i < d->nstrs; i++)
		free(d->strs[i]);
	free(d->strs);
	rk_buf_release(&d->key);
	rk_buf_release(&d->pass);
	rk_walk_close(d->walker);
	free(d->root);
	free(d);
}

size_t rk_discover_count(const struct rk_discover *d)
{
	size_t i, n = 0;

	for (i = 0; i < d->npkg; i++)
		n += !d->pkg[i]->dropped;
	return n;
}

/* ---- config records ---- */

static int cfg_strlist(const struct rk_json *doc, const char *key, const char *loc, char ***out,
		       size_t *n, struct rk_err *err)
{
	int a = rk_json_get(doc, 0, key), e;
	size_t cap = 0;

	*out = NULL;
	*n = 0;
	if (a < 0 || rk_json_type(doc, a) == RK_JSON_NULL)
		return 0;
	if (rk_json_type(doc, a) != RK_JSON_ARRAY)
		return rk_err_set(err, loc, 0, 0, "'%s' must be a list of strings", key);
	for (e = rk_json_first(doc, a); e >= 0; e = rk_json_next(doc, e)) {
		if (rk_json_type(doc, e) != RK_JSON_STRING) {
			rk_strv_free(*out, *n);
			*out = NULL;
			*n = 0;
			return rk_err_set(err, loc, 0, 0, "'%s' must be a list of strings", key);
		}
		rk_strv_push(out, n, &cap, rk_json_str(doc, e));
	}
	return 0;
}

static int cfg_bool(const struct rk_json *doc, const char *key, const char *loc, int *out,
		    struct rk_err *err)
{
	int t = rk_json_get(doc, 0, key);

	*out = -1;
	if (t < 0 || rk_json_type(doc, t) == RK_JSON_NULL)
		return 0;
	*out = rk_json_bool(doc, t);
	if (*out < 0)
		return rk_err_set(err, loc, 0, 0, "'%s' must be a boolean", key);
	return 0;
}

/* What a package rule needs (rk_record_need). */
static const char *const pkgrule_needs[] = {"name", NULL};

int rk_discover_config(struct rk_discover *d, const struct rk_json *doc, const char *source,
		       long line, struct rk_err *err)
{
	static const struct {
		const char *rule;
		int ws; /* 1 workspace rule, 0 package rule */
		int kind;
	} rules[] = {
		{"uv_workspace", 1, RK_WS_UV},	   {"cargo_workspace", 1, RK_WS_CARGO},
		{"pnpm_workspace", 1, RK_WS_PNPM}, {"npm_workspace", 1, RK_WS_NPM},
		{"uv_package", 0, RK_ECO_PYTHON},  {"cargo_package", 0, RK_ECO_CARGO},
		{"pnpm_package", 0, RK_ECO_NPM},   {"npm_package", 0, RK_ECO_NPM},
	};
	const char *rule = rk_json_get_str(doc, 0, "rule");
	const char *locs = rk_json_get_str(doc, 0, "location");
	const char *name = rk_json_get_str(doc, 0, "name");
	struct rk_buf lb = RK_BUF_INIT;
	const char *loc;
	size_t i;

	if (!rule)
		return 0;
	for (i = 0; i < RK_ARRAY_SIZE(rules); i++)
		if (!strcmp(rules[i].rule, rule))
			break;
	if (i == RK_ARRAY_SIZE(rules))
		return 0;
	/* the location outlives this call: errors found later point at it */
	if (locs)
		rk_buf_adds(&lb, locs);
	else
		rk_buf_addf(&lb, "%s:%ld", source, line);
	RK_GROW(d->strs, d->capstrs, d->nstrs + 1);
	loc = d->strs[d->nstrs++] = rk_buf_detach(&lb, NULL);
	if (rules[i].ws) {
		struct rk_dws *w = rk_xcalloc(1, sizeof(*w));
		const char *root = rk_json_get_str(doc, 0, "root");
		char **l;
		size_t n, j;

		w->kind = (enum rk_wskind)rules[i].kind;
		w->eco = w->kind == RK_WS_UV	  ? RK_ECO_PYTHON
			 : w->kind == RK_WS_CARGO ? RK_ECO_CARGO
						  : RK_ECO_NPM;
		w->manager = w->kind == RK_WS_UV      ? "uv"
			     : w->kind == RK_WS_CARGO ? "cargo"
			     : w->kind == RK_WS_PNPM  ? "pnpm"
						      : "npm";
		w->publish = -1;
		w->from_config = true;
		w->manifest = rk_xstrdup(loc); /* until the scan finds the manifest */
		w->dir = rk_xstrdup(root && *root ? root : ".");
		RK_GROW(d->cfgws, d->capcfgws, d->ncfgws + 1);
		d->cfgws[d->ncfgws++] = w;
		if (w->dir[0] == '/' || rk_path_normalize(w->dir) < 0)
			return rk_err_set(err, loc, 0, 0, "%s: root '%s' is outside the repository",
					  rule, root);
		if (cfg_strlist(doc,
				w->kind == RK_WS_PNPM || w->kind == RK_WS_NPM ? "packages"
									      : "members",
				loc, &l, &n, err) < 0)
			return -1;
		for (j = 0; j < n; j++)
			rk_dws_add_pattern(w, l[j], false);
		rk_strv_free(l, n);
		w->members_given = n > 0;
		if (cfg_strlist(doc, "exclude", loc, &l, &n, err) < 0)
			return -1;
		for (j = 0; j < n; j++)
			rk_dws_add_pattern(w, l[j], true);
		rk_strv_free(l, n);
		return 0;
	} else {
		struct pkgrule *r;
		const char *group = rk_json_get_str(doc, 0, "group");

		if (rk_record_need(doc, source, line, pkgrule_needs, err) != 0)
			return -1;
		RK_GROW(d->rules, d->caprules, d->nrules + 1);
		r = &d->rules[d->nrules++];
		memset(r, 0, sizeof(*r));
		r->eco = (enum rk_eco)rules[i].kind;
		r->rule = rk_xstrdup(rule);
		r->location = rk_xstrdup(loc);
		r->name = rk_xstrdup(name);
		r->group = group ? rk_xstrdup(group) : NULL;
		r->label = rk_json_get_str(doc, 0, "label")
				   ? rk_xstrdup(rk_json_get_str(doc, 0, "label"))
				   : NULL;
		r->tag_format = rk_json_get_str(doc, 0, "tag_format")
					? rk_xstrdup(rk_json_get_str(doc, 0, "tag_format"))
					: NULL;
		if (cfg_bool(doc, "skip", loc, &r->skip, err) < 0 ||
		    cfg_bool(doc, "publish", loc, &r->publish, err) < 0 ||
		    cfg_strlist(doc, "cross_deps", loc, &r->cross, &r->ncross, err) < 0 ||
		    cfg_strlist(doc, "extra_paths", loc, &r->extra, &r->nextra, err) < 0)
			return -1;
		return 0;
	}
}

size_t rk_discover_config_records(const struct rk_discover *d)
{
	return d->nconfig;
}

int rk_discover_read_records(struct rk_discover *d, FILE *fp, const char *source,
			     struct rk_err *err)
{
	struct rk_ndjson r;
	int rc, ret = 0;

	rk_ndjson_init(&r, fp, source);
	while ((rc = rk_ndjson_next(&r)) > 0) {
		rk_buf_add(&d->pass, r.text.data, r.text.len);
		rk_buf_addc(&d->pass, '\n');
		if (!strcmp(r.kind, "config") && ++d->nconfig &&
		    rk_discover_config(d, &r.doc, source, r.line, err) < 0) {
			ret = -1;
			break;
		}
	}
	if (rc < 0) {
		*err = r.err;
		ret = -1;
	}
	rk_ndjson_release(&r);
	return ret;
}

/* ---- the walk ---- */

static void add_mfile(struct rk_discover *d, const char *reldir, size_t dirlen, enum mtype t)
{
	struct mfile *m;

	RK_GROW(d->mf, d->capmf, d->nmf + 1);
	m = &d->mf[d->nmf++];
	memset(m, 0, sizeof(*m));
	m->type = t;
	m->dirlen = dirlen;
	if (dirlen == 1 && reldir[0] == '.') {
		m->rel = rk_xstrdup(mnames[t]);
	} else {
		struct rk_buf b = RK_BUF_INIT;

		rk_buf_add(&b, reldir, dirlen);
		rk_buf_addc(&b, '/');
		rk_buf_adds(&b, mnames[t]);
		m->rel = rk_buf_detach(&b, NULL);
	}
}

/* A manifest or lock file the walk found. */
static void found_mfile(const struct rk_walk_file *f, void *ctx)
{
	add_mfile(ctx, f->dir, f->dirlen, (enum mtype)f->which);
}

static int cmp_mfile(const void *a, const void *b)
{
	return strcmp(((const struct mfile *)a)->rel, ((const struct mfile *)b)->rel);
}

static void walk_root(struct rk_discover *d, const char *reldir)
{
	rk_walk_files(d->walker, reldir, mnames, RK_ARRAY_SIZE(mnames), found_mfile, d);
}

/* ---- reading manifests ---- */

static int read_manifests(struct rk_discover *d, struct rk_err *err)
{
	struct rk_buf path = RK_BUF_INIT;
	size_t i;
	int rc = 0;

	for (i = 0; i < d->nmf; i++) {
		struct mfile *m = &d->mf[i];
		struct rk_dmanifest out;
		char *dir = strchr(m->rel, '/') ? rk_xstrndup(m->rel, m->dirlen) : rk_xstrdup(".");
		int r = 0;

		rk_buf_reset(&path);
		rk_buf_addf(&path, "%s/%s", d->root, m->rel);
		switch (m->type) {
		case M_PYPROJECT:
			r = rk_dread_pyproject(path.data, m->rel, dir, &out, err);
			break;
		case M_CARGO:
			r = rk_dread_cargo(path.data, m->rel, dir, &out, err);
			break;
		case M_PACKAGE_JSON:
			r = rk_dread_package_json(path.data, m->rel, dir, &out, err);
			break;
		case M_PNPM_WS:
			r = rk_dread_pnpm_workspace(path.data, m->rel, dir, &out, err);
			break;
		case M_PNPM_LOCK:
		case M_YARN_LOCK:
			hput(d, &d->locks, (int)m->type, dir, (void *)1);
			memset(&out, 0, sizeof(out));
			break;
		}
		free(dir);
		if (r < 0) {
			/* decided once the workspaces are known (check_failed) */
			m->failed = true;
			m->ferr = *err;
			continue;
		}
		if (out.pkg) {
			RK_GROW(d->pkg, d->cappkg, d->npkg + 1);
			d->pkg[d->npkg++] = out.pkg;
		}
		if (out.ws) {
			RK_GROW(d->ws, d->capws, d->nws + 1);
			d->ws[d->nws++] = out.ws;
		}
	}
	rk_buf_release(&path);
	return rc;
}

/* ---- workspaces and membership ---- */

static bool matches_any(char **pats, size_t n, const char *rel)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (rk_glob_match(pats[i], rel))
			return true;
	return false;
}

/* The package's directory relative to the workspace root. */
static const char *rel_to(const char *wsdir, const char *dir)
{
	size_t n = strlen(wsdir);

	if (!strcmp(wsdir, "."))
		return dir;
	if (!strcmp(wsdir, dir))
		return ".";
	return dir + n + 1;
}

static bool is_member(const struct rk_dws *w, const char *dir)
{
	const char *rel = rel_to(w->dir, dir);

	if (!strcmp(rel, "."))
		return true;
	return matches_any(w->members, w->nmembers, rel) &&
	       !matches_any(w->excludes, w->nexcludes, rel);
}

/*
 * The nearest workspace of eco at or above dir, or NULL. Cargo looks
 * further up past a workspace whose `exclude` names dir, as cargo does;
 * *excluded (when not NULL) tells that one did.
 */
static struct rk_dws *nearest_ws_ex(struct rk_discover *d, enum rk_eco eco, const char *dir,
				    bool *excluded)
{
	char *p = rk_xstrdup(dir);
	struct rk_dws *w = NULL;

	if (excluded)
		*excluded = false;
	for (;;) {
		char *slash;

		w = hget(d, &d->wsdir, (int)eco, p);
		if (w && eco == RK_ECO_CARGO && strcmp(w->dir, dir) != 0 &&
		    matches_any(w->excludes, w->nexcludes, rel_to(w->dir, dir))) {
			w = NULL;
			if (excluded)
				*excluded = true;
		}
		if (w || !strcmp(p, "."))
			break;
		slash = strrchr(p, '/');
		if (slash)
			*slash = '\0';
		else
			p[0] = '.', p[1] = '\0';
	}
	free(p);
	return w;
}

static struct rk_dws *nearest_ws(struct rk_discover *d, enum rk_eco eco, const char *dir)
{
	return nearest_ws_ex(d, eco, dir, NULL);
}

static int choose_workspaces(struct rk_discover *d)
{
	size_t i, j;

	if (d->ncfgws) {
		/* Config declares the workspaces: take the manifest's patterns where
		 * the config gave none, and its cargo [workspace.package]. */
		for (i = 0; i < d->ncfgws; i++) {
			struct rk_dws *c = d->cfgws[i];

			for (j = 0; j < d->nws; j++) {
				struct rk_dws *w = d->ws[j];

				if (w->kind != c->kind || strcmp(w->dir, c->dir) != 0)
					continue;
				c->manager = w->manager;
				if (!c->members_given) {
					size_t k;

					for (k = 0; k < w->nmembers; k++)
						rk_dws_add_pattern(c, w->members[k], false);
					for (k = 0; k < w->nexcludes; k++)
						rk_dws_add_pattern(c, w->excludes[k], true);
				}
				free(c->manifest);
				c->manifest = rk_xstrdup(w->manifest);
				c->version = w->version ? rk_xstrdup(w->version) : NULL;
				c->description = w->description ? rk_xstrdup(w->description) : NULL;
				c->publish = w->publish;
				/* hand over the workspace dependencies */
				c->deps = w->deps;
				c->ndeps = w->ndeps;
				c->capdeps = w->capdeps;
				w->deps = NULL;
				w->ndeps = w->capdeps = 0;
				break;
			}
		}
		for (i = 0; i < d->nws; i++)
			rk_dws_free(d->ws[i]);
		free(d->ws);
		d->ws = d->cfgws;
		d->nws = d->ncfgws;
		d->capws = d->capcfgws;
		d->cfgws = NULL;
		d->ncfgws = d->capcfgws = 0;
	}
	/* pnpm first: an npm "workspaces" field next to pnpm-workspace.yaml is
	 * ignored, as pnpm ignores it (hput keeps the first entry) */
	for (i = 0; i < d->nws; i++)
		if (d->ws[i]->kind == RK_WS_PNPM)
			hput(d, &d->wsdir, RK_ECO_NPM, d->ws[i]->dir, d->ws[i]);
	for (i = 0; i < d->nws; i++) {
		struct rk_dws *w = d->ws[i];

		if (w->kind == RK_WS_PNPM)
			continue;
		if (w->kind == RK_WS_NPM && hget(d, &d->locks, M_YARN_LOCK, w->dir))
			w->manager = "yarn";
		hput(d, &d->wsdir, (int)w->eco, w->dir, w);
	}
	return 0;
}

static void index_dirs(struct rk_discover *d)
{
	size_t i;

	for (i = 0; i < d->npkg; i++)
		hput(d, &d->dirs, (int)d->pkg[i]->eco, d->pkg[i]->dir, d->pkg[i]);
}

static void assign_members(struct rk_discover *d)
{
	struct rk_dpkg **queue = NULL;
	size_t nq = 0, capq = 0, i, j;

	for (i = 0; i < d->npkg; i++) {
		struct rk_dpkg *p = d->pkg[i];
		bool excluded;
		struct rk_dws *w = nearest_ws_ex(d, p->eco, p->dir, &excluded);

		if (!w) {
			/* standalone; but when config declares the workspaces, only their
			 * members are packages, and what a workspace excludes is no
			 * package (a fixture) */
			if ((d->nws && d->ws[0]->from_config) || excluded)
				p->dropped = true;
			continue;
		}
		if (is_member(w, p->dir)) {
			p->ws = w;
			if (w->eco == RK_ECO_CARGO) {
				RK_GROW(queue, capq, nq + 1);
				queue[nq++] = p;
			}
		} else {
			p->dropped = true; /* inside a workspace but not one of its members */
		}
	}
	/* cargo: path dependencies inside the workspace directory are members too */
	for (i = 0; i < nq; i++) {
		struct rk_dpkg *p = queue[i];

		for (j = 0; j < p->ndeps; j++) {
			struct rk_dpkg *t;
			struct rk_dws *w;

			if (!p->deps[j].path)
				continue;
			t = hget(d, &d->dirs, RK_ECO_CARGO, p->deps[j].path);
			if (!t || !t->dropped || t->ws)
				continue;
			w = nearest_ws(d, RK_ECO_CARGO, t->dir);
			if (w != p->ws ||
			    matches_any(w->excludes, w->nexcludes, rel_to(w->dir, t->dir)))
				continue;
			t->dropped = false;
			t->ws = w;
			RK_GROW(queue, capq, nq + 1);
			queue[nq++] = t;
		}
	}
	free(queue);
}

/* Managers, crates, standalone-ness under config, cargo inheritance. */
static int finish_packages(struct rk_discover *d, struct rk_err *err)
{
	size_t i;

	for (i = 0; i < d->npkg; i++) {
		struct rk_dpkg *p = d->pkg[i];

		if (p->dropped)
			continue;
		if (p->eco == RK_ECO_NPM) {
			if (p->ws)
				p->manager = p->ws->manager;
			else if (!p->manager)
				p->manager = hget(d, &d->locks, M_PNPM_LOCK, p->dir)   ? "pnpm"
					     : hget(d, &d->locks, M_YARN_LOCK, p->dir) ? "yarn"
										       : "npm";
		}
		if (p->eco == RK_ECO_PYTHON) {
			struct rk_dpkg *c = hget(d, &d->dirs, RK_ECO_CARGO,
						 p->crate_dir ? p->crate_dir : p->dir);

			if (c) {
				p->crate = rk_xstrdup(c->name);
				if (!c->ws)
					c->dropped = true; /* the python package owns it */
			}
		}
		if (p->eco == RK_ECO_CARGO) {
			struct rk_dws *w = p->ws;

			if (p->version_ws) {
				if (!w || !w->version) {
					rk_err_set(
						err, p->manifest, p->vline, p->vcol,
						"version.workspace = true but %s",
						w ? "the workspace has no [workspace.package] version"
						  : "the package is in no workspace");
					if (!d->keep_going)
						return -1;
					rk_err_print(err);
					rk_warn("%s: skipped (--keep-going)", p->manifest);
					p->dropped = true;
					continue;
				}
				p->version = rk_xstrdup(w->version);
			}
			if (p->description_ws && w && w->description)
				p->description = rk_xstrdup(w->description);
			if (p->publish < 0)
				p->publish = w && w->publish >= 0 ? w->publish : 1;
		}
	}
	return 0;
}

/*
 * A manifest that could not be read is fatal where it matters: at the
 * repository root, as a member of (or the root of) a workspace, or under
 * a root the config names. Under a workspace that does not list it, it is
 * ignored as a valid non-member is; outside every workspace (a test
 * fixture, an example) it is a warning and the manifest is ignored.
 */
static int check_failed(struct rk_discover *d, struct rk_err *err)
{
	static const enum rk_eco mecos[] = {RK_ECO_PYTHON, RK_ECO_CARGO, RK_ECO_NPM, RK_ECO_NPM};
	size_t i;

	for (i = 0; i < d->nmf; i++) {
		struct mfile *m = &d->mf[i];
		char *dir;
		struct rk_dws *w;
		bool fatal;

		if (!m->failed)
			continue;
		dir = strchr(m->rel, '/') ? rk_xstrndup(m->rel, m->dirlen) : rk_xstrdup(".");
		w = nearest_ws(d, mecos[m->type], dir);
		fatal = !strcmp(dir, ".") || (w && is_member(w, dir));
		free(dir);
		if (w && !fatal)
			continue; /* under a workspace that does not list it, as valid ones */
		if (fatal && !d->keep_going) {
			*err = m->ferr;
			return -1;
		}
		rk_err_print(&m->ferr);
		if (fatal)
			rk_warn("%s: skipped (--keep-going)", m->rel);
		else
			rk_warn("%s: ignored: it is in no workspace and could not be read", m->rel);
	}
	return 0;
}

/* Whether p is the root package of its own workspace and private. */
static bool private_root(const struct rk_dpkg *p)
{
	return p->ws && !strcmp(p->ws->dir, p->dir) && (p->private_ == 1 || p->publish == 0);
}

/*
 * Names are unique per ecosystem among workspace members (fatal), except
 * that a private workspace root yields to a member of the same name (it is
 * the workspace, not a package). A package outside every workspace that
 * shares a name with a member or another such package is ignored with a
 * warning naming both files.
 */
static int index_names(struct rk_discover *d, struct rk_err *err)
{
	size_t i;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < d->npkg; i++) {
			struct rk_dpkg *p = d->pkg[i], *q;

			if (p->dropped || (pass == 0) != (p->ws != NULL))
				continue;
			q = hput(d, &d->names, (int)p->eco, p->norm, p);
			if (q == p)
				continue;
			if (pass == 0 && private_root(q) && !private_root(p)) {
				q->dropped = true; /* the member takes the name */
				mkkey(d, (int)p->eco, p->norm);
				rk_strmap_putp(&d->names, d->key.data, d->key.len, p);
				continue;
			}
			if (pass == 0 && private_root(p) && !private_root(q)) {
				p->dropped = true;
				continue;
			}
			if (pass == 1) {
				rk_warn("%s: ignored: %s package '%s' is in no workspace and %s %s "
					"has the same name",
					p->manifest, econames[p->eco], p->name,
					q->ws ? "workspace member" : "the package in", q->manifest);
				p->dropped = true;
				if (!q->ws && !q->dropped) {
					rk_warn("%s: ignored: %s package '%s' is in no workspace "
						"and %s has the same name",
						q->manifest, econames[q->eco], q->name,
						p->manifest);
					q->dropped = true;
				}
				continue;
			}
			if (pass == 0 && p->ws && q->ws && p->ws->kind == RK_WS_PNPM &&
			    q->ws->kind == RK_WS_PNPM) {
				/* pnpm allows it: keep both, each identified by its path */
				p->twin = q->twin;
				q->twin = p;
				p->dup = q->dup = true;
				rk_warn("%s: %s package '%s' has the same name as %s (pnpm allows "
					"it): both are kept, as %s:%s@%s and %s:%s@%s",
					p->manifest, econames[p->eco], p->name, q->manifest,
					econames[q->eco], q->name, q->dir, econames[p->eco],
					p->name, p->dir);
				continue;
			}
			rk_err_set(err, p->manifest, p->line, p->col,
				   "duplicate %s package '%s' (also in %s)", econames[p->eco],
				   p->name, q->manifest);
			if (!d->keep_going)
				return -1;
			rk_err_print(err);
			rk_warn("%s: skipped (--keep-going)", p->manifest);
			p->dropped = true;
		}
	}
	return 0;
}

static struct rk_dpkg *find_name(struct rk_discover *d, enum rk_eco eco, const char *name)
{
	char *norm;
	struct rk_dpkg *p;
	size_t i;

	if (eco == RK_ECO_PYTHON) {
		norm = rk_pep503_normalize(name, strlen(name));
	} else {
		norm = rk_xstrdup(name);
		if (eco == RK_ECO_CARGO)
			for (i = 0; norm[i]; i++)
				if (norm[i] == '_')
					norm[i] = '-';
	}
	p = hget(d, &d->names, (int)eco, norm);
	free(norm);
	return p;
}

/*
 * Whether the package manager links a dependency written as a plain range
 * (no workspace: protocol, no path) to the workspace package t. pnpm does
 * only with link-workspace-packages (false by default since pnpm 9), and
 * then, like npm and yarn, only when t's version satisfies the range.
 */
static bool linked(const struct rk_dpkg *p, const struct rk_ddep *dep, const struct rk_dpkg *t)
{
	if (p->eco != RK_ECO_NPM || !p->ws)
		return true;
	if (p->ws->kind == RK_WS_PNPM && p->ws->link_ws != 1)
		return false;
	if (!t->version)
		return true;
	return rk_npm_range_satisfied(dep->spec, t->version) == 1;
}

/* Whether c comes before b as pnpm's choice: the higher version, then the path. */
static bool twin_before(const struct rk_dpkg *c, const struct rk_dpkg *b)
{
	struct rk_version vc = RK_VERSION_INIT, vb = RK_VERSION_INIT;
	struct rk_err e;
	int cmp = 0;

	if (c->version && b->version &&
	    rk_version_parse(&vc, RK_VERSION_SEMVER, c->version, strlen(c->version), &e) == 0 &&
	    rk_version_parse(&vb, RK_VERSION_SEMVER, b->version, strlen(b->version), &e) == 0)
		cmp = rk_version_compare(&vc, &vb);
	rk_version_release(&vc);
	rk_version_release(&vb);
	if (cmp)
		return cmp > 0;
	if (!c->version != !b->version)
		return c->version != NULL;
	return strcmp(c->dir, b->dir) < 0;
}

/*
 * t is one of several packages with dep's name (pnpm allows that): choose the
 * one the dependency means among the packages with that name in p's
 * workspace (any, when p is standalone). pnpm 10 links the highest version
 * whatever the range says (checked: `workspace:^1` with web 1.4.0 and web
 * 2.1.0 in the workspace links 2.1.0); so do we, and equal versions go to the
 * path that sorts first. Unless the chosen package is the only one whose
 * version satisfies the range (the workspace: protocol's range; `*`, `^` and
 * `~` take any), warn naming the dependent's manifest and line, the
 * candidates and the choice.
 */
static struct rk_dpkg *pick_twin(const struct rk_dpkg *p, const struct rk_ddep *dep,
				 struct rk_dpkg *t)
{
	const char *range = dep->spec;
	struct rk_dpkg *c, *best = NULL, *sat = NULL;
	struct rk_buf names = RK_BUF_INIT;
	int nsat = 0, ncand = 0;

	if (!strncmp(range, "workspace:", 10))
		range += 10;
	if (!*range || !strcmp(range, "^") || !strcmp(range, "~"))
		range = "*";
	for (c = t; c; c = c->twin) {
		if (c->dropped || (p->ws && c->ws != p->ws))
			continue;
		ncand++;
		rk_buf_addf(&names, "%s%s:%s@%s%s%s", names.len ? ", " : "", econames[c->eco],
			    c->name, c->dir, c->version ? " " : "", c->version ? c->version : "");
		if (!best || twin_before(c, best))
			best = c;
		if (!c->version || rk_npm_range_satisfied(range, c->version) == 1) {
			nsat++;
			sat = c;
		}
	}
	if (!best) {
		rk_buf_release(&names);
		return t;
	}
	if (ncand > 1 && !(nsat == 1 && sat == best))
		rk_warn("%s:%ld: dependency '%s' (%s) is ambiguous: %s; %d satisfy the range; "
			"taking %s:%s@%s (the highest version, as pnpm links; then the first path)",
			p->manifest, dep->dline > 0 ? dep->dline : dep->line, dep->name, dep->spec,
			names.data, nsat, econames[best->eco], best->name, best->dir);
	rk_buf_release(&names);
	return best;
}

/* Resolve every dependency to a package of the repository; drop external ones. */
static int resolve_deps(struct rk_discover *d, struct rk_err *err)
{
	size_t i, j, k, n;

	for (i = 0; i < d->nws; i++) {
		struct rk_dws *w = d->ws[i];

		for (j = 0; j < w->ndeps; j++)
			hput(d, &d->wsdeps, (int)i, w->deps[j].key, &w->deps[j]);
	}
	for (i = 0; i < d->npkg; i++) {
		struct rk_dpkg *p = d->pkg[i];

		if (p->dropped)
			continue;
		for (j = n = 0; j < p->ndeps; j++) {
			struct rk_ddep *dep = &p->deps[j];
			struct rk_dpkg *t = NULL;

			if (dep->eco == RK_ECO_CARGO && dep->ws && p->ws) {
				struct rk_ddep *wd;
				size_t wi;

				for (wi = 0; wi < d->nws && d->ws[wi] != p->ws; wi++)
					;
				wd = hget(d, &d->wsdeps, (int)wi, dep->key);
				if (wd) {
					free(dep->spec);
					dep->spec = rk_xstrdup(wd->spec);
					free(dep->name);
					dep->name = rk_xstrdup(wd->name);
					if (wd->path)
						dep->path = rk_xstrdup(wd->path);
				}
			}
			if (dep->path)
				t = hget(d, &d->dirs, (int)dep->eco, dep->path);
			else if (dep->eco != RK_ECO_NPM || strncmp(dep->spec, "npm:", 4) != 0)
				t = find_name(d, dep->eco, dep->name);
			if (t && t->dup && !dep->path)
				t = pick_twin(p, dep, t);
			if (t && t->dropped)
				t = NULL;
			/* by name, a workspace member reaches only members (a project
			 * outside every workspace named like a registry package is no
			 * edge), and a pnpm member a plain range only when pnpm links it */
			if (t && !dep->path && !dep->strict && p->ws && !t->ws)
				t = NULL;
			if (t && !dep->path && !dep->strict && !linked(p, dep, t))
				t = NULL;
			if (dep->strict && (!t || !p->ws || t->ws != p->ws)) {
				rk_err_set(
					err, p->manifest, dep->line, dep->col,
					dep->eco == RK_ECO_NPM
						? "'%s' uses the workspace: protocol but is no package of this workspace"
						: "'%s' is a workspace source ({ workspace = true }) but no member of this workspace",
					dep->name);
				if (!d->keep_going)
					return -1;
				rk_err_print(err);
				rk_warn("%s: dependency '%s' ignored (--keep-going)", p->manifest,
					dep->name);
				t = NULL;
			}
			for (k = 0; t && k < n; k++) /* the same edge twice (target tables) */
				if (p->deps[k].type == dep->type &&
				    !strcmp(p->deps[k].name, t->name) && p->deps[k].eco == t->eco &&
				    (p->deps[k].tdir == NULL) == !t->dup &&
				    (!t->dup || !strcmp(p->deps[k].tdir, t->dir)))
					t = NULL;
			if (!t || t == p) {
				rk_ddep_release(dep);
				continue;
			}
			free(dep->name);
			dep->name = rk_xstrdup(t->name);
			dep->eco = t->eco;
			dep->tdir = t->dup ? t->dir : NULL;
			p->deps[n++] = *dep;
		}
		p->ndeps = n;
	}
	return 0;
}

/*
 * The package a config rule names: name, or name@path when pnpm members share
 * the name (a bare name that several packages have is an error listing them).
 * Returns NULL with *ambig set when the name is ambiguous.
 */
static struct rk_dpkg *find_rule_pkg(struct rk_discover *d, enum rk_eco eco, const char *name,
				     struct rk_buf *ambig)
{
	struct rk_dpkg *p = find_name(d, eco, name), *c;
	const char *at = strrchr(name, '@');

	if (!p && at && at > name) {
		char *base = rk_xstrndup(name, (size_t)(at - name));

		for (c = find_name(d, eco, base); c; c = c->twin)
			if (!c->dropped && c->dup && !strcmp(c->dir, at + 1))
				break;
		free(base);
		return c;
	}
	if (!p || !p->dup)
		return p;
	rk_buf_reset(ambig);
	for (c = p; c; c = c->twin)
		if (!c->dropped)
			rk_buf_addf(ambig, "%s%s:%s@%s", ambig->len ? ", " : "", econames[c->eco],
				    c->name, c->dir);
	return NULL;
}

static int apply_rules(struct rk_discover *d, struct rk_err *err)
{
	size_t i, j, e;

	for (i = 0; i < d->nrules; i++) {
		struct pkgrule *r = &d->rules[i];
		struct rk_buf ambig = RK_BUF_INIT;
		struct rk_dpkg *p = find_rule_pkg(d, r->eco, r->name, &ambig);

		if (!p && ambig.len) {
			rk_err_set(err, r->location, 0, 0,
				   "%s: '%s' names several %s packages (%s); write name@path",
				   r->rule, r->name, econames[r->eco], ambig.data);
			rk_buf_release(&ambig);
			return -1;
		}
		rk_buf_release(&ambig);
		if (!p)
			return rk_err_set(err, r->location, 0, 0, "%s: no %s package named '%s'",
					  r->rule, econames[r->eco], r->name);
		if (r->group) {
			free(p->group);
			p->group = rk_xstrdup(r->group);
		}
		p->rule = r;
		if (r->publish >= 0)
			p->publish = r->publish;
		if (r->skip == 1) {
			p->skip = true;
			p->publish = 0;
		}
		for (j = 0; j < r->ncross; j++) {
			const char *c = r->cross[j], *colon = strchr(c, ':');
			struct rk_dpkg *t = NULL;
			struct rk_ddep *dep;

			for (e = 0; colon && e < RK_ECO_N; e++)
				if (strlen(econames[e]) == (size_t)(colon - c) &&
				    !strncmp(c, econames[e], (size_t)(colon - c)))
					break;
			if (colon && e < RK_ECO_N) {
				struct rk_buf amb = RK_BUF_INIT;

				t = find_rule_pkg(d, (enum rk_eco)e, colon + 1, &amb);
				if (!t && amb.len) {
					rk_err_set(
						err, r->location, 0, 0,
						"%s '%s': cross_deps '%s' names several packages "
						"(%s); write ecosystem:name@path",
						r->rule, r->name, c, amb.data);
					rk_buf_release(&amb);
					return -1;
				}
				rk_buf_release(&amb);
			} else {
				for (e = 0; e < RK_ECO_N; e++) {
					struct rk_dpkg *u = find_name(d, (enum rk_eco)e, c);

					if (u && t)
						return rk_err_set(
							err, r->location, 0, 0,
							"%s '%s': cross_deps '%s' is ambiguous (%s or %s); write ecosystem:name",
							r->rule, r->name, c, econames[t->eco],
							econames[u->eco]);
					if (u)
						t = u;
				}
				if (t && t->dup)
					return rk_err_set(
						err, r->location, 0, 0,
						"%s '%s': cross_deps '%s' names several packages; write ecosystem:name@path",
						r->rule, r->name, c);
			}
			if (!t)
				return rk_err_set(err, r->location, 0, 0,
						  "%s '%s': cross_deps names no package: '%s'",
						  r->rule, r->name, c);
			dep = rk_ddep_add(&p->deps, &p->ndeps, &p->capdeps);
			dep->name = rk_xstrdup(t->name);
			dep->eco = t->eco;
			dep->spec = rk_xstrdup("");
			dep->type = RK_DEP_NORMAL;
			dep->cross = true;
			dep->tdir = t->dup ? t->dir : NULL;
		}
	}
	return 0;
}

int rk_discover_scan(struct rk_discover *d, struct rk_err *err)
{
	size_t i;

	if (!d->walker)
		d->walker = rk_walk_open(d->root);
	if (d->ncfgws) {
		for (i = 0; i < d->ncfgws; i++) {
			struct rk_buf abs = RK_BUF_INIT;
			size_t j;
			int ok;

			rk_buf_addf(&abs, "%s/%s", d->root, d->cfgws[i]->dir);
			ok = rk_is_dir(abs.data);
			rk_buf_release(&abs);
			if (!ok) /* manifest still holds the rule's location */
				return rk_err_set(err, d->cfgws[i]->manifest, 0, 0,
						  "workspace root '%s' is not a directory",
						  d->cfgws[i]->dir);

			for (j = 0; j < i; j++)
				if (!strcmp(d->cfgws[j]->dir, d->cfgws[i]->dir))
					break;
			if (j == i)
				walk_root(d, d->cfgws[i]->dir);
		}
	} else {
		walk_root(d, ".");
	}
	if (d->nmf)
		qsort(d->mf, d->nmf, sizeof(*d->mf), cmp_mfile);
	if (d->ncfgws > 1) { /* nested configured roots were walked twice */
		size_t j = 0;

		for (i = 0; i < d->nmf; i++) {
			if (j && !strcmp(d->mf[i].rel, d->mf[j - 1].rel)) {
				free(d->mf[i].rel);
				continue;
			}
			d->mf[j++] = d->mf[i];
		}
		d->nmf = j;
	}
	if (read_manifests(d, err) < 0)
		return -1;
	choose_workspaces(d);
	index_dirs(d);
	assign_members(d);
	if (check_failed(d, err) < 0)
		return -1;
	if (finish_packages(d, err) < 0 || index_names(d, err) < 0)
		return -1;
	if (resolve_deps(d, err) < 0)
		return -1;
	return apply_rules(d, err);
}

/* ---- output ---- */

static int cmp_pkg(const void *a, const void *b)
{
	const struct rk_dpkg *p = *(struct rk_dpkg *const *)a, *q = *(struct rk_dpkg *const *)b;
	int c = strcmp(econames[p->eco], econames[q->eco]);

	c = c ? c : strcmp(p->name, q->name);
	return c ? c : strcmp(p->dir, q->dir);
}

void rk_discover_take_passed(struct rk_discover *d, struct rk_buf *out)
{
	*out = d->pass;
	rk_buf_init(&d->pass);
}

void rk_discover_packages(struct rk_discover *d, void (*put)(struct rk_buf *rec, void *ctx),
			  void *ctx)
{
	struct rk_buf b = RK_BUF_INIT, id = RK_BUF_INIT;
	struct rk_jw w;
	struct rk_dpkg **v = rk_xmalloc((d->npkg ? d->npkg : 1) * sizeof(*v));
	size_t i, j, n = 0;

	for (i = 0; i < d->npkg; i++)
		if (!d->pkg[i]->dropped)
			v[n++] = d->pkg[i];
	qsort(v, n, sizeof(*v), cmp_pkg);
	for (i = 0; i < n; i++) {
		struct rk_dpkg *p = v[i];

		rk_buf_reset(&b);
		rk_jw_init(&w, &b);
		rk_jw_obj(&w);
		rk_jw_kstr(&w, "kind", "package");
		rk_jw_kstr(&w, "name", p->name);
		if (p->dup) {
			rk_buf_reset(&id);
			rk_buf_addf(&id, "%s:%s@%s", econames[p->eco], p->name, p->dir);
			rk_jw_kstr(&w, "id", id.data);
		}
		rk_jw_kstr(&w, "version", p->version);
		rk_jw_kstr(&w, "ecosystem", econames[p->eco]);
		rk_jw_kstr(&w, "manager", p->manager);
		rk_jw_kstr(&w, "path", p->dir);
		rk_jw_kstr(&w, "manifest", p->manifest);
		rk_jw_kbool(&w, "publishable", p->publish > 0);
		if (p->private_ >= 0)
			rk_jw_kbool(&w, "private", p->private_);
		if (p->skip)
			rk_jw_kbool(&w, "skip", 1);
		if (p->group)
			rk_jw_kstr(&w, "group", p->group);
		if (p->ws)
			rk_jw_kstr(&w, "workspace", p->ws->dir);
		if (p->crate)
			rk_jw_kstr(&w, "crate", p->crate);
		if (p->rule && p->rule->label)
			rk_jw_kstr(&w, "label", p->rule->label);
		if (p->rule && p->rule->tag_format)
			rk_jw_kstr(&w, "tag_format", p->rule->tag_format);
		if (p->rule && p->rule->nextra) {
			rk_jw_key(&w, "extra_paths");
			rk_jw_arr(&w);
			for (j = 0; j < p->rule->nextra; j++)
				rk_jw_str(&w, p->rule->extra[j]);
			rk_jw_arr_end(&w);
		}
		rk_jw_kstr(&w, "version_source", p->vsource);
		if (p->description)
			rk_jw_kstr(&w, "description", p->description);
		rk_jw_key(&w, "deps");
		rk_jw_arr(&w);
		for (j = 0; j < p->ndeps; j++) {
			struct rk_ddep *dep = &p->deps[j];

			rk_jw_obj(&w);
			rk_jw_kstr(&w, "name", dep->name);
			rk_jw_kstr(&w, "ecosystem", econames[dep->eco]);
			if (dep->tdir)
				rk_jw_kstr(&w, "path", dep->tdir);
			rk_jw_kstr(&w, "spec", dep->spec);
			rk_jw_kstr(&w, "type", deptypes[dep->type]);
			if (dep->group)
				rk_jw_kstr(&w, "group", dep->group);
			if (dep->marker)
				rk_jw_kstr(&w, "marker", dep->marker);
			if (dep->cross)
				rk_jw_kbool(&w, "cross", 1);
			if (dep->dline > 0)
				rk_jw_kint(&w, "line", dep->dline);
			rk_jw_obj_end(&w);
		}
		rk_jw_arr_end(&w);
		rk_jw_obj_end(&w);
		put(&b, ctx);
	}
	free(v);
	rk_buf_release(&b);
	rk_buf_release(&id);
}

char *rk_discover_default_root(void)
{
	git_buf buf = {0};
	git_repository *repo = NULL;
	char *root = NULL;

	git_libgit2_init();
	if (git_repository_discover(&buf, ".", 0, NULL) == 0 &&
	    git_repository_open(&repo, buf.ptr) == 0 && git_repository_workdir(repo)) {
		size_t n;

		root = rk_xstrdup(git_repository_workdir(repo));
		n = strlen(root);
		while (n > 1 && root[n - 1] == '/')
			root[--n] = '\0';
	}
	git_repository_free(repo);
	git_buf_dispose(&buf);
	git_libgit2_shutdown();
	return root ? root : rk_xstrdup(".");
}
