/* rk-discover: find workspaces and packages; emit package records. */
#include "rk_common.h"
#include "rk_cli.h"
#include "rk_cliopt.h"
#include "rk_discover.h"
#include "rk_json.h"

#include <sys/stat.h>
#include <unistd.h>

static const char head[] =
	"usage: rk-discover [options] [-]\n"
	"\n"
	"Find the workspaces and packages under the root (uv, pnpm, npm, yarn, cargo)\n"
	"and write one package record each, with internal dependency edges, sorted\n"
	"by ecosystem and name. Records on standard input are passed through first;\n"
	"config records from rk-config (workspaces, package settings) are applied.\n"
	"\n";

static const char tail[] =
	"\n"
	"Standard input is read when it is not a terminal (or '-' is given) and\n"
	"--no-stdin is not. Without config records (and without --no-stdin), a\n"
	"RELEASE.star at the root is not applied: a note on stderr says so.\n"
	"Exit: 0 ok, 1 output error, 2 usage, 3 malformed manifest or config; a\n"
	"closed stdout ends quietly with the status the tool would have had.\n"
	"See rk-discover(1).\n";

/* What the options set. */
static struct {
	char *root;
	bool keep_going;
	int use_stdin, no_stdin;
} opt = {NULL, false, -1, 0};

static void opt_root(const struct rk_cli *cli, const struct rk_cliopt *o, const char *arg)
{
	free(opt.root);
	opt.root = rk_xstrdup(arg);
}

static void opt_no_stdin(const struct rk_cli *cli, const struct rk_cliopt *o, const char *arg)
{
	opt.use_stdin = 0;
	opt.no_stdin = 1;
}

static const struct rk_cliopt options[] = {
	RK_CLIOPT_CHDIR_ROW,
	{0, "root", "DIR",
	 "discover under DIR (default: the git work tree's top\n"
	 "level, else the current directory)",
	 opt_root},
	{'k', "keep-going", NULL, "warn about malformed manifests and skip them", rk_cliopt_bool,
	 &opt.keep_going, 1},
	{0, "no-stdin", NULL, "do not read records from standard input", opt_no_stdin},
	RK_CLIOPT_TEXT("  -                 read standard input even when it is a terminal"),
	RK_CLIOPT_HELP_ROWS,
	RK_CLIOPT_END(20), /* the help texts start at column 20 */
};

/* Write one package record rk_discover_packages() built. */
static void put_record(struct rk_buf *rec, void *ctx)
{
	rk_record_emit(rec);
}

int main(int argc, char **argv)
{
	struct rk_cli cli;
	struct rk_cliopt_set set;
	struct rk_discover_opts o = {0};
	struct rk_discover *d;
	struct rk_err err = {0};
	char *root;
	int use_stdin, rc = RK_EXIT_OK;

	rk_cliopt_start(&cli, &set, options, head, tail, argc, argv);
	root = opt.root;
	use_stdin = opt.use_stdin;
	o.keep_going = opt.keep_going;
	for (; optind < argc; optind++) {
		if (strcmp(argv[optind], "-") != 0)
			rk_cli_usage_error(&cli, "unexpected argument '%s'", argv[optind]);
		if (use_stdin != 0)
			use_stdin = 1;
	}
	if (use_stdin < 0)
		use_stdin = !isatty(STDIN_FILENO);
	if (root) {
		struct stat st;

		/* one line: a wrong path is not a reason to show the whole usage */
		if (stat(root, &st) < 0)
			rk_die(RK_EXIT_USAGE, "--root %s: %s", root, strerror(errno));
		if (!S_ISDIR(st.st_mode))
			rk_die(RK_EXIT_USAGE, "--root %s: not a directory", root);
	}
	if (!root)
		root = rk_discover_default_root();
	o.root = root;
	d = rk_discover_new(&o);
	if ((use_stdin && rk_discover_read_records(d, stdin, "<stdin>", &err) < 0) ||
	    rk_discover_scan(d, &err) < 0) {
		rk_err_print(&err);
		rc = RK_EXIT_INPUT;
	} else {
		struct rk_buf passed;

		rk_discover_take_passed(d, &passed);
		rk_out(passed.data, passed.len);
		rk_buf_release(&passed);
		rk_discover_packages(d, put_record, NULL);
		if (!opt.no_stdin && !rk_discover_config_records(d)) {
			struct rk_buf star = RK_BUF_INIT;

			rk_buf_addf(&star, "%s/RELEASE.star", root);
			if (rk_is_file(star.data))
				rk_error(
					"note: %s is not applied (no config records on stdin): "
					"'rk-config | rk-discover' or 'releasekit discover' apply it",
					star.data);
			rk_buf_release(&star);
		}
	}
	rk_discover_free(d);
	free(root);
	rk_cliopt_release(&set);
	return rk_finish(rc);
}
