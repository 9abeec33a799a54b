/*
 * sf_parse.c: the Salesforce REST API's replies, read without the network: the OAuth token
 * reply (access_token, instance_url, or error and error_description), the error array
 * ([{"errorCode", "message", "fields"}]) as one line, a query page (records,
 * nextRecordsUrl), a Task record, a describe's fields and an upsert's reply; and SOQL
 * literals. Does not send anything (salesforce.c does). Invariant: what the server says
 * reaches a message only cut to one printable line; no token is ever copied into one.
 */
#include "crm/sf.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

char *sf_cut_chars(const char *s, size_t max)
{
	size_t at = 0, chars = 0;
	while (s[at] && chars < max) {
		at++;
		while (((unsigned char)s[at] & 0xC0) == 0x80)
			at++;
		chars++;
	}
	return mk_strndup(s, at);
}

/* What the server said, as part of a message: one line, at most 160 characters. */
static char *one_line(const char *s)
{
	char *t = sf_cut_chars(s ? s : "", 160);
	for (char *p = t; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return t;
}

char *sf_soql_escape(const char *s)
{
	struct mk_buf b;
	mk_buf_init(&b);
	for (; *s; s++) {
		switch (*s) {
		case '\'': mk_buf_adds(&b, "\\'"); break;
		case '"': mk_buf_adds(&b, "\\\""); break;
		case '\\': mk_buf_adds(&b, "\\\\"); break;
		case '\n': mk_buf_adds(&b, "\\n"); break;
		case '\r': mk_buf_adds(&b, "\\r"); break;
		case '\t': mk_buf_adds(&b, "\\t"); break;
		case '\b': mk_buf_adds(&b, "\\b"); break;
		case '\f': mk_buf_adds(&b, "\\f"); break;
		default:
			if ((unsigned char)*s >= 0x20)
				mk_buf_addc(&b, *s);
		}
	}
	if (!b.s)
		mk_buf_add(&b, "", 0);
	return mk_buf_detach(&b);
}

static json_t *load(const struct mk_buf *body)
{
	json_error_t je;
	return json_loadb(body->s ? body->s : "", body->len, JSON_REJECT_DUPLICATES, &je);
}

/* The one line for an OAuth error code of the given flow. */
static void token_error(const char *error, const char *desc, long status, int jwt, struct mk_diag *diag)
{
	const char *fix;
	if (!strcmp(error, "invalid_client_id") || (!strcmp(error, "invalid_client") && jwt))
		fix = "check SF_CLIENT_ID (the External Client App's consumer key)";
	else if (!strcmp(error, "invalid_client"))
		fix = "check SF_CLIENT_ID and SF_CLIENT_SECRET (the External Client App's consumer key and secret)";
	else if (!strcmp(error, "invalid_grant") && jwt)
		fix = "check SF_USERNAME, SF_LOGIN_URL (the audience), that the user is pre-authorized for the app "
		      "and that the app holds the key's certificate";
	else if (!strcmp(error, "invalid_grant"))
		fix = "enable the client credentials flow on the External Client App and set its Run As user";
	else if (!strcmp(error, "unsupported_grant_type"))
		fix = jwt ? "enable the JWT bearer flow on the External Client App"
			  : "enable the client credentials flow on the External Client App";
	else
		fix = "check SF_DOMAIN and the app's OAuth settings";
	char *e = one_line(error), *d = one_line(desc);
	mk_diag_set(diag, "", 0, SF ": the token was refused (HTTP %ld, %s%s%s): %s", status, e, *d ? ": " : "", d,
		    fix);
	free(e);
	free(d);
}

enum mk_err sf_parse_token(const struct mk_buf *body, long status, int jwt, struct remote_token *tok,
			   char **instance, struct mk_diag *diag)
{
	json_t *j = load(body);
	const char *error = json_string_value(json_object_get(j, "error"));
	const char *value = json_string_value(json_object_get(j, "access_token"));
	const char *inst = json_string_value(json_object_get(j, "instance_url"));
	enum mk_err err = MK_ENET;

	*instance = NULL;
	if (error && status != 200)
		token_error(error, json_string_value(json_object_get(j, "error_description")), status, jwt, diag);
	else if (status != 200)
		mk_diag_set(diag, "", 0, SF ": token request failed (HTTP %ld): check SF_DOMAIN", status);
	else if (!json_is_object(j))
		mk_diag_set(diag, "", 0, SF ": token response is not JSON");
	else if (!value || !*value)
		mk_diag_set(diag, "", 0, SF ": token response has no access_token");
	else if (inst && http_check_url(SF, inst, diag) != MK_OK)
		err = MK_ENET;
	else
		err = MK_OK;
	if (err == MK_OK) {
		remote_config_set(&tok->value, value);
		tok->renew_at = 0; /* no expires_in: kept until a 401 */
		*instance = inst && *inst ? mk_strdup(inst) : NULL;
	}
	json_decref(j);
	return err;
}

/* The first error of a reply: the array's first element, or the object itself. */
static json_t *first_error(json_t *j)
{
	if (json_is_array(j))
		return json_array_get(j, 0);
	return json_is_object(j) ? j : NULL;
}

/* The one line for an errorCode; its mk_err. */
static enum mk_err code_error(const char *code, const char *msg, const char *field, long status,
			      const char *what, struct mk_diag *diag)
{
	if (!strcmp(code, "NOT_FOUND") || !strcmp(code, "ENTITY_IS_DELETED")) {
		mk_diag_set(diag, "", 0, SF ": %s: %s (%s)", what,
			    *code == 'N' ? "not found" : "deleted in Salesforce", code);
		return MK_ENOTFOUND;
	}
	if (!strcmp(code, "REQUEST_LIMIT_EXCEEDED")) {
		mk_diag_set(diag, "", 0, SF ": the org's daily API request limit is used up (REQUEST_LIMIT_EXCEEDED): "
			    "try again once it resets, or raise it");
		return MK_ENET;
	}
	if (!strncmp(code, "INSUFFICIENT_ACCESS", 19)) {
		mk_diag_set(diag, "", 0, SF ": %s: permission denied (%s): give the app's user access to Tasks and "
			    "Opportunities%s%s", what, code, *field ? " and the field " : "", field);
		return MK_ENET;
	}
	if (!strcmp(code, "INVALID_FIELD")) {
		mk_diag_set(diag, "", 0, SF ": %s: invalid field (INVALID_FIELD: %s): check SF_EXTERNAL_ID_FIELD and "
			    "SF_HEALTH_FIELD", what, msg);
		return MK_EARG;
	}
	if (!strcmp(code, "FIELD_CUSTOM_VALIDATION_EXCEPTION")) {
		mk_diag_set(diag, "", 0, SF ": %s: a validation rule of the org refused it: %s "
			    "(FIELD_CUSTOM_VALIDATION_EXCEPTION)", what, msg);
		return MK_ENET;
	}
	if (!strcmp(code, "MALFORMED_ID")) {
		mk_diag_set(diag, "", 0, SF ": %s: malformed id (MALFORMED_ID: %s)", what, msg);
		return MK_EARG;
	}
	mk_diag_set(diag, "", 0, SF ": %s: %s: %s (HTTP %ld)", what, code, msg, status);
	return status == 404 ? MK_ENOTFOUND : MK_ENET;
}

enum mk_err sf_parse_error(const struct mk_buf *body, long status, const char *what, struct mk_diag *diag)
{
	json_t *j = load(body), *e = first_error(j);
	const char *code = json_string_value(json_object_get(e, "errorCode"));
	const char *field = json_string_value(json_array_get(json_object_get(e, "fields"), 0));
	enum mk_err err;
	if (code && *code) {
		char *c = one_line(code), *m = one_line(json_string_value(json_object_get(e, "message"))),
		     *f = one_line(field);
		err = code_error(c, m, f, status, what, diag);
		free(c);
		free(m);
		free(f);
	} else if (status == 404) {
		mk_diag_set(diag, "", 0, SF ": %s: not found (HTTP 404)", what);
		err = MK_ENOTFOUND;
	} else {
		mk_diag_set(diag, "", 0, SF ": %s failed (HTTP %ld)", what, status);
		err = MK_ENET;
	}
	json_decref(j);
	return err;
}

/* Is next a path under /services/data/ with nothing that could leave it? */
static int next_ok(const char *next)
{
	if (strncmp(next, "/services/data/", 15) || strstr(next, "..") || strstr(next, "//"))
		return 0;
	for (const char *p = next; *p; p++)
		if (!(('a' <= *p && *p <= 'z') || ('A' <= *p && *p <= 'Z') || ('0' <= *p && *p <= '9') ||
		      strchr("/._-", *p)))
			return 0;
	return 1;
}

enum mk_err sf_parse_query(const struct mk_buf *body, json_t **records, char **next, struct mk_diag *diag)
{
	json_t *j = load(body), *recs = json_object_get(j, "records");
	const char *n = json_string_value(json_object_get(j, "nextRecordsUrl"));
	*records = NULL;
	*next = NULL;
	if (!json_is_object(j) || !json_is_array(recs)) {
		mk_diag_set(diag, "", 0, SF ": query response has no records");
		json_decref(j);
		return MK_ENET;
	}
	if (n && *n && !json_is_true(json_object_get(j, "done"))) {
		if (!next_ok(n)) {
			mk_diag_set(diag, "", 0, SF ": query response's nextRecordsUrl is not under /services/data/");
			json_decref(j);
			return MK_ENET;
		}
		*next = mk_strdup(n);
	}
	*records = json_incref(recs);
	json_decref(j);
	return MK_OK;
}

void sf_task_from_json(json_t *rec, const char *ext, struct crm_task *t)
{
	memset(t, 0, sizeof *t);
	t->id = remote_json_str(rec, "Id");
	t->key = remote_json_str(rec, ext);
	t->st.subject = remote_json_str(rec, "Subject");
	t->st.due = remote_json_str(rec, "ActivityDate");
	t->st.status = remote_json_str(rec, "Status");
	t->st.owner = remote_json_str(rec, "WhoId");
	t->modified = remote_json_str(rec, "LastModifiedDate");
	t->done = json_is_true(json_object_get(rec, "IsClosed"));
	t->waiting = t->st.status && !strcmp(t->st.status, SF_STATUS_WAITING);
}

enum mk_err sf_parse_describe(const struct mk_buf *body, const char *field, int *exists, int *external,
			      struct mk_diag *diag)
{
	json_t *j = load(body), *fields = json_object_get(j, "fields"), *f;
	size_t i;
	*exists = *external = 0;
	if (!json_is_object(j) || !json_is_array(fields)) {
		mk_diag_set(diag, "", 0, SF ": describe response has no fields");
		json_decref(j);
		return MK_ENET;
	}
	json_array_foreach(fields, i, f) {
		const char *name = json_string_value(json_object_get(f, "name"));
		if (name && !strcmp(name, field)) {
			*exists = 1;
			*external = json_is_true(json_object_get(f, "externalId"));
			break;
		}
	}
	json_decref(j);
	return MK_OK;
}

enum mk_err sf_parse_upsert(const struct mk_buf *body, long status, char **id, int *created,
			    struct mk_diag *diag)
{
	json_t *j;
	*id = NULL;
	*created = status == 201;
	if (status == 204)
		return MK_OK;
	j = load(body);
	if (!json_is_object(j)) {
		mk_diag_set(diag, "", 0, SF ": upsert response is not JSON");
		json_decref(j);
		return MK_ENET;
	}
	if (json_is_false(json_object_get(j, "success"))) {
		struct mk_buf errs;
		char *text = json_dumps(json_object_get(j, "errors"), JSON_COMPACT);
		mk_buf_init(&errs);
		mk_buf_adds(&errs, text ? text : "[]");
		free(text);
		enum mk_err err = sf_parse_error(&errs, status, "upsert of a Task", diag);
		mk_buf_release(&errs);
		json_decref(j);
		return err == MK_OK ? MK_ENET : err;
	}
	*id = remote_json_str(j, "id");
	if (json_is_boolean(json_object_get(j, "created")))
		*created = json_is_true(json_object_get(j, "created"));
	json_decref(j);
	return MK_OK;
}
