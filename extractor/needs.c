/*
 * needs.c: the rule engine's word index (see needs.h): every distinct needs: word and
 * pattern literal of a rule set once, listed by its first byte (one-byte words), its two
 * bytes (two-byte words) or a hash of its first three bytes (longer ones), with a bit
 * table of the two bytes any word starts with, so that needs_scan passes over most
 * positions of a text with one test. Each word carries two masks: the members whose
 * needs: list it, and the members whose pattern literals hold it; a text's mask is (the
 * needs-less members, or those whose word it holds) and (the same for literals).
 * Built once by mk_rules_load (extractor/rules.c, index_needs), read-only afterwards.
 */
#include "extractor/needs.h"

#include <stdlib.h>
#include <string.h>

#include "util/util.h"

#define PAIR_BUCKETS 4096
#define LITS_MASKW 64 /* texts are masked by literals only for sets of at most 64 * 64 members */

struct needs_index {
	char **needles;                      /* every distinct word, once */
	size_t *needle_len;
	size_t nneedles, capn;
	size_t *by_byte[256], nby_byte[256]; /* one-byte needles by their byte */
	int any_byte_needle;
	size_t *by_pair[PAIR_BUCKETS], nby_pair[PAIR_BUCKETS]; /* two-byte ones */
	unsigned char pair_bits[8192];       /* bit (a << 8 | b): a two-byte needle is a, b */
	size_t *by_tri[PAIR_BUCKETS], nby_tri[PAIR_BUCKETS]; /* longer ones, by a hash */
	unsigned char tri_bits[8192];        /* bit h: a longer needle's first three bytes hash to h */
	unsigned char start_bits[8192];      /* bit (a << 8 | b): some needle starts with a, b */
	size_t maskw;                        /* 64-bit words of a mask: bit i = member i */
	uint64_t *needle_rules;              /* nneedles masks: the members that list needle i in needs: */
	uint64_t *no_needs;                  /* one mask: the members without needs: */
	uint64_t *needle_lits;               /* nneedles masks: the members whose lits hold needle i */
	uint64_t *no_lits;                   /* one mask: the members without lits */
	uint32_t *needle_head4, *needle_mask4; /* each needle's first four bytes, and which count */
};

static size_t pair_bucket(unsigned char a, unsigned char b)
{
	return ((size_t)a * 31u + b) % PAIR_BUCKETS;
}

/* The first three bytes of a needle (or a text position), as 16 bits. */
static unsigned tri_hash(uint32_t three)
{
	return (three * 2654435761u) >> 16;
}

/* Needles by their text while they are indexed: an open-addressing table of ids + 1. */
struct needle_table {
	size_t *slot;
	size_t cap;
};

static size_t needle_hash(const char *w)
{
	size_t h = 1469598103934665603ull;
	for (; *w; w++)
		h = (h ^ (unsigned char)*w) * 1099511628211ull;
	return h;
}

/* Needle j (new) in the lists by its first byte(s). */
static void list_needle(struct needs_index *ix, size_t j)
{
	const unsigned char *w = (const unsigned char *)ix->needles[j];
	if (!w[1]) {
		ix->by_byte[w[0]] = mk_realloc(ix->by_byte[w[0]], (ix->nby_byte[w[0]] + 1) * sizeof **ix->by_byte);
		ix->by_byte[w[0]][ix->nby_byte[w[0]]++] = j;
		ix->any_byte_needle = 1;
	} else if (!w[2]) {
		unsigned pair = (unsigned)w[0] << 8 | w[1];
		size_t h = pair_bucket(w[0], w[1]);
		ix->by_pair[h] = mk_realloc(ix->by_pair[h], (ix->nby_pair[h] + 1) * sizeof **ix->by_pair);
		ix->by_pair[h][ix->nby_pair[h]++] = j;
		ix->pair_bits[pair >> 3] |= (unsigned char)(1u << (pair & 7));
	} else {
		unsigned h = tri_hash((uint32_t)w[0] | (uint32_t)w[1] << 8 | (uint32_t)w[2] << 16);
		size_t b = h % PAIR_BUCKETS;
		ix->by_tri[b] = mk_realloc(ix->by_tri[b], (ix->nby_tri[b] + 1) * sizeof **ix->by_tri);
		ix->by_tri[b][ix->nby_tri[b]++] = j;
		ix->tri_bits[h >> 3] |= (unsigned char)(1u << (h & 7));
	}
	if (w[1]) {
		unsigned pair = (unsigned)w[0] << 8 | w[1];
		ix->start_bits[pair >> 3] |= (unsigned char)(1u << (pair & 7));
	}
}

/* The index of needle word (lower case), added when new. */
static size_t needle_id(struct needs_index *ix, struct needle_table *t, const char *word)
{
	size_t j, lcap = ix->capn, at;
	if (2 * (ix->nneedles + 1) > t->cap) { /* grow: at most half full */
		size_t ncap = t->cap ? 2 * t->cap : 1024, *ns = mk_calloc(ncap, sizeof *ns);
		for (size_t i = 0; i < t->cap; i++)
			if (t->slot[i]) {
				size_t k = needle_hash(ix->needles[t->slot[i] - 1]) & (ncap - 1);
				while (ns[k])
					k = (k + 1) & (ncap - 1);
				ns[k] = t->slot[i];
			}
		free(t->slot);
		t->slot = ns;
		t->cap = ncap;
	}
	for (at = needle_hash(word) & (t->cap - 1); t->slot[at]; at = (at + 1) & (t->cap - 1))
		if (!strcmp(ix->needles[t->slot[at] - 1], word))
			return t->slot[at] - 1;
	j = ix->nneedles;
	t->slot[at] = j + 1;
	ix->needles = mk_grow(ix->needles, &ix->capn, j + 1, sizeof *ix->needles);
	ix->needle_len = mk_grow(ix->needle_len, &lcap, j + 1, sizeof *ix->needle_len);
	ix->needles[j] = mk_strdup(word);
	ix->needle_len[j] = strlen(word);
	ix->nneedles++;
	list_needle(ix, j);
	return j;
}

static void set_bit(uint64_t *mask, size_t i)
{
	mask[i / 64] |= 1ull << (i % 64);
}

/* Member i's bits: in the masks of its words, or in the masks of the members without. */
static void mark_member(struct needs_index *ix, struct needle_table *t, const struct needs_entry *e, size_t i)
{
	if (!e->nneeds)
		set_bit(ix->no_needs, i);
	if (!e->nlits)
		set_bit(ix->no_lits, i);
	for (size_t k = 0; k < e->nneeds; k++)
		set_bit(ix->needle_rules + needle_id(ix, t, e->needs[k]) * ix->maskw, i);
	for (size_t k = 0; k < e->nlits; k++)
		set_bit(ix->needle_lits + needle_id(ix, t, e->lits[k]) * ix->maskw, i);
}

struct needs_index *needs_build(const struct needs_entry *e, size_t n)
{
	struct needs_index *ix = mk_calloc(1, sizeof *ix);
	struct needle_table nt = { NULL, 0 };
	for (size_t i = 0; i < n; i++) { /* ids in the members' order: needs: words, then literals */
		for (size_t k = 0; k < e[i].nneeds; k++)
			(void)needle_id(ix, &nt, e[i].needs[k]);
		for (size_t k = 0; k < e[i].nlits; k++)
			(void)needle_id(ix, &nt, e[i].lits[k]);
	}
	ix->maskw = (n + 63) / 64 ? (n + 63) / 64 : 1;
	ix->needle_rules = mk_calloc(ix->nneedles ? ix->nneedles * ix->maskw : 1, sizeof *ix->needle_rules);
	ix->needle_lits = mk_calloc(ix->nneedles ? ix->nneedles * ix->maskw : 1, sizeof *ix->needle_lits);
	ix->no_needs = mk_calloc(ix->maskw, sizeof *ix->no_needs);
	ix->no_lits = mk_calloc(ix->maskw, sizeof *ix->no_lits);
	for (size_t i = 0; i < n; i++)
		mark_member(ix, &nt, &e[i], i);
	free(nt.slot);
	ix->needle_head4 = mk_calloc(ix->nneedles + 1, sizeof *ix->needle_head4);
	ix->needle_mask4 = mk_calloc(ix->nneedles + 1, sizeof *ix->needle_mask4);
	for (size_t j = 0; j < ix->nneedles; j++) { /* the first (up to) four bytes, to compare at once */
		size_t len = ix->needle_len[j] < 4 ? ix->needle_len[j] : 4;
		memcpy(&ix->needle_head4[j], ix->needles[j], len);
		memset(&ix->needle_mask4[j], 0xFF, len);
	}
	return ix;
}

void needs_free(struct needs_index *ix)
{
	if (!ix)
		return;
	for (size_t i = 0; i < ix->nneedles; i++)
		free(ix->needles[i]);
	for (int b = 0; b < 256; b++)
		free(ix->by_byte[b]);
	for (int b = 0; b < PAIR_BUCKETS; b++) {
		free(ix->by_pair[b]);
		free(ix->by_tri[b]);
	}
	{
		void *arrays[] = { ix->needles, ix->needle_len, ix->needle_rules, ix->no_needs, ix->needle_lits,
				   ix->no_lits, ix->needle_head4, ix->needle_mask4, ix };
		for (size_t i = 0; i < sizeof arrays / sizeof *arrays; i++)
			free(arrays[i]);
	}
}

size_t needs_maskw(const struct needs_index *ix)
{
	return ix->maskw;
}

size_t needs_hit_bytes(const struct needs_index *ix)
{
	return ix->nneedles + 1;
}

/* ---- scanning a text ---- */

/* Needle id occurs: the members that need it may match, and so may those whose pattern
 * literals hold it (lm: LITS_MASKW words at most, NULL past that). */
static void scan_hit(const struct needs_index *ix, unsigned char *hit, uint64_t *may, uint64_t *lm, size_t id)
{
	hit[id] = 1;
	for (size_t w = 0; w < ix->maskw; w++)
		may[w] |= ix->needle_rules[id * ix->maskw + w];
	if (lm)
		for (size_t w = 0; w < ix->maskw; w++)
			lm[w] |= ix->needle_lits[id * ix->maskw + w];
}

/* Does s hold a character that a caseless ASCII letter matches beyond ASCII (U+212A KELVIN
 * SIGN: k, U+017F LONG S: s)? Then the pattern literals, compared ASCII-caseless, say nothing. */
static int has_odd_fold(const char *s, size_t len)
{
	for (const char *p = s; (p = memchr(p, 0xE2, len - (size_t)(p - s))) && len - (size_t)(p - s) >= 3; p++)
		if ((unsigned char)p[1] == 0x84 && (unsigned char)p[2] == 0xAA)
			return 1;
	for (const char *p = s; (p = memchr(p, 0xC5, len - (size_t)(p - s))) && len - (size_t)(p - s) >= 2; p++)
		if ((unsigned char)p[1] == 0xBF)
			return 1;
	return 0;
}

/* The two-byte needles that are s[0], s[1]. */
static void scan_pair(const struct needs_index *ix, unsigned char *hit, uint64_t *may, uint64_t *lm,
		      const unsigned char *s)
{
	size_t h = pair_bucket(s[0], s[1]);
	for (size_t k = 0; k < ix->nby_pair[h]; k++) {
		size_t id = ix->by_pair[h][k];
		const unsigned char *nd = (const unsigned char *)ix->needles[id];
		if (!hit[id] && nd[0] == s[0] && nd[1] == s[1])
			scan_hit(ix, hit, may, lm, id);
	}
}

/* The longer needles that start at s (rest: the bytes left from s, 3 at least). */
static void scan_long(const struct needs_index *ix, unsigned char *hit, uint64_t *may, uint64_t *lm,
		      const unsigned char *s, size_t rest)
{
	uint32_t at = (uint32_t)s[0] | (uint32_t)s[1] << 8 | (uint32_t)s[2] << 16;
	unsigned h = tri_hash(at);
	if (!(ix->tri_bits[h >> 3] >> (h & 7) & 1))
		return;
	if (rest >= 4)
		at |= (uint32_t)s[3] << 24;
	for (size_t k = 0, bk = h % PAIR_BUCKETS; k < ix->nby_tri[bk]; k++) {
		size_t id = ix->by_tri[bk][k], n = ix->needle_len[id], j;
		const unsigned char *nd = (const unsigned char *)ix->needles[id];
		if (hit[id] || (at & ix->needle_mask4[id]) != ix->needle_head4[id] || n > rest)
			continue;
		for (j = 4; j < n && nd[j] == s[j]; j++)
			;
		if (j >= n)
			scan_hit(ix, hit, may, lm, id);
	}
}

void needs_scan(const struct needs_index *ix, unsigned char *hit, uint64_t *may, const char *lower, size_t len)
{
	const unsigned char *s = (const unsigned char *)lower;
	uint64_t lmask[LITS_MASKW], *lm = ix->maskw <= LITS_MASKW && !has_odd_fold(lower, len) ? lmask : NULL;
	memcpy(may, ix->no_needs, ix->maskw * sizeof *may);
	if (lm)
		memcpy(lm, ix->no_lits, ix->maskw * sizeof *lm);
	memset(hit, 0, ix->nneedles + 1);
	for (size_t i = 0; i < len; i++) {
		unsigned char b = s[i];
		unsigned pair;
		if (ix->any_byte_needle)
			for (size_t k = 0; k < ix->nby_byte[b]; k++)
				if (!hit[ix->by_byte[b][k]])
					scan_hit(ix, hit, may, lm, ix->by_byte[b][k]);
		if (i + 1 >= len)
			break;
		pair = (unsigned)b << 8 | s[i + 1];
		if (!(ix->start_bits[pair >> 3] >> (pair & 7) & 1))
			continue; /* no needle starts with these two bytes: most positions */
		if (ix->pair_bits[pair >> 3] >> (pair & 7) & 1)
			scan_pair(ix, hit, may, lm, s + i);
		if (i + 2 < len)
			scan_long(ix, hit, may, lm, s + i, len - i);
	}
	if (lm)
		for (size_t w = 0; w < ix->maskw; w++)
			may[w] &= lm[w];
}
