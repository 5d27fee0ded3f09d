#include "rk_common.h"
#include "rk_report.h"
#include "rk_record.h"

#include <ctype.h>

void rk_report_init(struct rk_report *r)
{
	memset(r, 0, sizeof(*r));
	r->t0 = -1;
	r->exit_code = -1;
}

static void free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void rk_report_release(struct rk_report *r)
{
	size_t i;

	for (i = 0; i < r->nact; i++) {
		struct rk_raction *a = &r->act[i];
		free(a->id);
		free(a->type);
		free(a->package);
		free(a->ecosystem);
		free_strv(a->deps, a->ndeps);
		free(a->reason);
		free(a->note);
		free(a->cause);
		free(a->stdout_tail);
		free(a->stderr_tail);
		free(a->retry_tail);
		free(a->seg);
	}
	for (i = 0; i < r->npkg; i++) {
		struct rk_rpkg *p = &r->pkg[i];
		free(p->name);
		free(p->ecosystem);
		free(p->version);
		free(p->next);
		free(p->bump);
		free(p->tag);
		free(p->manifest);
		free_strv(p->deps, p->ndeps);
	}
	free(r->act);
	free(r->pkg);
	free(r->interrupted);
	rk_strmap_release(&r->actmap);
	rk_strmap_release(&r->pkgmap);
	rk_report_init(r);
}

static void set_str(char **dst, const char *s)
{
	if (!s)
		return;
	free(*dst);
	*dst = rk_xstrdup(s);
}

static int is_eco(const char *s, size_t n)
{
	return (n == 6 && !memcmp(s, "python", 6)) || (n == 3 && !memcmp(s, "npm", 3)) ||
	       (n == 5 && !memcmp(s, "cargo", 5));
}

/* The package index for (ecosystem, name); created when absent. eco may be NULL. */
static size_t pkg_get(struct rk_report *r, const char *eco, const char *name)
{
	struct rk_buf k = RK_BUF_INIT;
	size_t v;

	if (eco) {
		rk_buf_addf(&k, "%s", eco);
		rk_buf_addc(&k, '\0');
		rk_buf_adds(&k, name);
		if (rk_strmap_get(&r->pkgmap, k.data, k.len, &v)) {
			rk_buf_release(&k);
			return v - 1;
		}
	}
	/* a bare name matches a package of any ecosystem; an unknown ecosystem adopts it */
	if (rk_strmap_get(&r->pkgmap, name, strlen(name), &v) &&
	    (!eco || !r->pkg[v - 1].ecosystem[0])) {
		if (eco && !r->pkg[v - 1].ecosystem[0]) {
			set_str(&r->pkg[v - 1].ecosystem, eco);
			rk_strmap_put(&r->pkgmap, k.data, k.len, v);
		}
		rk_buf_release(&k);
		return v - 1;
	}
	RK_GROW(r->pkg, r->pkgcap, r->npkg + 1);
	memset(&r->pkg[r->npkg], 0, sizeof(r->pkg[0]));
	r->pkg[r->npkg].name = rk_xstrdup(name);
	r->pkg[r->npkg].ecosystem = rk_xstrdup(eco ? eco : "");
	r->pkg[r->npkg].level = -1;
	r->pkg[r->npkg].start = -1;
	r->npkg++;
	if (eco)
		rk_strmap_put(&r->pkgmap, k.data, k.len, r->npkg);
	if (!rk_strmap_get(&r->pkgmap, name, strlen(name), &v))
		rk_strmap_put(&r->pkgmap, name, strlen(name), r->npkg);
	rk_buf_release(&k);
	return r->npkg - 1;
}

static char **str_array(const struct rk_json *d, int arr, const char *field, size_t *n)
{
	char **v = NULL;
	size_t cap = 0;
	int e;

	*n = 0;
	for (e = rk_json_first(d, arr); e >= 0; e = rk_json_next(d, e)) {
		const char *s = field ? rk_json_get_str(d, e, field) : rk_json_str(d, e);
		if (!s)
			continue;
		RK_GROW(v, cap, *n + 1);
		v[(*n)++] = rk_xstrdup(s);
	}
	return v;
}

static struct rk_raction *act_get(struct rk_report *r, const char *id)
{
	size_t v;
	struct rk_raction *a;

	if (rk_strmap_get(&r->actmap, id, strlen(id), &v))
		return &r->act[v];
	RK_GROW(r->act, r->actcap, r->nact + 1);
	a = &r->act[r->nact];
	memset(a, 0, sizeof(*a));
	a->id = rk_xstrdup(id);
	a->pkg = (size_t)-1;
	a->pending_ms = -1;
	rk_strmap_put(&r->actmap, id, strlen(id), r->nact);
	r->nact++;
	return a;
}

/* Type, package and ecosystem of an action (from its record or an event). */
static void act_identify(struct rk_report *r, struct rk_raction *a, const char *type,
			 const char *package, const char *eco)
{
	set_str(&a->type, type);
	set_str(&a->package, package);
	if (eco)
		set_str(&a->ecosystem, eco);
	if (!a->ecosystem) {
		/* "<type>:<ecosystem>:<name>" by convention */
		const char *c1 = strchr(a->id, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (c2 && is_eco(c1 + 1, (size_t)(c2 - c1 - 1)))
			a->ecosystem = rk_xstrndup(c1 + 1, (size_t)(c2 - c1 - 1));
	}
	if (!a->type) {
		const char *c = strchr(a->id, ':');
		a->type = c ? rk_xstrndup(a->id, (size_t)(c - a->id)) : rk_xstrdup("action");
	}
	if (a->package && a->pkg == (size_t)-1) {
		/* "<type>:<ecosystem>:<name>@<path>": a package sharing its name (pnpm) */
		const char *c1 = strchr(a->id, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		size_t n = strlen(a->package);

		if (c2 && !strncmp(c2 + 1, a->package, n) && c2[1 + n] == '@' && c2[2 + n])
			a->pkg = pkg_get(r, a->ecosystem, c2 + 1);
		else
			a->pkg = pkg_get(r, a->ecosystem, a->package);
	}
}

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static long long days_from_civil(long long y, unsigned m, unsigned d)
{
	long long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

/* "YYYY-MM-DDTHH:MM:SS.mmmZ" -> epoch ms; -1 when malformed. */
static long long parse_time(const char *s)
{
	int y, mo, d, h, mi, se, ms;
	char z;

	if (!s || strlen(s) != 24 ||
	    sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d.%3d%c", &y, &mo, &d, &h, &mi, &se, &ms, &z) != 8 ||
	    z != 'Z' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
		return -1;
	return ((days_from_civil(y, (unsigned)mo, (unsigned)d) * 24 + h) * 60 + mi) * 60000LL +
	       se * 1000LL + ms;
}

static void add_seg(struct rk_raction *a, enum rk_rseg_kind k, long long s, long long e,
		    enum rk_rout out, int attempt)
{
	RK_GROW(a->seg, a->segcap, a->nseg + 1);
	a->seg[a->nseg].kind = k;
	a->seg[a->nseg].start = s;
	a->seg[a->nseg].end = e < s ? s : e;
	a->seg[a->nseg].out = out;
	a->seg[a->nseg].attempt = attempt;
	a->nseg++;
}

/* Close the open queued/waiting segment at time t. */
static void close_pending(struct rk_raction *a, long long t)
{
	if (a->pending_ms >= 0 && a->pending_kind != RK_SEG_RUN)
		add_seg(a, a->pending_kind, a->pending_ms, t, RK_OUT_NONE, 0);
	if (a->pending_kind != RK_SEG_RUN)
		a->pending_ms = -1;
}

/* What rk-report needs of the records it reads (rk_record_need). */
static const char *const event_needs[] = {"action", "state", "time", NULL};
static const char *const action_needs[] = {"id", NULL};
static const char *const package_needs[] = {"name", NULL}; /* package and release */

static int add_event(struct rk_report *r, const struct rk_ndjson *nd, struct rk_err *err)
{
	const struct rk_json *d = &nd->doc;
	const char *id = rk_json_get_str(d, 0, "action");
	const char *st = rk_json_get_str(d, 0, "state");
	const char *tm = rk_json_get_str(d, 0, "time");
	long long t, v, dur = -1;
	int attempt = 0;
	struct rk_raction *a;

	if (rk_record_need(d, nd->source, nd->line, event_needs, err))
		return -1;
	if (!id || !st)
		return rk_err_set(err, nd->source, nd->line, 0, "event has no string \"%s\"",
				  id ? "state" : "action");
	t = parse_time(tm);
	if (t < 0)
		return rk_err_set(err, nd->source, nd->line, 0,
				  "event \"time\" is not RFC 3339 UTC with milliseconds: '%s'",
				  tm ? tm : "(absent)");
	if (r->t0 < 0)
		r->t0 = t;
	t -= r->t0;
	if (t < 0)
		t = 0;
	if (t > r->end)
		r->end = t;
	r->nevents++;
	a = act_get(r, id);
	act_identify(r, a, rk_json_get_str(d, 0, "type"), rk_json_get_str(d, 0, "package"),
		     rk_json_get_str(d, 0, "ecosystem"));
	a->last_ms = t;
	if (rk_json_int(d, rk_json_get(d, 0, "attempt"), &v) == 0 && v > 0 && v < 1000000)
		attempt = (int)v;
	if (rk_json_int(d, rk_json_get(d, 0, "duration_ms"), &v) == 0 && v >= 0)
		dur = v;
	if (attempt > a->attempts)
		a->attempts = attempt;
	set_str(&a->note, rk_json_get_str(d, 0, "note"));

	if (!strcmp(st, "queued")) {
		close_pending(a, t);
		a->pending_ms = t;
		a->pending_kind = RK_SEG_QUEUED;
	} else if (!strcmp(st, "started")) {
		close_pending(a, t);
		a->pending_ms = t;
		a->pending_kind = RK_SEG_RUN;
		a->pending_attempt = attempt;
		a->state = RK_RS_PENDING;
	} else if (!strcmp(st, "succeeded") || !strcmp(st, "failed") || !strcmp(st, "retrying")) {
		enum rk_rout out = st[0] == 's'	  ? RK_OUT_OK
				   : st[0] == 'f' ? RK_OUT_FAILED
						  : RK_OUT_RETRY;
		long long s = a->pending_ms >= 0 && a->pending_kind == RK_SEG_RUN ? a->pending_ms
			      : dur >= 0					  ? t - dur
										  : t;
		if (a->pending_kind != RK_SEG_RUN)
			close_pending(a, s);
		add_seg(a, RK_SEG_RUN, s < 0 ? 0 : s, t, out, attempt);
		a->pending_ms = -1;
		if (dur >= 0)
			a->duration_ms += dur;
		if (rk_json_int(d, rk_json_get(d, 0, "exit_code"), &v) == 0) {
			a->exit_code = (int)v;
			a->has_exit = 1;
		}
		if (out == RK_OUT_RETRY) {
			a->retries++;
			a->pending_ms = t;
			a->pending_kind = RK_SEG_WAIT;
			set_str(&a->reason, rk_json_get_str(d, 0, "reason"));
			set_str(&a->retry_tail, rk_json_get_str(d, 0, "stderr_tail"));
			a->state = RK_RS_PENDING;
		} else if (out == RK_OUT_FAILED) {
			a->state = RK_RS_FAILED;
			set_str(&a->reason, rk_json_get_str(d, 0, "reason"));
			set_str(&a->stdout_tail, rk_json_get_str(d, 0, "stdout_tail"));
			set_str(&a->stderr_tail, rk_json_get_str(d, 0, "stderr_tail"));
		} else {
			a->state = RK_RS_SUCCEEDED;
		}
	} else if (!strcmp(st, "cached")) {
		close_pending(a, t);
		add_seg(a, RK_SEG_CACHED, t, t, RK_OUT_OK, 0);
		a->state = RK_RS_CACHED;
	} else if (!strcmp(st, "skipped")) {
		close_pending(a, t);
		if (a->pending_kind == RK_SEG_RUN && a->pending_ms >= 0)
			add_seg(a, RK_SEG_RUN, a->pending_ms, t, RK_OUT_FAILED, a->pending_attempt);
		a->pending_ms = -1;
		add_seg(a, RK_SEG_SKIPPED, t, t, RK_OUT_NONE, 0);
		a->state = RK_RS_SKIPPED;
		set_str(&a->reason, rk_json_get_str(d, 0, "reason"));
		set_str(&a->cause, rk_json_get_str(d, 0, "cause"));
	}
	/* unknown states: the event is counted, nothing else */
	return 0;
}

int rk_report_add(struct rk_report *r, const struct rk_ndjson *nd, struct rk_err *err)
{
	const struct rk_json *d = &nd->doc;
	const char *kind = nd->kind, *name, *eco;
	long long v;
	size_t i;

	if (!strcmp(kind, "event"))
		return add_event(r, nd, err);
	if (!strcmp(kind, "summary")) {
		r->has_summary = 1;
		if (rk_json_int(d, rk_json_get(d, 0, "exit_code"), &v) == 0)
			r->exit_code = (int)v;
		if (rk_json_int(d, rk_json_get(d, 0, "duration_ms"), &v) == 0)
			r->sum_duration_ms = v;
		set_str(&r->interrupted, rk_json_get_str(d, 0, "interrupted"));
		return 0;
	}
	if (!strcmp(kind, "action")) {
		const char *id = rk_json_get_str(d, 0, "id");
		struct rk_raction *a;
		if (rk_record_need(d, nd->source, nd->line, action_needs, err))
			return -1;
		if (!id)
			return 0;
		a = act_get(r, id);
		act_identify(r, a, rk_json_get_str(d, 0, "type"), rk_json_get_str(d, 0, "package"),
			     rk_json_get_str(d, 0, "ecosystem"));
		free_strv(a->deps, a->ndeps);
		a->deps = str_array(d, rk_json_get(d, 0, "deps"), NULL, &a->ndeps);
		return 0;
	}
	if (strcmp(kind, "package") && strcmp(kind, "release"))
		return 0; /* other kinds: not for the report */
	if (rk_record_need(d, nd->source, nd->line, package_needs, err))
		return -1;
	name = rk_json_get_str(d, 0, "name");
	eco = rk_json_get_str(d, 0, "ecosystem");
	if (!name)
		return 0;
	if (rk_json_get_str(d, 0, "id") && strchr(rk_json_get_str(d, 0, "id"), ':'))
		name = strchr(rk_json_get_str(d, 0, "id"), ':') + 1; /* name@path: shared (pnpm) */
	i = pkg_get(r, eco, name);
	if (!strcmp(kind, "package")) {
		struct rk_rpkg *p = &r->pkg[i];
		int dt = rk_json_get(d, 0, "deps"), e;
		p->has_package = 1;
		set_str(&p->version, rk_json_get_str(d, 0, "version"));
		set_str(&p->manifest, rk_json_get_str(d, 0, "manifest"));
		if (rk_json_int(d, rk_json_get(d, 0, "level"), &v) == 0 && v >= 0 && v < 100000)
			p->level = (int)v;
		free_strv(p->deps, p->ndeps);
		p->deps = NULL;
		p->ndeps = 0;
		for (e = rk_json_first(d, dt); e >= 0; e = rk_json_next(d, e)) {
			const char *dn = rk_json_get_str(d, e, "name");
			size_t cap = p->ndeps;
			if (!dn)
				continue;
			RK_GROW(p->deps, cap, p->ndeps + 1);
			p->deps[p->ndeps++] = rk_xstrdup(dn);
		}
	} else {
		struct rk_rpkg *p = &r->pkg[i];
		p->has_release = 1;
		set_str(&p->version, rk_json_get_str(d, 0, "current"));
		set_str(&p->next, rk_json_get_str(d, 0, "next"));
		set_str(&p->bump, rk_json_get_str(d, 0, "bump"));
		set_str(&p->tag, rk_json_get_str(d, 0, "tag"));
	}
	return 0;
}

void rk_report_finish(struct rk_report *r)
{
	size_t i, k, round;

	for (i = 0; i < r->nact; i++) {
		struct rk_raction *a = &r->act[i];
		struct rk_rpkg *p = a->pkg != (size_t)-1 ? &r->pkg[a->pkg] : NULL;
		/* an open segment at the end of the stream runs to its end */
		if (a->pending_ms >= 0)
			add_seg(a, a->pending_kind, a->pending_ms, r->end,
				a->pending_kind == RK_SEG_RUN ? RK_OUT_NONE : RK_OUT_NONE,
				a->pending_attempt);
		a->pending_ms = -1;
		r->n_retries += (size_t)a->retries;
		switch (a->state) {
		case RK_RS_SUCCEEDED:
			r->n_ok++;
			break;
		case RK_RS_CACHED:
			r->n_cached++;
			break;
		case RK_RS_FAILED:
			r->n_failed++;
			break;
		case RK_RS_SKIPPED:
			r->n_skipped++;
			break;
		default:
			break;
		}
		if (!p)
			continue;
		p->nact++;
		p->nretries += (size_t)a->retries;
		p->nok += a->state == RK_RS_SUCCEEDED;
		p->ncached += a->state == RK_RS_CACHED;
		p->nfailed += a->state == RK_RS_FAILED;
		p->nskipped += a->state == RK_RS_SKIPPED;
		for (k = 0; k < a->nseg; k++) {
			if (p->start < 0 || a->seg[k].start < p->start)
				p->start = a->seg[k].start;
			if (a->seg[k].end > p->end)
				p->end = a->seg[k].end;
		}
	}
	for (i = 0; i < r->npkg; i++) {
		struct rk_rpkg *p = &r->pkg[i];
		size_t evs = 0;
		for (k = 0; k < r->nact; k++)
			if (r->act[k].pkg == i)
				evs += r->act[k].nseg;
		if (p->nfailed)
			p->status = "failed";
		else if (p->nact && p->nok + p->ncached == p->nact && evs)
			p->status = "released";
		else if (p->nskipped && p->nok + p->ncached + p->nskipped == p->nact)
			p->status = "blocked";
		else if (evs)
			p->status = "running";
		else if (p->has_release)
			p->status = "planned";
		else
			p->status = "unchanged";
		r->released += !strcmp(p->status, "released");
		r->failed += !strcmp(p->status, "failed");
		r->blocked += !strcmp(p->status, "blocked");
		r->planned += !strcmp(p->status, "planned");
	}
	/* levels where the records gave none: 1 + the highest level of an internal dep */
	for (round = 0; round <= r->npkg; round++) {
		int changed = 0;
		for (i = 0; i < r->npkg; i++) {
			struct rk_rpkg *p = &r->pkg[i];
			int lv = 0;
			size_t v;
			if (p->level >= 0 && round == 0 && p->has_package)
				continue;
			for (k = 0; k < p->ndeps; k++)
				if (rk_strmap_get(&r->pkgmap, p->deps[k], strlen(p->deps[k]), &v) &&
				    v - 1 != i) {
					int dl = r->pkg[v - 1].level < 0 ? 0 : r->pkg[v - 1].level;
					if (dl + 1 > lv)
						lv = dl + 1;
				}
			if (lv > (int)r->npkg)
				lv = (int)r->npkg; /* a cycle: stop climbing */
			if (p->level != lv) {
				p->level = lv;
				changed = 1;
			}
		}
		if (!changed)
			break;
	}
}

const char *rk_report_status(const struct rk_report *r)
{
	size_t i;

	if (!r->nevents)
		return r->planned ? "planned" : "nothing";
	for (i = 0; i < r->npkg; i++)
		if (!strcmp(r->pkg[i].status, "running"))
			return "running";
	if (r->failed || r->blocked || r->n_failed || r->n_skipped)
		return r->released ? "partial" : "failed";
	return r->released ? "released" : "nothing";
}

void rk_report_counts(struct rk_buf *b, const struct rk_rpkg *p)
{
	rk_buf_addf(b, "%zu done", p->nok + p->ncached);
	if (p->ncached)
		rk_buf_addf(b, " (%zu cached)", p->ncached);
	if (p->nretries)
		rk_buf_addf(b, ", %zu retried", p->nretries);
	if (p->nfailed)
		rk_buf_addf(b, ", %zu failed", p->nfailed);
	if (p->nskipped)
		rk_buf_addf(b, ", %zu skipped", p->nskipped);
}

void rk_report_secs(struct rk_buf *b, long long ms)
{
	if (ms < 0)
		ms = 0;
	if (ms < 60000)
		rk_buf_addf(b, "%lld.%llds", ms / 1000, ms % 1000 / 100);
	else
		rk_buf_addf(b, "%lldm%02llds", ms / 60000, ms % 60000 / 1000);
}

/* "PATH:LINE" at s (after spaces and an optional "--> "). */
static int scan_loc(const char *s, size_t n, struct rk_buf *file, long *line)
{
	size_t i = 0, p0;

	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (n - i >= 4 && !memcmp(s + i, "--> ", 4))
		i += 4;
	p0 = i;
	while (i < n && (isalnum((unsigned char)s[i]) || strchr("_./@+-", s[i])))
		i++;
	if (i == p0 || i >= n || s[i] != ':' || s[p0] == '/' || i + 1 >= n ||
	    !isdigit((unsigned char)s[i + 1]))
		return -1;
	if (!memchr(s + p0, '.', i - p0) && !memchr(s + p0, '/', i - p0))
		return -1;
	for (size_t k = p0; k + 1 < i; k++)
		if (s[k] == '.' && s[k + 1] == '.')
			return -1;
	rk_buf_reset(file);
	rk_buf_add(file, s + p0, i - p0);
	*line = strtol(s + i + 1, NULL, 10);
	return 0;
}

int rk_report_location(const struct rk_report *r, const struct rk_raction *a, struct rk_buf *file,
		       long *line)
{
	const char *tails[2] = {a->stderr_tail, a->stdout_tail};

	*line = 0;
	for (int t = 0; t < 2; t++) {
		const char *s = tails[t];
		while (s && *s) {
			size_t n = strcspn(s, "\n");
			if (scan_loc(s, n, file, line) == 0)
				return 0;
			s += n;
			if (*s)
				s++;
		}
	}
	if (a->pkg != (size_t)-1 && r->pkg[a->pkg].manifest) {
		rk_buf_reset(file);
		rk_buf_adds(file, r->pkg[a->pkg].manifest);
		return 0;
	}
	return -1;
}

void rk_report_releases_json(const struct rk_report *r, struct rk_buf *out)
{
	struct rk_jw w;

	rk_jw_init(&w, out);
	rk_jw_arr(&w);
	for (size_t i = 0; i < r->npkg; i++) {
		const struct rk_rpkg *p = &r->pkg[i];
		if (strcmp(p->status, "released"))
			continue;
		rk_jw_obj(&w);
		rk_jw_kstr(&w, "name", p->name);
		rk_jw_kstr(&w, "ecosystem", p->ecosystem);
		rk_jw_kstr(&w, "version", p->next ? p->next : p->version);
		if (p->tag)
			rk_jw_kstr(&w, "tag", p->tag);
		rk_jw_obj_end(&w);
	}
	rk_jw_arr_end(&w);
}
