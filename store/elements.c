/*
 * elements.c: writing the whole plan's elements (issue 14): the goal, the go-live, the
 * success criteria, the dependencies, the next meeting and the stakeholders' stances. It
 * applies approved proposals of kinds set_goal .. set_stance, edits such a proposal while
 * it is pending (mk_store_edit_element), makes the hand changes (mk_store_set_goal ..
 * mk_store_set_stance, each a 'plan_edit' decision) and undoes what either wrote. Does not
 * read the plan, its history or its health (plan.c, query.c, changes.c).
 * Invariant: every change of an element writes one element_revisions row in the same
 * transaction (proposal_id for an approval, decision_id for a hand change or a phase), whose
 * values are: goal: the text; go_live: "YYYY-MM-DD (live|signed)"; next_meeting: "DATE|no
 * date[ HH:MM][ with WHO][: PURPOSE]"; criterion: its text (added: NULL -> text, removed:
 * text -> NULL); dependency: "\"A\" waits on \"B\"" (likewise); stance: a stance name; phase:
 * a phase name (NULL: the one its action gives). An undo puts the old value back (old_state
 * for deal_plan's columns) and deletes the row.
 */
#include "edit.h"
#include "util/util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static int el_same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* "HH:MM", 00:00 to 23:59 */
static int el_time_ok(const char *s)
{
	return s && strlen(s) == 5 && isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) &&
	       s[2] == ':' && isdigit((unsigned char)s[3]) && isdigit((unsigned char)s[4]) &&
	       (s[0] - '0') * 10 + (s[1] - '0') < 24 && s[3] < '6';
}

/* A day given by a rep into out ("YYYY-MM-DD"), or MK_EARG naming field. */
static enum mk_err el_day(struct mk_store *st, const char *field, const char *s, char out[16],
			  struct mk_diag *diag)
{
	struct mk_date d;

	if (!s || mk_date_parse_day(s, &d) != MK_OK) {
		mk_diag_set(diag, st->path, 0, "%s '%s' is not a day (YYYY-MM-DD)", field, s ? s : "");
		return MK_EARG;
	}
	mk_date_format(d, out, 16);
	return MK_OK;
}

static enum mk_err el_time(struct mk_store *st, const char *s, struct mk_diag *diag)
{
	if (el_time_ok(s))
		return MK_OK;
	mk_diag_set(diag, st->path, 0, "time '%s' is not a time (HH:MM)", s ? s : "");
	return MK_EARG;
}

static enum mk_err el_kind(struct mk_store *st, const char *s, struct mk_diag *diag)
{
	if (s && (!strcmp(s, "live") || !strcmp(s, "signed")))
		return MK_OK;
	mk_diag_set(diag, st->path, 0, "unknown go-live kind '%s' (live, signed)", s ? s : "");
	return MK_EARG;
}

static enum mk_err el_stance(struct mk_store *st, const char *s, struct mk_diag *diag)
{
	enum mk_stance v;

	if (mk_stance_parse(s, &v) == MK_OK)
		return MK_OK;
	mk_diag_set(diag, st->path, 0,
		    "unknown stance '%s' (champion, supporter, neutral, skeptic, blocker, unknown)", s ? s : "");
	return MK_EARG;
}

/* ---- the revisions ---- */

int el_revision(const struct el_write *w, const char *field, int64_t ref, const char *old_value,
		const char *new_value)
{
	return db_run(w->st,
		"INSERT INTO element_revisions (deal_id, field, ref_id, old_value, new_value, at,\n"
		"	meeting_id, proposal_id, decision_id, \"by\", old_state)\n"
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,\n"
		"	CASE WHEN ?2 IN ('goal', 'go_live', 'next_meeting') THEN (SELECT json_object('goal', goal,\n"
		"	'go_live', go_live, 'go_live_kind', go_live_kind, 'next_meeting', next_meeting,\n"
		"	'next_meeting_time', next_meeting_time, 'next_meeting_who', next_meeting_who,\n"
		"	'next_meeting_purpose', next_meeting_purpose) FROM deal_plan WHERE deal_id = ?1) END)",
		"itIttt" "IIIt", w->deal, field, ref, old_value, new_value, w->now, w->meeting, w->proposal,
		w->decision, w->who);
}

/* ---- the deal's row: goal, go-live, next meeting ---- */

struct el_plan {
	char *goal, *go_live, *kind, *date, *time, *with, *purpose;
};

static void el_plan_release(struct el_plan *p)
{
	free(p->goal);
	free(p->go_live);
	free(p->kind);
	free(p->date);
	free(p->time);
	free(p->with);
	free(p->purpose);
	memset(p, 0, sizeof *p);
}

static enum mk_err el_plan_load(struct mk_store *st, int64_t deal, struct el_plan *p, struct mk_diag *diag)
{
	sqlite3_stmt *s = NULL;
	enum mk_err err;

	memset(p, 0, sizeof *p);
	err = db_row(st, diag, &s,
		"SELECT goal, go_live, go_live_kind, next_meeting, next_meeting_time, next_meeting_who,\n"
		"	next_meeting_purpose FROM deal_plan WHERE deal_id = ?1", "i", deal);
	if (!err) {
		p->goal = db_column_dup(s, 0);
		p->go_live = db_column_dup(s, 1);
		p->kind = db_column_dup(s, 2);
		p->date = db_column_dup(s, 3);
		p->time = db_column_dup(s, 4);
		p->with = db_column_dup(s, 5);
		p->purpose = db_column_dup(s, 6);
	}
	sqlite3_finalize(s);
	return err == MK_ENOTFOUND ? MK_OK : err;
}

static char *el_go_live_text(const char *date, const char *kind)
{
	return date ? mk_sprintf("%s (%s)", date, kind ? kind : "live") : NULL;
}

static char *el_meeting_text(const char *date, const char *time, const char *with, const char *purpose)
{
	struct mk_buf b;

	if (!date && !time && !with && !purpose)
		return NULL;
	mk_buf_init(&b);
	mk_buf_adds(&b, date ? date : "no date");
	if (time)
		mk_buf_addf(&b, " %s", time);
	if (with)
		mk_buf_addf(&b, " with %s", with);
	if (purpose)
		mk_buf_addf(&b, ": %s", purpose);
	return mk_buf_detach(&b);
}

/* The statements that set deal_plan's columns (?1 deal, ?2 now, ?3.. the values). */
static const char el_goal_sql[] = "UPDATE deal_plan SET goal = ?3, updated_at = ?2 WHERE deal_id = ?1";
static const char el_go_live_sql[] =
	"UPDATE deal_plan SET go_live = ?3, go_live_kind = ?4, updated_at = ?2 WHERE deal_id = ?1";
static const char el_meeting_sql[] =
	"UPDATE deal_plan SET next_meeting = ?3, next_meeting_time = ?4, next_meeting_who = ?5,\n"
	"	next_meeting_purpose = ?6, updated_at = ?2 WHERE deal_id = ?1";

/* One change of deal_plan: field's revision (old -> new shown), then sql with a .. d.
 * *changed: 0 when old and new are the same (nothing is written). */
static enum mk_err el_plan_change(const struct el_write *w, const char *field, const char *sql,
				  const char *old_value, const char *new_value, const char *a, const char *b,
				  const char *c, const char *d, int *changed)
{
	int rc;

	*changed = !el_same(old_value, new_value);
	if (!*changed)
		return MK_OK;
	rc = el_revision(w, field, 0, old_value, new_value);
	if (rc == SQLITE_OK)
		rc = db_run(w->st, "INSERT INTO deal_plan (deal_id, updated_at) VALUES (?1, ?2)\n"
			    "ON CONFLICT (deal_id) DO NOTHING", "it", w->deal, w->now);
	if (rc == SQLITE_OK)
		rc = db_run(w->st, sql, "itttt" "t", w->deal, w->now, a, b, c, d);
	return rc == SQLITE_OK ? MK_OK : db_fail(w->st, rc, w->diag);
}

/* Sets the goal (NULL: none). *old gets the one it replaces. */
static enum mk_err el_set_goal(const struct el_write *w, const char *goal, char **old, int *changed)
{
	struct el_plan p;
	enum mk_err err = el_plan_load(w->st, w->deal, &p, w->diag);

	if (!err)
		err = el_plan_change(w, "goal", el_goal_sql, p.goal, goal, goal, NULL, NULL, NULL, changed);
	*old = p.goal;
	p.goal = NULL;
	el_plan_release(&p);
	return err;
}

/* Sets the go-live (date NULL: none; kind NULL: the one it had, else live). */
static enum mk_err el_set_go_live(const struct el_write *w, const char *date, const char *kind, char **old,
				  char **now_text, int *changed)
{
	struct el_plan p;
	enum mk_err err = el_plan_load(w->st, w->deal, &p, w->diag);
	const char *k = !date ? NULL : kind ? kind : p.kind ? p.kind : "live";

	*old = el_go_live_text(p.go_live, p.kind);
	*now_text = el_go_live_text(date, k);
	if (!err)
		err = el_plan_change(w, "go_live", el_go_live_sql, *old, *now_text, date, k, NULL, NULL, changed);
	el_plan_release(&p);
	return err;
}

/* Sets the next meeting's four columns (each NULL: none). */
static enum mk_err el_set_meeting(const struct el_write *w, const char *date, const char *time,
				  const char *with, const char *purpose, char **old, char **now_text,
				  int *changed)
{
	struct el_plan p;
	enum mk_err err = el_plan_load(w->st, w->deal, &p, w->diag);

	*old = el_meeting_text(p.date, p.time, p.with, p.purpose);
	*now_text = el_meeting_text(date, time, with, purpose);
	if (!err)
		err = el_plan_change(w, "next_meeting", el_meeting_sql, *old, *now_text, date, time, with,
				     purpose, changed);
	el_plan_release(&p);
	return err;
}

/* ---- criteria and dependencies ---- */

static enum mk_err el_criterion_add(const struct el_write *w, const char *text, int64_t *id)
{
	int rc = db_run(w->st,
		"INSERT INTO criteria (deal_id, text, meeting_id, proposal_id, created_at)\n"
		"VALUES (?1, ?2, ?3, ?4, ?5)", "itIIt", w->deal, text, w->meeting, w->proposal, w->now);

	*id = rc == SQLITE_OK ? sqlite3_last_insert_rowid(w->st->db) : 0;
	if (rc == SQLITE_OK)
		rc = el_revision(w, "criterion", *id, NULL, text);
	return rc == SQLITE_OK ? MK_OK : db_fail(w->st, rc, w->diag);
}

/* The live criterion of deal whose text is text (any case), or 0. */
static enum mk_err el_criterion_find(const struct el_write *w, const char *text, int64_t *id)
{
	enum mk_err err = db_int(w->st, w->diag, id,
		"SELECT id FROM criteria WHERE deal_id = ?1 AND lower(text) = lower(?2)\n"
		"	AND removed_at IS NULL ORDER BY id LIMIT 1", "it", w->deal, text);

	return err == MK_ENOTFOUND ? MK_OK : err;
}

/* What a dependency's side is called: the item's action, else the words. */
static enum mk_err el_side_text(const struct el_write *w, int64_t item, const char *words, char **out)
{
	sqlite3_stmt *s = NULL;
	enum mk_err err;

	*out = NULL;
	if (!item) {
		*out = mk_strdup(words ? words : "");
		return MK_OK;
	}
	err = db_row(w->st, w->diag, &s, "SELECT action FROM plan_items WHERE id = ?1 AND deal_id = ?2",
		     "ii", item, w->deal);
	if (!err)
		*out = db_column_dup(s, 0);
	sqlite3_finalize(s);
	return db_notfound(w->st, w->diag, err, "no plan item #%lld in this deal", (long long)item);
}

/* "\"A\" waits on \"B\"" for dependency id (its revisions' value). */
static enum mk_err el_dependency_text(const struct el_write *w, int64_t item, const char *waiting,
				      int64_t on, const char *on_text, char **out)
{
	char *a = NULL, *b = NULL;
	enum mk_err err = el_side_text(w, item, waiting, &a);

	*out = NULL;
	if (!err)
		err = el_side_text(w, on, on_text, &b);
	if (!err)
		*out = mk_sprintf("\"%s\" waits on \"%s\"", a, b);
	free(a);
	free(b);
	return err;
}

/* Adds a dependency: item (or the words waiting) waits on on (or the words on_text). */
static enum mk_err el_dependency_add(const struct el_write *w, int64_t item, const char *waiting, int64_t on,
				     const char *on_text, int64_t *id, char **text)
{
	enum mk_err err = el_dependency_text(w, item, waiting, on, on_text, text);
	int rc;

	*id = 0;
	if (err)
		return err;
	rc = db_run(w->st,
		"INSERT INTO dependencies (deal_id, item_id, depends_on_id, waiting, on_text, meeting_id,\n"
		"	proposal_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", "iIIttIIt", w->deal,
		item, on, item ? NULL : waiting, on ? NULL : on_text, w->meeting, w->proposal, w->now);
	if (rc == SQLITE_OK) {
		*id = sqlite3_last_insert_rowid(w->st->db);
		rc = el_revision(w, "dependency", *id, NULL, *text);
	}
	return rc == SQLITE_OK ? MK_OK : db_fail(w->st, rc, w->diag);
}

/* ---- stances ---- */

/* The person of deal a set_stance is about: by name (any case; "Dana" is "Dana Reyes", the
 * same name first), else by role and side (any side when the proposal's is unknown).
 * *stance gets their stance now. */
static enum mk_err el_person(struct mk_store *st, int64_t deal, const struct mk_proposal *p, int64_t *person,
			     char **stance, struct mk_diag *diag)
{
	sqlite3_stmt *s = NULL;
	char *name = db_trim(p->name), *role = db_trim(p->role);
	enum mk_err err;

	*person = 0;
	if (stance)
		*stance = NULL;
	err = db_row(st, diag, &s,
		"SELECT id, stance FROM people WHERE deal_id = ?1 AND CASE WHEN ?2 IS NOT NULL\n"
		"	THEN " MK_SPEAKER_MATCHES("lower(?2)", "name") "\n"
		"	ELSE lower(role) = lower(?3) AND (?4 = 'unknown' OR side = ?4) END\n"
		"ORDER BY lower(name) IS NOT lower(?2), id LIMIT 1", "ittt", deal, name, role, mk_side_name(p->side));
	if (!err) {
		*person = sqlite3_column_int64(s, 0);
		if (stance)
			*stance = db_column_dup(s, 1);
	}
	sqlite3_finalize(s);
	if (err == MK_ENOTFOUND) {
		mk_diag_set(diag, st->path, 0, "no stakeholder '%s' on the plan: approve their add_stakeholder first",
			    name ? name : role ? role : "");
		err = MK_EARG;
	}
	free(name);
	free(role);
	return err;
}

static enum mk_err el_set_stance(const struct el_write *w, int64_t person, const char *old_value,
				 const char *stance)
{
	int rc;

	if (el_same(old_value, stance))
		return MK_OK;
	rc = el_revision(w, "stance", person, old_value, stance);
	if (rc == SQLITE_OK)
		rc = db_run(w->st, "UPDATE people SET stance = ?1 WHERE id = ?2", "ti", stance, person);
	return rc == SQLITE_OK ? MK_OK : db_fail(w->st, rc, w->diag);
}

/* ---- approving ---- */

/* Is item (> 0) on deal's plan? MK_EARG saying so when not. */
static enum mk_err el_item_of(struct mk_store *st, int64_t item, int64_t deal, int64_t proposal,
			      struct mk_diag *diag)
{
	int64_t one;
	enum mk_err err = db_int(st, diag, &one, "SELECT 1 FROM plan_items WHERE id = ?1 AND deal_id = ?2",
				 "ii", item, deal);

	if (err == MK_ENOTFOUND) {
		mk_diag_set(diag, st->path, 0, "plan item %lld of proposal %lld does not exist",
			    (long long)item, (long long)proposal);
		err = MK_EARG;
	}
	return err;
}

static int el_blank(const char *s)
{
	return !s || !s[strspn(s, " \t\r\n")];
}

/* MK_EARG when item waiting on on would close a cycle: on waits on item already (through
 * the dependencies on the plan). */
static enum mk_err el_cycle(struct mk_store *st, int64_t item, int64_t on, struct mk_diag *diag)
{
	int64_t one;
	enum mk_err err = db_int(st, diag, &one,
		"WITH RECURSIVE up(id) AS (SELECT ?2 UNION SELECT d.depends_on_id FROM dependencies d\n"
		"	JOIN up ON d.item_id = up.id WHERE d.removed_at IS NULL AND d.depends_on_id IS NOT NULL)\n"
		"SELECT 1 FROM up WHERE id = ?1", "ii", item, on);

	if (err)
		return err == MK_ENOTFOUND ? MK_OK : err;
	mk_diag_set(diag, st->path, 0, "item #%lld cannot wait on #%lld: #%lld waits on #%lld already",
		    (long long)item, (long long)on, (long long)on, (long long)item);
	return MK_EARG;
}

static enum mk_err el_dependency_ok(struct mk_store *st, const struct mk_proposal *p, int64_t deal,
				    struct mk_diag *diag)
{
	enum mk_err err = MK_OK;

	if (!p->item_id && el_blank(p->action)) {
		mk_diag_set(diag, st->path, 0, "proposal %lld says nothing of what waits", (long long)p->id);
		return MK_EARG;
	}
	if (!p->depends_on_id && el_blank(p->text)) {
		mk_diag_set(diag, st->path, 0, "proposal %lld says nothing of what it waits on", (long long)p->id);
		return MK_EARG;
	}
	if (p->item_id && p->item_id == p->depends_on_id) {
		mk_diag_set(diag, st->path, 0, "proposal %lld has an item wait on itself", (long long)p->id);
		return MK_EARG;
	}
	if (p->item_id > 0)
		err = el_item_of(st, p->item_id, deal, p->id, diag);
	if (!err && p->depends_on_id > 0)
		err = el_item_of(st, p->depends_on_id, deal, p->id, diag);
	if (!err && p->item_id > 0 && p->depends_on_id > 0)
		err = el_cycle(st, p->item_id, p->depends_on_id, diag);
	return err;
}

enum mk_err el_approvable(struct mk_store *st, const struct mk_proposal *p, int64_t deal,
			  struct mk_diag *diag)
{
	int64_t person;

	switch (p->kind) {
	case MK_PROP_SET_GOAL:
	case MK_PROP_ADD_CRITERION:
		if (!el_blank(p->text))
			return MK_OK;
		mk_diag_set(diag, st->path, 0, "proposal %lld has no text", (long long)p->id);
		return MK_EARG;
	case MK_PROP_SET_GO_LIVE:
		if (!p->has_due) {
			mk_diag_set(diag, st->path, 0, "proposal %lld has no date", (long long)p->id);
			return MK_EARG;
		}
		return p->category ? el_kind(st, p->category, diag) : MK_OK;
	case MK_PROP_ADD_DEPENDENCY:
		return el_dependency_ok(st, p, deal, diag);
	case MK_PROP_SET_NEXT_MEETING:
		if (p->has_due || !el_blank(p->time) || !el_blank(p->name) || !el_blank(p->text))
			return el_blank(p->time) ? MK_OK : el_time(st, p->time, diag);
		mk_diag_set(diag, st->path, 0, "proposal %lld says nothing of the meeting", (long long)p->id);
		return MK_EARG;
	case MK_PROP_SET_STANCE:
		if (el_stance(st, p->category, diag))
			return MK_EARG;
		return el_person(st, deal, p, &person, NULL, diag);
	default:
		break;
	}
	mk_diag_set(diag, st->path, 0, "proposal %lld is not of a plan element", (long long)p->id);
	return MK_EARG;
}

/* Approving add_criterion: a new criterion, unless the plan has it already. */
static enum mk_err el_apply_criterion(const struct el_write *w, const char *text)
{
	int64_t id = 0;
	enum mk_err err = el_criterion_find(w, text, &id);

	return err || id ? err : el_criterion_add(w, text, &id);
}

static enum mk_err el_apply_stance(const struct el_write *w, const struct mk_proposal *p)
{
	int64_t person = 0;
	char *old = NULL;
	enum mk_err err = el_person(w->st, w->deal, p, &person, &old, w->diag);

	if (!err)
		err = el_set_stance(w, person, old, p->category);
	free(old);
	return err;
}

enum mk_err el_apply(const struct el_write *w, const struct mk_proposal *p)
{
	char *text = db_trim(p->text), *a = NULL, *b = NULL, *c = NULL, *d = NULL, due[16];
	enum mk_err err = el_approvable(w->st, p, w->deal, w->diag);
	int64_t id;
	int changed;

	mk_date_format(p->due, due, sizeof due);
	if (err)
		goto out;
	switch (p->kind) {
	case MK_PROP_SET_GOAL:
		err = el_set_goal(w, text, &a, &changed);
		break;
	case MK_PROP_SET_GO_LIVE:
		err = el_set_go_live(w, due, p->category ? p->category : "live", &a, &b, &changed);
		break;
	case MK_PROP_ADD_CRITERION:
		err = el_apply_criterion(w, text);
		break;
	case MK_PROP_ADD_DEPENDENCY:
		d = db_trim(p->action);
		err = el_dependency_add(w, p->item_id > 0 ? p->item_id : 0, d,
					p->depends_on_id > 0 ? p->depends_on_id : 0, text, &id, &a);
		break;
	case MK_PROP_SET_NEXT_MEETING:
		a = db_trim(p->name);
		c = db_trim(p->time);
		err = el_set_meeting(w, p->has_due ? due : NULL, c, a, text, &b, &d, &changed);
		break;
	default:
		err = el_apply_stance(w, p);
		break;
	}
out:
	free(text);
	free(a);
	free(b);
	free(c);
	free(d);
	return err;
}

/* ---- undoing ---- */

/* What field's element is called in a message. */
static char *el_what(const char *field, int64_t ref)
{
	if (!strcmp(field, "goal"))
		return mk_strdup("the goal");
	if (!strcmp(field, "go_live"))
		return mk_strdup("the go-live");
	if (!strcmp(field, "next_meeting"))
		return mk_strdup("the next meeting");
	if (!strcmp(field, "stance"))
		return mk_sprintf("the stance of stakeholder #%lld", (long long)ref);
	if (!strcmp(field, "phase"))
		return mk_sprintf("the phase of item #%lld", (long long)ref);
	return mk_sprintf("%s #%lld", field, (long long)ref);
}

/* MK_EARG naming the live decision that changed the same element after revision rev. */
static enum mk_err el_undo_blocker(struct mk_store *st, int64_t rev, int64_t deal, const char *field,
				   int64_t ref, int64_t undone, struct mk_diag *diag)
{
	int64_t later = 0;
	char *what;
	enum mk_err err = db_int(st, diag, &later,
		"SELECT coalesce(r.decision_id, (SELECT c.id FROM decisions c WHERE c.proposal_id =\n"
		"	r.proposal_id AND c.kind = 'approve' AND c.undone_by IS NULL ORDER BY c.id DESC), 0)\n"
		"FROM element_revisions r, element_revisions o WHERE o.id = ?1 AND r.deal_id = ?2\n"
		"	AND r.field = ?3 AND r.ref_id IS ?4 AND r.id > ?1\n"
		"	AND NOT (r.decision_id IS o.decision_id AND r.proposal_id IS o.proposal_id)\n"
		"ORDER BY r.id DESC LIMIT 1", "iitI", rev, deal, field, ref);

	if (err)
		return err == MK_ENOTFOUND ? MK_OK : err;
	what = el_what(field, ref);
	mk_diag_set(diag, st->path, 0, "decision %lld cannot be undone: %s was changed later by decision %lld: "
		    "undo that first", (long long)undone, what, (long long)later);
	free(what);
	return MK_EARG;
}

/* Puts back what one revision changed (?1 its deal or ref, ?2 its old value or old_state, ?3 now). */
static int el_undo_one(struct mk_store *st, int64_t deal, const char *field, int64_t ref,
		       const char *old_value, const char *old_state, const char *now)
{
	static const struct {
		const char *field, *sql;
	} sql[] = {
		{ "goal", "UPDATE deal_plan SET goal = json_extract(?2, '$.goal'), updated_at = ?3 WHERE deal_id = ?1" },
		{ "go_live", "UPDATE deal_plan SET go_live = json_extract(?2, '$.go_live'),\n"
			     "	go_live_kind = json_extract(?2, '$.go_live_kind'), updated_at = ?3 WHERE deal_id = ?1" },
		{ "next_meeting", "UPDATE deal_plan SET next_meeting = json_extract(?2, '$.next_meeting'),\n"
				  "	next_meeting_time = json_extract(?2, '$.next_meeting_time'),\n"
				  "	next_meeting_who = json_extract(?2, '$.next_meeting_who'),\n"
				  "	next_meeting_purpose = json_extract(?2, '$.next_meeting_purpose'),\n"
				  "	updated_at = ?3 WHERE deal_id = ?1" },
		/* an add undone takes it off (removed_at), a removal undone puts it back */
		{ "criterion", "UPDATE criteria SET removed_at = CASE WHEN ?2 IS NULL THEN ?3 END WHERE id = ?1" },
		{ "dependency", "UPDATE dependencies SET removed_at = CASE WHEN ?2 IS NULL THEN ?3 END WHERE id = ?1" },
		{ "stance", "UPDATE people SET stance = coalesce(?2, 'unknown') WHERE id = ?1" },
		{ "phase", "UPDATE plan_items SET phase = ?2, updated_at = ?3 WHERE id = ?1" },
	};
	int on_deal = !strcmp(field, "goal") || !strcmp(field, "go_live") || !strcmp(field, "next_meeting");

	for (size_t i = 0; i < sizeof sql / sizeof *sql; i++)
		if (!strcmp(field, sql[i].field))
			return db_run(st, sql[i].sql, "itt", on_deal ? deal : ref, on_deal ? old_state : old_value,
				      now);
	return SQLITE_MISUSE;
}

enum mk_err el_undo(struct mk_store *st, int64_t decision, int64_t proposal, int64_t undone,
		    const char *now, struct mk_diag *diag)
{
	sqlite3_stmt *s = NULL;
	enum mk_err err = MK_OK;
	int rc;

	rc = db_prepare(st,
		"SELECT id, deal_id, field, ref_id, old_value, old_state FROM element_revisions\n"
		"WHERE CASE WHEN ?1 IS NOT NULL THEN decision_id = ?1\n"
		"	ELSE proposal_id = ?2 AND decision_id IS NULL END ORDER BY id DESC", &s);
	if (rc == SQLITE_OK)
		rc = db_bind(s, "II", decision, proposal);
	while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t rev = sqlite3_column_int64(s, 0), deal = sqlite3_column_int64(s, 1);
		int64_t ref = sqlite3_column_int64(s, 3);
		const char *field = (const char *)sqlite3_column_text(s, 2);

		if ((err = el_undo_blocker(st, rev, deal, field, ref, undone, diag)))
			break;
		rc = el_undo_one(st, deal, field, ref, (const char *)sqlite3_column_text(s, 4),
				 (const char *)sqlite3_column_text(s, 5), now);
		if (rc == SQLITE_OK)
			rc = db_run(st, "DELETE FROM element_revisions WHERE id = ?1", "i", rev);
	}
	sqlite3_finalize(s);
	if (!err && rc != SQLITE_DONE)
		err = db_fail(st, rc, diag);
	return err;
}

/* ---- a rep's edit of a pending proposal ---- */

enum el_value { EL_TEXT, EL_TEXT_OR_NONE, EL_DAY, EL_DAY_OR_NONE, EL_TIME, EL_KIND, EL_STANCE, EL_ITEM };

/* The fields a rep may edit, by kind: the proposal column each sets and what it takes. */
static const struct el_field {
	enum mk_prop_kind kind;
	const char *field;
	enum db_edit_field column;
	enum el_value value;
} el_fields[] = {
	{ MK_PROP_SET_GOAL, "text", DB_EDIT_TEXT, EL_TEXT },
	{ MK_PROP_SET_GO_LIVE, "due", DB_EDIT_DUE, EL_DAY },
	{ MK_PROP_SET_GO_LIVE, "kind", DB_EDIT_CATEGORY, EL_KIND },
	{ MK_PROP_ADD_CRITERION, "text", DB_EDIT_TEXT, EL_TEXT },
	{ MK_PROP_ADD_DEPENDENCY, "waiting", DB_EDIT_ACTION, EL_TEXT_OR_NONE },
	{ MK_PROP_ADD_DEPENDENCY, "text", DB_EDIT_TEXT, EL_TEXT_OR_NONE },
	{ MK_PROP_ADD_DEPENDENCY, "item", DB_EDIT_ITEM, EL_ITEM },
	{ MK_PROP_ADD_DEPENDENCY, "depends_on", DB_EDIT_DEPENDS_ON, EL_ITEM },
	{ MK_PROP_SET_NEXT_MEETING, "due", DB_EDIT_DUE, EL_DAY_OR_NONE },
	{ MK_PROP_SET_NEXT_MEETING, "time", DB_EDIT_TIME, EL_TIME },
	{ MK_PROP_SET_NEXT_MEETING, "who", DB_EDIT_NAME, EL_TEXT_OR_NONE },
	{ MK_PROP_SET_NEXT_MEETING, "text", DB_EDIT_TEXT, EL_TEXT_OR_NONE },
	{ MK_PROP_SET_STANCE, "stance", DB_EDIT_CATEGORY, EL_STANCE },
};
#define EL_NFIELDS (sizeof el_fields / sizeof *el_fields)

/* The entry of field for p's kind, or NULL with MK_EARG's message listing those it has. */
static const struct el_field *el_field_of(struct mk_store *st, const struct mk_proposal *p, const char *field,
					  struct mk_diag *diag)
{
	const char *kind = mk_prop_kind_name(p->kind);
	struct mk_buf b;

	for (size_t i = 0; i < EL_NFIELDS; i++)
		if (el_fields[i].kind == p->kind && field && !strcmp(field, el_fields[i].field))
			return &el_fields[i];
	mk_buf_init(&b);
	for (size_t i = 0; i < EL_NFIELDS; i++)
		if (el_fields[i].kind == p->kind)
			mk_buf_addf(&b, "%s%s", b.len ? ", " : "", el_fields[i].field);
	if (b.len)
		mk_diag_set(diag, st->path, 0, "a %s proposal has no field '%s' (%s)", kind, field ? field : "", b.s);
	else
		mk_diag_set(diag, st->path, 0, "%s %s proposal is not a plan element: edit its owner, due or action",
			    strchr("aeiou", kind[0]) ? "an" : "a", kind);
	mk_buf_release(&b);
	return NULL;
}

/* value (trimmed, NULL: "") as the column will hold it, into *out (NULL: none), or MK_EARG. */
static enum mk_err el_value_check(struct mk_store *st, const struct mk_proposal *p, const struct el_field *f,
				  const char *value, int64_t deal, char **out, struct mk_diag *diag)
{
	char day[16], *end = NULL;
	long long id;
	int64_t one;

	*out = NULL;
	if (!value && f->value != EL_TEXT && f->value != EL_DAY)
		return MK_OK;
	switch (f->value) {
	case EL_TEXT:
		if (value)
			break;
		mk_diag_set(diag, st->path, 0, "the %s of proposal %lld cannot be empty", f->field, (long long)p->id);
		return MK_EARG;
	case EL_DAY:
	case EL_DAY_OR_NONE:
		if (el_day(st, f->field, value, day, diag))
			return MK_EARG;
		*out = mk_strdup(day);
		return MK_OK;
	case EL_TIME:
		return el_time(st, value, diag) ? MK_EARG : (*out = mk_strdup(value), MK_OK);
	case EL_KIND:
		return el_kind(st, value, diag) ? MK_EARG : (*out = mk_strdup(value), MK_OK);
	case EL_STANCE:
		return el_stance(st, value, diag) ? MK_EARG : (*out = mk_strdup(value), MK_OK);
	case EL_ITEM:
		id = strtoll(value, &end, 10);
		if (*end || id <= 0 || db_int(st, diag, &one, "SELECT 1 FROM plan_items WHERE id = ?1 AND deal_id = ?2",
					      "ii", (int64_t)id, deal)) {
			mk_diag_set(diag, st->path, 0, "%s '%s' is not an item of deal '%s'", f->field, value,
				    p->deal ? p->deal : "");
			return MK_EARG;
		}
		*out = mk_sprintf("%lld", id);
		return MK_OK;
	default:
		break;
	}
	*out = mk_strdup(value);
	return MK_OK;
}

/* The proposal's value of f's column now, as text. */
static char *el_value_now(const struct mk_proposal *p, enum db_edit_field f)
{
	char day[16];

	switch (f) {
	case DB_EDIT_DUE:
		mk_date_format(p->due, day, sizeof day);
		return p->has_due ? mk_strdup(day) : NULL;
	case DB_EDIT_CATEGORY:
		return p->category ? mk_strdup(p->category) : NULL;
	case DB_EDIT_ACTION:
		return p->action ? mk_strdup(p->action) : NULL;
	case DB_EDIT_NAME:
		return p->name ? mk_strdup(p->name) : NULL;
	case DB_EDIT_TIME:
		return p->time ? mk_strdup(p->time) : NULL;
	case DB_EDIT_ITEM:
		return p->item_id ? mk_sprintf("%lld", (long long)p->item_id) : NULL;
	case DB_EDIT_DEPENDS_ON:
		return p->depends_on_id ? mk_sprintf("%lld", (long long)p->depends_on_id) : NULL;
	default:
		return p->text ? mk_strdup(p->text) : NULL;
	}
}

enum mk_err mk_store_edit_element(struct mk_store *st, int64_t id, const char *field, const char *value,
				  const char *who, struct mk_diag *diag)
{
	const struct el_field *f = NULL;
	struct mk_proposal p;
	char now[32], *v = db_trim(value), *norm = NULL, *old = NULL;
	int64_t deal = 0;
	enum mk_err err;
	int rc = SQLITE_OK;

	memset(&p, 0, sizeof p);
	db_now(now, sizeof now);
	if ((err = db_begin(st, diag)))
		goto done;
	err = mk_store_proposal_get(st, id, &p, diag);
	if (!err && strcmp(p.status ? p.status : "", "pending")) {
		mk_diag_set(diag, st->path, 0, "proposal %lld is already %s", (long long)id, p.status ? p.status : "decided");
		err = MK_EARG;
	}
	if (!err && !(f = el_field_of(st, &p, field, diag)))
		err = MK_EARG;
	if (!err)
		err = db_int(st, diag, &deal, "SELECT deal_id FROM proposals WHERE id = ?1", "i", id);
	if (!err)
		err = el_value_check(st, &p, f, v, deal, &norm, diag);
	if (err)
		goto out;
	old = el_value_now(&p, f->column);
	rc = db_proposal_edit_field(st, id, f->column, old, norm, who, now);
	/* an item given (or none) unties it from a pending add_item, whose approval would set it */
	if (rc == SQLITE_OK && f->column == DB_EDIT_ITEM)
		rc = db_run(st, "UPDATE proposals SET target_proposal_id = NULL WHERE id = ?1", "i", id);
	if (rc == SQLITE_OK && f->column == DB_EDIT_DEPENDS_ON)
		rc = db_run(st, "UPDATE proposals SET depends_on_proposal_id = NULL WHERE id = ?1", "i", id);
out:
	err = db_end(st, err, rc, diag);
done:
	mk_proposal_release(&p);
	free(v);
	free(norm);
	free(old);
	return err;
}

/* ---- hand changes ---- */

/*
 * A hand change of one deal's plan: the transaction, the deal (by name, or by a row's id:
 * sql names its deal_id) and the 'plan_edit' decision every revision of it names.
 */
static enum mk_err el_hand_begin(struct el_write *w, struct mk_store *st, const char *deal, const char *sql,
				 int64_t row, const char *what, const char *who, char now[32], struct mk_diag *diag)
{
	enum mk_err err;
	int rc;

	memset(w, 0, sizeof *w);
	w->st = st;
	w->who = who;
	w->now = now;
	w->diag = diag;
	db_now(now, 32);
	if ((err = db_begin(st, diag)))
		return err;
	if (deal)
		err = db_deal_id(st, deal, &w->deal, diag);
	else
		err = db_notfound(st, diag, db_int(st, diag, &w->deal, sql, "i", row), "no %s%lld", what,
				  (long long)row);
	if (!err && (rc = ed_decision(st, w->deal, "plan_edit", 0, 0, NULL, NULL, who, now, &w->decision)))
		err = db_fail(st, rc, diag);
	if (err)
		db_rollback(st);
	return err;
}

/* Ends a hand change: its summary, then commit; nothing changed (changed 0) is MK_EARG. */
static enum mk_err el_hand_end(struct el_write *w, enum mk_err err, int changed, const char *summary)
{
	int rc = SQLITE_OK;

	if (!err && !changed) {
		mk_diag_set(w->diag, w->st->path, 0, "nothing to change: %s", summary);
		err = MK_EARG;
	}
	if (!err)
		rc = ed_summary(w->st, w->decision, summary);
	return db_end(w->st, err, rc, w->diag);
}

/* "field old -> new", "none" for NULL. */
static char *el_summary(const char *field, const char *old_value, const char *new_value)
{
	return mk_sprintf("%s %s -> %s", field, old_value ? old_value : "none", new_value ? new_value : "none");
}

enum mk_err mk_store_set_goal(struct mk_store *st, const char *deal, const char *goal, const char *who,
			      struct mk_diag *diag)
{
	struct el_write w;
	char now[32], *g = db_trim(goal), *old = NULL, *summary = NULL;
	enum mk_err err;
	int changed = 0;

	if (!goal) {
		mk_diag_set(diag, st->path, 0, "a goal is some text (\"\" clears it)");
		return MK_EARG;
	}
	if ((err = el_hand_begin(&w, st, deal, NULL, 0, NULL, who, now, diag)))
		goto done;
	err = el_set_goal(&w, g, &old, &changed);
	summary = changed ? el_summary("goal", old, g) : mk_strdup("the goal is that already");
	err = el_hand_end(&w, err, changed, summary);
done:
	free(g);
	free(old);
	free(summary);
	return err;
}

enum mk_err mk_store_set_go_live(struct mk_store *st, const char *deal, const char *date, const char *kind,
				 const char *who, struct mk_diag *diag)
{
	struct el_write w;
	char now[32], day[16], *old = NULL, *text = NULL, *summary = NULL;
	enum mk_err err;
	int changed = 0;

	if ((date && date[0] && el_day(st, "go-live", date, day, diag)) || (kind && el_kind(st, kind, diag)))
		return MK_EARG;
	if (!date) {
		mk_diag_set(diag, st->path, 0, "a go-live needs a date (YYYY-MM-DD, \"\" clears it)");
		return MK_EARG;
	}
	if ((err = el_hand_begin(&w, st, deal, NULL, 0, NULL, who, now, diag)))
		return err;
	err = el_set_go_live(&w, date[0] ? day : NULL, kind, &old, &text, &changed);
	summary = changed ? el_summary("go-live", old, text) : mk_strdup("the go-live is that already");
	err = el_hand_end(&w, err, changed, summary);
	free(old);
	free(text);
	free(summary);
	return err;
}

/* A field of the next meeting as given: NULL keeps now's, "" clears it, else trimmed. */
static char *el_keep(const char *given, const char *now)
{
	return given ? db_trim(given) : now ? mk_strdup(now) : NULL;
}

enum mk_err mk_store_set_next_meeting(struct mk_store *st, const char *deal, const char *date, const char *time,
				      const char *who_attends, const char *purpose, const char *who,
				      struct mk_diag *diag)
{
	struct el_write w;
	struct el_plan p;
	char now[32], day[16], *d = NULL, *t = NULL, *with = NULL, *what = NULL;
	char *old = NULL, *text = NULL, *summary = NULL;
	enum mk_err err;
	int changed = 0;

	memset(&p, 0, sizeof p);
	if ((date && date[0] && el_day(st, "date", date, day, diag)) || (time && time[0] && el_time(st, time, diag)))
		return MK_EARG;
	if ((err = el_hand_begin(&w, st, deal, NULL, 0, NULL, who, now, diag)))
		return err;
	err = el_plan_load(st, w.deal, &p, diag);
	d = date ? (date[0] ? mk_strdup(day) : NULL) : el_keep(NULL, p.date);
	t = el_keep(time, p.time);
	with = el_keep(who_attends, p.with);
	what = el_keep(purpose, p.purpose);
	if (!err)
		err = el_set_meeting(&w, d, t, with, what, &old, &text, &changed);
	summary = changed ? el_summary("next meeting", old, text) : mk_strdup("the next meeting is that already");
	err = el_hand_end(&w, err, changed, summary);
	el_plan_release(&p);
	free(d);
	free(t);
	free(with);
	free(what);
	free(old);
	free(text);
	free(summary);
	return err;
}

enum mk_err mk_store_criterion_add(struct mk_store *st, const char *deal, const char *text, const char *who,
				   int64_t *id, struct mk_diag *diag)
{
	struct el_write w;
	char now[32], *t = db_trim(text), *summary = NULL;
	int64_t same = 0, cid = 0;
	enum mk_err err;

	if (id)
		*id = 0;
	if (!t) {
		mk_diag_set(diag, st->path, 0, "a criterion needs some text");
		return MK_EARG;
	}
	if ((err = el_hand_begin(&w, st, deal, NULL, 0, NULL, who, now, diag)))
		goto done;
	if (!(err = el_criterion_find(&w, t, &same)) && same) {
		mk_diag_set(diag, st->path, 0, "criterion #%lld says that already", (long long)same);
		err = MK_EARG;
	}
	if (!err)
		err = el_criterion_add(&w, t, &cid);
	summary = mk_sprintf("criterion #%lld added: %s", (long long)cid, t);
	if (!(err = el_hand_end(&w, err, 1, summary)) && id)
		*id = cid;
done:
	free(t);
	free(summary);
	return err;
}

/* Takes criterion or dependency id off the plan (removed_at), with its revision. */
static enum mk_err el_remove(struct mk_store *st, const char *field, int64_t id, const char *who,
			     struct mk_diag *diag)
{
	int crit = !strcmp(field, "criterion");
	struct el_write w;
	sqlite3_stmt *s = NULL;
	char now[32], *text = NULL, *summary = NULL;
	enum mk_err err;
	int removed = 0, rc = SQLITE_OK;

	if ((err = el_hand_begin(&w, st, NULL, crit ? "SELECT deal_id FROM criteria WHERE id = ?1" :
				 "SELECT deal_id FROM dependencies WHERE id = ?1", id, crit ? "criterion #" : "dependency #",
				 who, now, diag)))
		return err;
	err = db_row(st, diag, &s, crit ? "SELECT text, removed_at IS NOT NULL FROM criteria WHERE id = ?1" :
		     "SELECT item_id, waiting, depends_on_id, on_text, removed_at IS NOT NULL FROM dependencies\n"
		     "WHERE id = ?1", "i", id);
	if (!err && crit)
		text = db_column_dup(s, 0), removed = sqlite3_column_int(s, 1);
	else if (!err)
		removed = sqlite3_column_int(s, 4),
		err = el_dependency_text(&w, sqlite3_column_int64(s, 0), (const char *)sqlite3_column_text(s, 1),
					 sqlite3_column_int64(s, 2), (const char *)sqlite3_column_text(s, 3), &text);
	sqlite3_finalize(s);
	if (!err && removed) {
		mk_diag_set(diag, st->path, 0, "%s %lld was removed already", field, (long long)id);
		err = MK_EARG;
	}
	if (!err)
		rc = el_revision(&w, field, id, text, NULL);
	if (!err && rc == SQLITE_OK)
		rc = db_run(st, crit ? "UPDATE criteria SET removed_at = ?1 WHERE id = ?2" :
			    "UPDATE dependencies SET removed_at = ?1 WHERE id = ?2", "ti", now, id);
	if (!err && rc != SQLITE_OK)
		err = db_fail(st, rc, diag);
	summary = mk_sprintf("%s #%lld removed: %s", field, (long long)id, text ? text : "");
	err = el_hand_end(&w, err, 1, summary);
	free(text);
	free(summary);
	return err;
}

enum mk_err mk_store_criterion_remove(struct mk_store *st, int64_t id, const char *who, struct mk_diag *diag)
{
	return el_remove(st, "criterion", id, who, diag);
}

enum mk_err mk_store_dependency_remove(struct mk_store *st, int64_t id, const char *who, struct mk_diag *diag)
{
	return el_remove(st, "dependency", id, who, diag);
}

enum mk_err mk_store_dependency_add(struct mk_store *st, int64_t item, int64_t depends_on, const char *who,
				    int64_t *id, struct mk_diag *diag)
{
	struct el_write w;
	char now[32], *text = NULL, *summary = NULL;
	int64_t did = 0, same = 0;
	enum mk_err err;

	if (id)
		*id = 0;
	if (item == depends_on) {
		mk_diag_set(diag, st->path, 0, "item #%lld cannot wait on itself", (long long)item);
		return MK_EARG;
	}
	if ((err = el_hand_begin(&w, st, NULL, "SELECT deal_id FROM plan_items WHERE id = ?1", item, "plan item #",
				 who, now, diag)))
		return err;
	err = db_int(st, diag, &same,
		"SELECT id FROM dependencies WHERE item_id = ?1 AND depends_on_id = ?2 AND removed_at IS NULL",
		"ii", item, depends_on);
	if (!err) {
		mk_diag_set(diag, st->path, 0, "item #%lld waits on #%lld already (dependency %lld)", (long long)item,
			    (long long)depends_on, (long long)same);
		err = MK_EARG;
	} else if (err == MK_ENOTFOUND && !(err = el_cycle(st, item, depends_on, diag))) {
		err = el_dependency_add(&w, item, NULL, depends_on, NULL, &did, &text);
	}
	if (err == MK_ENOTFOUND) {
		mk_diag_set(diag, st->path, 0, "item #%lld is not an item of the same deal as #%lld",
			    (long long)depends_on, (long long)item);
		err = MK_EARG;
	}
	if (!err && db_run(st, "UPDATE decisions SET item_id = ?1 WHERE id = ?2", "ii", item, w.decision))
		err = db_fail(st, sqlite3_errcode(st->db), diag);
	summary = mk_sprintf("dependency #%lld added: %s", (long long)did, text ? text : "");
	if (!(err = el_hand_end(&w, err, 1, summary)) && id)
		*id = did;
	free(text);
	free(summary);
	return err;
}

enum mk_err mk_store_set_stance(struct mk_store *st, int64_t person, enum mk_stance stance, const char *who,
				struct mk_diag *diag)
{
	struct el_write w;
	sqlite3_stmt *s = NULL;
	char now[32], *old = NULL, *name = NULL, *summary = NULL;
	const char *to = mk_stance_name(stance);
	enum mk_err err;

	if ((unsigned)stance >= MK_STANCE_COUNT) {
		mk_diag_set(diag, st->path, 0, "not a stance: %d", (int)stance);
		return MK_EARG;
	}
	if ((err = el_hand_begin(&w, st, NULL, "SELECT deal_id FROM people WHERE id = ?1", person, "stakeholder #",
				 who, now, diag)))
		return err;
	err = db_row(st, diag, &s, "SELECT stance, coalesce(name, role, '') FROM people WHERE id = ?1", "i", person);
	if (!err) {
		old = db_column_dup(s, 0);
		name = db_column_dup(s, 1);
	}
	sqlite3_finalize(s);
	if (!err)
		err = el_set_stance(&w, person, old, to);
	summary = mk_sprintf("stance of %s (#%lld) %s -> %s", name ? name : "", (long long)person,
			     old ? old : "unknown", to);
	err = el_hand_end(&w, err, !el_same(old, to), summary);
	free(old);
	free(name);
	free(summary);
	return err;
}
