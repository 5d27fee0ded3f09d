/*
 * rk_exec_forge.c - the release executor (a forge release per tag, see
 * rk_exec_publish.h) and the git credentials for forge remotes
 * (rk_forge_git.h).
 */
#include "rk_common.h"

#include <ctype.h>
#include <dirent.h>
#include <git2.h>
#include <sys/stat.h>

#include "rk_changelog_file.h"
#include "rk_exec_publish.h"
#include "rk_forge.h"
#include "rk_forge_git.h"
#include "rk_sha256.h"

/* ---- git credentials ---- */

static int cred_cb(git_credential **out, const char *url, const char *user, unsigned int allowed,
		   void *payload)
{
	struct rk_forge_gitauth *a = payload;

	(void)url;
	if (a->tries++ > 1)
		return GIT_EUSER; /* refused twice: do not loop */
	if ((allowed & GIT_CREDENTIAL_SSH_KEY) && user)
		return git_credential_ssh_key_from_agent(out, user);
	if ((allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) && a->token) {
		const char *name = user && *user ? user : a->user;

		return git_credential_userpass_plaintext_new(out, name, a->token);
	}
	return GIT_PASSTHROUGH;
}

void rk_forge_gitauth_init(struct rk_forge_gitauth *a, const struct rk_forge_client *f)
{
	memset(a, 0, sizeof(*a));
	if (!f || !f->ops)
		return;
	a->token = f->token;
	/* the user name each forge documents for a token over HTTPS */
	if (!strcmp(f->ops->name, "github"))
		a->user = "x-access-token";
	else if (!strcmp(f->ops->name, "gitlab"))
		a->user = f->header ? "gitlab-ci-token" : "oauth2";
	else if (!strcmp(f->ops->name, "bitbucket"))
		a->user = "x-token-auth";
	else
		a->user = "releasekit"; /* Gitea: any name with the token as password */
}

void rk_forge_gitauth_callbacks(struct rk_forge_gitauth *a, git_remote_callbacks *cb)
{
	cb->credentials = cred_cb;
	cb->payload = a;
}

char *rk_forge_remote_url(const char *root, const char *name)
{
	git_repository *repo = NULL;
	git_config *cfg = NULL;
	struct rk_buf key = RK_BUF_INIT;
	const char *v = NULL;
	char *url = NULL;

	git_libgit2_init();
	rk_buf_addf(&key, "remote.%s.url", name);
	if (git_repository_open(&repo, root) == 0 &&
	    git_repository_config_snapshot(&cfg, repo) == 0 &&
	    git_config_get_string(&v, cfg, key.data) == 0 && v)
		url = rk_xstrdup(v);
	git_config_free(cfg);
	git_repository_free(repo);
	git_libgit2_shutdown();
	rk_buf_release(&key);
	return url;
}

/* ---- release ---- */

struct asset {
	char *path; /* relative to the repository root */
	char *name;
	long long size;
};

static int cmp_asset(const void *a, const void *b)
{
	return strcmp(((const struct asset *)a)->name, ((const struct asset *)b)->name);
}

static int mkdirs(const char *path)
{
	char *p = rk_xstrdup(path), *q;
	int rc = 0;

	for (q = p + 1; *q && rc == 0; q++)
		if (*q == '/') {
			*q = 0;
			if (mkdir(p, 0777) != 0 && errno != EEXIST)
				rc = -1;
			*q = '/';
		}
	if (rc == 0 && mkdir(p, 0777) != 0 && errno != EEXIST)
		rc = -1;
	free(p);
	return rc;
}

/* The files of each params.dists directory (sorted by name), then SHA256SUMS over them. */
static int collect(struct rk_xctx *x, const char *tag, const char *sums_name, struct asset **out,
		   size_t *nout)
{
	int dists = rk_xctx_param_tok(x, "dists"), t;
	struct asset *v = NULL;
	size_t n = 0, cap = 0, i;
	struct rk_buf p = RK_BUF_INIT, sums = RK_BUF_INIT, dir = RK_BUF_INIT;
	int rc = -1;

	for (t = dists >= 0 ? rk_json_first(x->a, dists) : -1; t >= 0; t = rk_json_next(x->a, t)) {
		const char *d = rk_json_str(x->a, t);
		DIR *dp;
		struct dirent *e;

		if (!d)
			continue;
		dp = opendir(d);
		if (!dp && errno == ENOENT)
			continue; /* nothing built (a private package, an application) */
		if (!dp) {
			rk_err_set(&x->err, NULL, 0, 0,
				   "release %s: %s: %s (the build action makes the artifacts)", tag,
				   d, strerror(errno));
			goto out;
		}
		while ((e = readdir(dp))) {
			struct stat sb;

			if (e->d_name[0] == '.')
				continue;
			rk_buf_reset(&p);
			rk_buf_addf(&p, "%s/%s", d, e->d_name);
			if (stat(p.data, &sb) != 0 || !S_ISREG(sb.st_mode))
				continue;
			RK_GROW(v, cap, n + 1);
			v[n].path = rk_xstrdup(p.data);
			v[n].name = rk_xstrdup(e->d_name);
			v[n].size = (long long)sb.st_size;
			n++;
		}
		closedir(dp);
	}
	if (n == 0) {
		rc = 0; /* a release with notes only: no artifacts, no checksums */
		goto out;
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_asset);
	for (i = 0; i < n; i++) {
		char hex[RK_SHA256_HEX];

		if (i && !strcmp(v[i].name, v[i - 1].name)) {
			rk_err_set(&x->err, NULL, 0, 0,
				   "release %s: two artifacts are named %s (%s, %s)", tag,
				   v[i].name, v[i - 1].path, v[i].path);
			goto out;
		}
		if (rk_sha256_file(v[i].path, hex) < 0) {
			rk_err_set(&x->err, NULL, 0, 0, "%s: %s", v[i].path, strerror(errno));
			goto out;
		}
		rk_buf_addf(&sums, "%s  %s\n", hex, v[i].name);
	}
	/* the checksums file, beside the artifacts (.releasekit/ is ignored by git) */
	rk_buf_adds(&dir, ".releasekit/dist/release/");
	rk_forge_esc(tag, &dir);
	if (mkdirs(dir.data) < 0) {
		rk_err_set(&x->err, NULL, 0, 0, "%s: %s", dir.data, strerror(errno));
		goto out;
	}
	rk_buf_reset(&p);
	rk_buf_addf(&p, "%s/%s", dir.data, sums_name);
	if (rk_write_file_atomic(p.data, sums.data, sums.len, 0644) < 0) {
		rk_err_set(&x->err, NULL, 0, 0, "%s: %s", p.data, strerror(errno));
		goto out;
	}
	RK_GROW(v, cap, n + 1);
	v[n].path = rk_buf_detach(&p, NULL);
	v[n].name = rk_xstrdup(sums_name);
	v[n].size = (long long)sums.len;
	n++;
	rc = 0;
out:
	if (rc < 0) {
		for (i = 0; i < n; i++) {
			free(v[i].path);
			free(v[i].name);
		}
		free(v);
		v = NULL;
		n = 0;
	}
	*out = v;
	*nout = n;
	rk_buf_release(&p);
	rk_buf_release(&sums);
	rk_buf_release(&dir);
	return rc;
}

/* s and t equal but for trailing white space (forges trim or add a newline) */
static bool same_text(const char *s, const char *t)
{
	size_t a = s ? strlen(s) : 0, b = t ? strlen(t) : 0;

	while (a && isspace((unsigned char)s[a - 1]))
		a--;
	while (b && isspace((unsigned char)t[b - 1]))
		b--;
	return a == b && (a == 0 || !memcmp(s, t, a));
}

/* A failed forge call: its message; retryable unless the forge refused (4xx but 408/429). */
static int forge_fail(struct rk_xctx *x, const struct rk_err *e)
{
	x->err = *e;
	rk_xctx_retryable(x, !strstr(e->msg, ": HTTP 4"));
	return -1;
}

/*
 * The release's notes (rk_exec_publish.h): params.notes, else its sections:
 * one section's text, or a "## NAME VERSION" heading per package (a
 * train) over its section without the section's own "## " heading.
 */
static void release_notes(struct rk_xctx *x, struct rk_buf *out)
{
	const char *notes = rk_xctx_param(x, "notes");
	int secs = rk_xctx_param_tok(x, "sections"), n, t;
	struct rk_buf one = RK_BUF_INIT;

	if (notes && *notes) {
		rk_buf_adds(out, notes);
		return;
	}
	if (secs < 0 || rk_json_type(x->a, secs) != RK_JSON_ARRAY)
		return;
	n = rk_json_len(x->a, secs);
	for (t = rk_json_first(x->a, secs); t >= 0; t = rk_json_next(x->a, t)) {
		const char *name = rk_json_get_str(x->a, t, "name");
		const char *ver = rk_json_get_str(x->a, t, "version");
		const char *txt = rk_json_get_str(x->a, t, "notes");
		const char *body;

		rk_buf_reset(&one);
		if (txt && *txt)
			rk_buf_adds(&one, txt);
		else /* a publish from a release commit: the section the commit wrote */
			rk_changelog_file_section(rk_json_get_str(x->a, t, "changelog"),
						  ver ? ver : "", &one);
		if (n == 1) {
			if (one.len)
				rk_buf_add(out, one.data, one.len);
			continue;
		}
		body = one.len ? one.data : "";
		if (!strncmp(body, "## ", 3)) /* its own heading: the version, said above */
			body = strchr(body, '\n') ? strchr(body, '\n') + 1 : body + strlen(body);
		body += strspn(body, "\r\n");
		if (out->len)
			rk_buf_addc(out, '\n');
		rk_buf_addf(out, "## %s %s\n", name ? name : "?", ver ? ver : "");
		if (*body)
			rk_buf_addf(out, "\n%s%s", body,
				    body[strlen(body) - 1] == '\n' ? "" : "\n");
	}
	rk_buf_release(&one);
}

/*
 * Open the forge of params.remote (default origin) with params.forge: 1 (f
 * open, its waits logged), 0 when the remote is no forge (*remote named),
 * -1 with x->err set. *url: the remote's URL (free it).
 */
static int forge_begin(struct rk_xctx *x, struct rk_forge_client *f, char **url,
		       const char **remote)
{
	struct rk_err e;
	int o;

	memset(f, 0, sizeof(*f));
	*remote = rk_xctx_param(x, "remote");
	if (!*remote)
		*remote = "origin";
	*url = rk_forge_remote_url(x->root, *remote);
	o = rk_forge_open(f, *url, x->a, rk_xctx_param_tok(x, "forge"), &e);
	if (o < 0) {
		x->err = e;
		rk_xctx_retryable(x, false);
	} else if (o > 0) {
		f->http.on_wait = rk_xctx_http_wait;
		f->http.ctx = x;
	}
	return o;
}

/* The commit HEAD names (hex) into out, or -1 with x->err set. */
static int head_commit(struct rk_xctx *x, char out[GIT_OID_HEXSZ + 1])
{
	git_repository *repo = NULL;
	git_oid id;
	int rc = 0;

	git_libgit2_init();
	if (git_repository_open(&repo, x->root) != 0 ||
	    git_reference_name_to_id(&id, repo, "HEAD") != 0) {
		const git_error *e = git_error_last();

		rc = rk_err_set(&x->err, NULL, 0, 0, "draft: HEAD of %s: %s", x->root,
				e && e->message ? e->message : "not found");
	} else {
		git_oid_tostr(out, GIT_OID_HEXSZ + 1, &id);
	}
	git_repository_free(repo);
	git_libgit2_shutdown();
	return rc;
}

int rk_xrun_draft(struct rk_xctx *x)
{
	const char *tag = rk_xctx_param_req(x, "tag"), *target, *remote;
	struct rk_forge_client f;
	struct rk_forge_release r;
	struct rk_buf nb = RK_BUF_INIT;
	struct rk_err e;
	char head[GIT_OID_HEXSZ + 1], *url = NULL;
	int rc = -1, o;

	memset(&r, 0, sizeof(r));
	memset(&f, 0, sizeof(f));
	if (!tag)
		return -1;
	o = forge_begin(x, &f, &url, &remote);
	if (o <= 0) {
		if (o == 0)
			rc = rk_xctx_note(
				x, "skipped: %s is not a known forge (no release page to create)",
				url ? remote : "no remote");
		goto done;
	}
	if (!f.ops->drafts) {
		bool keep = rk_json_bool(x->a, rk_xctx_param_tok(x, "draft")) == 1;

		rc = rk_xctx_note(
			x, "skipped: %s has no draft releases (%s)", f.ops->name,
			keep ? "and release_draft is True: release makes nothing public"
			: f.ops->no_notes
				? "its Downloads get the assets after verify"
				: "the release is created complete after verify and the tag's push");
		goto done;
	}
	release_notes(x, &nb);
	o = f.ops->find_release(&f, tag, &r, &e);
	if (o < 0) {
		forge_fail(x, &e);
		goto done;
	}
	if (o == 0) {
		target = rk_xctx_param(x, "target");
		if (!target) {
			if (head_commit(x, head) < 0)
				goto done;
			target = head;
		}
		o = f.ops->create_release(&f, tag, tag, nb.len ? nb.data : "", target, true, &r,
					  &e);
		if (o < 0 && strstr(e.msg, ": HTTP 422")) {
			/* GitHub refuses a target it does not have (a release commit made
			 * here, pushed with the tags): the draft names none; the tag is
			 * pushed before it is published */
			rk_forge_release_free(&r);
			o = f.ops->create_release(&f, tag, tag, nb.len ? nb.data : "", NULL, true,
						  &r, &e);
			target = NULL;
		}
		if (o < 0) {
			forge_fail(x, &e);
			goto done;
		}
		rk_xctx_killpoint(x, "created");
		if (target)
			rc = rk_xctx_note(x, "%s release %s created as a draft (target %.12s)",
					  f.ops->name, tag, target);
		else
			rc = rk_xctx_note(
				x,
				"%s release %s created as a draft (the forge does not have "
				"its commit yet: the tag names it when pushed)",
				f.ops->name, tag);
	} else if (!r.draft) {
		rc = rk_xctx_note(x, "already published: %s release %s", f.ops->name, tag);
	} else if (!same_text(r.body, nb.data)) {
		if (f.ops->update_release(&f, &r, nb.len ? nb.data : "", -1, &e) < 0) {
			forge_fail(x, &e);
			goto done;
		}
		rc = rk_xctx_note(x, "%s draft release %s: notes updated", f.ops->name, tag);
	} else {
		rc = rk_xctx_note(x, "already done: %s draft release %s", f.ops->name, tag);
	}
done:
	rk_forge_release_free(&r);
	if (f.ops)
		rk_forge_close(&f);
	free(url);
	rk_buf_release(&nb);
	return rc;
}

/*
 * Gitea publishes a tag's draft when it syncs the pushed tag, in its own
 * time after the push. A release made before that sync names a commit
 * (the draft action's target) or the default branch (made here without
 * one); a tag's own release converted by our create names none; one put
 * back to a draft here names the tag itself (update_release). So: whether
 * that sync is still to come or has published it (the release not ours to
 * leave alone).
 */
static bool synced_by_forge(const struct rk_forge_client *f, const struct rk_forge_release *r)
{
	return f->ops->tag_push_publishes && r->target && *r->target &&
	       strcmp(r->target, r->tag ? r->tag : "");
}

/*
 * release_draft on a forge whose tag sync publishes drafts: wait (up to
 * 120 s) until the sync has published r, then put it back to a draft.
 * 0, or -1 with x->err set.
 */
static int keep_draft_after_sync(struct rk_xctx *x, struct rk_forge_client *f,
				 struct rk_forge_release *r, const char *tag)
{
	struct rk_err e;
	long waited = 0;

	while (r->draft) {
		struct timespec ts = {0, 250 * 1000 * 1000};
		struct rk_forge_release again;
		int o;

		if (waited >= 120 * 4) {
			rk_err_set(&x->err, NULL, 0, 0,
				   "release %s: %s has not synced the pushed tag after 120 s "
				   "(it publishes the draft then; rerun to leave it a draft)",
				   tag, f->ops->name);
			rk_xctx_retryable(x, true);
			return -1;
		}
		nanosleep(&ts, NULL);
		waited++;
		memset(&again, 0, sizeof(again));
		o = f->ops->find_release(f, tag, &again, &e);
		if (o < 0)
			return forge_fail(x, &e);
		if (o == 0) {
			rk_err_set(&x->err, NULL, 0, 0, "release %s: gone from %s while waiting",
				   tag, f->ops->name);
			return -1;
		}
		rk_forge_release_free(r);
		*r = again;
	}
	if (f->ops->update_release(f, r, NULL, 1, &e) < 0)
		return forge_fail(x, &e);
	return 0;
}

int rk_xrun_release(struct rk_xctx *x)
{
	const char *tag = rk_xctx_param(x, "tag"), *notes, *remote;
	/* release_train(release_draft = True): left a draft for the user to
	 * publish; release_artifacts = False: no assets */
	bool keep_draft = rk_json_bool(x->a, rk_xctx_param_tok(x, "draft")) == 1;
	bool artifacts = rk_json_bool(x->a, rk_xctx_param_tok(x, "artifacts")) != 0;
	struct rk_forge_client f;
	struct rk_forge_release r;
	struct rk_err e;
	struct asset *as = NULL;
	size_t nas = 0, i, k, nup = 0;
	char *url = NULL;
	const char *sums_name = "SHA256SUMS", *state;
	struct rk_buf sn = RK_BUF_INIT, nb = RK_BUF_INIT, what = RK_BUF_INIT;
	bool created = false, renoted = false, promoted = false, redrafted = false;
	int rc = -1, o;

	memset(&r, 0, sizeof(r));
	memset(&f, 0, sizeof(f));
	release_notes(x, &nb);
	notes = nb.len ? nb.data : "";
	o = forge_begin(x, &f, &url, &remote);
	if (o < 0)
		goto done;
	if (o == 0) {
		rc = rk_xctx_note(x, "skipped: %s is not a known forge (no release page to create)",
				  url ? remote : "no remote");
		goto done;
	}
	if (!tag) {
		rk_xctx_param_req(x, "tag");
		goto done;
	}
	if (keep_draft && !f.ops->drafts) {
		rc = rk_xctx_note(x,
				  "skipped: %s has no draft releases and release_draft is True "
				  "(nothing made public: make the release of %s by hand)",
				  f.ops->name, tag);
		goto done;
	}
	if (!artifacts && f.ops->no_notes) {
		rc = rk_xctx_note(x,
				  "skipped: %s keeps only Downloads (no release pages) and "
				  "release_artifacts is False",
				  f.ops->name);
		goto done;
	}
	if (!strcmp(f.ops->name, "bitbucket")) {
		/* one Downloads area for all tags: the checksums file names its tag */
		rk_buf_addf(&sn, "SHA256SUMS-%s", tag);
		for (char *q = sn.data; *q; q++)
			if (*q == '/')
				*q = '-';
		sums_name = sn.data;
	}
	if (artifacts && collect(x, tag, sums_name, &as, &nas) < 0)
		goto done;
	rk_xctx_killpoint(x, "start");

	/* the truth first: the tag's release, drafts included */
	o = f.ops->find_release(&f, tag, &r, &e);
	if (o < 0) {
		forge_fail(x, &e);
		goto done;
	}
	if (o == 0) {
		if (f.ops->create_release(&f, tag, tag, notes, NULL, true, &r, &e) < 0) {
			forge_fail(x, &e);
			goto done;
		}
		created = true;
		rk_xctx_killpoint(x, "created");
	} else if (!f.ops->no_notes && !same_text(r.body, notes)) {
		if (f.ops->update_release(&f, &r, notes, -1, &e) < 0) {
			forge_fail(x, &e);
			goto done;
		}
		renoted = true;
	}
	/* the assets: missing ones uploaded, a partial one (other size) replaced */
	for (i = 0; i < nas; i++) {
		const struct rk_forge_asset *have = NULL;

		for (k = 0; k < r.nassets; k++)
			if (!strcmp(r.assets[k].name, as[i].name))
				have = &r.assets[k];
		if (have && (have->size < 0 || have->size == as[i].size))
			continue;
		if (have && f.ops->delete_asset && f.ops->delete_asset(&f, &r, have, &e) < 0) {
			forge_fail(x, &e);
			goto done;
		}
		rk_xctx_killpoint(x, "upload");
		if (f.ops->upload_asset(&f, &r, as[i].path, as[i].name, &e) < 0) {
			forge_fail(x, &e);
			goto done;
		}
		nup++;
		rk_xctx_killpoint(x, "uploaded");
	}
	if (keep_draft) {
		/* left a draft: the user publishes it; one the forge's tag sync
		 * publishes (or has) is put back, one published by hand left alone */
		if (synced_by_forge(&f, &r)) {
			if (keep_draft_after_sync(x, &f, &r, tag) < 0)
				goto done;
			redrafted = true;
		}
	} else if (r.draft) {
		/* promoted last: the package's publish, poll, smoke_test and verify
		 * are done (this action runs after them and the tag's push) */
		if (f.ops->update_release(&f, &r, NULL, 0, &e) < 0) {
			forge_fail(x, &e);
			goto done;
		}
		promoted = true;
	}
	state = promoted      ? ", published"
		: !keep_draft ? ""
		: !r.draft    ? ", published already (by hand: left alone)"
		: redrafted   ? ", left a draft (release_draft; put back after the tag's sync "
				"published it): publish it by hand"
			      : ", left a draft (release_draft): publish it by hand";
	if (artifacts)
		rk_buf_addf(&what, "%zu asset%s uploaded (%zu there)", nup, nup == 1 ? "" : "s",
			    nas);
	else
		rk_buf_adds(&what, "no assets (release_artifacts is False)");
	if (!created && !renoted && !promoted && !redrafted && nup == 0 && artifacts)
		rc = rk_xctx_note(x, "already done: %s release %s with %zu assets%s", f.ops->name,
				  tag, nas, state);
	else if (!created && !renoted && !promoted && !redrafted)
		rc = rk_xctx_note(x, "already done: %s release %s, %s%s", f.ops->name, tag,
				  what.data, state);
	else
		rc = rk_xctx_note(x, "%s release %s: %s%s%s%s", f.ops->name, tag,
				  !created	  ? ""
				  : f.ops->drafts ? "created as a draft, "
						  : "created, ",
				  renoted ? "notes updated, " : "", what.data, state);
done:
	for (i = 0; i < nas; i++) {
		free(as[i].path);
		free(as[i].name);
	}
	free(as);
	rk_forge_release_free(&r);
	if (f.ops)
		rk_forge_close(&f);
	free(url);
	rk_buf_release(&sn);
	rk_buf_release(&nb);
	rk_buf_release(&what);
	return rc;
}

/* ---- the release pull request ---- */

/* Force-push refs/heads/branch to the remote url unless it is there already: 1 pushed, 0 there. */
static int push_branch(struct rk_xctx *x, struct rk_forge_client *f, const char *url,
		       const char *branch)
{
	git_repository *repo = NULL;
	git_remote *remote = NULL;
	const git_remote_head **heads = NULL;
	size_t nheads = 0, i;
	git_remote_callbacks cbs;
	git_push_options po;
	struct rk_forge_gitauth auth;
	struct rk_buf ref = RK_BUF_INIT, spec = RK_BUF_INIT;
	git_oid local;
	char *specs[1];
	git_strarray sa = {specs, 1};
	int rc = -1;
	const git_error *e;

	git_libgit2_init();
	rk_forge_gitauth_init(&auth, f);
	git_remote_init_callbacks(&cbs, GIT_REMOTE_CALLBACKS_VERSION);
	rk_forge_gitauth_callbacks(&auth, &cbs);
	rk_buf_addf(&ref, "refs/heads/%s", branch);
	if (git_repository_open(&repo, x->root) != 0 ||
	    git_reference_name_to_id(&local, repo, ref.data) != 0) {
		e = git_error_last();
		rk_err_set(&x->err, NULL, 0, 0, "release pull request: branch %s: %s", branch,
			   e && e->message ? e->message : "not found");
		goto out;
	}
	if (git_remote_create_anonymous(&remote, repo, url) != 0 ||
	    git_remote_connect(remote, GIT_DIRECTION_FETCH, &cbs, NULL, NULL) != 0 ||
	    git_remote_ls(&heads, &nheads, remote) != 0) {
		e = git_error_last();
		rk_err_set(&x->err, NULL, 0, 0, "release pull request: asking the remote: %s",
			   e && e->message ? e->message : "failed");
		rk_xctx_retryable(x, true);
		goto out;
	}
	for (i = 0; i < nheads; i++)
		if (!strcmp(heads[i]->name, ref.data) && git_oid_equal(&heads[i]->oid, &local)) {
			rc = 0;
			goto out;
		}
	git_remote_disconnect(remote);
	rk_buf_addf(&spec, "+%s:%s", ref.data, ref.data); /* the branch is ours: forced */
	specs[0] = spec.data;
	git_push_options_init(&po, GIT_PUSH_OPTIONS_VERSION);
	auth.tries = 0;
	po.callbacks = cbs;
	if (git_remote_push(remote, &sa, &po) != 0) {
		e = git_error_last();
		rk_err_set(&x->err, NULL, 0, 0, "release pull request: pushing %s: %s", branch,
			   e && e->message ? e->message : "failed");
		rk_xctx_retryable(x, true);
		goto out;
	}
	rc = 1;
out:
	git_remote_free(remote);
	git_repository_free(repo);
	git_libgit2_shutdown();
	rk_buf_release(&ref);
	rk_buf_release(&spec);
	return rc;
}

int rk_xrun_release_pr(struct rk_xctx *x)
{
	const char *branch = rk_xctx_param_req(x, "branch"), *base, *title, *body, *remote;
	int close = rk_json_bool(x->a, rk_xctx_param_tok(x, "close")) == 1;
	struct rk_forge_client f;
	struct rk_forge_pr pr;
	struct rk_err e;
	char *url = NULL;
	int rc = -1, o, pushed = 0;

	memset(&f, 0, sizeof(f));
	memset(&pr, 0, sizeof(pr));
	base = branch ? rk_xctx_param_req(x, "base") : NULL;
	if (!base)
		return -1;
	title = rk_xctx_param(x, "title");
	body = rk_xctx_param(x, "body");
	o = forge_begin(x, &f, &url, &remote);
	if (o <= 0) {
		if (o == 0)
			rk_err_set(&x->err, NULL, 0, 0,
				   "release pull request: remote '%s' is not a known forge "
				   "(name it with forge(name = ...) in RELEASE.star)",
				   remote);
		goto done;
	}
	if (close) {
		o = f.ops->find_pr(&f, branch, base, &pr, &e);
		if (o < 0) {
			forge_fail(x, &e);
			goto done;
		}
		if (o == 0) {
			rc = rk_xctx_note(x, "nothing pending: no open pull request from %s",
					  branch);
			goto done;
		}
		if (f.ops->close_pr(&f, &pr, &e) < 0) {
			forge_fail(x, &e);
			goto done;
		}
		rc = rk_xctx_note(x, "nothing pending: closed pull request #%s", pr.id);
		goto done;
	}
	if (!title || !body) {
		rk_xctx_param_req(x, title ? "body" : "title");
		goto done;
	}
	pushed = push_branch(x, &f, url, branch);
	if (pushed < 0)
		goto done;
	rk_xctx_killpoint(x, "pushed");
	o = f.ops->find_pr(&f, branch, base, &pr, &e);
	if (o < 0) {
		forge_fail(x, &e);
		goto done;
	}
	if (o == 0) {
		rk_forge_pr_free(&pr);
		if (f.ops->create_pr(&f, branch, base, title, body, &pr, &e) < 0) {
			forge_fail(x, &e);
			goto done;
		}
		rc = rk_xctx_note(x, "opened pull request #%s (%s into %s)%s%s", pr.id, branch,
				  base, pr.url ? ": " : "", pr.url ? pr.url : "");
	} else if (!same_text(pr.title, title) || !same_text(pr.body, body)) {
		if (f.ops->update_pr(&f, &pr, title, body, &e) < 0) {
			forge_fail(x, &e);
			goto done;
		}
		rc = rk_xctx_note(x, "updated pull request #%s%s", pr.id,
				  pushed ? " (branch force-pushed)" : "");
	} else {
		rc = rk_xctx_note(x, "%s pull request #%s",
				  pushed ? "branch pushed for" : "already done:", pr.id);
	}
done:
	rk_forge_pr_free(&pr);
	if (f.ops)
		rk_forge_close(&f);
	free(url);
	return rc;
}
