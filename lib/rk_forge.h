/*
 * rk_forge.h - forge releases and release pull requests: one interface,
 * a module per forge (rk_forge_github.c, rk_forge_gitea.c,
 * rk_forge_gitlab.c, rk_forge_bitbucket.c), all over rk_http (the one
 * HTTP client: Retry-After, x-ratelimit-reset, 5xx backoff, masking).
 *
 * Which forge: rk_forge_open() takes the remote's URL and an optional
 * forge(...) config record (JSON object: "name", "api", "token", "host"):
 *   - forge(name=...) names the kind for any host (GitHub Enterprise, a
 *     self-hosted GitLab, Gitea or Forgejo); "none" turns releases off;
 *     with host=... ("git.example.com", or "host:port" to match the port
 *     too) the record is only for a remote on that host: a remote
 *     elsewhere is recognised as if there were no record;
 *   - else a CI job's own server: a remote on the host of
 *     GITHUB_SERVER_URL is GitHub (Gitea when GITEA_ACTIONS or
 *     FORGEJO_ACTIONS is "true") with the API GITHUB_API_URL; on the host
 *     of CI_SERVER_URL, GitLab with CI_API_V4_URL;
 *   - else github.com, gitlab.com and bitbucket.org are known;
 *     any other host is no forge (not an error).
 * The API base is forge.api (or the CI job's) when given, else derived from the remote:
 *   github     https://api.github.com (github.com), else https://HOST/api/v3
 *   gitlab     SCHEME://HOST/api/v4
 *   gitea      SCHEME://HOST[:PORT]/api/v1 (http remotes keep http)
 *   bitbucket  https://api.bitbucket.org/2.0
 * The token: forge.token ({"secret":"NAME"}: $NAME; a plain string is
 * refused, a token never belongs in RELEASE.star), else GITHUB_TOKEN,
 * GITLAB_TOKEN (or CI_JOB_TOKEN), GITEA_TOKEN, BITBUCKET_TOKEN. It is sent
 * only as the Authorization header and masked in every message.
 *
 * Calls covered (see each module for the exact requests):
 *   find_release    the release of a tag, drafts included (1 found, 0 not)
 *   create_release  title, notes, draft (with the commit a tag not pushed
 *                   yet will name, where drafts exist)
 *   update_release  notes and/or draft -> published
 *   upload_asset    one file under a name
 *   delete_asset    (a partial upload found on a rerun)
 *   find_pr / create_pr / update_pr / close_pr: the release pull request
 *                   (merge request) from branch head into base
 * An operation a forge does not have is NULL in its ops (the caller says
 * so plainly).
 *
 * Ownership: every struct here owns its strings; release with the
 * matching *_release(). Errors: -1 with err set to one line naming the
 * request (method and shown URL) and the answer's status and message
 * (masked), never the token.
 */
#ifndef RK_FORGE_H
#define RK_FORGE_H

#include <stdbool.h>
#include <stddef.h>

#include "rk_buf.h"
#include "rk_http.h"
#include "rk_json.h"
#include "rk_msg.h"

struct rk_forge_asset {
	char *id; /* the forge's id (as text) */
	char *name;
	long long size;
};

struct rk_forge_release {
	char *id;  /* as text (GitLab: the tag) */
	char *tag; /* tag_name */
	char *body;
	char *upload_url; /* GitHub's upload URL template's base, or NULL */
	char *target;	  /* target_commitish (GitHub, Gitea), or NULL */
	bool draft;
	struct rk_forge_asset *assets;
	size_t nassets;
};

struct rk_forge_pr {
	char *id; /* number (GitHub, Gitea, Bitbucket) or iid (GitLab) */
	char *url;
	char *title, *body;
};

struct rk_forge_client;

struct rk_forge_ops {
	const char *name;
	const char *token_env; /* e.g. "GITHUB_TOKEN" */
	bool no_notes;	       /* no release pages (Bitbucket): notes are not kept */
	bool drafts;	       /* draft releases that may name a tag not pushed yet */
	/* the API base from the remote's scheme, host and port */
	void (*api_base)(const char *scheme, const char *hostport, struct rk_buf *out);
	/* the Authorization header's value for token */
	void (*auth)(const char *token, struct rk_buf *out);
	int (*find_release)(struct rk_forge_client *f, const char *tag,
			    struct rk_forge_release *out, struct rk_err *err);
	/* target: the commit the tag will name (target_commitish), or NULL */
	int (*create_release)(struct rk_forge_client *f, const char *tag, const char *title,
			      const char *notes, const char *target, bool draft,
			      struct rk_forge_release *out, struct rk_err *err);
	/* notes NULL: unchanged; draft -1 unchanged, 0 publish, 1 back to a
	 * draft (with target_commitish the tag: the mark that it was put back
	 * after the tag's push, see tag_push_publishes) */
	int (*update_release)(struct rk_forge_client *f, struct rk_forge_release *r,
			      const char *notes, int draft, struct rk_err *err);
	int (*upload_asset)(struct rk_forge_client *f, const struct rk_forge_release *r,
			    const char *path, const char *name, struct rk_err *err);
	int (*delete_asset)(struct rk_forge_client *f, const struct rk_forge_release *r,
			    const struct rk_forge_asset *a, struct rk_err *err);
	int (*find_pr)(struct rk_forge_client *f, const char *head, const char *base,
		       struct rk_forge_pr *out, struct rk_err *err);
	int (*create_pr)(struct rk_forge_client *f, const char *head, const char *base,
			 const char *title, const char *body, struct rk_forge_pr *out,
			 struct rk_err *err);
	int (*update_pr)(struct rk_forge_client *f, const struct rk_forge_pr *pr, const char *title,
			 const char *body, struct rk_err *err);
	int (*close_pr)(struct rk_forge_client *f, const struct rk_forge_pr *pr,
			struct rk_err *err);
	/* Gitea: syncing a pushed tag publishes that tag's draft release
	 * (in its own time, after the push) */
	bool tag_push_publishes;
	/* web links (rk_forge_link): printf formats over 1 the web page, 2 the
	 * tag, 3 the previous tag */
	const char *compare_link, *tag_link;
};

struct rk_forge_client {
	const struct rk_forge_ops *ops;
	char *api;     /* API base URL, no trailing '/' */
	char *owner;   /* GitHub/Gitea owner, Bitbucket workspace, GitLab namespace */
	char *repo;    /* repository name (GitLab: the last path component) */
	char *project; /* owner/repo, %-encoded for GitLab's :id */
	char *token;   /* secret, or NULL */
	char *auth;    /* Authorization value (secret), or NULL */
	char *header;  /* or a whole secret header line (GitLab's JOB-TOKEN), or NULL */
	struct rk_http_opts http;
	struct rk_buf last; /* the last answer's body: a parsed answer borrows it */
};

/* Where a remote's forge is (rk_forge_recognise). */
struct rk_forge_where {
	const struct rk_forge_ops *ops;
	int cfg;    /* the config record's token, or -1 when it is not this remote's */
	char *api;  /* API base URL, no trailing '/' */
	char *web;  /* the repository's web page: SCHEME://HOST[:PORT]/PATH */
	char *path; /* OWNER/REPO (GitLab: GROUP/.../PROJECT) */
};

/*
 * Which forge the remote URL is, by the rules above but without a token
 * (rk_forge_open's first step): 1 with w filled (free it with
 * rk_forge_where_free), 0 when it is no forge (w empty), -1 with err set
 * (an unknown forge name, a remote URL naming no repository for a named
 * forge). The web page: an http(s) remote's scheme, host and port; an
 * ssh or scp-like remote's host over https; github.com, gitlab.com and
 * bitbucket.org always https; a CI job's forge under its server URL
 * (GITHUB_SERVER_URL, CI_SERVER_URL, a relative URL root included).
 */
int rk_forge_recognise(const char *url, const struct rk_json *d, int cfg, struct rk_forge_where *w,
		       struct rk_err *err);
void rk_forge_where_free(struct rk_forge_where *w);

/*
 * Append the web link comparing prev_tag with tag (prev_tag NULL: the
 * tag's own page) of the forge w onto out, in that forge's shape (its
 * ops' compare_link and tag_link; the host is w->web's, so self-hosted
 * forges get their own):
 *   github     WEB/compare/PREV...TAG      first: WEB/releases/tag/TAG
 *   gitea      WEB/compare/PREV...TAG      first: WEB/releases/tag/TAG
 *   gitlab     WEB/-/compare/PREV...TAG    first: WEB/-/tags/TAG
 *   bitbucket  WEB/branches/compare/TAG%0DPREV  first: WEB/src/TAG
 * Nothing when w is no forge or its path is not a repository's (OWNER/REPO;
 * subgroups on GitLab only). Credentials in the remote's URL never get in.
 */
void rk_forge_link(const struct rk_forge_where *w, const char *prev_tag, const char *tag,
		   struct rk_buf *out);

/* The ops of a forge name ("github", "gitlab", "gitea", "bitbucket"), or NULL. */
const struct rk_forge_ops *rk_forge_ops_find(const char *name);

/*
 * Open the forge of remote URL url with the config record cfg (token of
 * a JSON object in d, or -1). Returns 1 (f filled), 0 when the remote is
 * no forge or forge(name="none") (f untouched), or -1 with err set (an
 * unknown name, a plain-string token, no token in the environment).
 */
int rk_forge_open(struct rk_forge_client *f, const char *url, const struct rk_json *d, int cfg,
		  struct rk_err *err);
void rk_forge_close(struct rk_forge_client *f);

void rk_forge_release_free(struct rk_forge_release *r);
void rk_forge_pr_free(struct rk_forge_pr *pr);

/*
 * One JSON request to the forge: method, url (absolute), an optional JSON
 * body (or a file with content type ctype); the answer's JSON is parsed
 * into d when given (d borrows the text, kept in f->last until the next
 * call on f: copy what you need before calling again). Returns the HTTP status (>0), or -1 with err set
 * for no answer. A status >= 400 also sets err (one line with the
 * forge's message, masked) so callers can just fail with it.
 */
long rk_forge_call(struct rk_forge_client *f, const char *method, const char *url, const char *json,
		   const char *file, const char *ctype, struct rk_json *d, struct rk_err *err);

/* The same with a request body of len bytes in memory (data; NULL: none). */
long rk_forge_call_mem(struct rk_forge_client *f, const char *method, const char *url,
		       const void *data, size_t len, const char *file, const char *ctype,
		       struct rk_json *d, struct rk_err *err);

/* %-encode s (a path segment or query value) onto out. */
void rk_forge_esc(const char *s, struct rk_buf *out);

/* Append "/SEG" for each segment (%-encoded; literal words stay as they are) up to NULL. */
void rk_forge_path(struct rk_buf *u, ...) __attribute__((sentinel));

/* "<api>/<kind>/<owner>/<repo>" (kind: "repos", "repositories") onto u. */
void rk_forge_repo_url(const struct rk_forge_client *f, const char *kind, struct rk_buf *u);

/* The JSON object of n/2 string pairs kv (key, value, ...; a NULL value leaves its key out) onto out. */
void rk_forge_jobj(struct rk_buf *out, const char *const *kv, size_t n);

/*
 * POST the file at path to url as multipart/form-data, field field with
 * file name name (GitLab's uploads, Bitbucket's Downloads); the answer's
 * JSON into d when given (as rk_forge_call). Returns the HTTP status, or
 * -1 with err set (the file unreadable, no answer).
 */
long rk_forge_post_file(struct rk_forge_client *f, const char *url, const char *field,
			const char *path, const char *name, struct rk_json *d, struct rk_err *err);

/*
 * method url with body json (or none) when the answer does not matter:
 * 0 on a 2xx answer, else -1 (err set by rk_forge_call).
 */
int rk_forge_send(struct rk_forge_client *f, const char *method, const char *url, const char *json,
		  struct rk_err *err);

/* Fill r from the GitHub/Gitea-shaped release object at token t. */
void rk_forge_release_from_gh(const struct rk_json *d, int t, struct rk_forge_release *r);
/* Fill pr from a pull request object (keys number/iid/id, html_url/web_url, title, body/description). */
void rk_forge_pr_from(const struct rk_json *d, int t, struct rk_forge_pr *pr);

/*
 * POST json to url (a forge's "create a pull request" call) and read the
 * answer with from (rk_forge_pr_from, or the forge's own reader) into out.
 * 0 when the forge answered 2xx with a pull request id, else -1 (err set
 * by the call, when it failed).
 */
int rk_forge_post_pr(struct rk_forge_client *f, const char *url, const char *json,
		     void (*from)(const struct rk_json *d, int t, struct rk_forge_pr *pr),
		     struct rk_forge_pr *out, struct rk_err *err);

extern const struct rk_forge_ops rk_forge_github, rk_forge_gitea, rk_forge_gitlab,
	rk_forge_bitbucket;

#endif
