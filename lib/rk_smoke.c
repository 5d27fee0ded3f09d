/* rk_smoke.c - install a released version and check it loads (see rk_smoke.h). */
#define _XOPEN_SOURCE 700 /* nftw */
#include "rk_common.h"

#include <ctype.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rk_proc.h"
#include "rk_smoke.h"
#include "rk_backend.h"

extern char **environ;

struct rk_smoke_run {
	const struct rk_smoke_opts *o;
	struct rk_smoke_result *res;
	long long deadline;
	char **env;
	size_t nenv, capenv;
	int step;
};

static void env_set(struct rk_smoke_run *s, const char *name, const char *val)
{
	struct rk_buf b = RK_BUF_INIT;
	size_t i, l = strlen(name);

	rk_buf_addf(&b, "%s=%s", name, val);
	for (i = 0; i < s->nenv; i++)
		if (!strncmp(s->env[i], name, l) && s->env[i][l] == '=') {
			free(s->env[i]);
			s->env[i] = rk_buf_detach(&b, NULL);
			return;
		}
	RK_GROW(s->env, s->capenv, s->nenv + 2);
	s->env[s->nenv++] = rk_buf_detach(&b, NULL);
	s->env[s->nenv] = NULL;
}

static void env_init(struct rk_smoke_run *s)
{
	char **e;

	for (e = environ; *e; e++) {
		RK_GROW(s->env, s->capenv, s->nenv + 2);
		s->env[s->nenv++] = rk_xstrdup(*e);
	}
	RK_GROW(s->env, s->capenv, s->nenv + 1);
	s->env[s->nenv] = NULL;
}

/* The last lines of a log, joined with " | ", at most ~700 bytes. */
static void log_tail(const char *path, char *out, size_t outlen)
{
	struct rk_buf b = RK_BUF_INIT;
	size_t end, start, lines = 0;
	char *p;

	out[0] = '\0';
	if (rk_buf_read_file(&b, path) < 0 || !b.len) {
		rk_buf_release(&b);
		return;
	}
	end = b.len;
	while (end && (b.data[end - 1] == '\n' || b.data[end - 1] == '\r'))
		end--;
	start = end;
	while (start && lines < 6 && end - start < 700) {
		start--;
		if (b.data[start] == '\n')
			lines++;
	}
	if (b.data[start] == '\n')
		start++;
	b.data[end] = '\0';
	for (p = b.data + start; *p; p++)
		if (*p == '\n')
			*p = '|';
	snprintf(out, outlen, "%s", b.data + start);
	rk_buf_release(&b);
}

/* Run one step; 0 when it succeeded, else -1 with the reason set. */
static int step(struct rk_smoke_run *s, const char *what, const char *const argv[], const char *cwd)
{
	struct rk_proc_opts po = {0};
	struct rk_proc_result pr;
	struct rk_buf log = RK_BUF_INIT;
	long long left = s->deadline - rk_now_ms();
	char tail[800], desc[128];

	if (left <= 0) {
		snprintf(s->res->reason, sizeof(s->res->reason), "%s: the smoke test timed out",
			 what);
		return -1;
	}
	rk_buf_addf(&log, "%s/step%d.log", s->res->dir, ++s->step);
	po.argv = (char *const *)argv;
	po.env = s->env;
	po.cwd = cwd ? cwd : s->res->dir;
	po.stdout_path = log.data;
	po.stderr_path = log.data;
	po.timeout_s = (double)left / 1000.0;
	if (rk_proc_run(&po, &pr) < 0) {
		snprintf(s->res->reason, sizeof(s->res->reason), "%s: cannot run %s: %s", what,
			 argv[0], strerror(errno));
		rk_buf_release(&log);
		return -1;
	}
	if (pr.exited && pr.code == 0) {
		rk_buf_release(&log);
		return 0;
	}
	rk_proc_describe(&pr, desc, sizeof(desc));
	log_tail(log.data, tail, sizeof(tail));
	snprintf(s->res->reason, sizeof(s->res->reason), "%s: %s%s%s", what, desc,
		 *tail ? ": " : "", tail);
	rk_buf_release(&log);
	return -1;
}

static int write_file(struct rk_smoke_run *s, const char *rel, const char *text, struct rk_err *err)
{
	struct rk_buf p = RK_BUF_INIT;
	int rc = 0;

	rk_buf_addf(&p, "%s/%s", s->res->dir, rel);
	if (rk_write_file_atomic(p.data, text, strlen(text), 0644) < 0)
		rc = rk_err_set(err, p.data, 0, 0, "cannot write: %s", strerror(errno));
	rk_buf_release(&p);
	return rc;
}

static const char py_check[] =
	"import importlib, importlib.metadata as md, sys\n"
	"name = sys.argv[1]\n"
	"mods = sys.argv[2:]\n"
	"if not mods:\n"
	"    d = md.distribution(name)\n"
	"    tl = d.read_text('top_level.txt')\n"
	"    if tl:\n"
	"        mods = tl.split()\n"
	"    else:\n"
	"        seen = set()\n"
	"        for f in d.files or []:\n"
	"            top = f.parts[0]\n"
	"            if top in ('..', '__pycache__') or top.endswith(('.dist-info', '.data', '.pth')):\n"
	"                continue\n"
	"            if len(f.parts) == 1:\n"
	"                if not top.endswith('.py'):\n"
	"                    continue\n"
	"                top = top[:-3]\n"
	"            seen.add(top)\n"
	"        mods = sorted(seen)\n"
	"if not mods:\n"
	"    sys.exit('%s: no top-level module to import' % name)\n"
	"for m in mods:\n"
	"    importlib.import_module(m)\n"
	"    print('imported', m)\n";

static const char node_check[] =
	"const n = process.argv[1];\n"
	"const fail = (e) => {\n"
	"  console.error(e && e.stack ? e.stack.split('\\n').slice(1, 4).join('\\n') : '');\n"
	"  console.error((e && e.code ? e.code + ': ' : '') + (e && e.message ? e.message : e));\n"
	"  process.exit(1);\n"
	"};\n"
	"try { require(n); console.log('required', n); }\n"
	"catch (e) {\n"
	"  if (e && (e.code === 'ERR_REQUIRE_ESM' || e.code === 'ERR_PACKAGE_PATH_NOT_EXPORTED'))\n"
	"    import(n).then(() => console.log('imported', n), fail);\n"
	"  else fail(e);\n"
	"}\n";

int rk_smoke_uv(struct rk_smoke_run *s, const char *name, const char *version, struct rk_err *err)
{
	const struct rk_smoke_opts *o = s->o;
	struct rk_buf venv = RK_BUF_INIT, py = RK_BUF_INIT, req = RK_BUF_INIT;
	int rc = -1;

	rk_buf_addf(&venv, "%s/venv", s->res->dir);
	rk_buf_addf(&py, "%s/bin/python", venv.data);
	rk_buf_addf(&req, "%s==%s", name, version);
	{
		const char *argv[] = {"uv", "venv", "--quiet", venv.data, NULL};
		if (step(s, "uv venv", argv, NULL) < 0)
			goto out;
	}
	{
		const char *argv[] = {
			"uv",	       "pip",	"install",	     "--quiet", "--python", py.data,
			"--index-url", o->pypi, "--refresh-package", name,	req.data,   NULL};
		if (step(s, "uv pip install", argv, NULL) < 0)
			goto out;
	}
	if (o->command) {
		const char *argv[] = {"/bin/sh", "-c", o->command, NULL};
		const char *path = getenv("PATH");
		struct rk_buf pb = RK_BUF_INIT;

		/* the command runs in the venv, as if activated */
		rk_buf_addf(&pb, "%s/bin:%s", venv.data, path ? path : "/usr/bin:/bin");
		env_set(s, "PATH", pb.data);
		env_set(s, "VIRTUAL_ENV", venv.data);
		rk_buf_release(&pb);
		rc = step(s, "smoke_test command", argv, NULL);
	} else {
		const char *argv[] = {py.data, "-c", py_check, name, o->module, NULL};
		rc = step(s, o->module ? "import" : "import (top-level modules)", argv, NULL);
	}
out:
	rk_buf_release(&venv);
	rk_buf_release(&py);
	rk_buf_release(&req);
	(void)err;
	return rc;
}

int rk_smoke_npm(struct rk_smoke_run *s, const char *name, const char *version, struct rk_err *err)
{
	const struct rk_smoke_opts *o = s->o;
	struct rk_buf spec = RK_BUF_INIT, cache = RK_BUF_INIT;
	int rc = -1;

	if (write_file(s, "package.json", "{\"name\":\"rk-smoke\",\"private\":true}\n", err) < 0)
		return -2;
	rk_buf_addf(&spec, "%s@%s", name, version);
	rk_buf_addf(&cache, "%s/npm-cache", s->res->dir);
	{
		const char *argv[] = {"npm",	    "install", "--no-audit", "--no-fund",
				      "--registry", o->npm,    "--cache",    cache.data,
				      "--no-save",  spec.data, NULL};
		if (step(s, "npm install", argv, NULL) < 0)
			goto out;
	}
	if (o->command) {
		const char *argv[] = {"/bin/sh", "-c", o->command, NULL};
		rc = step(s, "smoke_test command", argv, NULL);
	} else {
		const char *argv[] = {"node", "-e", node_check, name, NULL};
		rc = step(s, "node require/import", argv, NULL);
	}
out:
	rk_buf_release(&spec);
	rk_buf_release(&cache);
	return rc;
}

int rk_smoke_cargo(struct rk_smoke_run *s, const char *name, const char *version,
		   struct rk_err *err)
{
	const struct rk_smoke_opts *o = s->o;
	struct rk_buf t = RK_BUF_INIT, idx = RK_BUF_INIT, target = RK_BUF_INIT;
	char *ident = rk_xstrdup(name), *p;
	int rc = -2;

	for (p = ident; *p; p++)
		if (*p == '-')
			*p = '_';
	if (!strncmp(o->cargo, "sparse+", 7) || !strncmp(o->cargo, "file://", 7))
		rk_buf_adds(&idx, o->cargo);
	else if (!strncmp(o->cargo, "http://", 7) || !strncmp(o->cargo, "https://", 8))
		rk_buf_addf(&idx, "sparse+%s", o->cargo);
	else if (o->cargo[0] == '/')
		rk_buf_addf(&idx, "file://%s", o->cargo);
	else {
		char cwd[4096];
		if (!getcwd(cwd, sizeof(cwd)))
			cwd[0] = '\0';
		rk_buf_addf(&idx, "file://%s/%s", cwd, o->cargo);
	}
	rk_buf_addf(&t,
		    "[package]\nname = \"rk-smoke\"\nversion = \"0.0.0\"\nedition = \"2021\"\n"
		    "publish = false\n\n[dependencies]\n%s = { version = \"=%s\", registry = "
		    "\"rk-smoke\" }\n\n[workspace]\n",
		    name, version);
	if (write_file(s, "Cargo.toml", t.data, err) < 0)
		goto out;
	rk_buf_reset(&t);
	rk_buf_addf(&t, "[registries.rk-smoke]\nindex = \"%s\"\n", idx.data);
	{
		struct rk_buf d = RK_BUF_INIT;

		rk_buf_addf(&d, "%s/.cargo", s->res->dir);
		mkdir(d.data, 0755);
		rk_buf_reset(&d);
		rk_buf_addf(&d, "%s/src", s->res->dir);
		mkdir(d.data, 0755);
		rk_buf_release(&d);
	}
	if (write_file(s, ".cargo/config.toml", t.data, err) < 0)
		goto out;
	rk_buf_reset(&t);
	/* no `use`: cargo compiles every dependency's library either way, and
	 * a crate with only binaries (no library to use) resolves and
	 * downloads without failing the build */
	(void)ident;
	rk_buf_adds(&t, "fn main() {}\n");
	if (write_file(s, "src/main.rs", t.data, err) < 0)
		goto out;
	rk_buf_addf(&target, "%s/target", s->res->dir);
	env_set(s, "CARGO_TARGET_DIR", target.data);
	if (o->command) {
		const char *argv[] = {"/bin/sh", "-c", o->command, NULL};
		rc = step(s, "smoke_test command", argv, NULL);
	} else {
		const char *argv[] = {"cargo", "build", "--quiet", NULL};
		rc = step(s, "cargo build", argv, NULL);
	}
out:
	free(ident);
	rk_buf_release(&t);
	rk_buf_release(&idx);
	rk_buf_release(&target);
	return rc;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP || flag == FTW_D)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

const char **rk_smoke_registry(struct rk_smoke_opts *o, const char *ecosystem)
{
	const struct rk_backend *b = rk_backend_for(ecosystem);

	return b && b->smoke ? (const char **)(void *)((char *)o + b->smoke_opt) : NULL;
}

int rk_smoke_run(const struct rk_smoke_opts *o, const char *ecosystem, const char *name,
		 const char *version, struct rk_smoke_result *res, struct rk_err *err)
{
	struct rk_smoke_run s = {0};
	const struct rk_backend *b;
	const char *reg, *tmp;
	long long start = rk_now_ms();
	size_t i;
	int rc;

	memset(res, 0, sizeof(*res));
	b = rk_backend_for(ecosystem);
	if (!b || !b->smoke)
		return rk_err_set(err, NULL, 0, 0, "%s:%s: unknown ecosystem '%s'", ecosystem, name,
				  ecosystem);
	reg = *rk_smoke_registry((struct rk_smoke_opts *)o, ecosystem);
	if (!reg || !*reg)
		return rk_err_set(err, NULL, 0, 0, "%s:%s: no %s registry to install from",
				  ecosystem, name, ecosystem);
	tmp = o->tmpdir ? o->tmpdir : getenv("TMPDIR");
	snprintf(res->dir, sizeof(res->dir), "%s/rk-smoke.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(res->dir))
		return rk_err_set(err, res->dir, 0, 0, "cannot create the scratch directory: %s",
				  strerror(errno));
	s.o = o;
	s.res = res;
	s.deadline = start + (long long)((o->timeout_s > 0 ? o->timeout_s : 600.0) * 1000.0);
	env_init(&s);
	/* what the tools leave in their temporary directory (npm, uv, cargo and
	 * rustc write there) goes with the scratch directory */
	{
		struct rk_buf t = RK_BUF_INIT;

		rk_buf_addf(&t, "%s/tmp", res->dir);
		if (mkdir(t.data, 0700) == 0)
			env_set(&s, "TMPDIR", t.data);
		rk_buf_release(&t);
	}
	env_set(&s, "RK_SMOKE_NAME", name);
	env_set(&s, "RK_SMOKE_VERSION", version);
	env_set(&s, "RK_SMOKE_ECOSYSTEM", ecosystem);
	env_set(&s, "RK_SMOKE_REGISTRY", reg);
	if (o->command)
		snprintf(res->check, sizeof(res->check), "%s", o->command);
	else
		snprintf(res->check, sizeof(res->check), b->smoke_check, name, version,
			 o->module ? o->module : "(its top-level modules)");
	rc = b->smoke(&s, name, version, err);
	for (i = 0; i < s.nenv; i++)
		free(s.env[i]);
	free(s.env);
	res->passed = rc == 0;
	res->duration_ms = rk_now_ms() - start;
	if (!o->keep)
		nftw(res->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return rc == -2 ? -1 : 0;
}
