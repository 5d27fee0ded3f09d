/* fuzz-pnpm-yaml: reading pnpm-workspace.yaml (libyaml) into workspace globs. */
#include "rk_common.h"
#include "rk_discover_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rk_dws *w = rk_xcalloc(1, sizeof(*w));
	struct rk_err err = {0};

	w->dir = rk_xstrdup(".");
	if (rk_dparse_pnpm_yaml((const char *)data, size, "pnpm-workspace.yaml", w, &err) < 0 &&
	    (err.line < 1 || !err.msg[0]))
		abort();
	rk_dws_free(w);
	return 0;
}
