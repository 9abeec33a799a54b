/*
 * fuzz_rules.c: libFuzzer target for the rule loader (extractor/rules.c): the bytes are
 * the text of one .rules file (written to a scratch folder, loaded with mk_rules_load as
 * `--rules DIR` would). A load must fail with a message, or give rules that all hold
 * compiled code, sorted into kinds; those rules then run their own examples
 * (mk_rules_check) and extract from a small fixed call, and their examples as one block of
 * sentences (rules_match_block) give as many matches per sentence and kind as each alone. Crashes, leaks, sanitizer
 * reports and hangs are findings.
 *
 * Bounded so a hang means a bug, not a slow pattern: inputs over 8 KiB are skipped, and
 * the loaded patterns are recompiled with (*LIMIT_MATCH=..) in front (rules.c matches
 * with PCRE2's defaults, 10 million steps per start, which a pattern such as (a+)+$ uses
 * up on every sentence), so inputs that set a LIMIT themselves are skipped too.
 * The folder also holds 00-base.rules, one fixed rule and a macro the input may use, so
 * a load never ends with zero rules: mk_rules_load then calls qsort(NULL, 0, ...),
 * undefined behaviour that UBSan stops at (extractor/rules.c, reported in issue 7);
 * FUZZ_RULES_BARE=1 leaves the base file out, to reproduce that.
 * Seeds: corpus/fuzz_rules/ (rules in the shipped files' style, and broken ones).
 */
#include "extractor/rules.h"
#include "mapkeeper.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FUZZ_ASSERT(c) \
	do { \
		if (!(c)) \
			__builtin_trap(); \
	} while (0)

#define FUZZ_MAX_INPUT 8192
#define LIMITS "(*LIMIT_MATCH=5000)(*LIMIT_DEPTH=5000)(*LIMIT_HEAP=4096)"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char call_vtt[] =
	"WEBVTT\n\n"
	"1\n00:00:01.000 --> 00:00:05.000\n"
	"Maya Brooks: I'll send you the security questionnaire by Friday.\n\n"
	"2\n00:00:06.000 --> 00:00:10.000\n"
	"Leo Grant: Farah is our CFO and she signs off, but budget is tight this year.\n\n"
	"3\n00:00:11.000 --> 00:00:15.000\n"
	"Leo Grant: Can you get us the ROI model by next Tuesday? We're also looking at Zendesk.\n\n"
	"4\n00:00:16.000 --> 00:00:20.000\n"
	"Maya Brooks: Sure, I can do that. The sandbox is done, I might not make the pilot.\n\n"
	"5\n00:00:21.000 --> 00:00:24.000\n"
	"Leo Grant: I'll have Nina send the ticket export on March 15th, naïve café ünïcode.\n";

static const char base_rules[] =
	"define FUZZ_ME = (?:I|we)\n"
	"rule fuzz.base\n"
	"kind: commitment\n"
	"needs: 'll\n"
	"pattern: \\b{FUZZ_ME}'ll\\s+(?<action>\\w[^.]*)\n"
	"example: I'll send the questionnaire => action=send the questionnaire\n";

static char dir[64], file[96], base[96];
static struct mk_transcript call;

static void cleanup(void)
{
	if (file[0])
		unlink(file);
	if (base[0])
		unlink(base);
	if (dir[0])
		rmdir(dir);
	mk_transcript_release(&call);
}

static void setup(void)
{
	struct mk_diag d;
	strcpy(dir, "/tmp/fuzz_rules.XXXXXX");
	if (!mkdtemp(dir))
		abort();
	snprintf(file, sizeof file, "%s/fuzz.rules", dir);
	if (!getenv("FUZZ_RULES_BARE")) {
		FILE *f;
		snprintf(base, sizeof base, "%s/00-base.rules", dir);
		if (!(f = fopen(base, "wb")) || fputs(base_rules, f) < 0 || fclose(f))
			abort();
	}
	mk_transcript_init(&call);
	if (mk_transcript_parse(&call, "call.vtt", call_vtt, sizeof call_vtt - 1, &d) != MK_OK)
		abort();
	atexit(cleanup);
}

static void no_report(void *ctx, const char *f, long line, const char *msg)
{
	size_t *n = ctx;
	FUZZ_ASSERT(f && msg && msg[0] && line >= 0);
	(*n)++;
}

/* Recompiles every rule with the match limits in front; 0 if one does not compile. */
static int limit(struct mk_rules *rs)
{
	for (size_t i = 0; i < rs->n; i++) {
		struct rule *r = &rs->r[i];
		uint32_t opts = PCRE2_UTF | PCRE2_UCP | PCRE2_NO_UTF_CHECK | PCRE2_DUPNAMES;
		char *pat = malloc(strlen(LIMITS) + strlen(r->expanded) + 1);
		int ec;
		PCRE2_SIZE off;
		pcre2_code *code;
		if (!pat)
			abort();
		strcpy(pat, LIMITS);
		strcat(pat, r->expanded);
		if (!r->case_sensitive)
			opts |= PCRE2_CASELESS;
		code = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, opts, &ec, &off, NULL);
		free(pat);
		if (!code)
			return 0;
		pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
		pcre2_code_free(r->code);
		r->code = code;
	}
	return 1;
}

static int sets_limit(const uint8_t *data, size_t size)
{
	static const char w[] = "limit_";
	for (size_t i = 0; i + sizeof w - 1 <= size; i++) {
		size_t k = 0;
		while (k < sizeof w - 1 && (data[i + k] | 0x20) == (w[k] | 0x20))
			k++;
		if (k == sizeof w - 1)
			return 1;
	}
	return 0;
}

static int count_block(void *ctx, size_t i, size_t k, const struct rule_match *m)
{
	(void)m;
	((size_t *)ctx)[i * RK_KIND_COUNT + k]++;
	return 0;
}

static int count_one(void *ctx, const struct rule_match *m)
{
	(void)m;
	++*(size_t *)ctx;
	return 0;
}

/* The rules' first RULES_BLOCK_MAX examples as a block: every kind, the same number of
 * matches per sentence as rules_match_kind over that sentence alone (and the block's
 * own rules_match_block_kind). */
static void check_block(const struct mk_rules *rs)
{
	static const enum rule_kind kinds[RK_KIND_COUNT] = { RK_COMMITMENT, RK_VETO, RK_REQUEST, RK_ACCEPT,
							     RK_STAKEHOLDER, RK_RISK, RK_UPDATE };
	static size_t counts[RULES_BLOCK_MAX * RK_KIND_COUNT];
	struct rules_text s[RULES_BLOCK_MAX];
	struct rules_scan sc = { 0 };
	struct rules_block *b = rules_block_new(rs);
	pcre2_match_data *md = rules_match_data(rs);
	size_t n = 0;
	for (size_t t = 0; t < rs->n && n < RULES_BLOCK_MAX; t++)
		for (size_t e = 0; e < rs->r[t].nex && n < RULES_BLOCK_MAX; e++, n++)
			s[n] = (struct rules_text){ rs->r[t].ex[e].text, strlen(rs->r[t].ex[e].text) };
	memset(counts, 0, sizeof counts);
	rules_match_block(b, s, n, kinds, RK_KIND_COUNT - 2, md, count_block, counts); /* all but two */
	for (size_t i = 0; i < n; i++) {
		char *lower = malloc(s[i].len + 1);
		if (!lower)
			abort();
		rules_lower(s[i].text, s[i].len, lower);
		rules_scan_text(rs, &sc, lower, s[i].len);
		for (size_t k = 0; k < RK_KIND_COUNT; k++) {
			size_t alone = 0, late = 0;
			rules_match_kind(rs, kinds[k], s[i].text, &sc, s[i].len, md, count_one, &alone);
			rules_match_block_kind(b, i, kinds[k], md, count_one, &late);
			FUZZ_ASSERT(late == alone);
			FUZZ_ASSERT(k >= RK_KIND_COUNT - 2 || counts[i * RK_KIND_COUNT + k] == alone);
		}
		free(lower);
	}
	rules_scan_release(&sc);
	pcre2_match_data_free(md);
	rules_block_free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const sellers[] = { "Maya Brooks" };
	struct mk_rules *rs = NULL;
	struct mk_diag d;
	enum mk_err err;
	FILE *f;

	if (size > FUZZ_MAX_INPUT || sets_limit(data, size))
		return 0;
	if (!dir[0])
		setup();
	f = fopen(file, "wb");
	if (!f)
		abort();
	if (size && fwrite(data, 1, size, f) != size)
		abort();
	if (fclose(f))
		abort();

	mk_diag_clear(&d);
	err = mk_rules_load(&rs, dir, &d);
	if (err) {
		FUZZ_ASSERT(rs == NULL && d.msg[0]);
		return 0;
	}
	FUZZ_ASSERT(rs != NULL);
	size_t total = 0;
	for (int k = 0; k < RK_KIND_COUNT; k++) {
		for (size_t i = 0; i < rs->by_kind_n[k]; i++)
			FUZZ_ASSERT(rs->r[rs->by_kind_start[k] + i].kind == (enum rule_kind)k);
		total += rs->by_kind_n[k];
	}
	FUZZ_ASSERT(total == rs->n && mk_rules_count(rs) == rs->n);
	for (size_t i = 0; i < rs->n; i++)
		FUZZ_ASSERT(rs->r[i].code && rs->r[i].expanded && rs->r[i].id);

	if (limit(rs)) {
		size_t nex = 0, reports = 0, fails;
		struct mk_findings fi;
		struct mk_extract_opts o;
		fails = mk_rules_check(rs, no_report, &reports, &nex);
		FUZZ_ASSERT(fails == reports);
		check_block(rs);
		memset(&o, 0, sizeof o);
		mk_date_parse("2026-03-03", &o.date);
		o.sellers = sellers;
		o.nsellers = 1;
		o.seller_org = "Deskflow";
		o.buyer_org = "Northwind";
		mk_findings_init(&fi);
		FUZZ_ASSERT(mk_extract(rs, &call, &o, &fi, &d) == MK_OK);
		for (size_t i = 0; i < fi.ncommitments; i++)
			FUZZ_ASSERT(fi.commitments[i].ev.utt_last < call.n && fi.commitments[i].action);
		mk_findings_release(&fi);
	}
	mk_rules_free(rs);
	return 0;
}
