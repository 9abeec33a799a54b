/*
 * vtt.c: the WebVTT reader: the "WEBVTT" header and its metadata lines, then the
 * shared cue loop, then the dialect: Teams (<v Name> voice spans), Zoom ("Name: "
 * before the text of most cues) or plain WebVTT (nobody named).
 * Does not check size, NUL bytes or UTF-8 (transcript.c does before calling it).
 * Invariant: on success every utterance has a speaker ("" when nobody is named).
 */
#include "ingest/ingest.h"

#include <string.h>

static int header_ok(const char *s, size_t n)
{
	return n >= 6 && !memcmp(s, "WEBVTT", 6) && (n == 6 || s[6] == ' ' || s[6] == '\t');
}

static int any_voice(const struct mk_transcript *t)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->utt[i].speaker)
			return 1;
	return 0;
}

enum mk_err vtt_parse(struct mk_transcript *t, const char *data, size_t len,
		      enum mk_format dialect, struct mk_diag *diag)
{
	enum mk_err err;
	struct lines l;
	const char *s;
	size_t n;
	char iso[40];

	if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
		data += 3, len -= 3;
	lines_init(&l, data, len);
	while (lines_next(&l, &s, &n) && span_blank(s, n))
		;
	if (!l.no || n < 6 || memcmp(s, "WEBVTT", 6)) {
		err = ingest_fail(t, diag, 0, MK_EFORMAT, "not a transcript (no WEBVTT header)");
		goto out;
	}
	if (!header_ok(s, n)) {
		char q[64];
		err = ingest_fail(t, diag, l.no, MK_EFORMAT, "malformed WebVTT header '%s'",
				  ingest_quote(s, n, q, sizeof q));
		goto out;
	}
	/*
	 * Header metadata ("Kind: captions") up to a blank line; a line about the
	 * start ("X-Meeting-Start: 2024-...", "start" or "Start") gives the meeting start.
	 */
	for (;;) {
		if (!t->start && span_has(s, n, "tart") && stamp_find_iso(s, n, iso, sizeof iso))
			t->start = mk_strdup(iso);
		if (!lines_peek(&l, &s, &n) || span_blank(s, n) || span_has(s, n, "-->"))
			break;
		lines_next(&l, &s, &n);
	}
	err = cues_parse(t, &l, CUES_VTT, diag);
	if (err)
		goto out;
	if (dialect == MK_FMT_UNKNOWN) {
		if (any_voice(t))
			dialect = MK_FMT_TEAMS_VTT;
		else if (cues_apply_labels(t, LABELS_IF_MOST))
			dialect = MK_FMT_ZOOM_VTT;
		else
			dialect = MK_FMT_VTT;
	} else if (dialect == MK_FMT_ZOOM_VTT) {
		cues_apply_labels(t, LABELS_ALWAYS);
	}
	ingest_inherit(t);
	t->format = dialect;
out:
	return err;
}
