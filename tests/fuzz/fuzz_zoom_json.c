/*
 * fuzz_zoom_json.c: libFuzzer target for the Zoom client's reply readers (ingest/zoom.c
 * through ingest/remote.h): the same bytes go to the OAuth token reply, a recordings page
 * and a past meeting's participants page (twice, as two pages of one meeting, the way
 * zoom_participants follows next_page_token). A reply must fail with one message or give
 * calls with a source, an id and a download URL, names and e-mails once each (see
 * fuzz_json_check.h). Leaks are findings (libFuzzer's leak check). Seeds:
 * corpus/fuzz_zoom_json/ (replies as Zoom documents them and as tests/fake sends them).
 */
#include "fuzz_json_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mk_buf b;
	struct mk_source_calls calls;
	struct mk_source_call one;
	struct mk_diag d;
	enum mk_err err;
	char *next = NULL;
	size_t nparts = 0;

	fuzz_check_token(data, size, "zoom", zoom_parse_token);

	fuzz_body(&b, data, size);
	remote_calls_init(&calls);
	mk_diag_clear(&d);
	err = zoom_parse_recordings(&b, &calls, &next, &d);
	if (err) {
		fuzz_check_failed(err, &d, "zoom");
		FUZZ_ASSERT(next == NULL && calls.n == 0);
	}
	for (size_t i = 0; i < calls.n; i++)
		fuzz_check_call(&calls.v[i], "zoom");
	(void)fuzz_len(next);
	free(next);
	next = NULL;

	/* participants: into a call of the page (or a fresh one), two pages in a row */
	remote_call_init(&one);
	struct mk_source_call *c = calls.n ? &calls.v[0] : &one;
	for (int page = 0; page < 2; page++) {
		size_t before = c->nattendees;
		mk_diag_clear(&d);
		err = zoom_parse_participants(&b, c, &next, &nparts, &d);
		if (err) {
			fuzz_check_failed(err, &d, "zoom");
			FUZZ_ASSERT(next == NULL && nparts == 0 && c->nattendees == before);
		}
		FUZZ_ASSERT(c->nattendees <= before + nparts);
		fuzz_check_list(c->attendees, c->nattendees, 1);
		fuzz_check_list(c->names, c->nnames, 0);
		(void)fuzz_len(next);
		free(next);
		next = NULL;
	}
	remote_call_release(&one);
	remote_calls_release(&calls);
	mk_buf_release(&b);
	return 0;
}
