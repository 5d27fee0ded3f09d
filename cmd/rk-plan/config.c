/* cmd/rk-plan/config.c - config records (rk-config's rules) into the plan (rk-plan; plan.h). */
#include "rk_common.h"
#include "plan.h"
#include "rk_json.h"
#include "rk_actions.h"
#include "rk_graph.h"
#include "rk_tagfmt.h"
#include "rk_strmap.h"
#include "rk_config.h"

#include <stddef.h>

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

/* release_train's string settings: the last record's value wins. */
static const struct {
	const char *key;
	size_t off; /* of the char * in struct plan */
} train_strings[] = {
	{"plans_dir", offsetof(struct plan, plans_dir)},
	{"channel", offsetof(struct plan, channel)},
	{"prerelease_token", offsetof(struct plan, prerelease_token)},
	{"bootstrap_commit", offsetof(struct plan, bootstrap)},
	{"nightly_channel", offsetof(struct plan, nightly_channel)},
	{"commit_message", offsetof(struct plan, commit_message)},
	{"versioning", offsetof(struct plan, versioning)},
};

static void read_forge(struct plan *pl, const struct rk_json *d, long line, const char *loc)
{
	plan_canonical(d, &pl->forge_json); /* the release executor's (rk_forge.h) */
}

static void read_train(struct plan *pl, const struct rk_json *d, long line, const char *loc)
{
	const char *s;
	int t;
	size_t n, i;
	char **v;
	struct rk_err err;

	plan_canonical(d, &pl->train_json);
	pl->train_line = line;
	t = rk_json_get(d, 0, "order_edges");
	if (rk_json_len(d, t) > 0) { /* [] (rk-config's default): normal, build and peer */
		int e;

		pl->order_mask = 0;
		for (e = rk_json_first(d, t); e >= 0; e = rk_json_next(d, e)) {
			int k = rk_dep_type_parse(rk_json_str(d, e));

			pl->order_mask |= k >= 0 ? RK_DEP_BIT(k) : (1u << RK_DEP_N) - 1; /* all */
		}
	} else if (rk_json_type(d, t) == RK_JSON_ARRAY) {
		pl->order_mask = RK_GRAPH_EDGES_DEFAULT;
	}
	free(pl->train_loc);
	pl->train_loc = plan_dup_or_null(loc);
	free(pl->train_name);
	pl->train_name = plan_dup_or_null(rk_json_get_str(d, 0, "name"));
	s = rk_json_get_str(d, 0, "tag_format");
	if (s) {
		if (rk_tagfmt_check(s, &err) < 0)
			plan_die_at(pl, line, "%s", err.msg);
		free(pl->tag_format);
		pl->tag_format = rk_xstrdup(s);
		pl->tag_format_line = line;
	}
	for (i = 0; i < RK_ARRAY_SIZE(train_strings); i++) {
		char **field = (char **)((char *)pl + train_strings[i].off);

		s = rk_json_get_str(d, 0, train_strings[i].key);
		if (s) {
			free(*field);
			*field = rk_xstrdup(s);
		}
	}
	s = rk_json_get_str(d, 0, "nightly_version");
	if (s) {
		check_nightly_template(pl, s, line);
		free(pl->nightly_version);
		pl->nightly_version = rk_xstrdup(s);
		pl->nightly_line = line;
		free(pl->nightly_loc);
		pl->nightly_loc = plan_dup_or_null(loc);
	}
	t = rk_json_bool(d, rk_json_get(d, 0, "major_on_zero"));
	if (t >= 0)
		pl->major_on_zero = t == 1;
	s = rk_json_get_str(d, 0, "propagate");
	if (s)
		pl->propagate = plan_lvl_parse(s);
	if (rk_json_type(d, rk_json_get(d, 0, "changelog_exclude")) == RK_JSON_ARRAY) {
		plan_free_strv(pl->exclude, pl->nexclude);
		pl->exclude = plan_str_array(pl, d, 0, "changelog_exclude", &pl->nexclude, line,
					     "release_train");
	}
	t = rk_json_bool(d, rk_json_get(d, 0, "smoke_test"));
	if (t >= 0)
		pl->train_smoke = t;
	if (rk_json_type(d, rk_json_get(d, 0, "create_release")) == RK_JSON_FALSE)
		pl->disabled[RK_ACT_RELEASE] = true; /* and its draft */
	t = rk_json_bool(d, rk_json_get(d, 0, "release_draft"));
	if (t >= 0)
		pl->release_draft = t == 1;
	t = rk_json_bool(d, rk_json_get(d, 0, "release_artifacts"));
	if (t >= 0)
		pl->no_release_artifacts = t == 0;
	v = plan_str_array(pl, d, 0, "disable_actions", &n, line, "release_train");
	for (i = 0; i < n; i++) {
		int a = rk_action_type_parse(v[i]);

		if (a < 0) {
			char bad[128];

			snprintf(bad, sizeof(bad), "%s", v[i]);
			plan_free_strv(v, n);
			plan_die_at(pl, line,
				    "release_train: unknown action type '%s' in disable_actions",
				    bad);
		}
		pl->disabled[a] = true;
	}
	plan_free_strv(v, n);
}

static void read_group(struct plan *pl, const struct rk_json *d, long line, const char *loc)
{
	struct group *g;
	struct rk_err err;
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
	tf = rk_json_get_str(d, 0, "versioning"); /* fixed or independent (checked) */
	if (tf)
		g->lock = !strcmp(tf, "fixed");
	plan_canonical(d, &g->json);
	g->packages = plan_str_array(pl, d, 0, "packages", &g->npackages, line, "release_group");
}

static void read_branch_channel(struct plan *pl, const struct rk_json *d, long line,
				const char *loc)
{
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
}

static void read_action(struct plan *pl, const struct rk_json *d, long line, const char *loc)
{
	struct cmd *c;
	struct rk_err err;
	const char *name = plan_opt_str(pl, d, 0, "name", line, "action");
	int cmd = rk_json_get(d, 0, "command");
	long long to = 0;
	int tt = rk_json_get(d, 0, "timeout");

	if (!name)
		plan_die_at(pl, line, "action without \"name\"");
	if (rk_json_type(d, cmd) != RK_JSON_ARRAY)
		plan_die_at(pl, line, "action '%s': 'command' must be a list of strings (argv)",
			    name);
	if (tt >= 0 && rk_json_type(d, tt) != RK_JSON_NULL &&
	    (rk_json_int(d, tt, &to) < 0 || to < 0))
		plan_die_at(pl, line, "action '%s': 'timeout' must be a whole number of seconds",
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
}

static void read_extra_paths(struct plan *pl, const struct rk_json *d, long line, const char *loc)
{
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
}

/* how to bump a file; the package rules' bump_files say whose */
static void read_bump_file(struct plan *pl, const struct rk_json *d, long line, const char *loc)
{
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
}

/* A package rule (uv_package, ...): its bump_files and smoke test. */
static void read_package_rule(struct plan *pl, const struct rk_json *d, long line, const char *loc)
{
	const char *nm = rk_json_get_str(d, 0, "name");
	const char *eco = rk_json_get_str(d, 0, "ecosystem");
	struct rk_buf id = RK_BUF_INIT;
	size_t n, idx;
	char **v = plan_str_array(pl, d, 0, "bump_files", &n, line, rk_json_get_str(d, 0, "rule"));

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

/*
 * The config rules rk-plan reads, and when: a rule about packages waits
 * for the package records (late). Every other rule is checked (as all
 * are) and passed through.
 */
static const struct config_reader {
	const char *rule;
	bool late;
	void (*read)(struct plan *pl, const struct rk_json *d, long line, const char *loc);
} readers[] = {
	{"forge", false, read_forge},
	{"release_train", false, read_train},
	{"release_group", false, read_group},
	{"branch_channel", false, read_branch_channel},
	{"action", false, read_action},
	{"bump_file", false, read_bump_file},
	{"extra_paths", true, read_extra_paths},
	{"uv_package", true, read_package_rule},
	{"cargo_package", true, read_package_rule},
	{"pnpm_package", true, read_package_rule},
	{"npm_package", true, read_package_rule},
};

static const struct config_reader *reader_of(const char *rule)
{
	size_t i;

	for (i = 0; rule && i < RK_ARRAY_SIZE(readers); i++)
		if (!strcmp(readers[i].rule, rule))
			return &readers[i];
	return NULL;
}

bool plan_config_late(const char *rule)
{
	const struct config_reader *r = reader_of(rule);

	return r && r->late;
}

void plan_read_config(struct plan *pl, const struct rk_json *d, long line)
{
	const char *rule = rk_json_get_str(d, 0, "rule");
	const char *loc = rk_json_get_str(d, 0, "location");
	const struct config_reader *r;
	struct rk_err err;

	if (!rule)
		return;
	plan_set_loc(pl, loc);
	/* the types and values rk-config allows, from its rule table (rk_config.h) */
	if (rk_cfg_record_check(d, 0, pl->source, line, &err) < 0)
		plan_die_at(pl, line, "%s", err.msg);
	if (rk_pubcfg_add(&pl->pub, d, &err) < 0)
		plan_die_at(pl, line, "%s", err.msg);
	r = reader_of(rule);
	if (r)
		r->read(pl, d, line, loc);
}
