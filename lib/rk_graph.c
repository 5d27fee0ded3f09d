#include "rk_common.h"
#include "rk_graph.h"
#include "rk_sort.h"
#include "rk_strmap.h"
#include "rk_topo.h"

#define NO_GROUP ((size_t)-1)

static const char *const eco_names[RK_ECO_N] = {"cargo", "npm", "python"};
static const char *const type_names[RK_DEP_N] = {"normal", "build", "optional", "peer", "dev"};

int rk_eco_parse(const char *s)
{
	for (int i = 0; i < RK_ECO_N; i++)
		if (s && !strcmp(s, eco_names[i]))
			return i;
	return -1;
}

const char *rk_eco_name(int eco)
{
	return eco >= 0 && eco < RK_ECO_N ? eco_names[eco] : "?";
}

int rk_dep_mask_parse(const char *s, unsigned *mask, struct rk_err *err)
{
	const char *p = s;

	*mask = 0;
	if (!strcmp(s, "all")) {
		*mask = (1u << RK_DEP_N) - 1;
		return 0;
	}
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		int i;

		for (i = 0; i < RK_DEP_N; i++)
			if (strlen(type_names[i]) == n && !strncmp(p, type_names[i], n))
				break;
		if (i == RK_DEP_N) {
			return rk_err_set(err, NULL, 0, 0,
					  "unknown dependency type '%.*s' (expected normal, build, "
					  "peer, optional, dev or all)",
					  (int)n, p);
		}
		*mask |= RK_DEP_BIT(i);
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

int rk_dep_type_parse(const char *s)
{
	for (int i = 0; i < RK_DEP_N; i++)
		if (s && !strcmp(s, type_names[i]))
			return i;
	return -1;
}

const char *rk_dep_type_name(int type)
{
	return type >= 0 && type < RK_DEP_N ? type_names[type] : "?";
}

void rk_graph_init(struct rk_graph *g)
{
	memset(g, 0, sizeof(*g));
}

void rk_graph_release(struct rk_graph *g)
{
	free(g->nodes);
	rk_buf_release(&g->strs);
	rk_strmap_release(&g->ids);
	free(g->pend);
	free(g->edges);
	free(g->out_at);
	free(g->out);
	free(g->in_at);
	free(g->in);
	free(g->by_rank);
	memset(g, 0, sizeof(*g));
}

static size_t add_str(struct rk_graph *g, const char *s, size_t n)
{
	size_t off = g->strs.len;

	rk_buf_add(&g->strs, s, n);
	rk_buf_addc(&g->strs, '\0');
	return off;
}

static const char *str_at(const struct rk_graph *g, size_t off)
{
	return g->strs.data + off;
}

/*
 * The node key of (eco, name) in b: one byte for the ecosystem, then the
 * name as its ecosystem compares it.
 */
static void node_key(int eco, const char *name, struct rk_buf *b)
{
	rk_buf_reset(b);
	rk_buf_addc(b, (char)('0' + eco));
	if (eco != RK_ECO_PYTHON) {
		rk_buf_adds(b, name);
		return;
	}
	/* PEP 503: re.sub(r"[-_.]+", "-", name).lower() */
	for (const char *p = name; *p; p++) {
		if (*p == '-' || *p == '_' || *p == '.') {
			while (p[1] == '-' || p[1] == '_' || p[1] == '.')
				p++;
			rk_buf_addc(b, '-');
		} else if (*p >= 'A' && *p <= 'Z') {
			rk_buf_addc(b, (char)(*p - 'A' + 'a'));
		} else {
			rk_buf_addc(b, *p);
		}
	}
}

int rk_graph_find(const struct rk_graph *g, int eco, const char *name)
{
	struct rk_buf key = RK_BUF_INIT;
	size_t v;
	bool found;

	if (eco < 0 || eco >= RK_ECO_N)
		return -1;
	node_key(eco, name, &key);
	found = rk_strmap_get(&g->ids, key.data, key.len, &v);
	rk_buf_release(&key);
	return found ? (int)v : -1;
}

int rk_graph_add_node(struct rk_graph *g, int eco, const char *name, const char *group,
		      const char *source, long line, struct rk_err *err)
{
	return rk_graph_add_node_at(g, eco, name, NULL, group, source, line, err);
}

int rk_graph_add_node_at(struct rk_graph *g, int eco, const char *name, const char *path,
			 const char *group, const char *source, long line, struct rk_err *err)
{
	struct rk_buf key = RK_BUF_INIT;
	struct rk_graph_node *nd;
	bool added;
	int v, first = -1;

	node_key(eco, name, &key);
	v = (int)rk_strmap_add(&g->ids, key.data, key.len, (size_t)g->n, &added);
	rk_buf_release(&key);
	if (!added && path) {
		int u;

		for (u = v; u >= 0; u = g->nodes[u].twin) {
			const struct rk_graph_node *o = &g->nodes[u];
			if (o->path == NO_GROUP || !strcmp(str_at(g, o->path), path))
				break;
		}
		if (u < 0) { /* all have other paths: keep both */
			first = v;
			added = true;
		} else {
			v = u;
		}
	}
	if (!added) {
		const struct rk_graph_node *o = &g->nodes[v];
		return rk_err_set(err, source, line, 0,
				  "duplicate package %s:%s (already defined at %s:%ld as '%s')",
				  rk_eco_name(eco), name, o->source, o->line, str_at(g, o->name));
	}
	RK_GROW(g->nodes, g->ncap, (size_t)g->n + 1);
	v = g->n++;
	nd = &g->nodes[v];
	memset(nd, 0, sizeof(*nd));
	nd->eco = eco;
	nd->name = add_str(g, name, strlen(name));
	nd->group = group ? add_str(g, group, strlen(group)) : NO_GROUP;
	nd->manifest = NO_GROUP;
	nd->source = source;
	nd->line = line;
	nd->path = path ? add_str(g, path, strlen(path)) : NO_GROUP;
	nd->twin = -1;
	if (first >= 0) { /* second in the chain after the first */
		nd->twin = g->nodes[first].twin;
		g->nodes[first].twin = v;
		g->nodes[first].dup = nd->dup = 1;
	}
	return v;
}

void rk_graph_add_dep(struct rk_graph *g, int from, int eco, const char *name, int type, int cross,
		      long line, long col)
{
	struct rk_graph_pending *p;

	RK_GROW(g->pend, g->pendcap, g->npend + 1);
	p = &g->pend[g->npend++];
	p->from = from;
	p->eco = eco;
	p->name = add_str(g, name, strlen(name));
	p->type = (unsigned char)type;
	p->cross = (unsigned char)(cross != 0);
	p->line = line;
	p->col = col;
	p->mline = 0;
	p->path = NO_GROUP;
}

void rk_graph_set_dep_path(struct rk_graph *g, const char *path)
{
	if (g->npend)
		g->pend[g->npend - 1].path = add_str(g, path, strlen(path));
}

void rk_graph_set_dep_mline(struct rk_graph *g, long mline)
{
	if (g->npend)
		g->pend[g->npend - 1].mline = mline;
}

void rk_graph_set_manifest(struct rk_graph *g, int v, const char *manifest)
{
	g->nodes[v].manifest = add_str(g, manifest, strlen(manifest));
}

const char *rk_graph_name(const struct rk_graph *g, int v)
{
	return str_at(g, g->nodes[v].name);
}

const char *rk_graph_group(const struct rk_graph *g, int v)
{
	return g->nodes[v].group == NO_GROUP ? NULL : str_at(g, g->nodes[v].group);
}

void rk_graph_id(const struct rk_graph *g, int v, struct rk_buf *b)
{
	rk_buf_addf(b, "%s:%s", rk_eco_name(g->nodes[v].eco), rk_graph_name(g, v));
	if (g->nodes[v].dup)
		rk_buf_addf(b, "@%s", str_at(g, g->nodes[v].path));
}

const char *rk_graph_dup_path(const struct rk_graph *g, int v)
{
	return g->nodes[v].dup ? str_at(g, g->nodes[v].path) : NULL;
}

/* ---- finishing: ranks, edges, adjacency ---- */

/* Node indices by (ecosystem, name): an rk_idx_cmp over the graph. */
static int cmp_nodes(const void *ctx, int a, int b)
{
	const struct rk_graph *g = ctx;
	const struct rk_graph_node *x = &g->nodes[a], *y = &g->nodes[b];
	int c;

	if (x->eco != y->eco)
		return x->eco < y->eco ? -1 : 1;
	c = strcmp(str_at(g, x->name), str_at(g, y->name));
	if (c)
		return c;
	if (x->dup && y->dup) /* a name packages share: by path */
		return strcmp(str_at(g, x->path), str_at(g, y->path));
	/* Other equal names are duplicates, rejected earlier; keep the sort total. */
	return a < b ? -1 : a > b;
}

/*
 * Counting sort of edge indices by a key in [0, nkeys): stable, linear.
 * idx[] in, out[] out.
 */
static void sort_by(const int *key, size_t n, int nkeys, const int *idx, int *outv, int *count)
{
	memset(count, 0, sizeof(*count) * ((size_t)nkeys + 1));
	for (size_t i = 0; i < n; i++)
		count[key[idx[i]] + 1]++;
	for (int k = 0; k < nkeys; k++)
		count[k + 1] += count[k];
	for (size_t i = 0; i < n; i++)
		outv[count[key[idx[i]]]++] = idx[i];
}

int rk_graph_finish(struct rk_graph *g, unsigned edge_mask, int strict, struct rk_err *err)
{
	int n = g->n;
	size_t m = 0;
	int *tmp, *idx, *key, *count;
	int rc = 0;

	g->edge_mask = edge_mask;
	g->finished = 1;

	/* Ranks: sort by (ecosystem, name). */
	g->by_rank = rk_xmalloc(sizeof(int) * ((size_t)n + 1));
	tmp = rk_xmalloc(sizeof(int) * ((size_t)n + 1));
	for (int v = 0; v < n; v++)
		g->by_rank[v] = v;
	rk_sort_idx(g->by_rank, tmp, n, cmp_nodes, g);
	free(tmp);
	for (int r = 0; r < n; r++)
		g->nodes[g->by_rank[r]].rank = r;

	/* Resolve the pending dependencies. */
	g->edges = rk_xmalloc(sizeof(*g->edges) * (g->npend + 1));
	for (size_t i = 0; i < g->npend; i++) {
		const struct rk_graph_pending *p = &g->pend[i];
		int to = rk_graph_find(g, p->eco, str_at(g, p->name));
		if (to >= 0 && g->nodes[to].dup) {
			int u = to;
			while (p->path != NO_GROUP && u >= 0 &&
			       strcmp(str_at(g, g->nodes[u].path), str_at(g, p->path)))
				u = g->nodes[u].twin;
			if (p->path == NO_GROUP) { /* ambiguous: always an error */
				const struct rk_graph_node *f = &g->nodes[p->from];
				struct rk_buf c = RK_BUF_INIT;
				for (u = to; u >= 0; u = g->nodes[u].twin) {
					if (c.len)
						rk_buf_adds(&c, ", ");
					rk_graph_id(g, u, &c);
				}
				if (!rc)
					rc = rk_err_set(err, f->source, p->line, p->col,
							"%s:%s depends on %s:%s, a name several "
							"packages have (%s): the dependency needs "
							"their \"path\"",
							rk_eco_name(f->eco), str_at(g, f->name),
							rk_eco_name(p->eco), str_at(g, p->name),
							c.data);
				rk_buf_release(&c);
				continue;
			}
			to = u;
		}
		if (to < 0) {
			if (strict && !rc) {
				const struct rk_graph_node *f = &g->nodes[p->from];
				rc = rk_err_set(err, f->source, p->line, p->col,
						"%s:%s depends on %s:%s, which is not in the input",
						rk_eco_name(f->eco), str_at(g, f->name),
						rk_eco_name(p->eco), str_at(g, p->name));
			}
			continue;
		}
		if (!(edge_mask & RK_DEP_BIT(p->type)))
			continue; /* does not count: not kept, even as a duplicate */
		g->edges[m].from = p->from;
		g->edges[m].to = to;
		g->edges[m].type = p->type;
		g->edges[m].cross = p->cross;
		g->edges[m].mline = p->mline;
		m++;
	}
	free(g->pend);
	g->pend = NULL;
	g->npend = g->pendcap = 0;

	/*
	 * Deduplicate (from, to) keeping the strongest type, then drop the
	 * edges that do not count. Sort by (from, rank(to), type) with three
	 * stable counting sorts (least significant key first): linear.
	 */
	idx = rk_xmalloc(sizeof(int) * (m + 1));
	tmp = rk_xmalloc(sizeof(int) * (m + 1));
	key = rk_xmalloc(sizeof(int) * (m + 1));
	count = rk_xmalloc(sizeof(int) * ((size_t)(n > RK_DEP_N ? n : RK_DEP_N) + 2));
	for (size_t i = 0; i < m; i++)
		idx[i] = (int)i;
	for (size_t i = 0; i < m; i++)
		key[i] = g->edges[i].type;
	sort_by(key, m, RK_DEP_N, idx, tmp, count);
	for (size_t i = 0; i < m; i++)
		key[i] = g->nodes[g->edges[i].to].rank;
	sort_by(key, m, n, tmp, idx, count);
	for (size_t i = 0; i < m; i++)
		key[i] = g->edges[i].from;
	sort_by(key, m, n, idx, tmp, count);
	{
		struct rk_graph_edge *e = rk_xmalloc(sizeof(*e) * (m + 1));
		size_t k = 0;
		for (size_t i = 0; i < m; i++) {
			const struct rk_graph_edge *x = &g->edges[tmp[i]];
			if (k && e[k - 1].from == x->from && e[k - 1].to == x->to)
				continue; /* a weaker duplicate */
			e[k++] = *x;
		}
		/* e is sorted by (from, rank(to)) and holds counting edges only */
		m = k;
		free(g->edges);
		g->edges = e;
		g->nedges = m;
	}

	/* CSR out: edges are already grouped by from and sorted by rank(to). */
	g->out_at = rk_xcalloc((size_t)n + 1, sizeof(int));
	g->out = rk_xmalloc(sizeof(int) * (m + 1));
	for (size_t i = 0; i < m; i++) {
		g->out_at[g->edges[i].from + 1]++;
		g->out[i] = (int)i;
	}
	for (int v = 0; v < n; v++)
		g->out_at[v + 1] += g->out_at[v];

	/* CSR in: group by to, sorted by rank(from). */
	for (size_t i = 0; i < m; i++) {
		idx[i] = (int)i;
		key[i] = g->nodes[g->edges[i].from].rank;
	}
	sort_by(key, m, n, idx, tmp, count);
	for (size_t i = 0; i < m; i++)
		key[i] = g->edges[i].to;
	g->in = rk_xmalloc(sizeof(int) * (m + 1));
	sort_by(key, m, n, tmp, g->in, count);
	g->in_at = rk_xcalloc((size_t)n + 1, sizeof(int));
	for (size_t i = 0; i < m; i++)
		g->in_at[g->edges[i].to + 1]++;
	for (int v = 0; v < n; v++)
		g->in_at[v + 1] += g->in_at[v];

	free(idx);
	free(tmp);
	free(key);
	free(count);
	return rc;
}

/* ---- lookup of command-line names ---- */

/*
 * (eco, "name") as rk_graph_find, or (eco, "name@path"): the node with that
 * name and path (a name packages share); -1 when none.
 */
static int find_at(const struct rk_graph *g, int eco, const char *arg, int *bare)
{
	const char *at = strrchr(arg, '@');
	char *name;
	int v = rk_graph_find(g, eco, arg);

	*bare = v >= 0 && g->nodes[v].dup;
	if (v >= 0 || !at || at == arg)
		return v;
	name = rk_xstrndup(arg, (size_t)(at - arg));
	v = rk_graph_find(g, eco, name);
	free(name);
	while (v >= 0 && !(g->nodes[v].dup && !strcmp(str_at(g, g->nodes[v].path), at + 1)))
		v = g->nodes[v].twin;
	return v;
}

/* A name packages share, given bare: -1 with msg listing them. */
static int ambiguous(const struct rk_graph *g, const char *arg, int v, struct rk_buf *msg)
{
	rk_buf_addf(msg, "'%s' names several packages: ", arg);
	for (int u = v; u >= 0; u = g->nodes[u].twin) {
		if (u != v)
			rk_buf_adds(msg, ", ");
		rk_graph_id(g, u, msg);
	}
	rk_buf_adds(msg, "; name one as ECOSYSTEM:NAME@PATH or by its path");
	return -1;
}

static int lookup(const struct rk_graph *g, const char *arg, struct rk_buf *msg)
{
	int bare[RK_ECO_N];
	const char *colon = strchr(arg, ':');
	int found[RK_ECO_N], nfound = 0;

	rk_buf_reset(msg);
	if (colon) {
		char eco[16];
		size_t n = (size_t)(colon - arg);
		if (n < sizeof(eco)) {
			int e;
			memcpy(eco, arg, n);
			eco[n] = '\0';
			e = rk_eco_parse(eco);
			if (e >= 0) {
				int amb, v = find_at(g, e, colon + 1, &amb);
				if (v < 0)
					rk_buf_addf(msg, "no package %s in the input", arg);
				return amb ? ambiguous(g, arg, v, msg) : v;
			}
		}
	}
	for (int e = 0; e < RK_ECO_N; e++) {
		int v = find_at(g, e, arg, &bare[nfound]);
		if (v >= 0)
			found[nfound++] = v;
	}
	if (nfound == 1)
		return bare[0] ? ambiguous(g, arg, found[0], msg) : found[0];
	if (!nfound) { /* a package's path */
		for (int v = 0; v < g->n; v++)
			if (g->nodes[v].path != NO_GROUP &&
			    !strcmp(str_at(g, g->nodes[v].path), arg))
				found[nfound < RK_ECO_N ? nfound++ : 0] = v;
		if (nfound == 1)
			return found[0];
	}
	if (!nfound) {
		rk_buf_addf(msg, "no package '%s' in the input", arg);
		return -1;
	}
	rk_buf_addf(msg, "'%s' is ambiguous: ", arg);
	for (int i = 0; i < nfound; i++) {
		if (i)
			rk_buf_adds(msg, ", ");
		rk_graph_id(g, found[i], msg);
	}
	return -1;
}

int rk_graph_lookup(const struct rk_graph *g, const char *arg, struct rk_err *err)
{
	struct rk_buf msg = RK_BUF_INIT;
	int v = lookup(g, arg, &msg);

	if (v < 0) {
		/* a long list of candidates is cut short, visibly */
		if (msg.len >= sizeof(err->msg))
			memcpy(msg.data + sizeof(err->msg) - 4, "...", 4);
		rk_err_set(err, NULL, 0, 0, "%s", msg.data);
	}
	rk_buf_release(&msg);
	return v;
}

/* ---- cycles ---- */

/* " -(type, manifest:line)-> " for the edge from -> to. */
static void edge_label(const struct rk_graph *g, int from, int to, struct rk_buf *out)
{
	for (int i = g->out_at[from]; i < g->out_at[from + 1]; i++) {
		const struct rk_graph_edge *e = &g->edges[g->out[i]];
		size_t man = g->nodes[from].manifest;

		if (e->to != to)
			continue;
		rk_buf_addf(out, " -(%s", type_names[e->type]);
		if (e->cross)
			rk_buf_adds(out, ", cross_deps");
		else if (man != NO_GROUP && e->mline > 0)
			rk_buf_addf(out, ", %s:%ld", str_at(g, man), e->mline);
		else if (man != NO_GROUP)
			rk_buf_addf(out, ", %s", str_at(g, man));
		rk_buf_adds(out, ")-> ");
		return;
	}
	rk_buf_adds(out, " -> ");
}

static size_t out_count(const void *ctx, size_t v)
{
	const struct rk_graph *g = ctx;

	return (size_t)(g->out_at[v + 1] - g->out_at[v]);
}

static size_t out_to(const void *ctx, size_t v, size_t i)
{
	const struct rk_graph *g = ctx;

	return (size_t)g->edges[g->out[g->out_at[v] + (int)i]].to;
}

int rk_graph_cycles(const struct rk_graph *g, struct rk_buf *out)
{
	int n = g->n;
	int *index = rk_xmalloc(sizeof(int) * ((size_t)n + 1));
	int *low = rk_xmalloc(sizeof(int) * ((size_t)n + 1));
	int *stack = rk_xmalloc(sizeof(int) * ((size_t)n + 1));
	int *call = rk_xmalloc(sizeof(int) * ((size_t)n + 1));
	int *pos = rk_xmalloc(sizeof(int) * ((size_t)n + 1));
	unsigned char *on = rk_xcalloc((size_t)n + 1, 1);
	int *first_of = rk_xmalloc(sizeof(int) * ((size_t)n + 1)); /* rank -> comp */
	int ncyc = 0;
	size_t *comp = rk_xmalloc(sizeof(size_t) * ((size_t)n + 1));
	size_t *members = rk_xmalloc(sizeof(size_t) * ((size_t)n + 1)); /* by component */
	size_t *cstart = rk_xmalloc(sizeof(size_t) * ((size_t)n + 2));
	struct rk_topo t = {(size_t)n, out_count, out_to, g, NULL};
	int ncomp;

	for (int v = 0; v < n; v++)
		first_of[v] = -1;
	ncomp = (int)rk_topo_scc(&t, comp, members, cstart);
	/* the cycles: components of two or more, or of one with an edge to itself */
	for (int c = 0; c < ncomp; c++) {
		int size = (int)(cstart[c + 1] - cstart[c]), first = (int)members[cstart[c]];
		int selfloop = 0;

		for (size_t i = cstart[c]; i < cstart[c + 1]; i++)
			if (g->nodes[members[i]].rank < g->nodes[first].rank)
				first = (int)members[i];
		if (size == 1)
			for (int i = g->out_at[first]; i < g->out_at[first + 1]; i++)
				if (g->edges[g->out[i]].to == first)
					selfloop = 1;
		if (size > 1 || selfloop) {
			first_of[g->nodes[first].rank] = c;
			ncyc++;
		}
	}

	/*
	 * For each component, the shortest cycle through its first node:
	 * breadth-first from it inside the component (neighbours in rank order)
	 * until an edge leads back. index[] is reused as the parent, low[] as
	 * the visited mark (component id + 1), stack[] as the queue.
	 */
	for (int v = 0; v < n; v++)
		low[v] = 0;
	for (int rank = 0; rank < n; rank++) {
		int head = 0, tail = 0, last = -1, len = 0, more = 0;
		int s = g->by_rank[rank], cid = first_of[rank];
		if (cid < 0)
			continue;
		stack[tail++] = s;
		low[s] = cid + 1;
		index[s] = -1;
		while (head < tail && last < 0) {
			int u = stack[head++];
			for (int i = g->out_at[u]; i < g->out_at[u + 1]; i++) {
				int w = g->edges[g->out[i]].to;
				if (w == s) {
					last = u;
					break;
				}
				if (comp[w] != (size_t)cid || low[w] == cid + 1)
					continue;
				low[w] = cid + 1;
				index[w] = u;
				stack[tail++] = w;
			}
		}
		/* Path s .. last, reversed through the parents into call[]. */
		for (int u = last; u >= 0; u = index[u])
			call[len++] = u;
		for (int i = len - 1; i >= 0; i--) {
			int to = i ? call[i - 1] : s;

			rk_graph_id(g, call[i], out);
			edge_label(g, call[i], to, out);
			on[call[i]] = 1; /* shown */
		}
		rk_graph_id(g, s, out);
		/* The rest of the component, in rank order. */
		for (size_t i = cstart[cid]; i < cstart[cid + 1]; i++)
			if (!on[members[i]])
				call[more++] = (int)members[i];
		if (more) {
			int shown = 0;
			rk_sort_idx(call, pos, more, cmp_nodes, g);
			rk_buf_adds(out, " (same cycle group: ");
			for (int i = 0; i < more; i++) {
				int v = call[i];
				if (shown == 10) {
					rk_buf_addf(out, ", and %d more", more - shown);
					break;
				}
				if (shown++)
					rk_buf_adds(out, ", ");
				rk_graph_id(g, v, out);
			}
			rk_buf_adds(out, ")");
		}
		rk_buf_addc(out, '\n');
	}

	free(index);
	free(low);
	free(comp);
	free(stack);
	free(call);
	free(pos);
	free(on);
	free(first_of);
	free(members);
	free(cstart);
	return ncyc;
}

/* ---- levels and order ---- */

int rk_graph_levels(const struct rk_graph *g, const unsigned char *sel, int *level, int *order,
		    int *seq)
{
	size_t n = (size_t)g->n, nlev;
	struct rk_topo t = {n, out_count, out_to, g, sel};
	size_t *by_rank = rk_xmalloc(sizeof(size_t) * (n + 1));
	size_t *sq = rk_xmalloc(sizeof(size_t) * (n + 1));
	long *lv = rk_xmalloc(sizeof(long) * (n + 1));

	/* Kahn's levels inside the selection; the order: by level, then rank */
	for (size_t r = 0; r < n; r++)
		by_rank[r] = (size_t)g->by_rank[r];
	nlev = rk_topo_levels(&t, by_rank, lv, sq);
	for (size_t v = 0; v < n; v++) {
		level[v] = (int)lv[v];
		order[v] = -1;
	}
	for (size_t i = 0; i < nlev; i++) {
		seq[i] = (int)sq[i];
		order[sq[i]] = (int)i;
	}
	free(by_rank);
	free(sq);
	free(lv);
	/* fewer than the selection only on a cycle, which callers rule out first */
	return (int)nlev;
}

/* ---- reachability and paths ---- */

void rk_graph_reach(const struct rk_graph *g, int start, int reverse, int maxdepth, int *dist)
{
	int *queue = rk_xmalloc(sizeof(int) * ((size_t)g->n + 1));
	int head = 0, tail = 0;
	const int *at = reverse ? g->in_at : g->out_at;
	const int *adj = reverse ? g->in : g->out;

	for (int v = 0; v < g->n; v++)
		dist[v] = -1;
	dist[start] = 0;
	queue[tail++] = start;
	while (head < tail) {
		int u = queue[head++];
		if (maxdepth >= 0 && dist[u] >= maxdepth)
			continue;
		for (int i = at[u]; i < at[u + 1]; i++) {
			const struct rk_graph_edge *e = &g->edges[adj[i]];
			int w = reverse ? e->from : e->to;
			if (dist[w] >= 0)
				continue;
			dist[w] = dist[u] + 1;
			queue[tail++] = w;
		}
	}
	free(queue);
}

int rk_graph_path(const struct rk_graph *g, int a, int b, int *path)
{
	int *parent = rk_xmalloc(sizeof(int) * ((size_t)g->n + 1));
	int *queue = rk_xmalloc(sizeof(int) * ((size_t)g->n + 1));
	int head = 0, tail = 0, len = 0, found = a == b;

	for (int v = 0; v < g->n; v++)
		parent[v] = -2;
	parent[a] = -1;
	queue[tail++] = a;
	while (head < tail && !found) {
		int u = queue[head++];
		for (int i = g->out_at[u]; i < g->out_at[u + 1]; i++) {
			int w = g->edges[g->out[i]].to;
			if (parent[w] != -2)
				continue;
			parent[w] = u;
			if (w == b) {
				found = 1;
				break;
			}
			queue[tail++] = w;
		}
	}
	if (found) {
		for (int v = b; v >= 0; v = parent[v])
			queue[len++] = v;
		for (int i = 0; i < len; i++)
			path[i] = queue[len - 1 - i];
	}
	free(parent);
	free(queue);
	return len;
}
