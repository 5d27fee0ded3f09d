/* rk_strmap.c - a string-keyed hash map (see the header). */
#include "rk_common.h"
#include "rk_strmap.h"

size_t rk_strhash(const void *s, size_t n)
{
	const unsigned char *p = s;
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= p[i];
		h *= 1099511628211ULL;
	}
	return (size_t)h;
}

void rk_strmap_release(struct rk_strmap *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->lens);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

/* The slot of key: where it is, or the empty slot where it belongs. */
static size_t slot(const struct rk_strmap *m, const char *key, size_t len)
{
	size_t i = rk_strhash(key, len) & (m->cap - 1);

	while (m->keys[i] && (m->lens[i] != len || memcmp(m->keys[i], key, len)))
		i = (i + 1) & (m->cap - 1);
	return i;
}

/* The slot of key, made (and the table grown) when absent; *added says so. */
static size_t slot_add(struct rk_strmap *m, const char *key, size_t len, bool *added)
{
	size_t i;

	if (2 * (m->n + 1) > m->cap) {
		struct rk_strmap old = *m;

		m->cap = old.cap ? old.cap * 2 : 16;
		m->keys = rk_xcalloc(m->cap, sizeof(*m->keys));
		m->lens = rk_xcalloc(m->cap, sizeof(*m->lens));
		m->vals = rk_xcalloc(m->cap, sizeof(*m->vals));
		for (i = 0; i < old.cap; i++)
			if (old.keys[i]) {
				size_t j = slot(m, old.keys[i], old.lens[i]);

				m->keys[j] = old.keys[i];
				m->lens[j] = old.lens[i];
				m->vals[j] = old.vals[i];
			}
		free(old.keys);
		free(old.lens);
		free(old.vals);
	}
	i = slot(m, key, len);
	*added = !m->keys[i];
	if (*added) {
		m->keys[i] = rk_xstrndup(key, len);
		m->lens[i] = len;
		m->n++;
	}
	return i;
}

/* The slot of key, or (size_t)-1 when absent. */
static size_t find(const struct rk_strmap *m, const char *key, size_t len)
{
	size_t i;

	if (!m->cap)
		return (size_t)-1;
	i = slot(m, key, len);
	return m->keys[i] ? i : (size_t)-1;
}

void rk_strmap_put(struct rk_strmap *m, const char *key, size_t len, size_t val)
{
	bool added;
	size_t i = slot_add(m, key, len, &added); /* before reading m->vals: it may grow */

	m->vals[i].i = val;
}

bool rk_strmap_get(const struct rk_strmap *m, const char *key, size_t len, size_t *val)
{
	size_t i = find(m, key, len);

	if (i == (size_t)-1)
		return false;
	*val = m->vals[i].i;
	return true;
}

size_t rk_strmap_add(struct rk_strmap *m, const char *key, size_t len, size_t val, bool *added)
{
	bool a;
	size_t i = slot_add(m, key, len, &a);

	if (a)
		m->vals[i].i = val;
	if (added)
		*added = a;
	return m->vals[i].i;
}

void rk_strmap_putp(struct rk_strmap *m, const char *key, size_t len, void *val)
{
	bool added;
	size_t i = slot_add(m, key, len, &added); /* before reading m->vals: it may grow */

	m->vals[i].p = val;
}

void *rk_strmap_getp(const struct rk_strmap *m, const char *key, size_t len)
{
	size_t i = find(m, key, len);

	return i == (size_t)-1 ? NULL : m->vals[i].p;
}

void *rk_strmap_addp(struct rk_strmap *m, const char *key, size_t len, void *val)
{
	bool a;
	size_t i = slot_add(m, key, len, &a);

	if (a)
		m->vals[i].p = val;
	return m->vals[i].p;
}
