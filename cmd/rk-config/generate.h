/*
 * cmd/rk-config/generate.h - `releasekit generate` (rk-config --generate),
 * rk-config's own body: write a RELEASE.star for the package records of
 * rk-discover (Gazelle style). The existing file's region and directives
 * are read by lib/rk_cfggen.h.
 *
 * rk_gen_run() reads package records (kind "package"; other kinds are
 * ignored) from stdin and writes a RELEASE.star: one workspace rule per
 * (manager, workspace root), one package rule per package, and one
 * release_group per inferred group, plus a release_train naming them.
 * Groups follow workspaces and directories, as a maintainer would choose
 * them: the package's parent directory (group "py-plugins" for
 * py/plugins/x; "root" for the top), never its dependency level. A
 * workspace rule written by hand outside the generated region (same rule,
 * same root) is not generated again.
 *
 * Everything generated sits between the lines
 *     # releasekit:generate begin
 *     # releasekit:generate end
 * With update set, DIR/FILE is read, only that region is replaced (or
 * appended when absent) and the file rewritten atomically; everything
 * outside it is kept byte for byte. Directives in comments, anywhere in
 * the file:
 *     # releasekit:generate ignore [NAME]      do not generate NAME
 *     # releasekit:generate group=GROUP [NAME] put NAME in GROUP
 * Without NAME a directive applies to the package rule call on the next
 * non-comment line. A package declared by a package rule outside the
 * generated region is not generated again (it is managed by hand).
 *
 * Returns an exit code: 0, RK_EXIT_INPUT on a malformed record or file
 * (message printed), RK_EXIT_FAIL when the file cannot be written.
 */
#ifndef RK_CONFIG_GENERATE_H
#define RK_CONFIG_GENERATE_H

enum rk_gen_group_by {
	RK_GEN_BY_DIR,
};

struct rk_gen_opts {
	const char *root; /* workspace root */
	const char *file; /* file name, "RELEASE.star" */
	int update;	  /* rewrite root/file in place */
	enum rk_gen_group_by group_by;
};

int rk_gen_run(const struct rk_gen_opts *o);

#endif
