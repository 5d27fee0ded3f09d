/*
 * cmd/rk-plan/input.c - the record reader: package records and the helpers every stage uses to
 * check a value and point an error at its record (rk-plan; plan.h).
 */
#include "rk_common.h"
#include "plan.h"
#include "rk_json.h"
#include "rk_record.h"
#include "rk_strmap.h"
#include "rk_tagfmt.h"

const char *const plan_lvl_names[] = {"none", "patch", "minor", "major"};

int plan_lvl_parse(const char *s)
{
	int i;

	for (i = 0; i <= L_MAJOR; i++)
		if (s && !strcmp(s, plan_lvl_names[i]))
			return i;
	return -1;
}

char *plan_dup_or_null(const char *s)
{
	return s ? rk_xstrdup(s) : NULL;
}

_Noreturn void plan_die_at(const struct plan *pl, long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

_Noreturn void plan_die_at(const struct plan *pl, long line, const char *fmt, ...)
{
	struct rk_err e;
	va_list ap;

	e.source = pl->loc_src ? pl->loc_src : pl->source;
	e.line = pl->loc_src ? pl->loc_line : line;
	e.col = pl->loc_src ? pl->loc_col : 0;
	va_start(ap, fmt);
	vsnprintf(e.msg, sizeof(e.msg), fmt, ap);
	va_end(ap);
	rk_die_err(&e);
}

/* A string array member (NULL/absent: zero elements). Dies when it is not one. */
char **plan_str_array(const struct plan *pl, const struct rk_json *d, int obj, const char *key,
		      size_t *n, long line, const char *what)
{
	int a = rk_json_get(d, obj, key), e;
	char **out;
	size_t i = 0;

	*n = 0;
	if (a < 0 || rk_json_type(d, a) == RK_JSON_NULL)
		return rk_xcalloc(1, sizeof(char *));
	if (rk_json_type(d, a) != RK_JSON_ARRAY)
		plan_die_at(pl, line, "%s: '%s' must be a list of strings", what, key);
	out = rk_xcalloc((size_t)rk_json_len(d, a) + 1, sizeof(char *));
	for (e = rk_json_first(d, a); e >= 0; e = rk_json_next(d, e)) {
		if (rk_json_type(d, e) != RK_JSON_STRING) {
			while (i)
				free(out[--i]);
			free(out);
			plan_die_at(pl, line, "%s: '%s' must be a list of strings", what, key);
		}
		out[i++] = rk_xstrdup(rk_json_str(d, e));
	}
	*n = i;
	return out;
}

void plan_free_strv(char **v, size_t n)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

const char *plan_opt_str(const struct plan *pl, const struct rk_json *d, int obj, const char *key,
			 long line, const char *what)
{
	int t = rk_json_get(d, obj, key);

	if (t < 0 || rk_json_type(d, t) == RK_JSON_NULL)
		return NULL;
	if (rk_json_type(d, t) != RK_JSON_STRING)
		plan_die_at(pl, line, "%s: '%s' must be a string", what, key);
	return rk_json_str(d, t);
}

/* A boolean member: -1 absent or null, else 0 or 1. Dies when it is not one. */
int plan_opt_bool(const struct plan *pl, const struct rk_json *d, const char *key, long line,
		  const char *what)
{
	int t = rk_json_get(d, 0, key);

	if (t < 0 || rk_json_type(d, t) == RK_JSON_NULL)
		return -1;
	if (rk_json_bool(d, t) < 0)
		plan_die_at(pl, line, "%s: '%s' must be true or false", what, key);
	return rk_json_bool(d, t);
}

void plan_canonical(const struct rk_json *d, char **out)
{
	struct rk_buf b = RK_BUF_INIT;

	rk_json_canonical(d, 0, &b);
	free(*out);
	*out = rk_buf_detach(&b, NULL);
}

/* A path inside the repository: relative, no ".." component. */
bool plan_repo_path_ok(const char *s)
{
	if (*s == '/')
		return false;
	while (*s) {
		size_t len = strcspn(s, "/");

		if (len == 2 && s[0] == '.' && s[1] == '.')
			return false;
		s += len;
		s += *s == '/';
	}
	return true;
}

void plan_check_paths(const struct plan *pl, const char *pkg, char **v, size_t n, long line)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!plan_repo_path_ok(v[i]))
			plan_die_at(
				pl, line,
				"package '%s': path '%s' is not inside the repository (relative, without '..')",
				pkg, v[i]);
}

/* What rk-plan needs of a package record (rk_record_need). */
static const char *const package_needs[] = {"name", "ecosystem", "path", "deps[].name", NULL};

void plan_read_package(struct plan *pl, const struct rk_json *d, long line)
{
	struct pkg *p;
	struct rk_err err;
	const char *name = plan_opt_str(pl, d, 0, "name", line, "package");
	const char *eco = plan_opt_str(pl, d, 0, "ecosystem", line, "package");
	const char *path = plan_opt_str(pl, d, 0, "path", line, "package");
	struct rk_buf id = RK_BUF_INIT;
	size_t old, i;
	int deps, e, t;

	if (rk_record_need(d, pl->source, line, package_needs, &err))
		rk_die_err(&err);
	if (!name || !*name)
		plan_die_at(pl, line, "package record: \"name\" must be a non-empty string");
	if (!eco || (strcmp(eco, "python") && strcmp(eco, "npm") && strcmp(eco, "cargo")))
		plan_die_at(pl, line, "package '%s': ecosystem must be python, npm or cargo", name);
	if (!path)
		plan_die_at(pl, line, "package '%s': \"path\" must be a string", name);
	plan_check_paths(pl, name, (char **)&path, 1, line);
	rk_buf_addf(&id, "%s:%s", eco, name);
	if (rk_strmap_get(&pl->byid, id.data, id.len, &old)) {
		/* pnpm members sharing a name (rk-discover gives them an "id"):
		 * their tags must differ (setup_series) */
		if (!rk_json_get_str(d, 0, "id") || !strcmp(pl->p[old].path, path))
			plan_die_at(pl, line, "package '%s' appears twice", id.data);
		pl->shared = pl->n;
	} else {
		rk_strmap_put(&pl->byid, id.data, id.len, pl->n);
	}
	rk_buf_release(&id);
	if (rk_strmap_get(&pl->byname, name, strlen(name), &old))
		rk_strmap_put(&pl->byname, name, strlen(name), NONE);
	else
		rk_strmap_put(&pl->byname, name, strlen(name), pl->n);

	RK_GROW(pl->p, pl->cap, pl->n + 1);
	p = &pl->p[pl->n++];
	memset(p, 0, sizeof(*p));
	p->smoke = -1;
	p->line = line;
	p->name = rk_xstrdup(name);
	p->eco = rk_xstrdup(eco);
	p->path = rk_xstrdup(path);
	if (rk_json_get_str(d, 0, "id")) { /* ours, whatever the record says */
		rk_buf_addf(&id, "%s:%s@%s", eco, name, path);
		p->id = rk_buf_detach(&id, NULL);
	}
	p->manifest = plan_dup_or_null(plan_opt_str(pl, d, 0, "manifest", line, "package"));
	p->version = plan_dup_or_null(plan_opt_str(pl, d, 0, "version", line, "package"));
	p->group = plan_dup_or_null(plan_opt_str(pl, d, 0, "group", line, "package"));
	p->label = plan_dup_or_null(plan_opt_str(pl, d, 0, "label", line, "package"));
	p->tag_format = plan_dup_or_null(plan_opt_str(pl, d, 0, "tag_format", line, "package"));
	p->manager = plan_dup_or_null(plan_opt_str(pl, d, 0, "manager", line, "package"));
	p->workspace = plan_dup_or_null(plan_opt_str(pl, d, 0, "workspace", line, "package"));
	p->publishable = rk_json_bool(d, rk_json_get(d, 0, "publishable")) != 0;
	p->scheme = strcmp(eco, "python") ? RK_VERSION_SEMVER : RK_VERSION_PEP440;
	p->lock = p->grp = p->series = NONE;
	{
		long long v;

		if (rk_json_int(d, rk_json_get(d, 0, "order"), &v) == 0) {
			p->order = (long)v;
			p->has_order = true;
		}
	}
	p->extra = plan_str_array(pl, d, 0, "extra_paths", &p->nextra, line, "package");
	plan_check_paths(pl, name, p->extra, p->nextra, line);
	p->capextra = p->nextra;
	deps = rk_json_get(d, 0, "deps");
	if (deps >= 0 && rk_json_type(d, deps) != RK_JSON_ARRAY)
		plan_die_at(pl, line, "package '%s': \"deps\" must be a list", name);
	p->deps = rk_xcalloc((size_t)rk_json_len(d, deps) + 1, sizeof(*p->deps));
	i = 0;
	for (e = rk_json_first(d, deps); e >= 0; e = rk_json_next(d, e)) {
		const char *dn = rk_json_get_str(d, e, "name");
		const char *de = rk_json_get_str(d, e, "ecosystem");
		const char *dt = rk_json_get_str(d, e, "type");
		const char *ds = rk_json_get_str(d, e, "spec");

		t = rk_json_type(d, e);
		if (t != RK_JSON_OBJECT || !dn)
			plan_die_at(pl, line, "package '%s': each dependency needs a \"name\"",
				    name);
		p->deps[i].name = rk_xstrdup(dn);
		p->deps[i].eco = rk_xstrdup(de ? de : eco);
		p->deps[i].type = rk_xstrdup(dt ? dt : "normal");
		p->deps[i].path = plan_dup_or_null(rk_json_get_str(d, e, "path"));
		p->deps[i].spec = rk_xstrdup(ds ? ds : "");
		p->deps[i].idx = NONE;
		{
			long long ml;
			int lt = rk_json_get(d, e, "line");

			if (lt >= 0 && rk_json_int(d, lt, &ml) == 0 && ml > 0)
				p->deps[i].mline = (long)ml;
		}
		i++;
	}
	p->ndeps = i;
}

/*
 * Point errors at a config record's "location" ("RELEASE.star:21:1", as
 * rk-config writes it) when it has one, else at the record's line; NULL
 * goes back to the record stream.
 */
void plan_set_loc(struct plan *pl, const char *loc)
{
	const char *c2, *c1;
	char *end;

	free(pl->loc_src);
	pl->loc_src = NULL;
	pl->loc_line = pl->loc_col = 0;
	if (!loc || !*loc)
		return;
	c2 = strrchr(loc, ':');
	c1 = NULL;
	if (c2)
		for (end = (char *)c2; end > loc;)
			if (*--end == ':') {
				c1 = end;
				break;
			}
	if (c1 && c1 > loc) {
		pl->loc_line = strtol(c1 + 1, &end, 10);
		if (end == c2) {
			pl->loc_col = strtol(c2 + 1, &end, 10);
			if (!*end) {
				pl->loc_src = rk_xstrndup(loc, (size_t)(c1 - loc));
				return;
			}
		}
	}
	pl->loc_src = rk_xstrdup(loc);
	pl->loc_line = pl->loc_col = 0;
}

/*
 * The bump action's bump_files of p: each path its rule lists, with the
 * pattern of the bump_file rule for that path (none: an error at the rule).
 */
void plan_bump_json_of(struct plan *pl, struct pkg *p)
{
	struct rk_buf b = RK_BUF_INIT;
	struct rk_jw w;
	size_t i, k;

	if (!p->nbump || p->bump_json)
		return;
	rk_jw_init(&w, &b);
	rk_jw_arr(&w);
	for (i = 0; i < p->nbump; i++) {
		for (k = 0; k < pl->nbf && strcmp(pl->bfs[k].path, p->bump_paths[i]); k++)
			;
		if (k == pl->nbf) {
			plan_set_loc(pl, p->bump_loc);
			plan_die_at(
				pl, p->bump_line,
				"package '%s': bump_files: '%s' has no bump_file(path = \"%s\", "
				"pattern = ...) rule saying how to write its version",
				p->name, p->bump_paths[i], p->bump_paths[i]);
		}
		pl->bfs[k].used = true;
		rk_jw_obj(&w);
		rk_jw_kstr(&w, "path", pl->bfs[k].path);
		rk_jw_kstr(&w, "pattern", pl->bfs[k].pattern);
		rk_jw_obj_end(&w);
	}
	rk_jw_arr_end(&w);
	p->bump_json = rk_buf_detach(&b, NULL);
}
