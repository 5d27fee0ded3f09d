/* rk_report_json.c - the JSON and JUnit renderings and the CI outputs of a report. */
#include "rk_common.h"
#include "rk_report.h"

#include <ctype.h>

void rk_report_json(const struct rk_report *r, struct rk_buf *out)
{
	struct rk_buf f = RK_BUF_INIT;
	struct rk_jw w;
	size_t i;

	rk_jw_init(&w, out);
	rk_jw_obj(&w);
	rk_jw_kstr(&w, "kind", "report");
	rk_jw_kstr(&w, "status", rk_report_status(r));
	rk_jw_kbool(&w, "released", r->released > 0);
	rk_jw_key(&w, "releases");
	rk_report_releases_json(r, &f);
	rk_jw_raw(&w, f.data, f.len);
	rk_jw_key(&w, "packages");
	rk_jw_arr(&w);
	for (i = 0; i < r->npkg; i++) {
		const struct rk_rpkg *p = &r->pkg[i];
		if (!p->has_release && !p->nact)
			continue;
		rk_jw_obj(&w);
		rk_jw_kstr(&w, "name", p->name);
		rk_jw_kstr(&w, "ecosystem", p->ecosystem);
		if (p->version)
			rk_jw_kstr(&w, "current", p->version);
		if (p->next)
			rk_jw_kstr(&w, "next", p->next);
		if (p->tag)
			rk_jw_kstr(&w, "tag", p->tag);
		rk_jw_kstr(&w, "status", p->status);
		rk_jw_kint(&w, "level", p->level);
		rk_jw_kint(&w, "actions", (long long)p->nact);
		rk_jw_kint(&w, "cached", (long long)p->ncached);
		rk_jw_kint(&w, "failed", (long long)p->nfailed);
		rk_jw_kint(&w, "skipped", (long long)p->nskipped);
		rk_jw_kint(&w, "retries", (long long)p->nretries);
		if (p->start >= 0)
			rk_jw_kint(&w, "duration_ms", p->end - p->start);
		rk_jw_obj_end(&w);
	}
	rk_jw_arr_end(&w);
	rk_jw_key(&w, "counts");
	rk_jw_obj(&w);
	rk_jw_kint(&w, "actions", (long long)r->nact);
	rk_jw_kint(&w, "succeeded", (long long)r->n_ok);
	rk_jw_kint(&w, "cached", (long long)r->n_cached);
	rk_jw_kint(&w, "failed", (long long)r->n_failed);
	rk_jw_kint(&w, "skipped", (long long)r->n_skipped);
	rk_jw_kint(&w, "retries", (long long)r->n_retries);
	rk_jw_obj_end(&w);
	rk_jw_kint(&w, "duration_ms",
		   r->has_summary && r->sum_duration_ms ? r->sum_duration_ms : r->end);
	if (r->exit_code >= 0)
		rk_jw_kint(&w, "exit_code", r->exit_code);
	if (r->interrupted)
		rk_jw_kstr(&w, "interrupted", r->interrupted);
	rk_jw_key(&w, "failures");
	rk_jw_arr(&w);
	for (i = 0; i < r->nact; i++) {
		const struct rk_raction *a = &r->act[i];
		long line;
		if (a->state != RK_RS_FAILED)
			continue;
		rk_jw_obj(&w);
		rk_jw_kstr(&w, "action", a->id);
		if (a->package)
			rk_jw_kstr(&w, "package", a->package);
		if (a->reason)
			rk_jw_kstr(&w, "reason", a->reason);
		if (a->has_exit)
			rk_jw_kint(&w, "exit_code", a->exit_code);
		rk_jw_kint(&w, "attempts", a->attempts);
		if (rk_report_location(r, a, &f, &line) == 0) {
			rk_jw_kstr(&w, "file", f.data);
			if (line)
				rk_jw_kint(&w, "line", line);
		}
		if (a->stdout_tail)
			rk_jw_kstr(&w, "stdout_tail", a->stdout_tail);
		if (a->stderr_tail)
			rk_jw_kstr(&w, "stderr_tail", a->stderr_tail);
		rk_jw_obj_end(&w);
	}
	rk_jw_arr_end(&w);
	rk_jw_obj_end(&w);
	rk_buf_addc(out, '\n');
	rk_buf_release(&f);
}

/* XML text/attribute content: escaped, and characters XML 1.0 forbids dropped. */
static void xml(struct rk_buf *b, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '<')
			rk_buf_adds(b, "&lt;");
		else if (c == '>')
			rk_buf_adds(b, "&gt;");
		else if (c == '&')
			rk_buf_adds(b, "&amp;");
		else if (c == '"')
			rk_buf_adds(b, "&quot;");
		else if (c < 0x20 && c != '\n' && c != '\t' && c != '\r')
			continue;
		else
			rk_buf_addc(b, (char)c);
	}
}

static void xml_secs(struct rk_buf *b, long long ms)
{
	rk_buf_addf(b, "%lld.%03lld", ms / 1000, ms % 1000);
}

void rk_report_junit(const struct rk_report *r, struct rk_buf *out)
{
	size_t i, k, npk = r->npkg + 1;

	rk_buf_adds(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	rk_buf_addf(out,
		    "<testsuites name=\"releasekit\" tests=\"%zu\" failures=\"%zu\" "
		    "errors=\"0\" skipped=\"%zu\" time=\"",
		    r->nact, r->n_failed, r->n_skipped);
	xml_secs(out, r->has_summary && r->sum_duration_ms ? r->sum_duration_ms : r->end);
	rk_buf_adds(out, "\">\n");
	/* one suite per package (in package order), then one for actions of no package */
	for (k = 0; k < npk; k++) {
		size_t n = 0, nf = 0, ns = 0;
		long long t = 0;
		const char *name = k < r->npkg ? r->pkg[k].name : "(release)";
		for (i = 0; i < r->nact; i++) {
			const struct rk_raction *a = &r->act[i];
			if ((k < r->npkg) ? a->pkg != k : a->pkg != (size_t)-1)
				continue;
			n++;
			nf += a->state == RK_RS_FAILED;
			ns += a->state == RK_RS_SKIPPED;
			t += a->duration_ms;
		}
		if (!n)
			continue;
		rk_buf_adds(out, "  <testsuite name=\"");
		if (k < r->npkg && *r->pkg[k].ecosystem) {
			xml(out, r->pkg[k].ecosystem);
			rk_buf_addc(out, ':');
		}
		xml(out, name);
		rk_buf_addf(
			out,
			"\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\" time=\"", n,
			nf, ns);
		xml_secs(out, t);
		rk_buf_adds(out, "\">\n");
		for (i = 0; i < r->nact; i++) {
			const struct rk_raction *a = &r->act[i];
			if ((k < r->npkg) ? a->pkg != k : a->pkg != (size_t)-1)
				continue;
			rk_buf_adds(out, "    <testcase classname=\"releasekit.");
			xml(out, a->type);
			rk_buf_adds(out, "\" name=\"");
			xml(out, a->id);
			rk_buf_adds(out, "\" time=\"");
			xml_secs(out, a->duration_ms);
			rk_buf_adds(out, "\"");
			if (a->state == RK_RS_FAILED) {
				rk_buf_adds(out, ">\n      <failure message=\"");
				xml(out, a->reason ? a->reason : "failed");
				rk_buf_adds(out, "\" type=\"failed\">");
				if (a->stdout_tail) {
					rk_buf_adds(out, "stdout:\n");
					xml(out, a->stdout_tail);
				}
				if (a->stderr_tail) {
					rk_buf_adds(out, "stderr:\n");
					xml(out, a->stderr_tail);
				}
				rk_buf_adds(out, "</failure>\n    </testcase>\n");
			} else if (a->state == RK_RS_SKIPPED) {
				rk_buf_adds(out, ">\n      <skipped message=\"");
				xml(out, a->reason ? a->reason : "skipped");
				rk_buf_adds(out, "\"/>\n    </testcase>\n");
			} else if (a->state == RK_RS_CACHED || a->retries || a->note) {
				rk_buf_adds(out, ">\n      <system-out>");
				if (a->state == RK_RS_CACHED)
					rk_buf_adds(out, "cached\n");
				if (a->retries)
					rk_buf_addf(out, "retried %d time%s\n", a->retries,
						    a->retries == 1 ? "" : "s");
				if (a->note) {
					xml(out, a->note);
					rk_buf_addc(out, '\n');
				}
				rk_buf_adds(out, "</system-out>\n    </testcase>\n");
			} else if (a->state == RK_RS_PENDING) {
				rk_buf_adds(out,
					    ">\n      <skipped message=\"did not finish\"/>\n    "
					    "</testcase>\n");
			} else {
				rk_buf_adds(out, "/>\n");
			}
		}
		rk_buf_adds(out, "  </testsuite>\n");
	}
	rk_buf_adds(out, "</testsuites>\n");
}

static void published_json(const struct rk_report *r, struct rk_buf *out)
{
	struct rk_jw w;
	size_t i, k;

	rk_jw_init(&w, out);
	rk_jw_arr(&w);
	for (i = 0; i < r->npkg; i++) {
		const struct rk_rpkg *p = &r->pkg[i];
		int pub = 0;
		for (k = 0; k < r->nact; k++)
			if (r->act[k].pkg == i && !strcmp(r->act[k].type, "publish") &&
			    (r->act[k].state == RK_RS_SUCCEEDED || r->act[k].state == RK_RS_CACHED))
				pub = 1;
		if (!pub)
			continue;
		rk_jw_obj(&w);
		rk_jw_kstr(&w, "name", p->name);
		rk_jw_kstr(&w, "ecosystem", p->ecosystem);
		rk_jw_kstr(&w, "version", p->next ? p->next : p->version);
		rk_jw_obj_end(&w);
	}
	rk_jw_arr_end(&w);
}

/* The values both CI outputs carry: key (as GitHub names it) and value, in order. */
static void ci_values(const struct rk_report *r, struct rk_buf *out, int dotenv)
{
	size_t i;

	rk_buf_addf(out, "released=%s\n", r->released ? "true" : "false");
	rk_buf_adds(out, "releases=");
	rk_report_releases_json(r, out);
	rk_buf_adds(out, "\npublished_packages=");
	published_json(r, out);
	rk_buf_addc(out, '\n');
	for (i = 0; i < r->npkg; i++) {
		const struct rk_rpkg *p = &r->pkg[i];
		const char *s;
		if (strcmp(p->status, "released") || strpbrk(p->name, "\r\n="))
			continue; /* a key that would break the file's lines is left out */
		if (!dotenv) {
			rk_buf_addf(out, "%s--version=%s\n", p->name,
				    p->next ? p->next : p->version);
			continue;
		}
		for (s = p->name; *s; s++)
			rk_buf_addc(out, isalnum((unsigned char)*s) ? *s : '_');
		rk_buf_addf(out, "__version=%s\n", p->next ? p->next : p->version);
	}
}

void rk_report_github_output(const struct rk_report *r, struct rk_buf *out)
{
	ci_values(r, out, 0);
}

void rk_report_dotenv(const struct rk_report *r, struct rk_buf *out)
{
	ci_values(r, out, 1);
}

/* Workflow-command escaping: data escapes %, \r, \n; properties also : and ,. */
static void gh_esc(struct rk_buf *b, const char *s, int prop)
{
	for (; s && *s; s++) {
		if (*s == '%')
			rk_buf_adds(b, "%25");
		else if (*s == '\r')
			rk_buf_adds(b, "%0D");
		else if (*s == '\n')
			rk_buf_adds(b, "%0A");
		else if (prop && *s == ':')
			rk_buf_adds(b, "%3A");
		else if (prop && *s == ',')
			rk_buf_adds(b, "%2C");
		else
			rk_buf_addc(b, *s);
	}
}

void rk_report_annotations(const struct rk_report *r, struct rk_buf *out)
{
	struct rk_buf f = RK_BUF_INIT, msg = RK_BUF_INIT;

	for (size_t i = 0; i < r->nact; i++) {
		const struct rk_raction *a = &r->act[i];
		long line;
		if (a->state != RK_RS_FAILED)
			continue;
		rk_buf_adds(out, "::error ");
		if (rk_report_location(r, a, &f, &line) == 0) {
			rk_buf_adds(out, "file=");
			gh_esc(out, f.data, 1);
			if (line)
				rk_buf_addf(out, ",line=%ld", line);
			rk_buf_addc(out, ',');
		}
		rk_buf_adds(out, "title=");
		rk_buf_reset(&msg);
		rk_buf_addf(&msg, "releasekit: %s failed", a->id);
		gh_esc(out, msg.data, 1);
		rk_buf_adds(out, "::");
		rk_buf_reset(&msg);
		rk_buf_addf(&msg, "%s failed: %s", a->id, a->reason ? a->reason : "failed");
		if (a->stderr_tail || a->stdout_tail) {
			rk_buf_adds(&msg, "\n");
			rk_buf_adds(&msg, a->stderr_tail ? a->stderr_tail : a->stdout_tail);
		}
		while (msg.len && msg.data[msg.len - 1] == '\n')
			msg.data[--msg.len] = '\0';
		gh_esc(out, msg.data, 0);
		rk_buf_addc(out, '\n');
	}
	rk_buf_release(&f);
	rk_buf_release(&msg);
}
