/*
 * reqlit.h: literal strings a rule's pattern cannot match without. For a pattern (after
 * macro expansion), a list of ASCII-lower-case strings such that every match of the
 * pattern holds one of them, or NULL when nothing sure is known. The rule engine adds
 * them to the rule's needs: words as a second, automatic first test (rules.c): a text
 * that holds none of them is not given to the regex at all. The list is a necessary
 * condition only, worked out from the syntax; it never changes what a rule finds.
 */
#ifndef MK_REQLIT_H
#define MK_REQLIT_H

#include <stddef.h>

char **reqlit_find(const char *pattern, size_t *n);
void reqlit_free(char **lits, size_t n);
/*
 * A pattern made of zero-width tests P, one non-capturing alternation (?:A1|...|An) and
 * a rest S, as n patterns P(?:Ai)S, or NULL when it is not of that form. Where the
 * leftmost of their matches starts (the lowest i among those starting there), the
 * whole pattern matches, the same way: the rule engine runs only the branches whose
 * literals a text holds.
 */
char **reqlit_split(const char *pattern, size_t *n);

#endif
