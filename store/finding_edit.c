/*
 * finding_edit.c: a rep's corrections to a pending stakeholder or risk proposal
 * (mk_store_edit_finding): a person's name and role, a risk's category and text. Each
 * changed field is written with a proposal_edits row (who, when, old and new), in one
 * transaction. Does not touch item proposals (mk_store_edit) or anything decided.
 */
#include "db.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

static const char *const finding_categories[] = {
	"budget", "timeline", "competition", "paper_process", "stakeholder", "technical", "priority",
};

/* MK_EARG with a message when the fields given do not fit the proposal's kind. */
static enum mk_err finding_check(struct mk_store *st, const struct mk_proposal *p, const char *name,
				 const char *role, const char *category, const char *text,
				 struct mk_diag *diag)
{
	int known = 0;

	if (!p->status || strcmp(p->status, "pending")) {
		mk_diag_set(diag, st->path, 0, "proposal %lld is already %s", (long long)p->id,
			    p->status ? p->status : "decided");
		return MK_EARG;
	}
	if (p->kind == MK_PROP_ADD_STAKEHOLDER) {
		if (category || text) {
			mk_diag_set(diag, st->path, 0, "a stakeholder proposal takes name and role");
			return MK_EARG;
		}
		if (name && !name[0]) {
			mk_diag_set(diag, st->path, 0, "the name cannot be empty");
			return MK_EARG;
		}
		return MK_OK;
	}
	if (p->kind == MK_PROP_ADD_RISK) {
		if (name || role) {
			mk_diag_set(diag, st->path, 0, "a risk proposal takes category and text");
			return MK_EARG;
		}
		if (text && !text[0]) {
			mk_diag_set(diag, st->path, 0, "the risk's text cannot be empty");
			return MK_EARG;
		}
		for (size_t i = 0; category && i < sizeof finding_categories / sizeof *finding_categories; i++)
			known |= !strcmp(category, finding_categories[i]);
		if (category && !known) {
			mk_diag_set(diag, st->path, 0,
				    "not a risk category: \"%s\" (budget, timeline, competition, paper_process, "
				    "stakeholder, technical or priority)", category);
			return MK_EARG;
		}
		return MK_OK;
	}
	mk_diag_set(diag, st->path, 0, "%s %s proposal takes owner, due and action",
		    strchr("aeiu", mk_prop_kind_name(p->kind)[0]) ? "an" : "a", mk_prop_kind_name(p->kind));
	return MK_EARG;
}

enum mk_err mk_store_edit_finding(struct mk_store *st, int64_t id, const char *name, const char *role,
				  const char *category, const char *text, const char *who,
				  struct mk_diag *diag)
{
	struct mk_proposal p;
	char now[32], *n = db_trim(name), *r = db_trim(role), *c = db_trim(category), *t = db_trim(text);
	enum mk_err err;
	int rc = SQLITE_OK;

	memset(&p, 0, sizeof p);
	db_now(now, sizeof now);
	if ((err = db_begin(st, diag)))
		goto done;
	err = mk_store_proposal_get(st, id, &p, diag);
	if (!err)
		err = finding_check(st, &p, name ? (n ? n : "") : NULL, role, category ? (c ? c : "") : NULL,
				    text ? (t ? t : "") : NULL, diag);
	if (err)
		goto out;
	if (name)
		rc = db_proposal_edit_field(st, id, DB_EDIT_NAME, p.name, n, who, now);
	if (rc == SQLITE_OK && role)
		rc = db_proposal_edit_field(st, id, DB_EDIT_ROLE, p.role, r, who, now);
	if (rc == SQLITE_OK && category)
		rc = db_proposal_edit_field(st, id, DB_EDIT_CATEGORY, p.category, c, who, now);
	if (rc == SQLITE_OK && text)
		rc = db_proposal_edit_field(st, id, DB_EDIT_TEXT, p.text, t, who, now);
	err = rc == SQLITE_OK ? db_commit(st, diag) : db_fail(st, rc, diag);
out:
	if (err)
		db_rollback(st);
done:
	mk_proposal_release(&p);
	free(n);
	free(r);
	free(c);
	free(t);
	return err;
}
