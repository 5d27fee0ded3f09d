/*
 * rk_tagfmt.h - release tag formats such as "{name}-v{version}".
 *
 * A format is literal text with placeholders:
 *   {name}       the package name as its manifest spells it
 *   {label}      the package's label (the package record's "label" field;
 *                its name when it has none)
 *   {ecosystem}  python, npm or cargo
 *   {version}    the version (exactly once)
 * Examples: "{name}-v{version}" (default), "{name}@{version}",
 * "{name}/v{version}", "v{version}" (lockstep), "{ecosystem}/{name}/{version}".
 *
 * rk_tagfmt_check() validates a format: balanced braces, known
 * placeholders, {version} exactly once, and a valid git ref name once
 * expanded (checked with name "pkg" and version "1.2.3"). Errors fill err
 * (source/line left to the caller) and return -1.
 *
 * rk_tagfmt_split() expands a format for one package into the literal text
 * before and after {version}; a tag "P<version>S" belongs to the package.
 */
#ifndef RK_TAGFMT_H
#define RK_TAGFMT_H

#include "rk_buf.h"
#include "rk_msg.h"

int rk_tagfmt_check(const char *fmt, struct rk_err *err);

/*
 * Append the expansion of fmt before {version} to prefix and after it to
 * suffix. fmt must have passed rk_tagfmt_check(). label may be NULL (name).
 */
void rk_tagfmt_split(const char *fmt, const char *name, const char *label, const char *ecosystem,
		     struct rk_buf *prefix, struct rk_buf *suffix);

/* The tag for version: prefix + version + suffix, appended to out. */
void rk_tagfmt_expand(const char *fmt, const char *name, const char *label, const char *ecosystem,
		      const char *version, struct rk_buf *out);

#endif
