/*
 * sf.h: the Salesforce backend's insides (salesforce.c: the REST calls; sf_jwt.c: the JWT
 * bearer assertion). What is here is pure (no network) so tests/unit/test_crm_salesforce.c
 * can feed it replies and keys: the readers of the token reply, the error array, a query
 * page and a describe, and the assertion's builder. Invariant: no secret, token or key
 * reaches a diag message; every message is one line that says what to fix.
 */
#ifndef MK_CRM_SF_H
#define MK_CRM_SF_H

#include "crm/crm.h"

#include <time.h>

struct json_t;

#define SF "salesforce"
#define SF_STATUS_OPEN    "Not Started"
#define SF_STATUS_DONE    "Completed"
#define SF_STATUS_WAITING "Waiting on someone else"
#define SF_STATUS_DROPPED "Deferred"
#define SF_JWT_LIFETIME_S 180          /* the assertion's exp: now + this */
#define SF_MAX_KEY_BYTES  (64u * 1024u) /* a PEM private key file */
#define SF_MAX_TEXT       255          /* Subject and NextStep, in characters */

/*
 * A token reply (client credentials or JWT bearer) of status: access_token into tok (kept
 * until a 401: Salesforce sends no expires_in) and *instance (a new string) its
 * instance_url, which must be https (or http to loopback). An OAuth error ("invalid_client",
 * "invalid_grant") is MK_ENET with one line naming what to check (flow: "client
 * credentials" or "JWT bearer"), never a secret.
 */
enum mk_err sf_parse_token(const struct mk_buf *body, long status, int jwt, struct remote_token *tok,
			   char **instance, struct mk_diag *diag);

/*
 * An error reply of the REST API (status and its body, a JSON array of {"errorCode",
 * "message", "fields"}) into one line prefixed with "salesforce: " and what (the request,
 * "upsert of Task mk-1-2"). Returns MK_ENOTFOUND for NOT_FOUND and ENTITY_IS_DELETED (and a
 * plain 404), MK_EARG for MALFORMED_ID and INVALID_FIELD, else MK_ENET.
 */
enum mk_err sf_parse_error(const struct mk_buf *body, long status, const char *what, struct mk_diag *diag);

/*
 * A page of a query: *records a new reference to its records array, *next (new string or
 * NULL) its nextRecordsUrl, which must be a path under /services/data/ (else MK_ENET).
 */
enum mk_err sf_parse_query(const struct mk_buf *body, struct json_t **records, char **next,
			   struct mk_diag *diag);

/* One record of the Task query into t (zeroed first); ext names the External ID field. */
void sf_task_from_json(struct json_t *rec, const char *ext, struct crm_task *t);

/* A describe reply: *exists 1 when fields[] has field (exact name), *external 1 when it is an
 * External ID too. */
enum mk_err sf_parse_describe(const struct mk_buf *body, const char *field, int *exists, int *external,
			      struct mk_diag *diag);

/*
 * An upsert's reply: *id (a new string, or NULL on a 204 with no body) and *created (1 on
 * 201). A reply with success false is MK_ENET with its errors' line.
 */
enum mk_err sf_parse_upsert(const struct mk_buf *body, long status, char **id, int *created,
			    struct mk_diag *diag);

/* s as a SOQL string literal's inside: quotes and backslashes (and control characters)
 * escaped. A new string. */
char *sf_soql_escape(const char *s);

/* s cut to at most max characters (UTF-8 code points): a new string. */
char *sf_cut_chars(const char *s, size_t max);

/*
 * The JWT bearer assertion: base64url({"alg":"RS256"}) . base64url({"iss","sub","aud","exp"})
 * . base64url(RS256 signature), signed with the PEM private key pem[0..len). *out a new
 * string. MK_EARG "salesforce: ..." when the key cannot be read as an RSA private key.
 */
enum mk_err sf_jwt_sign(const char *pem, size_t len, const char *iss, const char *sub, const char *aud,
			time_t now, char **out, struct mk_diag *diag);
/* The key file at path into pem: refused (MK_EARG) when group or others may read it; MK_EIO
 * when it cannot be read. The caller zeroes and frees pem. */
enum mk_err sf_jwt_key_load(const char *path, struct mk_buf *pem, struct mk_diag *diag);
/* s[0..n) as base64url without padding, appended to out. */
void sf_base64url(const unsigned char *s, size_t n, struct mk_buf *out);

#endif
