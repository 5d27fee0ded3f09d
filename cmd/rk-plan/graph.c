/*
 * cmd/rk-plan/graph.c - the packages as a graph: lookup by name, release order, groups and
 * lockstep sets, publish-order cycles (rk-plan; plan.h).
 */
#include "rk_common.h"
#include "plan.h"
#include "rk_graph.h"
#include "rk_strmap.h"
#include "rk_topo.h"

#include <fnmatch.h>

/* "eco:name" or an unambiguous bare name; NONE when unknown, NONE-1 when ambiguous. */
size_t plan_find_pkg(const struct plan *pl, const char *s)
{
	size_t idx;

	if (rk_strmap_get(&pl->byid, s, strlen(s), &idx))
		return idx;
	if (rk_strmap_get(&pl->byname, s, strlen(s), &idx))
		return idx == NONE ? NONE - 1 : idx;
	if (pl->shared != NONE && strrchr(s, '@') > s) { /* name@path, names pnpm members share */
		const char *at = strrchr(s, '@'), *colon = strchr(s, ':');
		const char *nm = colon && colon < at ? colon + 1 : s;

		for (idx = 0; idx < pl->n; idx++)
			if (!strcmp(pl->p[idx].path, at + 1) &&
			    strlen(pl->p[idx].name) == (size_t)(at - nm) &&
			    !strncmp(pl->p[idx].name, nm, (size_t)(at - nm)) &&
			    (nm == s || !strncmp(pl->p[idx].eco, s, (size_t)(colon - s))))
				return idx;
	}
	return NONE;
}

/* The package graph for rk_topo: an edge to each dependency among the input's. */
static size_t deps_n(const void *ctx, size_t v)
{
	return ((const struct plan *)ctx)->p[v].ndeps;
}

static size_t dep_edge(const void *ctx, size_t v, size_t i)
{
	return ((const struct plan *)ctx)->p[v].deps[i].idx; /* NONE is RK_TOPO_NONE */
}

/* Only the dependencies that order a release (plan_dep_orders). */
static size_t order_edge(const void *ctx, size_t v, size_t i)
{
	const struct plan *pl = ctx;
	const struct dep *d = &pl->p[v].deps[i];

	return plan_dep_orders(pl, d) ? d->idx : RK_TOPO_NONE;
}

static const struct plan *sort_pl;

static int order_cmp(const void *a, const void *b)
{
	const struct pkg *x = &sort_pl->p[*(const size_t *)a], *y = &sort_pl->p[*(const size_t *)b];

	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

/* The package a dependency on a shared name (pnpm) means: by its path. */
static size_t shared_dep(struct plan *pl, const struct pkg *p, const struct dep *d, const char *id)
{
	size_t k;

	if (!d->path)
		plan_die_at(pl, p->line,
			    "package %s:%s depends on %s, a name several packages have: the "
			    "dependency needs their \"path\"",
			    p->eco, p->name, id);
	for (k = 0; k < pl->n; k++)
		if (pl->p[k].id && !strcmp(pl->p[k].eco, d->eco) &&
		    !strcmp(pl->p[k].name, d->name) && !strcmp(pl->p[k].path, d->path))
			return k;
	plan_die_at(pl, p->line,
		    "package %s:%s depends on %s@%s, which is not a package of the input", p->eco,
		    p->name, id, d->path);
}

void plan_resolve(struct plan *pl)
{
	size_t i, j;
	bool all_order = pl->n > 0;

	for (i = 0; i < pl->n; i++) {
		struct pkg *p = &pl->p[i];

		for (j = 0; j < p->ndeps; j++) {
			struct rk_buf id = RK_BUF_INIT;
			size_t idx = NONE; /* (not a package of the input) */

			rk_buf_addf(&id, "%s:%s", p->deps[j].eco, p->deps[j].name);
			if (rk_strmap_get(&pl->byid, id.data, id.len, &idx) && pl->p[idx].id)
				idx = shared_dep(pl, p, &p->deps[j], id.data);
			if (idx < pl->n && idx != i)
				p->deps[j].idx = idx;
			rk_buf_release(&id);
		}
		if (!p->has_order)
			all_order = false;
	}
	pl->topo = rk_xcalloc(pl->n + 1, sizeof(size_t));
	if (all_order) {
		for (i = 0; i < pl->n; i++)
			pl->topo[i] = i;
		sort_pl = pl;
		qsort(pl->topo, pl->n, sizeof(size_t), order_cmp);
		sort_pl = NULL;
	} else {
		/* dependencies first, in the order of the input; a cycle does not
		 * stop the order (plan_check_order_cycles says what it breaks) */
		struct rk_topo t = {pl->n, deps_n, dep_edge, pl, NULL};

		rk_topo_dfs(&t, RK_TOPO_IGNORE_CYCLES, pl->topo, NULL);
	}

	/* group membership: release_group rules (names or globs), then the record's "group" */
	for (j = 0; j < pl->ngroups; j++) {
		struct group *g = &pl->groups[j];
		size_t m;

		for (m = 0; m < g->npackages; m++) {
			const char *pat = g->packages[m];
			bool glob = strpbrk(pat, "*?[") != NULL, hit = false;

			for (i = 0; i < pl->n; i++) {
				struct pkg *p = &pl->p[i];
				struct rk_buf id = RK_BUF_INIT;

				rk_buf_addf(&id, "%s:%s", p->eco, p->name);
				if (glob ? (fnmatch(pat, p->name, 0) == 0 ||
					    fnmatch(pat, id.data, 0) == 0)
					 : (!strcmp(pat, p->name) || !strcmp(pat, id.data) ||
					    (pl->shared != NONE && plan_find_pkg(pl, pat) == i))) {
					p->grp = j;
					hit = true;
				}
				rk_buf_release(&id);
			}
			if (!hit && !glob)
				plan_die_at(pl, g->line, "release_group '%s': unknown package '%s'",
					    g->name, pat);
		}
	}
	for (i = 0; i < pl->n; i++) {
		struct pkg *p = &pl->p[i];

		if (p->grp != NONE || !p->group)
			continue;
		for (j = 0; j < pl->ngroups; j++)
			if (!strcmp(pl->groups[j].name, p->group))
				p->grp = j;
		if (p->grp == NONE) {
			RK_GROW(pl->groups, pl->capg, pl->ngroups + 1);
			memset(&pl->groups[pl->ngroups], 0, sizeof(struct group));
			pl->groups[pl->ngroups].name = rk_xstrdup(p->group);
			pl->groups[pl->ngroups].packages = rk_xcalloc(1, sizeof(char *));
			pl->groups[pl->ngroups].lock = -1;
			p->grp = pl->ngroups++;
		}
	}
	/* lockstep sets */
	pl->lockn = rk_xcalloc(pl->ngroups + 2, sizeof(size_t));
	pl->lockname = rk_xcalloc(pl->ngroups + 2, sizeof(char *));
	if (pl->versioning && !strcmp(pl->versioning, "fixed")) {
		pl->nlocks = 1;
		pl->lockname[0] = rk_xstrdup(pl->train_name ? pl->train_name : "fixed");
		for (i = 0; i < pl->n; i++)
			pl->p[i].lock = 0;
		pl->lockn[0] = pl->n;
	} else {
		/* per-group: every group in lockstep; otherwise only groups whose
		 * release_group says versioning = fixed */
		bool per = pl->versioning && !strcmp(pl->versioning, "per-group");

		pl->nlocks = pl->ngroups;
		for (j = 0; j < pl->ngroups; j++)
			pl->lockname[j] = rk_xstrdup(pl->groups[j].name);
		for (i = 0; i < pl->n; i++) {
			size_t gi = pl->p[i].grp;

			if (gi == NONE || pl->groups[gi].lock == 0 ||
			    (!per && pl->groups[gi].lock != 1))
				continue;
			pl->p[i].lock = gi;
			pl->lockn[gi]++;
		}
	}
}

bool plan_dep_counts(const struct dep *d)
{
	return d->idx != NONE && strcmp(d->type, "dev") != 0;
}

/* An edge that orders a release (a dependent's publish waits for it):
 * normal, build and peer by default, release_train(order_edges) else. */
bool plan_dep_orders(const struct plan *pl, const struct dep *d)
{
	int t = rk_dep_type_parse(d->type);

	return d->idx != NONE && t >= 0 && (pl->order_mask & RK_DEP_BIT(t));
}

/*
 * A cycle among the ordering edges of released packages cannot be
 * published in any order: die naming every edge with its type and the
 * manifest line that declares it (as rk-graph does). rk_topo_dfs.
 */
void plan_check_order_cycles(struct plan *pl)
{
	unsigned char *released = rk_xcalloc(pl->n + 1, 1);
	size_t *order = rk_xcalloc(pl->n + 1, sizeof(size_t));
	struct rk_topo t = {pl->n, deps_n, order_edge, pl, released};
	struct rk_topo_cycle cy = {NULL, 0};
	struct rk_buf msg = RK_BUF_INIT;
	size_t i, j;

	for (i = 0; i < pl->n; i++)
		released[i] = pl->p[i].released;
	if (rk_topo_dfs(&t, 0, order, &cy) >= 0) {
		free(released);
		free(order);
		return;
	}
	/* a cycle: cy.v[0] -> ... -> cy.v[n - 1] -> cy.v[0] */
	rk_buf_addf(&msg, "%s:%s", pl->p[cy.v[0]].eco, pl->p[cy.v[0]].name);
	for (i = 0; i < cy.n; i++) {
		const struct pkg *a = &pl->p[cy.v[i]];
		size_t to = cy.v[(i + 1) % cy.n];
		const struct dep *e = NULL;

		for (j = 0; j < a->ndeps && !e; j++)
			if (a->deps[j].idx == to && plan_dep_orders(pl, &a->deps[j]))
				e = &a->deps[j];
		rk_buf_addf(&msg, " -(%s", e ? e->type : "?");
		if (e && a->manifest)
			rk_buf_addf(&msg, ", %s", a->manifest);
		if (e && a->manifest && e->mline)
			rk_buf_addf(&msg, ":%ld", e->mline);
		rk_buf_addf(&msg, ")-> %s:%s", pl->p[to].eco, pl->p[to].name);
	}
	free(released);
	free(order);
	plan_die_at(
		pl, pl->p[cy.v[0]].line,
		"package cycle: %s: no publish order exists (only normal, build and peer "
		"dependencies order a release; release_train(order_edges = ...) chooses others)",
		msg.data);
}
