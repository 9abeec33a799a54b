/*
 * db.c: opening a mapkeeper database (creating it, switching it to WAL, applying the
 * pending migrations of schema.c in one transaction), SQLite errors as one-line messages
 * naming the file, and the small helpers every file of store/ uses. Does not know what
 * the tables mean beyond people and risks. Invariant: an open store has foreign keys on,
 * a busy timeout, and exactly the schema version this build knows.
 */
#include "db.h"
#include "store.h"
#include "util/util.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>

char *mk_store_default_path(void)
{
	const char *env = getenv("MAPKEEPER_DB");

	return mk_strdup(env && env[0] ? env : "./mapkeeper.db");
}

/* strerror(e) with a lower-case first letter, as the message grammar wants. */
static void db_strerror(int e, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s", e ? strerror(e) : "unknown error");
	out[0] = (char)tolower((unsigned char)out[0]);
}

enum mk_err db_fail(struct mk_store *st, int rc, struct mk_diag *diag)
{
	const char *path = st && st->path ? st->path : "";
	const char *msg = st && st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc);
	char why[128];

	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		mk_diag_set(diag, path, 0,
			    "database is locked (another mapkeeper is writing; try again)");
		break;
	case SQLITE_READONLY:
		mk_diag_set(diag, path, 0, "cannot write: the database is read-only");
		break;
	case SQLITE_FULL:
		mk_diag_set(diag, path, 0, "disk is full");
		break;
	case SQLITE_NOTADB:
		mk_diag_set(diag, path, 0, "not a mapkeeper database");
		break;
	case SQLITE_CORRUPT:
		mk_diag_set(diag, path, 0, "the database is damaged (%s)", msg);
		break;
	case SQLITE_CANTOPEN:
		db_strerror(st && st->db ? sqlite3_system_errno(st->db) : 0, why, sizeof why);
		mk_diag_set(diag, path, 0, "cannot open: %s", why);
		break;
	case SQLITE_IOERR:
		db_strerror(st && st->db ? sqlite3_system_errno(st->db) : 0, why, sizeof why);
		mk_diag_set(diag, path, 0, "cannot read or write the database: %s", why);
		break;
	default:
		mk_diag_set(diag, path, 0, "%s", msg);
		break;
	}
	return MK_EDB;
}

enum mk_err db_begin(struct mk_store *st, struct mk_diag *diag)
{
	int rc = sqlite3_exec(st->db, st->depth ? "SAVEPOINT mk_nested" : "BEGIN IMMEDIATE", NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		return db_fail(st, rc, diag);
	st->depth++;
	return MK_OK;
}

int db_read_begin(struct mk_store *st)
{
	int rc = sqlite3_exec(st->db, st->depth ? "SAVEPOINT mk_nested" : "BEGIN", NULL, NULL, NULL);

	if (rc == SQLITE_OK)
		st->depth++;
	return rc;
}

enum mk_err db_commit(struct mk_store *st, struct mk_diag *diag)
{
	int rc = sqlite3_exec(st->db, st->depth > 1 ? "RELEASE mk_nested" : "COMMIT", NULL, NULL, NULL);
	enum mk_err err = MK_OK;

	if (rc != SQLITE_OK) {
		err = db_fail(st, rc, diag);
		db_rollback(st);
	} else if (st->depth > 0) {
		st->depth--;
	}
	return err;
}

void db_rollback(struct mk_store *st)
{
	if (st->depth > 1) {
		sqlite3_exec(st->db, "ROLLBACK TO mk_nested; RELEASE mk_nested", NULL, NULL, NULL);
		st->depth--;
		return;
	}
	st->depth = 0;
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

enum mk_err db_end(struct mk_store *st, enum mk_err err, int rc, struct mk_diag *diag)
{
	if (!err && rc != SQLITE_OK)
		err = db_fail(st, rc, diag);
	if (!err)
		err = db_commit(st, diag);
	if (err)
		db_rollback(st);
	return err;
}

enum mk_err mk_store_write_begin(struct mk_store *st, struct mk_diag *diag)
{
	return db_begin(st, diag);
}

enum mk_err mk_store_write_end(struct mk_store *st, int commit, struct mk_diag *diag)
{
	if (commit)
		return db_commit(st, diag);
	db_rollback(st);
	return MK_OK;
}

char *db_trim(const char *s)
{
	size_t len;

	if (!s)
		return NULL;
	s += strspn(s, " \t\r\n");
	len = strlen(s);
	while (len && strchr(" \t\r\n", s[len - 1]))
		len--;
	return len ? mk_strndup(s, len) : NULL;
}

int db_prepare(struct mk_store *st, const char *sql, sqlite3_stmt **out)
{
	return sqlite3_prepare_v2(st->db, sql, -1, out, NULL);
}

int db_prepare_cached(struct mk_store *st, const char *sql, sqlite3_stmt **out)
{
	size_t cap = st->capcached;
	int rc;

	*out = NULL;
	for (size_t i = 0; i < st->ncached; i++) {
		if (st->cached_sql[i] == sql) {
			sqlite3_reset(st->cached[i]);
			sqlite3_clear_bindings(st->cached[i]);
			*out = st->cached[i];
			return SQLITE_OK;
		}
	}
	rc = db_prepare(st, sql, out);
	if (rc == SQLITE_OK) {
		st->cached_sql = mk_grow(st->cached_sql, &cap, st->ncached + 1, sizeof *st->cached_sql);
		st->cached = mk_grow(st->cached, &st->capcached, st->ncached + 1, sizeof *st->cached);
		st->cached_sql[st->ncached] = sql;
		st->cached[st->ncached++] = *out;
	}
	return rc;
}

int db_step_done(sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);

	return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

int db_vbind(sqlite3_stmt *s, const char *types, va_list ap)
{
	int rc = SQLITE_OK, nparams = sqlite3_bind_parameter_count(s);

	for (int i = 0; types[i] && rc == SQLITE_OK; i++) {
		int64_t v = 0;
		double f = 0;
		const void *p = NULL;

		if (types[i] == 'i' || types[i] == 'I')
			v = va_arg(ap, int64_t);
		else if (types[i] == 'f')
			f = va_arg(ap, double);
		else
			p = va_arg(ap, const void *);
		if (i >= nparams)
			continue;
		switch (types[i]) {
		case 'i':
			rc = sqlite3_bind_int64(s, i + 1, v);
			break;
		case 'I':
			rc = db_bind_id(s, i + 1, v);
			break;
		case 'f':
			rc = sqlite3_bind_double(s, i + 1, f);
			break;
		case 'd':
			rc = p ? db_bind_date(s, i + 1, 1, *(const struct mk_date *)p) :
				sqlite3_bind_null(s, i + 1);
			break;
		case 'n':
			rc = p ? sqlite3_bind_int64(s, i + 1, *(const int64_t *)p) : sqlite3_bind_null(s, i + 1);
			break;
		case 'g':
			rc = p ? sqlite3_bind_double(s, i + 1, *(const double *)p) : sqlite3_bind_null(s, i + 1);
			break;
		default:
			rc = db_bind_text(s, i + 1, p);
			break;
		}
	}
	return rc;
}

int db_bind(sqlite3_stmt *s, const char *types, ...)
{
	va_list ap;
	int rc;

	va_start(ap, types);
	rc = db_vbind(s, types, ap);
	va_end(ap);
	return rc;
}

int db_run_in(struct mk_store *st, int cached, const char *sql, const char *types, ...)
{
	sqlite3_stmt *s = NULL;
	va_list ap;
	int rc = cached ? db_prepare_cached(st, sql, &s) : db_prepare(st, sql, &s);

	va_start(ap, types);
	if (rc == SQLITE_OK)
		rc = db_vbind(s, types, ap);
	va_end(ap);
	if (rc == SQLITE_OK)
		rc = db_step_done(s);
	if (!cached)
		sqlite3_finalize(s);
	else if (s)
		sqlite3_reset(s);
	return rc;
}

int db_rerun(sqlite3_stmt *s, const char *types, ...)
{
	va_list ap;
	int rc;

	sqlite3_reset(s);
	va_start(ap, types);
	rc = db_vbind(s, types, ap);
	va_end(ap);
	return rc == SQLITE_OK ? db_step_done(s) : rc;
}

static enum mk_err db_vrow(struct mk_store *st, struct mk_diag *diag, sqlite3_stmt **s,
			   const char *sql, const char *types, va_list ap)
{
	int rc = db_prepare(st, sql, s);

	if (rc == SQLITE_OK)
		rc = db_vbind(*s, types, ap);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(*s);
	if (rc == SQLITE_ROW)
		return MK_OK;
	return rc == SQLITE_DONE ? MK_ENOTFOUND : db_fail(st, rc, diag);
}

enum mk_err db_row(struct mk_store *st, struct mk_diag *diag, sqlite3_stmt **s, const char *sql,
		   const char *types, ...)
{
	va_list ap;
	enum mk_err err;

	*s = NULL;
	va_start(ap, types);
	err = db_vrow(st, diag, s, sql, types, ap);
	va_end(ap);
	return err;
}

enum mk_err db_int(struct mk_store *st, struct mk_diag *diag, int64_t *out, const char *sql,
		   const char *types, ...)
{
	sqlite3_stmt *s = NULL;
	va_list ap;
	enum mk_err err;

	va_start(ap, types);
	err = db_vrow(st, diag, &s, sql, types, ap);
	va_end(ap);
	*out = err ? 0 : sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return err;
}

enum mk_err db_notfound(struct mk_store *st, struct mk_diag *diag, enum mk_err err, const char *fmt, ...)
{
	char msg[sizeof diag->msg];
	va_list ap;

	if (err != MK_ENOTFOUND)
		return err;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	mk_diag_set(diag, st->path, 0, "%s", msg);
	return err;
}

int db_bind_text(sqlite3_stmt *s, int i, const char *v)
{
	return v ? sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(s, i);
}

int db_bind_date(sqlite3_stmt *s, int i, int has, struct mk_date d)
{
	char buf[16];

	if (!has)
		return sqlite3_bind_null(s, i);
	mk_date_format(d, buf, sizeof buf);
	return sqlite3_bind_text(s, i, buf, -1, SQLITE_TRANSIENT);
}

int db_bind_id(sqlite3_stmt *s, int i, int64_t id)
{
	return id > 0 ? sqlite3_bind_int64(s, i, id) : sqlite3_bind_null(s, i);
}

char *db_column_dup(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	if (!t)
		return NULL;
	return mk_strndup((const char *)t, (size_t)sqlite3_column_bytes(s, i));
}

void db_column_date(sqlite3_stmt *s, int i, int *has, struct mk_date *d)
{
	const char *t = (const char *)sqlite3_column_text(s, i);

	memset(d, 0, sizeof *d);
	*has = t && mk_date_parse(t, d) == MK_OK;
	if (!*has)
		memset(d, 0, sizeof *d);
}

enum mk_side db_column_side(sqlite3_stmt *s, int i)
{
	const char *t = (const char *)sqlite3_column_text(s, i);

	if (t && !strcmp(t, "buyer"))
		return MK_SIDE_BUYER;
	if (t && !strcmp(t, "seller"))
		return MK_SIDE_SELLER;
	return MK_SIDE_UNKNOWN;
}

int db_random_hex(char *out, size_t n)
{
	unsigned char raw[DB_RANDOM_MAX];
	size_t got = 0;

	if (n > sizeof raw)
		return 0;
	while (got < n) {
		ssize_t r = getrandom(raw + got, n - got, 0);
		if (r <= 0)
			return 0;
		got += (size_t)r;
	}
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = "0123456789abcdef"[raw[i] >> 4];
		out[2 * i + 1] = "0123456789abcdef"[raw[i] & 15];
	}
	out[2 * n] = '\0';
	memset(raw, 0, sizeof raw);
	return 1;
}

void db_now(char *out, size_t outlen)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(out, outlen, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

enum mk_err db_deal_id(struct mk_store *st, const char *name, int64_t *id, struct mk_diag *diag)
{
	enum mk_err err = db_int(st, diag, id, "SELECT id FROM deals WHERE name = ?1", "t",
				 name ? name : "");

	return db_notfound(st, diag, err, "no such deal \"%s\"", name ? name : "");
}

static const char db_person_sql[] =
	"INSERT INTO people (deal_id, key, name, role, side, first_meeting_id, created_at, proposal_id)\n"
	"VALUES (?1, CASE WHEN ?2 IS NOT NULL THEN 'name:' || lower(?2)\n"
	"	ELSE 'role:' || ?4 || ':' || lower(?3) END, ?2, ?3, ?4, ?5, ?6, ?7)\n"
	"ON CONFLICT (deal_id, key) DO UPDATE SET\n"
	"	role = coalesce(people.role, excluded.role),\n"
	"	side = CASE people.side WHEN 'unknown' THEN excluded.side ELSE people.side END";

int db_person_add(struct mk_store *st, int64_t deal, const char *name, const char *role,
		  enum mk_side side, int64_t meeting_id, int64_t proposal_id, const char *now)
{
	if (name && !name[0])
		name = NULL;
	if (role && !role[0])
		role = NULL;
	if (!name && !role)
		return SQLITE_OK;
	return db_run_cached(st, db_person_sql, "itttItI", deal, name, role, mk_side_name(side),
			     meeting_id, now, proposal_id);
}

static const char db_risk_sql[] =
	"INSERT INTO risks (deal_id, category, text, meeting_id, proposal_id, created_at)\n"
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6)\n"
	"ON CONFLICT (deal_id, category, text) DO NOTHING";

int db_risk_add(struct mk_store *st, int64_t deal, const char *category, const char *text,
		int64_t meeting_id, int64_t proposal_id, const char *now)
{
	return db_run_cached(st, db_risk_sql, "ittIIt", deal,
			     category && category[0] ? category : "unknown", text ? text : "",
			     meeting_id, proposal_id, now);
}

/* ---- opening ---- */

/* A PRAGMA's number (or a count): MK_OK and *out, 0 when it gives no row. */
static enum mk_err db_pragma(struct mk_store *st, const char *sql, int64_t *out, struct mk_diag *diag)
{
	enum mk_err err = db_int(st, diag, out, sql, "");

	return err == MK_ENOTFOUND ? MK_OK : err;
}

/* Is this a mapkeeper database this build can use? ver is its user_version. */
static enum mk_err db_check_kind(struct mk_store *st, long long app, long long ver,
				 long long nobjects, struct mk_diag *diag)
{
	if ((app != 0 && app != DB_APPLICATION_ID) || (ver > 0 && app != DB_APPLICATION_ID) ||
	    (ver == 0 && nobjects > 0)) {
		mk_diag_set(diag, st->path, 0, "not a mapkeeper database");
		return MK_EDB;
	}
	if (ver > db_schema_version) {
		mk_diag_set(diag, st->path, 0,
			    "made by a newer mapkeeper (schema %lld, this one knows %d)",
			    ver, db_schema_version);
		return MK_EDB;
	}
	return MK_OK;
}

/* Runs sql (a new string, freed here) when it is not NULL; an SQLite code. */
static int db_exec_free(struct mk_store *st, char *sql)
{
	int rc = sql ? sqlite3_exec(st->db, sql, NULL, NULL, NULL) : SQLITE_OK;

	free(sql);
	return rc;
}

/* The rebuild of one table with a widened CHECK (db.h: struct db_widen), inside the
 * migration's transaction, foreign keys off: a copy made from the CREATE text with w->from
 * replaced, the rows copied, the old table dropped, the copy renamed, its indexes and
 * triggers made again. */
static int db_widen_table(struct mk_store *st, const struct db_widen *w)
{
	sqlite3_stmt *s = NULL;
	char *create = NULL, **extra = NULL;
	size_t n = 0, cap = 0;
	int rc;

	rc = sqlite3_prepare_v2(st->db, "SELECT type, sql FROM sqlite_schema WHERE tbl_name = ?1 AND sql IS NOT NULL\n"
				"ORDER BY type = 'table' DESC, type = 'index' DESC, rowid", -1, &s, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(s, 1, w->table, -1, SQLITE_STATIC);
	while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *type = (const char *)sqlite3_column_text(s, 0);
		const char *sql = (const char *)sqlite3_column_text(s, 1);
		const char *at = strstr(sql, w->from);
		const char *name = strstr(sql, w->table);

		rc = SQLITE_OK;
		if (strcmp(type, "table")) {
			extra = mk_grow(extra, &cap, n + 1, sizeof *extra);
			extra[n++] = mk_strdup(sql);
		} else if (!create && at && name && name < at) {
			/* CREATE TABLE <table>__wide ... <to> ... */
			create = mk_sprintf("%.*s%s__wide%.*s%s%s", (int)(name - sql), sql, w->table,
					    (int)(at - name - strlen(w->table)), name + strlen(w->table), w->to,
					    at + strlen(w->from));
		}
	}
	sqlite3_finalize(s);
	if (rc == SQLITE_DONE)
		rc = create ? SQLITE_OK : SQLITE_CORRUPT; /* the CREATE text is not the one shipped */
	if (rc == SQLITE_OK)
		rc = db_exec_free(st, create), create = NULL;
	if (rc == SQLITE_OK)
		rc = db_exec_free(st, mk_sprintf("INSERT INTO %s__wide SELECT * FROM %s", w->table, w->table));
	if (rc == SQLITE_OK)
		rc = db_exec_free(st, mk_sprintf("DROP TABLE %s", w->table));
	if (rc == SQLITE_OK)
		rc = db_exec_free(st, mk_sprintf("ALTER TABLE %s__wide RENAME TO %s", w->table, w->table));
	for (size_t i = 0; i < n; i++) {
		if (rc == SQLITE_OK)
			rc = sqlite3_exec(st->db, extra[i], NULL, NULL, NULL);
		free(extra[i]);
	}
	free(extra);
	free(create);
	return rc;
}

/* Applies the pending migrations in order, in one transaction. */
static enum mk_err db_migrate(struct mk_store *st, struct mk_diag *diag)
{
	enum mk_err err;
	int64_t ver = 0;
	char *sql = NULL;
	int rc;

	/* a table rebuilt (db_widen_table) is dropped while other tables refer to it: foreign
	 * keys off (they can only be switched outside a transaction), and the rename left to
	 * the rebuilt table alone (legacy_alter_table) */
	rc = sqlite3_exec(st->db, "PRAGMA foreign_keys = OFF; PRAGMA legacy_alter_table = ON", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return db_fail(st, rc, diag);
	err = db_begin(st, diag);
	if (err)
		goto on;
	/* another mapkeeper may have migrated it while we waited for the lock */
	if ((err = db_pragma(st, "PRAGMA user_version", &ver, diag)))
		goto out;
	if (ver > db_schema_version) {
		err = db_check_kind(st, DB_APPLICATION_ID, ver, 1, diag);
		goto out;
	}
	for (long long v = ver; v < db_schema_version; v++) {
		rc = SQLITE_OK;
		for (const struct db_widen *w = db_widens; rc == SQLITE_OK && w->table; w++)
			if (w->version == v + 1)
				rc = db_widen_table(st, w);
		if (rc == SQLITE_OK)
			rc = sqlite3_exec(st->db, db_migrations[v], NULL, NULL, NULL);
		if (rc != SQLITE_OK) {
			err = db_fail(st, rc, diag);
			goto out;
		}
	}
	/* PRAGMA takes no parameters: the number is this build's constant, not input */
	sql = mk_sprintf("PRAGMA user_version = %d", db_schema_version);
	rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		err = db_fail(st, rc, diag);
		goto out;
	}
	err = db_commit(st, diag);
out:
	free(sql);
	if (err)
		db_rollback(st);
on:
	rc = sqlite3_exec(st->db, "PRAGMA foreign_keys = ON; PRAGMA legacy_alter_table = OFF", NULL, NULL, NULL);
	if (rc != SQLITE_OK && !err)
		err = db_fail(st, rc, diag);
	return err;
}

static enum mk_err db_setup(struct mk_store *st, int readonly, struct mk_diag *diag)
{
	int64_t app = 0, ver = 0, nobjects = 0;
	enum mk_err err;
	int rc;

	/* 32 MiB of pages (SQLite's default is 2 MiB): a long-lived connection (serve) keeps
	 * the indexes the managers' questions read across 10,000 deals */
	rc = sqlite3_exec(st->db, "PRAGMA foreign_keys = ON; PRAGMA cache_size = -32768", NULL, NULL,
			  NULL);
	if (rc != SQLITE_OK)
		return db_fail(st, rc, diag);
	/* a file that is not SQLite fails at the first */
	if ((err = db_pragma(st, "PRAGMA application_id", &app, diag)) ||
	    (err = db_pragma(st, "PRAGMA user_version", &ver, diag)) ||
	    (err = db_pragma(st, "SELECT count(*) FROM sqlite_schema", &nobjects, diag)))
		return err;
	err = db_check_kind(st, app, ver, nobjects, diag);
	if (err)
		return err;
	if (!readonly && !sqlite3_db_readonly(st->db, "main")) {
		/* persistent in the file; readers never block the writer, a crash loses no commit */
		rc = sqlite3_exec(st->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
		if (rc != SQLITE_OK)
			return db_fail(st, rc, diag);
	}
	if (ver == db_schema_version)
		return MK_OK;
	if (readonly || sqlite3_db_readonly(st->db, "main"))
		return db_fail(st, SQLITE_READONLY, diag);
	return db_migrate(st, diag);
}

/* readonly: open for reading only; create: make the file when it is missing (else a
 * missing file is MK_ENOTFOUND, "no database here", and nothing is made). */
static enum mk_err db_open(struct mk_store **out, const char *path, int readonly, int create,
			   struct mk_diag *diag)
{
	struct mk_store *st;
	enum mk_err err = MK_OK;
	const char *env;
	int rc, flags, ms = STORE_BUSY_TIMEOUT_MS;

	*out = NULL;
	if (!path || !path[0]) {
		mk_diag_set(diag, NULL, 0, "no database file given");
		return MK_EARG;
	}
	if (!create && !readonly) {
		struct stat sb;
		if (stat(path, &sb) && errno == ENOENT) {
			mk_diag_set(diag, path, 0, "no database here");
			return MK_ENOTFOUND;
		}
	}
	st = mk_calloc(1, sizeof *st);
	st->path = mk_strdup(path);
	st->query_sort_max = STORE_QUERY_SORT_MAX;
	st->said_few = STORE_SAID_FEW;
	flags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
	rc = sqlite3_open_v2(path, &st->db, flags, NULL);
	if (rc != SQLITE_OK) {
		err = db_fail(st, rc, diag);
		goto out;
	}
	sqlite3_extended_result_codes(st->db, 1);
	env = getenv("MAPKEEPER_BUSY_TIMEOUT");
	if (env && env[0]) {
		char *end;
		long v = strtol(env, &end, 10);
		if (!*end && v >= 0 && v <= 3600000)
			ms = (int)v;
	}
	sqlite3_busy_timeout(st->db, ms);
	if (!readonly) {
		/* keep -wal and -shm after the last close: readers that cannot create them (a
		 * read-only folder or mount) can still read a WAL database */
		int persist = 1;
		sqlite3_file_control(st->db, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
	}
	err = db_setup(st, readonly, diag);
out:
	if (err) {
		mk_store_close(st);
		return err;
	}
	*out = st;
	return MK_OK;
}

enum mk_err mk_store_open(struct mk_store **out, const char *path, struct mk_diag *diag)
{
	return db_open(out, path, 0, 1, diag);
}

enum mk_err mk_store_open_existing(struct mk_store **out, const char *path, struct mk_diag *diag)
{
	return db_open(out, path, 0, 0, diag);
}

enum mk_err store_open_readonly(struct mk_store **out, const char *path, struct mk_diag *diag)
{
	return db_open(out, path, 1, 0, diag);
}

void mk_store_close(struct mk_store *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < st->ncached; i++)
		sqlite3_finalize(st->cached[i]);
	free(st->cached);
	free(st->cached_sql);
	sqlite3_close_v2(st->db);
	free(st->path);
	free(st);
}

void store_tune(struct mk_store *st, size_t query_sort_max, size_t said_few)
{
	if (query_sort_max)
		st->query_sort_max = query_sort_max;
	if (said_few)
		st->said_few = said_few;
}

void store_set_busy_timeout(struct mk_store *st, int ms)
{
	if (st)
		sqlite3_busy_timeout(st->db, ms);
}

enum mk_err store_bulk(struct mk_store *st, int on, struct mk_diag *diag)
{
	/* PRAGMA takes no parameters: constants */
	int rc = sqlite3_exec(st->db, on ? "PRAGMA synchronous = OFF; PRAGMA cache_size = -262144" :
			      "PRAGMA synchronous = FULL; PRAGMA cache_size = -32768", NULL, NULL, NULL);

	return rc == SQLITE_OK ? MK_OK : db_fail(st, rc, diag);
}

enum mk_err store_limit_pages(struct mk_store *st, long pages, struct mk_diag *diag)
{
	char sql[64];
	int64_t got = 0;

	/* PRAGMA takes no parameters: a number formatted by us */
	snprintf(sql, sizeof sql, "PRAGMA max_page_count = %ld", pages);
	return db_pragma(st, sql, &got, diag);
}
