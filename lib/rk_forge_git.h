/*
 * rk_forge_git.h - credentials for pushing to a forge remote with libgit2
 * (tags, the release branch): over HTTPS the forge's token as the password
 * under the user name the forge documents for tokens (GitHub
 * x-access-token, GitLab oauth2 or gitlab-ci-token, Bitbucket
 * x-token-auth, Gitea any name); over SSH the user's agent. Never a shell.
 *
 * Ownership: struct rk_forge_gitauth borrows the token from its struct
 * rk_forge (keep the forge open while pushing). The callback refuses a
 * third request in one push (a wrong token is not retried forever).
 */
#ifndef RK_FORGE_GIT_H
#define RK_FORGE_GIT_H

#include <git2.h>

#include "rk_forge.h"

struct rk_forge_gitauth {
	const char *token; /* borrowed, or NULL (SSH agent only) */
	const char *user;
	int tries;
};

/* f may be NULL (no forge: the agent only). */
void rk_forge_gitauth_init(struct rk_forge_gitauth *a, const struct rk_forge_client *f);
void rk_forge_gitauth_callbacks(struct rk_forge_gitauth *a, git_remote_callbacks *cb);

/* remote.NAME.url of the repository at root (malloc'd), or NULL. */
char *rk_forge_remote_url(const char *root, const char *name);

#endif
