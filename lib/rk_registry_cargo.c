/* rk_registry_cargo.c - cargo's publish API and index as the truth; see rk_registry.h. */
#include "rk_common.h"
#include "rk_registry.h"

#include <git2.h>
#include <sys/stat.h>

#include "rk_json.h"
#include "rk_toml.h"

#define CRATES_IO_INDEX "https://github.com/rust-lang/crates.io-index"

/* The index URL without "sparse+", "file://" and a trailing '/'. */
static void index_key(const char *u, struct rk_buf *out)
{
	rk_buf_reset(out);
	if (!u)
		return;
	if (strncmp(u, "sparse+", 7) == 0)
		u += 7;
	if (strncmp(u, "file://", 7) == 0)
		u += 7;
	rk_buf_adds(out, u);
	while (out->len > 1 && out->data[out->len - 1] == '/')
		out->data[--out->len] = 0;
}

int rk_cargo_index_read(struct rk_reg *r, const char *relpath, struct rk_buf *out, bool *found,
			struct rk_err *err)
{
	struct rk_buf rel = RK_BUF_INIT, url = RK_BUF_INIT;
	int rc = -1;

	*found = false;
	rk_buf_adds(&rel, relpath);
	if (!r->index) {
		rk_err_set(err, NULL, 0, 0, "cargo: no registry index to read %s", relpath);
	} else if (strncmp(r->index, "sparse+", 7) == 0) {
		static const char *hdrs[] = {"Cache-Control: no-cache", NULL};
		struct rk_http_resp resp = RK_HTTP_RESP_INIT;

		rk_registry_join_url(r->index + 7, rel.data, &url);
		if (rk_registry_get(r, url.data, hdrs, NULL, &resp, found, err) == 0) {
			if (*found)
				rk_buf_add(out, resp.body.data, resp.body.len);
			rc = 0;
		}
		rk_http_resp_release(&resp);
	} else if (strstr(r->index, "://") && strncmp(r->index, "file://", 7) != 0) {
		rk_err_set(err, NULL, 0, 0,
			   "cargo: index %s: a git index is read only from a local path or "
			   "file:// (use the registry's sparse index, sparse+https://...)",
			   r->index);
	} else {
		/* a git index on this machine: the file in HEAD's tree */
		git_repository *repo = NULL;
		git_object *obj = NULL;
		const char *path = strncmp(r->index, "file://", 7) == 0 ? r->index + 7 : r->index;

		git_libgit2_init();
		rk_buf_addf(&url, "HEAD:%s", rel.data);
		if (git_repository_open_ext(&repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) !=
		    0) {
			const git_error *ge = git_error_last();

			rk_err_set(err, NULL, 0, 0, "cargo: index %s: %s", path,
				   ge ? ge->message : "not a git repository");
		} else if (git_revparse_single(&obj, repo, url.data) != 0) {
			rc = 0; /* no such file: the crate is not in the index */
		} else if (git_object_type(obj) != GIT_OBJECT_BLOB) {
			rk_err_set(err, NULL, 0, 0, "cargo: index %s: %s is not a file", path,
				   rel.data);
		} else {
			const git_blob *b = (const git_blob *)obj;

			rk_buf_add(out, git_blob_rawcontent(b), (size_t)git_blob_rawsize(b));
			*found = true;
			rc = 0;
		}
		git_object_free(obj);
		git_repository_free(repo);
		git_libgit2_shutdown();
	}
	rk_buf_release(&rel);
	rk_buf_release(&url);
	return rc;
}

int rk_cargo_check(struct rk_reg *r, const char *name, const char *version, const char *file,
		   const char *sha256, enum rk_reg_truth *t, struct rk_buf *theirs,
		   struct rk_err *err)
{
	struct rk_buf idx = RK_BUF_INIT, rel = RK_BUF_INIT;
	struct rk_json d;
	bool found;
	size_t i = 0;
	int rc = -1;

	(void)file;
	rk_json_init(&d);
	*t = RK_REG_ABSENT;
	rk_cargo_index_path(name, &rel);
	if (rk_cargo_index_read(r, rel.data, &idx, &found, err) != 0)
		goto out;
	rc = 0;
	while (found && i < idx.len) {
		size_t e = i;
		const char *v, *ck;

		while (e < idx.len && idx.data[e] != '\n')
			e++;
		if (e > i && rk_json_parse(&d, idx.data + i, e - i, "<index>", 1, err) == 0) {
			v = rk_json_get_str(&d, 0, "vers");
			ck = rk_json_get_str(&d, 0, "cksum");
			if (v && strcmp(v, version) == 0) {
				if (ck && strcasecmp(ck, sha256) == 0) {
					*t = RK_REG_SAME;
				} else {
					*t = RK_REG_OTHER;
					if (theirs)
						rk_buf_addf(theirs, "cksum %s", ck ? ck : "(none)");
				}
				break;
			}
		}
		i = e + 1;
	}
out:
	rk_json_release(&d);
	rk_buf_release(&idx);
	rk_buf_release(&rel);
	return rc;
}

static void jw_toml_str(struct rk_jw *w, const char *key, const struct rk_toml_value *v)
{
	rk_jw_key(w, key);
	if (v && rk_toml_type(v) == RK_TOML_STRING)
		rk_jw_strn(w, rk_toml_str(v), rk_toml_strlen(v));
	else
		rk_jw_null(w);
}

static void jw_toml_strs(struct rk_jw *w, const char *key, const struct rk_toml_value *v)
{
	size_t i;

	rk_jw_key(w, key);
	rk_jw_arr(w);
	for (i = 0; v && rk_toml_type(v) == RK_TOML_ARRAY && i < rk_toml_len(v); i++) {
		const struct rk_toml_value *e = rk_toml_at(v, i);

		if (rk_toml_type(e) == RK_TOML_STRING)
			rk_jw_strn(w, rk_toml_str(e), rk_toml_strlen(e));
	}
	rk_jw_arr_end(w);
}

/* The deps of one dependency table into the metadata's "deps" array. */
static void deps_of(struct rk_jw *w, const struct rk_toml_value *tab, const char *kind,
		    const char *target, const struct rk_buf *our_index, bool to_crates_io)
{
	size_t i;

	for (i = 0; tab && rk_toml_type(tab) == RK_TOML_TABLE && i < rk_toml_len(tab); i++) {
		const struct rk_toml_value *d = rk_toml_at(tab, i), *v, *pkg, *ri;
		struct rk_buf key = RK_BUF_INIT, dk = RK_BUF_INIT;
		int b;

		rk_buf_add(&key, rk_toml_key_at(tab, i), rk_toml_key_len_at(tab, i));
		rk_jw_obj(w);
		pkg = rk_toml_type(d) == RK_TOML_TABLE ? rk_toml_get(d, "package") : NULL;
		if (pkg && rk_toml_type(pkg) == RK_TOML_STRING) {
			rk_jw_key(w, "name");
			rk_jw_strn(w, rk_toml_str(pkg), rk_toml_strlen(pkg));
			rk_jw_kstr(w, "explicit_name_in_toml", key.data);
		} else {
			rk_jw_kstr(w, "name", key.data);
			rk_jw_key(w, "explicit_name_in_toml");
			rk_jw_null(w);
		}
		v = rk_toml_type(d) == RK_TOML_STRING ? d : rk_toml_get(d, "version");
		rk_jw_kstr(w, "version_req",
			   v && rk_toml_type(v) == RK_TOML_STRING ? rk_toml_str(v) : "*");
		jw_toml_strs(w, "features",
			     rk_toml_type(d) == RK_TOML_TABLE ? rk_toml_get(d, "features") : NULL);
		b = 0;
		if (rk_toml_type(d) == RK_TOML_TABLE && rk_toml_get(d, "optional"))
			rk_toml_bool(rk_toml_get(d, "optional"), &b);
		rk_jw_kbool(w, "optional", b);
		b = 1;
		if (rk_toml_type(d) == RK_TOML_TABLE) {
			const struct rk_toml_value *df = rk_toml_get(d, "default-features");

			if (!df)
				df = rk_toml_get(d, "default_features");
			if (df)
				rk_toml_bool(df, &b);
		}
		rk_jw_kbool(w, "default_features", b);
		rk_jw_kstr(w, "target", target);
		rk_jw_kstr(w, "kind", kind);
		ri = rk_toml_type(d) == RK_TOML_TABLE ? rk_toml_get(d, "registry-index") : NULL;
		rk_jw_key(w, "registry");
		if (ri && rk_toml_type(ri) == RK_TOML_STRING) {
			index_key(rk_toml_str(ri), &dk);
			if (strcmp(dk.data, our_index->data) == 0)
				rk_jw_null(w);
			else
				rk_jw_str(w, rk_toml_str(ri));
		} else if (to_crates_io) {
			rk_jw_null(w);
		} else {
			rk_jw_str(w, CRATES_IO_INDEX);
		}
		rk_jw_obj_end(w);
		rk_buf_release(&key);
		rk_buf_release(&dk);
	}
}

static void put_u32(struct rk_buf *b, size_t n)
{
	unsigned char le[4] = {(unsigned char)(n & 0xff), (unsigned char)((n >> 8) & 0xff),
			       (unsigned char)((n >> 16) & 0xff),
			       (unsigned char)((n >> 24) & 0xff)};

	rk_buf_add(b, le, 4);
}

int rk_cargo_upload(struct rk_reg *r, const char *name, const char *version, const char *file,
		    const char *sha256, bool *conflict, struct rk_err *err)
{
	static const char *hdrs[] = {"Content-Type: application/octet-stream",
				     "Accept: application/json", NULL};
	static const char *const conflicts[] = {"already exists", NULL};
	struct rk_buf member = RK_BUF_INIT, toml = RK_BUF_INIT, meta = RK_BUF_INIT,
		      body = RK_BUF_INIT, url = RK_BUF_INIT, show = RK_BUF_INIT, a = RK_BUF_INIT,
		      ours = RK_BUF_INIT;
	struct rk_http_resp resp = RK_HTTP_RESP_INIT;
	struct rk_http_req req = {0};
	struct rk_http_seg segs[2] = {{0}};
	struct stat sb;
	struct rk_toml_doc *doc = NULL;
	const struct rk_toml_value *root, *pk, *tg, *ft;
	struct rk_jw w;
	bool crates_io;
	size_t i;
	int rc = -1;

	(void)sha256;
	*conflict = false;
	if (!r->url)
		return rk_err_set(err, NULL, 0, 0, "cargo: no registry API URL for %s", name);
	index_key(r->index, &ours);
	crates_io = r->index &&
		    (strstr(r->index, "index.crates.io") || strstr(r->index, "crates.io-index"));
	rk_buf_addf(&member, "%s-%s/Cargo.toml", name, version);
	if (rk_tar_member(file, member.data, &toml, err) != 0)
		goto out;
	doc = rk_toml_parse(toml.data ? toml.data : "", toml.len, member.data, err);
	if (!doc)
		goto out;
	root = rk_toml_root(doc);
	pk = rk_toml_get(root, "package");
	rk_jw_init(&w, &meta);
	rk_jw_obj(&w);
	rk_jw_kstr(&w, "name", name);
	rk_jw_kstr(&w, "vers", version);
	rk_jw_key(&w, "deps");
	rk_jw_arr(&w);
	deps_of(&w, rk_toml_get(root, "dependencies"), "normal", NULL, &ours, crates_io);
	deps_of(&w, rk_toml_get(root, "dev-dependencies"), "dev", NULL, &ours, crates_io);
	deps_of(&w, rk_toml_get(root, "build-dependencies"), "build", NULL, &ours, crates_io);
	tg = rk_toml_get(root, "target");
	for (i = 0; tg && rk_toml_type(tg) == RK_TOML_TABLE && i < rk_toml_len(tg); i++) {
		const struct rk_toml_value *t = rk_toml_at(tg, i);
		struct rk_buf k = RK_BUF_INIT;

		rk_buf_add(&k, rk_toml_key_at(tg, i), rk_toml_key_len_at(tg, i));
		deps_of(&w, rk_toml_get(t, "dependencies"), "normal", k.data, &ours, crates_io);
		deps_of(&w, rk_toml_get(t, "dev-dependencies"), "dev", k.data, &ours, crates_io);
		deps_of(&w, rk_toml_get(t, "build-dependencies"), "build", k.data, &ours,
			crates_io);
		rk_buf_release(&k);
	}
	rk_jw_arr_end(&w);
	rk_jw_key(&w, "features");
	rk_jw_obj(&w);
	ft = rk_toml_get(root, "features");
	for (i = 0; ft && rk_toml_type(ft) == RK_TOML_TABLE && i < rk_toml_len(ft); i++) {
		struct rk_buf k = RK_BUF_INIT;

		rk_buf_add(&k, rk_toml_key_at(ft, i), rk_toml_key_len_at(ft, i));
		jw_toml_strs(&w, k.data, rk_toml_at(ft, i));
		rk_buf_release(&k);
	}
	rk_jw_obj_end(&w);
	jw_toml_strs(&w, "authors", rk_toml_get(pk, "authors"));
	jw_toml_str(&w, "description", rk_toml_get(pk, "description"));
	jw_toml_str(&w, "documentation", rk_toml_get(pk, "documentation"));
	jw_toml_str(&w, "homepage", rk_toml_get(pk, "homepage"));
	rk_jw_key(&w, "readme");
	rk_jw_null(&w);
	jw_toml_str(&w, "readme_file", rk_toml_get(pk, "readme"));
	jw_toml_strs(&w, "keywords", rk_toml_get(pk, "keywords"));
	jw_toml_strs(&w, "categories", rk_toml_get(pk, "categories"));
	jw_toml_str(&w, "license", rk_toml_get(pk, "license"));
	jw_toml_str(&w, "license_file", rk_toml_get(pk, "license-file"));
	jw_toml_str(&w, "repository", rk_toml_get(pk, "repository"));
	rk_jw_key(&w, "badges");
	rk_jw_obj(&w);
	rk_jw_obj_end(&w);
	jw_toml_str(&w, "links", rk_toml_get(pk, "links"));
	jw_toml_str(&w, "rust_version", rk_toml_get(pk, "rust-version"));
	rk_jw_obj_end(&w);
	errno = 0;
	if (stat(file, &sb) != 0 || (unsigned long long)sb.st_size > 0xffffffffULL) {
		rk_err_set(err, NULL, 0, 0, "%s: %s", file,
			   errno ? strerror(errno) : "larger than 4 GiB");
		goto out;
	}
	/* u32 LE lengths, the JSON, the .crate streamed from its file */
	put_u32(&body, meta.len);
	rk_buf_add(&body, meta.data, meta.len);
	put_u32(&body, (size_t)sb.st_size);
	segs[0].data = body.data;
	segs[0].len = body.len;
	segs[1].file = file;
	rk_buf_adds(&url, r->url);
	while (url.len && url.data[url.len - 1] == '/')
		url.data[--url.len] = 0;
	rk_buf_adds(&url, "/api/v1/crates/new");
	req.method = "PUT";
	req.url = url.data;
	req.headers = hdrs;
	req.auth = r->token && *r->token ? r->token : NULL; /* cargo sends the bare token */
	req.segs = segs;
	req.nsegs = 2;
	rk_buf_addf(&a, "%s %s", name, version);
	if (rk_registry_upload(r, &req, a.data, 0, conflicts, &resp, conflict, err) != 0)
		goto out;
	/* crates.io answers 200 with {"errors":[...]} for refusals */
	if (!*conflict && resp.body.data && strstr(resp.body.data, "\"errors\"")) {
		if (strstr(resp.body.data, "already exists") ||
		    strstr(resp.body.data, "already uploaded")) {
			*conflict = true;
		} else {
			rk_http_url_show(url.data, &show);
			rk_registry_answer(r, &resp, &a);
			rk_err_set(err, NULL, 0, 0, "PUT %s (%s %s): %s", show.data, name, version,
				   a.data);
			goto out;
		}
	}
	rc = 0;
out:
	rk_toml_free(doc);
	rk_http_resp_release(&resp);
	rk_buf_release(&member);
	rk_buf_release(&toml);
	rk_buf_release(&meta);
	rk_buf_release(&body);
	rk_buf_release(&url);
	rk_buf_release(&show);
	rk_buf_release(&a);
	rk_buf_release(&ours);
	return rc;
}
