/*
 * serve_plan.c: the JSON API's hand edits of the whole plan (issue 14): a deal's goal,
 * go-live, criteria added and removed, dependencies added and removed, next meeting, and a
 * stakeholder's stance, each one store call (a decision, undoable) done as the session's
 * user and answered with the plan as it is now; and the plan as Markdown for the buyer
 * (GET deals/NAME/plan.md: cli_plan_md, the changes since a day or the last call marked).
 * It does not edit items (an item's phase goes through PATCH /api/items/ID, serve_edit.c)
 * or proposals. Every id in a path is checked against the deal it names: another deal's
 * criterion is "no such criterion in this deal". Routed from serve_edit.c and serve_api.c,
 * past serve_api.c's door. See serve.h.
 */
#include "serve.h"

#include <microhttpd.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* {"plan": ...} of deal now (with "id": id when id), status 200 or 201. */
static enum MHD_Result plan_send(struct server *sv, struct MHD_Connection *c, unsigned status, const char *deal,
				 int64_t id)
{
	struct mk_plan p;
	struct mk_diag d;
	enum mk_err err;
	json_t *o;
	mk_plan_init(&p);
	mk_diag_clear(&d);
	if ((err = mk_store_plan(sv->st, deal, &p, &d))) {
		mk_plan_release(&p);
		return serve_store_error(c, err, &d);
	}
	o = json_pack("{s:o}", "plan", cli_plan_json(deal, &p));
	if (id)
		json_object_set_new(o, "id", json_integer((json_int_t)id));
	mk_plan_release(&p);
	return serve_json(c, status, o);
}

/* A string member that must be there: NULL and a 400 naming it when it is missing or not a
 * string (null is "" when null_ok). */
static const char *plan_member(struct MHD_Connection *c, json_t *body, const char *key, int null_ok,
			       const char *wrong)
{
	int bad = 0;
	const char *v = serve_member(body, key, null_ok, &bad);
	if (bad || !v) {
		serve_error(c, MHD_HTTP_BAD_REQUEST, wrong);
		return NULL;
	}
	return v;
}

/* An optional string member: 1 with *out (NULL when missing, "" for null), 0 and a 400. */
static int plan_optional(struct MHD_Connection *c, json_t *body, const char *key, const char **out)
{
	int bad = 0;
	char msg[64];
	*out = serve_member(body, key, 1, &bad);
	if (!bad)
		return 1;
	snprintf(msg, sizeof msg, "%s must be a string", key);
	serve_error(c, MHD_HTTP_BAD_REQUEST, msg);
	return 0;
}

/* A date member: "" (none) or YYYY-MM-DD. 0 and a 400 when it is something else. */
static int plan_date(struct MHD_Connection *c, const char *v, const char *what)
{
	struct mk_date day;
	char msg[96];
	if (!*v || !mk_date_parse_day(v, &day))
		return 1;
	snprintf(msg, sizeof msg, "%s must be a date (YYYY-MM-DD), or null to clear it", what);
	serve_error(c, MHD_HTTP_BAD_REQUEST, msg);
	return 0;
}

/* "HH:MM" on a 24-hour clock, or "". */
static int plan_time_ok(const char *t)
{
	if (!*t)
		return 1;
	return strlen(t) == 5 && t[0] >= '0' && t[0] <= '2' && t[1] >= '0' && t[1] <= '9' && t[2] == ':' &&
	       t[3] >= '0' && t[3] <= '5' && t[4] >= '0' && t[4] <= '9' && (t[0] - '0') * 10 + (t[1] - '0') < 24;
}

/* POST deals/NAME/goal {"goal": text or null} and go-live {"date": YYYY-MM-DD or null, "kind":
 * live or signed (missing: as it was)}. */
static enum MHD_Result plan_goal(struct server *sv, struct MHD_Connection *c, const char *deal, int go_live,
				 json_t *body, const char *who)
{
	struct mk_diag d;
	enum mk_err err;
	const char *v, *kind = NULL;
	mk_diag_clear(&d);
	if (!go_live) {
		if (!(v = plan_member(c, body, "goal", 1, "goal must be a string, or null to clear it")))
			return MHD_YES;
		err = mk_store_set_goal(sv->st, deal, v, who, &d);
	} else {
		if (!(v = plan_member(c, body, "date", 1, "date must be a date (YYYY-MM-DD), or null to clear it")) ||
		    !plan_date(c, v, "date") || !plan_optional(c, body, "kind", &kind))
			return MHD_YES;
		if (kind && strcmp(kind, "live") && strcmp(kind, "signed"))
			return serve_error(c, MHD_HTTP_BAD_REQUEST, "kind is live or signed");
		err = mk_store_set_go_live(sv->st, deal, v, kind && *kind ? kind : NULL, who, &d);
	}
	return err ? serve_store_error(c, err, &d) : plan_send(sv, c, MHD_HTTP_OK, deal, 0);
}

/* POST deals/NAME/next-meeting {"date": YYYY-MM-DD or null, "time": "HH:MM", "who", "purpose"}:
 * a field left out stays as it was, null or "" clears it. */
static enum MHD_Result plan_meeting(struct server *sv, struct MHD_Connection *c, const char *deal, json_t *body,
				    const char *who)
{
	struct mk_diag d;
	enum mk_err err;
	const char *date, *time = NULL, *attends = NULL, *purpose = NULL;
	if (!(date = plan_member(c, body, "date", 1, "date must be a date (YYYY-MM-DD), or null to clear it")) ||
	    !plan_date(c, date, "date") || !plan_optional(c, body, "time", &time) ||
	    !plan_optional(c, body, "who", &attends) || !plan_optional(c, body, "purpose", &purpose))
		return MHD_YES;
	if (time && !plan_time_ok(time))
		return serve_error(c, MHD_HTTP_BAD_REQUEST, "time must be HH:MM (24-hour), or null");
	mk_diag_clear(&d);
	err = mk_store_set_next_meeting(sv->st, deal, date, time, attends, purpose, who, &d);
	return err ? serve_store_error(c, err, &d) : plan_send(sv, c, MHD_HTTP_OK, deal, 0);
}

/* POST deals/NAME/criteria {"text"}. */
static enum MHD_Result plan_criterion_add(struct server *sv, struct MHD_Connection *c, const char *deal,
					  json_t *body, const char *who)
{
	struct mk_diag d;
	enum mk_err err;
	int64_t id = 0;
	const char *text = plan_member(c, body, "text", 0, "text (the criterion) must be a string");
	if (!text)
		return MHD_YES;
	if (!text[strspn(text, " \t\r\n")])
		return serve_error(c, MHD_HTTP_BAD_REQUEST, "the criterion cannot be empty");
	mk_diag_clear(&d);
	if ((err = mk_store_criterion_add(sv->st, deal, text, who, &id, &d)))
		return serve_store_error(c, err, &d);
	return plan_send(sv, c, MHD_HTTP_CREATED, deal, id);
}

/* An item id member: 1 with *out, 0 and a 400. */
static int plan_item_member(struct MHD_Connection *c, json_t *body, const char *key, int64_t *out)
{
	json_t *v = json_object_get(body, key);
	if (json_is_integer(v) && json_integer_value(v) > 0) {
		*out = (int64_t)json_integer_value(v);
		return 1;
	}
	serve_error(c, MHD_HTTP_BAD_REQUEST, "item and depends_on must be plan items' numbers");
	return 0;
}

/* Whether item id is one of deal's: 1, 0 (a 404 sent), -1 (another error sent). */
static int plan_item_of(struct server *sv, struct MHD_Connection *c, const char *deal, int64_t id)
{
	struct mk_item it;
	struct mk_diag d;
	enum mk_err err;
	char *of = NULL;
	int mine;
	mk_diag_clear(&d);
	if ((err = mk_store_item_get(sv->st, id, &of, &it, &d))) {
		serve_not_found(c, err, &d, "no such item in this deal");
		return err == MK_ENOTFOUND ? 0 : -1;
	}
	mine = of && !strcmp(of, deal);
	mk_item_release(&it);
	free(of);
	if (!mine)
		serve_error(c, MHD_HTTP_NOT_FOUND, "no such item in this deal");
	return mine;
}

/* POST deals/NAME/dependencies {"item": ID, "depends_on": ID}: item waits on depends_on. */
static enum MHD_Result plan_dependency_add(struct server *sv, struct MHD_Connection *c, const char *deal,
					   json_t *body, const char *who)
{
	struct mk_diag d;
	enum mk_err err;
	int64_t item, on, id = 0;
	if (!plan_item_member(c, body, "item", &item) || !plan_item_member(c, body, "depends_on", &on))
		return MHD_YES;
	if (item == on)
		return serve_error(c, MHD_HTTP_BAD_REQUEST, "an item cannot wait on itself");
	if (plan_item_of(sv, c, deal, item) != 1 || plan_item_of(sv, c, deal, on) != 1)
		return MHD_YES;
	mk_diag_clear(&d);
	if ((err = mk_store_dependency_add(sv->st, item, on, who, &id, &d)))
		return serve_store_error(c, err, &d);
	return plan_send(sv, c, MHD_HTTP_CREATED, deal, id);
}

/* What an id in a deal's path names. */
enum plan_thing { PLAN_CRITERION, PLAN_DEPENDENCY, PLAN_PERSON };

/* Whether thing id is on deal's plan: 1, 0 (a 404 sent), -1 (another error sent). */
static int plan_has(struct server *sv, struct MHD_Connection *c, const char *deal, enum plan_thing thing,
		    int64_t id)
{
	static const char *const missing[] = { "no such criterion in this deal", "no such dependency in this deal",
					       "no such stakeholder in this deal" };
	struct mk_plan p;
	struct mk_diag d;
	enum mk_err err;
	int found = 0;
	mk_plan_init(&p);
	mk_diag_clear(&d);
	if ((err = mk_store_plan(sv->st, deal, &p, &d))) {
		mk_plan_release(&p);
		serve_store_error(c, err, &d);
		return -1;
	}
	for (size_t i = 0; thing == PLAN_CRITERION && i < p.ncriteria; i++)
		found |= p.criteria[i].id == id;
	for (size_t i = 0; thing == PLAN_DEPENDENCY && i < p.ndeps; i++)
		found |= p.deps[i].id == id;
	for (size_t i = 0; thing == PLAN_PERSON && i < p.npeople; i++)
		found |= p.people[i].id == id;
	mk_plan_release(&p);
	if (!found)
		serve_error(c, MHD_HTTP_NOT_FOUND, missing[thing]);
	return found;
}

/* The body of POST deals/NAME/people/ID/stance {"stance"}: 1 with *out, 0 and a 400. */
static int plan_stance(struct MHD_Connection *c, const struct request *rq, enum mk_stance *out)
{
	json_t *body = serve_body(c, rq);
	const char *s;
	int ok = 0;
	if (!body)
		return 0;
	if ((s = plan_member(c, body, "stance", 0, "stance must be a string")) && !(ok = !mk_stance_parse(s, out)))
		serve_error(c, MHD_HTTP_BAD_REQUEST, "stance is unknown, champion, supporter, neutral, skeptic or blocker");
	json_decref(body);
	return ok;
}

/* DELETE deals/NAME/criteria/ID or dependencies/ID; POST deals/NAME/people/ID/stance. */
static enum MHD_Result plan_by_id(struct server *sv, struct MHD_Connection *c, const char *deal,
				  enum plan_thing thing, int64_t id, const struct request *rq, const char *who)
{
	struct mk_diag d;
	enum mk_err err;
	enum mk_stance stance = MK_STANCE_UNKNOWN;
	if ((thing == PLAN_PERSON && !plan_stance(c, rq, &stance)) || plan_has(sv, c, deal, thing, id) != 1)
		return MHD_YES;
	mk_diag_clear(&d);
	err = thing == PLAN_CRITERION ? mk_store_criterion_remove(sv->st, id, who, &d) :
	      thing == PLAN_DEPENDENCY ? mk_store_dependency_remove(sv->st, id, who, &d) :
					 mk_store_set_stance(sv->st, id, stance, who, &d);
	return err ? serve_store_error(c, err, &d) : plan_send(sv, c, MHD_HTTP_OK, deal, 0);
}

/* The writes with a body at deals/NAME/<end> (all POST). */
static enum MHD_Result plan_post(struct server *sv, struct MHD_Connection *c, const char *deal, const char *end,
				 const struct request *rq, const char *who)
{
	json_t *body = serve_body(c, rq);
	enum MHD_Result r;
	if (!body)
		return MHD_YES;
	if (!strcmp(end, "goal") || !strcmp(end, "go-live"))
		r = plan_goal(sv, c, deal, !strcmp(end, "go-live"), body, who);
	else if (!strcmp(end, "next-meeting"))
		r = plan_meeting(sv, c, deal, body, who);
	else if (!strcmp(end, "criteria"))
		r = plan_criterion_add(sv, c, deal, body, who);
	else
		r = plan_dependency_add(sv, c, deal, body, who);
	json_decref(body);
	return r;
}

/* The deal's canonical name into *out (a 404 sent when there is none): 1 or 0. */
static int plan_deal(struct server *sv, struct MHD_Connection *c, const char *name, char **out)
{
	struct mk_deal deal;
	struct mk_diag d;
	enum mk_err err;
	memset(&deal, 0, sizeof deal);
	mk_diag_clear(&d);
	if ((err = mk_store_deal_get(sv->st, name, &deal, &d))) {
		serve_not_found(c, err, &d, "no such deal");
		return 0;
	}
	if (!(*out = strdup(deal.name)))
		abort();
	mk_deal_release(&deal);
	return 1;
}

/* Splits p ("NAME/criteria/12", "NAME/people/3/stance") at its known end: the name's length
 * and which thing with its id, or the plain end ("goal"). 0 when p has none of them. */
static int plan_split(const char *p, size_t *namelen, const char **end, enum plan_thing *thing, int64_t *id)
{
	static const char *const plain[] = { "/goal", "/go-live", "/next-meeting", "/criteria", "/dependencies" };
	static const char *const things[] = { "/criteria/", "/dependencies/", "/people/" };
	size_t len = strlen(p), tail = len;
	*end = NULL;
	for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) {
		size_t el = strlen(plain[i]);
		if (len > el && !strcmp(p + len - el, plain[i])) {
			*namelen = len - el;
			*end = plain[i] + 1;
			return 1;
		}
	}
	if (len > 7 && !strcmp(p + len - 7, "/stance"))
		tail = len - 7;
	for (size_t s = tail; s > 0; s--) {
		if (p[s - 1] != '/')
			continue;
		if (!serve_id(p + s, tail - s, id))
			return 0;
		for (size_t i = 0; i < sizeof things / sizeof things[0]; i++) {
			size_t tl = strlen(things[i]);
			if (s > tl && !strncmp(p + s - tl, things[i], tl) && (i == PLAN_PERSON) == (tail < len)) {
				*namelen = s - tl;
				*thing = (enum plan_thing)i;
				return 1;
			}
		}
		return 0;
	}
	return 0;
}

int serve_plan_route(struct server *sv, struct MHD_Connection *c, const char *p, const char *method,
		     const struct request *rq, const char *who)
{
	enum plan_thing thing = PLAN_CRITERION;
	const char *end;
	size_t namelen;
	int64_t id = 0;
	char *asked, *name;
	enum MHD_Result r;
	if (!plan_split(p, &namelen, &end, &thing, &id))
		return -1;
	if (strcmp(method, end || thing == PLAN_PERSON ? "POST" : "DELETE"))
		return serve_use(c, end || thing == PLAN_PERSON ? "POST" : "DELETE");
	if (!(asked = strndup(p, namelen)))
		abort();
	if (!plan_deal(sv, c, asked, &name)) {
		free(asked);
		return MHD_YES;
	}
	r = end ? plan_post(sv, c, name, end, rq, who) : plan_by_id(sv, c, name, thing, id, rq, who);
	free(asked);
	free(name);
	return r;
}

/* ---- the plan for the buyer, as Markdown ---- */

/* since=last-call: the day the deal's latest dated call started, into *day. 1, or 0 and an
 * answer sent. */
static int md_last_call(struct server *sv, struct MHD_Connection *c, const char *deal, struct mk_date *day)
{
	struct mk_call *calls = NULL;
	struct mk_diag d;
	enum mk_err err;
	size_t n = 0, k;
	mk_diag_clear(&d);
	if ((err = mk_store_calls(sv->st, deal, &calls, &n, &d))) {
		serve_store_error(c, err, &d);
		return 0;
	}
	for (k = n; k > 0 && !calls[k - 1].start; k--)
		;
	if (!k || mk_date_parse(calls[k - 1].start, day)) {
		mk_calls_free(calls, n);
		serve_error(c, MHD_HTTP_BAD_REQUEST, "the deal has no dated call yet: give since=YYYY-MM-DD");
		return 0;
	}
	mk_calls_free(calls, n);
	return 1;
}

/* The Markdown of deal's plan p (with the changes since *since when since is not NULL) in
 * a new string; NULL and an answer sent when it could not be made. */
static char *md_text(struct server *sv, struct MHD_Connection *c, const char *deal, const struct mk_plan *p,
		     const struct mk_date *since)
{
	static const struct mk_change none[1];
	struct mk_changes_query q = { .deal = deal, .by = MK_CHANGES_BY_MEETING };
	struct mk_change *ch = NULL;
	struct mk_backward b;
	struct mk_diag d;
	enum mk_err err;
	size_t nch = 0, len = 0;
	char *text = NULL;
	FILE *f;
	int rc;
	mk_diag_clear(&d);
	if (since && (q.since = *since, err = mk_store_changes(sv->st, &q, &ch, &nch, &d))) {
		serve_store_error(c, err, &d);
		return NULL;
	}
	if (!(f = open_memstream(&text, &len)))
		abort();
	mk_plan_backward(p, mk_today(), &b);
	rc = cli_plan_md(f, deal, p, &b, since ? (ch ? ch : none) : NULL, nch);
	mk_backward_release(&b);
	mk_changes_free(ch, nch);
	if (fclose(f) || rc) {
		free(text);
		serve_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "the plan could not be written as Markdown");
		return NULL;
	}
	return text;
}

enum MHD_Result serve_plan_md(struct server *sv, struct MHD_Connection *c, const char *name)
{
	const char *v = serve_arg(c, "since");
	struct mk_date since;
	struct mk_plan p;
	struct mk_diag d;
	enum mk_err err;
	enum MHD_Result r = MHD_YES;
	char *deal, *text;
	if (v && strcmp(v, "last-call") && mk_date_parse_day(v, &since))
		return serve_error(c, MHD_HTTP_BAD_REQUEST, "since is last-call or a date YYYY-MM-DD");
	if (!plan_deal(sv, c, name, &deal))
		return MHD_YES;
	mk_plan_init(&p);
	mk_diag_clear(&d);
	if ((err = mk_store_plan(sv->st, deal, &p, &d)))
		r = serve_store_error(c, err, &d);
	else if ((!v || strcmp(v, "last-call") || md_last_call(sv, c, deal, &since)) &&
		 (text = md_text(sv, c, deal, &p, v ? &since : NULL))) {
		r = serve_text(c, MHD_HTTP_OK, text);
		free(text);
	}
	mk_plan_release(&p);
	free(deal);
	return r;
}
