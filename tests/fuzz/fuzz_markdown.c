/*
 * fuzz_markdown.c: libFuzzer target for the Markdown transcript reader ("**Name:** text",
 * "**Name** (00:01:02):", "### Name (00:01:02)"), called directly on raw bytes: no size, NUL
 * or UTF-8 screening first (see fuzz_check.h for what a result must satisfy).
 * Seeds: corpus/fuzz_markdown/.
 */
#include "fuzz_check.h"

FUZZ_READER_TARGET(md_parse(&t, (const char *)data, size, &d))
