/*
 * fuzz-manifest: rk-discover's reading of pyproject.toml, Cargo.toml and
 * package.json (the layer over rk_toml/rk_json: types, PEP 508 strings,
 * cargo dependency tables, workspaces). The first byte picks the reader
 * (mod 3); the rest is the file.
 */
#include "rk_common.h"
#include "rk_discover_int.h"

#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void drop(struct rk_dmanifest *m)
{
	rk_dpkg_free(m->pkg);
	rk_dws_free(m->ws);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	struct rk_dmanifest m;
	struct rk_err err = {0};
	FILE *fp;
	int r = 0;

	if (!size)
		return 0;
	if (!path[0])
		snprintf(path, sizeof(path), "/tmp/fuzz-manifest.%ld", (long)getpid());
	fp = fopen(path, "wb");
	if (!fp)
		abort();
	fwrite(data + 1, 1, size - 1, fp);
	fclose(fp);
	switch (data[0] % 3) {
	case 0:
		r = rk_dread_pyproject(path, "pyproject.toml", "a/b", &m, &err);
		break;
	case 1:
		r = rk_dread_cargo(path, "Cargo.toml", "a/b", &m, &err);
		break;
	case 2:
		r = rk_dread_package_json(path, "package.json", "a/b", &m, &err);
		break;
	}
	if (r < 0) {
		if (!err.msg[0] || strcmp(err.source, "") == 0)
			abort();
		return 0;
	}
	if (m.pkg && (!m.pkg->name || !m.pkg->norm || !*m.pkg->name))
		abort();
	drop(&m);
	return 0;
}
