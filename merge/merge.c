/*
 * merge.c: mk_merge, one call's findings against the deal's plan -> proposed changes. A
 * commitment is a new item unless it restates an open one (side, owner, normalized words):
 * then it moves the due date or says nothing. News (done, blocked, dropped, new date) goes
 * to the item it most likely means (its words, speaker, people named, items talked about
 * around it), or nowhere when none fits well. New stakeholders and risks are added; the
 * whole plan's elements (goal, go-live, criteria, ...) last, by merge/elements.c. Does
 * no I/O and keeps no state. Invariant: proposals follow the order of the findings, and
 * the same evidence always gives the same key.
 */
#include "mapkeeper.h"
#include "merge/elements.h"
#include "merge/words.h"
#include "util/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MERGE_CTX_BEFORE_MS 60000 /* findings this long before an update are its context */
#define MERGE_CTX_AFTER_MS 30000  /* ... and this long after it */
#define MERGE_RESTATE_MIN 0.5f    /* a commitment at least this close restates an item */
#define MERGE_VAGUE_MIN 0.45f     /* "I'll have it Thursday": how sure we must be */
#define MERGE_UPDATE_MIN 0.45f    /* an update at least this close changes an item */
#define MERGE_UPDATE_MARGIN 0.05f /* ... and this much closer than the next one */
#define MERGE_INFER_MIN 0.6f      /* a past-tense sentence with a date marks an item done */
#define MERGE_UPDATE_CONF 0.7     /* updates carry no confidence of their own */
#define MERGE_INFER_CONF 0.45
#define MERGE_PERSON_CONF 0.7
#define MERGE_RISK_CONF 0.6
#define MERGE_RISK_SAME 0.5f      /* risks of one category this close are the same risk */
#define MERGE_VAGUE_SURE 0.6f     /* ... and with no date, sure enough to add nothing */
#define MERGE_VAGUE_NEWS_MIN 0.35f  /* news with no word of any item ("so that's stuck") */
#define MERGE_VAGUE_NEWS_MARGIN 0.1f
#define MERGE_DATE_LINK 0.6f      /* an item's due date said nearby, as context */
#define MERGE_UNKNOWN_WORD 0.3f   /* weight of news words that no item of the plan has */
#define MERGE_RECENT 0.1f         /* the newest item gets this much more, the oldest less */
#define MERGE_SAID_WEIGHT 0.7f    /* words of the sentence that promised an item naming nothing */
#define MERGE_ASKED_WEIGHT 0.8f   /* words of the question the news answers */
#define MERGE_BESIDE_MS 8000     /* news and a promise this close, one speaker, go together */
#define MERGE_NEWS_SHARED 0.69f   /* news and an item share a real word: one of its action,
				   * or one of the sentence that promised it (MERGE_SAID_WEIGHT) */
#define MERGE_TAPER 0.4f          /* the last word of news weighs this much less than the first */

enum merge_subject { MERGE_SUBJ_NONE = 0, MERGE_SUBJ_I, MERGE_SUBJ_WE, MERGE_SUBJ_SECOND, MERGE_SUBJ_THIRD };

/* One quote of the call, from any finding: what was talked about, and when. */
struct merge_ctx {
	int64_t start_ms;
	const struct mk_evidence *ev;
	const char *quote;
	int from_update, from_commitment;
	struct merge_bag bag;
};

/* An item a finding may be about: on the plan, or added earlier in this call. */
struct merge_item {
	const struct mk_item *it;   /* NULL when pending */
	size_t prop;                /* pending: its add_item in out */
	struct merge_bag bag;
	struct merge_bag nbag;      /* plan items: bag and the words that promised it, for news */
	struct merge_bag rbag;      /* plan items: bag and, weighing less, always the words that
				     * promised it: what a re-promise is compared with */
	float idf[MERGE_MAX_WORDS]; /* plan items: how distinctive each word of nbag is */
	int changed[MK_PROP_KIND_COUNT];
	float score[MK_PROP_KIND_COUNT];   /* how well the news behind each change matched */
	size_t prop_of[MK_PROP_KIND_COUNT];
	int slipped;                /* an update said it slipped, with no new date */
};

struct merge_state {
	struct merge_lex *lex;
	const struct mk_plan *plan;
	const struct mk_findings *f;
	const char *meeting_key;
	struct mk_proposals *out;
	struct merge_ctx *ctx;
	size_t nctx;
	struct merge_item *items;
	size_t nitems, capitems;
	float *ctxsim;              /* nctx x nplanitems, -1 = not computed */
	char *update_done;          /* per update finding: handled with its re-promise */
	char *update_hit;           /* ... and it found its item */
	size_t nplan;
	long news_item;             /* the plan item the last merge_news found, or -1 */
};

/* ---- small helpers ---- */

static char *merge_dup(const char *s)
{
	return s ? mk_strdup(s) : NULL;
}

static int64_t merge_abs64(int64_t v)
{
	return v < 0 ? -v : v;
}

/* The same day of the year: people say "June 5th" for a date a year off. */
static int merge_same_day(struct mk_date a, struct mk_date b)
{
	return a.m == b.m && a.d == b.d;
}

static long merge_days_apart(struct mk_date a, struct mk_date b)
{
	long d = mk_date_days(a) - mk_date_days(b);
	return d < 0 ? -d : d;
}

/* Context weighs less the further it is from the moment: 1 at it, 0.7 at the window's edge. */
static float merge_decay(int64_t dt)
{
	return 1.0f - 0.3f * (float)merge_abs64(dt) /
		      (float)(dt < 0 ? MERGE_CTX_BEFORE_MS : MERGE_CTX_AFTER_MS);
}

static enum mk_side merge_speaker_side(const struct mk_findings *f, const char *speaker)
{
	for (size_t i = 0; i < f->nspeakers; i++)
		if (f->speakers[i].name && speaker && !strcmp(f->speakers[i].name, speaker))
			return f->speakers[i].side;
	return MK_SIDE_UNKNOWN;
}

/* The first pronoun of a quote: who the sentence is about. */
static enum merge_subject merge_subject_of(const char *q)
{
	static const char *const i_words[] = { "i", "my", "me" };
	static const char *const we_words[] = { "we", "our", "us" };
	static const char *const second[] = { "you", "your" };
	static const char *const third[] = { "he", "she", "they", "his", "her", "their", "him", "them" };
	char w[8];

	while (q && *q) {
		size_t n = 0;
		while (*q && !((*q | 32) >= 'a' && (*q | 32) <= 'z'))
			q++;
		while (((*q | 32) >= 'a' && (*q | 32) <= 'z')) {
			if (n + 1 < sizeof w)
				w[n++] = (char)(*q | 32);
			q++;
		}
		w[n] = '\0';
		if (!n)
			break;
		for (size_t i = 0; i < sizeof i_words / sizeof i_words[0]; i++)
			if (!strcmp(w, i_words[i]))
				return MERGE_SUBJ_I;
		for (size_t i = 0; i < sizeof we_words / sizeof we_words[0]; i++)
			if (!strcmp(w, we_words[i]))
				return MERGE_SUBJ_WE;
		for (size_t i = 0; i < sizeof second / sizeof second[0]; i++)
			if (!strcmp(w, second[i]))
				return MERGE_SUBJ_SECOND;
		for (size_t i = 0; i < sizeof third / sizeof third[0]; i++)
			if (!strcmp(w, third[i]))
				return MERGE_SUBJ_THIRD;
	}
	return MERGE_SUBJ_NONE;
}

/* Does the lower-cased quote contain word as a whole word (or phrase)? */
static int merge_has_phrase(const char *q, const char *phrase)
{
	size_t n = strlen(phrase);
	for (const char *p = q; (p = strcasestr(p, phrase)) != NULL; p++) {
		int before = p == q || !(((p[-1] | 32) >= 'a' && (p[-1] | 32) <= 'z'));
		int after = !(((p[n] | 32) >= 'a' && (p[n] | 32) <= 'z'));
		if (before && after)
			return 1;
	}
	return 0;
}

/* Does quote name the person, and as who acts (2) or only as whom it is for (1: "to Owen")? */
static int merge_names_actor(const char *quote, const char *name)
{
	static const char *const to[] = { "to", "with", "from", "for", "by", "cc", "ask", "tell" };
	const char *sp;
	char first[64];
	size_t n = 0;
	int best = 0;

	if (!merge_names(quote, name))
		return 0;
	while (name[n] && name[n] != ' ' && n + 1 < sizeof first) {
		first[n] = name[n];
		n++;
	}
	first[n] = '\0';
	for (const char *p = quote; (p = strcasestr(p, first)) != NULL; p += n) {
		int before = p == quote || !(((p[-1] | 32) >= 'a' && (p[-1] | 32) <= 'z'));
		int recipient = 0;
		if (!before)
			continue;
		/* the word before the name */
		sp = p;
		while (sp > quote && sp[-1] == ' ')
			sp--;
		for (size_t i = 0; i < sizeof to / sizeof to[0]; i++) {
			size_t tl = strlen(to[i]);
			if ((size_t)(sp - quote) >= tl && mk_strnieq(sp - tl, to[i], tl) &&
			    (sp - tl == quote || sp[-(long)tl - 1] == ' '))
				recipient = 1;
		}
		if ((recipient ? 1 : 2) > best)
			best = recipient ? 1 : 2;
	}
	return best ? best : 2;
}

/* ---- proposals ---- */

/* key = meeting:kind:start_ms:hash of the quote (":2", ":3" when one quote gives two). */
static void merge_set_key(struct merge_state *st, struct mk_proposal *p)
{
	struct mk_proposals *out = st->out;
	const char *quote = p->ev.quote ? p->ev.quote : "";
	const char *mk = st->meeting_key ? st->meeting_key : "";
	char hash[65], *key;

	mk_sha256_hex(quote, strlen(quote), hash);
	free(p->key);
	p->key = NULL;
	key = mk_sprintf("%s:%s:%lld:%.10s", mk, mk_prop_kind_name(p->kind),
			 (long long)p->ev.start_ms, hash);
	for (int dup = 2;; dup++) {
		size_t i;
		for (i = 0; i < out->n; i++)
			if (out->v[i].key && !strcmp(out->v[i].key, key))
				break;
		if (i >= out->n)
			break;
		free(key);
		key = mk_sprintf("%s:%s:%lld:%.10s:%d", mk, mk_prop_kind_name(p->kind),
				 (long long)p->ev.start_ms, hash, dup);
	}
	p->key = key;
}

static void merge_set_ev(struct mk_proposal *p, const struct mk_evidence *ev)
{
	free(p->ev.speaker);
	free(p->ev.quote);
	memset(&p->ev, 0, sizeof p->ev);
	if (!ev)
		return;
	p->ev.speaker = merge_dup(ev->speaker);
	p->ev.quote = merge_dup(ev->quote);
	p->ev.start_ms = ev->start_ms;
	p->ev.end_ms = ev->end_ms;
	p->ev.utt_first = ev->utt_first;
	p->ev.utt_last = ev->utt_last;
}

static double merge_clamp(double v)
{
	return v < 0 ? 0 : v > 1 ? 1 : v;
}

struct mk_proposal *merge_new(struct merge_state *st, enum mk_prop_kind kind,
			      const struct mk_evidence *ev, double conf)
{
	struct mk_proposals *out = st->out;
	struct mk_proposal *p;

	out->v = mk_grow(out->v, &out->cap, out->n + 1, sizeof *out->v);
	p = &out->v[out->n];
	memset(p, 0, sizeof *p);
	p->kind = kind;
	p->side = MK_SIDE_UNKNOWN;
	p->confidence = merge_clamp(conf);
	merge_set_ev(p, ev);
	merge_set_key(st, p);
	out->n++;
	return p;
}

/* A proposal that changes item mi. When the same change was proposed already in this
 * call, the better-matching news keeps it (its evidence replaces the other's); NULL when
 * the earlier one stays. */
static struct mk_proposal *merge_change(struct merge_state *st, struct merge_item *mi,
					enum mk_prop_kind kind, const struct mk_evidence *ev,
					double conf, float score)
{
	struct mk_proposal *p;

	if (!mi->it)
		return NULL;
	if (mi->changed[kind]) {
		if (score <= mi->score[kind])
			return NULL;
		p = &st->out->v[mi->prop_of[kind]];
		mi->score[kind] = score;
		merge_set_ev(p, ev);
		free(p->key);
		p->key = NULL;
		merge_set_key(st, p);
		p->confidence = merge_clamp(conf);
		return p;
	}
	mi->changed[kind] = 1;
	mi->score[kind] = score;
	mi->prop_of[kind] = st->out->n;
	p = merge_new(st, kind, ev, conf);
	p->item_id = mi->it->id;
	p->action = merge_dup(mi->it->action);
	p->owner = merge_dup(mi->it->owner);
	p->side = mi->it->side;
	return p;
}

static void merge_update_due(struct merge_state *st, struct merge_item *mi, struct mk_date due,
			     const struct mk_evidence *ev, double conf, float score)
{
	struct mk_proposal *p;

	if (mi->it->has_due && !mk_date_cmp(mi->it->due, due))
		return;
	if (!(p = merge_change(st, mi, MK_PROP_UPDATE_DUE, ev, conf, score)))
		return;
	p->has_due = 1;
	p->due = due;
	p->has_old_due = mi->it->has_due;
	if (mi->it->has_due)
		p->old_due = mi->it->due;
}

/* ---- context: what else was said around a moment of the call ---- */

static void merge_ctx_add(struct merge_state *st, const struct mk_evidence *ev, int upd, int com)
{
	struct merge_ctx *c;

	if (!ev->quote || !*ev->quote)
		return;
	for (size_t i = 0; i < st->nctx; i++) {
		if (!strcmp(st->ctx[i].quote, ev->quote)) {
			st->ctx[i].from_update |= upd;
			st->ctx[i].from_commitment |= com;
			return;
		}
	}
	c = &st->ctx[st->nctx++];
	memset(c, 0, sizeof *c);
	c->start_ms = ev->start_ms;
	c->ev = ev;
	c->quote = ev->quote;
	c->from_update = upd;
	c->from_commitment = com;
	merge_bag_add(st->lex, &c->bag, ev->quote, 1);
}

static void merge_ctx_build(struct merge_state *st)
{
	const struct mk_findings *f = st->f;
	size_t n = f->ncommitments + f->nupdates + f->ndates + f->nrisks + f->nstakeholders;

	st->ctx = mk_calloc(n ? n : 1, sizeof *st->ctx);
	for (size_t i = 0; i < f->ncommitments; i++)
		merge_ctx_add(st, &f->commitments[i].ev, 0, 1);
	for (size_t i = 0; i < f->nupdates; i++)
		merge_ctx_add(st, &f->updates[i].ev, 1, 0);
	for (size_t i = 0; i < f->ndates; i++)
		merge_ctx_add(st, &f->dates[i].ev, 0, 0);
	for (size_t i = 0; i < f->nrisks; i++)
		merge_ctx_add(st, &f->risks[i].ev, 0, 0);
	for (size_t i = 0; i < f->nstakeholders; i++)
		merge_ctx_add(st, &f->stakeholders[i].ev, 0, 0);
}

/* How much quote c is about plan item k: its similarity when they share real words. */
static float merge_ctx_sim(struct merge_state *st, size_t c, size_t k)
{
	float *slot = &st->ctxsim[c * st->nplan + k];
	if (*slot < 0) {
		struct merge_sim s;
		merge_bag_compare(&st->ctx[c].bag, &st->items[k].bag, &s);
		*slot = s.shared_content >= MERGE_W_WORD ? s.sim : 0;
	}
	return *slot;
}

/* A date said as a day alone ("the sixteenth", "the 16th"): the day may be last month's. */
static int merge_day_only(const char *text)
{
	static const char *const other[] = {
		"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
		"mon", "tue", "wed", "thu", "fri", "sat", "sun", "week", "month", "quarter", "year",
		"today", "tomorrow", "yesterday", "night", "end", "/",
	};
	if (!text || !*text)
		return 0;
	for (size_t i = 0; i < sizeof other / sizeof other[0]; i++)
		if (strcasestr(text, other[i]))
			return 0;
	return 1;
}

/* The item talked about around t (own quote excluded), nearer counting more: 0..1.
 * A date said nearby that is the item's due date ("which I said June 5th") links too. */
static float merge_ctx_score(struct merge_state *st, size_t k, int64_t t, const char *self,
			     float datelink)
{
	const struct mk_item *it = st->items[k].it;
	float best = 0;

	for (size_t c = 0; c < st->nctx; c++) {
		int64_t dt = st->ctx[c].start_ms - t;
		float s;
		if (dt < -MERGE_CTX_BEFORE_MS || dt > MERGE_CTX_AFTER_MS)
			continue;
		if (self && !strcmp(st->ctx[c].quote, self))
			continue;
		s = merge_ctx_sim(st, c, k) * merge_decay(dt);
		if (s > best)
			best = s;
	}
	for (size_t i = 0; datelink > 0 && it && it->has_due && i < st->f->ndates; i++) {
		const struct mk_date_mention *dm = &st->f->dates[i];
		int64_t dt = dm->ev.start_ms - t;
		float s;
		if (dt < -MERGE_CTX_BEFORE_MS || dt > 0 || !dm->has_date ||
		    !(merge_same_day(dm->value, it->due) ||
		      (dm->value.d == it->due.d && merge_day_only(dm->text))))
			continue;
		s = MERGE_DATE_LINK * datelink * merge_decay(dt);
		if (s > best)
			best = s;
	}
	return best;
}

/* ---- items ---- */

/* An action's words for matching, without the condition it ends with ("sign the contract
 * (if the board approves)"): the condition says when, not what (extractor/action.c). */
static void merge_bag_action(const struct merge_lex *lex, struct merge_bag *b, const char *action)
{
	size_t n = action ? strlen(action) : 0;
	const char *p = n && action[n - 1] == ')' ? strstr(action, " (") : NULL;
	char *core;
	if (!p || p == action) {
		merge_bag_add(lex, b, action, 1);
		return;
	}
	core = mk_strndup(action, (size_t)(p - action));
	merge_bag_add(lex, b, core, 1);
	free(core);
}

/* How distinctive a word is among the plan's items: ln((N + 1) / df), 0 when none has it. */
static float merge_idf(struct merge_state *st, const char *w)
{
	size_t df = 0;
	for (size_t k = 0; k < st->nplan; k++)
		df += (size_t)merge_bag_has(&st->items[k].nbag, w);
	return df ? logf((float)(st->nplan + 1) / (float)df) : 0;
}

static void merge_items_build(struct merge_state *st)
{
	const struct mk_plan *plan = st->plan;

	st->nplan = plan ? plan->nitems : 0;
	st->capitems = st->nplan + (st->f ? st->f->ncommitments : 0) + 1;
	st->items = mk_calloc(st->capitems, sizeof *st->items);
	for (size_t i = 0; i < st->nplan; i++) {
		st->items[i].it = &plan->items[i];
		merge_bag_action(st->lex, &st->items[i].bag, plan->items[i].action);
		/* "send it over" names little: news finds the item by the sentence that promised it */
		st->items[i].nbag = st->items[i].bag;
		if (merge_bag_content(&st->items[i].bag) < 2 * MERGE_W_WORD)
			merge_bag_add(st->lex, &st->items[i].nbag, plan->items[i].said, MERGE_SAID_WEIGHT);
		st->items[i].rbag = st->items[i].bag;
		merge_bag_add(st->lex, &st->items[i].rbag, plan->items[i].said, MERGE_SAID_WEIGHT);
	}
	st->nitems = st->nplan;
	for (size_t i = 0; i < st->nplan; i++)
		for (size_t j = 0; j < st->items[i].nbag.n; j++)
			st->items[i].idf[j] = merge_idf(st, st->items[i].nbag.w[j]);
	st->ctxsim = mk_malloc((st->nctx ? st->nctx : 1) * (st->nplan ? st->nplan : 1) * sizeof(float));
	for (size_t i = 0; i < st->nctx * st->nplan; i++)
		st->ctxsim[i] = -1;
}

static int merge_open(const struct mk_item *it)
{
	return it->status == MK_STATUS_OPEN || it->status == MK_STATUS_BLOCKED;
}

/* Does this person speak on the call? */
static int merge_on_call(const struct mk_findings *f, const char *name)
{
	for (size_t i = 0; i < f->nspeakers; i++)
		if (merge_same_person(f->speakers[i].name, name))
			return 1;
	return 0;
}

/* Is the side of this person only a guess? Whoever the deal's seller list does not name
 * is taken for a buyer (extractor/), so a seller who first joins a later call reads as one.
 * The plan knows a person as an item's owner or a stakeholder. */
static int merge_side_guessed(const struct merge_state *st, const char *name, enum mk_side side)
{
	if (side != MK_SIDE_BUYER || !name || !*name || !st->nplan)
		return 0;
	for (size_t k = 0; k < st->nplan; k++)
		if (merge_same_person(st->items[k].it->owner, name))
			return 0;
	for (size_t i = 0; st->plan && i < st->plan->npeople; i++)
		if (merge_same_person(st->plan->people[i].name, name))
			return 0;
	return 1;
}

/* How many open plan items this person owns. */
static size_t merge_open_owned(const struct merge_state *st, const char *owner)
{
	size_t n = 0;
	for (size_t k = 0; owner && k < st->nplan; k++)
		n += merge_open(st->items[k].it) && merge_same_person(st->items[k].it->owner, owner);
	return n;
}

/* Only the contract signature: one per deal, whoever is named as signing it. */
static int merge_milestone(const struct merge_bag *b)
{
	if (!merge_bag_has(b, "#sign"))
		return 0;
	for (size_t i = 0; i < b->n; i++) {
		const char *w = b->w[i];
		if (b->wt[i] <= MERGE_W_GENERIC * 2 || !strcmp(w, "#sign") || !strcmp(w, "sign") ||
		    !strcmp(w, "#msa") || !strcmp(w, "contract") || !strcmp(w, "paper"))
			continue;
		return 0;
	}
	return 1;
}

/* ---- updates ---- */

/* A sentence about the future ("done by then", "I'll"). */
static int merge_says_later(const char *q)
{
	static const char *const later[] = {
		"by then", "will", "i'll", "i’ll", "we'll", "we’ll", "she'll", "she’ll", "he'll",
		"he’ll", "going to", "gonna",
	};
	for (size_t i = 0; i < sizeof later / sizeof later[0]; i++)
		if (merge_has_phrase(q, later[i]))
			return 1;
	return 0;
}

struct merge_news {             /* an update finding, or a sentence read as one */
	const char *item;
	const char *change;
	int has_due;
	struct mk_date due;
	const struct mk_evidence *ev;
	int inferred;
	const char *asked;          /* the question just before it, or NULL */
	const char *also;           /* what the speaker promised right beside it, or NULL:
				     * "legal still has them. I'll forward the logs once they clear" */
};

static enum mk_prop_kind merge_news_kind(const char *change, enum mk_status *target)
{
	if (!strcmp(change, "done")) {
		*target = MK_STATUS_DONE;
		return MK_PROP_MARK_DONE;
	}
	if (!strcmp(change, "blocked")) {
		*target = MK_STATUS_BLOCKED;
		return MK_PROP_MARK_BLOCKED;
	}
	if (!strcmp(change, "dropped")) {
		*target = MK_STATUS_DROPPED;
		return MK_PROP_MARK_DROPPED;
	}
	*target = MK_STATUS_OPEN;
	return MK_PROP_UPDATE_DUE;
}

/* The owner of a plan item named last in the minute before t, other than the speaker:
 * who "he" or "she" most likely is ("he sent LoadStar the notice"). NULL when nobody. */
static const char *merge_last_named(struct merge_state *st, const char *speaker, int64_t t)
{
	const char *who = NULL;
	int64_t last = -1;

	for (size_t c = 0; c < st->nctx; c++) {
		int64_t dt = st->ctx[c].start_ms - t;
		if (dt < -MERGE_CTX_BEFORE_MS || dt >= 0 || st->ctx[c].start_ms <= last)
			continue;
		for (size_t k = 0; k < st->nplan; k++) {
			const char *o = st->items[k].it->owner;
			if (o && !merge_same_person(o, speaker) && merge_names(st->ctx[c].quote, o)) {
				last = st->ctx[c].start_ms;
				who = o;
				break;
			}
		}
	}
	return who;
}

/* Does the action name someone (a capitalized word after its first) who was named, or
 * spoke, in the minute before t? */
static int merge_person_in_action_named_before(struct merge_state *st, const char *action, int64_t t)
{
	const char *p = action;
	char name[64];

	while (p && *p) {
		size_t n = 0;
		while (*p && *p != ' ')
			p++;
		while (*p == ' ')
			p++;
		if (!(*p >= 'A' && *p <= 'Z'))
			continue;
		while (p[n] && p[n] != ' ' && p[n] != ',' && p[n] != '\'' && n + 1 < sizeof name) {
			name[n] = p[n];
			n++;
		}
		name[n] = '\0';
		if (n < 3)
			continue;
		for (size_t c = 0; c < st->nctx; c++) {
			int64_t dt = st->ctx[c].start_ms - t;
			if (dt < -MERGE_CTX_BEFORE_MS || dt >= 0)
				continue;
			if (merge_names(st->ctx[c].quote, name) ||
			    (st->ctx[c].ev->speaker && merge_same_person(st->ctx[c].ev->speaker, name)))
				return 1;
		}
	}
	return 0;
}

struct merge_news_bags {
	struct merge_bag all;       /* the quote, the item words weighing more */
	struct merge_bag item;      /* the finding's item words alone */
	int vague;                  /* no real word of it is in any open item */
	enum merge_subject subj;
	enum mk_side spk_side;
	int pronoun;                /* says he, him, his, she or her */
	int names_owner;            /* names someone who owns an item (then "she" is her) */
	int names_actor;            /* ... as who acted, in news with no subject of the speaker's */
	const char *last_named;     /* else who "he" or "she" likely is */
};

/* The words news and item k share, weighed by how distinctive they are: half cosine,
 * half the share of the news' weight the item accounts for. 0..1. */
static float merge_idf_sim(struct merge_state *st, const struct merge_bag *news, size_t k,
			   float *shared_content, int *literal)
{
	const struct merge_bag *ib = &st->items[k].nbag;
	float dot = 0, nn = 0, ni = 0, cover = 0, total = 0;

	*shared_content = 0;
	*literal = 0;
	for (size_t i = 0; i < news->n; i++) {
		nn += news->wt[i] * news->wt[i];
		total += news->wt[i];
	}
	for (size_t j = 0; j < ib->n; j++) {
		float v = ib->wt[j] * st->items[k].idf[j];
		ni += v * v;
		for (size_t i = 0; i < news->n; i++) {
			if (news->w[i][0] != ib->w[j][0] || strcmp(news->w[i], ib->w[j]))
				continue;
			dot += news->wt[i] * v;
			cover += news->wt[i];
			if (ib->wt[j] > MERGE_W_GENERIC * 2 && news->wt[i] > 0)
				*shared_content += ib->wt[j];
			if (ib->w[j][0] != '#' && (ib->wt[j] == 0 || ib->wt[j] > MERGE_W_GENERIC * 2))
				*literal = 1;
			break;
		}
	}
	if (nn <= 0 || ni <= 0 || total <= 0)
		return 0;
	return 0.5f * dot / sqrtf(nn * ni) + 0.5f * cover / total;
}

/* A meeting put in the diary ("I've put something in for Monday", "it's booked for the
 * ninth"): news about an item that is a meeting. */
static int merge_says_booked(const char *q)
{
	static const char *const booked[] = {
		"put something in", "put it in for", "put time in", "booked it", "booked that",
		"booked something", "booked for", "scheduled for", "scheduled it", "in the diary",
		"in the calendar", "pencilled it in", "penciled it in",
	};
	for (size_t i = 0; i < sizeof booked / sizeof booked[0]; i++)
		if (merge_has_phrase(q, booked[i]))
			return 1;
	return 0;
}

/* The whole action, two words or more, said again word for word ("send it over"). */
static int merge_verbatim(const char *quote, const char *action)
{
	return action && strchr(action, ' ') && quote && merge_has_phrase(quote, action);
}

/* How well news fits plan item k. */
static float merge_news_score(struct merge_state *st, const struct merge_news *nw,
			      const struct merge_news_bags *nb, size_t k)
{
	struct merge_item *mi = &st->items[k];
	const struct mk_item *it = mi->it;
	const char *speaker = nw->ev->speaker;
	struct merge_sim si;
	float score, shared;
	int literal;
	int own = it->owner && merge_same_person(speaker, it->owner);
	int named = it->owner ? merge_names_actor(nw->ev->quote, it->owner) : 0;
	int meant = it->owner && nb->subj == MERGE_SUBJ_THIRD && !nb->names_owner &&
		    nb->last_named && merge_same_person(it->owner, nb->last_named);

	/* news that names nothing of any item: only its speaker's items, or those of whom
	 * it names, can be what it is about */
	if (nb->vague && !own && !named && !meant)
		return 0;
	score = merge_idf_sim(st, &nb->all, k, &shared, &literal);
	if (shared < MERGE_NEWS_SHARED)
		score *= 0.5f;
	else if (!literal)
		score *= 0.7f; /* only a synonym in common ("his calendar", "the invite") */
	/* the finding's own item words ("your answers") name something else */
	merge_bag_compare(&nb->item, &mi->nbag, &si);
	if (merge_bag_content(&nb->item) >= MERGE_W_WORD && si.shared_content < MERGE_W_WORD)
		score *= 0.7f;
	if (own) {
		/* "the council approved it, Fatou was great": no subject of the speaker's, and
		 * someone who owns an item named: more likely hers */
		score += nb->subj == MERGE_SUBJ_THIRD ? -0.1f :
			 nb->subj == MERGE_SUBJ_SECOND ? 0 :
			 nb->subj == MERGE_SUBJ_I ? 0.3f : nb->names_actor ? 0 : 0.2f;
		/* "ugh, I've been slow on that one" from someone who owes one thing: that thing */
		if (nb->vague && nb->subj != MERGE_SUBJ_THIRD && nb->subj != MERGE_SUBJ_SECOND &&
		    merge_open_owned(st, speaker) == 1)
			score += 0.1f;
	} else if (named) {
		score += named > 1 ? 0.3f : 0.1f;
	} else if (meant) {
		score += 0.2f;
	} else if (nb->subj == MERGE_SUBJ_WE && nb->spk_side != MK_SIDE_UNKNOWN &&
		   it->side == nb->spk_side) {
		score += 0.1f;
	}
	/* "Priya walked me through the plan": an item done with the speaker */
	if (speaker && merge_names(it->action, speaker))
		score += 0.15f;
	/* "I can't get on his calendar": an item with the person just talked about */
	if (nb->pronoun && merge_person_in_action_named_before(st, it->action, nw->ev->start_ms))
		score += 0.2f;
	if (merge_verbatim(nw->ev->quote, it->action))
		score += 0.25f;
	/* a meeting booked: a meeting, an intro or an invite, not a document */
	if (!strcmp(nw->change, "new_due") && merge_says_booked(nw->ev->quote)) {
		if (merge_bag_has(&mi->bag, "#meeting") || merge_bag_has(&mi->bag, "#intro"))
			score += 0.2f;
		else
			score *= 0.5f;
	}
	/* news naming nothing of any item goes by what was talked about around it, unless it
	 * names someone who owns an item */
	score += (nb->vague && !nb->names_actor ? 0.8f : 0.4f) *
		 merge_ctx_score(st, k, nw->ev->start_ms, nw->ev->quote, nb->vague ? 1.0f : 0.5f);
	/* news is more often about an open item, and about a recent one; what gets dropped
	 * is most often what was stuck */
	if (!merge_open(it))
		score *= 0.7f;
	if (it->status == MK_STATUS_BLOCKED && !strcmp(nw->change, "dropped"))
		score += 0.15f;
	/* done, blocked or dropped already in this call: other news is about another item */
	for (int kind = MK_PROP_MARK_DONE; kind <= MK_PROP_MARK_DROPPED; kind++)
		if (mi->changed[kind] && strcmp(nw->change, kind == MK_PROP_MARK_DONE ? "done" :
						kind == MK_PROP_MARK_BLOCKED ? "blocked" : "dropped"))
			score *= 0.7f;
	score += MERGE_RECENT * (float)(k + 1) / (float)st->nplan;
	return score;
}

static int merge_news_target(const struct mk_item *it, enum mk_prop_kind kind, enum mk_status target)
{
	/* an item already in the state the news gives absorbs it */
	if (!merge_open(it) && it->status != target)
		return 0;
	return kind != MK_PROP_UPDATE_DUE || merge_open(it);
}

/* The plan item news of this kind is about (its index in st->items), or -1 when none fits
 * well enough; *best: how well it fits, *vague: the news names nothing of any item. */
static long merge_news_find(struct merge_state *st, const struct merge_news *nw, enum mk_prop_kind kind,
			    enum mk_status target, float *best, int *vague)
{
	struct merge_news_bags nb;
	float second = 0, min, margin;
	size_t bk = 0;
	int found = 0;

	*best = 0;
	memset(&nb, 0, sizeof nb);
	merge_bag_add_taper(st->lex, &nb.all, nw->ev->quote, 1, MERGE_TAPER);
	merge_bag_add_taper(st->lex, &nb.all, nw->item, 1.5f, MERGE_TAPER);
	merge_bag_add(st->lex, &nb.item, nw->item, 1);
	/* "Did the floor plans go out?" "Yes, Tuesday.": the answer is about what was asked */
	merge_bag_add_taper(st->lex, &nb.all, nw->asked, MERGE_ASKED_WEIGHT, MERGE_TAPER);
	merge_bag_add(st->lex, &nb.all, nw->also, MERGE_ASKED_WEIGHT);
	nb.subj = merge_subject_of(nw->ev->quote);
	for (size_t k = 0; k < st->nplan && !nb.names_owner; k++) {
		const char *o = st->items[k].it->owner;
		nb.names_owner = o && !merge_same_person(o, nw->ev->speaker) &&
				 merge_names(nw->ev->quote, o);
	}
	for (size_t k = 0; k < st->nplan && !nb.names_actor && nb.subj == MERGE_SUBJ_NONE; k++) {
		const char *o = st->items[k].it->owner;
		nb.names_actor = o && !merge_same_person(o, nw->ev->speaker) &&
				 merge_names_actor(nw->ev->quote, o) == 2;
	}
	nb.last_named = merge_last_named(st, nw->ev->speaker, nw->ev->start_ms);
	nb.pronoun = merge_has_phrase(nw->ev->quote, "he") || merge_has_phrase(nw->ev->quote, "him") ||
		     merge_has_phrase(nw->ev->quote, "his") || merge_has_phrase(nw->ev->quote, "she") ||
		     merge_has_phrase(nw->ev->quote, "her");
	nb.spk_side = merge_speaker_side(st->f, nw->ev->speaker);
	if (merge_side_guessed(st, nw->ev->speaker, nb.spk_side))
		nb.spk_side = MK_SIDE_UNKNOWN; /* "we" of someone whose side is a guess */
	/* a word few items have says more about which item it is; one none has, little */
	for (size_t i = 0; i < nb.all.n; i++) {
		float idf = merge_idf(st, nb.all.w[i]);
		nb.all.wt[i] *= idf > 0 ? idf : MERGE_UNKNOWN_WORD;
	}
	nb.vague = 1;
	for (size_t k = 0; k < st->nplan && nb.vague; k++) {
		struct merge_sim s;
		if (!merge_news_target(st->items[k].it, kind, target))
			continue;
		merge_bag_compare(&nb.all, &st->items[k].nbag, &s);
		if (s.shared_content >= MERGE_NEWS_SHARED)
			nb.vague = 0;
	}
	for (size_t k = 0; k < st->nplan; k++) {
		const struct mk_item *it = st->items[k].it;
		float sc;
		if (!merge_news_target(it, kind, target))
			continue;
		sc = merge_news_score(st, nw, &nb, k);
		if (sc > *best) {
			second = *best;
			*best = sc;
			bk = k;
			found = 1;
		} else if (sc > second) {
			second = sc;
		}
	}
	*vague = nb.vague;
	min = nw->inferred ? MERGE_INFER_MIN : nb.vague ? MERGE_VAGUE_NEWS_MIN : MERGE_UPDATE_MIN;
	margin = nb.vague ? MERGE_VAGUE_NEWS_MARGIN : MERGE_UPDATE_MARGIN;
	if (!found || *best < min || *best - second < margin)
		return -1;
	return (long)bk;
}

/* Proposes what news changes; returns 1 when it found the item the news is about (even
 * if there is nothing to change), 0 when no item fits. */
static int merge_news(struct merge_state *st, const struct merge_news *nw)
{
	enum mk_status target;
	enum mk_prop_kind kind;
	float best;
	int vague;
	long bk;
	struct merge_item *mi;
	double conf;

	st->news_item = -1;
	if (!nw->change || !nw->ev || !nw->ev->quote)
		return 0;
	kind = merge_news_kind(nw->change, &target);
	if (kind == MK_PROP_UPDATE_DUE && strcmp(nw->change, "new_due"))
		return 0;
	/* "the survey's done by then", "he'll sign it Friday": done later is not done */
	if (kind == MK_PROP_MARK_DONE && merge_says_later(nw->ev->quote))
		return 0;
	if ((bk = merge_news_find(st, nw, kind, target, &best, &vague)) < 0)
		return 0;
	mi = &st->items[bk];
	st->news_item = bk;
	if (mi->it->status == target && kind != MK_PROP_UPDATE_DUE)
		return 1;
	/* re-promised or blocked in this same call: it is not done (or dropped) */
	if ((kind == MK_PROP_MARK_DONE || kind == MK_PROP_MARK_DROPPED) &&
	    (mi->changed[MK_PROP_UPDATE_DUE] || mi->changed[MK_PROP_MARK_BLOCKED] || mi->slipped))
		return 1;
	conf = (nw->inferred || vague ? MERGE_INFER_CONF : MERGE_UPDATE_CONF) * (best > 1 ? 1 : best);
	if (kind == MK_PROP_UPDATE_DUE && !nw->has_due) {
		mi->slipped = 1; /* a slip with no new date: nothing to propose */
		return 1;
	}
	if (kind == MK_PROP_UPDATE_DUE) {
		/* a date said about the item that is its date already, or far off, is no slip */
		if (nw->inferred && mi->it->has_due &&
		    (merge_same_day(mi->it->due, nw->due) || merge_days_apart(mi->it->due, nw->due) > 120))
			return 1;
		merge_update_due(st, mi, nw->due, nw->ev, conf, best);
	} else {
		merge_change(st, mi, kind, nw->ev, conf, best);
	}
	return 1;
}

/* The words alone ("security review"), not the sentence around them, which may name
 * another item too ("security can't start until the NDA is signed"), nor its speaker. */
const struct mk_item *merge_find_item(struct merge_state *st, const char *words,
				      const struct mk_evidence *ev)
{
	struct mk_evidence alone = { .quote = (char *)words, .start_ms = ev ? ev->start_ms : 0,
				     .end_ms = ev ? ev->end_ms : 0 };
	struct merge_news nw = { words, "new_due", 0, { 0, 0, 0 }, &alone, 0, NULL, NULL };
	float best;
	int vague;
	long k;

	if (!words || !*words)
		return NULL;
	k = merge_news_find(st, &nw, MK_PROP_UPDATE_DUE, MK_STATUS_OPEN, &best, &vague);
	return k < 0 ? NULL : st->items[k].it;
}

/* ---- commitments ---- */

/* Said right beside: the same speaker, one after the other (the end of one at most
 * MERGE_BESIDE_MS before the start of the other, and no utterance between them when the
 * evidence gives its utterances). */
static int merge_beside(const struct mk_evidence *a, const struct mk_evidence *b)
{
	int64_t gap;

	if (!a->speaker || !b->speaker || strcmp(a->speaker, b->speaker))
		return 0;
	gap = a->start_ms <= b->start_ms ? b->start_ms - a->end_ms : a->start_ms - b->end_ms;
	if (gap > MERGE_BESIDE_MS)
		return 0;
	if (a->utt_last || b->utt_last)
		return a->utt_first <= b->utt_last + 1 && b->utt_first <= a->utt_last + 1;
	return 1;
}

/* Does text say nothing any open item of the plan has ("still held up", "promise this
 * time")? */
static int merge_says_nothing(struct merge_state *st, const char *text)
{
	struct merge_bag b;

	memset(&b, 0, sizeof b);
	merge_bag_add(st->lex, &b, text, 1);
	for (size_t k = 0; k < st->nplan; k++) {
		struct merge_sim s;
		if (!merge_open(st->items[k].it))
			continue;
		merge_bag_compare(&b, &st->items[k].nbag, &s);
		if (s.shared_content >= MERGE_W_WORD)
			return 0;
	}
	return 1;
}

/* The update finding this commitment re-promises, or -1: a new_due said in the same
 * words ("I'll send it over tomorrow, for real"), else news that names nothing, said by
 * the same speaker right beside the promise ("Payroll hasn't run, so it's held up. As
 * soon as it runs I'll forward the counts."; "You'll get my reply Monday. Promise this
 * time."). *beside tells which. */
static long merge_repromise_of(struct merge_state *st, const struct mk_commitment *c, int *beside)
{
	const struct mk_findings *f = st->f;

	*beside = 0;
	for (size_t i = 0; i < f->nupdates; i++) {
		const struct mk_update *u = &f->updates[i];
		if (!u->change || strcmp(u->change, "new_due"))
			continue;
		if ((u->ev.start_ms <= c->ev.start_ms && c->ev.start_ms <= u->ev.end_ms) ||
		    (c->ev.start_ms <= u->ev.start_ms && u->ev.start_ms <= c->ev.end_ms))
			return (long)i;
	}
	for (size_t i = 0; i < f->nupdates; i++) {
		const struct mk_update *u = &f->updates[i];
		if (!u->change || (strcmp(u->change, "new_due") && strcmp(u->change, "blocked")) ||
		    st->update_done[i] || !merge_beside(&u->ev, &c->ev) ||
		    !merge_says_nothing(st, u->ev.quote) || !merge_says_nothing(st, u->item))
			continue;
		*beside = 1;
		return (long)i;
	}
	return -1;
}

/* A promise that says who, not what, of something just talked about ("I'll handle it",
 * "I'll take care of that"): when the same speaker says what right beside it, that other
 * promise is the one to keep. */
static int merge_placeholder(const struct mk_findings *f, const struct mk_commitment *c)
{
	static const char *const verbs[] = {
		"own that", "own it", "own this", "handle that", "handle it", "handle this",
		"take care of that", "take care of it", "take care of this", "take that",
		"take that one", "deal with that", "deal with it", "take it over", "take that over",
		"pick that up", "pick it up", "tackle that", "cover that",
	};
	int hit = 0;

	for (size_t i = 0; i < sizeof verbs / sizeof verbs[0] && !hit; i++)
		hit = c->ev.quote && merge_has_phrase(c->ev.quote, verbs[i]);
	if (!hit)
		return 0;
	for (size_t i = 0; i < f->ncommitments; i++) {
		const struct mk_commitment *o = &f->commitments[i];
		if (o == c || !o->ev.quote || !merge_beside(&o->ev, &c->ev) ||
		    !merge_same_person(o->owner, c->owner))
			continue;
		if (o->ev.quote != c->ev.quote && !strcmp(o->ev.quote, c->ev.quote) && o < c)
			continue; /* the same sentence twice: keep the first */
		if (o->action && c->action && strcmp(o->action, c->action))
			return 1;
	}
	return 0;
}

/* The first word of the action names a verb of its own ("sign", "review") that the item
 * does not have: another step on the same object. */
static int merge_other_verb(struct merge_state *st, const char *action, const struct merge_bag *ib)
{
	struct merge_bag vb;
	char verb[MERGE_WORD_LEN];
	size_t n = 0;

	if (!action)
		return 0;
	while (action[n] && action[n] != ' ' && n + 1 < sizeof verb) {
		verb[n] = action[n];
		n++;
	}
	verb[n] = '\0';
	memset(&vb, 0, sizeof vb);
	merge_bag_add(st->lex, &vb, verb, 1);
	for (size_t i = 0; i < vb.n; i++)
		if (vb.wt[i] > MERGE_W_GENERIC * 2 && !merge_bag_has(ib, vb.w[i]))
			return 1;
	return 0;
}

/* How well commitment c (its action in bag) restates item k; 0 when it cannot. */
static float merge_restate_score(struct merge_state *st, const struct mk_commitment *c,
				 const struct merge_bag *bag, const struct merge_bag *qbag,
				 int vague, enum merge_subject subj, size_t k)
{
	struct merge_item *mi = &st->items[k];
	const char *owner;
	enum mk_side side;
	struct merge_sim s, rs, qs;
	int same_owner, no_owner, team, guessed, takeover;
	float score, content, shared;

	if (mi->it) {
		if (!merge_open(mi->it))
			return 0;
		owner = mi->it->owner;
		side = mi->it->side;
	} else {
		owner = st->out->v[mi->prop].owner;
		side = st->out->v[mi->prop].side;
	}
	same_owner = merge_same_person(owner, c->owner);
	/* someone not on the first call may be on either side (merge_side_guessed) */
	guessed = mi->it && merge_side_guessed(st, c->owner, c->side);
	/* a side was guessed for someone not on the call; the same name says more */
	if (side != MK_SIDE_UNKNOWN && c->side != MK_SIDE_UNKNOWN && side != c->side && !same_owner &&
	    !guessed)
		return 0;
	no_owner = !owner || !c->owner;
	/* "we'll have redlines to Owen": the team's promise, whoever made it first */
	team = subj == MERGE_SUBJ_WE && ((side == c->side && side != MK_SIDE_UNKNOWN) || guessed);
	merge_bag_compare(bag, &mi->bag, &s);
	/* the item in the words that promised it too ("about the rate card, I'll get a first
	 * cut to you by the ninth") */
	rs = s;
	if (mi->it)
		merge_bag_compare(bag, &mi->rbag, &rs);
	shared = rs.shared_content > s.shared_content ? rs.shared_content : s.shared_content;
	if (rs.sim > s.sim)
		s.sim = rs.sim;
	content = merge_bag_content(bag);
	/* "I'll take that over, I'll book Wanjiru and you into a session": someone else on the
	 * same side takes over the item of someone not on the call, naming what it names */
	takeover = mi->it && !same_owner && !no_owner &&
		   ((side == c->side && side != MK_SIDE_UNKNOWN) || guessed) && shared >= 2 * MERGE_W_WORD && content > 0 && shared / content >= 0.8f &&
		   !merge_on_call(st->f, owner);
	if (!same_owner && !no_owner && !team && !takeover &&
	    !(merge_milestone(bag) && merge_milestone(&mi->bag)))
		return 0;
	if (vague) {
		/* "I'll have it Thursday": the owner's item talked about just before */
		if (!mi->it || !same_owner)
			return 0;
		merge_bag_compare(qbag, &mi->bag, &qs);
		if (merge_bag_content(qbag) >= 2 * MERGE_W_WORD && qs.shared_content < MERGE_W_WORD)
			return 0; /* the sentence is about something else */
		return 0.3f * s.sim + 0.3f * qs.sim +
		       merge_ctx_score(st, k, c->ev.start_ms, c->ev.quote, 1.0f);
	}
	if (shared < MERGE_W_WORD || (content > 0 && shared / content < 0.6f)) {
		/* "the forty scans will be with you Monday" from the owner of "export forty
		 * scanned invoices for the pilot", the one thing they owe: a dated re-promise
		 * sharing half its words with it, and no verb of its own, is that item again */
		if (mi->it && same_owner && c->has_due && shared >= MERGE_W_WORD &&
		    shared >= 0.5f * content && merge_open_owned(st, c->owner) == 1 &&
		    !merge_other_verb(st, c->action, &mi->rbag))
			return MERGE_RESTATE_MIN;
		return 0; /* the new words are mostly not in the item: another action */
	}
	score = s.sim - (same_owner ? 0 : 0.1f);
	if (mi->it)
		score += 0.3f * merge_ctx_score(st, k, c->ev.start_ms, c->ev.quote, 1.0f);
	return score;
}

/* After news beside the promise found item k: is the promise about it too (the same
 * owner, and words of the item or none of its own)? */
static int merge_promise_fits(struct merge_state *st, const struct mk_commitment *c, size_t k)
{
	struct merge_bag bag;
	struct merge_sim s;

	if (!merge_same_person(st->items[k].it->owner, c->owner))
		return 0;
	memset(&bag, 0, sizeof bag);
	merge_bag_action(st->lex, &bag, c->action);
	merge_bag_compare(&bag, &st->items[k].rbag, &s);
	return merge_bag_content(&bag) < MERGE_W_WORD || s.shared_content >= MERGE_W_WORD;
}

static void merge_commitment(struct merge_state *st, const struct mk_commitment *c)
{
	struct merge_bag bag, qbag;
	enum merge_subject subj = merge_subject_of(c->ev.quote);
	int vague, beside;
	float best = 0;
	struct merge_item *bi = NULL;
	struct mk_proposal *p;

	if (merge_placeholder(st->f, c))
		return;
	/* a re-promise changes the item its update finding is about; only when there is none
	 * is it a new item */
	long up = merge_repromise_of(st, c, &beside);
	if (up >= 0 && !st->update_done[up]) {
		const struct mk_update *u = &st->f->updates[up];
		struct merge_news nw = { u->item, u->change, u->has_due, u->due, &u->ev, 0, u->asked,
					 beside ? c->action : NULL };
		long k;
		st->update_done[up] = 1;
		if (!nw.has_due && c->has_due && !strcmp(u->change, "new_due")) {
			nw.has_due = 1;
			nw.due = c->due;
		}
		st->update_hit[up] = merge_news(st, &nw);
		k = st->news_item;
		if (beside && st->update_hit[up] && (k < 0 || !merge_promise_fits(st, c, (size_t)k)))
			st->update_hit[up] = 0; /* the news found its item; the promise is another */
		/* "it's held up, but you'll get it by the twentieth" */
		if (st->update_hit[up] && k >= 0 && c->has_due && strcmp(u->change, "new_due") &&
		    merge_open(st->items[k].it))
			merge_update_due(st, &st->items[k], c->due, &c->ev, c->confidence, 1);
	}
	if (up >= 0 && st->update_hit[up])
		return;
	memset(&bag, 0, sizeof bag);
	memset(&qbag, 0, sizeof qbag);
	merge_bag_action(st->lex, &bag, c->action);
	merge_bag_add(st->lex, &qbag, c->ev.quote, 1);
	vague = merge_bag_content(&bag) < MERGE_W_WORD;
	for (size_t k = 0; k < st->nitems; k++) {
		float score = merge_restate_score(st, c, &bag, &qbag, vague, subj, k);
		if (score > best) {
			best = score;
			bi = &st->items[k];
		}
	}
	/* a vague promise with no date adds nothing to an item it may restate: keep it
	 * unless the match is sure */
	if (bi && best >= (vague ? (c->has_due ? MERGE_VAGUE_MIN : MERGE_VAGUE_SURE) : MERGE_RESTATE_MIN)) {
		if (!bi->it) {
			/* said twice in this call: the second may give the date the first lacked */
			struct mk_proposal *pp = &st->out->v[bi->prop];
			if (!pp->has_due && c->has_due) {
				pp->has_due = 1;
				pp->due = c->due;
			}
			return;
		}
		/* a meeting invite with another date is for the next meeting, not a slip; one
		 * taken over from someone else is that meeting */
		int invite = merge_same_person(bi->it->owner, c->owner) &&
			     merge_bag_has(&bi->bag, "#meeting") &&
			     merge_bag_content(&bi->bag) <= MERGE_W_CLASS + 2 * MERGE_W_WORD;
		if (!c->has_due || (bi->it->has_due && !mk_date_cmp(bi->it->due, c->due)))
			return;
		if (!invite || !bi->it->has_due) {
			merge_update_due(st, bi, c->due, &c->ev, c->confidence * (best > 1 ? 1 : best),
					 best);
			return;
		}
	}
	p = merge_new(st, MK_PROP_ADD_ITEM, &c->ev, c->confidence);
	p->action = mk_strdup(c->action ? c->action : "");
	p->owner = merge_dup(c->owner);
	p->side = c->side;
	p->has_due = c->has_due;
	if (c->has_due)
		p->due = c->due;
	if (st->nitems < st->capitems) {
		struct merge_item *mi = &st->items[st->nitems++];
		memset(mi, 0, sizeof *mi);
		mi->prop = st->out->n - 1;
		mi->bag = bag;
	}
}

/* A sentence that says something was done ("it came through on the 28th"). */
static int merge_says_done(const char *q)
{
	static const char *const done[] = {
		"sent", "came back", "came through", "came in", "ran", "went through",
		"walked me through", "presented", "finished", "landed", "emailed", "delivered",
		"submitted", "completed", "signed", "you did", "we did", "i did", "handed",
	};
	static const char *const not_done[] = {
		"not", "didn't", "didn’t", "haven't", "haven’t", "hasn't", "hasn’t", "never",
		"won't", "won’t", "will", "i'll", "i’ll", "we'll", "we’ll", "going to", "gonna",
		"if", "once", "until",
	};
	int hit = 0;
	for (size_t i = 0; i < sizeof done / sizeof done[0]; i++)
		hit |= merge_has_phrase(q, done[i]);
	if (!hit)
		return 0;
	for (size_t i = 0; i < sizeof not_done / sizeof not_done[0]; i++)
		if (merge_has_phrase(q, not_done[i]))
			return 0;
	return 1;
}

/* A sentence that gives a promise a new date ("the floor plan I promised him, that
 * has to reach him by March ninth"). */
static int merge_says_redated(const char *q)
{
	static const char *const back[] = {
		"i said", "said i'd", "said i’d", "said we'd", "said we’d", "i owe",
		"we owe", "meant to be", "slipped",
	};
	for (size_t i = 0; i < sizeof back / sizeof back[0]; i++)
		if (merge_has_phrase(q, back[i]))
			return 1;
	return 0;
}

/* ---- stakeholders and risks ---- */

/* Someone the plan knows: by name (or first name), or, when no name is said, by role
 * ("our CFO" is Janet when Janet is the CFO). */
int merge_person_known(const char *name, const char *role, const char *pname, const char *prole)
{
	if (name && *name)
		return merge_same_person(name, pname);
	return role && prole && mk_strieq(role, prole);
}

static void merge_stakeholder(struct merge_state *st, const struct mk_stakeholder *s)
{
	const struct mk_plan *plan = st->plan;
	struct mk_proposal *p;

	if ((!s->name || !*s->name) && (!s->role || !*s->role))
		return;
	for (size_t i = 0; plan && i < plan->npeople; i++)
		if (merge_person_known(s->name, s->role, plan->people[i].name, plan->people[i].role))
			return;
	for (size_t i = 0; i < st->out->n; i++)
		if (st->out->v[i].kind == MK_PROP_ADD_STAKEHOLDER &&
		    merge_person_known(s->name, s->role, st->out->v[i].name, st->out->v[i].role))
			return;
	p = merge_new(st, MK_PROP_ADD_STAKEHOLDER, &s->ev, MERGE_PERSON_CONF);
	p->name = merge_dup(s->name && *s->name ? s->name : NULL);
	p->role = merge_dup(s->role);
	p->side = s->side;
}

static int merge_risk_same(struct merge_state *st, const char *cat, const struct merge_bag *bag,
			   const char *text, const char *ocat, const char *otext)
{
	struct merge_bag ob;
	struct merge_sim s;

	if (!ocat || strcmp(cat, ocat))
		return 0;
	if (otext && text && mk_strieq(text, otext))
		return 1;
	memset(&ob, 0, sizeof ob);
	merge_bag_add(st->lex, &ob, otext, 1);
	merge_bag_compare(bag, &ob, &s);
	return s.sim >= MERGE_RISK_SAME;
}

static void merge_risk(struct merge_state *st, const struct mk_risk *r)
{
	const struct mk_plan *plan = st->plan;
	struct merge_bag bag;
	struct mk_proposal *p;

	if (!r->category || !r->text)
		return;
	memset(&bag, 0, sizeof bag);
	merge_bag_add(st->lex, &bag, r->text, 1);
	for (size_t i = 0; plan && i < plan->nrisks; i++)
		if (merge_risk_same(st, r->category, &bag, r->text, plan->risks[i].category,
				    plan->risks[i].text))
			return;
	for (size_t i = 0; i < st->out->n; i++)
		if (st->out->v[i].kind == MK_PROP_ADD_RISK &&
		    merge_risk_same(st, r->category, &bag, r->text, st->out->v[i].category,
				    st->out->v[i].text))
			return;
	p = merge_new(st, MK_PROP_ADD_RISK, &r->ev, MERGE_RISK_CONF);
	p->category = mk_strdup(r->category);
	p->text = mk_strdup(r->text);
}

/* Sentences no rule read as news (date mentions, risks, stakeholders): one saying an
 * item was done ("it came through on the 28th"), or giving a promise a new date ("the floor
 * plan I promised him has to reach him by March ninth"). Held to a higher bar. */
static void merge_infer(struct merge_state *st)
{
	const struct mk_findings *f = st->f;

	for (size_t c = 0; c < st->nctx; c++) {
		const struct merge_ctx *x = &st->ctx[c];
		if (x->from_update || x->from_commitment || !merge_says_done(x->quote))
			continue;
		struct merge_news nw = { NULL, "done", 0, { 0, 0, 0 }, x->ev, 1, NULL, NULL };
		merge_news(st, &nw);
	}
	for (size_t i = 0; i < f->ndates; i++) {
		const struct mk_date_mention *dm = &f->dates[i];
		int told = 0;
		if (!dm->has_date || !dm->ev.quote || !merge_says_redated(dm->ev.quote) ||
		    merge_says_done(dm->ev.quote) || merge_has_phrase(dm->ev.quote, "like i said") ||
		    (dm->text && (strcasestr(dm->text, "last") || strcasestr(dm->text, "yesterday") ||
				  strcasestr(dm->text, "ago") || strcasestr(dm->text, "earlier"))))
			continue;
		for (size_t c = 0; c < st->nctx; c++)
			if (!strcmp(st->ctx[c].quote, dm->ev.quote))
				told = st->ctx[c].from_update || st->ctx[c].from_commitment;
		if (told)
			continue;
		struct merge_news nw = { NULL, "new_due", 1, dm->value, &dm->ev, 1, NULL, NULL };
		merge_news(st, &nw);
	}
}

/* ---- the merge ---- */

enum mk_err mk_merge(const struct mk_plan *plan, const struct mk_findings *f,
		     const char *meeting_key, struct mk_proposals *out)
{
	struct merge_state st;
	struct mk_plan empty;

	if (!f || !out)
		return MK_EARG;
	mk_proposals_init(out);
	if (!plan) {
		mk_plan_init(&empty);
		plan = &empty;
	}
	memset(&st, 0, sizeof st);
	st.lex = mk_malloc(sizeof *st.lex);
	merge_lex_init(st.lex);
	st.plan = plan;
	st.f = f;
	st.meeting_key = meeting_key;
	st.out = out;
	st.update_done = mk_calloc(f->nupdates + 1, 1);
	st.update_hit = mk_calloc(f->nupdates + 1, 1);
	merge_ctx_build(&st);
	merge_items_build(&st);

	for (size_t i = 0; i < f->ncommitments; i++)
		merge_commitment(&st, &f->commitments[i]);
	for (size_t i = 0; i < f->nstakeholders; i++)
		merge_stakeholder(&st, &f->stakeholders[i]);
	for (size_t i = 0; i < f->nrisks; i++)
		merge_risk(&st, &f->risks[i]);
	for (size_t i = 0; i < f->nupdates; i++) {
		const struct mk_update *u = &f->updates[i];
		struct merge_news nw = { u->item, u->change, u->has_due, u->due, &u->ev, 0, u->asked, NULL };
		if (!st.update_done[i])
			merge_news(&st, &nw);
	}
	merge_infer(&st);
	merge_elements(&st, st.lex, plan, f, out);

	free(st.update_done);
	free(st.update_hit);
	free(st.ctxsim);
	free(st.items);
	free(st.ctx);
	free(st.lex);
	return MK_OK;
}
