/*
 * rk_poll.h - is a released version installable yet? Poll the path an
 * installer takes, check the listed digest against the built artifact,
 * and verify what the registry serves.
 *
 * What is polled (../shared/design.md section 8, issue 14):
 *   python  the project's simple index page <pypi>/<normalized name>/,
 *           asking for PEP 691 JSON (Accept: application/vnd.pypi.simple.v1+json)
 *           and reading the PEP 503 HTML page when that is what comes back;
 *           every built file (wheel, sdist) must be listed with its sha256.
 *   npm     the packument <npm>/<name> (scoped names as @scope%2fname) with
 *           the installer's Accept: application/vnd.npm.install-v1+json; the
 *           version must be listed with the built tarball's integrity
 *           (sha512) and the channel's dist-tag must name it.
 *   cargo   the crate's index file (<prefix>/<name>, cargo's layout) in a
 *           sparse index (sparse+http://..., http://...) or in a git index
 *           (a path or file:// URL: the file at the index's HEAD, through
 *           libgit2); the version's line must be there with the .crate's
 *           sha256 as cksum.
 * Requests defeat caches (Cache-Control: no-cache, Pragma: no-cache and a
 * query parameter unique to the attempt).
 *
 * Built artifacts are found in target->dist_dir (by the build executor's
 * convention <root>/.releasekit/dist/<ecosystem>/<name>-<version>/): *.whl,
 * *.tar.gz, *.zip (python), *.tgz (npm), *.crate (cargo). When dist_dir is
 * NULL or does not exist the version alone is checked (the result says
 * digest_checked = false): that is rk-poll after another tool's publish.
 *
 * Waiting: attempts are spaced by exponential backoff with full jitter (a
 * uniform delay in [0, min(max_delay, initial * 2^(n-1))]); a 429's
 * Retry-After is waited as given (capped by max_retry_after); the last sleep is
 * cut to the deadline, and one attempt is made at the deadline.
 *
 * Errors: functions return 0 with the outcome in the result (available,
 * missing, mismatch, timeout, error: an HTTP or registry failure that
 * waiting will not cure), or -1 with err set for a caller's mistake: no
 * registry configured for the ecosystem, an unknown ecosystem, a dist_dir
 * that cannot be read or holds no artifact. Nothing here prints or exits.
 */
#ifndef RK_POLL_H
#define RK_POLL_H

#include <stdbool.h>
#include <stddef.h>

#include "rk_msg.h"

struct rk_poll_opts {
	const char *pypi;	  /* simple index base URL (.../simple) */
	const char *npm;	  /* npm registry base URL */
	const char *cargo;	  /* sparse index URL, or git index path / file:// URL */
	double initial_s;	  /* first backoff ceiling (default 1) */
	double max_delay_s;	  /* backoff cap (default 30) */
	double max_retry_after_s; /* Retry-After cap (default 300) */
	double deadline_s;	  /* give up after this long (default 600) */
	long request_timeout_ms;  /* per request (default 30000) */
	unsigned int seed;	  /* jitter seed; 0: from the clock and pid */
};

#define RK_POLL_OPTS_INIT                                                                          \
	{                                                                                          \
		NULL, NULL, NULL, 1.0, 30.0, 300.0, 600.0, 30000L, 0                               \
	}

struct rk_poll_target {
	const char *ecosystem; /* python, npm, cargo */
	const char *name;
	const char *version;
	const char *channel;  /* npm dist-tag that must name version: NULL "latest", "" none */
	const char *dist_dir; /* built artifacts, or NULL */
};

enum rk_poll_state {
	RK_POLL_AVAILABLE,
	RK_POLL_MISSING,  /* not (all) listed yet: waiting may help */
	RK_POLL_MISMATCH, /* listed with other bytes: final */
	RK_POLL_TIMEOUT,  /* the deadline passed (rk_poll_wait) */
	RK_POLL_ERROR,	  /* an HTTP or registry failure */
};

/* "available", "missing", "mismatch", "timeout", "error". */
const char *rk_poll_state_name(enum rk_poll_state s);

struct rk_poll_file {
	char *file;	/* the artifact's file name */
	char *sha256;	/* sha256 hex of the built file, or NULL (no artifact) */
	char *expected; /* its digest as the registry lists it (sha256 hex or sha512-...) */
	char *listed;	/* what the registry lists, NULL when not listed */
	char *url;	/* where the registry serves it (credentials removed) */
	char *served;	/* verify: sha256 of what was downloaded */
	char *src;	/* the download URL as listed (may hold credentials: never shown) */
};

struct rk_poll_result {
	enum rk_poll_state state;
	char *url;	     /* the polled URL or index file (credentials removed) */
	char reason[768];    /* why not available ("" when it is) */
	bool digest_checked; /* listed digests compared with built artifacts */
	bool transient;	     /* the failure may pass: a retry makes sense */
	double retry_after;  /* the registry's Retry-After, -1 when none */
	long http_status;    /* last status, 0 when none */
	int attempts;
	long long elapsed_ms;
	struct rk_poll_file *files;
	size_t nfiles;
};

void rk_poll_result_release(struct rk_poll_result *r);

/* One attempt: called by rk_poll_wait after each, before sleeping. */
struct rk_poll_attempt {
	int attempt;
	long long elapsed_ms;  /* since the wait began, at the attempt's end */
	long long duration_ms; /* the attempt itself */
	long long retry_in_ms; /* the sleep before the next one; -1 when last */
	const struct rk_poll_result *res;
};

typedef void (*rk_poll_attempt_fn)(void *ctx, const struct rk_poll_attempt *a);

/*
 * The attempt's fields of an event record (attempt, duration_ms,
 * elapsed_ms, retry_in_ms when another follows, reason when there is one),
 * appended to the open object of w: rk-poll's events and the poll action's.
 */
struct rk_jw;
void rk_poll_attempt_json(struct rk_jw *w, const struct rk_poll_attempt *a);

/* One check, now. */
int rk_poll_once(const struct rk_poll_opts *o, const struct rk_poll_target *t,
		 struct rk_poll_result *res, struct rk_err *err);

/* Check until available, a final answer (mismatch, error that is not
 * transient) or the deadline (state timeout; reason says how long, how
 * many attempts and the last answer). fn may be NULL. */
int rk_poll_wait(const struct rk_poll_opts *o, const struct rk_poll_target *t,
		 rk_poll_attempt_fn fn, void *ctx, struct rk_poll_result *res, struct rk_err *err);

/*
 * Verify: one check, then download every listed file and compare its
 * SHA-256 with the built artifact's (or, with no artifact, with the digest
 * the registry lists). A difference is state mismatch with a reason naming
 * both digests; a file that cannot be downloaded is error.
 */
int rk_poll_verify(const struct rk_poll_opts *o, const struct rk_poll_target *t,
		   struct rk_poll_result *res, struct rk_err *err);

/* PEP 503 normalised name (lowercase, runs of -_. as '-'); malloc'd. */
char *rk_poll_pep503(const char *name);

/* cargo's index path of a crate ("1/a", "3/f/foo", "se/rd/serde"); malloc'd. */
char *rk_poll_cargo_path(const char *name);

/* ---- the registry protocols, for the backends (rk_backend.h) ----
 * Each fills res for t from the registry in o that the target's backend
 * names (poll_opt): the PEP 691/503 simple page (pypi), the install-v1
 * packument and dist-tags (npm), the sparse or git index (cargo). */
void rk_poll_check_pypi(const struct rk_poll_opts *o, const struct rk_poll_target *t,
			struct rk_poll_result *res);
void rk_poll_check_npm(const struct rk_poll_opts *o, const struct rk_poll_target *t,
		       struct rk_poll_result *res);
void rk_poll_check_cargo(const struct rk_poll_opts *o, const struct rk_poll_target *t,
			 struct rk_poll_result *res);
/* The .crate's download URL from the index's config.json (malloc'd), or
 * NULL with res's state set. */
char *rk_poll_cargo_download_url(const struct rk_poll_opts *o, const struct rk_poll_target *t,
				 struct rk_poll_result *res);

/* The member of o that holds the registry of ecosystem's backend
 * (rk_backend.h poll_opt), or NULL for an unknown ecosystem. */
const char **rk_poll_registry(struct rk_poll_opts *o, const char *ecosystem);

#endif
