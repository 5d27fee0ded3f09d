/* rk-graph: Build the dependency graph; levels, order, renderings, queries. */
#include "rk_common.h"
#include "rk_cli.h"
#include "rk_graph.h"
#include "rk-graph/graphtool.h"
#include "rk_render.h"

static const char usage[] =
	"usage: rk-graph [options] [file ...]\n"
	"\n"
	"Read package records (stdin or files), build the dependency graph, reject\n"
	"cycles, and write the records with \"level\" and \"order\" added, or a rendering.\n"
	"\n"
	"Output:\n"
	"      --format FMT    records (default), levels, dot, mermaid, d2, ascii, json\n"
	"      --levels        same as --format levels\n"
	"Graph:\n"
	"      --edges TYPES   dependency types that order the release, comma-separated\n"
	"                      (normal, build, peer, optional, dev, all; default\n"
	"                      normal,build,peer, or the config's order_edges)\n"
	"      --include-dev   dev dependencies constrain the order too\n"
	"      --strict        a dependency on a package not in the input is an error\n"
	"Queries (select packages; records keep composing with the next tool):\n"
	"      --deps PKG      PKG and what it depends on, transitively\n"
	"      --rdeps PKG     PKG and what depends on it, transitively\n"
	"      --depth N       with --deps/--rdeps: at most N edges away\n"
	"      --path A B      a shortest dependency path from A to B (exit 1: none)\n"
	"      --group NAME    packages whose \"group\" is NAME\n"
	"      --ecosystem E   packages of ecosystem E (python, npm, cargo)\n"
	"\n"
	"  -C DIR              run as if started in DIR\n"
	"  -h, --help          show this help and exit\n"
	"      --version       print the version and exit\n"
	"\n"
	"PKG is ecosystem:name (python:genkit, npm:@scope/x) or a bare name that is\n"
	"unambiguous; where packages share a name, ecosystem:name@path or the path.\n"
	"Exit: 0 ok, 1 no path, 2 usage, 3 bad input or a cycle; a closed stdout\n"
	"ends quietly with the status the tool would have had.\n"
	"See rk-graph(1).\n";

enum {
	OPT_FORMAT = 256,
	OPT_LEVELS,
	OPT_INCLUDE_DEV,
	OPT_STRICT,
	OPT_DEPS,
	OPT_RDEPS,
	OPT_DEPTH,
	OPT_PATH,
	OPT_GROUP,
	OPT_ECOSYSTEM,
	OPT_EDGES,
};

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"format", required_argument, NULL, OPT_FORMAT},
		{"levels", no_argument, NULL, OPT_LEVELS},
		{"include-dev", no_argument, NULL, OPT_INCLUDE_DEV},
		{"strict", no_argument, NULL, OPT_STRICT},
		{"deps", required_argument, NULL, OPT_DEPS},
		{"rdeps", required_argument, NULL, OPT_RDEPS},
		{"depth", required_argument, NULL, OPT_DEPTH},
		{"path", required_argument, NULL, OPT_PATH},
		{"group", required_argument, NULL, OPT_GROUP},
		{"ecosystem", required_argument, NULL, OPT_ECOSYSTEM},
		{"edges", required_argument, NULL, OPT_EDGES},
		{NULL, 0, NULL, 0},
	};
	struct rk_cli cli = {usage, "", longopts, argc, argv};
	struct rk_graphtool o = {0};
	int c, queries = 0;

	rk_msg_init(argv[0]);
	o.ecosystem = -1;
	o.depth = -1;
	while ((c = rk_cli_next(&cli)) != -1) {
		switch (c) {
		case OPT_FORMAT:
			o.format = rk_cli_check(&cli, "--format", optarg, rk_format_parse(optarg),
						"records, levels, dot, mermaid, d2, ascii or json");
			break;
		case OPT_LEVELS:
			o.format = RK_FMT_LEVELS;
			break;
		case OPT_INCLUDE_DEV:
			o.include_dev = 1;
			break;
		case OPT_STRICT:
			o.strict = 1;
			break;
		case OPT_EDGES: {
			struct rk_err err;

			if (rk_dep_mask_parse(optarg, &o.edges, &err) < 0)
				rk_cli_usage_error(&cli, "--edges: %s", err.msg);
			break;
		}
		case OPT_DEPS:
			o.deps = optarg;
			queries++;
			break;
		case OPT_RDEPS:
			o.rdeps = optarg;
			queries++;
			break;
		case OPT_DEPTH:
			o.depth = (int)rk_cli_long(&cli, "--depth", optarg, 0, 1000000000);
			break;
		case OPT_PATH:
			if (optind >= argc)
				rk_cli_usage_error(&cli, "--path needs two packages: --path A B");
			o.path_from = optarg;
			o.path_to = argv[optind++];
			queries++;
			break;
		case OPT_GROUP:
			o.group = optarg;
			break;
		case OPT_ECOSYSTEM:
			o.ecosystem = rk_cli_check(&cli, "--ecosystem", optarg,
						   rk_eco_parse(optarg), "python, npm or cargo");
			break;
		default:
			rk_cli_usage_error(&cli, "unexpected option");
		}
	}
	if (queries > 1)
		rk_cli_usage_error(&cli, "--deps, --rdeps and --path exclude each other");
	if (o.depth >= 0 && !o.deps && !o.rdeps)
		rk_cli_usage_error(&cli, "--depth needs --deps or --rdeps");
	o.files = argv + optind;
	o.nfiles = argc - optind;
	return rk_finish(rk_graphtool_run(&o));
}
