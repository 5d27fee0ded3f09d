/*
 * cmd/rk-plan/plan.h - rk-plan's own body (the tool layer over lib/): decide
 * versions, changelogs and the action DAG. Only rk-plan links these files.
 *
 * rk_plan_run() reads the record stream (package records from rk-discover
 * / rk-graph, config records from rk-config), passes every record through
 * unchanged and in order, and then writes one "release" record per package
 * that will be released (all packages with --all) followed by the
 * "action" records of the DAG (rk_actions.h). See rk-plan(1) for the
 * rules; in short:
 *
 *   current   the highest version among the package's tags (tag_format),
 *             stable releases only; the manifest version when untagged
 *   changes   commits since that tag touching the package's directory or
 *             extra paths (one history walk, rk_history.h), Conventional
 *             Commits (rk_conventional.h), plan files (rk_planfile.h)
 *   strategy  independent, fixed or per-group lockstep; dependents of a
 *             released package get the propagate bump (default patch)
 *   channel   latest/next (stable), alpha/beta/rc/canary/custom
 *             (pre-release with a counter continuing from existing tags),
 *             nightly (date-stamped), snapshot (never published)
 *
 * Bad input (a malformed record, plan file or config value) dies with
 * "source:line: reason" and exit 3 (rk_die_err); git failures die with
 * exit 1. Dying is this tool's choice: the library calls it makes return
 * errors (struct rk_err).
 *
 * One file per stage, in the order rk_plan_run (run.c) calls them: input.c
 * (package records, value checks, error locations), config.c (config
 * records), graph.c (release order, groups, lockstep sets, cycles),
 * tags.c (current versions), changes.c (commits and plan files), bump.c
 * (channel, date, propagation, next versions), publish.c (a release
 * commit's publish phase), release.c (changelogs, release records),
 * params.c (action records and their params).
 */
#ifndef RK_PLAN_PLAN_H
#define RK_PLAN_PLAN_H

#include <stdbool.h>
#include <stdio.h>

#include <git2.h>

#include "rk_actions.h"
#include "rk_conventional.h"
#include "rk_history.h"
#include "rk_json.h"
#include "rk_planfile.h"
#include "rk_pubcfg.h"
#include "rk_sha256.h"
#include "rk_strmap.h"
#include "rk_version.h"

struct rk_plan_opts {
	const char *repo;	/* -C: repository directory (NULL: current directory) */
	const char *channel;	/* --channel (NULL: branch_channel / release_train / latest) */
	const char *prerelease; /* --prerelease TOKEN */
	const char *branch;	/* --branch: branch name for branch_channel (NULL: HEAD's) */
	const char *date;	/* --date YYYYMMDD (NULL: SOURCE_DATE_EPOCH or today, UTC) */
	const char *plans_dir;	/* --plans-dir (NULL: config plans_dir or .releasekit/plans) */
	bool all;		/* --all: a release record for every package */
	bool no_actions;	/* --no-actions */
	bool stats;		/* --stats: history counters on stderr */
};

/* Returns the exit code (0); dies on bad input or git failures. */
int rk_plan_run(const struct rk_plan_opts *o, FILE *in, const char *source);

#define DEFAULT_TAG_FORMAT "{name}-v{version}"
#define DEFAULT_PLANS_DIR ".releasekit/plans"
#define DEFAULT_NIGHTLY_VERSION "{version}.dev{date}" /* rk-config's default */
#define NONE ((size_t)-1)

enum lvl { L_NONE, L_PATCH, L_MINOR, L_MAJOR };
extern const char *const plan_lvl_names[]; /* "none", "patch", ... by enum lvl */

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
	bool release_draft, no_release_artifacts; /* release_train's (the release params) */
	/* where and how to publish (the publish and poll params) */
	struct rk_pubcfg pub;
};

/* ---- small helpers ---- */

/*
 * input.c: the package records and the checks every stage uses. The plan_*
 * functions below that take a line die on bad input (plan_die_at: at the
 * current config record's "location" when plan_set_loc gave one, else at
 * source:line; exit 3); strings they return are new (the caller frees) or,
 * for plan_opt_str, borrowed from d.
 */
int plan_lvl_parse(const char *s);
char *plan_dup_or_null(const char *s);
_Noreturn void plan_die_at(const struct plan *pl, long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
char **plan_str_array(const struct plan *pl, const struct rk_json *d, int obj, const char *key,
		      size_t *n, long line, const char *what);
void plan_free_strv(char **v, size_t n);
const char *plan_opt_str(const struct plan *pl, const struct rk_json *d, int obj, const char *key,
			 long line, const char *what);
int plan_opt_bool(const struct plan *pl, const struct rk_json *d, const char *key, long line,
		  const char *what);
void plan_canonical(const struct rk_json *d, char **out);
bool plan_repo_path_ok(const char *s);
void plan_check_paths(const struct plan *pl, const char *pkg, char **v, size_t n, long line);
void plan_read_package(struct plan *pl, const struct rk_json *d, long line);
void plan_set_loc(struct plan *pl, const char *loc);
void plan_bump_json_of(struct plan *pl, struct pkg *p);

/* config.c */
/*
 * A config record into the plan: checked against rk-config's rule table
 * (rk_cfg_record_check), then read by the reader of its rule (a table).
 */
void plan_read_config(struct plan *pl, const struct rk_json *d, long line);
/* Whether rule is read after every package record (it names packages). */
bool plan_config_late(const char *rule);

/*
 * graph.c: plan_find_pkg ("eco:name", a bare name, name@path: the index,
 * NONE unknown, NONE - 1 ambiguous); plan_resolve (dependency indices,
 * pl->topo dependencies first, groups, lockstep sets); cycles among the
 * edges that order a release die (plan_check_order_cycles).
 */
size_t plan_find_pkg(const struct plan *pl, const char *s);
void plan_resolve(struct plan *pl);
bool plan_dep_counts(const struct dep *d);
bool plan_dep_orders(const struct plan *pl, const struct dep *d);
void plan_check_order_cycles(struct plan *pl);

/* tags.c: tag series per format, the current version and history stops of each package. */
const char *plan_tag_format_of(const struct plan *pl, const struct pkg *p);
void plan_setup_series(struct plan *pl);
void plan_read_tags(struct plan *pl);

/* changes.c: commit and plan-file reasons with their bump level (enum lvl). */
void plan_add_reason(struct pkg *p, enum rkind k, size_t ref, int lvl);
void plan_analyse_commits(struct plan *pl);
void plan_read_plan_files(struct plan *pl);

/* bump.c: channel, date, propagation and lockstep, then p->next and p->tag of each package. */
void plan_decide_channel(struct plan *pl);
void plan_decide_date(struct plan *pl);
void plan_propagate(struct plan *pl);
void plan_decide_versions(struct plan *pl);

/* release.c: p->changelog, and the "release" record of p on stdout. */
void plan_build_changelog(struct plan *pl, struct pkg *p);
void plan_emit_release(struct plan *pl, struct pkg *p);

/*
 * params.c: the action records (rk_actions_emit), each package's params
 * filled here; with check_only, the DAG is checked and nothing written.
 */
void plan_emit_actions(struct plan *pl, bool check_only);

/* publish.c: HEAD a release commit (trailers, clean tree): plan exactly its packages. */
bool plan_head_has_release_trailers(struct plan *pl);
bool plan_from_release_commit(struct plan *pl);

#endif
