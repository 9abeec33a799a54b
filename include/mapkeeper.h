/*
 * mapkeeper.h: the one public header of libmapkeeper.
 *
 * Owns the types and calls that cli/ (and any other program) may use: errors and
 * diagnostics, the normalized transcript and its readers (ingest/), date resolution
 * (extractor/when), rules and extraction (extractor/). Library code never prints,
 * exits or reads argv: every fallible call returns an enum mk_err and puts details
 * (file, line, message) into a struct mk_diag the caller passes.
 */
#ifndef MAPKEEPER_H
#define MAPKEEPER_H

#include <stddef.h>
#include <stdint.h>

/* ---- errors -------------------------------------------------------------- */

enum mk_err {
	MK_OK = 0,
	MK_ENOMEM,   /* out of memory (the allocator aborts; kept for completeness) */
	MK_EIO,      /* a file could not be read or written */
	MK_EFORMAT,  /* input is not in a format we read, or is malformed */
	MK_ETOOBIG,  /* input over a documented size limit */
	MK_EUTF8,    /* input is not valid UTF-8 */
	MK_EEMPTY,   /* input holds nothing to read */
	MK_EARG,     /* a bad argument */
	MK_ERULE,    /* a rule failed to load or compile, or an example failed */
	MK_EDATE,    /* a date expression could not be resolved */
	MK_EDB,      /* the store failed */
	MK_ENET,     /* a network call failed */
	MK_ENOTFOUND,/* the thing asked for does not exist */
	MK_ERR_COUNT
};

/* A short lower-case description of an error code ("malformed input"). */
const char *mk_strerror(enum mk_err err);

/*
 * Where and why something failed. msg follows the project's message grammar:
 * lower-case, no full stop, problem first. mk_diag_format() renders
 * "file:line: msg" (or "file: msg" when line is 0).
 */
struct mk_diag {
	char file[512];
	long line;
	char msg[512];
};

void mk_diag_clear(struct mk_diag *d);
void mk_diag_set(struct mk_diag *d, const char *file, long line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
const char *mk_diag_format(const struct mk_diag *d, char *out, size_t outlen);

/* ---- limits (every buffer of untrusted data has a cap) -------------------- */

#define MK_MAX_TRANSCRIPT_BYTES  (64u * 1024u * 1024u)  /* one transcript file */
#define MK_MAX_LINE_BYTES        (64u * 1024u)          /* one line of a transcript */
#define MK_MAX_UTTERANCES        (1000000u)             /* cues in one transcript */
#define MK_MAX_RULES_FILE_BYTES  (4u * 1024u * 1024u)   /* one rules file */

/* ---- transcripts (ingest/) ------------------------------------------------ */

enum mk_format {
	MK_FMT_UNKNOWN = 0,
	MK_FMT_ZOOM_VTT,   /* Zoom cloud recording WebVTT: numbered cues, "Name: text" */
	MK_FMT_TEAMS_VTT,  /* Teams WebVTT: <v Name>text</v> */
	MK_FMT_VTT,        /* WebVTT with no speaker labels */
	MK_FMT_SRT,        /* SubRip */
	MK_FMT_PLAIN,      /* "Name: text" lines, with or without [hh:mm:ss] stamps */
	MK_FMT_MARKDOWN,   /* "**Name:** text", "**Name** (00:01:02):", "### Name (00:01:02)" */
	MK_FMT_TEAMS_DOCX  /* a Teams .docx transcript: "Name   0:03" over each paragraph */
};

/* "zoom-vtt", "teams-vtt", "webvtt", "srt", "plain", "markdown", "teams-docx", "unknown" */
const char *mk_format_name(enum mk_format fmt);

struct mk_utterance {
	char *speaker;     /* never NULL: "" when nobody is named */
	int64_t start_ms;
	int64_t end_ms;
	char *text;        /* UTF-8, entities decoded, tags removed, spaces folded */
	long line;         /* line of the source file where the cue starts */
};

struct mk_transcript {
	char *path;                 /* as given ("-" for standard input) */
	enum mk_format format;
	char sha256[65];            /* identity: hex sha256 of the text with a BOM removed and
				       CRLF, CR -> LF (the raw bytes' digest for LF text) */
	char *start;                /* the meeting's start (ISO 8601) when the file or its
				       name gives one (Zoom's GMT20240124-202901_...), else NULL */
	struct mk_utterance *utt;
	size_t n, cap;
};

void mk_transcript_init(struct mk_transcript *t);
void mk_transcript_release(struct mk_transcript *t);
void mk_transcript_free(struct mk_transcript *t);

/*
 * Parses len bytes of data (a whole transcript export; the reader is chosen by
 * content). path is only for naming the input in t and in diagnostics.
 */
enum mk_err mk_transcript_parse(struct mk_transcript *t, const char *path,
				const char *data, size_t len, struct mk_diag *diag);

/* Reads path ("-" = standard input) up to MK_MAX_TRANSCRIPT_BYTES and parses it. */
enum mk_err mk_transcript_read_file(struct mk_transcript *t, const char *path,
				    struct mk_diag *diag);

/*
 * The language a call's text looks to be in (speaker names aside): by script (kana,
 * Hangul, Han, Cyrillic...) and, for Latin script, by the share of common function words
 * of English, German, French, Spanish, Portuguese, Italian and Dutch. Too little text to
 * tell counts as English. Rules are only English, so a call that is not gives no findings.
 */
struct mk_language {
	int english;                /* 1: English, or too little text to tell */
	const char *name;           /* "English", "German", "Japanese"... (static) */
	const char *code;           /* ISO 639-1: "en", "de", "ja"... (static) */
	size_t words;               /* Latin-script words counted */
	double english_share;       /* share of those that are common English words */
};
void mk_transcript_language(const struct mk_transcript *t, struct mk_language *out);

/* Renders ms as "HH:MM:SS.mmm" into out (at least 16 bytes). */
void mk_format_ms(int64_t ms, char *out, size_t outlen);

/* ---- dates (extractor/when) ----------------------------------------------- */

struct mk_date {
	int y, m, d;   /* a proleptic Gregorian calendar date; m and d from 1 */
};

/*
 * A resolved date expression. When is_window is 0, lo == hi == pick. pick is the
 * date inside [lo, hi] to use as a single due date (the deadline end of a window,
 * per docs/date-conventions.md). has_date is 0 for expressions that name no date
 * (ASAP, soon): they still match, with lo/hi/pick zeroed.
 */
struct mk_when {
	int has_date;
	int is_window;
	struct mk_date lo, hi, pick;
	size_t start, len;   /* byte span of the expression in the text searched */
};

/* Resolves a whole phrase ("next friday", "by March 15th"); MK_EDATE if it is not one. */
enum mk_err mk_when_resolve(const char *phrase, struct mk_date ref, struct mk_when *out);

/*
 * Finds the first date expression in text (the longest one starting at the earliest
 * word) and resolves it. Returns MK_ENOTFOUND when the text holds none.
 */
enum mk_err mk_when_find(const char *text, struct mk_date ref, struct mk_when *out);

/*
 * Calls fn for every date expression in text[0..len), left to right, not overlapping;
 * stops when fn returns non-zero. Returns how many were reported. text needs no NUL.
 */
typedef int (*mk_when_fn)(void *ctx, const struct mk_when *w);
size_t mk_when_scan(const char *text, size_t len, struct mk_date ref, mk_when_fn fn, void *ctx);

/*
 * Is a date that starts at text[len] said in a side clause, read back from it to the
 * clause's start within text[0..len): a condition or an embedded question ("if the PO
 * lands on the 10th", "whether he'd sign before the 27th") or the past ("since Friday",
 * "we had it done in January")? Such a date is not when the clause's speaker delivers.
 */
int mk_when_side_clause(const char *text, size_t len);

/* Does text[0..len) name a day of the calendar (a weekday, a month, a day of the month,
 * 3/15), not only a span from today ("in two weeks", "next month")? */
int mk_when_names_day(const char *text, size_t len);

/* ---- the calendar (util/calendar.c): every stage's date arithmetic ---------------- */

/* Parses "YYYY-MM-DD" (or the date part of an ISO 8601 timestamp); MK_EARG unless it is a
 * real day of the years 1900-2200. */
enum mk_err mk_date_parse(const char *s, struct mk_date *out);
/* The same for a day alone: exactly "YYYY-MM-DD", nothing after (*out unchanged on MK_EARG). */
enum mk_err mk_date_parse_day(const char *s, struct mk_date *out);
/* Renders "YYYY-MM-DD" into out (at least 11 bytes). */
void mk_date_format(struct mk_date d, char *out, size_t outlen);
/* Is y-m-d a real day of the years 1900-2200? */
int mk_date_valid(int y, int m, int d);
/* Days in month m (1-12) of year y. */
int mk_month_days(int y, int m);
/* Days since 1970-01-01 (negative before), and back. */
long mk_date_days(struct mk_date d);
struct mk_date mk_date_from_days(long days);
/* <0, 0, >0 as a is before, on or after b. */
int mk_date_cmp(struct mk_date a, struct mk_date b);
/* 0 = Monday ... 6 = Sunday */
int mk_date_weekday(struct mk_date d);
struct mk_date mk_date_add_days(struct mk_date d, int days);
/* Today's local date. */
struct mk_date mk_today(void);

/* ---- rules (extractor/rules) -------------------------------------------- */

struct mk_rules; /* the compiled rule set: see rules/FORMAT.md */

/*
 * Loads every *.rules file of dir (in name order), expands macros and compiles every
 * pattern with JIT. On failure diag names file:line and the PCRE2 message.
 */
enum mk_err mk_rules_load(struct mk_rules **out, const char *dir, struct mk_diag *diag);
void mk_rules_free(struct mk_rules *rs);
size_t mk_rules_count(const struct mk_rules *rs);

/*
 * Runs every rule's examples ("example:" must match, with the fields it names;
 * "counter:" must not). Calls report once per failure with the example's file:line
 * and a message; returns the number of failures and sets *nexamples.
 */
typedef void (*mk_rules_report_fn)(void *ctx, const char *file, long line, const char *msg);
size_t mk_rules_check(const struct mk_rules *rs, mk_rules_report_fn report, void *ctx,
		      size_t *nexamples);

/*
 * Where rules live when no directory is given: $MAPKEEPER_RULES, else rules/ beside
 * the executable (or one folder up, or its ../share/mapkeeper/rules), else the share
 * folder `make install` compiled in, else ./rules. Returns a new string.
 */
char *mk_rules_default_dir(void);

/* ---- extraction (extractor/) ---------------------------------------------- */

enum mk_side { MK_SIDE_UNKNOWN = 0, MK_SIDE_BUYER, MK_SIDE_SELLER };
const char *mk_side_name(enum mk_side side); /* "unknown", "buyer", "seller" */

struct mk_extract_opts {
	struct mk_date date;        /* the meeting's local date: relative dates resolve on it */
	const char *const *sellers; /* names of the selling team */
	size_t nsellers;
	const char *seller_domain;  /* e-mail domain of the selling team, or NULL */
	const char *seller_org;     /* "Routewise", or NULL */
	const char *buyer_org;
};

struct mk_evidence {
	char *speaker;
	int64_t start_ms, end_ms;   /* of the cue(s) quoted */
	char *quote;
	size_t utt_first, utt_last; /* indexes into the transcript's utterances */
};

struct mk_commitment {
	char *owner;                /* NULL when nobody can be named */
	enum mk_side side;
	char *action;
	int has_due;
	struct mk_date due;
	char *due_text;             /* the words that gave the date, or NULL */
	double confidence;
	const char *rule;           /* id of the rule that found it (owned by the rules) */
	struct mk_evidence ev;
};

struct mk_stakeholder {
	char *name;                 /* NULL when only a role is given ("our CFO") */
	char *role;                 /* NULL when not said */
	enum mk_side side;
	const char *rule;
	struct mk_evidence ev;
};

struct mk_risk {
	const char *category;       /* budget|timeline|competition|paper_process|stakeholder|technical|priority */
	char *text;
	const char *rule;
	struct mk_evidence ev;
};

struct mk_update {
	char *item;                 /* what the news is about, in the call's words */
	const char *change;         /* done|new_due|blocked|dropped */
	int has_due;
	struct mk_date due;
	const char *rule;
	struct mk_evidence ev;
	char *asked;                /* the question another speaker asked just before, or NULL:
				     * what "Yes, drop it." is about */
};

struct mk_date_mention {
	char *text;
	int has_date;
	struct mk_date value;
	struct mk_evidence ev;
};

/*
 * ---- the whole plan: what the call says beyond tasks (issue 14) ----
 * Found by rules of kinds goal, go_live, criterion, dependency, next_meeting and stance
 * (rules/FORMAT.md); extractor/goals.c (goal, go_live, criteria) and extractor/meetings.c
 * (dependencies, next meeting, stance). `extract` JSON adds "goal", "go_live",
 * "next_meeting" (an object or null) and "criteria", "dependencies", "stance" (arrays).
 */
struct mk_goal {                /* the outcome the buyer wants, in their words */
	char *text;                 /* "cut onboarding from three weeks to one" */
	const char *rule;
	struct mk_evidence ev;
};

struct mk_go_live {             /* the date the buyer wants to be live, or signed, by */
	const char *kind;           /* "live" (in use by) or "signed" (contract signed by); static */
	int has_date;
	struct mk_date date;        /* the deadline: a window's last day ("in Q3": Sep 30) */
	int is_window;
	struct mk_date lo, hi;      /* the window when is_window ("in March": Mar 1..Mar 31) */
	char *date_text;            /* the words that gave the date */
	const char *rule;
	struct mk_evidence ev;
};

struct mk_criterion {           /* what the buyer will judge success by */
	char *text;                 /* "95% of claims route without a touch" */
	const char *rule;
	struct mk_evidence ev;
};

struct mk_dependency {          /* one step waits on another: "security can't start until the NDA is signed" */
	char *waiting;              /* the step that waits: "security review" */
	char *on;                   /* what it waits on: "NDA signed" */
	const char *rule;
	struct mk_evidence ev;
};

struct mk_next_meeting {        /* the next checkpoint agreed: "the CFO on a call Thursday at ten" */
	int has_date;
	struct mk_date date;
	char *date_text;            /* the words that gave the date, or NULL */
	char *time;                 /* "10:00" (24-hour) when a time is said, else NULL */
	char *who;                  /* who is to be there, as said ("the CFO", "Dana"), or NULL */
	char *purpose;              /* what for ("walk through pricing"), or NULL */
	const char *rule;
	struct mk_evidence ev;
};

enum mk_stance {
	MK_STANCE_UNKNOWN = 0,
	MK_STANCE_CHAMPION,         /* sells it inside: "Dana's been pushing for this internally" */
	MK_STANCE_SUPPORTER,        /* for it: "our CFO likes what she's seen" */
	MK_STANCE_NEUTRAL,          /* undecided: "legal has no view yet" */
	MK_STANCE_SKEPTIC,          /* doubts it: "Raj isn't convinced the ROI is there" */
	MK_STANCE_BLOCKER,          /* against it: "procurement wants to kill this" */
	MK_STANCE_COUNT
};
/* "unknown", "champion", "supporter", "neutral", "skeptic", "blocker" */
const char *mk_stance_name(enum mk_stance s);
enum mk_err mk_stance_parse(const char *s, enum mk_stance *out);

struct mk_stance_finding {      /* what was said of a stakeholder's stance */
	char *name;                 /* NULL when only a role is given */
	char *role;                 /* NULL when not said */
	enum mk_side side;
	enum mk_stance stance;
	const char *rule;
	struct mk_evidence ev;
};

struct mk_speaker {
	char *name;
	enum mk_side side;
	size_t utterances;
};

struct mk_findings {
	struct mk_speaker *speakers;
	size_t nspeakers;
	struct mk_commitment *commitments;
	size_t ncommitments;
	struct mk_stakeholder *stakeholders;
	size_t nstakeholders;
	struct mk_risk *risks;
	size_t nrisks;
	struct mk_update *updates;
	size_t nupdates;
	struct mk_date_mention *dates;
	size_t ndates;
	/* the whole plan (issue 14; "the whole plan" below): each list in the order said */
	struct mk_goal *goals;             /* at most one: the call's clearest statement */
	size_t ngoals;
	struct mk_go_live *go_lives;       /* at most one: the last date the buyer set */
	size_t ngo_lives;
	struct mk_criterion *criteria;
	size_t ncriteria;
	struct mk_dependency *dependencies;
	size_t ndependencies;
	struct mk_next_meeting *next_meetings; /* at most one: the last one agreed */
	size_t nnext_meetings;
	struct mk_stance_finding *stances;
	size_t nstances;
};

void mk_findings_init(struct mk_findings *f);
void mk_findings_release(struct mk_findings *f);

/*
 * Runs the rules over a transcript: joins each speaker's consecutive cues, splits
 * sentences, finds commitments (with owners, sides and due dates), stakeholders,
 * risks, updates and dates, each with its evidence. Rules are only read: one
 * struct mk_rules can serve several threads.
 */
enum mk_err mk_extract(const struct mk_rules *rs, const struct mk_transcript *t,
		       const struct mk_extract_opts *opts, struct mk_findings *out,
		       struct mk_diag *diag);


/* ---- the plan and its proposals (merge/) ------------------------------------ */

/* The phases of a mutual action plan, in order (issue 14). */
enum mk_phase {
	MK_PHASE_DISCOVERY = 0,     /* discovery and validation: demos, requirements, references */
	MK_PHASE_PROOF,             /* proof of value: pilot, trial, POC, sandbox, its exit criteria */
	MK_PHASE_BUSINESS_CASE,     /* business case and approval: ROI, budget, CFO / board sign-off */
	MK_PHASE_PROCUREMENT,       /* procurement and legal: security review, MSA, DPA, NDA, insurance, PO */
	MK_PHASE_SIGNATURE,         /* signature and kickoff: order form, countersign, kickoff call */
	MK_PHASE_ONBOARDING,        /* onboarding: implementation, training, rollout, go-live */
	MK_PHASE_COUNT
};
/* "discovery", "proof", "business_case", "procurement", "signature", "onboarding" */
const char *mk_phase_name(enum mk_phase ph);
/* "Discovery and validation", "Proof of value", ... (for headings) */
const char *mk_phase_title(enum mk_phase ph);
enum mk_err mk_phase_parse(const char *s, enum mk_phase *out);
/* The phase an item's action belongs to, from its words (merge/phase.c); discovery when
 * nothing says otherwise. A pure function. */
enum mk_phase mk_phase_guess(const char *action);

enum mk_status { MK_STATUS_OPEN = 0, MK_STATUS_DONE, MK_STATUS_BLOCKED, MK_STATUS_DROPPED };
const char *mk_status_name(enum mk_status st);          /* "open", "done", "blocked", "dropped" */
enum mk_err mk_status_parse(const char *s, enum mk_status *out);

struct mk_item {                /* one line of a deal's mutual action plan */
	int64_t id;
	char *action;
	char *owner;                /* NULL when nobody is named */
	enum mk_side side;
	int has_due;
	struct mk_date due;
	enum mk_status status;
	int revisions;              /* changes since it was added */
	int slipped;                /* the due date moved at least once */
	char *updated_at;           /* ISO 8601, or NULL */
	int from_removed_call;      /* the call it came from was removed (call remove) */
	enum mk_phase phase;        /* from what it is (mk_phase_guess) unless set by hand */
	char *said;                 /* the sentence that promised it (its add_item's evidence),
				     * or NULL: merge/ knows an item by these words too */
};

struct mk_plan_person {
	char *name;                 /* NULL for a role alone ("our CFO") */
	char *role;
	enum mk_side side;
	int64_t id;                 /* people.id */
	enum mk_stance stance;      /* the last approved set_stance, or unknown */
	int met;                    /* spoke on one of the deal's calls */
};

struct mk_plan_criterion {
	int64_t id;
	char *text;
	int agreed;                 /* approved from a call (or added by hand) */
};

struct mk_plan_dependency {     /* item_id waits on depends_on_id (either 0 when not an item) */
	int64_t id;
	int64_t item_id;
	char *waiting;              /* the item's action, or the words said when item_id is 0 */
	int64_t depends_on_id;
	char *on;                   /* likewise */
};

struct mk_plan_risk {
	int64_t id;
	char *category;
	char *text;
	int shareable;              /* shown on the buyer's page (share link) */
};

struct mk_plan {
	struct mk_item *items;
	size_t nitems, capitems;
	struct mk_plan_person *people;
	size_t npeople, cappeople;
	struct mk_plan_risk *risks;
	size_t nrisks, caprisks;
	/* the whole plan (issue 14): each from its last approved proposal (or hand edit) */
	char *goal;                 /* NULL: none yet */
	int has_go_live;
	struct mk_date go_live;
	char *go_live_kind;         /* "live" or "signed" */
	struct mk_plan_criterion *criteria;
	size_t ncriteria, capcriteria;
	struct mk_plan_dependency *deps;
	size_t ndeps, capdeps;
	int has_next_meeting;
	struct mk_date next_meeting;
	char *next_meeting_time;    /* "10:00", or NULL */
	char *next_meeting_who;     /* or NULL */
	char *next_meeting_purpose; /* or NULL */
	int has_ack;                /* the buyer acknowledged the plan (share link) */
	char *ack_at;               /* the last acknowledgement: when (UTC ISO 8601) */
	char *ack_by;               /* and the name typed */
	int64_t version;            /* the plan's version: its deal's latest decision id (0: none) */
};

void mk_plan_init(struct mk_plan *p);
void mk_plan_release(struct mk_plan *p);

enum mk_prop_kind {
	MK_PROP_ADD_ITEM = 0,
	MK_PROP_UPDATE_DUE,
	MK_PROP_MARK_DONE,
	MK_PROP_MARK_BLOCKED,
	MK_PROP_MARK_DROPPED,
	MK_PROP_ADD_STAKEHOLDER,
	MK_PROP_ADD_RISK,
	MK_PROP_SET_GOAL,           /* text: the goal */
	MK_PROP_SET_GO_LIVE,        /* due: the date; category: "live" or "signed"; text: the words */
	MK_PROP_ADD_CRITERION,      /* text: the criterion */
	MK_PROP_ADD_DEPENDENCY,     /* item_id (or 0) / action: what waits; depends_on_id (or 0) / text: on what */
	MK_PROP_SET_NEXT_MEETING,   /* due: the date (may be none); time; name: who; text: what for */
	MK_PROP_SET_STANCE,         /* name, role, side: the person; category: the stance (mk_stance_name) */
	MK_PROP_KIND_COUNT
};
/* "add_item", "update_due", "mark_done", "mark_blocked", "mark_dropped", "add_stakeholder", "add_risk",
 * "set_goal", "set_go_live", "add_criterion", "add_dependency", "set_next_meeting", "set_stance" */
const char *mk_prop_kind_name(enum mk_prop_kind k);
enum mk_err mk_prop_kind_parse(const char *s, enum mk_prop_kind *out);

struct mk_proposal {
	int64_t id;                 /* in the store; 0 before it is stored */
	enum mk_prop_kind kind;
	int64_t item_id;            /* the plan item it changes; 0 for the add_* kinds; -P: the
				       item pending add_item proposal P would add (see "the plan
				       as it will be" in "one call, from transcript to proposals") */
	char *action;               /* add_item: the action; others: the item's action, for people */
	char *owner;
	enum mk_side side;
	int has_due;                /* add_item, update_due: the (new) due date */
	struct mk_date due;
	int has_old_due;            /* update_due: the date it replaces */
	struct mk_date old_due;
	char *name, *role;          /* add_stakeholder */
	char *category, *text;      /* add_risk */
	double confidence;
	struct mk_evidence ev;      /* speaker, start, end, quote (utt_* unused once stored) */
	char *meeting;              /* the meeting's label (file name or topic), when known */
	char *key;                  /* what the evidence is: the same key is never proposed twice */
	char *status;               /* "pending", "approved", "rejected" (from the store) */
	char *deal;                 /* the deal's name (from the store), or NULL */
	char *time;                 /* set_next_meeting: "HH:MM", or NULL */
	int64_t depends_on_id;      /* add_dependency: the item waited on (-P: pending add_item P), or 0 */
};

struct mk_proposals {
	struct mk_proposal *v;
	size_t n, cap;
};

void mk_proposals_init(struct mk_proposals *ps);
void mk_proposals_release(struct mk_proposals *ps);
void mk_proposal_release(struct mk_proposal *p);

/*
 * A pure function: the findings of one call and the deal's current plan -> the changes to
 * propose. A finding about an item already on the plan updates it (due moved, done,
 * blocked, dropped) and never adds a duplicate; matching uses side, owner and the action's
 * words (normalized, with common synonyms). meeting_key (the transcript's sha256) makes
 * each proposal's key, so the same evidence is proposed once whatever happens to it.
 */
enum mk_err mk_merge(const struct mk_plan *plan, const struct mk_findings *f,
		     const char *meeting_key, struct mk_proposals *out);

/*
 * Applies one approved proposal to an in-memory plan (what the store does in SQL).
 * An add_item gets new_item_id. MK_ENOTFOUND when the item it names is not there.
 */
enum mk_err mk_plan_apply(struct mk_plan *plan, const struct mk_proposal *p, int64_t new_item_id);

/*
 * Puts a plan's items in the order mk_store_plan gives them (buyer, seller, unknown side;
 * by due date, none last; oldest first), pending items (id -P: "the plan as it will be",
 * in "one call, from transcript to proposals") after the stored ones in the order of
 * their proposals: the order they would have once approved.
 */
void mk_plan_order(struct mk_plan *plan);

/* ---- the store (store/): every SQL statement lives there -------------------- */

struct mk_store; /* an open database: SQLite by default */

/* Where the database is when no --db is given: $MAPKEEPER_DB, else ./mapkeeper.db. */
char *mk_store_default_path(void);

/* Opens (creating and migrating) the database at path. Clear errors for a locked,
 * read-only or full database name the file. */
enum mk_err mk_store_open(struct mk_store **out, const char *path, struct mk_diag *diag);
/* As mk_store_open, but never makes a database: a missing file is MK_ENOTFOUND ("no
 * database here", naming it) and nothing is created. What commands that only read use. */
enum mk_err mk_store_open_existing(struct mk_store **out, const char *path, struct mk_diag *diag);
void mk_store_close(struct mk_store *st);

struct mk_deal {
	int64_t id;
	char *name;
	char *sellers;              /* "Name A,Name B" */
	char *seller_domain, *seller_org, *buyer_org;   /* each may be NULL */
	char *created_at;
	char *buyer_domain;         /* the buyer's e-mail domain, or NULL (sync matches calls by it) */
};
void mk_deal_release(struct mk_deal *d);

/* MK_EARG (with a message) when a deal of that name exists. */
enum mk_err mk_store_deal_add(struct mk_store *st, const struct mk_deal *d, struct mk_diag *diag);
/* MK_ENOTFOUND when there is no such deal. */
enum mk_err mk_store_deal_get(struct mk_store *st, const char *name, struct mk_deal *out,
			      struct mk_diag *diag);
enum mk_err mk_store_deal_list(struct mk_store *st, struct mk_deal **out, size_t *n,
			       struct mk_diag *diag);

/* Is a transcript with this sha256 already stored (for any deal)? */
enum mk_err mk_store_meeting_known(struct mk_store *st, const char *sha256, int *known,
				   struct mk_diag *diag);

struct mk_ingest_result {
	int64_t meeting_id;
	int already;                /* the same transcript was stored before: nothing changed */
	size_t nproposals;          /* proposals stored (those seen before are not) */
};

/*
 * Stores one call in one transaction: the meeting (start: ISO 8601), its utterances
 * (searchable), its findings and the proposals (a proposal whose key is already stored,
 * in any state, is skipped). The people and risks it named reach the plan only through
 * their approved proposals. A proposal with item_id -P is stored tied to the deal's
 * pending add_item proposal P (MK_EARG when P is not one).
 */
enum mk_err mk_store_ingest(struct mk_store *st, const char *deal, const struct mk_transcript *t,
			    const char *start, const struct mk_findings *f,
			    const struct mk_proposals *ps, struct mk_ingest_result *out,
			    struct mk_diag *diag);

/* The deal's current plan: items (with revision counts and slip marks), people, open risks. */
enum mk_err mk_store_plan(struct mk_store *st, const char *deal, struct mk_plan *out,
			  struct mk_diag *diag);

/* Pending proposals of one deal (NULL: every deal), oldest first. */
enum mk_err mk_store_pending(struct mk_store *st, const char *deal, struct mk_proposals *out,
			     struct mk_diag *diag);
enum mk_err mk_store_proposal_get(struct mk_store *st, int64_t id, struct mk_proposal *out,
				  struct mk_diag *diag);

/*
 * Approves (changing the plan and writing a revision) or rejects a pending proposal, in
 * one transaction, recording who decided and when. MK_ENOTFOUND: no such proposal;
 * MK_EARG: it was decided already, or cannot be approved as it stands
 * (mk_store_approve_check). A stakeholder or risk enters the plan only here, when its
 * proposal is approved. Approving a proposal tied to a pending add_item (item_id < 0)
 * approves that add_item first; rejecting an add_item withdraws the pending proposals
 * tied to it (rejected, with the reason "withdrawn: ...").
 */
enum mk_err mk_store_decide(struct mk_store *st, int64_t id, int approve, const char *who,
			    const char *reason, struct mk_diag *diag);

/*
 * Can proposal id be approved as it stands, as a proposal of deal (NULL: any deal)? MK_OK;
 * MK_ENOTFOUND (no such proposal) or MK_EARG with diag saying why (of another deal, decided
 * already, no action, about an item whose proposal has no action or was rejected). When
 * giving a proposal an action would make it approvable, *needs_action (when not NULL) is
 * that proposal's id, else 0. Changes nothing.
 */
enum mk_err mk_store_approve_check(struct mk_store *st, int64_t id, const char *deal,
				   int64_t *needs_action, struct mk_diag *diag);

/* Changes a pending proposal's owner, due ("YYYY-MM-DD" or "" to clear) or action; NULL
 * leaves a field as it is. */
enum mk_err mk_store_edit(struct mk_store *st, int64_t id, const char *owner, const char *due,
			  const char *action, const char *who, struct mk_diag *diag);


/* ---- managers' questions (store/) --------------------------------------------- */

struct mk_query {
	const char *deal;           /* NULL: every deal */
	const char *owner;          /* full name or first name; NULL: anyone */
	int side;                   /* enum mk_side, or -1: either */
	int status;                 /* enum mk_status, or -1: any */
	int overdue;                /* open items due before as_of */
	struct mk_date as_of;
	int slipped;                /* items whose due moved at least once */
	int has_from, has_to;       /* due date range */
	struct mk_date from, to;
	const char *text;           /* words in the action (all must appear); NULL: any */
	/* the whole plan (issue 14): filters by deal, 0: off */
	int no_next_meeting;        /* deals with no next meeting on or after as_of */
	int past_go_live;           /* deals whose critical path ends after go-live (slack < 0, mk_plan_backward) */
};

struct mk_query_row {
	char *deal;
	struct mk_item item;
};

enum mk_err mk_store_query(struct mk_store *st, const struct mk_query *q, struct mk_query_row **out,
			   size_t *n, struct mk_diag *diag);
void mk_query_rows_free(struct mk_query_row *rows, size_t n);

/*
 * A page of mk_store_query's rows, in the same order: the first limit rows (0: the default,
 * MK_QUERY_LIMIT) after skipping offset. *more (when not NULL): how many match after this
 * page. mk_store_query returns every row, which across 10,000 deals can be 100,000; a
 * page of 500 takes a few milliseconds whatever the store's size.
 */
#define MK_QUERY_LIMIT 500
enum mk_err mk_store_query_page(struct mk_store *st, const struct mk_query *q, size_t offset,
				size_t limit, struct mk_query_row **out, size_t *n, size_t *more,
				struct mk_diag *diag);

struct mk_said {                /* a line said on a call, found by full-text search */
	char *deal;
	char *meeting;
	char *meeting_start;
	char *speaker;
	int64_t start_ms;
	char *text;
};

/*
 * The lines of deal (NULL: every deal) holding every word of words (plain words, not query
 * syntax; any case, accents ignored, any order; a word ending in '*' is a prefix; the
 * speaker's name counts), in call then time order; only those whose speaker is speaker
 * (NULL: anyone): the full name or the first name, any case, blanks around it ignored (as
 * mk_query's owner). At most limit rows (0: every one), so `query --said W --owner N`
 * needs no filtering of every line after. MK_EARG when words holds no word, MK_ENOTFOUND
 * when deal names no deal. The one full-text search (store/search.c).
 */
enum mk_err mk_store_search_said_by(struct mk_store *st, const char *deal, const char *speaker,
				    const char *words, size_t limit, struct mk_said **out, size_t *n,
				    struct mk_diag *diag);
void mk_said_free(struct mk_said *rows, size_t n);

struct mk_revision {            /* one change of a plan item, with what caused it */
	char *deal;
	int64_t item_id;
	char *action;               /* the item's action now */
	char *field;                /* "created", "due", "status", "owner", "action" */
	char *old_value, *new_value;
	char *at, *by;
	char *meeting;              /* the call whose words caused it, when one did */
	char *speaker;
	int64_t start_ms;
	char *quote;
	/* where it came from: "call", "removed call" (its call was removed), "hand" (an item
	 * edit), "proposal edit" (field old -> new of proposal_id before it was decided), or a
	 * decision: "undo", "deal rename", "call remove" (new_value: what it did) */
	/* (issue 15) or the CRM whose change, pulled, was approved: "salesforce", "hubspot" */
	char *source;
	int64_t decision_id;        /* the decision behind it (undo DECISION-ID), or 0 */
	char *note;                 /* the note given with it, or NULL */
	int64_t proposal_id;        /* the proposal behind it, or 0 */
};

/* Revisions of one item (item_id > 0) or of every item of a deal, oldest first; for a
 * deal, also the edits of its proposals and its undos, renames and removed calls. */
enum mk_err mk_store_history(struct mk_store *st, const char *deal, int64_t item_id,
			     struct mk_revision **out, size_t *n, struct mk_diag *diag);
void mk_revisions_free(struct mk_revision *rows, size_t n);

struct mk_health {
	char *deal;
	size_t items, buyer_items, open_items, overdue, slipped;
	size_t stakeholders_named, stakeholders_met;  /* named on calls; spoke on a call */
	size_t open_risks;
	int days_since_change;      /* since the plan last changed; -1: never */
	size_t pending;             /* proposals waiting for review */
	int has_next_step;          /* 0: no open item is due on or after as_of (a warning) */
	struct mk_date next_step;   /* the earliest due date of the open items due from as_of */
	char *next_step_action;     /* that item's action (the first by id on the day), or NULL */
	int has_next_meeting;       /* 0: no next meeting on the plan, or only one before as_of */
	struct mk_date next_meeting;
	/* the whole plan (issue 14) */
	int has_go_live;
	struct mk_date go_live;
	int has_slack;              /* go-live set and an open item has a date */
	int slack_days;             /* go_live minus the critical path's end (mk_plan_backward); < 0: past go-live */
	int has_ack;                /* the buyer acknowledged the plan at least once */
	char *ack_at;               /* the last acknowledgement (UTC ISO 8601) */
	size_t criteria;            /* success criteria on the plan */
};

/* Per deal (deal NULL: every deal), as of a date, in name order. */
enum mk_err mk_store_health(struct mk_store *st, const char *deal, struct mk_date as_of,
			    struct mk_health **out, size_t *n, struct mk_diag *diag);
void mk_health_free(struct mk_health *rows, size_t n);

/* Holds the write lock across several store calls, so what a caller reads (a deal's plan,
 * its pending proposals) cannot change before it writes what it worked out from them
 * (ingest: merge against the plan, then store). Store calls inside nest in it; end
 * commits (commit != 0) or rolls everything back. */
enum mk_err mk_store_write_begin(struct mk_store *st, struct mk_diag *diag);
enum mk_err mk_store_write_end(struct mk_store *st, int commit, struct mk_diag *diag);

/* ---- one call, from transcript to proposals (pipeline/call.c, pipeline/batch.c) ------ */

/* A list of names "A, B" split at commas and trimmed (a deal's selling team);
 * mk_names_free frees it. */
struct mk_names {
	char **v;
	size_t n;
};
void mk_names_split(const char *s, struct mk_names *out);
void mk_names_free(struct mk_names *n);

/*
 * The meeting's date: flag ("YYYY-MM-DD" or ISO 8601) when given, else the start the file
 * gives, else today. Sets *date, points *start at the text to report (buf holds it when
 * made here) and *source at "flag", "file" or "today". MK_EARG: the flag does not parse.
 */
enum mk_err mk_meeting_date(const char *flag, const struct mk_transcript *t, struct mk_date *date,
			    const char **start, const char **source, char *buf, size_t buflen);

/*
 * The plan as it will be, and the negative ids of pending additions. A call's findings are
 * merged (mk_merge) not against the stored plan alone but against the plan as it will be
 * once everything waiting for review is approved: the stored plan (mk_store_plan) with
 * every pending proposal of the deal applied, oldest first (mk_plan_apply), in the order
 * the store would give it (mk_plan_order). On it, a pending add_item proposal P is the item
 * whose id is -P (mk_plan_apply(plan, P, -P.id)); a negative item id is never a stored
 * item, it always means "the item P would add". So news in a later call about that item (a
 * due date moved, done, blocked, dropped) becomes a proposal with item_id -P (merge/ copies
 * the item's id), never a second add_item for the same promise, and a person or risk
 * waiting for review is not proposed again. mk_store_ingest stores a proposal with item_id
 * -P tied to P (MK_EARG unless P is a pending add_item of the same deal); mk_store_pending
 * and mk_store_proposal_get give it back with item_id -P while P is pending (review shows
 * "item of #P (pending)", its JSON "item_proposal_id": P). Approving P (mk_store_decide)
 * makes the real item and sets its id on P and on every pending proposal tied to it, which
 * from then on change that item like any other; approving a tied proposal approves P
 * first; rejecting P, or removing its call (mk_store_call_remove), withdraws the tied ones
 * (rejected, "withdrawn: ..."). mk_call_store does this merge under the write lock.
 */

/* What was done with one call. */
struct mk_call_result {
	int already;                /* the same transcript was stored before: nothing changed */
	const char *start;          /* the meeting's start as stored (points into t, date or buf) */
	const char *source;         /* where the date came from: "flag", "file" or "today" */
	char buf[40];
	const char *language;       /* not NULL: the call is not English (this name): no findings */
	struct mk_ingest_result res;
	size_t ncommitments, nstakeholders, nrisks, nupdates;
};

/* How mk_call_extract dates a call (flags, or-ed; 0: date, else the file's own date). */
enum mk_call_flags {
	MK_CALL_DATE_FROM_NAME = 1, /* the file's own date wins over date (--date-from-name) */
	MK_CALL_DATE_TODAY = 2,     /* a call with no date is dated today (`extract`), not refused */
};

/*
 * The extraction half of ingesting a call: the meeting's date (date as mk_meeting_date's
 * flag, else the file's own date; flags: enum mk_call_flags; a call with neither is MK_EARG
 * with a one-line message, never today unless MK_CALL_DATE_TODAY) and its findings with the
 * deal's selling team (deal->sellers, seller_domain, seller_org, buyer_org; nothing else of
 * it is read). A call not in English gets no findings (out->language names its language).
 * Uses no store: safe to run on many threads at once with one mk_rules. MK_EDATE: date does
 * not parse.
 */
enum mk_err mk_call_extract(const struct mk_rules *rs, const struct mk_deal *deal, const struct mk_transcript *t,
			    const char *date, int flags, struct mk_findings *f, struct mk_call_result *out,
			    struct mk_diag *diag);

/*
 * The writing half: under the store's write lock, merges the findings against the plan as
 * it will be (the stored plan with every pending proposal applied) and stores the call,
 * its findings and the proposals in one transaction. Calls of one deal must be stored in
 * the order they were held.
 */
enum mk_err mk_call_store(struct mk_store *st, const struct mk_deal *deal, const struct mk_transcript *t,
			  const struct mk_findings *f, struct mk_call_result *out, struct mk_diag *diag);

/* Both halves, as `mapkeeper ingest` does for one file; a transcript stored before (same
 * sha256) changes nothing (out->already). */
enum mk_err mk_call_ingest(struct mk_store *st, const struct mk_rules *rs, const struct mk_deal *deal,
			   const struct mk_transcript *t, const char *date, struct mk_call_result *out,
			   struct mk_diag *diag);

/* Many calls of one deal in one run (pipeline/batch.c): what mk_calls_ingest reports for
 * each, in the order given, on the caller's thread. Valid during the callback only. */
struct mk_calls_done {
	size_t index;               /* 0 for the first path given */
	const char *path;
	const struct mk_transcript *t;      /* as read (t->sha256 is "" when it could not be) */
	int known;                  /* a transcript with its sha256 was stored before this run
				       came to it: nothing was done (r->already is set too) */
	enum mk_err err;            /* MK_OK: stored (or known); else why not, with diag */
	const struct mk_diag *diag;
	const struct mk_call_result *r;     /* what mk_call_store did (when err is MK_OK) */
};

#define MK_CALLS_MAX_THREADS 64

struct mk_calls_opts {
	const char *date;           /* as mk_call_extract's date and flags, for every call */
	int flags;
	unsigned threads;           /* extracting threads, 1 (all on the caller's) to
				       MK_CALLS_MAX_THREADS (more are that many) */
	/* each call once stored (or failed), in the order given; NULL: not told */
	void (*done)(void *ctx, const struct mk_calls_done *c);
	/* stage "reading", "extracting" or "storing" of call index (of n) begins; on the
	 * caller's thread; mb is the file's size in MB; NULL: not told */
	void (*progress)(void *ctx, size_t index, size_t n, const char *stage, const char *path, double mb);
	void *ctx;
};

/*
 * Ingests paths[0..n) into deal: up to o->threads workers read and extract the calls ahead
 * (at most twice as many calls ahead as there are threads, so memory stays bounded) while
 * the caller's thread stores them in the order given, so the plan comes out exactly as on
 * one thread, a transcript stored before changes nothing, and a call that fails (unreadable,
 * no date, the store) fails alone. Returns the first call's error (each is told to o->done),
 * else MK_OK. Prints nothing.
 */
enum mk_err mk_calls_ingest(struct mk_store *st, const struct mk_rules *rs, const struct mk_deal *deal,
			    const char *const *paths, size_t n, const struct mk_calls_opts *o);

/* ---- call sources and sync (pipeline/sync.c) ------------------------------------- */

/*
 * A call source lists the calls recorded in a range of days and fetches each one's
 * transcript: "zoom" (Server-to-Server OAuth, cloud recordings) or "teams" (Microsoft
 * Graph). Both run over one client skeleton (ingest/source.c); docs/sync.md has the
 * configuration. Secrets never reach a message.
 */
struct mk_source_call {
	const char *source;         /* "zoom" or "teams" (static) */
	char *external_id;          /* zoom: the meeting's uuid; teams: the transcript's id */
	char *meeting_id;           /* zoom: the numeric meeting id; teams: meetingId */
	char *topic;                /* or NULL */
	char *start;                /* ISO 8601, or NULL */
	char *timezone;             /* IANA name, or NULL */
	char **attendees;           /* e-mail addresses */
	size_t nattendees;
	char *download_url;         /* fetched with the service's bearer token */
	char **names;               /* zoom: the participants' display names */
	size_t nnames;
};
struct mk_source_calls {
	struct mk_source_call *v;
	size_t n, cap;
};
void mk_source_calls_release(struct mk_source_calls *cs);

struct mk_source;
/* Is name a source mk_source_open knows ("zoom", "teams")? */
int mk_source_known(const char *name);
/*
 * Opens source name with its configuration: the environment, then the KEY=VALUE file at
 * config (NULL: $MAPKEEPER_CONFIG when set). A file group or others may read is refused;
 * its messages never hold a value. Connects to nothing yet.
 */
enum mk_err mk_source_open(const char *name, const char *config, struct mk_source **out,
			   struct mk_diag *diag);
/*
 * Appends to calls every call recorded from..to ("YYYY-MM-DD", inclusive: from is the
 * cursor): Zoom's range in windows of 30 days (each meeting once), Teams for every
 * organizer of MS_USER_ID ("id1,id2"), with their attendees.
 */
enum mk_err mk_source_list(struct mk_source *src, const char *from, const char *to,
			   struct mk_source_calls *calls, struct mk_diag *diag);
/* Downloads a call's transcript and reads it into t (labelled "zoom:<meeting id>" or
 * "teams:<transcript id>"). */
enum mk_err mk_source_fetch(struct mk_source *src, const struct mk_source_call *c,
			    struct mk_transcript *t, struct mk_diag *diag);
void mk_source_close(struct mk_source *src);

/*
 * A deal map (pipeline/dealmap.c): lines `topic PATTERN -> DEAL` (PCRE2, the rules'
 * dialect, any case, on the meeting's topic) and `domain example.com -> DEAL` (an
 * attendee's e-mail domain, any case); empty lines and lines starting with '#' skipped.
 * Each pattern is compiled once. A bad line is MK_EFORMAT "sync: NAME:LINE: ...", one line
 * saying what to change (POSIX-only constructs included).
 */
struct mk_deal_map;
enum mk_err mk_deal_map_parse(const char *name, const char *text, size_t len, struct mk_deal_map **out,
			      struct mk_diag *diag);
enum mk_err mk_deal_map_load(const char *path, struct mk_deal_map **out, struct mk_diag *diag);
size_t mk_deal_map_size(const struct mk_deal_map *m);
/* The deal of the map's first line that matches, or NULL. Safe on many threads. */
const char *mk_deal_map_match(const struct mk_deal_map *m, const struct mk_source_call *c);
void mk_deal_map_free(struct mk_deal_map *m);

/* A UTC start ("2026-03-03T23:30:00Z") in the meeting's zone ("America/New_York") as ISO
 * 8601 with its offset, a new string; NULL when there is nothing to convert. Sets TZ for
 * the time of the call (and puts it back): not for a program with threads. */
char *mk_local_start(const char *start, const char *zone);

/* What `mapkeeper sync` is asked to do. */
struct mk_sync_opts {
	const char *source;         /* "zoom" or "teams" */
	const char *since;          /* "YYYY-MM-DD"; NULL: the cursor, else 30 days back */
	const char *deal;           /* every call goes to this deal; or NULL */
	const char *deal_map;       /* a deal map file (not with deal); or NULL */
	const char *config;         /* as mk_source_open's */
	const char *rules_dir;      /* NULL: mk_rules_default_dir() */
};

/* One listed call and what became of it. */
struct mk_sync_meeting {
	char *external_id;
	char *start;                /* or NULL */
	char *deal;                 /* or NULL */
	char *status;               /* "ingested", "already ingested", "no deal", "error: MSG" */
};

struct mk_sync_result {
	size_t fetched, ingested, skipped, errors;
	struct mk_sync_meeting *v;  /* fetched of them, in the order listed */
	size_t n;
	enum mk_err cursor_err;     /* the cursor could not move (the run's diag says why) */
};
void mk_sync_result_release(struct mk_sync_result *r);

/*
 * Syncing a source: open reads the configuration and the deal map (no store, no network);
 * run checks the deal (MK_ENOTFOUND "no deal 'X' (add it with: ...)"), loads the rules,
 * lists from..today (from: opts' since, else the source's cursor, else 30 days back),
 * finds each call's deal (opts' deal; else the map's first matching line; else the first
 * deal by name whose buyer domain is an attendee's; else a deal named in the topic),
 * fetches it and ingests it with mk_call_ingest, its start in the meeting's own time zone.
 * A call's failure is its status; the cursor moves to today only when none failed.
 * MK_OK means *out is filled; any other error came before the first call. Run once per
 * open; mk_sync_result_release frees *out.
 */
struct mk_sync;
enum mk_err mk_sync_open(const struct mk_sync_opts *o, struct mk_sync **out, struct mk_diag *diag);
enum mk_err mk_sync_run(struct mk_sync *s, struct mk_store *st, struct mk_sync_result *out,
			struct mk_diag *diag);
void mk_sync_close(struct mk_sync *s);

/* ---- sync cursors (store/) ---------------------------------------------------- */

/* Where `mapkeeper sync` got to for source ("zoom", "teams"): a new string in *value,
 * or NULL when that source was never synced. */
enum mk_err mk_store_cursor_get(struct mk_store *st, const char *source, char **value,
				struct mk_diag *diag);
/* Sets (or replaces) the source's cursor, in one transaction. */
enum mk_err mk_store_cursor_set(struct mk_store *st, const char *source, const char *value,
				struct mk_diag *diag);

/* ---- fixing the plan by hand: items, undo, deals, calls (store/edit.c, store/undo.c) --- */

/*
 * A hand edit of a plan item. NULL (or -1) leaves a field as it is; "" clears owner or
 * due. action may not be empty. due is "YYYY-MM-DD". note is kept with the decision.
 */
struct mk_item_change {
	const char *phase;          /* mk_phase_name ("procurement"), or NULL */
	const char *action;
	const char *owner;
	int side;                   /* enum mk_side, or -1 */
	const char *due;
	int status;                 /* enum mk_status, or -1 */
	const char *note;
};

/* A decision: an approval or rejection of a proposal, a hand edit, and (not undoable) an
 * undo, a deal's rename or a call's removal. Every one names who and when. */
struct mk_decision {
	int64_t id;
	char *kind;                 /* "approve", "reject", "item_add", "item_edit", "undo",
				       "deal_rename", "call_remove" */
	char *deal;
	int64_t proposal_id;        /* approve, reject: the proposal; else 0 */
	int64_t item_id;            /* the plan item it is about, or 0 */
	char *summary;              /* one line: what it did */
	char *note;                 /* the reason or note given, or NULL */
	char *by, *at;
	int64_t undoes;             /* undo: the decision it undid */
	int64_t undone_by;          /* the undo that reversed it, or 0 */
};
void mk_decision_release(struct mk_decision *d);
void mk_decisions_free(struct mk_decision *v, size_t n);

/* Adds an item to deal's plan by hand (c->action is required; status is open unless
 * given). *item (and *decision, when not NULL) get the new ids. */
enum mk_err mk_store_item_add(struct mk_store *st, const char *deal, const struct mk_item_change *c,
			      const char *who, int64_t *item, int64_t *decision, struct mk_diag *diag);
/* Changes an item by hand, one revision per field that changes, in one transaction.
 * MK_ENOTFOUND: no such item; MK_EARG: nothing would change, or a bad value. */
enum mk_err mk_store_item_change(struct mk_store *st, int64_t item, const struct mk_item_change *c,
				 const char *who, int64_t *decision, struct mk_diag *diag);
/* One item as mk_store_plan reads it, and its deal's name (a new string) in *deal. */
enum mk_err mk_store_item_get(struct mk_store *st, int64_t item, char **deal, struct mk_item *out,
			      struct mk_diag *diag);
void mk_item_release(struct mk_item *it);

/* The latest decisions (of one deal, or of every deal when deal is NULL), newest first:
 * at most limit (0: 20). */
enum mk_err mk_store_decisions(struct mk_store *st, const char *deal, size_t limit,
			       struct mk_decision **out, size_t *n, struct mk_diag *diag);
/*
 * Reverses one decision (id 0: the latest undoable one, of deal when deal is given) in one
 * transaction and records the undo: an approved add_item (or a hand add) removes its item,
 * an approved change or a hand edit restores the old values, a rejection puts the proposal
 * back to pending, an approved add_risk / add_stakeholder takes the risk / person off the
 * map; an undone approval's proposal is pending again. MK_EARG (with the reason) when it
 * cannot be undone: undone already, not undoable, or later decisions changed the item.
 * *undone (when not NULL) gets the decision as it now stands.
 */
enum mk_err mk_store_undo(struct mk_store *st, int64_t id, const char *deal, const char *who,
			  struct mk_decision *undone, struct mk_diag *diag);

/* Renames a deal (MK_EARG when new_name is taken or empty). */
enum mk_err mk_store_deal_rename(struct mk_store *st, const char *name, const char *new_name,
				 const char *who, struct mk_diag *diag);
/* Deletes a deal and everything of it (calls, lines, proposals, plan, history). */
enum mk_err mk_store_deal_remove(struct mk_store *st, const char *name, struct mk_diag *diag);

struct mk_call {                /* one stored call of a deal */
	int64_t id;
	char *label;
	char *start;                /* ISO 8601, or NULL */
	char *ingested_at;
	size_t pending;             /* its proposals still waiting for review */
};
void mk_calls_free(struct mk_call *v, size_t n);
/* A deal's calls (those not removed), by start then id. */
enum mk_err mk_store_calls(struct mk_store *st, const char *deal, struct mk_call **out, size_t *n,
			   struct mk_diag *diag);
/*
 * Removes a call: its lines (and their search entries), findings and pending proposals go;
 * what was approved from it stays, marked as from a removed call; the same file can be
 * ingested again. *removed (when not NULL) gets the call as it was.
 */
enum mk_err mk_store_call_remove(struct mk_store *st, int64_t id, const char *who,
				 struct mk_call *removed, struct mk_diag *diag);

/* ---- the review page: transcript context, stakeholder and risk edits (store/) ---- */

struct mk_context_line {        /* one utterance of a call, around a proposal's quote */
	char *speaker;
	int64_t start_ms;
	char *text;
	int quote;                  /* part of the proposal's evidence */
};

/* The utterances of proposal id's meeting around its evidence: the quoted ones and up to
 * lines (at most MK_CONTEXT_MAX) before and after. An empty list when the proposal has no
 * call behind it; MK_ENOTFOUND when there is no such proposal. */
#define MK_CONTEXT_MAX 20
enum mk_err mk_store_proposal_context(struct mk_store *st, int64_t id, unsigned lines,
				      struct mk_context_line **out, size_t *n, struct mk_diag *diag);
void mk_context_free(struct mk_context_line *v, size_t n);

/* Changes a pending add_stakeholder proposal's name or role, or a pending add_risk's
 * category or text (NULL leaves a field as it is; "" clears a role), recorded as a
 * proposal edit by who. MK_EARG: a field that does not apply to its kind, an empty name,
 * category or text, or a decided proposal; MK_ENOTFOUND: no such proposal. */
enum mk_err mk_store_edit_finding(struct mk_store *st, int64_t id, const char *name, const char *role,
				  const char *category, const char *text, const char *who,
				  struct mk_diag *diag);
/* ---- what changed across deals (store/changes.c) ------------------------------ */

enum mk_changes_by {
	MK_CHANGES_BY_MEETING = 0,  /* the date of the call whose words caused the change (a
				       change no call caused: the date it was decided) */
	MK_CHANGES_BY_DECISION      /* the date it was approved or made by hand */
};

struct mk_changes_query {
	const char *deal;           /* NULL: every deal */
	struct mk_date since;       /* from this day on */
	int has_until;
	struct mk_date until;       /* to this day, inclusive */
	enum mk_changes_by by;
	size_t limit;               /* at most this many rows (0: every one) */
};

struct mk_change {              /* one change of a deal's plan, with what caused it */
	char *deal;
	int64_t item_id;            /* 0: a stakeholder or a risk */
	char *action;               /* the item's action now; NULL for a stakeholder or a risk */
	char *field;                /* "added" (an item), "due", "status", "owner", "action" (and
				       any other field a revision names), "stakeholder", "risk" */
	char *old_value, *new_value;/* added: new is its due date (or NULL); stakeholder: new is
				       "Name (role)"; risk: new is "category: text" */
	char *at;                   /* when it was decided (UTC, ISO 8601) */
	char *by;                   /* who decided, or NULL when not recorded */
	char *meeting;              /* the call whose words caused it (its label), or NULL */
	char *meeting_start;        /* that call's start as stored, or NULL */
	char *speaker;
	int64_t start_ms;
	char *quote;
};

/*
 * The changes of the plans (of one deal, or of every deal) dated from since to until, by
 * q->by; oldest first (by that date, then deal name, then the order they were written).
 * MK_ENOTFOUND: no such deal; MK_EARG: until before since.
 */
enum mk_err mk_store_changes(struct mk_store *st, const struct mk_changes_query *q,
			     struct mk_change **out, size_t *n, struct mk_diag *diag);
void mk_changes_free(struct mk_change *rows, size_t n);

/* ---- terminal output (util/term.c) ------------------------------------------------ */

/*
 * What reaches a terminal (util/term.h tells the filter): replaces stdout and stderr by
 * filtering streams over descriptors 1 and 2 (stdout line-buffered on a terminal, else
 * fully; stderr line-buffered). progress: show the progress line even when stderr is not a
 * terminal (--progress). 0, or -1 when the streams could not be made (the plain ones stay).
 */
int term_install(int progress);

/* Flushes stdout; 0, or the errno of the first failed write to standard output. */
int term_finish(void);

/* The progress line (on stderr, rewritten in place, with the seconds spent once it
 * stays more than a second): only when stderr is a terminal or --progress was given.
 * term_progress_end clears it. Safe from any thread. */
void term_progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void term_progress_end(void);
int term_progress_on(void);

/* ---- HTTP forms and cookies (util/form.c) ------------------------------------------ */

/*
 * The value of field key in an application/x-www-form-urlencoded body body[0..len),
 * decoded into out: '+' is a space, %XX the byte XX (%00 too, so the value may hold a NUL
 * byte), a '%' without two hex digits after it stays as it is. The first field named key
 * (as written, not decoded) counts; "key" without '=' is not one, "key=" is the empty
 * value. 1; 0 when there is none; -1 when its value needs more than outlen - 1 bytes.
 * out is "" unless 1.
 */
int mk_form_field(const char *body, size_t len, const char *key, char *out, size_t outlen);

/*
 * The value of cookie name in a Cookie header ("a=1; mk_session=ab; c"): pairs split at
 * ';' or ',' outside double quotes, blanks before and after a name skipped, the value
 * taken as written up to the split (a "quoted" one without its quotes; one without '='
 * is empty); names match exactly and the first one counts. 1; 0 when there is none (or
 * header is NULL); -1 when the value needs more than outlen - 1 bytes. out is "" unless 1.
 */
int mk_cookie_get(const char *header, const char *name, char *out, size_t outlen);

/*
 * A name typed in a form, fit to record: its bytes without control characters, at most
 * max of them (and outlen - 1), trailing spaces trimmed, into out. Its length; 0 (out "")
 * when nothing is left or what is left is not valid UTF-8.
 */
size_t mk_form_text(const char *in, size_t max, char *out, size_t outlen);

/* ---- the whole plan: goal, go-live, criteria, dependencies, next meeting, stance (issue 14) ---- */

/*
 * Working backward from go-live (merge/backward.c, a pure function of the plan and a day):
 * each open item's finish is its due date, or the latest finish of what it depends on when
 * that is later (an item cannot end before what it waits on); the critical path is the chain
 * of dependencies ending at the open item that finishes last. slack = go_live - that finish.
 * An item is late when its due is before today, or it slipped; every open item that (through
 * any chain) depends on a late or blocked item is held up by it.
 */
struct mk_backward_item {
	int64_t item_id;
	int has_finish;
	struct mk_date finish;      /* its due, or later when what it waits on ends later */
	int critical;               /* on the critical path */
	int late;                   /* overdue on today, or slipped */
	int64_t held_by;            /* a late or blocked item it depends on (directly or not), or 0 */
	int past_go_live;           /* its finish is after go-live */
};
struct mk_backward {
	int has_go_live;
	struct mk_date go_live;
	int has_end;                /* an open item has a date */
	struct mk_date end;         /* the critical path's end */
	int has_slack;              /* has_go_live && has_end */
	int slack_days;             /* go_live - end, in days (negative: past go-live) */
	struct mk_backward_item *items; /* one per open item of the plan, in plan order */
	size_t n;
	int64_t *path;              /* the critical path's item ids, first to last */
	size_t npath;
	int cycle;                  /* the dependencies hold a cycle (ignored: each edge in one is dropped) */
};
void mk_plan_backward(const struct mk_plan *plan, struct mk_date today, struct mk_backward *out);
void mk_backward_release(struct mk_backward *b);

/*
 * A pending proposal of the issue-14 kinds, changed before it is decided (the review's edit):
 * field is "text" (goal, criterion, what the dependency waits on, the meeting's purpose),
 * "due" (go-live, meeting date: "YYYY-MM-DD", "" clears the meeting's), "time" ("HH:MM" or ""),
 * "who" (meeting: name), "kind" (go-live: live|signed), "stance" (mk_stance_name), "waiting"
 * (a dependency's waiting step: action), "item" / "depends_on" (a dependency's items: an item
 * id of the deal as text, "" for none). Recorded as a proposal edit by who. MK_EARG: a field
 * that does not apply to its kind, a bad value, a decided proposal; MK_ENOTFOUND: no such proposal.
 */
enum mk_err mk_store_edit_element(struct mk_store *st, int64_t id, const char *field, const char *value,
				  const char *who, struct mk_diag *diag);

/* Hand changes of the plan's elements, each a decision (undoable) by who: the goal ("" clears
 * it), the go-live (date "YYYY-MM-DD" or "" to clear; kind live|signed), a criterion added or
 * removed, a dependency added (item waits on item) or removed, the next meeting (date or "" to
 * clear, time, who, purpose), a person's stance. */
enum mk_err mk_store_set_goal(struct mk_store *st, const char *deal, const char *goal, const char *who,
			      struct mk_diag *diag);
enum mk_err mk_store_set_go_live(struct mk_store *st, const char *deal, const char *date, const char *kind,
				 const char *who, struct mk_diag *diag);
enum mk_err mk_store_criterion_add(struct mk_store *st, const char *deal, const char *text, const char *who,
				   int64_t *id, struct mk_diag *diag);
enum mk_err mk_store_criterion_remove(struct mk_store *st, int64_t id, const char *who, struct mk_diag *diag);
enum mk_err mk_store_dependency_add(struct mk_store *st, int64_t item, int64_t depends_on, const char *who,
				    int64_t *id, struct mk_diag *diag);
enum mk_err mk_store_dependency_remove(struct mk_store *st, int64_t id, const char *who, struct mk_diag *diag);
enum mk_err mk_store_set_next_meeting(struct mk_store *st, const char *deal, const char *date, const char *time,
				      const char *who_attends, const char *purpose, const char *who,
				      struct mk_diag *diag);
enum mk_err mk_store_set_stance(struct mk_store *st, int64_t person, enum mk_stance stance, const char *who,
				struct mk_diag *diag);

/*
 * The buyer's side (store/share.c): a read-only link to a deal's plan. The token is 32 random
 * bytes (hex, from getrandom), shown once; the store keeps only its SHA-256. A link expires
 * (days, default 30) and can be revoked.
 */
struct mk_share {
	int64_t id;
	char *deal;
	char *created_at, *expires_at, *revoked_at; /* UTC ISO 8601; revoked_at NULL while live */
	char *created_by;
	int64_t acks, comments;     /* what the buyer sent through it */
};
void mk_shares_free(struct mk_share *v, size_t n);
/* A new link for deal, live days days (1-365): *token (65 bytes) gets the secret. */
enum mk_err mk_store_share_create(struct mk_store *st, const char *deal, int days, const char *who,
				  char token[65], int64_t *id, struct mk_diag *diag);
enum mk_err mk_store_share_list(struct mk_store *st, const char *deal, struct mk_share **out, size_t *n,
				struct mk_diag *diag);
enum mk_err mk_store_share_revoke(struct mk_store *st, int64_t id, const char *who, struct mk_diag *diag);
/* The deal of a live (not expired as of now, not revoked) token: *deal a new string, *id the
 * link. MK_ENOTFOUND for any other token (unknown, expired or revoked alike). */
enum mk_err mk_store_share_resolve(struct mk_store *st, const char *token, char **deal, int64_t *id,
				   struct mk_diag *diag);
/* A risk is shown on the buyer's page only when marked shareable. */
enum mk_err mk_store_risk_shareable(struct mk_store *st, int64_t risk, int shareable, struct mk_diag *diag);
/* The ids of deal's risks marked shareable, in a new array (*ids NULL when none): what the
 * buyer's page shows, asked of the store itself rather than of a plan's copy of the mark. */
enum mk_err mk_store_share_risks(struct mk_store *st, const char *deal, int64_t **ids, size_t *n,
				 struct mk_diag *diag);
/* The buyer agrees to the plan as of its version (name: as typed); in history as "buyer ack". */
enum mk_err mk_store_share_ack(struct mk_store *st, int64_t share, const char *name, int64_t version,
			       struct mk_diag *diag);
/* A buyer's comment on item (0: the plan as a whole), in history as "buyer comment" with the
 * plan's version. */
enum mk_err mk_store_share_comment(struct mk_store *st, int64_t share, int64_t item, const char *name,
				   const char *text, int64_t version, int64_t *id, struct mk_diag *diag);

/* ---- the CRMs: Salesforce and HubSpot both ways (issue 15: store/crm.c, crm/) ---------- */

enum mk_crm { MK_CRM_SALESFORCE = 0, MK_CRM_HUBSPOT, MK_CRM_COUNT };
const char *mk_crm_name(enum mk_crm c);                   /* "salesforce", "hubspot" */
const char *mk_crm_title(enum mk_crm c);                  /* "Salesforce", "HubSpot" */
enum mk_err mk_crm_parse(const char *s, enum mk_crm *out); /* MK_EARG on anything else */

/*
 * A deal's record in a CRM: the Salesforce Opportunity id (006...) or the HubSpot deal id.
 * remote_id NULL unlinks. Recorded by who. MK_ENOTFOUND: no such deal; MK_EARG: an id that
 * is empty, longer than 64 bytes or holds anything but letters, digits, '-' and '_'.
 */
enum mk_err mk_store_crm_link(struct mk_store *st, const char *deal, enum mk_crm crm, const char *remote_id,
			      const char *who, struct mk_diag *diag);
/* *remote_id: a new string, NULL when the deal is not linked. MK_ENOTFOUND: no such deal. */
enum mk_err mk_store_crm_link_get(struct mk_store *st, const char *deal, enum mk_crm crm, char **remote_id,
				  struct mk_diag *diag);
/* The deals linked to crm, by name: names[i] and ids[i] new strings (mk_strv_free each). */
enum mk_err mk_store_crm_linked(struct mk_store *st, enum mk_crm crm, char ***names, char ***ids, size_t *n,
				struct mk_diag *diag);
void mk_strv_free(char **v, size_t n);

/* The fields of a task both sides hold: what was last pushed, or pulled (all may be NULL). */
struct mk_crm_state {
	char *subject;
	char *due;                  /* "YYYY-MM-DD" */
	char *status;               /* the CRM's own value ("Completed", "COMPLETED") */
	char *owner;                /* the CRM's id of the person (WhoId, hubspot_owner_id) */
};
void mk_crm_state_release(struct mk_crm_state *s);

enum mk_crm_item_state {
	MK_CRM_NEW = 0,             /* never pushed */
	MK_CRM_PENDING,             /* a create was sent and not confirmed (a crash, a lost reply) */
	MK_CRM_SYNCED,              /* the task exists: remote_id */
	MK_CRM_DELETED              /* the task was deleted in the CRM: reported, never re-created */
};

/* One plan item as a CRM gets it, and what mapkeeper knows of its task. */
struct mk_crm_item {
	struct mk_item item;        /* as on the plan (item.id: the plan item) */
	int gone;                   /* the item left the plan (an undo) after its task was made:
				       item holds only id and action (the subject last pushed) */
	char *quote;                /* the words behind it (its add_item's evidence), or NULL */
	char *speaker;
	int64_t start_ms;
	char *meeting;              /* that call's label, and its start as stored; or NULL */
	char *meeting_start;
	char *owner_email;          /* the owner's e-mail when the deal's people know it, or NULL */
	char *key;                  /* the External ID / mapping key: "mk-<install>-<item id>",
				       unique across databases (install: random, per database) */
	enum mk_crm_item_state state;
	char *remote_id;            /* the task, when SYNCED (or PENDING and known) */
	char *pushed_hash;          /* what was last pushed (the engine's hash), or NULL */
	struct mk_crm_state seen;   /* the task as last pushed or pulled */
	char *remote_modified;      /* the CRM's last-modified stamp as last seen, or NULL */
	char *pushed_at, *pulled_at;/* UTC ISO 8601, or NULL */
};
void mk_crm_items_free(struct mk_crm_item *v, size_t n);

/* Every item of deal's plan (plan order) and every item that left it with a task in crm. */
enum mk_err mk_store_crm_items(struct mk_store *st, const char *deal, enum mk_crm crm, struct mk_crm_item **out,
			       size_t *n, struct mk_diag *diag);
/* Before a create that is not idempotent by itself (HubSpot): the item is PENDING. */
enum mk_err mk_store_crm_pending(struct mk_store *st, enum mk_crm crm, int64_t item, const char *remote_id,
				 struct mk_diag *diag);
/* After a create or update: SYNCED with remote_id, the hash and the state pushed, stamped now. */
enum mk_err mk_store_crm_pushed(struct mk_store *st, enum mk_crm crm, int64_t item, const char *remote_id,
				const char *hash, const struct mk_crm_state *state, const char *remote_modified,
				struct mk_diag *diag);
/* After a pull read the task: its state as seen, stamped now. */
enum mk_err mk_store_crm_seen(struct mk_store *st, enum mk_crm crm, int64_t item, const struct mk_crm_state *state,
			      const char *remote_modified, struct mk_diag *diag);
/* The task is gone from the CRM: DELETED (kept so it is reported and never re-created). */
enum mk_err mk_store_crm_deleted(struct mk_store *st, enum mk_crm crm, int64_t item, struct mk_diag *diag);
/* Forgets the item's task (`crm push --recreate ITEM`): NEW again, the next push creates one. */
enum mk_err mk_store_crm_forget(struct mk_store *st, enum mk_crm crm, int64_t item, struct mk_diag *diag);

/*
 * A change made in the CRM, as a proposal to review (`crm pull`): p->kind mark_done,
 * update_due (due, old_due) or mark_blocked on p->item_id, p->ev.speaker the CRM's title
 * ("Salesforce"), p->ev.quote what changed ("Task marked Completed in Salesforce"), p->key
 * unique for that change (the same change is never proposed twice). Stored with no call
 * (meeting_id NULL) and source crm: the proposal's meeting reads "salesforce" or "hubspot".
 * *created 0 when that key was proposed before.
 */
enum mk_err mk_store_crm_propose(struct mk_store *st, const char *deal, enum mk_crm crm,
				 const struct mk_proposal *p, int *created, struct mk_diag *diag);

/*
 * One push or pull at a time per CRM and database: the lock names its holder ("pid@host").
 * *got 1 when taken (or taken over from a holder on this host whose process is gone, or one
 * older than MK_CRM_LOCK_STALE_S); else 0 and *holder (a new string) says who has it.
 */
#define MK_CRM_LOCK_STALE_S 3600
enum mk_err mk_store_crm_lock(struct mk_store *st, enum mk_crm crm, int *got, char **holder,
			      struct mk_diag *diag);
enum mk_err mk_store_crm_unlock(struct mk_store *st, enum mk_crm crm, struct mk_diag *diag);

struct mk_crm_run {             /* one push or pull, as recorded */
	int64_t id;
	enum mk_crm crm;
	char *kind;                 /* "push" or "pull" */
	char *deal;                 /* or NULL: every linked deal */
	char *started_at, *finished_at; /* UTC ISO 8601; finished_at NULL while running (or killed) */
	char *result;               /* "running", "ok", "partial" (some items failed), "error" */
	char *message;              /* the first error, or NULL */
	int64_t created, updated, unchanged, proposed, deleted, errors;
};
void mk_crm_runs_free(struct mk_crm_run *v, size_t n);
/* Starts a run (result "running", started now): *id. */
enum mk_err mk_store_crm_run_start(struct mk_store *st, enum mk_crm crm, const char *kind, const char *deal,
				   int64_t *id, struct mk_diag *diag);
/* Ends run r->id with r's result, message and counts, finished now. */
enum mk_err mk_store_crm_run_end(struct mk_store *st, const struct mk_crm_run *r, struct mk_diag *diag);
/* The last push and the last pull (either NULL: none) touching deal (its own runs and the runs
 * of every linked deal) in crm: new structs, mk_crm_runs_free(v, 1) each. */
enum mk_err mk_store_crm_last(struct mk_store *st, const char *deal, enum mk_crm crm, struct mk_crm_run **push,
			      struct mk_crm_run **pull, struct mk_diag *diag);

/*
 * Push and pull (crm/crm.c over crm/salesforce.c and crm/hubspot.c). Configuration as sync's
 * (mk_source_open): the environment, then the file (--config or $MAPKEEPER_CONFIG, chmod 600).
 */
struct mk_crm_opts {
	enum mk_crm crm;
	const char *config;         /* a KEY=VALUE file, or NULL */
	const char *deal;           /* one deal; NULL: every deal linked to crm */
	const char *who;            /* recorded on the proposals' and links' history */
	int wait_s;                 /* how long to wait for another run's lock (default 0: 120 s) */
	int64_t recreate_item;      /* push: forget this item's deleted task first and make a new one */
};

struct mk_crm_line {            /* what a run did to one item (or the deal itself) */
	char *deal;
	int64_t item_id;            /* 0: the deal's record (next step, health) */
	char *remote_id;            /* the task (or the CRM's deal), or NULL */
	char *what;                 /* push: "created", "updated", "unchanged", "deleted in CRM",
				       "closed (left the plan)", "next step"; pull: "proposed mark_done",
				       "proposed update_due", "proposed mark_blocked", "edited in CRM",
				       "deleted in CRM", "unchanged"; either: "error" */
	char *detail;               /* the subject, the change, or the error's one line */
};

struct mk_crm_result {
	enum mk_crm crm;
	size_t deals, created, updated, unchanged, proposed, deleted, errors;
	struct mk_crm_line *v;
	size_t n;
	int64_t run_id;
};
void mk_crm_result_release(struct mk_crm_result *r);

/*
 * Push: each item of each deal (linked) becomes or updates its task, idempotent (a task's
 * External ID, or HubSpot's stored mapping made before the create); an unchanged item sends
 * nothing; then the deal's next step (the next open item) and plan health. Pull: the tasks
 * changed in the CRM since they were last seen become proposals (completed: mark_done;
 * re-dated: update_due; waiting: mark_blocked); a deleted task is reported and marked,
 * never re-created. MK_OK when the run went through (item failures are lines and errors);
 * else a one-line error before or outside any item (no credentials, no link, the lock held
 * past wait_s, the CRM refused the token). The run is recorded (mk_store_crm_last).
 */
enum mk_err mk_crm_push(struct mk_store *st, const struct mk_crm_opts *o, struct mk_crm_result *out,
			struct mk_diag *diag);
enum mk_err mk_crm_pull(struct mk_store *st, const struct mk_crm_opts *o, struct mk_crm_result *out,
			struct mk_diag *diag);
/*
 * `deal link NAME --salesforce [ID]`: with an id, checks the record exists (MK_ENOTFOUND
 * "salesforce: no Opportunity 006... (check the id)") and links it; without one, finds the
 * record named like the deal: MK_ENOTFOUND when none, MK_EARG "... 3 Opportunities are named
 * 'Acme': give the id (006..., 006...)" when more than one. *remote_id: the id linked.
 */
enum mk_err mk_crm_link(struct mk_store *st, const struct mk_crm_opts *o, const char *deal, const char *id,
			char **remote_id, struct mk_diag *diag);
/* The web address of a task or deal record in the CRM (for the web app and CLI), or NULL when
 * the configuration cannot tell it (no domain, no portal id). A new string. */
char *mk_crm_record_url(enum mk_crm crm, const char *config, const char *kind /* "task", "deal" */,
			const char *remote_id);

/* ---- notices: Slack (issue 15: store/notify.c, notify/slack.c) ---------------------------- */

/* A call that produced proposals not yet announced on a channel ("slack"). */
struct mk_notice_call {
	int64_t meeting_id;
	char *deal;
	char *label;                /* the call's label */
	char *start;                /* as stored, or NULL */
	size_t counts[MK_PROP_KIND_COUNT]; /* its pending proposals, by kind */
	struct mk_proposal *top;    /* up to three, the most confident first, with quotes */
	size_t ntop;
};
void mk_notice_calls_free(struct mk_notice_call *v, size_t n);
/*
 * The calls with pending proposals not yet announced on channel, oldest first. A channel's
 * first use starts it: calls ingested more than a day before are never announced.
 */
enum mk_err mk_store_notice_pending(struct mk_store *st, const char *channel, struct mk_notice_call **out,
				    size_t *n, struct mk_diag *diag);
/* Call meeting_id was announced on channel (once: a second mark changes nothing). */
enum mk_err mk_store_notice_sent(struct mk_store *st, const char *channel, int64_t meeting_id,
				 struct mk_diag *diag);
/* The digest of day ("YYYY-MM-DD") on channel: *sent 1 when it went out before; mark records it. */
enum mk_err mk_store_digest_sent(struct mk_store *st, const char *channel, const char *day, int *sent,
				 struct mk_diag *diag);
enum mk_err mk_store_digest_mark(struct mk_store *st, const char *channel, const char *day,
				 struct mk_diag *diag);

struct mk_notify_opts {
	const char *config;         /* as mk_crm_opts' */
	const char *deal;           /* only this deal's calls (or digest); NULL: every deal */
	int digest;                 /* the daily digest instead of the calls */
	int force;                  /* digest: send even if today's went out */
	struct mk_date today;       /* the digest's day (overdue as of it) */
};
struct mk_notify_result {
	size_t messages;            /* sent */
	size_t calls;               /* announced */
	size_t overdue, no_next_step; /* digest: buyer items overdue, deals without a next step */
	int skipped;                /* digest: already sent today */
};
/*
 * Announces each pending call (mk_store_notice_pending) in one Block Kit message with a
 * plain-text fallback, through SLACK_WEBHOOK_URL or chat.postMessage (SLACK_BOT_TOKEN,
 * SLACK_CHANNEL), marking each once Slack took it; or the digest. MK_OK, or a one-line error
 * (no webhook or token, Slack refused: "slack: channel_not_found: invite the app to #x").
 * A message never holds a secret.
 */
enum mk_err mk_notify_slack(struct mk_store *st, const struct mk_notify_opts *o, struct mk_notify_result *out,
			    struct mk_diag *diag);

#endif
