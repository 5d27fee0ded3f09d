/*
 * rk_graph_record.h - a "package" record (rk-discover's) into the
 * dependency graph (rk_graph.h): rk-graph's reader, also driven by the
 * fuzz target fuzz-graph.
 *
 * A package record needs "name" (a non-empty string without NUL) and
 * "ecosystem" (python, npm or cargo); "group" is a string when present;
 * "deps" an array of objects with "name" and, optionally, "ecosystem"
 * (default: the package's own), "type" (default normal), "cross"
 * (boolean), "path" and "line" (a positive integer: the manifest line).
 * A package defined twice (same ecosystem, same normalised name) is bad
 * input too.
 *
 * Errors: struct rk_err at SOURCE:LINE:COL; a missing "name", "ecosystem"
 * or deps[].name in the validator's words (rk_record_need: "name: missing
 * (required)"), any other problem "package record: reason"; nothing is
 * printed and nothing exits.
 */
#ifndef RK_GRAPH_RECORD_H
#define RK_GRAPH_RECORD_H

#include "rk_graph.h"
#include "rk_json.h"

/*
 * Add the package record d (parsed; its root an object) to g: the node and
 * its dependencies, checked as described above. Returns the node index, or
 * -1 with err set ("package record: ..." at source:line:col; or a duplicate).
 */
int rk_graph_add_record(struct rk_graph *g, const struct rk_json *d, const char *source, long line,
			struct rk_err *err);

/* The 1-based byte column of token t of d within its record's line (0 when t < 0). */
long rk_graph_record_col(const struct rk_json *d, int t);

#endif
