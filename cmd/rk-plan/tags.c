/*
 * cmd/rk-plan/tags.c - release tags: tag formats into series, each tag to its package, the current
 * version and where the history walk stops (rk-plan; plan.h).
 */
#include "rk_common.h"
#include "plan.h"
#include "rk_history.h"
#include "rk_strmap.h"
#include "rk_tagfmt.h"
#include "rk_version.h"

const char *plan_tag_format_of(const struct plan *pl, const struct pkg *p)
{
	if (p->tag_format)
		return p->tag_format;
	if (p->grp != NONE && pl->groups[p->grp].tag_format)
		return pl->groups[p->grp].tag_format;
	return pl->tag_format ? pl->tag_format : DEFAULT_TAG_FORMAT;
}

/*
 * Two packages of different ecosystems whose tags look alike (one name, a
 * format without {ecosystem} or {label}) would read each other's tags:
 * refuse, suggesting a format. key is "<prefix>\001<suffix>".
 */
static void tag_clash(struct plan *pl, size_t i, const char *fmt, const struct rk_buf *key)
{
	const struct pkg *p = &pl->p[i], *q;
	size_t j;

	if (!strstr(fmt, "{name}"))
		return; /* one tag for every package (lockstep): shared on purpose */
	if (!rk_strmap_get(&pl->tagowner, key->data, key->len, &j)) {
		rk_strmap_put(&pl->tagowner, key->data, key->len, i);
		return;
	}
	q = &pl->p[j];
	if (!strcmp(q->eco, p->eco) && !strcmp(q->name, p->name))
		plan_die_at(
			pl, p->line,
			"packages %s:%s@%s and %s:%s@%s share a name and would share the tags of "
			"the tag format '%s': give each a label and use {label}, e.g. "
			"pnpm_package(name = \"%s@%s\", label = \"...\") with "
			"release_train(tag_format = \"{label}-v{version}\"), or a tag_format per "
			"package",
			q->eco, q->name, q->path, p->eco, p->name, p->path, fmt, p->name, p->path);
	if (!strcmp(q->eco, p->eco))
		return;
	plan_die_at(
		pl, p->line,
		"packages %s:%s and %s:%s would read each other's tags with the tag format '%s': "
		"use a format with {ecosystem} or {label}, e.g. release_train(tag_format = "
		"\"{ecosystem}/{name}-v{version}\"), or a tag_format per release_group or package",
		q->eco, q->name, p->eco, p->name, fmt);
}

void plan_setup_series(struct plan *pl)
{
	size_t i;
	struct rk_err err;

	for (i = 0; i < pl->n; i++) {
		struct pkg *p = &pl->p[i];
		struct rk_buf pre = RK_BUF_INIT, suf = RK_BUF_INIT, key = RK_BUF_INIT;
		const char *fmt = plan_tag_format_of(pl, p);
		size_t idx;

		if (p->tag_format && rk_tagfmt_check(p->tag_format, &err) < 0)
			plan_die_at(pl, p->line, "%s", err.msg);
		rk_tagfmt_split(fmt, p->name, p->label, p->eco, &pre, &suf);
		rk_buf_add(&key, pre.data, pre.len);
		rk_buf_addc(&key, '\001');
		rk_buf_add(&key, suf.data, suf.len);
		tag_clash(pl, i, fmt, &key);
		rk_buf_addf(&key, "\001%d", (int)p->scheme);
		if (!rk_strmap_get(&pl->serieskey, key.data, key.len, &idx)) {
			struct series *s;
			size_t first;

			RK_GROW(pl->series, pl->capseries, pl->nseries + 1);
			idx = pl->nseries++;
			s = &pl->series[idx];
			memset(s, 0, sizeof(*s));
			s->prefix = rk_buf_detach(&pre, NULL);
			s->suffix = rk_buf_detach(&suf, NULL);
			s->scheme = p->scheme;
			s->best_stable = s->best_any = NONE;
			s->next_same_prefix = NONE;
			if (rk_strmap_get(&pl->prefixes, s->prefix, strlen(s->prefix), &first))
				s->next_same_prefix = first;
			rk_strmap_put(&pl->prefixes, s->prefix, strlen(s->prefix), idx);
			rk_strmap_put(&pl->serieskey, key.data, key.len, idx);
		}
		p->series = idx;
		rk_buf_release(&pre);
		rk_buf_release(&suf);
		rk_buf_release(&key);
	}
}

/*
 * Peel a tag's target to its commit. Returns 0, or -1 (with a warning) when
 * the tag points at a tree or a blob: such a tag is skipped.
 */
static int tag_commit(struct plan *pl, const char *name, const git_oid *target, git_oid *commit)
{
	git_object *o = NULL, *c = NULL;
	int rc = -1;

	if (git_object_lookup(&o, pl->repo, target, GIT_OBJECT_ANY) == 0 &&
	    git_object_peel(&c, o, GIT_OBJECT_COMMIT) == 0) {
		git_oid_cpy(commit, git_object_id(c));
		rc = 0;
	} else {
		rk_warn("tag %s points at no commit (a tree or a blob): skipped", name);
	}
	git_object_free(c);
	git_object_free(o);
	return rc;
}

static int on_tag(const char *name, const git_oid *target, void *ctx)
{
	struct plan *pl = ctx;
	size_t len = strlen(name), i;
	struct rk_version v = RK_VERSION_INIT;
	git_oid commit;
	int peeled = 0; /* 1 commit found, -1 no commit */
	bool claimed = false;

	/*
	 * The longest prefix first, and only it: a tag belongs to the package
	 * with the longest name that matches ("acme-2-5" is acme-2's 5, not
	 * acme's 2.post5).
	 */
	for (i = len; i-- > 0 && !claimed;) {
		size_t s;
		char c = name[i];

		if (!((c >= '0' && c <= '9') || c == 'v' || c == 'V'))
			continue;
		if (!rk_strmap_get(&pl->prefixes, name, i, &s))
			continue;
		for (; s != NONE; s = pl->series[s].next_same_prefix) {
			struct series *se = &pl->series[s];
			size_t sl = strlen(se->suffix);
			struct tagv *t;

			if (len - i <= sl || memcmp(name + len - sl, se->suffix, sl))
				continue;
			if (rk_version_parse(&v, se->scheme, name + i, len - i - sl, NULL) < 0)
				continue;
			if (!peeled)
				peeled = tag_commit(pl, name, target, &commit) < 0 ? -1 : 1;
			if (peeled < 0) {
				rk_version_release(&v);
				return 0;
			}
			claimed = true;
			RK_GROW(se->tags, se->cap, se->n + 1);
			t = &se->tags[se->n];
			t->v = v;
			rk_version_init(&v);
			t->name = rk_xstrdup(name);
			git_oid_cpy(&t->target, &commit);
			if (se->best_any == NONE ||
			    rk_version_compare(&t->v, &se->tags[se->best_any].v) > 0)
				se->best_any = se->n;
			if (!rk_version_is_prerelease(&t->v) &&
			    (se->best_stable == NONE ||
			     rk_version_compare(&t->v, &se->tags[se->best_stable].v) > 0))
				se->best_stable = se->n;
			se->n++;
		}
	}
	return 0;
}

/*
 * When p's highest release tag (stop) is not in HEAD's history (a tag on a
 * hotfix branch), count commits since the highest tag that is, and still
 * go above the highest overall: stop becomes that tag's commit. With no
 * release tag in HEAD's history at all, stop is left as it is (every commit
 * counts; the caller warns).
 */
static bool stop_in_history(struct plan *pl, const struct pkg *p, const struct series *s,
			    const git_oid *head, git_oid *stop)
{
	size_t j, best = NONE;

	if (git_oid_equal(head, stop) || git_graph_descendant_of(pl->repo, head, stop) == 1)
		return false;
	for (j = 0; j < s->n; j++) {
		const struct tagv *t = &s->tags[j];

		if (rk_version_is_prerelease(&t->v) ||
		    (best != NONE && rk_version_compare(&t->v, &s->tags[best].v) <= 0))
			continue;
		if (git_oid_equal(head, &t->target) ||
		    git_graph_descendant_of(pl->repo, head, &t->target) == 1)
			best = j;
	}
	if (best == NONE)
		return true;
	rk_warn("package '%s': tag %s is not in the history of HEAD (a hotfix branch?): commits "
		"count since %s, the highest tag that is, and the next version goes above %s",
		p->name, p->cur_tag, s->tags[best].name, p->cur_tag);
	git_oid_cpy(stop, &s->tags[best].target);
	return true;
}

/*
 * The manifest's version against the last release tag's: above (a release
 * made from a branch, a hand bump), the manifest's is where the next
 * version starts, and a warning says so; below, a warning.
 */
static void manifest_vs_tag(struct plan *pl, struct pkg *p, bool elsewhere)
{
	struct rk_version m = RK_VERSION_INIT;
	int c;

	if (!p->version ||
	    rk_version_parse(&m, p->scheme, p->version, strlen(p->version), NULL) < 0)
		return;
	if (rk_version_is_prerelease(&m)) {
		rk_version_release(&m);
		return;
	}
	c = rk_version_compare(&m, &p->cur);
	if (pl->head_trailers) {
		/* a release commit: its manifests are above their tags by design */
		rk_version_release(&m);
		return;
	}
	if (c > 0) {
		rk_warn("package '%s': the manifest's version %s is above the last release tag %s: "
			"the next version starts from %s",
			p->name, p->version, p->cur_tag, p->version);
		rk_version_release(&p->cur);
		p->cur = m;
		return;
	}
	if (c < 0 && !elsewhere) /* (below a tag on another branch: expected) */
		rk_warn("package '%s': the manifest's version %s is below the last release tag %s",
			p->name, p->version, p->cur_tag);
	rk_version_release(&m);
}

void plan_read_tags(struct plan *pl)
{
	struct rk_err err;
	size_t i;
	git_oid boot, head;
	bool has_boot = false, has_head;

	if (rk_history_tags(pl->repo, on_tag, pl, &err) < 0)
		rk_die(RK_EXIT_FAIL, "%s", err.msg);
	if (pl->bootstrap) {
		git_object *o = NULL, *c = NULL;

		if (git_revparse_single(&o, pl->repo, pl->bootstrap) < 0 ||
		    git_object_peel(&c, o, GIT_OBJECT_COMMIT) < 0) {
			plan_set_loc(pl, pl->train_loc);
			plan_die_at(pl, pl->train_line,
				    "release_train: bootstrap_commit '%s' is not a commit",
				    pl->bootstrap);
		}
		git_oid_cpy(&boot, git_object_id(c));
		has_boot = true;
		git_object_free(c);
		git_object_free(o);
	}
	has_head = git_reference_name_to_id(&head, pl->repo, "HEAD") == 0;
	rk_history_init(&pl->h, pl->repo, pl->n);
	for (i = 0; i < pl->n; i++) {
		struct pkg *p = &pl->p[i];
		struct series *s = &pl->series[p->series];
		git_oid st, an;
		size_t j;

		if (s->best_stable != NONE) {
			bool elsewhere;

			rk_version_copy(&p->cur, &s->tags[s->best_stable].v);
			p->cur_tag = s->tags[s->best_stable].name;
			git_oid_cpy(&st, &s->tags[s->best_stable].target);
			elsewhere = has_head && stop_in_history(pl, p, s, &head, &st);

			if (strstr(plan_tag_format_of(pl, p), "{name}") && p->lock == NONE)
				manifest_vs_tag(pl, p,
						elsewhere); /* (lockstep tags: members lag) */
		} else {
			const char *v = p->version ? p->version : "0.0.0";

			if (rk_version_parse(&p->cur, p->scheme, v, strlen(v), &err) < 0)
				plan_die_at(pl, p->line, "package '%s': %s", p->name, err.msg);
			if (has_boot)
				git_oid_cpy(&st, &boot);
			/* no release tag: a first release, at the version the manifest has */
			p->first = !has_boot && p->version != NULL;
		}
		if (s->best_any != NONE) {
			if (rk_history_peel(pl->repo, &s->tags[s->best_any].target, &an, &err) < 0)
				rk_die(RK_EXIT_FAIL, "tag %s: %s", s->tags[s->best_any].name,
				       err.msg);
		} else if (has_boot) {
			git_oid_cpy(&an, &boot);
		}
		rk_history_set_stops(&pl->h, i, s->best_stable != NONE || has_boot ? &st : NULL,
				     s->best_any != NONE || has_boot ? &an : NULL);
		/* a stable tag that is not the newest makes "any" the stable one too */
		p->cur_str = rk_version_str(&p->cur);
		rk_history_add_path(&pl->h, p->path, i);
		for (j = 0; j < p->nextra; j++)
			rk_history_add_path(&pl->h, p->extra[j], i);
	}
}
