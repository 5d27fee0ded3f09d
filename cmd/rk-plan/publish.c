/*
 * cmd/rk-plan/publish.c - publish mode: HEAD is a release commit (its Release-Kit-Release
 * trailers): plan its publish phase (rk-plan; plan.h).
 */
#include "rk_common.h"
#include "plan.h"
#include "rk_tagfmt.h"
#include "rk_version.h"

#define RELEASE_TRAILER "Release-Kit-Release"

/* HEAD's message has at least one RELEASE_TRAILER trailer. */
bool plan_head_has_release_trailers(struct plan *pl)
{
	git_oid oid;
	git_commit *c = NULL;
	git_message_trailer_array tr = {0};
	bool found = false;
	size_t i;

	if (git_reference_name_to_id(&oid, pl->repo, "HEAD") == 0 &&
	    git_commit_lookup(&c, pl->repo, &oid) == 0 &&
	    git_message_trailers(&tr, git_commit_message(c)) == 0)
		for (i = 0; i < tr.count && !found; i++)
			found = !strcmp(tr.trailers[i].key, RELEASE_TRAILER);
	git_message_trailer_array_free(&tr);
	git_commit_free(c);
	return found;
}

/*
 * HEAD is a release commit (its "Release-Kit-Release: eco:name version"
 * trailers, written by rk-exec's commit action) and the work tree has no
 * change to a tracked file: release exactly those packages and versions
 * (no bump: the publish phase). Returns false, changing nothing, otherwise.
 */
bool plan_from_release_commit(struct plan *pl)
{
	git_oid oid;
	git_commit *c = NULL;
	git_message_trailer_array tr = {0};
	git_status_list *st = NULL;
	git_status_options so = GIT_STATUS_OPTIONS_INIT;
	size_t i, k, n = 0;
	bool ok = false;

	if (git_reference_name_to_id(&oid, pl->repo, "HEAD") < 0 ||
	    git_commit_lookup(&c, pl->repo, &oid) < 0 ||
	    git_message_trailers(&tr, git_commit_message(c)) < 0)
		goto out;
	for (i = 0; i < tr.count; i++)
		n += !strcmp(tr.trailers[i].key, RELEASE_TRAILER);
	if (!n)
		goto out;
	so.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	so.flags = GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
	if (git_status_list_new(&st, pl->repo, &so) < 0)
		rk_die(RK_EXIT_FAIL, "reading the work tree's status: %s",
		       git_error_last()->message);
	if (git_status_list_entrycount(st) > 0) {
		const git_status_entry *e = git_status_byindex(st, 0);
		const char *path = e->index_to_workdir ? e->index_to_workdir->new_file.path
				   : e->head_to_index  ? e->head_to_index->new_file.path
						       : "?";

		rk_warn("HEAD is a release commit, but the work tree differs from it (%s%s): "
			"planning a new release",
			path, git_status_list_entrycount(st) > 1 ? ", ..." : "");
		goto out;
	}
	for (k = 0; k < pl->n; k++)
		pl->p[k].released = false;
	for (i = 0; i < tr.count; i++) {
		const char *v = tr.trailers[i].value, *sp = strrchr(v, ' ');
		struct rk_buf id = RK_BUF_INIT, tag = RK_BUF_INIT;
		struct rk_version cur, next;
		struct rk_err err;
		struct pkg *p;
		size_t idx;

		if (strcmp(tr.trailers[i].key, RELEASE_TRAILER))
			continue;
		if (!sp || sp == v || !sp[1])
			rk_die(RK_EXIT_INPUT,
			       "HEAD: malformed trailer '%s: %s' (expected "
			       "'ECOSYSTEM:NAME VERSION')",
			       RELEASE_TRAILER, v);
		rk_buf_add(&id, v, (size_t)(sp - v));
		idx = plan_find_pkg(pl, id.data);
		if (idx >= pl->n)
			rk_die(RK_EXIT_INPUT,
			       "HEAD's release commit names %s, which is not a package of the input",
			       id.data);
		p = &pl->p[idx];
		free(p->next);
		free(p->tag);
		p->next = rk_xstrdup(sp + 1);
		p->released = true;
		rk_version_init(&cur);
		rk_version_init(&next);
		if (rk_version_parse(&next, p->scheme, p->next, strlen(p->next), &err) < 0)
			rk_die(RK_EXIT_INPUT, "HEAD: trailer for %s: %s", id.data, err.msg);
		p->lvl = L_PATCH;
		if (p->cur_str &&
		    rk_version_parse(&cur, p->scheme, p->cur_str, strlen(p->cur_str), &err) == 0) {
			if (!rk_version_compare(&cur, &next))
				p->lvl = L_NONE; /* already tagged */
			else if (cur.nrelease && next.nrelease && cur.release[0] != next.release[0])
				p->lvl = L_MAJOR;
			else if (cur.nrelease > 1 && next.nrelease > 1 &&
				 cur.release[1] != next.release[1])
				p->lvl = L_MINOR;
		}
		rk_version_release(&cur);
		rk_version_release(&next);
		rk_tagfmt_expand(plan_tag_format_of(pl, p), p->name, p->label, p->eco, p->next,
				 &tag);
		p->tag = rk_buf_detach(&tag, NULL);
		rk_buf_release(&id);
	}
	pl->publish_only = ok = true;
out:
	git_status_list_free(st);
	git_message_trailer_array_free(&tr);
	git_commit_free(c);
	return ok;
}
