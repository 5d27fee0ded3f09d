/* cmd/rk-graph/graphtool.c - the work of rk-graph(1) (see graphtool.h). */
#include "rk_common.h"
#include "graphtool.h"
#include "rk_config.h"
#include "rk_graph.h"
#include "rk_graph_record.h"
#include "rk_json.h"
#include "rk_render.h"
#include <errno.h>
#include <sys/stat.h>

/* One input record, kept to be written back in order. */
struct rec {
	size_t off, len; /* the line in st->text */
	size_t close;	 /* package: offset of its closing '}' within the line */
	int node;	 /* package: node index; other kinds: -1 */
	int rewrite;	 /* package already has level/order/depth: rewrite keys */
};

struct state {
	const struct rk_graphtool *o;
	unsigned cfg_edges; /* from a release_train config record's order_edges; 0 none */
	struct rk_graph g;
	struct rk_buf text; /* every record's line, back to back */
	struct rec *recs;
	size_t nrec, reccap;
	struct rk_err err;
};
/* Read one package record into the graph. Returns 0, or -1 with st->err. */
static int add_package(struct state *st, const struct rk_ndjson *r, struct rec *rec)
{
	const struct rk_json *d = &r->doc;

	rec->node = rk_graph_add_record(&st->g, d, r->source, r->line, &st->err);
	if (rec->node < 0)
		return -1;
	rec->rewrite = rk_json_get(d, 0, "level") >= 0 || rk_json_get(d, 0, "order") >= 0 ||
		       rk_json_get(d, 0, "depth") >= 0;
	rec->close = (size_t)d->tok[0].end - 1; /* the object's '}' */
	return 0;
}

/*
 * A release_train config record's "order_edges" (the dependency types that
 * order a release); the record is first checked whole by rk-config's rule
 * table (rk_cfg_record_check). Returns 0, or -1 with st->err.
 */
static int config_edges(struct state *st, const struct rk_ndjson *r)
{
	const struct rk_json *d = &r->doc;
	const char *rule = rk_json_get_str(d, 0, "rule");
	int t = rk_json_get(d, 0, "order_edges");
	struct rk_buf list = RK_BUF_INIT;
	struct rk_err perr;
	unsigned mask;
	int rc = 0;

	if (!rule || strcmp(rule, "release_train") != 0)
		return 0;
	/* the types and values rk-config allows (its rule table), as rk-plan checks them */
	if (rk_cfg_record_check(d, 0, r->source, r->line, &st->err) < 0)
		return -1;
	if (t < 0 || rk_json_type(d, t) == RK_JSON_NULL)
		return 0;
	if (rk_json_type(d, t) != RK_JSON_ARRAY)
		return rk_err_set(&st->err, r->source, r->line, rk_graph_record_col(d, t),
				  "config record: \"order_edges\" must be a list of strings");
	for (int e = rk_json_first(d, t); e >= 0; e = rk_json_next(d, e)) {
		if (!rk_json_str(d, e)) {
			rc = rk_err_set(&st->err, r->source, r->line, rk_graph_record_col(d, e),
					"config record: \"order_edges\" must be a list of strings");
			goto out;
		}
		rk_buf_addf(&list, "%s%s", list.len ? "," : "", rk_json_str(d, e));
	}
	if (!list.len) {
		st->cfg_edges = 0;
		goto out;
	}
	if (rk_dep_mask_parse(list.data, &mask, &perr) < 0) {
		rc = rk_err_set(&st->err, r->source, r->line, 0, "release_train order_edges: %s",
				perr.msg);
		goto out;
	}
	st->cfg_edges = mask;
out:
	rk_buf_release(&list);
	return rc;
}

/* The dependency types that count: --edges, else the config, else the default. */
static unsigned edge_mask(const struct state *st)
{
	unsigned m = st->o->edges    ? st->o->edges
		     : st->cfg_edges ? st->cfg_edges
				     : RK_GRAPH_EDGES_DEFAULT;

	if (st->o->include_dev)
		m |= RK_DEP_BIT(RK_DEP_DEV);
	return m;
}

/* Read every input. Returns 0, or an exit code after printing the error. */
static int read_input(struct state *st)
{
	const struct rk_graphtool *o = st->o;
	int nsrc = o->nfiles ? o->nfiles : 1;

	for (int s = 0; s < nsrc; s++) {
		const char *path = o->nfiles ? o->files[s] : "-";
		int stdin_src = !strcmp(path, "-");
		FILE *fp = stdin_src ? stdin : rk_fopen_regular(path);
		struct rk_ndjson r;
		int rc;

		struct stat sb;

		if (!fp) {
			rk_error("cannot %s %s: %s", errno == EISDIR ? "read" : "open", path,
				 rk_strerror(errno));
			return RK_EXIT_USAGE;
		}
		if (fstat(fileno(fp), &sb) == 0 && S_ISDIR(sb.st_mode)) {
			rk_error("cannot read %s: %s", stdin_src ? "<stdin>" : path,
				 strerror(EISDIR));
			if (!stdin_src)
				fclose(fp);
			return RK_EXIT_USAGE;
		}
		rk_ndjson_init(&r, fp, stdin_src ? "<stdin>" : path);
		while ((rc = rk_ndjson_next(&r)) > 0) {
			struct rec *rec;
			RK_GROW(st->recs, st->reccap, st->nrec + 1);
			rec = &st->recs[st->nrec++];
			memset(rec, 0, sizeof(*rec));
			rec->off = st->text.len;
			rec->len = r.text.len;
			rec->node = -1;
			rk_buf_add(&st->text, r.text.data, r.text.len);
			if (!strcmp(r.kind, "package") && add_package(st, &r, rec) < 0) {
				rc = -2;
				break;
			}
			if (!strcmp(r.kind, "config") && config_edges(st, &r) < 0) {
				rc = -2;
				break;
			}
		}
		if (rc == -1 && ferror(fp)) { /* an I/O error, not bad input */
			int e = errno;

			rk_ndjson_release(&r);
			if (!stdin_src)
				fclose(fp);
			rk_error("cannot read %s: %s", stdin_src ? "<stdin>" : path, strerror(e));
			return RK_EXIT_USAGE;
		}
		if (rc == -1)
			st->err = r.err;
		rk_ndjson_release(&r);
		if (!stdin_src)
			fclose(fp);
		if (rc < 0) {
			rk_err_print(&st->err);
			return RK_EXIT_INPUT;
		}
	}
	return 0;
}

static int lookup(struct state *st, const char *opt, const char *arg)
{
	struct rk_err err;
	int v = rk_graph_lookup(&st->g, arg, &err);

	if (v < 0)
		rk_error("%s: %s", opt, err.msg);
	return v;
}

/* Write package record rec with level/order (and depth when >= 0). */
static void emit_package(struct state *st, const struct rec *rec, int level, int order, int depth,
			 struct rk_json *doc, struct rk_buf *out)
{
	const char *line = st->text.data + rec->off;

	rk_buf_reset(out);
	if (!rec->rewrite) {
		rk_buf_add(out, line, rec->close);
	} else {
		struct rk_jw w;
		struct rk_err err;
		/* Parsed once already: cannot fail. */
		if (rk_json_parse(doc, line, rec->len, "<record>", 1, &err) < 0)
			rk_die_err(&err);
		rk_jw_init(&w, out);
		rk_jw_obj(&w);
		for (int k = rk_json_first(doc, 0); k >= 0; k = rk_json_next(doc, k)) {
			const char *key = rk_json_str(doc, k);
			size_t n;
			const char *raw;
			if (!strcmp(key, "level") || !strcmp(key, "order") || !strcmp(key, "depth"))
				continue;
			raw = rk_json_raw(doc, rk_json_value(doc, k), &n);
			rk_jw_key(&w, key);
			rk_jw_raw(&w, raw, n);
		}
		/* Drop the '}' the writer would close with: append ours below. */
		rk_jw_obj_end(&w);
		rk_buf_truncate(out, out->len - 1);
	}
	rk_buf_addf(out, ",\"level\":%d,\"order\":%d", level, order);
	if (depth >= 0)
		rk_buf_addf(out, ",\"depth\":%d", depth);
	rk_buf_addc(out, '}');
	rk_record_emit(out);
}

static int run(struct state *st)
{
	const struct rk_graphtool *o = st->o;
	struct rk_graph *g = &st->g;
	struct rk_buf buf = RK_BUF_INIT;
	struct rk_json doc = RK_JSON_INIT;
	unsigned char *sel = NULL;
	int *level = NULL, *order = NULL, *seq = NULL, *depth = NULL;
	int rc, n, nsel;
	int from = -1, to = -1;

	rc = read_input(st);
	if (rc)
		return rc;
	if (rk_graph_finish(g, edge_mask(st), o->strict, &st->err) < 0) {
		rk_err_print(&st->err);
		return RK_EXIT_INPUT;
	}
	if (rk_graph_cycles(g, &buf)) {
		for (char *p = buf.data, *nl; (nl = strchr(p, '\n')); p = nl + 1) {
			*nl = '\0';
			rk_error("cycle: %s", p);
		}
		rk_buf_release(&buf);
		return RK_EXIT_INPUT;
	}

	n = g->n;
	sel = rk_xmalloc((size_t)n + 1);
	level = rk_xmalloc(sizeof(int) * ((size_t)n + 1));
	order = rk_xmalloc(sizeof(int) * ((size_t)n + 1));
	seq = rk_xmalloc(sizeof(int) * ((size_t)n + 1));
	for (int v = 0; v < n; v++)
		sel[v] = (o->ecosystem < 0 || g->nodes[v].eco == o->ecosystem) &&
			 (!o->group ||
			  (rk_graph_group(g, v) && !strcmp(rk_graph_group(g, v), o->group)));

	if (o->deps || o->rdeps) {
		int start =
			lookup(st, o->deps ? "--deps" : "--rdeps", o->deps ? o->deps : o->rdeps);
		if (start < 0) {
			rc = RK_EXIT_USAGE;
			goto out;
		}
		depth = rk_xmalloc(sizeof(int) * ((size_t)n + 1));
		rk_graph_reach(g, start, o->rdeps != NULL, o->depth, depth);
	} else if (o->path_from) {
		int len;

		from = lookup(st, "--path", o->path_from);
		to = from < 0 ? -1 : lookup(st, "--path", o->path_to);
		if (from < 0 || to < 0) {
			rc = RK_EXIT_USAGE;
			goto out;
		}
		depth = rk_xmalloc(sizeof(int) * ((size_t)n + 1));
		for (int v = 0; v < n; v++)
			depth[v] = -1;
		len = rk_graph_path(g, from, to, seq);
		if (!len) {
			rk_buf_reset(&buf);
			rk_graph_id(g, from, &buf);
			rk_buf_adds(&buf, " to ");
			rk_graph_id(g, to, &buf);
			rk_error("no dependency path from %s", buf.data);
			rc = RK_EXIT_FAIL;
			goto out;
		}
		for (int i = 0; i < len; i++)
			depth[seq[i]] = i;
	}
	if (depth)
		for (int v = 0; v < n; v++)
			if (depth[v] < 0)
				sel[v] = 0;

	nsel = rk_graph_levels(g, sel, level, order, seq);
	if (!nsel && o->group)
		rk_warn("no package in group '%s'", o->group);

	if (o->format == RK_FMT_RECORDS) {
		for (size_t i = 0; i < st->nrec; i++) {
			const struct rec *rec = &st->recs[i];
			if (rec->node < 0) {
				rk_out(st->text.data + rec->off, rec->len);
				rk_out("\n", 1);
			} else if (sel[rec->node]) {
				emit_package(st, rec, level[rec->node], order[rec->node],
					     depth ? depth[rec->node] : -1, &doc, &buf);
			}
		}
	} else {
		struct rk_view view = {g, nsel, seq, level, order};
		rk_buf_reset(&buf);
		rk_render(&view, o->format, &buf);
		rk_out(buf.data, buf.len);
	}
	rc = RK_EXIT_OK;
out:
	free(sel);
	free(level);
	free(order);
	free(seq);
	free(depth);
	rk_buf_release(&buf);
	rk_json_release(&doc);
	return rc;
}

int rk_graphtool_run(const struct rk_graphtool *o)
{
	struct state st;
	int rc;

	memset(&st, 0, sizeof(st));
	st.o = o;
	rk_graph_init(&st.g);
	rc = run(&st);
	rk_graph_release(&st.g);
	rk_buf_release(&st.text);
	free(st.recs);
	return rc;
}
