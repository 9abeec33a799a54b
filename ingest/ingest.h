/*
 * ingest.h: the inside of ingest/, shared by its readers and their fuzz targets.
 * Owns the line cursor, timestamp cursors, cue-text cleaning, the speaker-label
 * heuristic and the per-reader entry points (vtt_parse, srt_parse, plain_parse).
 * Does not check the input as a whole (size, binary data, UTF-8): that is
 * mk_transcript_parse's job, so each reader must survive any bytes it is given.
 * Invariant: times are milliseconds; readers leave no NULL speaker in t on success.
 */
#ifndef MK_INGEST_H
#define MK_INGEST_H

#include "mapkeeper.h"
#include "util/util.h"

#include <stddef.h>
#include <stdint.h>

/* A cue may start this much before the latest earlier start (overlapping speakers). */
#define INGEST_BACKWARDS_MS 1000
/* A speaker label is at most this long (bytes). */
#define INGEST_MAX_LABEL 60

/* ---- lines (lines.c) ---- */

/* Walks data line by line; CRLF, LF and a lone CR all end a line. */
struct lines {
	const char *p, *end;
	long no;                 /* 1-based number of the line last returned */
};

void lines_init(struct lines *l, const char *data, size_t len);
/* Returns 1 and the next line (without its terminator) or 0 at the end. */
int lines_next(struct lines *l, const char **s, size_t *n);
/* The next line without consuming it. */
int lines_peek(const struct lines *l, const char **s, size_t *n);
/* 1-based line holding byte off of data (same line rules as lines_next). */
long lines_number_at(const char *data, size_t len, size_t off);

/* Trims ASCII spaces and tabs from both ends of s[0..*n). */
const char *span_trim(const char *s, size_t *n);
int span_blank(const char *s, size_t n);
int span_has(const char *s, size_t n, const char *needle);

/* ---- timestamps (stamp.c): cursors advance *p only on success ---- */

/* WebVTT/SRT cue time: [h...:]mm:ss[(.|,)f{1,3}] with mm, ss < 60; with hours, minutes and
 * seconds may have one digit (Microsoft Graph's "0:0:5.320"). */
int stamp_cue(const char **p, const char *end, int64_t *ms);
/* A spoken-transcript clock: [h:]m:ss or hh:mm:ss, optional fraction. */
int stamp_clock(const char **p, const char *end, int64_t *ms);
/* A clock in [..] or (..) brackets; *bare is set when brackets were absent (bare allowed). */
int stamp_bracketed(const char **p, const char *end, int allow_bare, int64_t *ms, int *bare);
/* Zoom file names "GMT20240124-202901..." -> "2024-01-24T20:29:01Z", else a "YYYY-MM-DD" in
 * the base name -> that date (out >= 21 bytes). */
int stamp_from_zoom_name(const char *name, char *out, size_t outlen);
/* Finds a calendar date in s: "2026-03-10", "March 10, 2026", "10 Mar 2026" -> "2026-03-10". */
int stamp_find_day(const char *s, size_t n, char out[11]);
/* Finds an ISO 8601 date-time ("2024-01-24T20:29:01Z") in s; copies it into out. */
int stamp_find_iso(const char *s, size_t n, char *out, size_t outlen);

/* ---- cue text (cuetext.c) ---- */

enum clean_flags {
	CLEAN_MARKUP = 1,   /* WebVTT/SRT: strip tags, decode entities, <v> voice spans */
	CLEAN_ASS = 2       /* SRT: drop {\an8}-style override blocks */
};

/* One voice span (or the text outside any): offsets into clean.buf. */
struct clean_seg {
	int has_speaker;
	size_t spk_off, spk_len;
	size_t txt_off, txt_len;
};

/* Reused across cues: the cleaned text of one cue, cut into voice segments. */
struct clean {
	struct mk_buf buf;
	struct clean_seg *seg;
	size_t nseg, cap;
};

void clean_init(struct clean *c);
void clean_release(struct clean *c);
/*
 * Cleans s[0..n) (one cue payload, lines joined by their terminators) into c:
 * tags removed, entities decoded, whitespace folded, each <v Name> starting a
 * segment. Segments may have empty text.
 */
void clean_text(struct clean *c, const char *s, size_t n, unsigned flags);
/* Decodes the entity at s (after '&'); returns the bytes consumed (0 = not one) and the code point. */
size_t entity_decode(const char *s, size_t n, uint32_t *cp);
/* UTF-8 encodes cp into out[4]; returns the length. */
size_t utf8_put(uint32_t cp, char *out);

/* ---- speaker labels (labels.c) ---- */

enum label_kind {
	LABEL_NO = 0,       /* cannot be a speaker ("Note", a sentence, too long) */
	LABEL_MAYBE = 1,    /* plausible only if the file uses it more than once */
	LABEL_NAME = 2      /* looks like a name ("Dr. Melissa Ko", "Akash | ECH") */
};

enum label_kind label_kind(const char *s, size_t n);
/* Length of the "Name" in "Name: text" at the start of s, or 0. */
size_t label_prefix(const char *s, size_t n);

/* Candidate labels of one file; a label is accepted when NAME or used twice. */
struct labelset {
	struct label_ent *v;
	size_t n, cap;
	size_t *acc;            /* accepted entries, sorted; indexes into v */
	size_t nacc;
};

void labelset_init(struct labelset *ls);
void labelset_release(struct labelset *ls);
void labelset_add(struct labelset *ls, const char *s, size_t n, enum label_kind k);
void labelset_resolve(struct labelset *ls);
int labelset_accepts(const struct labelset *ls, const char *s, size_t n);

/* ---- building a transcript (transcript.c) ---- */

/*
 * Appends an utterance (copies speaker and text; speaker NULL = not known yet,
 * resolved by ingest_inherit). Fails past MK_MAX_UTTERANCES.
 */
enum mk_err ingest_add(struct mk_transcript *t, const char *spk, size_t spklen,
		       const char *text, size_t len, int64_t start, int64_t end, long line,
		       struct mk_diag *diag);
/* The same after cleaning spk (when not NULL) and text (clean_text, no markup); adds
 * nothing when the text cleans to nothing. *added says whether it added one. */
enum mk_err ingest_add_clean(struct mk_transcript *t, struct clean *c, const char *spk,
			     size_t spklen, const char *text, size_t len, int64_t start, int64_t end,
			     long line, int *added, struct mk_diag *diag);
/* Gives every utterance without a speaker the previous one's ("" at the top). */
void ingest_inherit(struct mk_transcript *t);
/* Sets diag for t's file and returns err. */
enum mk_err ingest_fail(const struct mk_transcript *t, struct mk_diag *diag, long line,
			enum mk_err err, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Quotes s[0..n) for a message: at most 40 bytes, never cutting a UTF-8 sequence. */
const char *ingest_quote(const char *s, size_t n, char *out, size_t outlen);

/* The sha256 (hex) identifying a call: over data with a BOM removed and CRLF, CR -> LF. */
void transcript_identity(const char *data, size_t len, char out[65]);

/* The reader content sniffing picks: MK_FMT_VTT (any WebVTT), MK_FMT_SRT, MK_FMT_MARKDOWN or
 * MK_FMT_PLAIN. */
enum mk_format transcript_sniff(const char *data, size_t len);

/* ---- readers ---- */

/*
 * WebVTT. dialect MK_FMT_UNKNOWN decides by content (any <v Name> -> teams-vtt;
 * mostly "Name: text" cues -> zoom-vtt; else webvtt); another value forces it.
 */
enum mk_err vtt_parse(struct mk_transcript *t, const char *data, size_t len,
		      enum mk_format dialect, struct mk_diag *diag);
enum mk_err srt_parse(struct mk_transcript *t, const char *data, size_t len,
		      struct mk_diag *diag);
enum mk_err plain_parse(struct mk_transcript *t, const char *data, size_t len,
			struct mk_diag *diag);

/* Markdown transcripts (markdown.c): md_sniff is 1 when data's speaker lines are mostly
 * Markdown ones ("**Name:**", "**Name** (00:01:02):", "### Name (00:01:02)"). */
int md_sniff(const char *data, size_t len);
enum mk_err md_parse(struct mk_transcript *t, const char *data, size_t len,
		     struct mk_diag *diag);

/* Teams .docx transcripts (docx.c). Caps on the zip: entries read, and the bytes
 * word/document.xml may inflate to (a zip bomb stops there). */
#define DOCX_MAX_ENTRIES   10000u
#define DOCX_MAX_XML_BYTES MK_MAX_TRANSCRIPT_BYTES
/* A zip archive (a .docx) by its first bytes. */
int docx_sniff(const char *data, size_t len);
/* The text of a .docx: word/document.xml's paragraphs (and line breaks) as lines. */
enum mk_err docx_text(const struct mk_transcript *t, const char *data, size_t len,
		      struct mk_buf *out, struct mk_diag *diag);
/* The same from word/document.xml itself (what docx_text does after unzipping). */
enum mk_err docx_xml_text(const struct mk_transcript *t, const char *xml, size_t len,
			  struct mk_buf *out, struct mk_diag *diag);
/* Reads Teams' layout from docx_text's lines into t. */
enum mk_err docx_parse(struct mk_transcript *t, const char *text, size_t len,
		       struct mk_diag *diag);

/* The cue-block loop WebVTT and SRT share (cues.c); l is just past any header. */
enum cue_syntax { CUES_VTT, CUES_SRT };
enum mk_err cues_parse(struct mk_transcript *t, struct lines *l, enum cue_syntax syn,
		       struct mk_diag *diag);

/*
 * Turns accepted "Name: text" prefixes of utterances with no speaker yet into
 * speakers (dropping any left empty); LABELS_IF_MOST does so only when at least half
 * of those utterances have one. Returns how many were used.
 */
enum label_mode { LABELS_ALWAYS, LABELS_IF_MOST };
size_t cues_apply_labels(struct mk_transcript *t, enum label_mode mode);

#endif
