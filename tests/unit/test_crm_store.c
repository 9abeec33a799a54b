/*
 * test_crm_store.c: the CRMs in the store (store/crm.c): the mapping key (stable, unique per
 * item, a different install per database), a deal's items with the evidence behind each and
 * what is known of its task, an item undone off the plan listed as gone, a task's life
 * (pending, pushed, seen, deleted, forgotten), a pull's proposals (once per key, read with
 * the CRM as their meeting, approved like any other and in history), the one-run lock
 * (refused while another process holds it, taken over once that process is gone or the lock
 * is stale), runs and the last of each, links and their checks. Files live in a mkdtemp()
 * folder removed at the end.
 */
#include "mapkeeper.h"
#include "store/db.h"
#include "util/util.h"
#include "tap.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char tmpdir[64];
static char *db_path, *db_path2;
static int64_t item_send, item_book, item_hand;  /* setup's items */
static const char *const SF = "salesforce";

static void utt_add(struct mk_transcript *t, const char *spk, int64_t start, const char *text)
{
	t->utt = mk_grow(t->utt, &t->cap, t->n + 1, sizeof *t->utt);
	t->utt[t->n].speaker = mk_strdup(spk);
	t->utt[t->n].text = mk_strdup(text);
	t->utt[t->n].start_ms = start;
	t->utt[t->n].end_ms = start + 2000;
	t->utt[t->n].line = (long)t->n + 1;
	t->n++;
}

static struct mk_proposal *prop_add(struct mk_proposals *ps, enum mk_prop_kind kind, const char *key,
				    const char *speaker, int64_t start, const char *quote)
{
	struct mk_proposal *p;

	ps->v = mk_grow(ps->v, &ps->cap, ps->n + 1, sizeof *ps->v);
	p = &ps->v[ps->n++];
	memset(p, 0, sizeof *p);
	p->kind = kind;
	p->key = mk_strdup(key);
	p->side = MK_SIDE_BUYER;
	p->confidence = 0.9;
	p->ev.speaker = mk_strdup(speaker);
	p->ev.start_ms = start;
	p->ev.end_ms = start + 2000;
	p->ev.quote = mk_strdup(quote);
	return p;
}

static int64_t q_int(struct mk_store *st, const char *sql)
{
	sqlite3_stmt *s = NULL;
	int64_t v = -1;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	else
		printf("#   %s: %s\n", sql, sqlite3_errmsg(st->db));
	sqlite3_finalize(s);
	return v;
}

static void approve_all(struct mk_store *st)
{
	struct mk_proposals ps;
	struct mk_diag dg;

	CHECK(mk_store_pending(st, "Acme", &ps, &dg) == MK_OK);
	for (size_t i = 0; i < ps.n; i++)
		CHECK(mk_store_decide(st, ps.v[i].id, 1, "sam", NULL, &dg) == MK_OK);
	mk_proposals_release(&ps);
}

static void unlink_db(const char *path)
{
	char *p;

	unlink(path);
	p = mk_sprintf("%s-wal", path);
	unlink(p);
	free(p);
	p = mk_sprintf("%s-shm", path);
	unlink(p);
	free(p);
}

/* A fresh store: deals Acme and Globex; Acme's call promises two items (one owned by a
 * person known by e-mail), approved, and one item added by hand. */
static struct mk_store *setup(void)
{
	struct mk_store *st = NULL;
	struct mk_deal d = { .name = "Acme", .sellers = "Sam Patel" }, g = { .name = "Globex", .sellers = "Sam Patel" };
	struct mk_item_change c = { .action = "Share the rollout plan", .owner = "Sam Patel",
				    .side = MK_SIDE_SELLER, .due = "2026-04-01", .status = -1 };
	struct mk_transcript t;
	struct mk_proposals ps;
	struct mk_ingest_result r;
	struct mk_proposal *p;
	struct mk_diag dg;

	mk_diag_clear(&dg);
	unlink_db(db_path);
	if (mk_store_open(&st, db_path, &dg) || mk_store_deal_add(st, &d, &dg) || mk_store_deal_add(st, &g, &dg)) {
		printf("# setup: %s\n", dg.msg);
		return st;
	}
	mk_transcript_init(&t);
	t.path = mk_strdup("/calls/acme-kickoff.vtt");
	t.format = MK_FMT_ZOOM_VTT;
	mk_sha256_hex("crm store", 9, t.sha256);
	utt_add(&t, "Sam Patel", 0, "Thanks for joining.");
	utt_add(&t, "Dana Reyes", 65000, "I'll send the security questionnaire by the 20th.");
	utt_add(&t, "dana@acme.com", 80000, "I can book the pricing call.");
	mk_proposals_init(&ps);
	p = prop_add(&ps, MK_PROP_ADD_ITEM, "k-send", "Dana Reyes", 65000,
		     "I'll send the security questionnaire by the 20th.");
	p->action = mk_strdup("Send the security questionnaire");
	p->owner = mk_strdup("Dana Reyes");
	p->has_due = 1;
	p->due = (struct mk_date){ 2026, 3, 20 };
	p = prop_add(&ps, MK_PROP_ADD_ITEM, "k-book", "dana@acme.com", 80000, "I can book the pricing call.");
	p->action = mk_strdup("Book the pricing call");
	p->owner = mk_strdup("dana@acme.com");
	p = prop_add(&ps, MK_PROP_ADD_STAKEHOLDER, "k-person", "dana@acme.com", 80000, "I can book the pricing call.");
	p->name = mk_strdup("dana@acme.com");
	CHECK(mk_store_ingest(st, "Acme", &t, "2026-03-03T15:00:00Z", NULL, &ps, &r, &dg) == MK_OK);
	mk_proposals_release(&ps);
	mk_transcript_release(&t);
	approve_all(st);
	CHECK(mk_store_item_add(st, "Acme", &c, "sam", &item_hand, NULL, &dg) == MK_OK);
	item_send = q_int(st, "SELECT id FROM plan_items WHERE action LIKE 'Send%'");
	item_book = q_int(st, "SELECT id FROM plan_items WHERE action LIKE 'Book%'");
	CHECK(item_send > 0 && item_book > 0 && item_hand > 0);
	return st;
}

static struct mk_crm_item *find(struct mk_crm_item *v, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].item.id == id)
			return &v[i];
	return NULL;
}

static void test_key(void)
{
	struct mk_store *st = setup(), *st2 = NULL;
	struct mk_crm_item *v = NULL, *w = NULL;
	struct mk_deal d = { .name = "Acme", .sellers = "Sam Patel" };
	struct mk_diag dg;
	size_t n = 0, m = 0;
	char want[64], install[16] = "";

	CHECK(mk_store_crm_items(st, "Acme", MK_CRM_SALESFORCE, &v, &n, &dg) == MK_OK && n == 3);
	for (size_t i = 0; i < n; i++) {
		/* "mk-" 8 hex digits "-" the item's id */
		CHECK(v[i].key && strlen(v[i].key) > 12 && !strncmp(v[i].key, "mk-", 3) &&
		      strspn(v[i].key + 3, "0123456789abcdef") == 8 && v[i].key[11] == '-');
		snprintf(install, sizeof install, "%.8s", v[i].key ? v[i].key + 3 : "");
		snprintf(want, sizeof want, "mk-%s-%lld", install, (long long)v[i].item.id);
		CHECK_STR(v[i].key, want);
		for (size_t j = 0; j < i; j++)
			CHECK(strcmp(v[i].key, v[j].key) != 0);
	}
	CHECK(q_int(st, "SELECT count(*) FROM crm_meta WHERE key = 'install'") == 1);
	/* the same keys after reopening, and for the other CRM */
	mk_store_close(st);
	st = NULL;
	CHECK(mk_store_open(&st, db_path, &dg) == MK_OK);
	CHECK(mk_store_crm_items(st, "Acme", MK_CRM_HUBSPOT, &w, &m, &dg) == MK_OK && m == n);
	for (size_t i = 0; i < m && i < n; i++)
		CHECK_STR(w[i].key, v[i].key);
	mk_crm_items_free(w, m);
	/* another database: another install */
	unlink_db(db_path2);
	CHECK(mk_store_open(&st2, db_path2, &dg) == MK_OK && mk_store_deal_add(st2, &d, &dg) == MK_OK);
	{
		struct mk_item_change c = { .action = "Sign", .side = MK_SIDE_BUYER, .status = -1 };
		int64_t id;

		CHECK(mk_store_item_add(st2, "Acme", &c, "sam", &id, NULL, &dg) == MK_OK);
	}
	CHECK(mk_store_crm_items(st2, "Acme", MK_CRM_SALESFORCE, &w, &m, &dg) == MK_OK && m == 1);
	CHECK(m == 1 && strncmp(w[0].key + 3, install, 8) != 0);
	mk_crm_items_free(w, m);
	mk_store_close(st2);
	mk_crm_items_free(v, n);
	/* no such deal, no such CRM */
	CHECK(mk_store_crm_items(st, "Nope", MK_CRM_SALESFORCE, &v, &n, &dg) == MK_ENOTFOUND && !v && !n);
	CHECK(strstr(dg.msg, "no such deal") != NULL);
	CHECK(mk_store_crm_items(st, "Acme", MK_CRM_COUNT, &v, &n, &dg) == MK_EARG);
	mk_store_close(st);
}

static void test_items_evidence(void)
{
	struct mk_store *st = setup();
	struct mk_crm_item *v = NULL, *c;
	struct mk_plan plan;
	struct mk_diag dg;
	size_t n = 0;

	CHECK(mk_store_crm_items(st, "Acme", MK_CRM_SALESFORCE, &v, &n, &dg) == MK_OK);
	/* the plan's order */
	CHECK(mk_store_plan(st, "Acme", &plan, &dg) == MK_OK && plan.nitems == n);
	for (size_t i = 0; i < n && i < plan.nitems; i++) {
		CHECK(v[i].item.id == plan.items[i].id && !v[i].gone && v[i].state == MK_CRM_NEW);
		CHECK_STR(v[i].item.action, plan.items[i].action);
		CHECK(!v[i].remote_id && !v[i].pushed_hash && !v[i].seen.subject && !v[i].pushed_at);
	}
	mk_plan_release(&plan);
	c = find(v, n, item_send);
	CHECK(c != NULL);
	if (c) {
		CHECK_STR(c->quote, "I'll send the security questionnaire by the 20th.");
		CHECK_STR(c->speaker, "Dana Reyes");
		CHECK(c->start_ms == 65000);
		CHECK_STR(c->meeting, "acme-kickoff.vtt");
		CHECK_STR(c->meeting_start, "2026-03-03T15:00:00Z");
		CHECK(c->item.has_due && c->item.due.d == 20 && c->item.side == MK_SIDE_BUYER);
		CHECK(c->owner_email == NULL); /* a name, not an e-mail */
	}
	c = find(v, n, item_book);
	CHECK(c && c->owner_email && !strcmp(c->owner_email, "dana@acme.com"));
	c = find(v, n, item_hand);
	CHECK(c && !c->quote && !c->speaker && !c->meeting && !c->meeting_start && c->start_ms == 0);
	mk_crm_items_free(v, n);
	/* a deal with no items */
	CHECK(mk_store_crm_items(st, "Globex", MK_CRM_SALESFORCE, &v, &n, &dg) == MK_OK && n == 0);
	mk_crm_items_free(v, n);
	mk_store_close(st);
}

static struct mk_crm_item *item_now(struct mk_store *st, enum mk_crm crm, int64_t id, struct mk_crm_item **v,
				    size_t *n)
{
	struct mk_diag dg;

	mk_crm_items_free(*v, *n);
	*v = NULL;
	*n = 0;
	CHECK(mk_store_crm_items(st, "Acme", crm, v, n, &dg) == MK_OK);
	return find(*v, *n, id);
}

static void test_lifecycle(void)
{
	struct mk_store *st = setup();
	struct mk_crm_state pushed = { .subject = "Send the security questionnaire", .due = "2026-03-20",
				       .status = "Not Started", .owner = "003AA" };
	struct mk_crm_state seen = { .subject = "Send the questionnaire", .due = "2026-03-27",
				     .status = "Completed", .owner = "003AA" };
	struct mk_crm_item *v = NULL, *c;
	struct mk_diag dg;
	size_t n = 0;

	CHECK(mk_store_crm_pending(st, MK_CRM_HUBSPOT, item_send, NULL, &dg) == MK_OK);
	c = item_now(st, MK_CRM_HUBSPOT, item_send, &v, &n);
	CHECK(c && c->state == MK_CRM_PENDING && !c->remote_id);
	CHECK(mk_store_crm_pending(st, MK_CRM_HUBSPOT, item_send, "991", &dg) == MK_OK);
	c = item_now(st, MK_CRM_HUBSPOT, item_send, &v, &n);
	CHECK(c && c->state == MK_CRM_PENDING && c->remote_id && !strcmp(c->remote_id, "991"));
	/* the other CRM knows nothing of it */
	c = item_now(st, MK_CRM_SALESFORCE, item_send, &v, &n);
	CHECK(c && c->state == MK_CRM_NEW && !c->remote_id);

	CHECK(mk_store_crm_pushed(st, MK_CRM_SALESFORCE, item_send, "00T5g000001", "abc123", &pushed,
				  "2026-03-04T10:00:00.000+0000", &dg) == MK_OK);
	c = item_now(st, MK_CRM_SALESFORCE, item_send, &v, &n);
	CHECK(c && c->state == MK_CRM_SYNCED);
	if (c) {
		CHECK_STR(c->remote_id, "00T5g000001");
		CHECK_STR(c->pushed_hash, "abc123");
		CHECK_STR(c->seen.subject, pushed.subject);
		CHECK_STR(c->seen.due, "2026-03-20");
		CHECK_STR(c->seen.status, "Not Started");
		CHECK_STR(c->seen.owner, "003AA");
		CHECK_STR(c->remote_modified, "2026-03-04T10:00:00.000+0000");
		CHECK(c->pushed_at && strlen(c->pushed_at) == 20 && !c->pulled_at);
	}
	CHECK(mk_store_crm_seen(st, MK_CRM_SALESFORCE, item_send, &seen, "2026-03-05T09:00:00.000+0000", &dg) == MK_OK);
	c = item_now(st, MK_CRM_SALESFORCE, item_send, &v, &n);
	CHECK(c && c->state == MK_CRM_SYNCED);
	if (c) {
		CHECK_STR(c->pushed_hash, "abc123"); /* what was pushed stays */
		CHECK_STR(c->seen.subject, "Send the questionnaire");
		CHECK_STR(c->seen.due, "2026-03-27");
		CHECK_STR(c->seen.status, "Completed");
		CHECK_STR(c->remote_modified, "2026-03-05T09:00:00.000+0000");
		CHECK(c->pulled_at != NULL && c->pushed_at != NULL);
	}
	CHECK(mk_store_crm_deleted(st, MK_CRM_SALESFORCE, item_send, &dg) == MK_OK);
	c = item_now(st, MK_CRM_SALESFORCE, item_send, &v, &n);
	CHECK(c && c->state == MK_CRM_DELETED && c->remote_id && !strcmp(c->remote_id, "00T5g000001"));
	CHECK(mk_store_crm_forget(st, MK_CRM_SALESFORCE, item_send, &dg) == MK_OK);
	c = item_now(st, MK_CRM_SALESFORCE, item_send, &v, &n);
	CHECK(c && c->state == MK_CRM_NEW && !c->remote_id && !c->pushed_hash && !c->seen.subject);
	CHECK(q_int(st, "SELECT count(*) FROM crm_items WHERE crm = 'salesforce'") == 0);
	CHECK(q_int(st, "SELECT count(*) FROM crm_items WHERE crm = 'hubspot'") == 1);
	mk_crm_items_free(v, n);

	/* refused: no such item, a task never seen, a bad id, no id */
	CHECK(mk_store_crm_pushed(st, MK_CRM_SALESFORCE, 424242, "00T1", "h", &pushed, NULL, &dg) == MK_ENOTFOUND);
	CHECK(strstr(dg.msg, "no plan item 424242") != NULL);
	CHECK(mk_store_crm_seen(st, MK_CRM_SALESFORCE, item_book, &seen, NULL, &dg) == MK_ENOTFOUND);
	CHECK(strstr(dg.msg, "has no salesforce task") != NULL);
	CHECK(mk_store_crm_pushed(st, MK_CRM_SALESFORCE, item_book, "00T 1", "h", &pushed, NULL, &dg) == MK_EARG);
	CHECK(mk_store_crm_pushed(st, MK_CRM_SALESFORCE, item_book, NULL, "h", &pushed, NULL, &dg) == MK_EARG);
	CHECK(mk_store_crm_forget(st, MK_CRM_SALESFORCE, 424242, &dg) == MK_ENOTFOUND);
	CHECK(q_int(st, "SELECT count(*) FROM crm_items WHERE crm = 'salesforce'") == 0);
	mk_store_close(st);
}

static void test_gone(void)
{
	struct mk_store *st = setup();
	struct mk_crm_state pushed = { .subject = "Book the pricing call", .status = "Not Started" };
	struct mk_crm_item *v = NULL, *c;
	struct mk_diag dg;
	size_t n = 0;
	char sql[160];
	int64_t dec;

	CHECK(mk_store_crm_pushed(st, MK_CRM_SALESFORCE, item_book, "00T2", "h2", &pushed, NULL, &dg) == MK_OK);
	snprintf(sql, sizeof sql, "SELECT d.id FROM decisions d JOIN plan_items i ON i.proposal_id = d.proposal_id\n"
		 "WHERE d.kind = 'approve' AND i.id = %lld", (long long)item_book);
	dec = q_int(st, sql);
	CHECK(dec > 0 && mk_store_undo(st, dec, "Acme", "sam", NULL, &dg) == MK_OK);
	c = item_now(st, MK_CRM_SALESFORCE, item_book, &v, &n);
	CHECK(n == 3 && c && c == &v[n - 1]); /* after the plan's items */
	if (c) {
		CHECK(c->gone && c->state == MK_CRM_SYNCED);
		CHECK_STR(c->item.action, "Book the pricing call");
		CHECK_STR(c->remote_id, "00T2");
		CHECK(c->key && !strncmp(c->key, "mk-", 3) && !c->quote);
	}
	for (size_t i = 0; i + 1 < n; i++)
		CHECK(!v[i].gone);
	/* a gone item's task can still be marked and forgotten */
	CHECK(mk_store_crm_pushed(st, MK_CRM_SALESFORCE, item_book, "00T2", "h3", &pushed, NULL, &dg) == MK_OK);
	CHECK(mk_store_crm_deleted(st, MK_CRM_SALESFORCE, item_book, &dg) == MK_OK);
	c = item_now(st, MK_CRM_SALESFORCE, item_book, &v, &n);
	CHECK(c && c->gone && c->state == MK_CRM_DELETED);
	CHECK(mk_store_crm_forget(st, MK_CRM_SALESFORCE, item_book, &dg) == MK_OK);
	c = item_now(st, MK_CRM_SALESFORCE, item_book, &v, &n);
	CHECK(!c && n == 2);
	CHECK(mk_store_crm_forget(st, MK_CRM_SALESFORCE, item_book, &dg) == MK_ENOTFOUND);
	mk_crm_items_free(v, n);
	mk_store_close(st);
}

/* The newest item undone off the plan: a new item never takes its id (and so its task). */
static void test_gone_id_not_reused(void)
{
	struct mk_store *st = setup();
	struct mk_crm_state pushed = { .subject = "Share the rollout plan", .status = "Not Started" };
	struct mk_item_change c = { .action = "Send the order form", .side = MK_SIDE_SELLER, .status = -1 };
	struct mk_crm_item *v = NULL, *gone, *fresh;
	struct mk_diag dg;
	size_t n = 0;
	int64_t dec, id = 0, id2 = 0;
	char sql[128];

	CHECK(q_int(st, "SELECT max(id) FROM plan_items") == item_hand);
	CHECK(mk_store_crm_pushed(st, MK_CRM_HUBSPOT, item_hand, "501", "h", &pushed, NULL, &dg) == MK_OK);
	snprintf(sql, sizeof sql, "SELECT id FROM decisions WHERE kind = 'item_add' AND item_id = %lld",
		 (long long)item_hand);
	dec = q_int(st, sql);
	CHECK(dec > 0 && mk_store_undo(st, dec, "Acme", "sam", NULL, &dg) == MK_OK);
	CHECK(mk_store_item_add(st, "Acme", &c, "sam", &id, NULL, &dg) == MK_OK && id > item_hand);
	gone = item_now(st, MK_CRM_HUBSPOT, item_hand, &v, &n);
	fresh = find(v, n, id);
	CHECK(gone && gone->gone && gone->remote_id && !strcmp(gone->remote_id, "501"));
	CHECK(fresh && !fresh->gone && fresh->state == MK_CRM_NEW && !fresh->remote_id);
	CHECK(gone && fresh && strcmp(gone->key, fresh->key) != 0);
	mk_crm_items_free(v, n);
	/* an approval's item likewise; with no task left behind, ids go on as SQLite gives them */
	CHECK(mk_store_item_add(st, "Acme", &c, "sam", &id2, NULL, &dg) == MK_OK && id2 == id + 1);
	mk_store_close(st);
}

/* A proposal as a pull makes it. */
static void crm_prop(struct mk_proposal *p, enum mk_prop_kind kind, int64_t item, const char *key, const char *quote)
{
	memset(p, 0, sizeof *p);
	p->kind = kind;
	p->item_id = item;
	p->key = (char *)key;
	p->action = (char *)"Send the security questionnaire";
	p->owner = (char *)"Dana Reyes";
	p->side = MK_SIDE_BUYER;
	p->confidence = 1;
	p->ev.speaker = (char *)"Salesforce";
	p->ev.quote = (char *)quote;
}

/* The pending proposal with key, from mk_store_pending (a copy in *out). */
static int pending_with_key(struct mk_store *st, const char *key, struct mk_proposal *out)
{
	struct mk_proposals ps;
	struct mk_diag dg;
	int found = 0;

	if (mk_store_pending(st, "Acme", &ps, &dg) != MK_OK)
		return 0;
	for (size_t i = 0; i < ps.n && !found; i++) {
		if (!strcmp(ps.v[i].key, key)) {
			*out = ps.v[i];
			memset(&ps.v[i], 0, sizeof ps.v[i]);
			found = 1;
		}
	}
	mk_proposals_release(&ps);
	return found;
}

static int history_has(struct mk_store *st, int64_t item, const char *field, const char *new_value)
{
	struct mk_revision *v = NULL;
	struct mk_diag dg;
	size_t n = 0;
	int found = 0;

	CHECK(mk_store_history(st, "Acme", 0, &v, &n, &dg) == MK_OK);
	for (size_t i = 0; i < n; i++)
		if (v[i].item_id == item && !strcmp(v[i].field, field) && v[i].new_value &&
		    !strcmp(v[i].new_value, new_value) && v[i].meeting && !strcmp(v[i].meeting, SF) && v[i].quote &&
		    strstr(v[i].quote, "in Salesforce") && v[i].speaker && !strcmp(v[i].speaker, "Salesforce") &&
		    v[i].source && !strcmp(v[i].source, SF))
			found = 1;
	mk_revisions_free(v, n);
	return found;
}

/* Changes by decision date (a pull's changes have no call) include item's new status, with the
 * CRM as their meeting. */
static int changes_has(struct mk_store *st, int64_t item, const char *field, const char *new_value)
{
	struct mk_changes_query q = { .deal = "Acme", .since = { 2000, 1, 1 }, .by = MK_CHANGES_BY_DECISION };
	struct mk_change *v = NULL;
	struct mk_diag dg;
	size_t n = 0;
	int found = 0;

	CHECK(mk_store_changes(st, &q, &v, &n, &dg) == MK_OK);
	for (size_t i = 0; i < n; i++)
		if (v[i].item_id == item && !strcmp(v[i].field, field) && v[i].new_value &&
		    !strcmp(v[i].new_value, new_value) && v[i].meeting && !strcmp(v[i].meeting, SF) && !v[i].meeting_start)
			found = 1;
	mk_changes_free(v, n);
	return found;
}

static void test_propose(void)
{
	struct mk_store *st = setup();
	struct mk_proposal p, got, one;
	struct mk_item it;
	struct mk_diag dg;
	char *deal = NULL;
	int created = -1;

	crm_prop(&p, MK_PROP_MARK_DONE, item_send, "crm:salesforce:00T1:done:Completed",
		 "Task marked Completed in Salesforce (was Not Started)");
	CHECK(mk_store_crm_propose(st, "Acme", MK_CRM_SALESFORCE, &p, &created, &dg) == MK_OK && created == 1);
	CHECK(mk_store_crm_propose(st, "Acme", MK_CRM_SALESFORCE, &p, &created, &dg) == MK_OK && created == 0);
	CHECK(q_int(st, "SELECT count(*) FROM proposals WHERE key = 'crm:salesforce:00T1:done:Completed'\n"
		    "	AND meeting_id IS NULL AND source = 'salesforce' AND status = 'pending'") == 1);
	memset(&got, 0, sizeof got);
	CHECK(pending_with_key(st, p.key, &got));
	CHECK_STR(got.meeting, SF);
	CHECK_STR(got.ev.speaker, "Salesforce");
	CHECK(got.kind == MK_PROP_MARK_DONE && got.item_id == item_send);
	CHECK(mk_store_proposal_get(st, got.id, &one, &dg) == MK_OK);
	CHECK_STR(one.meeting, SF);
	CHECK_STR(one.deal, "Acme");
	mk_proposal_release(&one);
	/* approved like any other: the item is done, history says where it came from */
	CHECK(mk_store_decide(st, got.id, 1, "sam", NULL, &dg) == MK_OK);
	CHECK(mk_store_item_get(st, item_send, &deal, &it, &dg) == MK_OK && it.status == MK_STATUS_DONE);
	mk_item_release(&it);
	free(deal);
	CHECK(history_has(st, item_send, "status", "done"));
	CHECK(changes_has(st, item_send, "status", "done"));
	mk_proposal_release(&got);

	/* a new due date */
	crm_prop(&p, MK_PROP_UPDATE_DUE, item_send, "crm:salesforce:00T1:due:2026-03-27",
		 "Task due date changed in Salesforce to 2026-03-27 (was 2026-03-20)");
	p.has_due = p.has_old_due = 1;
	p.due = (struct mk_date){ 2026, 3, 27 };
	p.old_due = (struct mk_date){ 2026, 3, 20 };
	CHECK(mk_store_crm_propose(st, "Acme", MK_CRM_SALESFORCE, &p, &created, &dg) == MK_OK && created == 1);
	CHECK(pending_with_key(st, p.key, &got));
	CHECK_STR(got.meeting, SF);
	CHECK(got.has_due && got.due.d == 27 && got.has_old_due && got.old_due.d == 20);
	CHECK(mk_store_decide(st, got.id, 1, "sam", NULL, &dg) == MK_OK);
	CHECK(mk_store_item_get(st, item_send, &deal, &it, &dg) == MK_OK && it.has_due && it.due.d == 27);
	mk_item_release(&it);
	free(deal);
	CHECK(history_has(st, item_send, "due", "2026-03-27"));
	/* and undone like any other: the date is back, the proposal pending again */
	{
		char sql[128];
		int64_t dec;

		snprintf(sql, sizeof sql, "SELECT id FROM decisions WHERE kind = 'approve' AND proposal_id = %lld",
			 (long long)got.id);
		dec = q_int(st, sql);
		CHECK(dec > 0 && mk_store_undo(st, dec, "Acme", "sam", NULL, &dg) == MK_OK);
		CHECK(mk_store_item_get(st, item_send, &deal, &it, &dg) == MK_OK && it.has_due && it.due.d == 20);
		mk_item_release(&it);
		free(deal);
		CHECK(mk_store_proposal_get(st, got.id, &one, &dg) == MK_OK);
		CHECK_STR(one.status, "pending");
		CHECK_STR(one.meeting, SF);
		mk_proposal_release(&one);
		CHECK(mk_store_decide(st, got.id, 1, "sam", NULL, &dg) == MK_OK);
	}
	mk_proposal_release(&got);
	/* the same key once approved is still never proposed again */
	CHECK(mk_store_crm_propose(st, "Acme", MK_CRM_SALESFORCE, &p, &created, &dg) == MK_OK && created == 0);

	/* refused: not a change of an item, an item of no plan, no key, no deal */
	crm_prop(&p, MK_PROP_ADD_ITEM, 0, "crm:x", "q");
	CHECK(mk_store_crm_propose(st, "Acme", MK_CRM_SALESFORCE, &p, &created, &dg) == MK_EARG && created == 0);
	crm_prop(&p, MK_PROP_MARK_BLOCKED, 424242, "crm:y", "q");
	CHECK(mk_store_crm_propose(st, "Acme", MK_CRM_SALESFORCE, &p, &created, &dg) == MK_EARG);
	crm_prop(&p, MK_PROP_MARK_BLOCKED, item_send, "crm:y", "q");
	CHECK(mk_store_crm_propose(st, "Globex", MK_CRM_SALESFORCE, &p, &created, &dg) == MK_EARG);
	CHECK(strstr(dg.msg, "not on the deal's plan") != NULL);
	crm_prop(&p, MK_PROP_MARK_BLOCKED, item_send, "", "q");
	CHECK(mk_store_crm_propose(st, "Acme", MK_CRM_SALESFORCE, &p, &created, &dg) == MK_EARG);
	crm_prop(&p, MK_PROP_MARK_BLOCKED, item_send, "crm:y", "q");
	CHECK(mk_store_crm_propose(st, "Nope", MK_CRM_SALESFORCE, &p, &created, &dg) == MK_ENOTFOUND);
	CHECK(q_int(st, "SELECT count(*) FROM proposals WHERE source IS NOT NULL") == 2);
	mk_store_close(st);
}

static void test_lock(void)
{
	struct mk_store *st = setup();
	struct mk_diag dg;
	char *holder = NULL, want[300], host[256];
	int got = -1, up[2], down[2];
	pid_t child;
	char c = 0;

	gethostname(host, sizeof host);
	host[sizeof host - 1] = '\0';
	CHECK(mk_store_crm_lock(st, MK_CRM_SALESFORCE, &got, &holder, &dg) == MK_OK && got == 1 && !holder);
	CHECK(mk_store_crm_lock(st, MK_CRM_SALESFORCE, &got, &holder, &dg) == MK_OK && got == 1); /* ours */
	CHECK(mk_store_crm_unlock(st, MK_CRM_SALESFORCE, &dg) == MK_OK);
	CHECK(q_int(st, "SELECT count(*) FROM crm_locks") == 0);

	/* another process holds it: refused, naming it; once it is gone, taken over */
	CHECK(pipe(up) == 0 && pipe(down) == 0);
	child = fork();
	if (child == 0) {
		struct mk_store *cs = NULL;
		char *h = NULL;
		int g = 0;

		close(up[0]);
		close(down[1]);
		if (mk_store_open(&cs, db_path, &dg) == MK_OK && mk_store_crm_lock(cs, MK_CRM_SALESFORCE, &g, &h, &dg) == MK_OK &&
		    g == 1)
			c = 'y';
		mk_store_close(cs);
		if (write(up[1], &c, 1) != 1 || read(down[0], &c, 1) < 0)
			_exit(2);
		_exit(0); /* without unlocking: a crash */
	}
	close(up[1]);
	close(down[0]);
	CHECK(child > 0 && read(up[0], &c, 1) == 1 && c == 'y');
	CHECK(mk_store_crm_lock(st, MK_CRM_SALESFORCE, &got, &holder, &dg) == MK_OK && got == 0);
	snprintf(want, sizeof want, "%lld@%s", (long long)child, host);
	CHECK_STR(holder, want);
	free(holder);
	holder = NULL;
	/* the other CRM is free */
	CHECK(mk_store_crm_lock(st, MK_CRM_HUBSPOT, &got, &holder, &dg) == MK_OK && got == 1);
	/* our unlock leaves the other process's lock alone */
	CHECK(mk_store_crm_unlock(st, MK_CRM_SALESFORCE, &dg) == MK_OK);
	CHECK(q_int(st, "SELECT count(*) FROM crm_locks WHERE crm = 'salesforce'") == 1);
	CHECK(write(down[1], "x", 1) == 1);
	CHECK(waitpid(child, NULL, 0) == child);
	close(up[0]);
	close(down[1]);
	CHECK(mk_store_crm_lock(st, MK_CRM_SALESFORCE, &got, &holder, &dg) == MK_OK && got == 1 && !holder);
	CHECK(q_int(st, "SELECT pid FROM crm_locks WHERE crm = 'salesforce'") == (int64_t)getpid());

	/* another host's lock: refused while fresh, taken once stale */
	sqlite3_exec(st->db, "UPDATE crm_locks SET pid = 1, host = 'elsewhere',\n"
			     "	at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-3500 seconds') WHERE crm = 'salesforce'", NULL, NULL, NULL);
	CHECK(mk_store_crm_lock(st, MK_CRM_SALESFORCE, &got, &holder, &dg) == MK_OK && got == 0);
	CHECK_STR(holder, "1@elsewhere");
	free(holder);
	holder = NULL;
	sqlite3_exec(st->db, "UPDATE crm_locks SET at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-3700 seconds')\n"
			     "WHERE crm = 'salesforce'",
		     NULL, NULL, NULL);
	CHECK(mk_store_crm_lock(st, MK_CRM_SALESFORCE, &got, &holder, &dg) == MK_OK && got == 1 && !holder);
	CHECK(q_int(st, "SELECT count(*) FROM crm_locks WHERE crm = 'salesforce' AND host <> 'elsewhere'") == 1);
	CHECK(mk_store_crm_unlock(st, MK_CRM_SALESFORCE, &dg) == MK_OK);
	CHECK(mk_store_crm_unlock(st, MK_CRM_HUBSPOT, &dg) == MK_OK);
	CHECK(q_int(st, "SELECT count(*) FROM crm_locks") == 0);
	mk_store_close(st);
}

/* In a child: opens the store, takes the lock and makes the install id at once with its
 * siblings, reports "y" or "n" and the install on up, then holds on until down closes. */
static void race_child(int up, int down)
{
	struct mk_store *cs = NULL;
	struct mk_crm_item *v = NULL;
	struct mk_diag dg;
	char msg[16] = "n--------", *h = NULL, c;
	size_t n = 0;
	int got = 0;

	if (mk_store_open(&cs, db_path, &dg) == MK_OK) {
		if (mk_store_crm_lock(cs, MK_CRM_HUBSPOT, &got, &h, &dg) == MK_OK && got)
			msg[0] = 'y';
		if (mk_store_crm_items(cs, "Acme", MK_CRM_HUBSPOT, &v, &n, &dg) == MK_OK && n)
			memcpy(msg + 1, v[0].key + 3, 8);
	}
	if (write(up, msg, 9) != 9)
		_exit(2);
	while (read(down, &c, 1) > 0)
		;
	_exit(0);
}

/* Processes at once: one takes the lock, and all read the one install id made. */
static void test_races(void)
{
	enum { NCHILD = 4 };
	struct mk_store *st = setup();
	char msg[10], install[9] = "";
	int up[2], down[2], taken = 0, same = 1;
	pid_t kids[NCHILD];

	CHECK(q_int(st, "SELECT count(*) FROM crm_meta") == 0);
	mk_store_close(st);
	CHECK(pipe(up) == 0 && pipe(down) == 0);
	for (int i = 0; i < NCHILD; i++) {
		kids[i] = fork();
		if (kids[i] == 0) {
			close(up[0]);
			close(down[1]);
			race_child(up[1], down[0]);
		}
	}
	close(up[1]);
	close(down[0]);
	for (int i = 0; i < NCHILD; i++) {
		msg[9] = '\0';
		if (read(up[0], msg, 9) != 9) {
			CHECK(0);
			break;
		}
		taken += msg[0] == 'y';
		if (!install[0])
			memcpy(install, msg + 1, 9);
		same &= !strncmp(install, msg + 1, 8) && strspn(msg + 1, "0123456789abcdef") == 8;
	}
	close(down[1]);
	for (int i = 0; i < NCHILD; i++)
		CHECK(waitpid(kids[i], NULL, 0) == kids[i]);
	close(up[0]);
	CHECK(taken == 1);
	CHECK(same);
}

static void test_runs(void)
{
	struct mk_store *st = setup();
	struct mk_crm_run end, *push = NULL, *pull = NULL;
	struct mk_diag dg;
	int64_t a = 0, b = 0, c = 0, h = 0;

	CHECK(mk_store_crm_last(st, "Acme", MK_CRM_SALESFORCE, &push, &pull, &dg) == MK_OK && !push && !pull);
	CHECK(mk_store_crm_run_start(st, MK_CRM_SALESFORCE, "push", "Acme", &a, &dg) == MK_OK && a > 0);
	CHECK(mk_store_crm_run_start(st, MK_CRM_SALESFORCE, "pull", NULL, &b, &dg) == MK_OK && b > a);
	CHECK(mk_store_crm_run_start(st, MK_CRM_HUBSPOT, "push", "Acme", &h, &dg) == MK_OK);
	memset(&end, 0, sizeof end);
	end.id = a;
	end.result = "partial";
	end.message = "salesforce: item 3: the task was refused";
	end.created = 2;
	end.updated = 1;
	end.unchanged = 4;
	end.errors = 1;
	CHECK(mk_store_crm_run_end(st, &end, &dg) == MK_OK);
	CHECK(mk_store_crm_last(st, "Acme", MK_CRM_SALESFORCE, &push, &pull, &dg) == MK_OK && push && pull);
	if (push && pull) {
		CHECK(push->id == a && push->crm == MK_CRM_SALESFORCE);
		CHECK_STR(push->kind, "push");
		CHECK_STR(push->deal, "Acme");
		CHECK_STR(push->result, "partial");
		CHECK_STR(push->message, end.message);
		CHECK(push->created == 2 && push->updated == 1 && push->unchanged == 4 && push->errors == 1 &&
		      push->proposed == 0 && push->deleted == 0);
		CHECK(push->started_at && push->finished_at);
		CHECK(pull->id == b && pull->deal == NULL && !pull->finished_at);
		CHECK_STR(pull->result, "running");
	}
	mk_crm_runs_free(push, 1);
	mk_crm_runs_free(pull, 1);
	/* Globex: not Acme's push, but the pull of every deal */
	CHECK(mk_store_crm_last(st, "Globex", MK_CRM_SALESFORCE, &push, &pull, &dg) == MK_OK && !push && pull &&
	      pull->id == b);
	mk_crm_runs_free(pull, 1);
	/* newest first */
	CHECK(mk_store_crm_run_start(st, MK_CRM_SALESFORCE, "push", NULL, &c, &dg) == MK_OK && c > b);
	CHECK(mk_store_crm_last(st, "Acme", MK_CRM_SALESFORCE, &push, &pull, &dg) == MK_OK && push && push->id == c);
	mk_crm_runs_free(push, 1);
	mk_crm_runs_free(pull, 1);
	CHECK(mk_store_crm_last(st, NULL, MK_CRM_HUBSPOT, &push, &pull, &dg) == MK_OK && push && push->id == h && !pull);
	mk_crm_runs_free(push, 1);
	/* refused */
	CHECK(mk_store_crm_run_start(st, MK_CRM_SALESFORCE, "sync", NULL, &c, &dg) == MK_EARG && c == 0);
	CHECK(mk_store_crm_run_start(st, MK_CRM_SALESFORCE, "push", "Nope", &c, &dg) == MK_ENOTFOUND);
	end.result = "fine";
	CHECK(mk_store_crm_run_end(st, &end, &dg) == MK_EARG);
	end.result = "ok";
	end.id = 4242;
	CHECK(mk_store_crm_run_end(st, &end, &dg) == MK_ENOTFOUND);
	CHECK(mk_store_crm_last(st, "Nope", MK_CRM_SALESFORCE, &push, &pull, &dg) == MK_ENOTFOUND && !push && !pull);
	mk_store_close(st);
}

static void test_link(void)
{
	struct mk_store *st = setup();
	struct mk_diag dg;
	char **names = NULL, **ids = NULL, *id = NULL, big[80];
	size_t n = 0;

	CHECK(mk_store_crm_link_get(st, "Acme", MK_CRM_SALESFORCE, &id, &dg) == MK_OK && !id);
	CHECK(mk_store_crm_link(st, "Acme", MK_CRM_SALESFORCE, "0065g00000AbCdEAAA", "sam", &dg) == MK_OK);
	CHECK(mk_store_crm_link(st, "Globex", MK_CRM_SALESFORCE, "0065g00000ZzZzZAAA", "sam", &dg) == MK_OK);
	CHECK(mk_store_crm_link(st, "Acme", MK_CRM_HUBSPOT, "12345678_9-x", NULL, &dg) == MK_OK);
	CHECK(mk_store_crm_link_get(st, "Acme", MK_CRM_SALESFORCE, &id, &dg) == MK_OK);
	CHECK_STR(id, "0065g00000AbCdEAAA");
	free(id);
	CHECK(q_int(st, "SELECT count(*) FROM crm_links WHERE linked_by = 'sam' AND linked_at LIKE '20%Z'") == 2);
	CHECK(mk_store_crm_linked(st, MK_CRM_SALESFORCE, &names, &ids, &n, &dg) == MK_OK && n == 2);
	if (n == 2) {
		CHECK_STR(names[0], "Acme");
		CHECK_STR(ids[0], "0065g00000AbCdEAAA");
		CHECK_STR(names[1], "Globex");
		CHECK_STR(ids[1], "0065g00000ZzZzZAAA");
	}
	mk_strv_free(names, n);
	mk_strv_free(ids, n);
	/* linked again: the new record */
	CHECK(mk_store_crm_link(st, "Acme", MK_CRM_SALESFORCE, "0065g00000NEWAAA", "dana", &dg) == MK_OK);
	CHECK(mk_store_crm_link_get(st, "Acme", MK_CRM_SALESFORCE, &id, &dg) == MK_OK);
	CHECK_STR(id, "0065g00000NEWAAA");
	free(id);
	/* refused: bad ids, no deal; nothing changes */
	memset(big, 'a', 65);
	big[65] = '\0';
	CHECK(mk_store_crm_link(st, "Acme", MK_CRM_SALESFORCE, "", "sam", &dg) == MK_EARG);
	CHECK(mk_store_crm_link(st, "Acme", MK_CRM_SALESFORCE, big, "sam", &dg) == MK_EARG);
	big[64] = '\0';
	CHECK(mk_store_crm_link(st, "Globex", MK_CRM_HUBSPOT, big, "sam", &dg) == MK_OK); /* 64 is fine */
	CHECK(mk_store_crm_link(st, "Acme", MK_CRM_SALESFORCE, "006 1", "sam", &dg) == MK_EARG);
	CHECK(strstr(dg.msg, "not a salesforce record id") != NULL);
	CHECK(mk_store_crm_link(st, "Acme", MK_CRM_SALESFORCE, "006/../x", "sam", &dg) == MK_EARG);
	CHECK(mk_store_crm_link(st, "Acme", MK_CRM_SALESFORCE, "006'1", "sam", &dg) == MK_EARG);
	CHECK(mk_store_crm_link(st, "Nope", MK_CRM_SALESFORCE, "0061", "sam", &dg) == MK_ENOTFOUND);
	CHECK(strstr(dg.msg, "no such deal \"Nope\"") != NULL);
	CHECK(mk_store_crm_link_get(st, "Nope", MK_CRM_SALESFORCE, &id, &dg) == MK_ENOTFOUND && !id);
	CHECK(mk_store_crm_link(st, "Acme", MK_CRM_COUNT, "0061", "sam", &dg) == MK_EARG);
	CHECK(mk_store_crm_link_get(st, "Acme", MK_CRM_SALESFORCE, &id, &dg) == MK_OK);
	CHECK_STR(id, "0065g00000NEWAAA");
	free(id);
	/* unlinked: one CRM, one deal */
	CHECK(mk_store_crm_link(st, "Acme", MK_CRM_SALESFORCE, NULL, "sam", &dg) == MK_OK);
	CHECK(mk_store_crm_link_get(st, "Acme", MK_CRM_SALESFORCE, &id, &dg) == MK_OK && !id);
	CHECK(mk_store_crm_link_get(st, "Acme", MK_CRM_HUBSPOT, &id, &dg) == MK_OK && id);
	free(id);
	CHECK(mk_store_crm_linked(st, MK_CRM_SALESFORCE, &names, &ids, &n, &dg) == MK_OK && n == 1);
	CHECK(n == 1 && !strcmp(names[0], "Globex"));
	mk_strv_free(names, n);
	mk_strv_free(ids, n);
	mk_store_close(st);
}

/* Removing a deal takes its CRM rows with it (edit.c). */
static void test_deal_remove(void)
{
	struct mk_store *st = setup();
	struct mk_crm_state s = { .subject = "Send the security questionnaire" };
	struct mk_item_change c = { .action = "Sign the order form", .side = MK_SIDE_BUYER, .status = -1 };
	struct mk_diag dg;
	int64_t run, id = 0;

	CHECK(mk_store_crm_link(st, "Acme", MK_CRM_SALESFORCE, "0061", "sam", &dg) == MK_OK);
	CHECK(mk_store_crm_pushed(st, MK_CRM_SALESFORCE, item_send, "00T1", "h", &s, NULL, &dg) == MK_OK);
	CHECK(mk_store_crm_run_start(st, MK_CRM_SALESFORCE, "push", "Acme", &run, &dg) == MK_OK);
	CHECK(mk_store_deal_remove(st, "Acme", &dg) == MK_OK);
	CHECK(q_int(st, "SELECT (SELECT count(*) FROM crm_links) + (SELECT count(*) FROM crm_items)\n"
		    "	+ (SELECT count(*) FROM crm_runs)") == 0);
	/* a new item never takes the id of one that had a task */
	CHECK(mk_store_item_add(st, "Globex", &c, "sam", &id, NULL, &dg) == MK_OK && id > item_send);
	CHECK(q_int(st, "SELECT max(id) FROM plan_items") == id);
	mk_store_close(st);
}

int main(void)
{
	snprintf(tmpdir, sizeof tmpdir, "%s", "/tmp/mk-crm-store-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	db_path = mk_sprintf("%s/crm.db", tmpdir);
	db_path2 = mk_sprintf("%s/other.db", tmpdir);
	RUN(test_key);
	RUN(test_items_evidence);
	RUN(test_lifecycle);
	RUN(test_gone);
	RUN(test_gone_id_not_reused);
	RUN(test_propose);
	RUN(test_lock);
	RUN(test_races);
	RUN(test_runs);
	RUN(test_link);
	RUN(test_deal_remove);
	unlink_db(db_path);
	unlink_db(db_path2);
	free(db_path);
	free(db_path2);
	rmdir(tmpdir);
	return tap_done();
}
