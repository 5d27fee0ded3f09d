/* heap.c: the ready queue, a heap by height (descending), then input order */
#include "rk_common.h"
#include "exec.h"

/* ---- the ready queue: a heap by height (descending), then input order ---- */

static int before(const struct rk_sched *s, int x, int y)
{
	if (s->a[x].height != s->a[y].height)
		return s->a[x].height > s->a[y].height;
	return x < y;
}

void ex_ready_push(struct rk_sched *s, int i)
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

int ex_ready_pop(struct rk_sched *s)
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
