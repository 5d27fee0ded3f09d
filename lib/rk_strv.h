/*
 * rk_strv.h - a counted list of strings: char **v with its length n (and,
 * while it grows, its capacity cap), as manifests' member globs, config
 * lists and directory listings are kept.
 *
 * Ownership: the list owns the array and every string in it (copies);
 * rk_strv_free releases both. Errors: none; running out of memory ends
 * the process (as rk_xmalloc does).
 */
#ifndef RK_STRV_H
#define RK_STRV_H

#include <stddef.h>

/* Append a copy of s to (*v)[0..*n), growing the array by *cap; the copy. */
char *rk_strv_push(char ***v, size_t *n, size_t *cap, const char *s);

/* Free v[0..n) and v (NULL with n 0 is fine). */
void rk_strv_free(char **v, size_t n);

#endif
