/*
 * fuzz-changelog-file: a section into any CHANGELOG.md text
 * (lib/rk_changelog_file.c). Invariants: inserting into the result again
 * changes nothing (idempotent), and the result holds the heading and a
 * link reference for the version (the one given, or one already there).
 */
#include "rk_common.h"
#include "rk_changelog_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char section[] = "## [1.3.0] - 2026-11-26\n\n### Features\n\n- x (abc1234)\n";
	static const char link[] = "https://github.com/a/b/compare/v1.2.0...v1.3.0";
	struct rk_buf out = RK_BUF_INIT, again = RK_BUF_INIT;

	if (memchr(data, '\0', size))
		return 0;
	if (rk_changelog_text_insert((const char *)data, size, "1.3.0", section, link, &out) == 1) {
		if (out.len <= size || !strstr(out.data, "## [1.3.0] - 2026-11-26") ||
		    !strstr(out.data, "[1.3.0]: "))
			abort();
		if (rk_changelog_text_insert(out.data, out.len, "1.3.0", section, link, &again) !=
		    0)
			abort();
	}
	rk_buf_release(&out);
	rk_buf_release(&again);
	return 0;
}
