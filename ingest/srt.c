/*
 * srt.c: the SubRip reader: numbered cues with "00:00:01,000 --> 00:00:02,000"
 * timings (the shared cue loop of cues.c), <i>/<font> tags and {\an8} blocks
 * removed, and an optional "Name: " before the text naming the speaker.
 * Does not check size, NUL bytes or UTF-8 (transcript.c does before calling it).
 * Invariant: on success every utterance has a speaker ("" when nobody is named).
 */
#include "ingest/ingest.h"

#include <string.h>

enum mk_err srt_parse(struct mk_transcript *t, const char *data, size_t len,
		      struct mk_diag *diag)
{
	enum mk_err err;
	struct lines l;

	if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
		data += 3, len -= 3;
	lines_init(&l, data, len);
	err = cues_parse(t, &l, CUES_SRT, diag);
	if (err)
		goto out;
	cues_apply_labels(t, LABELS_ALWAYS);
	ingest_inherit(t);
	t->format = MK_FMT_SRT;
out:
	return err;
}
