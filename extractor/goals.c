/*
 * goals.c: the goal, the go-live date and the success criteria a call states (issue 14;
 * extractor/elements.h). Rules of kinds goal, go_live and criterion (rules/goals.rules,
 * rules/FORMAT.md) say what each sounds like; this file picks the matches that stand:
 * the buyer's (or a seller's restatement the buyer's next turn confirms), not a question,
 * hedge or hypothetical, with no negation, past or generic word before them; a go-live
 * needs a date said after its deadline word, not in a side clause, not before the call.
 * Keeps at most one goal (the highest confidence, the first of equals), one go-live (the
 * last set) and every criterion once. Called once per call by extract.c.
 */
#include "extractor/elements.h"
#include "util/util.h"

#include <string.h>

#define GOAL_DATE_REACH 60   /* bytes after a go-live match its date may start within */
#define GOAL_TEXT_MAX 200    /* a goal's or criterion's text is cut to this many bytes */
#define GOAL_TEXT_WORDS 3    /* and has at least this many words, */
#define GOAL_TEXT_LEANS 5    /* or this many when it leans on what was said before ("fill that gap") */

/* The best match of one kind in one sentence. */
struct goal_match {
	const struct rule *rule;
	size_t start, end;
	char *text;                  /* goal, criterion: the text group, cleaned */
	struct mk_when date;         /* go_live: its date */
};

/* One pass over a call. */
struct goal_pass {
	const struct el_call *c;
	struct rules_scan sc;
	char *low;                   /* the sentence lower-cased, for the needs: scan */
	size_t caplow;
	struct mk_goal goal;         /* the best goal so far (text NULL: none) */
	double goal_conf;
	struct mk_go_live live;      /* the last go-live so far (kind NULL: none) */
};

/* One sentence of the pass, and the matches of one kind in it. */
struct goal_sent {
	struct goal_pass *p;
	const struct el_sentence *s;
	int restated;                /* a seller's line the buyer confirmed */
	int vetoes_read;
	size_t veto_head;            /* the first negation, past or generic veto's start, or SIZE_MAX */
	int veto_anywhere;           /* a hedge, hypothetical or meeting veto in the sentence */
	enum rule_kind kind;
	struct goal_match best;
};

static int veto_seen(void *ctx, const struct rule_match *m)
{
	struct goal_sent *gs = ctx;
	const char *tag = m->rule->tag ? m->rule->tag : "";
	if (!strcmp(tag, "hedge") || !strcmp(tag, "hypothetical") || !strcmp(tag, "meeting"))
		gs->veto_anywhere = 1;
	else if ((!strcmp(tag, "negation") || !strcmp(tag, "past") || !strcmp(tag, "generic")) &&
		 m->start < gs->veto_head)
		gs->veto_head = m->start;
	return 0;
}

/* Do the sentence's vetoes leave the words from byte head on standing? */
static int clear_of_vetoes(struct goal_sent *gs, size_t head)
{
	const struct goal_pass *p = gs->p;
	if (!gs->vetoes_read) {
		gs->veto_head = SIZE_MAX;
		rules_match_kind(p->c->rs, RK_VETO, gs->s->text, &p->sc, gs->s->len, p->c->md, veto_seen, gs);
		gs->vetoes_read = 1;
	}
	return !gs->veto_anywhere && gs->veto_head >= head;
}

/* ---- the buyer's confirmation of a seller's restatement ---- */

static int is_alpha(char ch)
{
	return (ch | 0x20) >= 'a' && (ch | 0x20) <= 'z';
}

/* Is one of list a whole word (or words) of s[0..n) at byte i? */
static int word_at(const char *s, size_t n, size_t i, const char *const *list)
{
	if (i > 0 && is_alpha(s[i - 1]))
		return 0;
	for (size_t k = 0; list[k]; k++) {
		size_t l = strlen(list[k]);
		if (i + l <= n && mk_strnieq(s + i, list[k], l) && (i + l == n || !is_alpha(s[i + l])))
			return 1;
	}
	return 0;
}

/* Does s[0..n) open with a yes ("Exactly.", "Yes, that's right") and hold no "but", "not"? */
static int opens_with_yes(const char *s, size_t n)
{
	static const char *const yes[] = { "yes", "yeah", "yep", "yup", "exactly", "correct", "right",
					   "that's right", "that's it", "that's correct", "absolutely",
					   "spot on", "precisely", "definitely", "you got it", "bingo", NULL };
	static const char *const but[] = { "but", "not", "except", "although", "though", "actually",
					   "no", NULL };
	size_t i = 0;

	while (i < n && !is_alpha(s[i]))
		i++;
	if (!word_at(s, n, i, yes))
		return 0;
	for (size_t j = i; j < n; j++)
		if (word_at(s, n, j, but) || (j + 3 <= n && !memcmp(s + j, "n't", 3)) ||
		    (j + 5 <= n && !memcmp(s + j, "n\xe2\x80\x99t", 5)))
			return 0;
	return 1;
}

/* A seller's sentence i is the buyer's when the seller ends the turn with it (or with one
 * question after it: "Right?") and the buyer's next turn opens with a yes. */
static int buyer_confirms(const struct el_call *c, size_t i, const struct el_sentence *s)
{
	struct el_sentence n;
	size_t j = i + 1;

	if (j < c->nsents) {
		c->sentence(c->ctx, j, &n);
		if (n.turn == s->turn) {
			if (!n.question)
				return 0;
			j++;
		}
	}
	if (j >= c->nsents)
		return 0;
	c->sentence(c->ctx, j, &n);
	if (n.turn == s->turn || n.side != MK_SIDE_BUYER)
		return 0;
	return opens_with_yes(n.text, n.len);
}

/* ---- text ---- */

static size_t count_words(const char *s)
{
	size_t n = 0;
	for (size_t i = 0; s[i]; i++)
		if (is_alpha(s[i]) && (i == 0 || s[i - 1] == ' '))
			n++;
	return n;
}

/* Does s hold a word that points back at what was said before ("fill that gap", "get it done")? */
static int leans_back(const char *s)
{
	static const char *const back[] = { "it", "that", "this", "these", "those", "them", "there", NULL };
	size_t n = strlen(s);
	for (size_t i = 0; i < n; i++)
		if (word_at(s, n, i, back))
			return 1;
	return 0;
}

/* Drops w from the end of s (length *n) when s ends with it as whole words. */
static int drop_tail(const char *s, size_t *n, const char *w)
{
	size_t l = strlen(w);
	if (*n <= l || !mk_strnieq(s + *n - l, w, l) || s[*n - l - 1] != ' ')
		return 0;
	*n -= l + 1;
	return 1;
}

/* The words of s[a..b) as they should read: spaces folded, no filler at either end,
 * at most GOAL_TEXT_MAX bytes; NULL when fewer than GOAL_TEXT_WORDS words are left. */
static char *clean_text(const char *s, size_t a, size_t b)
{
	static const char *const head[] = { "to ", "that ", "just ", "really ", "basically ", "like ",
					    "you know ", "I mean ", "honestly ", NULL };
	static const char *const tail[] = { "really", "basically", "honestly", "you know", "I guess", "I think",
					    "and stuff", "and so on", "and all that", "or whatever", "or something",
					    "right", "yeah", "though", "for us", "for me", "at the end of the day", NULL };
	struct mk_buf o;
	int again = 1;
	size_t n, k;

	mk_buf_init(&o);
	for (size_t i = a; i < b; i++) {
		char ch = s[i] == '\t' || s[i] == '\n' ? ' ' : s[i];
		if (ch != ' ' || (o.len && o.s[o.len - 1] != ' '))
			mk_buf_addc(&o, ch);
	}
	n = o.len;
	while (again) {
		again = 0;
		while (n && strchr(" ,:-", o.s[n - 1]))
			n--, again = 1;
		for (k = 0; tail[k]; k++)
			again |= drop_tail(o.s, &n, tail[k]);
	}
	if (n > GOAL_TEXT_MAX)
		for (n = GOAL_TEXT_MAX; n && o.s[n] != ' '; n--)
			;
	o.s[n] = '\0';
	for (k = 0; head[k]; k++)
		if (mk_strnieq(o.s, head[k], strlen(head[k]))) {
			memmove(o.s, o.s + strlen(head[k]), n - strlen(head[k]) + 1);
			n -= strlen(head[k]);
			k = (size_t)-1;
		}
	if (count_words(o.s) < GOAL_TEXT_WORDS || (count_words(o.s) < GOAL_TEXT_LEANS && leans_back(o.s))) {
		mk_buf_release(&o);
		return NULL;
	}
	return mk_buf_detach(&o);
}

/* ---- go-live: the date after the deadline word ---- */

struct goal_date {
	size_t from, upto;           /* a date starting in [from, upto] */
	struct mk_when w;
	int found;
};

static int first_date(void *ctx, const struct mk_when *w)
{
	struct goal_date *d = ctx;
	if (w->start < d->from)
		return 0;
	if (w->start <= d->upto && w->has_date) {
		d->w = *w;
		d->found = 1;
	}
	return 1;
}

/* The date of a go-live match [start, end) in sentence s, into *w; 0 when none stands: none
 * from the match's start to GOAL_DATE_REACH after its end in its clause, one in a side clause
 * ("if we sign by the 30th"), or one before the call. A match that starts at "if" holds its
 * condition itself ("if we're not live by August, we wait a year"): its date is the rule's. */
static int live_date(const struct el_call *c, const struct el_sentence *s, size_t start, size_t end,
		     struct mk_when *w)
{
	static const char *const iff[] = { "if", NULL };
	struct goal_date d = { .from = start, .upto = end + GOAL_DATE_REACH, .found = 0 };

	mk_when_scan(s->text, s->len, c->o->date, first_date, &d);
	if (!d.found || memchr(s->text + start, ';', d.w.start - start) ||
	    (!word_at(s->text, s->len, start, iff) && mk_when_side_clause(s->text, d.w.start)) ||
	    mk_date_cmp(d.w.pick, c->o->date) < 0)
		return 0;
	*w = d.w;
	return 1;
}

/* Appends a criterion unless the call already has one of the same words (text is taken). */
static void add_criterion(const struct el_call *c, size_t i, struct goal_match *m)
{
	char *text = m->text;

	struct mk_findings *f = c->f;
	struct mk_criterion *cr;

	for (size_t k = 0; k < f->ncriteria; k++)
		if (mk_strieq(f->criteria[k].text, text))
			return;
	f->criteria = mk_realloc(f->criteria, (f->ncriteria + 1) * sizeof *f->criteria);
	cr = &f->criteria[f->ncriteria++];
	memset(cr, 0, sizeof *cr);
	cr->text = text;
	m->text = NULL;
	cr->rule = m->rule->id;
	c->evidence(c->ctx, i, m->start, &cr->ev);
}

/* ---- one sentence ---- */

/* Does match m stand, and is it the best of its kind in the sentence so far? A buyer's match
 * that opens with "you" speaks of the seller ("you need to be live by March, but we don't"):
 * only a seller's restatement may. A goal or criterion needs words clear of a negation, the
 * past or "usually" before its text, and three words of text; a go-live such words before its
 * end, and a date. */
static int consider(void *ctx, const struct rule_match *m)
{
	static const char *const you[] = { "you", "your", "y'all", "y\xe2\x80\x99" "all", NULL };
	struct goal_sent *gs = ctx;
	const struct el_sentence *s = gs->s;
	int live = gs->kind == RK_GO_LIVE;
	struct mk_when w;
	char *text = NULL;

	if ((gs->best.rule && m->rule->confidence <= gs->best.rule->confidence) ||
	    (!live && m->gs[RG_TEXT] < 0) || (!gs->restated && word_at(s->text, s->len, m->start, you)) ||
	    !clear_of_vetoes(gs, live ? m->end : (size_t)m->gs[RG_TEXT]))
		return 0;
	if (live ? !live_date(gs->p->c, s, m->start, m->end, &w) :
		   !(text = clean_text(s->text, (size_t)m->gs[RG_TEXT], (size_t)m->ge[RG_TEXT])))
		return 0;
	free(gs->best.text);
	gs->best.rule = m->rule;
	gs->best.start = m->start;
	gs->best.end = m->end;
	gs->best.text = text;
	if (live)
		gs->best.date = w;
	return 0;
}

/* The best standing match of kind in the sentence into gs->best; 0 when none. */
static int best_match(struct goal_sent *gs, enum rule_kind kind)
{
	free(gs->best.text);
	memset(&gs->best, 0, sizeof gs->best);
	gs->kind = kind;
	rules_match_kind(gs->p->c->rs, kind, gs->s->text, &gs->p->sc, gs->s->len, gs->p->c->md, consider, gs);
	return gs->best.rule != NULL;
}

static void set_live(struct goal_pass *p, size_t i, const struct el_sentence *s, const struct goal_match *m)
{
	struct mk_go_live *gl = &p->live;

	free(gl->date_text);
	free(gl->ev.speaker);
	free(gl->ev.quote);
	memset(gl, 0, sizeof *gl);
	gl->kind = m->rule->tag && !strcmp(m->rule->tag, "signed") ? "signed" : "live";
	gl->has_date = 1;
	gl->date = m->date.pick;
	gl->is_window = m->date.is_window;
	gl->lo = m->date.lo;
	gl->hi = m->date.hi;
	gl->date_text = mk_strndup(s->text + m->date.start, m->date.len);
	gl->rule = m->rule->id;
	p->c->evidence(p->c->ctx, i, m->start, &gl->ev);
}

static void goal_sentence(struct goal_pass *p, size_t i, const struct el_sentence *s, int restated)
{
	const struct el_call *c = p->c;
	struct goal_sent gs = { .p = p, .s = s, .restated = restated };

	/* a seller's restatement gives way to a buyer's line of the same confidence */
	if (best_match(&gs, RK_GOAL) && (!p->goal.text || gs.best.rule->confidence > p->goal_conf)) {
		free(p->goal.text);
		free(p->goal.ev.speaker);
		free(p->goal.ev.quote);
		p->goal.text = gs.best.text;
		gs.best.text = NULL;
		p->goal.rule = gs.best.rule->id;
		p->goal_conf = gs.best.rule->confidence - (restated ? 0.01 : 0);
		c->evidence(c->ctx, i, gs.best.start, &p->goal.ev);
	}
	if (best_match(&gs, RK_GO_LIVE))
		set_live(p, i, s, &gs.best);
	if (best_match(&gs, RK_CRITERION))
		add_criterion(c, i, &gs.best);
	free(gs.best.text);
}

/* ---- the call ---- */

void elements_goals(const struct el_call *c)
{
	struct goal_pass p;
	struct mk_findings *f = c->f;

	memset(&p, 0, sizeof p);
	p.c = c;
	for (size_t i = 0; i < c->nsents; i++) {
		struct el_sentence s;
		int restated;
		if (!c->may(c->ctx, i, RK_GOAL) && !c->may(c->ctx, i, RK_GO_LIVE) &&
		    !c->may(c->ctx, i, RK_CRITERION))
			continue; /* no rule of the three can match: no scan */
		c->sentence(c->ctx, i, &s);
		restated = s.side == MK_SIDE_SELLER;
		if (restated ? !buyer_confirms(c, i, &s) : s.question)
			continue;
		p.low = mk_grow(p.low, &p.caplow, s.len + 1, 1);
		rules_lower(s.text, s.len, p.low);
		rules_scan_text(c->rs, &p.sc, p.low, s.len);
		goal_sentence(&p, i, &s, restated);
	}
	if (p.goal.text) {
		f->goals = mk_realloc(f->goals, (f->ngoals + 1) * sizeof *f->goals);
		f->goals[f->ngoals++] = p.goal;
	}
	if (p.live.kind) {
		f->go_lives = mk_realloc(f->go_lives, (f->ngo_lives + 1) * sizeof *f->go_lives);
		f->go_lives[f->ngo_lives++] = p.live;
	}
	rules_scan_release(&p.sc);
	free(p.low);
}
