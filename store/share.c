/*
 * share.c: the buyer's side in the store: read-only links to a deal's plan (made, listed,
 * revoked, resolved from the secret), the risks the buyer may see, and what the buyer
 * sends through a link (an acknowledgement of the plan as of a version, a comment on an
 * item). Does not read the plan (plan.c) nor turn rows into history (changes.c, history).
 * Invariant: only the token's SHA-256 is stored; the token itself exists once, in the
 * caller's buffer; an unknown, expired or revoked token all read as MK_ENOTFOUND.
 */
#include "db.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SHARE_TOKEN_BYTES 32
#define SHARE_NAME_MAX 200          /* a typed name, in bytes */
#define SHARE_TEXT_MAX 4000         /* a comment, in bytes */

void mk_shares_free(struct mk_share *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].deal);
		free(v[i].created_at);
		free(v[i].expires_at);
		free(v[i].revoked_at);
		free(v[i].created_by);
	}
	free(v);
}

/* now + days as "YYYY-MM-DDTHH:MM:SSZ", the form db_now writes (so strings compare as times). */
static void share_after_days(int days, char *out, size_t outlen)
{
	time_t t = time(NULL) + (time_t)days * 86400;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, outlen, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Is s a token's form: 64 lower-case hex digits? */
static int share_token_form(const char *s)
{
	size_t i;

	for (i = 0; s && i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s && s[64] == '\0';
}

enum mk_err mk_store_share_create(struct mk_store *st, const char *deal, int days, const char *who,
				  char token[65], int64_t *id, struct mk_diag *diag)
{
	char now[32], until[32], hash[65];
	int64_t deal_id;
	enum mk_err err;
	int rc;

	token[0] = '\0';
	*id = 0;
	if (days < 1 || days > 365) {
		mk_diag_set(diag, st->path, 0, "a share link lives 1 to 365 days, not %d", days);
		return MK_EARG;
	}
	if ((err = db_deal_id(st, deal, &deal_id, diag)))
		return err;
	if (!db_random_hex(token, SHARE_TOKEN_BYTES)) {
		mk_diag_set(diag, st->path, 0, "cannot read random bytes for a share token");
		return MK_EIO;
	}
	mk_sha256_hex(token, 64, hash);
	db_now(now, sizeof now);
	share_after_days(days, until, sizeof until);
	rc = db_run(st,
		"INSERT INTO share_links (deal_id, token_sha256, created_at, expires_at, created_by)\n"
		"VALUES (?1, ?2, ?3, ?4, ?5)", "itttt", deal_id, hash, now, until, who);
	if (rc != SQLITE_OK) {
		memset(token, 0, 65);
		return db_fail(st, rc, diag);
	}
	*id = sqlite3_last_insert_rowid(st->db);
	return MK_OK;
}

enum mk_err mk_store_share_list(struct mk_store *st, const char *deal, struct mk_share **out, size_t *n,
				struct mk_diag *diag)
{
	sqlite3_stmt *s = NULL;
	struct mk_share *v = NULL;
	size_t nv = 0, cap = 0;
	int64_t deal_id;
	enum mk_err err;
	int rc;

	*out = NULL;
	*n = 0;
	if ((err = db_deal_id(st, deal, &deal_id, diag)))
		return err;
	rc = db_prepare(st,
		"SELECT l.id, l.created_at, l.expires_at, l.revoked_at, l.created_by,\n"
		"	(SELECT count(*) FROM buyer_acks a WHERE a.share_id = l.id),\n"
		"	(SELECT count(*) FROM buyer_comments c WHERE c.share_id = l.id)\n"
		"FROM share_links l WHERE l.deal_id = ?1 ORDER BY l.id", &s);
	if (rc == SQLITE_OK)
		rc = db_bind(s, "i", deal_id);
	while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		v = mk_grow(v, &cap, nv + 1, sizeof *v);
		memset(&v[nv], 0, sizeof v[nv]);
		v[nv].id = sqlite3_column_int64(s, 0);
		v[nv].deal = mk_strdup(deal);
		v[nv].created_at = db_column_dup(s, 1);
		v[nv].expires_at = db_column_dup(s, 2);
		v[nv].revoked_at = db_column_dup(s, 3);
		v[nv].created_by = db_column_dup(s, 4);
		v[nv].acks = sqlite3_column_int64(s, 5);
		v[nv++].comments = sqlite3_column_int64(s, 6);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		mk_shares_free(v, nv);
		return db_fail(st, rc, diag);
	}
	*out = v;
	*n = nv;
	return MK_OK;
}

enum mk_err mk_store_share_revoke(struct mk_store *st, int64_t id, const char *who, struct mk_diag *diag)
{
	sqlite3_stmt *s = NULL;
	char now[32];
	enum mk_err err;
	int revoked, rc;

	err = db_row(st, diag, &s, "SELECT revoked_at IS NOT NULL FROM share_links WHERE id = ?1", "i", id);
	revoked = !err && sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	if (err)
		return db_notfound(st, diag, err, "no share link %lld", (long long)id);
	if (revoked) {
		mk_diag_set(diag, st->path, 0, "share link %lld is revoked already", (long long)id);
		return MK_EARG;
	}
	db_now(now, sizeof now);
	rc = db_run(st, "UPDATE share_links SET revoked_at = ?1, revoked_by = ?2 WHERE id = ?3 AND revoked_at IS NULL",
		    "tti", now, who, id);
	return rc == SQLITE_OK ? MK_OK : db_fail(st, rc, diag);
}

/* The same 64 bytes, compared in constant time. */
static int share_same_hash(const char *a, const char *b)
{
	unsigned char d = 0;

	for (size_t i = 0; i < 64; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

enum mk_err mk_store_share_resolve(struct mk_store *st, const char *token, char **deal, int64_t *id,
				   struct mk_diag *diag)
{
	sqlite3_stmt *s = NULL;
	char hash[65], now[32];
	const char *stored, *until;
	enum mk_err err;
	int live;

	*deal = NULL;
	*id = 0;
	if (!share_token_form(token))
		return db_notfound(st, diag, MK_ENOTFOUND, "no such share link");
	mk_sha256_hex(token, 64, hash);
	db_now(now, sizeof now);
	err = db_row(st, diag, &s,
		     "SELECT l.id, d.name, l.token_sha256, l.expires_at, l.revoked_at IS NULL\n"
		     "FROM share_links l JOIN deals d ON d.id = l.deal_id WHERE l.token_sha256 = ?1", "t", hash);
	if (!err) {
		stored = (const char *)sqlite3_column_text(s, 2);
		until = (const char *)sqlite3_column_text(s, 3);
		live = stored && strlen(stored) == 64 && share_same_hash(stored, hash) && until &&
		       strcmp(until, now) > 0 && sqlite3_column_int(s, 4);
		if (live) {
			*id = sqlite3_column_int64(s, 0);
			*deal = db_column_dup(s, 1);
		} else {
			err = MK_ENOTFOUND;
		}
	}
	sqlite3_finalize(s);
	return db_notfound(st, diag, err, "no such share link");
}

enum mk_err mk_store_risk_shareable(struct mk_store *st, int64_t risk, int shareable, struct mk_diag *diag)
{
	int rc = db_run(st, "UPDATE risks SET shareable = ?1 WHERE id = ?2", "ii", (int64_t)(shareable != 0), risk);

	if (rc != SQLITE_OK)
		return db_fail(st, rc, diag);
	if (sqlite3_changes(st->db) == 0)
		return db_notfound(st, diag, MK_ENOTFOUND, "no risk %lld", (long long)risk);
	return MK_OK;
}

enum mk_err mk_store_share_risks(struct mk_store *st, const char *deal, int64_t **ids, size_t *n,
				 struct mk_diag *diag)
{
	sqlite3_stmt *s = NULL;
	int64_t deal_id, *v = NULL;
	size_t nv = 0, cap = 0;
	enum mk_err err;
	int rc;

	*ids = NULL;
	*n = 0;
	if ((err = db_deal_id(st, deal, &deal_id, diag)))
		return err;
	rc = db_prepare(st, "SELECT id FROM risks WHERE deal_id = ?1 AND shareable != 0 ORDER BY id", &s);
	if (rc == SQLITE_OK)
		rc = db_bind(s, "i", deal_id);
	while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		v = mk_grow(v, &cap, nv + 1, sizeof *v);
		v[nv++] = sqlite3_column_int64(s, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		free(v);
		return db_fail(st, rc, diag);
	}
	*ids = v;
	*n = nv;
	return MK_OK;
}

/* A name or text as the buyer typed it, trimmed, of 1 to max bytes of UTF-8 on one
 * line (a name) or several (text): a new string, or NULL with diag set. */
static char *share_words(struct mk_store *st, const char *s, size_t max, int one_line, const char *what,
			 struct mk_diag *diag)
{
	char *t = s ? db_trim(s) : NULL;
	size_t bad;

	if (!t)
		mk_diag_set(diag, st->path, 0, "the %s is empty", what);
	else if (strlen(t) > max)
		mk_diag_set(diag, st->path, 0, "the %s is over %zu bytes", what, max);
	else if (!mk_utf8_valid(t, strlen(t), &bad))
		mk_diag_set(diag, st->path, 0, "the %s is not UTF-8", what);
	else if (one_line && strpbrk(t, "\r\n\t"))
		mk_diag_set(diag, st->path, 0, "the %s is not one line", what);
	else
		return t;
	free(t);
	return NULL;
}

/* The deal of live link share, read inside the caller's transaction; MK_ENOTFOUND when
 * the link is unknown, expired or revoked. */
static enum mk_err share_live_deal(struct mk_store *st, int64_t share, const char *now, int64_t *deal,
				   struct mk_diag *diag)
{
	enum mk_err err = db_int(st, diag, deal,
				 "SELECT deal_id FROM share_links WHERE id = ?1 AND revoked_at IS NULL AND expires_at > ?2",
				 "it", share, now);

	return db_notfound(st, diag, err, "no such share link");
}

enum mk_err mk_store_share_ack(struct mk_store *st, int64_t share, const char *name, int64_t version,
			       struct mk_diag *diag)
{
	char now[32], *who;
	int64_t deal = 0;
	enum mk_err err;
	int rc = SQLITE_OK;

	if (!(who = share_words(st, name, SHARE_NAME_MAX, 1, "name", diag)))
		return MK_EARG;
	db_now(now, sizeof now);
	if ((err = db_begin(st, diag)))
		goto out;
	if (!(err = share_live_deal(st, share, now, &deal, diag)))
		rc = db_run(st,
			"INSERT INTO buyer_acks (deal_id, share_id, name, plan_version, at)\n"
			"VALUES (?1, ?2, ?3, ?4, ?5)", "iitit", deal, share, who, version, now);
	err = db_end(st, err, rc, diag);
out:
	free(who);
	return err;
}

enum mk_err mk_store_share_comment(struct mk_store *st, int64_t share, int64_t item, const char *name,
				   const char *text, int64_t version, int64_t *id, struct mk_diag *diag)
{
	char now[32], *who = NULL, *words = NULL;
	int64_t deal = 0, on = 0;
	enum mk_err err = MK_EARG;
	int rc = SQLITE_OK;

	*id = 0;
	if (!(who = share_words(st, name, SHARE_NAME_MAX, 1, "name", diag)) ||
	    !(words = share_words(st, text, SHARE_TEXT_MAX, 0, "comment", diag)))
		goto out;
	db_now(now, sizeof now);
	if ((err = db_begin(st, diag)))
		goto out;
	err = share_live_deal(st, share, now, &deal, diag);
	if (!err && item > 0) {
		err = db_int(st, diag, &on, "SELECT id FROM plan_items WHERE id = ?1 AND deal_id = ?2", "ii", item, deal);
		err = db_notfound(st, diag, err, "no item %lld on this plan", (long long)item);
	}
	if (!err && (rc = db_run(st,
				 "INSERT INTO buyer_comments (deal_id, share_id, item_id, name, text, plan_version, at)\n"
				 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
				 "iiIttit", deal, share, on, who, words, version, now)) == SQLITE_OK)
		*id = sqlite3_last_insert_rowid(st->db);
	err = db_end(st, err, rc, diag);
	if (err)
		*id = 0;
out:
	free(who);
	free(words);
	return err;
}
