/*
 * rules.h: the rule engine, as the extractor sees it. Loads rules/ *.rules files (format:
 * rules/FORMAT.md), expands {MACRO}s, compiles each pattern once (UTF, UCP, caseless, JIT)
 * and matches the rules of one kind against a sentence (rules_match_kind), or of several
 * kinds against a block of sentences (rules_match_block). Does not decide what a match
 * means: the extractor does, reading a match's rule (kind, tag, confidence, scope,
 * context) but never the rule set's arrays. Invariant: after a successful load every rule
 * has compiled code and its named groups resolved to numbers (or -1). The engine's parts:
 * extractor/rules.c (loader, matcher, checks), extractor/hints.h (pattern compiler and
 * start hint), extractor/needs.h (the needs: word index), extractor/reqlit.h (literals).
 */
#ifndef MK_RULES_H
#define MK_RULES_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stddef.h>
#include <stdatomic.h>
#include <stdint.h>

#include "mapkeeper.h"

enum rule_kind {
	RK_COMMITMENT = 0,
	RK_VETO,
	RK_REQUEST,
	RK_ACCEPT,
	RK_STAKEHOLDER,
	RK_RISK,
	RK_UPDATE,
	RK_GOAL,          /* the plan's elements beyond tasks (extractor/elements.h) */
	RK_GO_LIVE,
	RK_CRITERION,
	RK_DEPENDENCY,
	RK_NEXT_MEETING,
	RK_STANCE,
	RK_KIND_COUNT
};

/* Named groups a pattern may use to feed a finding's fields. */
enum rule_group {
	RG_ACTION = 0,
	RG_OWNER,
	RG_NAME,
	RG_ROLE,
	RG_ITEM,
	RG_DUE,
	RG_TEXT,          /* goal, criterion: the words of it; next_meeting: what for */
	RG_WAITING,       /* dependency: the step that waits */
	RG_ON,            /* dependency: what it waits on */
	RG_TIME,          /* next_meeting: the time said ("ten", "2:30 pm") */
	RG_WHO,           /* next_meeting: who is to be there */
	RG_COUNT
};

/* context: of a commitment rule: an offer holds unless the next speaker declines it; a reply
 * offer also needs the turn before to ask for something */
#define RULE_CTX_ANY 0
#define RULE_CTX_OFFER 1
#define RULE_CTX_REPLY 2

struct rule_example {
	char *text;
	char *expect;     /* "owner=Priya; action=set up the sandbox" or NULL */
	int must_match;
	long line;
};

/* One branch of a rule split at its alternation (reqlit_split): run only when the text
 * holds one of its literals. Compiled when first run (rules.c: unit_ready), by one thread. */
struct rule_unit {
	char *pat;
	pcre2_code *code;   /* compiled on the first run, matched by the interpreter */
	_Atomic int ready;  /* 1: code and group are set; -1: it did not compile */
	_Atomic unsigned runs;
	_Atomic(pcre2_code *) jcode; /* the same JIT-compiled, once the unit has run often */
	int group[RG_COUNT][4];
	int ngroup[RG_COUNT];
	char **lits;
	size_t nlits;
	size_t bit;         /* its bit in a rule mask (after the rules' bits) */
};

struct rule {
	char *id;
	enum rule_kind kind;
	char *tag;          /* veto: negation|hedge|...; risk: category; update: change; go_live: live|signed;
			       stance: champion|supporter|neutral|skeptic|blocker */
	double confidence;
	int case_sensitive;
	int scope_sentence; /* vetoes: 1 = the whole sentence, 0 = near the commitment, 2 = over its start,
			       3 = the sentence but across a clause break before it */
	int context;        /* commitments: RULE_CTX_* (context: any|offer|reply) */
	char *pattern;      /* as written */
	char *expanded;     /* after macro expansion */
	pcre2_code *code;
	int jit;            /* code was JIT-compiled: matched with pcre2_jit_match */
	int group[RG_COUNT][4];  /* group numbers per field (a name may repeat in alternatives) */
	int ngroup[RG_COUNT];
	char *file;
	long line;          /* of the "rule" line */
	long pattern_line;
	struct rule_example *ex;
	size_t nex, capex;
	char **needs;       /* lower-case words, one of which must be in the text; NULL: none */
	size_t nneeds;
	char **lits;        /* reqlit.h: strings every match holds one of (lower case); NULL: none known */
	size_t nlits;
	struct rule_unit *units; /* the pattern's branches, matched in its stead; NULL: not split */
	size_t nunits;           /* (code above is then not JIT-compiled: only rules check runs it) */
};

struct rule_macro {
	char *name;
	char *value;
	char *file;
	long line;
};

struct needs_index;

struct mk_rules {
	struct rule *r;
	size_t n, cap;
	struct rule_macro *m;
	size_t nm, capm;
	size_t by_kind_start[RK_KIND_COUNT]; /* rules are sorted by kind after load */
	size_t by_kind_n[RK_KIND_COUNT];
	char *dir;
	struct needs_index *ix;              /* the needs: words and pattern literals (extractor/needs.h):
						bit i of a mask = rule r[i], then the rules' units (rule_unit.bit) */
	struct rules_list {                  /* the folder's *.list word lists (extractor/wordlist.h) */
		char *name;
		struct mk_wordlist *wl;
	} *lists;
	size_t nlists;
};

/* What one text holds of the rules' needs: words: found once, asked by every kind. */
struct rules_scan {
	const char *lower;
	size_t len;
	unsigned char *hit;  /* the scan's scratch (needs_scan) */
	size_t cap;
	uint64_t *may;       /* a mask (needs.h): the rules that may match (rules_may_match) */
	size_t capmay;
};

/* Fills sc for lower[0..len) (ASCII-lower-cased text). sc's buffers are reused between calls. */
void rules_scan_text(const struct mk_rules *rs, struct rules_scan *sc, const char *lower, size_t len);
void rules_scan_release(struct rules_scan *sc);
/* May rule r match a text with this mask (one of its needs: words is there, or it has none)?
 * A NULL mask: yes. */
static inline int rules_may_match(const struct mk_rules *rs, const struct rule *r, const uint64_t *may)
{
	size_t i = (size_t)(r - rs->r);
	return !may || (may[i / 64] >> (i % 64) & 1);
}

/* One match of one rule: byte offsets into the subject; group spans are -1 when unset. */
struct rule_match {
	const struct rule *rule;
	size_t start, end;
	long gs[RG_COUNT], ge[RG_COUNT];
};

const char *rules_kind_name(enum rule_kind k);

/*
 * Calls fn for every match of every rule of kind in text[0..len) (each rule's matches
 * left to right, non-overlapping). sc tells which "needs:" words the text holds (NULL
 * runs every rule). md must come from rules_match_data().
 * Returns the number of matches; stops early when fn returns non-zero.
 */
typedef int (*rules_match_fn)(void *ctx, const struct rule_match *m);
size_t rules_match_kind(const struct mk_rules *rs, enum rule_kind kind, const char *text,
			const struct rules_scan *sc, size_t len, pcre2_match_data *md, rules_match_fn fn,
			void *ctx);
/* The same for one rule, whatever its needs: words (the caller checked them); *stopped is
 * set to 1 when fn asked to stop. */
size_t rules_match_rule(const struct rule *r, const char *text, size_t len, pcre2_match_data *md,
			rules_match_fn fn, void *ctx, int *stopped);
/* The same, running only the branches of a split rule that the text's mask allows (may
 * from rules_scan_text of this text; NULL: all): the same matches, sooner. */
size_t rules_match_rule_may(const struct mk_rules *rs, const struct rule *r, const uint64_t *may, const char *text,
			    size_t len, pcre2_match_data *md, rules_match_fn fn, void *ctx, int *stopped);
/* Copies n bytes of s ASCII-lower-cased into out (n + 1 bytes). */
void rules_lower(const char *s, size_t n, char *out);
pcre2_match_data *rules_match_data(const struct mk_rules *rs);

/*
 * A block of sentences (up to RULES_BLOCK_MAX), matched rule after rule: each rule's
 * compiled code stays in the CPU's caches for the whole block instead of being fetched
 * again for every sentence. rules_match_block finds which rules each sentence may match
 * (needs: words and pattern literals, one pass over each), then calls fn for every match
 * of every rule of kinds[0..nkinds) in s[0..n): fn(ctx, sentence, k, m) with k the index
 * into kinds; per sentence and kind in the order rules_match_kind gives them. A non-zero
 * return stops that rule in that sentence. The block keeps the sentences' masks (and the
 * text pointers, which must stay valid) until the next rules_match_block, for
 * rules_match_block_kind: the matches of one more kind in sentence i, as
 * rules_match_kind gives them. A block serves one thread.
 */
#define RULES_BLOCK_MAX 128
struct rules_text {
	const char *text;
	size_t len;
};
struct rules_block;
typedef int (*rules_block_fn)(void *ctx, size_t sentence, size_t k, const struct rule_match *m);
struct rules_block *rules_block_new(const struct mk_rules *rs);
void rules_block_free(struct rules_block *b);
void rules_match_block(struct rules_block *b, const struct rules_text *s, size_t n, const enum rule_kind *kinds,
		       size_t nkinds, pcre2_match_data *md, rules_block_fn fn, void *ctx);
size_t rules_match_block_kind(struct rules_block *b, size_t i, enum rule_kind kind, pcre2_match_data *md,
			      rules_match_fn fn, void *ctx);

#endif
