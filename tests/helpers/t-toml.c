/*
 * t-toml - drive lib/rk_toml from the tests.
 *
 *   t-toml [decode [FILE]]      TOML on stdin (or FILE) to toml-test's tagged JSON
 *                               ({"type":"string","value":"..."}) on stdout
 *   t-toml get FILE KEY.PATH    the value's span and key span, then its source text
 *   t-toml set FILE KEY.PATH TEXT
 *                               the file with that value's text replaced (rk_toml_splice);
 *                               the result must parse again
 *   t-toml spans FILE           every value: path, value span, key span
 *   t-toml check FILE...        parse each file, print "ok" or exit 3
 *
 * KEY.PATH is split at '.'; a number selects an array element (package.0.name).
 * Bad TOML: one line "t-toml: file:line:col: reason" on stderr, exit 3
 * (exit 1 in decode mode, as toml-test expects).
 */
#include "rk_common.h"

#include <math.h>

#include "rk_toml.h"

/* JSON string literal. (Keys may hold NUL, so this takes a length.) */
static void quote(struct rk_buf *b, const char *s, size_t n)
{
	rk_buf_addc(b, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			rk_buf_addc(b, '\\');
			rk_buf_addc(b, (char)c);
		} else if (c == '\n') {
			rk_buf_adds(b, "\\n");
		} else if (c == '\t') {
			rk_buf_adds(b, "\\t");
		} else if (c < 0x20 || c == 0x7f) {
			rk_buf_addf(b, "\\u%04x", c);
		} else {
			rk_buf_addc(b, (char)c);
		}
	}
	rk_buf_addc(b, '"');
}

static void tagged(struct rk_buf *b, const char *type, const char *val, size_t n)
{
	rk_buf_adds(b, "{\"type\":\"");
	rk_buf_adds(b, type);
	rk_buf_adds(b, "\",\"value\":");
	quote(b, val, n);
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
			quote(b, rk_toml_key_at(v, i), rk_toml_key_len_at(v, i));
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
		size_t mark = path->len;
		if (mark)
			rk_buf_addc(path, '.');
		if (table)
			rk_buf_adds(path, rk_toml_key_at(v, i));
		else
			rk_buf_addf(path, "%zu", i);
		const struct rk_toml_value *c = rk_toml_at(v, i);
		struct rk_toml_span sp = rk_toml_span(c), ks = rk_toml_key_span(c);
		rk_buf_addf(b, "%s value %zu-%zu %ld:%ld key %zu-%zu %ld:%ld%s\n", path->data,
			    sp.start, sp.end, sp.line, sp.col, ks.start, ks.end, ks.line, ks.col,
			    rk_toml_is_inline(c) ? " inline" : "");
		spans(b, c, path);
		rk_buf_truncate(path, mark);
	}
}

int main(int argc, char **argv)
{
	struct rk_buf out = RK_BUF_INIT;
	rk_msg_init(argv[0]);

	if (argc == 1 || (strcmp(argv[1], "decode") == 0 && argc <= 3)) {
		const char *path = argc == 3 ? argv[2] : "-";
		bad_input_code = RK_EXIT_FAIL;
		struct rk_toml_doc *doc = load(path);
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
		struct rk_toml_doc *doc = load(argv[2]);
		const struct rk_toml_value *v = lookup(doc, argv[3]);
		rk_toml_splice(doc, rk_toml_span(v), argv[4], strlen(argv[4]), &out);
		rk_toml_free(doc);
		struct rk_err err = {0};
		struct rk_toml_doc *again = rk_toml_parse(out.data, out.len, "<result>", &err);
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
	} else if (strcmp(argv[1], "check") == 0 && argc >= 3) {
		for (int i = 2; i < argc; i++) {
			struct rk_toml_doc *doc = load(argv[i]);
			rk_toml_free(doc);
		}
		rk_buf_adds(&out, "ok\n");
	} else {
		fprintf(stderr,
			"usage: t-toml [decode [FILE]] | get FILE KEY.PATH | set FILE KEY.PATH "
			"TEXT | spans FILE | check FILE...\n");
		return RK_EXIT_USAGE;
	}
	rk_out(out.data ? out.data : "", out.len);
	rk_buf_release(&out);
	return rk_finish(RK_EXIT_OK);
}
