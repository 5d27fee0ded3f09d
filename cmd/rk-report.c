/* rk-report: render record streams for people and CI. */
#include "rk_common.h"

#include <fcntl.h>
#include <unistd.h>

#include "rk_cli.h"
#include "rk_cliopt.h"
#include "rk_json.h"
#include "rk_report.h"

static const char head[] =
	"usage: rk-report [options] [FILE]\n"
	"\n"
	"Render a stream of records (a plan, or rk-exec's events and summary) read\n"
	"from FILE or stdin for people and CI: what was released, versions, tags,\n"
	"durations, cache hits, retries, and each failure with the tail of its log.\n"
	"\n";

static const char tail[] =
	"\n"
	"GitHub Actions: when $GITHUB_OUTPUT is set, released, releases,\n"
	"published_packages and NAME--version are appended to it; when\n"
	"$GITHUB_STEP_SUMMARY is set, the Markdown report is appended to it; when\n"
	"$GITHUB_ACTIONS is true, each failure is an ::error annotation on stderr.\n"
	"Exit: 0 rendered, 1 failed release (--exit-status) or write error, 2 usage,\n"
	"3 bad input, 4 partial release (--exit-status). See rk-report(1).\n";

static const char *const formats[] = {"text", "markdown", "json", "html", "junit"};
static const char *const colors[] = {"auto", "always", "never"};

/* What the options set. */
static struct {
	const char *format, *output, *color_when, *dotenv;
	int pass, exit_status, ci;
} opt = {"text", NULL, "auto", NULL, 0, 0, 1};

/* --format FORMAT, or --text etc. (no value: formats[val]). */
static void opt_format(const struct rk_cli *cli, const struct rk_cliopt *o, const char *arg)
{
	opt.format =
		arg ? formats[rk_cli_choice(cli, "--format", arg, formats, RK_ARRAY_SIZE(formats))]
		    : formats[o->val];
}

static void opt_color(const struct rk_cli *cli, const struct rk_cliopt *o, const char *arg)
{
	opt.color_when = colors[rk_cli_choice(cli, "--color", arg, colors, RK_ARRAY_SIZE(colors))];
}

static const struct rk_cliopt options[] = {
	{'f', "format", "FORMAT", "text (default), markdown, json, html, junit", opt_format},
	{0, "text, --markdown, --json, --html, --junit", NULL, "same as --format FORMAT"},
	{'o', "output", "FILE", "write the report to FILE (atomically) instead of stdout",
	 rk_cliopt_string, &opt.output},
	{0, "pass-through", NULL,
	 "copy every input record to stdout unchanged; the\n"
	 "report goes to --output, else to stderr",
	 rk_cliopt_flag, &opt.pass, 1},
	{0, "color", "WHEN",
	 "text colours: auto (a terminal, NO_COLOR unset),\n"
	 "always, never",
	 opt_color},
	{0, "exit-status", NULL, "exit 1 when the release failed, 4 when partial", rk_cliopt_flag,
	 &opt.exit_status, 1},
	{0, "no-ci", NULL, "do not write GitHub Actions outputs or annotations", rk_cliopt_flag,
	 &opt.ci, 0},
	{0, "dotenv", "FILE", "write a GitLab CI dotenv report to FILE", rk_cliopt_string,
	 &opt.dotenv},
	RK_CLIOPT_CHDIR_ROW,
	RK_CLIOPT_HELP_ROWS,
	/* the formats by name, documented in the row above */
	{0, "text", NULL, NULL, opt_format, NULL, 0},
	{0, "markdown", NULL, NULL, opt_format, NULL, 1},
	{0, "json", NULL, NULL, opt_format, NULL, 2},
	{0, "html", NULL, NULL, opt_format, NULL, 3},
	{0, "junit", NULL, NULL, opt_format, NULL, 4},
	RK_CLIOPT_END(24), /* the help texts start at column 24 */
};

static void render(const struct rk_report *r, const char *format, int color, struct rk_buf *out)
{
	if (!strcmp(format, "text"))
		rk_report_text(r, color, out);
	else if (!strcmp(format, "markdown"))
		rk_report_markdown(r, out);
	else if (!strcmp(format, "json"))
		rk_report_json(r, out);
	else if (!strcmp(format, "html"))
		rk_report_html(r, out);
	else
		rk_report_junit(r, out);
}

/* Append data to the file named by env var (CI files are appended to). */
static int append_env_file(const char *var, const struct rk_buf *b)
{
	const char *path = getenv(var);
	int fd, rc;

	if (!path || !*path)
		return 0;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644);
	if (fd < 0) {
		rk_error("$%s: cannot open %s: %s", var, path, strerror(errno));
		return -1;
	}
	rc = rk_write_all(fd, b->data, b->len);
	if (close(fd) != 0)
		rc = -1;
	if (rc < 0)
		rk_error("$%s: cannot write %s: %s", var, path, strerror(errno));
	return rc;
}

int main(int argc, char **argv)
{
	struct rk_cli cli;
	struct rk_cliopt_set set;
	const char *input, *nc = getenv("NO_COLOR"), *gha = getenv("GITHUB_ACTIONS");
	int color, c, rc = 0;
	struct rk_buf out = RK_BUF_INIT, ciout = RK_BUF_INIT;
	struct rk_report rep;
	struct rk_ndjson r;
	struct rk_err err;
	FILE *fp = stdin;

	rk_cliopt_start(&cli, &set, options, head, tail, argc, argv);
	input = rk_cli_input(&cli);
	if (input) {
		fp = fopen(input, "r");
		if (!fp)
			rk_die(RK_EXIT_USAGE, "cannot open %s: %s", input, strerror(errno));
	}
	rk_report_init(&rep);
	rk_ndjson_init(&r, fp, input ? input : "<stdin>");
	while ((c = rk_ndjson_next(&r)) == 1) {
		if (rk_report_add(&rep, &r, &err) != 0)
			rk_die_err(&err);
		if (opt.pass)
			rk_ndjson_pass(&r);
	}
	if (c < 0)
		rk_die_err(&r.err);
	rk_report_finish(&rep);

	if (!strcmp(opt.color_when, "always"))
		color = 1;
	else if (!strcmp(opt.color_when, "never") || (nc && *nc))
		color = 0;
	else
		color = !opt.output && isatty(opt.pass ? 2 : 1);
	render(&rep, opt.format, color && !strcmp(opt.format, "text"), &out);
	if (opt.output) {
		if (rk_write_file_atomic(opt.output, out.data ? out.data : "", out.len, 0644) !=
		    0) {
			rk_error("cannot write %s: %s", opt.output, strerror(errno));
			rc = RK_EXIT_FAIL;
		}
	} else if (opt.pass) {
		fwrite(out.data ? out.data : "", 1, out.len, stderr);
	} else {
		rk_out(out.data ? out.data : "", out.len);
	}

	if (opt.dotenv) {
		rk_report_dotenv(&rep, &ciout);
		if (rk_write_file_atomic(opt.dotenv, ciout.data, ciout.len, 0644) != 0) {
			rk_error("cannot write %s: %s", opt.dotenv, strerror(errno));
			rc = RK_EXIT_FAIL;
		}
	}
	if (opt.ci) {
		rk_buf_reset(&ciout);
		rk_report_github_output(&rep, &ciout);
		if (append_env_file("GITHUB_OUTPUT", &ciout) != 0)
			rc = RK_EXIT_FAIL;
		rk_buf_reset(&ciout);
		rk_report_markdown(&rep, &ciout);
		if (append_env_file("GITHUB_STEP_SUMMARY", &ciout) != 0)
			rc = RK_EXIT_FAIL;
		if (gha && !strcmp(gha, "true")) {
			rk_buf_reset(&ciout);
			rk_report_annotations(&rep, &ciout);
			fwrite(ciout.data ? ciout.data : "", 1, ciout.len, stderr);
		}
	}
	if (!rc && opt.exit_status) {
		const char *st = rk_report_status(&rep);
		rc = !strcmp(st, "failed") ? RK_EXIT_FAIL : !strcmp(st, "partial") ? 4 : 0;
	}
	rk_buf_release(&out);
	rk_buf_release(&ciout);
	rk_report_release(&rep);
	rk_ndjson_release(&r);
	if (fp != stdin)
		fclose(fp);
	rk_cliopt_release(&set);
	return rk_finish(rc);
}
