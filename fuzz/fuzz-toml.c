/*
 * fuzz-toml - libFuzzer target for lib/rk_toml.c.
 *
 * Parses the input; on success walks every value through the accessors,
 * checks that every span lies inside the source and is ordered, and
 * splices each scalar with its own text, which must give back the input.
 */
#include "rk_common.h"

#include "rk_toml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_span(struct rk_toml_span sp, size_t len)
{
	if (sp.start > sp.end || sp.end > len)
		abort();
	if (sp.end > 0 && sp.line < 1)
		abort();
}

static void walk(const struct rk_toml_doc *doc, const struct rk_toml_value *v, int depth)
{
	size_t len;
	const char *src = rk_toml_source(doc, &len);
	size_t n = rk_toml_len(v);
	for (size_t i = 0; i < n; i++) {
		int bv;
		double fv;
		long long iv;
		const struct rk_toml_value *c = rk_toml_at(v, i);
		struct rk_toml_span sp = rk_toml_span(c);
		check_span(sp, len);
		check_span(rk_toml_key_span(c), len);
		if (rk_toml_type(v) == RK_TOML_TABLE) {
			const char *k = rk_toml_key_at(v, i);
			if (!k || strlen(k) > rk_toml_key_len_at(v, i))
				abort();
			if (strlen(k) == rk_toml_key_len_at(v, i) && !rk_toml_get(v, k))
				abort();
		}
		switch (rk_toml_type(c)) {
		case RK_TOML_TABLE:
		case RK_TOML_ARRAY:
			walk(doc, c, depth + 1);
			break;
		case RK_TOML_STRING:
			if (!rk_toml_str(c) || rk_toml_str(c)[rk_toml_strlen(c)] != '\0')
				abort();
			break;
		case RK_TOML_INTEGER:
			if (rk_toml_int(c, &iv) != 0)
				abort();
			break;
		case RK_TOML_FLOAT:
			if (rk_toml_float(c, &fv) != 0)
				abort();
			break;
		case RK_TOML_BOOL:
			if (rk_toml_bool(c, &bv) != 0)
				abort();
			break;
		default:
			if (!rk_toml_datetime(c))
				abort();
			break;
		}
		if (rk_toml_type(c) != RK_TOML_TABLE && rk_toml_type(c) != RK_TOML_ARRAY &&
		    sp.end == sp.start)
			abort(); /* a scalar always has source text */
		if (depth < 2 && i < 8) {
			struct rk_buf out = RK_BUF_INIT;
			rk_toml_splice(doc, sp, src + sp.start, sp.end - sp.start, &out);
			if (out.len != len || (len && memcmp(out.data, src, len) != 0))
				abort();
			rk_buf_release(&out);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rk_err err = {0};
	struct rk_toml_doc *doc = rk_toml_parse((const char *)data, size, "<fuzz>", &err);
	if (!doc) {
		if (err.line < 1 || err.col < 1 || !err.msg[0])
			abort();
		return 0;
	}
	walk(doc, rk_toml_root(doc), 0);
	rk_toml_path(rk_toml_root(doc), "package", "version", NULL);
	rk_toml_free(doc);
	return 0;
}
