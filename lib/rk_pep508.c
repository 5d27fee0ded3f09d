/* rk_pep508.c - Python requirement strings and names (see rk_pep508.h). */
#include "rk_common.h"
#include "rk_pep508.h"

#include <ctype.h>

static int is_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static int is_space(int c)
{
	return c == ' ' || c == '\t';
}

char *rk_pep503_normalize(const char *name, size_t n)
{
	struct rk_buf b = RK_BUF_INIT;
	size_t i;

	rk_buf_grow(&b, n);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c == '-' || c == '_' || c == '.') {
			while (i + 1 < n &&
			       (name[i + 1] == '-' || name[i + 1] == '_' || name[i + 1] == '.'))
				i++;
			rk_buf_addc(&b, '-');
		} else {
			rk_buf_addc(&b, (char)tolower(c));
		}
	}
	return rk_buf_detach(&b, NULL);
}

int rk_pep508_valid_name(const char *name, size_t n)
{
	size_t i;

	if (n == 0 || !is_alnum((unsigned char)name[0]) || !is_alnum((unsigned char)name[n - 1]))
		return 0;
	for (i = 0; i < n; i++) {
		int c = (unsigned char)name[i];

		if (!is_alnum(c) && c != '-' && c != '_' && c != '.')
			return 0;
	}
	return 1;
}

static char *trimdup(const char *s, size_t n)
{
	while (n && is_space((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n && is_space((unsigned char)s[n - 1]))
		n--;
	return rk_xstrndup(s, n);
}

void rk_pep508_release(struct rk_pep508 *r)
{
	free(r->name);
	free(r->extras);
	free(r->spec);
	free(r->url);
	free(r->marker);
	memset(r, 0, sizeof(*r));
}

static int fail(struct rk_err *err, const char *s, const char *at, const char *msg)
{
	err->col = (long)(at - s) + 1;
	snprintf(err->msg, sizeof(err->msg), "%s", msg);
	return -1;
}

int rk_pep508_parse(struct rk_pep508 *r, const char *s, struct rk_err *err)
{
	const char *p = s, *name, *semi, *end;
	size_t namelen;
	struct rk_buf extras = RK_BUF_INIT;

	memset(r, 0, sizeof(*r));
	while (is_space((unsigned char)*p))
		p++;
	name = p;
	while (is_alnum((unsigned char)*p) || *p == '-' || *p == '_' || *p == '.')
		p++;
	namelen = (size_t)(p - name);
	if (!namelen)
		return fail(err, s, p, "expected a project name");
	if (!rk_pep508_valid_name(name, namelen))
		return fail(err, s, name, "invalid project name");
	while (is_space((unsigned char)*p))
		p++;
	if (*p == '[') {
		p++;
		for (;;) {
			const char *e;

			while (is_space((unsigned char)*p))
				p++;
			if (*p == ']' && !extras.len)
				break;
			e = p;
			while (is_alnum((unsigned char)*p) || *p == '-' || *p == '_' || *p == '.')
				p++;
			if (p == e) {
				rk_buf_release(&extras);
				return fail(err, s, p, "expected an extra name");
			}
			if (extras.len)
				rk_buf_addc(&extras, ',');
			rk_buf_add(&extras, e, (size_t)(p - e));
			while (is_space((unsigned char)*p))
				p++;
			if (*p == ',') {
				p++;
				continue;
			}
			if (*p == ']')
				break;
			rk_buf_release(&extras);
			return fail(err, s, p, "expected ',' or ']' in extras");
		}
		p++;
		while (is_space((unsigned char)*p))
			p++;
	}
	/* The marker starts at the first ';' (none can occur in a spec; a URL may
	 * hold one only when followed by a space, as PEP 508 requires). */
	semi = strchr(p, ';');
	end = semi ? semi : p + strlen(p);
	if (*p == '@') {
		const char *u = p + 1;

		while (is_space((unsigned char)*u))
			u++;
		if (u == end) {
			rk_buf_release(&extras);
			return fail(err, s, u, "expected a URL after '@'");
		}
		r->url = trimdup(u, (size_t)(end - u));
		r->spec = rk_xstrdup("");
	} else if (*p == '(') {
		const char *close = memchr(p, ')', (size_t)(end - p));
		const char *q;

		if (!close) {
			rk_buf_release(&extras);
			return fail(err, s, p, "unclosed '(' in version specifier");
		}
		for (q = close + 1; q < end; q++) {
			if (!is_space((unsigned char)*q)) {
				rk_buf_release(&extras);
				return fail(err, s, q, "unexpected text after ')'");
			}
		}
		r->spec = trimdup(p + 1, (size_t)(close - p - 1));
	} else {
		if (p < end && !strchr("<>=!~", *p)) {
			rk_buf_release(&extras);
			return fail(err, s, p, "expected a version specifier, '@' or ';'");
		}
		r->spec = trimdup(p, (size_t)(end - p));
	}
	if (semi) {
		r->marker = trimdup(semi + 1, strlen(semi + 1));
		if (!*r->marker) {
			free(r->url);
			free(r->spec);
			free(r->marker);
			rk_buf_release(&extras);
			memset(r, 0, sizeof(*r));
			return fail(err, s, semi + 1, "expected a marker after ';'");
		}
	}
	r->name = rk_xstrndup(name, namelen);
	r->extras = rk_buf_detach(&extras, NULL);
	return 0;
}
