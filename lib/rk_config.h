/*
 * rk_config.h - the RELEASE.star builtins: their parameters, type checks,
 * cross-reference validation and the config records they become.
 *
 * This module knows nothing about Python or Starlark. The evaluator
 * (rk_pystar.h) converts each builtin call's arguments into struct rk_cval
 * trees and hands them to rk_cfg_call(); this module checks them against
 * the rule table, fills documented defaults and keeps the resulting record.
 * When every file has been evaluated, rk_cfg_finish() checks references
 * between records (a train's groups, a group's packages, ...) and
 * rk_cfg_records() hands the records to the tool, which writes them, so
 * nothing is written for an invalid configuration.
 *
 * Record shape (one per builtin call, in evaluation order):
 *     {"kind":"config","rule":"<builtin>", <every parameter by name, with
 *      defaults filled>, ["ecosystem","manager" for workspace/package
 *      rules], "location":"FILE:LINE:COL"}
 * A secret("NAME") value is written as {"secret":"NAME"}; its value is
 * never read by rk-config.
 *
 * Errors: functions returning int return 0, or -1 with *err filled
 * (source = the file, line/col = the call's location, msg = the reason
 * in the form "uv_package() got an unexpected keyword argument 'gruop'
 * (did you mean 'group'?)").
 */
#ifndef RK_CONFIG_H
#define RK_CONFIG_H

#include <stddef.h>

#include "rk_buf.h"
#include "rk_msg.h"

/* A Starlark value converted for checking. */
enum rk_cv_type {
	RK_CV_NONE,
	RK_CV_BOOL,
	RK_CV_INT,
	RK_CV_FLOAT,
	RK_CV_STR,
	RK_CV_LIST,   /* list or tuple */
	RK_CV_DICT,   /* keys are strings (others are RK_CV_OTHER values) */
	RK_CV_SECRET, /* secret("NAME"): s is NAME */
	RK_CV_OTHER,  /* anything else: s is the type's name */
};

struct rk_cval {
	enum rk_cv_type type;
	long long i;	       /* BOOL (0/1), INT */
	double f;	       /* FLOAT */
	char *s;	       /* STR, SECRET (name), OTHER (type name); owned */
	size_t n;	       /* LIST, DICT: number of items */
	struct rk_cval *items; /* LIST items, DICT values; owned */
	char **keys;	       /* DICT keys; owned */
};

/* Free what v owns (not v itself). */
void rk_cval_release(struct rk_cval *v);
/* Type name as Starlark spells it ("string", "int", "list", ...). */
const char *rk_cval_type_name(const struct rk_cval *v);

/* Configuration modes (design section 8). */
enum rk_cfg_mode {
	RK_CFG_AUTO = 0,
	RK_CFG_CENTRAL,
	RK_CFG_HYBRID,
	RK_CFG_DECENTRALIZED,
};
/* "central" etc.; returns -1 for an unknown name. */
int rk_cfg_mode_parse(const char *s, enum rk_cfg_mode *out);
const char *rk_cfg_mode_name(enum rk_cfg_mode m);

struct rk_cfg_rule; /* an entry of the builtin table */

/* The builtin called name, or NULL. */
const struct rk_cfg_rule *rk_cfg_rule_find(const char *name);
/* Builtin names, NULL-terminated (for the evaluator's prelude). */
const char *const *rk_cfg_rule_names(void);

/* The records collected so far and the evaluation context. */
struct rk_cfg_rec;
struct rk_cfg {
	struct rk_cfg_rec **recs;
	size_t nrecs, cap;
	/*
	 * The file being evaluated at top level: "RELEASE.star" for the root,
	 * "pkgs/x/RELEASE.star" for a per-package file. For a per-package file
	 * own_package is the package name of its directory (from the
	 * manifest): such a file may only declare that package.
	 */
	const char *top_file;
	const char *own_package; /* NULL while evaluating the root file */
	enum rk_cfg_mode mode;	 /* set by config(mode = ...) when called */
	char *mode_loc;		 /* where config() was called, or NULL */
};

void rk_cfg_init(struct rk_cfg *c);
void rk_cfg_release(struct rk_cfg *c);

/*
 * One builtin call: check args (npos positional values, then nkw keyword
 * values named by kwnames) against the rule, and keep the record.
 * file/line/col are the call's location. env() and secret() are not
 * records: see rk_cfg_env_args.
 */
int rk_cfg_call(struct rk_cfg *c, const struct rk_cfg_rule *rule, const char *file, long line,
		long col, const struct rk_cval *pos, size_t npos, const char *const *kwnames,
		const struct rk_cval *kw, size_t nkw, struct rk_err *err);

/* Whether the rule is a helper (env, secret) that returns a value. */
int rk_cfg_rule_is_helper(const struct rk_cfg_rule *rule);

/*
 * Check the arguments of env(name, default = None) or secret(name): on
 * success *name is the variable name (borrowed from the arguments) and
 * *def the default (env only; NULL when None or absent).
 */
int rk_cfg_helper_args(const struct rk_cfg_rule *rule, const char *file, long line, long col,
		       const struct rk_cval *pos, size_t npos, const char *const *kwnames,
		       const struct rk_cval *kw, size_t nkw, const char **name, const char **def,
		       struct rk_err *err);

/*
 * Whole-configuration checks once every file is evaluated: duplicate
 * names, references to undefined groups, packages, telemetry sinks and
 * signers. Returns 0 or -1 with err at the offending call.
 */
int rk_cfg_finish(struct rk_cfg *c, struct rk_err *err);

/*
 * Build every record (in evaluation order; those a per-package declaration
 * overrode left out) into one buffer, one record at a time, and hand it to
 * put(rec, ctx): the JSON text without a newline, for the tool to write
 * (rk_record_emit, which empties it). The buffer is this function's; put
 * must not keep it. Writes nothing itself.
 */
void rk_cfg_records(struct rk_cfg *c, void (*put)(struct rk_buf *rec, void *ctx), void *ctx);

/*
 * The closest of candidates[0..n) to word by edit distance, or NULL when
 * none is close enough (distance > (strlen(word) + 2) / 3, or >= strlen(word)).
 */
const char *rk_cfg_suggest(const char *word, const char *const *candidates, size_t n);

/*
 * A config record (rk-config's output, or one written by hand) checked by
 * the rule table that checks the builtins' arguments (and that the schema
 * share/schemas/config.schema.json is generated from), so that every
 * reader of config records accepts exactly what rk-config writes: each
 * parameter present has its type and allowed values; a required one is
 * present. Null is a parameter's default; fields outside the table and
 * rules rk-config does not know are left alone. d's token obj is the
 * record (an object). Returns 0, or -1 with err (source:line, the message
 * rk-config gives for the same argument).
 */
struct rk_json;
int rk_cfg_record_check(const struct rk_json *d, int obj, const char *source, long line,
			struct rk_err *err);

#endif
