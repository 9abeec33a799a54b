/*
 * message.c: Slack's messages, pure: a call's notice (the deal, the call, its proposals by
 * kind, the three most confident with their words, a link to the review page) and the daily
 * digest (overdue buyer items, deals with no next step), each as Block Kit JSON with a
 * plain-text fallback. Does not send anything (slack.c) or read the store. Invariant: text
 * from a call or a deal is escaped (& < >), placed only in plain_text objects and cut to
 * Slack's limits (notify.h); a message has at most SLACK_BLOCKS_MAX blocks.
 */
#include "notify/notify.h"
#include "ingest/http.h"

#include <stdlib.h>
#include <string.h>

#define SLACK_ELLIPSIS "\xe2\x80\xa6"        /* "…", 3 bytes */
#define SLACK_REPLACEMENT "\xef\xbf\xbd"     /* U+FFFD */

/* The bytes of the character at s[0..n) when it is valid UTF-8, else 0. */
static size_t utf8_unit(const char *s, size_t n)
{
	unsigned char c = (unsigned char)s[0];
	size_t len = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 0;
	size_t bad;

	if (!len || len > n || !mk_utf8_valid(s, len, &bad))
		return 0;
	return len;
}

/* The escaped form of the character at s (its length in *len), and how long that form is. */
static const char *escape_unit(const char *s, size_t n, size_t *len, size_t *outlen)
{
	*len = 1;
	*outlen = 4;
	switch (s[0]) {
	case '&': *outlen = 5; return "&amp;";
	case '<': return "&lt;";
	case '>': return "&gt;";
	}
	if (!(*len = utf8_unit(s, n))) {
		*len = 1;
		*outlen = 3;
		return SLACK_REPLACEMENT;
	}
	*outlen = *len;
	return s;
}

void slack_escape(struct mk_buf *b, const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0, total = 0, room = max, i, len, outlen;
	const size_t dots = sizeof SLACK_ELLIPSIS - 1;
	int fits;

	for (i = 0; i < n; i += len) {
		escape_unit(s + i, n - i, &len, &outlen);
		total += outlen;
	}
	fits = total <= max;
	for (i = 0; i < n; i += len) {
		const char *u = escape_unit(s + i, n - i, &len, &outlen);

		if (!fits && outlen + dots > room) {
			if (room >= dots)
				mk_buf_adds(b, SLACK_ELLIPSIS);
			break;
		}
		mk_buf_add(b, u, outlen);
		room -= fits ? 0 : outlen;
	}
	if (!b->s)
		mk_buf_add(b, "", 0);
}

char *slack_escaped(const char *s, size_t max)
{
	struct mk_buf b;

	mk_buf_init(&b);
	slack_escape(&b, s, max);
	return mk_buf_detach(&b);
}

/* The length of base without its trailing slashes (0: no web app to link to). */
static int base_len(const char *base)
{
	size_t n = base ? strlen(base) : 0;

	while (n && base[n - 1] == '/')
		n--;
	return n > 2048 ? 0 : (int)n;
}

char *slack_review_url(const char *base, const char *deal)
{
	int n = base_len(base);
	char *name, *url;

	if (!n)
		return NULL;
	name = http_escape(deal ? deal : "");
	url = mk_sprintf("%.*s/deal?name=%s#proposals-section", n, base, name);
	free(name);
	return url;
}

/* ---- a call's notice ------------------------------------------------------- */

static const char *const kind_words[MK_PROP_KIND_COUNT][2] = {
	[MK_PROP_ADD_ITEM] = { "new item", "new items" },
	[MK_PROP_UPDATE_DUE] = { "due date moved", "due dates moved" },
	[MK_PROP_MARK_DONE] = { "item done", "items done" },
	[MK_PROP_MARK_BLOCKED] = { "item blocked", "items blocked" },
	[MK_PROP_MARK_DROPPED] = { "item dropped", "items dropped" },
	[MK_PROP_ADD_STAKEHOLDER] = { "stakeholder", "stakeholders" },
	[MK_PROP_ADD_RISK] = { "risk", "risks" },
	[MK_PROP_SET_GOAL] = { "goal", "goals" },
	[MK_PROP_SET_GO_LIVE] = { "go-live date", "go-live dates" },
	[MK_PROP_ADD_CRITERION] = { "success criterion", "success criteria" },
	[MK_PROP_ADD_DEPENDENCY] = { "dependency", "dependencies" },
	[MK_PROP_SET_NEXT_MEETING] = { "next meeting", "next meetings" },
	[MK_PROP_SET_STANCE] = { "stance", "stances" },
};

void slack_counts_line(struct mk_buf *b, const size_t counts[MK_PROP_KIND_COUNT])
{
	const char *sep = "";

	for (int k = 0; k < MK_PROP_KIND_COUNT; k++) {
		if (!counts[k])
			continue;
		mk_buf_addf(b, "%s%zu %s", sep, counts[k], kind_words[k][counts[k] != 1]);
		sep = " \xc2\xb7 ";
	}
	if (!b->s)
		mk_buf_add(b, "", 0);
}

static size_t counts_total(const size_t counts[MK_PROP_KIND_COUNT])
{
	size_t n = 0;

	for (int k = 0; k < MK_PROP_KIND_COUNT; k++)
		n += counts[k];
	return n;
}

/* " (WORD)" / ", due D" pieces: each only when there is something to say. */
static void add_part(struct mk_buf *b, const char *fmt, const char *s)
{
	if (s && s[0])
		mk_buf_addf(b, fmt, s);
}

static void add_due(struct mk_buf *b, const char *fmt, int has, struct mk_date d)
{
	char day[16];

	if (!has)
		return;
	mk_date_format(d, day, sizeof day);
	mk_buf_addf(b, fmt, day);
}

/* The subject of an item proposal: its action, else "item N". */
static void add_action(struct mk_buf *b, const struct mk_proposal *p)
{
	if (p->action && p->action[0])
		mk_buf_adds(b, p->action);
	else
		mk_buf_addf(b, "item %lld", (long long)(p->item_id < 0 ? -p->item_id : p->item_id));
}

/* The whole plan's kinds: "Risk (budget): ...", "Next meeting: 2026-03-10 at 10:00 with Dana: ...". */
static void plan_line(struct mk_buf *b, const struct mk_proposal *p)
{
	static const char *const title[MK_PROP_KIND_COUNT] = {
		[MK_PROP_ADD_RISK] = "Risk", [MK_PROP_SET_GOAL] = "Goal", [MK_PROP_SET_GO_LIVE] = "Go-live",
		[MK_PROP_ADD_CRITERION] = "Success criterion", [MK_PROP_ADD_DEPENDENCY] = "Dependency",
		[MK_PROP_SET_NEXT_MEETING] = "Next meeting",
	};

	mk_buf_adds(b, title[p->kind] ? title[p->kind] : mk_prop_kind_name(p->kind));
	if (p->kind == MK_PROP_ADD_RISK || p->kind == MK_PROP_SET_GO_LIVE)
		add_part(b, " (%s)", p->category);
	mk_buf_addc(b, ':');
	if (p->kind == MK_PROP_ADD_DEPENDENCY)
		add_part(b, " %s waits on", p->action);
	if (p->kind == MK_PROP_SET_GO_LIVE || p->kind == MK_PROP_SET_NEXT_MEETING)
		add_due(b, " %s", p->has_due, p->due);
	add_part(b, " at %s", p->time);
	if (p->kind == MK_PROP_SET_NEXT_MEETING)
		add_part(b, " with %s", p->name);
	if (p->kind != MK_PROP_SET_GO_LIVE)
		add_part(b, p->kind == MK_PROP_SET_NEXT_MEETING ? ": %s" : " %s", p->text);
}

static void proposal_line(struct mk_buf *b, const struct mk_proposal *p)
{
	switch (p->kind) {
	case MK_PROP_ADD_ITEM:
		mk_buf_adds(b, "New item: ");
		mk_buf_adds(b, p->owner && p->owner[0] ? p->owner : "nobody named");
		if (p->side != MK_SIDE_UNKNOWN)
			add_part(b, " (%s)", mk_side_name(p->side));
		mk_buf_adds(b, ": ");
		add_action(b, p);
		add_due(b, ", due %s", p->has_due, p->due);
		break;
	case MK_PROP_UPDATE_DUE:
		mk_buf_adds(b, "Due date moved: ");
		add_action(b, p);
		add_due(b, ": %s", p->has_old_due, p->old_due);
		add_due(b, " -> %s", p->has_due, p->due);
		break;
	case MK_PROP_MARK_DONE:
	case MK_PROP_MARK_BLOCKED:
	case MK_PROP_MARK_DROPPED:
		mk_buf_adds(b, p->kind == MK_PROP_MARK_DONE ? "Done: " : p->kind == MK_PROP_MARK_BLOCKED ? "Blocked: "
												   : "Dropped: ");
		add_action(b, p);
		break;
	case MK_PROP_ADD_STAKEHOLDER:
	case MK_PROP_SET_STANCE:
		mk_buf_adds(b, p->kind == MK_PROP_SET_STANCE ? "Stance: " : "Stakeholder: ");
		add_part(b, "%s", p->name ? p->name : p->role);
		if (p->name)
			add_part(b, " (%s)", p->role);
		if (p->kind == MK_PROP_SET_STANCE)
			add_part(b, ": %s", p->category);
		else if (p->side != MK_SIDE_UNKNOWN)
			add_part(b, ", %s", mk_side_name(p->side));
		break;
	default:
		plan_line(b, p);
		break;
	}
}

/* ms as "M:SS", or "H:MM:SS" from an hour on. */
static void add_time(struct mk_buf *b, int64_t ms)
{
	long long s = ms > 0 ? (long long)(ms / 1000) : 0;

	if (s >= 3600)
		mk_buf_addf(b, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
	else
		mk_buf_addf(b, "%lld:%02lld", s / 60, s % 60);
}

void slack_proposal_text(struct mk_buf *b, const struct mk_proposal *p)
{
	proposal_line(b, p);
	if (p->ev.quote && p->ev.quote[0]) {
		mk_buf_addf(b, "\n\"%s\" - %s at ", p->ev.quote,
			    p->ev.speaker && p->ev.speaker[0] ? p->ev.speaker : "someone");
		add_time(b, p->ev.start_ms);
	}
}

/* {"type": "plain_text", "text": raw escaped and cut to max}. */
static json_t *plain(const char *raw, size_t max)
{
	char *s = slack_escaped(raw, max);
	json_t *o = json_pack("{s:s, s:s, s:b}", "type", "plain_text", "text", s, "emoji", 0);

	free(s);
	return o;
}

static void add_block(json_t *blocks, const char *type, const char *raw, size_t max)
{
	json_array_append_new(blocks, json_pack("{s:s, s:o}", "type", type, "text", plain(raw, max)));
}

static void add_context(json_t *blocks, const char *raw)
{
	json_array_append_new(blocks, json_pack("{s:s, s:[o]}", "type", "context", "elements",
						plain(raw, SLACK_SECTION_MAX)));
}

/* A section linking to url: "<URL|words>" in mrkdwn, the URL's & < > | made harmless; none
 * when that is over Slack's limit. */
static void add_link(json_t *blocks, const char *url, const char *words)
{
	struct mk_buf b;

	mk_buf_init(&b);
	mk_buf_addc(&b, '<');
	for (const char *s = url; *s; s++) {
		if (*s == '&')
			mk_buf_adds(&b, "&amp;");
		else if (strchr("<>| \"", *s) || (unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			mk_buf_addf(&b, "%%%02X", (unsigned char)*s);
		else
			mk_buf_addc(&b, *s);
	}
	mk_buf_addf(&b, "|%s>", words);
	if (b.len <= SLACK_SECTION_MAX) /* a link cut short would lead nowhere: none then */
		json_array_append_new(blocks, json_pack("{s:s, s:{s:s, s:s}}", "type", "section", "text", "type", "mrkdwn",
						"text", b.s));
	mk_buf_release(&b);
}

/* The fallback: "DEAL: N proposals to review from call LABEL (START): COUNTS. Review: URL". */
static char *call_fallback(const struct mk_notice_call *c, size_t total, const char *counts, const char *url)
{
	struct mk_buf b;
	char *s;

	mk_buf_init(&b);
	mk_buf_addf(&b, "%s: %zu proposal%s to review from call %s", c->deal ? c->deal : "", total,
		    total == 1 ? "" : "s", c->label ? c->label : "");
	add_part(&b, " (%s)", c->start);
	mk_buf_addf(&b, ": %s", counts);
	add_part(&b, ". Review: %s", url);
	s = slack_escaped(b.s, SLACK_TEXT_MAX);
	mk_buf_release(&b);
	return s;
}

json_t *slack_call_message(const struct mk_notice_call *c, const char *public_url)
{
	size_t total = counts_total(c->counts);
	char *url = slack_review_url(public_url, c->deal), *text;
	json_t *blocks = json_array();
	struct mk_buf b;

	mk_buf_init(&b);
	mk_buf_addf(&b, "%s: %zu proposal%s to review", c->deal ? c->deal : "", total, total == 1 ? "" : "s");
	add_block(blocks, "header", b.s, SLACK_HEADER_MAX);
	mk_buf_reset(&b);
	mk_buf_addf(&b, "Call %s", c->label ? c->label : "");
	add_part(&b, ", %s", c->start);
	add_block(blocks, "section", b.s, SLACK_SECTION_MAX);
	mk_buf_reset(&b);
	slack_counts_line(&b, c->counts);
	add_context(blocks, b.s);
	text = call_fallback(c, total, b.s, url);
	for (size_t i = 0; i < c->ntop; i++) {
		mk_buf_reset(&b);
		slack_proposal_text(&b, &c->top[i]);
		add_block(blocks, "section", b.s, SLACK_SECTION_MAX);
	}
	if (url)
		add_link(blocks, url, "Review the proposals in mapkeeper");
	mk_buf_release(&b);
	free(url);
	json_t *msg = json_pack("{s:s, s:o}", "text", text, "blocks", blocks);
	free(text);
	return msg;
}

/* ---- the daily digest ------------------------------------------------------- */

size_t slack_digest_stale(const struct slack_digest *d)
{
	size_t n = 0;

	for (size_t i = 0; i < d->nhealth; i++)
		n += !d->health[i].has_next_step;
	return n;
}

/* "• Leo Grant: send the export (due 2026-03-04, 16 days late)" */
static void overdue_line(struct mk_buf *b, const struct mk_query_row *r, struct mk_date day)
{
	long late = mk_date_days(day) - mk_date_days(r->item.due);

	mk_buf_addf(b, "\n\xe2\x80\xa2 %s: %s", r->item.owner ? r->item.owner : "nobody named",
		    r->item.action ? r->item.action : "");
	add_due(b, " (due %s", r->item.has_due, r->item.due);
	mk_buf_addf(b, ", %ld day%s late)", late, late == 1 ? "" : "s");
}

/* Room for one more block, keeping one for "and N more" and one for the link. */
static int digest_room(json_t *blocks)
{
	return json_array_size(blocks) + 2 < SLACK_BLOCKS_MAX;
}

/* A section per deal with overdue items (its lines), while there is room; how many deals
 * did not fit. */
static size_t digest_overdue(json_t *blocks, const struct slack_digest *d)
{
	struct mk_buf b;
	size_t left = 0;

	mk_buf_init(&b);
	for (size_t i = 0; i < d->noverdue; i++) {
		const char *deal = d->overdue[i].deal ? d->overdue[i].deal : "";
		int first = !i || strcmp(deal, d->overdue[i - 1].deal ? d->overdue[i - 1].deal : "");

		if (first && b.len) {
			add_block(blocks, "section", b.s, SLACK_SECTION_MAX);
			mk_buf_reset(&b);
		}
		if (first && !digest_room(blocks)) {
			left++;
			continue;
		}
		if (first)
			mk_buf_adds(&b, deal);
		if (b.len)
			overdue_line(&b, &d->overdue[i], d->day);
	}
	if (b.len)
		add_block(blocks, "section", b.s, SLACK_SECTION_MAX);
	mk_buf_release(&b);
	return left;
}

/* One section listing the deals with no next step. */
static void digest_stale(json_t *blocks, const struct slack_digest *d)
{
	struct mk_buf b;

	mk_buf_init(&b);
	for (size_t i = 0; i < d->nhealth; i++) {
		const struct mk_health *h = &d->health[i];

		if (h->has_next_step)
			continue;
		mk_buf_addf(&b, "%s\xe2\x80\xa2 %s: ", b.len ? "\n" : "", h->deal ? h->deal : "");
		if (!h->open_items)
			mk_buf_adds(&b, "no open item");
		else
			mk_buf_addf(&b, "%zu open, %zu overdue, none due from today on", h->open_items, h->overdue);
	}
	add_block(blocks, "section", b.s, SLACK_SECTION_MAX);
	mk_buf_release(&b);
}

json_t *slack_digest_message(const struct slack_digest *d)
{
	size_t stale = slack_digest_stale(d), left;
	json_t *blocks = json_array(), *msg;
	char day[16];
	struct mk_buf b;

	mk_date_format(d->day, day, sizeof day);
	mk_buf_init(&b);
	mk_buf_addf(&b, "mapkeeper digest, %s", day);
	add_block(blocks, "header", b.s, SLACK_HEADER_MAX);
	mk_buf_reset(&b);
	mk_buf_addf(&b, "%zu buyer item%s overdue", d->noverdue, d->noverdue == 1 ? "" : "s");
	add_context(blocks, b.s);
	left = digest_overdue(blocks, d);
	mk_buf_reset(&b);
	mk_buf_addf(&b, "%zu deal%s with no next step (no open item due from %s on)", stale, stale == 1 ? "" : "s",
		    day);
	if (digest_room(blocks))
		add_context(blocks, b.s);
	if (stale && digest_room(blocks))
		digest_stale(blocks, d);
	else if (stale)
		left++;
	if (left) {
		char more[96];
		snprintf(more, sizeof more, "and %zu more not shown here: mapkeeper health, mapkeeper query --overdue", left);
		add_context(blocks, more);
	}
	if (base_len(d->public_url)) {
		char *home = mk_sprintf("%.*s/", base_len(d->public_url), d->public_url);
		add_link(blocks, home, "Open mapkeeper");
		free(home);
	}
	mk_buf_reset(&b);
	mk_buf_addf(&b, "mapkeeper digest, %s: %zu buyer item%s overdue, %zu deal%s with no next step", day,
		    d->noverdue, d->noverdue == 1 ? "" : "s", stale, stale == 1 ? "" : "s");
	char *text = slack_escaped(b.s, SLACK_TEXT_MAX);
	msg = json_pack("{s:s, s:o}", "text", text, "blocks", blocks);
	free(text);
	mk_buf_release(&b);
	return msg;
}
