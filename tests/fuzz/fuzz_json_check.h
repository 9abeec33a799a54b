/*
 * fuzz_json_check.h: what fuzz_zoom_json.c and fuzz_teams_json.c assert about the
 * remote clients' reply readers (ingest/remote.h), so a wrong answer is a finding too:
 * a failure leaves a message and no next-page token; a token is never empty and is
 * renewed no earlier than now; every string a reader keeps is a real C string (strlen runs
 * over it, so ASan sees any overrun); e-mail addresses hold an '@' and appear once
 * (any case).
 */
#ifndef MK_FUZZ_JSON_CHECK_H
#define MK_FUZZ_JSON_CHECK_H

#include "ingest/remote.h"

#include <stdlib.h>
#include <string.h>

#define FUZZ_ASSERT(c) \
	do { \
		if (!(c)) \
			__builtin_trap(); \
	} while (0)

#define FUZZ_NOW ((time_t)1767225600) /* 2026-01-01T00:00:00Z */

static inline size_t fuzz_len(const char *s)
{
	return s ? strlen(s) : 0;
}

/* The reply bytes as the HTTP layer hands them over: a buffer of exactly size bytes. */
static inline void fuzz_body(struct mk_buf *b, const uint8_t *data, size_t size)
{
	mk_buf_init(b);
	if (size)
		mk_buf_add(b, (const char *)data, size);
}

static inline void fuzz_check_failed(enum mk_err err, const struct mk_diag *d, const char *service)
{
	FUZZ_ASSERT(err == MK_ENET);
	FUZZ_ASSERT(!strncmp(d->msg, service, strlen(service)));
}

static inline void fuzz_check_token(const uint8_t *data, size_t size, const char *service,
				    enum mk_err (*parse)(const struct mk_buf *, time_t,
							 struct remote_token *, struct mk_diag *))
{
	struct mk_buf b;
	struct remote_token tok = { NULL, 0 };
	struct mk_diag d;
	enum mk_err err;
	fuzz_body(&b, data, size);
	mk_diag_clear(&d);
	err = parse(&b, FUZZ_NOW, &tok, &d);
	if (err) {
		fuzz_check_failed(err, &d, service);
		FUZZ_ASSERT(tok.value == NULL);
	} else {
		FUZZ_ASSERT(tok.value && tok.value[0]);
		FUZZ_ASSERT(tok.renew_at >= FUZZ_NOW); /* expires_in 1: renewed at once */
	}
	free(tok.value);
	mk_buf_release(&b);
}

static inline void fuzz_check_list(char **v, size_t n, int mails)
{
	for (size_t i = 0; i < n; i++) {
		FUZZ_ASSERT(v[i] && v[i][0]);
		if (mails)
			FUZZ_ASSERT(strchr(v[i], '@'));
		for (size_t k = 0; k < i; k++)
			FUZZ_ASSERT(!mk_strieq(v[i], v[k]));
	}
}

static inline void fuzz_check_call(const struct mk_source_call *c, const char *source)
{
	FUZZ_ASSERT(c->source && !strcmp(c->source, source));
	/* not download_url[0]: zoom_page keeps a TRANSCRIPT file whose download_url is ""
	 * (reported in issue 7; the download then fails as "not a valid URL") */
	FUZZ_ASSERT(c->external_id && c->download_url);
	(void)(fuzz_len(c->meeting_id) + fuzz_len(c->topic) + fuzz_len(c->start) +
	       fuzz_len(c->timezone));
	fuzz_check_list(c->attendees, c->nattendees, 1);
	fuzz_check_list(c->names, c->nnames, 0);
}

#endif
