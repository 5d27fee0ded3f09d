/*
 * rk_topo.h - the one topological sort and cycle finder of releasekit.
 *
 * A directed graph over nodes 0..n-1, given by callbacks so that each
 * caller keeps its own storage (rk_graph's CSR, the actions' dependency
 * arrays, the scheduler's ints). An edge v -> w means "v comes after w"
 * (v depends on w): every order below lists w before v.
 *
 * Everything here is iterative (explicit stacks and queues, O(n + m) time
 * and memory): a chain of millions of nodes needs no call stack.
 *
 * Ownership: the callbacks' storage stays the caller's. Output arrays are
 * the caller's, sized as each function says; the only allocation handed
 * back is rk_topo_cycle.v (free it with rk_topo_cycle_release).
 * Errors: none are returned; a cycle is a result, not an error. Allocation
 * failure dies (rk_xmalloc), as everywhere in lib/.
 */
#ifndef RK_TOPO_H
#define RK_TOPO_H

#include <stddef.h>

/* "No such node": an edge callback's answer to skip an edge; a node outside the mask. */
#define RK_TOPO_NONE ((size_t)-1)

struct rk_topo {
	size_t n;
	/* The number of edges out of v (v's dependencies). */
	size_t (*nedges)(const void *ctx, size_t v);
	/* The target of v's i-th edge (i < nedges), or RK_TOPO_NONE to ignore it. */
	size_t (*edge)(const void *ctx, size_t v, size_t i);
	const void *ctx;
	/*
	 * Optional (NULL: every node): only nodes v with in[v] != 0 take part;
	 * edges to the others are ignored.
	 */
	const unsigned char *in;
};

/* A cycle: v[0] -> v[1] -> ... -> v[n-1] -> v[0] (each waits for the next). */
struct rk_topo_cycle {
	size_t *v;
	size_t n;
};

/* Ignore back edges instead of stopping at the first cycle (rk_topo_dfs). */
#define RK_TOPO_IGNORE_CYCLES 1u

/*
 * Depth-first post-order (dependencies first), exactly as the obvious
 * recursive DFS visits: roots in index order 0..n-1, each node's edges in
 * their order. order (room for n) receives the nodes. On the first back
 * edge v -> w the walk stops: cy (when not NULL) gets w ... v (the nodes
 * on the DFS stack from w to v, so that v -> w closes it), and the result
 * is -1. With RK_TOPO_IGNORE_CYCLES a back edge is skipped as if w were
 * done (an order exists only on an acyclic graph, but every node is
 * listed once). Returns the number of nodes written to order.
 */
long rk_topo_dfs(const struct rk_topo *t, unsigned flags, size_t *order, struct rk_topo_cycle *cy);

/*
 * Levels (Kahn): level[v] = 0 for a node without edges, else 1 + the
 * highest level of its targets; nodes on a cycle or behind one (and nodes
 * outside the mask) get -1. seq (optional, room for n) receives the
 * levelled nodes ordered by level, ties broken by the caller's key: the
 * position in by_key (a list of all n nodes in the caller's order; NULL:
 * index order). Returns the number of nodes levelled (fewer than the
 * nodes taking part only on a cycle).
 */
size_t rk_topo_levels(const struct rk_topo *t, const size_t *by_key, long *level, size_t *seq);

/*
 * Strongly connected components (Tarjan, iterative). comp[v] (room for n)
 * = the component of v, numbered in the order they complete: an edge
 * leaves a component only towards a smaller number, so components in
 * increasing number are a topological order. Nodes outside the mask get
 * RK_TOPO_NONE. members (room for n) lists the nodes component by
 * component, each in the order Tarjan pops them; start (room for n + 1)
 * gives component c's members as members[start[c] .. start[c + 1]).
 * Returns the number of components. A component is a cycle when it has
 * two or more members, or one with an edge to itself.
 */
size_t rk_topo_scc(const struct rk_topo *t, size_t *comp, size_t *members, size_t *start);

/* Free cy->v; cy is empty afterwards. */
void rk_topo_cycle_release(struct rk_topo_cycle *cy);

#endif
