/*
 * fuzz-planfile - libFuzzer target for lib/rk_planfile (changeset-style
 * plan files).
 *
 * Checks beyond "no crash": a parse either succeeds with entries whose
 * bump is one of major/minor/patch/none, names non-empty and unique, and
 * line numbers within the text; or fails with a line number >= 1 and a
 * message. A failed parse leaves nothing allocated.
 */
#include "rk_common.h"

#include "rk_planfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz-planfile: check failed: %s\n", what);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rk_planfile pf = RK_PLANFILE_INIT;
	struct rk_err err;
	long lines = 1;
	size_t i, j;

	for (i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (rk_planfile_parse(&pf, (const char *)data, size, "plan.md", &err) < 0) {
		check(err.line >= 1 && err.line <= lines, "error line within the text");
		check(err.msg[0] != '\0', "error has a message");
		check(pf.n == 0 && pf.entries == NULL && pf.summary == NULL, "failure frees");
		return 0;
	}
	check(pf.summary != NULL, "summary set");
	for (i = 0; i < pf.n; i++) {
		const char *b = pf.entries[i].bump;

		check(!strcmp(b, "major") || !strcmp(b, "minor") || !strcmp(b, "patch") ||
			      !strcmp(b, "none"),
		      "known bump");
		check(pf.entries[i].package[0] != '\0', "name not empty");
		check(pf.entries[i].line >= 2 && pf.entries[i].line <= lines, "entry line");
		for (j = 0; j < i; j++)
			check(strcmp(pf.entries[i].package, pf.entries[j].package) != 0, "unique");
	}
	rk_planfile_release(&pf);
	return 0;
}
