/*
 * rk_be.h - shared internals of the backend modules (lib/rk_be_*.c and
 * lib/rk_backend.c). Not for other callers: use rk_backend.h.
 *
 * Errors: rk_be_fail formats "file[:line[:col]]: reason" and splits it:
 * err->source points at the location (static storage, valid until the
 * next failure) and err->msg holds the reason, so rk_err_format and
 * rk_die_err print the line as it was written.
 */
#ifndef RK_BE_H
#define RK_BE_H

#include "rk_backend.h"
#include "rk_toml.h"

extern const struct rk_backend rk_be_uv;
extern const struct rk_backend rk_be_npm;
extern const struct rk_backend rk_be_cargo;

/* rk_err_set(err, NULL, 0, 0, fmt, ...): returns -1. */
int rk_be_fail(struct rk_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Fold a parser's error (source/line/col) into err->msg: "path:line:col: msg". */
int rk_be_flatten(struct rk_err *err, const char *path);

/* Replace after[start, end) of an edit with text[0..n). */
void rk_be_splice(struct rk_edit *ed, size_t start, size_t end, const char *text, size_t n);

/* Parse an edit's pending content as TOML (path in errors); NULL with err flattened. */
struct rk_toml_doc *rk_be_toml(const struct rk_edit *ed, struct rk_err *err);

/* Set a TOML string value in place (its quoting style kept). */
void rk_be_toml_set(struct rk_edit *ed, const struct rk_toml_doc *doc,
		    const struct rk_toml_value *v, const char *s);

/* "dir/name" with "." and "" meaning the root; malloc'd, normalised. */
char *rk_be_join(const char *dir, const char *name);

/* Fill a command: argv from a NULL-terminated list, cwd = ws->path, lockfile = ws->path/lock. */
void rk_be_cmd_set(struct rk_be_cmd *c, const struct rk_be_pkg *ws, const char *lock,
		   const char *const *argv);

#endif
