/*
 * markdown.c: the reader for Markdown transcripts, as people and meeting-notes tools write
 * them: "**Name:** text", "**Name**: text", "**Name** (00:01:02):" or "**Name** [00:01:02]"
 * with the text on the same or the next lines, "### Name (00:01:02)" headings over their
 * text, any of these as list items ("- **Name**: text"). Each line is rewritten into the
 * plain reader's form (markup removed, one output line per input line, so line numbers
 * hold) and plain.c reads the result. Other headings, rules and front matter are dropped.
 * Invariant: md_sniff and md_parse agree on what a speaker line is (md_line).
 */
#include "ingest/ingest.h"

#include <string.h>

static int is_space(char c)
{
	return c == ' ' || c == '\t';
}

static const char *skip_spaces(const char *p, const char *end)
{
	while (p < end && is_space(*p))
		p++;
	return p;
}

/* A line of only '-', '*' or '_' (three or more, spaces allowed): a rule, or front matter. */
static int md_rule(const char *s, size_t n)
{
	size_t k = 0;
	char c = 0;
	for (size_t i = 0; i < n; i++) {
		if (is_space(s[i]))
			continue;
		if (!strchr("-*_", s[i]) || (c && s[i] != c))
			return 0;
		c = s[i];
		k++;
	}
	return k >= 3;
}

/* Strips "> " quote marks, a list marker ("- ", "* ", "+ ", "1. ") and heading hashes. */
static const char *md_prefix(const char *s, const char *end, int *heading)
{
	const char *p = skip_spaces(s, end), *q;
	*heading = 0;
	while (p < end && *p == '>')
		p = skip_spaces(p + 1, end);
	if (end - p >= 2 && strchr("-*+", *p) && is_space(p[1]))
		p = skip_spaces(p + 2, end);
	for (q = p; q < end && *q >= '0' && *q <= '9'; q++)
		;
	if (q > p && q - p <= 3 && end - q >= 2 && (*q == '.' || *q == ')') && is_space(q[1]))
		p = skip_spaces(q + 2, end);
	for (q = p; q < end && *q == '#' && q - p < 6; q++)
		;
	if (q > p && (q == end || is_space(*q))) {
		*heading = 1;
		p = skip_spaces(q, end);
	}
	return p;
}

/* What one Markdown line says, in the plain reader's terms. */
struct md_line {
	int speaker;            /* a speaker line ("Name: text" or a "Name (clock)" header) */
	int drop;               /* markup only: becomes a blank line */
	int section;            /* a heading that names nobody ("## Action items") */
	const char *name;       /* the speaker, with any clock inside it */
	size_t namelen;
	const char *clock;      /* a clock after the name ("(00:01:02)"), or NULL */
	size_t clocklen;
	const char *text;       /* the text (or, for other lines, the whole line) */
	size_t textlen;
};

/* A bracketed clock at p: its length, or 0. */
static size_t md_clock(const char *p, const char *end)
{
	const char *q = p;
	int64_t ms;
	int bare;
	if (!stamp_bracketed(&q, end, 0, &ms, &bare))
		return 0;
	return (size_t)(q - p);
}

static void md_classify(const char *s, size_t n, struct md_line *ml)
{
	const char *end = s + n, *p, *close;
	int heading;
	memset(ml, 0, sizeof *ml);
	ml->text = s;
	ml->textlen = n;
	p = md_prefix(s, end, &heading);
	if (md_rule(s, n) || (end - p >= 4 && !memcmp(p, "<!--", 4))) {
		ml->drop = 1;
		return;
	}
	if (end - p >= 4 && (!memcmp(p, "**", 2) || !memcmp(p, "__", 2))) {
		close = memmem(p + 2, (size_t)(end - p - 2), p, 2);
		if (!close || close == p + 2)
			goto other;
		ml->name = p + 2;
		ml->namelen = (size_t)(close - p - 2);
		p = skip_spaces(close + 2, end);
		if (ml->name[ml->namelen - 1] == ':') {         /* **Name:** text */
			ml->namelen--;
		} else if (p < end && *p == ':') {               /* **Name**: text */
			p++;
		} else if ((ml->clocklen = md_clock(p, end))) {  /* **Name** (00:01:02)[:] text */
			ml->clock = p;
			p = skip_spaces(p + ml->clocklen, end);
			if (p < end && *p == ':')
				p++;
		} else {
			goto other;
		}
		ml->speaker = label_kind(ml->name, ml->namelen) != LABEL_NO;	/* not "**Date:**" */
		ml->text = skip_spaces(p, end);
		ml->textlen = (size_t)(end - ml->text);
		if (!ml->speaker) {
			ml->text = s;
			ml->textlen = n;
		}
		return;
	}
	if (heading) {                                       /* ### Name (00:01:02) */
		size_t k = (size_t)(end - p);
		const char *name = span_trim(p, &k);
		for (size_t i = k; i > 0; i--) {
			if (name[i - 1] != '(' && name[i - 1] != '[')
				continue;
			if (md_clock(name + i - 1, name + k) == k - (i - 1)) {
				ml->speaker = 1;
				ml->name = name;
				ml->namelen = i - 1;
				ml->clock = name + i - 1;
				ml->clocklen = k - (i - 1);
				ml->text = name + k;
				ml->textlen = 0;
				return;
			}
			break;
		}
		ml->drop = ml->section = 1;
		return;
	}
other:
	ml->text = p;
	ml->textlen = (size_t)(end - p);
}

int md_sniff(const char *data, size_t len)
{
	struct lines l;
	struct md_line ml;
	const char *s;
	size_t n, md = 0, plain = 0;
	lines_init(&l, data, len);
	while (lines_next(&l, &s, &n)) {
		md_classify(s, n, &ml);
		if (ml.speaker)
			md++;	/* label_kind already refused "**Date:**" */
		else if (!ml.drop && label_prefix(ml.text, ml.textlen))
			plain++;
	}
	return md > 0 && md >= plain;
}

static int word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (unsigned char)c >= 0x80;
}

/* The '*' or '_' at s[i] opens ("*draft") or closes ("draft*") an emphasis: not "5 * 3" or
 * "file_name". */
static int emphasis(const char *s, size_t n, size_t i)
{
	int before = i > 0 && !is_space(s[i - 1]), after = i + 1 < n && !is_space(s[i + 1]);
	if (before && after)
		return !word_char(s[i - 1]) || !word_char(s[i + 1]);
	return before != after;
}

/* Text with "**", "__", emphasis marks and backticks removed and "[words](link)" cut to its
 * words. */
static void md_text(struct mk_buf *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i + 1 < n && (s[i] == '*' || s[i] == '_') && s[i + 1] == s[i]) {
			i++;
			continue;
		}
		if (s[i] == '`' || ((s[i] == '*' || s[i] == '_') && emphasis(s, n, i)))
			continue;
		if (s[i] == ']' && i + 1 < n && s[i + 1] == '(') {
			const char *close = memchr(s + i + 2, ')', n - i - 2);
			if (close) {
				i = (size_t)(close - s);
				continue;
			}
		}
		if (s[i] == '[' && memchr(s + i, ']', n - i)) {
			const char *close = memchr(s + i, ']', n - i);
			if ((size_t)(close - s) + 1 < n && close[1] == '(')
				continue;
		}
		mk_buf_addc(out, s[i]);
	}
}

/* The meeting's date: the first date before the transcript ("Date: 2026-03-10", a title
 * "Weekly sync, March 10, 2026", front matter "date: 2026-03-10"). */
static void md_date(struct mk_transcript *t, const char *s, size_t n)
{
	char day[11];
	if (!t->start && stamp_find_day(s, n, day))
		t->start = mk_strdup(day);
}

enum mk_err md_parse(struct mk_transcript *t, const char *data, size_t len, struct mk_diag *diag)
{
	struct mk_buf out;
	struct lines l;
	struct md_line ml;
	const char *s;
	size_t n;
	int front = 0, said = 0;	/* said: within the transcript, not before it or in notes */
	enum mk_err err;

	mk_buf_init(&out);
	lines_init(&l, data, len);
	while (lines_next(&l, &s, &n)) {
		if (l.no == 1 && n >= 3 && !memcmp(s, "---", 3) && span_blank(s + 3, n - 3))
			front = 1;
		else if (front && n >= 3 && (!memcmp(s, "---", 3) || !memcmp(s, "...", 3)))
			front = -1;
		if (front) {
			md_date(t, s, n);
			if (front < 0)
				front = 0;
			mk_buf_addc(&out, '\n');
			continue;
		}
		md_classify(s, n, &ml);
		if (ml.section)
			said = 0;	/* "## Action items": notes, until the next speaker line */
		if (ml.speaker) {
			said = 1;
			md_text(&out, ml.name, ml.namelen);
			if (ml.clock) {
				mk_buf_addc(&out, ' ');
				mk_buf_add(&out, ml.clock, ml.clocklen);
			}
			if (ml.textlen || !ml.clock)
				mk_buf_add(&out, ": ", 2);
			md_text(&out, ml.text, ml.textlen);
		} else if (!said) {
			md_date(t, ml.text, ml.textlen);	/* a title, a date, attendees: not said */
		} else if (!ml.drop) {
			md_text(&out, ml.text, ml.textlen);
		}
		mk_buf_addc(&out, '\n');
	}
	err = plain_parse(t, out.s ? out.s : "", out.len, diag);
	if (!err)
		t->format = MK_FMT_MARKDOWN;
	mk_buf_release(&out);
	return err;
}
