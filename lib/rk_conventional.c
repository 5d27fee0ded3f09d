/* rk_conventional.c - Conventional Commits 1.0 messages (see the header). */
#include "rk_common.h"
#include "rk_conventional.h"
#include "rk_utf8.h"

#include <ctype.h>

void rk_cc_release(struct rk_cc *cc)
{
	free(cc->type);
	free(cc->scope);
	free(cc->breaking_text);
	free(cc->subject);
	free(cc->revert_of);
	for (size_t i = 0; i < cc->nrevert_ids; i++)
		free(cc->revert_ids[i]);
	free(cc->revert_ids);
	free(cc->revert_header);
	for (size_t i = 0; i < cc->nbreaking_texts; i++)
		free(cc->breaking_texts[i]);
	free(cc->breaking_texts);
	memset(cc, 0, sizeof(*cc));
}

static bool is_type_char(unsigned char c)
{
	return isalnum(c) || c == '-' || c == '_';
}

/* Trim spaces and tabs (and '\r') from both ends of [*s, *e). */
static void trim(const char **s, const char **e)
{
	while (*s < *e && (**s == ' ' || **s == '\t' || **s == '\r'))
		(*s)++;
	while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t' || (*e)[-1] == '\r'))
		(*e)--;
}

/* A hex id (7..40 chars, lower-cased) at p, or NULL. */
static char *hex_id(const char *p, const char *end)
{
	const char *q = p;
	char *out;
	size_t i, n;

	while (q < end && rk_hexval((unsigned char)*q) >= 0 && q - p < 64)
		q++;
	n = (size_t)(q - p);
	if (n < 7 || n > 64 || (q < end && isalnum((unsigned char)*q)))
		return NULL;
	out = rk_xstrndup(p, n);
	for (i = 0; i < n; i++)
		out[i] = (char)tolower((unsigned char)out[i]);
	return out;
}

/* "(#123)" at the end of the subject. */
static long find_pr(const char *s)
{
	size_t n = strlen(s);
	size_t i;
	long v = 0;

	if (n < 4 || s[n - 1] != ')')
		return 0;
	i = n - 1;
	while (i > 0 && isdigit((unsigned char)s[i - 1]))
		i--;
	if (i == n - 1 || i < 2 || s[i - 1] != '#' || s[i - 2] != '(')
		return 0;
	if (n - 1 - i > 9)
		return 0;
	for (; i < n - 1; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/*
 * A footer token at the start of line [p, e): "Token: " or "Token #", where
 * Token is [A-Za-z0-9-]+ or "BREAKING CHANGE". Returns the length of the
 * token part including the separator, or 0.
 */
static size_t footer_token(const char *p, const char *e)
{
	const char *q = p;

	if ((size_t)(e - p) >= 17 && memcmp(p, "BREAKING CHANGE: ", 17) == 0)
		return 17;
	while (q < e && (isalnum((unsigned char)*q) || *q == '-'))
		q++;
	if (q == p || q + 1 >= e)
		return 0;
	if ((q[0] == ':' && q[1] == ' ') || (q[0] == ' ' && q[1] == '#'))
		return (size_t)(q - p) + 2;
	return 0;
}

/* Add a reverted id (the first one is revert_of too). */
static void add_revert_id(struct rk_cc *cc, char *id)
{
	size_t cap = cc->nrevert_ids;

	rk_grow((void **)&cc->revert_ids, &cap, cc->nrevert_ids + 1, sizeof(char *));
	cc->revert_ids[cc->nrevert_ids++] = id;
	if (!cc->revert_of)
		cc->revert_of = rk_xstrdup(id);
}

/* "Refs: 676104e, a215868": every hex id in [p, e). */
static void refs_ids(struct rk_cc *cc, const char *p, const char *e)
{
	while (p < e) {
		const char *q = p;
		char *id;

		while (q < e && *q != ',' && *q != ' ' && *q != '\t' && *q != '\r')
			q++;
		id = q > p ? hex_id(p, q) : NULL;
		if (id)
			add_revert_id(cc, id);
		p = q < e ? q + 1 : e;
	}
}

static void parse_body(struct rk_cc *cc, const char *p, const char *end)
{
	while (p < end) {
		const char *e = memchr(p, '\n', (size_t)(end - p));
		const char *next;
		size_t tok;

		if (!e)
			e = end;
		next = e < end ? e + 1 : end;
		tok = footer_token(p, e);
		if (tok == 17 && (memcmp(p, "BREAKING CHANGE: ", 17) == 0 ||
				  memcmp(p, "BREAKING-CHANGE: ", 17) == 0)) {
			/* The text runs on until the next footer token. */
			struct rk_buf t = RK_BUF_INIT;
			const char *s = p + tok, *se = e;

			trim(&s, &se);
			rk_buf_add(&t, s, (size_t)(se - s));
			while (next < end) {
				const char *ne = memchr(next, '\n', (size_t)(end - next));
				const char *ls = next, *le;

				if (!ne)
					ne = end;
				if (footer_token(next, ne))
					break;
				le = ne;
				trim(&ls, &le);
				if (ls < le) {
					if (t.len)
						rk_buf_addc(&t, ' ');
					rk_buf_add(&t, ls, (size_t)(le - ls));
				}
				next = ne < end ? ne + 1 : end;
			}
			cc->breaking = true;
			if (t.len) {
				size_t cap = cc->nbreaking_texts;

				rk_grow((void **)&cc->breaking_texts, &cap, cc->nbreaking_texts + 1,
					sizeof(char *));
				cc->breaking_texts[cc->nbreaking_texts++] = rk_xstrdup(t.data);
				if (!cc->breaking_text)
					cc->breaking_text = rk_buf_detach(&t, NULL);
			}
			rk_buf_release(&t);
		} else if (tok == 6 && memcmp(p, "Refs: ", 6) == 0 && cc->revert) {
			refs_ids(cc, p + 6, e);
		} else if (cc->revert && (size_t)(e - p) >= 20 &&
			   memcmp(p, "This reverts commit ", 20) == 0) {
			char *id = hex_id(p + 20, e && e[-1] == '.' ? e - 1 : e);

			if (id)
				add_revert_id(cc, id);
		}
		p = next;
	}
}

void rk_cc_parse(struct rk_cc *cc, const char *msg, size_t len)
{
	const char *end = msg + len;
	const char *he = memchr(msg, '\n', len);
	const char *p = msg, *hs = msg, *q;

	rk_cc_release(cc);
	if (!he)
		he = end;
	trim(&hs, &he);

	/* git's 'Revert "<header>"' */
	if (he - hs >= 9 && memcmp(hs, "Revert \"", 8) == 0 && he[-1] == '"') {
		cc->conventional = true;
		cc->revert = true;
		cc->type = rk_xstrdup("revert");
		cc->subject = rk_xstrndup(hs + 8, (size_t)(he - hs - 9));
		cc->revert_header = rk_xstrdup(cc->subject);
		goto body;
	}

	q = p = hs;
	while (q < he && is_type_char((unsigned char)*q))
		q++;
	if (q == p)
		goto plain;
	{
		const char *ts = p, *te = q;
		const char *ss = NULL, *se = NULL;
		bool bang = false;
		const char *ds, *de;
		size_t i;

		if (q < he && *q == '(') {
			ss = q + 1;
			se = ss;
			while (se < he && *se != ')' && *se != '(')
				se++;
			if (se >= he || *se != ')' || se == ss)
				goto plain;
			q = se + 1;
		}
		if (q < he && *q == '!') {
			bang = true;
			q++;
		}
		if (q + 1 >= he || q[0] != ':' || q[1] != ' ')
			goto plain;
		ds = q + 2;
		de = he;
		trim(&ds, &de);
		if (ds == de)
			goto plain;
		cc->conventional = true;
		cc->type = rk_xstrndup(ts, (size_t)(te - ts));
		for (i = 0; cc->type[i]; i++)
			cc->type[i] = (char)tolower((unsigned char)cc->type[i]);
		if (ss) {
			const char *a = ss, *b = se;

			trim(&a, &b);
			if (a < b)
				cc->scope = rk_xstrndup(a, (size_t)(b - a));
		}
		cc->breaking = bang;
		cc->subject = rk_xstrndup(ds, (size_t)(de - ds));
		cc->revert = strcmp(cc->type, "revert") == 0;
		if (cc->revert && strstr(cc->subject, ": "))
			cc->revert_header = rk_xstrdup(cc->subject); /* revert: feat: x */
		goto body;
	}
plain:
	cc->subject = rk_xstrndup(hs, (size_t)(he - hs));
	cc->pr = find_pr(cc->subject);
	return;
body:
	cc->pr = find_pr(cc->subject);
	{
		const char *b = memchr(msg, '\n', len);

		if (b)
			parse_body(cc, b + 1, end);
	}
}
