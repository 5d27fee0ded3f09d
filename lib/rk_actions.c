/* rk_actions.c - the action DAG of a release plan (see the header). */
#include "rk_common.h"
#include "rk_actions.h"
#include "rk_cachekey.h"
#include "rk_json.h"
#include "rk_sha256.h"
#include "rk_strmap.h"
#include "rk_topo.h"

#include <ctype.h>
#include <sys/stat.h>

const char *const rk_action_type_names[RK_ACT_NTYPES] = {
	"bump", "ranges",  "lockfile", "changelog",  "commit", "draft", "pin",	"build",   "unpin",
	"sign", "publish", "poll",     "smoke_test", "verify", "tag",	"push", "release",
};

int rk_action_type_parse(const char *name)
{
	int i;

	for (i = 0; i < RK_ACT_NTYPES; i++)
		if (!strcmp(rk_action_type_names[i], name))
			return i;
	return -1;
}

struct act {
	char *id;
	const char *type;
	long pkg; /* -1 for single command actions */
	const struct rk_actions_cmd *cmd;
	long ws; /* lockfile actions: the index of a package of the workspace */
	size_t *deps;
	size_t ndeps, cap;
};

struct dag {
	struct act *a;
	size_t n, cap;
	struct rk_strmap ids;
};

static size_t act_new(struct dag *g, char *id, const char *type, long pkg,
		      const struct rk_actions_cmd *cmd)
{
	struct act *a;

	RK_GROW(g->a, g->cap, g->n + 1);
	a = &g->a[g->n];
	memset(a, 0, sizeof(*a));
	a->id = id;
	a->type = type;
	a->pkg = pkg;
	a->cmd = cmd;
	a->ws = -1;
	rk_strmap_put(&g->ids, id, strlen(id), g->n);
	return g->n++;
}

static void act_dep(struct dag *g, size_t a, size_t dep)
{
	struct act *x = &g->a[a];
	size_t i;

	if (a == dep)
		return;
	for (i = 0; i < x->ndeps; i++)
		if (x->deps[i] == dep)
			return;
	RK_GROW(x->deps, x->cap, x->ndeps + 1);
	x->deps[x->ndeps++] = dep;
}

/* "<a>:<eco>:<name>", or "<a>:<id>" for a package sharing its name. */
static char *idf(const char *a, const struct rk_actions_pkg *p)
{
	struct rk_buf b = RK_BUF_INIT;

	if (p->id)
		rk_buf_addf(&b, "%s:%s", a, p->id);
	else
		rk_buf_addf(&b, "%s:%s:%s", a, p->ecosystem, p->name);
	return rk_buf_detach(&b, NULL);
}

static bool enabled(const struct rk_actions_opts *o, const struct rk_actions_pkg *p, int t)
{
	if (o->disabled[t] || (t == RK_ACT_SMOKE_TEST && p->no_smoke_test))
		return false;
	if (t == RK_ACT_DRAFT && (o->disabled[RK_ACT_RELEASE] || !p->tag))
		return false; /* a draft only for a forge release of a tag */
	if (o->publish_only && t <= RK_ACT_COMMIT)
		return false;
	if (p->ranges_only)
		return t == RK_ACT_RANGES;
	if (o->snapshot)
		return t == RK_ACT_BUMP || t == RK_ACT_PIN || t == RK_ACT_BUILD ||
		       t == RK_ACT_UNPIN;
	if (!p->publishable)
		return !(t >= RK_ACT_PIN && t <= RK_ACT_VERIFY);
	return true;
}

/* Substitute {name} {version} {ecosystem} {path} {tag} in s. */
static char *subst(const char *s, const struct rk_actions_pkg *p)
{
	struct rk_buf b = RK_BUF_INIT;

	rk_buf_adds(&b, "");
	while (*s) {
		static const char *const names[] = {"name", "version", "ecosystem", "path", "tag"};
		const char *vals[5];
		size_t i;
		bool done = false;

		if (p && *s == '{') {
			vals[0] = p->name;
			vals[1] = p->version;
			vals[2] = p->ecosystem;
			vals[3] = p->path;
			vals[4] = p->tag;
			for (i = 0; i < 5; i++) {
				size_t l = strlen(names[i]);

				if (!strncmp(s + 1, names[i], l) && s[1 + l] == '}') {
					rk_buf_adds(&b, vals[i] ? vals[i] : "");
					s += l + 2;
					done = true;
					break;
				}
			}
		}
		if (!done)
			rk_buf_addc(&b, *s++);
	}
	return rk_buf_detach(&b, NULL);
}

static void input_digest(const char *workdir, const char *path, char hex[RK_SHA256_HEX])
{
	struct rk_buf b = RK_BUF_INIT;
	struct stat st;

	rk_buf_addf(&b, "%s/%s", workdir ? workdir : ".", path);
	if (stat(b.data, &st) < 0 ||
	    (S_ISDIR(st.st_mode) ? rk_sha256_tree(b.data, hex) : rk_sha256_file(b.data, hex)) < 0)
		snprintf(hex, RK_SHA256_HEX, "-");
	rk_buf_release(&b);
}

static bool valid_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-' && *s != '.')
			return false;
	return true;
}

/* "<dir>/<file>", or file when dir is "." or empty. */
static void path_in(struct rk_buf *b, const char *dir, const char *file)
{
	if (!dir || !*dir || !strcmp(dir, "."))
		rk_buf_adds(b, file);
	else
		rk_buf_addf(b, "%s/%s", dir, file);
}

static void changelog_file(const struct rk_actions_pkg *p, struct rk_buf *b)
{
	if (p->changelog_file)
		rk_buf_adds(b, p->changelog_file);
	else
		path_in(b, p->path, "CHANGELOG.md");
}

/* The workspace root's manifest, where versions and dependencies may be inherited from. */
static void ws_manifest(const struct rk_actions_pkg *p, struct rk_buf *b)
{
	const char *f = !strcmp(p->ecosystem, "cargo")	  ? "Cargo.toml"
			: !strcmp(p->ecosystem, "python") ? "pyproject.toml"
							  : "package.json";

	path_in(b, p->workspace, f);
}

static void kdeps(struct rk_jw *w, const char *key, const struct rk_actions_pkg *p,
		  const size_t *deps, size_t n, const struct rk_actions_pkg *pkgs)
{
	size_t k;

	rk_jw_key(w, key);
	rk_jw_arr(w);
	for (k = 0; k < n; k++) {
		const struct rk_actions_pkg *d = &pkgs[deps[k]];

		rk_jw_obj(w);
		rk_jw_kstr(w, "name", d->name);
		rk_jw_kstr(w, "ecosystem", d->ecosystem);
		rk_jw_kstr(w, "version", d->version);
		rk_jw_obj_end(w);
	}
	rk_jw_arr_end(w);
	(void)p;
}

/* The package's own fields every per-package executor gets. */
static void kpkg(struct rk_jw *w, const struct rk_actions_pkg *p)
{
	rk_jw_kstr(w, "manager", p->manager);
	rk_jw_kstr(w, "path", p->path);
	rk_jw_kstr(w, "manifest", p->manifest);
	if (p->workspace)
		rk_jw_kstr(w, "workspace", p->workspace);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The commit's params: every file prepare may write, the plan files it deletes, the releases. */
static void commit_params(struct rk_jw *w, const struct rk_actions_opts *o,
			  const struct rk_actions_pkg *pkgs, size_t n)
{
	char **v = NULL;
	size_t nv = 0, cap = 0, i, k;
	struct rk_buf b = RK_BUF_INIT, msg = RK_BUF_INIT;
	size_t nrel = 0;

	for (i = 0; i < n; i++) {
		const struct rk_actions_pkg *p = &pkgs[i];

		RK_GROW(v, cap, nv + 5);
		if (p->manifest)
			v[nv++] = rk_xstrdup(p->manifest);
		if (p->workspace) {
			ws_manifest(p, &b);
			v[nv++] = rk_buf_detach(&b, NULL);
		}
		if (p->lockfile)
			v[nv++] = rk_xstrdup(p->lockfile);
		if (!p->ranges_only && !o->disabled[RK_ACT_CHANGELOG]) {
			changelog_file(p, &b);
			v[nv++] = rk_buf_detach(&b, NULL);
		}
	}
	for (i = 0; i < o->nplan_files; i++) {
		RK_GROW(v, cap, nv + 1);
		v[nv++] = rk_xstrdup(o->plan_files[i]);
	}
	qsort(v, nv, sizeof(*v), cmp_str);
	rk_jw_kstr(w, "head", o->head);
	rk_jw_key(w, "paths");
	rk_jw_arr(w);
	for (i = 0; i < nv; i++)
		if (i == 0 || strcmp(v[i], v[i - 1]))
			rk_jw_str(w, v[i]);
	rk_jw_arr_end(w);
	rk_jw_key(w, "delete");
	rk_jw_arr(w);
	for (i = 0; i < o->nplan_files; i++)
		rk_jw_str(w, o->plan_files[i]);
	rk_jw_arr_end(w);
	rk_jw_key(w, "releases");
	rk_jw_arr(w);
	for (i = 0; i < n; i++) {
		if (pkgs[i].ranges_only)
			continue;
		rk_jw_obj(w);
		rk_jw_kstr(w, "ecosystem", pkgs[i].ecosystem);
		rk_jw_kstr(w, "name", pkgs[i].name);
		if (pkgs[i].id)
			rk_jw_kstr(w, "id", pkgs[i].id);
		rk_jw_kstr(w, "version", pkgs[i].version);
		if (pkgs[i].tag)
			rk_jw_kstr(w, "tag", pkgs[i].tag);
		rk_jw_obj_end(w);
		nrel++;
	}
	rk_jw_arr_end(w);
	if (o->commit_message) {
		rk_buf_adds(&msg, o->commit_message);
	} else {
		rk_buf_adds(&msg, "chore(release): ");
		if (nrel > 3)
			rk_buf_addf(&msg, "%zu packages", nrel);
		for (i = 0, k = 0; i < n && nrel <= 3; i++)
			if (!pkgs[i].ranges_only)
				rk_buf_addf(&msg, "%s%s %s", k++ ? ", " : "", pkgs[i].name,
					    pkgs[i].version);
		rk_buf_adds(&msg, "\n\n");
		for (i = 0; i < n; i++)
			if (!pkgs[i].ranges_only && pkgs[i].id)
				rk_buf_addf(&msg, "- %s %s\n", pkgs[i].id, pkgs[i].version);
			else if (!pkgs[i].ranges_only)
				rk_buf_addf(&msg, "- %s:%s %s\n", pkgs[i].ecosystem, pkgs[i].name,
					    pkgs[i].version);
	}
	rk_jw_kstr(w, "message", msg.data);
	for (i = 0; i < nv; i++)
		free(v[i]);
	free(v);
	rk_buf_release(&msg);
	rk_buf_release(&b);
}

/* A package's artifact directory, .releasekit/dist/<eco>/<name>-<version> ('/' in a name: '+'). */
static void dist_dir(const struct rk_actions_pkg *p, struct rk_buf *b)
{
	char *q;

	rk_buf_addf(b, ".releasekit/dist/%s/%s-%s", p->ecosystem,
		    p->id ? strchr(p->id, ':') + 1 : p->name, p->version);
	for (q = b->data; *q; q++)
		if (*q == '/' && q > b->data + 19 + strlen(p->ecosystem))
			*q = '+'; /* @scope/x */
}

/* A package of the release of p's tag: p itself, or one with its tag (a train). */
static bool same_release(const struct rk_actions_pkg *p, const struct rk_actions_pkg *q)
{
	return !q->ranges_only && (q == p || (p->tag && q->tag && !strcmp(q->tag, p->tag)));
}

/*
 * draft and release: tag, remote, forge, the notes' sections (one per
 * package of the tag: name, version, its changelog text or, from a
 * release commit, the file holding it) and, for release, the assets' dists.
 */
static void release_params(struct rk_jw *w, const struct rk_actions_opts *o, bool assets,
			   const struct rk_actions_pkg *p, const struct rk_actions_pkg *pkgs,
			   size_t n)
{
	struct rk_buf b = RK_BUF_INIT;
	size_t k;

	if (p->tag)
		rk_jw_kstr(w, "tag", p->tag);
	if (!assets && o->publish_only && o->head)
		rk_jw_kstr(w, "target", o->head);
	rk_jw_kstr(w, "remote", o->remote ? o->remote : "origin");
	if (o->forge_json) {
		rk_jw_key(w, "forge");
		rk_jw_raw(w, o->forge_json, strlen(o->forge_json));
	}
	rk_jw_key(w, "sections");
	rk_jw_arr(w);
	for (k = 0; k < n; k++)
		if (same_release(p, &pkgs[k])) {
			rk_jw_obj(w);
			rk_jw_kstr(w, "name", pkgs[k].name);
			rk_jw_kstr(w, "version", pkgs[k].version);
			rk_jw_kstr(w, "notes", pkgs[k].changelog ? pkgs[k].changelog : "");
			changelog_file(&pkgs[k], &b); /* the notes when empty */
			rk_jw_kstr(w, "changelog", b.data);
			rk_buf_reset(&b);
			rk_jw_obj_end(w);
		}
	rk_jw_arr_end(w);
	if (o->release_draft) /* release_train(release_draft = True): left a draft */
		rk_jw_kbool(w, "draft", true);
	if (assets && o->no_release_artifacts)
		rk_jw_kbool(w, "artifacts", false); /* release_artifacts = False */
	else if (assets) { /* every package of the tag (a train shares one release) */
		rk_jw_key(w, "dists");
		rk_jw_arr(w);
		for (k = 0; k < n; k++)
			if (same_release(p, &pkgs[k])) {
				dist_dir(&pkgs[k], &b);
				rk_jw_str(w, b.data);
				rk_buf_reset(&b);
			}
		rk_jw_arr_end(w);
	}
	rk_buf_release(&b);
}

/* The "params" of built-in action i: what its executor needs (rk_exec_prepare.h). */
static void write_params(struct rk_jw *w, const struct rk_actions_opts *o, const struct dag *g,
			 size_t i, const struct rk_actions_pkg *pkgs, size_t n)
{
	const struct act *a = &g->a[i];
	const struct rk_actions_pkg *p = a->pkg >= 0 ? &pkgs[a->pkg] : NULL;
	int t = rk_action_type_parse(a->type);
	struct rk_buf b = RK_BUF_INIT;
	size_t k;

	rk_jw_obj(w);
	if (p) {
		kpkg(w, p);
		if (t >= RK_ACT_PIN && t <= RK_ACT_VERIFY) {
			dist_dir(p, &b);
			rk_jw_kstr(w, "dist", b.data);
			rk_buf_reset(&b);
		}
		if (p->pub && t >= RK_ACT_PUBLISH && t <= RK_ACT_VERIFY)
			rk_pub_target_write(w, p->pub, t == RK_ACT_PUBLISH);
	}
	switch (t) {
	case RK_ACT_SMOKE_TEST:
		if (p->smoke_cmd)
			rk_jw_kstr(w, "smoke_test", p->smoke_cmd);
		if (p->smoke_module)
			rk_jw_kstr(w, "module", p->smoke_module);
		break;
	case RK_ACT_BUMP:
		rk_jw_kstr(w, "version", p->version);
		if (p->current)
			rk_jw_kstr(w, "current", p->current);
		if (p->bump_files_json) {
			rk_jw_key(w, "bump_files");
			rk_jw_raw(w, p->bump_files_json, strlen(p->bump_files_json));
		}
		break;
	case RK_ACT_RANGES:
		kdeps(w, "deps", p, p->all_deps, p->nall_deps, pkgs);
		break;
	case RK_ACT_PIN:
		rk_jw_kstr(w, "strategy", p->pin_strategy ? p->pin_strategy : "exact");
		kdeps(w, "deps", p, p->deps, p->ndeps, pkgs);
		break;
	case RK_ACT_LOCKFILE: {
		const struct rk_actions_pkg *q = &pkgs[a->ws];

		rk_jw_kstr(w, "manager", q->manager);
		rk_jw_kstr(w, "workspace", q->workspace ? q->workspace : q->path);
		rk_jw_kstr(w, "lockfile", q->lockfile);
		rk_jw_key(w, "packages");
		rk_jw_arr(w);
		for (k = 0; k < n; k++)
			if (pkgs[k].lockfile && q->lockfile &&
			    !strcmp(pkgs[k].lockfile, q->lockfile))
				rk_jw_str(w, pkgs[k].name);
		rk_jw_arr_end(w);
		break;
	}
	case RK_ACT_CHANGELOG:
		changelog_file(p, &b);
		rk_jw_kstr(w, "file", b.data);
		rk_jw_kstr(w, "name", p->name);
		rk_jw_kstr(w, "version", p->version);
		rk_jw_kstr(w, "section", p->changelog ? p->changelog : "");
		if (p->previous_tag)
			rk_jw_kstr(w, "previous_tag", p->previous_tag);
		if (p->tag)
			rk_jw_kstr(w, "tag", p->tag);
		if (p->date)
			rk_jw_kstr(w, "date", p->date);
		if (o->remote || o->forge_json) /* the compare link's forge (as release's) */
			rk_jw_kstr(w, "remote", o->remote ? o->remote : "origin");
		if (o->forge_json) {
			rk_jw_key(w, "forge");
			rk_jw_raw(w, o->forge_json, strlen(o->forge_json));
		}
		break;
	case RK_ACT_COMMIT:
		commit_params(w, o, pkgs, n);
		break;
	case RK_ACT_TAG:
		rk_jw_kstr(w, "tag", p->tag);
		if (o->publish_only && o->head)
			rk_jw_kstr(w, "target", o->head);
		break;
	case RK_ACT_PUSH:
		rk_jw_kstr(w, "remote", o->remote ? o->remote : "origin");
		if (o->forge_json) { /* its token, for an HTTPS remote */
			rk_jw_key(w, "forge");
			rk_jw_raw(w, o->forge_json, strlen(o->forge_json));
		}
		rk_jw_key(w, "tags");
		rk_jw_arr(w);
		for (k = 0; k < a->ndeps; k++) {
			const struct act *d = &g->a[a->deps[k]];

			if (d->pkg >= 0 && pkgs[d->pkg].tag)
				rk_jw_str(w, pkgs[d->pkg].tag);
		}
		rk_jw_arr_end(w);
		break;
	case RK_ACT_DRAFT:
	case RK_ACT_RELEASE:
		release_params(w, o, t == RK_ACT_RELEASE, p, pkgs, n);
		break;
	default:
		if (p)
			rk_jw_kstr(w, "version", p->version);
		break;
	}
	rk_jw_obj_end(w);
	rk_buf_release(&b);
}

/* A command's phase: prepare when it feeds a prepare type or only follows them. */
static const char *cmd_phase(const struct rk_actions_cmd *c)
{
	size_t k;
	int t, maxin = -1;

	for (k = 0; k < c->noutputs; k++) {
		t = rk_action_type_parse(c->outputs[k]);
		if (t >= 0 && t <= RK_ACT_COMMIT)
			return "prepare";
	}
	for (k = 0; k < c->ninputs; k++) {
		t = rk_action_type_parse(c->inputs[k]);
		if (t > maxin)
			maxin = t;
	}
	return maxin >= 0 && maxin < RK_ACT_COMMIT ? "prepare" : "publish";
}

/*
 * A command action's fields, the same in its record and its key: "name",
 * "argv" (substituted), "env" (its declared environment), "cwd",
 * "timeout_s".
 */
static void cmd_fields(struct rk_jw *w, const struct rk_actions_cmd *c, char *const *argv,
		       const struct rk_actions_pkg *p)
{
	size_t k;

	rk_jw_kstr(w, "name", c->name);
	rk_jw_key(w, "argv");
	rk_jw_arr(w);
	for (k = 0; k < c->nargv; k++)
		rk_jw_str(w, argv[k]);
	rk_jw_arr_end(w);
	rk_jw_key(w, "env");
	rk_jw_obj(w);
	if (p) {
		rk_jw_kstr(w, "RK_ECOSYSTEM", p->ecosystem);
		rk_jw_kstr(w, "RK_PACKAGE", p->name);
		rk_jw_kstr(w, "RK_PATH", p->path);
		rk_jw_kstr(w, "RK_TAG", p->tag);
		rk_jw_kstr(w, "RK_VERSION", p->version);
	}
	rk_jw_obj_end(w);
	rk_jw_kstr(w, "cwd", p ? p->path : ".");
	rk_jw_kint(w, "timeout_s", c->timeout_s);
}

/*
 * The key of action a (rk_cachekey.h; the order of its fields does not
 * matter: the key is over the canonical JSON). 0, or -1 with err set.
 */
static int action_key(const struct rk_actions_opts *o, const struct dag *g, const struct act *a,
		      const struct rk_actions_pkg *p, char *const *argv,
		      const struct rk_buf *params, char key[RK_SHA256_HEX], struct rk_err *err)
{
	const struct rk_actions_cmd *c = a->cmd;
	const char *cj = p ? p->config_json : o->config_json;
	struct rk_buf kb = RK_BUF_INIT;
	struct rk_jw w;
	size_t k;
	int rc;

	rk_jw_init(&w, &kb);
	rk_jw_obj(&w);
	rk_jw_kstr(&w, "type", a->type);
	rk_jw_kstr(&w, "package", p ? p->name : NULL);
	rk_jw_kstr(&w, "ecosystem", p ? p->ecosystem : NULL);
	rk_jw_kstr(&w, "version", p ? p->version : NULL);
	rk_jw_kstr(&w, "source", p ? p->source_digest : NULL);
	rk_jw_kstr(&w, "manifest", p ? p->manifest_digest : NULL);
	rk_jw_kstr(&w, "tool", o->tool);
	rk_jw_key(&w, "config");
	if (cj)
		rk_jw_raw(&w, cj, strlen(cj));
	else
		rk_jw_null(&w);
	if (!c) {
		rk_jw_key(&w, "params");
		rk_jw_raw(&w, params->data, params->len);
	} else {
		cmd_fields(&w, c, argv, p);
		rk_jw_key(&w, "rule");
		rk_jw_raw(&w, c->config_json, strlen(c->config_json));
		rk_jw_key(&w, "inputs");
		rk_jw_obj(&w);
		for (k = 0; k < c->ninputs; k++) {
			char hex[RK_SHA256_HEX];

			if (rk_action_type_parse(c->inputs[k]) >= 0 ||
			    rk_strmap_get(&g->ids, c->inputs[k], strlen(c->inputs[k]),
					  &(size_t){0}))
				continue;
			input_digest(o->workdir, c->inputs[k], hex);
			rk_jw_kstr(&w, c->inputs[k], hex);
		}
		rk_jw_obj_end(&w);
	}
	rk_jw_obj_end(&w);
	rc = rk_cachekey(kb.data, kb.len, key, err);
	rk_buf_release(&kb);
	return rc;
}

/*
 * Hand the record of action i (its key computed here) to o->record. 0, or
 * -1 with err set (an internal error: the key's JSON is not JSON).
 */
static int emit(const struct rk_actions_opts *o, const struct dag *g, size_t i,
		const struct rk_actions_pkg *pkgs, size_t n, struct rk_err *err)
{
	const struct act *a = &g->a[i];
	const struct rk_actions_pkg *p = a->pkg >= 0 ? &pkgs[a->pkg] : NULL;
	const struct rk_actions_cmd *c = a->cmd;
	struct rk_buf rec = RK_BUF_INIT, params = RK_BUF_INIT;
	struct rk_jw w;
	struct rk_err kerr;
	char key[RK_SHA256_HEX];
	char **argv = NULL;
	size_t k;
	int rc = -1;

	if (c) {
		argv = rk_xcalloc(c->nargv + 1, sizeof(*argv));
		for (k = 0; k < c->nargv; k++)
			argv[k] = subst(c->argv[k], p);
	} else {
		rk_jw_init(&w, &params);
		write_params(&w, o, g, i, pkgs, n);
	}
	if (action_key(o, g, a, p, argv, &params, key, &kerr) < 0) {
		rk_err_set(err, NULL, 0, 0, "internal error: cache key JSON: %s", kerr.msg);
		goto out;
	}

	rk_jw_init(&w, &rec);
	rk_jw_obj(&w);
	rk_jw_kstr(&w, "kind", "action");
	rk_jw_kstr(&w, "id", a->id);
	rk_jw_kstr(&w, "type", c ? "command" : a->type);
	rk_jw_kstr(&w, "phase",
		   c						    ? cmd_phase(c)
		   : rk_action_type_parse(a->type) <= RK_ACT_COMMIT ? "prepare"
								    : "publish");
	if (p) {
		rk_jw_kstr(&w, "package", p->name);
		rk_jw_kstr(&w, "ecosystem", p->ecosystem);
		rk_jw_kstr(&w, "version", p->version);
		if (!c && (!strcmp(a->type, "tag") || !strcmp(a->type, "release") ||
			   !strcmp(a->type, "draft")))
			rk_jw_kstr(&w, "tag", p->tag);
	}
	rk_jw_key(&w, "deps");
	rk_jw_arr(&w);
	for (k = 0; k < a->ndeps; k++)
		rk_jw_str(&w, g->a[a->deps[k]].id);
	rk_jw_arr_end(&w);
	rk_jw_kstr(&w, "key", key);
	if (!c) {
		rk_jw_key(&w, "params");
		rk_jw_raw(&w, params.data, params.len);
	} else {
		cmd_fields(&w, c, argv, p);
		rk_jw_key(&w, "outputs");
		rk_jw_arr(&w);
		for (k = 0; k < c->noutputs; k++)
			rk_jw_str(&w, c->outputs[k]);
		rk_jw_arr_end(&w);
	}
	rk_jw_obj_end(&w);
	if (o->record)
		o->record(o->record_ctx, &rec);
	rc = 0;
out:
	if (argv) {
		for (k = 0; k < c->nargv; k++)
			free(argv[k]);
		free(argv);
	}
	rk_buf_release(&rec);
	rk_buf_release(&params);
	return rc;
}

static size_t dep_count(const void *ctx, size_t v)
{
	return ((const struct dag *)ctx)->a[v].ndeps;
}

static size_t dep_at(const void *ctx, size_t v, size_t i)
{
	return ((const struct dag *)ctx)->a[v].deps[i];
}

/* "action 'x': dependency cycle: A -> B -> A" (-> waits for), at a command's rule. */
static int cycle_err(const struct dag *g, const struct rk_topo_cycle *cy, struct rk_err *err)
{
	const struct rk_actions_cmd *c = NULL;
	struct rk_buf b = RK_BUF_INIT;
	size_t j;
	int rc;

	for (j = 0; j < cy->n; j++) {
		const struct act *a = &g->a[cy->v[j]];

		if (!c)
			c = a->cmd;
		rk_buf_addf(&b, "%s -> ", a->id);
	}
	rk_buf_adds(&b, g->a[cy->v[0]].id);
	rc = rk_err_set(err, c ? c->source : NULL, c ? c->line : 0, 0,
			"action '%s': dependency cycle: %s", c ? c->name : g->a[cy->v[0]].id,
			b.data);
	rk_buf_release(&b);
	return rc;
}

int rk_actions_check(const struct rk_actions_cmd *cmds, size_t ncmds, struct rk_err *err)
{
	size_t j, k;
	int t;

	for (j = 0; j < ncmds; j++) {
		const struct rk_actions_cmd *c = &cmds[j];
		int maxin = -1, minout = RK_ACT_NTYPES;

		if (!valid_name(c->name) || rk_action_type_parse(c->name) >= 0)
			return rk_err_set(
				err, c->source, c->line, 0,
				"action '%s': name must be [A-Za-z0-9_.-]+ and not an action type",
				c->name);
		if (!c->nargv)
			return rk_err_set(err, c->source, c->line, 0, "action '%s': empty command",
					  c->name);
		for (k = 0; k < c->ninputs; k++) {
			t = rk_action_type_parse(c->inputs[k]);
			if (t > maxin)
				maxin = t;
		}
		for (k = 0; k < c->noutputs; k++) {
			t = rk_action_type_parse(c->outputs[k]);
			if (t >= 0 && t < minout)
				minout = t;
		}
		if (minout < RK_ACT_NTYPES && minout <= maxin)
			return rk_err_set(err, c->source, c->line, 0,
					  "action '%s': output '%s' does not come after input '%s'",
					  c->name, rk_action_type_names[minout],
					  rk_action_type_names[maxin]);
	}
	return 0;
}

int rk_actions_emit(const struct rk_actions_opts *o, const struct rk_actions_pkg *pkgs, size_t n,
		    const struct rk_actions_cmd *cmds, size_t ncmds, struct rk_err *err)
{
	struct dag g = {0};
	struct rk_strmap tags = RK_STRMAP_INIT;
	long *pos = rk_xcalloc(n * RK_ACT_NTYPES + 1, sizeof(long));
	size_t **cmdact = rk_xcalloc(ncmds + 1, sizeof(*cmdact));
	size_t *ncmdact = rk_xcalloc(ncmds + 1, sizeof(*ncmdact));
	size_t *order = NULL;
	struct rk_topo_cycle cy = {0};
	struct rk_topo topo = {0, dep_count, dep_at, NULL, NULL};
	struct rk_strmap wslast = RK_STRMAP_INIT;
	size_t i, j, k, x, *locks = NULL, nlocks = 0, lockcap = 0;
	long last = -1, commit = -1, push = -1;
	size_t nrel = 0; /* released packages come first, ranges_only ones last */
	int t, rc = -1;

	if (rk_actions_check(cmds, ncmds, err) < 0)
		goto out;
	while (nrel < n && !pkgs[nrel].ranges_only)
		nrel++;

	/* prepare: one serial chain (bump, ranges), the lockfiles, then the
	 * changelogs and the commit */
	for (i = 0; i < n; i++)
		for (t = 0; t < RK_ACT_NTYPES; t++)
			pos[i * RK_ACT_NTYPES + t] = -1;
	for (t = RK_ACT_BUMP; t <= RK_ACT_RANGES; t++)
		for (i = 0; i < n; i++) {
			if (!enabled(o, &pkgs[i], t) || (t == RK_ACT_RANGES && !pkgs[i].nall_deps))
				continue;
			x = act_new(&g, idf(rk_action_type_names[t], &pkgs[i]),
				    rk_action_type_names[t], (long)i, NULL);
			if (last >= 0)
				act_dep(&g, x, (size_t)last);
			last = (long)x;
			pos[i * RK_ACT_NTYPES + t] = (long)x;
		}
	for (i = 0; i < n; i++) {
		struct rk_buf lid = RK_BUF_INIT;

		if (!pkgs[i].lockfile || !pkgs[i].manager || o->disabled[RK_ACT_LOCKFILE] ||
		    o->publish_only || o->snapshot ||
		    (pos[i * RK_ACT_NTYPES + RK_ACT_BUMP] < 0 &&
		     pos[i * RK_ACT_NTYPES + RK_ACT_RANGES] < 0))
			continue;
		rk_buf_addf(&lid, "lockfile:%s:%s", pkgs[i].manager,
			    pkgs[i].workspace ? pkgs[i].workspace : pkgs[i].path);
		if (!rk_strmap_get(&g.ids, lid.data, lid.len, &x)) {
			x = act_new(&g, rk_buf_detach(&lid, NULL),
				    rk_action_type_names[RK_ACT_LOCKFILE], -1, NULL);
			g.a[x].ws = (long)i;
			if (last >= 0)
				act_dep(&g, x, (size_t)last);
			RK_GROW(locks, lockcap, nlocks + 1);
			locks[nlocks++] = x;
		}
		pos[i * RK_ACT_NTYPES + RK_ACT_LOCKFILE] = (long)x;
		rk_buf_release(&lid);
	}
	for (i = 0; i < n; i++) {
		if (!enabled(o, &pkgs[i], RK_ACT_CHANGELOG))
			continue;
		x = act_new(&g, idf("changelog", &pkgs[i]), "changelog", (long)i, NULL);
		if (last >= 0)
			act_dep(&g, x, (size_t)last);
		for (k = 0; k < nlocks; k++)
			act_dep(&g, x, locks[k]);
		last = (long)x;
		nlocks = 0; /* the first changelog waits for them; the rest for it */
		pos[i * RK_ACT_NTYPES + RK_ACT_CHANGELOG] = (long)x;
	}
	if (nrel && !o->disabled[RK_ACT_COMMIT] && !o->publish_only && !o->snapshot) {
		commit = (long)act_new(&g, rk_xstrdup("commit:release"), "commit", -1, NULL);
		if (last >= 0)
			act_dep(&g, (size_t)commit, (size_t)last);
		for (k = 0; k < nlocks; k++)
			act_dep(&g, (size_t)commit, locks[k]);
		for (i = 0; i < n; i++)
			pos[i * RK_ACT_NTYPES + RK_ACT_COMMIT] = commit;
	}
	nlocks = 0;

	/* publish: per package; packages with the same tag share its tag and
	 * release actions; pin..unpin one workspace at a time */
	for (i = 0; i < n; i++) {
		long prev = commit >= 0 ? commit : last; /* after the whole prepare phase */
		size_t first = i;
		struct rk_buf wsk = RK_BUF_INIT;
		size_t wsi;
		long start;

		if (pkgs[i].ranges_only)
			continue;
		if (pkgs[i].tag && !rk_strmap_get(&tags, pkgs[i].tag, strlen(pkgs[i].tag), &first))
			rk_strmap_put(&tags, pkgs[i].tag, strlen(pkgs[i].tag), i);
		rk_buf_addf(&wsk, "%s%c%s", pkgs[i].manager ? pkgs[i].manager : pkgs[i].ecosystem,
			    0, pkgs[i].workspace ? pkgs[i].workspace : pkgs[i].path);
		/* the tag's forge release as a draft first (one per tag): a failed
		 * publish leaves a draft, never a published release */
		if (enabled(o, &pkgs[i], RK_ACT_DRAFT)) {
			x = first != i && pos[first * RK_ACT_NTYPES + RK_ACT_DRAFT] >= 0
				    ? (size_t)pos[first * RK_ACT_NTYPES + RK_ACT_DRAFT]
				    : act_new(&g, idf("draft", &pkgs[i]), "draft", (long)i, NULL);
			pos[i * RK_ACT_NTYPES + RK_ACT_DRAFT] = (long)x;
			if (prev >= 0)
				act_dep(&g, x, (size_t)prev);
			prev = (long)x;
		}
		start = prev;
		for (t = RK_ACT_PIN; t <= RK_ACT_TAG; t++) {
			if (!enabled(o, &pkgs[i], t))
				continue;
			if (first != i && t == RK_ACT_TAG && pos[first * RK_ACT_NTYPES + t] >= 0) {
				pos[i * RK_ACT_NTYPES + t] = pos[first * RK_ACT_NTYPES + t];
				if (prev >= 0)
					act_dep(&g, (size_t)pos[i * RK_ACT_NTYPES + t],
						(size_t)prev);
				prev = pos[i * RK_ACT_NTYPES + t];
				continue;
			}
			x = act_new(&g, idf(rk_action_type_names[t], &pkgs[i]),
				    rk_action_type_names[t], (long)i, NULL);
			pos[i * RK_ACT_NTYPES + t] = (long)x;
			if (prev >= 0)
				act_dep(&g, x, (size_t)prev);
			if (t <= RK_ACT_UNPIN && prev == start &&
			    rk_strmap_get(&wslast, wsk.data, wsk.len, &wsi))
				act_dep(&g, x, wsi);
			if (t <= RK_ACT_UNPIN)
				rk_strmap_put(&wslast, wsk.data, wsk.len, x); /* replaces */
			prev = (long)x;
		}
		rk_buf_release(&wsk);
	}
	/* a dependent's publish waits for its dependencies' poll */
	for (i = 0; i < n; i++) {
		long pub = pos[i * RK_ACT_NTYPES + RK_ACT_PUBLISH];

		if (pub < 0)
			continue;
		for (k = 0; k < pkgs[i].ndeps; k++) {
			size_t d = pkgs[i].deps[k];
			long y = pos[d * RK_ACT_NTYPES + RK_ACT_POLL];

			if (y < 0)
				y = pos[d * RK_ACT_NTYPES + RK_ACT_PUBLISH];
			if (y >= 0)
				act_dep(&g, (size_t)pub, (size_t)y);
		}
	}
	/* push the tags (one action), then the forge releases */
	for (i = 0; i < n; i++) {
		long tg = pos[i * RK_ACT_NTYPES + RK_ACT_TAG];

		if (tg < 0 || o->disabled[RK_ACT_PUSH])
			continue;
		if (push < 0)
			push = (long)act_new(&g, rk_xstrdup("push:tags"), "push", -1, NULL);
		act_dep(&g, (size_t)push, (size_t)tg);
	}
	for (i = 0; i < n; i++) {
		long prev = push >= 0 ? push : pos[i * RK_ACT_NTYPES + RK_ACT_TAG];
		size_t first = i;

		pos[i * RK_ACT_NTYPES + RK_ACT_PUSH] = push;
		if (!enabled(o, &pkgs[i], RK_ACT_RELEASE))
			continue;
		if (pkgs[i].tag)
			rk_strmap_get(&tags, pkgs[i].tag, strlen(pkgs[i].tag), &first);
		if (first != i && pos[first * RK_ACT_NTYPES + RK_ACT_RELEASE] >= 0) {
			pos[i * RK_ACT_NTYPES + RK_ACT_RELEASE] =
				pos[first * RK_ACT_NTYPES + RK_ACT_RELEASE];
			continue;
		}
		if (prev < 0) /* untagged: after the package's last step */
			for (t = RK_ACT_VERIFY; t >= 0 && prev < 0; t--)
				prev = pos[i * RK_ACT_NTYPES + t];
		x = act_new(&g, idf("release", &pkgs[i]), "release", (long)i, NULL);
		pos[i * RK_ACT_NTYPES + RK_ACT_RELEASE] = (long)x;
		if (prev >= 0)
			act_dep(&g, x, (size_t)prev);
	}
	/* command actions: create, then wire */
	for (j = 0; j < ncmds; j++) {
		const struct rk_actions_cmd *c = &cmds[j];
		bool per = false;

		for (k = 0; k < c->ninputs; k++)
			if (rk_action_type_parse(c->inputs[k]) >= 0)
				per = true;
		cmdact[j] = rk_xcalloc(n + 1, sizeof(size_t));
		if (!nrel)
			continue; /* nothing is released: no commands either */
		if (!per) {
			cmdact[j][0] = act_new(&g, rk_xstrdup(c->name), "command", -1, c);
			ncmdact[j] = 1;
			continue;
		}
		for (i = 0; i < nrel; i++)
			cmdact[j][i] = act_new(&g, idf(c->name, &pkgs[i]), "command", (long)i, c);
		ncmdact[j] = nrel;
	}
	for (j = 0; j < ncmds; j++) {
		const struct rk_actions_cmd *c = &cmds[j];
		bool per = ncmdact[j] && g.a[cmdact[j][0]].pkg >= 0;

		for (i = 0; i < ncmdact[j]; i++) {
			size_t me = cmdact[j][i];

			for (k = 0; k < c->ninputs; k++) {
				t = rk_action_type_parse(c->inputs[k]);
				if (t >= 0) {
					int u;

					for (u = t; u >= 0 && pos[i * RK_ACT_NTYPES + u] < 0; u--)
						;
					if (u >= 0)
						act_dep(&g, me, (size_t)pos[i * RK_ACT_NTYPES + u]);
				} else if (rk_strmap_get(&g.ids, c->inputs[k], strlen(c->inputs[k]),
							 &x)) {
					act_dep(&g, me, x);
				}
			}
			for (k = 0; k < c->noutputs; k++) {
				t = rk_action_type_parse(c->outputs[k]);
				if (t >= 0 && per) {
					int u;

					for (u = t;
					     u < RK_ACT_NTYPES && pos[i * RK_ACT_NTYPES + u] < 0;
					     u++)
						;
					if (u < RK_ACT_NTYPES)
						act_dep(&g, (size_t)pos[i * RK_ACT_NTYPES + u], me);
				} else if (t < 0 && rk_strmap_get(&g.ids, c->outputs[k],
								  strlen(c->outputs[k]), &x)) {
					act_dep(&g, x, me);
				}
			}
		}
	}
	/* the whole order first: a cycle leaves nothing written */
	order = rk_xcalloc(g.n + 1, sizeof(size_t));
	topo.n = g.n;
	topo.ctx = &g;
	if (rk_topo_dfs(&topo, 0, order, &cy) < 0) {
		cycle_err(&g, &cy, err);
		goto out;
	}
	for (i = 0; i < g.n && !o->check_only; i++)
		if (emit(o, &g, order[i], pkgs, n, err) < 0) {
			rc = -2;
			goto out;
		}
	rc = 0;
out:
	for (i = 0; i < g.n; i++) {
		free(g.a[i].id);
		free(g.a[i].deps);
	}
	free(g.a);
	free(order);
	rk_topo_cycle_release(&cy);
	rk_strmap_release(&g.ids);
	rk_strmap_release(&tags);
	rk_strmap_release(&wslast);
	free(locks);
	for (j = 0; j < ncmds; j++)
		free(cmdact[j]);
	free(cmdact);
	free(ncmdact);
	free(pos);
	return rc;
}
