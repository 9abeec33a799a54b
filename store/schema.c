/*
 * schema.c: the database schema as numbered migrations. Migration N takes PRAGMA
 * user_version from N - 1 to N; db.c applies the pending ones in order inside one
 * transaction. Never edit a migration that has shipped: add the next one. Dates are
 * "YYYY-MM-DD", times UTC "YYYY-MM-DDTHH:MM:SSZ", evidence times milliseconds.
 */
#include "db.h"

static const char migration_1[] =
	"PRAGMA application_id = 1296777552;\n" /* DB_APPLICATION_ID */

	"CREATE TABLE deals (\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	name TEXT NOT NULL UNIQUE,\n"
	"	sellers TEXT NOT NULL DEFAULT '',\n"
	"	seller_domain TEXT,\n"
	"	seller_org TEXT,\n"
	"	buyer_org TEXT,\n"
	"	created_at TEXT NOT NULL\n"
	");\n"

	"CREATE TABLE meetings (\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	deal_id INTEGER NOT NULL REFERENCES deals(id),\n"
	"	sha256 TEXT NOT NULL UNIQUE,\n"
	"	path TEXT NOT NULL,\n"
	"	label TEXT NOT NULL,\n"
	"	format TEXT NOT NULL,\n"
	"	start TEXT,\n"
	"	ingested_at TEXT NOT NULL\n"
	");\n"
	"CREATE INDEX meetings_deal ON meetings(deal_id);\n"

	"CREATE TABLE people (\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	deal_id INTEGER NOT NULL REFERENCES deals(id),\n"
	"	key TEXT NOT NULL,\n" /* 'name:' lower(name), or 'role:' side ':' lower(role) */
	"	name TEXT,\n"
	"	role TEXT,\n"
	"	side TEXT NOT NULL CHECK (side IN ('unknown', 'buyer', 'seller')),\n"
	"	first_meeting_id INTEGER REFERENCES meetings(id),\n"
	"	created_at TEXT NOT NULL,\n"
	"	UNIQUE (deal_id, key)\n"
	");\n"

	"CREATE TABLE utterances (\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	meeting_id INTEGER NOT NULL REFERENCES meetings(id),\n"
	"	idx INTEGER NOT NULL,\n"
	"	speaker TEXT NOT NULL,\n"
	"	start_ms INTEGER NOT NULL,\n"
	"	end_ms INTEGER NOT NULL,\n"
	"	text TEXT NOT NULL,\n"
	"	UNIQUE (meeting_id, idx)\n"
	");\n"
	/* external-content full-text index, kept in step by triggers */
	"CREATE VIRTUAL TABLE utterances_fts USING fts5(text, speaker, content = 'utterances',\n"
	"	content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2');\n"
	"CREATE TRIGGER utterances_ai AFTER INSERT ON utterances BEGIN\n"
	"	INSERT INTO utterances_fts (rowid, text, speaker) VALUES (new.id, new.text, new.speaker);\n"
	"END;\n"
	"CREATE TRIGGER utterances_ad AFTER DELETE ON utterances BEGIN\n"
	"	INSERT INTO utterances_fts (utterances_fts, rowid, text, speaker)\n"
	"		VALUES ('delete', old.id, old.text, old.speaker);\n"
	"END;\n"
	"CREATE TRIGGER utterances_au AFTER UPDATE ON utterances BEGIN\n"
	"	INSERT INTO utterances_fts (utterances_fts, rowid, text, speaker)\n"
	"		VALUES ('delete', old.id, old.text, old.speaker);\n"
	"	INSERT INTO utterances_fts (rowid, text, speaker) VALUES (new.id, new.text, new.speaker);\n"
	"END;\n"

	"CREATE TABLE findings (\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	meeting_id INTEGER NOT NULL REFERENCES meetings(id),\n"
	"	kind TEXT NOT NULL CHECK (kind IN ('speaker', 'commitment', 'stakeholder', 'risk',\n"
	"		'update', 'date')),\n"
	"	rule TEXT,\n"
	"	owner TEXT,\n"
	"	side TEXT,\n"
	"	action TEXT,\n"        /* commitment: the action; update: the item */
	"	due TEXT,\n"           /* commitment, update: the due date; date: its value */
	"	due_text TEXT,\n"
	"	confidence REAL,\n"
	"	name TEXT,\n"
	"	role TEXT,\n"
	"	category TEXT,\n"
	"	text TEXT,\n"
	"	change TEXT,\n"        /* update: done|new_due|blocked|dropped */
	"	count INTEGER,\n"      /* speaker: utterances */
	"	speaker TEXT,\n"
	"	start_ms INTEGER,\n"
	"	end_ms INTEGER,\n"
	"	quote TEXT\n"
	");\n"
	"CREATE INDEX findings_meeting ON findings(meeting_id);\n"

	"CREATE TABLE plan_items (\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	deal_id INTEGER NOT NULL REFERENCES deals(id),\n"
	"	action TEXT NOT NULL,\n"
	"	owner TEXT,\n"
	"	side TEXT NOT NULL CHECK (side IN ('unknown', 'buyer', 'seller')),\n"
	"	due TEXT,\n"
	"	status TEXT NOT NULL DEFAULT 'open'\n"
	"		CHECK (status IN ('open', 'done', 'blocked', 'dropped')),\n"
	"	meeting_id INTEGER REFERENCES meetings(id),\n" /* where it was first said */
	"	proposal_id INTEGER,\n"                      /* the approval that added it */
	"	created_at TEXT NOT NULL,\n"
	"	updated_at TEXT NOT NULL\n"
	");\n"
	"CREATE INDEX plan_items_deal ON plan_items(deal_id);\n"

	"CREATE TABLE proposals (\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	deal_id INTEGER NOT NULL REFERENCES deals(id),\n"
	"	meeting_id INTEGER REFERENCES meetings(id),\n"
	"	kind TEXT NOT NULL CHECK (kind IN ('add_item', 'update_due', 'mark_done',\n"
	"		'mark_blocked', 'mark_dropped', 'add_stakeholder', 'add_risk')),\n"
	"	item_id INTEGER REFERENCES plan_items(id),\n"
	"	action TEXT,\n"
	"	owner TEXT,\n"
	"	side TEXT NOT NULL CHECK (side IN ('unknown', 'buyer', 'seller')),\n"
	"	due TEXT,\n"
	"	old_due TEXT,\n"
	"	name TEXT,\n"
	"	role TEXT,\n"
	"	category TEXT,\n"
	"	text TEXT,\n"
	"	confidence REAL NOT NULL DEFAULT 0,\n"
	"	ev_speaker TEXT,\n"
	"	ev_start_ms INTEGER,\n"
	"	ev_end_ms INTEGER,\n"
	"	ev_quote TEXT,\n"
	"	key TEXT NOT NULL,\n"
	"	status TEXT NOT NULL DEFAULT 'pending'\n"
	"		CHECK (status IN ('pending', 'approved', 'rejected')),\n"
	"	created_at TEXT NOT NULL,\n"
	"	decided_by TEXT,\n"
	"	decided_at TEXT,\n"
	"	reason TEXT,\n"
	"	UNIQUE (deal_id, key)\n"
	");\n"
	"CREATE INDEX proposals_status ON proposals(status, id);\n"

	/* what a rep changed in a proposal before deciding it */
	"CREATE TABLE proposal_edits (\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	proposal_id INTEGER NOT NULL REFERENCES proposals(id),\n"
	"	field TEXT NOT NULL,\n"
	"	old_value TEXT,\n"
	"	new_value TEXT,\n"
	"	at TEXT NOT NULL,\n"
	"	\"by\" TEXT\n"
	");\n"

	/* every change of an item after it was added: the slip history */
	"CREATE TABLE plan_revisions (\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	item_id INTEGER NOT NULL REFERENCES plan_items(id),\n"
	"	field TEXT NOT NULL,\n"
	"	old_value TEXT,\n"
	"	new_value TEXT,\n"
	"	at TEXT NOT NULL,\n"
	"	meeting_id INTEGER REFERENCES meetings(id),\n"
	"	proposal_id INTEGER REFERENCES proposals(id),\n"
	"	\"by\" TEXT\n"
	");\n"
	"CREATE INDEX plan_revisions_item ON plan_revisions(item_id);\n"

	"CREATE TABLE risks (\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	deal_id INTEGER NOT NULL REFERENCES deals(id),\n"
	"	category TEXT NOT NULL,\n"
	"	text TEXT NOT NULL,\n"
	"	meeting_id INTEGER REFERENCES meetings(id),\n"
	"	proposal_id INTEGER REFERENCES proposals(id),\n"
	"	status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),\n"
	"	created_at TEXT NOT NULL,\n"
	"	UNIQUE (deal_id, category, text)\n"
	");\n";

/* indexes for the managers' questions across deals (store/query.c): by owner (full or
 * first name, any case), by status and due date, by due date, and the items that slipped */
static const char migration_2[] =
	"CREATE INDEX plan_items_owner ON plan_items(lower(owner));\n"
	"CREATE INDEX plan_items_status_due ON plan_items(status, due);\n"
	"CREATE INDEX plan_items_due ON plan_items(due);\n"
	"CREATE INDEX plan_revisions_slip ON plan_revisions(item_id)\n"
	"	WHERE field = 'due' AND old_value IS NOT NULL AND new_value IS NOT NULL;\n";

/* where `mapkeeper sync` got to, per source ("zoom", "teams"): store/cursor.c */
static const char migration_3[] =
	"CREATE TABLE sync_cursors (\n"
	"	source TEXT PRIMARY KEY,\n"
	"	last_end TEXT,\n"
	"	updated_at TEXT NOT NULL\n"
	");\n";

/* the buyer's e-mail domain: `mapkeeper sync` files a call with such an attendee under the deal */
static const char migration_4[] =
	"ALTER TABLE deals ADD COLUMN buyer_domain TEXT;\n";

/*
 * the managers' questions at scale (10,000 deals, 1,000,000 utterances; bench/bench_store.c):
 * - deal_speakers: who spoke on each deal's calls (lower case), filled by mk_store_ingest;
 * - people.met: the person spoke on one of the deal's calls: the same name in any case, or
 *   one is the other's first name ("Farah" and "Farah Khan");
 * - plan_items.slipped: the due date moved from one date to another at least once (the
 *   slip `query --slipped` and `health` count), set when such a revision is written;
 * - deal_stats: per deal, the numbers `health` shows that do not depend on the day asked,
 *   kept by the triggers below inside the transaction of the write that changes them.
 *   They assume what store/ does: plan items, revisions, people and risks are never
 *   deleted, and never move to another deal;
 * - indexes: a deal's items in plan order (due, none last) with every column a filter of
 *   `query` reads, and the items by status and due date with their side, deal and slip
 *   mark (counting what `query` finds, filtering deal after deal, and the overdue items of
 *   every deal read no item); the meetings in the order `query --said` lists them; the
 *   deals a speaker spoke on. Two indexes they make redundant go.
 * The new tables are filled from what the database holds, before the triggers exist.
 */
#define MK_SLIP(r)                                                                        \
	r ".field = 'due' AND " r ".old_value IS NOT NULL AND " r ".new_value IS NOT NULL"
static const char migration_5[] =
	"CREATE TABLE deal_speakers (\n"
	"	deal_id INTEGER NOT NULL REFERENCES deals(id),\n"
	"	speaker TEXT NOT NULL CHECK (speaker <> '' AND speaker = lower(speaker)),\n"
	"	PRIMARY KEY (deal_id, speaker)\n"
	") WITHOUT ROWID;\n"
	"ALTER TABLE people ADD COLUMN met INTEGER NOT NULL DEFAULT 0;\n"
	"ALTER TABLE plan_items ADD COLUMN slipped INTEGER NOT NULL DEFAULT 0;\n"
	"CREATE TABLE deal_stats (\n"
	"	deal_id INTEGER PRIMARY KEY REFERENCES deals(id),\n"
	"	items INTEGER NOT NULL DEFAULT 0,\n"
	"	buyer_items INTEGER NOT NULL DEFAULT 0,\n"
	"	open_items INTEGER NOT NULL DEFAULT 0,\n"
	"	slipped INTEGER NOT NULL DEFAULT 0,\n"      /* items whose due moved from a date to another */
	"	named INTEGER NOT NULL DEFAULT 0,\n"        /* people with a name */
	"	met INTEGER NOT NULL DEFAULT 0,\n"          /* of those, people who spoke */
	"	open_risks INTEGER NOT NULL DEFAULT 0,\n"
	"	last_item TEXT,\n"      /* max(start of the call that added an item, else when approved) */
	"	last_revision TEXT\n"   /* max(start of the call behind a revision, else when made) */
	");\n"

	"INSERT INTO deal_speakers (deal_id, speaker)\n"
	"	SELECT DISTINCT m.deal_id, lower(u.speaker) FROM utterances u\n"
	"	JOIN meetings m ON m.id = u.meeting_id WHERE u.speaker <> '';\n"
	"UPDATE plan_items SET slipped = 1 WHERE id IN (SELECT r.item_id FROM plan_revisions r\n"
	"	WHERE " MK_SLIP("r") ");\n"
	"UPDATE people SET met = 1 WHERE name IS NOT NULL AND EXISTS (SELECT 1 FROM deal_speakers s\n"
	"	WHERE s.deal_id = people.deal_id AND " MK_SPEAKER_MATCHES("s.speaker", "people.name") ");\n"
	"INSERT INTO deal_stats (deal_id, items, buyer_items, open_items, slipped, named, met,\n"
	"	open_risks, last_item, last_revision)\n"
	"SELECT d.id,\n"
	"	(SELECT count(*) FROM plan_items i WHERE i.deal_id = d.id),\n"
	"	(SELECT count(*) FROM plan_items i WHERE i.deal_id = d.id AND i.side = 'buyer'),\n"
	"	(SELECT count(*) FROM plan_items i WHERE i.deal_id = d.id AND i.status = 'open'),\n"
	"	(SELECT count(*) FROM plan_items i WHERE i.deal_id = d.id AND i.slipped),\n"
	"	(SELECT count(*) FROM people p WHERE p.deal_id = d.id AND p.name IS NOT NULL),\n"
	"	(SELECT count(*) FROM people p WHERE p.deal_id = d.id AND p.name IS NOT NULL AND p.met),\n"
	"	(SELECT count(*) FROM risks k WHERE k.deal_id = d.id AND k.status = 'open'),\n"
	"	(SELECT max(coalesce(m.start, i.created_at)) FROM plan_items i\n"
	"		LEFT JOIN meetings m ON m.id = i.meeting_id WHERE i.deal_id = d.id),\n"
	"	(SELECT max(coalesce(m.start, r.at)) FROM plan_items i\n"
	"		JOIN plan_revisions r ON r.item_id = i.id\n"
	"		LEFT JOIN meetings m ON m.id = r.meeting_id WHERE i.deal_id = d.id)\n"
	"FROM deals d;\n"

	"CREATE TRIGGER deal_stats_deal AFTER INSERT ON deals BEGIN\n"
	"	INSERT INTO deal_stats (deal_id) VALUES (new.id);\n"
	"END;\n"
	"CREATE TRIGGER deal_stats_item AFTER INSERT ON plan_items BEGIN\n"
	"	UPDATE deal_stats SET items = items + 1, buyer_items = buyer_items + (new.side = 'buyer'),\n"
	"		open_items = open_items + (new.status = 'open'),\n"
	"		last_item = max(coalesce(last_item, ''), coalesce(\n"
	"			(SELECT m.start FROM meetings m WHERE m.id = new.meeting_id), new.created_at))\n"
	"	WHERE deal_id = new.deal_id;\n"
	"END;\n"
	"CREATE TRIGGER deal_stats_item_change AFTER UPDATE OF side, status ON plan_items BEGIN\n"
	"	UPDATE deal_stats SET buyer_items = buyer_items + (new.side = 'buyer') - (old.side = 'buyer'),\n"
	"		open_items = open_items + (new.status = 'open') - (old.status = 'open')\n"
	"	WHERE deal_id = new.deal_id;\n"
	"END;\n"
	"CREATE TRIGGER deal_stats_revision AFTER INSERT ON plan_revisions BEGIN\n"
	"	UPDATE deal_stats SET last_revision = max(coalesce(last_revision, ''), coalesce(\n"
	"		(SELECT m.start FROM meetings m WHERE m.id = new.meeting_id), new.at))\n"
	"	WHERE deal_id = (SELECT i.deal_id FROM plan_items i WHERE i.id = new.item_id);\n"
	"END;\n"
	"CREATE TRIGGER plan_items_slip AFTER INSERT ON plan_revisions WHEN " MK_SLIP("new") " BEGIN\n"
	"	UPDATE plan_items SET slipped = 1 WHERE id = new.item_id AND NOT slipped;\n"
	"END;\n"
	"CREATE TRIGGER deal_stats_slip AFTER UPDATE OF slipped ON plan_items\n"
	"	WHEN new.slipped AND NOT old.slipped BEGIN\n"
	"	UPDATE deal_stats SET slipped = slipped + 1 WHERE deal_id = new.deal_id;\n"
	"END;\n"
	/* a person is met when named after speaking, or when one of the deal's calls hears them */
	"CREATE TRIGGER deal_stats_person AFTER INSERT ON people WHEN new.name IS NOT NULL BEGIN\n"
	"	UPDATE deal_stats SET named = named + 1 WHERE deal_id = new.deal_id;\n"
	"	UPDATE people SET met = 1 WHERE id = new.id AND NOT met AND EXISTS (SELECT 1\n"
	"		FROM deal_speakers s WHERE s.deal_id = new.deal_id\n"
	"		AND " MK_SPEAKER_MATCHES("s.speaker", "new.name") ");\n"
	"END;\n"
	"CREATE TRIGGER deal_stats_speaker AFTER INSERT ON deal_speakers BEGIN\n"
	"	UPDATE people SET met = 1 WHERE deal_id = new.deal_id AND name IS NOT NULL AND NOT met\n"
	"		AND " MK_SPEAKER_MATCHES("new.speaker", "name") ";\n"
	"END;\n"
	"CREATE TRIGGER deal_stats_met AFTER UPDATE OF met ON people\n"
	"	WHEN new.name IS NOT NULL AND new.met AND NOT old.met BEGIN\n"
	"	UPDATE deal_stats SET met = met + 1 WHERE deal_id = new.deal_id;\n"
	"END;\n"
	"CREATE TRIGGER deal_stats_risk AFTER INSERT ON risks WHEN new.status = 'open' BEGIN\n"
	"	UPDATE deal_stats SET open_risks = open_risks + 1 WHERE deal_id = new.deal_id;\n"
	"END;\n"
	"CREATE TRIGGER deal_stats_risk_change AFTER UPDATE OF status ON risks BEGIN\n"
	"	UPDATE deal_stats SET open_risks = open_risks + (new.status = 'open') - (old.status = 'open')\n"
	"	WHERE deal_id = new.deal_id;\n"
	"END;\n"

	"DROP INDEX plan_items_deal;\n"
	"CREATE INDEX plan_items_deal_due ON plan_items(deal_id, due IS NULL, due, id, status, side,\n"
	"	slipped, owner, action);\n"
	"DROP INDEX plan_items_status_due;\n"
	"CREATE INDEX plan_items_status_due ON plan_items(status, due, side, deal_id, slipped);\n"
	"CREATE INDEX meetings_start ON meetings(start IS NULL, start);\n"
	"CREATE INDEX deal_speakers_speaker ON deal_speakers(speaker);\n";

/* 6: a call's lines go into the full-text index in one statement (meeting.c), not one
 * trigger per line: FTS5 flushes its pending terms at every statement, so a thousand-line
 * call cost a thousand flushes (about half of an ingest's time). */
static const char migration_6[] =
	"DROP TRIGGER utterances_ai;\n";

/* 7: a person can leave the deal's map (a rejected add_stakeholder proposal takes off the
 * person its call named first, proposal.c): the counters follow. */
static const char migration_7[] =
	"CREATE TRIGGER deal_stats_person_gone AFTER DELETE ON people WHEN old.name IS NOT NULL BEGIN\n"
	"	UPDATE deal_stats SET named = named - 1, met = met - (old.met <> 0) WHERE deal_id = old.deal_id;\n"
	"END;\n";

/* 8: the plan as it will be, and nothing on it before it is approved.
 * - proposals.target_proposal_id: news from a later call about an item that is still a
 *   pending add_item proposal is stored tied to that proposal (item_id stays NULL until the
 *   item is approved: then it is set, proposal.c). Approving the news approves its item
 *   first; rejecting the item withdraws the news.
 * - people.proposal_id: the approval that put the person on the plan. People and risks
 *   now enter the plan only when their add_stakeholder / add_risk proposal is approved
 *   (risks had proposal_id already). Rows an ingest put there before this migration (when
 *   a call's people and risks went straight onto the plan) stay as they are, with a NULL
 *   proposal_id: they were shown already, and rejecting their proposal still takes them off. */
static const char migration_8[] =
	"ALTER TABLE proposals ADD COLUMN target_proposal_id INTEGER REFERENCES proposals(id);\n"
	"CREATE INDEX proposals_target ON proposals(target_proposal_id) WHERE target_proposal_id IS NOT NULL;\n"
	"ALTER TABLE people ADD COLUMN proposal_id INTEGER REFERENCES proposals(id);\n";

/*
 * 9: fixing the plan by hand (store/edit.c, store/undo.c).
 * - decisions: every approval and rejection of a proposal (written by the trigger below, so
 *   whatever code decides one is logged), every hand edit of an item, and the undos, deal
 *   renames and call removals, with who and when. An undone decision points at its undo.
 * - plan_revisions.decision_id: the hand edit or undo that wrote a revision;
 * - meetings.removed_at: `call remove` keeps the row (the plan's items and revisions still
 *   name it: "from a removed call") and frees its sha256 for a new ingest;
 * - the counters of deal_stats (migration 5) now also follow deletes: an item (an undone
 *   add), a revision (an undone change: the slip mark is recomputed), a risk, a person who
 *   is no longer heard on any call, a deal.
 */
/* a decision's one-line summary from a proposal's columns (p: "" or "new.") */
#define MK_DECISION_SUMMARY(p)                                                            \
	p "kind || coalesce(' \"' || " p "action || '\"', ' ' || " p "name, ' ' || " p "role,\n" \
	"	' ' || " p "category || ': ' || " p "text, '') || coalesce(' due ' || " p "due, '')"
static const char migration_9[] =
	"CREATE TABLE decisions (\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	deal_id INTEGER NOT NULL REFERENCES deals(id),\n"
	"	kind TEXT NOT NULL CHECK (kind IN ('approve', 'reject', 'item_add', 'item_edit',\n"
	"		'undo', 'deal_rename', 'call_remove')),\n"
	"	proposal_id INTEGER REFERENCES proposals(id),\n"
	"	item_id INTEGER,\n"      /* no reference: an undone add deletes its item */
	"	summary TEXT NOT NULL DEFAULT '',\n"
	"	note TEXT,\n"
	"	\"by\" TEXT,\n"
	"	at TEXT NOT NULL,\n"
	"	undoes INTEGER REFERENCES decisions(id),\n"
	"	undone_by INTEGER REFERENCES decisions(id)\n"
	");\n"
	"CREATE INDEX decisions_deal ON decisions(deal_id, id);\n"
	"CREATE INDEX decisions_proposal ON decisions(proposal_id);\n"
	"CREATE INDEX decisions_item ON decisions(item_id);\n"
	"ALTER TABLE plan_revisions ADD COLUMN decision_id INTEGER REFERENCES decisions(id);\n"
	"CREATE INDEX plan_revisions_proposal ON plan_revisions(proposal_id);\n"
	"ALTER TABLE meetings ADD COLUMN removed_at TEXT;\n"
	"CREATE INDEX proposals_meeting ON proposals(meeting_id);\n"
	"CREATE INDEX proposals_item ON proposals(item_id);\n"

	"INSERT INTO decisions (deal_id, kind, proposal_id, item_id, summary, \"by\", at)\n"
	"SELECT deal_id, CASE status WHEN 'approved' THEN 'approve' ELSE 'reject' END, id, item_id,\n"
	"	" MK_DECISION_SUMMARY("") ", decided_by, coalesce(decided_at, created_at)\n"
	"FROM proposals WHERE status <> 'pending' ORDER BY coalesce(decided_at, created_at), id;\n"
	"CREATE TRIGGER decisions_proposal AFTER UPDATE OF status ON proposals\n"
	"	WHEN old.status = 'pending' AND new.status <> 'pending' BEGIN\n"
	"	INSERT INTO decisions (deal_id, kind, proposal_id, item_id, summary, note, \"by\", at)\n"
	"	VALUES (new.deal_id, CASE new.status WHEN 'approved' THEN 'approve' ELSE 'reject' END,\n"
	"		new.id, new.item_id, " MK_DECISION_SUMMARY("new.") ", new.reason, new.decided_by,\n"
	"		coalesce(new.decided_at, strftime('%Y-%m-%dT%H:%M:%SZ', 'now')));\n"
	"END;\n"

	"CREATE TRIGGER deal_stats_item_gone AFTER DELETE ON plan_items BEGIN\n"
	"	UPDATE deal_stats SET items = items - 1, buyer_items = buyer_items - (old.side = 'buyer'),\n"
	"		open_items = open_items - (old.status = 'open'), slipped = slipped - (old.slipped <> 0),\n"
	"		last_item = (SELECT max(coalesce(m.start, i.created_at)) FROM plan_items i\n"
	"			LEFT JOIN meetings m ON m.id = i.meeting_id WHERE i.deal_id = old.deal_id)\n"
	"	WHERE deal_id = old.deal_id;\n"
	"END;\n"
	"CREATE TRIGGER deal_stats_revision_gone AFTER DELETE ON plan_revisions BEGIN\n"
	"	UPDATE deal_stats SET last_revision = (SELECT max(coalesce(m.start, r.at))\n"
	"		FROM plan_items i JOIN plan_revisions r ON r.item_id = i.id\n"
	"		LEFT JOIN meetings m ON m.id = r.meeting_id WHERE i.deal_id = deal_stats.deal_id)\n"
	"	WHERE deal_id = (SELECT i.deal_id FROM plan_items i WHERE i.id = old.item_id);\n"
	"END;\n"
	"CREATE TRIGGER plan_items_unslip AFTER DELETE ON plan_revisions WHEN " MK_SLIP("old") " BEGIN\n"
	"	UPDATE plan_items SET slipped = 0 WHERE id = old.item_id AND slipped AND NOT EXISTS\n"
	"		(SELECT 1 FROM plan_revisions r WHERE r.item_id = old.item_id AND " MK_SLIP("r") ");\n"
	"END;\n"
	"CREATE TRIGGER deal_stats_unslip AFTER UPDATE OF slipped ON plan_items\n"
	"	WHEN old.slipped AND NOT new.slipped BEGIN\n"
	"	UPDATE deal_stats SET slipped = slipped - 1 WHERE deal_id = new.deal_id;\n"
	"END;\n"
	"CREATE TRIGGER deal_stats_unmet AFTER UPDATE OF met ON people\n"
	"	WHEN new.name IS NOT NULL AND old.met AND NOT new.met BEGIN\n"
	"	UPDATE deal_stats SET met = met - 1 WHERE deal_id = new.deal_id;\n"
	"END;\n"
	"CREATE TRIGGER deal_stats_risk_gone AFTER DELETE ON risks WHEN old.status = 'open' BEGIN\n"
	"	UPDATE deal_stats SET open_risks = open_risks - 1 WHERE deal_id = old.deal_id;\n"
	"END;\n";

/*
 * 10: the managers' questions of issue 11 at scale (bench/bench_store.c):
 * - deal_stats.pending: the deal's proposals waiting for review, kept by triggers like the
 *   other counters (a proposal is stored pending, decided once, or deleted with its call);
 * - health's next step: an index of each deal's open items with a due date, in date order;
 * - `changes` (store/changes.c) finds the calls of a period by their start (meetings_start)
 *   and what each caused through the meeting indexes below; changes no call caused, and
 *   every change when asked by decision date, through the indexes on when they were made.
 */
static const char migration_10[] =
	"ALTER TABLE deal_stats ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;\n"
	/* a unary +: each deal's proposals, not every pending one for each deal */
	"UPDATE deal_stats SET pending = (SELECT count(*) FROM proposals p\n"
	"	WHERE p.deal_id = deal_stats.deal_id AND +p.status = 'pending');\n"
	"CREATE TRIGGER deal_stats_proposal AFTER INSERT ON proposals WHEN new.status = 'pending' BEGIN\n"
	"	UPDATE deal_stats SET pending = pending + 1 WHERE deal_id = new.deal_id;\n"
	"END;\n"
	"CREATE TRIGGER deal_stats_proposal_change AFTER UPDATE OF status ON proposals\n"
	"	WHEN (new.status = 'pending') <> (old.status = 'pending') BEGIN\n"
	"	UPDATE deal_stats SET pending = pending + (new.status = 'pending') - (old.status = 'pending')\n"
	"	WHERE deal_id = new.deal_id;\n"
	"END;\n"
	"CREATE TRIGGER deal_stats_proposal_gone AFTER DELETE ON proposals WHEN old.status = 'pending' BEGIN\n"
	"	UPDATE deal_stats SET pending = pending - 1 WHERE deal_id = old.deal_id;\n"
	"END;\n"
	/* health's next step: a deal's open items with a date, soonest first, with their action;
	 * deal_stats.last_open_due, the latest of their dates, says which deals have one at all */
	"CREATE INDEX plan_items_open ON plan_items(deal_id, due, id, status, action)\n"
	"	WHERE status = 'open' AND due IS NOT NULL;\n"
	"ALTER TABLE deal_stats ADD COLUMN last_open_due TEXT;\n"
	"UPDATE deal_stats SET last_open_due = (SELECT max(i.due) FROM plan_items i INDEXED BY plan_items_open\n"
	"	WHERE i.deal_id = deal_stats.deal_id AND i.status = 'open' AND i.due IS NOT NULL);\n"
	"CREATE TRIGGER deal_stats_open_due AFTER INSERT ON plan_items\n"
	"	WHEN new.status = 'open' AND new.due IS NOT NULL BEGIN\n"
	"	UPDATE deal_stats SET last_open_due = max(coalesce(last_open_due, ''), new.due)\n"
	"	WHERE deal_id = new.deal_id;\n"
	"END;\n"
	"CREATE TRIGGER deal_stats_open_due_change AFTER UPDATE OF status, due ON plan_items BEGIN\n"
	"	UPDATE deal_stats SET last_open_due = (SELECT max(i.due) FROM plan_items i INDEXED BY plan_items_open\n"
	"		WHERE i.deal_id = new.deal_id AND i.status = 'open' AND i.due IS NOT NULL)\n"
	"	WHERE deal_id = new.deal_id;\n"
	"END;\n"
	"CREATE TRIGGER deal_stats_open_due_gone AFTER DELETE ON plan_items\n"
	"	WHEN old.status = 'open' AND old.due IS NOT NULL BEGIN\n"
	"	UPDATE deal_stats SET last_open_due = (SELECT max(i.due) FROM plan_items i INDEXED BY plan_items_open\n"
	"		WHERE i.deal_id = old.deal_id AND i.status = 'open' AND i.due IS NOT NULL)\n"
	"	WHERE deal_id = old.deal_id;\n"
	"END;\n"
	"CREATE INDEX plan_items_meeting ON plan_items(meeting_id);\n"
	"CREATE INDEX plan_items_created ON plan_items(created_at);\n"
	"CREATE INDEX plan_revisions_meeting ON plan_revisions(meeting_id);\n"
	"CREATE INDEX plan_revisions_at ON plan_revisions(at);\n"
	"CREATE INDEX IF NOT EXISTS proposals_meeting ON proposals(meeting_id);\n" /* h2's migration 9 has it too */
	"CREATE INDEX proposals_decided ON proposals(decided_at);\n";

/*
 * 11: the whole plan (issue 14). Before it runs, db.c widens the kinds proposals and
 * findings may hold (db_widens below). Then:
 * - proposals.time: set_next_meeting's time; proposals.depends_on_id: add_dependency's item
 *   waited on (depends_on_proposal_id while that item is still a pending add_item);
 * - plan_items.phase: set by hand (NULL: the phase its action gives, mk_phase_guess, on read);
 * - people.stance: the last approved set_stance;
 * - deal_plan: one row per deal that has a goal, a go-live or a next meeting;
 * - criteria, dependencies: the plan's lists (removed_at: taken off, kept for history);
 * - element_revisions: every change of those (and of a stance or a phase), with what caused
 *   it, the way plan_revisions records items': history, changes and undo read it.
 */
#define MK_PHASES "'discovery', 'proof', 'business_case', 'procurement', 'signature', 'onboarding'"
#define MK_STANCES "'unknown', 'champion', 'supporter', 'neutral', 'skeptic', 'blocker'"
static const char migration_11[] =
	"ALTER TABLE proposals ADD COLUMN time TEXT;\n"
	"ALTER TABLE proposals ADD COLUMN depends_on_id INTEGER REFERENCES plan_items(id);\n"
	"ALTER TABLE proposals ADD COLUMN depends_on_proposal_id INTEGER REFERENCES proposals(id);\n"
	"ALTER TABLE plan_items ADD COLUMN phase TEXT CHECK (phase IS NULL OR phase IN (" MK_PHASES "));\n"
	"ALTER TABLE people ADD COLUMN stance TEXT NOT NULL DEFAULT 'unknown' CHECK (stance IN (" MK_STANCES "));\n"
	"CREATE TABLE deal_plan (\n"
	"	deal_id INTEGER PRIMARY KEY REFERENCES deals(id),\n"
	"	goal TEXT,\n"
	"	go_live TEXT,\n"                 /* YYYY-MM-DD */
	"	go_live_kind TEXT CHECK (go_live_kind IS NULL OR go_live_kind IN ('live', 'signed')),\n"
	"	next_meeting TEXT,\n"            /* YYYY-MM-DD */
	"	next_meeting_time TEXT,\n"       /* HH:MM */
	"	next_meeting_who TEXT,\n"
	"	next_meeting_purpose TEXT,\n"
	"	updated_at TEXT NOT NULL\n"
	");\n"
	"CREATE TABLE criteria (\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	deal_id INTEGER NOT NULL REFERENCES deals(id),\n"
	"	text TEXT NOT NULL,\n"
	"	meeting_id INTEGER REFERENCES meetings(id),\n"
	"	proposal_id INTEGER REFERENCES proposals(id),\n"
	"	created_at TEXT NOT NULL,\n"
	"	removed_at TEXT\n"
	");\n"
	"CREATE INDEX criteria_deal ON criteria(deal_id);\n"
	"CREATE TABLE dependencies (\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	deal_id INTEGER NOT NULL REFERENCES deals(id),\n"
	"	item_id INTEGER REFERENCES plan_items(id),\n"       /* what waits, when an item */
	"	depends_on_id INTEGER REFERENCES plan_items(id),\n" /* on what, when an item */
	"	waiting TEXT,\n"                                    /* the words, when not an item */
	"	on_text TEXT,\n"
	"	meeting_id INTEGER REFERENCES meetings(id),\n"
	"	proposal_id INTEGER REFERENCES proposals(id),\n"
	"	created_at TEXT NOT NULL,\n"
	"	removed_at TEXT\n"
	");\n"
	"CREATE INDEX dependencies_deal ON dependencies(deal_id);\n"
	"CREATE TABLE element_revisions (\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	deal_id INTEGER NOT NULL REFERENCES deals(id),\n"
	"	field TEXT NOT NULL CHECK (field IN ('goal', 'go_live', 'next_meeting', 'criterion',\n"
	"		'dependency', 'stance', 'phase')),\n"
	"	ref_id INTEGER,\n"      /* criterion, dependency: its id; stance: people.id; phase: the item */
	"	old_value TEXT,\n"
	"	new_value TEXT,\n"
	"	at TEXT NOT NULL,\n"
	"	meeting_id INTEGER REFERENCES meetings(id),\n"
	"	proposal_id INTEGER REFERENCES proposals(id),\n"
	"	decision_id INTEGER,\n" /* a hand change's decision (decisions.id), or NULL */
	"	\"by\" TEXT\n"
	");\n"
	"CREATE INDEX element_revisions_deal ON element_revisions(deal_id, at);\n";

/*
 * 12: the buyer's side (store/share.c): read-only links to a deal's plan (only the token's
 * SHA-256 is kept), what the buyer sent through them (acknowledgements of the plan as of a
 * version, comments on an item or the whole plan), and which risks the buyer may see.
 */
static const char migration_12[] =
	"CREATE TABLE share_links (\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	deal_id INTEGER NOT NULL REFERENCES deals(id),\n"
	"	token_sha256 TEXT NOT NULL UNIQUE,\n"
	"	created_at TEXT NOT NULL,\n"
	"	expires_at TEXT NOT NULL,\n"
	"	revoked_at TEXT,\n"
	"	created_by TEXT,\n"
	"	revoked_by TEXT\n"
	");\n"
	"CREATE INDEX share_links_deal ON share_links(deal_id);\n"
	"CREATE TABLE buyer_acks (\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	deal_id INTEGER NOT NULL REFERENCES deals(id),\n"
	"	share_id INTEGER NOT NULL REFERENCES share_links(id),\n"
	"	name TEXT NOT NULL,\n"
	"	plan_version INTEGER NOT NULL,\n"
	"	at TEXT NOT NULL\n"
	");\n"
	"CREATE INDEX buyer_acks_deal ON buyer_acks(deal_id, at);\n"
	"CREATE TABLE buyer_comments (\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	deal_id INTEGER NOT NULL REFERENCES deals(id),\n"
	"	share_id INTEGER NOT NULL REFERENCES share_links(id),\n"
	"	item_id INTEGER REFERENCES plan_items(id),\n"
	"	name TEXT NOT NULL,\n"
	"	text TEXT NOT NULL,\n"
	"	plan_version INTEGER NOT NULL,\n"
	"	at TEXT NOT NULL\n"
	");\n"
	"CREATE INDEX buyer_comments_deal ON buyer_comments(deal_id, at);\n"
	"ALTER TABLE risks ADD COLUMN shareable INTEGER NOT NULL DEFAULT 0;\n";

/*
 * 13: hand changes of the plan's elements (store/elements.c).
 * - decisions of kind 'plan_edit' (db_widens below widens the CHECK): a goal, go-live, next
 *   meeting, criterion, dependency or stance changed by hand, undoable like an item edit;
 * - element_revisions.old_state: the deal's deal_plan columns just before a change of its
 *   goal, go-live or next meeting (json_object; NULL when it had no row), so an undo puts
 *   back exactly what was (a next meeting is four columns);
 * - an approval's one-line summary says what the new kinds hold (their text, date, stance).
 */
#define MK_DECISION_SUMMARY_13(p)                                                         \
	"CASE " p "kind\n"                                                                    \
	"	WHEN 'set_goal' THEN 'set_goal \"' || coalesce(" p "text, '') || '\"'\n"            \
	"	WHEN 'add_criterion' THEN 'add_criterion \"' || coalesce(" p "text, '') || '\"'\n"  \
	"	WHEN 'set_go_live' THEN 'set_go_live ' || coalesce(" p "due, 'none')\n"             \
	"		|| coalesce(' (' || " p "category || ')', '')\n"                              \
	"	WHEN 'add_dependency' THEN 'add_dependency \"' || coalesce(" p "action, '#' || " p "item_id, '')\n" \
	"		|| '\" waits on \"' || coalesce(" p "text, '#' || " p "depends_on_id, '') || '\"'\n" \
	"	WHEN 'set_next_meeting' THEN 'set_next_meeting ' || coalesce(" p "due, 'no date')\n" \
	"		|| coalesce(' ' || " p "time, '') || coalesce(' with ' || " p "name, '')\n"     \
	"		|| coalesce(': ' || " p "text, '')\n"                                         \
	"	WHEN 'set_stance' THEN 'set_stance ' || coalesce(" p "name, " p "role, '') || ': '\n" \
	"		|| coalesce(" p "category, '')\n"                                             \
	"	ELSE " MK_DECISION_SUMMARY(p) " END"
static const char migration_13[] =
	"ALTER TABLE element_revisions ADD COLUMN old_state TEXT;\n"
	"CREATE INDEX element_revisions_proposal ON element_revisions(proposal_id);\n"
	"CREATE INDEX element_revisions_decision ON element_revisions(decision_id);\n"
	"DROP TRIGGER decisions_proposal;\n"
	"CREATE TRIGGER decisions_proposal AFTER UPDATE OF status ON proposals\n"
	"	WHEN old.status = 'pending' AND new.status <> 'pending' BEGIN\n"
	"	INSERT INTO decisions (deal_id, kind, proposal_id, item_id, summary, note, \"by\", at)\n"
	"	VALUES (new.deal_id, CASE new.status WHEN 'approved' THEN 'approve' ELSE 'reject' END,\n"
	"		new.id, new.item_id, " MK_DECISION_SUMMARY_13("new.") ", new.reason, new.decided_by,\n"
	"		coalesce(new.decided_at, strftime('%Y-%m-%dT%H:%M:%SZ', 'now')));\n"
	"END;\n";


/*
 * 14: the CRMs and Slack (issue 15: store/crm.c, store/notify.c).
 * - crm_meta: this database's random install id ('install'), the prefix of every External ID
 *   it writes, so two databases pushing to one org never share a key;
 * - crm_links: a deal's record in a CRM (Opportunity, HubSpot deal);
 * - crm_items: an item's task in a CRM and what was last pushed and seen of it. item_id has
 *   no foreign key: an item undone off the plan keeps its row, so push can close its task;
 * - crm_runs: every push and pull (the web app's "last push"); crm_locks: one run at a time;
 * - proposals.source: 'salesforce' or 'hubspot' for a proposal a pull made (no meeting);
 * - notices, notice_channels, digests: what Slack was told (each call once; a channel's
 *   first use is its start; one digest a day).
 */
#define MK_CRMS "'salesforce', 'hubspot'"
static const char migration_14[] =
	"CREATE TABLE crm_meta (\n"
	"	key TEXT PRIMARY KEY,\n"
	"	value TEXT NOT NULL\n"
	");\n"
	"CREATE TABLE crm_links (\n"
	"	deal_id INTEGER NOT NULL REFERENCES deals(id),\n"
	"	crm TEXT NOT NULL CHECK (crm IN (" MK_CRMS ")),\n"
	"	remote_id TEXT NOT NULL,\n"
	"	linked_at TEXT NOT NULL,\n"
	"	linked_by TEXT,\n"
	"	PRIMARY KEY (deal_id, crm)\n"
	");\n"
	"CREATE TABLE crm_items (\n"
	"	item_id INTEGER NOT NULL,\n"
	"	crm TEXT NOT NULL CHECK (crm IN (" MK_CRMS ")),\n"
	"	deal_id INTEGER NOT NULL REFERENCES deals(id),\n"
	"	key TEXT NOT NULL,\n"
	"	state TEXT NOT NULL CHECK (state IN ('pending', 'synced', 'deleted')),\n"
	"	remote_id TEXT,\n"
	"	pushed_hash TEXT,\n"
	"	subject TEXT,\n"
	"	due TEXT,\n"
	"	status TEXT,\n"
	"	owner TEXT,\n"
	"	remote_modified TEXT,\n"
	"	pushed_at TEXT,\n"
	"	pulled_at TEXT,\n"
	"	PRIMARY KEY (item_id, crm),\n"
	"	UNIQUE (crm, key)\n"
	");\n"
	"CREATE INDEX crm_items_deal ON crm_items(deal_id, crm);\n"
	"CREATE TABLE crm_runs (\n"
	"	id INTEGER PRIMARY KEY,\n"
	"	crm TEXT NOT NULL CHECK (crm IN (" MK_CRMS ")),\n"
	"	kind TEXT NOT NULL CHECK (kind IN ('push', 'pull')),\n"
	"	deal_id INTEGER REFERENCES deals(id),\n"
	"	started_at TEXT NOT NULL,\n"
	"	finished_at TEXT,\n"
	"	result TEXT NOT NULL CHECK (result IN ('running', 'ok', 'partial', 'error')),\n"
	"	message TEXT,\n"
	"	created INTEGER NOT NULL DEFAULT 0,\n"
	"	updated INTEGER NOT NULL DEFAULT 0,\n"
	"	unchanged INTEGER NOT NULL DEFAULT 0,\n"
	"	proposed INTEGER NOT NULL DEFAULT 0,\n"
	"	deleted INTEGER NOT NULL DEFAULT 0,\n"
	"	errors INTEGER NOT NULL DEFAULT 0\n"
	");\n"
	"CREATE INDEX crm_runs_deal ON crm_runs(crm, kind, deal_id, id);\n"
	"CREATE TABLE crm_locks (\n"
	"	crm TEXT PRIMARY KEY,\n"
	"	pid INTEGER NOT NULL,\n"
	"	host TEXT NOT NULL,\n"
	"	at TEXT NOT NULL\n"
	");\n"
	"ALTER TABLE proposals ADD COLUMN source TEXT;\n"
	"CREATE TABLE notice_channels (\n"
	"	channel TEXT PRIMARY KEY,\n"
	"	started_at TEXT NOT NULL\n"
	");\n"
	"CREATE TABLE notices (\n"
	"	channel TEXT NOT NULL,\n"
	"	meeting_id INTEGER NOT NULL REFERENCES meetings(id),\n"
	"	sent_at TEXT NOT NULL,\n"
	"	PRIMARY KEY (channel, meeting_id)\n"
	");\n"
	"CREATE TABLE digests (\n"
	"	channel TEXT NOT NULL,\n"
	"	day TEXT NOT NULL,\n"
	"	sent_at TEXT NOT NULL,\n"
	"	PRIMARY KEY (channel, day)\n"
	");\n";

const struct db_widen db_widens[] = {
	{ 11, "proposals", "'add_stakeholder', 'add_risk')",
	  "'add_stakeholder', 'add_risk', 'set_goal', 'set_go_live', 'add_criterion',\n"
	  "\t\t'add_dependency', 'set_next_meeting', 'set_stance')" },
	{ 11, "findings", "'update', 'date')",
	  "'update', 'date', 'goal', 'go_live', 'criterion', 'dependency', 'next_meeting', 'stance')" },
	{ 13, "decisions", "'undo', 'deal_rename', 'call_remove')",
	  "'undo', 'deal_rename', 'call_remove', 'plan_edit')" },
	{ 0, NULL, NULL, NULL },
};

const char *const db_migrations[] = {
	migration_1,
	migration_2,
	migration_3,
	migration_4,
	migration_5,
	migration_6,
	migration_7,
	migration_8,
	migration_9,
	migration_10,
	migration_11,
	migration_12,
	migration_13,
	migration_14,
};

const int db_schema_version = (int)(sizeof db_migrations / sizeof db_migrations[0]);
