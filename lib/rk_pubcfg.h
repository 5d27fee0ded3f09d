/*
 * rk_pubcfg.h - where and how to publish, as RELEASE.star says it: the
 * overrides rk-plan writes into the params of the publish, poll,
 * smoke_test and verify actions (rk-exec(1) reads them; lib/rk_pubops.h).
 *
 * Config rules (rk-config(1); rk_config.c's table):
 *   uv_workspace, uv_package         registry_url, index_url, token
 *   cargo_workspace, cargo_package   registry, registry_url, index_url, token
 *   pnpm_/npm_workspace, _package    registry_url, token, dist_tag
 *   release_train                    publish_rate, channel (the default dist-tag)
 * token must be secret("NAME"): the params carry only NAME (token_env),
 * never a value; a plain string is refused.
 *
 * Precedence, each field on its own: the package rule, else the workspace
 * rule whose root is the package's workspace directory (same ecosystem),
 * else nothing (the executor then follows the ecosystem's own
 * configuration, then its defaults). The npm dist-tag: dist_tag, else the
 * manifest's publishConfig.tag (the backend), else the plan's channel.
 *
 * Params written (each only when set): registry_url, index_url, registry,
 * tag, channel (every action); publish only: token_env and rate.
 *
 * Ownership: struct rk_pubcfg owns copies of every string it keeps;
 * rk_pubcfg_target fills a struct rk_pub_target whose strings point into
 * the rk_pubcfg (valid until rk_pubcfg_release) and into its arguments.
 */
#ifndef RK_PUBCFG_H
#define RK_PUBCFG_H

#include <stdbool.h>
#include <stddef.h>

#include "rk_json.h"
#include "rk_msg.h"

struct rk_pubcfg_rule; /* private */

struct rk_pubcfg {
	struct rk_pubcfg_rule *v;
	size_t n, cap;
	double rate; /* release_train publish_rate, when has_rate */
	bool has_rate;
};

/* The publish overrides of one package. */
struct rk_pub_target {
	const char *registry_url, *index_url, *registry, *token_env, *tag, *channel;
	double rate;
	bool has_rate;
};

#define RK_PUBCFG_INIT                                                                             \
	{                                                                                          \
		0                                                                                  \
	}

/*
 * Take what concerns publishing from one config record (any rule; others
 * are ignored). Returns 0, or -1 with err set to one line without a
 * location (the caller adds the record's): a token that is not a
 * secret(), a value of the wrong type.
 */
int rk_pubcfg_add(struct rk_pubcfg *c, const struct rk_json *d, struct rk_err *err);

/*
 * The overrides of package (ecosystem, name) whose workspace directory
 * (as rk-discover writes it; NULL: none) is workspace; channel is the
 * plan's channel (NULL: none).
 */
void rk_pubcfg_target(const struct rk_pubcfg *c, const char *ecosystem, const char *name,
		      const char *workspace, const char *channel, struct rk_pub_target *t);

/* Write t's members into an open object of w; upload: the publish action's
 * (token_env and rate too). */
void rk_pub_target_write(struct rk_jw *w, const struct rk_pub_target *t, bool upload);

void rk_pubcfg_release(struct rk_pubcfg *c);

#endif
