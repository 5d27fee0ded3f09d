/*
 * rk_discover.h - find the workspaces and packages of a repository.
 *
 * rk-discover's logic. One walk of the directory tree under the root
 * collects every manifest (pyproject.toml, package.json, Cargo.toml,
 * pnpm-workspace.yaml); each is read and parsed once into a compact
 * description and freed. Workspaces claim the packages their member globs
 * match (the nearest enclosing workspace of the package's ecosystem), the
 * rest are standalone packages; then names are checked for uniqueness, cargo
 * workspace inheritance is resolved, dependency edges are resolved against
 * the packages found (hash tables: linear in the number of packages and
 * dependencies), config records are applied, and one package record per
 * package is built for the tool to write, sorted by ecosystem then name.
 *
 * Walk: directories whose name starts with '.' and node_modules, target and
 * __pycache__ are not entered; inside a git work tree, paths git ignores are
 * neither entered nor read (libgit2 ignore rules).
 *
 * Errors: a malformed or invalid manifest at the root, in a workspace that
 * lists it or under a configured root, a duplicate name among workspace
 * members, or a config record naming an unknown package or workspace fills
 * err ("file:line:col: reason") and makes rk_discover_scan() /
 * rk_discover_config() return -1 (exit 3); pnpm members sharing a name are
 * both kept (a warning), identified by path (the record's "id"). Outside every workspace, a
 * manifest that cannot be read or a package whose name a member or another
 * such package has is a warning on stderr and ignored. With keep_going a malformed or invalid manifest, a duplicate
 * name or a failed cargo inheritance is a warning on stderr instead and the
 * manifest is ignored; a workspace dependency (workspace: protocol, uv
 * workspace source) naming no member of its workspace is a warning and the
 * edge is left out.
 */
#ifndef RK_DISCOVER_H
#define RK_DISCOVER_H

#include <stdbool.h>

#include "rk_buf.h"
#include "rk_json.h"
#include "rk_msg.h"

struct rk_discover; /* opaque */

struct rk_discover_opts {
	const char *root; /* directory to discover under (paths are relative to it) */
	bool keep_going;  /* warn about and skip malformed manifests */
};

struct rk_discover *rk_discover_new(const struct rk_discover_opts *opts);
void rk_discover_free(struct rk_discover *d);

/*
 * Take one config record (kind "config"; doc token 0 is the record, source
 * and line name it for errors). Workspace rules (uv_workspace,
 * cargo_workspace, pnpm_workspace, npm_workspace) restrict discovery to the
 * declared workspaces; package rules (uv_package, cargo_package,
 * pnpm_package, npm_package) are applied after the scan. Other rules are
 * ignored. Returns 0, or -1 with err filled when the record is invalid
 * (e.g. a rule without "name").
 */
int rk_discover_config(struct rk_discover *d, const struct rk_json *doc, const char *source,
		       long line, struct rk_err *err);

/*
 * Read an NDJSON record stream: keep every record, to be written unchanged
 * and in order before the package records (rk_discover_take_passed; so
 * nothing is written when reading or the scan fails), and take the config records
 * (rk_discover_config). Returns 0, or -1 with err filled on a malformed
 * record or an invalid config record.
 */
int rk_discover_read_records(struct rk_discover *d, FILE *fp, const char *source,
			     struct rk_err *err);

/* How many config records rk_discover_read_records() has read (of any rule). */
size_t rk_discover_config_records(const struct rk_discover *d);

/* Walk, parse, resolve and apply config. Returns 0 or -1 (err filled). */
int rk_discover_scan(struct rk_discover *d, struct rk_err *err);

/*
 * The tool writes the output; the library writes nothing. First the
 * records rk_discover_read_records() kept: rk_discover_take_passed() moves
 * their NDJSON text (each line ending in '\n'; empty when none) into *out,
 * which the caller then owns (rk_buf_release).
 */
void rk_discover_take_passed(struct rk_discover *d, struct rk_buf *out);

/*
 * Then every package record (sorted by ecosystem, name and path), built one
 * at a time into one buffer and handed to put(rec, ctx): the JSON text
 * without a newline, for the tool to write (rk_record_emit, which empties
 * it). The buffer is this function's; put must not keep it.
 */
void rk_discover_packages(struct rk_discover *d, void (*put)(struct rk_buf *rec, void *ctx),
			  void *ctx);

/* Number of packages found (after a successful scan). */
size_t rk_discover_count(const struct rk_discover *d);

/*
 * The default root: the work tree top level of the git repository that
 * contains the current directory (libgit2 git_repository_discover), else
 * ".". Returns a newly allocated path.
 */
char *rk_discover_default_root(void);

#endif
