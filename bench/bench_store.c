/*
 * bench_store.c: the latency of the managers' questions over a big store. Builds,
 * deterministically and only when the database is missing or was made by another version
 * of this generator, a store of 10,000 deals and 1,000,000 utterances through the store
 * API (deals, calls with their utterances, stakeholders and risks, proposals approved,
 * rejected or left pending, slipped due dates; store_bulk skips the fsync of each call's
 * transaction, about two minutes on two cores), then times every question a manager or
 * the review app asks, many runs each with parameters drawn from a fixed seed, and prints
 * the median and p99 per question; --out gets the same table, one line per question:
 * "name median_ms p99_ms target<=50 met(yes|no)". A benchmark, not a test: it asserts
 * nothing but that the store answers. Queries of plan items ask for a page
 * (mk_store_query_page, MK_QUERY_LIMIT rows and how many more), searches for the first
 * SAID_LIMIT + 1 lines (a speaker through mk_store_search_said_by): what `query` shows.
 *
 * usage: bench_store [--db PATH] [--out FILE] [--runs N] [--deals N] [--only NAME] [--slow] [--rebuild]
 *   --db       the store (default build/bench/store.db); rebuilt when missing or stale
 *   --out      also write the table there
 *   --runs     timed runs per question (default 200), after a few untimed ones
 *   --deals    deals in the store (default 10000; 100 utterances per deal on average)
 *   --only     the questions whose name holds this; --slow: print each one's slowest run
 *   --rebuild  build the store again even when it is there
 */
#include "mapkeeper.h"
#include "store/store.h"
#include "util/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Bump when what the generator writes changes: a store of another version is rebuilt. */
#define GEN_VERSION 2
#define GEN_SEED 0x6d61706b65657072ULL /* "mapkeepr" */
#define QUERY_SEED 0x71756572696573ULL /* "queries" */
#define CURSOR_SOURCE "bench-store"
#define TARGET_MS 50.0
#define SAID_LIMIT 50   /* what `query --said` and the API show by default */
#define BUDGET_MS 20000.0 /* timed runs of one query stop after this (at least 20 runs) */

/* ---- a small deterministic generator (splitmix64) ---- */

struct rng {
	uint64_t s;
};

static uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A number in [lo, hi]. */
static int rng_int(struct rng *r, int lo, int hi)
{
	return lo + (int)(rng_next(r) % (uint64_t)(hi - lo + 1));
}

/* 1 with probability pct/100. */
static int rng_pct(struct rng *r, int pct)
{
	return (int)(rng_next(r) % 100) < pct;
}

#define PICK(r, arr) ((arr)[rng_next(r) % (sizeof(arr) / sizeof((arr)[0]))])
#define COUNT(arr) (sizeof(arr) / sizeof((arr)[0]))

/* ---- vocabulary ---- */

static const char *const first_names[] = {
	"Maya", "Leo", "Nina", "Omar", "Farah", "Tariq", "Dana", "Sam", "Priya", "Jonas", "Elena",
	"Marcus", "Aisha", "Ben", "Chloe", "Diego", "Erin", "Felix", "Grace", "Hiro", "Ivy", "Jamal",
	"Kara", "Liam", "Mei", "Noah", "Olga", "Pablo", "Quinn", "Rosa", "Sven", "Tara", "Umar",
	"Vera", "Wes", "Xena", "Yusuf", "Zoe", "Amir", "Bea", "Carlos", "Dina", "Emil", "Fiona",
	"Gus", "Hana", "Ian", "Jade", "Kofi", "Lena", "Milo", "Nora", "Oscar", "Pia", "Raj", "Sara",
	"Theo", "Uma", "Victor", "Wanda", "Yara", "Zane", "Anya", "Bruno", "Cleo", "Dev", "Esme",
	"Finn", "Gia", "Hugo", "Inez", "Joel", "Kai", "Lola", "Mateo", "Nadia", "Owen", "Paula",
	"Reza", "Sofia", "Tomas", "Ulla", "Vik", "Willa", "Yoko", "Zara", "Alba", "Boris", "Cyrus",
	"Daria", "Eli", "Freya", "Gil", "Hedda", "Ilya", "Jun", "Kemal", "Lucia", "Mira", "Nils",
};

static const char *const last_names[] = {
	"Brooks", "Grant", "Patel", "Reyes", "Khan", "Aziz", "Li", "Shah", "Nguyen", "Okafor",
	"Larsen", "Moreau", "Silva", "Kowalski", "Tanaka", "Haddad", "Novak", "Fischer", "Costa",
	"Bauer", "Ito", "Mensah", "Ortiz", "Petrov", "Quint", "Rossi", "Schmidt", "Torres", "Ueda",
	"Vargas", "Weber", "Yilmaz", "Zhou", "Abbott", "Becker", "Carter", "Dubois", "Evans",
	"Flores", "Gupta", "Horvat", "Iqbal", "Jensen", "Kim", "Lopez", "Meyer", "Nakamura",
	"Olsen", "Park", "Quinlan", "Ramos", "Sato", "Tran", "Usman", "Varga", "Walsh", "Xu",
	"Young", "Zimmer", "Adler", "Bishop", "Chen", "Diaz", "Ekberg", "Fox", "Garcia", "Holm",
};

static const char *const roles[] = {
	"CFO", "VP of Operations", "IT director", "head of procurement", "legal counsel",
	"support manager", "CISO", "COO", "finance lead", "project manager",
};

static const char *const org_a[] = {
	"North", "Blue", "Red", "Silver", "Iron", "Green", "Bright", "Stone", "River", "Cedar",
	"Summit", "Harbor", "Maple", "Falcon", "Crest", "Granite", "Lake", "Pine", "Sun", "Star",
	"Oak", "Wolf", "Eagle", "Coral", "Amber", "Frost", "Delta", "Vista", "Prairie", "Canyon",
};
static const char *const org_b[] = {
	"wind", "peak", "field", "gate", "bridge", "line", "works", "stone", "ridge", "point",
	"wave", "light", "path", "forge", "haven", "mark", "view", "brook", "crest", "port",
};
static const char *const org_c[] = {
	"Logistics", "Foods", "Health", "Energy", "Retail", "Media", "Robotics", "Insurance",
	"Travel", "Textiles", "Pharma", "Analytics", "Telecom", "Freight", "Dental", "Labs",
	"Outdoor", "Finance", "Learning", "Clinics",
};

static const char *const docs[] = {
	"SOC 2 report", "security questionnaire", "ROI model", "pricing proposal", "MSA redlines",
	"order form", "DPA", "ticket export", "implementation plan", "reference list",
	"pilot scorecard", "architecture diagram", "usage forecast", "renewal quote",
	"business case", "onboarding checklist", "SSO setup guide", "data retention policy",
};
static const char *const competitors[] = {
	"Zendesk", "Freshdesk", "Intercom", "ServiceNow", "HubSpot", "Gorgias", "Kustomer",
	"Front",
};
static const char *const features[] = {
	"routing", "macros", "reporting", "SLA timers", "chat widget", "knowledge base",
	"workflow builder", "audit log", "API", "mobile app", "escalations", "dashboards",
};
static const char *const systems[] = {
	"Salesforce", "SAP", "Okta", "Slack", "Jira", "NetSuite", "Workday", "Snowflake",
};
static const char *const days[] = {
	"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "next week", "end of month",
	"tomorrow", "the 15th", "next Friday", "the end of the quarter",
};
static const char *const depts[] = {
	"legal", "procurement", "finance", "security", "IT", "the board", "operations",
};
/* words that are rare on calls: each is in about one line in two thousand */
static const char *const rare_words[] = {
	"kubernetes", "HIPAA", "FedRAMP", "chargeback", "sandbox", "webhook", "latency",
	"escrow", "indemnity", "subprocessor", "failover", "throttling", "multilingual",
	"sentiment", "backlog", "headcount", "tariff", "warehouse", "franchise", "seasonal",
};

/*
 * Lines said on a call: "{D}" a document, "{P}" someone of the deal, "{C}" a competitor,
 * "{F}" a feature, "{S}" a system, "{W}" a day, "{T}" a department, "{N}" a number,
 * "{X}" the deal's project code name (rare: a few lines per deal), "{R}" a rare word.
 */
static const char *const lines[] = {
	"I'll send the {D} over by {W}.",
	"Can you send us the {D} so {T} can take a look?",
	"We need to loop in {P} from {T} before we can sign anything.",
	"The {D} is with {T} right now, I expect it back {W}.",
	"Our budget for this year is around {N} thousand, so the pricing matters.",
	"We're also looking at {C}, to be honest.",
	"{P} will want to see the {D} before the next call.",
	"Let's set up a call with {P} for {W}.",
	"How does the {F} work with {S}?",
	"That makes sense.",
	"Yeah, I can do {W}.",
	"Okay.",
	"Right, right.",
	"Sounds good to me.",
	"Got it, thanks.",
	"Mm-hmm.",
	"So the main thing for us is the {F}, that's where the agents lose time today.",
	"We had an outage last month and {P} was not happy about it.",
	"What's the timeline on your side for the decision?",
	"The pilot went well, the team really liked the {F}.",
	"I think {P} mentioned that the {D} was still missing a few answers.",
	"We run about {N} tickets a day through {S} at the moment.",
	"Could you walk us through the {F} again?",
	"Sure, let me share my screen.",
	"Our current contract with {C} ends in {N} days.",
	"I'll check with {T} and get back to you {W}.",
	"Is the {F} included in the base plan or is that an add-on?",
	"We'd need {S} integration from day one.",
	"The question from {T} was about {R}, can you cover that?",
	"Project {X} is the name we use internally for this.",
	"For {X} we want the rollout done before the busy season.",
	"Honestly the price is the hardest part for us.",
	"I can send a revised proposal once I talk to my manager.",
	"We have {N} agents across three regions.",
	"The security team wants to review the {D} first.",
	"Do you support {R} for the {F}?",
	"Let me recap what I heard: the {F}, the {S} integration and the {D}.",
	"Perfect, I'll put that in the follow-up email.",
	"Who else should be on the next call?",
	"{P} signs anything above {N} thousand.",
	"We'll know more after the board meeting on {W}.",
	"I don't think that's a blocker, but I'll confirm with {T}.",
	"Thanks everyone, talk soon.",
	"Hi all, thanks for making the time today.",
	"The onboarding took {N} weeks last time, and that was painful.",
	"We could start with one team as a pilot and expand after that.",
	"Send me the {D} and I'll forward it to {P}.",
	"Is there a discount if we sign for two years?",
	"Our renewal with {C} is coming up, so the timing works.",
	"The reporting in {S} is where most of our data lives.",
};

static const char *const actions[] = {
	"send the %s", "review the %s", "share the %s with %s", "get sign-off on the %s",
	"schedule a demo of the %s", "set up a call with %s", "finish the %s", "return the %s",
};
static const char *const risk_texts[][2] = {
	{ "budget", "the budget for this year is not approved yet" },
	{ "competition", "they are also evaluating a competitor" },
	{ "timeline", "the decision slipped to next quarter" },
	{ "paper_process", "legal needs four weeks for the MSA" },
	{ "stakeholder", "the CFO has not been on a call yet" },
	{ "technical", "the integration needs custom work" },
	{ "priority", "another project took the team's time" },
};

/* ---- the store's shape ---- */

struct gen_opts {
	int deals;          /* 10,000 */
	long utterances;    /* 100 per deal on average: 1,000,000 */
};

struct person {
	char name[48];      /* "First Last" */
	char first[24];
	const char *role;
	int speaks;         /* speaks on calls (met) */
	int short_name;     /* shows up on calls as their lower-case first name only */
};

struct item {
	int64_t id;
	char action[96];
	char owner[48];
	enum mk_side side;
	int has_due;
	struct mk_date due;
	enum mk_status status;
};

struct deal {
	char name[64];
	char code[16];           /* the project's code name: a rare word */
	char sellers[2][48];
	int nsellers;
	struct person people[7];
	int npeople;
	struct item items[40];
	int nitems;
};

/* The deal's name: unique for every i below 30 * 20 * 20 * 3. */
static void deal_name(int i, char *out, size_t n)
{
	int a = i % (int)COUNT(org_a), b = (i / (int)COUNT(org_a)) % (int)COUNT(org_b);
	int c = (i / (int)(COUNT(org_a) * COUNT(org_b))) % (int)COUNT(org_c);
	int k = i / (int)(COUNT(org_a) * COUNT(org_b) * COUNT(org_c));

	if (k)
		snprintf(out, n, "%s%s %s %d", org_a[a], org_b[b], org_c[c], k + 1);
	else
		snprintf(out, n, "%s%s %s", org_a[a], org_b[b], org_c[c]);
}

/* The deal's code name: a made-up word that no other deal has ("zorvatek"). */
static void deal_code(int i, char *out, size_t n)
{
	static const char *const cons[] = { "b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s",
					    "t", "v", "z", "th", "dr", "kr", "st" };
	static const char *const vow[] = { "a", "e", "i", "o", "u", "ai", "ou" };
	struct rng r = { (uint64_t)i * 7919u + 17u };
	unsigned v = (unsigned)i;
	size_t len = 0;

	out[0] = '\0';
	/* the index in base 18/7 digits makes it unique; a fixed prefix keeps it off real words */
	len += (size_t)snprintf(out + len, n - len, "q%s", PICK(&r, vow));
	for (int k = 0; k < 4; k++) {
		len += (size_t)snprintf(out + len, n - len, "%s%s", cons[v % COUNT(cons)], vow[(v / COUNT(cons)) % COUNT(vow)]);
		v /= (unsigned)(COUNT(cons) * COUNT(vow));
		if (!v && k >= 1)
			break;
	}
}

static const char *const seller_team[][1] = {
	{ "Maya Brooks" }, { "Sam Patel" }, { "Elena Novak" }, { "Marcus Weber" }, { "Aisha Khan" },
	{ "Jonas Larsen" }, { "Grace Tanaka" }, { "Diego Flores" }, { "Hana Sato" }, { "Felix Bauer" },
	{ "Rosa Costa" }, { "Theo Evans" }, { "Nadia Haddad" }, { "Owen Walsh" }, { "Lucia Rossi" },
	{ "Kofi Mensah" }, { "Mira Holm" }, { "Ilya Petrov" }, { "Sofia Diaz" }, { "Ben Carter" },
	{ "Chloe Dubois" }, { "Raj Gupta" }, { "Yoko Ito" }, { "Wes Young" }, { "Esme Fox" },
	{ "Victor Ramos" }, { "Pia Jensen" }, { "Amir Iqbal" }, { "Zoe Park" }, { "Hugo Meyer" },
	{ "Lena Schmidt" }, { "Kai Nakamura" }, { "Daria Horvat" }, { "Joel Abbott" },
	{ "Tara Chen" }, { "Emil Ekberg" }, { "Inez Lopez" }, { "Finn Olsen" }, { "Gia Torres" },
	{ "Cyrus Adler" },
};

/* Deal i's name, code name, sellers and people: from i alone, so the timing half can
 * draw a deal's real people without rebuilding anything. */
static void deal_make(int i, struct deal *d)
{
	struct rng rr = { GEN_SEED ^ ((uint64_t)(i + 1) * 0x2545f4914f6cdd1dULL) }, *r = &rr;

	memset(d, 0, sizeof *d);
	deal_name(i, d->name, sizeof d->name);
	deal_code(i, d->code, sizeof d->code);
	d->nsellers = rng_int(r, 1, 2);
	for (int k = 0; k < d->nsellers; k++)
		snprintf(d->sellers[k], sizeof d->sellers[k], "%s", PICK(r, seller_team)[0]);
	if (d->nsellers == 2 && !strcmp(d->sellers[0], d->sellers[1]))
		d->nsellers = 1;
	d->npeople = rng_int(r, 3, 7);
	for (int k = 0; k < d->npeople; k++) {
		struct person *p = &d->people[k];
		const char *f;

		do {
			f = PICK(r, first_names);
			for (int j = 0; f && j < k; j++)
				if (!strcmp(d->people[j].first, f))
					f = NULL;
		} while (!f);
		snprintf(p->first, sizeof p->first, "%s", f);
		snprintf(p->name, sizeof p->name, "%s %s", f, PICK(r, last_names));
		p->role = PICK(r, roles);
		p->speaks = k < 2 || rng_pct(r, 50);
		p->short_name = rng_pct(r, 10);
	}
}

/* ---- one call ---- */

static void buf_line(struct rng *r, const struct deal *d, struct mk_buf *b)
{
	const char *t = PICK(r, lines);

	mk_buf_reset(b);
	for (const char *p = t; *p; p++) {
		if (p[0] != '{' || !p[1] || p[2] != '}') {
			mk_buf_addc(b, *p);
			continue;
		}
		switch (p[1]) {
		case 'D': mk_buf_adds(b, PICK(r, docs)); break;
		case 'P': mk_buf_adds(b, d->people[rng_next(r) % (uint64_t)d->npeople].first); break;
		case 'C': mk_buf_adds(b, PICK(r, competitors)); break;
		case 'F': mk_buf_adds(b, PICK(r, features)); break;
		case 'S': mk_buf_adds(b, PICK(r, systems)); break;
		case 'W': mk_buf_adds(b, PICK(r, days)); break;
		case 'T': mk_buf_adds(b, PICK(r, depts)); break;
		case 'N': mk_buf_addf(b, "%d", rng_int(r, 2, 900)); break;
		case 'X': mk_buf_adds(b, d->code); break;
		case 'R': mk_buf_adds(b, PICK(r, rare_words)); break;
		default: mk_buf_add(b, p, 3); break;
		}
		p += 2;
	}
}

static char *str_or_null(const char *s)
{
	return s && s[0] ? mk_strdup(s) : NULL;
}

/* The name a person shows up under on calls. */
static void speaker_name(const struct person *p, char *out, size_t n)
{
	if (p->short_name) {
		snprintf(out, n, "%s", p->first);
		for (char *c = out; *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c + 32);
	} else {
		snprintf(out, n, "%s", p->name);
	}
}

struct builder {
	struct mk_store *st;
	struct rng r;
	int64_t next_proposal, next_item;   /* the ids the store hands out, in order */
	long utterances, meetings, items, decided, pending;
	struct mk_buf line;
};

static void die(const char *what, const struct mk_diag *d)
{
	char b[1200];

	fprintf(stderr, "bench_store: %s: %s\n", what, d ? mk_diag_format(d, b, sizeof b) : "failed");
	exit(1);
}

static struct mk_proposal *prop_new(struct mk_proposals *ps, enum mk_prop_kind kind, const char *key,
				    const char *speaker, int64_t at, const char *quote)
{
	struct mk_proposal *p;

	ps->v = mk_grow(ps->v, &ps->cap, ps->n + 1, sizeof *ps->v);
	p = &ps->v[ps->n++];
	memset(p, 0, sizeof *p);
	p->kind = kind;
	p->key = mk_strdup(key);
	p->confidence = 0.8;
	p->ev.speaker = mk_strdup(speaker);
	p->ev.start_ms = at;
	p->ev.end_ms = at + 4000;
	p->ev.quote = mk_strdup(quote);
	return p;
}

/* What the proposals of one call will do to the deal's items once approved. */
struct pending_change {
	int item;               /* index in deal->items, or -1 for a new one */
	enum mk_prop_kind kind;
	struct mk_date due;
	int has_due;
};

static void call_build(struct builder *b, int di, struct deal *d, int call, int ncalls, int nutt,
		       struct mk_date date)
{
	struct mk_transcript t;
	struct mk_findings f;
	struct mk_proposals ps;
	struct mk_ingest_result res;
	struct pending_change ch[32];
	struct mk_diag dg;
	char path[128], start[32], spk[8][48], key[64], quote[200];
	int nspk = 0, nch = 0, last = call == ncalls - 1;
	int64_t ms = 0;

	mk_diag_clear(&dg);
	mk_transcript_init(&t);
	snprintf(path, sizeof path, "/calls/deal-%05d/call-%02d.vtt", di, call + 1);
	t.path = mk_strdup(path);
	t.format = MK_FMT_ZOOM_VTT;
	{
		char seed[160];
		snprintf(seed, sizeof seed, "bench-store %d %s", GEN_VERSION, path);
		mk_sha256_hex(seed, strlen(seed), t.sha256);
	}
	snprintf(start, sizeof start, "%04d-%02d-%02dT%02d:%02d:00Z", date.y, date.m, date.d,
		 rng_int(&b->r, 13, 21), rng_int(&b->r, 0, 3) * 15);

	/* who speaks: the sellers, and the deal's people who speak (two to four of them) */
	for (int k = 0; k < d->nsellers; k++)
		snprintf(spk[nspk++], sizeof spk[0], "%s", d->sellers[k]);
	for (int k = 0; k < d->npeople && nspk < 6; k++)
		if (d->people[k].speaks && (k < 2 || rng_pct(&b->r, 60)))
			speaker_name(&d->people[k], spk[nspk++], sizeof spk[0]);
	for (int u = 0; u < nutt; u++) {
		struct mk_utterance *x;
		int who = (int)(rng_next(&b->r) % (uint64_t)nspk);

		buf_line(&b->r, d, &b->line);
		t.utt = mk_grow(t.utt, &t.cap, t.n + 1, sizeof *t.utt);
		x = &t.utt[t.n++];
		x->speaker = mk_strdup(spk[who]);
		x->text = mk_strdup(b->line.s);
		x->start_ms = ms;
		ms += 1500 + (int64_t)(b->line.len * 60) + rng_int(&b->r, 0, 4000);
		x->end_ms = ms - 500;
		x->line = u * 4 + 3;
	}

	/* findings: the people named on this call, the risks raised */
	mk_findings_init(&f);
	for (int k = 0; k < d->npeople; k++) {
		struct mk_stakeholder *s;

		if (!(call == 0 ? k < 3 : rng_pct(&b->r, 15)))
			continue;
		f.stakeholders = mk_realloc(f.stakeholders, (f.nstakeholders + 1) * sizeof *s);
		s = &f.stakeholders[f.nstakeholders++];
		memset(s, 0, sizeof *s);
		s->name = mk_strdup(d->people[k].name);
		s->role = mk_strdup(d->people[k].role);
		s->side = MK_SIDE_BUYER;
		s->rule = "bench";
		s->ev.speaker = mk_strdup(spk[0]);
		s->ev.quote = mk_sprintf("%s is our %s.", d->people[k].name, d->people[k].role);
	}
	if (call == 0 && rng_pct(&b->r, 30)) {  /* a role without a name */
		struct mk_stakeholder *s;

		f.stakeholders = mk_realloc(f.stakeholders, (f.nstakeholders + 1) * sizeof *s);
		s = &f.stakeholders[f.nstakeholders++];
		memset(s, 0, sizeof *s);
		s->role = mk_strdup("legal");
		s->side = MK_SIDE_BUYER;
		s->rule = "bench";
		s->ev.speaker = mk_strdup(spk[0]);
		s->ev.quote = mk_strdup("Legal will need to see it.");
	}
	if (rng_pct(&b->r, 35)) {
		struct mk_risk *k;
		int which = rng_int(&b->r, 0, (int)COUNT(risk_texts) - 1);

		f.risks = mk_realloc(f.risks, (f.nrisks + 1) * sizeof *k);
		k = &f.risks[f.nrisks++];
		memset(k, 0, sizeof *k);
		k->category = risk_texts[which][0];
		k->text = mk_strdup(risk_texts[which][1]);
		k->rule = "bench";
		k->ev.speaker = mk_strdup(spk[nspk - 1]);
		k->ev.quote = mk_strdup(risk_texts[which][1]);
	}

	/* proposals: new commitments, and news about the open items */
	mk_proposals_init(&ps);
	for (int k = 0; k < d->nitems && nch < 24; k++) {
		struct item *it = &d->items[k];
		struct mk_proposal *p;
		int roll = rng_int(&b->r, 0, 99);
		enum mk_prop_kind kind;

		if (it->status != MK_STATUS_OPEN || roll >= 45)
			continue;
		kind = roll < 18 ? MK_PROP_UPDATE_DUE : roll < 38 ? MK_PROP_MARK_DONE :
			roll < 42 ? MK_PROP_MARK_BLOCKED : MK_PROP_MARK_DROPPED;
		snprintf(key, sizeof key, "bench:%d:%d:u%d", di, call, k);
		snprintf(quote, sizeof quote, "About the %s: %s.", it->action,
			 kind == MK_PROP_UPDATE_DUE ? "we need another week" :
			 kind == MK_PROP_MARK_DONE ? "that's done" :
			 kind == MK_PROP_MARK_BLOCKED ? "that's stuck with legal" : "let's drop that");
		p = prop_new(&ps, kind, key, it->owner[0] ? it->owner : spk[0], ms / 2, quote);
		p->item_id = it->id;
		p->action = mk_strdup(it->action);
		p->owner = str_or_null(it->owner);
		p->side = it->side;
		ch[nch].item = k;
		ch[nch].kind = kind;
		ch[nch].has_due = 0;
		if (kind == MK_PROP_UPDATE_DUE) {
			p->has_old_due = it->has_due;
			p->old_due = it->due;
			p->has_due = 1;
			p->due = mk_date_add_days(it->has_due ? it->due : date, rng_int(&b->r, 3, 14));
			ch[nch].has_due = 1;
			ch[nch].due = p->due;
		}
		nch++;
	}
	for (int k = 0, n = call == 0 ? rng_int(&b->r, 3, 7) : rng_int(&b->r, 2, 5);
	     k < n && d->nitems + k < (int)COUNT(d->items) && nch < 30; k++) {
		struct mk_proposal *p;
		char action[96], owner[48];
		enum mk_side side;
		int pick = rng_int(&b->r, 0, 99);

		if (pick < 45) {
			snprintf(owner, sizeof owner, "%s", d->sellers[rng_next(&b->r) % (uint64_t)d->nsellers]);
			side = MK_SIDE_SELLER;
		} else if (pick < 95) {
			snprintf(owner, sizeof owner, "%s", d->people[rng_next(&b->r) % (uint64_t)d->npeople].name);
			side = MK_SIDE_BUYER;
		} else {
			owner[0] = '\0';
			side = rng_pct(&b->r, 50) ? MK_SIDE_BUYER : MK_SIDE_UNKNOWN;
		}
		{
			const char *fmt = PICK(&b->r, actions);
			const char *doc = PICK(&b->r, docs);
			const char *who = d->people[rng_next(&b->r) % (uint64_t)d->npeople].first;

			if (strstr(fmt, "with %s") && !strstr(fmt, "the %s with"))
				snprintf(action, sizeof action, fmt, who);
			else
				snprintf(action, sizeof action, fmt, doc, who);
		}
		snprintf(key, sizeof key, "bench:%d:%d:n%d", di, call, k);
		snprintf(quote, sizeof quote, "%s I'll %s by %s.", owner[0] ? "Okay," : "Someone will",
			 action, PICK(&b->r, days));
		p = prop_new(&ps, MK_PROP_ADD_ITEM, key, owner[0] ? owner : spk[0], ms / 3, quote);
		p->action = mk_strdup(action);
		p->owner = str_or_null(owner);
		p->side = side;
		p->has_due = rng_pct(&b->r, 90);
		if (p->has_due)
			p->due = mk_date_add_days(date, rng_int(&b->r, 2, 30));
		ch[nch].item = -1;
		ch[nch].kind = MK_PROP_ADD_ITEM;
		ch[nch].has_due = p->has_due;
		ch[nch].due = p->due;
		nch++;
	}
	if (rng_pct(&b->r, 20)) {
		struct mk_proposal *p;
		int which = rng_int(&b->r, 0, (int)COUNT(risk_texts) - 1);

		snprintf(key, sizeof key, "bench:%d:%d:r", di, call);
		p = prop_new(&ps, MK_PROP_ADD_RISK, key, spk[nspk - 1], ms / 4, risk_texts[which][1]);
		p->category = mk_strdup(risk_texts[which][0]);
		p->text = mk_sprintf("%s (call %d)", risk_texts[which][1], call + 1);
		ch[nch].item = -2;
		ch[nch].kind = MK_PROP_ADD_RISK;
		nch++;
	}

	if (mk_store_ingest(b->st, d->name, &t, start, &f, &ps, &res, &dg))
		die("ingest", &dg);
	if (res.already || res.nproposals != ps.n)
		die("ingest stored another number of proposals than it was given", NULL);
	b->utterances += (long)t.n;
	b->meetings++;

	/* decisions: most are approved, some rejected; on the last call some stay pending */
	for (int k = 0; k < nch; k++) {
		int64_t id = b->next_proposal++;
		struct mk_proposal got;
		const struct mk_proposal *want = &ps.v[k];
		int roll = rng_int(&b->r, 0, 99);

		if (last && roll < 45) {
			b->pending++;
			continue;
		}
		if (mk_store_proposal_get(b->st, id, &got, &dg) || !got.key || strcmp(got.key, want->key))
			die("the store numbered proposals otherwise than expected", &dg);
		mk_proposal_release(&got);
		if (mk_store_decide(b->st, id, roll >= 8, d->sellers[0], roll < 8 ? "not what was said" : NULL, &dg))
			die("decide", &dg);
		b->decided++;
		if (roll < 8)
			continue;
		if (ch[k].kind == MK_PROP_ADD_ITEM) {
			struct item *it = &d->items[d->nitems++];

			memset(it, 0, sizeof *it);
			it->id = b->next_item++;
			snprintf(it->action, sizeof it->action, "%s", want->action);
			snprintf(it->owner, sizeof it->owner, "%s", want->owner ? want->owner : "");
			it->side = want->side;
			it->has_due = want->has_due;
			it->due = want->due;
			it->status = MK_STATUS_OPEN;
			b->items++;
		} else if (ch[k].item >= 0) {
			struct item *it = &d->items[ch[k].item];

			if (ch[k].kind == MK_PROP_UPDATE_DUE) {
				it->has_due = 1;
				it->due = ch[k].due;
			} else {
				it->status = ch[k].kind == MK_PROP_MARK_DONE ? MK_STATUS_DONE :
					ch[k].kind == MK_PROP_MARK_BLOCKED ? MK_STATUS_BLOCKED : MK_STATUS_DROPPED;
			}
		}
	}
	mk_transcript_release(&t);
	mk_findings_release(&f);
	mk_proposals_release(&ps);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void gen_signature(const struct gen_opts *o, char *out, size_t n)
{
	snprintf(out, n, "generator %d seed %llx deals %d utterances %ld", GEN_VERSION,
		 (unsigned long long)GEN_SEED, o->deals, o->utterances);
}

/* Builds the whole store into a new database at path. */
static void store_build(const char *path, const struct gen_opts *o)
{
	struct builder b;
	struct mk_diag dg;
	struct deal *d = mk_calloc(1, sizeof *d);
	char sig[160];
	double t0 = now_ms();
	int per_deal_mean = (int)(o->utterances / o->deals);

	memset(&b, 0, sizeof b);
	mk_diag_clear(&dg);
	b.r.s = GEN_SEED;
	b.next_proposal = 1;
	b.next_item = 1;
	mk_buf_init(&b.line);
	if (mk_store_open(&b.st, path, &dg) || store_bulk(b.st, 1, &dg))
		die("open", &dg);
	printf("building %s: %d deals, %ld utterances (generator %d)\n", path, o->deals, o->utterances,
	       GEN_VERSION);
	fflush(stdout);
	for (int i = 0; i < o->deals; i++) {
		struct mk_deal md;
		int budget, ncalls, left;
		struct mk_date date;

		deal_make(i, d);
		memset(&md, 0, sizeof md);
		md.name = d->name;
		md.sellers = mk_sprintf("%s%s%s", d->sellers[0], d->nsellers > 1 ? "," : "",
					d->nsellers > 1 ? d->sellers[1] : "");
		md.seller_org = (char *)"Deskflow";
		md.seller_domain = (char *)"deskflow.com";
		md.buyer_org = d->name;
		if (mk_store_deal_add(b.st, &md, &dg))
			die("deal add", &dg);
		free(md.sellers);

		/* utterances of the deal: pairs of deals share 2 * mean exactly, so the total is exact */
		if (i % 2 == 0)
			budget = i + 1 == o->deals ? (int)(o->utterances - b.utterances) :
				rng_int(&b.r, per_deal_mean * 2 / 5, per_deal_mean * 8 / 5);
		else
			budget = (int)((long)per_deal_mean * (i + 1) - b.utterances);
		/* one to four calls, six now and then (about three on average, of about 35 lines
		 * each, from 10 to 150): 100 lines a deal is what 1,000,000 over 10,000 deals gives */
		ncalls = rng_int(&b.r, 1, 4);
		if (rng_pct(&b.r, 10))
			ncalls = 6;
		if (ncalls > budget / 10)
			ncalls = budget / 10 ? budget / 10 : 1;
		date = mk_date_add_days((struct mk_date){ 2025, 1, 6 }, rng_int(&b.r, 0, 540));
		left = budget;
		for (int c = 0; c < ncalls; c++) {
			int n = c == ncalls - 1 ? left : left / (ncalls - c);

			if (c < ncalls - 1)
				n = n * rng_int(&b.r, 50, 150) / 100;
			if (n < 1)
				n = 1;
			if (n > left - (ncalls - c - 1))
				n = left - (ncalls - c - 1);
			call_build(&b, i, d, c, ncalls, n, date);
			left -= n;
			date = mk_date_add_days(date, rng_int(&b.r, 5, 21));
		}
		if ((i + 1) % 1000 == 0) {
			printf("  %d deals, %ld calls, %ld utterances, %ld items, %.0f s\n", i + 1, b.meetings,
			       b.utterances, b.items, (now_ms() - t0) / 1000);
			fflush(stdout);
		}
	}
	gen_signature(o, sig, sizeof sig);
	if (mk_store_cursor_set(b.st, CURSOR_SOURCE, sig, &dg))
		die("cursor", &dg);
	mk_store_close(b.st);
	mk_buf_release(&b.line);
	free(d);
	printf("built: %d deals, %ld calls, %ld utterances, %ld plan items, %ld decisions, %ld pending"
	       " proposals in %.1f s\n", o->deals, b.meetings, b.utterances, b.items, b.decided, b.pending,
	       (now_ms() - t0) / 1000);
}

static void unlink_db(const char *path)
{
	static const char *const ext[] = { "", "-wal", "-shm" };
	size_t len = strlen(path);
	char *p = mk_malloc(len + 5);

	for (size_t i = 0; i < COUNT(ext); i++) {
		memcpy(p, path, len);
		memcpy(p + len, ext[i], strlen(ext[i]) + 1);
		unlink(p);
	}
	free(p);
}

/* Opens the store at path, building it first when it is missing or stale. */
static struct mk_store *store_ready(const char *path, const struct gen_opts *o, int rebuild)
{
	struct mk_store *st = NULL;
	struct mk_diag dg;
	struct stat sb;
	char sig[160], *have = NULL;

	mk_diag_clear(&dg);
	gen_signature(o, sig, sizeof sig);
	if (!rebuild && stat(path, &sb) == 0) {
		if (mk_store_open(&st, path, &dg) == MK_OK && mk_store_cursor_get(st, CURSOR_SOURCE, &have, &dg) == MK_OK &&
		    have && !strcmp(have, sig)) {
			printf("store: %s (%s)\n", path, sig);
			free(have);
			return st;
		}
		printf("store: %s is %s: rebuilding\n", path, have ? have : "of another kind or unfinished");
		free(have);
		mk_store_close(st);
		st = NULL;
	}
	unlink_db(path);
	store_build(path, o);
	if (mk_store_open(&st, path, &dg))
		die("open", &dg);
	return st;
}

/* ---- timing ---- */

struct bench_ctx {
	struct mk_store *st;
	const struct gen_opts *o;
	struct rng r;
	size_t rows;        /* rows the last run returned (summed over runs for the report) */
	char what[200];     /* the last run's parameters (--slow prints the slowest run's) */
};

typedef void (*bench_fn)(struct bench_ctx *c);

static void check(enum mk_err err, const char *what, const struct mk_diag *d)
{
	if (err)
		die(what, d);
}

/* A deal name drawn at random. */
static int rand_deal(struct bench_ctx *c, char *name, size_t n)
{
	int i = rng_int(&c->r, 0, c->o->deals - 1);

	deal_name(i, name, n);
	return i;
}

static struct mk_date rand_date(struct bench_ctx *c)
{
	return mk_date_add_days((struct mk_date){ 2025, 1, 6 }, rng_int(&c->r, 0, 700));
}

/* A page, as `query` and the API show it (MK_QUERY_LIMIT rows and how many more); a
 * library from before pages existed gives every row. */
static void q_run(struct bench_ctx *c, const struct mk_query *q)
{
	struct mk_query_row *rows = NULL;
	struct mk_diag d;
	size_t n = 0;

	snprintf(c->what, sizeof c->what, "deal=%s owner=%s side=%d status=%d overdue=%d slipped=%d"
		 " from=%d-%02d-%02d to=%d-%02d-%02d text=%s", q->deal ? q->deal : "-", q->owner ? q->owner : "-",
		 q->side, q->status, q->overdue, q->slipped, q->has_from ? q->from.y : 0, q->from.m, q->from.d,
		 q->has_to ? q->to.y : 0, q->to.m, q->to.d, q->text ? q->text : "-");
#ifdef MK_QUERY_LIMIT
	size_t more = 0;

	check(mk_store_query_page(c->st, q, 0, 0, &rows, &n, &more, &d), "query", &d);
#else
	check(mk_store_query(c->st, q, &rows, &n, &d), "query", &d);
#endif
	c->rows += n;
	mk_query_rows_free(rows, n);
}

static void q_init(struct mk_query *q)
{
	memset(q, 0, sizeof *q);
	q->side = -1;
	q->status = -1;
	q->as_of = (struct mk_date){ 2026, 3, 31 };
}

/* An owner: someone of a random deal (full or first name), or one of the sellers. */
static void b_query_owner(struct bench_ctx *c)
{
	struct mk_query q;
	struct deal d;
	char who[48];
	int kind = rng_int(&c->r, 0, 2);

	deal_make(rng_int(&c->r, 0, c->o->deals - 1), &d);
	if (kind == 0)
		snprintf(who, sizeof who, "%s", d.people[rng_next(&c->r) % (uint64_t)d.npeople].name);
	else if (kind == 1)
		snprintf(who, sizeof who, "%s", d.people[rng_next(&c->r) % (uint64_t)d.npeople].first);
	else
		snprintf(who, sizeof who, "%s", d.sellers[0]);
	q_init(&q);
	q.owner = who;
	q_run(c, &q);
}

static void b_query_side_status(struct bench_ctx *c)
{
	struct mk_query q;

	q_init(&q);
	q.side = rng_pct(&c->r, 50) ? MK_SIDE_BUYER : MK_SIDE_SELLER;
	q.status = rng_int(&c->r, 0, 3);
	q_run(c, &q);
}

static void b_query_overdue(struct bench_ctx *c)
{
	struct mk_query q;

	q_init(&q);
	q.overdue = 1;
	q.as_of = rand_date(c);
	q_run(c, &q);
}

static void b_query_slipped(struct bench_ctx *c)
{
	struct mk_query q;

	q_init(&q);
	q.slipped = 1;
	if (rng_pct(&c->r, 50))
		q.status = MK_STATUS_OPEN;
	q_run(c, &q);
}

static void b_query_due_range(struct bench_ctx *c)
{
	struct mk_query q;

	q_init(&q);
	q.has_from = q.has_to = 1;
	q.from = rand_date(c);
	q.to = mk_date_add_days(q.from, rng_int(&c->r, 1, 14));
	q_run(c, &q);
}

static void b_query_text(struct bench_ctx *c)
{
	static const char *const words[] = { "send", "security questionnaire", "roi model", "demo",
					     "sign-off", "pricing", "MSA", "checklist" };
	struct mk_query q;

	q_init(&q);
	q.text = PICK(&c->r, words);
	q_run(c, &q);
}

static void b_query_deal(struct bench_ctx *c)
{
	struct mk_query q;
	char name[64];

	q_init(&q);
	rand_deal(c, name, sizeof name);
	q.deal = name;
	if (rng_pct(&c->r, 50))
		q.status = MK_STATUS_OPEN;
	q_run(c, &q);
}

/* What `query --said` shows: the first SAID_LIMIT lines, and whether there are more. With
 * a speaker, a library from before mk_store_search_said_by gives every line to filter. */
static void said_run(struct bench_ctx *c, const char *deal, const char *words, const char *speaker)
{
	struct mk_said *rows = NULL;
	struct mk_diag d;
	size_t n = 0, kept = 0;

	snprintf(c->what, sizeof c->what, "deal=%s words=%s speaker=%s", deal ? deal : "-", words,
		 speaker ? speaker : "-");
#ifdef MK_QUERY_LIMIT
	check(mk_store_search_said_by(c->st, deal, speaker, words, SAID_LIMIT + 1, &rows, &n, &d), "said", &d);
	kept = n;
#else
	check(mk_store_search_said(c->st, deal, words, speaker ? 0 : SAID_LIMIT + 1, &rows, &n, &d), "said", &d);
	for (size_t i = 0; i < n && kept <= SAID_LIMIT; i++) {
		size_t len = speaker ? strlen(speaker) : 0;

		if (!speaker || mk_strieq(rows[i].speaker, speaker) ||
		    (mk_strnieq(rows[i].speaker, speaker, len) && rows[i].speaker[len] == ' '))
			kept++;
	}
#endif
	c->rows += kept > SAID_LIMIT ? SAID_LIMIT : kept;
	mk_said_free(rows, n);
}

static void b_said_rare(struct bench_ctx *c)
{
	char code[16];

	if (rng_pct(&c->r, 50)) {
		deal_code(rng_int(&c->r, 0, c->o->deals - 1), code, sizeof code);
		said_run(c, NULL, code, NULL);
	} else {
		said_run(c, NULL, PICK(&c->r, rare_words), NULL);
	}
}

static const char *const common_words[] = { "send", "budget", "pricing", "call", "security",
					     "send proposal", "security review" };
static const char *const stop_words[] = { "the", "we", "to", "I", "and", "the for" };

static void b_said_common(struct bench_ctx *c)
{
	said_run(c, NULL, PICK(&c->r, common_words), NULL);
}

static void b_said_stop(struct bench_ctx *c)
{
	said_run(c, NULL, PICK(&c->r, stop_words), NULL);
}

static void b_said_rare_deal(struct bench_ctx *c)
{
	char name[64], code[16];
	int i = rand_deal(c, name, sizeof name);

	if (rng_pct(&c->r, 50)) {
		deal_code(i, code, sizeof code);
		said_run(c, name, code, NULL);
	} else {
		said_run(c, name, PICK(&c->r, rare_words), NULL);
	}
}

static void b_said_common_deal(struct bench_ctx *c)
{
	char name[64];

	rand_deal(c, name, sizeof name);
	said_run(c, name, PICK(&c->r, common_words), NULL);
}

static void b_said_stop_deal(struct bench_ctx *c)
{
	char name[64];

	rand_deal(c, name, sizeof name);
	said_run(c, name, PICK(&c->r, stop_words), NULL);
}

/* A speaker: one of the sellers (on hundreds of deals), full or first name. */
static void said_speaker(struct bench_ctx *c, char *who, size_t n)
{
	const char *s = PICK(&c->r, seller_team)[0];

	if (rng_pct(&c->r, 50))
		snprintf(who, n, "%s", s);
	else
		snprintf(who, n, "%.*s", (int)strcspn(s, " "), s);
}

static void b_said_speaker(struct bench_ctx *c)
{
	char who[48];

	said_speaker(c, who, sizeof who);
	said_run(c, NULL, rng_pct(&c->r, 50) ? PICK(&c->r, common_words) : PICK(&c->r, stop_words), who);
}

static void b_said_speaker_deal(struct bench_ctx *c)
{
	char name[64], who[48];
	struct deal d;
	int i = rand_deal(c, name, sizeof name), k;

	/* one of the deal's sellers or people who speak, full or first name */
	deal_make(i, &d);
	k = rng_int(&c->r, -d.nsellers, d.npeople - 1);
	if (k < 0)
		snprintf(who, sizeof who, "%s", d.sellers[-k - 1]);
	else
		snprintf(who, sizeof who, "%s", rng_pct(&c->r, 50) ? d.people[k].name : d.people[k].first);
	said_run(c, name, rng_pct(&c->r, 50) ? PICK(&c->r, common_words) : PICK(&c->r, stop_words), who);
}

static void b_health_deal(struct bench_ctx *c)
{
	struct mk_health *v = NULL;
	struct mk_diag d;
	char name[64];
	size_t n = 0;

	rand_deal(c, name, sizeof name);
	check(mk_store_health(c->st, name, rand_date(c), &v, &n, &d), "health", &d);
	c->rows += n;
	mk_health_free(v, n);
}

static void b_health_all(struct bench_ctx *c)
{
	struct mk_health *v = NULL;
	struct mk_diag d;
	size_t n = 0;

	check(mk_store_health(c->st, NULL, rand_date(c), &v, &n, &d), "health", &d);
	c->rows += n;
	mk_health_free(v, n);
}

static void b_plan(struct bench_ctx *c)
{
	struct mk_plan p;
	struct mk_diag d;
	char name[64];

	rand_deal(c, name, sizeof name);
	check(mk_store_plan(c->st, name, &p, &d), "plan", &d);
	c->rows += p.nitems;
	mk_plan_release(&p);
}

static void b_pending(struct bench_ctx *c)
{
	struct mk_proposals ps;
	struct mk_diag d;
	char name[64];

	rand_deal(c, name, sizeof name);
	check(mk_store_pending(c->st, name, &ps, &d), "pending", &d);
	c->rows += ps.n;
	mk_proposals_release(&ps);
}

static void b_history_deal(struct bench_ctx *c)
{
	struct mk_revision *v = NULL;
	struct mk_diag d;
	char name[64];
	size_t n = 0;

	rand_deal(c, name, sizeof name);
	check(mk_store_history(c->st, name, 0, &v, &n, &d), "history", &d);
	c->rows += n;
	mk_revisions_free(v, n);
}

static int64_t max_item;

static void b_history_item(struct bench_ctx *c)
{
	struct mk_revision *v = NULL;
	struct mk_diag d;
	size_t n = 0;

	check(mk_store_history(c->st, NULL, 1 + (int64_t)(rng_next(&c->r) % (uint64_t)max_item), &v, &n, &d),
	      "history", &d);
	c->rows += n;
	mk_revisions_free(v, n);
}

static void b_deal_list(struct bench_ctx *c)
{
	struct mk_deal *v = NULL;
	struct mk_diag d;
	size_t n = 0;

	check(mk_store_deal_list(c->st, &v, &n, &d), "deal list", &d);
	c->rows += n;
	for (size_t i = 0; i < n; i++)
		mk_deal_release(&v[i]);
	free(v);
}

/* The review app's deals page: every deal with its health. */
static void b_deals_page(struct bench_ctx *c)
{
	b_deal_list(c);
	b_health_all(c);
}

/* What changed in a period (GET /api/changes shows at most CHANGES_LIMIT rows and asks
 * one more, to say whether there are more): every deal, by the calls' dates. */
#define CHANGES_LIMIT 1000
static void changes_run(struct bench_ctx *c, const char *deal, struct mk_date since, int ndays,
			enum mk_changes_by by)
{
	struct mk_changes_query q;
	struct mk_change *v = NULL;
	struct mk_diag d;
	size_t n = 0;

	memset(&q, 0, sizeof q);
	q.deal = deal;
	q.since = since;
	q.has_until = ndays > 0;
	q.until = mk_date_add_days(since, ndays - 1);
	q.by = by;
	q.limit = CHANGES_LIMIT + 1;
	snprintf(c->what, sizeof c->what, "deal=%s since=%d-%02d-%02d days=%d by=%s", deal ? deal : "-", since.y,
		 since.m, since.d, ndays, by == MK_CHANGES_BY_MEETING ? "meeting" : "decision");
	check(mk_store_changes(c->st, &q, &v, &n, &d), "changes", &d);
	c->rows += n;
	mk_changes_free(v, n);
}

static void b_changes_week(struct bench_ctx *c)
{
	changes_run(c, NULL, rand_date(c), 7, MK_CHANGES_BY_MEETING);
}

static void b_changes_month(struct bench_ctx *c)
{
	changes_run(c, NULL, rand_date(c), 30, MK_CHANGES_BY_MEETING);
}

/* One deal since a day, open-ended; by decision: every change of the deal (the store was
 * decided in one go, so any day up to its building finds them all). */
static void b_changes_deal(struct bench_ctx *c)
{
	char name[64];

	rand_deal(c, name, sizeof name);
	if (rng_pct(&c->r, 50))
		changes_run(c, name, rand_date(c), 0, MK_CHANGES_BY_MEETING);
	else
		changes_run(c, name, (struct mk_date){ 2025, 1, 1 }, 0, MK_CHANGES_BY_DECISION);
}

struct bench {
	const char *name;
	bench_fn fn;
	const char *what;
};

static const struct bench benches[] = {
	{ "query-owner", b_query_owner, "query --owner (full or first name, a buyer or a seller)" },
	{ "query-side-status", b_query_side_status, "query --side S --status S" },
	{ "query-overdue", b_query_overdue, "query --overdue --as-of D, every deal" },
	{ "query-slipped", b_query_slipped, "query --slipped [--status open]" },
	{ "query-due-range", b_query_due_range, "query --due-from D --due-to D" },
	{ "query-text", b_query_text, "query --text WORDS" },
	{ "query-deal", b_query_deal, "query --deal N [--status open]" },
	{ "said-rare", b_said_rare, "query --said RARE (a code name, a rare word)" },
	{ "said-common", b_said_common, "query --said COMMON (send, budget, ...)" },
	{ "said-stopword", b_said_stop, "query --said STOPWORD (the, we, to, ...)" },
	{ "said-rare-deal", b_said_rare_deal, "query --said RARE --deal N" },
	{ "said-common-deal", b_said_common_deal, "query --said COMMON --deal N" },
	{ "said-stopword-deal", b_said_stop_deal, "query --said STOPWORD --deal N" },
	{ "said-speaker", b_said_speaker, "query --said WORD --owner SPEAKER" },
	{ "said-speaker-deal", b_said_speaker_deal, "query --said WORD --owner SPEAKER --deal N" },
	{ "health-deal", b_health_deal, "health DEAL" },
	{ "health-all", b_health_all, "health (every deal)" },
	{ "plan", b_plan, "plan DEAL" },
	{ "pending-deal", b_pending, "review --deal N (pending proposals)" },
	{ "history-deal", b_history_deal, "history DEAL" },
	{ "history-item", b_history_item, "history ITEM" },
	{ "deal-list", b_deal_list, "deal list" },
	{ "deals-page", b_deals_page, "GET /api/deals (deal list + health of every deal)" },
	{ "changes-week", b_changes_week, "changes --since D --until D+6 (every deal, by meeting date)" },
	{ "changes-month", b_changes_month, "changes --since D --until D+29 (every deal, by meeting date)" },
	{ "changes-deal", b_changes_deal, "changes --deal N --since D [--by decision]" },
};

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static long rss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

int main(int argc, char **argv)
{
	const char *db = "build/bench/store.db", *out = NULL, *only = NULL;
	struct gen_opts o = { 10000, 1000000 };
	struct mk_store *st;
	struct mk_buf table;
	int runs = 200, rebuild = 0, met = 0, total = 0, show_slow = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--db") && i + 1 < argc)
			db = argv[++i];
		else if (!strcmp(argv[i], "--out") && i + 1 < argc)
			out = argv[++i];
		else if (!strcmp(argv[i], "--runs") && i + 1 < argc)
			runs = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--deals") && i + 1 < argc)
			o.deals = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--only") && i + 1 < argc)
			only = argv[++i];
		else if (!strcmp(argv[i], "--rebuild"))
			rebuild = 1;
		else if (!strcmp(argv[i], "--slow"))
			show_slow = 1;
		else {
			fprintf(stderr, "usage: bench_store [--db PATH] [--out FILE] [--runs N] [--deals N]"
				" [--only NAME] [--rebuild] [--slow]\n");
			return 2;
		}
	}
	if (runs < 1 || o.deals < 2) {
		fprintf(stderr, "bench_store: --runs and --deals want a number from 1 (2 deals)\n");
		return 2;
	}
	o.utterances = (long)o.deals * 100;
	{
		/* the folders of the database, as mkdir -p */
		char *dir = mk_strdup(db);

		for (char *p = strchr(dir + 1, '/'); p; p = strchr(p + 1, '/')) {
			*p = '\0';
			mkdir(dir, 0777);
			*p = '/';
		}
		free(dir);
	}
	st = store_ready(db, &o, rebuild);
	{
		struct mk_query q;
		struct mk_query_row *rows = NULL;
		struct mk_diag d;
		size_t n = 0;

		/* the highest item id, for history ITEM: the last deal's items are the newest */
		char name[64];
		q_init(&q);
		deal_name(o.deals - 1, name, sizeof name);
		q.deal = name;
		check(mk_store_query(st, &q, &rows, &n, &d), "query", &d);
		for (size_t i = 0; i < n; i++)
			if (rows[i].item.id > max_item)
				max_item = rows[i].item.id;
		mk_query_rows_free(rows, n);
		if (max_item < 1)
			max_item = 1;
	}

	mk_buf_init(&table);
	mk_buf_addf(&table, "# bench_store: %d deals, %ld utterances; %d runs per query (fewer, at least 20,"
		    " when they pass %.0f s); median and p99 in ms\n", o.deals, o.utterances, runs, BUDGET_MS / 1000);
	mk_buf_addf(&table, "# %-18s %10s %10s %10s %4s\n", "query", "median_ms", "p99_ms", "target<=50", "met");
	printf("\n%s", table.s);
	printf("%56s  rows/run  runs\n", "");
	for (size_t b = 0; b < COUNT(benches); b++) {
		struct bench_ctx c;
		double *ms, med, p99, t_start, slowest = 0;
		char slow_what[200] = "";
		char line[256];
		int warm = runs / 10 + 1, done;

		if (only && !strstr(benches[b].name, only))
			continue;
		ms = mk_calloc((size_t)runs, sizeof *ms);
		memset(&c, 0, sizeof c);
		c.st = st;
		c.o = &o;
		c.r.s = QUERY_SEED ^ (uint64_t)(b * 0x9e37u);
		/* a few untimed runs warm the cache; a slow query gets fewer runs (at least 20) */
		t_start = now_ms();
		for (int i = 0; i < warm && now_ms() - t_start < 5000; i++)
			benches[b].fn(&c);
		c.r.s = QUERY_SEED + (uint64_t)b;
		c.rows = 0;
		t_start = now_ms();
		for (done = 0; done < runs; done++) {
			double t0 = now_ms();

			if (done >= 20 && t0 - t_start > BUDGET_MS)
				break;
			benches[b].fn(&c);
			ms[done] = now_ms() - t0;
			if (ms[done] > slowest) {
				slowest = ms[done];
				snprintf(slow_what, sizeof slow_what, "%s", c.what);
			}
		}
		qsort(ms, (size_t)done, sizeof *ms, cmp_d);
		med = done % 2 ? ms[done / 2] : (ms[done / 2 - 1] + ms[done / 2]) / 2;
		p99 = ms[(size_t)((done * 99 + 99) / 100) - 1];
		total++;
		met += p99 <= TARGET_MS;
		snprintf(line, sizeof line, "%-20s %10.2f %10.2f %10s %4s", benches[b].name, med, p99, "<=50",
			 p99 <= TARGET_MS ? "yes" : "no");
		mk_buf_addf(&table, "%s\n", line);
		printf("%s  %8.0f %5d\n", line, (double)c.rows / done, done);
		if (show_slow && slow_what[0])
			printf("    slowest %.2f ms: %s\n", slowest, slow_what);
		fflush(stdout);
		free(ms);
	}
	mk_buf_addf(&table, "# %d of %d queries within 50 ms p99; peak RSS %ld MB\n", met, total, rss_kb() / 1024);
	printf("# %d of %d queries within 50 ms p99; peak RSS %ld MB\n", met, total, rss_kb() / 1024);
	printf("\nqueries:\n");
	for (size_t b = 0; b < COUNT(benches); b++)
		printf("  %-20s %s\n", benches[b].name, benches[b].what);
	mk_store_close(st);
	if (out) {
		FILE *f = fopen(out, "w");

		if (!f || fputs(table.s, f) < 0 || fclose(f)) {
			fprintf(stderr, "bench_store: %s: %s\n", out, strerror(errno));
			return 1;
		}
	}
	mk_buf_release(&table);
	return 0;
}
