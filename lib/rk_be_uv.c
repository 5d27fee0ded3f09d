/*
 * rk_be_uv.c - the Python backend (uv): pyproject.toml.
 *
 * Version sources, in order:
 *   [project].version                     the string, in place
 *   dynamic = ["version"] and
 *     [tool.hatch.version] path            hatch's default pattern:
 *                                          __version__ / VERSION = "..."
 *     [tool.pdm.version] source = "file"   the same pattern in path
 *     [tool.setuptools.dynamic] version =
 *       {attr = "pkg.mod.ATTR"}            ATTR = "..." in pkg/mod.py or
 *                                          pkg/mod/__init__.py (under the
 *                                          package-dir root, else ".", "src")
 *       {file = "VERSION"}                 the file's first line
 *     build-backend flit_core              <module>/__init__.py __version__
 * A custom hatch `pattern` and version sources that are not files (vcs)
 * are refused with a clear error.
 *
 * Dependencies: PEP 508 strings in [project] dependencies,
 * optional-dependencies, [dependency-groups], [tool.uv] dev-dependencies
 * and [build-system] requires; only the version specifier inside the
 * string changes (name, extras, marker and quoting stay).
 *
 * Publishing: uv build --package NAME (wheel and sdist); the uv index's
 * publish-url ([[tool.uv.index]]), UV_PUBLISH_URL, UV_PUBLISH_TOKEN. Poll:
 * the simple index (rk_poll_check_pypi); smoke test: rk_smoke_uv.
 */
#include "rk_common.h"
#include "rk_pubops.h"
#include "rk_toml.h"

#include <ctype.h>
#include <strings.h>

#include "rk_be.h"
#include "rk_poll.h"
#include "rk_smoke.h"
#include "rk_pep508.h"
#include "rk_spec.h"

enum vkind { V_STATIC, V_ASSIGN, V_WHOLE };

struct vsrc {
	enum vkind kind;
	char *path;    /* file relative to root */
	char *attr;    /* V_ASSIGN: the name; NULL: hatch's __version__|VERSION */
	size_t so, eo; /* the version's span in the file's pending content */
	struct rk_edit *e;
};

static void vsrc_release(struct vsrc *v)
{
	free(v->path);
	free(v->attr);
}

static bool ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* Find `NAME = "value"` at the start of a line; the value's span. */
static int find_assign(struct rk_edit *e, const char *attr, size_t *so, size_t *eo,
		       struct rk_err *err)
{
	const char *s = e->after.data ? e->after.data : "";
	size_t len = e->after.len, i = 0;

	while (i < len) {
		size_t j = i, nl;
		const char *end = memchr(s + i, '\n', len - i);

		nl = end ? (size_t)(end - s) + 1 : len;
		if (attr) {
			size_t n = strlen(attr);
			if (j + n <= nl && !memcmp(s + j, attr, n) && !ident_char(s[j + n]))
				j += n;
			else
				goto next;
		} else if (j + 11 <= nl && !strncasecmp(s + j, "__version__", 11) &&
			   !ident_char(s[j + 11])) {
			j += 11;
		} else if (j + 7 <= nl && !strncasecmp(s + j, "version", 7) &&
			   !ident_char(s[j + 7])) {
			j += 7;
		} else {
			goto next;
		}
		while (j < nl && (s[j] == ' ' || s[j] == '\t'))
			j++;
		if (j < nl && s[j] == ':') { /* an annotation: __version__: str = "..." */
			while (j < nl && s[j] != '=')
				j++;
		}
		if (j >= nl || s[j] != '=' || (j + 1 < nl && s[j + 1] == '='))
			goto next;
		j++;
		while (j < nl && (s[j] == ' ' || s[j] == '\t'))
			j++;
		if (j < nl && (s[j] == '"' || s[j] == '\'')) {
			char q = s[j];
			size_t k = ++j;

			if (k < nl && s[k] == 'v')
				k++, j++;
			while (k < nl && s[k] != q && s[k] != '\n')
				k++;
			if (k < nl && s[k] == q && k > j) {
				*so = j;
				*eo = k;
				return 0;
			}
		}
	next:
		i = nl;
	}
	return rk_be_fail(err, "%s: no %s = \"...\" assignment", e->path,
			  attr ? attr : "__version__");
}

static const struct rk_toml_value *project(const struct rk_toml_doc *doc)
{
	return rk_toml_get(rk_toml_root(doc), "project");
}

static bool is_dynamic(const struct rk_toml_value *proj)
{
	const struct rk_toml_value *d = rk_toml_get(proj, "dynamic");

	for (size_t i = 0; rk_toml_type(d) == RK_TOML_ARRAY && i < rk_toml_len(d); i++) {
		const char *s = rk_toml_str(rk_toml_at(d, i));
		if (s && !strcmp(s, "version"))
			return true;
	}
	return false;
}

static int setuptools_attr(const struct rk_be_pkg *p, const struct rk_toml_doc *doc,
			   const char *attr, struct vsrc *out, struct rk_err *err)
{
	const char *dot = strrchr(attr, '.');
	const char *rootdir = rk_toml_str(rk_toml_get(
		rk_toml_path(rk_toml_root(doc), "tool", "setuptools", "package-dir", NULL), ""));
	const char *bases[] = {rootdir, rootdir ? NULL : ".", rootdir ? NULL : "src"};
	struct rk_buf mod = RK_BUF_INIT;

	if (!dot || dot == attr)
		return rk_be_fail(err, "%s: setuptools version attr '%s' names no module",
				  p->manifest, attr);
	for (const char *c = attr; c < dot; c++)
		rk_buf_addc(&mod, *c == '.' ? '/' : *c);
	for (size_t b = 0; b < RK_ARRAY_SIZE(bases); b++) {
		static const char *const tails[] = {".py", "/__init__.py"};

		if (!bases[b])
			continue;
		for (size_t t = 0; t < 2; t++) {
			struct rk_buf rel = RK_BUF_INIT;
			char *base = rk_be_join(p->path, bases[b]), *full;

			rk_buf_addf(&rel, "%s/%s%s", base, mod.data, tails[t]);
			free(base);
			full = rk_be_join(NULL, rel.data);
			rk_buf_release(&rel);
			{
				struct rk_buf f = RK_BUF_INIT;
				rk_buf_addf(&f, "%s/%s", p->root, full);
				if (rk_is_file(f.data)) {
					rk_buf_release(&f);
					rk_buf_release(&mod);
					out->kind = V_ASSIGN;
					out->path = full;
					out->attr = rk_xstrdup(dot + 1);
					return 0;
				}
				rk_buf_release(&f);
			}
			free(full);
		}
	}
	rk_be_fail(err, "%s: setuptools version attr '%s': no module file %s.py or %s/__init__.py",
		   p->manifest, attr, mod.data, mod.data);
	rk_buf_release(&mod);
	return -1;
}

static int hatch_like(const struct rk_be_pkg *p, const struct rk_toml_value *t, const char *tool,
		      struct vsrc *out, struct rk_err *err)
{
	const char *src = rk_toml_str(rk_toml_get(t, "source"));
	const char *path = rk_toml_str(rk_toml_get(t, "path"));

	if (src && strcmp(src, !strcmp(tool, "pdm") ? "file" : "regex"))
		return rk_be_fail(
			err,
			"%s: [tool.%s.version] source '%s' is not a file: cannot set the version",
			p->manifest, tool, src);
	if (rk_toml_get(t, "pattern") && rk_toml_type(rk_toml_get(t, "pattern")) == RK_TOML_STRING)
		return rk_be_fail(err, "%s: a custom [tool.%s.version] pattern is not supported",
				  p->manifest, tool);
	if (!path)
		return rk_be_fail(err, "%s: [tool.%s.version] has no path", p->manifest, tool);
	out->kind = V_ASSIGN;
	out->path = rk_be_join(p->path, path);
	return 0;
}

/* Where the version lives; fills out (its span too). */
static int version_source(const struct rk_be_pkg *p, struct rk_edits *ed, struct vsrc *out,
			  struct rk_err *err)
{
	struct rk_edit *e = rk_edits_get(ed, p->root, p->manifest, err);
	struct rk_toml_doc *doc;
	const struct rk_toml_value *proj, *v, *root, *hatch, *pdm, *setuptools;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (!e)
		return -1;
	doc = rk_be_toml(e, err);
	if (!doc)
		return -1;
	root = rk_toml_root(doc);
	hatch = rk_toml_path(root, "tool", "hatch", "version", NULL);
	pdm = rk_toml_path(root, "tool", "pdm", "version", NULL);
	setuptools = rk_toml_path(root, "tool", "setuptools", "dynamic", "version", NULL);
	proj = project(doc);
	v = rk_toml_get(proj, "version");
	if (!proj) {
		rc = rk_be_fail(err, "%s: no [project] table", p->manifest);
	} else if (v) {
		struct rk_toml_span sp = rk_toml_span(v);

		if (rk_toml_type(v) != RK_TOML_STRING)
			rc = rk_be_fail(err, "%s:%ld: project.version is not a string", p->manifest,
					sp.line);
		out->kind = V_STATIC;
		out->path = rk_xstrdup(e->path);
		out->so = sp.start;
		out->eo = sp.end;
		out->e = e;
		rk_toml_free(doc);
		return rc;
	} else if (!is_dynamic(proj)) {
		rc = rk_be_fail(err, "%s: no project.version and the version is not dynamic",
				p->manifest);
	} else if (hatch) {
		rc = hatch_like(p, hatch, "hatch", out, err);
	} else if (pdm) {
		rc = hatch_like(p, pdm, "pdm", out, err);
	} else if (setuptools) {
		const char *attr = rk_toml_str(rk_toml_get(setuptools, "attr"));
		const struct rk_toml_value *f = rk_toml_get(setuptools, "file");

		if (rk_toml_type(f) == RK_TOML_ARRAY)
			f = rk_toml_at(f, 0);
		if (attr)
			rc = setuptools_attr(p, doc, attr, out, err);
		else if (rk_toml_str(f)) {
			out->kind = V_WHOLE;
			out->path = rk_be_join(p->path, rk_toml_str(f));
		} else
			rc = rk_be_fail(
				err,
				"%s: [tool.setuptools.dynamic] version has neither attr nor file",
				p->manifest);
	} else {
		const char *be =
			rk_toml_str(rk_toml_path(root, "build-system", "build-backend", NULL));

		if (be && !strncmp(be, "flit_core", 9)) {
			const char *mod = rk_toml_str(
				rk_toml_path(root, "tool", "flit", "module", "name", NULL));
			char *m = rk_xstrdup(mod ? mod : p->name);
			const char *bases[] = {"", "src/"};

			for (char *c = m; *c; c++)
				if (*c == '-' || *c == '.')
					*c = '_';
			rc = -1;
			for (size_t b = 0; b < 2 && rc < 0; b++) {
				struct rk_buf rel = RK_BUF_INIT, full = RK_BUF_INIT;
				char *j;

				rk_buf_addf(&rel, "%s%s/__init__.py", bases[b], m);
				j = rk_be_join(p->path, rel.data);
				rk_buf_addf(&full, "%s/%s", p->root, j);
				if (rk_is_file(full.data)) {
					out->kind = V_ASSIGN;
					out->path = j;
					out->attr = rk_xstrdup("__version__");
					rc = 0;
				} else
					free(j);
				rk_buf_release(&rel);
				rk_buf_release(&full);
			}
			if (rc < 0)
				rk_be_fail(err, "%s: flit module %s has no __init__.py",
					   p->manifest, m);
			free(m);
		} else {
			rc = rk_be_fail(
				err,
				"%s: the version is dynamic and its source is not one releasekit can write (hatch path, pdm file, setuptools attr/file, flit)",
				p->manifest);
		}
	}
	rk_toml_free(doc);
	if (rc < 0)
		return -1;
	out->e = rk_edits_get(ed, p->root, out->path, err);
	if (!out->e)
		return -1;
	if (out->kind == V_ASSIGN)
		return find_assign(out->e, out->attr, &out->so, &out->eo, err);
	/* V_WHOLE: the first line, trimmed */
	{
		const char *s = out->e->after.data;
		size_t n = out->e->after.len, a = 0, b;

		while (a < n && isspace((unsigned char)s[a]))
			a++;
		b = a;
		while (b < n && !isspace((unsigned char)s[b]))
			b++;
		if (a == b)
			return rk_be_fail(err, "%s: empty version file", out->path);
		out->so = a;
		out->eo = b;
	}
	return 0;
}

/*
 * The version where version_source finds it, the one lookup of
 * read_version and write_version: copied to *out when set is NULL,
 * else set to set (nothing when it is already set).
 */
static int uv_version(const struct rk_be_pkg *p, struct rk_edits *ed, const char *set, char **out,
		      struct rk_err *err)
{
	struct vsrc v;
	int rc = -1;

	if (version_source(p, ed, &v, err) < 0)
		goto out;
	if (v.kind == V_STATIC) {
		struct rk_toml_doc *doc = rk_be_toml(v.e, err);
		const struct rk_toml_value *val;

		if (!doc)
			goto out;
		val = rk_toml_get(project(doc), "version");
		if (!set)
			*out = rk_xstrdup(rk_toml_str(val));
		else if (strcmp(rk_toml_str(val), set))
			rk_be_toml_set(v.e, doc, val, set);
		rk_toml_free(doc);
	} else if (!set) {
		*out = rk_xstrndup(v.e->after.data + v.so, v.eo - v.so);
	} else if (v.eo - v.so != strlen(set) || memcmp(v.e->after.data + v.so, set, v.eo - v.so)) {
		rk_be_splice(v.e, v.so, v.eo, set, strlen(set));
	}
	rc = 0;
out:
	vsrc_release(&v);
	return rc;
}

static int uv_read_version(const struct rk_be_pkg *p, struct rk_edits *ed, char **out,
			   struct rk_err *err)
{
	return uv_version(p, ed, NULL, out, err);
}

static int uv_write_version(const struct rk_be_pkg *p, const char *version, struct rk_edits *ed,
			    struct rk_err *err)
{
	return uv_version(p, ed, version, NULL, err);
}

/* ---- dependency specifiers ---- */

/* The new requirement string, or NULL when it stays. */
static int rewrite_req(const char *req, const char *dep, const char *version,
		       enum rk_spec_mode mode, char **out, struct rk_err *err)
{
	struct rk_pep508 r;
	char *a, *b, *nw = NULL;
	int rc = 0;

	*out = NULL;
	if (rk_pep508_parse(&r, req, err) < 0)
		return 0; /* not a requirement (discovery reports those) */
	a = rk_pep503_normalize(r.name, strlen(r.name));
	b = rk_pep503_normalize(dep, strlen(dep));
	if (!strcmp(a, b) && !r.url) {
		rc = rk_spec_rewrite(RK_SPEC_PEP440, r.spec, version, mode, &nw, err);
		if (rc == 0 && nw) {
			const char *nm = strstr(req, r.name), *at, *sp;
			struct rk_buf o = RK_BUF_INIT;

			at = nm ? nm + strlen(r.name) : req;
			sp = *r.spec ? strstr(at, r.spec) : NULL;
			if (sp) {
				rk_buf_add(&o, req, (size_t)(sp - req));
				rk_buf_adds(&o, nw);
				rk_buf_adds(&o, sp + strlen(r.spec));
			} else {
				/* no specifier yet: after the name and its extras */
				const char *q = at;
				while (*q == ' ' || *q == '\t')
					q++;
				if (*q == '[') {
					const char *c = strchr(q, ']');
					at = c ? c + 1 : q;
				}
				rk_buf_add(&o, req, (size_t)(at - req));
				rk_buf_adds(&o, nw);
				rk_buf_adds(&o, at);
			}
			*out = rk_buf_detach(&o, NULL);
			free(nw);
		}
	}
	free(a);
	free(b);
	rk_pep508_release(&r);
	return rc;
}

/* The requirement arrays of a pyproject.toml, in document order of lookup. */
static void req_arrays(const struct rk_toml_doc *doc, const struct rk_toml_value **v, size_t *n,
		       size_t max)
{
	const struct rk_toml_value *root = rk_toml_root(doc), *t;

	*n = 0;
#define PUSH(x)                                                                                    \
	do {                                                                                       \
		if (rk_toml_type(x) == RK_TOML_ARRAY && *n < max)                                  \
			v[(*n)++] = (x);                                                           \
	} while (0)
	PUSH(rk_toml_path(root, "project", "dependencies", NULL));
	t = rk_toml_path(root, "project", "optional-dependencies", NULL);
	for (size_t i = 0; rk_toml_type(t) == RK_TOML_TABLE && i < rk_toml_len(t); i++)
		PUSH(rk_toml_at(t, i));
	t = rk_toml_get(root, "dependency-groups");
	for (size_t i = 0; rk_toml_type(t) == RK_TOML_TABLE && i < rk_toml_len(t); i++)
		PUSH(rk_toml_at(t, i));
	PUSH(rk_toml_path(root, "tool", "uv", "dev-dependencies", NULL));
	PUSH(rk_toml_path(root, "build-system", "requires", NULL));
#undef PUSH
}

static int uv_set_dep_spec(const struct rk_be_pkg *p, const char *dep, const char *version,
			   enum rk_spec_mode mode, struct rk_edits *ed, bool *changed,
			   struct rk_err *err)
{
	struct rk_edit *e = rk_edits_get(ed, p->root, p->manifest, err);

	*changed = false;
	if (!e)
		return -1;
	for (bool again = true; again;) {
		struct rk_toml_doc *doc = rk_be_toml(e, err);
		const struct rk_toml_value *arr[256];
		size_t narr;

		again = false;
		if (!doc)
			return -1;
		req_arrays(doc, arr, &narr, RK_ARRAY_SIZE(arr));
		for (size_t i = 0; i < narr && !again; i++) {
			for (size_t k = 0; k < rk_toml_len(arr[i]) && !again; k++) {
				const struct rk_toml_value *el = rk_toml_at(arr[i], k);
				const char *s = rk_toml_str(el);
				char *nw;

				if (!s)
					continue; /* {include-group = ...} */
				if (rewrite_req(s, dep, version, mode, &nw, err) < 0) {
					char msg[RK_ERR_MAX];

					snprintf(msg, sizeof(msg), "%s", err->msg);
					rk_toml_free(doc);
					return rk_be_fail(err, "%s:%ld: '%s': %s", p->manifest,
							  rk_toml_span(el).line, s, msg);
				}
				if (nw) {
					rk_be_toml_set(e, doc, el, nw);
					free(nw);
					*changed = again = true;
				}
			}
		}
		rk_toml_free(doc);
	}
	return 0;
}

static int uv_lock_cmd(const struct rk_be_pkg *ws, struct rk_be_cmd *out, struct rk_err *err)
{
	static const char *const argv[] = {"uv", "lock", "--offline", NULL};

	if (ws->manager && strcmp(ws->manager, "uv"))
		return rk_be_fail(err, "%s: lockfile refresh with %s is not supported",
				  ws->path ? ws->path : ".", ws->manager);
	rk_be_cmd_set(out, ws, "uv.lock", argv);
	return 0;
}

/* ---- publishing (was rk_pub_uv.c) ---- */
static int uv_build(const struct rk_pub_pkg *p, const char *dist, struct rk_err *err)
{
	struct rk_buf cwd = RK_BUF_INIT, src = RK_BUF_INIT;
	int rc;

	if (p->workspace) {
		char *argv[] = {(char *)"uv",
				(char *)"build",
				(char *)"--package",
				(char *)p->name,
				(char *)"--out-dir",
				(char *)dist,
				(char *)"--no-progress",
				NULL};

		rk_buf_addf(&cwd, "%s/%s", p->root, p->workspace);
		rc = rk_pub_run(argv, cwd.data, 1800, err);
	} else {
		char *argv[] = {(char *)"uv", (char *)"build",	       NULL, (char *)"--out-dir",
				(char *)dist, (char *)"--no-progress", NULL};

		rk_buf_addf(&src, "%s/%s", p->root, p->path);
		argv[2] = src.data;
		rc = rk_pub_run(argv, p->root, 1800, err);
	}
	rk_buf_release(&cwd);
	rk_buf_release(&src);
	return rc;
}

/* The first [[tool.uv.index]] with a publish-url in file (relative to root):
 * url and publish-url into r. */
static void uv_index_from(const struct rk_pub_pkg *p, const char *rel, struct rk_reg *r,
			  struct rk_pub_keep *keep)
{
	struct rk_buf path = RK_BUF_INIT;
	struct rk_err e = {0};
	struct rk_toml_doc *doc;
	const struct rk_toml_value *idx;
	size_t i;

	rk_buf_addf(&path, "%s/%s", p->root, rel);
	doc = rk_is_file(path.data) ? rk_toml_parse_file(path.data, &e) : NULL;
	idx = doc ? rk_toml_path(rk_toml_root(doc), "tool", "uv", "index", NULL) : NULL;
	for (i = 0; idx && rk_toml_type(idx) == RK_TOML_ARRAY && i < rk_toml_len(idx); i++) {
		const struct rk_toml_value *e1 = rk_toml_at(idx, i);
		const char *pub = rk_toml_str(rk_toml_get(e1, "publish-url"));

		if (!pub)
			continue;
		if (!r->url)
			r->url = rk_pub_keep(keep, pub);
		if (!r->index)
			r->index = rk_pub_keep(keep, rk_toml_str(rk_toml_get(e1, "url")));
		break;
	}
	rk_toml_free(doc);
	rk_buf_release(&path);
}

static int uv_target(const struct rk_pub_pkg *p, struct rk_reg *r, struct rk_pub_keep *keep,
		     struct rk_err *err)
{
	struct rk_buf ws = RK_BUF_INIT, simple = RK_BUF_INIT;
	const char *tok;

	(void)err;
	r->kind = "pypi";
	r->url = rk_pub_keep(keep, p->registry_url);
	r->index = rk_pub_keep(keep, p->index_url);
	if (!r->url)
		r->url = rk_pub_keep(keep, rk_pub_env("UV_PUBLISH_URL"));
	uv_index_from(p, p->manifest, r, keep);
	if (p->workspace) {
		rk_buf_addf(&ws, "%s/pyproject.toml", p->workspace);
		uv_index_from(p, ws.data, r, keep);
	}
	if (!r->url) {
		r->url = "https://upload.pypi.org/legacy/";
		if (!r->index)
			r->index = "https://pypi.org/simple/";
	}
	if (!r->index) {
		const char *d = rk_pub_env("UV_DEFAULT_INDEX");

		if (!d)
			d = rk_pub_env("UV_INDEX_URL");
		if (!d) {
			/* pypiserver and devpi-style servers: /simple/ under the upload URL */
			rk_buf_adds(&simple, r->url);
			if (simple.len && simple.data[simple.len - 1] != '/')
				rk_buf_addc(&simple, '/');
			rk_buf_adds(&simple, "simple/");
			d = simple.data;
		}
		r->index = rk_pub_keep(keep, d);
	}
	tok = p->token_env ? rk_pub_env(p->token_env) : NULL;
	if (!tok)
		tok = rk_pub_env("UV_PUBLISH_TOKEN");
	if (!tok)
		tok = rk_pub_env("UV_PUBLISH_PASSWORD");
	r->token = rk_pub_keep(keep, tok);
	rk_buf_release(&ws);
	rk_buf_release(&simple);
	return 0;
}

static bool uv_is_artifact(const char *f)
{
	size_t n = strlen(f);

	/* .zip: the legacy sdist form, which the registries still list */
	return (n > 4 && strcmp(f + n - 4, ".whl") == 0) ||
	       (n > 7 && strcmp(f + n - 7, ".tar.gz") == 0) ||
	       (n > 4 && strcmp(f + n - 4, ".zip") == 0);
}

static const char *const uv_registry_env[] = {"RK_PYPI_SIMPLE", "UV_DEFAULT_INDEX", "PIP_INDEX_URL",
					      NULL};

const struct rk_backend rk_be_uv = {
	.ecosystem = "python",
	.read_version = uv_read_version,
	.write_version = uv_write_version,
	.set_dep_spec = uv_set_dep_spec,
	.lock_cmd = uv_lock_cmd,
	.registry_kind = "pypi",
	.build = uv_build,
	.publish_target = uv_target,
	.is_artifact = uv_is_artifact,
	.poll_opt = offsetof(struct rk_poll_opts, pypi),
	.smoke_opt = offsetof(struct rk_smoke_opts, pypi),
	.registry_hint = "--pypi or RK_PYPI_SIMPLE",
	.registry_env = uv_registry_env,
	.poll_upload_url = false,
	.poll_check = rk_poll_check_pypi,
	.download_url = NULL,
	.smoke_check = "uv pip install %s==%s; import %s",
	.smoke = rk_smoke_uv,
};
