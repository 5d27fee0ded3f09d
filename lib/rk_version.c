/*
 * rk_version.c - SemVer 2.0.0 and PEP 440 versions (see rk_version.h).
 */
#include "rk_common.h"

#include <inttypes.h>

#include "rk_version.h"

/* How much of a bad input an error message quotes. */
#define QUOTE_MAX 64

static const char *scheme_title(enum rk_version_scheme scheme)
{
	return scheme == RK_VERSION_SEMVER   ? "SemVer"
	       : scheme == RK_VERSION_PEP440 ? "PEP 440"
					     : "?";
}

/* Append s[0..len) for a message: printable ASCII as is, other bytes as \xNN,
 * shortened with "..." after QUOTE_MAX bytes. */
static void quote(struct rk_buf *b, const char *s, size_t len)
{
	size_t n = len > QUOTE_MAX ? QUOTE_MAX : len;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c >= 0x7f || c == '\\' || c == '\'')
			rk_buf_addf(b, "\\x%02x", c);
		else
			rk_buf_addc(b, (char)c);
	}
	if (len > n)
		rk_buf_addf(b, "...(%zu bytes)", len);
}

/* err->msg = prefix b + the message; b is released. */
static void fail_msg(struct rk_err *err, struct rk_buf *b, const char *fmt, va_list ap)
{
	rk_buf_vaddf(b, fmt, ap);
	rk_err_set(err, NULL, 0, 0, "%s", rk_buf_cstr(b));
	rk_buf_release(b);
}

static int fail(struct rk_err *err, enum rk_version_scheme scheme, const char *s, size_t len,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* "invalid <scheme> version '<s>': <reason>" */
static int fail(struct rk_err *err, enum rk_version_scheme scheme, const char *s, size_t len,
		const char *fmt, ...)
{
	va_list ap;
	struct rk_buf b = RK_BUF_INIT;
	if (!err)
		return -1;
	rk_buf_addf(&b, "invalid %s version '", scheme_title(scheme));
	quote(&b, s, len);
	rk_buf_adds(&b, "': ");
	va_start(ap, fmt);
	fail_msg(err, &b, fmt, ap);
	va_end(ap);
	return -1;
}

/* Describe the character at s[i] for a message: 'x', or end of input. */
static const char *describe_char(char *tmp, size_t tmplen, const char *s, size_t len, size_t i)
{
	unsigned char c;
	if (i >= len)
		return "end of input";
	c = (unsigned char)s[i];
	if (c >= 0x20 && c < 0x7f && c != '\'')
		snprintf(tmp, tmplen, "'%c'", c);
	else
		snprintf(tmp, tmplen, "byte \\x%02x", c);
	return tmp;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_ident_char(char c)
{
	return is_digit(c) || is_alpha(c) || c == '-';
}

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* Digits s[0..n) (n >= 1) into *out; -1 when the value exceeds UINT64_MAX. */
static int to_u64(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

static size_t span_digits(const char *s, size_t len, size_t i)
{
	size_t j = i;
	while (j < len && is_digit(s[j]))
		j++;
	return j - i;
}

void rk_version_init(struct rk_version *v)
{
	memset(v, 0, sizeof(*v));
}

void rk_version_release(struct rk_version *v)
{
	free(v->release);
	free(v->pre);
	free(v->meta);
	rk_version_init(v);
}

void rk_version_copy(struct rk_version *dst, const struct rk_version *src)
{
	if (dst == src)
		return;
	rk_version_release(dst);
	*dst = *src;
	dst->release = NULL;
	if (src->nrelease) {
		dst->release = rk_xmalloc(src->nrelease * sizeof(*dst->release));
		memcpy(dst->release, src->release, src->nrelease * sizeof(*dst->release));
	}
	dst->pre = src->pre ? rk_xstrdup(src->pre) : NULL;
	dst->meta = src->meta ? rk_xstrdup(src->meta) : NULL;
}

static void set_str(char **dst, char *s)
{
	free(*dst);
	*dst = s;
}

/* ------------------------------------------------------------------------ */
/* SemVer */

static const char *const pre_names[] = {
	[RK_VERSION_PRE_DEV] = "dev",
	[RK_VERSION_PRE_ALPHA] = "alpha",
	[RK_VERSION_PRE_BETA] = "beta",
	[RK_VERSION_PRE_RC] = "rc",
};

/* Derive pre_kind/pre_num from a SemVer pre-release string. */
static void semver_classify(struct rk_version *v)
{
	v->pre_kind = RK_VERSION_PRE_NONE;
	v->pre_num = 0;
	if (!v->pre)
		return;
	v->pre_kind = RK_VERSION_PRE_OTHER;
	for (int k = RK_VERSION_PRE_DEV; k <= RK_VERSION_PRE_RC; k++) {
		const char *rest;
		uint64_t num;
		size_t d;
		size_t n = strlen(pre_names[k]);
		if (strncmp(v->pre, pre_names[k], n) != 0)
			continue;
		rest = v->pre + n;
		if (*rest == '\0') {
			v->pre_kind = (enum rk_version_pre)k;
			return;
		}
		if (*rest != '.')
			continue;
		rest++;
		d = strlen(rest);
		if (d && span_digits(rest, d, 0) == d && to_u64(rest, d, &num) == 0) {
			v->pre_kind = (enum rk_version_pre)k;
			v->pre_num = num;
		}
		return;
	}
}

/*
 * Check dot-separated identifiers s[i..end): non-empty, [0-9A-Za-z-], and
 * (when numeric_strict) numeric ones without leading zeros. Returns 0 or
 * fails naming `what`.
 */
static int semver_idents(const char *s, size_t len, size_t i, size_t end, bool numeric_strict,
			 const char *what, struct rk_err *err)
{
	char tmp[32];
	for (;;) {
		size_t j = i;
		while (j < end && is_ident_char(s[j]))
			j++;
		if (j == i) {
			if (j < end && s[j] != '.')
				return fail(err, RK_VERSION_SEMVER, s, len,
					    "invalid character %s in %s",
					    describe_char(tmp, sizeof(tmp), s, len, j), what);
			return fail(err, RK_VERSION_SEMVER, s, len, "empty %s identifier", what);
		}
		if (numeric_strict && span_digits(s, j, i) == j - i && j - i > 1 && s[i] == '0')
			return fail(err, RK_VERSION_SEMVER, s, len,
				    "numeric identifier has a leading zero");
		if (j == end)
			return 0;
		if (s[j] != '.')
			return fail(err, RK_VERSION_SEMVER, s, len, "invalid character %s in %s",
				    describe_char(tmp, sizeof(tmp), s, len, j), what);
		i = j + 1;
	}
}

static int semver_parse(struct rk_version *v, const char *s, size_t len, struct rk_err *err)
{
	bool has_pre = false, has_meta = false;
	size_t pre_start = 0, pre_end = 0, meta_start = 0;
	static const char *const names[] = {"major", "minor", "patch"};
	char tmp[32];
	uint64_t nums[3];
	size_t i = 0;

	if (len == 0)
		return fail(err, RK_VERSION_SEMVER, s, len, "empty version");
	for (int k = 0; k < 3; k++) {
		size_t n = span_digits(s, len, i);
		if (n == 0) {
			if (k == 0 && (s[0] == 'v' || s[0] == 'V'))
				return fail(err, RK_VERSION_SEMVER, s, len,
					    "leading 'v' is not part of a version");
			return fail(err, RK_VERSION_SEMVER, s, len,
				    "expected %s version number, got %s", names[k],
				    describe_char(tmp, sizeof(tmp), s, len, i));
		}
		if (n > 1 && s[i] == '0')
			return fail(err, RK_VERSION_SEMVER, s, len,
				    "numeric identifier has a leading zero");
		if (to_u64(s + i, n, &nums[k]) < 0)
			return fail(err, RK_VERSION_SEMVER, s, len,
				    "%s version number too large (the limit is %" PRIu64 ")",
				    names[k], UINT64_MAX);
		i += n;
		if (k < 2) {
			if (i >= len || s[i] != '.')
				return fail(err, RK_VERSION_SEMVER, s, len,
					    "expected '.' after %s version, got %s", names[k],
					    describe_char(tmp, sizeof(tmp), s, len, i));
			i++;
		}
	}
	if (i < len && s[i] == '-') {
		has_pre = true;
		pre_start = ++i;
		while (i < len && s[i] != '+')
			i++;
		pre_end = i;
		if (semver_idents(s, len, pre_start, pre_end, true, "pre-release", err) < 0)
			return -1;
	}
	if (i < len && s[i] == '+') {
		has_meta = true;
		meta_start = ++i;
		if (semver_idents(s, len, meta_start, len, false, "build metadata", err) < 0)
			return -1;
		i = len;
	}
	if (i < len)
		return fail(err, RK_VERSION_SEMVER, s, len,
			    "unexpected %s after patch version (expected '-', '+' or the end)",
			    describe_char(tmp, sizeof(tmp), s, len, i));

	v->scheme = RK_VERSION_SEMVER;
	v->nrelease = 3;
	v->release = rk_xmalloc(3 * sizeof(*v->release));
	memcpy(v->release, nums, sizeof(nums));
	if (has_pre)
		v->pre = rk_xstrndup(s + pre_start, pre_end - pre_start);
	if (has_meta)
		v->meta = rk_xstrndup(s + meta_start, len - meta_start);
	semver_classify(v);
	return 0;
}

/* Compare two digit strings without leading zeros. */
static int cmp_digits(const char *a, size_t an, const char *b, size_t bn)
{
	int c;
	if (an != bn)
		return an < bn ? -1 : 1;
	c = memcmp(a, b, an);
	return c < 0 ? -1 : c > 0;
}

static int cmp_bytes(const char *a, size_t an, const char *b, size_t bn)
{
	int c = memcmp(a, b, an < bn ? an : bn);
	if (c)
		return c < 0 ? -1 : 1;
	return an < bn ? -1 : an > bn;
}

static bool all_digits(const char *s, size_t n)
{
	return n > 0 && span_digits(s, n, 0) == n;
}

/*
 * Compare dot-separated identifier lists. numeric_high: numeric identifiers
 * are higher than alphanumeric ones (PEP 440 local) instead of lower (SemVer).
 * Numeric identifiers have no leading zeros here.
 */
static int cmp_idents(const char *a, const char *b, bool numeric_high)
{
	for (;;) {
		size_t an = strcspn(a, "."), bn = strcspn(b, ".");
		bool ad = all_digits(a, an), bd = all_digits(b, bn);
		int c;
		if (ad && bd)
			c = cmp_digits(a, an, b, bn);
		else if (ad != bd)
			c = (ad == numeric_high) ? 1 : -1;
		else
			c = cmp_bytes(a, an, b, bn);
		if (c)
			return c;
		a += an;
		b += bn;
		if (!*a || !*b)
			return (!*a && !*b) ? 0 : (*a ? 1 : -1);
		a++;
		b++;
	}
}

static int cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

static int semver_compare(const struct rk_version *a, const struct rk_version *b)
{
	for (int k = 0; k < 3; k++) {
		int c = cmp_u64(a->release[k], b->release[k]);
		if (c)
			return c;
	}
	if (!a->pre || !b->pre)
		return (!a->pre && !b->pre) ? 0 : (a->pre ? -1 : 1);
	return cmp_idents(a->pre, b->pre, false);
}

static void semver_format(const struct rk_version *v, struct rk_buf *out)
{
	rk_buf_addf(out, "%" PRIu64 ".%" PRIu64 ".%" PRIu64, v->release[0], v->release[1],
		    v->release[2]);
	if (v->pre)
		rk_buf_addf(out, "-%s", v->pre);
	if (v->meta)
		rk_buf_addf(out, "+%s", v->meta);
}

/* ------------------------------------------------------------------------ */
/* PEP 440 */

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool is_sep(char c)
{
	return c == '.' || c == '-' || c == '_';
}

/* Does s[i..len) start with word (lower case), case-insensitively? */
static bool starts_ci(const char *s, size_t len, size_t i, const char *word)
{
	size_t n = strlen(word);
	if (len - i < n)
		return false;
	for (size_t k = 0; k < n; k++)
		if (lower(s[i + k]) != word[k])
			return false;
	return true;
}

struct spelling {
	const char *word;
	int kind;
};

/* Longest spellings first, as the spec's regular expression tries them. */
static const struct spelling pre_spellings[] = {
	{"alpha", RK_VERSION_PRE_ALPHA}, {"a", RK_VERSION_PRE_ALPHA},
	{"beta", RK_VERSION_PRE_BETA},	 {"b", RK_VERSION_PRE_BETA},
	{"preview", RK_VERSION_PRE_RC},	 {"pre", RK_VERSION_PRE_RC},
	{"c", RK_VERSION_PRE_RC},	 {"rc", RK_VERSION_PRE_RC},
};
static const struct spelling post_spellings[] = {{"post", 1}, {"rev", 1}, {"r", 1}};
static const struct spelling dev_spellings[] = {{"dev", 1}};

/*
 * At s[*i]: an optional separator, one of the spellings, an optional
 * separator and an optional number (0 when absent). Returns 1 and advances
 * *i when found, 0 when not (nothing consumed), -1 on a number overflow.
 */
static int pep440_segment(const char *s, size_t len, size_t *i, const struct spelling *sp,
			  size_t nsp, int *kind, uint64_t *num, size_t *numpos)
{
	size_t k;
	size_t d;
	size_t n;
	size_t j = *i;
	if (j < len && is_sep(s[j]))
		j++;
	for (k = 0; k < nsp; k++)
		if (starts_ci(s, len, j, sp[k].word))
			break;
	if (k == nsp)
		return 0;
	j += strlen(sp[k].word);
	*kind = sp[k].kind;
	*num = 0;
	d = j;
	if (d < len && is_sep(s[d]))
		d++;
	n = span_digits(s, len, d);
	if (n) {
		*numpos = d;
		if (to_u64(s + d, n, num) < 0)
			return -1;
		j = d + n;
	} else if (j < len && is_sep(s[j])) {
		/* The regular expression lets the separator go either to this
		 * segment or to the next one: both read the same. */
		j++;
	}
	*i = j;
	return 1;
}

static const char *pep440_number_name(int which)
{
	static const char *const names[] = {"epoch", "release segment", "pre-release number",
					    "post-release number", "dev-release number"};
	return names[which];
}

static int pep440_parse(struct rk_version *v, const char *s, size_t len, struct rk_err *err)
{
	size_t n;
	uint64_t num;
	const char *orig = s;
	size_t origlen = len;
	char tmp[32];
	size_t i = 0, numpos = 0;
	uint64_t *rel = NULL;
	size_t nrel = 0, relcap = 0;
	struct rk_buf local = RK_BUF_INIT;
	int r, kind;

#define PFAIL(...)                                                                                 \
	do {                                                                                       \
		free(rel);                                                                         \
		rk_buf_release(&local);                                                            \
		return fail(err, RK_VERSION_PEP440, orig, origlen, __VA_ARGS__);                   \
	} while (0)
#define TOO_LARGE(which)                                                                           \
	PFAIL("%s too large (the limit is %" PRIu64 ")", pep440_number_name(which), UINT64_MAX)

	while (len > 0 && is_space(s[0])) {
		s++;
		len--;
	}
	while (len > 0 && is_space(s[len - 1]))
		len--;
	if (len == 0)
		PFAIL("empty version");
	if (s[0] == 'v' || s[0] == 'V')
		i++;

	n = span_digits(s, len, i);
	if (n == 0)
		PFAIL("expected a release number, got %s",
		      describe_char(tmp, sizeof(tmp), s, len, i));
	if (i + n < len && s[i + n] == '!') {
		if (to_u64(s + i, n, &v->epoch) < 0)
			TOO_LARGE(0);
		i += n + 1;
		n = span_digits(s, len, i);
		if (n == 0)
			PFAIL("expected a release number after the epoch, got %s",
			      describe_char(tmp, sizeof(tmp), s, len, i));
	}
	for (;;) {
		RK_GROW(rel, relcap, nrel + 1);
		if (to_u64(s + i, n, &rel[nrel]) < 0)
			TOO_LARGE(1);
		nrel++;
		i += n;
		if (i + 1 < len && s[i] == '.' && is_digit(s[i + 1])) {
			i++;
			n = span_digits(s, len, i);
			continue;
		}
		break;
	}

	r = pep440_segment(s, len, &i, pre_spellings, RK_ARRAY_SIZE(pre_spellings), &kind, &num,
			   &numpos);
	if (r < 0)
		TOO_LARGE(2);
	if (r > 0) {
		v->pre_kind = (enum rk_version_pre)kind;
		v->pre_num = num;
	}

	if (i + 1 < len && s[i] == '-' && is_digit(s[i + 1])) {
		n = span_digits(s, len, i + 1);
		if (to_u64(s + i + 1, n, &v->post) < 0)
			TOO_LARGE(3);
		v->has_post = true;
		i += 1 + n;
	} else {
		r = pep440_segment(s, len, &i, post_spellings, RK_ARRAY_SIZE(post_spellings), &kind,
				   &num, &numpos);
		if (r < 0)
			TOO_LARGE(3);
		if (r > 0) {
			v->has_post = true;
			v->post = num;
		}
	}

	r = pep440_segment(s, len, &i, dev_spellings, RK_ARRAY_SIZE(dev_spellings), &kind, &num,
			   &numpos);
	if (r < 0)
		TOO_LARGE(4);
	if (r > 0) {
		v->has_dev = true;
		v->dev = num;
	}

	if (i < len && s[i] == '+') {
		i++;
		for (;;) {
			size_t d = 0;
			size_t j = i;
			while (j < len && (is_digit(s[j]) || is_alpha(s[j])))
				j++;
			if (j == i)
				PFAIL("expected a local version segment at %s",
				      describe_char(tmp, sizeof(tmp), s, len, j));
			if (all_digits(s + i, j - i)) {
				/* numeric: drop leading zeros (it compares as a number) */
				while (i + d + 1 < j && s[i + d] == '0')
					d++;
			}
			for (size_t k = i + d; k < j; k++)
				rk_buf_addc(&local, lower(s[k]));
			i = j;
			if (i < len && is_sep(s[i]) && i + 1 < len) {
				rk_buf_addc(&local, '.');
				i++;
				continue;
			}
			break;
		}
	}
	if (i < len) {
		if (i > 40)
			PFAIL("unexpected %s at byte %zu",
			      describe_char(tmp, sizeof(tmp), s, len, i),
			      i + 1 + (size_t)(s - orig));
		PFAIL("unexpected %s after '%.*s'", describe_char(tmp, sizeof(tmp), s, len, i),
		      (int)i, s);
	}
#undef TOO_LARGE
#undef PFAIL

	v->scheme = RK_VERSION_PEP440;
	v->release = rel;
	v->nrelease = nrel;
	if (local.len)
		v->meta = rk_buf_detach(&local, NULL);
	rk_buf_release(&local);
	return 0;
}

/* Index of the last non-zero release component + 1 (0 for all zeros). */
static size_t significant(const struct rk_version *v)
{
	size_t n = v->nrelease;
	while (n > 0 && v->release[n - 1] == 0)
		n--;
	return n;
}

static int pep440_compare(const struct rk_version *a, const struct rk_version *b)
{
	size_t an, bn;
	int prerank[2];
	const struct rk_version *vs[2] = {a, b};
	int c = cmp_u64(a->epoch, b->epoch);
	if (c)
		return c;
	an = significant(a);
	bn = significant(b);
	for (size_t k = 0; k < an || k < bn; k++) {
		c = cmp_u64(k < an ? a->release[k] : 0, k < bn ? b->release[k] : 0);
		if (c)
			return c;
	}
	/* pre: a dev release of a final release sorts before every pre-release;
	 * no pre-release sorts after them all. */
	for (int k = 0; k < 2; k++) {
		const struct rk_version *v = vs[k];
		if (v->pre_kind == RK_VERSION_PRE_NONE)
			prerank[k] = (!v->has_post && v->has_dev) ? 0 : 4;
		else
			prerank[k] = v->pre_kind - RK_VERSION_PRE_ALPHA + 1;
	}
	c = cmp_u64((uint64_t)prerank[0], (uint64_t)prerank[1]);
	if (c)
		return c;
	if (prerank[0] >= 1 && prerank[0] <= 3) {
		c = cmp_u64(a->pre_num, b->pre_num);
		if (c)
			return c;
	}
	/* post: none sorts first */
	if (a->has_post != b->has_post)
		return a->has_post ? 1 : -1;
	if (a->has_post) {
		c = cmp_u64(a->post, b->post);
		if (c)
			return c;
	}
	/* dev: none sorts last */
	if (a->has_dev != b->has_dev)
		return a->has_dev ? -1 : 1;
	if (a->has_dev) {
		c = cmp_u64(a->dev, b->dev);
		if (c)
			return c;
	}
	/* local: none sorts first */
	if (!a->meta || !b->meta)
		return (!a->meta && !b->meta) ? 0 : (a->meta ? 1 : -1);
	return cmp_idents(a->meta, b->meta, true);
}

static void pep440_format(const struct rk_version *v, struct rk_buf *out)
{
	static const char *const pre[] = {
		[RK_VERSION_PRE_ALPHA] = "a",
		[RK_VERSION_PRE_BETA] = "b",
		[RK_VERSION_PRE_RC] = "rc",
	};
	if (v->epoch)
		rk_buf_addf(out, "%" PRIu64 "!", v->epoch);
	for (size_t k = 0; k < v->nrelease; k++)
		rk_buf_addf(out, "%s%" PRIu64, k ? "." : "", v->release[k]);
	if (v->pre_kind >= RK_VERSION_PRE_ALPHA && v->pre_kind <= RK_VERSION_PRE_RC)
		rk_buf_addf(out, "%s%" PRIu64, pre[v->pre_kind], v->pre_num);
	if (v->has_post)
		rk_buf_addf(out, ".post%" PRIu64, v->post);
	if (v->has_dev)
		rk_buf_addf(out, ".dev%" PRIu64, v->dev);
	if (v->meta)
		rk_buf_addf(out, "+%s", v->meta);
}

/* ------------------------------------------------------------------------ */
/* Public entry points */

int rk_version_parse(struct rk_version *v, enum rk_version_scheme scheme, const char *s, size_t len,
		     struct rk_err *err)
{
	int r;
	rk_version_release(v);
	if (!s)
		s = "";
	switch (scheme) {
	case RK_VERSION_SEMVER:
		r = semver_parse(v, s, len, err);
		break;
	case RK_VERSION_PEP440:
		r = pep440_parse(v, s, len, err);
		break;
	default:
		if (err)
			rk_err_set(err, NULL, 0, 0, "unknown version scheme %d", (int)scheme);
		r = -1;
		break;
	}
	if (r < 0)
		rk_version_release(v);
	return r;
}

int rk_version_compare(const struct rk_version *a, const struct rk_version *b)
{
	if (a->scheme != b->scheme)
		return a->scheme < b->scheme ? -1 : 1;
	switch (a->scheme) {
	case RK_VERSION_SEMVER:
		return semver_compare(a, b);
	case RK_VERSION_PEP440:
		return pep440_compare(a, b);
	default:
		return 0;
	}
}

int rk_version_qsort_cmp(const void *a, const void *b)
{
	return rk_version_compare(a, b);
}

void rk_version_format(const struct rk_version *v, struct rk_buf *out)
{
	switch (v->scheme) {
	case RK_VERSION_SEMVER:
		semver_format(v, out);
		break;
	case RK_VERSION_PEP440:
		pep440_format(v, out);
		break;
	default:
		break;
	}
}

char *rk_version_str(const struct rk_version *v)
{
	struct rk_buf b = RK_BUF_INIT;
	rk_version_format(v, &b);
	return rk_buf_detach(&b, NULL);
}

bool rk_version_is_prerelease(const struct rk_version *v)
{
	if (v->scheme == RK_VERSION_SEMVER)
		return v->pre != NULL;
	return v->pre_kind != RK_VERSION_PRE_NONE || v->has_dev;
}

void rk_version_strip_meta(struct rk_version *v)
{
	set_str(&v->meta, NULL);
}

void rk_version_release_only(struct rk_version *v)
{
	set_str(&v->meta, NULL);
	set_str(&v->pre, NULL);
	v->pre_kind = RK_VERSION_PRE_NONE;
	v->pre_num = 0;
	v->has_post = v->has_dev = false;
	v->post = v->dev = 0;
}

/* ------------------------------------------------------------------------ */
/* Bumps */

static const char *const bump_names[] = {
	[RK_VERSION_BUMP_MAJOR] = "major",     [RK_VERSION_BUMP_MINOR] = "minor",
	[RK_VERSION_BUMP_PATCH] = "patch",     [RK_VERSION_BUMP_ALPHA] = "alpha",
	[RK_VERSION_BUMP_BETA] = "beta",       [RK_VERSION_BUMP_RC] = "rc",
	[RK_VERSION_BUMP_DEV] = "dev",	       [RK_VERSION_BUMP_POST] = "post",
	[RK_VERSION_BUMP_RELEASE] = "release",
};

static int bump_fail(struct rk_err *err, const struct rk_version *v, const char *what,
		     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* "cannot bump <scheme> version '<v>' (<what>): <reason>" */
static int bump_fail(struct rk_err *err, const struct rk_version *v, const char *what,
		     const char *fmt, ...)
{
	va_list ap;
	struct rk_buf b = RK_BUF_INIT;
	if (!err)
		return -1;
	rk_buf_addf(&b, "cannot bump %s version '", scheme_title(v->scheme));
	rk_version_format(v, &b);
	rk_buf_addf(&b, "' (%s): ", what);
	va_start(ap, fmt);
	fail_msg(err, &b, fmt, ap);
	va_end(ap);
	return -1;
}

/* Clear the pre-release, post, dev and metadata parts. */
static void clear_suffixes(struct rk_version *v)
{
	set_str(&v->pre, NULL);
	set_str(&v->meta, NULL);
	v->pre_kind = RK_VERSION_PRE_NONE;
	v->pre_num = 0;
	v->has_post = false;
	v->post = 0;
	v->has_dev = false;
	v->dev = 0;
}

/* Do the release components after index idx all equal 0? */
static bool zeros_after(const struct rk_version *v, size_t idx)
{
	for (size_t k = idx + 1; k < v->nrelease; k++)
		if (v->release[k])
			return false;
	return true;
}

/* Increment release component idx, zero the ones after it (see the header
 * for the PEP 440 length rule). -1 on overflow. */
static int release_bump(struct rk_version *v, size_t idx)
{
	size_t n = v->nrelease < 3 ? v->nrelease : 3;
	if (n < idx + 1)
		n = idx + 1;
	if (idx < v->nrelease && v->release[idx] == UINT64_MAX)
		return -1;
	if (n > v->nrelease) {
		v->release = rk_xrealloc(v->release, n * sizeof(*v->release));
		for (size_t k = v->nrelease; k < n; k++)
			v->release[k] = 0;
	}
	v->nrelease = n;
	v->release[idx]++;
	for (size_t k = idx + 1; k < n; k++)
		v->release[k] = 0;
	return 0;
}

static void semver_set_pre(struct rk_version *v, enum rk_version_pre kind, uint64_t num)
{
	struct rk_buf b = RK_BUF_INIT;
	rk_buf_addf(&b, "%s.%" PRIu64, pre_names[kind], num);
	set_str(&v->pre, rk_buf_detach(&b, NULL));
	semver_classify(v);
}

static int check_higher(struct rk_version *v, struct rk_version *tmp, const char *what,
			struct rk_err *err)
{
	if (rk_version_compare(tmp, v) <= 0) {
		char *s = rk_version_str(tmp);
		bump_fail(err, v, what, "'%s' would not be higher", s);
		free(s);
		rk_version_release(tmp);
		return -1;
	}
	rk_version_release(v);
	*v = *tmp;
	return 0;
}

int rk_version_bump_pre(struct rk_version *v, enum rk_version_bump level, enum rk_version_pre kind,
			struct rk_err *err)
{
	struct rk_version tmp = RK_VERSION_INIT;
	size_t idx;
	bool pending;
	const char *what = (kind >= RK_VERSION_PRE_DEV && kind <= RK_VERSION_PRE_RC)
				   ? pre_names[kind]
				   : "pre-release";
	if (v->scheme != RK_VERSION_SEMVER && v->scheme != RK_VERSION_PEP440)
		return bump_fail(err, v, what, "no version");
	if (kind < RK_VERSION_PRE_DEV || kind > RK_VERSION_PRE_RC)
		return bump_fail(err, v, what, "unknown pre-release kind %d", (int)kind);
	if (level > RK_VERSION_BUMP_PATCH)
		return bump_fail(err, v, what, "the level must be major, minor or patch");
	idx = (size_t)level;
	rk_version_copy(&tmp, v);
	set_str(&tmp.meta, NULL);
	pending = rk_version_is_prerelease(v) && zeros_after(v, idx);

	if (v->scheme == RK_VERSION_SEMVER) {
		uint64_t num = 1;
		if (pending && v->pre_kind == kind) {
			if (v->pre_num == UINT64_MAX)
				goto overflow;
			num = v->pre_num + 1;
		} else if (!pending) {
			if (release_bump(&tmp, idx) < 0)
				goto overflow;
		}
		semver_set_pre(&tmp, kind, num);
		return check_higher(v, &tmp, what, err);
	}

	/* PEP 440 */
	if (kind == RK_VERSION_PRE_DEV) {
		if (pending && v->has_dev) {
			if (v->dev == UINT64_MAX)
				goto overflow;
			tmp.dev++;
		} else if (pending) {
			/* a pre-release without dev: the dev series of the next one */
			if (v->pre_num == UINT64_MAX)
				goto overflow;
			tmp.pre_num++;
			tmp.has_post = false;
			tmp.post = 0;
			tmp.has_dev = true;
			tmp.dev = 1;
		} else {
			clear_suffixes(&tmp);
			if (release_bump(&tmp, idx) < 0)
				goto overflow;
			tmp.has_dev = true;
			tmp.dev = 1;
		}
		return check_higher(v, &tmp, what, err);
	}
	if (pending && v->pre_kind == kind) {
		if (v->has_dev && !v->has_post) {
			tmp.has_dev = false; /* 1.2.4a1.dev2 -> 1.2.4a1 */
			tmp.dev = 0;
		} else {
			if (v->pre_num == UINT64_MAX)
				goto overflow;
			clear_suffixes(&tmp);
			tmp.pre_kind = kind;
			tmp.pre_num = v->pre_num + 1;
		}
	} else {
		clear_suffixes(&tmp);
		if (!pending && release_bump(&tmp, idx) < 0)
			goto overflow;
		tmp.pre_kind = kind;
		tmp.pre_num = 1;
	}
	return check_higher(v, &tmp, what, err);

overflow:
	rk_version_release(&tmp);
	return bump_fail(err, v, what, "a number would exceed %" PRIu64, UINT64_MAX);
}

int rk_version_bump(struct rk_version *v, enum rk_version_bump bump, struct rk_err *err)
{
	struct rk_version tmp = RK_VERSION_INIT;
	const char *what = (size_t)bump < RK_ARRAY_SIZE(bump_names) ? bump_names[bump] : "?";
	if (v->scheme != RK_VERSION_SEMVER && v->scheme != RK_VERSION_PEP440)
		return bump_fail(err, v, what, "no version");
	switch (bump) {
	case RK_VERSION_BUMP_MAJOR:
	case RK_VERSION_BUMP_MINOR:
	case RK_VERSION_BUMP_PATCH: {
		size_t idx = (size_t)bump;
		bool pending = rk_version_is_prerelease(v) && zeros_after(v, idx);
		rk_version_copy(&tmp, v);
		clear_suffixes(&tmp);
		if (!pending && release_bump(&tmp, idx) < 0) {
			rk_version_release(&tmp);
			return bump_fail(err, v, what, "a number would exceed %" PRIu64,
					 UINT64_MAX);
		}
		return check_higher(v, &tmp, what, err);
	}
	case RK_VERSION_BUMP_ALPHA:
		return rk_version_bump_pre(v, RK_VERSION_BUMP_PATCH, RK_VERSION_PRE_ALPHA, err);
	case RK_VERSION_BUMP_BETA:
		return rk_version_bump_pre(v, RK_VERSION_BUMP_PATCH, RK_VERSION_PRE_BETA, err);
	case RK_VERSION_BUMP_RC:
		return rk_version_bump_pre(v, RK_VERSION_BUMP_PATCH, RK_VERSION_PRE_RC, err);
	case RK_VERSION_BUMP_DEV:
		return rk_version_bump_pre(v, RK_VERSION_BUMP_PATCH, RK_VERSION_PRE_DEV, err);
	case RK_VERSION_BUMP_POST:
		if (v->scheme != RK_VERSION_PEP440)
			return bump_fail(err, v, what, "SemVer has no post-releases");
		if (rk_version_is_prerelease(v))
			return bump_fail(err, v, what, "not a release");
		if (v->has_post && v->post == UINT64_MAX)
			return bump_fail(err, v, what, "a number would exceed %" PRIu64,
					 UINT64_MAX);
		rk_version_copy(&tmp, v);
		set_str(&tmp.meta, NULL);
		tmp.post = v->has_post ? v->post + 1 : 1;
		tmp.has_post = true;
		return check_higher(v, &tmp, what, err);
	case RK_VERSION_BUMP_RELEASE:
		if (!rk_version_is_prerelease(v))
			return bump_fail(err, v, what, "not a pre-release");
		rk_version_copy(&tmp, v);
		clear_suffixes(&tmp);
		return check_higher(v, &tmp, what, err);
	}
	return bump_fail(err, v, what, "unknown bump %d", (int)bump);
}

/* ------------------------------------------------------------------------ */
/* Channel versions */

int rk_version_set_prerelease(struct rk_version *v, const char *label, uint64_t number,
			      struct rk_err *err)
{
	int kind = 0;
	bool post = false;
	size_t len = label ? strlen(label) : 0;
	if (v->scheme != RK_VERSION_SEMVER && v->scheme != RK_VERSION_PEP440) {
		if (err)
			rk_err_set(err, NULL, 0, 0, "cannot set a pre-release label: no version");
		return -1;
	}
	if (len == 0) {
		if (err)
			rk_err_set(err, NULL, 0, 0, "empty pre-release label");
		return -1;
	}
	if (v->scheme == RK_VERSION_SEMVER) {
		struct rk_buf b = RK_BUF_INIT;
		struct rk_err e2;
		if (semver_idents(label, len, 0, len, true, "pre-release", &e2) < 0) {
			if (err) {
				quote(&b, label, len);
				rk_err_set(err, NULL, 0, 0,
					   "invalid SemVer pre-release label '%s': %s",
					   rk_buf_cstr(&b), strstr(e2.msg, "': ") + 3);
				rk_buf_release(&b);
			}
			return -1;
		}
		clear_suffixes(v);
		rk_buf_addf(&b, "%s.%" PRIu64, label, number);
		v->pre = rk_buf_detach(&b, NULL);
		semver_classify(v);
		return 0;
	}
	for (size_t k = 0; k < len; k++) {
		if (!is_digit(label[k]) && !is_alpha(label[k]) && !is_sep(label[k])) {
			if (err) {
				struct rk_buf b = RK_BUF_INIT;
				quote(&b, label, len);
				rk_err_set(
					err, NULL, 0, 0,
					"invalid PEP 440 pre-release label '%s': only letters, digits, '.', '-' and '_' are allowed",
					rk_buf_cstr(&b));
				rk_buf_release(&b);
			}
			return -1;
		}
	}
	for (size_t k = 0; k < RK_ARRAY_SIZE(pre_spellings); k++)
		if (len == strlen(pre_spellings[k].word) &&
		    starts_ci(label, len, 0, pre_spellings[k].word))
			kind = pre_spellings[k].kind;
	for (size_t k = 0; k < RK_ARRAY_SIZE(post_spellings); k++)
		if (len == strlen(post_spellings[k].word) &&
		    starts_ci(label, len, 0, post_spellings[k].word))
			post = true;
	clear_suffixes(v);
	if (kind) {
		v->pre_kind = (enum rk_version_pre)kind;
		v->pre_num = number;
	} else if (post) {
		v->has_post = true;
		v->post = number;
	} else {
		v->has_dev = true;
		v->dev = number;
	}
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Names */

const char *rk_version_scheme_name(enum rk_version_scheme scheme)
{
	switch (scheme) {
	case RK_VERSION_SEMVER:
		return "semver";
	case RK_VERSION_PEP440:
		return "pep440";
	default:
		return "none";
	}
}

int rk_version_scheme_parse(const char *name, enum rk_version_scheme *out)
{
	if (strcmp(name, "semver") == 0)
		*out = RK_VERSION_SEMVER;
	else if (strcmp(name, "pep440") == 0)
		*out = RK_VERSION_PEP440;
	else
		return -1;
	return 0;
}

int rk_version_scheme_for_ecosystem(const char *ecosystem, enum rk_version_scheme *out)
{
	if (strcmp(ecosystem, "python") == 0)
		*out = RK_VERSION_PEP440;
	else if (strcmp(ecosystem, "npm") == 0 || strcmp(ecosystem, "cargo") == 0)
		*out = RK_VERSION_SEMVER;
	else
		return -1;
	return 0;
}

const char *rk_version_bump_name(enum rk_version_bump bump)
{
	return (size_t)bump < RK_ARRAY_SIZE(bump_names) ? bump_names[bump] : "?";
}

int rk_version_bump_parse(const char *name, enum rk_version_bump *out)
{
	for (size_t k = 0; k < RK_ARRAY_SIZE(bump_names); k++) {
		if (strcmp(name, bump_names[k]) == 0) {
			*out = (enum rk_version_bump)k;
			return 0;
		}
	}
	return -1;
}
