/*
 * t-registry: drive rk_http and rk_registry from tests.
 *
 *   t-registry get URL
 *       rk_http_do GET; prints "status=S attempts=A n429=N waited=W" and
 *       one line per wait ("wait reason=R seconds=S status=S") on stderr.
 *   t-registry publish KIND URL INDEX NAME VERSION FILE
 *       rk_registry_publish_file; prints "uploaded" or "already published";
 *       the token comes from $T_TOKEN, npm's dist-tag from $T_TAG.
 *   t-registry check KIND URL INDEX NAME VERSION FILE
 *       prints "absent", "same" or "other THEIRS".
 *   t-registry mask TEXT SECRET       prints TEXT with SECRET masked
 *   t-registry retry-after VALUE      prints the parsed seconds (now = 0)
 * Errors: the message on stderr, exit 1.
 */
#include "rk_common.h"
#include "rk_http.h"
#include "rk_registry.h"
#include "rk_sha256.h"

static void on_wait(void *ctx, const struct rk_http_wait *w)
{
	(void)ctx;
	fprintf(stderr, "wait reason=%s seconds=%.3f status=%ld attempt=%d%s%s\n", w->reason,
		w->seconds, w->status, w->attempt, w->error ? " error=" : "",
		w->error ? w->error : "");
}

int main(int argc, char **argv)
{
	struct rk_err err = {0};

	rk_msg_init(argv[0]);
	if (argc == 3 && strcmp(argv[1], "get") == 0) {
		struct rk_http_opts o;
		struct rk_http_req req = {0};
		struct rk_http_resp resp = RK_HTTP_RESP_INIT;

		rk_http_opts_default(&o);
		o.on_wait = on_wait;
		req.method = "GET";
		req.url = argv[2];
		if (rk_http_do(&o, &req, &resp, &err) != 0) {
			if (err.source)
				rk_err_print(&err);
			else
				rk_error("%s", err.msg);
			rk_http_resp_release(&resp);
			return 1;
		}
		printf("status=%ld attempts=%d n429=%d waited=%.3f\n", resp.status, resp.attempts,
		       resp.n429, resp.waited_s);
		rk_http_resp_release(&resp);
		return 0;
	}
	if (argc == 4 && strcmp(argv[1], "mask") == 0) {
		struct rk_buf b = RK_BUF_INIT;

		rk_buf_adds(&b, argv[2]);
		rk_http_mask(&b, argv[3]);
		printf("%s\n", b.data);
		rk_buf_release(&b);
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "retry-after") == 0) {
		printf("%.3f\n", rk_http_parse_retry_after(argv[2], 0));
		return 0;
	}
	if (argc == 8 && (strcmp(argv[1], "publish") == 0 || strcmp(argv[1], "check") == 0)) {
		struct rk_reg r = {0};
		int rc;

		r.kind = argv[2];
		r.url = argv[3];
		r.index = *argv[4] ? argv[4] : NULL;
		r.token = getenv("T_TOKEN");
		r.tag = getenv("T_TAG");
		rk_http_opts_default(&r.http);
		r.http.on_wait = on_wait;
		if (strcmp(argv[1], "publish") == 0) {
			enum rk_pub_result res;

			rc = rk_registry_publish_file(&r, argv[5], argv[6], argv[7], &res, &err);
			if (rc == 0)
				printf("%s\n",
				       res == RK_PUB_ALREADY ? "already published" : "uploaded");
		} else {
			struct rk_buf theirs = RK_BUF_INIT;
			enum rk_reg_truth t;
			char sum[RK_SHA256_HEX];

			if (rk_sha256_file(argv[7], sum) != 0)
				rk_die(1, "%s: %s", argv[7], strerror(errno));
			rc = rk_registry_check(&r, argv[5], argv[6], argv[7], sum, &t, &theirs,
					       &err);
			if (rc == 0)
				printf("%s%s%s\n",
				       t == RK_REG_SAME	   ? "same"
				       : t == RK_REG_OTHER ? "other"
							   : "absent",
				       theirs.len ? " " : "", theirs.len ? theirs.data : "");
			rk_buf_release(&theirs);
		}
		if (rc != 0) {
			if (err.source)
				rk_err_print(&err);
			else
				rk_error("%s", err.msg);
			return 1;
		}
		return 0;
	}
	rk_die(2, "usage: t-registry get URL | publish|check KIND URL INDEX NAME VERSION FILE | "
		  "mask TEXT SECRET | retry-after VALUE");
}
