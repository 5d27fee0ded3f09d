/*
 * rk_pubops.h - what the publishing operations of struct rk_backend
 * (build, publish_target, is_artifact; rk_backend.h) take, and the helpers
 * the ecosystem modules share for them:
 *
 *   lib/rk_be_uv.c     uv build --package NAME (wheel and sdist);
 *                       [[tool.uv.index]] publish-url, UV_PUBLISH_URL,
 *                       UV_PUBLISH_TOKEN
 *   lib/rk_be_npm.c    rk_npmpack (else pnpm pack / npm pack); publishConfig.registry,
 *                       npm_config_registry, .npmrc (registry=,
 *                       //host/:_authToken=), NPM_TOKEN
 *   lib/rk_be_cargo.c  cargo package -p NAME; Cargo.toml publish = [..],
 *                       .cargo/config.toml [registries.NAME] index,
 *                       CARGO_REGISTRIES_<NAME>_INDEX/_TOKEN,
 *                       CARGO_REGISTRY_TOKEN, credentials.toml
 *
 * Artifacts go into rk_dist_dir(): .releasekit/dist/<ecosystem>/<name>-<version>/
 * under the repository root, where '/' in a name (npm scopes) is written
 * as '+' ("@acme+web-core-1.2.0").
 *
 * Errors: -1 with err set to one line; nothing here exits or writes stdout
 * (the tools' own output goes to the executor's stdout/stderr, which
 * rk-exec keeps as the action's logs).
 */
#ifndef RK_PUBOPS_H
#define RK_PUBOPS_H

#include "rk_buf.h"
#include "rk_json.h"
#include "rk_msg.h"
#include "rk_registry.h"

/* What the operations need of a package and of the action's params. */
struct rk_pub_pkg {
	const char *root; /* absolute repository root */
	const char *name;
	const char *ecosystem;
	const char *manager;   /* "uv", "pnpm", "npm", "cargo" */
	const char *path;      /* package directory relative to root */
	const char *manifest;  /* relative to root */
	const char *workspace; /* workspace root directory relative to root, or NULL */
	const char *version;
	/* overrides from RELEASE.star (params), each NULL when absent */
	const char *registry_url; /* pypi: upload URL; npm: registry; cargo: API URL */
	const char *index_url;	  /* pypi: simple index; cargo: index */
	const char *registry;	  /* cargo: the registry's name (publish = [...]) */
	const char *token_env;	  /* the environment variable holding the token (secret()) */
	const char *tag;	  /* npm dist-tag (RELEASE.star's dist_tag) */
	const char *channel;	  /* the plan's channel: npm's dist-tag when neither
				     tag nor publishConfig.tag says one */
	/* appended by pubperf16: build appends here what made the artifacts
	 * (npm: "packed in-process" or "pnpm pack: <why>"); NULL: not asked */
	struct rk_buf *note;
};

/* Strings a target keeps alive for struct rk_reg (rk_pub_keep_release). */
struct rk_pub_keep {
	char *v[16];
	int n;
};

/* ".releasekit/dist/<ecosystem>/<name>-<version>" (relative to the root). */
void rk_dist_dir(const char *ecosystem, const char *name, const char *version, struct rk_buf *out);

/* Helpers shared by the modules. */
/* Run argv in cwd (absolute), output inheriting ours; timeout in seconds. */
int rk_pub_run(char *const *argv, const char *cwd, double timeout_s, struct rk_err *err);
/* A copy of s (or NULL) kept alive in keep; returns it. */
const char *rk_pub_keep(struct rk_pub_keep *keep, const char *s);
void rk_pub_keep_release(struct rk_pub_keep *keep);
/* getenv, NULL when empty. */
const char *rk_pub_env(const char *name);

#endif
