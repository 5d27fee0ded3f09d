/*
 * rk_cachekey.h - the one definition of an action's cache key.
 *
 * rk-plan computes every action's "key"; rk-exec only checks its form (64
 * lowercase hex digits) and looks it up in the action cache (rk_cache.h),
 * so two plans share a cached result exactly when their keys are equal.
 *
 * The key is the SHA-256 (hex) of the canonical JSON (rk_json_canonical:
 * sorted keys, no spaces) of one object, written by rk_actions.c's action_key():
 *
 *   "type"       the action's type
 *   "package", "ecosystem", "version"   the package (null for single actions)
 *   "source"     the package's source digest: rk_history_walk's per-package
 *                digest of the files under its path (rk_history.h)
 *   "manifest"   the package's pinned-manifest digest:
 *                rk_cachekey_manifest() below (over the manifest's bytes and
 *                the versions its internal dependencies will have)
 *   "tool"       rk-plan's version
 *   "config"     the config records the action depends on (JSON)
 *   "params"     built-in actions: everything their executor is given
 *   and for command actions (config rule "action"):
 *   "name", "rule" (the rule's record), "argv" (substituted), "env" (the
 *   declared environment: RK_ECOSYSTEM, RK_PACKAGE, RK_PATH, RK_TAG,
 *   RK_VERSION for per-package commands; {} for single ones), "cwd",
 *   "timeout_s", "inputs" (each file or directory input -> its content
 *   digest: rk_sha256_file / rk_sha256_tree)
 *
 * Nothing else goes in: not the time, not the machine, not the inherited
 * environment. Ownership: nothing is kept. Errors: rk_cachekey returns -1
 * (err filled) when json is not JSON; nothing here exits.
 */
#ifndef RK_CACHEKEY_H
#define RK_CACHEKEY_H

#include <stddef.h>

#include "rk_msg.h"
#include "rk_sha256.h"

/* The key of the key object json (len bytes): SHA-256 of its canonical form; 0 or -1. */
int rk_cachekey(const char *json, size_t len, char key[RK_SHA256_HEX], struct rk_err *err);

/*
 * The pinned-manifest digest: SHA-256 of the manifest's bytes (NULL: none
 * or unreadable), a NUL byte, then the dependency lines "eco:name=VERSION\n"
 * sorted (bytewise). lines[0..n) are sorted in place.
 */
void rk_cachekey_manifest(const char *manifest, size_t len, char **lines, size_t n,
			  char hex[RK_SHA256_HEX]);

#endif
