/*
 * meeting.c: storing one call (mk_store_ingest): the meeting, its utterances (indexed
 * for full-text search by triggers) and who spoke on it, its findings, and the proposals
 * merge/ made from it (the people and risks it named reach the plan only when their
 * proposals are approved: proposal.c). Does not extract or merge anything. Invariant: one call is one transaction; a transcript (by sha256) is stored
 * once, a proposal key once per deal, whatever became of it.
 */
#include "db.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

/* The name a person knows the call by: the file's name without its folders. */
static const char *meeting_label(const char *path)
{
	const char *slash;

	if (!path || !path[0])
		return "";
	if (!strcmp(path, "-"))
		return "standard input";
	slash = strrchr(path, '/');
	return slash && slash[1] ? slash + 1 : path;
}

static int meeting_insert(struct mk_store *st, int64_t deal, const struct mk_transcript *t,
			  const char *start, const char *now, int64_t *id)
{
	int rc = db_run(st,
		"INSERT INTO meetings (deal_id, sha256, path, label, format, start, ingested_at)\n"
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", "itttttt", deal, t->sha256, t->path ? t->path : "",
		meeting_label(t->path), mk_format_name(t->format), start && start[0] ? start : t->start,
		now);

	*id = sqlite3_last_insert_rowid(st->db);
	return rc;
}

static int utterances_insert(struct mk_store *st, int64_t meeting, const struct mk_transcript *t)
{
	sqlite3_stmt *s = NULL;
	int rc;

	rc = db_prepare(st,
		"INSERT INTO utterances (meeting_id, idx, speaker, start_ms, end_ms, text)\n"
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6)", &s);
	for (size_t i = 0; rc == SQLITE_OK && i < t->n; i++) {
		const struct mk_utterance *u = &t->utt[i];

		rc = db_rerun(s, "iitiit", meeting, (int64_t)i, u->speaker ? u->speaker : "",
			      (int64_t)u->start_ms, (int64_t)u->end_ms, u->text ? u->text : "");
	}
	sqlite3_finalize(s);
	/* the whole call into the full-text index at once (schema.c, migration 6) */
	if (rc == SQLITE_OK)
		rc = db_run(st,
			"INSERT INTO utterances_fts (rowid, text, speaker)\n"
			"SELECT id, text, speaker FROM utterances WHERE meeting_id = ?1", "i", meeting);
	return rc;
}

/* Who spoke on the call, once per deal (schema.c: a new speaker may make a person met). */
static const char speakers_sql[] =
	"INSERT INTO deal_speakers (deal_id, speaker) VALUES (?1, lower(?2))\n"
	"ON CONFLICT (deal_id, speaker) DO NOTHING";

static int speakers_insert(struct mk_store *st, int64_t deal, const struct mk_transcript *t)
{
	sqlite3_stmt *s = NULL;
	const char **seen = NULL;
	size_t nseen = 0, cap = 0;
	int rc;

	rc = db_prepare_cached(st, speakers_sql, &s);
	for (size_t i = 0; rc == SQLITE_OK && i < t->n; i++) {
		const char *spk = t->utt[i].speaker;
		size_t k = 0;

		if (!spk || !spk[0])
			continue;
		while (k < nseen && strcmp(seen[k], spk))
			k++;
		if (k < nseen)
			continue;
		seen = mk_grow(seen, &cap, nseen + 1, sizeof *seen);
		seen[nseen++] = spk;
		rc = db_rerun(s, "it", deal, spk);
	}
	free(seen);
	if (s)
		sqlite3_reset(s);
	return rc;
}

/* One row of findings: the columns a kind does not use stay NULL. */
struct finding_row {
	const char *kind, *rule, *owner, *side, *action;
	int has_due;
	struct mk_date due;
	const char *due_text;
	int has_confidence;
	double confidence;
	const char *name, *role, *category, *text, *change;
	int has_count;
	int64_t count;
	const struct mk_evidence *ev;
};

static int finding_insert(sqlite3_stmt *s, int64_t meeting, const struct finding_row *r)
{
	const struct mk_evidence *ev = r->ev;

	/* every column bound, NULL where the kind has none */
	return db_rerun(s, "ittttt" "dt" "gttttt" "n" "tnnt", meeting, r->kind, r->rule, r->owner,
			r->side, r->action, r->has_due ? &r->due : NULL, r->due_text,
			r->has_confidence ? &r->confidence : NULL, r->name, r->role, r->category, r->text,
			r->change, r->has_count ? &r->count : NULL, ev ? ev->speaker : NULL,
			ev ? &ev->start_ms : NULL, ev ? &ev->end_ms : NULL, ev ? ev->quote : NULL);
}

/* The whole plan's findings (issue 14), in the columns nearest what each holds: goal and
 * criterion: text; go_live: category (live|signed), due, due_text; dependency: action (what
 * waits), text (on what); next_meeting: due, due_text, name (who), text (what for), change
 * (the time, HH:MM); stance: name, role, side, category (the stance). */
static int findings_insert_plan(sqlite3_stmt *s, int64_t meeting, const struct mk_findings *f)
{
	int rc = SQLITE_OK;

	/* each row a compound literal: the columns not named are NULL */
	for (size_t i = 0; rc == SQLITE_OK && i < f->ngoals; i++)
		rc = finding_insert(s, meeting, &(struct finding_row){ .kind = "goal", .rule = f->goals[i].rule,
			.text = f->goals[i].text, .ev = &f->goals[i].ev });
	for (size_t i = 0; rc == SQLITE_OK && i < f->ngo_lives; i++) {
		const struct mk_go_live *g = &f->go_lives[i];

		rc = finding_insert(s, meeting, &(struct finding_row){ .kind = "go_live", .rule = g->rule,
			.category = g->kind, .has_due = g->has_date, .due = g->date, .due_text = g->date_text,
			.ev = &g->ev });
	}
	for (size_t i = 0; rc == SQLITE_OK && i < f->ncriteria; i++)
		rc = finding_insert(s, meeting, &(struct finding_row){ .kind = "criterion",
			.rule = f->criteria[i].rule, .text = f->criteria[i].text, .ev = &f->criteria[i].ev });
	for (size_t i = 0; rc == SQLITE_OK && i < f->ndependencies; i++) {
		const struct mk_dependency *d = &f->dependencies[i];

		rc = finding_insert(s, meeting, &(struct finding_row){ .kind = "dependency", .rule = d->rule,
			.action = d->waiting, .text = d->on, .ev = &d->ev });
	}
	for (size_t i = 0; rc == SQLITE_OK && i < f->nnext_meetings; i++) {
		const struct mk_next_meeting *m = &f->next_meetings[i];

		rc = finding_insert(s, meeting, &(struct finding_row){ .kind = "next_meeting", .rule = m->rule,
			.has_due = m->has_date, .due = m->date, .due_text = m->date_text, .name = m->who,
			.text = m->purpose, .change = m->time, .ev = &m->ev });
	}
	for (size_t i = 0; rc == SQLITE_OK && i < f->nstances; i++) {
		const struct mk_stance_finding *k = &f->stances[i];

		rc = finding_insert(s, meeting, &(struct finding_row){ .kind = "stance", .rule = k->rule,
			.name = k->name, .role = k->role, .side = mk_side_name(k->side),
			.category = mk_stance_name(k->stance), .ev = &k->ev });
	}
	return rc;
}

static int findings_insert(struct mk_store *st, int64_t meeting, const struct mk_findings *f)
{
	sqlite3_stmt *s = NULL;
	struct finding_row r;
	int rc;

	rc = db_prepare(st,
		"INSERT INTO findings (meeting_id, kind, rule, owner, side, action, due, due_text,\n"
		"	confidence, name, role, category, text, change, count, speaker, start_ms,\n"
		"	end_ms, quote)\n"
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,\n"
		"	?17, ?18, ?19)", &s);
	for (size_t i = 0; rc == SQLITE_OK && i < f->nspeakers; i++) {
		memset(&r, 0, sizeof r);
		r.kind = "speaker";
		r.name = f->speakers[i].name;
		r.side = mk_side_name(f->speakers[i].side);
		r.has_count = 1;
		r.count = (int64_t)f->speakers[i].utterances;
		rc = finding_insert(s, meeting, &r);
	}
	for (size_t i = 0; rc == SQLITE_OK && i < f->ncommitments; i++) {
		const struct mk_commitment *c = &f->commitments[i];

		memset(&r, 0, sizeof r);
		r.kind = "commitment";
		r.rule = c->rule;
		r.owner = c->owner;
		r.side = mk_side_name(c->side);
		r.action = c->action;
		r.has_due = c->has_due;
		r.due = c->due;
		r.due_text = c->due_text;
		r.has_confidence = 1;
		r.confidence = c->confidence;
		r.ev = &c->ev;
		rc = finding_insert(s, meeting, &r);
	}
	for (size_t i = 0; rc == SQLITE_OK && i < f->nstakeholders; i++) {
		const struct mk_stakeholder *p = &f->stakeholders[i];

		memset(&r, 0, sizeof r);
		r.kind = "stakeholder";
		r.rule = p->rule;
		r.name = p->name;
		r.role = p->role;
		r.side = mk_side_name(p->side);
		r.ev = &p->ev;
		rc = finding_insert(s, meeting, &r);
	}
	for (size_t i = 0; rc == SQLITE_OK && i < f->nrisks; i++) {
		const struct mk_risk *k = &f->risks[i];

		memset(&r, 0, sizeof r);
		r.kind = "risk";
		r.rule = k->rule;
		r.category = k->category;
		r.text = k->text;
		r.ev = &k->ev;
		rc = finding_insert(s, meeting, &r);
	}
	for (size_t i = 0; rc == SQLITE_OK && i < f->nupdates; i++) {
		const struct mk_update *u = &f->updates[i];

		memset(&r, 0, sizeof r);
		r.kind = "update";
		r.rule = u->rule;
		r.action = u->item;
		r.change = u->change;
		r.has_due = u->has_due;
		r.due = u->due;
		r.ev = &u->ev;
		rc = finding_insert(s, meeting, &r);
	}
	for (size_t i = 0; rc == SQLITE_OK && i < f->ndates; i++) {
		const struct mk_date_mention *d = &f->dates[i];

		memset(&r, 0, sizeof r);
		r.kind = "date";
		r.text = d->text;
		r.has_due = d->has_date;
		r.due = d->value;
		r.ev = &d->ev;
		rc = finding_insert(s, meeting, &r);
	}
	if (rc == SQLITE_OK)
		rc = findings_insert_plan(s, meeting, f);
	sqlite3_finalize(s);
	return rc;
}

int db_proposals_insert(struct mk_store *st, int64_t deal, int64_t meeting, const char *source,
			const struct mk_proposal *v, size_t n, const char *now, size_t *added)
{
	sqlite3_stmt *s = NULL;
	int rc;

	rc = db_prepare(st,
		"INSERT INTO proposals (deal_id, meeting_id, kind, item_id, action, owner, side,\n"
		"	due, old_due, name, role, category, text, confidence, ev_speaker, ev_start_ms,\n"
		"	ev_end_ms, ev_quote, key, created_at, target_proposal_id, time, depends_on_id,\n"
		"	depends_on_proposal_id, source)\n"
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,\n"
		"	?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25)\n"
		"ON CONFLICT (deal_id, key) DO NOTHING", &s);
	for (size_t i = 0; rc == SQLITE_OK && i < n; i++) {
		const struct mk_proposal *p = &v[i];

		/* item -P (?21; a dependency's depends_on -P: ?24): the item pending add_item
		 * proposal P will add (mapkeeper.h) */
		rc = db_rerun(s, "iItIttt" "ddttttf" "tiitttI" "tIIt", deal, meeting, mk_prop_kind_name(p->kind),
			      p->item_id > 0 ? p->item_id : 0, p->action, p->owner, mk_side_name(p->side),
			      p->has_due ? &p->due : NULL, p->has_old_due ? &p->old_due : NULL, p->name,
			      p->role, p->category, p->text, p->confidence, p->ev.speaker, p->ev.start_ms,
			      p->ev.end_ms, p->ev.quote, p->key, now, p->item_id < 0 ? -p->item_id : 0,
			      p->time, p->depends_on_id > 0 ? p->depends_on_id : 0,
			      p->depends_on_id < 0 ? -p->depends_on_id : 0, source);
		if (rc == SQLITE_OK)
			*added += (size_t)sqlite3_changes(st->db);
	}
	sqlite3_finalize(s);
	return rc;
}

/* Item id (a proposal's item_id or depends_on_id) must be on this deal's plan, or be a
 * pending add_item proposal of this deal (-P). */
static enum mk_err proposal_check_item(struct mk_store *st, int64_t deal, const struct mk_proposal *p,
				       int64_t item, struct mk_diag *diag)
{
	enum mk_err err = MK_OK;
	int64_t one;

	if (item > 0)
		err = db_notfound(st, diag, db_int(st, diag, &one,
			"SELECT 1 FROM plan_items WHERE id = ?1 AND deal_id = ?2", "ii", item, deal),
			"proposal \"%s\" names plan item %lld, which is not on the plan", p->key, (long long)item);
	else if (item < 0)
		err = db_notfound(st, diag, db_int(st, diag, &one,
			"SELECT 1 FROM proposals WHERE id = ?1 AND deal_id = ?2 AND kind = 'add_item'\n"
			"	AND status = 'pending'", "ii", -item, deal),
			"proposal \"%s\" names the item of proposal %lld, which is not a pending add_item of the deal",
			p->key, (long long)-item);
	return err == MK_ENOTFOUND ? MK_EARG : err;
}

/* Every item a proposal changes, or a dependency waits on, must be on this deal's plan, or
 * be a pending add_item proposal of this deal (item -P). */
static enum mk_err proposals_check_items(struct mk_store *st, int64_t deal,
					 const struct mk_proposals *ps, struct mk_diag *diag)
{
	enum mk_err err = MK_OK;

	for (size_t i = 0; !err && ps && i < ps->n; i++) {
		err = proposal_check_item(st, deal, &ps->v[i], ps->v[i].item_id, diag);
		if (!err)
			err = proposal_check_item(st, deal, &ps->v[i], ps->v[i].depends_on_id, diag);
	}
	return err;
}

/* Checks what SQL would only reject with a less helpful message. */
static enum mk_err ingest_check(struct mk_store *st, const struct mk_transcript *t,
				const struct mk_proposals *ps, struct mk_diag *diag)
{
	if (!t || strlen(t->sha256) != 64) {
		mk_diag_set(diag, st->path, 0, "the transcript has no sha256");
		return MK_EARG;
	}
	for (size_t i = 0; ps && i < ps->n; i++) {
		const struct mk_proposal *p = &ps->v[i];

		if (!p->key || !p->key[0]) {
			mk_diag_set(diag, st->path, 0, "proposal %zu of %zu has no key", i + 1, ps->n);
			return MK_EARG;
		}
		if ((unsigned)p->kind >= MK_PROP_KIND_COUNT) {
			mk_diag_set(diag, st->path, 0, "proposal \"%s\" has an unknown kind (%d)",
				    p->key, (int)p->kind);
			return MK_EARG;
		}
	}
	return MK_OK;
}

enum mk_err mk_store_ingest(struct mk_store *st, const char *deal, const struct mk_transcript *t,
			    const char *start, const struct mk_findings *f,
			    const struct mk_proposals *ps, struct mk_ingest_result *out,
			    struct mk_diag *diag)
{
	enum mk_err err;
	int64_t deal_id = 0, meeting = 0;
	char now[32];
	int rc;

	memset(out, 0, sizeof *out);
	err = ingest_check(st, t, ps, diag);
	if (err)
		return err;
	db_now(now, sizeof now);
	err = db_begin(st, diag);
	if (err)
		return err;
	err = db_deal_id(st, deal, &deal_id, diag);
	if (err)
		goto out;

	err = db_int(st, diag, &out->meeting_id, "SELECT id FROM meetings WHERE sha256 = ?1", "t",
		     t->sha256);
	if (!err) {
		out->already = 1;
		goto out; /* nothing written: the rollback ends the read */
	}
	if (err != MK_ENOTFOUND)
		goto out;
	err = MK_OK;
	rc = meeting_insert(st, deal_id, t, start, now, &meeting);
	if (rc == SQLITE_OK)
		rc = utterances_insert(st, meeting, t);
	if (rc == SQLITE_OK)
		rc = speakers_insert(st, deal_id, t);
	if (rc == SQLITE_OK && f)
		rc = findings_insert(st, meeting, f);
	if (rc != SQLITE_OK) {
		err = db_fail(st, rc, diag);
		goto out;
	}
	if (ps) {
		err = proposals_check_items(st, deal_id, ps, diag);
		if (err)
			goto out;
		rc = db_proposals_insert(st, deal_id, meeting, NULL, ps->v, ps->n, now, &out->nproposals);
		if (rc != SQLITE_OK) {
			err = db_fail(st, rc, diag);
			goto out;
		}
	}
	err = db_commit(st, diag);
	if (err == MK_OK)
		out->meeting_id = meeting;
out:
	if (err || out->already)
		db_rollback(st);
	if (err) {
		out->meeting_id = 0;
		out->nproposals = 0;
	}
	return err;
}
