/*
 * fuzz_teams_vtt.c: libFuzzer target for the WebVTT reader in its Teams dialect (<v Name> voice spans),
 * called directly on raw bytes: no size, NUL or UTF-8 screening first (see
 * fuzz_check.h for what a result must satisfy). Seeds: corpus/fuzz_teams_vtt/.
 */
#include "fuzz_check.h"

FUZZ_READER_TARGET(vtt_parse(&t, (const char *)data, size, MK_FMT_TEAMS_VTT, &d))
