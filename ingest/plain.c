/*
 * plain.c: the reader for pasted transcripts (Otter, Meet, notes): "Name: text"
 * lines with or without a clock before or after the name, Otter's "Name  0:05" over
 * its text, clock-only lines (Meet) timing what follows. An unnamed line continues
 * the utterance above it, or after a blank line starts one by the same speaker.
 * Does not check size, NUL bytes or UTF-8 (transcript.c does before calling it).
 * Invariant: labels are accepted file-wide (pass 1) before lines are read (pass 2).
 */
#include "ingest/ingest.h"

#include <stdlib.h>
#include <string.h>

/* How far into a line the ':' ending a label (plus a clock) may be. */
#define PLAIN_LABEL_SCAN (INGEST_MAX_LABEL + 24)

struct pline {
	const char *s;          /* the line, trimmed */
	size_t n;
	int has_ms, bracketed;  /* a clock was found; it was in brackets before the name */
	int64_t ms;
	int clock_only;         /* the line is just a clock */
	int header;             /* Otter "Name  0:05": the text is on the next lines */
	const char *lab;        /* the candidate speaker, or NULL */
	size_t lablen;
	enum label_kind kind;
	const char *text;       /* after the label */
	size_t textlen;
	const char *rest;       /* after a leading clock: the text if the label is refused */
	size_t restlen;
};

static int is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* A clock filling s[0..n) exactly ("[0:05]", "(00:01:02)", "1:02"). */
static int whole_clock(const char *s, size_t n, int64_t *ms)
{
	const char *p = s;
	int bare;
	return stamp_bracketed(&p, s + n, 1, ms, &bare) && p == s + n;
}

/* "Name 00:01:02" / "Name [1:02]": splits off a trailing clock. */
static int split_clock(const char **name, size_t *n, int64_t *ms)
{
	const char *s = *name;
	size_t k = *n, sp;
	for (sp = k; sp > 0 && !is_space(s[sp - 1]); sp--)
		;
	if (sp == 0 || !whole_clock(s + sp, k - sp, ms))
		return 0;
	k = sp;
	s = span_trim(s, &k);
	if (!k)
		return 0;
	*name = s;
	*n = k;
	return 1;
}

static void classify(const char *s, size_t n, struct pline *pl)
{
	const char *p, *end;
	int bare;
	int64_t ms;

	memset(pl, 0, sizeof *pl);
	s = span_trim(s, &n);
	pl->s = pl->rest = s;
	pl->n = pl->restlen = n;
	p = s, end = s + n;
	if (stamp_bracketed(&p, end, 1, &ms, &bare) && (p == end || is_space(*p))) {
		pl->has_ms = 1, pl->ms = ms, pl->bracketed = !bare;
		while (p < end && is_space(*p))
			p++;
		pl->rest = p;
		pl->restlen = (size_t)(end - p);
		if (!pl->restlen) {
			pl->clock_only = 1;
			return;
		}
	}
	/* "Name: text", "Name [0:05]: text", "Name 00:01:02: text" */
	const char *r = pl->rest;
	size_t rn = pl->restlen, lim = rn < PLAIN_LABEL_SCAN ? rn : PLAIN_LABEL_SCAN;
	for (size_t i = 1; i < lim + (lim == rn); i++) {
		if (r[i - 1] != ':' || !(i == rn || is_space(r[i])))
			continue;
		const char *lab = r;
		size_t k = i - 1;
		lab = span_trim(lab, &k);
		if (!pl->has_ms && split_clock(&lab, &k, &ms))
			pl->has_ms = 1, pl->ms = ms;
		pl->lab = lab;
		pl->lablen = k;
		pl->kind = label_kind(lab, k);
		pl->text = r + i;
		pl->textlen = rn - i;
		pl->text = span_trim(pl->text, &pl->textlen);
		/* "Name: [00:01:02] text" */
		p = pl->text, end = pl->text + pl->textlen;
		if (!pl->has_ms && stamp_bracketed(&p, end, 0, &ms, &bare) && (p == end || is_space(*p))) {
			pl->has_ms = 1, pl->ms = ms;
			pl->textlen = (size_t)(end - p);
			pl->text = span_trim(p, &pl->textlen);
		}
		return;
	}
	/* Otter: "Name  0:05" */
	if (!pl->has_ms) {
		const char *lab = s;
		size_t k = n;
		if (split_clock(&lab, &k, &ms)) {
			pl->has_ms = 1, pl->ms = ms, pl->header = 1;
			pl->lab = lab;
			pl->lablen = k;
			pl->kind = label_kind(lab, k);
		}
	}
}

/* pl names nobody: the line is text, after a bracketed clock if any. */
static void refuse_label(struct pline *pl)
{
	pl->lab = NULL;
	pl->header = 0;
	if (pl->bracketed)
		return;
	pl->has_ms = 0;
	pl->rest = pl->s;
	pl->restlen = pl->n;
}

/* The utterance being gathered: its lines joined, cleaned when it is complete. */
struct pending {
	int active;
	const char *spk;
	size_t spklen;
	int64_t start;
	long line;
	struct mk_buf text;
};

static enum mk_err pending_flush(struct mk_transcript *t, struct pending *pd, struct clean *c,
				 struct mk_diag *diag)
{
	enum mk_err err;
	int added;
	if (!pd->active)
		return MK_OK;
	pd->active = 0;
	err = ingest_add_clean(t, c, pd->spk, pd->spklen, pd->text.s, pd->text.len, pd->start,
			       pd->start, pd->line, &added, diag);
	mk_buf_reset(&pd->text);
	return err;
}

static void pending_start(struct pending *pd, const char *spk, size_t spklen, int64_t start,
			  long line, const char *text, size_t n)
{
	pd->active = 1;
	pd->spk = spk;
	pd->spklen = spklen;
	pd->start = start;
	pd->line = line;
	mk_buf_reset(&pd->text);
	mk_buf_add(&pd->text, text, n);
}

static enum mk_err clock_check(const struct mk_transcript *t, long line, int64_t ms, int64_t prev,
			       struct mk_diag *diag)
{
	char x[32], y[32];
	if (prev < 0 || ms + INGEST_BACKWARDS_MS >= prev)
		return MK_OK;
	mk_format_ms(ms, x, sizeof x);
	mk_format_ms(prev, y, sizeof y);
	return ingest_fail(t, diag, line, MK_EFORMAT, "timestamp goes backwards '%s' after '%s'", x, y);
}

/*
 * Times: an utterance without a clock starts at the last clock seen (0 before any)
 * and ends where the next one starts (the last one: at its start). The input is a
 * transcript only when a third of its lines (clock-only lines aside) name a speaker
 * or start with a bracketed clock.
 */
enum mk_err plain_parse(struct mk_transcript *t, const char *data, size_t len,
			struct mk_diag *diag)
{
	enum mk_err err = MK_OK;
	struct labelset ls;
	struct pending pd = { 0 };
	struct clean c;
	struct lines l;
	struct pline pl;
	const char *s;
	size_t n, nonblank = 0, named = 0;
	int64_t clock = 0, prev = -1;
	int joinable = 0;

	labelset_init(&ls);
	clean_init(&c);
	mk_buf_init(&pd.text);
	if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
		data += 3, len -= 3;

	lines_init(&l, data, len);
	while (lines_next(&l, &s, &n)) {
		if (span_blank(s, n))
			continue;
		classify(s, n, &pl);
		nonblank += !pl.clock_only;
		if (pl.lab)
			labelset_add(&ls, pl.lab, pl.lablen, pl.kind);
	}
	labelset_resolve(&ls);

	lines_init(&l, data, len);
	while (lines_next(&l, &s, &n)) {
		if (span_blank(s, n)) {
			joinable = 0;
			continue;
		}
		classify(s, n, &pl);
		if (pl.lab && !labelset_accepts(&ls, pl.lab, pl.lablen))
			refuse_label(&pl);
		else if (!pl.lab && !pl.bracketed && !pl.clock_only)
			refuse_label(&pl);	/* "10:30 works for me" is text */
		if (pl.has_ms) {
			err = clock_check(t, l.no, pl.ms, prev, diag);
			if (err)
				goto out;
			clock = pl.ms;
			if (clock > prev)
				prev = clock;
		}
		if (pl.clock_only) {
			joinable = 0;
			continue;
		}
		if (pl.lab || pl.has_ms) {
			err = pending_flush(t, &pd, &c, diag);
			if (err)
				goto out;
			named++;
			if (pl.lab)
				pending_start(&pd, pl.lab, pl.lablen, clock, l.no, pl.text, pl.textlen);
			else
				pending_start(&pd, NULL, 0, clock, l.no, pl.rest, pl.restlen);
			joinable = 1;
		} else if (joinable) {
			mk_buf_addc(&pd.text, '\n');
			mk_buf_add(&pd.text, pl.s, pl.n);
		} else {
			err = pending_flush(t, &pd, &c, diag);
			if (err)
				goto out;
			pending_start(&pd, NULL, 0, clock, l.no, pl.s, pl.n);
			joinable = 1;
		}
	}
	err = pending_flush(t, &pd, &c, diag);
	if (err)
		goto out;
	if (!named || named * 3 < nonblank) {
		err = ingest_fail(t, diag, 0, MK_EFORMAT, "not a transcript (no cues or speaker lines)");
		goto out;
	}
	for (size_t i = 0; i < t->n; i++) {
		int64_t next = i + 1 < t->n ? t->utt[i + 1].start_ms : t->utt[i].start_ms;
		t->utt[i].end_ms = next > t->utt[i].start_ms ? next : t->utt[i].start_ms;
	}
	ingest_inherit(t);
	t->format = MK_FMT_PLAIN;
out:
	mk_buf_release(&pd.text);
	clean_release(&c);
	labelset_release(&ls);
	return err;
}
