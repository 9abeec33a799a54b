/*
 * cues.c: the cue-block loop WebVTT and SubRip share: blocks split by blank lines,
 * an optional id line, a "start --> end [settings]" timing line, payload lines
 * (cleaned by cuetext.c, one utterance per voice segment with text). Skips WebVTT
 * NOTE/STYLE/REGION blocks. Also turns "Name: text" prefixes into speakers.
 * Does not read the WebVTT header or pick the format (vtt.c, srt.c do).
 * Invariant: no cue starts more than INGEST_BACKWARDS_MS before any earlier cue;
 * end >= start.
 */
#include "ingest/ingest.h"

#include <stdlib.h>
#include <string.h>

static int is_space(char c)
{
	return c == ' ' || c == '\t';
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* A WebVTT block keyword ("NOTE", "STYLE", "REGION") alone or followed by a space. */
static int keyword(const char *s, size_t n, const char *kw)
{
	size_t k = strlen(kw);
	return n >= k && !memcmp(s, kw, k) && (n == k || is_space(s[k]));
}

/* Digits, colons and the like only: what is left of a cut timing line. */
static int stamp_like(const char *s, size_t n)
{
	s = span_trim(s, &n);
	if (!n || !is_digit(s[0]))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!strchr("0123456789:.,->\t ", s[i]))
			return 0;
	return memchr(s, ':', n) != NULL;
}

/* A timing line: starts (after blanks) with a digit and holds "-->". */
static int timing_like(const char *s, size_t n)
{
	s = span_trim(s, &n);
	return n && is_digit(s[0]) && span_has(s, n, "-->");
}

/*
 * Takes the next line into the cue payload unless it is blank or starts another
 * cue without a blank line before it (a timing line, or a number over one).
 */
static int payload_next(struct lines *l, const char **s, size_t *n)
{
	struct lines look = *l;
	const char *w;
	size_t k, i = 0;
	if (!lines_next(&look, s, n) || span_blank(*s, *n) || timing_like(*s, *n))
		return 0;
	k = *n;
	w = span_trim(*s, &k);
	while (i < k && is_digit(w[i]))
		i++;
	if (i == k) {
		struct lines two = look;
		const char *u;
		size_t m;
		if (lines_next(&two, &u, &m) && timing_like(u, m))
			return 0;
	}
	*l = look;
	return 1;
}

static int rest_blank(struct lines look)
{
	const char *s;
	size_t n;
	while (lines_next(&look, &s, &n))
		if (!span_blank(s, n))
			return 0;
	return 1;
}

/* The token at p for a message: up to a blank or "-->". */
static size_t token_len(const char *p, const char *end)
{
	const char *q = p;
	while (q < end && !is_space(*q) && !(end - q >= 3 && !memcmp(q, "-->", 3)))
		q++;
	return (size_t)(q - p);
}

static enum mk_err bad_token(const struct mk_transcript *t, struct mk_diag *diag, long line,
			     const char *p, const char *end, const char *s, size_t n)
{
	char q[64];
	size_t k = token_len(p, end);
	if (!k)
		return ingest_fail(t, diag, line, MK_EFORMAT, "malformed cue timing '%s'",
				   ingest_quote(s, n, q, sizeof q));
	return ingest_fail(t, diag, line, MK_EFORMAT, "malformed timestamp '%s'",
			   ingest_quote(p, k, q, sizeof q));
}

static void skip_space(const char **p, const char *end)
{
	while (*p < end && is_space(**p))
		(*p)++;
}

/* "start --> end [settings]" */
static enum mk_err timing_parse(const struct mk_transcript *t, const char *s, size_t n, long line,
				int64_t *a, int64_t *b, struct mk_diag *diag)
{
	const char *p, *end;
	char q[64];
	s = span_trim(s, &n);
	p = s, end = s + n;
	if (!stamp_cue(&p, end, a))
		return bad_token(t, diag, line, p, end, s, n);
	skip_space(&p, end);
	if (end - p < 3 || memcmp(p, "-->", 3))
		return ingest_fail(t, diag, line, MK_EFORMAT, "malformed cue timing '%s'",
				   ingest_quote(s, n, q, sizeof q));
	p += 3;
	skip_space(&p, end);
	if (p == end)
		return ingest_fail(t, diag, line, MK_EFORMAT, "incomplete cue timing '%s'",
				   ingest_quote(s, n, q, sizeof q));
	if (!stamp_cue(&p, end, b) || (p < end && !is_space(*p)))
		return bad_token(t, diag, line, p, end, s, n);
	return MK_OK;
}

static enum mk_err time_check(const struct mk_transcript *t, const char *s, size_t n, long line,
			      int64_t a, int64_t b, int64_t prev, struct mk_diag *diag)
{
	char q[64], x[32], y[32];
	if (b < a) {
		s = span_trim(s, &n);
		return ingest_fail(t, diag, line, MK_EFORMAT, "cue ends before it starts '%s'",
				   ingest_quote(s, n, q, sizeof q));
	}
	if (prev >= 0 && a + INGEST_BACKWARDS_MS < prev) {
		mk_format_ms(a, x, sizeof x);
		mk_format_ms(prev, y, sizeof y);
		return ingest_fail(t, diag, line, MK_EFORMAT,
				   "cue start goes backwards '%s' after '%s'", x, y);
	}
	return MK_OK;
}

/* Skips a NOTE/STYLE/REGION block; a NOTE line about the start ("Start", "start") sets t->start. */
static void skip_block(struct mk_transcript *t, struct lines *l, const char *s, size_t n, int note)
{
	char iso[40];
	for (;;) {
		if (note && !t->start && span_has(s, n, "tart") && stamp_find_iso(s, n, iso, sizeof iso))
			t->start = mk_strdup(iso);
		if (!lines_peek(l, &s, &n) || span_blank(s, n))
			return;
		lines_next(l, &s, &n);
	}
}

/*
 * Reads the block's id line (if any) and its timing line (*ts, *tn, *tline).
 * Returns MK_OK with *ts NULL when the block is a lone id at the end of the file.
 */
static enum mk_err block_head(const struct mk_transcript *t, struct lines *l, const char *s,
			      size_t n, const char **ts, size_t *tn, long *tline,
			      struct mk_diag *diag)
{
	const char *s2;
	size_t n2;
	char q[64];
	long first;
	*ts = NULL;
	if (span_has(s, n, "-->")) {
		*ts = s, *tn = n, *tline = l->no;
		return MK_OK;
	}
	if (!lines_peek(l, &s2, &n2) || span_blank(s2, n2)) {
		if (stamp_like(s, n)) {
			s = span_trim(s, &n);
			return ingest_fail(t, diag, l->no, MK_EFORMAT, "incomplete cue timing '%s'",
					   ingest_quote(s, n, q, sizeof q));
		}
		if (rest_blank(*l))
			return MK_OK;	/* a file cut after a cue id */
		return ingest_fail(t, diag, l->no, MK_EFORMAT, "missing cue timing");
	}
	first = l->no;
	lines_next(l, &s2, &n2);
	if (!span_has(s2, n2, "-->")) {
		if (stamp_like(s2, n2)) {
			s2 = span_trim(s2, &n2);
			return ingest_fail(t, diag, l->no, MK_EFORMAT, "incomplete cue timing '%s'",
					   ingest_quote(s2, n2, q, sizeof q));
		}
		return ingest_fail(t, diag, first, MK_EFORMAT, "missing cue timing");
	}
	*ts = s2, *tn = n2, *tline = l->no;
	return MK_OK;
}

enum mk_err cues_parse(struct mk_transcript *t, struct lines *l, enum cue_syntax syn,
		       struct mk_diag *diag)
{
	enum mk_err err = MK_OK;
	struct clean c;
	const char *s, *ts, *pay, *pay_end;
	size_t n, tn;
	long first, tline, cues = 0;
	int64_t a, b, prev = -1;
	unsigned flags = CLEAN_MARKUP | (syn == CUES_SRT ? CLEAN_ASS : 0);

	clean_init(&c);
	while (lines_next(l, &s, &n)) {
		if (span_blank(s, n))
			continue;
		first = l->no;
		if (syn == CUES_VTT && (keyword(s, n, "NOTE") || keyword(s, n, "STYLE") ||
					keyword(s, n, "REGION"))) {
			skip_block(t, l, s, n, keyword(s, n, "NOTE"));
			continue;
		}
		err = block_head(t, l, s, n, &ts, &tn, &tline, diag);
		if (err || !ts)
			goto out;
		err = timing_parse(t, ts, tn, tline, &a, &b, diag);
		if (!err)
			err = time_check(t, ts, tn, tline, a, b, prev, diag);
		if (err)
			goto out;
		if (++cues > (long)MK_MAX_UTTERANCES) {
			err = ingest_fail(t, diag, first, MK_ETOOBIG, "too many cues (more than %u)",
					  MK_MAX_UTTERANCES);
			goto out;
		}
		if (a > prev)
			prev = a;	/* the latest start so far: no slow drift back */
		pay = pay_end = NULL;
		while (payload_next(l, &s, &n)) {
			if (!pay)
				pay = s;
			pay_end = s + n;
		}
		if (!pay)
			continue;
		clean_text(&c, pay, (size_t)(pay_end - pay), flags);
		for (size_t i = 0; i < c.nseg; i++) {
			const struct clean_seg *g = &c.seg[i];
			if (!g->txt_len)
				continue;
			err = ingest_add(t, g->has_speaker ? c.buf.s + g->spk_off : NULL, g->spk_len,
					 c.buf.s + g->txt_off, g->txt_len, a, b, first, diag);
			if (err)
				goto out;
		}
	}
out:
	clean_release(&c);
	return err;
}

size_t cues_apply_labels(struct mk_transcript *t, enum label_mode mode)
{
	struct labelset ls;
	size_t *lab = mk_calloc(t->n, sizeof *lab);
	size_t k, used = 0, unnamed = 0, w = 0;

	labelset_init(&ls);
	for (size_t i = 0; i < t->n; i++) {
		struct mk_utterance *u = &t->utt[i];
		if (u->speaker)
			continue;
		unnamed++;
		if ((lab[i] = label_prefix(u->text, strnlen(u->text, INGEST_MAX_LABEL + 2))))
			labelset_add(&ls, u->text, lab[i], label_kind(u->text, lab[i]));
	}
	labelset_resolve(&ls);
	for (size_t i = 0; i < t->n; i++) {
		if (lab[i] && !labelset_accepts(&ls, t->utt[i].text, lab[i]))
			lab[i] = 0;
		used += lab[i] > 0;
	}
	if (mode == LABELS_IF_MOST && used * 2 < unnamed)
		used = 0;
	if (!used)
		goto out;
	for (size_t i = 0; i < t->n; i++) {
		struct mk_utterance *u = &t->utt[i];
		if ((k = lab[i])) {
			size_t len = strlen(u->text), skip = k + 1;
			u->speaker = mk_strndup(u->text, k);
			while (skip < len && (u->text[skip] == ' ' || u->text[skip] == '\t'))
				skip++;
			memmove(u->text, u->text + skip, len - skip + 1);
		}
		if (!u->text[0]) {
			free(u->speaker);
			free(u->text);
			continue;
		}
		t->utt[w++] = *u;
	}
	t->n = w;
out:
	labelset_release(&ls);
	free(lab);
	return used;
}
