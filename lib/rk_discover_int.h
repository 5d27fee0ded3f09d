/*
 * rk_discover_int.h - internals shared by rk_discover.c (walk, workspaces,
 * resolution, output) and rk_discover_manifest.c (reading each kind of
 * manifest into the compact structs below). Not a public API.
 */
#ifndef RK_DISCOVER_INT_H
#define RK_DISCOVER_INT_H

#include "rk_discover.h"

enum rk_eco { RK_ECO_PYTHON, RK_ECO_NPM, RK_ECO_CARGO, RK_ECO_N };

enum rk_deptype { RK_DEP_NORMAL, RK_DEP_DEV, RK_DEP_BUILD, RK_DEP_OPTIONAL, RK_DEP_PEER };

enum rk_wskind { RK_WS_UV, RK_WS_PNPM, RK_WS_NPM, RK_WS_CARGO };

/* A dependency as written in a manifest (resolved later). */
struct rk_ddep {
	char *name;   /* the depended-on package name (cargo: `package` when renamed) */
	char *spec;   /* version requirement as written, "" when none */
	char *marker; /* python: the environment marker, or NULL */
	char *group;  /* python: the extra or dependency group; npm/cargo: NULL */
	char *path;   /* cargo path dependency, npm file:/link: specifier: the
		       * repo-relative normalised dir it points at; or NULL */
	char *key;    /* cargo: the table key (for `workspace = true` lookups) */
	enum rk_deptype type;
	enum rk_eco eco;
	bool ws;	  /* cargo: `workspace = true` */
	bool cross;	  /* from config cross_deps */
	bool strict;	  /* must name a member of the same workspace: npm workspace:
		      * protocol, python [tool.uv.sources] { workspace = true } */
	long line, col;	  /* strict: where it is declared */
	long dline;	  /* the manifest line that declares it (0 unknown) */
	const char *tdir; /* resolved to a package whose name another package of its
			   * ecosystem shares: that package's dir (borrowed) */
};

struct pkgrule;

struct rk_dpkg {
	enum rk_eco eco;
	const char *manager; /* static string */
	char *name;
	char *norm;	     /* matching key: PEP 503 (python), '_' as '-' (cargo), as is (npm) */
	char *version;	     /* NULL when unknown */
	const char *vsource; /* "static", "dynamic", "workspace", "default", "none" */
	char *dir;	     /* repo-relative directory ("." for the root) */
	char *manifest;	     /* repo-relative manifest path */
	long line, col;	     /* where the name is written (duplicate errors) */
	long vline, vcol;    /* where the version is written */
	char *description;
	char *crate;			 /* python: the crate of a Cargo.toml next to it */
	char *crate_dir;		 /* python: [tool.maturin] manifest-path's dir, or NULL */
	char *group;			 /* from config */
	int publish;			 /* 1, 0; -1 inherit from the cargo workspace */
	int private_;			 /* npm: -1 unset, 0/1 "private" */
	bool skip;			 /* from config */
	bool version_ws, description_ws; /* cargo: inherited from [workspace.package] */
	bool dropped;	      /* not a package after all (excluded, owned by a python package) */
	bool dup;	      /* pnpm: another member of the workspace has the same name */
	struct rk_dpkg *twin; /* dup: the next package with the same name, or NULL */
	struct rk_dws *ws;    /* the workspace, or NULL when standalone */
	const struct pkgrule *rule; /* the config's package rule, or NULL (borrowed) */
	struct rk_ddep *deps;
	size_t ndeps, capdeps;
};

struct rk_dws {
	enum rk_wskind kind;
	enum rk_eco eco;
	const char *manager;
	char *dir;	/* repo-relative root directory */
	char *manifest; /* repo-relative manifest that declares it */
	char **members; /* patterns relative to dir */
	size_t nmembers;
	char **excludes;
	size_t nexcludes;
	bool from_config;
	bool members_given; /* config: its own members/packages list */
	/* cargo [workspace.package] and [workspace.dependencies] */
	char *version;
	char *description;
	int publish; /* -1 unset */
	int link_ws; /* pnpm link-workspace-packages: -1 unset, 0 false, 1 true/deep */
	struct rk_ddep *deps;
	size_t ndeps, capdeps;
};

/* What one manifest file yields (either part may be absent). */
struct rk_dmanifest {
	struct rk_dpkg *pkg;
	struct rk_dws *ws;
};

/*
 * Parse the manifest at path (absolute or cwd-relative; rel is its
 * repo-relative name, dir its repo-relative directory). Returns 0 with
 * *out filled (possibly empty), or -1 with err set (source = rel, which
 * must outlive err).
 */
int rk_dread_pyproject(const char *path, const char *rel, const char *dir, struct rk_dmanifest *out,
		       struct rk_err *err);
int rk_dread_cargo(const char *path, const char *rel, const char *dir, struct rk_dmanifest *out,
		   struct rk_err *err);
int rk_dread_package_json(const char *path, const char *rel, const char *dir,
			  struct rk_dmanifest *out, struct rk_err *err);
int rk_dread_pnpm_workspace(const char *path, const char *rel, const char *dir,
			    struct rk_dmanifest *out, struct rk_err *err);
/* Parse pnpm-workspace.yaml text (for the fuzzer): the ws's members/excludes. */
int rk_dparse_pnpm_yaml(const char *text, size_t len, const char *rel, struct rk_dws *ws,
			struct rk_err *err);

void rk_dpkg_free(struct rk_dpkg *p);
void rk_dws_free(struct rk_dws *w);
struct rk_ddep *rk_ddep_add(struct rk_ddep **deps, size_t *n, size_t *cap);
void rk_ddep_release(struct rk_ddep *dep);
/* Join dir and a relative path, normalised; NULL when it climbs above the root. */
char *rk_dpath_join(const char *dir, const char *rel);
/* Add a member pattern ("!x" goes to excludes). */
void rk_dws_add_pattern(struct rk_dws *w, const char *pat, bool exclude);

#endif
