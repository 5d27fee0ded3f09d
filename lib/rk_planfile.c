/* rk_planfile.c - version plan files (see the header). */
#include "rk_common.h"
#include "rk_planfile.h"

void rk_planfile_release(struct rk_planfile *pf)
{
	size_t i;

	for (i = 0; i < pf->n; i++) {
		free(pf->entries[i].package);
		free(pf->entries[i].bump);
	}
	free(pf->entries);
	free(pf->summary);
	memset(pf, 0, sizeof(*pf));
}

static void trim(const char **s, const char **e)
{
	while (*s < *e && (**s == ' ' || **s == '\t' || **s == '\r'))
		(*s)++;
	while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t' || (*e)[-1] == '\r'))
		(*e)--;
}

static bool is_fence(const char *s, const char *e)
{
	trim(&s, &e);
	return e - s == 3 && memcmp(s, "---", 3) == 0;
}

static int entry(struct rk_planfile *pf, const char *s, const char *e, const char *source,
		 long line, struct rk_err *err)
{
	const char *ks, *ke, *vs, *colon;
	char *name, *bump;
	size_t i;

	trim(&s, &e);
	if (s == e || *s == '#')
		return 0;
	if (*s == '"' || *s == '\'') {
		char q = *s;

		ks = s + 1;
		ke = memchr(ks, q, (size_t)(e - ks));
		if (!ke)
			return rk_err_set(err, source, line, 0, "expected 'PACKAGE: BUMP'");
		colon = ke + 1;
		while (colon < e && (*colon == ' ' || *colon == '\t'))
			colon++;
		if (colon >= e || *colon != ':')
			return rk_err_set(err, source, line, 0, "expected 'PACKAGE: BUMP'");
	} else {
		/* The last ": " or a trailing ':' separates (names may hold ':'). */
		const char *p;

		colon = NULL;
		for (p = s; p < e; p++)
			if (*p == ':' && (p + 1 == e || p[1] == ' ' || p[1] == '\t'))
				colon = p;
		if (!colon)
			return rk_err_set(err, source, line, 0, "expected 'PACKAGE: BUMP'");
		ks = s;
		ke = colon;
		trim(&ks, &ke);
	}
	if (ks == ke || memchr(ks, '\0', (size_t)(ke - ks)))
		return rk_err_set(err, source, line, 0, "empty package name");
	vs = colon + 1;
	for (i = 1; vs + i < e; i++) /* a YAML comment: '#' after a blank */
		if (vs[i] == '#' && (vs[i - 1] == ' ' || vs[i - 1] == '\t')) {
			e = vs + i;
			break;
		}
	trim(&vs, &e);
	if (e - vs >= 2 && (*vs == '"' || *vs == '\'') && e[-1] == *vs) {
		vs++;
		e--;
	}
	bump = rk_xstrndup(vs, (size_t)(e - vs));
	if (strcmp(bump, "major") && strcmp(bump, "minor") && strcmp(bump, "patch") &&
	    strcmp(bump, "none")) {
		rk_err_set(err, source, line, 0,
			   "unknown bump '%.64s' (expected major, minor, patch or none)", bump);
		free(bump);
		return -1;
	}
	name = rk_xstrndup(ks, (size_t)(ke - ks));
	for (i = 0; i < pf->n; i++)
		if (!strcmp(pf->entries[i].package, name)) {
			rk_err_set(err, source, line, 0, "package '%.200s' listed twice", name);
			free(name);
			free(bump);
			return -1;
		}
	RK_GROW(pf->entries, pf->cap, pf->n + 1);
	pf->entries[pf->n].package = name;
	pf->entries[pf->n].bump = bump;
	pf->entries[pf->n].line = line;
	pf->n++;
	return 0;
}

int rk_planfile_parse(struct rk_planfile *pf, const char *text, size_t len, const char *source,
		      struct rk_err *err)
{
	const char *p = text, *end = text + len;
	long line = 1;
	bool open = false, closed = false;

	rk_planfile_release(pf);
	if (len >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
		p += 3; /* a byte order mark */
	while (p < end) {
		const char *e = memchr(p, '\n', (size_t)(end - p));
		const char *next;

		if (!e)
			e = end;
		next = e < end ? e + 1 : end;
		if (!open) {
			if (!is_fence(p, e)) {
				rk_err_set(err, source, line, 0,
					   "expected '---' on the first line (front matter)");
				goto fail;
			}
			open = true;
		} else if (is_fence(p, e)) {
			closed = true;
			p = next;
			break;
		} else if (entry(pf, p, e, source, line, err) < 0) {
			goto fail;
		}
		p = next;
		line++;
	}
	if (!open) {
		rk_err_set(err, source, 1, 0, "expected '---' on the first line (front matter)");
		goto fail;
	}
	if (!closed) {
		rk_err_set(err, source, line > 1 ? line - 1 : 1, 0,
			   "front matter not closed by '---'");
		goto fail;
	}
	{
		const char *s = p, *se = end;

		while (s < se && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
			s++;
		while (se > s &&
		       (se[-1] == ' ' || se[-1] == '\t' || se[-1] == '\r' || se[-1] == '\n'))
			se--;
		pf->summary = rk_xstrndup(s, (size_t)(se - s));
	}
	return 0;
fail:
	rk_planfile_release(pf);
	return -1;
}
