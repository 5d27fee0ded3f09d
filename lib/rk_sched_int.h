/*
 * rk_sched_int.h - the scheduler's state, shared by lib/rk_sched.c (the
 * intake: rk_sched_new/add/validate/free) and rk-exec's run
 * (the files of cmd/rk-exec/: rk_sched_run). Not a public API: only those include it.
 *
 * Ownership: struct rk_sched owns every string and array below; rk_sched_free
 * releases them (the run's state included). Threads: everything is touched by
 * the scheduler's thread only, except struct writer's queue (guarded by its
 * mutex) and the cache it writes to (rk_cache.h: Concurrency).
 */
#ifndef RK_SCHED_INT_H
#define RK_SCHED_INT_H

#include "rk_sched.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rk_beneath.h"
#include "rk_executor.h"
#include "rk_lock.h"
#include "rk_mask.h"
#include "rk_proc.h"
#include "rk_remote.h"
#include "rk_strmap.h"

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
	int groups_dirty;    /* running changed since the lock last recorded it */
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

/* Free a NULL-terminated vector of strings and the strings (NULL: nothing). */
void rk_sched_free_strv(char **v);

#endif
