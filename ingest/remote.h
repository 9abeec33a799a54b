/*
 * remote.h: the clients that list and fetch call transcripts from Zoom (zoom.c:
 * Server-to-Server OAuth, cloud recordings) and Microsoft Graph (teams.c: client
 * credentials, onlineMeetings getAllTranscripts), over http.c. Also owns the
 * configuration (read from the environment) and struct remote_call.
 * Does not store, match deals or keep cursors. Invariant: secrets and tokens stay in
 * struct remote_config and never reach a diag message.
 */
#ifndef MK_REMOTE_H
#define MK_REMOTE_H

#include <time.h>

#include "ingest/http.h"

#define REMOTE_MAX_JSON_BYTES (8u * 1024u * 1024u)  /* one API reply */
#define REMOTE_MAX_PAGES      1000                  /* pages followed in one listing */

#define REMOTE_ZOOM_API    "https://api.zoom.us/v2"
#define REMOTE_ZOOM_OAUTH  "https://zoom.us/oauth/token"
#define REMOTE_GRAPH_API   "https://graph.microsoft.com/v1.0"
#define REMOTE_MS_LOGIN    "https://login.microsoftonline.com"

struct remote_token {          /* a cached access token */
	char *value;
	time_t renew_at;           /* renewed at or after this time */
};

struct remote_config {
	char *zoom_account_id;     /* ZOOM_ACCOUNT_ID */
	char *zoom_client_id;      /* ZOOM_CLIENT_ID */
	char *zoom_client_secret;  /* ZOOM_CLIENT_SECRET */
	char *zoom_user;           /* whose recordings: "me" by default */
	char *ms_tenant_id;        /* MS_TENANT_ID */
	char *ms_client_id;        /* MS_CLIENT_ID */
	char *ms_client_secret;    /* MS_CLIENT_SECRET */
	char *ms_user_id;          /* MS_USER_ID: the organizer whose meetings are listed */
	char *zoom_api;            /* MAPKEEPER_ZOOM_API, default REMOTE_ZOOM_API */
	char *zoom_oauth;          /* MAPKEEPER_ZOOM_OAUTH, default REMOTE_ZOOM_OAUTH */
	char *graph_api;           /* MAPKEEPER_GRAPH_API, default REMOTE_GRAPH_API */
	char *ms_login;            /* MAPKEEPER_MS_LOGIN, default REMOTE_MS_LOGIN */
	struct http_opts net;      /* timeouts and retries (service is set per client) */
	size_t max_json_bytes;     /* default REMOTE_MAX_JSON_BYTES */
	size_t max_transcript_bytes; /* default MK_MAX_TRANSCRIPT_BYTES */
	int teams_details;         /* fetch each meeting's subject/start/attendees (default 1) */
	struct remote_token zoom_token, ms_token;
};

/* Defaults, no credentials. */
void remote_config_init(struct remote_config *cfg);
/* Frees the strings and tokens (secrets are zeroed first); leaves cfg zeroed. */
void remote_config_release(struct remote_config *cfg);
/* init, then every variable named above that is set and not empty. */
void remote_config_from_env(struct remote_config *cfg);
/* Replaces *field with a copy of value (NULL clears it). */
void remote_config_set(char **field, const char *value);

/* An OAuth token reply (access_token, expires_in) of source who into tok: renewed a minute
 * before it ends (expires_in capped at a day). MK_ENET and one line when there is none. */
struct json_t;
enum mk_err remote_token_from_json(const char *who, struct json_t *j, time_t now, struct remote_token *tok,
				   struct mk_diag *diag);

struct remote_call {
	const char *source;        /* "zoom" or "teams" (static) */
	char *external_id;         /* zoom: the meeting's uuid; teams: the transcript's id */
	char *meeting_id;          /* zoom: the numeric meeting id; teams: meetingId */
	char *topic;               /* or NULL */
	char *start;               /* ISO 8601, or NULL */
	char *timezone;            /* IANA name, or NULL */
	char **attendees;          /* e-mail addresses */
	size_t nattendees;
	char *download_url;        /* fetched with the service's bearer token */
	char **names;              /* zoom: the participants' display names */
	size_t nnames;
};

struct remote_calls {
	struct remote_call *v;
	size_t n, cap;
};

void remote_call_init(struct remote_call *c);
void remote_call_release(struct remote_call *c);
void remote_calls_init(struct remote_calls *cs);
void remote_calls_release(struct remote_calls *cs);
void remote_calls_free(struct remote_calls *cs);
/* Appends a zeroed call and returns it. */
struct remote_call *remote_calls_push(struct remote_calls *cs);

/*
 * Appends to calls every meeting of cfg->zoom_user with a TRANSCRIPT file recorded
 * from..to ("YYYY-MM-DD", inclusive), following every page; then fills each call's
 * attendees and names from its past meeting's participants (a 400, 403 or 404 there,
 * such as a missing scope, leaves them empty).
 */
enum mk_err zoom_list(struct remote_config *cfg, const char *from, const char *to,
		      struct remote_calls *calls, struct mk_diag *diag);
/* Downloads a call's transcript into buf (cap cfg->max_transcript_bytes). */
enum mk_err zoom_download(struct remote_config *cfg, const struct remote_call *call,
			  struct mk_buf *buf, struct mk_diag *diag);

/*
 * Appends to calls every transcript of the online meetings cfg->ms_user_id organized,
 * created from..to ("YYYY-MM-DD", inclusive; either may be NULL), following every page.
 */
enum mk_err teams_list(struct remote_config *cfg, const char *from, const char *to,
		       struct remote_calls *calls, struct mk_diag *diag);
/* Downloads a transcript as WebVTT into buf. */
enum mk_err teams_download(struct remote_config *cfg, const struct remote_call *call,
			   struct mk_buf *buf, struct mk_diag *diag);

/*
 * The replies' readers, pure (no network): zoom_list, teams_list and the token calls use
 * them on each reply body; tests/fuzz/fuzz_zoom_json.c and fuzz_teams_json.c feed them
 * any bytes. A body that is not a JSON object is MK_ENET "SERVICE: response is not JSON";
 * fields of the wrong type are left out. *next (when asked for) is a new string or NULL.
 */
/* {"access_token", "expires_in"}: tok->value replaced, renewed a minute before expiry. */
enum mk_err zoom_parse_token(const struct mk_buf *body, time_t now, struct remote_token *tok,
			     struct mk_diag *diag);
/* A page of /users/{id}/recordings: appends each meeting with a TRANSCRIPT file; *next is
 * next_page_token. */
enum mk_err zoom_parse_recordings(const struct mk_buf *body, struct remote_calls *calls,
				  char **next, struct mk_diag *diag);
/* A page of /past_meetings/{uuid}/participants: adds names and e-mails to c (once each, any
 * case); *nparts is the page's number of participants, *next its next_page_token. */
enum mk_err zoom_parse_participants(const struct mk_buf *body, struct remote_call *c,
				    char **next, size_t *nparts, struct mk_diag *diag);
enum mk_err teams_parse_token(const struct mk_buf *body, time_t now, struct remote_token *tok,
			      struct mk_diag *diag);
/* A page of getAllTranscripts: appends each transcript with an id and a meetingId, its
 * download URL under graph_api for user (URL-escaped); *next is @odata.nextLink, which
 * must lie under graph_api (else MK_ENET, *next NULL). */
enum mk_err teams_parse_transcripts(const struct mk_buf *body, const char *graph_api,
				    const char *user, struct remote_calls *calls, char **next,
				    struct mk_diag *diag);
/* An onlineMeeting: its subject, startDateTime and the organizer's and attendees' upn. */
enum mk_err teams_parse_details(const struct mk_buf *body, struct remote_call *c,
				struct mk_diag *diag);

#endif
