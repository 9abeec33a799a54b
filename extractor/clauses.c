/*
 * clauses.c: clauses of spoken text (see clauses.h). Speech recognition often gives a whole turn
 * with no punctuation ("ok great and lemme check with our cfo I'll ping you thursday maybe the
 * pricing we'll see"): the rules work a sentence at a time, so such a turn is cut where a new
 * clause starts, and a hedge at the end of one clause keeps to it. The other helpers read the
 * context of a promise: the turn before (did it ask?), the reply after (did it decline?), and the
 * promise itself (was it cut off?).
 */
#include "extractor/clauses.h"

#include <string.h>

#define MAX_WORDS 1024

struct word {
	size_t a, n;
};

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int wordch(unsigned char c)
{
	return c >= 0x80 || c == '\'' || (c >= '0' && c <= '9') || (lower(c) >= 'a' && lower(c) <= 'z');
}

/* s[0..n) equals lit caselessly, the curly apostrophe (UTF-8 E2 80 99) reading as '. */
static int eq(const char *s, size_t n, const char *lit)
{
	size_t i = 0, k = 0;
	while (i < n && lit[k]) {
		unsigned char c = (unsigned char)s[i];
		if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 && (unsigned char)s[i + 2] == 0x99) {
			if (lit[k] != '\'')
				return 0;
			i += 3, k++;
			continue;
		}
		if (lower(c) != lit[k])
			return 0;
		i++, k++;
	}
	return i == n && !lit[k];
}

static int in_list(const char *s, size_t n, const char *const *list)
{
	for (int k = 0; list[k]; k++)
		if (eq(s, n, list[k]))
			return 1;
	return 0;
}

static size_t words(const char *s, size_t n, struct word *w, size_t max)
{
	size_t nw = 0, i = 0;
	while (i < n && nw < max) {
		size_t j;
		if (!wordch((unsigned char)s[i])) {
			i++;
			continue;
		}
		for (j = i; j < n && wordch((unsigned char)s[j]); j++)
			;
		w[nw].a = i;
		w[nw].n = j - i;
		nw++;
		i = j;
	}
	return nw;
}

#define W(k) (s + w[k].a), w[k].n

static const char *const subj_modal[] = { "i'll", "we'll", "i'm", "we're", "he'll", "she'll", "they'll", "you'll",
					  "i've", "we've", "lemme", "let's", "lets", NULL };
static const char *const subj[] = { "i", "we", "he", "she", "they", NULL };
static const char *const modal[] = { "will", "can", "could", "should", "shall", "am", "are", "gonna", "have", "need",
				     "just", "also", "already", "think", "guess", "mean", "can't", "won't", "don't",
				     "might", "may", "would", "want", "wanna", NULL };
/* words after which a subject does not start a new clause: "I think we'll", "what I'll do is I'll" */
static const char *const glue[] = { "think", "thought", "guess", "hope", "said", "say", "says", "sure", "know", "knew",
				    "that", "if", "when", "once", "because", "cause", "so", "and", "or", "but", "mean",
				    "suppose", "expect", "believe", "feel", "bet", "unless", "until", "till", "before",
				    "after", "whether", "what", "how", "where", "why", "who", "which", "maybe", "probably",
				    "then", "as", "like", "since", "while", "though", "although", "tell", "told",
				    "promise", "is", "was", "means", "hopefully", "whatever", "than", "soon", "where",
				    "let", "make", "sure", "see", "wish", "saying", "telling", "assuming", "unless",
				    "even", "just", "now", "because", "yeah", "okay", "ok", "yes", "um", "uh", NULL };
static const char *const discourse[] = { "yeah", "yes", "yep", "okay", "ok", "alright", "anyway", "anyways", "but",
					 "because", "cause", "cuz", NULL };
static const char *const hedges[] = { "maybe", "probably", "hopefully", "perhaps", NULL };
/* after these a hedge belongs to the clause ("we can maybe", "it's probably") */
static const char *const hedge_glue[] = { "i'll", "we'll", "will", "can", "could", "would", "should", "is", "was", "be",
					  "it's", "that's", "and", "or", "but", "so", "just", "very", "i", "we", "you",
					  "they", "he", "she", "it", "are", "am", "were", "we're", "i'm", "i'd", "we'd",
					  "then", "like", "yeah", "okay", "ok", "um", "uh", "the", "a", "to", NULL };

/* A subject that opens a clause at word k: "I'll", "we're", "I can", "let me", "let's". */
static int opens_clause(const char *s, const struct word *w, size_t nw, size_t k)
{
	if (in_list(W(k), subj_modal))
		return 1;
	if (k + 1 < nw && in_list(W(k), subj) && in_list(W(k + 1), modal))
		return 1;
	if (k + 1 < nw && eq(W(k), "let") && (eq(W(k + 1), "me") || eq(W(k + 1), "us")))
		return 1;
	return 0;
}

/* A hedge that closes the clause before it, starting at word k: "no promises (on timing)",
 * "we'll see" or "I don't know" at the very end, "I can't promise", "if I can" ... */
static int tail_hedge(const char *s, const struct word *w, size_t nw, size_t k)
{
	size_t left = nw - k;
	if (left >= 2 && ((eq(W(k), "no") && (eq(W(k + 1), "promises") || eq(W(k + 1), "guarantees") ||
					      eq(W(k + 1), "guarantee"))) ||
			  (eq(W(k), "not") && (eq(W(k + 1), "promising") || eq(W(k + 1), "sure"))) ||
			  (eq(W(k), "fingers") && eq(W(k + 1), "crossed")) ||
			  (eq(W(k), "don't") && eq(W(k + 1), "hold")) ||
			  (eq(W(k), "it") && eq(W(k + 1), "depends")) ||
			  ((eq(W(k), "if") || eq(W(k), "assuming")) && left <= 4) ||
			  (eq(W(k), "probably") && eq(W(k + 1), "not")) ||
			  (eq(W(k), "maybe") && (eq(W(k + 1), "not") || eq(W(k + 1), "i") || eq(W(k + 1), "we")) && left <= 4)))
		return 1;
	if (left >= 1 && (eq(W(k), "depends") || eq(W(k), "depending")))
		return 1;
	if (left >= 2 && eq(W(k), "we'll") && eq(W(k + 1), "see") && left <= 3)
		return 1;
	if (left >= 3 && eq(W(k), "we") && eq(W(k + 1), "will") && eq(W(k + 2), "see") && left <= 4)
		return 1;
	if (left >= 3 && eq(W(k), "i") && (eq(W(k + 1), "can't") || eq(W(k + 1), "cannot") || eq(W(k + 1), "won't")) &&
	    (eq(W(k + 2), "promise") || eq(W(k + 2), "guarantee")))
		return 1;
	if (left >= 3 && eq(W(k), "i") && (eq(W(k + 1), "wouldn't") || eq(W(k + 1), "doubt")))
		return 1;
	if (left >= 3 && left <= 4 && eq(W(k), "i") && eq(W(k + 1), "don't") && eq(W(k + 2), "know"))
		return 1;
	if (left >= 3 && eq(W(k), "i'm") && eq(W(k + 1), "not") && eq(W(k + 2), "sure"))
		return 1;
	return 0;
}

/* a word that makes a clause of the words around it: a subject ("we", "it's", "that'll") or "let" */
static int subject_word(const char *w, size_t n)
{
	static const char *const sw[] = { "i", "we", "you", "he", "she", "they", "it", "this", "that", "there", "let",
					   "lemme", "let's", "lets", "it's", "that's", "there's", "i'm", "we're",
					   "you're", "they're", "he's", "she's", "who", "someone", "somebody", NULL };
	if (in_list(w, n, sw))
		return 1;
	return n > 3 && ((w[n - 3] == '\'' && w[n - 2] == 'l' && w[n - 1] == 'l') ||
			 (n > 5 && (unsigned char)w[n - 5] == 0xE2 && w[n - 2] == 'l' && w[n - 1] == 'l'));
}

size_t clause_runon_cuts(const char *s, size_t n, size_t *cuts, size_t max)
{
	struct word w[MAX_WORDS];
	size_t nw, ncut = 0, piece = 0;
	if (n < 40 || !max)
		return 0;
	/* a run-on holds no punctuation before its last byte */
	for (size_t i = 0; i + 1 < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == ',' || c == ';' || c == ':' || c == '.' || c == '?' || c == '!' ||
		    (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
		     ((unsigned char)s[i + 2] == 0xA6 || (unsigned char)s[i + 2] == 0x94)))
			return 0;
	}
	nw = words(s, n, w, MAX_WORDS);
	/* a written sentence with a full stop is no run-on unless it is very long */
	if (nw < 9 || ((s[n - 1] == '.' || s[n - 1] == '?' || s[n - 1] == '!') && nw < 30))
		return 0;
	for (size_t k = 1; k + 1 < nw && ncut < max; k++) {
		size_t at = (size_t)-1;
		if (k - piece < 3)
			continue;
		if (in_list(W(k), discourse) || eq(W(k), "so") || eq(W(k), "and") || eq(W(k), "then")) {
			/* "so" and "and" and "then" start a clause only before a subject: "so I'll", "and we can" */
			int lead = in_list(W(k), discourse);
			if (!lead && opens_clause(s, w, nw, k + 1))
				lead = 1;
			if (!lead && eq(W(k), "and") && k + 2 < nw && eq(W(k + 1), "then") && opens_clause(s, w, nw, k + 2))
				lead = 1;
			if (lead && !tail_hedge(s, w, nw, k + 1) && !tail_hedge(s, w, nw, k))
				at = k;
		} else if (opens_clause(s, w, nw, k) && !in_list(W(k - 1), glue) && !tail_hedge(s, w, nw, k)) {
			/* "first thing monday I'll ..." is one clause: the few words before hold no subject
			 * (nor a hedge of their own, as in "maybe thursday works for the demo I'll ...") */
			for (size_t j = piece; j < k; j++)
				if (subject_word(W(j)) || in_list(W(j), hedges) || k - piece >= 6) {
					at = k;
					break;
				}
		} else if (in_list(W(k), hedges) && !in_list(W(k - 1), hedge_glue) && !tail_hedge(s, w, nw, k)) {
			at = k; /* "... the deck tonight maybe thursday works for the call" */
		}
		if (at == (size_t)-1 || nw - at < 2)
			continue;
		cuts[ncut++] = w[at].a;
		piece = at;
	}
	return ncut;
}

/* Does phrase occur in s[0..n) as whole words, caseless, a space in it standing for any run of
 * non-word bytes? anchored: only at s[0]. */
static int phrase_at(const char *s, size_t n, const char *phrase, int anchored)
{
	size_t pn = strlen(phrase);
	for (size_t i = 0; i + pn <= n && (!anchored || i == 0); i++) {
		if (i > 0 && wordch((unsigned char)s[i - 1]))
			continue;
		size_t k = 0, j = i;
		while (k < pn && j < n) {
			if (phrase[k] == ' ') {
				if (wordch((unsigned char)s[j]))
					break;
				while (j < n && !wordch((unsigned char)s[j]))
					j++;
				k++;
				continue;
			}
			if (lower((unsigned char)s[j]) != phrase[k])
				break;
			j++, k++;
		}
		if (k == pn && (j >= n || !wordch((unsigned char)s[j])))
			return 1;
	}
	return 0;
}

static int has_phrase(const char *s, size_t n, const char *phrase)
{
	return phrase_at(s, n, phrase, 0);
}

int clause_asks(const char *s, size_t n)
{
	static const char *const ask[] = { "please", "feel free", "can you", "could you", "would you", "will you",
					   "can someone", "could someone", "can somebody", "anyone", "anybody",
					   "would be great", "would be nice", "would be good", "would be helpful",
					   "if you could", "do you want", "do you mind", "would you mind", "you want to",
					   "you wanna", "can we get", "could we get", "can i get", "could i get",
					   "any chance", "is there any way", "who can", "who could", "who wants",
					   "someone should", "somebody should", "you should", "need someone", NULL };
	for (size_t i = 0; i < n; i++)
		if (s[i] == '?')
			return 1;
	for (int k = 0; ask[k]; k++)
		if (has_phrase(s, n, ask[k]))
			return 1;
	return 0;
}

int clause_declines(const char *s, size_t n)
{
	static const char *const no[] = { "nope", "nah", "don't bother", "no need", "not necessary",
					  "that's okay", "that's ok", "that's alright", "we're good", "we're fine",
					  "i'm good", "no thanks", "no thank you", "honestly don't", "don't worry",
					  "not needed", NULL };
	static const char *const cant[] = { "can't", "cannot", "won't", "don't", NULL };
	struct word w[8];
	size_t nw = words(s, n, w, 8), k = 0;
	/* skip an opening "well", "um", "honestly", "oh", "yeah" */
	while (k < nw && (eq(W(k), "well") || eq(W(k), "oh") || eq(W(k), "honestly") || eq(W(k), "um") ||
			  eq(W(k), "uh") || eq(W(k), "actually") || eq(W(k), "yeah") || eq(W(k), "so")))
		k++;
	if (k >= nw)
		return 0;
	if (eq(W(k), "no") && (k + 1 >= nw || !(eq(W(k + 1), "problem") || eq(W(k + 1), "worries") ||
						eq(W(k + 1), "issue") || eq(W(k + 1), "doubt") || eq(W(k + 1), "way") ||
						/* "no rush", "no hurry": take your time, the offer stands */
						eq(W(k + 1), "rush") || eq(W(k + 1), "hurry") || eq(W(k + 1), "hurries") ||
						eq(W(k + 1), "pressure") || eq(W(k + 1), "stress"))))
		return 1;
	for (int j = 0; no[j]; j++)
		if (phrase_at(s + w[k].a, n - w[k].a, no[j], 1))
			return 1;
	/* "I can't get you in front of him next week", "we don't need that" */
	for (size_t j = k; j < nw && j < k + 3; j++)
		if (in_list(W(j), cant))
			return 1;
	return 0;
}

int clause_cut_off(const char *s, size_t n)
{
	static const char *const needs_object[] = { "get", "send", "have", "make", "put", "give", "bring", "take",
						    "grab", "share", "do", NULL };
	struct word w[8];
	size_t nw, end = n;
	int dash = 0;
	while (end && (s[end - 1] == ' ' || s[end - 1] == '\t'))
		end--;
	if (end >= 3 && (unsigned char)s[end - 3] == 0xE2 && (unsigned char)s[end - 2] == 0x80 &&
	    ((unsigned char)s[end - 1] == 0x94 || (unsigned char)s[end - 1] == 0x93 || (unsigned char)s[end - 1] == 0xA6))
		dash = 1; /* — – … */
	else if (end && s[end - 1] == '-')
		dash = 1;
	else if (end >= 3 && !memcmp(s + end - 3, "...", 3))
		dash = 1;
	nw = words(s, end, w, 8);
	if (dash && nw <= 2)
		return 1; /* "send the—", "send you…" */
	if (nw == 1 && !dash && in_list(W(0), needs_object) && !eq(W(0), "do"))
		return 1; /* "We'll get." */
	return 0;
}

int clause_only_hedge(const char *s, size_t n)
{
	static const char *const only[] = { "maybe", "probably", "hopefully", "perhaps", "possibly", "i don't know",
					    "i dunno", "not sure", "i'm not sure", "we'll see", "we will see",
					    "no promises", "no guarantees", "fingers crossed", "i hope", "hope so",
					    "we'll see how it goes", "not promising anything", "maybe not", NULL };
	struct word w[8];
	size_t nw = words(s, n, w, 8), k = 0;
	if (n > 40)
		return 0;
	while (k < nw && (eq(W(k), "but") || eq(W(k), "and") || eq(W(k), "so") || eq(W(k), "well") || eq(W(k), "um") ||
			  eq(W(k), "uh") || eq(W(k), "yeah") || eq(W(k), "honestly") || eq(W(k), "though")))
		k++;
	if (k >= nw)
		return 0;
	{
		size_t a = w[k].a, b = w[nw - 1].a + w[nw - 1].n;
		/* drop a closing "though" / "yet" */
		if (nw - k >= 2 && (eq(W(nw - 1), "though") || eq(W(nw - 1), "yet")))
			b = w[nw - 2].a + w[nw - 2].n;
		for (int j = 0; only[j]; j++) {
			size_t pn = strlen(only[j]);
			if (b - a >= pn - 2 && b - a <= pn + 2 && has_phrase(s + a, b - a, only[j]))
				return 1;
		}
	}
	return 0;
}
