/*
 * search.c: full-text search of what was said (mk_store_search_said_by, the one entry
 * point: every line of a deal or of every deal holding some words, optionally said by one
 * person), over the FTS5 index that triggers keep beside the utterances table. Does not
 * rank or summarize. Lines come in call order (start, then id) and time order within a
 * call; with a deal, or with a common word, the calls are read in that order so the first
 * lines come without sorting every match. Invariant: the user's words are quoted into
 * FTS5 phrases and bound, so no input is ever read as query syntax or SQL.
 */
#include "db.h"
#include "util/util.h"

#include <limits.h>
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

/* Appends a speaker prefilter: every token of who, in order, in the speaker column. */
static void search_speaker_query(const char *who, struct mk_buf *q)
{
	if (!search_has_token(who, strlen(who)))
		return;
	mk_buf_adds(q, " AND {speaker} : \"");
	for (const char *p = who; *p; p++) {
		if (*p == '"')
			mk_buf_addc(q, '"');
		mk_buf_addc(q, *p);
	}
	mk_buf_addc(q, '"');
}

/*
 * The speaker is who: the full name or the first name, any case (as `query --owner`). The
 * FTS prefilter above finds a superset: it also takes a last name or a middle word.
 */
#define SEARCH_SPEAKER_WHERE                                                              \
	" AND (?3 IS NULL OR lower(u.speaker) = lower(?3)"                                \
	" OR substr(lower(u.speaker), 1, length(?3) + 1) = lower(?3) || ' ')"

/* Every match, then sorted: for words said on few lines (fewer than st->said_few). */
static const char search_by_match[] =
	"SELECT u.meeting_id, m.label, m.start, d.name, u.speaker, u.start_ms, u.end_ms,\n"
	"	u.text\n"
	"FROM utterances_fts f\n"
	"JOIN utterances u ON u.id = f.rowid\n"
	"JOIN meetings m ON m.id = u.meeting_id\n"
	"JOIN deals d ON d.id = m.deal_id\n"
	"WHERE utterances_fts MATCH ?1 AND (?2 IS NULL OR m.deal_id = ?2)" SEARCH_SPEAKER_WHERE "\n"
	"ORDER BY m.start IS NULL, m.start, m.id, u.idx";

/* The calls in the order lines are listed: of one deal, or of every deal. */
static const char search_meetings_deal[] =
	"SELECT m.id, m.label, m.start, d.name FROM meetings m JOIN deals d ON d.id = m.deal_id\n"
	"WHERE m.deal_id = ?1 ORDER BY m.start IS NULL, m.start, m.id";
static const char search_meetings_all[] =
	"SELECT m.id, m.label, m.start, d.name FROM meetings m JOIN deals d ON d.id = m.deal_id\n"
	"ORDER BY m.start IS NULL, m.start, m.id";
/* with a speaker: only the calls of deals where someone of that name spoke (sorted here) */
static const char search_meetings_speaker[] =
	"SELECT m.id, m.label, m.start, d.name FROM meetings m JOIN deals d ON d.id = m.deal_id\n"
	"WHERE m.deal_id IN (SELECT s.deal_id FROM deal_speakers s\n"
	"	WHERE s.speaker >= lower(?3) AND s.speaker < lower(?3) || '!'\n"
	"	AND (s.speaker = lower(?3) OR substr(s.speaker, 1, length(?3) + 1) = lower(?3) || ' '))\n"
	"ORDER BY m.start IS NULL, m.start, m.id";

/* The matches of one call: the index is asked only about the call's range of rowids. */
static const char search_in_meeting[] =
	"SELECT u.speaker, u.start_ms, u.end_ms, u.text\n"
	"FROM utterances_fts f JOIN utterances u ON u.id = f.rowid\n"
	"WHERE utterances_fts MATCH ?1\n"
	"	AND f.rowid >= (SELECT min(x.id) FROM utterances x WHERE x.meeting_id = ?4)\n"
	"	AND f.rowid <= (SELECT max(x.id) FROM utterances x WHERE x.meeting_id = ?4)\n"
	"	AND u.meeting_id = ?4" SEARCH_SPEAKER_WHERE "\n"
	"ORDER BY u.idx";

/* How many lines match, counting no further than cap. */
static enum mk_err search_count(struct mk_store *st, const char *q, int64_t cap, int64_t *count,
				struct mk_diag *diag)
{
	return db_int(st, diag, count,
		"SELECT count(*) FROM (SELECT 1 FROM utterances_fts WHERE utterances_fts MATCH ?1 LIMIT ?2)",
		"ti", q, cap);
}

/* A line found, its strings SQLite's until the next step. */
struct search_line {
	const char *meeting;        /* the meeting's label */
	const char *start;          /* the meeting's start (ISO 8601), or NULL */
	const char *deal;
	const char *speaker;
	int64_t start_ms;
	const char *text;
};

/* The rows found so far; stop once limit (0: no limit) are there. */
struct search_run {
	struct mk_said *v;
	size_t n, cap, limit;
	int stop;
};

static char *search_dup(const char *s)
{
	return mk_strdup(s ? s : "");
}

static void search_hit(struct search_run *r, const struct search_line *hit)
{
	struct mk_said *row;

	r->v = mk_grow(r->v, &r->cap, r->n + 1, sizeof *r->v);
	row = &r->v[r->n++];
	row->deal = search_dup(hit->deal);
	row->meeting = search_dup(hit->meeting);
	row->meeting_start = hit->start ? mk_strdup(hit->start) : NULL;
	row->speaker = search_dup(hit->speaker);
	row->start_ms = hit->start_ms;
	row->text = search_dup(hit->text);
	r->stop = r->limit && r->n >= r->limit;
}

void mk_said_free(struct mk_said *rows, size_t n)
{
	if (!rows)
		return;
	for (size_t i = 0; i < n; i++) {
		free(rows[i].deal);
		free(rows[i].meeting);
		free(rows[i].meeting_start);
		free(rows[i].speaker);
		free(rows[i].text);
	}
	free(rows);
}

/* Every match, sorted by SQLite. */
static int search_matches(struct mk_store *st, const char *q, int64_t deal, const char *who,
			  struct search_run *r)
{
	sqlite3_stmt *s = NULL;
	int rc;

	rc = db_prepare(st, search_by_match, &s);
	if (rc == SQLITE_OK)
		rc = db_bind(s, "tIt", q, deal, who);
	while (rc == SQLITE_OK && !r->stop && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct search_line hit;

		hit.meeting = (const char *)sqlite3_column_text(s, 1);
		hit.start = (const char *)sqlite3_column_text(s, 2);
		hit.deal = (const char *)sqlite3_column_text(s, 3);
		hit.speaker = (const char *)sqlite3_column_text(s, 4);
		hit.start_ms = sqlite3_column_int64(s, 5);
		hit.text = (const char *)sqlite3_column_text(s, 7);
		search_hit(r, &hit);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Call by call in the order lines are listed, until the caller has enough. */
static int search_by_meeting(struct mk_store *st, const char *q, int64_t deal, const char *who,
			     struct search_run *r)
{
	sqlite3_stmt *m = NULL, *s = NULL;
	int rc;

	rc = db_prepare(st, deal ? search_meetings_deal : who ? search_meetings_speaker :
			search_meetings_all, &m);
	if (rc == SQLITE_OK)
		rc = db_bind(m, "iit", deal, (int64_t)0, who); /* ?1 of one deal, ?3 of a speaker */
	if (rc == SQLITE_OK)
		rc = db_prepare(st, search_in_meeting, &s);
	if (rc == SQLITE_OK)
		rc = db_bind(s, "tIt", q, (int64_t)0, who); /* ?4, the call, for each call below */
	while (rc == SQLITE_OK && !r->stop && (rc = sqlite3_step(m)) == SQLITE_ROW) {
		struct search_line hit;

		hit.meeting = (const char *)sqlite3_column_text(m, 1);
		hit.start = (const char *)sqlite3_column_text(m, 2);
		hit.deal = (const char *)sqlite3_column_text(m, 3);
		sqlite3_reset(s);
		rc = sqlite3_bind_int64(s, 4, sqlite3_column_int64(m, 0));
		while (rc == SQLITE_OK && !r->stop && (rc = sqlite3_step(s)) == SQLITE_ROW) {
			hit.speaker = (const char *)sqlite3_column_text(s, 0);
			hit.start_ms = sqlite3_column_int64(s, 1);
			hit.text = (const char *)sqlite3_column_text(s, 3);
			search_hit(r, &hit);
			rc = SQLITE_OK;
		}
		if (rc == SQLITE_DONE)
			rc = SQLITE_OK;
	}
	sqlite3_finalize(s);
	sqlite3_finalize(m);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* limit 0: every line that matches. */
enum mk_err mk_store_search_said_by(struct mk_store *st, const char *deal, const char *speaker,
				    const char *words, size_t limit, struct mk_said **out, size_t *n,
				    struct mk_diag *diag)
{
	struct search_run r;
	struct mk_buf q;
	enum mk_err err = MK_OK;
	int64_t deal_id = 0, count = 0;
	char *who = NULL;
	int rc = SQLITE_OK;

	*out = NULL;
	*n = 0;
	memset(&r, 0, sizeof r);
	r.limit = limit;
	mk_buf_init(&q);
	search_query(words ? words : "", &q);
	if (!q.len) {
		mk_diag_set(diag, st->path, 0, "nothing to search for in \"%s\"", words ? words : "");
		mk_buf_release(&q);
		return MK_EARG;
	}
	who = db_trim(speaker);
	if (who)
		search_speaker_query(who, &q);
	rc = db_read_begin(st);
	if (rc != SQLITE_OK) {
		err = db_fail(st, rc, diag);
		goto out;
	}
	if (deal) {
		err = db_deal_id(st, deal, &deal_id, diag);
		if (err)
			goto out;
	}
	/*
	 * One deal: its few calls, each asked for its lines. Every deal: a word on few lines is
	 * looked up and its lines sorted; a common one ("the", "send") would sort hundreds of
	 * thousands of lines for the first fifty, so the calls are read in order instead.
	 */
	if (deal_id)
		rc = search_by_meeting(st, q.s, deal_id, who, &r);
	else if (!(err = search_count(st, q.s, st->said_few > INT_MAX ? INT_MAX : (int64_t)st->said_few,
				      &count, diag)))
		rc = (size_t)count < st->said_few ? search_matches(st, q.s, 0, who, &r) :
			search_by_meeting(st, q.s, 0, who, &r);
	if (!err && rc != SQLITE_OK)
		err = db_fail(st, rc, diag);
out:
	db_rollback(st);
	mk_buf_release(&q);
	free(who);
	if (err) {
		mk_said_free(r.v, r.n);
		return err;
	}
	*out = r.v;
	*n = r.n;
	return MK_OK;
}
