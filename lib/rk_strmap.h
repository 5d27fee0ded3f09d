/*
 * rk_strmap.h - a string -> size_t hash map (open addressing, FNV-1a).
 *
 * Keys are copied (owned by the map); values are indices chosen by the
 * caller. Lookups of a key given as (pointer, length) need no copy. No
 * removal. Allocation failure dies (rk_xmalloc).
 */
#ifndef RK_STRMAP_H
#define RK_STRMAP_H

#include <stdbool.h>
#include <stddef.h>

struct rk_strmap {
	char **keys;
	size_t *lens;
	size_t *vals;
	size_t cap, n;
};

#define RK_STRMAP_INIT                                                                             \
	{                                                                                          \
		0                                                                                  \
	}

void rk_strmap_release(struct rk_strmap *m);
/* Set key -> val (replacing an old value). */
void rk_strmap_put(struct rk_strmap *m, const char *key, size_t len, size_t val);
/* True and *val set when key is present. */
bool rk_strmap_get(const struct rk_strmap *m, const char *key, size_t len, size_t *val);

#endif
