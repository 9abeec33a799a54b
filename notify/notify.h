/*
 * notify.h: Slack's insides. message.c builds the messages, pure (no store, no network):
 * a call's notice and the daily digest as Block Kit JSON with a plain-text fallback, every
 * text from a call or a deal escaped for Slack (& < >) and cut to Slack's limits. slack.c
 * sends them (mk_notify_slack: an incoming webhook or chat.postMessage) and marks what
 * Slack took. Invariant: text from a call only ever reaches a plain_text object, so its
 * * _ ~ ` never format; no message holds a secret (the webhook URL, the bot token).
 */
#ifndef MK_NOTIFY_H
#define MK_NOTIFY_H

#include "mapkeeper.h"
#include "util/util.h"

#include <jansson.h>

#define SLACK_SECTION_MAX 3000      /* a section's (and a context element's) text, Slack's limit */
#define SLACK_HEADER_MAX  150       /* a header's text, Slack's limit */
#define SLACK_BLOCKS_MAX  50        /* blocks in one message, Slack's limit */
#define SLACK_TEXT_MAX    3000      /* the fallback text (Slack cuts at 40,000; ours stays short) */

/*
 * Appends s to b with & < > as &amp; &lt; &gt; and bytes that are not UTF-8 as U+FFFD,
 * at most max bytes of it: a longer text is cut on a character (never inside an entity)
 * and ends with "…" within max.
 */
void slack_escape(struct mk_buf *b, const char *s, size_t max);
/* The same into a new string. */
char *slack_escaped(const char *s, size_t max);

/* The review page of deal on the web app at base (MAPKEEPER_URL): BASE/deal?name=DEAL
 * (URL-escaped)#proposals-section, a new string; NULL when base is NULL or empty. */
char *slack_review_url(const char *base, const char *deal);

/* "6 new items · 2 stakeholders · 1 risk": a call's pending proposals by kind, raw text. */
void slack_counts_line(struct mk_buf *b, const size_t counts[MK_PROP_KIND_COUNT]);
/* What proposal p would do, in a line ("New item: Leo Grant (buyer): sign the contract,
 * due 2026-03-31"), then its words: `"QUOTE" - SPEAKER at M:SS`. Raw text. */
void slack_proposal_text(struct mk_buf *b, const struct mk_proposal *p);

/*
 * A call's notice: {"text": fallback, "blocks": [header "DEAL: N proposals to review",
 * section "Call LABEL, START", context with the counts by kind, a section per top proposal
 * with its quote and speaker, and with public_url a link to the deal's review page]}.
 */
json_t *slack_call_message(const struct mk_notice_call *c, const char *public_url);

/* What the daily digest tells. */
struct slack_digest {
	struct mk_date day;
	const struct mk_query_row *overdue;  /* buyer items open and due before day */
	size_t noverdue;
	const struct mk_health *health;      /* the deals; those without a next step are listed */
	size_t nhealth;
	const char *public_url;              /* or NULL */
};
/* The deals of d with no next step (no open item due from d->day on). */
size_t slack_digest_stale(const struct slack_digest *d);
/* The digest as one message, at most SLACK_BLOCKS_MAX blocks ("and N more" when cut). */
json_t *slack_digest_message(const struct slack_digest *d);

#endif
