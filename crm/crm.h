/*
 * crm.h: the CRMs' insides. crm.c is the engine (push, pull, link: mapkeeper.h "the CRMs");
 * it drives one backend per CRM (salesforce.c, hubspot.c) through struct crm_backend, the
 * only thing that knows a CRM's API. A backend talks HTTP through ingest/http.h with the
 * configuration of ingest/remote.h (struct remote_config); it never touches the store.
 * Invariant: no token or secret reaches a diag message; a backend's errors are one line
 * that says what to fix ("salesforce: the Task field Mapkeeper_Id__c does not exist: create
 * it (docs/crm.md)").
 */
#ifndef MK_CRM_H
#define MK_CRM_H

#include "mapkeeper.h"
#include "ingest/remote.h"

/* A task as the CRM holds it (crm_backend.tasks). */
struct crm_task {
	char *id;
	char *key;                  /* our mapping key (Salesforce: the External ID field), or NULL */
	struct mk_crm_state st;     /* subject, due (YYYY-MM-DD), status, owner */
	int done;                   /* the CRM counts it closed (IsClosed, COMPLETED) */
	int waiting;                /* the CRM's status says it waits on someone */
	char *modified;             /* the CRM's last-modified stamp */
};
/* Frees a task's strings and zeroes it; crm_tasks_free frees an array of them. */
void crm_task_release(struct crm_task *t);
void crm_tasks_free(struct crm_task *v, size_t n);

/* What the engine asks a backend to write for one item. */
struct crm_want {
	const struct mk_crm_item *it; /* the item (key, remote_id, state, evidence, owner) */
	const char *deal_id;        /* the CRM's deal record (Opportunity, HubSpot deal) */
	struct mk_crm_state st;     /* subject (the action), due, status (backend's status_of),
				       owner: filled by the backend's owner lookup when known */
	const char *description;    /* the quote, speaker, time and call */
};

struct crm_backend {
	enum mk_crm crm;
	/* Checks the configuration (one line naming the missing variables); no network. */
	enum mk_err (*open)(struct remote_config *cfg, void **ctx, struct mk_diag *diag);
	void (*close)(void *ctx);
	/* The deal record remote_id: *name its name; MK_ENOTFOUND with a line when there is none. */
	enum mk_err (*deal_get)(void *ctx, const char *remote_id, char **name, struct mk_diag *diag);
	/* The deal records named name exactly (any case): ids (mk_strv_free). */
	enum mk_err (*deal_find)(void *ctx, const char *name, char ***ids, size_t *n, struct mk_diag *diag);
	/* The CRM's status value for a plan item's status (Salesforce "Not Started", ...). */
	const char *(*status_of)(enum mk_status s);
	/* The CRM's id of the item's owner for w->st.owner (a Contact, an owner), or NULL
	 * (a new string); asked once per item before upsert. */
	char *(*owner_of)(void *ctx, const char *deal_id, const struct mk_crm_item *it);
	/*
	 * Creates or updates the item's task (idempotent: Salesforce upserts by its External
	 * ID; HubSpot updates it->remote_id, or creates after the engine marked the item
	 * PENDING and after looking for a task already made with the key). *remote_id and
	 * *modified: new strings. MK_ENOTFOUND: the task was deleted in the CRM (update of a
	 * known id): the engine marks it DELETED.
	 */
	enum mk_err (*upsert)(void *ctx, const struct crm_want *w, char **remote_id, char **modified,
			      struct mk_diag *diag);
	/* The task made with key (a create whose reply was lost), or *remote_id NULL. */
	enum mk_err (*find_by_key)(void *ctx, const char *deal_id, const char *key, char **remote_id,
				   struct mk_diag *diag);
	/* The tasks of deal_id that mapkeeper made (those with a key, or with the ids of items),
	 * every page; a task of items missing from *out was deleted. */
	enum mk_err (*tasks)(void *ctx, const char *deal_id, const struct mk_crm_item *items, size_t n,
			     struct crm_task **out, size_t *nout, struct mk_diag *diag);
	/* Sets the deal record's next step (<= 255 bytes) and, when the CRM has the field, its plan
	 * health ("60% done, 1 overdue, 2 slipped"); either NULL leaves it. */
	enum mk_err (*next_step)(void *ctx, const char *deal_id, const char *next_step, const char *health,
				 struct mk_diag *diag);
	/* The web address of a record ("task" or "deal") from the configuration alone, or NULL. */
	char *(*record_url)(const struct remote_config *cfg, const char *kind, const char *remote_id);
};

extern const struct crm_backend crm_salesforce, crm_hubspot;

/* The backend of crm. */
const struct crm_backend *crm_backend_of(enum mk_crm crm);

/* The engine over any backend (tests give their own). */
enum mk_err crm_push_with(const struct crm_backend *b, struct remote_config *cfg, struct mk_store *st,
			  const struct mk_crm_opts *o, struct mk_crm_result *out, struct mk_diag *diag);
enum mk_err crm_pull_with(const struct crm_backend *b, struct remote_config *cfg, struct mk_store *st,
			  const struct mk_crm_opts *o, struct mk_crm_result *out, struct mk_diag *diag);
enum mk_err crm_link_with(const struct crm_backend *b, struct remote_config *cfg, struct mk_store *st,
			  const struct mk_crm_opts *o, const char *deal, const char *id, char **remote_id,
			  struct mk_diag *diag);

#endif
