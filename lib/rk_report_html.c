/*
 * rk_report_html.c - the HTML rendering of a report: one self-contained file
 * (inline CSS and SVG; no script, font, image or link that needs a network).
 *
 * Elements tests and people can rely on:
 *   header h1                        the headline
 *   table#packages tr.pkg            one per package (data-package, class status-*)
 *   svg#dep-graph g.node             one per package (data-package); path.edge per
 *                                    internal dependency (data-from, data-to)
 *   svg#gantt g.lane                 one per package with actions; in it, per action
 *                                    a g.row (data-action) with rect.seg.queued,
 *                                    rect.seg.run.ok|failed|retry|open, rect.seg.wait,
 *                                    g.cached, g.skipped markers
 *   section#failures article.failure one per failed action, pre.log.stdout/.stderr
 */
#include "rk_common.h"
#include "rk_report.h"

static void esc(struct rk_buf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<':
			rk_buf_adds(b, "&lt;");
			break;
		case '>':
			rk_buf_adds(b, "&gt;");
			break;
		case '&':
			rk_buf_adds(b, "&amp;");
			break;
		case '"':
			rk_buf_adds(b, "&quot;");
			break;
		case '\'':
			rk_buf_adds(b, "&#39;");
			break;
		default:
			rk_buf_addc(b, *s);
		}
	}
}

static void pkg_key(struct rk_buf *b, const struct rk_rpkg *p)
{
	if (*p->ecosystem) {
		esc(b, p->ecosystem);
		rk_buf_addc(b, ':');
	}
	esc(b, p->name);
}

static const char css[] =
	"body{font:14px/1.4 system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px;"
	"color:#1f2328;background:#fff}\n"
	"h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}\n"
	".totals{color:#57606a;margin:0}\n"
	"table{border-collapse:collapse}th,td{padding:4px 12px 4px 0;text-align:left;"
	"border-bottom:1px solid #d0d7de}th{font-weight:600}\n"
	"code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace}\n"
	".badge{display:inline-block;padding:0 8px;border-radius:10px;font-size:12px;"
	"color:#fff;background:#8c959f}\n"
	".status-released .badge{background:#1a7f37}.status-failed .badge{background:#cf222e}\n"
	".status-blocked .badge,.status-running .badge{background:#bf8700}\n"
	".status-planned .badge{background:#0969da}\n"
	"svg text{font:12px system-ui,sans-serif;fill:#1f2328}\n"
	".node rect{fill:#f6f8fa;stroke:#8c959f;stroke-width:1.5}\n"
	".node.status-released rect{fill:#dafbe1;stroke:#1a7f37}\n"
	".node.status-failed rect{fill:#ffebe9;stroke:#cf222e}\n"
	".node.status-blocked rect,.node.status-running rect{fill:#fff8c5;stroke:#bf8700}\n"
	".node.status-planned rect{fill:#ddf4ff;stroke:#0969da}\n"
	".node .ver{fill:#57606a;font-size:11px}\n"
	".edge{fill:none;stroke:#8c959f;stroke-width:1.5}\n"
	".lane-title{font-weight:600}.row-label{fill:#57606a}\n"
	".grid{stroke:#eaeef2}.axis{fill:#57606a;font-size:11px}\n"
	".seg.queued{fill:#eaeef2}.seg.run.ok{fill:#2da44e}.seg.run.failed{fill:#cf222e}\n"
	".seg.run.retry{fill:#e16f24}.seg.run.open{fill:#0969da}\n"
	".seg.wait{fill:url(#hatch);stroke:#bf8700;stroke-width:1}\n"
	".cached path{fill:#8250df}.cached text{fill:#8250df;font-size:11px}\n"
	".skipped path{stroke:#8c959f;stroke-width:2}.skipped text{fill:#8c959f;font-size:11px}\n"
	".legend span{display:inline-block;margin-right:16px}\n"
	".legend i{display:inline-block;width:12px;height:12px;margin-right:4px;"
	"vertical-align:-2px}\n"
	".failure{border:1px solid #ff8182;border-radius:6px;padding:8px 16px;margin:12px 0}\n"
	".failure h3{margin:4px 0;font-size:15px;color:#cf222e}\n"
	".retried{border:1px solid #e16f24;border-radius:6px;padding:8px 16px;margin:12px 0}\n"
	".retried h3{margin:4px 0;font-size:15px;color:#bc4c00}\n"
	"pre.log{background:#f6f8fa;padding:8px;overflow:auto;font-size:12px;margin:4px 0}\n";

static void headline_html(const struct rk_report *r, struct rk_buf *out)
{
	struct rk_buf t = RK_BUF_INIT;
	const char *nl;

	rk_report_text(r, 0, &t);
	nl = strchr(t.data, '\n');
	rk_buf_adds(out, "<header><h1>");
	if (nl)
		t.data[nl - t.data] = '\0';
	esc(out, t.data);
	rk_buf_adds(out, "</h1>\n<p class=\"totals\">");
	if (r->nevents) {
		rk_buf_addf(out, "%zu actions: %zu succeeded, %zu cached, %zu failed, %zu skipped",
			    r->nact, r->n_ok, r->n_cached, r->n_failed, r->n_skipped);
		if (r->n_retries)
			rk_buf_addf(out, "; %zu retr%s", r->n_retries,
				    r->n_retries == 1 ? "y" : "ies");
		rk_buf_adds(out, "; ");
		rk_report_secs(out,
			       r->has_summary && r->sum_duration_ms ? r->sum_duration_ms : r->end);
		if (r->interrupted) {
			rk_buf_adds(out, " (interrupted by ");
			esc(out, r->interrupted);
			rk_buf_adds(out, ")");
		}
	} else {
		rk_buf_adds(out, "No events: this is the plan.");
	}
	rk_buf_adds(out, "</p></header>\n");
	rk_buf_release(&t);
}

static void packages_table(const struct rk_report *r, struct rk_buf *out)
{
	rk_buf_adds(out, "<section><h2>Packages</h2>\n<table id=\"packages\">\n<tr><th>Package</th>"
			 "<th>Version</th><th>Tag</th><th>Status</th><th>Time</th><th>Actions</th>"
			 "</tr>\n");
	for (size_t i = 0; i < r->npkg; i++) {
		const struct rk_rpkg *p = &r->pkg[i];
		if (!p->has_release && !p->nact)
			continue;
		rk_buf_addf(out, "<tr class=\"pkg status-%s\" data-package=\"", p->status);
		pkg_key(out, p);
		rk_buf_adds(out, "\"><td><code>");
		esc(out, p->name);
		rk_buf_adds(out, "</code> ");
		esc(out, p->ecosystem);
		rk_buf_adds(out, "</td><td>");
		if (p->version && p->next && strcmp(p->version, p->next)) {
			esc(out, p->version);
			rk_buf_adds(out, " &#8594; ");
		}
		esc(out, p->next ? p->next : p->version);
		rk_buf_adds(out, "</td><td><code>");
		esc(out, p->tag);
		rk_buf_addf(out, "</code></td><td><span class=\"badge\">%s</span></td><td>",
			    p->status);
		if (p->start >= 0)
			rk_report_secs(out, p->end - p->start);
		rk_buf_adds(out, "</td><td>");
		rk_report_counts(out, p);
		rk_buf_adds(out, "</td></tr>\n");
	}
	rk_buf_adds(out, "</table></section>\n");
}

enum { NODE_W = 190, NODE_H = 42, COL_W = 250, ROW_H = 60, PAD = 10 };

static void dep_graph(const struct rk_report *r, struct rk_buf *out)
{
	int maxlevel = 0, *row, *count, height, width;
	size_t i, k;

	if (!r->npkg)
		return;
	for (i = 0; i < r->npkg; i++)
		if (r->pkg[i].level > maxlevel)
			maxlevel = r->pkg[i].level;
	row = rk_xcalloc(r->npkg, sizeof(*row));
	count = rk_xcalloc((size_t)maxlevel + 1, sizeof(*count));
	for (i = 0; i < r->npkg; i++) {
		int lv = r->pkg[i].level < 0 ? 0 : r->pkg[i].level;
		row[i] = count[lv]++;
	}
	height = 0;
	for (int l = 0; l <= maxlevel; l++)
		if (count[l] > height)
			height = count[l];
	height = height * ROW_H + 2 * PAD + 16;
	width = (maxlevel + 1) * COL_W + 2 * PAD;
	rk_buf_addf(
		out,
		"<section><h2>Dependency graph</h2>\n<svg id=\"dep-graph\" "
		"xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"package dependency graph\">\n"
		"<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" "
		"markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0L10,5L0,10z\" "
		"fill=\"#8c959f\"/></marker></defs>\n",
		width, height, width, height);
	for (int l = 0; l <= maxlevel; l++)
		rk_buf_addf(out, "<text class=\"axis\" x=\"%d\" y=\"%d\">level %d</text>\n",
			    PAD + l * COL_W, PAD + 8, l);
	/* edges first, under the nodes */
	for (i = 0; i < r->npkg; i++) {
		const struct rk_rpkg *p = &r->pkg[i];
		int li = p->level < 0 ? 0 : p->level;
		for (k = 0; k < p->ndeps; k++) {
			size_t v, j;
			int lj, x1, y1, x2, y2;
			if (!rk_strmap_get(&r->pkgmap, p->deps[k], strlen(p->deps[k]), &v) ||
			    v - 1 == i)
				continue;
			j = v - 1;
			lj = r->pkg[j].level < 0 ? 0 : r->pkg[j].level;
			x1 = PAD + lj * COL_W + NODE_W;
			y1 = PAD + 16 + row[j] * ROW_H + NODE_H / 2;
			x2 = PAD + li * COL_W;
			y2 = PAD + 16 + row[i] * ROW_H + NODE_H / 2;
			rk_buf_adds(out, "<path class=\"edge\" data-from=\"");
			pkg_key(out, &r->pkg[j]);
			rk_buf_adds(out, "\" data-to=\"");
			pkg_key(out, p);
			rk_buf_addf(out,
				    "\" d=\"M%d,%d C%d,%d %d,%d %d,%d\" "
				    "marker-end=\"url(#arrow)\"/>\n",
				    x1, y1, (x1 + x2) / 2, y1, (x1 + x2) / 2, y2, x2, y2);
		}
	}
	for (i = 0; i < r->npkg; i++) {
		const struct rk_rpkg *p = &r->pkg[i];
		int x = PAD + (p->level < 0 ? 0 : p->level) * COL_W, y = PAD + 16 + row[i] * ROW_H;
		rk_buf_addf(out, "<g class=\"node status-%s\" data-package=\"", p->status);
		pkg_key(out, p);
		rk_buf_addf(
			out,
			"\"><title>%s</title><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
			"rx=\"6\"/>",
			p->status, x, y, NODE_W, NODE_H);
		rk_buf_addf(out, "<text x=\"%d\" y=\"%d\">", x + 8, y + 17);
		esc(out, p->name);
		rk_buf_addf(out, "</text><text class=\"ver\" x=\"%d\" y=\"%d\">", x + 8, y + 33);
		esc(out, p->ecosystem);
		rk_buf_adds(out, " ");
		if (p->next) {
			esc(out, p->version);
			rk_buf_adds(out, " &#8594; ");
			esc(out, p->next);
		} else {
			esc(out, p->version);
			rk_buf_adds(out, " (unchanged)");
		}
		rk_buf_adds(out, "</text></g>\n");
	}
	rk_buf_adds(out, "</svg></section>\n");
	free(row);
	free(count);
}

enum { LABEL_W = 230, BAR_W = 860, LANE_H = 22, ACT_H = 18 };

static double xpos(long long t, long long span)
{
	return LABEL_W + (double)t * BAR_W / (double)span;
}

static void seg_title(struct rk_buf *out, const struct rk_raction *a, const struct rk_rseg *s)
{
	static const char *const kinds[] = {"queued", "running", "waiting to retry", "cached",
					    "skipped"};
	rk_buf_adds(out, "<title>");
	esc(out, a->id);
	rk_buf_addf(out, ": %s", kinds[s->kind]);
	if (s->kind == RK_SEG_RUN) {
		rk_buf_addf(out, ", attempt %d", s->attempt ? s->attempt : 1);
		rk_buf_adds(out, s->out == RK_OUT_OK	   ? ", succeeded"
				 : s->out == RK_OUT_FAILED ? ", failed"
				 : s->out == RK_OUT_RETRY  ? ", failed (retried)"
							   : ", did not finish");
	}
	if (s->kind <= RK_SEG_WAIT) {
		rk_buf_adds(out, ", ");
		rk_report_secs(out, s->end - s->start);
	}
	if ((s->kind == RK_SEG_SKIPPED || s->kind == RK_SEG_WAIT ||
	     (s->kind == RK_SEG_RUN && s->out != RK_OUT_OK)) &&
	    a->reason) {
		rk_buf_adds(out, ": ");
		esc(out, a->reason);
	}
	rk_buf_adds(out, "</title>");
}

static void gantt(const struct rk_report *r, struct rk_buf *out)
{
	long long span = r->end > 0 ? r->end : 1, step;
	size_t i, k, j, npk = r->npkg + 1;
	int rows = 0, y, height;
	static const long long steps[] = {10,	  20,	  50,	  100,	   200,	    500,    1000,
					  2000,	  5000,	  10000,  15000,   30000,   60000,  120000,
					  300000, 600000, 900000, 1800000, 3600000, 7200000};

	if (!r->nevents)
		return;
	for (k = 0; k < npk; k++) {
		size_t n = 0;
		for (i = 0; i < r->nact; i++)
			if ((k < r->npkg) ? r->act[i].pkg == k : r->act[i].pkg == (size_t)-1)
				n++;
		if (n)
			rows += (int)n * ACT_H + LANE_H;
	}
	height = rows + 40;
	for (step = steps[0], i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		step = steps[i];
		if (span / step <= 10)
			break;
	}
	rk_buf_addf(out,
		    "<section><h2>Timeline</h2>\n<p class=\"legend\">"
		    "<span><i style=\"background:#eaeef2\"></i>queued</span>"
		    "<span><i style=\"background:#2da44e\"></i>ran, succeeded</span>"
		    "<span><i style=\"background:#e16f24\"></i>attempt failed, retried</span>"
		    "<span><i style=\"background:#fff8c5;border:1px solid #bf8700\"></i>waiting "
		    "to retry</span>"
		    "<span><i style=\"background:#cf222e\"></i>failed</span>"
		    "<span><i style=\"background:#8250df\"></i>cache hit</span>"
		    "<span><i style=\"background:#8c959f\"></i>skipped</span></p>\n"
		    "<svg id=\"gantt\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
		    "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"timeline of "
		    "the actions per package\">\n"
		    "<defs><pattern id=\"hatch\" width=\"6\" height=\"6\" "
		    "patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
		    "<rect width=\"6\" height=\"6\" fill=\"#fff8c5\"/><line x1=\"0\" y1=\"0\" "
		    "x2=\"0\" y2=\"6\" stroke=\"#bf8700\" stroke-width=\"2\"/></pattern></defs>\n",
		    LABEL_W + BAR_W + 60, height, LABEL_W + BAR_W + 60, height);
	for (long long t = 0; t <= span; t += step) {
		double x = xpos(t, span);
		rk_buf_addf(out,
			    "<line class=\"grid\" x1=\"%.1f\" y1=\"20\" x2=\"%.1f\" y2=\"%d\"/>"
			    "<text class=\"axis\" x=\"%.1f\" y=\"14\" text-anchor=\"middle\">",
			    x, x, height - 10, x);
		rk_report_secs(out, t);
		rk_buf_adds(out, "</text>\n");
	}
	y = 24;
	for (k = 0; k < npk; k++) {
		int any = 0;
		for (i = 0; i < r->nact; i++)
			if ((k < r->npkg) ? r->act[i].pkg == k : r->act[i].pkg == (size_t)-1)
				any = 1;
		if (!any)
			continue;
		rk_buf_adds(out, "<g class=\"lane");
		if (k < r->npkg)
			rk_buf_addf(out, " status-%s", r->pkg[k].status);
		rk_buf_adds(out, "\" data-package=\"");
		if (k < r->npkg)
			pkg_key(out, &r->pkg[k]);
		rk_buf_addf(out, "\"><text class=\"lane-title\" x=\"4\" y=\"%d\">", y + 15);
		if (k < r->npkg)
			pkg_key(out, &r->pkg[k]);
		else
			rk_buf_adds(out, "(release)");
		rk_buf_adds(out, "</text>\n");
		y += LANE_H;
		for (i = 0; i < r->nact; i++) {
			const struct rk_raction *a = &r->act[i];
			if ((k < r->npkg) ? a->pkg != k : a->pkg != (size_t)-1)
				continue;
			rk_buf_adds(out, "<g class=\"row\" data-action=\"");
			esc(out, a->id);
			rk_buf_addf(out, "\"><text class=\"row-label\" x=\"16\" y=\"%d\">", y + 13);
			esc(out, a->type);
			rk_buf_adds(out, "</text>");
			for (j = 0; j < a->nseg; j++) {
				const struct rk_rseg *s = &a->seg[j];
				double x1 = xpos(s->start, span), x2 = xpos(s->end, span);
				if (s->kind == RK_SEG_CACHED || s->kind == RK_SEG_SKIPPED) {
					int cached = s->kind == RK_SEG_CACHED;
					rk_buf_addf(out, "<g class=\"%s\">",
						    cached ? "cached" : "skipped");
					seg_title(out, a, s);
					if (cached)
						rk_buf_addf(
							out,
							"<path d=\"M%.1f,%dl6,6l-6,6l-6,-6z\"/>",
							x1, y + 2);
					else
						rk_buf_addf(out,
							    "<path d=\"M%.1f,%dl8,8m0,-8l-8,8\"/>",
							    x1 - 4, y + 4);
					rk_buf_addf(out, "<text x=\"%.1f\" y=\"%d\">%s</text></g>",
						    x1 + 9, y + 13, cached ? "cached" : "skipped");
					continue;
				}
				if (x2 - x1 < 3)
					x2 = x1 + 3;
				rk_buf_adds(out, "<rect class=\"seg ");
				if (s->kind == RK_SEG_QUEUED)
					rk_buf_adds(out, "queued");
				else if (s->kind == RK_SEG_WAIT)
					rk_buf_adds(out, "wait");
				else
					rk_buf_adds(out, s->out == RK_OUT_OK	   ? "run ok"
							 : s->out == RK_OUT_FAILED ? "run failed"
							 : s->out == RK_OUT_RETRY  ? "run retry"
										   : "run open");
				rk_buf_addf(out,
					    "\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
					    "rx=\"2\">",
					    x1, y + 2, x2 - x1, ACT_H - 4);
				seg_title(out, a, s);
				rk_buf_adds(out, "</rect>");
			}
			rk_buf_adds(out, "</g>\n");
			y += ACT_H;
		}
		rk_buf_adds(out, "</g>\n");
	}
	rk_buf_adds(out, "</svg></section>\n");
}

static void failures(const struct rk_report *r, struct rk_buf *out)
{
	struct rk_buf f = RK_BUF_INIT;
	int any = 0;

	for (size_t i = 0; i < r->nact; i++) {
		const struct rk_raction *a = &r->act[i];
		long line;
		if (a->state != RK_RS_FAILED && !a->retries)
			continue;
		if (!any++)
			rk_buf_adds(out,
				    "<section id=\"failures\"><h2>Failures and retries</h2>\n");
		rk_buf_addf(out, "<article class=\"%s\" data-action=\"",
			    a->state == RK_RS_FAILED ? "failure" : "retried");
		esc(out, a->id);
		rk_buf_adds(out, "\"><h3>");
		esc(out, a->id);
		if (a->state == RK_RS_FAILED) {
			rk_buf_adds(out, " failed: ");
			esc(out, a->reason ? a->reason : "failed");
		} else {
			rk_buf_addf(out, ": %d retr%s (last: ", a->retries,
				    a->retries == 1 ? "y" : "ies");
			esc(out, a->reason ? a->reason : "retryable failure");
			rk_buf_adds(out, ")");
		}
		rk_buf_addf(out, "</h3>\n<p>Attempts: %d; time ", a->attempts);
		rk_report_secs(out, a->duration_ms);
		if (a->state == RK_RS_FAILED && rk_report_location(r, a, &f, &line) == 0) {
			rk_buf_adds(out, "; at <code>");
			esc(out, f.data);
			if (line)
				rk_buf_addf(out, ":%ld", line);
			rk_buf_adds(out, "</code>");
		}
		rk_buf_adds(out, "</p>\n");
		if (a->state == RK_RS_FAILED) {
			if (a->stdout_tail) {
				rk_buf_adds(
					out,
					"<h4>stdout (last lines)</h4><pre class=\"log stdout\">");
				esc(out, a->stdout_tail);
				rk_buf_adds(out, "</pre>\n");
			}
			if (a->stderr_tail) {
				rk_buf_adds(
					out,
					"<h4>stderr (last lines)</h4><pre class=\"log stderr\">");
				esc(out, a->stderr_tail);
				rk_buf_adds(out, "</pre>\n");
			}
		} else if (a->retry_tail) {
			rk_buf_adds(out, "<h4>stderr of the retried attempt</h4><pre class=\"log "
					 "stderr\">");
			esc(out, a->retry_tail);
			rk_buf_adds(out, "</pre>\n");
		}
		rk_buf_adds(out, "</article>\n");
	}
	if (any)
		rk_buf_adds(out, "</section>\n");
	rk_buf_release(&f);
}

void rk_report_html(const struct rk_report *r, struct rk_buf *out)
{
	rk_buf_addf(out,
		    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		    "<title>releasekit report</title>\n<style>\n%s</style>\n</head>\n<body>\n",
		    css);
	headline_html(r, out);
	packages_table(r, out);
	dep_graph(r, out);
	gantt(r, out);
	failures(r, out);
	rk_buf_adds(out, "</body>\n</html>\n");
}
