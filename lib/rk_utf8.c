/* rk_utf8.c - UTF-8 validation and encoding, hex digits (see the header). */
#include "rk_common.h"
#include "rk_utf8.h"

int rk_utf8_ncont(unsigned char c)
{
	if (c >= 0xC2 && c <= 0xDF)
		return 1;
	if (c >= 0xE0 && c <= 0xEF)
		return 2;
	if (c >= 0xF0 && c <= 0xF4)
		return 3;
	return 0;
}

size_t rk_utf8_len(const void *src, size_t avail, enum rk_utf8_error *why)
{
	const unsigned char *s = src;
	unsigned c = s[0], lo = 0x80, hi = 0xBF;
	enum rk_utf8_error range = RK_UTF8_OVERLONG;
	int n = rk_utf8_ncont(s[0]);

	if (c < 0x80)
		return 1;
	if (c == 0xE0) {
		lo = 0xA0;
	} else if (c == 0xED) {
		hi = 0x9F;
		range = RK_UTF8_SURROGATE;
	} else if (c == 0xF0) {
		lo = 0x90;
	} else if (c == 0xF4) {
		hi = 0x8F;
		range = RK_UTF8_TOO_BIG;
	}
	if (!n) {
		if (why)
			*why = RK_UTF8_BAD_LEAD;
		return 0;
	}
	for (int k = 1; k <= n; k++) {
		unsigned b = (size_t)k < avail ? s[k] : 0;

		if (b < 0x80 || b > 0xBF) {
			if (why)
				*why = RK_UTF8_TRUNCATED;
			return 0;
		}
		if (k == 1 && (b < lo || b > hi)) {
			if (why)
				*why = range;
			return 0;
		}
	}
	return (size_t)n + 1;
}

void rk_utf8_put(struct rk_buf *b, uint32_t cp)
{
	char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		u[0] = (char)(0xF0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	rk_buf_add(b, u, n);
}

int rk_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}
