/*
 * teams.c: the Microsoft Graph call source for Teams transcripts over source.c's client
 * skeleton: the client-credentials token request, onlineMeetings getAllTranscripts (every
 * page, every organizer of MS_USER_ID), each meeting's subject, start and attendees, the
 * transcript's WebVTT content. Does not parse transcripts or store anything. Invariant:
 * the token lives in cfg->ms_token until it expires or a 401 forces one renewal;
 * next-page links are followed only under cfg->graph_api; no secret reaches a message.
 */
#include "ingest/remote.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define GRAPH "graph"

static struct remote_token *graph_token(struct remote_config *cfg)
{
	return &cfg->ms_token;
}

/* client_credentials: the tenant in the URL, the client's id and secret in the form. */
static int graph_token_request(const struct remote_config *cfg, struct remote_token_req *q)
{
	char *tenant, *id, *secret;
	if (!cfg->ms_tenant_id || !cfg->ms_client_id || !cfg->ms_client_secret)
		return 0;
	tenant = http_escape(cfg->ms_tenant_id);
	id = http_escape(cfg->ms_client_id);
	secret = http_escape(cfg->ms_client_secret);
	q->url = mk_sprintf("%s/%s/oauth2/v2.0/token", cfg->ms_login, tenant);
	mk_buf_addf(&q->form, "client_id=%s&client_secret=%s&scope=https%%3A%%2F%%2Fgraph.microsoft.com"
		    "%%2F.default&grant_type=client_credentials", id, secret);
	memset(secret, 0, strlen(secret));
	free(tenant);
	free(id);
	free(secret);
	q->r.url = q->url;
	q->r.body = q->form.s;
	return 1;
}

static const struct remote_service graph_service = {
	GRAPH, "MS_TENANT_ID, MS_CLIENT_ID and MS_CLIENT_SECRET",
	"OnlineMeetingTranscript.Read.All and an application access policy", ": check MS_USER_ID",
	graph_token, graph_token_request,
};

enum mk_err teams_parse_token(const struct mk_buf *body, time_t now, struct remote_token *tok,
			      struct mk_diag *diag)
{
	return remote_parse_token(GRAPH, body, now, tok, diag);
}

static void add_attendee(struct mk_source_call *c, const char *upn)
{
	if (!upn || !strchr(upn, '@'))
		return;
	for (size_t i = 0; i < c->nattendees; i++)
		if (mk_strieq(c->attendees[i], upn))
			return;
	c->attendees = mk_realloc(c->attendees, (c->nattendees + 1) * sizeof *c->attendees);
	c->attendees[c->nattendees++] = mk_strdup(upn);
}

enum mk_err teams_parse_details(const struct mk_buf *body, struct mk_source_call *c,
				struct mk_diag *diag)
{
	json_t *j = NULL, *parts, *a;
	size_t i;
	enum mk_err err = remote_parse_json(GRAPH, body, &j, diag);
	if (err != MK_OK)
		return err;
	char *subject = remote_json_str(j, "subject");
	if (subject) {
		free(c->topic);
		c->topic = subject;
	}
	char *start = remote_json_str(j, "startDateTime");
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
				 struct mk_source_call *c, struct mk_diag *diag)
{
	struct mk_buf body;
	long status = 0;
	char *mid = http_escape(c->meeting_id);
	char *url = mk_sprintf("%s/users/%s/onlineMeetings/%s", cfg->graph_api, user, mid);
	enum mk_err err;

	mk_buf_init(&body);
	err = remote_get(&graph_service, cfg, url, "application/json", cfg->max_json_bytes, &body, &status,
			 diag);
	if (err == MK_OK && status != 403 && status != 404 &&
	    (err = remote_status(&graph_service, status, diag)) == MK_OK)
		err = teams_parse_details(&body, c, diag);
	mk_buf_release(&body);
	free(mid);
	free(url);
	return err;
}

enum mk_err teams_parse_transcripts(const struct mk_buf *body, const char *graph_api,
				    const char *user, struct mk_source_calls *calls, char **next,
				    struct mk_diag *diag)
{
	json_t *j = NULL, *t;
	size_t i;
	enum mk_err err = remote_parse_json(GRAPH, body, &j, diag);
	*next = NULL;
	if (err != MK_OK)
		return err;
	json_array_foreach(json_object_get(j, "value"), i, t) {
		const char *id = json_string_value(json_object_get(t, "id"));
		const char *mid = json_string_value(json_object_get(t, "meetingId"));
		if (!id || !mid)
			continue;
		struct mk_source_call *c = remote_calls_push(calls);
		char *eid = http_escape(id), *emid = http_escape(mid);
		c->source = "teams";
		c->external_id = mk_strdup(id);
		c->meeting_id = mk_strdup(mid);
		c->start = remote_json_str(t, "createdDateTime");
		c->download_url = mk_sprintf("%s/users/%s/onlineMeetings/%s/transcripts/%s/"
					     "content?$format=text/vtt",
					     graph_api, user, emid, eid);
		free(eid);
		free(emid);
	}
	*next = remote_json_str(j, "@odata.nextLink");
	json_decref(j);
	if (*next && strncmp(*next, graph_api, strlen(graph_api))) {
		free(*next);
		*next = NULL;
		mk_diag_set(diag, "", 0, GRAPH ": next page link is not under MAPKEEPER_GRAPH_API");
		return MK_ENET;
	}
	return MK_OK;
}

struct transcripts_ctx {
	const char *graph_api, *user;
	struct mk_source_calls *calls;
};

static enum mk_err transcripts_page(void *ctx, const struct mk_buf *body, long status, const char *cur,
				    char **next, struct mk_diag *diag)
{
	struct transcripts_ctx *t = ctx;
	(void)status;
	(void)cur;
	return teams_parse_transcripts(body, t->graph_api, t->user, t->calls, next, diag);
}

enum mk_err teams_list(struct remote_config *cfg, const char *from, const char *to,
		       struct mk_source_calls *calls, struct mk_diag *diag)
{
	enum mk_err err;
	struct mk_buf url;
	char *user;
	size_t first = calls->n;

	if ((from && !remote_day_ok(from)) || (to && !remote_day_ok(to))) {
		mk_diag_set(diag, "", 0, GRAPH ": dates must be YYYY-MM-DD");
		return MK_EARG;
	}
	if (!cfg->ms_user_id) {
		mk_diag_set(diag, "", 0, GRAPH ": MS_USER_ID is not set");
		return MK_EARG;
	}
	mk_buf_init(&url);
	user = http_escape(cfg->ms_user_id);
	mk_buf_addf(&url, "%s/users/%s/onlineMeetings/getAllTranscripts(meetingOrganizerUserId='%s'",
		    cfg->graph_api, user, user);
	if (from)
		mk_buf_addf(&url, ",startDateTime=%sT00:00:00Z", from);
	if (to)
		mk_buf_addf(&url, ",endDateTime=%sT23:59:59Z", to);
	mk_buf_adds(&url, ")");
	struct transcripts_ctx t = { cfg->graph_api, user, calls };
	struct remote_paging p = { .what = "transcripts", .url = url.s, .strict = 1,
				   .page = transcripts_page, .ctx = &t };
	err = remote_pages(&graph_service, cfg, &p, diag);
	for (size_t i = first; !err && cfg->teams_details && i < calls->n; i++)
		err = teams_details(cfg, user, &calls->v[i], diag);
	mk_buf_release(&url);
	free(user);
	return err;
}

enum mk_err teams_download(struct remote_config *cfg, const struct mk_source_call *call,
			   struct mk_buf *buf, struct mk_diag *diag)
{
	return remote_download(&graph_service, cfg, call, "text/vtt", buf, diag);
}

/*
 * MS_USER_ID may name several organizers ("id1,id2"): their transcripts are listed one
 * organizer after another into one list (each call keeps its own download URL).
 */
static enum mk_err teams_list_organizers(struct remote_config *cfg, const char *from, const char *to,
					 struct mk_source_calls *calls, struct mk_diag *diag)
{
	char *all, *save = NULL, *orig, *u;
	enum mk_err err = MK_OK;
	int any = 0;
	if (!cfg->ms_user_id || !strchr(cfg->ms_user_id, ','))
		return teams_list(cfg, from, to, calls, diag);
	all = mk_strdup(cfg->ms_user_id);
	orig = mk_strdup(cfg->ms_user_id);
	for (u = strtok_r(all, ",", &save); u && !err; u = strtok_r(NULL, ",", &save)) {
		struct mk_source_calls part;
		char *id = remote_trim(u);
		if (!*id)
			continue;
		any = 1;
		remote_config_set(&cfg->ms_user_id, id);
		remote_calls_init(&part);
		if ((err = teams_list(cfg, from, to, &part, diag)) == MK_OK)
			remote_calls_move(calls, &part);
		remote_calls_release(&part);
	}
	remote_config_set(&cfg->ms_user_id, orig);
	free(all);
	free(orig);
	return any ? err : teams_list(cfg, from, to, calls, diag);
}

const struct remote_source remote_teams_source = {
	.name = "teams",
	.label_by_meeting = 0,
	.list = teams_list_organizers,
	.download = teams_download,
};
