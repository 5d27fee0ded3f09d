/*
 * rk_pystar.h - evaluate RELEASE.star files with starlark-pyo3 through an
 * embedded Python interpreter (linked into rk-config only).
 *
 * The interpreter is the one that made the project's venv: rk_star_start()
 * starts it once per process with an isolated configuration (PYTHONPATH,
 * PYTHONHOME and the user site are ignored, no site import, no bytecode
 * written), its home taken from the venv's pyvenv.cfg and the venv's
 * site-packages added to the module search path. The venv is found as:
 *     $RK_VENV
 *     <bindir>/../lib/releasekit/venv      (installed; see rk-config(1))
 *     <bindir>/../../.venv                 (the build tree)
 *
 * Builtins. Every rule of rk_config.h is a Starlark function defined in a
 * prelude module ("@releasekit//prelude") that calls back into C with the
 * call stack, so each record knows the file and line of its call. Every
 * workspace file (RELEASE.star and what it loads) gets the line
 *     load("@releasekit//prelude", <every builtin>)
 * prepended before parsing; line numbers are corrected back everywhere.
 * The column is that of the builtin's name on that line (the first
 * non-blank column when the name is not there, as for an alias).
 *
 * Loads. "@releasekit//rules/NAME.star" is a bundled rules file (from
 * rules_dir); "//dir/sub:file.star" and "//dir/sub/file.star" are files
 * of the workspace root. A file is evaluated once however often it is
 * loaded; a cycle is an error naming the chain.
 *
 * Hermetic: the Starlark globals are the standard ones plus struct,
 * json, map/filter/partial and call_stack; there is no print, no file,
 * clock or network access. env(NAME, default = None) reads the process
 * environment; secret(NAME) returns an opaque reference (its value is
 * never read here) written as {"secret":"NAME"} in records.
 *
 * Limits (rk_star_set_limits): a RELEASE.star is code from the repository
 * and must not hang or crash the tools. Each evaluation (rk_star_eval, with
 * everything it loads) has a time limit and a memory limit, checked while it
 * runs (starlark's check_cancelled); brackets may nest only so deep (checked
 * on the text, before parsing: the parser recurses). Each fails as
 *     RELEASE.star:LINE:COL: evaluation exceeded the time limit of 60 s (--max-time)
 *     RELEASE.star:LINE:COL: evaluation exceeded the memory limit of 2048 MB (--max-memory)
 *     RELEASE.star:LINE:COL: brackets nested deeper than 100 levels (--max-depth)
 * exit code 3. A single allocation beyond the memory limit (e.g.
 * [0] * (1 << 30)) cannot be stopped midway: the process's data size is
 * limited (RLIMIT_DATA, except under a sanitizer) and the failed
 * allocation ends rk-config with "FILE: evaluation exceeded the memory
 * limit ..." and exit 3 (no line: the evaluator cannot say where it was).
 *
 * Errors: functions return 0, or -1 with *err filled (file:line:col of
 * Starlark's span or of the offending call, and the message).
 */
#ifndef RK_PYSTAR_H
#define RK_PYSTAR_H

#include "rk_config.h"
#include "rk_msg.h"

struct rk_star;

/*
 * Start the interpreter and starlark. root is the workspace root (load
 * labels and file names are relative to it); rules_dir the bundled rules.
 * exe is the path of the running executable (for finding the venv).
 * Returns NULL with err filled (err->source NULL) when Python or
 * starlark-pyo3 cannot be started; exit code RK_EXIT_FAIL then.
 */
struct rk_star *rk_star_start(const char *exe, const char *root, const char *rules_dir,
			      struct rk_cfg *cfg, struct rk_err *err);

struct rk_star_limits {
	double max_time_s;	 /* per rk_star_eval; default 60 */
	long long max_memory_mb; /* resident memory; default 2048 */
	int max_depth;		 /* bracket nesting; default 100 */
};
#define RK_STAR_LIMITS_DEFAULT                                                                     \
	{                                                                                          \
		60, 2048, 100                                                                      \
	}

/* Set the limits (the defaults until called). */
void rk_star_set_limits(struct rk_star *s, const struct rk_star_limits *l);

/* Evaluate relpath (relative to root) at top level, adding its records to cfg. */
int rk_star_eval(struct rk_star *s, const char *relpath, struct rk_err *err);

/* Finalize the interpreter and free everything. NULL is fine. */
void rk_star_stop(struct rk_star *s);

/* The venv directory rk_star_start would use (for --help and errors); owned by caller. */
char *rk_star_find_venv(const char *exe);

#endif
