/*
 * hubspot.h: the HubSpot backend's pure parts (crm/hubspot.c), apart so that
 * tests/unit/test_crm_hubspot.c can feed them any reply: the one-line error of a reply,
 * a page of tasks, a task's key and due day, the due timestamp sent. No network, no store.
 * Invariant: nothing here sees the access token.
 */
#ifndef MK_CRM_HUBSPOT_H
#define MK_CRM_HUBSPOT_H

#include <time.h>

#include "crm/crm.h"

/* The task line written under an item's body when it has no due date (its hs_timestamp is
 * then the day it was pushed at 00:00 UTC, which a pull does not read as a due date). */
#define HS_NO_DUE "No due date in mapkeeper: the task's date is the day it was pushed."

/* Tasks as read from replies (hs_parse_tasks appends). */
struct hs_tasks {
	struct crm_task *v;
	size_t n, cap;
};
void hs_tasks_release(struct hs_tasks *t);

/*
 * The one line for a reply that is not 2xx (status, its body of len bytes, maybe not JSON):
 * "hubspot: ..." saying what to fix; scope is the scope the call is documented to need
 * (named when a 403 MISSING_SCOPES reply lists none), or NULL.
 */
void hs_error_line(long status, const char *body, size_t len, const char *scope, char *out, size_t outlen);

/*
 * A search page or batch read reply ({"results": [...], "paging": {"next": {"after"}}}):
 * appends each task with an id to out; *after the next page's cursor or NULL (when asked
 * for). MK_ENET "hubspot: response is not JSON" when the body is not a JSON object.
 */
enum mk_err hs_parse_tasks(const char *body, size_t len, struct hs_tasks *out, char **after,
			   struct mk_diag *diag);

/*
 * A page of a record's associations (GET /crm/v4/objects/deals/{id}/associations/tasks:
 * {"results": [{"toObjectId"}], "paging": {"next": {"after"}}}): appends each id to *ids
 * (*n of them, new strings); *after the next page's cursor or NULL.
 */
enum mk_err hs_parse_assoc(const char *body, size_t len, char ***ids, size_t *n, char **after,
			   struct mk_diag *diag);

/* The mapping key in a task's body ("... (key mk-...)"), a new string, or NULL. */
char *hs_body_key(const char *body);

/* The due day of a task from its hs_timestamp (ISO 8601 or epoch milliseconds) and body:
 * 1 and out "YYYY-MM-DD"; 0 when there is none (no timestamp, or our no-due mark). */
int hs_due_of(const char *timestamp, const char *body, char out[11]);

/* The hs_timestamp sent for due ("YYYY-MM-DD" at 12:00 UTC), or for none the day of now
 * at 00:00 UTC: a new string. */
char *hs_timestamp_of(const char *due, time_t now);

/* The hs_task_body sent: description as HTML (&, <, > escaped, line ends <br>) and, when
 * the item has no due date, the HS_NO_DUE line. A new string. */
char *hs_body_of(const char *description, int has_due);

#endif
