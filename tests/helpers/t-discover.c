/*
 * t-discover: drive rk_glob and rk_pep508 from bats.
 *   t-discover glob PATTERN PATH...   one line per PATH: "match" or "no"
 *   t-discover pep508 REQ...          name|extras|spec|url|marker, or "error COL: msg"
 *   t-discover norm NAME...           the PEP 503 form
 *   t-discover normpath PATH...       rk_path_normalize, or "error"
 *   t-discover semver RANGE VERSION... one line per VERSION: 1, 0 or -1
 *                                     (rk_npm_range_satisfied)
 */
#include "rk_common.h"
#include "rk_glob.h"
#include "rk_pep508.h"
#include "rk_semver_range.h"

int main(int argc, char **argv)
{
	int i;

	rk_msg_init(argv[0]);
	if (argc < 2)
		rk_die(RK_EXIT_USAGE, "usage: t-discover glob|pep508|norm|normpath ARGS");
	if (!strcmp(argv[1], "glob") && argc >= 3) {
		for (i = 3; i < argc; i++)
			printf("%s\n", rk_glob_match(argv[2], argv[i]) ? "match" : "no");
	} else if (!strcmp(argv[1], "pep508")) {
		for (i = 2; i < argc; i++) {
			struct rk_pep508 r;
			struct rk_err err = {0};

			if (rk_pep508_parse(&r, argv[i], &err) < 0) {
				printf("error %ld: %s\n", err.col, err.msg);
				continue;
			}
			printf("%s|%s|%s|%s|%s\n", r.name, r.extras, r.spec, r.url ? r.url : "-",
			       r.marker ? r.marker : "-");
			rk_pep508_release(&r);
		}
	} else if (!strcmp(argv[1], "semver") && argc >= 3) {
		for (i = 3; i < argc; i++)
			printf("%d\n", rk_npm_range_satisfied(argv[2], argv[i]));
	} else if (!strcmp(argv[1], "norm")) {
		for (i = 2; i < argc; i++) {
			char *n = rk_pep503_normalize(argv[i], strlen(argv[i]));

			printf("%s\n", n);
			free(n);
		}
	} else if (!strcmp(argv[1], "normpath")) {
		for (i = 2; i < argc; i++) {
			char *p = rk_xstrdup(argv[i]);

			printf("%s\n", rk_path_normalize(p) < 0 ? "error" : p);
			free(p);
		}
	} else {
		rk_die(RK_EXIT_USAGE, "unknown command '%s'", argv[1]);
	}
	return rk_finish(0);
}
