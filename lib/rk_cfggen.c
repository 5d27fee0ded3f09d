/* rk_cfggen.c - generate RELEASE.star from package records. */
#include "rk_common.h"
#include "rk_cfggen.h"

int rk_gen_run(const struct rk_gen_opts *o)
{
	(void)o;
	rk_error("--generate: not implemented yet");
	return RK_EXIT_FAIL;
}
