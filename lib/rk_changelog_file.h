/*
 * rk_changelog_file.h - a release's section put into a CHANGELOG.md.
 *
 * The section text comes from rk_changelog_render() (rk_changelog.h):
 * "## [1.3.0] - 2026-11-26" and its "### Features" ... lists. It goes into
 * the file's pending content in an edit set (rk_backend.h), Keep a
 * Changelog style:
 *   - newest first: right under the title and its introduction, before the
 *     first release heading ("## "), or after an "## [Unreleased]" section;
 *   - one blank line around it; the file's line ends (LF or CRLF) kept and
 *     used for the inserted text; every other byte unchanged;
 *   - with a compare link, a reference "[1.3.0]: URL" goes with the other
 *     link references at the bottom, newest first (after "[unreleased]: "
 *     when there is one), or at the end of the file;
 *   - idempotent: when a heading for that version is already there
 *     ("## [1.3.0]", "## 1.3.0", "## v1.3.0", "## [1.3.0] - ..."), nothing
 *     changes (*changed false);
 *   - a missing file is created as "# Changelog", a blank line, the section.
 *
 * Compare links come from the remote's forge (rk_forge_recognise and
 * rk_forge_link in rk_forge.h: the public hosts, forge(name, host) in
 * RELEASE.star and a CI job's server, each in its own URL shapes).
 *
 * Errors: -1 with err set to one line naming the file (as rk_backend.h).
 */
#ifndef RK_CHANGELOG_FILE_H
#define RK_CHANGELOG_FILE_H

#include <stdbool.h>

#include "rk_backend.h"

struct rk_json;

/* Which forge a changelog's links are for: the remote's name (NULL:
 * origin) and the forge(...) config record (token cfg of d; d NULL or cfg
 * -1: none), as the release action gets them (rk_forge.h). */
struct rk_changelog_forge {
	const char *remote;
	const struct rk_json *d;
	int cfg;
};

/*
 * Insert section (for version) into path (relative to root) in ed; link is
 * the compare URL or NULL. *changed tells whether the content changed.
 */
int rk_changelog_file_insert(struct rk_edits *ed, const char *root, const char *path,
			     const char *version, const char *section, const char *link,
			     bool *changed, struct rk_err *err);

/*
 * The section of version in the changelog file at path (relative to the
 * current directory; NULL or unreadable: nothing): from its heading (as
 * above) to the next "## " heading, outside code fences, without the
 * trailing blank lines and link reference definitions ("[1.3.0]: URL",
 * the file's own, at its end); with a final newline, onto out.
 */
void rk_changelog_file_section(const char *path, const char *version, struct rk_buf *out);

/*
 * The same on text[0..len) (no NUL bytes; section starting "## "):
 * 1 with the new content appended to out, or 0 when a section for
 * version is already there (out untouched).
 */
int rk_changelog_text_insert(const char *text, size_t len, const char *version, const char *section,
			     const char *link, struct rk_buf *out);

/*
 * The whole step for an executor: the compare link (tag against prev_tag;
 * the tag's page when prev_tag is NULL) on the forge of fc's remote
 * (fc NULL: origin, no config record), none when tag is NULL or the
 * remote is no forge; then rk_changelog_file_insert.
 */
int rk_changelog_file_release(struct rk_edits *ed, const char *root, const char *path,
			      const char *version, const char *section, const char *prev_tag,
			      const char *tag, const struct rk_changelog_forge *fc, bool *changed,
			      struct rk_err *err);

#endif
