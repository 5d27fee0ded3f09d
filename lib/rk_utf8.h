/*
 * rk_utf8.h - UTF-8 validation and encoding, and hex digits: what the JSON
 * and TOML parsers (and anything else reading outside text or \u escapes)
 * share.
 *
 * Validation follows Unicode 15, table 3-7: no overlong forms, no encoded
 * surrogates, nothing above U+10FFFF. Nothing here allocates except
 * rk_utf8_put, which appends to an rk_buf.
 */
#ifndef RK_UTF8_H
#define RK_UTF8_H

#include <stddef.h>
#include <stdint.h>

#include "rk_buf.h"

/* Why a sequence is not UTF-8 (rk_utf8_len). */
enum rk_utf8_error {
	RK_UTF8_BAD_LEAD,  /* a byte that cannot start a sequence (0x80-0xC1, 0xF5-0xFF) */
	RK_UTF8_TRUNCATED, /* a lead byte not followed by enough continuation bytes */
	RK_UTF8_OVERLONG,  /* second byte makes an overlong form (after 0xE0 or 0xF0) */
	RK_UTF8_SURROGATE, /* second byte makes a surrogate (after 0xED) */
	RK_UTF8_TOO_BIG,   /* second byte makes a code point above U+10FFFF (after 0xF4) */
};

/*
 * Length (1 to 4) of the valid UTF-8 sequence at s, of which avail (>= 1)
 * bytes may be read; 1 for an ASCII byte (NUL included). 0 when it is not
 * valid, with *why (may be NULL) set.
 */
size_t rk_utf8_len(const void *s, size_t avail, enum rk_utf8_error *why);

/*
 * Number of continuation bytes a valid lead byte c (0xC2-0xF4) announces
 * (1 to 3); 0 for any other byte.
 */
int rk_utf8_ncont(unsigned char c);

/* Append the UTF-8 encoding of cp (a scalar value, at most U+10FFFF) to b. */
void rk_utf8_put(struct rk_buf *b, uint32_t cp);

/* The value (0-15) of the hex digit c (either case), or -1. */
int rk_hexval(int c);

#endif
