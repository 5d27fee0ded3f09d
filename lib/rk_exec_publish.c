/* rk_exec_publish.c - the build and publish executors; see rk_exec_publish.h. */
#include "rk_common.h"
#include "rk_exec_publish.h"

#include <dirent.h>
#include <fcntl.h>
#include <math.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "rk_proc.h"
#include "rk_backend.h"
#include "rk_pubops.h"
#include "rk_registry.h"
#include "rk_sort.h"
#include "rk_strv.h"

static int mkdirs(const char *path)
{
	char *p = rk_xstrdup(path), *s;
	int rc = 0;

	for (s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		if (mkdir(p, 0777) != 0 && errno != EEXIST)
			rc = -1;
		*s = '/';
	}
	if (mkdir(p, 0777) != 0 && errno != EEXIST)
		rc = -1;
	free(p);
	return rc;
}

/* The sorted regular files of dir (base names, malloc'd); -1 when it cannot be read. */
static int list_dir(const char *dir, char ***out, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t cap = 0;

	*out = NULL;
	*n = 0;
	if (!d)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		rk_strv_push(out, n, &cap, e->d_name);
	}
	closedir(d);
	if (*n)
		qsort(*out, *n, sizeof(**out), rk_strcmp_ptr);
	return 0;
}

/* The package as the params and action fields describe it. */
static int pkg_of(struct rk_xctx *x, struct rk_pub_pkg *p, const struct rk_backend **ops)
{
	memset(p, 0, sizeof(*p));
	p->root = x->root;
	p->name = x->package;
	p->ecosystem = x->ecosystem;
	p->version = x->version ? x->version : rk_xctx_param(x, "version");
	if (!p->name || !p->ecosystem || !p->version)
		return rk_err_set(&x->err, NULL, 0, 0,
				  "action '%s': needs \"package\", \"ecosystem\" and \"version\"",
				  x->id);
	*ops = rk_backend_for(p->ecosystem);
	if (!*ops || !(*ops)->build || !(*ops)->publish_target || !(*ops)->is_artifact)
		return rk_err_set(&x->err, NULL, 0, 0, "action '%s': %s: %s is not supported",
				  x->id, p->ecosystem, x->type);
	p->manager = rk_xctx_param(x, "manager");
	p->path = rk_xctx_param_req(x, "path");
	p->manifest = rk_xctx_param_req(x, "manifest");
	if (!p->path || !p->manifest)
		return -1;
	p->workspace = rk_xctx_param(x, "workspace");
	p->registry_url = rk_xctx_param(x, "registry_url");
	p->index_url = rk_xctx_param(x, "index_url");
	p->registry = rk_xctx_param(x, "registry");
	p->token_env = rk_xctx_param(x, "token_env");
	p->tag = rk_xctx_param(x, "tag");
	p->channel = rk_xctx_param(x, "channel");
	if (p->token_env && !rk_pub_env(p->token_env)) {
		/* never another token than the one RELEASE.star names */
		rk_xctx_retryable(x, false);
		return rk_err_set(&x->err, NULL, 0, 0,
				  "action '%s': the token is secret(\"%s\"), but %s is not set "
				  "in the environment",
				  x->id, p->token_env, p->token_env);
	}
	return 0;
}

/* params.dist (rk-plan writes it), else the contract's directory; never
 * outside the repository's .releasekit/. */
static void dist_of(struct rk_xctx *x, const struct rk_pub_pkg *p, struct rk_buf *rel)
{
	const char *d = rk_xctx_param(x, "dist");

	if (d && strncmp(d, ".releasekit/", 12) == 0 && !strstr(d, "..")) {
		rk_buf_reset(rel);
		rk_buf_adds(rel, d);
	} else {
		rk_dist_dir(p->ecosystem, p->name, p->version, rel);
	}
}

int rk_xrun_build(struct rk_xctx *x)
{
	struct rk_buf rel = RK_BUF_INIT, abs = RK_BUF_INIT, f = RK_BUF_INIT, how = RK_BUF_INIT;
	const struct rk_backend *ops;
	struct rk_pub_pkg p;
	char **files = NULL;
	size_t n = 0, i, arts = 0;
	int rc = -1;

	if (pkg_of(x, &p, &ops) != 0)
		return -1;
	p.note = &how;
	dist_of(x, &p, &rel);
	rk_buf_addf(&abs, "%s/%s", x->root, rel.data);
	/* start from an empty directory: what is there is what this build made */
	if (list_dir(abs.data, &files, &n) == 0) {
		for (i = 0; i < n; i++) {
			rk_buf_reset(&f);
			rk_buf_addf(&f, "%s/%s", abs.data, files[i]);
			unlink(f.data);
		}
		rk_strv_free(files, n);
		files = NULL;
	}
	if (mkdirs(abs.data) != 0) {
		rk_err_set(&x->err, NULL, 0, 0, "%s: %s", abs.data, strerror(errno));
		goto out;
	}
	if (ops->build(&p, abs.data, &x->err) != 0) {
		rk_xctx_retryable(x, false);
		goto out;
	}
	if (list_dir(abs.data, &files, &n) != 0) {
		rk_err_set(&x->err, NULL, 0, 0, "%s: %s", abs.data, strerror(errno));
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (!ops->is_artifact(files[i]))
			continue;
		rk_buf_reset(&f);
		rk_buf_addf(&f, "%s/%s", rel.data, files[i]);
		if (rk_xctx_output(x, f.data) != 0)
			goto out;
		arts++;
	}
	if (!arts) {
		rk_err_set(&x->err, NULL, 0, 0, "%s %s: the build made no artifact in %s", p.name,
			   p.version, rel.data);
		goto out;
	}
	rk_xctx_note(x, "built %zu file%s into %s%s%s%s", arts, arts == 1 ? "" : "s", rel.data,
		     how.len ? " (" : "", how.len ? how.data : "", how.len ? ")" : "");
	rc = 0;
out:
	rk_buf_release(&how);
	rk_strv_free(files, n);
	rk_buf_release(&rel);
	rk_buf_release(&abs);
	rk_buf_release(&f);
	return rc;
}

/*
 * publish_rate: at most `rate` uploads a second to one registry, across
 * every process of the release. A file per registry under
 * .releasekit/rate/ holds the time (CLOCK_REALTIME, ms) of the next free
 * slot; taking a slot is a read-modify-write under flock; the wait is
 * outside the lock.
 */
struct rate {
	struct rk_xctx *x;
	const char *url;
	double rate;
};

static int rate_slot(struct rk_xctx *x, const char *url, double rate);

static int before_upload(void *ctx, struct rk_err *err)
{
	struct rate *rt = ctx;

	(void)err; /* rate_slot sets x->err, which is err */
	rk_xctx_killpoint(rt->x, "upload");
	return rate_slot(rt->x, rt->url, rt->rate);
}

static int rate_slot(struct rk_xctx *x, const char *url, double rate)
{
	struct rk_buf dir = RK_BUF_INIT, path = RK_BUF_INIT, show = RK_BUF_INIT;
	const char *c;
	char buf[64] = "";
	long long next = 0, now;
	struct timespec ts;
	ssize_t got;
	int fd, rc = 0;

	if (!(rate > 0))
		return 0;
	rk_http_url_show(url, &show);
	rk_buf_addf(&dir, "%s/.releasekit/rate", x->root);
	mkdirs(dir.data);
	rk_buf_addf(&path, "%s/", dir.data);
	for (c = show.data; *c; c++)
		rk_buf_addc(&path, (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ? *c : '_');
	fd = open(path.data, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0 || flock(fd, LOCK_EX) != 0) {
		rc = rk_err_set(&x->err, NULL, 0, 0, "%s: %s", path.data, strerror(errno));
		goto out;
	}
	got = pread(fd, buf, sizeof(buf) - 1, 0);
	if (got > 0) {
		buf[got] = 0;
		next = atoll(buf);
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	now = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	if (next < now)
		next = now;
	snprintf(buf, sizeof(buf), "%lld\n", next + (long long)llround(1000.0 / rate));
	if (pwrite(fd, buf, strlen(buf), 0) < 0 || ftruncate(fd, (off_t)strlen(buf)) != 0)
		rc = rk_err_set(&x->err, NULL, 0, 0, "%s: %s", path.data, strerror(errno));
	flock(fd, LOCK_UN);
	if (rc == 0 && next > now) {
		struct timespec w = {(time_t)((next - now) / 1000),
				     (long)((next - now) % 1000) * 1000000};

		fprintf(stderr, "rk-exec: %s: waiting %.3f s (publish_rate %g/s to %s)\n", x->id,
			(double)(next - now) / 1000.0, rate, show.data);
		while (nanosleep(&w, &w) != 0 && errno == EINTR)
			;
	}
out:
	if (fd >= 0)
		close(fd);
	rk_buf_release(&dir);
	rk_buf_release(&path);
	rk_buf_release(&show);
	return rc;
}

int rk_xrun_publish(struct rk_xctx *x)
{
	struct rk_buf rel = RK_BUF_INIT, abs = RK_BUF_INIT, f = RK_BUF_INIT, show = RK_BUF_INIT;
	struct rk_pub_keep keep = {{0}, 0};
	const struct rk_backend *ops;
	struct rk_pub_pkg p;
	struct rk_reg r;
	struct rate rl;
	char **files = NULL;
	size_t n = 0, i, up = 0, already = 0;
	double rate = 0;
	int rc = -1, rt;

	if (pkg_of(x, &p, &ops) != 0)
		return -1;
	rt = rk_xctx_param_tok(x, "rate");
	if (rt >= 0 && rk_json_double(x->a, rt, &rate) != 0)
		rate = 0;
	memset(&r, 0, sizeof(r));
	rk_http_opts_default(&r.http);
	r.http.on_wait = rk_xctx_http_wait;
	r.http.ctx = x;
	if (ops->publish_target(&p, &r, &keep, &x->err) != 0) {
		rk_xctx_retryable(x, false);
		goto out;
	}
	rk_http_url_show(r.url, &show);
	rl.x = x;
	rl.url = r.url;
	rl.rate = rate;
	r.before_upload = before_upload;
	r.before_ctx = &rl;
	dist_of(x, &p, &rel);
	rk_buf_addf(&abs, "%s/%s", x->root, rel.data);
	if (list_dir(abs.data, &files, &n) != 0) {
		rk_err_set(&x->err, NULL, 0, 0,
			   "%s: no artifacts (%s): the build action makes them", rel.data,
			   strerror(errno));
		rk_xctx_retryable(x, false);
		goto out;
	}
	for (i = 0; i < n; i++) {
		enum rk_pub_result res;

		if (!ops->is_artifact(files[i]))
			continue;
		rk_buf_reset(&f);
		rk_buf_addf(&f, "%s/%s", abs.data, files[i]);
		if (rk_registry_publish_file(&r, p.name, p.version, f.data, &res, &x->err) != 0) {
			rk_xctx_retryable(x, false);
			goto out;
		}
		rk_xctx_killpoint(x, "uploaded");
		if (res == RK_PUB_ALREADY) {
			already++;
			fprintf(stderr, "rk-exec: %s: %s is already on %s (same sha256)\n", x->id,
				files[i], show.data);
		} else {
			up++;
			fprintf(stderr, "rk-exec: %s: uploaded %s to %s\n", x->id, files[i],
				show.data);
		}
	}
	if (up + already == 0) {
		rk_err_set(&x->err, NULL, 0, 0,
			   "%s: no artifacts to publish: the build action makes them", rel.data);
		rk_xctx_retryable(x, false);
		goto out;
	}
	if (up == 0)
		rk_xctx_note(x, "already published");
	else if (already == 0)
		rk_xctx_note(x, "uploaded %zu file%s to %s", up, up == 1 ? "" : "s", show.data);
	else
		rk_xctx_note(x, "uploaded %zu file%s to %s (%zu already published)", up,
			     up == 1 ? "" : "s", show.data, already);
	rc = 0;
out:
	rk_strv_free(files, n);
	rk_pub_keep_release(&keep);
	rk_buf_release(&rel);
	rk_buf_release(&abs);
	rk_buf_release(&f);
	rk_buf_release(&show);
	return rc;
}
