/*
 * people.h: internal to extractor/ (extract.c and people.c). The people of one call:
 * the participants and everyone named, who "he"/"she" points at, and the stakeholder
 * findings (a person or role not on the call who matters to the decision, first
 * mention only). Tells a name from a common word, a place or a company with the rules
 * folder's word lists (common-words, places, org-words; rules/FORMAT.md).
 */
#ifndef MK_PEOPLE_H
#define MK_PEOPLE_H

#include "extractor/rules.h"

struct person {
	char *name;
	size_t len;          /* strlen(name) */
	enum mk_side side;
	int participant;
};

struct people_mention;       /* a capitalised word said in passing (people.c) */

struct people {
	struct person *v;
	size_t n, cap;
	const char *last_third;  /* the last named person who is not the speaker */
	size_t last_third_sent;
	const char *last_absent; /* ... and who is not on the call */
	size_t last_absent_sent;
	size_t caps;             /* capacity of the findings' stakeholders */
	struct people_mention *mention;
	size_t nmention, capmention;
	size_t *stake_sent;      /* the sentence of each stakeholder finding */
	size_t capss;
	const struct mk_wordlist *common, *places, *orgwords;
};

/* One sentence as the stakeholder pass sees it (offsets are in the sentence). */
struct people_sentence {
	const char *said;        /* as said, len bytes */
	const char *text;        /* the same with fillers blanked (what the rules matched) */
	size_t len;
	size_t index;            /* the sentence's number in the call */
	const char *speaker;
	enum mk_side side;       /* the speaker's */
	/* fills ev with the evidence of sentence si from byte off of it */
	void (*evidence)(void *arg, size_t si, size_t off, struct mk_evidence *ev);
	void *arg;
};

void people_init(struct people *pp, const struct mk_rules *rs);
void people_release(struct people *pp);
struct person *people_find_exact(struct people *pp, const char *name, size_t n);
/* A known person whose first word(s) are name (the most recently added wins). */
struct person *people_find(struct people *pp, const char *name, size_t n);
struct person *people_add(struct people *pp, const char *name, enum mk_side side, int participant);
void people_note(struct people *pp, const struct person *p, size_t sent);
/* "he" / "she": someone not on the call named in the last reach sentences, else the last named */
const char *people_referent(const struct people *pp, size_t cur_sent, size_t reach);
int people_is_pronoun(const char *s, size_t n);
int people_is_first_person(const char *s, size_t n);
/* Strips a possessive "'s" and surrounding space/punctuation from a captured name. */
void people_clean_name(const char **s, size_t *n);

/* Per sentence, in order: remembers the named non-speakers (for he/she) and the names
 * said in passing; then turns the sentence's stakeholder matches m[0..nm) into findings. */
void people_track_mentions(struct people *pp, const struct people_sentence *ps);
void people_stakeholders(struct people *pp, const struct mk_extract_opts *o, struct mk_findings *f,
			 const struct people_sentence *ps, const struct rule_match *m, size_t nm);
/* After the last sentence: a stakeholder named earlier in passing gets that first mention's
 * evidence; the findings are then put back in the order they were said. */
void people_finish(struct people *pp, struct mk_findings *f, const struct people_sentence *ps);

#endif
