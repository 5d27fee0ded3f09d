/*
 * rk_registry.h - uploads to package registries, each by its documented
 * protocol over rk_http (libcurl), with the registry asked first.
 *
 *   pypi   lib/rk_registry_pypi.c   legacy upload API: multipart POST with
 *                                   ":action"="file_upload", "content" and
 *                                   "sha256_digest"; truth: the project's
 *                                   simple page (PEP 691 JSON or PEP 503
 *                                   HTML) listing the file with its sha256
 *   npm    lib/rk_registry_npm.c    PUT of the packument with the tarball as
 *                                   a base64 "_attachments" entry and the
 *                                   channel's dist-tag; truth: the packument's
 *                                   versions[v].dist.integrity (sha512)
 *   cargo  lib/rk_registry_cargo.c  PUT /api/v1/crates/new with the binary
 *                                   body (u32 LE JSON length, JSON metadata,
 *                                   u32 LE crate length, the .crate); truth:
 *                                   the index file's line for the version and
 *                                   its cksum (sparse index over HTTP, or a
 *                                   git index read with libgit2)
 *
 * Uploads stream the artifact from its file (rk_http's segs and form): no
 * module holds an artifact, or its base64, in memory.
 *
 * rk_registry_publish_file() is the one entry point: it asks the registry
 * about (name, version, file); the same bytes already there answer
 * RK_PUB_ALREADY with no upload; other bytes under that version fail,
 * naming both digests; absent, it uploads, and a "conflict" answer (409,
 * npm's "cannot publish over", PyPI's "File already exists") is read by
 * asking again, exactly like the first check.
 *
 * The token (struct rk_reg.token) is secret: it is sent in a header only
 * and masked out of any server text that reaches a message.
 *
 * Errors: -1 with err set to one line naming the registry URL (without
 * credentials) and the file.
 */
#ifndef RK_REGISTRY_H
#define RK_REGISTRY_H

#include "rk_buf.h"
#include "rk_http.h"
#include "rk_msg.h"

struct rk_reg {
	const char *kind;  /* "pypi", "npm", "cargo" */
	const char *url;   /* pypi: upload URL; npm: registry URL; cargo: API base URL */
	const char *index; /* pypi: simple index URL; cargo: index (path, file://,
			      sparse+http(s)://); npm: unused */
	const char *token; /* secret, or NULL */
	const char *tag;   /* npm: the dist-tag to move (default "latest") */
	struct rk_http_opts http;
	/* called right before each upload (after the check): publish_rate's
	 * wait; non-zero stops the publish (err set) */
	int (*before_upload)(void *ctx, struct rk_err *err);
	void *before_ctx;
};

enum rk_reg_truth { RK_REG_ABSENT, RK_REG_SAME, RK_REG_OTHER };
enum rk_pub_result { RK_PUB_UPLOADED, RK_PUB_ALREADY };

/*
 * Ask and upload one artifact file (pypi: a wheel or sdist; npm: the
 * tarball; cargo: the .crate). *res tells what happened.
 */
int rk_registry_publish_file(struct rk_reg *r, const char *name, const char *version,
			     const char *file, enum rk_pub_result *res, struct rk_err *err);

/*
 * Only ask: *t is what the registry holds for this file's version;
 * theirs (when not NULL) gets the registry's digest for RK_REG_OTHER.
 * sha256 is the file's hex digest.
 */
int rk_registry_check(struct rk_reg *r, const char *name, const char *version, const char *file,
		      const char *sha256, enum rk_reg_truth *t, struct rk_buf *theirs,
		      struct rk_err *err);

/* The per-registry halves (used by rk_registry.c). upload sets *conflict
 * when the registry answered that the version or file already exists. */
int rk_pypi_check(struct rk_reg *r, const char *name, const char *version, const char *file,
		  const char *sha256, enum rk_reg_truth *t, struct rk_buf *theirs,
		  struct rk_err *err);
int rk_pypi_upload(struct rk_reg *r, const char *name, const char *version, const char *file,
		   const char *sha256, bool *conflict, struct rk_err *err);
int rk_npm_check(struct rk_reg *r, const char *name, const char *version, const char *file,
		 const char *sha256, enum rk_reg_truth *t, struct rk_buf *theirs,
		 struct rk_err *err);
int rk_npm_upload(struct rk_reg *r, const char *name, const char *version, const char *file,
		  const char *sha256, bool *conflict, struct rk_err *err);
int rk_cargo_check(struct rk_reg *r, const char *name, const char *version, const char *file,
		   const char *sha256, enum rk_reg_truth *t, struct rk_buf *theirs,
		   struct rk_err *err);
int rk_cargo_upload(struct rk_reg *r, const char *name, const char *version, const char *file,
		    const char *sha256, bool *conflict, struct rk_err *err);

/* Read a file of a cargo index (relpath: "config.json", or an index path)
 * into out: over HTTP for sparse+http(s)://, with libgit2 from HEAD's tree
 * for a git index at a path or file:// URL. *found is false when the file
 * is not there. */
int rk_cargo_index_read(struct rk_reg *r, const char *relpath, struct rk_buf *out, bool *found,
			struct rk_err *err);

/* The cargo index path of a crate name ("3/f/foo", "se/rd/serde"), lower-cased. */
void rk_cargo_index_path(const char *name, struct rk_buf *out);

/*
 * Extract one member of a gzip'ed tarball (npm .tgz, .crate, sdist) into
 * out, in-process (rk_targz_member). Returns 0, or -1 with err set.
 */
int rk_tar_member(const char *tarball, const char *member, struct rk_buf *out, struct rk_err *err);

/* Shared by the per-registry halves. */
/* base + rest with one '/' between them, into out (replacing it). */
void rk_registry_join_url(const char *base, const char *rest, struct rk_buf *out);
/* The part of path after its last '/'. */
const char *rk_registry_base_name(const char *path);
/* "Bearer TOKEN" into out when r has a token; returns out's text or NULL.
 * The caller wipes out (rk_registry_wipe) when done. */
const char *rk_registry_bearer(const struct rk_reg *r, struct rk_buf *out);
/* Zero b's bytes (it held a secret), then release it. */
void rk_registry_wipe(struct rk_buf *b);
/*
 * GET a page of the registry's truth (a packument, a simple page, an index
 * file): *found false for 404, 410 and 451 (absent), true for 200 (resp
 * holds the page, NUL-terminated); any other answer is an error
 * "GET URL: HTTP N: text". auth: the Authorization value, or NULL.
 */
int rk_registry_get(struct rk_reg *r, const char *url, const char *const *headers, const char *auth,
		    struct rk_http_resp *resp, bool *found, struct rk_err *err);
/*
 * Send an upload (req) and read the answer: 0 for 2xx; 0 with *conflict
 * set for 409, or (for status cstatus, or any status when cstatus is 0)
 * when the answer's text holds one of phrases (NULL-terminated); else -1
 * with err "METHOD URL (what): HTTP N: text", adding "(check the upload
 * token)" for 401 and 403. resp keeps the answer for the caller.
 */
int rk_registry_upload(struct rk_reg *r, const struct rk_http_req *req, const char *what,
		       long cstatus, const char *const *phrases, struct rk_http_resp *resp,
		       bool *conflict, struct rk_err *err);

/* A server's answer as one short line for a message: status and the first
 * 200 bytes of text, with the token masked. */
void rk_registry_answer(const struct rk_reg *r, const struct rk_http_resp *resp,
			struct rk_buf *out);

#endif
