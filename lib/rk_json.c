/*
 * rk_json.c - strict JSON reader over jsmn, writer, canonical form, NDJSON.
 *
 * Reading is two passes over the text, both linear:
 *   1. scan(): a strict RFC 8259 validator (iterative, explicit stack) that
 *      knows exact byte positions, so every error names a line, a column and
 *      a precise reason; it also counts the tokens the text needs.
 *   2. jsmn tokenizes the validated text into a token array sized from that
 *      count (grown and retried should jsmn still say JSMN_ERROR_NOMEM); the
 *      tokens are copied into struct rk_json_tok, strings unescaped into
 *      d->strs and the subtree skips (tok[].next) computed in one reverse pass.
 */
#include "rk_common.h"

#include <limits.h>
#include <math.h>

#include "rk_json.h"
#include "rk_record.h"
#include "rk_utf8.h"

/* jsmn is header-only; these settings are private to this file. */
#define JSMN_STATIC
#define JSMN_STRICT
#define JSMN_PARENT_LINKS
#include <jsmn.h>

/* ---- errors and positions ---- */

struct scan {
	const unsigned char *s;
	size_t len;
	size_t pos;
	int ntok;
	size_t root_start, root_end;
	const char *source;
	long line_base;
	struct rk_err *err;
};

static int json_fail_at(const unsigned char *s, size_t at, const char *source, long line_base,
			struct rk_err *err, const char *fmt, va_list ap)
{
	long line = line_base > 0 ? line_base : 1;
	size_t bol = 0;
	char msg[RK_ERR_MAX];

	for (size_t i = 0; i < at; i++) {
		if (s[i] == '\n') {
			line++;
			bol = i + 1;
		}
	}
	vsnprintf(msg, sizeof(msg), fmt, ap);
	return rk_err_set(err, source, line, (long)(at - bol) + 1, "%s", msg);
}

static int fail(struct scan *sc, size_t at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct scan *sc, size_t at, const char *fmt, ...)
{
	va_list ap;

	if (!sc->err)
		return -1; /* a check only (rk_json_quote): no position needed */
	va_start(ap, fmt);
	json_fail_at(sc->s, at, sc->source, sc->line_base, sc->err, fmt, ap);
	va_end(ap);
	return -1;
}

/* "'x'", "NUL byte", "byte 0xC3" or "end of input", for messages. */
static const char *found(const struct scan *sc, size_t at, char *buf, size_t n)
{
	unsigned char c;

	if (at >= sc->len)
		return "end of input";
	c = sc->s[at];
	if (c == 0)
		snprintf(buf, n, "NUL byte");
	else if (c > 0x20 && c < 0x7f)
		snprintf(buf, n, "'%c'", c);
	else
		snprintf(buf, n, "byte 0x%02X", c);
	return buf;
}

/* ---- pass 1: the strict scanner ---- */

static int is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int is_word(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_';
}

static void skip_ws(struct scan *sc)
{
	while (sc->pos < sc->len && is_ws(sc->s[sc->pos]))
		sc->pos++;
}

/*
 * The 4 hex digits at s[i..i+4) as a code unit, or -1. Out of line, like
 * scan_utf8: inlined, it slows the scanner's hot loops (callgrind).
 */
__attribute__((noinline)) static long hex4(const unsigned char *s, size_t i, size_t len)
{
	long v = 0;

	if (len < 4 || i > len - 4)
		return -1;
	for (int k = 0; k < 4; k++) {
		int h = rk_hexval(s[i + k]);
		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

/*
 * Check the UTF-8 sequence whose lead byte (>= 0x80) is at s[i]; return its
 * length or -1 (rk_utf8_len; the message says what is wrong). The slow path:
 * kept out of line so that scan_string's ASCII loop stays tight.
 */
__attribute__((noinline)) static int scan_utf8(struct scan *sc, size_t i)
{
	const unsigned char *s = sc->s;
	unsigned c = s[i], b = i + 1 < sc->len ? s[i + 1] : 0;
	enum rk_utf8_error why;
	size_t n = rk_utf8_len(s + i, sc->len - i, &why);
	int nc = rk_utf8_ncont(s[i]);

	if (n)
		return (int)n;
	switch (why) {
	case RK_UTF8_BAD_LEAD:
		return fail(sc, i, "invalid UTF-8 byte 0x%02X", c);
	case RK_UTF8_TRUNCATED:
		return fail(
			sc, i,
			"truncated UTF-8 sequence (byte 0x%02X not followed by %d continuation byte%s)",
			c, nc, nc > 1 ? "s" : "");
	case RK_UTF8_SURROGATE:
		return fail(sc, i, "invalid UTF-8: encoded surrogate (0x%02X 0x%02X)", c, b);
	case RK_UTF8_TOO_BIG:
		return fail(sc, i, "invalid UTF-8: code point above U+10FFFF (0x%02X 0x%02X)", c,
			    b);
	case RK_UTF8_OVERLONG:
		break;
	}
	return fail(sc, i, "invalid UTF-8: overlong encoding (0x%02X 0x%02X)", c, b);
}

/* A string starting at the '"' at sc->pos. */
static int scan_string(struct scan *sc)
{
	const unsigned char *s = sc->s;
	size_t start = sc->pos, i = start + 1, len = sc->len;

	for (;;) {
		unsigned char c;

		/* Fast path over plain ASCII. */
		while (i < len && s[i] >= 0x20 && s[i] < 0x80 && s[i] != '"' && s[i] != '\\')
			i++;
		if (i >= len)
			return fail(sc, start, "unterminated string");
		c = s[i];
		if (c == '"') {
			sc->pos = i + 1;
			return 0;
		}
		if (c == '\\') {
			long cp, lo;

			if (i + 1 >= len)
				return fail(sc, start, "unterminated string");
			switch (s[i + 1]) {
			case '"':
			case '\\':
			case '/':
			case 'b':
			case 'f':
			case 'n':
			case 'r':
			case 't':
				i += 2;
				continue;
			case 'u':
				cp = hex4(s, i + 2, len);
				if (cp < 0)
					return fail(sc, i,
						    "invalid \\u escape (expected 4 hex digits)");
				if (cp >= 0xDC00 && cp <= 0xDFFF)
					return fail(sc, i, "lone surrogate \\u%04lX in string", cp);
				if (cp >= 0xD800 && cp <= 0xDBFF) {
					lo = -1;
					if (i + 7 < len && s[i + 6] == '\\' && s[i + 7] == 'u')
						lo = hex4(s, i + 8, len);
					if (lo < 0xDC00 || lo > 0xDFFF)
						return fail(sc, i,
							    "lone surrogate \\u%04lX in string",
							    cp);
					i += 12;
					continue;
				}
				i += 6;
				continue;
			default:
				if (s[i + 1] > 0x20 && s[i + 1] < 0x7f)
					return fail(sc, i, "invalid escape '\\%c' in string",
						    s[i + 1]);
				return fail(
					sc, i,
					"invalid escape (backslash followed by byte 0x%02X) in string",
					s[i + 1]);
			}
		}
		if (c == 0)
			return fail(sc, i, "NUL byte in string");
		if (c < 0x20)
			return fail(sc, i,
				    "raw control character 0x%02X in string (must be escaped)", c);
		{
			int n = scan_utf8(sc, i);
			if (n < 0)
				return -1;
			i += (size_t)n;
		}
	}
}

/* A number starting at sc->pos ('-' or a digit). */
static int scan_number(struct scan *sc)
{
	const unsigned char *s = sc->s;
	size_t i = sc->pos, start = i, len = sc->len;

	if (s[i] == '-') {
		i++;
		if (i >= len || !is_digit(s[i]))
			return fail(sc, i, "invalid number (expected a digit after '-')");
	}
	if (s[i] == '0') {
		i++;
		if (i < len && is_digit(s[i]))
			return fail(sc, start, "invalid number (leading zero)");
	} else {
		while (i < len && is_digit(s[i]))
			i++;
	}
	if (i < len && s[i] == '.') {
		i++;
		if (i >= len || !is_digit(s[i]))
			return fail(sc, i, "invalid number (expected a digit after '.')");
		while (i < len && is_digit(s[i]))
			i++;
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= len || !is_digit(s[i]))
			return fail(sc, i, "invalid number (expected a digit in the exponent)");
		while (i < len && is_digit(s[i]))
			i++;
	}
	if (i < len && (is_word(s[i]) || s[i] == '.' || s[i] == '+' || s[i] == '-'))
		return fail(sc, i, "invalid character '%c' in number", s[i]);
	sc->pos = i;
	return 0;
}

/* true, false or null at sc->pos (which holds a letter). */
static int scan_literal(struct scan *sc)
{
	const unsigned char *s = sc->s;
	size_t i = sc->pos, n;

	while (i < sc->len && is_word(s[i]))
		i++;
	n = i - sc->pos;
	if ((n == 4 && !memcmp(s + sc->pos, "true", 4)) ||
	    (n == 5 && !memcmp(s + sc->pos, "false", 5)) ||
	    (n == 4 && !memcmp(s + sc->pos, "null", 4))) {
		sc->pos = i;
		return 0;
	}
	if (n > 32)
		return fail(sc, sc->pos, "invalid literal '%.32s...'", (const char *)s + sc->pos);
	return fail(sc, sc->pos, "invalid literal '%.*s'", (int)n, (const char *)s + sc->pos);
}

enum scan_state { S_VALUE, S_KEY, S_AFTER };

static int scan(struct scan *sc)
{
	unsigned char stack[RK_JSON_MAX_DEPTH];
	int depth = 0;
	enum scan_state st = S_VALUE;
	const char *ctx = "";  /* what the expected value follows */
	const char *kctx = ""; /* what the expected key follows */
	char buf[32];
	const unsigned char *s = sc->s;

	sc->pos = 0;
	sc->ntok = 0;
	skip_ws(sc);
	sc->root_start = sc->pos;
	for (;;) {
		unsigned char c;

		switch (st) {
		case S_VALUE:
			if (sc->pos >= sc->len)
				return fail(sc, sc->pos, "expected a value%s, found end of input",
					    ctx);
			c = s[sc->pos];
			if (c == '{' || c == '[') {
				if (depth >= RK_JSON_MAX_DEPTH)
					return fail(sc, sc->pos, "nesting deeper than %d levels",
						    RK_JSON_MAX_DEPTH);
				stack[depth++] = c;
				sc->ntok++;
				sc->pos++;
				skip_ws(sc);
				if (sc->pos < sc->len && s[sc->pos] == (c == '{' ? '}' : ']')) {
					sc->pos++;
					depth--;
					st = S_AFTER;
				} else if (c == '{') {
					kctx = " or '}'";
					st = S_KEY;
				} else {
					ctx = " or ']'";
					st = S_VALUE;
				}
				continue;
			}
			if (c == '"') {
				if (scan_string(sc))
					return -1;
			} else if (c == '-' || is_digit(c)) {
				if (scan_number(sc))
					return -1;
			} else if (c == '+') {
				return fail(sc, sc->pos, "invalid number (leading '+')");
			} else if (c == '.') {
				return fail(sc, sc->pos,
					    "invalid number (expected a digit before '.')");
			} else if (is_word(c)) {
				if (scan_literal(sc))
					return -1;
			} else {
				return fail(sc, sc->pos, "expected a value%s, found %s", ctx,
					    found(sc, sc->pos, buf, sizeof(buf)));
			}
			sc->ntok++;
			st = S_AFTER;
			continue;
		case S_KEY:
			if (sc->pos >= sc->len || s[sc->pos] != '"')
				return fail(sc, sc->pos, "expected a string key%s, found %s", kctx,
					    found(sc, sc->pos, buf, sizeof(buf)));
			if (scan_string(sc))
				return -1;
			sc->ntok++;
			skip_ws(sc);
			if (sc->pos >= sc->len || s[sc->pos] != ':')
				return fail(sc, sc->pos, "expected ':' after object key, found %s",
					    found(sc, sc->pos, buf, sizeof(buf)));
			sc->pos++;
			skip_ws(sc);
			ctx = " after ':'";
			st = S_VALUE;
			continue;
		case S_AFTER:
			if (depth == 0)
				sc->root_end = sc->pos;
			skip_ws(sc);
			if (depth == 0) {
				if (sc->pos < sc->len)
					return fail(sc, sc->pos,
						    "trailing characters after JSON value");
				return 0;
			}
			c = sc->pos < sc->len ? s[sc->pos] : 0;
			if (stack[depth - 1] == '{') {
				if (sc->pos < sc->len && c == ',') {
					sc->pos++;
					skip_ws(sc);
					kctx = " after ','";
					st = S_KEY;
				} else if (sc->pos < sc->len && c == '}') {
					sc->pos++;
					depth--;
				} else {
					return fail(
						sc, sc->pos,
						"expected ',' or '}' after object member, found %s",
						found(sc, sc->pos, buf, sizeof(buf)));
				}
			} else {
				if (sc->pos < sc->len && c == ',') {
					sc->pos++;
					skip_ws(sc);
					ctx = " after ','";
					st = S_VALUE;
				} else if (sc->pos < sc->len && c == ']') {
					sc->pos++;
					depth--;
				} else {
					return fail(
						sc, sc->pos,
						"expected ',' or ']' after array element, found %s",
						found(sc, sc->pos, buf, sizeof(buf)));
				}
			}
			continue;
		}
	}
}

/* ---- pass 2: jsmn, unescaping, subtree skips ---- */

/* Unescape the (validated) string body s[0..n) onto b. */
static void unescape(struct rk_buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	if (!memchr(s, '\\', n)) {
		rk_buf_add(b, s, n);
		return;
	}
	rk_buf_grow(b, n + 1);
	while (i < n) {
		const char *bs = memchr(s + i, '\\', n - i);
		size_t run = bs ? (size_t)(bs - (s + i)) : n - i;
		unsigned long cp;

		rk_buf_add(b, s + i, run);
		i += run;
		if (i >= n)
			break;
		switch (p[i + 1]) {
		case 'b':
			rk_buf_addc(b, '\b');
			break;
		case 'f':
			rk_buf_addc(b, '\f');
			break;
		case 'n':
			rk_buf_addc(b, '\n');
			break;
		case 'r':
			rk_buf_addc(b, '\r');
			break;
		case 't':
			rk_buf_addc(b, '\t');
			break;
		case 'u':
			cp = (unsigned long)hex4(p, i + 2, n);
			if (cp >= 0xD800 && cp <= 0xDBFF) {
				unsigned long lo = (unsigned long)hex4(p, i + 8, n);
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				i += 6;
			}
			rk_utf8_put(b, (uint32_t)cp);
			i += 4;
			break;
		default: /* '"', '\\', '/' */
			rk_buf_addc(b, (char)p[i + 1]);
			break;
		}
		i += 2;
	}
}

static enum rk_json_type primitive_type(char c)
{
	switch (c) {
	case 't':
		return RK_JSON_TRUE;
	case 'f':
		return RK_JSON_FALSE;
	case 'n':
		return RK_JSON_NULL;
	default:
		return RK_JSON_NUMBER;
	}
}

static void add_string(struct rk_json *d, struct rk_json_tok *t)
{
	t->str = d->strs.len;
	unescape(&d->strs, d->src + t->start + 1, (size_t)(t->end - t->start - 2));
	t->strlen = d->strs.len - t->str;
	rk_buf_addc(&d->strs, '\0');
}

static int is_key(const struct rk_json *d, int t)
{
	int p = d->tok[t].parent;

	return d->tok[t].type == RK_JSON_STRING && p >= 0 && d->tok[p].type == RK_JSON_OBJECT;
}

void rk_json_init(struct rk_json *d)
{
	memset(d, 0, sizeof(*d));
}

void rk_json_release(struct rk_json *d)
{
	free(d->tok);
	free(d->jsmn);
	rk_buf_release(&d->strs);
	memset(d, 0, sizeof(*d));
}

int rk_json_parse(struct rk_json *d, const char *src, size_t len, const char *source,
		  long line_base, struct rk_err *err)
{
	struct scan sc = {0};
	jsmntok_t *jt;
	int n;

	d->src = src;
	d->srclen = len;
	d->ntok = 0;
	rk_buf_reset(&d->strs);
	if (len > (size_t)INT_MAX - 2)
		return rk_err_set(err, source, line_base > 0 ? line_base : 1, 1,
				  "JSON text too large (%zu bytes)", len);
	sc.s = (const unsigned char *)src;
	sc.len = len;
	sc.source = source;
	sc.line_base = line_base;
	sc.err = err;
	if (scan(&sc))
		return -1;
	if (d->max_values > 0 && sc.ntok > d->max_values)
		return rk_err_set(err, source, line_base > 0 ? line_base : 1, 1,
				  "more than %d JSON values in one record", d->max_values);

	RK_GROW(d->tok, d->tokcap, (size_t)sc.ntok);
	if (src[sc.root_start] != '{' && src[sc.root_start] != '[' && src[sc.root_start] != '"') {
		/* A bare scalar: jsmn's strict mode wants a delimiter after it. */
		struct rk_json_tok *t = &d->tok[0];
		memset(t, 0, sizeof(*t));
		t->type = primitive_type(src[sc.root_start]);
		t->start = (int)sc.root_start;
		t->end = (int)sc.root_end;
		t->parent = -1;
		t->next = 1;
		d->ntok = 1;
		return 0;
	}

	rk_grow(&d->jsmn, &d->jsmncap, (size_t)sc.ntok, sizeof(jsmntok_t));
	for (;;) {
		jsmn_parser p;

		jsmn_init(&p);
		n = jsmn_parse(&p, src, len, d->jsmn, (unsigned)d->jsmncap);
		if (n == JSMN_ERROR_NOMEM) {
			rk_grow(&d->jsmn, &d->jsmncap, d->jsmncap * 2, sizeof(jsmntok_t));
			continue;
		}
		/* The scanner and jsmn must agree; col 0 marks an internal error. */
		if (n < 0 || (int)p.toknext != sc.ntok)
			return rk_err_set(
				err, source, line_base > 0 ? line_base : 1, 0,
				"internal error: jsmn disagrees with the scanner (%d, %u tokens, %d expected)",
				n, p.toknext, sc.ntok);
		n = (int)p.toknext;
		break;
	}

	RK_GROW(d->tok, d->tokcap, (size_t)n);
	jt = d->jsmn;
	for (int i = 0; i < n; i++) {
		struct rk_json_tok *t = &d->tok[i];

		memset(t, 0, sizeof(*t));
		t->parent = jt[i].parent;
		t->start = jt[i].start;
		t->end = jt[i].end;
		switch (jt[i].type) {
		case JSMN_OBJECT:
			t->type = RK_JSON_OBJECT;
			t->size = jt[i].size;
			break;
		case JSMN_ARRAY:
			t->type = RK_JSON_ARRAY;
			t->size = jt[i].size;
			break;
		case JSMN_STRING:
			/* The span includes the quotes, so rk_json_raw is valid JSON. */
			t->type = RK_JSON_STRING;
			t->start--;
			t->end++;
			add_string(d, t);
			break;
		default:
			t->type = primitive_type(src[t->start]);
			break;
		}
	}
	d->ntok = n;

	/* Subtree skips, children before parents. */
	for (int i = n - 1; i >= 0; i--) {
		struct rk_json_tok *t = &d->tok[i];

		if (t->type == RK_JSON_OBJECT || t->type == RK_JSON_ARRAY) {
			int j = i + 1;
			for (int k = 0; k < t->size; k++)
				j = d->tok[j].next;
			t->next = j;
		} else if (is_key(d, i)) {
			t->next = d->tok[i + 1].next;
		} else {
			t->next = i + 1;
		}
	}
	return 0;
}

/* ---- accessors ---- */

static int valid(const struct rk_json *d, int t)
{
	return t >= 0 && t < d->ntok;
}

enum rk_json_type rk_json_type(const struct rk_json *d, int t)
{
	return valid(d, t) ? d->tok[t].type : RK_JSON_NONE;
}

int rk_json_get(const struct rk_json *d, int obj, const char *key)
{
	size_t n;

	if (!key || rk_json_type(d, obj) != RK_JSON_OBJECT)
		return -1;
	n = strlen(key);
	for (int k = rk_json_first(d, obj); k >= 0; k = rk_json_next(d, k)) {
		const struct rk_json_tok *t = &d->tok[k];
		if (t->strlen == n && !memcmp(d->strs.data + t->str, key, n))
			return k + 1;
	}
	return -1;
}

int rk_json_len(const struct rk_json *d, int t)
{
	enum rk_json_type ty = rk_json_type(d, t);

	return ty == RK_JSON_OBJECT || ty == RK_JSON_ARRAY ? d->tok[t].size : 0;
}

int rk_json_first(const struct rk_json *d, int t)
{
	return rk_json_len(d, t) > 0 ? t + 1 : -1;
}

int rk_json_next(const struct rk_json *d, int t)
{
	int p, n;

	if (!valid(d, t))
		return -1;
	p = d->tok[t].parent;
	if (p < 0 || d->tok[p].type == RK_JSON_STRING)
		return -1; /* the root, or an object member's value */
	n = d->tok[t].next;
	return n < d->ntok && d->tok[n].parent == p ? n : -1;
}

int rk_json_value(const struct rk_json *d, int k)
{
	return valid(d, k) && is_key(d, k) ? k + 1 : -1;
}

int rk_json_at(const struct rk_json *d, int arr, int i)
{
	int e;

	if (rk_json_type(d, arr) != RK_JSON_ARRAY || i < 0 || i >= d->tok[arr].size)
		return -1;
	for (e = rk_json_first(d, arr); e >= 0 && i > 0; i--)
		e = rk_json_next(d, e);
	return e;
}

const char *rk_json_str(const struct rk_json *d, int t)
{
	if (rk_json_type(d, t) != RK_JSON_STRING)
		return NULL;
	return d->strs.data + d->tok[t].str;
}

size_t rk_json_strlen(const struct rk_json *d, int t)
{
	return rk_json_type(d, t) == RK_JSON_STRING ? d->tok[t].strlen : 0;
}

const char *rk_json_get_str(const struct rk_json *d, int obj, const char *key)
{
	return rk_json_str(d, rk_json_get(d, obj, key));
}

int rk_json_int(const struct rk_json *d, int t, long long *out)
{
	const char *s;
	size_t n, i = 0;
	unsigned long long v = 0, limit;
	int neg;

	if (rk_json_type(d, t) != RK_JSON_NUMBER)
		return -1;
	s = d->src + d->tok[t].start;
	n = (size_t)(d->tok[t].end - d->tok[t].start);
	neg = s[0] == '-';
	i = (size_t)neg;
	limit = neg ? (unsigned long long)LLONG_MAX + 1 : (unsigned long long)LLONG_MAX;
	for (; i < n; i++) {
		unsigned dig;
		if (!is_digit((unsigned char)s[i]))
			return -1; /* a fraction or an exponent */
		dig = (unsigned)(s[i] - '0');
		if (v > (limit - dig) / 10)
			return -1;
		v = v * 10 + dig;
	}
	if (out) {
		if (!neg)
			*out = (long long)v;
		else if (v == (unsigned long long)LLONG_MAX + 1)
			*out = LLONG_MIN;
		else
			*out = -(long long)v;
	}
	return 0;
}

int rk_json_double(const struct rk_json *d, int t, double *out)
{
	char small[64], *copy;
	size_t n;
	double v;

	if (rk_json_type(d, t) != RK_JSON_NUMBER)
		return -1;
	n = (size_t)(d->tok[t].end - d->tok[t].start);
	copy = n < sizeof(small) ? small : rk_xmalloc(n + 1);
	memcpy(copy, d->src + d->tok[t].start, n);
	copy[n] = '\0';
	v = strtod(copy, NULL);
	if (copy != small)
		free(copy);
	if (!isfinite(v))
		return -1;
	if (out)
		*out = v;
	return 0;
}

int rk_json_bool(const struct rk_json *d, int t)
{
	switch (rk_json_type(d, t)) {
	case RK_JSON_TRUE:
		return 1;
	case RK_JSON_FALSE:
		return 0;
	default:
		return -1;
	}
}

const char *rk_json_raw(const struct rk_json *d, int t, size_t *len)
{
	if (!valid(d, t)) {
		if (len)
			*len = 0;
		return NULL;
	}
	if (len)
		*len = (size_t)(d->tok[t].end - d->tok[t].start);
	return d->src + d->tok[t].start;
}

/* ---- writer ---- */

void rk_json_quote(struct rk_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	rk_buf_grow(b, n + 2);
	rk_buf_addc(b, '"');
	while (i < n) {
		size_t run = i;
		unsigned char c;

		while (run < n && p[run] >= 0x20 && p[run] < 0x80 && p[run] != '"' &&
		       p[run] != '\\')
			run++;
		rk_buf_add(b, s + i, run - i);
		i = run;
		if (i >= n)
			break;
		c = p[i];
		if (c >= 0x80) {
			/* Valid UTF-8 passes through; anything else becomes U+FFFD. */
			size_t k = rk_utf8_len(p + i, n - i, NULL);
			if (k) {
				rk_buf_add(b, s + i, k);
				i += k;
			} else {
				rk_buf_adds(b, "\xEF\xBF\xBD");
				i++;
			}
			continue;
		}
		switch (c) {
		case '"':
			rk_buf_adds(b, "\\\"");
			break;
		case '\\':
			rk_buf_adds(b, "\\\\");
			break;
		case '\b':
			rk_buf_adds(b, "\\b");
			break;
		case '\f':
			rk_buf_adds(b, "\\f");
			break;
		case '\n':
			rk_buf_adds(b, "\\n");
			break;
		case '\r':
			rk_buf_adds(b, "\\r");
			break;
		case '\t':
			rk_buf_adds(b, "\\t");
			break;
		default: {
			char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
			rk_buf_add(b, u, 6);
			break;
		}
		}
		i++;
	}
	rk_buf_addc(b, '"');
}

void rk_jw_init(struct rk_jw *w, struct rk_buf *out)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
}

/*
 * Before any value or key: the comma, unless first in its container. The
 * first thing in a container comes right after its opening bracket, and
 * nothing else written here ends in one (a value ends in '"', '}', ']', a
 * digit or a letter), so the last byte written tells: no nesting limit.
 */
static void jw_sep(struct rk_jw *w)
{
	char last;

	if (w->after_key) {
		w->after_key = 0;
		return;
	}
	if (w->depth == 0 || w->out->len == 0)
		return;
	last = w->out->data[w->out->len - 1];
	if (last != '{' && last != '[')
		rk_buf_addc(w->out, ',');
}

static void jw_open(struct rk_jw *w, char c)
{
	jw_sep(w);
	rk_buf_addc(w->out, c);
	w->depth++;
}

static void jw_close(struct rk_jw *w, char c)
{
	rk_buf_addc(w->out, c);
	if (w->depth > 0)
		w->depth--;
}

void rk_jw_obj(struct rk_jw *w)
{
	jw_open(w, '{');
}

void rk_jw_obj_end(struct rk_jw *w)
{
	jw_close(w, '}');
}

void rk_jw_arr(struct rk_jw *w)
{
	jw_open(w, '[');
}

void rk_jw_arr_end(struct rk_jw *w)
{
	jw_close(w, ']');
}

void rk_jw_key(struct rk_jw *w, const char *key)
{
	jw_sep(w);
	rk_json_quote(w->out, key, strlen(key));
	rk_buf_addc(w->out, ':');
	w->after_key = 1;
}

void rk_jw_strn(struct rk_jw *w, const char *s, size_t n)
{
	jw_sep(w);
	if (!s)
		rk_buf_adds(w->out, "null");
	else
		rk_json_quote(w->out, s, n);
}

void rk_jw_str(struct rk_jw *w, const char *s)
{
	rk_jw_strn(w, s, s ? strlen(s) : 0);
}

void rk_jw_int(struct rk_jw *w, long long v)
{
	jw_sep(w);
	rk_buf_addf(w->out, "%lld", v);
}

/*
 * v (finite) in the shortest form that reads back as the same double, laid
 * out as ECMAScript's Number::toString does: plain decimals for exponents
 * -7 < e < 21 ("100", "0.001", "123456789012345680"), else "1e+21", "5e-324".
 */
static void put_double(struct rk_buf *b, double v)
{
	char num[40], digits[20];
	int prec, k = 0, n;
	char *e;

	if (v == 0) {
		rk_buf_adds(b, signbit(v) ? "-0" : "0");
		return;
	}
	if (v < 0) {
		rk_buf_addc(b, '-');
		v = -v;
	}
	for (prec = 1; prec < 17; prec++) {
		snprintf(num, sizeof(num), "%.*e", prec - 1, v);
		if (strtod(num, NULL) == v)
			break;
	}
	snprintf(num, sizeof(num), "%.*e", prec - 1, v);
	/* num is "d.ddde+XX": collect the digits and the exponent. */
	e = strchr(num, 'e');
	for (char *p = num; p < e; p++)
		if (*p != '.')
			digits[k++] = *p;
	while (k > 1 && digits[k - 1] == '0')
		k--;
	digits[k] = '\0';
	n = atoi(e + 1) + 1; /* v = 0.DIGITS * 10^n */
	if (k <= n && n <= 21) {
		rk_buf_add(b, digits, (size_t)k);
		for (int i = k; i < n; i++)
			rk_buf_addc(b, '0');
	} else if (0 < n && n <= 21) {
		rk_buf_add(b, digits, (size_t)n);
		rk_buf_addc(b, '.');
		rk_buf_add(b, digits + n, (size_t)(k - n));
	} else if (-6 < n && n <= 0) {
		rk_buf_adds(b, "0.");
		for (int i = n; i < 0; i++)
			rk_buf_addc(b, '0');
		rk_buf_add(b, digits, (size_t)k);
	} else {
		rk_buf_addc(b, digits[0]);
		if (k > 1) {
			rk_buf_addc(b, '.');
			rk_buf_add(b, digits + 1, (size_t)(k - 1));
		}
		rk_buf_addf(b, "e%c%d", n - 1 < 0 ? '-' : '+', abs(n - 1));
	}
}

void rk_jw_double(struct rk_jw *w, double v)
{
	jw_sep(w);
	if (!isfinite(v))
		rk_buf_adds(w->out, "null");
	else
		put_double(w->out, v);
}

void rk_jw_bool(struct rk_jw *w, int v)
{
	jw_sep(w);
	rk_buf_adds(w->out, v ? "true" : "false");
}

void rk_jw_null(struct rk_jw *w)
{
	jw_sep(w);
	rk_buf_adds(w->out, "null");
}

void rk_jw_raw(struct rk_jw *w, const char *json, size_t n)
{
	jw_sep(w);
	rk_buf_add(w->out, json, n);
}

void rk_jw_kstr(struct rk_jw *w, const char *key, const char *s)
{
	rk_jw_key(w, key);
	rk_jw_str(w, s);
}

void rk_jw_kint(struct rk_jw *w, const char *key, long long v)
{
	rk_jw_key(w, key);
	rk_jw_int(w, v);
}

void rk_jw_kbool(struct rk_jw *w, const char *key, int v)
{
	rk_jw_key(w, key);
	rk_jw_bool(w, v);
}

/* ---- canonical form ---- */

struct sort_key {
	const char *s;
	size_t n;
	int tok;
};

static int key_cmp(const void *a, const void *b)
{
	const struct sort_key *ka = a, *kb = b;
	int c = memcmp(ka->s, kb->s, ka->n < kb->n ? ka->n : kb->n);

	if (c)
		return c;
	if (ka->n != kb->n)
		return ka->n < kb->n ? -1 : 1;
	return ka->tok < kb->tok ? -1 : ka->tok > kb->tok; /* duplicates keep their order */
}

void rk_json_canonical(const struct rk_json *d, int t, struct rk_buf *out)
{
	const struct rk_json_tok *tok;
	struct sort_key *keys;
	int n, i, k;

	if (!valid(d, t))
		return;
	tok = &d->tok[t];
	switch (tok->type) {
	case RK_JSON_OBJECT:
		n = tok->size;
		keys = rk_xmalloc(sizeof(*keys) * (size_t)(n ? n : 1));
		for (i = 0, k = rk_json_first(d, t); k >= 0; k = rk_json_next(d, k), i++) {
			keys[i].s = d->strs.data + d->tok[k].str;
			keys[i].n = d->tok[k].strlen;
			keys[i].tok = k;
		}
		qsort(keys, (size_t)n, sizeof(*keys), key_cmp);
		rk_buf_addc(out, '{');
		for (i = 0; i < n; i++) {
			if (i)
				rk_buf_addc(out, ',');
			rk_json_quote(out, keys[i].s, keys[i].n);
			rk_buf_addc(out, ':');
			rk_json_canonical(d, keys[i].tok + 1, out);
		}
		rk_buf_addc(out, '}');
		free(keys);
		break;
	case RK_JSON_ARRAY:
		rk_buf_addc(out, '[');
		for (k = rk_json_first(d, t); k >= 0; k = rk_json_next(d, k)) {
			if (k != t + 1)
				rk_buf_addc(out, ',');
			rk_json_canonical(d, k, out);
		}
		rk_buf_addc(out, ']');
		break;
	case RK_JSON_STRING:
		rk_json_quote(out, d->strs.data + tok->str, tok->strlen);
		break;
	default:
		rk_buf_add(out, d->src + tok->start, (size_t)(tok->end - tok->start));
		break;
	}
}

/* ---- NDJSON ---- */

void rk_ndjson_init(struct rk_ndjson *r, FILE *fp, const char *source)
{
	memset(r, 0, sizeof(*r));
	r->fp = fp;
	r->source = source;
	rk_buf_init(&r->text);
	rk_json_init(&r->doc);
	r->doc.max_values = RK_NDJSON_MAX_VALUES;
}

void rk_ndjson_release(struct rk_ndjson *r)
{
	rk_buf_release(&r->text);
	rk_json_release(&r->doc);
	r->kind = NULL;
}

static int blank(const struct rk_buf *b)
{
	for (size_t i = 0; i < b->len; i++)
		if (b->data[i] != ' ' && b->data[i] != '\t' && b->data[i] != '\r')
			return 0;
	return 1;
}

/* Column of the first non-blank byte of the line. */
static long first_col(const struct rk_buf *b)
{
	size_t i = 0;

	while (i < b->len && is_ws((unsigned char)b->data[i]))
		i++;
	return (long)i + 1;
}

int rk_ndjson_next(struct rk_ndjson *r)
{
	int rc, kt;

	r->kind = NULL;
	for (;;) {
		rc = rk_buf_getline(&r->text, r->fp, NULL);
		if (rc == 0)
			return 0;
		if (rc < 0)
			return rk_err_set(&r->err, r->source, r->line + 1, 0, "read error: %s",
					  strerror(errno));
		r->line++;
		if (!blank(&r->text))
			break;
	}
	if (rk_json_parse(&r->doc, r->text.data, r->text.len, r->source, r->line, &r->err)) {
		size_t n = strlen(r->err.msg), i = 0, e = r->text.len;

		while (i < e && is_ws((unsigned char)r->text.data[i]))
			i++;
		while (e > i && is_ws((unsigned char)r->text.data[e - 1]))
			e--;
		/* A line that is just "{" or "[": pretty-printed JSON (jq without -c). */
		if (e == i + 1 && (r->text.data[i] == '{' || r->text.data[i] == '['))
			snprintf(r->err.msg + n, sizeof(r->err.msg) - n, "%s",
				 " (a record is one line: pretty-printed JSON? use jq -c)");
		return -1;
	}
	if (rk_json_type(&r->doc, 0) != RK_JSON_OBJECT)
		return rk_err_set(&r->err, r->source, r->line, first_col(&r->text),
				  "record is not a JSON object");
	kt = rk_json_get(&r->doc, 0, "kind");
	if (rk_json_type(&r->doc, kt) != RK_JSON_STRING)
		return rk_err_set(&r->err, r->source, r->line,
				  kt >= 0 ? r->doc.tok[kt].start + 1 : first_col(&r->text),
				  "record has no string \"kind\"");
	if (rk_record_check(&r->doc, r->source, r->line, RK_RECORD_PRESENT, &r->err))
		return -1;
	r->kind = rk_json_str(&r->doc, kt);
	return 1;
}

void rk_ndjson_pass(const struct rk_ndjson *r)
{
	rk_out(r->text.data, r->text.len);
	rk_out("\n", 1);
}

void rk_record_emit(struct rk_buf *b)
{
	rk_buf_addc(b, '\n');
	rk_out(b->data, b->len);
	rk_buf_reset(b);
}
