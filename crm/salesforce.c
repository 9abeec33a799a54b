/*
 * salesforce.c: the Salesforce backend (crm_salesforce) over the REST API: an OAuth token
 * (an External Client App's client credentials flow, or the JWT bearer flow when
 * SF_USERNAME and SF_JWT_KEY_FILE are set), Opportunities (get, find by name, NextStep and
 * the plan-health field), Tasks upserted by their External ID field (idempotent: a retry
 * or a second run updates the same Task), SOQL listings with every page, the deal's
 * Account's Contacts as owners. Does not decide what to push or pull (crm.c does) and
 * does not touch the store. Invariant: the token lives in cfg->sf_token until a 401
 * (INVALID_SESSION_ID) forces one renewal; no secret, token or key reaches a message.
 */
#include "crm/sf.h"

#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

struct sf_contact {
	char *id, *name, *email;
};

struct sf_ctx {
	struct remote_config *cfg;
	struct http_opts net;
	int jwt;                    /* the JWT bearer flow (else client credentials) */
	int task_checked;           /* the Task's External ID field was found this run */
	int opp_checked, has_health;/* Opportunity describe was read; it has SF_HEALTH_FIELD */
	char *contacts_of;          /* the deal whose Account's Contacts are cached */
	struct sf_contact *contacts;
	size_t ncontacts;
};

/* ---- configuration ------------------------------------------------------------ */

/* Is s a field's API name (letters, digits, '_')? It goes into SOQL and URLs. */
static int name_ok(const char *s)
{
	if (!s || !*s)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return 0;
	return 1;
}

/* Is s a record id (15 or 18 letters and digits)? */
static int id_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]))
			return 0;
	return n == 15 || n == 18;
}

/* Is s an API version ("62.0")? */
static int version_ok(const char *s)
{
	size_t i = 0, digits = 0;
	while (s && isdigit((unsigned char)s[i]))
		i++;
	if (!s || !i || s[i] != '.')
		return 0;
	for (i++; isdigit((unsigned char)s[i]); i++)
		digits++;
	return digits && !s[i];
}

/* The credentials a token needs, named when missing. */
static enum mk_err check_credentials(const struct remote_config *cfg, int jwt, struct mk_diag *diag)
{
	const char *miss[4];
	size_t n = 0;
	if (!jwt && (cfg->sf_username || cfg->sf_jwt_key_file)) {
		mk_diag_set(diag, "", 0, SF ": %s is set but not %s: set both for the JWT bearer flow",
			    cfg->sf_username ? "SF_USERNAME" : "SF_JWT_KEY_FILE",
			    cfg->sf_username ? "SF_JWT_KEY_FILE" : "SF_USERNAME");
		return MK_EARG;
	}
	if (jwt && !cfg->sf_client_id) {
		mk_diag_set(diag, "", 0, SF ": credentials missing: set SF_CLIENT_ID (the External Client App's "
			    "consumer key) for the JWT bearer flow");
		return MK_EARG;
	}
	if (!cfg->sf_client_id)
		miss[n++] = "SF_CLIENT_ID";
	if (!jwt && !cfg->sf_domain)
		miss[n++] = "SF_DOMAIN";
	if (!jwt && !cfg->sf_client_secret)
		miss[n++] = "SF_CLIENT_SECRET";
	if (!n)
		return MK_OK;
	mk_diag_set(diag, "", 0, SF ": credentials missing: set %s%s%s%s%s (or SF_USERNAME and SF_JWT_KEY_FILE "
		    "for the JWT bearer flow)", miss[0], n > 1 ? (n > 2 ? ", " : " and ") : "", n > 1 ? miss[1] : "",
		    n > 2 ? " and " : "", n > 2 ? miss[2] : "");
	return MK_EARG;
}

static enum mk_err check_config(const struct remote_config *cfg, int jwt, struct mk_diag *diag)
{
	enum mk_err err = check_credentials(cfg, jwt, diag);
	if (err)
		return err;
	if (cfg->sf_domain && http_check_url(SF, cfg->sf_domain, diag) != MK_OK)
		return MK_EARG;
	if (jwt && !cfg->sf_domain && http_check_url(SF, cfg->sf_login, diag) != MK_OK)
		return MK_EARG;
	if (!version_ok(cfg->sf_api_version)) {
		mk_diag_set(diag, "", 0, SF ": SF_API_VERSION '%s' is not a version like 62.0",
			    cfg->sf_api_version ? cfg->sf_api_version : "");
		return MK_EARG;
	}
	if (!name_ok(cfg->sf_external_id) || !name_ok(cfg->sf_health_field)) {
		mk_diag_set(diag, "", 0, SF ": SF_EXTERNAL_ID_FIELD and SF_HEALTH_FIELD must be field names "
			    "(letters, digits and '_', like Mapkeeper_Id__c)");
		return MK_EARG;
	}
	return MK_OK;
}

static enum mk_err sf_open(struct remote_config *cfg, void **out, struct mk_diag *diag)
{
	int jwt = cfg->sf_username && cfg->sf_jwt_key_file;
	enum mk_err err = check_config(cfg, jwt, diag);
	*out = NULL;
	if (err)
		return err;
	if (jwt) { /* refused early when group or others may read the key */
		struct mk_buf pem;
		mk_buf_init(&pem);
		err = sf_jwt_key_load(cfg->sf_jwt_key_file, &pem, diag);
		if (pem.s)
			memset(pem.s, 0, pem.len);
		mk_buf_release(&pem);
		if (err)
			return err;
	}
	struct sf_ctx *c = mk_calloc(1, sizeof *c);
	c->cfg = cfg;
	c->jwt = jwt;
	c->net = cfg->net;
	c->net.service = SF;
	*out = c;
	return MK_OK;
}

static void contacts_clear(struct sf_ctx *c)
{
	for (size_t i = 0; i < c->ncontacts; i++) {
		free(c->contacts[i].id);
		free(c->contacts[i].name);
		free(c->contacts[i].email);
	}
	free(c->contacts);
	free(c->contacts_of);
	c->contacts = NULL;
	c->contacts_of = NULL;
	c->ncontacts = 0;
}

static void sf_close(void *ctx)
{
	struct sf_ctx *c = ctx;
	if (!c)
		return;
	contacts_clear(c);
	free(c);
}

/* s without one trailing '/' (a new string). */
static char *no_slash(const char *s)
{
	size_t n = strlen(s);
	return mk_strndup(s, n && s[n - 1] == '/' ? n - 1 : n);
}

/* ---- the token ----------------------------------------------------------------- */

/* The token request's form into q (url and body). */
static enum mk_err token_form(struct sf_ctx *c, struct mk_buf *form, char **url, struct mk_diag *diag)
{
	const struct remote_config *cfg = c->cfg;
	char *root = no_slash(cfg->sf_domain ? cfg->sf_domain : cfg->sf_login);
	char *id = http_escape(cfg->sf_client_id);
	enum mk_err err = MK_OK;
	*url = mk_sprintf("%s/services/oauth2/token", root);
	free(root);
	if (!c->jwt) {
		char *secret = http_escape(cfg->sf_client_secret);
		mk_buf_addf(form, "grant_type=client_credentials&client_id=%s&client_secret=%s", id, secret);
		memset(secret, 0, strlen(secret));
		free(secret);
	} else {
		struct mk_buf pem;
		char *jwt = NULL;
		mk_buf_init(&pem);
		err = sf_jwt_key_load(cfg->sf_jwt_key_file, &pem, diag);
		if (!err)
			err = sf_jwt_sign(pem.s, pem.len, cfg->sf_client_id, cfg->sf_username, cfg->sf_login,
					  time(NULL), &jwt, diag);
		if (!err)
			mk_buf_addf(form, "grant_type=%s&assertion=%s",
				    "urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer", jwt);
		if (pem.s)
			memset(pem.s, 0, pem.len);
		mk_buf_release(&pem);
		free(jwt);
	}
	free(id);
	return err;
}

/* The access token: the one held unless force, else a new one (and its instance_url). */
static enum mk_err sf_token(struct sf_ctx *c, int force, struct mk_diag *diag)
{
	struct remote_config *cfg = c->cfg;
	struct mk_buf form, body;
	char *url = NULL, *instance = NULL;
	long status = 0;
	enum mk_err err;

	if (!force && cfg->sf_token.value)
		return MK_OK;
	mk_buf_init(&form);
	mk_buf_init(&body);
	if ((err = token_form(c, &form, &url, diag)) == MK_OK) {
		struct http_req r = { .method = "POST", .url = url, .body = form.s,
				      .content_type = "application/x-www-form-urlencoded",
				      .accept = "application/json", .max_bytes = cfg->max_json_bytes };
		err = http_do(&c->net, &r, &status, &body, diag);
	}
	if (!err)
		err = sf_parse_token(&body, status, c->jwt, &cfg->sf_token, &instance, diag);
	if (!err && instance)
		remote_config_set(&cfg->sf_instance, instance);
	if (body.s)
		memset(body.s, 0, body.len); /* held the token */
	if (form.s)
		memset(form.s, 0, form.len); /* held the secret or the assertion */
	mk_buf_release(&body);
	mk_buf_release(&form);
	free(instance);
	free(url);
	return err;
}

/* ---- requests ------------------------------------------------------------------ */

/* The URL of path: "/services/..." under the instance, else under /services/data/vXX.X/. */
static char *api_url(const struct remote_config *cfg, const char *path)
{
	char *root = no_slash(cfg->sf_instance ? cfg->sf_instance : cfg->sf_domain ? cfg->sf_domain
										    : cfg->sf_login);
	char *url = path[0] == '/' ? mk_sprintf("%s%s", root, path)
				   : mk_sprintf("%s/services/data/v%s/%s", root, cfg->sf_api_version, path);
	free(root);
	return url;
}

/*
 * One API request (json: its body, or NULL) with the token, renewed once on a 401. MK_OK:
 * a reply arrived (*status any but 401).
 */
static enum mk_err sf_call(struct sf_ctx *c, const char *method, const char *path, const char *json,
			   long *status, struct mk_buf *body, struct mk_diag *diag)
{
	enum mk_err err;
	for (int renewed = 0;; renewed = 1) {
		if ((err = sf_token(c, renewed, diag)) != MK_OK)
			return err;
		char *url = api_url(c->cfg, path);
		struct http_req r = { .method = method, .url = url, .body = json,
				      .content_type = json ? "application/json" : NULL,
				      .accept = "application/json", .bearer = c->cfg->sf_token.value,
				      .max_bytes = c->cfg->max_json_bytes };
		err = http_do(&c->net, &r, status, body, diag);
		free(url);
		if (err != MK_OK || *status != 401)
			return err;
		if (renewed)
			break;
	}
	mk_diag_set(diag, "", 0, SF ": access token refused (HTTP 401, INVALID_SESSION_ID) after renewal: "
		    "check the app's OAuth scopes (api)");
	return MK_ENET;
}

/* A GET whose reply must be 200 (else the error array's line about what). */
static enum mk_err sf_get(struct sf_ctx *c, const char *path, const char *what, struct mk_buf *body,
			  struct mk_diag *diag)
{
	long status = 0;
	enum mk_err err = sf_call(c, "GET", path, NULL, &status, body, diag);
	if (!err && status != 200)
		err = sf_parse_error(body, status, what, diag);
	return err;
}

typedef void (*sf_rec_fn)(void *arg, json_t *rec);

/* Each record of a SOQL query (queryAll: archived Tasks too), every page, into fn. */
static enum mk_err sf_query(struct sf_ctx *c, const char *soql, int all, const char *what, sf_rec_fn fn,
			    void *arg, struct mk_diag *diag)
{
	struct mk_buf body;
	char *q = http_escape(soql), *path = mk_sprintf("%s?q=%s", all ? "queryAll" : "query", q);
	enum mk_err err = MK_OK;
	mk_buf_init(&body);
	free(q);
	for (int page = 0; path; page++) {
		json_t *recs = NULL, *rec;
		char *next = NULL;
		size_t i;
		if (page >= REMOTE_MAX_PAGES) {
			mk_diag_set(diag, "", 0, SF ": more than %d pages of %s", REMOTE_MAX_PAGES, what);
			err = MK_ENET;
			break;
		}
		if ((err = sf_get(c, path, what, &body, diag)) != MK_OK ||
		    (err = sf_parse_query(&body, &recs, &next, diag)) != MK_OK)
			break;
		json_array_foreach(recs, i, rec)
			fn(arg, rec);
		json_decref(recs);
		free(path);
		path = next;
	}
	free(path);
	mk_buf_release(&body);
	return err;
}

/* Collects the records' Id (and Name) into ids. */
struct id_list {
	char **ids;
	size_t n;
};

static void add_id(void *arg, json_t *rec)
{
	struct id_list *l = arg;
	const char *id = json_string_value(json_object_get(rec, "Id"));
	if (!id)
		return;
	l->ids = mk_realloc(l->ids, (l->n + 1) * sizeof *l->ids);
	l->ids[l->n++] = mk_strdup(id);
}

static void id_list_release(struct id_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->ids[i]);
	free(l->ids);
	memset(l, 0, sizeof *l);
}

/* ---- describe -------------------------------------------------------------------- */

/* Does sobject's describe list field (*external: as an External ID)? */
static enum mk_err describe_field(struct sf_ctx *c, const char *sobject, const char *field, int *exists,
				  int *external, struct mk_diag *diag)
{
	struct mk_buf body;
	char *path = mk_sprintf("sobjects/%s/describe", sobject), *what = mk_sprintf("describe of %s", sobject);
	enum mk_err err;
	mk_buf_init(&body);
	err = sf_get(c, path, what, &body, diag);
	if (!err)
		err = sf_parse_describe(&body, field, exists, external, diag);
	mk_buf_release(&body);
	free(path);
	free(what);
	return err;
}

/* The Task's External ID field, checked once per run. */
static enum mk_err check_task_field(struct sf_ctx *c, struct mk_diag *diag)
{
	int exists = 0, external = 0;
	enum mk_err err;
	if (c->task_checked)
		return MK_OK;
	if ((err = describe_field(c, "Task", c->cfg->sf_external_id, &exists, &external, diag)) != MK_OK)
		return err;
	if (!exists || !external) {
		mk_diag_set(diag, "", 0, SF ": the Task field %s does not exist or is not an External ID: create it "
			    "(docs/crm.md)", c->cfg->sf_external_id);
		return MK_EARG;
	}
	c->task_checked = 1;
	return MK_OK;
}

/* ---- Opportunities ----------------------------------------------------------------- */

/* The Opportunity id: *name and *account (either may be NULL to skip). */
static enum mk_err opportunity_get(struct sf_ctx *c, const char *id, char **name, char **account,
				   struct mk_diag *diag)
{
	struct mk_buf body;
	char *path, *what;
	json_t *j = NULL;
	enum mk_err err;
	if (!id_ok(id)) {
		mk_diag_set(diag, "", 0, SF ": '%s' is not a record id (15 or 18 letters and digits, 006...)",
			    id ? id : "");
		return MK_EARG;
	}
	mk_buf_init(&body);
	path = mk_sprintf("sobjects/Opportunity/%s?fields=Id,Name,AccountId", id);
	what = mk_sprintf("Opportunity %s", id);
	err = sf_get(c, path, what, &body, diag);
	if (err == MK_ENOTFOUND)
		mk_diag_set(diag, "", 0, SF ": no Opportunity %s (check the id)", id);
	else if (!err)
		err = remote_parse_json(SF, &body, &j, diag);
	if (!err && name)
		*name = remote_json_str(j, "Name");
	if (!err && account)
		*account = remote_json_str(j, "AccountId");
	json_decref(j);
	mk_buf_release(&body);
	free(path);
	free(what);
	return err;
}

static enum mk_err sf_deal_get(void *ctx, const char *remote_id, char **name, struct mk_diag *diag)
{
	*name = NULL;
	return opportunity_get(ctx, remote_id, name, NULL, diag);
}

static enum mk_err sf_deal_find(void *ctx, const char *name, char ***ids, size_t *n, struct mk_diag *diag)
{
	struct id_list l = { NULL, 0 };
	char *lit = sf_soql_escape(name);
	char *soql = mk_sprintf("SELECT Id, Name FROM Opportunity WHERE Name = '%s' ORDER BY Id LIMIT 200", lit);
	enum mk_err err = sf_query(ctx, soql, 0, "Opportunities", add_id, &l, diag);
	free(lit);
	free(soql);
	*ids = NULL;
	*n = 0;
	if (err) {
		id_list_release(&l);
		return err;
	}
	*ids = l.ids;
	*n = l.n;
	return MK_OK;
}

static const char *sf_status_of(enum mk_status s)
{
	switch (s) {
	case MK_STATUS_DONE: return SF_STATUS_DONE;
	case MK_STATUS_BLOCKED: return SF_STATUS_WAITING;
	case MK_STATUS_DROPPED: return SF_STATUS_DROPPED;
	default: return SF_STATUS_OPEN;
	}
}

/* ---- owners: the Contacts of the deal's Account ------------------------------------- */

static void add_contact(void *arg, json_t *rec)
{
	struct sf_ctx *c = arg;
	const char *id = json_string_value(json_object_get(rec, "Id"));
	if (!id)
		return;
	c->contacts = mk_realloc(c->contacts, (c->ncontacts + 1) * sizeof *c->contacts);
	c->contacts[c->ncontacts].id = mk_strdup(id);
	c->contacts[c->ncontacts].name = remote_json_str(rec, "Name");
	c->contacts[c->ncontacts].email = remote_json_str(rec, "Email");
	c->ncontacts++;
}

/* The Contacts of deal's Account, cached for the deal (none when it cannot be read). */
static void load_contacts(struct sf_ctx *c, const char *deal)
{
	struct mk_diag d;
	char *account = NULL;
	if (c->contacts_of && !strcmp(c->contacts_of, deal))
		return;
	contacts_clear(c);
	c->contacts_of = mk_strdup(deal);
	if (opportunity_get(c, deal, NULL, &account, &d) == MK_OK && id_ok(account)) {
		char *soql = mk_sprintf("SELECT Id, Name, Email FROM Contact WHERE AccountId = '%s'", account);
		if (sf_query(c, soql, 0, "Contacts", add_contact, c, &d) != MK_OK) {
			char *keep = mk_strdup(deal);
			contacts_clear(c); /* a part of them would match by chance */
			c->contacts_of = keep;
		}
		free(soql);
	}
	free(account);
}

static char *sf_owner_of(void *ctx, const char *deal_id, const struct mk_crm_item *it)
{
	struct sf_ctx *c = ctx;
	const char *mail = it->owner_email, *name = it->item.owner;
	if (it->item.side != MK_SIDE_BUYER || (!mail && !name) || !deal_id)
		return NULL;
	load_contacts(c, deal_id);
	for (size_t i = 0; mail && i < c->ncontacts; i++)
		if (c->contacts[i].email && mk_strieq(c->contacts[i].email, mail))
			return mk_strdup(c->contacts[i].id);
	for (size_t i = 0; name && i < c->ncontacts; i++)
		if (c->contacts[i].name && mk_strieq(c->contacts[i].name, name))
			return mk_strdup(c->contacts[i].id);
	return NULL;
}

/* ---- Tasks ----------------------------------------------------------------------- */

/* The upsert's JSON body for w. */
static char *task_json(const struct crm_want *w)
{
	json_t *j = json_object();
	char *subject = sf_cut_chars(w->st.subject ? w->st.subject : "", SF_MAX_TEXT);
	char *desc = sf_cut_chars(w->description ? w->description : "", 32000);
	json_object_set_new(j, "Subject", json_string(subject));
	json_object_set_new(j, "ActivityDate", w->st.due ? json_string(w->st.due) : json_null());
	json_object_set_new(j, "Status", json_string(w->st.status ? w->st.status : SF_STATUS_OPEN));
	json_object_set_new(j, "Description", json_string(desc));
	json_object_set_new(j, "WhatId", json_string(w->deal_id));
	if (w->st.owner && id_ok(w->st.owner))
		json_object_set_new(j, "WhoId", json_string(w->st.owner));
	char *text = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(j);
	free(subject);
	free(desc);
	return text;
}

/* The key as a URL path segment; NULL when it is no key of ours. */
static char *key_segment(const char *key)
{
	if (!key || !*key || strlen(key) > 255)
		return NULL;
	return http_escape(key);
}

static enum mk_err sf_find_by_key(void *ctx, const char *deal_id, const char *key, char **remote_id,
				  struct mk_diag *diag)
{
	struct sf_ctx *c = ctx;
	struct id_list l = { NULL, 0 };
	enum mk_err err;
	(void)deal_id; /* the key is unique in the org */
	*remote_id = NULL;
	if ((err = check_task_field(c, diag)) != MK_OK)
		return err;
	char *lit = sf_soql_escape(key ? key : "");
	char *soql = mk_sprintf("SELECT Id FROM Task WHERE %s = '%s' AND IsDeleted = false",
				c->cfg->sf_external_id, lit);
	err = sf_query(c, soql, 1, "Tasks", add_id, &l, diag);
	if (!err && l.n)
		*remote_id = mk_strdup(l.ids[0]);
	id_list_release(&l);
	free(lit);
	free(soql);
	return err;
}

/* The upsert's reply into *remote_id. */
static enum mk_err upsert_reply(struct sf_ctx *c, const struct crm_want *w, long status, struct mk_buf *body,
				const char *what, char **remote_id, struct mk_diag *diag)
{
	int created = 0;
	enum mk_err err;
	if (status == 300) {
		mk_diag_set(diag, "", 0, SF ": %s: more than one Task has %s %s: delete the extra ones", what,
			    c->cfg->sf_external_id, w->it->key);
		return MK_ENET;
	}
	if (status != 200 && status != 201 && status != 204)
		return sf_parse_error(body, status, what, diag);
	if ((err = sf_parse_upsert(body, status, remote_id, &created, diag)) != MK_OK)
		return err;
	if (!*remote_id && w->it->remote_id) /* 204: an update, the id is known */
		*remote_id = mk_strdup(w->it->remote_id);
	if (!*remote_id && (err = sf_find_by_key(c, w->deal_id, w->it->key, remote_id, diag)) == MK_OK &&
	    !*remote_id) {
		mk_diag_set(diag, "", 0, SF ": %s: the reply names no Task", what);
		err = MK_ENET;
	}
	return err;
}

static enum mk_err sf_upsert(void *ctx, const struct crm_want *w, char **remote_id, char **modified,
			     struct mk_diag *diag)
{
	struct sf_ctx *c = ctx;
	struct mk_buf body;
	char *seg = key_segment(w->it->key), *json = NULL, *path = NULL, *what;
	long status = 0;
	enum mk_err err;

	*remote_id = *modified = NULL;
	what = mk_sprintf("upsert of Task %s", w->it->key ? w->it->key : "");
	mk_buf_init(&body);
	if (!seg || !id_ok(w->deal_id)) {
		mk_diag_set(diag, "", 0, SF ": %s: no key or no Opportunity id", what);
		err = MK_EARG;
		goto out;
	}
	if ((err = check_task_field(c, diag)) != MK_OK)
		goto out;
	json = task_json(w);
	path = mk_sprintf("sobjects/Task/%s/%s", c->cfg->sf_external_id, seg);
	if ((err = sf_call(c, "PATCH", path, json, &status, &body, diag)) == MK_OK)
		err = upsert_reply(c, w, status, &body, what, remote_id, diag);
out:
	mk_buf_release(&body);
	free(seg);
	free(json);
	free(path);
	free(what);
	return err;
}

struct task_list {
	const char *ext;
	struct crm_task *v;
	size_t n;
};

static void add_task(void *arg, json_t *rec)
{
	struct task_list *l = arg;
	struct crm_task t;
	sf_task_from_json(rec, l->ext, &t);
	if (!t.id) {
		crm_task_release(&t);
		return;
	}
	l->v = mk_realloc(l->v, (l->n + 1) * sizeof *l->v);
	l->v[l->n++] = t;
}

static enum mk_err sf_tasks(void *ctx, const char *deal_id, const struct mk_crm_item *items, size_t n,
			    struct crm_task **out, size_t *nout, struct mk_diag *diag)
{
	struct sf_ctx *c = ctx;
	const char *ext = c->cfg->sf_external_id;
	struct task_list l = { ext, NULL, 0 };
	enum mk_err err;
	(void)items; /* every task of ours carries its key */
	(void)n;
	*out = NULL;
	*nout = 0;
	if (!id_ok(deal_id)) {
		mk_diag_set(diag, "", 0, SF ": '%s' is not an Opportunity id", deal_id ? deal_id : "");
		return MK_EARG;
	}
	if ((err = check_task_field(c, diag)) != MK_OK)
		return err;
	char *soql = mk_sprintf("SELECT Id, %s, Subject, ActivityDate, Status, IsClosed, WhoId, LastModifiedDate "
				"FROM Task WHERE WhatId = '%s' AND %s != null AND IsDeleted = false",
				ext, deal_id, ext);
	err = sf_query(c, soql, 1, "Tasks", add_task, &l, diag);
	free(soql);
	if (err) {
		for (size_t i = 0; i < l.n; i++)
			crm_task_release(&l.v[i]);
		free(l.v);
		return err;
	}
	*out = l.v;
	*nout = l.n;
	return MK_OK;
}

/* ---- the deal's next step and health ------------------------------------------------- */

static enum mk_err sf_next_step(void *ctx, const char *deal_id, const char *next_step, const char *health,
				struct mk_diag *diag)
{
	struct sf_ctx *c = ctx;
	struct mk_buf body;
	enum mk_err err = MK_OK;
	long status = 0;
	int external = 0;
	if (!id_ok(deal_id)) {
		mk_diag_set(diag, "", 0, SF ": '%s' is not an Opportunity id", deal_id ? deal_id : "");
		return MK_EARG;
	}
	if (health && !c->opp_checked) {
		if ((err = describe_field(c, "Opportunity", c->cfg->sf_health_field, &c->has_health, &external,
					  diag)) != MK_OK)
			return err;
		c->opp_checked = 1;
	}
	json_t *j = json_object();
	if (next_step) {
		char *ns = sf_cut_chars(next_step, SF_MAX_TEXT);
		json_object_set_new(j, "NextStep", json_string(ns));
		free(ns);
	}
	if (health && c->has_health)
		json_object_set_new(j, c->cfg->sf_health_field, json_string(health));
	if (json_object_size(j)) {
		char *text = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
		char *path = mk_sprintf("sobjects/Opportunity/%s", deal_id);
		char *what = mk_sprintf("next step of Opportunity %s", deal_id);
		mk_buf_init(&body);
		err = sf_call(c, "PATCH", path, text, &status, &body, diag);
		if (!err && status != 204 && status != 200)
			err = sf_parse_error(&body, status, what, diag);
		mk_buf_release(&body);
		free(text);
		free(path);
		free(what);
	}
	json_decref(j);
	return err;
}

static char *sf_record_url(const struct remote_config *cfg, const char *kind, const char *remote_id)
{
	const char *sobject = kind && !strcmp(kind, "task") ? "Task" : kind && !strcmp(kind, "deal") ? "Opportunity"
												 : NULL;
	if (!cfg->sf_domain || !sobject || !id_ok(remote_id))
		return NULL;
	char *root = no_slash(cfg->sf_domain), *url = mk_sprintf("%s/lightning/r/%s/%s/view", root, sobject,
								  remote_id);
	free(root);
	return url;
}

const struct crm_backend crm_salesforce = {
	.crm = MK_CRM_SALESFORCE,
	.open = sf_open,
	.close = sf_close,
	.deal_get = sf_deal_get,
	.deal_find = sf_deal_find,
	.status_of = sf_status_of,
	.owner_of = sf_owner_of,
	.upsert = sf_upsert,
	.find_by_key = sf_find_by_key,
	.tasks = sf_tasks,
	.next_step = sf_next_step,
	.record_url = sf_record_url,
};
