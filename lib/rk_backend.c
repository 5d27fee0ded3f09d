/*
 * rk_backend.c - the edit set (pending file contents, atomic writes,
 * unified diffs), bump_file targets and the table of backends (see
 * rk_backend.h).
 */
#include "rk_common.h"

#include <regex.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rk_be.h"
#include "rk_glob.h"

/* ---- shared internals (rk_be.h) ---- */

int rk_be_fail(struct rk_err *err, const char *fmt, ...)
{
	static char where[RK_ERR_MAX];
	char buf[RK_ERR_MAX];
	const char *sep;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	err->source = NULL;
	err->line = 0;
	err->col = 0;
	/* "path[:line[:col]]: reason": the location becomes the source, so
	 * rk_err_format prints the line as it is */
	sep = strstr(buf, ": ");
	if (sep && !memchr(buf, ' ', (size_t)(sep - buf)) && sep > buf) {
		snprintf(where, sizeof(where), "%.*s", (int)(sep - buf), buf);
		err->source = where;
		snprintf(err->msg, sizeof(err->msg), "%s", sep + 2);
	} else {
		snprintf(err->msg, sizeof(err->msg), "%s", buf);
	}
	return -1;
}

int rk_be_flatten(struct rk_err *err, const char *path)
{
	char buf[RK_ERR_MAX];

	err->source = path;
	rk_err_format(err, buf, sizeof(buf));
	return rk_be_fail(err, "%s", buf);
}

void rk_be_splice(struct rk_edit *ed, size_t start, size_t end, const char *text, size_t n)
{
	struct rk_buf b = RK_BUF_INIT;

	rk_buf_add(&b, ed->after.data, start);
	rk_buf_add(&b, text, n);
	rk_buf_add(&b, ed->after.data + end, ed->after.len - end);
	rk_buf_release(&ed->after);
	ed->after = b;
	if (!ed->after.data)
		rk_buf_add(&ed->after, "", 0);
}

struct rk_toml_doc *rk_be_toml(const struct rk_edit *ed, struct rk_err *err)
{
	struct rk_toml_doc *doc;

	doc = rk_toml_parse(ed->after.data ? ed->after.data : "", ed->after.len, ed->path, err);
	if (!doc)
		rk_be_flatten(err, ed->path);
	return doc;
}

void rk_be_toml_set(struct rk_edit *ed, const struct rk_toml_doc *doc,
		    const struct rk_toml_value *v, const char *s)
{
	struct rk_buf b = RK_BUF_INIT;

	rk_toml_set_string(doc, v, s, strlen(s), &b);
	rk_buf_release(&ed->after);
	ed->after = b;
}

char *rk_be_join(const char *dir, const char *name)
{
	struct rk_buf b = RK_BUF_INIT;
	char *s;

	if (dir && *dir && strcmp(dir, "."))
		rk_buf_addf(&b, "%s/", dir);
	rk_buf_adds(&b, name);
	s = rk_buf_detach(&b, NULL);
	if (rk_path_normalize(s) < 0) {
		/* keep it as written; opening it names the problem */
	}
	return s;
}

void rk_be_cmd_set(struct rk_be_cmd *c, const struct rk_be_pkg *ws, const char *lock,
		   const char *const *argv)
{
	size_t n = 0;

	while (argv[n])
		n++;
	c->argv = rk_xcalloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		c->argv[i] = rk_xstrdup(argv[i]);
	c->cwd = rk_be_join(ws->path ? ws->path : ".", "");
	if (!*c->cwd) {
		free(c->cwd);
		c->cwd = rk_xstrdup(".");
	}
	c->lockfile = rk_be_join(ws->path, lock);
}

void rk_be_cmd_release(struct rk_be_cmd *c)
{
	for (size_t i = 0; c->argv && c->argv[i]; i++)
		free(c->argv[i]);
	free(c->argv);
	free(c->cwd);
	free(c->lockfile);
	memset(c, 0, sizeof(*c));
}

/* ---- fault injection ---- */

void rk_fault_point(void)
{
	static long count;
	const char *s = getenv("RK_TEST_KILL_WRITE");

	if (!s || !*s)
		return;
	if (++count == strtol(s, NULL, 10))
		raise(SIGKILL);
}

/* ---- the edit set ---- */

void rk_edits_release(struct rk_edits *e)
{
	for (size_t i = 0; i < e->n; i++) {
		free(e->v[i].path);
		rk_buf_release(&e->v[i].before);
		rk_buf_release(&e->v[i].after);
	}
	free(e->v);
	e->v = NULL;
	e->n = e->cap = 0;
}

static char *full_path(const char *root, const char *path)
{
	struct rk_buf b = RK_BUF_INIT;

	rk_buf_addf(&b, "%s/%s", root, path);
	return rk_buf_detach(&b, NULL);
}

static struct rk_edit *find_edit(struct rk_edits *e, const char *path)
{
	for (size_t i = 0; i < e->n; i++)
		if (!strcmp(e->v[i].path, path))
			return &e->v[i];
	return NULL;
}

static struct rk_edit *load(struct rk_edits *e, const char *root, const char *path, bool may_miss,
			    struct rk_err *err)
{
	struct rk_edit *ed;
	struct rk_buf b = RK_BUF_INIT;
	struct stat st;
	char *norm = rk_xstrdup(path), *full;
	bool missing = false;

	if (rk_path_normalize(norm) < 0 || norm[0] == '/' || !*norm) {
		rk_be_fail(err, "%s: path is outside the repository", path);
		free(norm);
		return NULL;
	}
	ed = find_edit(e, norm);
	if (ed) {
		free(norm);
		if (ed->deleted && !may_miss) {
			rk_be_fail(err, "%s: the file is to be deleted", path);
			return NULL;
		}
		return ed;
	}
	full = full_path(root, norm);
	if (lstat(full, &st) != 0) {
		if (errno != ENOENT || !may_miss) {
			rk_be_fail(err, "%s: %s", norm, strerror(errno));
			goto fail;
		}
		missing = true;
	} else if (!S_ISREG(st.st_mode)) {
		rk_be_fail(err, "%s: not a regular file", norm);
		goto fail;
	} else if (rk_buf_read_file(&b, full) < 0) {
		rk_be_fail(err, "%s: %s", norm, strerror(errno));
		goto fail;
	}
	free(full);
	RK_GROW(e->v, e->cap, e->n + 1);
	ed = &e->v[e->n++];
	memset(ed, 0, sizeof(*ed));
	ed->path = norm;
	rk_buf_add(&b, "", 0); /* data non-NULL even for an empty file */
	ed->before = b;
	rk_buf_add(&ed->after, b.data, b.len);
	ed->created = missing;
	return ed;
fail:
	free(full);
	free(norm);
	rk_buf_release(&b);
	return NULL;
}

struct rk_edit *rk_edits_get(struct rk_edits *e, const char *root, const char *path,
			     struct rk_err *err)
{
	return load(e, root, path, false, err);
}

struct rk_edit *rk_edits_get_new(struct rk_edits *e, const char *root, const char *path,
				 struct rk_err *err)
{
	struct rk_edit *ed = load(e, root, path, true, err);

	if (ed && ed->deleted) {
		ed->deleted = false;
		ed->created = ed->before.len == 0 && ed->created;
	}
	return ed;
}

void rk_edits_set(struct rk_edit *ed, const void *data, size_t len)
{
	rk_buf_reset(&ed->after);
	rk_buf_add(&ed->after, data, len);
	ed->deleted = false;
}

int rk_edits_delete(struct rk_edits *e, const char *root, const char *path, struct rk_err *err)
{
	struct rk_edit *ed = load(e, root, path, true, err);

	if (!ed)
		return -1;
	if (ed->created) /* absent on disk: nothing to delete */
		rk_buf_reset(&ed->after);
	else {
		ed->deleted = true;
		rk_buf_reset(&ed->after);
	}
	return 0;
}

static bool same(const struct rk_buf *a, const struct rk_buf *b)
{
	return a->len == b->len && (!a->len || !memcmp(a->data, b->data, a->len));
}

static bool edit_changed(const struct rk_edit *ed)
{
	if (ed->deleted)
		return !ed->created;
	if (ed->created)
		return true;
	return ed->before.len != ed->after.len ||
	       (ed->before.len && memcmp(ed->before.data, ed->after.data, ed->before.len));
}

size_t rk_edits_changed(const struct rk_edits *e)
{
	size_t n = 0;

	for (size_t i = 0; i < e->n; i++)
		n += edit_changed(&e->v[i]);
	return n;
}

int rk_edits_write(const struct rk_edits *e, const char *root, struct rk_err *err)
{
	for (size_t i = 0; i < e->n; i++) {
		const struct rk_edit *ed = &e->v[i];
		char *full;
		struct stat st;
		int mode = 0644, rc;

		if (!edit_changed(ed))
			continue;
		full = full_path(root, ed->path);
		/* the truth first: already written, or changed by someone else */
		{
			struct rk_buf cur = RK_BUF_INIT;
			bool exists = rk_buf_read_file(&cur, full) == 0;
			bool is_before = ed->created ? !exists : exists && same(&cur, &ed->before);
			bool is_after = ed->deleted ? !exists : exists && same(&cur, &ed->after);

			rk_buf_release(&cur);
			if (is_after) {
				free(full);
				continue;
			}
			if (!is_before) {
				free(full);
				return rk_be_fail(
					err, "%s: changed on disk since it was read; not written",
					ed->path);
			}
		}
		rk_fault_point();
		if (ed->deleted) {
			rc = unlink(full);
			if (rc != 0 && errno == ENOENT)
				rc = 0;
		} else {
			if (stat(full, &st) == 0)
				mode = (int)(st.st_mode & 07777);
			rc = rk_write_file_atomic(full, ed->after.data ? ed->after.data : "",
						  ed->after.len, mode);
		}
		free(full);
		if (rc != 0)
			return rk_be_fail(err, "%s: cannot write: %s", ed->path, strerror(errno));
	}
	return 0;
}

/* ---- unified diff (Myers' O(ND) algorithm) ---- */

struct line {
	const char *p;
	size_t n; /* with its '\n' when it has one */
};

static size_t split_lines(const char *s, size_t len, struct line **out)
{
	struct line *v = NULL;
	size_t n = 0, cap = 0, i = 0;

	while (i < len) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - s) + 1 : len;

		RK_GROW(v, cap, n + 1);
		v[n].p = s + i;
		v[n].n = end - i;
		n++;
		i = end;
	}
	*out = v;
	return n;
}

static bool line_eq(const struct line *a, const struct line *b)
{
	return a->n == b->n && !memcmp(a->p, b->p, a->n);
}

enum { OP_EQ, OP_DEL, OP_INS };

struct op {
	int kind;
	size_t a, b; /* line indexes in a (EQ, DEL) and b (EQ, INS) */
};

/* The edit script from a to b, in order. */
static size_t myers(const struct line *a, size_t n, const struct line *b, size_t m, struct op **out)
{
	long max = (long)(n + m), d, k, x, y, D = 0;
	long *v = rk_xcalloc((size_t)(2 * max + 3), sizeof(long));
	long *trace = NULL;
	size_t tn = 0, tcap = 0, *toff = NULL, toffcap = 0;
	struct op *ops = NULL;
	size_t nops = 0, opscap = 0;
	long off = max + 1;

	for (d = 0; d <= max; d++) {
		bool done = false;

		for (k = -d; k <= d; k += 2) {
			if (k == -d || (k != d && v[off + k - 1] < v[off + k + 1]))
				x = v[off + k + 1];
			else
				x = v[off + k - 1] + 1;
			y = x - k;
			while (x < (long)n && y < (long)m && line_eq(&a[x], &b[y]))
				x++, y++;
			v[off + k] = x;
			if (x >= (long)n && y >= (long)m)
				done = true;
		}
		RK_GROW(toff, toffcap, (size_t)d + 1);
		toff[d] = tn;
		RK_GROW(trace, tcap, tn + (size_t)(2 * d + 1));
		for (k = -d; k <= d; k++)
			trace[tn++] = v[off + k];
		if (done) {
			D = d;
			break;
		}
	}
	x = (long)n;
	y = (long)m;
	for (d = D; d > 0; d--) {
		long *pv = trace + toff[d - 1] + (d - 1); /* pv[k] for k in [-(d-1), d-1] */
		long pk, px, py;

		k = x - y;
		if (k == -d || (k != d && pv[k - 1] < pv[k + 1]))
			pk = k + 1;
		else
			pk = k - 1;
		px = pv[pk];
		py = px - pk;
		while (x > px && y > py) {
			RK_GROW(ops, opscap, nops + 1);
			ops[nops++] = (struct op){OP_EQ, (size_t)x - 1, (size_t)y - 1};
			x--, y--;
		}
		RK_GROW(ops, opscap, nops + 1);
		if (x == px)
			ops[nops++] = (struct op){OP_INS, (size_t)px, (size_t)py};
		else
			ops[nops++] = (struct op){OP_DEL, (size_t)px, (size_t)py};
		x = px;
		y = py;
	}
	while (x > 0 && y > 0) {
		RK_GROW(ops, opscap, nops + 1);
		ops[nops++] = (struct op){OP_EQ, (size_t)x - 1, (size_t)y - 1};
		x--, y--;
	}
	for (size_t i = 0; i < nops / 2; i++) {
		struct op t = ops[i];
		ops[i] = ops[nops - 1 - i];
		ops[nops - 1 - i] = t;
	}
	free(v);
	free(trace);
	free(toff);
	*out = ops;
	return nops;
}

static void diff_line(struct rk_buf *out, char c, const struct line *l)
{
	rk_buf_addc(out, c);
	rk_buf_add(out, l->p, l->n);
	if (l->n == 0 || l->p[l->n - 1] != '\n')
		rk_buf_adds(out, "\n\\ No newline at end of file\n");
}

static void range(struct rk_buf *out, size_t first, size_t count)
{
	/* git: "-0,0" for nothing at the start; otherwise the line before an empty range */
	if (count == 0)
		rk_buf_addf(out, "%zu,0", first);
	else if (count == 1)
		rk_buf_addf(out, "%zu", first + 1);
	else
		rk_buf_addf(out, "%zu,%zu", first + 1, count);
}

#define CONTEXT 3

static void diff_one(const struct rk_edit *ed, struct rk_buf *out)
{
	struct line *a, *b;
	size_t n, m, nops, i = 0;
	struct op *ops;
	const char *bt = ed->deleted ? "" : (ed->after.data ? ed->after.data : "");
	size_t blen = ed->deleted ? 0 : ed->after.len;

	n = split_lines(ed->before.data ? ed->before.data : "", ed->before.len, &a);
	m = split_lines(bt, blen, &b);
	nops = myers(a, n, b, m, &ops);
	rk_buf_addf(out, "diff --git a/%s b/%s\n", ed->path, ed->path);
	if (ed->created)
		rk_buf_adds(out, "new file mode 100644\n");
	else if (ed->deleted)
		rk_buf_adds(out, "deleted file mode 100644\n");
	if (ed->created)
		rk_buf_addf(out, "--- /dev/null\n+++ b/%s\n", ed->path);
	else if (ed->deleted)
		rk_buf_addf(out, "--- a/%s\n+++ /dev/null\n", ed->path);
	else
		rk_buf_addf(out, "--- a/%s\n+++ b/%s\n", ed->path, ed->path);
	while (i < nops) {
		size_t start, end, j, last, na = 0, nb = 0, fa, fb;

		while (i < nops && ops[i].kind == OP_EQ)
			i++;
		if (i == nops)
			break;
		start = i > CONTEXT ? i - CONTEXT : 0;
		/* extend while the next change is within 2*CONTEXT equal lines */
		last = i;
		for (j = i; j < nops; j++) {
			if (ops[j].kind != OP_EQ)
				last = j;
			else if (j - last > 2 * CONTEXT)
				break;
		}
		end = last + CONTEXT + 1 < nops ? last + CONTEXT + 1 : nops;
		fa = ops[start].a;
		fb = ops[start].b;
		for (j = start; j < end; j++) {
			if (ops[j].kind != OP_INS)
				na++;
			if (ops[j].kind != OP_DEL)
				nb++;
		}
		/* an empty side starts after the lines before it */
		rk_buf_adds(out, "@@ -");
		range(out, fa, na);
		rk_buf_adds(out, " +");
		range(out, fb, nb);
		rk_buf_adds(out, " @@\n");
		for (j = start; j < end; j++) {
			if (ops[j].kind == OP_EQ)
				diff_line(out, ' ', &a[ops[j].a]);
			else if (ops[j].kind == OP_DEL)
				diff_line(out, '-', &a[ops[j].a]);
			else
				diff_line(out, '+', &b[ops[j].b]);
		}
		i = end;
	}
	free(a);
	free(b);
	free(ops);
}

void rk_edits_diff(const struct rk_edits *e, struct rk_buf *out)
{
	for (size_t i = 0; i < e->n; i++)
		if (edit_changed(&e->v[i]))
			diff_one(&e->v[i], out);
}

/* ---- bump_file(path, pattern) ---- */

static int bump_match(struct rk_edits *ed, const char *root, const char *path, const char *pattern,
		      struct rk_edit **edp, size_t *so, size_t *eo, struct rk_err *err)
{
	regex_t re;
	regmatch_t m[2];
	int rc;
	struct rk_edit *e = rk_edits_get(ed, root, path, err);

	if (!e)
		return -1;
	rc = regcomp(&re, pattern, REG_EXTENDED | REG_NEWLINE);
	if (rc != 0) {
		char msg[200];

		regerror(rc, &re, msg, sizeof(msg));
		return rk_be_fail(err, "%s: bad bump_file pattern '%s': %s", path, pattern, msg);
	}
	if (memchr(e->after.data, '\0', e->after.len)) {
		regfree(&re);
		return rk_be_fail(err, "%s: holds a NUL byte (bump_file needs a text file)", path);
	}
	rc = regexec(&re, e->after.data, 2, m, 0);
	if (rc != 0) {
		regfree(&re);
		return rk_be_fail(err, "%s: bump_file pattern '%s' matches nothing", path, pattern);
	}
	if (re.re_nsub >= 1 && m[1].rm_so >= 0) {
		*so = (size_t)m[1].rm_so;
		*eo = (size_t)m[1].rm_eo;
	} else {
		*so = (size_t)m[0].rm_so;
		*eo = (size_t)m[0].rm_eo;
	}
	regfree(&re);
	if (*eo > *so && e->after.data[*eo - 1] == '\r')
		(*eo)--;
	*edp = e;
	return 0;
}

int rk_bump_file_read(struct rk_edits *ed, const char *root, const char *path, const char *pattern,
		      char **out, struct rk_err *err)
{
	struct rk_edit *e;
	size_t so, eo;

	if (bump_match(ed, root, path, pattern, &e, &so, &eo, err) < 0)
		return -1;
	*out = rk_xstrndup(e->after.data + so, eo - so);
	return 0;
}

int rk_bump_file_write(struct rk_edits *ed, const char *root, const char *path, const char *pattern,
		       const char *version, struct rk_err *err)
{
	struct rk_edit *e;
	size_t so, eo;

	if (bump_match(ed, root, path, pattern, &e, &so, &eo, err) < 0)
		return -1;
	rk_be_splice(e, so, eo, version, strlen(version));
	return 0;
}

/* ---- the table ---- */

static const struct rk_backend *const backends[] = {&rk_be_uv, &rk_be_npm, &rk_be_cargo};

const struct rk_backend *rk_backend_for(const char *ecosystem)
{
	for (size_t i = 0; ecosystem && i < RK_ARRAY_SIZE(backends); i++)
		if (!strcmp(backends[i]->ecosystem, ecosystem))
			return backends[i];
	return NULL;
}
