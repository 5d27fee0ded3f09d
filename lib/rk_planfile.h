/*
 * rk_planfile.h - version plan files (changeset-style Markdown).
 *
 *     ---
 *     "genkit": minor
 *     "@scope/web": patch
 *     npm:@scope/ui: major
 *     ---
 *
 *     Streaming responses for every model.
 *
 * The front matter opens with a line "---" (the first line of the file,
 * after a byte order mark if any) and closes with the next "---" line.
 * Each line in between is empty, a comment ("# ..."), or "PACKAGE: BUMP",
 * where PACKAGE is a name (optionally "ecosystem:name"), bare or in double
 * or single quotes, and BUMP one of major, minor, patch, none, optionally
 * followed by a YAML comment (" # ..."). The rest of the file, trimmed, is
 * the summary.
 *
 * rk_planfile_parse() fills a struct rk_planfile or returns -1 with err set
 * (err->source = source, err->line the offending line, col 0):
 *     expected '---' on the first line (front matter)
 *     front matter not closed by '---'
 *     expected 'PACKAGE: BUMP'
 *     empty package name
 *     unknown bump 'huge' (expected major, minor, patch or none)
 *     package 'x' listed twice
 */
#ifndef RK_PLANFILE_H
#define RK_PLANFILE_H

#include <stddef.h>

#include "rk_msg.h"

struct rk_planfile_entry {
	char *package; /* as written, quotes removed */
	char *bump;    /* "major", "minor", "patch" or "none" */
	long line;
};

struct rk_planfile {
	struct rk_planfile_entry *entries;
	size_t n, cap;
	char *summary; /* trimmed Markdown text after the front matter ("" when none) */
};

#define RK_PLANFILE_INIT                                                                           \
	{                                                                                          \
		0                                                                                  \
	}

int rk_planfile_parse(struct rk_planfile *pf, const char *text, size_t len, const char *source,
		      struct rk_err *err);
void rk_planfile_release(struct rk_planfile *pf);

#endif
