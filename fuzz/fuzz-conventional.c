/*
 * fuzz-conventional - libFuzzer target for lib/rk_conventional (commit
 * messages) and lib/rk_changelog (rendering what was parsed).
 *
 * Checks beyond "no crash": a conventional result has a lower-case type and
 * a non-empty subject; a revert id is 7+ lower-case hex digits; the
 * rendered changelog starts with its heading and ends in a newline.
 */
#include "rk_common.h"

#include <ctype.h>

#include "rk_changelog.h"
#include "rk_conventional.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz-conventional: check failed: %s\n", what);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rk_cc cc = RK_CC_INIT;
	struct rk_changelog_item it;
	struct rk_buf out = RK_BUF_INIT;
	char *msg = rk_xstrndup((const char *)data, size);
	size_t i;

	rk_cc_parse(&cc, msg, strlen(msg));
	check(cc.subject != NULL, "subject is set");
	if (cc.conventional) {
		check(cc.type && *cc.type, "conventional has a type");
		for (i = 0; cc.type[i]; i++)
			check(!isupper((unsigned char)cc.type[i]), "type is lower-case");
		check(cc.revert || *cc.subject, "conventional subject is not empty");
	}
	if (cc.revert_of) {
		check(strlen(cc.revert_of) >= 7, "revert id has 7+ digits");
		for (i = 0; cc.revert_of[i]; i++)
			check(isxdigit((unsigned char)cc.revert_of[i]) &&
				      !isupper((unsigned char)cc.revert_of[i]),
			      "revert id is lower-case hex");
	}
	check(cc.pr >= 0, "pr is not negative");
	memset(&it, 0, sizeof(it));
	it.type = cc.type;
	it.scope = cc.scope;
	it.text = cc.breaking_text ? cc.breaking_text : cc.subject;
	it.breaking = cc.breaking;
	it.id = "1234567";
	rk_changelog_render(&out, "1.2.3", "2026-11-26", &it, 1, NULL);
	check(!strncmp(out.data, "## [1.2.3] - 2026-11-26\n", 24), "heading first");
	check(out.data[out.len - 1] == '\n', "ends in a newline");
	rk_cc_parse(&cc, msg, strlen(msg)); /* reuse releases the old result */
	rk_cc_release(&cc);
	rk_buf_release(&out);
	free(msg);
	return 0;
}
