/* rk_strmap.c - a string -> size_t hash map (see the header). */
#include "rk_common.h"
#include "rk_strmap.h"

static size_t hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
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

static size_t slot(const struct rk_strmap *m, const char *key, size_t len)
{
	size_t i = hash(key, len) & (m->cap - 1);

	while (m->keys[i] && (m->lens[i] != len || memcmp(m->keys[i], key, len)))
		i = (i + 1) & (m->cap - 1);
	return i;
}

void rk_strmap_put(struct rk_strmap *m, const char *key, size_t len, size_t val)
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
	if (!m->keys[i]) {
		m->keys[i] = rk_xstrndup(key, len);
		m->lens[i] = len;
		m->n++;
	}
	m->vals[i] = val;
}

bool rk_strmap_get(const struct rk_strmap *m, const char *key, size_t len, size_t *val)
{
	size_t i;

	if (!m->cap)
		return false;
	i = slot(m, key, len);
	if (!m->keys[i])
		return false;
	*val = m->vals[i];
	return true;
}
