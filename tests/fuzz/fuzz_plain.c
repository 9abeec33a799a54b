/*
 * fuzz_plain.c: libFuzzer target for the plain "Name: text" reader (Otter, Meet, notes),
 * called directly on raw bytes: no size, NUL or UTF-8 screening first (see
 * fuzz_check.h for what a result must satisfy). Seeds: corpus/fuzz_plain/.
 */
#include "fuzz_check.h"

FUZZ_READER_TARGET(plain_parse(&t, (const char *)data, size, &d))
