/*
 * remote.h: the call sources' insides: the clients that list and fetch call transcripts
 * from Zoom (zoom.c: Server-to-Server OAuth, cloud recordings) and Microsoft Graph
 * (teams.c: client credentials, onlineMeetings getAllTranscripts), both over one client
 * skeleton (source.c: configuration from the environment and a KEY=VALUE file, the token
 * cache, one authenticated GET that renews the token once, paging) over http.c. The
 * public face is mapkeeper.h's call-source API (mk_source_open/list/fetch/close).
 * Does not store, match deals or keep cursors. Invariant: secrets and tokens stay in
 * struct remote_config and never reach a diag message.
 */
#ifndef MK_REMOTE_H
#define MK_REMOTE_H

#include <stdio.h>
#include <time.h>

#include "ingest/http.h"

#define REMOTE_MAX_JSON_BYTES (8u * 1024u * 1024u)  /* one API reply */
#define REMOTE_MAX_PAGES      1000                  /* pages followed in one listing */

#define REMOTE_ZOOM_API    "https://api.zoom.us/v2"
#define REMOTE_ZOOM_OAUTH  "https://zoom.us/oauth/token"
#define REMOTE_GRAPH_API   "https://graph.microsoft.com/v1.0"
#define REMOTE_MS_LOGIN    "https://login.microsoftonline.com"
/* the CRMs and Slack (issue 15: crm/, notify/) */
#define REMOTE_SF_LOGIN       "https://login.salesforce.com"
#define REMOTE_SF_API_VERSION "62.0"
#define REMOTE_SF_EXTERNAL_ID "Mapkeeper_Id__c"
#define REMOTE_SF_HEALTH      "Mapkeeper_Plan_Health__c"
#define REMOTE_HS_API         "https://api.hubapi.com"
#define REMOTE_HS_APP         "https://app.hubspot.com"
#define REMOTE_HS_NEXT_STEP   "hs_next_step"
#define REMOTE_SLACK_API      "https://slack.com/api"

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
	/* Salesforce (crm/salesforce.c): an External Client App */
	char *sf_domain;           /* SF_DOMAIN: the org's My Domain URL, https://NAME.my.salesforce.com */
	char *sf_client_id;        /* SF_CLIENT_ID: the app's consumer key */
	char *sf_client_secret;    /* SF_CLIENT_SECRET: client credentials flow */
	char *sf_username;         /* SF_USERNAME: JWT bearer flow, the user the app acts as */
	char *sf_jwt_key_file;     /* SF_JWT_KEY_FILE: JWT bearer flow, the PEM private key (chmod 600) */
	char *sf_login;            /* SF_LOGIN_URL: the JWT's audience, default REMOTE_SF_LOGIN */
	char *sf_api_version;      /* SF_API_VERSION, default REMOTE_SF_API_VERSION ("62.0") */
	char *sf_external_id;      /* SF_EXTERNAL_ID_FIELD on Task, default REMOTE_SF_EXTERNAL_ID */
	char *sf_health_field;     /* SF_HEALTH_FIELD on Opportunity, default REMOTE_SF_HEALTH
				      (written only when the org has it) */
	/* HubSpot (crm/hubspot.c): a private app */
	char *hs_token;            /* HUBSPOT_TOKEN: the private app's access token */
	char *hs_api;              /* MAPKEEPER_HUBSPOT_API, default REMOTE_HS_API */
	char *hs_app;              /* MAPKEEPER_HUBSPOT_APP (links), default REMOTE_HS_APP */
	char *hs_portal_id;        /* HUBSPOT_PORTAL_ID: the account id, for links to records */
	char *hs_next_step;        /* HUBSPOT_NEXT_STEP_PROPERTY, default REMOTE_HS_NEXT_STEP */
	/* Slack (notify/slack.c): an incoming webhook, or a bot token and a channel */
	char *slack_webhook;       /* SLACK_WEBHOOK_URL (a secret) */
	char *slack_token;         /* SLACK_BOT_TOKEN (xoxb-..., a secret) */
	char *slack_channel;       /* SLACK_CHANNEL: chat.postMessage's channel id or name */
	char *slack_api;           /* MAPKEEPER_SLACK_API, default REMOTE_SLACK_API */
	char *public_url;          /* MAPKEEPER_URL: where `serve` is reached (links), or NULL */
	struct http_opts net;      /* timeouts and retries (service is set per client) */
	size_t max_json_bytes;     /* default REMOTE_MAX_JSON_BYTES */
	size_t max_transcript_bytes; /* default MK_MAX_TRANSCRIPT_BYTES */
	int teams_details;         /* fetch each meeting's subject/start/attendees (default 1) */
	struct remote_token zoom_token, ms_token, sf_token;
	char *sf_instance;         /* the token reply's instance_url (the API's base), or NULL */
};

/* Defaults, no credentials. */
void remote_config_init(struct remote_config *cfg);
/* Frees the strings and tokens (secrets are zeroed first); leaves cfg zeroed. */
void remote_config_release(struct remote_config *cfg);
/* init, then every variable named above that is set and not empty (ZOOM_USER is read
 * from a file only). */
void remote_config_from_env(struct remote_config *cfg);
/* Replaces *field with a copy of value (NULL clears it). */
void remote_config_set(char **field, const char *value);

/*
 * The configuration file's text (name is its path, for messages): `KEY=VALUE` lines with
 * the environment's names (and ZOOM_USER), blanks around both trimmed; empty lines and
 * lines starting with '#' skipped. Stops at the first bad line: MK_EFORMAT with
 * "sync: NAME:LINE: not KEY=VALUE" or "... unknown key 'K'" (never a value).
 */
enum mk_err remote_config_parse(struct remote_config *cfg, const char *name, const char *text,
				size_t len, struct mk_diag *diag);
/* The file at path over cfg: refused (MK_EARG) when group or others may read it; MK_EIO
 * when it cannot be read; else remote_config_parse. */
enum mk_err remote_config_load(struct remote_config *cfg, const char *path, struct mk_diag *diag);
/* What every client reads: the environment, then the file config (or $MAPKEEPER_CONFIG when
 * config is NULL) over it. cfg must be released even on failure. */
enum mk_err remote_config_open(struct remote_config *cfg, const char *config, struct mk_diag *diag);

/* An OAuth token reply (access_token, expires_in) of source who into tok: renewed a minute
 * before it ends (expires_in capped at a day). MK_ENET and one line when there is none. */
struct json_t;
enum mk_err remote_token_from_json(const char *who, struct json_t *j, time_t now, struct remote_token *tok,
				   struct mk_diag *diag);
/* A reply body that must be a JSON object (else MK_ENET "SERVICE: response is not JSON"). */
enum mk_err remote_parse_json(const char *service, const struct mk_buf *body, struct json_t **out,
			      struct mk_diag *diag);
/* A token reply's body: remote_parse_json, then remote_token_from_json. */
enum mk_err remote_parse_token(const char *service, const struct mk_buf *body, time_t now,
			       struct remote_token *tok, struct mk_diag *diag);
/* A copy of obj[key] when it is a string, else NULL. */
char *remote_json_str(struct json_t *obj, const char *key);
/* Is s a day "YYYY-MM-DD" and nothing more (the calendar's mk_date_parse)? */
int remote_day_ok(const char *s);

/* One line of a KEY=VALUE or deal-map file: trimmed, not empty, not a '#' comment. */
typedef enum mk_err (*remote_line_fn)(void *ctx, char *line, const char *name, long lineno,
				      struct mk_diag *diag);
/* Calls fn on each such line of text[0..len) (lines are '\n'-ended; each is zeroed after,
 * it may hold a secret) until one fails; name is the file's, for messages. */
enum mk_err remote_lines(const char *text, size_t len, remote_line_fn fn, void *ctx, const char *name,
			 struct mk_diag *diag);
/* Reads the rest of f into text (NUL-terminated): MK_ETOOBIG past max bytes, MK_EIO when
 * it cannot be read (errno says why). */
enum mk_err remote_read_all(FILE *f, size_t max, struct mk_buf *text);

/* s without the blanks around it (in place). */
char *remote_trim(char *s);

/* The calls a source lists (struct mk_source_call in mapkeeper.h). */
void remote_call_init(struct mk_source_call *c);
void remote_call_release(struct mk_source_call *c);
void remote_calls_init(struct mk_source_calls *cs);
void remote_calls_release(struct mk_source_calls *cs);
/* Appends a zeroed call and returns it. */
struct mk_source_call *remote_calls_push(struct mk_source_calls *cs);
/* Moves every call of from to the end of to (from is left empty). */
void remote_calls_move(struct mk_source_calls *to, struct mk_source_calls *from);

/* ---- the client skeleton (source.c): what Zoom and Graph share --------------------- */

/* A token request as a service builds it (url, body, authentication); source.c sends it
 * and wipes form afterwards. */
struct remote_token_req {
	struct http_req r;
	char *url;
	struct mk_buf form;
};

/* What differs between the services; the rest is the skeleton's. */
struct remote_service {
	const char *name;           /* "zoom", "graph": names it in messages */
	const char *credentials;    /* the variables a token needs, "A, B and C" */
	const char *denied;         /* what a 403 says the app needs */
	const char *not_found;      /* said after "not found (HTTP 404)" */
	struct remote_token *(*token)(struct remote_config *cfg);
	/* Fills q->r (and q->url, q->form) for a token request; 0 when credentials are
	 * missing. */
	int (*token_request)(const struct remote_config *cfg, struct remote_token_req *q);
};

/*
 * GET url with the service's bearer token (fetched when missing or due; renewed once on a
 * 401). MK_OK: a reply arrived and *status holds it (any status but a 401 after renewal,
 * which is MK_ENET "SERVICE: access token refused (HTTP 401) after renewal").
 */
enum mk_err remote_get(const struct remote_service *svc, struct remote_config *cfg, const char *url,
		       const char *accept, size_t max, struct mk_buf *body, long *status,
		       struct mk_diag *diag);
/* MK_OK for a 2xx status; else MK_ENET and the service's message for it. */
enum mk_err remote_status(const struct remote_service *svc, long status, struct mk_diag *diag);

/*
 * Reads one page's reply (status: any but a 401; with strict paging a 2xx), setting *next
 * to the next page's token or link (NULL or "" on the last page). cur is the token or
 * link this page was asked with (NULL on the first).
 */
typedef enum mk_err (*remote_page_fn)(void *ctx, const struct mk_buf *body, long status, const char *cur,
				      char **next, struct mk_diag *diag);

struct remote_paging {
	const char *what;           /* "recordings": in "more than N pages of recordings" */
	const char *url;            /* the first page */
	const char *token_param;    /* next pages: url&PARAM=token; NULL: *next is the URL */
	int strict;                 /* a status other than 2xx is an error (remote_status) */
	remote_page_fn page;
	void *ctx;
};

/* Follows the pages of a JSON listing, at most REMOTE_MAX_PAGES. */
enum mk_err remote_pages(const struct remote_service *svc, struct remote_config *cfg,
			 const struct remote_paging *p, struct mk_diag *diag);

/* GET a call's transcript (cap cfg->max_transcript_bytes); a non-2xx status is an error. */
enum mk_err remote_download(const struct remote_service *svc, struct remote_config *cfg,
			    const struct mk_source_call *call, const char *accept, struct mk_buf *buf,
			    struct mk_diag *diag);

/* One source of the call-source API: how it lists a day range and fetches a call. */
struct remote_source {
	const char *name;           /* "zoom", "teams" */
	int label_by_meeting;       /* a transcript's label is NAME:meeting id (else its id) */
	enum mk_err (*list)(struct remote_config *cfg, const char *from, const char *to,
			    struct mk_source_calls *calls, struct mk_diag *diag);
	enum mk_err (*download)(struct remote_config *cfg, const struct mk_source_call *call,
				struct mk_buf *buf, struct mk_diag *diag);
};
extern const struct remote_source remote_zoom_source, remote_teams_source;

/*
 * Appends to calls every meeting of cfg->zoom_user with a TRANSCRIPT file recorded
 * from..to ("YYYY-MM-DD", inclusive), following every page; then fills each call's
 * attendees and names from its past meeting's participants (a 400, 403 or 404 there,
 * such as a missing scope, leaves them empty).
 */
enum mk_err zoom_list(struct remote_config *cfg, const char *from, const char *to,
		      struct mk_source_calls *calls, struct mk_diag *diag);
/* Downloads a call's transcript into buf (cap cfg->max_transcript_bytes). */
enum mk_err zoom_download(struct remote_config *cfg, const struct mk_source_call *call,
			  struct mk_buf *buf, struct mk_diag *diag);

/*
 * Appends to calls every transcript of the online meetings cfg->ms_user_id organized,
 * created from..to ("YYYY-MM-DD", inclusive; either may be NULL), following every page.
 */
enum mk_err teams_list(struct remote_config *cfg, const char *from, const char *to,
		       struct mk_source_calls *calls, struct mk_diag *diag);
/* Downloads a transcript as WebVTT into buf. */
enum mk_err teams_download(struct remote_config *cfg, const struct mk_source_call *call,
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
enum mk_err zoom_parse_recordings(const struct mk_buf *body, struct mk_source_calls *calls,
				  char **next, struct mk_diag *diag);
/* A page of /past_meetings/{uuid}/participants: adds names and e-mails to c (once each, any
 * case); *nparts is the page's number of participants, *next its next_page_token. */
enum mk_err zoom_parse_participants(const struct mk_buf *body, struct mk_source_call *c,
				    char **next, size_t *nparts, struct mk_diag *diag);
enum mk_err teams_parse_token(const struct mk_buf *body, time_t now, struct remote_token *tok,
			      struct mk_diag *diag);
/* A page of getAllTranscripts: appends each transcript with an id and a meetingId, its
 * download URL under graph_api for user (URL-escaped); *next is @odata.nextLink, which
 * must lie under graph_api (else MK_ENET, *next NULL). */
enum mk_err teams_parse_transcripts(const struct mk_buf *body, const char *graph_api,
				    const char *user, struct mk_source_calls *calls, char **next,
				    struct mk_diag *diag);
/* An onlineMeeting: its subject, startDateTime and the organizer's and attendees' upn. */
enum mk_err teams_parse_details(const struct mk_buf *body, struct mk_source_call *c,
				struct mk_diag *diag);

#endif
