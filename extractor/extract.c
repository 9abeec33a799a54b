/*
 * extract.c: the extraction pipeline. Joins each speaker's consecutive cues into
 * turns, splits turns into sentences (mapping every byte back to its cue), runs the
 * rules of each kind, and turns matches into findings: owners (I/we = the speaker,
 * delegation, reported third parties, acceptance of a request in the next turn), sides,
 * due dates (extractor/when), vetoes (negation, hedge, question, past, generic,
 * capability, hypothetical). Does not read files or print. Invariant: every finding's
 * evidence names cues that exist in the transcript it was given.
 */
#include "extractor/action.h"
#include "extractor/clauses.h"
#include "extractor/elements.h"
#include "extractor/people.h"
#include "extractor/risk.h"
#include "extractor/rules.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

#define MAX_CANDS 16          /* commitment candidates kept per sentence */
#define MAX_VETOES 16
#define NEAR_BEFORE 48        /* bytes before a commitment a "near" veto may start */
#define LOOKAHEAD_SENTENCES 2 /* sentences of the same turn searched for a missing date */
#define LOOKBEHIND_SENTENCES 2 /* short sentences before it, too ("May sixth, right?") */
#define LOOKBEHIND_BYTES 60
#define INVITE_SENTENCES 6   /* sentences before an undated invite searched for its day */
#define PRONOUN_REACH 4       /* sentences back a person not on the call stays "he" or "she" */

const char *mk_side_name(enum mk_side side)
{
	switch (side) {
	case MK_SIDE_BUYER:
		return "buyer";
	case MK_SIDE_SELLER:
		return "seller";
	default:
		return "unknown";
	}
}

/* ---- turns and sentences ---- */

struct turn {
	const char *speaker;
	char *text;          /* the cues' texts joined by single spaces, fillers masked (in
				c->textbuf); the words as said, for quotes, come from the cues */
	size_t len;
	size_t first, last;  /* utterance indexes */
	size_t *utt_off;     /* byte offset in text where utterance first+i begins (in c->offs) */
};

struct sentence {            /* 16 bytes: a long call has hundreds of thousands */
	uint32_t turn;
	uint32_t off, len;   /* in the turn's text (a transcript is at most 64 MiB) */
	unsigned char question;
	unsigned char cont;  /* a clause continuing the previous one of a run-on sentence */
};

struct ctx {
	const struct mk_rules *rs;
	const struct mk_transcript *t;
	const struct mk_extract_opts *o;
	struct mk_findings *f;
	pcre2_match_data *md;
	struct turn *turns;
	size_t nturns;
	struct sentence *sents;
	size_t nsents, capsents;
	struct people pp;        /* participants, people named, stakeholders (people.c) */
	size_t cur_sent;
	size_t capc, caps, capr, capu, capd;
	size_t *commit_sent;     /* the sentence of each commitment */
	struct rules_scan sc;    /* what rules sentence sc_sent may match (outside the block) */
	size_t sc_sent;
	int sc_valid;
	size_t capcs;
	char *low;               /* a sentence ASCII-lower-cased, for the needs: words */
	size_t caplow;
	struct block *blk;       /* the matches of the sentences being worked on */
	unsigned char *el_may;   /* per sentence, the element kinds that may match (el_may) */
	char *textbuf;           /* every turn's text, one after another */
	size_t *offs;            /* t->n utterance offsets in their turns */
	char *said;              /* sentence said_sent as said (said_sentence) */
	size_t capsaid, said_sent;
	int said_valid;
};

/*
 * The rules of the kinds every sentence asks for run a block of sentences at a time
 * (rules_match_block: rule after rule, so each rule's code stays in the CPU's caches);
 * their matches wait here, per sentence and kind, in the order rules_match_kind would
 * give them. Vetoes and acceptances, asked for rarely, run when asked
 * (rules_match_block_kind). A sentence outside the block (the look-ahead of
 * turn_promises_next) runs when asked, too: the same matches either way.
 */
#define BLOCK_SENTS RULES_BLOCK_MAX
static const enum rule_kind block_kinds[] = { RK_COMMITMENT, RK_STAKEHOLDER, RK_REQUEST, RK_RISK, RK_UPDATE };
#define NBLOCK_KINDS (sizeof block_kinds / sizeof block_kinds[0])

struct match_list {
	struct rule_match *m;
	size_t n, cap;
};

struct block {
	size_t first, n;                                   /* sentences [first, first + n) */
	struct match_list ml[BLOCK_SENTS][NBLOCK_KINDS];
	struct rules_block *rb;                            /* what the rules keep of the block */
};

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* ASCII letters, digits and ' (every byte of a UTF-8 sequence counts too: is_word) */
static const unsigned char word_ascii[128] = {
	['\''] = 1,
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1, ['I'] = 1,
	['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1,
	['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1,
	['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1,
	['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
};

static int is_word(unsigned char c)
{
	return c >= 0x80 || word_ascii[c];
}

/* Replaces filler words (um, uh, erm ...) by spaces of the same length: offsets stay. */
static void mask_fillers(char *s, size_t n)
{
	static const char *const fillers[] = { "um", "umm", "uh", "uhh", "erm", "uhm", "hmm", "mm", "er", NULL };
	size_t i = 0;
	while (i < n) {
		size_t j;
		if (!is_word((unsigned char)s[i])) {
			i++;
			continue;
		}
		for (j = i; j < n && is_word((unsigned char)s[j]); j++)
			;
		/* every filler is 2 or 3 letters starting with u, e, h or m */
		if (j - i < 2 || j - i > 3 || !strchr("uehmUEHM", s[i])) {
			i = j;
			continue;
		}
		for (int k = 0; fillers[k]; k++)
			if (strlen(fillers[k]) == j - i && mk_strnieq(s + i, fillers[k], j - i)) {
				memset(s + i, ' ', j - i);
				if (j < n && s[j] == ',')
					s[j] = ' ';
				break;
			}
		i = j;
	}
}

static void build_turns(struct ctx *c)
{
	const struct mk_transcript *t = c->t;
	size_t nturns = 0, total = 0, pos = 0;
	/* first the turns (counted, so the array is exactly as long as needed) and where each
	 * cue starts in its turn, then one buffer for the text */
	for (size_t i = 0; i < t->n; i++)
		nturns += i == 0 || strcmp(t->utt[i].speaker, t->utt[i - 1].speaker) != 0;
	c->turns = mk_malloc((nturns ? nturns : 1) * sizeof *c->turns);
	c->offs = mk_malloc((t->n ? t->n : 1) * sizeof *c->offs);
	for (size_t i = 0; i < t->n;) {
		size_t j = i, len = 0;
		struct turn *tu;
		while (j + 1 < t->n && !strcmp(t->utt[j + 1].speaker, t->utt[i].speaker))
			j++;
		tu = &c->turns[c->nturns++];
		tu->speaker = t->utt[i].speaker;
		tu->first = i;
		tu->last = j;
		tu->utt_off = c->offs + i;
		for (size_t k = i; k <= j; k++) {
			if (len)
				len++; /* the space between two cues */
			c->offs[k] = len;
			len += strlen(t->utt[k].text);
		}
		tu->len = len;
		total += len + 1;
		i = j + 1;
	}
	c->textbuf = mk_malloc(total ? total : 1);
	for (size_t n = 0; n < c->nturns; n++) {
		struct turn *tu = &c->turns[n];
		char *s = c->textbuf + pos;
		memset(s, ' ', tu->len); /* what no cue covers is a space between two */
		for (size_t k = tu->first; k <= tu->last; k++)
			memcpy(s + c->offs[k], t->utt[k].text, strlen(t->utt[k].text));
		s[tu->len] = '\0';
		mask_fillers(s, tu->len);
		tu->text = s;
		pos += tu->len + 1;
	}
}

static void free_turns(struct ctx *c)
{
	free(c->turns);
	free(c->textbuf);
	free(c->offs);
}

static int abbrev_before(const char *s, size_t dot)
{
	static const char *const ab[] = { "mr", "mrs", "ms", "dr", "st", "vs", "e.g", "i.e", "jr", "sr", "no", "approx", NULL };
	size_t b = dot;
	while (b > 0 && (is_word((unsigned char)s[b - 1]) || s[b - 1] == '.'))
		b--;
	if (dot - b > 6) /* longer than every abbreviation */
		return 0;
	for (int k = 0; ab[k]; k++)
		if (strlen(ab[k]) == dot - b && mk_strnieq(s + b, ab[k], dot - b))
			return 1;
	/* a single letter ("J. Smith") */
	return dot - b == 1 && s[b] >= 'A' && s[b] <= 'Z';
}

static void add_piece(struct ctx *c, size_t turn, size_t a, size_t b, int cont)
{
	const char *s = c->turns[turn].text;
	struct sentence *se;
	while (a < b && is_space(s[a]))
		a++;
	while (b > a && is_space(s[b - 1]))
		b--;
	if (a >= b)
		return;
	c->sents = mk_grow(c->sents, &c->capsents, c->nsents + 1, sizeof *c->sents);
	se = &c->sents[c->nsents++];
	se->turn = turn;
	se->off = a;
	se->len = b - a;
	se->question = s[b - 1] == '?';
	se->cont = (unsigned char)cont;
}

/* A sentence; an unpunctuated run-on one as its clauses (extractor/clauses.c). */
static void add_sentence(struct ctx *c, size_t turn, size_t a, size_t b)
{
	size_t cuts[64], n;
	const char *s = c->turns[turn].text;
	while (a < b && is_space(s[a]))
		a++;
	n = a < b ? clause_runon_cuts(s + a, b - a, cuts, sizeof cuts / sizeof cuts[0]) : 0;
	for (size_t k = 0, from = a; k <= n; k++) {
		size_t to = k < n ? a + cuts[k] : b;
		add_piece(c, turn, from, to, k > 0);
		from = to;
	}
}

static void split_sentences(struct ctx *c)
{
	for (size_t t = 0; t < c->nturns; t++) {
		const char *s = c->turns[t].text;
		size_t n = c->turns[t].len, start = 0;
		for (size_t i = 0; i < n; i++) {
			char ch = s[i];
			if (ch != '.' && ch != '?' && ch != '!')
				continue;
			while (i + 1 < n && (s[i + 1] == '.' || s[i + 1] == '?' || s[i + 1] == '!' ||
					     s[i + 1] == '"' || s[i + 1] == ')'))
				i++;
			if (i + 1 < n && !is_space(s[i + 1]))
				continue;
			if (ch == '.' && abbrev_before(s, i))
				continue;
			add_sentence(c, t, start, i + 1);
			start = i + 1;
		}
		add_sentence(c, t, start, n);
	}
}

/* The utterance (global index) holding byte off of a turn's text. */
static size_t utt_at(const struct turn *tu, size_t off)
{
	size_t lo = 0, hi = tu->last - tu->first;
	while (lo < hi) {
		size_t mid = (lo + hi + 1) / 2;
		if (tu->utt_off[mid] <= off)
			lo = mid;
		else
			hi = mid - 1;
	}
	return tu->first + lo;
}

/* Bytes [a, b) of a turn as said (fillers not masked) into out: the cues' texts, and a space
 * between two. */
static void turn_said(const struct ctx *c, const struct turn *tu, size_t a, size_t b, char *out)
{
	if (a >= b)
		return;
	memset(out, ' ', b - a); /* what no cue covers is a space between two */
	for (size_t k = utt_at(tu, a); k <= tu->last; k++) {
		size_t off = tu->utt_off[k - tu->first], plen, lo, hi;
		if (off >= b)
			break;
		plen = strnlen(c->t->utt[k].text, b - off);
		lo = off > a ? off : a;
		hi = off + plen < b ? off + plen : b;
		if (lo < hi)
			memcpy(out + (lo - a), c->t->utt[k].text + (lo - off), hi - lo);
	}
}

/* The same as a new string. */
static char *said_dup(const struct ctx *c, const struct turn *tu, size_t a, size_t b)
{
	char *s = mk_malloc(b - a + 1);
	turn_said(c, tu, a, b, s);
	s[b - a] = '\0';
	return s;
}

/* Sentence si as said, in c->said (kept until another sentence is asked for). */
static const char *said_sentence(struct ctx *c, size_t si)
{
	const struct sentence *se = &c->sents[si];
	if (!c->said_valid || c->said_sent != si) {
		c->said = mk_grow(c->said, &c->capsaid, (size_t)se->len + 1, 1);
		turn_said(c, &c->turns[se->turn], se->off, (size_t)se->off + se->len, c->said);
		c->said[se->len] = '\0';
		c->said_sent = si;
		c->said_valid = 1;
	}
	return c->said;
}

static void evidence(struct ctx *c, const struct sentence *se, size_t from, struct mk_evidence *ev)
{
	const struct turn *tu = &c->turns[se->turn];
	size_t a = se->off, b = se->off + se->len;
	if (from < a || from >= b)
		from = a;
	ev->utt_first = utt_at(tu, from);
	ev->utt_last = utt_at(tu, b - 1);
	ev->speaker = mk_strdup(tu->speaker);
	ev->start_ms = c->t->utt[ev->utt_first].start_ms;
	ev->end_ms = c->t->utt[ev->utt_last].end_ms;
	ev->quote = said_dup(c, tu, a, b);
}

/* Sentence si ASCII-lower-cased, into c->low. */
static const char *lower_sentence(struct ctx *c, size_t si)
{
	const struct sentence *se = &c->sents[si];
	c->low = mk_grow(c->low, &c->caplow, se->len + 1, 1);
	rules_lower(c->turns[se->turn].text + se->off, se->len, c->low);
	return c->low;
}

/* What rules sentence si (outside the block) may match, found once however many kinds ask. */
static const struct rules_scan *scan(struct ctx *c, size_t si)
{
	if (!c->sc_valid || c->sc_sent != si) {
		rules_scan_text(c->rs, &c->sc, lower_sentence(c, si), c->sents[si].len);
		c->sc_sent = si;
		c->sc_valid = 1;
	}
	return &c->sc;
}

static int block_add(void *vctx, size_t i, size_t k, const struct rule_match *m)
{
	struct match_list *ml = &((struct block *)vctx)->ml[i][k];
	ml->m = mk_grow(ml->m, &ml->cap, ml->n + 1, sizeof *ml->m);
	ml->m[ml->n++] = *m;
	return 0;
}

/* Runs the block kinds' rules over sentences [first, first + BLOCK_SENTS). */
static void fill_block(struct ctx *c, size_t first)
{
	struct block *bk = c->blk;
	struct rules_text txt[BLOCK_SENTS];
	if (!bk) {
		bk = c->blk = mk_calloc(1, sizeof *bk);
		bk->rb = rules_block_new(c->rs);
	}
	bk->first = first;
	bk->n = c->nsents - first < BLOCK_SENTS ? c->nsents - first : BLOCK_SENTS;
	for (size_t i = 0; i < bk->n; i++) {
		const struct sentence *se = &c->sents[first + i];
		for (size_t k = 0; k < NBLOCK_KINDS; k++)
			bk->ml[i][k].n = 0;
		txt[i].text = c->turns[se->turn].text + se->off;
		txt[i].len = se->len;
	}
	rules_match_block(bk->rb, txt, bk->n, block_kinds, NBLOCK_KINDS, c->md, block_add, bk);
}

static void free_block(struct ctx *c)
{
	struct block *bk = c->blk;
	if (!bk)
		return;
	for (size_t i = 0; i < BLOCK_SENTS; i++)
		for (size_t k = 0; k < NBLOCK_KINDS; k++)
			free(bk->ml[i][k].m);
	rules_block_free(bk->rb);
	free(bk);
	c->blk = NULL;
}

/* rules_match_kind over sentence si: from the block when it holds them, else run now. */
static size_t sentence_matches(struct ctx *c, enum rule_kind kind, size_t si, rules_match_fn fn, void *ctx)
{
	const struct sentence *se = &c->sents[si];
	struct block *bk = c->blk;
	if (bk && si >= bk->first && si < bk->first + bk->n) {
		for (size_t k = 0; k < NBLOCK_KINDS; k++)
			if (block_kinds[k] == kind) {
				const struct match_list *ml = &bk->ml[si - bk->first][k];
				for (size_t i = 0; i < ml->n; i++)
					if (fn(ctx, &ml->m[i]))
						return i + 1;
				return ml->n;
			}
		return rules_match_block_kind(bk->rb, si - bk->first, kind, c->md, fn, ctx);
	}
	return rules_match_kind(c->rs, kind, c->turns[se->turn].text + se->off, scan(c, si), se->len, c->md, fn, ctx);
}

/* ---- people ---- */

static struct person *find_person_exact(struct ctx *c, const char *name, size_t n)
{
	return people_find_exact(&c->pp, name, n);
}

/* A known person whose first word(s) are name (the most recently added wins). */
static struct person *find_person(struct ctx *c, const char *name, size_t n)
{
	return people_find(&c->pp, name, n);
}

static struct person *add_person(struct ctx *c, const char *name, enum mk_side side, int participant)
{
	return people_add(&c->pp, name, side, participant);
}

/* "he" / "she": someone not on the call named in the last few sentences, else the last named */
static const char *pronoun_referent(const struct ctx *c)
{
	return people_referent(&c->pp, c->cur_sent, PRONOUN_REACH);
}

static int is_seller(const struct mk_extract_opts *o, const char *name)
{
	for (size_t i = 0; i < o->nsellers; i++)
		if (mk_strieq(o->sellers[i], name))
			return 1;
	if (o->seller_domain && *o->seller_domain) {
		const char *at = strchr(name, '@');
		if (at && mk_strieq(at + 1, o->seller_domain))
			return 1;
	}
	return 0;
}

static enum mk_side speaker_side(struct ctx *c, const char *speaker)
{
	struct person *p = find_person_exact(c, speaker, strlen(speaker));
	return p ? p->side : MK_SIDE_UNKNOWN;
}

static void collect_speakers(struct ctx *c)
{
	const struct mk_transcript *t = c->t;
	int sides_known = c->o->nsellers > 0 || (c->o->seller_domain && *c->o->seller_domain);
	for (size_t i = 0; i < t->n; i++) {
		const char *sp = t->utt[i].speaker;
		size_t k;
		if (!*sp)
			continue;
		for (k = 0; k < c->f->nspeakers; k++)
			if (!strcmp(c->f->speakers[k].name, sp))
				break;
		if (k == c->f->nspeakers) {
			enum mk_side side = is_seller(c->o, sp) ? MK_SIDE_SELLER :
					    sides_known ? MK_SIDE_BUYER : MK_SIDE_UNKNOWN;
			c->f->speakers = mk_realloc(c->f->speakers, (k + 1) * sizeof *c->f->speakers);
			c->f->speakers[k].name = mk_strdup(sp);
			c->f->speakers[k].side = side;
			c->f->speakers[k].utterances = 0;
			c->f->nspeakers++;
			add_person(c, sp, side, 1);
		}
		c->f->speakers[k].utterances++;
	}
	for (size_t i = 0; i < c->o->nsellers; i++)
		add_person(c, c->o->sellers[i], MK_SIDE_SELLER, 1);
}

static int is_pronoun(const char *s, size_t n)
{
	return people_is_pronoun(s, n);
}

static int is_first_person(const char *s, size_t n)
{
	return people_is_first_person(s, n);
}

/* Strips a possessive "'s" and surrounding space/punctuation from a captured name. */
static void clean_name(const char **s, size_t *n)
{
	people_clean_name(s, n);
}

/* ---- date helpers ---- */

static int date_cmp(struct mk_date a, struct mk_date b)
{
	if (a.y != b.y)
		return a.y < b.y ? -1 : 1;
	if (a.m != b.m)
		return a.m < b.m ? -1 : 1;
	return a.d < b.d ? -1 : a.d > b.d;
}

struct due_scan {
	struct mk_date today;
	struct mk_when w;
	int found;
	const char *base;    /* the text scanned */
};

static int due_cb(void *vctx, const struct mk_when *w)
{
	struct due_scan *ds = vctx;
	if (mk_when_side_clause(ds->base, w->start))
		return 0; /* "if the PO lands on the 10th", "whether he'd sign by the 27th" */
	if (w->has_date && date_cmp(w->pick, ds->today) >= 0) {
		ds->w = *w; /* a date wins over "right after this call" said before it */
		ds->found = 1;
		return 1;
	}
	if (!w->has_date && !ds->found) {
		ds->w = *w;
		ds->found = 1;
	}
	return 0;
}

/* The first date expression in text[from..to) resolving to today or later (w.start is
 * relative to text). */
static int find_due(struct ctx *c, const char *text, size_t from, size_t to, struct mk_when *w)
{
	struct due_scan ds;
	if (to <= from)
		return 0;
	memset(&ds, 0, sizeof ds);
	ds.today = c->o->date;
	ds.base = text + from;
	mk_when_scan(text + from, to - from, c->o->date, due_cb, &ds);
	if (!ds.found)
		return 0;
	*w = ds.w;
	w->start += from;
	return 1;
}

/* The date of the request in sentence rs: said in it, or in the next sentence of the
 * requester's turn ("Could you send the allow list? By Friday if you can."). */
static int find_due_request(struct ctx *c, size_t rs, struct mk_when *w, const struct turn **src)
{
	for (size_t k = rs; k < c->nsents && k <= rs + 1 && c->sents[k].turn == c->sents[rs].turn; k++) {
		const struct sentence *q = &c->sents[k];
		if (find_due(c, c->turns[q->turn].text, q->off, q->off + q->len, w)) {
			*src = &c->turns[q->turn];
			return 1;
		}
	}
	return 0;
}

/* ---- findings ---- */

struct cand {
	struct rule_match m;
	int vetoed;
};

/* w was found in the text of turn tu; the due text is its words as said. */
static void set_due(const struct ctx *c, struct mk_commitment *cm, const struct mk_when *w,
		    const struct turn *tu)
{
	free(cm->due_text);
	cm->due_text = said_dup(c, tu, w->start, w->start + w->len);
	cm->has_due = w->has_date;
	if (w->has_date)
		cm->due = w->pick;
}

static char *clean_action(const char *s, size_t n, const struct mk_when *w, size_t base)
{
	/* cut the action before the due expression when it lies inside */
	if (w && w->len && w->start >= base && w->start < base + n)
		n = w->start - base;
	while (n && (is_space(s[n - 1]) || s[n - 1] == ',' || s[n - 1] == '.' || s[n - 1] == '?' ||
		     s[n - 1] == '!' || s[n - 1] == '-'))
		n--;
	while (n && is_space(*s))
		s++, n--;
	{ /* fold the runs of spaces left by masked fillers */
		char *out = mk_malloc(n + 1);
		size_t k = 0;
		for (size_t i = 0; i < n; i++) {
			if (is_space(s[i]) && (k == 0 || out[k - 1] == ' '))
				continue;
			out[k++] = is_space(s[i]) ? ' ' : s[i];
		}
		while (k && out[k - 1] == ' ')
			k--;
		out[k] = '\0';
		return out;
	}
}

static struct mk_commitment *new_commitment(struct ctx *c, size_t si)
{
	struct mk_findings *f = c->f;
	c->commit_sent = mk_grow(c->commit_sent, &c->capcs, f->ncommitments + 1, sizeof *c->commit_sent);
	c->commit_sent[f->ncommitments] = si;
	f->commitments = mk_grow(f->commitments, &c->capc, f->ncommitments + 1, sizeof *f->commitments);
	memset(&f->commitments[f->ncommitments], 0, sizeof *f->commitments);
	return &f->commitments[f->ncommitments++];
}

/* Owner of a commitment match: the named group, a pronoun's referent, or the speaker. */
static void resolve_owner(struct ctx *c, const struct turn *tu, const struct rule_match *m,
			  struct mk_commitment *cm)
{
	const char *sp = tu->speaker;
	enum mk_side sside = speaker_side(c, sp);
	cm->owner = *sp ? mk_strdup(sp) : NULL;
	cm->side = sside;
	if (m->gs[RG_OWNER] >= 0) {
		const char *s = tu->text + m->gs[RG_OWNER];
		size_t n = (size_t)(m->ge[RG_OWNER] - m->gs[RG_OWNER]);
		clean_name(&s, &n);
		if (!n || is_first_person(s, n))
			return;
		if (is_pronoun(s, n)) {
			const char *ref = pronoun_referent(c);
			struct person *p = ref ? find_person_exact(c, ref, strlen(ref)) : NULL;
			free(cm->owner);
			/* nobody to point at: no owner beats a wrong one (the side stays the speaker's) */
			cm->owner = ref ? mk_strdup(ref) : NULL;
			cm->side = p && p->side != MK_SIDE_UNKNOWN ? p->side : sside;
			return;
		}
		struct person *p = find_person(c, s, n);
		free(cm->owner);
		if (p) {
			cm->owner = mk_strdup(p->name);
			cm->side = p->side != MK_SIDE_UNKNOWN ? p->side : sside;
		} else {
			cm->owner = mk_strndup(s, n);
			cm->side = sside; /* "I'll have Priya ..." : Priya works with the speaker */
		}
	}
}

static int collect_cand(void *vctx, const struct rule_match *m)
{
	struct cand *cands = ((void **)vctx)[0];
	size_t *n = ((void **)vctx)[1];
	for (size_t i = 0; i < *n; i++) {
		struct cand *o = &cands[i];
		if (m->start < o->m.end && o->m.start < m->end) { /* overlap: keep the stronger */
			if (m->rule->confidence > o->m.rule->confidence ||
			    (m->rule->confidence == o->m.rule->confidence && m->start < o->m.start))
				o->m = *m;
			return 0;
		}
	}
	if (*n < MAX_CANDS) {
		cands[*n].m = *m;
		cands[*n].vetoed = 0;
		(*n)++;
	}
	return 0;
}

struct vetoes {               /* only n is set up front: v[i] is written before it is read */
	struct rule_match v[MAX_VETOES];
	size_t n;
};

static int collect_veto(void *vctx, const struct rule_match *m)
{
	struct vetoes *vs = vctx;
	if (vs->n < MAX_VETOES)
		vs->v[vs->n++] = *m;
	return 0;
}

/* Is there a clause break (", so", "but", ";") in text[a..b)? */
static int clause_break(const char *text, size_t a, size_t b)
{
	static const char *const brk[] = { ", so ", " so ", " but ", ";", ", and ", " and then ", ", then ",
					   " though ", ", which ", NULL };
	for (size_t i = a; i < b; i++)
		for (int k = 0; brk[k]; k++) {
			size_t n = strlen(brk[k]);
			if (i + n <= b && mk_strnieq(text + i, brk[k], n))
				return 1;
		}
	return 0;
}

/* Does a veto apply to a commitment candidate in the same sentence? */
static int veto_applies(const char *text, const struct rule_match *v, const struct rule_match *m,
			size_t sent_off)
{
	size_t lo;
	if (v->rule->scope_sentence == 2) /* "a table which we'll use": the promise starts inside it */
		return v->start <= m->start && v->end >= m->start;
	if (v->rule->scope_sentence == 3) /* "we'll see" anywhere in the clause, not "we'll see about X, but I'll" */
		return v->end > m->start || !clause_break(text, v->end, m->start);
	if (v->rule->scope_sentence)
		return 1; /* "no promises" anywhere in the sentence softens all of it */
	lo = m->start > sent_off + NEAR_BEFORE ? m->start - NEAR_BEFORE : sent_off;
	if (v->end <= m->start && clause_break(text, v->end, m->start))
		return 0; /* "there's no point before January, so we'll ..." */
	return v->start < m->end && v->end > lo;
}

static int cmp_cand(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	return (x->m.start > y->m.start) - (x->m.start < y->m.start);
}

struct pending_request {
	int active;
	size_t sent;         /* the request sentence */
	const char *speaker;
	struct rule_match m;
};

static int turn_promises_next(struct ctx *c, size_t si);

/* Does commitment candidate m of sentence si hold in its context? Not when its action was cut off
 * ("I'll send the—") or a bare hedge follows ("I'll send it Friday. Maybe."); an offer (rules.h
 * RULE_CTX_*) not when the next speaker declines it; a reply offer ("I can take another look")
 * only early in a turn answering an ask, and not when the turn goes on to promise it in full. */
static int context_holds(struct ctx *c, size_t si, const struct rule_match *m)
{
	const struct sentence *se = &c->sents[si];
	const struct turn *tu = &c->turns[se->turn];
	size_t k;
	if (m->gs[RG_ACTION] >= 0 &&
	    clause_cut_off(tu->text + m->gs[RG_ACTION], (size_t)(m->ge[RG_ACTION] - m->gs[RG_ACTION])))
		return 0;
	if (si + 1 < c->nsents && c->sents[si + 1].turn == se->turn &&
	    clause_only_hedge(tu->text + c->sents[si + 1].off, c->sents[si + 1].len))
		return 0;
	if (m->rule->context == RULE_CTX_ANY)
		return 1;
	for (k = si + 1; k < c->nsents && c->sents[k].turn == se->turn; k++)
		;
	if (k < c->nsents && c->sents[k].turn == se->turn + 1 &&
	    clause_declines(c->turns[c->sents[k].turn].text + c->sents[k].off, c->sents[k].len))
		return 0; /* "I can push harder on that." "Honestly don't bother." */
	if (m->rule->context == RULE_CTX_REPLY) {
		const struct turn *pt;
		size_t first = si, from;
		while (first > 0 && c->sents[first - 1].turn == se->turn)
			first--;
		if (si - first > 2 || se->turn == 0)
			return 0;
		pt = &c->turns[se->turn - 1];
		from = pt->len > 300 ? pt->len - 300 : 0;
		if (!clause_asks(pt->text + from, pt->len - from))
			return 0;
		if (c->f->ncommitments && c->sents[c->commit_sent[c->f->ncommitments - 1]].turn == se->turn)
			return 0;
		if (turn_promises_next(c, si))
			return 0;
	}
	return 1;
}

static size_t sentence_commitments(struct ctx *c, size_t si, struct cand *cands, size_t *ncands)
{
	const struct sentence *se = &c->sents[si];
	const struct turn *tu = &c->turns[se->turn];
	void *args[2] = { cands, ncands };
	struct vetoes vs;
	size_t kept = 0;
	*ncands = 0;
	vs.n = 0;
	sentence_matches(c, RK_COMMITMENT, si, collect_cand, args);
	if (!*ncands)
		return 0;
	sentence_matches(c, RK_VETO, si, collect_veto, &vs);
	for (size_t i = 0; i < *ncands; i++) {
		cands[i].m.start += se->off;
		cands[i].m.end += se->off;
		for (int g = 0; g < RG_COUNT; g++)
			if (cands[i].m.gs[g] >= 0) {
				cands[i].m.gs[g] += (long)se->off;
				cands[i].m.ge[g] += (long)se->off;
			}
	}
	for (size_t v = 0; v < vs.n; v++) {
		vs.v[v].start += se->off;
		vs.v[v].end += se->off;
	}
	qsort(cands, *ncands, sizeof *cands, cmp_cand);
	for (size_t i = 0; i < *ncands; i++) {
		if (se->question) {
			cands[i].vetoed = 1;
			continue;
		}
		for (size_t v = 0; v < vs.n; v++)
			if (veto_applies(tu->text, &vs.v[v], &cands[i].m, se->off)) {
				cands[i].vetoed = 1;
				break;
			}
		if (!cands[i].vetoed && !context_holds(c, si, &cands[i].m))
			cands[i].vetoed = 1;
		kept += !cands[i].vetoed;
	}
	return kept;
}

/* ---- the action (extractor/action.c reads the call through these) ---- */

static int act_sentence(void *vc, size_t si, struct act_sent *out)
{
	struct ctx *c = vc;
	const struct sentence *se;
	if (si >= c->nsents)
		return 0;
	se = &c->sents[si];
	out->text = c->turns[se->turn].text + se->off;
	out->len = se->len;
	out->speaker = c->turns[se->turn].speaker;
	out->question = se->question;
	return 1;
}

static int act_side(void *vc, const char *speaker)
{
	return (int)speaker_side(vc, speaker);
}

/* The action for turn text [a, b) of sentence si; the due date w when it lies inside. */
static char *make_action(struct ctx *c, size_t si, size_t at, size_t a, size_t b, const struct mk_when *w,
			 const char *request)
{
	const struct sentence *se = &c->sents[si];
	const struct turn *tu = &c->turns[se->turn];
	struct act_env e;
	size_t da = 0, db = 0;
	memset(&e, 0, sizeof e);
	e.ctx = c;
	e.sentence = act_sentence;
	e.side = act_side;
	e.si = si;
	e.at = at > se->off ? at - se->off : 0;
	e.speaker = tu->speaker;
	e.he_she = pronoun_referent(c);
	e.request = request;
	e.today = c->o->date;
	if (w && w->len && w->start < b && w->start + w->len > a) {
		da = w->start > a ? w->start - a : 0;
		db = w->start + w->len - a;
	}
	return action_make(&e, tu->text + a, b > a ? b - a : 0, da, db);
}

/* The action of the request rq (a pending request's match, in turn text), or NULL. */
static char *request_action(struct ctx *c, size_t rsi, const struct rule_match *rm)
{
	if (rm->gs[RG_ACTION] < 0)
		return NULL;
	return make_action(c, rsi, (size_t)rm->start, (size_t)rm->gs[RG_ACTION], (size_t)rm->ge[RG_ACTION], NULL, NULL);
}

static void emit_commitment(struct ctx *c, size_t si, const struct rule_match *m, size_t due_to, const char *request)
{
	const struct sentence *se = &c->sents[si];
	const struct turn *tu = &c->turns[se->turn];
	struct mk_commitment *cm = new_commitment(c, si);
	struct mk_when w;
	int have_w;
	memset(&w, 0, sizeof w);
	resolve_owner(c, tu, m, cm);
	/* the due date: after the commitment starts, within its clause and sentence */
	have_w = find_due(c, tu->text, m->start, due_to, &w);
	if (!have_w)
		have_w = find_due(c, tu->text, se->off, m->start, &w);
	if (have_w)
		set_due(c, cm, &w, tu);
	if (m->gs[RG_ACTION] >= 0)
		cm->action = make_action(c, si, m->start, (size_t)m->gs[RG_ACTION], (size_t)m->ge[RG_ACTION],
					 have_w ? &w : NULL, request);
	else
		cm->action = make_action(c, si, m->start, m->start, m->end, have_w ? &w : NULL, request);
	cm->confidence = m->rule->confidence * (cm->has_due ? 1.0 : 0.9);
	cm->rule = m->rule->id;
	evidence(c, se, m->start, &cm->ev);
}

/* ---- stakeholders, risks, updates, dates ---- */

struct sent_matches {         /* the same */
	struct rule_match m[MAX_CANDS];
	size_t n;
};

static int collect_any(void *vctx, const struct rule_match *m)
{
	struct sent_matches *sm = vctx;
	if (sm->n < MAX_CANDS)
		sm->m[sm->n++] = *m;
	return 0;
}

static void people_evidence(void *arg, size_t si, size_t off, struct mk_evidence *ev)
{
	struct ctx *c = arg;
	evidence(c, &c->sents[si], c->sents[si].off + off, ev);
}

static void people_sentence_of(struct ctx *c, size_t si, struct people_sentence *ps)
{
	const struct sentence *se = &c->sents[si];
	const struct turn *tu = &c->turns[se->turn];
	ps->said = said_sentence(c, si);
	ps->text = tu->text + se->off;
	ps->len = se->len;
	ps->index = si;
	ps->speaker = tu->speaker;
	ps->side = speaker_side(c, tu->speaker);
	ps->evidence = people_evidence;
	ps->arg = c;
}

/* The stakeholders of sentence si (extractor/people.c). */
static void do_stakeholders(struct ctx *c, size_t si)
{
	struct sent_matches sm;
	struct people_sentence ps;
	sm.n = 0;
	sentence_matches(c, RK_STAKEHOLDER, si, collect_any, &sm);
	people_sentence_of(c, si, &ps);
	people_stakeholders(&c->pp, c->o, c->f, &ps, sm.m, sm.n);
}

/* Remembers the last named non-speaker for "he'll" / "she'll", and names said in passing. */
static void track_mentions(struct ctx *c, size_t si)
{
	struct people_sentence ps;
	people_sentence_of(c, si, &ps);
	people_track_mentions(&c->pp, &ps);
}

static void do_risks(struct ctx *c, size_t si, int has_commitment)
{
	const struct sentence *se = &c->sents[si];
	const struct turn *tu = &c->turns[se->turn];
	struct sent_matches sm;
	const struct rule_match *best;
	int64_t starts[MAX_CANDS];
	sm.n = 0;
	/* "we'll get you the union consultation pack" is a plan item, not a threat; a question asks */
	if (has_commitment || se->question)
		return;
	sentence_matches(c, RK_RISK, si, collect_any, &sm);
	for (size_t i = 0; i < sm.n; i++)
		starts[i] = c->t->utt[utt_at(tu, se->off + sm.m[i].start)].start_ms;
	best = risk_pick(sm.m, starts, sm.n, tu->text + se->off, se->len, /* extractor/risk.c */
			 speaker_side(c, tu->speaker) == MK_SIDE_SELLER, c->f);
	if (!best)
		return;
	c->f->risks = mk_grow(c->f->risks, &c->capr, c->f->nrisks + 1, sizeof *c->f->risks);
	struct mk_risk *r = &c->f->risks[c->f->nrisks++];
	memset(r, 0, sizeof *r);
	r->category = best->rule->tag;
	r->rule = best->rule->id;
	evidence(c, se, se->off, &r->ev); /* from the sentence's first cue: where the risk is said */
	r->text = mk_strdup(r->ev.quote);
}

/* A date after "now" in sentence s ("It's now the twentieth"): the new one of two. */
static int due_after_now(struct ctx *c, const struct turn *tu, const struct sentence *s, struct mk_when *w)
{
	const char *t = tu->text + s->off;
	for (size_t i = 0; i + 3 <= s->len; i++)
		if ((i == 0 || !is_word((unsigned char)t[i - 1])) && mk_strnieq(t + i, "now", 3) &&
		    (i + 3 == s->len || !is_word((unsigned char)t[i + 3])))
			return find_due(c, tu->text, s->off + i, s->off + s->len, w) && w->has_date;
	return 0;
}

/* The question another speaker asked just before the turn of sentence si, when si opens
 * the answer ("Did the floor plans go out?" "Yes, Tuesday."); NULL when there is none. */
static char *asked_before(struct ctx *c, size_t si)
{
	size_t k = si;
	const struct sentence *q;
	while (k > 0 && c->sents[k - 1].turn == c->sents[si].turn)
		k--;
	if (k == 0 || si - k > 1)
		return NULL;
	q = &c->sents[k - 1];
	if (!q->question || !strcmp(c->turns[q->turn].speaker, c->turns[c->sents[si].turn].speaker))
		return NULL;
	return said_dup(c, &c->turns[q->turn], q->off, q->off + q->len);
}

/* One sentence that moves two things ("the board got pushed to the ninth, and the rollout
 * slips with it, realistically it's the twentieth"): a second new date after a clause break
 * (", and", ", but", ";"), each part with a date of its own, is news of its own. The first
 * update (index ui) keeps the words before the break as its item, the second those after. */
static void update_second_move(struct ctx *c, size_t si, const struct sent_matches *sm,
			       const struct rule_match *first, size_t ui)
{
	const struct sentence *se = &c->sents[si];
	const struct turn *tu = &c->turns[se->turn];
	const char *t = tu->text + se->off;
	const struct rule_match *m2 = NULL;
	size_t brk = 0, rest;
	struct mk_when w1, w2;
	struct mk_update *u, *u1;

	if (strcmp(first->rule->tag, "new_due"))
		return;
	for (size_t i = 0; i < sm->n; i++) {
		const struct rule_match *m = &sm->m[i];
		size_t b = 0;
		if (strcmp(m->rule->tag, "new_due") || m->start <= first->end ||
		    (m2 && m->start >= m2->start))
			continue;
		for (size_t k = first->end; k + 5 < m->start; k++)
			if (t[k] == ';' || (t[k] == ',' && (mk_strnieq(t + k + 1, " and ", 5) ||
							    mk_strnieq(t + k + 1, " but ", 5))))
				b = k;
		if (b) {
			m2 = m;
			brk = b;
		}
	}
	if (!m2 || !find_due(c, tu->text, se->off + first->start, se->off + brk, &w1) ||
	    !w1.has_date || !find_due(c, tu->text, se->off + m2->start, se->off + se->len, &w2) ||
	    !w2.has_date || (w1.pick.y == w2.pick.y && w1.pick.m == w2.pick.m && w1.pick.d == w2.pick.d))
		return;
	rest = brk + 1;
	while (rest < m2->start && (t[rest] == ' ' || t[rest] == ';'))
		rest++;
	if (mk_strnieq(t + rest, "and ", 4) || mk_strnieq(t + rest, "but ", 4))
		rest += 4;
	c->f->updates = mk_grow(c->f->updates, &c->capu, c->f->nupdates + 1, sizeof *c->f->updates);
	u1 = &c->f->updates[ui];
	if (first->gs[RG_ITEM] < 0) {
		free(u1->item);
		u1->item = clean_action(t, brk, NULL, 0);
	}
	u = &c->f->updates[c->f->nupdates++];
	memset(u, 0, sizeof *u);
	u->change = m2->rule->tag;
	u->rule = m2->rule->id;
	u->has_due = 1;
	u->due = w2.pick;
	u->item = clean_action(t + rest, se->len - rest, NULL, 0);
	evidence(c, se, se->off + m2->start, &u->ev);
	u->asked = u1->asked ? mk_strdup(u1->asked) : NULL;
}

static void do_updates(struct ctx *c, size_t si)
{
	const struct sentence *se = &c->sents[si];
	const struct turn *tu = &c->turns[se->turn];
	struct sent_matches sm;
	const struct rule_match *best = NULL;
	struct mk_when w;
	sm.n = 0;
	sentence_matches(c, RK_UPDATE, si, collect_any, &sm);
	for (size_t i = 0; i < sm.n; i++)
		if (!best || sm.m[i].rule->confidence > best->rule->confidence)
			best = &sm.m[i];
	if (!best)
		return;
	c->f->updates = mk_grow(c->f->updates, &c->capu, c->f->nupdates + 1, sizeof *c->f->updates);
	struct mk_update *u = &c->f->updates[c->f->nupdates++];
	memset(u, 0, sizeof *u);
	u->change = best->rule->tag;
	u->rule = best->rule->id;
	if (best->gs[RG_ITEM] >= 0)
		u->item = clean_action(tu->text + se->off + best->gs[RG_ITEM],
				       (size_t)(best->ge[RG_ITEM] - best->gs[RG_ITEM]), NULL, 0);
	/* the new date: after the news ("she said next week, it's slipped to the ninth"), in
	 * the next sentences ("The board got moved. It's now the ninth."), else before it */
	if (!strcmp(u->change, "new_due") &&
	    find_due(c, tu->text, se->off + best->start, se->off + se->len, &w) && w.has_date) {
		u->has_due = 1;
		u->due = w.pick;
	}
	/* in the next sentences, a date after "now" first ("There's a retreat on the sixth.
	 * It's now the twentieth."), then any */
	for (int pass = 0; pass < 2 && !strcmp(u->change, "new_due") && !u->has_due; pass++) {
		for (size_t k = 1; !u->has_due && k <= LOOKAHEAD_SENTENCES && si + k < c->nsents &&
				   c->sents[si + k].turn == se->turn; k++) {
			const struct sentence *nx = &c->sents[si + k];
			if (pass ? find_due(c, tu->text, nx->off, nx->off + nx->len, &w) && w.has_date :
				   due_after_now(c, tu, nx, &w)) {
				u->has_due = 1;
				u->due = w.pick;
			}
		}
	}
	if (!strcmp(u->change, "new_due") && !u->has_due &&
	    find_due(c, tu->text, se->off, se->off + se->len, &w) && w.has_date) {
		u->has_due = 1;
		u->due = w.pick;
	}
	evidence(c, se, se->off + best->start, &u->ev);
	if (!u->item)
		u->item = mk_strdup(u->ev.quote);
	u->asked = asked_before(c, si);
	update_second_move(c, si, &sm, best, c->f->nupdates - 1);
}

struct dates_scan {
	struct ctx *c;
	size_t si;
};

static int date_cb(void *vctx, const struct mk_when *w)
{
	struct dates_scan *ds = vctx;
	struct ctx *c = ds->c;
	const struct sentence *se = &c->sents[ds->si];
	const struct turn *tu = &c->turns[se->turn];
	struct mk_date_mention *dm;
	c->f->dates = mk_grow(c->f->dates, &c->capd, c->f->ndates + 1, sizeof *c->f->dates);
	dm = &c->f->dates[c->f->ndates++];
	memset(dm, 0, sizeof *dm);
	dm->text = said_dup(c, tu, se->off + w->start, se->off + w->start + w->len);
	dm->has_date = w->has_date;
	dm->value = w->pick;
	evidence(c, se, se->off + w->start, &dm->ev);
	return 0;
}

static void do_dates(struct ctx *c, size_t si)
{
	const struct sentence *se = &c->sents[si];
	const struct turn *tu = &c->turns[se->turn];
	struct dates_scan ds = { c, si };
	mk_when_scan(tu->text + se->off, se->len, c->o->date, date_cb, &ds);
}

/* ---- the pass over a call ---- */

static int first_match_cb(void *vctx, const struct rule_match *m)
{
	struct rule_match *out = vctx;
	if (!out->rule || m->start < out->start)
		*out = *m;
	return 0;
}

/* An acceptance at the start of a turn answering a request of another speaker. */
static int accepts(struct ctx *c, size_t si)
{
	struct rule_match m = { 0 };
	struct vetoes vs;
	vs.n = 0;
	sentence_matches(c, RK_ACCEPT, si, first_match_cb, &m);
	if (!m.rule || m.start > 12)
		return 0;
	sentence_matches(c, RK_VETO, si, collect_veto, &vs);
	return vs.n == 0;
}

/* Does one of the next sentences of this turn hold a commitment ("Yes. I'll send it today.")? */
static int turn_promises_next(struct ctx *c, size_t si)
{
	for (size_t k = 1; k <= LOOKAHEAD_SENTENCES && si + k < c->nsents; k++) {
		struct cand cands[MAX_CANDS];
		size_t n = 0;
		if (c->sents[si + k].turn != c->sents[si].turn)
			break;
		if (sentence_commitments(c, si + k, cands, &n))
			return 1;
	}
	return 0;
}

static int action_is_pronoun(const struct turn *tu, const struct rule_match *m)
{
	static const char *const pr[] = { "it", "that", "this", "those", "them", "these", "him", "her", NULL };
	const char *s;
	size_t n;
	if (m->gs[RG_ACTION] < 0)
		return 0;
	s = tu->text + m->gs[RG_ACTION];
	n = (size_t)(m->ge[RG_ACTION] - m->gs[RG_ACTION]);
	/* skip the verb and small words: "have that ready", "send it over", "get them to you" */
	for (size_t i = 0, words = 0; i < n && words < 4;) {
		size_t j;
		while (i < n && !is_word((unsigned char)s[i]))
			i++;
		for (j = i; j < n && is_word((unsigned char)s[j]); j++)
			;
		for (int k = 0; pr[k]; k++)
			if (strlen(pr[k]) == j - i && mk_strnieq(s + i, pr[k], j - i))
				return 1;
		words++;
		i = j;
	}
	return 0;
}

/* Is turn t the same speaker's turn right after a question put to it, the question the
 * only turn since sentence ps (the caller checks that the question asked for nothing new) ("I'll put together the mapping doc" / "For both?" / "Both.
 * I'll have that over to you Monday")? */
static int after_question(const struct ctx *c, size_t ps, size_t t)
{
	size_t pt = c->sents[ps].turn;
	const struct turn *q;
	if (t != pt + 2)
		return 0;
	q = &c->turns[pt + 1];
	return q->len > 0 && memchr(q->text, '?', q->len) != NULL;
}

static void commitments_pass(struct ctx *c)
{
	struct pending_request req = { 0 };
	size_t last_turn = (size_t)-1;
	size_t run_commit = (size_t)-1; /* the last clause of a run-on sentence that holds its promise */
	int turn_has_commit = 0;
	for (size_t si = 0; si < c->nsents; si++) {
		const struct sentence *se = &c->sents[si];
		const struct turn *tu = &c->turns[se->turn];
		struct cand cands[MAX_CANDS];
		size_t ncands = 0, kept;
		int new_turn = se->turn != last_turn;
		if (new_turn) {
			/* a request expires after the turn that answers it */
			if (req.active && si > 0 && c->sents[si - 1].turn != req.sent &&
			    c->turns[c->sents[si - 1].turn].speaker != req.speaker &&
			    c->sents[si - 1].turn != c->sents[req.sent].turn)
				req.active = 0;
			last_turn = se->turn;
			turn_has_commit = 0;
		}
		size_t ncommit_before = c->f->ncommitments;
		if (!c->blk || si >= c->blk->first + c->blk->n)
			fill_block(c, si);
		c->cur_sent = si;
		track_mentions(c, si);
		do_stakeholders(c, si);
		kept = sentence_commitments(c, si, cands, &ncands);
		for (size_t i = 0; i < ncands; i++) {
			size_t due_to = i + 1 < ncands ? cands[i + 1].m.start : se->off + se->len;
			size_t before = c->f->ncommitments;
			if (cands[i].vetoed)
				continue;
			/* a run-on sentence's clauses say one promise, as its punctuated sentence would:
			 * "lemme check with our cfo on the budget I'll ping you thursday" */
			if (se->cont && run_commit + 1 == si && before > 0 && cands[i].m.gs[RG_OWNER] < 0 &&
			    c->f->commitments[before - 1].ev.speaker &&
			    !strcmp(c->f->commitments[before - 1].ev.speaker, tu->speaker) &&
			    !c->f->commitments[before - 1].has_due) {
				struct mk_when w;
				if (find_due(c, tu->text, cands[i].m.start, due_to, &w))
					set_due(c, &c->f->commitments[before - 1], &w, tu);
				run_commit = si;
				turn_has_commit = 1;
				break;
			}
			run_commit = si;
			/* "I can have that ready by Friday" after "I'll set up a sandbox": one item */
			if (before > 0 && action_is_pronoun(tu, &cands[i].m)) {
				struct mk_commitment *prev = &c->f->commitments[before - 1];
				struct mk_commitment probe;
				memset(&probe, 0, sizeof probe);
				resolve_owner(c, tu, &cands[i].m, &probe);
				int same_owner = probe.owner && prev->owner && !strcmp(probe.owner, prev->owner);
				free(probe.owner);
				if (same_owner && !prev->has_due && prev->ev.speaker && !strcmp(prev->ev.speaker, tu->speaker) &&
				    (prev->ev.utt_first >= tu->first ||
				     (after_question(c, c->commit_sent[before - 1], se->turn) &&
				      !(req.active && c->sents[req.sent].turn + 1 == se->turn)))) {
					struct mk_when w;
					if (find_due(c, tu->text, cands[i].m.start, due_to, &w)) {
						set_due(c, prev, &w, tu);
						turn_has_commit = 1;
						continue;
					}
				}
			}
			{
				char *ra = req.active && req.speaker != tu->speaker ? request_action(c, req.sent, &req.m) : NULL;
				emit_commitment(c, si, &cands[i].m, se->off + se->len, ra);
				turn_has_commit = 1;
				struct mk_commitment *cm = &c->f->commitments[c->f->ncommitments - 1];
				if (ra && ((action_is_generic(cm->action) && !action_is_generic(ra)) ||
					   action_within(cm->action, ra))) {
					free(cm->action);
					cm->action = ra;
					ra = NULL;
				}
				free(ra);
			}
			if (before > 0) { /* "Here's what I'll do. I'll send the deck Friday.": one item (action.c) */
				struct mk_commitment *cm = &c->f->commitments[before], *pv = &c->f->commitments[before - 1];
				if (c->commit_sent[before - 1] + 1 == si && c->sents[c->commit_sent[before - 1]].turn == se->turn &&
				    pv->action && cm->action && !strcmp(pv->action, cm->action) && pv->owner && cm->owner &&
				    !strcmp(pv->owner, cm->owner)) {
					if (!pv->has_due && cm->has_due) {
						struct mk_commitment t = *pv;
						pv->has_due = 1, pv->due = cm->due, pv->due_text = cm->due_text;
						cm->due_text = t.due_text;
					}
					free(cm->owner), free(cm->action), free(cm->due_text), free(cm->ev.speaker), free(cm->ev.quote);
					c->f->ncommitments--;
					turn_has_commit = 1;
					break;
				}
			}
			{ /* a date from the request this turn answers */
				struct mk_commitment *cm = &c->f->commitments[c->f->ncommitments - 1];
				struct mk_when w;
				if (!cm->has_due && req.active && req.speaker != tu->speaker) {
					const struct turn *src;
					if (find_due_request(c, req.sent, &w, &src))
						set_due(c, cm, &w, src);
				}
			}
			break; /* one commitment per sentence: the rest of it is the same promise */
		}
		/* acceptance of the previous speaker's request, unless the turn goes on to say it */
		if (!kept && new_turn && req.active && req.speaker != tu->speaker && accepts(c, si) &&
		    !turn_promises_next(c, si)) {
			const struct sentence *rq = &c->sents[req.sent];
			const struct turn *rt = &c->turns[rq->turn];
			struct mk_commitment *cm = new_commitment(c, si);
			struct mk_when w;
			cm->owner = *tu->speaker ? mk_strdup(tu->speaker) : NULL;
			cm->side = speaker_side(c, tu->speaker);
			const struct turn *src = tu;
			if (find_due(c, tu->text, se->off, se->off + se->len, &w) ||
			    find_due_request(c, req.sent, &w, &src))
				set_due(c, cm, &w, src);
			if (req.m.gs[RG_ACTION] >= 0)
				cm->action = request_action(c, req.sent, &req.m);
			else
				cm->action = said_dup(c, rt, rq->off, (size_t)rq->off + rq->len);
			cm->confidence = req.m.rule->confidence;
			cm->rule = req.m.rule->id;
			evidence(c, se, se->off, &cm->ev);
			req.active = 0;
			turn_has_commit = 1;
		}
		/* a request waiting for an answer */
		if (se->question || !kept) {
			struct rule_match m = { 0 };
			sentence_matches(c, RK_REQUEST, si, first_match_cb, &m);
			if (m.rule) {
				m.start += se->off;
				m.end += se->off;
				for (int g = 0; g < RG_COUNT; g++)
					if (m.gs[g] >= 0) {
						m.gs[g] += (long)se->off;
						m.ge[g] += (long)se->off;
					}
				req.active = 1;
				req.sent = si;
				req.speaker = tu->speaker;
				req.m = m;
			}
		}
		do_risks(c, si, c->f->ncommitments > ncommit_before);
		do_updates(c, si);
		do_dates(c, si);
	}
	(void)turn_has_commit;
}

/* Is the action an invite or being at a meeting ("send the invite", "make sure Gus is
 * there", "be there in person"), not "we'll get there"? */
static int for_meeting(const char *action)
{
	static const char *const be[] = { "be there", "is there", "are there", NULL };
	if (strcasestr(action, "invite"))
		return 1;
	for (int k = 0; be[k]; k++) {
		const char *p = strcasestr(action, be[k]);
		size_t n = strlen(be[k]);
		if (p && (p == action || !is_word((unsigned char)p[-1])) && !is_word((unsigned char)p[n]))
			return 1;
	}
	return 0;
}

/* A commitment with no date takes one from the next sentences of the same turn. */
static void lookahead_dates(struct ctx *c)
{
	unsigned char *has_commit = mk_calloc(c->nsents ? c->nsents : 1, 1);
	for (size_t i = 0; i < c->f->ncommitments; i++)
		has_commit[c->commit_sent[i]] = 1;
	for (size_t i = 0; i < c->f->ncommitments; i++) {
		struct mk_commitment *cm = &c->f->commitments[i];
		size_t si = c->commit_sent[i];
		if (cm->has_due || cm->due_text)
			continue;
		for (size_t k = 1; k <= LOOKAHEAD_SENTENCES && si + k < c->nsents; k++) {
			const struct sentence *nx = &c->sents[si + k];
			const struct turn *tu = &c->turns[nx->turn];
			struct mk_when w;
			if (nx->turn != c->sents[si].turn)
				break;
			/* "Let me check with Anil. I'll find out by Thursday": the next promise's
			 * date is this one's too */
			int got = find_due(c, tu->text, nx->off, nx->off + nx->len, &w);
			/* ... but a quick step today ("I'll nudge Okafor this morning and you'll get it
			 * next week") is not the bigger promise's date: the one after it is */
			if (got && has_commit[si + k] && w.has_date && !date_cmp(w.pick, c->o->date))
				got = find_due(c, tu->text, w.start + w.len, nx->off + nx->len, &w) &&
				      date_cmp(w.pick, c->o->date);
			if (got && (w.has_date || !has_commit[si + k])) {
				set_due(c, cm, &w, tu);
				break;
			}
			if (has_commit[si + k])
				break;
		}
		/* "The twelfth works. I'll get Greg on it": a short line just before, in the same
		 * turn, that only names the day */
		for (size_t k = 1; !cm->due_text && k <= LOOKBEHIND_SENTENCES && k <= si; k++) {
			const struct sentence *pv = &c->sents[si - k];
			const struct turn *tu = &c->turns[pv->turn];
			struct mk_when w;
			if (pv->turn != c->sents[si].turn || has_commit[si - k] || pv->len > LOOKBEHIND_BYTES)
				break;
			if (find_due(c, tu->text, pv->off, pv->off + pv->len, &w) && w.has_date &&
			    mk_when_names_day(tu->text + w.start, w.len))
				set_due(c, cm, &w, tu);
		}
		/* "Monday works. Seven?" / "Seven it is. I'll send the invite.": an invite (or
		 * being there) is for the day just agreed, in this turn or the two before */
		for (size_t k = 1; !cm->due_text && cm->action && for_meeting(cm->action) &&
				   k <= INVITE_SENTENCES && k <= si &&
				   c->sents[si - k].turn + 2 >= c->sents[si].turn; k++) {
			const struct sentence *pv = &c->sents[si - k];
			const struct turn *tu = &c->turns[pv->turn];
			struct mk_when w;
			if (find_due(c, tu->text, pv->off, pv->off + pv->len, &w) && w.has_date &&
			    mk_when_names_day(tu->text + w.start, w.len))
				set_due(c, cm, &w, tu);
		}
	}
	free(has_commit);
}

/* ---- the plan's elements beyond tasks (elements.h) ---- */

static void el_sentence_of(void *vc, size_t i, struct el_sentence *out)
{
	struct ctx *c = vc;
	const struct sentence *se = &c->sents[i];
	const struct turn *tu = &c->turns[se->turn];

	out->text = tu->text + se->off;
	out->len = se->len;
	out->speaker = tu->speaker;
	out->side = speaker_side(c, tu->speaker);
	out->question = se->question;
	out->turn = se->turn;
	out->start_ms = c->t->utt[utt_at(tu, se->off)].start_ms;
}

static void el_evidence(void *vc, size_t i, size_t off, struct mk_evidence *ev)
{
	struct ctx *c = vc;
	evidence(c, &c->sents[i], c->sents[i].off + off, ev);
}

static int el_vetoed(void *vc, size_t i, const char *veto)
{
	struct ctx *c = vc;
	struct vetoes vs;

	vs.n = 0;
	sentence_matches(c, RK_VETO, i, collect_veto, &vs);
	for (size_t k = 0; k < vs.n; k++)
		if (vs.v[k].rule->tag && !strcmp(vs.v[k].rule->tag, veto))
			return 1;
	return 0;
}

/* Which of the six element kinds' rules may match sentence i: bit k - RK_GOAL, found once
 * (EL_MAY_KNOWN set) from the sentence's needs: words. */
#define EL_MAY_KNOWN 0x80u
static int el_may(void *vc, size_t i, enum rule_kind kind)
{
	struct ctx *c = vc;
	unsigned char *m = &c->el_may[i];

	if (kind < RK_GOAL || kind > RK_STANCE)
		return 1;
	if (!(*m & EL_MAY_KNOWN)) {
		const struct rules_scan *sc = scan(c, i);
		*m = EL_MAY_KNOWN;
		for (int k = RK_GOAL; k <= RK_STANCE; k++)
			for (size_t j = 0; j < c->rs->by_kind_n[k]; j++)
				if (rules_may_match(c->rs, &c->rs->r[c->rs->by_kind_start[k] + j], sc->may)) {
					*m |= (unsigned char)(1u << (k - RK_GOAL));
					break;
				}
	}
	return (*m >> (kind - RK_GOAL)) & 1;
}

static void elements_pass(struct ctx *c)
{
	struct el_call ec = {
		.rs = c->rs, .o = c->o, .md = c->md, .nsents = c->nsents, .sentence = el_sentence_of,
		.evidence = el_evidence, .vetoed = el_vetoed, .may = el_may, .ctx = c, .f = c->f,
	};

	c->el_may = mk_calloc(c->nsents ? c->nsents : 1, 1);
	elements_goals(&ec);
	elements_meetings(&ec);
	free(c->el_may);
	c->el_may = NULL;
}

void mk_findings_init(struct mk_findings *f)
{
	memset(f, 0, sizeof *f);
}

static void ev_release(struct mk_evidence *e)
{
	free(e->speaker);
	free(e->quote);
}

void mk_findings_release(struct mk_findings *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->nspeakers; i++)
		free(f->speakers[i].name);
	free(f->speakers);
	for (size_t i = 0; i < f->ncommitments; i++) {
		free(f->commitments[i].owner);
		free(f->commitments[i].action);
		free(f->commitments[i].due_text);
		ev_release(&f->commitments[i].ev);
	}
	free(f->commitments);
	for (size_t i = 0; i < f->nstakeholders; i++) {
		free(f->stakeholders[i].name);
		free(f->stakeholders[i].role);
		ev_release(&f->stakeholders[i].ev);
	}
	free(f->stakeholders);
	for (size_t i = 0; i < f->nrisks; i++) {
		free(f->risks[i].text);
		ev_release(&f->risks[i].ev);
	}
	free(f->risks);
	for (size_t i = 0; i < f->nupdates; i++) {
		free(f->updates[i].item);
		free(f->updates[i].asked);
		ev_release(&f->updates[i].ev);
	}
	free(f->updates);
	for (size_t i = 0; i < f->ndates; i++) {
		free(f->dates[i].text);
		ev_release(&f->dates[i].ev);
	}
	free(f->dates);
	for (size_t i = 0; i < f->ngoals; i++) {
		free(f->goals[i].text);
		ev_release(&f->goals[i].ev);
	}
	free(f->goals);
	for (size_t i = 0; i < f->ngo_lives; i++) {
		free(f->go_lives[i].date_text);
		ev_release(&f->go_lives[i].ev);
	}
	free(f->go_lives);
	for (size_t i = 0; i < f->ncriteria; i++) {
		free(f->criteria[i].text);
		ev_release(&f->criteria[i].ev);
	}
	free(f->criteria);
	for (size_t i = 0; i < f->ndependencies; i++) {
		free(f->dependencies[i].waiting);
		free(f->dependencies[i].on);
		ev_release(&f->dependencies[i].ev);
	}
	free(f->dependencies);
	for (size_t i = 0; i < f->nnext_meetings; i++) {
		struct mk_next_meeting *nm = &f->next_meetings[i];
		free(nm->date_text);
		free(nm->time);
		free(nm->who);
		free(nm->purpose);
		ev_release(&nm->ev);
	}
	free(f->next_meetings);
	for (size_t i = 0; i < f->nstances; i++) {
		free(f->stances[i].name);
		free(f->stances[i].role);
		ev_release(&f->stances[i].ev);
	}
	free(f->stances);
	mk_findings_init(f);
}

enum mk_err mk_extract(const struct mk_rules *rs, const struct mk_transcript *t,
		       const struct mk_extract_opts *opts, struct mk_findings *out,
		       struct mk_diag *diag)
{
	struct ctx c;
	(void)diag;
	memset(&c, 0, sizeof c);
	mk_findings_init(out);
	c.rs = rs;
	c.t = t;
	c.o = opts;
	c.f = out;
	c.md = rules_match_data(rs);
	people_init(&c.pp, rs);
	collect_speakers(&c);
	build_turns(&c);
	split_sentences(&c);
	commitments_pass(&c);
	lookahead_dates(&c);
	if (c.nsents) {
		struct people_sentence ps;
		people_sentence_of(&c, 0, &ps);
		people_finish(&c.pp, c.f, &ps);
	}
	elements_pass(&c);
	pcre2_match_data_free(c.md);
	free_turns(&c);
	free(c.sents);
	free(c.commit_sent);
	free_block(&c);
	rules_scan_release(&c.sc);
	free(c.low);
	free(c.said);
	people_release(&c.pp);
	return MK_OK;
}
