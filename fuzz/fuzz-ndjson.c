/*
 * fuzz-ndjson - libFuzzer target for lib/rk_json: the strict reader, the
 * canonical form, the NDJSON stream reader and the writer.
 *
 * Checks beyond "no crash": an accepted text's canonical form parses and is
 * its own canonical form; iteration agrees with rk_json_len/rk_json_at;
 * whatever the writer produces from arbitrary bytes parses back.
 */
#include "rk_common.h"

#include <math.h>

#include "rk_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz-ndjson: check failed: %s\n", what);
		abort();
	}
}

static void walk(const struct rk_json *d, int t)
{
	enum rk_json_type ty = rk_json_type(d, t);
	long long iv;
	double dv;
	size_t n;
	int i = 0;

	rk_json_raw(d, t, &n);
	check(n > 0, "raw span of a value is not empty");
	if (ty == RK_JSON_NUMBER) {
		if (rk_json_int(d, t, &iv) == 0)
			check(rk_json_double(d, t, &dv) == 0, "an int is a double too");
	} else if (ty == RK_JSON_STRING) {
		check(rk_json_str(d, t) != NULL, "string has text");
		check(rk_json_str(d, t)[rk_json_strlen(d, t)] == '\0', "string is NUL-terminated");
	} else if (ty == RK_JSON_TRUE || ty == RK_JSON_FALSE) {
		check(rk_json_bool(d, t) == (ty == RK_JSON_TRUE), "bool");
	}
	for (int c = rk_json_first(d, t); c >= 0; c = rk_json_next(d, c), i++) {
		if (ty == RK_JSON_OBJECT) {
			check(rk_json_type(d, c) == RK_JSON_STRING, "object key is a string");
			check(rk_json_get(d, t, rk_json_str(d, c)) >= 0 ||
				      strlen(rk_json_str(d, c)) != rk_json_strlen(d, c),
			      "get finds every key");
			walk(d, rk_json_value(d, c));
		} else {
			if (i < 64)
				check(rk_json_at(d, t, i) == c, "at agrees with iteration");
			walk(d, c);
		}
	}
	check(i == rk_json_len(d, t), "iteration count equals len");
}

static void check_canonical(const uint8_t *data, size_t size)
{
	struct rk_json d = RK_JSON_INIT, d2 = RK_JSON_INIT;
	struct rk_buf c1 = RK_BUF_INIT, c2 = RK_BUF_INIT;
	struct rk_err err;

	if (rk_json_parse(&d, (const char *)data, size, "fuzz", 1, &err) == 0) {
		walk(&d, 0);
		rk_json_canonical(&d, 0, &c1);
		check(rk_json_parse(&d2, c1.data, c1.len, "canon", 1, &err) == 0,
		      "canonical form parses");
		rk_json_canonical(&d2, 0, &c2);
		check(c1.len == c2.len && !memcmp(c1.data, c2.data, c1.len),
		      "canonical form is stable");
	} else {
		check(err.line >= 1 && err.col >= 1 && err.msg[0],
		      "error has a position and reason");
	}
	rk_json_release(&d);
	rk_json_release(&d2);
	rk_buf_release(&c1);
	rk_buf_release(&c2);
}

static void check_ndjson(const uint8_t *data, size_t size)
{
	struct rk_ndjson r;
	struct rk_buf b = RK_BUF_INIT;
	FILE *fp;
	int rc;

	if (size == 0)
		return;
	fp = fmemopen((void *)data, size, "r");
	if (!fp)
		return;
	rk_ndjson_init(&r, fp, "fuzz");
	while ((rc = rk_ndjson_next(&r)) > 0) {
		check(r.kind != NULL, "record has a kind");
		rk_buf_reset(&b);
		rk_json_canonical(&r.doc, 0, &b);
	}
	if (rc < 0)
		check(r.err.line >= 1 && r.err.msg[0], "stream error has a line and reason");
	rk_ndjson_release(&r);
	rk_buf_release(&b);
	fclose(fp);
}

static void check_writer(const uint8_t *data, size_t size)
{
	struct rk_buf out = RK_BUF_INIT;
	struct rk_json d = RK_JSON_INIT;
	struct rk_jw w;
	struct rk_err err;
	double v = 0;
	long long iv = 0;

	if (size >= sizeof(v))
		memcpy(&v, data, sizeof(v));
	if (size >= sizeof(iv))
		memcpy(&iv, data + size - sizeof(iv), sizeof(iv));
	rk_jw_init(&w, &out);
	rk_jw_obj(&w);
	rk_jw_kstr(&w, "kind", "fuzz");
	rk_jw_key(&w, (const char *)"s");
	rk_jw_strn(&w, (const char *)data, size);
	rk_jw_key(&w, "d");
	rk_jw_double(&w, v);
	rk_jw_kint(&w, "i", iv);
	rk_jw_key(&w, "a");
	rk_jw_arr(&w);
	rk_jw_bool(&w, size & 1);
	rk_jw_null(&w);
	rk_jw_arr_end(&w);
	rk_jw_obj_end(&w);
	check(rk_json_parse(&d, out.data, out.len, "writer", 1, &err) == 0, "writer output parses");
	if (isfinite(v)) {
		double back;
		check(rk_json_double(&d, rk_json_get(&d, 0, "d"), &back) == 0 && back == v,
		      "double round-trips");
	}
	{
		long long back;
		check(rk_json_int(&d, rk_json_get(&d, 0, "i"), &back) == 0 && back == iv,
		      "int round-trips");
	}
	rk_json_release(&d);
	rk_buf_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_canonical(data, size);
	check_ndjson(data, size);
	check_writer(data, size);
	return 0;
}
