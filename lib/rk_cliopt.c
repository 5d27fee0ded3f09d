/* rk_cliopt.c - options from one table: help, getopt, dispatch (rk_cliopt.h). */
#include "rk_common.h"
#include "rk_cliopt.h"

#define HELP_COLUMN 28
#define LONG_KEY 256 /* getopt's value of a long-only row: LONG_KEY + its index */

static int is_end(const struct rk_cliopt *o)
{
	return !o->shortname && !o->name && !o->help;
}

/* "  -j, --jobs N" / "      --seed N" / "  -C DIR", padded, then the help. */
static void usage_row(struct rk_buf *b, const struct rk_cliopt *o, size_t column)
{
	size_t start = b->len, col;
	const char *h = o->help, *nl;

	if (!h)
		return; /* an alias another row documents */
	if (!o->shortname && !o->name) {
		rk_buf_adds(b, h); /* a text row: a heading or a paragraph */
		rk_buf_addc(b, '\n');
		return;
	}
	if (o->shortname && o->name)
		rk_buf_addf(b, "  -%c, --%s", o->shortname, o->name);
	else if (o->shortname)
		rk_buf_addf(b, "  -%c", o->shortname);
	else
		rk_buf_addf(b, "      --%s", o->name);
	if (o->arg)
		rk_buf_addf(b, " %s", o->arg);
	col = b->len - start;
	if (col + 1 > column) {
		rk_buf_addc(b, '\n');
		col = 0;
	}
	for (;;) {
		for (; col < column; col++)
			rk_buf_addc(b, ' ');
		nl = strchr(h, '\n');
		rk_buf_add(b, h, nl ? (size_t)(nl - h) : strlen(h));
		rk_buf_addc(b, '\n');
		if (!nl)
			break;
		h = nl + 1;
		col = 0;
	}
}

void rk_cliopt_init(struct rk_cli *cli, struct rk_cliopt_set *set, const struct rk_cliopt *opts,
		    const char *head, const char *tail, int argc, char **argv)
{
	size_t n = 0, nl = 0, ns = 0, column;

	memset(set, 0, sizeof(*set));
	rk_buf_init(&set->usage);
	rk_buf_adds(&set->usage, head);
	while (!is_end(&opts[n]))
		n++;
	column = opts[n].val > 0 ? (size_t)opts[n].val : HELP_COLUMN;
	set->longopts = rk_xcalloc(n + 1, sizeof(struct option));
	for (size_t i = 0; i < n; i++) {
		const struct rk_cliopt *o = &opts[i];

		usage_row(&set->usage, o, column);
		if (!o->fn)
			continue; /* rk_cli's own: -h, --version, -C */
		if (o->shortname && ns + 3 < sizeof(set->shortopts)) {
			set->shortopts[ns++] = o->shortname;
			if (o->arg)
				set->shortopts[ns++] = ':';
		}
		if (o->name) {
			set->longopts[nl].name = o->name;
			set->longopts[nl].has_arg = o->arg ? required_argument : no_argument;
			set->longopts[nl].val = o->shortname ? o->shortname : LONG_KEY + (int)i;
			nl++;
		}
	}
	rk_buf_adds(&set->usage, tail);
	cli->usage = set->usage.data;
	cli->shortopts = set->shortopts;
	cli->longopts = set->longopts;
	cli->argc = argc;
	cli->argv = argv;
}

void rk_cliopt_start(struct rk_cli *cli, struct rk_cliopt_set *set, const struct rk_cliopt *opts,
		     const char *head, const char *tail, int argc, char **argv)
{
	rk_msg_init(argv[0]);
	rk_cliopt_init(cli, set, opts, head, tail, argc, argv);
	rk_cliopt_parse(cli, opts);
}

void rk_cliopt_parse(struct rk_cli *cli, const struct rk_cliopt *opts)
{
	int c;

	while ((c = rk_cli_next(cli)) != -1) {
		const struct rk_cliopt *o = NULL;

		if (c >= LONG_KEY)
			o = &opts[c - LONG_KEY];
		else
			for (const struct rk_cliopt *p = opts; !is_end(p) && !o; p++)
				if (p->fn && p->shortname == c)
					o = p;
		if (o && o->fn)
			o->fn(cli, o, o->arg ? optarg : NULL);
	}
}

void rk_cliopt_release(struct rk_cliopt_set *set)
{
	rk_buf_release(&set->usage);
	free(set->longopts);
	set->longopts = NULL;
}

void rk_cliopt_flag(const struct rk_cli *cli, const struct rk_cliopt *o, const char *arg)
{
	*(int *)o->dst = (int)o->val;
}

void rk_cliopt_bool(const struct rk_cli *cli, const struct rk_cliopt *o, const char *arg)
{
	*(bool *)o->dst = o->val != 0;
}

void rk_cliopt_string(const struct rk_cli *cli, const struct rk_cliopt *o, const char *arg)
{
	*(const char **)o->dst = arg;
}
