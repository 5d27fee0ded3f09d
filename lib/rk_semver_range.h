/*
 * rk_semver_range.h - does an npm version satisfy an npm range?
 *
 * node-semver's range grammar, as npm, pnpm and yarn apply it to decide
 * whether a workspace package satisfies a dependency's range (and is linked
 * rather than fetched from the registry): `||` alternatives of
 * space-separated comparators (<, <=, >, >=, =), X-ranges (`1`, `1.x`,
 * `1.2.*`, `*`, ``), tilde (`~1.2.3`, `~>`), caret (`^0.2.3`) and hyphen
 * ranges (`1.2 - 2.3.4`); a leading `v` is allowed. A pre-release version
 * satisfies a comparator set only when one of its comparators names a
 * pre-release of the same major.minor.patch (node-semver's default).
 */
#ifndef RK_SEMVER_RANGE_H
#define RK_SEMVER_RANGE_H

/*
 * Returns 1 when version satisfies range, 0 when it does not, -1 when the
 * range is not a semver range (a dist-tag such as "latest", a URL, a git
 * or file specifier) or version is not a semver version. No allocation
 * survives the call.
 */
int rk_npm_range_satisfied(const char *range, const char *version);

#endif
