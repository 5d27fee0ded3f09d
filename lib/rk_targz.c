/* rk_targz.c - one member of a .tar.gz, in-process; see rk_targz.h. */
#include "rk_common.h"
#include "rk_targz.h"

#include <zlib.h>

/* An octal field (NUL/space ended), or GNU base-256 when the high bit is set. */
static bool num_field(const unsigned char *f, size_t w, unsigned long long *v)
{
	size_t i = 0;

	*v = 0;
	if (f[0] & 0x80) {
		*v = f[0] & 0x7f;
		for (i = 1; i < w; i++) {
			if (*v >> 55)
				return false;
			*v = (*v << 8) | f[i];
		}
		return true;
	}
	while (i < w && f[i] == ' ')
		i++;
	for (; i < w && f[i] >= '0' && f[i] <= '7'; i++) {
		if (*v >> 60)
			return false;
		*v = *v * 8 + (unsigned)(f[i] - '0');
	}
	return i == w || f[i] == 0 || f[i] == ' ';
}

/* path= of a pax extended header's records ("LEN key=value\n"...) */
static void pax_path(const struct rk_buf *b, struct rk_buf *path)
{
	size_t i = 0;

	while (i < b->len) {
		size_t len = 0, j = i;

		while (j < b->len && b->data[j] >= '0' && b->data[j] <= '9')
			len = len * 10 + (size_t)(b->data[j++] - '0');
		if (!len || i + len > b->len || j >= b->len || b->data[j] != ' ')
			return;
		j++;
		if (i + len - j > 5 && !memcmp(b->data + j, "path=", 5)) {
			rk_buf_reset(path);
			rk_buf_add(path, b->data + j + 5, i + len - j - 5 - 1);
		}
		i += len;
	}
}

static int read_full(gzFile z, void *p, size_t n)
{
	int r = gzread(z, p, (unsigned)n);

	return r == (int)n ? 0 : -1;
}

/* Read past n bytes in small pieces: a member that is not asked for costs no memory. */
static int skip_full(gzFile z, unsigned long long n)
{
	unsigned char buf[16384];

	while (n) {
		size_t k = n < sizeof(buf) ? (size_t)n : sizeof(buf);

		if (read_full(z, buf, k) != 0)
			return -1;
		n -= k;
	}
	return 0;
}

/* The most a member that is read into memory (a long name, a pax header, the asked-for member) may hold. */
#define RK_TARGZ_MEMBER_MAX ((unsigned long long)64 << 20)

int rk_targz_member(const char *archive, const char *member, struct rk_buf *out, struct rk_err *err)
{
	gzFile z = gzopen(archive, "rb");
	unsigned char h[512];
	struct rk_buf name = RK_BUF_INIT, next = RK_BUF_INIT, data = RK_BUF_INIT;
	bool found = false, have_next = false;
	int rc = -1, zeros = 0;

	rk_buf_reset(out);
	if (!z)
		return rk_err_set(err, NULL, 0, 0, "%s: %s", archive,
				  strerror(errno ? errno : EIO));
	for (;;) {
		unsigned long long size;
		size_t pad;
		char type;
		bool zero = true;

		int got = gzread(z, h, sizeof(h)), zerr = Z_OK;

		if (got != (int)sizeof(h)) {
			/* an archive may end without its two zero blocks, but not
			 * inside a block or inside the gzip stream */
			gzerror(z, &zerr);
			rc = got == 0 && gzeof(z) && zerr == Z_OK ? 0 : -1;
			break;
		}
		for (size_t i = 0; i < sizeof(h) && zero; i++)
			zero = h[i] == 0;
		if (zero) {
			if (++zeros == 2) {
				rc = 0;
				break;
			}
			continue;
		}
		zeros = 0;
		if (!num_field(h + 124, 12, &size) || size > ((unsigned long long)1 << 40))
			break;
		type = (char)h[156];
		rk_buf_reset(&name);
		if (have_next) {
			rk_buf_add(&name, next.data, next.len);
			have_next = false;
		} else {
			if (!memcmp(h + 257, "ustar", 5) && h[345])
				rk_buf_addf(&name, "%.155s/", (const char *)h + 345);
			rk_buf_addf(&name, "%.100s", (const char *)h);
		}
		pad = (size_t)((512 - size % 512) % 512);
		rk_buf_reset(&data);
		if (type != 'L' && type != 'x' && strcmp(name.data, member) != 0) {
			if (skip_full(z, size + pad) != 0)
				break;
			continue;
		}
		if (size > RK_TARGZ_MEMBER_MAX)
			break;
		rk_buf_grow(&data, (size_t)size + 1);
		if (size && read_full(z, data.data, (size_t)size) != 0)
			break;
		data.len = (size_t)size;
		if (pad && read_full(z, h, pad) != 0)
			break;
		if (type == 'L') { /* GNU long name of the next entry */
			rk_buf_reset(&next);
			rk_buf_add(&next, data.data, strnlen(data.data, data.len));
			have_next = true;
		} else if (type == 'x') {
			rk_buf_reset(&next);
			pax_path(&data, &next);
			have_next = next.len > 0;
		} else if ((type == '0' || type == 0 || type == '7') &&
			   !strcmp(name.data, member)) {
			rk_buf_add(out, data.data ? data.data : "", data.len);
			found = true;
		}
	}
	gzclose(z);
	if (rc != 0)
		rk_err_set(err, NULL, 0, 0, "%s: not a gzip-compressed tar archive, or cut short",
			   archive);
	else if (!found)
		rc = rk_err_set(err, NULL, 0, 0, "%s: no member '%s' in the archive", archive,
				member);
	rk_buf_release(&name);
	rk_buf_release(&next);
	rk_buf_release(&data);
	return rc;
}
