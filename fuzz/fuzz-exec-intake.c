/*
 * fuzz-exec-intake: rk-exec's intake of action records: NDJSON lines read
 * as rk-exec reads them (rk_ndjson, with the record validator), each given
 * to rk_sched_add, then the DAG checked (rk_sched_validate: unknown deps,
 * duplicates, cycles). Nothing is run. Hostile output paths, env, argv,
 * deps and hooks must be refused with an error, never crash. (It was also
 * fuzz-actions, the same target twice; its seeds are here.)
 */
#include "rk_common.h"
#include "rk_cache.h"
#include "rk_json.h"
#include "rk_sched.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct rk_cache cache = {(char *)"/nonexistent"};
	struct rk_sched_opts o = {0};
	struct rk_sched *s;
	struct rk_ndjson r;
	struct rk_err err;
	FILE *fp;
	int rc;

	if (size == 0)
		return 0;
	fp = fmemopen((void *)data, size, "r");
	if (!fp)
		return 0;
	o.jobs = 1;
	o.default_retries = -1;
	o.repo_root = "/nonexistent";
	o.cache = &cache;
	s = rk_sched_new(&o);
	rk_ndjson_init(&r, fp, "<fuzz>");
	while ((rc = rk_ndjson_next(&r)) == 1)
		if (rk_sched_add(s, &r, &err) < 0)
			break;
	if (rc == 0)
		(void)rk_sched_validate(s, &err);
	rk_ndjson_release(&r);
	rk_sched_free(s);
	fclose(fp);
	return 0;
}
