/*
 * clauses.h: clauses of spoken text for extract.c (internal). Where an unpunctuated run-on turn
 * (speech recognition with no full stops) splits into clauses, whether a turn asks the next
 * speaker for something, whether a reply declines an offer, whether a promise was cut off mid-word,
 * and whether a sentence is nothing but a hedge ("Maybe.", "I don't know."). Pure functions of
 * the bytes they are given (ASCII-caseless); no allocation.
 */
#ifndef MK_CLAUSES_H
#define MK_CLAUSES_H

#include <stddef.h>

/* Cut points of an unpunctuated run-on sentence s[0..n): byte offsets where a new clause starts
 * (before "and then", "but", "yeah", "so I'll", "I'll" after a finished clause, "let me", "maybe" ...),
 * at most max of them, in increasing order. 0 when s is not a run-on (it holds punctuation inside
 * or is short). A hedge that closes a clause ("... no promises", "... we'll see", "... but I don't
 * know") stays with it. */
size_t clause_runon_cuts(const char *s, size_t n, size_t *cuts, size_t max);

/* Does a turn ask the next speaker for something (a question, "please", "can you", "feel free",
 * "would be great if")? */
int clause_asks(const char *s, size_t n);

/* Does a reply open by declining what was offered ("No, don't bother", "No need", "That's okay,
 * we're fine", "I can't ...")? */
int clause_declines(const char *s, size_t n);

/* Was a promise's action cut off before it said anything: "send the—", "send you…", or a lone verb
 * that needs an object ("We'll get.")? s[0..n) is the action as matched. */
int clause_cut_off(const char *s, size_t n);

/* Is the sentence nothing but a hedge: "Maybe.", "I don't know.", "Not sure.", "We'll see.",
 * "No promises.", "Probably.", "Hopefully.", "Fingers crossed."? */
int clause_only_hedge(const char *s, size_t n);

#endif
