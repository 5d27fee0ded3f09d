/*
 * t-backend: drive lib/rk_backend (edit sets, backends, bump_file) and
 * lib/rk_spec from tests.
 *
 *   t-backend spec SYNTAX SPEC VERSION MODE    print the rewritten spec, or "=" when it stays
 *   t-backend satisfies SYNTAX SPEC VERSION    print "yes" or "no"
 *   t-backend ROOT [OPTION|OP]...              run ops on one edit set, in order
 *
 * SYNTAX: pep440 npm cargo. MODE: widen exact compat caret.
 * Options set the package for the ops after them:
 *   --eco E --manager M --name N --path P --manifest F --workspace W
 * Ops:
 *   read                     print the version (backend read_version)
 *   write V                  backend write_version
 *   dep DEP V MODE           backend set_dep_spec; print "changed" or "unchanged"
 *   bump-read FILE PATTERN   print the bump_file version
 *   bump-write FILE PATTERN V
 *   delete FILE              rk_edits_delete
 *   create FILE TEXT         rk_edits_get_new + rk_edits_set(TEXT)
 *   run-hook PROG            run PROG ROOT and wait (changes behind the edit set's back)
 *   changed                  print rk_edits_changed
 *   diff                     print rk_edits_diff
 *   apply                    rk_edits_write
 *   lock-cmd                 print the lockfile command: "cwd", "lockfile", then argv, one a line
 *   changelog FILE V SECTION-FILE LINK   rk_changelog_file_insert (LINK "-": none);
 *                            print "changed" or "unchanged"
 *   changelog-release FILE V SECTION-FILE PREV TAG   rk_changelog_file_release ("-": none)
 *   changelog-section FILE V print rk_changelog_file_section (FILE relative to ROOT)
 *   forge URL PREV TAG       print the compare URL (PREV "-": first release) or "none"
 *                            (rk_forge_recognise, rk_forge_link; a CI job's environment counts)
 *   forge-cfg URL PREV TAG FORGE-JSON  the same with a forge(...) record
 *   forge-origin PREV TAG    the same for ROOT's origin remote
 *   journal-record KEY       rk_journal_record of the edit set
 *   journal-restore KEY      print "restored N" or "no journal"
 *   journal-restore-all      print "journals N"
 * Errors: "t-backend: msg", exit 1 (3 for a bad spec); usage exits 2.
 */
#include "rk_common.h"

#include <sys/wait.h>
#include <unistd.h>

#include "rk_backend.h"
#include "rk_changelog_file.h"
#include "rk_forge.h"
#include "rk_forge_git.h"
#include "rk_journal.h"
#include "rk_spec.h"

static _Noreturn void usage(void)
{
	rk_die(RK_EXIT_USAGE, "usage: t-backend spec|satisfies ARGS | t-backend ROOT OPS...");
}

static enum rk_spec_syntax syntax(const char *s)
{
	if (!strcmp(s, "pep440"))
		return RK_SPEC_PEP440;
	if (!strcmp(s, "npm"))
		return RK_SPEC_NPM;
	if (!strcmp(s, "cargo"))
		return RK_SPEC_CARGO;
	usage();
}

static enum rk_spec_mode mode(const char *s)
{
	if (!strcmp(s, "widen"))
		return RK_SPEC_WIDEN;
	if (!strcmp(s, "exact"))
		return RK_SPEC_PIN_EXACT;
	if (!strcmp(s, "compat"))
		return RK_SPEC_PIN_COMPAT;
	if (!strcmp(s, "caret"))
		return RK_SPEC_PIN_CARET;
	usage();
}

static _Noreturn void fail(const struct rk_err *err, int code)
{
	char buf[RK_ERR_MAX + 64];

	rk_err_format(err, buf, sizeof(buf));
	rk_die(code, "%s", buf);
}

static const struct rk_backend *backend(const struct rk_be_pkg *p)
{
	const struct rk_backend *b = rk_backend_for(p->ecosystem);

	if (!b)
		rk_die(RK_EXIT_USAGE, "no backend for '%s'",
		       p->ecosystem ? p->ecosystem : "(none)");
	return b;
}

int main(int argc, char **argv)
{
	struct rk_err err = {0};
	struct rk_edits ed = RK_EDITS_INIT;
	struct rk_be_pkg p = {0};
	int i;

	rk_msg_init(argv[0]);
	if (argc < 2)
		usage();
	if (!strcmp(argv[1], "spec")) {
		char *out;

		if (argc != 6)
			usage();
		if (rk_spec_rewrite(syntax(argv[2]), argv[3], argv[4], mode(argv[5]), &out, &err) <
		    0)
			rk_die(RK_EXIT_INPUT, "%s", err.msg);
		printf("%s\n", out ? out : "=");
		free(out);
		return rk_finish(0);
	}
	if (!strcmp(argv[1], "satisfies")) {
		int rc;

		if (argc != 5)
			usage();
		rc = rk_spec_satisfies(syntax(argv[2]), argv[3], argv[4], &err);
		if (rc < 0)
			rk_die(RK_EXIT_INPUT, "%s", err.msg);
		printf("%s\n", rc ? "yes" : "no");
		return rk_finish(0);
	}
	p.root = argv[1];
	p.path = ".";
	for (i = 2; i < argc; i++) {
		const char *op = argv[i];
#define ARG() (i + 1 < argc ? argv[++i] : (usage(), ""))
		if (!strcmp(op, "--eco"))
			p.ecosystem = ARG();
		else if (!strcmp(op, "--manager"))
			p.manager = ARG();
		else if (!strcmp(op, "--name"))
			p.name = ARG();
		else if (!strcmp(op, "--path"))
			p.path = ARG();
		else if (!strcmp(op, "--manifest"))
			p.manifest = ARG();
		else if (!strcmp(op, "--workspace"))
			p.workspace = ARG();
		else if (!strcmp(op, "read")) {
			char *v;
			if (backend(&p)->read_version(&p, &ed, &v, &err) < 0)
				fail(&err, 1);
			printf("%s\n", v);
			free(v);
		} else if (!strcmp(op, "write")) {
			const char *v = ARG();
			if (backend(&p)->write_version(&p, v, &ed, &err) < 0)
				fail(&err, 1);
		} else if (!strcmp(op, "dep")) {
			const char *dep = ARG(), *v = ARG();
			enum rk_spec_mode m = mode(ARG());
			bool changed;
			if (backend(&p)->set_dep_spec(&p, dep, v, m, &ed, &changed, &err) < 0)
				fail(&err, 1);
			printf("%s\n", changed ? "changed" : "unchanged");
		} else if (!strcmp(op, "bump-read")) {
			const char *f = ARG(), *pat = ARG();
			char *v;
			if (rk_bump_file_read(&ed, p.root, f, pat, &v, &err) < 0)
				fail(&err, 1);
			printf("%s\n", v);
			free(v);
		} else if (!strcmp(op, "bump-write")) {
			const char *f = ARG(), *pat = ARG(), *v = ARG();
			if (rk_bump_file_write(&ed, p.root, f, pat, v, &err) < 0)
				fail(&err, 1);
		} else if (!strcmp(op, "delete")) {
			if (rk_edits_delete(&ed, p.root, ARG(), &err) < 0)
				fail(&err, 1);
		} else if (!strcmp(op, "create")) {
			const char *f = ARG(), *text = ARG();
			struct rk_edit *e = rk_edits_get_new(&ed, p.root, f, &err);
			if (!e)
				fail(&err, 1);
			rk_edits_set(e, text, strlen(text));
		} else if (!strcmp(op, "run-hook")) {
			const char *prog = ARG();
			pid_t pid = fork();
			int st;
			if (pid == 0) {
				execl(prog, prog, p.root, (char *)NULL);
				_exit(127);
			}
			if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) ||
			    WEXITSTATUS(st) != 0)
				rk_die(1, "%s failed", prog);
		} else if (!strcmp(op, "changed")) {
			printf("%zu\n", rk_edits_changed(&ed));
		} else if (!strcmp(op, "diff")) {
			struct rk_buf b = RK_BUF_INIT;
			rk_edits_diff(&ed, &b);
			fflush(stdout);
			rk_out(b.data ? b.data : "", b.len);
			rk_buf_release(&b);
		} else if (!strcmp(op, "apply")) {
			if (rk_edits_write(&ed, p.root, &err) < 0)
				fail(&err, 1);
		} else if (!strcmp(op, "lock-cmd")) {
			struct rk_be_cmd c = {0};
			if (backend(&p)->lock_cmd(&p, &c, &err) < 0)
				fail(&err, 1);
			printf("%s\n%s\n", c.cwd, c.lockfile);
			for (size_t k = 0; c.argv[k]; k++)
				printf("%s\n", c.argv[k]);
			rk_be_cmd_release(&c);
		} else if (!strcmp(op, "changelog")) {
			const char *f = ARG(), *v = ARG(), *sf = ARG(), *link = ARG();
			struct rk_buf sec = RK_BUF_INIT;
			bool changed;
			if (rk_buf_read_file(&sec, sf) < 0)
				rk_die(1, "%s: %s", sf, strerror(errno));
			rk_buf_add(&sec, "", 0);
			if (rk_changelog_file_insert(&ed, p.root, f, v, sec.data,
						     strcmp(link, "-") ? link : NULL, &changed,
						     &err) < 0)
				fail(&err, 1);
			rk_buf_release(&sec);
			printf("%s\n", changed ? "changed" : "unchanged");
		} else if (!strcmp(op, "changelog-release")) {
			const char *f = ARG(), *v = ARG(), *sf = ARG(), *prev = ARG(), *tag = ARG();
			struct rk_buf sec = RK_BUF_INIT;
			bool changed;
			if (rk_buf_read_file(&sec, sf) < 0)
				rk_die(1, "%s: %s", sf, strerror(errno));
			rk_buf_add(&sec, "", 0);
			if (rk_changelog_file_release(
				    &ed, p.root, f, v, sec.data, strcmp(prev, "-") ? prev : NULL,
				    strcmp(tag, "-") ? tag : NULL, NULL, &changed, &err) < 0)
				fail(&err, 1);
			rk_buf_release(&sec);
			printf("%s\n", changed ? "changed" : "unchanged");
		} else if (!strcmp(op, "changelog-section")) {
			const char *f = ARG(), *v = ARG();
			struct rk_buf b = RK_BUF_INIT, path = RK_BUF_INIT;
			rk_buf_addf(&path, "%s/%s", p.root, f);
			rk_changelog_file_section(path.data, v, &b);
			fputs(b.len ? b.data : "", stdout);
			rk_buf_release(&b);
			rk_buf_release(&path);
		} else if (!strcmp(op, "forge") || !strcmp(op, "forge-cfg") ||
			   !strcmp(op, "forge-origin")) {
			char *url = strcmp(op, "forge-origin")
					    ? rk_xstrdup(ARG())
					    : rk_forge_remote_url(p.root, "origin");
			const char *prev = ARG(), *tag = ARG();
			const char *cfg = !strcmp(op, "forge-cfg") ? ARG() : NULL;
			struct rk_json d = RK_JSON_INIT;
			struct rk_forge_where w;
			struct rk_buf b = RK_BUF_INIT;
			if (cfg && rk_json_parse(&d, cfg, strlen(cfg), "FORGE-JSON", 1, &err) < 0)
				fail(&err, 3);
			if (rk_forge_recognise(url, cfg ? &d : NULL, cfg ? 0 : -1, &w, &err) < 0)
				fail(&err, 1);
			rk_forge_link(&w, strcmp(prev, "-") ? prev : NULL, tag, &b);
			printf("%s\n", b.len ? b.data : "none");
			rk_buf_release(&b);
			rk_forge_where_free(&w);
			rk_json_release(&d);
			free(url);
		} else if (!strcmp(op, "journal-record")) {
			if (rk_journal_record(p.root, ARG(), &ed, &err) < 0)
				fail(&err, 1);
		} else if (!strcmp(op, "journal-restore")) {
			size_t n;
			bool found;
			if (rk_journal_restore(p.root, ARG(), &n, &found, &err) < 0)
				fail(&err, 1);
			if (found)
				printf("restored %zu\n", n);
			else
				printf("no journal\n");
		} else if (!strcmp(op, "journal-restore-all")) {
			size_t n;
			if (rk_journal_restore_all(p.root, &n, &err) < 0)
				fail(&err, 1);
			printf("journals %zu\n", n);
		} else {
			usage();
		}
		fflush(stdout);
	}
	rk_edits_release(&ed);
	return rk_finish(0);
}
