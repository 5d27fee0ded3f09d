/*
 * fuzz-star: RELEASE.star evaluation through rk-config's entry point
 * (rk_star_start once, then rk_star_eval of the input written as
 * RELEASE.star in a scratch workspace), with tight limits (1 s, depth 50)
 * so that loops and deep nesting end as errors. Needs the venv with
 * starlark-pyo3 ($RK_VENV, or .venv of the build tree).
 */
#include "rk_common.h"
#include "rk_config.h"
#include "rk_pystar.h"

#include <unistd.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static struct rk_star *st;
static struct rk_cfg cfg;
static char dir[64];
static char *exe;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	exe = (*argv)[0];
	return 0;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct rk_buf p = RK_BUF_INIT;
	struct rk_err err;

	if (!st) {
		struct rk_star_limits l = {1, 1024, 50};
		snprintf(dir, sizeof(dir), "/tmp/fuzz-star.XXXXXX");
		if (!mkdtemp(dir))
			abort();
		rk_cfg_init(&cfg);
		st = rk_star_start(exe, dir, "rules", &cfg, &err);
		if (!st) {
			fprintf(stderr, "fuzz-star: %s\n", err.msg);
			abort();
		}
		rk_star_set_limits(st, &l);
	}
	rk_buf_addf(&p, "%s/RELEASE.star", dir);
	if (rk_write_file_atomic(p.data, data, size, 0644) != 0)
		abort();
	(void)rk_star_eval(st, "RELEASE.star", &err);
	/* records accumulate in cfg; start each input afresh */
	rk_cfg_release(&cfg);
	rk_cfg_init(&cfg);
	rk_buf_release(&p);
	return 0;
}
