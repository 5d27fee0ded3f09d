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
 * Compare links: rk_forge_parse_url() knows github.com, gitlab.com and
 * bitbucket.org remotes, in https, ssh and scp-like form (git@host:o/r.git);
 * rk_forge_from_origin() reads the repository's "origin" through libgit2.
 * rk_forge_compare_url() writes
 *   github     https://github.com/O/R/compare/PREV...TAG   (first release: /releases/tag/TAG)
 *   gitlab     https://gitlab.com/O/R/-/compare/PREV...TAG (first: /-/tags/TAG)
 *   bitbucket  https://bitbucket.org/O/R/branches/compare/TAG%0DPREV (first: /src/TAG)
 * Credentials in a remote URL are never copied into a link.
 *
 * Errors: -1 with err set to one line naming the file (as rk_backend.h).
 */
#ifndef RK_CHANGELOG_FILE_H
#define RK_CHANGELOG_FILE_H

#include <stdbool.h>

#include "rk_backend.h"

enum rk_forge {
	RK_FORGE_NONE = 0,
	RK_FORGE_GITHUB,
	RK_FORGE_GITLAB,
	RK_FORGE_BITBUCKET,
};

/* Parse a remote URL: *base is "https://host/owner/repo" (malloc'd) for a
 * known forge; RK_FORGE_NONE and *base NULL otherwise. */
enum rk_forge rk_forge_parse_url(const char *url, char **base);

/* The forge of root's "origin" remote (RK_FORGE_NONE when there is no
 * repository, no origin or an unknown host); *base as above. */
enum rk_forge rk_forge_from_origin(const char *root, char **base);

/* Append the compare (or, prev NULL, the tag) URL to out. */
void rk_forge_compare_url(enum rk_forge forge, const char *base, const char *prev_tag,
			  const char *tag, struct rk_buf *out);

/*
 * Insert section (for version) into path (relative to root) in ed; link is
 * the compare URL or NULL. *changed tells whether the content changed.
 */
int rk_changelog_file_insert(struct rk_edits *ed, const char *root, const char *path,
			     const char *version, const char *section, const char *link,
			     bool *changed, struct rk_err *err);

/*
 * The same on text[0..len) (no NUL bytes; section starting "## "):
 * 1 with the new content appended to out, or 0 when a section for
 * version is already there (out untouched).
 */
int rk_changelog_text_insert(const char *text, size_t len, const char *version, const char *section,
			     const char *link, struct rk_buf *out);

/*
 * The whole step for an executor: the compare link from root's origin
 * (tag and prev_tag; no link when tag is NULL or the forge is unknown),
 * then rk_changelog_file_insert.
 */
int rk_changelog_file_release(struct rk_edits *ed, const char *root, const char *path,
			      const char *version, const char *section, const char *prev_tag,
			      const char *tag, bool *changed, struct rk_err *err);

#endif
