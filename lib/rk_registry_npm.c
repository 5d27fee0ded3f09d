/* rk_registry_npm.c - npm's packument PUT and the packument as the truth; see rk_registry.h. */
#include "rk_common.h"
#include "rk_registry.h"

#include <openssl/evp.h>

#include "rk_json.h"

/* "@scope/name" -> "@scope%2fname" (the packument's path). */
static void escaped(const char *name, struct rk_buf *out)
{
	const char *p;

	for (p = name; *p; p++) {
		if (*p == '/')
			rk_buf_adds(out, "%2f");
		else
			rk_buf_addc(out, *p);
	}
}

/* "sha512-<base64>" and the sha1 hex of a file, read in pieces; its size
 * into *size. -1 with errno set when it cannot be read. */
static int digests(const char *file, struct rk_buf *integrity, char sha1[41], long long *size)
{
	unsigned char md[EVP_MAX_MD_SIZE], buf[65536];
	unsigned int n = 0, i;
	EVP_MD_CTX *c512 = EVP_MD_CTX_new(), *c1 = EVP_MD_CTX_new();
	FILE *f = fopen(file, "rbe");
	size_t k;
	int rc = -1;

	*size = 0;
	if (!f || !c512 || !c1 || EVP_DigestInit_ex(c512, EVP_sha512(), NULL) != 1 ||
	    EVP_DigestInit_ex(c1, EVP_sha1(), NULL) != 1)
		goto out;
	while ((k = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (EVP_DigestUpdate(c512, buf, k) != 1 || EVP_DigestUpdate(c1, buf, k) != 1)
			goto out;
		*size += (long long)k;
	}
	if (ferror(f))
		goto out;
	if (EVP_DigestFinal_ex(c512, md, &n) != 1)
		goto out;
	rk_buf_adds(integrity, "sha512-");
	rk_base64(md, n, integrity);
	if (EVP_DigestFinal_ex(c1, md, &n) != 1)
		goto out;
	for (i = 0; i < n && i < 20; i++)
		snprintf(sha1 + 2 * i, 3, "%02x", md[i]);
	rc = 0;
out:
	if (rc != 0 && !errno)
		errno = EIO;
	if (f)
		fclose(f);
	EVP_MD_CTX_free(c512);
	EVP_MD_CTX_free(c1);
	return rc;
}

/* The packument's URL, and the file's digests and size (what the check
 * and the upload both need). */
static int prepare(const struct rk_reg *r, const char *name, const char *file, struct rk_buf *url,
		   struct rk_buf *integ, char sha1[41], long long *size, struct rk_err *err)
{
	struct rk_buf path = RK_BUF_INIT;

	if (!r->url)
		return rk_err_set(err, NULL, 0, 0, "npm: no registry URL for %s", name);
	escaped(name, &path);
	rk_registry_join_url(r->url, path.data, url);
	rk_buf_release(&path);
	if (digests(file, integ, sha1, size) != 0)
		return rk_err_set(err, NULL, 0, 0, "%s: %s", file, strerror(errno));
	return 0;
}

int rk_npm_check(struct rk_reg *r, const char *name, const char *version, const char *file,
		 const char *sha256, enum rk_reg_truth *t, struct rk_buf *theirs,
		 struct rk_err *err)
{
	static const char *hdrs[] = {"Accept: application/json", "Cache-Control: no-cache", NULL};
	struct rk_buf url = RK_BUF_INIT, integ = RK_BUF_INIT, auth = RK_BUF_INIT;
	struct rk_http_resp resp = RK_HTTP_RESP_INIT;
	struct rk_json d;
	char sha1[41] = "";
	const char *ti, *ts;
	long long size;
	bool found;
	int v, rc = -1;

	(void)sha256;
	rk_json_init(&d);
	if (prepare(r, name, file, &url, &integ, sha1, &size, err) != 0)
		goto out;
	*t = RK_REG_ABSENT;
	/* private packages need the token to be read */
	if (rk_registry_get(r, url.data, hdrs, rk_registry_bearer(r, &auth), &resp, &found, err) !=
	    0)
		goto out;
	if (!found) {
		rc = 0;
		goto out;
	}
	if (rk_json_parse(&d, resp.body.data ? resp.body.data : "", resp.body.len, "<packument>", 1,
			  err) != 0)
		goto out;
	v = rk_json_get(&d, rk_json_get(&d, 0, "versions"), version);
	if (v < 0) {
		rc = 0;
		goto out;
	}
	ti = rk_json_get_str(&d, rk_json_get(&d, v, "dist"), "integrity");
	ts = rk_json_get_str(&d, rk_json_get(&d, v, "dist"), "shasum");
	if ((ti && strcmp(ti, integ.data) == 0) || (!ti && ts && strcmp(ts, sha1) == 0)) {
		*t = RK_REG_SAME;
	} else {
		*t = RK_REG_OTHER;
		if (theirs) {
			rk_buf_adds(theirs, ti ? ti : ts ? ts : "(no digest listed)");
			/* say ours in the same form */
			rk_buf_addf(theirs, " (ours %s)", ti || !ts ? integ.data : sha1);
		}
	}
	rc = 0;
out:
	rk_json_release(&d);
	rk_http_resp_release(&resp);
	rk_buf_release(&url);
	rk_buf_release(&integ);
	rk_registry_wipe(&auth);
	return rc;
}

int rk_npm_upload(struct rk_reg *r, const char *name, const char *version, const char *file,
		  const char *sha256, bool *conflict, struct rk_err *err)
{
	static const char *hdrs[] = {"Content-Type: application/json", "Accept: application/json",
				     "npm-command: publish", NULL};
	/* npm's 403 answers to a version that is there */
	static const char *const conflicts[] = {"cannot publish over", "already present",
						"already exists", NULL};
	struct rk_buf url = RK_BUF_INIT, a = RK_BUF_INIT, integ = RK_BUF_INIT, auth = RK_BUF_INIT,
		      pj = RK_BUF_INIT, body = RK_BUF_INIT, tmp = RK_BUF_INIT;
	struct rk_http_resp resp = RK_HTTP_RESP_INIT;
	struct rk_http_req req = {0};
	struct rk_http_seg segs[3] = {{0}};
	long long size;
	struct rk_json d;
	struct rk_jw w;
	char sha1[41] = "";
	const char *tag = r->tag && *r->tag ? r->tag : "latest", *base, *raw, *pn, *pv;
	size_t rawlen;
	int rc = -1;

	(void)sha256;
	*conflict = false;
	rk_json_init(&d);
	if (prepare(r, name, file, &url, &integ, sha1, &size, err) != 0)
		goto out;
	if (rk_tar_member(file, "package/package.json", &pj, err) != 0)
		goto out;
	if (rk_json_parse(&d, pj.data ? pj.data : "", pj.len, "package/package.json", 1, err) != 0)
		goto out;
	pn = rk_json_get_str(&d, 0, "name");
	pv = rk_json_get_str(&d, 0, "version");
	if (!pn || !pv || strcmp(pn, name) != 0 || strcmp(pv, version) != 0) {
		rk_err_set(err, NULL, 0, 0, "%s: package.json says %s@%s, expected %s@%s", file,
			   pn ? pn : "?", pv ? pv : "?", name, version);
		goto out;
	}
	base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
	raw = rk_json_raw(&d, 0, &rawlen);
	rk_jw_init(&w, &body);
	rk_jw_obj(&w);
	rk_jw_kstr(&w, "_id", name);
	rk_jw_kstr(&w, "name", name);
	if (rk_json_get_str(&d, 0, "description"))
		rk_jw_kstr(&w, "description", rk_json_get_str(&d, 0, "description"));
	rk_jw_key(&w, "dist-tags");
	rk_jw_obj(&w);
	rk_jw_kstr(&w, tag, version);
	rk_jw_obj_end(&w);
	rk_jw_key(&w, "versions");
	rk_jw_obj(&w);
	rk_jw_key(&w, version);
	/* the manifest as packed, plus _id and dist */
	rk_buf_reset(&tmp);
	rk_buf_add(&tmp, raw, rawlen);
	while (tmp.len && tmp.data[tmp.len - 1] != '}')
		tmp.len--;
	if (tmp.len)
		tmp.len--;
	rk_buf_addf(&tmp, ",\"_id\":");
	rk_buf_truncate(&a, 0);
	rk_buf_addf(&a, "%s@%s", name, version);
	rk_json_quote(&tmp, a.data, a.len);
	rk_buf_adds(&tmp, ",\"dist\":{\"integrity\":");
	rk_json_quote(&tmp, integ.data, integ.len);
	rk_buf_addf(&tmp, ",\"shasum\":\"%s\",\"tarball\":", sha1);
	rk_buf_reset(&a);
	rk_registry_join_url(r->url, "", &a);
	rk_buf_addf(&a, "%s/-/%s-%s.tgz", name, base, version);
	rk_json_quote(&tmp, a.data, a.len);
	rk_buf_adds(&tmp, "}}");
	rk_jw_raw(&w, tmp.data, tmp.len);
	rk_jw_obj_end(&w);
	rk_jw_key(&w, "access");
	rk_jw_null(&w);
	rk_jw_key(&w, "_attachments");
	rk_jw_obj(&w);
	rk_buf_reset(&a);
	rk_buf_addf(&a, "%s-%s.tgz", name, version);
	rk_jw_key(&w, a.data);
	rk_jw_obj(&w);
	rk_jw_kstr(&w, "content_type", "application/octet-stream");
	rk_jw_kint(&w, "length", size);
	/* "data": the tarball's base64, streamed from the file between the
	 * JSON before it and after it */
	rk_jw_key(&w, "data");
	rk_jw_str(&w, "");
	rk_jw_obj_end(&w);
	rk_jw_obj_end(&w);
	rk_jw_obj_end(&w);
	segs[0].data = body.data;
	segs[0].len = body.len - 4; /* up to the opening quote of "data" */
	segs[1].file = file;
	segs[1].base64 = true;
	segs[2].data = body.data + body.len - 4; /* its closing quote and "}}}" */
	segs[2].len = 4;
	req.method = "PUT";
	req.url = url.data;
	req.headers = hdrs;
	req.auth = rk_registry_bearer(r, &auth);
	req.segs = segs;
	req.nsegs = 3;
	rk_buf_reset(&a);
	rk_buf_addf(&a, "%s@%s", name, version);
	rc = rk_registry_upload(r, &req, a.data, 403, conflicts, &resp, conflict, err);
out:
	rk_json_release(&d);
	rk_http_resp_release(&resp);
	rk_buf_release(&url);
	rk_buf_release(&a);
	rk_buf_release(&integ);
	rk_registry_wipe(&auth);
	rk_buf_release(&pj);
	rk_buf_release(&body);
	rk_buf_release(&tmp);
	return rc;
}
