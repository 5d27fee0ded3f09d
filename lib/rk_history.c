/* rk_history.c - one walk of the git history for every package (see the header). */
#include "rk_common.h"
#include "rk_history.h"

#include <iconv.h>
#include <strings.h>

struct rk_history_node {
	char *name;
	char *path; /* "" for the root */
	struct rk_history_node **kids;
	size_t nkids, capk;
	size_t *pkgs;
	size_t npkgs, capp;
};

static int git_fail(struct rk_err *err)
{
	const git_error *e = git_error_last();

	return rk_err_set(err, NULL, 0, 0, "git: %s",
			  e && e->message ? e->message : "unknown error");
}

int rk_history_open(git_repository **repo, const char *dir, struct rk_err *err)
{
	git_libgit2_init();
	if (git_repository_open_ext(repo, dir ? dir : ".", 0, NULL) < 0) {
		git_fail(err);
		git_libgit2_shutdown();
		return -1;
	}
	return 0;
}

static struct rk_history_node *node_new(const char *name, const char *path)
{
	struct rk_history_node *n = rk_xcalloc(1, sizeof(*n));

	n->name = rk_xstrdup(name);
	n->path = rk_xstrdup(path);
	return n;
}

static void node_free(struct rk_history_node *n)
{
	size_t i;

	if (!n)
		return;
	for (i = 0; i < n->nkids; i++)
		node_free(n->kids[i]);
	free(n->kids);
	free(n->pkgs);
	free(n->name);
	free(n->path);
	free(n);
}

static int node_cmp(const void *a, const void *b)
{
	const struct rk_history_node *x = *(struct rk_history_node *const *)a;
	const struct rk_history_node *y = *(struct rk_history_node *const *)b;

	return strcmp(x->name, y->name);
}

static void node_sort(struct rk_history_node *n)
{
	size_t i;

	if (n->nkids > 1)
		qsort(n->kids, n->nkids, sizeof(*n->kids), node_cmp);
	for (i = 0; i < n->nkids; i++)
		node_sort(n->kids[i]);
}

static struct rk_history_node *node_find(const struct rk_history_node *n, const char *name,
					 size_t len)
{
	size_t lo = 0, hi = n->nkids;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const char *k = n->kids[mid]->name;
		int c = strncmp(k, name, len);

		if (c == 0 && k[len])
			c = 1;
		if (c == 0)
			return n->kids[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void rk_history_init(struct rk_history *h, git_repository *repo, size_t npkg)
{
	memset(h, 0, sizeof(*h));
	h->repo = repo;
	h->npkg = npkg;
	h->pkg = rk_xcalloc(npkg ? npkg : 1, sizeof(*h->pkg));
	h->root = node_new("", "");
}

void rk_history_release(struct rk_history *h)
{
	size_t i, j;

	for (i = 0; i < h->npkg; i++) {
		free(h->pkg[i].commits);
		for (j = 0; j < h->pkg[i].npaths; j++)
			free(h->pkg[i].paths[j]);
		free(h->pkg[i].paths);
	}
	for (i = 0; i < h->ncommits; i++)
		free(h->commits[i].message);
	free(h->commits);
	free(h->pkg);
	node_free(h->root);
	memset(h, 0, sizeof(*h));
}

void rk_history_add_path(struct rk_history *h, const char *path, size_t pkg)
{
	struct rk_history_node *n = h->root;
	struct rk_history_pkg *p = &h->pkg[pkg];
	struct rk_buf norm = RK_BUF_INIT;
	const char *s = path;
	size_t i;

	/* Normalise: no "./" components, no empty components. */
	while (*s) {
		const char *e = strchr(s, '/');
		size_t len = e ? (size_t)(e - s) : strlen(s);

		if (len && !(len == 1 && s[0] == '.')) {
			struct rk_history_node *k = NULL;

			for (i = 0; i < n->nkids; i++)
				if (strlen(n->kids[i]->name) == len &&
				    !memcmp(n->kids[i]->name, s, len))
					k = n->kids[i];
			if (norm.len)
				rk_buf_addc(&norm, '/');
			rk_buf_add(&norm, s, len);
			if (!k) {
				char *name = rk_xstrndup(s, len);

				k = node_new(name, norm.data);
				free(name);
				RK_GROW(n->kids, n->capk, n->nkids + 1);
				n->kids[n->nkids++] = k;
			}
			n = k;
		}
		s += len;
		if (*s == '/')
			s++;
	}
	for (i = 0; i < n->npkgs; i++)
		if (n->pkgs[i] == pkg)
			break;
	if (i == n->npkgs) {
		RK_GROW(n->pkgs, n->capp, n->npkgs + 1);
		n->pkgs[n->npkgs++] = pkg;
	}
	RK_GROW(p->paths, p->cappaths, p->npaths + 1);
	p->paths[p->npaths++] = rk_xstrdup(norm.len ? norm.data : ".");
	rk_buf_release(&norm);
}

void rk_history_set_stops(struct rk_history *h, size_t pkg, const git_oid *stable,
			  const git_oid *any)
{
	struct rk_history_pkg *p = &h->pkg[pkg];

	p->has_stable = stable != NULL;
	if (stable)
		git_oid_cpy(&p->stop_stable, stable);
	p->has_any = any != NULL;
	if (any)
		git_oid_cpy(&p->stop_any, any);
}

/* ---- the pending map: commit id -> "released for" bit set ---- */

struct pend {
	git_oid oid;
	struct pend *next;
	uint64_t bits[];
};

struct pendmap {
	struct pend **b;
	size_t nb, n;
	size_t words;
	size_t nonfull; /* entries whose set is not full */
	const uint64_t *full;
};

static size_t oid_hash(const git_oid *o)
{
	size_t h;

	memcpy(&h, o->id, sizeof(h));
	return h;
}

static bool bits_full(const struct pendmap *m, const uint64_t *b)
{
	size_t i;

	for (i = 0; i < m->words; i++)
		if (b[i] != m->full[i])
			return false;
	return true;
}

static void pend_grow(struct pendmap *m)
{
	size_t nb = m->nb ? m->nb * 2 : 256, i;
	struct pend **b = rk_xcalloc(nb, sizeof(*b));

	for (i = 0; i < m->nb; i++) {
		struct pend *e = m->b[i], *next;

		for (; e; e = next) {
			size_t k = oid_hash(&e->oid) & (nb - 1);

			next = e->next;
			e->next = b[k];
			b[k] = e;
		}
	}
	free(m->b);
	m->b = b;
	m->nb = nb;
}

/* OR bits into the entry for oid (created empty when missing). */
static void pend_or(struct pendmap *m, const git_oid *oid, const uint64_t *bits)
{
	struct pend *e;
	size_t k, i;
	bool was_full;

	if (m->n >= m->nb)
		pend_grow(m);
	k = oid_hash(oid) & (m->nb - 1);
	for (e = m->b[k]; e; e = e->next)
		if (git_oid_equal(&e->oid, oid))
			break;
	if (!e) {
		e = rk_xcalloc(1, sizeof(*e) + m->words * sizeof(uint64_t));
		git_oid_cpy(&e->oid, oid);
		e->next = m->b[k];
		m->b[k] = e;
		m->n++;
		m->nonfull++;
		if (m->words == 0 || bits_full(m, e->bits))
			m->nonfull--;
	}
	was_full = bits_full(m, e->bits);
	for (i = 0; i < m->words; i++)
		e->bits[i] |= bits[i];
	if (!was_full && bits_full(m, e->bits))
		m->nonfull--;
}

/* Remove the entry for oid, copying its bits out (zeros when missing). */
static void pend_take(struct pendmap *m, const git_oid *oid, uint64_t *out)
{
	struct pend **pp, *e;

	memset(out, 0, m->words * sizeof(uint64_t));
	if (!m->nb)
		return;
	for (pp = &m->b[oid_hash(oid) & (m->nb - 1)]; (e = *pp); pp = &e->next)
		if (git_oid_equal(&e->oid, oid)) {
			memcpy(out, e->bits, m->words * sizeof(uint64_t));
			if (!bits_full(m, e->bits))
				m->nonfull--;
			*pp = e->next;
			free(e);
			m->n--;
			return;
		}
}

static void pend_free(struct pendmap *m)
{
	size_t i;

	for (i = 0; i < m->nb; i++) {
		struct pend *e = m->b[i], *next;

		for (; e; e = next) {
			next = e->next;
			free(e);
		}
	}
	free(m->b);
}

/* ---- tree comparison ---- */

/*
 * Trees of the parent side of one comparison are kept for the next one:
 * in a mostly linear history the next commit walked is that parent, so its
 * trees are read and parsed once, not twice (libgit2's own object cache is
 * turned off for trees: its eviction scans cost more than they save).
 */
#define TREE_KEEP 64

struct walk {
	struct rk_history *h;
	unsigned char *touched;
	size_t *tlist;
	size_t nt;
	git_tree *prev[TREE_KEEP], *next[TREE_KEEP];
	size_t nprev, nnext;
};

/* A tree by id (owned by the caller), from the kept trees when there. */
static int get_tree(struct walk *w, git_tree **out, const git_oid *id, bool keep)
{
	size_t i;

	*out = NULL;
	for (i = 0; i < w->nprev; i++)
		if (w->prev[i] && git_oid_equal(git_tree_id(w->prev[i]), id)) {
			*out = w->prev[i];
			w->prev[i] = NULL;
			break;
		}
	if (!*out && git_tree_lookup(out, w->h->repo, id) < 0)
		return -1;
	if (keep && w->nnext < TREE_KEEP) {
		git_object *dup = NULL;

		git_object_dup(&dup, (git_object *)*out);
		w->next[w->nnext++] = (git_tree *)dup;
	}
	return 0;
}

/* After a commit: the parent side's trees become the kept ones. */
static void keep_trees(struct walk *w)
{
	size_t i;

	for (i = 0; i < w->nprev; i++)
		git_tree_free(w->prev[i]);
	memcpy(w->prev, w->next, w->nnext * sizeof(*w->next));
	w->nprev = w->nnext;
	w->nnext = 0;
}

static void touch_node(struct walk *w, const struct rk_history_node *n)
{
	size_t i;

	for (i = 0; i < n->npkgs; i++)
		if (!w->touched[n->pkgs[i]]) {
			w->touched[n->pkgs[i]] = 1;
			w->tlist[w->nt++] = n->pkgs[i];
		}
}

static void touch_all(struct walk *w, const struct rk_history_node *n)
{
	size_t i;

	touch_node(w, n);
	for (i = 0; i < n->nkids; i++)
		touch_all(w, n->kids[i]);
}

static int diff_trees(struct walk *w, const struct rk_history_node *n, const git_oid *a,
		      const git_oid *b, const struct rk_history_node *cur)
{
	git_tree *ta = NULL, *tb = NULL;
	size_t i = 0, j = 0, na, nb;

	if (a && b && git_oid_equal(a, b))
		return 0;
	if (n->npkgs)
		cur = n;
	if (!n->nkids) {
		if (cur)
			touch_node(w, cur);
		return 0;
	}
	if (a && get_tree(w, &ta, a, false) < 0)
		return -1;
	if (b && get_tree(w, &tb, b, true) < 0) {
		git_tree_free(ta);
		return -1;
	}
	na = ta ? git_tree_entrycount(ta) : 0;
	nb = tb ? git_tree_entrycount(tb) : 0;
	while (i < na || j < nb) {
		const git_tree_entry *ea = i < na ? git_tree_entry_byindex(ta, i) : NULL;
		const git_tree_entry *eb = j < nb ? git_tree_entry_byindex(tb, j) : NULL;
		const struct rk_history_node *k;
		const git_oid *oa, *ob;
		const char *name;
		int c;

		c = ea && eb ? git_tree_entry_cmp(ea, eb) : ea ? -1 : 1;
		if (c == 0) {
			i++;
			j++;
			if (git_tree_entry_filemode(ea) == git_tree_entry_filemode(eb) &&
			    git_oid_equal(git_tree_entry_id(ea), git_tree_entry_id(eb)))
				continue;
		} else if (c < 0) {
			eb = NULL;
			i++;
		} else {
			ea = NULL;
			j++;
		}
		name = git_tree_entry_name(ea ? ea : eb);
		k = node_find(n, name, strlen(name));
		if (!k) {
			if (cur)
				touch_node(w, cur);
			continue;
		}
		oa = ea && git_tree_entry_type(ea) == GIT_OBJECT_TREE ? git_tree_entry_id(ea)
								      : NULL;
		ob = eb && git_tree_entry_type(eb) == GIT_OBJECT_TREE ? git_tree_entry_id(eb)
								      : NULL;
		if ((ea && !oa) || (eb && !ob))
			touch_all(w, k);
		if ((oa || ob) && diff_trees(w, k, oa, ob, cur) < 0) {
			git_tree_free(ta);
			git_tree_free(tb);
			return -1;
		}
	}
	git_tree_free(ta);
	git_tree_free(tb);
	return 0;
}

struct stop {
	git_oid oid;
	size_t bit;
};

static int stop_cmp(const void *a, const void *b)
{
	return git_oid_cmp(&((const struct stop *)a)->oid, &((const struct stop *)b)->oid);
}

/*
 * A commit message as UTF-8: converted from its encoding header (git's
 * i18n.commitEncoding) when it has one; otherwise, or when conversion
 * fails, the bytes as they are (the JSON writer replaces invalid UTF-8).
 */
static char *message_utf8(const git_commit *c)
{
	const char *msg = git_commit_message(c), *enc = git_commit_message_encoding(c);
	struct rk_buf b = RK_BUF_INIT;
	iconv_t cd;
	char *in, *out;
	size_t inleft, outleft;

	if (!msg)
		return rk_xstrdup("");
	if (!enc || !strcasecmp(enc, "UTF-8") || !strcasecmp(enc, "UTF8"))
		return rk_xstrdup(msg);
	cd = iconv_open("UTF-8", enc);
	if (cd == (iconv_t)-1)
		return rk_xstrdup(msg);
	inleft = strlen(msg);
	in = (char *)msg;
	for (;;) {
		size_t r;

		rk_buf_grow(&b, inleft * 2 + 16);
		out = b.data + b.len;
		outleft = b.cap - b.len - 1;
		r = iconv(cd, &in, &inleft, &out, &outleft);
		b.len = (size_t)(out - b.data);
		if (r != (size_t)-1 && !inleft)
			break;
		if (r == (size_t)-1 && errno != E2BIG) {
			iconv_close(cd);
			rk_buf_release(&b);
			return rk_xstrdup(msg);
		}
	}
	iconv_close(cd);
	b.data[b.len] = '\0';
	return rk_buf_detach(&b, NULL);
}

int rk_history_walk(struct rk_history *h, struct rk_err *err)
{
	git_revwalk *rw = NULL;
	struct pendmap m = {0};
	struct walk w = {0};
	struct stop *stops;
	size_t nstops = 0, nbits = 2 * h->npkg, i;
	uint64_t *full, *cur;
	git_oid oid;
	int rc = 0, r;

	node_sort(h->root);
	m.words = (nbits + 63) / 64;
	full = rk_xcalloc(m.words + 1, sizeof(uint64_t));
	cur = rk_xcalloc(m.words + 1, sizeof(uint64_t));
	for (i = 0; i < nbits; i++)
		full[i / 64] |= (uint64_t)1 << (i % 64);
	m.full = full;
	stops = rk_xcalloc(nbits + 1, sizeof(*stops));
	for (i = 0; i < h->npkg; i++) {
		if (h->pkg[i].has_stable) {
			git_oid_cpy(&stops[nstops].oid, &h->pkg[i].stop_stable);
			stops[nstops++].bit = 2 * i;
		}
		if (h->pkg[i].has_any) {
			git_oid_cpy(&stops[nstops].oid, &h->pkg[i].stop_any);
			stops[nstops++].bit = 2 * i + 1;
		}
	}
	qsort(stops, nstops, sizeof(*stops), stop_cmp);
	w.h = h;
	w.touched = rk_xcalloc(h->npkg + 1, 1);
	w.tlist = rk_xcalloc(h->npkg + 1, sizeof(size_t));

	git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_TREE, (size_t)0);
	/*
	 * libgit2 re-hashes every object it reads (SHA-1 with collision
	 * detection): that is most of the walk's cost, and git itself does not
	 * do it when reading (fsck and transfers check objects).
	 */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);

	if (git_revwalk_new(&rw, h->repo) < 0)
		goto gitfail;
	git_revwalk_sorting(rw, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
	if (git_repository_head_unborn(h->repo) == 1)
		goto done; /* no commits yet: an empty history */
	r = git_revwalk_push_head(rw);
	if (r == GIT_EUNBORNBRANCH || r == GIT_ENOTFOUND)
		goto done;
	if (r < 0)
		goto gitfail;
	while ((r = git_revwalk_next(&oid, rw)) == 0) {
		git_commit *c = NULL, *parent = NULL;
		const git_oid *pa = NULL;
		unsigned np, k;
		struct stop key;
		struct stop *s;
		bool any_stable = false;

		h->walked++;
		pend_take(&m, &oid, cur);
		git_oid_cpy(&key.oid, &oid);
		s = nstops ? bsearch(&key, stops, nstops, sizeof(*stops), stop_cmp) : NULL;
		if (s) {
			while (s > stops && git_oid_equal(&s[-1].oid, &oid))
				s--;
			for (; s < stops + nstops && git_oid_equal(&s->oid, &oid); s++) {
				cur[s->bit / 64] |= (uint64_t)1 << (s->bit % 64);
				if (s->bit % 2 == 0)
					h->pkg[s->bit / 2].stable_reached = true;
			}
		}
		if (git_commit_lookup(&c, h->repo, &oid) < 0)
			goto gitfail;
		np = git_commit_parentcount(c);
		for (k = 0; k < np; k++)
			pend_or(&m, git_commit_parent_id(c, k), cur);
		if (m.words && bits_full(&m, cur)) {
			git_commit_free(c);
			if (m.nonfull == 0)
				break;
			continue;
		}
		if (np && git_commit_parent(&parent, c, 0) == 0)
			pa = git_commit_tree_id(parent);
		h->diffed++;
		w.nt = 0;
		rc = diff_trees(&w, h->root, git_commit_tree_id(c), pa, NULL);
		keep_trees(&w);
		git_commit_free(parent);
		if (rc < 0) {
			git_commit_free(c);
			goto gitfail;
		}
		for (i = 0; i < w.nt; i++) {
			size_t p = w.tlist[i];
			struct rk_history_pkg *pk = &h->pkg[p];

			w.touched[p] = 0;
			if (!(cur[(2 * p + 1) / 64] & ((uint64_t)1 << ((2 * p + 1) % 64))))
				pk->new_since_any = true;
			if (cur[(2 * p) / 64] & ((uint64_t)1 << ((2 * p) % 64)))
				continue;
			if (!any_stable) {
				RK_GROW(h->commits, h->capc, h->ncommits + 1);
				git_oid_cpy(&h->commits[h->ncommits].oid, &oid);
				h->commits[h->ncommits].message = message_utf8(c);
				h->ncommits++;
				any_stable = true;
			}
			RK_GROW(pk->commits, pk->cap, pk->ncommits + 1);
			pk->commits[pk->ncommits++] = h->ncommits - 1;
		}
		git_commit_free(c);
	}
	if (r < 0 && r != GIT_ITEROVER)
		goto gitfail;
done:
	rc = 0;
	goto out;
gitfail:
	rc = git_fail(err);
	if (git_repository_is_shallow(h->repo) == 1) {
		char why[sizeof(err->msg)];

		snprintf(why, sizeof(why), "%s", err->msg + 5); /* after "git: " */
		rk_err_set(
			err, NULL, 0, 0,
			"git: a shallow clone lacks the history to plan from (%s); fetch it with "
			"'git fetch --unshallow --tags'",
			why);
	}
out:
	git_revwalk_free(rw);
	pend_free(&m);
	free(full);
	free(cur);
	free(stops);
	keep_trees(&w);
	keep_trees(&w);
	free(w.touched);
	free(w.tlist);
	return rc;
}

int rk_history_tags(git_repository *repo, int (*cb)(const char *, const git_oid *, void *),
		    void *ctx, struct rk_err *err)
{
	git_reference_iterator *it = NULL;
	git_reference *ref;
	int r, rc = 0;

	if (git_reference_iterator_glob_new(&it, repo, "refs/tags/*") < 0)
		return git_fail(err);
	while ((r = git_reference_next(&ref, it)) == 0) {
		const git_oid *t = git_reference_target(ref);

		if (t)
			rc = cb(git_reference_name(ref) + 10, t, ctx);
		git_reference_free(ref);
		if (rc)
			break;
	}
	git_reference_iterator_free(it);
	if (!rc && r < 0 && r != GIT_ITEROVER)
		return git_fail(err);
	return rc;
}

int rk_history_peel(git_repository *repo, const git_oid *target, git_oid *commit,
		    struct rk_err *err)
{
	git_object *o = NULL, *p = NULL;

	if (git_object_lookup(&o, repo, target, GIT_OBJECT_ANY) < 0 ||
	    git_object_peel(&p, o, GIT_OBJECT_COMMIT) < 0) {
		git_object_free(o);
		return git_fail(err);
	}
	git_oid_cpy(commit, git_object_id(p));
	git_object_free(p);
	git_object_free(o);
	return 0;
}

void rk_history_branch(git_repository *repo, char *buf, size_t n)
{
	git_reference *head = NULL;

	buf[0] = '\0';
	if (git_reference_lookup(&head, repo, "HEAD") < 0)
		return;
	if (git_reference_type(head) == GIT_REFERENCE_SYMBOLIC) {
		const char *t = git_reference_symbolic_target(head);

		if (t && !strncmp(t, "refs/heads/", 11))
			snprintf(buf, n, "%s", t + 11);
	}
	git_reference_free(head);
}

/* The node for a path (longest registered prefix), walking components. */
static const struct rk_history_node *node_for(const struct rk_history_node *n, const char *path)
{
	const struct rk_history_node *best = n->npkgs ? n : NULL;
	const char *s = path;

	while (*s) {
		const char *e = strchr(s, '/');
		size_t len = e ? (size_t)(e - s) : strlen(s);

		n = node_find(n, s, len);
		if (!n)
			break;
		if (n->npkgs)
			best = n;
		s += len;
		if (*s == '/')
			s++;
	}
	return best;
}

int rk_history_source_digests(struct rk_history *h, char (*hex)[RK_SHA256_HEX], struct rk_err *err)
{
	git_status_options so = GIT_STATUS_OPTIONS_INIT;
	git_status_list *sl = NULL;
	git_reference *head = NULL;
	git_commit *hc = NULL;
	git_tree *tree = NULL;
	struct rk_buf *acc;
	size_t i, j, n;

	node_sort(h->root);
	acc = rk_xcalloc(h->npkg + 1, sizeof(*acc));
	if (git_repository_head(&head, h->repo) == 0 &&
	    git_reference_peel((git_object **)&hc, head, GIT_OBJECT_COMMIT) == 0)
		git_commit_tree(&tree, hc);
	for (i = 0; i < h->npkg; i++) {
		for (j = 0; j < h->pkg[i].npaths; j++) {
			const char *p = h->pkg[i].paths[j];
			git_tree_entry *te = NULL;
			char id[GIT_OID_HEXSZ + 1] = "-";

			if (!strcmp(p, ".")) {
				if (tree)
					git_oid_tostr(id, sizeof(id), git_tree_id(tree));
			} else if (tree && git_tree_entry_bypath(&te, tree, p) == 0) {
				git_oid_tostr(id, sizeof(id), git_tree_entry_id(te));
				git_tree_entry_free(te);
			}
			rk_buf_addf(&acc[i], "%s %s\n", p, id);
		}
	}
	so.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	so.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
		   GIT_STATUS_OPT_EXCLUDE_SUBMODULES | GIT_STATUS_OPT_SORT_CASE_SENSITIVELY;
	if (!git_repository_is_bare(h->repo)) {
		if (git_status_list_new(&sl, h->repo, &so) < 0) {
			git_fail(err);
			goto fail;
		}
		n = git_status_list_entrycount(sl);
		for (i = 0; i < n; i++) {
			const git_status_entry *se = git_status_byindex(sl, i);
			const git_diff_delta *d =
				se->index_to_workdir ? se->index_to_workdir : se->head_to_index;
			const char *path =
				d ? (d->new_file.path ? d->new_file.path : d->old_file.path) : NULL;
			const struct rk_history_node *nd;
			char fh[RK_SHA256_HEX] = "-";

			if (!path || se->status == GIT_STATUS_CURRENT)
				continue;
			nd = node_for(h->root, path);
			if (!nd)
				continue;
			if (!(se->status & (GIT_STATUS_WT_DELETED | GIT_STATUS_INDEX_DELETED))) {
				struct rk_buf fp = RK_BUF_INIT;

				rk_buf_addf(&fp, "%s/%s", git_repository_workdir(h->repo), path);
				if (rk_sha256_file(fp.data, fh) < 0)
					snprintf(fh, sizeof(fh), "-");
				rk_buf_release(&fp);
			}
			for (j = 0; j < nd->npkgs; j++) {
				struct rk_buf *a = &acc[nd->pkgs[j]];

				rk_buf_adds(a, path);
				rk_buf_addc(a, '\0');
				rk_buf_addf(a, "%u", (unsigned)se->status);
				rk_buf_addc(a, '\0');
				rk_buf_addf(a, "%s\n", fh);
			}
		}
	}
	for (i = 0; i < h->npkg; i++)
		rk_sha256_buf(acc[i].data ? acc[i].data : "", acc[i].len, hex[i]);
	for (i = 0; i < h->npkg; i++)
		rk_buf_release(&acc[i]);
	free(acc);
	git_status_list_free(sl);
	git_tree_free(tree);
	git_commit_free(hc);
	git_reference_free(head);
	return 0;
fail:
	for (i = 0; i < h->npkg; i++)
		rk_buf_release(&acc[i]);
	free(acc);
	git_tree_free(tree);
	git_commit_free(hc);
	git_reference_free(head);
	return -1;
}
