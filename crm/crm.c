/*
 * crm.c: the engine's skeleton and public face: mk_crm_push, mk_crm_pull and mk_crm_link
 * read the configuration (remote_config_open, as sync does) and drive the CRM's backend
 * (crm_backend_of); crm_run_with opens the backend, resolves the deals, waits for the CRM's
 * lock, records the run and hands each deal to push.c or pull.c. Does not decide what an
 * item sends or a task proposes (push.c, pull.c). Invariant: one run per CRM at a time,
 * every run that took the lock is recorded and the lock is always given back.
 */
#include "crm/engine.h"
#include "util/util.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CRM_WAIT_DEFAULT_S 120
#define CRM_WAIT_POLL_MS   250

void crm_task_release(struct crm_task *t)
{
	free(t->id);
	free(t->key);
	mk_crm_state_release(&t->st);
	free(t->modified);
	memset(t, 0, sizeof *t);
}

void crm_tasks_free(struct crm_task *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		crm_task_release(&v[i]);
	free(v);
}

void mk_crm_result_release(struct mk_crm_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].deal);
		free(r->v[i].remote_id);
		free(r->v[i].what);
		free(r->v[i].detail);
	}
	free(r->v);
	memset(r, 0, sizeof *r);
}

int crm_same(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

void crm_line(struct crm_run *r, const char *deal, int64_t item, const char *remote_id, const char *what,
	      const char *fmt, ...)
{
	struct mk_crm_result *out = r->out;
	struct mk_crm_line *l;
	va_list ap;
	size_t cap = out->n;

	out->v = mk_grow(out->v, &cap, out->n + 1, sizeof *out->v);
	l = &out->v[out->n++];
	l->deal = mk_strdup(deal);
	l->item_id = item;
	l->remote_id = remote_id ? mk_strdup(remote_id) : NULL;
	l->what = mk_strdup(what);
	l->detail = NULL;
	if (fmt) {
		struct mk_buf b;
		mk_buf_init(&b);
		va_start(ap, fmt);
		mk_buf_vaddf(&b, fmt, ap);
		va_end(ap);
		l->detail = mk_buf_detach(&b);
	}
}

void crm_line_error(struct crm_run *r, const char *deal, int64_t item, const char *remote_id,
		    const struct mk_diag *d, enum mk_err err)
{
	char buf[1200];
	crm_line(r, deal, item, remote_id, "error", "%s",
		 d->msg[0] ? mk_diag_format(d, buf, sizeof buf) : mk_strerror(err));
	r->out->errors++;
}

const struct crm_task *crm_task_find(const struct crm_task *tasks, size_t n, const char *remote_id,
				     const char *key)
{
	for (size_t i = 0; i < n; i++) {
		if (remote_id ? tasks[i].id && !strcmp(tasks[i].id, remote_id) :
				key && tasks[i].key && !strcmp(tasks[i].key, key))
			return &tasks[i];
	}
	return NULL;
}

void crm_mark_deleted(struct crm_run *r, const char *deal, struct mk_crm_item *it)
{
	struct mk_diag d;
	enum mk_err err;

	mk_diag_clear(&d);
	if ((err = mk_store_crm_deleted(r->st, r->crm, it->item.id, &d))) {
		crm_line_error(r, deal, it->item.id, it->remote_id, &d, err);
		return;
	}
	it->state = MK_CRM_DELETED;
	crm_line(r, deal, it->item.id, it->remote_id, "deleted in CRM",
		 "%s (deleted in %s: not re-created; crm push --recreate %lld makes a new one)",
		 it->item.action ? it->item.action : "", mk_crm_title(r->crm), (long long)it->item.id);
	r->out->deleted++;
}

/* ---- the lock --------------------------------------------------------------------- */

static double crm_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Takes crm's lock, polling every 250 ms for up to wait_s (0: 120) seconds. */
static enum mk_err crm_lock_wait(struct mk_store *st, enum mk_crm crm, int wait_s, struct mk_diag *diag)
{
	double until = crm_now() + (wait_s > 0 ? wait_s : CRM_WAIT_DEFAULT_S);
	struct timespec poll = { 0, CRM_WAIT_POLL_MS * 1000000L };

	for (;;) {
		char *holder = NULL;
		int got = 0;
		enum mk_err err = mk_store_crm_lock(st, crm, &got, &holder, diag);
		if (err || got) {
			free(holder);
			return err;
		}
		if (crm_now() >= until) {
			mk_diag_set(diag, "", 0, "crm: another %s push or pull is running (%s); try again",
				    mk_crm_name(crm), holder ? holder : "unknown");
			free(holder);
			return MK_EDB;
		}
		free(holder);
		nanosleep(&poll, NULL);
	}
}

/* ---- the run's skeleton ----------------------------------------------------------- */

/* The deals of the run: o->deal alone (it must be linked) or every deal linked to crm. */
static enum mk_err crm_deals(struct mk_store *st, const struct mk_crm_opts *o, char ***names, char ***ids,
			     size_t *n, struct mk_diag *diag)
{
	char *rid = NULL;
	enum mk_err err;

	*names = *ids = NULL;
	*n = 0;
	if (!o->deal)
		return mk_store_crm_linked(st, o->crm, names, ids, n, diag);
	err = mk_store_crm_link_get(st, o->deal, o->crm, &rid, diag);
	if (err == MK_ENOTFOUND)
		mk_diag_set(diag, "", 0, "crm: no deal '%s'", o->deal);
	if (err)
		return err;
	if (!rid) {
		mk_diag_set(diag, "", 0, "crm: deal '%s' is not linked to %s (mapkeeper deal link '%s' --%s [ID])",
			    o->deal, mk_crm_title(o->crm), o->deal, mk_crm_name(o->crm));
		return MK_EARG;
	}
	*names = mk_calloc(1, sizeof **names);
	*ids = mk_calloc(1, sizeof **ids);
	(*names)[0] = mk_strdup(o->deal);
	(*ids)[0] = rid;
	*n = 1;
	return MK_OK;
}

/* --recreate ITEM: the item's task must have been deleted in the CRM; it is forgotten. */
static enum mk_err crm_recreate(struct mk_store *st, const struct mk_crm_opts *o, char **names, size_t n,
				struct mk_diag *diag)
{
	for (size_t i = 0; i < n; i++) {
		struct mk_crm_item *items = NULL;
		size_t ni = 0;
		enum mk_err err = mk_store_crm_items(st, names[i], o->crm, &items, &ni, diag);
		for (size_t k = 0; !err && k < ni; k++) {
			if (items[k].item.id != o->recreate_item)
				continue;
			if (items[k].state == MK_CRM_DELETED)
				err = mk_store_crm_forget(st, o->crm, o->recreate_item, diag);
			else {
				mk_diag_set(diag, "", 0,
					    "crm push: item #%lld's task was not deleted in %s: --recreate is "
					    "only for those", (long long)o->recreate_item, mk_crm_title(o->crm));
				err = MK_EARG;
			}
			mk_crm_items_free(items, ni);
			return err;
		}
		mk_crm_items_free(items, ni);
		if (err)
			return err;
	}
	mk_diag_set(diag, "", 0, "crm push: item #%lld is not on a plan linked to %s", (long long)o->recreate_item,
		    mk_crm_title(o->crm));
	return MK_ENOTFOUND;
}

/* The last run of kind touching each deal, before this one (an entry NULL: none, or unread). */
static struct mk_crm_run **crm_prev_runs(struct mk_store *st, enum mk_crm crm, const char *kind, char **names,
					 size_t n)
{
	struct mk_crm_run **prev = mk_calloc(n ? n : 1, sizeof *prev);

	for (size_t i = 0; i < n; i++) {
		struct mk_crm_run *push = NULL, *pull = NULL;
		struct mk_diag d;
		mk_diag_clear(&d);
		if (mk_store_crm_last(st, names[i], crm, &push, &pull, &d))
			continue;
		prev[i] = !strcmp(kind, "push") ? push : pull;
		mk_crm_runs_free(!strcmp(kind, "push") ? pull : push, 1);
	}
	return prev;
}

/* Each deal through fn: a deal that fails is a line; when every deal failed, the run did. */
static enum mk_err crm_each_deal(struct crm_run *r, char **names, char **ids, struct mk_crm_run **prev, size_t n,
				 crm_deal_fn fn, struct mk_diag *diag)
{
	enum mk_err first = MK_OK;
	size_t failed = 0;

	for (size_t i = 0; i < n; i++) {
		struct mk_diag d;
		enum mk_err err;

		mk_diag_clear(&d);
		r->out->deals++;
		if (!(err = fn(r, names[i], ids[i], prev[i], &d)))
			continue;
		crm_line_error(r, names[i], 0, ids[i], &d, err);
		if (!failed++) {
			first = err;
			*diag = d;
		}
	}
	return n && failed == n ? first : MK_OK;
}

/* The run's record: its result, first error and counts. */
static void crm_run_end(struct crm_run *r, const char *kind, enum mk_err err, const struct mk_diag *diag)
{
	struct mk_crm_result *out = r->out;
	struct mk_crm_run rec;
	struct mk_diag d;
	char buf[1200];

	memset(&rec, 0, sizeof rec);
	rec.id = out->run_id;
	rec.crm = r->crm;
	rec.kind = (char *)kind;
	rec.deal = (char *)r->o->deal;
	rec.result = err ? "error" : out->errors ? "partial" : "ok";
	if (err)
		rec.message = (char *)mk_diag_format(diag, buf, sizeof buf);
	for (size_t i = 0; !err && i < out->n; i++)
		if (!strcmp(out->v[i].what, "error")) {
			rec.message = out->v[i].detail;
			break;
		}
	rec.created = (int64_t)out->created;
	rec.updated = (int64_t)out->updated;
	rec.unchanged = (int64_t)out->unchanged;
	rec.proposed = (int64_t)out->proposed;
	rec.deleted = (int64_t)out->deleted;
	rec.errors = (int64_t)out->errors;
	mk_diag_clear(&d);
	mk_store_crm_run_end(r->st, &rec, &d); /* a failure here leaves it "running": status says so */
}

enum mk_err crm_run_with(const struct crm_backend *b, struct remote_config *cfg, struct mk_store *st,
			 const struct mk_crm_opts *o, const char *kind, crm_deal_fn fn, struct mk_crm_result *out,
			 struct mk_diag *diag)
{
	struct crm_run r = { .b = b, .st = st, .o = o, .crm = o->crm, .out = out };
	struct mk_crm_run **prev = NULL;
	char **names = NULL, **ids = NULL;
	size_t n = 0;
	enum mk_err err;

	memset(out, 0, sizeof *out);
	out->crm = o->crm;
	if ((err = b->open(cfg, &r.ctx, diag)))
		return err;
	if ((err = crm_deals(st, o, &names, &ids, &n, diag)) ||
	    (err = crm_lock_wait(st, o->crm, o->wait_s, diag)))
		goto out;
	if (o->recreate_item && !strcmp(kind, "push"))
		err = crm_recreate(st, o, names, n, diag);
	if (!err)
		prev = crm_prev_runs(st, o->crm, kind, names, n);
	if (!err && !(err = mk_store_crm_run_start(st, o->crm, kind, o->deal, &out->run_id, diag))) {
		err = crm_each_deal(&r, names, ids, prev, n, fn, diag);
		crm_run_end(&r, kind, err, diag);
	}
	for (size_t i = 0; prev && i < n; i++)
		mk_crm_runs_free(prev[i], prev[i] ? 1 : 0);
	free(prev);
	{
		struct mk_diag d;
		mk_diag_clear(&d);
		mk_store_crm_unlock(st, o->crm, &d);
	}
out:
	b->close(r.ctx);
	mk_strv_free(names, n);
	mk_strv_free(ids, n);
	return err;
}

enum mk_err crm_push_with(const struct crm_backend *b, struct remote_config *cfg, struct mk_store *st,
			  const struct mk_crm_opts *o, struct mk_crm_result *out, struct mk_diag *diag)
{
	return crm_run_with(b, cfg, st, o, "push", crm_push_deal, out, diag);
}

enum mk_err crm_pull_with(const struct crm_backend *b, struct remote_config *cfg, struct mk_store *st,
			  const struct mk_crm_opts *o, struct mk_crm_result *out, struct mk_diag *diag)
{
	return crm_run_with(b, cfg, st, o, "pull", crm_pull_deal, out, diag);
}

/* ---- link ------------------------------------------------------------------------- */

/* What a CRM calls a deal's record, one and many. */
static const char *crm_record(enum mk_crm crm, size_t n)
{
	if (crm == MK_CRM_SALESFORCE)
		return n == 1 ? "Opportunity" : "Opportunities";
	return n == 1 ? "deal" : "deals";
}

/* An id the store takes: 1 to 64 letters, digits, '-' and '_'. */
static int crm_id_ok(const char *id)
{
	size_t len = strlen(id);
	return len && len <= 64 &&
	       strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") == len;
}

/* The record named like the deal: exactly one, else a line saying what to give. */
static enum mk_err crm_link_find(const struct crm_backend *b, void *ctx, const char *deal, char **remote_id,
				 struct mk_diag *diag)
{
	char **ids = NULL;
	size_t n = 0;
	enum mk_err err = b->deal_find(ctx, deal, &ids, &n, diag);

	if (err)
		return err;
	if (n == 1) {
		*remote_id = ids[0];
		ids[0] = NULL;
	} else if (!n) {
		mk_diag_set(diag, "", 0, "%s: no %s is named '%s': give its id (mapkeeper deal link '%s' --%s ID)",
			    mk_crm_name(b->crm), crm_record(b->crm, 1), deal, deal, mk_crm_name(b->crm));
		err = MK_ENOTFOUND;
	} else {
		struct mk_buf list;
		mk_buf_init(&list);
		for (size_t i = 0; i < n && i < 5; i++)
			mk_buf_addf(&list, "%s%s", i ? ", " : "", ids[i]);
		mk_diag_set(diag, "", 0, "%s: %zu %s are named '%s': give the id (%s%s)", mk_crm_name(b->crm), n,
			    crm_record(b->crm, n), deal, list.s, n > 5 ? ", ..." : "");
		mk_buf_release(&list);
		err = MK_EARG;
	}
	mk_strv_free(ids, n);
	return err;
}

/* The deal is there (*d: as stored) and id, when given, is one the store takes. */
static enum mk_err crm_link_check(struct mk_store *st, enum mk_crm crm, const char *deal, const char *id,
				  struct mk_deal *d, struct mk_diag *diag)
{
	enum mk_err err;

	memset(d, 0, sizeof *d);
	if ((err = mk_store_deal_get(st, deal, d, diag))) {
		if (err == MK_ENOTFOUND)
			mk_diag_set(diag, "", 0, "no deal '%s'", deal);
		return err;
	}
	if (id && !crm_id_ok(id)) {
		mk_diag_set(diag, "", 0, "deal link: '%s' is not a %s id (letters, digits, '-' and '_', up to 64)",
			    id, mk_crm_title(crm));
		return MK_EARG;
	}
	return MK_OK;
}

enum mk_err crm_link_with(const struct crm_backend *b, struct remote_config *cfg, struct mk_store *st,
			  const struct mk_crm_opts *o, const char *deal, const char *id, char **remote_id,
			  struct mk_diag *diag)
{
	struct mk_deal d;
	char *name = NULL;
	void *ctx = NULL;
	enum mk_err err;

	*remote_id = NULL;
	if ((err = crm_link_check(st, b->crm, deal, id, &d, diag)) || (err = b->open(cfg, &ctx, diag)))
		goto out;
	if (id && !(err = b->deal_get(ctx, id, &name, diag)))
		*remote_id = mk_strdup(id);
	else if (!id)
		err = crm_link_find(b, ctx, d.name, remote_id, diag);
	b->close(ctx);
	if (!err)
		err = mk_store_crm_link(st, d.name, b->crm, *remote_id, o->who, diag);
out:
	if (err) {
		free(*remote_id);
		*remote_id = NULL;
	}
	free(name);
	mk_deal_release(&d);
	return err;
}

/* ---- the public face -------------------------------------------------------------- */

/* The backend of crm, or NULL after a line saying it is not one. */
static const struct crm_backend *crm_backend_built(enum mk_crm crm, struct mk_diag *diag)
{
	const struct crm_backend *b = (unsigned)crm < MK_CRM_COUNT ? crm_backend_of(crm) : NULL;
	if (!b)
		mk_diag_set(diag, "", 0, "crm: unknown CRM (salesforce or hubspot)");
	return b;
}

/* The configuration as sync reads it; its messages say "crm:" rather than "sync:". */
static enum mk_err crm_config(struct remote_config *cfg, const char *config, struct mk_diag *diag)
{
	enum mk_err err = remote_config_open(cfg, config, diag);
	if (err && !strncmp(diag->msg, "sync: ", 6)) {
		memmove(diag->msg + 5, diag->msg + 6, strlen(diag->msg + 6) + 1);
		memcpy(diag->msg, "crm: ", 5);
	}
	return err;
}

typedef enum mk_err (*crm_with_fn)(const struct crm_backend *, struct remote_config *, struct mk_store *,
				   const struct mk_crm_opts *, struct mk_crm_result *, struct mk_diag *);

static enum mk_err crm_public(crm_with_fn fn, struct mk_store *st, const struct mk_crm_opts *o,
			      struct mk_crm_result *out, struct mk_diag *diag)
{
	struct remote_config cfg;
	const struct crm_backend *b = NULL;
	enum mk_err err;

	memset(out, 0, sizeof *out);
	out->crm = o->crm;
	memset(&cfg, 0, sizeof cfg);
	if (!(err = crm_config(&cfg, o->config, diag)) && !(b = crm_backend_built(o->crm, diag)))
		err = MK_EARG;
	if (!err)
		err = fn(b, &cfg, st, o, out, diag);
	remote_config_release(&cfg);
	return err;
}

enum mk_err mk_crm_push(struct mk_store *st, const struct mk_crm_opts *o, struct mk_crm_result *out,
			struct mk_diag *diag)
{
	return crm_public(crm_push_with, st, o, out, diag);
}

enum mk_err mk_crm_pull(struct mk_store *st, const struct mk_crm_opts *o, struct mk_crm_result *out,
			struct mk_diag *diag)
{
	return crm_public(crm_pull_with, st, o, out, diag);
}

enum mk_err mk_crm_link(struct mk_store *st, const struct mk_crm_opts *o, const char *deal, const char *id,
			char **remote_id, struct mk_diag *diag)
{
	struct remote_config cfg;
	const struct crm_backend *b = NULL;
	struct mk_deal d;
	enum mk_err err;

	*remote_id = NULL;
	memset(&cfg, 0, sizeof cfg);
	err = crm_link_check(st, o->crm, deal, id, &d, diag); /* before any word on the backend */
	mk_deal_release(&d);
	if (!err && !(err = crm_config(&cfg, o->config, diag)) && !(b = crm_backend_built(o->crm, diag)))
		err = MK_EARG;
	if (!err)
		err = crm_link_with(b, &cfg, st, o, deal, id, remote_id, diag);
	remote_config_release(&cfg);
	return err;
}

char *mk_crm_record_url(enum mk_crm crm, const char *config, const char *kind, const char *remote_id)
{
	struct remote_config cfg;
	struct mk_diag d;
	const struct crm_backend *b;
	char *url = NULL;

	mk_diag_clear(&d);
	memset(&cfg, 0, sizeof cfg);
	if (remote_id && (b = crm_backend_built(crm, &d)) && b->record_url && !crm_config(&cfg, config, &d))
		url = b->record_url(&cfg, kind, remote_id);
	remote_config_release(&cfg);
	return url;
}
