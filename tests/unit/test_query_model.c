/*
 * test_query_model.c: the managers' questions against a model. A store of a few dozen
 * deals is built through the public API from a fixed seed (calls with utterances, people
 * named before or after they speak, risks found twice, items added, moved, slipped twice,
 * closed, rejected, left pending), while a model in plain C keeps what every question
 * must answer. Then: health of every deal and of each, on several days (with the pending
 * proposals and the next step); what changed in a period, by call and by decision; query
 * with every filter, paged, through both of its plans (deals in order, matches sorted);
 * what was said, word by word, through both search plans. Last, the same store copied into a
 * database of schema 4 and opened again: the migration must give the same answers.
 * Files live in a mkdtemp() folder removed at the end.
 */
#include "mapkeeper.h"
#include "store/db.h"
#include "store/store.h"
#include "util/util.h"
#include "tap.h"

#include <ctype.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NDEALS 28
#define MAXITEMS 48
#define MAXPEOPLE 8
#define MAXSPK 16
#define MAXUTT 2000

static char tmpdir[64];
static char *db_path, *old_path;
static struct mk_store *st;

/* ---- a fixed-seed generator ---- */

static uint64_t seed = 0x51ab1e5eedULL;

static uint64_t rnd(void)
{
	uint64_t z = (seed += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int rnd_int(int lo, int hi)
{
	return lo + (int)(rnd() % (uint64_t)(hi - lo + 1));
}

static int chance(int pct)
{
	return (int)(rnd() % 100) < pct;
}

/* ---- the model ---- */

struct m_item {
	int64_t id;
	char action[80];
	char owner[40];             /* "" when nobody */
	enum mk_side side;
	int has_due;
	struct mk_date due;
	enum mk_status status;
	int revisions, slipped;
};

struct m_deal {
	char name[40];
	char sellers[2][40];
	char people[MAXPEOPLE][40]; /* buyers who may be named or speak */
	int npeople;
	struct m_item items[MAXITEMS];
	int nitems;
	char named[MAXPEOPLE * 2][40]; /* people with a name on the map (first spelling kept) */
	int nnamed;
	char spoke[MAXSPK][40];     /* speakers heard, lower case */
	int nspoke;
	char risks[16][64];         /* category:text of the open risks */
	int nrisks;
	int has_last;
	struct mk_date last;        /* the day the plan last changed */
	int pending;                /* proposals left for review */
};

/* One change of a plan (an item added or revised, a risk or stakeholder approved): the
 * deal, and the start of the call that caused it (dated 0: a call with none). */
struct m_event {
	int deal;
	int dated;
	struct mk_date day;
};

struct m_utt {
	int deal;
	int64_t meeting;
	int has_start;
	char start[32];
	int idx;
	char speaker[40];
	char text[160];
};

static struct m_deal deals[NDEALS];
static struct m_event events[8192];
static int nevents;
static struct m_utt utts[MAXUTT];
static int nutts;
static int64_t next_proposal = 1, next_item = 1, next_meeting = 1;

static const char *const firsts[] = { "Dana", "Sam", "Priya", "Omar", "Leo", "Nina", "Farah",
				      "Jonas", "Mei", "Tariq", "Ava", "Ben" };
static const char *const lasts[] = { "Reyes", "Patel", "Shah", "Li", "Grant", "Khan", "Brooks",
				     "Okafor", "Sato", "Aziz" };
/* words said on calls; a few in one deal only, none spelled like another's prefix */
static const char *const vocab[] = { "budget", "security", "review", "send", "report", "pricing",
				     "the", "legal", "pilot", "contract", "timeline", "sandbox",
				     "renewal", "onboarding", "roadmap", "discount" };
static const char *const acts[] = { "send the SOC 2 report", "review the MSA", "share 50% of the budget",
				    "set up the pilot_env", "finish the security review",
				    "sign the order form", "return the DPA\\redlines", "book the onsite" };

static void lower_copy(char *out, size_t n, const char *s)
{
	size_t i = 0;

	for (; s[i] && i + 1 < n; i++)
		out[i] = (char)tolower((unsigned char)s[i]);
	out[i] = '\0';
}

/* As the schema matches a speaker to a named person (both lower case here). */
static int m_speaker_matches(const char *spk, const char *name)
{
	size_t ls = strlen(spk), ln = strlen(name);

	return !strcmp(spk, name) || (ls > ln && !strncmp(spk, name, ln) && spk[ln] == ' ') ||
	       (ln > ls && !strncmp(name, spk, ls) && name[ls] == ' ');
}

static long m_days(struct mk_date d)
{
	long y = d.m <= 2 ? d.y - 1 : d.y;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153L * (d.m > 2 ? d.m - 3 : d.m + 9) + 2) / 5 + d.d - 1;

	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

static void m_changed(struct m_deal *d, struct mk_date day)
{
	if (!d->has_last || m_days(day) > m_days(d->last))
		d->last = day;
	d->has_last = 1;
}

static void m_event(int di, int dated, struct mk_date day)
{
	if (nevents < (int)(sizeof events / sizeof events[0]))
		events[nevents++] = (struct m_event){ di, dated, day };
}

static void m_spoke(struct m_deal *d, const char *speaker)
{
	char l[40];

	if (!speaker[0])
		return;
	lower_copy(l, sizeof l, speaker);
	for (int i = 0; i < d->nspoke; i++)
		if (!strcmp(d->spoke[i], l))
			return;
	if (d->nspoke < MAXSPK)
		snprintf(d->spoke[d->nspoke++], sizeof d->spoke[0], "%s", l);
}

static void m_name(struct m_deal *d, const char *name)
{
	for (int i = 0; i < d->nnamed; i++)
		if (mk_strieq(d->named[i], name))
			return;
	snprintf(d->named[d->nnamed++], sizeof d->named[0], "%s", name);
}

static void m_risk(struct m_deal *d, const char *category, const char *text)
{
	char key[64];

	snprintf(key, sizeof key, "%s:%s", category, text);
	for (int i = 0; i < d->nrisks; i++)
		if (!strcmp(d->risks[i], key))
			return;
	snprintf(d->risks[d->nrisks++], sizeof d->risks[0], "%s", key);
}

/* ---- building ---- */

static struct mk_proposal *prop_new(struct mk_proposals *ps, enum mk_prop_kind kind, const char *key)
{
	struct mk_proposal *p;

	ps->v = mk_grow(ps->v, &ps->cap, ps->n + 1, sizeof *ps->v);
	p = &ps->v[ps->n++];
	memset(p, 0, sizeof *p);
	p->kind = kind;
	p->key = mk_strdup(key);
	p->confidence = 0.7;
	p->ev.speaker = mk_strdup("Someone");
	p->ev.quote = mk_strdup("as said");
	return p;
}

struct change {
	int item;                   /* index in the deal's items, -1: a new one, -2: not an item */
	enum mk_prop_kind kind;
	int has_due;
	struct mk_date due;
	char category[24], text[40], name[40];
};

static void call(int di, int c, int with_start, struct mk_date day)
{
	struct m_deal *d = &deals[di];
	struct mk_transcript t;
	struct mk_findings f;
	struct mk_proposals ps;
	struct mk_ingest_result res;
	struct mk_diag dg;
	struct change ch[40];
	char path[64], start[32], key[48], spk[6][40];
	int nspk = 0, nch = 0, nutt = rnd_int(2, 12);

	mk_diag_clear(&dg);
	mk_transcript_init(&t);
	snprintf(path, sizeof path, "/m/%d/call-%d.vtt", di, c);
	t.path = mk_strdup(path);
	t.format = MK_FMT_ZOOM_VTT;
	mk_sha256_hex(path, strlen(path), t.sha256);
	start[0] = '\0';
	if (with_start && chance(50))
		snprintf(start, sizeof start, "%04d-%02d-%02d", day.y, day.m, day.d);
	else if (with_start)
		snprintf(start, sizeof start, "%04d-%02d-%02dT1%d:30:00Z", day.y, day.m, day.d, rnd_int(0, 9));

	/* speakers: a seller, some of the deal's people, as full name, first name or lower case */
	snprintf(spk[nspk++], sizeof spk[0], "%s", d->sellers[0]);
	for (int k = 0; k < d->npeople && nspk < 5; k++) {
		if (!chance(45))
			continue;
		if (chance(20))
			snprintf(spk[nspk], sizeof spk[0], "%.*s", (int)strcspn(d->people[k], " "), d->people[k]);
		else if (chance(15))
			lower_copy(spk[nspk], sizeof spk[0], d->people[k]);
		else
			snprintf(spk[nspk], sizeof spk[0], "%s", d->people[k]);
		nspk++;
	}
	if (chance(10))
		snprintf(spk[nspk++], sizeof spk[0], "%s", ""); /* nobody named */
	for (int u = 0; u < nutt && nutts < MAXUTT; u++) {
		struct m_utt *m = &utts[nutts++];
		char text[160];
		int nw = rnd_int(1, 5);

		text[0] = '\0';
		for (int w = 0; w < nw; w++) {
			const char *word = vocab[rnd() % (sizeof vocab / sizeof *vocab)];
			size_t len = strlen(text);

			snprintf(text + len, sizeof text - len, "%s%s%s", w ? " " : "",
				 w == 0 && chance(30) ? "The" : word, w == nw - 1 ? "." : "");
		}
		if (chance(8)) { /* a word of this deal only */
			size_t len = strlen(text);
			snprintf(text + len, sizeof text - len, " zq%dx", di);
		}
		t.utt = mk_grow(t.utt, &t.cap, t.n + 1, sizeof *t.utt);
		t.utt[t.n].speaker = mk_strdup(spk[rnd() % (uint64_t)nspk]);
		t.utt[t.n].text = mk_strdup(text);
		t.utt[t.n].start_ms = u * 5000;
		t.utt[t.n].end_ms = u * 5000 + 4000;
		t.utt[t.n].line = u + 1;
		m->deal = di;
		m->meeting = next_meeting;
		m->has_start = with_start;
		snprintf(m->start, sizeof m->start, "%s", start);
		m->idx = u;
		snprintf(m->speaker, sizeof m->speaker, "%s", t.utt[t.n].speaker);
		snprintf(m->text, sizeof m->text, "%s", text);
		m_spoke(d, t.utt[t.n].speaker);
		t.n++;
	}

	/* findings: people named on the call (some never speak, some speak later), risks */
	mk_findings_init(&f);
	for (int k = 0; k < d->npeople; k++) {
		struct mk_stakeholder *s;

		if (!chance(c == 0 ? 50 : 20))
			continue;
		f.stakeholders = mk_realloc(f.stakeholders, (f.nstakeholders + 1) * sizeof *s);
		s = &f.stakeholders[f.nstakeholders++];
		memset(s, 0, sizeof *s);
		s->name = mk_strdup(d->people[k]);
		s->role = mk_strdup("CFO");
		s->side = MK_SIDE_BUYER;
		s->ev.speaker = mk_strdup("x");
		s->ev.quote = mk_strdup("y");
	}
	if (chance(30)) { /* a role alone: on the map, never counted */
		struct mk_stakeholder *s;

		f.stakeholders = mk_realloc(f.stakeholders, (f.nstakeholders + 1) * sizeof *s);
		s = &f.stakeholders[f.nstakeholders++];
		memset(s, 0, sizeof *s);
		s->role = mk_strdup("legal");
		s->side = MK_SIDE_BUYER;
		s->ev.speaker = mk_strdup("x");
		s->ev.quote = mk_strdup("y");
	}
	if (chance(40)) {
		struct mk_risk *k;
		static const char *const cats[] = { "budget", "timeline", "competition" };
		const char *cat = cats[rnd() % 3];

		f.risks = mk_realloc(f.risks, (f.nrisks + 1) * sizeof *k);
		k = &f.risks[f.nrisks++];
		memset(k, 0, sizeof *k);
		k->category = cat;
		k->text = mk_strdup(chance(50) ? "no money" : "too late"); /* found again on later calls */
		k->ev.speaker = mk_strdup("x");
		k->ev.quote = mk_strdup("y");
	}

	/* proposals: only calls with a start carry them (a change's day is its call's) */
	mk_proposals_init(&ps);
	for (int k = 0; with_start && k < d->nitems && nch < 20; k++) {
		struct m_item *it = &d->items[k];
		struct mk_proposal *p;
		int roll = rnd_int(0, 99);

		if (roll >= 50)
			continue;
		snprintf(key, sizeof key, "u%d.%d.%d", di, c, k);
		if (roll < 25) {
			p = prop_new(&ps, MK_PROP_UPDATE_DUE, key);
			p->has_due = chance(92);
			p->due = mk_date_add_days(it->has_due ? it->due : day, chance(10) ? 0 : rnd_int(1, 9));
			ch[nch].has_due = p->has_due;
			ch[nch].due = p->due;
		} else {
			p = prop_new(&ps, roll < 38 ? MK_PROP_MARK_DONE : roll < 44 ? MK_PROP_MARK_BLOCKED :
				     MK_PROP_MARK_DROPPED, key);
		}
		p->item_id = it->id;
		ch[nch].item = k;
		ch[nch].kind = p->kind;
		nch++;
	}
	for (int k = 0, n = with_start ? rnd_int(0, 4) : 0; k < n && d->nitems + k < MAXITEMS; k++) {
		struct mk_proposal *p;
		int who = rnd_int(0, 9);

		snprintf(key, sizeof key, "n%d.%d.%d", di, c, k);
		p = prop_new(&ps, MK_PROP_ADD_ITEM, key);
		p->action = mk_strdup(acts[rnd() % (sizeof acts / sizeof *acts)]);
		if (who < 4) {
			p->owner = mk_strdup(d->sellers[rnd() % 2]);
			p->side = MK_SIDE_SELLER;
		} else if (who < 9) {
			p->owner = mk_strdup(d->people[rnd() % (uint64_t)d->npeople]);
			p->side = MK_SIDE_BUYER;
		} else {
			p->side = chance(50) ? MK_SIDE_BUYER : MK_SIDE_UNKNOWN;
		}
		p->has_due = chance(85);
		p->due = mk_date_add_days(day, rnd_int(1, 20));
		ch[nch].item = -1;
		ch[nch].kind = MK_PROP_ADD_ITEM;
		nch++;
	}
	if (with_start && chance(30)) {
		struct mk_proposal *p;

		snprintf(key, sizeof key, "r%d.%d", di, c);
		p = prop_new(&ps, MK_PROP_ADD_RISK, key);
		p->category = mk_strdup("paper_process");
		p->text = mk_strdup(chance(50) ? "legal is slow" : "no money");
		ch[nch].item = -2;
		ch[nch].kind = MK_PROP_ADD_RISK;
		snprintf(ch[nch].category, sizeof ch[nch].category, "%s", p->category);
		snprintf(ch[nch].text, sizeof ch[nch].text, "%s", p->text);
		nch++;
	}
	if (with_start && chance(25)) {
		struct mk_proposal *p;
		int k = rnd_int(0, d->npeople - 1);

		snprintf(key, sizeof key, "s%d.%d", di, c);
		p = prop_new(&ps, MK_PROP_ADD_STAKEHOLDER, key);
		/* another spelling of a name on the map is the same person */
		p->name = chance(30) ? mk_sprintf("%s", d->people[k]) : mk_strdup(d->people[k]);
		if (chance(30))
			for (char *q = p->name; *q; q++)
				*q = (char)toupper((unsigned char)*q);
		p->role = mk_strdup("COO");
		p->side = MK_SIDE_BUYER;
		ch[nch].item = -2;
		ch[nch].kind = MK_PROP_ADD_STAKEHOLDER;
		snprintf(ch[nch].name, sizeof ch[nch].name, "%s", p->name);
		nch++;
	}

	/* the people and risks the call named reach the plan only through their proposals */
	for (size_t k = 0; k < f.nstakeholders; k++) {
		const struct mk_stakeholder *s = &f.stakeholders[k];
		struct mk_proposal *p;

		snprintf(key, sizeof key, "f%d.%d.%zu", di, c, k);
		p = prop_new(&ps, MK_PROP_ADD_STAKEHOLDER, key);
		p->name = s->name ? mk_strdup(s->name) : NULL;
		p->role = mk_strdup(s->role);
		p->side = s->side;
		ch[nch].item = -2;
		ch[nch].kind = MK_PROP_ADD_STAKEHOLDER;
		snprintf(ch[nch].name, sizeof ch[nch].name, "%s", s->name ? s->name : "");
		nch++;
	}
	for (size_t k = 0; k < f.nrisks; k++) {
		struct mk_proposal *p;

		snprintf(key, sizeof key, "k%d.%d.%zu", di, c, k);
		p = prop_new(&ps, MK_PROP_ADD_RISK, key);
		p->category = mk_strdup(f.risks[k].category);
		p->text = mk_strdup(f.risks[k].text);
		ch[nch].item = -2;
		ch[nch].kind = MK_PROP_ADD_RISK;
		snprintf(ch[nch].category, sizeof ch[nch].category, "%s", p->category);
		snprintf(ch[nch].text, sizeof ch[nch].text, "%s", p->text);
		nch++;
	}

	CHECK(mk_store_ingest(st, d->name, &t, start[0] ? start : NULL, &f, &ps, &res, &dg) == MK_OK);
	CHECK(!res.already && res.meeting_id == next_meeting && res.nproposals == ps.n);
	next_meeting++;

	/* decisions: most approved, some rejected, some left pending */
	for (int k = 0; k < nch; k++) {
		int64_t id = next_proposal++;
		struct mk_proposal got;
		int roll = rnd_int(0, 99);

		if (roll < 12) {
			d->pending++;
			continue;                                        /* pending */
		}
		CHECK(mk_store_proposal_get(st, id, &got, &dg) == MK_OK && got.key && !strcmp(got.key, ps.v[k].key));
		mk_proposal_release(&got);
		CHECK(mk_store_decide(st, id, roll >= 20, "rep", NULL, &dg) == MK_OK);
		if (roll < 20)
			continue;                                        /* rejected */
		if (ch[k].kind == MK_PROP_ADD_ITEM) {
			struct m_item *it = &d->items[d->nitems++];
			const struct mk_proposal *p = &ps.v[k];

			memset(it, 0, sizeof *it);
			it->id = next_item++;
			snprintf(it->action, sizeof it->action, "%s", p->action);
			snprintf(it->owner, sizeof it->owner, "%s", p->owner ? p->owner : "");
			it->side = p->side;
			it->has_due = p->has_due;
			it->due = p->due;
			it->status = MK_STATUS_OPEN;
			CHECK(mk_store_proposal_get(st, id, &got, &dg) == MK_OK && got.item_id == it->id);
			mk_proposal_release(&got);
			m_changed(d, day);
			m_event(di, start[0] != '\0', day);
		} else if (ch[k].kind == MK_PROP_ADD_RISK) {
			m_risk(d, ch[k].category, ch[k].text);
			m_event(di, start[0] != '\0', day);
		} else if (ch[k].kind == MK_PROP_ADD_STAKEHOLDER) {
			if (ch[k].name[0]) /* a role alone: on the map, never counted */
				m_name(d, ch[k].name);
			m_event(di, start[0] != '\0', day);
		} else {
			struct m_item *it = &d->items[ch[k].item];

			if (ch[k].kind == MK_PROP_UPDATE_DUE) {
				int same = it->has_due == ch[k].has_due &&
					   (!it->has_due || m_days(it->due) == m_days(ch[k].due));

				if (same)
					continue;                        /* nothing changes, no revision */
				if (it->has_due && ch[k].has_due)
					it->slipped = 1;
				it->has_due = ch[k].has_due;
				it->due = ch[k].due;
			} else {
				enum mk_status s = ch[k].kind == MK_PROP_MARK_DONE ? MK_STATUS_DONE :
					ch[k].kind == MK_PROP_MARK_BLOCKED ? MK_STATUS_BLOCKED : MK_STATUS_DROPPED;

				if (s == it->status)
					continue;
				it->status = s;
			}
			it->revisions++;
			m_changed(d, day);
			m_event(di, start[0] != '\0', day);
		}
	}
	mk_transcript_release(&t);
	mk_findings_release(&f);
	mk_proposals_release(&ps);
}

static void build(void)
{
	struct mk_diag dg;

	mk_diag_clear(&dg);
	for (int i = 0; i < NDEALS; i++) {
		struct m_deal *d = &deals[i];
		struct mk_deal md;
		struct mk_date day = mk_date_add_days((struct mk_date){ 2026, 1, 5 }, rnd_int(0, 60));
		int ncalls = rnd_int(1, 5);

		/* names out of creation order, one a prefix of another: "Deal 1" < "Deal 10" */
		snprintf(d->name, sizeof d->name, "%s %d", i % 3 ? "Deal" : "deal", (i * 11) % NDEALS);
		snprintf(d->sellers[0], sizeof d->sellers[0], "%s %s", firsts[i % 4], lasts[(i + 3) % 10]);
		snprintf(d->sellers[1], sizeof d->sellers[1], "%s %s", firsts[(i + 1) % 4], lasts[(i + 5) % 10]);
		d->npeople = rnd_int(2, MAXPEOPLE);
		for (int k = 0; k < d->npeople; k++)
			snprintf(d->people[k], sizeof d->people[k], "%s %s", firsts[(k + i) % 12],
				 lasts[rnd() % 10]);
		memset(&md, 0, sizeof md);
		md.name = d->name;
		md.sellers = d->sellers[0];
		CHECK(mk_store_deal_add(st, &md, &dg) == MK_OK);
		for (int c = 0; c < ncalls; c++) {
			call(i, c, !chance(12), day);
			day = mk_date_add_days(day, rnd_int(1, 15));
		}
	}
}

/* ---- health ---- */

static void check_health_one(const struct mk_health *h, const struct m_deal *d, struct mk_date as_of)
{
	size_t items = 0, buyer = 0, open = 0, overdue = 0, slipped = 0, met = 0;
	const struct m_item *next = NULL;   /* open, due soonest from as_of on, the first on its day */

	for (int k = 0; k < d->nitems; k++) {
		const struct m_item *it = &d->items[k];

		if (it->status == MK_STATUS_OPEN && it->has_due && m_days(it->due) >= m_days(as_of) &&
		    (!next || m_days(it->due) < m_days(next->due)))
			next = it;
		items++;
		buyer += it->side == MK_SIDE_BUYER;
		open += it->status == MK_STATUS_OPEN;
		overdue += it->status == MK_STATUS_OPEN && it->has_due && m_days(it->due) < m_days(as_of);
		slipped += (size_t)it->slipped;
	}
	for (int k = 0; k < d->nnamed; k++) {
		char l[40];
		int hit = 0;

		lower_copy(l, sizeof l, d->named[k]);
		for (int s = 0; s < d->nspoke && !hit; s++)
			hit = m_speaker_matches(d->spoke[s], l);
		met += (size_t)hit;
	}
	CHECK_STR(h->deal, d->name);
	CHECK(h->items == items);
	CHECK(h->buyer_items == buyer);
	CHECK(h->open_items == open);
	CHECK(h->overdue == overdue);
	CHECK(h->slipped == slipped);
	CHECK(h->stakeholders_named == (size_t)d->nnamed);
	CHECK(h->stakeholders_met == met);
	CHECK(h->open_risks == (size_t)d->nrisks);
	CHECK(h->pending == (size_t)d->pending);
	CHECK(h->has_next_step == (next != NULL) && !h->has_next_meeting);
	if (next && h->has_next_step) {
		CHECK(m_days(h->next_step) == m_days(next->due));
		CHECK_STR(h->next_step_action, next->action);
	}
	if (d->has_last) {
		long days = m_days(as_of) - m_days(d->last);
		CHECK(h->days_since_change == (days < 0 ? 0 : days));
	} else {
		CHECK(h->days_since_change == -1);
	}
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct m_deal *)a)->name, ((const struct m_deal *)b)->name);
}

static void check_health(struct mk_store *s)
{
	static const struct mk_date days[] = { { 2026, 1, 1 }, { 2026, 2, 20 }, { 2026, 6, 30 } };
	struct m_deal *sorted = mk_malloc(sizeof deals);
	struct mk_diag dg;

	memcpy(sorted, deals, sizeof deals);
	qsort(sorted, NDEALS, sizeof *sorted, by_name);
	for (size_t a = 0; a < sizeof days / sizeof *days; a++) {
		struct mk_health *v = NULL;
		size_t n = 0;

		CHECK(mk_store_health(s, NULL, days[a], &v, &n, &dg) == MK_OK && n == NDEALS);
		for (size_t i = 0; i < n && i < NDEALS; i++)
			check_health_one(&v[i], &sorted[i], days[a]);
		mk_health_free(v, n);
		for (int i = 0; i < NDEALS; i++) {
			CHECK(mk_store_health(s, deals[i].name, days[a], &v, &n, &dg) == MK_OK && n == 1);
			if (n == 1)
				check_health_one(&v[0], &deals[i], days[a]);
			mk_health_free(v, n);
		}
	}
	free(sorted);
}

/* ---- what changed ---- */

static struct mk_date utc_today(void)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	return (struct mk_date){ tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday };
}

/* How many changes the model has in [since, until] (has_until 0: no end) for deal di (-1:
 * every deal): by the call's start, or by today (when they were all decided). */
static size_t m_changes(int di, struct mk_date since, int has_until, struct mk_date until, int by_decision)
{
	long today = m_days(utc_today()), lo = m_days(since), hi = has_until ? m_days(until) : LONG_MAX;
	size_t n = 0;

	for (int i = 0; i < nevents; i++) {
		long day = events[i].dated && !by_decision ? m_days(events[i].day) : today;

		n += (di < 0 || events[i].deal == di) && day >= lo && day <= hi;
	}
	return n;
}

static void check_changes(struct mk_store *s)
{
	static const struct mk_date days[] = { { 2026, 1, 1 }, { 2026, 1, 20 }, { 2026, 2, 10 }, { 2026, 3, 1 } };
	struct mk_diag dg;

	for (size_t a = 0; a < sizeof days / sizeof *days; a++)
		for (int until = 0; until < 2; until++)
			for (int by = 0; by < 2; by++)
				for (int di = -1; di < NDEALS; di += di < 0 ? 1 : 9) {
					struct mk_changes_query q;
					struct mk_change *v = NULL;
					size_t n = 0;

					memset(&q, 0, sizeof q);
					q.since = days[a];
					q.has_until = until;
					q.until = mk_date_add_days(days[a], 20);
					q.by = by ? MK_CHANGES_BY_DECISION : MK_CHANGES_BY_MEETING;
					q.deal = di < 0 ? NULL : deals[di].name;
					CHECK(mk_store_changes(s, &q, &v, &n, &dg) == MK_OK);
					CHECK(n == m_changes(di, q.since, q.has_until, q.until, by));
					/* oldest first: by the call's start, else when decided */
					for (size_t i = 1; i < n; i++) {
						const char *x = !by && v[i - 1].meeting_start ? v[i - 1].meeting_start : v[i - 1].at;
						const char *y = !by && v[i].meeting_start ? v[i].meeting_start : v[i].at;

						CHECK(strncmp(x, y, 10) <= 0);
					}
					mk_changes_free(v, n);
				}
	/* by decision, everything from today on */
	{
		struct mk_changes_query q;
		struct mk_change *v = NULL;
		size_t n = 0;

		memset(&q, 0, sizeof q);
		q.since = utc_today();
		q.by = MK_CHANGES_BY_DECISION;
		CHECK(mk_store_changes(s, &q, &v, &n, &dg) == MK_OK && n == (size_t)nevents && nevents > 50);
		mk_changes_free(v, n);
	}
}

/* ---- query ---- */

struct m_row {
	const struct m_deal *deal;
	const struct m_item *item;
};

static int m_owner_matches(const char *owner, const char *who)
{
	size_t n = strlen(who);

	return owner[0] && (mk_strieq(owner, who) || (mk_strnieq(owner, who, n) && owner[n] == ' '));
}

/* ASCII case-insensitive substring, as --text promises. */
static int m_has_word(const char *text, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = text; *p; p++)
		if (mk_strnieq(p, word, n))
			return 1;
	return !n;
}

static int m_row_cmp(const void *a, const void *b)
{
	const struct m_row *x = a, *y = b;
	int c = strcmp(x->deal->name, y->deal->name);

	if (c)
		return c;
	if (x->item->has_due != y->item->has_due)
		return x->item->has_due ? -1 : 1;
	if (x->item->has_due && m_days(x->item->due) != m_days(y->item->due))
		return m_days(x->item->due) < m_days(y->item->due) ? -1 : 1;
	return (x->item->id > y->item->id) - (x->item->id < y->item->id);
}

/* What q must find, in order. */
static size_t m_query(const struct mk_query *q, const char *const *words, size_t nwords, const char *owner,
		      struct m_row *out)
{
	size_t n = 0;

	for (int i = 0; i < NDEALS; i++) {
		const struct m_deal *d = &deals[i];

		if (q->deal && strcmp(q->deal, d->name))
			continue;
		for (int k = 0; k < d->nitems; k++) {
			const struct m_item *it = &d->items[k];
			int ok = 1;

			if (owner && !m_owner_matches(it->owner, owner))
				ok = 0;
			if (q->side != -1 && (int)it->side != q->side)
				ok = 0;
			if (q->status != -1 && (int)it->status != q->status)
				ok = 0;
			if (q->overdue && !(it->status == MK_STATUS_OPEN && it->has_due &&
					    m_days(it->due) < m_days(q->as_of)))
				ok = 0;
			if (q->has_from && !(it->has_due && m_days(it->due) >= m_days(q->from)))
				ok = 0;
			if (q->has_to && !(it->has_due && m_days(it->due) <= m_days(q->to)))
				ok = 0;
			if (q->slipped && !it->slipped)
				ok = 0;
			for (size_t w = 0; w < nwords; w++)
				if (!m_has_word(it->action, words[w]))
					ok = 0;
			if (ok) {
				out[n].deal = d;
				out[n].item = it;
				n++;
			}
		}
	}
	qsort(out, n, sizeof *out, m_row_cmp);
	return n;
}

static void check_row(const struct mk_query_row *r, const struct m_row *m)
{
	CHECK_STR(r->deal, m->deal->name);
	CHECK(r->item.id == m->item->id);
	CHECK_STR(r->item.action, m->item->action);
	CHECK(m->item->owner[0] ? r->item.owner && !strcmp(r->item.owner, m->item->owner) : !r->item.owner);
	CHECK(r->item.side == m->item->side && r->item.status == m->item->status);
	CHECK(r->item.has_due == m->item->has_due);
	CHECK(!r->item.has_due || m_days(r->item.due) == m_days(m->item->due));
	CHECK(r->item.revisions == m->item->revisions);
	CHECK(r->item.slipped == m->item->slipped);
}

static size_t query_checks;

/* One question through every plan and several pages. */
static void check_query(struct mk_store *s, const struct mk_query *q, const char *const *words, size_t nwords,
			const char *owner, struct m_row *want)
{
	static const size_t pages[][2] = { { 0, 0 }, { 0, 1 }, { 0, 3 }, { 1, 2 }, { 5, 4 }, { 40, 7 }, { 200, 500 } };
	size_t nwant = m_query(q, words, nwords, owner, want);
	struct mk_query_row *rows = NULL;
	struct mk_diag dg;
	size_t n = 0;

	CHECK(mk_store_query(s, q, &rows, &n, &dg) == MK_OK && n == nwant);
	for (size_t i = 0; i < n && i < nwant; i++)
		check_row(&rows[i], &want[i]);
	mk_query_rows_free(rows, n);
	for (int plan = 0; plan < 2; plan++) {
		store_tune(s, plan ? (size_t)-1 : 1, 0);
		for (size_t p = 0; p < sizeof pages / sizeof *pages; p++) {
			size_t off = pages[p][0], lim = pages[p][1], more = 0, exp;

			rows = NULL;
			n = 0;
			CHECK(mk_store_query_page(s, q, off, lim, &rows, &n, &more, &dg) == MK_OK);
			exp = off >= nwant ? 0 : nwant - off < (lim ? lim : MK_QUERY_LIMIT) ? nwant - off :
				(lim ? lim : MK_QUERY_LIMIT);
			CHECK(n == exp);
			CHECK(more == (nwant > off + n ? nwant - off - n : 0));
			for (size_t i = 0; i < n && i < exp; i++)
				check_row(&rows[i], &want[off + i]);
			mk_query_rows_free(rows, n);
		}
	}
	store_tune(s, STORE_QUERY_SORT_MAX, 0);
	query_checks++;
}

static void check_queries(struct mk_store *s)
{
	static const char *const texts[][2] = { { "send", NULL }, { "REVIEW", "security" }, { "50%", NULL },
						{ "_", NULL }, { "pilot_env", NULL }, { "dpa\\red", NULL },
						{ "%", NULL }, { "the", "the" }, { "e", NULL } };
	static const char *const owners[] = { "Dana", "dana reyes", "SAM", "Priya Shah", "Reyes", "Da", " nina " };
	struct m_row *want = mk_malloc(NDEALS * MAXITEMS * sizeof *want);
	struct mk_query q;

	for (int round = 0; round < 120; round++) {
		const char *words[2] = { NULL, NULL };
		char owner_trim[40] = "";
		size_t nwords = 0;
		char text[64] = "";

		memset(&q, 0, sizeof q);
		q.side = -1;
		q.status = -1;
		q.as_of = mk_date_add_days((struct mk_date){ 2026, 1, 10 }, rnd_int(0, 90));
		if (chance(15))
			q.deal = deals[rnd() % NDEALS].name;
		if (chance(25)) {
			q.owner = owners[rnd() % (sizeof owners / sizeof *owners)];
			/* blanks around are not part of the name */
			snprintf(owner_trim, sizeof owner_trim, "%.*s", (int)strlen(q.owner), q.owner + strspn(q.owner, " "));
			while (owner_trim[0] && owner_trim[strlen(owner_trim) - 1] == ' ')
				owner_trim[strlen(owner_trim) - 1] = '\0';
		}
		if (chance(30))
			q.side = rnd_int(0, 2);
		if (chance(30))
			q.status = rnd_int(0, 3);
		q.overdue = chance(20);
		if (chance(20)) {
			q.has_from = 1;
			q.from = mk_date_add_days((struct mk_date){ 2026, 1, 10 }, rnd_int(0, 60));
		}
		if (chance(20)) {
			q.has_to = 1;
			q.to = mk_date_add_days((struct mk_date){ 2026, 1, 20 }, rnd_int(0, 80));
		}
		q.slipped = chance(20);
		if (chance(25)) {
			int t = rnd_int(0, (int)(sizeof texts / sizeof *texts) - 1);

			words[0] = texts[t][0];
			words[1] = texts[t][1];
			nwords = words[1] ? 2 : 1;
			snprintf(text, sizeof text, "  %s %s ", words[0], words[1] ? words[1] : "");
			q.text = text;
		}
		check_query(s, &q, words, nwords, q.owner ? owner_trim : NULL, want);
	}
	/* every item, and the big filters alone: deal order through many deals */
	memset(&q, 0, sizeof q);
	q.side = -1;
	q.status = -1;
	q.as_of = (struct mk_date){ 2026, 3, 1 };
	check_query(s, &q, NULL, 0, NULL, want);
	q.status = MK_STATUS_OPEN;
	check_query(s, &q, NULL, 0, NULL, want);
	q.status = -1;
	q.overdue = 1;
	check_query(s, &q, NULL, 0, NULL, want);
	q.overdue = 0;
	q.slipped = 1;
	check_query(s, &q, NULL, 0, NULL, want);
	free(want);
}

/* ---- what was said ---- */

/* Does text hold word as a token (ASCII letters and digits, any case)? prefix: "word*". */
static int m_token(const char *text, const char *word, int prefix)
{
	size_t n = strlen(word);

	for (const char *p = text; *p;) {
		size_t len = 0;

		while (*p && !isalnum((unsigned char)*p))
			p++;
		while (isalnum((unsigned char)p[len]))
			len++;
		if (len && (prefix ? len >= n : len == n) && mk_strnieq(p, word, n))
			return 1;
		p += len;
	}
	return 0;
}

static int m_utt_cmp(const void *a, const void *b)
{
	const struct m_utt *x = *(const struct m_utt *const *)a, *y = *(const struct m_utt *const *)b;
	int c;

	if (x->has_start != y->has_start)
		return x->has_start ? -1 : 1;
	if ((c = strcmp(x->start, y->start)))
		return c;
	if (x->meeting != y->meeting)
		return x->meeting < y->meeting ? -1 : 1;
	return x->idx - y->idx;
}

static void check_said(struct mk_store *s)
{
	const struct m_utt **want = mk_malloc(MAXUTT * sizeof *want);
	struct mk_diag dg;

	for (int round = 0; round < 150; round++) {
		const char *deal = chance(40) ? deals[rnd() % NDEALS].name : NULL;
		const char *speaker = NULL;
		char word[32], who[40] = "";
		size_t nwant = 0, limit = (size_t)rnd_int(0, 6) * 3;
		int prefix = chance(10);

		if (chance(15))
			snprintf(word, sizeof word, "zq%dx", (int)(rnd() % NDEALS));
		else
			snprintf(word, sizeof word, "%s", vocab[rnd() % (sizeof vocab / sizeof *vocab)]);
		if (prefix)
			word[3] = '\0';
		if (chance(30)) {
			const struct m_deal *d = &deals[rnd() % NDEALS];
			const char *full = chance(30) ? d->sellers[0] : d->people[rnd() % (uint64_t)d->npeople];

			if (chance(50))
				snprintf(who, sizeof who, "%s", full);
			else
				snprintf(who, sizeof who, "%.*s", (int)strcspn(full, " "), full);
			speaker = who;
		}
		for (int i = 0; i < nutts; i++) {
			const struct m_utt *u = &utts[i];

			if (deal && strcmp(deals[u->deal].name, deal))
				continue;
			if (speaker && !m_owner_matches(u->speaker, speaker))
				continue;
			if (m_token(u->text, word, prefix) || m_token(u->speaker, word, prefix))
				want[nwant++] = u;
		}
		qsort(want, nwant, sizeof *want, m_utt_cmp);
		if (prefix)
			strcat(word, "*");
		for (int plan = 0; plan < 2; plan++) {
			struct mk_said *v = NULL;
			size_t n = 0, exp = limit && nwant > limit ? limit : nwant;

			store_tune(s, 0, plan ? (size_t)-1 : 1);
			CHECK(mk_store_search_said_by(s, deal, speaker, word, limit, &v, &n, &dg) == MK_OK);
			CHECK(n == exp);
			for (size_t i = 0; i < n && i < exp; i++) {
				CHECK_STR(v[i].text, want[i]->text);
				CHECK_STR(v[i].speaker, want[i]->speaker);
				CHECK_STR(v[i].deal, deals[want[i]->deal].name);
				CHECK(v[i].start_ms == want[i]->idx * 5000);
				CHECK(want[i]->has_start ? v[i].meeting_start && !strcmp(v[i].meeting_start, want[i]->start) :
				      !v[i].meeting_start);
			}
			mk_said_free(v, n);
		}
	}
	store_tune(s, 0, STORE_SAID_FEW);
	free(want);
}

/* ---- the tests ---- */

static void test_build(void)
{
	build();
	CHECK(nutts > 100 && nutts < MAXUTT);
}

static void test_health_model(void)
{
	check_health(st);
}

static void test_query_model(void)
{
	check_queries(st);
	printf("# %zu questions, each in full, in 7 pages and 2 plans\n", query_checks);
}

static void test_said_model(void)
{
	check_said(st);
}

static void test_changes_model(void)
{
	check_changes(st);
}

/* The same store in a database of schema 4 (before migration 5): every table copied. */
static void test_migration(void)
{
	sqlite3 *db = NULL;
	struct mk_store *old = NULL;
	struct mk_diag dg;
	char *sql;
	int rc;

	mk_store_close(st);
	st = NULL;
	rc = sqlite3_open(old_path, &db);
	for (int v = 0; rc == SQLITE_OK && v < 4; v++)
		rc = sqlite3_exec(db, db_migrations[v], NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "PRAGMA user_version = 4", NULL, NULL, NULL);
	sql = mk_sprintf(
		"ATTACH '%s' AS src;\n"
		"INSERT INTO deals SELECT * FROM src.deals;\n"
		"INSERT INTO meetings (id, deal_id, sha256, path, label, format, start, ingested_at)\n"
		"	SELECT id, deal_id, sha256, path, label, format, start, ingested_at FROM src.meetings;\n"
		"INSERT INTO people (id, deal_id, key, name, role, side, first_meeting_id, created_at)\n"
		"	SELECT id, deal_id, key, name, role, side, first_meeting_id, created_at FROM src.people;\n"
		"INSERT INTO utterances SELECT * FROM src.utterances;\n"
		"INSERT INTO findings SELECT * FROM src.findings;\n"
		"INSERT INTO plan_items (id, deal_id, action, owner, side, due, status, meeting_id,\n"
		"	proposal_id, created_at, updated_at)\n"
		"	SELECT id, deal_id, action, owner, side, due, status, meeting_id, proposal_id,\n"
		"	created_at, updated_at FROM src.plan_items;\n"
		"INSERT INTO proposals SELECT id, deal_id, meeting_id, kind, item_id, action, owner, side, due,\n"
		"	old_due, name, role, category, text, confidence, ev_speaker, ev_start_ms, ev_end_ms,\n"
		"	ev_quote, key, status, created_at, decided_by, decided_at, reason FROM src.proposals;\n"
		"INSERT INTO proposal_edits SELECT * FROM src.proposal_edits;\n"
		"INSERT INTO plan_revisions (id, item_id, field, old_value, new_value, at, meeting_id,\n"
		"	proposal_id, \"by\")\n"
		"	SELECT id, item_id, field, old_value, new_value, at, meeting_id, proposal_id, \"by\"\n"
		"	FROM src.plan_revisions;\n"
		"INSERT INTO risks SELECT id, deal_id, category, text, meeting_id, proposal_id, status,\n"
		"	created_at FROM src.risks;\n"
		"INSERT INTO sync_cursors SELECT * FROM src.sync_cursors;\n"
		"DETACH src;", db_path);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	free(sql);
	CHECK(rc == SQLITE_OK);
	if (rc != SQLITE_OK)
		printf("#   %s\n", sqlite3_errmsg(db));
	sqlite3_close(db);

	mk_diag_clear(&dg);
	CHECK(mk_store_open(&old, old_path, &dg) == MK_OK);
	if (!old) {
		printf("#   open: %s\n", dg.msg);
		return;
	}
	check_health(old);
	check_queries(old);
	check_said(old);
	check_changes(old);

	/* and it goes on as a store made by this version: a new call moves the numbers */
	mk_store_close(old);
	st = NULL;
	CHECK(mk_store_open(&st, old_path, &dg) == MK_OK);
	if (st) {
		seed ^= 0x77;
		for (int i = 0; i < NDEALS; i += 5)
			call(i, 9, 1, (struct mk_date){ 2026, 5, 4 });
		check_health(st);
		check_queries(st);
		check_said(st);
		check_changes(st);
	}
}

/* People named before they speak, and after; the same slip twice; a due set from none. */
static void test_health_crafted(void)
{
	struct mk_health *v = NULL;
	struct mk_diag dg;
	size_t n = 0;

	/* every deal's numbers agree with the model after the mixed history above; here the
	 * counters' corner cases one by one on a deal of their own */
	struct mk_deal md;
	struct mk_transcript t;
	struct mk_findings f;
	struct mk_proposals ps;
	struct mk_ingest_result res;
	struct mk_proposal *p;
	int64_t item;

	if (!st)
		return;
	memset(&md, 0, sizeof md);
	md.name = (char *)"Crafted";
	md.sellers = (char *)"Sam Patel";
	CHECK(mk_store_deal_add(st, &md, &dg) == MK_OK);
	CHECK(mk_store_health(st, "Crafted", (struct mk_date){ 2026, 3, 1 }, &v, &n, &dg) == MK_OK && n == 1);
	if (n == 1)
		CHECK(v[0].items == 0 && v[0].stakeholders_named == 0 && v[0].days_since_change == -1);
	mk_health_free(v, n);

	/* call 1: Farah Khan is named, nobody of that name speaks; "farah" speaks on call 2 */
	mk_transcript_init(&t);
	t.path = mk_strdup("/c/1.vtt");
	mk_sha256_hex("/c/1.vtt", 8, t.sha256);
	t.utt = mk_calloc(1, sizeof *t.utt);
	t.utt[0].speaker = mk_strdup("Sam Patel");
	t.utt[0].text = mk_strdup("I'll send the report by the 10th.");
	t.n = t.cap = 1;
	mk_findings_init(&f);
	f.stakeholders = mk_calloc(2, sizeof *f.stakeholders);
	f.nstakeholders = 2;
	f.stakeholders[0].name = mk_strdup("Farah Khan");
	f.stakeholders[0].ev.speaker = mk_strdup("x");
	f.stakeholders[0].ev.quote = mk_strdup("y");
	f.stakeholders[1].name = mk_strdup("Sam"); /* spoke as "Sam Patel": met */
	f.stakeholders[1].ev.speaker = mk_strdup("x");
	f.stakeholders[1].ev.quote = mk_strdup("y");
	mk_proposals_init(&ps);
	p = prop_new(&ps, MK_PROP_ADD_ITEM, "c1");
	p->action = mk_strdup("send the report");
	p->owner = mk_strdup("Sam Patel");
	p->side = MK_SIDE_SELLER;
	for (size_t k = 0; k < f.nstakeholders; k++) {
		p = prop_new(&ps, MK_PROP_ADD_STAKEHOLDER, k ? "c1s1" : "c1s0");
		p->name = mk_strdup(f.stakeholders[k].name);
	}
	CHECK(mk_store_ingest(st, "Crafted", &t, "2026-03-02", &f, &ps, &res, &dg) == MK_OK);
	mk_transcript_release(&t);
	mk_findings_release(&f);
	mk_proposals_release(&ps);
	/* named on the call, on the plan only once approved */
	CHECK(mk_store_health(st, "Crafted", (struct mk_date){ 2026, 3, 5 }, &v, &n, &dg) == MK_OK && n == 1);
	if (n == 1)
		CHECK(v[0].stakeholders_named == 0 && v[0].stakeholders_met == 0);
	mk_health_free(v, n);
	CHECK(mk_store_decide(st, next_proposal + 1, 1, "rep", NULL, &dg) == MK_OK);
	CHECK(mk_store_decide(st, next_proposal + 2, 1, "rep", NULL, &dg) == MK_OK);
	CHECK(mk_store_decide(st, next_proposal, 1, "rep", NULL, &dg) == MK_OK);
	{
		struct mk_proposal got;
		CHECK(mk_store_proposal_get(st, next_proposal, &got, &dg) == MK_OK);
		item = got.item_id;
		mk_proposal_release(&got);
	}
	next_proposal += 3;
	CHECK(mk_store_health(st, "Crafted", (struct mk_date){ 2026, 3, 5 }, &v, &n, &dg) == MK_OK && n == 1);
	if (n == 1) {
		CHECK(v[0].items == 1 && v[0].buyer_items == 0 && v[0].open_items == 1 && v[0].overdue == 0);
		CHECK(v[0].stakeholders_named == 2 && v[0].stakeholders_met == 1);
		CHECK(v[0].slipped == 0 && v[0].days_since_change == 3);
	}
	mk_health_free(v, n);

	/* call 2: "farah" speaks; the due is set (from none: no slip), then moved twice */
	mk_transcript_init(&t);
	t.path = mk_strdup("/c/2.vtt");
	mk_sha256_hex("/c/2.vtt", 8, t.sha256);
	t.utt = mk_calloc(1, sizeof *t.utt);
	t.utt[0].speaker = mk_strdup("farah");
	t.utt[0].text = mk_strdup("Hi.");
	t.n = t.cap = 1;
	mk_proposals_init(&ps);
	for (int k = 0; k < 3; k++) {
		char key[8];
		snprintf(key, sizeof key, "c2%d", k);
		p = prop_new(&ps, MK_PROP_UPDATE_DUE, key);
		p->item_id = item;
		p->has_due = 1;
		p->due = (struct mk_date){ 2026, 3, 10 + k * 5 };
	}
	CHECK(mk_store_ingest(st, "Crafted", &t, "2026-03-09T09:00:00Z", NULL, &ps, &res, &dg) == MK_OK);
	mk_transcript_release(&t);
	mk_proposals_release(&ps);
	for (int k = 0; k < 3; k++)
		CHECK(mk_store_decide(st, next_proposal++, 1, "rep", NULL, &dg) == MK_OK);
	CHECK(mk_store_health(st, "Crafted", (struct mk_date){ 2026, 3, 25 }, &v, &n, &dg) == MK_OK && n == 1);
	if (n == 1) {
		CHECK(v[0].stakeholders_named == 2 && v[0].stakeholders_met == 2);
		CHECK(v[0].slipped == 1 && v[0].overdue == 1 && v[0].days_since_change == 16);
	}
	mk_health_free(v, n);
	{
		struct mk_query q;
		struct mk_query_row *rows = NULL;

		memset(&q, 0, sizeof q);
		q.side = -1;
		q.status = -1;
		q.deal = "Crafted";
		q.slipped = 1;
		CHECK(mk_store_query(st, &q, &rows, &n, &dg) == MK_OK && n == 1);
		if (n == 1)
			CHECK(rows[0].item.revisions == 3 && rows[0].item.slipped == 1 && rows[0].item.due.d == 20);
		mk_query_rows_free(rows, n);
	}
}

int main(void)
{
	struct mk_diag dg;

	snprintf(tmpdir, sizeof tmpdir, "/tmp/mk-qmodel-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	db_path = mk_sprintf("%s/q.db", tmpdir);
	old_path = mk_sprintf("%s/v4.db", tmpdir);
	mk_diag_clear(&dg);
	if (mk_store_open(&st, db_path, &dg) != MK_OK) {
		printf("#   open: %s\n", dg.msg);
		return 1;
	}
	RUN(test_build);
	RUN(test_health_model);
	RUN(test_query_model);
	RUN(test_said_model);
	RUN(test_changes_model);
	RUN(test_migration);
	RUN(test_health_crafted);
	mk_store_close(st);

	for (int i = 0; i < 2; i++) {
		const char *p = i ? old_path : db_path;
		char *wal = mk_sprintf("%s-wal", p), *shm = mk_sprintf("%s-shm", p);

		unlink(p);
		unlink(wal);
		unlink(shm);
		free(wal);
		free(shm);
	}
	rmdir(tmpdir);
	free(db_path);
	free(old_path);
	return tap_done();
}
