/*
 * rk_cliopt.h - table-driven options over rk_cli (as git's parse-options).
 *
 * A tool describes each option once, in a table of struct rk_cliopt: its
 * names, the name of its value, its help text and what it does. From that
 * one table come the --help text (between the tool's head and tail text),
 * the getopt short and long options (so --list-options, and with it the
 * shell completions of scripts/gen-completions, follow), and the dispatch.
 * rk_cli's conventions hold unchanged: -h/--help, --version, -C DIR and
 * --list-options are rk_cli's; a table row without fn only documents one of
 * them in the help text, or aliases whose own rows have no help (rk-report's
 * "--text, --markdown, ...").
 *
 * Ownership: the table and everything it points to are the caller's and
 * must outlive the set; struct rk_cliopt_set owns the generated usage and
 * getopt arrays (rk_cliopt_release). Errors: as rk_cli (a bad option is a
 * usage error: one line on stderr, exit 2); allocation failure dies.
 */
#ifndef RK_CLIOPT_H
#define RK_CLIOPT_H

#include "rk_buf.h"
#include "rk_cli.h"

struct rk_cliopt;

/* What an option does, given its value (NULL for a flag). */
typedef void (*rk_cliopt_fn)(const struct rk_cli *cli, const struct rk_cliopt *o, const char *arg);

struct rk_cliopt {
	char shortname;	  /* 0: none */
	const char *name; /* the long name, without "--"; NULL: short only */
	const char *arg;  /* the value's name in the help ("N"); NULL: a flag */
	/*
	 * the help text; each '\n' starts a continuation line under it.
	 * NULL: the row is left out of the help (an alias that another row,
	 * e.g. a help row naming several options, documents)
	 */
	const char *help;
	rk_cliopt_fn fn; /* NULL: a help row only (an option rk_cli handles) */
	void *dst;	 /* what fn sets (e.g. an int or a const char *) */
	long val;	 /* a value for fn (e.g. the flag's) */
};

/*
 * A row with neither shortname nor name but with help is a text row: its
 * help is printed as it is, followed by a newline ("Output:", "" for a
 * blank line, a paragraph between options); it is no option.
 * RK_CLIOPT_TEXT("...") writes one.
 *
 * The table ends with a row whose shortname, name and help are all 0; its
 * val, when not 0, is the column the help texts start at (default 28).
 *
 * The getopt options (and so --list-options and the completions) follow
 * the order of the rows that have fn; the help, the order of the rows that
 * have help: one row per option, in the order the help shows them.
 */
/* clang-format off */
#define RK_CLIOPT_TEXT(text) {0, NULL, NULL, (text), NULL, NULL, 0}
/* The help rows of the options rk_cli handles for every tool: -C DIR, and
 * -h/--help with --version (which end every tool's help). */
#define RK_CLIOPT_CHDIR_ROW {'C', NULL, "DIR", "run as if started in DIR", NULL, NULL, 0}
#define RK_CLIOPT_HELP_ROWS                                                             \
	{'h', "help", NULL, "show this help and exit", NULL, NULL, 0},                  \
	{0, "version", NULL, "print the version and exit", NULL, NULL, 0}
/* The end row; col: the column the help texts start at (0: 28). */
#define RK_CLIOPT_END(col) {0, NULL, NULL, NULL, NULL, NULL, (col)}
/* clang-format on */

struct rk_cliopt_set {
	struct rk_buf usage;
	char shortopts[64];
	struct option *longopts; /* NULL-terminated */
};

/*
 * Fill cli (usage, shortopts, longopts, argc, argv) from the table: the
 * usage is head, then one aligned line per row ("  -j, --jobs N" padded to
 * column 28, or the end row's val, then the help; a name that leaves no
 * space before the column puts its help on the next line), then tail.
 */
void rk_cliopt_init(struct rk_cli *cli, struct rk_cliopt_set *set, const struct rk_cliopt *opts,
		    const char *head, const char *tail, int argc, char **argv);

/* Parse every option (rk_cli_next), calling each one's fn in the order given. */
void rk_cliopt_parse(struct rk_cli *cli, const struct rk_cliopt *opts);

/*
 * How a tool's main begins: rk_msg_init(argv[0]) (messages name the tool),
 * then rk_cliopt_init and rk_cliopt_parse. Defaults go into the option
 * targets before the call.
 */
void rk_cliopt_start(struct rk_cli *cli, struct rk_cliopt_set *set, const struct rk_cliopt *opts,
		     const char *head, const char *tail, int argc, char **argv);

void rk_cliopt_release(struct rk_cliopt_set *set);

/* Common actions: *(int *)dst = val; *(bool *)dst = val != 0; *(const char **)dst = arg. */
void rk_cliopt_flag(const struct rk_cli *cli, const struct rk_cliopt *o, const char *arg);
void rk_cliopt_bool(const struct rk_cli *cli, const struct rk_cliopt *o, const char *arg);
void rk_cliopt_string(const struct rk_cli *cli, const struct rk_cliopt *o, const char *arg);

#endif
