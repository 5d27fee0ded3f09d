/* rk-plan: Decide versions and changelogs; emit release and action records. */
#include "rk_common.h"
#include "rk_cli.h"
#include "rk-plan/plan.h"

static const char usage[] =
	"usage: rk-plan [options] [FILE]\n"
	"\n"
	"Read package (and config) records, decide what to release from the git\n"
	"history, tags and plan files, and write the records through followed by\n"
	"one release record per released package and the action DAG.\n"
	"\n"
	"  -C DIR                  run as if started in DIR\n"
	"      --repo DIR          the git repository (default: the current directory's)\n"
	"      --channel NAME      latest, next, alpha, beta, rc, canary, nightly, snapshot\n"
	"                          or a custom channel (default: branch_channel config,\n"
	"                          release_train channel, latest)\n"
	"      --prerelease TOKEN  pre-release label (e.g. rc: 1.2.4-rc.1 / 1.2.4rc1)\n"
	"      --nightly           same as --channel nightly (1.2.4-nightly.YYYYMMDD)\n"
	"      --snapshot          same as --channel snapshot (never published)\n"
	"      --branch NAME       branch for branch_channel rules (default: HEAD's)\n"
	"      --date YYYYMMDD     release date (default: SOURCE_DATE_EPOCH, else today UTC)\n"
	"      --plans-dir DIR     plan files directory (default: config plans_dir,\n"
	"                          else .releasekit/plans)\n"
	"      --all               a release record for every package (bump none if unchanged)\n"
	"      --no-actions        leave out the action records\n"
	"      --stats             print history walk counters on stderr\n"
	"  -h, --help              show this help and exit\n"
	"      --version           print the version and exit\n"
	"\n"
	"FILE is read instead of standard input.\n"
	"Exit: 0 ok, 1 failure (git, plan files), 2 usage, 3 bad input (a malformed\n"
	"record, config or plan file); a closed stdout ends quietly with the status\n"
	"the tool would have had. See rk-plan(1).\n";

enum {
	OPT_CHANNEL = 256,
	OPT_PRERELEASE,
	OPT_NIGHTLY,
	OPT_SNAPSHOT,
	OPT_BRANCH,
	OPT_DATE,
	OPT_PLANS_DIR,
	OPT_ALL,
	OPT_NO_ACTIONS,
	OPT_STATS,
	OPT_REPO,
};

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"repo", required_argument, NULL, OPT_REPO},
		{"channel", required_argument, NULL, OPT_CHANNEL},
		{"prerelease", required_argument, NULL, OPT_PRERELEASE},
		{"nightly", no_argument, NULL, OPT_NIGHTLY},
		{"snapshot", no_argument, NULL, OPT_SNAPSHOT},
		{"branch", required_argument, NULL, OPT_BRANCH},
		{"date", required_argument, NULL, OPT_DATE},
		{"plans-dir", required_argument, NULL, OPT_PLANS_DIR},
		{"all", no_argument, NULL, OPT_ALL},
		{"no-actions", no_argument, NULL, OPT_NO_ACTIONS},
		{"stats", no_argument, NULL, OPT_STATS},
		{NULL, 0, NULL, 0},
	};
	struct rk_cli cli = {usage, "", longopts, argc, argv};
	struct rk_plan_opts o;
	FILE *in = stdin;
	const char *source;
	int c, rc;

	rk_msg_init(argv[0]);
	memset(&o, 0, sizeof(o));
	while ((c = rk_cli_next(&cli)) != -1) {
		switch (c) {
		case OPT_REPO:
			o.repo = optarg;
			break;
		case OPT_CHANNEL:
			if (!*optarg)
				rk_cli_usage_error(&cli, "--channel: empty channel name");
			o.channel = optarg;
			break;
		case OPT_PRERELEASE:
			if (!*optarg)
				rk_cli_usage_error(&cli, "--prerelease: empty token");
			o.prerelease = optarg;
			break;
		case OPT_NIGHTLY:
			o.channel = "nightly";
			break;
		case OPT_SNAPSHOT:
			o.channel = "snapshot";
			break;
		case OPT_BRANCH:
			o.branch = optarg;
			break;
		case OPT_DATE:
			o.date = optarg;
			break;
		case OPT_PLANS_DIR:
			o.plans_dir = optarg;
			break;
		case OPT_ALL:
			o.all = true;
			break;
		case OPT_NO_ACTIONS:
			o.no_actions = true;
			break;
		case OPT_STATS:
			o.stats = true;
			break;
		}
	}
	source = rk_cli_input(&cli);
	if (o.date) {
		size_t i;

		for (i = 0; o.date[i] >= '0' && o.date[i] <= '9'; i++)
			;
		if (i != 8 || o.date[8])
			rk_cli_usage_error(&cli, "--date: expected YYYYMMDD, not '%s'", o.date);
	}
	if (source) {
		in = rk_fopen_regular(source);
		if (!in)
			rk_die(RK_EXIT_USAGE, "cannot open %s: %s", source, rk_strerror(errno));
	}
	rc = rk_plan_run(&o, in, source ? source : "<stdin>");
	if (in != stdin)
		fclose(in);
	return rk_finish(rc);
}
