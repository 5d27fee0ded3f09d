/* rk_exec_git.c - the commit and tag executors, through libgit2 (see rk_exec_prepare.h). */
#include "rk_common.h"
#include "rk_exec_prepare.h"

#include <git2.h>
#include <unistd.h>

#include "rk_sort.h"

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

static int make_signatures(struct rk_xctx *x, git_repository *repo, git_signature **author,
			   git_signature **committer);

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
		if (make_signatures(x, repo, NULL, &sig) < 0)
			goto out;
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

struct commit_job {
	struct rk_xctx *x;
	git_repository *repo;
	char **paths; /* candidates: params.paths, params.delete, prepare-written */
	size_t npaths, cap;
	struct rk_buf trailers; /* "Release-Kit-Release: eco:name version\n"... */
};

static void add_path(struct commit_job *j, const char *p, size_t len)
{
	size_t i;

	if (!len)
		return;
	for (i = 0; i < j->npaths; i++)
		if (strlen(j->paths[i]) == len && !memcmp(j->paths[i], p, len))
			return;
	RK_GROW(j->paths, j->cap, j->npaths + 1);
	j->paths[j->npaths++] = rk_xstrndup(p, len);
}

/* A string array param into the candidates; -1 when it is not one. */
static int add_param_paths(struct commit_job *j, const char *key)
{
	struct rk_xctx *x = j->x;
	int t = rk_xctx_param_tok(x, key), e;

	if (t < 0)
		return 0;
	if (rk_json_type(x->a, t) != RK_JSON_ARRAY)
		return rk_err_set(&x->err, x->file, 1, 0, "action '%s': params.%s must be a list",
				  x->id, key);
	for (e = rk_json_first(x->a, t); e >= 0; e = rk_json_next(x->a, e)) {
		const char *v = rk_json_str(x->a, e);

		if (rk_json_type(x->a, e) != RK_JSON_STRING || !*v || *v == '/' || strstr(v, ".."))
			return rk_err_set(&x->err, x->file, 1, 0,
					  "action '%s': params.%s: each must be a path inside "
					  "the repository",
					  x->id, key);
		add_path(j, v, strlen(v));
	}
	return 0;
}

/* The trailers the commit carries, from params.releases. */
static int make_trailers(struct commit_job *j)
{
	struct rk_xctx *x = j->x;
	int t = rk_xctx_param_tok(x, "releases"), e;

	if (t < 0 || rk_json_type(x->a, t) != RK_JSON_ARRAY || rk_json_len(x->a, t) == 0)
		return rk_err_set(&x->err, x->file, 1, 0,
				  "action '%s': params.releases must be a non-empty list", x->id);
	for (e = rk_json_first(x->a, t); e >= 0; e = rk_json_next(x->a, e)) {
		const char *eco = rk_json_get_str(x->a, e, "ecosystem");
		const char *name = rk_json_get_str(x->a, e, "name");
		const char *ver = rk_json_get_str(x->a, e, "version");
		const char *id = rk_json_get_str(x->a, e, "id"); /* packages sharing a name */

		if (!eco || !name || !ver)
			return rk_err_set(&x->err, x->file, 1, 0,
					  "action '%s': each of params.releases needs ecosystem, "
					  "name and version",
					  x->id);
		if (id)
			rk_buf_addf(&j->trailers, "%s: %s %s\n", RK_RELEASE_TRAILER, id, ver);
		else
			rk_buf_addf(&j->trailers, "%s: %s:%s %s\n", RK_RELEASE_TRAILER, eco, name,
				    ver);
	}
	return 0;
}

/* The "Release-Kit-Release" trailer lines of a message, sorted, into out. */
static void trailer_set(const char *msg, struct rk_buf *out)
{
	git_message_trailer_array arr = {0};
	char **v;
	size_t i, n = 0;

	rk_buf_reset(out);
	if (git_message_trailers(&arr, msg) < 0)
		return;
	v = rk_xcalloc(arr.count + 1, sizeof(char *));
	for (i = 0; i < arr.count; i++)
		if (!strcmp(arr.trailers[i].key, RK_RELEASE_TRAILER)) {
			struct rk_buf b = RK_BUF_INIT;

			rk_buf_addf(&b, "%s: %s\n", arr.trailers[i].key, arr.trailers[i].value);
			v[n++] = rk_buf_detach(&b, NULL);
		}
	qsort(v, n, sizeof(char *), rk_strcmp_ptr);
	for (i = 0; i < n; i++) {
		rk_buf_adds(out, v[i]);
		free(v[i]);
	}
	free(v);
	git_message_trailer_array_free(&arr);
}

/* 1 when commit c is the release commit of these params on parent head. */
static int is_our_commit(struct commit_job *j, const git_oid *c, const git_oid *head)
{
	git_commit *cm = NULL;
	struct rk_buf have = RK_BUF_INIT, want = RK_BUF_INIT;
	int rc = 0;

	if (git_commit_lookup(&cm, j->repo, c) < 0)
		return 0;
	if (git_commit_parentcount(cm) == 1 && git_oid_equal(git_commit_parent_id(cm, 0), head)) {
		struct rk_buf msg = RK_BUF_INIT;

		rk_buf_addf(&msg, "x\n\n%s", j->trailers.data);
		trailer_set(git_commit_message(cm), &have);
		trailer_set(msg.data, &want);
		rc = have.len && have.len == want.len && !memcmp(have.data, want.data, have.len);
		rk_buf_release(&msg);
	}
	git_commit_free(cm);
	rk_buf_release(&have);
	rk_buf_release(&want);
	return rc;
}

/* Bring the index entries of the candidates to the work tree (after the commit). */
static int index_refresh(struct commit_job *j, git_index *idx, size_t *staged)
{
	size_t i;

	*staged = 0;
	for (i = 0; i < j->npaths; i++) {
		struct rk_buf abs = RK_BUF_INIT;
		const git_index_entry *ie = git_index_get_bypath(idx, j->paths[i], 0);
		int there;

		rk_buf_addf(&abs, "%s/%s", j->x->root, j->paths[i]);
		there = rk_is_file(abs.data);
		rk_buf_release(&abs);
		if (there) {
			git_oid now;

			if (git_blob_create_from_workdir(&now, j->repo, j->paths[i]) < 0)
				return git_fail(j->x, j->paths[i]);
			if (ie && git_oid_equal(&ie->id, &now))
				continue;
			if (git_index_add_bypath(idx, j->paths[i]) < 0)
				return git_fail(j->x, j->paths[i]);
			(*staged)++;
		} else if (ie) {
			if (git_index_remove_bypath(idx, j->paths[i]) < 0)
				return git_fail(j->x, j->paths[i]);
			(*staged)++;
		}
	}
	return 0;
}

/* A config string into out ("" when unset). */
static void cfg_str(git_config *cfg, const char *key, struct rk_buf *out)
{
	git_buf b = {0};

	rk_buf_reset(out);
	if (cfg && git_config_get_string_buf(&b, cfg, key) == 0 && b.ptr)
		rk_buf_adds(out, b.ptr);
	git_buf_dispose(&b);
}

/*
 * Who and when, as git decides it: GIT_{AUTHOR,COMMITTER}_{NAME,EMAIL}
 * over user.name and user.email; the time SOURCE_DATE_EPOCH when set (a
 * reproducible release commit), else now. author may be NULL: the
 * committer alone, the tagger of an annotated tag (as git tag does).
 */
static int make_signatures(struct rk_xctx *x, git_repository *repo, git_signature **author,
			   git_signature **committer)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	git_config *cfg = NULL;
	struct rk_buf name = RK_BUF_INIT, email = RK_BUF_INIT;
	long long when = -1;
	int rc = 0, k;

	if (sde && *sde) {
		char *end;

		when = strtoll(sde, &end, 10);
		if (*end || when < 0)
			return rk_err_set(&x->err, NULL, 0, 0,
					  "SOURCE_DATE_EPOCH='%s' is not a number of seconds", sde);
	}
	(void)git_repository_config_snapshot(&cfg, repo);
	for (k = author ? 0 : 1; k < 2 && rc == 0; k++) {
		const char *en = getenv(k ? "GIT_COMMITTER_NAME" : "GIT_AUTHOR_NAME");
		const char *ee = getenv(k ? "GIT_COMMITTER_EMAIL" : "GIT_AUTHOR_EMAIL");
		git_signature **out = k ? committer : author;

		cfg_str(cfg, "user.name", &name);
		cfg_str(cfg, "user.email", &email);
		if (en && *en) {
			rk_buf_reset(&name);
			rk_buf_adds(&name, en);
		}
		if (ee && *ee) {
			rk_buf_reset(&email);
			rk_buf_adds(&email, ee);
		}
		if (!name.len || !email.len)
			rc = rk_err_set(
				&x->err, NULL, 0, 0,
				"who makes the release commit and tags: set user.name and user.email "
				"(git config) or GIT_COMMITTER_NAME and GIT_COMMITTER_EMAIL");
		else if ((when >= 0 ? git_signature_new(out, name.data, email.data,
							(git_time_t)when, 0)
				    : git_signature_now(out, name.data, email.data)) < 0)
			rc = git_fail(x, "the commit's signature");
	}
	git_config_free(cfg);
	rk_buf_release(&name);
	rk_buf_release(&email);
	return rc;
}

/* Remove the write-ahead list once the commit holds its files. */
static void written_done(struct rk_xctx *x)
{
	struct rk_buf p = RK_BUF_INIT;
	struct rk_err e;

	if (rk_exec_written_path(x->root, &p, &e) == 0)
		unlink(p.data);
	rk_buf_release(&p);
}

int rk_xrun_commit(struct rk_xctx *x)
{
	const char *head_hex = rk_xctx_param_req(x, "head");
	const char *message = head_hex ? rk_xctx_param_req(x, "message") : NULL;
	const char *branch = rk_xctx_param(x, "branch");
	struct commit_job j = {x, NULL, NULL, 0, 0, RK_BUF_INIT};
	git_oid planned, head, tree_oid, commit_oid;
	git_reference *headref = NULL, *target = NULL, *newref = NULL;
	git_commit *parent = NULL;
	git_tree *tree = NULL, *ptree = NULL;
	git_index *idx = NULL;
	git_diff *diff = NULL;
	git_signature *sig = NULL, *author = NULL;
	struct rk_buf wpath = RK_BUF_INIT, wl = RK_BUF_INIT, msg = RK_BUF_INIT;
	struct rk_buf bref = RK_BUF_INIT;
	size_t i, staged;
	int rc = -1, t, e;

	if (!message)
		return -1;
	if (git_oid_fromstr(&planned, head_hex) < 0)
		return rk_err_set(&x->err, x->file, 1, 0,
				  "action '%s': params.head must be a commit id", x->id);
	if (make_trailers(&j) < 0 || add_param_paths(&j, "paths") < 0 ||
	    add_param_paths(&j, "delete") < 0)
		goto out;
	if (branch) {
		rk_buf_addf(&bref, "refs/heads/%s", branch);
		if (!git_reference_is_valid_name(bref.data)) {
			rk_err_set(&x->err, NULL, 0, 0, "'%s' is not a valid branch name", branch);
			goto out;
		}
	}
	/* what prepare wrote beyond the plan's list (dynamic version files) */
	if (rk_exec_written_path(x->root, &wpath, &x->err) < 0)
		goto out;
	if (rk_is_file(wpath.data) && rk_buf_read_file(&wl, wpath.data) == 0) {
		const char *p = wl.data, *nl;

		for (; p && *p; p = nl ? nl + 1 : NULL) {
			nl = strchr(p, '\n');
			add_path(&j, p, nl ? (size_t)(nl - p) : strlen(p));
		}
	}
	if (open_repo(x, &j.repo) < 0)
		goto out;

	/* the truth: HEAD (or the release branch) */
	if (git_repository_head(&headref, j.repo) < 0) {
		git_fail(x, "reading HEAD");
		goto out;
	}
	git_oid_cpy(&head,
		    git_reference_target(headref) ? git_reference_target(headref) : &planned);
	if (branch && git_reference_lookup(&target, j.repo, bref.data) == 0) {
		if (is_our_commit(&j, git_reference_target(target), &planned)) {
			rc = rk_xctx_note(x, "already done: %s is the release commit", branch);
			written_done(x);
		} else {
			rk_err_set(&x->err, NULL, 0, 0,
				   "branch %s already exists and is not this release's commit",
				   branch);
		}
		goto out;
	}
	if (!git_oid_equal(&head, &planned)) {
		char h[GIT_OID_HEXSZ + 1];

		if (!branch && is_our_commit(&j, &head, &planned)) {
			/* made by a run that died before it refreshed the index */
			if (git_repository_index(&idx, j.repo) < 0 ||
			    index_refresh(&j, idx, &staged) < 0 || git_index_write(idx) < 0) {
				if (!x->err.msg[0])
					git_fail(x, "writing the index");
				goto out;
			}
			written_done(x);
			git_oid_tostr(h, sizeof(h), &head);
			rc = rk_xctx_note(x, "already done: HEAD %.12s is the release commit", h);
			goto out;
		}
		git_oid_tostr(h, sizeof(h), &head);
		rk_err_set(&x->err, NULL, 0, 0,
			   "HEAD moved since the plan was made (planned on %.12s, now %.12s): plan "
			   "again",
			   head_hex, h);
		goto out;
	}

	/* the index must be HEAD's tree: nothing staged that we would sweep in */
	if (git_commit_lookup(&parent, j.repo, &head) < 0 || git_commit_tree(&ptree, parent) < 0 ||
	    git_repository_index(&idx, j.repo) < 0 || git_index_read(idx, 0) < 0 ||
	    git_diff_tree_to_index(&diff, j.repo, ptree, idx, NULL) < 0) {
		git_fail(x, "reading HEAD and the index");
		goto out;
	}
	if (git_diff_num_deltas(diff) > 0) {
		const git_diff_delta *d = git_diff_get_delta(diff, 0);

		rk_err_set(&x->err, NULL, 0, 0,
			   "the index has staged changes (%s%s): commit or unstage them first",
			   d->new_file.path, git_diff_num_deltas(diff) > 1 ? ", ..." : "");
		goto out;
	}
	/* consumed plan files go */
	t = rk_xctx_param_tok(x, "delete");
	for (e = t >= 0 ? rk_json_first(x->a, t) : -1; e >= 0; e = rk_json_next(x->a, e)) {
		struct rk_buf abs = RK_BUF_INIT;

		rk_buf_addf(&abs, "%s/%s", x->root, rk_json_str(x->a, e));
		if (unlink(abs.data) != 0 && errno != ENOENT) {
			rk_err_set(&x->err, NULL, 0, 0, "%s: %s", rk_json_str(x->a, e),
				   strerror(errno));
			rk_buf_release(&abs);
			goto out;
		}
		rk_buf_release(&abs);
	}
	if (index_refresh(&j, idx, &staged) < 0)
		goto out;
	if (!staged) {
		rk_err_set(&x->err, NULL, 0, 0,
			   "nothing to commit: the prepare actions changed no file");
		goto out;
	}
	if (git_index_write_tree(&tree_oid, idx) < 0 ||
	    git_tree_lookup(&tree, j.repo, &tree_oid) < 0) {
		git_fail(x, "writing the tree");
		goto out;
	}
	if (make_signatures(j.x, j.repo, &author, &sig) < 0)
		goto out;
	rk_buf_adds(&msg, message);
	while (msg.len && msg.data[msg.len - 1] == '\n')
		rk_buf_truncate(&msg, msg.len - 1);
	rk_buf_addf(&msg, "\n\n%s", j.trailers.data);
	{
		const git_commit *parents[1] = {parent};

		if (git_commit_create(&commit_oid, j.repo, NULL, author, sig, NULL, msg.data, tree,
				      1, parents) < 0) {
			git_fail(x, "creating the commit");
			goto out;
		}
	}
	rk_xctx_killpoint(x, "objects");
	if (branch) {
		if (git_reference_create(&newref, j.repo, bref.data, &commit_oid, 0,
					 "releasekit: release commit") < 0 ||
		    git_repository_set_head(j.repo, bref.data) < 0) {
			git_fail(x, "creating the release branch");
			goto out;
		}
	} else {
		git_reference *resolved = NULL;

		/* compare-and-swap: the branch moves only from the commit we checked */
		if (git_reference_resolve(&resolved, headref) < 0 ||
		    git_reference_create_matching(&newref, j.repo, git_reference_name(resolved),
						  &commit_oid, 1, &head,
						  "releasekit: release commit") < 0) {
			git_reference_free(resolved);
			git_fail(x, "moving the branch");
			goto out;
		}
		git_reference_free(resolved);
	}
	rk_xctx_killpoint(x, "ref");
	if (git_index_write(idx) < 0) {
		git_fail(x, "writing the index");
		goto out;
	}
	written_done(x);
	{
		char h[GIT_OID_HEXSZ + 1];

		git_oid_tostr(h, sizeof(h), &commit_oid);
		rc = rk_xctx_note(x, "committed %.12s%s%s (%zu file%s)", h, branch ? " on " : "",
				  branch ? branch : "", staged, staged == 1 ? "" : "s");
	}
out:
	for (i = 0; i < j.npaths; i++)
		free(j.paths[i]);
	free(j.paths);
	rk_buf_release(&j.trailers);
	rk_buf_release(&wpath);
	rk_buf_release(&wl);
	rk_buf_release(&msg);
	rk_buf_release(&bref);
	git_signature_free(sig);
	git_signature_free(author);
	git_diff_free(diff);
	git_index_free(idx);
	git_tree_free(tree);
	git_tree_free(ptree);
	git_commit_free(parent);
	git_reference_free(newref);
	git_reference_free(target);
	git_reference_free(headref);
	git_repository_free(j.repo);
	return rc;
}
