/*
 * teams.c: the Microsoft Graph client for Teams transcripts: client-credentials
 * token, onlineMeetings getAllTranscripts (every page), each meeting's subject, start
 * and attendees, and the transcript's WebVTT content.
 * Does not parse transcripts or store anything. Invariant: the token lives in
 * cfg->ms_token until it expires or a 401 forces one renewal; next-page links are
 * followed only under cfg->graph_api; no secret or token reaches a diag message.
 */
#include "ingest/remote.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define GRAPH "graph"

static struct http_opts graph_opts(const struct remote_config *cfg)
{
	struct http_opts o = cfg->net;
	o.service = GRAPH;
	return o;
}

static char *json_str(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));
	return s ? mk_strdup(s) : NULL;
}

static enum mk_err parse_json(const struct mk_buf *body, json_t **out, struct mk_diag *diag)
{
	json_error_t je;
	*out = json_loadb(body->s ? body->s : "", body->len, JSON_REJECT_DUPLICATES, &je);
	if (!*out || !json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		mk_diag_set(diag, "", 0, GRAPH ": response is not JSON");
		return MK_ENET;
	}
	return MK_OK;
}

static int valid_day(const char *s)
{
	struct mk_date d;
	return strlen(s) == 10 && mk_date_parse(s, &d) == MK_OK;
}

enum mk_err teams_parse_token(const struct mk_buf *body, time_t now, struct remote_token *tok,
			      struct mk_diag *diag)
{
	json_t *j = NULL;
	enum mk_err err = parse_json(body, &j, diag);
	if (err != MK_OK)
		return err;
	err = remote_token_from_json(GRAPH, j, now, tok, diag);
	json_decref(j);
	return err;
}

static enum mk_err graph_token(struct remote_config *cfg, int force, struct mk_diag *diag)
{
	struct http_opts o = graph_opts(cfg);
	struct mk_buf body, form;
	char *tenant = NULL, *url = NULL, *id = NULL, *secret = NULL;
	long status = 0;
	enum mk_err err;

	if (!force && cfg->ms_token.value && time(NULL) < cfg->ms_token.renew_at)
		return MK_OK;
	mk_buf_init(&body);
	mk_buf_init(&form);
	if (!cfg->ms_tenant_id || !cfg->ms_client_id || !cfg->ms_client_secret) {
		mk_diag_set(diag, "", 0, GRAPH ": credentials missing: set MS_TENANT_ID, "
			    "MS_CLIENT_ID and MS_CLIENT_SECRET");
		err = MK_EARG;
		goto out;
	}
	tenant = http_escape(cfg->ms_tenant_id);
	id = http_escape(cfg->ms_client_id);
	secret = http_escape(cfg->ms_client_secret);
	url = mk_sprintf("%s/%s/oauth2/v2.0/token", cfg->ms_login, tenant);
	mk_buf_addf(&form, "client_id=%s&client_secret=%s&scope=https%%3A%%2F%%2Fgraph.microsoft.com"
		    "%%2F.default&grant_type=client_credentials", id, secret);
	struct http_req r = { .method = "POST", .url = url, .body = form.s,
			      .content_type = "application/x-www-form-urlencoded",
			      .accept = "application/json", .max_bytes = cfg->max_json_bytes };
	if ((err = http_do(&o, &r, &status, &body, diag)) != MK_OK)
		goto out;
	err = MK_ENET;
	if (status == 400 || status == 401 || status == 403) {
		mk_diag_set(diag, "", 0, GRAPH ": authentication failed (HTTP %ld): check "
			    "MS_TENANT_ID, MS_CLIENT_ID and MS_CLIENT_SECRET", status);
		goto out;
	}
	if (status != 200) {
		mk_diag_set(diag, "", 0, GRAPH ": token request failed (HTTP %ld)", status);
		goto out;
	}
	err = teams_parse_token(&body, time(NULL), &cfg->ms_token, diag);
out:
	if (body.s)
		memset(body.s, 0, body.len);
	if (form.s)
		memset(form.s, 0, form.len);
	if (secret)
		memset(secret, 0, strlen(secret));
	mk_buf_release(&body);
	mk_buf_release(&form);
	free(tenant);
	free(id);
	free(secret);
	free(url);
	return err;
}

/* GET with the bearer token, one renewal on a 401; *status is the final one. */
static enum mk_err graph_get(struct remote_config *cfg, const char *url, const char *accept,
			     size_t max, struct mk_buf *body, long *status, struct mk_diag *diag)
{
	struct http_opts o = graph_opts(cfg);
	enum mk_err err;
	for (int renewed = 0;; renewed = 1) {
		if ((err = graph_token(cfg, renewed, diag)) != MK_OK)
			return err;
		struct http_req r = { .url = url, .accept = accept, .bearer = cfg->ms_token.value,
				      .max_bytes = max };
		if ((err = http_do(&o, &r, status, body, diag)) != MK_OK)
			return err;
		if (*status != 401 || renewed)
			return MK_OK;
	}
}

static enum mk_err graph_status(long status, struct mk_diag *diag)
{
	if (status >= 200 && status <= 299)
		return MK_OK;
	if (status == 401)
		mk_diag_set(diag, "", 0, GRAPH ": access token refused (HTTP 401) after renewal");
	else if (status == 403)
		mk_diag_set(diag, "", 0, GRAPH ": permission denied (HTTP 403): the app needs "
			    "OnlineMeetingTranscript.Read.All and an application access policy");
	else if (status == 404)
		mk_diag_set(diag, "", 0, GRAPH ": not found (HTTP 404): check MS_USER_ID");
	else
		mk_diag_set(diag, "", 0, GRAPH ": request failed (HTTP %ld)", status);
	return MK_ENET;
}

static void add_attendee(struct remote_call *c, const char *upn)
{
	if (!upn || !strchr(upn, '@'))
		return;
	for (size_t i = 0; i < c->nattendees; i++)
		if (mk_strieq(c->attendees[i], upn))
			return;
	c->attendees = mk_realloc(c->attendees, (c->nattendees + 1) * sizeof *c->attendees);
	c->attendees[c->nattendees++] = mk_strdup(upn);
}

enum mk_err teams_parse_details(const struct mk_buf *body, struct remote_call *c,
				struct mk_diag *diag)
{
	json_t *j = NULL, *parts, *a;
	size_t i;
	enum mk_err err = parse_json(body, &j, diag);
	if (err != MK_OK)
		return err;
	char *subject = json_str(j, "subject");
	if (subject) {
		free(c->topic);
		c->topic = subject;
	}
	char *start = json_str(j, "startDateTime");
	if (start) {
		free(c->start);
		c->start = start;
	}
	parts = json_object_get(j, "participants");
	add_attendee(c, json_string_value(json_object_get(json_object_get(parts, "organizer"), "upn")));
	json_array_foreach(json_object_get(parts, "attendees"), i, a)
		add_attendee(c, json_string_value(json_object_get(a, "upn")));
	json_decref(j);
	return MK_OK;
}

/* Subject, start and attendees of the call's meeting; a 403/404 leaves them out. */
static enum mk_err teams_details(struct remote_config *cfg, const char *user,
				 struct remote_call *c, struct mk_diag *diag)
{
	struct mk_buf body;
	long status = 0;
	char *mid = http_escape(c->meeting_id);
	char *url = mk_sprintf("%s/users/%s/onlineMeetings/%s", cfg->graph_api, user, mid);
	enum mk_err err;

	mk_buf_init(&body);
	err = graph_get(cfg, url, "application/json", cfg->max_json_bytes, &body, &status, diag);
	if (err != MK_OK)
		goto out;
	if (status == 403 || status == 404)
		goto out;
	if ((err = graph_status(status, diag)) != MK_OK)
		goto out;
	err = teams_parse_details(&body, c, diag);
out:
	mk_buf_release(&body);
	free(mid);
	free(url);
	return err;
}

enum mk_err teams_parse_transcripts(const struct mk_buf *body, const char *graph_api,
				    const char *user, struct remote_calls *calls, char **next,
				    struct mk_diag *diag)
{
	json_t *j = NULL, *t;
	size_t i;
	enum mk_err err = parse_json(body, &j, diag);
	*next = NULL;
	if (err != MK_OK)
		return err;
	json_array_foreach(json_object_get(j, "value"), i, t) {
		const char *id = json_string_value(json_object_get(t, "id"));
		const char *mid = json_string_value(json_object_get(t, "meetingId"));
		if (!id || !mid)
			continue;
		struct remote_call *c = remote_calls_push(calls);
		char *eid = http_escape(id), *emid = http_escape(mid);
		c->source = "teams";
		c->external_id = mk_strdup(id);
		c->meeting_id = mk_strdup(mid);
		c->start = json_str(t, "createdDateTime");
		c->download_url = mk_sprintf("%s/users/%s/onlineMeetings/%s/transcripts/%s/"
					     "content?$format=text/vtt",
					     graph_api, user, emid, eid);
		free(eid);
		free(emid);
	}
	*next = json_str(j, "@odata.nextLink");
	json_decref(j);
	if (*next && strncmp(*next, graph_api, strlen(graph_api))) {
		free(*next);
		*next = NULL;
		mk_diag_set(diag, "", 0, GRAPH ": next page link is not under MAPKEEPER_GRAPH_API");
		return MK_ENET;
	}
	return MK_OK;
}

enum mk_err teams_list(struct remote_config *cfg, const char *from, const char *to,
		       struct remote_calls *calls, struct mk_diag *diag)
{
	enum mk_err err = MK_OK;
	struct mk_buf body, url;
	char *user = NULL, *next = NULL;
	size_t first = calls->n;
	long status = 0;

	mk_buf_init(&body);
	mk_buf_init(&url);
	if ((from && !valid_day(from)) || (to && !valid_day(to))) {
		mk_diag_set(diag, "", 0, GRAPH ": dates must be YYYY-MM-DD");
		err = MK_EARG;
		goto out;
	}
	if (!cfg->ms_user_id) {
		mk_diag_set(diag, "", 0, GRAPH ": MS_USER_ID is not set");
		err = MK_EARG;
		goto out;
	}
	user = http_escape(cfg->ms_user_id);
	mk_buf_addf(&url, "%s/users/%s/onlineMeetings/getAllTranscripts(meetingOrganizerUserId='%s'",
		    cfg->graph_api, user, user);
	if (from)
		mk_buf_addf(&url, ",startDateTime=%sT00:00:00Z", from);
	if (to)
		mk_buf_addf(&url, ",endDateTime=%sT23:59:59Z", to);
	mk_buf_adds(&url, ")");
	for (int page = 0;; page++) {
		if (page >= REMOTE_MAX_PAGES) {
			mk_diag_set(diag, "", 0, GRAPH ": more than %d pages of transcripts",
				    REMOTE_MAX_PAGES);
			err = MK_ENET;
			goto out;
		}
		if ((err = graph_get(cfg, next ? next : url.s, "application/json",
				     cfg->max_json_bytes, &body, &status, diag)) != MK_OK ||
		    (err = graph_status(status, diag)) != MK_OK)
			goto out;
		free(next);
		next = NULL;
		if ((err = teams_parse_transcripts(&body, cfg->graph_api, user, calls, &next, diag)) != MK_OK)
			goto out;
		if (!next)
			break;
	}
	if (cfg->teams_details)
		for (size_t i = first; i < calls->n; i++)
			if ((err = teams_details(cfg, user, &calls->v[i], diag)) != MK_OK)
				goto out;
out:
	mk_buf_release(&body);
	mk_buf_release(&url);
	free(user);
	free(next);
	return err;
}

enum mk_err teams_download(struct remote_config *cfg, const struct remote_call *call,
			   struct mk_buf *buf, struct mk_diag *diag)
{
	long status = 0;
	enum mk_err err;
	if (!call->download_url) {
		mk_diag_set(diag, "", 0, GRAPH ": the call has no download URL");
		return MK_EARG;
	}
	err = graph_get(cfg, call->download_url, "text/vtt", cfg->max_transcript_bytes, buf,
			&status, diag);
	if (err == MK_OK)
		err = graph_status(status, diag);
	return err;
}
