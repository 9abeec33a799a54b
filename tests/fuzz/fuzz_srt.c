/*
 * fuzz_srt.c: libFuzzer target for the SubRip reader,
 * called directly on raw bytes: no size, NUL or UTF-8 screening first (see
 * fuzz_check.h for what a result must satisfy). Seeds: corpus/fuzz_srt/.
 */
#include "fuzz_check.h"

FUZZ_READER_TARGET(srt_parse(&t, (const char *)data, size, &d))
