/* rk_cfgfiles.c - finding per-package RELEASE.star files and their package. */
#include "rk_common.h"
#include "rk_cfgfiles.h"

#include <unistd.h>
#include <sys/stat.h>

#include "rk_config.h"
#include "rk_sort.h"
#include "rk_json.h"
#include "rk_toml.h"
#include "rk_walk.h"

struct list {
	char **v;
	size_t n, cap;
};

/* Whether the directory of rel (a file path) holds a package manifest. */
static int has_manifest(const char *root, const char *rel)
{
	static const char *const manifests[] = {"pyproject.toml", "Cargo.toml", "package.json"};
	const char *slash = strrchr(rel, '/');
	struct rk_buf p = RK_BUF_INIT;
	size_t i;
	int found = 0;

	for (i = 0; !found && i < RK_ARRAY_SIZE(manifests); i++) {
		rk_buf_reset(&p);
		rk_buf_addf(&p, "%s/%.*s/%s", root, (int)(slash - rel), rel, manifests[i]);
		found = access(p.data, F_OK) == 0;
	}
	rk_buf_release(&p);
	return found;
}

struct found {
	const char *root;
	struct list *out;
	struct rk_buf rel;
};

/* A file_name below the root (not at it), a regular file next to a manifest. */
static void found_file(const struct rk_walk_file *f, void *ctx)
{
	struct found *fd = ctx;

	if (!strcmp(f->dir, ".") || !f->regular)
		return;
	rk_buf_reset(&fd->rel);
	rk_buf_addf(&fd->rel, "%s/%s", f->dir, f->name);
	if (!has_manifest(fd->root, fd->rel.data))
		return;
	RK_GROW(fd->out->v, fd->out->cap, fd->out->n + 2);
	fd->out->v[fd->out->n++] = rk_xstrdup(fd->rel.data);
}

/*
 * The walk is rk-discover's (rk_walk.h: same skipped directories, same
 * .gitignore), so a package it finds never loses its file.
 */
char **rk_cfg_find_package_files(const char *root, const char *file_name)
{
	struct list out = {NULL, 0, 0};
	struct found fd = {root, &out, RK_BUF_INIT};
	struct rk_walk *w = rk_walk_open(root);
	const char *names[1];

	names[0] = file_name;
	rk_walk_files(w, ".", names, 1, found_file, &fd);
	rk_walk_close(w);
	rk_buf_release(&fd.rel);
	RK_GROW(out.v, out.cap, out.n + 1);
	qsort(out.v, out.n, sizeof(*out.v), rk_strcmp_ptr);
	out.v[out.n] = NULL;
	return out.v;
}

void rk_cfg_files_free(char **files)
{
	size_t i;

	for (i = 0; files && files[i]; i++)
		free(files[i]);
	free(files);
}

static char *toml_name(const char *path, const char *table, struct rk_err *err, int *found)
{
	struct rk_toml_doc *doc;
	const char *n;
	char *ret = NULL;

	*found = 0;
	if (access(path, F_OK) < 0)
		return NULL;
	*found = 1;
	doc = rk_toml_parse_file(path, err);
	if (!doc)
		return NULL;
	n = rk_toml_str(rk_toml_path(rk_toml_root(doc), table, "name", NULL));
	if (n)
		ret = rk_xstrdup(n);
	rk_toml_free(doc);
	return ret;
}

char *rk_cfg_manifest_name(const char *root, const char *dir, const char *cfgfile,
			   struct rk_err *err)
{
	static const struct {
		const char *file, *table;
	} tomls[] = {{"pyproject.toml", "project"}, {"Cargo.toml", "package"}};
	struct rk_buf path = RK_BUF_INIT, text = RK_BUF_INIT;
	struct rk_err e;
	char *name = NULL;
	size_t i;
	int found;

	memset(&e, 0, sizeof(e));
	err->msg[0] = '\0';
	for (i = 0; i < RK_ARRAY_SIZE(tomls); i++) {
		rk_buf_reset(&path);
		rk_buf_addf(&path, "%s/%s/%s", root, dir, tomls[i].file);
		name = toml_name(path.data, tomls[i].table, &e, &found);
		if (name)
			goto out;
		if (found) {
			if (e.msg[0] && !name)
				rk_err_set(err, cfgfile, 0, 0, "%s/%s:%ld:%ld: %s", dir,
					   tomls[i].file, e.line, e.col, e.msg);
			goto out;
		}
	}
	rk_buf_reset(&path);
	rk_buf_addf(&path, "%s/%s/package.json", root, dir);
	if (rk_buf_read_file(&text, path.data) == 0) {
		struct rk_json d = RK_JSON_INIT;
		if (rk_json_parse(&d, text.data, text.len, "package.json", 1, &e) == 0) {
			const char *n = rk_json_get_str(&d, 0, "name");
			if (n)
				name = rk_xstrdup(n);
		}
		rk_json_release(&d);
		if (!name)
			rk_err_set(err, cfgfile, 0, 0, "%s/package.json has no \"name\"", dir);
		goto out;
	}
	rk_err_set(err, cfgfile, 0, 0,
		   "no package manifest (pyproject.toml, Cargo.toml or package.json) in %s", dir);
out:
	if (!name && !err->msg[0])
		rk_err_set(err, cfgfile, 0, 0, "the manifest in %s declares no package name", dir);
	rk_buf_release(&path);
	rk_buf_release(&text);
	return name;
}
