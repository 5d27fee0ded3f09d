/*
 * rk_render.h - renderings of a dependency graph (or of a selection of it)
 * for people and other tools: levels, dot, mermaid, d2, ascii, json.
 *
 * Every rendering is deterministic: nodes appear in their `order` (level,
 * then ecosystem, then name); edges by (order of the dependent, order of the
 * dependency). Packages are named "ecosystem:name" everywhere. Each format
 * quotes names the way its language needs, so names with "@ / . -" and odd
 * characters stay intact:
 *   levels   "level 0: cargo:core, npm:@scope/x", one line per level
 *   dot      Graphviz; node IDs are quoted strings ('"' and '\' escaped);
 *            one rank=same subgraph per level; rankdir=BT (level 0 on top)
 *   mermaid  flowchart BT; node ids n<order>, labels in quotes with '"',
 *            '#', '<', '>', '&' and '`' as entity codes
 *   d2       direction: up; keys double-quoted ('"' and '\' escaped)
 *   ascii    one UTF-8 box-drawing frame, a section per level, each package
 *            followed by its dependencies (├─▶ / └─▶)
 *   json     one JSON document {"kind":"graph","nodes","edges","levels"}
 * Edges are drawn plain for normal dependencies; other types carry their
 * type as a label (and a dashed or dotted style where the format has one).
 */
#ifndef RK_RENDER_H
#define RK_RENDER_H

#include "rk_buf.h"
#include "rk_graph.h"

enum rk_format {
	RK_FMT_RECORDS = 0, /* NDJSON records (not a rendering; rk_render ignores it) */
	RK_FMT_LEVELS,
	RK_FMT_DOT,
	RK_FMT_MERMAID,
	RK_FMT_D2,
	RK_FMT_ASCII,
	RK_FMT_JSON,
};

/* "dot" -> RK_FMT_DOT, "records" -> RK_FMT_RECORDS; -1 when unknown. */
int rk_format_parse(const char *s);

/*
 * A selection of a finished, acyclic graph as rk_graph_levels() computed it:
 * n nodes, seq[] in order, level[]/order[] per node (-1 when not selected).
 * Edges shown are the graph's counting edges between selected nodes.
 */
struct rk_view {
	const struct rk_graph *g;
	int n;
	const int *seq;
	const int *level;
	const int *order;
};

/* Append the rendering of v in format fmt to out. */
void rk_render(const struct rk_view *v, int fmt, struct rk_buf *out);

#endif
