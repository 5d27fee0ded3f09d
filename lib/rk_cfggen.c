/* rk_cfggen.c - a RELEASE.star's generated region and its directives (see the header). */
#include "rk_common.h"
#include "rk_cfggen.h"
#include "rk_strmap.h"
#include "rk_json.h"

#include <ctype.h>
#include <stdlib.h>

/* ---- directives ---- */

static char *quoted_after(const char *p, const char *end)
{
	const char *q, *e;

	for (q = p; q < end && *q != '"' && *q != '\''; q++)
		;
	if (q >= end)
		return NULL;
	e = memchr(q + 1, *q, (size_t)(end - q - 1));
	return e ? rk_xstrndup(q + 1, (size_t)(e - q - 1)) : NULL;
}

/* The name of the call of rule (e.g. "_package(") on line p (NULL if none). */
static char *call_name(const char *p, const char *end, const char *rule)
{
	const char *call = NULL, *q, *stop;
	size_t rl = strlen(rule);

	for (q = p; q + rl <= end && *q != '\n'; q++)
		if (!strncmp(q, rule, rl)) {
			call = q + rl;
			break;
		}
	if (!call)
		return NULL;
	stop = memchr(call, ')', (size_t)(end - call));
	if (!stop)
		stop = end;
	for (q = call; q + 4 < stop; q++)
		if (!strncmp(q, "name", 4) &&
		    (q == call || !(isalnum((unsigned char)q[-1]) || q[-1] == '_'))) {
			const char *a = q + 4;
			while (a < stop && (*a == ' ' || *a == '\t'))
				a++;
			if (a < stop && *a == '=')
				return quoted_after(a + 1, stop);
		}
	/* name given positionally: the first argument */
	for (q = call; q < stop && (*q == ' ' || *q == '\t' || *q == '\n'); q++)
		;
	if (q < stop && (*q == '"' || *q == '\''))
		return quoted_after(q, stop);
	return NULL;
}

/* Whether needle occurs in [p, end). */
static int find(const char *p, const char *end, const char *needle)
{
	size_t n = strlen(needle);

	for (; p + n <= end; p++)
		if (!memcmp(p, needle, n))
			return 1;
	return 0;
}

static const char *line_end(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	return nl ? nl : end;
}

static int is_begin(const char *p, const char *e)
{
	return (size_t)(e - p) >= strlen(RK_GEN_BEGIN) &&
	       !strncmp(p, RK_GEN_BEGIN, strlen(RK_GEN_BEGIN));
}

static int is_end(const char *p, const char *e)
{
	return (size_t)(e - p) >= strlen(RK_GEN_END) && !strncmp(p, RK_GEN_END, strlen(RK_GEN_END));
}

/*
 * A workspace rule call starting on line p (outside the generated region):
 * remember its rule and root ("." when not given), so that the generated
 * region does not declare that workspace a second time.
 */
static void manual_workspace(struct rk_gen_directives *d, const char *p, const char *end)
{
	static const char *const rules[] = {"uv_workspace(", "cargo_workspace(", "pnpm_workspace(",
					    "npm_workspace("};
	const char *e = line_end(p, end), *call = NULL, *stop, *q;
	size_t i, rl = 0;
	char *root = NULL;
	struct rk_buf b = RK_BUF_INIT;

	for (i = 0; i < RK_ARRAY_SIZE(rules) && !call; i++)
		for (q = p; q + strlen(rules[i]) <= e; q++)
			if (!strncmp(q, rules[i], strlen(rules[i])) &&
			    (q == p || !(isalnum((unsigned char)q[-1]) || q[-1] == '_'))) {
				call = q + strlen(rules[i]);
				rl = strlen(rules[i]) - 1;
				p = q;
				break;
			}
	if (!call)
		return;
	stop = memchr(call, ')', (size_t)(end - call));
	if (!stop)
		stop = end;
	for (q = call; q + 4 < stop && !root; q++)
		if (!strncmp(q, "root", 4) && !(isalnum((unsigned char)q[-1]) || q[-1] == '_') &&
		    !(isalnum((unsigned char)q[4]) || q[4] == '_')) {
			const char *a = q + 4;

			while (a < stop && (*a == ' ' || *a == '\t'))
				a++;
			if (a < stop && *a == '=')
				root = quoted_after(a + 1, stop);
		}
	rk_buf_add(&b, p, rl);
	rk_buf_addc(&b, '\0');
	rk_buf_adds(&b, root ? root : ".");
	free(root);
	RK_GROW(d->wsroots, d->wscap, d->nwsroots + 1);
	d->wsroots[d->nwsroots++] = rk_buf_detach(&b, NULL);
}

struct rk_gen_directives *rk_gen_directives_parse(const char *text, size_t len, const char *source,
						  struct rk_err *err)
{
	struct rk_gen_directives *d = rk_xcalloc(1, sizeof(*d));
	const char *p = text, *end = text + len;
	long lineno = 0;
	int in_region = 0;
	size_t pending = (size_t)-1;

	while (p < end) {
		const char *e = line_end(p, end), *s = p;
		lineno++;
		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		if (is_begin(s, e)) {
			in_region = 1;
		} else if (is_end(s, e)) {
			in_region = 0;
		} else if ((size_t)(e - s) > strlen(RK_GEN_DIRECTIVE) &&
			   !strncmp(s, RK_GEN_DIRECTIVE, strlen(RK_GEN_DIRECTIVE))) {
			const char *a = s + strlen(RK_GEN_DIRECTIVE), *w;
			struct rk_gen_directive dv = {0};
			char *word;
			while (a < e && *a == ' ')
				a++;
			for (w = a; w < e && *w != ' ' && *w != '\t'; w++)
				;
			word = rk_xstrndup(a, (size_t)(w - a));
			if (!strcmp(word, "ignore")) {
				dv.ignore = 1;
			} else if (!strncmp(word, "group=", 6) && word[6]) {
				dv.group = rk_xstrdup(word + 6);
			} else {
				rk_err_set(
					err, source, lineno, (long)(a - p) + 1,
					"unknown releasekit:generate directive '%s' (use 'ignore' or 'group=NAME')",
					word);
				free(word);
				rk_gen_directives_free(d);
				return NULL;
			}
			free(word);
			while (w < e && (*w == ' ' || *w == '\t'))
				w++;
			{
				const char *we = w;
				while (we < e && *we != ' ' && *we != '\t' && *we != '\r')
					we++;
				if (we > w && strncmp(w, "--", 2))
					dv.name = rk_xstrndup(w, (size_t)(we - w));
			}
			dv.in_region = in_region;
			RK_GROW(d->v, d->cap, d->n + 1);
			d->v[d->n++] = dv;
			if (!dv.name)
				pending = d->n - 1;
		} else if (s < e && *s != '#') {
			char *name = call_name(s, end, "_package(");
			char *group = in_region ? NULL : call_name(s, end, "release_group(");
			if (group) {
				RK_GROW(d->groups, d->grpcap, d->ngroups + 1);
				d->groups[d->ngroups++] = group;
			}
			if (pending != (size_t)-1) {
				d->v[pending].name = name ? rk_xstrdup(name) : NULL;
				pending = (size_t)-1;
			}
			if (name && !in_region) {
				RK_GROW(d->manual, d->mancap, d->nmanual + 1);
				d->manual[d->nmanual++] = name;
				name = NULL;
			}
			free(name);
			if (!in_region && find(s, e, "release_train("))
				d->manual_train = 1;
			if (!in_region)
				manual_workspace(d, s, end);
		}
		p = e < end ? e + 1 : end;
	}
	return d;
}

void rk_gen_directives_free(struct rk_gen_directives *d)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->n; i++) {
		free(d->v[i].group);
		free(d->v[i].name);
	}
	for (i = 0; i < d->nmanual; i++)
		free(d->manual[i]);
	for (i = 0; i < d->ngroups; i++)
		free(d->groups[i]);
	free(d->groups);
	for (i = 0; i < d->nwsroots; i++)
		free(d->wsroots[i]);
	free(d->wsroots);
	free(d->manual);
	free(d->v);
	free(d);
}

int rk_gen_region(const char *text, size_t len, const char *source, size_t *b, size_t *e,
		  struct rk_err *err)
{
	const char *end = text + len, *p = text, *rb = NULL, *re = NULL;

	while (p < end) {
		const char *le = line_end(p, end), *s = p;

		while (s < le && (*s == ' ' || *s == '\t'))
			s++;
		if (!rb && is_begin(s, le))
			rb = p;
		else if (rb && !re && is_end(s, le))
			re = le < end ? le + 1 : end;
		p = le < end ? le + 1 : end;
	}
	if (rb && !re) {
		long bl = 1;

		for (p = text; p < rb; p++)
			bl += *p == '\n';
		return rk_err_set(err, source, bl, 1, "'%s' without '%s'", RK_GEN_BEGIN,
				  RK_GEN_END);
	}
	if (!rb)
		return 0;
	*b = (size_t)(rb - text);
	*e = (size_t)(re - text);
	return 1;
}
