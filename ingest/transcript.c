/*
 * transcript.c: struct mk_transcript, the entry points mk_transcript_parse and
 * mk_transcript_read_file, and the whole-input checks made before any reader runs
 * (size cap, empty input, binary data, NUL bytes, line length cap, UTF-8), then the
 * choice of reader by content (never by file name: a zip is a .docx, whose extracted
 * text is checked and identified instead) and the meeting start a Zoom file name gives. Does not parse cues or lines itself (vtt.c, srt.c, plain.c).
 * Invariant: on error t holds no utterances and diag names the file (and line).
 */
#include "ingest/ingest.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Binary sniffing looks at this much of the start of the input. */
#define SNIFF_BYTES 8192

static const char *const format_names[] = {
	[MK_FMT_UNKNOWN] = "unknown",
	[MK_FMT_ZOOM_VTT] = "zoom-vtt",
	[MK_FMT_TEAMS_VTT] = "teams-vtt",
	[MK_FMT_VTT] = "webvtt",
	[MK_FMT_SRT] = "srt",
	[MK_FMT_PLAIN] = "plain",
	[MK_FMT_MARKDOWN] = "markdown",
	[MK_FMT_TEAMS_DOCX] = "teams-docx",
};

const char *mk_format_name(enum mk_format fmt)
{
	if ((unsigned)fmt >= sizeof format_names / sizeof format_names[0])
		return "unknown";
	return format_names[fmt];
}

/* ---- lifecycle ---- */

void mk_transcript_init(struct mk_transcript *t)
{
	memset(t, 0, sizeof *t);
}

void mk_transcript_release(struct mk_transcript *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++) {
		free(t->utt[i].speaker);
		free(t->utt[i].text);
	}
	free(t->utt);
	free(t->path);
	free(t->start);
	mk_transcript_init(t);
}

void mk_transcript_free(struct mk_transcript *t)
{
	mk_transcript_release(t);
	free(t);
}

/* ---- helpers for the readers ---- */

enum mk_err ingest_add(struct mk_transcript *t, const char *spk, size_t spklen,
		       const char *text, size_t len, int64_t start, int64_t end, long line,
		       struct mk_diag *diag)
{
	struct mk_utterance *u;
	if (t->n >= MK_MAX_UTTERANCES)
		return ingest_fail(t, diag, line, MK_ETOOBIG, "too many utterances (more than %u)",
				   MK_MAX_UTTERANCES);
	t->utt = mk_grow(t->utt, &t->cap, t->n + 1, sizeof *t->utt);
	u = &t->utt[t->n++];
	u->speaker = spk ? mk_strndup(spk, spklen) : NULL;
	u->text = mk_strndup(text, len);
	u->start_ms = start;
	u->end_ms = end;
	u->line = line;
	return MK_OK;
}

enum mk_err ingest_add_clean(struct mk_transcript *t, struct clean *c, const char *spk,
			     size_t spklen, const char *text, size_t len, int64_t start, int64_t end,
			     long line, int *added, struct mk_diag *diag)
{
	enum mk_err err = MK_OK;
	char *name = NULL;
	size_t namelen = 0;
	*added = 0;
	if (spk) {
		clean_text(c, spk, spklen, 0);
		namelen = c->seg[0].txt_len;
		name = mk_strndup(c->buf.s + c->seg[0].txt_off, namelen);
	}
	clean_text(c, text ? text : "", len, 0);
	if (c->seg[0].txt_len) {
		err = ingest_add(t, name, namelen, c->buf.s + c->seg[0].txt_off, c->seg[0].txt_len,
				 start, end, line, diag);
		*added = !err;
	}
	free(name);
	return err;
}

void ingest_inherit(struct mk_transcript *t)
{
	const char *last = "";
	for (size_t i = 0; i < t->n; i++) {
		if (!t->utt[i].speaker)
			t->utt[i].speaker = mk_strdup(last);
		last = t->utt[i].speaker;
	}
}

enum mk_err ingest_fail(const struct mk_transcript *t, struct mk_diag *diag, long line,
			enum mk_err err, const char *fmt, ...)
{
	va_list ap;
	char msg[sizeof diag->msg];
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	mk_diag_set(diag, t->path ? t->path : "", line, "%s", msg);
	return err;
}

const char *ingest_quote(const char *s, size_t n, char *out, size_t outlen)
{
	size_t k = n < 40 ? n : 40, j = 0;
	while (k > 0 && k < n && ((unsigned char)s[k] & 0xC0) == 0x80)
		k--;	/* do not cut a UTF-8 sequence */
	for (size_t i = 0; i < k && j + 4 < outlen; i++) {
		unsigned char c = (unsigned char)s[i];
		out[j++] = (c < 0x20 || c == 0x7F) ? '?' : (char)c;
	}
	if (k < n && j + 4 < outlen)
		out[j++] = '.', out[j++] = '.', out[j++] = '.';
	out[j] = '\0';
	return out;
}

/* ---- choosing a reader ---- */

enum mk_format transcript_sniff(const char *data, size_t len)
{
	struct lines l;
	const char *s, *s2;
	size_t n, n2;
	int found = 0;
	if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
		data += 3, len -= 3;
	lines_init(&l, data, len);
	while (!found && lines_next(&l, &s, &n))
		found = !span_blank(s, n);
	if (!found)
		return MK_FMT_PLAIN;
	s = span_trim(s, &n);
	if (n >= 6 && !memcmp(s, "WEBVTT", 6))
		return MK_FMT_VTT;
	if (span_has(s, n, "-->"))
		return MK_FMT_SRT;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return md_sniff(data, len) ? MK_FMT_MARKDOWN : MK_FMT_PLAIN;
	if (lines_next(&l, &s2, &n2) && span_has(s2, n2, "-->"))
		return MK_FMT_SRT;
	return MK_FMT_PLAIN;
}

/* ---- whole-input checks ---- */

/* NUL bytes or many control characters near the start: not text. */
static int looks_binary(const unsigned char *p, size_t len)
{
	size_t n = len < SNIFF_BYTES ? len : SNIFF_BYTES, ctl = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] == 0)
			return 1;
		if ((p[i] < 0x20 && !strchr("\t\n\r\f\v\x1b", p[i])) || p[i] == 0x7F)
			ctl++;
	}
	return ctl * 32 > n;
}

static enum mk_err check_input(const struct mk_transcript *t, const char *data, size_t len,
			       struct mk_diag *diag)
{
	const char *nul, *s;
	size_t bad, blank = 0, n;
	struct lines l;

	if (len > MK_MAX_TRANSCRIPT_BYTES)
		return ingest_fail(t, diag, 0, MK_ETOOBIG, "file is larger than %u MiB",
				   MK_MAX_TRANSCRIPT_BYTES >> 20);
	if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
		blank = 3;
	while (blank < len && data[blank] && strchr(" \t\r\n\f\v", data[blank]))
		blank++;
	if (blank == len)
		return ingest_fail(t, diag, 0, MK_EEMPTY, "empty file");
	if (looks_binary((const unsigned char *)data, len))
		return ingest_fail(t, diag, 0, MK_EFORMAT, "not a transcript (binary data)");
	if ((nul = memchr(data, '\0', len)))
		return ingest_fail(t, diag, lines_number_at(data, len, (size_t)(nul - data)),
				   MK_EFORMAT, "unexpected NUL byte");
	lines_init(&l, data, len);
	while (lines_next(&l, &s, &n))
		if (n > MK_MAX_LINE_BYTES)
			return ingest_fail(t, diag, l.no, MK_ETOOBIG, "line is longer than %u KiB",
					   MK_MAX_LINE_BYTES >> 10);
	if (!mk_utf8_valid(data, len, &bad))
		return ingest_fail(t, diag, lines_number_at(data, len, bad), MK_EUTF8,
				   "invalid UTF-8");
	return MK_OK;
}

/*
 * The identity of a call: the sha256 of its text with a BOM removed and CRLF and a lone CR
 * turned into LF, so a copy saved with other line endings is the same call. Text already in
 * that form (LF, no BOM) is hashed as it is: its digest is the raw bytes' one.
 */
void transcript_identity(const char *data, size_t len, char out[65])
{
	struct mk_buf b;
	size_t i = 0;
	if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
		i = 3;
	if (!i && !memchr(data, '\r', len)) {
		mk_sha256_hex(data, len, out);
		return;
	}
	mk_buf_init(&b);
	for (; i < len; i++) {
		if (data[i] != '\r')
			mk_buf_addc(&b, data[i]);
		else if (!(i + 1 < len && data[i + 1] == '\n'))
			mk_buf_addc(&b, '\n');
	}
	mk_sha256_hex(b.s ? b.s : "", b.len, out);
	mk_buf_release(&b);
}

enum mk_err mk_transcript_parse(struct mk_transcript *t, const char *path,
				const char *data, size_t len, struct mk_diag *diag)
{
	enum mk_err err;
	const char *body = data;
	size_t blen = len;
	struct mk_buf text;
	char iso[40];

	mk_transcript_release(t);
	mk_diag_clear(diag);
	t->path = mk_strdup(path ? path : "");
	if (len <= MK_MAX_TRANSCRIPT_BYTES && docx_sniff(data, len)) {
		/* a .docx: the checks, the identity and the reader work on its text */
		mk_buf_init(&text);
		if (!(err = docx_text(t, data, len, &text, diag)) &&
		    !(err = check_input(t, text.s ? text.s : "", text.len, diag))) {
			transcript_identity(text.s, text.len, t->sha256);
			err = docx_parse(t, text.s, text.len, diag);
		}
		mk_buf_release(&text);
		if (err)
			goto out;
		goto named;
	}
	err = check_input(t, data, len, diag);
	if (err)
		goto out;
	transcript_identity(data, len, t->sha256);
	if (blen >= 3 && !memcmp(body, "\xEF\xBB\xBF", 3))
		body += 3, blen -= 3;
	switch (transcript_sniff(body, blen)) {
	case MK_FMT_VTT:
		err = vtt_parse(t, body, blen, MK_FMT_UNKNOWN, diag);
		break;
	case MK_FMT_SRT:
		err = srt_parse(t, body, blen, diag);
		break;
	case MK_FMT_MARKDOWN:
		err = md_parse(t, body, blen, diag);
		break;
	default:
		err = plain_parse(t, body, blen, diag);
		break;
	}
	if (err)
		goto out;
named:
	if (!t->start && stamp_from_zoom_name(t->path, iso, sizeof iso))
		t->start = mk_strdup(iso);
out:
	if (err) {
		char *keep = t->path;
		t->path = NULL;
		mk_transcript_release(t);
		t->path = keep;
	}
	return err;
}

/* ---- reading a file ---- */

static const char *lower_first(const char *s, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s", s);
	if (out[0] >= 'A' && out[0] <= 'Z')
		out[0] = (char)(out[0] + 32);
	return out;
}

static enum mk_err read_all(FILE *f, const char *path, struct mk_buf *b, struct mk_diag *diag)
{
	char tmp[64 * 1024], msg[128];
	size_t got;
	while ((got = fread(tmp, 1, sizeof tmp, f)) > 0) {
		if (b->len + got > MK_MAX_TRANSCRIPT_BYTES) {
			mk_diag_set(diag, path, 0, "file is larger than %u MiB",
				    MK_MAX_TRANSCRIPT_BYTES >> 20);
			return MK_ETOOBIG;
		}
		mk_buf_add(b, tmp, got);
	}
	if (ferror(f)) {
		mk_diag_set(diag, path, 0, "cannot read: %s",
			    lower_first(strerror(errno), msg, sizeof msg));
		return MK_EIO;
	}
	return MK_OK;
}

enum mk_err mk_transcript_read_file(struct mk_transcript *t, const char *path,
				    struct mk_diag *diag)
{
	enum mk_err err = MK_OK;
	struct mk_buf b;
	struct stat st;
	FILE *f;
	int std = !strcmp(path, "-");
	char msg[128];

	mk_buf_init(&b);
	mk_diag_clear(diag);
	f = std ? stdin : fopen(path, "rb");
	if (!f) {
		mk_diag_set(diag, path, 0, "cannot open: %s",
			    lower_first(strerror(errno), msg, sizeof msg));
		err = MK_EIO;
		goto out;
	}
	if (fstat(fileno(f), &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			mk_diag_set(diag, path, 0, "cannot read: is a directory");
			err = MK_EIO;
			goto out;
		}
		if (S_ISREG(st.st_mode) && (unsigned long long)st.st_size > MK_MAX_TRANSCRIPT_BYTES) {
			mk_diag_set(diag, path, 0, "file is larger than %u MiB",
				    MK_MAX_TRANSCRIPT_BYTES >> 20);
			err = MK_ETOOBIG;
			goto out;
		}
	}
	err = read_all(f, path, &b, diag);
	if (err)
		goto out;
	err = mk_transcript_parse(t, path, b.s ? b.s : "", b.len, diag);
out:
	if (f && !std)
		fclose(f);
	mk_buf_release(&b);
	return err;
}
