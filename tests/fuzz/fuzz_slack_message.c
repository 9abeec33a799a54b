/*
 * fuzz_slack_message.c: libFuzzer target for Slack's messages (notify/message.c): the bytes,
 * cut at newlines, become a call's deal, label, start, speaker, quote, action and the web
 * app's URL, and an overdue item and a deal of the digest. Every message must come out as
 * JSON with at most 50 blocks; every text in it valid UTF-8 within Slack's limits (a header
 * 150 bytes, the rest 3000) with no bare < or > and no & that is not an entity. Leaks are
 * findings. Seeds: corpus/fuzz_slack_message/.
 */
#include "notify/notify.h"

#include <stdlib.h>
#include <string.h>

#define FUZZ_ASSERT(c) \
	do { \
		if (!(c)) \
			__builtin_trap(); \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One text object's text: UTF-8, within max, < > & only as entities (a link's own < | >
 * aside). */
static void check_text(json_t *t, size_t max)
{
	const char *s = json_string_value(json_object_get(t, "text"));
	int link = !strcmp(json_string_value(json_object_get(t, "type")), "mrkdwn");
	size_t n;

	FUZZ_ASSERT(s != NULL);
	n = strlen(s);
	FUZZ_ASSERT(n <= max && mk_utf8_valid(s, n, NULL));
	for (size_t i = link; i + link < n; i++) {
		FUZZ_ASSERT(s[i] != '<' && (s[i] != '>' || (link && i + 1 == n)));
		FUZZ_ASSERT(s[i] != '&' || !strncmp(s + i, "&amp;", 5) || !strncmp(s + i, "&lt;", 4) ||
			    !strncmp(s + i, "&gt;", 4));
	}
}

static void check_message(json_t *msg)
{
	json_t *blocks = json_object_get(msg, "blocks"), *b;
	const char *text = json_string_value(json_object_get(msg, "text"));
	size_t i;

	FUZZ_ASSERT(msg && text && strlen(text) <= SLACK_TEXT_MAX && mk_utf8_valid(text, strlen(text), NULL));
	FUZZ_ASSERT(json_array_size(blocks) >= 1 && json_array_size(blocks) <= SLACK_BLOCKS_MAX);
	json_array_foreach(blocks, i, b) {
		const char *type = json_string_value(json_object_get(b, "type"));
		if (!strcmp(type, "context"))
			check_text(json_array_get(json_object_get(b, "elements"), 0), SLACK_SECTION_MAX);
		else
			check_text(json_object_get(b, "text"), !strcmp(type, "header") ? SLACK_HEADER_MAX : SLACK_SECTION_MAX);
	}
	char *s = json_dumps(msg, 0);
	FUZZ_ASSERT(s != NULL);
	free(s);
	json_decref(msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = mk_strndup((const char *)data, size), *part[7] = { "" }, *at = in;
	struct mk_notice_call c;
	struct mk_proposal top;
	struct mk_query_row row;
	struct mk_health h;

	for (int k = 0; k < 7; k++) {
		part[k] = at;
		at += strcspn(at, "\n");
		if (*at)
			*at++ = '\0';
	}
	memset(&top, 0, sizeof top);
	top.kind = (enum mk_prop_kind)(size % MK_PROP_KIND_COUNT);
	top.action = top.text = top.owner = part[5];
	top.ev.speaker = part[3];
	top.ev.quote = part[4];
	top.ev.start_ms = (int64_t)size * 997;
	memset(&c, 0, sizeof c);
	c.deal = part[0];
	c.label = part[1];
	c.start = part[2];
	c.counts[top.kind] = size;
	c.top = &top;
	c.ntop = 1;
	check_message(slack_call_message(&c, part[6]));

	memset(&row, 0, sizeof row);
	memset(&h, 0, sizeof h);
	row.deal = h.deal = part[0];
	row.item.action = part[4];
	row.item.owner = part[3];
	struct slack_digest d = { { 2026, 3, 20 }, &row, 1, &h, 1, part[6] };
	check_message(slack_digest_message(&d));
	free(in);
	return 0;
}
