/* fuzz-glob: workspace member globs; input is "pattern\npath". */
#include "rk_common.h"
#include "rk_glob.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = rk_xstrndup((const char *)data, size);
	char *nl = strchr(s, '\n');
	const char *path = "";

	if (nl) {
		*nl = '\0';
		path = nl + 1;
	}
	(void)rk_glob_match(s, path);
	(void)rk_glob_has_magic(s);
	/* a path without magic matches itself */
	if (!rk_glob_has_magic(path) && !rk_glob_match(path, path))
		abort();
	if (rk_path_normalize(s) == 0 && strstr(s, "//"))
		abort();
	free(s);
	return 0;
}
