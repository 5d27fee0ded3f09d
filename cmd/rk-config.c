/* rk-config: evaluate RELEASE.star into config records; generate RELEASE.star. */
#include "rk_common.h"
#include "rk_cli.h"
#include "rk_cliopt.h"
#include "rk_config.h"
#include "rk-config/generate.h"
#include "rk_cfgfiles.h"
#include "rk_pystar.h"
#include "rk_discover.h"
#include "rk_json.h"

#include <sys/stat.h>
#include <unistd.h>

static const char head[] =
	"usage: rk-config [-C DIR] [-f FILE] [--config-mode MODE] [--optional] [--max-time S]\n"
	"                 [--max-memory MB] [--max-depth N]\n"
	"       rk-config --generate [--update] [--group-by dir] [-C DIR] [-f FILE] < packages\n"
	"\n"
	"Evaluate RELEASE.star (Starlark) into config records, one JSON object per\n"
	"line on stdout; or, with --generate, write a RELEASE.star for the package\n"
	"records (rk-discover) read on stdin.\n"
	"\n";

static const char tail[] =
	"\n"
	"Environment: RK_VENV (the venv holding starlark-pyo3), RK_RULES_DIR (the\n"
	"bundled rules).\n"
	"Exit: 0 ok, 1 failure, 2 usage, 3 bad configuration; a closed stdout ends\n"
	"quietly with the status the tool would have had.\n"
	"See rk-config(1).\n";

static struct rk_star_limits limits = RK_STAR_LIMITS_DEFAULT;

/* What the options set (limits above). */
static struct {
	const char *root, *file;
	enum rk_cfg_mode mode;
	struct rk_gen_opts gen;
	int generate, update, optional, group_by;
} opt = {.file = "RELEASE.star", .mode = RK_CFG_AUTO, .gen = {.group_by = RK_GEN_BY_DIR}};

static void opt_file(const struct rk_cli *cli, const struct rk_cliopt *o, const char *arg)
{
	opt.file = arg;
	if (!*arg || strchr(arg, '/'))
		rk_cli_usage_error(cli, "--file takes a file name, not a path: '%s'", arg);
}

static void opt_mode(const struct rk_cli *cli, const struct rk_cliopt *o, const char *arg)
{
	if (rk_cfg_mode_parse(arg, &opt.mode) < 0)
		rk_cli_usage_error(
			cli,
			"--config-mode must be central, hybrid, decentralized or auto, not '%s'",
			arg);
}

static void opt_group_by(const struct rk_cli *cli, const struct rk_cliopt *o, const char *arg)
{
	if (!strcmp(arg, "level"))
		rk_cli_usage_error(cli, "--group-by level is gone: groups follow "
					"workspaces and directories (dir)");
	else if (!strcmp(arg, "dir"))
		opt.gen.group_by = RK_GEN_BY_DIR;
	else
		rk_cli_usage_error(cli, "--group-by must be dir, not '%s'", arg);
	opt.group_by = 1;
}

static void opt_max_time(const struct rk_cli *cli, const struct rk_cliopt *o, const char *arg)
{
	limits.max_time_s = (double)rk_cli_long(cli, "--max-time", arg, 1, 86400);
}

static void opt_max_memory(const struct rk_cli *cli, const struct rk_cliopt *o, const char *arg)
{
	limits.max_memory_mb = rk_cli_long(cli, "--max-memory", arg, 64, 1048576);
}

static void opt_max_depth(const struct rk_cli *cli, const struct rk_cliopt *o, const char *arg)
{
	limits.max_depth = (int)rk_cli_long(cli, "--max-depth", arg, 1, 10000);
}

static const struct rk_cliopt options[] = {
	RK_CLIOPT_CHDIR_ROW,
	{0, "root", "DIR",
	 "the workspace root (default: the git work tree's\n"
	 "top level, else the current directory)",
	 rk_cliopt_string, &opt.root},
	{'f', "file", "NAME", "the configuration file name (default: RELEASE.star)", opt_file},
	{0, "config-mode", "MODE",
	 "central, hybrid, decentralized or auto (default):\n"
	 "central = DIR/NAME only; hybrid = DIR/NAME plus\n"
	 "NAME in package directories; decentralized = the\n"
	 "package directories' files only",
	 opt_mode},
	{0, "optional", NULL,
	 "no configuration file at all is not an error:\n"
	 "exit 0 with no output",
	 rk_cliopt_flag, &opt.optional, 1},
	{0, "generate", NULL,
	 "read package records on stdin, write RELEASE.star\n"
	 "text to stdout",
	 rk_cliopt_flag, &opt.generate, 1},
	{0, "update", NULL,
	 "with --generate: rewrite the generated region of\n"
	 "DIR/NAME in place, keeping manual edits",
	 rk_cliopt_flag, &opt.update, 1},
	{0, "group-by", "HOW",
	 "with --generate: how to infer release groups; dir\n"
	 "(the only way, the default): by workspace and\n"
	 "directory",
	 opt_group_by},
	{0, "max-time", "S", "stop an evaluation after S seconds (default 60)", opt_max_time},
	{0, "max-memory", "MB", "stop an evaluation above MB megabytes (default 2048)",
	 opt_max_memory},
	{0, "max-depth", "N", "brackets may nest N levels deep (default 100)", opt_max_depth},
	RK_CLIOPT_HELP_ROWS,
	RK_CLIOPT_END(25), /* the help texts start at column 25 */
};

/* $RK_RULES_DIR, <bindir>/../share/releasekit/rules, <bindir>/../../rules. */
static char *rules_dir(void)
{
	return rk_cli_data_dir("RK_RULES_DIR", NULL, "../share/releasekit/rules", "../../rules",
			       RK_DATADIR "/rules");
}

/* Write one record rk_cfg_records() built. */
static void put_record(struct rk_buf *rec, void *ctx)
{
	rk_record_emit(rec);
}

static int evaluate(const char *argv0, const char *root, const char *file, enum rk_cfg_mode mode,
		    int optional)
{
	struct rk_buf path = RK_BUF_INIT, dir = RK_BUF_INIT;
	struct rk_cfg cfg;
	struct rk_star *st = NULL;
	struct rk_err err;
	char **pp = NULL, *rules = rules_dir();
	int have_root, rc = RK_EXIT_INPUT, forced = mode != RK_CFG_AUTO;
	size_t i;

	rk_cfg_init(&cfg);
	rk_buf_addf(&path, "%s/%s", root, file);
	have_root = rk_is_file(path.data);
	{
		/* there, but not a file: say so (not "no such file") */
		struct stat sb;
		int e = 0;
		if (stat(path.data, &sb) != 0)
			e = errno == ENOENT ? 0 : errno;
		else if (S_ISDIR(sb.st_mode))
			e = EISDIR;
		else if (!S_ISREG(sb.st_mode))
			e = RK_ENOTREG;
		if (e) {
			rk_error("%s: %s", path.data, rk_strerror(e));
			goto out;
		}
	}
	if (mode != RK_CFG_CENTRAL)
		pp = rk_cfg_find_package_files(root, file);
	if (optional && !have_root && !(pp && pp[0])) {
		rc = RK_EXIT_OK;
		goto out;
	}
	if (mode == RK_CFG_AUTO)
		mode = !have_root    ? RK_CFG_DECENTRALIZED
		       : pp && pp[0] ? RK_CFG_HYBRID
				     : RK_CFG_CENTRAL;
	if (mode != RK_CFG_DECENTRALIZED && !have_root) {
		rk_error("%s: no such file (--config-mode %s needs it)", path.data,
			 rk_cfg_mode_name(mode));
		goto out;
	}
	if (mode == RK_CFG_DECENTRALIZED && !(pp && pp[0])) {
		rk_error("no %s in %s or its package directories", file, root);
		goto out;
	}
	st = rk_star_start(argv0, root, rules, &cfg, &err);
	if (!st) {
		rk_error("%s", err.msg);
		rc = RK_EXIT_FAIL;
		goto out;
	}
	rk_star_set_limits(st, &limits);
	if (mode != RK_CFG_DECENTRALIZED) {
		if (rk_star_eval(st, file, &err) < 0)
			goto bad;
		if (!forced && cfg.mode == RK_CFG_CENTRAL)
			mode = RK_CFG_CENTRAL;
		if (!forced && cfg.mode == RK_CFG_DECENTRALIZED) {
			rk_err_set(
				&err, cfg.mode_loc, 0, 0,
				"config(mode = \"decentralized\") cannot be set by the root file (use --config-mode or remove it)");
			goto bad;
		}
	}
	if (mode != RK_CFG_CENTRAL) {
		for (i = 0; pp && pp[i]; i++) {
			char *own;
			const char *slash = strrchr(pp[i], '/');
			rk_buf_reset(&dir);
			rk_buf_add(&dir, pp[i], (size_t)(slash - pp[i]));
			own = rk_cfg_manifest_name(root, dir.data, pp[i], &err);
			if (!own)
				goto bad;
			cfg.own_package = own;
			if (rk_star_eval(st, pp[i], &err) < 0) {
				free(own);
				cfg.own_package = NULL;
				goto bad;
			}
			cfg.own_package = NULL;
			free(own);
		}
	}
	if (rk_cfg_finish(&cfg, &err) < 0)
		goto bad;
	rk_cfg_records(&cfg, put_record, NULL);
	rc = RK_EXIT_OK;
	goto out;
bad:
	rk_err_print(&err);
	rc = RK_EXIT_INPUT;
out:
	rk_star_stop(st);
	rk_cfg_release(&cfg);
	rk_cfg_files_free(pp);
	rk_buf_release(&path);
	rk_buf_release(&dir);
	free(rules);
	return rc;
}

int main(int argc, char **argv)
{
	struct rk_cli cli;
	struct rk_cliopt_set set;
	const char *root;
	char *default_root = NULL;
	int rc;

	rk_cliopt_start(&cli, &set, options, head, tail, argc, argv);
	root = opt.root;
	if (optind < argc)
		rk_cli_usage_error(&cli, "unexpected argument '%s'", argv[optind]);
	if (!root)
		root = default_root = rk_discover_default_root();
	else if (!rk_is_dir(root))
		rk_cli_usage_error(&cli, "--root %s: %s", root,
				   access(root, F_OK) == 0 ? "not a directory" : strerror(errno));
	if (!opt.generate && (opt.update || opt.group_by))
		rk_cli_usage_error(&cli, "--update and --group-by need --generate");
	if (opt.generate && opt.optional)
		rk_cli_usage_error(&cli, "--optional does not go with --generate");
	if (opt.generate) {
		opt.gen.update = opt.update;
		opt.gen.root = root;
		opt.gen.file = opt.file;
		rc = rk_gen_run(&opt.gen);
	} else {
		rc = evaluate(argv[0], root, opt.file, opt.mode, opt.optional);
	}
	free(default_root);
	rk_cliopt_release(&set);
	return rk_finish(rc);
}
