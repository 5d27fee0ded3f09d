/*
 * rk_version.h - version numbers: SemVer 2.0.0 and PEP 440.
 *
 * One tagged struct, struct rk_version, holds a parsed version of either
 * scheme. Parse it from text with rk_version_parse(), order two versions with
 * rk_version_compare(), write the normalised form with rk_version_format(),
 * and compute the next version with rk_version_bump(), rk_version_bump_pre()
 * or rk_version_set_prerelease().
 *
 * SEMVER (https://semver.org, 2.0.0), strict:
 *   MAJOR.MINOR.PATCH[-PRE][+BUILD]. Numeric identifiers have no leading
 *   zeros; identifiers are non-empty and use [0-9A-Za-z-] only. No leading
 *   "v", no surrounding whitespace (strip a tag prefix such as "v" or
 *   "pkg-v" before parsing). MAJOR, MINOR and PATCH must fit in uint64_t:
 *   larger numbers are rejected ("... number too large"). Numeric
 *   pre-release identifiers are compared as digit strings, so they may have
 *   any length. Build metadata is kept (formatted back) but ignored by
 *   rk_version_compare(), as section 10 says.
 *   Precedence is section 11: release fields numerically; a pre-release is
 *   lower than its release; pre-release identifiers left to right, numeric
 *   ones numerically and lower than alphanumeric ones, alphanumeric ones by
 *   ASCII; a longer identifier list is higher when all preceding are equal.
 *
 * PEP 440 (packaging.python.org "Version specifiers"), with the full
 *   normalisation rules: case-insensitive; surrounding whitespace and a
 *   leading "v" allowed; epoch "N!"; release of any number of segments
 *   (leading zeros dropped: "01.002" is "1.2"); pre-release a/alpha, b/beta,
 *   c/rc/pre/preview with an optional "." "-" "_" separator before the
 *   spelling and before the number, number 0 when omitted; post-release
 *   post/rev/r with the same separators, or "-N" (implicit post); dev
 *   release "dev" with optional number; local label "+..." with "-" and "_"
 *   becoming ".", lower-cased. Every number must fit in uint64_t.
 *   The normalised form is the spec's: [N!]N(.N)*[{a|b|rc}N][.postN][.devN]
 *   [+local], epoch left out when 0, local numeric segments without leading
 *   zeros.
 *   Ordering is the spec's (the same as packaging.version.Version): epoch;
 *   release with trailing zeros ignored (1.0 == 1.0.0); for one release,
 *   X.devN < XaN.devM < XaN < XbN < XrcN < X < X.postN.devM < X.postN;
 *   a version without a local label is lower than the same one with one;
 *   local labels compare segment by segment, numeric segments numerically
 *   and higher than alphanumeric ones (compared as strings), and a longer
 *   label is higher when all preceding segments are equal.
 *
 * LIMITS and differences from packaging.version: release, epoch, pre, post
 * and dev numbers above UINT64_MAX (18446744073709551615) are rejected with
 * "... too large" instead of being taken as Python integers (PEP 440 local
 * segments and SemVer pre-release identifiers have no limit: they compare as
 * digit strings). Only ASCII whitespace is stripped around a PEP 440
 * version and only ASCII letters are accepted (Python's \s and re.IGNORECASE
 * also take a few non-ASCII characters). Any other byte (non-ASCII, control,
 * NUL) is an error that names it.
 *
 * OWNERSHIP. A struct rk_version owns its `release` array and its `pre` and
 * `meta` strings. RK_VERSION_INIT (or rk_version_init) makes an empty value
 * that owns nothing; rk_version_release() frees and resets it; every
 * function that fills a version (parse, copy) releases what it held first,
 * so one struct can be reused in a loop. The fields may be read directly;
 * change them only through these functions.
 *
 * ERRORS. Functions that can fail return 0 on success and -1 on failure with
 * *err filled by rk_err_set(): source NULL, line and col 0, and a message
 * that names the scheme and quotes the input (escaped and shortened when
 * long), e.g.
 *     invalid SemVer version '01.2.3': numeric identifier has a leading zero
 * Callers set err->source/err->line (and print with rk_err_print or
 * rk_die_err). On failure the output version is left unchanged (bump and
 * set_prerelease) or empty (parse). Allocation failure dies (rk_xmalloc).
 * Passing NULL for err is allowed and just drops the message.
 */
#ifndef RK_VERSION_H
#define RK_VERSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rk_buf.h"
#include "rk_msg.h"

enum rk_version_scheme {
	RK_VERSION_NONE = 0, /* an empty (initialised or released) value */
	RK_VERSION_SEMVER,
	RK_VERSION_PEP440,
};

/*
 * The kind of a pre-release, in order of the next-bump logic (not
 * necessarily of precedence: in SemVer "dev" sorts between "beta" and "rc"
 * because identifiers compare by ASCII).
 *
 * PEP 440: ALPHA, BETA, RC are the a/b/rc pre-release segment (pre_num is
 *   its number); DEV is never stored in pre_kind, a dev release is has_dev/
 *   dev (it can combine with a pre- or post-release).
 * SemVer: derived from the pre-release identifiers when they are exactly
 *   "<kind>" or "<kind>.<N>" with kind one of alpha, beta, rc, dev (lower
 *   case) and N a number that fits uint64_t (pre_num, 0 when absent); any
 *   other pre-release ("0.3.7", "x.7.z.92", "nightly.20261126") is OTHER.
 */
enum rk_version_pre {
	RK_VERSION_PRE_NONE = 0,
	RK_VERSION_PRE_DEV,
	RK_VERSION_PRE_ALPHA,
	RK_VERSION_PRE_BETA,
	RK_VERSION_PRE_RC,
	RK_VERSION_PRE_OTHER, /* SemVer only */
};

struct rk_version {
	enum rk_version_scheme scheme;
	/* PEP 440 "N!" (0 when absent); always 0 for SemVer. */
	uint64_t epoch;
	/* The release numbers, owned: SemVer exactly 3 (major, minor, patch);
	 * PEP 440 at least 1, trailing zeros kept as written. */
	uint64_t *release;
	size_t nrelease;
	/* The pre-release kind and its number (see enum rk_version_pre). */
	enum rk_version_pre pre_kind;
	uint64_t pre_num;
	/* SemVer: the identifiers after '-', owned; NULL when none.
	 * PEP 440: always NULL (pre_kind/pre_num say it all). */
	char *pre;
	/* PEP 440 post-release ".postN" and dev-release ".devN"; SemVer: false. */
	bool has_post;
	uint64_t post;
	bool has_dev;
	uint64_t dev;
	/* Owned; NULL when none. SemVer: build metadata after '+', as written;
	 * PEP 440: the normalised local label after '+' (lower case, '.'
	 * separators, numeric segments without leading zeros). */
	char *meta;
};

/* clang-format off */
#define RK_VERSION_INIT {RK_VERSION_NONE}
/* clang-format on */

void rk_version_init(struct rk_version *v);
/* Free what v owns and make it empty (RK_VERSION_INIT). */
void rk_version_release(struct rk_version *v);
/* Make dst a deep copy of src (dst's old contents released). */
void rk_version_copy(struct rk_version *dst, const struct rk_version *src);

/*
 * Parse s[0..len) as a version of `scheme`. len is explicit so that an
 * embedded NUL byte is seen (and rejected) rather than silently cutting the
 * string; for a C string pass strlen(s). Returns 0 and fills v, or -1 with
 * *err set and v empty.
 */
int rk_version_parse(struct rk_version *v, enum rk_version_scheme scheme, const char *s, size_t len,
		     struct rk_err *err);

/*
 * Order a and b: negative, 0 or positive (exactly -1, 0, 1). Equal means
 * equal precedence: "1.0.0+a" == "1.0.0+b" in SemVer, "1.0" == "1.0.0" in
 * PEP 440. Both must have the same scheme; versions of different schemes
 * (a programming error) are ordered by scheme so the result stays a total
 * order.
 */
int rk_version_compare(const struct rk_version *a, const struct rk_version *b);
/* rk_version_compare for qsort over an array of struct rk_version. */
int rk_version_qsort_cmp(const void *a, const void *b);

/*
 * Append the normalised form of v to out (SemVer: as parsed, with build
 * metadata; PEP 440: the spec's normal form, with the local label).
 * Formatting then parsing again gives an equal version with the same form.
 */
void rk_version_format(const struct rk_version *v, struct rk_buf *out);
/* The normalised form as a new string (caller frees). */
char *rk_version_str(const struct rk_version *v);

/* True when v is a pre-release (SemVer: has a pre-release part; PEP 440:
 * has a pre-release or dev segment). */
bool rk_version_is_prerelease(const struct rk_version *v);
/* Drop SemVer build metadata / the PEP 440 local label. */
void rk_version_strip_meta(struct rk_version *v);
/* Keep the epoch and release numbers only (1.4.0-rc.3 -> 1.4.0, 2.0a1.post3 -> 2.0). */
void rk_version_release_only(struct rk_version *v);

/*
 * BUMPS. Every bump drops build metadata / the local label, keeps the PEP
 * 440 epoch, drops a PEP 440 post-release, and fails (v unchanged) unless
 * the result is strictly higher than v.
 *
 * MAJOR, MINOR, PATCH: increment release component 0, 1 or 2 and zero the
 *   ones after it, dropping any pre-release/dev part: 1.2.3 -> 2.0.0,
 *   1.3.0, 1.2.4. A pre-release already counts as the bump it leads to
 *   (as npm's semver does): 1.2.4-rc.1 patch -> 1.2.4; 1.3.0-rc.1 minor ->
 *   1.3.0, but 1.2.4-rc.1 minor -> 1.3.0; 2.0.0-rc.1 major -> 2.0.0.
 *   PEP 440 release length: components after the bumped one are zeroed and
 *   the length is kept, but never longer than 3 unless the bump needs it
 *   and never shorter than the bumped index + 1: 1.2 patch -> 1.2.1,
 *   1 minor -> 1.1, 1.2 major -> 2.0, 1.2.3.4 patch -> 1.2.4,
 *   2024.1.0.7 minor -> 2024.2.0.
 * ALPHA, BETA, RC, DEV: rk_version_bump_pre(v, RK_VERSION_BUMP_PATCH, kind).
 * POST (PEP 440 only): 1.2.3 -> 1.2.3.post1, 1.2.3.post1 -> 1.2.3.post2;
 *   fails for a pre-release/dev version and for SemVer.
 * RELEASE: finalise a pre-release: drop the pre-release (and PEP 440 dev)
 *   part: 1.2.4-rc.2 -> 1.2.4, 1.2.4rc2 -> 1.2.4, 1.2.4.dev3 -> 1.2.4.
 *   Fails when v is not a pre-release.
 */
enum rk_version_bump {
	RK_VERSION_BUMP_MAJOR,
	RK_VERSION_BUMP_MINOR,
	RK_VERSION_BUMP_PATCH,
	RK_VERSION_BUMP_ALPHA,
	RK_VERSION_BUMP_BETA,
	RK_VERSION_BUMP_RC,
	RK_VERSION_BUMP_DEV,
	RK_VERSION_BUMP_POST,
	RK_VERSION_BUMP_RELEASE,
};

int rk_version_bump(struct rk_version *v, enum rk_version_bump bump, struct rk_err *err);

/*
 * Bump to the next pre-release of `kind` (ALPHA, BETA, RC or DEV) on the
 * way to the release that `level` (MAJOR, MINOR or PATCH) leads to.
 * Spellings: SemVer "-alpha.N", "-beta.N", "-rc.N", "-dev.N"; PEP 440
 * "aN", "bN", "rcN", ".devN". Counters start at 1.
 *   - v is a release: bump the release by level, add kind with counter 1:
 *     1.2.3 (patch, alpha) -> 1.2.4-alpha.1 / 1.2.4a1; (minor, rc) ->
 *     1.3.0-rc.1 / 1.3.0rc1; (patch, dev) -> 1.2.4-dev.1 / 1.2.4.dev1.
 *   - v is a pre-release whose release part already satisfies level (see
 *     MAJOR/MINOR/PATCH above), same kind: next counter (1.2.4-rc.1 ->
 *     1.2.4-rc.2, 1.2.4rc1 -> 1.2.4rc2, 1.2.4.dev1 -> 1.2.4.dev2);
 *     another kind: that kind with counter 1 (1.2.4-alpha.3 -> 1.2.4-beta.1,
 *     1.2.4b2 -> 1.2.4rc1); fails when that would go backwards
 *     (1.2.4rc1 -> alpha).
 *   - v is a pre-release whose release part does not satisfy level: bump
 *     the release as for a release (1.2.4-rc.1 (minor, alpha) ->
 *     1.3.0-alpha.1).
 *   PEP 440 dev releases: a dev release of a pre-release finalises to that
 *   pre-release (1.2.4a1.dev2 (alpha) -> 1.2.4a1); DEV on a pre-release
 *   starts the dev series of the next one (1.2.4a1 -> 1.2.4a2.dev1,
 *   1.2.4a2.dev1 -> 1.2.4a2.dev2); a dev release of a release moves to any
 *   pre-release kind with counter 1 (1.2.4.dev3 (beta) -> 1.2.4b1).
 *   A SemVer pre-release of kind OTHER may only move to a kind that sorts
 *   higher (checked by the "strictly higher" rule).
 */
int rk_version_bump_pre(struct rk_version *v, enum rk_version_bump level, enum rk_version_pre kind,
			struct rk_err *err);

/*
 * Channel versions: replace the pre-release part of v (keeping epoch and
 * release, dropping build metadata/local label and post/dev segments) with
 * `label` and `number`, e.g. label "nightly", number 20261126:
 *   SemVer  1.2.4 -> 1.2.4-nightly.20261126: "-<label>.<number>"; label
 *           is one or more dot-separated identifiers, checked as a
 *           pre-release is ("nightly", "pr.42", "canary"). The labels
 *           alpha, beta, rc and dev give the usual pre_kind.
 *   PEP 440 labels a/alpha, b/beta, c/rc/pre/preview give that pre-release
 *           (1.2.4a20261126 ...); "post"/"rev"/"r" give .postN; "dev" and
 *           every other label (PEP 440 has no free-form pre-release labels)
 *           give a dev release 1.2.4.dev20261126. Label case-insensitive.
 * v should be the target version (after a bump); the result is not
 * required to be higher than v. Fails on an empty or invalid label.
 */
int rk_version_set_prerelease(struct rk_version *v, const char *label, uint64_t number,
			      struct rk_err *err);

/*
 * The scheme of an ecosystem's package versions: "python" is PEP 440;
 * "npm" and "cargo" are SemVer. 0, or -1 for an unknown ecosystem.
 */
int rk_version_scheme_for_ecosystem(const char *ecosystem, enum rk_version_scheme *out);

/* Names for options and records: "semver", "pep440". */
const char *rk_version_scheme_name(enum rk_version_scheme scheme);
/* Parse a scheme name ("semver", "pep440"); 0 or -1 when unknown. */
int rk_version_scheme_parse(const char *name, enum rk_version_scheme *out);
/* "major", "minor", "patch", "alpha", "beta", "rc", "dev", "post", "release". */
const char *rk_version_bump_name(enum rk_version_bump bump);
int rk_version_bump_parse(const char *name, enum rk_version_bump *out);

#endif
