/* rk-poll: Poll registries, run smoke tests, verify artifacts. */
#include "rk_common.h"
#include "rk_cli.h"

static const char usage[] = "usage: rk-poll [options]\n"
			    "\n"
			    "Poll registries, run smoke tests, verify artifacts.\n"
			    "\n"
			    "  -h, --help      show this help and exit\n"
			    "      --version   print the version and exit\n"
			    "\n"
			    "Not implemented yet: see the project's open issues. See rk-poll(1).\n";

int main(int argc, char **argv)
{
	static const struct option longopts[] = {{NULL, 0, NULL, 0}};
	struct rk_cli cli = {usage, "", longopts, argc, argv};
	int c;

	rk_msg_init(argv[0]);
	while ((c = rk_cli_next(&cli)) != -1)
		;
	if (optind < argc)
		rk_cli_usage_error(&cli, "unexpected argument '%s'", argv[optind]);
	rk_cli_not_implemented("rk-poll");
}
