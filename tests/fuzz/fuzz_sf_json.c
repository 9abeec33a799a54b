/*
 * fuzz_sf_json.c: libFuzzer target for the Salesforce backend's reply readers (crm/sf.h):
 * the same bytes go to the token reply (both flows, 200 and 400), the error array (its
 * line must stay one line under the diag's size, prefixed "salesforce: "), a query page
 * (each record then read as a Task), a describe and an upsert reply. A failure leaves a
 * message and no next page; a next page is always a path under /services/data/. Leaks are
 * findings. Seeds: corpus/fuzz_sf_json/ (replies as Salesforce documents them).
 */
#include "crm/sf.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_ASSERT(c) \
	do { \
		if (!(c)) \
			__builtin_trap(); \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_line(enum mk_err err, const struct mk_diag *d)
{
	if (err == MK_OK)
		return;
	FUZZ_ASSERT(!strncmp(d->msg, "salesforce: ", 12));
	FUZZ_ASSERT(!strpbrk(d->msg, "\r\n"));
}

static void token(const struct mk_buf *b, long status, int jwt)
{
	struct remote_token tok = { NULL, 0 };
	struct mk_diag d;
	char *inst = NULL;
	mk_diag_clear(&d);
	enum mk_err err = sf_parse_token(b, status, jwt, &tok, &inst, &d);
	check_line(err, &d);
	FUZZ_ASSERT(err ? !tok.value && !inst : tok.value && tok.value[0]);
	free(tok.value);
	free(inst);
}

static void query(const struct mk_buf *b)
{
	struct mk_diag d;
	json_t *recs = NULL, *rec;
	char *next = NULL;
	size_t i;
	mk_diag_clear(&d);
	enum mk_err err = sf_parse_query(b, &recs, &next, &d);
	check_line(err, &d);
	if (err)
		FUZZ_ASSERT(!recs && !next);
	if (next)
		FUZZ_ASSERT(!strncmp(next, "/services/data/", 15) && !strstr(next, ".."));
	json_array_foreach(recs, i, rec) {
		struct crm_task t;
		sf_task_from_json(rec, "Mapkeeper_Id__c", &t);
		FUZZ_ASSERT(!t.waiting || !strcmp(t.st.status, SF_STATUS_WAITING));
		crm_task_release(&t);
	}
	json_decref(recs);
	free(next);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mk_buf b;
	struct mk_diag d;
	char *id = NULL;
	int a = 0, c = 0;
	mk_buf_init(&b);
	if (size)
		mk_buf_add(&b, (const char *)data, size);
	token(&b, 200, 0);
	token(&b, 400, 1);
	mk_diag_clear(&d);
	enum mk_err err = sf_parse_error(&b, 400, "upsert of Task mk-x-1", &d);
	FUZZ_ASSERT(err != MK_OK);
	check_line(err, &d);
	query(&b);
	mk_diag_clear(&d);
	err = sf_parse_describe(&b, "Mapkeeper_Id__c", &a, &c, &d);
	check_line(err, &d);
	FUZZ_ASSERT(a || !c);
	mk_diag_clear(&d);
	err = sf_parse_upsert(&b, 200, &id, &c, &d);
	check_line(err, &d);
	FUZZ_ASSERT(!err || !id);
	free(id);
	mk_buf_release(&b);
	return 0;
}
