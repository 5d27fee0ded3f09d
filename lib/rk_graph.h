/*
 * rk_graph.h - the package dependency graph: nodes, edges, cycles (Tarjan),
 * levels, a stable topological order, reachability, shortest paths.
 *
 * A node is a package, identified by ecosystem and name ("python:genkit",
 * "npm:@scope/x", "cargo:foo"). Names are matched as their ecosystem does:
 * python names PEP 503-normalised (lower case, runs of "-_." as one "-"),
 * npm and cargo names exactly. Nodes live in a hash table (rk_strmap) keyed
 * by (ecosystem, normalised name), so every lookup is O(1) and building the
 * graph is linear in nodes + edges.
 *
 * An edge goes from a package to one of its dependencies and has a type
 * (enum rk_dep_type). Whether an edge "counts" (constrains the order, is
 * followed by queries and renderings) is decided once, by a mask of types:
 * by default (RK_GRAPH_EDGES_DEFAULT) normal, build and peer edges, the
 * ones that must be published first; optional and dev edges only when the
 * mask names them.
 * Edges to packages that are not nodes are dropped by rk_graph_finish()
 * (an error in strict mode): the input may be a filtered subset.
 *
 * Use: rk_graph_init, rk_graph_add_node / rk_graph_add_dep for each package
 * record, rk_graph_finish once, then the queries. Node indices are the order
 * of rk_graph_add_node calls. All memory is owned by the graph and freed by
 * rk_graph_release.
 */
#ifndef RK_GRAPH_H
#define RK_GRAPH_H

#include <stddef.h>

#include "rk_buf.h"
#include "rk_msg.h"
#include "rk_strmap.h"

/* Ecosystems, in the order used for sorting (alphabetical). */
enum rk_eco {
	RK_ECO_CARGO = 0,
	RK_ECO_NPM,
	RK_ECO_PYTHON,
	RK_ECO_N,
};

/*
 * Dependency types, strongest first: when a package lists the same
 * dependency twice (say normal and dev), the edge keeps the first.
 */
enum rk_dep_type {
	RK_DEP_NORMAL = 0,
	RK_DEP_BUILD,
	RK_DEP_OPTIONAL,
	RK_DEP_PEER,
	RK_DEP_DEV,
	RK_DEP_N,
};

/* Bit of a dependency type in an edge mask. */
#define RK_DEP_BIT(t) (1u << (t))
#define RK_GRAPH_EDGES_DEFAULT                                                                     \
	(RK_DEP_BIT(RK_DEP_NORMAL) | RK_DEP_BIT(RK_DEP_BUILD) | RK_DEP_BIT(RK_DEP_PEER))

struct rk_graph_node {
	size_t name;	 /* offset of the name as written, in strs */
	size_t manifest; /* offset of the manifest path, or (size_t)-1 */
	size_t group;	 /* offset of the group name, or (size_t)-1 */
	int eco;	 /* enum rk_eco */
	int rank;	 /* position when all nodes are sorted by (ecosystem, name) */
	long line;	 /* where the node was defined (for messages) */
	const char *source;
	size_t path; /* offset of the package's path, or (size_t)-1 */
	int twin;    /* the next node with the same (ecosystem, name), or -1 */
	int dup;     /* 1: another node has the same (ecosystem, name) */
};

struct rk_graph_edge {
	int from, to;
	unsigned char type;  /* enum rk_dep_type */
	unsigned char cross; /* 1: a cross-ecosystem edge added from config */
	long mline;	     /* the manifest line that declares it, 0 unknown */
};

/* A dependency not yet resolved (rk_graph_finish resolves them). */
struct rk_graph_pending {
	int from;
	int eco;
	size_t name; /* offset in strs */
	unsigned char type, cross;
	long line, col;
	long mline;  /* the manifest line that declares it, 0 unknown */
	size_t path; /* the target's path (offset in strs), or (size_t)-1 */
};

struct rk_graph {
	struct rk_graph_node *nodes;
	int n;
	size_t ncap;
	struct rk_buf strs;   /* NUL-separated strings, addressed by offset */
	struct rk_strmap ids; /* (ecosystem, normalised name) -> node index */
	struct rk_graph_pending *pend;
	size_t npend, pendcap;
	/* After rk_graph_finish: the counting edges only, deduplicated. */
	struct rk_graph_edge *edges;
	size_t nedges;
	/* CSR: out edges of v are edges[out[out_at[v] .. out_at[v+1])], sorted by
	 * the target's rank; in edges likewise, sorted by the source's rank. */
	int *out_at, *out;
	int *in_at, *in;
	int *by_rank;	    /* node index of each rank */
	unsigned edge_mask; /* RK_DEP_BIT of each counting type */
	int finished;
};

#define RK_GRAPH_INIT                                                                              \
	{                                                                                          \
		0                                                                                  \
	}

void rk_graph_init(struct rk_graph *g);
void rk_graph_release(struct rk_graph *g);

/* "python" -> RK_ECO_PYTHON; -1 when unknown. */
int rk_eco_parse(const char *s);
const char *rk_eco_name(int eco);
/* "normal" -> RK_DEP_NORMAL; -1 when unknown. */
int rk_dep_type_parse(const char *s);
/*
 * A comma-separated list of dependency types ("normal,build,peer"; "all"
 * for every type) -> *mask. Returns 0, or -1 with err->msg naming the bad
 * item (no source or line: the caller knows where the list came from).
 */
int rk_dep_mask_parse(const char *s, unsigned *mask, struct rk_err *err);
const char *rk_dep_type_name(int type);

/*
 * Add a package. group may be NULL. source is borrowed and must outlive the
 * graph. Returns the node index, or -1 when a package with the same
 * (ecosystem, normalised name) exists: err then says so, naming both places.
 */
int rk_graph_add_node(struct rk_graph *g, int eco, const char *name, const char *group,
		      const char *source, long line, struct rk_err *err);

/*
 * rk_graph_add_node for a package with a path (may be NULL: as
 * rk_graph_add_node). Two packages with one (ecosystem, name) are both kept
 * when both have paths and these differ (pnpm allows that): each is then
 * identified as "ecosystem:name@path", and a dependency on that name must
 * name the path (rk_graph_set_dep_path). Otherwise the same error.
 */
int rk_graph_add_node_at(struct rk_graph *g, int eco, const char *name, const char *path,
			 const char *group, const char *source, long line, struct rk_err *err);

/* Record that node `from` depends on (eco, name); line/col locate it. */
void rk_graph_add_dep(struct rk_graph *g, int from, int eco, const char *name, int type, int cross,
		      long line, long col);
/* The target's path of the last dependency added (names shared by packages). */
void rk_graph_set_dep_path(struct rk_graph *g, const char *path);
/* The manifest line that declares the last dependency added (cycle messages). */
void rk_graph_set_dep_mline(struct rk_graph *g, long mline);
/* The manifest path of node v (cycle messages; copied). */
void rk_graph_set_manifest(struct rk_graph *g, int v, const char *manifest);

/*
 * Resolve the dependencies and build the adjacency. Only edges whose type is
 * in edge_mask (RK_DEP_BIT) are kept. A dependency on a package that is not in the graph is
 * dropped; with strict it is an error instead (the first in input order):
 * returns -1 with err set. Returns 0 otherwise.
 */
int rk_graph_finish(struct rk_graph *g, unsigned edge_mask, int strict, struct rk_err *err);

const char *rk_graph_name(const struct rk_graph *g, int v);
/* NULL when the package has no group. */
const char *rk_graph_group(const struct rk_graph *g, int v);
/* The node's path when another node has its name, else NULL. */
const char *rk_graph_dup_path(const struct rk_graph *g, int v);
/* Append "ecosystem:name" to b ("ecosystem:name@path" when the name is shared). */
void rk_graph_id(const struct rk_graph *g, int v, struct rk_buf *b);

/*
 * The node for (eco, name) (name normalised as the ecosystem does), or -1.
 * When several nodes have that name, the first of them (see .twin, .dup).
 */
int rk_graph_find(const struct rk_graph *g, int eco, const char *name);

/*
 * Resolve a package named on the command line: "ecosystem:name", or a bare
 * name that matches in exactly one ecosystem; "ecosystem:name@path",
 * "name@path" or a package's path where packages share a name. Returns the
 * node, or -1 with err->msg set to the reason (unknown package; or
 * ambiguous, listing the candidates as "cargo:x, python:x" or
 * "npm:web@a, npm:web@b" and how to name one; a list longer than
 * RK_ERR_MAX ends in "..."). No source or line: the caller knows the option.
 */
int rk_graph_lookup(const struct rk_graph *g, const char *arg, struct rk_err *err);

/*
 * Cycles. Finds the strongly connected components (Tarjan, iterative) that
 * contain a cycle (two or more nodes, or a self-loop) and appends one line
 * per component to out, ordered by the component's first node in (ecosystem,
 * name) order: the shortest cycle through that node, each edge with its type
 * and, when known, the manifest line that declares it,
 *     "python:a -(normal, a/pyproject.toml:4)-> python:b -(peer)-> python:a"
 * followed, when the component holds more packages than the cycle shows, by
 * " (same cycle group: npm:c, npm:d)". Returns the number of components.
 */
int rk_graph_cycles(const struct rk_graph *g, struct rk_buf *out);

/*
 * Levels and order of the subgraph induced by the nodes with sel[v] != 0
 * (sel NULL: all nodes). The graph must be acyclic. level[v] is 0 for a node
 * with no counting dependency inside the selection, else 1 + the highest
 * level of those. order[v] is the node's index when the selection is sorted
 * by (level, ecosystem, name). seq receives the selected nodes in that order.
 * Unselected nodes get level and order -1. Returns the number selected.
 * level, order and seq each hold g->n ints.
 */
int rk_graph_levels(const struct rk_graph *g, const unsigned char *sel, int *level, int *order,
		    int *seq);

/*
 * Breadth-first reachability from start along dependency edges (reverse: 0)
 * or dependent edges (reverse: 1), at most maxdepth edges away (< 0: no
 * limit). dist[v] receives the distance, -1 when not reached (start: 0).
 * dist holds g->n ints.
 */
void rk_graph_reach(const struct rk_graph *g, int start, int reverse, int maxdepth, int *dist);

/*
 * A shortest dependency path from a to b (a depends on ... on b), ties
 * broken by (ecosystem, name) order of the next hop. Writes the nodes,
 * a first, to path (g->n ints) and returns their count; 0 when there is none.
 */
int rk_graph_path(const struct rk_graph *g, int a, int b, int *path);

#endif
