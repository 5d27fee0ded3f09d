/*
 * fuzz-graph: package records (NDJSON) into the graph, then every algorithm
 * and rendering: rk_graph_add_record, finish (strict or not, dev or not),
 * cycles, levels, reach, path, rk_render in each format.
 *
 * The first input byte picks options (bit 0 every edge type counts, bit 1 strict);
 * the rest is NDJSON, one record per line.
 */
#include "rk_common.h"
#include "rk_graph.h"
#include "rk_graph_record.h"
#include "rk_json.h"
#include "rk_render.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rk_graph g;
	struct rk_json doc = RK_JSON_INIT;
	struct rk_buf out = RK_BUF_INIT;
	struct rk_err err;
	const char *p, *end;
	unsigned flags;
	long line = 0;

	if (!size)
		return 0;
	flags = data[0];
	p = (const char *)data + 1;
	end = (const char *)data + size;
	rk_graph_init(&g);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		line++;
		if (rk_json_parse(&doc, p, n, "<fuzz>", line, &err) == 0 &&
		    rk_json_type(&doc, 0) == RK_JSON_OBJECT)
			(void)rk_graph_add_record(&g, &doc, "<fuzz>", line, &err);
		p += n + 1;
	}
	(void)rk_graph_finish(&g, flags & 1 ? (1u << RK_DEP_N) - 1 : RK_GRAPH_EDGES_DEFAULT,
			      flags & 2, &err);
	if (!rk_graph_cycles(&g, &out) && g.n) {
		int *level = rk_xmalloc(sizeof(int) * (size_t)g.n);
		int *order = rk_xmalloc(sizeof(int) * (size_t)g.n);
		int *seq = rk_xmalloc(sizeof(int) * (size_t)g.n);
		int *dist = rk_xmalloc(sizeof(int) * (size_t)g.n);
		unsigned char *sel = rk_xmalloc((size_t)g.n);
		int nsel = rk_graph_levels(&g, NULL, level, order, seq);
		struct rk_view v = {&g, nsel, seq, level, order};

		for (int f = RK_FMT_LEVELS; f <= RK_FMT_JSON; f++) {
			rk_buf_reset(&out);
			rk_render(&v, f, &out);
		}
		rk_graph_reach(&g, 0, flags & 4, (flags & 8) ? 1 : -1, dist);
		for (int i = 0; i < g.n; i++)
			sel[i] = dist[i] >= 0;
		nsel = rk_graph_levels(&g, sel, level, order, seq);
		v.n = nsel;
		rk_buf_reset(&out);
		rk_render(&v, RK_FMT_ASCII, &out);
		(void)rk_graph_path(&g, 0, g.n - 1, seq);
		free(level);
		free(order);
		free(seq);
		free(dist);
		free(sel);
	}
	rk_buf_release(&out);
	rk_json_release(&doc);
	rk_graph_release(&g);
	return 0;
}
