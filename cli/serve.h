/*
 * serve.h: what the parts of `mapkeeper serve` share. cli/cmd_serve.c reads the options
 * and runs the server; cli/serve_http.c gathers each request, routes the pages and sends
 * every answer; cli/serve_session.c keeps the sessions, the login and the secrets;
 * cli/serve_api.c answers the JSON API's reads and routes it, cli/serve_edit.c its
 * writes (cli/serve_plan.c those of the whole plan: goal, go-live, criteria...; cli/serve_crm.c
 * the CRMs' links, pushes and pulls, each run on a thread of its own). One polling thread serves every request, so the store and the session table
 * are used from one thread and need no lock. Read on in cmd_serve.c's header.
 */
#ifndef MK_SERVE_H
#define MK_SERVE_H

#include "cli.h"

#include <microhttpd.h>

#include <pthread.h>
#include <time.h>

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
	/* the CRM runs (serve_crm.c): each on a thread of its own with a store handle of its
	 * own on db, its request suspended meanwhile */
	const char *db;             /* the database as given to serve (NULL: the default) */
	pthread_mutex_t jobs_lock;  /* guards jobs and running */
	pthread_cond_t jobs_cond;   /* signalled when running drops */
	struct crm_job *jobs;       /* the runs whose request is suspended or not yet answered */
	unsigned running;           /* the runs whose thread is not over */
};

struct request {                /* one request's body, gathered across calls */
	char *body;
	size_t len;
	int too_big;
};

/* ---- serve_http.c: answers, requests, the pages --------------------------------- */

/* Sends o (taking it) with status; JSON headers, no caching, no sniffing. */
enum MHD_Result serve_json(struct MHD_Connection *c, unsigned status, json_t *o);
/* {"error": msg} with status. */
enum MHD_Result serve_error(struct MHD_Connection *c, unsigned status, const char *msg);
/* A store error: 404 for a missing thing, 409 for a decided proposal, 400, else 500. */
enum MHD_Result serve_store_error(struct MHD_Connection *c, enum mk_err err, const struct mk_diag *d);
/* A store error where MK_ENOTFOUND means: {"error": missing} with 404. */
enum MHD_Result serve_not_found(struct MHD_Connection *c, enum mk_err err, const struct mk_diag *d,
				const char *missing);
/* 405 {"error": "use METHOD"}. */
enum MHD_Result serve_use(struct MHD_Connection *c, const char *method);
/* A text/plain answer (the pages' door). */
enum MHD_Result serve_text(struct MHD_Connection *c, unsigned status, const char *msg);
/* A 303 to location, with a Set-Cookie when cookie is not NULL. */
enum MHD_Result serve_redirect(struct MHD_Connection *c, const char *location, const char *cookie);
/* Sends web/NAME: one plain file name, no path, of a type the pages use. */
enum MHD_Result serve_file(struct server *sv, struct MHD_Connection *c, const char *name);

/* A query argument, NULL when missing or empty. */
const char *serve_arg(struct MHD_Connection *c, const char *key);
/* A proposal (item, call...) id: digits only, from 1. */
int serve_id(const char *s, size_t len, int64_t *out);
/* The id at the start of path p ("12" or "12/done"): serve_id's answer, *slash at the
 * '/' after it or NULL. */
int serve_path_id(const char *p, const char **slash, int64_t *out);
/* Parses a request body as a JSON object (an empty body is {}); NULL and a 400 otherwise. */
json_t *serve_body(struct MHD_Connection *c, const struct request *rq);
/* A string member of o, or NULL; *bad is set when the member is there but not a string
 * (null is "" when null_ok). */
const char *serve_member(json_t *o, const char *key, int null_ok, int *bad);

/* libmicrohttpd's access handler and completion callback (cls: the struct server for both). */
enum MHD_Result serve_handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
			     const char *version, const char *upload, size_t *upload_size, void **con_cls);
void serve_request_done(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode t);

/* ---- serve_session.c: secrets, sessions, logging in and out --------------------- */

/* A token from /dev/urandom: 32 hex digits of 128 random bits. 0 when none. */
int serve_random_token(char *out, size_t outlen);
/* Equal in constant time for strings of the same length (the length itself is not secret). */
int serve_same_secret(const char *a, const char *b);
/* 1: the Authorization header is "Bearer TOKEN"; 0: no such header; -1: a wrong one. */
int serve_bearer(const struct server *sv, struct MHD_Connection *c);
/* The live session the request's cookie names, or NULL. */
struct session *serve_session_of(struct server *sv, struct MHD_Connection *c);
/* A write from a page is ours when the browser says it comes from this server. */
int serve_same_origin(struct MHD_Connection *c);
/* /login (GET: the page, or the login URL serve prints; POST: the form). */
enum MHD_Result serve_login(struct server *sv, struct MHD_Connection *c, const char *method,
			    const struct request *rq);
/* POST /logout: ends session s (the page's CSRF token in a header or the form). */
enum MHD_Result serve_logout(struct MHD_Connection *c, struct session *s, const char *method,
			     const struct request *rq);
/* The redirect for a page asked for without a session: to /login?next=PAGE. */
enum MHD_Result serve_to_login(struct MHD_Connection *c, const char *url);

/* ---- serve_api.c and serve_edit.c: the JSON API ------------------------------------ */

/* /api/...: bearer or session; writes by a session need its CSRF token and our origin. */
enum MHD_Result serve_api(struct server *sv, struct MHD_Connection *c, const char *url, const char *method,
			  const struct request *rq);
/* POST /api/proposals/ID/approve|reject, PATCH /api/proposals/ID (what: "edit"). */
enum MHD_Result serve_proposal_change(struct server *sv, struct MHD_Connection *c, int64_t id, const char *what,
				      const struct request *rq, const char *who);
/* POST /api/deals/NAME/approve-all or /reject-all. */
enum MHD_Result serve_decide_all(struct server *sv, struct MHD_Connection *c, const char *name, int approve,
				 const struct request *rq, const char *who);
/* The hand edits' routes (p: the path after /api/): the answer sent, or -1 when p is
 * none of them. */
int serve_edit_route(struct server *sv, struct MHD_Connection *c, const char *p, const char *method,
		     const struct request *rq, const char *who);

/* ---- serve_plan.c: the whole plan's hand edits (issue 14) ---------------------------- */

/* deals/NAME/goal, go-live, next-meeting, criteria, dependencies (POST), criteria/ID and
 * dependencies/ID (DELETE), people/ID/stance (POST); p: the path after "deals/". The answer
 * sent, or -1 when p is none of them. */
int serve_plan_route(struct server *sv, struct MHD_Connection *c, const char *p, const char *method,
		     const struct request *rq, const char *who);
/* GET deals/NAME/plan.md[?since=last-call|YYYY-MM-DD]: the plan as Markdown (text/plain),
 * with what changed since that day marked (the copy for the buyer). */
enum MHD_Result serve_plan_md(struct server *sv, struct MHD_Connection *c, const char *name);

/* ---- serve_share.c: the buyer's share links ------------------------------------------ */

/* /share/...: the buyer's page of a share link and its API (the token in the path;
 * rate-limited; no cookie, no other route). */
enum MHD_Result serve_share(struct server *sv, struct MHD_Connection *c, const char *url, const char *method,
			    const struct request *rq);

/* ---- serve_crm.c: the CRMs (issue 15) ----------------------------------------------- */

/* GET deals/NAME/crm (the deal in each CRM: link, last push and pull, items' tasks), POST
 * deals/NAME/crm/CRM/link|push|pull; p: the path after "deals/". The answer sent (or the
 * request suspended while a run goes on), or -1 when p is none of them. */
int serve_crm_route(struct server *sv, struct MHD_Connection *c, const char *p, const char *method,
		    const struct request *rq, const char *who);
/* 1 and *ret when c is a request whose run is over (resumed): its answer sent. */
int serve_crm_resumed(struct server *sv, struct MHD_Connection *c, enum MHD_Result *ret);
/* Frees the answer of c's run when c ended before it was sent (the client went away). */
void serve_crm_drop(struct server *sv, struct MHD_Connection *c);
/* Before the daemon starts: no runs. serve_crm_wait: until no run's thread is left (before
 * the daemon stops); serve_crm_end: the answers never sent freed (after it stopped). */
void serve_crm_init(struct server *sv);
void serve_crm_wait(struct server *sv);
void serve_crm_end(struct server *sv);

#endif
