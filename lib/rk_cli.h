/*
 * rk_cli.h - the command-line conventions every rk-* tool shares
 * (design.md section 3).
 *
 *   --help      usage on stdout, exit 0
 *   --version   "rk-x VERSION" on stdout, exit 0
 *   -C DIR      chdir(DIR) at once: "run as if started in DIR" (relative
 *               paths and the default root are then DIR's)
 *   bad option  one line on stderr, exit 2: "rk-x: <reason>", and for an
 *               unknown option or a bad -C "rk-x: <reason> (see 'rk-x --help')";
 *               $RK_USAGE_NAME, when set (the releasekit porcelain sets it
 *               to "releasekit COMMAND"), replaces "rk-x" in it
 *
 * Each tool defines its usage text and option table and calls
 * rk_cli_parse() in a loop, getopt_long style.
 */
#ifndef RK_CLI_H
#define RK_CLI_H

#include <getopt.h>

struct rk_cli {
	const char *usage;	       /* full --help text, ending in '\n' */
	const char *shortopts;	       /* getopt short options, without "hV" */
	const struct option *longopts; /* NULL-terminated; help/version are added */
	int argc;
	char **argv;
};

/*
 * Next option, as getopt_long returns it (optarg/optind as usual), or -1 at
 * the end. --help, -h and --version are handled here (exit 0), and -C DIR
 * (never returned; a directory that cannot be entered is a usage error);
 * unknown options and missing arguments are usage errors (exit 2). A tool's
 * own options must not use 'C'.
 * The hidden --list-options prints the tool's options from its tables, one
 * a line ("-f=", "--format=", "--all"; "=" when a value follows), and exits
 * 0: scripts/gen-completions builds the shell completions from it.
 */
#define RK_CLI_LIST_OPTIONS 0x4c53
int rk_cli_next(struct rk_cli *cli);

/*
 * Print one line "prog: msg" to stderr (prog: $RK_USAGE_NAME when set),
 * exit RK_EXIT_USAGE.
 */
_Noreturn void rk_cli_usage_error(const struct rk_cli *cli, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Parse a non-negative integer option value or die with a usage error. */
long rk_cli_long(const struct rk_cli *cli, const char *opt, const char *val, long min, long max);

/*
 * An option value that must be one of a list: v when v >= 0 (what the
 * tool's parser made of val, e.g. an index), else a usage error "OPT:
 * expected EXPECTED, got 'VAL'" (EXPECTED as the help says it: "auto,
 * always or never").
 */
int rk_cli_check(const struct rk_cli *cli, const char *opt, const char *val, int v,
		 const char *expected);

/* The index of val in names[0..n), else that usage error naming them "a, b or c". */
int rk_cli_choice(const struct rk_cli *cli, const char *opt, const char *val,
		  const char *const *names, size_t n);

/*
 * The one optional input operand, after the options (argv[optind]): NULL
 * when there is none or it is "-" (read stdin). A second operand is a
 * usage error ("unexpected argument '...'").
 */
const char *rk_cli_input(const struct rk_cli *cli);

/*
 * A directory the tool ships with (DEVELOPERS.md, "Finding data files"):
 * $env when it is set and not empty; else <bindir>/installed when that is
 * a directory (an installed tree); else <bindir>/buildtree (the build
 * tree). <bindir> is the running executable's directory (/proc/self/exe,
 * else realpath(argv0) when argv0 is not NULL); when it cannot be found,
 * fallback is returned if not NULL, else "." stands for <bindir>. The
 * result is allocated (free it).
 */
char *rk_cli_data_dir(const char *env, const char *argv0, const char *installed,
		      const char *buildtree, const char *fallback);

/*
 * For tools whose issue has not landed: say so on stderr and exit 1.
 * (Not a pretence of work: nothing is read or written.)
 */
_Noreturn void rk_cli_not_implemented(const char *what);

#endif
