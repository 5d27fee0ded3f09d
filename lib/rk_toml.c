/*
 * rk_toml.c - a TOML 1.0.0 reader that keeps the byte span of every key
 * and value (see rk_toml.h).
 *
 * One pass over the source, no separate tokenizer: a recursive-descent
 * parser over the byte string, with a depth limit for nested arrays and
 * inline tables. Values, keys and strings live in an arena owned by the
 * document; tables and arrays keep their (growable) element vectors on the
 * heap and are listed in the document so rk_toml_free() can release them
 * without recursion. Tables index their keys with a hash once they grow
 * past a few entries, so big documents stay linear.
 *
 * Redefinition rules (TOML 1.0 "Table" and "Keys" sections) are enforced
 * with per-table flags:
 *   T_EXPLICIT  defined by a [header] or an [[array]] element
 *   T_DOTTED    created (or extended) by dotted keys, in section `section`;
 *               only dotted keys of that same section may extend it again,
 *               and no [header] may define it
 *   T_INLINE    written {..} or [..] (or created inside one): immutable
 *   T_AOT       an array of tables made by [[header]]
 * A table with none of these was created implicitly by a header ([a.b]
 * makes 'a'); one later [a] may define it.
 */
#include "rk_common.h"

#include <math.h>

#include "rk_strmap.h"
#include "rk_toml.h"
#include "rk_utf8.h"

#define T_EXPLICIT 0x1u
#define T_DOTTED 0x2u
#define T_INLINE 0x4u
#define T_AOT 0x8u

/* Nesting limit for arrays and inline tables (stack safety). */
#define MAX_DEPTH 256

struct entry {
	const char *key;
	size_t keylen;
	struct rk_toml_value *val;
};

struct rk_toml_value {
	enum rk_toml_type type;
	unsigned flags;
	unsigned section; /* T_DOTTED: the section (or inline table) that made it */
	struct rk_toml_span span;
	struct rk_toml_span key_span;
	union {
		struct {
			const char *s; /* strings and date/time text */
			size_t len;
		} str;
		long long i;
		double f;
		int b;
		struct {
			struct entry *e;
			size_t n, cap;
			uint32_t *idx; /* open addressing, entry index + 1; 0 is empty */
			size_t idxcap;
		} t;
		struct {
			struct rk_toml_value **v;
			size_t n, cap;
		} a;
	} u;
};

struct arena_block {
	struct arena_block *next;
	size_t used, cap;
	max_align_t data[];
};

struct rk_toml_doc {
	char *src;
	size_t len;
	struct rk_toml_value *root;
	struct arena_block *blocks;
	struct rk_toml_value **conts; /* every table and array, for freeing */
	size_t nconts, contcap;
};

/* ---- arena ---- */

#define ARENA_BLOCK 65536

static void *arena_alloc(struct rk_toml_doc *doc, size_t n)
{
	void *p;
	size_t al = sizeof(max_align_t);
	struct arena_block *b = doc->blocks;

	n = (n + al - 1) / al * al;
	if (n == 0)
		n = al;
	if (!b || b->cap - b->used < n) {
		size_t cap = n > ARENA_BLOCK / 4 ? n : ARENA_BLOCK;
		struct arena_block *nb = rk_xmalloc(sizeof(*nb) + cap);
		nb->used = 0;
		nb->cap = cap;
		if (b && cap != ARENA_BLOCK) {
			/* a big one-off: keep the current block for small allocations */
			nb->next = b->next;
			b->next = nb;
			nb->used = n;
			return nb->data;
		}
		nb->next = b;
		doc->blocks = nb;
		b = nb;
	}
	p = (char *)b->data + b->used;
	b->used += n;
	return p;
}

static char *arena_strndup(struct rk_toml_doc *doc, const char *s, size_t n)
{
	char *p = arena_alloc(doc, n + 1);
	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* ---- parser state ---- */

struct key {
	const char *s;
	size_t len;
	struct rk_toml_span sp; /* of this key part in the source (quotes included) */
};

struct parser {
	const char *src;
	size_t len;
	size_t pos;
	const char *source;
	struct rk_err *err;
	int failed;
	struct rk_toml_doc *doc;
	struct rk_toml_value *cur; /* table of the current [section] */
	unsigned section, nsections;
	int depth;
	int bom; /* the input starts with a UTF-8 byte order mark */
	/* location cursor: line and column of loc_pos (monotone scanning) */
	size_t loc_pos, loc_bol;
	long loc_line, loc_col;
	struct rk_buf tmp;	/* string unescaping scratch */
	struct rk_buf sec_path; /* path of the current [section], for messages */
	struct key *keys;	/* dotted key scratch, reused */
	size_t nkeys, keycap;
};

static void locate(struct parser *p, size_t pos, long *line, long *col)
{
	if (pos > p->len)
		pos = p->len;
	if (pos < p->loc_pos) {
		p->loc_pos = 0;
		p->loc_bol = 0;
		p->loc_line = 1;
		p->loc_col = 1;
	}
	while (p->loc_pos < pos) {
		unsigned char c = (unsigned char)p->src[p->loc_pos++];
		if (c == '\n') {
			p->loc_line++;
			p->loc_col = 1;
			p->loc_bol = p->loc_pos;
		} else if ((c & 0xC0) != 0x80 && !(p->bom && p->loc_pos == 1)) {
			p->loc_col++; /* count characters (not a leading BOM) */
		}
	}
	*line = p->loc_line;
	*col = p->loc_col;
}

static struct rk_toml_span mkspan(struct parser *p, size_t start, size_t end)
{
	struct rk_toml_span sp;
	sp.start = start;
	sp.end = end;
	locate(p, start, &sp.line, &sp.col);
	return sp;
}

__attribute__((format(printf, 3, 4))) static int fail(struct parser *p, size_t pos, const char *fmt,
						      ...)
{
	long line, col;
	va_list ap;
	if (p->failed)
		return -1;
	p->failed = 1;
	locate(p, pos, &line, &col);
	p->err->source = p->source;
	p->err->line = line;
	p->err->col = col;
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* Render a key for messages: printable as is, other bytes as \xHH; cut long ones. */
static void key_text(struct rk_buf *b, const char *s, size_t n)
{
	size_t max = 80;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (i >= max) {
			rk_buf_adds(b, "...");
			break;
		}
		if (c < 0x20 || c == 0x7f)
			rk_buf_addf(b, "\\x%02X", c);
		else
			rk_buf_addc(b, (char)c);
	}
}

static int is_bare(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

/* keys[0..n) joined with '.', quoting parts that are not bare keys. */
static void path_text(struct rk_buf *b, const struct key *k, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int bare = k[i].len > 0;
		for (size_t j = 0; j < k[i].len; j++)
			if (!is_bare((unsigned char)k[i].s[j]))
				bare = 0;
		if (i)
			rk_buf_addc(b, '.');
		if (!bare)
			rk_buf_addc(b, '"');
		key_text(b, k[i].s, k[i].len);
		if (!bare)
			rk_buf_addc(b, '"');
	}
}

/* Describe a character for a message: 'x', or U+XXXX for control characters. */
static void char_text(char *out, size_t outlen, const char *s, size_t avail)
{
	unsigned char c = (unsigned char)s[0];
	if (avail == 0) {
		snprintf(out, outlen, "end of input");
	} else if (c == '\n' || (c == '\r' && avail > 1 && s[1] == '\n')) {
		snprintf(out, outlen, "end of line");
	} else if (c < 0x20 || c == 0x7f) {
		snprintf(out, outlen, "U+%04X", c);
	} else {
		size_t n = 1;
		if (c >= 0xF0)
			n = 4;
		else if (c >= 0xE0)
			n = 3;
		else if (c >= 0xC0)
			n = 2;
		if (n > avail)
			n = avail;
		snprintf(out, outlen, "'%.*s'", (int)n, s);
	}
}

/* ---- values and tables ---- */

static struct rk_toml_value *new_value(struct parser *p, enum rk_toml_type type)
{
	struct rk_toml_value *v = arena_alloc(p->doc, sizeof(*v));
	memset(v, 0, sizeof(*v));
	v->type = type;
	if (type == RK_TOML_TABLE || type == RK_TOML_ARRAY) {
		struct rk_toml_doc *d = p->doc;
		RK_GROW(d->conts, d->contcap, d->nconts + 1);
		d->conts[d->nconts++] = v;
	}
	return v;
}

#define INDEX_MIN 8 /* tables with fewer entries are searched linearly */

static void index_put(struct rk_toml_value *t, size_t i)
{
	size_t mask = t->u.t.idxcap - 1;
	size_t h = rk_strhash(t->u.t.e[i].key, t->u.t.e[i].keylen) & mask;
	while (t->u.t.idx[h])
		h = (h + 1) & mask;
	t->u.t.idx[h] = (uint32_t)(i + 1);
}

static void index_rebuild(struct rk_toml_value *t)
{
	size_t cap = 16;
	while (cap < t->u.t.n * 2 + 2)
		cap *= 2;
	free(t->u.t.idx);
	t->u.t.idx = rk_xcalloc(cap, sizeof(*t->u.t.idx));
	t->u.t.idxcap = cap;
	for (size_t i = 0; i < t->u.t.n; i++)
		index_put(t, i);
}

static struct rk_toml_value *table_find(const struct rk_toml_value *t, const char *k, size_t n)
{
	if (t->u.t.idx) {
		size_t mask = t->u.t.idxcap - 1;
		size_t h = rk_strhash(k, n) & mask;
		uint32_t i;
		while ((i = t->u.t.idx[h]) != 0) {
			const struct entry *e = &t->u.t.e[i - 1];
			if (e->keylen == n && memcmp(e->key, k, n) == 0)
				return e->val;
			h = (h + 1) & mask;
		}
		return NULL;
	}
	for (size_t i = 0; i < t->u.t.n; i++) {
		const struct entry *e = &t->u.t.e[i];
		if (e->keylen == n && memcmp(e->key, k, n) == 0)
			return e->val;
	}
	return NULL;
}

static void table_add(struct parser *p, struct rk_toml_value *t, const struct key *k,
		      struct rk_toml_value *v)
{
	struct entry *e;
	if (t->u.t.n >= UINT32_MAX - 1)
		rk_die(RK_EXIT_FAIL, "toml: table too large");
	RK_GROW(t->u.t.e, t->u.t.cap, t->u.t.n + 1);
	e = &t->u.t.e[t->u.t.n++];
	e->key = arena_strndup(p->doc, k->s, k->len);
	e->keylen = k->len;
	e->val = v;
	v->key_span = k->sp;
	if (t->u.t.idx && t->u.t.n * 2 + 2 <= t->u.t.idxcap)
		index_put(t, t->u.t.n - 1);
	else if (t->u.t.n >= INDEX_MIN)
		index_rebuild(t);
}

static void array_add(struct rk_toml_value *a, struct rk_toml_value *v)
{
	RK_GROW(a->u.a.v, a->u.a.cap, a->u.a.n + 1);
	a->u.a.v[a->u.a.n++] = v;
}

static const char *type_name(const struct rk_toml_value *v)
{
	switch (v->type) {
	case RK_TOML_TABLE:
		return (v->flags & T_INLINE) ? "an inline table" : "a table";
	case RK_TOML_ARRAY:
		return (v->flags & T_AOT) ? "an array of tables" : "an array";
	case RK_TOML_STRING:
		return "a string";
	case RK_TOML_INTEGER:
		return "an integer";
	case RK_TOML_FLOAT:
		return "a float";
	case RK_TOML_BOOL:
		return "a boolean";
	case RK_TOML_DATETIME:
	case RK_TOML_DATETIME_LOCAL:
	case RK_TOML_DATE_LOCAL:
	case RK_TOML_TIME_LOCAL:
		return "a date/time";
	default:
		return "a value";
	}
}

/* Line where v was defined (its key if it has one, else its value). */
static long def_line(const struct rk_toml_value *v)
{
	if (v->key_span.line)
		return v->key_span.line;
	return v->span.line;
}

/* ---- lexical helpers ---- */

static int at_end(const struct parser *p)
{
	return p->pos >= p->len;
}

static int peek(const struct parser *p)
{
	return p->pos < p->len ? (unsigned char)p->src[p->pos] : -1;
}

static int peek_at(const struct parser *p, size_t off)
{
	return p->pos + off < p->len ? (unsigned char)p->src[p->pos + off] : -1;
}

static void skip_ws(struct parser *p)
{
	while (p->pos < p->len && (p->src[p->pos] == ' ' || p->src[p->pos] == '\t'))
		p->pos++;
}

/* At '#': skip the comment up to (not including) the newline. */
static int skip_comment(struct parser *p)
{
	p->pos++;
	while (p->pos < p->len) {
		unsigned char c = (unsigned char)p->src[p->pos];
		if (c == '\n')
			return 0;
		if (c == '\r') {
			if (peek_at(p, 1) == '\n')
				return 0;
			return fail(p, p->pos, "carriage return without line feed in comment");
		}
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return fail(p, p->pos, "control character U+%04X in comment", c);
		p->pos++;
	}
	return 0;
}

/* Consume one newline (LF or CRLF) if there is one: 1, 0, or -1 on a lone CR. */
static int eat_newline(struct parser *p)
{
	int c = peek(p);
	if (c == '\n') {
		p->pos++;
		return 1;
	}
	if (c == '\r') {
		if (peek_at(p, 1) == '\n') {
			p->pos += 2;
			return 1;
		}
		return fail(p, p->pos, "carriage return without line feed");
	}
	return 0;
}

/* Skip whitespace, comments and newlines (inside arrays). */
static int skip_ws_nl(struct parser *p)
{
	for (;;) {
		int c;
		int r;
		skip_ws(p);
		c = peek(p);
		if (c == '#') {
			if (skip_comment(p) < 0)
				return -1;
			continue;
		}
		r = eat_newline(p);
		if (r < 0)
			return -1;
		if (r == 0)
			return 0;
	}
}

/* After a statement: optional whitespace and comment, then newline or end. */
static int end_of_line(struct parser *p, const char *what)
{
	int r;
	skip_ws(p);
	if (peek(p) == '#' && skip_comment(p) < 0)
		return -1;
	if (at_end(p))
		return 0;
	r = eat_newline(p);
	if (r < 0)
		return -1;
	if (r == 0) {
		char ch[16];
		char_text(ch, sizeof(ch), p->src + p->pos, p->len - p->pos);
		return fail(p, p->pos, "expected newline after %s, found %s", what, ch);
	}
	return 0;
}

/* ---- strings ---- */

/* An escape after '\' at p->pos (which points past the backslash). */
static int parse_escape(struct parser *p, size_t bs)
{
	int c = peek(p);
	switch (c) {
	case 'b':
		rk_buf_addc(&p->tmp, '\b');
		break;
	case 't':
		rk_buf_addc(&p->tmp, '\t');
		break;
	case 'n':
		rk_buf_addc(&p->tmp, '\n');
		break;
	case 'f':
		rk_buf_addc(&p->tmp, '\f');
		break;
	case 'r':
		rk_buf_addc(&p->tmp, '\r');
		break;
	case '"':
		rk_buf_addc(&p->tmp, '"');
		break;
	case '\\':
		rk_buf_addc(&p->tmp, '\\');
		break;
	case 'u':
	case 'U': {
		int nd = c == 'u' ? 4 : 8;
		uint32_t cp = 0;
		for (int i = 1; i <= nd; i++) {
			int h = rk_hexval(peek_at(p, (size_t)i));
			if (h < 0)
				return fail(p, bs,
					    "invalid unicode escape: '\\%c' needs %d hex digits", c,
					    nd);
			cp = cp * 16 + (uint32_t)h;
		}
		if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return fail(p, bs, "invalid unicode escape '\\%.*s' (not a scalar value)",
				    nd + 1, p->src + p->pos);
		rk_utf8_put(&p->tmp, cp);
		p->pos += (size_t)nd;
		break;
	}
	case -1:
		return fail(p, bs, "unterminated string");
	default: {
		char ch[16];
		char_text(ch, sizeof(ch), p->src + p->pos, p->len - p->pos);
		if (ch[0] == '\'')
			return fail(p, bs, "invalid escape '\\%.*s'", (int)(strlen(ch) - 2),
				    ch + 1);
		return fail(p, bs, "invalid escape: backslash followed by %s", ch);
	}
	}
	p->pos++;
	return 0;
}

/* A non-ASCII or ordinary character inside a string: validate and copy. */
static int string_char(struct parser *p)
{
	unsigned char c = (unsigned char)p->src[p->pos];
	if ((c < 0x20 && c != '\t') || c == 0x7f)
		return fail(p, p->pos, "control character U+%04X in string", c);
	rk_buf_addc(&p->tmp, (char)c);
	p->pos++;
	return 0;
}

/*
 * Parse a string at p->pos (a quote). multiline_ok is 0 for keys. The
 * unescaped text is left in p->tmp.
 */
static int parse_string(struct parser *p, int multiline_ok)
{
	size_t start = p->pos;
	char q = p->src[p->pos];
	int literal = q == '\'';
	int multi = peek_at(p, 1) == q && peek_at(p, 2) == q;

	rk_buf_reset(&p->tmp);
	rk_buf_grow(&p->tmp, 0);
	if (multi && !multiline_ok)
		return fail(p, start, "multi-line string cannot be a key");
	if (!multi) {
		p->pos++;
		for (;;) {
			int c = peek(p);
			if (c == -1 || c == '\n' || c == '\r')
				return fail(p, start, "unterminated string");
			if (c == q) {
				p->pos++;
				return 0;
			}
			if (c == '\\' && !literal) {
				p->pos++;
				if (parse_escape(p, p->pos - 1) < 0)
					return -1;
				continue;
			}
			if (string_char(p) < 0)
				return -1;
		}
	}
	p->pos += 3;
	/* a newline right after the opening delimiter is trimmed */
	if (peek(p) == '\n')
		p->pos++;
	else if (peek(p) == '\r' && peek_at(p, 1) == '\n')
		p->pos += 2;
	for (;;) {
		int c = peek(p);
		if (c == -1)
			return fail(p, start, "unterminated string");
		if (c == q) {
			size_t n = 0;
			while (peek_at(p, n) == q)
				n++;
			if (n >= 3) {
				if (n > 5)
					return fail(
						p, p->pos,
						"too many quotes at the end of a multi-line string");
				for (size_t i = 0; i < n - 3; i++)
					rk_buf_addc(&p->tmp, q);
				p->pos += n;
				return 0;
			}
			for (size_t i = 0; i < n; i++)
				rk_buf_addc(&p->tmp, q);
			p->pos += n;
			continue;
		}
		if (c == '\n') {
			rk_buf_addc(&p->tmp, '\n');
			p->pos++;
			continue;
		}
		if (c == '\r') {
			if (peek_at(p, 1) != '\n')
				return fail(p, p->pos,
					    "carriage return without line feed in string");
			rk_buf_addc(&p->tmp, '\n');
			p->pos += 2;
			continue;
		}
		if (c == '\\' && !literal) {
			int d;
			size_t bs = p->pos;
			size_t i = 1;
			while (peek_at(p, i) == ' ' || peek_at(p, i) == '\t')
				i++;
			d = peek_at(p, i);
			if (d == '\n' || (d == '\r' && peek_at(p, i + 1) == '\n')) {
				/* line-ending backslash: drop all whitespace up to the next text */
				p->pos += i;
				for (;;) {
					int e = peek(p);
					if (e == ' ' || e == '\t' || e == '\n')
						p->pos++;
					else if (e == '\r' && peek_at(p, 1) == '\n')
						p->pos += 2;
					else
						break;
				}
				continue;
			}
			p->pos++;
			if (parse_escape(p, bs) < 0)
				return -1;
			continue;
		}
		if (string_char(p) < 0)
			return -1;
	}
}

/* ---- keys ---- */

static int parse_key_part(struct parser *p, struct key *k)
{
	int c = peek(p);
	k->sp = mkspan(p, p->pos, p->pos);
	if (c == '"' || c == '\'') {
		if (parse_string(p, 0) < 0)
			return -1;
		k->s = arena_strndup(p->doc, p->tmp.data, p->tmp.len);
		k->len = p->tmp.len;
	} else if (c >= 0 && is_bare((unsigned char)c)) {
		while (p->pos < p->len && is_bare((unsigned char)p->src[p->pos]))
			p->pos++;
		k->s = p->src + k->sp.start;
		k->len = p->pos - k->sp.start;
	} else if (c == -1 || c == '\n' || c == '\r') {
		return fail(p, p->pos, "expected a key");
	} else {
		char ch[16];
		char_text(ch, sizeof(ch), p->src + p->pos, p->len - p->pos);
		return fail(p, p->pos, "invalid character %s in key", ch);
	}
	k->sp.end = p->pos;
	return 0;
}

/* A dotted key into p->keys[base..]; returns the number of parts or -1. */
static long parse_key(struct parser *p, size_t base)
{
	size_t n = 0;
	for (;;) {
		RK_GROW(p->keys, p->keycap, base + n + 1);
		if (parse_key_part(p, &p->keys[base + n]) < 0)
			return -1;
		n++;
		skip_ws(p);
		if (peek(p) != '.')
			break;
		p->pos++;
		skip_ws(p);
	}
	return (long)n;
}

/* ---- numbers ---- */

/*
 * Digits with single underscores between them, from s[*i]; digit() tells
 * what counts. Returns the number of digits, or -1 on a misplaced '_'.
 */
static long digits(const char *s, size_t n, size_t *i, int (*digit)(int))
{
	long nd = 0;
	int prev_us = 1; /* an underscore first is an error too */
	while (*i < n) {
		int c = (unsigned char)s[*i];
		if (c == '_') {
			if (prev_us)
				return -1;
			prev_us = 1;
		} else if (digit(c)) {
			nd++;
			prev_us = 0;
		} else {
			break;
		}
		(*i)++;
	}
	if (prev_us && nd > 0)
		return -1; /* trailing underscore */
	return nd;
}

static int is_dec(int c)
{
	return c >= '0' && c <= '9';
}
static int is_hex(int c)
{
	return rk_hexval(c) >= 0;
}
static int is_oct(int c)
{
	return c >= '0' && c <= '7';
}
static int is_bin(int c)
{
	return c == '0' || c == '1';
}

static int parse_number(struct parser *p, struct rk_toml_value **out)
{
	int neg = 0, sign = 0;
	size_t i = 0;
	size_t n;
	const char *s;
	struct rk_toml_value *v;
	size_t dots = 0;
	long nd;
	size_t j;
	int is_float = 0;
	size_t start = p->pos;
	size_t end = start;
	while (end < p->len) {
		unsigned char c = (unsigned char)p->src[end];
		if (is_bare(c) || c == '+' || c == '.')
			end++;
		else
			break;
	}
	s = p->src + start;
	n = end - start;
	if (n == 0)
		return fail(p, start, "expected a value");
	if (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-';
		sign = 1;
		i = 1;
	}
	if (n - i == 3 && (memcmp(s + i, "inf", 3) == 0 || memcmp(s + i, "nan", 3) == 0)) {
		v = new_value(p, RK_TOML_FLOAT);
		v->u.f = s[i] == 'i' ? (double)INFINITY : (double)NAN;
		if (neg)
			v->u.f = -v->u.f;
		goto done;
	}
	if (n - i >= 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'o' || s[i + 1] == 'b')) {
		unsigned long long u = 0;
		int base = s[i + 1] == 'x' ? 16 : s[i + 1] == 'o' ? 8 : 2;
		int (*dig)(int) = base == 16 ? is_hex : base == 8 ? is_oct : is_bin;
		if (sign)
			return fail(p, start, "invalid number '%.*s' (no sign allowed before 0%c)",
				    (int)n, s, s[i + 1]);
		j = i + 2;
		nd = digits(s, n, &j, dig);
		if (nd <= 0 || j != n)
			return fail(p, start, "invalid number '%.*s'", (int)n, s);
		for (size_t k = i + 2; k < n; k++) {
			unsigned d;
			if (s[k] == '_')
				continue;
			d = (unsigned)rk_hexval((unsigned char)s[k]);
			if (u > (unsigned long long)(INT64_MAX - d) / (unsigned)base)
				return fail(p, start, "integer '%.*s' out of range", (int)n, s);
			u = u * (unsigned)base + d;
		}
		v = new_value(p, RK_TOML_INTEGER);
		v->u.i = (long long)u;
		goto done;
	}
	for (size_t m = 0; m < n; m++)
		dots += s[m] == '.';
	if (dots >= 2) /* version = 1.0.0 */
		return fail(p, start, "invalid value '%.*s' (strings need quotes)", (int)n, s);
	j = i;
	nd = digits(s, n, &j, is_dec);
	if (nd <= 0)
		return fail(p, start, "invalid number '%.*s'", (int)n, s);
	if (nd > 1 && s[i] == '0')
		return fail(p, start, "invalid number '%.*s' (leading zero)", (int)n, s);
	if (j < n && s[j] == '.') {
		j++;
		if (digits(s, n, &j, is_dec) <= 0)
			return fail(p, start, "invalid float '%.*s'", (int)n, s);
		is_float = 1;
	}
	if (j < n && (s[j] == 'e' || s[j] == 'E')) {
		j++;
		if (j < n && (s[j] == '+' || s[j] == '-'))
			j++;
		if (digits(s, n, &j, is_dec) <= 0)
			return fail(p, start, "invalid float '%.*s'", (int)n, s);
		is_float = 1;
	}
	if (j != n)
		return fail(p, start, "invalid number '%.*s'", (int)n, s);
	if (is_float) {
		double f;
		char buf[128];
		size_t k = 0;
		if (n >= sizeof(buf)) {
			struct rk_buf b = RK_BUF_INIT;
			for (size_t m = 0; m < n; m++)
				if (s[m] != '_')
					rk_buf_addc(&b, s[m]);
			f = strtod(b.data, NULL);
			rk_buf_release(&b);
			if (isinf(f))
				return fail(p, start, "float '%.*s' out of range", (int)n, s);
			v = new_value(p, RK_TOML_FLOAT);
			v->u.f = f;
			goto done;
		}
		for (size_t m = 0; m < n; m++)
			if (s[m] != '_')
				buf[k++] = s[m];
		buf[k] = '\0';
		f = strtod(buf, NULL);
		if (isinf(f))
			return fail(p, start, "float '%.*s' out of range", (int)n, s);
		v = new_value(p, RK_TOML_FLOAT);
		v->u.f = f;
		goto done;
	}
	{
		unsigned long long u = 0;
		unsigned long long lim = neg ? (unsigned long long)INT64_MAX + 1 : INT64_MAX;
		for (size_t k = i; k < n; k++) {
			unsigned d;
			if (s[k] == '_')
				continue;
			d = (unsigned)(s[k] - '0');
			if (u > (lim - d) / 10)
				return fail(p, start, "integer '%.*s' out of range", (int)n, s);
			u = u * 10 + d;
		}
		v = new_value(p, RK_TOML_INTEGER);
		v->u.i = neg ? (long long)(0 - u) : (long long)u;
	}
done:
	p->pos = end;
	*out = v;
	return 0;
}

/* ---- dates and times ---- */

static int ndigits(const struct parser *p, size_t at, int n, int *val)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (at + (size_t)i >= p->len || !is_dec((unsigned char)p->src[at + (size_t)i]))
			return -1;
		v = v * 10 + (p->src[at + (size_t)i] - '0');
	}
	*val = v;
	return 0;
}

static int days_in_month(int y, int m)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

/* HH:MM:SS(.frac)? at p->pos; appends the text to tmp. */
static int parse_time(struct parser *p, size_t start)
{
	int h, m, s;
	size_t at = p->pos;
	if (ndigits(p, at, 2, &h) < 0 || peek_at(p, 2) != ':' || ndigits(p, at + 3, 2, &m) < 0)
		return fail(p, start, "invalid time (expected HH:MM:SS)");
	if (peek_at(p, 5) != ':' || ndigits(p, at + 6, 2, &s) < 0)
		return fail(p, start, "invalid time (expected HH:MM:SS; seconds are required)");
	if (h > 23 || m > 59 || s > 60)
		return fail(p, start, "invalid time '%.8s' (out of range)", p->src + at);
	rk_buf_add(&p->tmp, p->src + at, 8);
	p->pos += 8;
	if (peek(p) == '.') {
		size_t f = p->pos + 1;
		while (f < p->len && is_dec((unsigned char)p->src[f]))
			f++;
		if (f == p->pos + 1)
			return fail(p, start, "invalid time (no digits after '.')");
		rk_buf_add(&p->tmp, p->src + p->pos, f - p->pos);
		p->pos = f;
	}
	return 0;
}

static int parse_datetime(struct parser *p, struct rk_toml_value **out)
{
	int c;
	struct rk_toml_value *v;
	size_t start = p->pos;
	enum rk_toml_type type;
	rk_buf_reset(&p->tmp);
	if (peek_at(p, 2) == ':') {
		if (parse_time(p, start) < 0)
			return -1;
		type = RK_TOML_TIME_LOCAL;
	} else {
		int y, mo, d;
		if (ndigits(p, start, 4, &y) < 0 || peek_at(p, 4) != '-' ||
		    ndigits(p, start + 5, 2, &mo) < 0 || peek_at(p, 7) != '-' ||
		    ndigits(p, start + 8, 2, &d) < 0)
			return fail(p, start, "invalid date (expected YYYY-MM-DD)");
		if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
			return fail(p, start, "invalid date '%.10s' (out of range)",
				    p->src + start);
		rk_buf_add(&p->tmp, p->src + start, 10);
		p->pos += 10;
		type = RK_TOML_DATE_LOCAL;
		c = peek(p);
		if (c == 'T' || c == 't' ||
		    (c == ' ' && is_dec(peek_at(p, 1)) && is_dec(peek_at(p, 2)))) {
			p->pos++;
			rk_buf_addc(&p->tmp, 'T');
			if (parse_time(p, start) < 0)
				return -1;
			type = RK_TOML_DATETIME_LOCAL;
			c = peek(p);
			if (c == 'Z' || c == 'z') {
				rk_buf_addc(&p->tmp, 'Z');
				p->pos++;
				type = RK_TOML_DATETIME;
			} else if (c == '+' || c == '-') {
				int oh, om;
				if (ndigits(p, p->pos + 1, 2, &oh) < 0 || peek_at(p, 3) != ':' ||
				    ndigits(p, p->pos + 4, 2, &om) < 0)
					return fail(p, start,
						    "invalid time offset (expected +HH:MM)");
				if (oh > 23 || om > 59)
					return fail(p, start,
						    "invalid time offset '%.6s' (out of range)",
						    p->src + p->pos);
				rk_buf_add(&p->tmp, p->src + p->pos, 6);
				p->pos += 6;
				type = RK_TOML_DATETIME;
			}
		}
	}
	/* a date/time is followed by a delimiter, not more token characters */
	c = peek(p);
	if (c >= 0 && (is_bare((unsigned char)c) || c == '.' || c == ':' || c == '+'))
		return fail(p, start, "invalid date/time '%.*s'", (int)(p->pos - start + 1),
			    p->src + start);
	v = new_value(p, type);
	v->u.str.s = arena_strndup(p->doc, p->tmp.data, p->tmp.len);
	v->u.str.len = p->tmp.len;
	*out = v;
	return 0;
}

/* ---- values ---- */

static int parse_value(struct parser *p, struct rk_toml_value **out);
static int insert_kv(struct parser *p, struct rk_toml_value *t, const struct key *k, size_t n,
		     struct rk_toml_value *v, int in_inline);

static int parse_array(struct parser *p, struct rk_toml_value **out)
{
	size_t start = p->pos;
	struct rk_toml_value *a = new_value(p, RK_TOML_ARRAY);
	a->flags = T_INLINE;
	p->pos++;
	for (;;) {
		struct rk_toml_value *v;
		int c;
		char ch[16];
		if (skip_ws_nl(p) < 0)
			return -1;
		if (peek(p) == ']')
			break;
		if (parse_value(p, &v) < 0)
			return -1;
		array_add(a, v);
		if (skip_ws_nl(p) < 0)
			return -1;
		c = peek(p);
		if (c == ',') {
			p->pos++;
			continue;
		}
		if (c == ']')
			break;
		if (c == -1)
			return fail(p, start, "unterminated array");
		char_text(ch, sizeof(ch), p->src + p->pos, p->len - p->pos);
		return fail(p, p->pos, "expected ',' or ']' in array, found %s", ch);
	}
	p->pos++;
	*out = a;
	return 0;
}

static int parse_inline_table(struct parser *p, struct rk_toml_value **out)
{
	unsigned saved;
	size_t start = p->pos;
	struct rk_toml_value *t = new_value(p, RK_TOML_TABLE);
	t->flags = T_INLINE;
	saved = p->section;
	p->section = ++p->nsections;
	p->pos++;
	skip_ws(p);
	if (peek(p) == '\n' || peek(p) == '\r')
		return fail(p, p->pos, "newline in inline table (they must be on one line)");
	if (peek(p) != '}') {
		for (;;) {
			long n;
			size_t base;
			struct rk_toml_value *v;
			int c;
			char ch[16];
			skip_ws(p);
			if (at_end(p))
				return fail(p, start, "unterminated inline table");
			base = p->nkeys;
			n = parse_key(p, base);
			if (n < 0)
				return -1;
			p->nkeys += (size_t)n;
			if (at_end(p))
				return fail(p, start, "unterminated inline table");
			if (peek(p) != '=') {
				if (peek(p) == '\n' || peek(p) == '\r' || peek(p) == -1)
					return fail(
						p, p->pos,
						"expected '=' after key (inline tables must be on one line)");
				return fail(p, p->pos, "expected '=' after key");
			}
			p->pos++;
			skip_ws(p);
			if (parse_value(p, &v) < 0)
				return -1;
			if (insert_kv(p, t, p->keys + base, (size_t)n, v, 1) < 0)
				return -1;
			p->nkeys = base;
			skip_ws(p);
			c = peek(p);
			if (c == ',') {
				p->pos++;
				skip_ws(p);
				if (peek(p) == '\n' || peek(p) == '\r')
					return fail(
						p, p->pos,
						"newline in inline table (they must be on one line)");
				if (peek(p) == '}')
					return fail(p, p->pos, "trailing comma in inline table");
				continue;
			}
			if (c == '}')
				break;
			if (c == '\n' || c == '\r')
				return fail(p, p->pos,
					    "newline in inline table (they must be on one line)");
			if (c == -1)
				return fail(p, start, "unterminated inline table");
			char_text(ch, sizeof(ch), p->src + p->pos, p->len - p->pos);
			return fail(p, p->pos, "expected ',' or '}' in inline table, found %s", ch);
		}
	}
	p->pos++;
	p->section = saved;
	*out = t;
	return 0;
}

static int parse_value_at(struct parser *p, struct rk_toml_value **out)
{
	char ch[16];
	int c = peek(p);
	size_t start = p->pos;
	struct rk_toml_value *v;

	if (c == '"' || c == '\'') {
		if (parse_string(p, 1) < 0)
			return -1;
		v = new_value(p, RK_TOML_STRING);
		v->u.str.s = arena_strndup(p->doc, p->tmp.data, p->tmp.len);
		v->u.str.len = p->tmp.len;
		*out = v;
		return 0;
	}
	if (c == '[' || c == '{') {
		int r;
		if (p->depth >= MAX_DEPTH)
			return fail(p, start, "arrays and inline tables nested too deeply");
		p->depth++;
		r = c == '[' ? parse_array(p, out) : parse_inline_table(p, out);
		p->depth--;
		return r;
	}
	if (c == 't' && p->len - p->pos >= 4 && memcmp(p->src + p->pos, "true", 4) == 0 &&
	    !(p->pos + 4 < p->len && is_bare((unsigned char)p->src[p->pos + 4]))) {
		v = new_value(p, RK_TOML_BOOL);
		v->u.b = 1;
		p->pos += 4;
		*out = v;
		return 0;
	}
	if (c == 'f' && p->len - p->pos >= 5 && memcmp(p->src + p->pos, "false", 5) == 0 &&
	    !(p->pos + 5 < p->len && is_bare((unsigned char)p->src[p->pos + 5]))) {
		v = new_value(p, RK_TOML_BOOL);
		v->u.b = 0;
		p->pos += 5;
		*out = v;
		return 0;
	}
	if (is_dec(c)) {
		if ((is_dec(peek_at(p, 1)) && peek_at(p, 2) == ':') ||
		    (is_dec(peek_at(p, 1)) && is_dec(peek_at(p, 2)) && is_dec(peek_at(p, 3)) &&
		     peek_at(p, 4) == '-'))
			return parse_datetime(p, out);
		return parse_number(p, out);
	}
	if (c == '+' || c == '-' || c == 'i' || c == 'n')
		return parse_number(p, out);
	if (c == -1 || c == '\n' || c == '\r' || c == '#')
		return fail(p, start, "expected a value");
	if (c >= 0 && is_bare((unsigned char)c)) {
		size_t e = p->pos;
		while (e < p->len && is_bare((unsigned char)p->src[e]) && e - p->pos < 40)
			e++;
		return fail(p, start, "invalid value '%.*s' (strings need quotes)",
			    (int)(e - p->pos), p->src + p->pos);
	}
	char_text(ch, sizeof(ch), p->src + p->pos, p->len - p->pos);
	if (c >= 0 && strchr("^~<>=*!@$%&/", c)) /* dep = ^1.2 */
		return fail(p, start, "expected a value, found %s (strings need quotes)", ch);
	return fail(p, start, "expected a value, found %s", ch);
}

/* A value at p->pos; its span is set here (located before reading it). */
static int parse_value(struct parser *p, struct rk_toml_value **out)
{
	struct rk_toml_span sp = mkspan(p, p->pos, p->pos);
	if (parse_value_at(p, out) < 0)
		return -1;
	(*out)->span = sp;
	(*out)->span.end = p->pos;
	return 0;
}

/* ---- tables ---- */

static struct rk_toml_value *new_table(struct parser *p, struct rk_toml_value *parent,
				       const struct key *k, unsigned flags)
{
	struct rk_toml_value *t = new_value(p, RK_TOML_TABLE);
	t->flags = flags;
	t->section = p->section;
	t->span = k->sp;
	t->span.end = t->span.start;
	table_add(p, parent, k, t);
	return t;
}

/* Path of dotted key k[0..n) for messages: from the root, unless inside {..}. */
static void kv_path(struct parser *p, struct rk_buf *b, const struct key *k, size_t n,
		    int in_inline)
{
	if (!in_inline && p->sec_path.len) {
		rk_buf_add(b, p->sec_path.data, p->sec_path.len);
		rk_buf_addc(b, '.');
	}
	path_text(b, k, n);
}

/*
 * Insert v under the dotted key k[0..n) relative to table t (the current
 * section's table, or the inline table being read).
 */
static int insert_kv(struct parser *p, struct rk_toml_value *t, const struct key *k, size_t n,
		     struct rk_toml_value *v, int in_inline)
{
	struct rk_toml_value *old;
	for (size_t i = 0; i + 1 < n; i++) {
		struct rk_buf path = RK_BUF_INIT;
		int bad = 0;
		struct rk_toml_value *c = table_find(t, k[i].s, k[i].len);
		if (!c) {
			t = new_table(p, t, &k[i], T_DOTTED | (in_inline ? T_INLINE : 0));
			continue;
		}
		kv_path(p, &path, k, i + 1, in_inline);
		if (c->type != RK_TOML_TABLE) {
			fail(p, k[i].sp.start, "cannot use '%s' as a table: already %s (line %ld)",
			     path.data, type_name(c), def_line(c));
			bad = 1;
		} else if ((c->flags & T_DOTTED) && c->section == p->section) {
			/* made by dotted keys of this same section: extend it */
		} else if (c->flags & T_INLINE) {
			fail(p, k[i].sp.start,
			     "cannot add to inline table '%s' (defined at line %ld)", path.data,
			     def_line(c));
			bad = 1;
		} else if (c->flags & (T_EXPLICIT | T_DOTTED)) {
			fail(p, k[i].sp.start, "table '%s' already defined at line %ld", path.data,
			     def_line(c));
			bad = 1;
		} else {
			/* implicit (made by a header): these dotted keys now define it */
			c->flags |= T_DOTTED;
			c->section = p->section;
		}
		rk_buf_release(&path);
		if (bad)
			return -1;
		t = c;
	}
	old = table_find(t, k[n - 1].s, k[n - 1].len);
	if (old) {
		struct rk_buf path = RK_BUF_INIT;
		kv_path(p, &path, k, n, in_inline);
		fail(p, k[n - 1].sp.start, "duplicate key '%s' (first defined at line %ld)",
		     path.data, def_line(old));
		rk_buf_release(&path);
		return -1;
	}
	table_add(p, t, &k[n - 1], v);
	return 0;
}

/* [header] or [[header]] at p->pos. */
static int parse_header(struct parser *p)
{
	long nk;
	size_t n;
	int r = 0;
	struct rk_buf path = RK_BUF_INIT;
	struct rk_toml_value *t;
	struct key *k;
	size_t end;
	struct rk_toml_value *c;
	size_t start = p->pos;
	struct rk_toml_span hsp = mkspan(p, start, start);
	int aot = peek_at(p, 1) == '[';
	p->pos += aot ? 2 : 1;
	skip_ws(p);
	nk = parse_key(p, 0);
	if (nk < 0)
		return -1;
	n = (size_t)nk;
	p->nkeys = n;
	if (peek(p) != ']' || (aot && peek_at(p, 1) != ']')) {
		char ch[16];
		char_text(ch, sizeof(ch), p->src + p->pos, p->len - p->pos);
		return fail(p, p->pos, "expected '%s' at the end of the table header, found %s",
			    aot ? "]]" : "]", ch);
	}
	p->pos += aot ? 2 : 1;
	end = p->pos;
	k = p->keys;
	t = p->doc->root;

	p->section = ++p->nsections;
	for (size_t i = 0; i + 1 < n; i++) {
		c = table_find(t, k[i].s, k[i].len);
		if (!c) {
			t = new_table(p, t, &k[i], 0);
			continue;
		}
		if (c->type == RK_TOML_ARRAY && (c->flags & T_AOT) && c->u.a.n > 0) {
			t = c->u.a.v[c->u.a.n - 1];
			continue;
		}
		path_text(&path, k, i + 1);
		if (c->type == RK_TOML_TABLE && (c->flags & T_INLINE)) {
			r = fail(p, k[i].sp.start,
				 "cannot add to inline table '%s' (defined at line %ld)", path.data,
				 def_line(c));
			goto out;
		}
		if (c->type != RK_TOML_TABLE) {
			r = fail(p, k[i].sp.start,
				 "cannot use '%s' as a table: already %s (line %ld)", path.data,
				 type_name(c), def_line(c));
			goto out;
		}
		rk_buf_reset(&path);
		t = c;
	}
	c = table_find(t, k[n - 1].s, k[n - 1].len);
	path_text(&path, k, n);
	if (aot) {
		struct rk_toml_value *el;
		struct rk_toml_value *arr = c;
		if (!arr) {
			arr = new_value(p, RK_TOML_ARRAY);
			arr->flags = T_AOT;
			arr->span = hsp;
			table_add(p, t, &k[n - 1], arr);
		} else if (arr->type != RK_TOML_ARRAY || !(arr->flags & T_AOT)) {
			if (arr->type == RK_TOML_TABLE)
				r = fail(
					p, k[n - 1].sp.start,
					"cannot define array of tables '%s': already a table (line %ld)",
					path.data, def_line(arr));
			else
				r = fail(
					p, k[n - 1].sp.start,
					"cannot define array of tables '%s': already %s (line %ld)",
					path.data, type_name(arr), def_line(arr));
			goto out;
		}
		el = new_value(p, RK_TOML_TABLE);
		el->flags = T_EXPLICIT;
		el->span = hsp;
		el->span.end = end;
		el->key_span = k[n - 1].sp;
		array_add(arr, el);
		p->cur = el;
		goto out;
	}
	if (!c) {
		c = new_table(p, t, &k[n - 1], T_EXPLICIT);
	} else if (c->type != RK_TOML_TABLE) {
		if (c->type == RK_TOML_ARRAY && (c->flags & T_AOT))
			r = fail(p, k[n - 1].sp.start,
				 "table '%s' already defined as an array of tables at line %ld",
				 path.data, def_line(c));
		else
			r = fail(p, k[n - 1].sp.start,
				 "cannot define table '%s': already %s (line %ld)", path.data,
				 type_name(c), def_line(c));
		goto out;
	} else if (c->flags & (T_EXPLICIT | T_DOTTED | T_INLINE)) {
		r = fail(p, k[n - 1].sp.start, "table '%s' already defined at line %ld", path.data,
			 def_line(c));
		goto out;
	}
	c->flags |= T_EXPLICIT;
	c->span = hsp;
	c->span.end = end;
	c->key_span = k[n - 1].sp;
	p->cur = c;
out:
	p->nkeys = 0;
	rk_buf_reset(&p->sec_path);
	path_text(&p->sec_path, k, n);
	rk_buf_release(&path);
	return r;
}

static int parse_keyval(struct parser *p)
{
	struct rk_toml_value *v;
	long nk = parse_key(p, 0);
	if (nk < 0)
		return -1;
	p->nkeys = (size_t)nk;
	if (peek(p) != '=') {
		char ch[16];
		if (at_end(p) || peek(p) == '\n' || peek(p) == '\r' || peek(p) == '#')
			return fail(p, p->pos, "expected '=' after key");
		char_text(ch, sizeof(ch), p->src + p->pos, p->len - p->pos);
		return fail(p, p->pos, "expected '=' after key, found %s", ch);
	}
	p->pos++;
	skip_ws(p);
	if (parse_value(p, &v) < 0)
		return -1;
	if (insert_kv(p, p->cur, p->keys, (size_t)nk, v, 0) < 0)
		return -1;
	p->nkeys = 0;
	return 0;
}

static int check_utf8(struct parser *p)
{
	const unsigned char *s = (const unsigned char *)p->src;
	size_t i = 0;
	while (i < p->len) {
		size_t n;
		if (s[i] < 0x80) {
			if (s[i] == 0)
				return fail(p, i, "NUL byte in input");
			i++;
			continue;
		}
		n = rk_utf8_len(s + i, p->len - i, NULL);
		if (n == 0)
			return fail(p, i, "invalid UTF-8 byte 0x%02X", s[i]);
		i += n;
	}
	return 0;
}

static int parse_document(struct parser *p)
{
	if (check_utf8(p) < 0)
		return -1;
	if (p->bom)
		p->pos = 3;
	while (!p->failed) {
		int c;
		skip_ws(p);
		if (at_end(p))
			break;
		c = peek(p);
		if (c == '#') {
			if (end_of_line(p, "comment") < 0)
				return -1;
			continue;
		}
		if (c == '\n' || c == '\r') {
			if (eat_newline(p) < 0)
				return -1;
			continue;
		}
		if (c == '[') {
			if (parse_header(p) < 0 || end_of_line(p, "table header") < 0)
				return -1;
			continue;
		}
		if (parse_keyval(p) < 0 || end_of_line(p, "value") < 0)
			return -1;
	}
	return p->failed ? -1 : 0;
}

/* ---- public API ---- */

struct rk_toml_doc *rk_toml_parse(const char *src, size_t len, const char *source,
				  struct rk_err *err)
{
	struct parser p;
	int r;
	struct rk_toml_doc *doc = rk_xcalloc(1, sizeof(*doc));
	doc->src = rk_xmalloc(len + 1);
	if (len)
		memcpy(doc->src, src, len);
	doc->src[len] = '\0';
	doc->len = len;

	memset(&p, 0, sizeof(p));
	p.src = doc->src;
	p.len = len;
	p.source = source ? source : "<input>";
	p.err = err;
	p.doc = doc;
	p.loc_line = 1;
	p.loc_col = 1;
	p.bom = len >= 3 && memcmp(p.src, "\xEF\xBB\xBF", 3) == 0;
	rk_buf_init(&p.tmp);
	rk_buf_init(&p.sec_path);

	doc->root = new_value(&p, RK_TOML_TABLE);
	doc->root->flags = T_EXPLICIT;
	doc->root->span = mkspan(&p, 0, len);
	p.cur = doc->root;
	p.section = p.nsections = 1;

	r = parse_document(&p);
	rk_buf_release(&p.tmp);
	rk_buf_release(&p.sec_path);
	free(p.keys);
	if (r < 0) {
		rk_toml_free(doc);
		return NULL;
	}
	return doc;
}

struct rk_toml_doc *rk_toml_parse_file(const char *path, struct rk_err *err)
{
	struct rk_toml_doc *doc;
	struct rk_buf b = RK_BUF_INIT;
	const char *source = strcmp(path, "-") == 0 ? "<stdin>" : path;
	if (rk_buf_read_file(&b, path) < 0) {
		rk_err_set(err, source, 0, 0, "%s", rk_strerror(errno));
		rk_buf_release(&b);
		return NULL;
	}
	doc = rk_toml_parse(b.data ? b.data : "", b.len, source, err);
	rk_buf_release(&b);
	return doc;
}

void rk_toml_free(struct rk_toml_doc *doc)
{
	struct arena_block *b;
	if (!doc)
		return;
	for (size_t i = 0; i < doc->nconts; i++) {
		struct rk_toml_value *v = doc->conts[i];
		if (v->type == RK_TOML_TABLE) {
			free(v->u.t.e);
			free(v->u.t.idx);
		} else {
			free(v->u.a.v);
		}
	}
	free(doc->conts);
	b = doc->blocks;
	while (b) {
		struct arena_block *next = b->next;
		free(b);
		b = next;
	}
	free(doc->src);
	free(doc);
}

const struct rk_toml_value *rk_toml_root(const struct rk_toml_doc *doc)
{
	return doc ? doc->root : NULL;
}

const char *rk_toml_source(const struct rk_toml_doc *doc, size_t *len)
{
	if (len)
		*len = doc ? doc->len : 0;
	return doc ? doc->src : NULL;
}

enum rk_toml_type rk_toml_type(const struct rk_toml_value *v)
{
	return v ? v->type : RK_TOML_NONE;
}

const struct rk_toml_value *rk_toml_get(const struct rk_toml_value *table, const char *key)
{
	if (!table || table->type != RK_TOML_TABLE || !key)
		return NULL;
	return table_find(table, key, strlen(key));
}

const struct rk_toml_value *rk_toml_path(const struct rk_toml_value *table, ...)
{
	va_list ap;
	const char *k;
	va_start(ap, table);
	while (table && (k = va_arg(ap, const char *)) != NULL)
		table = rk_toml_get(table, k);
	va_end(ap);
	return table;
}

size_t rk_toml_len(const struct rk_toml_value *v)
{
	if (!v)
		return 0;
	if (v->type == RK_TOML_TABLE)
		return v->u.t.n;
	if (v->type == RK_TOML_ARRAY)
		return v->u.a.n;
	return 0;
}

const struct rk_toml_value *rk_toml_at(const struct rk_toml_value *v, size_t i)
{
	if (!v || i >= rk_toml_len(v))
		return NULL;
	if (v->type == RK_TOML_TABLE)
		return v->u.t.e[i].val;
	return v->u.a.v[i];
}

const char *rk_toml_key_at(const struct rk_toml_value *table, size_t i)
{
	if (!table || table->type != RK_TOML_TABLE || i >= table->u.t.n)
		return NULL;
	return table->u.t.e[i].key;
}

size_t rk_toml_key_len_at(const struct rk_toml_value *table, size_t i)
{
	if (!table || table->type != RK_TOML_TABLE || i >= table->u.t.n)
		return 0;
	return table->u.t.e[i].keylen;
}

const char *rk_toml_str(const struct rk_toml_value *v)
{
	return v && v->type == RK_TOML_STRING ? v->u.str.s : NULL;
}

size_t rk_toml_strlen(const struct rk_toml_value *v)
{
	return v && v->type == RK_TOML_STRING ? v->u.str.len : 0;
}

int rk_toml_int(const struct rk_toml_value *v, long long *out)
{
	if (!v || v->type != RK_TOML_INTEGER)
		return -1;
	*out = v->u.i;
	return 0;
}

int rk_toml_float(const struct rk_toml_value *v, double *out)
{
	if (!v || v->type != RK_TOML_FLOAT)
		return -1;
	*out = v->u.f;
	return 0;
}

int rk_toml_bool(const struct rk_toml_value *v, int *out)
{
	if (!v || v->type != RK_TOML_BOOL)
		return -1;
	*out = v->u.b;
	return 0;
}

const char *rk_toml_datetime(const struct rk_toml_value *v)
{
	if (!v)
		return NULL;
	switch (v->type) {
	case RK_TOML_DATETIME:
	case RK_TOML_DATETIME_LOCAL:
	case RK_TOML_DATE_LOCAL:
	case RK_TOML_TIME_LOCAL:
		return v->u.str.s;
	default:
		return NULL;
	}
}

struct rk_toml_span rk_toml_span(const struct rk_toml_value *v)
{
	struct rk_toml_span none = {0, 0, 0, 0};
	return v ? v->span : none;
}

struct rk_toml_span rk_toml_key_span(const struct rk_toml_value *v)
{
	struct rk_toml_span none = {0, 0, 0, 0};
	return v ? v->key_span : none;
}

int rk_toml_is_inline(const struct rk_toml_value *v)
{
	/* tables made by dotted keys inside {..} are immutable but not written {..} */
	return v && (v->flags & (T_INLINE | T_DOTTED)) == T_INLINE &&
	       (v->type == RK_TOML_TABLE || v->type == RK_TOML_ARRAY);
}

void rk_toml_splice(const struct rk_toml_doc *doc, struct rk_toml_span sp, const char *text,
		    size_t textlen, struct rk_buf *out)
{
	size_t start = sp.start, end = sp.end;
	if (end > doc->len)
		end = doc->len;
	if (start > end)
		start = end;
	rk_buf_add(out, doc->src, start);
	rk_buf_add(out, text, textlen);
	rk_buf_add(out, doc->src + end, doc->len - end);
}

void rk_toml_quote(struct rk_buf *out, const char *s, size_t n)
{
	rk_buf_addc(out, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '"':
			rk_buf_adds(out, "\\\"");
			break;
		case '\\':
			rk_buf_adds(out, "\\\\");
			break;
		case '\b':
			rk_buf_adds(out, "\\b");
			break;
		case '\t':
			rk_buf_adds(out, "\\t");
			break;
		case '\n':
			rk_buf_adds(out, "\\n");
			break;
		case '\f':
			rk_buf_adds(out, "\\f");
			break;
		case '\r':
			rk_buf_adds(out, "\\r");
			break;
		default:
			if (c < 0x20 || c == 0x7f)
				rk_buf_addf(out, "\\u%04X", c);
			else
				rk_buf_addc(out, (char)c);
		}
	}
	rk_buf_addc(out, '"');
}

void rk_toml_set_string(const struct rk_toml_doc *doc, const struct rk_toml_value *v, const char *s,
			size_t n, struct rk_buf *out)
{
	struct rk_toml_span sp = rk_toml_span(v);
	struct rk_buf text = RK_BUF_INIT;
	int literal = sp.end > sp.start && doc->src[sp.start] == '\'';
	for (size_t i = 0; literal && i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\'' || (c < 0x20 && c != '\t') || c == 0x7f)
			literal = 0;
	}
	if (literal) {
		rk_buf_addc(&text, '\'');
		rk_buf_add(&text, s, n);
		rk_buf_addc(&text, '\'');
	} else {
		rk_toml_quote(&text, s, n);
	}
	rk_toml_splice(doc, sp, text.data, text.len, out);
	rk_buf_release(&text);
}
