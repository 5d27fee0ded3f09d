#include "rk_common.h"
#include "rk_cli.h"

#include <limits.h>
#include <unistd.h>

static void print_usage(const struct rk_cli *cli, FILE *fp)
{
	fputs(cli->usage, fp);
}

/* The command the user typed: $RK_USAGE_NAME (the porcelain's) or ours. */
static const char *usage_name(void)
{
	const char *name = getenv("RK_USAGE_NAME");

	return name && *name ? name : rk_progname;
}

void rk_cli_usage_error(const struct rk_cli *cli, const char *fmt, ...)
{
	struct rk_buf b = RK_BUF_INIT;
	va_list ap;

	(void)cli;
	va_start(ap, fmt);
	rk_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	fflush(stdout);
	fprintf(stderr, "%s: %s\n", usage_name(), b.data);
	rk_buf_release(&b);
	exit(RK_EXIT_USAGE);
}

/* --list-options: one line per option, "=" after those that take a value. */
static void list_options(const struct rk_cli *cli, const struct option *opts, size_t n)
{
	const char *s = cli->shortopts ? cli->shortopts : "";

	printf("-h\n-C=\n");
	for (; *s; s++)
		if (*s != ':')
			printf("-%c%s\n", *s, s[1] == ':' ? "=" : "");
	for (size_t i = 0; i < n; i++)
		printf("--%s%s\n", opts[i].name, opts[i].has_arg == no_argument ? "" : "=");
}

/* An option error: one line pointing at --help. */
__attribute__((format(printf, 2, 3))) _Noreturn static void option_error(const struct rk_cli *cli,
									 const char *fmt, ...)
{
	struct rk_buf b = RK_BUF_INIT;
	const char *name = usage_name();
	va_list ap;

	va_start(ap, fmt);
	rk_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	rk_cli_usage_error(cli, "%s (see '%s --help')", b.data, name);
}

int rk_cli_next(struct rk_cli *cli)
{
	/* Options are built once per call; cheap next to everything else. */
	static const struct option common[] = {
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{"list-options", no_argument, NULL, RK_CLI_LIST_OPTIONS},
	};
	struct option opts[128];
	char shortopts[128];
	size_t n = 0;
	int c, idx;

	for (const struct option *o = cli->longopts; o && o->name && n < 120; o++)
		opts[n++] = *o;
	opts[n++] = common[0];
	opts[n++] = common[1];
	opts[n++] = common[2];
	memset(&opts[n], 0, sizeof(opts[n]));
	snprintf(shortopts, sizeof(shortopts), ":hC:%s", cli->shortopts ? cli->shortopts : "");

	opterr = 0;
	c = getopt_long(cli->argc, cli->argv, shortopts, opts, &idx);
	switch (c) {
	case 'h':
		print_usage(cli, stdout);
		exit(rk_finish(RK_EXIT_OK));
	case 'V':
		printf("%s %s\n", rk_progname, RK_VERSION);
		exit(rk_finish(RK_EXIT_OK));
	case RK_CLI_LIST_OPTIONS:
		list_options(cli, opts, n - 1);
		exit(rk_finish(RK_EXIT_OK));
	case 'C':
		/* -C DIR: as if started in DIR (relative paths, the default root) */
		if (!*optarg || chdir(optarg) != 0)
			option_error(cli, "-C %s: %s", optarg,
				     *optarg ? strerror(errno) : "empty directory name");
		return rk_cli_next(cli);
	case '?':
		/* a long option sets optopt to its value, which may be no character */
		if (optopt > 0 && optopt < 128 && strncmp(cli->argv[optind - 1], "--", 2))
			option_error(cli, "unknown option '-%c'", optopt);
		if (optopt)
			rk_cli_usage_error(cli, "option '%.*s' takes no argument",
					   (int)strcspn(cli->argv[optind - 1], "="),
					   cli->argv[optind - 1]);
		option_error(cli, "unknown option '%s'", cli->argv[optind - 1]);
	case ':':
		if (optopt > 0 && optopt < 128 && strncmp(cli->argv[optind - 1], "--", 2))
			rk_cli_usage_error(cli, "option '-%c' needs an argument", optopt);
		rk_cli_usage_error(cli, "option '%s' needs an argument", cli->argv[optind - 1]);
	default:
		return c;
	}
}

long rk_cli_long(const struct rk_cli *cli, const char *opt, const char *val, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(val, &end, 10);
	if (errno || end == val || *end || v < min || v > max)
		rk_cli_usage_error(cli, "%s: expected a whole number from %ld to %ld, got '%s'",
				   opt, min, max, val);
	return v;
}

int rk_cli_check(const struct rk_cli *cli, const char *opt, const char *val, int v,
		 const char *expected)
{
	if (v < 0)
		rk_cli_usage_error(cli, "%s: expected %s, got '%s'", opt, expected, val);
	return v;
}

int rk_cli_choice(const struct rk_cli *cli, const char *opt, const char *val,
		  const char *const *names, size_t n)
{
	struct rk_buf expected = RK_BUF_INIT;
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(val, names[i]))
			return (int)i;
	for (i = 0; i < n; i++)
		rk_buf_addf(&expected, "%s%s", i == 0 ? "" : i + 1 < n ? ", " : " or ", names[i]);
	return rk_cli_check(cli, opt, val, -1, expected.data ? expected.data : "");
}

void rk_cli_not_implemented(const char *what)
{
	rk_die(RK_EXIT_FAIL, "%s is not implemented yet (see the project's open issues)", what);
}

const char *rk_cli_input(const struct rk_cli *cli)
{
	if (optind + 1 < cli->argc)
		rk_cli_usage_error(cli, "unexpected argument '%s'", cli->argv[optind + 1]);
	if (optind < cli->argc && strcmp(cli->argv[optind], "-") != 0)
		return cli->argv[optind];
	return NULL;
}

char *rk_cli_data_dir(const char *env, const char *argv0, const char *installed,
		      const char *buildtree, const char *fallback)
{
	const char *e = getenv(env);
	struct rk_buf b = RK_BUF_INIT;
	char exe[PATH_MAX], *slash;
	ssize_t n;

	if (e && *e)
		return rk_xstrdup(e);
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
	} else if (!argv0 || !realpath(argv0, exe)) {
		if (fallback)
			return rk_xstrdup(fallback);
		snprintf(exe, sizeof(exe), "./x");
	}
	slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	rk_buf_addf(&b, "%s/%s", exe, installed);
	if (!rk_is_dir(b.data)) {
		rk_buf_reset(&b);
		rk_buf_addf(&b, "%s/%s", exe, buildtree);
	}
	return rk_buf_detach(&b, NULL);
}
