/*
 * fuzz-spec: version requirements (lib/rk_spec.c). Input: a byte choosing
 * the syntax and mode, then "SPEC\nVERSION". Invariant: a rewrite the
 * module returns admits the version it was made for.
 */
#include "rk_common.h"
#include "rk_spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum rk_spec_syntax syn;
	enum rk_spec_mode mode;
	struct rk_err err = {0};
	char *s, *nl, *out = NULL;

	if (size < 2)
		return 0;
	syn = (enum rk_spec_syntax)(data[0] % 3);
	mode = (enum rk_spec_mode)((data[0] / 3) % 4);
	s = rk_xstrndup((const char *)data + 1, size - 1);
	nl = strchr(s, '\n');
	if (nl) {
		*nl = '\0';
		(void)rk_spec_satisfies(syn, s, nl + 1, &err);
		if (rk_spec_rewrite(syn, s, nl + 1, mode, &out, &err) == 0 && out &&
		    rk_spec_satisfies(syn, out, nl + 1, &err) != 1)
			abort();
		free(out);
	}
	free(s);
	return 0;
}
