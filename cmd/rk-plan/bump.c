/*
 * cmd/rk-plan/bump.c - the version decisions: channel and date, propagation to dependents and
 * lockstep sets, the next version of each package (rk-plan; plan.h).
 */
#include "rk_common.h"
#include "plan.h"
#include "rk_history.h"
#include "rk_tagfmt.h"
#include "rk_version.h"

#include <fnmatch.h>
#include <time.h>

static bool is_prerelease_channel(const char *c)
{
	return !strcmp(c, "alpha") || !strcmp(c, "beta") || !strcmp(c, "rc") ||
	       !strcmp(c, "canary");
}

/*
 * channel: --channel, else the first branch_channel whose branch pattern
 * matches the current branch, else release_train channel, else latest.
 * label: --prerelease; else the matching branch_channel's prerelease string;
 * else alpha/beta/rc/canary use their own name; latest, next and channels
 * whose branch_channel says prerelease: false are stable; any other
 * (custom) channel uses release_train prerelease_token, else its name.
 */
void plan_decide_channel(struct plan *pl)
{
	const struct rk_plan_opts *o = pl->o;
	const struct bchan *bc = NULL;
	const char *chan;
	char branch[256];
	size_t i;

	if (o->branch)
		snprintf(branch, sizeof(branch), "%s", o->branch);
	else
		rk_history_branch(pl->repo, branch, sizeof(branch));
	if (o->channel) {
		chan = o->channel;
	} else {
		for (i = 0; i < pl->nbch && branch[0] && !bc; i++)
			if (fnmatch(pl->bch[i].branch, branch, 0) == 0)
				bc = &pl->bch[i];
		chan = bc ? bc->channel : pl->channel ? pl->channel : "latest";
	}
	pl->chan = rk_xstrdup(chan);
	if (!strcmp(chan, "nightly") ||
	    (pl->nightly_channel && !strcmp(chan, pl->nightly_channel))) {
		pl->nightly = true;
		return;
	}
	if (!strcmp(chan, "snapshot")) {
		pl->snapshot = true;
		return;
	}
	if (o->prerelease)
		pl->label = rk_xstrdup(o->prerelease);
	else if (bc && bc->prerelease && *bc->prerelease)
		pl->label = rk_xstrdup(bc->prerelease);
	else if (is_prerelease_channel(chan))
		pl->label = rk_xstrdup(chan);
	else if (!strcmp(chan, "latest") || !strcmp(chan, "next") || (bc && bc->pre_false))
		pl->label = NULL;
	else
		pl->label = rk_xstrdup(pl->prerelease_token ? pl->prerelease_token : chan);
}

/* YYYYMMDD (8 digits) names a day of the Gregorian calendar. */
static bool valid_ymd(const char *d)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, dd;

	if (strlen(d) != 8 || strspn(d, "0123456789") != 8)
		return false;
	y = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
	m = (d[4] - '0') * 10 + (d[5] - '0');
	dd = (d[6] - '0') * 10 + (d[7] - '0');
	if (y < 1 || m < 1 || m > 12 || dd < 1 || dd > mdays[m - 1])
		return false;
	return m != 2 || dd < 29 || (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
}

void plan_decide_date(struct plan *pl)
{
	const char *d = pl->o->date;
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	struct tm tm;
	time_t t;

	if (d) {
		size_t i;

		for (i = 0; d[i]; i++)
			if (d[i] < '0' || d[i] > '9')
				break;
		if (i != 8 || d[8])
			rk_die(RK_EXIT_USAGE, "--date: expected YYYYMMDD, not '%s'", d);
		if (!valid_ymd(d))
			rk_die(RK_EXIT_USAGE, "--date: no such day '%s'", d);
		snprintf(pl->date8, sizeof(pl->date8), "%s", d);
		snprintf(pl->date10, sizeof(pl->date10), "%.4s-%.2s-%.2s", d, d + 4, d + 6);
		return;
	}
	if (sde && *sde) {
		char *end;
		long long v;

		errno = 0;
		v = strtoll(sde, &end, 10);
		/* up to 9999-12-31: a four-digit year */
		if (*end || v < 0 || v > 253402300799LL || errno == ERANGE)
			rk_die(RK_EXIT_USAGE, "SOURCE_DATE_EPOCH: not a number of seconds: '%s'",
			       sde);
		t = (time_t)v;
	} else {
		t = time(NULL);
	}
	gmtime_r(&t, &tm);
	strftime(pl->date8, sizeof(pl->date8), "%Y%m%d", &tm);
	strftime(pl->date10, sizeof(pl->date10), "%Y-%m-%d", &tm);
}

void plan_propagate(struct plan *pl)
{
	bool changed = true;
	size_t i, j, k, r;

	while (changed) {
		changed = false;
		for (k = 0; k < pl->n && pl->propagate != L_NONE; k++) {
			struct pkg *p = &pl->p[pl->topo[k]];

			for (j = 0; j < p->ndeps; j++) {
				const struct dep *d = &p->deps[j];
				bool have = false;

				if (!plan_dep_counts(d) || pl->p[d->idx].lvl == L_NONE)
					continue;
				for (r = 0; r < p->nreasons; r++)
					if (p->reasons[r].kind == R_DEP &&
					    p->reasons[r].ref == d->idx)
						have = true;
				if (have)
					continue;
				plan_add_reason(p, R_DEP, d->idx, pl->propagate);
				if (pl->propagate > p->lvl) {
					p->lvl = pl->propagate;
					changed = true;
				}
			}
		}
		for (i = 0; i < pl->nlocks; i++) {
			int lvl = L_NONE;

			for (k = 0; k < pl->n; k++)
				if (pl->p[k].lock == i && pl->p[k].lvl > lvl)
					lvl = pl->p[k].lvl;
			for (k = 0; k < pl->n; k++) {
				struct pkg *p = &pl->p[k];

				if (p->lock != i || p->lvl >= lvl)
					continue;
				for (r = 0; r < p->nreasons; r++)
					if (p->reasons[r].kind == R_GROUP)
						break;
				if (r < p->nreasons)
					p->reasons[r].lvl = lvl;
				else
					plan_add_reason(p, R_GROUP, i, lvl);
				p->lvl = lvl;
				changed = true;
			}
		}
	}
}

static int rel_cmp(const struct rk_version *a, const struct rk_version *b)
{
	size_t i, n = a->nrelease > b->nrelease ? a->nrelease : b->nrelease;

	for (i = 0; i < n; i++) {
		uint64_t x = i < a->nrelease ? a->release[i] : 0;
		uint64_t y = i < b->nrelease ? b->release[i] : 0;

		if (x != y)
			return x < y ? -1 : 1;
	}
	return 0;
}

static enum rk_version_bump bump_of(int lvl)
{
	return lvl == L_MAJOR	? RK_VERSION_BUMP_MAJOR
	       : lvl == L_MINOR ? RK_VERSION_BUMP_MINOR
				: RK_VERSION_BUMP_PATCH;
}

static void continue_prerelease_line(struct plan *pl, const struct pkg *p, struct rk_version *t);

/* The release target of p (before any channel suffix) into t; lockbase[set] is
 * the member with the highest current version of each lockstep set. */
static void target_of(struct plan *pl, struct pkg *p, const size_t *lockbase, struct rk_version *t)
{
	struct rk_err err;
	const struct rk_version *base = &p->cur;

	if (p->lock != NONE) {
		size_t k;
		struct rk_buf b = RK_BUF_INIT;

		base = &pl->p[lockbase[p->lock]].cur;
		for (k = 0; k < base->nrelease || (p->scheme == RK_VERSION_SEMVER && k < 3); k++) {
			if (p->scheme == RK_VERSION_SEMVER && k >= 3)
				break;
			rk_buf_addf(
				&b, "%s%llu", k ? "." : "",
				(unsigned long long)(k < base->nrelease ? base->release[k] : 0));
		}
		if (rk_version_parse(t, p->scheme, b.data, b.len, &err) < 0)
			rk_die(RK_EXIT_INPUT, "package '%s': %s", p->name, err.msg);
		rk_buf_release(&b);
	} else {
		rk_version_copy(t, base);
	}
	if (p->first && p->lock == NONE) {
		/* a first release: the manifest's version as it stands */
		rk_version_release_only(t);
		return;
	}
	if (rk_version_bump(t, bump_of(p->lvl), &err) < 0)
		rk_die(RK_EXIT_INPUT, "package '%s': cannot bump %s: %s", p->name, p->cur_str,
		       err.msg);
	if (pl->label && !pl->nightly && !pl->snapshot)
		continue_prerelease_line(pl, p, t);
}

/*
 * On a pre-release channel, the highest existing pre-release line of the
 * channel's label goes on: with 1.4.0-rc.3 tagged, a target below 1.4.0
 * becomes 1.4.0 (then rc.4 by counter_of), not a new line 1.3.0-rc.1.
 */
static void continue_prerelease_line(struct plan *pl, const struct pkg *p, struct rk_version *t)
{
	const struct series *s = &pl->series[p->series];
	struct rk_version best = RK_VERSION_INIT;
	struct rk_err err;
	size_t i;

	for (i = 0; i < s->n; i++) {
		struct rk_version rel = RK_VERSION_INIT, lab = RK_VERSION_INIT;
		char *ls, *vs;
		size_t n;

		if (!rk_version_is_prerelease(&s->tags[i].v))
			continue;
		rk_version_copy(&rel, &s->tags[i].v);
		rk_version_release_only(&rel);
		if (rel_cmp(&rel, t) > 0 && (!best.nrelease || rel_cmp(&rel, &best) > 0)) {
			/* of this channel's label: "<rel>-<label>.N" in the scheme's spelling */
			rk_version_copy(&lab, &rel);
			if (rk_version_set_prerelease(&lab, pl->label, 0, &err) == 0) {
				ls = rk_version_str(&lab);
				vs = rk_version_str(&s->tags[i].v);
				n = strlen(ls);
				if (n && ls[n - 1] == '0')
					n--;
				if (!strncmp(vs, ls, n) && vs[n] &&
				    strspn(vs + n, "0123456789") == strlen(vs + n)) {
					rk_version_release(&best);
					rk_version_copy(&best, &rel);
				}
				free(ls);
				free(vs);
			}
			rk_version_release(&lab);
		}
		rk_version_release(&rel);
	}
	if (best.nrelease) {
		rk_version_release(t);
		rk_version_copy(t, &best);
	}
	rk_version_release(&best);
}

/* The next pre-release counter of label on target t among p's tags. */
static uint64_t counter_of(struct plan *pl, const struct pkg *p, const struct rk_version *t)
{
	struct rk_version x = RK_VERSION_INIT;
	struct series *s = &pl->series[p->series];
	struct rk_err err;
	char *s0;
	size_t len, i;
	uint64_t best = 0;

	rk_version_copy(&x, t);
	if (rk_version_set_prerelease(&x, pl->label, 0, &err) < 0)
		rk_die(RK_EXIT_USAGE, "pre-release label: %s", err.msg);
	s0 = rk_version_str(&x);
	len = strlen(s0);
	if (len && s0[len - 1] == '0')
		s0[--len] = '\0';
	if (!s->vstr) {
		s->vstr = rk_xcalloc(s->n + 1, sizeof(char *));
		for (i = 0; i < s->n; i++)
			s->vstr[i] = rk_version_str(&s->tags[i].v);
	}
	for (i = 0; i < s->n; i++) {
		const char *v = s->vstr[i], *q;
		uint64_t n = 0;

		if (!strncmp(v, s0, len) && v[len]) {
			for (q = v + len; *q >= '0' && *q <= '9'; q++)
				n = n * 10 + (uint64_t)(*q - '0');
			if (!*q && n > best)
				best = n;
		}
	}
	free(s0);
	rk_version_release(&x);
	return best + 1;
}

/*
 * HEAD's first-parent commit count: what makes two nightlies of one day
 * differ (one per commit along a branch, the same for the same commit).
 */
static uint64_t head_height(struct plan *pl)
{
	git_revwalk *w = NULL;
	git_oid id;
	uint64_t n = 0;

	if (pl->height)
		return pl->height;
	if (git_revwalk_new(&w, pl->repo) == 0 && git_revwalk_push_head(w) == 0) {
		git_revwalk_simplify_first_parent(w);
		while (git_revwalk_next(&id, w) == 0)
			n++;
	}
	git_revwalk_free(w);
	return pl->height = n;
}

/*
 * The nightly version of p from the release_train's nightly_version
 * template ({version} the target t, {date} YYYYMMDD), normalised in p's
 * scheme. NULL (the scheme's own spelling) when there is no template, or
 * when the expansion of rk-config's default is not valid in p's scheme
 * (SemVer). Dies when a template gives no valid pre-release.
 */
static char *nightly_from_template(struct plan *pl, const struct pkg *p, const struct rk_version *t)
{
	const char *c = pl->nightly_version;
	char *ver, *out = NULL;
	struct rk_buf b = RK_BUF_INIT;
	struct rk_version v;
	struct rk_err err;

	if (!c || !strcmp(c, DEFAULT_NIGHTLY_VERSION))
		return NULL; /* rk-config's default: the built-in spelling, unique per commit */
	ver = rk_version_str(t);
	while (*c) {
		if (!strncmp(c, "{version}", 9)) {
			rk_buf_adds(&b, ver);
			c += 9;
		} else if (!strncmp(c, "{date}", 6)) {
			rk_buf_adds(&b, pl->date8);
			c += 6;
		} else if (!strncmp(c, "{n}", 3)) {
			rk_buf_addf(&b, "%llu", (unsigned long long)head_height(pl));
			c += 3;
		} else {
			rk_buf_addc(&b, *c++);
		}
	}
	free(ver);
	rk_version_init(&v);
	if (rk_version_parse(&v, p->scheme, b.data, b.len, &err) == 0 &&
	    rk_version_is_prerelease(&v))
		out = rk_version_str(&v);
	rk_version_release(&v);
	if (!out && strcmp(pl->nightly_version, DEFAULT_NIGHTLY_VERSION)) {
		char msg[RK_ERR_MAX];

		snprintf(
			msg, sizeof(msg),
			"release_train: nightly_version '%s' gives '%s' for package '%s', not a %s pre-release",
			pl->nightly_version, b.data, p->name,
			p->scheme == RK_VERSION_PEP440 ? "PEP 440" : "SemVer");
		plan_set_loc(pl, pl->nightly_loc);
		plan_die_at(pl, pl->nightly_line, "%s", msg);
	}
	rk_buf_release(&b);
	return out;
}

void plan_decide_versions(struct plan *pl)
{
	size_t i, k;
	uint64_t *lockctr = rk_xcalloc(pl->nlocks + 1, sizeof(uint64_t));
	struct rk_version *targets = rk_xcalloc(pl->n + 1, sizeof(*targets));
	size_t *lockbase = rk_xcalloc(pl->nlocks + 1, sizeof(size_t));
	struct rk_err err;

	for (i = 0; i < pl->nlocks; i++)
		lockbase[i] = NONE;
	for (i = 0; i < pl->n; i++) {
		size_t l = pl->p[i].lock;

		if (l != NONE &&
		    (lockbase[l] == NONE || rel_cmp(&pl->p[i].cur, &pl->p[lockbase[l]].cur) > 0))
			lockbase[l] = i;
	}

	for (i = 0; i < pl->n; i++) {
		struct pkg *p = &pl->p[i];
		bool plan_or_dep = p->nplans > 0;

		for (k = 0; k < p->nreasons; k++)
			if (p->reasons[k].kind != R_COMMIT)
				plan_or_dep = true;
		p->released = p->lvl > L_NONE;
		/* a pre-release channel releases again only what is new since its last tag */
		if (p->released && pl->label && !p->has_new && !plan_or_dep)
			p->released = false;
		if (p->released) {
			target_of(pl, p, lockbase, &targets[i]);
			if (pl->label && p->lock != NONE) {
				uint64_t c = counter_of(pl, p, &targets[i]);

				if (c > lockctr[p->lock])
					lockctr[p->lock] = c;
			}
		}
	}
	for (i = 0; i < pl->n; i++) {
		struct pkg *p = &pl->p[i];
		struct rk_version *t = &targets[i];
		struct rk_buf tag = RK_BUF_INIT;

		if (!p->released) {
			if (pl->o->all) {
				p->next = rk_xstrdup(p->cur_str);
				rk_tagfmt_expand(plan_tag_format_of(pl, p), p->name, p->label,
						 p->eco, p->next, &tag);
				p->tag = rk_buf_detach(&tag, NULL);
			}
			continue;
		}
		if (pl->nightly)
			p->next = nightly_from_template(pl, p, t);
		if (p->next) {
			/* the release_train's nightly_version */
		} else if (pl->nightly || pl->snapshot) {
			uint64_t date = strtoull(pl->date8, NULL, 10);
			const char *lab = pl->nightly			   ? "nightly"
					  : p->scheme == RK_VERSION_PEP440 ? "dev"
									   : "snapshot";
			char semlab[64];

			/* nightlies: unique per commit (HEAD's commit count after the
			 * date): 1.2.4-nightly.20261130.57, 1.2.4.dev20261130000057 */
			if (pl->nightly && p->scheme == RK_VERSION_PEP440) {
				date = date * 1000000 + head_height(pl) % 1000000;
			} else if (pl->nightly) {
				snprintf(semlab, sizeof(semlab), "nightly.%s", pl->date8);
				lab = semlab;
				date = head_height(pl);
			}
			if (rk_version_set_prerelease(t, lab, date, &err) < 0)
				rk_die(RK_EXIT_FAIL, "package '%s': %s", p->name, err.msg);
			p->next = rk_version_str(t);
			if (pl->snapshot && p->scheme == RK_VERSION_PEP440) {
				struct rk_buf b = RK_BUF_INIT;

				rk_buf_addf(&b, "%s+snapshot", p->next);
				free(p->next);
				p->next = rk_buf_detach(&b, NULL);
			}
		} else if (pl->label) {
			uint64_t c = p->lock != NONE ? lockctr[p->lock] : counter_of(pl, p, t);

			if (rk_version_set_prerelease(t, pl->label, c, &err) < 0)
				rk_die(RK_EXIT_USAGE, "pre-release label: %s", err.msg);
			p->next = rk_version_str(t);
		} else {
			p->next = rk_version_str(t);
		}
		rk_tagfmt_expand(plan_tag_format_of(pl, p), p->name, p->label, p->eco, p->next,
				 &tag);
		p->tag = rk_buf_detach(&tag, NULL);
	}
	for (i = 0; i < pl->n; i++)
		rk_version_release(&targets[i]);
	free(targets);
	free(lockctr);
	free(lockbase);
}
