/* rk_sort.c - sorting helpers (see the header). */
#include "rk_common.h"
#include "rk_sort.h"

void rk_sort_idx(int *v, int *tmp, int n, rk_idx_cmp cmp, const void *ctx)
{
	int mid = n / 2, i = 0, j, k = 0;

	if (n < 2)
		return;
	rk_sort_idx(v, tmp, mid, cmp, ctx);
	rk_sort_idx(v + mid, tmp, n - mid, cmp, ctx);
	j = mid;
	while (i < mid && j < n)
		tmp[k++] = cmp(ctx, v[i], v[j]) <= 0 ? v[i++] : v[j++];
	while (i < mid)
		tmp[k++] = v[i++];
	while (j < n)
		tmp[k++] = v[j++];
	memcpy(v, tmp, sizeof(int) * (size_t)n);
}

int rk_strcmp_ptr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}
