/* rk_plan.c - decide versions, changelogs and the action DAG (see the header). */
#include "rk_common.h"
#include "rk_plan.h"
#include "rk_sort.h"
#include "rk_actions.h"
#include "rk_changelog.h"
#include "rk_conventional.h"
#include "rk_graph.h"
#include "rk_history.h"
#include "rk_json.h"
#include "rk_planfile.h"
#include "rk_pubcfg.h"
#include "rk_sha256.h"
#include "rk_spec.h"
#include "rk_strmap.h"
#include "rk_tagfmt.h"
#include "rk_version.h"

#include <dirent.h>
#include <fnmatch.h>
#include <sys/stat.h>
#include <time.h>

#define DEFAULT_TAG_FORMAT "{name}-v{version}"
#define DEFAULT_PLANS_DIR ".releasekit/plans"
#define DEFAULT_NIGHTLY_VERSION "{version}.dev{date}" /* rk-config's default */
#define NONE ((size_t)-1)

enum lvl { L_NONE, L_PATCH, L_MINOR, L_MAJOR };
static const char *const lvl_names[] = {"none", "patch", "minor", "major"};

static int lvl_parse(const char *s)
{
	int i;

	for (i = 0; i <= L_MAJOR; i++)
		if (s && !strcmp(s, lvl_names[i]))
			return i;
	return -1;
}

struct dep {
	char *name, *eco, *type;
	char *path; /* where the name is shared (pnpm): the one meant, else NULL */
	char *spec; /* the requirement as written ("" when none) */
	size_t idx; /* NONE when not a package of the input */
	long mline; /* the manifest line that declares it (0: unknown) */
};

enum rkind { R_COMMIT, R_PLAN, R_DEP, R_GROUP };

struct reason {
	enum rkind kind;
	size_t ref; /* commit index, plan file index or package index */
	int lvl;
};

struct tagv {
	char *name;
	struct rk_version v;
	git_oid target;
};

struct series {
	char *prefix, *suffix;
	enum rk_version_scheme scheme;
	struct tagv *tags;
	size_t n, cap;
	size_t next_same_prefix;
	size_t best_stable, best_any;
	char **vstr; /* normalised version strings, made on first use */
};

struct pkg {
	char *name, *eco, *path, *manifest, *version, *group, *label, *tag_format;
	char *manager, *workspace, *lockfile; /* for the executors' params */
	char *id; /* "eco:name@path" when the name is shared (pnpm), else NULL */
	bool publishable;
	bool has_order;
	long order, line;
	char **extra;
	size_t nextra, capextra;
	char **bump_paths; /* its rule's bump_files: paths from the repository root */
	size_t nbump;
	long bump_line;	    /* that rule's line */
	char *bump_loc;	    /* and location (RELEASE.star:LINE:COL), or NULL */
	char *bump_json;    /* [{"path","pattern"}...] for the bump action, or NULL */
	int smoke;	    /* its rule's smoke_test: -1 unset, 0 false, 1 true */
	char *smoke_cmd;    /* its rule's smoke_test command, or NULL */
	char *smoke_module; /* its rule's smoke_module, or NULL */
	struct dep *deps;
	size_t ndeps;
	enum rk_version_scheme scheme;
	size_t series;
	struct rk_version cur;
	char *cur_str;
	const char *cur_tag;
	int lvl, commit_lvl;
	struct reason *reasons;
	size_t nreasons, capr;
	size_t *plans;
	size_t nplans, capplans;
	size_t ncommits, nonconv;
	size_t lock; /* lockstep set, NONE when independent */
	size_t grp;  /* release_group index, NONE */
	char *next, *tag;
	bool released, has_new;
	bool first; /* no release tag: a first release, at the manifest's version */
	char source[RK_SHA256_HEX], mdigest[RK_SHA256_HEX];
	char *changelog;
};

struct group {
	char *name, *json, *tag_format, *loc;
	int lock;      /* release_group versioning: 1 lockstep, 0 independent, -1 unset */
	bool no_smoke; /* smoke_test = false */
	char **packages;
	size_t npackages;
	long line;
};

struct bchan {
	char *branch, *channel, *prerelease; /* prerelease: NULL unset, "" true */
	bool pre_false;
};

struct cmd {
	struct rk_actions_cmd c;
	char **inputs, **outputs, **argv;
	char *name, *json;
};

struct planfile {
	char *path; /* relative to the repository root */
	struct rk_planfile pf;
};

struct plan {
	const struct rk_plan_opts *o;
	const char *source;
	struct pkg *p;
	size_t n, cap;
	struct rk_strmap byid, byname; /* "eco:name" -> idx; name -> idx or NONE (ambiguous) */
	size_t shared;		       /* a package whose name another has (pnpm), or NONE */
	size_t *topo;
	/* config: where an error in the current config record points ("location") */
	char *loc_src;
	long loc_line, loc_col;
	char *train_loc, *train_json;
	unsigned order_mask; /* RK_DEP_BIT of the dependency types that order a release */
	struct bumpfile {
		char *path, *pattern, *loc;
		bool used;
	} * bfs; /* bump_file(path, pattern) rules */
	size_t nbf, capbf;
	char *tag_format, *versioning, *plans_dir, *channel, *prerelease_token, *bootstrap;
	char *commit_message; /* release_train commit_message, or NULL */
	char *train_name;
	long train_line, tag_format_line;
	bool major_on_zero;
	int propagate;
	char **exclude;
	size_t nexclude;
	bool disabled[RK_ACT_NTYPES];
	int train_smoke; /* release_train smoke_test: -1 unset, 0 false, 1 true */
	char *nightly_version, *nightly_loc; /* release_train nightly_version template */
	char *nightly_channel;		     /* release_train nightly_channel */
	long nightly_line;
	struct group *groups;
	size_t ngroups, capg;
	struct bchan *bch;
	size_t nbch, capb;
	struct cmd *cmds;
	size_t ncmds, capc;
	/* git */
	git_repository *repo;
	struct rk_history h;
	struct rk_cc *cc; /* parsed commits, by history commit index */
	bool *ccdone;
	struct series *series;
	size_t nseries, capseries;
	struct rk_strmap serieskey, prefixes;
	struct rk_strmap tagowner; /* "<prefix>\001<suffix>" -> first package with it */
	struct planfile *planfiles;
	size_t nplanfiles, capplanfiles;
	/* decisions */
	char *chan;  /* effective channel */
	char *label; /* pre-release label, NULL for stable */
	bool nightly, snapshot;
	bool publish_only;  /* HEAD is a release commit: plan its publish phase */
	bool head_trailers; /* HEAD carries release trailers (a release commit) */
	char date8[16], date10[16];
	uint64_t height; /* HEAD's first-parent commit count (nightlies), 0 unknown */
	size_t *lockn;	 /* lockstep sets: members count */
	size_t nlocks;
	char **lockname;
	char *forge_json; /* the forge(...) config record, canonical JSON, or NULL */
	/* where and how to publish (the publish and poll params) */
	struct rk_pubcfg pub;
};

/* ---- small helpers ---- */

static char *dup_or_null(const char *s)
{
	return s ? rk_xstrdup(s) : NULL;
}

static _Noreturn void die_at(const struct plan *pl, long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static _Noreturn void die_at(const struct plan *pl, long line, const char *fmt, ...)
{
	struct rk_err e;
	va_list ap;

	e.source = pl->loc_src ? pl->loc_src : pl->source;
	e.line = pl->loc_src ? pl->loc_line : line;
	e.col = pl->loc_src ? pl->loc_col : 0;
	va_start(ap, fmt);
	vsnprintf(e.msg, sizeof(e.msg), fmt, ap);
	va_end(ap);
	rk_die_err(&e);
}

/* A string array member (NULL/absent: zero elements). Dies when it is not one. */
static char **str_array(const struct plan *pl, const struct rk_json *d, int obj, const char *key,
			size_t *n, long line, const char *what)
{
	int a = rk_json_get(d, obj, key), e;
	char **out;
	size_t i = 0;

	*n = 0;
	if (a < 0 || rk_json_type(d, a) == RK_JSON_NULL)
		return rk_xcalloc(1, sizeof(char *));
	if (rk_json_type(d, a) != RK_JSON_ARRAY)
		die_at(pl, line, "%s: '%s' must be a list of strings", what, key);
	out = rk_xcalloc((size_t)rk_json_len(d, a) + 1, sizeof(char *));
	for (e = rk_json_first(d, a); e >= 0; e = rk_json_next(d, e)) {
		if (rk_json_type(d, e) != RK_JSON_STRING) {
			while (i)
				free(out[--i]);
			free(out);
			die_at(pl, line, "%s: '%s' must be a list of strings", what, key);
		}
		out[i++] = rk_xstrdup(rk_json_str(d, e));
	}
	*n = i;
	return out;
}

static void free_strv(char **v, size_t n)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static const char *opt_str(const struct plan *pl, const struct rk_json *d, int obj, const char *key,
			   long line, const char *what)
{
	int t = rk_json_get(d, obj, key);

	if (t < 0 || rk_json_type(d, t) == RK_JSON_NULL)
		return NULL;
	if (rk_json_type(d, t) != RK_JSON_STRING)
		die_at(pl, line, "%s: '%s' must be a string", what, key);
	return rk_json_str(d, t);
}

/* A boolean member: -1 absent or null, else 0 or 1. Dies when it is not one. */
static int opt_bool(const struct plan *pl, const struct rk_json *d, const char *key, long line,
		    const char *what)
{
	int t = rk_json_get(d, 0, key);

	if (t < 0 || rk_json_type(d, t) == RK_JSON_NULL)
		return -1;
	if (rk_json_bool(d, t) < 0)
		die_at(pl, line, "%s: '%s' must be true or false", what, key);
	return rk_json_bool(d, t);
}

static void canonical(const struct rk_json *d, char **out)
{
	struct rk_buf b = RK_BUF_INIT;

	rk_json_canonical(d, 0, &b);
	free(*out);
	*out = rk_buf_detach(&b, NULL);
}

/* ---- reading records ---- */

/* A path inside the repository: relative, no ".." component. */
static bool repo_path_ok(const char *s)
{
	if (*s == '/')
		return false;
	while (*s) {
		size_t len = strcspn(s, "/");

		if (len == 2 && s[0] == '.' && s[1] == '.')
			return false;
		s += len;
		s += *s == '/';
	}
	return true;
}

static void check_paths(const struct plan *pl, const char *pkg, char **v, size_t n, long line)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!repo_path_ok(v[i]))
			die_at(pl, line,
			       "package '%s': path '%s' is not inside the repository (relative, without '..')",
			       pkg, v[i]);
}

static void read_package(struct plan *pl, const struct rk_json *d, long line)
{
	struct pkg *p;
	const char *name = opt_str(pl, d, 0, "name", line, "package");
	const char *eco = opt_str(pl, d, 0, "ecosystem", line, "package");
	const char *path = opt_str(pl, d, 0, "path", line, "package");
	struct rk_buf id = RK_BUF_INIT;
	size_t old, i;
	int deps, e, t;

	if (!name || !*name)
		die_at(pl, line, "package record without \"name\"");
	if (!eco || (strcmp(eco, "python") && strcmp(eco, "npm") && strcmp(eco, "cargo")))
		die_at(pl, line, "package '%s': ecosystem must be python, npm or cargo", name);
	if (!path)
		die_at(pl, line, "package '%s': no \"path\"", name);
	check_paths(pl, name, (char **)&path, 1, line);
	rk_buf_addf(&id, "%s:%s", eco, name);
	if (rk_strmap_get(&pl->byid, id.data, id.len, &old)) {
		/* pnpm members sharing a name (rk-discover gives them an "id"):
		 * their tags must differ (setup_series) */
		if (!rk_json_get_str(d, 0, "id") || !strcmp(pl->p[old].path, path))
			die_at(pl, line, "package '%s' appears twice", id.data);
		pl->shared = pl->n;
	} else {
		rk_strmap_put(&pl->byid, id.data, id.len, pl->n);
	}
	rk_buf_release(&id);
	if (rk_strmap_get(&pl->byname, name, strlen(name), &old))
		rk_strmap_put(&pl->byname, name, strlen(name), NONE);
	else
		rk_strmap_put(&pl->byname, name, strlen(name), pl->n);

	RK_GROW(pl->p, pl->cap, pl->n + 1);
	p = &pl->p[pl->n++];
	memset(p, 0, sizeof(*p));
	p->smoke = -1;
	p->line = line;
	p->name = rk_xstrdup(name);
	p->eco = rk_xstrdup(eco);
	p->path = rk_xstrdup(path);
	if (rk_json_get_str(d, 0, "id")) { /* ours, whatever the record says */
		rk_buf_addf(&id, "%s:%s@%s", eco, name, path);
		p->id = rk_buf_detach(&id, NULL);
	}
	p->manifest = dup_or_null(opt_str(pl, d, 0, "manifest", line, "package"));
	p->version = dup_or_null(opt_str(pl, d, 0, "version", line, "package"));
	p->group = dup_or_null(opt_str(pl, d, 0, "group", line, "package"));
	p->label = dup_or_null(opt_str(pl, d, 0, "label", line, "package"));
	p->tag_format = dup_or_null(opt_str(pl, d, 0, "tag_format", line, "package"));
	p->manager = dup_or_null(opt_str(pl, d, 0, "manager", line, "package"));
	p->workspace = dup_or_null(opt_str(pl, d, 0, "workspace", line, "package"));
	p->publishable = rk_json_bool(d, rk_json_get(d, 0, "publishable")) != 0;
	p->scheme = strcmp(eco, "python") ? RK_VERSION_SEMVER : RK_VERSION_PEP440;
	p->lock = p->grp = p->series = NONE;
	{
		long long v;

		if (rk_json_int(d, rk_json_get(d, 0, "order"), &v) == 0) {
			p->order = (long)v;
			p->has_order = true;
		}
	}
	p->extra = str_array(pl, d, 0, "extra_paths", &p->nextra, line, "package");
	check_paths(pl, name, p->extra, p->nextra, line);
	p->capextra = p->nextra;
	deps = rk_json_get(d, 0, "deps");
	if (deps >= 0 && rk_json_type(d, deps) != RK_JSON_ARRAY)
		die_at(pl, line, "package '%s': \"deps\" must be a list", name);
	p->deps = rk_xcalloc((size_t)rk_json_len(d, deps) + 1, sizeof(*p->deps));
	i = 0;
	for (e = rk_json_first(d, deps); e >= 0; e = rk_json_next(d, e)) {
		const char *dn = rk_json_get_str(d, e, "name");
		const char *de = rk_json_get_str(d, e, "ecosystem");
		const char *dt = rk_json_get_str(d, e, "type");
		const char *ds = rk_json_get_str(d, e, "spec");

		t = rk_json_type(d, e);
		if (t != RK_JSON_OBJECT || !dn)
			die_at(pl, line, "package '%s': each dependency needs a \"name\"", name);
		p->deps[i].name = rk_xstrdup(dn);
		p->deps[i].eco = rk_xstrdup(de ? de : eco);
		p->deps[i].type = rk_xstrdup(dt ? dt : "normal");
		p->deps[i].path = dup_or_null(rk_json_get_str(d, e, "path"));
		p->deps[i].spec = rk_xstrdup(ds ? ds : "");
		p->deps[i].idx = NONE;
		{
			long long ml;
			int lt = rk_json_get(d, e, "line");

			if (lt >= 0 && rk_json_int(d, lt, &ml) == 0 && ml > 0)
				p->deps[i].mline = (long)ml;
		}
		i++;
	}
	p->ndeps = i;
}

/*
 * Point errors at a config record's "location" ("RELEASE.star:21:1", as
 * rk-config writes it) when it has one, else at the record's line; NULL
 * goes back to the record stream.
 */
static void set_loc(struct plan *pl, const char *loc)
{
	const char *c2, *c1;
	char *end;

	free(pl->loc_src);
	pl->loc_src = NULL;
	pl->loc_line = pl->loc_col = 0;
	if (!loc || !*loc)
		return;
	c2 = strrchr(loc, ':');
	c1 = NULL;
	if (c2)
		for (end = (char *)c2; end > loc;)
			if (*--end == ':') {
				c1 = end;
				break;
			}
	if (c1 && c1 > loc) {
		pl->loc_line = strtol(c1 + 1, &end, 10);
		if (end == c2) {
			pl->loc_col = strtol(c2 + 1, &end, 10);
			if (!*end) {
				pl->loc_src = rk_xstrndup(loc, (size_t)(c1 - loc));
				return;
			}
		}
	}
	pl->loc_src = rk_xstrdup(loc);
	pl->loc_line = pl->loc_col = 0;
}

/* nightly_version: {version} exactly once, {date} any number of times. */
static void check_nightly_template(const struct plan *pl, const char *s, long line)
{
	const char *c;
	int nver = 0;

	for (c = s; (c = strchr(c, '{')); c++) {
		if (!strncmp(c, "{version}", 9))
			nver++;
		else if (strncmp(c, "{date}", 6) && strncmp(c, "{n}", 3))
			die_at(pl, line,
			       "release_train: nightly_version '%s': unknown placeholder (expected {version}, {date} and {n})",
			       s);
	}
	if (nver != 1)
		die_at(pl, line, "release_train: nightly_version '%s' needs {version} exactly once",
		       s);
}

static void read_config(struct plan *pl, const struct rk_json *d, long line)
{
	const char *rule = rk_json_get_str(d, 0, "rule");
	const char *loc = rk_json_get_str(d, 0, "location");
	struct rk_err err;

	if (!rule)
		return;
	set_loc(pl, loc);
	if (rk_pubcfg_add(&pl->pub, d, &err) < 0)
		die_at(pl, line, "%s", err.msg);
	if (!strcmp(rule, "forge")) {
		canonical(d, &pl->forge_json); /* the release executor's (rk_forge.h) */
	} else if (!strcmp(rule, "release_train")) {
		const char *s;
		int t;
		size_t n, i;
		char **v;

		canonical(d, &pl->train_json);
		pl->train_line = line;
		t = rk_json_get(d, 0, "order_edges");
		if (t >= 0 && rk_json_type(d, t) == RK_JSON_ARRAY) {
			int e;

			pl->order_mask = 0;
			for (e = rk_json_first(d, t); e >= 0; e = rk_json_next(d, e)) {
				const char *ty = rk_json_str(d, e);
				int k = ty ? rk_dep_type_parse(ty) : -1;

				if (k < 0)
					die_at(pl, line,
					       "release_train: order_edges: unknown dependency type");
				pl->order_mask |= RK_DEP_BIT(k);
			}
		}
		free(pl->train_loc);
		pl->train_loc = dup_or_null(loc);
		free(pl->train_name);
		pl->train_name = dup_or_null(opt_str(pl, d, 0, "name", line, "release_train"));
		if ((s = opt_str(pl, d, 0, "tag_format", line, "release_train"))) {
			if (rk_tagfmt_check(s, &err) < 0)
				die_at(pl, line, "%s", err.msg);
			free(pl->tag_format);
			pl->tag_format = rk_xstrdup(s);
			pl->tag_format_line = line;
		}
		s = opt_str(pl, d, 0, "versioning", line, "release_train");
		if (!s) {
			/* rk-config's version_strategy is how versions are decided
			 * ("conventional-commits"); an independent/fixed/per-group value
			 * there is taken as the versioning */
			const char *vs =
				opt_str(pl, d, 0, "version_strategy", line, "release_train");

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
				die_at(pl, line,
				       "release_train: unknown versioning '%s' (expected independent, fixed or per-group)",
				       s);
			free(pl->versioning);
			pl->versioning = rk_xstrdup(s);
		}
#define SETS(field, key)                                                                           \
	if ((s = opt_str(pl, d, 0, key, line, "release_train"))) {                                 \
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
		if ((s = opt_str(pl, d, 0, "nightly_version", line, "release_train"))) {
			check_nightly_template(pl, s, line);
			free(pl->nightly_version);
			pl->nightly_version = rk_xstrdup(s);
			pl->nightly_line = line;
			free(pl->nightly_loc);
			pl->nightly_loc = dup_or_null(loc);
		}
		t = rk_json_get(d, 0, "major_on_zero");
		if (t >= 0 && rk_json_type(d, t) != RK_JSON_NULL) {
			if (rk_json_bool(d, t) < 0)
				die_at(pl, line,
				       "release_train: 'major_on_zero' must be true or false");
			pl->major_on_zero = rk_json_bool(d, t) == 1;
		}
		if ((s = opt_str(pl, d, 0, "propagate", line, "release_train"))) {
			if (lvl_parse(s) < 0)
				die_at(pl, line,
				       "release_train: unknown propagate '%s' (expected major, minor, patch or none)",
				       s);
			pl->propagate = lvl_parse(s);
		}
		if (rk_json_get(d, 0, "changelog_exclude") >= 0 &&
		    rk_json_type(d, rk_json_get(d, 0, "changelog_exclude")) != RK_JSON_NULL) {
			free_strv(pl->exclude, pl->nexclude);
			pl->exclude = str_array(pl, d, 0, "changelog_exclude", &pl->nexclude, line,
						"release_train");
		}
		if ((t = opt_bool(pl, d, "smoke_test", line, "release_train")) >= 0)
			pl->train_smoke = t;
		t = rk_json_get(d, 0, "create_release");
		if (rk_json_type(d, t) == RK_JSON_FALSE)
			pl->disabled[RK_ACT_RELEASE] = true;
		v = str_array(pl, d, 0, "disable_actions", &n, line, "release_train");
		for (i = 0; i < n; i++) {
			int a = rk_action_type_parse(v[i]);

			if (a < 0) {
				char bad[128];

				snprintf(bad, sizeof(bad), "%s", v[i]);
				free_strv(v, n);
				die_at(pl, line,
				       "release_train: unknown action type '%s' in disable_actions",
				       bad);
			}
			pl->disabled[a] = true;
		}
		free_strv(v, n);
	} else if (!strcmp(rule, "release_group")) {
		struct group *g;
		const char *name = opt_str(pl, d, 0, "name", line, "release_group");
		const char *tf = opt_str(pl, d, 0, "tag_format", line, "release_group");

		if (!name)
			die_at(pl, line, "release_group without \"name\"");
		if (tf && rk_tagfmt_check(tf, &err) < 0)
			die_at(pl, line, "%s", err.msg);
		RK_GROW(pl->groups, pl->capg, pl->ngroups + 1);
		g = &pl->groups[pl->ngroups++];
		memset(g, 0, sizeof(*g));
		g->name = rk_xstrdup(name);
		g->tag_format = dup_or_null(tf);
		g->line = line;
		g->loc = dup_or_null(loc);
		g->lock = -1;
		g->no_smoke = opt_bool(pl, d, "smoke_test", line, "release_group") == 0;
		if ((tf = opt_str(pl, d, 0, "versioning", line, "release_group"))) {
			if (!strcmp(tf, "fixed") || !strcmp(tf, "lockstep"))
				g->lock = 1;
			else if (!strcmp(tf, "independent"))
				g->lock = 0;
			else
				die_at(pl, line,
				       "release_group '%s': unknown versioning '%s' (expected independent or fixed)",
				       name, tf);
		}
		canonical(d, &g->json);
		g->packages = str_array(pl, d, 0, "packages", &g->npackages, line, "release_group");
	} else if (!strcmp(rule, "branch_channel")) {
		struct bchan *b;
		const char *br = opt_str(pl, d, 0, "branch", line, "branch_channel");
		const char *ch = opt_str(pl, d, 0, "channel", line, "branch_channel");
		int pre = rk_json_get(d, 0, "prerelease");

		if (!br || !ch)
			die_at(pl, line, "branch_channel needs \"branch\" and \"channel\"");
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
		const char *name = opt_str(pl, d, 0, "name", line, "action");
		int cmd = rk_json_get(d, 0, "command");
		long long to = 0;
		int tt = rk_json_get(d, 0, "timeout");

		if (!name)
			die_at(pl, line, "action without \"name\"");
		if (rk_json_type(d, cmd) != RK_JSON_ARRAY)
			die_at(pl, line, "action '%s': 'command' must be a list of strings (argv)",
			       name);
		if (tt >= 0 && rk_json_type(d, tt) != RK_JSON_NULL &&
		    (rk_json_int(d, tt, &to) < 0 || to < 0))
			die_at(pl, line, "action '%s': 'timeout' must be a whole number of seconds",
			       name);
		RK_GROW(pl->cmds, pl->capc, pl->ncmds + 1);
		c = &pl->cmds[pl->ncmds++];
		memset(c, 0, sizeof(*c));
		c->name = rk_xstrdup(name);
		canonical(d, &c->json);
		c->inputs = str_array(pl, d, 0, "inputs", &c->c.ninputs, line, "action");
		c->outputs = str_array(pl, d, 0, "outputs", &c->c.noutputs, line, "action");
		c->argv = str_array(pl, d, 0, "command", &c->c.nargv, line, "action");
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
		const char *pk = opt_str(pl, d, 0, "package", line, "extra_paths");
		size_t n, i, idx;
		char **v;

		if (!pk)
			die_at(pl, line, "extra_paths without \"package\"");
		if (!rk_strmap_get(&pl->byid, pk, strlen(pk), &idx) &&
		    (!rk_strmap_get(&pl->byname, pk, strlen(pk), &idx) || idx == NONE))
			die_at(pl, line, "extra_paths: unknown package '%s'", pk);
		v = str_array(pl, d, 0, "paths", &n, line, "extra_paths");
		check_paths(pl, pl->p[idx].name, v, n, line);
		for (i = 0; i < n; i++) {
			struct pkg *p = &pl->p[idx];

			RK_GROW(p->extra, p->capextra, p->nextra + 1);
			p->extra[p->nextra++] = v[i];
		}
		free(v);
	} else if (!strcmp(rule, "bump_file")) {
		/* how to bump a file; the package rules' bump_files say whose */
		struct bumpfile *b;
		const char *path = opt_str(pl, d, 0, "path", line, "bump_file");
		const char *pat = opt_str(pl, d, 0, "pattern", line, "bump_file");

		if (!path || !pat)
			die_at(pl, line, "bump_file needs a path and a pattern");
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
		char **v = str_array(pl, d, 0, "bump_files", &n, line, rule);

		if (nm && eco)
			rk_buf_addf(&id, "%s:%s", eco, nm);
		if (nm && (rk_strmap_get(&pl->byid, id.data, id.len, &idx) ||
			   (rk_strmap_get(&pl->byname, nm, strlen(nm), &idx) && idx != NONE))) {
			struct pkg *p = &pl->p[idx];
			int sm = rk_json_get(d, 0, "smoke_test");
			const char *mod = rk_json_get_str(d, 0, "smoke_module");

			check_paths(pl, p->name, v, n, line);
			free_strv(p->bump_paths, p->nbump);
			p->bump_paths = v;
			p->nbump = n;
			p->bump_line = line;
			free(p->bump_loc);
			p->bump_loc = dup_or_null(loc);
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
			free_strv(v, n);
		}
		rk_buf_release(&id);
	}
}

/*
 * The bump action's bump_files of p: each path its rule lists, with the
 * pattern of the bump_file rule for that path (none: an error at the rule).
 */
static void bump_json_of(struct plan *pl, struct pkg *p)
{
	struct rk_buf b = RK_BUF_INIT;
	struct rk_jw w;
	size_t i, k;

	if (!p->nbump || p->bump_json)
		return;
	rk_jw_init(&w, &b);
	rk_jw_arr(&w);
	for (i = 0; i < p->nbump; i++) {
		for (k = 0; k < pl->nbf && strcmp(pl->bfs[k].path, p->bump_paths[i]); k++)
			;
		if (k == pl->nbf) {
			set_loc(pl, p->bump_loc);
			die_at(pl, p->bump_line,
			       "package '%s': bump_files: '%s' has no bump_file(path = \"%s\", "
			       "pattern = ...) rule saying how to write its version",
			       p->name, p->bump_paths[i], p->bump_paths[i]);
		}
		pl->bfs[k].used = true;
		rk_jw_obj(&w);
		rk_jw_kstr(&w, "path", pl->bfs[k].path);
		rk_jw_kstr(&w, "pattern", pl->bfs[k].pattern);
		rk_jw_obj_end(&w);
	}
	rk_jw_arr_end(&w);
	p->bump_json = rk_buf_detach(&b, NULL);
}

/* ---- package lookup, order, groups ---- */

/* "eco:name" or an unambiguous bare name; NONE when unknown, NONE-1 when ambiguous. */
static size_t find_pkg(const struct plan *pl, const char *s)
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

static void topo_visit(struct plan *pl, size_t i, unsigned char *st, size_t *k)
{
	size_t j;

	if (st[i])
		return;
	st[i] = 1;
	for (j = 0; j < pl->p[i].ndeps; j++)
		if (pl->p[i].deps[j].idx != NONE)
			topo_visit(pl, pl->p[i].deps[j].idx, st, k);
	pl->topo[(*k)++] = i;
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
		die_at(pl, p->line,
		       "package %s:%s depends on %s, a name several packages have: the "
		       "dependency needs their \"path\"",
		       p->eco, p->name, id);
	for (k = 0; k < pl->n; k++)
		if (pl->p[k].id && !strcmp(pl->p[k].eco, d->eco) &&
		    !strcmp(pl->p[k].name, d->name) && !strcmp(pl->p[k].path, d->path))
			return k;
	die_at(pl, p->line, "package %s:%s depends on %s@%s, which is not a package of the input",
	       p->eco, p->name, id, d->path);
}

static void resolve(struct plan *pl)
{
	unsigned char *st = rk_xcalloc(pl->n + 1, 1);
	size_t i, j, k = 0;
	bool all_order = pl->n > 0;

	for (i = 0; i < pl->n; i++) {
		struct pkg *p = &pl->p[i];

		for (j = 0; j < p->ndeps; j++) {
			struct rk_buf id = RK_BUF_INIT;
			size_t idx;

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
		for (i = 0; i < pl->n; i++)
			topo_visit(pl, i, st, &k);
	}
	free(st);

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
					    (pl->shared != NONE && find_pkg(pl, pat) == i))) {
					p->grp = j;
					hit = true;
				}
				rk_buf_release(&id);
			}
			if (!hit && !glob)
				die_at(pl, g->line, "release_group '%s': unknown package '%s'",
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

/* ---- tags ---- */

static const char *tag_format_of(const struct plan *pl, const struct pkg *p)
{
	if (p->tag_format)
		return p->tag_format;
	if (p->grp != NONE && pl->groups[p->grp].tag_format)
		return pl->groups[p->grp].tag_format;
	return pl->tag_format ? pl->tag_format : DEFAULT_TAG_FORMAT;
}

/*
 * Two packages of different ecosystems whose tags look alike (one name, a
 * format without {ecosystem} or {label}) would read each other's tags:
 * refuse, suggesting a format. key is "<prefix>\001<suffix>".
 */
static void tag_clash(struct plan *pl, size_t i, const char *fmt, const struct rk_buf *key)
{
	const struct pkg *p = &pl->p[i], *q;
	size_t j;

	if (!strstr(fmt, "{name}"))
		return; /* one tag for every package (lockstep): shared on purpose */
	if (!rk_strmap_get(&pl->tagowner, key->data, key->len, &j)) {
		rk_strmap_put(&pl->tagowner, key->data, key->len, i);
		return;
	}
	q = &pl->p[j];
	if (!strcmp(q->eco, p->eco) && !strcmp(q->name, p->name))
		die_at(pl, p->line,
		       "packages %s:%s@%s and %s:%s@%s share a name and would share the tags of "
		       "the tag format '%s': give each a label and use {label}, e.g. "
		       "pnpm_package(name = \"%s@%s\", label = \"...\") with "
		       "release_train(tag_format = \"{label}-v{version}\"), or a tag_format per "
		       "package",
		       q->eco, q->name, q->path, p->eco, p->name, p->path, fmt, p->name, p->path);
	if (!strcmp(q->eco, p->eco))
		return;
	die_at(pl, p->line,
	       "packages %s:%s and %s:%s would read each other's tags with the tag format '%s': "
	       "use a format with {ecosystem} or {label}, e.g. release_train(tag_format = "
	       "\"{ecosystem}/{name}-v{version}\"), or a tag_format per release_group or package",
	       q->eco, q->name, p->eco, p->name, fmt);
}

static void setup_series(struct plan *pl)
{
	size_t i;
	struct rk_err err;

	for (i = 0; i < pl->n; i++) {
		struct pkg *p = &pl->p[i];
		struct rk_buf pre = RK_BUF_INIT, suf = RK_BUF_INIT, key = RK_BUF_INIT;
		const char *fmt = tag_format_of(pl, p);
		size_t idx;

		if (p->tag_format && rk_tagfmt_check(p->tag_format, &err) < 0)
			die_at(pl, p->line, "%s", err.msg);
		rk_tagfmt_split(fmt, p->name, p->label, p->eco, &pre, &suf);
		rk_buf_add(&key, pre.data, pre.len);
		rk_buf_addc(&key, '\001');
		rk_buf_add(&key, suf.data, suf.len);
		tag_clash(pl, i, fmt, &key);
		rk_buf_addf(&key, "\001%d", (int)p->scheme);
		if (!rk_strmap_get(&pl->serieskey, key.data, key.len, &idx)) {
			struct series *s;
			size_t first;

			RK_GROW(pl->series, pl->capseries, pl->nseries + 1);
			idx = pl->nseries++;
			s = &pl->series[idx];
			memset(s, 0, sizeof(*s));
			s->prefix = rk_buf_detach(&pre, NULL);
			s->suffix = rk_buf_detach(&suf, NULL);
			s->scheme = p->scheme;
			s->best_stable = s->best_any = NONE;
			s->next_same_prefix = NONE;
			if (rk_strmap_get(&pl->prefixes, s->prefix, strlen(s->prefix), &first))
				s->next_same_prefix = first;
			rk_strmap_put(&pl->prefixes, s->prefix, strlen(s->prefix), idx);
			rk_strmap_put(&pl->serieskey, key.data, key.len, idx);
		}
		p->series = idx;
		rk_buf_release(&pre);
		rk_buf_release(&suf);
		rk_buf_release(&key);
	}
}

/*
 * Peel a tag's target to its commit. Returns 0, or -1 (with a warning) when
 * the tag points at a tree or a blob: such a tag is skipped.
 */
static int tag_commit(struct plan *pl, const char *name, const git_oid *target, git_oid *commit)
{
	git_object *o = NULL, *c = NULL;
	int rc = -1;

	if (git_object_lookup(&o, pl->repo, target, GIT_OBJECT_ANY) == 0 &&
	    git_object_peel(&c, o, GIT_OBJECT_COMMIT) == 0) {
		git_oid_cpy(commit, git_object_id(c));
		rc = 0;
	} else {
		rk_warn("tag %s points at no commit (a tree or a blob): skipped", name);
	}
	git_object_free(c);
	git_object_free(o);
	return rc;
}

static int on_tag(const char *name, const git_oid *target, void *ctx)
{
	struct plan *pl = ctx;
	size_t len = strlen(name), i;
	struct rk_version v = RK_VERSION_INIT;
	git_oid commit;
	int peeled = 0; /* 1 commit found, -1 no commit */
	bool claimed = false;

	/*
	 * The longest prefix first, and only it: a tag belongs to the package
	 * with the longest name that matches ("acme-2-5" is acme-2's 5, not
	 * acme's 2.post5).
	 */
	for (i = len; i-- > 0 && !claimed;) {
		size_t s;
		char c = name[i];

		if (!((c >= '0' && c <= '9') || c == 'v' || c == 'V'))
			continue;
		if (!rk_strmap_get(&pl->prefixes, name, i, &s))
			continue;
		for (; s != NONE; s = pl->series[s].next_same_prefix) {
			struct series *se = &pl->series[s];
			size_t sl = strlen(se->suffix);
			struct tagv *t;

			if (len - i <= sl || memcmp(name + len - sl, se->suffix, sl))
				continue;
			if (rk_version_parse(&v, se->scheme, name + i, len - i - sl, NULL) < 0)
				continue;
			if (!peeled)
				peeled = tag_commit(pl, name, target, &commit) < 0 ? -1 : 1;
			if (peeled < 0) {
				rk_version_release(&v);
				return 0;
			}
			claimed = true;
			RK_GROW(se->tags, se->cap, se->n + 1);
			t = &se->tags[se->n];
			t->v = v;
			rk_version_init(&v);
			t->name = rk_xstrdup(name);
			git_oid_cpy(&t->target, &commit);
			if (se->best_any == NONE ||
			    rk_version_compare(&t->v, &se->tags[se->best_any].v) > 0)
				se->best_any = se->n;
			if (!rk_version_is_prerelease(&t->v) &&
			    (se->best_stable == NONE ||
			     rk_version_compare(&t->v, &se->tags[se->best_stable].v) > 0))
				se->best_stable = se->n;
			se->n++;
		}
	}
	return 0;
}

/*
 * When p's highest release tag (stop) is not in HEAD's history (a tag on a
 * hotfix branch), count commits since the highest tag that is, and still
 * go above the highest overall: stop becomes that tag's commit. With no
 * release tag in HEAD's history at all, stop is left as it is (every commit
 * counts; the caller warns).
 */
static bool stop_in_history(struct plan *pl, const struct pkg *p, const struct series *s,
			    const git_oid *head, git_oid *stop)
{
	size_t j, best = NONE;

	if (git_oid_equal(head, stop) || git_graph_descendant_of(pl->repo, head, stop) == 1)
		return false;
	for (j = 0; j < s->n; j++) {
		const struct tagv *t = &s->tags[j];

		if (rk_version_is_prerelease(&t->v) ||
		    (best != NONE && rk_version_compare(&t->v, &s->tags[best].v) <= 0))
			continue;
		if (git_oid_equal(head, &t->target) ||
		    git_graph_descendant_of(pl->repo, head, &t->target) == 1)
			best = j;
	}
	if (best == NONE)
		return true;
	rk_warn("package '%s': tag %s is not in the history of HEAD (a hotfix branch?): commits "
		"count since %s, the highest tag that is, and the next version goes above %s",
		p->name, p->cur_tag, s->tags[best].name, p->cur_tag);
	git_oid_cpy(stop, &s->tags[best].target);
	return true;
}

/*
 * The manifest's version against the last release tag's: above (a release
 * made from a branch, a hand bump), the manifest's is where the next
 * version starts, and a warning says so; below, a warning.
 */
static void manifest_vs_tag(struct plan *pl, struct pkg *p, bool elsewhere)
{
	struct rk_version m = RK_VERSION_INIT;
	int c;

	if (!p->version ||
	    rk_version_parse(&m, p->scheme, p->version, strlen(p->version), NULL) < 0)
		return;
	if (rk_version_is_prerelease(&m)) {
		rk_version_release(&m);
		return;
	}
	c = rk_version_compare(&m, &p->cur);
	if (pl->head_trailers) {
		/* a release commit: its manifests are above their tags by design */
		rk_version_release(&m);
		return;
	}
	if (c > 0) {
		rk_warn("package '%s': the manifest's version %s is above the last release tag %s: "
			"the next version starts from %s",
			p->name, p->version, p->cur_tag, p->version);
		rk_version_release(&p->cur);
		p->cur = m;
		return;
	}
	if (c < 0 && !elsewhere) /* (below a tag on another branch: expected) */
		rk_warn("package '%s': the manifest's version %s is below the last release tag %s",
			p->name, p->version, p->cur_tag);
	rk_version_release(&m);
}

static void read_tags(struct plan *pl)
{
	struct rk_err err;
	size_t i;
	git_oid boot, head;
	bool has_boot = false, has_head;

	if (rk_history_tags(pl->repo, on_tag, pl, &err) < 0)
		rk_die(RK_EXIT_FAIL, "%s", err.msg);
	if (pl->bootstrap) {
		git_object *o = NULL, *c = NULL;

		if (git_revparse_single(&o, pl->repo, pl->bootstrap) < 0 ||
		    git_object_peel(&c, o, GIT_OBJECT_COMMIT) < 0) {
			set_loc(pl, pl->train_loc);
			die_at(pl, pl->train_line,
			       "release_train: bootstrap_commit '%s' is not a commit",
			       pl->bootstrap);
		}
		git_oid_cpy(&boot, git_object_id(c));
		has_boot = true;
		git_object_free(c);
		git_object_free(o);
	}
	has_head = git_reference_name_to_id(&head, pl->repo, "HEAD") == 0;
	rk_history_init(&pl->h, pl->repo, pl->n);
	for (i = 0; i < pl->n; i++) {
		struct pkg *p = &pl->p[i];
		struct series *s = &pl->series[p->series];
		git_oid st, an;
		size_t j;

		if (s->best_stable != NONE) {
			rk_version_copy(&p->cur, &s->tags[s->best_stable].v);
			p->cur_tag = s->tags[s->best_stable].name;
			git_oid_cpy(&st, &s->tags[s->best_stable].target);
			bool elsewhere = has_head && stop_in_history(pl, p, s, &head, &st);

			if (strstr(tag_format_of(pl, p), "{name}") && p->lock == NONE)
				manifest_vs_tag(pl, p,
						elsewhere); /* (lockstep tags: members lag) */
		} else {
			const char *v = p->version ? p->version : "0.0.0";

			if (rk_version_parse(&p->cur, p->scheme, v, strlen(v), &err) < 0)
				die_at(pl, p->line, "package '%s': %s", p->name, err.msg);
			if (has_boot)
				git_oid_cpy(&st, &boot);
			/* no release tag: a first release, at the version the manifest has */
			p->first = !has_boot && p->version != NULL;
		}
		if (s->best_any != NONE) {
			if (rk_history_peel(pl->repo, &s->tags[s->best_any].target, &an, &err) < 0)
				rk_die(RK_EXIT_FAIL, "tag %s: %s", s->tags[s->best_any].name,
				       err.msg);
		} else if (has_boot) {
			git_oid_cpy(&an, &boot);
		}
		rk_history_set_stops(&pl->h, i, s->best_stable != NONE || has_boot ? &st : NULL,
				     s->best_any != NONE || has_boot ? &an : NULL);
		/* a stable tag that is not the newest makes "any" the stable one too */
		p->cur_str = rk_version_str(&p->cur);
		rk_history_add_path(&pl->h, p->path, i);
		for (j = 0; j < p->nextra; j++)
			rk_history_add_path(&pl->h, p->extra[j], i);
	}
}

/* ---- commits ---- */

static struct rk_cc *cc_of(struct plan *pl, size_t c)
{
	if (!pl->ccdone[c]) {
		const char *m = pl->h.commits[c].message;

		rk_cc_parse(&pl->cc[c], m, strlen(m));
		pl->ccdone[c] = true;
	}
	return &pl->cc[c];
}

static void add_reason(struct pkg *p, enum rkind k, size_t ref, int lvl)
{
	RK_GROW(p->reasons, p->capr, p->nreasons + 1);
	p->reasons[p->nreasons].kind = k;
	p->reasons[p->nreasons].ref = ref;
	p->reasons[p->nreasons].lvl = lvl;
	p->nreasons++;
}

static int commit_lvl(const struct rk_cc *cc)
{
	if (cc->breaking)
		return L_MAJOR;
	if (!strcmp(cc->type, "feat"))
		return L_MINOR;
	if (!strcmp(cc->type, "fix") || !strcmp(cc->type, "perf") || !strcmp(cc->type, "revert"))
		return L_PATCH;
	return L_NONE;
}

/* Whether msg's first line (trimmed) is header. */
static bool same_header(const char *msg, const char *header)
{
	const char *e = strchr(msg, '\n');
	size_t n = e ? (size_t)(e - msg) : strlen(msg);

	while (n && (msg[n - 1] == ' ' || msg[n - 1] == '\r' || msg[n - 1] == '\t'))
		n--;
	while (n && (*msg == ' ' || *msg == '\t'))
		msg++, n--;
	return strlen(header) == n && !memcmp(msg, header, n);
}

/* The level of the commit a revert quotes the header of. */
static int reverted_lvl(const struct rk_cc *cc)
{
	struct rk_cc h = RK_CC_INIT;
	int l;

	rk_cc_parse(&h, cc->revert_header, strlen(cc->revert_header));
	l = h.conventional ? commit_lvl(&h) : L_PATCH;
	rk_cc_release(&h);
	return l;
}

static void analyse_commits(struct plan *pl)
{
	size_t i, j, k;

	pl->cc = rk_xcalloc(pl->h.ncommits + 1, sizeof(*pl->cc));
	pl->ccdone = rk_xcalloc(pl->h.ncommits + 1, sizeof(bool));
	for (i = 0; i < pl->n; i++) {
		struct pkg *p = &pl->p[i];
		struct rk_history_pkg *hp = &pl->h.pkg[i];
		bool *cancel = rk_xcalloc(hp->ncommits + 1, sizeof(bool));
		int lvl = L_NONE;

		p->has_new = hp->new_since_any;
		p->ncommits = hp->ncommits;
		/*
		 * reverts, newest first: a revert cancels itself and every commit
		 * in range it reverts: each id it names ("Refs: a, b"), or with no
		 * id the commit whose header it quotes ("revert: feat: x")
		 */
		for (j = 0; j < hp->ncommits; j++) {
			struct rk_cc *cc = cc_of(pl, hp->commits[j]);
			bool hit = false;
			size_t r;

			if (cancel[j] || !cc->revert)
				continue;
			for (r = 0; r < cc->nrevert_ids; r++) {
				size_t len = strlen(cc->revert_ids[r]);

				for (k = j + 1; k < hp->ncommits; k++) {
					char hex[GIT_OID_HEXSZ + 1];

					git_oid_tostr(hex, sizeof(hex),
						      &pl->h.commits[hp->commits[k]].oid);
					if (!cancel[k] && !strncmp(hex, cc->revert_ids[r], len)) {
						cancel[k] = hit = true;
						break;
					}
				}
			}
			for (k = j + 1; !cc->nrevert_ids && cc->revert_header && k < hp->ncommits;
			     k++)
				if (!cancel[k] && same_header(pl->h.commits[hp->commits[k]].message,
							      cc->revert_header)) {
					cancel[k] = hit = true;
					break;
				}
			if (hit)
				cancel[j] = true;
		}
		for (j = 0; j < hp->ncommits; j++) {
			struct rk_cc *cc = cc_of(pl, hp->commits[j]);
			int l;

			if (cancel[j])
				continue;
			if (!cc->conventional) {
				p->nonconv++;
				continue;
			}
			l = commit_lvl(cc);
			if (cc->revert && cc->revert_header && reverted_lvl(cc) == L_NONE)
				l = L_NONE; /* reverting work that caused no bump */
			add_reason(p, R_COMMIT, hp->commits[j], l);
			if (l > lvl)
				lvl = l;
		}
		if (lvl == L_MAJOR && !pl->major_on_zero && p->cur.nrelease &&
		    p->cur.release[0] == 0)
			lvl = L_MINOR;
		p->commit_lvl = p->lvl = lvl;
		free(cancel);
	}
}

/* ---- plan files ---- */

static void read_plan_files(struct plan *pl)
{
	const char *dir = pl->o->plans_dir ? pl->o->plans_dir
			  : pl->plans_dir  ? pl->plans_dir
					   : DEFAULT_PLANS_DIR;
	const char *wd = git_repository_workdir(pl->repo);
	struct rk_buf full = RK_BUF_INIT;
	char **names = NULL;
	size_t n = 0, cap = 0, i, j;
	DIR *dp;
	struct dirent *de;

	if (!wd)
		return;
	if (!repo_path_ok(dir)) {
		if (pl->o->plans_dir)
			rk_die(RK_EXIT_USAGE,
			       "--plans-dir %s: not inside the repository (relative, without '..')",
			       dir);
		set_loc(pl, pl->train_loc);
		die_at(pl, pl->train_line,
		       "release_train: plans_dir '%s' is not inside the repository (relative, without '..')",
		       dir);
	}
	rk_buf_addf(&full, "%s%s", wd, dir);
	dp = opendir(full.data);
	if (!dp) {
		if (errno == ENOTDIR && pl->o->plans_dir)
			rk_die(RK_EXIT_USAGE, "--plans-dir %s: not a directory", dir);
		if (errno == ENOTDIR && pl->plans_dir) {
			set_loc(pl, pl->train_loc);
			die_at(pl, pl->train_line,
			       "release_train: plans_dir '%s' is not a directory", dir);
		}
		if (errno != ENOENT && errno != ENOTDIR)
			rk_die(RK_EXIT_FAIL, "%s: %s", dir, strerror(errno));
		rk_buf_release(&full);
		return;
	}
	while ((de = readdir(dp))) {
		size_t l = strlen(de->d_name);

		if (l < 4 || strcmp(de->d_name + l - 3, ".md") ||
		    !strcmp(de->d_name, "README.md") || de->d_name[0] == '.')
			continue;
		RK_GROW(names, cap, n + 1);
		names[n++] = rk_xstrdup(de->d_name);
	}
	closedir(dp);
	if (n > 1)
		qsort(names, n, sizeof(*names), rk_strcmp_ptr);
	for (i = 0; i < n; i++) {
		struct planfile *f;
		struct rk_buf text = RK_BUF_INIT, fp = RK_BUF_INIT;
		struct rk_err err;

		RK_GROW(pl->planfiles, pl->capplanfiles, pl->nplanfiles + 1);
		f = &pl->planfiles[pl->nplanfiles++];
		memset(f, 0, sizeof(*f));
		{
			struct rk_buf rel = RK_BUF_INIT;

			rk_buf_addf(&rel, "%s/%s", dir, names[i]);
			f->path = rk_buf_detach(&rel, NULL);
		}
		rk_buf_addf(&fp, "%s%s", wd, f->path);
		if (rk_buf_read_file(&text, fp.data) < 0)
			rk_die(errno == RK_ENOTREG || errno == EISDIR ? RK_EXIT_INPUT
								      : RK_EXIT_FAIL,
			       "%s: %s", f->path, rk_strerror(errno));
		if (rk_planfile_parse(&f->pf, text.data ? text.data : "", text.len, f->path, &err) <
		    0)
			rk_die_err(&err);
		for (j = 0; j < f->pf.n; j++) {
			const struct rk_planfile_entry *e = &f->pf.entries[j];
			size_t idx = find_pkg(pl, e->package);
			struct pkg *p;
			int l = lvl_parse(e->bump);

			if (idx == NONE || idx == NONE - 1) {
				err.source = f->path;
				err.line = e->line;
				err.col = 0;
				snprintf(
					err.msg, sizeof(err.msg),
					idx == NONE
						? "unknown package '%.200s'"
						: "package '%.200s' is ambiguous: write ecosystem:name",
					e->package);
				rk_die_err(&err);
			}
			p = &pl->p[idx];
			add_reason(p, R_PLAN, pl->nplanfiles - 1, l);
			RK_GROW(p->plans, p->capplans, p->nplans + 1);
			p->plans[p->nplans++] = pl->nplanfiles - 1;
			if (l > p->lvl)
				p->lvl = l;
		}
		rk_buf_release(&text);
		rk_buf_release(&fp);
	}
	free_strv(names, n);
	rk_buf_release(&full);
}

/* ---- channel ---- */

static bool is_prerelease_channel(const char *c)
{
	return !strcmp(c, "alpha") || !strcmp(c, "beta") || !strcmp(c, "rc") ||
	       !strcmp(c, "canary");
}

/*
 * channel: --channel, else the first branch_channel whose branch pattern
 * matches the current branch, else release_train channel, else latest.
 * label: --prerelease; else the matching branch_channel's prerelease string;
 * else alpha/beta/rc/canary use their own name; latest, next and channels
 * whose branch_channel says prerelease: false are stable; any other
 * (custom) channel uses release_train prerelease_token, else its name.
 */
static void decide_channel(struct plan *pl)
{
	const struct rk_plan_opts *o = pl->o;
	const struct bchan *bc = NULL;
	const char *chan;
	char branch[256];
	size_t i;

	if (o->branch)
		snprintf(branch, sizeof(branch), "%s", o->branch);
	else
		rk_history_branch(pl->repo, branch, sizeof(branch));
	if (o->channel) {
		chan = o->channel;
	} else {
		for (i = 0; i < pl->nbch && branch[0] && !bc; i++)
			if (fnmatch(pl->bch[i].branch, branch, 0) == 0)
				bc = &pl->bch[i];
		chan = bc ? bc->channel : pl->channel ? pl->channel : "latest";
	}
	pl->chan = rk_xstrdup(chan);
	if (!strcmp(chan, "nightly") ||
	    (pl->nightly_channel && !strcmp(chan, pl->nightly_channel))) {
		pl->nightly = true;
		return;
	}
	if (!strcmp(chan, "snapshot")) {
		pl->snapshot = true;
		return;
	}
	if (o->prerelease)
		pl->label = rk_xstrdup(o->prerelease);
	else if (bc && bc->prerelease && *bc->prerelease)
		pl->label = rk_xstrdup(bc->prerelease);
	else if (is_prerelease_channel(chan))
		pl->label = rk_xstrdup(chan);
	else if (!strcmp(chan, "latest") || !strcmp(chan, "next") || (bc && bc->pre_false))
		pl->label = NULL;
	else
		pl->label = rk_xstrdup(pl->prerelease_token ? pl->prerelease_token : chan);
}

/* YYYYMMDD (8 digits) names a day of the Gregorian calendar. */
static bool valid_ymd(const char *d)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, dd;

	if (strlen(d) != 8 || strspn(d, "0123456789") != 8)
		return false;
	y = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
	m = (d[4] - '0') * 10 + (d[5] - '0');
	dd = (d[6] - '0') * 10 + (d[7] - '0');
	if (y < 1 || m < 1 || m > 12 || dd < 1 || dd > mdays[m - 1])
		return false;
	return m != 2 || dd < 29 || (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
}

static void decide_date(struct plan *pl)
{
	const char *d = pl->o->date;
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	struct tm tm;
	time_t t;

	if (d) {
		size_t i;

		for (i = 0; d[i]; i++)
			if (d[i] < '0' || d[i] > '9')
				break;
		if (i != 8 || d[8])
			rk_die(RK_EXIT_USAGE, "--date: expected YYYYMMDD, not '%s'", d);
		if (!valid_ymd(d))
			rk_die(RK_EXIT_USAGE, "--date: no such day '%s'", d);
		snprintf(pl->date8, sizeof(pl->date8), "%s", d);
		snprintf(pl->date10, sizeof(pl->date10), "%.4s-%.2s-%.2s", d, d + 4, d + 6);
		return;
	}
	if (sde && *sde) {
		char *end;
		long long v;

		errno = 0;
		v = strtoll(sde, &end, 10);
		/* up to 9999-12-31: a four-digit year */
		if (*end || v < 0 || v > 253402300799LL || errno == ERANGE)
			rk_die(RK_EXIT_USAGE, "SOURCE_DATE_EPOCH: not a number of seconds: '%s'",
			       sde);
		t = (time_t)v;
	} else {
		t = time(NULL);
	}
	gmtime_r(&t, &tm);
	strftime(pl->date8, sizeof(pl->date8), "%Y%m%d", &tm);
	strftime(pl->date10, sizeof(pl->date10), "%Y-%m-%d", &tm);
}

/* ---- propagation and lockstep ---- */

static bool dep_counts(const struct dep *d)
{
	return d->idx != NONE && strcmp(d->type, "dev") != 0;
}

/* An edge that orders a release (a dependent's publish waits for it):
 * normal, build and peer by default, release_train(order_edges) else. */
static bool dep_orders(const struct plan *pl, const struct dep *d)
{
	int t = rk_dep_type_parse(d->type);

	return d->idx != NONE && t >= 0 && (pl->order_mask & RK_DEP_BIT(t));
}

/*
 * A cycle among the ordering edges of released packages cannot be
 * published in any order: die naming every edge with its type and the
 * manifest line that declares it (as rk-graph does). Iterative DFS.
 */
static void check_order_cycles(struct plan *pl)
{
	unsigned char *st = rk_xcalloc(pl->n + 1, 1); /* 0 new, 1 on stack, 2 done */
	size_t *stk = rk_xcalloc(pl->n + 1, sizeof(size_t));
	size_t *next = rk_xcalloc(pl->n + 1, sizeof(size_t));
	size_t root, top, i;

	for (root = 0; root < pl->n; root++) {
		if (st[root] || !pl->p[root].released)
			continue;
		top = 0;
		stk[top++] = root;
		st[root] = 1;
		while (top) {
			size_t v = stk[top - 1];
			struct pkg *p = &pl->p[v];

			if (next[v] >= p->ndeps) {
				st[v] = 2;
				top--;
				continue;
			}
			{
				const struct dep *d = &p->deps[next[v]++];
				size_t w = d->idx;

				if (!dep_orders(pl, d) || !pl->p[w].released || st[w] == 2)
					continue;
				if (st[w] == 0) {
					st[w] = 1;
					stk[top++] = w;
					continue;
				}
				/* a cycle: w ... v -> w on the stack */
				{
					struct rk_buf msg = RK_BUF_INIT;
					size_t from = 0;

					while (stk[from] != w)
						from++;
					rk_buf_addf(&msg, "%s:%s", pl->p[w].eco, pl->p[w].name);
					for (i = from; i < top; i++) {
						struct pkg *a = &pl->p[stk[i]];
						size_t to = i + 1 < top ? stk[i + 1] : w;
						const struct dep *e = NULL;
						size_t j;

						for (j = 0; j < a->ndeps && !e; j++)
							if (a->deps[j].idx == to &&
							    dep_orders(pl, &a->deps[j]))
								e = &a->deps[j];
						rk_buf_addf(&msg, " -(%s", e ? e->type : "?");
						if (e && a->manifest)
							rk_buf_addf(&msg, ", %s", a->manifest);
						if (e && a->manifest && e->mline)
							rk_buf_addf(&msg, ":%ld", e->mline);
						rk_buf_addf(&msg, ")-> %s:%s", pl->p[to].eco,
							    pl->p[to].name);
					}
					die_at(pl, pl->p[w].line,
					       "package cycle: %s: no publish order exists (only "
					       "normal, build and peer dependencies order a release; "
					       "release_train(order_edges = ...) chooses others)",
					       msg.data);
				}
			}
		}
	}
	free(st);
	free(stk);
	free(next);
}

static void propagate(struct plan *pl)
{
	bool changed = true;
	size_t i, j, k, r;

	while (changed) {
		changed = false;
		for (k = 0; k < pl->n && pl->propagate != L_NONE; k++) {
			struct pkg *p = &pl->p[pl->topo[k]];

			for (j = 0; j < p->ndeps; j++) {
				const struct dep *d = &p->deps[j];
				bool have = false;

				if (!dep_counts(d) || pl->p[d->idx].lvl == L_NONE)
					continue;
				for (r = 0; r < p->nreasons; r++)
					if (p->reasons[r].kind == R_DEP &&
					    p->reasons[r].ref == d->idx)
						have = true;
				if (have)
					continue;
				add_reason(p, R_DEP, d->idx, pl->propagate);
				if (pl->propagate > p->lvl) {
					p->lvl = pl->propagate;
					changed = true;
				}
			}
		}
		for (i = 0; i < pl->nlocks; i++) {
			int lvl = L_NONE;

			for (k = 0; k < pl->n; k++)
				if (pl->p[k].lock == i && pl->p[k].lvl > lvl)
					lvl = pl->p[k].lvl;
			for (k = 0; k < pl->n; k++) {
				struct pkg *p = &pl->p[k];

				if (p->lock != i || p->lvl >= lvl)
					continue;
				for (r = 0; r < p->nreasons; r++)
					if (p->reasons[r].kind == R_GROUP)
						break;
				if (r < p->nreasons)
					p->reasons[r].lvl = lvl;
				else
					add_reason(p, R_GROUP, i, lvl);
				p->lvl = lvl;
				changed = true;
			}
		}
	}
}

/* ---- versions ---- */

static int rel_cmp(const struct rk_version *a, const struct rk_version *b)
{
	size_t i, n = a->nrelease > b->nrelease ? a->nrelease : b->nrelease;

	for (i = 0; i < n; i++) {
		uint64_t x = i < a->nrelease ? a->release[i] : 0;
		uint64_t y = i < b->nrelease ? b->release[i] : 0;

		if (x != y)
			return x < y ? -1 : 1;
	}
	return 0;
}

static enum rk_version_bump bump_of(int lvl)
{
	return lvl == L_MAJOR	? RK_VERSION_BUMP_MAJOR
	       : lvl == L_MINOR ? RK_VERSION_BUMP_MINOR
				: RK_VERSION_BUMP_PATCH;
}

static void continue_prerelease_line(struct plan *pl, const struct pkg *p, struct rk_version *t);

/* The release target of p (before any channel suffix) into t; lockbase[set] is
 * the member with the highest current version of each lockstep set. */
static void target_of(struct plan *pl, struct pkg *p, const size_t *lockbase, struct rk_version *t)
{
	struct rk_err err;
	const struct rk_version *base = &p->cur;

	if (p->lock != NONE) {
		size_t k;
		struct rk_buf b = RK_BUF_INIT;

		base = &pl->p[lockbase[p->lock]].cur;
		for (k = 0; k < base->nrelease || (p->scheme == RK_VERSION_SEMVER && k < 3); k++) {
			if (p->scheme == RK_VERSION_SEMVER && k >= 3)
				break;
			rk_buf_addf(
				&b, "%s%llu", k ? "." : "",
				(unsigned long long)(k < base->nrelease ? base->release[k] : 0));
		}
		if (rk_version_parse(t, p->scheme, b.data, b.len, &err) < 0)
			rk_die(RK_EXIT_INPUT, "package '%s': %s", p->name, err.msg);
		rk_buf_release(&b);
	} else {
		rk_version_copy(t, base);
	}
	if (p->first && p->lock == NONE) {
		/* a first release: the manifest's version as it stands */
		rk_version_release_only(t);
		return;
	}
	if (rk_version_bump(t, bump_of(p->lvl), &err) < 0)
		rk_die(RK_EXIT_INPUT, "package '%s': cannot bump %s: %s", p->name, p->cur_str,
		       err.msg);
	if (pl->label && !pl->nightly && !pl->snapshot)
		continue_prerelease_line(pl, p, t);
}

/*
 * On a pre-release channel, the highest existing pre-release line of the
 * channel's label goes on: with 1.4.0-rc.3 tagged, a target below 1.4.0
 * becomes 1.4.0 (then rc.4 by counter_of), not a new line 1.3.0-rc.1.
 */
static void continue_prerelease_line(struct plan *pl, const struct pkg *p, struct rk_version *t)
{
	const struct series *s = &pl->series[p->series];
	struct rk_version best = RK_VERSION_INIT;
	struct rk_err err;
	size_t i;

	for (i = 0; i < s->n; i++) {
		struct rk_version rel = RK_VERSION_INIT, lab = RK_VERSION_INIT;
		char *ls, *vs;
		size_t n;

		if (!rk_version_is_prerelease(&s->tags[i].v))
			continue;
		rk_version_copy(&rel, &s->tags[i].v);
		rk_version_release_only(&rel);
		if (rel_cmp(&rel, t) > 0 && (!best.nrelease || rel_cmp(&rel, &best) > 0)) {
			/* of this channel's label: "<rel>-<label>.N" in the scheme's spelling */
			rk_version_copy(&lab, &rel);
			if (rk_version_set_prerelease(&lab, pl->label, 0, &err) == 0) {
				ls = rk_version_str(&lab);
				vs = rk_version_str(&s->tags[i].v);
				n = strlen(ls);
				if (n && ls[n - 1] == '0')
					n--;
				if (!strncmp(vs, ls, n) && vs[n] &&
				    strspn(vs + n, "0123456789") == strlen(vs + n)) {
					rk_version_release(&best);
					rk_version_copy(&best, &rel);
				}
				free(ls);
				free(vs);
			}
			rk_version_release(&lab);
		}
		rk_version_release(&rel);
	}
	if (best.nrelease) {
		rk_version_release(t);
		rk_version_copy(t, &best);
	}
	rk_version_release(&best);
}

/* The next pre-release counter of label on target t among p's tags. */
static uint64_t counter_of(struct plan *pl, const struct pkg *p, const struct rk_version *t)
{
	struct rk_version x = RK_VERSION_INIT;
	struct series *s = &pl->series[p->series];
	struct rk_err err;
	char *s0;
	size_t len, i;
	uint64_t best = 0;

	rk_version_copy(&x, t);
	if (rk_version_set_prerelease(&x, pl->label, 0, &err) < 0)
		rk_die(RK_EXIT_USAGE, "pre-release label: %s", err.msg);
	s0 = rk_version_str(&x);
	len = strlen(s0);
	if (len && s0[len - 1] == '0')
		s0[--len] = '\0';
	if (!s->vstr) {
		s->vstr = rk_xcalloc(s->n + 1, sizeof(char *));
		for (i = 0; i < s->n; i++)
			s->vstr[i] = rk_version_str(&s->tags[i].v);
	}
	for (i = 0; i < s->n; i++) {
		const char *v = s->vstr[i], *q;
		uint64_t n = 0;

		if (!strncmp(v, s0, len) && v[len]) {
			for (q = v + len; *q >= '0' && *q <= '9'; q++)
				n = n * 10 + (uint64_t)(*q - '0');
			if (!*q && n > best)
				best = n;
		}
	}
	free(s0);
	rk_version_release(&x);
	return best + 1;
}

/*
 * HEAD's first-parent commit count: what makes two nightlies of one day
 * differ (one per commit along a branch, the same for the same commit).
 */
static uint64_t head_height(struct plan *pl)
{
	git_revwalk *w = NULL;
	git_oid id;
	uint64_t n = 0;

	if (pl->height)
		return pl->height;
	if (git_revwalk_new(&w, pl->repo) == 0 && git_revwalk_push_head(w) == 0) {
		git_revwalk_simplify_first_parent(w);
		while (git_revwalk_next(&id, w) == 0)
			n++;
	}
	git_revwalk_free(w);
	return pl->height = n;
}

/*
 * The nightly version of p from the release_train's nightly_version
 * template ({version} the target t, {date} YYYYMMDD), normalised in p's
 * scheme. NULL (the scheme's own spelling) when there is no template, or
 * when the expansion of rk-config's default is not valid in p's scheme
 * (SemVer). Dies when a template gives no valid pre-release.
 */
static char *nightly_from_template(struct plan *pl, const struct pkg *p, const struct rk_version *t)
{
	const char *c = pl->nightly_version;
	char *ver, *out = NULL;
	struct rk_buf b = RK_BUF_INIT;
	struct rk_version v;
	struct rk_err err;

	if (!c || !strcmp(c, DEFAULT_NIGHTLY_VERSION))
		return NULL; /* rk-config's default: the built-in spelling, unique per commit */
	ver = rk_version_str(t);
	while (*c) {
		if (!strncmp(c, "{version}", 9)) {
			rk_buf_adds(&b, ver);
			c += 9;
		} else if (!strncmp(c, "{date}", 6)) {
			rk_buf_adds(&b, pl->date8);
			c += 6;
		} else if (!strncmp(c, "{n}", 3)) {
			rk_buf_addf(&b, "%llu", (unsigned long long)head_height(pl));
			c += 3;
		} else {
			rk_buf_addc(&b, *c++);
		}
	}
	free(ver);
	rk_version_init(&v);
	if (rk_version_parse(&v, p->scheme, b.data, b.len, &err) == 0 &&
	    rk_version_is_prerelease(&v))
		out = rk_version_str(&v);
	rk_version_release(&v);
	if (!out && strcmp(pl->nightly_version, DEFAULT_NIGHTLY_VERSION)) {
		char msg[RK_ERR_MAX];

		snprintf(
			msg, sizeof(msg),
			"release_train: nightly_version '%s' gives '%s' for package '%s', not a %s pre-release",
			pl->nightly_version, b.data, p->name,
			p->scheme == RK_VERSION_PEP440 ? "PEP 440" : "SemVer");
		set_loc(pl, pl->nightly_loc);
		die_at(pl, pl->nightly_line, "%s", msg);
	}
	rk_buf_release(&b);
	return out;
}

static void decide_versions(struct plan *pl)
{
	size_t i, k;
	uint64_t *lockctr = rk_xcalloc(pl->nlocks + 1, sizeof(uint64_t));
	struct rk_version *targets = rk_xcalloc(pl->n + 1, sizeof(*targets));
	size_t *lockbase = rk_xcalloc(pl->nlocks + 1, sizeof(size_t));
	struct rk_err err;

	for (i = 0; i < pl->nlocks; i++)
		lockbase[i] = NONE;
	for (i = 0; i < pl->n; i++) {
		size_t l = pl->p[i].lock;

		if (l != NONE &&
		    (lockbase[l] == NONE || rel_cmp(&pl->p[i].cur, &pl->p[lockbase[l]].cur) > 0))
			lockbase[l] = i;
	}

	for (i = 0; i < pl->n; i++) {
		struct pkg *p = &pl->p[i];
		bool plan_or_dep = p->nplans > 0;

		for (k = 0; k < p->nreasons; k++)
			if (p->reasons[k].kind != R_COMMIT)
				plan_or_dep = true;
		p->released = p->lvl > L_NONE;
		/* a pre-release channel releases again only what is new since its last tag */
		if (p->released && pl->label && !p->has_new && !plan_or_dep)
			p->released = false;
		if (p->released) {
			target_of(pl, p, lockbase, &targets[i]);
			if (pl->label && p->lock != NONE) {
				uint64_t c = counter_of(pl, p, &targets[i]);

				if (c > lockctr[p->lock])
					lockctr[p->lock] = c;
			}
		}
	}
	for (i = 0; i < pl->n; i++) {
		struct pkg *p = &pl->p[i];
		struct rk_version *t = &targets[i];
		struct rk_buf tag = RK_BUF_INIT;

		if (!p->released) {
			if (pl->o->all) {
				p->next = rk_xstrdup(p->cur_str);
				rk_tagfmt_expand(tag_format_of(pl, p), p->name, p->label, p->eco,
						 p->next, &tag);
				p->tag = rk_buf_detach(&tag, NULL);
			}
			continue;
		}
		if (pl->nightly && (p->next = nightly_from_template(pl, p, t))) {
			/* the release_train's nightly_version */
		} else if (pl->nightly || pl->snapshot) {
			uint64_t date = strtoull(pl->date8, NULL, 10);
			const char *lab = pl->nightly			   ? "nightly"
					  : p->scheme == RK_VERSION_PEP440 ? "dev"
									   : "snapshot";
			char semlab[64];

			/* nightlies: unique per commit (HEAD's commit count after the
			 * date): 1.2.4-nightly.20261130.57, 1.2.4.dev20261130000057 */
			if (pl->nightly && p->scheme == RK_VERSION_PEP440) {
				date = date * 1000000 + head_height(pl) % 1000000;
			} else if (pl->nightly) {
				snprintf(semlab, sizeof(semlab), "nightly.%s", pl->date8);
				lab = semlab;
				date = head_height(pl);
			}
			if (rk_version_set_prerelease(t, lab, date, &err) < 0)
				rk_die(RK_EXIT_FAIL, "package '%s': %s", p->name, err.msg);
			p->next = rk_version_str(t);
			if (pl->snapshot && p->scheme == RK_VERSION_PEP440) {
				struct rk_buf b = RK_BUF_INIT;

				rk_buf_addf(&b, "%s+snapshot", p->next);
				free(p->next);
				p->next = rk_buf_detach(&b, NULL);
			}
		} else if (pl->label) {
			uint64_t c = p->lock != NONE ? lockctr[p->lock] : counter_of(pl, p, t);

			if (rk_version_set_prerelease(t, pl->label, c, &err) < 0)
				rk_die(RK_EXIT_USAGE, "pre-release label: %s", err.msg);
			p->next = rk_version_str(t);
		} else {
			p->next = rk_version_str(t);
		}
		rk_tagfmt_expand(tag_format_of(pl, p), p->name, p->label, p->eco, p->next, &tag);
		p->tag = rk_buf_detach(&tag, NULL);
	}
	for (i = 0; i < pl->n; i++)
		rk_version_release(&targets[i]);
	free(targets);
	free(lockctr);
	free(lockbase);
}

/* ---- changelog and records ---- */

/*
 * The version of dependency d a dependent's changelog names: its next one;
 * not released this time, on a pre-release channel its newest pre-release
 * of the channel's label above its last stable version (what the dependent
 * is built against), else its current version.
 */
static const char *dep_version(struct plan *pl, const struct pkg *d)
{
	const struct series *s = &pl->series[d->series];
	size_t i, best = NONE;

	if (d->next)
		return d->next;
	if (!pl->label || pl->nightly || pl->snapshot)
		return d->cur_str;
	for (i = 0; i < s->n; i++) {
		const struct tagv *t = &s->tags[i];
		struct rk_version lab = RK_VERSION_INIT;
		struct rk_err err;
		bool ours = false;

		if (!rk_version_is_prerelease(&t->v) || rk_version_compare(&t->v, &d->cur) <= 0 ||
		    (best != NONE && rk_version_compare(&t->v, &s->tags[best].v) <= 0))
			continue;
		rk_version_copy(&lab, &t->v);
		if (rk_version_set_prerelease(&lab, pl->label, t->v.pre_num, &err) == 0)
			ours = rk_version_compare(&lab, &t->v) == 0;
		rk_version_release(&lab);
		if (ours)
			best = i;
	}
	if (best == NONE)
		return d->cur_str;
	if (!s->vstr) {
		struct series *ms = &pl->series[d->series];

		ms->vstr = rk_xcalloc(ms->n + 1, sizeof(char *));
		for (i = 0; i < ms->n; i++)
			ms->vstr[i] = rk_version_str(&ms->tags[i].v);
	}
	return s->vstr[best];
}

static void build_changelog(struct plan *pl, struct pkg *p)
{
	size_t cap = p->nreasons + 1, i, bf, n = 0;
	struct rk_changelog_item *items;
	char(*ids)[8];
	char **deptext;
	const char **excl = NULL;
	struct rk_buf out = RK_BUF_INIT;

	/* one item per breaking footer of a commit (each with its subject) */
	for (i = 0; i < p->nreasons; i++)
		if (p->reasons[i].kind == R_COMMIT && pl->cc[p->reasons[i].ref].nbreaking_texts > 1)
			cap += pl->cc[p->reasons[i].ref].nbreaking_texts - 1;
	items = rk_xcalloc(cap, sizeof(*items));
	ids = rk_xcalloc(cap, sizeof(*ids));
	deptext = rk_xcalloc(cap, sizeof(char *));
	for (i = 0; i < p->nreasons; i++) {
		const struct reason *r = &p->reasons[i];
		struct rk_changelog_item *it = &items[n];

		if (r->kind == R_COMMIT) {
			const struct rk_cc *cc = &pl->cc[r->ref];

			for (bf = 0; bf < cc->nbreaking_texts; bf++) {
				struct rk_buf b = RK_BUF_INIT;

				it = &items[n];
				git_oid_tostr(ids[n], sizeof(ids[n]), &pl->h.commits[r->ref].oid);
				it->type = cc->type;
				it->scope = cc->scope;
				it->breaking = true;
				rk_buf_addf(&b, "%s: %s", cc->subject, cc->breaking_texts[bf]);
				deptext[n] = rk_buf_detach(&b, NULL);
				it->text = deptext[n];
				it->id = ids[n];
				if (bf + 1 < cc->nbreaking_texts)
					n++;
			}
			if (!cc->nbreaking_texts) {
				git_oid_tostr(ids[n], sizeof(ids[n]), &pl->h.commits[r->ref].oid);
				it->type = cc->type;
				it->scope = cc->scope;
				it->breaking = cc->breaking;
				it->text = cc->subject;
				it->id = ids[n];
			}
		} else if (r->kind == R_PLAN) {
			const struct planfile *f = &pl->planfiles[r->ref];
			size_t e;

			it->text = f->pf.summary;
			it->plan_bump = "none";
			for (e = 0; e < f->pf.n; e++) {
				size_t idx = find_pkg(pl, f->pf.entries[e].package);

				if (idx < pl->n && &pl->p[idx] == p)
					it->plan_bump = f->pf.entries[e].bump;
			}
			if (!*it->text)
				continue;
		} else if (r->kind == R_DEP) {
			const struct pkg *d = &pl->p[r->ref];
			struct rk_buf b = RK_BUF_INIT;

			rk_buf_addf(&b, "%s %s", d->name, dep_version(pl, d));
			deptext[n] = rk_buf_detach(&b, NULL);
			it->text = deptext[n];
			it->dependency = true;
		} else {
			continue;
		}
		n++;
	}
	if (pl->exclude) {
		excl = rk_xcalloc(pl->nexclude + 1, sizeof(char *));
		for (i = 0; i < pl->nexclude; i++)
			excl[i] = pl->exclude[i];
	}
	rk_changelog_render(&out, p->next, pl->date10, items, n, excl);
	p->changelog = rk_buf_detach(&out, NULL);
	for (i = 0; i < n; i++)
		free(deptext[i]);
	free(deptext);
	free(excl);
	free(ids);
	free(items);
}

static void emit_release(struct plan *pl, struct pkg *p)
{
	struct rk_buf b = RK_BUF_INIT;
	struct rk_jw w;
	size_t i;
	char hex[GIT_OID_HEXSZ + 1], sh[8];

	rk_jw_init(&w, &b);
	rk_jw_obj(&w);
	rk_jw_kstr(&w, "kind", "release");
	rk_jw_kstr(&w, "name", p->name);
	if (p->id)
		rk_jw_kstr(&w, "id", p->id);
	rk_jw_kstr(&w, "ecosystem", p->eco);
	rk_jw_kstr(&w, "path", p->path);
	rk_jw_kstr(&w, "current", p->cur_str);
	rk_jw_kstr(&w, "next", p->next);
	rk_jw_kstr(&w, "bump", lvl_names[p->released ? p->lvl : L_NONE]);
	rk_jw_key(&w, "reasons");
	rk_jw_arr(&w);
	for (i = 0; i < p->nreasons && p->released; i++) {
		const struct reason *r = &p->reasons[i];

		rk_jw_obj(&w);
		if (r->kind == R_COMMIT) {
			const struct rk_cc *cc = &pl->cc[r->ref];

			git_oid_tostr(hex, sizeof(hex), &pl->h.commits[r->ref].oid);
			memcpy(sh, hex, 7);
			sh[7] = '\0';
			rk_jw_kstr(&w, "commit", sh);
			rk_jw_kstr(&w, "sha", hex);
			rk_jw_kstr(&w, "subject", cc->subject);
			rk_jw_kstr(&w, "type", cc->type);
			if (cc->scope)
				rk_jw_kstr(&w, "scope", cc->scope);
			rk_jw_kbool(&w, "breaking", cc->breaking);
			if (cc->pr)
				rk_jw_kint(&w, "pr", cc->pr);
		} else if (r->kind == R_PLAN) {
			rk_jw_kstr(&w, "plan", pl->planfiles[r->ref].path);
			rk_jw_kstr(&w, "summary", pl->planfiles[r->ref].pf.summary);
		} else if (r->kind == R_DEP) {
			const struct pkg *d = &pl->p[r->ref];

			rk_jw_kstr(&w, "dependency", d->name);
			rk_jw_kstr(&w, "ecosystem", d->eco);
			if (d->id)
				rk_jw_kstr(&w, "dependency_id", d->id);
			rk_jw_kstr(&w, "version", d->next ? d->next : d->cur_str);
		} else {
			rk_jw_kstr(&w, "group", pl->lockname[r->ref]);
		}
		rk_jw_kstr(&w, "bump", lvl_names[r->lvl]);
		rk_jw_obj_end(&w);
	}
	rk_jw_arr_end(&w);
	rk_jw_kstr(&w, "tag", p->tag);
	rk_jw_kstr(&w, "previous_tag", p->cur_tag);
	rk_jw_kstr(&w, "channel", pl->chan);
	rk_jw_kbool(&w, "prerelease", p->released && (pl->label || pl->nightly || pl->snapshot));
	rk_jw_kbool(&w, "publish", p->released && !pl->snapshot && p->publishable);
	if (p->grp != NONE)
		rk_jw_kstr(&w, "group", pl->groups[p->grp].name);
	rk_jw_kint(&w, "commits", (long long)p->ncommits);
	rk_jw_kint(&w, "non_conventional", (long long)p->nonconv);
	rk_jw_key(&w, "plan_files");
	rk_jw_arr(&w);
	for (i = 0; i < p->nplans && p->released; i++)
		rk_jw_str(&w, pl->planfiles[p->plans[i]].path);
	rk_jw_arr_end(&w);
	rk_jw_kstr(&w, "date", pl->date10);
	if (p->changelog)
		rk_jw_kstr(&w, "changelog", p->changelog);
	rk_jw_obj_end(&w);
	rk_record_emit(&b);
	rk_buf_release(&b);
}

/* ---- actions ---- */

static void manifest_digest(struct plan *pl, struct pkg *p)
{
	const char *wd = git_repository_workdir(pl->repo);
	struct rk_buf b = RK_BUF_INIT, path = RK_BUF_INIT;
	char **lines = rk_xcalloc(p->ndeps + 1, sizeof(char *));
	size_t i;

	if (p->manifest && wd) {
		rk_buf_addf(&path, "%s%s", wd, p->manifest);
		if (rk_buf_read_file(&b, path.data) < 0)
			rk_buf_reset(&b);
	}
	rk_buf_addc(&b, '\0');
	for (i = 0; i < p->ndeps; i++) {
		struct rk_buf l = RK_BUF_INIT;
		const struct pkg *d = p->deps[i].idx != NONE ? &pl->p[p->deps[i].idx] : NULL;

		rk_buf_addf(&l, "%s:%s=%s\n", p->deps[i].eco, p->deps[i].name,
			    d ? (d->released ? d->next : d->cur_str) : "");
		lines[i] = rk_buf_detach(&l, NULL);
	}
	qsort(lines, p->ndeps, sizeof(char *), rk_strcmp_ptr);
	for (i = 0; i < p->ndeps; i++)
		rk_buf_adds(&b, lines[i]);
	rk_sha256_buf(b.data, b.len, p->mdigest);
	free_strv(lines, p->ndeps);
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

/* Write the action records; with check_only, check the DAG and write nothing. */
static void emit_actions(struct plan *pl, bool check_only)
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
	ao.check_only = check_only;
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
		bool needs = false;

		for (j = 0; j < p->ndeps && !p->released; j++)
			if (p->deps[j].idx != NONE && pl->p[p->deps[j].idx].released &&
			    range_moves(p, &p->deps[j], &pl->p[p->deps[j].idx]))
				needs = true;
		if (needs)
			slot[pl->topo[k]] = m++;
	}
	m = 0;
	for (k = 0; k < 2 * pl->n; k++) {
		size_t pi = pl->topo[k % pl->n];
		struct pkg *p = &pl->p[pi];
		struct rk_actions_pkg *a;
		struct rk_buf c = RK_BUF_INIT;
		const char *pin = NULL;

		if (slot[pi] == NONE || (k < pl->n) != p->released)
			continue;
		a = &ap[m];
		a->ranges_only = !p->released;
		a->manager = p->manager;
		a->manifest = p->manifest;
		a->workspace = p->workspace;
		if (!check_only)
			find_lockfile(pl, p);
		a->lockfile = p->lockfile;
		a->bump_files_json = p->bump_json;
		a->current = p->cur_str;
		a->previous_tag = p->cur_tag;
		a->changelog = p->changelog;
		a->date = pl->date10;
		if (p->grp != NONE)
			pin = cfg_field(pl->groups[p->grp].json, "pin_strategy", &tmp);
		if (!pin)
			pin = cfg_field(pl->train_json, "pin_strategy", &tmp);
		pins[m] = pin ? rk_xstrdup(pin) : NULL;
		a->pin_strategy = pins[m];
		alldeps[m] = rk_xcalloc(p->ndeps + 1, sizeof(size_t));
		for (j = 0; j < p->ndeps; j++)
			if (p->deps[j].idx != NONE && pl->p[p->deps[j].idx].released &&
			    slot[p->deps[j].idx] != NONE &&
			    range_moves(p, &p->deps[j], &pl->p[p->deps[j].idx]))
				alldeps[m][a->nall_deps++] = slot[p->deps[j].idx];
		a->all_deps = alldeps[m];
		if (!check_only)
			manifest_digest(pl, p);
		memcpy(p->source, src[pi], RK_SHA256_HEX);
		a->name = p->name;
		a->id = p->id;
		a->ecosystem = p->eco;
		a->path = p->path;
		a->version = p->next;
		a->tag = p->tag;
		a->publishable = p->publishable;
		a->no_smoke_test =
			p->smoke == 0 ||
			(p->smoke < 0 &&
			 (pl->train_smoke == 0 || (p->grp != NONE && pl->groups[p->grp].no_smoke)));
		rk_pubcfg_target(&pl->pub, p->eco, p->name, p->workspace, pl->chan, &pub[m]);
		a->pub = &pub[m];
		a->smoke_cmd = p->smoke_cmd;
		a->smoke_module = p->smoke_module;
		a->source_digest = p->source;
		a->manifest_digest = p->mdigest;
		rk_buf_addc(&c, '[');
		if (pl->train_json)
			rk_buf_adds(&c, pl->train_json);
		if (p->grp != NONE && pl->groups[p->grp].json)
			rk_buf_addf(&c, "%s%s", pl->train_json ? "," : "", pl->groups[p->grp].json);
		rk_buf_addc(&c, ']');
		cfg[m] = rk_buf_detach(&c, NULL);
		a->config_json = cfg[m];
		deps[m] = rk_xcalloc(p->ndeps + 1, sizeof(size_t));
		for (j = 0; j < p->ndeps; j++)
			if (dep_orders(pl, &p->deps[j]) && pl->p[p->deps[j].idx].released &&
			    slot[p->deps[j].idx] != NONE)
				deps[m][a->ndeps++] = slot[p->deps[j].idx];
		a->deps = deps[m];
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
	if (rk_actions_emit(&ao, ap, m, cmds, pl->ncmds, &err) < 0)
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

/* ---- publish mode ---- */

#define RELEASE_TRAILER "Release-Kit-Release"

/* HEAD's message has at least one RELEASE_TRAILER trailer. */
static bool head_has_release_trailers(struct plan *pl)
{
	git_oid oid;
	git_commit *c = NULL;
	git_message_trailer_array tr = {0};
	bool found = false;
	size_t i;

	if (git_reference_name_to_id(&oid, pl->repo, "HEAD") == 0 &&
	    git_commit_lookup(&c, pl->repo, &oid) == 0 &&
	    git_message_trailers(&tr, git_commit_message(c)) == 0)
		for (i = 0; i < tr.count && !found; i++)
			found = !strcmp(tr.trailers[i].key, RELEASE_TRAILER);
	git_message_trailer_array_free(&tr);
	git_commit_free(c);
	return found;
}

/*
 * HEAD is a release commit (its "Release-Kit-Release: eco:name version"
 * trailers, written by rk-exec's commit action) and the work tree has no
 * change to a tracked file: release exactly those packages and versions
 * (no bump: the publish phase). Returns false, changing nothing, otherwise.
 */
static bool from_release_commit(struct plan *pl)
{
	git_oid oid;
	git_commit *c = NULL;
	git_message_trailer_array tr = {0};
	git_status_list *st = NULL;
	git_status_options so = GIT_STATUS_OPTIONS_INIT;
	size_t i, k, n = 0;
	bool ok = false;

	if (git_reference_name_to_id(&oid, pl->repo, "HEAD") < 0 ||
	    git_commit_lookup(&c, pl->repo, &oid) < 0 ||
	    git_message_trailers(&tr, git_commit_message(c)) < 0)
		goto out;
	for (i = 0; i < tr.count; i++)
		n += !strcmp(tr.trailers[i].key, RELEASE_TRAILER);
	if (!n)
		goto out;
	so.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	so.flags = GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
	if (git_status_list_new(&st, pl->repo, &so) < 0)
		rk_die(RK_EXIT_FAIL, "reading the work tree's status: %s",
		       git_error_last()->message);
	if (git_status_list_entrycount(st) > 0) {
		const git_status_entry *e = git_status_byindex(st, 0);
		const char *path = e->index_to_workdir ? e->index_to_workdir->new_file.path
				   : e->head_to_index  ? e->head_to_index->new_file.path
						       : "?";

		rk_warn("HEAD is a release commit, but the work tree differs from it (%s%s): "
			"planning a new release",
			path, git_status_list_entrycount(st) > 1 ? ", ..." : "");
		goto out;
	}
	for (k = 0; k < pl->n; k++)
		pl->p[k].released = false;
	for (i = 0; i < tr.count; i++) {
		const char *v = tr.trailers[i].value, *sp = strrchr(v, ' ');
		struct rk_buf id = RK_BUF_INIT, tag = RK_BUF_INIT;
		struct rk_version cur, next;
		struct rk_err err;
		struct pkg *p;
		size_t idx;

		if (strcmp(tr.trailers[i].key, RELEASE_TRAILER))
			continue;
		if (!sp || sp == v || !sp[1])
			rk_die(RK_EXIT_INPUT,
			       "HEAD: malformed trailer '%s: %s' (expected "
			       "'ECOSYSTEM:NAME VERSION')",
			       RELEASE_TRAILER, v);
		rk_buf_add(&id, v, (size_t)(sp - v));
		idx = find_pkg(pl, id.data);
		if (idx >= pl->n)
			rk_die(RK_EXIT_INPUT,
			       "HEAD's release commit names %s, which is not a package of the input",
			       id.data);
		p = &pl->p[idx];
		free(p->next);
		free(p->tag);
		p->next = rk_xstrdup(sp + 1);
		p->released = true;
		rk_version_init(&cur);
		rk_version_init(&next);
		if (rk_version_parse(&next, p->scheme, p->next, strlen(p->next), &err) < 0)
			rk_die(RK_EXIT_INPUT, "HEAD: trailer for %s: %s", id.data, err.msg);
		p->lvl = L_PATCH;
		if (p->cur_str &&
		    rk_version_parse(&cur, p->scheme, p->cur_str, strlen(p->cur_str), &err) == 0) {
			if (!rk_version_compare(&cur, &next))
				p->lvl = L_NONE; /* already tagged */
			else if (cur.nrelease && next.nrelease && cur.release[0] != next.release[0])
				p->lvl = L_MAJOR;
			else if (cur.nrelease > 1 && next.nrelease > 1 &&
				 cur.release[1] != next.release[1])
				p->lvl = L_MINOR;
		}
		rk_version_release(&cur);
		rk_version_release(&next);
		rk_tagfmt_expand(tag_format_of(pl, p), p->name, p->label, p->eco, p->next, &tag);
		p->tag = rk_buf_detach(&tag, NULL);
		rk_buf_release(&id);
	}
	pl->publish_only = ok = true;
out:
	git_status_list_free(st);
	git_message_trailer_array_free(&tr);
	git_commit_free(c);
	return ok;
}

/* ---- the run ---- */

static void plan_free(struct plan *pl)
{
	size_t i, j;

	rk_pubcfg_release(&pl->pub);
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
		free_strv(p->extra, p->nextra);
		free_strv(p->bump_paths, p->nbump);
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
	free_strv(pl->exclude, pl->nexclude);
	for (i = 0; i < pl->ngroups; i++) {
		free(pl->groups[i].name);
		free(pl->groups[i].json);
		free(pl->groups[i].tag_format);
		free(pl->groups[i].loc);
		free_strv(pl->groups[i].packages, pl->groups[i].npackages);
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

		free_strv(c->inputs, c->c.ninputs);
		free_strv(c->outputs, c->c.noutputs);
		free_strv(c->argv, c->c.nargv);
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
		free_strv(s->vstr, s->n);
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
	free_strv(pl->lockname, pl->nlocks);
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
				read_package(&pl, &r.doc, r.line);
			} else if (!strcmp(r.kind, "config")) {
				const char *rule = rk_json_get_str(&r.doc, 0, "rule");

				/* rules about packages wait for the package records */
				if (rule && (!strcmp(rule, "extra_paths") ||
					     (strlen(rule) > 8 &&
					      !strcmp(rule + strlen(rule) - 8, "_package")))) {
					RK_GROW(late, caplate, nlate + 1);
					late[nlate].text = rk_xstrndup(r.text.data, r.text.len);
					late[nlate++].line = r.line;
				} else {
					read_config(&pl, &r.doc, r.line);
				}
			}
		}
		if (rc < 0)
			rk_die_err(&r.err);
		for (i = 0; i < nlate; i++) {
			struct rk_json d = RK_JSON_INIT;

			if (rk_json_parse(&d, late[i].text, strlen(late[i].text), source,
					  late[i].line, &err) == 0)
				read_config(&pl, &d, late[i].line);
			set_loc(&pl, NULL);
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
	decide_date(&pl);
	resolve(&pl);
	if (rk_history_open(&pl.repo, o->repo, &err) < 0)
		rk_die(RK_EXIT_FAIL, "%s", err.msg);
	if (pl.shared != NONE) /* the errors below point at package records */
		set_loc(&pl, NULL);
	setup_series(&pl);
	pl.head_trailers = head_has_release_trailers(&pl);
	read_tags(&pl);
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
	analyse_commits(&pl);
	read_plan_files(&pl);
	decide_channel(&pl);
	propagate(&pl);
	decide_versions(&pl);
	if (!from_release_commit(&pl))
		for (k = 0; k < pl.n; k++)
			if (pl.p[pl.topo[k]].released)
				build_changelog(&pl, &pl.p[pl.topo[k]]);
	/* everything is decided; a cycle through action rules still writes nothing */
	for (i = 0; i < pl.n; i++)
		bump_json_of(&pl, &pl.p[i]);
	for (i = 0; i < pl.nbf; i++)
		if (!pl.bfs[i].used)
			rk_warn("%s: bump_file '%s' is in no package's bump_files: it is not bumped",
				pl.bfs[i].loc, pl.bfs[i].path);
	if (!o->no_actions) {
		check_order_cycles(&pl);
		emit_actions(&pl, true);
	}
	rk_out(pass.data ? pass.data : "", pass.len);
	rk_buf_release(&pass);
	for (k = 0; k < pl.n; k++) {
		struct pkg *p = &pl.p[pl.topo[k]];

		if (p->released || o->all)
			emit_release(&pl, p);
	}
	if (!o->no_actions)
		emit_actions(&pl, false);
	plan_free(&pl);
	return 0;
}
