/*
 * needs.h: the rule engine's word index. Each member of a rule set (a rule, or one branch
 * of a split rule) is one bit of a mask, with the words one of which a text must hold
 * for it to match: its needs: words (rules/FORMAT.md) and the literals of its pattern
 * (extractor/reqlit.h). needs_scan reads a text once and gives the mask of the members
 * that may match it. A filter only: a member it lets through may still not match.
 * Used by extractor/rules.c; the index is built and read in extractor/needs.c.
 */
#ifndef MK_NEEDS_H
#define MK_NEEDS_H

#include <stddef.h>
#include <stdint.h>

/* One member (bit i of a mask is entry i of needs_build). Words are ASCII lower case. */
struct needs_entry {
	char *const *needs;  /* its needs: words; none: it needs no word */
	size_t nneeds;
	char *const *lits;   /* strings every match of its pattern holds one of; none: unknown */
	size_t nlits;
};

struct needs_index;

/* The index of members e[0..n) (the words are copied). */
struct needs_index *needs_build(const struct needs_entry *e, size_t n);
void needs_free(struct needs_index *ix);
/* 64-bit words of a mask; bytes of scratch needs_scan wants for hit. */
size_t needs_maskw(const struct needs_index *ix);
size_t needs_hit_bytes(const struct needs_index *ix);

/*
 * The members that may match lower[0..len) (the text ASCII-lower-cased), into
 * may[0..needs_maskw): bit i set when member i has one of its needs: words in the text
 * (or none), and one of its literals (or none known, or the text holds a character that
 * folds to an ASCII letter beyond ASCII). hit: needs_hit_bytes of scratch.
 */
void needs_scan(const struct needs_index *ix, unsigned char *hit, uint64_t *may, const char *lower, size_t len);

#endif
