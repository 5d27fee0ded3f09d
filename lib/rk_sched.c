/* rk_sched.c - the action-DAG scheduler; see rk_sched.h. */
#include "rk_common.h"
#include "rk_sched.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rk_executor.h"
#include "rk_beneath.h"
#include "rk_lock.h"
#include "rk_mask.h"
#include "rk_proc.h"
#include "rk_remote.h"
#include "rk_strmap.h"

extern char **environ;

enum state {
	ST_PENDING,
	ST_QUEUED,
	ST_RUNNING,
	ST_RETRY_WAIT,
	ST_SUCCEEDED,
	ST_CACHED,
	ST_FAILED,
	ST_SKIPPED,
};

struct act {
	char *id, *type, *package, *key, *resource, *cwd;
	char *record;		      /* the action's line, for built-in executors */
	const struct rk_executor *ex; /* the type's built-in executor, or NULL */
	char **argv;		      /* NULL-terminated or NULL */
	char **env;		      /* "K=V" strings, NULL-terminated or NULL */
	size_t nenv;
	char **outputs; /* NULL-terminated or NULL */
	int *retry_codes;
	size_t nretry_codes;
	int has_retry_codes;
	int max_retries; /* -1: by type / default */
	double timeout_s;
	long line;
	char **depnames;
	size_t ndeps;
	int *deps;
	int *rdeps;
	size_t nrdeps, rdcap;
	int unmet;
	enum state state;
	int attempt;
	pid_t pid;
	long long start_ms, deadline_ms, kill_at_ms, retry_at_ms;
	int term_sent, timed_out, interrupted;
	int mark;   /* cycle detection */
	int height; /* actions on the longest chain from here to a sink */
};

struct hook {
	char *name;
	char **events;
	size_t nevents;
	char **argv;
	double timeout_s;
};

/*
 * The cache writer: CAS adoptions (fsync + rename) and AC writes happen on a
 * thread of their own, in order (a result after the blobs it names), so
 * fsync latency never holds up scheduling. Drained at the end of the run.
 */
struct wjob {
	struct wjob *next;
	char *path; /* adopt this file as hex ... */
	char hex[RK_SHA256_HEX];
	char *key; /* ... or write data as the AC entry of key */
	char *data;
	size_t len;
	char *id; /* for messages */
};

struct writer {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct wjob *head, *tail;
	int quit, running;
	struct rk_cache *cache;
};

struct rk_sched {
	struct rk_sched_opts o;
	struct writer w;
	struct act *a;
	size_t n, cap;
	struct rk_strmap ids; /* id -> index in a */
	struct hook *hooks;
	size_t nhooks, hookcap;
	char *config_remote;
	const char *source;

	/* run state */
	struct rk_remote remote;
	int have_remote;
	char **upload; /* keys to write behind */
	size_t nupload, upcap;
	struct rk_buf tmpdir;
	int *ready;
	size_t nready, readycap;
	int *running;
	size_t nrunning, runcap;
	int *resource_count; /* per limit */
	int stop;	     /* no new work */
	const char *stop_reason;
	int interrupted_sig;
	long long run_start;
	unsigned long long rng;
	double scale;
	long long counts[8];
	long long retries_done;
	struct rk_buf ev; /* event scratch */
	long long hook_seq;
	char *self;	     /* this executable (/proc/self/exe), for built-in executors */
	struct rk_mask mask; /* secrets: every channel is masked with it */
	struct rk_buf ctmp;  /* the cache's scratch (masked logs, fetches) */
	int no_store;	     /* the cache cannot be written: run without storing */
	int write_error;     /* stdout failed (not EPIPE): stop, exit 1 */
	long long fetch_seq;
};

/* ---- small helpers ---- */

/* The index of the action with this id, or -1. */
static int find(const struct rk_sched *s, const char *id)
{
	size_t v;

	return rk_strmap_get(&s->ids, id, strlen(id), &v) ? (int)v : -1;
}

static void free_strv(char **v)
{
	char **p;
	if (!v)
		return;
	for (p = v; *p; p++)
		free(*p);
	free(v);
}

/* A JSON array of strings to a NULL-terminated vector; -1 if not one. */
static int strv_from(const struct rk_json *d, int t, char ***out, size_t *n, int nonempty)
{
	size_t i = 0;
	int e;

	*out = NULL;
	if (n)
		*n = 0;
	if (rk_json_type(d, t) != RK_JSON_ARRAY)
		return -1;
	if (nonempty && rk_json_len(d, t) == 0)
		return -1;
	for (e = rk_json_first(d, t); e >= 0; e = rk_json_next(d, e))
		if (rk_json_type(d, e) != RK_JSON_STRING ||
		    strlen(rk_json_str(d, e)) != rk_json_strlen(d, e))
			return -1;
	*out = rk_xcalloc((size_t)rk_json_len(d, t) + 1, sizeof(char *));
	for (e = rk_json_first(d, t); e >= 0; e = rk_json_next(d, e))
		(*out)[i++] = rk_xstrdup(rk_json_str(d, e));
	if (n)
		*n = i;
	return 0;
}

static char *opt_str(const struct rk_json *d, int obj, const char *key)
{
	const char *v = rk_json_get_str(d, obj, key);
	return v ? rk_xstrdup(v) : NULL;
}

struct rk_sched *rk_sched_new(const struct rk_sched_opts *opts)
{
	struct rk_sched *s = rk_xcalloc(1, sizeof(*s));
	s->o = *opts;
	if (s->o.jobs <= 0)
		s->o.jobs = 1;
	if (s->o.default_retries < 0)
		s->o.default_retries = 2;
	if (s->o.backoff_base_ms <= 0)
		s->o.backoff_base_ms = 1000;
	if (s->o.backoff_max_ms <= 0)
		s->o.backoff_max_ms = 60000;
	if (s->o.kill_grace_s <= 0)
		s->o.kill_grace_s = 5;
	rk_buf_init(&s->tmpdir);
	rk_buf_init(&s->ev);
	rk_buf_init(&s->ctmp);
	rk_mask_init(&s->mask);
	return s;
}

static void act_free(struct act *a)
{
	free(a->id);
	free(a->type);
	free(a->package);
	free(a->key);
	free(a->resource);
	free(a->cwd);
	free(a->record);
	free_strv(a->argv);
	free_strv(a->env);
	free_strv(a->outputs);
	free_strv(a->depnames);
	free(a->retry_codes);
	free(a->deps);
	free(a->rdeps);
}

void rk_sched_free(struct rk_sched *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->n; i++)
		act_free(&s->a[i]);
	free(s->a);
	rk_strmap_release(&s->ids);
	for (i = 0; i < s->nhooks; i++) {
		free(s->hooks[i].name);
		free_strv(s->hooks[i].events);
		free_strv(s->hooks[i].argv);
	}
	free(s->hooks);
	free(s->config_remote);
	free(s->self);
	for (i = 0; i < s->nupload; i++)
		free(s->upload[i]);
	free(s->upload);
	free(s->ready);
	free(s->running);
	free(s->resource_count);
	rk_buf_release(&s->tmpdir);
	rk_buf_release(&s->ev);
	rk_buf_release(&s->ctmp);
	rk_mask_release(&s->mask);
	free(s);
}

/* ---- the cache writer thread ---- */

static void *writer_main(void *arg)
{
	struct writer *w = arg;
	sigset_t all;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL); /* signals go to the scheduler */
	for (;;) {
		struct wjob *j, *next;
		struct rk_cache_batch batch = {0};
		size_t i;

		/* take everything queued: one sync for the lot */
		pthread_mutex_lock(&w->mu);
		while (!w->head && !w->quit)
			pthread_cond_wait(&w->cv, &w->mu);
		j = w->head;
		w->head = w->tail = NULL;
		pthread_mutex_unlock(&w->mu);
		if (!j)
			break;
		for (; j; j = next) {
			next = j->next;
			if (j->path)
				rk_cache_batch_adopt(&batch, j->path, j->hex, j->id);
			else
				rk_cache_batch_ac(&batch, j->key, j->data, j->len, j->id);
			j->data = NULL; /* the batch owns it now */
			free(j->path);
			free(j->key);
			free(j);
		}
		if (rk_cache_batch_commit(w->cache, &batch) > 0)
			for (i = 0; i < batch.n; i++)
				if (batch.e[i].err)
					rk_warn("action '%s': cannot write %s to the cache: %s",
						(char *)batch.e[i].tag,
						batch.e[i].key ? "its result" : "its output",
						strerror(batch.e[i].err));
		for (i = 0; i < batch.n; i++)
			free(batch.e[i].tag);
		rk_cache_batch_release(&batch);
	}
	return NULL;
}

static void writer_start(struct writer *w, struct rk_cache *c)
{
	memset(w, 0, sizeof(*w));
	w->cache = c;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	if (pthread_create(&w->th, NULL, writer_main, w) == 0)
		w->running = 1;
}

static void writer_put(struct writer *w, struct wjob *j)
{
	if (!w->running) { /* no thread: do it here */
		struct writer tmp = *w;
		tmp.head = tmp.tail = j;
		j->next = NULL;
		tmp.quit = 1;
		writer_main(&tmp);
		return;
	}
	j->next = NULL;
	pthread_mutex_lock(&w->mu);
	if (w->tail)
		w->tail->next = j;
	else
		w->head = j;
	w->tail = j;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

static void writer_adopt(struct writer *w, const char *id, const char *path, const char *hex)
{
	struct wjob *j = rk_xcalloc(1, sizeof(*j));
	j->path = rk_xstrdup(path);
	memcpy(j->hex, hex, RK_SHA256_HEX);
	j->id = rk_xstrdup(id);
	writer_put(w, j);
}

static void writer_ac(struct writer *w, const char *id, const char *key, struct rk_buf *data)
{
	struct wjob *j = rk_xcalloc(1, sizeof(*j));
	j->key = rk_xstrdup(key);
	j->len = data->len;
	j->data = rk_buf_detach(data, NULL);
	j->id = rk_xstrdup(id);
	writer_put(w, j);
}

/* Finish every queued write and stop the thread. */
static void writer_finish(struct writer *w)
{
	if (w->running) {
		pthread_mutex_lock(&w->mu);
		w->quit = 1;
		pthread_cond_signal(&w->cv);
		pthread_mutex_unlock(&w->mu);
		pthread_join(w->th, NULL);
		w->running = 0;
	}
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
}

/* ---- input ---- */

static int add_hook(struct rk_sched *s, const struct rk_ndjson *r, struct rk_err *err)
{
	const struct rk_json *d = &r->doc;
	struct hook h = {0};
	const char *name = rk_json_get_str(d, 0, "name");
	int t;

	if (!name)
		return rk_err_set(err, r->source, r->line, 0, "hook: \"name\" must be a string");
	if (strv_from(d, rk_json_get(d, 0, "events"), &h.events, &h.nevents, 1) != 0)
		return rk_err_set(err, r->source, r->line, 0,
				  "hook '%s': \"events\" must be a non-empty array of strings",
				  name);
	t = rk_json_get(d, 0, "handler");
	if (rk_json_type(d, t) == RK_JSON_STRING && *rk_json_str(d, t)) {
		h.argv = rk_xcalloc(2, sizeof(char *));
		h.argv[0] = rk_xstrdup(rk_json_str(d, t));
	} else if (strv_from(d, t, &h.argv, NULL, 1) != 0) {
		free_strv(h.events);
		return rk_err_set(err, r->source, r->line, 0,
				  "hook '%s': \"handler\" must be a program path or an argv array",
				  name);
	}
	t = rk_json_get(d, 0, "timeout_s");
	if (t >= 0 && (rk_json_double(d, t, &h.timeout_s) != 0 || h.timeout_s < 0)) {
		free_strv(h.events);
		free_strv(h.argv);
		return rk_err_set(err, r->source, r->line, 0,
				  "hook '%s': \"timeout_s\" must be a non-negative number", name);
	}
	h.name = rk_xstrdup(name);
	RK_GROW(s->hooks, s->hookcap, s->nhooks + 1);
	s->hooks[s->nhooks++] = h;
	return 0;
}

static int bad(struct rk_err *err, const struct rk_ndjson *r, const char *id, const char *what)
{
	if (id)
		return rk_err_set(err, r->source, r->line, 0, "action '%s': %s", id, what);
	return rk_err_set(err, r->source, r->line, 0, "action: %s", what);
}

int rk_sched_add(struct rk_sched *s, const struct rk_ndjson *r, struct rk_err *err)
{
	const struct rk_json *d = &r->doc;
	struct act a;
	const char *id, *type, *key;
	int t, e;

	s->source = r->source;
	if (strcmp(r->kind, "config") == 0) {
		const char *rule = rk_json_get_str(d, 0, "rule");
		if (rule && strcmp(rule, "hook") == 0)
			return add_hook(s, r, err) == 0 ? 0 : -1;
		if (rule && strcmp(rule, "release_train") == 0) {
			const char *u = rk_json_get_str(d, 0, "remote_cache");
			if (u && *u) {
				free(s->config_remote);
				s->config_remote = rk_xstrdup(u);
			}
		}
		return 0;
	}
	if (strcmp(r->kind, "action") != 0)
		return 0;

	memset(&a, 0, sizeof(a));
	a.max_retries = -1;
	a.line = r->line;
	id = rk_json_get_str(d, 0, "id");
	if (!id || !*id)
		return bad(err, r, NULL, "\"id\" must be a non-empty string");
	type = rk_json_get_str(d, 0, "type");
	if (!type || !*type)
		return bad(err, r, id, "\"type\" must be a non-empty string");
	key = rk_json_get_str(d, 0, "key");
	if (!rk_cache_is_hex(key))
		return bad(err, r, id, "\"key\" must be 64 lowercase hex digits (SHA-256)");
	if (strv_from(d, rk_json_get(d, 0, "deps"), &a.depnames, &a.ndeps, 0) != 0)
		return bad(err, r, id, "\"deps\" must be an array of action ids");
	t = rk_json_get(d, 0, "argv");
	if (t >= 0 && strv_from(d, t, &a.argv, NULL, 1) != 0) {
		act_free(&a);
		return bad(err, r, id, "\"argv\" must be a non-empty array of strings");
	}
	t = rk_json_get(d, 0, "env");
	if (t >= 0) {
		size_t i = 0;
		if (rk_json_type(d, t) != RK_JSON_OBJECT) {
			act_free(&a);
			return bad(err, r, id, "\"env\" must be an object of strings");
		}
		a.env = rk_xcalloc((size_t)rk_json_len(d, t) + 1, sizeof(char *));
		for (e = rk_json_first(d, t); e >= 0; e = rk_json_next(d, e)) {
			int v = rk_json_value(d, e);
			const char *k = rk_json_str(d, e);
			struct rk_buf kv = RK_BUF_INIT;
			if (rk_json_type(d, v) != RK_JSON_STRING || !*k || strchr(k, '=') ||
			    strlen(k) != rk_json_strlen(d, e) ||
			    strlen(rk_json_str(d, v)) != rk_json_strlen(d, v)) {
				act_free(&a);
				return bad(err, r, id,
					   "\"env\" must map variable names (no '=') to strings");
			}
			rk_buf_addf(&kv, "%s=%s", k, rk_json_str(d, v));
			a.env[i++] = rk_buf_detach(&kv, NULL);
		}
		a.nenv = i;
	}
	t = rk_json_get(d, 0, "cwd");
	if (t >= 0 && rk_json_type(d, t) != RK_JSON_STRING) {
		act_free(&a);
		return bad(err, r, id, "\"cwd\" must be a string");
	}
	t = rk_json_get(d, 0, "timeout_s");
	if (t >= 0 && (rk_json_double(d, t, &a.timeout_s) != 0 || a.timeout_s < 0)) {
		act_free(&a);
		return bad(err, r, id, "\"timeout_s\" must be a non-negative number");
	}
	t = rk_json_get(d, 0, "max_retries");
	if (t >= 0) {
		long long v;
		if (rk_json_int(d, t, &v) != 0 || v < 0 || v > 100) {
			act_free(&a);
			return bad(err, r, id, "\"max_retries\" must be an integer from 0 to 100");
		}
		a.max_retries = (int)v;
	}
	t = rk_json_get(d, 0, "retryable_exit_codes");
	if (t >= 0) {
		if (rk_json_type(d, t) != RK_JSON_ARRAY) {
			act_free(&a);
			return bad(err, r, id,
				   "\"retryable_exit_codes\" must be an array of integers");
		}
		a.has_retry_codes = 1;
		a.retry_codes = rk_xcalloc((size_t)rk_json_len(d, t) + 1, sizeof(int));
		for (e = rk_json_first(d, t); e >= 0; e = rk_json_next(d, e)) {
			long long v;
			if (rk_json_int(d, e, &v) != 0 || v < 0 || v > 255) {
				act_free(&a);
				return bad(
					err, r, id,
					"\"retryable_exit_codes\" must be integers from 0 to 255");
			}
			a.retry_codes[a.nretry_codes++] = (int)v;
		}
	}
	t = rk_json_get(d, 0, "outputs");
	if (t >= 0 && strv_from(d, t, &a.outputs, NULL, 0) != 0) {
		act_free(&a);
		return bad(err, r, id, "\"outputs\" must be an array of paths");
	}
	for (char **o = a.outputs; o && *o; o++)
		if (!rk_path_safe(*o)) {
			struct rk_buf m = RK_BUF_INIT;
			rk_buf_addf(&m,
				    "\"outputs\": '%s' is not a relative path inside the "
				    "repository (no '..', '.', empty or leading '/' components)",
				    *o);
			act_free(&a);
			bad(err, r, id, m.data);
			rk_buf_release(&m);
			return -1;
		}
	t = rk_json_get(d, 0, "resource");
	if (t >= 0 && rk_json_type(d, t) != RK_JSON_STRING) {
		act_free(&a);
		return bad(err, r, id, "\"resource\" must be a string");
	}
	e = find(s, id);
	if (e >= 0) {
		act_free(&a);
		return rk_err_set(err, r->source, r->line, 0,
				  "duplicate action id '%s' (first on line %ld)", id, s->a[e].line);
	}
	a.id = rk_xstrdup(id);
	a.type = rk_xstrdup(type);
	a.key = rk_xstrdup(key);
	a.package = opt_str(d, 0, "package");
	a.cwd = opt_str(d, 0, "cwd");
	a.resource = opt_str(d, 0, "resource");
	a.ex = rk_executor_find(type);
	if (a.ex && !a.argv)
		a.record = rk_xstrndup(r->text.data, r->text.len);
	RK_GROW(s->a, s->cap, s->n + 1);
	s->a[s->n] = a;
	rk_strmap_put(&s->ids, a.id, strlen(a.id), s->n);
	s->n++;
	return 1;
}

/* Depth-first search for a cycle from i; appends the cycle path to out. */
static int cycle_from(struct rk_sched *s, int i, int *stack, size_t depth, struct rk_buf *out,
		      long *line)
{
	struct act *a = &s->a[i];
	size_t k;

	a->mark = 1; /* on the stack */
	stack[depth] = i;
	for (k = 0; k < a->ndeps; k++) {
		int j = a->deps[k];
		if (s->a[j].mark == 1) {
			size_t m, start = depth;
			while (stack[start] != j)
				start--;
			*line = s->a[j].line;
			for (m = start; m <= depth; m++) {
				rk_buf_addf(out, "%s -> ", s->a[stack[m]].id);
				if (s->a[stack[m]].line > *line)
					*line = s->a[stack[m]].line;
			}
			rk_buf_adds(out, s->a[j].id);
			return 1;
		}
		if (s->a[j].mark == 0 && cycle_from(s, j, stack, depth + 1, out, line))
			return 1;
	}
	a->mark = 2;
	return 0;
}

/*
 * Heights for the ready queue's priority: with unknown durations, starting
 * the action with the longest chain of dependents first keeps the critical
 * path moving (a list-scheduling heuristic). Kahn's order, then backwards.
 */
static void compute_heights(struct rk_sched *s)
{
	int *order = rk_xcalloc(s->n + 1, sizeof(int)), *indeg = rk_xcalloc(s->n + 1, sizeof(int));
	size_t i, k, head = 0, tail = 0;

	for (i = 0; i < s->n; i++) {
		indeg[i] = (int)s->a[i].ndeps;
		if (!indeg[i])
			order[tail++] = (int)i;
	}
	while (head < tail) {
		struct act *a = &s->a[order[head++]];
		for (k = 0; k < a->nrdeps; k++)
			if (--indeg[a->rdeps[k]] == 0)
				order[tail++] = a->rdeps[k];
	}
	while (tail > 0) {
		struct act *a = &s->a[order[--tail]];
		a->height = 1;
		for (k = 0; k < a->nrdeps; k++)
			if (s->a[a->rdeps[k]].height + 1 > a->height)
				a->height = s->a[a->rdeps[k]].height + 1;
	}
	free(order);
	free(indeg);
}

int rk_sched_validate(struct rk_sched *s, struct rk_err *err)
{
	size_t i, k;
	int *stack;
	const char *src = s->source ? s->source : "<stdin>";

	for (i = 0; i < s->n; i++) {
		struct act *a = &s->a[i];
		a->deps = rk_xcalloc(a->ndeps + 1, sizeof(int));
		for (k = 0; k < a->ndeps; k++) {
			int j = find(s, a->depnames[k]);
			if (j < 0)
				return rk_err_set(err, src, a->line, 0,
						  "action '%s': unknown dependency '%s'", a->id,
						  a->depnames[k]);
			if ((size_t)j == i)
				return rk_err_set(err, src, a->line, 0,
						  "action '%s' depends on itself", a->id);
			a->deps[k] = j;
			RK_GROW(s->a[j].rdeps, s->a[j].rdcap, s->a[j].nrdeps + 1);
			s->a[j].rdeps[s->a[j].nrdeps++] = (int)i;
		}
	}
	/* cycles: iterative enough for real plans; recursion depth <= n */
	stack = rk_xcalloc(s->n + 1, sizeof(int));
	for (i = 0; i < s->n; i++) {
		struct rk_buf path = RK_BUF_INIT;
		long line = 0;
		if (s->a[i].mark)
			continue;
		if (cycle_from(s, (int)i, stack, 0, &path, &line)) {
			rk_err_set(err, src, line, 0, "dependency cycle: %s", path.data);
			rk_buf_release(&path);
			free(stack);
			return -1;
		}
		rk_buf_release(&path);
	}
	free(stack);
	compute_heights(s);
	return 0;
}

/* ---- events ---- */

struct evinfo {
	const char *state;     /* event state name */
	int attempt;	       /* 0: omitted */
	long long duration_ms; /* < 0: omitted */
	const struct rk_proc_result *res;
	const char *stdout_digest, *stderr_digest;
	long long stdout_size, stderr_size;
	const char *stderr_tail, *stdout_tail;
	const char *reason;
	const char *cause;
	long long retry_in_ms; /* < 0: omitted */
	const struct rk_ac_result *outputs;
	const char *note; /* the executor's note= line */
};

static void signame(int sig, char *out, size_t n)
{
	struct rk_proc_result r = {0};
	char d[64];
	r.signal = sig;
	rk_proc_describe(&r, d, sizeof(d));
	/* "killed by SIGKILL" -> "SIGKILL" */
	snprintf(out, n, "%s", strncmp(d, "killed by ", 10) == 0 ? d + 10 : d);
}

static void build_event(struct rk_sched *s, const struct act *a, const struct evinfo *e,
			struct rk_buf *out)
{
	struct rk_jw w;
	char now[32];

	rk_time_rfc3339(now);
	rk_buf_reset(out);
	rk_jw_init(&w, out);
	rk_jw_obj(&w);
	rk_jw_kstr(&w, "kind", "event");
	rk_jw_kstr(&w, "action", a->id);
	rk_jw_kstr(&w, "state", e->state);
	rk_jw_kstr(&w, "time", now);
	rk_jw_kstr(&w, "type", a->type);
	if (a->package)
		rk_jw_kstr(&w, "package", a->package);
	if (e->attempt > 0)
		rk_jw_kint(&w, "attempt", e->attempt);
	if (e->duration_ms >= 0)
		rk_jw_kint(&w, "duration_ms", e->duration_ms);
	if (e->res) {
		if (e->res->exited)
			rk_jw_kint(&w, "exit_code", e->res->code);
		else if (e->res->signal) {
			char sn[64];
			signame(e->res->signal, sn, sizeof(sn));
			rk_jw_kstr(&w, "signal", sn);
		}
		if (e->res->timed_out)
			rk_jw_kbool(&w, "timed_out", 1);
	}
	if (e->stdout_digest) {
		rk_jw_kstr(&w, "stdout_digest", e->stdout_digest);
		rk_jw_kint(&w, "stdout_size", e->stdout_size);
	}
	if (e->stderr_digest) {
		rk_jw_kstr(&w, "stderr_digest", e->stderr_digest);
		rk_jw_kint(&w, "stderr_size", e->stderr_size);
	}
	if (e->outputs && e->outputs->nfiles) {
		size_t i;
		rk_jw_key(&w, "outputs");
		rk_jw_arr(&w);
		for (i = 0; i < e->outputs->nfiles; i++) {
			rk_jw_obj(&w);
			rk_jw_kstr(&w, "path", e->outputs->files[i].path);
			rk_jw_kstr(&w, "digest", e->outputs->files[i].digest);
			rk_jw_kint(&w, "size", e->outputs->files[i].size);
			rk_jw_obj_end(&w);
		}
		rk_jw_arr_end(&w);
	}
	if (e->stderr_tail || e->stdout_tail || e->reason) {
		/* masked already (from the masked log); masked again: cheap, and
		 * a reason can quote anything */
		struct rk_buf m = RK_BUF_INIT;
		if (e->stderr_tail) {
			rk_mask_str(&s->mask, e->stderr_tail, strlen(e->stderr_tail), &m);
			rk_jw_kstr(&w, "stderr_tail", m.data);
			rk_buf_reset(&m);
		}
		if (e->stdout_tail) {
			rk_mask_str(&s->mask, e->stdout_tail, strlen(e->stdout_tail), &m);
			rk_jw_kstr(&w, "stdout_tail", m.data);
			rk_buf_reset(&m);
		}
		if (e->reason) {
			rk_mask_str(&s->mask, e->reason, strlen(e->reason), &m);
			rk_jw_kstr(&w, "reason", m.data);
		}
		rk_buf_release(&m);
	}
	if (e->cause)
		rk_jw_kstr(&w, "cause", e->cause);
	if (e->note)
		rk_jw_kstr(&w, "note", e->note);
	if (e->retry_in_ms >= 0)
		rk_jw_kint(&w, "retry_in_ms", e->retry_in_ms);
	if (strcmp(e->state, "cached") == 0)
		rk_jw_kstr(&w, "key", a->key);
	rk_jw_obj_end(&w);
}

/* Write s->ev and flush: a reader (rk-report) sees each event as it happens. */
static void emit_flush(struct rk_sched *s)
{
	if (s->o.observe)
		s->o.observe(s->o.observe_ctx, s->ev.data, s->ev.len);
	rk_record_emit(&s->ev);
	rk_out_flush();
}

static void emit(struct rk_sched *s, const struct act *a, const struct evinfo *e)
{
	build_event(s, a, e, &s->ev);
	emit_flush(s);
}

static void emit_simple(struct rk_sched *s, const struct act *a, const char *state, int attempt,
			const char *reason, const char *cause)
{
	struct evinfo e = {0};
	e.state = state;
	e.attempt = attempt;
	e.duration_ms = -1;
	e.retry_in_ms = -1;
	e.reason = reason;
	e.cause = cause;
	emit(s, a, &e);
}

/* ---- hooks ---- */

/* Written by the SIGINT/SIGTERM handlers (and on a stdout error) only, not
 * by SIGCHLD: a hook's wait watches it. */
static int stop_pipe[2] = {-1, -1};

static int hook_matches(const struct hook *h, const char *when, const char *type)
{
	size_t i;
	size_t wl = strlen(when);

	for (i = 0; i < h->nevents; i++) {
		const char *ev = h->events[i];
		if (strcmp(ev, when) == 0 && strcmp(when, "on_failure") == 0)
			return 1;
		if (strncmp(ev, when, wl) == 0 && ev[wl] == ':' &&
		    (strcmp(ev + wl + 1, type) == 0 || strcmp(ev + wl + 1, "*") == 0))
			return 1;
	}
	return 0;
}

/* The last max bytes of the regular file at path into b (memory bounded
 * whatever the file's size); 0, or -1 with errno. */
static int read_tail(const char *path, size_t max, struct rk_buf *b)
{
	struct stat st;
	int fd = rk_open_regular(path);
	off_t off;

	rk_buf_reset(b);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0) {
		close(fd);
		return -1;
	}
	off = st.st_size > (off_t)max ? st.st_size - (off_t)max : 0;
	rk_buf_grow(b, max);
	for (;;) {
		ssize_t r = pread(fd, b->data + b->len, max - b->len, off + (off_t)b->len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		b->len += (size_t)r;
		if (b->len >= max)
			break;
	}
	b->data[b->len] = '\0';
	close(fd);
	return 0;
}

/* The last line of a hook's log (at most 200 bytes), masked, for messages. */
static void hook_log_tail(const struct rk_sched *s, const char *path, struct rk_buf *out)
{
	struct rk_buf b = RK_BUF_INIT;
	size_t end, start;

	/* mask before cutting: a secret cut in two would survive */
	if (read_tail(path, 65536, &b) == 0 && b.len) {
		rk_mask_buf(&s->mask, &b);
		end = b.len;
		while (end > 0 && (b.data[end - 1] == '\n' || b.data[end - 1] == '\r'))
			end--;
		start = end;
		while (start > 0 && b.data[start - 1] != '\n' && end - start < 200)
			start--;
		rk_buf_add(out, b.data + start, end - start);
	}
	rk_buf_release(&b);
}

/* Run the hooks for when ("before", "after", "on_failure") with the event
 * JSON on stdin. Returns 0, or -1 when one failed (why filled). */
static int run_hooks(struct rk_sched *s, const struct act *a, const char *when,
		     const struct rk_buf *event, struct rk_buf *why)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < s->nhooks; i++) {
		struct hook *h = &s->hooks[i];
		struct rk_buf in = RK_BUF_INIT, log = RK_BUF_INIT, evname = RK_BUF_INIT;
		struct rk_buf envs = RK_BUF_INIT;
		struct rk_proc_opts po = {0};
		struct rk_proc_result res;
		char **env;
		size_t ne = 0, k;
		char desc[128];

		if (!hook_matches(h, when, a->type))
			continue;
		s->hook_seq++;
		rk_buf_addf(&in, "%s/hook.%lld.in", s->tmpdir.data, s->hook_seq);
		rk_buf_addf(&log, "%s/hook.%lld.log", s->tmpdir.data, s->hook_seq);
		rk_buf_add(&envs, event->data, event->len);
		rk_buf_addc(&envs, '\n');
		if (rk_write_file_atomic(in.data, envs.data, envs.len, 0600) != 0) {
			rk_warn("hook '%s': cannot write its input: %s", h->name, strerror(errno));
			rk_buf_release(&in);
			rk_buf_release(&log);
			rk_buf_release(&envs);
			if (strcmp(when, "before") == 0) {
				rk_buf_addf(why, "before-hook '%s' could not run", h->name);
				rc = -1;
				break;
			}
			continue;
		}
		rk_buf_reset(&envs);
		for (k = 0; environ[k]; k++)
			ne++;
		env = rk_xcalloc(ne + 3, sizeof(char *));
		ne = 0;
		for (k = 0; environ[k]; k++)
			if (strncmp(environ[k], "RK_HOOK_EVENT=", 14) != 0 &&
			    strncmp(environ[k], "RK_ACTION_ID=", 13) != 0)
				env[ne++] = environ[k];
		rk_buf_addf(&evname, "RK_HOOK_EVENT=%s%s%s", when,
			    strcmp(when, "on_failure") == 0 ? "" : ":",
			    strcmp(when, "on_failure") == 0 ? "" : a->type);
		rk_buf_addf(&envs, "RK_ACTION_ID=%s", a->id);
		env[ne++] = evname.data;
		env[ne++] = envs.data;
		po.argv = h->argv;
		po.env = env;
		po.cwd = s->o.repo_root;
		po.stdin_path = in.data;
		po.stdout_path = log.data;
		po.stderr_path = log.data;
		po.timeout_s = h->timeout_s > 0 ? h->timeout_s : 600;
		po.kill_grace_s = s->o.kill_grace_s;
		po.cancel_fd = stop_pipe[0]; /* SIGINT/SIGTERM reach the hook at once */
		if (rk_proc_run(&po, &res) != 0) {
			snprintf(desc, sizeof(desc), "cannot run '%s': %s", h->argv[0],
				 strerror(errno));
		} else if (res.exited && res.code == 0 && !res.timed_out) {
			desc[0] = '\0';
		} else {
			rk_proc_describe(&res, desc, sizeof(desc));
		}
		if (desc[0]) {
			if (strcmp(when, "before") == 0) {
				struct rk_buf t = RK_BUF_INIT;
				hook_log_tail(s, log.data, &t);
				rk_buf_addf(why, "before-hook '%s' failed: %s%s%s", h->name, desc,
					    t.len ? ": " : "", t.len ? t.data : "");
				rk_buf_release(&t);
				rc = -1;
			} else {
				struct rk_buf t = RK_BUF_INIT;
				hook_log_tail(s, log.data, &t);
				rk_warn("%s-hook '%s' for action '%s' failed: %s%s%s", when,
					h->name, a->id, desc, t.len ? ": " : "",
					t.len ? t.data : "");
				rk_buf_release(&t);
			}
		}
		unlink(in.data);
		free(env);
		rk_buf_release(&in);
		rk_buf_release(&log);
		rk_buf_release(&evname);
		rk_buf_release(&envs);
		if (rc)
			break;
	}
	return rc;
}

static int has_hooks(const struct rk_sched *s, const char *when, const char *type)
{
	size_t i;
	for (i = 0; i < s->nhooks; i++)
		if (hook_matches(&s->hooks[i], when, type))
			return 1;
	return 0;
}

/* ---- state transitions ---- */

static void finish_ok(struct rk_sched *s, int i);

/* Mark transitive dependents of i skipped (those not started). */
static void skip_dependents(struct rk_sched *s, int i, const char *reason, const char *cause)
{
	int *stack = NULL;
	size_t n = 0, cap = 0, k;

	RK_GROW(stack, cap, n + 1);
	stack[n++] = i;
	while (n) {
		struct act *a = &s->a[stack[--n]];
		for (k = 0; k < a->nrdeps; k++) {
			struct act *d = &s->a[a->rdeps[k]];
			if (d->state != ST_PENDING)
				continue;
			d->state = ST_SKIPPED;
			s->counts[ST_SKIPPED]++;
			emit_simple(s, d, "skipped", 0, reason, cause);
			RK_GROW(stack, cap, n + 1);
			stack[n++] = a->rdeps[k];
		}
	}
	free(stack);
}

static void start_fail_fast(struct rk_sched *s)
{
	if (s->o.fail_fast && !s->stop) {
		s->stop = 1;
		s->stop_reason = "fail-fast";
	}
}

static void fail_now(struct rk_sched *s, int i, const struct evinfo *e)
{
	struct act *a = &s->a[i];
	struct rk_buf why = RK_BUF_INIT;
	struct rk_buf reason = RK_BUF_INIT;

	a->state = ST_FAILED;
	s->counts[ST_FAILED]++;
	build_event(s, a, e, &s->ev);
	emit_flush(s);
	if (has_hooks(s, "on_failure", a->type)) {
		build_event(s, a, e, &s->ev);
		run_hooks(s, a, "on_failure", &s->ev, &why);
		rk_buf_reset(&s->ev);
	}
	if (s->interrupted_sig)
		rk_buf_adds(&reason, "interrupted");
	else
		rk_buf_addf(&reason, "dependency '%s' failed", a->id);
	skip_dependents(s, i, reason.data, a->id);
	rk_buf_release(&reason);
	rk_buf_release(&why);
	start_fail_fast(s);
}

/* The cache lookup: 1 hit (*r filled), 0 miss. */
static int cache_lookup(struct rk_sched *s, const struct act *a, struct rk_ac_result *r)
{
	struct rk_buf b = RK_BUF_INIT;
	int got, from_remote = 0;
	size_t i;

	got = rk_cache_get_ac(s->o.cache, a->key, &b);
	if (got != 1 && s->have_remote) {
		got = rk_remote_get(&s->remote, "ac", a->key, &b);
		from_remote = got == 1;
	}
	if (got == 1 && rk_ac_decode(b.data ? b.data : "", b.len, r) != 0) {
		if (!from_remote)
			rk_warn("action '%s': %s cache entry ac/%.2s/%s ignored", a->id,
				errno == EPERM ? "an output path outside the repository in"
					       : "corrupt",
				a->key, a->key);
		else {
			s->remote.hits--;
			rk_remote_disable(&s->remote,
					  errno == EPERM
						  ? "GET /ac: an output path outside the repository"
						  : "GET /ac: not an ActionResult");
		}
		got = 0;
	} else if (got == 1 && r->exit_code != 0) {
		/* only successes are stored: a failure is never a hit */
		rk_warn("action '%s': cache entry ac/%.2s/%s%s records exit code %d: ignored",
			a->id, a->key, a->key, from_remote ? " (remote)" : "", r->exit_code);
		if (from_remote)
			s->remote.hits--;
		rk_ac_result_release(r);
		got = 0;
	}
	if (got != 1) {
		rk_buf_release(&b);
		return 0;
	}
	/* every blob it names must be present (fetch them from the remote) */
	{
		const char *need[2] = {r->stdout_size ? r->stdout_digest : NULL,
				       r->stderr_size ? r->stderr_digest : NULL};
		size_t nfiles = r->nfiles;
		for (i = 0; i < 2 + nfiles; i++) {
			const char *hex = i < 2 ? need[i] : r->files[i - 2].digest;
			struct rk_buf blob = RK_BUF_INIT;
			char got_hex[RK_SHA256_HEX];
			int ok = hex ? rk_cache_check_blob(s->o.cache, hex) : 1;

			if (ok < 0)
				rk_warn("action '%s': corrupt cache blob cas/%.2s/%s removed",
					a->id, hex, hex);
			if (ok == 1) {
				if (hex)
					rk_cache_touch(s->o.cache, "cas", hex);
				continue;
			}
			/* streamed to disk (bounded in size), verified, adopted */
			if (s->have_remote && !s->no_store) {
				rk_buf_addf(&blob, "%s/fetch.%lld", s->ctmp.data, ++s->fetch_seq);
				if (rk_remote_get_file(&s->remote, "cas", hex, blob.data) == 1 &&
				    rk_cache_adopt_file(s->o.cache, blob.data, hex) == 0)
					memcpy(got_hex, hex, RK_SHA256_HEX);
				else
					got_hex[0] = '\0';
				unlink(blob.data);
			} else {
				got_hex[0] = '\0';
			}
			if (strcmp(got_hex, hex) != 0) {
				rk_buf_release(&blob);
				rk_buf_release(&b);
				rk_ac_result_release(r);
				return 0;
			}
			rk_buf_release(&blob);
		}
	}
	if (from_remote && !s->no_store)
		(void)rk_cache_put_ac(s->o.cache, a->key, b.data ? b.data : "", b.len);
	else
		rk_cache_touch(s->o.cache, "ac", a->key);
	rk_buf_release(&b);
	return 1;
}

/* Restore declared outputs of a cached result into the tree. */
static int restore_outputs(struct rk_sched *s, const struct act *a, const struct rk_ac_result *r)
{
	size_t i;

	for (i = 0; i < r->nfiles; i++) {
		/* beneath the root only: no '..', no symbolic link followed, no
		 * FIFO opened; streamed */
		if (rk_cache_restore_beneath(s->o.cache, r->files[i].digest, s->o.repo_root,
					     r->files[i].path, r->files[i].executable) != 0) {
			int en = errno;
			rk_warn("action '%s': cannot restore output %s: %s", a->id,
				r->files[i].path,
				en == ELOOP    ? "a symbolic link is in the way (not followed)"
				: en == EINVAL ? "not a path inside the repository"
					       : rk_strerror(en));
			return -1;
		}
	}
	return 0;
}

/* ---- the ready queue: a heap by height (descending), then input order ---- */

static int before(const struct rk_sched *s, int x, int y)
{
	if (s->a[x].height != s->a[y].height)
		return s->a[x].height > s->a[y].height;
	return x < y;
}

static void ready_push(struct rk_sched *s, int i)
{
	size_t k;

	RK_GROW(s->ready, s->readycap, s->nready + 1);
	k = s->nready++;
	while (k > 0 && before(s, i, s->ready[(k - 1) / 2])) {
		s->ready[k] = s->ready[(k - 1) / 2];
		k = (k - 1) / 2;
	}
	s->ready[k] = i;
}

static int ready_pop(struct rk_sched *s)
{
	int top = s->ready[0], last = s->ready[--s->nready];
	size_t k = 0, n = s->nready;

	for (;;) {
		size_t c = 2 * k + 1;
		if (c >= n)
			break;
		if (c + 1 < n && before(s, s->ready[c + 1], s->ready[c]))
			c++;
		if (!before(s, s->ready[c], last))
			break;
		s->ready[k] = s->ready[c];
		k = c;
	}
	if (n)
		s->ready[k] = last;
	return top;
}

/* i's deps are all done: cached, or queued. Iterative over cache hits. */
static void make_ready(struct rk_sched *s, int i)
{
	struct act *a = &s->a[i];
	struct rk_ac_result r;

	if (s->stop) {
		a->state = ST_SKIPPED;
		s->counts[ST_SKIPPED]++;
		emit_simple(s, a, "skipped", 0, s->interrupted_sig ? "interrupted" : s->stop_reason,
			    NULL);
		return;
	}
	/* an effect, poll or check asks the truth each time: only cacheable
	 * types (and command actions) are looked up */
	if (!s->o.no_cache && (!a->ex || a->ex->cacheable) && cache_lookup(s, a, &r)) {
		if (restore_outputs(s, a, &r) == 0) {
			struct evinfo e = {0};
			e.state = "cached";
			e.duration_ms = -1;
			e.retry_in_ms = -1;
			e.stdout_digest = r.stdout_digest;
			e.stdout_size = r.stdout_size;
			e.stderr_digest = r.stderr_digest;
			e.stderr_size = r.stderr_size;
			e.outputs = &r;
			a->state = ST_CACHED;
			s->counts[ST_CACHED]++;
			emit(s, a, &e);
			rk_ac_result_release(&r);
			finish_ok(s, i);
			return;
		}
		rk_ac_result_release(&r);
	}
	a->state = ST_QUEUED;
	emit_simple(s, a, "queued", 0, NULL, NULL);
	ready_push(s, i);
}

/* i succeeded or was cached: make newly unblocked dependents ready. */
static void finish_ok(struct rk_sched *s, int i)
{
	int *stack = NULL;
	size_t n = 0, cap = 0, k;

	RK_GROW(stack, cap, n + 1);
	stack[n++] = i;
	while (n) {
		struct act *a = &s->a[stack[--n]];
		for (k = 0; k < a->nrdeps; k++) {
			int j = a->rdeps[k];
			struct act *d = &s->a[j];
			if (--d->unmet > 0 || d->state != ST_PENDING)
				continue;
			make_ready(s, j);
			if (d->state == ST_CACHED) {
				RK_GROW(stack, cap, n + 1);
				stack[n++] = j;
			}
		}
	}
	free(stack);
}

/* ---- running commands ---- */

static int limit_index(const struct rk_sched *s, const char *name)
{
	size_t i;
	if (!name)
		return -1;
	for (i = 0; i < s->o.nlimits; i++)
		if (strcmp(s->o.limits[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int resources_free(const struct rk_sched *s, const struct act *a)
{
	int t = limit_index(s, a->type), r = limit_index(s, a->resource);
	if (t >= 0 && s->resource_count[t] >= s->o.limits[t].max)
		return 0;
	if (r >= 0 && r != t && s->resource_count[r] >= s->o.limits[r].max)
		return 0;
	return 1;
}

static void resources_take(struct rk_sched *s, const struct act *a, int delta)
{
	int t = limit_index(s, a->type), r = limit_index(s, a->resource);
	if (t >= 0)
		s->resource_count[t] += delta;
	if (r >= 0 && r != t)
		s->resource_count[r] += delta;
}

static void attempt_path(struct rk_sched *s, int i, const char *ext, struct rk_buf *out)
{
	rk_buf_reset(out);
	rk_buf_addf(out, "%s/%d.%d.%s", s->tmpdir.data, i, s->a[i].attempt, ext);
}

static int max_retries(const struct rk_sched *s, const struct act *a)
{
	size_t i;
	if (a->max_retries >= 0)
		return a->max_retries;
	for (i = 0; i < s->o.nretries; i++)
		if (strcmp(s->o.retries[i].name, a->type) == 0)
			return s->o.retries[i].max;
	return s->o.default_retries;
}

static void finish_attempt(struct rk_sched *s, int i, const struct rk_proc_result *res,
			   const char *fail_reason);
static void note_groups(struct rk_sched *s);

/* Start attempt a->attempt+1 of i. */
static void start(struct rk_sched *s, int i)
{
	struct act *a = &s->a[i];
	struct rk_buf out = RK_BUF_INIT, err = RK_BUF_INIT, resf = RK_BUF_INIT;
	struct rk_buf cwd = RK_BUF_INIT, e1 = RK_BUF_INIT, e2 = RK_BUF_INIT, e3 = RK_BUF_INIT;
	struct rk_buf actf = RK_BUF_INIT;
	struct rk_proc_opts po = {0};
	char **env, *self_argv[4] = {NULL, NULL, NULL, NULL};
	size_t ne = 0, k, j;

	a->attempt++;
	a->timed_out = a->term_sent = a->interrupted = 0;
	a->kill_at_ms = a->deadline_ms = 0;
	a->start_ms = rk_now_ms();
	if (!a->argv && a->ex) {
		/* a built-in executor: this program, --run-action FILE */
		attempt_path(s, i, "action", &actf);
		if (!s->self ||
		    rk_write_file_atomic(actf.data, a->record, strlen(a->record), 0600) != 0) {
			struct rk_buf why = RK_BUF_INIT;
			struct evinfo e = {0};
			rk_buf_addf(&why, "cannot start the built-in executor of '%s': %s", a->type,
				    s->self ? strerror(errno) : "cannot find rk-exec's executable");
			e.state = "failed";
			e.attempt = a->attempt;
			e.duration_ms = 0;
			e.retry_in_ms = -1;
			e.reason = why.data;
			fail_now(s, i, &e);
			rk_buf_release(&why);
			rk_buf_release(&actf);
			rk_buf_release(&cwd);
			return;
		}
		self_argv[0] = s->self;
		self_argv[1] = (char *)"--run-action";
		self_argv[2] = actf.data;
	} else if (!a->argv) {
		struct rk_buf why = RK_BUF_INIT;
		struct evinfo e = {0};
		rk_buf_addf(&why, "no executor for action type '%s' yet", a->type);
		e.state = "failed";
		e.attempt = a->attempt;
		e.duration_ms = 0;
		e.retry_in_ms = -1;
		e.reason = why.data;
		fail_now(s, i, &e);
		rk_buf_release(&why);
		return;
	}
	emit_simple(s, a, "started", a->attempt, NULL, NULL);
	if (a->attempt == 1 && has_hooks(s, "before", a->type)) {
		struct rk_buf why = RK_BUF_INIT;
		struct evinfo e = {0};
		e.state = "started";
		e.attempt = a->attempt;
		e.duration_ms = -1;
		e.retry_in_ms = -1;
		build_event(s, a, &e, &s->ev);
		if (run_hooks(s, a, "before", &s->ev, &why) != 0) {
			rk_buf_reset(&s->ev);
			e.state = "failed";
			e.duration_ms = rk_now_ms() - a->start_ms;
			e.reason = why.data;
			fail_now(s, i, &e);
			rk_buf_release(&why);
			rk_buf_release(&actf);
			return;
		}
		rk_buf_reset(&s->ev);
		rk_buf_release(&why);
	}

	attempt_path(s, i, "out", &out);
	attempt_path(s, i, "err", &err);
	attempt_path(s, i, "result", &resf);
	unlink(resf.data);
	for (k = 0; environ[k]; k++)
		ne++;
	env = rk_xcalloc(ne + a->nenv + 4, sizeof(char *));
	ne = 0;
	for (k = 0; environ[k]; k++) {
		const char *v = environ[k];
		size_t kl = strcspn(v, "=");
		int overridden = strncmp(v, "RK_RESULT_FILE=", 15) == 0 ||
				 strncmp(v, "RK_ACTION_ID=", 13) == 0 ||
				 strncmp(v, "RK_ATTEMPT=", 11) == 0;
		for (j = 0; !overridden && j < a->nenv; j++)
			if (strncmp(a->env[j], v, kl + 1) == 0)
				overridden = 1;
		if (!overridden)
			env[ne++] = environ[k];
	}
	for (j = 0; j < a->nenv; j++)
		env[ne++] = a->env[j];
	rk_buf_addf(&e1, "RK_RESULT_FILE=%s", resf.data);
	rk_buf_addf(&e2, "RK_ACTION_ID=%s", a->id);
	rk_buf_addf(&e3, "RK_ATTEMPT=%d", a->attempt);
	env[ne++] = e1.data;
	env[ne++] = e2.data;
	env[ne++] = e3.data;
	if (self_argv[0])
		rk_buf_adds(&cwd, s->o.repo_root); /* built-ins run at the root */
	else if (a->cwd && a->cwd[0] == '/')
		rk_buf_adds(&cwd, a->cwd);
	else if (a->cwd && *a->cwd)
		rk_buf_addf(&cwd, "%s/%s", s->o.repo_root, a->cwd);
	else
		rk_buf_adds(&cwd, s->o.repo_root);
	po.argv = self_argv[0] ? self_argv : a->argv;
	po.env = env;
	po.cwd = cwd.data;
	po.stdout_path = out.data;
	po.stderr_path = err.data;
	if (rk_proc_spawn(&po, &a->pid) != 0) {
		struct rk_buf why = RK_BUF_INIT;
		struct evinfo e = {0};
		int en = errno;
		struct stat st;
		if (a->cwd && stat(cwd.data, &st) != 0)
			rk_buf_addf(&why, "cannot run '%s': working directory '%s': %s", po.argv[0],
				    a->cwd, strerror(en));
		else
			rk_buf_addf(&why, "cannot run '%s': %s", po.argv[0], strerror(en));
		e.state = "failed";
		e.attempt = a->attempt;
		e.duration_ms = rk_now_ms() - a->start_ms;
		e.retry_in_ms = -1;
		e.reason = why.data;
		fail_now(s, i, &e);
		rk_buf_release(&why);
	} else {
		a->state = ST_RUNNING;
		if (a->timeout_s > 0)
			a->deadline_ms = a->start_ms + (long long)(a->timeout_s * 1000.0);
		resources_take(s, a, 1);
		RK_GROW(s->running, s->runcap, s->nrunning + 1);
		s->running[s->nrunning++] = i;
		note_groups(s);
	}
	free(env);
	rk_buf_release(&actf);
	rk_buf_release(&out);
	rk_buf_release(&err);
	rk_buf_release(&resf);
	rk_buf_release(&cwd);
	rk_buf_release(&e1);
	rk_buf_release(&e2);
	rk_buf_release(&e3);
}

/* The last lines (at most 20, 2000 bytes) of the file at path, which is
 * the masked copy of the log: masking happens before the cut. Reads only
 * the end of the file. */
static void stderr_tail(const char *path, struct rk_buf *out)
{
	struct rk_buf b = RK_BUF_INIT;
	size_t start, lines = 0;

	rk_buf_reset(out);
	if (read_tail(path, 4096, &b) != 0 || b.len == 0) {
		rk_buf_release(&b);
		return;
	}
	start = b.len;
	if (b.data[start - 1] == '\n')
		start--;
	while (start > 0 && b.len - start < 2000) {
		if (b.data[start - 1] == '\n' && ++lines >= 20)
			break;
		start--;
	}
	/* do not start inside a UTF-8 sequence */
	while (start < b.len && ((unsigned char)b.data[start] & 0xC0) == 0x80)
		start++;
	rk_buf_add(out, b.data + start, b.len - start);
	rk_buf_release(&b);
}

/*
 * Parse $RK_RESULT_FILE: retry_after=SECONDS, retryable=true|false,
 * output=PATH (appended to outputs, a NULL-terminated vector) and
 * note=TEXT (the last one, into *note; malloc'd).
 */
static void read_result_file(const char *path, double *retry_after, int *retryable, char ***outputs,
			     char **note)
{
	struct rk_buf b = RK_BUF_INIT;
	char *line, *save = NULL;
	size_t nout = 0, outcap = 0;

	*retry_after = -1;
	*retryable = -1;
	*outputs = NULL;
	*note = NULL;
	if (read_tail(path, 65536, &b) != 0 || !b.data) {
		rk_buf_release(&b);
		return;
	}
	for (line = strtok_r(b.data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *end;
		if (strncmp(line, "retry_after=", 12) == 0) {
			double v = strtod(line + 12, &end);
			if (end != line + 12 && v >= 0)
				*retry_after = v > 3600 ? 3600 : v;
		} else if (strcmp(line, "retryable=true") == 0 ||
			   strcmp(line, "retryable=1") == 0) {
			*retryable = 1;
		} else if (strcmp(line, "retryable=false") == 0 ||
			   strcmp(line, "retryable=0") == 0) {
			*retryable = 0;
		} else if (strncmp(line, "output=", 7) == 0 && line[7]) {
			RK_GROW(*outputs, outcap, nout + 2);
			(*outputs)[nout++] = rk_xstrdup(line + 7);
			(*outputs)[nout] = NULL;
		} else if (strncmp(line, "note=", 5) == 0) {
			free(*note);
			*note = rk_xstrdup(line + 5);
		}
	}
	rk_buf_release(&b);
}

static unsigned long long rng_next(struct rk_sched *s)
{
	/* xorshift64* */
	s->rng ^= s->rng >> 12;
	s->rng ^= s->rng << 25;
	s->rng ^= s->rng >> 27;
	return s->rng * 2685821657736338717ULL;
}

/* Store a successful attempt's outputs (declared, then those of the result
 * file) into the CAS/AC; *r receives the result. */
static void record_success(struct rk_sched *s, int i, char **more, struct rk_ac_result *r)
{
	struct act *a = &s->a[i];
	struct rk_buf enc = RK_BUF_INIT;
	char **p;
	int pass;

	if (s->no_store)
		return;
	for (pass = 0, p = a->outputs; pass < 2; pass++, p = more)
		for (; p && *p; p++) {
			char hex[RK_SHA256_HEX];
			long long size = 0;
			int exe = 0;
			/* streamed, never through a symbolic link, never a FIFO or a
			 * directory, never outside the repository */
			if (rk_cache_store_beneath(s->o.cache, s->o.repo_root, *p, hex, &size,
						   &exe) != 0) {
				int en = errno;
				rk_warn("action '%s': output %s not stored: %s", a->id, *p,
					en == ELOOP    ? "a symbolic link is in its path"
					: en == EINVAL ? "not inside the repository"
						       : rk_strerror(en));
				continue;
			}
			rk_ac_result_add_file(r, *p, hex, size, exe);
		}
	rk_ac_encode(r, &enc);
	writer_ac(&s->w, a->id, a->key, &enc);
	if (s->have_remote) {
		RK_GROW(s->upload, s->upcap, s->nupload + 1);
		s->upload[s->nupload++] = rk_xstrdup(a->key);
	}
	rk_buf_release(&enc);
}

/*
 * The masked copy of a log: written into the cache's scratch (to be
 * adopted into the CAS; only masked logs are stored and uploaded), or into
 * the run's scratch when the cache cannot be written. The raw log is
 * removed. 0, or -1 with errno (nothing left behind).
 */
static int mask_log(struct rk_sched *s, const char *raw, struct rk_buf *masked,
		    char hex[RK_SHA256_HEX], long long *size)
{
	int rc, e;

	for (;;) {
		rk_buf_reset(masked);
		rk_buf_addf(masked, "%s/%s.m", s->no_store ? s->tmpdir.data : s->ctmp.data,
			    strrchr(raw, '/') + 1);
		rc = rk_mask_file(&s->mask, raw, masked->data, hex, size);
		if (rc == 0)
			break;
		e = errno;
		unlink(masked->data);
		if (s->no_store || !(e == ENOSPC || e == EDQUOT || e == EROFS || e == EACCES ||
				     e == EPERM || e == EIO)) {
			errno = e;
			break;
		}
		/* the cache is full or read-only: carry on without storing */
		rk_warn("cannot write to the cache %s (%s): running without caching", s->ctmp.data,
			strerror(e));
		s->no_store = 1;
	}
	e = errno;
	unlink(raw);
	errno = e;
	return rc;
}

static void finish_attempt(struct rk_sched *s, int i, const struct rk_proc_result *res,
			   const char *fail_reason)
{
	struct act *a = &s->a[i];
	struct rk_buf out = RK_BUF_INIT, err = RK_BUF_INIT, resf = RK_BUF_INIT;
	struct rk_buf tail = RK_BUF_INIT, why = RK_BUF_INIT, otail = RK_BUF_INIT;
	struct rk_buf mout = RK_BUF_INIT, merr = RK_BUF_INIT;
	struct rk_ac_result r;
	struct evinfo e = {0};
	double retry_after;
	int retryable, ok, logs_ok;
	size_t k;
	char **more_outputs, *note;

	rk_ac_result_init(&r);
	attempt_path(s, i, "out", &out);
	attempt_path(s, i, "err", &err);
	attempt_path(s, i, "result", &resf);
	/* a command that exits 0 during the grace period of an interruption
	 * succeeded: recorded and cached, so a rerun does not repeat it */
	ok = res->exited && res->code == 0 && !res->timed_out;
	read_result_file(resf.data, &retry_after, &retryable, &more_outputs, &note);
	unlink(resf.data);
	/* mask before anything is cut, stored or uploaded */
	logs_ok = mask_log(s, out.data, &mout, r.stdout_digest, &r.stdout_size) == 0;
	if (logs_ok)
		logs_ok = mask_log(s, err.data, &merr, r.stderr_digest, &r.stderr_size) == 0;
	if (!logs_ok) {
		rk_warn("action '%s': cannot keep its output (%s): %s", a->id,
			s->no_store ? s->tmpdir.data : s->ctmp.data, rk_strerror(errno));
		unlink(mout.data);
		unlink(out.data);
		unlink(err.data);
		memcpy(r.stdout_digest, RK_EMPTY_SHA256, RK_SHA256_HEX);
		memcpy(r.stderr_digest, RK_EMPTY_SHA256, RK_SHA256_HEX);
		r.stdout_size = r.stderr_size = 0;
	} else {
		if (!ok) {
			stderr_tail(merr.data, &tail);
			stderr_tail(mout.data, &otail);
		}
		if (s->no_store) {
			unlink(mout.data);
			unlink(merr.data);
		} else {
			writer_adopt(&s->w, a->id, mout.data, r.stdout_digest);
			writer_adopt(&s->w, a->id, merr.data, r.stderr_digest);
		}
	}
	r.exit_code = res->exited ? res->code : -1;

	e.attempt = a->attempt;
	e.duration_ms = rk_now_ms() - a->start_ms;
	e.res = res;
	e.stdout_digest = r.stdout_digest;
	e.stdout_size = r.stdout_size;
	e.stderr_digest = r.stderr_digest;
	e.stderr_size = r.stderr_size;
	e.retry_in_ms = -1;
	e.note = note;

	if (ok) {
		if (logs_ok) /* a result whose logs are lost is not cached */
			record_success(s, i, more_outputs, &r);
		e.state = "succeeded";
		e.outputs = &r;
		a->state = ST_SUCCEEDED;
		s->counts[ST_SUCCEEDED]++;
		emit(s, a, &e);
		if (has_hooks(s, "after", a->type)) {
			build_event(s, a, &e, &s->ev);
			run_hooks(s, a, "after", &s->ev, &why);
			rk_buf_reset(&s->ev);
		}
		rk_ac_result_release(&r);
		finish_ok(s, i);
		goto out;
	}

	if (fail_reason)
		rk_buf_adds(&why, fail_reason);
	else if (a->ex && !a->argv && res->exited && res->code != 0 && tail.len) {
		/* a built-in executor's message: its last stderr line */
		const char *l = tail.data + tail.len;
		size_t pl = strlen(rk_progname);
		while (l > tail.data && l[-1] == '\n')
			l--;
		while (l > tail.data && l[-1] != '\n')
			l--;
		if (strncmp(l, rk_progname, pl) == 0 && strncmp(l + pl, ": ", 2) == 0)
			l += pl + 2;
		rk_buf_add(&why, l, strcspn(l, "\n"));
	} else {
		char d[96];
		rk_proc_describe(res, d, sizeof(d));
		if (res->timed_out)
			snprintf(d, sizeof(d), "timed out after %gs", a->timeout_s);
		rk_buf_adds(&why, d);
	}
	e.reason = why.data;
	e.stderr_tail = tail.len ? tail.data : NULL;
	e.stdout_tail = otail.len ? otail.data : NULL;

	if (retryable < 0) {
		retryable = res->timed_out;
		if (res->exited) {
			if (a->has_retry_codes) {
				for (k = 0; k < a->nretry_codes; k++)
					if (a->retry_codes[k] == res->code)
						retryable = 1;
			} else if (res->code == 75) {
				retryable = 1;
			}
		}
	}
	if (a->interrupted)
		retryable = 0;
	if (retryable && !s->stop && a->attempt <= max_retries(s, a)) {
		long long delay;
		if (retry_after >= 0) {
			delay = (long long)(retry_after * 1000.0 * s->scale);
		} else {
			long long cap = s->o.backoff_base_ms;
			int n;
			for (n = 1; n < a->attempt && cap < s->o.backoff_max_ms; n++)
				cap *= 2;
			if (cap > s->o.backoff_max_ms)
				cap = s->o.backoff_max_ms;
			delay = (long long)((double)(rng_next(s) % (unsigned long long)(cap + 1)) *
					    s->scale);
		}
		e.state = "retrying";
		e.retry_in_ms = delay;
		a->state = ST_RETRY_WAIT;
		a->retry_at_ms = rk_now_ms() + delay;
		s->retries_done++;
		emit(s, a, &e);
	} else {
		e.state = "failed";
		fail_now(s, i, &e);
	}
	rk_ac_result_release(&r);
out:
	free_strv(more_outputs);
	free(note);
	rk_buf_release(&out);
	rk_buf_release(&err);
	rk_buf_release(&resf);
	rk_buf_release(&tail);
	rk_buf_release(&otail);
	rk_buf_release(&why);
	rk_buf_release(&mout);
	rk_buf_release(&merr);
}

/* ---- write-behind ---- */

static void upload_one(struct rk_sched *s, const char *key)
{
	struct rk_buf b = RK_BUF_INIT, blob = RK_BUF_INIT;
	struct rk_ac_result r;
	size_t i;

	/* the CAS holds masked logs only: what is uploaded is masked */
	if (rk_cache_get_ac(s->o.cache, key, &b) != 1 ||
	    rk_ac_decode(b.data ? b.data : "", b.len, &r) != 0) {
		rk_buf_release(&b);
		return;
	}
	for (i = 0; i < 2 + r.nfiles && !s->remote.disabled; i++) {
		const char *hex = i == 0   ? (r.stdout_size ? r.stdout_digest : NULL)
				  : i == 1 ? (r.stderr_size ? r.stderr_digest : NULL)
					   : r.files[i - 2].digest;
		if (!hex || rk_remote_head(&s->remote, "cas", hex) != 0)
			continue;
		rk_cache_cas_path(s->o.cache, hex, &blob);
		if (rk_cache_check_blob(s->o.cache, hex) == 1) /* streamed, not read whole */
			rk_remote_put_file(&s->remote, "cas", hex, blob.data);
		rk_buf_reset(&blob);
	}
	if (!s->remote.disabled)
		rk_remote_put(&s->remote, "ac", key, b.data ? b.data : "", b.len);
	rk_ac_result_release(&r);
	rk_buf_release(&b);
	rk_buf_release(&blob);
}

/* Remove a directory holding only files (the run's scratch directory). */
static void remove_flat_dir(const char *dir)
{
	struct rk_buf p = RK_BUF_INIT;
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		rk_buf_reset(&p);
		rk_buf_addf(&p, "%s/%s", dir, de->d_name);
		unlink(p.data);
	}
	closedir(d);
	rmdir(dir);
	rk_buf_release(&p);
}

/* ---- signals ---- */

static void remove_running(struct rk_sched *s, size_t k)
{
	s->running[k] = s->running[--s->nrunning];
}

static int sig_pipe[2] = {-1, -1};
static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	int saved = errno;
	char c = (char)sig;
	if (sig == SIGINT || sig == SIGTERM) {
		got_signal = sig;
		if (stop_pipe[1] >= 0)
			(void)write(stop_pipe[1], &c, 1);
	}
	if (sig_pipe[1] >= 0)
		(void)write(sig_pipe[1], &c, 1);
	errno = saved;
}

/* The reader of the events went away, or stdout failed (disk full, EIO):
 * stop as on SIGTERM (output is discarded); the children are signalled and
 * reaped, what finished is recorded in the cache, the lock released. */
static void on_epipe(void *ctx)
{
	struct rk_sched *s = ctx;
	char c = (char)SIGPIPE;

	if (errno != EPIPE)
		s->write_error = errno ? errno : EIO;
	got_signal = SIGPIPE;
	if (sig_pipe[1] >= 0)
		(void)write(sig_pipe[1], &c, 1);
	if (stop_pipe[1] >= 0)
		(void)write(stop_pipe[1], &c, 1);
}

/* The process groups running now, recorded in the repository lock. */
static void note_groups(struct rk_sched *s)
{
	int *g;
	size_t k;

	if (!s->o.lock)
		return;
	g = rk_xcalloc(s->nrunning + 1, sizeof(int));
	for (k = 0; k < s->nrunning; k++)
		g[k] = (int)s->a[s->running[k]].pid;
	if (rk_lock_set_groups(s->o.lock, g, s->nrunning) != 0)
		rk_warn("cannot update the lock %s: %s", s->o.lock->path, strerror(errno));
	free(g);
}

static void remove_flat_dir(const char *dir);

/*
 * rk_die (out of memory, ...) in the middle of a run: stop the commands
 * (SIGTERM, SIGKILL after the grace period), reap them, remove the scratch
 * directories and release the lock, so nothing runs on unsupervised.
 */
static void on_die(void *ctx)
{
	struct rk_sched *s = ctx;
	long long until = rk_now_ms() + (long long)(s->o.kill_grace_s * 1000.0);
	size_t k;

	for (k = 0; k < s->nrunning; k++)
		rk_proc_kill_group(s->a[s->running[k]].pid, SIGTERM);
	while (s->nrunning) {
		int st;
		pid_t p = waitpid(-1, &st, WNOHANG);
		if (p > 0) {
			for (k = 0; k < s->nrunning; k++)
				if (s->a[s->running[k]].pid == p) {
					rk_proc_kill_group(p, SIGKILL);
					remove_running(s, k);
					break;
				}
			continue;
		}
		if (p < 0 && errno != EINTR)
			break;
		if (rk_now_ms() >= until) {
			for (k = 0; k < s->nrunning; k++)
				rk_proc_kill_group(s->a[s->running[k]].pid, SIGKILL);
			until = rk_now_ms() + 60000;
		}
		{
			struct timespec ts = {0, 20 * 1000000L};
			nanosleep(&ts, NULL);
		}
	}
	if (s->tmpdir.data)
		remove_flat_dir(s->tmpdir.data);
	if (s->ctmp.data)
		remove_flat_dir(s->ctmp.data);
	if (s->o.lock)
		rk_lock_release(s->o.lock);
}

static void set_nonblock_cloexec(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	fcntl(fd, F_SETFD, FD_CLOEXEC);
}

/* ---- the loop ---- */

static void interrupt(struct rk_sched *s, int sig)
{
	long long now = rk_now_ms();
	size_t k;

	if (!s->interrupted_sig) {
		s->interrupted_sig = sig;
		s->stop = 1;
		s->stop_reason = "interrupted";
		for (k = 0; k < s->nrunning; k++) {
			struct act *a = &s->a[s->running[k]];
			a->interrupted = 1;
			rk_proc_kill_group(a->pid, SIGTERM);
			a->term_sent = 1;
			a->kill_at_ms = now + (long long)(s->o.kill_grace_s * 1000.0);
		}
	} else {
		/* a second signal: no more grace */
		for (k = 0; k < s->nrunning; k++)
			rk_proc_kill_group(s->a[s->running[k]].pid, SIGKILL);
	}
}

static void take_signal(struct rk_sched *s)
{
	int sig = (int)got_signal;
	if (sig > 0) {
		got_signal = 0;
		interrupt(s, sig);
	}
}

static void drain(int fd)
{
	char buf[256];
	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

static void reap(struct rk_sched *s)
{
	int status;
	pid_t pid;
	size_t k;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (k = 0; k < s->nrunning; k++) {
			int i = s->running[k];
			struct act *a = &s->a[i];
			struct rk_proc_result res;
			if (a->pid != pid)
				continue;
			remove_running(s, k);
			resources_take(s, a, -1);
			/* end what the command left in its group */
			rk_proc_kill_group(pid, SIGKILL);
			rk_proc_status(status, &res);
			res.timed_out = a->timed_out;
			res.duration_ms = rk_now_ms() - a->start_ms;
			finish_attempt(s, i, &res, a->interrupted ? "interrupted" : NULL);
			note_groups(s);
			break;
		}
	}
}

/* Start what can start, highest first; resource-blocked ones wait. */
static void fill(struct rk_sched *s)
{
	int *blocked = NULL;
	size_t nblocked = 0, cap = 0, k;

	while (s->nready && !s->stop && s->nrunning < (size_t)s->o.jobs) {
		int i = ready_pop(s);
		if (resources_free(s, &s->a[i])) {
			start(s, i);
		} else {
			RK_GROW(blocked, cap, nblocked + 1);
			blocked[nblocked++] = i;
		}
	}
	for (k = 0; k < nblocked; k++)
		ready_push(s, blocked[k]);
	free(blocked);
}

int rk_sched_run(struct rk_sched *s)
{
	struct sigaction sa, old_int, old_term, old_chld;
	size_t i;
	int rc;
	const char *scale = getenv("RK_EXEC_BACKOFF_SCALE");

	s->run_start = rk_now_ms();
	s->scale = 1.0;
	if (scale && *scale) {
		char *end;
		double v = strtod(scale, &end);
		if (*end == '\0' && v >= 0)
			s->scale = v;
		else
			rk_warn("ignoring RK_EXEC_BACKOFF_SCALE='%s': not a number", scale);
	}
	s->rng = s->o.seed ? s->o.seed
			   : (unsigned long long)rk_now_ms() ^ ((unsigned long long)getpid() << 32);
	if (!s->rng)
		s->rng = 88172645463325252ULL;
	s->resource_count = rk_xcalloc(s->o.nlimits + 1, sizeof(int));
	{
		/* secrets: the inherited environment's, the actions' env values,
		 * the remote cache's credentials; masked in every channel */
		const char *url = s->o.remote_url ? s->o.remote_url : s->config_remote;
		rk_mask_add_env(&s->mask, environ);
		for (i = 0; i < s->n; i++)
			for (size_t j = 0; j < s->a[i].nenv; j++)
				rk_mask_add(&s->mask, strchr(s->a[i].env[j], '=') + 1);
		rk_mask_add_url(&s->mask, url);
		rk_mask_messages(&s->mask);
	}
	{
		/* the run's scratch (raw logs, hook input) is not in the cache: a
		 * read-only or full cache must not stop the commands */
		const char *t = getenv("TMPDIR");
		rk_buf_addf(&s->tmpdir, "%s/rk-exec.XXXXXX", t && *t ? t : "/tmp");
		if (!mkdtemp(s->tmpdir.data)) {
			rk_error("cannot create a scratch directory in %s: %s",
				 t && *t ? t : "/tmp", strerror(errno));
			rk_buf_reset(&s->tmpdir);
			rk_mask_messages(NULL);
			return RK_EXIT_FAIL;
		}
	}
	if (rk_cache_tmpdir(s->o.cache, &s->ctmp) != 0) {
		rk_warn("cannot write to the cache %s (%s): running without caching",
			s->o.cache->root, strerror(errno));
		rk_buf_reset(&s->ctmp);
		s->no_store = 1;
	}
	{
		const char *url = s->o.remote_url ? s->o.remote_url : s->config_remote;
		struct rk_err err;
		if (url && *url) {
			if (rk_remote_init(&s->remote, url, &err) != 0)
				rk_warn("%s: using the local cache only", err.msg);
			else
				s->have_remote = 1;
		}
	}

	{
		char self[4096];
		ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
		if (n > 0) {
			self[n] = '\0';
			s->self = rk_xstrdup(self);
		}
	}
	writer_start(&s->w, s->o.cache);
	rk_msg_at_die(on_die, s);
	if (pipe(sig_pipe) != 0 || pipe(stop_pipe) != 0)
		rk_die(RK_EXIT_FAIL, "pipe: %s", strerror(errno));
	set_nonblock_cloexec(sig_pipe[0]);
	set_nonblock_cloexec(sig_pipe[1]);
	set_nonblock_cloexec(stop_pipe[0]);
	set_nonblock_cloexec(stop_pipe[1]);
	got_signal = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_NOCLDSTOP | SA_RESTART; /* poll(2) still wakes: it is never restarted */
	sigaction(SIGCHLD, &sa, &old_chld);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	rk_msg_on_epipe(on_epipe, s);

	for (i = 0; i < s->n; i++)
		s->a[i].unmet = (int)s->a[i].ndeps;
	for (i = 0; i < s->n; i++)
		if (s->a[i].state == ST_PENDING && s->a[i].unmet == 0)
			make_ready(s, (int)i);

	for (;;) {
		long long now, next = -1;
		size_t k;
		struct pollfd pfd;

		take_signal(s);
		fill(s);
		/* retries whose time came */
		now = rk_now_ms();
		for (i = 0; i < s->n; i++) {
			struct act *a = &s->a[i];
			if (a->state != ST_RETRY_WAIT)
				continue;
			if (s->stop) {
				a->state = ST_SKIPPED;
				s->counts[ST_SKIPPED]++;
				emit_simple(s, a, "skipped", a->attempt,
					    s->interrupted_sig ? "interrupted" : s->stop_reason,
					    NULL);
				skip_dependents(s, (int)i,
						s->interrupted_sig ? "interrupted" : s->stop_reason,
						NULL);
			} else if (a->retry_at_ms <= now) {
				a->state = ST_QUEUED;
				ready_push(s, (int)i);
			} else if (next < 0 || a->retry_at_ms < next) {
				next = a->retry_at_ms;
			}
		}
		fill(s);
		take_signal(s); /* one that came during a hook */
		if (s->nrunning == 0 && next < 0 && (s->nready == 0 || s->stop))
			break;
		for (k = 0; k < s->nrunning; k++) {
			struct act *a = &s->a[s->running[k]];
			if (a->deadline_ms && !a->term_sent && (next < 0 || a->deadline_ms < next))
				next = a->deadline_ms;
			if (a->kill_at_ms && (next < 0 || a->kill_at_ms < next))
				next = a->kill_at_ms;
		}
		pfd.fd = sig_pipe[0];
		pfd.events = POLLIN;
		pfd.revents = 0;
		{
			long long wait = next < 0 ? -1 : next - rk_now_ms();
			if (next >= 0 && wait < 0)
				wait = 0;
			if (poll(&pfd, 1, wait > 3600000 ? 3600000 : (int)wait) > 0)
				drain(sig_pipe[0]);
		}
		take_signal(s);
		reap(s);
		now = rk_now_ms();
		for (k = 0; k < s->nrunning; k++) {
			struct act *a = &s->a[s->running[k]];
			if (a->deadline_ms && !a->term_sent && now >= a->deadline_ms) {
				a->timed_out = 1;
				a->term_sent = 1;
				rk_proc_kill_group(a->pid, SIGTERM);
				a->kill_at_ms = now + (long long)(s->o.kill_grace_s * 1000.0);
			} else if (a->kill_at_ms && now >= a->kill_at_ms) {
				rk_proc_kill_group(a->pid, SIGKILL);
				a->kill_at_ms = 0;
			}
		}
	}

	/* whatever never started */
	for (i = 0; i < s->n; i++) {
		struct act *a = &s->a[i];
		if (a->state == ST_PENDING || a->state == ST_QUEUED) {
			a->state = ST_SKIPPED;
			s->counts[ST_SKIPPED]++;
			emit_simple(s, a, "skipped", 0,
				    s->interrupted_sig ? "interrupted"
				    : s->stop_reason   ? s->stop_reason
						       : "not run",
				    NULL);
		}
	}

	sigaction(SIGCHLD, &old_chld, NULL);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	close(sig_pipe[0]);
	close(sig_pipe[1]);
	sig_pipe[0] = sig_pipe[1] = -1;
	close(stop_pipe[0]);
	close(stop_pipe[1]);
	stop_pipe[0] = stop_pipe[1] = -1;

	writer_finish(&s->w);
	for (i = 0; i < s->nupload && s->have_remote && !s->remote.disabled; i++)
		upload_one(s, s->upload[i]);

	{
		struct rk_jw w;
		rk_buf_reset(&s->ev);
		rk_jw_init(&w, &s->ev);
		rk_jw_obj(&w);
		rk_jw_kstr(&w, "kind", "summary");
		rk_jw_kint(&w, "actions", (long long)s->n);
		rk_jw_kint(&w, "succeeded", s->counts[ST_SUCCEEDED]);
		rk_jw_kint(&w, "cached", s->counts[ST_CACHED]);
		rk_jw_kint(&w, "failed", s->counts[ST_FAILED]);
		rk_jw_kint(&w, "skipped", s->counts[ST_SKIPPED]);
		rk_jw_kint(&w, "retries", s->retries_done);
		rk_jw_kint(&w, "duration_ms", rk_now_ms() - s->run_start);
		if (s->interrupted_sig) {
			char sn[64];
			signame(s->interrupted_sig, sn, sizeof(sn));
			rk_jw_kstr(&w, "interrupted", sn);
		}
		if (s->have_remote) {
			rk_jw_key(&w, "remote_cache");
			rk_jw_obj(&w);
			rk_jw_kint(&w, "lookups", s->remote.gets);
			rk_jw_kint(&w, "hits", s->remote.hits);
			rk_jw_kint(&w, "uploads", s->remote.puts);
			rk_jw_kbool(&w, "available", !s->remote.disabled);
			rk_jw_obj_end(&w);
		}
		rc = s->write_error				       ? RK_EXIT_FAIL
		     : s->interrupted_sig			       ? 128 + s->interrupted_sig
		     : (s->counts[ST_FAILED] || s->counts[ST_SKIPPED]) ? 1
								       : 0;
		rk_jw_kint(&w, "exit_code", rc);
		rk_jw_obj_end(&w);
		emit_flush(s);
	}
	rk_msg_on_epipe(NULL, NULL);
	rk_msg_at_die(NULL, NULL);
	if (s->have_remote)
		rk_remote_release(&s->remote);
	remove_flat_dir(s->tmpdir.data);
	if (s->ctmp.len)
		remove_flat_dir(s->ctmp.data);
	rk_mask_messages(NULL);
	return rc;
}
