/*
 * zoom.c: the Zoom call source (Server-to-Server OAuth, cloud recordings with a
 * TRANSCRIPT file, past meetings' participants, transcript download) over source.c's
 * client skeleton: this file holds only what is Zoom's (URLs, the token request, the
 * replies' readers, 30-day windows). Does not parse transcripts or store anything.
 * Invariant: the access token lives in cfg->zoom_token until it expires or a 401 forces
 * one renewal; no secret or token reaches a diag message.
 */
#include "ingest/remote.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* ---- zoom ----------------------------------------------------------------- */

#define ZOOM "zoom"

static struct remote_token *zoom_token(struct remote_config *cfg)
{
	return &cfg->zoom_token;
}

/* account_credentials: the account id in the URL, the client's id and secret as Basic. */
static int zoom_token_request(const struct remote_config *cfg, struct remote_token_req *q)
{
	char *acct;
	if (!cfg->zoom_account_id || !cfg->zoom_client_id || !cfg->zoom_client_secret)
		return 0;
	acct = http_escape(cfg->zoom_account_id);
	q->url = mk_sprintf("%s?grant_type=account_credentials&account_id=%s", cfg->zoom_oauth, acct);
	free(acct);
	q->r.url = q->url;
	q->r.body = "";
	q->r.user = cfg->zoom_client_id;
	q->r.pass = cfg->zoom_client_secret;
	return 1;
}

static const struct remote_service zoom_service = {
	ZOOM, "ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET",
	"the cloud_recording:read scopes", "", zoom_token, zoom_token_request,
};

enum mk_err zoom_parse_token(const struct mk_buf *body, time_t now, struct remote_token *tok,
			     struct mk_diag *diag)
{
	return remote_parse_token(ZOOM, body, now, tok, diag);
}

/* Adds the meetings of one page that have a TRANSCRIPT file. */
static void zoom_page(json_t *page, struct mk_source_calls *calls)
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
			struct mk_source_call *c = remote_calls_push(calls);
			json_t *id = json_object_get(m, "id");
			c->source = "zoom";
			c->external_id = remote_json_str(m, "uuid");
			if (json_is_integer(id))
				c->meeting_id = mk_sprintf("%" JSON_INTEGER_FORMAT, json_integer_value(id));
			else
				c->meeting_id = remote_json_str(m, "id");
			if (!c->external_id)
				c->external_id = mk_strdup(c->meeting_id ? c->meeting_id : "");
			c->topic = remote_json_str(m, "topic");
			c->start = remote_json_str(m, "start_time");
			c->timezone = remote_json_str(m, "timezone");
			c->download_url = mk_strdup(dl);
		}
	}
}

enum mk_err zoom_parse_recordings(const struct mk_buf *body, struct mk_source_calls *calls,
				  char **next, struct mk_diag *diag)
{
	json_t *j = NULL;
	enum mk_err err = remote_parse_json(ZOOM, body, &j, diag);
	*next = NULL;
	if (err != MK_OK)
		return err;
	zoom_page(j, calls);
	*next = remote_json_str(j, "next_page_token");
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

enum mk_err zoom_parse_participants(const struct mk_buf *body, struct mk_source_call *c,
				    char **next, size_t *nparts, struct mk_diag *diag)
{
	json_t *j = NULL, *parts, *p;
	size_t i;
	enum mk_err err = remote_parse_json(ZOOM, body, &j, diag);
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
	*next = remote_json_str(j, "next_page_token");
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
 * A page of a past meeting's participants into the call (ctx). A 400, 403 or 404 (not
 * found, or no participants scope) ends the listing as it is; an empty page, or the same
 * token again, ends it as well.
 */
static enum mk_err participants_page(void *ctx, const struct mk_buf *body, long status, const char *cur,
				     char **next, struct mk_diag *diag)
{
	size_t nparts = 0;
	enum mk_err err;
	if (status == 400 || status == 403 || status == 404)
		return MK_OK;
	if (status < 200 || status > 299) {
		mk_diag_set(diag, "", 0, ZOOM ": participants request failed (HTTP %ld)", status);
		return MK_ENET;
	}
	if ((err = zoom_parse_participants(body, ctx, next, &nparts, diag)) != MK_OK)
		return err;
	if (*next && (!nparts || (cur && !strcmp(cur, *next)))) {
		free(*next);
		*next = NULL;
	}
	return MK_OK;
}

/* Fills a call's attendees (e-mails) and names from its past meeting's participants,
 * following every page. */
static enum mk_err zoom_participants(struct remote_config *cfg, struct mk_source_call *c,
				     struct mk_diag *diag)
{
	enum mk_err err;
	char *seg, *url;
	if (!c->external_id || !*c->external_id)
		return MK_OK;
	seg = zoom_uuid_segment(c->external_id);
	url = mk_sprintf("%s/past_meetings/%s/participants?page_size=300", cfg->zoom_api, seg);
	struct remote_paging p = { .what = "participants", .url = url, .token_param = "next_page_token",
				   .page = participants_page, .ctx = c };
	err = remote_pages(&zoom_service, cfg, &p, diag);
	free(seg);
	free(url);
	return err;
}

static enum mk_err recordings_page(void *ctx, const struct mk_buf *body, long status, const char *cur,
				   char **next, struct mk_diag *diag)
{
	(void)status;
	(void)cur;
	return zoom_parse_recordings(body, ctx, next, diag);
}

enum mk_err zoom_list(struct remote_config *cfg, const char *from, const char *to,
		      struct mk_source_calls *calls, struct mk_diag *diag)
{
	enum mk_err err;
	char *user, *url;
	size_t first = calls->n;

	if (!remote_day_ok(from) || !remote_day_ok(to)) {
		mk_diag_set(diag, "", 0, ZOOM ": dates must be YYYY-MM-DD");
		return MK_EARG;
	}
	user = http_escape(cfg->zoom_user && *cfg->zoom_user ? cfg->zoom_user : "me");
	url = mk_sprintf("%s/users/%s/recordings?from=%s&to=%s&page_size=300", cfg->zoom_api, user, from, to);
	struct remote_paging p = { .what = "recordings", .url = url, .token_param = "next_page_token",
				   .strict = 1, .page = recordings_page, .ctx = calls };
	err = remote_pages(&zoom_service, cfg, &p, diag);
	for (size_t i = first; !err && i < calls->n; i++)
		err = zoom_participants(cfg, &calls->v[i], diag);
	free(user);
	free(url);
	return err;
}

enum mk_err zoom_download(struct remote_config *cfg, const struct mk_source_call *call,
			  struct mk_buf *buf, struct mk_diag *diag)
{
	return remote_download(&zoom_service, cfg, call, NULL, buf, diag);
}

/*
 * Zoom answers a recordings search for about a month at most: a longer range is read in
 * windows of ZOOM_WINDOW_DAYS, oldest first, into one list.
 */
#define ZOOM_WINDOW_DAYS 30

/* Drops calls[from..] whose meeting was listed already (a meeting seen in two windows). */
static void drop_repeats(struct mk_source_calls *calls, size_t from)
{
	size_t k = from;
	for (size_t i = from; i < calls->n; i++) {
		int seen = 0;
		for (size_t j = 0; j < k && !seen; j++)
			seen = calls->v[j].external_id && calls->v[i].external_id &&
			       !strcmp(calls->v[j].external_id, calls->v[i].external_id);
		if (seen)
			remote_call_release(&calls->v[i]);
		else
			calls->v[k++] = calls->v[i];
	}
	calls->n = k;
}

static enum mk_err zoom_list_windows(struct remote_config *cfg, const char *from, const char *to,
				     struct mk_source_calls *calls, struct mk_diag *diag)
{
	struct mk_date a, b;
	enum mk_err err = MK_OK;
	if (mk_date_parse(from, &a) || mk_date_parse(to, &b))
		return zoom_list(cfg, from, to, calls, diag);
	for (;;) {
		struct mk_date end = mk_date_add_days(a, ZOOM_WINDOW_DAYS - 1);
		char f[16], t[16];
		int last = mk_date_cmp(end, b) >= 0;
		if (last)
			end = b;
		mk_date_format(a, f, sizeof f);
		mk_date_format(end, t, sizeof t);
		size_t before = calls->n;
		if ((err = zoom_list(cfg, f, t, calls, diag)))
			return err;
		drop_repeats(calls, before);
		if (last)
			return MK_OK;
		a = mk_date_add_days(end, 1);
	}
}

const struct remote_source remote_zoom_source = {
	.name = "zoom",
	.label_by_meeting = 1,
	.list = zoom_list_windows,
	.download = zoom_download,
};
