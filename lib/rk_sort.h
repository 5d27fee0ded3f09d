/*
 * rk_sort.h - sorting helpers shared by the tools.
 *
 * rk_sort_idx: a stable sort of int indices by a comparator that takes a
 * context (qsort has no context argument and is not stable): graph nodes
 * by (ecosystem, name), a node's edges by the order of their targets.
 * rk_strcmp_ptr: the qsort comparator for an array of char * (strcmp
 * order). Nothing here allocates.
 */
#ifndef RK_SORT_H
#define RK_SORT_H

/* Negative, zero or positive as index a sorts before, with or after b. */
typedef int (*rk_idx_cmp)(const void *ctx, int a, int b);

/* Sort v[0..n) stably by cmp (merge sort, O(n log n)); tmp has room for n ints. */
void rk_sort_idx(int *v, int *tmp, int n, rk_idx_cmp cmp, const void *ctx);

/* qsort comparator for elements of type char * (or const char *). */
int rk_strcmp_ptr(const void *a, const void *b);

#endif
