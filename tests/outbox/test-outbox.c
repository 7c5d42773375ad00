/* SPDX-License-Identifier: GPL-3.0-or-later
 * test-outbox — app/outbox (docs/outbox.md).
 */
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "mado-outbox.h"

#define T0 1790000000 /* 2026-09-21, any fixed "now" */

static const char PAYLOAD[]
    = "{\"name\": \"渡邉 太郎\", \"latin\": \"WATANABE Taro\", \"birth_date\": \"1985-04-12\"}";

typedef struct
{
  char *dir;
  char *path;
  MadoOutboxKey *key;
  MadoOutbox *outbox;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  (void)data;
  f->dir = g_dir_make_tmp ("mado-outbox-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "outbox.db", NULL);
  f->key = mado_outbox_key_generate (&error);
  g_assert_no_error (error);
  f->outbox = mado_outbox_open (f->path, f->key, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->outbox);
}

static void
remove_tree (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (dir, name, NULL);
      g_remove (p);
    }
  g_rmdir (dir);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  (void)data;
  mado_outbox_free (f->outbox);
  mado_outbox_key_free (f->key);
  remove_tree (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static MadoOutboxRecord *
enqueue (Fixture *f, const char *kind, const char *payload, gint64 now)
{
  g_autoptr (GError) error = NULL;
  MadoOutboxRecord *record = mado_outbox_enqueue (f->outbox, kind, payload, now, &error);
  g_assert_no_error (error);
  g_assert_nonnull (record);
  return record;
}

static sqlite3 *
raw_open (const char *path)
{
  sqlite3 *db = NULL;
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  return db;
}

static void
raw_exec (sqlite3 *db, const char *sql)
{
  char *message = NULL;
  int rc = sqlite3_exec (db, sql, NULL, NULL, &message);
  if (rc != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

/* ------------------------------------------------------------------------------------------ */

static void
test_round_trip (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  (void)data;

  g_autoptr (MadoOutboxRecord) a = enqueue (f, "move_draft", PAYLOAD, T0);
  g_autoptr (MadoOutboxRecord) b = enqueue (f, "queue_ticket", "{\"number\": 17}", T0 + 1);
  g_assert_cmpint (a->id, ==, 1);
  g_assert_cmpint (b->id, ==, 2);
  g_assert_cmpint (a->state, ==, MADO_OUTBOX_STATE_PENDING);
  g_assert_cmpuint (a->attempts, ==, 0);
  g_assert_cmpint (a->created_at, ==, T0);
  g_assert_cmpuint (strlen (a->idempotency_key), ==, 32);

  g_autoptr (GPtrArray) list = mado_outbox_list (f->outbox, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  MadoOutboxRecord *first = g_ptr_array_index (list, 0);
  MadoOutboxRecord *second = g_ptr_array_index (list, 1);
  g_assert_cmpint (first->id, ==, a->id);
  g_assert_cmpstr (first->kind, ==, "move_draft");
  g_assert_cmpstr (first->idempotency_key, ==, a->idempotency_key);
  g_assert_cmpstr (mado_outbox_state_to_string (first->state), ==, "pending");
  g_assert_null (first->reason);
  g_assert_cmpint (first->last_attempt_at, ==, 0);
  g_assert_cmpstr (second->kind, ==, "queue_ticket");

  char *payload = mado_outbox_read_payload (f->outbox, a->id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (payload, ==, PAYLOAD);
  mado_outbox_payload_free (payload);

  /* A reopened outbox reads the same. */
  mado_outbox_free (f->outbox);
  f->outbox = mado_outbox_open (f->path, f->key, &error);
  g_assert_no_error (error);
  g_assert_cmpint (mado_outbox_get_schema_version (f->outbox), ==, MADO_OUTBOX_SCHEMA_VERSION);
  payload = mado_outbox_read_payload (f->outbox, b->id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (payload, ==, "{\"number\": 17}");
  mado_outbox_payload_free (payload);

  /* The file and its WAL are the owner's only. */
  struct stat st;
  g_assert_cmpint (g_stat (f->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 077, ==, 0);
}

static void
test_invalid (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  (void)data;

  const char *bad_kinds[] = { "", "Move", "move draft", "ムーブ", NULL };
  for (const char **k = bad_kinds; *k != NULL; k++)
    {
      g_autoptr (MadoOutboxRecord) r = mado_outbox_enqueue (f->outbox, *k, "{}", T0, &error);
      g_assert_null (r);
      g_assert_error (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_INVALID);
      g_clear_error (&error);
    }
  const char *bad_payloads[] = { "", "[1]", "\"山田\"", "{\"a\": 1", "\xff{}", NULL };
  for (const char **p = bad_payloads; *p != NULL; p++)
    {
      g_autoptr (MadoOutboxRecord) r = mado_outbox_enqueue (f->outbox, "x", *p, T0, &error);
      g_assert_null (r);
      g_assert_error (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_INVALID);
      /* The message never repeats the payload. */
      g_assert_null (strstr (error->message, "山田"));
      g_clear_error (&error);
    }
  g_autoptr (GPtrArray) list = mado_outbox_list (f->outbox, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 0);

  g_autoptr (MadoOutboxRecord) r = enqueue (f, "x", "{}", T0);
  g_assert_false (mado_outbox_mark_failed (f->outbox, r->id, T0, "", &error));
  g_assert_error (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (mado_outbox_set_aside (f->outbox, r->id, T0, "a\nb", &error));
  g_assert_error (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (mado_outbox_read_payload (f->outbox, 999, &error));
  g_assert_error (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_NOT_FOUND);
}

static void
test_idempotency_keys_unique (Fixture *f, gconstpointer data)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  (void)data;

  for (int i = 0; i < 500; i++)
    {
      g_autoptr (MadoOutboxRecord) r = enqueue (f, "queue_ticket", "{\"n\": 1}", T0);
      for (const char *p = r->idempotency_key; *p != '\0'; p++)
        g_assert_true (g_ascii_isdigit (*p) || (*p >= 'a' && *p <= 'f'));
      g_assert_true (g_hash_table_add (seen, g_strdup (r->idempotency_key)));
    }
  g_assert_cmpuint (g_hash_table_size (seen), ==, 500);
}

static void
test_backoff_schedule (void)
{
  /* Nominal delays: 30 s doubling, capped at one hour. */
  const gint64 nominal[] = { 30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600 };
  for (guint n = 1; n <= G_N_ELEMENTS (nominal); n++)
    {
      gint64 d = nominal[n - 1];
      g_assert_cmpint (mado_outbox_backoff_delay (n, 1.0), ==, d);
      g_assert_cmpint (mado_outbox_backoff_delay (n, 0.0), ==, d - d / 2);
      for (int i = 0; i < 100; i++)
        {
          gint64 j = mado_outbox_backoff_delay (n, g_test_rand_double ());
          g_assert_cmpint (j, >=, d - d / 2);
          g_assert_cmpint (j, <=, d);
        }
    }
  g_assert_cmpint (mado_outbox_backoff_delay (1000, 1.0), ==, MADO_OUTBOX_BACKOFF_CAP);
  g_assert_cmpint (mado_outbox_backoff_delay (G_MAXUINT, 1.0), ==, MADO_OUTBOX_BACKOFF_CAP);
}

static void
test_mark_failed_backs_off (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  (void)data;

  g_autoptr (MadoOutboxRecord) r = enqueue (f, "move_draft", PAYLOAD, T0);
  gint64 now = T0;
  for (guint n = 1; n <= 9; n++)
    {
      g_autoptr (GPtrArray) due = mado_outbox_next_due (f->outbox, now, 0, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (due->len, ==, 1);
      g_assert_true (mado_outbox_mark_failed (f->outbox, r->id, now, "HTTP 503", &error));
      g_assert_no_error (error);

      g_autoptr (MadoOutboxRecord) after = mado_outbox_get (f->outbox, r->id, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (after->attempts, ==, n);
      g_assert_cmpint (after->last_attempt_at, ==, now);
      g_assert_cmpstr (after->reason, ==, "HTTP 503");
      gint64 d = MIN ((gint64)30 << (n - 1), 3600);
      g_assert_cmpint (after->next_attempt_at - now, >=, d - d / 2);
      g_assert_cmpint (after->next_attempt_at - now, <=, d);

      /* Not due before its time; due at it. */
      g_autoptr (GPtrArray) early
          = mado_outbox_next_due (f->outbox, after->next_attempt_at - 1, 0, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (early->len, ==, 0);
      now = after->next_attempt_at;
    }
}

static void
test_delivered_purges (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  (void)data;

  g_autoptr (MadoOutboxRecord) a = enqueue (f, "move_draft", PAYLOAD, T0);
  g_autoptr (MadoOutboxRecord) b = enqueue (f, "move_draft", PAYLOAD, T0);
  g_assert_true (mado_outbox_mark_delivered (f->outbox, a->id, &error));
  g_assert_no_error (error);

  /* Purged once: the row is gone, a second confirmation finds nothing. */
  g_assert_false (mado_outbox_mark_delivered (f->outbox, a->id, &error));
  g_assert_error (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (mado_outbox_read_payload (f->outbox, a->id, &error));
  g_assert_error (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_NOT_FOUND);
  g_clear_error (&error);

  sqlite3 *db = raw_open (f->path);
  sqlite3_stmt *stmt = NULL;
  g_assert_cmpint (
      sqlite3_prepare_v2 (db, "SELECT count(*) FROM records WHERE id = ?1", -1, &stmt, NULL), ==,
      SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, a->id);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  /* Ids are never reused after a purge. */
  g_assert_true (mado_outbox_mark_delivered (f->outbox, b->id, &error));
  g_autoptr (MadoOutboxRecord) c = enqueue (f, "move_draft", PAYLOAD, T0);
  g_assert_cmpint (c->id, ==, 3);
}

static void
test_set_aside_blocks_nothing (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  (void)data;

  g_autoptr (MadoOutboxRecord) a = enqueue (f, "move_draft", PAYLOAD, T0);
  g_autoptr (MadoOutboxRecord) b = enqueue (f, "move_draft", PAYLOAD, T0 + 1);
  g_autoptr (MadoOutboxRecord) c = enqueue (f, "queue_ticket", "{\"n\": 2}", T0 + 2);

  g_assert_true (mado_outbox_set_aside (f->outbox, a->id, T0 + 5, "model.invalid", &error));
  g_assert_no_error (error);

  g_autoptr (GPtrArray) due = mado_outbox_next_due (f->outbox, T0 + 10, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (due->len, ==, 2);
  g_assert_cmpint (((MadoOutboxRecord *)g_ptr_array_index (due, 0))->id, ==, b->id);
  g_assert_cmpint (((MadoOutboxRecord *)g_ptr_array_index (due, 1))->id, ==, c->id);

  /* With a limit of one, the first due is the next pending one, not the set-aside one. */
  g_autoptr (GPtrArray) one = mado_outbox_next_due (f->outbox, T0 + 10, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (one->len, ==, 1);
  g_assert_cmpint (((MadoOutboxRecord *)g_ptr_array_index (one, 0))->id, ==, b->id);

  g_autoptr (MadoOutboxRecord) aside = mado_outbox_get (f->outbox, a->id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (aside->state, ==, MADO_OUTBOX_STATE_SET_ASIDE);
  g_assert_cmpstr (aside->reason, ==, "model.invalid");
  g_assert_cmpint (aside->set_aside_at, ==, T0 + 5);

  /* Kept for a clerk: its payload still reads; it is never failed or set aside again. */
  char *payload = mado_outbox_read_payload (f->outbox, a->id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (payload, ==, PAYLOAD);
  mado_outbox_payload_free (payload);
  g_assert_false (mado_outbox_mark_failed (f->outbox, a->id, T0 + 20, "HTTP 503", &error));
  g_assert_error (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_STATE);
  g_clear_error (&error);
  g_assert_false (mado_outbox_set_aside (f->outbox, a->id, T0 + 20, "again", &error));
  g_assert_error (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_STATE);
  g_clear_error (&error);

  /* Far in the future it is still never due. */
  g_autoptr (GPtrArray) later = mado_outbox_next_due (f->outbox, T0 + 86400, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < later->len; i++)
    g_assert_cmpint (((MadoOutboxRecord *)g_ptr_array_index (later, i))->id, !=, a->id);
}

static void
test_stale_set_aside (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  (void)data;

  g_autoptr (MadoOutboxRecord) old = enqueue (f, "move_draft", PAYLOAD, T0);
  g_autoptr (MadoOutboxRecord) young
      = enqueue (f, "move_draft", PAYLOAD, T0 + MADO_OUTBOX_STALE_AFTER);
  gint64 now = T0 + MADO_OUTBOX_STALE_AFTER;

  g_autoptr (GPtrArray) due = mado_outbox_next_due (f->outbox, now, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (due->len, ==, 1);
  g_assert_cmpint (((MadoOutboxRecord *)g_ptr_array_index (due, 0))->id, ==, young->id);

  g_autoptr (MadoOutboxRecord) aside = mado_outbox_get (f->outbox, old->id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (aside->state, ==, MADO_OUTBOX_STATE_SET_ASIDE);
  g_assert_true (g_str_has_prefix (aside->reason, "stale"));
}

static gboolean
flip_byte (const char *path, const char *column, gint64 id)
{
  sqlite3 *db = raw_open (path);
  g_autofree char *select = g_strdup_printf ("SELECT %s FROM records WHERE id = ?1", column);
  g_autofree char *update = g_strdup_printf ("UPDATE records SET %s = ?1 WHERE id = ?2", column);
  sqlite3_stmt *stmt = NULL;
  g_assert_cmpint (sqlite3_prepare_v2 (db, select, -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, id);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  int n = sqlite3_column_bytes (stmt, 0);
  g_assert_cmpint (n, >, 0);
  guint8 *blob = g_memdup2 (sqlite3_column_blob (stmt, 0), (gsize)n);
  sqlite3_finalize (stmt);
  blob[n / 2] ^= 0x01;
  g_assert_cmpint (sqlite3_prepare_v2 (db, update, -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_blob (stmt, 1, blob, n, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, id);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  g_free (blob);
  sqlite3_close (db);
  return TRUE;
}

static void
assert_tampered (Fixture *f, gint64 id)
{
  g_autoptr (GError) error = NULL;
  char *payload = mado_outbox_read_payload (f->outbox, id, &error);
  g_assert_null (payload);
  g_assert_error (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_TAMPERED);
  g_assert_null (strstr (error->message, "渡邉"));
}

/* A clerk's retry: due now, whether backing off or set aside; never a stale record. */
static void
test_retry (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  (void)data;

  g_autoptr (MadoOutboxRecord) a = enqueue (f, "move_draft", PAYLOAD, T0);
  g_autoptr (MadoOutboxRecord) b = enqueue (f, "move_draft", PAYLOAD, T0);
  g_assert_true (mado_outbox_mark_failed (f->outbox, a->id, T0 + 1, "HTTP 503", &error));
  g_assert_true (mado_outbox_set_aside (f->outbox, b->id, T0 + 1, "model.invalid", &error));
  g_assert_no_error (error);

  g_autoptr (MadoOutboxRecord) ra = mado_outbox_retry (f->outbox, a->id, T0 + 2, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ra->state, ==, MADO_OUTBOX_STATE_PENDING);
  g_assert_cmpint (ra->next_attempt_at, ==, T0 + 2);
  g_assert_cmpuint (ra->attempts, ==, 1);
  g_autoptr (MadoOutboxRecord) rb = mado_outbox_retry (f->outbox, b->id, T0 + 2, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rb->state, ==, MADO_OUTBOX_STATE_PENDING);
  g_assert_cmpint (rb->set_aside_at, ==, 0);
  g_assert_cmpstr (rb->reason, ==, "model.invalid"); /* the history stays */

  g_autoptr (GPtrArray) due = mado_outbox_next_due (f->outbox, T0 + 2, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (due->len, ==, 2);
  g_autoptr (MadoOutboxRecord) stored = mado_outbox_get (f->outbox, b->id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (stored->state, ==, MADO_OUTBOX_STATE_PENDING);
  g_assert_cmpint (stored->set_aside_at, ==, 0);

  /* stale: refused, pending or set aside */
  g_autoptr (MadoOutboxRecord) stale
      = mado_outbox_retry (f->outbox, a->id, T0 + MADO_OUTBOX_STALE_AFTER, &error);
  g_assert_null (stale);
  g_assert_error (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_STATE);
  g_clear_error (&error);
  g_autoptr (MadoOutboxRecord) missing = mado_outbox_retry (f->outbox, 999, T0, &error);
  g_assert_null (missing);
  g_assert_error (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_NOT_FOUND);
}

static void
test_tamper (Fixture *f, gconstpointer data)
{
  (void)data;

  g_autoptr (MadoOutboxRecord) a = enqueue (f, "move_draft", PAYLOAD, T0);
  g_autoptr (MadoOutboxRecord) b = enqueue (f, "move_draft", PAYLOAD, T0);
  g_autoptr (MadoOutboxRecord) c = enqueue (f, "move_draft", PAYLOAD, T0);
  g_autoptr (MadoOutboxRecord) d = enqueue (f, "move_draft", PAYLOAD, T0);
  g_autoptr (MadoOutboxRecord) e = enqueue (f, "move_draft", PAYLOAD, T0);

  /* One bit of the ciphertext, of the tag, of the nonce. */
  flip_byte (f->path, "ciphertext", a->id);
  assert_tampered (f, a->id);
  flip_byte (f->path, "tag", b->id);
  assert_tampered (f, b->id);
  flip_byte (f->path, "nonce", c->id);
  assert_tampered (f, c->id);

  /* The kind relabelled (AAD), and two records' sealed payloads swapped (the id is in the AAD,
   * so a payload cannot be moved to another record). */
  sqlite3 *db = raw_open (f->path);
  raw_exec (db, "UPDATE records SET kind = 'queue_ticket' WHERE id = 4");
  raw_exec (db, "CREATE TEMP TABLE s AS SELECT id, nonce, ciphertext, tag FROM records;"
                "UPDATE records SET nonce = (SELECT nonce FROM s WHERE s.id = 1),"
                " ciphertext = (SELECT ciphertext FROM s WHERE s.id = 1),"
                " tag = (SELECT tag FROM s WHERE s.id = 1) WHERE id = 5;");
  sqlite3_close (db);
  assert_tampered (f, d->id);
  assert_tampered (f, e->id);
  g_assert_cmpint (e->id, ==, 5);
}

static void
test_wrong_key (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  (void)data;

  g_autoptr (MadoOutboxRecord) a = enqueue (f, "move_draft", PAYLOAD, T0);
  mado_outbox_free (f->outbox);
  g_autoptr (MadoOutboxKey) other = mado_outbox_key_generate (&error);
  g_assert_no_error (error);
  f->outbox = mado_outbox_open (f->path, other, &error);
  g_assert_no_error (error);

  /* Metadata is readable; the payload is not. */
  g_autoptr (GPtrArray) list = mado_outbox_list (f->outbox, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  char *payload = mado_outbox_read_payload (f->outbox, a->id, &error);
  g_assert_null (payload);
  g_assert_error (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_KEY);
  g_clear_error (&error);

  /* Without the key id to tell them apart, GCM itself refuses the other key. */
  sqlite3 *db = raw_open (f->path);
  raw_exec (db, "UPDATE records SET key_id = NULL");
  sqlite3_close (db);
  payload = mado_outbox_read_payload (f->outbox, a->id, &error);
  g_assert_null (payload);
  g_assert_error (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_TAMPERED);
}

static gboolean
file_contains (const char *path, const char *needle)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  if (!g_file_get_contents (path, &contents, &length, NULL))
    return FALSE;
  return memmem (contents, length, needle, strlen (needle)) != NULL;
}

static void
test_plaintext_absent (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  (void)data;

  for (int i = 0; i < 20; i++)
    {
      g_autoptr (MadoOutboxRecord) r = enqueue (f, "move_draft", PAYLOAD, T0);
      g_assert_nonnull (r);
    }
  g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);
  const char *needles[] = { "渡邉", "WATANABE", "1985-04-12", NULL };

  /* While open: the database file and its write-ahead log. */
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));
  for (const char **n = needles; *n != NULL; n++)
    {
      g_assert_false (file_contains (f->path, *n));
      g_assert_false (file_contains (wal, *n));
    }
  /* After a checkpoint and close: the database file alone. */
  mado_outbox_free (f->outbox);
  f->outbox = NULL;
  g_autofree char *contents = NULL;
  g_assert_true (g_file_get_contents (f->path, &contents, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (file_contains (f->path, "move_draft")); /* the search does find what is there */
  for (const char **n = needles; *n != NULL; n++)
    g_assert_false (file_contains (f->path, *n));
}

static void
test_key_file (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  (void)data;

  g_autofree char *path = g_build_filename (f->dir, "outbox.key", NULL);
  g_assert_true (mado_outbox_key_save (f->key, path, &error));
  g_assert_no_error (error);
  g_autoptr (MadoOutboxKey) loaded = mado_outbox_key_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (mado_outbox_key_get_id (loaded), MADO_OUTBOX_KEY_ID_LENGTH,
                   mado_outbox_key_get_id (f->key), MADO_OUTBOX_KEY_ID_LENGTH);

  /* Never overwritten. */
  g_assert_false (mado_outbox_key_save (f->key, path, &error));
  g_assert_error (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_KEY_FILE);
  g_clear_error (&error);

  /* Readable by others: refused. */
  g_assert_cmpint (g_chmod (path, 0644), ==, 0);
  g_autoptr (MadoOutboxKey) open_key = mado_outbox_key_load (path, &error);
  g_assert_null (open_key);
  g_assert_error (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_KEY_FILE);
  g_clear_error (&error);
  g_assert_cmpint (g_chmod (path, 0640), ==, 0);
  g_autoptr (MadoOutboxKey) group_key = mado_outbox_key_load (path, &error);
  g_assert_null (group_key);
  g_assert_error (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_KEY_FILE);
  g_clear_error (&error);

  /* Wrong length or digits. */
  g_autofree char *bad = g_build_filename (f->dir, "bad.key", NULL);
  g_assert_true (
      g_file_set_contents_full (bad, "0123", -1, G_FILE_SET_CONTENTS_NONE, 0600, &error));
  g_autoptr (MadoOutboxKey) short_key = mado_outbox_key_load (bad, &error);
  g_assert_null (short_key);
  g_assert_error (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_KEY_FILE);
  g_clear_error (&error);
  g_autofree char *z = g_strnfill (64, 'z');
  g_assert_true (g_file_set_contents_full (bad, z, -1, G_FILE_SET_CONTENTS_NONE, 0600, &error));
  g_autoptr (MadoOutboxKey) z_key = mado_outbox_key_load (bad, &error);
  g_assert_null (z_key);
  g_assert_error (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_KEY_FILE);
  g_clear_error (&error);

  /* A symbolic link: refused. */
  g_autofree char *link = g_build_filename (f->dir, "link.key", NULL);
  g_assert_cmpint (g_chmod (path, 0600), ==, 0);
  g_assert_cmpint (symlink (path, link), ==, 0);
  g_autoptr (MadoOutboxKey) link_key = mado_outbox_key_load (link, &error);
  g_assert_null (link_key);
  g_assert_error (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_KEY_FILE);
}

static void
test_not_an_outbox (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  (void)data;

  g_autofree char *other = g_build_filename (f->dir, "other.db", NULL);
  sqlite3 *db = raw_open (other);
  raw_exec (db, "CREATE TABLE t (x)");
  sqlite3_close (db);
  g_autoptr (MadoOutbox) o = mado_outbox_open (other, f->key, &error);
  g_assert_null (o);
  g_assert_error (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_SCHEMA);
  g_clear_error (&error);

  /* A newer schema than this build: refused, untouched. */
  mado_outbox_free (f->outbox);
  f->outbox = NULL;
  db = raw_open (f->path);
  raw_exec (db, "PRAGMA user_version = 99");
  sqlite3_close (db);
  g_autoptr (MadoOutbox) newer = mado_outbox_open (f->path, f->key, &error);
  g_assert_null (newer);
  g_assert_error (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_SCHEMA);
}

static void
test_migrate_v1 (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("mado-outbox-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *path = g_build_filename (dir, "v1.db", NULL);
  g_autoptr (MadoOutboxKey) key = mado_outbox_key_generate (&error);
  g_assert_no_error (error);

  /* A v1 outbox, as the first layout wrote it, with one sealed record. */
  sqlite3 *db = raw_open (path);
  raw_exec (db, "PRAGMA application_id = 1296322370;" /* "MDOB" */
                "CREATE TABLE records ("
                "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
                "  idempotency_key TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,"
                "  created_at INTEGER NOT NULL, state INTEGER NOT NULL DEFAULT 0,"
                "  attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL,"
                "  last_attempt_at INTEGER, reason TEXT,"
                "  nonce BLOB NOT NULL, ciphertext BLOB NOT NULL, tag BLOB NOT NULL);"
                "CREATE INDEX records_due ON records (state, next_attempt_at);"
                "PRAGMA user_version = 1;");
  const char *idem = "00112233445566778899aabbccddeeff";
  guint8 nonce[MADO_OUTBOX_NONCE_LENGTH];
  guint8 tag[MADO_OUTBOX_TAG_LENGTH];
  g_autoptr (GBytes) aad = mado_outbox_aad_new (1, "move_draft", idem);
  g_autoptr (GBytes) ct
      = mado_outbox_seal (key, aad, (const guint8 *)PAYLOAD, strlen (PAYLOAD), nonce, tag, &error);
  g_assert_no_error (error);
  sqlite3_stmt *stmt = NULL;
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "INSERT INTO records (idempotency_key, kind, created_at,"
                                       " next_attempt_at, attempts, reason, nonce, ciphertext,"
                                       " tag) VALUES (?1, 'move_draft', ?2, ?2, 2, 'HTTP 503',"
                                       " ?3, ?4, ?5)",
                                       -1, &stmt, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, idem, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, T0);
  sqlite3_bind_blob (stmt, 3, nonce, sizeof nonce, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 4, g_bytes_get_data (ct, NULL), (int)g_bytes_get_size (ct),
                     SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 5, tag, sizeof tag, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  g_autoptr (MadoOutbox) outbox = mado_outbox_open (path, key, &error);
  g_assert_no_error (error);
  g_assert_cmpint (mado_outbox_get_schema_version (outbox), ==, 2);
  g_autoptr (MadoOutboxRecord) r = mado_outbox_get (outbox, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (r->idempotency_key, ==, idem);
  g_assert_cmpuint (r->attempts, ==, 2);
  g_assert_cmpint (r->set_aside_at, ==, 0);
  char *payload = mado_outbox_read_payload (outbox, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (payload, ==, PAYLOAD);
  mado_outbox_payload_free (payload);

  /* New records carry the key id; a second open is a no-op. */
  g_autoptr (MadoOutboxRecord) n
      = mado_outbox_enqueue (outbox, "queue_ticket", "{\"n\": 1}", T0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n->id, ==, 2);
  mado_outbox_free (g_steal_pointer (&outbox));
  outbox = mado_outbox_open (path, key, &error);
  g_assert_no_error (error);
  g_assert_cmpint (mado_outbox_get_schema_version (outbox), ==, 2);
  mado_outbox_free (g_steal_pointer (&outbox));
  remove_tree (dir);
}

/* ------------------------------------------------------------------------------------------ */
/* Crash safety: a child enqueues in a loop and is killed with SIGKILL at a random moment. */

static void
test_crash_sigkill (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  (void)data;

  const char *build = g_getenv ("MADO_BUILD_DIR");
  g_assert_nonnull (build);
  g_autofree char *helper
      = g_build_filename (build, "tests", "outbox", "outbox-crash-helper", NULL);
  g_autofree char *key_path = g_build_filename (f->dir, "outbox.key", NULL);
  g_assert_true (mado_outbox_key_save (f->key, key_path, &error));
  g_assert_no_error (error);
  mado_outbox_free (f->outbox);
  f->outbox = NULL;

  g_autoptr (GHashTable) committed
      = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  for (int round = 0; round < 4; round++)
    {
      const char *argv[] = { helper, f->path, key_path, NULL };
      GPid pid = 0;
      int out = -1;
      g_assert_true (g_spawn_async_with_pipes (NULL, (char **)argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                               NULL, NULL, &pid, NULL, &out, NULL, &error));
      g_assert_no_error (error);

      /* Let it commit a random number of records, then kill it after a random pause:
       * usually in the middle of a transaction. */
      guint target = (guint)g_test_rand_int_range (5, 120);
      g_autoptr (GString) text = g_string_new (NULL);
      guint lines = 0;
      char buffer[4096];
      while (lines < target)
        {
          ssize_t n = read (out, buffer, sizeof buffer);
          if (n <= 0)
            break;
          for (ssize_t i = 0; i < n; i++)
            lines += buffer[i] == '\n';
          g_string_append_len (text, buffer, n);
        }
      g_assert_cmpuint (lines, >=, target);
      g_usleep ((gulong)g_test_rand_int_range (0, 20000));
      g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
      int status = 0;
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      g_assert_true (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL);
      ssize_t n;
      while ((n = read (out, buffer, sizeof buffer)) > 0)
        g_string_append_len (text, buffer, n);
      close (out);
      g_spawn_close_pid (pid);

      /* Every line printed was committed before the kill. */
      g_auto (GStrv) rows = g_strsplit (text->str, "\n", -1);
      for (char **row = rows; *row != NULL; row++)
        {
          if (**row == '\0')
            continue;
          g_auto (GStrv) parts = g_strsplit (*row, " ", 2);
          g_assert_cmpuint (g_strv_length (parts), ==, 2);
          gint64 *id = g_new (gint64, 1);
          *id = g_ascii_strtoll (parts[0], NULL, 10);
          g_hash_table_insert (committed, id, g_strdup (parts[1]));
        }

      /* Reopen: every committed record intact, no half rows, keys unique. */
      g_autoptr (MadoOutbox) outbox = mado_outbox_open (f->path, f->key, &error);
      g_assert_no_error (error);
      g_autoptr (GPtrArray) list = mado_outbox_list (outbox, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (list->len, >=, g_hash_table_size (committed));
      g_autoptr (GHashTable) keys = g_hash_table_new (g_str_hash, g_str_equal);
      g_autoptr (GHashTable) ids = g_hash_table_new (g_int64_hash, g_int64_equal);
      for (guint i = 0; i < list->len; i++)
        {
          MadoOutboxRecord *r = g_ptr_array_index (list, i);
          g_assert_true (g_hash_table_add (keys, r->idempotency_key));
          g_hash_table_add (ids, &r->id);
          char *payload = mado_outbox_read_payload (outbox, r->id, &error);
          g_assert_no_error (error);
          g_assert_true (g_str_has_prefix (payload, "{\"name\": \"山田 花子\", \"seq\": "));
          mado_outbox_payload_free (payload);
          const char *printed = g_hash_table_lookup (committed, &r->id);
          if (printed != NULL)
            g_assert_cmpstr (printed, ==, r->idempotency_key);
        }
      GHashTableIter iter;
      gpointer id;
      g_hash_table_iter_init (&iter, committed);
      while (g_hash_table_iter_next (&iter, &id, NULL))
        g_assert_true (g_hash_table_contains (ids, id));
      g_test_message ("round %d: %u printed, %u in the outbox", round,
                      g_hash_table_size (committed), list->len);

      /* No half rows, checked underneath the API too. */
      sqlite3 *db = raw_open (f->path);
      sqlite3_stmt *stmt = NULL;
      g_assert_cmpint (sqlite3_prepare_v2 (db,
                                           "SELECT count(*) FROM records WHERE length(nonce) != 12"
                                           " OR length(tag) != 16 OR length(ciphertext) = 0"
                                           " OR key_id IS NULL",
                                           -1, &stmt, NULL),
                       ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 0);
      sqlite3_finalize (stmt);
      g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==,
                       SQLITE_OK);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      g_assert_cmpstr ((const char *)sqlite3_column_text (stmt, 0), ==, "ok");
      sqlite3_finalize (stmt);
      sqlite3_close (db);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/outbox/round-trip", test_round_trip);
  ADD ("/outbox/invalid", test_invalid);
  ADD ("/outbox/idempotency-keys-unique", test_idempotency_keys_unique);
  g_test_add_func ("/outbox/backoff/schedule", test_backoff_schedule);
  ADD ("/outbox/backoff/mark-failed", test_mark_failed_backs_off);
  ADD ("/outbox/delivered-purges", test_delivered_purges);
  ADD ("/outbox/set-aside-blocks-nothing", test_set_aside_blocks_nothing);
  ADD ("/outbox/stale-set-aside", test_stale_set_aside);
  ADD ("/outbox/retry", test_retry);
  ADD ("/outbox/tamper", test_tamper);
  ADD ("/outbox/wrong-key", test_wrong_key);
  ADD ("/outbox/plaintext-absent", test_plaintext_absent);
  ADD ("/outbox/key-file", test_key_file);
  ADD ("/outbox/not-an-outbox", test_not_an_outbox);
  g_test_add_func ("/outbox/migrate-v1", test_migrate_v1);
  ADD ("/outbox/crash/sigkill", test_crash_sigkill);
#undef ADD

  return g_test_run ();
}
