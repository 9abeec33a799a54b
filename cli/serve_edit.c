/*
 * serve_edit.c: the JSON API's writes (`mapkeeper serve`): a proposal approved, rejected
 * or edited (the issue-14 kinds' fields too), a deal's pending proposals decided all at
 * once (or none), and the plan fixed by hand: items added, changed (their phase too) and
 * closed, a decision undone, the decisions listed, a deal renamed or removed, its calls
 * listed and one removed; the whole plan's elements are serve_plan.c's, routed from here.
 * Each write is one store call under its lock, done as the user named by the session
 * ("Maya (web)") or "api". Routed from serve_api.c, which checks who may write. See serve.h.
 */
#include "serve.h"

#include <microhttpd.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "an" before add_item and update_due, "a" before mark_done */
static const char *article(const char *word)
{
	return strchr("aeiu", word[0]) ? "an" : "a";
}

/* The fields an issue-14 proposal's edit takes (mk_store_edit_element), by kind from set_goal. */
static const char *const element_fields[MK_PROP_KIND_COUNT - MK_PROP_SET_GOAL][5] = {
	{ "text" },                                /* set_goal */
	{ "due", "kind" },                         /* set_go_live */
	{ "text" },                                /* add_criterion */
	{ "waiting", "text", "item", "depends_on" }, /* add_dependency */
	{ "due", "time", "who", "text" },          /* set_next_meeting */
	{ "stance" },                              /* set_stance */
};

/* A field's value from the body as mk_store_edit_element takes it: a string, null as "",
 * an item's number as its digits. NULL when it is none of these. */
static const char *element_value(json_t *v, char *buf, size_t len)
{
	if (json_is_null(v))
		return "";
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v) && json_integer_value(v) > 0) {
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
		return buf;
	}
	return NULL;
}

/* Which of kind's fields key is: its index, or -1. */
static int element_field(enum mk_prop_kind kind, const char *key)
{
	const char *const *f = element_fields[kind - MK_PROP_SET_GOAL];
	for (int i = 0; i < 5 && f[i]; i++)
		if (!strcmp(f[i], key))
			return i;
	return -1;
}

/* An issue-14 proposal's edit: each field of body in turn, all in one write or none. */
static enum mk_err element_edit(struct server *sv, const struct mk_proposal *was, json_t *body, const char *who,
				struct mk_diag *d)
{
	const char *const *f = element_fields[was->kind - MK_PROP_SET_GOAL], *key, *kind = mk_prop_kind_name(was->kind);
	enum mk_err err;
	json_t *v;
	char buf[32], takes[64] = "";
	for (int i = 0; i < 5 && f[i]; i++)
		snprintf(takes + strlen(takes), sizeof takes - strlen(takes), "%s%s", i ? ", " : "", f[i]);
	if (!json_object_size(body)) {
		mk_diag_set(d, "", 0, "nothing to change: give %s", takes);
		return MK_EARG;
	}
	json_object_foreach(body, key, v) {
		if (element_field(was->kind, key) < 0) {
			mk_diag_set(d, "", 0, "%s %s proposal takes %s, not '%s'", article(kind), kind, takes, key);
			return MK_EARG;
		}
		if (!element_value(v, buf, sizeof buf)) {
			mk_diag_set(d, "", 0, "%s must be a string%s", key,
				    !strcmp(key, "item") || !strcmp(key, "depends_on") ? " or an item's number" : "");
			return MK_EARG;
		}
	}
	if ((err = mk_store_write_begin(sv->st, d)))
		return err;
	for (int i = 0; !err && i < 5 && f[i]; i++)
		if ((v = json_object_get(body, f[i])))
			err = mk_store_edit_element(sv->st, was->id, f[i], element_value(v, buf, sizeof buf), who, d);
	if (err) {
		struct mk_diag ignore;
		mk_diag_clear(&ignore);
		mk_store_write_end(sv->st, 0, &ignore);
		return err;
	}
	return mk_store_write_end(sv->st, 1, d);
}

/* A proposal's edit from body: owner, due and action of an item's proposal, name and role
 * of a stakeholder's, category and text of a risk's, or an issue-14 kind's fields. */
static enum mk_err proposal_edit(struct server *sv, int64_t id, json_t *body, const char *who, struct mk_diag *d)
{
	int bad = 0;
	const char *owner = serve_member(body, "owner", 0, &bad), *due = serve_member(body, "due", 1, &bad),
		   *action = serve_member(body, "action", 0, &bad);
	const char *name = serve_member(body, "name", 0, &bad), *role = serve_member(body, "role", 1, &bad),
		   *category = serve_member(body, "category", 0, &bad), *text = serve_member(body, "text", 0, &bad);
	const char *kind;
	struct mk_proposal was;
	enum mk_err err;
	memset(&was, 0, sizeof was);
	if ((err = mk_store_proposal_get(sv->st, id, &was, d)))
		return err;
	kind = mk_prop_kind_name(was.kind);
	err = MK_EARG;
	if (was.kind >= MK_PROP_SET_GOAL)
		err = element_edit(sv, &was, body, who, d);
	else if (bad)
		mk_diag_set(d, "", 0, "every field must be a string");
	else if (was.kind == MK_PROP_ADD_STAKEHOLDER || was.kind == MK_PROP_ADD_RISK) {
		int stake = was.kind == MK_PROP_ADD_STAKEHOLDER;
		if (owner || due || action)
			mk_diag_set(d, "", 0, "%s %s proposal takes %s, not owner, due or action", article(kind), kind,
				    stake ? "name and role" : "category and text");
		else if (!name && !role && !category && !text)
			mk_diag_set(d, "", 0, "nothing to change: give %s", stake ? "name or role" : "category or text");
		else
			err = mk_store_edit_finding(sv->st, id, name, role, category, text, who, d);
	} else if (name || role || category || text) {
		mk_diag_set(d, "", 0, "%s %s proposal takes owner, due and action", article(kind), kind);
	} else if (!owner && !due && !action) {
		mk_diag_set(d, "", 0, "nothing to change: give owner, due or action");
	} else {
		err = mk_store_edit(sv->st, id, owner, due, action, who, d);
	}
	mk_proposal_release(&was);
	return err;
}

enum MHD_Result serve_proposal_change(struct server *sv, struct MHD_Connection *c, int64_t id, const char *what,
				      const struct request *rq, const char *who)
{
	struct mk_proposal p;
	struct mk_diag d;
	enum mk_err err;
	json_t *body = serve_body(c, rq);
	int bad = 0;
	if (!body)
		return MHD_YES;
	mk_diag_clear(&d);
	if (!strcmp(what, "approve")) {
		err = mk_store_decide(sv->st, id, 1, who, NULL, &d);
	} else if (!strcmp(what, "reject")) {
		const char *reason = serve_member(body, "reason", 1, &bad);
		err = bad ? MK_EARG : mk_store_decide(sv->st, id, 0, who, reason && *reason ? reason : NULL, &d);
		if (bad)
			mk_diag_set(&d, "", 0, "reason must be a string");
	} else {
		err = proposal_edit(sv, id, body, who, &d);
	}
	json_decref(body);
	if (err)
		return serve_store_error(c, err, &d);
	memset(&p, 0, sizeof p);
	if ((err = mk_store_proposal_get(sv->st, id, &p, &d)))
		return serve_store_error(c, err, &d);
	body = cli_proposal_json(&p);
	mk_proposal_release(&p);
	return serve_json(c, MHD_HTTP_OK, body);
}

/* ---- the review page's call: a deal's proposals all at once ---- */

/*
 * POST /api/deals/NAME/approve-all or /reject-all {"count": N, "reason"}: decides every
 * pending proposal of the deal in one write, or none. count is how many the rep saw: 409
 * when the deal has another number pending now (a call came in, someone else decided).
 * A proposal decided along the way by another's decision (an update approved with its
 * item, withdrawn with it) is counted and skipped.
 */
enum MHD_Result serve_decide_all(struct server *sv, struct MHD_Connection *c, const char *name, int approve,
				  const struct request *rq, const char *who)
{
	struct mk_proposals ps;
	struct mk_deal deal;
	struct mk_diag d;
	enum mk_err err;
	json_t *body = serve_body(c, rq), *cnt;
	const char *reason = NULL;
	int bad = 0;
	char msg[160];
	if (!body)
		return MHD_YES;
	cnt = json_object_get(body, "count");
	if (!approve)
		reason = serve_member(body, "reason", 1, &bad);
	if (!json_is_integer(cnt) || json_integer_value(cnt) < 0 || bad) {
		json_decref(body);
		return serve_error(c, MHD_HTTP_BAD_REQUEST,
				  bad ? "reason must be a string" : "count (the number of proposals you saw) is required");
	}
	memset(&deal, 0, sizeof deal);
	mk_proposals_init(&ps);
	mk_diag_clear(&d);
	if ((err = mk_store_deal_get(sv->st, name, &deal, &d))) {
		json_decref(body);
		return serve_not_found(c, err, &d, "no such deal");
	}
	if ((err = mk_store_write_begin(sv->st, &d)))
		goto out;
	err = mk_store_pending(sv->st, deal.name, &ps, &d);
	if (!err && (json_int_t)ps.n != json_integer_value(cnt)) {
		mk_store_write_end(sv->st, 0, &d);
		snprintf(msg, sizeof msg, "%zu proposals are pending now, not %lld: reload and look again", ps.n,
			 (long long)json_integer_value(cnt));
		json_decref(body);
		mk_proposals_release(&ps);
		mk_deal_release(&deal);
		return serve_error(c, MHD_HTTP_CONFLICT, msg);
	}
	for (size_t i = 0; !err && i < ps.n; i++) {
		struct mk_proposal now;
		memset(&now, 0, sizeof now);
		err = mk_store_proposal_get(sv->st, ps.v[i].id, &now, &d);
		if (!err && now.status && !strcmp(now.status, "pending"))
			err = mk_store_decide(sv->st, ps.v[i].id, approve, who, reason && *reason ? reason : NULL, &d);
		mk_proposal_release(&now);
	}
	if (err) {
		char why[sizeof d.msg];
		snprintf(why, sizeof why, "%s", d.msg[0] ? d.msg : mk_strerror(err));
		mk_store_write_end(sv->st, 0, &d);
		mk_diag_clear(&d);
		mk_diag_set(&d, "", 0, "nothing was %s: %s", approve ? "approved" : "rejected", why);
	} else {
		err = mk_store_write_end(sv->st, 1, &d);
	}
out:
	json_decref(body);
	if (!err)
		body = json_pack("{s:s, s:I}", "deal", deal.name, approve ? "approved" : "rejected", (json_int_t)ps.n);
	mk_proposals_release(&ps);
	mk_deal_release(&deal);
	if (err)
		return serve_store_error(c, err == MK_ENOTFOUND ? MK_EARG : err, &d);
	return serve_json(c, MHD_HTTP_OK, body);
}

/* ---- fixing the plan by hand (items, undo, decisions, deal rename/remove, calls) ---- */

/* {"item": ...} of item id after a change (status 200, or 201 for a new one), with the
 * decision that `undo` reverses. */
static enum MHD_Result edit_send_item(struct server *sv, struct MHD_Connection *c, unsigned status, int64_t id,
				      int64_t decision)
{
	struct mk_item it;
	struct mk_diag d;
	enum mk_err err;
	char *deal = NULL;
	json_t *o;
	mk_diag_clear(&d);
	if ((err = mk_store_item_get(sv->st, id, &deal, &it, &d)))
		return serve_store_error(c, err, &d);
	o = json_pack("{s:o, s:I}", "item", cli_item_json(deal, &it), "decision", (json_int_t)decision);
	mk_item_release(&it);
	free(deal);
	return serve_json(c, status, o);
}

/* Reads a body's item fields into ch (buffers in due): action, owner, side, due (null or ""
 * clears it where clear_ok), phase, note. 0 and a 400 sent when one is not a string or not valid. */
static int edit_fields(struct MHD_Connection *c, json_t *body, struct mk_item_change *ch, char *due, size_t duelen,
		       int clear_ok)
{
	int bad = 0;
	const char *side, *when;
	ch->action = serve_member(body, "action", 0, &bad);
	ch->owner = serve_member(body, "owner", 1, &bad);
	side = serve_member(body, "side", 0, &bad);
	when = serve_member(body, "due", clear_ok, &bad);
	ch->note = serve_member(body, "note", 1, &bad);
	ch->phase = serve_member(body, "phase", 0, &bad);
	if (bad) {
		serve_error(c, MHD_HTTP_BAD_REQUEST, "action, owner, side, due, phase and note must be strings");
		return 0;
	}
	if (ch->phase && mk_phase_parse(ch->phase, &(enum mk_phase){ 0 })) {
		serve_error(c, MHD_HTTP_BAD_REQUEST,
			    "phase is discovery, proof, business_case, procurement, signature or onboarding");
		return 0;
	}
	if (ch->action && !ch->action[strspn(ch->action, " \t\r\n")]) {
		serve_error(c, MHD_HTTP_BAD_REQUEST, "the action cannot be empty");
		return 0;
	}
	if (side) {
		ch->side = !strcmp(side, "buyer") ? MK_SIDE_BUYER : !strcmp(side, "seller") ? MK_SIDE_SELLER :
			   !strcmp(side, "unknown") ? MK_SIDE_UNKNOWN : -2;
		if (ch->side == -2) {
			serve_error(c, MHD_HTTP_BAD_REQUEST, "side must be buyer, seller or unknown");
			return 0;
		}
	}
	if (when) {
		if (cli_parse_due(when, clear_ok, due, duelen)) {
			serve_error(c, MHD_HTTP_BAD_REQUEST, "due must be a date (YYYY-MM-DD), or null to clear it");
			return 0;
		}
		ch->due = due;
	}
	return 1;
}

/* POST /api/deals/{name}/items, PATCH /api/items/{id}, POST /api/items/{id}/done|drop|block|reopen */
static enum MHD_Result edit_item(struct server *sv, struct MHD_Connection *c, const char *deal, int64_t id,
				 const char *verb, const struct request *rq, const char *who)
{
	struct mk_item_change ch = { .side = -1, .status = -1 };
	json_t *body = serve_body(c, rq);
	struct mk_diag d;
	enum mk_err err;
	int64_t decision = 0;
	char due[16];
	if (!body)
		return MHD_YES;
	if (!edit_fields(c, body, &ch, due, sizeof due, !deal)) {
		json_decref(body);
		return MHD_YES;
	}
	mk_diag_clear(&d);
	if (deal && !ch.action)
		err = MK_EARG, mk_diag_set(&d, "", 0, "an item needs an action");
	else if (deal)
		err = mk_store_item_add(sv->st, deal, &ch, who, &id, &decision, &d);
	else if (verb && (ch.action || ch.owner || ch.side >= 0 || ch.due || ch.phase))
		err = MK_EARG, mk_diag_set(&d, "", 0, "only a note goes with %s: change fields with PATCH", verb);
	else if (!verb && !ch.action && !ch.owner && ch.side < 0 && !ch.due && !ch.phase)
		err = MK_EARG, mk_diag_set(&d, "", 0, "nothing to change: give action, owner, side, due or phase");
	else {
		ch.status = !verb ? -1 : !strcmp(verb, "done") ? MK_STATUS_DONE : !strcmp(verb, "drop") ? MK_STATUS_DROPPED :
			    !strcmp(verb, "block") ? MK_STATUS_BLOCKED : MK_STATUS_OPEN;
		err = mk_store_item_change(sv->st, id, &ch, who, &decision, &d);
	}
	json_decref(body);
	if (err)
		return serve_store_error(c, err, &d);
	return edit_send_item(sv, c, deal ? MHD_HTTP_CREATED : MHD_HTTP_OK, id, decision);
}

static enum MHD_Result edit_undo(struct server *sv, struct MHD_Connection *c, const struct request *rq,
				 const char *who)
{
	json_t *body = serve_body(c, rq), *v;
	struct mk_decision dec;
	struct mk_diag d;
	enum mk_err err;
	int64_t id = 0;
	int bad = 0;
	const char *deal;
	if (!body)
		return MHD_YES;
	v = json_object_get(body, "decision");
	if (v && !json_is_null(v) && (!json_is_integer(v) || (id = json_integer_value(v)) <= 0))
		bad = 1;
	deal = serve_member(body, "deal", 0, &bad);
	if (bad) {
		json_decref(body);
		return serve_error(c, MHD_HTTP_BAD_REQUEST, "decision must be a decision's id and deal a name");
	}
	mk_diag_clear(&d);
	err = mk_store_undo(sv->st, id, deal, who, &dec, &d);
	json_decref(body);
	if (err == MK_EARG) /* undone already, or a later decision depends on it */
		return serve_error(c, MHD_HTTP_CONFLICT, d.msg);
	if (err)
		return serve_store_error(c, err, &d);
	v = json_pack("{s:o}", "undone", cli_decision_json(&dec));
	mk_decision_release(&dec);
	return serve_json(c, MHD_HTTP_OK, v);
}

/* GET decisions (of deal, at most limit) or GET deals/NAME/calls (calls): {"decisions":
 * [...]} or {"calls": [...]}. */
static enum MHD_Result list_rows(struct server *sv, struct MHD_Connection *c, const char *deal, size_t limit,
				 int calls)
{
	struct mk_decision *dv = NULL;
	struct mk_call *cv = NULL;
	struct mk_diag d;
	enum mk_err err;
	size_t n = 0;
	json_t *a = json_array();
	mk_diag_clear(&d);
	err = calls ? mk_store_calls(sv->st, deal, &cv, &n, &d) : mk_store_decisions(sv->st, deal, limit, &dv, &n, &d);
	for (size_t i = 0; !err && i < n; i++)
		json_array_append_new(a, calls ? cli_call_json(&cv[i]) : cli_decision_json(&dv[i]));
	mk_calls_free(cv, calls ? n : 0);
	mk_decisions_free(dv, calls ? 0 : n);
	if (err) {
		json_decref(a);
		return serve_store_error(c, err, &d);
	}
	return serve_json(c, MHD_HTTP_OK, json_pack("{s:o}", calls ? "calls" : "decisions", a));
}

/* GET decisions[?deal=NAME][&limit=N]: the latest decisions, newest first. */
static enum MHD_Result edit_decisions(struct server *sv, struct MHD_Connection *c)
{
	const char *lim = serve_arg(c, "limit");
	int64_t limit = 20;
	if (lim && (!serve_id(lim, strlen(lim), &limit) || limit > 10000))
		return serve_error(c, MHD_HTTP_BAD_REQUEST, "limit wants a number from 1 to 10000");
	return list_rows(sv, c, serve_arg(c, "deal"), (size_t)limit, 0);
}

/* deals/{name}/rename (POST), deals/{name}/calls (GET), deals/{name} (DELETE) */
static enum MHD_Result edit_deal(struct server *sv, struct MHD_Connection *c, const char *name, const char *what,
				 const char *method, const struct request *rq, const char *who)
{
	struct mk_diag d;
	enum mk_err err;
	json_t *body, *o;
	mk_diag_clear(&d);
	if (!strcmp(what, "calls"))
		return strcmp(method, "GET") ? serve_use(c, "GET") : list_rows(sv, c, name, 0, 1);
	if (!strcmp(what, "rename")) {
		int bad = 0;
		const char *to;
		if (strcmp(method, "POST"))
			return serve_use(c, "POST");
		if (!(body = serve_body(c, rq)))
			return MHD_YES;
		to = serve_member(body, "name", 0, &bad);
		if (bad || !to || !to[strspn(to, " \t")]) {
			json_decref(body);
			return serve_error(c, MHD_HTTP_BAD_REQUEST, "name must be the deal's new name");
		}
		err = mk_store_deal_rename(sv->st, name, to, who, &d);
		o = err ? NULL : json_pack("{s:s, s:s}", "renamed", name, "name", to);
		json_decref(body);
		return err ? serve_store_error(c, err, &d) : serve_json(c, MHD_HTTP_OK, o);
	}
	if (strcmp(method, "DELETE"))
		return serve_use(c, "DELETE");
	if ((err = mk_store_deal_remove(sv->st, name, &d)))
		return serve_store_error(c, err, &d);
	return serve_json(c, MHD_HTTP_OK, json_pack("{s:s}", "removed", name));
}

/* items/ID: PATCH changes fields; POST items/ID/done|drop|block|reopen (p: after "items/"). */
static enum MHD_Result item_route(struct server *sv, struct MHD_Connection *c, const char *p, const char *method,
				  const struct request *rq, const char *who)
{
	const char *slash;
	int64_t id;
	if (!serve_path_id(p, &slash, &id))
		return serve_error(c, MHD_HTTP_NOT_FOUND, "no such item");
	if (!slash)
		return !strcmp(method, "PATCH") ? edit_item(sv, c, NULL, id, NULL, rq, who) : serve_use(c, "PATCH");
	if (strcmp(slash, "/done") && strcmp(slash, "/drop") && strcmp(slash, "/block") && strcmp(slash, "/reopen"))
		return serve_error(c, MHD_HTTP_NOT_FOUND, "no such endpoint");
	return !strcmp(method, "POST") ? edit_item(sv, c, NULL, id, slash + 1, rq, who) : serve_use(c, "POST");
}

/* DELETE calls/ID (p: after "calls/"): the call and what it alone brought. */
static enum MHD_Result call_remove(struct server *sv, struct MHD_Connection *c, const char *p, const char *method,
				   const char *who)
{
	struct mk_call call;
	struct mk_diag d;
	enum mk_err err;
	int64_t id;
	json_t *o;
	if (!serve_id(p, strlen(p), &id))
		return serve_error(c, MHD_HTTP_NOT_FOUND, "no such call");
	if (strcmp(method, "DELETE"))
		return serve_use(c, "DELETE");
	mk_diag_clear(&d);
	if ((err = mk_store_call_remove(sv->st, id, who, &call, &d)))
		return serve_store_error(c, err, &d);
	o = json_pack("{s:o}", "removed", cli_call_json(&call));
	free(call.label);
	free(call.start);
	free(call.ingested_at);
	return serve_json(c, MHD_HTTP_OK, o);
}

/* deals/NAME/items|rename|calls, DELETE deals/NAME (p: after "deals/"); -1 when p is
 * none of them. */
static int deal_route(struct server *sv, struct MHD_Connection *c, const char *p, const char *method,
		      const struct request *rq, const char *who)
{
	static const char *const deal_ends[] = { "/items", "/rename", "/calls" };
	size_t len = strlen(p);
	if (!len)
		return -1;
	for (size_t i = 0; i < sizeof deal_ends / sizeof deal_ends[0]; i++) {
		size_t el = strlen(deal_ends[i]);
		if (len > el && !strcmp(p + len - el, deal_ends[i])) {
			char *name = strndup(p, len - el);
			enum MHD_Result r;
			if (!name)
				abort();
			if (i == 0)
				r = !strcmp(method, "POST") ? edit_item(sv, c, name, 0, NULL, rq, who) : serve_use(c, "POST");
			else
				r = edit_deal(sv, c, name, deal_ends[i] + 1, method, rq, who);
			free(name);
			return r;
		}
	}
	if (!strcmp(method, "DELETE"))
		return edit_deal(sv, c, p, "remove", method, rq, who);
	return -1;
}

int serve_edit_route(struct server *sv, struct MHD_Connection *c, const char *p, const char *method,
		     const struct request *rq, const char *who)
{
	int r;
	if (!strcmp(p, "undo"))
		return !strcmp(method, "POST") ? edit_undo(sv, c, rq, who) : serve_use(c, "POST");
	if (!strcmp(p, "decisions"))
		return !strcmp(method, "GET") ? edit_decisions(sv, c) : serve_use(c, "GET");
	if (!strncmp(p, "items/", 6))
		return item_route(sv, c, p + 6, method, rq, who);
	if (!strncmp(p, "calls/", 6))
		return call_remove(sv, c, p + 6, method, who);
	if (!strncmp(p, "deals/", 6) && (r = serve_plan_route(sv, c, p + 6, method, rq, who)) >= 0)
		return r;
	if (!strncmp(p, "deals/", 6))
		return deal_route(sv, c, p + 6, method, rq, who);
	return -1;
}
