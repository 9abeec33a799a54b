/*
 * test_notify.c: Slack notices. The messages (notify/message.c): & < > escaped in every text
 * from a call or a deal (a quote with <script>&, a deal name with > and *), that text only in
 * plain_text objects, the fallback text, the link to the review page only with MAPKEEPER_URL,
 * the 3000-byte cap cut on a character and never inside an entity, the digest's 50 blocks.
 * The store (store/notify.c): a call with pending proposals is pending once, with its counts
 * and its three most confident proposals; sent once; a channel's first use starts it (a call
 * ingested more than a day before is never announced); one digest a day. And the one line
 * when Slack is not configured. Files live in a mkdtemp() folder removed at the end.
 */
#include "mapkeeper.h"
#include "notify/notify.h"
#include "store/db.h"
#include "util/util.h"
#include "tap.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmpdir[64];
static char *db_path;

/* ---- messages -------------------------------------------------------------- */

static void prop_init(struct mk_proposal *p, enum mk_prop_kind kind, const char *action, const char *quote)
{
	memset(p, 0, sizeof *p);
	p->kind = kind;
	p->action = action ? mk_strdup(action) : NULL;
	p->owner = mk_strdup("Leo Grant");
	p->side = MK_SIDE_BUYER;
	p->has_due = 1;
	p->due = (struct mk_date){ 2026, 3, 31 };
	p->ev.speaker = mk_strdup("Leo Grant");
	p->ev.start_ms = 91000;
	p->ev.quote = quote ? mk_strdup(quote) : NULL;
}

/* A call of deal "Acme > Globex *bold*" with three proposals, one quoting <script>&
 * (mk_notice_calls_free(c, 1) frees it). */
static struct mk_notice_call *call_new(const char *quote)
{
	struct mk_notice_call *c = mk_calloc(1, sizeof *c);

	c->meeting_id = 7;
	c->deal = mk_strdup("Acme > Globex *bold*");
	c->label = mk_strdup("acme-2026-03-03.vtt");
	c->start = mk_strdup("2026-03-03");
	c->counts[MK_PROP_ADD_ITEM] = 2;
	c->counts[MK_PROP_ADD_RISK] = 1;
	c->top = mk_calloc(3, sizeof *c->top);
	prop_init(&c->top[0], MK_PROP_ADD_ITEM, "sign the contract", quote);
	prop_init(&c->top[1], MK_PROP_ADD_ITEM, "send the export", "I'll send it Monday.");
	prop_init(&c->top[2], MK_PROP_ADD_RISK, NULL, "We have no budget.");
	c->top[2].category = mk_strdup("budget");
	c->top[2].text = mk_strdup("no budget until Q3");
	c->ntop = 3;
	return c;
}

static const char *block_text(json_t *msg, size_t i)
{
	json_t *b = json_array_get(json_object_get(msg, "blocks"), i);
	json_t *t = json_object_get(b, "text");

	if (!t)
		t = json_array_get(json_object_get(b, "elements"), 0);
	return json_string_value(json_object_get(t, "text"));
}

static const char *block_kind(json_t *msg, size_t i, const char *what)
{
	json_t *b = json_array_get(json_object_get(msg, "blocks"), i);
	json_t *t = json_object_get(b, "text");

	if (!strcmp(what, "type"))
		return json_string_value(json_object_get(b, "type"));
	if (!t)
		t = json_array_get(json_object_get(b, "elements"), 0);
	return json_string_value(json_object_get(t, "type"));
}

static void test_escape(void)
{
	char *s = slack_escaped("<script>alert(1)</script> & co", 3000);
	CHECK_STR(s, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co");
	free(s);
	s = slack_escaped("bad \xff byte", 3000);
	CHECK_STR(s, "bad \xef\xbf\xbd byte");
	free(s);
	s = slack_escaped(NULL, 3000);
	CHECK_STR(s, "");
	free(s);
	s = slack_escaped("exactly", 7);
	CHECK_STR(s, "exactly");
	free(s);
	s = slack_escaped("exactly!", 7);
	CHECK_STR(s, "exac\xe2\x80\xa6");
	free(s);
}

static void test_escape_cap(void)
{
	char *big = mk_malloc(6001), *s;
	size_t bad;

	memset(big, '&', 1000);
	big[1000] = '\0';
	s = slack_escaped(big, SLACK_SECTION_MAX);
	/* 5000 bytes escaped, cut to 3000: whole entities then "…" */
	CHECK(strlen(s) <= SLACK_SECTION_MAX && strlen(s) > SLACK_SECTION_MAX - 8);
	CHECK(!strcmp(s + strlen(s) - 8, "&amp;\xe2\x80\xa6"));
	CHECK(strspn(s, "&amp;") == strlen(s) - 3);
	free(s);
	for (int i = 0; i < 3000; i++)
		memcpy(big + 2 * i, "\xc3\xa9", 2);
	big[6000] = '\0';
	s = slack_escaped(big, SLACK_SECTION_MAX);
	CHECK(strlen(s) <= SLACK_SECTION_MAX && mk_utf8_valid(s, strlen(s), &bad));
	CHECK(!strcmp(s + strlen(s) - 3, "\xe2\x80\xa6"));
	free(s);
	free(big);
}

static void test_call_message(void)
{
	struct mk_notice_call *c = call_new("<script>alert(1)</script> & we'll sign");
	json_t *msg = slack_call_message(c, NULL), *blocks;
	char *dump;

	blocks = json_object_get(msg, "blocks");
	CHECK(json_array_size(blocks) == 6); /* header, call, counts, three proposals: no link */
	CHECK_STR(block_kind(msg, 0, "type"), "header");
	CHECK_STR(block_text(msg, 0), "Acme &gt; Globex *bold*: 3 proposals to review");
	CHECK_STR(block_text(msg, 1), "Call acme-2026-03-03.vtt, 2026-03-03");
	CHECK_STR(block_kind(msg, 2, "type"), "context");
	CHECK_STR(block_text(msg, 2), "2 new items \xc2\xb7 1 risk");
	CHECK_STR(block_text(msg, 3), "New item: Leo Grant (buyer): sign the contract, due 2026-03-31\n"
				      "\"&lt;script&gt;alert(1)&lt;/script&gt; &amp; we'll sign\" - Leo Grant at 1:31");
	CHECK_STR(block_text(msg, 5), "Risk (budget): no budget until Q3\n\"We have no budget.\" - Leo Grant at 1:31");
	/* every text from the call is plain_text: its * never formats */
	for (size_t i = 0; i < json_array_size(blocks); i++)
		CHECK_STR(block_kind(msg, i, "text"), "plain_text");
	CHECK_STR(json_string_value(json_object_get(msg, "text")),
		  "Acme &gt; Globex *bold*: 3 proposals to review from call acme-2026-03-03.vtt (2026-03-03): "
		  "2 new items \xc2\xb7 1 risk");
	dump = json_dumps(msg, 0);
	CHECK(dump && !strstr(dump, "<script>") && !strstr(dump, "Globex >") && !strstr(dump, "http"));
	free(dump);
	json_decref(msg);
	mk_notice_calls_free(c, 1);
}

static void test_call_link_and_cap(void)
{
	struct mk_notice_call *c = call_new(NULL);
	char *quote = mk_malloc(5001);
	json_t *msg;
	const char *t;

	memset(quote, 'x', 5000);
	quote[5000] = '\0';
	free(c->top[1].ev.quote);
	c->top[1].ev.quote = quote;
	msg = slack_call_message(c, "https://mk.example.com/");
	CHECK(json_array_size(json_object_get(msg, "blocks")) == 7);
	/* no quote: the proposal alone */
	CHECK_STR(block_text(msg, 3), "New item: Leo Grant (buyer): sign the contract, due 2026-03-31");
	t = block_text(msg, 4);
	CHECK(t && strlen(t) <= SLACK_SECTION_MAX && strlen(t) > SLACK_SECTION_MAX - 4);
	CHECK(t && !strcmp(t + strlen(t) - 3, "\xe2\x80\xa6"));
	/* the review page: the deal URL-escaped, in a mrkdwn link */
	CHECK_STR(block_kind(msg, 6, "text"), "mrkdwn");
	CHECK_STR(block_text(msg, 6), "<https://mk.example.com/deal?name=Acme%20%3E%20Globex%20%2Abold%2A"
				      "#proposals-section|Review the proposals in mapkeeper>");
	t = json_string_value(json_object_get(msg, "text"));
	CHECK(t && strstr(t, ". Review: https://mk.example.com/deal?name=Acme%20%3E"));
	json_decref(msg);
	/* an empty MAPKEEPER_URL is no link */
	msg = slack_call_message(c, "");
	CHECK(json_array_size(json_object_get(msg, "blocks")) == 6);
	json_decref(msg);
	mk_notice_calls_free(c, 1);
}

static void test_proposal_lines(void)
{
	struct mk_proposal p;
	struct mk_buf b;
	size_t counts[MK_PROP_KIND_COUNT] = { 0 };

	mk_buf_init(&b);
	prop_init(&p, MK_PROP_UPDATE_DUE, "send the export", "Monday, for real.");
	p.has_old_due = 1;
	p.old_due = (struct mk_date){ 2026, 3, 4 };
	p.ev.start_ms = 3723000;
	slack_proposal_text(&b, &p);
	CHECK_STR(b.s, "Due date moved: send the export: 2026-03-04 -> 2026-03-31\n"
		       "\"Monday, for real.\" - Leo Grant at 1:02:03");
	mk_proposal_release(&p);
	mk_buf_reset(&b);
	prop_init(&p, MK_PROP_SET_NEXT_MEETING, NULL, NULL);
	p.time = mk_strdup("10:00");
	p.name = mk_strdup("Farah");
	p.text = mk_strdup("walk through pricing");
	slack_proposal_text(&b, &p);
	CHECK_STR(b.s, "Next meeting: 2026-03-31 at 10:00 with Farah: walk through pricing");
	mk_proposal_release(&p);
	mk_buf_reset(&b);
	counts[MK_PROP_ADD_ITEM] = 1;
	counts[MK_PROP_ADD_CRITERION] = 2;
	slack_counts_line(&b, counts);
	CHECK_STR(b.s, "1 new item \xc2\xb7 2 success criteria");
	mk_buf_release(&b);
}

static void test_digest_message(void)
{
	struct mk_query_row rows[60];
	struct mk_health h[2];
	struct slack_digest d = { .day = { 2026, 3, 20 }, .overdue = rows, .noverdue = 60, .health = h, .nhealth = 2 };
	char names[60][16];
	json_t *msg, *blocks;
	const char *last;

	memset(rows, 0, sizeof rows);
	memset(h, 0, sizeof h);
	for (int i = 0; i < 60; i++) {
		snprintf(names[i], sizeof names[i], "Deal <%02d>", i);
		rows[i].deal = names[i];
		rows[i].item.action = "send the export";
		rows[i].item.has_due = 1;
		rows[i].item.due = (struct mk_date){ 2026, 3, 19 };
	}
	h[0].deal = "Acme & Co";
	h[1].deal = "Globex";
	h[1].has_next_step = 1;
	CHECK(slack_digest_stale(&d) == 1);
	msg = slack_digest_message(&d);
	blocks = json_object_get(msg, "blocks");
	CHECK(json_array_size(blocks) <= SLACK_BLOCKS_MAX);
	CHECK_STR(block_text(msg, 0), "mapkeeper digest, 2026-03-20");
	CHECK_STR(block_text(msg, 2), "Deal &lt;00&gt;\n\xe2\x80\xa2 nobody named: send the export (due 2026-03-19, 1 day late)");
	last = block_text(msg, json_array_size(blocks) - 1);
	CHECK(last && !strncmp(last, "and ", 4) && strstr(last, "more not shown"));
	CHECK_STR(json_string_value(json_object_get(msg, "text")),
		  "mapkeeper digest, 2026-03-20: 60 buyer items overdue, 1 deal with no next step");
	json_decref(msg);
	/* a short digest lists the deals without a next step, and links home */
	d.noverdue = 1;
	d.public_url = "http://127.0.0.1:8080";
	msg = slack_digest_message(&d);
	blocks = json_object_get(msg, "blocks");
	CHECK(json_array_size(blocks) == 6);
	CHECK_STR(block_text(msg, 4), "\xe2\x80\xa2 Acme &amp; Co: no open item");
	CHECK_STR(block_text(msg, 5), "<http://127.0.0.1:8080/|Open mapkeeper>");
	json_decref(msg);
}

/* ---- the store --------------------------------------------------------------- */

static struct mk_store *st;
static struct mk_diag dg;

static long long q_int(const char *sql)
{
	sqlite3_stmt *s = NULL;
	long long v = -1;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

static void add_prop(struct mk_proposals *ps, enum mk_prop_kind kind, const char *key, double confidence)
{
	struct mk_proposal *p;

	ps->v = mk_grow(ps->v, &ps->cap, ps->n + 1, sizeof *ps->v);
	p = &ps->v[ps->n++];
	prop_init(p, kind, "send the SOC 2 report", key);
	p->key = mk_strdup(key);
	p->confidence = confidence;
	if (kind == MK_PROP_ADD_RISK) {
		p->category = mk_strdup("budget");
		p->text = mk_strdup(key);
	}
}

/* Stores call seed of deal with n proposals (confidences from conf); its meeting id. */
static int64_t ingest(const char *deal, const char *seed, const double *conf, size_t n)
{
	struct mk_transcript t;
	struct mk_proposals ps;
	struct mk_ingest_result res = { 0 };
	char key[64];

	mk_transcript_init(&t);
	mk_proposals_init(&ps);
	t.path = mk_strdup(seed);
	t.format = MK_FMT_ZOOM_VTT;
	mk_sha256_hex(seed, strlen(seed), t.sha256);
	t.utt = mk_grow(t.utt, &t.cap, 1, sizeof *t.utt);
	t.utt[0] = (struct mk_utterance){ mk_strdup("Leo Grant"), 0, 4000, mk_strdup("We sign by Friday."), 1 };
	t.n = 1;
	for (size_t i = 0; i < n; i++) {
		snprintf(key, sizeof key, "%s:%zu", seed, i);
		add_prop(&ps, i % 2 ? MK_PROP_ADD_RISK : MK_PROP_ADD_ITEM, key, conf[i]);
	}
	mk_diag_clear(&dg);
	if (mk_store_ingest(st, deal, &t, "2026-03-03", NULL, &ps, &res, &dg))
		printf("#   ingest: %s\n", dg.msg);
	mk_transcript_release(&t);
	mk_proposals_release(&ps);
	return res.meeting_id;
}

static void store_setup(void)
{
	struct mk_deal a = { .name = "Acme", .sellers = "Maya Brooks" };
	struct mk_deal g = { .name = "Globex", .sellers = "Maya Brooks" };

	unlink(db_path);
	mk_diag_clear(&dg);
	if (mk_store_open(&st, db_path, &dg) || mk_store_deal_add(st, &a, &dg) || mk_store_deal_add(st, &g, &dg))
		printf("# setup: %s\n", dg.msg);
}

static void test_pending_and_sent(void)
{
	static const double conf[] = { 0.5, 0.9, 0.7, 0.8 };
	struct mk_notice_call *v = NULL;
	size_t n = 0;
	int64_t m1, m2;

	store_setup();
	m1 = ingest("Acme", "call-1", conf, 4);
	m2 = ingest("Globex", "call-2", conf, 1);
	CHECK(m1 > 0 && m2 > m1);
	CHECK(mk_store_notice_pending(st, "slack", &v, &n, &dg) == MK_OK && n == 2);
	if (n == 2) {
		CHECK(v[0].meeting_id == m1 && !strcmp(v[0].deal, "Acme") && !strcmp(v[0].label, "call-1"));
		CHECK_STR(v[0].start, "2026-03-03");
		CHECK(v[0].counts[MK_PROP_ADD_ITEM] == 2 && v[0].counts[MK_PROP_ADD_RISK] == 2);
		/* the three most confident, most confident first, with their words */
		CHECK(v[0].ntop == 3 && v[0].top[0].confidence == 0.9 && v[0].top[1].confidence == 0.8 &&
		      v[0].top[2].confidence == 0.7);
		CHECK_STR(v[0].top[0].ev.quote, "call-1:1");
		CHECK(v[1].meeting_id == m2 && v[1].ntop == 1 && v[1].counts[MK_PROP_ADD_ITEM] == 1);
	}
	mk_notice_calls_free(v, n);
	CHECK(q_int("SELECT count(*) FROM notice_channels WHERE channel = 'slack'") == 1);
	/* sent once: a second mark changes nothing */
	CHECK(mk_store_notice_sent(st, "slack", m1, &dg) == MK_OK);
	CHECK(mk_store_notice_sent(st, "slack", m1, &dg) == MK_OK);
	CHECK(q_int("SELECT count(*) FROM notices") == 1);
	CHECK(mk_store_notice_pending(st, "slack", &v, &n, &dg) == MK_OK && n == 1 && v[0].meeting_id == m2);
	mk_notice_calls_free(v, n);
	/* another channel has its own notices */
	CHECK(mk_store_notice_pending(st, "other", &v, &n, &dg) == MK_OK && n == 2);
	mk_notice_calls_free(v, n);
	CHECK(mk_store_notice_sent(st, "slack", 999, &dg) == MK_ENOTFOUND && strstr(dg.msg, "no call 999"));
	CHECK(mk_store_notice_pending(st, "", &v, &n, &dg) == MK_EARG && !v && !n);
	mk_store_close(st);
}

static void test_only_pending_calls(void)
{
	static const double conf[] = { 0.5 };
	struct mk_notice_call *v = NULL;
	size_t n = 9;
	int64_t m1;

	store_setup();
	m1 = ingest("Acme", "call-1", conf, 1);
	/* decided before it was announced: nothing to review, nothing to say */
	mk_diag_clear(&dg);
	CHECK(mk_store_decide(st, q_int("SELECT id FROM proposals"), 0, "rep", NULL, &dg) == MK_OK);
	CHECK(m1 > 0 && mk_store_notice_pending(st, "slack", &v, &n, &dg) == MK_OK && n == 0 && !v);
	mk_store_close(st);
}

static void test_first_use(void)
{
	static const double conf[] = { 0.5 };
	struct mk_notice_call *v = NULL;
	size_t n = 0;
	int64_t old, recent, fresh;

	store_setup();
	old = ingest("Acme", "old", conf, 1);
	recent = ingest("Acme", "recent", conf, 1);
	/* ingested two days and twelve hours before the channel's first use */
	sqlite3_exec(st->db, "UPDATE meetings SET ingested_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-2 days')"
			     " WHERE label = 'old';"
			     "UPDATE meetings SET ingested_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-12 hours')"
			     " WHERE label = 'recent'", NULL, NULL, NULL);
	CHECK(mk_store_notice_pending(st, "slack", &v, &n, &dg) == MK_OK && n == 1 && v[0].meeting_id == recent);
	mk_notice_calls_free(v, n);
	/* the start stays where the first use put it: the old call stays out, a new one is in */
	CHECK(mk_store_notice_sent(st, "slack", recent, &dg) == MK_OK);
	sqlite3_exec(st->db, "UPDATE notice_channels SET started_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-3 hours');"
			     "CREATE TEMP TABLE was AS SELECT started_at FROM notice_channels", NULL, NULL, NULL);
	fresh = ingest("Acme", "fresh", conf, 1);
	CHECK(mk_store_notice_pending(st, "slack", &v, &n, &dg) == MK_OK && n == 1 && v[0].meeting_id == fresh);
	mk_notice_calls_free(v, n);
	CHECK(q_int("SELECT count(*) FROM notice_channels c JOIN was w ON w.started_at = c.started_at") == 1);
	CHECK(old > 0 && q_int("SELECT count(*) FROM notice_channels") == 1);
	mk_store_close(st);
}

static void test_digest_once(void)
{
	int sent = 9;

	store_setup();
	CHECK(mk_store_digest_sent(st, "slack", "2026-03-20", &sent, &dg) == MK_OK && sent == 0);
	CHECK(mk_store_digest_mark(st, "slack", "2026-03-20", &dg) == MK_OK);
	CHECK(mk_store_digest_sent(st, "slack", "2026-03-20", &sent, &dg) == MK_OK && sent == 1);
	CHECK(mk_store_digest_sent(st, "slack", "2026-03-21", &sent, &dg) == MK_OK && sent == 0);
	CHECK(mk_store_digest_sent(st, "other", "2026-03-20", &sent, &dg) == MK_OK && sent == 0);
	/* forced again: still one row */
	CHECK(mk_store_digest_mark(st, "slack", "2026-03-20", &dg) == MK_OK);
	CHECK(q_int("SELECT count(*) FROM digests") == 1);
	CHECK(mk_store_digest_mark(st, "slack", "2026-3-20", &dg) == MK_EARG && strstr(dg.msg, "YYYY-MM-DD"));
	CHECK(mk_store_digest_sent(st, "slack", "tomorrow", &sent, &dg) == MK_EARG && sent == 0);
	mk_store_close(st);
}

static void test_not_configured(void)
{
	struct mk_notify_opts o = { .today = { 2026, 3, 20 } };
	struct mk_notify_result r;

	store_setup();
	unsetenv("SLACK_WEBHOOK_URL");
	unsetenv("SLACK_CHANNEL");
	unsetenv("MAPKEEPER_CONFIG");
	setenv("SLACK_BOT_TOKEN", "xoxb-not-enough", 1);
	mk_diag_clear(&dg);
	CHECK(mk_notify_slack(st, &o, &r, &dg) == MK_EARG && r.messages == 0);
	CHECK_STR(dg.msg, "slack: set SLACK_WEBHOOK_URL, or SLACK_BOT_TOKEN and SLACK_CHANNEL");
	unsetenv("SLACK_BOT_TOKEN");
	/* nothing was started or marked */
	CHECK(q_int("SELECT count(*) FROM notice_channels") == 0);
	mk_store_close(st);
}

int main(void)
{
	snprintf(tmpdir, sizeof tmpdir, "%s", "/tmp/mk-notify-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	db_path = mk_sprintf("%s/notify.db", tmpdir);
	RUN(test_escape);
	RUN(test_escape_cap);
	RUN(test_call_message);
	RUN(test_call_link_and_cap);
	RUN(test_proposal_lines);
	RUN(test_digest_message);
	RUN(test_pending_and_sent);
	RUN(test_only_pending_calls);
	RUN(test_first_use);
	RUN(test_digest_once);
	RUN(test_not_configured);
	unlink(db_path);
	free(db_path);
	rmdir(tmpdir);
	return tap_done();
}
