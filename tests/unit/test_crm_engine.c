/*
 * test_crm_engine.c: the CRM engine (crm/crm.c, push.c, pull.c) over a mock backend and a
 * real store in a temp file. The mock keeps its tasks in memory, counts every call, and can
 * fail, lose a create's reply after making it, list tasks with or without their key, and
 * have a "user" delete or edit a task. The story: link, first push creates, second push
 * sends nothing, an edit updates one, lost replies adopted (no duplicate), a deleted task
 * reported and not re-created until --recreate, pull proposals (once), approve and push,
 * a rejected CRM change overwritten, a gone item closed once, failures as lines, the lock.
 */
#include "mapkeeper.h"
#include "crm/crm.h"
#include "util/util.h"
#include "tap.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- the mock CRM --------------------------------------------------------------------- */

struct mock_task {
	char id[16], key[96], deal[16], subject[256], due[16], status[40], owner[40], desc[600];
	int deleted, modified;
};

static struct mock {
	struct mock_task t[64];
	size_t n;
	int upserts, creates, updates, finds, lists, next_steps, owners, opens;
	int64_t fail_item;          /* upsert of this item fails */
	int lose_reply;             /* the next create is made, then its reply lost */
	int fail_tasks;             /* listing fails */
	int fail_open;
	int keys_listed;            /* the listing carries each task's key (Salesforce) */
	int stamp;
	char next_step[300], health[100];
} M;

static void mock_counts_reset(void)
{
	M.upserts = M.creates = M.updates = M.finds = M.lists = M.next_steps = M.owners = M.opens = 0;
}

static struct mock_task *mock_by_id(const char *id)
{
	for (size_t i = 0; id && i < M.n; i++)
		if (!strcmp(M.t[i].id, id) && !M.t[i].deleted)
			return &M.t[i];
	return NULL;
}

static size_t mock_live(void)
{
	size_t k = 0;
	for (size_t i = 0; i < M.n; i++)
		k += !M.t[i].deleted;
	return k;
}

static enum mk_err mock_open(struct remote_config *cfg, void **ctx, struct mk_diag *diag)
{
	(void)cfg;
	M.opens++;
	if (M.fail_open) {
		mk_diag_set(diag, "", 0, "mock: set MOCK_TOKEN");
		return MK_EARG;
	}
	*ctx = &M;
	return MK_OK;
}

static void mock_close(void *ctx)
{
	(void)ctx;
}

static enum mk_err mock_deal_get(void *ctx, const char *id, char **name, struct mk_diag *diag)
{
	(void)ctx;
	if (strcmp(id, "006A") && strcmp(id, "006B") && strcmp(id, "006T1") && strcmp(id, "006T2")) {
		mk_diag_set(diag, "", 0, "mock: no Opportunity %s (check the id)", id);
		return MK_ENOTFOUND;
	}
	*name = mk_strdup(id);
	return MK_OK;
}

static enum mk_err mock_deal_find(void *ctx, const char *name, char ***ids, size_t *n, struct mk_diag *diag)
{
	(void)ctx;
	(void)diag;
	*ids = NULL;
	*n = 0;
	if (!strcmp(name, "Bravo")) {
		*ids = mk_calloc(1, sizeof **ids);
		(*ids)[0] = mk_strdup("006B");
		*n = 1;
	} else if (!strcmp(name, "Twin")) {
		*ids = mk_calloc(2, sizeof **ids);
		(*ids)[0] = mk_strdup("006T1");
		(*ids)[1] = mk_strdup("006T2");
		*n = 2;
	}
	return MK_OK;
}

static const char *mock_status_of(enum mk_status s)
{
	static const char *const v[] = { "Not Started", "Completed", "Waiting on someone else", "Deferred" };
	return v[s];
}

static char *mock_owner_of(void *ctx, const char *deal_id, const struct mk_crm_item *it)
{
	(void)ctx;
	(void)deal_id;
	M.owners++;
	return it->item.owner ? mk_sprintf("003-%s", it->item.owner) : NULL;
}

static void mock_fill(struct mock_task *t, const struct crm_want *w)
{
	snprintf(t->subject, sizeof t->subject, "%s", w->st.subject ? w->st.subject : "");
	snprintf(t->due, sizeof t->due, "%s", w->st.due ? w->st.due : "");
	snprintf(t->status, sizeof t->status, "%s", w->st.status ? w->st.status : "");
	snprintf(t->owner, sizeof t->owner, "%s", w->st.owner ? w->st.owner : "");
	snprintf(t->desc, sizeof t->desc, "%s", w->description ? w->description : "");
	t->modified = ++M.stamp;
}

static enum mk_err mock_upsert(void *ctx, const struct crm_want *w, char **remote_id, char **modified,
			       struct mk_diag *diag)
{
	struct mock_task *t;

	(void)ctx;
	M.upserts++;
	if (w->it->item.id == M.fail_item) {
		mk_diag_set(diag, "", 0, "mock: the CRM refused the task (HTTP 400)");
		return MK_ENET;
	}
	if (w->it->remote_id) {
		M.updates++;
		if (!(t = mock_by_id(w->it->remote_id))) {
			mk_diag_set(diag, "", 0, "mock: no task %s", w->it->remote_id);
			return MK_ENOTFOUND;
		}
	} else {
		M.creates++;
		t = &M.t[M.n++];
		memset(t, 0, sizeof *t);
		snprintf(t->id, sizeof t->id, "00T%zu", M.n);
		snprintf(t->key, sizeof t->key, "%s", w->it->key);
		snprintf(t->deal, sizeof t->deal, "%s", w->deal_id);
	}
	mock_fill(t, w);
	if (M.lose_reply) {
		M.lose_reply = 0;
		mk_diag_set(diag, "", 0, "mock: connection reset before the reply");
		return MK_ENET;
	}
	*remote_id = mk_strdup(t->id);
	*modified = mk_sprintf("stamp-%d", t->modified);
	return MK_OK;
}

static enum mk_err mock_find_by_key(void *ctx, const char *deal_id, const char *key, char **remote_id,
				    struct mk_diag *diag)
{
	(void)ctx;
	(void)diag;
	M.finds++;
	*remote_id = NULL;
	for (size_t i = 0; i < M.n; i++)
		if (!M.t[i].deleted && !strcmp(M.t[i].key, key) && !strcmp(M.t[i].deal, deal_id))
			*remote_id = mk_strdup(M.t[i].id);
	return MK_OK;
}

static char *mock_dup(const char *s)
{
	return s && *s ? mk_strdup(s) : NULL;
}

static enum mk_err mock_tasks(void *ctx, const char *deal_id, const struct mk_crm_item *items, size_t n,
			      struct crm_task **out, size_t *nout, struct mk_diag *diag)
{
	struct crm_task *v = mk_calloc(M.n + 1, sizeof *v);
	size_t k = 0;

	(void)ctx;
	(void)items;
	(void)n;
	M.lists++;
	*out = NULL;
	*nout = 0;
	if (M.fail_tasks) {
		free(v);
		mk_diag_set(diag, "", 0, "mock: access token refused (HTTP 401)");
		return MK_ENET;
	}
	for (size_t i = 0; i < M.n; i++) {
		const struct mock_task *t = &M.t[i];
		if (t->deleted || strcmp(t->deal, deal_id))
			continue;
		v[k].id = mk_strdup(t->id);
		v[k].key = M.keys_listed ? mk_strdup(t->key) : NULL;
		v[k].st.subject = mock_dup(t->subject);
		v[k].st.due = mock_dup(t->due);
		v[k].st.status = mock_dup(t->status);
		v[k].st.owner = mock_dup(t->owner);
		v[k].done = !strcmp(t->status, "Completed");
		v[k].waiting = !strcmp(t->status, "Waiting on someone else");
		v[k].modified = mk_sprintf("stamp-%d", t->modified);
		k++;
	}
	*out = v;
	*nout = k;
	return MK_OK;
}

static enum mk_err mock_next_step(void *ctx, const char *deal_id, const char *next, const char *health,
				  struct mk_diag *diag)
{
	(void)ctx;
	(void)deal_id;
	(void)diag;
	M.next_steps++;
	snprintf(M.next_step, sizeof M.next_step, "%s", next ? next : "");
	snprintf(M.health, sizeof M.health, "%s", health ? health : "");
	return MK_OK;
}

static char *mock_record_url(const struct remote_config *cfg, const char *kind, const char *id)
{
	(void)cfg;
	return mk_sprintf("https://mock.example/%s/%s", kind, id);
}

static const struct crm_backend mock = {
	.crm = MK_CRM_SALESFORCE,
	.open = mock_open,
	.close = mock_close,
	.deal_get = mock_deal_get,
	.deal_find = mock_deal_find,
	.status_of = mock_status_of,
	.owner_of = mock_owner_of,
	.upsert = mock_upsert,
	.find_by_key = mock_find_by_key,
	.tasks = mock_tasks,
	.next_step = mock_next_step,
	.record_url = mock_record_url,
};

/* ---- the store and the runs --------------------------------------------------------------- */

static char tmpdir[64];
static char *db_path;
static struct mk_store *st;
static struct remote_config cfg;
static int64_t item_soc, item_msa, item_kick, item_po;

static struct mk_crm_opts opts(void)
{
	struct mk_crm_opts o = { .crm = MK_CRM_SALESFORCE, .deal = "Acme", .who = "rep", .wait_s = 1 };
	return o;
}

/* A push or pull with o; its result in *r (released by the caller), its diag printed on error. */
static enum mk_err run(int push, const struct mk_crm_opts *o, struct mk_crm_result *r)
{
	struct mk_diag d;
	enum mk_err err;

	mk_diag_clear(&d);
	mock_counts_reset();
	err = push ? crm_push_with(&mock, &cfg, st, o, r, &d) : crm_pull_with(&mock, &cfg, st, o, r, &d);
	if (err)
		printf("#   run: %s\n", d.msg);
	for (size_t i = 0; i < r->n; i++)
		printf("#   %s #%lld %s: %s\n", r->v[i].deal, (long long)r->v[i].item_id, r->v[i].what,
		       r->v[i].detail ? r->v[i].detail : "");
	return err;
}

/* A push or pull of Acme with the test's options. */
static enum mk_err acme(int push, struct mk_crm_result *r)
{
	struct mk_crm_opts o = opts();
	return run(push, &o, r);
}
#define push_deal(r) acme(1, r)
#define pull_deal(r) acme(0, r)

/* The line of r about item with what, or NULL. */
static const struct mk_crm_line *line_of(const struct mk_crm_result *r, int64_t item, const char *what)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].item_id == item && !strcmp(r->v[i].what, what))
			return &r->v[i];
	return NULL;
}

/* The item's task as the store knows it. */
static struct mk_crm_item *crm_item(int64_t item, struct mk_crm_item **all, size_t *n)
{
	struct mk_diag d;

	*all = NULL;
	*n = 0;
	if (mk_store_crm_items(st, "Acme", MK_CRM_SALESFORCE, all, n, &d))
		return NULL;
	for (size_t i = 0; i < *n; i++)
		if ((*all)[i].item.id == item)
			return &(*all)[i];
	return NULL;
}

static enum mk_crm_item_state item_state(int64_t item)
{
	struct mk_crm_item *all, *it;
	size_t n;
	int s;

	it = crm_item(item, &all, &n);
	s = it ? (int)it->state : -1;
	mk_crm_items_free(all, n);
	return (enum mk_crm_item_state)s;
}

/* The task id the store holds for item (static buffer), or "". */
static const char *item_task(int64_t item)
{
	static char id[32];
	struct mk_crm_item *all;
	size_t n;
	struct mk_crm_item *it = crm_item(item, &all, &n);

	snprintf(id, sizeof id, "%s", it && it->remote_id ? it->remote_id : "");
	mk_crm_items_free(all, n);
	return id;
}

/* Does the task's key read "mk-INSTALL-ITEM"? */
static int key_ok(const char *key, int64_t item)
{
	char tail[32];
	size_t n = (size_t)snprintf(tail, sizeof tail, "-%lld", (long long)item);
	return !strncmp(key, "mk-", 3) && strlen(key) > n + 3 && !strcmp(key + strlen(key) - n, tail);
}

static int64_t add_item(const char *action, const char *owner, const char *due, int64_t *decision)
{
	struct mk_item_change c = { .action = action, .owner = owner, .side = MK_SIDE_BUYER, .due = due,
				    .status = -1 };
	struct mk_diag d;
	int64_t id = 0;

	mk_diag_clear(&d);
	if (mk_store_item_add(st, "Acme", &c, "rep", &id, decision, &d))
		printf("#   item add: %s\n", d.msg);
	return id;
}

static enum mk_err change_item(int64_t item, const char *due, int status)
{
	struct mk_item_change c = { .side = -1, .due = due, .status = status };
	struct mk_diag d;
	enum mk_err err;

	mk_diag_clear(&d);
	if ((err = mk_store_item_change(st, item, &c, "rep", NULL, &d)))
		printf("#   item change: %s\n", d.msg);
	return err;
}

static struct mock_task *task_of(int64_t item)
{
	return mock_by_id(item_task(item));
}

/* ---- the story ------------------------------------------------------------------------ */

static void test_link(void)
{
	struct mk_crm_opts o = opts();
	struct mk_diag d;
	char *rid = NULL;

	mk_diag_clear(&d);
	CHECK(crm_link_with(&mock, &cfg, st, &o, "Acme", "006X", &rid, &d) == MK_ENOTFOUND);
	CHECK(strstr(d.msg, "no Opportunity 006X") != NULL && !rid);
	CHECK(crm_link_with(&mock, &cfg, st, &o, "Acme", "006 A;", &rid, &d) == MK_EARG);
	CHECK(strstr(d.msg, "is not a Salesforce id") != NULL);
	CHECK(crm_link_with(&mock, &cfg, st, &o, "Nobody", "006A", &rid, &d) == MK_ENOTFOUND);
	CHECK_STR(d.msg, "no deal 'Nobody'");
	CHECK(crm_link_with(&mock, &cfg, st, &o, "Twin", NULL, &rid, &d) == MK_EARG);
	CHECK(strstr(d.msg, "2 Opportunities are named 'Twin': give the id (006T1, 006T2)") != NULL);
	CHECK(crm_link_with(&mock, &cfg, st, &o, "Acme", NULL, &rid, &d) == MK_ENOTFOUND);
	CHECK(strstr(d.msg, "no Opportunity is named 'Acme'") != NULL);
	CHECK(crm_link_with(&mock, &cfg, st, &o, "Bravo", NULL, &rid, &d) == MK_OK);
	CHECK_STR(rid, "006B");
	free(rid);
	CHECK(crm_link_with(&mock, &cfg, st, &o, "Acme", "006A", &rid, &d) == MK_OK);
	CHECK_STR(rid, "006A");
	free(rid);
	rid = NULL;
	CHECK(mk_store_crm_link_get(st, "Acme", MK_CRM_SALESFORCE, &rid, &d) == MK_OK);
	CHECK_STR(rid, "006A");
	free(rid);
}

static void test_first_push_creates(void)
{
	struct mk_crm_result r;
	struct mk_crm_run *push = NULL, *pull = NULL;
	struct mk_diag d;
	struct mock_task *t;

	CHECK(push_deal(&r) == MK_OK);
	CHECK(r.created == 3 && r.updated == 0 && r.errors == 0 && r.deals == 1);
	CHECK(M.creates == 3 && M.lists == 1 && M.next_steps == 1 && M.owners == 3 && mock_live() == 3);
	CHECK(line_of(&r, item_soc, "created") != NULL);
	CHECK(item_state(item_soc) == MK_CRM_SYNCED);
	t = task_of(item_soc);
	CHECK(t && !strcmp(t->subject, "Send the SOC 2 report") && !strcmp(t->due, "2025-03-06"));
	CHECK(t && !strcmp(t->status, "Not Started") && !strcmp(t->owner, "003-Sam Patel"));
	CHECK(t && !strncmp(t->desc, "Added by hand in mapkeeper.\nmapkeeper item #", 44));
	CHECK(t && strstr(t->desc, "(key mk-") != NULL && key_ok(t->key, item_soc));
	CHECK_STR(M.next_step, "Sam Patel: Send the SOC 2 report (due 2025-03-06)");
	CHECK_STR(M.health, "0% done, 2 overdue, 0 slipped");
	CHECK(line_of(&r, 0, "next step") != NULL);
	mk_diag_clear(&d);
	CHECK(mk_store_crm_last(st, "Acme", MK_CRM_SALESFORCE, &push, &pull, &d) == MK_OK);
	CHECK(push && push->id == r.run_id && push->created == 3 && !strcmp(push->result, "ok") &&
	      push->finished_at);
	CHECK(!pull);
	mk_crm_runs_free(push, push ? 1 : 0);
	mk_crm_runs_free(pull, pull ? 1 : 0);
	mk_crm_result_release(&r);
}

static void test_second_push_sends_nothing(void)
{
	struct mk_crm_result r;

	CHECK(push_deal(&r) == MK_OK);
	CHECK(r.created == 0 && r.updated == 0 && r.unchanged == 3 && r.errors == 0);
	CHECK(M.upserts == 0 && M.finds == 0 && M.owners == 0 && M.next_steps == 0 && M.lists == 1);
	CHECK(mock_live() == 3);
	mk_crm_result_release(&r);
}

static void test_edit_updates_one(void)
{
	struct mk_crm_result r;
	struct mock_task *t;

	CHECK(change_item(item_msa, "2025-03-27", -1) == MK_OK);
	CHECK(push_deal(&r) == MK_OK);
	CHECK(r.updated == 1 && r.created == 0 && r.unchanged == 2);
	CHECK(M.upserts == 1 && M.updates == 1 && M.next_steps == 1);
	CHECK(line_of(&r, item_msa, "updated") != NULL);
	t = task_of(item_msa);
	CHECK(t && !strcmp(t->due, "2025-03-27"));
	CHECK(strstr(M.health, "1 slipped") != NULL);
	mk_crm_result_release(&r);
}

/* A create whose reply is lost: the item stays PENDING and the next push adopts the task. */
static void lost_reply(int keys_listed)
{
	struct mk_crm_result r;
	int64_t item = add_item(keys_listed ? "Send the order form" : "Book the kickoff room", NULL, NULL, NULL);
	size_t before = mock_live();

	M.keys_listed = keys_listed;
	M.lose_reply = 1;
	CHECK(push_deal(&r) == MK_OK);
	CHECK(r.errors == 1 && r.created == 0 && line_of(&r, item, "error") != NULL);
	CHECK(mock_live() == before + 1);
	CHECK(item_state(item) == MK_CRM_PENDING);
	mk_crm_result_release(&r);
	CHECK(push_deal(&r) == MK_OK);
	CHECK(r.created == 1 && r.errors == 0 && line_of(&r, item, "created") != NULL);
	CHECK(M.creates == 0 && M.finds == (keys_listed ? 0 : 1));
	CHECK(mock_live() == before + 1);
	CHECK(item_state(item) == MK_CRM_SYNCED && task_of(item) != NULL);
	mk_crm_result_release(&r);
	M.keys_listed = 0;
	if (!keys_listed)
		item_po = item;
}

static void test_lost_reply_adopted_by_find(void)
{
	lost_reply(0);
}

static void test_lost_reply_adopted_from_listing(void)
{
	lost_reply(1);
}

static void test_deleted_task_not_recreated(void)
{
	struct mk_crm_result r;
	struct mock_task *t = task_of(item_kick);
	struct mk_crm_opts o = opts();
	struct mk_diag d;

	CHECK(t != NULL);
	if (t)
		t->deleted = 1;
	CHECK(push_deal(&r) == MK_OK);
	CHECK(r.deleted == 1 && r.created == 0 && M.creates == 0);
	CHECK(line_of(&r, item_kick, "deleted in CRM") != NULL);
	CHECK(item_state(item_kick) == MK_CRM_DELETED);
	mk_crm_result_release(&r);
	CHECK(push_deal(&r) == MK_OK);
	CHECK(r.deleted == 0 && r.created == 0 && M.upserts == 0 && !line_of(&r, item_kick, "deleted in CRM"));
	mk_crm_result_release(&r);
	/* --recreate of an item whose task is there is refused */
	o.recreate_item = item_soc;
	mk_diag_clear(&d);
	CHECK(crm_push_with(&mock, &cfg, st, &o, &r, &d) == MK_EARG);
	CHECK(strstr(d.msg, "was not deleted in Salesforce") != NULL);
	mk_crm_result_release(&r);
}

static void test_recreate_makes_a_new_task(void)
{
	struct mk_crm_result r;
	struct mk_crm_opts o = opts();
	char old[32];

	snprintf(old, sizeof old, "%s", item_task(item_kick));
	o.recreate_item = item_kick;
	CHECK(run(1, &o, &r) == MK_OK);
	CHECK(r.created == 1 && M.creates == 1 && line_of(&r, item_kick, "created") != NULL);
	CHECK(item_state(item_kick) == MK_CRM_SYNCED && strcmp(item_task(item_kick), old) != 0);
	mk_crm_result_release(&r);
}

/* A rep in the CRM: completes MSA, re-dates SOC, sets kickoff waiting, renames the PO task. */
static void test_pull_proposes_once(void)
{
	struct mk_crm_result r;
	struct mk_proposals ps;
	struct mk_diag d;
	struct mock_task *t;
	size_t crm = 0;

	if ((t = task_of(item_msa)))
		snprintf(t->status, sizeof t->status, "Completed");
	if ((t = task_of(item_soc)))
		snprintf(t->due, sizeof t->due, "2025-04-10");
	if ((t = task_of(item_kick)))
		snprintf(t->status, sizeof t->status, "Waiting on someone else");
	if ((t = task_of(item_po)))
		snprintf(t->subject, sizeof t->subject, "Book the big kickoff room");
	CHECK(pull_deal(&r) == MK_OK);
	CHECK(r.proposed == 3 && r.errors == 0 && M.upserts == 0);
	CHECK(line_of(&r, item_msa, "proposed mark_done") != NULL);
	CHECK(line_of(&r, item_soc, "proposed update_due") != NULL);
	CHECK(line_of(&r, item_kick, "proposed mark_blocked") != NULL);
	CHECK(line_of(&r, item_po, "edited in CRM") != NULL);
	mk_crm_result_release(&r);
	mk_diag_clear(&d);
	CHECK(mk_store_pending(st, "Acme", &ps, &d) == MK_OK);
	for (size_t i = 0; i < ps.n; i++) {
		if (!ps.v[i].key || strncmp(ps.v[i].key, "crm:salesforce:", 15))
			continue;
		crm++;
		CHECK_STR(ps.v[i].ev.speaker, "Salesforce");
		if (ps.v[i].kind == MK_PROP_MARK_DONE)
			CHECK_STR(ps.v[i].ev.quote, "Task marked Completed in Salesforce (was Not Started)");
		if (ps.v[i].kind == MK_PROP_UPDATE_DUE)
			CHECK(ps.v[i].has_due && ps.v[i].due.m == 4 && ps.v[i].due.d == 10 && ps.v[i].has_old_due &&
			      ps.v[i].old_due.d == 6);
	}
	CHECK(crm == 3);
	mk_proposals_release(&ps);
	CHECK(pull_deal(&r) == MK_OK);
	CHECK(r.proposed == 0 && r.unchanged >= 4);
	mk_crm_result_release(&r);
	CHECK(mk_store_pending(st, "Acme", &ps, &d) == MK_OK);
	CHECK(ps.n == crm);
	mk_proposals_release(&ps);
}

/* Push before review: the three wait; the renamed subject is put back. */
static void test_push_waits_for_review(void)
{
	struct mk_crm_result r;
	struct mock_task *t;

	CHECK(push_deal(&r) == MK_OK);
	CHECK(r.updated == 1 && line_of(&r, item_po, "updated") != NULL);
	CHECK((t = task_of(item_po)) && !strcmp(t->subject, "Book the kickoff room"));
	CHECK((t = task_of(item_msa)) && !strcmp(t->status, "Completed"));
	CHECK((t = task_of(item_soc)) && !strcmp(t->due, "2025-04-10"));
	mk_crm_result_release(&r);
}

/* Approve done and the new date, reject waiting: the push sends all three. */
static void test_review_then_push(void)
{
	struct mk_crm_result r;
	struct mk_proposals ps;
	struct mk_diag d;
	struct mock_task *t;

	mk_diag_clear(&d);
	CHECK(mk_store_pending(st, "Acme", &ps, &d) == MK_OK);
	for (size_t i = 0; i < ps.n; i++)
		if (ps.v[i].key && !strncmp(ps.v[i].key, "crm:salesforce:", 15))
			CHECK(mk_store_decide(st, ps.v[i].id, ps.v[i].kind != MK_PROP_MARK_BLOCKED, "rep", NULL, &d) ==
			      MK_OK);
	mk_proposals_release(&ps);
	CHECK(push_deal(&r) == MK_OK);
	CHECK(r.updated == 3 && r.errors == 0);
	CHECK((t = task_of(item_msa)) && !strcmp(t->status, "Completed"));
	CHECK((t = task_of(item_soc)) && !strcmp(t->due, "2025-04-10"));
	CHECK((t = task_of(item_kick)) && !strcmp(t->status, "Not Started")); /* the rejected change */
	mk_crm_result_release(&r);
	CHECK(pull_deal(&r) == MK_OK);
	CHECK(r.proposed == 0);
	mk_crm_result_release(&r);
	CHECK(push_deal(&r) == MK_OK);
	CHECK(M.upserts == 0);
	mk_crm_result_release(&r);
}

static void test_gone_item_closed_once(void)
{
	struct mk_crm_result r;
	struct mk_decision dec;
	struct mk_diag d;
	struct mock_task *t;
	int64_t decision = 0, item = add_item("Share the rollout plan", "Lee Wong", "2025-05-01", &decision);
	char task[32];

	CHECK(push_deal(&r) == MK_OK);
	CHECK(r.created == 1);
	mk_crm_result_release(&r);
	snprintf(task, sizeof task, "%s", item_task(item));
	mk_diag_clear(&d);
	CHECK(mk_store_undo(st, decision, NULL, "rep", &dec, &d) == MK_OK);
	mk_decision_release(&dec);
	CHECK(push_deal(&r) == MK_OK);
	CHECK(r.updated == 1 && line_of(&r, item, "closed (left the plan)") != NULL);
	CHECK((t = mock_by_id(task)) && !strcmp(t->status, "Deferred") && !strcmp(t->subject, "Share the rollout plan"));
	mk_crm_result_release(&r);
	CHECK(push_deal(&r) == MK_OK);
	CHECK(M.upserts == 0 && !line_of(&r, item, "closed (left the plan)"));
	mk_crm_result_release(&r);
}

/* An item added right after one was undone off the plan gets a task of its own. */
static void test_undo_then_add_makes_a_new_task(void)
{
	struct mk_crm_result r;
	struct mk_decision dec;
	struct mk_diag d;
	int64_t decision = 0, gone = add_item("Draft the pilot plan", NULL, NULL, &decision), item;
	char task[32];

	CHECK(push_deal(&r) == MK_OK);
	mk_crm_result_release(&r);
	snprintf(task, sizeof task, "%s", item_task(gone));
	mk_diag_clear(&d);
	CHECK(mk_store_undo(st, decision, NULL, "rep", &dec, &d) == MK_OK);
	mk_decision_release(&dec);
	item = add_item("Book the security review", NULL, NULL, NULL);
	CHECK(item != gone);
	CHECK(push_deal(&r) == MK_OK);
	CHECK(r.created == 1 && r.updated == 1 && line_of(&r, gone, "closed (left the plan)") != NULL);
	CHECK(line_of(&r, item, "created") != NULL && strcmp(item_task(item), task) != 0);
	CHECK(mock_by_id(task) && !strcmp(mock_by_id(task)->status, "Deferred"));
	mk_crm_result_release(&r);
}

static void test_item_failure_is_a_line(void)
{
	struct mk_crm_result r;
	struct mk_crm_run *push = NULL, *pull = NULL;
	struct mk_diag d;

	CHECK(change_item(item_soc, "2025-04-17", -1) == MK_OK);
	CHECK(change_item(item_po, "2025-04-20", -1) == MK_OK);
	M.fail_item = item_soc;
	CHECK(push_deal(&r) == MK_OK);
	M.fail_item = 0;
	CHECK(r.errors == 1 && r.updated == 1 && line_of(&r, item_po, "updated") != NULL);
	CHECK(line_of(&r, item_soc, "error") && strstr(line_of(&r, item_soc, "error")->detail, "HTTP 400"));
	mk_diag_clear(&d);
	CHECK(mk_store_crm_last(st, "Acme", MK_CRM_SALESFORCE, &push, &pull, &d) == MK_OK);
	CHECK(push && !strcmp(push->result, "partial") && push->errors == 1 && push->message &&
	      strstr(push->message, "HTTP 400"));
	CHECK(pull && !strcmp(pull->result, "ok"));
	mk_crm_runs_free(push, push ? 1 : 0);
	mk_crm_runs_free(pull, pull ? 1 : 0);
	mk_crm_result_release(&r);
	CHECK(push_deal(&r) == MK_OK); /* the failed one goes now */
	CHECK(r.updated == 1 && line_of(&r, item_soc, "updated") != NULL && M.next_steps == 1);
	mk_crm_result_release(&r);
}

/* An item approved from a call: its task's description quotes the words, speaker, time and call. */
static void test_description_from_a_call(void)
{
	struct mk_transcript t;
	struct mk_proposals ps, pend;
	struct mk_findings f;
	struct mk_ingest_result res;
	struct mk_crm_result r;
	struct mk_diag d;
	struct mock_task *task;
	struct mk_proposal *p;
	int64_t item = 0;
	char want[400];

	mk_transcript_init(&t);
	t.path = mk_strdup("acme-call-02.vtt");
	t.format = MK_FMT_ZOOM_VTT;
	mk_sha256_hex("acme-call-02", 12, t.sha256);
	t.utt = mk_grow(t.utt, &t.cap, 1, sizeof *t.utt);
	t.utt[0] = (struct mk_utterance){ mk_strdup("Sam Patel"), 754000, 759000,
					  mk_strdup("I'll send the pricing sheet by Friday."), 1 };
	t.n = 1;
	mk_proposals_init(&ps);
	ps.v = mk_grow(ps.v, &ps.cap, 1, sizeof *ps.v);
	p = &ps.v[ps.n++];
	memset(p, 0, sizeof *p);
	p->kind = MK_PROP_ADD_ITEM;
	p->key = mk_strdup("call-02-pricing");
	p->action = mk_strdup("Send the pricing sheet");
	p->owner = mk_strdup("Sam Patel");
	p->side = MK_SIDE_SELLER;
	p->confidence = 0.9;
	p->ev.speaker = mk_strdup("Sam Patel");
	p->ev.start_ms = 754000;
	p->ev.end_ms = 759000;
	p->ev.quote = mk_strdup("I'll send the pricing sheet by Friday.");
	mk_findings_init(&f);
	mk_diag_clear(&d);
	CHECK(mk_store_ingest(st, "Acme", &t, "2025-03-03T10:00:00-05:00", &f, &ps, &res, &d) == MK_OK);
	CHECK(mk_store_pending(st, "Acme", &pend, &d) == MK_OK);
	for (size_t i = 0; i < pend.n; i++)
		if (pend.v[i].key && !strcmp(pend.v[i].key, "call-02-pricing"))
			CHECK(mk_store_decide(st, pend.v[i].id, 1, "rep", NULL, &d) == MK_OK);
	mk_proposals_release(&pend);
	CHECK(push_deal(&r) == MK_OK);
	CHECK(r.created == 1);
	for (size_t i = 0; i < r.n; i++)
		if (!strcmp(r.v[i].what, "created"))
			item = r.v[i].item_id;
	task = task_of(item);
	snprintf(want, sizeof want,
		 "\"I'll send the pricing sheet by Friday.\" - Sam Patel at 12:34 on acme-call-02.vtt "
		 "(2025-03-03T10:00:00-05:00)\nmapkeeper item #%lld (key ", (long long)item);
	CHECK(task && !strncmp(task->desc, want, strlen(want)));
	if (task)
		printf("#   description: %s\n", task->desc);
	mk_crm_result_release(&r);
	mk_findings_release(&f);
	mk_proposals_release(&ps);
	mk_transcript_release(&t);
}

static void test_listing_failure_stops_the_run(void)
{
	struct mk_crm_result r;
	struct mk_crm_opts o = opts();
	struct mk_crm_run *push = NULL, *pull = NULL;
	struct mk_diag d;

	M.fail_tasks = 1;
	mock_counts_reset();
	mk_diag_clear(&d);
	CHECK(crm_push_with(&mock, &cfg, st, &o, &r, &d) == MK_ENET);
	CHECK(strstr(d.msg, "access token refused") != NULL && !strchr(d.msg, '\n'));
	CHECK(M.upserts == 0);
	mk_crm_result_release(&r);
	CHECK(mk_store_crm_last(st, "Acme", MK_CRM_SALESFORCE, &push, &pull, &d) == MK_OK);
	CHECK(push && !strcmp(push->result, "error") && push->message && strstr(push->message, "access token"));
	mk_crm_runs_free(push, push ? 1 : 0);
	mk_crm_runs_free(pull, pull ? 1 : 0);
	/* every linked deal: Acme and Bravo both fail, so the run does */
	o.deal = NULL;
	CHECK(crm_pull_with(&mock, &cfg, st, &o, &r, &d) == MK_ENET);
	CHECK(r.deals == 2);
	mk_crm_result_release(&r);
	M.fail_tasks = 0;
	M.fail_open = 1;
	CHECK(crm_push_with(&mock, &cfg, st, &o, &r, &d) == MK_EARG);
	CHECK_STR(d.msg, "mock: set MOCK_TOKEN");
	M.fail_open = 0;
	mk_crm_result_release(&r);
	/* a deal that is not linked */
	o.deal = "Twin";
	CHECK(crm_push_with(&mock, &cfg, st, &o, &r, &d) == MK_EARG);
	CHECK(strstr(d.msg, "deal 'Twin' is not linked to Salesforce") != NULL);
	mk_crm_result_release(&r);
	o.deal = "Nobody";
	CHECK(crm_push_with(&mock, &cfg, st, &o, &r, &d) == MK_ENOTFOUND);
	CHECK_STR(d.msg, "crm: no deal 'Nobody'");
	mk_crm_result_release(&r);
}

/* Another process holds the lock: after wait_s, one line; once it is given back, the run goes. */
static void test_lock_held_by_another(void)
{
	struct mk_crm_result r;
	struct mk_crm_opts o = opts();
	struct mk_diag d;
	int ready[2], done[2], status = 0;
	char c = 0;
	pid_t pid;
	time_t t0;

	mock_counts_reset();
	if (pipe(ready) || pipe(done)) {
		CHECK(!"pipe");
		return;
	}
	fflush(stdout);
	if ((pid = fork()) == 0) {
		struct mk_store *other = NULL;
		int got = 0;
		char *holder = NULL;
		if (mk_store_open(&other, db_path, &d) || mk_store_crm_lock(other, MK_CRM_SALESFORCE, &got, &holder, &d) ||
		    !got)
			_exit(1);
		if (write(ready[1], "x", 1) != 1 || read(done[0], &c, 1) != 1)
			_exit(1);
		mk_store_crm_unlock(other, MK_CRM_SALESFORCE, &d);
		mk_store_close(other);
		_exit(0);
	}
	CHECK(pid > 0 && read(ready[0], &c, 1) == 1);
	t0 = time(NULL);
	mk_diag_clear(&d);
	CHECK(crm_push_with(&mock, &cfg, st, &o, &r, &d) == MK_EDB);
	CHECK(time(NULL) - t0 >= 1);
	CHECK(strstr(d.msg, "crm: another salesforce push or pull is running (") != NULL);
	CHECK(strstr(d.msg, "); try again") != NULL && M.lists == 0);
	mk_crm_result_release(&r);
	CHECK(write(done[1], "x", 1) == 1);
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK(crm_push_with(&mock, &cfg, st, &o, &r, &d) == MK_OK);
	mk_crm_result_release(&r);
	close(ready[0]);
	close(ready[1]);
	close(done[0]);
	close(done[1]);
}

int main(void)
{
	struct mk_deal d;
	struct mk_diag dg;

	snprintf(tmpdir, sizeof tmpdir, "%s", "/tmp/mk-crm-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	db_path = mk_sprintf("%s/crm.db", tmpdir);
	if (mk_store_open(&st, db_path, &dg) != MK_OK) {
		printf("Bail out! %s\n", dg.msg);
		return 1;
	}
	remote_config_init(&cfg);
	memset(&d, 0, sizeof d);
	d.sellers = (char *)"Sam Patel,Lee Wong";
	d.name = (char *)"Acme";
	mk_store_deal_add(st, &d, &dg);
	d.name = (char *)"Bravo";
	mk_store_deal_add(st, &d, &dg);
	d.name = (char *)"Twin";
	mk_store_deal_add(st, &d, &dg);
	item_soc = add_item("Send the SOC 2 report", "Sam Patel", "2025-03-06", NULL);
	item_msa = add_item("Sign the MSA", "Dana Reyes", "2025-03-20", NULL);
	item_kick = add_item("Hold the kickoff call", NULL, NULL, NULL);
	RUN(test_link);
	RUN(test_first_push_creates);
	RUN(test_second_push_sends_nothing);
	RUN(test_edit_updates_one);
	RUN(test_lost_reply_adopted_by_find);
	RUN(test_lost_reply_adopted_from_listing);
	RUN(test_deleted_task_not_recreated);
	RUN(test_recreate_makes_a_new_task);
	RUN(test_pull_proposes_once);
	RUN(test_push_waits_for_review);
	RUN(test_review_then_push);
	RUN(test_description_from_a_call);
	RUN(test_gone_item_closed_once);
	RUN(test_undo_then_add_makes_a_new_task);
	RUN(test_item_failure_is_a_line);
	RUN(test_listing_failure_stops_the_run);
	RUN(test_lock_held_by_another);
	remote_config_release(&cfg);
	mk_store_close(st);
	{
		char *cmd = mk_sprintf("rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			printf("# could not remove %s\n", tmpdir);
		free(cmd);
	}
	free(db_path);
	return tap_done();
}
