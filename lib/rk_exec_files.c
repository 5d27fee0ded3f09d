/* rk_exec_files.c - the file-editing executors, through the backends (see rk_exec_prepare.h). */
#include "rk_common.h"
#include "rk_exec_prepare.h"

static int not_yet(struct rk_xctx *x)
{
	return rk_err_set(&x->err, NULL, 0, 0,
			  "action '%s': the %s executor is not implemented yet", x->id, x->type);
}

int rk_xrun_bump(struct rk_xctx *x)
{
	return not_yet(x);
}

int rk_xrun_ranges(struct rk_xctx *x)
{
	return not_yet(x);
}

int rk_xrun_lockfile(struct rk_xctx *x)
{
	return not_yet(x);
}

int rk_xrun_changelog(struct rk_xctx *x)
{
	return not_yet(x);
}

int rk_xrun_pin(struct rk_xctx *x)
{
	return not_yet(x);
}

int rk_xrun_unpin(struct rk_xctx *x)
{
	return not_yet(x);
}
