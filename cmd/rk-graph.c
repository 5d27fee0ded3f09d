/* rk-graph: Build the dependency graph; levels, order, renderings, queries. */
#include "rk_common.h"
#include "rk_cli.h"
#include "rk_cliopt.h"
#include "rk_graph.h"
#include "rk-graph/graphtool.h"
#include "rk_render.h"

static const char head[] =
	"usage: rk-graph [options] [file ...]\n"
	"\n"
	"Read package records (stdin or files), build the dependency graph, reject\n"
	"cycles, and write the records with \"level\" and \"order\" added, or a rendering.\n"
	"\n";

static const char tail[] =
	"\n"
	"PKG is ecosystem:name (python:genkit, npm:@scope/x) or a bare name that is\n"
	"unambiguous; where packages share a name, ecosystem:name@path or the path.\n"
	"Exit: 0 ok, 1 no path, 2 usage, 3 bad input or a cycle; a closed stdout\n"
	"ends quietly with the status the tool would have had.\n"
	"See rk-graph(1).\n";

/* What the options set. */
static struct rk_graphtool opt = {.ecosystem = -1, .depth = -1};
static int queries;

static void opt_format(const struct rk_cli *cli, const struct rk_cliopt *o, const char *arg)
{
	opt.format = rk_cli_check(cli, "--format", arg, rk_format_parse(arg),
				  "records, levels, dot, mermaid, d2, ascii or json");
}

static void opt_levels(const struct rk_cli *cli, const struct rk_cliopt *o, const char *arg)
{
	opt.format = RK_FMT_LEVELS;
}

static void opt_edges(const struct rk_cli *cli, const struct rk_cliopt *o, const char *arg)
{
	struct rk_err err;

	if (rk_dep_mask_parse(arg, &opt.edges, &err) < 0)
		rk_cli_usage_error(cli, "--edges: %s", err.msg);
}

/* --deps, --rdeps: one query each */
static void opt_query(const struct rk_cli *cli, const struct rk_cliopt *o, const char *arg)
{
	*(const char **)o->dst = arg;
	queries++;
}

static void opt_depth(const struct rk_cli *cli, const struct rk_cliopt *o, const char *arg)
{
	opt.depth = (int)rk_cli_long(cli, "--depth", arg, 0, 1000000000);
}

/* --path A B: B is the next argument */
static void opt_path(const struct rk_cli *cli, const struct rk_cliopt *o, const char *arg)
{
	if (optind >= cli->argc)
		rk_cli_usage_error(cli, "--path needs two packages: --path A B");
	opt.path_from = arg;
	opt.path_to = cli->argv[optind++];
	queries++;
}

static void opt_ecosystem(const struct rk_cli *cli, const struct rk_cliopt *o, const char *arg)
{
	opt.ecosystem =
		rk_cli_check(cli, "--ecosystem", arg, rk_eco_parse(arg), "python, npm or cargo");
}

static const struct rk_cliopt options[] = {
	RK_CLIOPT_TEXT("Output:"),
	{0, "format", "FMT", "records (default), levels, dot, mermaid, d2, ascii, json",
	 opt_format},
	{0, "levels", NULL, "same as --format levels", opt_levels},
	RK_CLIOPT_TEXT("Graph:"),
	{0, "edges", "TYPES",
	 "dependency types that order the release, comma-separated\n"
	 "(normal, build, peer, optional, dev, all; default\n"
	 "normal,build,peer, or the config's order_edges)",
	 opt_edges},
	{0, "include-dev", NULL, "dev dependencies constrain the order too", rk_cliopt_flag,
	 &opt.include_dev, 1},
	{0, "strict", NULL, "a dependency on a package not in the input is an error",
	 rk_cliopt_flag, &opt.strict, 1},
	RK_CLIOPT_TEXT("Queries (select packages; records keep composing with the next tool):"),
	{0, "deps", "PKG", "PKG and what it depends on, transitively", opt_query, &opt.deps},
	{0, "rdeps", "PKG", "PKG and what depends on it, transitively", opt_query, &opt.rdeps},
	{0, "depth", "N", "with --deps/--rdeps: at most N edges away", opt_depth},
	{0, "path", "A B", "a shortest dependency path from A to B (exit 1: none)", opt_path},
	{0, "group", "NAME", "packages whose \"group\" is NAME", rk_cliopt_string, &opt.group},
	{0, "ecosystem", "E", "packages of ecosystem E (python, npm, cargo)", opt_ecosystem},
	RK_CLIOPT_TEXT(""),
	RK_CLIOPT_CHDIR_ROW,
	RK_CLIOPT_HELP_ROWS,
	RK_CLIOPT_END(22), /* the help texts start at column 22 */
};

int main(int argc, char **argv)
{
	struct rk_cli cli;
	struct rk_cliopt_set set;
	int rc;

	rk_cliopt_start(&cli, &set, options, head, tail, argc, argv);
	if (queries > 1)
		rk_cli_usage_error(&cli, "--deps, --rdeps and --path exclude each other");
	if (opt.depth >= 0 && !opt.deps && !opt.rdeps)
		rk_cli_usage_error(&cli, "--depth needs --deps or --rdeps");
	opt.files = argv + optind;
	opt.nfiles = argc - optind;
	rc = rk_graphtool_run(&opt);
	rk_cliopt_release(&set);
	return rk_finish(rc);
}
