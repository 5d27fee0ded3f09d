/*
 * t-record: drive lib/rk_record (the record validator) from tests.
 *
 *   t-record selfcheck   check the compiled-in schemas (keywords, patterns,
 *                        $refs); prints the kinds, one per line
 *   t-record check [--required]
 *                        each stdin line: "ok" or "bad: MESSAGE" (one line
 *                        per record, blank lines skipped), exit 0;
 *                        --required: RK_RECORD_REQUIRED
 *   t-record need FIELD...
 *                        each stdin line: "ok" or "bad: MESSAGE" from
 *                        rk_record_need with the FIELD paths, exit 0
 *
 * Errors: "t-record: msg", exit 3; bad usage exits 2.
 */
#include "rk_common.h"

#include "rk_json.h"
#include "rk_record.h"

int main(int argc, char **argv)
{
	struct rk_err err;
	struct rk_buf line = RK_BUF_INIT;
	struct rk_json d = RK_JSON_INIT;
	size_t i;
	long n = 0;
	int rc, need;

	rk_msg_init(argv[0]);
	if (argc == 2 && !strcmp(argv[1], "selfcheck")) {
		if (rk_record_selfcheck(&err))
			rk_die_err(&err);
		for (i = 0; rk_record_schemas[i].kind; i++)
			printf("%s\n", rk_record_schemas[i].kind);
		return rk_finish(0);
	}
	if (argc < 2 || (!strcmp(argv[1], "need") && argc < 3) ||
	    (strcmp(argv[1], "need") && (argc > 3 || strcmp(argv[1], "check") ||
					 (argc == 3 && strcmp(argv[2], "--required")))))
		rk_die(RK_EXIT_USAGE, "usage: t-record selfcheck|check [--required]|need FIELD...");
	need = !strcmp(argv[1], "need");
	while ((rc = rk_buf_getline(&line, stdin, NULL)) > 0) {
		n++;
		if (!line.len)
			continue;
		if (rk_json_parse(&d, line.data, line.len, "<stdin>", n, &err) == 0 &&
		    rk_json_type(&d, 0) == RK_JSON_OBJECT &&
		    (need ? rk_record_need(&d, "<stdin>", n, (const char *const *)argv + 2, &err)
			  : rk_record_check(&d, "<stdin>", n,
					    argc == 3 ? RK_RECORD_REQUIRED : RK_RECORD_PRESENT,
					    &err)) == 0) {
			printf("ok\n");
		} else {
			char msg[RK_ERR_MAX + 64];

			rk_err_format(&err, msg, sizeof(msg));
			printf("bad: %s\n", msg);
		}
	}
	rk_json_release(&d);
	rk_buf_release(&line);
	return rk_finish(rc < 0 ? RK_EXIT_FAIL : 0);
}
