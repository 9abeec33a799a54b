/*
 * notify.c: what Slack (or any channel) was told, in the store: the calls with pending
 * proposals not yet announced on a channel, each with its counts by kind and its three
 * most confident proposals; marking a call announced; one digest a day. Does not build
 * or send messages (notify/). Invariant: a call is announced once per channel; a channel's
 * first use is its start, and a call ingested more than a day before it is never announced.
 */
#include "db.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

#define NOTICE_TOP 3                /* the proposals a notice shows */

void mk_notice_calls_free(struct mk_notice_call *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].deal);
		free(v[i].label);
		free(v[i].start);
		for (size_t k = 0; k < v[i].ntop; k++)
			mk_proposal_release(&v[i].top[k]);
		free(v[i].top);
	}
	free(v);
}

static enum mk_err notice_channel_ok(struct mk_store *st, const char *channel, struct mk_diag *diag)
{
	if (channel && channel[0])
		return MK_OK;
	mk_diag_set(diag, st->path, 0, "a notice channel needs a name");
	return MK_EARG;
}

/* The channel's start (a new string in *start), made now on its first use. */
static enum mk_err notice_start(struct mk_store *st, const char *channel, char **start, struct mk_diag *diag)
{
	sqlite3_stmt *s = NULL;
	char now[32];
	enum mk_err err;
	int rc;

	db_now(now, sizeof now);
	rc = db_run(st, "INSERT OR IGNORE INTO notice_channels (channel, started_at) VALUES (?1, ?2)", "tt",
		    channel, now);
	if (rc != SQLITE_OK)
		return db_fail(st, rc, diag);
	err = db_row(st, diag, &s, "SELECT started_at FROM notice_channels WHERE channel = ?1", "t", channel);
	if (!err)
		*start = db_column_dup(s, 0);
	sqlite3_finalize(s);
	return db_notfound(st, diag, err, "no notice channel '%s'", channel);
}

/* The three most confident pending proposals of call c, with their quotes. */
static enum mk_err notice_top(struct mk_store *st, struct mk_notice_call *c, struct mk_diag *diag)
{
	sqlite3_stmt *s = NULL;
	enum mk_err err = MK_OK;
	int rc;

	c->top = mk_calloc(NOTICE_TOP, sizeof *c->top);
	rc = db_prepare(st,
		"SELECT id FROM proposals WHERE meeting_id = ?1 AND status = 'pending'\n"
		"ORDER BY confidence DESC, id LIMIT 3", &s);
	if (rc == SQLITE_OK)
		rc = db_bind(s, "i", c->meeting_id);
	while (!err && rc == SQLITE_OK && c->ntop < NOTICE_TOP && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		err = mk_store_proposal_get(st, sqlite3_column_int64(s, 0), &c->top[c->ntop], diag);
		if (!err)
			c->ntop++;
		rc = SQLITE_OK;
	}
	sqlite3_finalize(s);
	if (!err && rc != SQLITE_DONE && rc != SQLITE_OK)
		err = db_fail(st, rc, diag);
	return err;
}

/* Reads the calls (one row per call and kind, a call's rows together) into *v. */
static int notice_read(sqlite3_stmt *s, struct mk_notice_call **v, size_t *n, size_t *cap)
{
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(s, 0);
		enum mk_prop_kind kind;
		struct mk_notice_call *c;

		if (!*n || (*v)[*n - 1].meeting_id != id) {
			*v = mk_grow(*v, cap, *n + 1, sizeof **v);
			c = &(*v)[(*n)++];
			memset(c, 0, sizeof *c);
			c->meeting_id = id;
			c->deal = db_column_dup(s, 1);
			c->label = db_column_dup(s, 2);
			c->start = db_column_dup(s, 3);
		}
		c = &(*v)[*n - 1];
		if (mk_prop_kind_parse((const char *)sqlite3_column_text(s, 4), &kind) == MK_OK)
			c->counts[kind] += (size_t)sqlite3_column_int64(s, 5);
	}
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

enum mk_err mk_store_notice_pending(struct mk_store *st, const char *channel, struct mk_notice_call **out,
				    size_t *n, struct mk_diag *diag)
{
	sqlite3_stmt *s = NULL;
	struct mk_notice_call *v = NULL;
	size_t nv = 0, cap = 0;
	char *start = NULL;
	enum mk_err err;
	int rc = SQLITE_OK;

	*out = NULL;
	*n = 0;
	if ((err = notice_channel_ok(st, channel, diag)) || (err = db_begin(st, diag)))
		return err;
	if ((err = notice_start(st, channel, &start, diag)))
		goto out;
	rc = db_prepare(st,
		"SELECT m.id, d.name, m.label, m.start, p.kind, count(*)\n"
		"FROM meetings m JOIN deals d ON d.id = m.deal_id\n"
		"JOIN proposals p ON p.meeting_id = m.id AND p.status = 'pending'\n"
		"WHERE m.removed_at IS NULL\n"
		"	AND m.ingested_at >= strftime('%Y-%m-%dT%H:%M:%SZ', ?2, '-1 day')\n"
		"	AND NOT EXISTS (SELECT 1 FROM notices n WHERE n.channel = ?1 AND n.meeting_id = m.id)\n"
		"GROUP BY m.id, p.kind\nORDER BY m.ingested_at, m.id, p.kind", &s);
	if (rc == SQLITE_OK)
		rc = db_bind(s, "tt", channel, start);
	if (rc == SQLITE_OK)
		rc = notice_read(s, &v, &nv, &cap);
	for (size_t i = 0; rc == SQLITE_OK && !err && i < nv; i++)
		err = notice_top(st, &v[i], diag);
out:
	sqlite3_finalize(s);
	free(start);
	err = db_end(st, err, rc, diag);
	if (err) {
		mk_notice_calls_free(v, nv);
		return err;
	}
	*out = v;
	*n = nv;
	return MK_OK;
}

enum mk_err mk_store_notice_sent(struct mk_store *st, const char *channel, int64_t meeting_id,
				 struct mk_diag *diag)
{
	char now[32], *start = NULL;
	int64_t found = 0;
	enum mk_err err;
	int rc = SQLITE_OK;

	if ((err = notice_channel_ok(st, channel, diag)) || (err = db_begin(st, diag)))
		return err;
	err = db_int(st, diag, &found, "SELECT id FROM meetings WHERE id = ?1", "i", meeting_id);
	err = db_notfound(st, diag, err, "no call %lld", (long long)meeting_id);
	if (!err)
		err = notice_start(st, channel, &start, diag);
	db_now(now, sizeof now);
	if (!err)
		rc = db_run(st, "INSERT OR IGNORE INTO notices (channel, meeting_id, sent_at) VALUES (?1, ?2, ?3)",
			    "tit", channel, meeting_id, now);
	free(start);
	return db_end(st, err, rc, diag);
}

/* MK_EARG unless day is "YYYY-MM-DD". */
static enum mk_err digest_day_ok(struct mk_store *st, const char *day, struct mk_diag *diag)
{
	struct mk_date d;

	if (day && mk_date_parse_day(day, &d) == MK_OK)
		return MK_OK;
	mk_diag_set(diag, st->path, 0, "a digest's day is YYYY-MM-DD, not '%s'", day ? day : "");
	return MK_EARG;
}

enum mk_err mk_store_digest_sent(struct mk_store *st, const char *channel, const char *day, int *sent,
				 struct mk_diag *diag)
{
	int64_t n = 0;
	enum mk_err err;

	*sent = 0;
	if ((err = notice_channel_ok(st, channel, diag)) || (err = digest_day_ok(st, day, diag)))
		return err;
	err = db_int(st, diag, &n, "SELECT count(*) FROM digests WHERE channel = ?1 AND day = ?2", "tt", channel,
		     day);
	*sent = !err && n > 0;
	return err;
}

enum mk_err mk_store_digest_mark(struct mk_store *st, const char *channel, const char *day,
				 struct mk_diag *diag)
{
	char now[32];
	enum mk_err err;
	int rc;

	if ((err = notice_channel_ok(st, channel, diag)) || (err = digest_day_ok(st, day, diag)))
		return err;
	db_now(now, sizeof now);
	/* sent again (--force): the latest time is kept */
	rc = db_run(st,
		"INSERT INTO digests (channel, day, sent_at) VALUES (?1, ?2, ?3)\n"
		"ON CONFLICT (channel, day) DO UPDATE SET sent_at = excluded.sent_at", "ttt", channel, day, now);
	return rc == SQLITE_OK ? MK_OK : db_fail(st, rc, diag);
}
