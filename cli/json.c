/*
 * json.c: the JSON shapes the commands and `serve` share: a proposal (review), a plan item
 * and a plan (plan, query), a deal's health. One definition each, so the command line and
 * the API answer alike. Builds jansson values; prints nothing.
 */
#include "cli.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

json_t *cli_date_json(int has, struct mk_date d)
{
	char b[16];
	if (!has)
		return json_null();
	mk_date_format(d, b, sizeof b);
	return json_string(b);
}

/* The shape of `review --format json`: a proposal with its deal and evidence. */
json_t *cli_proposal_json(const struct mk_proposal *p)
{
	char ts[32];
	json_t *o = json_object();
	mk_format_ms(p->ev.start_ms, ts, sizeof ts);
	json_object_set_new(o, "id", json_integer((json_int_t)p->id));
	if (p->deal)
		json_object_set_new(o, "deal", json_string(p->deal));
	json_object_set_new(o, "kind", json_string(mk_prop_kind_name(p->kind)));
	json_object_set_new(o, "item_id", p->item_id > 0 ? json_integer((json_int_t)p->item_id) : json_null());
	/* news about an item still waiting for review: the add_item proposal it is tied to */
	if (p->item_id < 0)
		json_object_set_new(o, "item_proposal_id", json_integer((json_int_t)-p->item_id));
	json_object_set_new(o, "action", p->action ? json_string(p->action) : json_null());
	json_object_set_new(o, "owner", p->owner ? json_string(p->owner) : json_null());
	json_object_set_new(o, "side", json_string(mk_side_name(p->side)));
	json_object_set_new(o, "due", cli_date_json(p->has_due, p->due));
	json_object_set_new(o, "old_due", cli_date_json(p->has_old_due, p->old_due));
	/* the plan's elements (issue 14) use name, role, category and text as mapkeeper.h says */
	if (p->kind == MK_PROP_ADD_STAKEHOLDER || p->kind >= MK_PROP_SET_GOAL) {
		json_object_set_new(o, "name", p->name ? json_string(p->name) : json_null());
		json_object_set_new(o, "role", p->role ? json_string(p->role) : json_null());
	}
	if (p->kind == MK_PROP_ADD_RISK || p->kind >= MK_PROP_SET_GOAL) {
		json_object_set_new(o, "category", p->category ? json_string(p->category) : json_null());
		json_object_set_new(o, "text", p->text ? json_string(p->text) : json_null());
	}
	json_object_set_new(o, "time", p->time ? json_string(p->time) : json_null());
	json_object_set_new(o, "depends_on_id", p->depends_on_id > 0 ? json_integer((json_int_t)p->depends_on_id) : json_null());
	/* a dependency on an item still waiting for review: the add_item proposal it is tied to */
	if (p->depends_on_id < 0)
		json_object_set_new(o, "depends_on_proposal_id", json_integer((json_int_t)-p->depends_on_id));
	json_object_set_new(o, "confidence", json_real((double)(int)(p->confidence * 100 + 0.5) / 100));
	json_object_set_new(o, "evidence",
			    json_pack("{s:s?, s:s?, s:s, s:s?}", "meeting", p->meeting, "speaker", p->ev.speaker,
				      "start", ts, "quote", p->ev.quote));
	if (p->status)
		json_object_set_new(o, "status", json_string(p->status));
	return o;
}

/* One plan item, as `plan --format json` and `query --format json` give it. */
json_t *cli_item_json(const char *deal, const struct mk_item *it)
{
	json_t *o = json_object();
	if (deal)
		json_object_set_new(o, "deal", json_string(deal));
	json_object_set_new(o, "id", json_integer((json_int_t)it->id));
	json_object_set_new(o, "action", json_string(it->action ? it->action : ""));
	json_object_set_new(o, "owner", it->owner ? json_string(it->owner) : json_null());
	json_object_set_new(o, "side", json_string(mk_side_name(it->side)));
	json_object_set_new(o, "due", cli_date_json(it->has_due, it->due));
	json_object_set_new(o, "status", json_string(mk_status_name(it->status)));
	json_object_set_new(o, "revisions", json_integer(it->revisions));
	json_object_set_new(o, "slipped", json_boolean(it->slipped));
	json_object_set_new(o, "phase", json_string(mk_phase_name(it->phase)));
	json_object_set_new(o, "phase_title", json_string(mk_phase_title(it->phase)));
	if (it->from_removed_call)
		json_object_set_new(o, "from_removed_call", json_true());
	return o;
}

const struct mk_backward_item *cli_backward_item(const struct mk_backward *b, int64_t id)
{
	for (size_t i = 0; b && i < b->n; i++)
		if (b->items[i].item_id == id)
			return &b->items[i];
	return NULL;
}

static json_t *opt_str(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *opt_id(int64_t id)
{
	return id > 0 ? json_integer((json_int_t)id) : json_null();
}

/* A plan item with what working backward says of it. */
static json_t *plan_item_json(const struct mk_item *it, const struct mk_backward *b)
{
	const struct mk_backward_item *w = cli_backward_item(b, it->id);
	json_t *o = cli_item_json(NULL, it);
	json_object_set_new(o, "finish", w ? cli_date_json(w->has_finish, w->finish) : json_null());
	json_object_set_new(o, "critical", json_boolean(w && w->critical));
	json_object_set_new(o, "late", json_boolean(w && w->late));
	json_object_set_new(o, "held_by", opt_id(w ? w->held_by : 0));
	json_object_set_new(o, "past_go_live", json_boolean(w && w->past_go_live));
	return o;
}

/* The plan's people and risks, as arrays. */
static json_t *people_json(const struct mk_plan *p)
{
	json_t *a = json_array();
	for (size_t i = 0; i < p->npeople; i++) {
		const struct mk_plan_person *x = &p->people[i];
		json_array_append_new(a, json_pack("{s:I, s:s?, s:s?, s:s, s:s, s:b}", "id", (json_int_t)x->id, "name",
						   x->name, "role", x->role, "side", mk_side_name(x->side), "stance",
						   mk_stance_name(x->stance), "met", x->met));
	}
	return a;
}

static json_t *risks_json(const struct mk_plan *p)
{
	json_t *a = json_array();
	for (size_t i = 0; i < p->nrisks; i++)
		json_array_append_new(a, json_pack("{s:I, s:s?, s:s?, s:b}", "id", (json_int_t)p->risks[i].id, "category",
						   p->risks[i].category, "text", p->risks[i].text, "shareable",
						   p->risks[i].shareable));
	return a;
}

/* Criteria and dependencies, as arrays. */
static json_t *criteria_json(const struct mk_plan *p)
{
	json_t *a = json_array();
	for (size_t i = 0; i < p->ncriteria; i++)
		json_array_append_new(a, json_pack("{s:I, s:s}", "id", (json_int_t)p->criteria[i].id, "text",
						   p->criteria[i].text ? p->criteria[i].text : ""));
	return a;
}

static json_t *deps_json(const struct mk_plan *p)
{
	json_t *a = json_array();
	for (size_t i = 0; i < p->ndeps; i++) {
		const struct mk_plan_dependency *d = &p->deps[i];
		json_array_append_new(a, json_pack("{s:I, s:o, s:s, s:o, s:s}", "id", (json_int_t)d->id, "item_id",
						   opt_id(d->item_id), "waiting", d->waiting ? d->waiting : "",
						   "depends_on_id", opt_id(d->depends_on_id), "on", d->on ? d->on : ""));
	}
	return a;
}

/* The next meeting (null when nothing of it is known) and the buyer's last acknowledgement. */
static json_t *meeting_json(const struct mk_plan *p)
{
	if (!p->has_next_meeting && !p->next_meeting_time && !p->next_meeting_who && !p->next_meeting_purpose)
		return json_null();
	return json_pack("{s:o, s:o, s:o, s:o}", "date", cli_date_json(p->has_next_meeting, p->next_meeting), "time",
			 opt_str(p->next_meeting_time), "who", opt_str(p->next_meeting_who), "purpose",
			 opt_str(p->next_meeting_purpose));
}

static json_t *backward_json(const struct mk_backward *b)
{
	json_t *path = json_array();
	for (size_t i = 0; i < b->npath; i++)
		json_array_append_new(path, json_integer((json_int_t)b->path[i]));
	return json_pack("{s:o, s:o, s:o, s:o, s:b}", "go_live", cli_date_json(b->has_go_live, b->go_live), "end",
			 cli_date_json(b->has_end, b->end), "slack_days",
			 b->has_slack ? json_integer(b->slack_days) : json_null(), "path", path, "cycle", b->cycle);
}

json_t *cli_plan_json_backward(const char *deal, const struct mk_plan *p, const struct mk_backward *b)
{
	json_t *items = json_array(), *o;
	for (size_t i = 0; i < p->nitems; i++)
		json_array_append_new(items, plan_item_json(&p->items[i], b));
	o = json_pack("{s:s, s:o, s:o, s:o}", "deal", deal, "items", items, "stakeholders", people_json(p), "risks",
		      risks_json(p));
	json_object_set_new(o, "goal", opt_str(p->goal));
	json_object_set_new(o, "go_live", p->has_go_live ? json_pack("{s:o, s:s}", "date",
			    cli_date_json(1, p->go_live), "kind", p->go_live_kind ? p->go_live_kind : "live")
			    : json_null());
	json_object_set_new(o, "criteria", criteria_json(p));
	json_object_set_new(o, "dependencies", deps_json(p));
	json_object_set_new(o, "next_meeting", meeting_json(p));
	json_object_set_new(o, "acknowledged", p->has_ack ? json_pack("{s:s?, s:s?}", "at", p->ack_at, "by", p->ack_by)
			    : json_null());
	json_object_set_new(o, "version", json_integer((json_int_t)p->version));
	json_object_set_new(o, "backward", backward_json(b));
	return o;
}

json_t *cli_plan_json(const char *deal, const struct mk_plan *p)
{
	struct mk_backward b;
	json_t *o;
	mk_plan_backward(p, mk_today(), &b);
	o = cli_plan_json_backward(deal, p, &b);
	mk_backward_release(&b);
	return o;
}

/* One deal's health, as `health --format json` and GET /api/deals give it. next_step: the
 * earliest due date of the open items due from as_of (null: none, a warning); pending: the
 * proposals waiting for review; next_meeting: null until a next-meeting finding exists. */
json_t *cli_health_json(const struct mk_health *h)
{
	json_t *o = json_pack("{s:s, s:I, s:I, s:o, s:I, s:I, s:I, s:o, s:I, s:I, s:I}", "deal", h->deal, "items",
			      (json_int_t)h->items, "buyer_items", (json_int_t)h->buyer_items, "buyer_share",
			      h->items ? json_real((double)h->buyer_items / (double)h->items) : json_null(),
			      "open_items", (json_int_t)h->open_items, "overdue", (json_int_t)h->overdue, "slipped",
			      (json_int_t)h->slipped, "days_since_change",
			      h->days_since_change < 0 ? json_null() : json_integer(h->days_since_change),
			      "stakeholders_named", (json_int_t)h->stakeholders_named, "stakeholders_met",
			      (json_int_t)h->stakeholders_met, "open_risks", (json_int_t)h->open_risks);
	json_object_set_new(o, "pending", json_integer((json_int_t)h->pending));
	json_object_set_new(o, "next_step", cli_date_json(h->has_next_step, h->next_step));
	json_object_set_new(o, "next_step_action",
			    h->has_next_step && h->next_step_action ? json_string(h->next_step_action) : json_null());
	json_object_set_new(o, "next_meeting", cli_date_json(h->has_next_meeting, h->next_meeting));
	json_object_set_new(o, "go_live", cli_date_json(h->has_go_live, h->go_live));
	json_object_set_new(o, "slack_days", h->has_slack ? json_integer(h->slack_days) : json_null());
	json_object_set_new(o, "acknowledged_at", h->has_ack && h->ack_at ? json_string(h->ack_at) : json_null());
	json_object_set_new(o, "criteria", json_integer((json_int_t)h->criteria));
	return o;
}

/* The shape of `history --format json`: revisions oldest first, each with the words behind it. */
json_t *cli_history_json(const char *deal, int64_t item, const struct mk_revision *v, size_t n)
{
	json_t *arr = json_array();
	char ts[32];
	for (size_t i = 0; i < n; i++) {
		const struct mk_revision *r = &v[i];
		json_t *ev = json_null();
		if (r->quote && r->quote[0]) {
			mk_format_ms(r->start_ms, ts, sizeof ts);
			ts[8] = '\0';
			ev = json_pack("{s:s?, s:s, s:s?, s:s}", "meeting", r->meeting, "start", ts, "speaker", r->speaker,
				       "quote", r->quote);
		}
		json_t *o = json_pack("{s:s, s:I, s:s?, s:s, s:s?, s:s?, s:s?, s:s?, s:o}", "deal", r->deal,
				      "item_id", (json_int_t)r->item_id, "action", r->action, "field", r->field,
				      "old_value", r->old_value, "new_value", r->new_value, "at", r->at, "by",
				      r->by, "evidence", ev);
		/* where it came from (hand edits, proposal edits, undos, removed calls) */
		json_object_set_new(o, "source", json_string(r->source ? r->source : "call"));
		json_object_set_new(o, "decision", r->decision_id ? json_integer((json_int_t)r->decision_id) : json_null());
		json_object_set_new(o, "proposal", r->proposal_id ? json_integer((json_int_t)r->proposal_id) : json_null());
		json_object_set_new(o, "note", r->note ? json_string(r->note) : json_null());
		json_array_append_new(arr, o);
	}
	return json_pack("{s:s?, s:o, s:o}", "deal", deal, "item", item > 0 ? json_integer((json_int_t)item) : json_null(),
			 "revisions", arr);
}

/* One decision, as `undo --list --format json` and GET /api/decisions give it. */
json_t *cli_decision_json(const struct mk_decision *d)
{
	json_t *o = json_pack("{s:I, s:s, s:s?}", "id", (json_int_t)d->id, "kind", d->kind, "deal", d->deal);
	json_object_set_new(o, "proposal_id", d->proposal_id ? json_integer((json_int_t)d->proposal_id) : json_null());
	json_object_set_new(o, "item_id", d->item_id ? json_integer((json_int_t)d->item_id) : json_null());
	json_object_set_new(o, "by", d->by ? json_string(d->by) : json_null());
	json_object_set_new(o, "at", d->at ? json_string(d->at) : json_null());
	json_object_set_new(o, "summary", json_string(d->summary ? d->summary : ""));
	json_object_set_new(o, "note", d->note ? json_string(d->note) : json_null());
	json_object_set_new(o, "undoes", d->undoes ? json_integer((json_int_t)d->undoes) : json_null());
	json_object_set_new(o, "undone_by", d->undone_by ? json_integer((json_int_t)d->undone_by) : json_null());
	return o;
}

/* One stored call, as `call list --format json` and GET /api/deals/{name}/calls give it. */
json_t *cli_call_json(const struct mk_call *c)
{
	return json_pack("{s:I, s:s?, s:s?, s:s?, s:I}", "id", (json_int_t)c->id, "label", c->label, "start",
			 c->start, "ingested_at", c->ingested_at, "proposals_pending", (json_int_t)c->pending);
}

void cli_json_write(json_t *o, size_t flags)
{
	char *s = json_dumps(o, flags);
	printf("%s\n", s ? s : "null");
	free(s);
	json_decref(o);
}

/* Prints o (taking it) indented, in insertion order, with a newline. */
void cli_json_print(json_t *o)
{
	cli_json_write(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
}
