/*
 * fuzz-restore: cache restore of hostile action-cache entries (local or
 * from a remote cache). The input is an AC entry; every output it names is
 * restored into a scratch repository with rk_cache_restore_beneath (each
 * digest pointed at one blob that is in the cache, so the write really
 * happens). Nothing may be created outside the repository: the directory
 * around it must hold only the repository and the cache afterwards. The
 * repository holds a symbolic link to outside and a FIFO, to be refused.
 */
#define _XOPEN_SOURCE 700 /* nftw */
#include "rk_common.h"
#include "rk_beneath.h"
#include "rk_cache.h"

#include <dirent.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static char top[64];
static struct rk_buf repo, outside;
static struct rk_cache cache;
static char hex[RK_SHA256_HEX];

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(p);
}

static void setup(void)
{
	struct rk_buf p = RK_BUF_INIT;

	snprintf(top, sizeof(top), "/tmp/fuzz-restore.XXXXXX");
	if (!mkdtemp(top))
		abort();
	rk_buf_addf(&p, "%s/cache", top);
	if (rk_cache_open(&cache, p.data) != 0 || rk_cache_put_blob(&cache, "x", 1, hex) != 0)
		abort();
	rk_buf_addf(&repo, "%s/repo", top);
	rk_buf_addf(&outside, "%s/outside", top);
	rk_buf_release(&p);
}

static void fresh_repo(void)
{
	struct rk_buf p = RK_BUF_INIT;

	nftw(repo.data, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	nftw(outside.data, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	if (mkdir(repo.data, 0755) != 0 || mkdir(outside.data, 0755) != 0)
		abort();
	rk_buf_addf(&p, "%s/link", repo.data);
	if (symlink(outside.data, p.data) != 0)
		abort();
	rk_buf_reset(&p);
	rk_buf_addf(&p, "%s/fifo", repo.data);
	if (mkfifo(p.data, 0644) != 0)
		abort();
	rk_buf_release(&p);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct rk_ac_result r;
	DIR *d;
	struct dirent *de;
	size_t i;

	if (!top[0])
		setup();
	if (rk_ac_decode(data, size, &r) != 0)
		return 0;
	fresh_repo();
	for (i = 0; i < r.nfiles && i < 16; i++)
		(void)rk_cache_restore_beneath(&cache, hex, repo.data, r.files[i].path,
					       r.files[i].executable);
	rk_ac_result_release(&r);
	/* nothing outside: top holds cache, repo, outside (empty) */
	d = opendir(top);
	if (!d)
		abort();
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
		    strcmp(de->d_name, "cache") && strcmp(de->d_name, "repo") &&
		    strcmp(de->d_name, "outside"))
			abort();
	closedir(d);
	d = opendir(outside.data);
	if (!d)
		abort();
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			abort();
	closedir(d);
	if (!rk_is_dir(repo.data))
		abort();
	return 0;
}
