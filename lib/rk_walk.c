/* rk_walk.c - the one tree walk and its skip rules (see rk_walk.h). */
#include "rk_common.h"

#include <dirent.h>
#include <git2.h>
#include <sys/stat.h>

#include "rk_walk.h"

struct rk_walk {
	const char *root;
	git_repository *repo; /* the repository around root (ignore rules), or NULL */
	char *gitprefix;      /* root relative to the repository's work tree, "" or "x/" */
	struct rk_buf ipath;  /* scratch: a path asked about */
	const char *const *names;
	size_t nnames;
	void (*fn)(const struct rk_walk_file *f, void *ctx);
	void *ctx;
};

/* Directories never entered, whatever git says. */
static bool skip_dir(const char *name)
{
	static const char *const skip[] = {"node_modules", "target", "__pycache__"};
	size_t i;

	if (name[0] == '.')
		return true;
	for (i = 0; i < RK_ARRAY_SIZE(skip); i++)
		if (!strcmp(name, skip[i]))
			return true;
	return false;
}

struct rk_walk *rk_walk_open(const char *root)
{
	struct rk_walk *w = rk_xcalloc(1, sizeof(*w));
	char *rroot, *rwork;
	const char *wd;
	size_t n;

	w->root = root;
	git_libgit2_init();
	wd = git_repository_open_ext(&w->repo, root, 0, NULL) < 0 ? NULL
								  : git_repository_workdir(w->repo);
	if (!wd) {
		git_repository_free(w->repo);
		w->repo = NULL;
		return w;
	}
	rroot = realpath(root, NULL);
	rwork = realpath(wd, NULL);
	n = rwork ? strlen(rwork) : 0;
	if (rroot && rwork && !strncmp(rroot, rwork, n) && (rroot[n] == '/' || !rroot[n])) {
		struct rk_buf b = RK_BUF_INIT;

		if (rroot[n] == '/')
			rk_buf_addf(&b, "%s/", rroot + n + 1);
		else
			rk_buf_adds(&b, "");
		w->gitprefix = rk_buf_detach(&b, NULL);
	} else {
		git_repository_free(w->repo);
		w->repo = NULL;
	}
	free(rroot);
	free(rwork);
	return w;
}

void rk_walk_close(struct rk_walk *w)
{
	if (!w)
		return;
	git_repository_free(w->repo);
	git_libgit2_shutdown();
	rk_buf_release(&w->ipath);
	free(w->gitprefix);
	free(w);
}

/* Whether git ignores rel/name (a directory when isdir). */
static bool ignored(struct rk_walk *w, const struct rk_buf *rel, const char *name, bool isdir)
{
	int ign = 0;

	if (!w->repo)
		return false;
	rk_buf_reset(&w->ipath);
	rk_buf_adds(&w->ipath, w->gitprefix);
	if (rel->len)
		rk_buf_addf(&w->ipath, "%s/", rel->data);
	rk_buf_adds(&w->ipath, name);
	if (isdir)
		rk_buf_addc(&w->ipath, '/');
	return git_ignore_path_is_ignored(&ign, w->repo, w->ipath.data) == 0 && ign;
}

/*
 * Walk abs (the directory) whose root-relative name is rel ("" for the
 * root; both grow and shrink in place).
 */
static void walk(struct rk_walk *w, struct rk_buf *abs, struct rk_buf *rel)
{
	DIR *dir = opendir(abs->data);
	struct dirent *de;
	size_t alen = abs->len, rlen = rel->len;

	if (!dir) {
		rk_warn("%s: cannot open directory: %s", rlen ? rel->data : ".", strerror(errno));
		return;
	}
	while ((de = readdir(dir))) {
		const char *n = de->d_name;
		bool isdir = de->d_type == DT_DIR, regular = de->d_type == DT_REG;
		size_t t;

		if (!strcmp(n, ".") || !strcmp(n, ".."))
			continue;
		if (de->d_type == DT_UNKNOWN) {
			struct stat st;

			rk_buf_truncate(abs, alen);
			rk_buf_addf(abs, "/%s", n);
			if (lstat(abs->data, &st) == 0) {
				isdir = S_ISDIR(st.st_mode);
				regular = S_ISREG(st.st_mode);
			}
		}
		if (isdir) {
			if (skip_dir(n) || ignored(w, rel, n, true))
				continue;
			rk_buf_truncate(abs, alen);
			rk_buf_addf(abs, "/%s", n);
			rk_buf_truncate(rel, rlen);
			if (rlen)
				rk_buf_addc(rel, '/');
			rk_buf_adds(rel, n);
			walk(w, abs, rel);
			continue;
		}
		for (t = 0; t < w->nnames; t++)
			if (!strcmp(n, w->names[t]) && !ignored(w, rel, n, false)) {
				struct rk_walk_file f;

				rk_buf_truncate(rel, rlen);
				f.dir = rlen ? rel->data : ".";
				f.dirlen = rlen ? rlen : 1;
				f.name = n;
				f.which = t;
				f.regular = regular;
				w->fn(&f, w->ctx);
			}
	}
	closedir(dir);
	rk_buf_truncate(abs, alen);
	rk_buf_truncate(rel, rlen);
}

void rk_walk_files(struct rk_walk *w, const char *start, const char *const *names, size_t nnames,
		   void (*fn)(const struct rk_walk_file *f, void *ctx), void *ctx)
{
	struct rk_buf abs = RK_BUF_INIT, rel = RK_BUF_INIT;

	w->names = names;
	w->nnames = nnames;
	w->fn = fn;
	w->ctx = ctx;
	rk_buf_adds(&abs, w->root);
	if (strcmp(start, ".") != 0) {
		rk_buf_addf(&abs, "/%s", start);
		rk_buf_adds(&rel, start);
	} else {
		rk_buf_adds(&rel, "");
	}
	if (rk_is_dir(abs.data))
		walk(w, &abs, &rel);
	rk_buf_release(&abs);
	rk_buf_release(&rel);
}
