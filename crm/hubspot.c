/*
 * hubspot.c: the HubSpot backend of the CRM engine (crm.h's struct crm_backend) over the CRM
 * v3 API with a private app's access token: deals read, searched and given a next step;
 * tasks created (associated to the deal), updated, found by the mapping key in their body and
 * listed per deal; owners looked up by e-mail. Does not touch the store or decide what is
 * sent (crm/crm.c does). Invariant: the token goes into the Authorization header only; every
 * failure is one line that says what to fix (hs_error_line).
 */
#include "crm/hubspot.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define HS "hubspot"
#define HS_HEALTH_PROPERTY "mapkeeper_plan_health"
#define HS_TASK_TO_DEAL 216      /* HUBSPOT_DEFINED association type: task to deal */
#define HS_PAGE_LIMIT 100        /* results per search page */
#define HS_MAX_PAGES 100         /* the search API stops at 10,000 results */
#define HS_BATCH 100             /* ids per batch read */
#define HS_MSG_MAX 200           /* bytes of the server's message in a line */

/* The documented scopes (docs/crm.md), named when a 403 reply lists none. */
#define SCOPE_DEALS_READ   "crm.objects.deals.read"
#define SCOPE_DEALS_WRITE  "crm.objects.deals.write"
#define SCOPE_TASKS_READ   "crm.objects.contacts.read"
#define SCOPE_TASKS_WRITE  "crm.objects.contacts.write"
#define SCOPE_OWNERS_READ  "crm.objects.owners.read"
#define SCOPE_SCHEMAS_READ "crm.schemas.deals.read"

static const char *const task_props[] = { "hs_task_subject", "hs_task_body", "hs_timestamp", "hs_task_status",
					  "hubspot_owner_id", "hs_lastmodifieddate", NULL };

/* ---- pure: tasks, keys, dates, bodies ------------------------------------------------ */

void hs_tasks_release(struct hs_tasks *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++)
		crm_task_release(&t->v[i]);
	free(t->v);
	memset(t, 0, sizeof *t);
}

static int key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

char *hs_body_key(const char *body)
{
	static const char mark[] = "(key ";
	for (const char *p = body; p && (p = strstr(p, mark)); p++) {
		const char *k = p + sizeof mark - 1, *e = k;
		while (key_char(*e))
			e++;
		if (*e == ')' && e - k > 3 && !strncmp(k, "mk-", 3))
			return mk_strndup(k, (size_t)(e - k));
	}
	return NULL;
}

/* Is t "HH:MM:SS" with optional ".000" then "Z" at midnight? */
static int at_midnight(const char *t)
{
	if (strncmp(t, "00:00:00", 8))
		return 0;
	t += 8;
	if (*t == '.')
		for (t++; *t == '0'; t++)
			;
	return !strcmp(t, "Z");
}

int hs_due_of(const char *ts, const char *body, char out[11])
{
	struct mk_date d;
	size_t n = ts ? strspn(ts, "0123456789") : 0;
	if (!ts || !*ts)
		return 0;
	if (n == strlen(ts) && n >= 10 && n <= 15) { /* epoch milliseconds */
		long long ms = atoll(ts);
		if (body && strstr(body, HS_NO_DUE) && ms % 86400000LL == 0)
			return 0;
		d = mk_date_from_days((long)(ms / 86400000LL));
	} else {
		if (mk_date_parse(ts, &d) != MK_OK)
			return 0;
		if (ts[10] == 'T' && at_midnight(ts + 11) && body && strstr(body, HS_NO_DUE))
			return 0;
	}
	if (!mk_date_valid(d.y, d.m, d.d))
		return 0;
	mk_date_format(d, out, 11);
	return 1;
}

char *hs_timestamp_of(const char *due, time_t now)
{
	char day[11];
	if (due && remote_day_ok(due))
		return mk_sprintf("%sT12:00:00Z", due);
	mk_date_format(mk_date_from_days((long)(now / 86400)), day, sizeof day);
	return mk_sprintf("%sT00:00:00Z", day);
}

char *hs_body_of(const char *description, int has_due)
{
	struct mk_buf b;
	mk_buf_init(&b);
	for (const char *p = description ? description : ""; *p; p++) {
		if (*p == '&')
			mk_buf_adds(&b, "&amp;");
		else if (*p == '<')
			mk_buf_adds(&b, "&lt;");
		else if (*p == '>')
			mk_buf_adds(&b, "&gt;");
		else if (*p == '\n')
			mk_buf_adds(&b, "<br>");
		else if (*p != '\r')
			mk_buf_addc(&b, *p);
	}
	if (!has_due)
		mk_buf_addf(&b, "%s%s", b.len ? "<br>" : "", HS_NO_DUE);
	if (!b.s)
		mk_buf_add(&b, "", 0);
	return mk_buf_detach(&b);
}

/* An id as HubSpot gives it: a string, or a number in older replies. */
static char *id_of(json_t *v)
{
	if (json_is_string(v) && *json_string_value(v))
		return mk_strdup(json_string_value(v));
	if (json_is_integer(v))
		return mk_sprintf("%lld", (long long)json_integer_value(v));
	return NULL;
}

/* One task object ({"id", "properties": {...}}) into t; 0 when it has no id. */
static int parse_task(json_t *o, struct crm_task *t)
{
	json_t *p = json_object_get(o, "properties");
	const char *body = json_string_value(json_object_get(p, "hs_task_body"));
	const char *status = json_string_value(json_object_get(p, "hs_task_status"));
	char due[11];
	memset(t, 0, sizeof *t);
	if (!(t->id = id_of(json_object_get(o, "id"))))
		return 0;
	t->key = hs_body_key(body);
	t->st.subject = remote_json_str(p, "hs_task_subject");
	if (hs_due_of(json_string_value(json_object_get(p, "hs_timestamp")), body, due))
		t->st.due = mk_strdup(due);
	t->st.status = status ? mk_strdup(status) : NULL;
	t->st.owner = id_of(json_object_get(p, "hubspot_owner_id"));
	t->done = status && !strcmp(status, "COMPLETED");
	t->waiting = status && !strcmp(status, "WAITING");
	t->modified = remote_json_str(p, "hs_lastmodifieddate");
	if (!t->modified)
		t->modified = remote_json_str(o, "updatedAt");
	return 1;
}

static enum mk_err parse_object(const char *body, size_t len, json_t **out, struct mk_diag *diag)
{
	struct mk_buf b = { (char *)body, len, len };
	return remote_parse_json(HS, &b, out, diag);
}

enum mk_err hs_parse_tasks(const char *body, size_t len, struct hs_tasks *out, char **after,
			   struct mk_diag *diag)
{
	json_t *j = NULL, *o;
	size_t i;
	enum mk_err err = parse_object(body, len, &j, diag);
	if (after)
		*after = NULL;
	if (err != MK_OK)
		return err;
	json_array_foreach(json_object_get(j, "results"), i, o) {
		out->v = mk_grow(out->v, &out->cap, out->n + 1, sizeof *out->v);
		if (parse_task(o, &out->v[out->n]))
			out->n++;
	}
	if (after) {
		json_t *next = json_object_get(json_object_get(json_object_get(j, "paging"), "next"), "after");
		*after = id_of(next);
	}
	json_decref(j);
	return MK_OK;
}

enum mk_err hs_parse_assoc(const char *body, size_t len, char ***ids, size_t *n, char **after,
			   struct mk_diag *diag)
{
	json_t *j = NULL, *o;
	size_t i;
	enum mk_err err = parse_object(body, len, &j, diag);
	*after = NULL;
	if (err != MK_OK)
		return err;
	json_array_foreach(json_object_get(j, "results"), i, o) {
		char *id = id_of(json_object_get(o, "toObjectId"));
		if (id) {
			*ids = mk_realloc(*ids, (*n + 1) * sizeof **ids);
			(*ids)[(*n)++] = id;
		}
	}
	*after = id_of(json_object_get(json_object_get(json_object_get(j, "paging"), "next"), "after"));
	json_decref(j);
	return MK_OK;
}

/* ---- pure: the one-line errors ------------------------------------------------------- */

/* s as one line of at most HS_MSG_MAX bytes (cut on a UTF-8 boundary) appended to b. */
static void add_line(struct mk_buf *b, const char *s)
{
	size_t n = 0;
	for (; s[n] && n < HS_MSG_MAX; n++)
		;
	while (n > 0 && s[n] && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	for (size_t i = 0; i < n; i++)
		mk_buf_addc(b, (unsigned char)s[i] < 0x20 ? ' ' : s[i]);
	if (s[n])
		mk_buf_adds(b, "...");
}

/* The scopes a MISSING_SCOPES reply names (errors[].context.requiredGranularScopes). */
static void add_scopes(struct mk_buf *b, json_t *j, const char *scope)
{
	json_t *e, *s;
	size_t i, k, before = b->len;
	int all = 0;
	json_array_foreach(json_object_get(j, "errors"), i, e) {
		const char *m = json_string_value(json_object_get(e, "message"));
		all |= m && !strncmp(m, "All ", 4);
		json_array_foreach(json_object_get(json_object_get(e, "context"), "requiredGranularScopes"), k, s) {
			if (!json_is_string(s))
				continue;
			if (b->len > before)
				mk_buf_adds(b, "|");
			add_line(b, json_string_value(s));
		}
	}
	if (b->len == before) {
		mk_buf_adds(b, scope ? scope : "the scopes docs/crm.md lists");
		return;
	}
	/* "a|b|c" -> "a, b or c" ("and" when all are required) */
	char *list = mk_strdup(b->s + before), *last = strrchr(list, '|');
	b->len = before;
	b->s[before] = '\0';
	for (char *p = list; *p; p++) {
		if (p == last)
			mk_buf_adds(b, all ? " and " : " or ");
		else if (*p == '|')
			mk_buf_adds(b, ", ");
		else
			mk_buf_addc(b, *p);
	}
	free(list);
}

/* The reply's own words: errors[0].message for a validation error, else message. */
static const char *reply_message(json_t *j, const char *category)
{
	const char *m = json_string_value(json_object_get(j, "message"));
	const char *first = json_string_value(json_object_get(json_array_get(json_object_get(j, "errors"), 0),
							  "message"));
	if (category && !strcmp(category, "VALIDATION_ERROR") && first && *first)
		return first;
	return m && *m ? m : first;
}

void hs_error_line(long status, const char *body, size_t len, const char *scope, char *out, size_t outlen)
{
	json_error_t je;
	json_t *j = body && len ? json_loadb(body, len, 0, &je) : NULL;
	const char *cat = json_string_value(json_object_get(j, "category"));
	const char *msg = reply_message(j, cat);
	struct mk_buf b;
	mk_buf_init(&b);
	mk_buf_adds(&b, HS ": ");
	if (status == 401) {
		mk_buf_adds(&b, "the access token was refused (HTTP 401): check HUBSPOT_TOKEN");
		msg = NULL;
	} else if (status == 403 && ((cat && !strcmp(cat, "MISSING_SCOPES")) || (!cat && !msg))) {
		mk_buf_adds(&b, "the private app lacks a scope (HTTP 403): give it ");
		add_scopes(&b, j, scope);
		msg = NULL;
	} else if (status == 403) {
		mk_buf_adds(&b, "permission denied (HTTP 403)");
	} else if (status == 404) {
		mk_buf_adds(&b, "not found (HTTP 404)");
	} else if (status == 409) {
		mk_buf_adds(&b, "conflict (HTTP 409)");
	} else if (status == 400) {
		mk_buf_adds(&b, "a value was refused (HTTP 400)");
	} else if (status == 429) {
		mk_buf_adds(&b, "rate limited (HTTP 429): try again later");
		msg = NULL;
	} else if (status >= 500) {
		mk_buf_addf(&b, "server error (HTTP %ld)", status);
	} else {
		mk_buf_addf(&b, "request failed (HTTP %ld)", status);
	}
	if (msg && *msg) {
		mk_buf_adds(&b, ": ");
		add_line(&b, msg);
	}
	snprintf(out, outlen, "%s", b.s);
	mk_buf_release(&b);
	json_decref(j);
}

/* ---- the client ---------------------------------------------------------------------- */

struct hs_ctx {
	struct remote_config *cfg;
	struct http_opts net;
	char **owner_email, **owner_id; /* owner_of's answers this run (id NULL: none) */
	size_t nowners;
	int health;                     /* the deal property exists: 1, 0, or -1 not asked yet */
};

/* METHOD api+path with the token (req as JSON, or no body): *status and reply. */
static enum mk_err hs_call(struct hs_ctx *c, const char *method, const char *path, json_t *req, int once,
			   long *status, struct mk_buf *reply, struct mk_diag *diag)
{
	const char *api = c->cfg->hs_api;
	size_t n = strlen(api);
	char *url = mk_sprintf("%.*s%s", (int)(n && api[n - 1] == '/' ? n - 1 : n), api, path);
	char *text = req ? json_dumps(req, JSON_COMPACT) : NULL;
	struct http_req r = { .method = method, .url = url, .body = text,
			      .content_type = text ? "application/json" : NULL, .accept = "application/json",
			      .bearer = c->cfg->hs_token, .max_bytes = c->cfg->max_json_bytes, .once = once };
	enum mk_err err = http_do(&c->net, &r, status, reply, diag);
	free(url);
	free(text);
	return err;
}

/* The one line of a reply that is not 2xx into diag: MK_ENET. */
static enum mk_err reply_failed(long status, const struct mk_buf *reply, const char *scope, struct mk_diag *diag)
{
	char line[512];
	hs_error_line(status, reply->s, reply->len, scope, line, sizeof line);
	mk_diag_set(diag, "", 0, "%s", line);
	return MK_ENET;
}

/*
 * hs_call, then the reply: a 2xx JSON object into *out (when out); else one line and
 * MK_ENET (MK_ENOTFOUND on a 404, for the caller to say what was not found).
 */
static enum mk_err hs_json(struct hs_ctx *c, const char *method, const char *path, json_t *req, int once,
			   const char *scope, json_t **out, long *status, struct mk_diag *diag)
{
	struct mk_buf reply;
	enum mk_err err;
	if (out)
		*out = NULL;
	mk_buf_init(&reply);
	err = hs_call(c, method, path, req, once, status, &reply, diag);
	if (err == MK_OK && (*status < 200 || *status > 299)) {
		err = reply_failed(*status, &reply, scope, diag);
		if (*status == 404)
			err = MK_ENOTFOUND;
	} else if (err == MK_OK && out) {
		err = remote_parse_json(HS, &reply, out, diag);
	}
	mk_buf_release(&reply);
	return err;
}

static enum mk_err hs_open(struct remote_config *cfg, void **ctx, struct mk_diag *diag)
{
	enum mk_err err;
	*ctx = NULL;
	if (!cfg->hs_token || !*cfg->hs_token) {
		mk_diag_set(diag, "", 0, HS ": credentials missing: set HUBSPOT_TOKEN (a private app's access token)");
		return MK_EARG;
	}
	if (!cfg->hs_api || (err = http_check_url(HS, cfg->hs_api, diag)) != MK_OK) {
		if (!cfg->hs_api)
			mk_diag_set(diag, "", 0, HS ": MAPKEEPER_HUBSPOT_API is empty");
		return MK_EARG;
	}
	struct hs_ctx *c = mk_calloc(1, sizeof *c);
	c->cfg = cfg;
	c->net = cfg->net;
	c->net.service = HS;
	c->health = -1;
	*ctx = c;
	return MK_OK;
}

static void hs_close(void *ctx)
{
	struct hs_ctx *c = ctx;
	if (!c)
		return;
	for (size_t i = 0; i < c->nowners; i++) {
		free(c->owner_email[i]);
		free(c->owner_id[i]);
	}
	free(c->owner_email);
	free(c->owner_id);
	free(c);
}

static const char *hs_status_of(enum mk_status s)
{
	switch (s) {
	case MK_STATUS_DONE:
		return "COMPLETED";
	case MK_STATUS_BLOCKED:
		return "WAITING";
	case MK_STATUS_DROPPED:
		return "DEFERRED";
	default:
		return "NOT_STARTED";
	}
}

/* ---- deals --------------------------------------------------------------------------- */

static enum mk_err hs_deal_get(void *ctx, const char *remote_id, char **name, struct mk_diag *diag)
{
	char *id = http_escape(remote_id), *path = mk_sprintf("/crm/v3/objects/deals/%s?properties=dealname", id);
	json_t *j = NULL;
	long status = 0;
	enum mk_err err = hs_json(ctx, "GET", path, NULL, 0, SCOPE_DEALS_READ, &j, &status, diag);
	*name = NULL;
	if (err == MK_ENOTFOUND)
		mk_diag_set(diag, "", 0, HS ": no deal %s (check the id)", remote_id);
	else if (err == MK_OK)
		*name = remote_json_str(json_object_get(j, "properties"), "dealname");
	if (err == MK_OK && !*name)
		*name = mk_strdup("");
	json_decref(j);
	free(id);
	free(path);
	return err;
}

/* A search body: one filter group of (property, operator, value) triples (NULL-ended). */
static json_t *search_req(const char *const *f, const char *const *props, int limit, const char *after)
{
	json_t *filters = json_array(), *names = json_array();
	for (size_t i = 0; f[i]; i += 3)
		json_array_append_new(filters, json_pack("{s:s,s:s,s:s}", "propertyName", f[i], "operator", f[i + 1],
							 "value", f[i + 2]));
	for (size_t i = 0; props[i]; i++)
		json_array_append_new(names, json_string(props[i]));
	json_t *req = json_pack("{s:[{s:o}],s:o,s:i}", "filterGroups", "filters", filters, "properties", names,
				"limit", limit);
	if (after)
		json_object_set_new(req, "after", json_string(after));
	return req;
}

static void strv_push(char ***v, size_t *n, const char *s)
{
	*v = mk_realloc(*v, (*n + 1) * sizeof **v);
	(*v)[(*n)++] = mk_strdup(s);
}

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* One page of a deal search: the ids named name (any case) appended; *after the next. */
static void deal_page(json_t *j, const char *name, char ***ids, size_t *n, char **after)
{
	json_t *o;
	size_t i;
	json_array_foreach(json_object_get(j, "results"), i, o) {
		const char *dn = json_string_value(json_object_get(json_object_get(o, "properties"), "dealname"));
		char *id = id_of(json_object_get(o, "id"));
		if (id && dn && mk_strieq(dn, name))
			strv_push(ids, n, id);
		free(id);
	}
	*after = id_of(json_object_get(json_object_get(json_object_get(j, "paging"), "next"), "after"));
}

static enum mk_err hs_deal_find(void *ctx, const char *name, char ***ids, size_t *n, struct mk_diag *diag)
{
	static const char *const props[] = { "dealname", NULL };
	const char *f[] = { "dealname", "EQ", name, NULL };
	char *after = NULL;
	enum mk_err err = MK_OK;
	*ids = NULL;
	*n = 0;
	for (int page = 0; err == MK_OK && page < HS_MAX_PAGES; page++) {
		json_t *req = search_req(f, props, HS_PAGE_LIMIT, after), *j = NULL;
		long status = 0;
		err = hs_json(ctx, "POST", "/crm/v3/objects/deals/search", req, 0, SCOPE_DEALS_READ, &j, &status, diag);
		json_decref(req);
		free(after);
		after = NULL;
		if (err == MK_OK)
			deal_page(j, name, ids, n, &after);
		json_decref(j);
		if (!after)
			break;
	}
	free(after);
	if (err != MK_OK) {
		strv_free(*ids, *n);
		*ids = NULL;
		*n = 0;
	}
	return err;
}

/* Is the deal property mapkeeper_plan_health there (asked once a run; no scope: no)? */
static int has_health(struct hs_ctx *c)
{
	long status = 0;
	struct mk_diag ignored;
	if (c->health < 0) {
		enum mk_err err = hs_json(c, "GET", "/crm/v3/properties/deals/" HS_HEALTH_PROPERTY, NULL, 0,
					  SCOPE_SCHEMAS_READ, NULL, &status, &ignored);
		c->health = err == MK_OK;
	}
	return c->health;
}

static enum mk_err hs_next_step(void *ctx, const char *deal_id, const char *next_step, const char *health,
				struct mk_diag *diag)
{
	struct hs_ctx *c = ctx;
	json_t *props = json_object(), *req;
	enum mk_err err = MK_OK;
	long status = 0;
	if (next_step && c->cfg->hs_next_step && *c->cfg->hs_next_step)
		json_object_set_new(props, c->cfg->hs_next_step, json_string(next_step));
	if (health && has_health(c))
		json_object_set_new(props, HS_HEALTH_PROPERTY, json_string(health));
	if (json_object_size(props) == 0) {
		json_decref(props);
		return MK_OK;
	}
	req = json_pack("{s:o}", "properties", props);
	char *id = http_escape(deal_id), *path = mk_sprintf("/crm/v3/objects/deals/%s", id);
	err = hs_json(c, "PATCH", path, req, 0, SCOPE_DEALS_WRITE, NULL, &status, diag);
	if (err == MK_ENOTFOUND)
		mk_diag_set(diag, "", 0, HS ": no deal %s (check the id)", deal_id);
	json_decref(req);
	free(id);
	free(path);
	return err;
}

/* ---- owners -------------------------------------------------------------------------- */

static char *hs_owner_of(void *ctx, const char *deal_id, const struct mk_crm_item *it)
{
	struct hs_ctx *c = ctx;
	const char *mail = it->owner_email;
	(void)deal_id;
	if (it->gone || it->item.side != MK_SIDE_SELLER || !mail || !strchr(mail, '@'))
		return NULL;
	for (size_t i = 0; i < c->nowners; i++)
		if (mk_strieq(c->owner_email[i], mail))
			return c->owner_id[i] ? mk_strdup(c->owner_id[i]) : NULL;

	char *e = http_escape(mail), *path = mk_sprintf("/crm/v3/owners?email=%s&limit=1", e), *id = NULL;
	json_t *j = NULL;
	long status = 0;
	struct mk_diag ignored; /* no owner (or no scope for owners): the task has none */
	if (hs_json(c, "GET", path, NULL, 0, SCOPE_OWNERS_READ, &j, &status, &ignored) == MK_OK)
		id = id_of(json_object_get(json_array_get(json_object_get(j, "results"), 0), "id"));
	json_decref(j);
	free(e);
	free(path);
	c->owner_email = mk_realloc(c->owner_email, (c->nowners + 1) * sizeof *c->owner_email);
	c->owner_id = mk_realloc(c->owner_id, (c->nowners + 1) * sizeof *c->owner_id);
	c->owner_email[c->nowners] = mk_strdup(mail);
	c->owner_id[c->nowners++] = id;
	return id ? mk_strdup(id) : NULL;
}

/* ---- tasks --------------------------------------------------------------------------- */

/*
 * The properties of the item's task as sent. A create sends them all (and the type); an
 * update leaves what the engine did not give (a gone item's subject alone), and sends the
 * date with the body so that the no-due line and the date never disagree.
 */
static json_t *task_props_of(const struct crm_want *w, int create)
{
	int has_due = w->st.due && remote_day_ok(w->st.due);
	json_t *p = json_object();
	if (create || w->st.subject)
		json_object_set_new(p, "hs_task_subject", json_string(w->st.subject ? w->st.subject : ""));
	if (create || w->description) {
		char *body = hs_body_of(w->description, has_due);
		json_object_set_new(p, "hs_task_body", json_string(body));
		free(body);
	}
	if (create || w->description || has_due) {
		char *ts = hs_timestamp_of(has_due ? w->st.due : NULL, time(NULL));
		json_object_set_new(p, "hs_timestamp", json_string(ts));
		free(ts);
	}
	if (create || w->st.status)
		json_object_set_new(p, "hs_task_status", json_string(w->st.status ? w->st.status : "NOT_STARTED"));
	if (create)
		json_object_set_new(p, "hs_task_type", json_string("TODO"));
	if (w->st.owner && *w->st.owner)
		json_object_set_new(p, "hubspot_owner_id", json_string(w->st.owner));
	return p;
}

/* The created or updated task's id and last-modified stamp from its reply. */
static void task_reply(json_t *j, const char *known, char **remote_id, char **modified)
{
	*remote_id = id_of(json_object_get(j, "id"));
	if (!*remote_id && known)
		*remote_id = mk_strdup(known);
	*modified = remote_json_str(json_object_get(j, "properties"), "hs_lastmodifieddate");
	if (!*modified)
		*modified = remote_json_str(j, "updatedAt");
}

static enum mk_err task_update(struct hs_ctx *c, const struct crm_want *w, char **remote_id, char **modified,
			       struct mk_diag *diag)
{
	json_t *req = json_pack("{s:o}", "properties", task_props_of(w, 0)), *j = NULL;
	char *id = http_escape(w->it->remote_id), *path = mk_sprintf("/crm/v3/objects/tasks/%s", id);
	long status = 0;
	enum mk_err err = hs_json(c, "PATCH", path, req, 0, SCOPE_TASKS_WRITE, &j, &status, diag);
	if (err == MK_ENOTFOUND)
		mk_diag_set(diag, "", 0, HS ": task %s was deleted in HubSpot", w->it->remote_id);
	else if (err == MK_OK)
		task_reply(j, w->it->remote_id, remote_id, modified);
	json_decref(req);
	json_decref(j);
	free(id);
	free(path);
	return err;
}

static enum mk_err task_create(struct hs_ctx *c, const struct crm_want *w, char **remote_id, char **modified,
			       struct mk_diag *diag)
{
	json_t *assoc = json_pack("[{s:{s:s},s:[{s:s,s:i}]}]", "to", "id", w->deal_id, "types",
				  "associationCategory", "HUBSPOT_DEFINED", "associationTypeId", HS_TASK_TO_DEAL);
	json_t *req = json_pack("{s:o,s:o}", "properties", task_props_of(w, 1), "associations", assoc), *j = NULL;
	long status = 0;
	enum mk_err err = hs_json(c, "POST", "/crm/v3/objects/tasks", req, 1, SCOPE_TASKS_WRITE, &j, &status, diag);
	if (err == MK_OK)
		task_reply(j, NULL, remote_id, modified);
	if (err == MK_OK && !*remote_id) {
		mk_diag_set(diag, "", 0, HS ": the created task's reply has no id: the next push looks for it");
		free(*modified);
		*modified = NULL;
		err = MK_ENET;
	} else if (err == MK_ENOTFOUND) {
		mk_diag_set(diag, "", 0, HS ": no deal %s to put the task on (check the link)", w->deal_id);
	} else if (err != MK_OK && (status == 0 || status >= 500)) {
		char line[sizeof diag->msg];
		snprintf(line, sizeof line, "%s", diag->msg);
		mk_diag_set(diag, "", 0, "%s: the task may have been made; the next push looks for it", line);
	}
	json_decref(req);
	json_decref(j);
	return err;
}

static enum mk_err hs_upsert(void *ctx, const struct crm_want *w, char **remote_id, char **modified,
			     struct mk_diag *diag)
{
	*remote_id = *modified = NULL;
	if (w->it->remote_id && *w->it->remote_id)
		return task_update(ctx, w, remote_id, modified, diag);
	return task_create(ctx, w, remote_id, modified, diag);
}

/* Every page of a task search (f: filters) into out, at most HS_MAX_PAGES. */
static enum mk_err task_search(struct hs_ctx *c, const char *const *f, int limit, int all, struct hs_tasks *out,
			       struct mk_diag *diag)
{
	char *after = NULL;
	enum mk_err err = MK_OK;
	for (int page = 0;; page++) {
		if (page >= HS_MAX_PAGES) {
			mk_diag_set(diag, "", 0, HS ": the deal has more than %d tasks", HS_MAX_PAGES * limit);
			err = MK_ENET;
			break;
		}
		json_t *req = search_req(f, task_props, limit, after);
		struct mk_buf reply;
		long status = 0;
		mk_buf_init(&reply);
		err = hs_call(c, "POST", "/crm/v3/objects/tasks/search", req, 0, &status, &reply, diag);
		json_decref(req);
		free(after);
		after = NULL;
		if (err == MK_OK && (status < 200 || status > 299)) {
			err = reply_failed(status, &reply, SCOPE_TASKS_READ, diag);
		} else if (err == MK_OK) {
			err = hs_parse_tasks(reply.s, reply.len, out, all ? &after : NULL, diag);
		}
		mk_buf_release(&reply);
		if (err != MK_OK || !after)
			break;
	}
	free(after);
	return err;
}

static int has_task(const struct hs_tasks *t, const char *id)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->v[i].id, id))
			return 1;
	return 0;
}

/* The tasks ids[0..n) by id, in batches, appended to t; an id HubSpot does not have (a task
 * deleted) is left out. */
static enum mk_err read_ids(struct hs_ctx *c, char *const *ids, size_t n, struct hs_tasks *t, struct mk_diag *diag)
{
	enum mk_err err = MK_OK;
	for (size_t i = 0; i < n && err == MK_OK;) {
		json_t *inputs = json_array(), *names = json_array();
		for (; i < n && json_array_size(inputs) < HS_BATCH; i++)
			json_array_append_new(inputs, json_pack("{s:s}", "id", ids[i]));
		for (size_t k = 0; task_props[k]; k++)
			json_array_append_new(names, json_string(task_props[k]));
		json_t *req = json_pack("{s:o,s:o}", "properties", names, "inputs", inputs);
		struct mk_buf reply;
		long status = 0;
		mk_buf_init(&reply);
		err = hs_call(c, "POST", "/crm/v3/objects/tasks/batch/read", req, 0, &status, &reply, diag);
		if (err == MK_OK && (status == 200 || status == 207)) {
			err = hs_parse_tasks(reply.s, reply.len, t, NULL, diag);
		} else if (err == MK_OK && status != 404) {
			err = reply_failed(status, &reply, SCOPE_TASKS_READ, diag);
		}
		mk_buf_release(&reply);
		json_decref(req);
	}
	return err;
}

/*
 * The items' tasks a search did not list (the search index lags behind a write by seconds):
 * read by id; an id missing from the reply is a task deleted in HubSpot.
 */
static enum mk_err read_missing(struct hs_ctx *c, const struct mk_crm_item *items, size_t n, struct hs_tasks *t,
				struct mk_diag *diag)
{
	char **ids = NULL;
	size_t nids = 0;
	enum mk_err err;
	for (size_t i = 0; i < n; i++)
		if (items[i].remote_id && *items[i].remote_id && !has_task(t, items[i].remote_id))
			strv_push(&ids, &nids, items[i].remote_id);
	err = read_ids(c, ids, nids, t, diag);
	strv_free(ids, nids);
	return err;
}

/* The ids of the deal's tasks from its associations (read from the records, not the search
 * index), every page. */
static enum mk_err deal_task_ids(struct hs_ctx *c, const char *deal_id, char ***ids, size_t *n,
				 struct mk_diag *diag)
{
	char *id = http_escape(deal_id), *after = NULL;
	enum mk_err err = MK_OK;
	for (int page = 0; err == MK_OK && page < HS_MAX_PAGES; page++) {
		char *a = after ? http_escape(after) : NULL;
		char *path = mk_sprintf("/crm/v4/objects/deals/%s/associations/tasks?limit=500%s%s", id,
					a ? "&after=" : "", a ? a : "");
		struct mk_buf reply;
		long status = 0;
		mk_buf_init(&reply);
		free(after);
		after = NULL;
		err = hs_call(c, "GET", path, NULL, 0, &status, &reply, diag);
		if (err == MK_OK && (status < 200 || status > 299)) {
			err = reply_failed(status, &reply, SCOPE_DEALS_READ, diag);
		} else if (err == MK_OK) {
			err = hs_parse_assoc(reply.s, reply.len, ids, n, &after, diag);
		}
		mk_buf_release(&reply);
		free(path);
		free(a);
		if (!after)
			break;
	}
	free(after);
	free(id);
	return err;
}

/* The id of the task in t whose body holds key (a new string), or NULL. */
static char *task_with_key(const struct hs_tasks *t, const char *key)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].key && !strcmp(t->v[i].key, key))
			return mk_strdup(t->v[i].id);
	return NULL;
}

/*
 * The key as a token of the body among the deal's tasks; when the search finds none (its
 * index lags a create by seconds, or splits the key otherwise), every task associated to the
 * deal, read by id. Asked only for an item left pending, so the second way is rare.
 */
static enum mk_err hs_find_by_key(void *ctx, const char *deal_id, const char *key, char **remote_id,
				  struct mk_diag *diag)
{
	const char *f[] = { "hs_task_body", "CONTAINS_TOKEN", key, "associations.deal", "EQ", deal_id, NULL };
	struct hs_tasks found = { 0 };
	char **ids = NULL;
	size_t n = 0;
	enum mk_err err = task_search(ctx, f, 10, 0, &found, diag);
	*remote_id = err == MK_OK ? task_with_key(&found, key) : NULL;
	if (err == MK_OK && !*remote_id) {
		hs_tasks_release(&found);
		if ((err = deal_task_ids(ctx, deal_id, &ids, &n, diag)) == MK_OK)
			err = read_ids(ctx, ids, n, &found, diag);
		*remote_id = err == MK_OK ? task_with_key(&found, key) : NULL;
	}
	strv_free(ids, n);
	hs_tasks_release(&found);
	return err;
}

/* Is t ours: a mapkeeper key in its body, or an item's task? */
static int ours(const struct crm_task *t, const struct mk_crm_item *items, size_t n)
{
	if (t->key)
		return 1;
	for (size_t i = 0; i < n; i++)
		if (items[i].remote_id && !strcmp(items[i].remote_id, t->id))
			return 1;
	return 0;
}

static enum mk_err hs_tasks(void *ctx, const char *deal_id, const struct mk_crm_item *items, size_t n,
			    struct crm_task **out, size_t *nout, struct mk_diag *diag)
{
	const char *f[] = { "associations.deal", "EQ", deal_id, NULL };
	struct hs_tasks all = { 0 }, kept = { 0 };
	enum mk_err err = task_search(ctx, f, HS_PAGE_LIMIT, 1, &all, diag);
	if (err == MK_OK)
		err = read_missing(ctx, items, n, &all, diag);
	for (size_t i = 0; err == MK_OK && i < all.n; i++) {
		if (!ours(&all.v[i], items, n) || has_task(&kept, all.v[i].id))
			continue;
		kept.v = mk_grow(kept.v, &kept.cap, kept.n + 1, sizeof *kept.v);
		kept.v[kept.n++] = all.v[i];
		memset(&all.v[i], 0, sizeof all.v[i]); /* moved */
	}
	hs_tasks_release(&all);
	if (err != MK_OK)
		hs_tasks_release(&kept);
	*out = kept.v;
	*nout = kept.n;
	return err;
}

/* ---- links --------------------------------------------------------------------------- */

static char *hs_record_url(const struct remote_config *cfg, const char *kind, const char *remote_id)
{
	const char *type = kind && !strcmp(kind, "deal") ? "0-3" : kind && !strcmp(kind, "task") ? "0-27" : NULL;
	const char *app = cfg->hs_app && *cfg->hs_app ? cfg->hs_app : REMOTE_HS_APP;
	size_t n = strlen(app);
	if (!type || !cfg->hs_portal_id || !*cfg->hs_portal_id || !remote_id || !*remote_id)
		return NULL;
	char *portal = http_escape(cfg->hs_portal_id), *id = http_escape(remote_id);
	char *url = mk_sprintf("%.*s/contacts/%s/record/%s/%s", (int)(app[n - 1] == '/' ? n - 1 : n), app, portal,
			       type, id);
	free(portal);
	free(id);
	return url;
}

const struct crm_backend crm_hubspot = {
	.crm = MK_CRM_HUBSPOT,
	.open = hs_open,
	.close = hs_close,
	.deal_get = hs_deal_get,
	.deal_find = hs_deal_find,
	.status_of = hs_status_of,
	.owner_of = hs_owner_of,
	.upsert = hs_upsert,
	.find_by_key = hs_find_by_key,
	.tasks = hs_tasks,
	.next_step = hs_next_step,
	.record_url = hs_record_url,
};
