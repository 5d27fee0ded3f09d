/* rk_mask.c - secret masking; see rk_mask.h. */
#include "rk_common.h"
#include "rk_mask.h"

#include <ctype.h>
#include <fcntl.h>
#include <unistd.h>

void rk_mask_init(struct rk_mask *m)
{
	memset(m, 0, sizeof(*m));
}

void rk_mask_release(struct rk_mask *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		free(m->v[i]);
	free(m->v);
	free(m->len);
	rk_mask_init(m);
}

static void add_n(struct rk_mask *m, const char *v, size_t len)
{
	size_t i, cap;

	if (len < RK_MASK_MIN)
		return;
	for (i = 0; i < m->n; i++)
		if (m->len[i] == len && memcmp(m->v[i], v, len) == 0)
			return;
	cap = m->cap;
	RK_GROW(m->v, m->cap, m->n + 1);
	RK_GROW(m->len, cap, m->n + 1);
	m->v[m->n] = rk_xstrndup(v, len);
	m->len[m->n] = len;
	m->n++;
	if (len > m->maxlen)
		m->maxlen = len;
}

void rk_mask_add(struct rk_mask *m, const char *value)
{
	if (value)
		add_n(m, value, strlen(value));
}

/* Case-insensitive: does name[0..len) contain word? */
static int has_word(const char *name, size_t len, const char *word)
{
	size_t wl = strlen(word), i, k;

	for (i = 0; i + wl <= len; i++) {
		for (k = 0; k < wl; k++)
			if (toupper((unsigned char)name[i + k]) != word[k])
				break;
		if (k == wl)
			return 1;
	}
	return 0;
}

static int ends_with(const char *name, size_t len, const char *suffix)
{
	size_t sl = strlen(suffix);
	return len >= sl && has_word(name + len - sl, sl, suffix);
}

static int listed(const char *name, size_t len)
{
	const char *l = getenv("RK_SECRET_ENV"), *e;

	for (; l && *l; l = *e ? e + 1 : e) {
		e = strchr(l, ',');
		if (!e)
			e = l + strlen(l);
		if ((size_t)(e - l) == len && memcmp(l, name, len) == 0)
			return 1;
	}
	return 0;
}

int rk_mask_secret_name(const char *name, size_t len)
{
	static const char *const words[] = {"TOKEN",	  "SECRET",	"PASSWORD", "PASSWD",
					    "PASSPHRASE", "CREDENTIAL", "AUTH",	    "PRIVATE",
					    "API_KEY",	  "ACCESS_KEY"};
	size_t i;

	for (i = 0; i < RK_ARRAY_SIZE(words); i++)
		if (has_word(name, len, words[i]))
			return 1;
	return ends_with(name, len, "_KEY") || ends_with(name, len, "_PW") || listed(name, len);
}

void rk_mask_add_env(struct rk_mask *m, char *const *env)
{
	for (; env && *env; env++) {
		const char *eq = strchr(*env, '=');
		if (eq && rk_mask_secret_name(*env, (size_t)(eq - *env)))
			rk_mask_add(m, eq + 1);
	}
}

/* Percent-decoded copy of s[0..len). */
static void pct_decode(const char *s, size_t len, struct rk_buf *out)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == '%' && i + 2 < len + 0 && isxdigit((unsigned char)s[i + 1]) &&
		    isxdigit((unsigned char)s[i + 2])) {
			char h[3] = {s[i + 1], s[i + 2], 0};
			rk_buf_addc(out, (char)strtol(h, NULL, 16));
			i += 2;
		} else {
			rk_buf_addc(out, s[i]);
		}
	}
}

void rk_mask_add_url(struct rk_mask *m, const char *url)
{
	const char *auth, *end, *at, *colon;
	struct rk_buf d = RK_BUF_INIT;

	auth = url ? strstr(url, "://") : NULL;
	if (!auth)
		return;
	auth += 3;
	end = auth + strcspn(auth, "/?#");
	at = NULL;
	for (const char *p = auth; p < end; p++)
		if (*p == '@')
			at = p; /* the last '@' ends the user-info */
	if (!at)
		return;
	colon = memchr(auth, ':', (size_t)(at - auth));
	if (colon) {
		add_n(m, colon + 1, (size_t)(at - colon - 1));
		pct_decode(colon + 1, (size_t)(at - colon - 1), &d);
		add_n(m, d.data ? d.data : "", d.len);
		rk_buf_reset(&d);
	}
	add_n(m, auth, (size_t)(at - auth)); /* user:password as a whole */
	pct_decode(auth, (size_t)(at - auth), &d);
	add_n(m, d.data ? d.data : "", d.len);
	rk_buf_release(&d);
}

/* The length of the longest secret matching at s[0..avail), or 0. */
static size_t match_at(const struct rk_mask *m, const char *s, size_t avail)
{
	size_t i, best = 0;

	for (i = 0; i < m->n; i++)
		if (m->len[i] > best && m->len[i] <= avail && s[0] == m->v[i][0] &&
		    memcmp(s, m->v[i], m->len[i]) == 0)
			best = m->len[i];
	return best;
}

/*
 * Mask s[0..len) into out, stopping before position `until` (a match must
 * start before it; one that starts there is left for the next call).
 * Returns the number of input bytes consumed.
 */
static size_t mask_span(const struct rk_mask *m, const char *s, size_t len, size_t until,
			struct rk_buf *out)
{
	size_t i = 0, run = 0;

	while (i < until) {
		size_t k = match_at(m, s + i, len - i);
		if (k) {
			rk_buf_add(out, s + run, i - run);
			rk_buf_adds(out, RK_MASK_TEXT);
			i += k;
			run = i;
		} else {
			i++;
		}
	}
	if (i > len)
		i = len;
	rk_buf_add(out, s + run, i - run);
	return i;
}

void rk_mask_str(const struct rk_mask *m, const char *s, size_t len, struct rk_buf *out)
{
	if (!m || !m->n) {
		rk_buf_add(out, s, len);
		return;
	}
	mask_span(m, s, len, len, out);
}

void rk_mask_buf(const struct rk_mask *m, struct rk_buf *b)
{
	struct rk_buf o = RK_BUF_INIT;

	if (!m || !m->n || !b->len)
		return;
	mask_span(m, b->data, b->len, b->len, &o);
	rk_buf_release(b);
	*b = o;
}

int rk_mask_file(const struct rk_mask *m, const char *in, const char *out, char hex[RK_SHA256_HEX],
		 long long *size)
{
	enum { CHUNK = 65536 };
	struct rk_buf win = RK_BUF_INIT, o = RK_BUF_INIT;
	struct rk_sha256 h;
	unsigned char d[RK_SHA256_LEN];
	long long total = 0;
	int ifd, ofd, rc = -1, eof = 0, e = 0;
	size_t keep = m && m->maxlen ? m->maxlen - 1 : 0;

	ifd = rk_open_regular(in);
	if (ifd < 0)
		return -1;
	ofd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (ofd < 0) {
		e = errno;
		close(ifd);
		errno = e;
		return -1;
	}
	if (rk_sha256_init(&h) != 0) {
		e = errno ? errno : ENOMEM;
		goto out;
	}
	while (!eof) {
		ssize_t r;
		size_t used, until;
		rk_buf_grow(&win, CHUNK);
		r = rk_read_some(ifd, win.data + win.len, CHUNK);
		if (r < 0) {
			e = errno;
			break;
		}
		if (r == 0)
			eof = 1;
		win.len += (size_t)r;
		/* a secret starting in the last `keep` bytes may go on in the next chunk */
		until = eof ? win.len : (win.len > keep ? win.len - keep : 0);
		rk_buf_reset(&o);
		if (m && m->n)
			used = mask_span(m, win.data, win.len, until, &o);
		else {
			used = win.len;
			rk_buf_add(&o, win.data, win.len);
		}
		if (o.len && rk_write_all(ofd, o.data, o.len) != 0) {
			e = errno;
			break;
		}
		rk_sha256_update(&h, o.data ? o.data : "", o.len);
		total += (long long)o.len;
		memmove(win.data, win.data + used, win.len - used);
		win.len -= used;
	}
	rk_sha256_final(&h, d);
	if (!e) {
		if (hex)
			rk_sha256_tohex(d, hex);
		if (size)
			*size = total;
		rc = 0;
	}
out:
	close(ifd);
	if (close(ofd) != 0 && !e && rc == 0) {
		e = errno;
		rc = -1;
	}
	rk_buf_release(&win);
	rk_buf_release(&o);
	if (rc)
		errno = e;
	return rc;
}

static void msg_filter(struct rk_buf *line, void *ctx)
{
	rk_mask_buf(ctx, line);
}

void rk_mask_messages(const struct rk_mask *m)
{
	rk_msg_set_filter(m ? msg_filter : NULL, (void *)(uintptr_t)m);
}
