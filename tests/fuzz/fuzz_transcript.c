/*
 * fuzz_transcript.c: libFuzzer target for mk_transcript_parse, the public entry
 * point: whole-input screening (size, binary, NUL, line length, UTF-8), reader choice
 * by content, then the reader. A result must satisfy fuzz_check.h and, having passed
 * screening, hold only valid UTF-8 and a full digest. Seeds: corpus/fuzz_transcript/.
 */
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mk_transcript t;
	struct mk_diag d;
	enum mk_err err;
	char ms[32];

	mk_transcript_init(&t);
	err = mk_transcript_parse(&t, "calls/GMT20240124-202901_Recording.transcript.vtt",
				  (const char *)data, size, &d);
	fuzz_check(&t, err, &d, data, size);
	if (err) {
		FUZZ_ASSERT(t.n == 0 && t.utt == NULL);
	} else {
		/* a .docx is checked as the text it holds, not as its zip bytes */
		FUZZ_ASSERT(t.format == MK_FMT_TEAMS_DOCX || mk_utf8_valid((const char *)data, size, NULL));
		FUZZ_ASSERT(strlen(t.sha256) == 64);
		FUZZ_ASSERT(t.start != NULL);
		for (size_t i = 0; i < t.n; i++)
			mk_format_ms(t.utt[i].end_ms, ms, sizeof ms);
	}
	mk_transcript_release(&t);
	return 0;
}
