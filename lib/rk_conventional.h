/*
 * rk_conventional.h - Conventional Commits 1.0 messages.
 *
 * rk_cc_parse() reads one commit message (header line, optional body and
 * footers) and fills a struct rk_cc:
 *
 *   header   type(scope)!: description     type: letters, digits, '-', '_'
 *            (case-insensitive, stored lower-case); scope optional and
 *            non-empty; '!' marks a breaking change; ": " required; the
 *            description non-empty.
 *   footers  lines "BREAKING CHANGE: text" or "BREAKING-CHANGE: text"
 *            (exactly that case, at the start of a line after the header)
 *            mark a breaking change; the text runs on over the following
 *            lines up to the next footer token ("Token: " / "Token #") or
 *            the end. "Refs: <hex>" names a reverted commit for revert:
 *            commits; it may list several ids, separated by commas or blanks.
 *   reverts  git's own 'Revert "<header>"' messages and "revert:" commits
 *            are reverts; the reverted commit is the hex id after "This
 *            reverts commit " in the body, or a "Refs:" footer.
 *   PR       a description ending in "(#123)" gives pr 123.
 *
 * A message whose header does not match (and is not a git revert) is not
 * conventional: cc->conventional is false and only the subject is set.
 *
 * OWNERSHIP. The struct owns its strings; rk_cc_release() frees them.
 * Parsing never fails (every input yields a result); it is total over any
 * bytes, including NUL-free invalid UTF-8.
 */
#ifndef RK_CONVENTIONAL_H
#define RK_CONVENTIONAL_H

#include <stdbool.h>
#include <stddef.h>

struct rk_cc {
	bool conventional; /* the header matched type(scope)!: description */
	char *type;	   /* lower-case type; "revert" for git reverts; NULL if not conventional */
	char *scope;	   /* NULL when none */
	bool breaking;	   /* '!' or a BREAKING CHANGE footer */
	char *breaking_text; /* the footer's text, NULL when only '!' */
	char *subject;	     /* the description (conventional) or the whole header line */
	long pr;	     /* PR number from "(#N)" at the end of the subject; 0 when none */
	bool revert;	     /* a revert commit */
	char *revert_of;     /* hex id (prefix, >= 7 chars) of the reverted commit, or NULL */
	char **revert_ids; /* every reverted id: "Refs: a, b" lists several; revert_of is the first */
	size_t nrevert_ids;
	char *revert_header;   /* the reverted commit's header when the message states it
			      * ('Revert "<header>"', or "revert: <header>"), else NULL */
	char **breaking_texts; /* every BREAKING CHANGE footer's text; breaking_text is the first */
	size_t nbreaking_texts;
};

#define RK_CC_INIT                                                                                 \
	{                                                                                          \
		0                                                                                  \
	}

/* Parse msg[0..len); cc's previous contents are released first. */
void rk_cc_parse(struct rk_cc *cc, const char *msg, size_t len);
void rk_cc_release(struct rk_cc *cc);

#endif
