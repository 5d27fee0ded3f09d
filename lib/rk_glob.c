/* rk_glob.c - workspace member globs (see rk_glob.h). */
#include "rk_common.h"
#include "rk_glob.h"

struct comp {
	const char *s;
	size_t n;
};

/* Split p into components, skipping empty ones and ".". */
static size_t split(const char *p, struct comp **out)
{
	size_t cap = 0, n = 0;
	struct comp *c = NULL;

	while (*p) {
		const char *e;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		e = p;
		while (*e && *e != '/') {
			if (*e == '\\' && e[1] && e[1] != '/')
				e++;
			e++;
		}
		if (!(e - p == 1 && *p == '.')) {
			RK_GROW(c, cap, n + 1);
			c[n].s = p;
			c[n].n = (size_t)(e - p);
			n++;
		}
		p = e;
	}
	*out = c;
	return n;
}

/* Match a bracket expression at p (after '['); *plen gets its length incl. ']'. */
static int class_match(const char *p, size_t avail, unsigned char ch, size_t *plen)
{
	size_t i = 0;
	int neg = 0, hit = 0;

	if (i < avail && (p[i] == '!' || p[i] == '^')) {
		neg = 1;
		i++;
	}
	if (i < avail && p[i] == ']') { /* a leading ']' is literal */
		hit |= ch == ']';
		i++;
	}
	while (i < avail && p[i] != ']') {
		unsigned char lo = (unsigned char)p[i], hi;

		if (lo == '\\' && i + 1 < avail)
			lo = (unsigned char)p[++i];
		hi = lo;
		if (i + 2 < avail && p[i + 1] == '-' && p[i + 2] != ']') {
			hi = (unsigned char)p[i + 2];
			if (hi == '\\' && i + 3 < avail) {
				hi = (unsigned char)p[i + 3];
				i++;
			}
			i += 2;
		}
		if (ch >= lo && ch <= hi)
			hit = 1;
		i++;
	}
	if (i >= avail)
		return -1; /* unterminated: '[' is literal */
	*plen = i + 1;
	return hit != neg;
}

/* One component: '*', '?', '[..]', '\\' escapes. Backtracks on the last '*'. */
static bool comp_match(const char *p, size_t pn, const char *s, size_t sn)
{
	size_t pi = 0, si = 0, star_p = (size_t)-1, star_s = 0;

	while (si < sn) {
		if (pi < pn && p[pi] == '*') {
			while (pi < pn && p[pi] == '*')
				pi++;
			star_p = pi;
			star_s = si;
			continue;
		}
		if (pi < pn) {
			size_t adv = 1;
			int ok;

			if (p[pi] == '?') {
				ok = 1;
			} else if (p[pi] == '[') {
				size_t cl = 0;
				int r = class_match(p + pi + 1, pn - pi - 1, (unsigned char)s[si],
						    &cl);

				if (r < 0) {
					ok = s[si] == '[';
				} else {
					ok = r;
					adv = cl + 1;
				}
			} else if (p[pi] == '\\' && pi + 1 < pn) {
				ok = p[pi + 1] == s[si];
				adv = 2;
			} else {
				ok = p[pi] == s[si];
			}
			if (ok) {
				pi += adv;
				si++;
				continue;
			}
		}
		if (star_p == (size_t)-1)
			return false;
		pi = star_p;
		si = ++star_s;
	}
	while (pi < pn && p[pi] == '*')
		pi++;
	return pi == pn;
}

static bool is_globstar(const struct comp *c)
{
	return c->n == 2 && c->s[0] == '*' && c->s[1] == '*';
}

bool rk_glob_match(const char *pattern, const char *path)
{
	struct comp *pc, *sc;
	size_t np = split(pattern, &pc), ns = split(path, &sc), i, j;
	bool *row, *next, res;

	/*
	 * row[j]: pattern components [0, i) match path components [0, j).
	 * A '**' component matches any run of path components, like '*' in
	 * the classic wildcard DP.
	 */
	row = rk_xcalloc(ns + 1, sizeof(*row));
	next = rk_xcalloc(ns + 1, sizeof(*next));
	row[0] = true;
	for (i = 0; i < np; i++) {
		bool gs = is_globstar(&pc[i]);

		next[0] = gs && row[0];
		for (j = 1; j <= ns; j++) {
			if (gs)
				next[j] = row[j] || next[j - 1];
			else
				next[j] = row[j - 1] &&
					  comp_match(pc[i].s, pc[i].n, sc[j - 1].s, sc[j - 1].n);
		}
		{
			bool *t = row;

			row = next;
			next = t;
		}
	}
	res = row[ns];
	free(row);
	free(next);
	free(pc);
	free(sc);
	return res;
}

bool rk_glob_has_magic(const char *pattern)
{
	return strpbrk(pattern, "*?[\\") != NULL;
}

int rk_path_normalize(char *path)
{
	char *r = path, *w = path;

	while (*r) {
		char *e;
		size_t n;

		while (*r == '/')
			r++;
		if (!*r)
			break;
		e = r;
		while (*e && *e != '/')
			e++;
		n = (size_t)(e - r);
		if (n == 1 && r[0] == '.') {
			/* skip */
		} else if (n == 2 && r[0] == '.' && r[1] == '.') {
			if (w == path)
				return -1;
			w--; /* back over the previous component */
			while (w > path && w[-1] != '/')
				w--;
			if (w > path)
				w--; /* and its separator */
		} else {
			if (w > path)
				*w++ = '/';
			memmove(w, r, n);
			w += n;
		}
		r = e;
	}
	if (w == path && r > path)
		*w++ = '.'; /* room: the input had at least one byte */
	*w = '\0';
	return 0;
}
