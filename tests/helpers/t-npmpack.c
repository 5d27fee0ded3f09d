/*
 * t-npmpack: drive lib/rk_npmpack from tests.
 *
 *   t-npmpack list npm|pnpm DIR [WORKSPACE]       "MODE PATH" per packed file, then
 *                                                  "--- package.json" and the manifest
 *   t-npmpack pack npm|pnpm DIR OUTDIR [WORKSPACE] write the tarball, print its name
 *
 * DIR, OUTDIR and WORKSPACE are absolute. A package the packer does not
 * handle: "not handled: REASON" on stdout, exit 1. Errors: "t-npmpack:
 * msg", exit 3; bad usage exits 2.
 */
#include "rk_common.h"

#include "rk_npmpack.h"

int main(int argc, char **argv)
{
	struct rk_npmpack_opts o = {0};
	struct rk_buf why = RK_BUF_INIT, file = RK_BUF_INIT;
	struct rk_err err = {0};
	bool pack;
	int rc, ws;

	rk_msg_init("t-npmpack");
	if (argc < 4 || (strcmp(argv[1], "list") && strcmp(argv[1], "pack")))
		rk_die(RK_EXIT_USAGE,
		       "usage: t-npmpack list|pack npm|pnpm DIR [OUTDIR] [WORKSPACE]");
	pack = !strcmp(argv[1], "pack");
	if (pack && argc < 5)
		rk_die(RK_EXIT_USAGE, "usage: t-npmpack pack npm|pnpm DIR OUTDIR [WORKSPACE]");
	o.tool = !strcmp(argv[2], "pnpm") ? RK_NPMPACK_PNPM : RK_NPMPACK_NPM;
	o.dir = argv[3];
	ws = pack ? 5 : 4;
	o.workspace_dir = argc > ws ? argv[ws] : NULL;
	if (pack) {
		rc = rk_npmpack(&o, argv[4], &file, &why, &err);
		if (rc == 0)
			printf("%s\n", file.data);
	} else {
		struct rk_npmpack_list l;

		rc = rk_npmpack_list(&o, &l, &why, &err);
		if (rc == 0) {
			for (size_t i = 0; i < l.n; i++)
				printf("%o %s\n", (unsigned)l.v[i].mode, l.v[i].path);
			printf("--- package.json\n");
			fwrite(l.manifest.data, 1, l.manifest.len, stdout);
			printf("\n");
			rk_npmpack_list_release(&l);
		}
	}
	if (rc < 0)
		rk_die_err(&err);
	if (rc > 0)
		printf("not handled: %s\n", why.data);
	rk_buf_release(&why);
	rk_buf_release(&file);
	return rc > 0 ? 1 : 0;
}
