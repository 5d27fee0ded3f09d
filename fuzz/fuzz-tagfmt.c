/*
 * fuzz-tagfmt - libFuzzer target for lib/rk_tagfmt (release tag formats).
 *
 * Input: a format, then optionally "\n" and a package name. Checks beyond
 * "no crash": an accepted format splits into prefix and suffix that,
 * around a version, give exactly the expanded tag.
 */
#include "rk_common.h"

#include "rk_tagfmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz-tagfmt: check failed: %s\n", what);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = rk_xstrndup((const char *)data, size);
	char *nl = strchr(in, '\n');
	const char *name = nl ? nl + 1 : "pkg";
	struct rk_buf pre = RK_BUF_INIT, suf = RK_BUF_INIT, tag = RK_BUF_INIT, want = RK_BUF_INIT;
	struct rk_err err;

	if (nl)
		*nl = '\0';
	if (rk_tagfmt_check(in, &err) == 0) {
		rk_tagfmt_split(in, name, NULL, "npm", &pre, &suf);
		rk_tagfmt_expand(in, name, NULL, "npm", "1.2.3-rc.1", &tag);
		rk_buf_addf(&want, "%s1.2.3-rc.1%s", pre.data, suf.data);
		check(!strcmp(tag.data, want.data), "split agrees with expand");
	} else {
		check(!strncmp(err.msg, "bad tag_format '", 16), "error names the format");
	}
	rk_buf_release(&pre);
	rk_buf_release(&suf);
	rk_buf_release(&tag);
	rk_buf_release(&want);
	free(in);
	return 0;
}
