/*
 * rk_report.h - a release as people and CI see it: the model rk-report
 * builds from a stream of records, and its renderings.
 *
 * INPUT. Any stream of records (releasekit-records(5)), fed one at a time
 * with rk_report_add(): package records (name, ecosystem, version, deps,
 * manifest, level), release records (current, next, bump, tag), action
 * records (type, package, deps), event records (rk-exec's state changes:
 * attempts, durations, retries and waits, cache hits, skips, failures with
 * the tails of stdout and stderr, an executor's "note") and the summary.
 * Other kinds, and fields this module does not know, are ignored; the
 * renderings never depend on record order beyond events being in time
 * order per action. A stream without events (a plan) is reported as what
 * would be released.
 *
 * DERIVED. After rk_report_finish(): per package a status
 *   released  it has a release record and every action of it succeeded or
 *             was cached (and it had at least one action);
 *   failed    an action of it failed;
 *   blocked   none failed but some were skipped (a dependency failed, or
 *             the run was interrupted);
 *   running   some actions have not reached a final state (a stream cut
 *             short, e.g. read while rk-exec runs);
 *   planned   a release record and no events;
 * and per action its attempts as time segments (queued, running, waiting
 * for a retry, cached, skipped) relative to the first event's time.
 * A failure's location (for CI annotations) is the first "PATH:LINE"
 * (optionally " --> PATH:LINE:COL", rustc style) in its stderr or stdout
 * tail whose PATH is relative, else the package's manifest (no line).
 *
 * OUTPUT. Each rk_report_<format>() appends to an rk_buf; none writes a
 * file or stdout. Output depends only on the records (no clock, no
 * environment), so the same stream gives the same bytes.
 *
 * ERRORS. rk_report_add() returns -1 with err for a record without a field
 * the report needs, in the validator's words (rk_record_need:
 * "SOURCE:LINE:COL: time: missing (required)"): an event's "action",
 * "state" and "time", an action's "id", a package or release record's
 * "name"; and (source:line) for an event "time" that is not RFC 3339 UTC
 * with milliseconds.
 */
#ifndef RK_REPORT_H
#define RK_REPORT_H

#include <stddef.h>

#include "rk_buf.h"
#include "rk_json.h"
#include "rk_msg.h"
#include "rk_strmap.h"

enum rk_rseg_kind { RK_SEG_QUEUED, RK_SEG_RUN, RK_SEG_WAIT, RK_SEG_CACHED, RK_SEG_SKIPPED };
enum rk_rout { RK_OUT_NONE, RK_OUT_OK, RK_OUT_FAILED, RK_OUT_RETRY };

struct rk_rseg {
	enum rk_rseg_kind kind;
	long long start, end; /* ms since the report's t0 */
	enum rk_rout out;     /* RUN: how the attempt ended */
	int attempt;
};

enum rk_rstate {
	RK_RS_PENDING, /* seen, no final state */
	RK_RS_SUCCEEDED,
	RK_RS_CACHED,
	RK_RS_FAILED,
	RK_RS_SKIPPED,
};

struct rk_raction {
	char *id, *type, *package, *ecosystem; /* owned; package/ecosystem may be NULL */
	char **deps;			       /* from an action record; owned */
	size_t ndeps;
	enum rk_rstate state;
	int attempts, retries, exit_code, has_exit;
	long long duration_ms;						      /* sum of attempts */
	char *reason, *note, *cause, *stdout_tail, *stderr_tail, *retry_tail; /* owned or NULL */
	long long last_ms;    /* time of the last event (ms since t0) */
	long long pending_ms; /* start of the open segment, -1: none */
	enum rk_rseg_kind pending_kind;
	int pending_attempt;
	struct rk_rseg *seg;
	size_t nseg, segcap;
	size_t pkg; /* index in pkgs, or (size_t)-1 */
};

struct rk_rpkg {
	char *name, *ecosystem;			      /* owned */
	char *version, *next, *bump, *tag, *manifest; /* owned or NULL */
	char **deps;				      /* internal dependency names; owned */
	size_t ndeps;
	int level; /* -1 unknown (computed by finish) */
	int has_release, has_package;
	const char
		*status; /* after finish: released, failed, blocked, running, planned, unchanged */
	size_t nact, nok, ncached, nfailed, nskipped, nretries;
	long long start, end; /* span of its events, ms since t0; start < 0: none */
};

struct rk_report {
	struct rk_raction *act;
	size_t nact, actcap;
	struct rk_rpkg *pkg;
	size_t npkg, pkgcap;
	struct rk_strmap actmap, pkgmap; /* id -> index; "eco\0name" and "name" -> index+1 */
	long long t0;			 /* epoch ms of the first event, -1 none */
	long long end;			 /* ms since t0 of the last event */
	int nevents;
	int has_summary, exit_code;
	long long sum_duration_ms;
	char *interrupted;
	/* after finish */
	size_t released, failed, blocked, planned;
	size_t n_ok, n_cached, n_failed, n_skipped, n_retries;
};

void rk_report_init(struct rk_report *r);
void rk_report_release(struct rk_report *r);
/* Take one record (the current one of nd). 0, or -1 with err filled. */
int rk_report_add(struct rk_report *r, const struct rk_ndjson *nd, struct rk_err *err);
/* Compute statuses, levels and counts; call once, after the last record. */
void rk_report_finish(struct rk_report *r);

/* Overall status word: released, partial, failed, nothing, planned, running. */
const char *rk_report_status(const struct rk_report *r);

/* A failure's location: *file (borrowed from r or the tail copy in out) and
 * *line (0: none). Returns 0 when a file is known. */
int rk_report_location(const struct rk_report *r, const struct rk_raction *a, struct rk_buf *file,
		       long *line);

/* ---- renderings (rk_report_text.c, rk_report_json.c, rk_report_html.c) ---- */

void rk_report_text(const struct rk_report *r, int color, struct rk_buf *out);
void rk_report_markdown(const struct rk_report *r, struct rk_buf *out);
/* One {"kind":"report",...} record and '\n' (share/schemas/report.schema.json). */
void rk_report_json(const struct rk_report *r, struct rk_buf *out);
void rk_report_junit(const struct rk_report *r, struct rk_buf *out);
void rk_report_html(const struct rk_report *r, struct rk_buf *out);

/* CI: GITHUB_OUTPUT lines (key=value), GitLab dotenv lines (same values,
 * keys made of [A-Za-z0-9_]), and GitHub ::error annotations. */
void rk_report_github_output(const struct rk_report *r, struct rk_buf *out);
void rk_report_dotenv(const struct rk_report *r, struct rk_buf *out);
void rk_report_annotations(const struct rk_report *r, struct rk_buf *out);

/* Helpers shared by the renderings. */
void rk_report_secs(struct rk_buf *b, long long ms); /* "1.5s", "2m03s" */
/* A package's action counts: "3 done (1 cached), 1 retried, 1 failed, 2 skipped". */
void rk_report_counts(struct rk_buf *b, const struct rk_rpkg *p);
/* Released packages' JSON array [{name, ecosystem, version, tag}]. */
void rk_report_releases_json(const struct rk_report *r, struct rk_buf *out);

#endif
