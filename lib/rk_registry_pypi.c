/* rk_registry_pypi.c - PyPI's legacy upload API and simple index; see rk_registry.h. */
#include "rk_common.h"
#include "rk_registry.h"

#include <unistd.h>

#include <ctype.h>

#include "rk_json.h"
#include "rk_sha256.h"

/* PEP 503 normalised name: lower case, runs of -_. as one '-'. */
static void pep503(const char *name, struct rk_buf *out)
{
	const char *p;

	for (p = name; *p; p++) {
		if (*p == '-' || *p == '_' || *p == '.') {
			if (!out->len || out->data[out->len - 1] != '-')
				rk_buf_addc(out, '-');
		} else {
			rk_buf_addc(out, (char)tolower((unsigned char)*p));
		}
	}
}

/* The sha256 listed for file in a PEP 691 JSON page; NULL: not listed,
 * "" listed without sha256. */
static const char *json_digest(const struct rk_json *d, const char *file)
{
	int files = rk_json_get(d, 0, "files"), f;

	for (f = rk_json_first(d, files); f >= 0; f = rk_json_next(d, f)) {
		const char *fn = rk_json_get_str(d, f, "filename");
		const char *h;

		if (!fn || strcmp(fn, file) != 0)
			continue;
		h = rk_json_get_str(d, rk_json_get(d, f, "hashes"), "sha256");
		return h ? h : "";
	}
	return NULL;
}

/* The same from a PEP 503 HTML page: an href ending in /FILE#sha256=HEX.
 * 1: found with its digest in out; 0: listed without one; -1: not listed. */
static int html_digest(const char *html, const char *file, char out[RK_SHA256_HEX])
{
	size_t n = strlen(file);
	const char *p = html;
	int seen = 0;

	while ((p = strstr(p, file)) != NULL) {
		bool starts =
			p == html || p[-1] == '/' || p[-1] == '"' || p[-1] == '\'' || p[-1] == '>';
		const char *q = p + n;

		p += n;
		if (!starts)
			continue;
		if (strncmp(q, "#sha256=", 8) == 0 &&
		    strspn(q + 8, "0123456789abcdefABCDEF") == 64) {
			memcpy(out, q + 8, 64);
			out[64] = 0;
			return 1;
		}
		if (*q == '"' || *q == '<' || *q == '#' || *q == '\'')
			seen = 1;
	}
	return seen ? 0 : -1;
}

int rk_pypi_check(struct rk_reg *r, const char *name, const char *version, const char *file,
		  const char *sha256, enum rk_reg_truth *t, struct rk_buf *theirs,
		  struct rk_err *err)
{
	static const char *hdrs[] = {"Accept: application/vnd.pypi.simple.v1+json, text/html;q=0.2",
				     "Cache-Control: no-cache", NULL};
	struct rk_http_resp resp = RK_HTTP_RESP_INIT;
	struct rk_buf url = RK_BUF_INIT, nm = RK_BUF_INIT, show = RK_BUF_INIT;
	const char *fn = rk_registry_base_name(file);
	char hex[RK_SHA256_HEX] = "x";
	bool listed;
	int rc = -1;

	(void)version;
	if (!r->index)
		return rk_err_set(err, NULL, 0, 0, "pypi: no simple index URL to check %s", fn);
	pep503(name, &nm);
	rk_buf_addc(&nm, '/');
	rk_registry_join_url(r->index, nm.data, &url);
	rk_http_url_show(url.data, &show);
	*t = RK_REG_ABSENT;
	/* reading the index needs no token */
	if (rk_registry_get(r, url.data, hdrs, NULL, &resp, &listed, err) != 0)
		goto out;
	if (!listed) {
		rc = 0;
		goto out;
	}
	if (resp.content_type && strstr(resp.content_type, "json")) {
		struct rk_json d;
		const char *h;

		rk_json_init(&d);
		if (rk_json_parse(&d, resp.body.data, resp.body.len, "<simple index page>", 1,
				  err) != 0) {
			rk_json_release(&d);
			goto out;
		}
		h = json_digest(&d, fn);
		if (h) {
			snprintf(hex, sizeof(hex), "%s", h);
			if (!*h)
				hex[0] = 0;
		}
		rk_json_release(&d);
		if (!h) {
			rc = 0;
			goto out;
		}
	} else {
		int found = html_digest(resp.body.data, fn, hex);

		if (found < 0) {
			rc = 0;
			goto out;
		}
		if (found == 0)
			hex[0] = 0;
	}
	if (!hex[0]) {
		*t = RK_REG_OTHER;
		if (theirs)
			rk_buf_addf(theirs, "%s without a sha256 at %s", fn, show.data);
	} else if (strcasecmp(hex, sha256) == 0) {
		*t = RK_REG_SAME;
	} else {
		*t = RK_REG_OTHER;
		if (theirs)
			rk_buf_addf(theirs, "sha256:%s", hex);
	}
	rc = 0;
out:
	rk_http_resp_release(&resp);
	rk_buf_release(&url);
	rk_buf_release(&nm);
	rk_buf_release(&show);
	return rc;
}

int rk_pypi_upload(struct rk_reg *r, const char *name, const char *version, const char *file,
		   const char *sha256, bool *conflict, struct rk_err *err)
{
	/* "400 File already exists" */
	static const char *const conflicts[] = {"already exists", NULL};
	struct rk_buf cred = RK_BUF_INIT, auth = RK_BUF_INIT, pyv = RK_BUF_INIT;
	struct rk_http_resp resp = RK_HTTP_RESP_INIT;
	struct rk_http_req req = {0};
	struct rk_http_part form[9];
	const char *fn = rk_registry_base_name(file);
	bool wheel;
	int rc = -1;

	*conflict = false;
	if (!r->url)
		return rk_err_set(err, NULL, 0, 0, "pypi: no upload URL for %s", fn);
	if (access(file, R_OK) != 0) {
		rk_err_set(err, NULL, 0, 0, "%s: %s", file, strerror(errno));
		goto out;
	}
	wheel = strlen(fn) > 4 && strcmp(fn + strlen(fn) - 4, ".whl") == 0;
	if (wheel) {
		/* name-ver(-build)?-PY-ABI-PLAT.whl: the python tag is third from the end */
		const char *p = fn + strlen(fn) - 4;
		int dashes = 0;

		while (p > fn && dashes < 3)
			if (*--p == '-')
				dashes++;
		rk_buf_add(&pyv, p + 1, strcspn(p + 1, "-"));
	} else {
		rk_buf_adds(&pyv, "source");
	}
	/* the legacy upload API's fields; the file is streamed by libcurl */
	memset(form, 0, sizeof(form));
	form[0].name = ":action", form[0].value = "file_upload";
	form[1].name = "protocol_version", form[1].value = "1";
	form[2].name = "metadata_version", form[2].value = "2.1";
	form[3].name = "name", form[3].value = name;
	form[4].name = "version", form[4].value = version;
	form[5].name = "filetype", form[5].value = wheel ? "bdist_wheel" : "sdist";
	form[6].name = "pyversion", form[6].value = pyv.data;
	form[7].name = "sha256_digest", form[7].value = sha256;
	form[8].name = "content", form[8].file = file, form[8].filename = fn;
	if (r->token && *r->token) {
		rk_buf_addf(&cred, "__token__:%s", r->token);
		rk_buf_adds(&auth, "Basic ");
		rk_base64(cred.data, cred.len, &auth);
		memset(cred.data, 0, cred.len);
	}
	req.method = "POST";
	req.url = r->url;
	req.auth = auth.len ? auth.data : NULL;
	req.form = form;
	req.nform = 9;
	rc = rk_registry_upload(r, &req, fn, 400, conflicts, &resp, conflict, err);
out:
	rk_http_resp_release(&resp);
	rk_buf_release(&cred);
	rk_registry_wipe(&auth);
	rk_buf_release(&pyv);
	return rc;
}
