/*
 * test_share.c: the buyer's share links in the store (store/share.c): a token is 64 hex
 * digits shown once and only its SHA-256 is kept; resolve finds the deal of a live token and
 * refuses an unknown, malformed, expired or revoked one alike; revoke twice; list with the
 * counts; a risk made shareable (and listed as such); acknowledgements and comments (names and texts checked,
 * an item of another deal refused, nothing written through a dead link). Files live in a
 * mkdtemp() folder removed at the end.
 */
#include "mapkeeper.h"
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

/* A fresh store with deals Northwind (one item, one risk) and Globex (one item). */
static struct mk_store *setup(int64_t *nw_item, int64_t *gx_item, int64_t *risk)
{
	struct mk_store *st = NULL;
	struct mk_diag d;
	struct mk_deal nw = { .name = "Northwind", .sellers = "Maya Brooks" };
	struct mk_deal gx = { .name = "Globex", .sellers = "Maya Brooks" };
	struct mk_item_change c = { .action = "Send the security questionnaire", .owner = "Leo Grant",
				    .side = MK_SIDE_BUYER, .due = "2026-03-20", .status = -1 };
	int64_t dec;

	mk_diag_clear(&d);
	unlink(db_path);
	if (mk_store_open(&st, db_path, &d) || mk_store_deal_add(st, &nw, &d) || mk_store_deal_add(st, &gx, &d) ||
	    mk_store_item_add(st, "Northwind", &c, "test", nw_item, &dec, &d) ||
	    mk_store_item_add(st, "Globex", &c, "test", gx_item, &dec, &d)) {
		printf("# setup: %s\n", d.msg);
		return st;
	}
	sqlite3_exec(st->db, "INSERT INTO risks (deal_id, category, text, created_at) SELECT id, 'budget', "
			     "'no budget yet', '2026-03-01T00:00:00Z' FROM deals WHERE name = 'Northwind'", NULL, NULL, NULL);
	*risk = sqlite3_last_insert_rowid(st->db);
	return st;
}

static int64_t count(struct mk_store *st, const char *sql)
{
	sqlite3_stmt *s = NULL;
	int64_t n = -1;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

static void test_token_hashed(void)
{
	int64_t a, b, risk, id = 0, id2 = 0, got = 0;
	struct mk_store *st = setup(&a, &b, &risk);
	struct mk_diag d;
	char token[65], token2[65], hash[65], *deal = NULL, sql[256];

	mk_diag_clear(&d);
	CHECK(mk_store_share_create(st, "Northwind", 30, "maya", token, &id, &d) == MK_OK);
	CHECK(strlen(token) == 64 && strspn(token, "0123456789abcdef") == 64 && id > 0);
	CHECK(mk_store_share_create(st, "Northwind", 30, "maya", token2, &id2, &d) == MK_OK);
	CHECK(strcmp(token, token2) != 0 && id2 != id);
	/* the token itself is nowhere in the database, its SHA-256 is */
	mk_sha256_hex(token, 64, hash);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM share_links WHERE token_sha256 = '%s'", hash);
	CHECK(count(st, sql) == 1);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM share_links WHERE token_sha256 = '%s' OR created_by = '%s'",
		 token, token);
	CHECK(count(st, sql) == 0);
	CHECK(mk_store_share_resolve(st, token, &deal, &got, &d) == MK_OK);
	CHECK_STR(deal, "Northwind");
	CHECK(got == id);
	free(deal);
	/* a hash given as the token, one digit changed, upper case, short: all unknown */
	CHECK(mk_store_share_resolve(st, hash, &deal, &got, &d) == MK_ENOTFOUND && !deal && got == 0);
	token[10] = token[10] == '0' ? '1' : '0';
	CHECK(mk_store_share_resolve(st, token, &deal, &got, &d) == MK_ENOTFOUND && !deal);
	CHECK(mk_store_share_resolve(st, "ABCDEF", &deal, &got, &d) == MK_ENOTFOUND && !deal);
	CHECK(mk_store_share_resolve(st, "", &deal, &got, &d) == MK_ENOTFOUND && !deal);
	CHECK(mk_store_share_resolve(st, NULL, &deal, &got, &d) == MK_ENOTFOUND && !deal);
	mk_store_close(st);
}

static void test_create_refused(void)
{
	int64_t a, b, risk, id = 7;
	struct mk_store *st = setup(&a, &b, &risk);
	struct mk_diag d;
	char token[65];

	mk_diag_clear(&d);
	CHECK(mk_store_share_create(st, "Nowhere", 30, "maya", token, &id, &d) == MK_ENOTFOUND && id == 0);
	CHECK(mk_store_share_create(st, "Northwind", 0, "maya", token, &id, &d) == MK_EARG && !token[0]);
	CHECK(strstr(d.msg, "1 to 365 days") != NULL);
	CHECK(mk_store_share_create(st, "Northwind", 366, "maya", token, &id, &d) == MK_EARG);
	CHECK(count(st, "SELECT count(*) FROM share_links") == 0);
	mk_store_close(st);
}

static void test_expiry(void)
{
	int64_t a, b, risk, id = 0, got;
	struct mk_store *st = setup(&a, &b, &risk);
	struct mk_diag d;
	char token[65], *deal = NULL;

	mk_diag_clear(&d);
	CHECK(mk_store_share_create(st, "Northwind", 1, "maya", token, &id, &d) == MK_OK);
	/* a day from now, to the second */
	CHECK(count(st, "SELECT abs(strftime('%s', expires_at) - strftime('%s', 'now') - 86400) <= 5 FROM share_links") == 1);
	CHECK(mk_store_share_resolve(st, token, &deal, &got, &d) == MK_OK);
	free(deal);
	deal = NULL;
	sqlite3_exec(st->db, "UPDATE share_links SET expires_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-1 second')", NULL,
		     NULL, NULL);
	CHECK(mk_store_share_resolve(st, token, &deal, &got, &d) == MK_ENOTFOUND && !deal);
	CHECK(mk_store_share_ack(st, id, "Leo Grant", 1, &d) == MK_ENOTFOUND);
	CHECK(count(st, "SELECT count(*) FROM buyer_acks") == 0);
	mk_store_close(st);
}

static void test_revoke_and_list(void)
{
	int64_t a, b, risk, id = 0, id2 = 0, got;
	struct mk_store *st = setup(&a, &b, &risk);
	struct mk_diag d;
	struct mk_share *v = NULL;
	size_t n = 9;
	char token[65], token2[65], *deal = NULL;

	mk_diag_clear(&d);
	CHECK(mk_store_share_list(st, "Northwind", &v, &n, &d) == MK_OK && n == 0);
	mk_shares_free(v, n);
	CHECK(mk_store_share_create(st, "Northwind", 30, "maya", token, &id, &d) == MK_OK);
	CHECK(mk_store_share_create(st, "Northwind", 30, "maya", token2, &id2, &d) == MK_OK);
	CHECK(mk_store_share_ack(st, id, "Leo Grant", 3, &d) == MK_OK);
	CHECK(mk_store_share_revoke(st, id, "maya", &d) == MK_OK);
	CHECK(mk_store_share_resolve(st, token, &deal, &got, &d) == MK_ENOTFOUND && !deal);
	CHECK(mk_store_share_resolve(st, token2, &deal, &got, &d) == MK_OK && got == id2);
	free(deal);
	CHECK(mk_store_share_revoke(st, id, "maya", &d) == MK_EARG && strstr(d.msg, "revoked already"));
	CHECK(mk_store_share_revoke(st, 999, "maya", &d) == MK_ENOTFOUND && strstr(d.msg, "no share link 999"));
	CHECK(mk_store_share_ack(st, id, "Leo Grant", 3, &d) == MK_ENOTFOUND);
	CHECK(mk_store_share_list(st, "Northwind", &v, &n, &d) == MK_OK && n == 2);
	if (n == 2) {
		CHECK(v[0].id == id && v[0].revoked_at && v[0].acks == 1 && v[0].comments == 0);
		CHECK_STR(v[0].deal, "Northwind");
		CHECK_STR(v[0].created_by, "maya");
		CHECK(v[1].id == id2 && !v[1].revoked_at && v[1].acks == 0);
		CHECK(v[1].expires_at && strcmp(v[1].expires_at, v[1].created_at) > 0);
	}
	mk_shares_free(v, n);
	CHECK(mk_store_share_list(st, "Globex", &v, &n, &d) == MK_OK && n == 0);
	mk_shares_free(v, n);
	CHECK(mk_store_share_list(st, "Nowhere", &v, &n, &d) == MK_ENOTFOUND);
	mk_store_close(st);
}

static void test_risk_shareable(void)
{
	int64_t a, b, risk = 0, *ids = NULL;
	struct mk_store *st = setup(&a, &b, &risk);
	struct mk_diag d;
	size_t n = 9;

	mk_diag_clear(&d);
	CHECK(count(st, "SELECT shareable FROM risks") == 0);
	CHECK(mk_store_risk_shareable(st, risk, 1, &d) == MK_OK);
	CHECK(count(st, "SELECT shareable FROM risks") == 1);
	CHECK(mk_store_risk_shareable(st, risk, 0, &d) == MK_OK);
	CHECK(count(st, "SELECT shareable FROM risks") == 0);
	CHECK(mk_store_risk_shareable(st, risk + 40, 1, &d) == MK_ENOTFOUND && strstr(d.msg, "no risk"));
	CHECK(mk_store_share_risks(st, "Northwind", &ids, &n, &d) == MK_OK && n == 0 && !ids);
	CHECK(mk_store_risk_shareable(st, risk, 1, &d) == MK_OK);
	CHECK(mk_store_share_risks(st, "Northwind", &ids, &n, &d) == MK_OK && n == 1 && ids && ids[0] == risk);
	free(ids);
	CHECK(mk_store_share_risks(st, "Globex", &ids, &n, &d) == MK_OK && n == 0);
	free(ids);
	CHECK(mk_store_share_risks(st, "Nowhere", &ids, &n, &d) == MK_ENOTFOUND);
	mk_store_close(st);
}

static void test_ack_and_comment(void)
{
	int64_t nw, gx, risk, id = 0, cid = 0;
	struct mk_store *st = setup(&nw, &gx, &risk);
	struct mk_diag d;
	char token[65], longname[300];

	mk_diag_clear(&d);
	CHECK(mk_store_share_create(st, "Northwind", 30, "maya", token, &id, &d) == MK_OK);
	CHECK(mk_store_share_ack(st, id, "  Leo Grant  ", 4, &d) == MK_OK);
	CHECK(count(st, "SELECT count(*) FROM buyer_acks WHERE name = 'Leo Grant' AND plan_version = 4 AND deal_id = "
			"(SELECT id FROM deals WHERE name = 'Northwind')") == 1);
	CHECK(mk_store_share_ack(st, id, "   ", 4, &d) == MK_EARG && strstr(d.msg, "name is empty"));
	CHECK(mk_store_share_ack(st, id, "Leo\nGrant", 4, &d) == MK_EARG && strstr(d.msg, "one line"));
	memset(longname, 'x', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	CHECK(mk_store_share_ack(st, id, longname, 4, &d) == MK_EARG && strstr(d.msg, "over 200 bytes"));
	CHECK(mk_store_share_ack(st, id, "L\xff", 4, &d) == MK_EARG && strstr(d.msg, "UTF-8"));
	CHECK(mk_store_share_ack(st, id + 5, "Leo", 4, &d) == MK_ENOTFOUND);
	CHECK(count(st, "SELECT count(*) FROM buyer_acks") == 1);

	CHECK(mk_store_share_comment(st, id, nw, "Leo Grant", "This will slip a week.", 4, &cid, &d) == MK_OK && cid > 0);
	CHECK(count(st, "SELECT count(*) FROM buyer_comments WHERE item_id IS NOT NULL AND plan_version = 4") == 1);
	CHECK(mk_store_share_comment(st, id, 0, "Leo Grant", "Looks right overall.", 4, &cid, &d) == MK_OK && cid > 0);
	CHECK(count(st, "SELECT count(*) FROM buyer_comments WHERE item_id IS NULL") == 1);
	/* an item of another deal is not on this link's plan */
	CHECK(mk_store_share_comment(st, id, gx, "Leo Grant", "hi", 4, &cid, &d) == MK_ENOTFOUND && cid == 0);
	CHECK(strstr(d.msg, "no item") != NULL);
	CHECK(mk_store_share_comment(st, id, nw, "Leo Grant", " \n ", 4, &cid, &d) == MK_EARG && strstr(d.msg, "comment is empty"));
	CHECK(mk_store_share_comment(st, id, nw, "", "hi", 4, &cid, &d) == MK_EARG);
	CHECK(count(st, "SELECT count(*) FROM buyer_comments") == 2);
	mk_store_close(st);
}

int main(void)
{
	snprintf(tmpdir, sizeof tmpdir, "%s", "/tmp/mk-share-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	db_path = mk_sprintf("%s/share.db", tmpdir);
	RUN(test_token_hashed);
	RUN(test_create_refused);
	RUN(test_expiry);
	RUN(test_revoke_and_list);
	RUN(test_risk_shareable);
	RUN(test_ack_and_comment);
	unlink(db_path);
	free(db_path);
	rmdir(tmpdir);
	return tap_done();
}
