/*
 * rk_cfggen.h - what `releasekit generate` (cmd/rk-config/generate.c)
 * reads in an existing RELEASE.star: the generated region between
 *     # releasekit:generate begin
 *     # releasekit:generate end
 * and the directives in comments, anywhere in the file:
 *     # releasekit:generate ignore [NAME]      do not generate NAME
 *     # releasekit:generate group=GROUP [NAME] put NAME in GROUP
 * Without NAME a directive applies to the package rule call on the next
 * non-comment line. Outside the region it also notes what is written by
 * hand: package rules (by name), release_group names, a release_train
 * call, and workspace rules (rule and root), which the generator then
 * leaves out.
 *
 * Pure text functions: errors come back in struct rk_err (source = the
 * file name given, line and column); nothing is printed, nothing exits.
 */
#ifndef RK_CFGGEN_H
#define RK_CFGGEN_H

#include <stddef.h>

#include "rk_msg.h"

#define RK_GEN_BEGIN "# releasekit:generate begin"
#define RK_GEN_END "# releasekit:generate end"
#define RK_GEN_DIRECTIVE "# releasekit:generate "

struct rk_gen_directive {
	int ignore;
	char *group; /* group=NAME */
	char *name;  /* the package, NULL until resolved */
	int in_region;
};

/* The directives and hand-written declarations of a file; all owned. */
struct rk_gen_directives {
	struct rk_gen_directive *v;
	size_t n, cap;
	char **manual; /* package names declared by hand outside the region */
	size_t nmanual, mancap;
	int manual_train; /* a release_train( call outside the region */
	char **groups;	  /* release_group names declared outside the region */
	size_t ngroups, grpcap;
	char **wsroots; /* "<prefix>_workspace\0<root>" rules written outside the region */
	size_t nwsroots, wscap;
};

/*
 * The directives of a RELEASE.star text (also driven by the fuzz target
 * fuzz-gen-directives). Returns a new struct (free with
 * rk_gen_directives_free), or NULL with err set for a malformed directive.
 */
struct rk_gen_directives *rk_gen_directives_parse(const char *text, size_t len, const char *source,
						  struct rk_err *err);
void rk_gen_directives_free(struct rk_gen_directives *d);

/*
 * The generated region of text: [*b, *e) runs from the begin marker's line
 * to just after the end marker's line. Returns 1 when found, 0 when text
 * has no begin marker, -1 with err (source, the begin marker's line) when
 * a begin marker has no end marker.
 */
int rk_gen_region(const char *text, size_t len, const char *source, size_t *b, size_t *e,
		  struct rk_err *err);

#endif
