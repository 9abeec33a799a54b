/*
 * fuzz_hubspot_json.c: libFuzzer target for the HubSpot backend's reply readers
 * (crm/hubspot.h): the same bytes as a search page or batch read (twice, as two pages of one
 * listing), as a page of a deal's associations, as an error reply under each status the backend words, and as a task's body and
 * hs_timestamp. A page must fail with one "hubspot" message or give tasks with an id, a key
 * starting "mk-" or none, a real due day or none, done and waiting never both; an error line
 * is one line starting "hubspot: ". Seeds: corpus/fuzz_hubspot_json/ (replies as HubSpot
 * documents them and as tests/fake/fake_hubspot.py sends them).
 */
#include "crm/hubspot.h"
#include "fuzz_json_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_tasks(const struct hs_tasks *t)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct crm_task *k = &t->v[i];
		FUZZ_ASSERT(fuzz_len(k->id) > 0);
		FUZZ_ASSERT(!k->key || !strncmp(k->key, "mk-", 3));
		FUZZ_ASSERT(!k->st.due || remote_day_ok(k->st.due));
		FUZZ_ASSERT(!(k->done && k->waiting));
		(void)fuzz_len(k->st.subject);
		(void)fuzz_len(k->st.status);
		(void)fuzz_len(k->st.owner);
		(void)fuzz_len(k->modified);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const long statuses[] = { 400, 401, 403, 404, 409, 418, 429, 500 };
	struct hs_tasks t = { 0 };
	struct mk_diag d;
	char *after = NULL, line[512], day[11];

	for (int page = 0; page < 2; page++) {
		size_t before = t.n;
		mk_diag_clear(&d);
		enum mk_err err = hs_parse_tasks((const char *)data, size, &t, &after, &d);
		if (err) {
			fuzz_check_failed(err, &d, "hubspot");
			FUZZ_ASSERT(after == NULL && t.n == before);
		}
		(void)fuzz_len(after);
		free(after);
		after = NULL;
	}
	check_tasks(&t);
	hs_tasks_release(&t);

	for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
		hs_error_line(statuses[i], (const char *)data, size, i % 2 ? "crm.objects.deals.read" : NULL, line,
			      sizeof line);
		FUZZ_ASSERT(!strncmp(line, "hubspot: ", 9) && !strchr(line, '\n'));
	}

	char **ids = NULL;
	size_t n = 0;
	for (int page = 0; page < 2; page++) {
		size_t before = n;
		mk_diag_clear(&d);
		if (hs_parse_assoc((const char *)data, size, &ids, &n, &after, &d)) {
			fuzz_check_failed(MK_ENET, &d, "hubspot");
			FUZZ_ASSERT(after == NULL && n == before);
		}
		free(after);
		after = NULL;
	}
	for (size_t i = 0; i < n; i++) {
		FUZZ_ASSERT(fuzz_len(ids[i]) > 0);
		free(ids[i]);
	}
	free(ids);

	char *s = mk_strndup((const char *)data, size), *k = hs_body_key(s);
	FUZZ_ASSERT(!k || !strncmp(k, "mk-", 3));
	free(k);
	if (hs_due_of(s, s, day))
		FUZZ_ASSERT(remote_day_ok(day));
	free(s);
	return 0;
}
