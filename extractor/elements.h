/*
 * elements.h: the plan's elements beyond tasks (issue 14), as the extractor finds them:
 * the goal, the go-live date and the success criteria (extractor/goals.c), the
 * dependencies, the next meeting and what is said of a stakeholder's stance
 * (extractor/meetings.c). extract.c runs both over a call's sentences after the
 * commitments and stakeholders are found, through struct el_call: the finders see the
 * sentences, their speakers and sides, and make evidence, but not extract.c's internals.
 * The rules (kinds goal, go_live, criterion, dependency, next_meeting, stance) say what
 * each sounds like (rules/FORMAT.md); these files say which match stands.
 */
#ifndef MK_EXTRACTOR_ELEMENTS_H
#define MK_EXTRACTOR_ELEMENTS_H

#include "extractor/rules.h"
#include "mapkeeper.h"

#include <stddef.h>
#include <stdint.h>

struct el_sentence {
	const char *text;           /* the sentence (fillers masked), not NUL-terminated */
	size_t len;
	const char *speaker;        /* "" when nobody is named */
	enum mk_side side;          /* the speaker's side */
	int question;               /* ends with '?' */
	size_t turn;                /* sentences of one speaker's run of cues share it */
	int64_t start_ms;           /* of the cue the sentence starts in */
};

struct el_call {
	const struct mk_rules *rs;
	const struct mk_extract_opts *o;  /* o->date: relative dates resolve on it */
	pcre2_match_data *md;             /* for rules_match_kind */
	size_t nsents;
	/* sentence i (0 <= i < nsents) into *out; the text stays valid during the pass */
	void (*sentence)(void *ctx, size_t i, struct el_sentence *out);
	/* evidence for sentence i, quoting it whole, timed from byte off of it */
	void (*evidence)(void *ctx, size_t i, size_t off, struct mk_evidence *ev);
	/* 1 when a veto rule of kind veto ("question", "hedge", "negation", "hypothetical",
	 * "past", "meeting"...) matches sentence i anywhere */
	int (*vetoed)(void *ctx, size_t i, const char *veto);
	/* 0 when no rule of kind (goal .. stance) can match sentence i (none of its needs: words
	 * is there): the sentence's words are looked up once for the six kinds, and a finder
	 * skips the sentence without scanning it again */
	int (*may)(void *ctx, size_t i, enum rule_kind kind);
	void *ctx;
	struct mk_findings *f;            /* append here; commitments and stakeholders are in */
};

/* Goal, go-live and criteria (extractor/goals.c). */
void elements_goals(const struct el_call *c);
/* Dependencies, the next meeting and stances (extractor/meetings.c). */
void elements_meetings(const struct el_call *c);

#endif
