/* rk_config.c - the RELEASE.star builtins, their checks and records. */
#include "rk_common.h"
#include "rk_config.h"
#include "rk_strmap.h"
#include "rk_json.h"

/* ---- values ---- */

void rk_cval_release(struct rk_cval *v)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < v->n; i++) {
		if (v->items)
			rk_cval_release(&v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->s);
	memset(v, 0, sizeof(*v));
}

const char *rk_cval_type_name(const struct rk_cval *v)
{
	switch (v->type) {
	case RK_CV_NONE:
		return "NoneType";
	case RK_CV_BOOL:
		return "bool";
	case RK_CV_INT:
		return "int";
	case RK_CV_FLOAT:
		return "float";
	case RK_CV_STR:
		return "string";
	case RK_CV_LIST:
		return "list";
	case RK_CV_DICT:
		return "dict";
	case RK_CV_SECRET:
		return "secret";
	case RK_CV_OTHER:
		return v->s ? v->s : "value";
	}
	return "value";
}

/* ---- modes ---- */

static const char *const mode_names[] = {"auto", "central", "hybrid", "decentralized"};

int rk_cfg_mode_parse(const char *s, enum rk_cfg_mode *out)
{
	size_t i;

	for (i = 0; i < RK_ARRAY_SIZE(mode_names); i++)
		if (!strcmp(s, mode_names[i])) {
			*out = (enum rk_cfg_mode)i;
			return 0;
		}
	return -1;
}

const char *rk_cfg_mode_name(enum rk_cfg_mode m)
{
	return (unsigned)m < RK_ARRAY_SIZE(mode_names) ? mode_names[m] : "auto";
}

/* ---- the builtin table ---- */

enum pt {
	PT_STR,	  /* string */
	PT_SSEC,  /* string or secret() */
	PT_INT,	  /* int */
	PT_NUM,	  /* int or float */
	PT_BOOL,  /* bool */
	PT_BSTR,  /* bool or string */
	PT_STRS,  /* list of strings */
	PT_ARGV,  /* list of strings, or a string run by /bin/sh -c */
	PT_DICT,  /* dict of string to string or secret() */
	PT_DICTS, /* list of dicts of string to string */
};

enum ref_mode {
	REF_NONE,
	REF_ALWAYS, /* every item must name a declared target */
	REF_IF_ANY, /* checked only when at least one target is declared */
};

struct rk_cfg_param {
	const char *name;
	enum pt type;
	const char *def;   /* default as JSON text; NULL: required */
	const char *enums; /* "a|b|c": allowed values (of each item for lists) */
	const char *ref;   /* rule whose names the values must be ("@package": any package rule) */
	enum ref_mode ref_mode;
};

enum rule_class {
	RC_OTHER,
	RC_WORKSPACE,
	RC_PACKAGE,
	RC_SINGLE, /* at most one call (vcs, forge, config) */
	RC_HELPER, /* env, secret: return values, no record */
};

struct rk_cfg_rule {
	const char *name;
	enum rule_class cls;
	const char *ecosystem, *manager; /* workspace and package rules */
	const struct rk_cfg_param *params;
	size_t nparams;
	int unique; /* names must be unique among this rule's calls */
};

#define P(n, t, d)                                                                                 \
	{                                                                                          \
		n, t, d, NULL, NULL, REF_NONE                                                      \
	}
#define PE(n, t, d, e)                                                                             \
	{                                                                                          \
		n, t, d, e, NULL, REF_NONE                                                         \
	}
#define PR(n, t, d, r, m)                                                                          \
	{                                                                                          \
		n, t, d, NULL, r, m                                                                \
	}

#define PIN "exact|compatible|minimum"
#define VERSIONING "independent|fixed"
/* the train also takes per-group (rk-plan: each release_group in lockstep) */
#define TRAIN_VERSIONING "independent|fixed|per-group"

/*
 * The rows the per-ecosystem workspace and package rules share, once each
 * (scripts/gen-config-schema expands these macros as the compiler does).
 * Workspace and package rules end with where to publish (lib/rk_pubcfg.h).
 */
#define WS_ROWS(members)                                                                           \
	P("name", PT_STR, NULL), P("root", PT_STR, "\".\""), P(members, PT_STRS, "[]"),            \
		P("exclude", PT_STRS, "[]")
#define PKG_HEAD_ROWS                                                                              \
	P("name", PT_STR, NULL), PR("group", PT_STR, "null", "release_group", REF_IF_ANY),         \
		P("skip", PT_BOOL, "false"), P("cross_deps", PT_STRS, "[]"),                       \
		PE("pin_strategy", PT_STR, "null", PIN)
#define PKG_TAIL_ROWS                                                                              \
	P("label", PT_STR, "null"), P("tag_format", PT_STR, "null"),                               \
		P("extra_paths", PT_STRS, "[]"), P("smoke_test", PT_BSTR, "true"),                 \
		P("smoke_module", PT_STR, "null")
#define PUB_UV_ROWS                                                                                \
	P("registry_url", PT_STR, "null"), P("index_url", PT_STR, "null"),                         \
		P("token", PT_SSEC, "null")
#define PUB_CARGO_ROWS P("registry", PT_STR, "null"), PUB_UV_ROWS
#define PUB_JS_ROWS                                                                                \
	P("registry_url", PT_STR, "null"), P("token", PT_SSEC, "null"),                            \
		P("dist_tag", PT_STR, "null")

static const struct rk_cfg_param p_uv_ws[] = {WS_ROWS("members"), PUB_UV_ROWS};
static const struct rk_cfg_param p_cargo_ws[] = {WS_ROWS("members"), PUB_CARGO_ROWS};
static const struct rk_cfg_param p_js_ws[] = {WS_ROWS("packages"), PUB_JS_ROWS};
static const struct rk_cfg_param p_uv_pkg[] = {PKG_HEAD_ROWS,
					       P("platforms", PT_STRS, "[]"),
					       P("bump_files", PT_STRS, "[]"),
					       P("build_backend", PT_STR, "null"),
					       PKG_TAIL_ROWS,
					       PUB_UV_ROWS};
static const struct rk_cfg_param p_cargo_pkg[] = {PKG_HEAD_ROWS, PKG_TAIL_ROWS, PUB_CARGO_ROWS};
static const struct rk_cfg_param p_js_pkg[] = {PKG_HEAD_ROWS, PKG_TAIL_ROWS, PUB_JS_ROWS};
/* packages: names of packages rk-discover finds (a package rule for each is not needed) */
static const struct rk_cfg_param p_group[] = {P("name", PT_STR, NULL),
					      P("packages", PT_STRS, "[]"),
					      PE("pin_strategy", PT_STR, "null", PIN),
					      P("smoke_test", PT_BOOL, "true"),
					      PE("versioning", PT_STR, "null", VERSIONING),
					      P("tag_format", PT_STR, "null")};
static const struct rk_cfg_param p_extra_paths[] = {P("package", PT_STR, NULL),
						    P("paths", PT_STRS, NULL)};
static const struct rk_cfg_param p_train[] = {
	P("name", PT_STR, "\"default\""),
	PR("groups", PT_STRS, "[]", "release_group", REF_ALWAYS),
	P("jobs", PT_INT, "4"),
	PE("pin_strategy", PT_STR, "\"compatible\"", PIN),
	P("smoke_test_delay", PT_INT, "0"),
	P("max_retries", PT_INT, "3"),
	PE("retry_backoff", PT_STR, "\"exponential\"", "exponential|linear|constant"),
	P("lock_timeout", PT_INT, "300"),
	P("publish_rate", PT_NUM, "null"),
	P("channel", PT_STR, "\"latest\""),
	P("prerelease_token", PT_STR, "\"rc\""),
	PE("versioning", PT_STR, "\"independent\"", TRAIN_VERSIONING),
	P("interactive", PT_BOOL, "false"),
	P("create_release", PT_BOOL, "true"),
	P("release_draft", PT_BOOL, "false"),
	P("release_artifacts", PT_BOOL, "true"),
	PE("release_notes", PT_STR, "\"conventional-commits\"",
	   "conventional-commits|changelog|none"),
	P("tag_format", PT_STR, "\"{name}-v{version}\""),
	P("dashboard", PT_BOOL, "false"),
	P("dashboard_port", PT_INT, "8080"),
	P("ai_resolve", PT_BOOL, "false"),
	P("ai_model", PT_STR, "null"),
	PE("reports", PT_STRS, "[]", "html|markdown|json|terminal"),
	P("report_dir", PT_STR, "\"releasekit-reports\""),
	P("report_title", PT_STR, "null"),
	PR("telemetry", PT_STRS, "[]", "telemetry_sink", REF_ALWAYS),
	P("telemetry_labels", PT_DICT, "{}"),
	PE("commit_back", PT_STR, "\"none\"", "none|push|pr"),
	P("commit_back_branch", PT_STR, "\"releasekit/{train_name}\""),
	P("commit_back_message", PT_STR, "\"chore(release): {train_name} {version}\""),
	PE("approval", PT_STR, "\"none\"", "none|cli|github-issue|github-pr|slack|dashboard"),
	P("approval_timeout", PT_INT, "3600"),
	P("approval_reviewers", PT_STRS, "[]"),
	P("nightly_channel", PT_STR, "\"nightly\""),
	P("nightly_tag", PT_STR, "\"nightly\""),
	P("nightly_version", PT_STR, "\"{version}.dev{date}\""),
	PE("version_strategy", PT_STR, "\"conventional-commits\"", "conventional-commits|plans"),
	P("plans_dir", PT_STR, "\".releasekit/plans\""),
	PR("signing", PT_STRS, "[]", "signer", REF_ALWAYS),
	PE("sbom", PT_STRS, "[]", "spdx|cyclonedx"),
	P("major_on_zero", PT_BOOL, "false"),
	PE("order_edges", PT_STRS, "[]", "normal|build|peer|optional|dev|all"),
	PE("propagate", PT_STR, "null", "major|minor|patch|none"),
	P("changelog_exclude", PT_STRS, "null"),
	P("disable_actions", PT_STRS, "[]"),
	P("bootstrap_commit", PT_STR, "null"),
	P("smoke_test", PT_BOOL, "true"),
	P("remote_cache", PT_STR, "null"),
	P("commit_message", PT_STR, "null")};
static const struct rk_cfg_param p_federation[] = {
	P("name", PT_STR, NULL),    P("git", PT_STR, NULL),	  P("ref", PT_STR, "\"main\""),
	P("path", PT_STR, "\".\""), P("backend", PT_STR, "null"), P("groups", PT_STRS, "[]")};
static const struct rk_cfg_param p_vcs[] = {PE("name", PT_STR, NULL, "git|hg|jj")};
static const struct rk_cfg_param p_forge[] = {
	PE("name", PT_STR, NULL, "github|gitlab|bitbucket|gitea|none"), P("api", PT_STR, "null"),
	P("token", PT_SSEC, "null"), P("host", PT_STR, "null")};
static const struct rk_cfg_param p_hook[] = {P("name", PT_STR, NULL), P("events", PT_STRS, NULL),
					     P("handler", PT_ARGV, NULL)};
static const struct rk_cfg_param p_middleware[] = {
	P("name", PT_STR, NULL), P("priority", PT_INT, "0"), P("wrap_build", PT_ARGV, "null"),
	P("wrap_publish", PT_ARGV, "null")};
static const struct rk_cfg_param p_action[] = {
	P("name", PT_STR, NULL), P("inputs", PT_STRS, "[]"), P("outputs", PT_STRS, "[]"),
	P("command", PT_ARGV, NULL), P("timeout", PT_INT, "600")};
static const struct rk_cfg_param p_signer[] = {P("name", PT_STR, NULL),
					       P("key_id", PT_STR, "null")};
static const struct rk_cfg_param p_sbom[] = {PE("formats", PT_STRS, NULL, "spdx|cyclonedx")};
static const struct rk_cfg_param p_announce[] = {
	PE("channel", PT_STR, NULL, "slack|discord|teams|mastodon|webhook"),
	P("webhook", PT_SSEC, "null"), P("template", PT_STR, "null"), P("token", PT_SSEC, "null"),
	P("instance", PT_STR, "null")};
static const struct rk_cfg_param p_distribute[] = {
	P("target", PT_STR, NULL), P("tap", PT_STR, "null"), P("formula", PT_STR, "null"),
	P("feedstock", PT_STR, "null"), P("dependencies", PT_STRS, "[]")};
static const struct rk_cfg_param p_telemetry[] = {
	P("name", PT_STR, NULL),
	PE("type", PT_STR, NULL, "file|http|otlp|statsd|prometheus"),
	P("endpoint", PT_SSEC, "null"),
	P("url", PT_SSEC, "null"),
	P("path", PT_STR, "null"),
	P("host", PT_STR, "null"),
	P("port", PT_INT, "null"),
	P("prefix", PT_STR, "null"),
	P("headers", PT_DICT, "{}"),
	P("batch_size", PT_INT, "100"),
	P("flush_interval", PT_INT, "10"),
	P("tags", PT_DICT, "{}"),
	P("protocol", PT_STR, "null")};
static const struct rk_cfg_param p_report[] = {
	PE("formats", PT_STRS, NULL, "html|markdown|json|terminal")};
static const struct rk_cfg_param p_branch[] = {
	P("branch", PT_STR, NULL), P("channel", PT_STR, NULL), P("prerelease", PT_BSTR, "false")};
static const struct rk_cfg_param p_bump[] = {P("path", PT_STR, NULL), P("pattern", PT_STR, NULL)};
static const struct rk_cfg_param p_matrix[] = {P("os", PT_STRS, "[]"), P("arch", PT_STRS, "[]"),
					       P("python", PT_STRS, "[]"),
					       P("exclude", PT_DICTS, "[]")};
static const struct rk_cfg_param p_config[] = {
	PE("mode", PT_STR, NULL, "central|hybrid|decentralized")};
static const struct rk_cfg_param p_env[] = {P("name", PT_STR, NULL), P("default", PT_STR, "null")};
static const struct rk_cfg_param p_secret[] = {P("name", PT_STR, NULL)};

#define R(n, c, e, m, p, u)                                                                        \
	{                                                                                          \
		n, c, e, m, p, RK_ARRAY_SIZE(p), u                                                 \
	}
static const struct rk_cfg_rule rules[] = {
	R("uv_workspace", RC_WORKSPACE, "python", "uv", p_uv_ws, 1),
	R("cargo_workspace", RC_WORKSPACE, "cargo", "cargo", p_cargo_ws, 1),
	R("pnpm_workspace", RC_WORKSPACE, "npm", "pnpm", p_js_ws, 1),
	R("npm_workspace", RC_WORKSPACE, "npm", "npm", p_js_ws, 1),
	R("uv_package", RC_PACKAGE, "python", "uv", p_uv_pkg, 1),
	R("cargo_package", RC_PACKAGE, "cargo", "cargo", p_cargo_pkg, 1),
	R("pnpm_package", RC_PACKAGE, "npm", "pnpm", p_js_pkg, 1),
	R("npm_package", RC_PACKAGE, "npm", "npm", p_js_pkg, 1),
	R("release_group", RC_OTHER, NULL, NULL, p_group, 1),
	R("release_train", RC_OTHER, NULL, NULL, p_train, 1),
	R("extra_paths", RC_OTHER, NULL, NULL, p_extra_paths, 0),
	R("federation", RC_OTHER, NULL, NULL, p_federation, 1),
	R("vcs", RC_SINGLE, NULL, NULL, p_vcs, 0),
	R("forge", RC_SINGLE, NULL, NULL, p_forge, 0),
	R("hook", RC_OTHER, NULL, NULL, p_hook, 1),
	R("middleware", RC_OTHER, NULL, NULL, p_middleware, 1),
	R("action", RC_OTHER, NULL, NULL, p_action, 1),
	R("signer", RC_OTHER, NULL, NULL, p_signer, 1),
	R("sbom", RC_SINGLE, NULL, NULL, p_sbom, 0),
	R("announce", RC_OTHER, NULL, NULL, p_announce, 0),
	R("distribute", RC_OTHER, NULL, NULL, p_distribute, 0),
	R("telemetry_sink", RC_OTHER, NULL, NULL, p_telemetry, 1),
	R("report", RC_SINGLE, NULL, NULL, p_report, 0),
	R("branch_channel", RC_OTHER, NULL, NULL, p_branch, 0),
	R("bump_file", RC_OTHER, NULL, NULL, p_bump, 0),
	R("platform_matrix", RC_SINGLE, NULL, NULL, p_matrix, 0),
	R("config", RC_SINGLE, NULL, NULL, p_config, 0),
	R("env", RC_HELPER, NULL, NULL, p_env, 0),
	R("secret", RC_HELPER, NULL, NULL, p_secret, 0),
};

const struct rk_cfg_rule *rk_cfg_rule_find(const char *name)
{
	size_t i;

	for (i = 0; i < RK_ARRAY_SIZE(rules); i++)
		if (!strcmp(rules[i].name, name))
			return &rules[i];
	return NULL;
}

const char *const *rk_cfg_rule_names(void)
{
	static const char *names[RK_ARRAY_SIZE(rules) + 1];
	size_t i;

	for (i = 0; i < RK_ARRAY_SIZE(rules); i++)
		names[i] = rules[i].name;
	names[i] = NULL;
	return names;
}

int rk_cfg_rule_is_helper(const struct rk_cfg_rule *rule)
{
	return rule->cls == RC_HELPER;
}

/* ---- suggestions ---- */

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, *row, prev, d;

	row = rk_xmalloc((lb + 1) * sizeof(*row));
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t sub = prev + (a[i - 1] != b[j - 1]);
			size_t del = row[j] + 1, ins = row[j - 1] + 1;
			d = sub < del ? sub : del;
			d = d < ins ? d : ins;
			prev = row[j];
			row[j] = d;
		}
	}
	d = row[lb];
	free(row);
	return d;
}

const char *rk_cfg_suggest(const char *word, const char *const *candidates, size_t n)
{
	size_t i, best = (size_t)-1, len = strlen(word), limit = (len + 2) / 3;
	const char *pick = NULL;

	for (i = 0; i < n; i++) {
		size_t d = edit_distance(word, candidates[i]);
		if (d < best) {
			best = d;
			pick = candidates[i];
		}
	}
	return best <= limit && best < len ? pick : NULL;
}

/* ---- records ---- */

struct rk_cfg_rec {
	const struct rk_cfg_rule *rule;
	char *file;
	long line, col;
	struct rk_cval *vals; /* one per parameter; given[i] says whether set */
	unsigned char *given;
	int per_package; /* declared in a per-package RELEASE.star */
	int dropped;	 /* overridden by a per-package declaration (hybrid) */
};

void rk_cfg_init(struct rk_cfg *c)
{
	memset(c, 0, sizeof(*c));
}

static void rec_free(struct rk_cfg_rec *r)
{
	size_t i;

	for (i = 0; i < r->rule->nparams; i++)
		rk_cval_release(&r->vals[i]);
	free(r->vals);
	free(r->given);
	free(r->file);
	free(r);
}

void rk_cfg_release(struct rk_cfg *c)
{
	size_t i;

	for (i = 0; i < c->nrecs; i++)
		rec_free(c->recs[i]);
	free(c->recs);
	free(c->mode_loc);
	memset(c, 0, sizeof(*c));
}

static void cval_copy(struct rk_cval *dst, const struct rk_cval *src)
{
	size_t i;

	*dst = *src;
	dst->s = src->s ? rk_xstrdup(src->s) : NULL;
	dst->items = NULL;
	dst->keys = NULL;
	if (src->n && src->items) {
		dst->items = rk_xcalloc(src->n, sizeof(*dst->items));
		for (i = 0; i < src->n; i++)
			cval_copy(&dst->items[i], &src->items[i]);
	}
	if (src->n && src->keys) {
		dst->keys = rk_xcalloc(src->n, sizeof(*dst->keys));
		for (i = 0; i < src->n; i++)
			dst->keys[i] = rk_xstrdup(src->keys[i]);
	}
}

static int in_enum(const char *enums, const char *s)
{
	size_t n = strlen(s);
	const char *p = enums;

	while (*p) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);
		if (len == n && !strncmp(p, s, n))
			return 1;
		if (!bar)
			break;
		p = bar + 1;
	}
	return 0;
}

/* "a", "b" or "c" for the error message. */
static void enum_list(struct rk_buf *b, const char *enums)
{
	const char *p;

	rk_buf_addc(b, '"');
	for (p = enums; *p; p++) {
		if (*p == '|')
			rk_buf_adds(b, strchr(p + 1, '|') ? "\", \"" : "\" or \"");
		else
			rk_buf_addc(b, *p);
	}
	rk_buf_addc(b, '"');
}

static int enum_error(struct rk_err *err, const char *file, long line, long col,
		      const struct rk_cfg_rule *rule, const struct rk_cfg_param *p, const char *got)
{
	struct rk_buf b = RK_BUF_INIT;

	enum_list(&b, p->enums);
	rk_err_set(err, file, line, col, "%s() %s must be %s%s (got \"%.64s\")", rule->name,
		   p->name, strchr(p->enums, '|') ? "one of " : "", rk_buf_cstr(&b), got);
	rk_buf_release(&b);
	return -1;
}

static int all_strs(const struct rk_cval *v, const struct rk_cval **bad)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		if (v->items[i].type != RK_CV_STR) {
			*bad = &v->items[i];
			return 0;
		}
	return 1;
}

static int dict_ok(const struct rk_cval *v, int secrets, const struct rk_cval **bad)
{
	size_t i;

	for (i = 0; i < v->n; i++) {
		const struct rk_cval *x = &v->items[i];
		if (!v->keys[i]) {
			*bad = x;
			return 0;
		}
		if (x->type != RK_CV_STR && !(secrets && x->type == RK_CV_SECRET)) {
			*bad = x;
			return 0;
		}
	}
	return 1;
}

#define CV(t) (1u << (t))

/* Each parameter type: the value types it takes, and how a message says so. */
static const struct {
	unsigned ok;
	const char *want;
} ptypes[] = {
	[PT_STR] = {CV(RK_CV_STR), "a string"},
	[PT_SSEC] = {CV(RK_CV_STR) | CV(RK_CV_SECRET), "a string or secret()"},
	[PT_INT] = {CV(RK_CV_INT), "an int"},
	[PT_NUM] = {CV(RK_CV_INT) | CV(RK_CV_FLOAT), "a number"},
	[PT_BOOL] = {CV(RK_CV_BOOL), "a bool"},
	[PT_BSTR] = {CV(RK_CV_BOOL) | CV(RK_CV_STR), "a bool or a string"},
	[PT_STRS] = {CV(RK_CV_LIST), "a list of strings"},
	[PT_ARGV] = {CV(RK_CV_LIST) | CV(RK_CV_STR), "a string or a list of strings"},
	[PT_DICT] = {CV(RK_CV_DICT), "a dict of strings"},
	[PT_DICTS] = {CV(RK_CV_LIST), "a list of dicts"},
};

/* Check v against p's type and allowed values. */
static int check_param(const struct rk_cfg_rule *rule, const struct rk_cfg_param *p,
		       const struct rk_cval *v, const char *file, long line, long col,
		       struct rk_err *err)
{
	const struct rk_cval *bad = NULL;
	const char *want = NULL;
	size_t i;

	if (!(ptypes[p->type].ok & CV(v->type)))
		want = ptypes[p->type].want;
	else if ((p->type == PT_STRS || p->type == PT_ARGV) && v->type == RK_CV_LIST &&
		 !all_strs(v, &bad))
		return rk_err_set(err, file, line, col,
				  "%s() %s must be %s, not a list containing %s", rule->name,
				  p->name, ptypes[p->type].want, rk_cval_type_name(bad));
	else if (p->type == PT_ARGV && v->type == RK_CV_LIST && !v->n)
		return rk_err_set(err, file, line, col, "%s() %s must not be empty", rule->name,
				  p->name);
	else if (p->type == PT_DICT && !dict_ok(v, 1, &bad))
		return rk_err_set(err, file, line, col,
				  "%s() %s must be a dict of strings, not a dict containing %s",
				  rule->name, p->name, rk_cval_type_name(bad));
	else if (p->type == PT_DICTS)
		for (i = 0; i < v->n; i++)
			if (v->items[i].type != RK_CV_DICT || !dict_ok(&v->items[i], 0, &bad))
				return rk_err_set(err, file, line, col,
						  "%s() %s must be a list of dicts of strings",
						  rule->name, p->name);
	if (want && v->type == RK_CV_OTHER && v->s && !strcmp(v->s, "int (out of range)"))
		return rk_err_set(err, file, line, col,
				  "%s() %s must be %s, and this int does not fit in 64 bits",
				  rule->name, p->name, want);
	if (want)
		return rk_err_set(err, file, line, col, "%s() %s must be %s, not %s", rule->name,
				  p->name, want, rk_cval_type_name(v));
	if (p->enums) {
		if (v->type == RK_CV_STR && !in_enum(p->enums, v->s))
			return enum_error(err, file, line, col, rule, p, v->s);
		if (v->type == RK_CV_LIST)
			for (i = 0; i < v->n; i++)
				if (!in_enum(p->enums, v->items[i].s))
					return enum_error(err, file, line, col, rule, p,
							  v->items[i].s);
	}
	if (p->type == PT_INT && v->i < 0 && strcmp(p->name, "priority"))
		return rk_err_set(err, file, line, col, "%s() %s must not be negative (got %lld)",
				  rule->name, p->name, v->i);
	if (p->type == PT_NUM && v->type == RK_CV_FLOAT && !(v->f >= 0 && v->f <= 1e300))
		return rk_err_set(err, file, line, col,
				  "%s() %s must be a finite number not below 0", rule->name,
				  p->name);
	if (p->type == PT_STR && !p->def && !v->s[0])
		return rk_err_set(err, file, line, col, "%s() %s must not be empty", rule->name,
				  p->name);
	return 0;
}

/*
 * Match positional and keyword arguments to parameters: slot[i] is the
 * value of parameter i or NULL.
 */
static int bind_args(const struct rk_cfg_rule *rule, const char *file, long line, long col,
		     const struct rk_cval *pos, size_t npos, const char *const *kwnames,
		     const struct rk_cval *kw, size_t nkw, const struct rk_cval **slot,
		     struct rk_err *err)
{
	size_t i, j;

	if (npos > rule->nparams)
		return rk_err_set(err, file, line, col,
				  "%s() takes at most %zu positional argument%s (%zu given)",
				  rule->name, rule->nparams, rule->nparams == 1 ? "" : "s", npos);
	for (i = 0; i < npos; i++)
		slot[i] = &pos[i];
	for (i = 0; i < nkw; i++) {
		for (j = 0; j < rule->nparams; j++)
			if (!strcmp(kwnames[i], rule->params[j].name))
				break;
		if (j == rule->nparams) {
			const char *names[64], *s;
			size_t k;
			for (k = 0; k < rule->nparams && k < RK_ARRAY_SIZE(names); k++)
				names[k] = rule->params[k].name;
			s = rk_cfg_suggest(kwnames[i], names, k);
			if (s)
				return rk_err_set(
					err, file, line, col,
					"%s() got an unexpected keyword argument '%s' (did you mean '%s'?)",
					rule->name, kwnames[i], s);
			return rk_err_set(err, file, line, col,
					  "%s() got an unexpected keyword argument '%s'",
					  rule->name, kwnames[i]);
		}
		if (slot[j])
			return rk_err_set(err, file, line, col,
					  "%s() got multiple values for argument '%s'", rule->name,
					  kwnames[i]);
		slot[j] = &kw[i];
	}
	for (j = 0; j < rule->nparams; j++) {
		if (slot[j] && slot[j]->type == RK_CV_NONE)
			slot[j] = NULL; /* None: the default */
		if (!slot[j] && !rule->params[j].def)
			return rk_err_set(err, file, line, col,
					  "%s() missing required argument '%s'", rule->name,
					  rule->params[j].name);
		if (slot[j] &&
		    check_param(rule, &rule->params[j], slot[j], file, line, col, err) < 0)
			return -1;
	}
	return 0;
}

int rk_cfg_helper_args(const struct rk_cfg_rule *rule, const char *file, long line, long col,
		       const struct rk_cval *pos, size_t npos, const char *const *kwnames,
		       const struct rk_cval *kw, size_t nkw, const char **name, const char **def,
		       struct rk_err *err)
{
	const struct rk_cval *slot[4] = {NULL};

	if (bind_args(rule, file, line, col, pos, npos, kwnames, kw, nkw, slot, err) < 0)
		return -1;
	*name = slot[0]->s;
	*def = rule->nparams > 1 && slot[1] ? slot[1]->s : NULL;
	return 0;
}

static const struct rk_cval *rec_val(const struct rk_cfg_rec *r, const char *param)
{
	size_t i;

	for (i = 0; i < r->rule->nparams; i++)
		if (!strcmp(r->rule->params[i].name, param))
			return r->given[i] ? &r->vals[i] : NULL;
	return NULL;
}

static const char *rec_name(const struct rk_cfg_rec *r)
{
	const struct rk_cval *v = rec_val(r, "name");
	return v && v->type == RK_CV_STR ? v->s : NULL;
}

int rk_cfg_call(struct rk_cfg *c, const struct rk_cfg_rule *rule, const char *file, long line,
		long col, const struct rk_cval *pos, size_t npos, const char *const *kwnames,
		const struct rk_cval *kw, size_t nkw, struct rk_err *err)
{
	const struct rk_cval *slot[64] = {NULL};
	struct rk_cfg_rec *r;
	size_t i;

	if (bind_args(rule, file, line, col, pos, npos, kwnames, kw, nkw, slot, err) < 0)
		return -1;
	if (c->own_package) {
		if (rule->cls != RC_PACKAGE && strcmp(rule->name, "bump_file"))
			return rk_err_set(
				err, file, line, col,
				"%s() is not allowed in a per-package RELEASE.star (only the package's own rule and bump_file)",
				rule->name);
		if (rule->cls == RC_PACKAGE && strcmp(slot[0]->s, c->own_package))
			return rk_err_set(err, file, line, col,
					  "%s may only configure its own package '%s', not '%s'",
					  c->top_file, c->own_package, slot[0]->s);
	}
	if (!strcmp(rule->name, "config")) {
		rk_cfg_mode_parse(slot[0]->s, &c->mode);
		free(c->mode_loc);
		c->mode_loc = rk_xstrdup(file);
	}
	r = rk_xcalloc(1, sizeof(*r));
	r->rule = rule;
	r->file = rk_xstrdup(file);
	r->line = line;
	r->col = col;
	r->per_package = c->own_package != NULL;
	r->vals = rk_xcalloc(rule->nparams, sizeof(*r->vals));
	r->given = rk_xcalloc(rule->nparams, 1);
	for (i = 0; i < rule->nparams; i++)
		if (slot[i]) {
			cval_copy(&r->vals[i], slot[i]);
			r->given[i] = 1;
		}
	RK_GROW(c->recs, c->cap, c->nrecs + 1);
	c->recs[c->nrecs++] = r;
	return 0;
}

/* ---- whole-configuration checks ---- */

/* Names by namespace: rk_strmap keys "<ns>\0<name>", values record indexes. */
static void ns_key(struct rk_buf *k, const char *ns, const char *name)
{
	rk_buf_reset(k);
	rk_buf_add(k, ns, strlen(ns) + 1);
	rk_buf_adds(k, name);
}

/* Insert (ns, name) -> val unless present; return the value now stored. */
static size_t ns_add(struct rk_strmap *m, const char *ns, const char *name, size_t val, bool *found)
{
	struct rk_buf k = RK_BUF_INIT;
	bool added;

	ns_key(&k, ns, name);
	val = rk_strmap_add(m, k.data, k.len, val, &added);
	rk_buf_release(&k);
	if (found)
		*found = !added;
	return val;
}

static bool ns_has(const struct rk_strmap *m, const char *ns, const char *name)
{
	struct rk_buf k = RK_BUF_INIT;
	size_t v;
	bool has;

	ns_key(&k, ns, name);
	has = rk_strmap_get(m, k.data, k.len, &v);
	rk_buf_release(&k);
	return has;
}

/* Namespace of a record's name for duplicates and references. */
static const char *rec_ns(const struct rk_cfg_rec *r)
{
	if (r->rule->cls == RC_PACKAGE)
		return r->rule->ecosystem;
	return r->rule->name;
}

static int is_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

static int ref_error(const struct rk_cfg *c, const struct rk_cfg_rec *r,
		     const struct rk_cfg_param *p, const char *item, struct rk_err *err)
{
	const char **cands = NULL, *s;
	const char *target = strcmp(p->ref, "@package") ? p->ref : "package";
	size_t n = 0, cap = 0, i;

	for (i = 0; i < c->nrecs; i++) {
		const struct rk_cfg_rec *t = c->recs[i];
		int match = strcmp(p->ref, "@package") ? !strcmp(t->rule->name, p->ref)
						       : t->rule->cls == RC_PACKAGE;
		if (match && !t->dropped && rec_name(t)) {
			RK_GROW(cands, cap, n + 1);
			cands[n++] = rec_name(t);
		}
	}
	s = rk_cfg_suggest(item, cands, n);
	if (s)
		rk_err_set(err, r->file, r->line, r->col,
			   "%s() %s: no %s named '%s' (did you mean '%s'?)", r->rule->name, p->name,
			   target, item, s);
	else
		rk_err_set(err, r->file, r->line, r->col, "%s() %s: no %s named '%s'",
			   r->rule->name, p->name, target, item);
	free(cands);
	return -1;
}

int rk_cfg_finish(struct rk_cfg *c, struct rk_err *err)
{
	struct rk_strmap seen = RK_STRMAP_INIT, names = RK_STRMAP_INIT;
	struct rk_buf q = RK_BUF_INIT;
	size_t i, j, k, ngroups = 0, npkgs = 0;
	bool found;
	int rc = -1;

	/* Hybrid: a per-package declaration overrides the root's. */
	for (i = 0; i < c->nrecs; i++) {
		struct rk_cfg_rec *r = c->recs[i];
		if (r->rule->cls == RC_PACKAGE && r->per_package)
			ns_add(&names, rec_ns(r), rec_name(r), i, NULL);
	}
	for (i = 0; i < c->nrecs; i++) {
		struct rk_cfg_rec *r = c->recs[i];
		if (r->rule->cls == RC_PACKAGE && !r->per_package &&
		    ns_has(&names, rec_ns(r), rec_name(r)))
			r->dropped = 1;
	}
	rk_strmap_release(&names);
	for (i = 0; i < c->nrecs; i++) {
		struct rk_cfg_rec *r = c->recs[i];
		const char *name = rec_name(r);
		if (r->dropped)
			continue;
		if (r->rule->cls == RC_SINGLE) {
			j = ns_add(&seen, r->rule->name, "", i, &found);
			if (found) {
				const struct rk_cfg_rec *f = c->recs[j];
				rk_err_set(
					err, r->file, r->line, r->col,
					"%s() may be called only once (first called at %s:%ld:%ld)",
					r->rule->name, f->file, f->line, f->col);
				goto out;
			}
		} else if (r->rule->unique && name) {
			j = ns_add(&seen, rec_ns(r), name, i, &found);
			if (found) {
				const struct rk_cfg_rec *f = c->recs[j];
				rk_err_set(err, r->file, r->line, r->col,
					   "%s '%s' is already declared at %s:%ld:%ld",
					   r->rule->name, name, f->file, f->line, f->col);
				goto out;
			}
		}
		if (name) {
			ns_add(&names, r->rule->name, name, i, NULL);
			if (r->rule->cls == RC_PACKAGE) {
				/* both "name" and "ecosystem:name" refer to it */
				rk_buf_reset(&q);
				rk_buf_addf(&q, "%s:%s", r->rule->ecosystem, name);
				ns_add(&names, "@package", name, i, NULL);
				ns_add(&names, "@package", q.data, i, NULL);
			}
		}
		ngroups += !strcmp(r->rule->name, "release_group");
		npkgs += r->rule->cls == RC_PACKAGE;
	}
	for (i = 0; i < c->nrecs; i++) {
		struct rk_cfg_rec *r = c->recs[i];
		if (r->dropped)
			continue;
		for (j = 0; j < r->rule->nparams; j++) {
			const struct rk_cfg_param *p = &r->rule->params[j];
			const struct rk_cval *v = &r->vals[j];
			if (p->ref_mode == REF_NONE || !r->given[j])
				continue;
			if (p->ref_mode == REF_IF_ANY &&
			    !(strcmp(p->ref, "@package") ? ngroups : npkgs))
				continue;
			if (v->type == RK_CV_STR) {
				if (!ns_has(&names, p->ref, v->s)) {
					ref_error(c, r, p, v->s, err);
					goto out;
				}
				continue;
			}
			for (k = 0; k < v->n; k++) {
				const char *item = v->items[k].s;
				if (!is_glob(item) && !ns_has(&names, p->ref, item)) {
					ref_error(c, r, p, item, err);
					goto out;
				}
			}
		}
	}
	rc = 0;
out:
	rk_strmap_release(&seen);
	rk_strmap_release(&names);
	rk_buf_release(&q);
	return rc;
}

/* ---- output ---- */

static void write_cval(struct rk_jw *w, const struct rk_cval *v)
{
	size_t i;

	switch (v->type) {
	case RK_CV_NONE:
	case RK_CV_OTHER:
		rk_jw_null(w);
		break;
	case RK_CV_BOOL:
		rk_jw_bool(w, (int)v->i);
		break;
	case RK_CV_INT:
		rk_jw_int(w, v->i);
		break;
	case RK_CV_FLOAT:
		rk_jw_double(w, v->f);
		break;
	case RK_CV_STR:
		rk_jw_str(w, v->s);
		break;
	case RK_CV_SECRET:
		rk_jw_obj(w);
		rk_jw_kstr(w, "secret", v->s);
		rk_jw_obj_end(w);
		break;
	case RK_CV_LIST:
		rk_jw_arr(w);
		for (i = 0; i < v->n; i++)
			write_cval(w, &v->items[i]);
		rk_jw_arr_end(w);
		break;
	case RK_CV_DICT:
		rk_jw_obj(w);
		for (i = 0; i < v->n; i++) {
			rk_jw_key(w, v->keys[i]);
			write_cval(w, &v->items[i]);
		}
		rk_jw_obj_end(w);
		break;
	}
}

void rk_cfg_records(struct rk_cfg *c, void (*put)(struct rk_buf *rec, void *ctx), void *ctx)
{
	struct rk_buf b = RK_BUF_INIT, loc = RK_BUF_INIT;
	struct rk_jw w;
	size_t i, j;

	for (i = 0; i < c->nrecs; i++) {
		const struct rk_cfg_rec *r = c->recs[i];
		if (r->dropped)
			continue;
		rk_buf_reset(&b);
		rk_jw_init(&w, &b);
		rk_jw_obj(&w);
		rk_jw_kstr(&w, "kind", "config");
		rk_jw_kstr(&w, "rule", r->rule->name);
		for (j = 0; j < r->rule->nparams; j++) {
			const struct rk_cfg_param *p = &r->rule->params[j];
			const struct rk_cval *v = &r->vals[j];
			rk_jw_key(&w, p->name);
			if (!r->given[j]) {
				rk_jw_raw(&w, p->def, strlen(p->def));
			} else if (p->type == PT_ARGV && v->type == RK_CV_STR) {
				rk_jw_arr(&w);
				rk_jw_str(&w, "/bin/sh");
				rk_jw_str(&w, "-c");
				rk_jw_str(&w, v->s);
				rk_jw_arr_end(&w);
			} else {
				write_cval(&w, v);
			}
		}
		if (r->rule->ecosystem) {
			rk_jw_kstr(&w, "ecosystem", r->rule->ecosystem);
			rk_jw_kstr(&w, "manager", r->rule->manager);
		}
		rk_buf_reset(&loc);
		rk_buf_addf(&loc, "%s:%ld:%ld", r->file, r->line, r->col);
		rk_jw_kstr(&w, "location", loc.data);
		rk_jw_obj_end(&w);
		put(&b, ctx);
	}
	rk_buf_release(&b);
	rk_buf_release(&loc);
}

/* ---- config records (what readers of rk-config's output check) ---- */

/* A JSON value as the checks of a builtin's arguments see a Starlark one. */
static void cval_of_json(const struct rk_json *d, int t, struct rk_cval *v)
{
	long long i;
	int k;
	size_t n = 0;

	memset(v, 0, sizeof(*v));
	switch (rk_json_type(d, t)) {
	case RK_JSON_STRING:
		v->type = RK_CV_STR;
		v->s = rk_xstrdup(rk_json_str(d, t));
		break;
	case RK_JSON_TRUE:
	case RK_JSON_FALSE:
		v->type = RK_CV_BOOL;
		v->i = rk_json_type(d, t) == RK_JSON_TRUE;
		break;
	case RK_JSON_NUMBER:
		if (rk_json_int(d, t, &i) == 0) {
			v->type = RK_CV_INT;
			v->i = i;
		} else if (rk_json_double(d, t, &v->f) == 0) {
			v->type = RK_CV_FLOAT;
		} else {
			v->type = RK_CV_OTHER;
			v->s = rk_xstrdup("number");
		}
		break;
	case RK_JSON_ARRAY:
		v->type = RK_CV_LIST;
		v->items = rk_xcalloc((size_t)rk_json_len(d, t) + 1, sizeof(*v->items));
		for (k = rk_json_first(d, t); k >= 0; k = rk_json_next(d, k))
			cval_of_json(d, k, &v->items[n++]);
		v->n = n;
		break;
	case RK_JSON_OBJECT:
		if (rk_json_len(d, t) == 1 && rk_json_get_str(d, t, "secret")) {
			v->type = RK_CV_SECRET; /* as rk_cfg_records writes secret("NAME") */
			v->s = rk_xstrdup(rk_json_get_str(d, t, "secret"));
			break;
		}
		v->type = RK_CV_DICT;
		v->items = rk_xcalloc((size_t)rk_json_len(d, t) + 1, sizeof(*v->items));
		v->keys = rk_xcalloc((size_t)rk_json_len(d, t) + 1, sizeof(*v->keys));
		for (k = rk_json_first(d, t); k >= 0; k = rk_json_next(d, k)) {
			v->keys[n] = rk_xstrdup(rk_json_str(d, k));
			cval_of_json(d, rk_json_value(d, k), &v->items[n++]);
		}
		v->n = n;
		break;
	case RK_JSON_NULL:
		v->type = RK_CV_NONE;
		break;
	default:
		v->type = RK_CV_OTHER;
		v->s = rk_xstrdup("value");
		break;
	}
}

int rk_cfg_record_check(const struct rk_json *d, int obj, const char *source, long line,
			struct rk_err *err)
{
	const char *name = rk_json_get_str(d, obj, "rule");
	const struct rk_cfg_rule *rule = name ? rk_cfg_rule_find(name) : NULL;
	size_t j;

	if (!rule || rule->cls == RC_HELPER)
		return 0;
	for (j = 0; j < rule->nparams; j++) {
		const struct rk_cfg_param *p = &rule->params[j];
		int t = rk_json_get(d, obj, p->name), rc;
		struct rk_cval v;

		if (t < 0 || rk_json_type(d, t) == RK_JSON_NULL) {
			if (!p->def)
				return rk_err_set(err, source, line, 0,
						  "%s() missing required argument '%s'", rule->name,
						  p->name);
			continue;
		}
		cval_of_json(d, t, &v);
		rc = check_param(rule, p, &v, source, line, 0, err);
		rk_cval_release(&v);
		if (rc < 0)
			return -1;
	}
	return 0;
}
