/*
 * words.h: what merge/ compares when it asks "is this the same item?": texts reduced to
 * bags of normalized words (lower case, stop words and filler dropped, light stemming,
 * common deal synonyms folded into one class token), and people's names.
 * Does not know about plans or findings. Invariant: the same text always gives the same
 * bag; a struct merge_lex is built once per merge and only read afterwards.
 */
#ifndef MK_MERGE_WORDS_H
#define MK_MERGE_WORDS_H

#include <stddef.h>

#define MERGE_WORD_LEN 24     /* longer words are cut (they still compare equal to themselves) */
#define MERGE_MAX_WORDS 64    /* distinct words kept per bag */
#define MERGE_MAX_PHRASE 4    /* words in one synonym phrase */
#define MERGE_MAX_PHRASES 160
#define MERGE_MAX_GENERIC 128

/* Word weights: a synonym class says most, a generic verb ("send", "get") little. */
#define MERGE_W_CLASS 1.5f
#define MERGE_W_WORD 1.0f
#define MERGE_W_GENERIC 0.25f

struct merge_phrase {
	char w[MERGE_MAX_PHRASE][MERGE_WORD_LEN]; /* stemmed */
	size_t n;
	const char *cls;                         /* class token, "#" + name */
	int consume;                             /* its words give the class token only */
};

/* The stemmed word lists, built by merge_lex_init from the static tables in words.c. */
struct merge_lex {
	struct merge_phrase phrases[MERGE_MAX_PHRASES];
	size_t nphrases;
	char generic[MERGE_MAX_GENERIC][MERGE_WORD_LEN];
	size_t ngeneric;
};

struct merge_bag {
	size_t n;
	char w[MERGE_MAX_WORDS][MERGE_WORD_LEN];
	float wt[MERGE_MAX_WORDS];
};

struct merge_sim {
	float shared;         /* weight the two bags have in common */
	float shared_content; /* the part of it that is not generic verbs */
	float sim;            /* shared / sqrt(weight a * weight b), 0..1 */
};

void merge_lex_init(struct merge_lex *lex);

/* Stems one lower-case word into out (sends/sent/sending -> send, drafts -> draft). */
void merge_stem(const char *word, char *out, size_t outlen);

/* Adds text's words to b, each weight multiplied by scale (a word already there keeps
 * the larger weight). */
void merge_bag_add(const struct merge_lex *lex, struct merge_bag *b, const char *text, float scale);
/* The same, words later in the text weighing up to taper (0..1) less: what a sentence is
 * about tends to come first ("the dbt piece, ..., we've agreed to drop that"). */
void merge_bag_add_taper(const struct merge_lex *lex, struct merge_bag *b, const char *text,
			 float scale, float taper);
float merge_bag_weight(const struct merge_bag *b);
/* Weight of the words that are not generic verbs. */
float merge_bag_content(const struct merge_bag *b);
int merge_bag_has(const struct merge_bag *b, const char *word);
void merge_bag_compare(const struct merge_bag *a, const struct merge_bag *b, struct merge_sim *out);

/* Same person: equal ignoring case, or one name's words begin the other's ("Gus",
 * "Gus Ferreira"). NULL or "" is nobody. */
int merge_same_person(const char *a, const char *b);
/* Does text name the person (the first word of name, as a whole word)? */
int merge_names(const char *text, const char *name);

#endif
