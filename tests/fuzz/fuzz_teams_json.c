/*
 * fuzz_teams_json.c: libFuzzer target for the Microsoft Graph client's reply readers
 * (ingest/teams.c through ingest/remote.h): the same bytes go to the token reply, a
 * getAllTranscripts page and an onlineMeeting's details (applied to the page's first
 * calls and to a fresh one). A reply must fail with one message, or give calls with a
 * source, ids and a download URL under the Graph base, a next link under it too, and
 * attendees with an '@', once each (see fuzz_json_check.h). Leaks are findings.
 * Seeds: corpus/fuzz_teams_json/ (replies as Graph documents them and as tests/fake sends them).
 */
#include "fuzz_json_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define GRAPH_BASE "https://graph.microsoft.com/v1.0"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mk_buf b;
	struct mk_source_calls calls;
	struct mk_source_call one;
	struct mk_diag d;
	enum mk_err err;
	char *next = NULL;

	fuzz_check_token(data, size, "graph", teams_parse_token);

	fuzz_body(&b, data, size);
	remote_calls_init(&calls);
	mk_diag_clear(&d);
	err = teams_parse_transcripts(&b, GRAPH_BASE, "ba321e0d-79ee-478d-8e28-85a19507f456",
				      &calls, &next, &d);
	if (err)
		fuzz_check_failed(err, &d, "graph");
	if (err == MK_OK && next)
		FUZZ_ASSERT(!strncmp(next, GRAPH_BASE, strlen(GRAPH_BASE)));
	if (err)
		FUZZ_ASSERT(next == NULL);
	for (size_t i = 0; i < calls.n; i++) {
		fuzz_check_call(&calls.v[i], "teams");
		FUZZ_ASSERT(calls.v[i].meeting_id);
		FUZZ_ASSERT(!strncmp(calls.v[i].download_url, GRAPH_BASE "/users/",
				     strlen(GRAPH_BASE "/users/")));
	}
	free(next);

	remote_call_init(&one);
	one.source = "teams";
	one.external_id = mk_strdup("t-1");
	one.download_url = mk_strdup(GRAPH_BASE "/users/u/onlineMeetings/m/transcripts/t-1/content");
	size_t ncheck = calls.n < 3 ? calls.n : 3; /* each is a whole parse: a few are enough */
	for (size_t i = 0; i <= ncheck; i++) {
		struct mk_source_call *c = i < ncheck ? &calls.v[i] : &one;
		size_t before = c->nattendees;
		mk_diag_clear(&d);
		err = teams_parse_details(&b, c, &d);
		if (err) {
			fuzz_check_failed(err, &d, "graph");
			FUZZ_ASSERT(c->nattendees == before);
		}
		fuzz_check_call(c, "teams");
	}
	remote_call_release(&one);
	remote_calls_release(&calls);
	mk_buf_release(&b);
	return 0;
}
