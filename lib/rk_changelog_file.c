/*
 * rk_changelog_file.c - a release's section into CHANGELOG.md, with its
 * forge's compare link (see rk_changelog_file.h).
 */
#include "rk_common.h"

#include <ctype.h>
#include <strings.h>

#include "rk_be.h"
#include "rk_changelog_file.h"
#include "rk_forge.h"
#include "rk_forge_git.h"

/* ---- the file ---- */

struct lines {
	const char *s;
	size_t len;
	bool fences;   /* the code fences pair up (fences_balanced) */
	bool in_fence; /* next_prose_line: inside a fence */
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

/* The lines of text[0..len) for next_prose_line. */
static struct lines prose_lines(const char *text, size_t len)
{
	struct lines l = {text, len, fences_balanced(text, len), false};

	return l;
}

/* Next line outside code fences (next_line past the fences and what they
 * hold, when they pair up; an unclosed one counts for nothing). */
static bool next_prose_line(struct lines *l, size_t *pos, size_t *start, size_t *end)
{
	while (next_line(l, pos, start, end)) {
		if (l->fences && is_fence(l->s + *start, *end - *start))
			l->in_fence = !l->in_fence;
		else if (!l->in_fence)
			return true;
	}
	return false;
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
	struct lines l = prose_lines(b->data ? b->data : "", b->len);
	size_t pos = 0, st, en, at = (size_t)-1;
	struct rk_buf ref = RK_BUF_INIT, nb = RK_BUF_INIT;

	rk_buf_addf(&ref, "[%s]: ", version);
	while (next_prose_line(&l, &pos, &st, &en)) {
		const char *s = l.s + st;
		size_t n = en - st;

		if (!is_link_ref(s, n))
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
	struct lines l = prose_lines(text, len);
	const char *eol;
	size_t pos = 0, st, en, at = (size_t)-1, prev_st = 0, prev_en = 0;
	bool have_prev = false;
	struct rk_buf b = RK_BUF_INIT;

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
	while (next_prose_line(&l, &pos, &st, &en)) {
		const char *s = l.s + st;
		size_t n = en - st;

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

void rk_changelog_file_section(const char *path, const char *version, struct rk_buf *out)
{
	struct rk_buf text = RK_BUF_INIT;
	struct lines l;
	size_t pos = 0, st, en, start = (size_t)-1, end = 0, last = 0;
	bool more = true;

	if (!path || rk_buf_read_file(&text, path) < 0 || !text.data)
		goto out;
	l = prose_lines(text.data, text.len);
	while ((more = next_prose_line(&l, &pos, &st, &en))) {
		const char *s = l.s + st;
		size_t n = en - st;

		if (start != (size_t)-1 && st > last)
			end = st; /* a code block (skipped) is the section's */
		last = pos;
		if (start != (size_t)-1 && starts(s, n, "## "))
			break;
		if (start == (size_t)-1 && heading_for(s, n, version))
			start = st;
		if (start != (size_t)-1 && !blank(s, n) && !is_link_ref(s, n))
			end = pos; /* the section so far, its last line included */
	}
	if (!more && start != (size_t)-1 && l.len > last)
		end = l.len; /* a code block at the very end */
	if (start != (size_t)-1) {
		while (end > start && isspace((unsigned char)l.s[end - 1]))
			end--;
		rk_buf_add(out, l.s + start, end - start);
		rk_buf_addc(out, '\n');
	}
out:
	rk_buf_release(&text);
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
			      const char *tag, const struct rk_changelog_forge *fc, bool *changed,
			      struct rk_err *err)
{
	struct rk_buf link = RK_BUF_INIT;
	struct rk_forge_where w;
	struct rk_err e;
	char *url = NULL;
	int rc;

	memset(&w, 0, sizeof(w));
	if (tag) {
		url = rk_forge_remote_url(root, fc && fc->remote ? fc->remote : "origin");
		/* a remote that is no forge's (or a forge record that does not fit
		 * it, which the release reports) has no link */
		if (rk_forge_recognise(url, fc ? fc->d : NULL, fc && fc->d ? fc->cfg : -1, &w, &e) >
		    0)
			rk_forge_link(&w, prev_tag, tag, &link);
	}
	rc = rk_changelog_file_insert(ed, root, path, version, section, link.len ? link.data : NULL,
				      changed, err);
	rk_forge_where_free(&w);
	free(url);
	rk_buf_release(&link);
	return rc;
}
