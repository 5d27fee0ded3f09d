/*
 * t-topo: drive lib/rk_topo from bats.
 *
 *   t-topo dfs N [MASK]       edges "V W" (V after W) on stdin; prints the
 *                             DFS order, or "cycle: A B C" and exits 1
 *   t-topo dfs-ignore N       the same, back edges ignored
 *   t-topo levels N [KEY]     "V LEVEL" per node, then "seq: ..." ordered by
 *                             level, ties by KEY (a comma list of all nodes)
 *   t-topo scc N              one line per component: its members
 *   t-topo chain N            a chain N-1 -> ... -> 0 built here: checks dfs,
 *                             levels and scc on it, prints "ok N"
 *
 * MASK: a string of 0/1, one per node (rk_topo.in). An edge whose target
 * is "-" is ignored (the callback answers RK_TOPO_NONE).
 */
#include "rk_common.h"
#include "rk_topo.h"

struct g {
	size_t n, *deg, *cap, **adj;
};

static size_t nedges(const void *ctx, size_t v)
{
	return ((const struct g *)ctx)->deg[v];
}

static size_t edge(const void *ctx, size_t v, size_t i)
{
	return ((const struct g *)ctx)->adj[v][i];
}

static void add(struct g *g, size_t v, size_t w)
{
	RK_GROW(g->adj[v], g->cap[v], g->deg[v] + 1);
	g->adj[v][g->deg[v]++] = w;
}

static void release(struct g *g)
{
	for (size_t v = 0; v < g->n; v++)
		free(g->adj[v]);
	free(g->adj);
	free(g->deg);
	free(g->cap);
}

static void init(struct g *g, size_t n)
{
	g->n = n;
	g->deg = rk_xcalloc(n + 1, sizeof(size_t));
	g->cap = rk_xcalloc(n + 1, sizeof(size_t));
	g->adj = rk_xcalloc(n + 1, sizeof(size_t *));
}

static void read_edges(struct g *g)
{
	char line[256], to[64];
	unsigned long v, w;

	while (fgets(line, sizeof(line), stdin)) {
		if (sscanf(line, "%lu %63s", &v, to) != 2 || v >= g->n)
			rk_die(3, "bad edge line: %s", line);
		if (!strcmp(to, "-")) {
			add(g, v, RK_TOPO_NONE);
			continue;
		}
		w = strtoul(to, NULL, 10);
		if (w >= g->n)
			rk_die(3, "bad edge line: %s", line);
		add(g, v, w);
	}
}

static void print_list(const char *head, const size_t *v, size_t n)
{
	fputs(head, stdout);
	for (size_t i = 0; i < n; i++)
		printf(i ? " %zu" : "%zu", v[i]);
	putchar('\n');
}

static int chain(struct g *g)
{
	size_t n = g->n, *order = rk_xmalloc(n * sizeof(size_t));
	size_t *seq = rk_xmalloc(n * sizeof(size_t)), *start = rk_xmalloc((n + 1) * sizeof(size_t));
	long *level = rk_xmalloc(n * sizeof(long));
	struct rk_topo t = {n, nedges, edge, g, NULL};
	struct rk_topo_cycle cy = {0};

	for (size_t v = 1; v < n; v++)
		add(g, v, v - 1);
	/* the last node first: the DFS must go the whole chain deep */
	if (rk_topo_dfs(&t, 0, order, &cy) != (long)n)
		rk_die(1, "dfs: short order");
	for (size_t i = 0; i < n; i++)
		if (order[i] != i)
			rk_die(1, "dfs: order[%zu] = %zu", i, order[i]);
	if (rk_topo_levels(&t, NULL, level, seq) != n || level[n - 1] != (long)n - 1)
		rk_die(1, "levels: wrong");
	if (rk_topo_scc(&t, order, seq, start) != n)
		rk_die(1, "scc: wrong");
	/* close the chain: one cycle through all, found from the deepest node */
	add(g, 0, n - 1);
	if (rk_topo_dfs(&t, 0, order, &cy) != -1 || cy.n != n)
		rk_die(1, "dfs: the cycle was not found");
	if (rk_topo_scc(&t, order, seq, start) != 1)
		rk_die(1, "scc: not one component");
	printf("ok %zu\n", n);
	rk_topo_cycle_release(&cy);
	free(order);
	free(seq);
	free(start);
	free(level);
	release(g);
	return 0;
}

int main(int argc, char **argv)
{
	struct g g = {0};
	struct rk_topo t = {0, nedges, edge, &g, NULL};
	size_t *out, *aux, *start;
	long *level;
	unsigned long n;
	int rc = 0;

	rk_msg_init(argv[0]);
	n = argc < 3 ? 0 : strtoul(argv[2], NULL, 10);
	if (n == 0)
		rk_die(2, "usage: t-topo dfs|dfs-ignore|levels|scc|chain N [ARG]");
	init(&g, n);
	t.n = n;
	if (!strcmp(argv[1], "chain"))
		return chain(&g);
	read_edges(&g);
	out = rk_xcalloc(n + 1, sizeof(size_t));
	aux = rk_xcalloc(n + 1, sizeof(size_t));
	start = rk_xcalloc(n + 2, sizeof(size_t));
	level = rk_xcalloc(n + 1, sizeof(long));
	if (!strcmp(argv[1], "dfs") || !strcmp(argv[1], "dfs-ignore")) {
		struct rk_topo_cycle cy = {0};
		unsigned char *in = rk_xcalloc(n + 1, 1);
		long k;

		if (argc > 3) {
			if (strlen(argv[3]) != n)
				rk_die(2, "MASK needs %lu characters", n);
			for (size_t i = 0; i < n; i++)
				in[i] = argv[3][i] == '1';
			t.in = in;
		}
		k = rk_topo_dfs(&t, !strcmp(argv[1], "dfs") ? 0 : RK_TOPO_IGNORE_CYCLES, out, &cy);
		if (k < 0)
			print_list("cycle: ", cy.v, cy.n);
		else
			print_list("order: ", out, (size_t)k);
		rk_topo_cycle_release(&cy);
		free(in);
		rc = k < 0;
	} else if (!strcmp(argv[1], "levels")) {
		size_t *key = NULL, m;

		if (argc > 3) {
			char *p = argv[3];
			key = rk_xcalloc(n + 1, sizeof(size_t));
			for (size_t i = 0; i < n; i++) {
				key[i] = strtoul(p, &p, 10);
				if (*p == ',')
					p++;
			}
		}
		m = rk_topo_levels(&t, key, level, out);
		for (size_t v = 0; v < n; v++)
			printf("%zu %ld\n", v, level[v]);
		print_list("seq: ", out, m);
		free(key);
	} else if (!strcmp(argv[1], "scc")) {
		size_t nc = rk_topo_scc(&t, aux, out, start);

		for (size_t c = 0; c < nc; c++)
			print_list("", out + start[c], start[c + 1] - start[c]);
	} else {
		rk_die(2, "unknown command '%s'", argv[1]);
	}
	free(out);
	free(aux);
	free(start);
	free(level);
	release(&g);
	return rc;
}
