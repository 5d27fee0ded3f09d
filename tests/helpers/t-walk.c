/*
 * t-walk: drive lib/rk_walk (the one tree walk) and its users from tests.
 *
 *   t-walk files ROOT NAME...   every NAME the walk finds under ROOT, as
 *                               DIR/NAME (DIR "." for the root), sorted
 *   t-walk cfgfiles ROOT NAME   rk_cfg_find_package_files(ROOT, NAME)
 *
 * Bad usage exits 2.
 */
#include "rk_common.h"

#include "rk_cfgfiles.h"
#include "rk_config.h"
#include "rk_sort.h"
#include "rk_walk.h"

struct list {
	char **v;
	size_t n, cap;
};

static void add(const struct rk_walk_file *f, void *ctx)
{
	struct list *l = ctx;
	struct rk_buf b = RK_BUF_INIT;

	rk_buf_add(&b, f->dir, f->dirlen);
	rk_buf_addf(&b, "/%s", f->name);
	RK_GROW(l->v, l->cap, l->n + 1);
	l->v[l->n++] = rk_buf_detach(&b, NULL);
}

int main(int argc, char **argv)
{
	size_t i;

	rk_msg_init(argv[0]);
	if (argc >= 4 && !strcmp(argv[1], "files")) {
		struct list l = {NULL, 0, 0};
		struct rk_walk *w = rk_walk_open(argv[2]);

		rk_walk_files(w, ".", (const char *const *)argv + 3, (size_t)argc - 3, add, &l);
		rk_walk_close(w);
		if (l.n)
			qsort(l.v, l.n, sizeof(*l.v), rk_strcmp_ptr);
		for (i = 0; i < l.n; i++) {
			printf("%s\n", l.v[i]);
			free(l.v[i]);
		}
		free(l.v);
		return rk_finish(0);
	}
	if (argc == 4 && !strcmp(argv[1], "cfgfiles")) {
		char **f = rk_cfg_find_package_files(argv[2], argv[3]);

		for (i = 0; f[i]; i++)
			printf("%s\n", f[i]);
		rk_cfg_files_free(f);
		return rk_finish(0);
	}
	rk_die(RK_EXIT_USAGE, "usage: t-walk files ROOT NAME... | cfgfiles ROOT NAME");
}
