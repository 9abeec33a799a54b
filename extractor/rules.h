/*
 * rules.h: the rule engine. Loads rules/ *.rules files (format: rules/FORMAT.md),
 * expands {MACRO}s, compiles each pattern once (UTF, UCP, caseless, JIT) and matches
 * rules of one kind against a sentence. Does not decide what a match means: the
 * extractor does. Invariant: after a successful load every rule has compiled code
 * and its named groups resolved to numbers (or -1).
 */
#ifndef MK_RULES_H
#define MK_RULES_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stddef.h>

#include "mapkeeper.h"

enum rule_kind {
	RK_COMMITMENT = 0,
	RK_VETO,
	RK_REQUEST,
	RK_ACCEPT,
	RK_STAKEHOLDER,
	RK_RISK,
	RK_UPDATE,
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
	RG_COUNT
};

struct rule_example {
	char *text;
	char *expect;     /* "owner=Priya; action=set up the sandbox" or NULL */
	int must_match;
	long line;
};

struct rule {
	char *id;
	enum rule_kind kind;
	char *tag;          /* veto: negation|hedge|...; risk: category; update: change */
	double confidence;
	int case_sensitive;
	int scope_sentence; /* vetoes: 1 = the whole sentence, 0 = near the commitment */
	char *pattern;      /* as written */
	char *expanded;     /* after macro expansion */
	pcre2_code *code;
	int group[RG_COUNT][4];  /* group numbers per field (a name may repeat in alternatives) */
	int ngroup[RG_COUNT];
	char *file;
	long line;          /* of the "rule" line */
	long pattern_line;
	struct rule_example *ex;
	size_t nex, capex;
	char **needs;       /* lower-case words, one of which must be in the text; NULL: none */
	size_t nneeds;
	size_t *need_ids;   /* the same words as indexes into mk_rules.needles */
};

struct rule_macro {
	char *name;
	char *value;
	char *file;
	long line;
};

#define RULES_PAIR_BUCKETS 4096

struct mk_rules {
	struct rule *r;
	size_t n, cap;
	struct rule_macro *m;
	size_t nm, capm;
	size_t by_kind_start[RK_KIND_COUNT]; /* rules are sorted by kind after load */
	size_t by_kind_n[RK_KIND_COUNT];
	char *dir;
	char **needles;                      /* every rule's needs: words, once each */
	size_t *needle_len;
	size_t nneedles;
	size_t *by_byte[256], nby_byte[256]; /* one-byte needles by their byte */
	size_t *by_pair[RULES_PAIR_BUCKETS], nby_pair[RULES_PAIR_BUCKETS]; /* longer ones by first two */
};

/* What one text holds of the rules' needs: words: found once, asked by every kind. */
struct rules_scan {
	const char *lower;
	size_t len;
	unsigned char *hit;  /* hit[i]: needle i occurs in lower */
	size_t cap;
};

/* Fills sc for lower[0..len) (ASCII-lower-cased text). sc->hit is reused between calls. */
void rules_scan_text(const struct mk_rules *rs, struct rules_scan *sc, const char *lower, size_t len);
void rules_scan_release(struct rules_scan *sc);

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
/* Copies n bytes of s ASCII-lower-cased into out (n + 1 bytes). */
void rules_lower(const char *s, size_t n, char *out);
pcre2_match_data *rules_match_data(const struct mk_rules *rs);

#endif
