/*
 * rk_spec.c - version requirements: satisfaction and rewriting (see
 * rk_spec.h).
 *
 * A specifier is read into clauses that keep the byte span of their
 * version text, so a rewrite replaces only those spans and every other
 * byte (operators, spacing, separators) stays.
 */
#include "rk_common.h"

#include <ctype.h>
#include <inttypes.h>
#include <strings.h>

#include "rk_spec.h"
#include "rk_version.h"

enum op {
	OP_NONE,
	OP_CARET,
	OP_TILDE,
	OP_COMPAT,
	OP_EQ,
	OP_NE,
	OP_LT,
	OP_LE,
	OP_GT,
	OP_GE,
	OP_ARB
};

struct clause {
	enum op op;
	size_t vstart, vend; /* span of the version text in the spec */
	/* SemVer partial version */
	int nparts;		 /* parts written, 0..3 */
	int nnum;		 /* leading numeric parts (before a wildcard) */
	bool wild[3];		 /* x, X or * at that position */
	char wildc[3];		 /* the wildcard character written */
	uint64_t num[3];	 /* numeric parts */
	const char *pre, *build; /* inside the spec, lengths below; NULL when none */
	size_t prelen, buildlen;
	/* PEP 440 */
	struct rk_version v; /* parsed (not for ===) */
	bool star;	     /* ==X.* / !=X.* */
	int alt;	     /* npm: index of the || alternative */
	bool hyphen_lo, hyphen_hi;
};

struct spec {
	enum rk_spec_syntax syn;
	const char *text;
	struct clause *c;
	size_t n, cap;
	int nalts;
	size_t *alt_start, *alt_end; /* spans of the alternatives (npm) */
	size_t altcap, altcap2;
};

static void spec_release(struct spec *s)
{
	for (size_t i = 0; i < s->n; i++)
		rk_version_release(&s->c[i].v);
	free(s->c);
	free(s->alt_start);
	free(s->alt_end);
	memset(s, 0, sizeof(*s));
}

static int bad(struct rk_err *err, const char *spec, const char *why)
{
	return rk_err_set(err, NULL, 0, 0, "invalid version requirement '%s': %s", spec, why);
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t';
}

/* The next comma-separated item of t from *i: [*start, *end), spaces trimmed; *i past its comma. */
static void next_item(const char *t, size_t len, size_t *i, size_t *start, size_t *end)
{
	while (*i < len && isspace((unsigned char)t[*i]))
		(*i)++;
	*start = *i;
	while (*i < len && t[*i] != ',')
		(*i)++;
	*end = *i;
	while (*end > *start && isspace((unsigned char)t[*end - 1]))
		(*end)--;
	if (*i < len)
		(*i)++; /* the comma */
}

/* ---- PEP 440 ---- */

static int parse_pep(struct spec *s, struct rk_err *err)
{
	const char *t = s->text;
	size_t i = 0, len = strlen(t);
	static const struct {
		const char *s;
		enum op op;
	} ops[] = {{"===", OP_ARB}, {"~=", OP_COMPAT}, {"==", OP_EQ}, {"!=", OP_NE},
		   {"<=", OP_LE},   {">=", OP_GE},     {"<", OP_LT},  {">", OP_GT}};

	while (i < len) {
		size_t start, end, k;
		struct clause *c;

		next_item(t, len, &i, &start, &end);
		if (end == start) {
			if (start == len && s->n == 0)
				break; /* empty spec */
			return bad(err, t, "empty clause");
		}
		RK_GROW(s->c, s->cap, s->n + 1);
		c = &s->c[s->n++];
		memset(c, 0, sizeof(*c));
		for (k = 0; k < RK_ARRAY_SIZE(ops); k++)
			if (!strncmp(t + start, ops[k].s, strlen(ops[k].s)))
				break;
		if (k == RK_ARRAY_SIZE(ops))
			return bad(err, t, "a clause without an operator");
		c->op = ops[k].op;
		start += strlen(ops[k].s);
		while (start < end && isspace((unsigned char)t[start]))
			start++;
		c->vstart = start;
		c->vend = end;
		if (end - start >= 2 && !memcmp(t + end - 2, ".*", 2)) {
			if (c->op != OP_EQ && c->op != OP_NE)
				return bad(err, t, "'.*' is only allowed after == and !=");
			c->star = true;
			c->vend = end - 2;
		}
		if (c->op == OP_ARB)
			continue;
		if (rk_version_parse(&c->v, RK_VERSION_PEP440, t + c->vstart, c->vend - c->vstart,
				     err) < 0)
			return -1;
		if (c->op == OP_COMPAT && c->v.nrelease < 2)
			return bad(err, t, "'~=' needs at least two release components");
	}
	return 0;
}

static uint64_t relc(const struct rk_version *v, size_t i)
{
	return i < v->nrelease ? v->release[i] : 0;
}

static bool prefix_match(const struct rk_version *c, size_t n, const struct rk_version *v)
{
	if (c->epoch != v->epoch)
		return false;
	for (size_t i = 0; i < n; i++)
		if (relc(c, i) != relc(v, i))
			return false;
	return true;
}

static bool same_release(const struct rk_version *a, const struct rk_version *b)
{
	size_t n = a->nrelease > b->nrelease ? a->nrelease : b->nrelease;

	return prefix_match(a, n, b);
}

static bool pep_clause_ok(const struct spec *s, const struct clause *c, const struct rk_version *v0,
			  const char *vtext)
{
	struct rk_version v = RK_VERSION_INIT;
	int cmp;
	bool ok;

	if (c->op == OP_ARB) {
		size_t n = c->vend - c->vstart;
		return strlen(vtext) == n && !strncasecmp(vtext, s->text + c->vstart, n);
	}
	if (c->star) {
		ok = prefix_match(&c->v, c->v.nrelease, v0);
		return c->op == OP_EQ ? ok : !ok;
	}
	rk_version_copy(&v, v0);
	if (!c->v.meta)
		rk_version_strip_meta(&v);
	cmp = rk_version_compare(&v, &c->v);
	switch (c->op) {
	case OP_EQ:
		ok = cmp == 0;
		break;
	case OP_NE:
		ok = cmp != 0;
		break;
	case OP_LE:
		ok = cmp <= 0;
		break;
	case OP_GE:
		ok = cmp >= 0;
		break;
	case OP_LT:
		ok = cmp < 0 && !(!rk_version_is_prerelease(&c->v) &&
				  rk_version_is_prerelease(&v) && same_release(&v, &c->v));
		break;
	case OP_GT:
		ok = cmp > 0 && !(!c->v.has_post && v.has_post && same_release(&v, &c->v) &&
				  v.pre_kind == c->v.pre_kind && v.pre_num == c->v.pre_num);
		break;
	case OP_COMPAT:
		ok = cmp >= 0 && prefix_match(&c->v, c->v.nrelease - 1, &v);
		break;
	default:
		ok = false;
	}
	rk_version_release(&v);
	return ok;
}

/* ---- SemVer ranges (npm, cargo) ---- */

/* A partial version at t[*i..end): v1, 1.2, 1.x, 1.2.3-rc.1+b, *. */
static int parse_partial(struct spec *s, struct clause *c, size_t i, size_t end, struct rk_err *err)
{
	const char *t = s->text;

	if (s->syn == RK_SPEC_NPM && i < end && (t[i] == 'v' || t[i] == 'V'))
		i++;
	if (s->syn == RK_SPEC_NPM && i < end && t[i] == '=') /* npm takes "=1.2.3" and "v=..." */
		i++;
	c->vstart = i;
	c->vend = end;
	c->nnum = -1;
	while (i < end && c->nparts < 3) {
		int p = c->nparts;

		if (t[i] == 'x' || t[i] == 'X' || t[i] == '*') {
			c->wild[p] = true;
			c->wildc[p] = t[i];
			if (c->nnum < 0)
				c->nnum = p;
			i++;
		} else if (isdigit((unsigned char)t[i])) {
			uint64_t n = 0;

			if (t[i] == '0' && i + 1 < end && isdigit((unsigned char)t[i + 1]))
				return bad(err, t, "a number with a leading zero");
			while (i < end && isdigit((unsigned char)t[i])) {
				if (n > (UINT64_MAX - 9) / 10)
					return bad(err, t, "a number too large");
				n = n * 10 + (uint64_t)(t[i] - '0');
				i++;
			}
			if (c->nnum >= 0)
				return bad(err, t, "a number after a wildcard");
			c->num[p] = n;
		} else {
			return bad(err, t, "expected a version");
		}
		c->nparts++;
		if (i < end && t[i] == '.' && c->nparts < 3)
			i++;
		else
			break;
	}
	if (c->nnum < 0)
		c->nnum = c->nparts;
	if (c->nparts == 0)
		return bad(err, t, "expected a version");
	if (i < end && t[i] == '-' && c->nnum == 3) {
		size_t p = ++i;
		while (i < end && (isalnum((unsigned char)t[i]) || t[i] == '-' || t[i] == '.'))
			i++;
		if (i == p)
			return bad(err, t, "an empty pre-release");
		c->pre = t + p;
		c->prelen = i - p;
	}
	if (i < end && t[i] == '+') {
		size_t p = ++i;
		while (i < end && (isalnum((unsigned char)t[i]) || t[i] == '-' || t[i] == '.'))
			i++;
		c->build = t + p;
		c->buildlen = i - p;
	}
	if (i != end)
		return bad(err, t, "unexpected characters after the version");
	return 0;
}

static enum op read_op(const char *t, size_t *i, size_t end, enum rk_spec_syntax syn)
{
	static const struct {
		const char *s;
		enum op op;
	} ops[] = {{"<=", OP_LE}, {">=", OP_GE},   {"<", OP_LT},     {">", OP_GT},
		   {"=", OP_EQ},  {"^", OP_CARET}, {"~>", OP_TILDE}, {"~", OP_TILDE}};

	for (size_t k = 0; k < RK_ARRAY_SIZE(ops); k++) {
		size_t n = strlen(ops[k].s);
		if (*i + n <= end && !strncmp(t + *i, ops[k].s, n)) {
			if (ops[k].op == OP_TILDE && n == 2 && syn != RK_SPEC_NPM)
				continue;
			*i += n;
			while (*i < end && is_ws(t[*i]))
				(*i)++;
			return ops[k].op;
		}
	}
	return OP_NONE;
}

static struct clause *new_clause(struct spec *s)
{
	struct clause *c;

	RK_GROW(s->c, s->cap, s->n + 1);
	c = &s->c[s->n++];
	memset(c, 0, sizeof(*c));
	c->alt = s->nalts - 1;
	return c;
}

static void add_alt(struct spec *s, size_t start, size_t end)
{
	RK_GROW(s->alt_start, s->altcap, (size_t)s->nalts + 1);
	RK_GROW(s->alt_end, s->altcap2, (size_t)s->nalts + 1);
	s->alt_start[s->nalts] = start;
	s->alt_end[s->nalts] = end;
	s->nalts++;
}

static int parse_semver_spec(struct spec *s, struct rk_err *err)
{
	const char *t = s->text;
	size_t len = strlen(t), i = 0;

	if (s->syn == RK_SPEC_CARGO) {
		add_alt(s, 0, len);
		while (i < len) {
			size_t start, end;
			struct clause *c;

			next_item(t, len, &i, &start, &end);
			if (start == end) {
				if (start == len && s->n == 0)
					return bad(err, t, "empty");
				return bad(err, t, "empty comparator");
			}
			c = new_clause(s);
			c->op = read_op(t, &start, end, s->syn);
			if (parse_partial(s, c, start, end, err) < 0)
				return -1;
		}
		return 0;
	}
	/* npm: alternatives separated by ||, comparators by spaces */
	while (1) {
		const char *bar = strstr(t + i, "||");
		size_t aend = bar ? (size_t)(bar - t) : len, j = i, astart;

		while (j < aend && isspace((unsigned char)t[j]))
			j++;
		astart = j;
		{
			size_t e = aend;
			while (e > astart && isspace((unsigned char)t[e - 1]))
				e--;
			add_alt(s, astart, e);
		}
		/* a hyphen range "A - B" */
		{
			const char *h = NULL;
			for (size_t k = astart; k + 2 < aend; k++)
				if (is_ws(t[k]) && t[k + 1] == '-' && is_ws(t[k + 2])) {
					h = t + k;
					break;
				}
			if (h) {
				size_t hs = (size_t)(h - t), a0 = astart, a1 = hs, b0 = hs + 2,
				       b1 = aend;
				struct clause *c;

				while (a1 > a0 && is_ws(t[a1 - 1]))
					a1--;
				while (b0 < b1 && isspace((unsigned char)t[b0]))
					b0++;
				while (b1 > b0 && isspace((unsigned char)t[b1 - 1]))
					b1--;
				c = new_clause(s);
				c->op = OP_GE;
				c->hyphen_lo = true;
				if (parse_partial(s, c, a0, a1, err) < 0)
					return -1;
				c = new_clause(s);
				c->op = OP_LE;
				c->hyphen_hi = true;
				if (parse_partial(s, c, b0, b1, err) < 0)
					return -1;
				goto next_alt;
			}
		}
		while (j < aend) {
			size_t start, end;
			struct clause *c;
			enum op op;

			while (j < aend && isspace((unsigned char)t[j]))
				j++;
			if (j >= aend)
				break;
			start = j;
			op = read_op(t, &j, aend, s->syn);
			while (j < aend && !isspace((unsigned char)t[j]))
				j++;
			end = j;
			if (op != OP_NONE && end == start)
				return bad(err, t, "an operator without a version");
			c = new_clause(s);
			c->op = op;
			{
				size_t vs = start;
				(void)read_op(t, &vs, end, s->syn);
				if (parse_partial(s, c, vs, end, err) < 0)
					return -1;
			}
		}
	next_alt:
		if (!bar)
			break;
		i = aend + 2;
	}
	return 0;
}

/* A primitive comparator: op (LT LE GT GE EQ) and a full SemVer version. */
struct prim {
	enum op op;
	uint64_t n[3];
	bool has_pre;
	struct rk_version v;
};

static void prim_add(struct prim **p, size_t *np, size_t *cap, enum op op, uint64_t a, uint64_t b,
		     uint64_t c, const char *pre, size_t prelen)
{
	struct rk_buf t = RK_BUF_INIT;
	struct prim *x;

	RK_GROW(*p, *cap, *np + 1);
	x = &(*p)[(*np)++];
	memset(x, 0, sizeof(*x));
	x->op = op;
	x->n[0] = a;
	x->n[1] = b;
	x->n[2] = c;
	rk_buf_addf(&t, "%" PRIu64 ".%" PRIu64 ".%" PRIu64, a, b, c);
	if (pre) {
		rk_buf_addc(&t, '-');
		rk_buf_add(&t, pre, prelen);
		x->has_pre = true;
	}
	if (rk_version_parse(&x->v, RK_VERSION_SEMVER, t.data, t.len, NULL) < 0) {
		/* a pre-release the spec wrote badly: compare without it */
		rk_buf_truncate(&t, (size_t)(strchr(t.data, '-') - t.data));
		rk_version_parse(&x->v, RK_VERSION_SEMVER, t.data, t.len, NULL);
	}
	rk_buf_release(&t);
}

#define ADD(op, a, b, c, pre, prelen) prim_add(&p, &np, &cap, op, a, b, c, pre, prelen)

/* Desugar clause c into primitives appended to *pp. */
static void desugar(const struct spec *s, const struct clause *c, struct prim **pp, size_t *npp,
		    size_t *capp)
{
	struct prim *p = *pp;
	size_t np = *npp, cap = *capp;
	int m = c->nnum;
	uint64_t M = c->num[0], mi = m > 1 ? c->num[1] : 0, pa = m > 2 ? c->num[2] : 0;
	const char *pre = m == 3 ? c->pre : NULL;
	size_t pl = c->prelen;
	enum op op = c->op;

	if (op == OP_NONE)
		op = s->syn == RK_SPEC_CARGO ? OP_CARET : OP_EQ;
	if (op == OP_EQ && m < 3) {
		/* x-range */
		if (m == 1) {
			ADD(OP_GE, M, 0, 0, NULL, 0);
			ADD(OP_LT, M + 1, 0, 0, "0", 1);
		} else if (m == 2) {
			ADD(OP_GE, M, mi, 0, NULL, 0);
			ADD(OP_LT, M, mi + 1, 0, "0", 1);
		}
		goto out;
	}
	switch (op) {
	case OP_EQ:
		ADD(OP_EQ, M, mi, pa, pre, pl);
		break;
	case OP_CARET:
		if (m == 0)
			break;
		ADD(OP_GE, M, mi, pa, pre, pl);
		if (M > 0 || m == 1)
			ADD(OP_LT, M + 1, 0, 0, "0", 1);
		else if (mi > 0 || m == 2)
			ADD(OP_LT, 0, mi + 1, 0, "0", 1);
		else
			ADD(OP_LT, 0, 0, pa + 1, "0", 1);
		break;
	case OP_TILDE:
		if (m == 0)
			break;
		ADD(OP_GE, M, mi, pa, pre, pl);
		if (m == 1)
			ADD(OP_LT, M + 1, 0, 0, "0", 1);
		else
			ADD(OP_LT, M, mi + 1, 0, "0", 1);
		break;
	case OP_GT:
		if (m == 3)
			ADD(OP_GT, M, mi, pa, pre, pl);
		else if (m == 2)
			ADD(OP_GE, M, mi + 1, 0, NULL, 0);
		else if (m == 1)
			ADD(OP_GE, M + 1, 0, 0, NULL, 0);
		else
			ADD(OP_LT, 0, 0, 0, "0", 1);
		break;
	case OP_GE:
		if (m > 0)
			ADD(OP_GE, M, mi, pa, pre, pl);
		break;
	case OP_LT:
		if (m == 3)
			ADD(OP_LT, M, mi, pa, pre, pl);
		else if (m > 0)
			ADD(OP_LT, M, mi, 0, "0", 1);
		else
			ADD(OP_LT, 0, 0, 0, "0", 1);
		break;
	case OP_LE:
		if (m == 3)
			ADD(OP_LE, M, mi, pa, pre, pl);
		else if (m == 2)
			ADD(OP_LT, M, mi + 1, 0, "0", 1);
		else if (m == 1)
			ADD(OP_LT, M + 1, 0, 0, "0", 1);
		break;
	default:
		break;
	}
out:
	*pp = p;
	*npp = np;
	*capp = cap;
}

static bool prim_ok(const struct prim *p, const struct rk_version *v)
{
	int cmp = rk_version_compare(v, &p->v);

	switch (p->op) {
	case OP_EQ:
		return cmp == 0;
	case OP_LT:
		return cmp < 0;
	case OP_LE:
		return cmp <= 0;
	case OP_GT:
		return cmp > 0;
	case OP_GE:
		return cmp >= 0;
	default:
		return false;
	}
}

/* Does alternative a of s admit v? */
static bool semver_alt_ok(const struct spec *s, int a, const struct rk_version *v)
{
	struct prim *p = NULL;
	size_t np = 0, cap = 0;
	bool ok = true, pre_ok = !rk_version_is_prerelease(v);

	for (size_t i = 0; i < s->n; i++)
		if (s->c[i].alt == a)
			desugar(s, &s->c[i], &p, &np, &cap);
	for (size_t i = 0; i < np; i++) {
		if (!prim_ok(&p[i], v))
			ok = false;
		if (p[i].has_pre && p[i].n[0] == v->release[0] && p[i].n[1] == v->release[1] &&
		    p[i].n[2] == v->release[2])
			pre_ok = true;
	}
	for (size_t i = 0; i < np; i++)
		rk_version_release(&p[i].v);
	free(p);
	return ok && pre_ok;
}

/* ---- the shared entry points ---- */

static int spec_parse(struct spec *s, enum rk_spec_syntax syn, const char *text, struct rk_err *err)
{
	memset(s, 0, sizeof(*s));
	s->syn = syn;
	s->text = text;
	if (syn == RK_SPEC_PEP440)
		return parse_pep(s, err);
	return parse_semver_spec(s, err);
}

static bool npm_any(const char *t)
{
	while (isspace((unsigned char)*t))
		t++;
	return !*t;
}

static int spec_ok(const struct spec *s, const struct rk_version *v, const char *vtext)
{
	if (s->syn == RK_SPEC_PEP440) {
		for (size_t i = 0; i < s->n; i++)
			if (!pep_clause_ok(s, &s->c[i], v, vtext))
				return 0;
		return 1;
	}
	for (int a = 0; a < s->nalts; a++)
		if (semver_alt_ok(s, a, v))
			return 1;
	return 0;
}

static int parse_target(enum rk_spec_syntax syn, const char *version, struct rk_version *v,
			struct rk_err *err)
{
	return rk_version_parse(v, syn == RK_SPEC_PEP440 ? RK_VERSION_PEP440 : RK_VERSION_SEMVER,
				version, strlen(version), err);
}

static int spec_satisfies(enum rk_spec_syntax syn, const char *spec, const char *version,
			  struct rk_err *err);
static char *trimmed(const char *v);

int rk_spec_satisfies(enum rk_spec_syntax syn, const char *spec, const char *version,
		      struct rk_err *err)
{
	char *v = trimmed(version);
	int rc = spec_satisfies(syn, spec, v, err);

	free(v);
	return rc;
}

static int spec_satisfies(enum rk_spec_syntax syn, const char *spec, const char *version,
			  struct rk_err *err)
{
	struct spec s;
	struct rk_version v = RK_VERSION_INIT;
	int rc;

	if (parse_target(syn, version, &v, err) < 0)
		return -1;
	if (syn == RK_SPEC_NPM && npm_any(spec)) {
		rc = !rk_version_is_prerelease(&v);
		rk_version_release(&v);
		return rc;
	}
	if (spec_parse(&s, syn, spec, err) < 0) {
		spec_release(&s);
		rk_version_release(&v);
		return -1;
	}
	rc = spec_ok(&s, &v, version);
	spec_release(&s);
	rk_version_release(&v);
	return rc;
}

/* ---- rewriting ---- */

/* The release components of v as text, n of them (at least as many as v's
 * last non-zero one); the whole version when it is not a plain release. */
static void write_lower(struct rk_buf *out, const struct rk_version *v, const char *vtext, int n)
{
	size_t last = 0, k;

	if (rk_version_is_prerelease(v) || v->has_post || v->epoch || v->meta ||
	    (v->scheme == RK_VERSION_SEMVER && v->pre)) {
		rk_buf_adds(out, vtext);
		return;
	}
	for (k = 0; k < v->nrelease; k++)
		if (v->release[k])
			last = k + 1;
	if ((size_t)n < last)
		n = (int)last;
	if (n < 1)
		n = 1;
	for (k = 0; k < (size_t)n; k++)
		rk_buf_addf(out, "%s%" PRIu64, k ? "." : "", relc(v, k));
}

/* v's release up to component k, k incremented, padded with zeros to n components. */
static void write_upper(struct rk_buf *out, const struct rk_version *v, size_t k, size_t n)
{
	if (n < k + 1)
		n = k + 1;
	if (v->epoch)
		rk_buf_addf(out, "%" PRIu64 "!", v->epoch);
	for (size_t i = 0; i < n; i++) {
		uint64_t x = i < k ? relc(v, i) : i == k ? relc(v, i) + 1 : 0;
		rk_buf_addf(out, "%s%" PRIu64, i ? "." : "", x);
	}
}

/* The caret bound's index: the first non-zero release component (the last one when all are zero). */
static size_t caret_index(const struct rk_version *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (relc(v, i))
			return i;
	return n ? n - 1 : 0;
}

struct repl {
	size_t start, end;
	char *text;
};

static void add_repl(struct repl **r, size_t *n, size_t *cap, size_t start, size_t end,
		     struct rk_buf *text)
{
	RK_GROW(*r, *cap, *n + 1);
	(*r)[*n].start = start;
	(*r)[*n].end = end;
	(*r)[*n].text = rk_buf_detach(text, NULL);
	(*n)++;
}

/* A clause's numeric components as a PEP 440-like tuple for comparing bounds. */
static uint64_t cnum(const struct spec *s, const struct clause *c, size_t i)
{
	if (s->syn == RK_SPEC_PEP440)
		return relc(&c->v, i);
	return (int)i < c->nnum ? c->num[i] : 0;
}

static size_t cparts(const struct spec *s, const struct clause *c)
{
	if (s->syn == RK_SPEC_PEP440)
		return c->v.nrelease;
	return (size_t)c->nparts;
}

/* Rewrite the clauses of alternative a (every clause for PEP 440 and cargo). */
static int widen_clauses(const struct spec *s, int a, const struct rk_version *v, const char *vtext,
			 struct repl **r, size_t *nr, size_t *cap, struct rk_err *err)
{
	const struct clause *lower = NULL;

	for (size_t i = 0; i < s->n; i++) {
		const struct clause *c = &s->c[i];
		if (c->alt != a)
			continue;
		if (c->hyphen_lo || c->hyphen_hi)
			return rk_err_set(err, NULL, 0, 0,
					  "cannot widen the hyphen range '%s' to admit %s", s->text,
					  vtext);
		if (c->op == OP_GE || c->op == OP_GT || c->op == OP_COMPAT)
			lower = c;
	}
	for (size_t i = 0; i < s->n; i++) {
		const struct clause *c = &s->c[i];
		struct rk_buf b = RK_BUF_INIT;
		enum op op = c->op;

		if (c->alt != a)
			continue;
		if (s->syn != RK_SPEC_PEP440 && op == OP_EQ && c->nnum < 3)
			op = OP_NONE; /* "=1.2" is a range like "1.2" */
		switch (op) {
		case OP_ARB:
			rk_buf_adds(&b, vtext);
			break;
		case OP_EQ:
			if (s->syn == RK_SPEC_PEP440 && c->star)
				write_lower(&b, v, vtext, (int)c->v.nrelease);
			else
				rk_buf_adds(&b, vtext);
			break;
		case OP_COMPAT:
			if (rk_version_is_prerelease(v) || v->has_post || v->epoch) {
				rk_buf_adds(&b, vtext);
			} else {
				for (size_t k = 0; k < c->v.nrelease; k++)
					rk_buf_addf(&b, "%s%" PRIu64, k ? "." : "", relc(v, k));
			}
			break;
		case OP_GE:
			write_lower(&b, v, vtext, (int)cparts(s, c));
			break;
		case OP_LE:
			write_lower(&b, v, vtext, (int)cparts(s, c));
			break;
		case OP_LT: {
			size_t k, n = cparts(s, c);

			if (lower) {
				size_t ln = cparts(s, lower), mx = ln > n ? ln : n;
				for (k = 0; k < mx && cnum(s, lower, k) == cnum(s, c, k); k++)
					;
				if (k == mx)
					k = mx ? mx - 1 : 0;
			} else {
				k = 0;
				for (size_t j = 0; j < n; j++)
					if (cnum(s, c, j))
						k = j;
			}
			write_upper(&b, v, k, s->syn == RK_SPEC_PEP440 ? n : (n < 3 ? n : 3));
			break;
		}
		case OP_NONE:
		case OP_CARET:
		case OP_TILDE:
			/* the same parts as written, wildcards kept */
			if (s->syn == RK_SPEC_PEP440)
				break;
			if (v->pre) {
				rk_buf_adds(&b, vtext);
				break;
			}
			for (int k = 0; k < c->nparts; k++) {
				if (k)
					rk_buf_addc(&b, '.');
				if (c->wild[k])
					rk_buf_addc(&b, c->wildc[k]);
				else
					rk_buf_addf(&b, "%" PRIu64, v->release[k]);
			}
			break;
		default: /* != and > stay; the check below fails when they exclude v */
			break;
		}
		if (b.len)
			add_repl(r, nr, cap, c->vstart, c->vend, &b);
		rk_buf_release(&b);
	}
	return 0;
}

static char *apply(const char *text, size_t from, size_t to, struct repl *r, size_t nr)
{
	struct rk_buf out = RK_BUF_INIT;
	size_t pos = from;

	for (size_t i = 0; i < nr; i++) {
		if (r[i].start < from || r[i].end > to)
			continue;
		rk_buf_add(&out, text + pos, r[i].start - pos);
		rk_buf_adds(&out, r[i].text);
		pos = r[i].end;
	}
	rk_buf_add(&out, text + pos, to - pos);
	return rk_buf_detach(&out, NULL);
}

static char *pin_text(enum rk_spec_syntax syn, enum rk_spec_mode mode, const struct rk_version *v,
		      const char *vtext)
{
	struct rk_buf b = RK_BUF_INIT;

	switch (mode) {
	case RK_SPEC_PIN_EXACT:
		rk_buf_addf(&b, "%s%s",
			    syn == RK_SPEC_PEP440  ? "=="
			    : syn == RK_SPEC_CARGO ? "="
						   : "",
			    vtext);
		break;
	case RK_SPEC_PIN_COMPAT:
		if (syn == RK_SPEC_PEP440 && v->nrelease < 2) {
			/* ~= needs two release components: "5rc1" -> "~=5.0rc1" */
			char *n = rk_version_str(v);
			size_t k = 0;

			if (strchr(n, '!'))
				k = (size_t)(strchr(n, '!') - n) + 1;
			while (isdigit((unsigned char)n[k]))
				k++;
			rk_buf_addf(&b, "~=%.*s.0%s", (int)k, n, n + k);
			free(n);
		} else
			rk_buf_addf(&b, "%s%s", syn == RK_SPEC_PEP440 ? "~=" : "~", vtext);
		break;
	case RK_SPEC_PIN_CARET:
		if (syn == RK_SPEC_PEP440) {
			rk_buf_addf(&b, ">=%s,<", vtext);
			write_upper(&b, v, caret_index(v, v->nrelease < 3 ? 3 : v->nrelease), 0);
		} else {
			rk_buf_addf(&b, "^%s", vtext);
		}
		break;
	default:
		break;
	}
	return rk_buf_detach(&b, NULL);
}

static int spec_rewrite(enum rk_spec_syntax syn, const char *spec, const char *version,
			enum rk_spec_mode mode, char **out, struct rk_err *err);

/* version without surrounding whitespace (PEP 440 allows it; it must not reach the output) */
static char *trimmed(const char *v)
{
	const char *e;

	while (isspace((unsigned char)*v))
		v++;
	e = v + strlen(v);
	while (e > v && isspace((unsigned char)e[-1]))
		e--;
	return rk_xstrndup(v, (size_t)(e - v));
}

int rk_spec_rewrite(enum rk_spec_syntax syn, const char *spec, const char *version,
		    enum rk_spec_mode mode, char **out, struct rk_err *err)
{
	char *v = trimmed(version);
	int rc = spec_rewrite(syn, spec, v, mode, out, err);

	free(v);
	return rc;
}

static int spec_rewrite(enum rk_spec_syntax syn, const char *spec, const char *version,
			enum rk_spec_mode mode, char **out, struct rk_err *err)
{
	struct spec s;
	struct rk_version v = RK_VERSION_INIT;
	struct repl *r = NULL;
	size_t nr = 0, cap = 0;
	char *res = NULL;
	int rc = -1;

	*out = NULL;
	memset(&s, 0, sizeof(s));
	if (parse_target(syn, version, &v, err) < 0)
		return -1;
	if (mode != RK_SPEC_WIDEN) {
		res = pin_text(syn, mode, &v, version);
		rc = 0;
		goto done;
	}
	if (syn == RK_SPEC_NPM && npm_any(spec)) {
		rc = 0;
		goto done; /* "" is "*": a pin, not a widening, would change it */
	}
	if (spec_parse(&s, syn, spec, err) < 0)
		goto done;
	if (spec_ok(&s, &v, version)) {
		rc = 0;
		goto done;
	}
	if (syn == RK_SPEC_PEP440 && s.n == 0) {
		rc = 0;
		goto done;
	}
	{
		int a = s.nalts ? s.nalts - 1 : 0;
		struct spec chk;
		char *alt;

		if (widen_clauses(&s, syn == RK_SPEC_PEP440 ? 0 : a, &v, version, &r, &nr, &cap,
				  err) < 0)
			goto done;
		if (syn == RK_SPEC_NPM && s.nalts > 1) {
			struct rk_buf b = RK_BUF_INIT;

			alt = apply(spec, s.alt_start[a], s.alt_end[a], r, nr);
			rk_buf_adds(&b, spec);
			while (b.len && isspace((unsigned char)b.data[b.len - 1]))
				b.len--;
			rk_buf_truncate(&b, b.len);
			rk_buf_addf(&b, " || %s", alt);
			free(alt);
			res = rk_buf_detach(&b, NULL);
		} else {
			res = apply(spec, 0, strlen(spec), r, nr);
		}
		if (spec_parse(&chk, syn, res, err) < 0 || !spec_ok(&chk, &v, version)) {
			spec_release(&chk);
			rk_err_set(err, NULL, 0, 0,
				   "cannot widen '%s' to admit %s keeping its style", spec,
				   version);
			free(res);
			res = NULL;
			goto done;
		}
		spec_release(&chk);
		rc = 0;
	}
done:
	if (rc == 0 && res && !strcmp(res, spec)) {
		free(res);
		res = NULL;
	}
	*out = rc == 0 ? res : NULL;
	if (rc != 0)
		free(res);
	for (size_t i = 0; i < nr; i++)
		free(r[i].text);
	free(r);
	spec_release(&s);
	rk_version_release(&v);
	return rc;
}

int rk_spec_syntax_for(const char *ecosystem, enum rk_spec_syntax *out)
{
	if (!strcmp(ecosystem, "python"))
		*out = RK_SPEC_PEP440;
	else if (!strcmp(ecosystem, "npm"))
		*out = RK_SPEC_NPM;
	else if (!strcmp(ecosystem, "cargo"))
		*out = RK_SPEC_CARGO;
	else
		return -1;
	return 0;
}
