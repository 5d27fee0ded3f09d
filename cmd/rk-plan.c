/* rk-plan: Decide versions and changelogs; emit release and action records. */
#include "rk_common.h"
#include "rk_cli.h"
#include "rk_cliopt.h"
#include "rk-plan/plan.h"

static const char head[] =
	"usage: rk-plan [options] [FILE]\n"
	"\n"
	"Read package (and config) records, decide what to release from the git\n"
	"history, tags and plan files, and write the records through followed by\n"
	"one release record per released package and the action DAG.\n"
	"\n";

static const char tail[] =
	"\n"
	"FILE is read instead of standard input.\n"
	"Exit: 0 ok, 1 failure (git, plan files), 2 usage, 3 bad input (a malformed\n"
	"record, config or plan file); a closed stdout ends quietly with the status\n"
	"the tool would have had. See rk-plan(1).\n";

/* What the options set. */
static struct rk_plan_opts opt;

/* --channel, --prerelease: a name that is not empty */
static void opt_name(const struct rk_cli *cli, const struct rk_cliopt *o, const char *arg)
{
	if (!*arg)
		rk_cli_usage_error(cli, "--%s: empty %s", o->name,
				   o->val ? "channel name" : "token");
	*(const char **)o->dst = arg;
}

/* --nightly, --snapshot: the channel of that name */
static void opt_channel_alias(const struct rk_cli *cli, const struct rk_cliopt *o, const char *arg)
{
	opt.channel = o->name;
}

static const struct rk_cliopt options[] = {
	RK_CLIOPT_CHDIR_ROW,
	{0, "repo", "DIR", "the git repository (default: the current directory's)",
	 rk_cliopt_string, &opt.repo},
	{0, "channel", "NAME",
	 "latest, next, alpha, beta, rc, canary, nightly, snapshot\n"
	 "or a custom channel (default: branch_channel config,\n"
	 "release_train channel, latest)",
	 opt_name, &opt.channel, 1},
	{0, "prerelease", "TOKEN", "pre-release label (e.g. rc: 1.2.4-rc.1 / 1.2.4rc1)", opt_name,
	 &opt.prerelease, 0},
	{0, "nightly", NULL, "same as --channel nightly (1.2.4-nightly.YYYYMMDD)",
	 opt_channel_alias},
	{0, "snapshot", NULL, "same as --channel snapshot (never published)", opt_channel_alias},
	{0, "branch", "NAME", "branch for branch_channel rules (default: HEAD's)", rk_cliopt_string,
	 &opt.branch},
	{0, "date", "YYYYMMDD", "release date (default: SOURCE_DATE_EPOCH, else today UTC)",
	 rk_cliopt_string, &opt.date},
	{0, "plans-dir", "DIR",
	 "plan files directory (default: config plans_dir,\n"
	 "else .releasekit/plans)",
	 rk_cliopt_string, &opt.plans_dir},
	{0, "all", NULL, "a release record for every package (bump none if unchanged)",
	 rk_cliopt_bool, &opt.all, 1},
	{0, "no-actions", NULL, "leave out the action records", rk_cliopt_bool, &opt.no_actions, 1},
	{0, "stats", NULL, "print history walk counters on stderr", rk_cliopt_bool, &opt.stats, 1},
	RK_CLIOPT_HELP_ROWS,
	RK_CLIOPT_END(26), /* the help texts start at column 26 */
};

int main(int argc, char **argv)
{
	struct rk_cli cli;
	struct rk_cliopt_set set;
	FILE *in = stdin;
	const char *source;
	int rc;

	rk_cliopt_start(&cli, &set, options, head, tail, argc, argv);
	source = rk_cli_input(&cli);
	if (opt.date) {
		size_t i;

		for (i = 0; opt.date[i] >= '0' && opt.date[i] <= '9'; i++)
			;
		if (i != 8 || opt.date[8])
			rk_cli_usage_error(&cli, "--date: expected YYYYMMDD, not '%s'", opt.date);
	}
	if (source) {
		in = rk_fopen_regular(source);
		if (!in)
			rk_die(RK_EXIT_USAGE, "cannot open %s: %s", source, rk_strerror(errno));
	}
	rc = rk_plan_run(&opt, in, source ? source : "<stdin>");
	if (in != stdin)
		fclose(in);
	rk_cliopt_release(&set);
	return rk_finish(rc);
}
