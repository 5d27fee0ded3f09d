/* rk_report_text.c - the text (terminal) and Markdown renderings of a report. */
#include "rk_common.h"
#include "rk_report.h"

/* Packages the report is about: released or planned ones, and any with actions. */
static int shown(const struct rk_rpkg *p)
{
	return p->has_release || p->nact;
}

static void version_str(const struct rk_rpkg *p, struct rk_buf *b, const char *arrow)
{
	rk_buf_reset(b);
	if (p->version && p->next && strcmp(p->version, p->next))
		rk_buf_addf(b, "%s %s %s", p->version, arrow, p->next);
	else if (p->next)
		rk_buf_adds(b, p->next);
	else if (p->version)
		rk_buf_adds(b, p->version);
	else
		rk_buf_adds(b, "-");
}

static void headline(const struct rk_report *r, struct rk_buf *b)
{
	const char *st = rk_report_status(r);
	size_t n = 0;

	for (size_t i = 0; i < r->npkg; i++)
		n += shown(&r->pkg[i]) != 0;
	if (!strcmp(st, "planned")) {
		rk_buf_addf(b, "would release %zu package%s", r->planned,
			    r->planned == 1 ? "" : "s");
		return;
	}
	if (!strcmp(st, "nothing") && !r->nevents) {
		rk_buf_adds(b, "nothing to release");
		return;
	}
	rk_buf_addf(b, "%s: %zu of %zu package%s released",
		    !strcmp(st, "released")  ? "released"
		    : !strcmp(st, "partial") ? "partial release"
		    : !strcmp(st, "running") ? "in progress"
		    : !strcmp(st, "nothing") ? "nothing released"
					     : "release failed",
		    r->released, n, n == 1 ? "" : "s");
	if (r->failed)
		rk_buf_addf(b, ", %zu failed", r->failed);
	if (r->blocked)
		rk_buf_addf(b, ", %zu blocked", r->blocked);
}

static void totals(const struct rk_report *r, struct rk_buf *b)
{
	rk_buf_addf(b, "%zu action%s: %zu succeeded, %zu cached, %zu failed, %zu skipped", r->nact,
		    r->nact == 1 ? "" : "s", r->n_ok, r->n_cached, r->n_failed, r->n_skipped);
	if (r->n_retries)
		rk_buf_addf(b, "; %zu retr%s", r->n_retries, r->n_retries == 1 ? "y" : "ies");
	rk_buf_adds(b, "; ");
	rk_report_secs(b, r->has_summary && r->sum_duration_ms ? r->sum_duration_ms : r->end);
	if (r->interrupted)
		rk_buf_addf(b, " (interrupted by %s)", r->interrupted);
}

static void tail_lines(struct rk_buf *b, const char *indent, const char *label, const char *t)
{
	while (t && *t) {
		size_t n = strcspn(t, "\n");
		rk_buf_addf(b, "%s%s | %.*s\n", indent, label, (int)n, t);
		t += n;
		if (*t)
			t++;
	}
}

/* Ids of the actions skipped because of a's failure, ", "-separated. */
static void skipped_by(const struct rk_report *r, const struct rk_raction *a, struct rk_buf *b)
{
	rk_buf_reset(b);
	for (size_t i = 0; i < r->nact; i++)
		if (r->act[i].cause && !strcmp(r->act[i].cause, a->id))
			rk_buf_addf(b, "%s%s", b->len ? ", " : "", r->act[i].id);
}

static const char *status_sgr(const char *st)
{
	if (!strcmp(st, "released"))
		return "\033[32m";
	if (!strcmp(st, "failed"))
		return "\033[31m";
	if (!strcmp(st, "blocked") || !strcmp(st, "running"))
		return "\033[33m";
	return "";
}

static size_t cols(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static void pad(struct rk_buf *b, const char *s, size_t w)
{
	size_t c = cols(s);
	rk_buf_adds(b, s);
	while (c++ < w)
		rk_buf_addc(b, ' ');
}

void rk_report_text(const struct rk_report *r, int color, struct rk_buf *out)
{
	struct rk_buf v = RK_BUF_INIT, t = RK_BUF_INIT, n = RK_BUF_INIT;
	size_t w[4] = {7, 7, 3, 6}, i;
	int any = 0;

	rk_buf_adds(out, "releasekit: ");
	headline(r, out);
	rk_buf_adds(out, "\n");
	for (i = 0; i < r->npkg; i++) {
		const struct rk_rpkg *p = &r->pkg[i];
		if (!shown(p))
			continue;
		any = 1;
		rk_buf_reset(&n);
		rk_buf_addf(&n, "%s%s%s", p->ecosystem, *p->ecosystem ? ":" : "", p->name);
		version_str(p, &v, "->");
		if (cols(n.data) > w[0])
			w[0] = cols(n.data);
		if (cols(v.data) > w[1])
			w[1] = cols(v.data);
		if (p->tag && cols(p->tag) > w[2])
			w[2] = cols(p->tag);
		if (cols(p->status) > w[3])
			w[3] = cols(p->status);
	}
	if (any) {
		rk_buf_adds(out, "\n  ");
		pad(out, "PACKAGE", w[0] + 2);
		pad(out, "VERSION", w[1] + 2);
		pad(out, "TAG", w[2] + 2);
		pad(out, "STATUS", w[3] + 2);
		rk_buf_adds(out, r->nevents ? "TIME    ACTIONS\n" : "\n");
	}
	for (i = 0; i < r->npkg; i++) {
		const struct rk_rpkg *p = &r->pkg[i];
		if (!shown(p))
			continue;
		rk_buf_reset(&n);
		rk_buf_addf(&n, "%s%s%s", p->ecosystem, *p->ecosystem ? ":" : "", p->name);
		version_str(p, &v, "->");
		rk_buf_adds(out, "  ");
		pad(out, n.data, w[0] + 2);
		pad(out, v.data, w[1] + 2);
		pad(out, p->tag ? p->tag : "-", w[2] + 2);
		if (color && *status_sgr(p->status))
			rk_buf_adds(out, status_sgr(p->status));
		rk_buf_adds(out, p->status);
		if (color && *status_sgr(p->status))
			rk_buf_adds(out, "\033[0m");
		for (size_t c = cols(p->status); c < w[3] + 2; c++)
			rk_buf_addc(out, ' ');
		if (r->nevents) {
			rk_buf_reset(&t);
			if (p->start >= 0)
				rk_report_secs(&t, p->end - p->start);
			else
				rk_buf_adds(&t, "-");
			pad(out, t.data, 8);
			rk_report_counts(out, p);
		}
		/* trim the padding of the last column */
		while (out->len && out->data[out->len - 1] == ' ')
			out->len--;
		out->data[out->len] = '\0';
		rk_buf_addc(out, '\n');
	}
	if (r->nevents) {
		rk_buf_addc(out, '\n');
		totals(r, out);
		rk_buf_addc(out, '\n');
	}
	for (i = 0; i < r->nact; i++) {
		const struct rk_raction *a = &r->act[i];
		long line;
		if (a->state != RK_RS_FAILED)
			continue;
		rk_buf_addf(out, "\n%sfailed%s: %s: %s", color ? "\033[31;1m" : "",
			    color ? "\033[0m" : "", a->id, a->reason ? a->reason : "failed");
		rk_buf_addf(out, " (attempt %d, ", a->attempts ? a->attempts : 1);
		rk_report_secs(out, a->duration_ms);
		rk_buf_adds(out, ")\n");
		if (rk_report_location(r, a, &t, &line) == 0) {
			rk_buf_addf(out, "  at %s", t.data);
			if (line)
				rk_buf_addf(out, ":%ld", line);
			rk_buf_addc(out, '\n');
		}
		tail_lines(out, "  ", "stdout", a->stdout_tail);
		tail_lines(out, "  ", "stderr", a->stderr_tail);
		skipped_by(r, a, &t);
		if (t.len)
			rk_buf_addf(out, "  skipped because of it: %s\n", t.data);
	}
	for (i = 0; i < r->nact; i++) {
		const struct rk_raction *a = &r->act[i];
		if (!a->retries)
			continue;
		rk_buf_addf(out, "\nretried: %s: %d retr%s (last: %s)", a->id, a->retries,
			    a->retries == 1 ? "y" : "ies",
			    a->reason ? a->reason : "retryable failure");
		if (a->state == RK_RS_SUCCEEDED)
			rk_buf_addf(out, "; succeeded on attempt %d", a->attempts);
		rk_buf_addc(out, '\n');
		tail_lines(out, "  ", "stderr", a->retry_tail);
	}
	for (i = 0, any = 0; i < r->nact; i++)
		if (r->act[i].note)
			rk_buf_addf(out, "%snote: %s: %s\n", any++ ? "" : "\n", r->act[i].id,
				    r->act[i].note);
	rk_buf_release(&v);
	rk_buf_release(&t);
	rk_buf_release(&n);
}

/* Markdown table cell text: '|' and newlines escaped. */
static void md_cell(struct rk_buf *b, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '|')
			rk_buf_adds(b, "\\|");
		else if (*s == '\n')
			rk_buf_addc(b, ' ');
		else
			rk_buf_addc(b, *s);
	}
}

/* A fenced block that its content cannot close. */
static void md_fence(struct rk_buf *b, const char *label, const char *s)
{
	size_t ticks = 3, run = 0;

	for (const char *p = s; *p; p++) {
		run = *p == '`' ? run + 1 : 0;
		if (run >= ticks)
			ticks = run + 1;
	}
	rk_buf_addf(b, "%s:\n\n", label);
	for (size_t k = 0; k < ticks; k++)
		rk_buf_addc(b, '`');
	rk_buf_adds(b, "text\n");
	rk_buf_adds(b, s);
	if (*s && s[strlen(s) - 1] != '\n')
		rk_buf_addc(b, '\n');
	for (size_t k = 0; k < ticks; k++)
		rk_buf_addc(b, '`');
	rk_buf_adds(b, "\n\n");
}

static const char *md_mark(const char *st)
{
	if (!strcmp(st, "released"))
		return "\xe2\x9c\x85 "; /* check mark button */
	if (!strcmp(st, "failed"))
		return "\xe2\x9d\x8c "; /* cross mark */
	if (!strcmp(st, "blocked"))
		return "\xe2\x8f\xb8\xef\xb8\x8f "; /* pause */
	return "";
}

void rk_report_markdown(const struct rk_report *r, struct rk_buf *out)
{
	struct rk_buf v = RK_BUF_INIT, t = RK_BUF_INIT;
	size_t i;
	int any = 0;

	rk_buf_adds(out, "## releasekit: ");
	headline(r, out);
	rk_buf_adds(out, "\n\n");
	for (i = 0; i < r->npkg; i++)
		any |= shown(&r->pkg[i]);
	if (any) {
		rk_buf_addf(out, "| Package | Version | Tag | Status |%s\n",
			    r->nevents ? " Time | Actions |" : "");
		rk_buf_addf(out, "|---|---|---|---|%s\n", r->nevents ? "--:|---|" : "");
	}
	for (i = 0; i < r->npkg; i++) {
		const struct rk_rpkg *p = &r->pkg[i];
		if (!shown(p))
			continue;
		version_str(p, &v, "\xe2\x86\x92");
		rk_buf_adds(out, "| `");
		md_cell(out, p->name);
		rk_buf_addf(out, "` %s | ", p->ecosystem);
		md_cell(out, v.data);
		rk_buf_adds(out, " | ");
		if (p->tag) {
			rk_buf_addc(out, '`');
			md_cell(out, p->tag);
			rk_buf_addc(out, '`');
		}
		rk_buf_addf(out, " | %s%s |", md_mark(p->status), p->status);
		if (r->nevents) {
			rk_buf_addc(out, ' ');
			if (p->start >= 0)
				rk_report_secs(out, p->end - p->start);
			rk_buf_adds(out, " | ");
			rk_report_counts(out, p);
			rk_buf_adds(out, " |");
		}
		rk_buf_addc(out, '\n');
	}
	if (r->nevents) {
		rk_buf_adds(out, "\n**");
		totals(r, out);
		rk_buf_adds(out, "**\n");
	}
	for (i = 0; i < r->nact; i++) {
		const struct rk_raction *a = &r->act[i];
		long line;
		if (a->state != RK_RS_FAILED)
			continue;
		rk_buf_addf(out, "\n### \xe2\x9d\x8c `%s` failed: ", a->id);
		md_cell(out, a->reason ? a->reason : "failed");
		rk_buf_adds(out, "\n\n");
		if (rk_report_location(r, a, &t, &line) == 0) {
			rk_buf_addf(out, "At `%s", t.data);
			if (line)
				rk_buf_addf(out, ":%ld", line);
			rk_buf_adds(out, "`.\n\n");
		}
		if (a->stdout_tail)
			md_fence(out, "stdout (last lines)", a->stdout_tail);
		if (a->stderr_tail)
			md_fence(out, "stderr (last lines)", a->stderr_tail);
		skipped_by(r, a, &t);
		if (t.len)
			rk_buf_addf(out, "Skipped because of it: %s.\n", t.data);
	}
	for (i = 0; i < r->nact; i++) {
		const struct rk_raction *a = &r->act[i];
		if (!a->retries)
			continue;
		rk_buf_addf(out, "\n\xf0\x9f\x94\x81 `%s`: %d retr%s (last: ", a->id, a->retries,
			    a->retries == 1 ? "y" : "ies");
		md_cell(out, a->reason ? a->reason : "a retryable failure");
		if (a->retry_tail) {
			rk_buf_adds(out, ": ");
			v.len = 0;
			rk_buf_reset(&v);
			md_cell(&v, a->retry_tail);
			while (v.len && v.data[v.len - 1] == ' ')
				v.data[--v.len] = '\0';
			rk_buf_add(out, v.data, v.len);
		}
		rk_buf_adds(out, ")");
		if (a->state == RK_RS_SUCCEEDED)
			rk_buf_addf(out, "; succeeded on attempt %d", a->attempts);
		rk_buf_adds(out, ".\n");
	}
	rk_buf_release(&v);
	rk_buf_release(&t);
}
