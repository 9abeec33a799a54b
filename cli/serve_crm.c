/*
 * serve_crm.c: the JSON API's side of the CRMs (issue 15): what a deal holds in Salesforce
 * and HubSpot (GET deals/NAME/crm: the linked record with its address, the last push and
 * pull, each item's task), and what a rep does from the page as from the CLI: link the deal
 * (by id or by name; off unlinks), push, pull (POST deals/NAME/crm/CRM/link|push|pull).
 * It calls the engine (mk_crm_*) and the store (mk_store_crm_*) only; the configuration is
 * the environment and $MAPKEEPER_CONFIG, as for `crm push` without --config. A run that
 * talks to the CRM goes on a thread of its own with a store handle of its own while its
 * request is suspended, so the polling thread keeps answering; it waits at most
 * SERVE_CRM_WAIT_S for another run's lock (then 409). Invariant: a reply holds the engine's
 * one-line errors, never a secret. See serve.h.
 */
#include "serve.h"

#include <microhttpd.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define SERVE_CRM_WAIT_S 5
#define SERVE_CRM_ID_MAX 64

static const char *const crm_item_states[] = { "new", "pending", "synced", "deleted" };

/* A string or null. */
static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* A recorded run, or null (as `crm status --format json` shows it). */
static json_t *crm_run_json(const struct mk_crm_run *r)
{
	if (!r)
		return json_null();
	return json_pack("{s:I, s:o, s:o, s:s, s:o, s:I, s:I, s:I, s:I, s:I, s:I}", "run_id", (json_int_t)r->id,
			 "started_at", str_or_null(r->started_at), "finished_at", str_or_null(r->finished_at), "result",
			 r->result ? r->result : "running", "message", str_or_null(r->message), "created",
			 (json_int_t)r->created, "updated", (json_int_t)r->updated, "unchanged", (json_int_t)r->unchanged,
			 "proposed", (json_int_t)r->proposed, "deleted", (json_int_t)r->deleted, "errors",
			 (json_int_t)r->errors);
}

/* Every item of the deal with its task in crm (state new: never pushed) and the task's address. */
static json_t *crm_items_json(enum mk_crm crm, const struct mk_crm_item *v, size_t n)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		char *url = v[i].remote_id ? mk_crm_record_url(crm, NULL, "task", v[i].remote_id) : NULL;
		json_array_append_new(arr, json_pack("{s:I, s:s, s:b, s:s, s:o, s:o, s:o, s:o}", "item",
						     (json_int_t)v[i].item.id, "action",
						     v[i].item.action ? v[i].item.action : "", "gone", v[i].gone, "state",
						     crm_item_states[v[i].state], "remote_id", str_or_null(v[i].remote_id),
						     "url", str_or_null(url), "pushed_at", str_or_null(v[i].pushed_at),
						     "pulled_at", str_or_null(v[i].pulled_at)));
		free(url);
	}
	return arr;
}

/* deal's side in crm: {"crm", "title", "linked", "remote_id", "url", "last_push",
 * "last_pull", "items"}, or NULL and *err. */
static json_t *crm_deal_json(struct mk_store *st, const char *deal, enum mk_crm crm, enum mk_err *err,
			     struct mk_diag *d)
{
	struct mk_crm_run *push = NULL, *pull = NULL;
	struct mk_crm_item *items = NULL;
	size_t n = 0;
	char *id = NULL, *url = NULL;
	json_t *o = NULL;
	if ((*err = mk_store_crm_link_get(st, deal, crm, &id, d)) || (*err = mk_store_crm_last(st, deal, crm, &push, &pull, d)) ||
	    (*err = mk_store_crm_items(st, deal, crm, &items, &n, d)))
		goto out;
	url = id ? mk_crm_record_url(crm, NULL, "deal", id) : NULL;
	o = json_pack("{s:s, s:s, s:b, s:o, s:o, s:o, s:o, s:o}", "crm", mk_crm_name(crm), "title", mk_crm_title(crm),
		      "linked", id != NULL, "remote_id", str_or_null(id), "url", str_or_null(url), "last_push",
		      crm_run_json(push), "last_pull", crm_run_json(pull), "items", crm_items_json(crm, items, n));
out:
	mk_crm_items_free(items, n);
	mk_crm_runs_free(push, push ? 1 : 0);
	mk_crm_runs_free(pull, pull ? 1 : 0);
	free(id);
	free(url);
	return o;
}

/* {"deal", "salesforce": {...}, "hubspot": {...}} of deal, or NULL and *err. */
static json_t *crm_all_json(struct mk_store *st, const char *deal, enum mk_err *err, struct mk_diag *d)
{
	json_t *o = json_pack("{s:s}", "deal", deal);
	for (int i = 0; i < MK_CRM_COUNT; i++) {
		json_t *one = crm_deal_json(st, deal, (enum mk_crm)i, err, d);
		if (!one) {
			json_decref(o);
			return NULL;
		}
		json_object_set_new(o, mk_crm_name((enum mk_crm)i), one);
	}
	return o;
}

/* GET deals/NAME/crm, and the answer to an unlink. */
static enum MHD_Result crm_send(struct server *sv, struct MHD_Connection *c, const char *deal)
{
	struct mk_diag d;
	enum mk_err err = MK_OK;
	json_t *o;
	mk_diag_clear(&d);
	if (!(o = crm_all_json(sv->st, deal, &err, &d)))
		return serve_not_found(c, err, &d, "no such deal");
	return serve_json(c, MHD_HTTP_OK, o);
}

/* A run as `crm push --format json` prints it (item 0: the deal's own record). */
static json_t *crm_result_json(const struct mk_crm_result *r)
{
	json_t *lines = json_array();
	for (size_t i = 0; i < r->n; i++) {
		const struct mk_crm_line *l = &r->v[i];
		json_array_append_new(lines, json_pack("{s:o, s:I, s:o, s:o, s:o}", "deal", str_or_null(l->deal), "item",
						       (json_int_t)l->item_id, "remote_id", str_or_null(l->remote_id), "what",
						       str_or_null(l->what), "detail", str_or_null(l->detail)));
	}
	return json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o}", "crm", mk_crm_name(r->crm), "deals",
			 (json_int_t)r->deals, "created", (json_int_t)r->created, "updated", (json_int_t)r->updated,
			 "unchanged", (json_int_t)r->unchanged, "proposed", (json_int_t)r->proposed, "deleted",
			 (json_int_t)r->deleted, "errors", (json_int_t)r->errors, "run_id", (json_int_t)r->run_id,
			 "lines", lines);
}

/* The status of an engine error: 409 another run holding the lock, 502 the CRM failing or
 * refusing, else as serve_store_error's (404 a missing thing, 400 a bad argument or a missing
 * setting, 409 "already", 500). */
static unsigned crm_status(enum mk_err err, const char *msg)
{
	if (strstr(msg, "try again") || strstr(msg, "is running"))
		return MHD_HTTP_CONFLICT;
	if (err == MK_ENET)
		return MHD_HTTP_BAD_GATEWAY;
	if (err == MK_ENOTFOUND)
		return MHD_HTTP_NOT_FOUND;
	if (err == MK_EARG)
		return strstr(msg, "already") ? MHD_HTTP_CONFLICT : MHD_HTTP_BAD_REQUEST;
	return MHD_HTTP_INTERNAL_SERVER_ERROR;
}

/* ---- the runs: each on its own thread and store handle, the request suspended ---- */

enum crm_kind { CRM_PUSH, CRM_PULL, CRM_LINK };

struct crm_job {
	struct crm_job *next;
	struct server *sv;
	struct MHD_Connection *c;   /* suspended until the run is over */
	enum crm_kind kind;
	enum mk_crm crm;
	char *deal, *who, *id;      /* id: link's record, NULL to find it by name */
	int done;                   /* the answer is in status and reply */
	unsigned status;
	json_t *reply;
};

static void crm_job_free(struct crm_job *job)
{
	if (!job)
		return;
	free(job->deal);
	free(job->who);
	free(job->id);
	json_decref(job->reply);
	free(job);
}

/* Runs job on st: its answer into job->status and job->reply. */
static void crm_job_run(struct crm_job *job, struct mk_store *st)
{
	struct mk_crm_opts o = { .crm = job->crm, .deal = job->deal, .who = job->who, .wait_s = SERVE_CRM_WAIT_S };
	struct mk_crm_result r;
	struct mk_diag d;
	enum mk_err err;
	char *linked = NULL;
	memset(&r, 0, sizeof r);
	mk_diag_clear(&d);
	if (job->kind == CRM_LINK)
		err = mk_crm_link(st, &o, job->deal, job->id, &linked, &d);
	else
		err = job->kind == CRM_PUSH ? mk_crm_push(st, &o, &r, &d) : mk_crm_pull(st, &o, &r, &d);
	free(linked);
	if (!err && job->kind == CRM_LINK) {
		job->reply = crm_all_json(st, job->deal, &err, &d);
	} else if (!err) {
		r.crm = job->crm;
		job->reply = crm_result_json(&r);
	}
	mk_crm_result_release(&r);
	job->status = err ? crm_status(err, d.msg[0] ? d.msg : mk_strerror(err)) : MHD_HTTP_OK;
	if (err)
		job->reply = json_pack("{s:s}", "error", d.msg[0] ? d.msg : mk_strerror(err));
}

/* A run's thread: its own store handle (the polling thread keeps sv->st), then the answer,
 * then the request resumed; the server stops only when no thread is left. */
static void *crm_worker(void *arg)
{
	struct crm_job *job = arg;
	struct server *sv = job->sv;
	struct mk_store *st = NULL;
	struct mk_diag d;
	char *path = sv->db ? strdup(sv->db) : mk_store_default_path();
	mk_diag_clear(&d);
	if (!path)
		abort();
	if (mk_store_open_existing(&st, path, &d)) {
		job->status = MHD_HTTP_INTERNAL_SERVER_ERROR;
		job->reply = json_pack("{s:s}", "error", d.msg[0] ? d.msg : "cannot open the database");
	} else {
		crm_job_run(job, st);
	}
	mk_store_close(st);
	free(path);
	pthread_mutex_lock(&sv->jobs_lock);
	job->done = 1;
	pthread_mutex_unlock(&sv->jobs_lock);
	MHD_resume_connection(job->c);
	pthread_mutex_lock(&sv->jobs_lock);
	sv->running--;
	pthread_cond_broadcast(&sv->jobs_cond);
	pthread_mutex_unlock(&sv->jobs_lock);
	return NULL;
}

/* Starts a run of kind for deal: the request suspended, answered when the run is over. */
static enum MHD_Result crm_start(struct server *sv, struct MHD_Connection *c, const char *deal, enum mk_crm crm,
				 enum crm_kind kind, const char *id, const char *who)
{
	struct crm_job *job = calloc(1, sizeof *job);
	pthread_t t;
	if (!job || !(job->deal = strdup(deal)) || !(job->who = strdup(who)) || (id && !(job->id = strdup(id))))
		abort();
	job->sv = sv;
	job->c = c;
	job->kind = kind;
	job->crm = crm;
	pthread_mutex_lock(&sv->jobs_lock);
	job->next = sv->jobs;
	sv->jobs = job;
	sv->running++;
	pthread_mutex_unlock(&sv->jobs_lock);
	MHD_suspend_connection(c);
	if (pthread_create(&t, NULL, crm_worker, job))
		crm_worker(job); /* no thread: the run on this one */
	else
		pthread_detach(t);
	return MHD_YES;
}

/* The run of request c that is over, taken off the list; NULL when there is none. */
static struct crm_job *crm_job_take(struct server *sv, struct MHD_Connection *c)
{
	struct crm_job **at, *job = NULL;
	pthread_mutex_lock(&sv->jobs_lock);
	for (at = &sv->jobs; *at; at = &(*at)->next) {
		if ((*at)->c == c && (*at)->done) {
			job = *at;
			*at = job->next;
			break;
		}
	}
	pthread_mutex_unlock(&sv->jobs_lock);
	return job;
}

void serve_crm_drop(struct server *sv, struct MHD_Connection *c)
{
	crm_job_free(crm_job_take(sv, c));
}

int serve_crm_resumed(struct server *sv, struct MHD_Connection *c, enum MHD_Result *ret)
{
	struct crm_job *job = crm_job_take(sv, c);
	if (!job)
		return 0;
	*ret = serve_json(c, job->status, job->reply);
	job->reply = NULL; /* serve_json took it */
	crm_job_free(job);
	return 1;
}

void serve_crm_init(struct server *sv)
{
	pthread_mutex_init(&sv->jobs_lock, NULL);
	pthread_cond_init(&sv->jobs_cond, NULL);
	sv->jobs = NULL;
	sv->running = 0;
}

void serve_crm_wait(struct server *sv)
{
	pthread_mutex_lock(&sv->jobs_lock);
	while (sv->running)
		pthread_cond_wait(&sv->jobs_cond, &sv->jobs_lock);
	pthread_mutex_unlock(&sv->jobs_lock);
}

void serve_crm_end(struct server *sv)
{
	while (sv->jobs) {
		struct crm_job *next = sv->jobs->next;
		crm_job_free(sv->jobs);
		sv->jobs = next;
	}
	pthread_cond_destroy(&sv->jobs_cond);
	pthread_mutex_destroy(&sv->jobs_lock);
}

/* An id a CRM record can have (the store's rule): letters, digits, '-', '_', 1 to 64 bytes. */
static int crm_id_ok(const char *id)
{
	size_t len = strlen(id);
	if (!len || len > SERVE_CRM_ID_MAX)
		return 0;
	for (const char *p = id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
		      *p == '_'))
			return 0;
	return 1;
}

/* The body of POST .../link: {"id": "..." or null (find by name), "off": bool}. NULL when it
 * is good (*id NULL: by name), else what is wrong with it. */
static const char *crm_link_body(json_t *body, const char **id, int *off)
{
	json_t *o = json_object_get(body, "off");
	int bad = 0;
	const char *v = serve_member(body, "id", 1, &bad);
	if (o && !json_is_boolean(o))
		return "off must be true or false";
	*off = json_is_true(o);
	if (bad)
		return "id must be a string (the record's id), or null to find the record named like the deal";
	*id = v && *v ? v : NULL;
	if (*off && *id)
		return "give id or off, not both";
	if (v && *v && !crm_id_ok(v))
		return "id holds only letters, digits, '-' and '_' (at most 64)";
	if (v && !*v && !json_is_null(json_object_get(body, "id")))
		return "id cannot be empty: give null to find the record by the deal's name";
	return NULL;
}

/* POST .../link: unlinks at once, or links on a run's thread (the record checked in the CRM);
 * answers with the deal's side in each CRM. */
static enum MHD_Result crm_link(struct server *sv, struct MHD_Connection *c, const char *deal, enum mk_crm crm,
				const struct request *rq, const char *who)
{
	struct mk_diag d;
	enum mk_err err;
	enum MHD_Result r;
	const char *id = NULL, *wrong;
	int off = 0;
	json_t *body = serve_body(c, rq);
	if (!body)
		return MHD_YES;
	if ((wrong = crm_link_body(body, &id, &off))) {
		r = serve_error(c, MHD_HTTP_BAD_REQUEST, wrong);
	} else if (!off) {
		r = crm_start(sv, c, deal, crm, CRM_LINK, id, who);
	} else {
		mk_diag_clear(&d);
		err = mk_store_crm_link(sv->st, deal, crm, NULL, who, &d);
		r = err ? serve_store_error(c, err, &d) : crm_send(sv, c, deal);
	}
	json_decref(body);
	return r;
}

/* The deal's canonical name (a 404 sent when there is none): a new string, or NULL. */
static char *crm_deal_name(struct server *sv, struct MHD_Connection *c, const char *name, size_t len)
{
	struct mk_deal deal;
	struct mk_diag d;
	enum mk_err err;
	char *asked = strndup(name, len), *out;
	if (!asked)
		abort();
	memset(&deal, 0, sizeof deal);
	mk_diag_clear(&d);
	err = mk_store_deal_get(sv->st, asked, &deal, &d);
	free(asked);
	if (err) {
		serve_not_found(c, err, &d, "no such deal");
		return NULL;
	}
	if (!(out = strdup(deal.name)))
		abort();
	mk_deal_release(&deal);
	return out;
}

/* Splits p ("NAME/crm" or "NAME/crm/CRM/ACTION") into the name's length and the CRM's part
 * ("" for the first; "CRM/ACTION"). 0 when p is neither. */
static int crm_split(const char *p, size_t *namelen, const char **rest)
{
	size_t len = strlen(p);
	const char *at;
	if (len > 4 && !strcmp(p + len - 4, "/crm")) {
		*namelen = len - 4;
		*rest = "";
		return 1;
	}
	/* the last "/crm/" with one more '/' after it */
	for (at = p + len; at > p; at--) {
		if (!strncmp(at, "/crm/", 5)) {
			const char *slash = strchr(at + 5, '/');
			if (slash && slash > at + 5 && !strchr(slash + 1, '/') && slash[1]) {
				*namelen = (size_t)(at - p);
				*rest = at + 5;
				return 1;
			}
		}
	}
	return 0;
}

int serve_crm_route(struct server *sv, struct MHD_Connection *c, const char *p, const char *method,
		    const struct request *rq, const char *who)
{
	const char *rest, *action = NULL;
	size_t namelen;
	enum mk_crm crm = MK_CRM_SALESFORCE;
	char *deal, *name;
	enum MHD_Result r;
	if (!crm_split(p, &namelen, &rest))
		return -1;
	if (!*rest) {
		if (strcmp(method, "GET"))
			return serve_use(c, "GET");
	} else {
		action = strchr(rest, '/') + 1;
		if (strcmp(action, "link") && strcmp(action, "push") && strcmp(action, "pull"))
			return serve_error(c, MHD_HTTP_NOT_FOUND, "no such endpoint");
		if (!(name = strndup(rest, (size_t)(action - 1 - rest))))
			abort();
		if (mk_crm_parse(name, &crm)) {
			free(name);
			return serve_error(c, MHD_HTTP_NOT_FOUND, "no such CRM: salesforce or hubspot");
		}
		free(name);
		if (strcmp(method, "POST"))
			return serve_use(c, "POST");
	}
	if (!(deal = crm_deal_name(sv, c, p, namelen)))
		return MHD_YES;
	if (!*rest)
		r = crm_send(sv, c, deal);
	else if (!strcmp(action, "link"))
		r = crm_link(sv, c, deal, crm, rq, who);
	else
		r = crm_start(sv, c, deal, crm, !strcmp(action, "push") ? CRM_PUSH : CRM_PULL, NULL, who);
	free(deal);
	return r;
}
