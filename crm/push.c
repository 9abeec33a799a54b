/*
 * push.c: one deal's plan to its CRM (crm_push_deal): each item becomes or updates its task
 * (subject, due, status, owner, description), an item that left the plan gets its task
 * closed once, a task deleted in the CRM is reported and never re-created, and the deal's
 * record gets the next step and the plan's health. Does not read the CRM's changes (pull.c).
 * Invariant: an item sends nothing unless its hash or its fields differ from what the task
 * last held; a create that is not idempotent is marked PENDING first and looked up by key
 * before it is made again, so a lost reply or a crash never makes a second task.
 */
#include "crm/engine.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CRM_NEXT_STEP_MAX 255

/* What one item should look like in the CRM. */
struct push_want {
	struct crm_want w;
	char due[16];
	char hash[65];
};

/* `"QUOTE" - SPEAKER at M:SS on CALL (START)` and `mapkeeper item #ID (key KEY)`. */
static char *push_description(const struct mk_crm_item *it)
{
	struct mk_buf b;

	mk_buf_init(&b);
	if (it->gone) {
		mk_buf_adds(&b, "Left the mapkeeper plan.");
	} else if (it->quote && *it->quote) {
		mk_buf_addf(&b, "\"%s\"", it->quote);
		if (it->speaker && *it->speaker)
			mk_buf_addf(&b, " - %s", it->speaker);
		if (it->meeting && *it->meeting) {
			int64_t s = it->start_ms > 0 ? it->start_ms / 1000 : 0;
			mk_buf_addf(&b, " at %lld:%02lld on %s", (long long)(s / 60), (long long)(s % 60), it->meeting);
			if (it->meeting_start && *it->meeting_start)
				mk_buf_addf(&b, " (%s)", it->meeting_start);
		}
	} else {
		mk_buf_adds(&b, "Added by hand in mapkeeper.");
	}
	mk_buf_addf(&b, "\nmapkeeper item #%lld (key %s)", (long long)it->item.id, it->key ? it->key : "");
	return mk_buf_detach(&b);
}

/* SHA-256 of subject, due, status, the plan's owner and the description, NUL-separated. */
static void push_hash(const struct push_want *p, const struct mk_crm_item *it, char out[65])
{
	const char *parts[6] = { p->w.st.subject, p->w.st.due, p->w.st.status, it->gone ? NULL : it->item.owner,
				 it->gone ? NULL : it->owner_email, p->w.description };
	struct mk_buf b;

	mk_buf_init(&b);
	for (size_t i = 0; i < 6; i++) {
		mk_buf_adds(&b, parts[i] ? parts[i] : "");
		mk_buf_addc(&b, '\0');
	}
	mk_sha256_hex(b.s, b.len, out);
	mk_buf_release(&b);
}

static void push_want_build(struct crm_run *r, const char *deal_id, const struct mk_crm_item *it,
			    struct push_want *p)
{
	memset(p, 0, sizeof *p);
	p->w.it = it;
	p->w.deal_id = deal_id;
	p->w.st.subject = it->item.action;
	p->w.st.status = (char *)r->b->status_of(it->gone ? MK_STATUS_DROPPED : it->item.status);
	if (it->gone)
		p->w.st.due = it->seen.due;
	else if (it->item.has_due) {
		mk_date_format(it->item.due, p->due, sizeof p->due);
		p->w.st.due = p->due;
	}
	p->w.description = push_description(it);
	push_hash(p, it, p->hash);
}

static void push_want_release(struct push_want *p)
{
	free((char *)p->w.description);
	free(p->w.st.owner);
}

/* Does the task already hold what p wants (and was it pushed so)? */
static int push_unchanged(const struct mk_crm_item *it, const struct push_want *p)
{
	const struct mk_crm_state *s = &it->seen;

	if (it->state != MK_CRM_SYNCED || !it->remote_id)
		return 0;
	if (it->gone) /* closed once: the subject and due were its own */
		return crm_same(s->status, p->w.st.status);
	return it->pushed_hash && !strcmp(it->pushed_hash, p->hash) && crm_same(s->subject, p->w.st.subject) &&
	       crm_same(s->due, p->w.st.due) && crm_same(s->status, p->w.st.status);
}

/* Is a change pulled from this CRM about item waiting for review? */
static int push_waits_review(const struct crm_run *r, const struct mk_proposals *pend, int64_t item)
{
	char prefix[32];
	size_t len = (size_t)snprintf(prefix, sizeof prefix, "crm:%s:", mk_crm_name(r->crm));

	for (size_t i = 0; i < pend->n; i++)
		if (pend->v[i].item_id == item && pend->v[i].key && !strncmp(pend->v[i].key, prefix, len))
			return 1;
	return 0;
}

/*
 * An item with no task id: a PENDING one may have been made by a push whose reply was lost
 * (found in the listing by key, or by find_by_key: adopted); a NEW one is marked PENDING
 * before its create. *adopted 1 when a task was found.
 */
static enum mk_err push_before_create(struct crm_run *r, const char *deal_id, struct mk_crm_item *it,
				      const struct crm_task *tasks, size_t nt, int *adopted, struct mk_diag *diag)
{
	const struct crm_task *t;
	char *rid = NULL;
	enum mk_err err;

	*adopted = 0;
	if (it->state != MK_CRM_PENDING)
		return mk_store_crm_pending(r->st, r->crm, it->item.id, NULL, diag);
	if ((t = crm_task_find(tasks, nt, NULL, it->key)))
		rid = mk_strdup(t->id);
	else if ((err = r->b->find_by_key(r->ctx, deal_id, it->key, &rid, diag)))
		return err;
	if (rid) {
		free(it->remote_id);
		it->remote_id = rid;
		*adopted = 1;
	}
	return MK_OK;
}

/* Sends one item's want and records what the CRM took. */
static void push_send(struct crm_run *r, const char *deal, const char *deal_id, struct mk_crm_item *it,
		      const struct crm_task *tasks, size_t nt, struct push_want *p)
{
	char *rid = NULL, *modified = NULL;
	int adopted = 0, create;
	struct mk_diag d;
	enum mk_err err = MK_OK;

	mk_diag_clear(&d);
	if (!it->remote_id && (err = push_before_create(r, deal_id, it, tasks, nt, &adopted, &d)))
		goto fail;
	create = !it->remote_id;
	if (r->b->owner_of && !it->gone)
		p->w.st.owner = r->b->owner_of(r->ctx, deal_id, it);
	else if (it->gone && it->seen.owner)
		p->w.st.owner = mk_strdup(it->seen.owner);
	err = r->b->upsert(r->ctx, &p->w, &rid, &modified, &d);
	if (err == MK_ENOTFOUND && !create) {
		crm_mark_deleted(r, deal, it);
		goto out;
	}
	if (err || (err = mk_store_crm_pushed(r->st, r->crm, it->item.id, rid, p->hash, &p->w.st, modified, &d)))
		goto fail;
	if (it->gone) {
		crm_line(r, deal, it->item.id, rid, "closed (left the plan)", "%s", it->item.action);
		r->out->updated++;
	} else if (create || adopted) {
		crm_line(r, deal, it->item.id, rid, "created", "%s%s", it->item.action,
			 adopted ? " (the task an interrupted push made)" : "");
		r->out->created++;
	} else {
		crm_line(r, deal, it->item.id, rid, "updated", "%s", it->item.action);
		r->out->updated++;
	}
	goto out;
fail:
	crm_line_error(r, deal, it->item.id, rid ? rid : it->remote_id, &d, err);
out:
	free(rid);
	free(modified);
}

static void push_item(struct crm_run *r, const char *deal, const char *deal_id, struct mk_crm_item *it,
		      const struct crm_task *tasks, size_t nt, const struct mk_proposals *pend)
{
	struct push_want p;

	if (it->state == MK_CRM_DELETED) /* reported when found; --recreate makes a new one */
		return;
	if (it->state == MK_CRM_SYNCED && it->remote_id && !crm_task_find(tasks, nt, it->remote_id, NULL)) {
		crm_mark_deleted(r, deal, it);
		return;
	}
	/* nothing to make for an item dropped (or gone) before it ever had a task */
	if (it->state == MK_CRM_NEW && (it->gone || it->item.status == MK_STATUS_DROPPED))
		return;
	if (!it->gone && push_waits_review(r, pend, it->item.id)) {
		crm_line(r, deal, it->item.id, it->remote_id, "unchanged",
			 "%s (a change pulled from %s waits for review)", it->item.action, mk_crm_title(r->crm));
		r->out->unchanged++;
		return;
	}
	push_want_build(r, deal_id, it, &p);
	if (push_unchanged(it, &p)) {
		crm_line(r, deal, it->item.id, it->remote_id, "unchanged", "%s", it->item.action);
		r->out->unchanged++;
	} else {
		push_send(r, deal, deal_id, it, tasks, nt, &p);
	}
	push_want_release(&p);
}

/* ---- the deal's next step and health ------------------------------------------------ */

/* s cut to at most max bytes, not inside a UTF-8 sequence. */
static void push_cut_utf8(char *s, size_t max)
{
	size_t len = strlen(s);
	if (len <= max)
		return;
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	s[max] = '\0';
}

/* "OWNER: ACTION (due YYYY-MM-DD)" of the first open item in plan order, or NULL. */
static char *push_next_text(const struct mk_crm_item *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct mk_item *it = &items[i].item;
		char due[16] = "";
		char *s;
		if (items[i].gone || it->status != MK_STATUS_OPEN)
			continue;
		if (it->has_due)
			mk_date_format(it->due, due, sizeof due);
		s = mk_sprintf("%s%s%s%s%s%s", it->owner ? it->owner : "", it->owner ? ": " : "",
			       it->action ? it->action : "", it->has_due ? " (due " : "", due, it->has_due ? ")" : "");
		push_cut_utf8(s, CRM_NEXT_STEP_MAX);
		return s;
	}
	return NULL;
}

/* "N% done, N overdue, N slipped" over the items not dropped; NULL when there are none. */
static char *push_health_text(const struct mk_crm_item *items, size_t n)
{
	struct mk_date today = mk_today();
	size_t total = 0, done = 0, overdue = 0, slipped = 0;

	for (size_t i = 0; i < n; i++) {
		const struct mk_item *it = &items[i].item;
		if (items[i].gone || it->status == MK_STATUS_DROPPED)
			continue;
		total++;
		done += it->status == MK_STATUS_DONE;
		overdue += it->status != MK_STATUS_DONE && it->has_due && mk_date_cmp(it->due, today) < 0;
		slipped += it->slipped != 0;
	}
	if (!total)
		return NULL;
	return mk_sprintf("%zu%% done, %zu overdue, %zu slipped", done * 100 / total, overdue, slipped);
}

/* Was prev a push that went through today (UTC)? Then the record holds today's health. */
static int push_fresh(const struct mk_crm_run *prev)
{
	char today[16];
	time_t now = time(NULL);
	struct tm tm;

	if (!prev || !prev->result || strcmp(prev->result, "ok") || !prev->started_at)
		return 0;
	gmtime_r(&now, &tm);
	strftime(today, sizeof today, "%Y-%m-%d", &tm);
	return !strncmp(prev->started_at, today, 10);
}

/* The deal record's next step and health: when an item changed, or first thing each day. */
static void push_next_step(struct crm_run *r, const char *deal, const char *deal_id, const struct mk_crm_item *items,
			   size_t n, int changed, const struct mk_crm_run *prev)
{
	char *next, *health;
	struct mk_diag d;
	enum mk_err err;

	if (!r->b->next_step || (!changed && push_fresh(prev)))
		return;
	next = push_next_text(items, n);
	health = push_health_text(items, n);
	mk_diag_clear(&d);
	if (next || health) {
		if ((err = r->b->next_step(r->ctx, deal_id, next, health, &d)))
			crm_line_error(r, deal, 0, deal_id, &d, err);
		else
			crm_line(r, deal, 0, deal_id, "next step", "%s%s%s", next ? next : "no open item",
				 health ? "; " : "", health ? health : "");
	}
	free(next);
	free(health);
}

enum mk_err crm_push_deal(struct crm_run *r, const char *deal, const char *deal_id, const struct mk_crm_run *prev,
			  struct mk_diag *diag)
{
	struct mk_crm_item *items = NULL;
	struct crm_task *tasks = NULL;
	struct mk_proposals pend;
	size_t n = 0, nt = 0, before = r->out->created + r->out->updated + r->out->deleted;
	enum mk_err err;

	mk_proposals_init(&pend);
	if ((err = mk_store_crm_items(r->st, deal, r->crm, &items, &n, diag)) ||
	    (err = mk_store_pending(r->st, deal, &pend, diag)) ||
	    (err = r->b->tasks(r->ctx, deal_id, items, n, &tasks, &nt, diag)))
		goto out;
	for (size_t i = 0; i < n; i++)
		push_item(r, deal, deal_id, &items[i], tasks, nt, &pend);
	push_next_step(r, deal, deal_id, items, n, r->out->created + r->out->updated + r->out->deleted != before,
		       prev);
out:
	mk_proposals_release(&pend);
	crm_tasks_free(tasks, nt);
	mk_crm_items_free(items, n);
	return err;
}
