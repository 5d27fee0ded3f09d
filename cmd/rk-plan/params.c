/*
 * cmd/rk-plan/params.c - the action records: each package's rk_actions_pkg (the executors' params:
 * manifest, lockfile, digests, pins, smoke test) and the DAG written by rk_actions_emit (rk-plan;
 * plan.h).
 */
#include "rk_common.h"
#include "plan.h"
#include "rk_actions.h"
#include "rk_cachekey.h"
#include "rk_history.h"
#include "rk_json.h"
#include "rk_sha256.h"
#include "rk_sort.h"
#include "rk_spec.h"

/* The pinned-manifest digest of the cache key (rk_cachekey.h). */
static void manifest_digest(struct plan *pl, struct pkg *p)
{
	const char *wd = git_repository_workdir(pl->repo);
	struct rk_buf b = RK_BUF_INIT, path = RK_BUF_INIT;
	char **lines = rk_xcalloc(p->ndeps + 1, sizeof(char *));
	size_t i;
	int have = 0;

	if (p->manifest && wd) {
		rk_buf_addf(&path, "%s%s", wd, p->manifest);
		have = rk_buf_read_file(&b, path.data) >= 0;
	}
	for (i = 0; i < p->ndeps; i++) {
		struct rk_buf l = RK_BUF_INIT;
		const struct pkg *d = p->deps[i].idx != NONE ? &pl->p[p->deps[i].idx] : NULL;

		rk_buf_addf(&l, "%s:%s=%s\n", p->deps[i].eco, p->deps[i].name,
			    d ? (d->released ? d->next : d->cur_str) : "");
		lines[i] = rk_buf_detach(&l, NULL);
	}
	rk_cachekey_manifest(have ? b.data : NULL, have ? b.len : 0, lines, p->ndeps, p->mdigest);
	plan_free_strv(lines, p->ndeps);
	rk_buf_release(&b);
	rk_buf_release(&path);
}

/* A string field of a config record's canonical JSON, or NULL (borrowed from tmp). */
static const char *cfg_field(const char *json, const char *key, struct rk_json *tmp)
{
	struct rk_err err;

	rk_json_release(tmp);
	if (!json || rk_json_parse(tmp, json, strlen(json), "<config>", 1, &err) < 0)
		return NULL;
	return rk_json_get_str(tmp, 0, key);
}

/* The lockfile of p's workspace (or of p when standalone) when one exists. */
static void find_lockfile(struct plan *pl, struct pkg *p)
{
	static const char *const lf[][2] = {{"uv", "uv.lock"},
					    {"pnpm", "pnpm-lock.yaml"},
					    {"npm", "package-lock.json"},
					    {"yarn", "yarn.lock"},
					    {"cargo", "Cargo.lock"}};
	const char *wd = git_repository_workdir(pl->repo);
	const char *dir = p->workspace ? p->workspace : p->path;
	size_t i;

	free(p->lockfile);
	p->lockfile = NULL;
	for (i = 0; p->manager && wd && i < sizeof(lf) / sizeof(lf[0]); i++) {
		struct rk_buf rel = RK_BUF_INIT, abs = RK_BUF_INIT;

		if (strcmp(lf[i][0], p->manager))
			continue;
		if (!strcmp(dir, ".") || !*dir)
			rk_buf_adds(&rel, lf[i][1]);
		else
			rk_buf_addf(&rel, "%s/%s", dir, lf[i][1]);
		rk_buf_addf(&abs, "%s%s", wd, rel.data);
		if (rk_is_file(abs.data))
			p->lockfile = rk_buf_detach(&rel, NULL);
		rk_buf_release(&rel);
		rk_buf_release(&abs);
	}
}

/*
 * Whether p's requirement on its dependency d must move for d's next
 * version: the ranges executor widens it (RK_SPEC_WIDEN) exactly when the
 * rewrite is not NULL. No requirement ("", a path or workspace-only
 * dependency) never moves; one that does not parse does (the executor then
 * names it).
 */
static bool range_moves(const struct pkg *p, const struct dep *d, const struct pkg *dp)
{
	enum rk_spec_syntax syn;
	struct rk_err err;
	char *out = NULL;
	bool moves;

	if (!d->spec || !*d->spec || !dp->next)
		return false;
	if (rk_spec_syntax_for(p->eco, &syn) < 0) /* written in p's manifest */
		return true;
	if (rk_spec_rewrite(syn, d->spec, dp->next, RK_SPEC_WIDEN, &out, &err) < 0)
		return true;
	moves = out != NULL;
	free(out);
	return moves;
}

/*
 * The plan slots of p's released dependencies that are in the plan: those
 * whose range moves (ranges), else those that order the publish
 * (plan_dep_orders). out (room for p->ndeps, or NULL) gets them; returns
 * how many.
 */
static size_t dep_slots(const struct plan *pl, const struct pkg *p, const size_t *slot, bool ranges,
			size_t *out)
{
	size_t j, n = 0;

	for (j = 0; j < p->ndeps; j++) {
		const struct dep *d = &p->deps[j];

		if (d->idx == NONE || !pl->p[d->idx].released || slot[d->idx] == NONE)
			continue;
		if (ranges ? range_moves(p, d, &pl->p[d->idx]) : plan_dep_orders(pl, d)) {
			if (out)
				out[n] = slot[d->idx];
			n++;
		}
	}
	return n;
}

/* p's pin_strategy (its group's, else the train's), or NULL; the caller frees it. */
static char *pin_strategy(const struct plan *pl, const struct pkg *p, struct rk_json *tmp)
{
	const char *pin = NULL;

	if (p->grp != NONE)
		pin = cfg_field(pl->groups[p->grp].json, "pin_strategy", tmp);
	if (!pin)
		pin = cfg_field(pl->train_json, "pin_strategy", tmp);
	return pin ? rk_xstrdup(pin) : NULL;
}

/* The config records p's actions depend on (a JSON array: the train's, its group's); the caller frees it. */
static char *config_of(const struct plan *pl, const struct pkg *p)
{
	struct rk_buf c = RK_BUF_INIT;

	rk_buf_addc(&c, '[');
	if (pl->train_json)
		rk_buf_adds(&c, pl->train_json);
	if (p->grp != NONE && pl->groups[p->grp].json)
		rk_buf_addf(&c, "%s%s", pl->train_json ? "," : "", pl->groups[p->grp].json);
	rk_buf_addc(&c, ']');
	return rk_buf_detach(&c, NULL);
}

/* rk_actions_opts.record: rk-plan writes each action record. */
static void write_action(void *ctx, struct rk_buf *rec)
{
	(void)ctx;
	rk_record_emit(rec);
}

/* Write the action records; with check_only, check the DAG and write nothing. */
void plan_emit_actions(struct plan *pl, bool check_only)
{
	struct rk_actions_opts ao;
	struct rk_actions_pkg *ap;
	struct rk_actions_cmd *cmds;
	char(*src)[RK_SHA256_HEX];
	size_t *slot = rk_xcalloc(pl->n + 1, sizeof(size_t));
	size_t **deps = rk_xcalloc(pl->n + 1, sizeof(size_t *));
	char **cfg = rk_xcalloc(pl->n + 1, sizeof(char *));
	size_t **alldeps = rk_xcalloc(pl->n + 1, sizeof(size_t *));
	char **pins = rk_xcalloc(pl->n + 1, sizeof(char *));
	const char **planpaths = rk_xcalloc(pl->nplanfiles + 1, sizeof(char *));
	size_t i, j, k, m = 0, nrel;
	int rc;
	struct rk_err err;
	struct rk_buf single = RK_BUF_INIT;
	struct rk_json tmp = RK_JSON_INIT;
	struct rk_pub_target *pub;
	char head[GIT_OID_HEXSZ + 1] = "";
	git_oid hoid;

	memset(&ao, 0, sizeof(ao));
	ao.workdir = git_repository_workdir(pl->repo);
	memcpy(ao.disabled, pl->disabled, sizeof(ao.disabled));
	ao.snapshot = pl->snapshot;
	ao.publish_only = pl->publish_only;
	ao.forge_json = pl->forge_json;
	ao.release_draft = pl->release_draft;
	ao.no_release_artifacts = pl->no_release_artifacts;
	ao.check_only = check_only;
	ao.record = write_action;
	ao.tool = "rk-plan " RK_VERSION;
	rk_buf_addf(&single, "[%s]", pl->train_json ? pl->train_json : "");
	ao.config_json = single.data;

	if (git_reference_name_to_id(&hoid, pl->repo, "HEAD") == 0)
		git_oid_tostr(head, sizeof(head), &hoid);
	ao.head = *head ? head : NULL;
	ao.commit_message = pl->commit_message;
	for (i = 0; i < pl->nplanfiles; i++) {
		bool used = false;

		for (k = 0; k < pl->n && !used; k++)
			for (j = 0; j < pl->p[k].nplans && !used; j++)
				used = pl->p[k].released && pl->p[k].plans[j] == i;
		if (used)
			planpaths[ao.nplan_files++] = pl->planfiles[i].path;
	}
	ao.plan_files = planpaths;

	pub = rk_xcalloc(pl->n + 1, sizeof(*pub));
	src = rk_xcalloc(pl->n + 1, sizeof(*src));
	if (!check_only && rk_history_source_digests(&pl->h, src, &err) < 0)
		rk_die(RK_EXIT_FAIL, "%s", err.msg);
	ap = rk_xcalloc(pl->n + 1, sizeof(*ap));
	/* released packages first (dependencies first), then the dependents
	 * that are not released but whose ranges may have to move */
	for (k = 0; k < pl->n; k++) {
		struct pkg *p = &pl->p[pl->topo[k]];

		slot[pl->topo[k]] = NONE;
		if (!p->released)
			continue;
		slot[pl->topo[k]] = m++;
	}
	nrel = m;
	for (k = 0; k < pl->n && !pl->snapshot; k++) {
		struct pkg *p = &pl->p[pl->topo[k]];

		if (!p->released && dep_slots(pl, p, slot, true, NULL))
			slot[pl->topo[k]] = m++;
	}
	m = 0;
	for (k = 0; k < 2 * pl->n; k++) {
		size_t pi = pl->topo[k % pl->n];
		struct pkg *p = &pl->p[pi];
		struct rk_actions_pkg *a;

		if (slot[pi] == NONE || (k < pl->n) != p->released)
			continue;
		if (!check_only) {
			find_lockfile(pl, p);
			manifest_digest(pl, p);
		}
		memcpy(p->source, src[pi], RK_SHA256_HEX);
		a = &ap[m];
		/* the package and its release */
		a->name = p->name;
		a->id = p->id;
		a->ecosystem = p->eco;
		a->path = p->path;
		a->version = p->next;
		a->ranges_only = !p->released;
		a->tag = p->tag;
		a->current = p->cur_str;
		a->previous_tag = p->cur_tag;
		a->changelog = p->changelog;
		a->date = pl->date10;
		a->config_json = cfg[m] = config_of(pl, p);
		/* the files the executors edit */
		a->manager = p->manager;
		a->manifest = p->manifest;
		a->workspace = p->workspace;
		a->lockfile = p->lockfile;
		a->bump_files_json = p->bump_json;
		a->pin_strategy = pins[m] = pin_strategy(pl, p, &tmp);
		/* what it waits for: the dependencies' ranges (ranges) and polls (publish) */
		alldeps[m] = rk_xcalloc(p->ndeps + 1, sizeof(size_t));
		a->nall_deps = dep_slots(pl, p, slot, true, alldeps[m]);
		a->all_deps = alldeps[m];
		deps[m] = rk_xcalloc(p->ndeps + 1, sizeof(size_t));
		a->ndeps = dep_slots(pl, p, slot, false, deps[m]);
		a->deps = deps[m];
		/* publishing and the checks after it */
		a->publishable = p->publishable;
		rk_pubcfg_target(&pl->pub, p->eco, p->name, p->workspace, pl->chan, &pub[m]);
		a->pub = &pub[m];
		a->no_smoke_test =
			p->smoke == 0 ||
			(p->smoke < 0 &&
			 (pl->train_smoke == 0 || (p->grp != NONE && pl->groups[p->grp].no_smoke)));
		a->smoke_cmd = p->smoke_cmd;
		a->smoke_module = p->smoke_module;
		/* the cache key */
		a->source_digest = p->source;
		a->manifest_digest = p->mdigest;
		m++;
	}
	cmds = rk_xcalloc(pl->ncmds + 1, sizeof(*cmds));
	for (i = 0; i < pl->ncmds; i++) {
		struct cmd *c = &pl->cmds[i];

		cmds[i] = c->c;
		cmds[i].name = c->name;
		cmds[i].inputs = (const char *const *)c->inputs;
		cmds[i].outputs = (const char *const *)c->outputs;
		cmds[i].argv = (const char *const *)c->argv;
		cmds[i].config_json = c->json;
	}
	rc = rk_actions_emit(&ao, ap, m, cmds, pl->ncmds, &err);
	if (rc == -2)
		rk_die(RK_EXIT_FAIL, "%s", err.msg);
	if (rc < 0)
		rk_die_err(&err);
	for (i = 0; i < m; i++) {
		free(deps[i]);
		free(cfg[i]);
		free(alldeps[i]);
		free(pins[i]);
	}
	free(deps);
	free(alldeps);
	free(pins);
	free(planpaths);
	rk_json_release(&tmp);
	(void)nrel;
	free(cfg);
	free(cmds);
	free(ap);
	free(pub);
	free(src);
	free(slot);
	rk_buf_release(&single);
}
