/*
 * serve_api.c: the JSON API of `mapkeeper serve` (/api/...): who may call it (the bearer
 * token, or a page's session with its CSRF token and our origin for a write), its routes,
 * and the reads: the session, deals with their health, a deal's plan, proposals and
 * history, queries and lines said, what changed, a quote's context. Each read calls the
 * store as the commands do and answers with the commands' JSON shapes (cli/json.c). The
 * writes are in serve_edit.c; HTTP plumbing in serve_http.c. See serve.h.
 */
#include "serve.h"

#include <microhttpd.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* GET /api/deals: every deal with its health. */
static enum MHD_Result get_deals(struct server *sv, struct MHD_Connection *c)
{
	struct mk_deal *deals = NULL;
	struct mk_health *hs = NULL;
	size_t n = 0, nh = 0;
	struct mk_diag d;
	enum mk_err err;
	json_t *arr;
	mk_diag_clear(&d);
	if ((err = mk_store_deal_list(sv->st, &deals, &n, &d)))
		return serve_store_error(c, err, &d);
	if (mk_store_health(sv->st, NULL, mk_today(), &hs, &nh, &d))
		hs = NULL, nh = 0;
	arr = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_pack("{s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:s?}", "name", deals[i].name, "sellers",
				      deals[i].sellers ? deals[i].sellers : "", "seller_domain", deals[i].seller_domain,
				      "seller_org", deals[i].seller_org, "buyer_org", deals[i].buyer_org,
				      "buyer_domain", deals[i].buyer_domain, "created_at", deals[i].created_at);
		for (size_t j = 0; j < nh; j++)
			if (hs[j].deal && !strcmp(hs[j].deal, deals[i].name))
				json_object_set_new(o, "health", cli_health_json(&hs[j]));
		json_array_append_new(arr, o);
		mk_deal_release(&deals[i]);
	}
	free(deals);
	mk_health_free(hs, nh);
	return serve_json(c, MHD_HTTP_OK, json_pack("{s:o}", "deals", arr));
}

/* GET /api/deals/NAME/plan (plan) or /proposals (the pending ones). */
static enum MHD_Result get_deal(struct server *sv, struct MHD_Connection *c, const char *name, int plan)
{
	struct mk_deal deal;
	struct mk_diag d;
	enum mk_err err;
	json_t *o = NULL;
	memset(&deal, 0, sizeof deal);
	mk_diag_clear(&d);
	if ((err = mk_store_deal_get(sv->st, name, &deal, &d)))
		return serve_not_found(c, err, &d, "no such deal");
	if (plan) {
		struct mk_plan p;
		mk_plan_init(&p);
		if (!(err = mk_store_plan(sv->st, deal.name, &p, &d)))
			o = cli_plan_json(deal.name, &p);
		mk_plan_release(&p);
	} else {
		struct mk_proposals ps;
		mk_proposals_init(&ps);
		if (!(err = mk_store_pending(sv->st, deal.name, &ps, &d))) {
			json_t *a = json_array();
			for (size_t i = 0; i < ps.n; i++)
				json_array_append_new(a, cli_proposal_json(&ps.v[i]));
			o = json_pack("{s:s, s:o}", "deal", deal.name, "proposals", a);
		}
		mk_proposals_release(&ps);
	}
	mk_deal_release(&deal);
	return err ? serve_store_error(c, err, &d) : serve_json(c, MHD_HTTP_OK, o);
}

/* A yes/no query argument: 1, 0, true or false. 0 when it is something else. */
static int flag_arg(struct MHD_Connection *c, const char *key, int *out)
{
	const char *v = serve_arg(c, key);
	*out = 0;
	if (!v)
		return 1;
	if (!strcmp(v, "1") || !strcmp(v, "true"))
		*out = 1;
	else if (strcmp(v, "0") && strcmp(v, "false"))
		return 0;
	return 1;
}

/* A date query argument YYYY-MM-DD: 1 read into *out, 0 when there is none, -1 when it
 * is not one. */
static int date_arg(struct MHD_Connection *c, const char *key, struct mk_date *out)
{
	const char *v = serve_arg(c, key);
	if (!v)
		return 0;
	return mk_date_parse_day(v, out) ? -1 : 1;
}

/* A number query argument from 1 to max: 1 read into *out, 0 when there is none, -1 when
 * it is not one. */
static int number_arg(struct MHD_Connection *c, const char *key, int64_t max, int64_t *out)
{
	const char *v = serve_arg(c, key);
	if (!v)
		return 0;
	return !serve_id(v, strlen(v), out) || *out > max ? -1 : 1;
}

/* The filters of GET /api/query into q: NULL, or what is wrong with them. */
static const char *query_filters(struct MHD_Connection *c, struct mk_query *q)
{
	enum mk_status status;
	const char *v;
	memset(q, 0, sizeof *q);
	q->side = -1;
	q->status = -1;
	q->as_of = mk_today();
	q->deal = serve_arg(c, "deal");
	q->owner = serve_arg(c, "owner");
	q->text = serve_arg(c, "text");
	if (!flag_arg(c, "overdue", &q->overdue) || !flag_arg(c, "slipped", &q->slipped) ||
	    !flag_arg(c, "no_next_meeting", &q->no_next_meeting) || !flag_arg(c, "past_go_live", &q->past_go_live))
		return "overdue, slipped, no_next_meeting and past_go_live are 1, 0, true or false";
	if ((v = serve_arg(c, "side"))) {
		if (strcmp(v, "buyer") && strcmp(v, "seller"))
			return "side is buyer or seller";
		q->side = !strcmp(v, "buyer") ? MK_SIDE_BUYER : MK_SIDE_SELLER;
	}
	if ((v = serve_arg(c, "status"))) {
		if (mk_status_parse(v, &status))
			return "status is open, done, blocked or dropped";
		q->status = (int)status;
	}
	if (date_arg(c, "as_of", &q->as_of) < 0 || (q->has_from = date_arg(c, "due_from", &q->from)) < 0 ||
	    (q->has_to = date_arg(c, "due_to", &q->to)) < 0)
		return "as_of, due_from and due_to want a date YYYY-MM-DD";
	return NULL;
}

/* GET /api/query?said=WORDS: the lines said, {"said": [...]}. */
static json_t *query_said(struct server *sv, const struct mk_query *q, const char *said, enum mk_err *err,
			  struct mk_diag *d)
{
	struct mk_said *rows = NULL;
	size_t n = 0;
	json_t *arr = json_array();
	*err = mk_store_search_said_by(sv->st, q->deal, q->owner, said, SERVE_SAID_LIMIT, &rows, &n, d);
	for (size_t i = 0; !*err && i < n; i++) {
		char ts[32];
		mk_format_ms(rows[i].start_ms, ts, sizeof ts);
		ts[8] = '\0';
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s}", "deal", rows[i].deal, "meeting",
						     rows[i].meeting, "start", ts, "speaker", rows[i].speaker, "text",
						     rows[i].text));
	}
	mk_said_free(rows, n);
	return json_pack("{s:o}", "said", arr);
}

/* GET /api/query: a page of the items, {"items": [...], "more": N}. */
static json_t *query_items(struct server *sv, const struct mk_query *q, size_t offset, size_t limit,
			   enum mk_err *err, struct mk_diag *d)
{
	struct mk_query_row *rows = NULL;
	size_t n = 0, more = 0;
	json_t *arr = json_array();
	*err = mk_store_query_page(sv->st, q, offset, limit, &rows, &n, &more, d);
	for (size_t i = 0; !*err && i < n; i++)
		json_array_append_new(arr, cli_item_json(rows[i].deal, &rows[i].item));
	mk_query_rows_free(rows, n);
	return json_pack("{s:o, s:I}", "items", arr, "more", (json_int_t)more);
}

/* GET /api/query?deal&owner&side&status&overdue&slipped&no_next_meeting&past_go_live&as_of
 * &due_from&due_to&text[&limit&offset] or ?said=WORDS. */
static enum MHD_Result get_query(struct server *sv, struct MHD_Connection *c)
{
	struct mk_query q;
	struct mk_diag d;
	enum mk_err err;
	const char *wrong = query_filters(c, &q), *said = serve_arg(c, "said"), *v;
	int64_t limit = MK_QUERY_LIMIT, offset = 0;
	json_t *o;
	if (wrong)
		return serve_error(c, MHD_HTTP_BAD_REQUEST, wrong);
	if (!said && number_arg(c, "limit", MK_QUERY_LIMIT, &limit) < 0)
		return serve_error(c, MHD_HTTP_BAD_REQUEST, "limit is a number from 1 to 500");
	if (!said && (v = serve_arg(c, "offset")) && strcmp(v, "0") && !serve_id(v, strlen(v), &offset))
		return serve_error(c, MHD_HTTP_BAD_REQUEST, "offset is a number from 0");
	mk_diag_clear(&d);
	o = said ? query_said(sv, &q, said, &err, &d) : query_items(sv, &q, (size_t)offset, (size_t)limit, &err, &d);
	if (err) {
		json_decref(o);
		return serve_not_found(c, err, &d, "no such deal");
	}
	return serve_json(c, MHD_HTTP_OK, o);
}

/* GET /api/proposals/ID/context?lines=N: the call's lines around the proposal's quote. */
static enum MHD_Result get_context(struct server *sv, struct MHD_Connection *c, int64_t id)
{
	struct mk_context_line *v = NULL;
	struct mk_diag d;
	enum mk_err err;
	const char *l = serve_arg(c, "lines");
	int64_t lines = 2;
	size_t n = 0;
	json_t *arr;
	if (l && (!strcmp(l, "0") ? (lines = 0, 0) : !serve_id(l, strlen(l), &lines) || lines > MK_CONTEXT_MAX))
		return serve_error(c, MHD_HTTP_BAD_REQUEST, "lines is a number from 0 to 20");
	mk_diag_clear(&d);
	if ((err = mk_store_proposal_context(sv->st, id, (unsigned)lines, &v, &n, &d)))
		return serve_not_found(c, err, &d, "no such proposal");
	arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:s, s:I, s:s, s:b}", "speaker", v[i].speaker ? v[i].speaker : "",
						     "start_ms", (json_int_t)v[i].start_ms, "text",
						     v[i].text ? v[i].text : "", "quote", v[i].quote));
	mk_context_free(v, n);
	return serve_json(c, MHD_HTTP_OK, json_pack("{s:o}", "lines", arr));
}

/* GET /api/deals/NAME/history[?item=ID]: every change of the deal's plan, or of one item. */
static enum MHD_Result get_history(struct server *sv, struct MHD_Connection *c, const char *name)
{
	struct mk_revision *rows = NULL;
	struct mk_deal deal;
	struct mk_diag d;
	enum mk_err err;
	const char *v = serve_arg(c, "item");
	int64_t item = 0;
	size_t n = 0, kept = 0;
	json_t *o;
	if (v && !serve_id(v, strlen(v), &item))
		return serve_error(c, MHD_HTTP_BAD_REQUEST, "item wants a plan item's number");
	memset(&deal, 0, sizeof deal);
	mk_diag_clear(&d);
	if ((err = mk_store_deal_get(sv->st, name, &deal, &d)))
		return serve_not_found(c, err, &d, "no such deal");
	err = mk_store_history(sv->st, item ? NULL : deal.name, item, &rows, &n, &d);
	if (!err && item) { /* an item of another deal is not this deal's */
		for (size_t i = 0; i < n; i++)
			if (rows[i].deal && !strcmp(rows[i].deal, deal.name))
				kept++;
		if (!kept)
			err = MK_ENOTFOUND;
	}
	o = err ? NULL : cli_history_json(deal.name, item, rows, n);
	mk_revisions_free(rows, n);
	mk_deal_release(&deal);
	return err ? serve_not_found(c, err, &d, "no such item in this deal") : serve_json(c, MHD_HTTP_OK, o);
}

/* GET /api/changes?since=YYYY-MM-DD[&until=YYYY-MM-DD][&deal=NAME][&by=meeting|decision][&limit=N]:
 * what changed on the plans, oldest first, at most limit rows (default and most:
 * SERVE_CHANGES_LIMIT); "more" says whether there were others after them. */
#define SERVE_CHANGES_LIMIT 1000
static enum MHD_Result get_changes(struct server *sv, struct MHD_Connection *c)
{
	struct mk_changes_query q;
	struct mk_change *rows = NULL;
	struct mk_diag d;
	enum mk_err err;
	const char *v;
	int64_t num = SERVE_CHANGES_LIMIT;
	size_t n = 0;
	json_t *o;
	memset(&q, 0, sizeof q);
	mk_diag_clear(&d);
	q.deal = serve_arg(c, "deal");
	if (date_arg(c, "since", &q.since) != 1)
		return serve_error(c, MHD_HTTP_BAD_REQUEST, "since wants a date YYYY-MM-DD");
	if ((q.has_until = date_arg(c, "until", &q.until)) < 0)
		return serve_error(c, MHD_HTTP_BAD_REQUEST, "until wants a date YYYY-MM-DD");
	if ((v = serve_arg(c, "by")) && strcmp(v, "meeting")) {
		if (strcmp(v, "decision"))
			return serve_error(c, MHD_HTTP_BAD_REQUEST, "by is meeting or decision");
		q.by = MK_CHANGES_BY_DECISION;
	}
	if (number_arg(c, "limit", SERVE_CHANGES_LIMIT, &num) < 0)
		return serve_error(c, MHD_HTTP_BAD_REQUEST, "limit is a number from 1 to 1000");
	q.limit = (size_t)num + 1; /* one more than shown: whether there are more */
	err = mk_store_changes(sv->st, &q, &rows, &n, &d);
	if (err == MK_ENOTFOUND)
		return serve_error(c, MHD_HTTP_NOT_FOUND, "no such deal");
	if (err == MK_EARG)
		return serve_error(c, MHD_HTTP_BAD_REQUEST, "until is before since");
	if (err)
		return serve_store_error(c, err, &d);
	o = json_pack("{s:o, s:b}", "changes", cli_changes_json(rows, n < q.limit ? n : q.limit - 1), "more",
		      n >= q.limit);
	mk_changes_free(rows, n);
	return serve_json(c, MHD_HTTP_OK, o);
}

/* The review page's routes (p: the path after /api/); 0 when p is not one of them. */
static int review_route(struct server *sv, struct MHD_Connection *c, const char *p, const char *method,
			const struct request *rq, const char *who, enum MHD_Result *ret)
{
	const char *slash;
	int64_t id;
	if (!strncmp(p, "deals/", 6) && (slash = strrchr(p + 6, '/')) && slash > p + 6 &&
	    (!strcmp(slash, "/approve-all") || !strcmp(slash, "/reject-all"))) {
		char *name = strndup(p + 6, (size_t)(slash - (p + 6)));
		if (!name)
			abort();
		*ret = strcmp(method, "POST") ? serve_use(c, "POST")
					      : serve_decide_all(sv, c, name, !strcmp(slash, "/approve-all"), rq, who);
		free(name);
		return 1;
	}
	if (!strncmp(p, "proposals/", 10) && (slash = strchr(p + 10, '/')) && !strcmp(slash, "/context") &&
	    serve_id(p + 10, (size_t)(slash - (p + 10)), &id)) {
		*ret = strcmp(method, "GET") ? serve_use(c, "GET") : get_context(sv, c, id);
		return 1;
	}
	return 0;
}

/* GET /api/deals/NAME/plan|plan.md|proposals|history; 0 when p is not one of them. */
static int deal_route(struct server *sv, struct MHD_Connection *c, const char *p, int get, enum MHD_Result *ret)
{
	const char *slash;
	char *name;
	if (strncmp(p, "deals/", 6) || !(slash = strrchr(p + 6, '/')) || slash == p + 6 ||
	    (strcmp(slash, "/plan") && strcmp(slash, "/proposals") && strcmp(slash, "/history") &&
	     strcmp(slash, "/plan.md")))
		return 0;
	if (!(name = strndup(p + 6, (size_t)(slash - (p + 6)))))
		abort();
	if (!get)
		*ret = serve_use(c, "GET");
	else if (!strcmp(slash, "/history"))
		*ret = get_history(sv, c, name);
	else if (!strcmp(slash, "/plan.md"))
		*ret = serve_plan_md(sv, c, name);
	else
		*ret = get_deal(sv, c, name, !strcmp(slash, "/plan"));
	free(name);
	return 1;
}

/* GET /api/session: the page's CSRF token and how long the session lasts. */
static enum MHD_Result get_session(struct MHD_Connection *c, const struct session *ses)
{
	return serve_json(c, MHD_HTTP_OK,
			  json_pack("{s:o, s:I}", "csrf", ses ? json_string(ses->csrf) : json_null(), "expires_in",
				    (json_int_t)(ses ? ses->expires - time(NULL) : 0)));
}

/* The proposals' routes: PATCH proposals/ID, POST proposals/ID/approve|reject; -1 when p
 * (after "proposals/") is none of them. */
static int proposal_route(struct server *sv, struct MHD_Connection *c, const char *p, const char *method,
			  const struct request *rq, const char *who)
{
	const char *slash;
	int64_t id;
	if (!serve_path_id(p, &slash, &id))
		return serve_error(c, MHD_HTTP_NOT_FOUND, "no such proposal");
	if (!slash)
		return !strcmp(method, "PATCH") ? serve_proposal_change(sv, c, id, "edit", rq, who) : serve_use(c, "PATCH");
	if (!strcmp(slash, "/approve") || !strcmp(slash, "/reject"))
		return !strcmp(method, "POST") ? serve_proposal_change(sv, c, id, slash + 1, rq, who)
					       : serve_use(c, "POST");
	return -1;
}

/* Who may call: bearer, or a session (with its CSRF token and our origin for a write).
 * NULL and *ses set, or the answer's error message and its status in *status. */
static const char *api_door(struct server *sv, struct MHD_Connection *c, const char *method,
			    struct session **ses, unsigned *status)
{
	int by_token = serve_bearer(sv, c);
	*ses = NULL;
	*status = MHD_HTTP_UNAUTHORIZED;
	if (by_token < 0 || (!by_token && !(*ses = serve_session_of(sv, c))))
		return "missing or wrong bearer token";
	if (*ses && strcmp(method, "GET")) {
		const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-CSRF-Token");
		*status = MHD_HTTP_FORBIDDEN;
		if (!h || !serve_same_secret((*ses)->csrf, h) || !serve_same_origin(c))
			return "a write from a page needs its X-CSRF-Token";
	}
	return NULL;
}

enum MHD_Result serve_api(struct server *sv, struct MHD_Connection *c, const char *url, const char *method,
			  const struct request *rq)
{
	int get = !strcmp(method, "GET"), r;
	struct session *ses;
	unsigned status;
	const char *p = url + 5, *wrong = api_door(sv, c, method, &ses, &status), *who;
	enum MHD_Result ret;
	if (wrong)
		return serve_error(c, status, wrong);
	if (rq->too_big)
		return serve_error(c, 413, "the request body is over 64 KiB");
	who = ses ? ses->who : "api";
	if (review_route(sv, c, p, method, rq, who, &ret))
		return ret;
	if (!strcmp(p, "session"))
		return get ? get_session(c, ses) : serve_use(c, "GET");
	if (!strcmp(p, "deals"))
		return get ? get_deals(sv, c) : serve_use(c, "GET");
	if (!strcmp(p, "query"))
		return get ? get_query(sv, c) : serve_use(c, "GET");
	if (!strcmp(p, "changes"))
		return get ? get_changes(sv, c) : serve_use(c, "GET");
	if (deal_route(sv, c, p, get, &ret))
		return ret;
	if (!strncmp(p, "proposals/", 10) && (r = proposal_route(sv, c, p + 10, method, rq, who)) >= 0)
		return (enum MHD_Result)r;
	if (!strncmp(p, "deals/", 6) && (r = serve_crm_route(sv, c, p + 6, method, rq, who)) >= 0)
		return (enum MHD_Result)r;
	if ((r = serve_edit_route(sv, c, p, method, rq, who)) >= 0)
		return (enum MHD_Result)r;
	return serve_error(c, MHD_HTTP_NOT_FOUND, "no such endpoint");
}
