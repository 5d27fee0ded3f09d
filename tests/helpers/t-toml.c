/*
 * t-toml - drive lib/rk_toml from the tests.
 *
 *   t-toml [decode [FILE]]      TOML on stdin (or FILE) to toml-test's tagged JSON
 *                               ({"type":"string","value":"..."}) on stdout
 *   t-toml get FILE KEY.PATH    the value's span and key span, then its source text
 *   t-toml set FILE KEY.PATH TEXT
 *                               the file with that value's text replaced (rk_toml_splice);
 *                               the result must parse again
 *   t-toml set-string FILE KEY.PATH STRING
 *                               the same with rk_toml_set_string (quoting kept)
 *   t-toml spans FILE           every value: path, value span, key span
 *   t-toml verify-spans FILE... check every span (see verify()); "ok: N values, M keys"
 *                               (prefixed by the file name when there are several)
 *   t-toml scan FILE...         parse each: "FILE: ok" or "FILE:LINE:COL: reason"; exit 0
 *   t-toml check FILE...        parse each file, print "ok" or exit 3
 *
 * KEY.PATH is split at '.'; a number selects an array element (package.0.name).
 * Bad TOML: one line "t-toml: file:line:col: reason" on stderr, exit 3
 * (exit 1 in decode mode, as toml-test expects).
 */
#include "rk_common.h"

#include <math.h>

#include "rk_json.h"
#include "rk_toml.h"

static void tagged(struct rk_buf *b, const char *type, const char *val, size_t n)
{
	rk_buf_adds(b, "{\"type\":\"");
	rk_buf_adds(b, type);
	rk_buf_adds(b, "\",\"value\":");
	rk_json_quote(b, val, n);
	rk_buf_addc(b, '}');
}

static void fmt_float(char *out, size_t outlen, double f)
{
	if (isnan(f)) {
		snprintf(out, outlen, "nan");
		return;
	}
	if (isinf(f)) {
		snprintf(out, outlen, f < 0 ? "-inf" : "inf");
		return;
	}
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(out, outlen, "%.*g", prec, f);
		if (strtod(out, NULL) == f)
			return;
	}
}

static void to_json(struct rk_buf *b, const struct rk_toml_value *v)
{
	char num[64];
	switch (rk_toml_type(v)) {
	case RK_TOML_TABLE:
		rk_buf_addc(b, '{');
		for (size_t i = 0; i < rk_toml_len(v); i++) {
			if (i)
				rk_buf_addc(b, ',');
			rk_json_quote(b, rk_toml_key_at(v, i), rk_toml_key_len_at(v, i));
			rk_buf_addc(b, ':');
			to_json(b, rk_toml_at(v, i));
		}
		rk_buf_addc(b, '}');
		break;
	case RK_TOML_ARRAY:
		rk_buf_addc(b, '[');
		for (size_t i = 0; i < rk_toml_len(v); i++) {
			if (i)
				rk_buf_addc(b, ',');
			to_json(b, rk_toml_at(v, i));
		}
		rk_buf_addc(b, ']');
		break;
	case RK_TOML_STRING:
		tagged(b, "string", rk_toml_str(v), rk_toml_strlen(v));
		break;
	case RK_TOML_INTEGER: {
		long long i = 0;
		rk_toml_int(v, &i);
		snprintf(num, sizeof(num), "%lld", i);
		tagged(b, "integer", num, strlen(num));
		break;
	}
	case RK_TOML_FLOAT: {
		double f = 0;
		rk_toml_float(v, &f);
		fmt_float(num, sizeof(num), f);
		tagged(b, "float", num, strlen(num));
		break;
	}
	case RK_TOML_BOOL: {
		int t = 0;
		rk_toml_bool(v, &t);
		tagged(b, "bool", t ? "true" : "false", t ? 4 : 5);
		break;
	}
	case RK_TOML_DATETIME:
		tagged(b, "datetime", rk_toml_datetime(v), strlen(rk_toml_datetime(v)));
		break;
	case RK_TOML_DATETIME_LOCAL:
		tagged(b, "datetime-local", rk_toml_datetime(v), strlen(rk_toml_datetime(v)));
		break;
	case RK_TOML_DATE_LOCAL:
		tagged(b, "date-local", rk_toml_datetime(v), strlen(rk_toml_datetime(v)));
		break;
	case RK_TOML_TIME_LOCAL:
		tagged(b, "time-local", rk_toml_datetime(v), strlen(rk_toml_datetime(v)));
		break;
	default:
		rk_buf_adds(b, "null");
		break;
	}
}

/* Parse a file or die: exit 3 on bad TOML (exit 1 in decode mode: toml-test wants it). */
static int bad_input_code = RK_EXIT_INPUT;

static struct rk_toml_doc *load(const char *path)
{
	struct rk_err err = {0};
	struct rk_toml_doc *doc = rk_toml_parse_file(path, &err);
	if (!doc) {
		if (err.line == 0)
			rk_die(RK_EXIT_FAIL, "%s: %s", err.source, err.msg);
		rk_err_print(&err);
		exit(bad_input_code);
	}
	return doc;
}

static const struct rk_toml_value *lookup(const struct rk_toml_doc *doc, const char *path)
{
	const struct rk_toml_value *v = rk_toml_root(doc);
	char *copy = rk_xstrdup(path);
	char *s = copy;
	while (v && s) {
		char *dot = strchr(s, '.');
		if (dot)
			*dot = '\0';
		if (rk_toml_type(v) == RK_TOML_ARRAY) {
			char *end;
			unsigned long i = strtoul(s, &end, 10);
			v = (*s && !*end) ? rk_toml_at(v, i) : NULL;
		} else {
			v = rk_toml_get(v, s);
		}
		s = dot ? dot + 1 : NULL;
	}
	free(copy);
	if (!v)
		rk_die(RK_EXIT_FAIL, "no value at '%s'", path);
	return v;
}

static void print_span(struct rk_buf *b, const char *what, struct rk_toml_span sp)
{
	rk_buf_addf(b, "%s %zu %zu %ld:%ld\n", what, sp.start, sp.end, sp.line, sp.col);
}

static void spans(struct rk_buf *b, const struct rk_toml_value *v, struct rk_buf *path)
{
	size_t n = rk_toml_len(v);
	int table = rk_toml_type(v) == RK_TOML_TABLE;
	for (size_t i = 0; i < n; i++) {
		struct rk_toml_span sp, ks;
		const struct rk_toml_value *c;
		size_t mark = path->len;
		if (mark)
			rk_buf_addc(path, '.');
		if (table)
			rk_buf_adds(path, rk_toml_key_at(v, i));
		else
			rk_buf_addf(path, "%zu", i);
		c = rk_toml_at(v, i);
		sp = rk_toml_span(c);
		ks = rk_toml_key_span(c);
		rk_buf_addf(b, "%s value %zu-%zu %ld:%ld key %zu-%zu %ld:%ld%s\n", path->data,
			    sp.start, sp.end, sp.line, sp.col, ks.start, ks.end, ks.line, ks.col,
			    rk_toml_is_inline(c) ? " inline" : "");
		spans(b, c, path);
		rk_buf_truncate(path, mark);
	}
}

/*
 * verify-spans: every value's span text, parsed on its own as "x = TEXT",
 * must give the same value; every key's span text must parse as that key;
 * line and column must match the offset.
 */
struct verify {
	const char *src;
	size_t len;
	long values, keys, bad;
};

static void line_col(const char *src, size_t off, long *line, long *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off; i++) {
		if (src[i] == '\n') {
			++*line;
			*col = 1;
		} else if (((unsigned char)src[i] & 0xC0) != 0x80 &&
			   !(i == 0 && memcmp(src, "\xEF\xBB\xBF", 3) == 0)) {
			++*col; /* characters; a leading byte order mark is not one */
		}
	}
}

static void verify_span(struct verify *vf, const char *path, const char *what,
			struct rk_toml_span sp)
{
	long line, col;
	if (sp.start > sp.end || sp.end > vf->len) {
		printf("%s: %s span %zu-%zu out of bounds\n", path, what, sp.start, sp.end);
		vf->bad++;
		return;
	}
	line_col(vf->src, sp.start, &line, &col);
	if (line != sp.line || col != sp.col) {
		printf("%s: %s span at %ld:%ld, expected %ld:%ld\n", path, what, sp.line, sp.col,
		       line, col);
		vf->bad++;
	}
}

static void verify(struct verify *vf, const struct rk_toml_value *v, struct rk_buf *path)
{
	size_t n = rk_toml_len(v);
	int table = rk_toml_type(v) == RK_TOML_TABLE;
	for (size_t i = 0; i < n; i++) {
		struct rk_toml_span sp, ks;
		const struct rk_toml_value *c;
		struct rk_buf t = RK_BUF_INIT, a = RK_BUF_INIT, b = RK_BUF_INIT;
		struct rk_err err = {0};
		size_t mark = path->len;
		if (mark)
			rk_buf_addc(path, '.');
		if (table)
			rk_buf_adds(path, rk_toml_key_at(v, i));
		else
			rk_buf_addf(path, "%zu", i);
		c = rk_toml_at(v, i);
		sp = rk_toml_span(c);
		ks = rk_toml_key_span(c);
		verify_span(vf, path->data, "value", sp);
		if (table)
			verify_span(vf, path->data, "key", ks);
		if (rk_toml_type(c) != RK_TOML_TABLE || rk_toml_is_inline(c)) {
			if (rk_toml_type(c) != RK_TOML_ARRAY || rk_toml_is_inline(c)) {
				struct rk_toml_doc *d;
				rk_buf_adds(&t, "x = ");
				rk_buf_add(&t, vf->src + sp.start, sp.end - sp.start);
				rk_buf_addc(&t, '\n');
				d = rk_toml_parse(t.data, t.len, "<span>", &err);
				to_json(&a, c);
				to_json(&b, rk_toml_get(rk_toml_root(d), "x"));
				if (!d || a.len != b.len || memcmp(a.data, b.data, a.len) != 0) {
					printf("%s: value span text '%.*s' does not give the value\n",
					       path->data, (int)(sp.end - sp.start),
					       vf->src + sp.start);
					vf->bad++;
				}
				rk_toml_free(d);
				vf->values++;
			}
		} else if (sp.end > sp.start &&
			   (vf->src[sp.start] != '[' || vf->src[sp.end - 1] != ']')) {
			printf("%s: table span '%.*s' is not a header\n", path->data,
			       (int)(sp.end - sp.start), vf->src + sp.start);
			vf->bad++;
		}
		if (table) {
			const struct rk_toml_value *r;
			struct rk_toml_doc *d;
			rk_buf_reset(&t);
			rk_buf_add(&t, vf->src + ks.start, ks.end - ks.start);
			rk_buf_adds(&t, " = 1\n");
			d = rk_toml_parse(t.data, t.len, "<key>", &err);
			r = rk_toml_root(d);
			if (!d || rk_toml_len(r) != 1 ||
			    rk_toml_key_len_at(r, 0) != rk_toml_key_len_at(v, i) ||
			    memcmp(rk_toml_key_at(r, 0), rk_toml_key_at(v, i),
				   rk_toml_key_len_at(v, i)) != 0) {
				printf("%s: key span text '%.*s' is not the key\n", path->data,
				       (int)(ks.end - ks.start), vf->src + ks.start);
				vf->bad++;
			}
			rk_toml_free(d);
			vf->keys++;
		}
		rk_buf_release(&t);
		rk_buf_release(&a);
		rk_buf_release(&b);
		verify(vf, c, path);
		rk_buf_truncate(path, mark);
	}
}

int main(int argc, char **argv)
{
	struct rk_buf out = RK_BUF_INIT;
	rk_msg_init(argv[0]);

	if (argc == 1 || (strcmp(argv[1], "decode") == 0 && argc <= 3)) {
		struct rk_toml_doc *doc;
		const char *path = argc == 3 ? argv[2] : "-";
		bad_input_code = RK_EXIT_FAIL;
		doc = load(path);
		to_json(&out, rk_toml_root(doc));
		rk_buf_addc(&out, '\n');
		rk_toml_free(doc);
	} else if (strcmp(argv[1], "get") == 0 && argc == 4) {
		struct rk_toml_doc *doc = load(argv[2]);
		const struct rk_toml_value *v = lookup(doc, argv[3]);
		struct rk_toml_span sp = rk_toml_span(v);
		size_t len;
		const char *src = rk_toml_source(doc, &len);
		print_span(&out, "value", sp);
		print_span(&out, "key", rk_toml_key_span(v));
		rk_buf_add(&out, src + sp.start, sp.end - sp.start);
		rk_buf_addc(&out, '\n');
		rk_toml_free(doc);
	} else if (strcmp(argv[1], "set") == 0 && argc == 5) {
		struct rk_toml_doc *again;
		struct rk_err err = {0};
		struct rk_toml_doc *doc = load(argv[2]);
		const struct rk_toml_value *v = lookup(doc, argv[3]);
		rk_toml_splice(doc, rk_toml_span(v), argv[4], strlen(argv[4]), &out);
		rk_toml_free(doc);
		again = rk_toml_parse(out.data, out.len, "<result>", &err);
		if (!again)
			rk_die_err(&err);
		rk_toml_free(again);
	} else if (strcmp(argv[1], "set-string") == 0 && argc == 5) {
		struct rk_toml_doc *again;
		struct rk_err err = {0};
		struct rk_toml_doc *doc = load(argv[2]);
		const struct rk_toml_value *v = lookup(doc, argv[3]);
		rk_toml_set_string(doc, v, argv[4], strlen(argv[4]), &out);
		rk_toml_free(doc);
		again = rk_toml_parse(out.data, out.len, "<result>", &err);
		if (!again)
			rk_die_err(&err);
		rk_toml_free(again);
	} else if (strcmp(argv[1], "spans") == 0 && argc == 3) {
		struct rk_toml_doc *doc = load(argv[2]);
		struct rk_buf path = RK_BUF_INIT;
		rk_buf_adds(&path, "");
		spans(&out, rk_toml_root(doc), &path);
		rk_buf_release(&path);
		rk_toml_free(doc);
	} else if (strcmp(argv[1], "verify-spans") == 0 && argc >= 3) {
		long bad = 0;
		for (int i = 2; i < argc; i++) {
			struct rk_toml_doc *doc = load(argv[i]);
			struct rk_buf path = RK_BUF_INIT;
			struct verify vf = {0};
			rk_buf_adds(&path, "");
			vf.src = rk_toml_source(doc, &vf.len);
			fflush(stdout);
			verify(&vf, rk_toml_root(doc), &path);
			rk_buf_release(&path);
			rk_toml_free(doc);
			bad += vf.bad;
			if (argc > 3)
				rk_buf_addf(&out, "%s: ", argv[i]);
			rk_buf_addf(&out, "%s: %ld values, %ld keys\n", vf.bad ? "FAILED" : "ok",
				    vf.values, vf.keys);
		}
		if (bad) {
			rk_out(out.data, out.len);
			rk_buf_release(&out);
			return rk_finish(RK_EXIT_FAIL);
		}
	} else if (strcmp(argv[1], "scan") == 0 && argc >= 3) {
		/* many files in one process (valgrind-friendly): "FILE: ok" or the error */
		for (int i = 2; i < argc; i++) {
			struct rk_err err = {0};
			struct rk_toml_doc *doc = rk_toml_parse_file(argv[i], &err);
			if (doc) {
				rk_buf_addf(&out, "%s: ok\n", argv[i]);
			} else {
				char msg[RK_ERR_MAX + 256];
				rk_err_format(&err, msg, sizeof(msg));
				rk_buf_addf(&out, "%s\n", msg);
			}
			rk_toml_free(doc);
		}
	} else if (strcmp(argv[1], "check") == 0 && argc >= 3) {
		for (int i = 2; i < argc; i++) {
			struct rk_toml_doc *doc = load(argv[i]);
			rk_toml_free(doc);
		}
		rk_buf_adds(&out, "ok\n");
	} else {
		fprintf(stderr,
			"usage: t-toml [decode [FILE]] | get FILE KEY.PATH | set FILE KEY.PATH "
			"TEXT | set-string FILE KEY.PATH STRING | spans FILE | verify-spans FILE... | scan "
			"FILE... | check FILE...\n");
		return RK_EXIT_USAGE;
	}
	rk_out(out.data ? out.data : "", out.len);
	rk_buf_release(&out);
	return rk_finish(RK_EXIT_OK);
}
