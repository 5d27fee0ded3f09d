/*
 * rk_be_npm.c - the npm backend (pnpm, npm, yarn): package.json's
 * "version" and the ranges in dependencies, devDependencies,
 * peerDependencies and optionalDependencies. Only the bytes of those
 * string values change; a UTF-8 BOM, the indentation, key order and line
 * ends stay.
 *
 * Publishing: our own packer (rk_npmpack.h), else pnpm pack / npm pack; publishConfig.registry,
 * npm_config_registry, .npmrc, NPM_TOKEN. Poll: the packument and
 * dist-tags (rk_poll_check_npm); smoke test: rk_smoke_npm.
 */
#include "rk_common.h"
#include "rk_pubops.h"

#include "rk_be.h"
#include "rk_poll.h"
#include "rk_smoke.h"
#include "rk_json.h"
#include "rk_npmpack.h"
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

/*
 * package.json's "version", the one lookup of read_version and
 * write_version: copied to *out when set is NULL, else set to set
 * (only the string's bytes change; nothing when it is already set).
 */
static int npm_version(const struct rk_be_pkg *p, struct rk_edits *ed, const char *set, char **out,
		       struct rk_err *err)
{
	struct rk_json d = RK_JSON_INIT;
	struct rk_edit *e = rk_edits_get(ed, p->root, p->manifest, err);
	size_t skip;
	int t, rc = -1;

	if (!e || parse_pkg(e, &d, &skip, err) < 0)
		goto out;
	t = rk_json_get(&d, 0, "version");
	if (t < 0) {
		rk_be_fail(err, "%s: no \"version\"", p->manifest);
		goto out;
	}
	if (rk_json_type(&d, t) != RK_JSON_STRING) {
		rk_be_fail(err, "%s:%ld: \"version\" is not a string", p->manifest,
			   tok_line(e, skip, d.tok[t].start));
		goto out;
	}
	if (!set)
		*out = rk_xstrdup(rk_json_str(&d, t));
	else if (strcmp(rk_json_str(&d, t), set))
		put_string(e, &d, t, skip, set);
	rc = 0;
out:
	rk_json_release(&d);
	return rc;
}

static int npm_read_version(const struct rk_be_pkg *p, struct rk_edits *ed, char **out,
			    struct rk_err *err)
{
	return npm_version(p, ed, NULL, out, err);
}

static int npm_write_version(const struct rk_be_pkg *p, const char *version, struct rk_edits *ed,
			     struct rk_err *err)
{
	return npm_version(p, ed, version, NULL, err);
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

/* ---- publishing (was rk_pub_npm.c) ---- */

/*
 * The tarball pnpm pack / npm pack would make, packed in-process
 * (rk_npmpack.h) when the packer handles the package, else by the tool
 * (lifecycle scripts, bundleDependencies, ...: the note says why).
 */
static int npm_build(const struct rk_pub_pkg *p, const char *dist, struct rk_err *err)
{
	struct rk_buf cwd = RK_BUF_INIT, ws = RK_BUF_INIT, file = RK_BUF_INIT, why = RK_BUF_INIT;
	const char *tool = p->manager && strcmp(p->manager, "pnpm") == 0 ? "pnpm" : "npm";
	char *argv[] = {(char *)tool, (char *)"pack", (char *)"--pack-destination", (char *)dist,
			NULL};
	struct rk_npmpack_opts o = {0};
	int rc;

	rk_buf_addf(&cwd, "%s/%s", p->root, p->path);
	o.dir = cwd.data;
	o.tool = !strcmp(tool, "pnpm") ? RK_NPMPACK_PNPM : RK_NPMPACK_NPM;
	if (o.tool == RK_NPMPACK_PNPM && p->workspace) {
		rk_buf_addf(&ws, "%s/%s", p->root, p->workspace);
		o.workspace_dir = ws.data;
	}
	rc = rk_npmpack(&o, dist, &file, &why, err);
	if (rc == 0 && p->note)
		rk_buf_addf(p->note, "packed in-process as %s pack would", tool);
	if (rc == 1) {
		if (p->note)
			rk_buf_addf(p->note, "%s pack: %s", tool, why.data);
		rc = rk_pub_run(argv, cwd.data, 900, err);
	}
	rk_buf_release(&cwd);
	rk_buf_release(&ws);
	rk_buf_release(&file);
	rk_buf_release(&why);
	return rc;
}

/* ${VAR} in an .npmrc value, from the environment. */
static void expand(const char *v, struct rk_buf *out)
{
	rk_buf_reset(out);
	while (*v) {
		if (v[0] == '$' && v[1] == '{' && strchr(v, '}')) {
			const char *e = strchr(v, '}');
			char *name = rk_xstrndup(v + 2, (size_t)(e - v - 2));
			const char *val = getenv(name);

			rk_buf_adds(out, val ? val : "");
			free(name);
			v = e + 1;
		} else {
			rk_buf_addc(out, *v++);
		}
	}
	if (!out->data)
		rk_buf_adds(out, "");
}

/* Look key up in an .npmrc file; the expanded value into out. */
static bool npmrc_get(const char *file, const char *key, struct rk_buf *out)
{
	struct rk_buf b = RK_BUF_INIT;
	size_t i = 0, kl = strlen(key);
	bool found = false;

	if (!file || rk_buf_read_file(&b, file) != 0) {
		rk_buf_release(&b);
		return false;
	}
	while (i < b.len && !found) {
		size_t e = i;
		char *line;
		const char *s;

		while (e < b.len && b.data[e] != '\n')
			e++;
		line = rk_xstrndup(b.data + i, e - i);
		line[strcspn(line, "\r")] = 0;
		s = line + strspn(line, " \t");
		if (strncmp(s, key, kl) == 0) {
			const char *q = s + kl;

			q += strspn(q, " \t");
			if (*q == '=') {
				q++;
				q += strspn(q, " \t");
				expand(q, out);
				while (out->len && (out->data[out->len - 1] == ' ' ||
						    out->data[out->len - 1] == '\t'))
					out->data[--out->len] = 0;
				found = true;
			}
		}
		free(line);
		i = e + 1;
	}
	rk_buf_release(&b);
	return found;
}

static int npm_target(const struct rk_pub_pkg *p, struct rk_reg *r, struct rk_pub_keep *keep,
		      struct rk_err *err)
{
	struct rk_buf rcs[3] = {RK_BUF_INIT, RK_BUF_INIT, RK_BUF_INIT}, v = RK_BUF_INIT,
		      k = RK_BUF_INIT, pj = RK_BUF_INIT, path = RK_BUF_INIT;
	const char *user = rk_pub_env("npm_config_userconfig"), *u, *tok = NULL;
	struct rk_json d;
	int i;

	rk_json_init(&d);
	r->kind = "npm";
	rk_buf_addf(&rcs[0], "%s/%s/.npmrc", p->root, p->path);
	rk_buf_addf(&rcs[1], "%s/.npmrc", p->root);
	if (!user)
		user = rk_pub_env("NPM_CONFIG_USERCONFIG");
	if (user)
		rk_buf_adds(&rcs[2], user);
	else if (getenv("HOME"))
		rk_buf_addf(&rcs[2], "%s/.npmrc", getenv("HOME"));
	r->url = rk_pub_keep(keep, p->registry_url);
	r->tag = rk_pub_keep(keep, p->tag);
	rk_buf_addf(&path, "%s/%s", p->root, p->manifest);
	if (rk_buf_read_file(&pj, path.data) == 0 &&
	    rk_json_parse(&d, pj.data ? pj.data : "", pj.len, p->manifest, 1, err) == 0) {
		int pc = rk_json_get(&d, 0, "publishConfig");

		if (!r->url)
			r->url = rk_pub_keep(keep, rk_json_get_str(&d, pc, "registry"));
		if (!r->tag)
			r->tag = rk_pub_keep(keep, rk_json_get_str(&d, pc, "tag"));
	}
	if (!r->tag)
		r->tag = rk_pub_keep(keep, p->channel);
	if (!r->url && p->name[0] == '@' && strchr(p->name, '/')) {
		rk_buf_add(&k, p->name, (size_t)(strchr(p->name, '/') - p->name));
		rk_buf_adds(&k, ":registry");
		for (i = 0; i < 3 && !r->url; i++)
			if (rcs[i].len && npmrc_get(rcs[i].data, k.data, &v))
				r->url = rk_pub_keep(keep, v.data);
	}
	if (!r->url)
		r->url = rk_pub_keep(keep, rk_pub_env("npm_config_registry"));
	if (!r->url)
		r->url = rk_pub_keep(keep, rk_pub_env("NPM_CONFIG_REGISTRY"));
	for (i = 0; i < 3 && !r->url; i++)
		if (rcs[i].len && npmrc_get(rcs[i].data, "registry", &v))
			r->url = rk_pub_keep(keep, v.data);
	if (!r->url)
		r->url = "https://registry.npmjs.org/";
	if (p->token_env)
		tok = rk_pub_env(p->token_env);
	if (!tok)
		tok = rk_pub_env("NPM_TOKEN");
	if (!tok) {
		/* //host[:port]/path/:_authToken= for the registry */
		u = strstr(r->url, "://");
		rk_buf_reset(&k);
		rk_buf_adds(&k, u ? u + 1 : r->url);
		if (k.len && k.data[k.len - 1] != '/')
			rk_buf_addc(&k, '/');
		rk_buf_adds(&k, ":_authToken");
		for (i = 0; i < 3 && !tok; i++)
			if (rcs[i].len && npmrc_get(rcs[i].data, k.data, &v) && v.len)
				tok = rk_pub_keep(keep, v.data);
	}
	r->token = tok ? rk_pub_keep(keep, tok) : NULL;
	if (v.data)
		memset(v.data, 0, v.len);
	rk_json_release(&d);
	for (i = 0; i < 3; i++)
		rk_buf_release(&rcs[i]);
	rk_buf_release(&v);
	rk_buf_release(&k);
	rk_buf_release(&pj);
	rk_buf_release(&path);
	return 0;
}

static bool npm_is_artifact(const char *f)
{
	size_t n = strlen(f);

	return n > 4 && strcmp(f + n - 4, ".tgz") == 0;
}

static const char *const npm_registry_env[] = {"RK_NPM_URL", "npm_config_registry",
					       "NPM_CONFIG_REGISTRY", NULL};

const struct rk_backend rk_be_npm = {
	.ecosystem = "npm",
	.read_version = npm_read_version,
	.write_version = npm_write_version,
	.set_dep_spec = npm_set_dep_spec,
	.lock_cmd = npm_lock_cmd,
	.registry_kind = "npm",
	.build = npm_build,
	.publish_target = npm_target,
	.is_artifact = npm_is_artifact,
	.poll_opt = offsetof(struct rk_poll_opts, npm),
	.smoke_opt = offsetof(struct rk_smoke_opts, npm),
	.registry_hint = "--npm, RK_NPM_URL or npm_config_registry",
	.registry_env = npm_registry_env,
	.poll_upload_url = true,
	.poll_check = rk_poll_check_npm,
	.download_url = NULL,
	.smoke_check = "npm install %s@%s; node: require/import",
	.smoke = rk_smoke_npm,
	.digest_sri512 = true,
};
