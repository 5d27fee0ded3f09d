#include "rk_common.h"
#include "rk_progress.h"

#include <pthread.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "rk_json.h"
#include "rk_proc.h"
#include "rk_report.h"
#include "rk_sort.h"
#include "rk_strmap.h"

enum pstate { P_PENDING, P_QUEUED, P_RUNNING, P_WAIT, P_OK, P_CACHED, P_FAILED, P_SKIPPED };

struct pact {
	char *id, *type;
	size_t pkg;
	enum pstate st;
	int attempt;
	long long start_ms, wait_until_ms;
	char *reason;
};

struct ppkg {
	char *name;
	size_t *acts, n, cap;
	int level; /* from a package record; -1 unknown */
};

struct rk_progress {
	int fd, color;
	enum rk_progress_mode mode;
	struct pact *a;
	size_t na, acap;
	struct ppkg *p;
	size_t np, pcap;
	struct rk_strmap ids, pkgs, levels; /* levels: package -> level + 1, before its actions */
	struct rk_json doc;
	long long t0;
	int drawn;				/* lines of the live area on screen */
	int started, finished, stop, thread_on; /* started: an event came */
	struct rk_buf summary;			/* the final line, once the summary record came */
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

int rk_progress_parse_mode(const char *s, int fd, enum rk_progress_mode *out)
{
	const char *term = getenv("TERM");

	if (!strcmp(s, "auto"))
		*out = isatty(fd) && !(term && !strcmp(term, "dumb")) ? RK_PROGRESS_LIVE
								      : RK_PROGRESS_PLAIN;
	else if (!strcmp(s, "live"))
		*out = RK_PROGRESS_LIVE;
	else if (!strcmp(s, "plain"))
		*out = RK_PROGRESS_PLAIN;
	else if (!strcmp(s, "none"))
		*out = RK_PROGRESS_NONE;
	else
		return -1;
	return 0;
}

static void put(struct rk_progress *p, const struct rk_buf *b)
{
	size_t off = 0;

	while (off < b->len) {
		ssize_t n = write(p->fd, b->data + off, b->len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		off += (size_t)n;
	}
}

static void term_size(int fd, int *rows, int *cols)
{
	struct winsize ws;

	*rows = 24;
	*cols = 80;
	if (ioctl(fd, TIOCGWINSZ, &ws) == 0) {
		if (ws.ws_row > 2)
			*rows = ws.ws_row;
		if (ws.ws_col > 10)
			*cols = ws.ws_col;
	}
}

/* Append s cut to at most width columns (UTF-8 code points); then '\n'. */
static void add_cut(struct rk_buf *b, const char *s, size_t n, int width)
{
	int cols = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c & 0xC0) != 0x80 && ++cols > width)
			break;
	}
	rk_buf_add(b, s, i);
	rk_buf_addc(b, '\n');
}

static const char *mark(enum pstate st)
{
	switch (st) {
	case P_OK:
	case P_CACHED:
		return "\xe2\x9c\x93"; /* check mark */
	case P_FAILED:
		return "\xe2\x9c\x97"; /* ballot x */
	case P_WAIT:
		return "\xe2\x86\xbb"; /* clockwise arrow */
	case P_RUNNING:
		return "\xe2\x96\xb8"; /* small triangle */
	case P_SKIPPED:
		return "-";
	default:
		return "\xc2\xb7"; /* middle dot */
	}
}

static const char *sgr(enum pstate st)
{
	switch (st) {
	case P_OK:
	case P_CACHED:
		return "\033[32m";
	case P_FAILED:
		return "\033[31m";
	case P_WAIT:
		return "\033[33m";
	case P_RUNNING:
		return "\033[36m";
	default:
		return "\033[2m";
	}
}

/* The package's overall state and its detail text. */
static enum pstate pkg_line(const struct rk_progress *p, const struct ppkg *k, long long now,
			    struct rk_buf *detail)
{
	size_t done = 0, cached = 0, i;
	int running = 0, waiting = 0, failed = 0, skipped = 0;

	for (i = 0; i < k->n; i++) {
		const struct pact *a = &p->a[k->acts[i]];
		switch (a->st) {
		case P_OK:
			done++;
			break;
		case P_CACHED:
			done++;
			cached++;
			break;
		case P_RUNNING:
			if (running++)
				rk_buf_adds(detail, ", ");
			rk_buf_addf(detail, "%s ", a->type);
			rk_report_secs(detail, now - a->start_ms);
			if (a->attempt > 1)
				rk_buf_addf(detail, " (attempt %d)", a->attempt);
			break;
		case P_FAILED:
			failed++;
			break;
		case P_SKIPPED:
			skipped++;
			break;
		case P_WAIT:
			waiting++;
			break;
		default:
			break;
		}
	}
	for (i = 0; i < k->n && !running; i++) {
		const struct pact *a = &p->a[k->acts[i]];
		if (a->st == P_WAIT) {
			long long left = a->wait_until_ms - now;
			rk_buf_addf(detail, "%s: %s; retry %d in ", a->type,
				    a->reason ? a->reason : "failed", a->attempt + 1);
			rk_report_secs(detail, left);
			break;
		}
		if (a->st == P_FAILED) {
			rk_buf_addf(detail, "%s failed: %s", a->type,
				    a->reason ? a->reason : "failed");
			break;
		}
	}
	if (!detail->len) {
		if (done == k->n)
			rk_buf_adds(detail, "done");
		else if (skipped)
			rk_buf_adds(detail, "skipped");
		else
			rk_buf_adds(detail, "waiting");
		if (cached)
			rk_buf_addf(detail, " (%zu cached)", cached);
	}
	rk_buf_addf(detail, "  [%zu/%zu]", done, k->n);
	if (failed)
		return P_FAILED;
	if (running)
		return P_RUNNING;
	if (waiting)
		return P_WAIT;
	if (done == k->n)
		return P_OK;
	if (skipped)
		return P_SKIPPED;
	return P_PENDING;
}

static void counts(const struct rk_progress *p, size_t c[8])
{
	memset(c, 0, 8 * sizeof(*c));
	for (size_t i = 0; i < p->na; i++)
		c[p->a[i].st]++;
}

/* Clear the live area (cursor to its first line). */
static void clear_area(struct rk_progress *p, struct rk_buf *b)
{
	if (p->drawn > 0)
		rk_buf_addf(b, "\r\033[%dA\033[J", p->drawn);
	p->drawn = 0;
}

static int by_level(const void *ctx, int a, int b)
{
	const struct rk_progress *p = ctx;
	return p->p[a].level - p->p[b].level;
}

/*
 * Package lines into b, by level (then input order); at most max lines
 * (max < 0: all), and when they do not all fit, the active ones first.
 */
static int add_pkg_lines(struct rk_progress *p, struct rk_buf *b, long long now, int width, int max)
{
	struct rk_buf line = RK_BUF_INIT, detail = RK_BUF_INIT;
	size_t namew = 0, i, k, hidden = 0;
	int pass, lines = 0, fits = max < 0 || p->np <= (size_t)max;
	int *order = rk_xcalloc(p->np + 1, sizeof(int)), *tmp = rk_xcalloc(p->np + 1, sizeof(int));

	for (i = 0; i < p->np; i++)
		if (strlen(p->p[i].name) > namew)
			namew = strlen(p->p[i].name);
	if (namew > 40)
		namew = 40;
	for (i = 0; i < p->np; i++)
		order[i] = (int)i;
	rk_sort_idx(order, tmp, (int)p->np, by_level, p);
	/* pass 0: active or failed packages (everything when all fit); pass 1: the rest */
	for (pass = 0; pass < 2 - fits; pass++) {
		for (k = 0; k < p->np; k++) {
			enum pstate st;
			i = (size_t)order[k];
			rk_buf_reset(&detail);
			st = pkg_line(p, &p->p[i], now, &detail);
			if (!fits &&
			    (st == P_RUNNING || st == P_WAIT || st == P_FAILED) != (pass == 0))
				continue;
			if (max >= 0 && lines >= max) {
				hidden++;
				continue;
			}
			rk_buf_reset(&line);
			rk_buf_addf(&line, "  %s %-*s  ", mark(st), (int)namew, p->p[i].name);
			if (p->p[i].level >= 0)
				rk_buf_addf(&line, "L%d  ", p->p[i].level);
			rk_buf_adds(&line, detail.data);
			if (p->color) {
				/* colour the mark only: "  " + mark */
				size_t ml = strlen(mark(st));
				rk_buf_adds(b, "  ");
				rk_buf_adds(b, sgr(st));
				rk_buf_adds(b, mark(st));
				rk_buf_adds(b, "\033[0m");
				add_cut(b, line.data + 2 + ml, line.len - 2 - ml, width - 3);
			} else {
				add_cut(b, line.data, line.len, width - 1);
			}
			lines++;
		}
	}
	if (hidden) {
		rk_buf_addf(b, "  ... and %zu more package%s\n", hidden, hidden == 1 ? "" : "s");
		lines++;
	}
	rk_buf_release(&line);
	rk_buf_release(&detail);
	free(order);
	free(tmp);
	return lines;
}

static void add_header(struct rk_progress *p, struct rk_buf *b, long long now)
{
	size_t c[8];

	counts(p, c);
	rk_buf_addf(b, "Releasing: %zu/%zu actions done", c[P_OK] + c[P_CACHED], p->na);
	if (c[P_CACHED])
		rk_buf_addf(b, " (%zu cached)", c[P_CACHED]);
	if (c[P_RUNNING])
		rk_buf_addf(b, ", %zu running", c[P_RUNNING]);
	if (c[P_WAIT])
		rk_buf_addf(b, ", %zu waiting to retry", c[P_WAIT]);
	if (c[P_FAILED])
		rk_buf_addf(b, ", %zu failed", c[P_FAILED]);
	if (c[P_SKIPPED])
		rk_buf_addf(b, ", %zu skipped", c[P_SKIPPED]);
	rk_buf_adds(b, "  ");
	rk_report_secs(b, now - p->t0);
	rk_buf_addc(b, '\n');
}

/* Redraw the live area, with `above` (complete lines) printed before it. */
static void redraw(struct rk_progress *p, const struct rk_buf *above)
{
	struct rk_buf b = RK_BUF_INIT, h = RK_BUF_INIT;
	long long now = rk_now_ms();
	int rows, cols;

	if (p->mode != RK_PROGRESS_LIVE || p->finished || !p->started)
		return;
	term_size(p->fd, &rows, &cols);
	rk_buf_adds(&b, "\033[?25l");
	clear_area(p, &b);
	if (above && above->len)
		rk_buf_add(&b, above->data, above->len);
	add_header(p, &h, now);
	add_cut(&b, h.data, h.len - 1, cols - 1);
	p->drawn = 1 + add_pkg_lines(p, &b, now, cols, rows - 3);
	put(p, &b);
	rk_buf_release(&b);
	rk_buf_release(&h);
}

static void *ticker(void *arg)
{
	struct rk_progress *p = arg;

	pthread_mutex_lock(&p->mu);
	while (!p->stop) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 200 * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&p->cv, &p->mu, &ts);
		if (!p->stop)
			redraw(p, NULL);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

struct rk_progress *rk_progress_new(int fd, enum rk_progress_mode mode, int color)
{
	struct rk_progress *p = rk_xcalloc(1, sizeof(*p));

	p->fd = fd;
	p->mode = mode;
	p->color = color && mode == RK_PROGRESS_LIVE;
	p->t0 = rk_now_ms();
	rk_json_init(&p->doc);
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	if (mode == RK_PROGRESS_LIVE) {
		sigset_t all, old;
		sigfillset(&all);
		pthread_sigmask(SIG_SETMASK, &all, &old);
		p->thread_on = pthread_create(&p->thread, NULL, ticker, p) == 0;
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	}
	return p;
}

void rk_progress_action(struct rk_progress *p, const char *id, const char *type,
			const char *package)
{
	const char *pk = package && *package ? package : "(release)";
	bool added;
	size_t k, i;

	pthread_mutex_lock(&p->mu);
	k = rk_strmap_add(&p->pkgs, pk, strlen(pk), p->np, &added);
	if (added) {
		size_t lv;
		RK_GROW(p->p, p->pcap, p->np + 1);
		memset(&p->p[p->np], 0, sizeof(p->p[0]));
		p->p[p->np].level =
			rk_strmap_get(&p->levels, pk, strlen(pk), &lv) ? (int)lv - 1 : -1;
		p->p[p->np++].name = rk_xstrdup(pk);
	}
	i = p->na;
	RK_GROW(p->a, p->acap, p->na + 1);
	memset(&p->a[i], 0, sizeof(p->a[0]));
	p->a[i].id = rk_xstrdup(id);
	p->a[i].type = rk_xstrdup(type ? type : "action");
	p->a[i].pkg = k;
	p->na++;
	rk_strmap_put(&p->ids, id, strlen(id), i);
	RK_GROW(p->p[k].acts, p->p[k].cap, p->p[k].n + 1);
	p->p[k].acts[p->p[k].n++] = i;
	pthread_mutex_unlock(&p->mu);
}

void rk_progress_level(struct rk_progress *p, const char *package, int level)
{
	size_t k;

	if (!package || level < 0)
		return;
	pthread_mutex_lock(&p->mu);
	if (rk_strmap_get(&p->pkgs, package, strlen(package), &k))
		p->p[k].level = level;
	else
		rk_strmap_put(&p->levels, package, strlen(package), (size_t)level + 1);
	pthread_mutex_unlock(&p->mu);
}

/* "    stderr | line" for each line of a tail. */
static void add_tail(struct rk_buf *b, const char *label, const char *t)
{
	while (t && *t) {
		size_t n = strcspn(t, "\n");
		rk_buf_addf(b, "    %s | %.*s\n", label, (int)n, t);
		t += n;
		if (*t)
			t++;
	}
}

static void plain_prefix(struct rk_progress *p, struct rk_buf *b)
{
	long long ms = rk_now_ms() - p->t0;
	rk_buf_addf(b, "[%4lld.%llds] ", ms / 1000, ms % 1000 / 100);
}

static void on_summary(struct rk_progress *p)
{
	const struct rk_json *d = &p->doc;
	long long v;
	static const char *const keys[] = {"succeeded", "cached", "failed", "skipped", "retries"};

	rk_buf_reset(&p->summary);
	rk_buf_adds(&p->summary, "Finished:");
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		v = 0;
		rk_json_int(d, rk_json_get(d, 0, keys[i]), &v);
		rk_buf_addf(&p->summary, "%s %lld %s", i ? "," : "", v, keys[i]);
	}
	if (rk_json_int(d, rk_json_get(d, 0, "duration_ms"), &v) == 0) {
		rk_buf_adds(&p->summary, " in ");
		rk_report_secs(&p->summary, v);
	}
	if (rk_json_get_str(d, 0, "interrupted"))
		rk_buf_addf(&p->summary, " (interrupted by %s)",
			    rk_json_get_str(d, 0, "interrupted"));
	rk_buf_addc(&p->summary, '\n');
}

void rk_progress_record(void *ctx, const char *rec, size_t len)
{
	struct rk_progress *p = ctx;
	const struct rk_json *d = &p->doc;
	struct rk_buf above = RK_BUF_INIT;
	const char *kind, *id, *state, *reason;
	struct rk_err err;
	struct pact *a;
	size_t i;
	long long v;

	if (p->mode == RK_PROGRESS_NONE)
		return;
	pthread_mutex_lock(&p->mu);
	if (rk_json_parse(&p->doc, rec, len, "<event>", 1, &err) != 0)
		goto out;
	kind = rk_json_get_str(d, 0, "kind");
	if (kind && !strcmp(kind, "summary")) {
		on_summary(p);
		goto out;
	}
	if (!kind || strcmp(kind, "event"))
		goto out;
	id = rk_json_get_str(d, 0, "action");
	state = rk_json_get_str(d, 0, "state");
	if (!id || !state || !rk_strmap_get(&p->ids, id, strlen(id), &i))
		goto out;
	p->started = 1;
	a = &p->a[i];
	reason = rk_json_get_str(d, 0, "reason");
	if (rk_json_int(d, rk_json_get(d, 0, "attempt"), &v) == 0 && v > 0 && v < 1000000)
		a->attempt = (int)v;
	free(a->reason);
	a->reason = reason ? rk_xstrdup(reason) : NULL;
	{
		/* Why, in words: the executor's note ("429 from the registry"), else for
		 * a retry the last line of stderr; "exited 1" alone says little. */
		const char *why = rk_json_get_str(d, 0, "note"), *t = NULL;
		size_t n = 0, b = 0;
		if (!why && !strcmp(state, "retrying")) {
			t = rk_json_get_str(d, 0, "stderr_tail");
			n = t ? strlen(t) : 0;
			while (n && t[n - 1] == '\n')
				n--;
			for (b = n; b && t[b - 1] != '\n'; b--)
				;
		}
		if (why || n > b) {
			struct rk_buf m = RK_BUF_INIT;
			if (why)
				rk_buf_adds(&m, why);
			else
				rk_buf_add(&m, t + b, n - b);
			if (reason)
				rk_buf_addf(&m, " (%s)", reason);
			free(a->reason);
			a->reason = rk_buf_detach(&m, NULL);
			reason = a->reason;
		}
	}
	if (!strcmp(state, "queued"))
		a->st = P_QUEUED;
	else if (!strcmp(state, "started")) {
		a->st = P_RUNNING;
		a->start_ms = rk_now_ms();
	} else if (!strcmp(state, "succeeded"))
		a->st = P_OK;
	else if (!strcmp(state, "cached"))
		a->st = P_CACHED;
	else if (!strcmp(state, "skipped"))
		a->st = P_SKIPPED;
	else if (!strcmp(state, "failed"))
		a->st = P_FAILED;
	else if (!strcmp(state, "retrying")) {
		a->st = P_WAIT;
		v = 0;
		rk_json_int(d, rk_json_get(d, 0, "retry_in_ms"), &v);
		a->wait_until_ms = rk_now_ms() + v;
	} else
		goto out;

	if (p->mode == RK_PROGRESS_PLAIN) {
		if (a->st == P_QUEUED)
			goto out;
		plain_prefix(p, &above);
		rk_buf_addf(&above, "%s %s", id, state);
		if (a->st == P_RUNNING && a->attempt > 1)
			rk_buf_addf(&above, " (attempt %d)", a->attempt);
		if (rk_json_int(d, rk_json_get(d, 0, "duration_ms"), &v) == 0) {
			rk_buf_adds(&above, " in ");
			rk_report_secs(&above, v);
		}
		if (reason)
			rk_buf_addf(&above, ": %s", reason);
		if (a->st == P_WAIT && rk_json_int(d, rk_json_get(d, 0, "retry_in_ms"), &v) == 0) {
			rk_buf_adds(&above, "; retry in ");
			rk_report_secs(&above, v);
		}
		rk_buf_addc(&above, '\n');
		if (a->st == P_FAILED) {
			add_tail(&above, "stdout", rk_json_get_str(d, 0, "stdout_tail"));
			add_tail(&above, "stderr", rk_json_get_str(d, 0, "stderr_tail"));
		}
		put(p, &above);
		goto out;
	}
	if (a->st == P_FAILED) {
		rk_buf_addf(&above, "%serror%s: %s failed: %s\n", p->color ? "\033[31;1m" : "",
			    p->color ? "\033[0m" : "", id, reason ? reason : "failed");
		add_tail(&above, "stdout", rk_json_get_str(d, 0, "stdout_tail"));
		add_tail(&above, "stderr", rk_json_get_str(d, 0, "stderr_tail"));
	} else if (a->st == P_WAIT) {
		rk_buf_addf(&above, "%sretry%s: %s attempt %d: %s; waiting ",
			    p->color ? "\033[33;1m" : "", p->color ? "\033[0m" : "", id, a->attempt,
			    reason ? reason : "failed");
		rk_report_secs(&above, a->wait_until_ms - rk_now_ms());
		rk_buf_addc(&above, '\n');
	}
	redraw(p, &above);
out:
	pthread_mutex_unlock(&p->mu);
	rk_buf_release(&above);
}

void rk_progress_finish(struct rk_progress *p)
{
	struct rk_buf b = RK_BUF_INIT;
	int rows, cols;

	if (!p || p->finished)
		return;
	if (p->thread_on) {
		pthread_mutex_lock(&p->mu);
		p->stop = 1;
		pthread_cond_signal(&p->cv);
		pthread_mutex_unlock(&p->mu);
		pthread_join(p->thread, NULL);
		p->thread_on = 0;
	}
	if (p->mode == RK_PROGRESS_LIVE && p->started) {
		term_size(p->fd, &rows, &cols);
		clear_area(p, &b);
		add_pkg_lines(p, &b, rk_now_ms(), cols, -1);
		if (p->summary.len)
			rk_buf_add(&b, p->summary.data, p->summary.len);
		rk_buf_adds(&b, "\033[?25h");
		put(p, &b);
	} else if (p->mode == RK_PROGRESS_PLAIN && p->summary.len) {
		plain_prefix(p, &b);
		rk_buf_add(&b, p->summary.data, p->summary.len);
		put(p, &b);
	}
	p->finished = 1;
	rk_buf_release(&b);
}

void rk_progress_free(struct rk_progress *p)
{
	size_t i;

	if (!p)
		return;
	rk_progress_finish(p);
	for (i = 0; i < p->na; i++) {
		free(p->a[i].id);
		free(p->a[i].type);
		free(p->a[i].reason);
	}
	for (i = 0; i < p->np; i++) {
		free(p->p[i].name);
		free(p->p[i].acts);
	}
	free(p->a);
	free(p->p);
	rk_strmap_release(&p->ids);
	rk_strmap_release(&p->pkgs);
	rk_strmap_release(&p->levels);
	rk_json_release(&p->doc);
	rk_buf_release(&p->summary);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	free(p);
}
