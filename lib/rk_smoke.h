/*
 * rk_smoke.h - smoke tests: install a released version from its registry
 * as a user would, in a scratch directory, and check that it loads.
 *
 *   python  uv venv DIR/venv; uv pip install --python DIR/venv/bin/python
 *           --index-url PYPI NAME==VERSION; then the venv's python imports
 *           the module (opts->module, else every top-level name of the
 *           installed distribution: top_level.txt, else the first path
 *           component of its files, which are the wheel's)
 *   npm     npm install --registry NPM NAME@VERSION in DIR (a private
 *           package.json), then node -e: require(NAME), or import(NAME) when
 *           the package is ES modules only (ERR_REQUIRE_ESM,
 *           ERR_PACKAGE_PATH_NOT_EXPORTED)
 *   cargo   a throwaway crate in DIR whose one dependency is
 *           NAME = { version = "=VERSION", registry = "rk-smoke" }, the
 *           registry's index from CARGO (a sparse URL, a path or file:// URL
 *           of a git index), and `use NAME as _;`; then cargo build
 *
 * opts->command replaces the check: it runs with /bin/sh -c in DIR with
 * RK_SMOKE_NAME, RK_SMOKE_VERSION, RK_SMOKE_ECOSYSTEM and RK_SMOKE_REGISTRY
 * (the index or registry URL) in its environment. Tools are found in PATH
 * (uv, npm, node, cargo). The whole test is bounded by opts->timeout_s
 * (each step gets what is left; the process group is killed at the end).
 * The output of every step goes to DIR/smoke.log; on failure the result's
 * reason names the step and quotes the log's last lines. DIR is removed
 * afterwards unless opts->keep.
 *
 * Errors: rk_smoke_run returns 0 with the outcome in the result (passed or
 * not), or -1 with err set when the test cannot be set up (no registry for
 * the ecosystem, no scratch directory). Nothing here prints or exits.
 */
#ifndef RK_SMOKE_H
#define RK_SMOKE_H

#include <stdbool.h>

#include "rk_msg.h"

struct rk_smoke_opts {
	const char *pypi;    /* simple index URL */
	const char *npm;     /* npm registry URL */
	const char *cargo;   /* cargo index: sparse URL, git index path or file:// URL */
	const char *command; /* replaces the check (sh -c), or NULL */
	const char *module;  /* python: the module to import, or NULL */
	double timeout_s;    /* 0: 600 */
	const char *tmpdir;  /* where the scratch directory goes; NULL: $TMPDIR or /tmp */
	bool keep;	     /* keep the scratch directory */
};

struct rk_smoke_result {
	bool passed;
	char check
		[512]; /* what was checked ("import demo", "require(x)", "cargo build", the command) */
	char reason[1024]; /* why it failed */
	char dir[512];	   /* the scratch directory */
	long long duration_ms;
};

int rk_smoke_run(const struct rk_smoke_opts *o, const char *ecosystem, const char *name,
		 const char *version, struct rk_smoke_result *res, struct rk_err *err);

/* ---- the ecosystems' smoke tests, for the backends (rk_backend.h) ----
 * One test's state (scratch directory, environment, deadline, log) is
 * opaque; rk_smoke_run passes it to the backend's smoke operation. Each
 * returns 0 passed, -1 failed (reason in the result), -2 with err set
 * when the test could not be set up. */
struct rk_smoke_run;
int rk_smoke_uv(struct rk_smoke_run *s, const char *name, const char *version, struct rk_err *err);
int rk_smoke_npm(struct rk_smoke_run *s, const char *name, const char *version, struct rk_err *err);
int rk_smoke_cargo(struct rk_smoke_run *s, const char *name, const char *version,
		   struct rk_err *err);

/* The member of o that holds the registry of ecosystem's backend
 * (rk_backend.h smoke_opt), or NULL for an unknown ecosystem. */
const char **rk_smoke_registry(struct rk_smoke_opts *o, const char *ecosystem);

#endif
