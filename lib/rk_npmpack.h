/*
 * rk_npmpack.h - an npm packer of our own: the tarball `npm pack` or
 * `pnpm pack` would make of a package directory, made in-process (no
 * Node.js start per package), or an honest "not handled" so that the
 * caller runs the ecosystem's tool instead.
 *
 * What it reproduces (checked against the real tools by tests/npmpack.bats):
 *
 *   file list   npm-packlist's rules as each tool runs them: npm 11 bundles
 *               npm-packlist 10 (ignore-walk 8), pnpm 10 bundles
 *               npm-packlist 5.1 (ignore-walk 5). package.json "files"
 *               (patterns, negations, directories, plain files), .npmignore
 *               in each directory, else .gitignore, the default exclusions
 *               (.git, .svn, CVS, .npmrc, .DS_Store, *.orig, ...), the root
 *               node_modules and lockfiles, and the files always packed
 *               (package.json, README*, LICENSE*, LICENCE*, COPYING*, the
 *               "main", "browser" and "bin" files). Patterns are matched as
 *               minimatch does with npm's options (dot, nocase, matchBase):
 *               * ? [...] ** and \ escapes. Symbolic links are skipped.
 *   manifest    npm: package.json as it is on disk. pnpm: the manifest
 *               pnpm publishes: "workspace:" ranges replaced by the
 *               version of the linked package (node_modules/<dep>/
 *               package.json, as pnpm reads it), publishConfig's
 *               overridable fields (main, bin, exports, types, ...) moved
 *               up, "scripts" without the publish lifecycle, "pnpm" and
 *               "packageManager" dropped, written as JSON.stringify(m,
 *               null, 2); in a pnpm workspace the workspace root's
 *               LICENSE when the package has none.
 *   tarball     entries "package/<path>", files only, mtime
 *               1985-10-26T08:15:00Z, uid/gid 0, mode 0644 or 0755
 *               (npm: the file's execute bits; pnpm: the "bin" files),
 *               ustar headers, gzip (zlib). Named as the tools name it:
 *               "<name without @, / as ->-<version>.tgz".
 *
 * Not handled (rk_npmpack returns 1 with the reason in why; the caller
 * falls back to the tool): lifecycle scripts the pack would run (prepack,
 * prepare, postpack; also prepublishOnly and prepublish), bundleDependencies,
 * pnpm's catalog: and jsr: specifiers, workspace: aliases and paths,
 * publishConfig.directory and .executableFiles, a .pnpmfile.cjs (pnpm's
 * beforePacking hook), package.json5/package.yaml, a BOM or duplicate
 * keys in package.json, non-integer numbers in it (JSON.stringify's
 * number forms), patterns with braces, extglobs, POSIX classes, ".." or
 * non-ASCII bytes, "workspaces" in package.json, paths too long for a
 * ustar header, and for pnpm: "files" with a pattern or a negation, or
 * with a .npmignore/.gitignore at the package root (npm-packlist 5 reads
 * them differently).
 *
 * Errors: -1 with err set to one line naming the file (an unreadable
 * directory or file, package.json that is not a JSON object, no
 * name/version). Nothing here exits or writes stdout.
 */
#ifndef RK_NPMPACK_H
#define RK_NPMPACK_H

#include <stdbool.h>

#include "rk_buf.h"
#include "rk_msg.h"

enum rk_npmpack_tool { RK_NPMPACK_NPM, RK_NPMPACK_PNPM };

struct rk_npmpack_opts {
	const char *dir;	   /* absolute package directory */
	const char *workspace_dir; /* absolute pnpm workspace root, or NULL */
	enum rk_npmpack_tool tool;
};

/* One packed file: path relative to the package ("lib/a.js"), mode. */
struct rk_npmpack_file {
	char *path;
	int mode;
	char *src; /* absolute source path (the workspace LICENSE may come from elsewhere) */
};

struct rk_npmpack_list {
	struct rk_npmpack_file *v; /* sorted by path (byte order) */
	size_t n, cap;
	struct rk_buf manifest; /* the package.json bytes that go into the tarball */
	char *name, *version;	/* from the manifest */
};

void rk_npmpack_list_release(struct rk_npmpack_list *l);

/*
 * What the tool would pack: the file list and the manifest. Returns 0, 1
 * when not handled (why: one line saying what), -1 on error.
 */
int rk_npmpack_list(const struct rk_npmpack_opts *o, struct rk_npmpack_list *out,
		    struct rk_buf *why, struct rk_err *err);

/*
 * Pack into out_dir (absolute, exists): writes the .tgz atomically and
 * puts its base name in file. Returns 0, 1 when not handled (why set,
 * nothing written), -1 on error (err set, nothing written).
 */
int rk_npmpack(const struct rk_npmpack_opts *o, const char *out_dir, struct rk_buf *file,
	       struct rk_buf *why, struct rk_err *err);

#endif
