/*
 * goals.c: the goal, the go-live date and the success criteria a call states (issue 14;
 * extractor/elements.h). Rules of kinds goal, go_live and criterion (rules/FORMAT.md) say
 * what each sounds like; this file picks the matches that stand and fills the findings.
 * Called once per call by extract.c, after commitments and stakeholders.
 */
#include "extractor/elements.h"

void elements_goals(const struct el_call *c)
{
	(void)c; /* filled in by the goals work of issue 14 */
}
