/* rk_tagfmt.c - release tag formats (see the header). */
#include "rk_common.h"
#include "rk_tagfmt.h"

#include <git2.h>

enum ph { PH_NAME, PH_LABEL, PH_ECO, PH_VERSION, PH_BAD };

static enum ph placeholder(const char *s, size_t n)
{
	if (n == 4 && memcmp(s, "name", 4) == 0)
		return PH_NAME;
	if (n == 5 && memcmp(s, "label", 5) == 0)
		return PH_LABEL;
	if (n == 9 && memcmp(s, "ecosystem", 9) == 0)
		return PH_ECO;
	if (n == 7 && memcmp(s, "version", 7) == 0)
		return PH_VERSION;
	return PH_BAD;
}

int rk_tagfmt_check(const char *fmt, struct rk_err *err)
{
	const char *p = fmt;
	int nversion = 0;
	struct rk_buf b = RK_BUF_INIT;
	int valid = 0;

	if (!*fmt)
		return rk_err_set(err, NULL, 0, 0, "bad tag_format '': empty");
	while (*p) {
		if (*p == '{') {
			const char *e = strchr(p + 1, '}');
			const char *o = strchr(p + 1, '{');

			if (!e || (o && o < e))
				return rk_err_set(err, NULL, 0, 0,
						  "bad tag_format '%s': unbalanced '{'", fmt);
			switch (placeholder(p + 1, (size_t)(e - p - 1))) {
			case PH_BAD:
				return rk_err_set(err, NULL, 0, 0,
						  "bad tag_format '%s': unknown placeholder '%.*s'",
						  fmt, (int)(e - p + 1), p);
			case PH_VERSION:
				nversion++;
				break;
			default:
				break;
			}
			p = e + 1;
		} else if (*p == '}') {
			return rk_err_set(err, NULL, 0, 0, "bad tag_format '%s': unbalanced '}'",
					  fmt);
		} else {
			p++;
		}
	}
	if (nversion != 1)
		return rk_err_set(err, NULL, 0, 0, "bad tag_format '%s': %s", fmt,
				  nversion ? "{version} appears more than once" : "no {version}");
	rk_buf_adds(&b, "refs/tags/");
	rk_tagfmt_expand(fmt, "pkg", NULL, "python", "1.2.3", &b);
	git_libgit2_init();
	if (git_reference_name_is_valid(&valid, b.data) < 0)
		valid = 0;
	git_libgit2_shutdown();
	if (!valid) {
		rk_buf_release(&b);
		return rk_err_set(err, NULL, 0, 0, "bad tag_format '%s': not a valid git tag name",
				  fmt);
	}
	rk_buf_release(&b);
	return 0;
}

static void expand(const char *fmt, const char *name, const char *label, const char *eco,
		   const char *version, struct rk_buf *pre, struct rk_buf *suf)
{
	struct rk_buf *out = pre;
	const char *p = fmt;

	while (*p) {
		const char *e;

		e = *p == '{' ? strchr(p + 1, '}') : NULL;
		if (!e) {
			rk_buf_addc(out, *p++);
			continue;
		}
		switch (placeholder(p + 1, (size_t)(e - p - 1))) {
		case PH_NAME:
			rk_buf_adds(out, name);
			break;
		case PH_LABEL:
			rk_buf_adds(out, label ? label : name);
			break;
		case PH_ECO:
			rk_buf_adds(out, eco);
			break;
		case PH_VERSION:
			if (version)
				rk_buf_adds(out, version);
			else
				out = suf;
			break;
		case PH_BAD:
			rk_buf_add(out, p, (size_t)(e - p + 1));
			break;
		}
		p = e + 1;
	}
}

void rk_tagfmt_split(const char *fmt, const char *name, const char *label, const char *ecosystem,
		     struct rk_buf *prefix, struct rk_buf *suffix)
{
	rk_buf_adds(prefix, "");
	rk_buf_adds(suffix, "");
	expand(fmt, name, label, ecosystem, NULL, prefix, suffix);
}

void rk_tagfmt_expand(const char *fmt, const char *name, const char *label, const char *ecosystem,
		      const char *version, struct rk_buf *out)
{
	rk_buf_adds(out, "");
	expand(fmt, name, label, ecosystem, version, out, out);
}
