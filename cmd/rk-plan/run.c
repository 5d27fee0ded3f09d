/*
 * cmd/rk-plan/run.c - rk-plan's run: read the stream, decide, write records (the order of the
 * stages) (rk-plan; plan.h).
 */
#include "rk_common.h"
#include "plan.h"
#include "rk_conventional.h"
#include "rk_graph.h"
#include "rk_history.h"
#include "rk_json.h"
#include "rk_planfile.h"
#include "rk_strmap.h"
#include "rk_version.h"

static void plan_free(struct plan *pl)
{
	size_t i, j;

	for (i = 0; i < pl->n; i++) {
		struct pkg *p = &pl->p[i];

		free(p->name);
		free(p->eco);
		free(p->path);
		free(p->id);
		free(p->manifest);
		free(p->version);
		free(p->group);
		free(p->label);
		free(p->tag_format);
		free(p->manager);
		free(p->workspace);
		free(p->lockfile);
		plan_free_strv(p->extra, p->nextra);
		plan_free_strv(p->bump_paths, p->nbump);
		free(p->bump_json);
		free(p->smoke_cmd);
		free(p->smoke_module);
		free(p->bump_loc);
		for (j = 0; j < p->ndeps; j++) {
			free(p->deps[j].name);
			free(p->deps[j].eco);
			free(p->deps[j].type);
			free(p->deps[j].path);
			free(p->deps[j].spec);
		}
		free(p->deps);
		rk_version_release(&p->cur);
		free(p->cur_str);
		free(p->reasons);
		free(p->plans);
		free(p->next);
		free(p->tag);
		free(p->changelog);
	}
	for (i = 0; i < pl->nbf; i++) {
		free(pl->bfs[i].path);
		free(pl->bfs[i].pattern);
		free(pl->bfs[i].loc);
	}
	free(pl->bfs);
	free(pl->p);
	rk_strmap_release(&pl->byid);
	rk_strmap_release(&pl->byname);
	free(pl->topo);
	free(pl->train_json);
	free(pl->forge_json);
	rk_pubcfg_release(&pl->pub);
	free(pl->train_loc);
	free(pl->loc_src);
	free(pl->train_name);
	free(pl->tag_format);
	free(pl->versioning);
	free(pl->plans_dir);
	free(pl->channel);
	free(pl->prerelease_token);
	free(pl->bootstrap);
	free(pl->nightly_version);
	free(pl->nightly_loc);
	free(pl->nightly_channel);
	free(pl->commit_message);
	plan_free_strv(pl->exclude, pl->nexclude);
	for (i = 0; i < pl->ngroups; i++) {
		free(pl->groups[i].name);
		free(pl->groups[i].json);
		free(pl->groups[i].tag_format);
		free(pl->groups[i].loc);
		plan_free_strv(pl->groups[i].packages, pl->groups[i].npackages);
	}
	free(pl->groups);
	for (i = 0; i < pl->nbch; i++) {
		free(pl->bch[i].branch);
		free(pl->bch[i].channel);
		free(pl->bch[i].prerelease);
	}
	free(pl->bch);
	for (i = 0; i < pl->ncmds; i++) {
		struct cmd *c = &pl->cmds[i];

		plan_free_strv(c->inputs, c->c.ninputs);
		plan_free_strv(c->outputs, c->c.noutputs);
		plan_free_strv(c->argv, c->c.nargv);
		free(c->name);
		free(c->json);
	}
	free(pl->cmds);
	if (pl->cc) {
		for (i = 0; i < pl->h.ncommits; i++)
			rk_cc_release(&pl->cc[i]);
		free(pl->cc);
	}
	free(pl->ccdone);
	rk_history_release(&pl->h);
	for (i = 0; i < pl->nseries; i++) {
		struct series *s = &pl->series[i];

		for (j = 0; j < s->n; j++) {
			free(s->tags[j].name);
			rk_version_release(&s->tags[j].v);
		}
		plan_free_strv(s->vstr, s->n);
		free(s->tags);
		free(s->prefix);
		free(s->suffix);
	}
	free(pl->series);
	rk_strmap_release(&pl->serieskey);
	rk_strmap_release(&pl->prefixes);
	rk_strmap_release(&pl->tagowner);
	for (i = 0; i < pl->nplanfiles; i++) {
		free(pl->planfiles[i].path);
		rk_planfile_release(&pl->planfiles[i].pf);
	}
	free(pl->planfiles);
	free(pl->chan);
	free(pl->label);
	free(pl->lockn);
	plan_free_strv(pl->lockname, pl->nlocks);
	if (pl->repo) {
		git_repository_free(pl->repo);
		git_libgit2_shutdown();
	}
}

int rk_plan_run(const struct rk_plan_opts *o, FILE *in, const char *source)
{
	struct plan pl;
	struct rk_ndjson r;
	struct rk_err err;
	struct rk_buf pass = RK_BUF_INIT;
	size_t i, k;
	int rc;

	memset(&pl, 0, sizeof(pl));
	pl.shared = NONE;
	pl.o = o;
	pl.order_mask = RK_GRAPH_EDGES_DEFAULT;
	pl.source = source;
	pl.propagate = L_PATCH;
	pl.train_smoke = -1;
	rk_ndjson_init(&r, in, source);
	/* config records may come before or after packages: extra_paths needs packages */
	{
		struct pend {
			char *text;
			long line;
		} *late = NULL;
		size_t nlate = 0, caplate = 0;

		while ((rc = rk_ndjson_next(&r)) == 1) {
			/* held back until the plan is made: nothing half-written on errors */
			rk_buf_add(&pass, r.text.data, r.text.len);
			rk_buf_addc(&pass, '\n');
			if (!strcmp(r.kind, "package")) {
				plan_read_package(&pl, &r.doc, r.line);
			} else if (!strcmp(r.kind, "config")) {
				const char *rule = rk_json_get_str(&r.doc, 0, "rule");

				/* rules about packages wait for the package records */
				if (plan_config_late(rule)) {
					RK_GROW(late, caplate, nlate + 1);
					late[nlate].text = rk_xstrndup(r.text.data, r.text.len);
					late[nlate++].line = r.line;
				} else {
					plan_read_config(&pl, &r.doc, r.line);
				}
			}
		}
		if (rc < 0)
			rk_die_err(&r.err);
		for (i = 0; i < nlate; i++) {
			struct rk_json d = RK_JSON_INIT;

			if (rk_json_parse(&d, late[i].text, strlen(late[i].text), source,
					  late[i].line, &err) == 0)
				plan_read_config(&pl, &d, late[i].line);
			plan_set_loc(&pl, NULL);
			rk_json_release(&d);
			free(late[i].text);
		}
		free(late);
	}
	rk_ndjson_release(&r);
	if (pl.n == 0) {
		rk_out(pass.data ? pass.data : "", pass.len);
		rk_buf_release(&pass);
		plan_free(&pl);
		return 0;
	}
	plan_decide_date(&pl);
	plan_resolve(&pl);
	if (rk_history_open(&pl.repo, o->repo, &err) < 0)
		rk_die(RK_EXIT_FAIL, "%s", err.msg);
	if (pl.shared != NONE) /* the errors below point at package records */
		plan_set_loc(&pl, NULL);
	plan_setup_series(&pl);
	pl.head_trailers = plan_head_has_release_trailers(&pl);
	plan_read_tags(&pl);
	if (rk_history_walk(&pl.h, &err) < 0)
		rk_die(RK_EXIT_FAIL, "%s", err.msg);
	if (o->stats)
		rk_error(
			"stats: %zu packages, %zu series, %zu commits walked, %zu diffed, %zu kept",
			pl.n, pl.nseries, pl.h.walked, pl.h.diffed, pl.h.ncommits);
	for (i = 0; i < pl.n; i++)
		if (pl.p[i].cur_tag && !pl.h.pkg[i].stable_reached)
			rk_warn("package '%s': tag %s is not in the history of HEAD (a release "
				"branch?): all of HEAD's commits count since the start",
				pl.p[i].name, pl.p[i].cur_tag);
	plan_analyse_commits(&pl);
	plan_read_plan_files(&pl);
	plan_decide_channel(&pl);
	plan_propagate(&pl);
	plan_decide_versions(&pl);
	if (!plan_from_release_commit(&pl))
		for (k = 0; k < pl.n; k++)
			if (pl.p[pl.topo[k]].released)
				plan_build_changelog(&pl, &pl.p[pl.topo[k]]);
	/* everything is decided; a cycle through action rules still writes nothing */
	for (i = 0; i < pl.n; i++)
		plan_bump_json_of(&pl, &pl.p[i]);
	for (i = 0; i < pl.nbf; i++)
		if (!pl.bfs[i].used)
			rk_warn("%s: bump_file '%s' is in no package's bump_files: it is not bumped",
				pl.bfs[i].loc, pl.bfs[i].path);
	if (!o->no_actions) {
		plan_check_order_cycles(&pl);
		plan_emit_actions(&pl, true);
	}
	rk_out(pass.data ? pass.data : "", pass.len);
	rk_buf_release(&pass);
	for (k = 0; k < pl.n; k++) {
		struct pkg *p = &pl.p[pl.topo[k]];

		if (p->released || o->all)
			plan_emit_release(&pl, p);
	}
	if (!o->no_actions)
		plan_emit_actions(&pl, false);
	plan_free(&pl);
	return 0;
}
