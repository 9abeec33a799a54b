/*
 * meetings.c: the dependencies between steps, the next meeting and what is said of a
 * stakeholder's stance (issue 14; extractor/elements.h). Rules of kinds dependency,
 * next_meeting and stance (rules/FORMAT.md) say what each sounds like; this file picks the
 * matches that stand and fills the findings. Called once per call by extract.c.
 */
#include "extractor/elements.h"

void elements_meetings(const struct el_call *c)
{
	(void)c; /* filled in by the meetings work of issue 14 */
}
