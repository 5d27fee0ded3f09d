/* rk_exec_push.c - the sign, push and release executors; see rk_exec_publish.h. */
#include "rk_common.h"
#include "rk_exec_publish.h"
#include "rk_forge_git.h"

#include <git2.h>

static int git_fail(struct rk_xctx *x, const char *what)
{
	const git_error *e = git_error_last();

	return rk_err_set(&x->err, NULL, 0, 0, "%s: %s", what,
			  e && e->message ? e->message : "failed");
}

/* sign: no signer is configured by any rule yet; say so plainly. */
int rk_xrun_sign(struct rk_xctx *x)
{
	return rk_xctx_note(
		x, "not signed: no signing is configured (signing is not implemented yet)");
}

/*
 * The URL of remote `name` (remote.NAME.url), or NULL; malloc'd. Read from
 * the configuration rather than with git_remote_lookup, whose regex
 * iteration over the config leaks in this libgit2.
 */
static char *remote_url(git_repository *repo, const char *name)
{
	git_config *cfg = NULL;
	struct rk_buf key = RK_BUF_INIT;
	const char *v = NULL;
	char *url = NULL;

	rk_buf_addf(&key, "remote.%s.url", name);
	if (git_repository_config_snapshot(&cfg, repo) == 0 &&
	    git_config_get_string(&v, cfg, key.data) == 0 && v)
		url = rk_xstrdup(v);
	git_config_free(cfg);
	rk_buf_release(&key);
	return url;
}

/*
 * push: every tag of params.tags to params.remote (default origin), asking
 * the remote first (git ls-remote): a tag already there with the same
 * object is done; one there with another object is a clear failure; the
 * others are pushed in one push.
 */
int rk_xrun_push(struct rk_xctx *x)
{
	const char *remote_name = rk_xctx_param(x, "remote");
	int tags = rk_xctx_param_tok(x, "tags"), t;
	git_repository *repo = NULL;
	git_remote *remote = NULL;
	const git_remote_head **heads = NULL;
	size_t nheads = 0, i, npush = 0, ndone = 0;
	git_strarray specs = {NULL, 0};
	char *url = NULL;
	git_push_options po;
	git_remote_callbacks cbs;
	struct rk_forge_client forge;
	struct rk_forge_gitauth auth;
	struct rk_err ferr;
	struct rk_buf ref = RK_BUF_INIT, spec = RK_BUF_INIT, list = RK_BUF_INIT;
	int rc = -1;

	if (!remote_name)
		remote_name = "origin";
	memset(&forge, 0, sizeof(forge));
	git_libgit2_init();
	if (git_repository_open(&repo, x->root) != 0) {
		git_fail(x, x->root);
		goto out;
	}
	url = remote_url(repo, remote_name);
	if (!url) {
		rk_err_set(
			&x->err, NULL, 0, 0,
			"push: the repository has no remote '%s' (add it, or publish with --no-push)",
			remote_name);
		goto out;
	}
	/* a forge remote over HTTPS: its token (none: the remote's own access) */
	if (rk_forge_open(&forge, url, x->a, rk_xctx_param_tok(x, "forge"), &ferr) == 1)
		rk_forge_gitauth_init(&auth, &forge);
	else
		rk_forge_gitauth_init(&auth, NULL);
	git_remote_init_callbacks(&cbs, GIT_REMOTE_CALLBACKS_VERSION);
	rk_forge_gitauth_callbacks(&auth, &cbs);
	if (git_remote_create_anonymous(&remote, repo, url) != 0) {
		git_fail(x, remote_name);
		goto out;
	}
	if (git_remote_connect(remote, GIT_DIRECTION_FETCH, &cbs, NULL, NULL) != 0 ||
	    git_remote_ls(&heads, &nheads, remote) != 0) {
		git_fail(x, remote_name);
		rk_xctx_retryable(x, true);
		goto out;
	}
	specs.strings = rk_xcalloc((size_t)rk_json_len(x->a, tags) + 1, sizeof(char *));
	for (t = rk_json_first(x->a, tags); t >= 0; t = rk_json_next(x->a, t)) {
		const char *name = rk_json_str(x->a, t);
		git_oid local;
		bool there = false;

		if (!name)
			continue;
		rk_buf_reset(&ref);
		rk_buf_addf(&ref, "refs/tags/%s", name);
		if (git_reference_name_to_id(&local, repo, ref.data) != 0) {
			rk_err_set(&x->err, NULL, 0, 0,
				   "push: tag %s does not exist here (the tag action makes it)",
				   name);
			goto out;
		}
		for (i = 0; i < nheads; i++) {
			if (strcmp(heads[i]->name, ref.data) != 0)
				continue;
			there = true;
			if (!git_oid_equal(&heads[i]->oid, &local)) {
				char a[GIT_OID_HEXSZ + 1], b[GIT_OID_HEXSZ + 1];

				git_oid_tostr(a, sizeof(a), &heads[i]->oid);
				git_oid_tostr(b, sizeof(b), &local);
				rk_err_set(
					&x->err, NULL, 0, 0,
					"push: tag %s on '%s' points at %s, here at %s (not overwritten)",
					name, remote_name, a, b);
				goto out;
			}
		}
		if (there) {
			ndone++;
			continue;
		}
		rk_buf_reset(&spec);
		rk_buf_addf(&spec, "%s:%s", ref.data, ref.data);
		specs.strings[specs.count++] = rk_xstrdup(spec.data);
		if (list.len)
			rk_buf_adds(&list, ", ");
		rk_buf_adds(&list, name);
		npush++;
	}
	git_remote_disconnect(remote);
	if (npush) {
		git_push_options_init(&po, GIT_PUSH_OPTIONS_VERSION);
		auth.tries = 0;
		po.callbacks = cbs;
		if (git_remote_push(remote, &specs, &po) != 0) {
			git_fail(x, "push");
			rk_xctx_retryable(x, true);
			goto out;
		}
		rk_xctx_note(x, "pushed %zu tag%s to %s (%zu already there)", npush,
			     npush == 1 ? "" : "s", remote_name, ndone);
	} else {
		rk_xctx_note(x, "already done: %zu tag%s on %s", ndone, ndone == 1 ? "" : "s",
			     remote_name);
	}
	rc = 0;
out:
	for (i = 0; i < specs.count; i++)
		free(specs.strings[i]);
	free(specs.strings);
	git_remote_free(remote);
	git_repository_free(repo);
	git_libgit2_shutdown();
	if (forge.ops)
		rk_forge_close(&forge);
	free(url);
	rk_buf_release(&ref);
	rk_buf_release(&spec);
	rk_buf_release(&list);
	return rc;
}
