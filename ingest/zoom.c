/*
 * zoom.c: the Zoom client (Server-to-Server OAuth, cloud recordings, transcript
 * download, past meetings' participants) and what both remote clients share: struct remote_config (read from the
 * environment) and struct remote_call lists.
 * Does not parse transcripts or store anything. Invariant: the access token lives in
 * cfg->zoom_token until it expires or a 401 forces one renewal; no secret or token
 * reaches a diag message.
 */
#include "ingest/remote.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* ---- configuration -------------------------------------------------------- */

void remote_config_set(char **field, const char *value)
{
	if (*field) {
		memset(*field, 0, strlen(*field)); /* may have been a secret */
		free(*field);
	}
	*field = value ? mk_strdup(value) : NULL;
}

enum mk_err remote_token_from_json(const char *who, json_t *j, time_t now, struct remote_token *tok,
				   struct mk_diag *diag)
{
	const char *value = json_string_value(json_object_get(j, "access_token"));
	json_int_t exp = json_integer_value(json_object_get(j, "expires_in"));
	if (!value || !*value) {
		mk_diag_set(diag, "", 0, "%s: token response has no access_token", who);
		return MK_ENET;
	}
	remote_config_set(&tok->value, value);
	if (exp <= 0)
		exp = 3600;
	if (exp > 86400) /* a day at most: a huge expires_in must not overflow now + exp */
		exp = 86400;
	tok->renew_at = now + (exp > 120 ? exp - 60 : exp / 2);
	return MK_OK;
}

void remote_config_init(struct remote_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->zoom_user = mk_strdup("me");
	cfg->zoom_api = mk_strdup(REMOTE_ZOOM_API);
	cfg->zoom_oauth = mk_strdup(REMOTE_ZOOM_OAUTH);
	cfg->graph_api = mk_strdup(REMOTE_GRAPH_API);
	cfg->ms_login = mk_strdup(REMOTE_MS_LOGIN);
	http_opts_init(&cfg->net);
	cfg->max_json_bytes = REMOTE_MAX_JSON_BYTES;
	cfg->max_transcript_bytes = MK_MAX_TRANSCRIPT_BYTES;
	cfg->teams_details = 1;
}

void remote_config_release(struct remote_config *cfg)
{
	if (!cfg)
		return;
	char **fields[] = {
		&cfg->zoom_account_id, &cfg->zoom_client_id, &cfg->zoom_client_secret,
		&cfg->zoom_user, &cfg->ms_tenant_id, &cfg->ms_client_id, &cfg->ms_client_secret,
		&cfg->ms_user_id, &cfg->zoom_api, &cfg->zoom_oauth, &cfg->graph_api,
		&cfg->ms_login, &cfg->zoom_token.value, &cfg->ms_token.value,
	};
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		remote_config_set(fields[i], NULL);
	memset(cfg, 0, sizeof *cfg);
}

static void from_env(char **field, const char *name)
{
	const char *v = getenv(name);
	if (v && *v)
		remote_config_set(field, v);
}

void remote_config_from_env(struct remote_config *cfg)
{
	remote_config_init(cfg);
	from_env(&cfg->zoom_account_id, "ZOOM_ACCOUNT_ID");
	from_env(&cfg->zoom_client_id, "ZOOM_CLIENT_ID");
	from_env(&cfg->zoom_client_secret, "ZOOM_CLIENT_SECRET");
	from_env(&cfg->ms_tenant_id, "MS_TENANT_ID");
	from_env(&cfg->ms_client_id, "MS_CLIENT_ID");
	from_env(&cfg->ms_client_secret, "MS_CLIENT_SECRET");
	from_env(&cfg->ms_user_id, "MS_USER_ID");
	from_env(&cfg->zoom_api, "MAPKEEPER_ZOOM_API");
	from_env(&cfg->zoom_oauth, "MAPKEEPER_ZOOM_OAUTH");
	from_env(&cfg->graph_api, "MAPKEEPER_GRAPH_API");
	from_env(&cfg->ms_login, "MAPKEEPER_MS_LOGIN");
}

/* ---- calls ---------------------------------------------------------------- */

void remote_call_init(struct remote_call *c)
{
	memset(c, 0, sizeof *c);
}

void remote_call_release(struct remote_call *c)
{
	if (!c)
		return;
	free(c->external_id);
	free(c->meeting_id);
	free(c->topic);
	free(c->start);
	free(c->timezone);
	for (size_t i = 0; i < c->nattendees; i++)
		free(c->attendees[i]);
	free(c->attendees);
	free(c->download_url);
	for (size_t i = 0; i < c->nnames; i++)
		free(c->names[i]);
	free(c->names);
	remote_call_init(c);
}

void remote_calls_init(struct remote_calls *cs)
{
	memset(cs, 0, sizeof *cs);
}

void remote_calls_release(struct remote_calls *cs)
{
	if (!cs)
		return;
	for (size_t i = 0; i < cs->n; i++)
		remote_call_release(&cs->v[i]);
	free(cs->v);
	remote_calls_init(cs);
}

void remote_calls_free(struct remote_calls *cs)
{
	remote_calls_release(cs);
	free(cs);
}

struct remote_call *remote_calls_push(struct remote_calls *cs)
{
	cs->v = mk_grow(cs->v, &cs->cap, cs->n + 1, sizeof *cs->v);
	remote_call_init(&cs->v[cs->n]);
	return &cs->v[cs->n++];
}

/* ---- zoom ----------------------------------------------------------------- */

#define ZOOM "zoom"

static struct http_opts zoom_opts(const struct remote_config *cfg)
{
	struct http_opts o = cfg->net;
	o.service = ZOOM;
	return o;
}

static char *json_str(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));
	return s ? mk_strdup(s) : NULL;
}

static enum mk_err parse_json(const char *service, const struct mk_buf *body, json_t **out,
			      struct mk_diag *diag)
{
	json_error_t je;
	*out = json_loadb(body->s ? body->s : "", body->len, JSON_REJECT_DUPLICATES, &je);
	if (!*out || !json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		mk_diag_set(diag, "", 0, "%s: response is not JSON", service);
		return MK_ENET;
	}
	return MK_OK;
}

static int valid_day(const char *s)
{
	struct mk_date d;
	return s && strlen(s) == 10 && mk_date_parse(s, &d) == MK_OK;
}

enum mk_err zoom_parse_token(const struct mk_buf *body, time_t now, struct remote_token *tok,
			     struct mk_diag *diag)
{
	json_t *j = NULL;
	enum mk_err err = parse_json(ZOOM, body, &j, diag);
	if (err != MK_OK)
		return err;
	err = remote_token_from_json(ZOOM, j, now, tok, diag);
	json_decref(j);
	return err;
}

static enum mk_err zoom_token_get(struct remote_config *cfg, int force, struct mk_diag *diag)
{
	struct http_opts o = zoom_opts(cfg);
	struct mk_buf body;
	char *acct = NULL, *url = NULL;
	long status = 0;
	enum mk_err err;

	if (!force && cfg->zoom_token.value && time(NULL) < cfg->zoom_token.renew_at)
		return MK_OK;
	mk_buf_init(&body);
	if (!cfg->zoom_account_id || !cfg->zoom_client_id || !cfg->zoom_client_secret) {
		mk_diag_set(diag, "", 0, "zoom: credentials missing: set ZOOM_ACCOUNT_ID, "
			    "ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET");
		err = MK_EARG;
		goto out;
	}
	acct = http_escape(cfg->zoom_account_id);
	url = mk_sprintf("%s?grant_type=account_credentials&account_id=%s", cfg->zoom_oauth, acct);
	struct http_req r = { .method = "POST", .url = url, .body = "",
			      .content_type = "application/x-www-form-urlencoded",
			      .accept = "application/json", .user = cfg->zoom_client_id,
			      .pass = cfg->zoom_client_secret, .max_bytes = cfg->max_json_bytes };
	if ((err = http_do(&o, &r, &status, &body, diag)) != MK_OK)
		goto out;
	err = MK_ENET;
	if (status == 400 || status == 401 || status == 403) {
		mk_diag_set(diag, "", 0, "zoom: authentication failed (HTTP %ld): check "
			    "ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET", status);
		goto out;
	}
	if (status != 200) {
		mk_diag_set(diag, "", 0, "zoom: token request failed (HTTP %ld)", status);
		goto out;
	}
	err = zoom_parse_token(&body, time(NULL), &cfg->zoom_token, diag);
out:
	if (body.s)
		memset(body.s, 0, body.len); /* held the token */
	mk_buf_release(&body);
	free(acct);
	free(url);
	return err;
}

/*
 * GET with the bearer token; one renewal on a 401. A non-2xx status is an error,
 * unless status is not NULL: then any reply but a 401 is MK_OK and *status holds it.
 */
static enum mk_err zoom_get_status(struct remote_config *cfg, const char *url, const char *accept,
				   size_t max, struct mk_buf *body, long *status_out,
				   struct mk_diag *diag)
{
	struct http_opts o = zoom_opts(cfg);
	long status = 0;
	enum mk_err err;
	for (int renewed = 0;; renewed = 1) {
		if ((err = zoom_token_get(cfg, renewed, diag)) != MK_OK)
			return err;
		struct http_req r = { .url = url, .accept = accept,
				      .bearer = cfg->zoom_token.value, .max_bytes = max };
		if ((err = http_do(&o, &r, &status, body, diag)) != MK_OK)
			return err;
		if (status != 401 || renewed)
			break;
	}
	if (status == 401) {
		mk_diag_set(diag, "", 0, "zoom: access token refused (HTTP 401) after renewal");
		return MK_ENET;
	}
	if (status_out) {
		*status_out = status;
		return MK_OK;
	}
	if (status == 403) {
		mk_diag_set(diag, "", 0, "zoom: permission denied (HTTP 403): the app needs "
			    "the cloud_recording:read scopes");
		return MK_ENET;
	}
	if (status == 404) {
		mk_diag_set(diag, "", 0, "zoom: not found (HTTP 404)");
		return MK_ENET;
	}
	if (status < 200 || status > 299) {
		mk_diag_set(diag, "", 0, "zoom: request failed (HTTP %ld)", status);
		return MK_ENET;
	}
	return MK_OK;
}

static enum mk_err zoom_get(struct remote_config *cfg, const char *url, const char *accept,
			    size_t max, struct mk_buf *body, struct mk_diag *diag)
{
	return zoom_get_status(cfg, url, accept, max, body, NULL, diag);
}

/* Adds the meetings of one page that have a TRANSCRIPT file. */
static void zoom_page(json_t *page, struct remote_calls *calls)
{
	json_t *meetings = json_object_get(page, "meetings");
	size_t i, k;
	json_t *m, *f;
	json_array_foreach(meetings, i, m) {
		json_array_foreach(json_object_get(m, "recording_files"), k, f) {
			const char *type = json_string_value(json_object_get(f, "file_type"));
			const char *dl = json_string_value(json_object_get(f, "download_url"));
			if (!type || strcmp(type, "TRANSCRIPT") || !dl || !*dl)
				continue;
			struct remote_call *c = remote_calls_push(calls);
			json_t *id = json_object_get(m, "id");
			c->source = "zoom";
			c->external_id = json_str(m, "uuid");
			if (json_is_integer(id))
				c->meeting_id = mk_sprintf("%" JSON_INTEGER_FORMAT, json_integer_value(id));
			else
				c->meeting_id = json_str(m, "id");
			if (!c->external_id)
				c->external_id = mk_strdup(c->meeting_id ? c->meeting_id : "");
			c->topic = json_str(m, "topic");
			c->start = json_str(m, "start_time");
			c->timezone = json_str(m, "timezone");
			c->download_url = mk_strdup(dl);
		}
	}
}

enum mk_err zoom_parse_recordings(const struct mk_buf *body, struct remote_calls *calls,
				  char **next, struct mk_diag *diag)
{
	json_t *j = NULL;
	enum mk_err err = parse_json(ZOOM, body, &j, diag);
	*next = NULL;
	if (err != MK_OK)
		return err;
	zoom_page(j, calls);
	*next = json_str(j, "next_page_token");
	json_decref(j);
	return MK_OK;
}

/* Appends s to a list unless it is empty or there already (any case). */
static void add_unique(char ***v, size_t *n, const char *s)
{
	if (!s || !*s)
		return;
	for (size_t i = 0; i < *n; i++)
		if (mk_strieq((*v)[i], s))
			return;
	*v = mk_realloc(*v, (*n + 1) * sizeof **v);
	(*v)[(*n)++] = mk_strdup(s);
}

enum mk_err zoom_parse_participants(const struct mk_buf *body, struct remote_call *c,
				    char **next, size_t *nparts, struct mk_diag *diag)
{
	json_t *j = NULL, *parts, *p;
	size_t i;
	enum mk_err err = parse_json(ZOOM, body, &j, diag);
	*next = NULL;
	*nparts = 0;
	if (err != MK_OK)
		return err;
	parts = json_object_get(j, "participants");
	json_array_foreach(parts, i, p) {
		const char *mail = json_string_value(json_object_get(p, "user_email"));
		add_unique(&c->names, &c->nnames, json_string_value(json_object_get(p, "name")));
		if (mail && strchr(mail, '@'))
			add_unique(&c->attendees, &c->nattendees, mail);
	}
	*nparts = json_array_size(parts);
	*next = json_str(j, "next_page_token");
	json_decref(j);
	return MK_OK;
}

/*
 * A meeting UUID as a path segment: Zoom wants one that starts with '/' or holds "//"
 * URL-encoded twice, any other once.
 */
static char *zoom_uuid_segment(const char *uuid)
{
	char *once = http_escape(uuid), *twice;
	if (uuid[0] != '/' && !strstr(uuid, "//"))
		return once;
	twice = http_escape(once);
	free(once);
	return twice;
}

/*
 * Fills a call's attendees (e-mails) and names from its past meeting's participants,
 * following every page. A 400, 403 or 404 (not found, or no participants scope) leaves
 * them as they are.
 */
static enum mk_err zoom_participants(struct remote_config *cfg, struct remote_call *c,
				     struct mk_diag *diag)
{
	enum mk_err err = MK_OK;
	struct mk_buf body, url;
	char *seg = NULL, *next = NULL;
	long status = 0;

	if (!c->external_id || !*c->external_id)
		return MK_OK;
	mk_buf_init(&body);
	mk_buf_init(&url);
	seg = zoom_uuid_segment(c->external_id);
	for (int page = 0;; page++) {
		if (page >= REMOTE_MAX_PAGES) {
			mk_diag_set(diag, "", 0, "zoom: more than %d pages of participants", REMOTE_MAX_PAGES);
			err = MK_ENET;
			goto out;
		}
		mk_buf_reset(&url);
		mk_buf_addf(&url, "%s/past_meetings/%s/participants?page_size=300", cfg->zoom_api, seg);
		if (next) {
			char *e = http_escape(next);
			mk_buf_addf(&url, "&next_page_token=%s", e);
			free(e);
		}
		if ((err = zoom_get_status(cfg, url.s, "application/json", cfg->max_json_bytes, &body,
					   &status, diag)) != MK_OK)
			goto out;
		if (status == 400 || status == 403 || status == 404)
			goto out; /* no such past meeting, or the app lacks the scope */
		if (status < 200 || status > 299) {
			mk_diag_set(diag, "", 0, "zoom: participants request failed (HTTP %ld)", status);
			err = MK_ENET;
			goto out;
		}
		char *prev = next;
		size_t nparts = 0;
		next = NULL;
		if ((err = zoom_parse_participants(&body, c, &next, &nparts, diag)) != MK_OK) {
			free(prev);
			goto out;
		}
		/* an empty page, or the same token again, ends it as well */
		int done = !next || !*next || !nparts || (prev && !strcmp(prev, next));
		free(prev);
		if (done)
			break;
	}
out:
	mk_buf_release(&body);
	mk_buf_release(&url);
	free(seg);
	free(next);
	return err;
}

enum mk_err zoom_list(struct remote_config *cfg, const char *from, const char *to,
		      struct remote_calls *calls, struct mk_diag *diag)
{
	enum mk_err err = MK_OK;
	struct mk_buf body, url;
	char *user = NULL, *next = NULL;
	size_t first = calls->n;

	mk_buf_init(&body);
	mk_buf_init(&url);
	if (!valid_day(from) || !valid_day(to)) {
		mk_diag_set(diag, "", 0, "zoom: dates must be YYYY-MM-DD");
		err = MK_EARG;
		goto out;
	}
	user = http_escape(cfg->zoom_user && *cfg->zoom_user ? cfg->zoom_user : "me");
	for (int page = 0;; page++) {
		if (page >= REMOTE_MAX_PAGES) {
			mk_diag_set(diag, "", 0, "zoom: more than %d pages of recordings", REMOTE_MAX_PAGES);
			err = MK_ENET;
			goto out;
		}
		mk_buf_reset(&url);
		mk_buf_addf(&url, "%s/users/%s/recordings?from=%s&to=%s&page_size=300",
			    cfg->zoom_api, user, from, to);
		if (next) {
			char *e = http_escape(next);
			mk_buf_addf(&url, "&next_page_token=%s", e);
			free(e);
		}
		if ((err = zoom_get(cfg, url.s, "application/json", cfg->max_json_bytes, &body,
				    diag)) != MK_OK)
			goto out;
		free(next);
		next = NULL;
		if ((err = zoom_parse_recordings(&body, calls, &next, diag)) != MK_OK)
			goto out;
		if (!next || !*next)
			break;
	}
	for (size_t i = first; i < calls->n; i++)
		if ((err = zoom_participants(cfg, &calls->v[i], diag)) != MK_OK)
			goto out;
out:
	mk_buf_release(&body);
	mk_buf_release(&url);
	free(user);
	free(next);
	return err;
}

enum mk_err zoom_download(struct remote_config *cfg, const struct remote_call *call,
			  struct mk_buf *buf, struct mk_diag *diag)
{
	if (!call->download_url) {
		mk_diag_set(diag, "", 0, "zoom: the call has no download URL");
		return MK_EARG;
	}
	return zoom_get(cfg, call->download_url, NULL, cfg->max_transcript_bytes, buf, diag);
}
