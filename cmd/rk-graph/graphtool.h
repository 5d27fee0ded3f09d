/*
 * cmd/rk-graph/graphtool.h - the work of rk-graph(1) (its own body, the tool
 * layer over lib/): read package records, build the graph, reject cycles,
 * select (queries), and write records or a rendering.
 *
 * Input: NDJSON records from the files named (or stdin). "package" records
 * become nodes; every other record is kept to be passed through unchanged
 * and in order (records output only; renderings drop them).
 *
 * Package records are read by rk_graph_add_record (rk_graph_record.h);
 * anything it refuses is bad input: one line "rk-graph: SOURCE:LINE:COL:
 * reason", exit 3.
 *
 * Output (records): each record in input order; each selected package
 * record with "level" and "order" added (replacing any it had), and
 * "depth" after --deps, --rdeps and --path; unselected packages left out.
 * level and order are those of the subgraph of the selected packages, as
 * if the input had held only them. Nothing is written unless the whole run
 * succeeds.
 *
 * Edges that count (order the release, are followed by queries): those
 * of the types in --edges; else in the last release_train config record's
 * "order_edges"; else normal, build and peer. --include-dev adds dev.
 * Cycles are looked for among counting edges only.
 *
 * Exit codes: 0 ok; 1 --path found no path; 2 a bad package argument
 * (unknown or ambiguous) or an unreadable input file; 3 bad input or a
 * dependency cycle (one line per cycle, each edge with its type and the
 * manifest line that declares it: "rk-graph: cycle: a -(normal,
 * a/package.json:5)-> b -(peer, b/package.json:7)-> a").
 */
#ifndef RK_GRAPH_GRAPHTOOL_H
#define RK_GRAPH_GRAPHTOOL_H

#include "rk_graph.h"
#include "rk_json.h"

struct rk_graphtool {
	int format;			 /* enum rk_format */
	int include_dev;		 /* dev edges count too */
	unsigned edges;			 /* --edges: RK_DEP_BIT mask; 0: config or default */
	int strict;			 /* a dependency outside the input is an error */
	const char *deps, *rdeps;	 /* --deps PKG / --rdeps PKG, or NULL */
	const char *path_from, *path_to; /* --path A B, or NULL */
	const char *group;		 /* --group NAME, or NULL */
	int ecosystem;			 /* --ecosystem (enum rk_eco), -1 all */
	int depth;			 /* --depth N, -1 unlimited */
	char **files;			 /* input files; none: stdin */
	int nfiles;
};

/* Run rk-graph; returns the exit code (output written to stdout). */
int rk_graphtool_run(const struct rk_graphtool *o);

#endif
