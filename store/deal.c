/*
 * deal.c: deals (a name and its selling team) and the question whether a transcript
 * is stored already. Does not store calls (meeting.c) or plans (plan.c, proposal.c).
 * Invariant: a deal's name is unique; a struct mk_deal it fills owns all its strings.
 */
#include "db.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

void mk_deal_release(struct mk_deal *d)
{
	if (!d)
		return;
	free(d->name);
	free(d->sellers);
	free(d->seller_domain);
	free(d->seller_org);
	free(d->buyer_org);
	free(d->created_at);
	free(d->buyer_domain);
	memset(d, 0, sizeof *d);
}

static const char *deal_or_null(const char *s)
{
	return s && s[0] ? s : NULL;
}

enum mk_err mk_store_deal_add(struct mk_store *st, const struct mk_deal *d, struct mk_diag *diag)
{
	char now[32];
	int rc;

	if (!d || !d->name || !d->name[0]) {
		mk_diag_set(diag, st->path, 0, "a deal needs a name");
		return MK_EARG;
	}
	db_now(now, sizeof now);
	rc = db_run(st,
		"INSERT INTO deals (name, sellers, seller_domain, seller_org, buyer_org, created_at,\n"
		"	buyer_domain)\n"
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", "ttttttt", d->name, d->sellers ? d->sellers : "",
		deal_or_null(d->seller_domain), deal_or_null(d->seller_org), deal_or_null(d->buyer_org),
		now, deal_or_null(d->buyer_domain));
	if (rc == SQLITE_CONSTRAINT_UNIQUE) {
		mk_diag_set(diag, st->path, 0, "a deal named \"%s\" exists already", d->name);
		return MK_EARG;
	}
	return rc == SQLITE_OK ? MK_OK : db_fail(st, rc, diag);
}

#define DEAL_COLUMNS \
	"id, name, sellers, seller_domain, seller_org, buyer_org, created_at, buyer_domain"

static void deal_read(sqlite3_stmt *s, struct mk_deal *d)
{
	d->id = sqlite3_column_int64(s, 0);
	d->name = db_column_dup(s, 1);
	d->sellers = db_column_dup(s, 2);
	d->seller_domain = db_column_dup(s, 3);
	d->seller_org = db_column_dup(s, 4);
	d->buyer_org = db_column_dup(s, 5);
	d->created_at = db_column_dup(s, 6);
	d->buyer_domain = db_column_dup(s, 7);
}

enum mk_err mk_store_deal_get(struct mk_store *st, const char *name, struct mk_deal *out,
			      struct mk_diag *diag)
{
	sqlite3_stmt *s = NULL;
	enum mk_err err;

	memset(out, 0, sizeof *out);
	err = db_row(st, diag, &s, "SELECT " DEAL_COLUMNS " FROM deals WHERE name = ?1", "t",
		     name ? name : "");
	if (!err)
		deal_read(s, out);
	sqlite3_finalize(s);
	return db_notfound(st, diag, err, "no such deal \"%s\"", name ? name : "");
}

enum mk_err mk_store_deal_list(struct mk_store *st, struct mk_deal **out, size_t *n,
			       struct mk_diag *diag)
{
	sqlite3_stmt *s = NULL;
	struct mk_deal *v = NULL;
	size_t nv = 0, cap = 0;
	enum mk_err err = MK_OK;
	int rc;

	*out = NULL;
	*n = 0;
	rc = db_prepare(st, "SELECT " DEAL_COLUMNS " FROM deals ORDER BY name, id", &s);
	while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		v = mk_grow(v, &cap, nv + 1, sizeof *v);
		memset(&v[nv], 0, sizeof v[nv]);
		deal_read(s, &v[nv++]);
		rc = SQLITE_OK;
	}
	if (rc != SQLITE_DONE) {
		err = db_fail(st, rc, diag);
		for (size_t i = 0; i < nv; i++)
			mk_deal_release(&v[i]);
		free(v);
		v = NULL;
		nv = 0;
	}
	sqlite3_finalize(s);
	*out = v;
	*n = nv;
	return err;
}

enum mk_err mk_store_meeting_known(struct mk_store *st, const char *sha256, int *known,
				   struct mk_diag *diag)
{
	int64_t one = 0;
	enum mk_err err = db_int(st, diag, &one, "SELECT 1 FROM meetings WHERE sha256 = ?1", "t",
				 sha256 ? sha256 : "");

	*known = !err;
	return err == MK_ENOTFOUND ? MK_OK : err;
}
