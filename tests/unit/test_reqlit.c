/* test_reqlit.c: the literals a pattern cannot match without (extractor/reqlit.c), and the
 * rule engine's use of them (extractor/rules.c): a rule run branch by branch, behind its
 * literals, finds exactly what its whole pattern finds. */
#include "extractor/reqlit.h"
#include "extractor/rules.h"
#include "util/util.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

/* Does lits[0..n) hold exactly the words of want ("a b c"), in any order? */
static int same_words(char **lits, size_t n, const char *want)
{
	size_t k = 0;
	char buf[512], *save = NULL;
	snprintf(buf, sizeof buf, "%s", want);
	for (char *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		int found = 0;
		for (size_t i = 0; i < n; i++)
			found |= !strcmp(lits[i], w);
		if (!found)
			return 0;
		k++;
	}
	return k == n;
}

static void check_lits(const char *pattern, const char *want)
{
	size_t n = 0;
	char **l = reqlit_find(pattern, &n);
	if (!want) {
		CHECK(!l && !n);
	} else {
		CHECK(l && same_words(l, n, want));
		if (l && !same_words(l, n, want))
			for (size_t i = 0; i < n; i++)
				printf("#   %s: [%s]\n", pattern, l[i]);
	}
	reqlit_free(l, n);
}

static void test_find(void)
{
	check_lits("\\bcustomi[sz]ed\\b", "customised customized");
	check_lits("\\b(?:send|share)\\s+it", "send share");
	check_lits("days?\\s+notice", "notice");
	check_lits("Out\\s+of\\s+(?:vendor\\s+)?support", "support");
	check_lits("(?:a|bb)\\s+(?:payroll|freeze)", "payroll freeze");
	check_lits("(?:deal|non)[\\s-]?(?:breaker|starter)", "breaker starter");
	check_lits("(?i)(?<!not\\s)approved", "approved");
	check_lits("(?=\\w+\\s+later)the\\s+\\w+", "the"); /* "later": in a lookahead */
	check_lits("(?=\\w+\\s+later)to\\s+\\w+", NULL);  /* "to": too short to be worth it */
	check_lits("\\w+\\s+\\d+", NULL);
	check_lits("(?:foo|\\w+)bar", "bar");
	check_lits("(?:foo|\\w+)x", NULL);
	check_lits("(contract)\\s+\\1", NULL); /* a back reference: gives up */
	check_lits("(?x) c o n t r a c t", NULL);
	check_lits("\\x{41}bcd", "abcd");
	check_lits("caf\\x{e9}s", "caf"); /* a non-ASCII character ends a literal */
	check_lits("(?:ship){2,}", "ship");
	check_lits("(?:ship)*x", NULL);
}

static void check_split(const char *pattern, size_t want)
{
	size_t n = 0;
	char **u = reqlit_split(pattern, &n);
	CHECK(n == want);
	CHECK((u != NULL) == (want > 0));
	reqlit_free(u, n);
}

static void test_split(void)
{
	size_t n = 0;
	char **u = reqlit_split("\\b(?:stuck|blocked\\s+on)\\b(?!\\s+now)", &n);
	CHECK(n == 2);
	if (n == 2) {
		CHECK_STR(u[0], "\\b(?:stuck)\\b(?!\\s+now)");
		CHECK_STR(u[1], "\\b(?:blocked\\s+on)\\b(?!\\s+now)");
	}
	reqlit_free(u, n);
	check_split("(?:a|b)+", 0);               /* a quantified alternation */
	check_split("\\w(?:a|b)", 0);             /* something that matches in front */
	check_split("(a)(?:b|c)", 0);             /* a capture in front */
	check_split("(?:a(?i)b|c)", 0);           /* an option that reaches the next branch */
	check_split("(?:a|b)c|d", 0);             /* an alternation of the whole */
	check_split("(?<!x)\\b(?:a|b|c)d", 3);
}

/* ---- every rule of the repository: split or whole, the same matches as the whole
 * pattern on every text its needs: words let through ---- */

struct mlist {
	struct rule_match m[64];
	size_t n;
};

static int collect(void *ctx, const struct rule_match *m)
{
	struct mlist *l = ctx;
	if (l->n < 64)
		l->m[l->n++] = *m;
	return 0;
}

/* The whole pattern, matched as rules_match_rule matches an unsplit rule. */
static void whole_matches(const struct rule *r, const char *text, size_t len, pcre2_match_data *md, struct mlist *l)
{
	size_t off = 0;
	l->n = 0;
	while (off <= len && l->n < 64) {
		int rc = pcre2_match(r->code, (PCRE2_SPTR)text, len, off, 0, md, NULL);
		PCRE2_SIZE *ov;
		struct rule_match *m = &l->m[l->n];
		if (rc <= 0)
			break;
		ov = pcre2_get_ovector_pointer(md);
		m->rule = r;
		m->start = ov[0];
		m->end = ov[1];
		for (int g = 0; g < RG_COUNT; g++) {
			m->gs[g] = m->ge[g] = -1;
			for (int k = 0; k < r->ngroup[g]; k++) {
				int gn = r->group[g][k];
				if (gn > 0 && gn < rc && ov[2 * gn] != PCRE2_UNSET) {
					m->gs[g] = (long)ov[2 * gn];
					m->ge[g] = (long)ov[2 * gn + 1];
					break;
				}
			}
		}
		l->n++;
		if (m->end > off)
			off = m->end;
		else {
			off++;
			while (off < len && ((unsigned char)text[off] & 0xC0) == 0x80)
				off++;
		}
	}
}

static int same_matches(const struct mlist *a, const struct mlist *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++) {
		if (a->m[i].start != b->m[i].start || a->m[i].end != b->m[i].end)
			return 0;
		for (int g = 0; g < RG_COUNT; g++)
			if (a->m[i].gs[g] != b->m[i].gs[g] || a->m[i].ge[g] != b->m[i].ge[g])
				return 0;
	}
	return 1;
}

static void test_rules_agree(void)
{
	struct mk_rules *rs = NULL;
	struct mk_diag d = { 0 };
	pcre2_match_data *md, *md2;
	struct rules_scan sc = { 0 };
	size_t texts = 0, nsplit = 0, bad = 0;
	CHECK(mk_rules_load(&rs, "rules", &d) == MK_OK);
	if (!rs)
		return;
	md = rules_match_data(rs);
	md2 = rules_match_data(rs);
	for (size_t i = 0; i < rs->n; i++)
		nsplit += rs->r[i].nunits > 0;
	CHECK(nsplit > 10); /* the big risk rules at least */
	/* every example and counter of every rule, against every rule */
	for (size_t t = 0; t < rs->n; t++)
		for (size_t e = 0; e < rs->r[t].nex; e++) {
			const char *text = rs->r[t].ex[e].text;
			size_t len = strlen(text);
			char *lower = mk_malloc(len + 1);
			rules_lower(text, len, lower);
			rules_scan_text(rs, &sc, lower, len);
			texts++;
			for (size_t i = 0; i < rs->n; i++) {
				const struct rule *r = &rs->r[i];
				struct mlist whole, got;
				int stopped = 0;
				int needed = !r->nneeds;
				for (size_t k = 0; k < r->nneeds && !needed; k++) /* what needs: lets through */
					needed = strstr(lower, r->needs[k]) != NULL;
				whole_matches(r, text, len, md2, &whole);
				if (!needed)
					whole.n = 0;
				got.n = 0;
				if (rules_may_match(rs, r, sc.may))
					rules_match_rule_may(rs, r, sc.may, text, len, md, collect, &got, &stopped);
				if (!same_matches(&whole, &got)) {
					if (bad++ < 5)
						printf("#   rule %s on \"%s\": %zu matches whole, %zu as run\n", r->id, text,
						       whole.n, got.n);
				}
				got.n = 0;
				if (needed) /* no mask: every branch */
					rules_match_rule(r, text, len, md, collect, &got, &stopped);
				if (!same_matches(&whole, &got) && bad++ < 5)
					printf("#   rule %s on \"%s\": unmasked run differs\n", r->id, text);
			}
			free(lower);
		}
	CHECK(texts > 100);
	CHECK(bad == 0);
	rules_scan_release(&sc);
	pcre2_match_data_free(md);
	pcre2_match_data_free(md2);
	mk_rules_free(rs);
}

int main(void)
{
	RUN(test_find);
	RUN(test_split);
	RUN(test_rules_agree);
	return tap_done();
}
