/*
 * meetings.c: the dependencies between steps, the next meeting and what is said of a
 * stakeholder's stance (issue 14; extractor/elements.h). Rules of kinds dependency,
 * next_meeting and stance (rules/meetings.rules, format in rules/FORMAT.md) say what each
 * sounds like; this file picks the matches that stand and fills the findings. Called once
 * per call by extract.c, after the commitments and stakeholders.
 * Does: drops what is asked, hedged, supposed ("if ..."), past or denied; boils a
 * dependency's two steps down to their key words ("security can't start the review" ->
 * "security review"); keeps a proposed meeting only when the other side says yes; reads the
 * meeting's date (extractor/when) and time ("ten" -> 10:00); ties a stance's "she" and first
 * names to the people of the call. Does not: map steps to plan items (merge/ does, by words).
 * Invariant: a finding has its evidence; a dependency has both steps; at most one next
 * meeting (the last agreed) and it has a date or a time.
 */
#include "extractor/elements.h"
#include "extractor/wordlist.h"
#include "util/util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* ---- words ---- */

static int word_char(unsigned char ch)
{
	return ch >= 0x80 || isalnum(ch) || ch == '\'' || ch == '-' || ch == '/' || ch == '&';
}

/* The words of text[0..len) in turn: *at is moved past the word returned in [*ws, *ws + *wn). */
static int next_word(const char *text, size_t len, size_t *at, size_t *ws, size_t *wn)
{
	size_t i = *at;
	while (i < len && !word_char((unsigned char)text[i]))
		i++;
	if (i >= len)
		return 0;
	*ws = i;
	while (i < len && (word_char((unsigned char)text[i]) || !strncmp(text + i, "’", 3))) {
		if ((unsigned char)text[i] == 0xE2 && i + 2 < len && !strncmp(text + i, "’", 3))
			i += 3;
		else
			i++;
	}
	/* a word ends before trailing apostrophes and hyphens */
	while (i > *ws + 1 && (text[i - 1] == '\'' || text[i - 1] == '-'))
		i--;
	*wn = i - *ws;
	*at = i;
	return 1;
}

/* Is the NUL-terminated word w one of list, ASCII-caseless? */
static int listed(const char *w, const char *const *list)
{
	return mk_in_listn(w, strlen(w), list);
}

/* The length of word w[0..n) before an apostrophe ("Keisha's" -> "Keisha"); *suffix: after it, or NULL. */
static size_t word_stem(const char *w, size_t n, const char **suffix)
{
	for (size_t i = 0; i < n; i++) {
		size_t ap = w[i] == '\'' ? 1 : (i + 2 < n && !strncmp(w + i, "’", 3)) ? 3 : 0;
		if (ap) {
			*suffix = w + i + ap;
			return i;
		}
	}
	*suffix = NULL;
	return n;
}

/* Word text[ws..ws+wn) into buf (at most cap - 1 bytes) with curly apostrophes made straight. */
static size_t word_copy(const char *w, size_t n, char *buf, size_t cap)
{
	size_t o = 0;
	for (size_t i = 0; i < n && o + 1 < cap; i++) {
		if (i + 2 < n + 0 && !strncmp(w + i, "’", 3)) {
			buf[o++] = '\'';
			i += 2;
		} else {
			buf[o++] = w[i];
		}
	}
	buf[o] = '\0';
	return o;
}

/* ---- a dependency's steps ---- */

static const char *const step_drop[] = {
	"a", "an", "the", "that", "this", "those", "these", "our", "your", "their", "my", "his", "her", "its", "some", "any", "i", "we",
	"you", "they", "he", "she", "me", "us", "them", "is", "are", "be", "been", "being", "am", "can",
	"can't", "cannot", "could", "will", "won't", "would", "should", "shall", "must", "do", "does",
	"don't", "doesn't", "isn't", "aren't", "not", "even", "really", "actually", "just", "still",
	"also", "only", "basically", "going", "gonna", "able", "allowed", "start", "begin", "started",
	"proceed", "anything", "everything", "get", "gets", "got", "have", "has", "had", "need", "needs",
	"then", "anyway", "internally", "all", "whole", "because", "honestly", "so", "and", "but", "well",
	"yeah", "okay", "ok", "frankly", "like", "um", "uh", "see", "seen", "said", "says", "told", "there",
	"want", "wants", "know", "who", "what", NULL,
};
/* after one of these, "to" says no step: "need to get involved" */
static const char *const to_after[] = { "need", "needs", "going", "able", "allowed", "have", "has", "want", "wants", NULL };
/* a step that points at something unsaid ("turn it around", "once that's back") reads on its own no more */
static const char *const step_pronoun[] = { "it", "that", "them", "those", "these", "this", "him", "it's", "that's", NULL };
/* words a step does not end on */
static const char *const step_tail[] = {
	"with", "to", "for", "in", "on", "of", "at", "from", "by", "about", "over", "into", "first", "and", "or", "as", NULL,
};
/* words after "'s" that make it "is" ("the NDA's back"), not a possessive ("Tanya's numbers") */
static const char *const is_after[] = {
	"back", "final", "done", "signed", "out", "in", "up", "through", "approved", "ready", "live",
	"over", "finished", "sorted", "been", "gone", "cleared", "closed", "complete", "completed",
	"here", "fixed", "stable", "finalised", "finalized", "agreed", "there", NULL,
};
/* a step that is only a month or a day names no step ("till May") */
static const char *const date_only[] = {
	"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
	"november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", NULL,
};
/* a step that is only one of these names nothing */
static const char *const step_empty[] = {
	"it", "that", "then", "there", "those", "these", "something", "stuff", "things", "thing",
	"now", "later", "one", "happen", "happens", "done", "go", "off", "cut", NULL,
};

/* Is the word at text[at..) (after spaces) one of list? */
static int next_is(const char *text, size_t len, size_t at, const char *const *list)
{
	size_t ws, wn;
	char w[64];
	return next_word(text, len, &at, &ws, &wn) && word_copy(text + ws, wn, w, sizeof w) &&
	       listed(w, list);
}

/* A word of a step as it is kept: "we'll" -> "" (dropped), "NDA's back" -> "NDA", "Tanya's" stays. */
static size_t step_word(char *w, size_t n, const char *text, size_t len, size_t after)
{
	char *ap = strchr(w, '\'');

	if (listed(w, step_drop))
		return 0;
	if (!ap || ap == w)
		return n;
	*ap = '\0';
	if (listed(w, step_drop))
		return 0;
	if (!strcmp(ap + 1, "ll") || !strcmp(ap + 1, "re") || !strcmp(ap + 1, "ve") || !strcmp(ap + 1, "d") ||
	    !strcmp(ap + 1, "m") || (!strcmp(ap + 1, "s") && next_is(text, len, after, is_after)))
		return (size_t)(ap - w);
	*ap = '\'';
	return n;
}

/* Is "that"/"this"/"those"/"these" at w a determiner of a name or an acronym ("that PR", "this
 * NDA"), not a pronoun ("once that lands")? */
static int determiner(const char *w, const char *text, size_t len, size_t at)
{
	size_t ws, wn;
	if (!mk_strieq(w, "that") && !mk_strieq(w, "this") && !mk_strieq(w, "those") && !mk_strieq(w, "these"))
		return 0;
	return next_word(text, len, &at, &ws, &wn) && isupper((unsigned char)text[ws]);
}

/* Drops the words a step does not end on ("usage review with" -> "usage review"). */
static void trim_tail(struct mk_buf *b, size_t *kept)
{
	while (b->len) {
		size_t sp = b->len;
		while (sp > 0 && b->s[sp - 1] != ' ')
			sp--;
		char w[64];
		word_copy(b->s + sp, b->len - sp, w, sizeof w);
		if (!listed(w, step_tail))
			return;
		b->len = sp ? sp - 1 : 0;
		b->s[b->len] = '\0';
		(*kept)--;
	}
}

/* The key words of a step said as a clause: "security can't start the review" -> "security
 * review", "the NDA is signed" -> "NDA signed"; NULL when nothing reads on its own (only a
 * date, a pronoun, a verb). */
static char *step_words(const char *text, size_t len, struct mk_date ref)
{
	struct mk_buf b;
	struct mk_when when;
	size_t at = 0, ws, wn, kept = 0, content = 0;
	char *tmp = mk_strndup(text, len), w[64];
	int after_modal = 0, pronoun = 0;

	/* a date is when the step happens, not the step: "the PO by Friday" -> "PO"; "until June" names none */
	if (mk_when_find(tmp, ref, &when) == MK_OK)
		len = when.start;
	free(tmp);
	mk_buf_init(&b);
	while (next_word(text, len, &at, &ws, &wn)) {
		size_t n = word_copy(text + ws, wn, w, sizeof w);
		int modal = listed(w, to_after);

		if (!strcmp(w, "kick") || ((!kept || after_modal) && (!strcmp(w, "to") || !strcmp(w, "off")))) {
			after_modal = 0;
			continue;
		}
		after_modal = modal;
		pronoun |= listed(w, step_pronoun) && !determiner(w, text, len, at);
		n = step_word(w, n, text, len, at);
		if (!n)
			continue;
		if (b.len)
			mk_buf_addc(&b, ' ');
		mk_buf_add(&b, w, n);
		kept++;
		w[n] = '\0';
		content += !listed(w, step_empty);
	}
	trim_tail(&b, &kept);
	if (!kept || !content || kept > 9 || pronoun || (kept == 1 && listed(b.s, date_only))) {
		mk_buf_release(&b);
		return NULL;
	}
	if (b.s && mk_strieq(b.s, "live")) {  /* "once you're live" */
		mk_buf_release(&b);
		return mk_strdup("go-live");
	}
	return mk_buf_detach(&b);
}

/* ---- matching ---- */

#define MAX_MATCHES 8

struct matches {
	struct rule_match m[MAX_MATCHES];
	size_t n;
};

static int keep_match(void *ctx, const struct rule_match *m)
{
	struct matches *ms = ctx;
	for (size_t k = 0; k < ms->n; k++)  /* overlapping matches: the higher confidence */
		if (m->start < ms->m[k].end && ms->m[k].start < m->end) {
			if (m->rule->confidence > ms->m[k].rule->confidence)
				ms->m[k] = *m;
			return 0;
		}
	if (ms->n < MAX_MATCHES)
		ms->m[ms->n++] = *m;
	return 0;
}

/* Where a pass is: the call, sentence i's text, what its words may match. */
struct pass {
	const struct el_call *c;
	struct rules_scan sc;
	char *low;
	size_t caplow;
	struct el_sentence s;
};

/* The matches of kind in sentence i, left to right; fills p->s. */
static void matches_of(struct pass *p, size_t i, enum rule_kind kind, struct matches *ms)
{
	const struct el_call *c = p->c;

	c->sentence(c->ctx, i, &p->s);
	ms->n = 0;
	p->low = mk_grow(p->low, &p->caplow, p->s.len + 1, 1);
	rules_lower(p->s.text, p->s.len, p->low);
	if (!c->may(c->ctx, i, kind))
		return; /* no rule of kind can match: no scan */
	rules_scan_text(c->rs, &p->sc, p->low, p->s.len);
	rules_match_kind(c->rs, kind, p->s.text, &p->sc, p->s.len, c->md, keep_match, ms);
	for (size_t a = 1; a < ms->n; a++)   /* in the order said */
		for (size_t b = a; b > 0 && ms->m[b].start < ms->m[b - 1].start; b--) {
			struct rule_match t = ms->m[b];
			ms->m[b] = ms->m[b - 1];
			ms->m[b - 1] = t;
		}
}

static int group(const struct rule_match *m, enum rule_group g, size_t *start, size_t *n)
{
	if (m->gs[g] < 0 || m->ge[g] <= m->gs[g])
		return 0;
	*start = (size_t)m->gs[g];
	*n = (size_t)(m->ge[g] - m->gs[g]);
	return 1;
}

static const char *const cond_words[] = {
	"if", "unless", "whether", "suppose", "supposing", "assuming", "say", "imagine", "maybe",
	"perhaps", "probably", "might", "hopefully", "wonder", "whenever", "did", "didn't", "was",
	"wasn't", "were", "when", NULL,
};
/* a stance said under a condition or a time: "I'm not approving the budget until Sofia is on board" */
static const char *const stance_cond[] = {
	"if", "unless", "whether", "suppose", "supposing", "assuming", "say", "imagine", "maybe", "perhaps",
	"probably", "might", "hopefully", "wonder", "whenever", "did", "didn't", "was", "wasn't", "were",
	"when", "until", "till", "once", "before", "after", "used", NULL,
};
/* a meeting set under a condition: "once the pilot wraps up, we'll set up a readout" */
static const char *const meet_cond[] = { "if", "unless", "once", "after", "whether", "maybe", "perhaps", NULL };
/* inside a dependency's words: it is supposed, or it is about the meeting */
static const char *const dep_not[] = { "if", "unless", "whether", "invite", "invites", "calendar", "meeting", NULL };

/* Is one of list among the words of text[from..to)? */
static int words_in(const char *text, size_t from, size_t to, const char *const *list)
{
	size_t pos = from, ws, wn;
	char w[64];

	while (next_word(text, to, &pos, &ws, &wn)) {
		word_copy(text + ws, wn, w, sizeof w);
		if (listed(w, list))
			return 1;
	}
	return 0;
}

/* Is text[0..at) a clause that makes what starts at at a condition, a guess or the past ("if
 * legal signs off ...", "maybe Raj is on board", "when we couldn't start until ...")? Read back
 * to the clause's start. */
static int said_aside(const char *text, size_t at, const char *const *list)
{
	size_t from = at;

	while (from > 0 && !strchr(",;:", text[from - 1]))
		from--;
	return words_in(text, from, at, list);
}

/* Does sentence i say it for sure: no hedge or supposition anywhere? */
static int sure(const struct el_call *c, size_t i)
{
	return !c->vetoed(c->ctx, i, "hedge") && !c->vetoed(c->ctx, i, "hypothetical") &&
	       !c->vetoed(c->ctx, i, "past");
}

/* A new zeroed last element of the findings array *arr of *n elements of size bytes. */
static void *append(void **arr, size_t *n, size_t size)
{
	char *a = mk_realloc(*arr, (*n + 1) * size);
	*arr = a;
	memset(a + *n * size, 0, size);
	return a + (*n)++ * size;
}

/* ---- dependencies ---- */

static void add_dependency(struct pass *p, size_t i, const struct rule_match *m)
{
	const struct el_call *c = p->c;
	struct mk_findings *f = c->f;
	size_t ws, wn, os, on;
	char *waiting, *upon;

	if (!group(m, RG_WAITING, &ws, &wn) || !group(m, RG_ON, &os, &on))
		return;
	waiting = step_words(p->s.text + ws, wn, c->o->date);
	upon = step_words(p->s.text + os, on, c->o->date);
	int again = !waiting || !upon || mk_strieq(waiting, upon);
	for (size_t k = 0; k < f->ndependencies && !again; k++)  /* said again */
		again = mk_strieq(f->dependencies[k].waiting, waiting) && mk_strieq(f->dependencies[k].on, upon);
	if (again) {
		free(waiting);
		free(upon);
		return;
	}
	struct mk_dependency *d = append((void **)&f->dependencies, &f->ndependencies, sizeof *d);
	d->waiting = waiting;
	d->on = upon;
	d->rule = m->rule->id;
	c->evidence(c->ctx, i, m->start, &d->ev);
}

static void find_dependencies(struct pass *p)
{
	const struct el_call *c = p->c;
	struct matches ms;

	for (size_t i = 0; i < c->nsents; i++) {
		matches_of(p, i, RK_DEPENDENCY, &ms);
		if (!ms.n || p->s.question || !sure(c, i))
			continue;
		for (size_t k = 0; k < ms.n; k++)
			if (!said_aside(p->s.text, ms.m[k].start, cond_words) &&
			    !words_in(p->s.text, ms.m[k].start, ms.m[k].end, dep_not))
				add_dependency(p, i, &ms.m[k]);
	}
}

/* ---- the next meeting ---- */

enum meet_form { MEET_FIRM, MEET_ASK, MEET_OK };

/* How a next_meeting rule stands, by its id (rules/FORMAT.md): "meet.next.ask-*" proposes,
 * "meet.next.ok-*" says yes to a date, any other agrees a meeting. */
static enum meet_form meet_form(const struct rule *r)
{
	if (strstr(r->id, ".ask-"))
		return MEET_ASK;
	if (strstr(r->id, ".ok-"))
		return MEET_OK;
	return MEET_FIRM;
}

struct date_pick {
	const char *text;
	struct mk_date ref;
	int found;
	struct mk_when w;
};

/* "tomorrow" after one of these is when the meeting is ("see you all tomorrow", "an invite for
 * tomorrow"); after others it is when the invite goes out ("I'll send the invite tomorrow") */
static const char *const meet_before_tomorrow[] = {
	"for", "you", "all", "everyone", "y'all", "both", "guys", "reconvene", "regroup", "meet", "again",
	"talk", "speak", "sync", "up", "in", "base", "until", "till", NULL,
};

/* The first date of a meeting in a text: not when the invite goes out ("send the invite
 * today"), not in a side clause ("once Tobias has had a week"), not before the call. */
static int date_of_meeting(void *ctx, const struct mk_when *w)
{
	struct date_pick *dp = ctx;
	const char *e = dp->text + w->start;
	size_t k = w->start, ws = 0, wn = 0, pos;
	char prev[64] = "";

	if (!w->has_date || mk_date_cmp(w->pick, dp->ref) <= 0 || mk_when_side_clause(dp->text, w->start))
		return 0;
	while (k > 0 && !word_char((unsigned char)dp->text[k - 1]))
		k--;
	pos = k;
	while (pos > 0 && word_char((unsigned char)dp->text[pos - 1]))
		pos--;
	if (next_word(dp->text, k, &pos, &ws, &wn))
		word_copy(dp->text + ws, wn, prev, sizeof prev);
	if (mk_strnieq(e, "tomorrow", 8) && !listed(prev, meet_before_tomorrow))
		return 0;
	dp->w = *w;
	dp->found = 1;
	return 1;
}

static int meeting_date(const char *text, size_t len, struct mk_date ref, struct mk_when *out)
{
	struct date_pick dp = { .text = text, .ref = ref };
	mk_when_scan(text, len, ref, date_of_meeting, &dp);
	*out = dp.w;
	return dp.found;
}

static const char *const hour_words[] = {
	"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", NULL,
};
static const char *const not_after_hour[] = {
	"percent", "people", "users", "sites", "stores", "thousand", "hundred", "million", "k", "minutes",
	"minute", "hours", "hour", "days", "day", "weeks", "week", "months", "month", "years", "year",
	"point", "time", "of", "stage", "or", "per", "and", "seats", "licenses", "licences", NULL,
};

static int hour_of(const char *w)
{
	for (int h = 0; hour_words[h]; h++)
		if (mk_strieq(w, hour_words[h]))
			return h + 1;
	if (isdigit((unsigned char)w[0])) {
		int h = atoi(w);
		return h >= 1 && h <= 12 ? h : (h >= 13 && h <= 23 ? h : 0);
	}
	return 0;
}

static int minutes_word(const char *w, const char *text, size_t len, size_t at, size_t *after)
{
	size_t ws, wn, pos = at;
	char w2[64];
	if (mk_strieq(w, "fifteen"))
		return 15;
	if (mk_strieq(w, "thirty"))
		return 30;
	if (mk_strieq(w, "forty-five"))
		return 45;
	if (mk_strieq(w, "forty") && next_word(text, len, &pos, &ws, &wn) &&
	    word_copy(text + ws, wn, w2, sizeof w2) && mk_strieq(w2, "five")) {
		*after = pos;
		return 45;
	}
	return -1;
}

/* Does text[at..len) start with one of list, as whole words? */
static int starts_with_one(const char *text, size_t len, size_t at, const char *const *list)
{
	for (; *list; list++) {
		size_t n = strlen(*list);
		if (at + n <= len && mk_strnieq(text + at, *list, n) && (at + n == len || !isalpha((unsigned char)text[at + n])))
			return 1;
	}
	return 0;
}

/* "am"/"a.m."/"pm"/"p.m." or "in the morning|afternoon|evening" at text[at..): 1 am, 2 pm, 0 none */
static int meridiem(const char *text, size_t len, size_t at)
{
	static const char *const am[] = { "am", "a.m.", "a.m", "in the morning", NULL };
	static const char *const pm[] = { "pm", "p.m.", "p.m", "in the afternoon", "in the evening", NULL };
	while (at < len && text[at] == ' ')
		at++;
	return starts_with_one(text, len, at, am) ? 1 : starts_with_one(text, len, at, pm) ? 2 : 0;
}

/* The hour said at word w (its end at `at`), as "HH:MM", or NULL: "at ten", "2:30 pm", "two
 * o'clock", ", three thirty", "noon". Without am/pm a business hour: 7-11 morning, 12-6 after. */
static char *time_at(const char *text, size_t len, const char *w, size_t at, const char *prev, int comma)
{
	size_t pos = at, ws, wn, after = at;
	char nw[64] = "";
	int h = hour_of(w), mins = -1, mer, said = 0;

	if (mk_strieq(w, "noon") || mk_strieq(w, "midday"))
		return mk_strdup("12:00");
	if (!h)
		return NULL;
	if (at + 2 < len && text[at] == ':' && isdigit((unsigned char)text[at + 1]) && isdigit((unsigned char)text[at + 2])) {
		mins = (text[at + 1] - '0') * 10 + (text[at + 2] - '0');
		after = pos = at + 3;
		said = mins < 60;
	}
	if (next_word(text, len, &pos, &ws, &wn))
		word_copy(text + ws, wn, nw, sizeof nw);
	if (mins < 0 && (mk_strieq(nw, "o'clock") || mk_strieq(nw, "oclock"))) {
		mins = 0, said = 1, after = pos;
	} else if (mins < 0 && (mk_strieq(prev, "at") || comma) && !isdigit((unsigned char)w[0])) {
		size_t a2 = pos;
		int m = minutes_word(nw, text, len, pos, &a2);
		if (m >= 0)
			mins = m, said = 1, after = a2;
	}
	if (mins < 0 && mk_strieq(nw, "to")) {  /* "2 to 4 on June 3rd": from the first */
		char w3[64] = "";
		size_t p3 = pos, s3, n3;
		if (next_word(text, len, &p3, &s3, &n3))
			word_copy(text + s3, n3, w3, sizeof w3);
		said = hour_of(w3) > 0 && hour_of(w3) <= 12;
	}
	mer = meridiem(text, len, after);
	if (mins < 0)
		mins = 0;
	if (!said && !mer && !(mk_strieq(prev, "at") && !listed(nw, not_after_hour)))
		return NULL;
	if (h > 12 && (mer || !said))
		return NULL;
	if (h <= 12)
		h = mer == 1 ? h % 12 : mer == 2 ? h % 12 + 12 : (h >= 7 && h <= 11 ? h : h == 12 ? 12 : h + 12);
	return mk_sprintf("%02d:%02d", h, mins);
}

static char *meeting_time(const char *text, size_t len)
{
	size_t at = 0, ws, wn;
	char w[64], prev[64] = "";

	while (next_word(text, len, &at, &ws, &wn)) {
		size_t k = ws;
		int comma;
		while (k > 0 && text[k - 1] == ' ')
			k--;
		comma = k > 0 && text[k - 1] == ',';
		word_copy(text + ws, wn, w, sizeof w);
		char *t = time_at(text, len, w, at, prev, comma);
		if (t)
			return t;
		memcpy(prev, w, sizeof prev);
	}
	return NULL;
}

static const char *const yes_words[] = {
	"yes", "yeah", "yep", "yup", "sure", "perfect", "great", "works", "absolutely", "definitely",
	"sounds", "fine", "good", "done", "deal", "lovely", "brilliant", "excellent", "ok", "okay", NULL,
};
static const char *const no_words[] = { "no", "not", "can't", "cannot", "won't", "unfortunately", "actually", NULL };

/* The first sentence of the next speaker's turn after sentence i, within a few sentences. */
static int reply_of(const struct el_call *c, size_t i, size_t *out)
{
	struct el_sentence a, b;
	c->sentence(c->ctx, i, &a);
	for (size_t j = i + 1; j < c->nsents && j <= i + 4; j++) {
		c->sentence(c->ctx, j, &b);
		if (b.turn == a.turn)
			continue;
		if (!strcmp(b.speaker, a.speaker) || b.turn > a.turn + 1)
			return 0;
		*out = j;
		return 1;
	}
	return 0;
}

/* Does sentence j say yes (an accept rule, a date that works, or a yes word first), not no? */
static int says_yes(struct pass *p, size_t j)
{
	struct matches ms;
	size_t at = 0, ws, wn;
	char w[64] = "";

	matches_of(p, j, RK_NEXT_MEETING, &ms);
	if (p->s.question)
		return 0;
	for (size_t k = 0; k < ms.n; k++)
		if (meet_form(ms.m[k].rule) == MEET_OK)
			return 1;
	if (next_word(p->s.text, p->s.len, &at, &ws, &wn))
		word_copy(p->s.text + ws, wn, w, sizeof w);
	if (listed(w, no_words) || p->c->vetoed(p->c->ctx, j, "negation") || p->c->vetoed(p->c->ctx, j, "hedge"))
		return 0;
	matches_of(p, j, RK_ACCEPT, &ms);
	return ms.n > 0 || listed(w, yes_words);
}

struct meet_cand {
	int has_date;
	int borrowed;               /* the date came from a meeting said just before */
	struct mk_when w;
	char *date_text, *time, *who, *purpose;
};

static void cand_release(struct meet_cand *m)
{
	free(m->date_text);
	free(m->time);
	free(m->who);
	free(m->purpose);
	memset(m, 0, sizeof *m);
}

/* The date and time said in sentence j (from byte from on), into m where m has none yet. */
static void cand_when(struct pass *p, size_t j, size_t from, struct meet_cand *m)
{
	struct mk_when w;
	const char *t;
	size_t n;

	p->c->sentence(p->c->ctx, j, &p->s);
	if (from > p->s.len)
		from = 0;
	t = p->s.text + from;
	n = p->s.len - from;
	if (!m->has_date && meeting_date(t, n, p->c->o->date, &w)) {
		m->has_date = 1;
		m->w = w;
		m->date_text = mk_strndup(t + w.start, w.len);
	}
	if (!m->time)
		m->time = meeting_time(t, n);
}

static const char *const generic_meeting[] = {
	"a", "an", "the", "our", "that", "this", "it", "next", "quick", "short", "call", "calls", "meeting",
	"session", "check", "in", "check-in", "follow-up", "follow", "up", "time", "invite", "slot", "minutes",
	"hour", "catch", "catch-up", "sync", "something", "some", "another", "itself", NULL,
};

/* A group's words trimmed, or NULL when absent or only meeting words ("a call"). */
static char *meeting_words(const char *text, const struct rule_match *m, enum rule_group g)
{
	size_t s, n, at = 0, ws, wn;
	char w[64];
	int content = 0;

	if (!group(m, g, &s, &n))
		return NULL;
	while (next_word(text + s, n, &at, &ws, &wn)) {
		word_copy(text + s + ws, wn, w, sizeof w);
		content += !listed(w, generic_meeting);
	}
	while (n && strchr(" ,", text[s + n - 1]))
		n--;
	return content ? mk_strndup(text + s, n) : NULL;
}

/* A firm meeting with no date of its own takes one from a meeting said just before it ("The
 * eighth works for me." / "Great, I'll send an invite."). */
static void cand_look_back(struct pass *p, size_t i, struct meet_cand *m)
{
	struct el_sentence here, s;
	struct matches ms;

	p->c->sentence(p->c->ctx, i, &here);
	for (size_t k = 1; k <= 3 && k <= i && !m->has_date; k++) {
		p->c->sentence(p->c->ctx, i - k, &s);
		if (s.turn + 2 < here.turn)
			break;
		matches_of(p, i - k, RK_NEXT_MEETING, &ms);
		if (ms.n)
			cand_when(p, i - k, ms.m[0].start, m);
		m->borrowed = m->has_date;
	}
}

/* A firm meeting with no date said yet takes the day agreed just after it ("Let's get a call on
 * the calendar." / "Twenty first works for me."): a meeting sentence, or one that asks whether
 * a day works, in the three after it. */
static void cand_look_ahead(struct pass *p, size_t i, struct meet_cand *m)
{
	struct el_sentence here, s;
	struct matches ms;

	p->c->sentence(p->c->ctx, i, &here);
	for (size_t j = i + 1; j <= i + 3 && j < p->c->nsents && !m->has_date; j++) {
		p->c->sentence(p->c->ctx, j, &s);
		if (s.turn > here.turn + 2)
			break;
		matches_of(p, j, RK_NEXT_MEETING, &ms);
		if (ms.n || (s.question && strstr(p->low, "work")))
			cand_when(p, j, 0, m);
		if (m->has_date && !mk_when_names_day(m->date_text, strlen(m->date_text)))
			cand_release(m);
	}
}

/* Does a meeting said in low[0..n) (lower case) wait for the other side: "first week of May
 * ideally, if that works on your side"? */
static int tentative(const char *low, size_t n)
{
	static const char *const ask[] = { "ideally", "if that works", "if that suits", "if that's ok", "does that work", NULL };
	for (int k = 0; ask[k]; k++)
		if (memmem(low, n, ask[k], strlen(ask[k])))
			return 1;
	return 0;
}

/* The meeting sentence i agrees through match m, into m's candidate; 0 when it does not hold. */
static int meeting_holds(struct pass *p, size_t i, const struct rule_match *mt, struct meet_cand *m)
{
	const struct el_call *c = p->c;
	enum meet_form form = meet_form(mt->rule);
	size_t j;

	if (form == MEET_FIRM && (p->s.question || tentative(p->low + mt->start, p->s.len - mt->start)))
		form = MEET_ASK;
	if (form == MEET_OK)
		return 0;
	if (form == MEET_FIRM) {
		if (!sure(c, i) || c->vetoed(c->ctx, i, "negation") || words_in(p->s.text, 0, mt->start, meet_cond))
			return 0;
		cand_when(p, i, mt->start, m);
		if (!m->has_date)   /* "10 to 11 on March 14th, I'll send the Zoom invite now" */
			cand_when(p, i, 0, m);
		if (!m->has_date)
			cand_look_back(p, i, m);
		if (!m->has_date && !m->time)
			cand_look_ahead(p, i, m);
	} else {
		if (!reply_of(c, i, &j) || !says_yes(p, j))
			return 0;
		cand_when(p, j, 0, m);
		cand_when(p, i, mt->start, m);
	}
	return m->has_date || m->time;
}

static int names_day(const char *date_text)
{
	return date_text && mk_when_names_day(date_text, strlen(date_text));
}

static void set_meeting(const struct el_call *c, size_t i, const struct rule_match *mt, struct meet_cand *m)
{
	struct mk_findings *f = c->f;
	struct mk_next_meeting *nm;

	if (!f->nnext_meetings) {
		f->next_meetings = mk_calloc(1, sizeof *f->next_meetings);
		f->nnext_meetings = 1;
	} else {
		nm = &f->next_meetings[0];
		/* the same day said again ("see you all tomorrow at ten" ... "see you tomorrow"): what
		 * the first said and the second does not stays */
		if (nm->has_date && m->has_date && !mk_date_cmp(nm->date, m->w.is_window ? m->w.lo : m->w.pick) &&
		    names_day(nm->date_text) == names_day(m->date_text)) {
			if (!m->time)
				m->time = nm->time, nm->time = NULL;
			if (!m->who)
				m->who = nm->who, nm->who = NULL;
			if (!m->purpose)
				m->purpose = nm->purpose, nm->purpose = NULL;
		}
		free(nm->date_text);
		free(nm->time);
		free(nm->who);
		free(nm->purpose);
		free(nm->ev.speaker);
		free(nm->ev.quote);
	}
	nm = &f->next_meetings[0];
	memset(nm, 0, sizeof *nm);
	nm->has_date = m->has_date;
	nm->date = m->w.is_window ? m->w.lo : m->w.pick;  /* "next week": from its first day */
	nm->date_text = m->date_text;
	nm->time = m->time;
	nm->who = m->who;
	nm->purpose = m->purpose;
	nm->rule = mt->rule->id;
	c->evidence(c->ctx, i, mt->start, &nm->ev);
	memset(m, 0, sizeof *m);
}

/* Is m the meeting already found, confirmed ("Monday at 2 works." / "I'll send the invite.")? */
static int same_meeting(const struct mk_findings *f, const struct meet_cand *m)
{
	const struct mk_next_meeting *nm = f->nnext_meetings ? &f->next_meetings[0] : NULL;

	if (!m->borrowed || !nm || !nm->has_date || mk_date_cmp(nm->date, m->w.is_window ? m->w.lo : m->w.pick))
		return 0;
	/* "next week" found, then "Monday works." / "I'll send the invite.": the day is news */
	return !(names_day(m->date_text) && !names_day(nm->date_text));
}

static void find_next_meeting(struct pass *p)
{
	const struct el_call *c = p->c;
	struct matches ms;

	for (size_t i = 0; i < c->nsents; i++) {
		struct meet_cand m = { 0 };
		struct el_sentence s;
		const struct rule_match *mt = NULL;

		matches_of(p, i, RK_NEXT_MEETING, &ms);
		for (size_t k = 0; k < ms.n && !mt; k++)
			if (meet_form(ms.m[k].rule) != MEET_OK)
				mt = &ms.m[k];
		if (!mt)
			continue;
		s = p->s;
		struct rule_match keep = *mt;
		if (meeting_holds(p, i, &keep, &m) && !same_meeting(c->f, &m)) {
			m.who = meeting_words(s.text, &keep, RG_WHO);
			m.purpose = meeting_words(s.text, &keep, RG_TEXT);
			set_meeting(c, i, &keep, &m);
		}
		cand_release(&m);
	}
}

/* ---- stance ---- */

/* The person of the call (a stakeholder or a speaker) that name (a full name, or a first name
 * said alone) is; their full name and side into *full and *side. */
static int person_named(const struct mk_findings *f, const char *name, size_t n, const char **full,
			enum mk_side *side)
{
	for (size_t k = 0; k < f->nstakeholders + f->nspeakers; k++) {
		const char *nm = k < f->nstakeholders ? f->stakeholders[k].name : f->speakers[k - f->nstakeholders].name;
		if (!nm || !*nm)
			continue;
		if ((strlen(nm) == n || (strlen(nm) > n && nm[n] == ' ')) && !strncmp(nm, name, n)) {
			*full = nm;
			*side = k < f->nstakeholders ? f->stakeholders[k].side : f->speakers[k - f->nstakeholders].side;
			return 1;
		}
	}
	return 0;
}

/* "she"/"he" in sentence i at byte at: the last person of the call named just before, by another
 * speaker's first name or full name (NULL when none, or when two are named). */
static const char *pronoun_person(struct pass *p, size_t i, size_t at, enum mk_side *side)
{
	const struct el_call *c = p->c;
	struct el_sentence s, here;

	c->sentence(c->ctx, i, &here);
	for (size_t k = 0; k <= 2 && k <= i; k++) {
		const char *found = NULL;
		size_t pos = 0, ws, wn;
		c->sentence(c->ctx, i - k, &s);
		if (s.turn + 1 < here.turn)
			break;
		size_t end = k ? s.len : at;
		while (next_word(s.text, end, &pos, &ws, &wn)) {
			const char *full;
			enum mk_side sd;
			const char *suf;
			wn = word_stem(s.text + ws, wn, &suf);  /* "Keisha's been in there" */
			if (!isupper((unsigned char)s.text[ws]) || !person_named(c->f, s.text + ws, wn, &full, &sd) ||
			    !strcmp(full, here.speaker))
				continue;
			if (found && strcmp(found, full))
				return NULL;
			found = full;
			*side = sd;
		}
		if (found)
			return found;
	}
	return NULL;
}

/* Is text[s..s+n) a name that reads as a person's: capitalised words, none a common word? */
static int reads_as_name(const struct el_call *c, const char *text, size_t n)
{
	const struct mk_wordlist *common = rules_wordlist(c->rs, "common-words");
	size_t at = 0, ws, wn;
	while (next_word(text, n, &at, &ws, &wn))
		if (!isupper((unsigned char)text[ws]) || mk_wordlist_has(common, text + ws, wn))
			return 0;
	return 1;
}

static enum mk_side other_side(enum mk_side s)
{
	return s == MK_SIDE_SELLER ? MK_SIDE_BUYER : s == MK_SIDE_BUYER ? MK_SIDE_SELLER : MK_SIDE_BUYER;
}

/* Who the stance is of: *name (a person) or *role, and their side; 0 when nobody reads. */
static int stance_who(struct pass *p, size_t i, const struct rule_match *m, char **name, char **role,
		      enum mk_side *side)
{
	const char *t = p->s.text, *full;
	size_t s, n;

	*side = MK_SIDE_BUYER;
	if (group(m, RG_NAME, &s, &n)) {
		if ((n == 2 && mk_strnieq(t + s, "he", 2)) || (n == 3 && mk_strnieq(t + s, "she", 3))) {
			full = pronoun_person(p, i, s, side);
			p->c->sentence(p->c->ctx, i, &p->s);
			if (!full)
				return 0;
		} else if (!person_named(p->c->f, t + s, n, &full, side)) {
			if (!reads_as_name(p->c, t + s, n))
				return 0;
			*name = mk_strndup(t + s, n);
			return 1;
		}
		if (!strcmp(full, p->s.speaker))
			return 0;
		*name = mk_strdup(full);
		return 1;
	}
	if (!group(m, RG_ROLE, &s, &n))
		return 0;
	*role = mk_strndup(t + s, n);
	if (mk_strnieq(t + s, "our ", 4) || mk_strnieq(t + s, "my ", 3))
		*side = p->s.side != MK_SIDE_UNKNOWN ? p->s.side : MK_SIDE_BUYER;
	else if (mk_strnieq(t + s, "your ", 5))
		*side = other_side(p->s.side);
	return 1;
}

static const char *const denied_before[] = {
	"don't think", "don’t think", "do not think", "not sure", "doubt", "wouldn't say", "wouldn’t say",
	"never said", "don't know if", "don’t know if", "not that", "no longer", "used to", "anymore", NULL,
};

/* Does the lower-cased sentence deny or doubt what it says of the stakeholder at `at`, before
 * it ("I don't think Raj is on board") or after it ("she's not on board anymore")? */
static int stance_denied(const char *low, size_t len)
{
	for (int k = 0; denied_before[k]; k++) {
		size_t n = strlen(denied_before[k]);
		for (size_t a = 0; a + n <= len; a++)
			if (!memcmp(low + a, denied_before[k], n))
				return 1;
	}
	return 0;
}

static void add_stance(struct pass *p, size_t i, const struct rule_match *m)
{
	const struct el_call *c = p->c;
	struct mk_findings *f = c->f;
	char *name = NULL, *role = NULL;
	enum mk_side side;
	enum mk_stance st;

	if (mk_stance_parse(m->rule->tag, &st) != MK_OK || !stance_who(p, i, m, &name, &role, &side))
		return;
	int again = 0;
	for (size_t k = 0; k < f->nstances && !again; k++) {  /* said again */
		const struct mk_stance_finding *o = &f->stances[k];
		again = o->stance == st && ((name && o->name && !strcmp(o->name, name)) ||
					    (!name && !o->name && role && o->role && mk_strieq(o->role, role)));
	}
	if (again) {
		free(name);
		free(role);
		return;
	}
	struct mk_stance_finding *sf = append((void **)&f->stances, &f->nstances, sizeof *sf);
	sf->name = name;
	sf->role = role;
	sf->side = side;
	sf->stance = st;
	sf->rule = m->rule->id;
	c->evidence(c->ctx, i, m->start, &sf->ev);
}

static void find_stances(struct pass *p)
{
	const struct el_call *c = p->c;
	struct matches ms;

	for (size_t i = 0; i < c->nsents; i++) {
		matches_of(p, i, RK_STANCE, &ms);
		if (!ms.n || p->s.question || !sure(c, i) || stance_denied(p->low, p->s.len))
			continue;
		for (size_t k = 0; k < ms.n; k++)
			if (!said_aside(p->s.text, ms.m[k].start, stance_cond))
				add_stance(p, i, &ms.m[k]);
	}
}

void elements_meetings(const struct el_call *c)
{
	struct pass p;

	memset(&p, 0, sizeof p);
	p.c = c;
	find_dependencies(&p);
	find_next_meeting(&p);
	find_stances(&p);
	rules_scan_release(&p.sc);
	free(p.low);
}
