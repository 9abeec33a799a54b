/*
 * source.c: the call-source API (mk_source_open, list, fetch, close) and the one client
 * skeleton Zoom (zoom.c) and Microsoft Graph (teams.c) share: the configuration (the
 * environment, a KEY=VALUE file), call lists, the token cache, one authenticated GET that
 * renews the token once, status messages and paging. Does not know any API's URLs or
 * replies (remote.h's struct remote_service says what differs). Invariant: no secret or
 * token reaches a diag message; buffers that held one are zeroed before they are freed.
 */
#include "ingest/remote.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- configuration -------------------------------------------------------- */

void remote_config_set(char **field, const char *value)
{
	if (*field) {
		memset(*field, 0, strlen(*field)); /* may have been a secret */
		free(*field);
	}
	*field = value ? mk_strdup(value) : NULL;
}

void remote_config_init(struct remote_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->zoom_user = mk_strdup("me");
	cfg->zoom_api = mk_strdup(REMOTE_ZOOM_API);
	cfg->zoom_oauth = mk_strdup(REMOTE_ZOOM_OAUTH);
	cfg->graph_api = mk_strdup(REMOTE_GRAPH_API);
	cfg->ms_login = mk_strdup(REMOTE_MS_LOGIN);
	cfg->sf_login = mk_strdup(REMOTE_SF_LOGIN);
	cfg->sf_api_version = mk_strdup(REMOTE_SF_API_VERSION);
	cfg->sf_external_id = mk_strdup(REMOTE_SF_EXTERNAL_ID);
	cfg->sf_health_field = mk_strdup(REMOTE_SF_HEALTH);
	cfg->hs_api = mk_strdup(REMOTE_HS_API);
	cfg->hs_app = mk_strdup(REMOTE_HS_APP);
	cfg->hs_next_step = mk_strdup(REMOTE_HS_NEXT_STEP);
	cfg->slack_api = mk_strdup(REMOTE_SLACK_API);
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
		&cfg->sf_domain, &cfg->sf_client_id, &cfg->sf_client_secret, &cfg->sf_username,
		&cfg->sf_jwt_key_file, &cfg->sf_login, &cfg->sf_api_version, &cfg->sf_external_id,
		&cfg->sf_health_field, &cfg->hs_token, &cfg->hs_api, &cfg->hs_app, &cfg->hs_portal_id,
		&cfg->hs_next_step, &cfg->slack_webhook, &cfg->slack_token, &cfg->slack_channel,
		&cfg->slack_api, &cfg->public_url, &cfg->sf_token.value, &cfg->sf_instance,
	};
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		remote_config_set(fields[i], NULL);
	memset(cfg, 0, sizeof *cfg);
}

/* The configuration's names: the environment's and the file's (env 0: the file only). */
struct config_key {
	const char *name;
	char **field;
	int env;
};

#define CONFIG_KEYS 31

static void config_keys(struct remote_config *cfg, struct config_key k[CONFIG_KEYS])
{
	struct config_key all[CONFIG_KEYS] = {
		{ "ZOOM_ACCOUNT_ID", &cfg->zoom_account_id, 1 },
		{ "ZOOM_CLIENT_ID", &cfg->zoom_client_id, 1 },
		{ "ZOOM_CLIENT_SECRET", &cfg->zoom_client_secret, 1 },
		{ "ZOOM_USER", &cfg->zoom_user, 0 },
		{ "MS_TENANT_ID", &cfg->ms_tenant_id, 1 },
		{ "MS_CLIENT_ID", &cfg->ms_client_id, 1 },
		{ "MS_CLIENT_SECRET", &cfg->ms_client_secret, 1 },
		{ "MS_USER_ID", &cfg->ms_user_id, 1 },
		{ "MAPKEEPER_ZOOM_API", &cfg->zoom_api, 1 },
		{ "MAPKEEPER_ZOOM_OAUTH", &cfg->zoom_oauth, 1 },
		{ "MAPKEEPER_GRAPH_API", &cfg->graph_api, 1 },
		{ "MAPKEEPER_MS_LOGIN", &cfg->ms_login, 1 },
		{ "SF_DOMAIN", &cfg->sf_domain, 1 },
		{ "SF_CLIENT_ID", &cfg->sf_client_id, 1 },
		{ "SF_CLIENT_SECRET", &cfg->sf_client_secret, 1 },
		{ "SF_USERNAME", &cfg->sf_username, 1 },
		{ "SF_JWT_KEY_FILE", &cfg->sf_jwt_key_file, 1 },
		{ "SF_LOGIN_URL", &cfg->sf_login, 1 },
		{ "SF_API_VERSION", &cfg->sf_api_version, 1 },
		{ "SF_EXTERNAL_ID_FIELD", &cfg->sf_external_id, 1 },
		{ "SF_HEALTH_FIELD", &cfg->sf_health_field, 1 },
		{ "HUBSPOT_TOKEN", &cfg->hs_token, 1 },
		{ "MAPKEEPER_HUBSPOT_API", &cfg->hs_api, 1 },
		{ "MAPKEEPER_HUBSPOT_APP", &cfg->hs_app, 1 },
		{ "HUBSPOT_PORTAL_ID", &cfg->hs_portal_id, 1 },
		{ "HUBSPOT_NEXT_STEP_PROPERTY", &cfg->hs_next_step, 1 },
		{ "SLACK_WEBHOOK_URL", &cfg->slack_webhook, 1 },
		{ "SLACK_BOT_TOKEN", &cfg->slack_token, 1 },
		{ "SLACK_CHANNEL", &cfg->slack_channel, 1 },
		{ "MAPKEEPER_SLACK_API", &cfg->slack_api, 1 },
		{ "MAPKEEPER_URL", &cfg->public_url, 1 },
	};
	memcpy(k, all, sizeof all);
}

void remote_config_from_env(struct remote_config *cfg)
{
	struct config_key k[CONFIG_KEYS];
	remote_config_init(cfg);
	config_keys(cfg, k);
	for (size_t i = 0; i < CONFIG_KEYS; i++) {
		const char *v = getenv(k[i].name);
		if (k[i].env && v && *v)
			remote_config_set(k[i].field, v);
	}
}

char *remote_trim(char *s)
{
	char *e;
	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* One line of a configuration file (s trimmed, not empty, no comment). */
static enum mk_err config_line(void *ctx, char *s, const char *name, long lineno, struct mk_diag *diag)
{
	struct remote_config *cfg = ctx;
	struct config_key k[CONFIG_KEYS];
	char *eq = strchr(s, '='), *key;
	if (!eq) {
		mk_diag_set(diag, "", 0, "sync: %s:%ld: not KEY=VALUE", name, lineno);
		return MK_EFORMAT;
	}
	*eq = '\0';
	key = remote_trim(s);
	config_keys(cfg, k);
	for (size_t i = 0; i < CONFIG_KEYS; i++) {
		if (!strcmp(k[i].name, key)) {
			remote_config_set(k[i].field, remote_trim(eq + 1));
			return MK_OK;
		}
	}
	mk_diag_set(diag, "", 0, "sync: %s:%ld: unknown key '%s'", name, lineno, key);
	return MK_EFORMAT;
}

enum mk_err remote_lines(const char *text, size_t len, remote_line_fn fn, void *ctx, const char *name,
			 struct mk_diag *diag)
{
	enum mk_err err = MK_OK;
	size_t at = 0;
	long lineno = 0;
	while (at < len && !err) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t n = nl ? (size_t)(nl - (text + at)) : len - at;
		char *line = mk_strndup(text + at, n), *s = remote_trim(line);
		lineno++;
		if (*s && *s != '#')
			err = fn(ctx, s, name, lineno, diag);
		memset(line, 0, n); /* may have held a secret */
		free(line);
		at += n + 1;
	}
	return err;
}

enum mk_err remote_read_all(FILE *f, size_t max, struct mk_buf *text)
{
	char chunk[4096];
	size_t n;
	enum mk_err err = MK_OK;
	while (!err && (n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		mk_buf_add(text, chunk, n);
		if (text->len > max)
			err = MK_ETOOBIG;
	}
	if (!err && ferror(f))
		err = MK_EIO;
	memset(chunk, 0, sizeof chunk);
	if (!text->s)
		mk_buf_add(text, "", 0);
	return err;
}

enum mk_err remote_config_parse(struct remote_config *cfg, const char *name, const char *text,
				size_t len, struct mk_diag *diag)
{
	return remote_lines(text, len, config_line, cfg, name, diag);
}

#define CONFIG_MAX_BYTES (1024u * 1024u)

enum mk_err remote_config_load(struct remote_config *cfg, const char *path, struct mk_diag *diag)
{
	struct stat sb;
	struct mk_buf text;
	enum mk_err err = MK_EIO;
	FILE *f = fopen(path, "r");
	if (!f) {
		mk_diag_set(diag, "", 0, "sync: cannot open config '%s': %s", path, strerror(errno));
		return MK_EIO;
	}
	mk_buf_init(&text);
	if (fstat(fileno(f), &sb))
		mk_diag_set(diag, "", 0, "sync: cannot read config '%s': %s", path, strerror(errno));
	else if ((err = sb.st_mode & 077 ? MK_EARG : MK_OK))
		mk_diag_set(diag, "", 0, "sync: config '%s' is readable by group or others: refused (chmod 600 it)",
			    path);
	else if ((err = remote_read_all(f, CONFIG_MAX_BYTES, &text)) == MK_ETOOBIG)
		mk_diag_set(diag, "", 0, "sync: config '%s' is larger than 1 MiB", path);
	else if (err)
		mk_diag_set(diag, "", 0, "sync: cannot read config '%s': %s", path, strerror(errno));
	else
		err = remote_config_parse(cfg, path, text.s, text.len, diag);
	if (text.s)
		memset(text.s, 0, text.len); /* held secrets */
	mk_buf_release(&text);
	fclose(f);
	return err;
}

/* ---- calls ---------------------------------------------------------------- */

void remote_call_init(struct mk_source_call *c)
{
	memset(c, 0, sizeof *c);
}

static void free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void remote_call_release(struct mk_source_call *c)
{
	if (!c)
		return;
	free(c->external_id);
	free(c->meeting_id);
	free(c->topic);
	free(c->start);
	free(c->timezone);
	free_list(c->attendees, c->nattendees);
	free(c->download_url);
	free_list(c->names, c->nnames);
	remote_call_init(c);
}

void remote_calls_init(struct mk_source_calls *cs)
{
	memset(cs, 0, sizeof *cs);
}

void remote_calls_release(struct mk_source_calls *cs)
{
	if (!cs)
		return;
	for (size_t i = 0; i < cs->n; i++)
		remote_call_release(&cs->v[i]);
	free(cs->v);
	remote_calls_init(cs);
}

void mk_source_calls_release(struct mk_source_calls *cs)
{
	remote_calls_release(cs);
}

struct mk_source_call *remote_calls_push(struct mk_source_calls *cs)
{
	cs->v = mk_grow(cs->v, &cs->cap, cs->n + 1, sizeof *cs->v);
	remote_call_init(&cs->v[cs->n]);
	return &cs->v[cs->n++];
}

void remote_calls_move(struct mk_source_calls *to, struct mk_source_calls *from)
{
	for (size_t i = 0; i < from->n; i++)
		*remote_calls_push(to) = from->v[i];
	free(from->v);
	remote_calls_init(from);
}

/* ---- replies ---------------------------------------------------------------- */

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

enum mk_err remote_parse_json(const char *service, const struct mk_buf *body, json_t **out,
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

enum mk_err remote_parse_token(const char *service, const struct mk_buf *body, time_t now,
			       struct remote_token *tok, struct mk_diag *diag)
{
	json_t *j = NULL;
	enum mk_err err = remote_parse_json(service, body, &j, diag);
	if (err != MK_OK)
		return err;
	err = remote_token_from_json(service, j, now, tok, diag);
	json_decref(j);
	return err;
}

char *remote_json_str(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));
	return s ? mk_strdup(s) : NULL;
}

int remote_day_ok(const char *s)
{
	struct mk_date d;
	return mk_date_parse_day(s, &d) == MK_OK;
}

/* ---- the skeleton: token, GET, status, pages ----------------------------------- */

static struct http_opts service_opts(const struct remote_service *svc, const struct remote_config *cfg)
{
	struct http_opts o = cfg->net;
	o.service = svc->name;
	return o;
}

/* The service's token: the cached one unless force or due, else a new one. */
static enum mk_err token_get(const struct remote_service *svc, struct remote_config *cfg, int force,
			     struct mk_diag *diag)
{
	struct http_opts o = service_opts(svc, cfg);
	struct remote_token *tok = svc->token(cfg);
	struct remote_token_req q;
	struct mk_buf body;
	long status = 0;
	enum mk_err err;

	if (!force && tok->value && time(NULL) < tok->renew_at)
		return MK_OK;
	memset(&q, 0, sizeof q);
	mk_buf_init(&q.form);
	mk_buf_init(&body);
	if (!svc->token_request(cfg, &q)) {
		mk_diag_set(diag, "", 0, "%s: credentials missing: set %s", svc->name, svc->credentials);
		err = MK_EARG;
		goto out;
	}
	q.r.method = "POST";
	q.r.content_type = "application/x-www-form-urlencoded";
	q.r.accept = "application/json";
	q.r.max_bytes = cfg->max_json_bytes;
	if ((err = http_do(&o, &q.r, &status, &body, diag)) != MK_OK)
		goto out;
	err = MK_ENET;
	if (status == 400 || status == 401 || status == 403)
		mk_diag_set(diag, "", 0, "%s: authentication failed (HTTP %ld): check %s", svc->name, status,
			    svc->credentials);
	else if (status != 200)
		mk_diag_set(diag, "", 0, "%s: token request failed (HTTP %ld)", svc->name, status);
	else
		err = remote_parse_token(svc->name, &body, time(NULL), tok, diag);
out:
	if (body.s)
		memset(body.s, 0, body.len); /* held the token */
	if (q.form.s)
		memset(q.form.s, 0, q.form.len); /* held the secret */
	mk_buf_release(&body);
	mk_buf_release(&q.form);
	free(q.url);
	return err;
}

enum mk_err remote_get(const struct remote_service *svc, struct remote_config *cfg, const char *url,
		       const char *accept, size_t max, struct mk_buf *body, long *status,
		       struct mk_diag *diag)
{
	struct http_opts o = service_opts(svc, cfg);
	enum mk_err err;
	for (int renewed = 0;; renewed = 1) {
		if ((err = token_get(svc, cfg, renewed, diag)) != MK_OK)
			return err;
		struct http_req r = { .url = url, .accept = accept, .bearer = svc->token(cfg)->value,
				      .max_bytes = max };
		if ((err = http_do(&o, &r, status, body, diag)) != MK_OK)
			return err;
		if (*status != 401)
			return MK_OK;
		if (renewed)
			break;
	}
	mk_diag_set(diag, "", 0, "%s: access token refused (HTTP 401) after renewal", svc->name);
	return MK_ENET;
}

enum mk_err remote_status(const struct remote_service *svc, long status, struct mk_diag *diag)
{
	if (status >= 200 && status <= 299)
		return MK_OK;
	if (status == 401)
		mk_diag_set(diag, "", 0, "%s: access token refused (HTTP 401) after renewal", svc->name);
	else if (status == 403)
		mk_diag_set(diag, "", 0, "%s: permission denied (HTTP 403): the app needs %s", svc->name,
			    svc->denied);
	else if (status == 404)
		mk_diag_set(diag, "", 0, "%s: not found (HTTP 404)%s", svc->name, svc->not_found);
	else
		mk_diag_set(diag, "", 0, "%s: request failed (HTTP %ld)", svc->name, status);
	return MK_ENET;
}

/* The URL of the page after first: its link, or first with &PARAM=token. */
static void page_url(const struct remote_paging *p, const char *next, struct mk_buf *url)
{
	mk_buf_reset(url);
	if (!next) {
		mk_buf_adds(url, p->url);
	} else if (!p->token_param) {
		mk_buf_adds(url, next);
	} else {
		char *e = http_escape(next);
		mk_buf_addf(url, "%s&%s=%s", p->url, p->token_param, e);
		free(e);
	}
}

enum mk_err remote_pages(const struct remote_service *svc, struct remote_config *cfg,
			 const struct remote_paging *p, struct mk_diag *diag)
{
	enum mk_err err = MK_OK;
	struct mk_buf body, url;
	char *next = NULL;
	long status = 0;

	mk_buf_init(&body);
	mk_buf_init(&url);
	for (int page = 0;; page++) {
		if (page >= REMOTE_MAX_PAGES) {
			mk_diag_set(diag, "", 0, "%s: more than %d pages of %s", svc->name, REMOTE_MAX_PAGES,
				    p->what);
			err = MK_ENET;
			break;
		}
		page_url(p, next, &url);
		if ((err = remote_get(svc, cfg, url.s, "application/json", cfg->max_json_bytes, &body, &status,
				      diag)) != MK_OK ||
		    (p->strict && (err = remote_status(svc, status, diag)) != MK_OK))
			break;
		char *cur = next;
		next = NULL;
		err = p->page(p->ctx, &body, status, cur, &next, diag);
		free(cur);
		if (err != MK_OK || !next || !*next)
			break;
	}
	mk_buf_release(&body);
	mk_buf_release(&url);
	free(next);
	return err;
}

enum mk_err remote_download(const struct remote_service *svc, struct remote_config *cfg,
			    const struct mk_source_call *call, const char *accept, struct mk_buf *buf,
			    struct mk_diag *diag)
{
	long status = 0;
	enum mk_err err;
	if (!call->download_url) {
		mk_diag_set(diag, "", 0, "%s: the call has no download URL", svc->name);
		return MK_EARG;
	}
	err = remote_get(svc, cfg, call->download_url, accept, cfg->max_transcript_bytes, buf, &status,
			 diag);
	if (err == MK_OK)
		err = remote_status(svc, status, diag);
	return err;
}

/* ---- the call-source API ------------------------------------------------------ */

struct mk_source {
	const struct remote_source *impl;
	struct remote_config cfg;
};

static const struct remote_source *source_named(const char *name)
{
	static const struct remote_source *const all[] = { &remote_zoom_source, &remote_teams_source };
	for (size_t i = 0; name && i < sizeof all / sizeof all[0]; i++)
		if (!strcmp(all[i]->name, name))
			return all[i];
	return NULL;
}

int mk_source_known(const char *name)
{
	return source_named(name) != NULL;
}

enum mk_err remote_config_open(struct remote_config *cfg, const char *config, struct mk_diag *diag)
{
	remote_config_from_env(cfg);
	if (!config && getenv("MAPKEEPER_CONFIG") && *getenv("MAPKEEPER_CONFIG"))
		config = getenv("MAPKEEPER_CONFIG");
	return config ? remote_config_load(cfg, config, diag) : MK_OK;
}

enum mk_err mk_source_open(const char *name, const char *config, struct mk_source **out,
			   struct mk_diag *diag)
{
	const struct remote_source *impl = source_named(name);
	struct mk_source *src;
	enum mk_err err = MK_OK;
	*out = NULL;
	if (!impl) {
		mk_diag_set(diag, "", 0, "sync: unknown source '%s' (zoom or teams)", name ? name : "");
		return MK_EARG;
	}
	src = mk_calloc(1, sizeof *src);
	src->impl = impl;
	if ((err = remote_config_open(&src->cfg, config, diag)) != MK_OK) {
		mk_source_close(src);
		return err;
	}
	*out = src;
	return MK_OK;
}

enum mk_err mk_source_list(struct mk_source *src, const char *from, const char *to,
			   struct mk_source_calls *calls, struct mk_diag *diag)
{
	return src->impl->list(&src->cfg, from, to, calls, diag);
}

enum mk_err mk_source_fetch(struct mk_source *src, const struct mk_source_call *c,
			    struct mk_transcript *t, struct mk_diag *diag)
{
	struct mk_buf body;
	const char *id = src->impl->label_by_meeting && c->meeting_id ? c->meeting_id : c->external_id;
	char *label = mk_sprintf("%s:%s", src->impl->name, id ? id : "");
	enum mk_err err;
	mk_buf_init(&body);
	err = src->impl->download(&src->cfg, c, &body, diag);
	if (err == MK_OK)
		err = mk_transcript_parse(t, label, body.s ? body.s : "", body.len, diag);
	mk_buf_release(&body);
	free(label);
	return err;
}

void mk_source_close(struct mk_source *src)
{
	if (!src)
		return;
	remote_config_release(&src->cfg);
	free(src);
}
