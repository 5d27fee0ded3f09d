/*
 * t-json - drive lib/rk_json from tests/json.bats.
 *
 *   t-json parse [SOURCE]    NDJSON on stdin; print each record's canonical form
 *   t-json pass              NDJSON on stdin; pass every record through unchanged
 *   t-json kinds             NDJSON on stdin; print "LINE KIND" per record
 *   t-json canon             one JSON text on stdin; print its canonical form
 *   t-json get PATH...       one JSON text on stdin; describe the value at PATH
 *                            (object keys, array indexes)
 *   t-json children PATH...  one JSON text; list the children of the value at PATH
 *   t-json write             writer script on stdin (see run_write); print the JSON
 *   t-json quote             stdin bytes as one JSON string literal
 *   t-json cases             one JSON text per stdin line, "%HH" standing for
 *                            the byte 0xHH ("%%" for '%'); print per line
 *                            "CASE<TAB>ok CANONICAL" or "CASE<TAB>error L:C: MSG"
 *
 * Input errors print "t-json: source:line:col: reason" and exit 3.
 */
#include "rk_common.h"

#include "rk_json.h"
#include "rk_utf8.h"

static _Noreturn void usage(void)
{
	fprintf(stderr,
		"usage: t-json parse|pass|kinds|canon|get|children|write|quote|cases [ARGS]\n");
	exit(RK_EXIT_USAGE);
}

static void read_doc(struct rk_buf *text, struct rk_json *d)
{
	struct rk_err err = {0};

	if (rk_buf_read_fp(text, stdin))
		rk_die(RK_EXIT_FAIL, "read error: %s", strerror(errno));
	if (rk_json_parse(d, text->data ? text->data : "", text->len, "<stdin>", 1, &err))
		rk_die_err(&err);
}

static int walk(const struct rk_json *d, int argc, char **argv)
{
	int t = 0;

	for (int i = 0; i < argc; i++) {
		if (rk_json_type(d, t) == RK_JSON_ARRAY)
			t = rk_json_at(d, t, atoi(argv[i]));
		else
			t = rk_json_get(d, t, argv[i]);
	}
	return t;
}

static const char *type_name(enum rk_json_type ty)
{
	static const char *names[] = {"none",	"object", "array", "string",
				      "number", "true",	  "false", "null"};

	return names[ty];
}

static void describe(const struct rk_json *d, int t)
{
	struct rk_buf b = RK_BUF_INIT;
	enum rk_json_type ty = rk_json_type(d, t);
	long long iv;
	double dv;
	size_t rawlen;
	const char *raw = rk_json_raw(d, t, &rawlen);

	rk_buf_adds(&b, type_name(ty));
	switch (ty) {
	case RK_JSON_OBJECT:
	case RK_JSON_ARRAY:
		rk_buf_addf(&b, " %d", rk_json_len(d, t));
		break;
	case RK_JSON_STRING:
		rk_buf_addf(&b, " %zu ", rk_json_strlen(d, t));
		rk_buf_add(&b, rk_json_str(d, t), rk_json_strlen(d, t));
		break;
	case RK_JSON_NUMBER:
		rk_buf_addc(&b, ' ');
		rk_buf_add(&b, raw, rawlen);
		if (rk_json_int(d, t, &iv) == 0)
			rk_buf_addf(&b, " int=%lld", iv);
		else
			rk_buf_adds(&b, " int=-");
		if (rk_json_double(d, t, &dv) == 0)
			rk_buf_addf(&b, " double=%.17g", dv);
		else
			rk_buf_adds(&b, " double=-");
		break;
	case RK_JSON_TRUE:
	case RK_JSON_FALSE:
		rk_buf_addf(&b, " bool=%d", rk_json_bool(d, t));
		break;
	default:
		break;
	}
	rk_buf_addc(&b, '\n');
	rk_out(b.data, b.len);
	rk_buf_release(&b);
}

static void children(const struct rk_json *d, int t)
{
	struct rk_buf b = RK_BUF_INIT;
	int i = 0;

	for (int c = rk_json_first(d, t); c >= 0; c = rk_json_next(d, c), i++) {
		rk_buf_reset(&b);
		if (rk_json_type(d, t) == RK_JSON_OBJECT) {
			rk_buf_add(&b, rk_json_str(d, c), rk_json_strlen(d, c));
			rk_buf_addc(&b, '\t');
			rk_json_canonical(d, rk_json_value(d, c), &b);
		} else {
			if (rk_json_at(d, t, i) != c)
				rk_die(RK_EXIT_FAIL, "rk_json_at(%d) disagrees with iteration", i);
			rk_json_canonical(d, c, &b);
		}
		rk_record_emit(&b);
	}
	if (i != rk_json_len(d, t))
		rk_die(RK_EXIT_FAIL, "iterated %d children, rk_json_len says %d", i,
		       rk_json_len(d, t));
	rk_buf_release(&b);
}

/*
 * Writer script, one command a line:
 *   obj | end_obj | arr | end_arr | null | key K | str S | strhex HEX | nullstr
 *   int N | double D | bool 0|1 | raw JSON | kstr K S | kint K N | kbool K B
 *   emit (write the record so far plus '\n' and start the next)
 */
static int run_write(void)
{
	struct rk_buf line = RK_BUF_INIT, out = RK_BUF_INIT, bytes = RK_BUF_INIT;
	struct rk_jw w;
	int rc;

	rk_jw_init(&w, &out);
	while ((rc = rk_buf_getline(&line, stdin, NULL)) > 0) {
		char *cmd = line.data, *arg = strchr(line.data, ' '), *arg2 = NULL;

		if (arg) {
			*arg++ = '\0';
			arg2 = strchr(arg, ' ');
		}
		if (!strcmp(cmd, "obj")) {
			rk_jw_obj(&w);
		} else if (!strcmp(cmd, "end_obj")) {
			rk_jw_obj_end(&w);
		} else if (!strcmp(cmd, "arr")) {
			rk_jw_arr(&w);
		} else if (!strcmp(cmd, "end_arr")) {
			rk_jw_arr_end(&w);
		} else if (!strcmp(cmd, "null")) {
			rk_jw_null(&w);
		} else if (!strcmp(cmd, "nullstr")) {
			rk_jw_str(&w, NULL);
		} else if (!strcmp(cmd, "emit")) {
			rk_record_emit(&out);
			rk_jw_init(&w, &out);
		} else if (!arg) {
			rk_die(RK_EXIT_USAGE, "write: bad command '%s'", cmd);
		} else if (!strcmp(cmd, "key")) {
			rk_jw_key(&w, arg);
		} else if (!strcmp(cmd, "str")) {
			rk_jw_str(&w, arg);
		} else if (!strcmp(cmd, "strhex")) {
			rk_buf_reset(&bytes);
			for (size_t i = 0; arg[i] && arg[i + 1]; i += 2)
				rk_buf_addc(&bytes,
					    (char)(rk_hexval(arg[i]) * 16 + rk_hexval(arg[i + 1])));
			rk_jw_strn(&w, bytes.data ? bytes.data : "", bytes.len);
		} else if (!strcmp(cmd, "int")) {
			rk_jw_int(&w, strtoll(arg, NULL, 10));
		} else if (!strcmp(cmd, "double")) {
			rk_jw_double(&w, strtod(arg, NULL));
		} else if (!strcmp(cmd, "bool")) {
			rk_jw_bool(&w, atoi(arg));
		} else if (!strcmp(cmd, "raw")) {
			rk_jw_raw(&w, arg, strlen(arg));
		} else if (arg2 && !strcmp(cmd, "kstr")) {
			*arg2++ = '\0';
			rk_jw_kstr(&w, arg, arg2);
		} else if (arg2 && !strcmp(cmd, "kint")) {
			*arg2++ = '\0';
			rk_jw_kint(&w, arg, strtoll(arg2, NULL, 10));
		} else if (arg2 && !strcmp(cmd, "kbool")) {
			*arg2++ = '\0';
			rk_jw_kbool(&w, arg, atoi(arg2));
		} else {
			rk_die(RK_EXIT_USAGE, "write: bad command '%s'", cmd);
		}
	}
	if (rc < 0)
		rk_die(RK_EXIT_FAIL, "read error: %s", strerror(errno));
	if (out.len)
		rk_record_emit(&out);
	rk_buf_release(&line);
	rk_buf_release(&out);
	rk_buf_release(&bytes);
	return 0;
}

/*
 * Each accepted case's canonical form must itself parse and be its own
 * canonical form; the helper fails loudly otherwise.
 */
static int run_cases(void)
{
	struct rk_buf line = RK_BUF_INIT, text = RK_BUF_INIT, canon = RK_BUF_INIT,
		      again = RK_BUF_INIT, out = RK_BUF_INIT;
	struct rk_json d = RK_JSON_INIT, d2 = RK_JSON_INIT;
	struct rk_err err;
	int rc;

	while ((rc = rk_buf_getline(&line, stdin, NULL)) > 0) {
		rk_buf_reset(&text);
		for (size_t i = 0; i < line.len; i++) {
			if (line.data[i] == '%' && i + 1 < line.len && line.data[i + 1] == '%') {
				rk_buf_addc(&text, '%');
				i++;
			} else if (line.data[i] == '%' && i + 2 < line.len &&
				   rk_hexval(line.data[i + 1]) >= 0 &&
				   rk_hexval(line.data[i + 2]) >= 0) {
				rk_buf_addc(&text, (char)(rk_hexval(line.data[i + 1]) * 16 +
							  rk_hexval(line.data[i + 2])));
				i += 2;
			} else {
				rk_buf_addc(&text, line.data[i]);
			}
		}
		rk_buf_reset(&out);
		rk_buf_add(&out, line.data, line.len);
		rk_buf_addc(&out, '\t');
		memset(&err, 0, sizeof(err));
		if (rk_json_parse(&d, text.data ? text.data : "", text.len, "case", 1, &err)) {
			rk_buf_addf(&out, "error %ld:%ld: %s", err.line, err.col, err.msg);
		} else {
			rk_buf_reset(&canon);
			rk_json_canonical(&d, 0, &canon);
			rk_buf_reset(&again);
			if (rk_json_parse(&d2, canon.data, canon.len, "canon", 1, &err))
				rk_die(RK_EXIT_FAIL, "canonical form of '%s' does not parse: %s",
				       line.data, err.msg);
			rk_json_canonical(&d2, 0, &again);
			if (again.len != canon.len || memcmp(again.data, canon.data, canon.len))
				rk_die(RK_EXIT_FAIL, "canonical form of '%s' is not stable",
				       line.data);
			rk_buf_adds(&out, "ok ");
			rk_buf_add(&out, canon.data, canon.len);
		}
		rk_record_emit(&out);
	}
	if (rc < 0)
		rk_die(RK_EXIT_FAIL, "read error: %s", strerror(errno));
	rk_json_release(&d);
	rk_json_release(&d2);
	rk_buf_release(&line);
	rk_buf_release(&text);
	rk_buf_release(&canon);
	rk_buf_release(&again);
	rk_buf_release(&out);
	return 0;
}

static int run_ndjson(const char *mode, const char *source)
{
	struct rk_ndjson r;
	struct rk_buf b = RK_BUF_INIT;
	int rc;

	rk_ndjson_init(&r, stdin, source);
	while ((rc = rk_ndjson_next(&r)) > 0) {
		rk_buf_reset(&b);
		if (!strcmp(mode, "pass")) {
			rk_ndjson_pass(&r);
			continue;
		}
		if (!strcmp(mode, "kinds"))
			rk_buf_addf(&b, "%ld %s", r.line, r.kind);
		else
			rk_json_canonical(&r.doc, 0, &b);
		rk_record_emit(&b);
	}
	rk_buf_release(&b);
	if (rc < 0) {
		struct rk_err err = r.err;
		rk_ndjson_release(&r);
		rk_die_err(&err);
	}
	rk_ndjson_release(&r);
	return 0;
}

int main(int argc, char **argv)
{
	struct rk_buf text = RK_BUF_INIT, out = RK_BUF_INIT;
	struct rk_json d = RK_JSON_INIT;
	const char *cmd;
	int t;

	rk_msg_init(argv[0]);
	if (argc < 2)
		usage();
	cmd = argv[1];
	if (!strcmp(cmd, "parse") || !strcmp(cmd, "pass") || !strcmp(cmd, "kinds"))
		return rk_finish(run_ndjson(cmd, argc > 2 ? argv[2] : "<stdin>"));
	if (!strcmp(cmd, "write"))
		return rk_finish(run_write());
	if (!strcmp(cmd, "cases"))
		return rk_finish(run_cases());
	if (!strcmp(cmd, "quote")) {
		if (rk_buf_read_fp(&text, stdin))
			rk_die(RK_EXIT_FAIL, "read error: %s", strerror(errno));
		rk_json_quote(&out, text.data ? text.data : "", text.len);
		rk_record_emit(&out);
	} else if (!strcmp(cmd, "canon")) {
		read_doc(&text, &d);
		rk_json_canonical(&d, 0, &out);
		rk_record_emit(&out);
	} else if (!strcmp(cmd, "get")) {
		read_doc(&text, &d);
		describe(&d, walk(&d, argc - 2, argv + 2));
	} else if (!strcmp(cmd, "children")) {
		read_doc(&text, &d);
		t = walk(&d, argc - 2, argv + 2);
		children(&d, t);
	} else {
		usage();
	}
	rk_json_release(&d);
	rk_buf_release(&text);
	rk_buf_release(&out);
	return rk_finish(0);
}
