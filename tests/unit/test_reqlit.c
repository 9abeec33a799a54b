/* test_reqlit.c: the rule engine's parts. The literals a pattern cannot match without
 * (extractor/reqlit.c), and the engine's use of them (extractor/rules.c, needs.c): a rule
 * run branch by branch, behind its literals, finds exactly what its whole pattern finds;
 * the start hint (extractor/hints.c) changes no match; a block of sentences
 * (rules_match_block) gives what each sentence gives alone; the loader's key table reads
 * every key of rules/FORMAT.md. */
#include "extractor/hints.h"
#include "extractor/reqlit.h"
#include "extractor/rules.h"
#include "util/util.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* ---- the start hint ---- */

static void check_hint(const char *pat, int case_sensitive, const char *want)
{
	char *h = hints_start(pat, case_sensitive);
	if (!want ? h != NULL : !h || strcmp(h, want)) {
		printf("#   hint of %s: %s, wanted %s\n", pat, h ? h : "none", want ? want : "none");
		CHECK(0);
	} else {
		CHECK(1);
	}
	free(h);
}

/* The first match of code in text: start, end, or -1 (into se[2]). */
static void first_span(const pcre2_code *code, const char *text, pcre2_match_data *md, long se[2])
{
	int rc = pcre2_match(code, (PCRE2_SPTR)text, strlen(text), 0, 0, md, NULL);
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
	se[0] = rc > 0 ? (long)ov[0] : -1;
	se[1] = rc > 0 ? (long)ov[1] : -1;
}

static void test_hints(void)
{
	struct mk_rules *rs = NULL;
	struct mk_diag d = { 0 };
	pcre2_match_data *md;
	size_t hinted = 0, bad = 0;
	check_hint("\\b(?=\\p{Lu})\\p{Lu}\\p{Ll}+", 0, "(?-i:(?=[\\x{41}-\\x{5a}\\x{80}-\\x{10ffff}]))");
	check_hint("(?:send|mail)\\b", 1, "(?-i:(?=[\\x{6d}\\x{73}]))");
	check_hint("(?i)abc", 1, "(?-i:(?=[\\x{41}\\x{61}]))");
	check_hint("x?y", 1, "(?-i:(?=[\\x{78}-\\x{79}]))");
	check_hint("a?", 1, NULL);        /* may match nothing */
	check_hint(".x", 1, NULL);        /* may start anywhere */
	check_hint("(*UTF)a", 1, NULL);   /* not understood */
	check_hint("a\\Kb", 1, NULL);
	CHECK(mk_rules_load(&rs, "rules", &d) == MK_OK);
	if (!rs)
		return;
	md = rules_match_data(rs);
	/* every shipped pattern, hinted or not: the same first match on every example */
	for (size_t i = 0; i < rs->n; i++) {
		const struct rule *r = &rs->r[i];
		uint32_t opts = PCRE2_UTF | PCRE2_UCP | PCRE2_DUPNAMES | (r->case_sensitive ? 0 : PCRE2_CASELESS);
		int ec;
		PCRE2_SIZE off;
		pcre2_code *plain = pcre2_compile((PCRE2_SPTR)r->expanded, PCRE2_ZERO_TERMINATED, opts, &ec, &off, NULL);
		pcre2_code *hint = hints_compile(r->expanded, r->case_sensitive, 0, &ec, &off);
		char *h = hints_start(r->expanded, r->case_sensitive);
		hinted += h != NULL;
		free(h);
		for (size_t t = 0; plain && hint && t < rs->n; t++)
			for (size_t e = 0; e < rs->r[t].nex; e++) {
				long a[2], b[2];
				first_span(plain, rs->r[t].ex[e].text, md, a);
				first_span(hint, rs->r[t].ex[e].text, md, b);
				if ((a[0] != b[0] || a[1] != b[1]) && bad++ < 5)
					printf("#   rule %s on \"%s\": the hint moves the match\n", r->id, rs->r[t].ex[e].text);
			}
		CHECK(plain && hint);
		pcre2_code_free(plain);
		pcre2_code_free(hint);
	}
	CHECK(hinted > 10); /* the name rules at least */
	CHECK(bad == 0);
	pcre2_match_data_free(md);
	mk_rules_free(rs);
}

/* ---- a block of sentences: the same matches as one sentence at a time ---- */

static void describe(struct mk_buf *b, const struct rule_match *m)
{
	mk_buf_addf(b, "%s %zu-%zu", m->rule->id, m->start, m->end);
	for (int g = 0; g < RG_COUNT; g++)
		mk_buf_addf(b, " %ld-%ld", m->gs[g], m->ge[g]);
	mk_buf_addc(b, ';');
}

static int block_cb(void *ctx, size_t i, size_t k, const struct rule_match *m)
{
	describe(&((struct mk_buf *)ctx)[i * RK_KIND_COUNT + k], m);
	return 0;
}

static int kind_cb(void *ctx, const struct rule_match *m)
{
	describe(ctx, m);
	return 0;
}

/* Sentences s[0..n) as a block against each alone; the count of (sentence, kind) that differ. */
static size_t block_differs(const struct mk_rules *rs, struct rules_block *b, const struct rules_text *s, size_t n,
			    pcre2_match_data *md, struct mk_buf *got)
{
	static const enum rule_kind in_block[] = { RK_COMMITMENT, RK_STAKEHOLDER, RK_REQUEST, RK_RISK, RK_UPDATE };
	struct rules_scan sc = { 0 };
	struct mk_buf one;
	size_t bad = 0;
	mk_buf_init(&one);
	for (size_t i = 0; i < n * RK_KIND_COUNT; i++)
		mk_buf_reset(&got[i]);
	rules_match_block(b, s, n, in_block, 5, md, block_cb, got);
	for (size_t i = 0; i < n; i++) {
		char *lower = mk_malloc(s[i].len + 1);
		rules_lower(s[i].text, s[i].len, lower);
		rules_scan_text(rs, &sc, lower, s[i].len);
		for (int k = 0; k < RK_KIND_COUNT; k++) {
			struct mk_buf *g = &got[i * RK_KIND_COUNT + (k < 5 ? (size_t)k : 5)];
			enum rule_kind kind = k < 5 ? in_block[k] : k == 5 ? RK_VETO : RK_ACCEPT;
			if (k >= 5) { /* the kinds left out of the block, asked of it afterwards */
				mk_buf_reset(g);
				rules_match_block_kind(b, i, kind, md, kind_cb, g);
			}
			mk_buf_reset(&one);
			rules_match_kind(rs, kind, s[i].text, &sc, s[i].len, md, kind_cb, &one);
			bad += one.len != g->len || (one.len && memcmp(one.s, g->s, one.len));
		}
		free(lower);
	}
	mk_buf_release(&one);
	rules_scan_release(&sc);
	return bad;
}

static void test_block(void)
{
	struct mk_rules *rs = NULL;
	struct mk_diag d = { 0 };
	struct rules_text s[RULES_BLOCK_MAX];
	struct mk_buf *got = mk_calloc(RULES_BLOCK_MAX * RK_KIND_COUNT, sizeof *got);
	struct rules_block *b;
	pcre2_match_data *md;
	size_t n = 0, blocks = 0, bad = 0;
	CHECK(mk_rules_load(&rs, "rules", &d) == MK_OK);
	if (!rs) {
		free(got);
		return;
	}
	md = rules_match_data(rs);
	b = rules_block_new(rs);
	for (size_t t = 0; t < rs->n; t++) /* every example, RULES_BLOCK_MAX at a time */
		for (size_t e = 0; e < rs->r[t].nex; e++) {
			s[n].text = rs->r[t].ex[e].text;
			s[n].len = strlen(s[n].text);
			if (++n == RULES_BLOCK_MAX) {
				bad += block_differs(rs, b, s, n, md, got);
				blocks++;
				n = 0;
			}
		}
	if (n)
		bad += block_differs(rs, b, s, n, md, got), blocks++;
	CHECK(blocks > 3);
	CHECK(bad == 0);
	CHECK(rules_match_block_kind(b, RULES_BLOCK_MAX, RK_VETO, md, kind_cb, NULL) == 0); /* past the block */
	for (size_t i = 0; i < RULES_BLOCK_MAX * RK_KIND_COUNT; i++)
		mk_buf_release(&got[i]);
	free(got);
	rules_block_free(b);
	pcre2_match_data_free(md);
	mk_rules_free(rs);
}

/* ---- the loader's key table ---- */

static void count_report(void *ctx, const char *file, long line, const char *msg)
{
	printf("#   %s:%ld: %s\n", file, line, msg);
	++*(size_t *)ctx;
}

static void test_keys(void)
{
	static const char text[] = "define X = send\n"
				   "rule k.veto\n"
				   "kind: veto\n"
				   "pattern: \\b{X}\n"
				   "  \\s+(?<action>\\w+)\n"
				   "confidence: 0.5\n"
				   "veto: hedge\n"
				   "scope: clause\n"
				   "context: reply\n"
				   "flags: case\n"
				   "needs: Send|MAIL\n"
				   "needs: post\n"
				   "example: send it => action=it\n"
				   "counter: Send it\n"
				   "rule k.risk\n"
				   "kind: risk\n"
				   "category: budget\n"
				   "change: done\n"
				   "category: timeline\n"
				   "pattern: late\n"
				   "example: late\n";
	char dir[] = "/tmp/test_keys.XXXXXX", path[64];
	struct mk_rules *rs = NULL;
	struct mk_diag d = { 0 };
	FILE *f;
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/a.rules", dir);
	f = fopen(path, "w");
	CHECK(f && fputs(text, f) >= 0 && !fclose(f));
	CHECK(mk_rules_load(&rs, dir, &d) == MK_OK);
	unlink(path);
	rmdir(dir);
	if (!rs)
		return;
	CHECK(rs->n == 2 && rs->r[0].kind == RK_VETO && rs->r[1].kind == RK_RISK);
	{
		const struct rule *v = &rs->r[0], *r = &rs->r[1];
		size_t nex = 0, fails = 0;
		CHECK(!strcmp(v->pattern, "\\b{X}\\s+(?<action>\\w+)") &&
		      !strcmp(v->expanded, "\\b(?:send)\\s+(?<action>\\w+)"));
		CHECK(v->confidence == 0.5 && !strcmp(v->tag, "hedge") && v->scope_sentence == 3);
		CHECK(v->context == RULE_CTX_REPLY && v->case_sensitive);
		CHECK(v->nneeds == 3 && !strcmp(v->needs[0], "send") && !strcmp(v->needs[1], "mail") &&
		      !strcmp(v->needs[2], "post"));
		CHECK(v->nex == 2 && v->ex[0].must_match && !strcmp(v->ex[0].expect, "action=it") && !v->ex[1].must_match);
		CHECK(!strcmp(r->tag, "timeline") && r->confidence == 0.8 && r->scope_sentence == 0);
		CHECK(mk_rules_check(rs, count_report, &fails, &nex) == 0 && fails == 0 && nex == 3);
	}
	mk_rules_free(rs);
}

int main(void)
{
	RUN(test_find);
	RUN(test_split);
	RUN(test_rules_agree);
	RUN(test_hints);
	RUN(test_block);
	RUN(test_keys);
	return tap_done();
}
