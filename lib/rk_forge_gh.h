/*
 * rk_forge_gh.h - the GitHub-shaped REST calls (rk_forge_github.c), shared
 * by Gitea (rk_forge_gitea.c), whose API has the same request and answer
 * shapes for these. Contracts as the matching members of struct
 * rk_forge_ops (rk_forge.h).
 */
#ifndef RK_FORGE_GH_H
#define RK_FORGE_GH_H

#include "rk_forge.h"

int rk_forge_gh_find_release(struct rk_forge_client *f, const char *tag,
			     struct rk_forge_release *out, struct rk_err *err);
int rk_forge_gh_create_release(struct rk_forge_client *f, const char *tag, const char *title,
			       const char *notes, const char *target, bool draft,
			       struct rk_forge_release *out, struct rk_err *err);
int rk_forge_gh_update_release(struct rk_forge_client *f, struct rk_forge_release *r,
			       const char *notes, int draft, struct rk_err *err);
/* 1 and out filled when array d holds an open pull request from head (into base) */
int rk_forge_gh_pick_pr(const struct rk_json *d, const char *head, const char *base,
			struct rk_forge_pr *out);
int rk_forge_gh_create_pr(struct rk_forge_client *f, const char *head, const char *base,
			  const char *title, const char *body, struct rk_forge_pr *out,
			  struct rk_err *err);
int rk_forge_gh_update_pr(struct rk_forge_client *f, const struct rk_forge_pr *pr,
			  const char *title, const char *body, struct rk_err *err);
int rk_forge_gh_close_pr(struct rk_forge_client *f, const struct rk_forge_pr *pr,
			 struct rk_err *err);

#endif
