/*
 * rk_sched.c - the scheduler's intake: action and hook records in, the DAG
 * checked (rk_sched.h). The run itself is rk-exec's (cmd/rk-exec/).
 */
#include "rk_common.h"
#include "rk_record.h"
#include "rk_sched_int.h"
#include "rk_topo.h"

/* ---- small helpers ---- */

/* The index of the action with this id, or -1. */
static int find(const struct rk_sched *s, const char *id)
{
	size_t v;

	return rk_strmap_get(&s->ids, id, strlen(id), &v) ? (int)v : -1;
}

void rk_sched_free_strv(char **v)
{
	char **p;
	if (!v)
		return;
	for (p = v; *p; p++)
		free(*p);
	free(v);
}

/* A JSON array of strings to a NULL-terminated vector; -1 if not one. */
static int strv_from(const struct rk_json *d, int t, char ***out, size_t *n, int nonempty)
{
	size_t i = 0;
	int e;

	*out = NULL;
	if (n)
		*n = 0;
	if (rk_json_type(d, t) != RK_JSON_ARRAY)
		return -1;
	if (nonempty && rk_json_len(d, t) == 0)
		return -1;
	for (e = rk_json_first(d, t); e >= 0; e = rk_json_next(d, e))
		if (rk_json_type(d, e) != RK_JSON_STRING ||
		    strlen(rk_json_str(d, e)) != rk_json_strlen(d, e))
			return -1;
	*out = rk_xcalloc((size_t)rk_json_len(d, t) + 1, sizeof(char *));
	for (e = rk_json_first(d, t); e >= 0; e = rk_json_next(d, e))
		(*out)[i++] = rk_xstrdup(rk_json_str(d, e));
	if (n)
		*n = i;
	return 0;
}

static char *opt_str(const struct rk_json *d, int obj, const char *key)
{
	const char *v = rk_json_get_str(d, obj, key);
	return v ? rk_xstrdup(v) : NULL;
}

struct rk_sched *rk_sched_new(const struct rk_sched_opts *opts)
{
	struct rk_sched *s = rk_xcalloc(1, sizeof(*s));
	s->o = *opts;
	if (s->o.jobs <= 0)
		s->o.jobs = 1;
	if (s->o.default_retries < 0)
		s->o.default_retries = 2;
	if (s->o.backoff_base_ms <= 0)
		s->o.backoff_base_ms = 1000;
	if (s->o.backoff_max_ms <= 0)
		s->o.backoff_max_ms = 60000;
	if (s->o.kill_grace_s <= 0)
		s->o.kill_grace_s = 5;
	rk_buf_init(&s->tmpdir);
	rk_buf_init(&s->ev);
	rk_buf_init(&s->ctmp);
	rk_mask_init(&s->mask);
	return s;
}

static void act_free(struct act *a)
{
	free(a->id);
	free(a->type);
	free(a->package);
	free(a->key);
	free(a->resource);
	free(a->cwd);
	free(a->record);
	rk_sched_free_strv(a->argv);
	rk_sched_free_strv(a->env);
	rk_sched_free_strv(a->outputs);
	rk_sched_free_strv(a->depnames);
	free(a->retry_codes);
	free(a->deps);
	free(a->rdeps);
}

void rk_sched_free(struct rk_sched *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->n; i++)
		act_free(&s->a[i]);
	free(s->a);
	rk_strmap_release(&s->ids);
	for (i = 0; i < s->nhooks; i++) {
		free(s->hooks[i].name);
		rk_sched_free_strv(s->hooks[i].events);
		rk_sched_free_strv(s->hooks[i].argv);
	}
	free(s->hooks);
	free(s->config_remote);
	free(s->self);
	for (i = 0; i < s->nupload; i++)
		free(s->upload[i]);
	free(s->upload);
	free(s->ready);
	free(s->running);
	free(s->resource_count);
	rk_buf_release(&s->tmpdir);
	rk_buf_release(&s->ev);
	rk_buf_release(&s->ctmp);
	rk_mask_release(&s->mask);
	free(s);
}

/* ---- input ---- */

/* What rk-exec needs of a hook rule (rk_record_need). */
static const char *const hook_needs[] = {"name", "events", "handler", NULL};

static int add_hook(struct rk_sched *s, const struct rk_ndjson *r, struct rk_err *err)
{
	const struct rk_json *d = &r->doc;
	struct hook h = {0};
	const char *name = rk_json_get_str(d, 0, "name");
	int t;

	if (rk_record_need(d, r->source, r->line, hook_needs, err) != 0)
		return -1;
	if (!name)
		return rk_err_set(err, r->source, r->line, 0, "hook: \"name\" must be a string");
	if (strv_from(d, rk_json_get(d, 0, "events"), &h.events, &h.nevents, 1) != 0)
		return rk_err_set(err, r->source, r->line, 0,
				  "hook '%s': \"events\" must be a non-empty array of strings",
				  name);
	t = rk_json_get(d, 0, "handler");
	if (strv_from(d, t, &h.argv, NULL, 1) != 0) {
		rk_sched_free_strv(h.events);
		return rk_err_set(err, r->source, r->line, 0,
				  "hook '%s': \"handler\" must be a non-empty argv array", name);
	}
	t = rk_json_get(d, 0, "timeout_s");
	if (t >= 0 && (rk_json_double(d, t, &h.timeout_s) != 0 || h.timeout_s < 0)) {
		rk_sched_free_strv(h.events);
		rk_sched_free_strv(h.argv);
		return rk_err_set(err, r->source, r->line, 0,
				  "hook '%s': \"timeout_s\" must be a non-negative number", name);
	}
	h.name = rk_xstrdup(name);
	RK_GROW(s->hooks, s->hookcap, s->nhooks + 1);
	s->hooks[s->nhooks++] = h;
	return 0;
}

static int bad(struct rk_err *err, const struct rk_ndjson *r, const char *id, const char *what)
{
	if (id)
		return rk_err_set(err, r->source, r->line, 0, "action '%s': %s", id, what);
	return rk_err_set(err, r->source, r->line, 0, "action: %s", what);
}

/* What rk-exec needs of an action record (rk_record_need). */
static const char *const action_needs[] = {"id", "type", "key", "deps", NULL};

int rk_sched_add(struct rk_sched *s, const struct rk_ndjson *r, struct rk_err *err)
{
	const struct rk_json *d = &r->doc;
	struct act a;
	const char *id, *type, *key;
	int t, e;

	s->source = r->source;
	if (strcmp(r->kind, "config") == 0) {
		const char *rule = rk_json_get_str(d, 0, "rule");
		if (rule && strcmp(rule, "hook") == 0)
			return add_hook(s, r, err) == 0 ? 0 : -1;
		if (rule && strcmp(rule, "release_train") == 0) {
			const char *u = rk_json_get_str(d, 0, "remote_cache");
			if (u && *u) {
				free(s->config_remote);
				s->config_remote = rk_xstrdup(u);
			}
		}
		return 0;
	}
	if (strcmp(r->kind, "action") != 0)
		return 0;

	memset(&a, 0, sizeof(a));
	a.max_retries = -1;
	a.line = r->line;
	if (rk_record_need(d, r->source, r->line, action_needs, err))
		return -1;
	id = rk_json_get_str(d, 0, "id");
	if (!id || !*id)
		return bad(err, r, NULL, "\"id\" must be a non-empty string");
	type = rk_json_get_str(d, 0, "type");
	if (!type || !*type)
		return bad(err, r, id, "\"type\" must be a non-empty string");
	key = rk_json_get_str(d, 0, "key");
	if (!rk_cache_is_hex(key))
		return bad(err, r, id, "\"key\" must be 64 lowercase hex digits (SHA-256)");
	if (strv_from(d, rk_json_get(d, 0, "deps"), &a.depnames, &a.ndeps, 0) != 0)
		return bad(err, r, id, "\"deps\" must be an array of action ids");
	t = rk_json_get(d, 0, "argv");
	if (t >= 0 && strv_from(d, t, &a.argv, NULL, 1) != 0) {
		act_free(&a);
		return bad(err, r, id, "\"argv\" must be a non-empty array of strings");
	}
	t = rk_json_get(d, 0, "env");
	if (t >= 0) {
		size_t i = 0;
		if (rk_json_type(d, t) != RK_JSON_OBJECT) {
			act_free(&a);
			return bad(err, r, id, "\"env\" must be an object of strings");
		}
		a.env = rk_xcalloc((size_t)rk_json_len(d, t) + 1, sizeof(char *));
		for (e = rk_json_first(d, t); e >= 0; e = rk_json_next(d, e)) {
			int v = rk_json_value(d, e);
			const char *k = rk_json_str(d, e);
			struct rk_buf kv = RK_BUF_INIT;
			if (rk_json_type(d, v) != RK_JSON_STRING || !*k || strchr(k, '=') ||
			    strlen(k) != rk_json_strlen(d, e) ||
			    strlen(rk_json_str(d, v)) != rk_json_strlen(d, v)) {
				act_free(&a);
				return bad(err, r, id,
					   "\"env\" must map variable names (no '=') to strings");
			}
			rk_buf_addf(&kv, "%s=%s", k, rk_json_str(d, v));
			a.env[i++] = rk_buf_detach(&kv, NULL);
		}
		a.nenv = i;
	}
	t = rk_json_get(d, 0, "cwd");
	if (t >= 0 && rk_json_type(d, t) != RK_JSON_STRING) {
		act_free(&a);
		return bad(err, r, id, "\"cwd\" must be a string");
	}
	t = rk_json_get(d, 0, "timeout_s");
	if (t >= 0 && (rk_json_double(d, t, &a.timeout_s) != 0 || a.timeout_s < 0)) {
		act_free(&a);
		return bad(err, r, id, "\"timeout_s\" must be a non-negative number");
	}
	t = rk_json_get(d, 0, "max_retries");
	if (t >= 0) {
		long long v;
		if (rk_json_int(d, t, &v) != 0 || v < 0 || v > 100) {
			act_free(&a);
			return bad(err, r, id, "\"max_retries\" must be an integer from 0 to 100");
		}
		a.max_retries = (int)v;
	}
	t = rk_json_get(d, 0, "retryable_exit_codes");
	if (t >= 0) {
		if (rk_json_type(d, t) != RK_JSON_ARRAY) {
			act_free(&a);
			return bad(err, r, id,
				   "\"retryable_exit_codes\" must be an array of integers");
		}
		a.has_retry_codes = 1;
		a.retry_codes = rk_xcalloc((size_t)rk_json_len(d, t) + 1, sizeof(int));
		for (e = rk_json_first(d, t); e >= 0; e = rk_json_next(d, e)) {
			long long v;
			if (rk_json_int(d, e, &v) != 0 || v < 0 || v > 255) {
				act_free(&a);
				return bad(
					err, r, id,
					"\"retryable_exit_codes\" must be integers from 0 to 255");
			}
			a.retry_codes[a.nretry_codes++] = (int)v;
		}
	}
	t = rk_json_get(d, 0, "outputs");
	if (t >= 0 && strv_from(d, t, &a.outputs, NULL, 0) != 0) {
		act_free(&a);
		return bad(err, r, id, "\"outputs\" must be an array of paths");
	}
	for (char **o = a.outputs; o && *o; o++)
		if (!rk_path_safe(*o)) {
			struct rk_buf m = RK_BUF_INIT;
			rk_buf_addf(&m,
				    "\"outputs\": '%s' is not a relative path inside the "
				    "repository (no '..', '.', empty or leading '/' components)",
				    *o);
			act_free(&a);
			bad(err, r, id, m.data);
			rk_buf_release(&m);
			return -1;
		}
	t = rk_json_get(d, 0, "resource");
	if (t >= 0 && rk_json_type(d, t) != RK_JSON_STRING) {
		act_free(&a);
		return bad(err, r, id, "\"resource\" must be a string");
	}
	e = find(s, id);
	if (e >= 0) {
		act_free(&a);
		return rk_err_set(err, r->source, r->line, 0,
				  "duplicate action id '%s' (first on line %ld)", id, s->a[e].line);
	}
	a.id = rk_xstrdup(id);
	a.type = rk_xstrdup(type);
	a.key = rk_xstrdup(key);
	a.package = opt_str(d, 0, "package");
	a.cwd = opt_str(d, 0, "cwd");
	a.resource = opt_str(d, 0, "resource");
	a.ex = rk_executor_find(type);
	if (a.ex && !a.argv)
		a.record = rk_xstrndup(r->text.data, r->text.len);
	RK_GROW(s->a, s->cap, s->n + 1);
	s->a[s->n] = a;
	rk_strmap_put(&s->ids, a.id, strlen(a.id), s->n);
	s->n++;
	return 1;
}

/*
 * Heights for the ready queue's priority: with unknown durations, starting
 * the action with the longest chain of dependents first keeps the critical
 * path moving (a list-scheduling heuristic). Kahn's order, then backwards.
 */
static size_t dep_count(const void *ctx, size_t v)
{
	return ((const struct rk_sched *)ctx)->a[v].ndeps;
}

static size_t dep_at(const void *ctx, size_t v, size_t i)
{
	return (size_t)((const struct rk_sched *)ctx)->a[v].deps[i];
}

/* order: dependencies first (rk_topo_dfs), so walked backwards dependents come first */
static void compute_heights(struct rk_sched *s, const size_t *order)
{
	size_t i = s->n, k;

	while (i > 0) {
		struct act *a = &s->a[order[--i]];
		a->height = 1;
		for (k = 0; k < a->nrdeps; k++)
			if (s->a[a->rdeps[k]].height + 1 > a->height)
				a->height = s->a[a->rdeps[k]].height + 1;
	}
}

int rk_sched_validate(struct rk_sched *s, struct rk_err *err)
{
	size_t i, k, *order;
	struct rk_topo t = {s->n, dep_count, dep_at, s, NULL};
	struct rk_topo_cycle cy = {0};
	const char *src = s->source ? s->source : "<stdin>";

	for (i = 0; i < s->n; i++) {
		struct act *a = &s->a[i];
		a->deps = rk_xcalloc(a->ndeps + 1, sizeof(int));
		for (k = 0; k < a->ndeps; k++) {
			int j = find(s, a->depnames[k]);
			if (j < 0)
				return rk_err_set(err, src, a->line, 0,
						  "action '%s': unknown dependency '%s'", a->id,
						  a->depnames[k]);
			if ((size_t)j == i)
				return rk_err_set(err, src, a->line, 0,
						  "action '%s' depends on itself", a->id);
			a->deps[k] = j;
			RK_GROW(s->a[j].rdeps, s->a[j].rdcap, s->a[j].nrdeps + 1);
			s->a[j].rdeps[s->a[j].nrdeps++] = (int)i;
		}
	}
	/* a cycle: "A -> B -> A", at the latest line of its actions */
	order = rk_xcalloc(s->n + 1, sizeof(size_t));
	if (rk_topo_dfs(&t, 0, order, &cy) < 0) {
		struct rk_buf path = RK_BUF_INIT;
		long line = 0;

		for (i = 0; i < cy.n; i++) {
			rk_buf_addf(&path, "%s -> ", s->a[cy.v[i]].id);
			if (s->a[cy.v[i]].line > line)
				line = s->a[cy.v[i]].line;
		}
		rk_buf_adds(&path, s->a[cy.v[0]].id);
		rk_err_set(err, src, line, 0, "dependency cycle: %s", path.data);
		rk_buf_release(&path);
		rk_topo_cycle_release(&cy);
		free(order);
		return -1;
	}
	compute_heights(s, order);
	free(order);
	return 0;
}
