/* cmd/rk-plan/config.c - config records (rk-config's rules) into the plan (rk-plan; plan.h). */
#include "rk_common.h"
#include "plan.h"
#include "rk_json.h"
#include "rk_actions.h"
#include "rk_graph.h"
#include "rk_tagfmt.h"
#include "rk_strmap.h"

/* nightly_version: {version} exactly once, {date} any number of times. */
static void check_nightly_template(const struct plan *pl, const char *s, long line)
{
	const char *c;
	int nver = 0;

	for (c = s; (c = strchr(c, '{')); c++) {
		if (!strncmp(c, "{version}", 9))
			nver++;
		else if (strncmp(c, "{date}", 6) && strncmp(c, "{n}", 3))
			plan_die_at(
				pl, line,
				"release_train: nightly_version '%s': unknown placeholder (expected {version}, {date} and {n})",
				s);
	}
	if (nver != 1)
		plan_die_at(pl, line,
			    "release_train: nightly_version '%s' needs {version} exactly once", s);
}

void plan_read_config(struct plan *pl, const struct rk_json *d, long line)
{
	const char *rule = rk_json_get_str(d, 0, "rule");
	const char *loc = rk_json_get_str(d, 0, "location");
	struct rk_err err;

	if (!rule)
		return;
	plan_set_loc(pl, loc);
	if (!strcmp(rule, "forge")) {
		plan_canonical(d, &pl->forge_json); /* the release executor's (rk_forge.h) */
	} else if (!strcmp(rule, "release_train")) {
		const char *s;
		int t;
		size_t n, i;
		char **v;

		plan_canonical(d, &pl->train_json);
		pl->train_line = line;
		t = rk_json_get(d, 0, "order_edges");
		if (t >= 0 && rk_json_type(d, t) == RK_JSON_ARRAY) {
			int e;

			pl->order_mask = 0;
			for (e = rk_json_first(d, t); e >= 0; e = rk_json_next(d, e)) {
				const char *ty = rk_json_str(d, e);
				int k = ty ? rk_dep_type_parse(ty) : -1;

				if (k < 0)
					plan_die_at(
						pl, line,
						"release_train: order_edges: unknown dependency type");
				pl->order_mask |= RK_DEP_BIT(k);
			}
		}
		free(pl->train_loc);
		pl->train_loc = plan_dup_or_null(loc);
		free(pl->train_name);
		pl->train_name =
			plan_dup_or_null(plan_opt_str(pl, d, 0, "name", line, "release_train"));
		if ((s = plan_opt_str(pl, d, 0, "tag_format", line, "release_train"))) {
			if (rk_tagfmt_check(s, &err) < 0)
				plan_die_at(pl, line, "%s", err.msg);
			free(pl->tag_format);
			pl->tag_format = rk_xstrdup(s);
			pl->tag_format_line = line;
		}
		s = plan_opt_str(pl, d, 0, "versioning", line, "release_train");
		if (!s) {
			/* rk-config's version_strategy is how versions are decided
			 * ("conventional-commits"); an independent/fixed/per-group value
			 * there is taken as the versioning */
			const char *vs =
				plan_opt_str(pl, d, 0, "version_strategy", line, "release_train");

			if (vs && (!strcmp(vs, "independent") || !strcmp(vs, "fixed") ||
				   !strcmp(vs, "lockstep") || !strcmp(vs, "per-group") ||
				   !strcmp(vs, "per_group")))
				s = vs;
		}
		if (s) {
			if (!strcmp(s, "lockstep"))
				s = "fixed";
			if (!strcmp(s, "per_group"))
				s = "per-group";
			if (strcmp(s, "independent") && strcmp(s, "fixed") &&
			    strcmp(s, "per-group"))
				plan_die_at(
					pl, line,
					"release_train: unknown versioning '%s' (expected independent, fixed or per-group)",
					s);
			free(pl->versioning);
			pl->versioning = rk_xstrdup(s);
		}
#define SETS(field, key)                                                                           \
	if ((s = plan_opt_str(pl, d, 0, key, line, "release_train"))) {                            \
		free(pl->field);                                                                   \
		pl->field = rk_xstrdup(s);                                                         \
	}
		SETS(plans_dir, "plans_dir");
		SETS(channel, "channel");
		SETS(prerelease_token, "prerelease_token");
		SETS(bootstrap, "bootstrap_commit");
		SETS(nightly_channel, "nightly_channel");
		SETS(commit_message, "commit_message");
#undef SETS
		if ((s = plan_opt_str(pl, d, 0, "nightly_version", line, "release_train"))) {
			check_nightly_template(pl, s, line);
			free(pl->nightly_version);
			pl->nightly_version = rk_xstrdup(s);
			pl->nightly_line = line;
			free(pl->nightly_loc);
			pl->nightly_loc = plan_dup_or_null(loc);
		}
		t = rk_json_get(d, 0, "major_on_zero");
		if (t >= 0 && rk_json_type(d, t) != RK_JSON_NULL) {
			if (rk_json_bool(d, t) < 0)
				plan_die_at(pl, line,
					    "release_train: 'major_on_zero' must be true or false");
			pl->major_on_zero = rk_json_bool(d, t) == 1;
		}
		if ((s = plan_opt_str(pl, d, 0, "propagate", line, "release_train"))) {
			if (plan_lvl_parse(s) < 0)
				plan_die_at(
					pl, line,
					"release_train: unknown propagate '%s' (expected major, minor, patch or none)",
					s);
			pl->propagate = plan_lvl_parse(s);
		}
		if (rk_json_get(d, 0, "changelog_exclude") >= 0 &&
		    rk_json_type(d, rk_json_get(d, 0, "changelog_exclude")) != RK_JSON_NULL) {
			plan_free_strv(pl->exclude, pl->nexclude);
			pl->exclude = plan_str_array(pl, d, 0, "changelog_exclude", &pl->nexclude,
						     line, "release_train");
		}
		if ((t = plan_opt_bool(pl, d, "smoke_test", line, "release_train")) >= 0)
			pl->train_smoke = t;
		t = rk_json_get(d, 0, "create_release");
		if (rk_json_type(d, t) == RK_JSON_FALSE)
			pl->disabled[RK_ACT_RELEASE] = true;
		v = plan_str_array(pl, d, 0, "disable_actions", &n, line, "release_train");
		for (i = 0; i < n; i++) {
			int a = rk_action_type_parse(v[i]);

			if (a < 0) {
				char bad[128];

				snprintf(bad, sizeof(bad), "%s", v[i]);
				plan_free_strv(v, n);
				plan_die_at(
					pl, line,
					"release_train: unknown action type '%s' in disable_actions",
					bad);
			}
			pl->disabled[a] = true;
		}
		plan_free_strv(v, n);
	} else if (!strcmp(rule, "release_group")) {
		struct group *g;
		const char *name = plan_opt_str(pl, d, 0, "name", line, "release_group");
		const char *tf = plan_opt_str(pl, d, 0, "tag_format", line, "release_group");

		if (!name)
			plan_die_at(pl, line, "release_group without \"name\"");
		if (tf && rk_tagfmt_check(tf, &err) < 0)
			plan_die_at(pl, line, "%s", err.msg);
		RK_GROW(pl->groups, pl->capg, pl->ngroups + 1);
		g = &pl->groups[pl->ngroups++];
		memset(g, 0, sizeof(*g));
		g->name = rk_xstrdup(name);
		g->tag_format = plan_dup_or_null(tf);
		g->line = line;
		g->loc = plan_dup_or_null(loc);
		g->lock = -1;
		g->no_smoke = plan_opt_bool(pl, d, "smoke_test", line, "release_group") == 0;
		if ((tf = plan_opt_str(pl, d, 0, "versioning", line, "release_group"))) {
			if (!strcmp(tf, "fixed") || !strcmp(tf, "lockstep"))
				g->lock = 1;
			else if (!strcmp(tf, "independent"))
				g->lock = 0;
			else
				plan_die_at(
					pl, line,
					"release_group '%s': unknown versioning '%s' (expected independent or fixed)",
					name, tf);
		}
		plan_canonical(d, &g->json);
		g->packages =
			plan_str_array(pl, d, 0, "packages", &g->npackages, line, "release_group");
	} else if (!strcmp(rule, "branch_channel")) {
		struct bchan *b;
		const char *br = plan_opt_str(pl, d, 0, "branch", line, "branch_channel");
		const char *ch = plan_opt_str(pl, d, 0, "channel", line, "branch_channel");
		int pre = rk_json_get(d, 0, "prerelease");

		if (!br || !ch)
			plan_die_at(pl, line, "branch_channel needs \"branch\" and \"channel\"");
		RK_GROW(pl->bch, pl->capb, pl->nbch + 1);
		b = &pl->bch[pl->nbch++];
		memset(b, 0, sizeof(*b));
		b->branch = rk_xstrdup(br);
		b->channel = rk_xstrdup(ch);
		if (rk_json_type(d, pre) == RK_JSON_STRING)
			b->prerelease = rk_xstrdup(rk_json_str(d, pre));
		else if (rk_json_type(d, pre) == RK_JSON_TRUE)
			b->prerelease = rk_xstrdup("");
		else if (rk_json_type(d, pre) == RK_JSON_FALSE)
			b->pre_false = true;
	} else if (!strcmp(rule, "action")) {
		struct cmd *c;
		const char *name = plan_opt_str(pl, d, 0, "name", line, "action");
		int cmd = rk_json_get(d, 0, "command");
		long long to = 0;
		int tt = rk_json_get(d, 0, "timeout");

		if (!name)
			plan_die_at(pl, line, "action without \"name\"");
		if (rk_json_type(d, cmd) != RK_JSON_ARRAY)
			plan_die_at(pl, line,
				    "action '%s': 'command' must be a list of strings (argv)",
				    name);
		if (tt >= 0 && rk_json_type(d, tt) != RK_JSON_NULL &&
		    (rk_json_int(d, tt, &to) < 0 || to < 0))
			plan_die_at(pl, line,
				    "action '%s': 'timeout' must be a whole number of seconds",
				    name);
		RK_GROW(pl->cmds, pl->capc, pl->ncmds + 1);
		c = &pl->cmds[pl->ncmds++];
		memset(c, 0, sizeof(*c));
		c->name = rk_xstrdup(name);
		plan_canonical(d, &c->json);
		c->inputs = plan_str_array(pl, d, 0, "inputs", &c->c.ninputs, line, "action");
		c->outputs = plan_str_array(pl, d, 0, "outputs", &c->c.noutputs, line, "action");
		c->argv = plan_str_array(pl, d, 0, "command", &c->c.nargv, line, "action");
		c->c.timeout_s = to;
		c->c.source = pl->source;
		c->c.line = line;
		c->c.name = c->name;
		c->c.inputs = (const char *const *)c->inputs;
		c->c.outputs = (const char *const *)c->outputs;
		c->c.argv = (const char *const *)c->argv;
		c->c.config_json = c->json;
		if (rk_actions_check(&c->c, 1, &err) < 0)
			rk_die_err(&err);
	} else if (!strcmp(rule, "extra_paths")) {
		const char *pk = plan_opt_str(pl, d, 0, "package", line, "extra_paths");
		size_t n, i, idx;
		char **v;

		if (!pk)
			plan_die_at(pl, line, "extra_paths without \"package\"");
		if (!rk_strmap_get(&pl->byid, pk, strlen(pk), &idx) &&
		    (!rk_strmap_get(&pl->byname, pk, strlen(pk), &idx) || idx == NONE))
			plan_die_at(pl, line, "extra_paths: unknown package '%s'", pk);
		v = plan_str_array(pl, d, 0, "paths", &n, line, "extra_paths");
		plan_check_paths(pl, pl->p[idx].name, v, n, line);
		for (i = 0; i < n; i++) {
			struct pkg *p = &pl->p[idx];

			RK_GROW(p->extra, p->capextra, p->nextra + 1);
			p->extra[p->nextra++] = v[i];
		}
		free(v);
	} else if (!strcmp(rule, "bump_file")) {
		/* how to bump a file; the package rules' bump_files say whose */
		struct bumpfile *b;
		const char *path = plan_opt_str(pl, d, 0, "path", line, "bump_file");
		const char *pat = plan_opt_str(pl, d, 0, "pattern", line, "bump_file");

		if (!path || !pat)
			plan_die_at(pl, line, "bump_file needs a path and a pattern");
		RK_GROW(pl->bfs, pl->capbf, pl->nbf + 1);
		b = &pl->bfs[pl->nbf++];
		b->path = rk_xstrdup(path);
		b->pattern = rk_xstrdup(pat);
		b->loc = rk_xstrdup(loc && *loc ? loc : "config");
		b->used = false;
	} else if (strlen(rule) > 8 && !strcmp(rule + strlen(rule) - 8, "_package")) {
		const char *nm = rk_json_get_str(d, 0, "name");
		const char *eco = rk_json_get_str(d, 0, "ecosystem");
		struct rk_buf id = RK_BUF_INIT;
		size_t n, idx;
		char **v = plan_str_array(pl, d, 0, "bump_files", &n, line, rule);

		if (nm && eco)
			rk_buf_addf(&id, "%s:%s", eco, nm);
		if (nm && (rk_strmap_get(&pl->byid, id.data, id.len, &idx) ||
			   (rk_strmap_get(&pl->byname, nm, strlen(nm), &idx) && idx != NONE))) {
			struct pkg *p = &pl->p[idx];
			int sm = rk_json_get(d, 0, "smoke_test");
			const char *mod = rk_json_get_str(d, 0, "smoke_module");

			plan_check_paths(pl, p->name, v, n, line);
			plan_free_strv(p->bump_paths, p->nbump);
			p->bump_paths = v;
			p->nbump = n;
			p->bump_line = line;
			free(p->bump_loc);
			p->bump_loc = plan_dup_or_null(loc);
			if (sm >= 0 && rk_json_type(d, sm) == RK_JSON_STRING) {
				free(p->smoke_cmd);
				p->smoke_cmd = rk_xstrdup(rk_json_str(d, sm));
				p->smoke = 1;
			} else if (sm >= 0 && rk_json_type(d, sm) == RK_JSON_FALSE) {
				p->smoke = 0;
			} else if (sm >= 0 && rk_json_type(d, sm) == RK_JSON_TRUE) {
				p->smoke = 1;
			}
			if (mod) {
				free(p->smoke_module);
				p->smoke_module = rk_xstrdup(mod);
			}
		} else {
			plan_free_strv(v, n);
		}
		rk_buf_release(&id);
	}
}
