/*
 * rk_backend.h - one module per ecosystem behind one small interface.
 *
 * The release executors (lib/rk_exec_*.c, run by rk-exec) never branch on
 * the ecosystem: they look the backend up with rk_backend_for() and call
 * its operations. A new ecosystem adds a module (lib/rk_be_<name>.c) and a
 * line in the table of rk_backend.c, not branches in shared code
 * (../shared/design.md section 8).
 *
 *   lib/rk_be_uv.c     python (uv): pyproject.toml, uv.lock
 *   lib/rk_be_npm.c    npm (pnpm, npm, yarn): package.json, lockfiles
 *   lib/rk_be_cargo.c  cargo: Cargo.toml, Cargo.lock
 *
 * Files are never written by a backend. Each editing operation adds the
 * new whole content of the files it changes to a struct rk_edits (byte
 * spans only: every byte outside the changed values stays as it was); the
 * caller shows them (prepare --dry-run prints their unified diff) or writes
 * them atomically (rk_edits_write). Several edits of one file accumulate:
 * an operation reads a file's pending content from the edit set first.
 *
 * Operations that a backend does not support are NULL; callers then fail
 * with "<ecosystem>: <operation> is not supported". Operations that run
 * the ecosystem's own tools (lockfile refresh, build, publish, smoke test)
 * are added by the issues that need them, after the editing operations.
 *
 * Errors: every operation returns 0, or -1 with err set to one line that
 * names the file (and line where known): print it with rk_err_format or
 * rk_die_err ("pyproject.toml:7: ..."). err->source then points at static
 * storage that the next failing call reuses (copy it to keep it). Nothing
 * here exits or writes stdout.
 */
#ifndef RK_BACKEND_H
#define RK_BACKEND_H

#include <stdbool.h>
#include <stddef.h>

#include "rk_buf.h"
#include "rk_msg.h"

struct rk_pub_pkg;     /* rk_pubops.h */
struct rk_pub_keep;    /* rk_pubops.h */
struct rk_reg;	       /* rk_registry.h */
struct rk_poll_opts;   /* rk_poll.h */
struct rk_poll_target; /* rk_poll.h */
struct rk_poll_result; /* rk_poll.h */
struct rk_smoke_run;   /* rk_smoke.h */

/* What a backend needs to know of one package (borrowed strings). */
struct rk_be_pkg {
	const char *root;      /* absolute repository root */
	const char *name;      /* as the ecosystem spells it */
	const char *ecosystem; /* "python", "npm", "cargo" */
	const char *manager;   /* "uv", "pnpm", "npm", "yarn", "cargo" */
	const char *path;      /* package directory, relative to root ("." for the root) */
	const char *manifest;  /* manifest path, relative to root */
	const char *workspace; /* workspace root directory relative to root, or NULL */
};

/* One file's pending new content. */
struct rk_edit {
	char *path;	      /* relative to the repository root; owned */
	struct rk_buf before; /* the bytes read from disk (empty for a new file) */
	struct rk_buf after;  /* the new bytes */
	bool created;	      /* the file did not exist */
	bool deleted;	      /* the file is to be removed (rk_edits_delete) */
};

struct rk_edits {
	struct rk_edit *v;
	size_t n, cap;
};

#define RK_EDITS_INIT                                                                              \
	{                                                                                          \
		NULL, 0, 0                                                                         \
	}

void rk_edits_release(struct rk_edits *e);

/*
 * The pending content of path (relative to root): the edit's `after` when
 * the set holds one, else the file read from disk into a new edit (before
 * == after). Returns the edit, or NULL with err set (the file cannot be
 * read; a file that is not a regular file is refused).
 */
struct rk_edit *rk_edits_get(struct rk_edits *e, const char *root, const char *path,
			     struct rk_err *err);

/* Edits whose after differs from before (the others are no-ops). */
size_t rk_edits_changed(const struct rk_edits *e);

/*
 * Write every changed file atomically (temporary file in the same
 * directory, fsync, rename), keeping each file's mode. A file whose disk
 * content already is the new content is skipped (a rerun after a crash);
 * one that is neither the bytes read nor the new ones was changed by
 * someone else meanwhile and is an error ("changed on disk since it was
 * read"), never overwritten. Returns 0, or -1 with err set naming the
 * file that failed (the files before it are written).
 */
int rk_edits_write(const struct rk_edits *e, const char *root, struct rk_err *err);

/* Append the unified diff (git style, a/ b/ prefixes) of every changed file. */
void rk_edits_diff(const struct rk_edits *e, struct rk_buf *out);

/* How a dependency specifier is rewritten. */
enum rk_spec_mode {
	RK_SPEC_WIDEN,	    /* only when the version falls outside it, keeping the operator style */
	RK_SPEC_PIN_EXACT,  /* pin for the build: ==V, =V (cargo), V (npm) */
	RK_SPEC_PIN_COMPAT, /* pin for the build: ~=V (python), ~V (npm), ~V (cargo) */
	RK_SPEC_PIN_CARET,  /* pin for the build: ^V (npm, cargo); >=V,<caret bound (python) */
};

/* A command to run (lock_cmd). Everything owned. */
struct rk_be_cmd {
	char **argv;	/* NULL-terminated */
	char *cwd;	/* relative to the repository root ("." for the root) */
	char *lockfile; /* the file it rewrites, relative to the repository root */
};

void rk_be_cmd_release(struct rk_be_cmd *c);

struct rk_backend {
	const char *ecosystem;

	/* The package's version as its build will see it (static field,
	 * inherited workspace version or dynamic version source); *out
	 * malloc'd. */
	int (*read_version)(const struct rk_be_pkg *p, struct rk_edits *ed, char **out,
			    struct rk_err *err);

	/* Set the version: the manifest's field, or the workspace's
	 * inherited version, or the file a dynamic version is read from
	 * (hatch's [tool.hatch.version] path, setuptools' attr:/__version__). */
	int (*write_version)(const struct rk_be_pkg *p, const char *version, struct rk_edits *ed,
			     struct rk_err *err);

	/* Rewrite p's specifier for its internal dependency dep (every
	 * section that names it) per mode for version. *changed tells
	 * whether anything changed; workspace: specifiers are left alone. */
	int (*set_dep_spec)(const struct rk_be_pkg *p, const char *dep, const char *version,
			    enum rk_spec_mode mode, struct rk_edits *ed, bool *changed,
			    struct rk_err *err);

	/* ---- appended by issue 13 (prepare) ---- */

	/*
	 * The package manager's own offline command that refreshes the
	 * lockfile of workspace ws (ws->path: the workspace root directory,
	 * ws->manager: which tool), so that only the workspace's own
	 * entries change (third-party entries stay as locked):
	 *   uv     uv lock --offline                                   uv.lock
	 *   pnpm   pnpm install --lockfile-only --offline --ignore-scripts
	 *                                                              pnpm-lock.yaml
	 *   npm    npm install --package-lock-only --offline --ignore-scripts
	 *                                                              package-lock.json
	 *   cargo  cargo update --workspace --offline                  Cargo.lock
	 * Fills out (release with rk_be_cmd_release); the caller runs argv in
	 * root/cwd, and only when the lockfile exists (a workspace without
	 * one is not given one). An unsupported manager (yarn) is an error.
	 */
	int (*lock_cmd)(const struct rk_be_pkg *ws, struct rk_be_cmd *out, struct rk_err *err);

	/* ---- appended by issue 10 (one table): publishing, see rk_pubops.h ---- */

	const char *registry_kind; /* the registry protocol: "pypi", "npm", "cargo" */

	/* Build the artifacts with the ecosystem's own tool into dist
	 * (absolute, exists and is empty):
	 *   python  uv build --package NAME (wheel and sdist)
	 *   npm     pnpm pack / npm pack
	 *   cargo   cargo package -p NAME */
	int (*build)(const struct rk_pub_pkg *p, const char *dist, struct rk_err *err);

	/* Where to publish and with which token: fill r (kind, url, index,
	 * token, tag); the strings it points to are kept in keep. */
	int (*publish_target)(const struct rk_pub_pkg *p, struct rk_reg *r,
			      struct rk_pub_keep *keep, struct rk_err *err);

	/* Is this file (a base name) one of the artifacts build makes and
	 * publish uploads? */
	bool (*is_artifact)(const char *file);

	/* ---- appended by issue 10: availability (rk_poll.h), smoke test (rk_smoke.h) ---- */

	/* Where the registry that rk-poll and the smoke test ask is held:
	 * offsetof(struct rk_poll_opts, pypi|npm|cargo) and
	 * offsetof(struct rk_smoke_opts, ...) (rk_poll_registry,
	 * rk_smoke_registry). */
	size_t poll_opt, smoke_opt;
	/* How to configure it, for "no registry configured (...)". */
	const char *registry_hint;
	/* The environment variables that name it, first set wins (rk-exec's
	 * poll, when neither params nor the ecosystem's files say); NULL-ended. */
	const char *const *registry_env;
	/* Poll where publish uploads (publish_target's url: npm) rather
	 * than its index (pypi's simple index, cargo's index). */
	bool poll_upload_url;
	/* Is t's version installable: fill res (the registry protocol's
	 * check of rk_poll.h). */
	void (*poll_check)(const struct rk_poll_opts *o, const struct rk_poll_target *t,
			   struct rk_poll_result *res);
	/* The URL verify downloads an artifact from, when the listing does
	 * not give one (cargo: the index's config.json); NULL: the listing's. */
	char *(*download_url)(const struct rk_poll_opts *o, const struct rk_poll_target *t,
			      struct rk_poll_result *res);
	/* What the smoke test checks, a printf format taking the name, the
	 * version and the module to import (python) in that order. */
	const char *smoke_check;
	/* Install the version from the registry in the test's scratch
	 * directory and load it (rk_smoke.h). */
	int (*smoke)(struct rk_smoke_run *s, const char *name, const char *version,
		     struct rk_err *err);
	/* The registry lists an artifact's sha512 as an SRI string
	 * ("sha512-BASE64", npm) rather than its sha256 in hex. */
	bool digest_sri512;
};

/* The backend of an ecosystem ("python", "npm", "cargo"), or NULL. */
const struct rk_backend *rk_backend_for(const char *ecosystem);

/* ---- helpers appended for the prepare executors ---- */

/*
 * Like rk_edits_get, but a file that does not exist gives a new edit with
 * created set and empty before/after (a CHANGELOG.md to create). Its
 * directory must exist when the set is written.
 */
struct rk_edit *rk_edits_get_new(struct rk_edits *e, const char *root, const char *path,
				 struct rk_err *err);

/* Replace the pending content of an edit with data[0..len). */
void rk_edits_set(struct rk_edit *ed, const void *data, size_t len);

/*
 * Mark path (relative to root) for removal (a consumed plan file): its
 * edit gets deleted set and an empty after. A file already absent is no
 * change (returns 0, no edit). rk_edits_write unlinks it; rk_edits_diff
 * shows a deletion.
 */
int rk_edits_delete(struct rk_edits *e, const char *root, const char *path, struct rk_err *err);

/*
 * bump_file(path, pattern) targets (RELEASE.star): pattern is a POSIX
 * extended regular expression matched line by line (^ and $ match at
 * line ends); its first match in the file names the version: capture
 * group 1 when the pattern has one, else the whole match (a trailing CR
 * left out). read gives that text (*out malloc'd); write replaces it with
 * version (the first match only; every other byte unchanged). Errors: a
 * bad pattern, no match ("path: pattern '...' matches nothing"), an
 * unreadable file.
 */
int rk_bump_file_read(struct rk_edits *ed, const char *root, const char *path, const char *pattern,
		      char **out, struct rk_err *err);
int rk_bump_file_write(struct rk_edits *ed, const char *root, const char *path, const char *pattern,
		       const char *version, struct rk_err *err);

/*
 * Fault injection for the crash tests: when the environment holds
 * RK_TEST_KILL_WRITE=N, the process raises SIGKILL just before its N-th
 * file write (counted over rk_edits_write, the journal and
 * rk_journal_restore, in order, from 1). Called by those writers;
 * executors that write files of their own may call it too.
 */
void rk_fault_point(void);

#endif
