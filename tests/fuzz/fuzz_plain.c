/*
 * fuzz_plain.c: libFuzzer target for the plain "Name: text" reader (Otter, Meet, notes),
 * called directly on raw bytes: no size, NUL or UTF-8 screening first (see
 * fuzz_check.h for what a result must satisfy). Seeds: corpus/fuzz_plain/.
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
	err = plain_parse(&t, (const char *)data, size, &d);
	fuzz_check(&t, err, &d, data, size);
	mk_transcript_release(&t);
	return 0;
}
