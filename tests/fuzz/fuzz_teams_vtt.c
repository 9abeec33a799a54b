/*
 * fuzz_teams_vtt.c: libFuzzer target for the WebVTT reader in its Teams dialect (<v Name> voice spans),
 * called directly on raw bytes: no size, NUL or UTF-8 screening first (see
 * fuzz_check.h for what a result must satisfy). Seeds: corpus/fuzz_teams_vtt/.
 */
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mk_transcript t;
	struct mk_diag d;
	enum mk_err err;

	mk_transcript_init(&t);
	mk_diag_clear(&d);
	err = vtt_parse(&t, (const char *)data, size, MK_FMT_TEAMS_VTT, &d);
	fuzz_check(&t, err, &d, data, size);
	mk_transcript_release(&t);
	return 0;
}
