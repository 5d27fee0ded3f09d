/* upload.c: write-behind to the remote cache; the scratch directory */
#include "rk_common.h"
#include "exec.h"

/* ---- write-behind ---- */

void ex_upload_one(struct rk_sched *s, const char *key)
{
	struct rk_buf b = RK_BUF_INIT, blob = RK_BUF_INIT;
	struct rk_ac_result r;
	size_t i;

	/* the CAS holds masked logs only: what is uploaded is masked */
	if (rk_cache_get_ac(s->o.cache, key, &b) != 1 ||
	    rk_ac_decode(b.data ? b.data : "", b.len, &r) != 0) {
		rk_buf_release(&b);
		return;
	}
	for (i = 0; i < 2 + r.nfiles && !s->remote.disabled; i++) {
		const char *hex = i == 0   ? (r.stdout_size ? r.stdout_digest : NULL)
				  : i == 1 ? (r.stderr_size ? r.stderr_digest : NULL)
					   : r.files[i - 2].digest;
		if (!hex || rk_remote_head(&s->remote, "cas", hex) != 0)
			continue;
		rk_cache_cas_path(s->o.cache, hex, &blob);
		if (rk_cache_check_blob(s->o.cache, hex) == 1) /* streamed, not read whole */
			rk_remote_put_file(&s->remote, "cas", hex, blob.data);
		rk_buf_reset(&blob);
	}
	if (!s->remote.disabled)
		rk_remote_put(&s->remote, "ac", key, b.data ? b.data : "", b.len);
	rk_ac_result_release(&r);
	rk_buf_release(&b);
	rk_buf_release(&blob);
}

/* Remove a directory holding only files (the run's scratch directory). */
void ex_remove_flat_dir(const char *dir)
{
	struct rk_buf p = RK_BUF_INIT;
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		rk_buf_reset(&p);
		rk_buf_addf(&p, "%s/%s", dir, de->d_name);
		unlink(p.data);
	}
	closedir(d);
	rmdir(dir);
	rk_buf_release(&p);
}
