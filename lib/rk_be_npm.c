/*
 * rk_be_npm.c - the npm backend (pnpm, npm, yarn): package.json's
 * "version" and the ranges in dependencies, devDependencies,
 * peerDependencies and optionalDependencies. Only the bytes of those
 * string values change; a UTF-8 BOM, the indentation, key order and line
 * ends stay.
 */
#include "rk_common.h"

#include "rk_be.h"
#include "rk_json.h"
#include "rk_spec.h"

/* Parse an edit's pending package.json; *skip is the BOM's length. */
static int parse_pkg(const struct rk_edit *ed, struct rk_json *d, size_t *skip, struct rk_err *err)
{
	const char *s = ed->after.data ? ed->after.data : "";
	size_t len = ed->after.len;

	*skip = len >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3) ? 3 : 0;
	if (rk_json_parse(d, s + *skip, len - *skip, ed->path, 1, err) < 0)
		return rk_be_flatten(err, ed->path);
	if (rk_json_type(d, 0) != RK_JSON_OBJECT)
		return rk_be_fail(err, "%s: not a JSON object", ed->path);
	return 0;
}

static void put_string(struct rk_edit *ed, const struct rk_json *d, int t, size_t skip,
		       const char *s)
{
	struct rk_buf q = RK_BUF_INIT;

	rk_json_quote(&q, s, strlen(s));
	rk_be_splice(ed, skip + (size_t)d->tok[t].start, skip + (size_t)d->tok[t].end, q.data,
		     q.len);
	rk_buf_release(&q);
}

static long tok_line(const struct rk_edit *ed, size_t skip, int off)
{
	long line = 1;

	for (size_t i = skip; i < skip + (size_t)off && i < ed->after.len; i++)
		line += ed->after.data[i] == '\n';
	return line;
}

static int npm_version_tok(const struct rk_be_pkg *p, struct rk_edits *ed, struct rk_edit **e,
			   struct rk_json *d, size_t *skip, int *tok, struct rk_err *err)
{
	*e = rk_edits_get(ed, p->root, p->manifest, err);
	if (!*e || parse_pkg(*e, d, skip, err) < 0)
		return -1;
	*tok = rk_json_get(d, 0, "version");
	if (*tok < 0)
		return rk_be_fail(err, "%s: no \"version\"", p->manifest);
	if (rk_json_type(d, *tok) != RK_JSON_STRING)
		return rk_be_fail(err, "%s:%ld: \"version\" is not a string", p->manifest,
				  tok_line(*e, *skip, d->tok[*tok].start));
	return 0;
}

static int npm_read_version(const struct rk_be_pkg *p, struct rk_edits *ed, char **out,
			    struct rk_err *err)
{
	struct rk_json d = RK_JSON_INIT;
	struct rk_edit *e;
	size_t skip;
	int t, rc;

	rc = npm_version_tok(p, ed, &e, &d, &skip, &t, err);
	if (rc == 0)
		*out = rk_xstrdup(rk_json_str(&d, t));
	rk_json_release(&d);
	return rc;
}

static int npm_write_version(const struct rk_be_pkg *p, const char *version, struct rk_edits *ed,
			     struct rk_err *err)
{
	struct rk_json d = RK_JSON_INIT;
	struct rk_edit *e;
	size_t skip;
	int t, rc;

	rc = npm_version_tok(p, ed, &e, &d, &skip, &t, err);
	if (rc == 0 && strcmp(rk_json_str(&d, t), version))
		put_string(e, &d, t, skip, version);
	rk_json_release(&d);
	return rc;
}

/* Specifiers that are not version ranges: left to the package manager or the user. */
static bool not_a_range(const char *s)
{
	static const char *const prefixes[] = {
		"workspace:", "file:", "link:",	 "portal:", "npm:",
		"git",	      "http:", "https:", "github:", "catalog:"};

	for (size_t i = 0; i < RK_ARRAY_SIZE(prefixes); i++)
		if (!strncmp(s, prefixes[i], strlen(prefixes[i])))
			return true;
	if (strchr(s, '/'))
		return true; /* user/repo */
	/* a dist-tag: letters first ("latest", "next") */
	return (*s >= 'a' && *s <= 'z' && *s != 'x' && *s != 'v') ||
	       (*s >= 'A' && *s <= 'Z' && *s != 'X');
}

static const char *const sections[] = {"dependencies", "devDependencies", "peerDependencies",
				       "optionalDependencies"};

static int npm_set_dep_spec(const struct rk_be_pkg *p, const char *dep, const char *version,
			    enum rk_spec_mode mode, struct rk_edits *ed, bool *changed,
			    struct rk_err *err)
{
	struct rk_json d = RK_JSON_INIT;
	struct rk_edit *e = rk_edits_get(ed, p->root, p->manifest, err);
	int rc = 0;

	*changed = false;
	if (!e)
		return -1;
	/* one change per pass: the spans move after each */
	for (bool again = true; again && rc == 0;) {
		size_t skip;

		again = false;
		if (parse_pkg(e, &d, &skip, err) < 0) {
			rc = -1;
			break;
		}
		for (size_t i = 0; i < RK_ARRAY_SIZE(sections) && !again && rc == 0; i++) {
			int sec = rk_json_get(&d, 0, sections[i]);

			if (rk_json_type(&d, sec) != RK_JSON_OBJECT)
				continue;
			for (int k = rk_json_first(&d, sec); k >= 0 && !again;
			     k = rk_json_next(&d, k)) {
				int v = rk_json_value(&d, k);
				const char *spec = rk_json_str(&d, v);
				char *nw = NULL;

				if (strcmp(rk_json_str(&d, k), dep))
					continue;
				if (!spec) {
					rc = rk_be_fail(err, "%s:%ld: %s.%s is not a string",
							p->manifest,
							tok_line(e, skip, d.tok[v].start),
							sections[i], dep);
					break;
				}
				if (not_a_range(spec))
					continue;
				if (rk_spec_rewrite(RK_SPEC_NPM, spec, version, mode, &nw, err) <
				    0) {
					char msg[RK_ERR_MAX];

					snprintf(msg, sizeof(msg), "%s", err->msg);
					rc = rk_be_fail(err, "%s:%ld: %s.%s: %s", p->manifest,
							tok_line(e, skip, d.tok[v].start),
							sections[i], dep, msg);
					break;
				}
				if (nw) {
					put_string(e, &d, v, skip, nw);
					free(nw);
					*changed = again = true;
				}
			}
		}
	}
	rk_json_release(&d);
	return rc;
}

static int npm_lock_cmd(const struct rk_be_pkg *ws, struct rk_be_cmd *out, struct rk_err *err)
{
	static const char *const pnpm[] = {"pnpm",	"install",	    "--lockfile-only",
					   "--offline", "--ignore-scripts", NULL};
	static const char *const npm[] = {"npm",       "install",	   "--package-lock-only",
					  "--offline", "--ignore-scripts", NULL};
	const char *m = ws->manager ? ws->manager : "npm";

	if (!strcmp(m, "pnpm"))
		rk_be_cmd_set(out, ws, "pnpm-lock.yaml", pnpm);
	else if (!strcmp(m, "npm"))
		rk_be_cmd_set(out, ws, "package-lock.json", npm);
	else
		return rk_be_fail(err, "%s: lockfile refresh with %s is not supported",
				  ws->path ? ws->path : ".", m);
	return 0;
}

const struct rk_backend rk_be_npm = {
	.ecosystem = "npm",
	.read_version = npm_read_version,
	.write_version = npm_write_version,
	.set_dep_spec = npm_set_dep_spec,
	.lock_cmd = npm_lock_cmd,
};
