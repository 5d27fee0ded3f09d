/* rk_exec_files.c - the file-editing executors, through the backends (see rk_exec_prepare.h). */
#include "rk_common.h"
#include "rk_exec_prepare.h"

#include <fcntl.h>
#include <unistd.h>

#include "rk_backend.h"
#include "rk_changelog_file.h"
#include "rk_journal.h"
#include "rk_proc.h"

/* The package of a per-package action, from its record and params. */
static int pkg_of(struct rk_xctx *x, struct rk_be_pkg *p, const struct rk_backend **be)
{
	memset(p, 0, sizeof(*p));
	p->root = x->root;
	p->name = x->package;
	p->ecosystem = x->ecosystem;
	p->manager = rk_xctx_param_req(x, "manager");
	p->path = rk_xctx_param_req(x, "path");
	p->manifest = rk_xctx_param_req(x, "manifest");
	p->workspace = rk_xctx_param(x, "workspace");
	if (!p->manager || !p->path || !p->manifest)
		return -1;
	if (!p->name || !p->ecosystem)
		return rk_err_set(&x->err, x->file, 1, 0,
				  "action '%s': \"package\" and \"ecosystem\" are required", x->id);
	*be = rk_backend_for(p->ecosystem);
	if (!*be)
		return rk_err_set(&x->err, NULL, 0, 0, "action '%s': no backend for ecosystem '%s'",
				  x->id, p->ecosystem);
	return 0;
}

int rk_exec_written_path(const char *root, struct rk_buf *out, struct rk_err *err)
{
	if (rk_state_dir(root, out, err) < 0)
		return -1;
	rk_buf_adds(out, "/prepare-written");
	return 0;
}

/*
 * Write-ahead: name the files about to be written in
 * .releasekit/prepare-written (appended, fsync'ed), so that the commit
 * action finds every file prepare touched even after a crash.
 */
static int append_written(struct rk_xctx *x, const struct rk_buf *lines)
{
	struct rk_buf path = RK_BUF_INIT;
	int fd, rc = 0;

	if (!lines->len)
		goto out;
	if (rk_exec_written_path(x->root, &path, &x->err) < 0) {
		rc = -1;
		goto out;
	}
	fd = open(path.data, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, lines->data, lines->len) != (ssize_t)lines->len || fsync(fd) != 0)
		rc = rk_err_set(&x->err, NULL, 0, 0, ".releasekit/prepare-written: %s",
				strerror(errno));
	if (fd >= 0)
		close(fd);
out:
	rk_buf_release(&path);
	return rc;
}

static int note_written(struct rk_xctx *x, const struct rk_edits *ed)
{
	struct rk_buf lines = RK_BUF_INIT;
	size_t i;
	int rc;

	for (i = 0; i < ed->n; i++) {
		struct rk_edits one = {&ed->v[i], 1, 1};

		if (rk_edits_changed(&one))
			rk_buf_addf(&lines, "%s\n", ed->v[i].path);
	}
	rc = append_written(x, &lines);
	rk_buf_release(&lines);
	return rc;
}

/* Write the changed files one at a time (the "write" kill point after the first). */
static int write_edits(struct rk_xctx *x, struct rk_edits *ed, size_t *nwritten)
{
	size_t i;

	*nwritten = 0;
	if (note_written(x, ed) < 0)
		return -1;
	for (i = 0; i < ed->n; i++) {
		struct rk_edits one = {&ed->v[i], 1, 1};

		if (!rk_edits_changed(&one))
			continue;
		if (*nwritten)
			rk_xctx_killpoint(x, "write");
		if (rk_edits_write(&one, x->root, &x->err) < 0)
			return -1;
		(*nwritten)++;
	}
	return 0;
}

/* Files of the edit set that change, as "a, b" (for notes). */
static void changed_list(const struct rk_edits *ed, struct rk_buf *out)
{
	size_t i;

	for (i = 0; i < ed->n; i++) {
		struct rk_edits one = {&ed->v[i], 1, 1};

		if (rk_edits_changed(&one))
			rk_buf_addf(out, "%s%s", out->len ? ", " : "", ed->v[i].path);
	}
}

/* Write ed when it changes anything, with the note "what: files" or "already done". */
static int finish(struct rk_xctx *x, struct rk_edits *ed, const char *what, const char *done)
{
	struct rk_buf files = RK_BUF_INIT;
	size_t n;
	int rc = 0;

	if (!rk_edits_changed(ed)) {
		rc = rk_xctx_note(x, "%s", done);
		goto out;
	}
	changed_list(ed, &files);
	if (write_edits(x, ed, &n) < 0) {
		rc = -1;
		goto out;
	}
	rc = rk_xctx_note(x, "%s: %s", what, files.data);
out:
	rk_buf_release(&files);
	return rc;
}

/* The dependencies of params.deps, one call of fn per same-ecosystem entry. */
static int each_dep(struct rk_xctx *x, const struct rk_be_pkg *p,
		    int (*fn)(struct rk_xctx *, const struct rk_be_pkg *, const char *,
			      const char *, void *),
		    void *ctx)
{
	int deps = rk_xctx_param_tok(x, "deps"), e;

	if (deps < 0)
		return 0;
	if (rk_json_type(x->a, deps) != RK_JSON_ARRAY)
		return rk_err_set(&x->err, x->file, 1, 0, "action '%s': params.deps must be a list",
				  x->id);
	for (e = rk_json_first(x->a, deps); e >= 0; e = rk_json_next(x->a, e)) {
		const char *name = rk_json_get_str(x->a, e, "name");
		const char *eco = rk_json_get_str(x->a, e, "ecosystem");
		const char *ver = rk_json_get_str(x->a, e, "version");

		if (!name || !ver)
			return rk_err_set(&x->err, x->file, 1, 0,
					  "action '%s': each of params.deps needs a name and a "
					  "version",
					  x->id);
		if (eco && strcmp(eco, p->ecosystem))
			continue; /* a cross-ecosystem edge: no specifier to move */
		if (fn(x, p, name, ver, ctx) < 0)
			return -1;
	}
	return 0;
}

/* ---- bump ---- */

int rk_xrun_bump(struct rk_xctx *x)
{
	struct rk_be_pkg p;
	const struct rk_backend *be;
	struct rk_edits ed = RK_EDITS_INIT;
	struct rk_buf done = RK_BUF_INIT;
	const char *version = rk_xctx_param(x, "version");
	int bf, e, rc = -1;

	if (!version)
		version = x->version;
	if (pkg_of(x, &p, &be) < 0)
		return -1;
	if (!version)
		return rk_xctx_param_req(x, "version") ? 0 : -1;
	if (!be->write_version) {
		rk_err_set(&x->err, NULL, 0, 0, "%s: write_version is not supported", p.ecosystem);
		goto out;
	}
	/* the truth is the file: writing the version it already has changes nothing */
	if (be->write_version(&p, version, &ed, &x->err) < 0)
		goto out;
	bf = rk_xctx_param_tok(x, "bump_files");
	for (e = bf >= 0 ? rk_json_first(x->a, bf) : -1; e >= 0; e = rk_json_next(x->a, e)) {
		const char *path = rk_json_get_str(x->a, e, "path");
		const char *pattern = rk_json_get_str(x->a, e, "pattern");

		if (!path || !pattern) {
			rk_err_set(
				&x->err, x->file, 1, 0,
				"action '%s': each of params.bump_files needs a path and a pattern",
				x->id);
			goto out;
		}
		if (rk_bump_file_write(&ed, x->root, path, pattern, version, &x->err) < 0)
			goto out;
	}
	rk_buf_addf(&done, "already done: %s is %s", p.name, version);
	rc = finish(x, &ed, version, done.data);
out:
	rk_edits_release(&ed);
	rk_buf_release(&done);
	return rc;
}

/* ---- ranges and pin ---- */

struct spec_ctx {
	const struct rk_backend *be;
	struct rk_edits *ed;
	enum rk_spec_mode mode;
};

static int set_spec(struct rk_xctx *x, const struct rk_be_pkg *p, const char *dep,
		    const char *version, void *ctx)
{
	struct spec_ctx *c = ctx;
	bool changed = false;

	return c->be->set_dep_spec(p, dep, version, c->mode, c->ed, &changed, &x->err);
}

/* The package, and a spec_ctx over its backend's set_dep_spec writing into ed. */
static int spec_setup(struct rk_xctx *x, struct rk_be_pkg *p, struct spec_ctx *c,
		      struct rk_edits *ed)
{
	const struct rk_backend *be;

	if (pkg_of(x, p, &be) < 0)
		return -1;
	if (!be->set_dep_spec)
		return rk_err_set(&x->err, NULL, 0, 0, "%s: set_dep_spec is not supported",
				  p->ecosystem);
	c->be = be;
	c->ed = ed;
	return 0;
}

int rk_xrun_ranges(struct rk_xctx *x)
{
	struct rk_be_pkg p;
	struct rk_edits ed = RK_EDITS_INIT;
	struct spec_ctx c;
	int rc = -1;

	if (spec_setup(x, &p, &c, &ed) < 0)
		return -1;
	c.mode = RK_SPEC_WIDEN;
	if (each_dep(x, &p, set_spec, &c) == 0)
		rc = finish(x, &ed, "moved", "already done: every range admits the new versions");
	rk_edits_release(&ed);
	return rc;
}

int rk_xrun_pin(struct rk_xctx *x)
{
	struct rk_be_pkg p;
	struct rk_edits ed = RK_EDITS_INIT;
	struct rk_buf key = RK_BUF_INIT, files = RK_BUF_INIT;
	const char *strategy = rk_xctx_param(x, "strategy");
	struct spec_ctx c;
	size_t n;
	int rc = -1;

	if (spec_setup(x, &p, &c, &ed) < 0)
		return -1;
	if (!strategy || !strcmp(strategy, "exact"))
		c.mode = RK_SPEC_PIN_EXACT;
	else if (!strcmp(strategy, "compatible"))
		c.mode = RK_SPEC_PIN_COMPAT;
	else if (!strcmp(strategy, "caret"))
		c.mode = RK_SPEC_PIN_CARET;
	else if (!strcmp(strategy, "minimum"))
		c.mode = RK_SPEC_WIDEN; /* the ranges already admit the released versions */
	else
		return rk_err_set(&x->err, x->file, 1, 0,
				  "action '%s': unknown pin strategy '%s' (exact, compatible, "
				  "caret, minimum)",
				  x->id, strategy);
	rk_buf_addf(&key, "pin:%s:%s", p.ecosystem, p.name);
	if (each_dep(x, &p, set_spec, &c) < 0)
		goto out;
	if (!rk_edits_changed(&ed)) {
		rc = rk_xctx_note(x, "nothing to pin");
		goto out;
	}
	/* the journal first: unpin (or the next run) puts every byte back */
	changed_list(&ed, &files);
	if (rk_journal_record(x->root, key.data, &ed, &x->err) < 0)
		goto out;
	rk_xctx_killpoint(x, "journal");
	if (write_edits(x, &ed, &n) < 0)
		goto out;
	rc = rk_xctx_note(x, "pinned (%s): %s", strategy ? strategy : "exact", files.data);
out:
	rk_edits_release(&ed);
	rk_buf_release(&key);
	rk_buf_release(&files);
	return rc;
}

int rk_xrun_unpin(struct rk_xctx *x)
{
	struct rk_buf key = RK_BUF_INIT;
	size_t n = 0;
	bool found = false;
	int rc = -1;

	if (!x->package || !x->ecosystem)
		return rk_err_set(&x->err, x->file, 1, 0,
				  "action '%s': \"package\" and \"ecosystem\" are required", x->id);
	rk_buf_addf(&key, "pin:%s:%s", x->ecosystem, x->package);
	if (rk_journal_restore(x->root, key.data, &n, &found, &x->err) == 0)
		rc = !found  ? rk_xctx_note(x, "already done: nothing pinned")
		     : n > 0 ? rk_xctx_note(x, "restored %zu file%s", n, n == 1 ? "" : "s")
			     : rk_xctx_note(x, "already done: the files were back");
	rk_buf_release(&key);
	return rc;
}

/* ---- lockfile ---- */

static const char *eco_of_manager(const char *m)
{
	if (!strcmp(m, "uv"))
		return "python";
	if (!strcmp(m, "cargo"))
		return "cargo";
	return "npm";
}

int rk_xrun_lockfile(struct rk_xctx *x)
{
	const char *manager = rk_xctx_param_req(x, "manager");
	const char *ws = manager ? rk_xctx_param_req(x, "workspace") : NULL;
	const struct rk_backend *be;
	struct rk_be_pkg p;
	struct rk_be_cmd cmd = {0};
	struct rk_buf lock = RK_BUF_INIT, before = RK_BUF_INIT, after = RK_BUF_INIT;
	struct rk_buf cwd = RK_BUF_INIT;
	struct rk_proc_opts po = {0};
	struct rk_proc_result res;
	struct rk_buf names = RK_BUF_INIT;
	int rc = -1;

	if (!ws)
		return -1;
	be = rk_backend_for(eco_of_manager(manager));
	if (!be || !be->lock_cmd)
		return rk_err_set(&x->err, NULL, 0, 0, "%s: lockfile refresh is not supported",
				  manager);
	memset(&p, 0, sizeof(p));
	p.root = x->root;
	p.name = ws;
	p.ecosystem = eco_of_manager(manager);
	p.manager = manager;
	p.path = ws;
	p.manifest = ws;
	p.workspace = ws;
	if (be->lock_cmd(&p, &cmd, &x->err) < 0)
		goto out;
	rk_buf_addf(&lock, "%s/%s", x->root, cmd.lockfile);
	if (!rk_is_file(lock.data)) {
		rc = rk_xctx_note(x, "no %s: nothing to refresh", cmd.lockfile);
		goto out;
	}
	if (rk_buf_read_file(&before, lock.data) < 0) {
		rk_err_set(&x->err, NULL, 0, 0, "%s: %s", cmd.lockfile, strerror(errno));
		goto out;
	}
	/* write-ahead for the commit: the tool rewrites the lockfile */
	rk_buf_addf(&names, "%s\n", cmd.lockfile);
	if (append_written(x, &names) < 0)
		goto out;
	rk_buf_addf(&cwd, "%s/%s", x->root, cmd.cwd);
	po.argv = cmd.argv;
	po.cwd = cwd.data;
	po.stdin_path = NULL;
	fflush(stdout);
	if (rk_proc_run(&po, &res) != 0) {
		rk_err_set(&x->err, NULL, 0, 0, "cannot run '%s': %s", cmd.argv[0],
			   strerror(errno));
		goto out;
	}
	if (!res.exited || res.code != 0) {
		char d[96];

		rk_proc_describe(&res, d, sizeof(d));
		rk_err_set(&x->err, NULL, 0, 0, "%s (in %s) %s", cmd.argv[0], cmd.cwd, d);
		goto out;
	}
	if (rk_buf_read_file(&after, lock.data) < 0) {
		rk_err_set(&x->err, NULL, 0, 0, "%s: %s", cmd.lockfile, strerror(errno));
		goto out;
	}
	if (before.len == after.len && !memcmp(before.data, after.data, after.len))
		rc = rk_xctx_note(x, "already done: %s is up to date", cmd.lockfile);
	else
		rc = rk_xctx_note(x, "refreshed %s", cmd.lockfile);
out:
	rk_be_cmd_release(&cmd);
	rk_buf_release(&names);
	rk_buf_release(&lock);
	rk_buf_release(&before);
	rk_buf_release(&after);
	rk_buf_release(&cwd);
	return rc;
}

/* ---- changelog ---- */

int rk_xrun_changelog(struct rk_xctx *x)
{
	const char *file = rk_xctx_param_req(x, "file");
	const char *version = file ? rk_xctx_param_req(x, "version") : NULL;
	const char *section = version ? rk_xctx_param_req(x, "section") : NULL;
	const char *tag = rk_xctx_param(x, "tag"), *prev = rk_xctx_param(x, "previous_tag");
	/* the compare link's forge: the release's remote and forge(...) */
	struct rk_changelog_forge fc = {rk_xctx_param(x, "remote"), x->a,
					rk_xctx_param_tok(x, "forge")};
	struct rk_edits ed = RK_EDITS_INIT;
	struct rk_buf done = RK_BUF_INIT;
	bool changed = false;
	int rc = -1;

	if (!section)
		return -1;
	/* idempotent: a heading for this version already there changes nothing */
	if (rk_changelog_file_release(&ed, x->root, file, version, section, prev, tag, &fc,
				      &changed, &x->err) < 0)
		goto out;
	rk_buf_addf(&done, "already done: %s has %s", file, version);
	rc = finish(x, &ed, version, done.data);
out:
	rk_edits_release(&ed);
	rk_buf_release(&done);
	return rc;
}
