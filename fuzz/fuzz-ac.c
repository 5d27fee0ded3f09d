/*
 * fuzz-ac: rk_ac_decode, the reader of action-cache entries (which may come
 * from a remote cache). A decoded result must re-encode and decode to the
 * same fields.
 */
#include "rk_common.h"
#include "rk_cache.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct rk_ac_result r, r2;
	struct rk_buf enc = RK_BUF_INIT;
	size_t i;

	if (rk_ac_decode(data, size, &r) != 0)
		return 0;
	rk_ac_encode(&r, &enc);
	if (rk_ac_decode(enc.data, enc.len, &r2) != 0)
		abort();
	if (r.exit_code != r2.exit_code || r.nfiles != r2.nfiles ||
	    strcmp(r.stdout_digest, r2.stdout_digest) != 0 ||
	    strcmp(r.stderr_digest, r2.stderr_digest) != 0)
		abort();
	for (i = 0; i < r.nfiles; i++)
		if (strcmp(r.files[i].path, r2.files[i].path) != 0 ||
		    strcmp(r.files[i].digest, r2.files[i].digest) != 0)
			abort();
	rk_ac_result_release(&r);
	rk_ac_result_release(&r2);
	rk_buf_release(&enc);
	return 0;
}
