/*
 * pull.c: one deal's tasks back from its CRM (crm_pull_deal): each task changed since it was
 * last seen becomes proposals the rep reviews (completed: mark_done; re-dated: update_due;
 * waiting: mark_blocked), a subject edited there is reported (the next push puts the plan's
 * back), a task deleted there is marked and reported. Does not change the plan or the CRM.
 * Invariant: a change is proposed once (its key "crm:CRM:TASK:KIND:VALUE"), and a task is
 * recorded as seen only after its proposals are stored.
 */
#include "crm/engine.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

/* Proposes one change of task t about item it (quote: what changed; extra: after it on the
 * line); a change proposed before is neither counted nor a line. */
static enum mk_err pull_propose(struct crm_run *r, const char *deal, const struct mk_crm_item *it,
				const struct crm_task *t, enum mk_prop_kind kind, const char *value, const char *quote,
				const char *extra, struct mk_diag *diag)
{
	struct mk_proposal p;
	enum mk_err err;
	int made = 0;

	memset(&p, 0, sizeof p);
	p.kind = kind;
	p.item_id = it->item.id;
	p.action = it->item.action;
	p.owner = it->item.owner;
	p.side = it->item.side;
	p.confidence = 1.0;
	p.ev.speaker = (char *)mk_crm_title(r->crm);
	p.ev.quote = (char *)quote;
	p.key = mk_sprintf("crm:%s:%s:%s:%s", mk_crm_name(r->crm), t->id, mk_prop_kind_name(kind), value);
	if (kind == MK_PROP_UPDATE_DUE) {
		p.has_due = mk_date_parse_day(value, &p.due) == MK_OK;
		p.has_old_due = it->item.has_due;
		p.old_due = it->item.due;
	}
	err = mk_store_crm_propose(r->st, deal, r->crm, &p, &made, diag);
	free(p.key);
	if (!err && made) {
		crm_line(r, deal, it->item.id, t->id, kind == MK_PROP_MARK_DONE ? "proposed mark_done" :
			 kind == MK_PROP_UPDATE_DUE ? "proposed update_due" : "proposed mark_blocked",
			 "%s: %s%s", it->item.action, quote, extra);
		r->out->proposed++;
	}
	return err;
}

/* The proposals task t's change makes about it; *any 1 when it makes one (new or not). */
static enum mk_err pull_changes(struct crm_run *r, const char *deal, const struct mk_crm_item *it,
				const struct crm_task *t, int *any, struct mk_diag *diag)
{
	const char *title = mk_crm_title(r->crm), *was = it->seen.status ? it->seen.status : "unknown";
	int status = !crm_same(t->st.status, it->seen.status);
	char old_due[16] = "none", extra[40], quote[600];
	struct mk_date due;
	enum mk_err err = MK_OK;

	*any = 0;
	if (it->item.has_due)
		mk_date_format(it->item.due, old_due, sizeof old_due);
	if (status && t->done && it->item.status != MK_STATUS_DONE && t->st.status) {
		snprintf(quote, sizeof quote, "Task marked %s in %s (was %s)", t->st.status, title, was);
		if ((err = pull_propose(r, deal, it, t, MK_PROP_MARK_DONE, t->st.status, quote, "", diag)))
			return err;
		*any = 1;
	}
	if (!crm_same(t->st.due, it->seen.due) && t->st.due && mk_date_parse_day(t->st.due, &due) == MK_OK &&
	    (!it->item.has_due || mk_date_cmp(due, it->item.due))) {
		snprintf(quote, sizeof quote, "Task due date changed to %s in %s (was %s)", t->st.due, title,
			 it->seen.due ? it->seen.due : "none");
		snprintf(extra, sizeof extra, " (plan: %s)", old_due);
		if ((err = pull_propose(r, deal, it, t, MK_PROP_UPDATE_DUE, t->st.due, quote, extra, diag)))
			return err;
		*any = 1;
	}
	if (status && t->waiting && !t->done && it->item.status == MK_STATUS_OPEN && t->st.status) {
		snprintf(quote, sizeof quote, "Task marked %s in %s (was %s)", t->st.status, title, was);
		if ((err = pull_propose(r, deal, it, t, MK_PROP_MARK_BLOCKED, t->st.status, quote, "", diag)))
			return err;
		*any = 1;
	}
	return MK_OK;
}

/* What an edit in the CRM that proposes nothing changed: "subject now 'X' (was 'Y')". */
static void pull_edited(struct crm_run *r, const char *deal, const struct mk_crm_item *it, const struct crm_task *t)
{
	const struct mk_crm_state *s = &it->seen;
	struct mk_buf b;

	mk_buf_init(&b);
	if (!crm_same(t->st.subject, s->subject))
		mk_buf_addf(&b, "subject now '%s' (was '%s')", t->st.subject ? t->st.subject : "",
			    s->subject ? s->subject : "");
	if (!crm_same(t->st.status, s->status))
		mk_buf_addf(&b, "%sstatus now %s (was %s)", b.len ? ", " : "", t->st.status ? t->st.status : "none",
			    s->status ? s->status : "none");
	if (!crm_same(t->st.due, s->due))
		mk_buf_addf(&b, "%sdue now %s (was %s)", b.len ? ", " : "", t->st.due ? t->st.due : "none",
			    s->due ? s->due : "none");
	crm_line(r, deal, it->item.id, t->id, "edited in CRM", "%s: %s",
		 it->item.action, b.s ? b.s : "changed");
	mk_buf_release(&b);
}

static void pull_item(struct crm_run *r, const char *deal, struct mk_crm_item *it, const struct crm_task *tasks,
		      size_t nt)
{
	const struct crm_task *t;
	const struct mk_crm_state *s = &it->seen;
	struct mk_diag d;
	enum mk_err err;
	int any = 0;

	if (!it->remote_id || it->state == MK_CRM_DELETED)
		return;
	if (!(t = crm_task_find(tasks, nt, it->remote_id, NULL))) {
		if (it->state == MK_CRM_SYNCED)
			crm_mark_deleted(r, deal, it);
		return;
	}
	if (crm_same(t->st.subject, s->subject) && crm_same(t->st.due, s->due) && crm_same(t->st.status, s->status)) {
		crm_line(r, deal, it->item.id, t->id, "unchanged", "%s", it->item.action);
		r->out->unchanged++;
		return;
	}
	mk_diag_clear(&d);
	if (!it->gone && (err = pull_changes(r, deal, it, t, &any, &d))) {
		crm_line_error(r, deal, it->item.id, t->id, &d, err);
		return; /* not seen: the next pull proposes it (once: the key) */
	}
	if (!any || !crm_same(t->st.subject, s->subject))
		pull_edited(r, deal, it, t);
	if ((err = mk_store_crm_seen(r->st, r->crm, it->item.id, &t->st, t->modified, &d)))
		crm_line_error(r, deal, it->item.id, t->id, &d, err);
}

enum mk_err crm_pull_deal(struct crm_run *r, const char *deal, const char *deal_id, const struct mk_crm_run *prev,
			  struct mk_diag *diag)
{
	struct mk_crm_item *items = NULL;
	struct crm_task *tasks = NULL;
	size_t n = 0, nt = 0;
	enum mk_err err;

	(void)prev;
	if ((err = mk_store_crm_items(r->st, deal, r->crm, &items, &n, diag)) ||
	    (err = r->b->tasks(r->ctx, deal_id, items, n, &tasks, &nt, diag)))
		goto out;
	for (size_t i = 0; i < n; i++)
		pull_item(r, deal, &items[i], tasks, nt);
out:
	crm_tasks_free(tasks, nt);
	mk_crm_items_free(items, n);
	return err;
}
