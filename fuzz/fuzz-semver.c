/*
 * fuzz-semver: rk_version SemVer parser. The input is up to three versions
 * separated by '\n'. Checks: format(parse(x)) reparses to the same form and
 * an equal version; compare is reflexive, antisymmetric and transitive;
 * every successful bump gives a higher version that round-trips.
 */
#define FUZZ_SCHEME RK_VERSION_SEMVER
#include "fuzz-version.h"
