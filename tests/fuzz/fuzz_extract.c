/*
 * fuzz_extract.c: libFuzzer target for the whole extraction: bytes -> transcript ->
 * the shipped rules (loaded once from rules/, run from the repository root) -> findings.
 * Every finding's evidence must name cues that exist, with start <= end, and every due
 * date must be a real date. Seeds: corpus/fuzz_extract/ (the demo and extraction cases).
 */
#include "fuzz_check.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct mk_rules *rules;

static void check_ev(const struct mk_transcript *t, const struct mk_evidence *ev)
{
	FUZZ_ASSERT(ev->utt_first <= ev->utt_last && ev->utt_last < t->n);
	FUZZ_ASSERT(ev->start_ms <= ev->end_ms || ev->utt_first != ev->utt_last);
	FUZZ_ASSERT(ev->quote && ev->speaker);
}

static void check_date(struct mk_date d)
{
	char b[16];
	struct mk_date back;
	mk_date_format(d, b, sizeof b);
	FUZZ_ASSERT(mk_date_parse(b, &back) == MK_OK && back.y == d.y && back.m == d.m && back.d == d.d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const sellers[] = { "Maya Brooks", "Dana Park" };
	struct mk_transcript t;
	struct mk_findings f;
	struct mk_extract_opts o;
	struct mk_diag d;

	if (!rules && mk_rules_load(&rules, "rules", &d) != MK_OK)
		abort(); /* run from the repository root */
	mk_transcript_init(&t);
	mk_findings_init(&f);
	if (mk_transcript_parse(&t, "fuzz.vtt", (const char *)data, size, &d) == MK_OK) {
		memset(&o, 0, sizeof o);
		mk_date_parse("2026-12-30", &o.date);
		o.sellers = sellers;
		o.nsellers = 2;
		FUZZ_ASSERT(mk_extract(rules, &t, &o, &f, &d) == MK_OK);
		for (size_t i = 0; i < f.ncommitments; i++) {
			check_ev(&t, &f.commitments[i].ev);
			if (f.commitments[i].has_due)
				check_date(f.commitments[i].due);
		}
		for (size_t i = 0; i < f.nstakeholders; i++)
			check_ev(&t, &f.stakeholders[i].ev);
		for (size_t i = 0; i < f.nrisks; i++)
			check_ev(&t, &f.risks[i].ev);
		for (size_t i = 0; i < f.nupdates; i++)
			check_ev(&t, &f.updates[i].ev);
		for (size_t i = 0; i < f.ndates; i++)
			check_ev(&t, &f.dates[i].ev);
	}
	mk_findings_release(&f);
	mk_transcript_release(&t);
	return 0;
}
