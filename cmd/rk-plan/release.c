/*
 * cmd/rk-plan/release.c - the release records: changelog text and one "release" record per package
 * (rk-plan; plan.h).
 */
#include "rk_common.h"
#include "plan.h"
#include "rk_changelog.h"
#include "rk_conventional.h"
#include "rk_json.h"
#include "rk_version.h"

/*
 * The version of dependency d a dependent's changelog names: its next one;
 * not released this time, on a pre-release channel its newest pre-release
 * of the channel's label above its last stable version (what the dependent
 * is built against), else its current version.
 */
static const char *dep_version(struct plan *pl, const struct pkg *d)
{
	const struct series *s = &pl->series[d->series];
	size_t i, best = NONE;

	if (d->next)
		return d->next;
	if (!pl->label || pl->nightly || pl->snapshot)
		return d->cur_str;
	for (i = 0; i < s->n; i++) {
		const struct tagv *t = &s->tags[i];
		struct rk_version lab = RK_VERSION_INIT;
		struct rk_err err;
		bool ours = false;

		if (!rk_version_is_prerelease(&t->v) || rk_version_compare(&t->v, &d->cur) <= 0 ||
		    (best != NONE && rk_version_compare(&t->v, &s->tags[best].v) <= 0))
			continue;
		rk_version_copy(&lab, &t->v);
		if (rk_version_set_prerelease(&lab, pl->label, t->v.pre_num, &err) == 0)
			ours = rk_version_compare(&lab, &t->v) == 0;
		rk_version_release(&lab);
		if (ours)
			best = i;
	}
	if (best == NONE)
		return d->cur_str;
	if (!s->vstr) {
		struct series *ms = &pl->series[d->series];

		ms->vstr = rk_xcalloc(ms->n + 1, sizeof(char *));
		for (i = 0; i < ms->n; i++)
			ms->vstr[i] = rk_version_str(&ms->tags[i].v);
	}
	return s->vstr[best];
}

void plan_build_changelog(struct plan *pl, struct pkg *p)
{
	size_t cap = p->nreasons + 1, i, bf, n = 0;
	struct rk_changelog_item *items;
	char(*ids)[8];
	char **deptext;
	const char **excl = NULL;
	struct rk_buf out = RK_BUF_INIT;

	/* one item per breaking footer of a commit (each with its subject) */
	for (i = 0; i < p->nreasons; i++)
		if (p->reasons[i].kind == R_COMMIT && pl->cc[p->reasons[i].ref].nbreaking_texts > 1)
			cap += pl->cc[p->reasons[i].ref].nbreaking_texts - 1;
	items = rk_xcalloc(cap, sizeof(*items));
	ids = rk_xcalloc(cap, sizeof(*ids));
	deptext = rk_xcalloc(cap, sizeof(char *));
	for (i = 0; i < p->nreasons; i++) {
		const struct reason *r = &p->reasons[i];
		struct rk_changelog_item *it = &items[n];

		if (r->kind == R_COMMIT) {
			const struct rk_cc *cc = &pl->cc[r->ref];

			for (bf = 0; bf < cc->nbreaking_texts; bf++) {
				struct rk_buf b = RK_BUF_INIT;

				it = &items[n];
				git_oid_tostr(ids[n], sizeof(ids[n]), &pl->h.commits[r->ref].oid);
				it->type = cc->type;
				it->scope = cc->scope;
				it->breaking = true;
				rk_buf_addf(&b, "%s: %s", cc->subject, cc->breaking_texts[bf]);
				deptext[n] = rk_buf_detach(&b, NULL);
				it->text = deptext[n];
				it->id = ids[n];
				if (bf + 1 < cc->nbreaking_texts)
					n++;
			}
			if (!cc->nbreaking_texts) {
				git_oid_tostr(ids[n], sizeof(ids[n]), &pl->h.commits[r->ref].oid);
				it->type = cc->type;
				it->scope = cc->scope;
				it->breaking = cc->breaking;
				it->text = cc->subject;
				it->id = ids[n];
			}
		} else if (r->kind == R_PLAN) {
			const struct planfile *f = &pl->planfiles[r->ref];
			size_t e;

			it->text = f->pf.summary;
			it->plan_bump = "none";
			for (e = 0; e < f->pf.n; e++) {
				size_t idx = plan_find_pkg(pl, f->pf.entries[e].package);

				if (idx < pl->n && &pl->p[idx] == p)
					it->plan_bump = f->pf.entries[e].bump;
			}
			if (!*it->text)
				continue;
		} else if (r->kind == R_DEP) {
			const struct pkg *d = &pl->p[r->ref];
			struct rk_buf b = RK_BUF_INIT;

			rk_buf_addf(&b, "%s %s", d->name, dep_version(pl, d));
			deptext[n] = rk_buf_detach(&b, NULL);
			it->text = deptext[n];
			it->dependency = true;
		} else {
			continue;
		}
		n++;
	}
	if (pl->exclude) {
		excl = rk_xcalloc(pl->nexclude + 1, sizeof(char *));
		for (i = 0; i < pl->nexclude; i++)
			excl[i] = pl->exclude[i];
	}
	rk_changelog_render(&out, p->next, pl->date10, items, n, excl);
	p->changelog = rk_buf_detach(&out, NULL);
	for (i = 0; i < n; i++)
		free(deptext[i]);
	free(deptext);
	free(excl);
	free(ids);
	free(items);
}

void plan_emit_release(struct plan *pl, struct pkg *p)
{
	struct rk_buf b = RK_BUF_INIT;
	struct rk_jw w;
	size_t i;
	char hex[GIT_OID_HEXSZ + 1], sh[8];

	rk_jw_init(&w, &b);
	rk_jw_obj(&w);
	rk_jw_kstr(&w, "kind", "release");
	rk_jw_kstr(&w, "name", p->name);
	if (p->id)
		rk_jw_kstr(&w, "id", p->id);
	rk_jw_kstr(&w, "ecosystem", p->eco);
	rk_jw_kstr(&w, "path", p->path);
	rk_jw_kstr(&w, "current", p->cur_str);
	rk_jw_kstr(&w, "next", p->next);
	rk_jw_kstr(&w, "bump", plan_lvl_names[p->released ? p->lvl : L_NONE]);
	rk_jw_key(&w, "reasons");
	rk_jw_arr(&w);
	for (i = 0; i < p->nreasons && p->released; i++) {
		const struct reason *r = &p->reasons[i];

		rk_jw_obj(&w);
		if (r->kind == R_COMMIT) {
			const struct rk_cc *cc = &pl->cc[r->ref];

			git_oid_tostr(hex, sizeof(hex), &pl->h.commits[r->ref].oid);
			memcpy(sh, hex, 7);
			sh[7] = '\0';
			rk_jw_kstr(&w, "commit", sh);
			rk_jw_kstr(&w, "sha", hex);
			rk_jw_kstr(&w, "subject", cc->subject);
			rk_jw_kstr(&w, "type", cc->type);
			if (cc->scope)
				rk_jw_kstr(&w, "scope", cc->scope);
			rk_jw_kbool(&w, "breaking", cc->breaking);
			if (cc->pr)
				rk_jw_kint(&w, "pr", cc->pr);
		} else if (r->kind == R_PLAN) {
			rk_jw_kstr(&w, "plan", pl->planfiles[r->ref].path);
			rk_jw_kstr(&w, "summary", pl->planfiles[r->ref].pf.summary);
		} else if (r->kind == R_DEP) {
			const struct pkg *d = &pl->p[r->ref];

			rk_jw_kstr(&w, "dependency", d->name);
			rk_jw_kstr(&w, "ecosystem", d->eco);
			if (d->id)
				rk_jw_kstr(&w, "dependency_id", d->id);
			rk_jw_kstr(&w, "version", d->next ? d->next : d->cur_str);
		} else {
			rk_jw_kstr(&w, "group", pl->lockname[r->ref]);
		}
		rk_jw_kstr(&w, "bump", plan_lvl_names[r->lvl]);
		rk_jw_obj_end(&w);
	}
	rk_jw_arr_end(&w);
	rk_jw_kstr(&w, "tag", p->tag);
	rk_jw_kstr(&w, "previous_tag", p->cur_tag);
	rk_jw_kstr(&w, "channel", pl->chan);
	rk_jw_kbool(&w, "prerelease", p->released && (pl->label || pl->nightly || pl->snapshot));
	rk_jw_kbool(&w, "publish", p->released && !pl->snapshot && p->publishable);
	if (p->grp != NONE)
		rk_jw_kstr(&w, "group", pl->groups[p->grp].name);
	rk_jw_kint(&w, "commits", (long long)p->ncommits);
	rk_jw_kint(&w, "non_conventional", (long long)p->nonconv);
	rk_jw_key(&w, "plan_files");
	rk_jw_arr(&w);
	for (i = 0; i < p->nplans && p->released; i++)
		rk_jw_str(&w, pl->planfiles[p->plans[i]].path);
	rk_jw_arr_end(&w);
	rk_jw_kstr(&w, "date", pl->date10);
	if (p->changelog)
		rk_jw_kstr(&w, "changelog", p->changelog);
	rk_jw_obj_end(&w);
	rk_record_emit(&b);
	rk_buf_release(&b);
}
