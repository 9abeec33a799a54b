/*
 * fuzz_check.h: what every ingest fuzz target asserts about a reader's result, so a
 * wrong answer is a finding too, not only a crash: each utterance has a speaker and
 * non-empty text with spaces folded and trimmed, 0 <= start <= end, a source line,
 * no start far before an earlier one;
 * valid UTF-8 in gives valid UTF-8 out; a failure leaves a message.
 */
#ifndef MK_FUZZ_CHECK_H
#define MK_FUZZ_CHECK_H

#include "ingest/ingest.h"

#include <stdlib.h>
#include <string.h>

#define FUZZ_ASSERT(c) \
	do { \
		if (!(c)) \
			__builtin_trap(); \
	} while (0)

static inline void fuzz_check_text(const char *s, int utf8_in, int may_be_empty)
{
	size_t n;
	FUZZ_ASSERT(s != NULL);
	n = strlen(s);
	FUZZ_ASSERT(may_be_empty || n > 0);
	if (!n)
		return;
	FUZZ_ASSERT(s[0] != ' ' && s[n - 1] != ' ');
	FUZZ_ASSERT(!strstr(s, "  "));
	FUZZ_ASSERT(!strpbrk(s, "\t\r\n"));
	if (utf8_in)
		FUZZ_ASSERT(mk_utf8_valid(s, n, NULL));
}

static inline void fuzz_check(const struct mk_transcript *t, enum mk_err err,
			      const struct mk_diag *d, const uint8_t *data, size_t size)
{
	int utf8_in = mk_utf8_valid((const char *)data, size, NULL);
	int64_t latest = 0;
	if (err) {
		FUZZ_ASSERT(d->msg[0] != '\0');
		return;
	}
	FUZZ_ASSERT(t->format != MK_FMT_UNKNOWN);
	FUZZ_ASSERT(t->n <= MK_MAX_UTTERANCES);
	for (size_t i = 0; i < t->n; i++) {
		const struct mk_utterance *u = &t->utt[i];
		fuzz_check_text(u->speaker, utf8_in, 1);
		fuzz_check_text(u->text, utf8_in, 0);
		FUZZ_ASSERT(u->start_ms >= 0 && u->end_ms >= u->start_ms);
		FUZZ_ASSERT(u->line >= 1);
		FUZZ_ASSERT(u->start_ms + INGEST_BACKWARDS_MS >= latest);
		if (u->start_ms > latest)
			latest = u->start_ms;
	}
}

/*
 * The whole body of a reader's fuzz target: parse the raw bytes with CALL (an
 * expression using t, data, size and d), check the result, free it.
 */
#define FUZZ_READER_TARGET(CALL)                                                 \
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);            \
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)             \
	{                                                                        \
		struct mk_transcript t;                                          \
		struct mk_diag d;                                                \
		enum mk_err err;                                                 \
		mk_transcript_init(&t);                                          \
		mk_diag_clear(&d);                                               \
		err = (CALL);                                                    \
		fuzz_check(&t, err, &d, data, size);                             \
		mk_transcript_release(&t);                                       \
		return 0;                                                        \
	}

#endif
