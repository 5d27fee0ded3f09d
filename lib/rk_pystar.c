/* rk_pystar.c - RELEASE.star evaluation through embedded Python + starlark-pyo3. */
#define PY_SSIZE_T_CLEAN
#include "rk_common.h"

#include <Python.h>
#include <unistd.h>
#include <ctype.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sys/resource.h>

#include "rk_cli.h"
#include "rk_proc.h"
#include "rk_pystar.h"

/* Built with a sanitizer: no RLIMIT_DATA (its shadow memory), and the
 * evaluator's stderr is left alone (reports must be seen). */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define RK_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer) ||                         \
	__has_feature(thread_sanitizer)
#define RK_SANITIZED 1
#endif
#endif
#ifndef RK_SANITIZED
#define RK_SANITIZED 0
#endif

#define PRELUDE_ID "@releasekit//prelude"
#define SECRET_CAPSULE "releasekit.secret"

/* A file evaluated (or being evaluated): its display name and text. */
struct src {
	char *name; /* "RELEASE.star", "lib/defs.star", "@releasekit//rules/uv.star" */
	char *text; /* the file as written (without the prelude line) */
	size_t len;
	int prepended; /* the prelude load line was prepended: lines are +1 */
	size_t *lines; /* byte offset of each line start (lines[0]: line 1) */
	size_t nlines;
	PyObject *frozen; /* FrozenModule once loaded (not for top-level files) */
};

struct rk_star {
	char *root, *rules_dir;
	struct rk_cfg *cfg;
	PyObject *sl, *globals, *dialect, *loader, *prelude, *opaque, *self;
	PyObject *f_parse, *f_eval, *c_module;
	char *prelude_line;
	struct src *srcs;
	size_t nsrcs, srccap;
	const char **stack; /* files being loaded, outermost first */
	size_t nstack, stackcap;
	struct rk_err err;
	int have_err;
	/* limits (rk_star_set_limits) */
	struct rk_star_limits lim;
	PyObject *f_eval_with, *evalopts;
	long long deadline_ms;
	int cancelled; /* 1: time, 2: memory */
	unsigned long ccalls;
};

/* ---- finding the venv ---- */

char *rk_star_find_venv(const char *exe)
{
	return rk_cli_data_dir("RK_VENV", exe, "../lib/releasekit/venv", "../../.venv", NULL);
}

/* "home" of pyvenv.cfg, and check its version matches ours. */
static int venv_home(const char *venv, struct rk_buf *home, struct rk_err *err)
{
	struct rk_buf cfg = RK_BUF_INIT, path = RK_BUF_INIT;
	char *line, *save = NULL;
	int rc = -1, version_ok = 0;

	rk_buf_addf(&path, "%s/pyvenv.cfg", venv);
	if (rk_buf_read_file(&cfg, path.data) < 0) {
		rk_err_set(
			err, NULL, 0, 0,
			"cannot read %s: %s (set RK_VENV to a venv with starlark-pyo3; see rk-config(1))",
			path.data, strerror(errno));
		goto out;
	}
	for (line = strtok_r(cfg.data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(line, '='), *k = line, *v, *e;
		if (!eq)
			continue;
		*eq = '\0';
		v = eq + 1;
		for (e = eq; e > k && (e[-1] == ' ' || e[-1] == '\t'); e--)
			e[-1] = '\0';
		while (*v == ' ' || *v == '\t')
			v++;
		if (!strcmp(k, "home")) {
			char *slash;
			rk_buf_reset(home);
			rk_buf_adds(home, v);
			slash = strrchr(home->data, '/');
			if (slash && slash != home->data)
				rk_buf_truncate(home, (size_t)(slash - home->data));
		} else if (!strcmp(k, "version") || !strcmp(k, "version_info")) {
			char want[32];
			snprintf(want, sizeof(want), "%d.%d.", PY_MAJOR_VERSION, PY_MINOR_VERSION);
			if (strncmp(v, want, strlen(want))) {
				rk_err_set(
					err, NULL, 0, 0,
					"%s was made by Python %s but rk-config embeds Python %d.%d; recreate it with that interpreter (scripts/bootstrap)",
					venv, v, PY_MAJOR_VERSION, PY_MINOR_VERSION);
				goto out;
			}
			version_ok = 1;
		}
	}
	if (!home->len || !version_ok) {
		rk_err_set(err, NULL, 0, 0, "%s: no home or version in pyvenv.cfg", path.data);
		goto out;
	}
	rc = 0;
out:
	rk_buf_release(&cfg);
	rk_buf_release(&path);
	return rc;
}

/* ---- Python helpers ---- */

/* The message of the pending Python exception (cleared), as a C string. */
static void py_exc_text(struct rk_buf *out)
{
	PyObject *type, *value, *tb, *s;

	PyErr_Fetch(&type, &value, &tb);
	PyErr_NormalizeException(&type, &value, &tb);
	s = value ? PyObject_Str(value) : NULL;
	if (s) {
		const char *u = PyUnicode_AsUTF8(s);
		rk_buf_adds(out, u ? u : "unknown error");
	} else {
		PyErr_Clear();
		rk_buf_adds(out, "unknown Python error");
	}
	Py_XDECREF(s);
	Py_XDECREF(type);
	Py_XDECREF(value);
	Py_XDECREF(tb);
}

static struct src *find_src(struct rk_star *s, const char *name)
{
	size_t i;

	/* Newest first: the file being evaluated is usually the last added. */
	for (i = s->nsrcs; i-- > 0;)
		if (!strcmp(s->srcs[i].name, name))
			return &s->srcs[i];
	return NULL;
}

/* Whether the error text after the "-->" line quotes a source line ("12 | ..."). */
static int has_excerpt(const char *p)
{
	for (; *p; p++)
		if (isdigit((unsigned char)p[0]) && p[1] == ' ' && p[2] == '|')
			return 1;
	return 0;
}

/*
 * Turn a StarlarkError's text into err: the last "error: MSG" line and the
 * " --> FILE:LINE:COL" span after it, with prelude line offsets undone.
 */
static void star_error(struct rk_star *s, const char *text, const char *file, struct rk_err *err)
{
	const char *e = NULL, *p = text, *nl, *arrow;
	struct rk_buf msg = RK_BUF_INIT, where = RK_BUF_INIT;
	long line = 0, col = 0;
	static const char *const prefixes[] = {"StarlarkError: ", "ValueError: ", "error: "};
	size_t i;

	while ((p = strstr(p, "error: "))) {
		if (p == text || p[-1] == '\n')
			e = p;
		p += 7;
	}
	if (!e)
		e = text;
	else
		e += 7;
	nl = strchr(e, '\n');
	rk_buf_add(&msg, e, nl ? (size_t)(nl - e) : strlen(e));
	for (i = 0; i < RK_ARRAY_SIZE(prefixes); i++)
		if (!strncmp(msg.data ? msg.data : "", prefixes[i], strlen(prefixes[i]))) {
			size_t n = strlen(prefixes[i]);
			memmove(msg.data, msg.data + n, msg.len - n + 1);
			msg.len -= n;
			i = (size_t)-1; /* again: nested prefixes */
		}
	arrow = nl ? strstr(nl, "--> ") : NULL;
	if (arrow) {
		const char *a = arrow + 4, *end = strchr(a, '\n'), *c1, *c2;
		size_t n = end ? (size_t)(end - a) : strlen(a);
		rk_buf_add(&where, a, n);
		c2 = strrchr(where.data, ':');
		if (c2) {
			*(char *)c2 = '\0';
			c1 = strrchr(where.data, ':');
			if (c1) {
				*(char *)c1 = '\0';
				line = strtol(c1 + 1, NULL, 10);
				col = strtol(c2 + 1, NULL, 10);
				file = where.data;
			}
		}
	}
	{
		struct src *sr = find_src(s, file);
		if (sr && sr->prepended && line > 1)
			line--;
		if (sr)
			file = sr->name;
		/*
		 * starlark-rust reports errors at the end of the input (an open
		 * bracket at EOF) at 1:1 with no source excerpt: say where the
		 * input ended instead.
		 */
		if (sr && arrow && line == 1 && col == 1 && !has_excerpt(arrow)) {
			size_t k;
			line = 1;
			col = 1;
			for (k = 0; k < sr->len; k++) {
				if (sr->text[k] == '\n') {
					line++;
					col = 1;
				} else {
					col++;
				}
			}
		}
	}
	rk_err_set(err, file, line, col, "%s", msg.len ? msg.data : "Starlark evaluation failed");
	rk_buf_release(&msg);
	rk_buf_release(&where);
}

static void set_err(struct rk_star *s, const struct rk_err *e)
{
	if (!s->have_err) {
		s->err = *e;
		s->have_err = 1;
	}
}

/* Raise a Python exception carrying s->err's message (evaluation stops). */
static PyObject *raise_err(struct rk_star *s)
{
	PyErr_SetString(PyExc_ValueError, s->err.msg);
	return NULL;
}

/* ---- Python values to rk_cval ---- */

static int to_cval(PyObject *o, struct rk_cval *v, int depth)
{
	memset(v, 0, sizeof(*v));
	if (depth > 64) {
		v->type = RK_CV_OTHER;
		v->s = rk_xstrdup("deeply nested value");
		return 0;
	}
	if (o == Py_None) {
		v->type = RK_CV_NONE;
	} else if (PyBool_Check(o)) {
		v->type = RK_CV_BOOL;
		v->i = o == Py_True;
	} else if (PyLong_Check(o)) {
		int overflow = 0;
		v->i = PyLong_AsLongLongAndOverflow(o, &overflow);
		v->type = overflow ? RK_CV_OTHER : RK_CV_INT;
		if (overflow)
			v->s = rk_xstrdup("int (out of range)");
	} else if (PyFloat_Check(o)) {
		v->type = RK_CV_FLOAT;
		v->f = PyFloat_AsDouble(o);
	} else if (PyUnicode_Check(o)) {
		Py_ssize_t n;
		const char *u = PyUnicode_AsUTF8AndSize(o, &n);
		if (!u)
			return -1;
		v->type = RK_CV_STR;
		v->s = rk_xstrndup(u, (size_t)n);
	} else if (PyList_Check(o) || PyTuple_Check(o)) {
		PyObject *seq = PySequence_Fast(o, "not a sequence");
		Py_ssize_t i, n;
		if (!seq)
			return -1;
		n = PySequence_Fast_GET_SIZE(seq);
		v->type = RK_CV_LIST;
		v->n = (size_t)n;
		v->items = rk_xcalloc(n ? (size_t)n : 1, sizeof(*v->items));
		for (i = 0; i < n; i++)
			if (to_cval(PySequence_Fast_GET_ITEM(seq, i), &v->items[i], depth + 1) <
			    0) {
				Py_DECREF(seq);
				return -1;
			}
		Py_DECREF(seq);
	} else if (PyDict_Check(o)) {
		PyObject *k, *val;
		Py_ssize_t pos = 0, n = PyDict_Size(o);
		size_t i = 0;
		v->type = RK_CV_DICT;
		v->n = (size_t)n;
		v->items = rk_xcalloc(n ? (size_t)n : 1, sizeof(*v->items));
		v->keys = rk_xcalloc(n ? (size_t)n : 1, sizeof(*v->keys));
		while (PyDict_Next(o, &pos, &k, &val) && i < v->n) {
			if (PyUnicode_Check(k)) {
				const char *u = PyUnicode_AsUTF8(k);
				if (!u)
					return -1;
				v->keys[i] = rk_xstrdup(u);
			}
			if (to_cval(val, &v->items[i], depth + 1) < 0)
				return -1;
			i++;
		}
	} else if (PyCapsule_IsValid(o, SECRET_CAPSULE)) {
		v->type = RK_CV_SECRET;
		v->s = rk_xstrdup((const char *)PyCapsule_GetPointer(o, SECRET_CAPSULE));
	} else {
		v->type = RK_CV_OTHER;
		v->s = rk_xstrdup(Py_TYPE(o)->tp_name);
	}
	return 0;
}

/* ---- locations ---- */

/*
 * The caller's frame in call_stack() text: the frame before the last one
 * (the last is the prelude's wrapper). Lines look like
 * "  * FILE:LINE, in FUNC".
 */
static int stack_location(struct rk_star *s, const char *stack, const char *rule, const char **file,
			  long *line, long *col)
{
	const char *p = stack, *frames[2] = {NULL, NULL};
	struct src *sr;
	const char *t, *end;
	long ln, i;

	while ((p = strstr(p, "\n  * "))) {
		frames[0] = frames[1];
		frames[1] = p + 5;
		p += 5;
	}
	if (!frames[0])
		return -1;
	end = strchr(frames[0], '\n');
	if (!end)
		end = frames[0] + strlen(frames[0]);
	/* FILE:LINE, in FUNC: find ", in " then the ':' before it. */
	{
		const char *in = frames[0], *comma = NULL, *colon = NULL;
		for (t = in; t < end; t++)
			if (!strncmp(t, ", in ", 5))
				comma = t;
		if (!comma)
			return -1;
		for (t = in; t < comma; t++)
			if (*t == ':')
				colon = t;
		if (!colon)
			return -1;
		ln = strtol(colon + 1, NULL, 10);
		for (i = (long)s->nsrcs - 1; i >= 0; i--)
			if (strlen(s->srcs[i].name) == (size_t)(colon - in) &&
			    !strncmp(s->srcs[i].name, in, (size_t)(colon - in)))
				break;
		if (i < 0)
			return -1;
		sr = &s->srcs[i];
	}
	if (sr->prepended)
		ln--;
	*file = sr->name;
	*line = ln;
	*col = 1;
	/* Column of the rule's name on that line. */
	{
		const char *l, *le;
		size_t rl = strlen(rule);
		if (ln < 1 || (size_t)ln > sr->nlines)
			return 0;
		l = sr->text + sr->lines[ln - 1];
		le = strchr(l, '\n');
		if (!le)
			le = l + strlen(l);
		for (t = l; t < le && (*t == ' ' || *t == '\t'); t++)
			;
		*col = (long)(t - l) + 1;
		for (t = l; t + rl <= le; t++) {
			const char *a = t + rl;
			if (strncmp(t, rule, rl))
				continue;
			if (t > l &&
			    (isalnum((unsigned char)t[-1]) || t[-1] == '_' || t[-1] == '.'))
				continue;
			while (a < le && (*a == ' ' || *a == '\t'))
				a++;
			if (a < le && *a == '(') {
				*col = (long)(t - l) + 1;
				break;
			}
		}
	}
	return 0;
}

/* ---- the native callback: _rk(rule, call_stack, args, kwargs) ---- */

static void free_capsule(PyObject *cap)
{
	free(PyCapsule_GetPointer(cap, SECRET_CAPSULE));
}

static PyObject *native_call(PyObject *self, PyObject *args)
{
	struct rk_star *s = PyCapsule_GetPointer(self, "releasekit.star");
	const char *rule_name, *stack, *file = "RELEASE.star";
	PyObject *pargs, *pkw, *ret = NULL;
	const struct rk_cfg_rule *rule;
	struct rk_cval *pos = NULL, *kw = NULL;
	const char **kwnames = NULL;
	size_t npos = 0, nkw = 0, i;
	long line = 0, col = 0;
	struct rk_err e;

	if (!s || !PyArg_ParseTuple(args, "ssOO", &rule_name, &stack, &pargs, &pkw))
		return NULL;
	rule = rk_cfg_rule_find(rule_name);
	if (!rule || !PyList_Check(pargs) || !PyDict_Check(pkw)) {
		PyErr_SetString(PyExc_ValueError, "internal error: bad builtin call");
		return NULL;
	}
	if (stack_location(s, stack, rule_name, &file, &line, &col) < 0) {
		file = s->stack[0];
		line = col = 0;
	}
	npos = (size_t)PyList_Size(pargs);
	pos = rk_xcalloc(npos + 1, sizeof(*pos));
	for (i = 0; i < npos; i++)
		if (to_cval(PyList_GET_ITEM(pargs, (Py_ssize_t)i), &pos[i], 0) < 0)
			goto out;
	{
		PyObject *k, *v;
		Py_ssize_t p = 0;
		nkw = (size_t)PyDict_Size(pkw);
		kw = rk_xcalloc(nkw + 1, sizeof(*kw));
		kwnames = rk_xcalloc(nkw + 1, sizeof(*kwnames));
		i = 0;
		while (PyDict_Next(pkw, &p, &k, &v) && i < nkw) {
			kwnames[i] = PyUnicode_AsUTF8(k);
			if (!kwnames[i] || to_cval(v, &kw[i], 0) < 0)
				goto out;
			i++;
		}
	}
	if (rk_cfg_rule_is_helper(rule)) {
		const char *name, *def;
		if (rk_cfg_helper_args(rule, file, line, col, pos, npos, kwnames, kw, nkw, &name,
				       &def, &e) < 0) {
			set_err(s, &e);
			raise_err(s);
			goto out;
		}
		if (!strcmp(rule_name, "env")) {
			const char *val = getenv(name);
			if (!val)
				val = def;
			ret = val ? PyUnicode_DecodeUTF8(val, (Py_ssize_t)strlen(val), "replace")
				  : Py_NewRef(Py_None);
		} else {
			PyObject *cap =
				PyCapsule_New(rk_xstrdup(name), SECRET_CAPSULE, free_capsule);
			if (cap) {
				ret = PyObject_CallOneArg(s->opaque, cap);
				Py_DECREF(cap);
			}
		}
		goto out;
	}
	if (rk_cfg_call(s->cfg, rule, file, line, col, pos, npos, kwnames, kw, nkw, &e) < 0) {
		set_err(s, &e);
		raise_err(s);
		goto out;
	}
	ret = Py_NewRef(Py_None);
out:
	for (i = 0; pos && i < npos; i++)
		rk_cval_release(&pos[i]);
	for (i = 0; kw && i < nkw; i++)
		rk_cval_release(&kw[i]);
	free(pos);
	free(kw);
	free(kwnames);
	return ret;
}

static PyMethodDef native_def = {"_rk", native_call, METH_VARARGS, "releasekit builtin"};

/* ---- limits ---- */

/* Resident memory in MB (from /proc/self/statm), or -1. */
static long long rss_mb(void)
{
	char buf[128];
	long long size, res;
	int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if (sscanf(buf, "%lld %lld", &size, &res) != 2)
		return -1;
	return res * (long long)sysconf(_SC_PAGESIZE) / (1024 * 1024);
}

/* starlark's check_cancelled: called often while code runs. */
static PyObject *cancel_check(PyObject *self, PyObject *unused)
{
	struct rk_star *s = PyCapsule_GetPointer(self, "releasekit.star");

	(void)unused;
	if (!s)
		return NULL;
	if (rk_now_ms() > s->deadline_ms) {
		s->cancelled = 1;
		Py_RETURN_TRUE;
	}
	if ((++s->ccalls & 255) == 0 && rss_mb() > s->lim.max_memory_mb) {
		s->cancelled = 2;
		Py_RETURN_TRUE;
	}
	Py_RETURN_FALSE;
}

static PyMethodDef cancel_def = {"_rk_cancelled", cancel_check, METH_NOARGS, "releasekit limits"};

/* The message of a limit that stopped the evaluation. */
static void limit_msg(const struct rk_star *s, int which, char *out, size_t n)
{
	if (which == 1)
		snprintf(out, n, "evaluation exceeded the time limit of %g s (--max-time)",
			 s->lim.max_time_s);
	else
		snprintf(out, n, "evaluation exceeded the memory limit of %lld MB (--max-memory)",
			 s->lim.max_memory_mb);
}

/*
 * Brackets nested deeper than max (outside strings and comments): 1 with
 * line and col of the bracket that went too deep, else 0. The parser
 * recurses per level, so this runs before it.
 */
static int too_deep(const char *t, size_t len, int max, long *line, long *col)
{
	size_t i;
	int depth = 0;
	long l = 1, c = 1;
	char q = 0; /* quote of the open string */
	int triple = 0;

	for (i = 0; i < len; i++, c++) {
		char ch = t[i];
		if (ch == '\n') {
			l++;
			c = 0;
			if (q && !triple)
				q = 0; /* an unterminated string: the parser says so */
			continue;
		}
		if (q) {
			if (ch == '\\' && i + 1 < len && t[i + 1] != '\n') {
				i++;
				c++;
			} else if (ch == q &&
				   (!triple || (i + 2 < len && t[i + 1] == q && t[i + 2] == q))) {
				if (triple) {
					i += 2;
					c += 2;
				}
				q = 0;
			}
			continue;
		}
		if (ch == '#') {
			while (i + 1 < len && t[i + 1] != '\n')
				i++;
		} else if (ch == '"' || ch == '\'') {
			q = ch;
			triple = i + 2 < len && t[i + 1] == ch && t[i + 2] == ch;
			if (triple) {
				i += 2;
				c += 2;
			}
		} else if (ch == '(' || ch == '[' || ch == '{') {
			if (++depth > max) {
				*line = l;
				*col = c;
				return 1;
			}
		} else if ((ch == ')' || ch == ']' || ch == '}') && depth > 0) {
			depth--;
		}
	}
	return 0;
}

void rk_star_set_limits(struct rk_star *s, const struct rk_star_limits *l)
{
	s->lim = *l;
	if (!RK_SANITIZED) {
		/* one allocation cannot be checked midway: limit the data size
		 * (not under valgrind, which manages the heap itself) */
		const char *pre = getenv("LD_PRELOAD");
		struct rlimit rl;
		if ((!pre || !strstr(pre, "vgpreload")) && getrlimit(RLIMIT_DATA, &rl) == 0) {
			rlim_t want = (rlim_t)(s->lim.max_memory_mb + 512) * 1024 * 1024;
			if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > want) {
				rl.rlim_cur = want;
				if (rl.rlim_max != RLIM_INFINITY && rl.rlim_cur > rl.rlim_max)
					rl.rlim_cur = rl.rlim_max;
				(void)setrlimit(RLIMIT_DATA, &rl);
			}
		}
	}
}

/* A failed allocation aborts the evaluator (Rust's handle_alloc_error). */
static int abort_fd = -1;
static char abort_msg[600];

static void on_abort(int sig)
{
	(void)sig;
	if (abort_fd >= 0)
		(void)write(abort_fd, abort_msg, strlen(abort_msg));
	_exit(RK_EXIT_INPUT);
}

/* ---- evaluation ---- */

static PyObject *new_module(struct rk_star *s)
{
	return PyObject_CallNoArgs(s->c_module);
}

/* Line and column (in characters) of byte off of text. */
static void text_pos(const char *text, size_t off, long *line, long *col)
{
	size_t k;

	*line = 1;
	*col = 1;
	for (k = 0; k < off; k++) {
		if (text[k] == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)text[k] & 0xC0) != 0x80) {
			(*col)++;
		}
	}
}

/*
 * Parse and evaluate text as file name; on success the Module (new
 * reference). On failure NULL with s->err set.
 */
static PyObject *eval_text(struct rk_star *s, const char *name, const char *text, size_t len,
			   int prepend)
{
	PyObject *src = NULL, *ast = NULL, *mod = NULL, *r = NULL, *fname = NULL;
	struct rk_buf full = RK_BUF_INIT, etext = RK_BUF_INIT;
	struct rk_err e;
	const char *nul = memchr(text, '\0', len);
	size_t skip = prepend ? strlen(s->prelude_line) : 0;
	long line, col;

	if (nul) { /* Starlark's own message would quote the NUL itself */
		text_pos(text, (size_t)(nul - text), &line, &col);
		rk_err_set(&e, name, line, col, "NUL byte in the file");
		set_err(s, &e);
		goto out;
	}
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) { /* a UTF-8 byte order mark */
		text += 3;
		len -= 3;
	}
	if (too_deep(text, len, s->lim.max_depth, &line, &col)) {
		rk_err_set(&e, name, line, col,
			   "brackets nested deeper than %d levels (--max-depth)", s->lim.max_depth);
		set_err(s, &e);
		goto out;
	}
	if (prepend)
		rk_buf_adds(&full, s->prelude_line);
	rk_buf_add(&full, text, len);
	src = PyUnicode_DecodeUTF8(full.data, (Py_ssize_t)full.len, "strict");
	fname = src ? PyUnicode_FromString(name) : NULL;
	if (!src || !fname) {
		PyObject *type, *value, *tb;
		Py_ssize_t at = 0;

		PyErr_Fetch(&type, &value, &tb);
		PyErr_NormalizeException(&type, &value, &tb);
		if (!src && value && PyUnicodeDecodeError_GetStart(value, &at) == 0 &&
		    (size_t)at >= skip)
			text_pos(text, (size_t)at - skip, &line, &col);
		else
			line = col = 0;
		PyErr_Clear();
		Py_XDECREF(type);
		Py_XDECREF(value);
		Py_XDECREF(tb);
		rk_err_set(&e, name, line, col, "not valid UTF-8");
		set_err(s, &e);
		goto out;
	}
	ast = PyObject_CallFunctionObjArgs(s->f_parse, fname, src, s->dialect, NULL);
	if (!ast)
		goto fail;
	mod = new_module(s);
	if (!mod)
		goto fail;
	r = PyObject_CallFunctionObjArgs(s->f_eval_with, s->evalopts, mod, ast, s->globals,
					 s->loader, NULL);
	if (!r)
		goto fail;
	goto out;
fail:
	py_exc_text(&etext);
	if (!s->have_err) {
		star_error(s, etext.data ? etext.data : "", name, &e);
		if (s->cancelled)
			limit_msg(s, s->cancelled, e.msg, sizeof(e.msg));
		set_err(s, &e);
	}
	Py_CLEAR(mod);
out:
	Py_XDECREF(r);
	Py_XDECREF(ast);
	Py_XDECREF(src);
	Py_XDECREF(fname);
	rk_buf_release(&full);
	rk_buf_release(&etext);
	return mod;
}

static struct src *add_src(struct rk_star *s, const char *name, char *text, size_t len,
			   int prepended)
{
	struct src *sr;

	if (text && len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3)) {
		/* a UTF-8 byte order mark (editors on Windows write one): not Starlark */
		memmove(text, text + 3, len - 3);
		len -= 3;
		text[len] = '\0';
	}
	RK_GROW(s->srcs, s->srccap, s->nsrcs + 1);
	sr = &s->srcs[s->nsrcs++];
	sr->name = rk_xstrdup(name);
	sr->text = text;
	sr->len = len;
	sr->prepended = prepended;
	sr->frozen = NULL;
	sr->lines = NULL;
	sr->nlines = 0;
	{
		size_t k, cap = 0;
		RK_GROW(sr->lines, cap, 1);
		sr->lines[sr->nlines++] = 0;
		for (k = 0; k < len; k++)
			if (text[k] == '\n' && k + 1 < len) {
				RK_GROW(sr->lines, cap, sr->nlines + 1);
				sr->lines[sr->nlines++] = k + 1;
			}
	}
	return sr;
}

/*
 * Whether path, once symbolic links are resolved, lies inside root: a
 * workspace load must not read a file elsewhere through a link. A path that
 * does not resolve counts as inside (reading it reports the error).
 */
static int inside_root(const char *root, const char *path)
{
	char *r = realpath(root, NULL), *p = realpath(path, NULL);
	size_t n = r ? strlen(r) : 0;
	int ok = !r || !p || (!strncmp(p, r, n) && (p[n] == '/' || (n == 1 && r[0] == '/')));

	free(r);
	free(p);
	return ok;
}

static int bad_label_path(const char *p)
{
	const char *c = p;

	if (!*p || *p == '/')
		return 1;
	while (c) {
		if (!strncmp(c, "..", 2) && (c[2] == '/' || !c[2]))
			return 1;
		c = strchr(c, '/');
		if (c)
			c++;
	}
	return 0;
}

/* The loader: module id -> FrozenModule. */
static PyObject *load_call(PyObject *self, PyObject *arg)
{
	struct rk_star *s = PyCapsule_GetPointer(self, "releasekit.star");
	struct rk_buf name = RK_BUF_INIT, path = RK_BUF_INIT, chain = RK_BUF_INIT;
	const char *id;
	PyObject *ret = NULL, *mod;
	struct src *sr;
	int bundled = 0;
	size_t i, idx;

	if (!s)
		return NULL;
	id = PyUnicode_AsUTF8(arg);
	if (!id)
		return NULL;
	if (!strcmp(id, PRELUDE_ID))
		return Py_NewRef(s->prelude);
	if (!strncmp(id, "@releasekit//rules/", 19)) {
		bundled = 1;
		if (bad_label_path(id + 19) || strchr(id + 19, '/') || strchr(id + 19, ':'))
			goto bad_label;
		rk_buf_adds(&name, id);
		rk_buf_addf(&path, "%s/%s", s->rules_dir, id + 19);
	} else if (!strncmp(id, "//", 2)) {
		const char *colon = strchr(id + 2, ':');
		if (colon) {
			if (colon != id + 2)
				rk_buf_add(&name, id + 2, (size_t)(colon - id - 2));
			if (strchr(colon + 1, ':') || strchr(colon + 1, '/') || !colon[1])
				goto bad_label;
			if (name.len)
				rk_buf_addc(&name, '/');
			rk_buf_adds(&name, colon + 1);
		} else {
			rk_buf_adds(&name, id + 2);
		}
		if (bad_label_path(name.data))
			goto bad_label;
		rk_buf_addf(&path, "%s/%s", s->root, name.data);
		if (!inside_root(s->root, path.data)) {
			PyErr_Format(PyExc_ValueError,
				     "cannot load %s: %s is a link to a file outside the workspace",
				     id, name.data);
			goto out;
		}
	} else {
		goto bad_label;
	}
	for (i = 0; i < s->nstack; i++)
		if (!strcmp(s->stack[i], name.data))
			break;
	if (i < s->nstack) {
		for (; i < s->nstack; i++)
			rk_buf_addf(&chain, "%s -> ", s->stack[i]);
		rk_buf_adds(&chain, name.data);
		PyErr_Format(PyExc_ValueError, "load cycle: %s", chain.data);
		goto out;
	}
	sr = find_src(s, name.data);
	if (sr && sr->frozen) {
		ret = Py_NewRef(sr->frozen);
		goto out;
	}
	{
		struct rk_buf text = RK_BUF_INIT;
		size_t len;
		char *t;
		if (rk_buf_read_file(&text, path.data) < 0) {
			if (bundled)
				PyErr_Format(
					PyExc_ValueError,
					"cannot load %s: %s (bundled rules are uv.star, cargo.star, pnpm.star, npm.star, train.star, federation.star)",
					id, rk_strerror(errno));
			else
				PyErr_Format(PyExc_ValueError, "cannot load %s: %s: %s", id,
					     name.data, rk_strerror(errno));
			rk_buf_release(&text);
			goto out;
		}
		t = rk_buf_detach(&text, &len);
		sr = add_src(s, name.data, t, len, !bundled);
		idx = (size_t)(sr - s->srcs);
	}
	RK_GROW(s->stack, s->stackcap, s->nstack + 1);
	s->stack[s->nstack++] = s->srcs[idx].name;
	mod = eval_text(s, s->srcs[idx].name, s->srcs[idx].text, s->srcs[idx].len, !bundled);
	s->nstack--;
	if (!mod) {
		raise_err(s);
		goto out;
	}
	ret = PyObject_CallMethod(mod, "freeze", NULL);
	Py_DECREF(mod);
	if (ret)
		s->srcs[idx].frozen = Py_NewRef(ret);
	goto out;
bad_label:
	PyErr_Format(
		PyExc_ValueError,
		"unsupported load label \"%s\" (use \"//path/to:file.star\" or \"@releasekit//rules/NAME.star\")",
		id);
out:
	rk_buf_release(&name);
	rk_buf_release(&path);
	rk_buf_release(&chain);
	return ret;
}

static PyMethodDef load_def = {"_rk_load", load_call, METH_O, "releasekit loader"};

int rk_star_eval(struct rk_star *s, const char *relpath, struct rk_err *err)
{
	struct rk_buf path = RK_BUF_INIT, text = RK_BUF_INIT;
	PyObject *mod;
	struct src *sr;
	size_t len, idx;
	char *t;

	rk_buf_addf(&path, "%s/%s", s->root, relpath);
	if (rk_buf_read_file(&text, path.data) < 0) {
		rk_err_set(err, relpath, 0, 0, "cannot read: %s", rk_strerror(errno));
		rk_buf_release(&path);
		rk_buf_release(&text);
		return -1;
	}
	rk_buf_release(&path);
	t = rk_buf_detach(&text, &len);
	sr = add_src(s, relpath, t, len, 1);
	idx = (size_t)(sr - s->srcs);
	RK_GROW(s->stack, s->stackcap, s->nstack + 1);
	s->stack[s->nstack++] = s->srcs[idx].name;
	s->cfg->top_file = s->srcs[idx].name;
	s->deadline_ms = rk_now_ms() + (long long)(s->lim.max_time_s * 1000.0);
	s->cancelled = 0;
	{
		/* a failed allocation aborts: one line, exit 3; the evaluator's
		 * own stderr chatter (Rust's "memory allocation ... failed") is
		 * not shown while it runs */
		struct sigaction sa, old;
		char lm[200];
		int saved = dup(2);
		int devnull = RK_SANITIZED ? -1 : open("/dev/null", O_WRONLY | O_CLOEXEC);
		limit_msg(s, 2, lm, sizeof(lm));
		snprintf(abort_msg, sizeof(abort_msg), "%s: %s: %s\n", rk_progname, relpath, lm);
		fflush(stderr);
		abort_fd = saved;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_abort;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGABRT, &sa, &old);
		if (saved >= 0 && devnull >= 0)
			dup2(devnull, 2);
		mod = eval_text(s, s->srcs[idx].name, s->srcs[idx].text, s->srcs[idx].len, 1);
		if (saved >= 0 && devnull >= 0)
			dup2(saved, 2);
		sigaction(SIGABRT, &old, NULL);
		abort_fd = -1;
		if (saved >= 0)
			close(saved);
		if (devnull >= 0)
			close(devnull);
	}
	s->nstack--;
	if (!mod) {
		*err = s->err;
		return -1;
	}
	Py_DECREF(mod);
	return 0;
}

/* ---- start and stop ---- */

static int py_init(const char *venv, struct rk_err *err)
{
	struct rk_buf home = RK_BUF_INIT, sp = RK_BUF_INIT;
	PyConfig config;
	PyStatus st;
	int rc = -1;

	if (venv_home(venv, &home, err) < 0)
		goto out;
	rk_buf_addf(&sp, "%s/lib/python%d.%d/site-packages", venv, PY_MAJOR_VERSION,
		    PY_MINOR_VERSION);
	if (!rk_is_dir(sp.data)) {
		rk_err_set(err, NULL, 0, 0, "%s: no such directory (is %s a Python %d.%d venv?)",
			   sp.data, venv, PY_MAJOR_VERSION, PY_MINOR_VERSION);
		goto out;
	}
	PyConfig_InitIsolatedConfig(&config);
	config.site_import = 0;
	config.write_bytecode = 0;
	config.install_signal_handlers = 0;
	config.parse_argv = 0;
	st = PyConfig_SetBytesString(&config, &config.home, home.data);
	if (!PyStatus_Exception(st))
		st = PyConfig_SetBytesString(&config, &config.program_name, "rk-config");
	if (!PyStatus_Exception(st))
		st = Py_InitializeFromConfig(&config);
	PyConfig_Clear(&config);
	if (PyStatus_Exception(st)) {
		rk_err_set(err, NULL, 0, 0, "cannot start Python (home %s): %s", home.data,
			   st.err_msg ? st.err_msg : "unknown error");
		goto out;
	}
	/* The venv's site-packages, after the standard library. */
	{
		PyObject *path = PySys_GetObject("path"), *p = PyUnicode_DecodeFSDefault(sp.data);
		if (!path || !p || PyList_Append(path, p) < 0) {
			Py_XDECREF(p);
			PyErr_Clear();
			rk_err_set(err, NULL, 0, 0, "cannot extend sys.path");
			goto out;
		}
		Py_DECREF(p);
	}
	rc = 0;
out:
	rk_buf_release(&home);
	rk_buf_release(&sp);
	return rc;
}

static PyObject *attr(PyObject *o, const char *name)
{
	return o ? PyObject_GetAttrString(o, name) : NULL;
}

static int set_attr_true(PyObject *o, const char *name)
{
	return PyObject_SetAttrString(o, name, Py_True);
}

/* Globals: standard plus the pure extensions; no print, no breakpoint. */
static PyObject *make_globals(PyObject *sl)
{
	static const char *const exts[] = {"StructType", "RecordType", "EnumType",
					   "Map",	 "Filter",     "Partial",
					   "Json",	 "Typing",     "CallStack"};
	PyObject *le = attr(sl, "LibraryExtension"), *list, *g = NULL, *gl;
	size_t i;

	if (!le)
		return NULL;
	list = PyList_New(0);
	for (i = 0; list && i < RK_ARRAY_SIZE(exts); i++) {
		PyObject *x = attr(le, exts[i]);
		if (!x || PyList_Append(list, x) < 0) {
			Py_XDECREF(x);
			Py_CLEAR(list);
			break;
		}
		Py_DECREF(x);
	}
	gl = attr(sl, "Globals");
	if (list && gl)
		g = PyObject_CallMethod(gl, "extended_by", "O", list);
	Py_XDECREF(gl);
	Py_XDECREF(list);
	Py_DECREF(le);
	return g;
}

static int make_prelude(struct rk_star *s)
{
	const char *const *names = rk_cfg_rule_names();
	struct rk_buf src = RK_BUF_INIT, line = RK_BUF_INIT;
	PyObject *mod = NULL, *fn = NULL, *ast = NULL, *r = NULL, *fname = NULL, *text = NULL;
	size_t i;
	int rc = -1;

	rk_buf_adds(&line, "load(\"" PRELUDE_ID "\"");
	for (i = 0; names[i]; i++) {
		rk_buf_addf(
			&src,
			"def %s(*args, **kwargs):\n    return _rk(\"%s\", call_stack(), args, kwargs)\n",
			names[i], names[i]);
		rk_buf_addf(&line, ", \"%s\"", names[i]);
	}
	rk_buf_adds(&line, ")\n");
	s->prelude_line = rk_buf_detach(&line, NULL);
	mod = new_module(s);
	fn = PyCFunction_New(&native_def, s->self);
	if (!mod || !fn)
		goto out;
	r = PyObject_CallMethod(mod, "add_callable", "sO", "_rk", fn);
	if (!r)
		goto out;
	Py_CLEAR(r);
	fname = PyUnicode_FromString(PRELUDE_ID);
	text = PyUnicode_FromStringAndSize(src.data, (Py_ssize_t)src.len);
	if (!fname || !text)
		goto out;
	ast = PyObject_CallFunctionObjArgs(s->f_parse, fname, text, s->dialect, NULL);
	if (!ast)
		goto out;
	r = PyObject_CallFunctionObjArgs(s->f_eval, mod, ast, s->globals, NULL);
	if (!r)
		goto out;
	s->prelude = PyObject_CallMethod(mod, "freeze", NULL);
	rc = s->prelude ? 0 : -1;
out:
	Py_XDECREF(mod);
	Py_XDECREF(fn);
	Py_XDECREF(ast);
	Py_XDECREF(r);
	Py_XDECREF(fname);
	Py_XDECREF(text);
	rk_buf_release(&src);
	return rc;
}

struct rk_star *rk_star_start(const char *exe, const char *root, const char *rules_dir,
			      struct rk_cfg *cfg, struct rk_err *err)
{
	struct rk_star *s;
	char *venv = rk_star_find_venv(exe);
	PyObject *d = NULL, *fl = NULL, *lf = NULL;
	struct rk_buf etext = RK_BUF_INIT;

	if (py_init(venv, err) < 0) {
		free(venv);
		return NULL;
	}
	s = rk_xcalloc(1, sizeof(*s));
	s->root = rk_xstrdup(root);
	s->rules_dir = rk_xstrdup(rules_dir);
	s->cfg = cfg;
	s->self = PyCapsule_New(s, "releasekit.star", NULL);
	s->sl = PyImport_ImportModule("starlark");
	if (!s->sl) {
		py_exc_text(&etext);
		rk_err_set(err, NULL, 0, 0,
			   "cannot import starlark from %s: %s (run scripts/bootstrap)", venv,
			   etext.data ? etext.data : "");
		goto fail;
	}
	s->f_parse = attr(s->sl, "parse");
	s->f_eval = attr(s->sl, "eval");
	s->f_eval_with = attr(s->sl, "eval_with");
	{
		PyObject *none;
		struct rk_star_limits dl = RK_STAR_LIMITS_DEFAULT;
		PyObject *eo = attr(s->sl, "EvalOptions"), *cf, *kw;
		s->lim = dl;
		cf = PyCFunction_New(&cancel_def, s->self);
		kw = cf ? Py_BuildValue("{sOsi}", "check_cancelled", cf, "max_callstack_size", 200)
			: NULL;
		none = PyTuple_New(0);
		if (eo && kw && none)
			s->evalopts = PyObject_Call(eo, none, kw);
		Py_XDECREF(none);
		Py_XDECREF(eo);
		Py_XDECREF(cf);
		Py_XDECREF(kw);
	}
	s->c_module = attr(s->sl, "Module");
	s->opaque = attr(s->sl, "OpaquePythonObject");
	s->globals = make_globals(s->sl);
	d = attr(s->sl, "Dialect");
	if (d)
		s->dialect = PyObject_CallMethod(d, "extended", NULL);
	if (!s->f_parse || !s->f_eval || !s->f_eval_with || !s->evalopts || !s->c_module ||
	    !s->opaque || !s->globals || !s->dialect ||
	    set_attr_true(s->dialect, "enable_load_reexport") < 0 ||
	    set_attr_true(s->dialect, "enable_top_level_stmt") < 0 ||
	    set_attr_true(s->dialect, "enable_f_strings") < 0)
		goto pyfail;
	fl = attr(s->sl, "FileLoader");
	lf = PyCFunction_New(&load_def, s->self);
	if (!fl || !lf)
		goto pyfail;
	s->loader = PyObject_CallOneArg(fl, lf);
	if (!s->loader || make_prelude(s) < 0)
		goto pyfail;
	Py_XDECREF(d);
	Py_XDECREF(fl);
	Py_XDECREF(lf);
	free(venv);
	return s;
pyfail:
	py_exc_text(&etext);
	rk_err_set(err, NULL, 0, 0, "starlark-pyo3 in %s is not usable: %s", venv,
		   etext.data ? etext.data : "");
fail:
	Py_XDECREF(d);
	Py_XDECREF(fl);
	Py_XDECREF(lf);
	rk_buf_release(&etext);
	free(venv);
	rk_star_stop(s);
	return NULL;
}

void rk_star_stop(struct rk_star *s)
{
	size_t i;

	if (!s) {
		if (Py_IsInitialized())
			Py_FinalizeEx();
		return;
	}
	for (i = 0; i < s->nsrcs; i++) {
		Py_XDECREF(s->srcs[i].frozen);
		free(s->srcs[i].name);
		free(s->srcs[i].text);
		free(s->srcs[i].lines);
	}
	free(s->srcs);
	free(s->stack);
	Py_XDECREF(s->sl);
	Py_XDECREF(s->globals);
	Py_XDECREF(s->dialect);
	Py_XDECREF(s->loader);
	Py_XDECREF(s->prelude);
	Py_XDECREF(s->opaque);
	Py_XDECREF(s->f_parse);
	Py_XDECREF(s->f_eval);
	Py_XDECREF(s->f_eval_with);
	Py_XDECREF(s->evalopts);
	Py_XDECREF(s->c_module);
	Py_XDECREF(s->self);
	free(s->prelude_line);
	free(s->root);
	free(s->rules_dir);
	free(s);
	if (Py_IsInitialized())
		Py_FinalizeEx();
}

/*
 * LeakSanitizer (make SANITIZE=address): libpython and the starlark
 * extension keep some allocations past Py_FinalizeEx (interned objects,
 * static type state). They are not ours; everything rk-config allocates is
 * still checked.
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libpython3\nleak:starlark.cpython\n";
}

const char *__lsan_default_options(void);
const char *__lsan_default_options(void)
{
	return "print_suppressions=0";
}
