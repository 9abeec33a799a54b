/*
 * search.c: full-text search of what was said (store_search_said), over the FTS5 index
 * that triggers keep beside the utterances table. Does not rank or summarize. Invariant:
 * the user's words are quoted into FTS5 phrases and bound, so no input is ever read as
 * query syntax or SQL.
 */
#include "db.h"
#include "store.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

/* Does the word hold something the tokenizer keeps (a letter or digit, or any non-ASCII)? */
static int search_has_token(const char *w, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)w[i];

		if (c >= 0x80 || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))
			return 1;
	}
	return 0;
}

/* words -> "w1" "w2" "pre"* : every word must be there. Empty when there are none. */
static void search_query(const char *words, struct mk_buf *q)
{
	const char *p = words;

	while (*p) {
		size_t n;
		int prefix;

		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		n = strcspn(p, " \t\r\n");
		if (!n)
			break;
		prefix = n > 1 && p[n - 1] == '*';
		if (search_has_token(p, n - (size_t)prefix)) {
			if (q->len)
				mk_buf_addc(q, ' ');
			mk_buf_addc(q, '"');
			for (size_t i = 0; i < n - (size_t)prefix; i++) {
				if (p[i] == '"')
					mk_buf_addc(q, '"');
				mk_buf_addc(q, p[i]);
			}
			mk_buf_addc(q, '"');
			if (prefix)
				mk_buf_addc(q, '*');
		}
		p += n;
	}
}

enum mk_err store_search_said(struct mk_store *st, const char *deal, const char *words,
			      store_said_fn fn, void *ctx, size_t *nhits, struct mk_diag *diag)
{
	sqlite3_stmt *s = NULL;
	struct mk_buf q;
	enum mk_err err = MK_OK;
	int64_t deal_id = 0;
	size_t hits = 0;
	int rc;

	if (nhits)
		*nhits = 0;
	mk_buf_init(&q);
	search_query(words ? words : "", &q);
	if (!q.len) {
		mk_diag_set(diag, st->path, 0, "nothing to search for in \"%s\"", words ? words : "");
		mk_buf_release(&q);
		return MK_EARG;
	}
	rc = sqlite3_exec(st->db, "BEGIN", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		mk_buf_release(&q);
		return db_fail(st, rc, diag);
	}
	if (deal) {
		err = db_deal_id(st, deal, &deal_id, diag);
		if (err)
			goto out;
	}
	rc = db_prepare(st,
		"SELECT u.meeting_id, m.label, m.start, d.name, u.speaker, u.start_ms, u.end_ms,\n"
		"	u.text\n"
		"FROM utterances_fts f\n"
		"JOIN utterances u ON u.id = f.rowid\n"
		"JOIN meetings m ON m.id = u.meeting_id\n"
		"JOIN deals d ON d.id = m.deal_id\n"
		"WHERE utterances_fts MATCH ?1 AND (?2 IS NULL OR m.deal_id = ?2)\n"
		"ORDER BY m.start IS NULL, m.start, m.id, u.idx", &s);
	if (rc == SQLITE_OK)
		rc = db_bind_text(s, 1, q.s);
	if (rc == SQLITE_OK)
		rc = db_bind_id(s, 2, deal_id);
	while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_said hit;

		hit.meeting_id = sqlite3_column_int64(s, 0);
		hit.meeting = (const char *)sqlite3_column_text(s, 1);
		hit.start = (const char *)sqlite3_column_text(s, 2);
		hit.deal = (const char *)sqlite3_column_text(s, 3);
		hit.speaker = (const char *)sqlite3_column_text(s, 4);
		hit.start_ms = sqlite3_column_int64(s, 5);
		hit.end_ms = sqlite3_column_int64(s, 6);
		hit.text = (const char *)sqlite3_column_text(s, 7);
		hits++;
		rc = SQLITE_OK;
		if (fn && fn(ctx, &hit)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (rc != SQLITE_DONE)
		err = db_fail(st, rc, diag);
out:
	sqlite3_finalize(s);
	db_rollback(st);
	mk_buf_release(&q);
	if (nhits)
		*nhits = hits;
	return err;
}
