/* writer.c: the cache writer thread (CAS adoptions and AC writes, in order, batched) */
#include "rk_common.h"
#include "exec.h"

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

void ex_writer_start(struct writer *w, struct rk_cache *c)
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

void ex_writer_adopt(struct writer *w, const char *id, const char *path, const char *hex)
{
	struct wjob *j = rk_xcalloc(1, sizeof(*j));
	j->path = rk_xstrdup(path);
	memcpy(j->hex, hex, RK_SHA256_HEX);
	j->id = rk_xstrdup(id);
	writer_put(w, j);
}

void ex_writer_ac(struct writer *w, const char *id, const char *key, struct rk_buf *data)
{
	struct wjob *j = rk_xcalloc(1, sizeof(*j));
	j->key = rk_xstrdup(key);
	j->len = data->len;
	j->data = rk_buf_detach(data, NULL);
	j->id = rk_xstrdup(id);
	writer_put(w, j);
}

/* Finish every queued write and stop the thread. */
void ex_writer_finish(struct writer *w)
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
