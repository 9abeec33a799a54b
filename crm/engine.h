/*
 * engine.h: what the engine's three files share (crm.c: the run's skeleton, link and the
 * public entry points; push.c: items to tasks; pull.c: tasks to proposals). The skeleton
 * opens the backend, resolves the deals, takes the CRM's lock (waiting), records the run
 * and calls one function per deal. Does not talk HTTP (the backend does) or SQL (the
 * store does). Invariant: the store is written per item right after the CRM accepted it,
 * so a run stopped anywhere leaves nothing half-written (mapkeeper.h "the CRMs").
 */
#ifndef MK_CRM_ENGINE_H
#define MK_CRM_ENGINE_H

#include "crm/crm.h"

/* One push or pull under way. */
struct crm_run {
	const struct crm_backend *b;
	void *ctx;                  /* the backend's, from b->open */
	struct mk_store *st;
	const struct mk_crm_opts *o;
	enum mk_crm crm;
	struct mk_crm_result *out;
};

/*
 * Does one deal (deal_id: its record in the CRM); prev: the last run of this kind touching
 * it before this one, or NULL. An error stops the deal only: the skeleton makes it a line.
 */
typedef enum mk_err (*crm_deal_fn)(struct crm_run *r, const char *deal, const char *deal_id,
				   const struct mk_crm_run *prev, struct mk_diag *diag);

/* The skeleton of a push or pull (kind "push" or "pull"). */
enum mk_err crm_run_with(const struct crm_backend *b, struct remote_config *cfg, struct mk_store *st,
			 const struct mk_crm_opts *o, const char *kind, crm_deal_fn fn, struct mk_crm_result *out,
			 struct mk_diag *diag);

/* Appends a line to r->out (detail printf-style, may be NULL). */
void crm_line(struct crm_run *r, const char *deal, int64_t item, const char *remote_id, const char *what,
	      const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* An item that failed: a line "error" with the diag's message, counted in errors. */
void crm_line_error(struct crm_run *r, const char *deal, int64_t item, const char *remote_id,
		    const struct mk_diag *d, enum mk_err err);
/* The task of tasks[0..n) with id remote_id (or, remote_id NULL, with key), or NULL. */
const struct crm_task *crm_task_find(const struct crm_task *tasks, size_t n, const char *remote_id,
				     const char *key);
/* The task was deleted in the CRM: the item is marked DELETED and a line says so. */
void crm_mark_deleted(struct crm_run *r, const char *deal, struct mk_crm_item *it);
/* Are a and b the same string (NULL and "" alike)? */
int crm_same(const char *a, const char *b);

/* The deal functions of push.c and pull.c. */
enum mk_err crm_push_deal(struct crm_run *r, const char *deal, const char *deal_id, const struct mk_crm_run *prev,
			  struct mk_diag *diag);
enum mk_err crm_pull_deal(struct crm_run *r, const char *deal, const char *deal_id, const struct mk_crm_run *prev,
			  struct mk_diag *diag);

#endif
