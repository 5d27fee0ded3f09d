/* rk_graph_record.c - a package record into the dependency graph (see the header). */
#include "rk_common.h"
#include "rk_graph.h"
#include "rk_graph_record.h"
#include "rk_json.h"
#include "rk_record.h"

/* What rk-graph needs of a package record (rk_record_need). */
static const char *const needs[] = {"name", "ecosystem", "deps[].name", NULL};

long rk_graph_record_col(const struct rk_json *d, int t)
{
	return t >= 0 ? (long)d->tok[t].start + 1 : 0;
}

struct where {
	struct rk_err *err;
	const struct rk_json *d;
	const char *source;
	long line;
};

__attribute__((format(printf, 3, 4))) static int bad(const struct where *w, int t, const char *fmt,
						     ...)
{
	char msg[RK_ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return rk_err_set(w->err, w->source, w->line, rk_graph_record_col(w->d, t),
			  "package record: %s", msg);
}

int rk_graph_add_record(struct rk_graph *g, const struct rk_json *d, const char *source, long line,
			struct rk_err *err)
{
	const struct where w = {err, d, source, line};
	int tname = rk_json_get(d, 0, "name"), teco = rk_json_get(d, 0, "ecosystem");
	int tgroup = rk_json_get(d, 0, "group"), tdeps = rk_json_get(d, 0, "deps");
	const char *name = rk_json_str(d, tname), *group = NULL;
	int eco, v;

	if (rk_record_need(d, source, line, needs, err))
		return -1;
	if (!name || !*name)
		return bad(&w, tname >= 0 ? tname : 0, "\"name\" must be a non-empty string");
	if (strlen(name) != rk_json_strlen(d, tname))
		return bad(&w, tname, "\"name\" must not contain a NUL character");
	eco = rk_eco_parse(rk_json_str(d, teco));
	if (eco < 0)
		return bad(&w, teco, "\"ecosystem\" must be python, npm or cargo");
	if (tgroup >= 0 && rk_json_type(d, tgroup) != RK_JSON_NULL) {
		group = rk_json_str(d, tgroup);
		if (!group)
			return bad(&w, tgroup, "\"group\" must be a string");
	}
	if (tdeps >= 0 && rk_json_type(d, tdeps) != RK_JSON_ARRAY)
		return bad(&w, tdeps, "\"deps\" must be an array");

	v = rk_graph_add_node_at(g, eco, name, rk_json_get_str(d, 0, "path"), group, source, line,
				 err);
	if (v < 0)
		return -1;
	if (rk_json_get_str(d, 0, "manifest"))
		rk_graph_set_manifest(g, v, rk_json_get_str(d, 0, "manifest"));

	for (int e = rk_json_first(d, tdeps), i = 0; e >= 0; e = rk_json_next(d, e), i++) {
		int tn = rk_json_get(d, e, "name"), te = rk_json_get(d, e, "ecosystem");
		int tt = rk_json_get(d, e, "type"), tc = rk_json_get(d, e, "cross");
		int tl = rk_json_get(d, e, "line");
		const char *dn = rk_json_str(d, tn);
		int deco = eco, type = RK_DEP_NORMAL, cross = 0;

		if (rk_json_type(d, e) != RK_JSON_OBJECT)
			return bad(&w, e, "\"deps\"[%d] must be an object", i);
		if (!dn || !*dn)
			return bad(&w, tn >= 0 ? tn : e,
				   "\"deps\"[%d]: \"name\" must be a non-empty string", i);
		if (strlen(dn) != rk_json_strlen(d, tn))
			return bad(&w, tn,
				   "\"deps\"[%d]: \"name\" must not contain a NUL character", i);
		if (te >= 0)
			deco = rk_eco_parse(rk_json_str(d, te));
		if (deco < 0)
			return bad(&w, te,
				   "\"deps\"[%d]: \"ecosystem\" must be python, npm or cargo", i);
		if (tt >= 0)
			type = rk_dep_type_parse(rk_json_str(d, tt));
		if (type < 0)
			return bad(
				&w, tt,
				"\"deps\"[%d]: \"type\" must be normal, dev, build, optional or peer",
				i);
		if (tc >= 0)
			cross = rk_json_bool(d, tc);
		if (cross < 0)
			return bad(&w, tc, "\"deps\"[%d]: \"cross\" must be true or false", i);
		rk_graph_add_dep(g, v, deco, dn, type, cross, line, rk_graph_record_col(d, e));
		if (rk_json_get_str(d, e, "path"))
			rk_graph_set_dep_path(g, rk_json_get_str(d, e, "path"));
		if (tl >= 0) {
			long long ml;

			if (rk_json_int(d, tl, &ml) < 0 || ml < 1)
				return bad(&w, tl,
					   "\"deps\"[%d]: \"line\" must be a positive integer", i);
			rk_graph_set_dep_mline(g, (long)ml);
		}
	}
	return v;
}
