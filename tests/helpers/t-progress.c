/*
 * t-progress: drive rk_progress from tests.
 *
 *   t-progress MODE < RECORDS   MODE is plain or live (written to stderr, fd 2,
 *       without colour); action records go to rk_progress_action, package
 *       records with a level to rk_progress_level, everything else to
 *       rk_progress_record, as rk-exec does.
 */
#include "rk_common.h"
#include "rk_json.h"
#include "rk_progress.h"

int main(int argc, char **argv)
{
	enum rk_progress_mode mode;
	struct rk_progress *p;
	struct rk_ndjson r;
	long long lv;
	int rc;

	rk_msg_init(argv[0]);
	if (argc != 2 || rk_progress_parse_mode(argv[1], 2, &mode) != 0)
		rk_die(RK_EXIT_USAGE, "usage: t-progress plain|live < records");
	p = rk_progress_new(2, mode, 0);
	rk_ndjson_init(&r, stdin, "<stdin>");
	while ((rc = rk_ndjson_next(&r)) == 1) {
		if (!strcmp(r.kind, "action"))
			rk_progress_action(p, rk_json_get_str(&r.doc, 0, "id"),
					   rk_json_get_str(&r.doc, 0, "type"),
					   rk_json_get_str(&r.doc, 0, "package"));
		else if (!strcmp(r.kind, "package") &&
			 rk_json_int(&r.doc, rk_json_get(&r.doc, 0, "level"), &lv) == 0)
			rk_progress_level(p, rk_json_get_str(&r.doc, 0, "name"), (int)lv);
		else
			rk_progress_record(p, r.text.data, r.text.len);
	}
	if (rc < 0)
		rk_die_err(&r.err);
	rk_progress_free(p);
	rk_ndjson_release(&r);
	return rk_finish(0);
}
