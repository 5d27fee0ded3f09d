/*
 * cmd/rk-config/generate.c - rk-config --generate (`releasekit generate`):
 * package records on stdin into a RELEASE.star (see generate.h).
 */
#include "rk_common.h"
#include "generate.h"
#include "rk_cfggen.h"
#include "rk_json.h"
#include "rk_record.h"

#include <stdlib.h>
#include <sys/stat.h>

struct pkg {
	char *name, *ecosystem, *manager, *path;
	char *workspace; /* the record's "workspace" (root directory), or NULL */
	char **deps;	 /* "ecosystem\0name" pairs flattened as "eco:name" */
	size_t ndeps;
	int publishable;
	char *group;
};

/* Whether a workspace rule for (prefix, root) is written by hand. */
static int manual_ws(const struct rk_gen_directives *d, const char *prefix, const char *root)
{
	size_t i, n = strlen(prefix);

	for (i = 0; d && i < d->nwsroots; i++)
		if (!strncmp(d->wsroots[i], prefix, n) &&
		    !strcmp(d->wsroots[i] + n, "_workspace") &&
		    !strcmp(d->wsroots[i] + n + strlen("_workspace") + 1, root))
			return 1;
	return 0;
}

/* ---- packages ---- */

struct pkgs {
	struct pkg *v;
	size_t n, cap;
};

static void pkgs_free(struct pkgs *ps)
{
	size_t i, j;

	for (i = 0; i < ps->n; i++) {
		struct pkg *p = &ps->v[i];
		free(p->name);
		free(p->ecosystem);
		free(p->manager);
		free(p->path);
		free(p->workspace);
		free(p->group);
		for (j = 0; j < p->ndeps; j++)
			free(p->deps[j]);
		free(p->deps);
	}
	free(ps->v);
}

/* What --generate needs of a package record (rk_record_need). */
static const char *const package_needs[] = {"name", "ecosystem", "manager", "path", NULL};

static int read_packages(struct pkgs *ps)
{
	struct rk_ndjson r;
	int rc, ret = 0;

	rk_ndjson_init(&r, stdin, "<stdin>");
	while ((rc = rk_ndjson_next(&r)) > 0) {
		const struct rk_json *d = &r.doc;
		const char *name, *eco, *mgr, *path;
		struct pkg *p;
		int deps, e;
		if (strcmp(r.kind, "package"))
			continue;
		if (rk_record_need(d, r.source, r.line, package_needs, &r.err) != 0) {
			rk_err_print(&r.err);
			ret = -1;
			break;
		}
		name = rk_json_get_str(d, 0, "name");
		eco = rk_json_get_str(d, 0, "ecosystem");
		mgr = rk_json_get_str(d, 0, "manager");
		path = rk_json_get_str(d, 0, "path");
		RK_GROW(ps->v, ps->cap, ps->n + 1);
		p = &ps->v[ps->n++];
		memset(p, 0, sizeof(*p));
		/* pnpm members sharing a name (the record has an id): name@path */
		if (rk_json_get_str(d, 0, "id")) {
			struct rk_buf nb = RK_BUF_INIT;
			rk_buf_addf(&nb, "%s@%s", name, path);
			p->name = rk_buf_detach(&nb, NULL);
		} else {
			p->name = rk_xstrdup(name);
		}
		p->ecosystem = rk_xstrdup(eco);
		p->manager = rk_xstrdup(mgr);
		p->path = rk_xstrdup(path);
		{
			const char *ws = rk_json_get_str(d, 0, "workspace");
			p->workspace = ws ? rk_xstrdup(ws) : NULL;
		}
		p->publishable = rk_json_bool(d, rk_json_get(d, 0, "publishable")) != 0;
		deps = rk_json_get(d, 0, "deps");
		for (e = rk_json_first(d, deps); e >= 0; e = rk_json_next(d, e)) {
			const char *dn = rk_json_get_str(d, e, "name");
			const char *de = rk_json_get_str(d, e, "ecosystem");
			struct rk_buf b = RK_BUF_INIT;
			if (!dn)
				continue;
			rk_buf_addf(&b, "%s:%s", de ? de : eco, dn);
			p->deps = rk_xrealloc(p->deps, (p->ndeps + 1) * sizeof(*p->deps));
			p->deps[p->ndeps++] = rk_buf_detach(&b, NULL);
		}
	}
	if (rc < 0) {
		rk_err_print(&r.err);
		ret = -1;
	}
	rk_ndjson_release(&r);
	return ret;
}

static char *dir_group(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *g, *c;

	if (!slash)
		return rk_xstrdup("root");
	g = rk_xstrndup(path, (size_t)(slash - path));
	for (c = g; *c; c++)
		if (*c == '/' || *c == '.' || *c == ' ')
			*c = '-';
	return g;
}

static const char *rule_prefix(const char *manager)
{
	if (!strcmp(manager, "uv"))
		return "uv";
	if (!strcmp(manager, "cargo"))
		return "cargo";
	if (!strcmp(manager, "pnpm"))
		return "pnpm";
	return "npm";
}

static const struct rk_gen_directive *find_directive(const struct rk_gen_directives *d,
						     const char *name)
{
	const struct rk_gen_directive *hit = NULL;
	size_t i;

	for (i = 0; d && i < d->n; i++)
		if (d->v[i].name && !strcmp(d->v[i].name, name))
			hit = &d->v[i]; /* the last one wins */
	return hit;
}

static int is_manual(const struct rk_gen_directives *d, const char *name)
{
	size_t i;

	for (i = 0; d && i < d->nmanual; i++)
		if (!strcmp(d->manual[i], name))
			return 1;
	return 0;
}

static int cmp_pkg(const void *a, const void *b)
{
	const struct pkg *x = a, *y = b;
	int c;

	if (!x->group || !y->group) /* not generated: last */
		return !x->group - !y->group;
	c = strcmp(x->group, y->group);
	if (!c)
		c = strcmp(x->name, y->name);
	return c ? c : strcmp(x->ecosystem, y->ecosystem);
}

static void q(struct rk_buf *b, const char *s)
{
	rk_json_quote(b, s, strlen(s));
}

/* Workspace rule name: the manager, or manager-DIR when it has several. */
static void workspace_name(struct rk_buf *b, const char *manager, const char *root, int several)
{
	const char *c;

	rk_buf_adds(b, manager);
	if (!several)
		return;
	rk_buf_addc(b, '-');
	if (!strcmp(root, "."))
		rk_buf_adds(b, "root");
	for (c = root; strcmp(root, ".") && *c; c++)
		rk_buf_addc(b, *c == '/' ? '-' : *c);
}

/*
 * One workspace rule per (manager, workspace root) of the records. A
 * workspace rule restricts rk-discover to the declared workspaces, so none
 * is written when some package has no "workspace" (a standalone package):
 * rk-discover then finds everything, as the records were made.
 */
static void generate_workspaces(const struct pkgs *ps, const struct rk_gen_directives *d,
				struct rk_buf *o)
{
	static const char *const managers[] = {"uv", "cargo", "pnpm", "npm", "yarn"};
	const char **roots = NULL;
	size_t i, j, k, n, cap = 0;

	for (i = 0; i < ps->n; i++)
		if (!ps->v[i].workspace) {
			if (ps->n)
				rk_buf_adds(
					o,
					"\n# No workspace rules: some packages are standalone.\n");
			return;
		}
	for (i = 0; i < RK_ARRAY_SIZE(managers); i++) {
		n = 0;
		for (j = 0; j < ps->n; j++) {
			if (strcmp(ps->v[j].manager, managers[i]))
				continue;
			for (k = 0; k < n && strcmp(roots[k], ps->v[j].workspace); k++)
				;
			if (k == n) {
				RK_GROW(roots, cap, n + 1);
				roots[n++] = ps->v[j].workspace;
			}
		}
		for (k = 0; k < n; k++) {
			if (manual_ws(d, rule_prefix(managers[i]), roots[k]))
				continue; /* declared by hand outside the region */
			rk_buf_addf(o, "\n%s_workspace(\n    name = \"", rule_prefix(managers[i]));
			workspace_name(o, managers[i], roots[k], n > 1);
			rk_buf_adds(o, "\",\n    root = ");
			q(o, roots[k]);
			rk_buf_adds(o, ",\n)\n");
		}
	}
	free(roots);
}

static void generate_region(struct pkgs *ps, const struct rk_gen_directives *d, struct rk_buf *o)
{
	size_t i, j, ngen = 0;
	const char *last_group = NULL;
	struct rk_buf groups = RK_BUF_INIT;
	int any_group = 0;

	rk_buf_adds(o, RK_GEN_BEGIN "\n");
	rk_buf_adds(o,
		    "# Written by `releasekit generate`: `releasekit generate --update` rewrites\n"
		    "# everything up to the end marker. Edit outside this region.\n");
	for (i = 0; d && i < d->n; i++)
		if (d->v[i].in_region && d->v[i].name) {
			if (d->v[i].ignore)
				rk_buf_addf(o, RK_GEN_DIRECTIVE "ignore %s\n", d->v[i].name);
			else
				rk_buf_addf(o, RK_GEN_DIRECTIVE "group=%s %s\n", d->v[i].group,
					    d->v[i].name);
		}
	generate_workspaces(ps, d, o);
	/* Packages, by group then name. */
	if (ps->n) /* qsort(NULL, 0) is undefined */
		qsort(ps->v, ps->n, sizeof(*ps->v), cmp_pkg);
	for (i = 0; i < ps->n; i++) {
		struct pkg *p = &ps->v[i];
		if (!p->group)
			continue;
		if (!last_group || strcmp(last_group, p->group)) {
			rk_buf_addf(o, "\n# Group %s\n", p->group);
			last_group = p->group;
		}
		rk_buf_addf(o, "%s_package(name = ", rule_prefix(p->manager));
		q(o, p->name);
		rk_buf_adds(o, ", group = ");
		q(o, p->group);
		if (!p->publishable)
			rk_buf_adds(o, ", skip = True");
		rk_buf_adds(o, ")\n");
		ngen++;
	}
	/* Groups. */
	for (i = 0; i < ps->n;) {
		const char *g = ps->v[i].group;
		if (!g) {
			i++;
			continue;
		}
		rk_buf_adds(o, "\nrelease_group(\n    name = ");
		q(o, g);
		rk_buf_adds(o, ",\n    packages = [\n");
		for (j = i; j < ps->n && ps->v[j].group && !strcmp(ps->v[j].group, g); j++) {
			if (j > i && !strcmp(ps->v[j].name, ps->v[j - 1].name))
				continue;
			rk_buf_adds(o, "        ");
			q(o, ps->v[j].name);
			rk_buf_adds(o, ",\n");
		}
		rk_buf_adds(o, "    ],\n)\n");
		rk_buf_adds(&groups, "        ");
		q(&groups, g);
		rk_buf_adds(&groups, ",\n");
		any_group = 1;
		i = j;
	}
	for (i = 0; d && i < d->ngroups; i++) {
		rk_buf_adds(&groups, "        ");
		q(&groups, d->groups[i]);
		rk_buf_adds(&groups, ",\n");
		any_group = 1;
	}
	if (any_group && !(d && d->manual_train))
		rk_buf_addf(
			o,
			"\nrelease_train(\n    name = \"default\",\n    groups = [\n%s    ],\n)\n",
			groups.data);
	rk_buf_adds(o, RK_GEN_END "\n");
	rk_buf_release(&groups);
	(void)ngen;
}

static const char header[] =
	"# RELEASE.star -- releasekit configuration (Starlark).\n"
	"#\n"
	"# Generated by `releasekit generate`, then yours to customise outside the\n"
	"# generated region. Re-run `releasekit generate --update` after adding or\n"
	"# removing packages. Directives: `# releasekit:generate ignore [NAME]`,\n"
	"# `# releasekit:generate group=GROUP [NAME]`. See rk-config(1).\n"
	"\n";

int rk_gen_run(const struct rk_gen_opts *o)
{
	struct rk_buf path = RK_BUF_INIT, old = RK_BUF_INIT, out = RK_BUF_INIT,
		      region = RK_BUF_INIT;
	struct rk_gen_directives *d = NULL;
	struct pkgs ps = {NULL, 0, 0};
	struct rk_err err;
	int have_old, rc = RK_EXIT_INPUT;
	size_t i;

	rk_buf_addf(&path, "%s/%s", o->root, o->file);
	have_old = rk_buf_read_file(&old, path.data) == 0;
	if (!have_old && errno != ENOENT) {
		rk_error("%s: %s", path.data, strerror(errno));
		rc = RK_EXIT_FAIL;
		goto out;
	}
	if (have_old) {
		d = rk_gen_directives_parse(old.data ? old.data : "", old.len, o->file, &err);
		if (!d) {
			rk_err_print(&err);
			goto out;
		}
	}
	if (read_packages(&ps) < 0)
		goto out;
	for (i = 0; i < ps.n; i++) {
		struct pkg *p = &ps.v[i];
		const struct rk_gen_directive *dv = find_directive(d, p->name);
		if ((dv && dv->ignore) || is_manual(d, p->name))
			continue;
		if (dv && dv->group) {
			p->group = rk_xstrdup(dv->group);
		} else {
			/* by workspace and directory, as a maintainer groups them;
			 * never by dependency level (rk-graph orders the release) */
			p->group = dir_group(p->path);
		}
	}
	generate_region(&ps, d, &region);
	if (!o->update || !have_old) {
		rk_buf_adds(&out, header);
		rk_buf_add(&out, region.data, region.len);
	} else {
		const char *t = old.data ? old.data : "";
		size_t b = 0, e = 0;
		int found = rk_gen_region(t, old.len, o->file, &b, &e, &err);

		if (found < 0) {
			rk_err_print(&err);
			goto out;
		}
		if (found) {
			rk_buf_add(&out, t, b);
			rk_buf_add(&out, region.data, region.len);
			rk_buf_add(&out, t + e, old.len - e);
		} else {
			rk_buf_add(&out, t, old.len);
			if (old.len && t[old.len - 1] != '\n')
				rk_buf_addc(&out, '\n');
			rk_buf_addc(&out, '\n');
			rk_buf_add(&out, region.data, region.len);
		}
	}
	if (o->update) {
		/* Through a symbolic link, replace its target, not the link. */
		char *real = have_old ? realpath(path.data, NULL) : NULL;
		struct stat st;
		int mode = real && stat(real, &st) == 0 ? (int)(st.st_mode & 07777) : 0644;

		if (rk_write_file_atomic(real ? real : path.data, out.data, out.len, mode) < 0) {
			rk_error("cannot write %s: %s", path.data, strerror(errno));
			free(real);
			rc = RK_EXIT_FAIL;
			goto out;
		}
		free(real);
	} else {
		rk_out(out.data, out.len);
	}
	rc = RK_EXIT_OK;
out:
	rk_gen_directives_free(d);
	pkgs_free(&ps);
	rk_buf_release(&path);
	rk_buf_release(&old);
	rk_buf_release(&out);
	rk_buf_release(&region);
	return rc;
}
