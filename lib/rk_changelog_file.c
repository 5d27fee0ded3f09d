/*
 * rk_changelog_file.c - a release's section into CHANGELOG.md, and forge
 * compare links (see rk_changelog_file.h).
 */
#include "rk_common.h"

#include <ctype.h>
#include <git2.h>
#include <strings.h>

#include "rk_be.h"
#include "rk_changelog_file.h"

/* ---- forges ---- */

enum rk_forge rk_forge_parse_url(const char *url, char **base)
{
	static const struct {
		const char *host;
		enum rk_forge forge;
	} hosts[] = {{"github.com", RK_FORGE_GITHUB},
		     {"gitlab.com", RK_FORGE_GITLAB},
		     {"bitbucket.org", RK_FORGE_BITBUCKET}};
	const char *h, *p, *e;
	size_t hl, pl;
	struct rk_buf b = RK_BUF_INIT;
	enum rk_forge f = RK_FORGE_NONE;
	int slashes = 0;

	*base = NULL;
	if (!url)
		return RK_FORGE_NONE;
	h = strstr(url, "://");
	if (h) {
		const char *at, *slash;

		h += 3;
		slash = strchr(h, '/');
		if (!slash)
			return RK_FORGE_NONE;
		at = memchr(h, '@', (size_t)(slash - h));
		if (at)
			h = at + 1; /* credentials are dropped */
		hl = (size_t)(slash - h);
		{
			const char *colon = memchr(h, ':', hl);
			if (colon)
				hl = (size_t)(colon - h); /* a port */
		}
		p = slash + 1;
	} else {
		/* scp-like: [user@]host:path */
		const char *colon = strchr(url, ':'), *at;

		if (!colon)
			return RK_FORGE_NONE;
		at = memchr(url, '@', (size_t)(colon - url));
		h = at ? at + 1 : url;
		hl = (size_t)(colon - h);
		p = colon + 1;
		while (*p == '/')
			p++;
	}
	for (size_t i = 0; i < RK_ARRAY_SIZE(hosts); i++)
		if (hl == strlen(hosts[i].host) && !strncasecmp(h, hosts[i].host, hl))
			f = hosts[i].forge;
	if (f == RK_FORGE_NONE)
		return f;
	e = p + strlen(p);
	while (e > p && e[-1] == '/')
		e--;
	if (e - p > 4 && !strncmp(e - 4, ".git", 4))
		e -= 4;
	pl = (size_t)(e - p);
	for (size_t i = 0; i < pl; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == '/')
			slashes++;
		else if (!isalnum(c) && c != '-' && c != '_' && c != '.')
			return RK_FORGE_NONE;
	}
	if (slashes < 1 || (slashes > 1 && f != RK_FORGE_GITLAB) || p[0] == '/' || strstr(p, "//"))
		return RK_FORGE_NONE;
	rk_buf_adds(&b, "https://");
	for (size_t i = 0; i < hl; i++)
		rk_buf_addc(&b, (char)tolower((unsigned char)h[i]));
	rk_buf_addc(&b, '/');
	rk_buf_add(&b, p, pl);
	*base = rk_buf_detach(&b, NULL);
	return f;
}

enum rk_forge rk_forge_from_origin(const char *root, char **base)
{
	git_repository *repo = NULL;
	git_config *cfg = NULL;
	const char *url;
	enum rk_forge f = RK_FORGE_NONE;

	*base = NULL;
	git_libgit2_init();
	/* the configured URL itself (git_remote_lookup's insteadOf handling
	 * leaks in this libgit2) */
	if (git_repository_open_ext(&repo, root, 0, NULL) == 0 &&
	    git_repository_config_snapshot(&cfg, repo) == 0 &&
	    git_config_get_string(&url, cfg, "remote.origin.url") == 0)
		f = rk_forge_parse_url(url, base);
	git_config_free(cfg);
	git_repository_free(repo);
	return f;
}

/*
 * Each forge's links: comparing the previous tag with the tag, and a first
 * release's tag. Arguments: 1 base, 2 tag, 3 previous tag (a first
 * release's form uses only the first two, as printf allows).
 */
static const struct {
	const char *compare, *first;
} forge_links[] = {
	[RK_FORGE_GITHUB] = {"%1$s/compare/%3$s...%2$s", "%1$s/releases/tag/%2$s"},
	[RK_FORGE_GITLAB] = {"%1$s/-/compare/%3$s...%2$s", "%1$s/-/tags/%2$s"},
	[RK_FORGE_BITBUCKET] = {"%1$s/branches/compare/%2$s%%0D%3$s", "%1$s/src/%2$s"},
};

void rk_forge_compare_url(enum rk_forge forge, const char *base, const char *prev_tag,
			  const char *tag, struct rk_buf *out)
{
	if (forge <= RK_FORGE_NONE || (size_t)forge >= RK_ARRAY_SIZE(forge_links))
		return;
	if (prev_tag)
		rk_buf_addf(out, forge_links[forge].compare, base, tag, prev_tag);
	else
		rk_buf_addf(out, forge_links[forge].first, base, tag);
}

/* ---- the file ---- */

struct lines {
	const char *s;
	size_t len;
};

/* Next line from *pos: [start, end) without its line end; returns false at the end. */
static bool next_line(const struct lines *l, size_t *pos, size_t *start, size_t *end)
{
	const char *nl;

	if (*pos >= l->len)
		return false;
	*start = *pos;
	nl = memchr(l->s + *pos, '\n', l->len - *pos);
	*end = nl ? (size_t)(nl - l->s) : l->len;
	*pos = nl ? *end + 1 : l->len;
	if (*end > *start && l->s[*end - 1] == '\r')
		(*end)--;
	return true;
}

static bool starts(const char *s, size_t n, const char *p)
{
	size_t pl = strlen(p);
	return n >= pl && !memcmp(s, p, pl);
}

static bool is_fence(const char *s, size_t n)
{
	while (n && (*s == ' ')) /* up to three spaces in Markdown; more is fine here */
		s++, n--;
	return starts(s, n, "```") || starts(s, n, "~~~");
}

/* Whether the code fences of the text pair up; an unclosed one (which
 * would swallow everything after it) makes the fences count for nothing. */
static bool fences_balanced(const char *text, size_t len)
{
	struct lines l = {text, len};
	size_t pos = 0, st, en;
	bool open = false;

	while (next_line(&l, &pos, &st, &en))
		if (is_fence(text + st, en - st))
			open = !open;
	return !open;
}

/* "## [V]", "## V", "## vV", followed by ']', a space or the end. */
static bool heading_for(const char *s, size_t n, const char *version)
{
	size_t vl = strlen(version), i = 3;

	if (!starts(s, n, "## "))
		return false;
	while (i < n && s[i] == ' ')
		i++;
	if (i < n && s[i] == '[')
		i++;
	if (i < n && (s[i] == 'v' || s[i] == 'V') &&
	    !(vl && (version[0] == 'v' || version[0] == 'V')))
		i++;
	if (n - i < vl || memcmp(s + i, version, vl))
		return false;
	i += vl;
	return i == n || s[i] == ']' || s[i] == ' ' || s[i] == '\t';
}

static bool is_link_ref(const char *s, size_t n)
{
	const char *close;

	if (!n || s[0] != '[')
		return false;
	close = memchr(s, ']', n);
	return close && close > s + 1 && (size_t)(close - s) + 2 < n && close[1] == ':' &&
	       (close[2] == ' ' || close[2] == '\t');
}

/* text with each "\n" written as eol, trailing blank lines dropped. */
static void add_text(struct rk_buf *out, const char *text, const char *eol)
{
	size_t n = strlen(text);

	while (n && (text[n - 1] == '\n' || text[n - 1] == '\r' || text[n - 1] == ' '))
		n--;
	for (size_t i = 0; i < n; i++) {
		if (text[i] == '\r' && i + 1 < n && text[i + 1] == '\n')
			continue;
		if (text[i] == '\n')
			rk_buf_adds(out, eol);
		else
			rk_buf_addc(out, text[i]);
	}
}

static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return false;
	return true;
}

/* Insert the link reference into b (whole content), per the rules above. */
static void insert_link(struct rk_buf *b, const char *version, const char *link, const char *eol)
{
	struct lines l = {b->data ? b->data : "", b->len};
	size_t pos = 0, st, en, at = (size_t)-1;
	bool fence = false;
	struct rk_buf ref = RK_BUF_INIT, nb = RK_BUF_INIT;

	bool fences = fences_balanced(l.s, l.len);

	rk_buf_addf(&ref, "[%s]: ", version);
	while (next_line(&l, &pos, &st, &en)) {
		const char *s = l.s + st;
		size_t n = en - st;

		if (fences && is_fence(s, n)) {
			fence = !fence;
			continue;
		}
		if (fence || !is_link_ref(s, n))
			continue;
		if (starts(s, n, ref.data)) {
			rk_buf_release(&ref);
			return; /* already there */
		}
		if (at == (size_t)-1)
			at = n > 13 && !strncasecmp(s, "[unreleased]:", 13) ? pos : st;
	}
	if (at == (size_t)-1) {
		/* at the end, after a blank line */
		rk_buf_add(&nb, l.s, l.len);
		if (l.len && l.s[l.len - 1] != '\n')
			rk_buf_adds(&nb, eol);
		{
			/* is the last line blank? */
			size_t e = nb.len, s0;
			if (e && nb.data[e - 1] == '\n')
				e--;
			if (e && nb.data[e - 1] == '\r')
				e--;
			s0 = e;
			while (s0 && nb.data[s0 - 1] != '\n')
				s0--;
			if (nb.len && !blank(nb.data + s0, e - s0))
				rk_buf_adds(&nb, eol);
		}
		rk_buf_addf(&nb, "%s%s%s", ref.data, link, eol);
	} else {
		rk_buf_add(&nb, l.s, at);
		if (at && l.s[at - 1] != '\n')
			rk_buf_adds(
				&nb,
				eol); /* "[unreleased]: ..." was the last line, without an end */
		rk_buf_addf(&nb, "%s%s%s", ref.data, link, eol);
		rk_buf_add(&nb, l.s + at, l.len - at);
	}
	rk_buf_release(b);
	*b = nb;
	rk_buf_release(&ref);
}

static bool has_crlf(const char *s, size_t n)
{
	const char *nl = memchr(s, '\n', n);

	return nl && nl > s && nl[-1] == '\r';
}

int rk_changelog_text_insert(const char *text, size_t len, const char *version, const char *section,
			     const char *link, struct rk_buf *out)
{
	struct lines l = {text, len};
	const char *eol;
	size_t pos = 0, st, en, at = (size_t)-1, prev_st = 0, prev_en = 0;
	bool fence = false, have_prev = false;
	struct rk_buf b = RK_BUF_INIT;

	bool fences = fences_balanced(l.s, l.len);

	eol = has_crlf(l.s, l.len) ? "\r\n" : "\n";
	if (l.len == 0) {
		rk_buf_addf(&b, "# Changelog%s%s", eol, eol);
		add_text(&b, section, eol);
		rk_buf_adds(&b, eol);
		if (link) {
			rk_buf_adds(&b, eol);
			rk_buf_addf(&b, "[%s]: %s%s", version, link, eol);
		}
		rk_buf_add(out, b.data, b.len);
		rk_buf_release(&b);
		return 1;
	}
	/* already there? and where it goes */
	while (next_line(&l, &pos, &st, &en)) {
		const char *s = l.s + st;
		size_t n = en - st;

		if (fences && is_fence(s, n)) {
			fence = !fence;
			continue;
		}
		if (fence)
			continue;
		if (heading_for(s, n, version))
			return 0;
		if (starts(s, n, "## ") && at == (size_t)-1) {
			const char *t = s + 3;
			size_t tn = n - 3;

			while (tn && (*t == ' ' || *t == '['))
				t++, tn--;
			if (!(tn >= 10 && !strncasecmp(t, "unreleased", 10)))
				at = st;
		}
		if (at == (size_t)-1) {
			have_prev = true;
			prev_st = st;
			prev_en = en;
		}
	}
	if (at == (size_t)-1) {
		/* no release yet: at the end */
		rk_buf_add(&b, l.s, l.len);
		if (l.s[l.len - 1] != '\n')
			rk_buf_adds(&b, eol);
		if (!(have_prev && blank(l.s + prev_st, prev_en - prev_st)))
			rk_buf_adds(&b, eol);
		add_text(&b, section, eol);
		rk_buf_adds(&b, eol);
	} else {
		rk_buf_add(&b, l.s, at);
		if (have_prev && !blank(l.s + prev_st, prev_en - prev_st))
			rk_buf_adds(&b, eol);
		add_text(&b, section, eol);
		rk_buf_adds(&b, eol);
		rk_buf_adds(&b, eol);
		rk_buf_add(&b, l.s + at, l.len - at);
	}
	if (link)
		insert_link(&b, version, link, eol);
	rk_buf_add(out, b.data, b.len);
	rk_buf_release(&b);
	return 1;
}

int rk_changelog_file_insert(struct rk_edits *ed, const char *root, const char *path,
			     const char *version, const char *section, const char *link,
			     bool *changed, struct rk_err *err)
{
	struct rk_edit *e = rk_edits_get_new(ed, root, path, err);
	struct rk_buf b = RK_BUF_INIT;
	const char *s;

	*changed = false;
	if (!e)
		return -1;
	if (strncmp(section, "## ", 3))
		return rk_be_fail(err, "%s: the section for %s does not start with a '## ' heading",
				  path, version);
	s = e->after.data ? e->after.data : "";
	if (memchr(s, '\0', e->after.len))
		return rk_be_fail(err, "%s: holds a NUL byte", path);
	if (rk_changelog_text_insert(s, e->after.len, version, section, link, &b) == 1) {
		rk_edits_set(e, b.data, b.len);
		*changed = true;
	}
	rk_buf_release(&b);
	return 0;
}

int rk_changelog_file_release(struct rk_edits *ed, const char *root, const char *path,
			      const char *version, const char *section, const char *prev_tag,
			      const char *tag, bool *changed, struct rk_err *err)
{
	struct rk_buf link = RK_BUF_INIT;
	char *base = NULL;
	enum rk_forge f = tag ? rk_forge_from_origin(root, &base) : RK_FORGE_NONE;
	int rc;

	if (f != RK_FORGE_NONE)
		rk_forge_compare_url(f, base, prev_tag, tag, &link);
	rc = rk_changelog_file_insert(ed, root, path, version, section, link.len ? link.data : NULL,
				      changed, err);
	free(base);
	rk_buf_release(&link);
	return rc;
}
