/*
 * rk_record.c - the record validator: the compiled-in JSON Schemas
 * interpreted over a parsed record (see rk_record.h).
 */
#include "rk_common.h"

#include <regex.h>

#include "rk_record.h"

#define MAX_KINDS 32
#define MAX_REF_DEPTH 64
#define FOUND_MAX 48

struct schema {
	bool loaded, bad;
	struct rk_json doc;
};

struct pattern {
	const struct rk_json *doc;
	int tok;
	bool ok;
	regex_t re;
};

static struct schema schemas[MAX_KINDS];
static struct pattern *patterns;
static size_t npatterns, cappatterns;

/* The first problem found: where, and what was expected and found. */
struct verr {
	struct rk_buf path;
	struct rk_buf msg;
	struct rk_buf expected; /* simple mismatches (type, const, enum): what would do */
	bool simple;
	int tok; /* the record's token at fault (for the column) */
};

struct vctx {
	const struct rk_json *s; /* the schema */
	const struct rk_json *d; /* the record */
	struct rk_buf path;	 /* "deps[0].type" */
	struct verr e;
	int depth;
	int flags; /* RK_RECORD_* */
	int in_if; /* evaluating an if: a missing property does not match */
	int tok;   /* the value being checked (for the column of an error) */
};

static int check(struct vctx *c, int st, int vt);

static void verr_release(struct verr *e)
{
	rk_buf_release(&e->path);
	rk_buf_release(&e->msg);
	rk_buf_release(&e->expected);
}

static void verr_copy(struct verr *to, const struct verr *from)
{
	rk_buf_reset(&to->path);
	rk_buf_reset(&to->msg);
	rk_buf_reset(&to->expected);
	rk_buf_add(&to->path, from->path.data ? from->path.data : "", from->path.len);
	rk_buf_add(&to->msg, from->msg.data ? from->msg.data : "", from->msg.len);
	rk_buf_add(&to->expected, from->expected.data ? from->expected.data : "",
		   from->expected.len);
	to->simple = from->simple;
	to->tok = from->tok;
}

/* Describe value t for a message: a short JSON text, or its type. */
static void found(const struct rk_json *d, int t, struct rk_buf *out)
{
	enum rk_json_type ty = rk_json_type(d, t);
	size_t n;
	const char *raw;

	if (ty == RK_JSON_OBJECT) {
		rk_buf_adds(out, "an object");
		return;
	}
	if (ty == RK_JSON_ARRAY) {
		rk_buf_adds(out, "an array");
		return;
	}
	if (ty == RK_JSON_STRING) {
		n = rk_json_strlen(d, t);
		rk_json_quote(out, rk_json_str(d, t), n > FOUND_MAX ? FOUND_MAX : n);
		if (n > FOUND_MAX)
			rk_buf_adds(out, "...");
		return;
	}
	raw = rk_json_raw(d, t, &n);
	rk_buf_add(out, raw ? raw : "", n > FOUND_MAX ? FOUND_MAX : n);
}

static int fail(struct vctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct vctx *c, const char *fmt, ...)
{
	va_list ap;
	char tmp[RK_ERR_MAX];

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	rk_buf_reset(&c->e.path);
	rk_buf_reset(&c->e.msg);
	rk_buf_reset(&c->e.expected);
	rk_buf_add(&c->e.path, c->path.data ? c->path.data : "", c->path.len);
	rk_buf_adds(&c->e.msg, tmp);
	c->e.simple = false;
	c->e.tok = c->tok;
	return -1;
}

/* A type/const/enum mismatch: "expected EXP, found VALUE". */
static int mismatch(struct vctx *c, int vt, const char *expected)
{
	struct rk_buf f = RK_BUF_INIT;

	found(c->d, vt, &f);
	fail(c, "expected %s, found %s", expected, f.data ? f.data : "");
	rk_buf_adds(&c->e.expected, expected);
	c->e.simple = true;
	rk_buf_release(&f);
	return -1;
}

static size_t push_key(struct vctx *c, const char *key)
{
	size_t at = c->path.len;

	if (at)
		rk_buf_addc(&c->path, '.');
	rk_buf_adds(&c->path, key);
	return at;
}

static size_t push_index(struct vctx *c, int i)
{
	size_t at = c->path.len;

	rk_buf_addf(&c->path, "[%d]", i);
	return at;
}

static void pop(struct vctx *c, size_t at)
{
	rk_buf_truncate(&c->path, at);
}

/* ---- keywords ---- */

static bool is_type(const struct rk_json *d, int vt, const char *type)
{
	enum rk_json_type t = rk_json_type(d, vt);
	long long ll;
	double x;

	if (!strcmp(type, "object"))
		return t == RK_JSON_OBJECT;
	if (!strcmp(type, "array"))
		return t == RK_JSON_ARRAY;
	if (!strcmp(type, "string"))
		return t == RK_JSON_STRING;
	if (!strcmp(type, "number"))
		return t == RK_JSON_NUMBER;
	if (!strcmp(type, "integer"))
		return t == RK_JSON_NUMBER &&
		       (rk_json_int(d, vt, &ll) == 0 ||
			(rk_json_double(d, vt, &x) == 0 && x == (double)(long long)x));
	if (!strcmp(type, "boolean"))
		return t == RK_JSON_TRUE || t == RK_JSON_FALSE;
	if (!strcmp(type, "null"))
		return t == RK_JSON_NULL;
	return false;
}

static int kw_type(struct vctx *c, int kt, int vt)
{
	struct rk_buf exp = RK_BUF_INIT;
	int e, rc;

	if (rk_json_type(c->s, kt) == RK_JSON_STRING) {
		if (is_type(c->d, vt, rk_json_str(c->s, kt)))
			return 0;
		return mismatch(c, vt, rk_json_str(c->s, kt));
	}
	for (e = rk_json_first(c->s, kt); e >= 0; e = rk_json_next(c->s, e)) {
		if (is_type(c->d, vt, rk_json_str(c->s, e))) {
			rk_buf_release(&exp);
			return 0;
		}
		if (exp.len)
			rk_buf_adds(&exp, " or ");
		rk_buf_adds(&exp, rk_json_str(c->s, e));
	}
	rc = mismatch(c, vt, exp.data ? exp.data : "nothing");
	rk_buf_release(&exp);
	return rc;
}

static bool equal(const struct rk_json *a, int at, const struct rk_json *b, int bt)
{
	struct rk_buf x = RK_BUF_INIT, y = RK_BUF_INIT;
	bool eq;

	if (rk_json_type(a, at) != rk_json_type(b, bt))
		return false;
	if (rk_json_type(a, at) == RK_JSON_STRING) /* the usual case: no allocation */
		return rk_json_strlen(a, at) == rk_json_strlen(b, bt) &&
		       !memcmp(rk_json_str(a, at), rk_json_str(b, bt), rk_json_strlen(a, at));
	rk_json_canonical(a, at, &x);
	rk_json_canonical(b, bt, &y);
	eq = x.len == y.len && (x.len == 0 || !memcmp(x.data, y.data, x.len));
	rk_buf_release(&x);
	rk_buf_release(&y);
	return eq;
}

/* An allowed value as a message shows it: strings bare in lists, JSON otherwise. */
static void show(const struct rk_json *s, int t, bool bare, struct rk_buf *out)
{
	size_t n;
	const char *raw;

	if (bare && rk_json_type(s, t) == RK_JSON_STRING) {
		rk_buf_adds(out, rk_json_str(s, t));
		return;
	}
	raw = rk_json_raw(s, t, &n);
	rk_buf_add(out, raw ? raw : "", n);
}

static int kw_const(struct vctx *c, int kt, int vt)
{
	struct rk_buf exp = RK_BUF_INIT;
	int rc;

	if (equal(c->s, kt, c->d, vt))
		return 0;
	show(c->s, kt, false, &exp);
	rc = mismatch(c, vt, exp.data ? exp.data : "");
	rk_buf_release(&exp);
	return rc;
}

static int kw_enum(struct vctx *c, int kt, int vt)
{
	struct rk_buf exp = RK_BUF_INIT;
	int e, rc;

	for (e = rk_json_first(c->s, kt); e >= 0; e = rk_json_next(c->s, e))
		if (equal(c->s, e, c->d, vt))
			return 0;
	rk_buf_adds(&exp, "one of ");
	for (e = rk_json_first(c->s, kt); e >= 0; e = rk_json_next(c->s, e)) {
		if (e != rk_json_first(c->s, kt))
			rk_buf_adds(&exp, ", ");
		show(c->s, e, true, &exp);
	}
	rc = mismatch(c, vt, exp.data);
	rk_buf_release(&exp);
	return rc;
}

static int kw_required(struct vctx *c, int kt, int vt)
{
	int e;

	if (rk_json_type(c->d, vt) != RK_JSON_OBJECT || !(c->flags & RK_RECORD_REQUIRED))
		return 0;
	for (e = rk_json_first(c->s, kt); e >= 0; e = rk_json_next(c->s, e)) {
		const char *name = rk_json_str(c->s, e);

		if (rk_json_get(c->d, vt, name) < 0) {
			size_t at = push_key(c, name);

			fail(c, "missing (required)");
			pop(c, at);
			return -1;
		}
	}
	return 0;
}

/* properties and additionalProperties (st: the schema object holding them) */
static int kw_properties(struct vctx *c, int st, int vt)
{
	int props = rk_json_get(c->s, st, "properties");
	int addl = rk_json_get(c->s, st, "additionalProperties");
	int k;

	if (rk_json_type(c->d, vt) != RK_JSON_OBJECT)
		return 0;
	/* Without RK_RECORD_REQUIRED, an if's properties match only fields
	 * that are there: {"rule":{"const":"uv_package"}} is false without a rule. */
	if (c->in_if && !(c->flags & RK_RECORD_REQUIRED))
		for (k = rk_json_first(c->s, props); k >= 0; k = rk_json_next(c->s, k))
			if (rk_json_get(c->d, vt, rk_json_str(c->s, k)) < 0)
				return fail(c, "missing");
	for (k = rk_json_first(c->d, vt); k >= 0; k = rk_json_next(c->d, k)) {
		const char *key = rk_json_str(c->d, k);
		int sub = rk_json_get(c->s, props, key);
		size_t at;
		int rc = 0;

		if (sub < 0 && addl < 0)
			continue;
		at = push_key(c, key);
		if (sub >= 0)
			rc = check(c, sub, rk_json_value(c->d, k));
		else if (rk_json_type(c->s, addl) == RK_JSON_FALSE)
			rc = fail(c, "unknown field");
		else
			rc = check(c, addl, rk_json_value(c->d, k));
		pop(c, at);
		if (rc)
			return -1;
	}
	return 0;
}

static int kw_items(struct vctx *c, int kt, int vt)
{
	int e, i = 0;

	if (rk_json_type(c->d, vt) != RK_JSON_ARRAY)
		return 0;
	for (e = rk_json_first(c->d, vt); e >= 0; e = rk_json_next(c->d, e), i++) {
		size_t at = push_index(c, i);
		int rc = check(c, kt, e);

		pop(c, at);
		if (rc)
			return -1;
	}
	return 0;
}

static int kw_limit(struct vctx *c, const char *kw, int kt, int vt)
{
	double lim = 0, x;
	long long n = -1;
	const char *s;

	if (rk_json_double(c->s, kt, &lim))
		return 0;
	if (!strcmp(kw, "minLength")) {
		s = rk_json_str(c->d, vt);
		if (!s)
			return 0;
		for (n = 0; *s; s++) /* code points: bytes that do not continue one */
			n += ((unsigned char)*s & 0xC0) != 0x80;
		if (n < lim)
			return lim == 1 ? fail(c, "must not be empty")
					: fail(c, "shorter than %.0f characters", lim);
		return 0;
	}
	if (!strcmp(kw, "minItems")) {
		if (rk_json_type(c->d, vt) != RK_JSON_ARRAY)
			return 0;
		if (rk_json_len(c->d, vt) < lim)
			return lim == 1 ? fail(c, "must not be empty")
					: fail(c, "fewer than %.0f items", lim);
		return 0;
	}
	if (rk_json_double(c->d, vt, &x))
		return 0;
	if (!strcmp(kw, "minimum") && x < lim)
		return fail(c, "%g is less than the minimum %g", x, lim);
	if (!strcmp(kw, "maximum") && x > lim)
		return fail(c, "%g is more than the maximum %g", x, lim);
	return 0;
}

static struct pattern *compiled(const struct rk_json *s, int kt)
{
	struct pattern *p;
	size_t i;

	for (i = 0; i < npatterns; i++)
		if (patterns[i].doc == s && patterns[i].tok == kt)
			return &patterns[i];
	RK_GROW(patterns, cappatterns, npatterns + 1);
	p = &patterns[npatterns++];
	p->doc = s;
	p->tok = kt;
	p->ok = regcomp(&p->re, rk_json_str(s, kt), REG_EXTENDED | REG_NOSUB) == 0;
	return p;
}

static int kw_pattern(struct vctx *c, int kt, int vt)
{
	struct pattern *p;
	const char *s = rk_json_str(c->d, vt);
	struct rk_buf f = RK_BUF_INIT;
	int rc = 0;

	if (!s)
		return 0;
	p = compiled(c->s, kt);
	if (p->ok && regexec(&p->re, s, 0, NULL, 0) != 0) {
		found(c->d, vt, &f);
		rk_buf_adds(&f, " does not match the pattern ");
		rk_json_quote(&f, rk_json_str(c->s, kt), rk_json_strlen(c->s, kt));
		rc = fail(c, "%s", f.data);
	}
	rk_buf_release(&f);
	return rc;
}

/* anyOf and oneOf: the branches that pass; a failure says what would do */
static int kw_any(struct vctx *c, int kt, int vt, bool one)
{
	struct verr first = {RK_BUF_INIT, RK_BUF_INIT, RK_BUF_INIT, false};
	struct verr deep = {RK_BUF_INIT, RK_BUF_INIT, RK_BUF_INIT, false};
	struct rk_buf exp = RK_BUF_INIT;
	bool all_simple = true;
	int e, passed = 0, nb = 0;

	for (e = rk_json_first(c->s, kt); e >= 0; e = rk_json_next(c->s, e), nb++) {
		if (check(c, e, vt) == 0) {
			passed++;
			continue;
		}
		if (!c->e.simple || c->e.path.len != c->path.len)
			all_simple = false;
		if (nb == 0 || c->e.path.len > deep.path.len)
			verr_copy(&deep, &c->e);
		if (c->e.simple) {
			if (exp.len)
				rk_buf_adds(&exp, " or ");
			rk_buf_adds(&exp, c->e.expected.data);
		}
		if (nb == 0)
			verr_copy(&first, &c->e);
	}
	if (passed == 1 || (passed > 1 && !one)) {
		e = 0;
	} else if (passed > 1) {
		e = fail(c, "matches more than one of the allowed forms");
	} else if (all_simple && nb > 0) {
		e = mismatch(c, vt, exp.data);
	} else {
		verr_copy(&c->e, deep.path.len > c->path.len ? &deep : &first);
		e = -1;
	}
	verr_release(&first);
	verr_release(&deep);
	rk_buf_release(&exp);
	return e;
}

static int resolve_ref(const struct rk_json *s, const char *ref)
{
	char seg[256];
	int t = 0;

	if (strncmp(ref, "#", 1))
		return -1;
	ref++;
	while (*ref == '/') {
		size_t n = strcspn(++ref, "/");

		if (n >= sizeof(seg))
			return -1;
		memcpy(seg, ref, n);
		seg[n] = '\0';
		t = rk_json_get(s, t, seg);
		if (t < 0)
			return -1;
		ref += n;
	}
	return *ref ? -1 : t;
}

/* ---- the walk ---- */

enum kw {
	K_IGNORED, /* handled with another keyword, or an annotation */
	K_TYPE,
	K_CONST,
	K_ENUM,
	K_REQUIRED,
	K_PROPERTIES,
	K_ITEMS,
	K_LIMIT,
	K_PATTERN,
	K_ANYOF,
	K_ONEOF,
	K_ALLOF,
	K_IF,
	K_NOT,
	K_REF,
};

static const struct {
	const char *name;
	enum kw kw;
} keywords[] = {
	{"type", K_TYPE},
	{"const", K_CONST},
	{"enum", K_ENUM},
	{"required", K_REQUIRED},
	{"properties", K_PROPERTIES},
	{"additionalProperties", K_IGNORED}, /* with properties */
	{"items", K_ITEMS},
	{"minItems", K_LIMIT},
	{"minLength", K_LIMIT},
	{"minimum", K_LIMIT},
	{"maximum", K_LIMIT},
	{"pattern", K_PATTERN},
	{"anyOf", K_ANYOF},
	{"oneOf", K_ONEOF},
	{"allOf", K_ALLOF},
	{"if", K_IF},
	{"then", K_IGNORED}, /* with if */
	{"else", K_IGNORED}, /* with if */
	{"not", K_NOT},
	{"$ref", K_REF},
	{"$defs", K_IGNORED},
};

static int keyword(const char *name)
{
	size_t i;

	for (i = 0; i < RK_ARRAY_SIZE(keywords); i++)
		if (!strcmp(keywords[i].name, name))
			return (int)keywords[i].kw;
	return -1;
}

static int check_kw(struct vctx *c, int st, const char *name, int kt, int vt)
{
	int e, sub;

	switch (keyword(name)) {
	case K_TYPE:
		return kw_type(c, kt, vt);
	case K_CONST:
		return kw_const(c, kt, vt);
	case K_ENUM:
		return kw_enum(c, kt, vt);
	case K_REQUIRED:
		return kw_required(c, kt, vt);
	case K_PROPERTIES:
		return kw_properties(c, st, vt);
	case K_ITEMS:
		return kw_items(c, kt, vt);
	case K_LIMIT:
		return kw_limit(c, name, kt, vt);
	case K_PATTERN:
		return kw_pattern(c, kt, vt);
	case K_ANYOF:
		return kw_any(c, kt, vt, false);
	case K_ONEOF:
		return kw_any(c, kt, vt, true);
	case K_ALLOF:
		for (e = rk_json_first(c->s, kt); e >= 0; e = rk_json_next(c->s, e))
			if (check(c, e, vt))
				return -1;
		return 0;
	case K_IF: {
		struct verr keep = {RK_BUF_INIT, RK_BUF_INIT, RK_BUF_INIT, false};
		int cond;

		verr_copy(&keep, &c->e);
		c->in_if++;
		cond = check(c, kt, vt);
		c->in_if--;
		verr_copy(&c->e, &keep);
		verr_release(&keep);
		sub = rk_json_get(c->s, st, cond == 0 ? "then" : "else");
		return sub >= 0 ? check(c, sub, vt) : 0;
	}
	case K_NOT:
		if (check(c, kt, vt) == 0)
			return fail(c, "is a value that is not allowed here");
		return 0;
	case K_REF:
		sub = resolve_ref(c->s, rk_json_str(c->s, kt));
		return sub >= 0 ? check(c, sub, vt) : fail(c, "schema error: bad $ref");
	default:
		return 0;
	}
}

static int check(struct vctx *c, int st, int vt)
{
	int k, rc = 0, outer = c->tok;

	c->tok = vt;
	if (rk_json_type(c->s, st) == RK_JSON_FALSE)
		return fail(c, "not allowed");
	if (rk_json_type(c->s, st) != RK_JSON_OBJECT)
		return 0; /* true, {} */
	if (++c->depth > MAX_REF_DEPTH + RK_JSON_MAX_DEPTH)
		rc = fail(c, "schema error: nested too deeply");
	for (k = rk_json_first(c->s, st); !rc && k >= 0; k = rk_json_next(c->s, k))
		rc = check_kw(c, st, rk_json_str(c->s, k), rk_json_value(c->s, k), vt);
	c->depth--;
	c->tok = outer;
	return rc;
}

/* No string of the record, key or value, holds a NUL. */
static int no_nul(struct vctx *c, int vt)
{
	const struct rk_json *d = c->d;
	int k, i = 0;

	c->tok = vt;
	if (rk_json_type(d, vt) == RK_JSON_STRING)
		return strlen(rk_json_str(d, vt)) != rk_json_strlen(d, vt)
			       ? fail(c, "contains a NUL byte (\\u0000)")
			       : 0;
	for (k = rk_json_first(d, vt); k >= 0; k = rk_json_next(d, k), i++) {
		bool obj = rk_json_type(d, vt) == RK_JSON_OBJECT;
		const char *key = obj ? rk_json_str(d, k) : NULL;
		size_t at = obj ? push_key(c, key) : push_index(c, i);
		int rc = 0;

		c->tok = k;
		if (obj && strlen(key) != rk_json_strlen(d, k))
			rc = fail(c, "the key contains a NUL byte (\\u0000)");
		if (!rc)
			rc = no_nul(c, obj ? rk_json_value(d, k) : k);
		pop(c, at);
		if (rc)
			return -1;
	}
	return 0;
}

static const struct rk_json *schema_of(const char *kind, struct rk_err *err)
{
	size_t i;
	struct schema *s;

	for (i = 0; rk_record_schemas[i].kind && i < MAX_KINDS; i++)
		if (!strcmp(rk_record_schemas[i].kind, kind))
			break;
	if (!rk_record_schemas[i].kind || i >= MAX_KINDS)
		return NULL;
	s = &schemas[i];
	if (!s->loaded) {
		s->loaded = true;
		rk_json_init(&s->doc);
		s->bad = rk_json_parse(&s->doc, rk_record_schemas[i].json,
				       strlen(rk_record_schemas[i].json), kind, 1, err) != 0;
	}
	return s->bad ? NULL : &s->doc;
}

/* The error's source for config records: their RELEASE.star location. */
static _Thread_local char config_source[RK_ERR_MAX];

static int report(struct vctx *c, const char *source, long line, struct rk_err *err)
{
	long col = c->e.tok >= 0 && c->e.tok < c->d->ntok ? c->d->tok[c->e.tok].start + 1 : 0;
	const char *kind = rk_json_get_str(c->d, 0, "kind");
	const char *loc = rk_json_get_str(c->d, 0, "location");
	long ll, lc;
	int n = 0;

	/* a config record's problem is at its call in RELEASE.star */
	if (kind && !strcmp(kind, "config") && loc && strlen(loc) < sizeof(config_source) &&
	    sscanf(loc, "%[^\n]", config_source) == 1) {
		char *p = strrchr(config_source, ':'), *q = NULL;

		if (p && p > config_source) {
			*p = '\0';
			q = strrchr(config_source, ':');
			*p = ':';
		}
		if (q && q > config_source && sscanf(q, ":%ld:%ld%n", &ll, &lc, &n) == 2 &&
		    q[n] == '\0' && ll > 0 && lc > 0) {
			*q = '\0';
			source = config_source;
			line = ll;
			col = lc;
		}
	}
	rk_err_set(err, source, line, col, "%s: %s", c->e.path.len ? c->e.path.data : "record",
		   c->e.msg.data ? c->e.msg.data : "invalid");
	return -1;
}

int rk_record_check(const struct rk_json *d, const char *source, long line, int flags,
		    struct rk_err *err)
{
	struct vctx c;
	struct rk_err serr;
	const char *kind = rk_json_get_str(d, 0, "kind");
	int rc;

	memset(&c, 0, sizeof(c));
	c.d = d;
	c.flags = flags;
	/* unknown kinds pass through unread: only their kind must be whole */
	c.s = kind ? schema_of(kind, &serr) : NULL;
	if (c.s) {
		rc = no_nul(&c, 0);
	} else {
		push_key(&c, "kind");
		rc = no_nul(&c, rk_json_get(d, 0, "kind"));
	}
	if (rc == 0 && c.s)
		rc = check(&c, 0, 0);
	if (rc)
		report(&c, source, line, err);
	rk_buf_release(&c.path);
	verr_release(&c.e);
	return rc ? -1 : 0;
}

/* ---- a reader's needs ---- */

/* The fields of path (see rk_record_need) below value vt, each present. */
static int need(struct vctx *c, int vt, const char *path)
{
	const struct rk_json *d = c->d;
	size_t n = strcspn(path, ".["), at;
	char key[256];
	int t, e, i = 0, rc = 0;

	if (rk_json_type(d, vt) != RK_JSON_OBJECT || n == 0 || n >= sizeof(key))
		return 0; /* not an object: the schema's business, not a need */
	memcpy(key, path, n);
	key[n] = '\0';
	path += n;
	t = rk_json_get(d, vt, key);
	if (t < 0 && *path)
		return 0; /* "deps[].name" asks nothing of a record without deps */
	at = push_key(c, key);
	if (t < 0) {
		c->tok = vt;
		rc = fail(c, "missing (required)");
	} else if (!strncmp(path, "[]", 2)) {
		path += 2 + (path[2] == '.');
		if (*path && rk_json_type(d, t) == RK_JSON_ARRAY)
			for (e = rk_json_first(d, t); !rc && e >= 0; e = rk_json_next(d, e), i++) {
				size_t ai = push_index(c, i);

				rc = need(c, e, path);
				pop(c, ai);
			}
	} else if (*path == '.') {
		rc = need(c, t, path + 1);
	}
	pop(c, at);
	return rc;
}

int rk_record_need(const struct rk_json *d, const char *source, long line,
		   const char *const fields[], struct rk_err *err)
{
	struct vctx c;
	int rc = 0;

	memset(&c, 0, sizeof(c));
	c.d = d;
	for (; !rc && fields && *fields; fields++)
		rc = need(&c, 0, *fields);
	if (rc)
		report(&c, source, line, err);
	rk_buf_release(&c.path);
	verr_release(&c.e);
	return rc ? -1 : 0;
}

/* ---- the schemas' own check ---- */

/* Keywords of schema st: known, patterns compile, refs resolve. */
static int selfcheck(const struct rk_json *s, int st, const char *kind, struct rk_err *err)
{
	int k, e;

	if (rk_json_type(s, st) == RK_JSON_TRUE || rk_json_type(s, st) == RK_JSON_FALSE)
		return 0;
	if (rk_json_type(s, st) != RK_JSON_OBJECT)
		return rk_err_set(err, kind, 0, 0, "a schema is not an object");
	for (k = rk_json_first(s, st); k >= 0; k = rk_json_next(s, k)) {
		const char *name = rk_json_str(s, k);
		int v = rk_json_value(s, k), kw = keyword(name);

		if (kw < 0)
			return rk_err_set(err, kind, 0, 0,
					  "keyword '%s' is not interpreted by rk_record.c", name);
		if (kw == K_PATTERN && !compiled(s, v)->ok)
			return rk_err_set(err, kind, 0, 0, "pattern %s does not compile",
					  rk_json_str(s, v));
		if (kw == K_REF && resolve_ref(s, rk_json_str(s, v)) < 0)
			return rk_err_set(err, kind, 0, 0, "$ref %s does not resolve",
					  rk_json_str(s, v));
		if (!strcmp(name, "properties") || !strcmp(name, "$defs")) {
			for (e = rk_json_first(s, v); e >= 0; e = rk_json_next(s, e))
				if (selfcheck(s, rk_json_value(s, e), kind, err))
					return -1;
		} else if (kw == K_ANYOF || kw == K_ONEOF || kw == K_ALLOF) {
			for (e = rk_json_first(s, v); e >= 0; e = rk_json_next(s, e))
				if (selfcheck(s, e, kind, err))
					return -1;
		} else if (kw == K_ITEMS || kw == K_IF || kw == K_NOT || !strcmp(name, "then") ||
			   !strcmp(name, "else") || !strcmp(name, "additionalProperties")) {
			if (selfcheck(s, v, kind, err))
				return -1;
		}
	}
	return 0;
}

int rk_record_selfcheck(struct rk_err *err)
{
	size_t i;

	for (i = 0; rk_record_schemas[i].kind; i++) {
		const struct rk_json *s;

		if (i >= MAX_KINDS)
			return rk_err_set(err, "rk_record_schemas", 0, 0, "more than %d kinds",
					  MAX_KINDS);
		s = schema_of(rk_record_schemas[i].kind, err);
		if (!s)
			return -1;
		if (selfcheck(s, 0, rk_record_schemas[i].kind, err))
			return -1;
	}
	return 0;
}
