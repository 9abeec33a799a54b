/*
 * store.h: calls of store/ beyond include/mapkeeper.h, for commands to come (mapkeeper
 * query, plan on a read-only copy) and for tests: a read-only open, the busy timeout,
 * a page cap that makes the disk "full" on purpose, bulk loading and the plans of
 * questions. Like the public calls, none prints or exits, and no SQL leaves store/.
 */
#ifndef MK_STORE_H
#define MK_STORE_H

#include "mapkeeper.h"

/* Opens an existing, up-to-date database for reading only: every write then fails with
 * "cannot write: the database is read-only", and nothing is created or migrated. */
enum mk_err store_open_readonly(struct mk_store **out, const char *path, struct mk_diag *diag);

/* How long a call waits for another writer before "database is locked". The default is
 * 5000 ms, or $MAPKEEPER_BUSY_TIMEOUT (ms) when set at open. */
#define STORE_BUSY_TIMEOUT_MS 5000
void store_set_busy_timeout(struct mk_store *st, int ms);

/* Fault injection for tests: the file may grow to at most pages pages (of 4096 bytes by
 * default) through this connection; past that, writes fail with "disk is full". */
enum mk_err store_limit_pages(struct mk_store *st, long pages, struct mk_diag *diag);

/*
 * Bulk loading (the benchmark's store, an import): on, commits skip the fsync and the page
 * cache grows to 256 MiB for this connection; every call keeps its one transaction, so the
 * file is the same as after the same calls made one by one. A crash while on may lose the
 * last commits (never the file's integrity). Off restores the defaults.
 */
enum mk_err store_bulk(struct mk_store *st, int on, struct mk_diag *diag);

/*
 * How questions choose their plan, for tests that want each plan on a small store: with
 * more than query_sort_max matches (default 4000) `query` reads the deals in name order
 * and stops at the page's end instead of sorting every match; with said_few matches or
 * more (default 3000) a search of every deal reads the calls in order instead of sorting
 * every line found. 0 keeps a value as it is. Results are the same either way.
 */
#define STORE_QUERY_SORT_MAX 4000
#define STORE_SAID_FEW 3000
void store_tune(struct mk_store *st, size_t query_sort_max, size_t said_few);

#endif
