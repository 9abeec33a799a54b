/*
 * cmd_serve.c: `mapkeeper serve [--listen HOST:PORT] [--db PATH]`: the JSON API over
 * libmicrohttpd, on the same store calls the commands use: deals (with health), plans,
 * pending proposals (approve, reject, edit) and queries. Every request needs
 * "Authorization: Bearer $MAPKEEPER_TOKEN" (a random token is made and printed when it is
 * unset). One polling thread serves every request, so the store is used from one thread.
 */
#include "cli.h"

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

static const char usage[] = "mapkeeper serve [--listen 127.0.0.1:8080] [--db PATH]";

#define SERVE_MAX_BODY (64u * 1024u)
#define SERVE_SAID_LIMIT 50

struct server {
	struct mk_store *st;
	char token[128];
};

struct request {                /* one request's body, gathered across calls */
	char *body;
	size_t len;
	int too_big;
};






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
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Cache-Control", "no-store");
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

/* Constant-time comparison of the Authorization header with "Bearer TOKEN". */
static int authorized(const struct server *sv, struct MHD_Connection *c)
{
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	size_t tl = strlen(sv->token), hl;
	unsigned char diff = 0;
	if (!h || strncmp(h, "Bearer ", 7))
		return 0;
	h += 7;
	hl = strlen(h);
	for (size_t i = 0; i < tl; i++)
		diff |= (unsigned char)(sv->token[i] ^ (i < hl ? h[i] : 0));
	return diff == 0 && hl == tl;
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
	if (mk_store_health(sv->st, NULL, cli_today(), &hs, &nh, &d))
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

static enum MHD_Result proposal_change(struct server *sv, struct MHD_Connection *c, int64_t id, const char *what,
				       const struct request *rq)
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
		err = mk_store_decide(sv->st, id, 1, cli_who(NULL), NULL, &d);
	} else if (!strcmp(what, "reject")) {
		const char *reason = member(body, "reason", 1, &bad);
		err = bad ? MK_EARG : mk_store_decide(sv->st, id, 0, cli_who(NULL), reason && *reason ? reason : NULL, &d);
		if (bad)
			mk_diag_set(&d, "", 0, "reason must be a string");
	} else {
		const char *owner = member(body, "owner", 0, &bad), *due = member(body, "due", 1, &bad),
			   *action = member(body, "action", 0, &bad);
		if (bad) {
			err = MK_EARG;
			mk_diag_set(&d, "", 0, "owner, due and action must be strings");
		} else if (!owner && !due && !action) {
			err = MK_EARG;
			mk_diag_set(&d, "", 0, "nothing to change: give owner, due or action");
		} else {
			err = mk_store_edit(sv->st, id, owner, due, action, cli_who(NULL), &d);
		}
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

static int speaker_matches(const char *speaker, const char *who)
{
	size_t n = strlen(who);
	return speaker && (!strcasecmp(speaker, who) || (!strncasecmp(speaker, who, n) && speaker[n] == ' '));
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
	q.as_of = cli_today();
	q.deal = arg(c, "deal");
	q.owner = arg(c, "owner");
	q.text = arg(c, "text");
	q.overdue = (v = arg(c, "overdue")) && !strcmp(v, "1");
	q.slipped = (v = arg(c, "slipped")) && !strcmp(v, "1");
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
	if ((v = arg(c, "as_of")) && (strlen(v) != 10 || mk_date_parse(v, &q.as_of))) {
		json_decref(arr);
		return send_error(c, MHD_HTTP_BAD_REQUEST, "as_of wants a date YYYY-MM-DD");
	}
	if (said) {
		struct mk_said *rows = NULL;
		size_t n = 0, kept = 0;
		err = mk_store_search_said(sv->st, q.deal, said, q.owner ? 0 : SERVE_SAID_LIMIT, &rows, &n, &d);
		for (size_t i = 0; !err && i < n && kept < SERVE_SAID_LIMIT; i++) {
			char ts[32];
			if (q.owner && !speaker_matches(rows[i].speaker, q.owner))
				continue;
			mk_format_ms(rows[i].start_ms, ts, sizeof ts);
			ts[8] = '\0';
			json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s}", "deal", rows[i].deal,
							     "meeting", rows[i].meeting, "start", ts, "speaker",
							     rows[i].speaker, "text", rows[i].text));
			kept++;
		}
		mk_said_free(rows, n);
		o = json_pack("{s:o}", "said", arr);
	} else {
		struct mk_query_row *rows = NULL;
		size_t n = 0;
		err = mk_store_query(sv->st, &q, &rows, &n, &d);
		for (size_t i = 0; !err && i < n; i++)
			json_array_append_new(arr, cli_item_json(rows[i].deal, &rows[i].item));
		mk_query_rows_free(rows, n);
		o = json_pack("{s:o}", "items", arr);
	}
	if (err) {
		json_decref(o);
		if (err == MK_ENOTFOUND)
			return send_error(c, MHD_HTTP_NOT_FOUND, "no such deal");
		return send_store_error(c, err, &d);
	}
	return send_json(c, MHD_HTTP_OK, o);
}

/* Routes one whole request (its body gathered). url is already percent-decoded. */
static enum MHD_Result route(struct server *sv, struct MHD_Connection *c, const char *url, const char *method,
			     const struct request *rq)
{
	int get = !strcmp(method, "GET"), post = !strcmp(method, "POST"), patch = !strcmp(method, "PATCH");
	const char *p, *slash;
	int64_t id;
	if (strncmp(url, "/api/", 5))
		return send_error(c, MHD_HTTP_NOT_FOUND, "no such page");
	if (!authorized(sv, c))
		return send_error(c, MHD_HTTP_UNAUTHORIZED, "missing or wrong bearer token");
	if (rq->too_big)
		return send_error(c, 413, "the request body is over 64 KiB");
	p = url + 5;
	if (!strcmp(p, "deals"))
		return get ? get_deals(sv, c) : send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "use GET");
	if (!strcmp(p, "query"))
		return get ? get_query(sv, c) : send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "use GET");
	if (!strncmp(p, "deals/", 6) && (slash = strrchr(p + 6, '/')) && slash > p + 6 &&
	    (!strcmp(slash, "/plan") || !strcmp(slash, "/proposals"))) {
		char *name = strndup(p + 6, (size_t)(slash - (p + 6)));
		enum MHD_Result r;
		if (!name)
			abort();
		r = get ? get_deal(sv, c, name, !strcmp(slash, "/plan"))
			: send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "use GET");
		free(name);
		return r;
	}
	if (!strncmp(p, "proposals/", 10)) {
		p += 10;
		slash = strchr(p, '/');
		if (!parse_id(p, slash ? (size_t)(slash - p) : strlen(p), &id))
			return send_error(c, MHD_HTTP_NOT_FOUND, "no such proposal");
		if (!slash)
			return patch ? proposal_change(sv, c, id, "edit", rq)
				     : send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "use PATCH");
		if (!strcmp(slash, "/approve") || !strcmp(slash, "/reject"))
			return post ? proposal_change(sv, c, id, slash + 1, rq)
				    : send_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, "use POST");
	}
	return send_error(c, MHD_HTTP_NOT_FOUND, "no such endpoint");
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
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *listen = "127.0.0.1:8080", *db = NULL, *env = getenv("MAPKEEPER_TOKEN");
	struct server sv;
	struct sockaddr_in addr;
	struct MHD_Daemon *daemon;
	const union MHD_DaemonInfo *info;
	sigset_t sigs;
	char host[INET_ADDRSTRLEN];
	int ch, sig;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'l': listen = optarg; break;
		case 'b': db = optarg; break;
		case 'h': printf("usage: %s\n", usage); return 0;
		default:
			cli_error("serve: unknown or incomplete option '%s' (see 'mapkeeper serve --help')",
				  argv[optind - 1]);
			return 2;
		}
	}
	if (optind != argc)
		return cli_usage(usage);
	if (!parse_listen(listen, &addr))
		return 2;
	memset(&sv, 0, sizeof sv);
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
	printf("mapkeeper: serving http://%s:%u/ (token: %s)\n", host,
	       info ? (unsigned)info->port : (unsigned)ntohs(addr.sin_port), env && *env ? "from MAPKEEPER_TOKEN" : sv.token);
	fflush(stdout);
	while (sigwait(&sigs, &sig) != 0)
		;
	MHD_stop_daemon(daemon);
	mk_store_close(sv.st);
	fprintf(stderr, "mapkeeper: stopped\n");
	return 0;
}
