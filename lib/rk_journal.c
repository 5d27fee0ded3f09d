/*
 * rk_journal.c - the pin journal (see rk_journal.h).
 */
#include "rk_common.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rk_be.h"
#include "rk_journal.h"
#include "rk_sha256.h"

#define MAGIC "releasekit-journal 1\n"

/*
 * Everything directly in .releasekit/ is state (journal/, dist/, rate/,
 * cargo-target/, prepare.plan, publish.plan, prepare-written, ...), except
 * plans/, rk-plan's default plans directory, whose files are committed.
 * The pattern slash-star is anchored here: it does not reach inside plans/.
 */
#define STATE_GITIGNORE "/*\n!/plans/\n"

/* Whether the file holds exactly the "*" earlier versions wrote. */
static bool old_gitignore(const char *path)
{
	char b[8];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	n = read(fd, b, sizeof(b));
	close(fd);
	return n == 2 && b[0] == '*' && b[1] == '\n';
}

int rk_state_dir(const char *root, struct rk_buf *out, struct rk_err *err)
{
	struct rk_buf gi = RK_BUF_INIT;
	int rc = 0;

	rk_buf_reset(out);
	rk_buf_addf(out, "%s/.releasekit", root);
	if (mkdir(out->data, 0777) != 0 && errno != EEXIST)
		return rk_be_fail(err, ".releasekit: cannot create: %s", strerror(errno));
	rk_buf_addf(&gi, "%s/.gitignore", out->data);
	/* written when absent, or when it is the old "*" that hid the plans too */
	if ((!rk_is_file(gi.data) || old_gitignore(gi.data)) &&
	    rk_write_file_atomic(gi.data, STATE_GITIGNORE, strlen(STATE_GITIGNORE), 0644) != 0)
		rc = rk_be_fail(err, ".releasekit/.gitignore: cannot write: %s", strerror(errno));
	rk_buf_release(&gi);
	return rc;
}

/* .releasekit/journal/<key>.journal relative to root, into out. */
static void journal_rel(const char *key, struct rk_buf *out)
{
	char hex[RK_SHA256_HEX];

	rk_sha256_buf(key, strlen(key), hex);
	rk_buf_reset(out);
	rk_buf_adds(out, ".releasekit/journal/");
	for (const char *c = key; *c && out->len < 120; c++)
		rk_buf_addc(out, (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
						 (*c >= '0' && *c <= '9') || *c == '-' || *c == '.'
					 ? *c
					 : '_');
	rk_buf_addf(out, "-%.12s.journal", hex);
}

struct jent {
	char *path;
	int mode;
	bool created;
	const char *data; /* into the journal's text */
	size_t len;
};

struct journal {
	struct rk_buf text;
	char *key;
	struct jent *v;
	size_t n, cap;
};

static void journal_release(struct journal *j)
{
	for (size_t i = 0; i < j->n; i++)
		free(j->v[i].path);
	free(j->v);
	free(j->key);
	rk_buf_release(&j->text);
	memset(j, 0, sizeof(*j));
}

/* Parse a journal file (rel in errors). 1 parsed, 0 absent, -1 error. */
static int journal_load(const char *root, const char *rel, struct journal *j, struct rk_err *err)
{
	struct rk_buf full = RK_BUF_INIT;
	const char *s, *end, *nl;
	long line = 1;

	memset(j, 0, sizeof(*j));
	rk_buf_init(&j->text);
	rk_buf_addf(&full, "%s/%s", root, rel);
	if (rk_buf_read_file(&j->text, full.data) < 0) {
		int e = errno;
		rk_buf_release(&full);
		if (e == ENOENT)
			return 0;
		return rk_be_fail(err, "%s: %s", rel, strerror(e));
	}
	rk_buf_release(&full);
	rk_buf_add(&j->text, "", 0);
	s = j->text.data;
	end = s + j->text.len;
	if ((size_t)(end - s) < strlen(MAGIC) || memcmp(s, MAGIC, strlen(MAGIC)))
		return rk_be_fail(err, "%s:1: not a releasekit journal", rel);
	s += strlen(MAGIC);
	line++;
	nl = memchr(s, '\n', (size_t)(end - s));
	if (!nl)
		return rk_be_fail(err, "%s:%ld: truncated journal", rel, line);
	j->key = rk_xstrndup(s, (size_t)(nl - s));
	s = nl + 1;
	for (;;) {
		struct jent *e;
		unsigned long mode, len;
		int created, used = 0;
		char *hdr;

		line++;
		nl = memchr(s, '\n', (size_t)(end - s));
		if (!nl)
			return rk_be_fail(err, "%s:%ld: truncated journal", rel, line);
		if (nl - s == 3 && !memcmp(s, "END", 3))
			break;
		hdr = rk_xstrndup(s, (size_t)(nl - s));
		if (sscanf(hdr, "F %lo %d %lu %n", &mode, &created, &len, &used) != 3 || !used ||
		    !hdr[used] || (size_t)(end - (nl + 1)) < len + 1 || nl[1 + len] != '\n') {
			free(hdr);
			return rk_be_fail(err, "%s:%ld: bad journal entry", rel, line);
		}
		RK_GROW(j->v, j->cap, j->n + 1);
		e = &j->v[j->n++];
		e->path = rk_xstrdup(hdr + used);
		e->mode = (int)(mode & 07777);
		e->created = created != 0;
		e->data = nl + 1;
		e->len = len;
		free(hdr);
		for (const char *c = e->data; c < e->data + len; c++)
			line += *c == '\n';
		s = nl + 1 + len + 1;
		line++;
	}
	return 1;
}

static int mkdirs(const char *root, const char *rel)
{
	struct rk_buf p = RK_BUF_INIT;
	int rc = 0;

	rk_buf_addf(&p, "%s/", root);
	for (const char *c = rel; *c; c++) {
		if (*c == '/' && mkdir(p.data, 0777) != 0 && errno != EEXIST) {
			rc = -1;
			break;
		}
		rk_buf_addc(&p, *c);
	}
	if (rc == 0 && mkdir(p.data, 0777) != 0 && errno != EEXIST)
		rc = -1;
	rk_buf_release(&p);
	return rc;
}

static const struct jent *find_ent(const struct journal *j, const char *path)
{
	for (size_t i = 0; i < j->n; i++)
		if (!strcmp(j->v[i].path, path))
			return &j->v[i];
	return NULL;
}

static void put_ent(struct rk_buf *b, const char *path, int mode, bool created, const void *data,
		    size_t len)
{
	rk_buf_addf(b, "F %o %d %zu %s\n", mode, created ? 1 : 0, len, path);
	rk_buf_add(b, data, len);
	rk_buf_addc(b, '\n');
}

int rk_journal_record(const char *root, const char *key, const struct rk_edits *ed,
		      struct rk_err *err)
{
	struct rk_buf dir = RK_BUF_INIT, rel = RK_BUF_INIT, out = RK_BUF_INIT, full = RK_BUF_INIT;
	struct journal old;
	int rc = -1, got;
	bool any = false;

	if (strchr(key, '\n'))
		return rk_be_fail(err, "journal key holds a newline");
	if (rk_state_dir(root, &dir, err) < 0)
		goto out;
	journal_rel(key, &rel);
	if (mkdirs(root, ".releasekit/journal") < 0) {
		rk_be_fail(err, ".releasekit/journal: cannot create: %s", strerror(errno));
		goto out;
	}
	got = journal_load(root, rel.data, &old, err);
	if (got < 0) {
		journal_release(&old);
		goto out;
	}
	rk_buf_adds(&out, MAGIC);
	rk_buf_addf(&out, "%s\n", key);
	for (size_t i = 0; i < old.n; i++)
		put_ent(&out, old.v[i].path, old.v[i].mode, old.v[i].created, old.v[i].data,
			old.v[i].len);
	for (size_t i = 0; i < ed->n; i++) {
		const struct rk_edit *e = &ed->v[i];
		struct stat st;
		int mode = 0644;

		if (strchr(e->path, '\n')) {
			rk_be_fail(err, "%s: a path with a newline cannot be journalled", e->path);
			goto out_old;
		}
		if (find_ent(&old, e->path))
			continue;
		if (e->created && e->deleted)
			continue;
		if (!e->deleted && !e->created && e->before.len == e->after.len &&
		    (!e->before.len || !memcmp(e->before.data, e->after.data, e->before.len)))
			continue; /* unchanged */
		rk_buf_reset(&full);
		rk_buf_addf(&full, "%s/%s", root, e->path);
		if (stat(full.data, &st) == 0)
			mode = (int)(st.st_mode & 07777);
		put_ent(&out, e->path, mode, e->created, e->before.data ? e->before.data : "",
			e->before.len);
		any = true;
	}
	rk_buf_adds(&out, "END\n");
	if (!any && got == 1) {
		rc = 0; /* nothing new to record */
		goto out_old;
	}
	rk_buf_reset(&full);
	rk_buf_addf(&full, "%s/%s", root, rel.data);
	rk_fault_point();
	if (rk_write_file_atomic(full.data, out.data, out.len, 0644) != 0) {
		rk_be_fail(err, "%s: cannot write: %s", rel.data, strerror(errno));
		goto out_old;
	}
	rc = 0;
out_old:
	if (got >= 0)
		journal_release(&old);
out:
	rk_buf_release(&dir);
	rk_buf_release(&rel);
	rk_buf_release(&out);
	rk_buf_release(&full);
	return rc;
}

bool rk_journal_exists(const char *root, const char *key)
{
	struct rk_buf rel = RK_BUF_INIT, full = RK_BUF_INIT;
	bool r;

	journal_rel(key, &rel);
	rk_buf_addf(&full, "%s/%s", root, rel.data);
	r = rk_is_file(full.data);
	rk_buf_release(&rel);
	rk_buf_release(&full);
	return r;
}

static void sync_dir_of(const char *path)
{
	char *d = rk_xstrdup(path), *slash = strrchr(d, '/');
	int fd;

	if (slash)
		*slash = '\0';
	fd = open(slash ? d : ".", O_RDONLY | O_DIRECTORY);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(d);
}

static int restore_file(const char *root, const char *rel, size_t *restored, struct rk_err *err)
{
	struct journal j;
	struct rk_buf full = RK_BUF_INIT, cur = RK_BUF_INIT;
	int got = journal_load(root, rel, &j, err), rc = 0;

	if (got <= 0) {
		journal_release(&j);
		return got;
	}
	for (size_t i = 0; i < j.n && rc == 0; i++) {
		const struct jent *e = &j.v[i];
		bool same;

		rk_buf_reset(&full);
		rk_buf_addf(&full, "%s/%s", root, e->path);
		if (e->created) {
			if (access(full.data, F_OK) == 0) {
				rk_fault_point();
				if (unlink(full.data) != 0)
					rc = rk_be_fail(err, "%s: cannot remove: %s", e->path,
							strerror(errno));
				else if (restored)
					(*restored)++;
			}
			continue;
		}
		same = rk_buf_read_file(&cur, full.data) == 0 && cur.len == e->len &&
		       (!e->len || !memcmp(cur.data, e->data, e->len));
		if (same)
			continue;
		rk_fault_point();
		if (rk_write_file_atomic(full.data, e->data, e->len, e->mode) != 0)
			rc = rk_be_fail(err, "%s: cannot restore: %s", e->path, strerror(errno));
		else if (restored)
			(*restored)++;
	}
	if (rc == 0) {
		rk_buf_reset(&full);
		rk_buf_addf(&full, "%s/%s", root, rel);
		if (unlink(full.data) != 0 && errno != ENOENT)
			rc = rk_be_fail(err, "%s: cannot remove: %s", rel, strerror(errno));
		else
			sync_dir_of(full.data);
	}
	journal_release(&j);
	rk_buf_release(&full);
	rk_buf_release(&cur);
	return rc < 0 ? -1 : 1;
}

int rk_journal_restore(const char *root, const char *key, size_t *restored, bool *found,
		       struct rk_err *err)
{
	struct rk_buf rel = RK_BUF_INIT;
	int rc;

	if (restored)
		*restored = 0;
	journal_rel(key, &rel);
	rc = restore_file(root, rel.data, restored, err);
	rk_buf_release(&rel);
	if (found)
		*found = rc == 1;
	return rc < 0 ? -1 : 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int rk_journal_restore_all(const char *root, size_t *journals, struct rk_err *err)
{
	struct rk_buf dir = RK_BUF_INIT;
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	if (journals)
		*journals = 0;
	rk_buf_addf(&dir, "%s/.releasekit/journal", root);
	d = opendir(dir.data);
	rk_buf_release(&dir);
	if (!d)
		return errno == ENOENT
			       ? 0
			       : rk_be_fail(err, ".releasekit/journal: %s", strerror(errno));
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		if (l > 8 && !strcmp(de->d_name + l - 8, ".journal")) {
			RK_GROW(names, cap, n + 1);
			names[n++] = rk_xstrdup(de->d_name);
		}
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++) {
		struct rk_buf rel = RK_BUF_INIT;

		rk_buf_addf(&rel, ".releasekit/journal/%s", names[i]);
		if (rc == 0) {
			int r = restore_file(root, rel.data, NULL, err);
			if (r < 0)
				rc = -1;
			else if (r == 1 && journals)
				(*journals)++;
		}
		rk_buf_release(&rel);
		free(names[i]);
	}
	free(names);
	return rc;
}
