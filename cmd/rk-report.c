/* rk-report: render record streams for people and CI. */
#include "rk_common.h"

#include <fcntl.h>
#include <unistd.h>

#include "rk_cli.h"
#include "rk_json.h"
#include "rk_report.h"

static const char usage[] =
	"usage: rk-report [options] [FILE]\n"
	"\n"
	"Render a stream of records (a plan, or rk-exec's events and summary) read\n"
	"from FILE or stdin for people and CI: what was released, versions, tags,\n"
	"durations, cache hits, retries, and each failure with the tail of its log.\n"
	"\n"
	"  -f, --format FORMAT   text (default), markdown, json, html, junit\n"
	"      --text, --markdown, --json, --html, --junit\n"
	"                        same as --format FORMAT\n"
	"  -o, --output FILE     write the report to FILE (atomically) instead of stdout\n"
	"      --pass-through    copy every input record to stdout unchanged; the\n"
	"                        report goes to --output, else to stderr\n"
	"      --color WHEN      text colours: auto (a terminal, NO_COLOR unset),\n"
	"                        always, never\n"
	"      --exit-status     exit 1 when the release failed, 4 when partial\n"
	"      --no-ci           do not write GitHub Actions outputs or annotations\n"
	"      --dotenv FILE     write a GitLab CI dotenv report to FILE\n"
	"  -C DIR                run as if started in DIR\n"
	"  -h, --help            show this help and exit\n"
	"      --version         print the version and exit\n"
	"\n"
	"GitHub Actions: when $GITHUB_OUTPUT is set, released, releases,\n"
	"published_packages and NAME--version are appended to it; when\n"
	"$GITHUB_STEP_SUMMARY is set, the Markdown report is appended to it; when\n"
	"$GITHUB_ACTIONS is true, each failure is an ::error annotation on stderr.\n"
	"Exit: 0 rendered, 1 failed release (--exit-status) or write error, 2 usage,\n"
	"3 bad input, 4 partial release (--exit-status). See rk-report(1).\n";

enum { O_PASS = 256, O_COLOR, O_EXIT, O_NOCI, O_DOTENV, O_FMT };
static const char *const formats[] = {"text", "markdown", "json", "html", "junit"};

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
	size_t off = 0;
	int fd;

	if (!path || !*path)
		return 0;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644);
	if (fd < 0) {
		rk_error("$%s: cannot open %s: %s", var, path, strerror(errno));
		return -1;
	}
	while (off < b->len) {
		ssize_t n = write(fd, b->data + off, b->len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rk_error("$%s: cannot write %s: %s", var, path, strerror(errno));
			close(fd);
			return -1;
		}
		off += (size_t)n;
	}
	if (close(fd) != 0) {
		rk_error("$%s: cannot write %s: %s", var, path, strerror(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"format", required_argument, NULL, 'f'},
		{"output", required_argument, NULL, 'o'},
		{"pass-through", no_argument, NULL, O_PASS},
		{"color", required_argument, NULL, O_COLOR},
		{"exit-status", no_argument, NULL, O_EXIT},
		{"no-ci", no_argument, NULL, O_NOCI},
		{"dotenv", required_argument, NULL, O_DOTENV},
		{"text", no_argument, NULL, O_FMT + 0},
		{"markdown", no_argument, NULL, O_FMT + 1},
		{"json", no_argument, NULL, O_FMT + 2},
		{"html", no_argument, NULL, O_FMT + 3},
		{"junit", no_argument, NULL, O_FMT + 4},
		{NULL, 0, NULL, 0},
	};
	struct rk_cli cli = {usage, "f:o:", longopts, argc, argv};
	const char *format = "text", *output = NULL, *color_when = "auto", *dotenv = NULL;
	const char *input, *nc = getenv("NO_COLOR"), *gha = getenv("GITHUB_ACTIONS");
	int pass = 0, exit_status = 0, ci = 1, color, c, rc = 0;
	struct rk_buf out = RK_BUF_INIT, ciout = RK_BUF_INIT;
	struct rk_report rep;
	struct rk_ndjson r;
	struct rk_err err;
	FILE *fp = stdin;

	rk_msg_init(argv[0]);
	while ((c = rk_cli_next(&cli)) != -1) {
		switch (c) {
		case 'f':
			if (strcmp(optarg, "text") && strcmp(optarg, "markdown") &&
			    strcmp(optarg, "json") && strcmp(optarg, "html") &&
			    strcmp(optarg, "junit"))
				rk_cli_usage_error(
					&cli,
					"--format: expected text, markdown, json, html or "
					"junit, got '%s'",
					optarg);
			format = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case O_PASS:
			pass = 1;
			break;
		case O_COLOR:
			if (strcmp(optarg, "auto") && strcmp(optarg, "always") &&
			    strcmp(optarg, "never"))
				rk_cli_usage_error(
					&cli, "--color: expected auto, always or never, got '%s'",
					optarg);
			color_when = optarg;
			break;
		case O_EXIT:
			exit_status = 1;
			break;
		case O_NOCI:
			ci = 0;
			break;
		case O_DOTENV:
			dotenv = optarg;
			break;
		case O_FMT:
		case O_FMT + 1:
		case O_FMT + 2:
		case O_FMT + 3:
		case O_FMT + 4:
			format = formats[c - O_FMT];
			break;
		}
	}
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
		if (pass)
			rk_ndjson_pass(&r);
	}
	if (c < 0)
		rk_die_err(&r.err);
	rk_report_finish(&rep);

	if (!strcmp(color_when, "always"))
		color = 1;
	else if (!strcmp(color_when, "never") || (nc && *nc))
		color = 0;
	else
		color = !output && isatty(pass ? 2 : 1);
	render(&rep, format, color && !strcmp(format, "text"), &out);
	if (output) {
		if (rk_write_file_atomic(output, out.data ? out.data : "", out.len, 0644) != 0) {
			rk_error("cannot write %s: %s", output, strerror(errno));
			rc = RK_EXIT_FAIL;
		}
	} else if (pass) {
		fwrite(out.data ? out.data : "", 1, out.len, stderr);
	} else {
		rk_out(out.data ? out.data : "", out.len);
	}

	if (dotenv) {
		rk_report_dotenv(&rep, &ciout);
		if (rk_write_file_atomic(dotenv, ciout.data, ciout.len, 0644) != 0) {
			rk_error("cannot write %s: %s", dotenv, strerror(errno));
			rc = RK_EXIT_FAIL;
		}
	}
	if (ci) {
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
	if (!rc && exit_status) {
		const char *st = rk_report_status(&rep);
		rc = !strcmp(st, "failed") ? RK_EXIT_FAIL : !strcmp(st, "partial") ? 4 : 0;
	}
	rk_buf_release(&out);
	rk_buf_release(&ciout);
	rk_report_release(&rep);
	rk_ndjson_release(&r);
	if (fp != stdin)
		fclose(fp);
	return rk_finish(rc);
}
