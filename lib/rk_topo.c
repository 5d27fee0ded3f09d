/*
 * rk_topo.c - topological order, levels and strongly connected components
 * over a callback graph, without recursion (rk_topo.h).
 */
#include "rk_common.h"
#include "rk_topo.h"

static int takes_part(const struct rk_topo *t, size_t v)
{
	return !t->in || t->in[v];
}

/* The target of v's i-th edge, or RK_TOPO_NONE when the edge is ignored. */
static size_t target(const struct rk_topo *t, size_t v, size_t i)
{
	size_t w = t->edge(t->ctx, v, i);

	if (w == RK_TOPO_NONE || w >= t->n || !takes_part(t, w))
		return RK_TOPO_NONE;
	return w;
}

void rk_topo_cycle_release(struct rk_topo_cycle *cy)
{
	free(cy->v);
	cy->v = NULL;
	cy->n = 0;
}

long rk_topo_dfs(const struct rk_topo *t, unsigned flags, size_t *order, struct rk_topo_cycle *cy)
{
	size_t n = t->n, k = 0;
	unsigned char *st = rk_xcalloc(n + 1, 1); /* 0 new, 1 on the stack, 2 done */
	size_t *stk = rk_xmalloc((n + 1) * sizeof(size_t));
	size_t *next = rk_xcalloc(n + 1, sizeof(size_t));
	long rc = 0;

	for (size_t root = 0; root < n && rc == 0; root++) {
		size_t top = 0;

		if (st[root] || !takes_part(t, root))
			continue;
		stk[top++] = root;
		st[root] = 1;
		while (top) {
			size_t v = stk[top - 1], w;

			if (next[v] >= t->nedges(t->ctx, v)) {
				st[v] = 2;
				order[k++] = v;
				top--;
				continue;
			}
			w = target(t, v, next[v]++);
			if (w == RK_TOPO_NONE || st[w] == 2)
				continue;
			if (st[w] == 0) {
				st[w] = 1;
				stk[top++] = w;
				continue;
			}
			if (flags & RK_TOPO_IGNORE_CYCLES)
				continue;
			/* a back edge v -> w: the cycle is w ... v on the stack */
			if (cy) {
				size_t from = top - 1;

				while (stk[from] != w)
					from--;
				cy->n = top - from;
				cy->v = rk_xmalloc(cy->n * sizeof(size_t));
				memcpy(cy->v, stk + from, cy->n * sizeof(size_t));
			}
			rc = -1;
			break;
		}
	}
	free(st);
	free(stk);
	free(next);
	return rc < 0 ? -1 : (long)k;
}

size_t rk_topo_levels(const struct rk_topo *t, const size_t *by_key, long *level, size_t *seq)
{
	size_t n = t->n, head = 0, tail = 0, nedge = 0;
	size_t *pending = rk_xcalloc(n + 1, sizeof(size_t));
	size_t *rat = rk_xcalloc(n + 2, sizeof(size_t)); /* reverse CSR: offsets */
	size_t *radj, *fill, *queue = rk_xmalloc((n + 1) * sizeof(size_t));
	long maxlevel = 0;

	/* pending[v] = v's kept edges; rat[w + 1] = the edges into w */
	for (size_t v = 0; v < n; v++) {
		level[v] = -1;
		if (!takes_part(t, v))
			continue;
		for (size_t i = 0, m = t->nedges(t->ctx, v); i < m; i++) {
			size_t w = target(t, v, i);
			if (w == RK_TOPO_NONE)
				continue;
			pending[v]++;
			rat[w + 1]++;
			nedge++;
		}
	}
	for (size_t w = 0; w < n; w++)
		rat[w + 1] += rat[w];
	radj = rk_xmalloc((nedge + 1) * sizeof(size_t));
	fill = rk_xmalloc((n + 1) * sizeof(size_t));
	memcpy(fill, rat, n * sizeof(size_t));
	for (size_t v = 0; v < n; v++) {
		if (!takes_part(t, v))
			continue;
		for (size_t i = 0, m = t->nedges(t->ctx, v); i < m; i++) {
			size_t w = target(t, v, i);
			if (w != RK_TOPO_NONE)
				radj[fill[w]++] = v;
		}
		if (!pending[v]) {
			level[v] = 0;
			queue[tail++] = v;
		}
	}
	while (head < tail) {
		size_t w = queue[head++];

		for (size_t i = rat[w]; i < rat[w + 1]; i++) {
			size_t v = radj[i];
			if (level[w] + 1 > level[v])
				level[v] = level[w] + 1;
			if (--pending[v] == 0)
				queue[tail++] = v;
		}
		if (level[w] > maxlevel)
			maxlevel = level[w];
	}
	if (seq) {
		/* by level, then by the caller's key: a counting sort over by_key */
		size_t *count = rk_xcalloc((size_t)maxlevel + 2, sizeof(size_t));

		for (size_t r = 0; r < n; r++) {
			size_t v = by_key ? by_key[r] : r;
			if (level[v] >= 0)
				count[level[v] + 1]++;
		}
		for (long l = 0; l <= maxlevel; l++)
			count[l + 1] += count[l];
		for (size_t r = 0; r < n; r++) {
			size_t v = by_key ? by_key[r] : r;
			if (level[v] >= 0)
				seq[count[level[v]]++] = v;
		}
		free(count);
	}
	free(pending);
	free(rat);
	free(radj);
	free(fill);
	free(queue);
	return tail;
}

size_t rk_topo_scc(const struct rk_topo *t, size_t *comp, size_t *members, size_t *start)
{
	size_t n = t->n, counter = 0, sp = 0, ncomp = 0, nmem = 0;
	size_t *index = rk_xmalloc((n + 1) * sizeof(size_t));
	size_t *low = rk_xmalloc((n + 1) * sizeof(size_t));
	size_t *stack = rk_xmalloc((n + 1) * sizeof(size_t));
	size_t *call = rk_xmalloc((n + 1) * sizeof(size_t)); /* the DFS's own stack */
	size_t *pos = rk_xcalloc(n + 1, sizeof(size_t));     /* next edge to follow */
	unsigned char *on = rk_xcalloc(n + 1, 1);

	for (size_t v = 0; v < n; v++) {
		index[v] = RK_TOPO_NONE;
		comp[v] = RK_TOPO_NONE;
	}
	for (size_t root = 0; root < n; root++) {
		size_t csp = 0;

		if (index[root] != RK_TOPO_NONE || !takes_part(t, root))
			continue;
		call[csp++] = root;
		index[root] = low[root] = counter++;
		stack[sp++] = root;
		on[root] = 1;
		while (csp) {
			size_t v = call[csp - 1], w;

			if (pos[v] < t->nedges(t->ctx, v)) {
				w = target(t, v, pos[v]++);
				if (w == RK_TOPO_NONE)
					continue;
				if (index[w] == RK_TOPO_NONE) {
					index[w] = low[w] = counter++;
					stack[sp++] = w;
					on[w] = 1;
					call[csp++] = w;
				} else if (on[w] && index[w] < low[v]) {
					low[v] = index[w];
				}
				continue;
			}
			csp--;
			if (csp && low[v] < low[call[csp - 1]])
				low[call[csp - 1]] = low[v];
			if (low[v] != index[v])
				continue;
			/* v roots a component: pop it */
			start[ncomp] = nmem;
			do {
				w = stack[--sp];
				on[w] = 0;
				comp[w] = ncomp;
				members[nmem++] = w;
			} while (w != v);
			ncomp++;
		}
	}
	start[ncomp] = nmem;
	free(index);
	free(low);
	free(stack);
	free(call);
	free(pos);
	free(on);
	return ncomp;
}
