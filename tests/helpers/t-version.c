/*
 * t-version: drive lib/rk_version from tests.
 *
 *   t-version SCHEME parse V...             print each normalised form
 *   t-version SCHEME fields V               print the parsed fields, one per line
 *   t-version SCHEME compare A B            print "<", "=" or ">"
 *   t-version SCHEME sort                   sort stdin lines (stable), print normalised
 *   t-version SCHEME normalise              each stdin line: normalised form or "invalid"
 *   t-version SCHEME parse-stdin            parse all of stdin (NUL bytes included) as one
 *   t-version SCHEME bump KIND V            KIND: major minor patch alpha beta rc dev post release
 *   t-version SCHEME bump-pre LEVEL KIND V  LEVEL: major minor patch; KIND: alpha beta rc dev
 *   t-version SCHEME prerelease LABEL N V   rk_version_set_prerelease
 *   t-version ecosystem NAME                print the ecosystem's scheme
 *
 * SCHEME is semver or pep440. Errors: "t-version: [source:line: ]msg", exit 3;
 * bad usage exits 2.
 */
#include "rk_common.h"

#include <inttypes.h>

#include "rk_version.h"

static enum rk_version_scheme scheme;

static void usage(void)
{
	rk_die(RK_EXIT_USAGE,
	       "usage: t-version semver|pep440 "
	       "parse|fields|compare|sort|normalise|parse-stdin|bump|bump-pre|prerelease ARGS");
}

static void parse_or_die(struct rk_version *v, const char *s, size_t len, const char *source,
			 long line)
{
	struct rk_err err;
	if (rk_version_parse(v, scheme, s, len, &err) < 0) {
		err.source = source;
		err.line = line;
		rk_die_err(&err);
	}
}

static void print_version(const struct rk_version *v)
{
	struct rk_buf b = RK_BUF_INIT;
	rk_version_format(v, &b);
	rk_buf_addc(&b, '\n');
	rk_out(b.data, b.len);
	rk_buf_release(&b);
}

static void print_fields(const struct rk_version *v)
{
	static const char *const kinds[] = {"none", "dev", "alpha", "beta", "rc", "other"};
	printf("scheme=%s\n", rk_version_scheme_name(v->scheme));
	printf("epoch=%" PRIu64 "\n", v->epoch);
	printf("release=");
	for (size_t k = 0; k < v->nrelease; k++)
		printf("%s%" PRIu64, k ? "," : "", v->release[k]);
	printf("\npre_kind=%s\npre_num=%" PRIu64 "\n", kinds[v->pre_kind], v->pre_num);
	printf("pre=%s\n", v->pre ? v->pre : "(none)");
	if (v->has_post)
		printf("post=%" PRIu64 "\n", v->post);
	else
		printf("post=(none)\n");
	if (v->has_dev)
		printf("dev=%" PRIu64 "\n", v->dev);
	else
		printf("dev=(none)\n");
	printf("meta=%s\n", v->meta ? v->meta : "(none)");
	printf("prerelease=%s\n", rk_version_is_prerelease(v) ? "yes" : "no");
}

struct item {
	struct rk_version v;
	size_t index;
};

static int item_cmp(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	int c = rk_version_compare(&x->v, &y->v);
	if (c)
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

static int cmd_sort(void)
{
	struct rk_buf line = RK_BUF_INIT;
	struct item *items = NULL;
	size_t n = 0, cap = 0;
	int r;
	while ((r = rk_buf_getline(&line, stdin, NULL)) > 0) {
		RK_GROW(items, cap, n + 1);
		rk_version_init(&items[n].v);
		items[n].index = n;
		parse_or_die(&items[n].v, line.data ? line.data : "", line.len, "<stdin>",
			     (long)n + 1);
		n++;
	}
	if (r < 0)
		rk_die(RK_EXIT_FAIL, "reading stdin: %s", strerror(errno));
	if (n)
		qsort(items, n, sizeof(*items), item_cmp);
	for (size_t k = 0; k < n; k++) {
		print_version(&items[k].v);
		rk_version_release(&items[k].v);
	}
	free(items);
	rk_buf_release(&line);
	return 0;
}

static int cmd_normalise(void)
{
	struct rk_buf line = RK_BUF_INIT;
	struct rk_version v = RK_VERSION_INIT;
	int r;
	while ((r = rk_buf_getline(&line, stdin, NULL)) > 0) {
		if (rk_version_parse(&v, scheme, line.data ? line.data : "", line.len, NULL) < 0)
			rk_out("invalid\n", 8);
		else
			print_version(&v);
	}
	if (r < 0)
		rk_die(RK_EXIT_FAIL, "reading stdin: %s", strerror(errno));
	rk_version_release(&v);
	rk_buf_release(&line);
	return 0;
}

static enum rk_version_pre pre_kind(const char *s)
{
	if (strcmp(s, "alpha") == 0)
		return RK_VERSION_PRE_ALPHA;
	if (strcmp(s, "beta") == 0)
		return RK_VERSION_PRE_BETA;
	if (strcmp(s, "rc") == 0)
		return RK_VERSION_PRE_RC;
	if (strcmp(s, "dev") == 0)
		return RK_VERSION_PRE_DEV;
	rk_die(RK_EXIT_USAGE, "unknown pre-release kind '%s'", s);
}

int main(int argc, char **argv)
{
	int nargs;
	char **args;
	const char *cmd;
	struct rk_version v = RK_VERSION_INIT, w = RK_VERSION_INIT;
	struct rk_err err;
	rk_msg_init(argv[0]);
	if (argc == 3 && strcmp(argv[1], "ecosystem") == 0) {
		if (rk_version_scheme_for_ecosystem(argv[2], &scheme) < 0)
			rk_die(RK_EXIT_INPUT, "unknown ecosystem '%s'", argv[2]);
		puts(rk_version_scheme_name(scheme));
		return rk_finish(0);
	}
	if (argc < 3 || rk_version_scheme_parse(argv[1], &scheme) < 0)
		usage();
	cmd = argv[2];
	args = argv + 3;
	nargs = argc - 3;

	if (strcmp(cmd, "parse") == 0) {
		for (int k = 0; k < nargs; k++) {
			parse_or_die(&v, args[k], strlen(args[k]), NULL, 0);
			print_version(&v);
		}
	} else if (strcmp(cmd, "fields") == 0 && nargs == 1) {
		parse_or_die(&v, args[0], strlen(args[0]), NULL, 0);
		print_fields(&v);
	} else if (strcmp(cmd, "compare") == 0 && nargs == 2) {
		int c;
		parse_or_die(&v, args[0], strlen(args[0]), NULL, 0);
		parse_or_die(&w, args[1], strlen(args[1]), NULL, 0);
		c = rk_version_compare(&v, &w);
		if (rk_version_compare(&w, &v) != -c)
			rk_die(RK_EXIT_FAIL, "compare is not antisymmetric");
		rk_out(c < 0 ? "<\n" : c > 0 ? ">\n" : "=\n", 2);
	} else if (strcmp(cmd, "sort") == 0 && nargs == 0) {
		cmd_sort();
	} else if (strcmp(cmd, "normalise") == 0 && nargs == 0) {
		cmd_normalise();
	} else if (strcmp(cmd, "parse-stdin") == 0 && nargs == 0) {
		struct rk_buf in = RK_BUF_INIT;
		if (rk_buf_read_fp(&in, stdin) < 0)
			rk_die(RK_EXIT_FAIL, "reading stdin: %s", strerror(errno));
		parse_or_die(&v, in.data ? in.data : "", in.len, "<stdin>", 0);
		rk_buf_release(&in);
		print_version(&v);
	} else if (strcmp(cmd, "bump") == 0 && nargs == 2) {
		enum rk_version_bump kind;
		if (rk_version_bump_parse(args[0], &kind) < 0)
			rk_die(RK_EXIT_USAGE, "unknown bump '%s'", args[0]);
		parse_or_die(&v, args[1], strlen(args[1]), NULL, 0);
		if (rk_version_bump(&v, kind, &err) < 0)
			rk_die_err(&err);
		print_version(&v);
	} else if (strcmp(cmd, "bump-pre") == 0 && nargs == 3) {
		enum rk_version_pre kind;
		enum rk_version_bump level;
		if (rk_version_bump_parse(args[0], &level) < 0)
			rk_die(RK_EXIT_USAGE, "unknown level '%s'", args[0]);
		kind = pre_kind(args[1]);
		parse_or_die(&v, args[2], strlen(args[2]), NULL, 0);
		if (rk_version_bump_pre(&v, level, kind, &err) < 0)
			rk_die_err(&err);
		print_version(&v);
	} else if (strcmp(cmd, "prerelease") == 0 && nargs == 3) {
		uint64_t num;
		char *end;
		errno = 0;
		num = strtoull(args[1], &end, 10);
		if (errno || *end || !*args[1] || args[1][0] == '-')
			rk_die(RK_EXIT_USAGE, "bad number '%s'", args[1]);
		parse_or_die(&v, args[2], strlen(args[2]), NULL, 0);
		if (rk_version_set_prerelease(&v, args[0], num, &err) < 0)
			rk_die_err(&err);
		print_version(&v);
	} else {
		usage();
	}
	rk_version_release(&v);
	rk_version_release(&w);
	return rk_finish(0);
}
