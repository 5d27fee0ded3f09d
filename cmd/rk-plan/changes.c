/*
 * cmd/rk-plan/changes.c - what changed: Conventional Commits since the last tag (with reverts) and
 * plan files, each a reason with its bump (rk-plan; plan.h).
 */
#include "rk_common.h"
#include "plan.h"
#include "rk_conventional.h"
#include "rk_history.h"
#include "rk_planfile.h"
#include "rk_sort.h"

#include <dirent.h>

static struct rk_cc *cc_of(struct plan *pl, size_t c)
{
	if (!pl->ccdone[c]) {
		const char *m = pl->h.commits[c].message;

		rk_cc_parse(&pl->cc[c], m, strlen(m));
		pl->ccdone[c] = true;
	}
	return &pl->cc[c];
}

void plan_add_reason(struct pkg *p, enum rkind k, size_t ref, int lvl)
{
	RK_GROW(p->reasons, p->capr, p->nreasons + 1);
	p->reasons[p->nreasons].kind = k;
	p->reasons[p->nreasons].ref = ref;
	p->reasons[p->nreasons].lvl = lvl;
	p->nreasons++;
}

static int commit_lvl(const struct rk_cc *cc)
{
	if (cc->breaking)
		return L_MAJOR;
	if (!strcmp(cc->type, "feat"))
		return L_MINOR;
	if (!strcmp(cc->type, "fix") || !strcmp(cc->type, "perf") || !strcmp(cc->type, "revert"))
		return L_PATCH;
	return L_NONE;
}

/* Whether msg's first line (trimmed) is header. */
static bool same_header(const char *msg, const char *header)
{
	const char *e = strchr(msg, '\n');
	size_t n = e ? (size_t)(e - msg) : strlen(msg);

	while (n && (msg[n - 1] == ' ' || msg[n - 1] == '\r' || msg[n - 1] == '\t'))
		n--;
	while (n && (*msg == ' ' || *msg == '\t'))
		msg++, n--;
	return strlen(header) == n && !memcmp(msg, header, n);
}

/* The level of the commit a revert quotes the header of. */
static int reverted_lvl(const struct rk_cc *cc)
{
	struct rk_cc h = RK_CC_INIT;
	int l;

	rk_cc_parse(&h, cc->revert_header, strlen(cc->revert_header));
	l = h.conventional ? commit_lvl(&h) : L_PATCH;
	rk_cc_release(&h);
	return l;
}

void plan_analyse_commits(struct plan *pl)
{
	size_t i, j, k;

	pl->cc = rk_xcalloc(pl->h.ncommits + 1, sizeof(*pl->cc));
	pl->ccdone = rk_xcalloc(pl->h.ncommits + 1, sizeof(bool));
	for (i = 0; i < pl->n; i++) {
		struct pkg *p = &pl->p[i];
		struct rk_history_pkg *hp = &pl->h.pkg[i];
		bool *cancel = rk_xcalloc(hp->ncommits + 1, sizeof(bool));
		int lvl = L_NONE;

		p->has_new = hp->new_since_any;
		p->ncommits = hp->ncommits;
		/*
		 * reverts, newest first: a revert cancels itself and every commit
		 * in range it reverts: each id it names ("Refs: a, b"), or with no
		 * id the commit whose header it quotes ("revert: feat: x")
		 */
		for (j = 0; j < hp->ncommits; j++) {
			struct rk_cc *cc = cc_of(pl, hp->commits[j]);
			bool hit = false;
			size_t r;

			if (cancel[j] || !cc->revert)
				continue;
			for (r = 0; r < cc->nrevert_ids; r++) {
				size_t len = strlen(cc->revert_ids[r]);

				for (k = j + 1; k < hp->ncommits; k++) {
					char hex[GIT_OID_HEXSZ + 1];

					git_oid_tostr(hex, sizeof(hex),
						      &pl->h.commits[hp->commits[k]].oid);
					if (!cancel[k] && !strncmp(hex, cc->revert_ids[r], len)) {
						cancel[k] = hit = true;
						break;
					}
				}
			}
			for (k = j + 1; !cc->nrevert_ids && cc->revert_header && k < hp->ncommits;
			     k++)
				if (!cancel[k] && same_header(pl->h.commits[hp->commits[k]].message,
							      cc->revert_header)) {
					cancel[k] = hit = true;
					break;
				}
			if (hit)
				cancel[j] = true;
		}
		for (j = 0; j < hp->ncommits; j++) {
			struct rk_cc *cc = cc_of(pl, hp->commits[j]);
			int l;

			if (cancel[j])
				continue;
			if (!cc->conventional) {
				p->nonconv++;
				continue;
			}
			l = commit_lvl(cc);
			if (cc->revert && cc->revert_header && reverted_lvl(cc) == L_NONE)
				l = L_NONE; /* reverting work that caused no bump */
			plan_add_reason(p, R_COMMIT, hp->commits[j], l);
			if (l > lvl)
				lvl = l;
		}
		if (lvl == L_MAJOR && !pl->major_on_zero && p->cur.nrelease &&
		    p->cur.release[0] == 0)
			lvl = L_MINOR;
		p->commit_lvl = p->lvl = lvl;
		free(cancel);
	}
}

void plan_read_plan_files(struct plan *pl)
{
	const char *dir = pl->o->plans_dir ? pl->o->plans_dir
			  : pl->plans_dir  ? pl->plans_dir
					   : DEFAULT_PLANS_DIR;
	const char *wd = git_repository_workdir(pl->repo);
	struct rk_buf full = RK_BUF_INIT;
	char **names = NULL;
	size_t n = 0, cap = 0, i, j;
	DIR *dp;
	struct dirent *de;

	if (!wd)
		return;
	if (!plan_repo_path_ok(dir)) {
		if (pl->o->plans_dir)
			rk_die(RK_EXIT_USAGE,
			       "--plans-dir %s: not inside the repository (relative, without '..')",
			       dir);
		plan_set_loc(pl, pl->train_loc);
		plan_die_at(
			pl, pl->train_line,
			"release_train: plans_dir '%s' is not inside the repository (relative, without '..')",
			dir);
	}
	rk_buf_addf(&full, "%s%s", wd, dir);
	dp = opendir(full.data);
	if (!dp) {
		if (errno == ENOTDIR && pl->o->plans_dir)
			rk_die(RK_EXIT_USAGE, "--plans-dir %s: not a directory", dir);
		if (errno == ENOTDIR && pl->plans_dir) {
			plan_set_loc(pl, pl->train_loc);
			plan_die_at(pl, pl->train_line,
				    "release_train: plans_dir '%s' is not a directory", dir);
		}
		if (errno != ENOENT && errno != ENOTDIR)
			rk_die(RK_EXIT_FAIL, "%s: %s", dir, strerror(errno));
		rk_buf_release(&full);
		return;
	}
	while ((de = readdir(dp))) {
		size_t l = strlen(de->d_name);

		if (l < 4 || strcmp(de->d_name + l - 3, ".md") ||
		    !strcmp(de->d_name, "README.md") || de->d_name[0] == '.')
			continue;
		RK_GROW(names, cap, n + 1);
		names[n++] = rk_xstrdup(de->d_name);
	}
	closedir(dp);
	if (n > 1)
		qsort(names, n, sizeof(*names), rk_strcmp_ptr);
	for (i = 0; i < n; i++) {
		struct planfile *f;
		struct rk_buf text = RK_BUF_INIT, fp = RK_BUF_INIT;
		struct rk_err err;

		RK_GROW(pl->planfiles, pl->capplanfiles, pl->nplanfiles + 1);
		f = &pl->planfiles[pl->nplanfiles++];
		memset(f, 0, sizeof(*f));
		{
			struct rk_buf rel = RK_BUF_INIT;

			rk_buf_addf(&rel, "%s/%s", dir, names[i]);
			f->path = rk_buf_detach(&rel, NULL);
		}
		rk_buf_addf(&fp, "%s%s", wd, f->path);
		if (rk_buf_read_file(&text, fp.data) < 0)
			rk_die(errno == RK_ENOTREG || errno == EISDIR ? RK_EXIT_INPUT
								      : RK_EXIT_FAIL,
			       "%s: %s", f->path, rk_strerror(errno));
		if (rk_planfile_parse(&f->pf, text.data ? text.data : "", text.len, f->path, &err) <
		    0)
			rk_die_err(&err);
		for (j = 0; j < f->pf.n; j++) {
			const struct rk_planfile_entry *e = &f->pf.entries[j];
			size_t idx = plan_find_pkg(pl, e->package);
			struct pkg *p;
			int l = plan_lvl_parse(e->bump);

			if (idx == NONE || idx == NONE - 1) {
				err.source = f->path;
				err.line = e->line;
				err.col = 0;
				snprintf(
					err.msg, sizeof(err.msg),
					idx == NONE
						? "unknown package '%.200s'"
						: "package '%.200s' is ambiguous: write ecosystem:name",
					e->package);
				rk_die_err(&err);
			}
			p = &pl->p[idx];
			plan_add_reason(p, R_PLAN, pl->nplanfiles - 1, l);
			RK_GROW(p->plans, p->capplans, p->nplans + 1);
			p->plans[p->nplans++] = pl->nplanfiles - 1;
			if (l > p->lvl)
				p->lvl = l;
		}
		rk_buf_release(&text);
		rk_buf_release(&fp);
	}
	plan_free_strv(names, n);
	rk_buf_release(&full);
}
