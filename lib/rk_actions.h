/*
 * rk_actions.h - the action DAG of a release plan, with cache keys.
 *
 * Two phases (../shared/design.md section 8; every built-in action carries
 * "phase" and "params", the input of its executor, see rk-plan(1)):
 *
 * prepare (changes the repository), one serial chain, so that no two
 * actions edit one file at once:
 *     bump:<eco>:<name>           each released package
 *  -> ranges:<eco>:<name>         each package (released or not) whose
 *                                 requirement on a released one must move
 *                                 (rk-plan lists only those in all_deps)
 *  -> lockfile:<manager>:<dir>    each workspace with a lockfile (these
 *                                 run in parallel)
 *  -> changelog:<eco>:<name>      each released package
 *  -> commit:release              one release commit
 * publish, per released package:
 *     pin -> build -> unpin -> sign -> publish -> poll -> smoke_test
 *         -> verify -> tag
 * then push:tags (one, after every tag) and release:<eco>:<name> (the
 * forge release) after it. pin waits for the commit; within one workspace
 * (manager + directory) the pin..unpin triples run one after another (the
 * pins edit shared files); a dependent's publish waits for the poll (else
 * publish) of each released dependency it lists, so nothing is published
 * before what it needs is installable. Packages whose tags are the same (a
 * lockstep format such as "v{version}") share one tag and one release
 * action: the first package's, which waits for each package's verify.
 *
 * A type that is disabled leaves the chain (its neighbours are joined). A
 * package that is not publishable loses pin, build, unpin, sign, publish,
 * poll, smoke_test and verify; one with no_smoke_test loses smoke_test; a
 * snapshot plan keeps only bump, pin, build and unpin (snapshots are never
 * committed, published or tagged). publish_only (a plan made from a release
 * commit) has no prepare phase.
 *
 * Command actions (config rule "action"): an input that is an action type
 * ("build") makes the command per package: one action
 * "<name>:<ecosystem>:<package>" for every released package, after that
 * package's action of that type (the nearest earlier one when it is
 * disabled or absent). An input that is an action id ("publish:npm:web")
 * adds that edge (ignored when the action is not in the plan). Any other
 * input is a file or directory, relative to the repository root, whose
 * content digest goes into the cache key. An output that is an action type
 * (per-package commands) or id makes that action wait for the command;
 * other outputs are just recorded. A command with no action-type input is
 * a single action with id "<name>". argv elements may use {name},
 * {version}, {ecosystem}, {path} and {tag} (per-package commands); cwd is
 * the package directory ("." for single actions); env carries RK_PACKAGE,
 * RK_ECOSYSTEM, RK_VERSION, RK_PATH and RK_TAG. A command's phase is
 * prepare when it feeds a prepare type (an output) or only follows them
 * (every action-type input is a prepare type), else publish.
 *
 * Cache key: each action's "key" is defined once, in rk_cachekey.h (the
 * fields, where each comes from; the declared "env" of a command is in it).
 *
 * Packages that share a name (pnpm members; rk_actions_pkg.id set) have
 * "<eco>:<name>@<path>" wherever the others have "<eco>:<name>" in ids
 * ("bump:npm:web@apps/web"); every other id is unchanged.
 *
 * Actions are handed to the tool (rk_actions_opts.record, which writes
 * them: rk-plan's rk_record_emit) in a topological order: creation order,
 * each after its dependencies. Nothing here writes stdout.
 */
#ifndef RK_ACTIONS_H
#define RK_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "rk_buf.h"
#include "rk_msg.h"
#include "rk_pubcfg.h"

/* Action types of the built-in DAG, in order. */
enum rk_action_type {
	RK_ACT_BUMP,
	RK_ACT_RANGES,
	RK_ACT_LOCKFILE,
	RK_ACT_CHANGELOG,
	RK_ACT_COMMIT, /* the last of the prepare phase */
	RK_ACT_DRAFT,  /* the forge release as a draft, before anything is published */
	RK_ACT_PIN,
	RK_ACT_BUILD,
	RK_ACT_UNPIN,
	RK_ACT_SIGN,
	RK_ACT_PUBLISH,
	RK_ACT_POLL,
	RK_ACT_SMOKE_TEST,
	RK_ACT_VERIFY,
	RK_ACT_TAG,
	RK_ACT_PUSH,
	RK_ACT_RELEASE,
	RK_ACT_NTYPES
};

extern const char *const rk_action_type_names[RK_ACT_NTYPES];
/* The type for a name, or -1. */
int rk_action_type_parse(const char *name);

struct rk_actions_pkg {
	const char *name, *ecosystem, *path, *version, *tag;
	bool publishable;
	bool ranges_only;	     /* not released: a dependent that only gets ranges */
	bool no_smoke_test;	     /* smoke_test = false (release_train or release_group) */
	const char *source_digest;   /* hex */
	const char *manifest_digest; /* hex */
	const char *config_json;     /* JSON array of the config records it depends on */
	const size_t *deps;	     /* indices of released dependencies (publish waits) */
	size_t ndeps;
	/* for the executors' params (NULL when unknown) */
	const size_t *all_deps; /* released internal dependencies of any type (ranges) */
	size_t nall_deps;
	const char *manager, *manifest;
	const char *workspace;	     /* workspace root directory, or NULL (standalone) */
	const char *lockfile;	     /* the lockfile that exists for it, or NULL */
	const char *bump_files_json; /* bump: [{"path","pattern"}...] (bump_file rules), or NULL */
	const char *smoke_cmd;	     /* smoke_test: the package rule's command, or NULL */
	const char *smoke_module;    /* smoke_test: the module to import, or NULL */
	const char *current;	     /* the version being replaced */
	const char *previous_tag;    /* or NULL */
	const char *changelog;	     /* the release's section (Markdown), or NULL */
	const char *changelog_file;  /* NULL: <path>/CHANGELOG.md */
	const char *pin_strategy;    /* exact, compatible, minimum; NULL: exact */
	const char *date;	     /* YYYY-MM-DD */
	/* "<eco>:<name>@<path>" where packages share a name (pnpm), else NULL:
	 * then it stands for "<eco>:<name>" in action ids, the dist directory
	 * and the commit's releases (trailers) */
	const char *id;
	/* publish, poll, smoke_test, verify: RELEASE.star's overrides of
	 * where and how to publish (rk_pubcfg.h), or NULL */
	const struct rk_pub_target *pub;
};

struct rk_actions_cmd {
	const char *name;
	const char *const *inputs;
	size_t ninputs;
	const char *const *outputs;
	size_t noutputs;
	const char *const *argv;
	size_t nargv;
	long long timeout_s;
	const char *config_json; /* canonical JSON of the rule's record */
	const char *source;	 /* record source and line, for errors */
	long line;
};

struct rk_actions_opts {
	const char *workdir; /* repository root, for command input digests */
	bool disabled[RK_ACT_NTYPES];
	bool snapshot;
	const char *tool;	 /* tool identity, e.g. "rk-plan 0.1.0" */
	const char *config_json; /* config for single command actions: JSON array */
	bool check_only;	 /* build and check the DAG, write nothing (digests unused) */
	bool publish_only;	 /* a plan from a release commit: no prepare phase */
	const char *head; /* HEAD's commit (hex): the commit's parent, publish's tag target */
	const char *const *plan_files; /* consumed plan files, deleted by the commit */
	size_t nplan_files;
	const char *commit_message; /* NULL: "chore(release): ..." listing the releases */
	const char *remote;	    /* push's remote; NULL: origin */
	const char *forge_json;	    /* the forge(...) record (JSON object) for release, or NULL */
	/*
	 * Each action record, in order: one JSON object without a newline in
	 * rec (borrowed; the callee may change it, e.g. rk_record_emit). The
	 * tool writes it. NULL: the records are only built (and checked).
	 */
	void (*record)(void *ctx, struct rk_buf *rec);
	void *record_ctx;
	bool release_draft;	   /* draft and release params "draft": the release stays a draft */
	bool no_release_artifacts; /* release params "artifacts": false, no "dists" */
};

/*
 * Check the command rules (names, outputs after inputs) without writing
 * anything: 0, or -1 with err set ("action 'x': ..."; source/line from the
 * rule). rk_actions_emit() checks too.
 */
int rk_actions_check(const struct rk_actions_cmd *cmds, size_t ncmds, struct rk_err *err);

/*
 * Build the DAG and hand its records to o->record. Returns 0; -1 with err
 * set for a bad command rule ("action 'x': ..."; source/line from the
 * command) or a dependency cycle through command actions, and then no
 * record was handed over; -2 with err set for an internal error (an
 * action's cache key JSON is not JSON: "internal error: cache key JSON:
 * ..."), after the records before that action.
 */
int rk_actions_emit(const struct rk_actions_opts *o, const struct rk_actions_pkg *pkgs, size_t n,
		    const struct rk_actions_cmd *cmds, size_t ncmds, struct rk_err *err);

#endif
