/* rk_exec_git.c - the commit and tag executors, through libgit2 (see rk_exec_prepare.h). */
#include "rk_common.h"
#include "rk_exec_prepare.h"

#include <git2.h>

/* "what: libgit2's last error" into x->err; returns -1. */
static int git_fail(struct rk_xctx *x, const char *what)
{
	const git_error *e = git_error_last();

	return rk_err_set(&x->err, NULL, 0, 0, "%s: %s", what, e && e->message ? e->message : "?");
}

static int open_repo(struct rk_xctx *x, git_repository **repo)
{
	git_libgit2_init();
	if (git_repository_open(repo, x->root) < 0) {
		struct rk_buf b = RK_BUF_INIT;
		int rc;

		rk_buf_addf(&b, "cannot open the git repository %s", x->root);
		rc = git_fail(x, b.data);
		rk_buf_release(&b);
		return rc;
	}
	return 0;
}

/* The commit a hex id or HEAD names (peeled), into *oid. */
static int resolve_commit(struct rk_xctx *x, git_repository *repo, const char *spec, git_oid *oid)
{
	git_object *o = NULL, *c = NULL;
	int rc = 0;

	if (git_revparse_single(&o, repo, spec) < 0 ||
	    git_object_peel(&c, o, GIT_OBJECT_COMMIT) < 0) {
		struct rk_buf b = RK_BUF_INIT;

		rk_buf_addf(&b, "action '%s': cannot resolve %s to a commit", x->id, spec);
		rc = git_fail(x, b.data);
		rk_buf_release(&b);
	} else {
		git_oid_cpy(oid, git_object_id(c));
	}
	git_object_free(c);
	git_object_free(o);
	return rc;
}

/* ---- tag ---- */

int rk_xrun_tag(struct rk_xctx *x)
{
	const char *tag = rk_xctx_param(x, "tag"), *target = rk_xctx_param(x, "target");
	const char *message = rk_xctx_param(x, "message");
	git_repository *repo = NULL;
	git_reference *ref = NULL;
	git_object *obj = NULL, *peeled = NULL;
	git_signature *sig = NULL;
	struct rk_buf name = RK_BUF_INIT;
	git_oid want, oid;
	char a[GIT_OID_HEXSZ + 1], b[GIT_OID_HEXSZ + 1];
	int rc = -1, e;

	git_libgit2_init();
	if (!tag) {
		tag = rk_json_get_str(x->a, 0, "tag");
		if (!tag) {
			rk_xctx_param_req(x, "tag");
			return -1;
		}
	}
	if (!git_reference_is_valid_name((rk_buf_addf(&name, "refs/tags/%s", tag), name.data))) {
		rk_err_set(&x->err, NULL, 0, 0, "action '%s': '%s' is not a valid tag name", x->id,
			   tag);
		goto out;
	}
	if (open_repo(x, &repo) < 0 || resolve_commit(x, repo, target ? target : "HEAD", &want) < 0)
		goto out;
	git_oid_tostr(a, sizeof(a), &want);

	/* the truth: the ref */
	e = git_reference_lookup(&ref, repo, name.data);
	if (e == 0) {
		if (git_reference_peel(&peeled, ref, GIT_OBJECT_COMMIT) < 0) {
			git_fail(x, "reading the existing tag");
			goto out;
		}
		git_oid_tostr(b, sizeof(b), git_object_id(peeled));
		if (!git_oid_equal(git_object_id(peeled), &want)) {
			rk_err_set(
				&x->err, NULL, 0, 0,
				"tag %s already exists and points at %s, not at %s (delete it or "
				"release another version)",
				tag, b, a);
			goto out;
		}
		rc = rk_xctx_note(x, "already done: %s points at %.12s", tag, a);
		goto out;
	}
	if (e != GIT_ENOTFOUND) {
		git_fail(x, "reading the tags");
		goto out;
	}
	rk_xctx_killpoint(x, "write");
	if (git_object_lookup(&obj, repo, &want, GIT_OBJECT_COMMIT) < 0) {
		git_fail(x, "looking up the target commit");
		goto out;
	}
	if (message) {
		if (git_signature_default(&sig, repo) < 0) {
			git_fail(x, "the tagger (set user.name and user.email)");
			goto out;
		}
		e = git_tag_create(&oid, repo, tag, obj, sig, message, 0);
	} else {
		e = git_tag_create_lightweight(&oid, repo, tag, obj, 0);
	}
	if (e < 0) {
		git_fail(x, "creating the tag");
		goto out;
	}
	rc = rk_xctx_note(x, "tagged %.12s", a);
out:
	git_signature_free(sig);
	git_object_free(obj);
	git_object_free(peeled);
	git_reference_free(ref);
	git_repository_free(repo);
	rk_buf_release(&name);
	return rc;
}

/* ---- commit ---- */

int rk_xrun_commit(struct rk_xctx *x)
{
	return rk_err_set(&x->err, NULL, 0, 0,
			  "action '%s': the commit executor is not implemented yet", x->id);
}
