/* rk_strv.c - counted lists of strings (rk_strv.h). */
#include "rk_common.h"
#include "rk_strv.h"

char *rk_strv_push(char ***v, size_t *n, size_t *cap, const char *s)
{
	RK_GROW(*v, *cap, *n + 1);
	(*v)[*n] = rk_xstrdup(s);
	return (*v)[(*n)++];
}

void rk_strv_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}
