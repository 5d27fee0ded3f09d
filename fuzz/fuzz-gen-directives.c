/* fuzz-gen-directives: the `# releasekit:generate` directive and region scanner. */
#include "rk_common.h"
#include "rk_cfggen.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rk_err err;
	struct rk_gen_directives *d;

	d = rk_gen_directives_parse((const char *)data, size, "RELEASE.star", &err);
	rk_gen_directives_free(d);
	return 0;
}
