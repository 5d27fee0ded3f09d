/*
 * fuzz-version.h - the body shared by fuzz-semver.c and fuzz-pep440.c;
 * FUZZ_SCHEME selects the scheme.
 */
#ifndef RK_FUZZ_VERSION_H
#define RK_FUZZ_VERSION_H

#include "rk_common.h"

#include "rk_version.h"

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "check failed: %s (line %d)\n", #cond, __LINE__);          \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* format(v) must parse back to an equal version with the same form. */
static void roundtrip(const struct rk_version *v)
{
	struct rk_buf a = RK_BUF_INIT, b = RK_BUF_INIT;
	struct rk_version w = RK_VERSION_INIT;
	struct rk_err err;
	rk_version_format(v, &a);
	if (rk_version_parse(&w, FUZZ_SCHEME, a.data, a.len, &err) < 0) {
		fprintf(stderr, "reparse of '%s' failed: %s\n", a.data, err.msg);
		abort();
	}
	rk_version_format(&w, &b);
	CHECK(a.len == b.len && memcmp(a.data, b.data, a.len) == 0);
	CHECK(rk_version_compare(v, &w) == 0);
	CHECK(rk_version_compare(&w, v) == 0);
	rk_version_release(&w);
	rk_buf_release(&a);
	rk_buf_release(&b);
}

static void bumps(const struct rk_version *v)
{
	struct rk_version w = RK_VERSION_INIT;
	struct rk_err err;
	for (int k = RK_VERSION_BUMP_MAJOR; k <= RK_VERSION_BUMP_RELEASE; k++) {
		rk_version_copy(&w, v);
		if (rk_version_bump(&w, (enum rk_version_bump)k, &err) == 0) {
			CHECK(rk_version_compare(&w, v) > 0);
			roundtrip(&w);
		} else {
			/* a failed bump leaves the version unchanged */
			CHECK(rk_version_compare(&w, v) == 0);
		}
	}
	for (int l = RK_VERSION_BUMP_MAJOR; l <= RK_VERSION_BUMP_PATCH; l++) {
		for (int k = RK_VERSION_PRE_DEV; k <= RK_VERSION_PRE_RC; k++) {
			rk_version_copy(&w, v);
			if (rk_version_bump_pre(&w, (enum rk_version_bump)l, (enum rk_version_pre)k,
						&err) == 0) {
				CHECK(rk_version_compare(&w, v) > 0);
				roundtrip(&w);
			}
		}
	}
	rk_version_copy(&w, v);
	if (rk_version_set_prerelease(&w, "nightly", 20261126, &err) == 0)
		roundtrip(&w);
	rk_version_release(&w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rk_version v[3] = {RK_VERSION_INIT, RK_VERSION_INIT, RK_VERSION_INIT};
	bool ok[3] = {false, false, false};
	const char *s = (const char *)data;
	struct rk_err err;
	int n = 0;

	while (n < 3) {
		const char *nl = memchr(s, '\n', size);
		size_t len = nl ? (size_t)(nl - s) : size;
		ok[n] = rk_version_parse(&v[n], FUZZ_SCHEME, s, len, &err) == 0;
		if (ok[n]) {
			roundtrip(&v[n]);
			CHECK(rk_version_compare(&v[n], &v[n]) == 0);
		} else {
			CHECK(v[n].scheme == RK_VERSION_NONE && err.msg[0]);
		}
		n++;
		if (!nl)
			break;
		size -= len + 1;
		s = nl + 1;
	}
	if (ok[0])
		bumps(&v[0]);
	for (int i = 0; i < n; i++) {
		for (int j = 0; j < n; j++) {
			int c;

			if (!ok[i] || !ok[j])
				continue;
			c = rk_version_compare(&v[i], &v[j]);
			CHECK(c >= -1 && c <= 1);
			CHECK(rk_version_compare(&v[j], &v[i]) == -c);
			for (int k = 0; k < n; k++) {
				int d, e;

				if (!ok[k])
					continue;
				d = rk_version_compare(&v[j], &v[k]);
				e = rk_version_compare(&v[i], &v[k]);
				if (c <= 0 && d <= 0)
					CHECK(e <= 0);
				if (c == 0 && d == 0)
					CHECK(e == 0);
			}
		}
	}
	for (int i = 0; i < 3; i++)
		rk_version_release(&v[i]);
	return 0;
}

#endif
