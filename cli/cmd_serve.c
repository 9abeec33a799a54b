/*
 * cmd_serve.c: `mapkeeper serve [--listen HOST:PORT] [--db PATH] [--web DIR]`: the review
 * app over libmicrohttpd, on the same store calls the commands use. Two doors:
 *  - the JSON API (/api/...): deals (with health), plans, history, pending proposals
 *    (approve, reject, edit) and queries, for "Authorization: Bearer $MAPKEEPER_TOKEN" or
 *    for a page's session cookie; a write with the cookie also needs the session's CSRF
 *    token in X-CSRF-Token and, when the browser sends one, an Origin of this server;
 *  - the pages (plain files of web/): /login takes the token and sets an HttpOnly,
 *    SameSite=Strict session cookie; /, /deal, /search and /static/FILE need it.
 * A random token is made and printed when MAPKEEPER_TOKEN is unset. One polling thread
 * serves every request, so the store and the session table are used from one thread.
 */
#include "cli.h"
#include "util/util.h"

#include <arpa/inet.h>
#include <getopt.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <limits.h>
#include <ctype.h>
#include <errno.h>

static const char usage[] =
	"mapkeeper serve [--listen 127.0.0.1:8080] [--db PATH] [--web DIR]\n"
	"\n"
	"Serves the review app and its JSON API. The token is MAPKEEPER_TOKEN, or a random one\n"
	"printed at start. --web: the folder of the pages (default: MAPKEEPER_WEB, else web/\n"
	"beside the binary, else share/mapkeeper/web where `make install` put them).";

#define SERVE_MAX_BODY (64u * 1024u)
#define SERVE_MAX_FILE (1024u * 1024u)
#define SERVE_SAID_LIMIT 50
#define SERVE_SESSIONS 256
#define SERVE_SESSION_SECONDS (12 * 3600)
#define SERVE_LOGIN_FAILS 20        /* wrong tokens per minute before logins wait */

struct session {
	char id[33], csrf[33];      /* 128 random bits each, in hex; id[0] == 0: a free slot */
	char who[72];               /* the name given at login, for the history: "Maya (web)" */
	time_t expires;
};

struct server {
	struct mk_store *st;
	char token[128];
	char web[4096];             /* the pages' folder, resolved */
	struct session sessions[SERVE_SESSIONS];
	time_t fail_window;         /* the minute the failed logins are counted in */
	unsigned fails;
};

static const char security_policy[] = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
				      "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

struct request {                /* one request's body, gathered across calls */
	char *body;
	size_t len;
	int too_big;
};






/* The headers every answer carries: no sniffing, no caching, no framing, no referrer, and
 * a content policy that lets a page load only its own scripts and styles; the referrer
 * goes to this server only. */
static void common_headers(struct MHD_Response *r)
{
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "Content-Security-Policy", security_policy);
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "same-origin");
}

/* Sends o (taking it) with status; JSON headers, no caching, no sniffing. */
static enum MHD_Result send_json(struct MHD_Connection *c, unsigned status, json_t *o)
{
	char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	struct MHD_Response *r;
	enum MHD_Result ret;
	size_t len;
	json_decref(o);
	if (!s)
		abort();
	len = strlen(s);
	s[len++] = '\n'; /* replaces the NUL: the length is given */
	r = MHD_create_response_from_buffer(len, s, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(s);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", "application/json; charset=utf-8");
	common_headers(r);
	if (status == MHD_HTTP_UNAUTHORIZED)
		MHD_add_response_header(r, "WWW-Authenticate", "Bearer");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result send_error(struct MHD_Connection *c, unsigned status, const char *msg)
{
	return send_json(c, status, json_pack("{s:s}", "error", msg));
}

/* A store error: 404 for a missing thing, 409 for a decided proposal, 400, else 500. */
static enum MHD_Result send_store_error(struct MHD_Connection *c, enum mk_err err, const struct mk_diag *d)
{
	const char *msg = d->msg[0] ? d->msg : mk_strerror(err);
	if (err == MK_ENOTFOUND)
		return send_error(c, MHD_HTTP_NOT_FOUND, msg);
	if (err == MK_EARG)
		return send_error(c, strstr(msg, "already") ? MHD_HTTP_CONFLICT : MHD_HTTP_BAD_REQUEST, msg);
	return send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, msg);
}

/* A token from /dev/urandom: 32 hex digits of 128 random bits. */
static int random_token(char *out, size_t outlen)
{
	unsigned char b[16];
	FILE *f = fopen("/dev/urandom", "rb");
	if (!f || fread(b, 1, sizeof b, f) != sizeof b) {
		if (f)
			fclose(f);
		return 0;
	}
	fclose(f);
	for (size_t i = 0; i < sizeof b && 2 * i + 2 < outlen; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
	return 1;
}

/* Equal in constant time for strings of the same length (the length itself is not secret). */
static int same_secret(const char *a, const char *b)
{
	size_t al = strlen(a), bl = strlen(b);
	unsigned char diff = 0;
	for (size_t i = 0; i < al; i++)
		diff |= (unsigned char)(a[i] ^ (i < bl ? b[i] : 0));
	return diff == 0 && al == bl;
}

/* 1: the Authorization header is "Bearer TOKEN"; 0: no such header; -1: a wrong one. */
static int bearer(const struct server *sv, struct MHD_Connection *c)
{
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	if (!h)
		return 0;
	return !strncmp(h, "Bearer ", 7) && same_secret(sv->token, h + 7) ? 1 : -1;
}

/* The live session the request's cookie names, or NULL. */
static struct session *session_of(struct server *sv, struct MHD_Connection *c)
{
	const char *id = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "mk_session");
	time_t now = time(NULL);
	struct session *found = NULL;
	if (!id || strlen(id) != 32)
		return NULL;
	for (size_t i = 0; i < SERVE_SESSIONS; i++) {
		struct session *s = &sv->sessions[i];
		if (s->id[0] && s->expires <= now)
			memset(s, 0, sizeof *s);
		if (s->id[0] && same_secret(s->id, id))
			found = s;
	}
	return found;
}

/* A new session in a free slot (or the one ending soonest): NULL when no random bits. */
static struct session *session_new(struct server *sv)
{
	struct session *s = &sv->sessions[0];
	for (size_t i = 0; i < SERVE_SESSIONS; i++) {
		if (!sv->sessions[i].id[0]) {
			s = &sv->sessions[i];
			break;
		}
		if (sv->sessions[i].expires < s->expires)
			s = &sv->sessions[i];
	}
	memset(s, 0, sizeof *s);
	if (!random_token(s->id, sizeof s->id) || !random_token(s->csrf, sizeof s->csrf)) {
		memset(s, 0, sizeof *s);
		return NULL;
	}
	s->expires = time(NULL) + SERVE_SESSION_SECONDS;
	return s;
}

/* A write from a page is ours when the browser says it comes from this server. A browser
 * that sends Sec-Fetch-Site (a header pages cannot set) must say same-origin; its Origin
 * may then be "null" (Chromium sends that under some referrer policies). Otherwise an
 * Origin, when there is one, must be http://HOST with this request's Host. */
static int same_origin(struct MHD_Connection *c)
{
	const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
	const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
	const char *site = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Sec-Fetch-Site");
	if (site && strcmp(site, "same-origin"))
		return 0;
	if (!origin || (site && !strcmp(origin, "null")))
		return 1;
	return host && !strncmp(origin, "http://", 7) && !strcmp(origin + 7, host);
}

/* A proposal id: digits only, from 1. */
static int parse_id(const char *s, size_t len, int64_t *out)
{
	int64_t v = 0;
	if (!len || len > 18)
		return 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return v > 0;
}

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
		return send_store_error(c, err, &d);
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
	return send_json(c, MHD_HTTP_OK, json_pack("{s:o}", "deals", arr));
}

static enum MHD_Result get_deal(struct server *sv, struct MHD_Connection *c, const char *name, int plan)
{
	struct mk_deal deal;
	struct mk_diag d;
	enum mk_err err;
	json_t *o = NULL;
	memset(&deal, 0, sizeof deal);
	mk_diag_clear(&d);
	if ((err = mk_store_deal_get(sv->st, name, &deal, &d))) {
		if (err == MK_ENOTFOUND)
			return send_error(c, MHD_HTTP_NOT_FOUND, "no such deal");
		return send_store_error(c, err, &d);
	}
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
	return err ? send_store_error(c, err, &d) : send_json(c, MHD_HTTP_OK, o);
}

/* Parses a request body as a JSON object (an empty body is {}); NULL and a 400 otherwise. */
static json_t *body_object(struct MHD_Connection *c, const struct request *rq)
{
	json_error_t je;
	json_t *o;
	if (!rq->len)
		return json_object();
	o = json_loadb(rq->body, rq->len, JSON_REJECT_DUPLICATES, &je);
	if (!o || !json_is_object(o)) {
		json_decref(o);
		send_error(c, MHD_HTTP_BAD_REQUEST, "the body is not a JSON object");
		return NULL;
	}
	return o;
}

/* A string member of o, or NULL; *bad is set when the member is there but not a string. */
static const char *member(json_t *o, const char *key, int null_ok, int *bad)
{
	json_t *v = json_object_get(o, key);
	if (!v)
		return NULL;
	if (json_is_null(v) && null_ok)
		return "";
	if (!json_is_string(v))
		*bad = 1;
	return json_string_value(v);
}

/* "an" before add_item and update_due, "a" before mark_done */
static const char *serve_article(const char *word)
{
	return strchr("aeiu", word[0]) ? "an" : "a";
}

static enum MHD_Result proposal_change(struct server *sv, struct MHD_Connection *c, int64_t id, const char *what,
				       const struct request *rq, const char *who)
{
	struct mk_proposal p;
	struct mk_diag d;
	enum mk_err err;
	json_t *body = body_object(c, rq);
	int bad = 0;
	if (!body)
		return MHD_YES;
	mk_diag_clear(&d);
	if (!strcmp(what, "approve")) {
		err = mk_store_decide(sv->st, id, 1, who, NULL, &d);
	} else if (!strcmp(what, "reject")) {
		const char *reason = member(body, "reason", 1, &bad);
		err = bad ? MK_EARG : mk_store_decide(sv->st, id, 0, who, reason && *reason ? reason : NULL, &d);
		if (bad)
			mk_diag_set(&d, "", 0, "reason must be a string");
	} else {
		const char *owner = member(body, "owner", 0, &bad), *due = member(body, "due", 1, &bad),
			   *action = member(body, "action", 0, &bad);
		const char *name = member(body, "name", 0, &bad), *role = member(body, "role", 1, &bad),
			   *category = member(body, "category", 0, &bad), *text = member(body, "text", 0, &bad);
		struct mk_proposal was;
		memset(&was, 0, sizeof was);
		if (!bad && (err = mk_store_proposal_get(sv->st, id, &was, &d))) {
			json_decref(body);
			return send_store_error(c, err, &d);
		}
		if (bad) {
			err = MK_EARG;
			mk_diag_set(&d, "", 0, "every field must be a string");
		} else if (was.kind == MK_PROP_ADD_STAKEHOLDER || was.kind == MK_PROP_ADD_RISK) {
			int stake = was.kind == MK_PROP_ADD_STAKEHOLDER;
			err = MK_EARG;
			if (owner || due || action)
				mk_diag_set(&d, "", 0, "%s %s proposal takes %s, not owner, due or action",
					    serve_article(mk_prop_kind_name(was.kind)), mk_prop_kind_name(was.kind),
					    stake ? "name and role" : "category and text");
			else if (!name && !role && !category && !text)
				mk_diag_set(&d, "", 0, "nothing to change: give %s", stake ? "name or role" : "category or text");
			else
				err = mk_store_edit_finding(sv->st, id, name, role, category, text, who, &d);
		} else if (name || role || category || text) {
			err = MK_EARG;
			mk_diag_set(&d, "", 0, "%s %s proposal takes owner, due and action", serve_article(mk_prop_kind_name(was.kind)),
				    mk_prop_kind_name(was.kind));
		} else if (bad) {
			err = MK_EARG;
			mk_diag_set(&d, "", 0, "owner, due and action must be strings");
		} else if (!owner && !due && !action) {
			err = MK_EARG;
			mk_diag_set(&d, "", 0, "nothing to change: give owner, due or action");
		} else {
			err = mk_store_edit(sv->st, id, owner, due, action, who, &d);
		}
		mk_proposal_release(&was);
	}
	json_decref(body);
	if (err)
		return send_store_error(c, err, &d);
	memset(&p, 0, sizeof p);
	if ((err = mk_store_proposal_get(sv->st, id, &p, &d)))
		return send_store_error(c, err, &d);
	body = cli_proposal_json(&p);
	mk_proposal_release(&p);
	return send_json(c, MHD_HTTP_OK, body);
}

static const char *arg(struct MHD_Connection *c, const char *key)
{
	const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, key);
	return v && *v ? v : NULL;
}

/* A yes/no query argument: 1, 0, true or false. 0 when it is something else. */
static int flag_arg(struct MHD_Connection *c, const char *key, int *out)
{
	const char *v = arg(c, key);
	*out = 0;
	if (!v)
		return 1;
	if (!strcmp(v, "1") || !strcmp(v, "true"))
		*out = 1;
	else if (strcmp(v, "0") && strcmp(v, "false"))
		return 0;
	return 1;
}

static enum MHD_Result get_query(struct server *sv, struct MHD_Connection *c)
{
	struct mk_query q;
	struct mk_diag d;
	enum mk_err err;
	enum mk_status status;
	const char *v, *said = arg(c, "said");
	json_t *arr = json_array(), *o;
	memset(&q, 0, sizeof q);
	mk_diag_clear(&d);
	q.side = -1;
	q.status = -1;
	q.as_of = mk_today();
	q.deal = arg(c, "deal");
	q.owner = arg(c, "owner");
	q.text = arg(c, "text");
	if (!flag_arg(c, "overdue", &q.overdue) || !flag_arg(c, "slipped", &q.slipped)) {
		json_decref(arr);
		return send_error(c, MHD_HTTP_BAD_REQUEST, "overdue and slipped are 1, 0, true or false");
	}
	if ((v = arg(c, "side"))) {
		if (strcmp(v, "buyer") && strcmp(v, "seller")) {
			json_decref(arr);
			return send_error(c, MHD_HTTP_BAD_REQUEST, "side is buyer or seller");
		}
		q.side = !strcmp(v, "buyer") ? MK_SIDE_BUYER : MK_SIDE_SELLER;
	}
	if ((v = arg(c, "status"))) {
		if (mk_status_parse(v, &status)) {
			json_decref(arr);
			return send_error(c, MHD_HTTP_BAD_REQUEST, "status is open, done, blocked or dropped");
		}
		q.status = (int)status;
	}
	if (((v = arg(c, "as_of")) && (strlen(v) != 10 || mk_date_parse(v, &q.as_of))) ||
	    ((v = arg(c, "due_from")) && (strlen(v) != 10 || mk_date_parse(v, &q.from))) ||
	    ((v = arg(c, "due_to")) && (strlen(v) != 10 || mk_date_parse(v, &q.to)))) {
		json_decref(arr);
		return send_error(c, MHD_HTTP_BAD_REQUEST, "as_of, due_from and due_to want a date YYYY-MM-DD");
	}
	q.has_from = arg(c, "due_from") != NULL;
	q.has_to = arg(c, "due_to") != NULL;
	if (said) {
		struct mk_said *rows = NULL;
		size_t n = 0;
		err = mk_store_search_said_by(sv->st, q.deal, q.owner, said, SERVE_SAID_LIMIT, &rows, &n, &d);
		for (size_t i = 0; !err && i < n; i++) {
			char ts[32];
			mk_format_ms(rows[i].start_ms, ts, sizeof ts);
			ts[8] = '\0';
			json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s}", "deal", rows[i].deal,
							     "meeting", rows[i].meeting, "start", ts, "speaker",
							     rows[i].speaker, "text", rows[i].text));
		}
		mk_said_free(rows, n);
		o = json_pack("{s:o}", "said", arr);
	} else {
		struct mk_query_row *rows = NULL;
		size_t n = 0, more = 0, offset = 0, limit = MK_QUERY_LIMIT;
		int64_t num;
		if ((v = arg(c, "limit"))) {
			if (!parse_id(v, strlen(v), &num) || num > MK_QUERY_LIMIT) {
				json_decref(arr);
				return send_error(c, MHD_HTTP_BAD_REQUEST, "limit is a number from 1 to 500");
			}
			limit = (size_t)num;
		}
		if ((v = arg(c, "offset")) && strcmp(v, "0")) {
			if (!parse_id(v, strlen(v), &num)) {
				json_decref(arr);
				return send_error(c, MHD_HTTP_BAD_REQUEST, "offset is a number from 0");
			}
			offset = (size_t)num;
		}
		err = mk_store_query_page(sv->st, &q, offset, limit, &rows, &n, &more, &d);
		for (size_t i = 0; !err && i < n; i++)
			json_array_append_new(arr, cli_item_json(rows[i].deal, &rows[i].item));
		mk_query_rows_free(rows, n);
		o = json_pack("{s:o, s:I}", "items", arr, "more", (json_int_t)more);
	}
	if (err) {
		json_decref(o);
		if (err == MK_ENOTFOUND)
			return send_error(c, MHD_HTTP_NOT_FOUND, "no such deal");
		return send_store_error(c, err, &d);
	}
	return send_json(c, MHD_HTTP_OK, o);
}

/* ---- the review page's calls: a deal's proposals all at once, a quote's context ---- */

/*
 * POST /api/deals/NAME/approve-all or /reject-all {"count": N, "reason"}: decides every
 * pending proposal of the deal in one write, or none. count is how many the rep saw: 409
 * when the deal has another number pending now (a call came in, someone else decided).
 * A proposal decided along the way by another's decision (an update approved with its
 * item, withdrawn with it) is counted and skipped.
 */
static enum MHD_Result decide_all(struct server *sv, struct MHD_Connection *c, const char *name, int approve,
				  const struct request *rq, const char *who)
{
	struct mk_proposals ps;
	struct mk_deal deal;
	struct mk_diag d;
	enum mk_err err;
	json_t *body = body_object(c, rq), *cnt;
	const char *reason = NULL;
	int bad = 0;
	char msg[160];
	if (!body)
		return MHD_YES;
	cnt = json_object_get(body, "count");
	if (!approve)
		reason = member(body, "reason", 1, &bad);
	if (!json_is_integer(cnt) || json_integer_value(cnt) < 0 || bad) {
		json_decref(body);
		return send_error(c, MHD_HTTP_BAD_REQUEST,
				  bad ? "reason must be a string" : "count (the number of proposals you saw) is required");
	}
	memset(&deal, 0, sizeof deal);
	mk_proposals_init(&ps);
	mk_diag_clear(&d);
	if ((err = mk_store_deal_get(sv->st, name, &deal, &d))) {
		json_decref(body);
		return err == MK_ENOTFOUND ? send_error(c, MHD_HTTP_NOT_FOUND, "no such deal") : send_store_error(c, err, &d);
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
		return send_error(c, MHD_HTTP_CONFLICT, msg);
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
		return send_store_error(c, err == MK_ENOTFOUND ? MK_EARG : err, &d);
	return send_json(c, MHD_HTTP_OK, body);
}

/* GET /api/proposals/ID/context?lines=N: the call's lines around the proposal's quote. */
static enum MHD_Result get_context(struct server *sv, struct MHD_Connection *c, int64_t id)
{
	struct mk_context_line *v = NULL;
	struct mk_diag d;
	enum mk_err err;
	const char *l = arg(c, "lines");
	int64_t lines = 2;
	size_t n = 0;
	json_t *arr;
	if (l && (!strcmp(l, "0") ? (lines = 0, 0) : !parse_id(l, strlen(l), &lines) || lines > MK_CONTEXT_MAX))
		return send_error(c, MHD_HTTP_BAD_REQUEST, "lines is a number from 0 to 20");
	mk_diag_clear(&d);
	if ((err = mk_store_proposal_context(sv->st, id, (unsigned)lines, &v, &n, &d)))
		return err == MK_ENOTFOUND ? send_error(c, MHD_HTTP_NOT_FOUND, "no such proposal")
					   : send_store_error(c, err, &d);
	arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:s, s:I, s:s, s:b}", "speaker", v[i].speaker ? v[i].speaker : "",
						     "start_ms", (json_int_t)v[i].start_ms, "text",
						     v[i].text ? v[i].text : "", "quote", v[i].quote));
	mk_context_free(v, n);
	return send_json(c, MHD_HTTP_OK, json_pack("{s:o}", "lines", arr));
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
		*ret = strcmp(method, "POST") ? send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "use POST")
					      : decide_all(sv, c, name, !strcmp(slash, "/approve-all"), rq, who);
		free(name);
		return 1;
	}
	if (!strncmp(p, "proposals/", 10) && (slash = strchr(p + 10, '/')) && !strcmp(slash, "/context") &&
	    parse_id(p + 10, (size_t)(slash - (p + 10)), &id)) {
		*ret = strcmp(method, "GET") ? send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "use GET") : get_context(sv, c, id);
		return 1;
	}
	return 0;
}

/* A 303 to location, with a Set-Cookie when cookie is not NULL. */
static enum MHD_Result send_redirect(struct MHD_Connection *c, const char *location, const char *cookie)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ret;
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, location);
	if (cookie)
		MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, cookie);
	common_headers(r);
	ret = MHD_queue_response(c, MHD_HTTP_SEE_OTHER, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result send_text(struct MHD_Connection *c, unsigned status, const char *msg)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(msg), (void *)msg, MHD_RESPMEM_MUST_COPY);
	enum MHD_Result ret;
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", "text/plain; charset=utf-8");
	common_headers(r);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* The type of a file the pages may use, by its ending; NULL for anything else. */
static const char *file_type(const char *name)
{
	static const struct { const char *ext, *type; } types[] = {
		{ ".html", "text/html; charset=utf-8" }, { ".css", "text/css; charset=utf-8" },
		{ ".js", "text/javascript; charset=utf-8" }, { ".png", "image/png" },
		{ ".svg", "image/svg+xml" }, { ".ico", "image/x-icon" },
	};
	const char *dot = strrchr(name, '.');
	for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
		if (!strcmp(dot, types[i].ext))
			return types[i].type;
	return NULL;
}

/* Sends web/NAME. A name is one plain file name (letters, digits, '-', '_', '.', not
 * starting with '.'), so no request reaches outside the folder; the resolved path is
 * checked to lie in the folder as well (a symbolic link out of it is refused). */
static enum MHD_Result send_file(struct server *sv, struct MHD_Connection *c, const char *name)
{
	char path[PATH_MAX], real[PATH_MAX];
	const char *type = file_type(name);
	struct MHD_Response *r;
	enum MHD_Result ret;
	struct stat sb;
	size_t wl = strlen(sv->web);
	FILE *f;
	char *buf;
	if (!*name || name[0] == '.' || strlen(name) > 100 || !type)
		return send_text(c, MHD_HTTP_NOT_FOUND, "no such file\n");
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
		      *p == '_' || *p == '.'))
			return send_text(c, MHD_HTTP_NOT_FOUND, "no such file\n");
	if (snprintf(path, sizeof path, "%s/%s", sv->web, name) >= (int)sizeof path)
		return send_text(c, MHD_HTTP_NOT_FOUND, "no such file\n");
	if (!realpath(path, real) || strncmp(real, sv->web, wl) || real[wl] != '/' || stat(real, &sb) ||
	    !S_ISREG(sb.st_mode) || (size_t)sb.st_size > SERVE_MAX_FILE)
		return send_text(c, MHD_HTTP_NOT_FOUND, "no such file\n");
	if (!(f = fopen(real, "rb")))
		return send_text(c, MHD_HTTP_NOT_FOUND, "no such file\n");
	if (!(buf = malloc((size_t)sb.st_size + 1)))
		abort();
	if (fread(buf, 1, (size_t)sb.st_size, f) != (size_t)sb.st_size) {
		fclose(f);
		free(buf);
		return send_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "cannot read the file\n");
	}
	fclose(f);
	r = MHD_create_response_from_buffer((size_t)sb.st_size, buf, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(buf);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", type);
	common_headers(r);
	ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

/* The value of field key in an application/x-www-form-urlencoded body, decoded into out. */
static int form_field(const struct request *rq, const char *key, char *out, size_t outlen)
{
	size_t kl = strlen(key), i = 0;
	while (i < rq->len) {
		size_t end = i;
		while (end < rq->len && rq->body[end] != '&')
			end++;
		if (end - i > kl && !memcmp(rq->body + i, key, kl) && rq->body[i + kl] == '=') {
			size_t o = 0;
			for (size_t k = i + kl + 1; k < end; k++) {
				char ch = rq->body[k];
				if (ch == '+') {
					ch = ' ';
				} else if (ch == '%' && k + 2 < end && isxdigit((unsigned char)rq->body[k + 1]) &&
					   isxdigit((unsigned char)rq->body[k + 2])) {
					char hex[3] = { rq->body[k + 1], rq->body[k + 2], 0 };
					ch = (char)strtol(hex, NULL, 16);
					k += 2;
				}
				if (o + 1 >= outlen)
					return 0;
				out[o++] = ch;
			}
			out[o] = '\0';
			return 1;
		}
		i = end + 1;
	}
	return 0;
}

/* Who decides in session s: the name given at login (printable characters, 64 at most)
 * with " (web)", or "web" without one. */
static void session_name(struct session *s, const char *name)
{
	size_t o = 0;
	for (const unsigned char *p = (const unsigned char *)(name ? name : ""); *p && o < 64; p++)
		if (*p >= 0x20 && *p != 0x7f)
			s->who[o++] = (char)*p;
	while (o && s->who[o - 1] == ' ')
		o--;
	s->who[o] = '\0';
	size_t bad;
	if (o && mk_utf8_valid(s->who, o, &bad))
		strcat(s->who, " (web)");
	else
		strcpy(s->who, "web");
}

/* A cookie holding session s (or clearing it when s is NULL). */
static void session_cookie(const struct session *s, char *out, size_t outlen)
{
	if (s)
		snprintf(out, outlen, "mk_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d", s->id,
			 SERVE_SESSION_SECONDS);
	else
		snprintf(out, outlen, "mk_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
}

/* ---- signing in lands back where the session ended ---- */

/* A place to go after signing in: a path of this site ("/deal?name=X"), never another
 * site's ("//evil", "/\evil", "https://..."), printable ASCII, under 1 KiB. */
static int next_ok(const char *next)
{
	if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\' || strlen(next) > 1024)
		return 0;
	for (const char *q = next; *q; q++)
		if ((unsigned char)*q <= 0x20 || (unsigned char)*q >= 0x7f || *q == '\\')
			return 0;
	return 1;
}

struct next_url {
	char buf[1200];
	size_t len;
	int over;
};

static void next_add(struct next_url *u, const char *s, int encode)
{
	static const char hex[] = "0123456789ABCDEF";
	for (; *s && !u->over; s++) {
		unsigned char ch = (unsigned char)*s;
		int plain = !encode || isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~';
		if (u->len + 4 >= sizeof u->buf) {
			u->over = 1;
			return;
		}
		if (plain) {
			u->buf[u->len++] = (char)ch;
		} else {
			u->buf[u->len++] = '%';
			u->buf[u->len++] = hex[ch >> 4];
			u->buf[u->len++] = hex[ch & 15];
		}
	}
	u->buf[u->len] = '\0';
}

static enum MHD_Result next_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct next_url *u = cls;
	(void)kind;
	next_add(u, strchr(u->buf, '?') ? "&" : "?", 0);
	next_add(u, key, 1);
	next_add(u, "=", 0);
	next_add(u, value ? value : "", 1);
	return MHD_YES;
}

/* The login page's address for a page asked for without a session: /login?next=PAGE
 * (the page with its query, encoded), or /login for the deals page or one too long. */
static enum MHD_Result send_to_login(struct MHD_Connection *c, const char *url)
{
	struct next_url page, to;
	memset(&page, 0, sizeof page);
	memset(&to, 0, sizeof to);
	next_add(&page, url, 0);
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, next_arg, &page);
	if (page.over || !strcmp(page.buf, "/") || !next_ok(page.buf))
		return send_redirect(c, "/login", NULL);
	next_add(&to, "/login?next=", 0);
	next_add(&to, page.buf, 1);
	return send_redirect(c, to.over ? "/login" : to.buf, NULL);
}

/* Checks a token given to the login page: a new session and a cookie for it on success.
 * Wrong tokens are counted; past SERVE_LOGIN_FAILS in a minute every login waits for
 * the minute to end, so the token cannot be guessed quickly. */
static enum MHD_Result login(struct server *sv, struct MHD_Connection *c, const char *token, const char *name,
			    const char *next)
{
	char cookie[160];
	struct session *s;
	time_t now = time(NULL);
	if (now - sv->fail_window >= 60)
		sv->fail_window = now, sv->fails = 0;
	if (sv->fails >= SERVE_LOGIN_FAILS)
		return send_text(c, MHD_HTTP_TOO_MANY_REQUESTS, "too many wrong tokens: try again in a minute\n");
	if (!token || !same_secret(sv->token, token)) {
		struct next_url to;
		sv->fails++;
		memset(&to, 0, sizeof to);
		next_add(&to, "/login?error=1", 0);
		if (next_ok(next)) {
			next_add(&to, "&next=", 0);
			next_add(&to, next, 1);
		}
		return send_redirect(c, to.over ? "/login?error=1" : to.buf, NULL);
	}
	if (!(s = session_new(sv)))
		return send_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "cannot read /dev/urandom\n");
	session_name(s, name);
	session_cookie(s, cookie, sizeof cookie);
	return send_redirect(c, next_ok(next) ? next : "/", cookie);
}

static enum MHD_Result get_history(struct server *sv, struct MHD_Connection *c, const char *name)
{
	struct mk_revision *rows = NULL;
	struct mk_deal deal;
	struct mk_diag d;
	enum mk_err err;
	const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "item");
	int64_t item = 0;
	size_t n = 0, kept = 0;
	json_t *o;
	if (v && *v && !parse_id(v, strlen(v), &item))
		return send_error(c, MHD_HTTP_BAD_REQUEST, "item wants a plan item's number");
	memset(&deal, 0, sizeof deal);
	mk_diag_clear(&d);
	if ((err = mk_store_deal_get(sv->st, name, &deal, &d)))
		return err == MK_ENOTFOUND ? send_error(c, MHD_HTTP_NOT_FOUND, "no such deal") : send_store_error(c, err, &d);
	err = mk_store_history(sv->st, item ? NULL : deal.name, item, &rows, &n, &d);
	if (!err && item) { /* an item of another deal is not this deal's */
		for (size_t i = 0; i < n; i++)
			if (rows[i].deal && !strcmp(rows[i].deal, deal.name))
				kept++;
		if (!kept)
			err = MK_ENOTFOUND;
	}
	if (err) {
		mk_revisions_free(rows, n);
		mk_deal_release(&deal);
		return err == MK_ENOTFOUND ? send_error(c, MHD_HTTP_NOT_FOUND, "no such item in this deal")
					   : send_store_error(c, err, &d);
	}
	o = cli_history_json(deal.name, item, rows, n);
	mk_revisions_free(rows, n);
	mk_deal_release(&deal);
	return send_json(c, MHD_HTTP_OK, o);
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
		return send_store_error(c, err, &d);
	o = json_pack("{s:o, s:I}", "item", cli_item_json(deal, &it), "decision", (json_int_t)decision);
	mk_item_release(&it);
	free(deal);
	return send_json(c, status, o);
}

/* Reads a body's item fields into ch (buffers in due): action, owner, side, due (null or ""
 * clears it where clear_ok), note. 0 and a 400 sent when one is not a string or not valid. */
static int edit_fields(struct MHD_Connection *c, json_t *body, struct mk_item_change *ch, char *due, size_t duelen,
		       int clear_ok)
{
	int bad = 0;
	const char *side, *when;
	ch->action = member(body, "action", 0, &bad);
	ch->owner = member(body, "owner", 1, &bad);
	side = member(body, "side", 0, &bad);
	when = member(body, "due", clear_ok, &bad);
	ch->note = member(body, "note", 1, &bad);
	if (bad) {
		send_error(c, MHD_HTTP_BAD_REQUEST, "action, owner, side, due and note must be strings");
		return 0;
	}
	if (ch->action && !ch->action[strspn(ch->action, " \t\r\n")]) {
		send_error(c, MHD_HTTP_BAD_REQUEST, "the action cannot be empty");
		return 0;
	}
	if (side) {
		ch->side = !strcmp(side, "buyer") ? MK_SIDE_BUYER : !strcmp(side, "seller") ? MK_SIDE_SELLER :
			   !strcmp(side, "unknown") ? MK_SIDE_UNKNOWN : -2;
		if (ch->side == -2) {
			send_error(c, MHD_HTTP_BAD_REQUEST, "side must be buyer, seller or unknown");
			return 0;
		}
	}
	if (when) {
		if (cli_parse_due(when, clear_ok, due, duelen)) {
			send_error(c, MHD_HTTP_BAD_REQUEST, "due must be a date (YYYY-MM-DD), or null to clear it");
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
	json_t *body = body_object(c, rq);
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
	else if (verb && (ch.action || ch.owner || ch.side >= 0 || ch.due))
		err = MK_EARG, mk_diag_set(&d, "", 0, "only a note goes with %s: change fields with PATCH", verb);
	else if (!verb && !ch.action && !ch.owner && ch.side < 0 && !ch.due)
		err = MK_EARG, mk_diag_set(&d, "", 0, "nothing to change: give action, owner, side or due");
	else {
		ch.status = !verb ? -1 : !strcmp(verb, "done") ? MK_STATUS_DONE : !strcmp(verb, "drop") ? MK_STATUS_DROPPED :
			    !strcmp(verb, "block") ? MK_STATUS_BLOCKED : MK_STATUS_OPEN;
		err = mk_store_item_change(sv->st, id, &ch, who, &decision, &d);
	}
	json_decref(body);
	if (err)
		return send_store_error(c, err, &d);
	return edit_send_item(sv, c, deal ? MHD_HTTP_CREATED : MHD_HTTP_OK, id, decision);
}

static enum MHD_Result edit_undo(struct server *sv, struct MHD_Connection *c, const struct request *rq,
				 const char *who)
{
	json_t *body = body_object(c, rq), *v;
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
	deal = member(body, "deal", 0, &bad);
	if (bad) {
		json_decref(body);
		return send_error(c, MHD_HTTP_BAD_REQUEST, "decision must be a decision's id and deal a name");
	}
	mk_diag_clear(&d);
	err = mk_store_undo(sv->st, id, deal, who, &dec, &d);
	json_decref(body);
	if (err == MK_EARG) /* undone already, or a later decision depends on it */
		return send_error(c, MHD_HTTP_CONFLICT, d.msg);
	if (err)
		return send_store_error(c, err, &d);
	v = json_pack("{s:o}", "undone", cli_decision_json(&dec));
	mk_decision_release(&dec);
	return send_json(c, MHD_HTTP_OK, v);
}

static enum MHD_Result edit_decisions(struct server *sv, struct MHD_Connection *c)
{
	const char *deal = arg(c, "deal"), *lim = arg(c, "limit");
	struct mk_decision *v = NULL;
	struct mk_diag d;
	enum mk_err err;
	int64_t limit = 20;
	size_t n = 0;
	json_t *a;
	if (lim && (!parse_id(lim, strlen(lim), &limit) || limit > 10000))
		return send_error(c, MHD_HTTP_BAD_REQUEST, "limit wants a number from 1 to 10000");
	mk_diag_clear(&d);
	if ((err = mk_store_decisions(sv->st, deal, (size_t)limit, &v, &n, &d)))
		return send_store_error(c, err, &d);
	a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, cli_decision_json(&v[i]));
	mk_decisions_free(v, n);
	return send_json(c, MHD_HTTP_OK, json_pack("{s:o}", "decisions", a));
}

/* deals/{name}/rename (POST), deals/{name}/calls (GET), deals/{name} (DELETE) */
static enum MHD_Result edit_deal(struct server *sv, struct MHD_Connection *c, const char *name, const char *what,
				 const char *method, const struct request *rq, const char *who)
{
	struct mk_diag d;
	enum mk_err err;
	json_t *body, *o;
	mk_diag_clear(&d);
	if (!strcmp(what, "calls")) {
		struct mk_call *v = NULL;
		size_t n = 0;
		if (strcmp(method, "GET"))
			return send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "use GET");
		if ((err = mk_store_calls(sv->st, name, &v, &n, &d)))
			return send_store_error(c, err, &d);
		o = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(o, cli_call_json(&v[i]));
		mk_calls_free(v, n);
		return send_json(c, MHD_HTTP_OK, json_pack("{s:o}", "calls", o));
	}
	if (!strcmp(what, "rename")) {
		int bad = 0;
		const char *to;
		if (strcmp(method, "POST"))
			return send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "use POST");
		if (!(body = body_object(c, rq)))
			return MHD_YES;
		to = member(body, "name", 0, &bad);
		if (bad || !to || !to[strspn(to, " \t")]) {
			json_decref(body);
			return send_error(c, MHD_HTTP_BAD_REQUEST, "name must be the deal's new name");
		}
		err = mk_store_deal_rename(sv->st, name, to, who, &d);
		o = err ? NULL : json_pack("{s:s, s:s}", "renamed", name, "name", to);
		json_decref(body);
		return err ? send_store_error(c, err, &d) : send_json(c, MHD_HTTP_OK, o);
	}
	if (strcmp(method, "DELETE"))
		return send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "use DELETE");
	if ((err = mk_store_deal_remove(sv->st, name, &d)))
		return send_store_error(c, err, &d);
	return send_json(c, MHD_HTTP_OK, json_pack("{s:s}", "removed", name));
}

/* The routes of hand edits (p: the path after /api/). -1 when p is none of them. */
static int route_edits(struct server *sv, struct MHD_Connection *c, const char *p, const char *method,
		       const struct request *rq, const char *who)
{
	static const char *const deal_ends[] = { "/items", "/rename", "/calls" };
	int get = !strcmp(method, "GET"), post = !strcmp(method, "POST");
	const char *slash;
	size_t len = strlen(p);
	int64_t id;
	if (!strcmp(p, "undo"))
		return post ? edit_undo(sv, c, rq, who) : send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "use POST");
	if (!strcmp(p, "decisions"))
		return get ? edit_decisions(sv, c) : send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "use GET");
	if (!strncmp(p, "items/", 6)) {
		p += 6;
		slash = strchr(p, '/');
		if (!parse_id(p, slash ? (size_t)(slash - p) : strlen(p), &id))
			return send_error(c, MHD_HTTP_NOT_FOUND, "no such item");
		if (!slash)
			return !strcmp(method, "PATCH") ? edit_item(sv, c, NULL, id, NULL, rq, who)
						       : send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "use PATCH");
		if (strcmp(slash, "/done") && strcmp(slash, "/drop") && strcmp(slash, "/block") && strcmp(slash, "/reopen"))
			return send_error(c, MHD_HTTP_NOT_FOUND, "no such endpoint");
		return post ? edit_item(sv, c, NULL, id, slash + 1, rq, who)
			    : send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "use POST");
	}
	if (!strncmp(p, "calls/", 6)) {
		struct mk_call call;
		struct mk_diag d;
		enum mk_err err;
		json_t *o;
		if (!parse_id(p + 6, strlen(p + 6), &id))
			return send_error(c, MHD_HTTP_NOT_FOUND, "no such call");
		if (strcmp(method, "DELETE"))
			return send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "use DELETE");
		mk_diag_clear(&d);
		if ((err = mk_store_call_remove(sv->st, id, who, &call, &d)))
			return send_store_error(c, err, &d);
		o = json_pack("{s:o}", "removed", cli_call_json(&call));
		free(call.label);
		free(call.start);
		free(call.ingested_at);
		return send_json(c, MHD_HTTP_OK, o);
	}
	if (strncmp(p, "deals/", 6) || len <= 6)
		return -1;
	for (size_t i = 0; i < sizeof deal_ends / sizeof deal_ends[0]; i++) {
		size_t el = strlen(deal_ends[i]);
		if (len > 6 + el && !strcmp(p + len - el, deal_ends[i])) {
			char *name = strndup(p + 6, len - 6 - el);
			enum MHD_Result r;
			if (!name)
				abort();
			if (i == 0)
				r = post ? edit_item(sv, c, name, 0, NULL, rq, who)
					 : send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "use POST");
			else
				r = edit_deal(sv, c, name, deal_ends[i] + 1, method, rq, who);
			free(name);
			return r;
		}
	}
	if (!strcmp(method, "DELETE"))
		return edit_deal(sv, c, p + 6, "remove", method, rq, who);
	return -1;
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
	int64_t num;
	size_t n = 0;
	json_t *o;
	memset(&q, 0, sizeof q);
	mk_diag_clear(&d);
	q.deal = arg(c, "deal");
	q.limit = SERVE_CHANGES_LIMIT;
	if (!(v = arg(c, "since")) || strlen(v) != 10 || mk_date_parse(v, &q.since))
		return send_error(c, MHD_HTTP_BAD_REQUEST, "since wants a date YYYY-MM-DD");
	if ((v = arg(c, "until"))) {
		if (strlen(v) != 10 || mk_date_parse(v, &q.until))
			return send_error(c, MHD_HTTP_BAD_REQUEST, "until wants a date YYYY-MM-DD");
		q.has_until = 1;
	}
	if ((v = arg(c, "by")) && strcmp(v, "meeting")) {
		if (strcmp(v, "decision"))
			return send_error(c, MHD_HTTP_BAD_REQUEST, "by is meeting or decision");
		q.by = MK_CHANGES_BY_DECISION;
	}
	if ((v = arg(c, "limit"))) {
		if (!parse_id(v, strlen(v), &num) || num > SERVE_CHANGES_LIMIT)
			return send_error(c, MHD_HTTP_BAD_REQUEST, "limit is a number from 1 to 1000");
		q.limit = (size_t)num;
	}
	q.limit++; /* one more than shown: whether there are more */
	err = mk_store_changes(sv->st, &q, &rows, &n, &d);
	if (err == MK_ENOTFOUND)
		return send_error(c, MHD_HTTP_NOT_FOUND, "no such deal");
	if (err == MK_EARG)
		return send_error(c, MHD_HTTP_BAD_REQUEST, "until is before since");
	if (err)
		return send_store_error(c, err, &d);
	o = json_pack("{s:o, s:b}", "changes", cli_changes_json(rows, n < q.limit ? n : q.limit - 1), "more",
		      n >= q.limit);
	mk_changes_free(rows, n);
	return send_json(c, MHD_HTTP_OK, o);
}

/* The API: bearer or session; writes by a session need its CSRF token and our origin. */
static enum MHD_Result route_api(struct server *sv, struct MHD_Connection *c, const char *url, const char *method,
				 const struct request *rq)
{
	int get = !strcmp(method, "GET"), post = !strcmp(method, "POST"), patch = !strcmp(method, "PATCH");
	int by_token = bearer(sv, c);
	struct session *ses = NULL;
	const char *p, *slash;
	int64_t id;
	int edits;
	if (by_token < 0 || (!by_token && !(ses = session_of(sv, c))))
		return send_error(c, MHD_HTTP_UNAUTHORIZED, "missing or wrong bearer token");
	if (ses && !get) {
		const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-CSRF-Token");
		if (!h || !same_secret(ses->csrf, h) || !same_origin(c))
			return send_error(c, MHD_HTTP_FORBIDDEN, "a write from a page needs its X-CSRF-Token");
	}
	if (rq->too_big)
		return send_error(c, 413, "the request body is over 64 KiB");
	p = url + 5;
	{
		enum MHD_Result r;
		if (review_route(sv, c, p, method, rq, ses ? ses->who : "api", &r))
			return r;
	}
	if (!strcmp(p, "session"))
		return get ? send_json(c, MHD_HTTP_OK,
				       json_pack("{s:o, s:I}", "csrf", ses ? json_string(ses->csrf) : json_null(),
						 "expires_in", (json_int_t)(ses ? ses->expires - time(NULL) : 0)))
			   : send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "use GET");
	if (!strcmp(p, "deals"))
		return get ? get_deals(sv, c) : send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "use GET");
	if (!strcmp(p, "query"))
		return get ? get_query(sv, c) : send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "use GET");
	if (!strcmp(p, "changes"))
		return get ? get_changes(sv, c) : send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "use GET");
	if (!strncmp(p, "deals/", 6) && (slash = strrchr(p + 6, '/')) && slash > p + 6 &&
	    (!strcmp(slash, "/plan") || !strcmp(slash, "/proposals") || !strcmp(slash, "/history"))) {
		char *name = strndup(p + 6, (size_t)(slash - (p + 6)));
		enum MHD_Result r;
		if (!name)
			abort();
		if (!get)
			r = send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "use GET");
		else if (!strcmp(slash, "/history"))
			r = get_history(sv, c, name);
		else
			r = get_deal(sv, c, name, !strcmp(slash, "/plan"));
		free(name);
		return r;
	}
	if (!strncmp(p, "proposals/", 10)) {
		p += 10;
		slash = strchr(p, '/');
		if (!parse_id(p, slash ? (size_t)(slash - p) : strlen(p), &id))
			return send_error(c, MHD_HTTP_NOT_FOUND, "no such proposal");
		if (!slash)
			return patch ? proposal_change(sv, c, id, "edit", rq, ses ? ses->who : "api")
				     : send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "use PATCH");
		if (!strcmp(slash, "/approve") || !strcmp(slash, "/reject"))
			return post ? proposal_change(sv, c, id, slash + 1, rq, ses ? ses->who : "api")
				    : send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "use POST");
	}
	if ((edits = route_edits(sv, c, p, method, rq, ses ? ses->who : "api")) >= 0)
		return (enum MHD_Result)edits;
	return send_error(c, MHD_HTTP_NOT_FOUND, "no such endpoint");
}

/* Routes one whole request (its body gathered). url is already percent-decoded. */
static enum MHD_Result route(struct server *sv, struct MHD_Connection *c, const char *url, const char *method,
			     const struct request *rq)
{
	int get = !strcmp(method, "GET") || !strcmp(method, "HEAD"), post = !strcmp(method, "POST");
	struct session *ses;
	char field[256], cookie[160];
	if (!strncmp(url, "/api/", 5))
		return route_api(sv, c, url, method, rq);
	if (rq->too_big)
		return send_text(c, 413, "the request body is over 64 KiB\n");
	/* the doors open to everyone: the login page and what it uses */
	if (!strcmp(url, "/login")) {
		const char *t = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "token");
		if (post) {
			if (!same_origin(c))
				return send_text(c, MHD_HTTP_FORBIDDEN, "a login from another site\n");
			char name[256], next[1100];
			return login(sv, c, form_field(rq, "token", field, sizeof field) ? field : NULL,
				     form_field(rq, "name", name, sizeof name) ? name : NULL,
				     form_field(rq, "next", next, sizeof next) ? next : NULL);
		}
		if (!get)
			return send_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "use GET or POST\n");
		if (t) /* the login URL serve prints */
			return login(sv, c, t, NULL, MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "next"));
		return send_file(sv, c, "login.html");
	}
	if (!strcmp(url, "/static/app.css") || !strcmp(url, "/static/login.js"))
		return get ? send_file(sv, c, url + 8) : send_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "use GET\n");
	if (!strcmp(url, "/favicon.ico")) /* browsers ask; there is none */
		return send_text(c, MHD_HTTP_NO_CONTENT, "");
	/* everything else needs a session */
	if (!(ses = session_of(sv, c)))
		return get ? send_to_login(c, url) : send_text(c, MHD_HTTP_UNAUTHORIZED, "log in first\n");
	if (!strcmp(url, "/logout")) {
		const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-CSRF-Token");
		if (!post)
			return send_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "use POST\n");
		if (!same_origin(c) || !((h && same_secret(ses->csrf, h)) ||
					 (form_field(rq, "csrf", field, sizeof field) && same_secret(ses->csrf, field))))
			return send_text(c, MHD_HTTP_FORBIDDEN, "a log out needs the page's CSRF token\n");
		memset(ses, 0, sizeof *ses);
		session_cookie(NULL, cookie, sizeof cookie);
		return send_redirect(c, "/login", cookie);
	}
	if (!get)
		return send_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "use GET\n");
	if (!strcmp(url, "/"))
		return send_file(sv, c, "index.html");
	if (!strcmp(url, "/deal"))
		return send_file(sv, c, "deal.html");
	if (!strcmp(url, "/search"))
		return send_file(sv, c, "search.html");
	if (!strncmp(url, "/static/", 8))
		return send_file(sv, c, url + 8);
	return send_text(c, MHD_HTTP_NOT_FOUND, "no such page\n");
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
			      const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	struct request *rq = *con_cls;
	const char *cl;
	(void)version;
	if (!rq) {
		if (!(rq = calloc(1, sizeof *rq)))
			abort();
		*con_cls = rq;
		/* a declared length over the cap is refused before its body is read */
		cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl && strtoull(cl, NULL, 10) > SERVE_MAX_BODY) {
			rq->too_big = 1;
			return route(cls, c, url, method, rq);
		}
		return MHD_YES;
	}
	if (*upload_size) {
		if (!rq->too_big && rq->len + *upload_size <= SERVE_MAX_BODY) {
			if (!(rq->body = realloc(rq->body, rq->len + *upload_size)))
				abort();
			memcpy(rq->body + rq->len, upload, *upload_size);
			rq->len += *upload_size;
		} else {
			rq->too_big = 1; /* keep reading, keep nothing */
		}
		*upload_size = 0;
		return MHD_YES;
	}
	return route(cls, c, url, method, rq);
}

static void request_done(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode t)
{
	struct request *rq = *con_cls;
	(void)cls, (void)c, (void)t;
	if (rq) {
		free(rq->body);
		free(rq);
		*con_cls = NULL;
	}
}

/* 1 and DIR resolved into out when DIR holds the pages (an index.html). */
static int pages_at(const char *dir, char *out, size_t outlen)
{
	char try[PATH_MAX + 16], real[PATH_MAX];
	struct stat sb;
	snprintf(try, sizeof try, "%s/index.html", dir);
	if (stat(try, &sb) || !S_ISREG(sb.st_mode) || !realpath(dir, real) || strlen(real) >= outlen)
		return 0;
	strcpy(out, real);
	return 1;
}

/* The pages' folder, resolved: the one given, else web/ beside the binary or one level up
 * (build-san/mapkeeper), else PREFIX/share/mapkeeper/web for PREFIX/bin/mapkeeper, else
 * the share folder `make install` compiled in. One line and 0 when there is none. */
static int find_web(const char *given, char *out, size_t outlen)
{
	char exe[PATH_MAX], try[PATH_MAX + 32], real[PATH_MAX];
	ssize_t n;
	struct stat sb;
	if (given) {
		if (!realpath(given, real) || stat(real, &sb) || !S_ISDIR(sb.st_mode) || strlen(real) >= outlen) {
			cli_error("serve: the web folder '%s' is not a folder", given);
			return 0;
		}
		strcpy(out, real);
		return 1;
	}
	if ((n = readlink("/proc/self/exe", exe, sizeof exe - 1)) > 0) {
		char *slash;
		exe[n] = '\0';
		for (int up = 0; up < 2 && (slash = strrchr(exe, '/')); up++) {
			*slash = '\0';
			snprintf(try, sizeof try, "%s/web", exe);
			if (pages_at(try, out, outlen))
				return 1;
		}
		/* exe is now the binary's folder's parent: PREFIX for PREFIX/bin/mapkeeper */
		snprintf(try, sizeof try, "%s/share/mapkeeper/web", exe);
		if (pages_at(try, out, outlen))
			return 1;
	}
#ifdef MK_SHAREDIR
	if (pages_at(MK_SHAREDIR "/web", out, outlen))
		return 1;
#endif
	cli_error("serve: cannot find the pages' folder web/ beside the binary or in share/mapkeeper (give --web DIR)");
	return 0;
}

/* "HOST:PORT" (IPv4) -> addr; 0 and one line when it is not one. */
static int parse_listen(const char *s, struct sockaddr_in *addr)
{
	const char *colon = strrchr(s, ':');
	char host[64], *end;
	unsigned long port;
	memset(addr, 0, sizeof *addr);
	if (!colon || colon == s || (size_t)(colon - s) >= sizeof host || !colon[1])
		goto bad;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	port = strtoul(colon + 1, &end, 10);
	if (*end || colon[1] == '-' || port > 65535 || inet_pton(AF_INET, host, &addr->sin_addr) != 1)
		goto bad;
	addr->sin_family = AF_INET;
	addr->sin_port = htons((uint16_t)port);
	return 1;
bad:
	cli_error("serve: --listen wants IPV4:PORT (like 127.0.0.1:8080), not '%s'", s);
	return 0;
}

int cmd_serve(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "db", required_argument, NULL, 'b' },
		{ "web", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *listen = "127.0.0.1:8080", *db = NULL, *web = getenv("MAPKEEPER_WEB"),
		   *env = getenv("MAPKEEPER_TOKEN");
	struct server sv;
	struct sockaddr_in addr;
	struct MHD_Daemon *daemon;
	const union MHD_DaemonInfo *info;
	sigset_t sigs;
	char host[INET_ADDRSTRLEN];
	int ch, sig;
	unsigned port;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'l': listen = optarg; break;
		case 'b': db = optarg; break;
		case 'w': web = optarg; break;
		case 'h': printf("usage: %s\n", usage); return 0;
		default:
			return cli_bad_option("serve", argv, "h", longopts);
		}
	}
	if (optind != argc)
		return cli_usage(usage);
	if (!parse_listen(listen, &addr))
		return 2;
	memset(&sv, 0, sizeof sv);
	if (!find_web(web, sv.web, sizeof sv.web))
		return 1;
	if (env && *env) {
		if (strlen(env) >= sizeof sv.token) {
			cli_error("serve: MAPKEEPER_TOKEN is over %zu bytes", sizeof sv.token - 1);
			return 2;
		}
		strcpy(sv.token, env);
	} else if (!random_token(sv.token, sizeof sv.token)) {
		cli_error("serve: cannot read /dev/urandom for a token");
		return 1;
	}
	if (!(sv.st = cli_store_open(db)))
		return 1;
	/* the polling thread inherits the blocked signals: only sigwait below sees them */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL, handle, &sv,
				  MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_NOTIFY_COMPLETED,
				  request_done, NULL, MHD_OPTION_CONNECTION_LIMIT, (unsigned)64,
				  MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30, MHD_OPTION_END);
	if (!daemon) {
		cli_error("serve: cannot listen on %s", listen);
		mk_store_close(sv.st);
		return 1;
	}
	info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
	inet_ntop(AF_INET, &addr.sin_addr, host, sizeof host);
	port = info ? (unsigned)info->port : (unsigned)ntohs(addr.sin_port);
	printf("mapkeeper: serving http://%s:%u/ (token: %s)\n", host, port,
	       env && *env ? "from MAPKEEPER_TOKEN" : sv.token);
	if (env && *env)
		printf("mapkeeper: log in at http://%s:%u/login with MAPKEEPER_TOKEN\n", host, port);
	else
		printf("mapkeeper: log in at http://%s:%u/login?token=%s\n", host, port, sv.token);
	fflush(stdout);
	while (sigwait(&sigs, &sig) != 0)
		;
	MHD_stop_daemon(daemon);
	mk_store_close(sv.st);
	fprintf(stderr, "mapkeeper: stopped\n");
	return 0;
}
