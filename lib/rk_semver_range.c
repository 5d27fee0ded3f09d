/* rk_semver_range.c - npm range satisfaction (see rk_semver_range.h). */
#include "rk_common.h"
#include "rk_semver_range.h"

#include <ctype.h>
#include <stdint.h>

#define WILD UINT64_MAX /* an x, X or * part, or a missing one */

struct sv {
	uint64_t n[3];
	const char *pre; /* pre-release identifiers (borrowed), "" when none */
	size_t prelen;
};

enum op { OP_EQ, OP_LT, OP_LE, OP_GT, OP_GE };

/* Parse a partial version at *s (advanced). Returns 0, or -1. */
static int parse_partial(const char **s, struct sv *v)
{
	const char *p = *s;
	int i;

	v->n[0] = v->n[1] = v->n[2] = WILD;
	v->pre = "";
	v->prelen = 0;
	while (*p == '=' || *p == 'v')
		p++;
	for (i = 0; i < 3; i++) {
		if (*p == 'x' || *p == 'X' || *p == '*') {
			p++;
		} else if (isdigit((unsigned char)*p)) {
			uint64_t n = 0;

			while (isdigit((unsigned char)*p)) {
				if (n > (UINT64_MAX - 10) / 10)
					return -1;
				n = n * 10 + (uint64_t)(*p++ - '0');
			}
			v->n[i] = n;
		} else {
			if (i == 0 && (*p == '\0' || *p == ' '))
				break; /* "" is * */
			return -1;
		}
		if (*p != '.')
			break;
		p++;
	}
	if (*p == '-') {
		v->pre = ++p;
		while (isalnum((unsigned char)*p) || *p == '.' || *p == '-')
			p++;
		v->prelen = (size_t)(p - v->pre);
		if (!v->prelen)
			return -1;
	}
	if (*p == '+') {
		p++;
		while (isalnum((unsigned char)*p) || *p == '.' || *p == '-')
			p++;
	}
	*s = p;
	return 0;
}

/* Compare dot-separated pre-release identifier lists ("" sorts last). */
static int cmp_pre(const char *a, size_t an, const char *b, size_t bn)
{
	size_t i = 0, j = 0;

	if (!an || !bn)
		return an == bn ? 0 : an ? -1 : 1;
	while (i < an && j < bn) {
		size_t ie = i, je = j;
		bool anum = true, bnum = true;
		int c;

		while (ie < an && a[ie] != '.')
			anum &= isdigit((unsigned char)a[ie++]) != 0;
		while (je < bn && b[je] != '.')
			bnum &= isdigit((unsigned char)b[je++]) != 0;
		if (anum && bnum) {
			if (ie - i != je - j)
				return ie - i < je - j ? -1 : 1;
			c = strncmp(a + i, b + j, ie - i);
		} else if (anum || bnum) {
			return anum ? -1 : 1;
		} else {
			size_t m = ie - i < je - j ? ie - i : je - j;

			c = strncmp(a + i, b + j, m);
			if (!c && ie - i != je - j)
				c = ie - i < je - j ? -1 : 1;
		}
		if (c)
			return c < 0 ? -1 : 1;
		i = ie + (ie < an);
		j = je + (je < bn);
		if ((i >= an) != (j >= bn))
			return i >= an ? -1 : 1;
		if (i >= an)
			break;
	}
	return 0;
}

static int cmp(const struct sv *a, const struct sv *b)
{
	int i;

	for (i = 0; i < 3; i++)
		if (a->n[i] != b->n[i])
			return a->n[i] < b->n[i] ? -1 : 1;
	return cmp_pre(a->pre, a->prelen, b->pre, b->prelen);
}

struct comp {
	enum op op;
	struct sv v;
	bool any;
};

struct set {
	struct comp c[16];
	int n;
};

static int add(struct set *st, enum op op, uint64_t a, uint64_t b, uint64_t c, const char *pre,
	       size_t prelen)
{
	struct comp *k;

	if (st->n == (int)RK_ARRAY_SIZE(st->c))
		return -1;
	k = &st->c[st->n++];
	k->op = op;
	k->any = false;
	k->v.n[0] = a;
	k->v.n[1] = b;
	k->v.n[2] = c;
	k->v.pre = pre;
	k->v.prelen = prelen;
	return 0;
}

/* Lower bound of a partial: >= with zeros (or any when fully wild). */
static int lower(struct set *st, const struct sv *v)
{
	if (v->n[0] == WILD)
		return 0;
	return add(st, OP_GE, v->n[0], v->n[1] == WILD ? 0 : v->n[1], v->n[2] == WILD ? 0 : v->n[2],
		   v->pre, v->prelen);
}

/* Exclusive upper bound just above a partial (1.2 -> <1.3.0-0). */
static int upper_partial(struct set *st, const struct sv *v)
{
	if (v->n[0] == WILD)
		return 0;
	if (v->n[1] == WILD)
		return add(st, OP_LT, v->n[0] + 1, 0, 0, "0", 1);
	return add(st, OP_LT, v->n[0], v->n[1] + 1, 0, "0", 1);
}

static int comparator(struct set *st, const char *tok)
{
	struct sv v;
	const char *p = tok;
	enum op op = OP_EQ;
	int kind = 0; /* 0 plain, '^', '~' */

	if (*p == '^') {
		kind = '^';
		p++;
	} else if (*p == '~') {
		kind = '~';
		p++;
		if (*p == '>')
			p++;
	} else if (p[0] == '>' && p[1] == '=') {
		op = OP_GE;
		p += 2;
	} else if (p[0] == '<' && p[1] == '=') {
		op = OP_LE;
		p += 2;
	} else if (*p == '>') {
		op = OP_GT;
		p++;
	} else if (*p == '<') {
		op = OP_LT;
		p++;
	}
	if (parse_partial(&p, &v) < 0 || *p)
		return -1;
	if (kind == '^') {
		if (lower(st, &v) < 0)
			return -1;
		if (v.n[0] == WILD)
			return 0;
		if (v.n[0] > 0 || v.n[1] == WILD)
			return add(st, OP_LT, v.n[0] + 1, 0, 0, "0", 1);
		if (v.n[1] > 0 || v.n[2] == WILD)
			return add(st, OP_LT, 0, v.n[1] + 1, 0, "0", 1);
		return add(st, OP_LT, 0, 0, v.n[2] + 1, "0", 1);
	}
	if (kind == '~') {
		if (lower(st, &v) < 0)
			return -1;
		return upper_partial(st, &v);
	}
	switch (op) {
	case OP_EQ:
		if (v.n[2] != WILD && v.n[1] != WILD && v.n[0] != WILD)
			return add(st, OP_EQ, v.n[0], v.n[1], v.n[2], v.pre, v.prelen);
		if (lower(st, &v) < 0)
			return -1;
		return upper_partial(st, &v);
	case OP_GE:
		return lower(st, &v);
	case OP_GT:
		if (v.n[0] == WILD)
			return add(st, OP_LT, 0, 0, 0, "0", 1); /* >* matches nothing */
		if (v.n[1] == WILD)
			return add(st, OP_GE, v.n[0] + 1, 0, 0, "", 0);
		if (v.n[2] == WILD)
			return add(st, OP_GE, v.n[0], v.n[1] + 1, 0, "", 0);
		return add(st, OP_GT, v.n[0], v.n[1], v.n[2], v.pre, v.prelen);
	case OP_LT:
		if (v.n[0] == WILD)
			return add(st, OP_LT, 0, 0, 0, "0", 1);
		return add(st, OP_LT, v.n[0], v.n[1] == WILD ? 0 : v.n[1],
			   v.n[2] == WILD ? 0 : v.n[2],
			   v.n[1] == WILD || v.n[2] == WILD ? "0" : v.pre,
			   v.n[1] == WILD || v.n[2] == WILD ? 1 : v.prelen);
	case OP_LE:
		if (v.n[0] == WILD)
			return 0;
		if (v.n[1] == WILD || v.n[2] == WILD)
			return upper_partial(st, &v);
		return add(st, OP_LE, v.n[0], v.n[1], v.n[2], v.pre, v.prelen);
	}
	return -1;
}

static bool test_set(const struct set *st, const struct sv *v)
{
	int i, c;

	for (i = 0; i < st->n; i++) {
		c = cmp(v, &st->c[i].v);
		switch (st->c[i].op) {
		case OP_EQ:
			if (c != 0)
				return false;
			break;
		case OP_LT:
			if (c >= 0)
				return false;
			break;
		case OP_LE:
			if (c > 0)
				return false;
			break;
		case OP_GT:
			if (c <= 0)
				return false;
			break;
		case OP_GE:
			if (c < 0)
				return false;
			break;
		}
	}
	if (!v->prelen)
		return true;
	for (i = 0; i < st->n; i++) {
		const struct sv *k = &st->c[i].v;

		if (k->prelen && k->n[0] == v->n[0] && k->n[1] == v->n[1] && k->n[2] == v->n[2])
			return true;
	}
	return false;
}

/* One `||` alternative (text, n bytes): 1, 0 or -1. */
static int alternative(const char *text, size_t n, const struct sv *v)
{
	struct set st = {.n = 0};
	char *buf = rk_xstrndup(text, n), *p = buf, *hy;
	char *tok[32];
	int ntok = 0, i, rc = -1;

	hy = strstr(buf, " - ");
	if (hy) { /* hyphen range */
		struct sv a, b;
		const char *s = buf, *e;

		*hy = '\0';
		while (*s == ' ')
			s++;
		e = hy + 3;
		while (*e == ' ')
			e++;
		if (parse_partial(&s, &a) < 0 || (*s && *s != ' ') || parse_partial(&e, &b) < 0)
			goto out;
		while (*e == ' ')
			e++;
		if (*e)
			goto out;
		if (lower(&st, &a) < 0)
			goto out;
		if (b.n[0] != WILD && b.n[1] != WILD && b.n[2] != WILD) {
			if (add(&st, OP_LE, b.n[0], b.n[1], b.n[2], b.pre, b.prelen) < 0)
				goto out;
		} else if (upper_partial(&st, &b) < 0) {
			goto out;
		}
		rc = test_set(&st, v);
		goto out;
	}
	/* split on blanks, gluing a lone operator to the version after it */
	while (*p) {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (!*p)
			break;
		if (ntok == (int)RK_ARRAY_SIZE(tok))
			goto out;
		tok[ntok++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
	for (i = 0; i < ntok; i++) {
		const char *t = tok[i];
		struct rk_buf g = RK_BUF_INIT;
		int r;

		if (strspn(t, "<>=~^") == strlen(t) && i + 1 < ntok) {
			rk_buf_addf(&g, "%s%s", t, tok[i + 1]);
			i++;
			r = comparator(&st, g.data);
		} else {
			r = comparator(&st, t);
		}
		rk_buf_release(&g);
		if (r < 0)
			goto out;
	}
	rc = test_set(&st, v);
out:
	free(buf);
	return rc;
}

int rk_npm_range_satisfied(const char *range, const char *version)
{
	struct sv v;
	const char *p = version, *alt;
	int any = 0;

	if (parse_partial(&p, &v) < 0 || *p || v.n[0] == WILD || v.n[1] == WILD || v.n[2] == WILD)
		return -1;
	alt = range;
	for (;;) {
		const char *bar = strstr(alt, "||");
		size_t n = bar ? (size_t)(bar - alt) : strlen(alt);
		int r = alternative(alt, n, &v);

		if (r < 0)
			return -1;
		any |= r;
		if (!bar)
			break;
		alt = bar + 2;
	}
	return any;
}
