/*
 * rk_toml.h - a TOML 1.0 reader that remembers where everything is.
 *
 * rk_toml_parse() reads a whole document into a tree of tables, arrays and
 * scalars. Every value records the byte span of its source text (for a
 * string, including its quotes) and every table entry the span of its key,
 * so a caller can rewrite one value in place (rk_toml_splice) and leave
 * every other byte of the file identical - what version pinning and bumps
 * need.
 *
 * Spans (struct rk_toml_span: [start, end) byte offsets into the source,
 * line and col of start, both 1-based; col counts UTF-8 characters):
 *   scalar            its text: "1.0" with the quotes, a '''...''' string
 *                     whole, 0x1F, 1979-05-27T07:32:00Z
 *   inline table      {...} and inline array [...], brackets included
 *   [a.b] table       the header "[a.b]"; key span: "b" inside the header
 *   [[a]] element     that element's header "[[a]]"; the array of tables
 *                     itself has an empty span at its first header
 *   implicit table    (created by [a.b.c] or by dotted keys a.b = 1) an
 *                     empty span at the key part that first named it
 *   root              the whole document
 * The key span of a value is the last key part that names it ("version"
 * in package.version = ...), quotes included; array elements have none
 * ({0, 0, 0, 0}).
 *
 * Values as read: multi-line strings have CRLF line ends turned into LF
 * (TOML lets parsers normalise newlines); date/times keep their text with
 * 'T' and 'Z' upper-cased and a space separator written as 'T'; a float
 * outside double's range is an error, not infinity.
 *
 * Conformance: TOML 1.0.0, checked against the official toml-test suite by
 * tests/toml.bats (tests/helpers/t-toml.c is the decoder). Unsupported cases
 * are listed in README.md ("TOML conformance"): none today.
 *
 * Cost: linear in the input. Tables index their keys with a hash table once
 * they pass a few entries; arrays and inline tables nest at most 256 deep
 * (deeper is an error, not a stack overflow).
 *
 * Ownership: the document owns every value and string; all pointers are
 * valid until rk_toml_free(). The source text is copied.
 * Errors: rk_toml_parse returns NULL and fills err with source, line,
 * column and one short reason:
 *     duplicate key 'name' (first defined at line 2)
 *     table 'a.b' already defined at line 3
 *     cannot add to inline table 'a' (defined at line 1)
 *     unterminated string
 *     invalid escape '\q'
 * Keys in messages are written as TOML paths (a."b.c"). Input that is not
 * UTF-8, or holds a NUL byte, is rejected at the first bad byte.
 */
#ifndef RK_TOML_H
#define RK_TOML_H

#include <stddef.h>

#include "rk_msg.h"

enum rk_toml_type {
	RK_TOML_NONE = 0, /* the answer for a NULL value */
	RK_TOML_TABLE,
	RK_TOML_ARRAY,
	RK_TOML_STRING,
	RK_TOML_INTEGER,
	RK_TOML_FLOAT,
	RK_TOML_BOOL,
	RK_TOML_DATETIME,	/* offset date-time */
	RK_TOML_DATETIME_LOCAL, /* local date-time */
	RK_TOML_DATE_LOCAL,
	RK_TOML_TIME_LOCAL,
};

struct rk_toml_span {
	size_t start, end; /* byte offsets [start, end) in the source */
	long line, col;	   /* 1-based position of start */
};

struct rk_toml_doc;
struct rk_toml_value;

struct rk_toml_doc *rk_toml_parse(const char *src, size_t len, const char *source,
				  struct rk_err *err);
/* Read and parse a file ("-" is stdin, named "<stdin>" in errors). On a
 * read error err->line is 0 and err->msg holds strerror. */
struct rk_toml_doc *rk_toml_parse_file(const char *path, struct rk_err *err);
void rk_toml_free(struct rk_toml_doc *doc);

const struct rk_toml_value *rk_toml_root(const struct rk_toml_doc *doc);
/* The source text the document was parsed from. */
const char *rk_toml_source(const struct rk_toml_doc *doc, size_t *len);

/* NULL-safe: every accessor returns the "absent" answer for a NULL value. */
enum rk_toml_type rk_toml_type(const struct rk_toml_value *v);
/* Table entry by key, or NULL. */
const struct rk_toml_value *rk_toml_get(const struct rk_toml_value *table, const char *key);
/* Follow keys through nested tables: rk_toml_path(root, "tool", "uv", "workspace", NULL). */
const struct rk_toml_value *rk_toml_path(const struct rk_toml_value *table, ...);
/* Array elements or table entries (in document order). */
size_t rk_toml_len(const struct rk_toml_value *v);
const struct rk_toml_value *rk_toml_at(const struct rk_toml_value *v, size_t i);
/* Key of the i-th table entry (NUL-terminated), and its length in bytes
 * (a quoted key may hold "\u0000"). */
const char *rk_toml_key_at(const struct rk_toml_value *table, size_t i);
size_t rk_toml_key_len_at(const struct rk_toml_value *table, size_t i);
/* String value (NUL-terminated; rk_toml_strlen for embedded NULs), or NULL. */
const char *rk_toml_str(const struct rk_toml_value *v);
size_t rk_toml_strlen(const struct rk_toml_value *v);
/* 0 and *out set, or -1 when the value is not of that type. */
int rk_toml_int(const struct rk_toml_value *v, long long *out);
int rk_toml_float(const struct rk_toml_value *v, double *out);
int rk_toml_bool(const struct rk_toml_value *v, int *out);
/* Date/time values: their text as written, normalised ('T' separator). */
const char *rk_toml_datetime(const struct rk_toml_value *v);
/* Spans: of the value's text, and of the key that defined it (tables' entries). */
struct rk_toml_span rk_toml_span(const struct rk_toml_value *v);
struct rk_toml_span rk_toml_key_span(const struct rk_toml_value *v);
/* Inline table/array (written {..} or [..]) rather than [header]/[[header]]
 * or dotted keys. (Tables made by dotted keys inside {..} are as immutable
 * as the inline table, but they are not written {..}: 0.) */
int rk_toml_is_inline(const struct rk_toml_value *v);

/*
 * Replace the source bytes of span sp with text, appending the result to
 * out: the edit primitive for in-place rewriting. out gets the whole new file
 * (appended to what it holds). A span reaching past the end is clipped. The
 * text is not checked: re-parse the result when it comes from outside.
 */
struct rk_buf;
void rk_toml_splice(const struct rk_toml_doc *doc, struct rk_toml_span sp, const char *text,
		    size_t textlen, struct rk_buf *out);

/* Append s[0..n) to out as a TOML basic string: "..." with '"', '\\' and
 * control characters escaped (\n, \t, \u001B, ...). */
void rk_toml_quote(struct rk_buf *out, const char *s, size_t n);

/*
 * Replace value v with the string s[0..n), appending the whole new file to
 * out: written in v's own style when it can hold s (a 'literal' stays
 * literal, "basic" stays basic), otherwise as a basic string. The edit for
 * version bumps and pinning: version = '1.0' becomes version = '1.1'.
 */
void rk_toml_set_string(const struct rk_toml_doc *doc, const struct rk_toml_value *v, const char *s,
			size_t n, struct rk_buf *out);

#endif
