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

const char *const db_migrations[] = {
	migration_1,
	migration_2,
	migration_3,
	migration_4,
};

const int db_schema_version = (int)(sizeof db_migrations / sizeof db_migrations[0]);
