/*
 * elements.h: inside merge/, the whole plan's proposals (issue 14): what merge/elements.c
 * proposes from a call's goals, go-lives, criteria, dependencies, next meetings and stances,
 * and the three pieces of merge.c it uses so that it matches and keys as merge.c does.
 * Not part of the public API (include/mapkeeper.h). Invariant: merge_elements runs last in
 * mk_merge, on the same merge state, so its proposals follow the others and share their keys.
 */
#ifndef MK_MERGE_ELEMENTS_H
#define MK_MERGE_ELEMENTS_H

#include "mapkeeper.h"
#include "merge/words.h"

struct merge_state; /* merge.c's state of one merge */

/* Proposes the whole plan's changes from f's elements against plan (the plan as it will be)
 * and the proposals st made so far, appending to out (merge/elements.c). */
void merge_elements(struct merge_state *st, const struct merge_lex *lex, const struct mk_plan *plan,
		    const struct mk_findings *f, const struct mk_proposals *out);

/* merge.c: a new proposal at the end of the merge's list, with ev's evidence, conf and the
 * key made from the meeting's key (the same evidence always gets the same key). */
struct mk_proposal *merge_new(struct merge_state *st, enum mk_prop_kind kind,
			      const struct mk_evidence *ev, double conf);

/* merge.c: the open plan item words are about, found as an update's item words find theirs
 * (said at ev's moment of the call), or NULL when none fits well enough. */
const struct mk_item *merge_find_item(struct merge_state *st, const char *words,
				      const struct mk_evidence *ev);

/* merge.c: someone the plan knows as pname / prole: by name (or first name), or, when name
 * is none, by role ("our CFO" is Janet when Janet is the CFO). */
int merge_person_known(const char *name, const char *role, const char *pname, const char *prole);

#endif
