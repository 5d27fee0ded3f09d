/* rk-exec: Run the action DAG with a content-addressed cache; emit events. */
#include "rk_common.h"
#include "rk_cli.h"

static const char usage[] =
	"usage: rk-exec [options]\n"
	"\n"
	"Run the action DAG with a content-addressed cache; emit events.\n"
	"\n"
	"  -h, --help      show this help and exit\n"
	"      --version   print the version and exit\n"
	"\n"
	"Not implemented yet: see the project's open issues. See rk-exec(1).\n";

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
	rk_cli_not_implemented("rk-exec");
}
