/*
 * docx.c: the reader for Teams .docx transcripts. Opens the zip from memory with libarchive
 * (zip only), reads word/document.xml under hard caps (entries, uncompressed bytes), walks
 * it with libxml2's streaming reader (no network, no DTD, no entities) into text, one line
 * per paragraph or line break; then reads Teams' layout from those lines: "Name   0:03" over
 * (or before a line break in) the text, or the older "0:0:0.0 --> 0:0:5.320", name, text.
 * Lines before the first speaker (title, date, length) are not speech; a date there dates
 * the meeting; "X started transcription" is dropped.
 * Invariant: docx_text's output is valid UTF-8 with no NUL; identity is taken over it.
 */
#include "ingest/ingest.h"

#include <archive.h>
#include <archive_entry.h>
#include <libxml/xmlreader.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define DOCX_MAIN "word/document.xml"
#define W_NS "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define W_NS_STRICT "http://purl.oclc.org/ooxml/wordprocessingml/main"

int docx_sniff(const char *data, size_t len)
{
	return len >= 4 && (!memcmp(data, "PK\x03\x04", 4) || !memcmp(data, "PK\x05\x06", 4));
}

/* ---- the zip: word/document.xml, capped ---- */

static enum mk_err zip_main_part(const struct mk_transcript *t, const char *data, size_t len,
				 struct mk_buf *xml, struct mk_diag *diag)
{
	struct archive *a = archive_read_new();
	struct archive_entry *ent;
	enum mk_err err = MK_OK;
	size_t entries = 0;
	int r, found = 0;
	char buf[64 * 1024];

	if (!a)
		abort();	/* libarchive allocates nothing else here: out of memory */
	archive_read_support_format_zip(a);
	if (archive_read_open_memory(a, data, len) != ARCHIVE_OK) {
		err = ingest_fail(t, diag, 0, MK_EFORMAT, "not a readable .docx (corrupt zip archive)");
		goto out;
	}
	while (!found && (r = archive_read_next_header(a, &ent)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(ent);
		if (++entries > DOCX_MAX_ENTRIES) {
			err = ingest_fail(t, diag, 0, MK_ETOOBIG, "zip archive has more than %u entries",
					  DOCX_MAX_ENTRIES);
			goto out;
		}
		if (!name || strcmp(name, DOCX_MAIN))
			continue;	/* never inflated: the next header skips it */
		found = 1;
		if (archive_entry_size_is_set(ent) && archive_entry_size(ent) > (la_int64_t)DOCX_MAX_XML_BYTES)
			goto too_big;
		for (;;) {
			la_ssize_t got = archive_read_data(a, buf, sizeof buf);
			if (got == 0)
				break;
			if (got < 0) {
				err = ingest_fail(t, diag, 0, MK_EFORMAT,
						  "cannot read " DOCX_MAIN " (corrupt or encrypted)");
				goto out;
			}
			if (xml->len + (size_t)got > DOCX_MAX_XML_BYTES)
				goto too_big;
			mk_buf_add(xml, buf, (size_t)got);
		}
	}
	if (!found && r != ARCHIVE_EOF)
		err = ingest_fail(t, diag, 0, MK_EFORMAT, "not a readable .docx (corrupt zip archive)");
	else if (!found)
		err = ingest_fail(t, diag, 0, MK_EFORMAT, "not a Word document (no " DOCX_MAIN ")");
	goto out;
too_big:
	err = ingest_fail(t, diag, 0, MK_ETOOBIG, DOCX_MAIN " is larger than %u MiB uncompressed",
			  DOCX_MAX_XML_BYTES >> 20);
out:
	archive_read_free(a);
	return err;
}

/* ---- the XML: paragraphs as lines ---- */

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_init(void)
{
	xmlInitParser();
}

static void xml_quiet(void *ctx, xmlErrorPtr e)
{
	(void)ctx;
	(void)e;
}

static int w_elem(xmlTextReaderPtr r, const char *local)
{
	const char *ns = (const char *)xmlTextReaderConstNamespaceUri(r);
	const char *name = (const char *)xmlTextReaderConstLocalName(r);
	return ns && name && (!strcmp(ns, W_NS) || !strcmp(ns, W_NS_STRICT)) && !strcmp(name, local);
}

enum mk_err docx_xml_text(const struct mk_transcript *t, const char *xml, size_t len,
			  struct mk_buf *out, struct mk_diag *diag)
{
	xmlTextReaderPtr r;
	enum mk_err err = MK_OK;
	int rc, in_t = 0;

	if (memmem(xml, len, "<!DOCTYPE", 9))
		return ingest_fail(t, diag, 0, MK_EFORMAT, "malformed " DOCX_MAIN " (a DTD is not allowed)");
	if (len > (size_t)1 << 30)
		return ingest_fail(t, diag, 0, MK_ETOOBIG, DOCX_MAIN " is too large");
	pthread_once(&xml_once, xml_init);
	r = xmlReaderForMemory(xml, (int)len, DOCX_MAIN, NULL,
			       XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!r)
		return ingest_fail(t, diag, 0, MK_EFORMAT, "malformed " DOCX_MAIN);
	xmlTextReaderSetStructuredErrorHandler(r, xml_quiet, NULL);
	while ((rc = xmlTextReaderRead(r)) == 1) {
		int type = xmlTextReaderNodeType(r);
		if (type == XML_READER_TYPE_ELEMENT) {
			if (w_elem(r, "t"))
				in_t = !xmlTextReaderIsEmptyElement(r);
			else if (w_elem(r, "tab"))
				mk_buf_addc(out, '\t');
			else if (w_elem(r, "br") || w_elem(r, "cr") ||
				 (w_elem(r, "p") && xmlTextReaderIsEmptyElement(r)))
				mk_buf_addc(out, '\n');
			else if (w_elem(r, "noBreakHyphen"))
				mk_buf_addc(out, '-');
		} else if (type == XML_READER_TYPE_END_ELEMENT) {
			if (w_elem(r, "t"))
				in_t = 0;
			else if (w_elem(r, "p"))
				mk_buf_addc(out, '\n');
		} else if (in_t && (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
				    type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE ||
				    type == XML_READER_TYPE_WHITESPACE)) {
			const char *v = (const char *)xmlTextReaderConstValue(r);
			if (v)
				mk_buf_add(out, v, strlen(v));
		}
		if (out->len > MK_MAX_TRANSCRIPT_BYTES) {
			err = ingest_fail(t, diag, 0, MK_ETOOBIG, "text is larger than %u MiB",
					  MK_MAX_TRANSCRIPT_BYTES >> 20);
			goto out;
		}
	}
	if (rc != 0)
		err = ingest_fail(t, diag, 0, MK_EFORMAT, "malformed " DOCX_MAIN " (not well-formed XML)");
out:
	xmlFreeTextReader(r);
	return err;
}

enum mk_err docx_text(const struct mk_transcript *t, const char *data, size_t len,
		      struct mk_buf *out, struct mk_diag *diag)
{
	struct mk_buf xml;
	enum mk_err err;
	mk_buf_init(&xml);
	err = zip_main_part(t, data, len, &xml, diag);
	if (!err)
		err = docx_xml_text(t, xml.s ? xml.s : "", xml.len, out, diag);
	mk_buf_release(&xml);
	return err;
}

/* ---- Teams' layout ---- */

/* "start --> end" filling the line. */
static int arrow_line(const char *s, size_t n, int64_t *a, int64_t *b)
{
	const char *p, *end;
	s = span_trim(s, &n);
	p = s, end = s + n;
	if (!stamp_cue(&p, end, a))
		return 0;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (end - p < 3 || memcmp(p, "-->", 3))
		return 0;
	p += 3;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return stamp_cue(&p, end, b) && p == end && *b >= *a;
}

/* "Name   0:03": the name (into *name, *k) and the time; 0 if the line is not that. */
static int header_line(const char *s, size_t n, const char **name, size_t *k, int64_t *ms)
{
	size_t sp;
	const char *p;
	s = span_trim(s, &n);
	for (sp = n; sp > 0 && s[sp - 1] != ' ' && s[sp - 1] != '\t'; sp--)
		;
	p = s + sp;
	if (sp == 0 || !stamp_clock(&p, s + n, ms) || p != s + n)
		return 0;
	*k = sp;
	*name = span_trim(s, k);
	return *k > 0 && *k <= INGEST_MAX_LABEL;
}

/* "Dana Whitfield started transcription": Teams' note, not speech. */
static int transcription_note(const char *s, size_t n)
{
	static const char *const notes[] = { " started transcription", " stopped transcription" };
	s = span_trim(s, &n);
	for (size_t i = 0; i < 2; i++) {
		size_t k = strlen(notes[i]);
		if (n > k && !memcmp(s + n - k, notes[i], k))
			return 1;
	}
	return 0;
}

struct turn {
	int active;
	const char *spk;
	size_t spklen;
	int64_t start, end;         /* end < 0: until the next turn */
	long line;
	struct mk_buf text;
};

static enum mk_err turn_flush(struct mk_transcript *t, struct turn *tu, struct clean *c,
			      struct mk_diag *diag)
{
	enum mk_err err;
	int added;
	if (!tu->active)
		return MK_OK;
	tu->active = 0;
	err = ingest_add_clean(t, c, tu->spk, tu->spklen, tu->text.s, tu->text.len, tu->start,
			       tu->end < 0 ? tu->start : tu->end, tu->line, &added, diag);
	if (added && tu->end < 0)
		t->utt[t->n - 1].end_ms = -1;	/* set from the next turn's start */
	mk_buf_reset(&tu->text);
	return err;
}

enum mk_err docx_parse(struct mk_transcript *t, const char *text, size_t len, struct mk_diag *diag)
{
	enum mk_err err = MK_OK;
	struct labelset ls;
	struct turn tu = { 0 };
	struct clean c;
	struct lines l;
	const char *s, *name;
	size_t n, k;
	int64_t a, b, prev = -1;
	int want_name = 0;
	char day[11], x[32], y[32];

	labelset_init(&ls);
	clean_init(&c);
	mk_buf_init(&tu.text);
	lines_init(&l, text, len);
	while (lines_next(&l, &s, &n))
		if (header_line(s, n, &name, &k, &a))
			labelset_add(&ls, name, k, label_kind(name, k));
	labelset_resolve(&ls);

	lines_init(&l, text, len);
	while (lines_next(&l, &s, &n)) {
		int head = 0, arrow = 0;
		if (span_blank(s, n) || transcription_note(s, n))
			continue;
		if (arrow_line(s, n, &a, &b))
			arrow = 1;
		else if (!want_name && header_line(s, n, &name, &k, &a) && labelset_accepts(&ls, name, k))
			head = 1, b = -1;
		if (arrow || head) {
			if (prev >= 0 && a + INGEST_BACKWARDS_MS < prev) {
				mk_format_ms(a, x, sizeof x);
				mk_format_ms(prev, y, sizeof y);
				err = ingest_fail(t, diag, l.no, MK_EFORMAT,
						  "timestamp goes backwards '%s' after '%s'", x, y);
				goto out;
			}
			if (a > prev)
				prev = a;
			if ((err = turn_flush(t, &tu, &c, diag)))
				goto out;
			tu.active = 1;
			tu.start = a;
			tu.end = b;
			tu.line = l.no;
			tu.spk = "";
			tu.spklen = 0;
			if (head)
				tu.spk = name, tu.spklen = k;
			want_name = arrow;
		} else if (want_name) {
			tu.spk = span_trim(s, &n);
			tu.spklen = n;
			want_name = 0;
		} else if (tu.active) {
			if (tu.text.len)
				mk_buf_addc(&tu.text, '\n');
			mk_buf_add(&tu.text, s, n);
		} else if (!t->start && stamp_find_day(s, n, day)) {
			t->start = mk_strdup(day);	/* before the first turn: title, date, length */
		}
	}
	if ((err = turn_flush(t, &tu, &c, diag)))
		goto out;
	if (!t->n) {
		err = ingest_fail(t, diag, 0, MK_EFORMAT,
				  "not a Teams transcript (no \"Name 0:03\" speaker lines)");
		goto out;
	}
	for (size_t i = 0; i < t->n; i++) {
		if (t->utt[i].end_ms >= 0)
			continue;
		int64_t next = i + 1 < t->n ? t->utt[i + 1].start_ms : t->utt[i].start_ms;
		t->utt[i].end_ms = next > t->utt[i].start_ms ? next : t->utt[i].start_ms;
	}
	t->format = MK_FMT_TEAMS_DOCX;
out:
	mk_buf_release(&tu.text);
	clean_release(&c);
	labelset_release(&ls);
	return err;
}
