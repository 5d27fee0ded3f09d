/* rk_changelog.c - the changelog section of one release (see the header). */
#include "rk_common.h"
#include "rk_changelog.h"

const char *const rk_changelog_default_exclude[] = {"chore", "ci", "style", "test", "build", NULL};

static const struct {
	const char *type;
	const char *title;
} sections[] = {
	{"!", "Breaking Changes"},   {"feat", "Features"},	{"fix", "Bug Fixes"},
	{"perf", "Performance"},     {"revert", "Reverts"},	{"docs", "Documentation"},
	{"refactor", "Refactoring"}, {"build", "Build System"}, {"ci", "Continuous Integration"},
	{"test", "Tests"},	     {"style", "Styles"},	{"chore", "Chores"},
	{"*", "Other Changes"},	     {"@", "Dependencies"},
};

static bool excluded(const char *type, const char *const *exclude)
{
	size_t i;

	for (i = 0; exclude[i]; i++)
		if (!strcmp(exclude[i], type))
			return true;
	return false;
}

static bool known_type(const char *type)
{
	size_t i;

	for (i = 1; i < RK_ARRAY_SIZE(sections) - 2; i++)
		if (!strcmp(sections[i].type, type))
			return true;
	return false;
}

/* The section key an item belongs to, or NULL when it is left out. */
static const char *section_of(const struct rk_changelog_item *it, const char *const *exclude)
{
	if (it->dependency)
		return "@";
	if (it->plan_bump) {
		if (!strcmp(it->plan_bump, "major"))
			return "!";
		if (!strcmp(it->plan_bump, "minor"))
			return "feat";
		if (!strcmp(it->plan_bump, "patch"))
			return "fix";
		return "*";
	}
	if (it->breaking)
		return "!";
	if (!it->type || excluded(it->type, exclude))
		return NULL;
	return known_type(it->type) ? it->type : "*";
}

static void add_text(struct rk_buf *out, const char *text)
{
	const char *p = text;

	while (*p) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (p != text)
			rk_buf_adds(out, len ? "\n  " : "\n");
		rk_buf_add(out, p, len);
		p += len;
		if (*p)
			p++;
	}
}

void rk_changelog_render(struct rk_buf *out, const char *version, const char *date,
			 const struct rk_changelog_item *items, size_t n,
			 const char *const *exclude)
{
	size_t s, i, shown = 0;

	if (!exclude)
		exclude = rk_changelog_default_exclude;
	rk_buf_addf(out, "## [%s] - %s\n", version, date);
	for (s = 0; s < RK_ARRAY_SIZE(sections); s++) {
		int pass;
		bool head = false;

		/* plan summaries first, then commits, then the rest */
		for (pass = 0; pass < 2; pass++) {
			for (i = 0; i < n; i++) {
				const struct rk_changelog_item *it = &items[i];
				const char *sec = section_of(it, exclude);

				if (!sec || strcmp(sec, sections[s].type) ||
				    (pass == 0) != (it->plan_bump != NULL))
					continue;
				if (!head) {
					rk_buf_addf(out, "\n### %s\n\n", sections[s].title);
					head = true;
				}
				rk_buf_adds(out, "- ");
				if (it->scope)
					rk_buf_addf(out, "**%s:** ", it->scope);
				add_text(out, it->text ? it->text : "");
				if (it->id)
					rk_buf_addf(out, " (%s)", it->id);
				rk_buf_addc(out, '\n');
				shown++;
			}
		}
	}
	if (!shown)
		rk_buf_adds(out, "\nNo notable changes.\n");
}
