/*
 * rk_json.h - JSON: a strict reader over jsmn, a writer, canonical form,
 * and the NDJSON record stream every tool reads.
 *
 * READER. rk_json_parse() parses one complete JSON text (an NDJSON line, a
 * package.json file) into a flat array of tokens in document order, jsmn
 * style: token 0 is the root; an object token is followed by its keys and
 * values alternating (each key token followed by its value's subtree); an
 * array token by its elements. Tokens are referred to by index (int); -1 means
 * "none" and every accessor accepts -1 and returns the "absent" answer, so
 * lookups chain without checks:
 *     const char *n = rk_json_str(d, rk_json_get(d, rk_json_get(d, 0, "a"), "b"));
 *
 * Parsing is strict RFC 8259: it rejects everything jsmn lets through
 * (trailing garbage, two values, missing values, bad literals and numbers,
 * raw control characters in strings, invalid UTF-8, NUL bytes, bad escapes,
 * lone surrogates, nesting deeper than RK_JSON_MAX_DEPTH). Errors point at
 * the offending byte and say what was expected and found, e.g.
 *     <stdin>:3:17: expected ':' after object key, found '1'
 *     <stdin>:1:9: invalid UTF-8 byte 0xC0
 *     <stdin>:1:14: trailing characters after JSON value
 *     <stdin>:1:5: unterminated string          (column of the opening quote)
 * Strings are unescaped once at parse time (\uXXXX and
 * surrogate pairs to UTF-8) into storage owned by the document; rk_json_str()
 * returns that NUL-terminated copy (a string holding \u0000 is cut at the
 * NUL by C functions; rk_json_strlen gives its true length).
 *
 * A document may be reused: each rk_json_parse() replaces the previous
 * contents and reuses the storage. Pointers returned by accessors are valid
 * until the next parse or rk_json_release(). Parsing is linear in the text
 * (lines of any length); nesting is limited to RK_JSON_MAX_DEPTH levels.
 *
 * Duplicate object keys are accepted and kept, in source order:
 * rk_json_get() returns the first, iteration visits all, and the canonical
 * form keeps all of them (equal keys in source order).
 *
 * WRITER. struct rk_jw appends compact JSON to an rk_buf, inserting commas
 * and escaping strings itself (control characters as \uXXXX or the short
 * escapes, '"' and '\\' escaped, "/" and non-ASCII UTF-8 left as they are).
 * Each byte that is not part of valid UTF-8 is written as U+FFFD, so the
 * output is always valid JSON. Doubles are written in the shortest form that
 * reads back exactly, laid out as JavaScript does (0.1, 100, 1e+21, 5e-324);
 * NaN and infinities as null. Containers nest to any depth (the comma is
 * decided from the last byte written, so the writer keeps no stack); the
 * output buffer belongs to the writer until the last container is closed.
 *
 * CANONICAL. rk_json_canonical() writes a parsed value in canonical form:
 * object keys sorted by their UTF-8 bytes, no spaces, strings re-escaped as
 * the writer does, numbers as written in the source. Used for cache keys.
 */
#ifndef RK_JSON_H
#define RK_JSON_H

/* Deepest nesting of objects/arrays rk_json_parse accepts. */
#define RK_JSON_MAX_DEPTH 1000

#include <stddef.h>
#include <stdio.h>

#include "rk_buf.h"
#include "rk_msg.h"

enum rk_json_type {
	RK_JSON_NONE = 0, /* the answer for token -1 */
	RK_JSON_OBJECT,
	RK_JSON_ARRAY,
	RK_JSON_STRING,
	RK_JSON_NUMBER,
	RK_JSON_TRUE,
	RK_JSON_FALSE,
	RK_JSON_NULL,
};

struct rk_json_tok {
	enum rk_json_type type;
	int start, end; /* byte span of the value in the source text (strings: with quotes) */
	int size;	/* children: object pairs or array elements */
	int parent;	/* index of the enclosing object/array (key for values); -1 for root */
	int next;	/* index of the next sibling, or past the subtree's end */
	size_t str;	/* strings: offset of the unescaped copy in strs */
	size_t strlen;	/* strings: length of the unescaped copy */
};

struct rk_json {
	const char *src; /* borrowed source text of the last parse */
	size_t srclen;
	struct rk_json_tok *tok;
	int ntok;
	size_t tokcap;
	struct rk_buf strs; /* unescaped strings, NUL-separated */
	void *jsmn;	    /* internal token scratch */
	size_t jsmncap;
	int max_values; /* > 0: a text with more values fails (memory stays bounded) */
};

#define RK_JSON_INIT                                                                               \
	{                                                                                          \
		0                                                                                  \
	}

void rk_json_init(struct rk_json *d);
void rk_json_release(struct rk_json *d);

/*
 * Parse src[0..len) as one JSON text. The source is borrowed and must stay
 * alive while the document is used (rk_json_raw points into it). Returns 0,
 * or -1 with err filled: err->source = source, line 1-based counted within
 * src (plus line_base - 1, so NDJSON readers report the stream's line), col a
 * 1-based byte column, msg a short reason ("expected ':' after object key").
 */
int rk_json_parse(struct rk_json *d, const char *src, size_t len, const char *source,
		  long line_base, struct rk_err *err);

enum rk_json_type rk_json_type(const struct rk_json *d, int t);
/* Object member value by key (first match), or -1. */
int rk_json_get(const struct rk_json *d, int obj, const char *key);
/* Children count (object pairs, array elements); 0 for scalars and -1. */
int rk_json_len(const struct rk_json *d, int t);
/* First child: first element of an array, first KEY of an object; -1 if none. */
int rk_json_first(const struct rk_json *d, int t);
/* Next sibling of an array element; for an object key, the next KEY. */
int rk_json_next(const struct rk_json *d, int t);
/* The value that belongs to object key token k. */
int rk_json_value(const struct rk_json *d, int k);
/* i-th array element or -1 (O(i): iterate with first/next instead). */
int rk_json_at(const struct rk_json *d, int arr, int i);
/* Unescaped string (keys too), or NULL when t is not a string. */
const char *rk_json_str(const struct rk_json *d, int t);
size_t rk_json_strlen(const struct rk_json *d, int t);
/* rk_json_str(rk_json_get(obj, key)). */
const char *rk_json_get_str(const struct rk_json *d, int obj, const char *key);
/*
 * Number as an integer: 0 on success; -1 if not a number, if written with a
 * fraction or exponent (1.0, 1e3), or out of the range of long long.
 */
int rk_json_int(const struct rk_json *d, int t, long long *out);
/* Number as a double: 0 on success; -1 if not a number or not finite (1e400). */
int rk_json_double(const struct rk_json *d, int t, double *out);
/* 1 for true, 0 for false; -1 when not a boolean. */
int rk_json_bool(const struct rk_json *d, int t);
/*
 * The exact source text of a value, strings with their quotes and escapes
 * (for pass-through and numbers); NULL (and *len 0) for -1.
 */
const char *rk_json_raw(const struct rk_json *d, int t, size_t *len);

/*
 * Iterate an object: for (k = rk_json_first(d, o); k >= 0; k = rk_json_next(d, k))
 *                        key = rk_json_str(d, k), val = rk_json_value(d, k)
 * Iterate an array:  for (e = rk_json_first(d, a); e >= 0; e = rk_json_next(d, e))
 */

/* ---- writer ---- */

struct rk_jw {
	struct rk_buf *out;
	int depth; /* open containers (any number) */
	int after_key;
};

void rk_jw_init(struct rk_jw *w, struct rk_buf *out);
void rk_jw_obj(struct rk_jw *w);     /* { */
void rk_jw_obj_end(struct rk_jw *w); /* } */
void rk_jw_arr(struct rk_jw *w);     /* [ */
void rk_jw_arr_end(struct rk_jw *w); /* ] */
void rk_jw_key(struct rk_jw *w, const char *key);
void rk_jw_str(struct rk_jw *w, const char *s); /* NULL writes null */
void rk_jw_strn(struct rk_jw *w, const char *s, size_t n);
void rk_jw_int(struct rk_jw *w, long long v);
void rk_jw_double(struct rk_jw *w, double v); /* shortest round-trip form; NaN/inf as null */
void rk_jw_bool(struct rk_jw *w, int v);
void rk_jw_null(struct rk_jw *w);
/* Insert already-serialised JSON (e.g. rk_json_raw of a parsed value). */
void rk_jw_raw(struct rk_jw *w, const char *json, size_t n);
/* Key/value shorthands. */
void rk_jw_kstr(struct rk_jw *w, const char *key, const char *s);
void rk_jw_kint(struct rk_jw *w, const char *key, long long v);
void rk_jw_kbool(struct rk_jw *w, const char *key, int v);
/* Append s as a JSON string literal (with quotes) to b. */
void rk_json_quote(struct rk_buf *b, const char *s, size_t n);

/* Canonical form of value t (see above) appended to out. */
void rk_json_canonical(const struct rk_json *d, int t, struct rk_buf *out);

/* ---- NDJSON records ---- */

/*
 * A stream of records, one JSON object per line. Blank lines (only spaces,
 * tabs, '\r') are skipped but counted; a last line without '\n' is a
 * record too. Each line must be a JSON object whose "kind" is a string;
 * anything else is an error naming the source, line and column:
 *     <stdin>:3:1: record is not a JSON object
 *     <stdin>:4:1: record has no string "kind"
 * Every record is then checked against its kind's schema (rk_record.h, the
 * one validator), so each reader sees only valid records:
 *     <stdin>:5: deps[0].type: expected one of normal, dev, ..., found "weird"
 */
struct rk_ndjson {
	FILE *fp;
	const char *source; /* "<stdin>" or a path; borrowed */
	long line;	    /* line number of the current record */
	struct rk_buf text; /* the current line, without '\n' */
	struct rk_json doc; /* the current record, parsed */
	const char *kind;   /* the current record's "kind" */
	struct rk_err err;  /* filled when rk_ndjson_next returns -1 */
};

/* A record may hold at most this many JSON values (a line of numbers costs
 * some 60 bytes of memory per value: the cap keeps a hostile line from
 * costing gigabytes). */
#define RK_NDJSON_MAX_VALUES 2000000

void rk_ndjson_init(struct rk_ndjson *r, FILE *fp, const char *source);
void rk_ndjson_release(struct rk_ndjson *r);
/*
 * Read the next record. Returns 1 with r->doc, r->text, r->kind and r->line
 * set; 0 at end of input; -1 on a malformed line or read error (r->err says
 * where and why; the caller usually does rk_die_err(&r->err)). Everything
 * in r (and every pointer from r->doc) is valid only until the next call:
 * copy what must outlive the record. Storage is reused, so a stream costs
 * memory for its longest line only.
 */
int rk_ndjson_next(struct rk_ndjson *r);
/* Write the current record's line unchanged to stdout (pass-through). */
void rk_ndjson_pass(const struct rk_ndjson *r);
/*
 * Write a finished record (from rk_jw) plus '\n' to stdout via rk_out, in
 * one write; b is then emptied (storage kept) for the next record.
 */
void rk_record_emit(struct rk_buf *b);

#endif
