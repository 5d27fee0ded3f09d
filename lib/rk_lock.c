/* rk_lock.c - the repository lock; see rk_lock.h. */
#include "rk_common.h"
#include "rk_lock.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "rk_json.h"
#include "rk_proc.h"

int rk_repo_root(const char *start, struct rk_buf *out)
{
	char *abs = realpath(start, NULL);
	struct rk_buf p = RK_BUF_INIT;
	size_t len;

	if (!abs)
		return -1;
	rk_buf_reset(out);
	rk_buf_adds(&p, abs);
	len = p.len;
	for (;;) {
		struct stat st;
		rk_buf_truncate(&p, len);
		rk_buf_adds(&p, len == 1 ? ".git" : "/.git");
		if (lstat(p.data, &st) == 0) {
			rk_buf_truncate(&p, len);
			rk_buf_adds(out, p.data);
			break;
		}
		rk_buf_truncate(&p, len);
		if (len <= 1) {
			rk_buf_adds(out, abs);
			break;
		}
		while (len > 1 && p.data[len - 1] != '/')
			len--;
		if (len > 1)
			len--; /* drop the '/' unless it is the root */
	}
	rk_buf_release(&p);
	free(abs);
	return 0;
}

static void hostname_(char *h, size_t n)
{
	if (gethostname(h, n) != 0)
		snprintf(h, n, "unknown");
	h[n - 1] = '\0';
}

/*
 * Whether process group g has a member that is not a zombie. A member killed
 * with its parent stays a zombie until init reaps it, and kill(-g, 0) still
 * finds it: on Linux, /proc tells the states apart; elsewhere kill decides.
 */
static int group_alive(pid_t g)
{
	DIR *dir;
	struct dirent *de;
	int alive = 0;

	if (kill(-g, 0) != 0 && errno != EPERM)
		return 0;
	dir = opendir("/proc");
	if (!dir)
		return 1;
	while (!alive && (de = readdir(dir))) {
		char path[300], buf[512], *rp, st;
		long long pgrp;
		FILE *fp;
		size_t n;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		fp = fopen(path, "r");
		if (!fp)
			continue;
		n = fread(buf, 1, sizeof(buf) - 1, fp);
		fclose(fp);
		buf[n] = '\0';
		/* "pid (comm) S ppid pgrp ...": comm may hold spaces and parentheses */
		rp = strrchr(buf, ')');
		if (rp && sscanf(rp + 1, " %c %*d %lld", &st, &pgrp) == 2 && pgrp == (long long)g &&
		    st != 'Z' && st != 'X')
			alive = 1;
	}
	closedir(dir);
	return alive;
}

/* The recorded process groups still alive, as "12, 34" (empty: none). */
static void live_groups(const struct rk_json *d, struct rk_buf *out)
{
	int a = rk_json_get(d, 0, "pgids"), e;

	rk_buf_reset(out);
	if (a < 0 || rk_json_type(d, a) != RK_JSON_ARRAY)
		return;
	for (e = rk_json_first(d, a); e >= 0; e = rk_json_next(d, e)) {
		long long g;
		if (rk_json_int(d, e, &g) != 0 || g <= 1 || g > 0x7fffffff)
			continue;
		if (group_alive((pid_t)g))
			rk_buf_addf(out, "%s%lld", out->len ? ", " : "", g);
	}
}

/* What the lock at path says; 0 parsed, -1 unreadable/unparseable.
 * groups (may be NULL) receives the live recorded process groups. */
static int read_lock_groups(const char *path, long long *pid, struct rk_buf *host,
			    struct rk_buf *started, struct rk_buf *groups);

static int read_lock(const char *path, long long *pid, struct rk_buf *host, struct rk_buf *started)
{
	return read_lock_groups(path, pid, host, started, NULL);
}

static int read_lock_groups(const char *path, long long *pid, struct rk_buf *host,
			    struct rk_buf *started, struct rk_buf *groups)
{
	struct rk_buf text = RK_BUF_INIT;
	struct rk_json d = RK_JSON_INIT;
	struct rk_err err;
	const char *s;
	int rc = -1;

	if (rk_buf_read_file(&text, path) != 0)
		goto out;
	while (text.len && (text.data[text.len - 1] == '\n'))
		rk_buf_truncate(&text, text.len - 1);
	if (rk_json_parse(&d, text.data ? text.data : "", text.len, path, 1, &err) != 0)
		goto out;
	if (rk_json_int(&d, rk_json_get(&d, 0, "pid"), pid) != 0 || *pid <= 0)
		goto out;
	rk_buf_reset(host);
	rk_buf_reset(started);
	s = rk_json_get_str(&d, 0, "host");
	rk_buf_adds(host, s ? s : "?");
	s = rk_json_get_str(&d, 0, "started");
	rk_buf_adds(started, s ? s : "?");
	if (groups)
		live_groups(&d, groups);
	rc = 0;
out:
	rk_json_release(&d);
	rk_buf_release(&text);
	return rc;
}

/* Try once: 0 acquired, 1 held by a live process, -1 error. */
static int try_lock(const char *path, const char *tmp)
{
	if (link(tmp, path) == 0)
		return 0;
	return errno == EEXIST ? 1 : -1;
}

/* Move a stale lock aside if it is still the file we judged (same inode). */
static void break_stale(const char *path, const struct stat *judged)
{
	struct rk_buf aside = RK_BUF_INIT;
	struct stat st;

	rk_buf_addf(&aside, "%s.stale.%ld", path, (long)getpid());
	if (rename(path, aside.data) == 0) {
		if (stat(aside.data, &st) == 0 &&
		    (st.st_ino != judged->st_ino || st.st_dev != judged->st_dev)) {
			/* we moved a fresh lock of someone else: put it back */
			if (link(aside.data, path) != 0 && errno != EEXIST)
				rk_warn("cannot restore lock %s: %s", path, strerror(errno));
		}
		unlink(aside.data);
	}
	rk_buf_release(&aside);
}

int rk_lock_acquire(struct rk_lock *l, const char *root, double timeout_s, struct rk_buf *who)
{
	struct rk_buf path = RK_BUF_INIT, tmp = RK_BUF_INIT, body = RK_BUF_INIT;
	struct rk_buf host = RK_BUF_INIT, started = RK_BUF_INIT, groups = RK_BUF_INIT;
	struct rk_jw w;
	char me[256], now[32];
	long long deadline = rk_now_ms() + (long long)(timeout_s * 1000.0);
	long long dying_since = 0; /* when a gone holder's groups were first seen */
	int fd, rc = -1;

	l->path = NULL;
	hostname_(me, sizeof(me));
	rk_time_rfc3339(now);
	rk_buf_addf(&path, "%s/%s", root, RK_LOCK_NAME);
	rk_jw_init(&w, &body);
	rk_jw_obj(&w);
	rk_jw_kint(&w, "pid", (long long)getpid());
	rk_jw_kstr(&w, "host", me);
	rk_jw_kstr(&w, "started", now);
	rk_jw_kstr(&w, "tool", rk_progname ? rk_progname : "releasekit");
	l->head = rk_xstrdup(body.data);
	rk_jw_obj_end(&w);
	rk_buf_addc(&body, '\n');

	rk_buf_addf(&tmp, "%s.tmp.XXXXXX", path.data);
	fd = mkstemp(tmp.data);
	if (fd < 0)
		goto out;
	if (write(fd, body.data, body.len) != (ssize_t)body.len || fsync(fd) != 0) {
		int e = errno;
		close(fd);
		unlink(tmp.data);
		errno = e;
		goto out;
	}
	close(fd);
	fchmodat(AT_FDCWD, tmp.data, 0644, 0);

	for (;;) {
		struct timespec pause = {0, 100 * 1000000L};
		struct stat st;
		long long pid = 0;
		int r = try_lock(path.data, tmp.data);

		if (r == 0) {
			l->path = rk_buf_detach(&path, NULL);
			path.data = NULL;
			rc = 0;
			break;
		}
		if (r < 0)
			break;
		if (stat(path.data, &st) != 0)
			continue; /* released meanwhile: try again */
		if (read_lock_groups(path.data, &pid, &host, &started, &groups) != 0) {
			if (time(NULL) - st.st_mtime > 10) {
				break_stale(path.data, &st);
				continue;
			}
			rk_buf_reset(who);
			rk_buf_adds(who, "an unreadable lock (broken once 10 s old)");
		} else {
			int mine = strcmp(host.data, me) == 0 && pid != (long long)getpid();
			int dead = mine && kill((pid_t)pid, 0) != 0 && errno == ESRCH;
			if (dead && !groups.len) {
				rk_warn("removing stale lock of pid %lld on host %s (since %s): the "
					"process is gone",
					pid, host.data, started.data);
				break_stale(path.data, &st);
				continue;
			}
			if (dead && !dying_since)
				dying_since = rk_now_ms();
			if (dead && rk_now_ms() - dying_since < 5000) {
				/* its children die with it (PR_SET_PDEATHSIG): give them
				 * a moment before calling them orphans */
				struct timespec ts = {0, 50 * 1000000L};
				nanosleep(&ts, NULL);
				continue;
			}
			rk_buf_reset(who);
			if (dead)
				rk_buf_addf(
					who,
					"pid %lld on host %s since %s (gone, but the commands it "
					"started still run in process groups %s)",
					pid, host.data, started.data, groups.data);
			else
				rk_buf_addf(who, "pid %lld on host %s since %s", pid, host.data,
					    started.data);
		}
		if (rk_now_ms() >= deadline) {
			rc = 1;
			break;
		}
		nanosleep(&pause, NULL);
	}
	unlink(tmp.data);
out:
	rk_buf_release(&path);
	rk_buf_release(&tmp);
	rk_buf_release(&body);
	rk_buf_release(&host);
	rk_buf_release(&started);
	rk_buf_release(&groups);
	if (rc != 0) {
		free(l->head);
		l->head = NULL;
	}
	return rc;
}

int rk_lock_set_groups(struct rk_lock *l, const int *pgids, size_t n)
{
	int cl;
	ssize_t w;
	struct rk_buf body = RK_BUF_INIT, tmp = RK_BUF_INIT;
	size_t i;
	int fd, rc = -1, e;

	if (!l->path || !l->head)
		return 0;
	rk_buf_adds(&body, l->head);
	rk_buf_adds(&body, ",\"pgids\":[");
	for (i = 0; i < n; i++)
		rk_buf_addf(&body, "%s%d", i ? "," : "", pgids[i]);
	rk_buf_adds(&body, "]}\n");
	rk_buf_addf(&tmp, "%s.tmp.XXXXXX", l->path);
	fd = mkstemp(tmp.data);
	if (fd < 0)
		goto out;
	w = write(fd, body.data, body.len);
	cl = close(fd);
	if (w != (ssize_t)body.len || cl != 0 || chmod(tmp.data, 0644) != 0 ||
	    rename(tmp.data, l->path) != 0) {
		e = errno;
		unlink(tmp.data);
		errno = e;
		goto out;
	}
	rc = 0;
out:
	rk_buf_release(&body);
	rk_buf_release(&tmp);
	return rc;
}

void rk_lock_release(struct rk_lock *l)
{
	struct rk_buf host = RK_BUF_INIT, started = RK_BUF_INIT;
	long long pid = 0;
	if (!l->path)
		return;
	/* only remove it if it is still ours */
	if (read_lock(l->path, &pid, &host, &started) == 0 && pid == (long long)getpid())
		unlink(l->path);
	rk_buf_release(&host);
	rk_buf_release(&started);
	free(l->path);
	l->path = NULL;
	free(l->head);
	l->head = NULL;
}
