/*
 * rk_progress.h - the live view of a release for people: rk-exec's event
 * records turned into a display on a terminal (stderr).
 *
 * Modes:
 *   RK_PROGRESS_LIVE   redrawn in place (cursor up, clear below): a header
 *                      with the counts and the elapsed time, then one line
 *                      per package (by dependency level, when known) with
 *                      its level, its running action, elapsed time,
 *                      retry waits ("retry 2 in 30s: exited 75"), and the
 *                      final state. Failures and retries are also printed
 *                      once above the live area (with the stdout/stderr
 *                      tails of a failure). A thread redraws every 200 ms
 *                      so elapsed times move between events. The run ends
 *                      with the area replaced by the final per-package
 *                      lines and a summary line.
 *   RK_PROGRESS_PLAIN  one line per state change (queued is not shown),
 *                      "[  1.2s] build:python:genkit started", for logs;
 *                      no escape codes at all.
 *   RK_PROGRESS_NONE   nothing.
 * color (LIVE only): SGR colours on the state marks; the caller passes 0
 * when NO_COLOR is set. Without colour LIVE writes only cursor movement
 * (ESC [ n A, ESC [ J) and no SGR sequence.
 *
 * Feeding: rk_progress_action() once per action record (in input order;
 * packages are shown in the order their first action appears), then
 * rk_progress_record() with each event and the summary record (the
 * observe callback of struct rk_sched_opts has this shape). Unknown
 * states, kinds and fields are ignored. rk_progress_finish() stops the
 * redraw thread and writes the final view (also done by _free).
 *
 * Output goes to the file descriptor with write(2); write errors are
 * ignored (a display is not worth failing a release for). Thread-safe
 * between the feeding thread and the redraw thread; feed from one thread.
 */
#ifndef RK_PROGRESS_H
#define RK_PROGRESS_H

#include <stddef.h>

enum rk_progress_mode {
	RK_PROGRESS_NONE,
	RK_PROGRESS_PLAIN,
	RK_PROGRESS_LIVE,
};

struct rk_progress;

/*
 * Parse a --progress / $RK_PROGRESS value: "auto", "live", "plain",
 * "none". auto is LIVE when fd is a terminal and $TERM is not "dumb",
 * else PLAIN. Returns 0, or -1 for an unknown word.
 */
int rk_progress_parse_mode(const char *s, int fd, enum rk_progress_mode *out);

/* A display on fd (not owned). NULL is never returned. */
struct rk_progress *rk_progress_new(int fd, enum rk_progress_mode mode, int color);
/* One action of the run (strings copied; package may be NULL). */
void rk_progress_action(struct rk_progress *p, const char *id, const char *type,
			const char *package);
/* The dependency level of a package (from rk-graph's package records):
 * packages are shown by level, "L1" before their state. Before or after
 * the package's actions; a negative level is ignored. */
void rk_progress_level(struct rk_progress *p, const char *package, int level);
/* One record (JSON text, len bytes, no '\n' needed); ctx is the display. */
void rk_progress_record(void *ctx, const char *rec, size_t len);
/* Stop the redraw thread and draw the final view; idempotent. */
void rk_progress_finish(struct rk_progress *p);
/* Finish and free; NULL is accepted. */
void rk_progress_free(struct rk_progress *p);

#endif
