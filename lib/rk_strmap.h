/*
 * rk_strmap.h - the project's one string-keyed hash map (open addressing,
 * linear probing, FNV-1a), and its hash function.
 *
 * Use it wherever a table is keyed by a string (or any byte string: keys
 * are (pointer, length) and compared with memcmp, so they may hold NUL
 * bytes, e.g. a composite key "<ns>\0<name>"). Keys are copied (owned by
 * the map); lookups need no copy. A value is either an index chosen by the
 * caller (size_t: rk_strmap_put/get/add) or a pointer the map does not own
 * (rk_strmap_putp/getp/addp); use one kind per map. No removal. Allocation
 * failure dies (rk_xmalloc). An all-zero map (RK_STRMAP_INIT) is empty.
 *
 * Private indexes whose keys live elsewhere (rk_toml's per-table index)
 * hash with rk_strhash so that the project has one string hash.
 */
#ifndef RK_STRMAP_H
#define RK_STRMAP_H

#include <stdbool.h>
#include <stddef.h>

union rk_strmap_val {
	size_t i;
	void *p;
};

struct rk_strmap {
	char **keys;
	size_t *lens;
	union rk_strmap_val *vals;
	size_t cap, n; /* slots (0 or a power of two), keys present */
};

#define RK_STRMAP_INIT                                                                             \
	{                                                                                          \
		0                                                                                  \
	}

/* FNV-1a (64-bit) of n bytes at s. */
size_t rk_strhash(const void *s, size_t n);

/* Free the keys and the table (not pointer values); the map is empty again. */
void rk_strmap_release(struct rk_strmap *m);

/* Set key -> val (replacing an old value). */
void rk_strmap_put(struct rk_strmap *m, const char *key, size_t len, size_t val);
/* True and *val set when key is present (*val untouched otherwise). */
bool rk_strmap_get(const struct rk_strmap *m, const char *key, size_t len, size_t *val);
/*
 * Insert key -> val unless key is present. Returns the value now stored
 * under key: val when it was added, the first one when it was there;
 * *added (may be NULL) says which.
 */
size_t rk_strmap_add(struct rk_strmap *m, const char *key, size_t len, size_t val, bool *added);

/* The same for pointer values; rk_strmap_getp returns NULL when absent. */
void rk_strmap_putp(struct rk_strmap *m, const char *key, size_t len, void *val);
void *rk_strmap_getp(const struct rk_strmap *m, const char *key, size_t len);
void *rk_strmap_addp(struct rk_strmap *m, const char *key, size_t len, void *val);

#endif
