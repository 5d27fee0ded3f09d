/* rk_npmpack.c - an npm packer of our own; see rk_npmpack.h. */
#include "rk_common.h"
#include "rk_npmpack.h"

#include <dirent.h>
#include <sys/stat.h>
#include <zlib.h>

#include "rk_glob.h"
#include "rk_json.h"
#include "rk_sort.h"

/* not handled: say why (the caller falls back to the tool) */
static int nope(struct rk_buf *why, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int nope(struct rk_buf *why, const char *fmt, ...)
{
	va_list ap;

	rk_buf_reset(why);
	va_start(ap, fmt);
	rk_buf_vaddf(why, fmt, ap);
	va_end(ap);
	return 1;
}

/* ==== a JSON tree that serialises as JSON.stringify(v, null, 2) ==== */

enum { JV_OBJ, JV_ARR, JV_STR, JV_RAW };

struct jv {
	int type;
	char *s; /* STR: the decoded string; RAW: number/true/false/null as written */
	size_t slen;
	char **keys; /* OBJ */
	struct jv *kids;
	size_t n, cap, kcap;
};

static void jv_free(struct jv *v)
{
	for (size_t i = 0; i < v->n; i++) {
		if (v->keys)
			free(v->keys[i]);
		jv_free(&v->kids[i]);
	}
	free(v->keys);
	free(v->kids);
	free(v->s);
	memset(v, 0, sizeof(*v));
}

static bool plain_int(const char *s, size_t n)
{
	size_t i = s[0] == '-';

	if (i >= n || n - i > 15 || (s[i] == '0' && n - i > 1))
		return false;
	for (; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static int jv_from(const struct rk_json *d, int t, struct jv *v, struct rk_buf *why)
{
	size_t len;
	const char *raw;

	memset(v, 0, sizeof(*v));
	switch (rk_json_type(d, t)) {
	case RK_JSON_OBJECT:
		v->type = JV_OBJ;
		for (int k = rk_json_first(d, t); k >= 0; k = rk_json_next(d, k)) {
			const char *key = rk_json_str(d, k);

			if (strlen(key) != rk_json_strlen(d, k))
				return nope(why, "package.json: a key with a NUL character");
			for (size_t i = 0; i < v->n; i++)
				if (!strcmp(v->keys[i], key))
					return nope(why, "package.json: duplicate key \"%s\"", key);
			RK_GROW(v->keys, v->kcap, v->n + 1);
			RK_GROW(v->kids, v->cap, v->n + 1);
			v->keys[v->n] = rk_xstrdup(key);
			memset(&v->kids[v->n], 0, sizeof(v->kids[v->n]));
			v->n++;
			if (jv_from(d, rk_json_value(d, k), &v->kids[v->n - 1], why))
				return 1;
		}
		return 0;
	case RK_JSON_ARRAY:
		v->type = JV_ARR;
		for (int e = rk_json_first(d, t); e >= 0; e = rk_json_next(d, e)) {
			RK_GROW(v->kids, v->cap, v->n + 1);
			memset(&v->kids[v->n], 0, sizeof(v->kids[v->n]));
			v->n++;
			if (jv_from(d, e, &v->kids[v->n - 1], why))
				return 1;
		}
		return 0;
	case RK_JSON_STRING:
		v->type = JV_STR;
		v->slen = rk_json_strlen(d, t);
		v->s = rk_xstrndup(rk_json_str(d, t), v->slen);
		return 0;
	default:
		raw = rk_json_raw(d, t, &len);
		if (rk_json_type(d, t) == RK_JSON_NUMBER && !plain_int(raw, len))
			return nope(why,
				    "package.json: the number %.*s (JSON.stringify may write it "
				    "otherwise)",
				    (int)len, raw);
		v->type = JV_RAW;
		v->s = rk_xstrndup(raw, len);
		v->slen = len;
		return 0;
	}
}

static void jv_write(const struct jv *v, int indent, struct rk_buf *out)
{
	switch (v->type) {
	case JV_STR:
		rk_json_quote(out, v->s, v->slen);
		return;
	case JV_RAW:
		rk_buf_add(out, v->s, v->slen);
		return;
	default:
		break;
	}
	rk_buf_addc(out, v->type == JV_OBJ ? '{' : '[');
	for (size_t i = 0; i < v->n; i++) {
		rk_buf_adds(out, i ? ",\n" : "\n");
		rk_buf_addf(out, "%*s", indent + 2, "");
		if (v->type == JV_OBJ) {
			rk_json_quote(out, v->keys[i], strlen(v->keys[i]));
			rk_buf_adds(out, ": ");
		}
		jv_write(&v->kids[i], indent + 2, out);
	}
	if (v->n)
		rk_buf_addf(out, "\n%*s", indent, "");
	rk_buf_addc(out, v->type == JV_OBJ ? '}' : ']');
}

static struct jv *jv_get(const struct jv *o, const char *key)
{
	if (!o || o->type != JV_OBJ)
		return NULL;
	for (size_t i = 0; i < o->n; i++)
		if (!strcmp(o->keys[i], key))
			return &o->kids[i];
	return NULL;
}

static const char *jv_str(const struct jv *o, const char *key)
{
	const struct jv *v = jv_get(o, key);

	return v && v->type == JV_STR ? v->s : NULL;
}

/* Remove key from o; its value moves to *out (or is freed when out is NULL). */
static bool jv_take(struct jv *o, const char *key, struct jv *out)
{
	for (size_t i = 0; i < o->n; i++) {
		if (strcmp(o->keys[i], key))
			continue;
		free(o->keys[i]);
		if (out)
			*out = o->kids[i];
		else
			jv_free(&o->kids[i]);
		memmove(&o->keys[i], &o->keys[i + 1], (o->n - i - 1) * sizeof(*o->keys));
		memmove(&o->kids[i], &o->kids[i + 1], (o->n - i - 1) * sizeof(*o->kids));
		o->n--;
		return true;
	}
	return false;
}

/* o[key] = v (owned): in place when present (JavaScript keeps the key's position), else appended. */
static void jv_set(struct jv *o, const char *key, struct jv *v)
{
	struct jv *old = jv_get(o, key);
	size_t cap;

	if (old) {
		jv_free(old);
		*old = *v;
		return;
	}
	cap = o->n;
	RK_GROW(o->keys, cap, o->n + 1);
	cap = o->n;
	RK_GROW(o->kids, cap, o->n + 1);
	o->keys[o->n] = rk_xstrdup(key);
	o->kids[o->n++] = *v;
}

static void jv_set_str(struct jv *v, const char *s)
{
	free(v->s);
	v->s = rk_xstrdup(s);
	v->slen = strlen(s);
}

/* ==== minimatch, as npm-packlist calls it (dot, nocase, matchBase, flipNegate) ==== */

enum { P_GLOB, P_STAR2, P_MUST };

struct part {
	int kind;
	char *s; /* P_GLOB: the pattern, lower case */
};

struct rule {
	bool negate, never;
	struct part *p;
	int n;
};

struct ruleset {
	struct rule *v;
	size_t n, cap;
	bool on;
};

static void rules_free(struct ruleset *r)
{
	for (size_t i = 0; i < r->n; i++) {
		for (int j = 0; j < r->v[i].n; j++)
			free(r->v[i].p[j].s);
		free(r->v[i].p);
	}
	free(r->v);
	memset(r, 0, sizeof(*r));
}

static bool must_have_name(const char *s)
{
	static const char *const w[] = {"readme", "copying", "license", "licence"};

	for (size_t i = 0; i < RK_ARRAY_SIZE(w); i++) {
		size_t l = strlen(w[i]), n;

		if (strncasecmp(s, w[i], l))
			continue;
		s += l;
		n = strlen(s);
		return !n || (s[0] == '.' && n >= 2 && s[n - 1] != '~' && s[n - 1] != '$');
	}
	return false;
}

/* Add one rule; 1 (why set) when it uses what this matcher does not do. */
static int add_rule(struct ruleset *rs, const char *line, struct rk_buf *why)
{
	struct rule r = {0};
	const char *s = line;
	size_t cap = 0;

	if (*s == '#') {
		r.never = true; /* a comment pattern matches nothing */
		goto add;
	}
	while (*s == '!') {
		r.negate = !r.negate;
		s++;
	}
	for (const char *q = s; *q; q++) {
		if ((unsigned char)*q >= 0x80)
			return nope(why, "pattern '%s': non-ASCII", line);
		if (*q == '{')
			return nope(why, "pattern '%s': braces", line);
		if (strchr("+@!*?", *q) && q[1] == '(')
			return nope(why, "pattern '%s': extglob", line);
		if (*q == '[' && q[1] == ':')
			return nope(why, "pattern '%s': character class", line);
		if (*q == '\\' && q[1])
			q++;
	}
	for (const char *q = s;;) {
		size_t l = strcspn(q, "/");
		struct part pt = {P_GLOB, NULL};

		if (l == 2 && !strncmp(q, "**", 2))
			pt.kind = P_STAR2;
		else if (l == 2 && !strncmp(q, "..", 2))
			return nope(why, "pattern '%s': '..'", line);
		if (pt.kind == P_GLOB) {
			pt.s = rk_xstrndup(q, l);
			for (char *c = pt.s; *c; c++)
				if (*c >= 'A' && *c <= 'Z')
					*c = (char)(*c - 'A' + 'a');
		}
		/* "**" followed by "**" is one */
		if (!(pt.kind == P_STAR2 && r.n && r.p[r.n - 1].kind == P_STAR2)) {
			RK_GROW(r.p, cap, (size_t)r.n + 1);
			r.p[r.n++] = pt;
		}
		q += l;
		if (!*q)
			break;
		q += strspn(q, "/");
		if (!*q) { /* trailing slash: an empty last part */
			RK_GROW(r.p, cap, (size_t)r.n + 1);
			r.p[r.n].kind = P_GLOB;
			r.p[r.n++].s = rk_xstrdup("");
			break;
		}
	}
add:
	RK_GROW(rs->v, rs->cap, rs->n + 1);
	rs->v[rs->n++] = r;
	rs->on = true;
	return 0;
}

/* A rule whose single part is the must-have name class, anchored at the root or not. */
static void add_must_rule(struct ruleset *rs, bool negate, bool rooted)
{
	struct rule r = {0};

	r.negate = negate;
	r.n = rooted ? 2 : 1;
	r.p = rk_xmalloc(2 * sizeof(*r.p));
	r.p[0].kind = rooted ? P_GLOB : P_MUST;
	r.p[0].s = rooted ? rk_xstrdup("") : NULL;
	r.p[1].kind = P_MUST;
	r.p[1].s = NULL;
	RK_GROW(rs->v, rs->cap, rs->n + 1);
	rs->v[rs->n++] = r;
	rs->on = true;
}

static bool has_magic(const char *p)
{
	for (; *p; p++) {
		if (*p == '\\' && p[1]) {
			p++;
			continue;
		}
		if (*p == '*' || *p == '?' || *p == '[')
			return true;
	}
	return false;
}

/* [...] at p: *matched for c; returns the end after ']' or NULL (no class: '[' is literal) */
static const char *glob_class(const char *p, char c, bool *matched)
{
	bool neg = false, hit = false;
	const char *q = p + 1;

	if (*q == '!' || *q == '^') {
		neg = true;
		q++;
	}
	for (bool first = true; *q && (first || *q != ']'); first = false) {
		char lo = *q, hi;

		if (lo == '\\' && q[1])
			lo = *++q;
		q++;
		hi = lo;
		if (q[0] == '-' && q[1] && q[1] != ']') {
			q++;
			hi = *q;
			if (hi == '\\' && q[1])
				hi = *++q;
			q++;
		}
		if (c >= lo && c <= hi)
			hit = true;
	}
	if (*q != ']')
		return NULL;
	*matched = hit != neg;
	return q + 1;
}

/* One path component against one glob part (both lower case). */
static bool glob_seg(const char *p, const char *s)
{
	const char *star_p = NULL, *star_s = NULL;

	while (*s) {
		bool m;
		const char *e;

		if (*p == '*') {
			while (*p == '*')
				p++;
			star_p = p;
			star_s = s;
			continue;
		}
		if (*p == '?') {
			p++;
			s++;
			continue;
		}
		e = *p == '[' ? glob_class(p, *s, &m) : NULL;
		if (e) {
			if (m) {
				p = e;
				s++;
				continue;
			}
		} else {
			const char *lit = p;

			if (*lit == '\\' && lit[1])
				lit++;
			if (*lit && *lit == *s) {
				p = lit + 1;
				s++;
				continue;
			}
		}
		if (!star_p)
			return false;
		p = star_p;
		s = ++star_s;
	}
	while (*p == '*')
		p++;
	return !*p;
}

static bool part_match(const struct part *pt, const char *name)
{
	char low[4096];
	size_t n = strlen(name);

	if (pt->kind == P_MUST)
		return must_have_name(name);
	if (n >= sizeof(low))
		return false;
	for (size_t i = 0; i <= n; i++)
		low[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] - 'A' + 'a' : name[i]);
	if (has_magic(pt->s))
		return n > 0 && glob_seg(pt->s, low);
	/* a literal: unescape and compare */
	for (const char *p = pt->s, *s = low;; p++, s++) {
		if (*p == '\\' && p[1])
			p++;
		if (*p != *s)
			return false;
		if (!*p)
			return true;
	}
}

/* minimatch's matchOne over components */
static bool match_one(char **f, int fl, const struct part *p, int pl, bool partial)
{
	int fi = 0, pi = 0;

	for (; fi < fl && pi < pl; fi++, pi++) {
		if (p[pi].kind == P_STAR2) {
			int fr = fi, pr = pi + 1;

			if (pr == pl)
				return true; /* dot: true, and no "." or ".." components here */
			for (; fr < fl; fr++)
				if (match_one(f + fr, fl - fr, p + pr, pl - pr, partial))
					return true;
			return partial && fr == fl;
		}
		if (!part_match(&p[pi], f[fi]))
			return false;
	}
	if (fi == fl && pi == pl)
		return true;
	if (fi == fl)
		return partial;
	return fi == fl - 1 && !*f[fi];
}

static bool rule_match(const struct rule *r, const char *path, bool partial)
{
	char *copy = rk_xstrdup(path), *parts[256], *base = NULL;
	int n = 0;
	bool hit;
	char *q = copy;

	if (r->never) {
		free(copy);
		return false;
	}
	/* split on runs of '/' (a leading '/' gives an empty first part) */
	for (;;) {
		char *e = strchr(q, '/');

		if (n == (int)RK_ARRAY_SIZE(parts))
			break;
		parts[n++] = q;
		if (!e)
			break;
		*e = 0;
		q = e + 1;
		while (*q == '/')
			q++;
		if (!*q) {
			if (n < (int)RK_ARRAY_SIZE(parts))
				parts[n++] = q; /* "x/": trailing empty part */
			break;
		}
	}
	for (int i = n - 1; i >= 0 && !base; i--)
		if (*parts[i])
			base = parts[i];
	if (r->n == 1)
		hit = match_one(base ? &base : parts, 1, r->p, 1, partial);
	else
		hit = match_one(parts, n, r->p, r->n, partial);
	free(copy);
	return hit;
}

/* ==== the walk (ignore-walk with npm-packlist's rule sets) ==== */

enum { RS_DEFAULT, RS_PKG, RS_NPMIGNORE, RS_GITIGNORE, RS_STRICT, RS_N };

struct level {
	const struct level *parent;
	const char *base; /* this directory as its parent names it */
	bool exact;	  /* ignore-walk 8: parent-excluded entries may be re-included */
	struct ruleset rs[RS_N];
	char **required; /* files this directory must hold (npm: strict "!file") */
	size_t nreq;
};

struct pk {
	const struct rk_npmpack_opts *o;
	bool pnpm;
	struct rk_npmpack_list *out;
	struct rk_buf *why;
	struct rk_err *err;
};

static const char *const defaults_npm[] = {".npmignore",
					   ".gitignore",
					   "**/.git",
					   "**/.svn",
					   "**/.hg",
					   "**/CVS",
					   "**/.git/**",
					   "**/.svn/**",
					   "**/.hg/**",
					   "**/CVS/**",
					   "/.lock-wscript",
					   "/.wafpickle-*",
					   "/build/config.gypi",
					   "npm-debug.log",
					   "**/.npmrc",
					   ".*.swp",
					   ".DS_Store",
					   "**/.DS_Store/**",
					   "._*",
					   "**/._*/**",
					   "*.orig",
					   "/archived-packages/**"};

/* pnpm's npm-packlist excludes the lockfiles of the package's root too */
static const char *const defaults_pnpm_more[] = {"/package-lock.json", "/yarn.lock",
						 "/pnpm-lock.yaml"};

static bool filter(const struct pk *k, const struct level *L, const char *entry, bool partial,
		   const char *ebase)
{
	bool inc = true;

	if (k->pnpm) { /* npm-packlist 5's own filterEntry, before ignore-walk's */
		bool root = !L->parent;

		if (root && !strcmp(entry, "node_modules"))
			return false;
		if (root && !strcmp(entry, "package.json"))
			return true;
		if (must_have_name(entry))
			return true;
		if (root && !strcmp(entry, "npm-shrinkwrap.json"))
			return true;
		if (root && !strcmp(entry, "package-lock.json"))
			return false;
	}
	if (L->parent) {
		struct rk_buf pe = RK_BUF_INIT;

		rk_buf_addf(&pe, "%s/%s", L->base, entry);
		inc = filter(k, L->parent, pe.data, partial,
			     k->pnpm ? NULL
			     : ebase ? ebase
				     : entry);
		rk_buf_release(&pe);
		if (!inc && !k->pnpm && !L->exact)
			return false;
	}
	for (int s = 0; s < RS_N; s++) {
		const struct ruleset *rs = &L->rs[s];

		if (!rs->on)
			continue;
		for (size_t i = 0; i < rs->n; i++) {
			const struct rule *r = &rs->v[i];
			struct rk_buf a = RK_BUF_INIT, b = RK_BUF_INIT;
			bool rel, m;

			if (r->negate == inc)
				continue;
			rel = ebase &&
			      r->n <= (r->n && r->p[r->n - 1].kind == P_GLOB && !*r->p[r->n - 1].s
					       ? 2
					       : 1);
			rk_buf_addf(&a, "/%s", entry);
			m = rule_match(r, a.data, false) || rule_match(r, entry, false);
			if (!m && partial) {
				rk_buf_addf(&b, "%s/", entry);
				rk_buf_adds(&a, "/");
				m = rule_match(r, a.data, false) || rule_match(r, b.data, false);
				rk_buf_truncate(&a, a.len - 1);
				if (!m && r->negate)
					m = rule_match(r, a.data, true) ||
					    rule_match(r, entry, true);
				if (!m && rel) {
					rk_buf_reset(&a);
					rk_buf_reset(&b);
					rk_buf_addf(&a, "/%s/", ebase);
					rk_buf_addf(&b, "%s/", ebase);
					m = rule_match(r, a.data, false) ||
					    rule_match(r, b.data, false);
					if (!m && r->negate) {
						rk_buf_truncate(&a, a.len - 1);
						m = rule_match(r, a.data, true) ||
						    rule_match(r, ebase, true);
					}
				}
			}
			rk_buf_release(&a);
			rk_buf_release(&b);
			if (m)
				inc = r->negate;
		}
	}
	return inc;
}

static int read_ignore(struct pk *k, const char *dir, const char *name, struct ruleset *rs)
{
	struct rk_buf path = RK_BUF_INIT, b = RK_BUF_INIT;
	struct stat st;
	int rc = 0;

	rk_buf_addf(&path, "%s/%s", dir, name);
	if (lstat(path.data, &st) != 0)
		goto out;
	if (!S_ISREG(st.st_mode)) {
		rc = nope(k->why, "%s is not a regular file", path.data);
		goto out;
	}
	if (rk_buf_read_file(&b, path.data) != 0) {
		rc = rk_err_set(k->err, NULL, 0, 0, "%s: %s", path.data, strerror(errno));
		goto out;
	}
	rs->on = true; /* an empty ignore file still counts as present */
	for (size_t i = 0; i < b.len && rc == 0;) {
		size_t e = i, s, t;
		char *line;

		while (e < b.len && b.data[e] != '\n')
			e++;
		s = i;
		t = e;
		/* split(/\r?\n/) then trim() */
		while (s < t && strchr(" \t\r\f\v", b.data[s]))
			s++;
		while (t > s && strchr(" \t\r\f\v", b.data[t - 1]))
			t--;
		if (memchr(b.data + i, 0, e - i))
			rc = nope(k->why, "%s: a NUL byte", path.data);
		else if (t > s && b.data[s] != '#') {
			line = rk_xstrndup(b.data + s, t - s);
			rc = add_rule(rs, line, k->why);
			free(line);
		}
		i = e + 1;
	}
out:
	rk_buf_release(&path);
	rk_buf_release(&b);
	return rc;
}

static void add_file(struct pk *k, const char *rel, const char *abs, mode_t mode)
{
	struct rk_npmpack_list *l = k->out;
	const char *r = !strncmp(rel, "./", 2) ? rel + 2 : rel;

	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].path, r))
			return;
	RK_GROW(l->v, l->cap, l->n + 1);
	l->v[l->n].path = rk_xstrdup(r);
	l->v[l->n].src = rk_xstrdup(abs);
	l->v[l->n].mode = (int)(mode & 07777);
	l->n++;
}

static int walk(struct pk *k, struct level *L, const char *abs, const char *rel, char **entries,
		size_t nent);

static bool is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

static int read_entries(struct pk *k, const char *abs, char ***out, size_t *n)
{
	DIR *d = opendir(abs);
	struct dirent *e;
	size_t cap = 0;

	*out = NULL;
	*n = 0;
	if (!d)
		return rk_err_set(k->err, NULL, 0, 0, "%s: %s", abs, strerror(errno));
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (!is_ascii(e->d_name)) {
			closedir(d);
			return nope(k->why, "%s/%s: a non-ASCII file name", abs, e->d_name);
		}
		RK_GROW(*out, cap, *n + 1);
		(*out)[(*n)++] = rk_xstrdup(e->d_name);
	}
	closedir(d);
	return 0;
}

static void free_entries(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static bool has_entry(char **v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], name))
			return true;
	return false;
}

/* Walk one directory: L's rule sets are set up (the ignore files of it read here). */
static int walk(struct pk *k, struct level *L, const char *abs, const char *rel, char **entries,
		size_t nent)
{
	int rc = 0;

	if (has_entry(entries, nent, ".npmignore"))
		rc = read_ignore(k, abs, ".npmignore", &L->rs[RS_NPMIGNORE]);
	if (rc == 0 && has_entry(entries, nent, ".gitignore"))
		rc = read_ignore(k, abs, ".gitignore", &L->rs[RS_GITIGNORE]);
	if (rc)
		return rc;
	/* precedence: package.json "files" (npm) over .npmignore over .gitignore */
	if (!k->pnpm && L->rs[RS_PKG].on)
		L->rs[RS_NPMIGNORE].on = L->rs[RS_GITIGNORE].on = false;
	else if (L->rs[RS_NPMIGNORE].on)
		L->rs[RS_GITIGNORE].on = false;
	for (size_t i = 0; i < nent && rc == 0; i++) {
		const char *e = entries[i];
		bool pass_file, pass_dir;
		struct rk_buf a = RK_BUF_INIT, r = RK_BUF_INIT;
		struct stat st;

		if (strchr(e, '*'))
			continue; /* nameIsBadForWindows */
		pass_file = filter(k, L, e, false, NULL);
		pass_dir = filter(k, L, e, true, NULL);
		if (!pass_file && !pass_dir)
			continue;
		rk_buf_addf(&a, "%s/%s", abs, e);
		rk_buf_addf(&r, "%s%s%s", rel, *rel ? "/" : "", e);
		if (lstat(a.data, &st) != 0) {
			if (errno != ENOENT) /* a listed "files" entry may not exist */
				rc = rk_err_set(k->err, NULL, 0, 0, "%s: %s", a.data,
						strerror(errno));
		} else if (S_ISREG(st.st_mode)) {
			if (pass_file)
				add_file(k, r.data, a.data, st.st_mode);
		} else if (S_ISDIR(st.st_mode) && pass_dir) {
			struct level c;
			char **sub;
			size_t nsub, nreq = 0;

			memset(&c, 0, sizeof(c));
			c.parent = L;
			c.base = e;
			if (!pass_file) { /* ignore-walk 8: exact = file || filterEntry(entry + '/') */
				struct rk_buf es = RK_BUF_INIT;

				rk_buf_addf(&es, "%s/", e);
				c.exact = filter(k, L, es.data, false, NULL);
				rk_buf_release(&es);
			} else {
				c.exact = true;
			}
			if (!k->pnpm) {
				struct rk_buf sl = RK_BUF_INIT;

				for (size_t j = 0; j < RK_ARRAY_SIZE(defaults_npm); j++)
					add_rule(&c.rs[RS_DEFAULT], defaults_npm[j], k->why);
				add_rule(&c.rs[RS_STRICT], "/.git", k->why);
				/* required files directly in this directory */
				for (size_t j = 0; j < L->nreq; j++) {
					const char *q = L->required[j], *sl2 = strrchr(q, '/');

					if (sl2 && (size_t)(sl2 - q) == strlen(e) &&
					    !strncmp(q, e, strlen(e))) {
						RK_GROW(c.required, nreq, c.nreq + 1);
						c.required[c.nreq++] = rk_xstrdup(sl2 + 1);
						rk_buf_reset(&sl);
						rk_buf_addf(&sl, "!%s", sl2 + 1);
						if (add_rule(&c.rs[RS_STRICT], sl.data, k->why))
							rc = 1;
					}
				}
				rk_buf_release(&sl);
			}
			if (rc == 0)
				rc = read_entries(k, a.data, &sub, &nsub);
			if (rc == 0) {
				rc = walk(k, &c, a.data, r.data, sub, nsub);
				free_entries(sub, nsub);
			}
			for (int s = 0; s < RS_N; s++)
				rules_free(&c.rs[s]);
			free_entries(c.required, c.nreq);
		}
		rk_buf_release(&a);
		rk_buf_release(&r);
	}
	return rc;
}

/* ==== the manifest ==== */

static const char *const publish_whitelist[] = {
	"bin",	   "engines",  "type",	  "imports", "main",   "module",
	"typings", "types",    "exports", "browser", "esnext", "es2015",
	"unpkg",   "umd:main", "os",	  "cpu",     "libc",   "typesVersions"};

static const char *const lifecycle[] = {"prepack", "prepare", "postpack", "prepublishOnly",
					"prepublish"};

static const char *const prepublish_scripts[] = {"prepublishOnly", "prepack", "prepare",
						 "postpack",	   "publish", "postpublish"};

/* The version pnpm reads for a workspace dependency (node_modules/<dep>/package.json). */
static int linked_version(struct pk *k, const char *dep, char **out)
{
	struct rk_buf p = RK_BUF_INIT, b = RK_BUF_INIT;
	struct rk_json d;
	struct rk_err e = {0};
	const char *name, *ver;
	int rc;

	rk_json_init(&d);
	rk_buf_addf(&p, "%s/node_modules/%s/package.json", k->o->dir, dep);
	if (rk_buf_read_file(&b, p.data) != 0 ||
	    rk_json_parse(&d, b.data ? b.data : "", b.len, p.data, 1, &e) != 0) {
		rc = nope(k->why, "workspace dependency %s: no %s (pnpm install first)", dep,
			  p.data);
		goto out;
	}
	name = rk_json_get_str(&d, 0, "name");
	ver = rk_json_get_str(&d, 0, "version");
	if (!name || !ver || strcmp(name, dep)) {
		rc = nope(k->why, "workspace dependency %s: %s names another package", dep, p.data);
		goto out;
	}
	*out = rk_xstrdup(ver);
	rc = 0;
out:
	rk_json_release(&d);
	rk_buf_release(&p);
	rk_buf_release(&b);
	return rc;
}

/*
 * pnpm's replaceWorkspaceProtocol / ...PeerDependency for the forms we
 * handle. pnpm maps the values concurrently (p-map-values) and sets each key
 * when its promise settles: the ones that read a linked package.json settle
 * last, so they move to the end of the section (in their order; pnpm's own
 * order among them is whichever read finishes first).
 */
static int pin_deps(struct pk *k, struct jv *deps, bool peer)
{
	bool *late;
	size_t nlate = 0;
	int rc = 0;

	if (!deps)
		return 0;
	if (deps->type != JV_OBJ)
		return nope(k->why, "package.json: a dependency section is not an object");
	late = rk_xmalloc(deps->n + 1);
	memset(late, 0, deps->n + 1);
	for (size_t i = 0; i < deps->n && rc == 0; i++) {
		struct jv *v = &deps->kids[i];
		const char *dep = deps->keys[i], *rest;
		char *ver = NULL;
		struct rk_buf nv = RK_BUF_INIT;

		if (v->type != JV_STR) {
			rc = nope(k->why, "package.json: dependency %s is not a string", dep);
			break;
		}
		if (!strncmp(v->s, "catalog:", 8) || !strncmp(v->s, "jsr:", 4)) {
			rc = nope(k->why, "dependency %s: %s", dep, v->s);
			break;
		}
		if (strstr(v->s, "workspace:") && strncmp(v->s, "workspace:", 10)) {
			rc = nope(k->why, "dependency %s: %s", dep, v->s);
			break;
		}
		if (strncmp(v->s, "workspace:", 10))
			continue;
		rest = v->s + 10;
		if (!*rest || !strcmp(rest, "*") || !strcmp(rest, "^") || !strcmp(rest, "~")) {
			rc = linked_version(k, dep, &ver);
			if (rc != 0)
				break;
			rk_buf_addf(&nv, "%s%s", (*rest == '^' || *rest == '~') ? rest : "", ver);
			late[i] = true;
			nlate++;
		} else if (!peer && !strchr(rest, '@') && strncmp(rest, "./", 2) &&
			   strncmp(rest, "../", 3)) {
			rk_buf_adds(&nv, rest);
		} else if (peer && rest[strspn(rest, "^~<>=")] >= '0' &&
			   rest[strspn(rest, "^~<>=")] <= '9') {
			rk_buf_adds(&nv, rest);
		} else {
			rc = nope(k->why, "dependency %s: %s", dep, v->s);
			break;
		}
		jv_set_str(v, nv.data);
		free(ver);
		rk_buf_release(&nv);
	}
	if (rc == 0 && nlate && nlate < deps->n) {
		char **keys = rk_xmalloc(deps->n * sizeof(*keys));
		struct jv *kids = rk_xmalloc(deps->n * sizeof(*kids));
		size_t j = 0;

		for (int pass = 0; pass < 2; pass++)
			for (size_t i = 0; i < deps->n; i++)
				if (late[i] == (pass == 1)) {
					keys[j] = deps->keys[i];
					kids[j++] = deps->kids[i];
				}
		memcpy(deps->keys, keys, deps->n * sizeof(*keys));
		memcpy(deps->kids, kids, deps->n * sizeof(*kids));
		free(keys);
		free(kids);
	}
	free(late);
	return rc;
}

/* pnpm's createExportableManifest */
static int pnpm_manifest(struct pk *k, struct jv *m)
{
	static const char *const depf[] = {"dependencies", "devDependencies",
					   "optionalDependencies"};
	struct jv scripts = {0}, *pc;
	bool had_scripts;

	jv_take(m, "pnpm", NULL);
	jv_take(m, "packageManager", NULL);
	had_scripts = jv_take(m, "scripts", &scripts);
	if (had_scripts && scripts.type == JV_OBJ) {
		for (size_t i = 0; i < RK_ARRAY_SIZE(prepublish_scripts); i++)
			jv_take(&scripts, prepublish_scripts[i], NULL);
		jv_set(m, "scripts", &scripts);
	} else if (had_scripts) {
		jv_free(&scripts);
		return nope(k->why, "package.json: \"scripts\" is not an object");
	}
	for (size_t i = 0; i < RK_ARRAY_SIZE(depf); i++)
		if (pin_deps(k, jv_get(m, depf[i]), false))
			return 1;
	if (pin_deps(k, jv_get(m, "peerDependencies"), true))
		return 1;
	pc = jv_get(m, "publishConfig");
	if (pc && pc->type == JV_OBJ) {
		if (jv_get(pc, "directory"))
			return nope(k->why, "publishConfig.directory");
		if (jv_get(pc, "executableFiles"))
			return nope(k->why, "publishConfig.executableFiles");
		for (size_t i = 0; i < RK_ARRAY_SIZE(publish_whitelist); i++) {
			struct jv v;

			if (jv_take(pc, publish_whitelist[i], &v)) {
				jv_set(m, publish_whitelist[i], &v);
				pc = jv_get(m, "publishConfig"); /* m's values may have moved */
			}
		}
		if (!pc->n)
			jv_take(m, "publishConfig", NULL);
	}
	return 0;
}

/* main/browser/bin as npm-packlist sees them: rule paths into *v (malloc'd). */
static int required_paths(struct pk *k, const struct jv *m, char ***v, size_t *n, size_t *nmain)
{
	static const char *const one[] = {"browser", "main"};
	const struct jv *bin = jv_get(m, "bin");
	size_t cap = 0;

	*v = NULL;
	*n = 0;
	for (size_t i = 0; i < RK_ARRAY_SIZE(one); i++) {
		const struct jv *x = jv_get(m, one[i]);

		if (!x || (x->type == JV_STR && !x->slen))
			continue;
		if (x->type != JV_STR)
			return nope(k->why, "package.json: \"%s\" is not a string", one[i]);
		RK_GROW(*v, cap, *n + 1);
		(*v)[(*n)++] = rk_xstrdup(x->s);
	}
	*nmain = *n; /* the bin files follow */
	if (!bin)
		return 0;
	if (bin->type == JV_STR && !jv_str(m, "name"))
		return 0;
	if (bin->type != JV_STR && bin->type != JV_OBJ)
		return nope(k->why, "package.json: \"bin\" is neither a string nor an object");
	for (size_t i = 0; i < (bin->type == JV_STR ? 1 : bin->n); i++) {
		const struct jv *x = bin->type == JV_STR ? bin : &bin->kids[i];
		char *p;

		if (x->type != JV_STR)
			continue; /* normalize-package-bin drops it */
		if (strchr(x->s, '\\') || (bin->type == JV_OBJ && strpbrk(bin->keys[i], "\\:/")))
			return nope(k->why, "package.json: bin %s", x->s);
		/* join('/', target).slice(1) */
		p = rk_xstrdup(x->s[0] == '/' ? x->s + 1 : x->s);
		if (!*p || rk_path_normalize(p) != 0 || !strcmp(p, ".")) {
			free(p);
			return nope(k->why, "package.json: bin %s", x->s);
		}
		RK_GROW(*v, cap, *n + 1);
		(*v)[(*n)++] = p;
	}
	return 0;
}

/* ==== the list ==== */

void rk_npmpack_list_release(struct rk_npmpack_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].path);
		free(l->v[i].src);
	}
	free(l->v);
	rk_buf_release(&l->manifest);
	free(l->name);
	free(l->version);
	memset(l, 0, sizeof(*l));
}

static int cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct rk_npmpack_file *)a)->path,
		      ((const struct rk_npmpack_file *)b)->path);
}

static bool exists(const char *dir, const char *name)
{
	struct rk_buf p = RK_BUF_INIT;
	struct stat st;
	bool r;

	rk_buf_addf(&p, "%s/%s", dir, name);
	r = lstat(p.data, &st) == 0;
	rk_buf_release(&p);
	return r;
}

static int checks(struct pk *k, const struct jv *m)
{
	const struct jv *sc = jv_get(m, "scripts"), *files = jv_get(m, "files");

	for (size_t i = 0; sc && sc->type == JV_OBJ && i < RK_ARRAY_SIZE(lifecycle); i++)
		if (jv_get(sc, lifecycle[i]))
			return nope(k->why, "a %s script", lifecycle[i]);
	if (jv_get(m, "bundleDependencies") || jv_get(m, "bundledDependencies"))
		return nope(k->why, "bundleDependencies");
	if (jv_get(m, "workspaces"))
		return nope(k->why, "\"workspaces\" in package.json");
	if (!jv_get(m, "bin") && jv_get(jv_get(m, "directories"), "bin"))
		return nope(k->why, "directories.bin");
	if (files && files->type != JV_ARR)
		return nope(k->why, "\"files\" is not an array");
	for (size_t i = 0; files && i < files->n; i++)
		if (files->kids[i].type != JV_STR ||
		    memchr(files->kids[i].s, 0, files->kids[i].slen))
			return nope(k->why, "\"files\" holds a non-string");
	if (k->pnpm) {
		if (exists(k->o->dir, "package.json5") || exists(k->o->dir, "package.yaml"))
			return nope(k->why, "package.json5/package.yaml");
		if (k->o->workspace_dir && exists(k->o->workspace_dir, ".pnpmfile.cjs"))
			return nope(k->why, ".pnpmfile.cjs (pnpm's beforePacking hook)");
		if (exists(k->o->dir, "bun.lockb"))
			return nope(k->why, "bun.lockb (npm-packlist 5 packs it)");
	}
	return 0;
}

/* npm-packlist 10's processPackage: the "package.json" and strict rule sets of the root. */
static int npm_root_rules(struct pk *k, struct level *L, const struct jv *m, char **req,
			  size_t nreq)
{
	static const char *const strict_tail[] = {
		"/.git",      "/node_modules",	 ".npmrc",    "/package-lock.json",
		"/yarn.lock", "/pnpm-lock.yaml", "/bun.lockb"};
	const struct jv *files = jv_get(m, "files");
	struct ruleset *pkg = &L->rs[RS_PKG], *st = &L->rs[RS_STRICT];
	struct rk_buf r = RK_BUF_INIT;
	size_t cap = 0;
	int rc = 0;

	if (files) {
		add_rule(pkg, "*", k->why);
		/* the file entries first (unshift), then the fixed ones */
		for (size_t i = 0; i < files->n && rc == 0; i++) {
			const char *f = files->kids[i].s;
			struct rk_buf p = RK_BUF_INIT;
			struct stat sb;
			const char *bare;

			rk_buf_reset(&r);
			if (!strncmp(f, "./", 2))
				f++;
			rk_buf_addf(&r, "!%s%s", f,
				    strlen(f) >= 2 && !strcmp(f + strlen(f) - 2, "/*") ? "*" : "");
			bare = r.data + 1 + strspn(r.data + 1, "!");
			rk_buf_addf(&p, "%s/%s", k->o->dir, bare);
			if (strstr(bare, "..")) {
				rc = nope(k->why, "\"files\" entry %s: '..'", f);
			} else if (lstat(p.data, &sb) == 0 && S_ISREG(sb.st_mode)) {
				rc = add_rule(st, r.data, k->why);
				if (rc == 0 && r.data[1] != '!') {
					char *q = rk_xstrdup(r.data[1] == '/' ? r.data + 2
									      : r.data + 1);

					if (rk_path_normalize(q) != 0 || strstr(r.data, "//") ||
					    strstr(r.data, "./")) {
						free(q);
						rc = nope(k->why, "\"files\" entry %s", f);
					} else {
						RK_GROW(L->required, cap, L->nreq + 1);
						L->required[L->nreq++] = q;
					}
				}
			} else if (lstat(p.data, &sb) == 0 && S_ISDIR(sb.st_mode)) {
				rc = add_rule(pkg, r.data, k->why);
				rk_buf_adds(&r, "/**");
				if (rc == 0)
					rc = add_rule(pkg, r.data, k->why);
			} else if (lstat(p.data, &sb) != 0) {
				rc = add_rule(pkg, r.data, k->why);
			}
			rk_buf_release(&p);
		}
	}
	if (rc == 0) {
		add_rule(st, "/.git", k->why);
		add_rule(st, "!/package.json", k->why);
		add_must_rule(st, true, true);
		for (size_t i = 0; i < RK_ARRAY_SIZE(strict_tail); i++)
			add_rule(st, strict_tail[i], k->why);
		for (size_t i = 0; i < nreq && rc == 0; i++) {
			rk_buf_reset(&r);
			rk_buf_addf(&r, "!/%s", req[i]);
			rc = add_rule(st, r.data, k->why);
		}
		st->on = true;
	}
	rk_buf_release(&r);
	return rc;
}

/* npm-packlist 5 without "files": the package-necessary rules; with "files": the root entries. */
static int pnpm_root(struct pk *k, struct level *L, const struct jv *m, char **req, size_t nreq,
		     char ***entries, size_t *nent)
{
	const struct jv *files = jv_get(m, "files");
	struct rk_buf r = RK_BUF_INIT;
	int rc = 0;

	if (!files) {
		struct ruleset *st = &L->rs[RS_STRICT];

		for (size_t i = 0; i < nreq && rc == 0; i++) {
			rk_buf_reset(&r);
			rk_buf_addf(&r, "!/%s", req[i]);
			rc = add_rule(st, r.data, k->why);
		}
		add_rule(st, "!/package.json", k->why);
		add_rule(st, "!/npm-shrinkwrap.json", k->why);
		add_rule(st, "/package-lock.json", k->why);
		add_must_rule(st, true, false);
		rk_buf_release(&r);
		return rc;
	}
	/* "files": the root's entries are what the patterns name (literal paths only) */
	if (exists(k->o->dir, ".npmignore") || exists(k->o->dir, ".gitignore")) {
		rk_buf_release(&r);
		return nope(k->why, "pnpm: \"files\" with a root .npmignore/.gitignore");
	}
	{
		char **ent = NULL;
		size_t n = 0, cap = 0;

		for (size_t i = 0; i < files->n + nreq + 2 && rc == 0; i++) {
			const char *f = i < files->n	       ? files->kids[i].s
					: i < files->n + nreq  ? req[i - files->n]
					: i == files->n + nreq ? "package.json"
							       : "npm-shrinkwrap.json";
			char *q;

			if (*f == '!' || has_magic(f)) {
				rc = nope(k->why, "pnpm: \"files\" entry %s (a pattern)", f);
				break;
			}
			/* pattern.replace(/^\.?\/+/, "") */
			if (f[0] == '.' && f[1] == '/')
				f++;
			f += strspn(f, "/");
			q = rk_xstrdup(f);
			while (*q && q[strlen(q) - 1] == '/')
				q[strlen(q) - 1] = 0;
			if (!*q || strstr(q, "..") || strstr(q, "//") || !exists(k->o->dir, q) ||
			    has_entry(ent, n, q)) {
				free(q);
				continue;
			}
			RK_GROW(ent, cap, n + 1);
			ent[n++] = q;
		}
		/* the must-have names at the root */
		if (rc == 0) {
			char **all;
			size_t na;

			rc = read_entries(k, k->o->dir, &all, &na);
			for (size_t i = 0; rc == 0 && i < na; i++)
				if (must_have_name(all[i]) && !has_entry(ent, n, all[i])) {
					RK_GROW(ent, cap, n + 1);
					ent[n++] = rk_xstrdup(all[i]);
				}
			if (rc == 0)
				free_entries(all, na);
		}
		if (rc) {
			free_entries(ent, n);
		} else {
			*entries = ent;
			*nent = n;
		}
	}
	rk_buf_release(&r);
	return rc;
}

static int tar_name_ok(const char *path, struct rk_buf *why)
{
	char full[600];
	size_t n;

	snprintf(full, sizeof(full), "package/%s", path);
	n = strlen(full);
	if (n <= 100)
		return 0;
	for (const char *s = full; n < sizeof(full) - 1 && (s = strchr(s, '/')) != NULL; s++)
		if ((size_t)(s - full) <= 155 && n - (size_t)(s - full) - 1 <= 100)
			return 0;
	return nope(why, "%s: too long for a ustar header", path);
}

int rk_npmpack_list(const struct rk_npmpack_opts *o, struct rk_npmpack_list *out,
		    struct rk_buf *why, struct rk_err *err)
{
	struct pk k = {o, o->tool == RK_NPMPACK_PNPM, out, why, err};
	struct rk_buf pj = RK_BUF_INIT, path = RK_BUF_INIT;
	struct rk_json d;
	struct jv m = {0};
	struct level root;
	char **entries = NULL, **req = NULL;
	size_t nent = 0, nreq = 0, nmain = 0;
	const char *name, *version;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&root, 0, sizeof(root));
	rk_json_init(&d);
	rk_buf_addf(&path, "%s/package.json", o->dir);
	if (rk_buf_read_file(&pj, path.data) != 0) {
		rc = rk_err_set(err, NULL, 0, 0, "%s: %s", path.data, strerror(errno));
		goto out;
	}
	if (pj.len >= 3 && !memcmp(pj.data, "\xEF\xBB\xBF", 3)) {
		rc = nope(why, "package.json starts with a BOM");
		goto out;
	}
	if (rk_json_parse(&d, pj.data ? pj.data : "", pj.len, path.data, 1, err) != 0) {
		char loc[RK_ERR_MAX];

		/* the location into the message: path is freed on return */
		rk_err_format(err, loc, sizeof(loc));
		rc = rk_err_set(err, NULL, 0, 0, "%s", loc);
		goto out;
	}
	if (rk_json_type(&d, 0) != RK_JSON_OBJECT) {
		rc = rk_err_set(err, NULL, 0, 0, "%s:1:1: not a JSON object", path.data);
		goto out;
	}
	rc = jv_from(&d, 0, &m, why);
	if (rc == 0)
		rc = checks(&k, &m);
	if (rc == 0 && k.pnpm)
		rc = pnpm_manifest(&k, &m);
	if (rc)
		goto out;
	name = jv_str(&m, "name");
	version = jv_str(&m, "version");
	if (!name || !*name || !version || !*version) {
		rc = nope(why, "package.json: no name or version (the tool says what)");
		goto out;
	}
	out->name = rk_xstrdup(name);
	out->version = rk_xstrdup(version);
	if (k.pnpm) {
		jv_write(&m, 0, &out->manifest);
	} else {
		rk_buf_add(&out->manifest, pj.data, pj.len);
	}
	/* the rule sets of the root */
	rc = required_paths(&k, &m, &req, &nreq, &nmain);
	if (rc)
		goto out;
	/* every default rule excludes: their order does not matter */
	for (size_t j = 0; j < RK_ARRAY_SIZE(defaults_npm); j++)
		add_rule(&root.rs[RS_DEFAULT], defaults_npm[j], why);
	if (k.pnpm) {
		for (size_t j = 0; j < RK_ARRAY_SIZE(defaults_pnpm_more); j++)
			add_rule(&root.rs[RS_DEFAULT], defaults_pnpm_more[j], why);
		rc = pnpm_root(&k, &root, &m, req, nreq, &entries, &nent);
	} else {
		rc = npm_root_rules(&k, &root, &m, req, nreq);
	}
	if (rc == 0 && !entries) {
		rc = read_entries(&k, o->dir, &entries, &nent);
		if (rc == 0 && k.pnpm) { /* npm-packlist 5 drops these at the project root */
			for (size_t i = 0; i < nent; i++)
				if (!strcmp(entries[i], ".git") ||
				    !strcmp(entries[i], "node_modules"))
					entries[i][0] = '*'; /* skipped by the walk */
		}
	}
	if (rc == 0)
		rc = walk(&k, &root, o->dir, "", entries, nent);
	/* pnpm: the workspace root's LICENSE when the package has none */
	if (rc == 0 && k.pnpm && o->workspace_dir && strcmp(o->workspace_dir, o->dir)) {
		bool lic = false;

		for (size_t i = 0; i < out->n && !lic; i++)
			for (const char *s = out->v[i].path; *s && !lic; s++)
				lic = !strncasecmp(s, "licen", 5) &&
				      (s[5] == 'c' || s[5] == 's' || s[5] == 'C' || s[5] == 'S') &&
				      (s[6] == 'e' || s[6] == 'E') &&
				      (!s[7] || (s[7] == '.' && s[8]));
		if (!lic) {
			char **ws;
			size_t nws;

			rc = read_entries(&k, o->workspace_dir, &ws, &nws);
			for (size_t i = 0; rc == 0 && i < nws; i++) {
				const char *f = ws[i];
				struct rk_buf a = RK_BUF_INIT;
				struct stat sb;

				if ((strncmp(f, "LICENSE", 7) && strncmp(f, "LICENCE", 7)) ||
				    (f[7] && f[7] != '.'))
					continue;
				rk_buf_addf(&a, "%s/%s", o->workspace_dir, f);
				if (stat(a.data, &sb) == 0 && S_ISREG(sb.st_mode))
					add_file(&k, f, a.data, sb.st_mode);
				rk_buf_release(&a);
			}
			if (rc == 0)
				free_entries(ws, nws);
		}
	}
	/* modes: pnpm makes the bin files 0755, the rest 0644; npm (pacote and
	 * node-tar's portable mode) adds x to the bin files to the file's own mode,
	 * then (mode | 0600) & ~022 */
	for (size_t i = 0; rc == 0 && i < out->n; i++) {
		bool bin = false;

		for (size_t j = nmain; j < nreq && !bin; j++)
			bin = !strcmp(out->v[i].path, req[j]);
		if (k.pnpm)
			out->v[i].mode = bin ? 0755 : 0644;
		else
			out->v[i].mode = ((out->v[i].mode | (bin ? 0111 : 0)) | 0600) & ~022;
		rc = tar_name_ok(out->v[i].path, why);
	}
	if (rc == 0 && out->n)
		qsort(out->v, out->n, sizeof(*out->v), cmp_file);
out:
	free_entries(entries, nent);
	free_entries(req, nreq);
	for (int s = 0; s < RS_N; s++)
		rules_free(&root.rs[s]);
	free_entries(root.required, root.nreq);
	jv_free(&m);
	rk_json_release(&d);
	rk_buf_release(&pj);
	rk_buf_release(&path);
	if (rc)
		rk_npmpack_list_release(out);
	return rc;
}

/* ==== the tarball ==== */

static void octal(char *f, size_t w, unsigned long long v)
{
	char tmp[32];

	snprintf(tmp, sizeof(tmp), "%0*llo", (int)w - 1, v);
	memcpy(f, tmp, w - 1);
	f[w - 1] = 0;
}

static void tar_entry(struct rk_buf *t, const char *path, int mode, const void *data, size_t n)
{
	unsigned char h[512];
	char full[512];
	unsigned sum = 0;
	size_t fl, pad;

	memset(h, 0, sizeof(h));
	snprintf(full, sizeof(full), "package/%s", path);
	fl = strlen(full);
	if (fl <= 100) {
		memcpy(h, full, fl);
	} else { /* split at the last '/' that fits: prefix (155) / name (100) */
		const char *s = full + fl;

		while (s > full &&
		       (*s != '/' || (size_t)(s - full) > 155 || fl - (size_t)(s - full) - 1 > 100))
			s--;
		memcpy(h + 345, full, (size_t)(s - full));
		memcpy(h, s + 1, fl - (size_t)(s - full) - 1);
	}
	octal((char *)h + 100, 8, (unsigned)mode);
	octal((char *)h + 108, 8, 0);
	octal((char *)h + 116, 8, 0);
	octal((char *)h + 124, 12, n);
	octal((char *)h + 136, 12, 499162500); /* 1985-10-26T08:15:00Z, as npm and pnpm */
	memset(h + 148, ' ', 8);
	h[156] = '0';
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	for (size_t i = 0; i < sizeof(h); i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	h[155] = ' ';
	rk_buf_add(t, h, sizeof(h));
	rk_buf_add(t, data, n);
	pad = (512 - n % 512) % 512;
	memset(h, 0, sizeof(h));
	rk_buf_add(t, h, pad);
}

static int gzip_buf(const struct rk_buf *in, struct rk_buf *out)
{
	z_stream z;
	int zr;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	rk_buf_grow(out, deflateBound(&z, in->len) + 64);
	z.next_in = (unsigned char *)in->data;
	z.avail_in = (uInt)in->len;
	z.next_out = (unsigned char *)out->data;
	z.avail_out = (uInt)(deflateBound(&z, in->len) + 64);
	zr = deflate(&z, Z_FINISH);
	out->len = z.total_out;
	deflateEnd(&z);
	return zr == Z_STREAM_END ? 0 : -1;
}

int rk_npmpack(const struct rk_npmpack_opts *o, const char *out_dir, struct rk_buf *file,
	       struct rk_buf *why, struct rk_err *err)
{
	struct rk_npmpack_list l;
	struct rk_buf t = RK_BUF_INIT, gz = RK_BUF_INIT, b = RK_BUF_INIT, dest = RK_BUF_INIT;
	int rc = rk_npmpack_list(o, &l, why, err);

	if (rc)
		return rc;
	for (size_t i = 0; i < l.n && rc == 0; i++) {
		if (!strcmp(l.v[i].path, "package.json")) {
			tar_entry(&t, "package.json", l.v[i].mode, l.manifest.data, l.manifest.len);
			continue;
		}
		rk_buf_reset(&b);
		if (rk_buf_read_file(&b, l.v[i].src) != 0)
			rc = rk_err_set(err, NULL, 0, 0, "%s: %s", l.v[i].src, strerror(errno));
		else if (b.len > 077777777777ULL)
			rc = nope(why, "%s: too large for a ustar header", l.v[i].path);
		else
			tar_entry(&t, l.v[i].path, l.v[i].mode, b.data ? b.data : "", b.len);
	}
	if (rc)
		goto out;
	rk_buf_grow(&t, 1024);
	memset(t.data + t.len, 0, 1024);
	t.len += 1024;
	if (gzip_buf(&t, &gz) != 0) {
		rc = rk_err_set(err, NULL, 0, 0, "%s: gzip failed", l.name);
		goto out;
	}
	/* name.replace('@', '').replace('/', '-') */
	rk_buf_reset(file);
	{
		const char *at = strchr(l.name, '@');
		char *sl;
		struct rk_buf n = RK_BUF_INIT;

		if (at) {
			rk_buf_add(&n, l.name, (size_t)(at - l.name));
			rk_buf_adds(&n, at + 1);
		} else {
			rk_buf_adds(&n, l.name);
		}
		sl = strchr(n.data, '/');
		if (sl)
			*sl = '-';
		rk_buf_addf(file, "%s-%s.tgz", n.data, l.version);
		rk_buf_release(&n);
	}
	if (strchr(file->data, '/')) {
		rc = nope(why, "%s: a tarball name with '/'", file->data);
		goto out;
	}
	rk_buf_addf(&dest, "%s/%s", out_dir, file->data);
	if (rk_write_file_atomic(dest.data, gz.data, gz.len, 0644) != 0)
		rc = rk_err_set(err, NULL, 0, 0, "%s: %s", dest.data, strerror(errno));
out:
	rk_npmpack_list_release(&l);
	rk_buf_release(&t);
	rk_buf_release(&gz);
	rk_buf_release(&b);
	rk_buf_release(&dest);
	return rc;
}
