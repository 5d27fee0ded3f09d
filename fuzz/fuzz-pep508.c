/* fuzz-pep508: PEP 508 requirement parsing and PEP 503 normalisation. */
#include "rk_common.h"
#include "rk_pep508.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = rk_xstrndup((const char *)data, size);
	struct rk_pep508 r;
	struct rk_err err = {0};
	char *n;

	if (rk_pep508_parse(&r, s, &err) == 0) {
		n = rk_pep503_normalize(r.name, strlen(r.name));
		if (!rk_pep508_valid_name(r.name, strlen(r.name)) || !*n)
			abort();
		free(n);
		rk_pep508_release(&r);
	} else if (err.col < 1 || (size_t)err.col > strlen(s) + 1) {
		abort();
	}
	n = rk_pep503_normalize(s, strlen(s));
	free(n);
	free(s);
	return 0;
}
