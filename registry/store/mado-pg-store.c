/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-pg-store.c — the PostgreSQL backend (libpq). One connection per store, serialised by a
 * recursive mutex; every write runs in BEGIN … COMMIT at READ COMMITTED (nested calls join the
 * outer transaction). Counters are single-row atomic upserts or UPDATE … RETURNING (the row lock
 * orders concurrent writers, whatever process they are in); read-modify-write paths take
 * SELECT … FOR UPDATE. Objects are stored as their model JSON (TEXT, so the bytes round-trip
 * exactly) plus the columns that are queried. Same tables as the SQLite backend.
 */
#include "mado-pg-store.h"
#include "mado-card-link.h"
#include "mado-store-common.h"

#include <libpq-fe.h>
#include <string.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PQconninfoOption, PQconninfoFree)

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
      "  history_number BIGINT NOT NULL,\n"
      "  person_json TEXT NOT NULL,\n"
      "  recorded BIGSERIAL NOT NULL\n"
      ");\n"
      "CREATE INDEX persons_by_household ON persons (household_number, status);\n"
      "CREATE TABLE person_history (\n"
      "  atena_number TEXT NOT NULL REFERENCES persons (atena_number),\n"
      "  history_number BIGINT NOT NULL CHECK (history_number >= 1),\n"
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
      "  key_identifier BYTEA NOT NULL,\n"
      "  serial BYTEA NOT NULL,\n"
      "  link_hash TEXT NOT NULL UNIQUE,\n"
      "  atena_number TEXT NOT NULL UNIQUE REFERENCES persons (atena_number),\n"
      "  linked_at BIGINT NOT NULL,\n"
      "  PRIMARY KEY (key_identifier, serial)\n"
      ");\n"
      "CREATE TABLE ticket_ranges (\n"
      "  category TEXT PRIMARY KEY,\n"
      "  first_number BIGINT NOT NULL,\n"
      "  last_number BIGINT NOT NULL,\n"
      "  CHECK (1 <= first_number AND first_number <= last_number AND last_number <= 9999)\n"
      ");\n"
      "CREATE TABLE ticket_counters (\n"
      "  day TEXT NOT NULL,\n"
      "  category TEXT NOT NULL,\n"
      "  last_number BIGINT NOT NULL,\n"
      "  PRIMARY KEY (day, category)\n"
      ");\n"
      "CREATE TABLE tickets (\n"
      "  ticket_id TEXT PRIMARY KEY,\n"
      "  day TEXT NOT NULL,\n"
      "  category TEXT NOT NULL,\n"
      "  number BIGINT NOT NULL,\n"
      "  status TEXT NOT NULL,\n"
      "  ticket_json TEXT NOT NULL,\n"
      "  UNIQUE (day, category, number)\n"
      ");\n"
      "CREATE TABLE counters (\n"
      "  name TEXT PRIMARY KEY,\n"
      "  value BIGINT NOT NULL\n"
      ");\n"
      "INSERT INTO counters (name, value) VALUES ('issue_number', 0);\n"
      "CREATE TABLE issuances (\n"
      "  issue_number TEXT PRIMARY KEY,\n"
      "  serial BIGINT NOT NULL UNIQUE,\n"
      "  status TEXT NOT NULL,\n"
      "  requester TEXT NOT NULL,\n"
      "  fee BIGINT NOT NULL,\n"
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
      "  created_at BIGINT NOT NULL,\n"
      "  PRIMARY KEY (scope, key)\n"
      ");\n"
      "CREATE INDEX idempotency_by_age ON idempotency (created_at);\n"
      "CREATE TABLE access_log (\n"
      "  id BIGSERIAL PRIMARY KEY,\n"
      "  at BIGINT NOT NULL,\n"
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
      "  enrolled_at BIGINT NOT NULL,\n"
      "  revoked_at BIGINT NOT NULL DEFAULT 0\n"
      ");\n"
      "CREATE TABLE terminal_certificates (\n"
      "  id BIGSERIAL PRIMARY KEY,\n"
      "  serial_hex TEXT NOT NULL UNIQUE,\n"
      "  terminal_id TEXT NOT NULL REFERENCES terminals (terminal_id),\n"
      "  not_after BIGINT NOT NULL,\n"
      "  enrolled_at BIGINT NOT NULL,\n"
      "  revoked_at BIGINT NOT NULL DEFAULT 0\n"
      ");\n"
      "CREATE INDEX terminal_certificates_by_terminal\n"
      "  ON terminal_certificates (terminal_id, enrolled_at, id);\n"
      "CREATE TABLE operators (\n"
      "  login TEXT PRIMARY KEY,\n"
      "  display_name TEXT NOT NULL,\n"
      "  role TEXT NOT NULL CHECK (role IN ('clerk', 'supervisor', 'administrator')),\n"
      "  password_hash TEXT NOT NULL,\n"
      "  disabled INTEGER NOT NULL CHECK (disabled IN (0, 1)),\n"
      "  created_at BIGINT NOT NULL\n"
      ");\n"
      "CREATE TABLE sessions (\n"
      "  token_hash TEXT PRIMARY KEY,\n"
      "  kind TEXT NOT NULL CHECK (kind IN ('identity', 'operator')),\n"
      "  subject TEXT NOT NULL,\n"
      "  terminal_id TEXT NOT NULL,\n"
      "  card_link TEXT,\n"
      "  created_at BIGINT NOT NULL,\n"
      "  expires_at BIGINT NOT NULL,\n"
      "  CHECK (kind = 'identity' OR card_link IS NULL)\n"
      ");\n"
      "CREATE INDEX sessions_by_expiry ON sessions (expires_at);\n"
      "CREATE TABLE nonces (\n"
      "  nonce BYTEA PRIMARY KEY,\n"
      "  expires_at BIGINT NOT NULL,\n"
      "  used INTEGER NOT NULL DEFAULT 0\n"
      ");\n"
      "CREATE INDEX nonces_by_expiry ON nonces (expires_at);\n"
      "CREATE TABLE move_drafts (\n"
      "  id BIGSERIAL PRIMARY KEY,\n"
      "  draft_id TEXT NOT NULL UNIQUE,\n"
      "  status TEXT NOT NULL,\n"
      "  draft_json TEXT NOT NULL\n"
      ");\n"
      "CREATE INDEX move_drafts_by_status ON move_drafts (status, id);\n"
      "ALTER TABLE issuances ADD COLUMN digest_hex TEXT;\n"
      "ALTER TABLE issuances ADD COLUMN document_json TEXT;\n"
      "ALTER TABLE tickets ADD COLUMN issued_unix BIGINT NOT NULL DEFAULT 0;\n"
      "UPDATE tickets SET issued_unix = floor(extract(epoch FROM "
      "(ticket_json::json ->> 'issued_at')::timestamptz))::bigint;\n"
      "CREATE INDEX tickets_by_day_status ON tickets (day, status, issued_unix);\n"
      "ALTER TABLE issuances ADD COLUMN reserved_day TEXT NOT NULL DEFAULT '';\n"
      "UPDATE issuances SET reserved_day = "
      "coalesce(left(issuance_json::json ->> 'reserved_at', 10), '');\n"
      "CREATE INDEX issuances_by_day ON issuances (reserved_day, serial);\n"
      "CREATE TABLE ticket_blocks (\n"
      "  day TEXT NOT NULL,\n"
      "  category TEXT NOT NULL,\n"
      "  first_number BIGINT NOT NULL,\n"
      "  last_number BIGINT NOT NULL,\n"
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
G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == MADO_PG_SCHEMA_VERSION + 1);

/* The advisory lock key that serialises migrations across processes ("mado-reg"). */
#define MIGRATION_LOCK_KEY "7809644744148838247"

const char *
mado_pg_store_get_migration (guint version)
{
  if (version < 1 || version > MADO_PG_SCHEMA_VERSION)
    return NULL;
  return migrations[version];
}

/* ---- the object ------------------------------------------------------------------------- */

struct _MadoPgStore
{
  GObject parent_instance;
  PGconn *conn;
  GRecMutex lock;         /* one thread at a time on the connection, for a whole transaction */
  guint depth;            /* nesting of write transactions */
  gboolean failed;        /* a nested step failed: the outer transaction rolls back */
  gboolean reconnecting;  /* configuring a new connection: no retry inside the retry */
  gboolean begin_pending; /* a write transaction whose BEGIN goes with its first statement */
  gboolean broken;        /* left in pipeline mode: as good as lost, until reconnect() */
  GPtrArray *deferred;    /* Deferred *: writes sent with the next statement or the COMMIT */
  guint64 round_trips;    /* statements and pipelines sent, preparations (tests) */
  guint schema_version;
  GHashTable *prepared; /* SQL text → the name it is prepared under on this connection */
  guint prepared_next;  /* the next name's number */
};

static void mado_pg_store_iface_init (MadoRegistryStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (MadoPgStore, mado_pg_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (MADO_TYPE_REGISTRY_STORE,
                                                      mado_pg_store_iface_init))

static void
mado_pg_store_finalize (GObject *object)
{
  MadoPgStore *self = MADO_PG_STORE (object);

  if (self->conn != NULL)
    PQfinish (self->conn);
  g_hash_table_unref (self->prepared);
  g_ptr_array_unref (self->deferred);
  g_rec_mutex_clear (&self->lock);
  G_OBJECT_CLASS (mado_pg_store_parent_class)->finalize (object);
}

static void
mado_pg_store_class_init (MadoPgStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mado_pg_store_finalize;
}

static void deferred_free (gpointer data);

static void
mado_pg_store_init (MadoPgStore *self)
{
  g_rec_mutex_init (&self->lock);
  self->prepared = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->deferred = g_ptr_array_new_with_free_func (deferred_free);
}

/* ---- helpers ---------------------------------------------------------------------------- */

#define MAX_PARAMS 8

/* The parameters of one statement: text, integers (formatted here) and bytes (binary). */
typedef struct
{
  int n;
  const char *values[MAX_PARAMS];
  int lengths[MAX_PARAMS];
  int formats[MAX_PARAMS];
  char numbers[MAX_PARAMS][24];
} Params;

static void
p_text (Params *p, const char *text)
{
  g_assert (p->n < MAX_PARAMS);
  p->values[p->n] = text;
  p->lengths[p->n] = 0;
  p->formats[p->n] = 0;
  p->n++;
}

static void
p_int (Params *p, gint64 value)
{
  g_assert (p->n < MAX_PARAMS);
  g_snprintf (p->numbers[p->n], sizeof p->numbers[p->n], "%" G_GINT64_FORMAT, value);
  p_text (p, p->numbers[p->n]);
}

static void
p_bytes (Params *p, GBytes *bytes)
{
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);

  g_assert (p->n < MAX_PARAMS);
  g_assert (length <= G_MAXINT);
  p->values[p->n] = length ? data : "";
  p->lengths[p->n] = (int)length;
  p->formats[p->n] = 1;
  p->n++;
}

/* PostgreSQL's primary message names tables, columns and constraints, never the values bound
 * (those are in DETAIL, which is not used). */
static gboolean
db_error (MadoPgStore *self, const PGresult *result, const char *what, GError **error)
{
  const char *state = result ? PQresultErrorField (result, PG_DIAG_SQLSTATE) : NULL;
  const char *message = result ? PQresultErrorField (result, PG_DIAG_MESSAGE_PRIMARY) : NULL;
  MadoRegistryError code = MADO_REGISTRY_ERROR_DATABASE;

  if (state != NULL
      && (g_str_equal (state, "40001") || g_str_equal (state, "40P01")
          || g_str_equal (state, "55P03") || g_str_equal (state, "57014")))
    code = MADO_REGISTRY_ERROR_BUSY; /* serialization, deadlock, lock or statement timeout */
  else if (state != NULL && g_str_has_prefix (state, "23"))
    code = MADO_REGISTRY_ERROR_CONFLICT;
  if (message == NULL)
    message = PQstatus (self->conn) == CONNECTION_OK ? "no result"
                                                     : "the connection to the database was lost";
  g_set_error (error, MADO_REGISTRY_ERROR, code, "%s: %s", what, message);
  return FALSE;
}

/* The connection is gone: the server restarted or shut down, or the network failed. libpq marks
 * it CONNECTION_BAD once a statement fails on it; the server's own word for the first case is
 * 57P01 (admin_shutdown), 57P02 (crash_shutdown) or class 08 (connection exception). */
static gboolean
connection_lost (MadoPgStore *self, const PGresult *result)
{
  const char *state = result ? PQresultErrorField (result, PG_DIAG_SQLSTATE) : NULL;

  if (PQstatus (self->conn) == CONNECTION_BAD || self->broken)
    return TRUE;
  return state != NULL
         && (g_str_has_prefix (state, "08") || g_str_equal (state, "57P01")
             || g_str_equal (state, "57P02"));
}

static gboolean
lost_error (const char *what, GError **error)
{
  /* At COMMIT the server may have committed just before the connection broke: the caller cannot
   * know, and must find out (an idempotency key makes the retry safe). */
  if (g_str_equal (what, "COMMIT"))
    g_set_error_literal (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_UNAVAILABLE,
                         "COMMIT: the connection to the database was lost; whether the "
                         "transaction was committed is unknown");
  else
    g_set_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_UNAVAILABLE,
                 "%s: the connection to the database was lost; nothing of it was kept", what);
  return FALSE;
}

static gboolean configure (MadoPgStore *self, GError **error);

/* A new connection with the same parameters (PQreset) and the session settings configure()
 * makes; UNAVAILABLE with libpq's first line (host or socket and reason, never the password)
 * while the server does not answer. */
static gboolean
reconnect (MadoPgStore *self, GError **error)
{
  gboolean ok;

  g_hash_table_remove_all (self->prepared); /* a new session has no prepared statements */
  PQreset (self->conn);
  self->broken = FALSE;
  if (PQstatus (self->conn) != CONNECTION_OK)
    {
      g_autofree char *message = g_strdup (PQerrorMessage (self->conn));
      char *newline = strchr (message, '\n');
      if (newline != NULL)
        *newline = '\0';
      g_set_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_UNAVAILABLE,
                   "cannot reconnect to the database: %s", message);
      return FALSE;
    }
  self->reconnecting = TRUE;
  ok = configure (self, error);
  self->reconnecting = FALSE;
  return ok;
}

#define PREPARED_MAX 256 /* SQL texts are the file's own; a bound all the same */

/* The name @sql is prepared under on this connection, preparing it on first use (a named
 * statement: the server parses and plans it once); reconnect() forgets the names with the old
 * session. NULL and *@failure set when PQprepare() failed; NULL and *@failure NULL when the cache
 * is full (the statement then goes unnamed). */
static const char *
prepared_name (MadoPgStore *self, const char *sql, PGresult **failure)
{
  const char *name = g_hash_table_lookup (self->prepared, sql);

  *failure = NULL;
  if (name == NULL && g_hash_table_size (self->prepared) < PREPARED_MAX)
    {
      g_autofree char *new_name = g_strdup_printf ("mado_%u", self->prepared_next++);
      PGresult *result = PQprepare (self->conn, new_name, sql, 0, NULL);
      self->round_trips++;
      if (PQresultStatus (result) != PGRES_COMMAND_OK)
        {
          *failure = result;
          return NULL;
        }
      PQclear (result);
      name = new_name;
      g_hash_table_insert (self->prepared, g_strdup (sql), g_steal_pointer (&new_name));
    }
  return name;
}

/* Runs @sql by its prepared name. A failed PQprepare() is returned as the statement's result. */
static PGresult *
exec_params (MadoPgStore *self, const char *sql, const Params *params)
{
  PGresult *failure = NULL;
  const char *name = prepared_name (self, sql, &failure);
  int n = params ? params->n : 0;

  if (failure != NULL)
    return failure;
  self->round_trips++;
  if (name == NULL)
    return PQexecParams (self->conn, sql, n, NULL, params ? params->values : NULL,
                         params ? params->lengths : NULL, params ? params->formats : NULL, 0);
  return PQexecPrepared (self->conn, name, n, params ? params->values : NULL,
                         params ? params->lengths : NULL, params ? params->formats : NULL, 0);
}

static gboolean
result_ok (const PGresult *result)
{
  ExecStatusType status = PQresultStatus (result);
  return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

/* ---- pipelined transactions ----------------------------------------------------------------
 * A write transaction's BEGIN is not sent alone: it goes with the transaction's first statement,
 * in one libpq pipeline (one round trip), and a transaction that ran no statement sends nothing.
 * A write whose outcome nothing waits for (a ticket's row once numbered, the idempotency record)
 * is deferred: kept here and sent in the same pipeline as the transaction's next statement or as
 * its COMMIT. The server runs a pipeline's statements in order and skips the rest after a failure,
 * so a deferred write that fails fails that statement or the COMMIT, and the transaction rolls
 * back; its error is its own (its `what`, CONFLICT or what it says a unique violation is). */

#define BEGIN_SQL "BEGIN ISOLATION LEVEL READ COMMITTED"
#define DEFERRED_MAX 32 /* a pipeline's length stays small: past it, what waits is sent */

typedef struct
{
  const char *sql;          /* the file's own text */
  const char *what;         /* the file's own text */
  MadoRegistryError unique; /* what a unique violation of it is */
  const char *unique_message;
  int n;
  char *values[MAX_PARAMS]; /* copies */
  int lengths[MAX_PARAMS];
  int formats[MAX_PARAMS];
} Deferred;

static void
deferred_free (gpointer data)
{
  Deferred *d = data;

  for (int i = 0; i < d->n; i++)
    g_free (d->values[i]);
  g_free (d);
}

/* One statement of a pipeline. */
typedef struct
{
  const char *sql;
  const char *what;
  int n;
  const char *const *values;
  const int *lengths;
  const int *formats;
  const Deferred *deferred; /* NULL: the BEGIN, the caller's statement or the COMMIT */
} Step;

/* Sends @steps in one pipeline and collects a result per step in @results (NULL: none came, the
 * connection broke). Statements not yet prepared on this connection are prepared first, outside
 * the pipeline (once per connection); a failed PQprepare() is its step's result, and then nothing
 * is sent. A connection left in pipeline mode (it cannot happen but by a broken connection, which
 * reconnect() resets) is not used again: query() sees it lost. */
static void
run_pipeline (MadoPgStore *self, const Step *steps, guint n, PGresult **results)
{
  g_autofree const char **names = g_new0 (const char *, n);
  guint sent = 0;

  for (guint i = 0; i < n; i++)
    results[i] = NULL;
  for (guint i = 0; i < n; i++)
    {
      names[i] = prepared_name (self, steps[i].sql, &results[i]);
      if (results[i] != NULL)
        return;
    }
  if (!PQenterPipelineMode (self->conn))
    return;
  self->round_trips++;
  for (; sent < n; sent++)
    {
      const Step *s = &steps[sent];
      int queued = names[sent] != NULL ? PQsendQueryPrepared (self->conn, names[sent], s->n,
                                                              s->values, s->lengths, s->formats, 0)
                                       : PQsendQueryParams (self->conn, s->sql, s->n, NULL,
                                                            s->values, s->lengths, s->formats, 0);
      if (!queued)
        break;
    }
  if (sent == n && PQpipelineSync (self->conn))
    {
      PGresult *end;

      for (guint i = 0; i < n && PQstatus (self->conn) != CONNECTION_BAD; i++)
        {
          results[i] = PQgetResult (self->conn);
          if (results[i] == NULL)
            break;
          while ((end = PQgetResult (self->conn)) != NULL) /* NULL ends a statement's results */
            PQclear (end);
        }
      if (PQstatus (self->conn) != CONNECTION_BAD)
        PQclear (PQgetResult (self->conn)); /* PGRES_PIPELINE_SYNC */
    }
  if (!PQexitPipelineMode (self->conn) || PQpipelineStatus (self->conn) != PQ_PIPELINE_OFF)
    self->broken = TRUE;
}

/* The step that failed: the first result that is an error (the steps after it are
 * PGRES_PIPELINE_ABORTED, or got none), else the first that got none; @n when all succeeded. */
static guint
first_failure (PGresult *const *results, guint n)
{
  for (guint i = 0; i < n; i++)
    if (results[i] != NULL && !result_ok (results[i]))
      return i;
  for (guint i = 0; i < n; i++)
    if (results[i] == NULL)
      return i;
  return n;
}

/* Sends, in one pipeline, what the transaction holds back — its BEGIN, its deferred writes — then
 * @sql with @params (NULL: none) and, when @commit, the COMMIT. TRUE and *@result the result of
 * @sql (if @result is not NULL), or FALSE with @error.
 *
 * While the BEGIN is in the pipeline nothing of the transaction is on the server yet, so a lost
 * connection is re-established and the pipeline sent once more, as a lone BEGIN was (never
 * with the COMMIT, whose outcome would be unknown). Any failure other than @sql's own marks the
 * transaction failed: its deferred writes are gone. */
static gboolean
flush (MadoPgStore *self, const char *sql, const Params *params, const char *what, gboolean commit,
       PGresult **result, GError **error)
{
  guint n = 0, mine = G_MAXUINT, bad = 0;
  g_autofree Step *steps = g_new0 (Step, self->deferred->len + 3);
  g_autofree PGresult **results = NULL;
  g_autoptr (GError) unreachable = NULL;
  gboolean begin = self->begin_pending;
  gboolean retry = begin && !commit && !self->reconnecting;
  gboolean lost = FALSE;

  if (begin)
    steps[n++] = (Step){ BEGIN_SQL, "BEGIN", 0, NULL, NULL, NULL, NULL };
  for (guint i = 0; i < self->deferred->len; i++)
    {
      const Deferred *d = g_ptr_array_index (self->deferred, i);
      steps[n++] = (Step){ d->sql,     d->what,    d->n, (const char *const *)d->values,
                           d->lengths, d->formats, d };
    }
  if (sql != NULL)
    {
      mine = n;
      steps[n++] = (Step){ sql,
                           what,
                           params ? params->n : 0,
                           params ? params->values : NULL,
                           params ? params->lengths : NULL,
                           params ? params->formats : NULL,
                           NULL };
    }
  if (commit)
    steps[n++] = (Step){ "COMMIT", "COMMIT", 0, NULL, NULL, NULL, NULL };
  results = g_new0 (PGresult *, n);

  for (guint attempt = 0;; attempt++)
    {
      run_pipeline (self, steps, n, results);
      bad = first_failure (results, n);
      if (bad == n)
        break;
      lost = connection_lost (self, results[bad]);
      if (!lost || !retry || attempt > 0)
        break;
      for (guint i = 0; i < n; i++)
        g_clear_pointer (&results[i], PQclear);
      if (!reconnect (self, &unreachable))
        break;
    }

  if (bad == n)
    {
      self->begin_pending = FALSE;
      g_ptr_array_set_size (self->deferred, 0);
      if (result != NULL && mine != G_MAXUINT)
        *result = g_steal_pointer (&results[mine]);
      for (guint i = 0; i < n; i++)
        g_clear_pointer (&results[i], PQclear);
      return TRUE;
    }

  if (unreachable != NULL)
    g_propagate_error (error, g_steal_pointer (&unreachable)); /* UNAVAILABLE */
  else if (lost)
    lost_error (commit ? "COMMIT" : steps[bad].what, error);
  else if (steps[bad].deferred != NULL && results[bad] != NULL
           && g_strcmp0 (PQresultErrorField (results[bad], PG_DIAG_SQLSTATE), "23505") == 0
           && steps[bad].deferred->unique_message != NULL)
    g_set_error_literal (error, MADO_REGISTRY_ERROR, steps[bad].deferred->unique,
                         steps[bad].deferred->unique_message);
  else
    db_error (self, results[bad], steps[bad].what, error);
  /* The BEGIN went through: the transaction is open (failed) on the server. Otherwise the next
   * statement begins it again, so nothing ever runs outside it. */
  if (begin && results[0] != NULL && result_ok (results[0]))
    self->begin_pending = FALSE;
  if (bad != mine || self->deferred->len > 0)
    self->failed = TRUE;
  g_ptr_array_set_size (self->deferred, 0);
  for (guint i = 0; i < n; i++)
    g_clear_pointer (&results[i], PQclear);
  return FALSE;
}

/* Holds back a write of the open transaction, to be sent with its next statement or its COMMIT
 * (flush); a unique violation of it is @unique with @unique_message (NULL: CONFLICT, with
 * PostgreSQL's message). Past DEFERRED_MAX what waits is sent first. */
static gboolean
defer (MadoPgStore *self, const char *sql, const Params *params, const char *what,
       MadoRegistryError unique, const char *unique_message, GError **error)
{
  Deferred *d;

  g_assert (self->depth > 0);
  if (self->deferred->len >= DEFERRED_MAX && !flush (self, NULL, NULL, NULL, FALSE, NULL, error))
    return FALSE;
  d = g_new0 (Deferred, 1);
  d->sql = sql;
  d->what = what;
  d->unique = unique;
  d->unique_message = unique_message;
  d->n = params->n;
  for (int i = 0; i < params->n; i++)
    {
      d->lengths[i] = params->lengths[i];
      d->formats[i] = params->formats[i];
      if (params->values[i] == NULL)
        d->values[i] = NULL;
      else if (params->formats[i] == 0)
        d->values[i] = g_strdup (params->values[i]);
      else
        {
          d->values[i] = g_malloc0 ((gsize)params->lengths[i] + 1);
          memcpy (d->values[i], params->values[i], (gsize)params->lengths[i]);
        }
    }
  g_ptr_array_add (self->deferred, d);
  return TRUE;
}

/* Runs @sql with @params (may be NULL); a result (command or rows) or NULL with @error set.
 * Inside a write transaction whose BEGIN or deferred writes wait, they go with it (flush).
 *
 * When the connection is lost: a statement made outside every transaction (a read, or the BEGIN
 * of a write) holds nothing on the server, so it is run once more on a new connection — a
 * restart of the server costs the store nothing. Inside a transaction the server has rolled it
 * back with the connection: UNAVAILABLE, and the transaction's end reconnects (tx_end), so the
 * caller's next transaction works. */
static PGresult *
query (MadoPgStore *self, const char *sql, const Params *params, const char *what, GError **error)
{
  gboolean retry = self->depth == 0 && !self->reconnecting
                   && (PQstatus (self->conn) == CONNECTION_BAD
                       || PQtransactionStatus (self->conn) == PQTRANS_IDLE);
  PGresult *result = NULL;

  if (self->depth > 0 && !self->reconnecting && (self->begin_pending || self->deferred->len > 0))
    return flush (self, sql, params, what, FALSE, &result, error) ? result : NULL;
  result = exec_params (self, sql, params);
  if (result_ok (result))
    return result;
  if (!connection_lost (self, result))
    {
      db_error (self, result, what, error);
      PQclear (result);
      return NULL;
    }
  PQclear (result);
  if (!retry)
    return lost_error (what, error), NULL;
  if (!reconnect (self, error))
    return NULL;
  result = exec_params (self, sql, params);
  if (result_ok (result))
    return result;
  if (connection_lost (self, result))
    lost_error (what, error);
  else
    db_error (self, result, what, error);
  PQclear (result);
  return NULL;
}

static gboolean
exec (MadoPgStore *self, const char *sql, const Params *params, const char *what, GError **error)
{
  g_autoptr (PGresult) result = query (self, sql, params, what, error);
  return result != NULL;
}

static const char *
value (const PGresult *result, int row, int column)
{
  return PQgetisnull (result, row, column) ? NULL : PQgetvalue (result, row, column);
}

static gint64
value_int (const PGresult *result, int row, int column)
{
  return g_ascii_strtoll (PQgetvalue (result, row, column), NULL, 10);
}

/* Takes the connection (a lost one is re-established by query(), at the first statement made
 * outside a transaction). */
static void
lock (MadoPgStore *self)
{
  g_rec_mutex_lock (&self->lock);
}

static void
unlock (MadoPgStore *self)
{
  g_rec_mutex_unlock (&self->lock);
}

/* Write transactions: tx_begin() locks and, outermost, begins — the BEGIN goes with the first
 * statement (flush); tx_end() commits (or rolls back when @ok is FALSE or a nested step failed)
 * and unlocks. @error is set by tx_end() only when @ok was TRUE and the commit failed. */
static gboolean
tx_begin (MadoPgStore *self, GError **error)
{
  (void)error; /* the BEGIN's failure is its first statement's */
  lock (self);
  if (self->depth == 0)
    {
      self->begin_pending = TRUE;
      self->failed = FALSE;
    }
  self->depth++;
  return TRUE;
}

/* The outermost COMMIT, with the deferred writes in its pipeline. A transaction that sent
 * nothing has nothing to commit; one that only deferred writes sends its BEGIN with them first
 * (so a connection found lost then is simply re-established), then the COMMIT. */
static gboolean
tx_commit (MadoPgStore *self, GError **error)
{
  if (self->begin_pending && self->deferred->len == 0)
    {
      self->begin_pending = FALSE;
      return TRUE;
    }
  if (self->begin_pending && !flush (self, NULL, NULL, NULL, FALSE, NULL, error))
    return FALSE;
  if (self->deferred->len == 0)
    return exec (self, "COMMIT", NULL, "COMMIT", error);
  return flush (self, NULL, NULL, NULL, TRUE, NULL, error);
}

static gboolean
tx_end (MadoPgStore *self, gboolean ok, GError **error)
{
  self->depth--;
  if (!ok)
    self->failed = TRUE;
  if (self->depth == 0)
    {
      if (ok && self->failed)
        {
          if (connection_lost (self, NULL))
            lost_error ("a step of the transaction", error);
          else
            g_set_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_DATABASE,
                         "a step of the transaction failed: rolled back");
          ok = FALSE;
        }
      if (ok && !tx_commit (self, error))
        ok = FALSE;
      g_ptr_array_set_size (self->deferred, 0); /* rolled back: never sent */
      self->begin_pending = FALSE;
      if (!ok && !connection_lost (self, NULL) && PQtransactionStatus (self->conn) != PQTRANS_IDLE)
        PQclear (PQexec (self->conn, "ROLLBACK"));
      self->failed = FALSE;
      /* The server rolled the transaction back with the connection: a new one now, so the next
       * transaction works (if the server is still away, the next statement tries again). */
      if (!ok && connection_lost (self, NULL))
        reconnect (self, NULL);
    }
  unlock (self);
  return ok;
}

/* ---- open and migrate ------------------------------------------------------------------- */

static gboolean
migrate_locked (MadoPgStore *self, GError **error)
{
  g_autoptr (PGresult) result = NULL;
  gint64 version = 0;

  /* Two processes starting together: the second waits here, then sees the new version. */
  if (!exec (self, "SELECT pg_advisory_xact_lock (" MIGRATION_LOCK_KEY ")", NULL,
             "locking the schema", error))
    return FALSE;
  if (!exec (self, "CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)", NULL,
             "creating schema_version", error))
    return FALSE;
  result = query (self, "SELECT max(version) FROM schema_version", NULL,
                  "reading the schema version", error);
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) > 0 && !PQgetisnull (result, 0, 0))
    version = value_int (result, 0, 0);
  g_clear_pointer (&result, PQclear);

  if (version > (gint64)MADO_PG_SCHEMA_VERSION || version < 0)
    {
      g_set_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_SCHEMA_TOO_NEW,
                   "the database schema is version %" G_GINT64_FORMAT
                   ", newer than this build knows (%u): refusing to open it; run the newer "
                   "Madoguchi or restore a backup",
                   version, MADO_PG_SCHEMA_VERSION);
      return FALSE;
    }
  for (gint64 v = version + 1; v <= (gint64)MADO_PG_SCHEMA_VERSION; v++)
    {
      /* Several statements: the simple query protocol, inside the open transaction. */
      PGresult *step = PQexec (self->conn, migrations[v]);
      if (PQresultStatus (step) != PGRES_COMMAND_OK && PQresultStatus (step) != PGRES_TUPLES_OK)
        {
          const char *message = PQresultErrorField (step, PG_DIAG_MESSAGE_PRIMARY);
          g_set_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_MIGRATION,
                       "migration %" G_GINT64_FORMAT " failed: %s", v,
                       message ? message : "no result");
          PQclear (step);
          return FALSE;
        }
      PQclear (step);
    }
  if (version < (gint64)MADO_PG_SCHEMA_VERSION)
    {
      Params p = { 0 };
      p_int (&p, MADO_PG_SCHEMA_VERSION);
      if (!exec (self, "DELETE FROM schema_version", NULL, "writing the schema version", error)
          || !exec (self, "INSERT INTO schema_version (version) VALUES ($1)", &p,
                    "writing the schema version", error))
        return FALSE;
    }
  self->schema_version = MADO_PG_SCHEMA_VERSION;
  return TRUE;
}

static gboolean
configure (MadoPgStore *self, GError **error)
{
  g_autoptr (PGresult) result = NULL;
  g_autofree char *sql = NULL;
  const char *encoding;

  if (PQsetClientEncoding (self->conn, "UTF8") != 0)
    {
      g_set_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_OPEN,
                   "the server refused the UTF8 client encoding");
      return FALSE;
    }
  /* The JSON is TEXT: a non-UTF8 database would not keep every character the model allows. */
  result = query (self, "SHOW server_encoding", NULL, "reading the server encoding", error);
  if (result == NULL)
    return FALSE;
  encoding = PQntuples (result) > 0 ? value (result, 0, 0) : NULL;
  if (encoding == NULL || g_ascii_strcasecmp (encoding, "UTF8") != 0)
    {
      g_set_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_OPEN,
                   "the database encoding is %s, not UTF8", encoding ? encoding : "unknown");
      return FALSE;
    }
  sql = g_strdup_printf ("SET lock_timeout = %d", MADO_PG_LOCK_TIMEOUT_MS);
  return exec (self, sql, NULL, "setting the lock timeout", error);
}

static void
notice_quiet (void *arg, const char *message)
{
  /* "relation already exists, skipping" and the like: not for the registry's stderr. */
}

MadoPgStore *
mado_pg_store_new (const char *conninfo, GError **error)
{
  g_autoptr (MadoPgStore) self = g_object_new (MADO_TYPE_PG_STORE, NULL);
  g_autoptr (PQconninfoOption) options = NULL;
  char *parse_error = NULL;
  gboolean ok;

  g_return_val_if_fail (conninfo != NULL, NULL);

  /* Checked first so a malformed DSN is DSN, not OPEN; libpq's message is not repeated (it may
   * quote the string, and the string may hold a password). */
  options = PQconninfoParse (conninfo, &parse_error);
  if (options == NULL)
    {
      PQfreemem (parse_error);
      g_set_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_DSN,
                   "the PostgreSQL DSN is malformed (see libpq's connection URIs)");
      return NULL;
    }
  self->conn = PQconnectdb (conninfo);
  if (self->conn == NULL || PQstatus (self->conn) != CONNECTION_OK)
    {
      /* libpq's message names the host or socket and the server's reason, never the
       * password; only its first line is kept. */
      g_autofree char *message = g_strdup (self->conn ? PQerrorMessage (self->conn) : "no memory");
      char *newline = strchr (message, '\n');
      if (newline != NULL)
        *newline = '\0';
      g_set_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_OPEN,
                   "cannot connect to the database: %s", message);
      return NULL;
    }
  PQsetNoticeProcessor (self->conn, notice_quiet, NULL);
  if (!configure (self, error))
    return NULL;
  /* One transaction, so a failing migration leaves nothing of itself (PostgreSQL's DDL is
   * transactional). */
  if (!tx_begin (self, error))
    return NULL;
  ok = migrate_locked (self, error);
  if (!tx_end (self, ok, error))
    return NULL;
  return g_steal_pointer (&self);
}

guint64
mado_pg_store_get_round_trips (MadoPgStore *self)
{
  guint64 n;

  g_return_val_if_fail (MADO_IS_PG_STORE (self), 0);
  lock (self);
  n = self->round_trips;
  unlock (self);
  return n;
}

static guint
pg_get_schema_version (MadoRegistryStore *store)
{
  return MADO_PG_STORE (store)->schema_version;
}

static gboolean
pg_run_in_transaction (MadoRegistryStore *store, MadoRegistryStoreTxFunc func, gpointer user_data,
                       GError **error)
{
  MadoPgStore *self = MADO_PG_STORE (store);
  gboolean ok;

  if (!tx_begin (self, error))
    return FALSE;
  ok = func (store, user_data, error);
  return tx_end (self, ok, error);
}

/* The first column of the row @sql selects with @key as $1 (new); NULL and NOT_FOUND (@what)
 * when there is none. @doing names the read in an error. */
static char *
text_by_key (MadoPgStore *self, const char *sql, const char *key, const char *doing,
             const char *what, GError **error)
{
  g_autoptr (PGresult) result = NULL;
  Params p = { 0 };

  p_text (&p, key);
  lock (self);
  result = query (self, sql, &p, doing, error);
  unlock (self);
  if (result == NULL)
    return NULL;
  if (PQntuples (result) == 0)
    return mado_store_not_found (what, error), NULL;
  return g_strdup (value (result, 0, 0));
}

/* ---- persons and history ---------------------------------------------------------------- */

static guint
record_change_locked (MadoPgStore *self, const MadoHistoryEntry *entry, GError **error)
{
  g_autoptr (PGresult) result = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (MadoHistoryEntry) checked = NULL;
  g_autofree char *entry_json = NULL;
  g_autofree char *person_json = NULL;
  JsonObject *object;
  JsonObject *person;
  gint64 current = 0;
  guint next;
  Params p = { 0 };

  if (entry->atena_number == NULL)
    return mado_store_invalid ("atena_number: missing", error), 0;
  /* The row lock orders two changes of one person from any process. */
  p_text (&p, entry->atena_number);
  result = query (self, "SELECT history_number FROM persons WHERE atena_number = $1 FOR UPDATE", &p,
                  "reading the person", error);
  if (result == NULL)
    return 0;
  if (PQntuples (result) > 0)
    current = value_int (result, 0, 0);
  g_clear_pointer (&result, PQclear);
  if (current >= G_MAXINT32)
    return mado_store_invalid ("history_number: the history is full", error), 0;
  next = (guint)current + 1;

  /* Through the JSON form once: the store's number in, the model's strict check, the texts. */
  checked = mado_store_entry_check (entry, next, &node, &entry_json, &person_json, error);
  if (checked == NULL)
    return 0;
  object = json_node_get_object (node);
  person = json_object_get_object_member (object, "person");

  p = (Params){ 0 };
  p_text (&p, checked->atena_number);
  p_text (&p, checked->person->household_number);
  p_text (&p, mado_store_json_text (person, "status"));
  p_int (&p, checked->person->head ? 1 : 0);
  p_text (&p, checked->person->juminhyo_code);
  p_int (&p, next);
  p_text (&p, person_json);
  if (!exec (self,
             "INSERT INTO persons (atena_number, household_number, status, head, "
             "juminhyo_code, history_number, person_json) VALUES ($1, $2, $3, $4, $5, $6, $7) "
             "ON CONFLICT (atena_number) DO UPDATE SET "
             "household_number = EXCLUDED.household_number, status = EXCLUDED.status, "
             "head = EXCLUDED.head, juminhyo_code = EXCLUDED.juminhyo_code, "
             "history_number = EXCLUDED.history_number, person_json = EXCLUDED.person_json",
             &p, "writing the person", error))
    return 0;

  p = (Params){ 0 };
  p_text (&p, checked->atena_number);
  p_int (&p, next);
  p_text (&p, mado_store_json_text (object, "reason"));
  p_text (&p, mado_store_json_text (object, "moved_on"));
  p_text (&p, mado_store_json_text (object, "notified_on"));
  p_text (&p, mado_store_json_text (object, "processed_on"));
  p_text (&p, entry_json);
  if (!exec (self,
             "INSERT INTO person_history (atena_number, history_number, reason, moved_on, "
             "notified_on, processed_on, entry_json) VALUES ($1, $2, $3, $4, $5, $6, $7)",
             &p, "writing the history", error))
    return 0;
  return next;
}

static guint
pg_record_change (MadoRegistryStore *store, const MadoHistoryEntry *entry, GError **error)
{
  MadoPgStore *self = MADO_PG_STORE (store);
  guint number;

  if (!tx_begin (self, error))
    return 0;
  number = record_change_locked (self, entry, error);
  return tx_end (self, number != 0, error) ? number : 0;
}

/* The current person_json (NULL and NOT_FOUND when none); the caller holds the lock. */
static char *
person_json_locked (MadoPgStore *self, const char *atena_number, gboolean for_share, GError **error)
{
  g_autoptr (PGresult) result = NULL;
  Params p = { 0 };

  p_text (&p, atena_number);
  result = query (self,
                  for_share ? "SELECT person_json FROM persons WHERE atena_number = $1 FOR SHARE"
                            : "SELECT person_json FROM persons WHERE atena_number = $1",
                  &p, "reading the person", error);
  if (result == NULL)
    return NULL;
  if (PQntuples (result) == 0)
    return mado_store_not_found ("person", error), NULL;
  return g_strdup (value (result, 0, 0));
}

static MadoPerson *
pg_get_person (MadoRegistryStore *store, const char *atena_number, GError **error)
{
  MadoPgStore *self = MADO_PG_STORE (store);
  g_autofree char *json = NULL;

  lock (self);
  json = person_json_locked (self, atena_number, FALSE, error);
  unlock (self);
  if (json == NULL)
    return NULL;
  return mado_store_person_from_json_text (json, error);
}

static gboolean
pg_foreach_person (MadoRegistryStore *store, MadoRegistryStorePersonFunc func, gpointer user_data,
                   GError **error)
{
  MadoPgStore *self = MADO_PG_STORE (store);
  g_autofree char *after = NULL;

  /* Keyset pages by the primary key: each page one statement (a read made outside a transaction
   * survives a server restart, query()), the lock held for the page only, no long transaction
   * holding back vacuum. */
  for (;;)
    {
      g_autoptr (PGresult) result = NULL;
      int rows;
      Params p = { 0 };

      if (after != NULL)
        p_text (&p, after);
      p_int (&p, MADO_REGISTRY_STORE_PERSON_PAGE);
      lock (self);
      result = query (self,
                      after != NULL ? "SELECT atena_number, person_json FROM persons "
                                      "WHERE atena_number > $1 ORDER BY atena_number LIMIT $2"
                                    : "SELECT atena_number, person_json FROM persons "
                                      "ORDER BY atena_number LIMIT $1",
                      &p, "reading the persons", error);
      unlock (self);
      if (result == NULL)
        return FALSE;
      rows = PQntuples (result);
      for (int row = 0; row < rows; row++)
        {
          g_autoptr (MadoPerson) person
              = mado_store_person_from_json_text (value (result, row, 1), error);
          if (person == NULL || !func (person, user_data, error))
            return FALSE;
        }
      if (rows < MADO_REGISTRY_STORE_PERSON_PAGE)
        return TRUE;
      g_free (after);
      after = g_strdup (value (result, rows - 1, 0));
    }
}

static GPtrArray *
pg_list_history (MadoRegistryStore *store, const char *atena_number, GError **error)
{
  MadoPgStore *self = MADO_PG_STORE (store);
  g_autoptr (GPtrArray) entries
      = g_ptr_array_new_with_free_func ((GDestroyNotify)mado_history_entry_free);
  g_autoptr (PGresult) result = NULL;
  Params p = { 0 };

  p_text (&p, atena_number);
  lock (self);
  result = query (self,
                  "SELECT entry_json FROM person_history WHERE atena_number = $1 "
                  "ORDER BY history_number",
                  &p, "reading the history", error);
  unlock (self);
  if (result == NULL)
    return NULL;
  for (int row = 0; row < PQntuples (result); row++)
    {
      MadoHistoryEntry *entry
          = mado_history_entry_new_from_data (value (result, row, 0), -1, error);
      if (entry == NULL)
        return NULL;
      g_clear_pointer (&entry->person->kojin_bango, g_free);
      g_ptr_array_add (entries, entry);
    }
  return g_steal_pointer (&entries);
}

static gboolean
read_kojin_bango_locked (MadoPgStore *self, const char *atena_number, const char *who,
                         const char *why, gint64 at, char **kojin_bango, GError **error)
{
  g_autofree char *json = person_json_locked (self, atena_number, TRUE, error);
  g_autoptr (MadoPerson) person = NULL;
  Params p = { 0 };

  if (json == NULL)
    return FALSE;
  person = mado_person_new_from_data (json, -1, error);
  if (person == NULL)
    return FALSE;
  p_int (&p, at);
  p_text (&p, who);
  p_text (&p, why);
  p_text (&p, atena_number);
  if (!exec (self, "INSERT INTO access_log (at, who, why, atena_number) VALUES ($1, $2, $3, $4)",
             &p, "writing the access log", error))
    return FALSE;
  *kojin_bango = g_steal_pointer (&person->kojin_bango);
  return TRUE;
}

static gboolean
pg_read_kojin_bango (MadoRegistryStore *store, const char *atena_number, const char *who,
                     const char *why, gint64 at, char **kojin_bango, GError **error)
{
  MadoPgStore *self = MADO_PG_STORE (store);
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
pg_list_access (MadoRegistryStore *store, const char *atena_number, GError **error)
{
  MadoPgStore *self = MADO_PG_STORE (store);
  g_autoptr (GPtrArray) records
      = g_ptr_array_new_with_free_func ((GDestroyNotify)mado_access_record_free);
  g_autoptr (PGresult) result = NULL;
  Params p = { 0 };

  p_text (&p, atena_number);
  lock (self);
  result = query (self,
                  "SELECT id, at, who, why, atena_number FROM access_log "
                  "WHERE atena_number = $1 ORDER BY id",
                  &p, "reading the access log", error);
  unlock (self);
  if (result == NULL)
    return NULL;
  for (int row = 0; row < PQntuples (result); row++)
    {
      MadoAccessRecord *record = g_new0 (MadoAccessRecord, 1);
      record->id = value_int (result, row, 0);
      record->at = value_int (result, row, 1);
      record->who = g_strdup (value (result, row, 2));
      record->why = g_strdup (value (result, row, 3));
      record->atena_number = g_strdup (value (result, row, 4));
      g_ptr_array_add (records, record);
    }
  return g_steal_pointer (&records);
}

/* ---- households ------------------------------------------------------------------------- */

static gboolean
pg_put_household (MadoRegistryStore *store, const MadoHousehold *household, GError **error)
{
  MadoPgStore *self = MADO_PG_STORE (store);
  g_autofree char *address_json = NULL;
  Params p = { 0 };
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

  p_text (&p, household->household_number);
  p_text (&p, address_json);
  if (!tx_begin (self, error))
    return FALSE;
  ok = exec (self,
             "INSERT INTO households (household_number, address_json) VALUES ($1, $2) "
             "ON CONFLICT (household_number) DO UPDATE SET address_json = "
             "EXCLUDED.address_json",
             &p, "writing the household", error);
  return tx_end (self, ok, error);
}

static MadoHousehold *
get_household_locked (MadoPgStore *self, const char *household_number, GError **error)
{
  g_autoptr (MadoHousehold) household = mado_household_new ();
  g_autoptr (PGresult) result = NULL;
  Params p = { 0 };

  p_text (&p, household_number);
  result = query (self, "SELECT address_json FROM households WHERE household_number = $1", &p,
                  "reading the household", error);
  if (result == NULL)
    return NULL;
  if (PQntuples (result) == 0)
    return mado_store_not_found ("household", error), NULL;
  household->household_number = g_strdup (household_number);
  household->address = mado_address_new_from_data (value (result, 0, 0), -1, error);
  if (household->address == NULL)
    return NULL;
  g_clear_pointer (&result, PQclear);

  /* Arrays of model objects are freed by the model, element by element. */
  household->members = g_ptr_array_new ();
  result = query (self,
                  "SELECT person_json FROM persons WHERE household_number = $1 "
                  "AND status = 'resident' ORDER BY head DESC, recorded",
                  &p, "reading the members", error);
  if (result == NULL)
    return NULL;
  for (int row = 0; row < PQntuples (result); row++)
    {
      MadoPerson *person = mado_store_person_from_json_text (value (result, row, 0), error);
      if (person == NULL)
        return NULL;
      g_ptr_array_add (household->members, person);
    }
  return g_steal_pointer (&household);
}

static MadoHousehold *
pg_get_household (MadoRegistryStore *store, const char *household_number, GError **error)
{
  MadoPgStore *self = MADO_PG_STORE (store);
  MadoHousehold *household;
  gboolean own;

  /* Two statements: outside a transaction, one read-only snapshot, so a concurrent change is
   * seen whole or not at all. Inside one, a NOT_FOUND does not spoil the caller's transaction. */
  lock (self);
  own = self->depth == 0;
  if (own && !exec (self, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", NULL, "BEGIN", error))
    {
      unlock (self);
      return NULL;
    }
  household = get_household_locked (self, household_number, error);
  if (own)
    PQclear (PQexec (self->conn, "COMMIT"));
  unlock (self);
  return household;
}

/* ---- issuance blocks -------------------------------------------------------------------- */

static gboolean
pg_put_block (MadoRegistryStore *store, const MadoIssuanceBlock *block, GError **error)
{
  MadoPgStore *self = MADO_PG_STORE (store);
  g_autofree char *json = NULL;
  Params p = { 0 };
  gboolean ok;

  if (!mado_issuance_block_validate (block, error))
    return FALSE;
  json = mado_issuance_block_to_data (block, NULL);
  p_text (&p, block->block_id);
  p_text (&p, block->atena_number);
  p_text (&p, block->household_number);
  p_text (&p, json);
  if (!tx_begin (self, error))
    return FALSE;
  ok = exec (self,
             "INSERT INTO issuance_blocks (block_id, atena_number, household_number, "
             "block_json) VALUES ($1, $2, $3, $4) ON CONFLICT (block_id) DO UPDATE SET "
             "atena_number = EXCLUDED.atena_number, household_number = "
             "EXCLUDED.household_number, block_json = EXCLUDED.block_json",
             &p, "writing the block", error);
  return tx_end (self, ok, error);
}

static GPtrArray *
pg_list_blocks (MadoRegistryStore *store, const char *atena_number, const char *household_number,
                GError **error)
{
  MadoPgStore *self = MADO_PG_STORE (store);
  g_autoptr (GPtrArray) blocks
      = g_ptr_array_new_with_free_func ((GDestroyNotify)mado_issuance_block_free);
  g_autoptr (PGresult) result = NULL;
  Params p = { 0 };

  p_text (&p, atena_number);
  p_text (&p, household_number);
  lock (self);
  result = query (self,
                  "SELECT block_json FROM issuance_blocks WHERE "
                  "($1::text IS NOT NULL AND atena_number = $1) OR "
                  "($2::text IS NOT NULL AND household_number = $2) ORDER BY block_id",
                  &p, "reading the blocks", error);
  unlock (self);
  if (result == NULL)
    return NULL;
  for (int row = 0; row < PQntuples (result); row++)
    {
      MadoIssuanceBlock *block
          = mado_issuance_block_new_from_data (value (result, row, 0), -1, error);
      if (block == NULL)
        return NULL;
      g_ptr_array_add (blocks, block);
    }
  return g_steal_pointer (&blocks);
}

/* ---- card links ------------------------------------------------------------------------- */

static gboolean
link_card_locked (MadoPgStore *self, GBytes *key_identifier, GBytes *magnitude,
                  const char *atena_number, gint64 at, GError **error)
{
  g_autoptr (PGresult) result = NULL;
  g_autofree char *hash = NULL;
  gboolean linked;
  Params p = { 0 };

  /* The person (FOR SHARE) and the certificate's link (FOR UPDATE), in one round trip. */
  p_bytes (&p, key_identifier);
  p_bytes (&p, magnitude);
  p_text (&p, atena_number);
  result = query (self,
                  "SELECT (SELECT 1 FROM persons WHERE atena_number = $3 FOR SHARE), "
                  "(SELECT atena_number FROM card_links WHERE key_identifier = $1 AND serial = $2 "
                  "FOR UPDATE)",
                  &p, "reading the card link", error);
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) != 1 || PQgetisnull (result, 0, 0))
    return mado_store_not_found ("person", error);
  linked = !PQgetisnull (result, 0, 1);
  if (linked && g_strcmp0 (value (result, 0, 1), atena_number) != 0)
    {
      g_set_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_CONFLICT,
                   "the certificate is already linked to another person");
      return FALSE;
    }

  p = (Params){ 0 };
  p_bytes (&p, key_identifier);
  p_bytes (&p, magnitude);
  if (linked)
    {
      /* The same certificate again: only the time changes. */
      p_int (&p, at);
      return exec (self,
                   "UPDATE card_links SET linked_at = $3 WHERE key_identifier = $1 AND serial = $2",
                   &p, "writing the card link", error);
    }

  /* A new link; a renewed certificate replaces the person's old link (its row). */
  hash = mado_card_link_hash_parts (key_identifier, magnitude);
  p_text (&p, hash);
  p_text (&p, atena_number);
  p_int (&p, at);
  return exec (self,
               "INSERT INTO card_links (key_identifier, serial, link_hash, atena_number, "
               "linked_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (atena_number) DO UPDATE SET "
               "key_identifier = EXCLUDED.key_identifier, serial = EXCLUDED.serial, "
               "link_hash = EXCLUDED.link_hash, linked_at = EXCLUDED.linked_at",
               &p, "writing the card link", error);
}

static gboolean
pg_link_card (MadoRegistryStore *store, GBytes *key_identifier, GBytes *serial,
              const char *atena_number, gint64 at, GError **error)
{
  MadoPgStore *self = MADO_PG_STORE (store);
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
pg_find_card_link (MadoRegistryStore *store, GBytes *key_identifier, GBytes *serial, GError **error)
{
  MadoPgStore *self = MADO_PG_STORE (store);
  g_autoptr (GBytes) magnitude = mado_card_link_magnitude (serial);
  g_autoptr (PGresult) result = NULL;
  Params p = { 0 };

  p_bytes (&p, key_identifier);
  p_bytes (&p, magnitude);
  lock (self);
  result = query (self,
                  "SELECT atena_number FROM card_links WHERE key_identifier = $1 AND serial = $2",
                  &p, "reading the card link", error);
  unlock (self);
  if (result == NULL)
    return NULL;
  if (PQntuples (result) == 0)
    return mado_store_not_found ("card link", error), NULL;
  return g_strdup (value (result, 0, 0));
}

static char *
pg_find_card_link_by_hash (MadoRegistryStore *store, const char *link_hash, GError **error)
{
  return text_by_key (MADO_PG_STORE (store),
                      "SELECT atena_number FROM card_links WHERE link_hash = $1", link_hash,
                      "reading the card link", "card link", error);
}

/* ---- queue tickets ---------------------------------------------------------------------- */

static gboolean
pg_set_ticket_range (MadoRegistryStore *store, const char *category, guint first, guint last,
                     GError **error)
{
  MadoPgStore *self = MADO_PG_STORE (store);
  Params p = { 0 };
  gboolean ok;

  if (!mado_store_category_is_valid (category))
    return mado_store_invalid ("category: not one letter A–Z", error);
  if (first < 1 || first > last || last > 9999)
    return mado_store_invalid ("range: not 1 ≤ first ≤ last ≤ 9999", error);
  p_text (&p, category);
  p_int (&p, first);
  p_int (&p, last);
  if (!tx_begin (self, error))
    return FALSE;
  ok = exec (self,
             "INSERT INTO ticket_ranges (category, first_number, last_number) "
             "VALUES ($1, $2, $3) ON CONFLICT (category) DO UPDATE SET "
             "first_number = EXCLUDED.first_number, last_number = EXCLUDED.last_number",
             &p, "writing the ticket range", error);
  return tx_end (self, ok, error);
}

#define INSERT_TICKET_SQL                                                                          \
  "INSERT INTO tickets (ticket_id, day, category, number, status, ticket_json, issued_unix) "      \
  "VALUES ($1, $2, $3, $4, $5, $6, $7)"

/* Inserts a valid ticket with its number (CONFLICT when the id or the number is taken). When
 * @deferred, the row goes with the transaction's next statement or its COMMIT, and a conflict
 * fails that. */
static gboolean
insert_ticket (MadoPgStore *self, const MadoQueueTicket *ticket, const char *day, gboolean deferred,
               GError **error)
{
  g_autoptr (JsonNode) node = mado_queue_ticket_to_json (ticket);
  g_autofree char *json = json_to_string (node, FALSE); /* mado_queue_ticket_to_data's text */
  gint64 issued_unix;
  Params p = { 0 };

  if (!mado_store_ticket_issued_unix (ticket, &issued_unix, error))
    return FALSE;
  p_text (&p, ticket->ticket_id);
  p_text (&p, day);
  p_text (&p, ticket->category);
  p_int (&p, ticket->number);
  p_text (&p, mado_store_json_text (json_node_get_object (node), "status"));
  p_text (&p, json);
  p_int (&p, issued_unix);
  if (deferred)
    return defer (self, INSERT_TICKET_SQL, &p, "writing the ticket", MADO_REGISTRY_ERROR_CONFLICT,
                  NULL, error);
  return exec (self, INSERT_TICKET_SQL, &p, "writing the ticket", error);
}

/* One statement numbers the ticket: the category's range (1–999 without a row) and the upsert of
 * the (day, category) row, which locks it, so writers in any process queue on it and each gets
 * the next number; it is released at COMMIT or ROLLBACK. The ticket's row is deferred: it goes
 * with the transaction's next statement or its COMMIT (with the API's idempotency record). */
static gboolean
issue_ticket_locked (MadoPgStore *self, MadoQueueTicket *ticket, const char *day, GError **error)
{
  g_autoptr (PGresult) result = NULL;
  gint64 last, number;
  Params p = { 0 };

  p_text (&p, day);
  p_text (&p, ticket->category);
  result = query (self,
                  "WITH r AS (SELECT coalesce (max (first_number), 1) AS first_number, "
                  "coalesce (max (last_number), 999) AS last_number "
                  "FROM ticket_ranges WHERE category = $2) "
                  "INSERT INTO ticket_counters (day, category, last_number) "
                  "SELECT $1, $2, first_number FROM r "
                  "ON CONFLICT (day, category) DO UPDATE SET last_number = "
                  "GREATEST (ticket_counters.last_number + 1, EXCLUDED.last_number) "
                  "RETURNING last_number, (SELECT last_number FROM r)",
                  &p, "numbering the ticket", error);
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) != 1)
    return mado_store_invalid ("no number", error);
  number = value_int (result, 0, 0);
  last = value_int (result, 0, 1);
  g_clear_pointer (&result, PQclear);
  if (number > last)
    {
      g_set_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_RANGE_EXHAUSTED,
                   "category %s has given every number of its range today", ticket->category);
      return FALSE;
    }

  ticket->number = (guint)number;
  if (!mado_queue_ticket_validate (ticket, error))
    return FALSE;
  return insert_ticket (self, ticket, day, TRUE, error);
}

static gboolean
pg_issue_ticket (MadoRegistryStore *store, MadoQueueTicket *ticket, GError **error)
{
  MadoPgStore *self = MADO_PG_STORE (store);
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
pg_get_ticket (MadoRegistryStore *store, const char *ticket_id, GError **error)
{
  g_autofree char *json
      = text_by_key (MADO_PG_STORE (store), "SELECT ticket_json FROM tickets WHERE ticket_id = $1",
                     ticket_id, "reading the ticket", "ticket", error);
  return json != NULL ? mado_queue_ticket_new_from_data (json, -1, error) : NULL;
}

static gboolean
update_ticket_locked (MadoPgStore *self, const MadoQueueTicket *ticket, const char *day,
                      GError **error)
{
  g_autoptr (PGresult) result = NULL;
  g_autoptr (JsonNode) node = mado_queue_ticket_to_json (ticket);
  g_autofree char *json = mado_queue_ticket_to_data (ticket, NULL);
  gint64 issued_unix;
  Params p = { 0 };

  if (!mado_store_ticket_issued_unix (ticket, &issued_unix, error))
    return FALSE;
  p_text (&p, ticket->ticket_id);
  result = query (self, "SELECT day, category, number FROM tickets WHERE ticket_id = $1 FOR UPDATE",
                  &p, "reading the ticket", error);
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) == 0)
    return mado_store_not_found ("ticket", error);
  if (g_strcmp0 (value (result, 0, 0), day) != 0
      || g_strcmp0 (value (result, 0, 1), ticket->category) != 0
      || value_int (result, 0, 2) != (gint64)ticket->number)
    {
      g_set_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_CONFLICT,
                   "a ticket's day, category and number never change");
      return FALSE;
    }
  p = (Params){ 0 };
  p_text (&p, ticket->ticket_id);
  p_text (&p, mado_store_json_text (json_node_get_object (node), "status"));
  p_text (&p, json);
  p_int (&p, issued_unix);
  return exec (self,
               "UPDATE tickets SET status = $2, ticket_json = $3, issued_unix = $4 "
               "WHERE ticket_id = $1",
               &p, "writing the ticket", error);
}

static gboolean
pg_update_ticket (MadoRegistryStore *store, const MadoQueueTicket *ticket, GError **error)
{
  MadoPgStore *self = MADO_PG_STORE (store);
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
write_issuance (MadoPgStore *self, const MadoIssuance *issuance, const char *status, gint64 serial,
                gboolean insert, GError **error)
{
  g_autoptr (JsonNode) node = status == NULL ? mado_issuance_to_json (issuance) : NULL;
  g_autofree char *json = mado_issuance_to_data (issuance, NULL);
  g_autofree char *day = mado_store_issuance_day (issuance);
  Params p = { 0 };

  p_text (&p, issuance->issue_number);
  p_text (&p,
          status != NULL ? status : mado_store_json_text (json_node_get_object (node), "status"));
  p_text (&p, issuance->requester);
  p_int (&p, issuance->fee);
  p_text (&p, json);
  p_text (&p, day);
  if (insert)
    p_int (&p, serial);
  return exec (self,
               insert ? "INSERT INTO issuances (issue_number, status, requester, fee, "
                        "issuance_json, reserved_day, serial) VALUES ($1, $2, $3, $4, $5, $6, $7)"
                      : "UPDATE issuances SET status = $2, requester = $3, fee = $4, "
                        "issuance_json = $5, reserved_day = $6 WHERE issue_number = $1",
               &p, "writing the issuance", error);
}

static gboolean
reserve_locked (MadoPgStore *self, const MadoIssuance *request, const char *prefix, GPtrArray *out,
                GError **error)
{
  /* The request as JSON once; each copy sets its number and is read back (validated) from it. */
  g_autoptr (JsonNode) node = mado_store_reservation_json (request);
  JsonObject *object = json_node_get_object (node);
  for (guint copy = 1; copy <= request->copies; copy++)
    {
      g_autoptr (PGresult) result = NULL;
      g_autofree char *number = NULL;
      MadoIssuance *issuance;
      gint64 serial;

      /* The row lock orders every registry process; the counter only goes up. */
      result = query (self,
                      "UPDATE counters SET value = value + 1 WHERE name = 'issue_number' "
                      "RETURNING value",
                      NULL, "numbering the issuance", error);
      if (result == NULL)
        return FALSE;
      if (PQntuples (result) != 1)
        return mado_store_invalid ("no issue counter", error);
      serial = value_int (result, 0, 0);
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
pg_reserve_issuances (MadoRegistryStore *store, const MadoIssuance *request, const char *prefix,
                      GError **error)
{
  MadoPgStore *self = MADO_PG_STORE (store);
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
issuance_locked (MadoPgStore *self, const char *issue_number, gboolean for_update, GError **error)
{
  g_autoptr (PGresult) result = NULL;
  Params p = { 0 };

  p_text (&p, issue_number);
  result
      = query (self,
               for_update ? "SELECT issuance_json FROM issuances WHERE issue_number = $1 FOR UPDATE"
                          : "SELECT issuance_json FROM issuances WHERE issue_number = $1",
               &p, "reading the issuance", error);
  if (result == NULL)
    return NULL;
  if (PQntuples (result) == 0)
    return mado_store_not_found ("issuance", error), NULL;
  return mado_issuance_new_from_data (value (result, 0, 0), -1, error);
}

static MadoIssuance *
pg_get_issuance (MadoRegistryStore *store, const char *issue_number, GError **error)
{
  MadoPgStore *self = MADO_PG_STORE (store);
  MadoIssuance *issuance;

  lock (self);
  issuance = issuance_locked (self, issue_number, FALSE, error);
  unlock (self);
  return issuance;
}

static GPtrArray *
pg_list_issuances (MadoRegistryStore *store, const char *day, GError **error)
{
  MadoPgStore *self = MADO_PG_STORE (store);
  g_autoptr (GPtrArray) issuances
      = g_ptr_array_new_with_free_func ((GDestroyNotify)mado_issuance_free);
  g_autoptr (PGresult) result = NULL;
  Params p = { 0 };

  if (day != NULL && !mado_store_day_is_valid (day))
    return mado_store_invalid ("day: not YYYY-MM-DD", error), NULL;
  if (day != NULL)
    p_text (&p, day);
  lock (self);
  result = query (self,
                  day != NULL ? "SELECT issuance_json FROM issuances WHERE reserved_day = $1 "
                                "ORDER BY serial"
                              : "SELECT issuance_json FROM issuances ORDER BY serial",
                  &p, "reading the issuances", error);
  unlock (self);
  if (result == NULL)
    return NULL;
  for (int row = 0; row < PQntuples (result); row++)
    {
      MadoIssuance *issuance = mado_issuance_new_from_data (value (result, row, 0), -1, error);
      if (issuance == NULL)
        return NULL;
      g_ptr_array_add (issuances, issuance);
    }
  return g_steal_pointer (&issuances);
}

static gboolean
finish_issuance (MadoPgStore *self, const char *issue_number, const char *at, MadoVoidReason reason,
                 GError **error)
{
  g_autoptr (MadoIssuance) issuance = NULL;
  gboolean ok;

  if (!tx_begin (self, error))
    return FALSE;
  issuance = issuance_locked (self, issue_number, TRUE, error);
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
pg_mark_printed (MadoRegistryStore *store, const char *issue_number, const char *at, GError **error)
{
  return finish_issuance (MADO_PG_STORE (store), issue_number, at, MADO_VOID_REASON_NONE, error);
}

static gboolean
pg_void_issuance (MadoRegistryStore *store, const char *issue_number, const char *at,
                  MadoVoidReason reason, GError **error)
{
  if (reason == MADO_VOID_REASON_NONE)
    return mado_store_invalid ("void_reason: missing", error);
  return finish_issuance (MADO_PG_STORE (store), issue_number, at, reason, error);
}

/* ---- idempotency ------------------------------------------------------------------------ */

static gboolean
pg_put_idempotent (MadoRegistryStore *store, const char *scope, const char *key,
                   const char *request_digest, const char *response_json, gint64 created_at,
                   GError **error)
{
  MadoPgStore *self = MADO_PG_STORE (store);
  Params p = { 0 };
  gboolean ok;

  p_text (&p, scope);
  p_text (&p, key);
  p_text (&p, request_digest);
  p_text (&p, response_json);
  p_int (&p, created_at);
  if (!tx_begin (self, error))
    return FALSE;
  /* Deferred: the record goes with the COMMIT (the API's write is done by then), one round trip
   * for both. A key already stored is a unique violation, which fails the pipeline before its
   * COMMIT; a concurrent insert of the same key waits for the other to end, then fails so. */
  ok = defer (self,
              "INSERT INTO idempotency (scope, key, request_digest, response_json, created_at) "
              "VALUES ($1, $2, $3, $4, $5)",
              &p, "writing the idempotency record", MADO_REGISTRY_ERROR_IDEMPOTENCY_CONFLICT,
              "the idempotency key is already stored", error);
  return tx_end (self, ok, error);
}

static gboolean
pg_get_idempotent (MadoRegistryStore *store, const char *scope, const char *key,
                   MadoIdempotentRecord **record, GError **error)
{
  MadoPgStore *self = MADO_PG_STORE (store);
  g_autoptr (PGresult) result = NULL;
  Params p = { 0 };

  *record = NULL;
  p_text (&p, scope);
  p_text (&p, key);
  lock (self);
  result = query (self,
                  "SELECT request_digest, response_json, created_at FROM idempotency "
                  "WHERE scope = $1 AND key = $2",
                  &p, "reading the idempotency record", error);
  unlock (self);
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) > 0)
    {
      MadoIdempotentRecord *r = g_new0 (MadoIdempotentRecord, 1);
      r->scope = g_strdup (scope);
      r->key = g_strdup (key);
      r->request_digest = g_strdup (value (result, 0, 0));
      r->response_json = g_strdup (value (result, 0, 1));
      r->created_at = value_int (result, 0, 2);
      *record = r;
    }
  return TRUE;
}

static gboolean
pg_purge_idempotent (MadoRegistryStore *store, gint64 before, guint64 *purged, GError **error)
{
  MadoPgStore *self = MADO_PG_STORE (store);
  g_autoptr (PGresult) result = NULL;
  Params p = { 0 };
  gboolean ok;

  p_int (&p, before);
  if (!tx_begin (self, error))
    return FALSE;
  result = query (self, "DELETE FROM idempotency WHERE created_at < $1", &p,
                  "purging idempotency records", error);
  ok = result != NULL;
  if (ok && purged != NULL)
    *purged = g_ascii_strtoull (PQcmdTuples (result), NULL, 10);
  return tx_end (self, ok, error);
}

/* ---- terminals -------------------------------------------------------------------------- */

/* The rows a command changed (INSERT, UPDATE, DELETE). */
static gint64
affected (const PGresult *result)
{
  return g_ascii_strtoll (PQcmdTuples ((PGresult *)result), NULL, 10);
}

static gboolean
enrol_terminal_locked (MadoPgStore *self, const char *terminal_id, const char *kind,
                       const char *serial, gint64 not_after, gint64 at, GError **error)
{
  g_autoptr (PGresult) result = NULL;
  Params p = { 0 };

  /* A new terminal row, or nothing; then the row is locked: a revocation or a kind check of
   * another process waits until this enrolment ends. */
  p_text (&p, terminal_id);
  p_text (&p, kind);
  p_int (&p, at);
  if (!exec (self,
             "INSERT INTO terminals (terminal_id, kind, enrolled_at) VALUES ($1, $2, $3) "
             "ON CONFLICT (terminal_id) DO NOTHING",
             &p, "writing the terminal", error))
    return FALSE;
  p = (Params){ 0 };
  p_text (&p, terminal_id);
  result = query (self, "SELECT kind, revoked_at FROM terminals WHERE terminal_id = $1 FOR UPDATE",
                  &p, "reading the terminal", error);
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) == 0)
    return mado_store_not_found ("terminal", error);
  if (value_int (result, 0, 1) != 0)
    return mado_store_conflict ("the terminal is revoked: revocation is final for its id", error);
  if (g_strcmp0 (value (result, 0, 0), kind) != 0)
    return mado_store_conflict ("the terminal is enrolled as another kind", error);
  g_clear_pointer (&result, PQclear);

  p = (Params){ 0 };
  p_text (&p, serial);
  p_text (&p, terminal_id);
  p_int (&p, not_after);
  p_int (&p, at);
  result = query (self,
                  "INSERT INTO terminal_certificates (serial_hex, terminal_id, not_after, "
                  "enrolled_at) VALUES ($1, $2, $3, $4) ON CONFLICT (serial_hex) DO NOTHING",
                  &p, "writing the terminal certificate", error);
  if (result == NULL)
    return FALSE;
  if (affected (result) != 1)
    return mado_store_conflict ("the certificate serial is already enrolled", error);
  return TRUE;
}

static gboolean
pg_enrol_terminal (MadoRegistryStore *store, const char *terminal_id, const char *kind,
                   const char *serial_hex, gint64 not_after, gint64 at, GError **error)
{
  MadoPgStore *self = MADO_PG_STORE (store);
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
terminal_from_row (const PGresult *result, int row)
{
  MadoTerminalRecord *record = g_new0 (MadoTerminalRecord, 1);

  record->terminal_id = g_strdup (value (result, row, 0));
  record->kind = g_strdup (value (result, row, 1));
  record->serial_hex = g_strdup (value (result, row, 2));
  record->not_after = value_int (result, row, 3);
  record->enrolled_at = value_int (result, row, 4);
  record->revoked_at = value_int (result, row, 5);
  return record;
}

static MadoTerminalRecord *
pg_find_terminal_by_serial (MadoRegistryStore *store, const char *serial_hex, GError **error)
{
  MadoPgStore *self = MADO_PG_STORE (store);
  g_autofree char *serial = mado_store_serial_normalize (serial_hex, error);
  g_autoptr (PGresult) result = NULL;
  Params p = { 0 };

  if (serial == NULL)
    return NULL;
  p_text (&p, serial);
  lock (self);
  result = query (self,
                  "SELECT " TERMINAL_COLUMNS " FROM terminal_certificates c "
                  "JOIN terminals t ON t.terminal_id = c.terminal_id WHERE c.serial_hex = $1",
                  &p, "reading the terminal", error);
  unlock (self);
  if (result == NULL)
    return NULL;
  if (PQntuples (result) == 0)
    return mado_store_not_found ("terminal certificate", error), NULL;
  return terminal_from_row (result, 0);
}

static gboolean
revoke_terminal_locked (MadoPgStore *self, const char *terminal_id, gint64 at, GError **error)
{
  g_autoptr (PGresult) result = NULL;
  Params p = { 0 };

  p_text (&p, terminal_id);
  p_int (&p, at);
  result = query (self,
                  "UPDATE terminals SET revoked_at = $2 WHERE terminal_id = $1 AND revoked_at = 0",
                  &p, "revoking the terminal", error);
  if (result == NULL)
    return FALSE;
  if (affected (result) == 0)
    {
      Params q = { 0 };
      g_clear_pointer (&result, PQclear);
      p_text (&q, terminal_id);
      result = query (self, "SELECT 1 FROM terminals WHERE terminal_id = $1", &q,
                      "reading the terminal", error);
      if (result == NULL)
        return FALSE;
      if (PQntuples (result) == 0)
        return mado_store_not_found ("terminal", error);
    }
  return exec (self,
               "UPDATE terminal_certificates SET revoked_at = $2 "
               "WHERE terminal_id = $1 AND revoked_at = 0",
               &p, "revoking the terminal's certificates", error);
}

static gboolean
pg_revoke_terminal (MadoRegistryStore *store, const char *terminal_id, gint64 at, GError **error)
{
  MadoPgStore *self = MADO_PG_STORE (store);
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
pg_list_terminals (MadoRegistryStore *store, GError **error)
{
  MadoPgStore *self = MADO_PG_STORE (store);
  g_autoptr (GPtrArray) records
      = g_ptr_array_new_with_free_func ((GDestroyNotify)mado_terminal_record_free);
  g_autoptr (PGresult) result = NULL;

  lock (self);
  result = query (self,
                  "SELECT " TERMINAL_COLUMNS " FROM terminals t "
                  "JOIN terminal_certificates c ON c.id = (SELECT c2.id FROM "
                  "terminal_certificates c2 WHERE c2.terminal_id = t.terminal_id "
                  "ORDER BY c2.enrolled_at DESC, c2.id DESC LIMIT 1) ORDER BY t.terminal_id",
                  NULL, "reading the terminals", error);
  unlock (self);
  if (result == NULL)
    return NULL;
  for (int row = 0; row < PQntuples (result); row++)
    g_ptr_array_add (records, terminal_from_row (result, row));
  return g_steal_pointer (&records);
}

/* ---- operators -------------------------------------------------------------------------- */

static gboolean
pg_put_operator (MadoRegistryStore *store, const MadoOperatorRecord *op, GError **error)
{
  MadoPgStore *self = MADO_PG_STORE (store);
  Params p = { 0 };
  gboolean ok;

  if (!mado_store_check_operator (op, error))
    return FALSE;
  p_text (&p, op->login);
  p_text (&p, op->display_name);
  p_text (&p, mado_operator_role_to_string (op->role));
  p_text (&p, op->password_hash);
  p_int (&p, op->disabled ? 1 : 0);
  p_int (&p, op->created_at);
  if (!tx_begin (self, error))
    return FALSE;
  ok = exec (self,
             "INSERT INTO operators (login, display_name, role, password_hash, disabled, "
             "created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (login) DO UPDATE SET "
             "display_name = EXCLUDED.display_name, role = EXCLUDED.role, "
             "password_hash = EXCLUDED.password_hash, disabled = EXCLUDED.disabled, "
             "created_at = EXCLUDED.created_at",
             &p, "writing the operator", error);
  return tx_end (self, ok, error);
}

static MadoOperatorRecord *
pg_get_operator (MadoRegistryStore *store, const char *login, GError **error)
{
  MadoPgStore *self = MADO_PG_STORE (store);
  g_autoptr (PGresult) result = NULL;
  g_autoptr (MadoOperatorRecord) op = NULL;
  Params p = { 0 };

  p_text (&p, login);
  lock (self);
  result = query (self,
                  "SELECT display_name, role, password_hash, disabled, created_at FROM operators "
                  "WHERE login = $1",
                  &p, "reading the operator", error);
  unlock (self);
  if (result == NULL)
    return NULL;
  if (PQntuples (result) == 0)
    return mado_store_not_found ("operator", error), NULL;
  op = g_new0 (MadoOperatorRecord, 1);
  op->login = g_strdup (login);
  op->display_name = g_strdup (value (result, 0, 0));
  op->password_hash = g_strdup (value (result, 0, 2));
  op->disabled = value_int (result, 0, 3) != 0;
  op->created_at = value_int (result, 0, 4);
  if (!mado_operator_role_from_string (value (result, 0, 1), &op->role))
    {
      g_set_error_literal (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_DATABASE,
                           "reading the operator: unknown role stored");
      return NULL;
    }
  return g_steal_pointer (&op);
}

/* ---- sessions --------------------------------------------------------------------------- */

static gboolean
put_session_locked (MadoPgStore *self, const MadoSessionRecord *s, const char *token_hash,
                    const char *card_link, GError **error)
{
  Params p = { 0 };

  p_int (&p, s->created_at);
  if (!exec (self, "DELETE FROM sessions WHERE expires_at <= $1", &p, "purging expired sessions",
             error))
    return FALSE;
  p = (Params){ 0 };
  p_text (&p, token_hash);
  p_text (&p, s->kind);
  p_text (&p, s->subject);
  p_text (&p, s->terminal_id);
  p_text (&p, card_link);
  p_int (&p, s->created_at);
  p_int (&p, s->expires_at);
  return exec (self,
               "INSERT INTO sessions (token_hash, kind, subject, terminal_id, card_link, "
               "created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7) "
               "ON CONFLICT (token_hash) DO UPDATE SET kind = EXCLUDED.kind, "
               "subject = EXCLUDED.subject, terminal_id = EXCLUDED.terminal_id, "
               "card_link = EXCLUDED.card_link, created_at = EXCLUDED.created_at, "
               "expires_at = EXCLUDED.expires_at",
               &p, "writing the session", error);
}

static gboolean
pg_put_session (MadoRegistryStore *store, const MadoSessionRecord *s, GError **error)
{
  MadoPgStore *self = MADO_PG_STORE (store);
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
pg_get_session (MadoRegistryStore *store, const char *token_hash, gint64 now, GError **error)
{
  MadoPgStore *self = MADO_PG_STORE (store);
  g_autofree char *hash = mado_store_hex64_normalize (token_hash, "token_hash", error);
  g_autoptr (PGresult) result = NULL;
  MadoSessionRecord *session;
  Params p = { 0 };

  if (hash == NULL)
    return NULL;
  p_text (&p, hash);
  p_int (&p, now);
  lock (self);
  result = query (self,
                  "SELECT kind, subject, terminal_id, card_link, created_at, expires_at "
                  "FROM sessions WHERE token_hash = $1 AND expires_at > $2",
                  &p, "reading the session", error);
  unlock (self);
  if (result == NULL)
    return NULL;
  if (PQntuples (result) == 0)
    return mado_store_not_found ("session", error), NULL;
  session = g_new0 (MadoSessionRecord, 1);
  session->token_hash = g_steal_pointer (&hash);
  session->kind = g_strdup (value (result, 0, 0));
  session->subject = g_strdup (value (result, 0, 1));
  session->terminal_id = g_strdup (value (result, 0, 2));
  session->card_link = g_strdup (value (result, 0, 3));
  session->created_at = value_int (result, 0, 4);
  session->expires_at = value_int (result, 0, 5);
  return session;
}

static gboolean
pg_delete_session (MadoRegistryStore *store, const char *token_hash, GError **error)
{
  MadoPgStore *self = MADO_PG_STORE (store);
  g_autofree char *hash = mado_store_hex64_normalize (token_hash, "token_hash", error);
  Params p = { 0 };
  gboolean ok;

  if (hash == NULL)
    return FALSE;
  p_text (&p, hash);
  if (!tx_begin (self, error))
    return FALSE;
  ok = exec (self, "DELETE FROM sessions WHERE token_hash = $1", &p, "deleting the session", error);
  return tx_end (self, ok, error);
}

/* ---- challenge nonces ------------------------------------------------------------------- */

/* A nonce row stays this long after it expires: a late answer reads EXPIRED or USED. */
#define NONCE_TOMBSTONE_SECONDS 3600

static gboolean
pg_put_nonce (MadoRegistryStore *store, const guint8 *nonce, gint64 expires_at, GError **error)
{
  MadoPgStore *self = MADO_PG_STORE (store);
  g_autoptr (GBytes) bytes = g_bytes_new_static (nonce, MADO_NONCE_LENGTH);
  g_autoptr (PGresult) result = NULL;
  Params p = { 0 };
  gboolean ok;

  p_bytes (&p, bytes);
  p_int (&p, expires_at);
  if (!tx_begin (self, error))
    return FALSE;
  result = query (self,
                  "INSERT INTO nonces (nonce, expires_at) VALUES ($1, $2) "
                  "ON CONFLICT (nonce) DO NOTHING",
                  &p, "writing the nonce", error);
  ok = result != NULL;
  if (ok && affected (result) != 1)
    ok = mado_store_conflict ("the nonce is already stored", error);
  return tx_end (self, ok, error);
}

static gboolean
take_nonce_locked (MadoPgStore *self, GBytes *nonce, gint64 now, MadoNonceState *state,
                   GError **error)
{
  g_autoptr (PGresult) result = NULL;
  Params p = { 0 };

  p_int (&p, now - NONCE_TOMBSTONE_SECONDS);
  if (!exec (self, "DELETE FROM nonces WHERE expires_at < $1", &p, "purging nonces", error))
    return FALSE;

  /* The one statement that consumes: a second taker waits for the first's row lock, then
   * re-reads the row (used = 1) and changes nothing. */
  p = (Params){ 0 };
  p_bytes (&p, nonce);
  p_int (&p, now);
  result = query (self,
                  "UPDATE nonces SET used = 1 WHERE nonce = $1 AND used = 0 AND expires_at >= $2 "
                  "RETURNING 1",
                  &p, "taking the nonce", error);
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) == 1)
    {
      *state = MADO_NONCE_FRESH;
      return TRUE;
    }
  g_clear_pointer (&result, PQclear);
  p = (Params){ 0 };
  p_bytes (&p, nonce);
  result = query (self, "SELECT used FROM nonces WHERE nonce = $1", &p, "reading the nonce", error);
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) == 0)
    *state = MADO_NONCE_UNKNOWN;
  else
    *state = value_int (result, 0, 0) != 0 ? MADO_NONCE_USED : MADO_NONCE_EXPIRED;
  return TRUE;
}

static MadoNonceState
pg_take_nonce (MadoRegistryStore *store, const guint8 *nonce, gint64 now, GError **error)
{
  MadoPgStore *self = MADO_PG_STORE (store);
  g_autoptr (GBytes) bytes = g_bytes_new_static (nonce, MADO_NONCE_LENGTH);
  MadoNonceState state = MADO_NONCE_UNKNOWN;
  gboolean ok;

  if (!tx_begin (self, error))
    return MADO_NONCE_UNKNOWN;
  ok = take_nonce_locked (self, bytes, now, &state, error);
  if (!tx_end (self, ok, error))
    return MADO_NONCE_UNKNOWN;
  return state;
}

/* ---- move drafts ------------------------------------------------------------------------ */

static gboolean
pg_put_move_draft (MadoRegistryStore *store, const MadoMoveDraft *draft, GError **error)
{
  MadoPgStore *self = MADO_PG_STORE (store);
  g_autoptr (PGresult) result = NULL;
  g_autofree char *json = NULL;
  Params p = { 0 };
  gboolean ok;

  if (!mado_move_draft_validate (draft, error))
    return FALSE;
  json = mado_move_draft_to_data (draft, NULL);
  p_text (&p, draft->draft_id);
  p_text (&p, mado_move_status_to_string (draft->status));
  p_text (&p, json);
  if (!tx_begin (self, error))
    return FALSE;
  result = query (self,
                  "INSERT INTO move_drafts (draft_id, status, draft_json) VALUES ($1, $2, $3) "
                  "ON CONFLICT (draft_id) DO NOTHING",
                  &p, "writing the move draft", error);
  ok = result != NULL;
  if (ok && affected (result) != 1)
    ok = mado_store_conflict ("a move draft with that id is already stored", error);
  return tx_end (self, ok, error);
}

static MadoMoveDraft *
pg_get_move_draft (MadoRegistryStore *store, const char *draft_id, GError **error)
{
  g_autofree char *json = text_by_key (MADO_PG_STORE (store),
                                       "SELECT draft_json FROM move_drafts WHERE draft_id = $1",
                                       draft_id, "reading the move draft", "move draft", error);
  return json != NULL ? mado_move_draft_new_from_data (json, -1, error) : NULL;
}

static gboolean
update_move_draft_locked (MadoPgStore *self, const MadoMoveDraft *draft, const char *json,
                          MadoMoveStatus expected, GError **error)
{
  g_autoptr (PGresult) result = NULL;
  Params p = { 0 };

  /* Compare and set in one statement: a second clerk's UPDATE waits for the first's row lock,
   * re-reads the row and no longer matches its expected status. */
  p_text (&p, draft->draft_id);
  p_text (&p, mado_move_status_to_string (draft->status));
  p_text (&p, json);
  p_text (&p, mado_move_status_to_string (expected));
  result = query (self,
                  "UPDATE move_drafts SET status = $2, draft_json = $3 "
                  "WHERE draft_id = $1 AND status = $4",
                  &p, "writing the move draft", error);
  if (result == NULL)
    return FALSE;
  if (affected (result) == 1)
    return TRUE;
  g_clear_pointer (&result, PQclear);
  p = (Params){ 0 };
  p_text (&p, draft->draft_id);
  result = query (self, "SELECT 1 FROM move_drafts WHERE draft_id = $1", &p,
                  "reading the move draft", error);
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) == 0)
    return mado_store_not_found ("move draft", error);
  return mado_store_conflict ("the move draft's status changed since it was read", error);
}

static gboolean
pg_update_move_draft (MadoRegistryStore *store, const MadoMoveDraft *draft,
                      MadoMoveStatus expected_status, GError **error)
{
  MadoPgStore *self = MADO_PG_STORE (store);
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
pg_list_move_drafts (MadoRegistryStore *store, int status, guint limit, GError **error)
{
  MadoPgStore *self = MADO_PG_STORE (store);
  g_autoptr (GPtrArray) drafts
      = g_ptr_array_new_with_free_func ((GDestroyNotify)mado_move_draft_free);
  g_autoptr (PGresult) result = NULL;
  const char *name = mado_store_move_status_name (status);
  Params p = { 0 };

  if (status != -1 && name == NULL)
    return mado_store_invalid ("status: not -1 or a MadoMoveStatus", error), NULL;
  p_text (&p, name);
  if (limit == 0)
    p_text (&p, NULL); /* LIMIT NULL: no limit */
  else
    p_int (&p, limit);
  lock (self);
  result = query (self,
                  "SELECT draft_json FROM move_drafts WHERE ($1::text IS NULL OR status = $1) "
                  "ORDER BY id LIMIT $2::bigint",
                  &p, "reading the move drafts", error);
  unlock (self);
  if (result == NULL)
    return NULL;
  for (int row = 0; row < PQntuples (result); row++)
    {
      MadoMoveDraft *draft = mado_move_draft_new_from_data (value (result, row, 0), -1, error);
      if (draft == NULL)
        return NULL;
      g_ptr_array_add (drafts, draft);
    }
  return g_steal_pointer (&drafts);
}

/* ---- issuance digests ------------------------------------------------------------------- */

static gboolean
set_digest_locked (MadoPgStore *self, const char *issue_number, const char *digest,
                   const char *document_json, GError **error)
{
  g_autoptr (PGresult) result = NULL;
  const char *stored;
  Params p = { 0 };

  p_text (&p, issue_number);
  result = query (self, "SELECT digest_hex FROM issuances WHERE issue_number = $1 FOR UPDATE", &p,
                  "reading the issuance", error);
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) == 0)
    return mado_store_not_found ("issuance", error);
  stored = value (result, 0, 0);
  if (stored != NULL)
    return g_str_equal (stored, digest)
               ? TRUE
               : mado_store_conflict ("the issuance already has another document digest", error);
  p_text (&p, digest);
  p_text (&p, document_json);
  return exec (self,
               "UPDATE issuances SET digest_hex = $2, document_json = $3 WHERE issue_number = $1",
               &p, "writing the document digest", error);
}

static gboolean
pg_set_issuance_document (MadoRegistryStore *store, const char *issue_number,
                          const char *digest_hex, const char *document_json, GError **error)
{
  MadoPgStore *self = MADO_PG_STORE (store);
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
pg_get_issuance_document (MadoRegistryStore *store, const char *issue_number, char **digest_hex,
                          char **document_json, GError **error)
{
  MadoPgStore *self = MADO_PG_STORE (store);
  g_autoptr (PGresult) result = NULL;
  Params p = { 0 };

  p_text (&p, issue_number);
  lock (self);
  result = query (self, "SELECT digest_hex, document_json FROM issuances WHERE issue_number = $1",
                  &p, "reading the issuance", error);
  unlock (self);
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) == 0)
    return mado_store_not_found ("issuance", error);
  if (digest_hex != NULL)
    *digest_hex = g_strdup (value (result, 0, 0));
  if (document_json != NULL)
    *document_json = g_strdup (value (result, 0, 1));
  return TRUE;
}

/* ---- queue calling and offline blocks --------------------------------------------------- */

static GPtrArray *
pg_list_tickets (MadoRegistryStore *store, const char *day, int status, GError **error)
{
  MadoPgStore *self = MADO_PG_STORE (store);
  g_autoptr (GPtrArray) tickets
      = g_ptr_array_new_with_free_func ((GDestroyNotify)mado_queue_ticket_free);
  g_autoptr (PGresult) result = NULL;
  const char *name = mado_store_ticket_status_name (status);
  Params p = { 0 };

  if (!mado_store_day_is_valid (day))
    return mado_store_invalid ("day: not YYYY-MM-DD", error), NULL;
  if (status != -1 && name == NULL)
    return mado_store_invalid ("status: not -1 or a MadoTicketStatus", error), NULL;
  p_text (&p, day);
  p_text (&p, name);
  lock (self);
  result = query (self,
                  "SELECT ticket_json FROM tickets WHERE day = $1 AND "
                  "($2::text IS NULL OR status = $2) ORDER BY category, number",
                  &p, "reading the tickets", error);
  unlock (self);
  if (result == NULL)
    return NULL;
  for (int row = 0; row < PQntuples (result); row++)
    {
      MadoQueueTicket *ticket = mado_queue_ticket_new_from_data (value (result, row, 0), -1, error);
      if (ticket == NULL)
        return NULL;
      g_ptr_array_add (tickets, ticket);
    }
  return g_steal_pointer (&tickets);
}

/* How often call_next_ticket looks again when other consoles keep taking its candidate. */
#define CALL_NEXT_ATTEMPTS 64

static MadoQueueTicket *
call_next_locked (MadoPgStore *self, const char *letters, const char *day, const char *counter,
                  GError **error)
{
  g_autoptr (MadoQueueTicket) ticket = NULL;
  g_autofree char *json = NULL;
  g_autofree char *stored = NULL;
  Params p = { 0 };

  p_text (&p, day);
  p_text (&p, letters);
  for (int attempt = 0; stored == NULL && attempt < CALL_NEXT_ATTEMPTS; attempt++)
    {
      g_autoptr (PGresult) result = NULL;
      g_autofree char *candidate = NULL;
      Params q = { 0 };

      /* The oldest waiting ticket no other console holds: locked here, until COMMIT. */
      result = query (self,
                      "SELECT ticket_json FROM tickets WHERE day = $1 AND status = 'waiting' "
                      "AND strpos($2, category) > 0 ORDER BY issued_unix, category, number "
                      "LIMIT 1 FOR UPDATE SKIP LOCKED",
                      &p, "reading the waiting tickets", error);
      if (result == NULL)
        return NULL;
      if (PQntuples (result) == 1)
        {
          stored = g_strdup (value (result, 0, 0));
          break;
        }
      g_clear_pointer (&result, PQclear);
      /* Every waiting ticket is locked (by another console, or an update_ticket): wait for the
       * oldest and take it if it is still waiting; otherwise look again. */
      result = query (self,
                      "SELECT ticket_id FROM tickets WHERE day = $1 AND status = 'waiting' "
                      "AND strpos($2, category) > 0 ORDER BY issued_unix, category, number "
                      "LIMIT 1",
                      &p, "reading the waiting tickets", error);
      if (result == NULL)
        return NULL;
      if (PQntuples (result) == 0)
        return mado_store_not_found ("waiting ticket", error), NULL;
      candidate = g_strdup (value (result, 0, 0));
      g_clear_pointer (&result, PQclear);
      p_text (&q, candidate);
      result = query (self,
                      "SELECT ticket_json FROM tickets WHERE ticket_id = $1 "
                      "AND status = 'waiting' FOR UPDATE",
                      &q, "reading the waiting ticket", error);
      if (result == NULL)
        return NULL;
      if (PQntuples (result) == 1)
        stored = g_strdup (value (result, 0, 0));
    }
  if (stored == NULL)
    {
      g_set_error_literal (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_BUSY,
                           "other consoles kept calling the waiting tickets first");
      return NULL;
    }
  ticket = mado_store_ticket_called (stored, counter, &json, error);
  if (ticket == NULL)
    return NULL;
  p = (Params){ 0 };
  p_text (&p, ticket->ticket_id);
  p_text (&p, json);
  if (!exec (self, "UPDATE tickets SET status = 'called', ticket_json = $2 WHERE ticket_id = $1",
             &p, "calling the ticket", error))
    return NULL;
  return g_steal_pointer (&ticket);
}

static MadoQueueTicket *
pg_call_next_ticket (MadoRegistryStore *store, const char *const *categories, const char *day,
                     const char *counter, GError **error)
{
  MadoPgStore *self = MADO_PG_STORE (store);
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
reserve_block_locked (MadoPgStore *self, const char *category, const char *day, guint count,
                      guint *first_out, guint *last_out, GError **error)
{
  g_autoptr (PGresult) result = NULL;
  gint64 first = 1, last = 999, block_last;
  Params p = { 0 };

  p_text (&p, category);
  result = query (self, "SELECT first_number, last_number FROM ticket_ranges WHERE category = $1",
                  &p, "reading the ticket range", error);
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) > 0)
    {
      first = value_int (result, 0, 0);
      last = value_int (result, 0, 1);
    }
  g_clear_pointer (&result, PQclear);

  /* The counter issue_ticket numbers from (the same locked row): the block is the next @count
   * numbers. */
  p = (Params){ 0 };
  p_text (&p, day);
  p_text (&p, category);
  p_int (&p, first - 1 + count);
  p_int (&p, first - 1);
  p_int (&p, count);
  result = query (self,
                  "INSERT INTO ticket_counters (day, category, last_number) VALUES ($1, $2, $3) "
                  "ON CONFLICT (day, category) DO UPDATE SET last_number = "
                  "GREATEST (ticket_counters.last_number, $4) + $5 RETURNING last_number",
                  &p, "reserving the ticket block", error);
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) != 1)
    return mado_store_invalid ("no number", error);
  block_last = value_int (result, 0, 0);
  if (block_last > last)
    {
      g_set_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_RANGE_EXHAUSTED,
                   "category %s has not %u numbers left in its range today", category, count);
      return FALSE;
    }
  p = (Params){ 0 };
  p_text (&p, day);
  p_text (&p, category);
  p_int (&p, block_last - count + 1);
  p_int (&p, block_last);
  if (!exec (self,
             "INSERT INTO ticket_blocks (day, category, first_number, last_number) "
             "VALUES ($1, $2, $3, $4)",
             &p, "writing the ticket block", error))
    return FALSE;
  *first_out = (guint)(block_last - count + 1);
  *last_out = (guint)block_last;
  return TRUE;
}

static gboolean
pg_reserve_ticket_block (MadoRegistryStore *store, const char *category, const char *day,
                         guint count, guint *first, guint *last, GError **error)
{
  MadoPgStore *self = MADO_PG_STORE (store);
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
put_offline_locked (MadoPgStore *self, const MadoQueueTicket *ticket, const char *day,
                    GError **error)
{
  g_autoptr (PGresult) result = NULL;
  Params p = { 0 };

  p_text (&p, day);
  p_text (&p, ticket->category);
  p_int (&p, ticket->number);
  result = query (self,
                  "SELECT 1 FROM ticket_blocks WHERE day = $1 AND category = $2 "
                  "AND $3 BETWEEN first_number AND last_number",
                  &p, "reading the ticket blocks", error);
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) == 0)
    return mado_store_invalid ("the number lies in no block reserved for that day and category",
                               error);
  return insert_ticket (self, ticket, day, FALSE, error);
}

static gboolean
pg_put_offline_ticket (MadoRegistryStore *store, const MadoQueueTicket *ticket, GError **error)
{
  MadoPgStore *self = MADO_PG_STORE (store);
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
put_seal_locked (MadoPgStore *self, const MadoSealRegistration *reg, const char *json,
                 GError **error)
{
  g_autoptr (PGresult) result = NULL;
  Params p = { 0 };

  /* The person stays while the registration is written (as for a card link). */
  p_text (&p, reg->atena_number);
  result = query (self, "SELECT 1 FROM persons WHERE atena_number = $1 FOR SHARE", &p,
                  "reading the person", error);
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) == 0)
    return mado_store_not_found ("person", error);
  g_clear_pointer (&result, PQclear);

  p = (Params){ 0 };
  p_text (&p, reg->registration_number);
  result = query (self,
                  "SELECT atena_number, status FROM seal_registrations "
                  "WHERE registration_number = $1 FOR UPDATE",
                  &p, "reading the seal registration", error);
  if (result == NULL)
    return FALSE;
  if (!mado_store_check_seal_replace (reg, PQntuples (result) > 0 ? value (result, 0, 0) : NULL,
                                      PQntuples (result) > 0 ? value (result, 0, 1) : NULL, error))
    return FALSE;
  g_clear_pointer (&result, PQclear);

  if (reg->status == MADO_SEAL_STATUS_REGISTERED)
    {
      p = (Params){ 0 };
      p_text (&p, reg->atena_number);
      p_text (&p, reg->registration_number);
      result = query (self,
                      "SELECT 1 FROM seal_registrations WHERE atena_number = $1 "
                      "AND status = 'registered' AND registration_number <> $2",
                      &p, "reading the person's seal", error);
      if (result == NULL)
        return FALSE;
      if (PQntuples (result) > 0)
        return mado_store_seal_conflict (error);
      g_clear_pointer (&result, PQclear);
    }

  /* Insert, or replace under the same rules in the statement itself (the person unchanged, an
   * abolished row never registered again), so a writer that got in between cannot slip past
   * them; the partial unique index refuses a second registered seal of the person. */
  p = (Params){ 0 };
  p_text (&p, reg->registration_number);
  p_text (&p, reg->atena_number);
  p_text (&p, mado_seal_status_to_string (reg->status));
  p_text (&p, json);
  result = query (self,
                  "INSERT INTO seal_registrations (registration_number, atena_number, status, "
                  "registration_json) VALUES ($1, $2, $3, $4) "
                  "ON CONFLICT (registration_number) DO UPDATE SET status = EXCLUDED.status, "
                  "registration_json = EXCLUDED.registration_json "
                  "WHERE seal_registrations.atena_number = EXCLUDED.atena_number "
                  "AND (seal_registrations.status = 'registered' OR EXCLUDED.status = 'abolished')",
                  &p, "writing the seal registration", error);
  if (result == NULL)
    return FALSE;
  if (affected (result) != 1)
    return mado_store_conflict ("the seal registration changed meanwhile", error);
  return TRUE;
}

static gboolean
pg_put_seal_registration (MadoRegistryStore *store, const MadoSealRegistration *reg, GError **error)
{
  MadoPgStore *self = MADO_PG_STORE (store);
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
read_seal (MadoPgStore *self, const char *sql, const char *param, const char *what, GError **error)
{
  g_autofree char *json
      = text_by_key (self, sql, param, "reading the seal registration", what, error);
  return json != NULL ? mado_seal_registration_new_from_data (json, -1, error) : NULL;
}

static MadoSealRegistration *
pg_get_seal_registration (MadoRegistryStore *store, const char *registration_number, GError **error)
{
  return read_seal (MADO_PG_STORE (store),
                    "SELECT registration_json FROM seal_registrations "
                    "WHERE registration_number = $1",
                    registration_number, "seal registration", error);
}

static MadoSealRegistration *
pg_find_seal_registration (MadoRegistryStore *store, const char *atena_number, GError **error)
{
  return read_seal (MADO_PG_STORE (store),
                    "SELECT registration_json FROM seal_registrations "
                    "WHERE atena_number = $1 AND status = 'registered'",
                    atena_number, "registered seal", error);
}

/* ---- backup ----------------------------------------------------------------------------- */

static gboolean
pg_backup (MadoRegistryStore *store, const char *path, GError **error)
{
  /* A server's backup is the server's: pg_dump (logical, consistent, online) or
   * pg_basebackup (physical, with WAL for point-in-time recovery). docs/registry-storage.md. */
  g_set_error_literal (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_BACKUP,
                       "online backup of a PostgreSQL database is done with pg_dump or "
                       "pg_basebackup, not by the registry (docs/registry-storage.md)");
  return FALSE;
}

static void
mado_pg_store_iface_init (MadoRegistryStoreInterface *iface)
{
  iface->get_schema_version = pg_get_schema_version;
  iface->run_in_transaction = pg_run_in_transaction;
  iface->put_household = pg_put_household;
  iface->get_household = pg_get_household;
  iface->record_change = pg_record_change;
  iface->get_person = pg_get_person;
  iface->list_history = pg_list_history;
  iface->read_kojin_bango = pg_read_kojin_bango;
  iface->list_access = pg_list_access;
  iface->put_block = pg_put_block;
  iface->list_blocks = pg_list_blocks;
  iface->link_card = pg_link_card;
  iface->find_card_link = pg_find_card_link;
  iface->find_card_link_by_hash = pg_find_card_link_by_hash;
  iface->set_ticket_range = pg_set_ticket_range;
  iface->issue_ticket = pg_issue_ticket;
  iface->get_ticket = pg_get_ticket;
  iface->update_ticket = pg_update_ticket;
  iface->reserve_issuances = pg_reserve_issuances;
  iface->get_issuance = pg_get_issuance;
  iface->mark_printed = pg_mark_printed;
  iface->void_issuance = pg_void_issuance;
  iface->put_idempotent = pg_put_idempotent;
  iface->get_idempotent = pg_get_idempotent;
  iface->purge_idempotent = pg_purge_idempotent;
  iface->backup = pg_backup;
  iface->enrol_terminal = pg_enrol_terminal;
  iface->find_terminal_by_serial = pg_find_terminal_by_serial;
  iface->revoke_terminal = pg_revoke_terminal;
  iface->list_terminals = pg_list_terminals;
  iface->put_operator = pg_put_operator;
  iface->get_operator = pg_get_operator;
  iface->put_session = pg_put_session;
  iface->get_session = pg_get_session;
  iface->delete_session = pg_delete_session;
  iface->put_nonce = pg_put_nonce;
  iface->take_nonce = pg_take_nonce;
  iface->put_move_draft = pg_put_move_draft;
  iface->get_move_draft = pg_get_move_draft;
  iface->update_move_draft = pg_update_move_draft;
  iface->list_move_drafts = pg_list_move_drafts;
  iface->set_issuance_document = pg_set_issuance_document;
  iface->get_issuance_document = pg_get_issuance_document;
  iface->list_tickets = pg_list_tickets;
  iface->call_next_ticket = pg_call_next_ticket;
  iface->reserve_ticket_block = pg_reserve_ticket_block;
  iface->put_offline_ticket = pg_put_offline_ticket;
  iface->list_issuances = pg_list_issuances;
  iface->foreach_person = pg_foreach_person;
  iface->put_seal_registration = pg_put_seal_registration;
  iface->get_seal_registration = pg_get_seal_registration;
  iface->find_seal_registration = pg_find_seal_registration;
}
