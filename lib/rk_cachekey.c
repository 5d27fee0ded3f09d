/* rk_cachekey.c - an action's cache key (rk_cachekey.h). */
#include "rk_common.h"
#include "rk_cachekey.h"
#include "rk_json.h"
#include "rk_sort.h"

int rk_cachekey(const char *json, size_t len, char key[RK_SHA256_HEX], struct rk_err *err)
{
	struct rk_json d = RK_JSON_INIT;
	struct rk_buf canon = RK_BUF_INIT;

	if (rk_json_parse(&d, json, len, "<key>", 1, err) < 0) {
		rk_json_release(&d);
		return -1;
	}
	rk_json_canonical(&d, 0, &canon);
	rk_sha256_buf(canon.data, canon.len, key);
	rk_json_release(&d);
	rk_buf_release(&canon);
	return 0;
}

void rk_cachekey_manifest(const char *manifest, size_t len, char **lines, size_t n,
			  char hex[RK_SHA256_HEX])
{
	struct rk_buf b = RK_BUF_INIT;

	if (manifest && len)
		rk_buf_add(&b, manifest, len);
	rk_buf_addc(&b, '\0');
	qsort(lines, n, sizeof(char *), rk_strcmp_ptr);
	for (size_t i = 0; i < n; i++)
		rk_buf_adds(&b, lines[i]);
	rk_sha256_buf(b.data, b.len, hex);
	rk_buf_release(&b);
}
