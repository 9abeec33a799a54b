/*
 * plan_md.c: the mutual action plan as Markdown: `plan --format md`, and the refreshed plan
 * a rep e-mails the buyer after a call (`plan --changes-since`, serve's copy button), with
 * what changed listed first and marked on each item. Also the lines both views share: the
 * slack, an item's marks, one change told in words. Writes to the FILE given; reads nothing.
 * The refreshed plan leaves out every risk not marked shareable (it goes to the buyer).
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

void cli_slack_line(const struct mk_backward *b, char *out, size_t outlen)
{
	char day[16];
	mk_date_format(b->go_live, day, sizeof day);
	if (!b->has_go_live)
		snprintf(out, outlen, "no go-live date yet");
	else if (!b->has_slack)
		snprintf(out, outlen, "no open item has a date yet (go-live %s)", day);
	else if (b->slack_days >= 0)
		snprintf(out, outlen, "%d day%s of slack before go-live %s", b->slack_days, b->slack_days == 1 ? "" : "s",
			 day);
	else
		snprintf(out, outlen, "critical path ends %d day%s after go-live %s", -b->slack_days,
			 b->slack_days == -1 ? "" : "s", day);
}

/* Appends ", word" (or "word" first) to out. */
static void mark_add(char *out, size_t outlen, const char *word)
{
	size_t len = strlen(out);
	if (len + 1 < outlen)
		snprintf(out + len, outlen - len, "%s%s", len ? ", " : "", word);
}

void cli_change_mark(const struct mk_change *changes, size_t n, int64_t id, char *out, size_t outlen)
{
	const char *first_due = NULL, *last_due = NULL;
	const char *status = NULL;
	int added = 0, due_moved = 0;
	char buf[64];

	out[0] = '\0';
	for (size_t i = 0; changes && i < n; i++) {
		const struct mk_change *c = &changes[i];
		if (c->item_id != id || !c->field)
			continue;
		if (!strcmp(c->field, "added"))
			added = 1;
		else if (!strcmp(c->field, "status"))
			status = c->new_value;
		else if (!strcmp(c->field, "due")) {
			if (!due_moved++)
				first_due = c->old_value;
			last_due = c->new_value;
		}
	}
	if (added)
		mark_add(out, outlen, "new");
	if (status && strcmp(status, "open"))
		mark_add(out, outlen, status);
	else if (status)
		mark_add(out, outlen, "reopened");
	if (due_moved && !added && first_due && last_due) {
		snprintf(buf, sizeof buf, "%s from %s", strcmp(last_due, first_due) > 0 ? "slipped" : "moved up",
			 first_due);
		mark_add(out, outlen, buf);
	}
}

/* "Go-live", "Next meeting": an element's field as a heading word. */
static void field_title(const char *field, char *out, size_t outlen)
{
	if (!strcmp(field, "go_live") || !strcmp(field, "go-live"))
		snprintf(out, outlen, "Go-live");
	else if (!strcmp(field, "criterion"))
		snprintf(out, outlen, "Success criterion");
	else
		snprintf(out, outlen, "%s", field);
	for (char *s = out; *s; s++)
		if (*s == '_')
			*s = ' ';
	if (out[0] >= 'a' && out[0] <= 'z')
		out[0] = (char)(out[0] - 'a' + 'A');
}

/* A change of the plan's elements (goal, go-live, next meeting, criterion, ...). */
static int element_line(const struct mk_change *c, char *out, size_t outlen)
{
	char title[64];
	field_title(c->field, title, sizeof title);
	if (c->new_value && c->old_value)
		snprintf(out, outlen, "%s: %s -> %s", title, c->old_value, c->new_value);
	else if (c->new_value)
		snprintf(out, outlen, "%s: %s", title, c->new_value);
	else if (c->old_value)
		snprintf(out, outlen, "%s removed (was %s)", title, c->old_value);
	else
		return 0;
	return 1;
}

int cli_change_line(const struct mk_change *c, char *out, size_t outlen)
{
	const char *a = c->action ? c->action : "", *o = c->old_value, *nv = c->new_value;
	long long id = (long long)c->item_id;

	if (!c->field || !strcmp(c->field, "risk"))
		return 0; /* risks are the seller's own notes */
	if (!strcmp(c->field, "stakeholder")) {
		snprintf(out, outlen, "New stakeholder: %s", nv ? nv : "");
		return 1;
	}
	if (!c->item_id)
		return element_line(c, out, outlen);
	if (!strcmp(c->field, "added"))
		snprintf(out, outlen, "New: #%lld %s%s%s", id, a, nv ? ", due " : "", nv ? nv : "");
	else if (!strcmp(c->field, "status") && nv)
		snprintf(out, outlen, "%s: #%lld %s", !strcmp(nv, "done") ? "Done" : !strcmp(nv, "blocked") ? "Blocked"
			 : !strcmp(nv, "dropped") ? "Dropped" : "Reopened", id, a);
	else if (!strcmp(c->field, "due") && o && nv)
		snprintf(out, outlen, "%s: #%lld %s: %s -> %s", strcmp(nv, o) > 0 ? "Slipped" : "Moved up", id, a, o, nv);
	else if (!strcmp(c->field, "due"))
		snprintf(out, outlen, "Due date %s: #%lld %s%s%s", nv ? "set" : "cleared", id, a, nv ? ": " : "",
			 nv ? nv : "");
	else
		snprintf(out, outlen, "Changed %s: #%lld %s: %s -> %s", c->field, id, a, o ? o : "none", nv ? nv : "none");
	return 1;
}

/* Markdown table cells and list items must not break the document. */
static void md_text(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '|')
			fputs("\\|", out);
		else if (*s == '\n' || *s == '\r')
			fputc(' ', out);
		else
			fputc(*s, out);
	}
}

/* The marks of one item: slipped, late, held up by #N, critical, past go-live, and (in
 * bold) what changed. */
static void item_marks(FILE *out, const struct mk_item *it, const struct mk_backward *b, const struct mk_change *ch,
		       size_t nch)
{
	const struct mk_backward_item *w = cli_backward_item(b, it->id);
	char marks[256] = "", changed[160], held[40];

	if (it->slipped)
		mark_add(marks, sizeof marks, "slipped");
	if (w && w->late)
		mark_add(marks, sizeof marks, "late");
	if (w && w->held_by) {
		snprintf(held, sizeof held, "held up by #%lld", (long long)w->held_by);
		mark_add(marks, sizeof marks, held);
	}
	if (w && w->critical)
		mark_add(marks, sizeof marks, "critical");
	if (w && w->past_go_live)
		mark_add(marks, sizeof marks, "past go-live");
	cli_change_mark(ch, nch, it->id, changed, sizeof changed);
	if (changed[0])
		fprintf(out, "**%s**%s", changed, marks[0] ? "; " : "");
	fputs(marks, out);
}

static void md_items(FILE *out, const struct mk_plan *p, const struct mk_backward *b, const struct mk_change *ch,
		     size_t nch)
{
	char due[16];
	for (int ph = 0; ph < MK_PHASE_COUNT; ph++) {
		int any = 0;
		for (size_t i = 0; i < p->nitems; i++) {
			const struct mk_item *it = &p->items[i];
			if ((int)it->phase != ph)
				continue;
			if (!any++)
				fprintf(out, "\n## %s\n\n| # | Action | Owner | Side | Due | Status | Notes |\n"
					"| --- | --- | --- | --- | --- | --- | --- |\n", mk_phase_title((enum mk_phase)ph));
			mk_date_format(it->due, due, sizeof due);
			fprintf(out, "| %lld | ", (long long)it->id);
			md_text(out, it->action);
			fputs(" | ", out);
			md_text(out, it->owner ? it->owner : "-");
			fprintf(out, " | %s | %s | %s | ", mk_side_name(it->side), it->has_due ? due : "-",
				mk_status_name(it->status));
			item_marks(out, it, b, ch, nch);
			fputs(" |\n", out);
		}
	}
	if (!p->nitems)
		fputs("\nNo items yet.\n", out);
}

/* The goal, the go-live and the slack, under the title. */
static void md_top(FILE *out, const char *deal, const struct mk_plan *p, const struct mk_backward *b)
{
	char day[16], slack[128];
	fprintf(out, "# Mutual action plan: ");
	md_text(out, deal);
	fputs("\n\n**Goal:** ", out);
	md_text(out, p->goal ? p->goal : "not set yet");
	mk_date_format(p->go_live, day, sizeof day);
	fprintf(out, "  \n**Go-live:** ");
	if (p->has_go_live)
		fprintf(out, "%s by %s", p->go_live_kind && !strcmp(p->go_live_kind, "signed") ? "signed" : "live", day);
	else
		fputs("not set yet", out);
	cli_slack_line(b, slack, sizeof slack);
	fprintf(out, "  \n**Slack:** %s\n", slack);
}

/* "What changed since ...": one line per change worth telling. */
static void md_changes(FILE *out, const struct mk_change *ch, size_t nch)
{
	char line[1200];
	size_t told = 0;
	fputs("\n## What changed\n\n", out);
	for (size_t i = 0; i < nch; i++)
		if (cli_change_line(&ch[i], line, sizeof line)) {
			fputs("- ", out);
			md_text(out, line);
			fputc('\n', out);
			told++;
		}
	if (!told)
		fputs("Nothing changed.\n", out);
}

static void md_people(FILE *out, const struct mk_plan *p)
{
	if (p->npeople)
		fputs("\n## Stakeholders\n\n", out);
	for (size_t i = 0; i < p->npeople; i++) {
		const struct mk_plan_person *x = &p->people[i];
		fputs("- ", out);
		md_text(out, x->name ? x->name : "");
		fputs(x->name && x->role ? ", " : "", out);
		md_text(out, x->role);
		fprintf(out, " (%s): %s, %s\n", mk_side_name(x->side), x->stance ? mk_stance_name(x->stance) : "stance unknown",
			x->met ? "met" : "not met yet");
	}
}

/* Criteria and dependencies, each a list. */
static void md_lists(FILE *out, const struct mk_plan *p)
{
	if (p->ncriteria)
		fputs("\n## Success criteria\n\n", out);
	for (size_t i = 0; i < p->ncriteria; i++) {
		fputs("- ", out);
		md_text(out, p->criteria[i].text);
		fputc('\n', out);
	}
	if (p->ndeps)
		fputs("\n## Dependencies\n\n", out);
	for (size_t i = 0; i < p->ndeps; i++) {
		const struct mk_plan_dependency *d = &p->deps[i];
		fputs("- ", out);
		if (d->item_id)
			fprintf(out, "#%lld ", (long long)d->item_id);
		md_text(out, d->waiting);
		fputs(" waits on ", out);
		if (d->depends_on_id)
			fprintf(out, "#%lld ", (long long)d->depends_on_id);
		md_text(out, d->on);
		fputc('\n', out);
	}
}

void cli_meeting_line(const struct mk_plan *p, char *out, size_t outlen)
{
	char day[16];
	if (!p->has_next_meeting && !p->next_meeting_who && !p->next_meeting_purpose) {
		snprintf(out, outlen, "none scheduled");
		return;
	}
	mk_date_format(p->next_meeting, day, sizeof day);
	snprintf(out, outlen, "%s%s%s%s%s%s%s", p->has_next_meeting ? day : "date not set",
		 p->next_meeting_time ? " at " : "", p->next_meeting_time ? p->next_meeting_time : "",
		 p->next_meeting_who ? " with " : "", p->next_meeting_who ? p->next_meeting_who : "",
		 p->next_meeting_purpose ? ": " : "", p->next_meeting_purpose ? p->next_meeting_purpose : "");
}

/* The next meeting and the buyer's acknowledgement. */
static void md_meeting(FILE *out, const struct mk_plan *p)
{
	char line[1024];
	cli_meeting_line(p, line, sizeof line);
	fputs("\n## Next meeting\n\n", out);
	md_text(out, line);
	fputs("\n\n## Acknowledged\n\n", out);
	if (p->has_ack) {
		fprintf(out, "Agreed by ");
		md_text(out, p->ack_by ? p->ack_by : "the buyer");
		fprintf(out, " on %.10s.\n", p->ack_at ? p->ack_at : "");
	} else {
		fputs("Not acknowledged yet.\n", out);
	}
}

/* Open risks: every one, or only the shareable ones (buyer). */
static void md_risks(FILE *out, const struct mk_plan *p, int shareable_only)
{
	int any = 0;
	for (size_t i = 0; i < p->nrisks; i++) {
		if (shareable_only && !p->risks[i].shareable)
			continue;
		if (!any++)
			fputs("\n## Open risks\n\n", out);
		fprintf(out, "- **%s**: ", p->risks[i].category ? p->risks[i].category : "");
		md_text(out, p->risks[i].text);
		fputc('\n', out);
	}
}

int cli_plan_md(FILE *out, const char *deal, const struct mk_plan *p, const struct mk_backward *b,
		const struct mk_change *changes, size_t nchanges)
{
	md_top(out, deal, p, b);
	if (changes)
		md_changes(out, changes, nchanges);
	md_items(out, p, b, changes, nchanges);
	md_lists(out, p);
	md_people(out, p);
	md_meeting(out, p);
	md_risks(out, p, changes != NULL);
	return fflush(out) || ferror(out) ? -1 : 0;
}
