/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-sqlite-store.c — the SQLite backend. One connection per store, serialised by a recursive
 * mutex; every write runs in BEGIN IMMEDIATE … COMMIT (nested calls join the outer
 * transaction). Objects are stored as their model JSON plus the columns that are queried.
 */
#include "mado-sqlite-store.h"
#include "mado-card-link.h"
#include "mado-store-common.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <errno.h>
#include <string.h>

/* Statements come from prepare() and go back with stmt_release() (the statement cache, below):
 * g_autoptr (sqlite3_stmt) and g_clear_pointer (&stmt, stmt_release), never sqlite3_finalize. */
static void stmt_release (sqlite3_stmt *stmt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, stmt_release)

/* ---- migrations (docs/registry-storage.md) --------------------------------------------------
 * Append only: a released migration never changes; a new schema is a new entry. */

static const char migration_1[]
    = "CREATE TABLE households (\n"
      "  household_number TEXT PRIMARY KEY,\n"
      "  address_json TEXT NOT NULL\n"
      ");\n"
      "CREATE TABLE persons (\n"
      "  atena_number TEXT PRIMARY KEY,\n"
      "  household_number TEXT NOT NULL,\n"
      "  status TEXT NOT NULL,\n"
      "  head INTEGER NOT NULL,\n"
      "  juminhyo_code TEXT,\n"
      "  history_number INTEGER NOT NULL,\n"
      "  person_json TEXT NOT NULL\n"
      ");\n"
      "CREATE INDEX persons_by_household ON persons (household_number, status);\n"
      "CREATE TABLE person_history (\n"
      "  atena_number TEXT NOT NULL REFERENCES persons (atena_number),\n"
      "  history_number INTEGER NOT NULL CHECK (history_number >= 1),\n"
      "  reason TEXT NOT NULL,\n"
      "  moved_on TEXT,\n"
      "  notified_on TEXT,\n"
      "  processed_on TEXT NOT NULL,\n"
      "  entry_json TEXT NOT NULL,\n"
      "  PRIMARY KEY (atena_number, history_number)\n"
      ");\n"
      "CREATE TABLE issuance_blocks (\n"
      "  block_id TEXT PRIMARY KEY,\n"
      "  atena_number TEXT,\n"
      "  household_number TEXT,\n"
      "  block_json TEXT NOT NULL,\n"
      "  CHECK ((atena_number IS NULL) <> (household_number IS NULL))\n"
      ");\n"
      "CREATE INDEX blocks_by_person ON issuance_blocks (atena_number);\n"
      "CREATE INDEX blocks_by_household ON issuance_blocks (household_number);\n";

static const char migration_2[]
    = "CREATE TABLE card_links (\n"
      "  key_identifier BLOB NOT NULL,\n"
      "  serial BLOB NOT NULL,\n"
      "  link_hash TEXT NOT NULL UNIQUE,\n"
      "  atena_number TEXT NOT NULL UNIQUE REFERENCES persons (atena_number),\n"
      "  linked_at INTEGER NOT NULL,\n"
      "  PRIMARY KEY (key_identifier, serial)\n"
      ");\n"
      "CREATE TABLE ticket_ranges (\n"
      "  category TEXT PRIMARY KEY,\n"
      "  first_number INTEGER NOT NULL,\n"
      "  last_number INTEGER NOT NULL,\n"
      "  CHECK (1 <= first_number AND first_number <= last_number AND last_number <= 9999)\n"
      ");\n"
      "CREATE TABLE ticket_counters (\n"
      "  day TEXT NOT NULL,\n"
      "  category TEXT NOT NULL,\n"
      "  last_number INTEGER NOT NULL,\n"
      "  PRIMARY KEY (day, category)\n"
      ");\n"
      "CREATE TABLE tickets (\n"
      "  ticket_id TEXT PRIMARY KEY,\n"
      "  day TEXT NOT NULL,\n"
      "  category TEXT NOT NULL,\n"
      "  number INTEGER NOT NULL,\n"
      "  status TEXT NOT NULL,\n"
      "  ticket_json TEXT NOT NULL,\n"
      "  UNIQUE (day, category, number)\n"
      ");\n"
      "CREATE TABLE counters (\n"
      "  name TEXT PRIMARY KEY,\n"
      "  value INTEGER NOT NULL\n"
      ");\n"
      "INSERT INTO counters (name, value) VALUES ('issue_number', 0);\n"
      "CREATE TABLE issuances (\n"
      "  issue_number TEXT PRIMARY KEY,\n"
      "  serial INTEGER NOT NULL UNIQUE,\n"
      "  status TEXT NOT NULL,\n"
      "  requester TEXT NOT NULL,\n"
      "  fee INTEGER NOT NULL,\n"
      "  issuance_json TEXT NOT NULL,\n"
      "  CHECK (status <> 'voided' OR fee = 0)\n"
      ");\n"
      "CREATE INDEX issuances_by_requester ON issuances (requester);\n";

static const char migration_3[]
    = "CREATE TABLE idempotency (\n"
      "  scope TEXT NOT NULL,\n"
      "  key TEXT NOT NULL,\n"
      "  request_digest TEXT NOT NULL,\n"
      "  response_json TEXT NOT NULL,\n"
      "  created_at INTEGER NOT NULL,\n"
      "  PRIMARY KEY (scope, key)\n"
      ");\n"
      "CREATE INDEX idempotency_by_age ON idempotency (created_at);\n"
      "CREATE TABLE access_log (\n"
      "  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
      "  at INTEGER NOT NULL,\n"
      "  who TEXT NOT NULL,\n"
      "  why TEXT NOT NULL,\n"
      "  atena_number TEXT NOT NULL\n"
      ");\n"
      "CREATE INDEX access_log_by_person ON access_log (atena_number, id);\n";

/* Terminals and their certificates, operators, sessions, challenge nonces, move drafts, the
 * issuance's document digest, offline ticket blocks, the instant each ticket was issued
 * (call_next_ticket's order) and the day each issuance was reserved (list_issuances'); both
 * filled from the stored JSON for the rows already there. Seal registrations (印鑑登録), at most
 * one registered per person (a partial unique index). */
static const char migration_4[]
    = "CREATE TABLE terminals (\n"
      "  terminal_id TEXT PRIMARY KEY,\n"
      "  kind TEXT NOT NULL CHECK (kind IN ('kiosk', 'console')),\n"
      "  enrolled_at INTEGER NOT NULL,\n"
      "  revoked_at INTEGER NOT NULL DEFAULT 0\n"
      ");\n"
      "CREATE TABLE terminal_certificates (\n"
      "  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
      "  serial_hex TEXT NOT NULL UNIQUE,\n"
      "  terminal_id TEXT NOT NULL REFERENCES terminals (terminal_id),\n"
      "  not_after INTEGER NOT NULL,\n"
      "  enrolled_at INTEGER NOT NULL,\n"
      "  revoked_at INTEGER NOT NULL DEFAULT 0\n"
      ");\n"
      "CREATE INDEX terminal_certificates_by_terminal\n"
      "  ON terminal_certificates (terminal_id, enrolled_at, id);\n"
      "CREATE TABLE operators (\n"
      "  login TEXT PRIMARY KEY,\n"
      "  display_name TEXT NOT NULL,\n"
      "  role TEXT NOT NULL CHECK (role IN ('clerk', 'supervisor', 'administrator')),\n"
      "  password_hash TEXT NOT NULL,\n"
      "  disabled INTEGER NOT NULL CHECK (disabled IN (0, 1)),\n"
      "  created_at INTEGER NOT NULL\n"
      ");\n"
      "CREATE TABLE sessions (\n"
      "  token_hash TEXT PRIMARY KEY,\n"
      "  kind TEXT NOT NULL CHECK (kind IN ('identity', 'operator')),\n"
      "  subject TEXT NOT NULL,\n"
      "  terminal_id TEXT NOT NULL,\n"
      "  card_link TEXT,\n"
      "  created_at INTEGER NOT NULL,\n"
      "  expires_at INTEGER NOT NULL,\n"
      "  CHECK (kind = 'identity' OR card_link IS NULL)\n"
      ");\n"
      "CREATE INDEX sessions_by_expiry ON sessions (expires_at);\n"
      "CREATE TABLE nonces (\n"
      "  nonce BLOB PRIMARY KEY,\n"
      "  expires_at INTEGER NOT NULL,\n"
      "  used INTEGER NOT NULL DEFAULT 0\n"
      ");\n"
      "CREATE INDEX nonces_by_expiry ON nonces (expires_at);\n"
      "CREATE TABLE move_drafts (\n"
      "  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
      "  draft_id TEXT NOT NULL UNIQUE,\n"
      "  status TEXT NOT NULL,\n"
      "  draft_json TEXT NOT NULL\n"
      ");\n"
      "CREATE INDEX move_drafts_by_status ON move_drafts (status, id);\n"
      "ALTER TABLE issuances ADD COLUMN digest_hex TEXT;\n"
      "ALTER TABLE issuances ADD COLUMN document_json TEXT;\n"
      "ALTER TABLE tickets ADD COLUMN issued_unix INTEGER NOT NULL DEFAULT 0;\n"
      "UPDATE tickets SET issued_unix = coalesce(CAST(strftime('%s', "
      "json_extract(ticket_json, '$.issued_at')) AS INTEGER), 0);\n"
      "CREATE INDEX tickets_by_day_status ON tickets (day, status, issued_unix);\n"
      "ALTER TABLE issuances ADD COLUMN reserved_day TEXT NOT NULL DEFAULT '';\n"
      "UPDATE issuances SET reserved_day = "
      "coalesce(substr(json_extract(issuance_json, '$.reserved_at'), 1, 10), '');\n"
      "CREATE INDEX issuances_by_day ON issuances (reserved_day, serial);\n"
      "CREATE TABLE ticket_blocks (\n"
      "  day TEXT NOT NULL,\n"
      "  category TEXT NOT NULL,\n"
      "  first_number INTEGER NOT NULL,\n"
      "  last_number INTEGER NOT NULL,\n"
      "  PRIMARY KEY (day, category, first_number),\n"
      "  CHECK (1 <= first_number AND first_number <= last_number AND last_number <= 9999)\n"
      ");\n"
      "CREATE TABLE seal_registrations (\n"
      "  registration_number TEXT PRIMARY KEY,\n"
      "  atena_number TEXT NOT NULL REFERENCES persons (atena_number),\n"
      "  status TEXT NOT NULL CHECK (status IN ('registered', 'abolished')),\n"
      "  registration_json TEXT NOT NULL\n"
      ");\n"
      "CREATE UNIQUE INDEX seal_registrations_registered\n"
      "  ON seal_registrations (atena_number) WHERE status = 'registered';\n";

static const char *const migrations[]
    = { NULL, migration_1, migration_2, migration_3, migration_4 };
G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == MADO_SQLITE_SCHEMA_VERSION + 1);

const char *
mado_sqlite_store_get_migration (guint version)
{
  if (version < 1 || version > MADO_SQLITE_SCHEMA_VERSION)
    return NULL;
  return migrations[version];
}

/* ---- the object ------------------------------------------------------------------------- */

struct _MadoSqliteStore
{
  GObject parent_instance;
  sqlite3 *db;
  GRecMutex lock;  /* one thread at a time on the connection, for a whole transaction */
  guint depth;     /* nesting of write transactions */
  gboolean failed; /* a nested step failed: the outer transaction rolls back */
  guint schema_version;
  GHashTable *stmts_by_sql;  /* the statement cache: SQL text → CachedStmt (owned) */
  GHashTable *stmts_by_ptr;  /* the address of an SQL text seen → its CachedStmt (a hint) */
  GHashTable *stmts_by_stmt; /* sqlite3_stmt * → the same CachedStmt */
  int wal_pages;             /* the WAL's length after this connection's last commit */
};

static void stmt_cache_clear (MadoSqliteStore *self);
static void store_forget (MadoSqliteStore *self);

static void mado_sqlite_store_iface_init (MadoRegistryStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (MadoSqliteStore, mado_sqlite_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (MADO_TYPE_REGISTRY_STORE,
                                                      mado_sqlite_store_iface_init))

static void
mado_sqlite_store_dispose (GObject *object)
{
  MadoSqliteStore *self = MADO_SQLITE_STORE (object);

  g_rec_mutex_lock (&self->lock);
  stmt_cache_clear (self);
  g_rec_mutex_unlock (&self->lock);
  G_OBJECT_CLASS (mado_sqlite_store_parent_class)->dispose (object);
}

static void
mado_sqlite_store_finalize (GObject *object)
{
  MadoSqliteStore *self = MADO_SQLITE_STORE (object);

  stmt_cache_clear (self);
  if (self->db != NULL)
    {
      store_forget (self);
      sqlite3_close_v2 (self->db);
    }
  g_hash_table_unref (self->stmts_by_stmt);
  g_hash_table_unref (self->stmts_by_ptr);
  g_hash_table_unref (self->stmts_by_sql);
  g_rec_mutex_clear (&self->lock);
  G_OBJECT_CLASS (mado_sqlite_store_parent_class)->finalize (object);
}

static void
mado_sqlite_store_class_init (MadoSqliteStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = mado_sqlite_store_dispose;
  G_OBJECT_CLASS (klass)->finalize = mado_sqlite_store_finalize;
}

static void
mado_sqlite_store_init (MadoSqliteStore *self)
{
  g_rec_mutex_init (&self->lock);
  self->stmts_by_sql = g_hash_table_new (g_str_hash, g_str_equal);
  self->stmts_by_ptr = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->stmts_by_stmt = g_hash_table_new (g_direct_hash, g_direct_equal);
}

/* ---- helpers ---------------------------------------------------------------------------- */

/* SQLite's messages name tables, columns and constraints, never the values bound. */
static gboolean
db_error (MadoSqliteStore *self, int rc, const char *what, GError **error)
{
  int primary = rc & 0xff;
  MadoRegistryError code = MADO_REGISTRY_ERROR_DATABASE;

  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
    code = MADO_REGISTRY_ERROR_BUSY;
  else if (primary == SQLITE_CONSTRAINT)
    code = MADO_REGISTRY_ERROR_CONFLICT;
  g_set_error (error, MADO_REGISTRY_ERROR, code, "%s: %s", what, sqlite3_errmsg (self->db));
  return FALSE;
}

static gboolean
exec (MadoSqliteStore *self, const char *sql, GError **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    return db_error (self, rc, sql, error);
  return TRUE;
}

static void
bind_text (sqlite3_stmt *stmt, int index, const char *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_STATIC);
}

/* Steps a statement that returns no row (or whose rows are ignored). */
static gboolean
step_done (MadoSqliteStore *self, sqlite3_stmt *stmt, const char *what, GError **error)
{
  int rc;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    ;
  if (rc != SQLITE_DONE)
    return db_error (self, rc, what, error);
  return TRUE;
}

/* SQLITE_ROW → 1, SQLITE_DONE → 0, an error → −1 with @error set. */
static int
step_row (MadoSqliteStore *self, sqlite3_stmt *stmt, const char *what, GError **error)
{
  int rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return 1;
  if (rc == SQLITE_DONE)
    return 0;
  db_error (self, rc, what, error);
  return -1;
}

static const char *
column_text (sqlite3_stmt *stmt, int column)
{
  return (const char *)sqlite3_column_text (stmt, column);
}

static void
lock (MadoSqliteStore *self)
{
  g_rec_mutex_lock (&self->lock);
}

static void
unlock (MadoSqliteStore *self)
{
  g_rec_mutex_unlock (&self->lock);
}

/* ---- the statement cache ----------------------------------------------------------------
 * Parsing SQL costs more than running most of the store's statements, so each connection keeps
 * one prepared statement per SQL text: prepare() hands it out, stmt_release() resets it, clears
 * its bindings and takes it back. A statement still out when the same SQL is prepared again (a
 * nested call while a SELECT is being stepped, or another thread's release still to come) is
 * never handed out twice: that caller gets a fresh statement, finalized when released. The
 * cache is emptied when the store is disposed and before a backup. */

#define STMT_CACHE_MAX 256 /* SQL texts are the file's own; a bound all the same */

typedef struct
{
  char *sql;
  sqlite3_stmt *stmt;
  gboolean in_use;
} CachedStmt;

/* sqlite3 * → its MadoSqliteStore: stmt_release() is a g_autoptr cleanup and gets only the
 * statement. */
G_LOCK_DEFINE_STATIC (open_stores);
static GHashTable *open_stores;

static void
store_register (MadoSqliteStore *self)
{
  G_LOCK (open_stores);
  if (open_stores == NULL)
    open_stores = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_hash_table_insert (open_stores, self->db, self);
  G_UNLOCK (open_stores);
}

static void
store_forget (MadoSqliteStore *self)
{
  G_LOCK (open_stores);
  if (open_stores != NULL)
    g_hash_table_remove (open_stores, self->db);
  G_UNLOCK (open_stores);
}

/* Remembers where @sql lives (texts at new addresses every time would only refill the hints). */
static void
stmt_cache_hint (MadoSqliteStore *self, const char *sql, CachedStmt *cached)
{
  if (g_hash_table_size (self->stmts_by_ptr) >= 4 * STMT_CACHE_MAX)
    g_hash_table_remove_all (self->stmts_by_ptr);
  g_hash_table_insert (self->stmts_by_ptr, (gpointer)sql, cached);
}

/* Finalizes every cached statement; one still in use is forgotten, so that its release
 * finalizes it. */
static void
stmt_cache_clear (MadoSqliteStore *self)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->stmts_by_sql);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      CachedStmt *cached = value;
      if (!cached->in_use)
        sqlite3_finalize (cached->stmt);
      g_free (cached->sql);
      g_free (cached);
    }
  g_hash_table_remove_all (self->stmts_by_sql);
  g_hash_table_remove_all (self->stmts_by_ptr);
  g_hash_table_remove_all (self->stmts_by_stmt);
}

static sqlite3_stmt *
prepare (MadoSqliteStore *self, const char *sql, GError **error)
{
  CachedStmt *cached;
  sqlite3_stmt *stmt = NULL;
  int rc;

  lock (self);
  /* The texts are string literals, mostly: their address finds the statement without hashing
   * the text, and the comparison makes it safe for any other. */
  cached = g_hash_table_lookup (self->stmts_by_ptr, sql);
  if (cached == NULL || strcmp (cached->sql, sql) != 0)
    {
      cached = g_hash_table_lookup (self->stmts_by_sql, sql);
      if (cached != NULL)
        stmt_cache_hint (self, sql, cached);
    }
  if (cached != NULL && !cached->in_use)
    {
      cached->in_use = TRUE;
      unlock (self);
      return cached->stmt;
    }
  rc = sqlite3_prepare_v3 (self->db, sql, -1, cached == NULL ? SQLITE_PREPARE_PERSISTENT : 0, &stmt,
                           NULL);
  if (rc != SQLITE_OK)
    {
      db_error (self, rc, "prepare", error);
      unlock (self);
      return NULL;
    }
  if (cached == NULL && g_hash_table_size (self->stmts_by_sql) < STMT_CACHE_MAX)
    {
      cached = g_new0 (CachedStmt, 1);
      cached->sql = g_strdup (sql);
      cached->stmt = stmt;
      cached->in_use = TRUE;
      g_hash_table_insert (self->stmts_by_sql, cached->sql, cached);
      stmt_cache_hint (self, sql, cached);
      g_hash_table_insert (self->stmts_by_stmt, stmt, cached);
    }
  unlock (self);
  return stmt;
}

static void
stmt_release (sqlite3_stmt *stmt)
{
  MadoSqliteStore *self = NULL;
  CachedStmt *cached = NULL;

  if (stmt == NULL)
    return;
  G_LOCK (open_stores);
  if (open_stores != NULL)
    self = g_hash_table_lookup (open_stores, sqlite3_db_handle (stmt));
  G_UNLOCK (open_stores);
  if (self != NULL)
    {
      lock (self);
      cached = g_hash_table_lookup (self->stmts_by_stmt, stmt);
      if (cached != NULL)
        {
          sqlite3_reset (stmt); /* ends its read, if it was a SELECT not stepped to the end */
          sqlite3_clear_bindings (stmt); /* bound text is the caller's (SQLITE_STATIC) */
          cached->in_use = FALSE;
        }
      unlock (self);
    }
  if (cached == NULL)
    sqlite3_finalize (stmt);
}

/* Finalizing a statement prepare() handed out would leave the cache a dangling pointer: from here
 * on, statements go back with stmt_release() only. */
#pragma GCC poison sqlite3_finalize

/* Write transactions: tx_begin() locks and, outermost, begins; tx_end() commits (or rolls back
 * when @ok is FALSE or a nested step failed) and unlocks. @error is set by tx_end() only when
 * @ok was TRUE and the commit failed. */
static gboolean
tx_begin (MadoSqliteStore *self, GError **error)
{
  lock (self);
  if (self->depth == 0)
    {
      if (!exec (self, "BEGIN IMMEDIATE", error))
        {
          unlock (self);
          return FALSE;
        }
      self->failed = FALSE;
    }
  self->depth++;
  return TRUE;
}

static gboolean
tx_end (MadoSqliteStore *self, gboolean ok, GError **error)
{
  self->depth--;
  if (!ok)
    self->failed = TRUE;
  if (self->depth == 0)
    {
      if (ok && self->failed)
        {
          g_set_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_DATABASE,
                       "a step of the transaction failed: rolled back");
          ok = FALSE;
        }
      if (ok && !exec (self, "COMMIT", error))
        ok = FALSE;
      if (!ok && !sqlite3_get_autocommit (self->db))
        sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      self->failed = FALSE;
    }
  unlock (self);
  return ok;
}

/* ---- open and migrate ------------------------------------------------------------------- */

static gboolean
migrate_locked (MadoSqliteStore *self, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gint64 version = 0;
  int row;

  if (!exec (self, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)", error))
    return FALSE;
  stmt = prepare (self, "SELECT max(version) FROM schema_version", error);
  if (stmt == NULL)
    return FALSE;
  row = step_row (self, stmt, "reading the schema version", error);
  if (row < 0)
    return FALSE;
  if (row > 0 && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    version = sqlite3_column_int64 (stmt, 0);
  g_clear_pointer (&stmt, stmt_release);

  if (version > (gint64)MADO_SQLITE_SCHEMA_VERSION || version < 0)
    {
      g_set_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_SCHEMA_TOO_NEW,
                   "the database schema is version %" G_GINT64_FORMAT
                   ", newer than this build knows (%u): refusing to open it; run the newer "
                   "Madoguchi or restore a backup",
                   version, MADO_SQLITE_SCHEMA_VERSION);
      return FALSE;
    }
  for (gint64 v = version + 1; v <= (gint64)MADO_SQLITE_SCHEMA_VERSION; v++)
    {
      int rc = sqlite3_exec (self->db, migrations[v], NULL, NULL, NULL);
      if (rc != SQLITE_OK)
        {
          g_set_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_MIGRATION,
                       "migration %" G_GINT64_FORMAT " failed: %s", v, sqlite3_errmsg (self->db));
          return FALSE;
        }
    }
  if (version < (gint64)MADO_SQLITE_SCHEMA_VERSION)
    {
      g_autofree char *sql = g_strdup_printf ("DELETE FROM schema_version; "
                                              "INSERT INTO schema_version (version) VALUES (%u)",
                                              MADO_SQLITE_SCHEMA_VERSION);
      if (!exec (self, sql, error))
        return FALSE;
    }
  self->schema_version = MADO_SQLITE_SCHEMA_VERSION;
  return TRUE;
}

/* Checkpoints: after a commit of a few pages, as SQLite's own (once the WAL holds
 * WAL_CHECKPOINT_PAGES); after a big one — a seed's batch — only once it holds
 * WAL_BULK_CHECKPOINT_PAGES, so that the pages several big commits in a row rewrite (indexes) are
 * copied into the database once, not after each. Durability is the same: a commit is on disk in
 * the WAL (synchronous=FULL) whenever the checkpoint comes. */
#define WAL_CHECKPOINT_PAGES 1000
#define WAL_BULK_COMMIT_PAGES 1000
#define WAL_BULK_CHECKPOINT_PAGES 40000

static int
wal_hook (void *data, sqlite3 *db, const char *name, int pages)
{
  MadoSqliteStore *self = data;
  int committed = pages > self->wal_pages ? pages - self->wal_pages : pages; /* or restarted */
  int limit = committed >= WAL_BULK_COMMIT_PAGES ? WAL_BULK_CHECKPOINT_PAGES : WAL_CHECKPOINT_PAGES;

  self->wal_pages = pages;
  if (pages >= limit)
    sqlite3_wal_checkpoint_v2 (db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
  return SQLITE_OK;
}

static gboolean
configure (MadoSqliteStore *self, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  const char *mode;

  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_timeout (self->db, MADO_SQLITE_BUSY_TIMEOUT_MS);
  stmt = prepare (self, "PRAGMA journal_mode = WAL", error);
  if (stmt == NULL || step_row (self, stmt, "setting WAL mode", error) <= 0)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_OPEN, "no journal mode");
      return FALSE;
    }
  mode = column_text (stmt, 0);
  if (mode == NULL || g_ascii_strcasecmp (mode, "wal") != 0)
    {
      g_set_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_OPEN,
                   "the database refused WAL mode (it is in %s mode)", mode ? mode : "no");
      return FALSE;
    }
  sqlite3_wal_hook (self->db, wal_hook, self); /* instead of wal_autocheckpoint */
  return exec (self,
               "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; "
               "PRAGMA cache_size = -" G_STRINGIFY (MADO_SQLITE_CACHE_KIB),
               error);
}

MadoSqliteStore *
mado_sqlite_store_new (const char *path, GError **error)
{
  g_autoptr (MadoSqliteStore) self = g_object_new (MADO_TYPE_SQLITE_STORE, NULL);
  gboolean ok;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);

  rc = sqlite3_open_v2 (path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL);
  if (self->db != NULL)
    store_register (self);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_OPEN,
                   "cannot open the database: %s",
                   self->db ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      return NULL;
    }
  if (!configure (self, error))
    return NULL;
  /* One transaction, so two processes starting together migrate once. */
  if (!tx_begin (self, error))
    return NULL;
  ok = migrate_locked (self, error);
  if (!tx_end (self, ok, error))
    return NULL;
  return g_steal_pointer (&self);
}

void
mado_sqlite_store_set_busy_timeout (MadoSqliteStore *self, guint milliseconds)
{
  g_return_if_fail (MADO_IS_SQLITE_STORE (self));
  lock (self);
  sqlite3_busy_timeout (self->db, (int)MIN (milliseconds, (guint)G_MAXINT));
  unlock (self);
}

guint
mado_sqlite_store_get_cached_statements (MadoSqliteStore *self)
{
  guint n;

  g_return_val_if_fail (MADO_IS_SQLITE_STORE (self), 0);
  lock (self);
  n = g_hash_table_size (self->stmts_by_sql);
  unlock (self);
  return n;
}

static guint
sqlite_get_schema_version (MadoRegistryStore *store)
{
  return MADO_SQLITE_STORE (store)->schema_version;
}

static gboolean
sqlite_run_in_transaction (MadoRegistryStore *store, MadoRegistryStoreTxFunc func,
                           gpointer user_data, GError **error)
{
  MadoSqliteStore *self = MADO_SQLITE_STORE (store);
  gboolean ok;

  if (!tx_begin (self, error))
    return FALSE;
  ok = func (store, user_data, error);
  return tx_end (self, ok, error);
}

/* The first column of the row @sql selects with @key as ?1 (new); NULL and NOT_FOUND (@what)
 * when there is none. @doing names the read in an error. */
static char *
text_by_key (MadoSqliteStore *self, const char *sql, const char *key, const char *doing,
             const char *what, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  char *text = NULL;

  lock (self);
  stmt = prepare (self, sql, error);
  if (stmt != NULL)
    {
      bind_text (stmt, 1, key);
      int row = step_row (self, stmt, doing, error);
      if (row > 0)
        text = g_strdup (column_text (stmt, 0));
      else if (row == 0)
        mado_store_not_found (what, error);
    }
  g_clear_pointer (&stmt, stmt_release);
  unlock (self);
  return text;
}

/* ---- persons and history ---------------------------------------------------------------- */

static guint
record_change_locked (MadoSqliteStore *self, const MadoHistoryEntry *entry, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (MadoHistoryEntry) checked = NULL;
  g_autofree char *entry_json = NULL;
  g_autofree char *person_json = NULL;
  JsonObject *object;
  JsonObject *person;
  gint64 current = 0;
  guint next;
  int row;

  if (entry->atena_number == NULL)
    return mado_store_invalid ("atena_number: missing", error), 0;
  stmt = prepare (self, "SELECT history_number FROM persons WHERE atena_number = ?1", error);
  if (stmt == NULL)
    return 0;
  bind_text (stmt, 1, entry->atena_number);
  row = step_row (self, stmt, "reading the person", error);
  if (row < 0)
    return 0;
  if (row > 0)
    current = sqlite3_column_int64 (stmt, 0);
  g_clear_pointer (&stmt, stmt_release);
  if (current >= G_MAXINT32)
    return mado_store_invalid ("history_number: the history is full", error), 0;
  next = (guint)current + 1;

  /* Through the JSON form once: the store's number in, the model's strict check, the texts. */
  checked = mado_store_entry_check (entry, next, &node, &entry_json, &person_json, error);
  if (checked == NULL)
    return 0;
  object = json_node_get_object (node);
  person = json_object_get_object_member (object, "person");

  stmt = prepare (self,
                  "INSERT INTO persons (atena_number, household_number, status, head, "
                  "juminhyo_code, history_number, person_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
                  "ON CONFLICT (atena_number) DO UPDATE SET "
                  "household_number = excluded.household_number, status = excluded.status, "
                  "head = excluded.head, juminhyo_code = excluded.juminhyo_code, "
                  "history_number = excluded.history_number, person_json = excluded.person_json",
                  error);
  if (stmt == NULL)
    return 0;
  bind_text (stmt, 1, checked->atena_number);
  bind_text (stmt, 2, checked->person->household_number);
  bind_text (stmt, 3, mado_store_json_text (person, "status"));
  sqlite3_bind_int (stmt, 4, checked->person->head ? 1 : 0);
  bind_text (stmt, 5, checked->person->juminhyo_code);
  sqlite3_bind_int64 (stmt, 6, next);
  bind_text (stmt, 7, person_json);
  if (!step_done (self, stmt, "writing the person", error))
    return 0;
  g_clear_pointer (&stmt, stmt_release);

  stmt = prepare (self,
                  "INSERT INTO person_history (atena_number, history_number, reason, moved_on, "
                  "notified_on, processed_on, entry_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                  error);
  if (stmt == NULL)
    return 0;
  bind_text (stmt, 1, checked->atena_number);
  sqlite3_bind_int64 (stmt, 2, next);
  bind_text (stmt, 3, mado_store_json_text (object, "reason"));
  bind_text (stmt, 4, mado_store_json_text (object, "moved_on"));
  bind_text (stmt, 5, mado_store_json_text (object, "notified_on"));
  bind_text (stmt, 6, mado_store_json_text (object, "processed_on"));
  bind_text (stmt, 7, entry_json);
  if (!step_done (self, stmt, "writing the history", error))
    return 0;
  return next;
}

static guint
sqlite_record_change (MadoRegistryStore *store, const MadoHistoryEntry *entry, GError **error)
{
  MadoSqliteStore *self = MADO_SQLITE_STORE (store);
  guint number;

  if (!tx_begin (self, error))
    return 0;
  number = record_change_locked (self, entry, error);
  return tx_end (self, number != 0, error) ? number : 0;
}

/* The current person_json (NULL and NOT_FOUND when none); the caller holds the lock. */
static char *
person_json_locked (MadoSqliteStore *self, const char *atena_number, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt
      = prepare (self, "SELECT person_json FROM persons WHERE atena_number = ?1", error);
  int row;

  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, atena_number);
  row = step_row (self, stmt, "reading the person", error);
  if (row < 0)
    return NULL;
  if (row == 0)
    return mado_store_not_found ("person", error), NULL;
  return g_strdup (column_text (stmt, 0));
}

static MadoPerson *
sqlite_get_person (MadoRegistryStore *store, const char *atena_number, GError **error)
{
  MadoSqliteStore *self = MADO_SQLITE_STORE (store);
  g_autofree char *json = NULL;

  lock (self);
  json = person_json_locked (self, atena_number, error);
  unlock (self);
  if (json == NULL)
    return NULL;
  return mado_store_person_from_json_text (json, error);
}

/* One page of persons after @after (NULL: from the first), at most @limit, into @page (MadoPerson
 * *, without 個人番号), and the page's last 宛名番号 in *@last; the caller holds the lock. One
 * statement: one consistent read. */
static gboolean
person_page_locked (MadoSqliteStore *self, const char *after, guint limit, GPtrArray *page,
                    char **last, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt
      = prepare (self,
                 after != NULL ? "SELECT atena_number, person_json FROM persons "
                                 "WHERE atena_number > ?1 ORDER BY atena_number LIMIT ?2"
                               : "SELECT atena_number, person_json FROM persons "
                                 "ORDER BY atena_number LIMIT ?2",
                 error);
  int row;

  if (stmt == NULL)
    return FALSE;
  if (after != NULL)
    bind_text (stmt, 1, after);
  sqlite3_bind_int64 (stmt, 2, limit);
  while ((row = step_row (self, stmt, "reading the persons", error)) > 0)
    {
      MadoPerson *person = mado_store_person_from_json_text (column_text (stmt, 1), error);
      if (person == NULL)
        return FALSE;
      g_ptr_array_add (page, person);
      g_free (*last);
      *last = g_strdup (column_text (stmt, 0));
    }
  return row == 0;
}

static gboolean
sqlite_foreach_person (MadoRegistryStore *store, MadoRegistryStorePersonFunc func,
                       gpointer user_data, GError **error)
{
  MadoSqliteStore *self = MADO_SQLITE_STORE (store);
  g_autofree char *after = NULL;

  /* Keyset pages: the lock (and SQLite's read snapshot) is held for one page, not for the walk,
   * so a long export neither stalls the store's other users nor pins the WAL. */
  for (;;)
    {
      g_autoptr (GPtrArray) page
          = g_ptr_array_new_with_free_func ((GDestroyNotify)mado_person_free);
      g_autofree char *last = NULL;
      gboolean ok;

      lock (self);
      ok = person_page_locked (self, after, MADO_REGISTRY_STORE_PERSON_PAGE, page, &last, error);
      unlock (self);
      if (!ok)
        return FALSE;
      for (guint i = 0; i < page->len; i++)
        if (!func (g_ptr_array_index (page, i), user_data, error))
          return FALSE;
      if (page->len < MADO_REGISTRY_STORE_PERSON_PAGE)
        return TRUE;
      g_free (after);
      after = g_steal_pointer (&last);
    }
}

static GPtrArray *
sqlite_list_history (MadoRegistryStore *store, const char *atena_number, GError **error)
{
  MadoSqliteStore *self = MADO_SQLITE_STORE (store);
  g_autoptr (GPtrArray) entries
      = g_ptr_array_new_with_free_func ((GDestroyNotify)mado_history_entry_free);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gboolean ok = TRUE;
  int row;

  lock (self);
  stmt = prepare (self,
                  "SELECT entry_json FROM person_history WHERE atena_number = ?1 "
                  "ORDER BY history_number",
                  error);
  if (stmt == NULL)
    ok = FALSE;
  else
    bind_text (stmt, 1, atena_number);
  while (ok && (row = step_row (self, stmt, "reading the history", error)) != 0)
    {
      MadoHistoryEntry *entry;
      if (row < 0)
        {
          ok = FALSE;
          break;
        }
      entry = mado_history_entry_new_from_data (column_text (stmt, 0), -1, error);
      if (entry == NULL)
        {
          ok = FALSE;
          break;
        }
      g_clear_pointer (&entry->person->kojin_bango, g_free);
      g_ptr_array_add (entries, entry);
    }
  g_clear_pointer (&stmt, stmt_release);
  unlock (self);
  return ok ? g_steal_pointer (&entries) : NULL;
}

static gboolean
read_kojin_bango_locked (MadoSqliteStore *self, const char *atena_number, const char *who,
                         const char *why, gint64 at, char **kojin_bango, GError **error)
{
  g_autofree char *json = person_json_locked (self, atena_number, error);
  g_autoptr (MadoPerson) person = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;

  if (json == NULL)
    return FALSE;
  person = mado_person_new_from_data (json, -1, error);
  if (person == NULL)
    return FALSE;
  stmt = prepare (
      self, "INSERT INTO access_log (at, who, why, atena_number) VALUES (?1, ?2, ?3, ?4)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, at);
  bind_text (stmt, 2, who);
  bind_text (stmt, 3, why);
  bind_text (stmt, 4, atena_number);
  if (!step_done (self, stmt, "writing the access log", error))
    return FALSE;
  *kojin_bango = g_steal_pointer (&person->kojin_bango);
  return TRUE;
}

static gboolean
sqlite_read_kojin_bango (MadoRegistryStore *store, const char *atena_number, const char *who,
                         const char *why, gint64 at, char **kojin_bango, GError **error)
{
  MadoSqliteStore *self = MADO_SQLITE_STORE (store);
  gboolean ok;

  *kojin_bango = NULL;
  if (*who == '\0' || *why == '\0')
    return mado_store_invalid ("who and why are required to read a 個人番号", error);
  if (!tx_begin (self, error))
    return FALSE;
  ok = read_kojin_bango_locked (self, atena_number, who, why, at, kojin_bango, error);
  ok = tx_end (self, ok, error);
  if (!ok && *kojin_bango != NULL)
    {
      explicit_bzero (*kojin_bango, strlen (*kojin_bango));
      g_clear_pointer (kojin_bango, g_free);
    }
  return ok;
}

static GPtrArray *
sqlite_list_access (MadoRegistryStore *store, const char *atena_number, GError **error)
{
  MadoSqliteStore *self = MADO_SQLITE_STORE (store);
  g_autoptr (GPtrArray) records
      = g_ptr_array_new_with_free_func ((GDestroyNotify)mado_access_record_free);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gboolean ok = TRUE;
  int row;

  lock (self);
  stmt = prepare (self,
                  "SELECT id, at, who, why, atena_number FROM access_log "
                  "WHERE atena_number = ?1 ORDER BY id",
                  error);
  if (stmt == NULL)
    ok = FALSE;
  else
    bind_text (stmt, 1, atena_number);
  while (ok && (row = step_row (self, stmt, "reading the access log", error)) != 0)
    {
      MadoAccessRecord *record;
      if (row < 0)
        {
          ok = FALSE;
          break;
        }
      record = g_new0 (MadoAccessRecord, 1);
      record->id = sqlite3_column_int64 (stmt, 0);
      record->at = sqlite3_column_int64 (stmt, 1);
      record->who = g_strdup (column_text (stmt, 2));
      record->why = g_strdup (column_text (stmt, 3));
      record->atena_number = g_strdup (column_text (stmt, 4));
      g_ptr_array_add (records, record);
    }
  g_clear_pointer (&stmt, stmt_release);
  unlock (self);
  return ok ? g_steal_pointer (&records) : NULL;
}

/* ---- households ------------------------------------------------------------------------- */

static gboolean
sqlite_put_household (MadoRegistryStore *store, const MadoHousehold *household, GError **error)
{
  MadoSqliteStore *self = MADO_SQLITE_STORE (store);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autofree char *address_json = NULL;
  gboolean ok;

  if (household->household_number == NULL)
    return mado_store_invalid ("household_number: missing", error);
  if (!mado_atena_number_check (household->household_number, error))
    return FALSE;
  if (household->address == NULL)
    return mado_store_invalid ("address: missing", error);
  if (household->members != NULL && household->members->len > 0
      && !mado_household_validate (household, error))
    return FALSE;
  address_json = mado_store_address_check (household->address, error);
  if (address_json == NULL)
    return FALSE;

  if (!tx_begin (self, error))
    return FALSE;
  stmt = prepare (self,
                  "INSERT INTO households (household_number, address_json) VALUES (?1, ?2) "
                  "ON CONFLICT (household_number) DO UPDATE SET address_json = "
                  "excluded.address_json",
                  error);
  ok = stmt != NULL;
  if (ok)
    {
      bind_text (stmt, 1, household->household_number);
      bind_text (stmt, 2, address_json);
      ok = step_done (self, stmt, "writing the household", error);
    }
  g_clear_pointer (&stmt, stmt_release);
  return tx_end (self, ok, error);
}

static MadoHousehold *
get_household_locked (MadoSqliteStore *self, const char *household_number, GError **error)
{
  g_autoptr (MadoHousehold) household = mado_household_new ();
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int row;

  stmt = prepare (self, "SELECT address_json FROM households WHERE household_number = ?1", error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, household_number);
  row = step_row (self, stmt, "reading the household", error);
  if (row < 0)
    return NULL;
  if (row == 0)
    return mado_store_not_found ("household", error), NULL;
  household->household_number = g_strdup (household_number);
  household->address = mado_address_new_from_data (column_text (stmt, 0), -1, error);
  if (household->address == NULL)
    return NULL;
  g_clear_pointer (&stmt, stmt_release);

  /* Arrays of model objects are freed by the model, element by element. */
  household->members = g_ptr_array_new ();
  stmt = prepare (self,
                  "SELECT person_json FROM persons WHERE household_number = ?1 "
                  "AND status = 'resident' ORDER BY head DESC, rowid",
                  error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, household_number);
  while ((row = step_row (self, stmt, "reading the members", error)) != 0)
    {
      MadoPerson *person;
      if (row < 0)
        return NULL;
      person = mado_store_person_from_json_text (column_text (stmt, 0), error);
      if (person == NULL)
        return NULL;
      g_ptr_array_add (household->members, person);
    }
  return g_steal_pointer (&household);
}

static MadoHousehold *
sqlite_get_household (MadoRegistryStore *store, const char *household_number, GError **error)
{
  MadoSqliteStore *self = MADO_SQLITE_STORE (store);
  MadoHousehold *household;

  lock (self);
  household = get_household_locked (self, household_number, error);
  unlock (self);
  return household;
}

/* ---- issuance blocks -------------------------------------------------------------------- */

static gboolean
sqlite_put_block (MadoRegistryStore *store, const MadoIssuanceBlock *block, GError **error)
{
  MadoSqliteStore *self = MADO_SQLITE_STORE (store);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autofree char *json = NULL;
  gboolean ok;

  if (!mado_issuance_block_validate (block, error))
    return FALSE;
  json = mado_issuance_block_to_data (block, NULL);
  if (!tx_begin (self, error))
    return FALSE;
  stmt = prepare (self,
                  "INSERT INTO issuance_blocks (block_id, atena_number, household_number, "
                  "block_json) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (block_id) DO UPDATE SET "
                  "atena_number = excluded.atena_number, household_number = "
                  "excluded.household_number, block_json = excluded.block_json",
                  error);
  ok = stmt != NULL;
  if (ok)
    {
      bind_text (stmt, 1, block->block_id);
      bind_text (stmt, 2, block->atena_number);
      bind_text (stmt, 3, block->household_number);
      bind_text (stmt, 4, json);
      ok = step_done (self, stmt, "writing the block", error);
    }
  g_clear_pointer (&stmt, stmt_release);
  return tx_end (self, ok, error);
}

static GPtrArray *
sqlite_list_blocks (MadoRegistryStore *store, const char *atena_number,
                    const char *household_number, GError **error)
{
  MadoSqliteStore *self = MADO_SQLITE_STORE (store);
  g_autoptr (GPtrArray) blocks
      = g_ptr_array_new_with_free_func ((GDestroyNotify)mado_issuance_block_free);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gboolean ok = TRUE;
  int row;

  lock (self);
  stmt = prepare (self,
                  "SELECT block_json FROM issuance_blocks WHERE "
                  "(?1 IS NOT NULL AND atena_number = ?1) OR "
                  "(?2 IS NOT NULL AND household_number = ?2) ORDER BY block_id",
                  error);
  if (stmt == NULL)
    ok = FALSE;
  else
    {
      bind_text (stmt, 1, atena_number);
      bind_text (stmt, 2, household_number);
    }
  while (ok && (row = step_row (self, stmt, "reading the blocks", error)) != 0)
    {
      MadoIssuanceBlock *block = NULL;
      if (row > 0)
        block = mado_issuance_block_new_from_data (column_text (stmt, 0), -1, error);
      if (block == NULL)
        {
          ok = FALSE;
          break;
        }
      g_ptr_array_add (blocks, block);
    }
  g_clear_pointer (&stmt, stmt_release);
  unlock (self);
  return ok ? g_steal_pointer (&blocks) : NULL;
}

/* ---- card links ------------------------------------------------------------------------- */

static void
bind_bytes (sqlite3_stmt *stmt, int index, GBytes *bytes)
{
  gsize length;
  gconstpointer data = g_bytes_get_data (bytes, &length);
  sqlite3_bind_blob64 (stmt, index, length ? data : "", length, SQLITE_STATIC);
}

static gboolean
link_card_locked (MadoSqliteStore *self, GBytes *key_identifier, GBytes *magnitude,
                  const char *atena_number, gint64 at, GError **error)
{
  g_autofree char *hash = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gboolean linked;

  /* Whether the person exists and whom the certificate is linked to, in one statement. */
  stmt = prepare (self,
                  "SELECT EXISTS (SELECT 1 FROM persons WHERE atena_number = ?3), "
                  "(SELECT atena_number FROM card_links WHERE key_identifier = ?1 AND serial = ?2)",
                  error);
  if (stmt == NULL)
    return FALSE;
  bind_bytes (stmt, 1, key_identifier);
  bind_bytes (stmt, 2, magnitude);
  bind_text (stmt, 3, atena_number);
  if (step_row (self, stmt, "reading the card link", error) <= 0)
    return error == NULL || *error != NULL ? FALSE : mado_store_invalid ("no row", error);
  if (sqlite3_column_int (stmt, 0) == 0)
    return mado_store_not_found ("person", error);
  linked = sqlite3_column_type (stmt, 1) != SQLITE_NULL;
  if (linked && g_strcmp0 (column_text (stmt, 1), atena_number) != 0)
    {
      g_set_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_CONFLICT,
                   "the certificate is already linked to another person");
      return FALSE;
    }
  g_clear_pointer (&stmt, stmt_release);

  if (linked)
    {
      /* The same certificate again: only the time changes. */
      stmt = prepare (self,
                      "UPDATE card_links SET linked_at = ?3 WHERE key_identifier = ?1 AND "
                      "serial = ?2",
                      error);
      if (stmt == NULL)
        return FALSE;
      bind_bytes (stmt, 1, key_identifier);
      bind_bytes (stmt, 2, magnitude);
      sqlite3_bind_int64 (stmt, 3, at);
      return step_done (self, stmt, "writing the card link", error);
    }

  /* A new link; a renewed certificate replaces the person's old link (its row). */
  hash = mado_card_link_hash_parts (key_identifier, magnitude);
  stmt = prepare (self,
                  "INSERT INTO card_links (key_identifier, serial, link_hash, atena_number, "
                  "linked_at) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (atena_number) DO UPDATE "
                  "SET key_identifier = excluded.key_identifier, serial = excluded.serial, "
                  "link_hash = excluded.link_hash, linked_at = excluded.linked_at",
                  error);
  if (stmt == NULL)
    return FALSE;
  bind_bytes (stmt, 1, key_identifier);
  bind_bytes (stmt, 2, magnitude);
  bind_text (stmt, 3, hash);
  bind_text (stmt, 4, atena_number);
  sqlite3_bind_int64 (stmt, 5, at);
  return step_done (self, stmt, "writing the card link", error);
}

static gboolean
sqlite_link_card (MadoRegistryStore *store, GBytes *key_identifier, GBytes *serial,
                  const char *atena_number, gint64 at, GError **error)
{
  MadoSqliteStore *self = MADO_SQLITE_STORE (store);
  g_autoptr (GBytes) magnitude = NULL;
  gboolean ok;

  if (g_bytes_get_size (key_identifier) == 0 || g_bytes_get_size (serial) == 0)
    return mado_store_invalid ("card link: empty key identifier or serial", error);
  magnitude = mado_card_link_magnitude (serial);
  if (!tx_begin (self, error))
    return FALSE;
  ok = link_card_locked (self, key_identifier, magnitude, atena_number, at, error);
  return tx_end (self, ok, error);
}

static char *
sqlite_find_card_link (MadoRegistryStore *store, GBytes *key_identifier, GBytes *serial,
                       GError **error)
{
  MadoSqliteStore *self = MADO_SQLITE_STORE (store);
  g_autoptr (GBytes) magnitude = mado_card_link_magnitude (serial);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  char *atena_number = NULL;
  int row;

  lock (self);
  stmt = prepare (
      self, "SELECT atena_number FROM card_links WHERE key_identifier = ?1 AND serial = ?2", error);
  if (stmt != NULL)
    {
      bind_bytes (stmt, 1, key_identifier);
      bind_bytes (stmt, 2, magnitude);
      row = step_row (self, stmt, "reading the card link", error);
      if (row > 0)
        atena_number = g_strdup (column_text (stmt, 0));
      else if (row == 0)
        mado_store_not_found ("card link", error);
    }
  g_clear_pointer (&stmt, stmt_release);
  unlock (self);
  return atena_number;
}

static char *
sqlite_find_card_link_by_hash (MadoRegistryStore *store, const char *link_hash, GError **error)
{
  return text_by_key (MADO_SQLITE_STORE (store),
                      "SELECT atena_number FROM card_links WHERE link_hash = ?1", link_hash,
                      "reading the card link", "card link", error);
}

/* ---- queue tickets ---------------------------------------------------------------------- */

static gboolean
sqlite_set_ticket_range (MadoRegistryStore *store, const char *category, guint first, guint last,
                         GError **error)
{
  MadoSqliteStore *self = MADO_SQLITE_STORE (store);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gboolean ok;

  if (!mado_store_category_is_valid (category))
    return mado_store_invalid ("category: not one letter A–Z", error);
  if (first < 1 || first > last || last > 9999)
    return mado_store_invalid ("range: not 1 ≤ first ≤ last ≤ 9999", error);
  if (!tx_begin (self, error))
    return FALSE;
  stmt = prepare (self,
                  "INSERT INTO ticket_ranges (category, first_number, last_number) "
                  "VALUES (?1, ?2, ?3) ON CONFLICT (category) DO UPDATE SET "
                  "first_number = excluded.first_number, last_number = excluded.last_number",
                  error);
  ok = stmt != NULL;
  if (ok)
    {
      bind_text (stmt, 1, category);
      sqlite3_bind_int64 (stmt, 2, first);
      sqlite3_bind_int64 (stmt, 3, last);
      ok = step_done (self, stmt, "writing the ticket range", error);
    }
  g_clear_pointer (&stmt, stmt_release);
  return tx_end (self, ok, error);
}

/* Inserts a valid ticket with its number (CONFLICT when the id or the number is taken). */
static gboolean
insert_ticket (MadoSqliteStore *self, const MadoQueueTicket *ticket, const char *day,
               GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (JsonNode) node = mado_queue_ticket_to_json (ticket);
  g_autofree char *json = mado_queue_ticket_to_data (ticket, NULL);
  gint64 issued_unix;

  if (!mado_store_ticket_issued_unix (ticket, &issued_unix, error))
    return FALSE;
  stmt = prepare (self,
                  "INSERT INTO tickets (ticket_id, day, category, number, status, ticket_json, "
                  "issued_unix) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                  error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, ticket->ticket_id);
  bind_text (stmt, 2, day);
  bind_text (stmt, 3, ticket->category);
  sqlite3_bind_int64 (stmt, 4, ticket->number);
  bind_text (stmt, 5, mado_store_json_text (json_node_get_object (node), "status"));
  bind_text (stmt, 6, json);
  sqlite3_bind_int64 (stmt, 7, issued_unix);
  return step_done (self, stmt, "writing the ticket", error);
}

static gboolean
issue_ticket_locked (MadoSqliteStore *self, MadoQueueTicket *ticket, const char *day,
                     GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gint64 first = 1, last = 999, number;
  int row;

  stmt = prepare (self, "SELECT first_number, last_number FROM ticket_ranges WHERE category = ?1",
                  error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, ticket->category);
  row = step_row (self, stmt, "reading the ticket range", error);
  if (row < 0)
    return FALSE;
  if (row > 0)
    {
      first = sqlite3_column_int64 (stmt, 0);
      last = sqlite3_column_int64 (stmt, 1);
    }
  g_clear_pointer (&stmt, stmt_release);

  stmt = prepare (self,
                  "INSERT INTO ticket_counters (day, category, last_number) VALUES (?1, ?2, ?3) "
                  "ON CONFLICT (day, category) DO UPDATE SET "
                  "last_number = max(last_number + 1, ?3) RETURNING last_number",
                  error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, day);
  bind_text (stmt, 2, ticket->category);
  sqlite3_bind_int64 (stmt, 3, first);
  if (step_row (self, stmt, "numbering the ticket", error) <= 0)
    return error == NULL || *error != NULL ? FALSE : mado_store_invalid ("no number", error);
  number = sqlite3_column_int64 (stmt, 0);
  if (!step_done (self, stmt, "numbering the ticket", error))
    return FALSE;
  g_clear_pointer (&stmt, stmt_release);
  if (number > last)
    {
      g_set_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_RANGE_EXHAUSTED,
                   "category %s has given every number of its range today", ticket->category);
      return FALSE;
    }

  ticket->number = (guint)number;
  if (!mado_queue_ticket_validate (ticket, error))
    return FALSE;
  return insert_ticket (self, ticket, day, error);
}

static gboolean
sqlite_issue_ticket (MadoRegistryStore *store, MadoQueueTicket *ticket, GError **error)
{
  MadoSqliteStore *self = MADO_SQLITE_STORE (store);
  g_autofree char *day = NULL;
  gboolean ok;

  if (!mado_store_category_is_valid (ticket->category))
    return mado_store_invalid ("category: not one letter A–Z", error);
  day = mado_store_ticket_day (ticket, error);
  if (day == NULL)
    return FALSE;
  if (!tx_begin (self, error))
    return FALSE;
  ok = issue_ticket_locked (self, ticket, day, error);
  ok = tx_end (self, ok, error);
  if (!ok)
    ticket->number = 0;
  return ok;
}

static MadoQueueTicket *
sqlite_get_ticket (MadoRegistryStore *store, const char *ticket_id, GError **error)
{
  g_autofree char *json = text_by_key (MADO_SQLITE_STORE (store),
                                       "SELECT ticket_json FROM tickets WHERE ticket_id = ?1",
                                       ticket_id, "reading the ticket", "ticket", error);
  return json != NULL ? mado_queue_ticket_new_from_data (json, -1, error) : NULL;
}

static gboolean
update_ticket_locked (MadoSqliteStore *self, const MadoQueueTicket *ticket, const char *day,
                      GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (JsonNode) node = mado_queue_ticket_to_json (ticket);
  g_autofree char *json = mado_queue_ticket_to_data (ticket, NULL);
  gint64 issued_unix;
  int row;

  if (!mado_store_ticket_issued_unix (ticket, &issued_unix, error))
    return FALSE;
  stmt = prepare (self, "SELECT day, category, number FROM tickets WHERE ticket_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, ticket->ticket_id);
  row = step_row (self, stmt, "reading the ticket", error);
  if (row <= 0)
    return row < 0 ? FALSE : mado_store_not_found ("ticket", error);
  if (g_strcmp0 (column_text (stmt, 0), day) != 0
      || g_strcmp0 (column_text (stmt, 1), ticket->category) != 0
      || sqlite3_column_int64 (stmt, 2) != (gint64)ticket->number)
    {
      g_set_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_CONFLICT,
                   "a ticket's day, category and number never change");
      return FALSE;
    }
  g_clear_pointer (&stmt, stmt_release);
  stmt = prepare (self,
                  "UPDATE tickets SET status = ?2, ticket_json = ?3, issued_unix = ?4 "
                  "WHERE ticket_id = ?1",
                  error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, ticket->ticket_id);
  bind_text (stmt, 2, mado_store_json_text (json_node_get_object (node), "status"));
  bind_text (stmt, 3, json);
  sqlite3_bind_int64 (stmt, 4, issued_unix);
  return step_done (self, stmt, "writing the ticket", error);
}

static gboolean
sqlite_update_ticket (MadoRegistryStore *store, const MadoQueueTicket *ticket, GError **error)
{
  MadoSqliteStore *self = MADO_SQLITE_STORE (store);
  g_autofree char *day = NULL;
  gboolean ok;

  if (!mado_queue_ticket_validate (ticket, error))
    return FALSE;
  day = mado_store_ticket_day (ticket, error);
  if (day == NULL)
    return FALSE;
  if (!tx_begin (self, error))
    return FALSE;
  ok = update_ticket_locked (self, ticket, day, error);
  return tx_end (self, ok, error);
}

/* ---- certificate issuances -------------------------------------------------------------- */

/* @status: the issuance's status as its JSON says it, when the caller knows it (NULL: from
 * @issuance). */
static gboolean
write_issuance (MadoSqliteStore *self, const MadoIssuance *issuance, const char *status,
                gint64 serial, gboolean insert, GError **error)
{
  g_autoptr (JsonNode) node = status == NULL ? mado_issuance_to_json (issuance) : NULL;
  g_autofree char *json = mado_issuance_to_data (issuance, NULL);
  g_autofree char *day = mado_store_issuance_day (issuance);
  g_autoptr (sqlite3_stmt) stmt = NULL;

  if (insert)
    stmt = prepare (self,
                    "INSERT INTO issuances (issue_number, status, requester, fee, issuance_json, "
                    "reserved_day, serial) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    error);
  else
    stmt = prepare (self,
                    "UPDATE issuances SET status = ?2, requester = ?3, fee = ?4, "
                    "issuance_json = ?5, reserved_day = ?6 WHERE issue_number = ?1",
                    error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, issuance->issue_number);
  bind_text (stmt, 2,
             status != NULL ? status
                            : mado_store_json_text (json_node_get_object (node), "status"));
  bind_text (stmt, 3, issuance->requester);
  sqlite3_bind_int64 (stmt, 4, issuance->fee);
  bind_text (stmt, 5, json);
  bind_text (stmt, 6, day);
  if (insert)
    sqlite3_bind_int64 (stmt, 7, serial);
  return step_done (self, stmt, "writing the issuance", error);
}

static gboolean
reserve_locked (MadoSqliteStore *self, const MadoIssuance *request, const char *prefix,
                GPtrArray *out, GError **error)
{
  /* The request as JSON once; each copy sets its number and is read back (validated) from it. */
  g_autoptr (JsonNode) node = mado_store_reservation_json (request);
  JsonObject *object = json_node_get_object (node);
  for (guint copy = 1; copy <= request->copies; copy++)
    {
      g_autoptr (sqlite3_stmt) stmt = NULL;
      g_autofree char *number = NULL;
      MadoIssuance *issuance;
      gint64 serial;

      stmt = prepare (self,
                      "UPDATE counters SET value = value + 1 WHERE name = 'issue_number' "
                      "RETURNING value",
                      error);
      if (stmt == NULL)
        return FALSE;
      if (step_row (self, stmt, "numbering the issuance", error) <= 0)
        return error == NULL || *error != NULL ? FALSE
                                               : mado_store_invalid ("no issue counter", error);
      serial = sqlite3_column_int64 (stmt, 0);
      if (!step_done (self, stmt, "numbering the issuance", error))
        return FALSE;
      number = g_strdup_printf ("%s-%06" G_GINT64_FORMAT, prefix, serial);

      json_object_set_string_member (object, "issue_number", number);
      json_object_set_int_member (object, "copy", copy);
      issuance = mado_issuance_new_from_json (node, error);
      if (issuance == NULL)
        return FALSE;
      g_ptr_array_add (out, issuance);
      if (!write_issuance (self, issuance, "reserved", serial, TRUE, error))
        return FALSE;
    }
  return TRUE;
}

static GPtrArray *
sqlite_reserve_issuances (MadoRegistryStore *store, const MadoIssuance *request, const char *prefix,
                          GError **error)
{
  MadoSqliteStore *self = MADO_SQLITE_STORE (store);
  g_autoptr (GPtrArray) issuances
      = g_ptr_array_new_with_free_func ((GDestroyNotify)mado_issuance_free);
  gboolean ok;

  if (!mado_store_prefix_is_valid (prefix))
    return mado_store_invalid ("prefix: not 1–25 of A–Z 0–9 -", error), NULL;
  if (request->copies < 1 || request->copies > 99)
    return mado_store_invalid ("copies: not 1–99", error), NULL;
  if (!tx_begin (self, error))
    return NULL;
  ok = reserve_locked (self, request, prefix, issuances, error);
  if (!tx_end (self, ok, error))
    return NULL;
  return g_steal_pointer (&issuances);
}

static MadoIssuance *
issuance_locked (MadoSqliteStore *self, const char *issue_number, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt
      = prepare (self, "SELECT issuance_json FROM issuances WHERE issue_number = ?1", error);
  int row;

  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, issue_number);
  row = step_row (self, stmt, "reading the issuance", error);
  if (row <= 0)
    return row < 0 ? NULL : (mado_store_not_found ("issuance", error), NULL);
  return mado_issuance_new_from_data (column_text (stmt, 0), -1, error);
}

static MadoIssuance *
sqlite_get_issuance (MadoRegistryStore *store, const char *issue_number, GError **error)
{
  MadoSqliteStore *self = MADO_SQLITE_STORE (store);
  MadoIssuance *issuance;

  lock (self);
  issuance = issuance_locked (self, issue_number, error);
  unlock (self);
  return issuance;
}

static GPtrArray *
sqlite_list_issuances (MadoRegistryStore *store, const char *day, GError **error)
{
  MadoSqliteStore *self = MADO_SQLITE_STORE (store);
  g_autoptr (GPtrArray) issuances
      = g_ptr_array_new_with_free_func ((GDestroyNotify)mado_issuance_free);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gboolean ok;
  int row;

  if (day != NULL && !mado_store_day_is_valid (day))
    return mado_store_invalid ("day: not YYYY-MM-DD", error), NULL;
  lock (self);
  stmt = prepare (self,
                  day != NULL ? "SELECT issuance_json FROM issuances WHERE reserved_day = ?1 "
                                "ORDER BY serial"
                              : "SELECT issuance_json FROM issuances ORDER BY serial",
                  error);
  ok = stmt != NULL;
  if (ok && day != NULL)
    bind_text (stmt, 1, day);
  while (ok && (row = step_row (self, stmt, "reading the issuances", error)) != 0)
    {
      MadoIssuance *issuance = NULL;
      if (row > 0)
        issuance = mado_issuance_new_from_data (column_text (stmt, 0), -1, error);
      if (issuance == NULL)
        ok = FALSE;
      else
        g_ptr_array_add (issuances, issuance);
    }
  g_clear_pointer (&stmt, stmt_release);
  unlock (self);
  return ok ? g_steal_pointer (&issuances) : NULL;
}

static gboolean
finish_issuance (MadoSqliteStore *self, const char *issue_number, const char *at,
                 MadoVoidReason reason, GError **error)
{
  g_autoptr (MadoIssuance) issuance = NULL;
  gboolean ok;

  if (!tx_begin (self, error))
    return FALSE;
  issuance = issuance_locked (self, issue_number, error);
  ok = issuance != NULL;
  if (ok && reason == MADO_VOID_REASON_NONE)
    ok = mado_issuance_mark_printed (issuance, at, error);
  else if (ok)
    ok = mado_issuance_void (issuance, at, reason, error);
  ok = ok && mado_issuance_validate (issuance, error);
  ok = ok && write_issuance (self, issuance, NULL, 0, FALSE, error);
  return tx_end (self, ok, error);
}

static gboolean
sqlite_mark_printed (MadoRegistryStore *store, const char *issue_number, const char *at,
                     GError **error)
{
  return finish_issuance (MADO_SQLITE_STORE (store), issue_number, at, MADO_VOID_REASON_NONE,
                          error);
}

static gboolean
sqlite_void_issuance (MadoRegistryStore *store, const char *issue_number, const char *at,
                      MadoVoidReason reason, GError **error)
{
  if (reason == MADO_VOID_REASON_NONE)
    return mado_store_invalid ("void_reason: missing", error);
  return finish_issuance (MADO_SQLITE_STORE (store), issue_number, at, reason, error);
}

/* ---- idempotency ------------------------------------------------------------------------ */

static gboolean
sqlite_put_idempotent (MadoRegistryStore *store, const char *scope, const char *key,
                       const char *request_digest, const char *response_json, gint64 created_at,
                       GError **error)
{
  MadoSqliteStore *self = MADO_SQLITE_STORE (store);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gboolean ok;
  int rc;

  if (!tx_begin (self, error))
    return FALSE;
  stmt = prepare (self,
                  "INSERT INTO idempotency (scope, key, request_digest, response_json, "
                  "created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                  error);
  ok = stmt != NULL;
  if (ok)
    {
      bind_text (stmt, 1, scope);
      bind_text (stmt, 2, key);
      bind_text (stmt, 3, request_digest);
      bind_text (stmt, 4, response_json);
      sqlite3_bind_int64 (stmt, 5, created_at);
      rc = sqlite3_step (stmt);
      if ((rc & 0xff) == SQLITE_CONSTRAINT)
        {
          g_set_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_IDEMPOTENCY_CONFLICT,
                       "the idempotency key is already stored");
          ok = FALSE;
        }
      else if (rc != SQLITE_DONE)
        ok = db_error (self, rc, "writing the idempotency record", error);
    }
  g_clear_pointer (&stmt, stmt_release);
  return tx_end (self, ok, error);
}

static gboolean
sqlite_get_idempotent (MadoRegistryStore *store, const char *scope, const char *key,
                       MadoIdempotentRecord **record, GError **error)
{
  MadoSqliteStore *self = MADO_SQLITE_STORE (store);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int row = -1;

  *record = NULL;
  lock (self);
  stmt = prepare (self,
                  "SELECT request_digest, response_json, created_at FROM idempotency "
                  "WHERE scope = ?1 AND key = ?2",
                  error);
  if (stmt != NULL)
    {
      bind_text (stmt, 1, scope);
      bind_text (stmt, 2, key);
      row = step_row (self, stmt, "reading the idempotency record", error);
      if (row > 0)
        {
          MadoIdempotentRecord *r = g_new0 (MadoIdempotentRecord, 1);
          r->scope = g_strdup (scope);
          r->key = g_strdup (key);
          r->request_digest = g_strdup (column_text (stmt, 0));
          r->response_json = g_strdup (column_text (stmt, 1));
          r->created_at = sqlite3_column_int64 (stmt, 2);
          *record = r;
        }
    }
  g_clear_pointer (&stmt, stmt_release);
  unlock (self);
  return row >= 0;
}

static gboolean
sqlite_purge_idempotent (MadoRegistryStore *store, gint64 before, guint64 *purged, GError **error)
{
  MadoSqliteStore *self = MADO_SQLITE_STORE (store);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gboolean ok;

  if (!tx_begin (self, error))
    return FALSE;
  stmt = prepare (self, "DELETE FROM idempotency WHERE created_at < ?1", error);
  ok = stmt != NULL;
  if (ok)
    {
      sqlite3_bind_int64 (stmt, 1, before);
      ok = step_done (self, stmt, "purging idempotency records", error);
    }
  if (ok && purged != NULL)
    *purged = (guint64)sqlite3_changes64 (self->db);
  g_clear_pointer (&stmt, stmt_release);
  return tx_end (self, ok, error);
}

/* ---- terminals -------------------------------------------------------------------------- */

static gboolean
enrol_terminal_locked (MadoSqliteStore *self, const char *terminal_id, const char *kind,
                       const char *serial, gint64 not_after, gint64 at, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int row;

  stmt = prepare (self,
                  "INSERT INTO terminals (terminal_id, kind, enrolled_at) VALUES (?1, ?2, ?3) "
                  "ON CONFLICT (terminal_id) DO NOTHING",
                  error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, terminal_id);
  bind_text (stmt, 2, kind);
  sqlite3_bind_int64 (stmt, 3, at);
  if (!step_done (self, stmt, "writing the terminal", error))
    return FALSE;
  g_clear_pointer (&stmt, stmt_release);

  stmt = prepare (self, "SELECT kind, revoked_at FROM terminals WHERE terminal_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, terminal_id);
  row = step_row (self, stmt, "reading the terminal", error);
  if (row <= 0)
    return row < 0 ? FALSE : mado_store_not_found ("terminal", error);
  if (sqlite3_column_int64 (stmt, 1) != 0)
    return mado_store_conflict ("the terminal is revoked: revocation is final for its id", error);
  if (g_strcmp0 (column_text (stmt, 0), kind) != 0)
    return mado_store_conflict ("the terminal is enrolled as another kind", error);
  g_clear_pointer (&stmt, stmt_release);

  stmt = prepare (self,
                  "INSERT INTO terminal_certificates (serial_hex, terminal_id, not_after, "
                  "enrolled_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (serial_hex) DO NOTHING",
                  error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, serial);
  bind_text (stmt, 2, terminal_id);
  sqlite3_bind_int64 (stmt, 3, not_after);
  sqlite3_bind_int64 (stmt, 4, at);
  if (!step_done (self, stmt, "writing the terminal certificate", error))
    return FALSE;
  if (sqlite3_changes (self->db) != 1)
    return mado_store_conflict ("the certificate serial is already enrolled", error);
  return TRUE;
}

static gboolean
sqlite_enrol_terminal (MadoRegistryStore *store, const char *terminal_id, const char *kind,
                       const char *serial_hex, gint64 not_after, gint64 at, GError **error)
{
  MadoSqliteStore *self = MADO_SQLITE_STORE (store);
  g_autofree char *serial = NULL;
  gboolean ok;

  if (!mado_store_check_terminal (terminal_id, kind, error))
    return FALSE;
  serial = mado_store_serial_normalize (serial_hex, error);
  if (serial == NULL)
    return FALSE;
  if (!tx_begin (self, error))
    return FALSE;
  ok = enrol_terminal_locked (self, terminal_id, kind, serial, not_after, at, error);
  return tx_end (self, ok, error);
}

/* The columns of a MadoTerminalRecord, certificate c of terminal t. */
#define TERMINAL_COLUMNS                                                                           \
  "t.terminal_id, t.kind, c.serial_hex, c.not_after, c.enrolled_at, "                              \
  "CASE WHEN t.revoked_at <> 0 THEN t.revoked_at ELSE c.revoked_at END"

static MadoTerminalRecord *
terminal_from_row (sqlite3_stmt *stmt)
{
  MadoTerminalRecord *record = g_new0 (MadoTerminalRecord, 1);

  record->terminal_id = g_strdup (column_text (stmt, 0));
  record->kind = g_strdup (column_text (stmt, 1));
  record->serial_hex = g_strdup (column_text (stmt, 2));
  record->not_after = sqlite3_column_int64 (stmt, 3);
  record->enrolled_at = sqlite3_column_int64 (stmt, 4);
  record->revoked_at = sqlite3_column_int64 (stmt, 5);
  return record;
}

static MadoTerminalRecord *
sqlite_find_terminal_by_serial (MadoRegistryStore *store, const char *serial_hex, GError **error)
{
  MadoSqliteStore *self = MADO_SQLITE_STORE (store);
  g_autofree char *serial = mado_store_serial_normalize (serial_hex, error);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  MadoTerminalRecord *record = NULL;
  int row;

  if (serial == NULL)
    return NULL;
  lock (self);
  stmt = prepare (self,
                  "SELECT " TERMINAL_COLUMNS " FROM terminal_certificates c "
                  "JOIN terminals t ON t.terminal_id = c.terminal_id WHERE c.serial_hex = ?1",
                  error);
  if (stmt != NULL)
    {
      bind_text (stmt, 1, serial);
      row = step_row (self, stmt, "reading the terminal", error);
      if (row > 0)
        record = terminal_from_row (stmt);
      else if (row == 0)
        mado_store_not_found ("terminal certificate", error);
    }
  g_clear_pointer (&stmt, stmt_release);
  unlock (self);
  return record;
}

static gboolean
revoke_terminal_locked (MadoSqliteStore *self, const char *terminal_id, gint64 at, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int row;

  stmt = prepare (self,
                  "UPDATE terminals SET revoked_at = ?2 WHERE terminal_id = ?1 AND revoked_at = 0",
                  error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, terminal_id);
  sqlite3_bind_int64 (stmt, 2, at);
  if (!step_done (self, stmt, "revoking the terminal", error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    {
      g_clear_pointer (&stmt, stmt_release);
      stmt = prepare (self, "SELECT 1 FROM terminals WHERE terminal_id = ?1", error);
      if (stmt == NULL)
        return FALSE;
      bind_text (stmt, 1, terminal_id);
      row = step_row (self, stmt, "reading the terminal", error);
      if (row <= 0)
        return row < 0 ? FALSE : mado_store_not_found ("terminal", error);
    }
  g_clear_pointer (&stmt, stmt_release);
  stmt = prepare (self,
                  "UPDATE terminal_certificates SET revoked_at = ?2 "
                  "WHERE terminal_id = ?1 AND revoked_at = 0",
                  error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, terminal_id);
  sqlite3_bind_int64 (stmt, 2, at);
  return step_done (self, stmt, "revoking the terminal's certificates", error);
}

static gboolean
sqlite_revoke_terminal (MadoRegistryStore *store, const char *terminal_id, gint64 at,
                        GError **error)
{
  MadoSqliteStore *self = MADO_SQLITE_STORE (store);
  gboolean ok;

  if (!mado_store_check_terminal (terminal_id, NULL, error))
    return FALSE;
  if (at <= 0)
    return mado_store_invalid ("at: not a time after 1970 (0 means not revoked)", error);
  if (!tx_begin (self, error))
    return FALSE;
  ok = revoke_terminal_locked (self, terminal_id, at, error);
  return tx_end (self, ok, error);
}

static GPtrArray *
sqlite_list_terminals (MadoRegistryStore *store, GError **error)
{
  MadoSqliteStore *self = MADO_SQLITE_STORE (store);
  g_autoptr (GPtrArray) records
      = g_ptr_array_new_with_free_func ((GDestroyNotify)mado_terminal_record_free);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gboolean ok = TRUE;
  int row;

  lock (self);
  stmt = prepare (self,
                  "SELECT " TERMINAL_COLUMNS " FROM terminals t "
                  "JOIN terminal_certificates c ON c.id = (SELECT c2.id FROM "
                  "terminal_certificates c2 WHERE c2.terminal_id = t.terminal_id "
                  "ORDER BY c2.enrolled_at DESC, c2.id DESC LIMIT 1) ORDER BY t.terminal_id",
                  error);
  ok = stmt != NULL;
  while (ok && (row = step_row (self, stmt, "reading the terminals", error)) != 0)
    {
      if (row < 0)
        ok = FALSE;
      else
        g_ptr_array_add (records, terminal_from_row (stmt));
    }
  g_clear_pointer (&stmt, stmt_release);
  unlock (self);
  return ok ? g_steal_pointer (&records) : NULL;
}

/* ---- operators -------------------------------------------------------------------------- */

static gboolean
sqlite_put_operator (MadoRegistryStore *store, const MadoOperatorRecord *op, GError **error)
{
  MadoSqliteStore *self = MADO_SQLITE_STORE (store);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gboolean ok;

  if (!mado_store_check_operator (op, error))
    return FALSE;
  if (!tx_begin (self, error))
    return FALSE;
  stmt = prepare (self,
                  "INSERT INTO operators (login, display_name, role, password_hash, disabled, "
                  "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (login) DO UPDATE SET "
                  "display_name = excluded.display_name, role = excluded.role, "
                  "password_hash = excluded.password_hash, disabled = excluded.disabled, "
                  "created_at = excluded.created_at",
                  error);
  ok = stmt != NULL;
  if (ok)
    {
      bind_text (stmt, 1, op->login);
      bind_text (stmt, 2, op->display_name);
      bind_text (stmt, 3, mado_operator_role_to_string (op->role));
      bind_text (stmt, 4, op->password_hash);
      sqlite3_bind_int (stmt, 5, op->disabled ? 1 : 0);
      sqlite3_bind_int64 (stmt, 6, op->created_at);
      ok = step_done (self, stmt, "writing the operator", error);
    }
  g_clear_pointer (&stmt, stmt_release);
  return tx_end (self, ok, error);
}

static MadoOperatorRecord *
sqlite_get_operator (MadoRegistryStore *store, const char *login, GError **error)
{
  MadoSqliteStore *self = MADO_SQLITE_STORE (store);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (MadoOperatorRecord) op = NULL;
  int row;

  lock (self);
  stmt = prepare (self,
                  "SELECT display_name, role, password_hash, disabled, created_at FROM operators "
                  "WHERE login = ?1",
                  error);
  if (stmt != NULL)
    {
      bind_text (stmt, 1, login);
      row = step_row (self, stmt, "reading the operator", error);
      if (row > 0)
        {
          op = g_new0 (MadoOperatorRecord, 1);
          op->login = g_strdup (login);
          op->display_name = g_strdup (column_text (stmt, 0));
          op->password_hash = g_strdup (column_text (stmt, 2));
          op->disabled = sqlite3_column_int (stmt, 3) != 0;
          op->created_at = sqlite3_column_int64 (stmt, 4);
          if (!mado_operator_role_from_string (column_text (stmt, 1), &op->role))
            {
              g_set_error_literal (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_DATABASE,
                                   "reading the operator: unknown role stored");
              g_clear_pointer (&op, mado_operator_record_free);
            }
        }
      else if (row == 0)
        mado_store_not_found ("operator", error);
    }
  g_clear_pointer (&stmt, stmt_release);
  unlock (self);
  return g_steal_pointer (&op);
}

/* ---- sessions --------------------------------------------------------------------------- */

static gboolean
put_session_locked (MadoSqliteStore *self, const MadoSessionRecord *s, const char *token_hash,
                    const char *card_link, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = prepare (self, "DELETE FROM sessions WHERE expires_at <= ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, s->created_at);
  if (!step_done (self, stmt, "purging expired sessions", error))
    return FALSE;
  g_clear_pointer (&stmt, stmt_release);

  stmt = prepare (self,
                  "INSERT INTO sessions (token_hash, kind, subject, terminal_id, card_link, "
                  "created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
                  "ON CONFLICT (token_hash) DO UPDATE SET kind = excluded.kind, "
                  "subject = excluded.subject, terminal_id = excluded.terminal_id, "
                  "card_link = excluded.card_link, created_at = excluded.created_at, "
                  "expires_at = excluded.expires_at",
                  error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, token_hash);
  bind_text (stmt, 2, s->kind);
  bind_text (stmt, 3, s->subject);
  bind_text (stmt, 4, s->terminal_id);
  bind_text (stmt, 5, card_link);
  sqlite3_bind_int64 (stmt, 6, s->created_at);
  sqlite3_bind_int64 (stmt, 7, s->expires_at);
  return step_done (self, stmt, "writing the session", error);
}

static gboolean
sqlite_put_session (MadoRegistryStore *store, const MadoSessionRecord *s, GError **error)
{
  MadoSqliteStore *self = MADO_SQLITE_STORE (store);
  g_autofree char *token_hash = NULL;
  g_autofree char *card_link = NULL;
  gboolean ok;

  if (!mado_store_check_session (s, &token_hash, &card_link, error))
    return FALSE;
  if (!tx_begin (self, error))
    return FALSE;
  ok = put_session_locked (self, s, token_hash, card_link, error);
  return tx_end (self, ok, error);
}

static MadoSessionRecord *
sqlite_get_session (MadoRegistryStore *store, const char *token_hash, gint64 now, GError **error)
{
  MadoSqliteStore *self = MADO_SQLITE_STORE (store);
  g_autofree char *hash = mado_store_hex64_normalize (token_hash, "token_hash", error);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  MadoSessionRecord *session = NULL;
  int row;

  if (hash == NULL)
    return NULL;
  lock (self);
  stmt = prepare (self,
                  "SELECT kind, subject, terminal_id, card_link, created_at, expires_at "
                  "FROM sessions WHERE token_hash = ?1 AND expires_at > ?2",
                  error);
  if (stmt != NULL)
    {
      bind_text (stmt, 1, hash);
      sqlite3_bind_int64 (stmt, 2, now);
      row = step_row (self, stmt, "reading the session", error);
      if (row > 0)
        {
          session = g_new0 (MadoSessionRecord, 1);
          session->token_hash = g_steal_pointer (&hash);
          session->kind = g_strdup (column_text (stmt, 0));
          session->subject = g_strdup (column_text (stmt, 1));
          session->terminal_id = g_strdup (column_text (stmt, 2));
          session->card_link = g_strdup (column_text (stmt, 3));
          session->created_at = sqlite3_column_int64 (stmt, 4);
          session->expires_at = sqlite3_column_int64 (stmt, 5);
        }
      else if (row == 0)
        mado_store_not_found ("session", error);
    }
  g_clear_pointer (&stmt, stmt_release);
  unlock (self);
  return session;
}

static gboolean
sqlite_delete_session (MadoRegistryStore *store, const char *token_hash, GError **error)
{
  MadoSqliteStore *self = MADO_SQLITE_STORE (store);
  g_autofree char *hash = mado_store_hex64_normalize (token_hash, "token_hash", error);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gboolean ok;

  if (hash == NULL)
    return FALSE;
  if (!tx_begin (self, error))
    return FALSE;
  stmt = prepare (self, "DELETE FROM sessions WHERE token_hash = ?1", error);
  ok = stmt != NULL;
  if (ok)
    {
      bind_text (stmt, 1, hash);
      ok = step_done (self, stmt, "deleting the session", error);
    }
  g_clear_pointer (&stmt, stmt_release);
  return tx_end (self, ok, error);
}

/* ---- challenge nonces ------------------------------------------------------------------- */

/* A nonce row stays this long after it expires: a late answer reads EXPIRED or USED. */
#define NONCE_TOMBSTONE_SECONDS 3600

static gboolean
sqlite_put_nonce (MadoRegistryStore *store, const guint8 *nonce, gint64 expires_at, GError **error)
{
  MadoSqliteStore *self = MADO_SQLITE_STORE (store);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gboolean ok;

  if (!tx_begin (self, error))
    return FALSE;
  stmt = prepare (self,
                  "INSERT INTO nonces (nonce, expires_at) VALUES (?1, ?2) "
                  "ON CONFLICT (nonce) DO NOTHING",
                  error);
  ok = stmt != NULL;
  if (ok)
    {
      sqlite3_bind_blob (stmt, 1, nonce, MADO_NONCE_LENGTH, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, expires_at);
      ok = step_done (self, stmt, "writing the nonce", error);
    }
  if (ok && sqlite3_changes (self->db) != 1)
    ok = mado_store_conflict ("the nonce is already stored", error);
  g_clear_pointer (&stmt, stmt_release);
  return tx_end (self, ok, error);
}

static gboolean
take_nonce_locked (MadoSqliteStore *self, const guint8 *nonce, gint64 now, MadoNonceState *state,
                   GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int row;

  stmt = prepare (self, "DELETE FROM nonces WHERE expires_at < ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, now - NONCE_TOMBSTONE_SECONDS);
  if (!step_done (self, stmt, "purging nonces", error))
    return FALSE;
  g_clear_pointer (&stmt, stmt_release);

  /* The one statement that consumes: whoever changes the row got it FRESH. */
  stmt = prepare (
      self, "UPDATE nonces SET used = 1 WHERE nonce = ?1 AND used = 0 AND expires_at >= ?2", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_blob (stmt, 1, nonce, MADO_NONCE_LENGTH, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, now);
  if (!step_done (self, stmt, "taking the nonce", error))
    return FALSE;
  if (sqlite3_changes (self->db) == 1)
    {
      *state = MADO_NONCE_FRESH;
      return TRUE;
    }
  g_clear_pointer (&stmt, stmt_release);

  stmt = prepare (self, "SELECT used FROM nonces WHERE nonce = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_blob (stmt, 1, nonce, MADO_NONCE_LENGTH, SQLITE_STATIC);
  row = step_row (self, stmt, "reading the nonce", error);
  if (row < 0)
    return FALSE;
  if (row == 0)
    *state = MADO_NONCE_UNKNOWN;
  else
    *state = sqlite3_column_int (stmt, 0) != 0 ? MADO_NONCE_USED : MADO_NONCE_EXPIRED;
  return TRUE;
}

static MadoNonceState
sqlite_take_nonce (MadoRegistryStore *store, const guint8 *nonce, gint64 now, GError **error)
{
  MadoSqliteStore *self = MADO_SQLITE_STORE (store);
  MadoNonceState state = MADO_NONCE_UNKNOWN;
  gboolean ok;

  if (!tx_begin (self, error))
    return MADO_NONCE_UNKNOWN;
  ok = take_nonce_locked (self, nonce, now, &state, error);
  if (!tx_end (self, ok, error))
    return MADO_NONCE_UNKNOWN;
  return state;
}

/* ---- move drafts ------------------------------------------------------------------------ */

static gboolean
sqlite_put_move_draft (MadoRegistryStore *store, const MadoMoveDraft *draft, GError **error)
{
  MadoSqliteStore *self = MADO_SQLITE_STORE (store);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autofree char *json = NULL;
  gboolean ok;

  if (!mado_move_draft_validate (draft, error))
    return FALSE;
  json = mado_move_draft_to_data (draft, NULL);
  if (!tx_begin (self, error))
    return FALSE;
  stmt = prepare (self,
                  "INSERT INTO move_drafts (draft_id, status, draft_json) VALUES (?1, ?2, ?3) "
                  "ON CONFLICT (draft_id) DO NOTHING",
                  error);
  ok = stmt != NULL;
  if (ok)
    {
      bind_text (stmt, 1, draft->draft_id);
      bind_text (stmt, 2, mado_move_status_to_string (draft->status));
      bind_text (stmt, 3, json);
      ok = step_done (self, stmt, "writing the move draft", error);
    }
  if (ok && sqlite3_changes (self->db) != 1)
    ok = mado_store_conflict ("a move draft with that id is already stored", error);
  g_clear_pointer (&stmt, stmt_release);
  return tx_end (self, ok, error);
}

static MadoMoveDraft *
sqlite_get_move_draft (MadoRegistryStore *store, const char *draft_id, GError **error)
{
  g_autofree char *json = text_by_key (MADO_SQLITE_STORE (store),
                                       "SELECT draft_json FROM move_drafts WHERE draft_id = ?1",
                                       draft_id, "reading the move draft", "move draft", error);
  return json != NULL ? mado_move_draft_new_from_data (json, -1, error) : NULL;
}

static gboolean
update_move_draft_locked (MadoSqliteStore *self, const MadoMoveDraft *draft, const char *json,
                          MadoMoveStatus expected, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int row;

  /* Compare and set in one statement: the optimistic lock of two clerks on one draft. */
  stmt = prepare (self,
                  "UPDATE move_drafts SET status = ?2, draft_json = ?3 "
                  "WHERE draft_id = ?1 AND status = ?4",
                  error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, draft->draft_id);
  bind_text (stmt, 2, mado_move_status_to_string (draft->status));
  bind_text (stmt, 3, json);
  bind_text (stmt, 4, mado_move_status_to_string (expected));
  if (!step_done (self, stmt, "writing the move draft", error))
    return FALSE;
  if (sqlite3_changes (self->db) == 1)
    return TRUE;
  g_clear_pointer (&stmt, stmt_release);
  stmt = prepare (self, "SELECT 1 FROM move_drafts WHERE draft_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, draft->draft_id);
  row = step_row (self, stmt, "reading the move draft", error);
  if (row <= 0)
    return row < 0 ? FALSE : mado_store_not_found ("move draft", error);
  return mado_store_conflict ("the move draft's status changed since it was read", error);
}

static gboolean
sqlite_update_move_draft (MadoRegistryStore *store, const MadoMoveDraft *draft,
                          MadoMoveStatus expected_status, GError **error)
{
  MadoSqliteStore *self = MADO_SQLITE_STORE (store);
  g_autofree char *json = NULL;
  gboolean ok;

  if (!mado_store_check_draft_update (draft, expected_status, error))
    return FALSE;
  json = mado_move_draft_to_data (draft, NULL);
  if (!tx_begin (self, error))
    return FALSE;
  ok = update_move_draft_locked (self, draft, json, expected_status, error);
  return tx_end (self, ok, error);
}

static GPtrArray *
sqlite_list_move_drafts (MadoRegistryStore *store, int status, guint limit, GError **error)
{
  MadoSqliteStore *self = MADO_SQLITE_STORE (store);
  g_autoptr (GPtrArray) drafts
      = g_ptr_array_new_with_free_func ((GDestroyNotify)mado_move_draft_free);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  const char *name = mado_store_move_status_name (status);
  gboolean ok;
  int row;

  if (status != -1 && name == NULL)
    return mado_store_invalid ("status: not -1 or a MadoMoveStatus", error), NULL;
  lock (self);
  stmt = prepare (self,
                  "SELECT draft_json FROM move_drafts WHERE (?1 IS NULL OR status = ?1) "
                  "ORDER BY id LIMIT ?2",
                  error);
  ok = stmt != NULL;
  if (ok)
    {
      bind_text (stmt, 1, name);
      sqlite3_bind_int64 (stmt, 2, limit == 0 ? -1 : (gint64)limit);
    }
  while (ok && (row = step_row (self, stmt, "reading the move drafts", error)) != 0)
    {
      MadoMoveDraft *draft = NULL;
      if (row > 0)
        draft = mado_move_draft_new_from_data (column_text (stmt, 0), -1, error);
      if (draft == NULL)
        ok = FALSE;
      else
        g_ptr_array_add (drafts, draft);
    }
  g_clear_pointer (&stmt, stmt_release);
  unlock (self);
  return ok ? g_steal_pointer (&drafts) : NULL;
}

/* ---- issuance digests ------------------------------------------------------------------- */

static gboolean
set_digest_locked (MadoSqliteStore *self, const char *issue_number, const char *digest,
                   const char *document_json, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  const char *stored;
  int row;

  stmt = prepare (self, "SELECT digest_hex FROM issuances WHERE issue_number = ?1", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, issue_number);
  row = step_row (self, stmt, "reading the issuance", error);
  if (row <= 0)
    return row < 0 ? FALSE : mado_store_not_found ("issuance", error);
  stored = column_text (stmt, 0);
  if (stored != NULL)
    return g_str_equal (stored, digest)
               ? TRUE
               : mado_store_conflict ("the issuance already has another document digest", error);
  g_clear_pointer (&stmt, stmt_release);
  stmt = prepare (
      self, "UPDATE issuances SET digest_hex = ?2, document_json = ?3 WHERE issue_number = ?1",
      error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, issue_number);
  bind_text (stmt, 2, digest);
  bind_text (stmt, 3, document_json);
  return step_done (self, stmt, "writing the document digest", error);
}

static gboolean
sqlite_set_issuance_document (MadoRegistryStore *store, const char *issue_number,
                              const char *digest_hex, const char *document_json, GError **error)
{
  MadoSqliteStore *self = MADO_SQLITE_STORE (store);
  g_autofree char *digest = mado_store_hex64_normalize (digest_hex, "digest", error);
  gboolean ok;

  if (digest == NULL)
    return FALSE;
  if (!tx_begin (self, error))
    return FALSE;
  ok = set_digest_locked (self, issue_number, digest, document_json, error);
  return tx_end (self, ok, error);
}

static gboolean
sqlite_get_issuance_document (MadoRegistryStore *store, const char *issue_number, char **digest_hex,
                              char **document_json, GError **error)
{
  MadoSqliteStore *self = MADO_SQLITE_STORE (store);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gboolean ok = FALSE;
  int row;

  lock (self);
  stmt = prepare (self, "SELECT digest_hex, document_json FROM issuances WHERE issue_number = ?1",
                  error);
  if (stmt != NULL)
    {
      bind_text (stmt, 1, issue_number);
      row = step_row (self, stmt, "reading the issuance", error);
      if (row > 0)
        {
          if (digest_hex != NULL)
            *digest_hex = g_strdup (column_text (stmt, 0));
          if (document_json != NULL)
            *document_json = g_strdup (column_text (stmt, 1));
          ok = TRUE;
        }
      else if (row == 0)
        mado_store_not_found ("issuance", error);
    }
  g_clear_pointer (&stmt, stmt_release);
  unlock (self);
  return ok;
}

/* ---- queue calling and offline blocks --------------------------------------------------- */

static GPtrArray *
sqlite_list_tickets (MadoRegistryStore *store, const char *day, int status, GError **error)
{
  MadoSqliteStore *self = MADO_SQLITE_STORE (store);
  g_autoptr (GPtrArray) tickets
      = g_ptr_array_new_with_free_func ((GDestroyNotify)mado_queue_ticket_free);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  const char *name = mado_store_ticket_status_name (status);
  gboolean ok;
  int row;

  if (!mado_store_day_is_valid (day))
    return mado_store_invalid ("day: not YYYY-MM-DD", error), NULL;
  if (status != -1 && name == NULL)
    return mado_store_invalid ("status: not -1 or a MadoTicketStatus", error), NULL;
  lock (self);
  stmt = prepare (self,
                  "SELECT ticket_json FROM tickets WHERE day = ?1 AND (?2 IS NULL OR status = ?2) "
                  "ORDER BY category, number",
                  error);
  ok = stmt != NULL;
  if (ok)
    {
      bind_text (stmt, 1, day);
      bind_text (stmt, 2, name);
    }
  while (ok && (row = step_row (self, stmt, "reading the tickets", error)) != 0)
    {
      MadoQueueTicket *ticket = NULL;
      if (row > 0)
        ticket = mado_queue_ticket_new_from_data (column_text (stmt, 0), -1, error);
      if (ticket == NULL)
        ok = FALSE;
      else
        g_ptr_array_add (tickets, ticket);
    }
  g_clear_pointer (&stmt, stmt_release);
  unlock (self);
  return ok ? g_steal_pointer (&tickets) : NULL;
}

static MadoQueueTicket *
call_next_locked (MadoSqliteStore *self, const char *letters, const char *day, const char *counter,
                  GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (MadoQueueTicket) ticket = NULL;
  g_autofree char *json = NULL;
  int row;

  /* BEGIN IMMEDIATE holds the write lock from here to COMMIT: no other connection reads the
   * same ticket as waiting in between. */
  stmt = prepare (self,
                  "SELECT ticket_json FROM tickets WHERE day = ?1 AND status = 'waiting' "
                  "AND instr(?2, category) > 0 ORDER BY issued_unix, category, number LIMIT 1",
                  error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, day);
  bind_text (stmt, 2, letters);
  row = step_row (self, stmt, "reading the waiting tickets", error);
  if (row <= 0)
    return row < 0 ? NULL : (mado_store_not_found ("waiting ticket", error), NULL);
  ticket = mado_store_ticket_called (column_text (stmt, 0), counter, &json, error);
  if (ticket == NULL)
    return NULL;
  g_clear_pointer (&stmt, stmt_release);
  stmt = prepare (
      self, "UPDATE tickets SET status = 'called', ticket_json = ?2 WHERE ticket_id = ?1", error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, ticket->ticket_id);
  bind_text (stmt, 2, json);
  if (!step_done (self, stmt, "calling the ticket", error))
    return NULL;
  return g_steal_pointer (&ticket);
}

static MadoQueueTicket *
sqlite_call_next_ticket (MadoRegistryStore *store, const char *const *categories, const char *day,
                         const char *counter, GError **error)
{
  MadoSqliteStore *self = MADO_SQLITE_STORE (store);
  g_autofree char *letters = mado_store_categories_string (categories, error);
  g_autoptr (MadoQueueTicket) ticket = NULL;

  if (letters == NULL)
    return NULL;
  if (!mado_store_day_is_valid (day))
    return mado_store_invalid ("day: not YYYY-MM-DD", error), NULL;
  if (!tx_begin (self, error))
    return NULL;
  ticket = call_next_locked (self, letters, day, counter, error);
  if (!tx_end (self, ticket != NULL, error))
    return NULL;
  return g_steal_pointer (&ticket);
}

static gboolean
reserve_block_locked (MadoSqliteStore *self, const char *category, const char *day, guint count,
                      guint *first_out, guint *last_out, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gint64 first = 1, last = 999, block_last;
  int row;

  stmt = prepare (self, "SELECT first_number, last_number FROM ticket_ranges WHERE category = ?1",
                  error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, category);
  row = step_row (self, stmt, "reading the ticket range", error);
  if (row < 0)
    return FALSE;
  if (row > 0)
    {
      first = sqlite3_column_int64 (stmt, 0);
      last = sqlite3_column_int64 (stmt, 1);
    }
  g_clear_pointer (&stmt, stmt_release);

  /* The counter issue_ticket numbers from: the block is the next @count numbers. */
  stmt = prepare (self,
                  "INSERT INTO ticket_counters (day, category, last_number) VALUES (?1, ?2, "
                  "?3 - 1 + ?4) ON CONFLICT (day, category) DO UPDATE SET "
                  "last_number = max(last_number, ?3 - 1) + ?4 RETURNING last_number",
                  error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, day);
  bind_text (stmt, 2, category);
  sqlite3_bind_int64 (stmt, 3, first);
  sqlite3_bind_int64 (stmt, 4, count);
  if (step_row (self, stmt, "reserving the ticket block", error) <= 0)
    return error == NULL || *error != NULL ? FALSE : mado_store_invalid ("no number", error);
  block_last = sqlite3_column_int64 (stmt, 0);
  if (!step_done (self, stmt, "reserving the ticket block", error))
    return FALSE;
  g_clear_pointer (&stmt, stmt_release);
  if (block_last > last)
    {
      g_set_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_RANGE_EXHAUSTED,
                   "category %s has not %u numbers left in its range today", category, count);
      return FALSE;
    }

  stmt = prepare (self,
                  "INSERT INTO ticket_blocks (day, category, first_number, last_number) "
                  "VALUES (?1, ?2, ?3, ?4)",
                  error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, day);
  bind_text (stmt, 2, category);
  sqlite3_bind_int64 (stmt, 3, block_last - count + 1);
  sqlite3_bind_int64 (stmt, 4, block_last);
  if (!step_done (self, stmt, "writing the ticket block", error))
    return FALSE;
  *first_out = (guint)(block_last - count + 1);
  *last_out = (guint)block_last;
  return TRUE;
}

static gboolean
sqlite_reserve_ticket_block (MadoRegistryStore *store, const char *category, const char *day,
                             guint count, guint *first, guint *last, GError **error)
{
  MadoSqliteStore *self = MADO_SQLITE_STORE (store);
  gboolean ok;

  *first = *last = 0;
  if (!mado_store_category_is_valid (category))
    return mado_store_invalid ("category: not one letter A–Z", error);
  if (!mado_store_day_is_valid (day))
    return mado_store_invalid ("day: not YYYY-MM-DD", error);
  if (count < 1 || count > 9999)
    return mado_store_invalid ("count: not 1–9999", error);
  if (!tx_begin (self, error))
    return FALSE;
  ok = reserve_block_locked (self, category, day, count, first, last, error);
  ok = tx_end (self, ok, error);
  if (!ok)
    *first = *last = 0;
  return ok;
}

static gboolean
put_offline_locked (MadoSqliteStore *self, const MadoQueueTicket *ticket, const char *day,
                    GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int row;

  stmt = prepare (self,
                  "SELECT 1 FROM ticket_blocks WHERE day = ?1 AND category = ?2 "
                  "AND ?3 BETWEEN first_number AND last_number",
                  error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, day);
  bind_text (stmt, 2, ticket->category);
  sqlite3_bind_int64 (stmt, 3, ticket->number);
  row = step_row (self, stmt, "reading the ticket blocks", error);
  if (row < 0)
    return FALSE;
  if (row == 0)
    return mado_store_invalid ("the number lies in no block reserved for that day and category",
                               error);
  return insert_ticket (self, ticket, day, error);
}

static gboolean
sqlite_put_offline_ticket (MadoRegistryStore *store, const MadoQueueTicket *ticket, GError **error)
{
  MadoSqliteStore *self = MADO_SQLITE_STORE (store);
  g_autoptr (MadoQueueTicket) offline = mado_store_offline_ticket (ticket, error);
  g_autofree char *day = NULL;
  gboolean ok;

  if (offline == NULL)
    return FALSE;
  day = mado_store_ticket_day (offline, error);
  if (day == NULL)
    return FALSE;
  if (!tx_begin (self, error))
    return FALSE;
  ok = put_offline_locked (self, offline, day, error);
  return tx_end (self, ok, error);
}

/* ---- seal registrations ---------------------------------------------------------------- */

static gboolean
put_seal_locked (MadoSqliteStore *self, const MadoSealRegistration *reg, const char *json,
                 GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int row;

  stmt = prepare (self, "SELECT 1 FROM persons WHERE atena_number = ?1", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, reg->atena_number);
  row = step_row (self, stmt, "reading the person", error);
  if (row <= 0)
    return row < 0 ? FALSE : mado_store_not_found ("person", error);
  g_clear_pointer (&stmt, stmt_release);

  stmt = prepare (self,
                  "SELECT atena_number, status FROM seal_registrations "
                  "WHERE registration_number = ?1",
                  error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, reg->registration_number);
  row = step_row (self, stmt, "reading the seal registration", error);
  if (row < 0
      || !mado_store_check_seal_replace (reg, row > 0 ? column_text (stmt, 0) : NULL,
                                         row > 0 ? column_text (stmt, 1) : NULL, error))
    return FALSE;
  g_clear_pointer (&stmt, stmt_release);

  if (reg->status == MADO_SEAL_STATUS_REGISTERED)
    {
      stmt = prepare (self,
                      "SELECT 1 FROM seal_registrations WHERE atena_number = ?1 "
                      "AND status = 'registered' AND registration_number <> ?2",
                      error);
      if (stmt == NULL)
        return FALSE;
      bind_text (stmt, 1, reg->atena_number);
      bind_text (stmt, 2, reg->registration_number);
      row = step_row (self, stmt, "reading the person's seal", error);
      if (row != 0)
        return row < 0 ? FALSE : mado_store_seal_conflict (error);
      g_clear_pointer (&stmt, stmt_release);
    }

  /* Insert, or replace under the same rules in the statement itself (the person unchanged, an
   * abolished row never registered again), so a writer that got in between cannot slip past
   * them; the partial unique index refuses a second registered seal of the person. */
  stmt = prepare (self,
                  "INSERT INTO seal_registrations (registration_number, atena_number, status, "
                  "registration_json) VALUES (?1, ?2, ?3, ?4) "
                  "ON CONFLICT (registration_number) DO UPDATE SET status = excluded.status, "
                  "registration_json = excluded.registration_json "
                  "WHERE seal_registrations.atena_number = excluded.atena_number "
                  "AND (seal_registrations.status = 'registered' OR excluded.status = 'abolished')",
                  error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, reg->registration_number);
  bind_text (stmt, 2, reg->atena_number);
  bind_text (stmt, 3, mado_seal_status_to_string (reg->status));
  bind_text (stmt, 4, json);
  if (!step_done (self, stmt, "writing the seal registration", error))
    return FALSE;
  if (sqlite3_changes (self->db) != 1)
    return mado_store_conflict ("the seal registration changed meanwhile", error);
  return TRUE;
}

static gboolean
sqlite_put_seal_registration (MadoRegistryStore *store, const MadoSealRegistration *reg,
                              GError **error)
{
  MadoSqliteStore *self = MADO_SQLITE_STORE (store);
  g_autofree char *json = NULL;
  gboolean ok;

  if (!mado_seal_registration_validate (reg, error))
    return FALSE;
  json = mado_seal_registration_to_data (reg, NULL);
  if (!tx_begin (self, error))
    return FALSE;
  ok = put_seal_locked (self, reg, json, error);
  return tx_end (self, ok, error);
}

/* The registration_json of the row @sql (one parameter) selects; NOT_FOUND (@what) when none. */
static MadoSealRegistration *
read_seal (MadoSqliteStore *self, const char *sql, const char *param, const char *what,
           GError **error)
{
  g_autofree char *json
      = text_by_key (self, sql, param, "reading the seal registration", what, error);
  return json != NULL ? mado_seal_registration_new_from_data (json, -1, error) : NULL;
}

static MadoSealRegistration *
sqlite_get_seal_registration (MadoRegistryStore *store, const char *registration_number,
                              GError **error)
{
  return read_seal (MADO_SQLITE_STORE (store),
                    "SELECT registration_json FROM seal_registrations "
                    "WHERE registration_number = ?1",
                    registration_number, "seal registration", error);
}

static MadoSealRegistration *
sqlite_find_seal_registration (MadoRegistryStore *store, const char *atena_number, GError **error)
{
  return read_seal (MADO_SQLITE_STORE (store),
                    "SELECT registration_json FROM seal_registrations "
                    "WHERE atena_number = ?1 AND status = 'registered'",
                    atena_number, "registered seal", error);
}

/* ---- online backup ---------------------------------------------------------------------- */

static gboolean
sqlite_backup (MadoRegistryStore *store, const char *path, GError **error)
{
  MadoSqliteStore *self = MADO_SQLITE_STORE (store);
  g_autofree char *partial = g_strconcat (path, ".partial", NULL);
  sqlite3 *copy = NULL;
  sqlite3_backup *backup;
  int rc;

  lock (self);
  stmt_cache_clear (self); /* idle statements go (the cache refills as needed) */
  unlock (self);
  g_unlink (partial);
  rc = sqlite3_open_v2 (partial, &copy, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_BACKUP,
                   "cannot create the backup file: %s", sqlite3_errstr (rc));
      sqlite3_close (copy);
      return FALSE;
    }
  backup = sqlite3_backup_init (copy, "main", self->db, "main");
  if (backup == NULL)
    {
      g_set_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_BACKUP,
                   "cannot start the backup: %s", sqlite3_errmsg (copy));
      sqlite3_close (copy);
      g_unlink (partial);
      return FALSE;
    }
  /* A few pages at a time, releasing the store in between so writers go on; a write through
   * another connection restarts the copy, one through this one is copied along. */
  do
    {
      lock (self);
      rc = sqlite3_backup_step (backup, 256);
      unlock (self);
      if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        sqlite3_sleep (5);
    }
  while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
  sqlite3_backup_finish (backup);
  if (rc == SQLITE_DONE)
    rc = sqlite3_errcode (copy);
  else
    g_set_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_BACKUP, "the backup failed: %s",
                 sqlite3_errstr (rc));
  if (rc == SQLITE_OK && sqlite3_close (copy) != SQLITE_OK)
    rc = SQLITE_ERROR;
  else if (rc != SQLITE_OK)
    sqlite3_close (copy);
  if (rc != SQLITE_OK)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_BACKUP,
                     "the backup failed: %s", sqlite3_errstr (rc));
      g_unlink (partial);
      return FALSE;
    }
  if (g_rename (partial, path) != 0)
    {
      int saved = errno;
      g_set_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_BACKUP,
                   "cannot put the backup in place: %s", g_strerror (saved));
      g_unlink (partial);
      return FALSE;
    }
  return TRUE;
}

static void
mado_sqlite_store_iface_init (MadoRegistryStoreInterface *iface)
{
  iface->get_schema_version = sqlite_get_schema_version;
  iface->run_in_transaction = sqlite_run_in_transaction;
  iface->put_household = sqlite_put_household;
  iface->get_household = sqlite_get_household;
  iface->record_change = sqlite_record_change;
  iface->get_person = sqlite_get_person;
  iface->list_history = sqlite_list_history;
  iface->read_kojin_bango = sqlite_read_kojin_bango;
  iface->list_access = sqlite_list_access;
  iface->put_block = sqlite_put_block;
  iface->list_blocks = sqlite_list_blocks;
  iface->link_card = sqlite_link_card;
  iface->find_card_link = sqlite_find_card_link;
  iface->find_card_link_by_hash = sqlite_find_card_link_by_hash;
  iface->set_ticket_range = sqlite_set_ticket_range;
  iface->issue_ticket = sqlite_issue_ticket;
  iface->get_ticket = sqlite_get_ticket;
  iface->update_ticket = sqlite_update_ticket;
  iface->reserve_issuances = sqlite_reserve_issuances;
  iface->get_issuance = sqlite_get_issuance;
  iface->mark_printed = sqlite_mark_printed;
  iface->void_issuance = sqlite_void_issuance;
  iface->put_idempotent = sqlite_put_idempotent;
  iface->get_idempotent = sqlite_get_idempotent;
  iface->purge_idempotent = sqlite_purge_idempotent;
  iface->backup = sqlite_backup;
  iface->enrol_terminal = sqlite_enrol_terminal;
  iface->find_terminal_by_serial = sqlite_find_terminal_by_serial;
  iface->revoke_terminal = sqlite_revoke_terminal;
  iface->list_terminals = sqlite_list_terminals;
  iface->put_operator = sqlite_put_operator;
  iface->get_operator = sqlite_get_operator;
  iface->put_session = sqlite_put_session;
  iface->get_session = sqlite_get_session;
  iface->delete_session = sqlite_delete_session;
  iface->put_nonce = sqlite_put_nonce;
  iface->take_nonce = sqlite_take_nonce;
  iface->put_move_draft = sqlite_put_move_draft;
  iface->get_move_draft = sqlite_get_move_draft;
  iface->update_move_draft = sqlite_update_move_draft;
  iface->list_move_drafts = sqlite_list_move_drafts;
  iface->set_issuance_document = sqlite_set_issuance_document;
  iface->get_issuance_document = sqlite_get_issuance_document;
  iface->list_tickets = sqlite_list_tickets;
  iface->call_next_ticket = sqlite_call_next_ticket;
  iface->reserve_ticket_block = sqlite_reserve_ticket_block;
  iface->put_offline_ticket = sqlite_put_offline_ticket;
  iface->list_issuances = sqlite_list_issuances;
  iface->foreach_person = sqlite_foreach_person;
  iface->put_seal_registration = sqlite_put_seal_registration;
  iface->get_seal_registration = sqlite_get_seal_registration;
  iface->find_seal_registration = sqlite_find_seal_registration;
}
