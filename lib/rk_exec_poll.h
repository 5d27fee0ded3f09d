/*
 * rk_exec_poll.h - the built-in executors poll, smoke_test and verify
 * (the table is in rk_executor.c; the context in rk_executor.h). Each
 * always asks the registry: none is an effect, none is cacheable.
 *
 * The package is the action's "package", "ecosystem" and "version"
 * (params.version when the action has none). Optional params:
 *
 *   where          as publish finds it (the same params and configuration:
 *                  rk_pubops.h): index_url (python: the simple index;
 *                  cargo: the index, sparse URL or git path/file:// URL),
 *                  registry_url (npm: the registry), registry (cargo: the
 *                  registry's name), else the package's manifest and
 *                  workspace config and the environment (UV_DEFAULT_INDEX,
 *                  npm_config_registry, CARGO_REGISTRIES_<NAME>_INDEX);
 *                  when rk-plan gave no path and manifest: RK_PYPI_SIMPLE,
 *                  RK_NPM_URL, RK_CARGO_INDEX as rk-poll(1) reads them.
 *   dist           the built artifacts' directory, relative to the
 *                  repository root (default
 *                  .releasekit/dist/<ecosystem>/<name>-<version>)
 *   channel        npm: the dist-tag that must name the version (default
 *                  latest; "" none)
 *   poll:        deadline_s (default 600), initial_s (1), max_delay_s (30),
 *                  max_retry_after_s (300)
 *   smoke_test:  smoke_test: a command (string, run with sh -c in the
 *                  scratch directory) replacing the check, or false to
 *                  skip it (note "skipped: smoke_test = False"); module
 *                  (python: the module to import); timeout_s (default 600;
 *                  rk-exec's own timeout_s bounds the action too)
 *
 * poll writes one event record per attempt on stdout (the action's log)
 * and fails, not retryable, on a timeout or a digest mismatch; verify
 * fails on a mismatch naming both digests; smoke_test fails with the step
 * that failed and the last lines of its output.
 */
#ifndef RK_EXEC_POLL_H
#define RK_EXEC_POLL_H

#include "rk_executor.h"

int rk_xrun_poll(struct rk_xctx *x);
int rk_xrun_smoke_test(struct rk_xctx *x);
int rk_xrun_verify(struct rk_xctx *x);

#endif
