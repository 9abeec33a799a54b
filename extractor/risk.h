/*
 * risk.h: how the extractor turns a sentence's risk-rule matches into at most one
 * risk (internal to extractor/). The rules (rules/risks.rules) say what a risk sounds
 * like; these functions say which match of a sentence stands, when a sentence is only a
 * topic named ("So, the works council."), and when a risk is one already found.
 */
#ifndef MK_EXTRACTOR_RISK_H
#define MK_EXTRACTOR_RISK_H

#include "extractor/rules.h"
#include "mapkeeper.h"

#include <stddef.h>
#include <stdint.h>

/* The category of a risk rule that marks a sentence as no risk (scheduling, agenda). */
#define RISK_NONE "none"

/*
 * The match that stands among one sentence's n risk matches (start_ms[i]: when match i
 * starts): the highest confidence (the first of equals) among those whose category f
 * does not hold from the last 45 seconds (risk_repeats). NULL when there is none, when a
 * rule of category "none" wins, when the sentence text[0..len) only names a topic, or when
 * a seller says it without speaking of the buyer's side ("your", "he", "she").
 */
const struct rule_match *risk_pick(const struct rule_match *m, const int64_t *start_ms, size_t n,
				   const char *text, size_t len, int seller, const struct mk_findings *f);

/* Is a risk of this category starting at start_ms the same as one f already holds? */
int risk_repeats(const struct mk_findings *f, const char *category, int64_t start_ms);

#endif
