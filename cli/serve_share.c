/*
 * serve_share.c: the buyer's side of `mapkeeper serve`: /share/TOKEN (the page),
 * /share/static/share.{js,css} (its files) and /share/TOKEN/api/{plan,ack,comment}. Every
 * request is counted against its address and its token (SHARE_RATE a minute, 429 after)
 * and the token is resolved again (mk_store_share_resolve): unknown, expired and revoked all
 * answer 404 alike. A token reaches this deal's buyer plan and nothing else: no cookie is
 * set, and /api/ and the rep's pages never take it. The buyer's plan leaves out what is
 * internal: proposals, quotes, notes, stances, and every risk not marked shareable. A
 * comment is also run through the extractor as a one-line call said by the buyer, so a date
 * that slipped or an item done comes back to the rep as a proposal. See serve.h.
 */
#include "serve.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define SHARE_RATE 60               /* requests a minute, per address and per token */
#define SHARE_COUNTERS 512
#define SHARE_LABEL "buyer comment via share link"

struct share_counter {
	char key[72];               /* "a:ADDRESS" or "t:TOKEN"; "" is a free slot */
	time_t minute;
	unsigned n;
};

/* One polling thread serves every request: these need no lock (serve.h). */
static struct share_counter counters[SHARE_COUNTERS];
static struct mk_rules *share_rules;

/* The limit: SHARE_RATE, or MAPKEEPER_SHARE_RATE (1-100000) when set, read once. */
static unsigned share_rate(void)
{
	static unsigned rate;
	if (!rate) {
		const char *e = getenv("MAPKEEPER_SHARE_RATE");
		long v = e ? strtol(e, NULL, 10) : 0;
		rate = v >= 1 && v <= 100000 ? (unsigned)v : SHARE_RATE;
	}
	return rate;
}

/* Counts one request for key in this minute: 0 when it is over the limit. A full table
 * gives up its oldest slot. */
static int share_count(const char *key, time_t minute)
{
	struct share_counter *slot = NULL, *oldest = &counters[0];
	for (size_t i = 0; i < SHARE_COUNTERS; i++) {
		if (counters[i].key[0] && !strcmp(counters[i].key, key)) {
			slot = &counters[i];
			break;
		}
		if (!slot && !counters[i].key[0])
			slot = &counters[i];
		if (counters[i].minute < oldest->minute)
			oldest = &counters[i];
	}
	if (!slot)
		slot = oldest;
	if (strcmp(slot->key, key) || slot->minute != minute) {
		snprintf(slot->key, sizeof slot->key, "%s", key);
		slot->minute = minute;
		slot->n = 0;
	}
	return ++slot->n <= share_rate();
}

/* Counts the request against its address and its token (may be NULL): 0 when either is
 * over the limit. */
static int share_allowed(struct MHD_Connection *c, const char *token)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char key[72], addr[INET6_ADDRSTRLEN] = "?";
	time_t minute = time(NULL) / 60;
	int ok;
	if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, addr, sizeof addr);
	else if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ci->client_addr)->sin6_addr, addr, sizeof addr);
	snprintf(key, sizeof key, "a:%s", addr);
	ok = share_count(key, minute);
	if (token) {
		snprintf(key, sizeof key, "t:%.64s", token);
		ok &= share_count(key, minute);
	}
	return ok;
}

/* ---- the buyer's plan ------------------------------------------------------------- */

static json_t *share_date(int has, struct mk_date d)
{
	char buf[16];
	if (!has)
		return json_null();
	mk_date_format(d, buf, sizeof buf);
	return json_string(buf);
}

/* The items, each with its phase; dropped ones are no longer part of the plan. */
static json_t *share_items(const struct mk_plan *p)
{
	json_t *a = json_array();
	for (size_t i = 0; i < p->nitems; i++) {
		const struct mk_item *it = &p->items[i];
		if (it->status == MK_STATUS_DROPPED)
			continue;
		json_array_append_new(a, json_pack("{s:I, s:s, s:s?, s:s, s:o, s:s, s:s, s:s}", "id",
						   (json_int_t)it->id, "action", it->action, "owner", it->owner,
						   "side", mk_side_name(it->side), "due", share_date(it->has_due, it->due),
						   "status", mk_status_name(it->status), "phase", mk_phase_name(it->phase),
						   "phase_title", mk_phase_title(it->phase)));
	}
	return a;
}

/* Is id one of shared[0..n)? */
static int share_listed(int64_t id, const int64_t *shared, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (shared[i] == id)
			return 1;
	return 0;
}

/* People (no stance: that is the rep's judgement), criteria, dependencies and the risks
 * the store says are shareable (shared[0..nshared): mk_store_share_risks). */
static void share_lists(const struct mk_plan *p, const int64_t *shared, size_t nshared, json_t *o)
{
	json_t *people = json_array(), *criteria = json_array(), *deps = json_array(), *risks = json_array();
	for (size_t i = 0; i < p->npeople; i++)
		json_array_append_new(people, json_pack("{s:s?, s:s?, s:s}", "name", p->people[i].name, "role",
							p->people[i].role, "side", mk_side_name(p->people[i].side)));
	for (size_t i = 0; i < p->ncriteria; i++)
		json_array_append_new(criteria, json_pack("{s:s?}", "text", p->criteria[i].text));
	for (size_t i = 0; i < p->ndeps; i++)
		json_array_append_new(deps, json_pack("{s:s?, s:s?}", "waiting", p->deps[i].waiting, "on", p->deps[i].on));
	for (size_t i = 0; i < p->nrisks; i++)
		if (share_listed(p->risks[i].id, shared, nshared))
			json_array_append_new(risks, json_pack("{s:s?, s:s?}", "category", p->risks[i].category, "text",
							       p->risks[i].text));
	json_object_set_new(o, "people", people);
	json_object_set_new(o, "criteria", criteria);
	json_object_set_new(o, "dependencies", deps);
	json_object_set_new(o, "risks", risks);
}

/* The plan as the buyer sees it. */
static json_t *share_plan_json(const char *deal, const struct mk_plan *p, const int64_t *shared, size_t nshared)
{
	char today[16];
	json_t *o;
	mk_date_format(mk_today(), today, sizeof today);
	o = json_pack("{s:s, s:I, s:s, s:s?}", "deal", deal, "version", (json_int_t)p->version, "as_of", today, "goal",
		      p->goal);
	json_object_set_new(o, "go_live",
			    p->has_go_live ? json_pack("{s:o, s:s?}", "date", share_date(1, p->go_live), "kind",
						       p->go_live_kind)
					   : json_null());
	json_object_set_new(o, "next_meeting",
			    p->has_next_meeting ? json_pack("{s:o, s:s?, s:s?, s:s?}", "date",
							    share_date(1, p->next_meeting), "time",
							    p->next_meeting_time, "who", p->next_meeting_who,
							    "purpose", p->next_meeting_purpose)
						: json_null());
	json_object_set_new(o, "acknowledged",
			    p->has_ack ? json_pack("{s:s?, s:s?}", "at", p->ack_at, "by", p->ack_by) : json_null());
	json_object_set_new(o, "items", share_items(p));
	share_lists(p, shared, nshared, o);
	return o;
}

/* ---- the routes ------------------------------------------------------------------- */

/* GET /share/TOKEN/api/plan */
static enum MHD_Result share_get_plan(struct server *sv, struct MHD_Connection *c, const char *deal)
{
	struct mk_plan p;
	struct mk_diag d;
	enum mk_err err;
	enum MHD_Result r;
	int64_t *shared = NULL;
	size_t nshared = 0;
	mk_diag_clear(&d);
	if ((err = mk_store_plan(sv->st, deal, &p, &d)))
		return serve_not_found(c, err, &d, "no such share link");
	if ((err = mk_store_share_risks(sv->st, deal, &shared, &nshared, &d)))
		r = serve_not_found(c, err, &d, "no such share link");
	else
		r = serve_json(c, MHD_HTTP_OK, share_plan_json(deal, &p, shared, nshared));
	free(shared);
	mk_plan_release(&p);
	return r;
}

/* "version" of a body: the plan version the page showed. 0 and a 400 when it is missing
 * or not a whole number. */
static int share_version(struct MHD_Connection *c, json_t *body, int64_t *version)
{
	json_t *v = json_object_get(body, "version");
	if (!json_is_integer(v) || json_integer_value(v) < 0) {
		serve_error(c, MHD_HTTP_BAD_REQUEST, "\"version\" must be the plan version the page shows");
		return 0;
	}
	*version = json_integer_value(v);
	return 1;
}

/* The deal's plan now, for its version and items; a 404 or 500 sent when it cannot be read. */
static int share_plan_now(struct server *sv, struct MHD_Connection *c, const char *deal, struct mk_plan *p)
{
	struct mk_diag d;
	enum mk_err err;
	mk_diag_clear(&d);
	if ((err = mk_store_plan(sv->st, deal, p, &d))) {
		serve_not_found(c, err, &d, "no such share link");
		return 0;
	}
	return 1;
}

/* A 409 when the plan moved on since the page was loaded (the page reloads). */
static enum MHD_Result share_stale(struct MHD_Connection *c, int64_t seen, int64_t now)
{
	char msg[200];
	snprintf(msg, sizeof msg,
		 "the plan changed since this page was loaded (version %lld, now %lld): reload and read it again",
		 (long long)seen, (long long)now);
	return serve_json(c, MHD_HTTP_CONFLICT, json_pack("{s:s, s:I}", "error", msg, "version", (json_int_t)now));
}

/* POST /share/TOKEN/api/ack {name, version} */
static enum MHD_Result share_ack(struct server *sv, struct MHD_Connection *c, const char *deal, int64_t share,
				 json_t *body)
{
	struct mk_plan p;
	struct mk_diag d;
	enum mk_err err;
	int64_t version;
	int bad = 0;
	const char *name = serve_member(body, "name", 0, &bad);
	if (bad || !name)
		return serve_error(c, MHD_HTTP_BAD_REQUEST, "\"name\" must be the name of who agrees");
	if (!share_version(c, body, &version) || !share_plan_now(sv, c, deal, &p))
		return MHD_YES;
	if (p.version != version) {
		int64_t now = p.version;
		mk_plan_release(&p);
		return share_stale(c, version, now);
	}
	mk_plan_release(&p);
	mk_diag_clear(&d);
	if ((err = mk_store_share_ack(sv->st, share, name, version, &d)))
		return serve_not_found(c, err, &d, "no such share link");
	return serve_json(c, MHD_HTTP_OK, json_pack("{s:b, s:I}", "acknowledged", 1, "version", (json_int_t)version));
}

/* The rules, loaded once (the server's lifetime); NULL and a 500 sent when they do not load. */
static struct mk_rules *share_rules_get(struct MHD_Connection *c)
{
	struct mk_diag d;
	char *dir;
	if (share_rules)
		return share_rules;
	mk_diag_clear(&d);
	dir = mk_rules_default_dir();
	if (mk_rules_load(&share_rules, dir, &d) != MK_OK) {
		fprintf(stderr, "mapkeeper: serve: cannot load the rules from %s: %s\n", dir, d.msg);
		share_rules = NULL;
		serve_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "cannot read comments now (the rules do not load)");
	}
	free(dir);
	return share_rules;
}

/* s with every line break and tab as a space, in a new string. */
static char *share_one_line(const char *s)
{
	char *t = strdup(s);
	if (!t)
		abort();
	for (char *p = t; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	return t;
}

/*
 * Comment cid as a one-line call said by the buyer (name): "About ACTION: TEXT", ingested
 * into the deal dated today, so what the rules find in it (a date moved, done, blocked)
 * becomes a proposal with the comment as its evidence. The call's label says where it came
 * from; its identity is the comment's. *n: the proposals made.
 */
static enum mk_err share_propose(struct server *sv, struct mk_rules *rs, const char *deal, int64_t cid,
				 const char *name, const char *action, const char *text, size_t *n, struct mk_diag *d)
{
	struct mk_transcript t;
	struct mk_call_result res;
	struct mk_deal dl;
	char seed[64], today[16], *said, *who;
	enum mk_err err;
	*n = 0;
	if ((err = mk_store_deal_get(sv->st, deal, &dl, d)))
		return err;
	mk_transcript_init(&t);
	snprintf(seed, sizeof seed, "Buyer: share link comment %lld\n", (long long)cid);
	if (!(err = mk_transcript_parse(&t, SHARE_LABEL, seed, strlen(seed), d)) && t.n == 1) {
		said = share_one_line(text);
		who = share_one_line(name);
		free(t.utt[0].speaker);
		free(t.utt[0].text);
		t.utt[0].speaker = who;
		if (action ? asprintf(&t.utt[0].text, "About %s: %s", action, said) < 0 : !(t.utt[0].text = strdup(said)))
			abort();
		free(said);
		mk_date_format(mk_today(), today, sizeof today);
		if (!(err = mk_call_ingest(sv->st, rs, &dl, &t, today, &res, d)))
			*n = res.res.nproposals;
	} else if (!err) {
		err = MK_EFORMAT;
		mk_diag_set(d, NULL, 0, "a comment did not read as one line of a call");
	}
	mk_transcript_release(&t);
	mk_deal_release(&dl);
	return err;
}

/* The item of a comment: "item" a whole number, 0 or missing for the whole plan. 0 and a
 * 400 or 404 sent when it is not one, or not on the plan (*action: its action). */
static int share_item(struct MHD_Connection *c, json_t *body, const struct mk_plan *p, int64_t *item,
		      const char **action)
{
	json_t *v = json_object_get(body, "item");
	*item = 0;
	*action = NULL;
	if (v && !json_is_null(v) && (!json_is_integer(v) || json_integer_value(v) < 0)) {
		serve_error(c, MHD_HTTP_BAD_REQUEST, "\"item\" must be an item's id (0: the whole plan)");
		return 0;
	}
	*item = json_is_integer(v) ? json_integer_value(v) : 0;
	for (size_t i = 0; *item && i < p->nitems; i++)
		if (p->items[i].id == *item && p->items[i].status != MK_STATUS_DROPPED)
			*action = p->items[i].action;
	if (*item && !*action) {
		serve_error(c, MHD_HTTP_NOT_FOUND, "no such item on this plan");
		return 0;
	}
	return 1;
}

/* The comment stored and run through the extractor, in one transaction. */
static enum mk_err share_comment_store(struct server *sv, struct mk_rules *rs, const char *deal, int64_t share,
				       int64_t item, const char *action, const char *name, const char *text,
				       int64_t version, int64_t *cid, size_t *n, struct mk_diag *d)
{
	enum mk_err err;
	if ((err = mk_store_write_begin(sv->st, d)))
		return err;
	if (!(err = mk_store_share_comment(sv->st, share, item, name, text, version, cid, d)))
		err = share_propose(sv, rs, deal, *cid, name, action, text, n, d);
	if (err) {
		mk_store_write_end(sv->st, 0, d);
		return err;
	}
	return mk_store_write_end(sv->st, 1, d);
}

/* POST /share/TOKEN/api/comment {item, name, text, version} */
static enum MHD_Result share_comment(struct server *sv, struct MHD_Connection *c, const char *deal, int64_t share,
				     json_t *body)
{
	struct mk_plan p;
	struct mk_diag d;
	struct mk_rules *rs;
	enum mk_err err;
	enum MHD_Result r;
	const char *action;
	int64_t version, item, cid = 0;
	size_t n = 0;
	int bad = 0;
	const char *name = serve_member(body, "name", 0, &bad), *text = serve_member(body, "text", 0, &bad);
	if (bad || !name || !text)
		return serve_error(c, MHD_HTTP_BAD_REQUEST, "\"name\" and \"text\" must be strings");
	if (!share_version(c, body, &version) || !(rs = share_rules_get(c)) || !share_plan_now(sv, c, deal, &p))
		return MHD_YES;
	if (!share_item(c, body, &p, &item, &action)) {
		mk_plan_release(&p);
		return MHD_YES;
	}
	mk_diag_clear(&d);
	err = share_comment_store(sv, rs, deal, share, item, action, name, text, version, &cid, &n, &d);
	mk_plan_release(&p);
	if (err)
		return serve_not_found(c, err, &d, "no such share link");
	r = serve_json(c, MHD_HTTP_OK, json_pack("{s:I, s:I, s:I}", "comment", (json_int_t)cid, "item",
						 (json_int_t)item, "proposals", (json_int_t)n));
	return r;
}

/* The API of one live link (p: what follows /share/TOKEN/api/). */
static enum MHD_Result share_api(struct server *sv, struct MHD_Connection *c, const char *p, const char *method,
				 const struct request *rq, const char *deal, int64_t share)
{
	int get = !strcmp(method, "GET") || !strcmp(method, "HEAD"), post = !strcmp(method, "POST");
	enum MHD_Result r;
	json_t *body;
	if (!strcmp(p, "plan"))
		return get ? share_get_plan(sv, c, deal) : serve_use(c, "GET");
	if (strcmp(p, "ack") && strcmp(p, "comment"))
		return serve_error(c, MHD_HTTP_NOT_FOUND, "no such route");
	if (!post)
		return serve_use(c, "POST");
	if (!serve_same_origin(c))
		return serve_error(c, MHD_HTTP_FORBIDDEN, "a write must come from this server's page");
	if (!(body = serve_body(c, rq)))
		return MHD_YES;
	r = !strcmp(p, "ack") ? share_ack(sv, c, deal, share, body) : share_comment(sv, c, deal, share, body);
	json_decref(body);
	return r;
}

/* A refusal: {"error": msg} for the API, the same words as text for the page. */
static enum MHD_Result share_refuse(struct MHD_Connection *c, int api, unsigned status, const char *msg)
{
	char line[160];
	if (api)
		return serve_error(c, status, msg);
	snprintf(line, sizeof line, "%s\n", msg);
	return serve_text(c, status, line);
}

enum MHD_Result serve_share(struct server *sv, struct MHD_Connection *c, const char *url, const char *method,
			    const struct request *rq)
{
	int get = !strcmp(method, "GET") || !strcmp(method, "HEAD");
	const char *p = url + strlen("/share/"), *slash = strchr(p, '/');
	size_t len = slash ? (size_t)(slash - p) : strlen(p);
	char token[72], *deal = NULL;
	struct mk_diag d;
	int64_t share = 0;
	enum MHD_Result r;
	int api = slash && !strncmp(slash, "/api/", 5);
	if (!strcmp(p, "static/share.js") || !strcmp(p, "static/share.css")) {
		if (!share_allowed(c, NULL))
			return share_refuse(c, 0, MHD_HTTP_TOO_MANY_REQUESTS, "too many requests: wait a minute");
		return get ? serve_file(sv, c, p + 7) : share_refuse(c, 0, MHD_HTTP_METHOD_NOT_ALLOWED, "use GET");
	}
	/* a longer one is no token: it is counted and refused as one that is unknown */
	snprintf(token, sizeof token, "%.*s", (int)(len < sizeof token ? len : sizeof token - 1), p);
	if (!share_allowed(c, token))
		return share_refuse(c, api, MHD_HTTP_TOO_MANY_REQUESTS, "too many requests: wait a minute");
	if (rq->too_big)
		return share_refuse(c, api, MHD_HTTP_CONTENT_TOO_LARGE, "the request body is over 64 KiB");
	mk_diag_clear(&d);
	if (len >= sizeof token || mk_store_share_resolve(sv->st, token, &deal, &share, &d) != MK_OK ||
	    (slash && !api && slash[1]))
		r = share_refuse(c, api, MHD_HTTP_NOT_FOUND,
				 api ? "no such share link" : "no such share link (it may have expired or been revoked)");
	else if (api)
		r = share_api(sv, c, slash + 5, method, rq, deal, share);
	else
		r = get ? serve_file(sv, c, "share.html") : share_refuse(c, 0, MHD_HTTP_METHOD_NOT_ALLOWED, "use GET");
	free(deal);
	return r;
}
