/*
 * slack.c: mk_notify_slack: each call with proposals not yet announced goes to Slack as
 * one message (message.c), through an incoming webhook (SLACK_WEBHOOK_URL) or the Web
 * API's chat.postMessage (SLACK_BOT_TOKEN, SLACK_CHANNEL), and is marked announced once
 * Slack took it; or the daily digest, once a day. Slack's refusals become one line saying
 * what to fix. Does not build messages (message.c) nor keep state (store/notify.c).
 * Invariant: the webhook URL and the bot token never reach a message, a diag or output;
 * a call Slack did not take stays pending for the next run.
 */
#include "notify/notify.h"
#include "ingest/remote.h"

#include <stdlib.h>
#include <string.h>

#define SLACK_NOTICE_CHANNEL "slack"        /* the store's notice channel */
#define SLACK_REPLY_MAX (64u * 1024u)       /* Slack's reply to one message */

/* Reads the configuration: a webhook wins over a bot token; one of them is needed. */
static enum mk_err slack_open(struct remote_config *cfg, const char *config, struct mk_diag *diag)
{
	enum mk_err err = remote_config_open(cfg, config, diag);
	char msg[sizeof diag->msg];

	if (err && !strncmp(diag->msg, "sync: ", 6)) { /* the loader is sync's; this is Slack's config */
		snprintf(msg, sizeof msg, "slack: %s", diag->msg + 6);
		memcpy(diag->msg, msg, sizeof msg);
	}
	if (err)
		return err;
	cfg->net.service = "slack";
	if (cfg->slack_webhook || (cfg->slack_token && cfg->slack_channel))
		return MK_OK;
	mk_diag_set(diag, "", 0, "slack: set SLACK_WEBHOOK_URL, or SLACK_BOT_TOKEN and SLACK_CHANNEL");
	return MK_EARG;
}

/* Slack's error code as sent (letters, digits, _ . -; at most 60), or "unknown". */
static void slack_code(const char *s, char *out, size_t outlen)
{
	size_t n = 0;

	while (s && n + 1 < outlen && n < 60 && s[n] && strchr("abcdefghijklmnopqrstuvwxyz0123456789_.-", s[n]))
		n++;
	if (!n || (s[n] && !strchr(" \r\n", s[n])))
		snprintf(out, outlen, "unknown");
	else
		snprintf(out, outlen, "%.*s", (int)n, s);
}

/* What an incoming webhook's refusal (status, body: the error code) means. */
static enum mk_err webhook_refused(long status, const char *body, struct mk_diag *diag)
{
	char code[64];

	slack_code(body, code, sizeof code);
	if (!strcmp(code, "invalid_blocks") || !strcmp(code, "invalid_payload") ||
	    !strcmp(code, "invalid_blocks_format") || !strcmp(code, "too_many_attachments"))
		mk_diag_set(diag, "", 0, "slack: Slack refused the message (%s): a mapkeeper bug, please report it",
			    code);
	else if (!strcmp(code, "action_prohibited") || !strcmp(code, "posting_to_general_channel_denied"))
		mk_diag_set(diag, "", 0, "slack: the webhook may not post to its channel (%s): ask a workspace "
			    "admin, or make a webhook for another channel", code);
	else if (!strcmp(code, "no_service") || !strcmp(code, "no_active_hooks") || !strcmp(code, "invalid_token"))
		mk_diag_set(diag, "", 0, "slack: the webhook is gone (%s): make a new incoming webhook and set "
			    "SLACK_WEBHOOK_URL to it", code);
	else if (!strcmp(code, "channel_not_found"))
		mk_diag_set(diag, "", 0, "slack: the webhook's channel is gone (channel_not_found): make a webhook "
			    "for an existing channel and set SLACK_WEBHOOK_URL to it");
	else if (!strcmp(code, "channel_is_archived"))
		mk_diag_set(diag, "", 0, "slack: the webhook's channel is archived (channel_is_archived): unarchive "
			    "it, or make a webhook for another channel");
	else
		mk_diag_set(diag, "", 0, "slack: the webhook refused the message (HTTP %ld, %s)", status, code);
	return MK_ENET;
}

/* What chat.postMessage's {"ok": false, "error": CODE} means. */
static enum mk_err bot_refused(const char *error, const char *channel, struct mk_diag *diag)
{
	char code[64];
	const char *ch = channel ? channel : "";

	slack_code(error, code, sizeof code);
	if (!strcmp(code, "invalid_auth") || !strcmp(code, "not_authed") || !strcmp(code, "token_revoked") ||
	    !strcmp(code, "token_expired") || !strcmp(code, "account_inactive"))
		mk_diag_set(diag, "", 0, "slack: the bot token was refused (%s): check SLACK_BOT_TOKEN (the app's "
			    "xoxb- token)", code);
	else if (!strcmp(code, "not_in_channel"))
		mk_diag_set(diag, "", 0, "slack: the app is not in channel '%.80s' (not_in_channel): invite the app "
			    "to the channel", ch);
	else if (!strcmp(code, "channel_not_found"))
		mk_diag_set(diag, "", 0, "slack: no channel '%.80s' (channel_not_found): check SLACK_CHANNEL, and "
			    "invite the app to the channel if it is private", ch);
	else if (!strcmp(code, "missing_scope"))
		mk_diag_set(diag, "", 0, "slack: the bot token lacks a scope (missing_scope): add chat:write to the "
			    "app's bot token scopes and reinstall it");
	else if (!strcmp(code, "ratelimited"))
		mk_diag_set(diag, "", 0, "slack: Slack is rate limiting the app (ratelimited): try again in a minute");
	else if (!strcmp(code, "is_archived"))
		mk_diag_set(diag, "", 0, "slack: channel '%.80s' is archived (is_archived): unarchive it or set "
			    "SLACK_CHANNEL to another", ch);
	else if (!strcmp(code, "invalid_blocks") || !strcmp(code, "msg_too_long") ||
		 !strcmp(code, "invalid_arguments") || !strcmp(code, "no_text"))
		mk_diag_set(diag, "", 0, "slack: Slack refused the message (%s): a mapkeeper bug, please report it",
			    code);
	else
		mk_diag_set(diag, "", 0, "slack: chat.postMessage failed (%s)", code);
	return MK_ENET;
}

/* A diag that holds a secret (curl quoting a URL) says only that the request failed. */
static void slack_scrub(const struct remote_config *cfg, struct mk_diag *diag)
{
	const char *secret[] = { cfg->slack_webhook, cfg->slack_token };

	for (size_t i = 0; i < 2; i++)
		if (secret[i] && secret[i][0] && (strstr(diag->msg, secret[i]) || strstr(diag->file, secret[i]))) {
			mk_diag_clear(diag);
			mk_diag_set(diag, "", 0, "slack: the request failed");
		}
}

/* A 5xx: Slack may or may not have posted it; it is not sent again in this run. */
static enum mk_err server_error(long status, struct mk_diag *diag)
{
	mk_diag_set(diag, "", 0, "slack: Slack failed (HTTP %ld); what was not sent goes on the next run", status);
	return MK_ENET;
}

/* chat.postMessage's reply: MK_OK when "ok" is true. */
static enum mk_err bot_reply(const struct remote_config *cfg, long status, const struct mk_buf *body,
			     struct mk_diag *diag)
{
	json_t *j = NULL;
	enum mk_err err;

	if (status < 200 || status > 299) {
		mk_diag_set(diag, "", 0, "slack: chat.postMessage failed (HTTP %ld)", status);
		return MK_ENET;
	}
	if ((err = remote_parse_json("slack", body, &j, diag)))
		return err;
	if (!json_is_true(json_object_get(j, "ok")))
		err = bot_refused(json_string_value(json_object_get(j, "error")), cfg->slack_channel, diag);
	json_decref(j);
	return err;
}

/* Posts one message (taken). A 5xx is not retried: Slack may have posted it. */
static enum mk_err slack_post(struct remote_config *cfg, json_t *msg, struct mk_diag *diag)
{
	struct http_req r = { .method = "POST", .content_type = "application/json; charset=utf-8",
			      .max_bytes = SLACK_REPLY_MAX, .once = 1 };
	struct mk_buf body;
	char *json, *url = NULL;
	enum mk_err err;
	long status = 0;

	if (!cfg->slack_webhook) {
		json_object_set_new(msg, "channel", json_string(cfg->slack_channel));
		const char *api = cfg->slack_api ? cfg->slack_api : REMOTE_SLACK_API;
		size_t n = strlen(api);
		while (n && api[n - 1] == '/')
			n--;
		url = mk_sprintf("%.*s/chat.postMessage", (int)n, api);
		r.bearer = cfg->slack_token;
	}
	r.url = url ? url : cfg->slack_webhook;
	json = json_dumps(msg, JSON_COMPACT);
	json_decref(msg);
	r.body = json;
	mk_buf_init(&body);
	err = json ? http_do(&cfg->net, &r, &status, &body, diag) : MK_EFORMAT;
	if (!json)
		mk_diag_set(diag, "", 0, "slack: cannot write the message as JSON");
	else if (err && status == 429)
		mk_diag_set(diag, "", 0, "slack: Slack is rate limiting the app (HTTP 429) after %d tries: try again "
			    "in a minute", cfg->net.retries + 1);
	else if (!err && status >= 500)
		err = server_error(status, diag);
	else if (!err && cfg->slack_webhook)
		err = status == 200 && !strncmp(body.s, "ok", 2) ? MK_OK : webhook_refused(status, body.s, diag);
	else if (!err)
		err = bot_reply(cfg, status, &body, diag);
	if (err)
		slack_scrub(cfg, diag);
	mk_buf_release(&body);
	free(json);
	free(url);
	return err;
}

/* Each pending call (of o->deal) in one message, marked once Slack took it. */
static enum mk_err slack_calls(struct mk_store *st, struct remote_config *cfg, const struct mk_notify_opts *o,
			       struct mk_notify_result *out, struct mk_diag *diag)
{
	struct mk_notice_call *v = NULL;
	size_t n = 0;
	enum mk_err err = mk_store_notice_pending(st, SLACK_NOTICE_CHANNEL, &v, &n, diag);

	for (size_t i = 0; !err && i < n; i++) {
		if (o->deal && strcmp(o->deal, v[i].deal ? v[i].deal : ""))
			continue;
		if ((err = slack_post(cfg, slack_call_message(&v[i], cfg->public_url), diag)))
			break;
		out->messages++;
		out->calls++;
		err = mk_store_notice_sent(st, SLACK_NOTICE_CHANNEL, v[i].meeting_id, diag);
	}
	mk_notice_calls_free(v, n);
	return err;
}

/* The digest of o->today, unless it went out today already (and o->force is 0). */
static enum mk_err slack_digest(struct mk_store *st, struct remote_config *cfg, const struct mk_notify_opts *o,
				struct mk_notify_result *out, struct mk_diag *diag)
{
	struct mk_query q = { .deal = o->deal, .side = MK_SIDE_BUYER, .status = -1, .overdue = 1 };
	struct slack_digest d = { .public_url = cfg->public_url };
	struct mk_query_row *rows = NULL;
	struct mk_health *health = NULL;
	char day[16];
	int sent = 0;
	enum mk_err err;

	d.day = q.as_of = o->today.y ? o->today : mk_today();
	mk_date_format(d.day, day, sizeof day);
	if ((err = mk_store_digest_sent(st, SLACK_NOTICE_CHANNEL, day, &sent, diag)))
		return err;
	if (sent && !o->force) {
		out->skipped = 1;
		return MK_OK;
	}
	if (!(err = mk_store_query(st, &q, &rows, &d.noverdue, diag)))
		err = mk_store_health(st, o->deal, d.day, &health, &d.nhealth, diag);
	d.overdue = rows;
	d.health = health;
	out->overdue = d.noverdue;
	out->no_next_step = slack_digest_stale(&d);
	if (!err && !(err = slack_post(cfg, slack_digest_message(&d), diag))) {
		out->messages = 1;
		err = mk_store_digest_mark(st, SLACK_NOTICE_CHANNEL, day, diag);
	}
	mk_query_rows_free(rows, d.noverdue);
	mk_health_free(health, d.nhealth);
	return err;
}

enum mk_err mk_notify_slack(struct mk_store *st, const struct mk_notify_opts *o, struct mk_notify_result *out,
			    struct mk_diag *diag)
{
	struct remote_config cfg;
	struct mk_deal deal;
	enum mk_err err;

	memset(out, 0, sizeof *out);
	memset(&deal, 0, sizeof deal);
	memset(&cfg, 0, sizeof cfg); /* remote_config_open initializes it */
	if ((err = slack_open(&cfg, o->config, diag)))
		goto out;
	if (o->deal && (err = mk_store_deal_get(st, o->deal, &deal, diag))) {
		if (err == MK_ENOTFOUND)
			mk_diag_set(diag, "", 0, "no deal '%s'", o->deal);
		goto out;
	}
	err = o->digest ? slack_digest(st, &cfg, o, out, diag) : slack_calls(st, &cfg, o, out, diag);
out:
	mk_deal_release(&deal);
	remote_config_release(&cfg);
	return err;
}
