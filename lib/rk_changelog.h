/*
 * rk_changelog.h - the changelog section of one release, as Markdown.
 *
 *     ## [1.3.0] - 2026-11-26
 *
 *     ### Breaking Changes
 *
 *     - **api:** the v1 client is gone (abc1234)
 *
 *     ### Features
 *
 *     - Streaming for every model.
 *     - **core:** stream responses (#42) (def5678)
 *
 *     ### Dependencies
 *
 *     - genkit 0.6.0
 *
 * Sections, in order: Breaking Changes, Features (feat), Bug Fixes (fix),
 * Performance (perf), Reverts (revert), Documentation (docs), Refactoring
 * (refactor), Build System (build), Continuous Integration (ci), Tests
 * (test), Styles (style), Chores (chore), Other Changes (any other type),
 * Dependencies. Empty sections are left out; a release with nothing to
 * show gets the line "No notable changes.". Within a section: plan file
 * summaries first, then commits newest first. A breaking commit goes to
 * Breaking Changes only (rk-plan: one item per BREAKING CHANGE footer,
 * "subject: footer text"; its subject when it has none), even when
 * its type is excluded; other commits of an excluded type are left out.
 * The scope is bold, the commit id is the short (7 character) id, and a
 * PR reference "(#N)" stays as the subject wrote it. Plan summaries of
 * major go to Breaking Changes, minor to Features, patch to Bug Fixes,
 * none to Other Changes; their lines after the first are indented to stay
 * in the list item. Headings follow Keep a Changelog ("## [version] -
 * date"), so sections can be put newest first into a CHANGELOG.md.
 */
#ifndef RK_CHANGELOG_H
#define RK_CHANGELOG_H

#include <stdbool.h>
#include <stddef.h>

#include "rk_buf.h"

struct rk_changelog_item {
	const char *type;  /* conventional type; NULL for plan files and dependencies */
	const char *scope; /* or NULL */
	const char *text;  /* subject, breaking note, plan summary, or "name version" */
	const char *id;	   /* short commit id, or NULL */
	bool breaking;
	const char *plan_bump; /* plan files: major, minor, patch, none; else NULL */
	bool dependency;
};

/*
 * Append the section for version (released on date "YYYY-MM-DD") to out.
 * exclude: NULL-terminated list of excluded types (NULL: the defaults
 * chore, ci, style, test, build).
 */
void rk_changelog_render(struct rk_buf *out, const char *version, const char *date,
			 const struct rk_changelog_item *items, size_t n,
			 const char *const *exclude);

/* The default excluded types. */
extern const char *const rk_changelog_default_exclude[];

#endif
