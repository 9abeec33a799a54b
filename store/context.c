/*
 * context.c: the lines of a call around a proposal's quote (mk_store_proposal_context),
 * for the review page, which shows a few of them so a rep can judge the quote in its
 * place. Reads only. The quote is the run of the meeting's utterances that overlap the
 * evidence's time span; the lines around it are the neighbours by their order in the call.
 */
#include "db.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

void mk_context_free(struct mk_context_line *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].speaker);
		free(v[i].text);
	}
	free(v);
}

/* The proposal's meeting and the first and last idx of its quoted utterances (MK_ENOTFOUND:
 * no proposal id); *meeting is 0 when it has no call, no quote, or no utterance lies in its span. */
static enum mk_err context_span(struct mk_store *st, int64_t id, int64_t *meeting, int64_t *first,
				int64_t *last, struct mk_diag *diag)
{
	sqlite3_stmt *s = NULL;
	enum mk_err err = db_row(st, diag, &s,
		"SELECT p.meeting_id, min(u.idx), max(u.idx)\n"
		"FROM proposals p LEFT JOIN utterances u ON u.meeting_id = p.meeting_id AND p.ev_quote <> ''\n"
		"	AND ((u.start_ms < p.ev_end_ms AND u.end_ms > p.ev_start_ms) OR u.start_ms = p.ev_start_ms)\n"
		"WHERE p.id = ?1 GROUP BY p.id", "i", id);

	*meeting = 0;
	if (!err && sqlite3_column_type(s, 1) != SQLITE_NULL) {
		*meeting = sqlite3_column_int64(s, 0);
		*first = sqlite3_column_int64(s, 1);
		*last = sqlite3_column_int64(s, 2);
	}
	sqlite3_finalize(s);
	return err;
}

enum mk_err mk_store_proposal_context(struct mk_store *st, int64_t id, unsigned lines,
				      struct mk_context_line **out, size_t *n, struct mk_diag *diag)
{
	sqlite3_stmt *s = NULL;
	struct mk_context_line *v = NULL;
	size_t cap = 0, k = 0;
	int64_t meeting, first = 0, last = 0;
	enum mk_err err;
	int rc;

	*out = NULL;
	*n = 0;
	if (lines > MK_CONTEXT_MAX)
		lines = MK_CONTEXT_MAX;
	err = context_span(st, id, &meeting, &first, &last, diag);
	err = db_notfound(st, diag, err, "no proposal %lld", (long long)id);
	if (err || !meeting)
		return err;
	rc = db_prepare(st,
		"SELECT speaker, start_ms, text, idx BETWEEN ?2 AND ?3 FROM utterances\n"
		"WHERE meeting_id = ?1 AND idx BETWEEN ?2 - ?4 AND ?3 + ?4 ORDER BY idx", &s);
	if (rc == SQLITE_OK)
		rc = db_bind(s, "iiii", meeting, first, last, (int64_t)lines);
	while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		v = mk_grow(v, &cap, k + 1, sizeof *v);
		v[k].speaker = db_column_dup(s, 0);
		v[k].start_ms = sqlite3_column_int64(s, 1);
		v[k].text = db_column_dup(s, 2);
		v[k].quote = sqlite3_column_int(s, 3);
		k++;
		rc = SQLITE_OK;
	}
	if (rc == SQLITE_DONE)
		rc = SQLITE_OK;
	sqlite3_finalize(s);
	if (rc != SQLITE_OK) {
		err = db_fail(st, rc, diag);
		mk_context_free(v, k);
		return err;
	}
	*out = v;
	*n = k;
	return MK_OK;
}
