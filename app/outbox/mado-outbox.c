/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "mado-outbox.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/rand.h>
#include <sqlite3.h>

/* "MDOB" in the file header: tells an outbox from any other SQLite file. */
#define OUTBOX_APPLICATION_ID 0x4d444f42
#define REASON_MAX 200
#define KIND_MAX 64

struct _MadoOutbox
{
  sqlite3 *db;
  MadoOutboxKey *key;
  int schema_version;
};

static const char STALE_REASON[] = MADO_OUTBOX_STALE_REASON;

/* Each step migrates version i to i + 1. v1 is the first layout; v2 adds the key id (a record
 * sealed with another key is told from an altered one) and the time a record was set aside. */
static const char *const MIGRATIONS[] = {
  /* 0 → 1 */
  "CREATE TABLE records ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  idempotency_key TEXT NOT NULL UNIQUE,"
  "  kind TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  state INTEGER NOT NULL DEFAULT 0,"
  "  attempts INTEGER NOT NULL DEFAULT 0,"
  "  next_attempt_at INTEGER NOT NULL,"
  "  last_attempt_at INTEGER,"
  "  reason TEXT,"
  "  nonce BLOB NOT NULL,"
  "  ciphertext BLOB NOT NULL,"
  "  tag BLOB NOT NULL);"
  "CREATE INDEX records_due ON records (state, next_attempt_at);",
  /* 1 → 2 */
  "ALTER TABLE records ADD COLUMN key_id BLOB;"
  "ALTER TABLE records ADD COLUMN set_aside_at INTEGER;",
};
G_STATIC_ASSERT (G_N_ELEMENTS (MIGRATIONS) == MADO_OUTBOX_SCHEMA_VERSION);

#define RECORD_COLUMNS                                                                             \
  "id, idempotency_key, kind, state, attempts, created_at, next_attempt_at, last_attempt_at, "     \
  "set_aside_at, reason"

const char *
mado_outbox_state_to_string (MadoOutboxState state)
{
  switch (state)
    {
    case MADO_OUTBOX_STATE_PENDING:
      return "pending";
    case MADO_OUTBOX_STATE_SET_ASIDE:
      return "set_aside";
    default:
      return "unknown";
    }
}

void
mado_outbox_record_free (MadoOutboxRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->idempotency_key);
  g_free (record->kind);
  g_free (record->reason);
  g_free (record);
}

static gboolean
sqlite_failed (MadoOutbox *outbox, GError **error, const char *what)
{
  /* SQLite's messages name tables and columns, never bound values. */
  g_set_error (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_IO, "outbox database: %s: %s", what,
               sqlite3_errmsg (outbox->db));
  return FALSE;
}

static gboolean
exec (MadoOutbox *outbox, const char *sql, GError **error)
{
  if (sqlite3_exec (outbox->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return sqlite_failed (outbox, error, sql);
  return TRUE;
}

static void
rollback (MadoOutbox *outbox)
{
  if (!sqlite3_get_autocommit (outbox->db))
    sqlite3_exec (outbox->db, "ROLLBACK", NULL, NULL, NULL);
}

static sqlite3_stmt *
prepare (MadoOutbox *outbox, const char *sql, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  if (sqlite3_prepare_v2 (outbox->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      sqlite_failed (outbox, error, "prepare");
      return NULL;
    }
  return stmt;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

static gboolean
pragma_int (MadoOutbox *outbox, const char *sql, gint64 *value, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = prepare (outbox, sql, error);
  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return sqlite_failed (outbox, error, sql);
  *value = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

static gboolean
migrate (MadoOutbox *outbox, const char *path, GError **error)
{
  gint64 version = 0;
  gint64 application_id = 0;
  gint64 objects = 0;

  if (!exec (outbox, "BEGIN IMMEDIATE", error))
    return FALSE;
  if (!pragma_int (outbox, "PRAGMA user_version", &version, error)
      || !pragma_int (outbox, "PRAGMA application_id", &application_id, error)
      || !pragma_int (outbox, "SELECT count(*) FROM sqlite_master", &objects, error))
    goto fail;

  if (application_id != OUTBOX_APPLICATION_ID && (application_id != 0 || objects != 0))
    {
      g_set_error (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_SCHEMA,
                   "%s: an SQLite database, but not an outbox", path);
      goto fail;
    }
  if (version > MADO_OUTBOX_SCHEMA_VERSION)
    {
      g_set_error (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_SCHEMA,
                   "%s: outbox schema version %" G_GINT64_FORMAT " is newer than this build's (%d)",
                   path, version, MADO_OUTBOX_SCHEMA_VERSION);
      goto fail;
    }
  if (version < 0)
    {
      g_set_error (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_SCHEMA,
                   "%s: outbox schema version %" G_GINT64_FORMAT " is not valid", path, version);
      goto fail;
    }
  for (gint64 v = version; v < MADO_OUTBOX_SCHEMA_VERSION; v++)
    if (!exec (outbox, MIGRATIONS[v], error))
      goto fail;
  if (version < MADO_OUTBOX_SCHEMA_VERSION)
    {
      g_autofree char *set = g_strdup_printf ("PRAGMA application_id = %d;"
                                              "PRAGMA user_version = %d",
                                              OUTBOX_APPLICATION_ID, MADO_OUTBOX_SCHEMA_VERSION);
      if (!exec (outbox, set, error))
        goto fail;
    }
  if (!exec (outbox, "COMMIT", error))
    goto fail;
  outbox->schema_version = MADO_OUTBOX_SCHEMA_VERSION;
  return TRUE;

fail:
  rollback (outbox);
  return FALSE;
}

MadoOutbox *
mado_outbox_open (const char *path, const MadoOutboxKey *key, GError **error)
{
  g_return_val_if_fail (path != NULL && key != NULL, NULL);

  /* Create the file ourselves with mode 0600: SQLite would use 0644 less the umask. Its -wal
   * and -shm files take the database file's mode. */
  int fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_IO, "%s: cannot open: %s", path,
                   g_strerror (saved));
      return NULL;
    }
  struct stat st;
  gboolean regular = fstat (fd, &st) == 0 && S_ISREG (st.st_mode);
  close (fd);
  if (!regular)
    {
      g_set_error (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_IO, "%s: not a regular file", path);
      return NULL;
    }

  g_autoptr (MadoOutbox) outbox = g_new0 (MadoOutbox, 1);
  outbox->key = mado_outbox_key_copy (key);
  if (sqlite3_open_v2 (path, &outbox->db,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX | SQLITE_OPEN_NOFOLLOW, NULL)
      != SQLITE_OK)
    {
      if (outbox->db == NULL)
        g_set_error (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_IO, "%s: cannot open", path);
      else
        sqlite_failed (outbox, error, path);
      return NULL;
    }
  sqlite3_extended_result_codes (outbox->db, 1);
  sqlite3_busy_timeout (outbox->db, 5000);

  /* WAL: the deliverer reads while the kiosk writes. synchronous=FULL: with WAL, NORMAL may lose
   * the last commits on power loss; an enqueued record was promised to a person (a ticket, a
   * saved draft), so a commit is on disk when enqueue returns. secure_delete: a purged record's
   * pages are overwritten, not left in free pages. */
  g_autoptr (sqlite3_stmt) wal = prepare (outbox, "PRAGMA journal_mode = WAL", error);
  if (wal == NULL)
    return NULL;
  if (sqlite3_step (wal) != SQLITE_ROW
      || g_strcmp0 ((const char *)sqlite3_column_text (wal, 0), "wal") != 0)
    {
      g_set_error (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_IO,
                   "%s: the database refused write-ahead logging", path);
      return NULL;
    }
  g_clear_pointer (&wal, sqlite3_finalize);
  if (!exec (outbox, "PRAGMA synchronous = FULL; PRAGMA secure_delete = ON", error))
    return NULL;
  if (!migrate (outbox, path, error))
    return NULL;
  return g_steal_pointer (&outbox);
}

void
mado_outbox_free (MadoOutbox *outbox)
{
  if (outbox == NULL)
    return;
  if (outbox->db != NULL)
    sqlite3_close_v2 (outbox->db);
  mado_outbox_key_free (outbox->key);
  g_free (outbox);
}

int
mado_outbox_get_schema_version (MadoOutbox *outbox)
{
  g_return_val_if_fail (outbox != NULL, 0);
  return outbox->schema_version;
}

static gboolean
kind_is_valid (const char *kind)
{
  gsize length = strlen (kind);
  if (length == 0 || length > KIND_MAX)
    return FALSE;
  for (const char *p = kind; *p != '\0'; p++)
    if (!(g_ascii_islower (*p) || g_ascii_isdigit (*p) || *p == '_' || *p == '.' || *p == '-'))
      return FALSE;
  return TRUE;
}

static gboolean
reason_is_valid (const char *reason)
{
  if (reason == NULL || *reason == '\0' || !g_utf8_validate (reason, -1, NULL)
      || g_utf8_strlen (reason, -1) > REASON_MAX)
    return FALSE;
  for (const char *p = reason; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

/* A JSON object by its shape only: valid UTF-8 without NUL, '{' … '}' around optional white
 * space. The outbox does not parse payloads, so that no copy escapes the wipe; the model
 * validated it when it was made, and the registry validates it again. */
static gboolean
payload_is_valid (const char *payload, gsize length)
{
  if (length == 0 || length > MADO_OUTBOX_PAYLOAD_MAX
      || !g_utf8_validate_len (payload, length, NULL))
    return FALSE;
  gsize first = 0;
  gsize last = length - 1;
  while (first < length && g_ascii_isspace (payload[first]))
    first++;
  while (last > first && g_ascii_isspace (payload[last]))
    last--;
  return first < last && payload[first] == '{' && payload[last] == '}';
}

static gboolean
new_idempotency_key (char out[33], GError **error)
{
  static const char digits[] = "0123456789abcdef";
  guint8 random[16];

  if (RAND_bytes (random, sizeof random) != 1)
    {
      g_set_error_literal (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_CRYPTO,
                           "the random number generator failed");
      return FALSE;
    }
  for (gsize i = 0; i < sizeof random; i++)
    {
      out[2 * i] = digits[random[i] >> 4];
      out[2 * i + 1] = digits[random[i] & 0x0f];
    }
  out[32] = '\0';
  return TRUE;
}

static MadoOutboxRecord *
record_from_row (sqlite3_stmt *stmt)
{
  MadoOutboxRecord *record = g_new0 (MadoOutboxRecord, 1);
  record->id = sqlite3_column_int64 (stmt, 0);
  record->idempotency_key = g_strdup ((const char *)sqlite3_column_text (stmt, 1));
  record->kind = g_strdup ((const char *)sqlite3_column_text (stmt, 2));
  record->state = sqlite3_column_int (stmt, 3) == MADO_OUTBOX_STATE_SET_ASIDE
                      ? MADO_OUTBOX_STATE_SET_ASIDE
                      : MADO_OUTBOX_STATE_PENDING;
  record->attempts = (guint)sqlite3_column_int (stmt, 4);
  record->created_at = sqlite3_column_int64 (stmt, 5);
  record->next_attempt_at = sqlite3_column_int64 (stmt, 6);
  record->last_attempt_at = sqlite3_column_int64 (stmt, 7);
  record->set_aside_at = sqlite3_column_int64 (stmt, 8);
  if (sqlite3_column_type (stmt, 9) != SQLITE_NULL)
    record->reason = g_strdup ((const char *)sqlite3_column_text (stmt, 9));
  return record;
}

/* The insert and the sealing of one record, inside the caller's transaction: the row is
 * inserted to learn its id (part of the AAD), then given its sealed payload. 0 on failure. */
static gint64
insert_sealed (MadoOutbox *outbox, const char *kind, const char *idempotency_key,
               const char *payload, gsize length, gint64 now, GError **error)
{
  guint8 nonce[MADO_OUTBOX_NONCE_LENGTH];
  guint8 tag[MADO_OUTBOX_TAG_LENGTH];

  g_autoptr (sqlite3_stmt) insert
      = prepare (outbox,
                 "INSERT INTO records (idempotency_key, kind, created_at, state, attempts,"
                 " next_attempt_at, nonce, ciphertext, tag, key_id)"
                 " VALUES (?1, ?2, ?3, 0, 0, ?3, x'', x'', x'', ?4)",
                 error);
  if (insert == NULL)
    return 0;
  sqlite3_bind_text (insert, 1, idempotency_key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (insert, 2, kind, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (insert, 3, now);
  sqlite3_bind_blob (insert, 4, mado_outbox_key_get_id (outbox->key), MADO_OUTBOX_KEY_ID_LENGTH,
                     SQLITE_TRANSIENT);
  if (sqlite3_step (insert) != SQLITE_DONE)
    return sqlite_failed (outbox, error, "insert");
  gint64 id = sqlite3_last_insert_rowid (outbox->db);

  g_autoptr (GBytes) aad = mado_outbox_aad_new (id, kind, idempotency_key);
  g_autoptr (GBytes) ciphertext
      = mado_outbox_seal (outbox->key, aad, (const guint8 *)payload, length, nonce, tag, error);
  if (ciphertext == NULL)
    return 0;

  g_autoptr (sqlite3_stmt) update = prepare (
      outbox, "UPDATE records SET nonce = ?1, ciphertext = ?2, tag = ?3 WHERE id = ?4", error);
  if (update == NULL)
    return 0;
  sqlite3_bind_blob (update, 1, nonce, sizeof nonce, SQLITE_TRANSIENT);
  sqlite3_bind_blob64 (update, 2, g_bytes_get_data (ciphertext, NULL),
                       g_bytes_get_size (ciphertext), SQLITE_TRANSIENT);
  sqlite3_bind_blob (update, 3, tag, sizeof tag, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (update, 4, id);
  if (sqlite3_step (update) != SQLITE_DONE)
    return sqlite_failed (outbox, error, "update");
  return id;
}

MadoOutboxRecord *
mado_outbox_enqueue (MadoOutbox *outbox, const char *kind, const char *payload, gint64 now,
                     GError **error)
{
  g_return_val_if_fail (outbox != NULL && kind != NULL && payload != NULL, NULL);

  char idempotency_key[33];
  gsize length = strlen (payload);

  if (!kind_is_valid (kind))
    {
      g_set_error_literal (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_INVALID,
                           "kind: not 1–64 of a–z 0–9 _ . -");
      return NULL;
    }
  if (!payload_is_valid (payload, length))
    {
      g_set_error (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_INVALID,
                   "payload: not a JSON object of 1–%d bytes of UTF-8", MADO_OUTBOX_PAYLOAD_MAX);
      return NULL;
    }
  if (!new_idempotency_key (idempotency_key, error))
    return NULL;

  /* One transaction: a crash anywhere before COMMIT leaves no trace of the record. */
  if (!exec (outbox, "BEGIN IMMEDIATE", error))
    return NULL;
  gint64 id = insert_sealed (outbox, kind, idempotency_key, payload, length, now, error);
  if (id == 0 || !exec (outbox, "COMMIT", error))
    {
      rollback (outbox);
      return NULL;
    }

  MadoOutboxRecord *record = g_new0 (MadoOutboxRecord, 1);
  record->id = id;
  record->idempotency_key = g_strdup (idempotency_key);
  record->kind = g_strdup (kind);
  record->state = MADO_OUTBOX_STATE_PENDING;
  record->created_at = now;
  record->next_attempt_at = now;
  return record;
}

static GPtrArray *
select_records (MadoOutbox *outbox, sqlite3_stmt *stmt, GError **error)
{
  g_autoptr (GPtrArray) records
      = g_ptr_array_new_with_free_func ((GDestroyNotify)mado_outbox_record_free);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (records, record_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      sqlite_failed (outbox, error, "select");
      return NULL;
    }
  return g_steal_pointer (&records);
}

static GPtrArray *
next_due_in_transaction (MadoOutbox *outbox, gint64 now, guint limit, GError **error)
{
  g_autoptr (sqlite3_stmt) stale
      = prepare (outbox,
                 "UPDATE records SET state = 1, reason = ?1, set_aside_at = ?2"
                 " WHERE state = 0 AND created_at <= ?3",
                 error);
  if (stale == NULL)
    return NULL;
  sqlite3_bind_text (stale, 1, STALE_REASON, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stale, 2, now);
  sqlite3_bind_int64 (stale, 3, now - MADO_OUTBOX_STALE_AFTER);
  if (sqlite3_step (stale) != SQLITE_DONE)
    {
      sqlite_failed (outbox, error, "set aside stale records");
      return NULL;
    }

  g_autoptr (sqlite3_stmt) due = prepare (outbox,
                                          "SELECT " RECORD_COLUMNS " FROM records"
                                          " WHERE state = 0 AND next_attempt_at <= ?1"
                                          " ORDER BY next_attempt_at, id LIMIT ?2",
                                          error);
  if (due == NULL)
    return NULL;
  sqlite3_bind_int64 (due, 1, now);
  sqlite3_bind_int64 (due, 2, limit == 0 ? -1 : (sqlite3_int64)limit);
  return select_records (outbox, due, error);
}

GPtrArray *
mado_outbox_next_due (MadoOutbox *outbox, gint64 now, guint limit, GError **error)
{
  g_return_val_if_fail (outbox != NULL, NULL);

  if (!exec (outbox, "BEGIN IMMEDIATE", error))
    return NULL;
  g_autoptr (GPtrArray) records = next_due_in_transaction (outbox, now, limit, error);
  if (records == NULL || !exec (outbox, "COMMIT", error))
    {
      rollback (outbox);
      return NULL;
    }
  return g_steal_pointer (&records);
}

GPtrArray *
mado_outbox_list (MadoOutbox *outbox, GError **error)
{
  g_return_val_if_fail (outbox != NULL, NULL);

  g_autoptr (sqlite3_stmt) stmt
      = prepare (outbox, "SELECT " RECORD_COLUMNS " FROM records ORDER BY id", error);
  if (stmt == NULL)
    return NULL;
  return select_records (outbox, stmt, error);
}

static gboolean
not_found (GError **error, gint64 id)
{
  g_set_error (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_NOT_FOUND,
               "outbox record %" G_GINT64_FORMAT ": no such record (never made, or purged)", id);
  return FALSE;
}

MadoOutboxRecord *
mado_outbox_get (MadoOutbox *outbox, gint64 id, GError **error)
{
  g_return_val_if_fail (outbox != NULL, NULL);

  g_autoptr (sqlite3_stmt) stmt
      = prepare (outbox, "SELECT " RECORD_COLUMNS " FROM records WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  int rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return record_from_row (stmt);
  if (rc == SQLITE_DONE)
    not_found (error, id);
  else
    sqlite_failed (outbox, error, "select");
  return NULL;
}

gboolean
mado_outbox_mark_delivered (MadoOutbox *outbox, gint64 id, GError **error)
{
  g_return_val_if_fail (outbox != NULL, FALSE);

  g_autoptr (sqlite3_stmt) stmt = prepare (outbox, "DELETE FROM records WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return sqlite_failed (outbox, error, "delete");
  if (sqlite3_changes (outbox->db) != 1)
    return not_found (error, id);
  return TRUE;
}

/* Begins a write transaction and returns record @id, which must be pending; on failure
 * nothing is left open. */
static MadoOutboxRecord *
begin_pending (MadoOutbox *outbox, gint64 id, GError **error)
{
  if (!exec (outbox, "BEGIN IMMEDIATE", error))
    return NULL;
  g_autoptr (MadoOutboxRecord) record = mado_outbox_get (outbox, id, error);
  if (record == NULL)
    {
      rollback (outbox);
      return NULL;
    }
  if (record->state != MADO_OUTBOX_STATE_PENDING)
    {
      g_set_error (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_STATE,
                   "outbox record %" G_GINT64_FORMAT " is %s, not pending", id,
                   mado_outbox_state_to_string (record->state));
      rollback (outbox);
      return NULL;
    }
  return g_steal_pointer (&record);
}

/* Runs @stmt (an UPDATE of one row) and commits the transaction begin_pending() opened. */
static gboolean
update_and_commit (MadoOutbox *outbox, sqlite3_stmt *stmt, GError **error)
{
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      sqlite_failed (outbox, error, "update");
      rollback (outbox);
      return FALSE;
    }
  if (!exec (outbox, "COMMIT", error))
    {
      rollback (outbox);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_reason (const char *reason, GError **error)
{
  if (reason_is_valid (reason))
    return TRUE;
  g_set_error (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_INVALID,
               "reason: not 1–%d characters of text without control characters", REASON_MAX);
  return FALSE;
}

gint64
mado_outbox_backoff_delay (guint attempts, double jitter)
{
  gint64 delay = MADO_OUTBOX_BACKOFF_CAP;
  if (attempts == 0)
    attempts = 1;
  if (attempts <= 16)
    delay = MIN ((gint64)MADO_OUTBOX_BACKOFF_BASE << (attempts - 1), MADO_OUTBOX_BACKOFF_CAP);
  jitter = CLAMP (jitter, 0.0, 1.0);
  gint64 half = delay / 2;
  return delay - half + (gint64)((double)half * jitter);
}

gboolean
mado_outbox_mark_failed (MadoOutbox *outbox, gint64 id, gint64 now, const char *reason,
                         GError **error)
{
  g_return_val_if_fail (outbox != NULL, FALSE);

  if (!check_reason (reason, error))
    return FALSE;
  g_autoptr (MadoOutboxRecord) record = begin_pending (outbox, id, error);
  if (record == NULL)
    return FALSE;
  gint64 delay = mado_outbox_backoff_delay (record->attempts + 1, g_random_double ());
  g_autoptr (sqlite3_stmt) stmt
      = prepare (outbox,
                 "UPDATE records SET attempts = attempts + 1, last_attempt_at = ?2,"
                 " next_attempt_at = ?3, reason = ?4 WHERE id = ?1",
                 error);
  if (stmt == NULL)
    {
      rollback (outbox);
      return FALSE;
    }
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, now);
  sqlite3_bind_int64 (stmt, 3, now + delay);
  sqlite3_bind_text (stmt, 4, reason, -1, SQLITE_TRANSIENT);
  return update_and_commit (outbox, stmt, error);
}

gboolean
mado_outbox_set_aside (MadoOutbox *outbox, gint64 id, gint64 now, const char *reason,
                       GError **error)
{
  g_return_val_if_fail (outbox != NULL, FALSE);

  if (!check_reason (reason, error))
    return FALSE;
  g_autoptr (MadoOutboxRecord) record = begin_pending (outbox, id, error);
  if (record == NULL)
    return FALSE;
  g_assert (record->id == id);
  g_autoptr (sqlite3_stmt) stmt = prepare (
      outbox, "UPDATE records SET state = 1, set_aside_at = ?2, reason = ?3 WHERE id = ?1", error);
  if (stmt == NULL)
    {
      rollback (outbox);
      return FALSE;
    }
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, now);
  sqlite3_bind_text (stmt, 3, reason, -1, SQLITE_TRANSIENT);
  return update_and_commit (outbox, stmt, error);
}

MadoOutboxRecord *
mado_outbox_retry (MadoOutbox *outbox, gint64 id, gint64 now, GError **error)
{
  g_return_val_if_fail (outbox != NULL, NULL);

  if (!exec (outbox, "BEGIN IMMEDIATE", error))
    return NULL;
  g_autoptr (MadoOutboxRecord) record = mado_outbox_get (outbox, id, error);
  if (record == NULL)
    {
      rollback (outbox);
      return NULL;
    }
  if (record->created_at <= now - MADO_OUTBOX_STALE_AFTER)
    {
      g_set_error (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_STATE,
                   "outbox record %" G_GINT64_FORMAT
                   " is stale (older than the registry keeps idempotency keys): never re-sent",
                   id);
      rollback (outbox);
      return NULL;
    }
  g_autoptr (sqlite3_stmt) stmt
      = prepare (outbox,
                 "UPDATE records SET state = 0, set_aside_at = NULL, next_attempt_at = ?2"
                 " WHERE id = ?1",
                 error);
  if (stmt == NULL)
    {
      rollback (outbox);
      return NULL;
    }
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, now);
  if (!update_and_commit (outbox, stmt, error))
    return NULL;
  record->state = MADO_OUTBOX_STATE_PENDING;
  record->set_aside_at = 0;
  record->next_attempt_at = now;
  return g_steal_pointer (&record);
}

char *
mado_outbox_read_payload (MadoOutbox *outbox, gint64 id, GError **error)
{
  g_return_val_if_fail (outbox != NULL, NULL);

  g_autoptr (sqlite3_stmt) stmt
      = prepare (outbox,
                 "SELECT kind, idempotency_key, key_id, nonce, ciphertext, tag FROM records"
                 " WHERE id = ?1",
                 error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  int rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      not_found (error, id);
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      sqlite_failed (outbox, error, "select");
      return NULL;
    }

  const char *kind = (const char *)sqlite3_column_text (stmt, 0);
  const char *idempotency_key = (const char *)sqlite3_column_text (stmt, 1);
  /* Records from schema v1 have no key id: a failure then cannot tell a wrong key from an
   * alteration, and is reported as TAMPERED (the louder of the two). */
  if (sqlite3_column_type (stmt, 2) != SQLITE_NULL
      && (sqlite3_column_bytes (stmt, 2) != MADO_OUTBOX_KEY_ID_LENGTH
          || memcmp (sqlite3_column_blob (stmt, 2), mado_outbox_key_get_id (outbox->key),
                     MADO_OUTBOX_KEY_ID_LENGTH)
                 != 0))
    {
      g_set_error (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_KEY,
                   "outbox record %" G_GINT64_FORMAT " was sealed with another outbox key", id);
      return NULL;
    }
  const guint8 *nonce = sqlite3_column_blob (stmt, 3);
  int nonce_length = sqlite3_column_bytes (stmt, 3);
  const guint8 *ciphertext = sqlite3_column_blob (stmt, 4);
  gsize ciphertext_length = (gsize)sqlite3_column_bytes (stmt, 4);
  const guint8 *tag = sqlite3_column_blob (stmt, 5);
  int tag_length = sqlite3_column_bytes (stmt, 5);
  if (kind == NULL || idempotency_key == NULL || nonce_length != MADO_OUTBOX_NONCE_LENGTH
      || tag_length != MADO_OUTBOX_TAG_LENGTH)
    {
      g_set_error (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_TAMPERED,
                   "outbox record %" G_GINT64_FORMAT ": the sealed payload is malformed", id);
      return NULL;
    }

  g_autoptr (GBytes) aad = mado_outbox_aad_new (id, kind, idempotency_key);
  g_autoptr (GError) local = NULL;
  char *payload = mado_outbox_unseal (outbox->key, aad, nonce, ciphertext, ciphertext_length, tag,
                                      NULL, &local);
  if (payload == NULL)
    {
      g_set_error (error, MADO_OUTBOX_ERROR, local->code, "outbox record %" G_GINT64_FORMAT ": %s",
                   id, local->message);
      return NULL;
    }
  g_assert (local == NULL);
  return payload;
}
