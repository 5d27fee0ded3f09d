/*
 * rk_cfgfiles.h - the per-package RELEASE.star files under a root and the
 * package each belongs to (rk_cfgfiles.c); used by rk-config.
 *
 * Ownership: the caller owns what is returned (free as said below).
 * Errors: rk_cfg_manifest_name returns NULL with err filled; the walk
 * skips what it cannot read.
 */
#ifndef RK_CFGFILES_H
#define RK_CFGFILES_H

#include "rk_msg.h"

/*
 * Per-package RELEASE.star files under root: every "DIR/RELEASE.star"
 * with DIR != root and a package manifest (pyproject.toml, Cargo.toml or
 * package.json) in DIR, found by rk-discover's walk (rk_walk.h: the same
 * skipped directories and .gitignore), sorted.
 * *out is a NULL-terminated array of paths relative to root; free with
 * rk_cfg_files_free.
 */
char **rk_cfg_find_package_files(const char *root, const char *file_name);
void rk_cfg_files_free(char **files);

/*
 * The package name declared by the manifest in dir (relative to root):
 * pyproject.toml [project] name, Cargo.toml [package] name, or
 * package.json "name" (first found). Returns a new string, or NULL with
 * err filled (source = the per-package file).
 */
char *rk_cfg_manifest_name(const char *root, const char *dir, const char *cfgfile,
			   struct rk_err *err);

#endif
