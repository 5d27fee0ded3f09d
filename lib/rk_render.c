#include "rk_common.h"
#include "rk_json.h"
#include "rk_render.h"
#include "rk_sort.h"

static const char *const fmt_names[] = {"records", "levels", "dot", "mermaid",
					"d2",	   "ascii",  "json"};

int rk_format_parse(const char *s)
{
	for (size_t i = 0; i < RK_ARRAY_SIZE(fmt_names); i++)
		if (!strcmp(s, fmt_names[i]))
			return (int)i;
	return -1;
}

/* ---- the view's edges ---- */

/* Edge indices by the order of their target: an rk_idx_cmp over the view. */
static int cmp_edges(const void *ctx, int a, int b)
{
	const struct rk_view *v = ctx;
	int x = v->order[v->g->edges[a].to], y = v->order[v->g->edges[b].to];

	return x < y ? -1 : x > y;
}

/*
 * The selected dependencies of u, as edge indices sorted by the order of
 * their target, into e[] (room for u's out degree). Returns the count.
 */
static int view_deps(const struct rk_view *v, int u, int *e, int *tmp)
{
	const struct rk_graph *g = v->g;
	int n = 0;

	for (int i = g->out_at[u]; i < g->out_at[u + 1]; i++)
		if (v->order[g->edges[g->out[i]].to] >= 0)
			e[n++] = g->out[i];
	rk_sort_idx(e, tmp, n, cmp_edges, v);
	return n;
}

/* Scratch arrays sized for the largest out degree. */
struct scratch {
	int *e, *tmp;
};

static void scratch_init(struct scratch *s, const struct rk_graph *g)
{
	int max = 1;

	for (int u = 0; u < g->n; u++)
		if (g->out_at[u + 1] - g->out_at[u] > max)
			max = g->out_at[u + 1] - g->out_at[u];
	s->e = rk_xmalloc(sizeof(int) * (size_t)max);
	s->tmp = rk_xmalloc(sizeof(int) * (size_t)max);
}

static void scratch_release(struct scratch *s)
{
	free(s->e);
	free(s->tmp);
}

/* Whether the i-th package of the view starts a level. */
static bool new_level(const struct rk_view *v, int i)
{
	return i == 0 || v->level[v->seq[i]] != v->level[v->seq[i - 1]];
}

/* Call fn for every edge of the view: packages in view order, edges sorted. */
static void each_edge(const struct rk_view *v,
		      void (*fn)(const struct rk_view *v, const struct rk_graph_edge *e,
				 struct rk_buf *out),
		      struct rk_buf *out)
{
	struct scratch s;

	scratch_init(&s, v->g);
	for (int i = 0; i < v->n; i++) {
		int k = view_deps(v, v->seq[i], s.e, s.tmp);

		for (int j = 0; j < k; j++)
			fn(v, &v->g->edges[s.e[j]], out);
	}
	scratch_release(&s);
}

/* ---- text helpers ---- */

/* "ecosystem:name" with control characters as \xNN (text renderings). */
static void text_id(const struct rk_graph *g, int v, struct rk_buf *b)
{
	rk_buf_addf(b, "%s:", rk_eco_name(g->nodes[v].eco));
	for (const unsigned char *p = (const unsigned char *)rk_graph_name(g, v); *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			rk_buf_addf(b, "\\x%02x", *p);
		else
			rk_buf_addc(b, (char)*p);
	}
	if (rk_graph_dup_path(g, v))
		rk_buf_addf(b, "@%s", rk_graph_dup_path(g, v));
}

/* Display columns of UTF-8 text: one per code point. */
static size_t columns(const char *s, size_t n)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			c++;
	return c;
}

static void add_repeat(struct rk_buf *b, const char *s, size_t n)
{
	while (n--)
		rk_buf_adds(b, s);
}

/* ---- levels ---- */

static void render_levels(const struct rk_view *v, struct rk_buf *out)
{
	for (int i = 0; i < v->n; i++) {
		int u = v->seq[i];
		if (i == 0 || v->level[u] != v->level[v->seq[i - 1]])
			rk_buf_addf(out, "%slevel %d: ", i ? "\n" : "", v->level[u]);
		else
			rk_buf_adds(out, ", ");
		text_id(v->g, u, out);
	}
	if (v->n)
		rk_buf_addc(out, '\n');
}

/* ---- dot ---- */

/* "ecosystem:name" in double quotes, '"' and '\\' escaped: a dot and a d2 node id. */
static void quoted_id(const struct rk_graph *g, int v, struct rk_buf *b)
{
	rk_buf_addf(b, "\"%s:", rk_eco_name(g->nodes[v].eco));
	for (const char *p = rk_graph_name(g, v); *p; p++) {
		if (*p == '"' || *p == '\\')
			rk_buf_addc(b, '\\');
		if (*p == '\n')
			rk_buf_adds(b, "\\n");
		else if (*p != '\r')
			rk_buf_addc(b, *p);
	}
	for (const char *p = rk_graph_dup_path(g, v); p && *p; p++) {
		if (p == rk_graph_dup_path(g, v))
			rk_buf_addc(b, '@');
		if (*p == '"' || *p == '\\')
			rk_buf_addc(b, '\\');
		rk_buf_addc(b, *p);
	}
	rk_buf_addc(b, '"');
}

static const char *const eco_color[RK_ECO_N] = {"#f5d6c6", "#f8d7da", "#d6e4f5"};

static void dot_edge(const struct rk_view *v, const struct rk_graph_edge *e, struct rk_buf *out)
{
	rk_buf_addc(out, '\t');
	quoted_id(v->g, e->from, out);
	rk_buf_adds(out, " -> ");
	quoted_id(v->g, e->to, out);
	switch (e->type) {
	case RK_DEP_NORMAL:
		break;
	case RK_DEP_BUILD:
		rk_buf_adds(out, " [label=\"build\"]");
		break;
	case RK_DEP_OPTIONAL:
		rk_buf_adds(out, " [label=\"optional\", style=dashed]");
		break;
	case RK_DEP_PEER:
		rk_buf_adds(out, " [label=\"peer\", style=dotted]");
		break;
	default:
		rk_buf_adds(out, " [label=\"dev\", style=dashed, color=gray50]");
		break;
	}
	rk_buf_adds(out, ";\n");
}

static void render_dot(const struct rk_view *v, struct rk_buf *out)
{
	const struct rk_graph *g = v->g;

	rk_buf_adds(out, "digraph releasekit {\n"
			 "\trankdir=BT;\n"
			 "\tnode [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\"];\n"
			 "\tedge [fontname=\"Helvetica\", fontsize=10];\n");
	for (int i = 0; i < v->n; i++) {
		int u = v->seq[i];
		if (new_level(v, i))
			rk_buf_addf(out, "%s\tsubgraph level_%d {\n\t\trank=same;\n",
				    i ? "\t}\n" : "", v->level[u]);
		rk_buf_adds(out, "\t\t");
		quoted_id(g, u, out);
		rk_buf_addf(out, " [fillcolor=\"%s\"];\n", eco_color[g->nodes[u].eco]);
	}
	if (v->n)
		rk_buf_adds(out, "\t}\n");
	each_edge(v, dot_edge, out);
	rk_buf_adds(out, "}\n");
}

/* ---- mermaid ---- */

static void mermaid_label(const struct rk_graph *g, int v, struct rk_buf *b)
{
	rk_buf_addf(b, "[\"%s:", rk_eco_name(g->nodes[v].eco));
	for (const unsigned char *p = (const unsigned char *)rk_graph_name(g, v); *p; p++) {
		switch (*p) {
		case '"':
			rk_buf_adds(b, "#quot;");
			break;
		case '#':
			rk_buf_adds(b, "#35;");
			break;
		case '<':
			rk_buf_adds(b, "#lt;");
			break;
		case '>':
			rk_buf_adds(b, "#gt;");
			break;
		case '&':
			rk_buf_adds(b, "#amp;");
			break;
		case '`':
			rk_buf_adds(b, "#96;");
			break;
		default:
			rk_buf_addc(b, *p < 0x20 || *p == 0x7f ? ' ' : (char)*p);
		}
	}
	rk_buf_adds(b, "\"]");
}

static void mermaid_edge(const struct rk_view *v, const struct rk_graph_edge *e, struct rk_buf *out)
{
	if (e->type == RK_DEP_NORMAL)
		rk_buf_addf(out, "    n%d --> n%d\n", v->order[e->from], v->order[e->to]);
	else
		rk_buf_addf(out, "    n%d %s|%s| n%d\n", v->order[e->from],
			    e->type == RK_DEP_BUILD ? "-->" : "-.->", rk_dep_type_name(e->type),
			    v->order[e->to]);
}

static void render_mermaid(const struct rk_view *v, struct rk_buf *out)
{
	rk_buf_adds(out, "flowchart BT\n");
	for (int i = 0; i < v->n; i++) {
		int u = v->seq[i];
		if (new_level(v, i))
			rk_buf_addf(out, "    %%%% level %d\n", v->level[u]);
		rk_buf_addf(out, "    n%d", v->order[u]);
		mermaid_label(v->g, u, out);
		rk_buf_addc(out, '\n');
	}
	each_edge(v, mermaid_edge, out);
}

/* ---- d2 ---- */

static void d2_edge(const struct rk_view *v, const struct rk_graph_edge *e, struct rk_buf *out)
{
	quoted_id(v->g, e->from, out);
	rk_buf_adds(out, " -> ");
	quoted_id(v->g, e->to, out);
	if (e->type == RK_DEP_BUILD)
		rk_buf_adds(out, ": build");
	else if (e->type != RK_DEP_NORMAL)
		rk_buf_addf(out, ": %s {style.stroke-dash: 3}", rk_dep_type_name(e->type));
	rk_buf_addc(out, '\n');
}

static void render_d2(const struct rk_view *v, struct rk_buf *out)
{
	rk_buf_adds(out, "direction: up\n");
	for (int i = 0; i < v->n; i++) {
		int u = v->seq[i];
		if (new_level(v, i))
			rk_buf_addf(out, "# level %d\n", v->level[u]);
		quoted_id(v->g, u, out);
		rk_buf_addc(out, '\n');
	}
	each_edge(v, d2_edge, out);
}

/* ---- ascii (box drawing) ---- */

static void render_ascii(const struct rk_view *v, struct rk_buf *out)
{
	int first = 1;
	const struct rk_graph *g = v->g;
	struct rk_buf lines = RK_BUF_INIT; /* the frame's inner lines, '\n'-separated */
	struct rk_buf one = RK_BUF_INIT;
	struct scratch s;
	size_t width = 0;

	if (!v->n)
		return;
	/*
	 * Inner lines: "\1N" marks a level header (level N), anything else is a
	 * content line. The width is the widest content line or header.
	 */
	scratch_init(&s, g);
	for (int i = 0; i < v->n; i++) {
		int u = v->seq[i], k;
		if (i == 0 || v->level[u] != v->level[v->seq[i - 1]]) {
			rk_buf_reset(&one);
			rk_buf_addf(&one, "─ level %d ", v->level[u]);
			if (columns(one.data, one.len) + 1 > width)
				width = columns(one.data, one.len) + 1;
			rk_buf_addf(&lines, "\001%d\n", v->level[u]);
		}
		rk_buf_reset(&one);
		rk_buf_adds(&one, " ");
		text_id(g, u, &one);
		k = view_deps(v, u, s.e, s.tmp);
		for (int j = 0; j < k; j++) {
			const struct rk_graph_edge *e = &g->edges[s.e[j]];
			rk_buf_addf(&one, "\n   %s ", j + 1 < k ? "├─▶" : "└─▶");
			text_id(g, e->to, &one);
			rk_buf_addf(&one, " (level %d", v->level[e->to]);
			if (e->type != RK_DEP_NORMAL)
				rk_buf_addf(&one, ", %s", rk_dep_type_name(e->type));
			rk_buf_adds(&one, ")");
		}
		rk_buf_add(&lines, one.data, one.len);
		rk_buf_addc(&lines, '\n');
	}
	scratch_release(&s);
	for (const char *p = lines.data; *p;) {
		const char *nl = strchr(p, '\n');
		if (*p != '\001' && columns(p, (size_t)(nl - p)) + 1 > width)
			width = columns(p, (size_t)(nl - p)) + 1;
		p = nl + 1;
	}

	for (const char *p = lines.data; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = (size_t)(nl - p);
		if (*p == '\001') {
			rk_buf_reset(&one);
			rk_buf_addf(&one, "─ level %.*s ", (int)(n - 1), p + 1);
			rk_buf_adds(out, first ? "┌" : "├");
			rk_buf_add(out, one.data, one.len);
			add_repeat(out, "─", width - columns(one.data, one.len));
			rk_buf_adds(out, first ? "┐\n" : "┤\n");
			first = 0;
		} else {
			rk_buf_adds(out, "│");
			rk_buf_add(out, p, n);
			add_repeat(out, " ", width - columns(p, n));
			rk_buf_adds(out, "│\n");
		}
		p = nl + 1;
	}
	rk_buf_adds(out, "└");
	add_repeat(out, "─", width);
	rk_buf_adds(out, "┘\n");
	rk_buf_release(&lines);
	rk_buf_release(&one);
}

/* ---- json ---- */

static void json_id(const struct rk_graph *g, int v, struct rk_buf *tmp, struct rk_jw *w)
{
	rk_buf_reset(tmp);
	rk_graph_id(g, v, tmp);
	rk_jw_strn(w, tmp->data, tmp->len);
}

static void render_json(const struct rk_view *v, struct rk_buf *out)
{
	const struct rk_graph *g = v->g;
	struct rk_buf id = RK_BUF_INIT;
	struct rk_jw w;
	struct scratch s;

	rk_jw_init(&w, out);
	rk_jw_obj(&w);
	rk_jw_kstr(&w, "kind", "graph");
	rk_jw_key(&w, "nodes");
	rk_jw_arr(&w);
	for (int i = 0; i < v->n; i++) {
		int u = v->seq[i];
		const char *group = rk_graph_group(g, u);
		rk_jw_obj(&w);
		rk_jw_key(&w, "id");
		json_id(g, u, &id, &w);
		rk_jw_kstr(&w, "name", rk_graph_name(g, u));
		rk_jw_kstr(&w, "ecosystem", rk_eco_name(g->nodes[u].eco));
		rk_jw_kint(&w, "level", v->level[u]);
		rk_jw_kint(&w, "order", v->order[u]);
		if (group)
			rk_jw_kstr(&w, "group", group);
		rk_jw_obj_end(&w);
	}
	rk_jw_arr_end(&w);
	rk_jw_key(&w, "edges");
	rk_jw_arr(&w);
	scratch_init(&s, g);
	for (int i = 0; i < v->n; i++) {
		int u = v->seq[i], k = view_deps(v, u, s.e, s.tmp);
		for (int j = 0; j < k; j++) {
			const struct rk_graph_edge *e = &g->edges[s.e[j]];
			rk_jw_obj(&w);
			rk_jw_key(&w, "from");
			json_id(g, e->from, &id, &w);
			rk_jw_key(&w, "to");
			json_id(g, e->to, &id, &w);
			rk_jw_kstr(&w, "type", rk_dep_type_name(e->type));
			if (e->cross)
				rk_jw_kbool(&w, "cross", 1);
			rk_jw_obj_end(&w);
		}
	}
	scratch_release(&s);
	rk_jw_arr_end(&w);
	rk_jw_key(&w, "levels");
	rk_jw_arr(&w);
	for (int i = 0; i < v->n; i++) {
		int u = v->seq[i];
		if (i == 0 || v->level[u] != v->level[v->seq[i - 1]]) {
			if (i)
				rk_jw_arr_end(&w);
			rk_jw_arr(&w);
		}
		json_id(g, u, &id, &w);
	}
	if (v->n)
		rk_jw_arr_end(&w);
	rk_jw_arr_end(&w);
	rk_jw_obj_end(&w);
	rk_buf_addc(out, '\n');
	rk_buf_release(&id);
}

void rk_render(const struct rk_view *v, int fmt, struct rk_buf *out)
{
	switch (fmt) {
	case RK_FMT_LEVELS:
		render_levels(v, out);
		break;
	case RK_FMT_DOT:
		render_dot(v, out);
		break;
	case RK_FMT_MERMAID:
		render_mermaid(v, out);
		break;
	case RK_FMT_D2:
		render_d2(v, out);
		break;
	case RK_FMT_ASCII:
		render_ascii(v, out);
		break;
	case RK_FMT_JSON:
		render_json(v, out);
		break;
	default:
		break;
	}
}
