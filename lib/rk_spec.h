/*
 * rk_spec.h - version requirements of the three ecosystems: whether a
 * version satisfies one, and rewriting one for a new version.
 *
 * Syntaxes:
 *   RK_SPEC_PEP440  PEP 440 specifiers: "~=0.3", ">=0.3,<0.4", "==1.*",
 *                   "!=1.2", "===x"; "" allows everything.
 *   RK_SPEC_NPM     node-semver ranges: "^1.4.0", "~1.2", "1.x", "*",
 *                   ">=1.0.0 <2.0.0", "1.0.0 - 2.0.0", "a || b", "v1.2.3".
 *   RK_SPEC_CARGO   cargo requirements: "0.3" (caret), "^0.3", "~0.3",
 *                   "=0.3.1", ">=0.3, <0.5", "0.3.*", "*".
 * Satisfaction follows each tool: cargo and npm admit a pre-release only
 * when a comparator names a pre-release of the same major.minor.patch;
 * PEP 440's "<V" excludes V's own pre-releases; local labels are ignored
 * unless the specifier names one.
 *
 * Rewriting (enum rk_spec_mode, rk_backend.h):
 *   WIDEN      nothing when the version already satisfies the spec; else
 *              the same operators with new versions, written with as many
 *              components as the old ones: "^1.4.0" -> "^2.0.0",
 *              "~=0.3" -> "~=0.4", ">=0.3,<0.4" -> ">=0.4,<0.5",
 *              "0.3" -> "0.4" (cargo), "1.x" -> "2.x"; an upper bound moves
 *              past the version at the component where the old bounds
 *              differed. With several npm alternatives ("^1 || ^2") the
 *              last one's rewrite is appended ("^1 || ^2 || ^3"). A spec
 *              that cannot be widened keeping its style ("!=2.0.0", ">2",
 *              a hyphen range) is an error.
 *   PIN_EXACT  "==V" (python), "V" (npm), "=V" (cargo)
 *   PIN_COMPAT "~=V", "~V", "~V"
 *   PIN_CARET  ">=V,<B" (python; B the caret bound: 1.2.3 -> 2, 0.4.1 ->
 *              0.5, 0.0.3 -> 0.0.4), "^V", "^V"
 * Separators and spacing between clauses are kept ("," or ", ").
 *
 * Errors: -1 with err->msg naming the specifier (source/line left to the
 * caller): "invalid version requirement '^x.y'", "cannot widen '!=2.0.0'
 * to admit 2.0.0".
 */
#ifndef RK_SPEC_H
#define RK_SPEC_H

#include "rk_backend.h"

enum rk_spec_syntax {
	RK_SPEC_PEP440,
	RK_SPEC_NPM,
	RK_SPEC_CARGO,
};

/* 1 when version satisfies spec, 0 when not, -1 with err set (bad spec or version). */
int rk_spec_satisfies(enum rk_spec_syntax syn, const char *spec, const char *version,
		      struct rk_err *err);

/*
 * The spec rewritten for version per mode: 0 with *out the new spec
 * (malloc'd), or *out NULL when it stays as it is; -1 with err set.
 */
int rk_spec_rewrite(enum rk_spec_syntax syn, const char *spec, const char *version,
		    enum rk_spec_mode mode, char **out, struct rk_err *err);

/* The syntax of an ecosystem ("python", "npm", "cargo"); -1 when unknown. */
int rk_spec_syntax_for(const char *ecosystem, enum rk_spec_syntax *out);

#endif
