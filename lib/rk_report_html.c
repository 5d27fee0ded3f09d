/* rk_report_html.c - the HTML rendering of a report (one self-contained file). */
#include "rk_common.h"
#include "rk_report.h"

void rk_report_html(const struct rk_report *r, struct rk_buf *out)
{
	(void)r;
	rk_buf_adds(out, "<!doctype html>\n");
}
