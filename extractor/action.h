/*
 * action.h: the action of a plan item as it should read on its own (internal to
 * extractor/). From the words a rule captured, action_make strips fillers, false
 * starts, hedging adverbs and the due date, cuts trailing side clauses, keeps a
 * condition ("(if the board approves)"), resolves pronoun objects ("send it over")
 * from the conversation before it, names "you", "him" and "her" where the call tells
 * who they are, and says a transfer plainly ("get you the deck" -> "send the deck to
 * Maria"). Does no I/O; reads the call only through struct act_env.
 */
#ifndef MK_ACTION_H
#define MK_ACTION_H

#include <stddef.h>

#include "mapkeeper.h"

/* One sentence of the call, as the extractor split it (fillers blanked out). */
struct act_sent {
	const char *text;
	size_t len;
	const char *speaker;
	int question;
};

struct act_env {
	void *ctx;
	/* Sentence si of the call into *out; 0 when there is none. */
	int (*sentence)(void *ctx, size_t si, struct act_sent *out);
	/* The side (enum mk_side) of a speaker. */
	int (*side)(void *ctx, const char *speaker);
	size_t si;              /* the sentence the action was said in */
	size_t at;              /* where the commitment starts in that sentence (bytes) */
	const char *speaker;    /* who said it */
	const char *he_she;     /* whom "he"/"him"/"she"/"her" points to here, or NULL */
	const char *request;    /* the action of a request this answers, or NULL */
	struct mk_date today;
};

/*
 * The action for the words s[0..n) of sentence e->si (s points into that sentence's
 * text); the due date found for the commitment, when inside, is dates[due_a..due_b)
 * relative to s (due_b == 0: none). Never NULL; "" only when nothing at all is known.
 */
char *action_make(const struct act_env *e, const char *s, size_t n, size_t due_a, size_t due_b);

/* Does the action hold fewer than two words that say what is done ("do that", "send it")? */
int action_is_generic(const char *a);

/* Does the request's action hold every word of the action that says what (light verbs aside)? */
int action_within(const char *a, const char *request);

#endif
