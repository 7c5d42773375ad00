/* SPDX-License-Identifier: GPL-3.0-or-later
 * registry/store: a backend through the MadoRegistryStore interface — migrations (fresh, from
 * version 1, a newer schema refused), persons and households through the model, history, card
 * links, tickets (daily, per category, concurrent), issuances (numbers never reused),
 * idempotency (replay, conflict, stale, rollback), the access log, backup and restore; schema 4:
 * terminals, operators, sessions, challenge nonces (FRESH once across connections), move drafts
 * (optimistic lock), document digests, queue calling (concurrent consoles) and offline blocks,
 * transactions joined, migration from version 3, seal registrations (one registered seal per
 * person, also between concurrent connections; 廃止 final, then a new registration).
 *
 * The same tests run against both backends: SQLite by default; PostgreSQL when
 * MADO_REGISTRY_TEST_DSN names a server (tests/registry/pg-cluster.sh starts a private one and
 * sets it), each test in a database of its own, created and dropped here.
 */
#include <glib/gstdio.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include "mado-card-link.h"
#include "mado-pg-store.h"
#include "mado-registry-store.h"
#include "mado-sqlite-store.h"
#include "mado-store-nonce.h"

/* The PostgreSQL server (a libpq URI naming a maintenance database), or NULL: SQLite. */
static const char *pg_server;

typedef struct
{
  char *dir;    /* the temp dir (both backends: backup copies, files) */
  char *path;   /* SQLite: the database file */
  char *dbname; /* PostgreSQL: the test's own database */
  char *dsn;
  MadoRegistryStore *store;
} Fixture;

/* Runs @sql on @conninfo's server (a maintenance statement, no parameters). */
static void
pg_admin (const char *conninfo, const char *sql)
{
  PGconn *conn = PQconnectdb (conninfo);
  PGresult *result;

  if (PQstatus (conn) != CONNECTION_OK)
    g_error ("cannot connect to the test server: %s", PQerrorMessage (conn));
  result = PQexec (conn, sql);
  if (PQresultStatus (result) != PGRES_COMMAND_OK && PQresultStatus (result) != PGRES_TUPLES_OK)
    g_error ("%s: %s", sql, PQerrorMessage (conn));
  PQclear (result);
  PQfinish (conn);
}

/* A new, empty database: a file in @dir (SQLite) or a database on the server (PostgreSQL). */
static char *
new_database (const char *dir, const char *name, char **path, char **dbname)
{
  static gint counter;
  const char *scheme_end, *path_start, *query;
  g_autofree char *sql = NULL;

  if (pg_server == NULL)
    {
      *path = g_build_filename (dir, name, NULL);
      return g_strconcat ("sqlite:", *path, NULL);
    }
  *dbname = g_strdup_printf ("mado_test_%d_%d", (int)getpid (), g_atomic_int_add (&counter, 1));
  sql = g_strdup_printf ("CREATE DATABASE %s ENCODING 'UTF8' TEMPLATE template0", *dbname);
  pg_admin (pg_server, sql);
  /* postgresql://[auth@host]/DB?query → the same with the new database name. */
  scheme_end = strstr (pg_server, "://");
  g_assert_nonnull (scheme_end);
  path_start = strchr (scheme_end + 3, '/');
  g_assert_nonnull (path_start);
  query = strchr (path_start, '?');
  return g_strdup_printf ("%.*s/%s%s", (int)(path_start - pg_server), pg_server, *dbname,
                          query ? query : "");
}

static void
drop_database (const char *dbname)
{
  g_autofree char *sql = NULL;

  if (dbname == NULL)
    return;
  sql = g_strdup_printf ("DROP DATABASE IF EXISTS %s WITH (FORCE)", dbname);
  pg_admin (pg_server, sql);
}

/* Runs @sql on the database at @dsn, bypassing the store; `$1` is @param (or no parameter). */
static void
raw_exec (const char *dsn, const char *sql, const char *param)
{
  if (g_str_has_prefix (dsn, "sqlite:"))
    {
      sqlite3 *db = NULL;
      sqlite3_stmt *stmt = NULL;
      char *message = NULL;

      g_assert_cmpint (sqlite3_open (dsn + strlen ("sqlite:"), &db), ==, SQLITE_OK);
      if (param == NULL)
        {
          if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
            g_error ("%s: %s", sql, message);
        }
      else
        {
          g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
          sqlite3_bind_text (stmt, 1, param, -1, SQLITE_STATIC);
          g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
          sqlite3_finalize (stmt);
        }
      sqlite3_close (db);
    }
  else
    {
      PGconn *conn = PQconnectdb (dsn);
      PGresult *result;

      g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
      if (param == NULL)
        result = PQexec (conn, sql);
      else
        result = PQexecParams (conn, sql, 1, NULL, &param, NULL, NULL, 0);
      if (PQresultStatus (result) != PGRES_COMMAND_OK)
        g_error ("%s: %s", sql, PQerrorMessage (conn));
      PQclear (result);
      PQfinish (conn);
    }
}

static guint
latest_schema (void)
{
  return pg_server ? MADO_PG_SCHEMA_VERSION : MADO_SQLITE_SCHEMA_VERSION;
}

static const char *
migration (guint version)
{
  return pg_server ? mado_pg_store_get_migration (version)
                   : mado_sqlite_store_get_migration (version);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->dir = g_dir_make_tmp ("mado-registry-XXXXXX", &error);
  g_assert_no_error (error);
  f->dsn = new_database (f->dir, "registry.db", &f->path, &f->dbname);
  f->store = mado_registry_store_open (f->dsn, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->store);
}

static void
remove_tree (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->store);
  drop_database (f->dbname);
  remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->path);
  g_free (f->dbname);
  g_free (f->dsn);
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static JsonNode *
load_sample (const char *name)
{
  g_autofree char *path
      = g_build_filename (g_getenv ("MADO_SOURCE_DIR"), "tests", "model", "samples", name, NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

/* A history entry for @person (a JSON node, borrowed), as the counter would make it. */
static MadoHistoryEntry *
make_entry (JsonNode *person, const char *reason, const char *moved_on)
{
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr (GError) error = NULL;
  JsonObject *object = json_object_new ();
  MadoHistoryEntry *entry;

  json_node_take_object (node, object);
  json_object_set_string_member (
      object, "atena_number",
      json_object_get_string_member (json_node_get_object (person), "atena_number"));
  json_object_set_int_member (object, "history_number", 1);
  json_object_set_string_member (object, "reason", reason);
  json_object_set_string_member (object, "moved_on", moved_on);
  json_object_set_string_member (object, "notified_on", "2026-11-26");
  json_object_set_string_member (object, "processed_on", "2026-11-26");
  json_object_set_string_member (object, "terminal", "counter-01");
  json_object_set_member (object, "person", json_node_copy (person));
  entry = mado_history_entry_new_from_json (node, &error);
  g_assert_no_error (error);
  return entry;
}

static void
record (MadoRegistryStore *store, JsonNode *person, const char *reason, guint expected)
{
  g_autoptr (MadoHistoryEntry) entry = make_entry (person, reason, "2026-11-20");
  g_autoptr (GError) error = NULL;
  guint number = mado_registry_store_record_change (store, entry, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (number, ==, expected);
}

static MadoQueueTicket *
make_ticket (const char *category, const char *issued_at, guint serial)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *json = NULL;
  char suffix[7];
  MadoQueueTicket *ticket;

  for (int i = 5; i >= 0; i--, serial /= 26)
    suffix[i] = (char)('a' + serial % 26);
  suffix[6] = '\0';
  id = g_strconcat ("k7q2m4x5a6b3c2d7e4f5", suffix, NULL);
  json = g_strdup_printf ("{\"ticket_id\": \"%s\", \"category\": \"%s\", \"number\": 1, "
                          "\"service\": \"証明書の交付\", \"issued_at\": \"%s\", "
                          "\"status\": \"waiting\"}",
                          id, category, issued_at);
  ticket = mado_queue_ticket_new_from_data (json, -1, &error);
  g_assert_no_error (error);
  ticket->number = 0;
  return ticket;
}

static guint
issue (MadoRegistryStore *store, const char *category, const char *issued_at, guint serial)
{
  g_autoptr (MadoQueueTicket) ticket = make_ticket (category, issued_at, serial);
  g_autoptr (GError) error = NULL;

  g_assert_true (mado_registry_store_issue_ticket (store, ticket, &error));
  g_assert_no_error (error);
  return ticket->number;
}

/* ---- migrations --------------------------------------------------------------------------- */

static void
test_migrations_fresh (Fixture *f, gconstpointer data)
{
  g_autoptr (MadoRegistryStore) again = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_cmpuint (mado_registry_store_get_schema_version (f->store), ==, latest_schema ());
  again = mado_registry_store_open (f->dsn, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mado_registry_store_get_schema_version (again), ==, latest_schema ());
  g_assert_null (migration (0));
  g_assert_nonnull (migration (latest_schema ()));
  g_assert_null (migration (latest_schema () + 1));
}

static void
test_migrations_from_v1 (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("mado-registry-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *dbname = NULL;
  g_autofree char *dsn = new_database (dir, "old.db", &path, &dbname);
  g_autoptr (JsonNode) person = load_sample ("person-japanese.json");
  g_autoptr (MadoHistoryEntry) entry = make_entry (person, "domestic_move_in", "2019-05-01");
  g_autofree char *person_json = mado_person_to_data (entry->person, NULL);
  g_autofree char *entry_json = mado_history_entry_to_data (entry, NULL);
  g_autoptr (MadoRegistryStore) store = NULL;
  g_autoptr (MadoPerson) read = NULL;

  g_assert_no_error (error);
  /* A database as version 1 left it, with one person. */
  raw_exec (dsn,
            "CREATE TABLE schema_version (version INTEGER NOT NULL);"
            "INSERT INTO schema_version VALUES (1);",
            NULL);
  raw_exec (dsn, migration (1), NULL);
  raw_exec (dsn,
            "INSERT INTO persons VALUES ('0000000019', '5000000010', "
            "'resident', 1, '12345678901', 1, $1)",
            person_json);
  raw_exec (dsn,
            "INSERT INTO person_history VALUES ('0000000019', 1, "
            "'domestic_move_in', '2019-05-01', '2026-11-26', '2026-11-26', $1)",
            entry_json);

  store = mado_registry_store_open (dsn, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mado_registry_store_get_schema_version (store), ==, latest_schema ());
  read = mado_registry_store_get_person (store, "0000000019", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (read->name, ==, entry->person->name);
  /* The tables of versions 2 and 3 are there. */
  g_assert_cmpuint (issue (store, "A", "2026-11-26T09:00:00+09:00", 1), ==, 1);
  g_assert_true (mado_registry_store_put_idempotent (store, "kiosk-a01", "k1", "d", "{}",
                                                     now_seconds (), &error));
  g_assert_no_error (error);
  record (store, person, "minor_correction", 2);

  g_clear_object (&store);
  drop_database (dbname);
  remove_tree (dir);
}

static void
test_migrations_newer_refused (Fixture *f, gconstpointer data)
{
  g_autoptr (MadoRegistryStore) store = NULL;
  g_autoptr (GError) error = NULL;

  g_clear_object (&f->store);
  raw_exec (f->dsn, "UPDATE schema_version SET version = version + 1", NULL);
  store = mado_registry_store_open (f->dsn, &error);
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_SCHEMA_TOO_NEW);
  g_assert_null (store);
}

static void
test_dsn (void)
{
  const char *bad[]
      = { "sqlite:", "mysql://x", "", "postgresql://user:secret@host/db?no_such_option=secret" };
  /* Well formed, but no server there: OPEN, and the password is not repeated. */
  const char *unreachable
      = "postgresql://user:secret@/db?host=/nonexistent/mado-no-server&port=1&connect_timeout=2";
  g_autoptr (MadoRegistryStore) none = NULL;
  g_autoptr (GError) error = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) bad_error = NULL;
      g_autoptr (MadoRegistryStore) store = mado_registry_store_open (bad[i], &bad_error);
      g_assert_error (bad_error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_DSN);
      g_assert_null (store);
      g_assert_null (strstr (bad_error->message, "secret"));
    }
  none = mado_registry_store_open (unreachable, &error);
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_OPEN);
  g_assert_null (none);
  g_assert_null (strstr (error->message, "secret"));
}

/* ---- persons, households, history, access log -------------------------------------------- */

static void
test_person_round_trip (Fixture *f, gconstpointer data)
{
  g_autoptr (JsonNode) node = load_sample ("person-japanese.json");
  g_autoptr (MadoPerson) expected = mado_person_new_from_json (node, NULL);
  g_autoptr (MadoPerson) read = NULL;
  g_autoptr (GPtrArray) access = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *expected_json = NULL;
  g_autofree char *read_json = NULL;
  char *number = NULL;
  MadoAccessRecord *row;

  record (f->store, node, "domestic_move_in", 1);
  read = mado_registry_store_get_person (f->store, "0000000019", &error);
  g_assert_no_error (error);
  g_assert_null (read->kojin_bango); /* only read_kojin_bango() hands it out */
  g_clear_pointer (&expected->kojin_bango, g_free);
  expected_json = mado_person_to_data (expected, NULL);
  read_json = mado_person_to_data (read, NULL);
  g_assert_cmpstr (read_json, ==, expected_json); /* variation selectors and 𠮷 kept */

  access = mado_registry_store_list_access (f->store, "0000000019", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (access->len, ==, 0);
  g_clear_pointer (&access, g_ptr_array_unref);

  g_assert_true (mado_registry_store_read_kojin_bango (f->store, "0000000019", "clerk-07",
                                                       "本人確認", 1764100000, &number, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (number, ==, "123456789018");
  g_free (number);

  access = mado_registry_store_list_access (f->store, "0000000019", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (access->len, ==, 1);
  row = g_ptr_array_index (access, 0);
  g_assert_cmpstr (row->who, ==, "clerk-07");
  g_assert_cmpstr (row->why, ==, "本人確認");
  g_assert_cmpint (row->at, ==, 1764100000);
  g_assert_cmpstr (row->atena_number, ==, "0000000019");

  g_assert_false (mado_registry_store_read_kojin_bango (f->store, "0000000035", "clerk-07",
                                                        "本人確認", 1764100000, &number, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_NOT_FOUND);
  g_assert_null (number);
  g_clear_error (&error);
  g_assert_null (mado_registry_store_get_person (f->store, "0000000035", &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_NOT_FOUND);
}

static void
test_household_round_trip (Fixture *f, gconstpointer data)
{
  g_autoptr (JsonNode) node = load_sample ("household.json");
  g_autoptr (MadoHousehold) household = mado_household_new_from_json (node, NULL);
  g_autoptr (MadoHousehold) read = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *expected_json = mado_household_to_data (household, NULL);
  g_autofree char *read_json = NULL;
  JsonArray *members = json_object_get_array_member (json_node_get_object (node), "members");

  g_assert_true (mado_registry_store_put_household (f->store, household, &error));
  g_assert_no_error (error);
  /* The wife first, then the head: the head still comes first. */
  record (f->store, json_array_get_element (members, 1), "domestic_move_in", 1);
  record (f->store, json_array_get_element (members, 0), "domestic_move_in", 1);
  read = mado_registry_store_get_household (f->store, "5000000010", &error);
  g_assert_no_error (error);
  read_json = mado_household_to_data (read, NULL);
  g_assert_cmpstr (read_json, ==, expected_json);
  g_assert_true (mado_household_validate (read, &error));
  g_assert_no_error (error);

  g_clear_pointer (&read, mado_household_free);
  read = mado_registry_store_get_household (f->store, "5000000029", &error);
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_NOT_FOUND);
  g_assert_null (read);
}

static void
test_history_appends (Fixture *f, gconstpointer data)
{
  g_autoptr (JsonNode) node = load_sample ("person-japanese.json");
  JsonObject *person = json_node_get_object (node);
  JsonObject *address = json_object_get_object_member (person, "address");
  g_autoptr (GPtrArray) history = NULL;
  g_autoptr (MadoPerson) current = NULL;
  g_autoptr (MadoHistoryEntry) bad = NULL;
  g_autoptr (GError) error = NULL;
  MadoHistoryEntry *entry;

  record (f->store, node, "domestic_move_in", 1);
  json_object_set_string_member (address, "katagaki", "窓口ハイツ202");
  record (f->store, node, "move_within", 2);
  json_object_set_string_member (person, "furigana", "ワタナベ ヨシコ");
  json_object_set_string_member (person, "remarks", "二度目の修正");
  record (f->store, node, "minor_correction", 3);

  history = mado_registry_store_list_history (f->store, "0000000019", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 3);
  entry = g_ptr_array_index (history, 0);
  g_assert_cmpuint (entry->history_number, ==, 1);
  g_assert_cmpint (entry->reason, ==, MADO_MOVE_REASON_DOMESTIC_MOVE_IN);
  g_assert_cmpstr (entry->person->address->katagaki, ==, "窓口ハイツ101");
  g_assert_null (entry->person->kojin_bango);
  entry = g_ptr_array_index (history, 1);
  g_assert_cmpint (entry->reason, ==, MADO_MOVE_REASON_MOVE_WITHIN);
  g_assert_cmpstr (entry->person->address->katagaki, ==, "窓口ハイツ202");
  g_assert_cmpstr (entry->terminal, ==, "counter-01");
  entry = g_ptr_array_index (history, 2);
  g_assert_cmpuint (entry->history_number, ==, 3);
  g_assert_cmpint (entry->reason, ==, MADO_MOVE_REASON_MINOR_CORRECTION);

  current = mado_registry_store_get_person (f->store, "0000000019", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (current->remarks, ==, "二度目の修正");
  g_assert_cmpstr (current->address->katagaki, ==, "窓口ハイツ202");

  /* An entry the model refuses changes nothing. */
  bad = make_entry (node, "minor_correction", "2026-11-20");
  g_clear_pointer (&bad->person->name, g_free);
  g_assert_cmpuint (mado_registry_store_record_change (f->store, bad, &error), ==, 0);
  g_assert_error (error, MADO_MODEL_ERROR, MADO_MODEL_ERROR_MISSING);
  g_clear_pointer (&history, g_ptr_array_unref);
  g_clear_error (&error);
  history = mado_registry_store_list_history (f->store, "0000000019", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 3);
}

static void
test_blocks (Fixture *f, gconstpointer data)
{
  g_autoptr (JsonNode) node = load_sample ("issuance-block.json");
  g_autoptr (MadoIssuanceBlock) block = mado_issuance_block_new_from_json (node, NULL);
  g_autoptr (GPtrArray) blocks = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (mado_registry_store_put_block (f->store, block, &error));
  g_assert_no_error (error);
  g_clear_pointer (&block->released_until.qualifier, g_free);
  block->released_until.precision = MADO_DATE_ABSENT;
  g_assert_true (mado_registry_store_put_block (f->store, block, &error)); /* replaced */
  g_assert_no_error (error);
  blocks = mado_registry_store_list_blocks (f->store, "0000000043", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (blocks->len, ==, 1);
  g_assert_cmpint (((MadoIssuanceBlock *)g_ptr_array_index (blocks, 0))->released_until.precision,
                   ==, MADO_DATE_ABSENT);
  g_clear_pointer (&blocks, g_ptr_array_unref);
  blocks = mado_registry_store_list_blocks (f->store, NULL, "5000000010", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (blocks->len, ==, 0);
}

/* ---- card links --------------------------------------------------------------------------- */

/* find_card_link_by_hash: the person linked to the pair's hash, or NOT_FOUND (@expected NULL). */
static void
assert_link_by_hash (MadoRegistryStore *store, GBytes *kid, GBytes *serial, const char *expected)
{
  g_autofree char *hash = mado_card_link_hash_parts (kid, serial);
  g_autoptr (GError) error = NULL;
  g_autofree char *found = mado_registry_store_find_card_link_by_hash (store, hash, &error);
  if (expected == NULL)
    {
      g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_NOT_FOUND);
      g_assert_null (found);
      return;
    }
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, expected);

  /* the same hash in capitals, cut short or lengthened is no link's */
  g_autofree char *upper = g_ascii_strup (hash, -1);
  g_autofree char *longer = g_strconcat (hash, "0", NULL);
  hash[63] = '\0';
  const char *wrong[] = { upper, hash, longer, "", "' OR 1=1 --" };
  for (guint i = 0; i < G_N_ELEMENTS (wrong); i++)
    {
      g_autofree char *none = mado_registry_store_find_card_link_by_hash (store, wrong[i], &error);
      g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_NOT_FOUND);
      g_assert_null (none);
      g_clear_error (&error);
    }
}

static void
test_card_links (Fixture *f, gconstpointer data)
{
  g_autoptr (JsonNode) household = load_sample ("household.json");
  JsonArray *members = json_object_get_array_member (json_node_get_object (household), "members");
  static const guint8 kid[] = { 0x4b, 0x49, 0x44, 0x01 };
  static const guint8 serial1[] = { 0x00, 0x8a, 0x01 }; /* DER INTEGER with its sign byte */
  static const guint8 serial1_bare[] = { 0x8a, 0x01 };
  static const guint8 serial2[] = { 0x02, 0x22 };
  g_autoptr (GBytes) k = g_bytes_new_static (kid, sizeof kid);
  g_autoptr (GBytes) s1 = g_bytes_new_static (serial1, sizeof serial1);
  g_autoptr (GBytes) s1_bare = g_bytes_new_static (serial1_bare, sizeof serial1_bare);
  g_autoptr (GBytes) s2 = g_bytes_new_static (serial2, sizeof serial2);
  g_autoptr (GError) error = NULL;
  g_autofree char *found = NULL;

  record (f->store, json_array_get_element (members, 0), "domestic_move_in", 1);
  record (f->store, json_array_get_element (members, 1), "domestic_move_in", 1);

  g_assert_false (mado_registry_store_link_card (f->store, k, s1, "0000000051", 1, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (mado_registry_store_link_card (f->store, k, s1, "0000000019", 1, &error));
  g_assert_no_error (error);
  found = mado_registry_store_find_card_link (f->store, k, s1_bare, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, "0000000019");
  g_clear_pointer (&found, g_free);
  assert_link_by_hash (f->store, k, s1, "0000000019");
  assert_link_by_hash (f->store, k, s1_bare, "0000000019"); /* the same magnitude */
  assert_link_by_hash (f->store, k, s2, NULL);

  /* Renewed: the new certificate replaces the old link. */
  g_assert_true (mado_registry_store_link_card (f->store, k, s2, "0000000019", 2, &error));
  g_assert_no_error (error);
  found = mado_registry_store_find_card_link (f->store, k, s1, &error);
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_NOT_FOUND);
  g_assert_null (found);
  g_clear_error (&error);
  found = mado_registry_store_find_card_link (f->store, k, s2, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, "0000000019");
  g_clear_pointer (&found, g_free);
  assert_link_by_hash (f->store, k, s1, NULL);
  assert_link_by_hash (f->store, k, s2, "0000000019");

  /* A certificate links one person. */
  g_assert_false (mado_registry_store_link_card (f->store, k, s2, "0000000035", 3, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_CONFLICT);
  g_clear_error (&error);
  found = mado_registry_store_find_card_link (f->store, k, s2, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, "0000000019");
  g_clear_pointer (&found, g_free);

  /* The same link again is no conflict; the certificate given up is free for another person. */
  g_assert_true (mado_registry_store_link_card (f->store, k, s2, "0000000019", 4, &error));
  g_assert_no_error (error);
  g_assert_true (mado_registry_store_link_card (f->store, k, s1_bare, "0000000035", 5, &error));
  g_assert_no_error (error);
  found = mado_registry_store_find_card_link (f->store, k, s1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, "0000000035");
  g_clear_pointer (&found, g_free);
  found = mado_registry_store_find_card_link (f->store, k, s2, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, "0000000019");
  assert_link_by_hash (f->store, k, s1, "0000000035");
  assert_link_by_hash (f->store, k, s2, "0000000019");
}

/* ---- tickets ------------------------------------------------------------------------------ */

static void
test_tickets_numbering (Fixture *f, gconstpointer data)
{
  const char *day1 = "2026-11-26T08:30:00+09:00";
  const char *day2 = "2026-11-27T08:30:00+09:00";
  g_autoptr (MadoQueueTicket) ticket = make_ticket ("A", day1, 900);
  g_autoptr (MadoQueueTicket) read = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (mado_registry_store_set_ticket_range (f->store, "A", 1, 3, &error));
  g_assert_true (mado_registry_store_set_ticket_range (f->store, "B", 500, 999, &error));
  g_assert_no_error (error);
  g_assert_false (mado_registry_store_set_ticket_range (f->store, "b", 1, 3, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (mado_registry_store_set_ticket_range (f->store, "C", 5, 4, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_cmpuint (issue (f->store, "A", day1, 1), ==, 1);
  g_assert_cmpuint (issue (f->store, "B", day1, 2), ==, 500);
  g_assert_cmpuint (issue (f->store, "A", day1, 3), ==, 2);
  g_assert_cmpuint (issue (f->store, "C", day1, 4), ==, 1); /* no range: 1–999 */
  g_assert_cmpuint (issue (f->store, "A", day1, 5), ==, 3);
  g_assert_false (mado_registry_store_issue_ticket (f->store, ticket, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_RANGE_EXHAUSTED);
  g_assert_cmpuint (ticket->number, ==, 0);
  g_clear_error (&error);
  /* The next day starts again. */
  g_assert_cmpuint (issue (f->store, "A", day2, 6), ==, 1);
  g_assert_cmpuint (issue (f->store, "B", day2, 7), ==, 500);

  /* The same id twice is a conflict and costs no number. */
  g_clear_pointer (&ticket, mado_queue_ticket_free);
  ticket = make_ticket ("B", day2, 7);
  g_assert_false (mado_registry_store_issue_ticket (f->store, ticket, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_CONFLICT);
  g_clear_error (&error);
  g_assert_cmpuint (issue (f->store, "B", day2, 8), ==, 501);

  /* Calling it. */
  g_clear_pointer (&ticket, mado_queue_ticket_free);
  ticket = mado_registry_store_get_ticket (f->store, "k7q2m4x5a6b3c2d7e4f5aaaaai", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ticket->number, ==, 501);
  ticket->status = MADO_TICKET_STATUS_CALLED;
  ticket->counter = g_strdup ("3番窓口");
  g_assert_true (mado_registry_store_update_ticket (f->store, ticket, &error));
  g_assert_no_error (error);
  read = mado_registry_store_get_ticket (f->store, ticket->ticket_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (read->status, ==, MADO_TICKET_STATUS_CALLED);
  g_assert_cmpstr (read->counter, ==, "3番窓口");
  ticket->number = 502;
  g_assert_false (mado_registry_store_update_ticket (f->store, ticket, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_CONFLICT);
}

#define THREADS 4
#define PER_THREAD 25

typedef struct
{
  MadoRegistryStore *store;
  guint first_serial;
  guint numbers[PER_THREAD];
} Issuer;

static gpointer
issuer_thread (gpointer data)
{
  Issuer *issuer = data;

  for (guint i = 0; i < PER_THREAD; i++)
    issuer->numbers[i]
        = issue (issuer->store, "A", "2026-11-26T09:00:00+09:00", issuer->first_serial + i);
  return NULL;
}

static void
test_tickets_concurrent (Fixture *f, gconstpointer data)
{
  g_autoptr (MadoRegistryStore) second = NULL;
  g_autoptr (GError) error = NULL;
  Issuer issuers[THREADS];
  GThread *threads[THREADS];
  gboolean seen[THREADS * PER_THREAD + 1] = { FALSE };

  second = mado_registry_store_open (f->dsn, &error);
  g_assert_no_error (error);
  /* Two connections, each shared by two threads. */
  for (guint t = 0; t < THREADS; t++)
    {
      issuers[t].store = t % 2 ? second : f->store;
      issuers[t].first_serial = t * 1000;
      threads[t] = g_thread_new ("issuer", issuer_thread, &issuers[t]);
    }
  for (guint t = 0; t < THREADS; t++)
    g_thread_join (threads[t]);
  for (guint t = 0; t < THREADS; t++)
    for (guint i = 0; i < PER_THREAD; i++)
      {
        guint n = issuers[t].numbers[i];
        g_assert_cmpuint (n, >=, 1);
        g_assert_cmpuint (n, <=, THREADS * PER_THREAD);
        g_assert_false (seen[n]);
        seen[n] = TRUE;
        if (i > 0)
          g_assert_cmpuint (n, >, issuers[t].numbers[i - 1]);
      }
}

/* ---- issuances ---------------------------------------------------------------------------- */

static MadoIssuance *
make_request (guint copies)
{
  g_autoptr (JsonNode) node = load_sample ("issuance.json");
  g_autoptr (GError) error = NULL;
  JsonObject *object = json_node_get_object (node);
  MadoIssuance *request;

  json_object_set_string_member (object, "status", "reserved");
  json_object_remove_member (object, "voided_at");
  json_object_remove_member (object, "void_reason");
  json_object_set_int_member (object, "fee", 300);
  json_object_set_int_member (object, "copies", copies);
  request = mado_issuance_new_from_json (node, &error);
  g_assert_no_error (error);
  return request;
}

static void
test_issuances (Fixture *f, gconstpointer data)
{
  g_autoptr (MadoIssuance) request = make_request (2);
  g_autoptr (MadoIssuance) single = make_request (1);
  g_autoptr (GPtrArray) copies = NULL;
  g_autoptr (GPtrArray) more = NULL;
  g_autoptr (MadoIssuance) read = NULL;
  g_autoptr (GError) error = NULL;
  MadoIssuance *copy;

  copies = mado_registry_store_reserve_issuances (f->store, request, "20261126-131016-K01", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (copies->len, ==, 2);
  copy = g_ptr_array_index (copies, 0);
  g_assert_cmpstr (copy->issue_number, ==, "20261126-131016-K01-000001");
  g_assert_cmpuint (copy->copy, ==, 1);
  g_assert_cmpint (copy->status, ==, MADO_ISSUANCE_RESERVED);
  copy = g_ptr_array_index (copies, 1);
  g_assert_cmpstr (copy->issue_number, ==, "20261126-131016-K01-000002");
  g_assert_cmpuint (copy->copy, ==, 2);
  g_assert_cmpuint (copy->fee, ==, 300);

  g_assert_true (mado_registry_store_mark_printed (f->store, "20261126-131016-K01-000001",
                                                   "2026-11-26T09:46:00+09:00", &error));
  g_assert_no_error (error);
  g_assert_true (mado_registry_store_void_issuance (f->store, "20261126-131016-K01-000002",
                                                    "2026-11-26T09:46:02+09:00",
                                                    MADO_VOID_REASON_PAPER_JAM, &error));
  g_assert_no_error (error);
  read = mado_registry_store_get_issuance (f->store, "20261126-131016-K01-000002", &error);
  g_assert_no_error (error);
  g_assert_cmpint (read->status, ==, MADO_ISSUANCE_VOIDED);
  g_assert_cmpuint (read->fee, ==, 0);
  g_assert_cmpint (read->void_reason, ==, MADO_VOID_REASON_PAPER_JAM);

  /* Final states stay final. */
  g_assert_false (mado_registry_store_void_issuance (f->store, "20261126-131016-K01-000001",
                                                     "2026-11-26T09:47:00+09:00",
                                                     MADO_VOID_REASON_CANCELLED, &error));
  g_assert_error (error, MADO_MODEL_ERROR, MADO_MODEL_ERROR_TRANSITION);
  g_clear_error (&error);
  g_clear_pointer (&read, mado_issuance_free);
  read = mado_registry_store_get_issuance (f->store, "20261126-131016-K01-000001", &error);
  g_assert_no_error (error);
  g_assert_cmpint (read->status, ==, MADO_ISSUANCE_PRINTED);
  g_assert_cmpuint (read->fee, ==, 300);

  /* A voided number is never given again. */
  more = mado_registry_store_reserve_issuances (f->store, single, "20261126-131016-K01", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (((MadoIssuance *)g_ptr_array_index (more, 0))->issue_number, ==,
                   "20261126-131016-K01-000003");
  g_clear_pointer (&more, g_ptr_array_unref);
  more = mado_registry_store_reserve_issuances (f->store, single, "bad prefix", &error);
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_INVALID);
  g_assert_null (more);
  g_clear_error (&error);
  g_clear_pointer (&read, mado_issuance_free);
  read = mado_registry_store_get_issuance (f->store, "NONE", &error);
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_NOT_FOUND);
  g_assert_null (read);
}

#define RESERVERS 4
#define RESERVATIONS 15

typedef struct
{
  const char *dsn;
  guint serials[RESERVATIONS * 2];
} Reserver;

/* Each thread its own store (its own connection: a registry process of its own). */
static gpointer
reserver_thread (gpointer data)
{
  Reserver *reserver = data;
  g_autoptr (MadoIssuance) request = make_request (2);
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoRegistryStore) store = mado_registry_store_open (reserver->dsn, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < RESERVATIONS; i++)
    {
      g_autoptr (GPtrArray) copies
          = mado_registry_store_reserve_issuances (store, request, "K01", &error);
      g_assert_no_error (error);
      g_assert_cmpuint (copies->len, ==, 2);
      for (guint c = 0; c < 2; c++)
        {
          const char *number = ((MadoIssuance *)g_ptr_array_index (copies, c))->issue_number;
          g_assert_true (g_str_has_prefix (number, "K01-"));
          reserver->serials[i * 2 + c] = (guint)g_ascii_strtoull (number + 4, NULL, 10);
        }
    }
  return NULL;
}

static void
test_issuances_concurrent (Fixture *f, gconstpointer data)
{
  Reserver reservers[RESERVERS];
  GThread *threads[RESERVERS];
  gboolean seen[RESERVERS * RESERVATIONS * 2 + 1] = { FALSE };

  for (guint t = 0; t < RESERVERS; t++)
    {
      reservers[t].dsn = f->dsn;
      threads[t] = g_thread_new ("reserver", reserver_thread, &reservers[t]);
    }
  for (guint t = 0; t < RESERVERS; t++)
    g_thread_join (threads[t]);
  /* Every 発行番号 once, no gap, and each thread's in increasing order. */
  for (guint t = 0; t < RESERVERS; t++)
    for (guint i = 0; i < RESERVATIONS * 2; i++)
      {
        guint n = reservers[t].serials[i];
        g_assert_cmpuint (n, >=, 1);
        g_assert_cmpuint (n, <=, RESERVERS * RESERVATIONS * 2);
        g_assert_false (seen[n]);
        seen[n] = TRUE;
        if (i > 0)
          g_assert_cmpuint (n, >, reservers[t].serials[i - 1]);
      }
}

/* ---- idempotency -------------------------------------------------------------------------- */

typedef struct
{
  const char *key;
  const char *digest;
  guint serial;
  gint64 now;
  gboolean fail_after_write;
  char *response; /* out */
} TicketRequest;

/* What the API will do for POST /v1/tickets: replay or write, and the record, in one
 * transaction. */
static gboolean
ticket_request (MadoRegistryStore *store, gpointer data, GError **error)
{
  TicketRequest *request = data;
  g_autoptr (MadoQueueTicket) ticket = NULL;

  if (!mado_registry_store_replay (store, "kiosk-a01", request->key, request->digest, request->now,
                                   &request->response, error))
    return FALSE;
  if (request->response != NULL)
    return TRUE;
  ticket = make_ticket ("A", "2026-11-26T09:00:00+09:00", request->serial);
  if (!mado_registry_store_issue_ticket (store, ticket, error))
    return FALSE;
  request->response = mado_queue_ticket_to_data (ticket, NULL);
  if (request->fail_after_write)
    {
      g_clear_pointer (&request->response, g_free);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "the request was cut off");
      return FALSE;
    }
  return mado_registry_store_put_idempotent (store, "kiosk-a01", request->key, request->digest,
                                             request->response, request->now, error);
}

static void
test_idempotency (Fixture *f, gconstpointer data)
{
  gint64 now = now_seconds ();
  TicketRequest first = { "key-1", "digest-1", 1, now, FALSE, NULL };
  TicketRequest replay = { "key-1", "digest-1", 2, now + 60, FALSE, NULL };
  TicketRequest other = { "key-1", "digest-2", 3, now + 60, FALSE, NULL };
  TicketRequest cut = { "key-2", "digest-3", 4, now, TRUE, NULL };
  TicketRequest after = { "key-2", "digest-3", 5, now, FALSE, NULL };
  g_autoptr (MadoIdempotentRecord) record = NULL;
  g_autoptr (MadoQueueTicket) ticket = NULL;
  g_autoptr (GError) error = NULL;
  char *response = NULL;
  guint64 purged = 0;

  g_assert_true (mado_registry_store_run_in_transaction (f->store, ticket_request, &first, &error));
  g_assert_no_error (error);
  g_assert_nonnull (first.response);
  g_assert_true (
      mado_registry_store_run_in_transaction (f->store, ticket_request, &replay, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (replay.response, ==, first.response); /* the same ticket, number 1 */
  g_assert_nonnull (strstr (replay.response, "\"number\":1"));

  g_assert_false (
      mado_registry_store_run_in_transaction (f->store, ticket_request, &other, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_IDEMPOTENCY_CONFLICT);
  g_clear_error (&error);
  g_assert_false (mado_registry_store_put_idempotent (f->store, "kiosk-a01", "key-1", "digest-1",
                                                      "{}", now, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_IDEMPOTENCY_CONFLICT);
  g_clear_error (&error);
  /* Keys are per scope. */
  g_assert_true (mado_registry_store_replay (f->store, "kiosk-a02", "key-1", "digest-9", now,
                                             &response, &error));
  g_assert_no_error (error);
  g_assert_null (response);

  /* Cut off after the write: neither the ticket nor the record stays; the retry applies once. */
  g_assert_false (mado_registry_store_run_in_transaction (f->store, ticket_request, &cut, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  ticket = mado_registry_store_get_ticket (f->store, "k7q2m4x5a6b3c2d7e4f5aaaaae", &error);
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_NOT_FOUND);
  g_assert_null (ticket);
  g_clear_error (&error);
  g_assert_true (
      mado_registry_store_get_idempotent (f->store, "kiosk-a01", "key-2", &record, &error));
  g_assert_no_error (error);
  g_assert_null (record);
  g_assert_true (mado_registry_store_run_in_transaction (f->store, ticket_request, &after, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (after.response, "\"number\":2"));

  /* Stale: a stored record past the retention is refused, never replayed nor re-applied. */
  g_assert_false (mado_registry_store_replay (f->store, "kiosk-a01", "key-1", "digest-1",
                                              now + MADO_REGISTRY_IDEMPOTENCY_RETENTION + 1,
                                              &response, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_IDEMPOTENCY_STALE);
  g_assert_null (response);
  g_clear_error (&error);
  g_assert_true (mado_registry_idempotency_check_fresh (now - MADO_REGISTRY_IDEMPOTENCY_RETENTION,
                                                        now, &error));
  g_assert_no_error (error);
  g_assert_false (mado_registry_idempotency_check_fresh (
      now - MADO_REGISTRY_IDEMPOTENCY_RETENTION - 1, now, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_IDEMPOTENCY_STALE);
  g_clear_error (&error);

  /* Purge. */
  g_assert_true (mado_registry_store_put_idempotent (f->store, "kiosk-a01", "old", "d", "{}",
                                                     now - MADO_REGISTRY_IDEMPOTENCY_RETENTION - 10,
                                                     &error));
  g_assert_no_error (error);
  g_assert_true (mado_registry_store_purge_idempotent (
      f->store, now - MADO_REGISTRY_IDEMPOTENCY_RETENTION, &purged, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (purged, ==, 1);
  g_assert_true (
      mado_registry_store_get_idempotent (f->store, "kiosk-a01", "key-1", &record, &error));
  g_assert_no_error (error);
  g_assert_nonnull (record);
  g_assert_cmpstr (record->response_json, ==, first.response);

  g_free (first.response);
  g_free (replay.response);
  g_free (after.response);
  g_assert_null (other.response);
  g_assert_null (cut.response);
}

typedef struct
{
  guint serial;
  const char *key;
} LateRequest;

static gboolean
ticket_then_record (MadoRegistryStore *store, gpointer data, GError **error)
{
  LateRequest *request = data;
  g_autoptr (MadoQueueTicket) ticket
      = make_ticket ("C", "2026-11-26T09:00:00+09:00", request->serial);

  return mado_registry_store_issue_ticket (store, ticket, error)
         && mado_registry_store_put_idempotent (store, "kiosk-a01", request->key, "digest", "{}",
                                                now_seconds (), error);
}

/* The ticket's row and the idempotency record may reach the database only with the COMMIT
 * (PostgreSQL sends them in its pipeline): whichever fails, the transaction fails with that
 * write's own error and nothing of it stays — no ticket, no record, no number used. */
static void
test_tickets_late_writes (Fixture *f, gconstpointer data)
{
  LateRequest first = { 1, "late-1" };
  LateRequest same_ticket = { 1, "late-2" };
  LateRequest same_key = { 2, "late-1" };
  LateRequest next = { 3, "late-3" };
  g_autoptr (MadoIdempotentRecord) record = NULL;
  g_autoptr (MadoQueueTicket) ticket = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (
      mado_registry_store_run_in_transaction (f->store, ticket_then_record, &first, &error));
  g_assert_no_error (error);

  g_assert_false (
      mado_registry_store_run_in_transaction (f->store, ticket_then_record, &same_ticket, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_CONFLICT);
  g_clear_error (&error);
  g_assert_true (
      mado_registry_store_get_idempotent (f->store, "kiosk-a01", "late-2", &record, &error));
  g_assert_no_error (error);
  g_assert_null (record);

  g_assert_false (
      mado_registry_store_run_in_transaction (f->store, ticket_then_record, &same_key, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_IDEMPOTENCY_CONFLICT);
  g_clear_error (&error);
  ticket = mado_registry_store_get_ticket (f->store, "k7q2m4x5a6b3c2d7e4f5aaaaac", &error);
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_NOT_FOUND);
  g_assert_null (ticket);
  g_clear_error (&error);

  g_assert_true (
      mado_registry_store_run_in_transaction (f->store, ticket_then_record, &next, &error));
  g_assert_no_error (error);
  ticket = mado_registry_store_get_ticket (f->store, "k7q2m4x5a6b3c2d7e4f5aaaaad", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ticket->number, ==, 2); /* the failed ones gave their numbers back */
}

static gboolean
nothing (MadoRegistryStore *store, gpointer data, GError **error)
{
  (void)store;
  (void)data;
  (void)error;
  return TRUE;
}

/* The round trips a PostgreSQL write costs: the BEGIN goes with the first statement, the
 * deferred writes with the COMMIT. The API's ticket (replay check, numbering, ticket and record):
 * three; a replay: two; a ticket alone: two; a transaction that ran nothing: none. */
static void
test_pg_round_trips (Fixture *f, gconstpointer data)
{
  gint64 now = now_seconds ();
  TicketRequest warm = { "trip-0", "digest-0", 1, now, FALSE, NULL };
  TicketRequest first = { "trip-1", "digest-1", 2, now, FALSE, NULL };
  TicketRequest replay = { "trip-1", "digest-1", 3, now, FALSE, NULL };
  g_autoptr (GError) error = NULL;
  MadoPgStore *pg;
  guint64 before;

  if (pg_server == NULL)
    {
      g_test_skip ("PostgreSQL only");
      return;
    }
  pg = MADO_PG_STORE (f->store);
  /* Every statement prepared once first. */
  g_assert_true (mado_registry_store_run_in_transaction (f->store, ticket_request, &warm, &error));
  g_assert_cmpuint (issue (f->store, "A", "2026-11-26T09:00:00+09:00", 10), ==, 2);
  g_assert_no_error (error);

  before = mado_pg_store_get_round_trips (pg);
  g_assert_true (mado_registry_store_run_in_transaction (f->store, ticket_request, &first, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (mado_pg_store_get_round_trips (pg) - before, ==, 3);
  g_assert_nonnull (strstr (first.response, "\"number\":3"));

  before = mado_pg_store_get_round_trips (pg);
  g_assert_true (
      mado_registry_store_run_in_transaction (f->store, ticket_request, &replay, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (mado_pg_store_get_round_trips (pg) - before, ==, 2);
  g_assert_cmpstr (replay.response, ==, first.response);

  before = mado_pg_store_get_round_trips (pg);
  g_assert_cmpuint (issue (f->store, "A", "2026-11-26T09:00:00+09:00", 11), ==, 4);
  g_assert_cmpuint (mado_pg_store_get_round_trips (pg) - before, ==, 2);

  before = mado_pg_store_get_round_trips (pg);
  g_assert_true (mado_registry_store_run_in_transaction (f->store, nothing, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (mado_pg_store_get_round_trips (pg) - before, ==, 0);

  g_free (warm.response);
  g_free (first.response);
  g_free (replay.response);
}

/* ---- backup and restore ------------------------------------------------------------------- */

typedef struct
{
  MadoRegistryStore *store;
  volatile gint stop;
  guint issued;
} Writer;

static gpointer
writer_thread (gpointer data)
{
  Writer *writer = data;

  while (!g_atomic_int_get (&writer->stop) || writer->issued < 20)
    {
      issue (writer->store, "B", "2026-11-26T09:00:00+09:00", 5000 + writer->issued);
      writer->issued++;
    }
  return NULL;
}

static void
test_backup_restore (Fixture *f, gconstpointer data)
{
  g_autoptr (JsonNode) node = load_sample ("person-japanese.json");
  g_autofree char *copy_path = g_build_filename (f->dir, "backup.db", NULL);
  g_autofree char *copy_dsn = g_strconcat ("sqlite:", copy_path, NULL);
  g_autoptr (MadoRegistryStore) restored = NULL;
  g_autoptr (MadoPerson) person = NULL;
  g_autoptr (GPtrArray) history = NULL;
  g_autoptr (MadoQueueTicket) probe = NULL;
  g_autoptr (GError) error = NULL;
  Writer writer = { f->store, 0, 0 };
  GThread *thread;
  guint numbered = 0;

  if (pg_server != NULL)
    {
      /* The server's own tools take PostgreSQL backups (docs/registry-storage.md). */
      g_assert_false (mado_registry_store_backup (f->store, copy_path, &error));
      g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_BACKUP);
      g_test_skip ("PostgreSQL: backup is pg_dump / pg_basebackup, outside the store");
      return;
    }
  record (f->store, node, "domestic_move_in", 1);
  /* The backup runs while another thread keeps issuing tickets on the same store. */
  thread = g_thread_new ("writer", writer_thread, &writer);
  g_assert_true (mado_registry_store_backup (f->store, copy_path, &error));
  g_assert_no_error (error);
  g_atomic_int_set (&writer.stop, 1);
  g_thread_join (thread);

  json_object_set_string_member (json_node_get_object (node), "remarks", "バックアップの後");
  record (f->store, node, "minor_correction", 2);
  record (f->store, node, "minor_correction", 3);

  restored = mado_registry_store_open (copy_dsn, &error);
  g_assert_no_error (error);
  person = mado_registry_store_get_person (restored, "0000000019", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (person->remarks, ==, "テスト用の架空の住民");
  history = mado_registry_store_list_history (restored, "0000000019", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 1);

  /* The copy is consistent: its tickets are 1…n with no gap, and it numbers on from n. */
  for (guint i = 0; i < writer.issued; i++)
    {
      g_autoptr (MadoQueueTicket) make = make_ticket ("B", "2026-11-26T09:00:00+09:00", 5000 + i);
      g_autoptr (MadoQueueTicket) read
          = mado_registry_store_get_ticket (restored, make->ticket_id, NULL);
      if (read == NULL)
        break;
      g_assert_cmpuint (read->number, ==, i + 1);
      numbered++;
    }
  g_test_message ("%u of %u tickets issued during the backup are in the copy", numbered,
                  writer.issued);
  g_assert_cmpuint (issue (restored, "B", "2026-11-26T09:00:00+09:00", 9000), ==, numbered + 1);
  probe = mado_registry_store_get_ticket (f->store, "k7q2m4x5a6b3c2d7e4f5aaaaaa", &error);
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_NOT_FOUND);
  g_assert_null (probe);
}

/* ---- schema 4: migration from version 3 ---------------------------------------------------- */

static void
test_migrations_from_v3 (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("mado-registry-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *dbname = NULL;
  g_autofree char *dsn = new_database (dir, "v3.db", &path, &dbname);
  /* #1 has the smallest number and the smallest issued_at text; #2 is the oldest instant. */
  g_autoptr (MadoQueueTicket) t1 = make_ticket ("A", "2026-11-26T01:00:00+00:00", 1);
  g_autoptr (MadoQueueTicket) t2 = make_ticket ("A", "2026-11-26T09:30:00+09:00", 2);
  g_autoptr (MadoIssuance) issuance = make_request (1);
  g_autofree char *t1_json = NULL;
  g_autofree char *t2_json = NULL;
  g_autofree char *issuance_json = NULL;
  g_autofree char *digest = NULL;
  g_autoptr (MadoRegistryStore) store = NULL;
  g_autoptr (MadoQueueTicket) called = NULL;
  g_autoptr (GPtrArray) tickets = NULL;
  g_autoptr (GPtrArray) listed = NULL;
  const char *const categories[] = { "A", NULL };
  const char *hex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

  g_assert_no_error (error);
  t1->number = 1;
  t2->number = 2;
  t1_json = mado_queue_ticket_to_data (t1, NULL);
  t2_json = mado_queue_ticket_to_data (t2, NULL);
  g_free (issuance->issue_number);
  issuance->issue_number = g_strdup ("K01-000001");
  issuance_json = mado_issuance_to_data (issuance, NULL);

  /* A database as version 3 left it: two waiting tickets and an issuance. */
  raw_exec (dsn,
            "CREATE TABLE schema_version (version INTEGER NOT NULL);"
            "INSERT INTO schema_version VALUES (3);",
            NULL);
  for (guint v = 1; v <= 3; v++)
    raw_exec (dsn, migration (v), NULL);
  raw_exec (dsn,
            "INSERT INTO tickets VALUES ('k7q2m4x5a6b3c2d7e4f5aaaaab', '2026-11-26', 'A', 1, "
            "'waiting', $1)",
            t1_json);
  raw_exec (dsn,
            "INSERT INTO tickets VALUES ('k7q2m4x5a6b3c2d7e4f5aaaaac', '2026-11-26', 'A', 2, "
            "'waiting', $1)",
            t2_json);
  raw_exec (dsn, "INSERT INTO ticket_counters VALUES ('2026-11-26', 'A', 2)", NULL);
  raw_exec (dsn, "INSERT INTO issuances VALUES ('K01-000001', 1, 'reserved', 'self', 300, $1)",
            issuance_json);
  raw_exec (dsn, "UPDATE counters SET value = 1 WHERE name = 'issue_number'", NULL);

  store = mado_registry_store_open (dsn, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mado_registry_store_get_schema_version (store), ==, 4);
  g_assert_cmpuint (latest_schema (), ==, 4);

  /* issued_at was carried into the new column: the oldest instant is called first. */
  called
      = mado_registry_store_call_next_ticket (store, categories, "2026-11-26", "1番窓口", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (called->number, ==, 2);
  tickets = mado_registry_store_list_tickets (store, "2026-11-26", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tickets->len, ==, 2);
  /* Numbering goes on from the old counter. */
  g_assert_cmpuint (issue (store, "A", "2026-11-26T10:00:00+09:00", 3), ==, 3);

  /* The old issuance takes a digest; the new tables are there. */
  digest = mado_registry_store_get_issuance_digest (store, "K01-000001", &error);
  g_assert_no_error (error);
  g_assert_null (digest);
  g_assert_true (mado_registry_store_set_issuance_digest (store, "K01-000001", hex, &error));
  g_assert_no_error (error);
  /* …and is listed by the day of its reserved_at (the column filled by the migration). */
  listed = mado_registry_store_list_issuances (store, "2026-11-26", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, 1);
  g_assert_cmpstr (((MadoIssuance *)g_ptr_array_index (listed, 0))->issue_number, ==, "K01-000001");
  g_assert_true (mado_registry_store_enrol_terminal (store, "kiosk-a01", "kiosk", "01", 2000000000,
                                                     1764100000, &error));
  g_assert_no_error (error);

  g_clear_object (&store);
  drop_database (dbname);
  remove_tree (dir);
}

/* The records' strings are char *; the store only reads them. */
#define STR(literal) ((char *)(literal))

/* ---- terminals ----------------------------------------------------------------------------- */

static void
test_terminals (Fixture *f, gconstpointer data)
{
  g_autoptr (MadoTerminalRecord) found = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (GError) error = NULL;
  MadoTerminalRecord *row;

  g_assert_true (mado_registry_store_enrol_terminal (f->store, "kiosk-a01", "kiosk", "00AB12",
                                                     1800000000, 1764100000, &error));
  g_assert_no_error (error);
  g_assert_true (mado_registry_store_enrol_terminal (f->store, "console-01", "console", "77",
                                                     1800000000, 1764100001, &error));
  g_assert_no_error (error);

  /* The serial in any case, with or without leading zeros. */
  found = mado_registry_store_find_terminal_by_serial (f->store, "ab12", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found->terminal_id, ==, "kiosk-a01");
  g_assert_cmpstr (found->kind, ==, "kiosk");
  g_assert_cmpstr (found->serial_hex, ==, "ab12");
  g_assert_cmpint (found->not_after, ==, 1800000000);
  g_assert_cmpint (found->enrolled_at, ==, 1764100000);
  g_assert_cmpint (found->revoked_at, ==, 0);
  g_clear_pointer (&found, mado_terminal_record_free);

  /* Renewal: the id stays; both certificates are known; the list shows the latest. */
  g_assert_true (mado_registry_store_enrol_terminal (f->store, "kiosk-a01", "kiosk", "CD34",
                                                     1900000000, 1764200000, &error));
  g_assert_no_error (error);
  found = mado_registry_store_find_terminal_by_serial (f->store, "00ab12", &error);
  g_assert_no_error (error);
  g_assert_cmpint (found->revoked_at, ==, 0);
  g_clear_pointer (&found, mado_terminal_record_free);
  list = mado_registry_store_list_terminals (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  row = g_ptr_array_index (list, 0);
  g_assert_cmpstr (row->terminal_id, ==, "console-01");
  g_assert_cmpstr (row->kind, ==, "console");
  row = g_ptr_array_index (list, 1);
  g_assert_cmpstr (row->terminal_id, ==, "kiosk-a01");
  g_assert_cmpstr (row->serial_hex, ==, "cd34");
  g_assert_cmpint (row->not_after, ==, 1900000000);
  g_assert_cmpint (row->enrolled_at, ==, 1764200000);
  g_clear_pointer (&list, g_ptr_array_unref);

  /* A serial is enrolled once, for anyone; a terminal keeps its kind. */
  g_assert_false (mado_registry_store_enrol_terminal (f->store, "kiosk-a02", "kiosk", "cd34",
                                                      1900000000, 1764200001, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_CONFLICT);
  g_clear_error (&error);
  g_assert_false (mado_registry_store_enrol_terminal (f->store, "kiosk-a01", "kiosk", "AB12",
                                                      1900000000, 1764200001, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_CONFLICT);
  g_clear_error (&error);
  g_assert_false (mado_registry_store_enrol_terminal (f->store, "kiosk-a01", "console", "EF",
                                                      1900000000, 1764200001, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_CONFLICT);
  g_clear_error (&error);
  /* The refused enrolment of a new id left no terminal behind. */
  list = mado_registry_store_list_terminals (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_clear_pointer (&list, g_ptr_array_unref);

  g_assert_false (mado_registry_store_enrol_terminal (f->store, "kiosk a01", "kiosk", "EF",
                                                      1900000000, 1764200001, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (mado_registry_store_enrol_terminal (f->store, "printer-01", "printer", "EF",
                                                      1900000000, 1764200001, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (mado_registry_store_enrol_terminal (f->store, "kiosk-a03", "kiosk", "XY",
                                                      1900000000, 1764200001, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_INVALID);
  g_clear_error (&error);

  /* Revocation: every certificate, once and for all. */
  g_assert_true (mado_registry_store_revoke_terminal (f->store, "kiosk-a01", 1764300000, &error));
  g_assert_no_error (error);
  g_assert_true (mado_registry_store_revoke_terminal (f->store, "kiosk-a01", 1764400000, &error));
  g_assert_no_error (error);
  found = mado_registry_store_find_terminal_by_serial (f->store, "AB12", &error);
  g_assert_no_error (error);
  g_assert_cmpint (found->revoked_at, ==, 1764300000);
  g_clear_pointer (&found, mado_terminal_record_free);
  found = mado_registry_store_find_terminal_by_serial (f->store, "cd34", &error);
  g_assert_no_error (error);
  g_assert_cmpint (found->revoked_at, ==, 1764300000);
  g_clear_pointer (&found, mado_terminal_record_free);
  g_assert_false (mado_registry_store_enrol_terminal (f->store, "kiosk-a01", "kiosk", "EF01",
                                                      1900000000, 1764500000, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_CONFLICT);
  g_clear_error (&error);
  list = mado_registry_store_list_terminals (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (((MadoTerminalRecord *)g_ptr_array_index (list, 0))->revoked_at, ==, 0);
  g_assert_cmpint (((MadoTerminalRecord *)g_ptr_array_index (list, 1))->revoked_at, ==, 1764300000);

  g_assert_false (mado_registry_store_revoke_terminal (f->store, "kiosk-zz", 1764300000, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (mado_registry_store_revoke_terminal (f->store, "console-01", 0, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_INVALID);
  g_clear_error (&error);
  found = mado_registry_store_find_terminal_by_serial (f->store, "EF01", &error);
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_NOT_FOUND);
  g_assert_null (found);
}

/* ---- operators ----------------------------------------------------------------------------- */

static void
test_operators (Fixture *f, gconstpointer data)
{
  MadoOperatorRecord op = { STR ("clerk.sato"),
                            STR ("佐藤 花子"),
                            MADO_OPERATOR_ROLE_CLERK,
                            STR ("$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA"),
                            FALSE,
                            1764100000 };
  g_autoptr (MadoOperatorRecord) read = NULL;
  g_autoptr (GError) error = NULL;
  MadoOperatorRole role = MADO_OPERATOR_ROLE_CLERK;

  g_assert_cmpstr (mado_operator_role_to_string (MADO_OPERATOR_ROLE_CLERK), ==, "clerk");
  g_assert_cmpstr (mado_operator_role_to_string (MADO_OPERATOR_ROLE_SUPERVISOR), ==, "supervisor");
  g_assert_cmpstr (mado_operator_role_to_string (MADO_OPERATOR_ROLE_ADMINISTRATOR), ==,
                   "administrator");
  g_assert_null (mado_operator_role_to_string ((MadoOperatorRole)7));
  g_assert_true (mado_operator_role_from_string ("administrator", &role));
  g_assert_cmpint (role, ==, MADO_OPERATOR_ROLE_ADMINISTRATOR);
  g_assert_false (mado_operator_role_from_string ("root", &role));
  g_assert_false (mado_operator_role_from_string (NULL, &role));

  g_assert_true (mado_registry_store_put_operator (f->store, &op, &error));
  g_assert_no_error (error);
  read = mado_registry_store_get_operator (f->store, "clerk.sato", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (read->login, ==, "clerk.sato");
  g_assert_cmpstr (read->display_name, ==, "佐藤 花子");
  g_assert_cmpint (read->role, ==, MADO_OPERATOR_ROLE_CLERK);
  g_assert_cmpstr (read->password_hash, ==, op.password_hash);
  g_assert_false (read->disabled);
  g_assert_cmpint (read->created_at, ==, 1764100000);
  g_clear_pointer (&read, mado_operator_record_free);

  /* Replaced by login. */
  op.role = MADO_OPERATOR_ROLE_SUPERVISOR;
  op.disabled = TRUE;
  op.password_hash = STR ("$argon2id$v=19$m=65536,t=3,p=4$c2FsdDI$aGFzaDI");
  g_assert_true (mado_registry_store_put_operator (f->store, &op, &error));
  g_assert_no_error (error);
  read = mado_registry_store_get_operator (f->store, "clerk.sato", &error);
  g_assert_no_error (error);
  g_assert_cmpint (read->role, ==, MADO_OPERATOR_ROLE_SUPERVISOR);
  g_assert_true (read->disabled);
  g_assert_cmpstr (read->password_hash, ==, op.password_hash);
  g_clear_pointer (&read, mado_operator_record_free);

  read = mado_registry_store_get_operator (f->store, "clerk.suzuki", &error);
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_NOT_FOUND);
  g_assert_null (read);
  g_clear_error (&error);

  /* Refused, and the message does not repeat the name. */
  op.login = STR ("clerk sato");
  g_assert_false (mado_registry_store_put_operator (f->store, &op, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_INVALID);
  g_clear_error (&error);
  op.login = STR ("clerk.sato");
  op.display_name = STR ("佐藤\n花子");
  g_assert_false (mado_registry_store_put_operator (f->store, &op, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_INVALID);
  g_assert_null (strstr (error->message, "佐藤"));
  g_clear_error (&error);
  op.display_name = STR ("佐藤 花子");
  op.password_hash = STR ("");
  g_assert_false (mado_registry_store_put_operator (f->store, &op, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_INVALID);
  g_clear_error (&error);
  op.password_hash = STR ("x");
  op.role = (MadoOperatorRole)9;
  g_assert_false (mado_registry_store_put_operator (f->store, &op, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_INVALID);
}

/* ---- sessions ------------------------------------------------------------------------------ */

#define HASH_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HASH_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define HASH_C "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"

static void
test_sessions (Fixture *f, gconstpointer data)
{
  MadoSessionRecord identity
      = { STR (HASH_A),
          STR ("identity"),
          STR ("0000000019"),
          STR ("kiosk-a01"),
          STR ("0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"),
          1764100000,
          1764100600 };
  MadoSessionRecord op = { STR (HASH_B), STR ("operator"), STR ("clerk.sato"), STR ("console-01"),
                           NULL,         1764100000,       1764128800 };
  g_autoptr (MadoSessionRecord) read = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (mado_registry_store_put_session (f->store, &identity, &error));
  g_assert_no_error (error);
  g_assert_true (mado_registry_store_put_session (f->store, &op, &error));
  g_assert_no_error (error);

  read = mado_registry_store_get_session (f->store, HASH_A, 1764100599, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (read->token_hash, ==, HASH_A);
  g_assert_cmpstr (read->kind, ==, "identity");
  g_assert_cmpstr (read->subject, ==, "0000000019");
  g_assert_cmpstr (read->terminal_id, ==, "kiosk-a01");
  g_assert_cmpstr (read->card_link, ==,
                   "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
  g_assert_cmpint (read->created_at, ==, 1764100000);
  g_assert_cmpint (read->expires_at, ==, 1764100600);
  g_clear_pointer (&read, mado_session_record_free);

  /* Gone at its expiry. */
  read = mado_registry_store_get_session (f->store, HASH_A, 1764100600, &error);
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_NOT_FOUND);
  g_assert_null (read);
  g_clear_error (&error);

  /* The hash in upper case is the same session. */
  read = mado_registry_store_get_session (f->store,
                                          "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"
                                          "BBBBBBBBBBBBBBBBBBB",
                                          1764100600, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (read->subject, ==, "clerk.sato");
  g_assert_null (read->card_link);
  g_clear_pointer (&read, mado_session_record_free);

  /* Replaced by token hash (a longer session); a later put purges the expired one. */
  op.expires_at = 1764200000;
  g_assert_true (mado_registry_store_put_session (f->store, &op, &error));
  g_assert_no_error (error);
  read = mado_registry_store_get_session (f->store, HASH_B, 1764150000, &error);
  g_assert_no_error (error);
  g_clear_pointer (&read, mado_session_record_free);

  /* Deleted (twice is fine). */
  g_assert_true (mado_registry_store_delete_session (f->store, HASH_B, &error));
  g_assert_no_error (error);
  g_assert_true (mado_registry_store_delete_session (f->store, HASH_B, &error));
  g_assert_no_error (error);
  read = mado_registry_store_get_session (f->store, HASH_B, 1764100000, &error);
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_NOT_FOUND);
  g_assert_null (read);
  g_clear_error (&error);

  /* Refused. */
  identity.token_hash = STR ("abc");
  g_assert_false (mado_registry_store_put_session (f->store, &identity, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_INVALID);
  g_clear_error (&error);
  identity.token_hash = STR (HASH_C);
  identity.subject = STR ("0000000018"); /* bad check digit */
  g_assert_false (mado_registry_store_put_session (f->store, &identity, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_INVALID);
  g_assert_null (strstr (error->message, "0000000018"));
  g_clear_error (&error);
  identity.subject = STR ("0000000019");
  identity.expires_at = identity.created_at;
  g_assert_false (mado_registry_store_put_session (f->store, &identity, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_INVALID);
  g_clear_error (&error);
  op.token_hash = STR (HASH_C);
  op.card_link = STR (HASH_A);
  g_assert_false (mado_registry_store_put_session (f->store, &op, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_INVALID);
  g_clear_error (&error);
  op.card_link = NULL;
  op.kind = STR ("robot");
  g_assert_false (mado_registry_store_put_session (f->store, &op, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_INVALID);
  g_clear_error (&error);
  read = mado_registry_store_get_session (f->store, "not-a-hash", 1764100000, &error);
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_INVALID);
  g_assert_null (read);
}

/* ---- challenge nonces ---------------------------------------------------------------------- */

static void
fill_nonce (guint8 nonce[MADO_NONCE_LENGTH], guint seed)
{
  for (guint i = 0; i < MADO_NONCE_LENGTH; i++)
    nonce[i] = (guint8)(seed * 31u + i * 7u + (seed >> 8));
  nonce[0] = (guint8)seed;
  nonce[1] = (guint8)(seed >> 8);
}

static void
test_nonces (Fixture *f, gconstpointer data)
{
  g_autoptr (MadoNonceStore) nonces = mado_registry_nonce_store_new (f->store);
  g_autoptr (GError) error = NULL;
  guint8 a[MADO_NONCE_LENGTH], b[MADO_NONCE_LENGTH], c[MADO_NONCE_LENGTH];
  gint64 now = 1764100000;

  fill_nonce (a, 1);
  fill_nonce (b, 2);
  fill_nonce (c, 3);
  g_assert_true (MADO_IS_NONCE_STORE (nonces));
  g_assert_true (mado_nonce_store_put (nonces, a, now + 300, &error));
  g_assert_no_error (error);
  g_assert_true (mado_registry_store_put_nonce (f->store, b, now + 300, &error));
  g_assert_no_error (error);
  /* A nonce is issued once. */
  g_assert_false (mado_nonce_store_put (nonces, a, now + 600, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_CONFLICT);
  g_clear_error (&error);

  g_assert_cmpint (mado_nonce_store_take (nonces, c, now, &error), ==, MADO_NONCE_UNKNOWN);
  g_assert_no_error (error);
  g_assert_cmpint (mado_nonce_store_take (nonces, a, now + 300, &error), ==, MADO_NONCE_FRESH);
  g_assert_no_error (error);
  g_assert_cmpint (mado_nonce_store_take (nonces, a, now + 1, &error), ==, MADO_NONCE_USED);
  g_assert_no_error (error);
  g_assert_cmpint (mado_registry_store_take_nonce (f->store, b, now + 301, &error), ==,
                   MADO_NONCE_EXPIRED);
  g_assert_no_error (error);
  /* Still expired, not consumed by the late try. */
  g_assert_cmpint (mado_registry_store_take_nonce (f->store, b, now + 302, &error), ==,
                   MADO_NONCE_EXPIRED);
  g_assert_no_error (error);
  /* An hour after their expiry both rows are purged. */
  g_assert_cmpint (mado_nonce_store_take (nonces, c, now + 300 + 3601, &error), ==,
                   MADO_NONCE_UNKNOWN);
  g_assert_no_error (error);
  g_assert_cmpint (mado_nonce_store_take (nonces, a, now + 300 + 3601, &error), ==,
                   MADO_NONCE_UNKNOWN);
  g_assert_cmpint (mado_nonce_store_take (nonces, b, now + 300 + 3601, &error), ==,
                   MADO_NONCE_UNKNOWN);
  g_assert_no_error (error);
}

#define NONCE_THREADS 4
#define NONCE_COUNT 40

typedef struct
{
  const char *dsn;
  gint *start;
  gint *fresh; /* NONCE_COUNT counters */
  gint64 now;
} NonceTaker;

/* Two connections of its own, each taking every nonce once. */
static gpointer
nonce_taker_thread (gpointer data)
{
  NonceTaker *taker = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoRegistryStore) one = mado_registry_store_open (taker->dsn, &error);
  g_autoptr (MadoRegistryStore) two = mado_registry_store_open (taker->dsn, &error);
  g_autoptr (MadoNonceStore) first = NULL;
  g_autoptr (MadoNonceStore) second = NULL;

  g_assert_no_error (error);
  first = mado_registry_nonce_store_new (one);
  second = mado_registry_nonce_store_new (two);
  while (!g_atomic_int_get (taker->start))
    g_thread_yield ();
  for (guint i = 0; i < NONCE_COUNT; i++)
    {
      guint8 nonce[MADO_NONCE_LENGTH];
      fill_nonce (nonce, 100 + i);
      for (guint c = 0; c < 2; c++)
        {
          MadoNonceState state
              = mado_nonce_store_take (c ? second : first, nonce, taker->now, &error);
          g_assert_no_error (error);
          if (state == MADO_NONCE_FRESH)
            g_atomic_int_inc (&taker->fresh[i]);
          else
            g_assert_cmpint (state, ==, MADO_NONCE_USED);
        }
    }
  return NULL;
}

static void
test_nonces_concurrent (Fixture *f, gconstpointer data)
{
  NonceTaker takers[NONCE_THREADS];
  GThread *threads[NONCE_THREADS];
  gint fresh[NONCE_COUNT] = { 0 };
  gint start = 0;
  g_autoptr (GError) error = NULL;
  gint64 now = now_seconds ();

  for (guint i = 0; i < NONCE_COUNT; i++)
    {
      guint8 nonce[MADO_NONCE_LENGTH];
      fill_nonce (nonce, 100 + i);
      g_assert_true (mado_registry_store_put_nonce (f->store, nonce, now + 300, &error));
      g_assert_no_error (error);
    }
  for (guint t = 0; t < NONCE_THREADS; t++)
    {
      takers[t] = (NonceTaker){ f->dsn, &start, fresh, now };
      threads[t] = g_thread_new ("nonce-taker", nonce_taker_thread, &takers[t]);
    }
  g_usleep (G_USEC_PER_SEC / 5); /* every thread has its connections open */
  g_atomic_int_set (&start, 1);
  for (guint t = 0; t < NONCE_THREADS; t++)
    g_thread_join (threads[t]);
  /* Eight connections asked for each nonce: exactly one got it FRESH. */
  for (guint i = 0; i < NONCE_COUNT; i++)
    g_assert_cmpint (fresh[i], ==, 1);
}

/* ---- move drafts --------------------------------------------------------------------------- */

static MadoMoveDraft *
make_draft (const char *draft_id, const char *status)
{
  g_autoptr (JsonNode) node = load_sample ("move-draft.json");
  g_autoptr (GError) error = NULL;
  JsonObject *object = json_node_get_object (node);
  MadoMoveDraft *draft;

  json_object_set_string_member (object, "draft_id", draft_id);
  json_object_set_string_member (object, "status", status);
  if (g_str_equal (status, "draft") || g_str_equal (status, "submitted"))
    json_object_remove_member (object, "provisional_by");
  draft = mado_move_draft_new_from_json (node, &error);
  g_assert_no_error (error);
  return draft;
}

static void
test_move_drafts (Fixture *f, gconstpointer data)
{
  g_autoptr (MadoMoveDraft) draft = make_draft ("D-20261126-0001", "submitted");
  g_autoptr (MadoMoveDraft) other = make_draft ("D-20261126-0002", "provisional");
  g_autoptr (MadoMoveDraft) third = make_draft ("D-20261126-0003", "submitted");
  g_autoptr (MadoMoveDraft) read = NULL;
  g_autoptr (MadoMoveDraft) clerk_a = NULL;
  g_autoptr (MadoMoveDraft) clerk_b = NULL;
  g_autoptr (MadoRegistryStore) second = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *expected_json = mado_move_draft_to_data (draft, NULL);
  g_autofree char *read_json = NULL;

  g_assert_true (mado_registry_store_put_move_draft (f->store, draft, &error));
  g_assert_no_error (error);
  g_assert_true (mado_registry_store_put_move_draft (f->store, other, &error));
  g_assert_no_error (error);
  g_assert_true (mado_registry_store_put_move_draft (f->store, third, &error));
  g_assert_no_error (error);
  g_assert_false (mado_registry_store_put_move_draft (f->store, draft, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_CONFLICT);
  g_clear_error (&error);

  read = mado_registry_store_get_move_draft (f->store, "D-20261126-0001", &error);
  g_assert_no_error (error);
  read_json = mado_move_draft_to_data (read, NULL);
  g_assert_cmpstr (read_json, ==, expected_json);
  g_clear_pointer (&read, mado_move_draft_free);
  read = mado_registry_store_get_move_draft (f->store, "D-20261126-0009", &error);
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_NOT_FOUND);
  g_assert_null (read);
  g_clear_error (&error);

  /* Listing: oldest first, by status, limited. */
  list = mado_registry_store_list_move_drafts (f->store, -1, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 3);
  g_assert_cmpstr (((MadoMoveDraft *)g_ptr_array_index (list, 0))->draft_id, ==, "D-20261126-0001");
  g_assert_cmpstr (((MadoMoveDraft *)g_ptr_array_index (list, 2))->draft_id, ==, "D-20261126-0003");
  g_clear_pointer (&list, g_ptr_array_unref);
  list = mado_registry_store_list_move_drafts (f->store, MADO_MOVE_STATUS_SUBMITTED, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = mado_registry_store_list_move_drafts (f->store, MADO_MOVE_STATUS_SUBMITTED, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpstr (((MadoMoveDraft *)g_ptr_array_index (list, 0))->draft_id, ==, "D-20261126-0001");
  g_clear_pointer (&list, g_ptr_array_unref);
  list = mado_registry_store_list_move_drafts (f->store, 42, 0, &error);
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_INVALID);
  g_assert_null (list);
  g_clear_error (&error);

  /* Two clerks on two connections read the submitted draft; the first to write wins. */
  second = mado_registry_store_open (f->dsn, &error);
  g_assert_no_error (error);
  clerk_a = mado_registry_store_get_move_draft (f->store, "D-20261126-0001", &error);
  g_assert_no_error (error);
  clerk_b = mado_registry_store_get_move_draft (second, "D-20261126-0001", &error);
  g_assert_no_error (error);
  g_assert_true (mado_move_draft_change_status (clerk_a, MADO_MOVE_STATUS_PROVISIONAL, "clerk.sato",
                                                NULL, &error));
  g_assert_true (
      mado_move_draft_change_status (clerk_b, MADO_MOVE_STATUS_REJECTED, NULL, "書類不足", &error));
  g_assert_no_error (error);
  g_assert_true (mado_registry_store_update_move_draft (f->store, clerk_a,
                                                        MADO_MOVE_STATUS_SUBMITTED, &error));
  g_assert_no_error (error);
  g_assert_false (
      mado_registry_store_update_move_draft (second, clerk_b, MADO_MOVE_STATUS_SUBMITTED, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_CONFLICT);
  g_clear_error (&error);
  read = mado_registry_store_get_move_draft (second, "D-20261126-0001", &error);
  g_assert_no_error (error);
  g_assert_cmpint (read->status, ==, MADO_MOVE_STATUS_PROVISIONAL);
  g_assert_cmpstr (read->provisional_by, ==, "clerk.sato");
  g_clear_pointer (&read, mado_move_draft_free);

  /* 本登録 by a supervisor; then the draft is final. */
  g_assert_true (mado_move_draft_change_status (clerk_a, MADO_MOVE_STATUS_REGISTERED,
                                                "super.tanaka", NULL, &error));
  g_assert_true (mado_registry_store_update_move_draft (f->store, clerk_a,
                                                        MADO_MOVE_STATUS_PROVISIONAL, &error));
  g_assert_no_error (error);
  g_assert_false (mado_registry_store_update_move_draft (f->store, clerk_a,
                                                         MADO_MOVE_STATUS_REGISTERED, &error));
  g_assert_error (error, MADO_MODEL_ERROR, MADO_MODEL_ERROR_TRANSITION);
  g_clear_error (&error);
  list = mado_registry_store_list_move_drafts (f->store, MADO_MOVE_STATUS_REGISTERED, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpstr (((MadoMoveDraft *)g_ptr_array_index (list, 0))->registered_by, ==,
                   "super.tanaka");
  g_clear_pointer (&list, g_ptr_array_unref);

  /* Edits without a status change are fine; a jump past the life cycle is not. */
  g_free (third->phone);
  third->phone = g_strdup ("03-1111-2222");
  g_assert_true (
      mado_registry_store_update_move_draft (f->store, third, MADO_MOVE_STATUS_SUBMITTED, &error));
  g_assert_no_error (error);
  third->status = MADO_MOVE_STATUS_REGISTERED;
  third->provisional_by = g_strdup ("clerk.sato");
  third->registered_by = g_strdup ("super.tanaka");
  g_assert_false (
      mado_registry_store_update_move_draft (f->store, third, MADO_MOVE_STATUS_SUBMITTED, &error));
  g_assert_error (error, MADO_MODEL_ERROR, MADO_MODEL_ERROR_TRANSITION);
  g_clear_error (&error);
  read = mado_registry_store_get_move_draft (f->store, "D-20261126-0003", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (read->phone, ==, "03-1111-2222");
  g_assert_cmpint (read->status, ==, MADO_MOVE_STATUS_SUBMITTED);
  g_clear_pointer (&read, mado_move_draft_free);

  /* Absent. */
  g_clear_pointer (&third->draft_id, g_free);
  third->draft_id = g_strdup ("D-20261126-0009");
  third->status = MADO_MOVE_STATUS_SUBMITTED;
  g_clear_pointer (&third->provisional_by, g_free);
  g_clear_pointer (&third->registered_by, g_free);
  g_assert_false (
      mado_registry_store_update_move_draft (f->store, third, MADO_MOVE_STATUS_SUBMITTED, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_NOT_FOUND);
}

/* ---- issuance digests ---------------------------------------------------------------------- */

static void
test_issuance_digest (Fixture *f, gconstpointer data)
{
  g_autoptr (MadoIssuance) request = make_request (1);
  g_autoptr (GPtrArray) copies = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *digest = NULL;
  const char *hex = "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08";
  const char *other = "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752";

  copies = mado_registry_store_reserve_issuances (f->store, request, "K01", &error);
  g_assert_no_error (error);
  digest = mado_registry_store_get_issuance_digest (f->store, "K01-000001", &error);
  g_assert_no_error (error);
  g_assert_null (digest);

  g_assert_true (mado_registry_store_set_issuance_digest (f->store, "K01-000001", hex, &error));
  g_assert_no_error (error);
  digest = mado_registry_store_get_issuance_digest (f->store, "K01-000001", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (digest, ==, "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
  g_clear_pointer (&digest, g_free);
  /* Written once: the same again is fine, another is a conflict. */
  g_assert_true (mado_registry_store_set_issuance_digest (f->store, "K01-000001", hex, &error));
  g_assert_no_error (error);
  g_assert_false (mado_registry_store_set_issuance_digest (f->store, "K01-000001", other, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_CONFLICT);
  g_clear_error (&error);
  /* Printing does not touch it. */
  g_assert_true (mado_registry_store_mark_printed (f->store, "K01-000001",
                                                   "2026-11-26T09:46:00+09:00", &error));
  g_assert_no_error (error);
  digest = mado_registry_store_get_issuance_digest (f->store, "K01-000001", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (digest, ==, "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
  g_clear_pointer (&digest, g_free);

  g_assert_false (mado_registry_store_set_issuance_digest (f->store, "K01-000009", hex, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_NOT_FOUND);
  g_clear_error (&error);
  digest = mado_registry_store_get_issuance_digest (f->store, "K01-000009", &error);
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_NOT_FOUND);
  g_assert_null (digest);
  g_clear_error (&error);
  g_assert_false (mado_registry_store_set_issuance_digest (f->store, "K01-000001", "9f86", &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_INVALID);
}

/* ---- queue calling and offline blocks ------------------------------------------------------ */

static void
test_tickets_calling (Fixture *f, gconstpointer data)
{
  const char *const ab[] = { "A", "B", NULL };
  const char *const c_only[] = { "C", NULL };
  const char *const bad[] = { "a", NULL };
  const char *const none[] = { NULL };
  g_autoptr (MadoQueueTicket) called = NULL;
  g_autoptr (MadoQueueTicket) read = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (GError) error = NULL;

  /* Issued in this order: A1 09:01, B1 09:00 (+09:00) = 00:00Z, A2 08:59 at +08:00 = 00:59Z,
   * C1 08:00, and A3 the next day. */
  g_assert_cmpuint (issue (f->store, "A", "2026-11-26T09:01:00+09:00", 1), ==, 1);
  g_assert_cmpuint (issue (f->store, "B", "2026-11-26T09:00:00+09:00", 2), ==, 1);
  g_assert_cmpuint (issue (f->store, "A", "2026-11-26T08:59:00+08:00", 3), ==, 2);
  g_assert_cmpuint (issue (f->store, "C", "2026-11-26T08:00:00+09:00", 4), ==, 1);
  g_assert_cmpuint (issue (f->store, "A", "2026-11-27T08:00:00+09:00", 5), ==, 1);

  list = mado_registry_store_list_tickets (f->store, "2026-11-26", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 4);
  /* By category, then number. */
  read = g_ptr_array_index (list, 0);
  g_assert_cmpstr (read->category, ==, "A");
  g_assert_cmpuint (read->number, ==, 1);
  read = g_ptr_array_index (list, 2);
  g_assert_cmpstr (read->category, ==, "B");
  read = NULL;
  g_clear_pointer (&list, g_ptr_array_unref);

  /* The oldest instant among A and B: B1 (00:00Z), then A1 (00:01Z), then A2 (00:59Z). */
  called = mado_registry_store_call_next_ticket (f->store, ab, "2026-11-26", "3番窓口", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (called->category, ==, "B");
  g_assert_cmpint (called->status, ==, MADO_TICKET_STATUS_CALLED);
  g_assert_cmpstr (called->counter, ==, "3番窓口");
  read = mado_registry_store_get_ticket (f->store, called->ticket_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (read->status, ==, MADO_TICKET_STATUS_CALLED);
  g_assert_cmpstr (read->counter, ==, "3番窓口");
  g_clear_pointer (&read, mado_queue_ticket_free);
  g_clear_pointer (&called, mado_queue_ticket_free);
  called = mado_registry_store_call_next_ticket (f->store, ab, "2026-11-26", "3番窓口", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (called->category, ==, "A");
  g_assert_cmpuint (called->number, ==, 1);
  g_clear_pointer (&called, mado_queue_ticket_free);

  /* Absent, back to waiting: called again before A2. */
  read = mado_registry_store_get_ticket (f->store, "k7q2m4x5a6b3c2d7e4f5aaaaab", &error);
  g_assert_no_error (error);
  read->status = MADO_TICKET_STATUS_WAITING;
  g_assert_true (mado_registry_store_update_ticket (f->store, read, &error));
  g_assert_no_error (error);
  g_clear_pointer (&read, mado_queue_ticket_free);
  called = mado_registry_store_call_next_ticket (f->store, ab, "2026-11-26", "4番窓口", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (called->category, ==, "A");
  g_assert_cmpuint (called->number, ==, 1);
  g_assert_cmpstr (called->counter, ==, "4番窓口");
  g_clear_pointer (&called, mado_queue_ticket_free);
  called = mado_registry_store_call_next_ticket (f->store, ab, "2026-11-26", "4番窓口", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (called->number, ==, 2);
  g_clear_pointer (&called, mado_queue_ticket_free);
  called = mado_registry_store_call_next_ticket (f->store, ab, "2026-11-26", "4番窓口", &error);
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_NOT_FOUND);
  g_assert_null (called);
  g_clear_error (&error);

  list = mado_registry_store_list_tickets (f->store, "2026-11-26", MADO_TICKET_STATUS_CALLED,
                                           &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 3);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = mado_registry_store_list_tickets (f->store, "2026-11-26", MADO_TICKET_STATUS_WAITING,
                                           &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpstr (((MadoQueueTicket *)g_ptr_array_index (list, 0))->category, ==, "C");
  g_clear_pointer (&list, g_ptr_array_unref);
  called = mado_registry_store_call_next_ticket (f->store, c_only, "2026-11-27", "1番窓口", &error);
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_NOT_FOUND);
  g_assert_null (called);
  g_clear_error (&error);

  /* Refused arguments. */
  called = mado_registry_store_call_next_ticket (f->store, bad, "2026-11-26", "1番窓口", &error);
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_INVALID);
  g_assert_null (called);
  g_clear_error (&error);
  called = mado_registry_store_call_next_ticket (f->store, none, "2026-11-26", "1番窓口", &error);
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_INVALID);
  g_assert_null (called);
  g_clear_error (&error);
  called = mado_registry_store_call_next_ticket (f->store, ab, "2026-02-30", "1番窓口", &error);
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_INVALID);
  g_assert_null (called);
  g_clear_error (&error);
  list = mado_registry_store_list_tickets (f->store, "26-11-2026", -1, &error);
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_INVALID);
  g_assert_null (list);
  g_clear_error (&error);
  list = mado_registry_store_list_tickets (f->store, "2026-11-26", 6, &error);
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_INVALID);
  g_assert_null (list);
}

#define CALLERS 4
#define WAITING 40

typedef struct
{
  MadoRegistryStore *store;
  const char *counter;
  gint *start;
  GPtrArray *called; /* issued_at of each ticket called */
} Caller;

static gpointer
caller_thread (gpointer data)
{
  Caller *caller = data;
  const char *const categories[] = { "A", "B", NULL };

  while (!g_atomic_int_get (caller->start))
    g_thread_yield ();
  for (;;)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (MadoQueueTicket) ticket = mado_registry_store_call_next_ticket (
          caller->store, categories, "2026-11-26", caller->counter, &error);
      if (ticket == NULL)
        {
          g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_NOT_FOUND);
          break;
        }
      g_assert_cmpstr (ticket->counter, ==, caller->counter);
      g_ptr_array_add (caller->called, g_strdup (ticket->issued_at));
    }
  return NULL;
}

static void
test_tickets_call_concurrent (Fixture *f, gconstpointer data)
{
  static const char *const counters[CALLERS] = { "1番窓口", "2番窓口", "3番窓口", "4番窓口" };
  g_autoptr (MadoRegistryStore) second = NULL;
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (GError) error = NULL;
  Caller callers[CALLERS];
  GThread *threads[CALLERS];
  guint total = 0;
  gint start = 0;

  /* One ticket per second, alternating categories: issued_at (one offset) orders them. */
  for (guint i = 0; i < WAITING; i++)
    {
      g_autofree char *at = g_strdup_printf ("2026-11-26T09:%02u:%02u+09:00", i / 60, i % 60);
      issue (f->store, i % 2 ? "B" : "A", at, 7000 + i);
    }
  second = mado_registry_store_open (f->dsn, &error);
  g_assert_no_error (error);
  /* Two connections, each shared by two consoles' threads. */
  for (guint t = 0; t < CALLERS; t++)
    {
      callers[t] = (Caller){ t % 2 ? second : f->store, counters[t], &start,
                             g_ptr_array_new_with_free_func (g_free) };
      threads[t] = g_thread_new ("caller", caller_thread, &callers[t]);
    }
  g_atomic_int_set (&start, 1);
  for (guint t = 0; t < CALLERS; t++)
    g_thread_join (threads[t]);
  for (guint t = 0; t < CALLERS; t++)
    {
      for (guint i = 0; i < callers[t].called->len; i++)
        {
          const char *at = g_ptr_array_index (callers[t].called, i);
          /* Never the same ticket twice; each console's in the order they were issued. */
          g_assert_true (g_hash_table_add (seen, (gpointer)at));
          if (i > 0)
            g_assert_cmpstr (at, >, (const char *)g_ptr_array_index (callers[t].called, i - 1));
        }
      total += callers[t].called->len;
      g_test_message ("%s called %u", counters[t], callers[t].called->len);
    }
  g_assert_cmpuint (total, ==, WAITING);
  list = mado_registry_store_list_tickets (f->store, "2026-11-26", MADO_TICKET_STATUS_CALLED,
                                           &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, WAITING);
  for (guint t = 0; t < CALLERS; t++)
    g_ptr_array_unref (callers[t].called);
}

static MadoQueueTicket *
make_offline (const char *category, const char *issued_at, guint serial, guint number)
{
  MadoQueueTicket *ticket = make_ticket (category, issued_at, serial);
  ticket->number = number;
  return ticket;
}

static void
test_tickets_offline_blocks (Fixture *f, gconstpointer data)
{
  const char *day = "2026-11-26T09:00:00+09:00";
  const char *const a_only[] = { "A", NULL };
  g_autoptr (MadoQueueTicket) offline = NULL;
  g_autoptr (MadoQueueTicket) called = NULL;
  g_autoptr (MadoQueueTicket) read = NULL;
  g_autoptr (GError) error = NULL;
  guint first = 0, last = 0;

  g_assert_true (mado_registry_store_set_ticket_range (f->store, "A", 1, 20, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (issue (f->store, "A", day, 1), ==, 1);
  g_assert_cmpuint (issue (f->store, "A", day, 2), ==, 2);
  /* A block off the same counter: online numbering goes on after it. */
  g_assert_true (mado_registry_store_reserve_ticket_block (f->store, "A", "2026-11-26", 5, &first,
                                                           &last, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (first, ==, 3);
  g_assert_cmpuint (last, ==, 7);
  g_assert_cmpuint (issue (f->store, "A", day, 3), ==, 8);
  /* A block on a day with no ticket yet starts at the range's first number. */
  g_assert_true (mado_registry_store_reserve_ticket_block (f->store, "A", "2026-11-27", 3, &first,
                                                           &last, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (first, ==, 1);
  g_assert_cmpuint (last, ==, 3);
  g_assert_cmpuint (issue (f->store, "A", "2026-11-27T08:30:00+09:00", 4), ==, 4);

  /* The range has 12 left today (9–20): 13 is too many, and takes nothing. */
  g_assert_false (mado_registry_store_reserve_ticket_block (f->store, "A", "2026-11-26", 13, &first,
                                                            &last, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_RANGE_EXHAUSTED);
  g_assert_cmpuint (first, ==, 0);
  g_assert_cmpuint (last, ==, 0);
  g_clear_error (&error);
  g_assert_cmpuint (issue (f->store, "A", day, 5), ==, 9);
  g_assert_false (mado_registry_store_reserve_ticket_block (f->store, "a", "2026-11-26", 1, &first,
                                                            &last, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (mado_registry_store_reserve_ticket_block (f->store, "A", "2026-11-26", 0, &first,
                                                            &last, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_INVALID);
  g_clear_error (&error);

  /* Issued offline (earlier than the online ones) with number 5 of the block. */
  offline = make_offline ("A", "2026-11-26T08:45:00+09:00", 6, 5);
  g_assert_true (mado_registry_store_put_offline_ticket (f->store, offline, &error));
  g_assert_no_error (error);
  read = mado_registry_store_get_ticket (f->store, offline->ticket_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (read->number, ==, 5);
  g_assert_true (read->offline);
  g_clear_pointer (&read, mado_queue_ticket_free);
  /* It waited longest: it is called first. */
  called = mado_registry_store_call_next_ticket (f->store, a_only, "2026-11-26", "1番窓口", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (called->ticket_id, ==, offline->ticket_id);
  g_assert_true (called->offline);
  g_clear_pointer (&offline, mado_queue_ticket_free);

  /* The same number again; an online number; another day's block; another category. */
  offline = make_offline ("A", "2026-11-26T08:46:00+09:00", 7, 5);
  g_assert_false (mado_registry_store_put_offline_ticket (f->store, offline, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_CONFLICT);
  g_clear_error (&error);
  offline->number = 8;
  g_assert_false (mado_registry_store_put_offline_ticket (f->store, offline, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_pointer (&offline, mado_queue_ticket_free);
  offline = make_offline ("A", "2026-11-28T08:46:00+09:00", 8, 3);
  g_assert_false (mado_registry_store_put_offline_ticket (f->store, offline, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_pointer (&offline, mado_queue_ticket_free);
  offline = make_offline ("B", "2026-11-26T08:46:00+09:00", 9, 3);
  g_assert_false (mado_registry_store_put_offline_ticket (f->store, offline, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_pointer (&offline, mado_queue_ticket_free);
  /* The rest of the block is still the kiosk's. */
  offline = make_offline ("A", "2026-11-26T08:47:00+09:00", 10, 7);
  g_assert_true (mado_registry_store_put_offline_ticket (f->store, offline, &error));
  g_assert_no_error (error);
  g_clear_pointer (&offline, mado_queue_ticket_free);
  offline = make_offline ("A", "2026-11-27T07:00:00+09:00", 11, 2);
  g_assert_true (mado_registry_store_put_offline_ticket (f->store, offline, &error));
  g_assert_no_error (error);
}

/* ---- transactions -------------------------------------------------------------------------- */

typedef struct
{
  gboolean fail;
  gboolean swallow; /* return TRUE after a failing step */
} JoinRequest;

static gboolean
join_request (MadoRegistryStore *store, gpointer data, GError **error)
{
  JoinRequest *request = data;
  MadoOperatorRecord op
      = { STR ("clerk.join"), STR ("結合 太郎"), MADO_OPERATOR_ROLE_CLERK, STR ("h"), FALSE, 1 };
  MadoSessionRecord session
      = { STR (HASH_C), STR ("operator"), STR ("clerk.join"), STR ("console-09"),
          NULL,         1764100000,       1764103600 };
  guint8 nonce[MADO_NONCE_LENGTH];
  g_autoptr (GError) local = NULL;

  fill_nonce (nonce, 9);
  if (!mado_registry_store_enrol_terminal (store, "console-09", "console", "09", 2000000000,
                                           1764100000, error)
      || !mado_registry_store_put_operator (store, &op, error)
      || !mado_registry_store_put_session (store, &session, error)
      || !mado_registry_store_put_nonce (store, nonce, 1764100300, error))
    return FALSE;
  if (request->swallow)
    {
      /* A step that fails (a revoked… no: an unknown terminal) marks the transaction. */
      g_assert_false (mado_registry_store_revoke_terminal (store, "console-99", 1, &local));
      return TRUE;
    }
  if (request->fail)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "the request was cut off");
      return FALSE;
    }
  return TRUE;
}

static void
assert_nothing_joined (MadoRegistryStore *store)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) terminals = mado_registry_store_list_terminals (store, &error);
  g_autoptr (MadoOperatorRecord) op = NULL;
  g_autoptr (MadoSessionRecord) session = NULL;
  guint8 nonce[MADO_NONCE_LENGTH];

  g_assert_no_error (error);
  g_assert_cmpuint (terminals->len, ==, 0);
  op = mado_registry_store_get_operator (store, "clerk.join", &error);
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_NOT_FOUND);
  g_assert_null (op);
  g_clear_error (&error);
  session = mado_registry_store_get_session (store, HASH_C, 1764100000, &error);
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_NOT_FOUND);
  g_assert_null (session);
  g_clear_error (&error);
  fill_nonce (nonce, 9);
  g_assert_cmpint (mado_registry_store_take_nonce (store, nonce, 1764100000, &error), ==,
                   MADO_NONCE_UNKNOWN);
  g_assert_no_error (error);
}

static void
test_transactions_join (Fixture *f, gconstpointer data)
{
  JoinRequest cut = { TRUE, FALSE };
  JoinRequest swallowed = { FALSE, TRUE };
  JoinRequest whole = { FALSE, FALSE };
  g_autoptr (MadoTerminalRecord) terminal = NULL;
  g_autoptr (GError) error = NULL;
  guint8 nonce[MADO_NONCE_LENGTH];

  g_assert_false (mado_registry_store_run_in_transaction (f->store, join_request, &cut, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  assert_nothing_joined (f->store);
  g_assert_false (
      mado_registry_store_run_in_transaction (f->store, join_request, &swallowed, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_DATABASE);
  g_clear_error (&error);
  assert_nothing_joined (f->store);

  g_assert_true (mado_registry_store_run_in_transaction (f->store, join_request, &whole, &error));
  g_assert_no_error (error);
  terminal = mado_registry_store_find_terminal_by_serial (f->store, "09", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (terminal->terminal_id, ==, "console-09");
  fill_nonce (nonce, 9);
  g_assert_cmpint (mado_registry_store_take_nonce (f->store, nonce, 1764100000, &error), ==,
                   MADO_NONCE_FRESH);
  g_assert_no_error (error);
}

/* ---- listings for the CSV linkage ---------------------------------------------------------- */

static void
reserve_at (MadoRegistryStore *store, const char *reserved_at, guint copies)
{
  g_autoptr (MadoIssuance) request = make_request (copies);
  g_autoptr (GPtrArray) reserved = NULL;
  g_autoptr (GError) error = NULL;

  g_free (request->reserved_at);
  request->reserved_at = g_strdup (reserved_at);
  reserved = mado_registry_store_reserve_issuances (store, request, "K01", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (reserved->len, ==, copies);
}

/* The 発行番号 of @issuances, space-separated ("K01-000001 K01-000002"). */
static char *
issue_numbers (GPtrArray *issuances)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < issuances->len; i++)
    {
      MadoIssuance *issuance = g_ptr_array_index (issuances, i);
      g_string_append_printf (s, "%s%s", i ? " " : "", issuance->issue_number);
    }
  return g_string_free (s, FALSE);
}

static void
test_issuances_list (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *numbers = NULL;

  list = mado_registry_store_list_issuances (f->store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 0);
  g_clear_pointer (&list, g_ptr_array_unref);

  reserve_at (f->store, "2026-11-26T09:45:10+09:00", 2); /* 1, 2 */
  /* The local date as written: 2026-11-27, though it is still the 26th in UTC. */
  reserve_at (f->store, "2026-11-27T00:10:00+09:00", 1); /* 3 */
  reserve_at (f->store, "2026-11-26T23:59:59+09:00", 1); /* 4 */
  reserve_at (f->store, "2026-11-26T08:00:00Z", 1);      /* 5 */
  /* Printing or voiding a copy keeps it in its day. */
  g_assert_true (mado_registry_store_void_issuance (
      f->store, "K01-000002", "2026-11-27T09:00:00+09:00", MADO_VOID_REASON_PAPER_JAM, &error));
  g_assert_no_error (error);
  g_assert_true (mado_registry_store_mark_printed (f->store, "K01-000004",
                                                   "2026-11-27T00:00:05+09:00", &error));
  g_assert_no_error (error);

  list = mado_registry_store_list_issuances (f->store, "2026-11-26", &error);
  g_assert_no_error (error);
  numbers = issue_numbers (list);
  g_assert_cmpstr (numbers, ==, "K01-000001 K01-000002 K01-000004 K01-000005");
  g_assert_cmpint (((MadoIssuance *)g_ptr_array_index (list, 1))->status, ==, MADO_ISSUANCE_VOIDED);
  g_assert_cmpint (((MadoIssuance *)g_ptr_array_index (list, 2))->status, ==,
                   MADO_ISSUANCE_PRINTED);
  g_clear_pointer (&list, g_ptr_array_unref);
  g_clear_pointer (&numbers, g_free);

  list = mado_registry_store_list_issuances (f->store, "2026-11-27", &error);
  g_assert_no_error (error);
  numbers = issue_numbers (list);
  g_assert_cmpstr (numbers, ==, "K01-000003");
  g_clear_pointer (&list, g_ptr_array_unref);
  g_clear_pointer (&numbers, g_free);

  list = mado_registry_store_list_issuances (f->store, NULL, &error);
  g_assert_no_error (error);
  numbers = issue_numbers (list);
  g_assert_cmpstr (numbers, ==, "K01-000001 K01-000002 K01-000003 K01-000004 K01-000005");
  g_clear_pointer (&list, g_ptr_array_unref);

  list = mado_registry_store_list_issuances (f->store, "2026-11-28", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 0);
  g_clear_pointer (&list, g_ptr_array_unref);

  list = mado_registry_store_list_issuances (f->store, "2026-13-01", &error);
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_INVALID);
  g_assert_null (list);
  g_clear_error (&error);
  list = mado_registry_store_list_issuances (f->store, "2026-11-26T", &error);
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_INVALID);
  g_assert_null (list);
}

/* MADO_PG_CTL (tests/registry/pg-cluster.sh): restarts, stops or starts the test's server. */
static const char *
pg_ctl_script (void)
{
  const char *ctl = g_getenv ("MADO_PG_CTL");
  return pg_server != NULL && ctl != NULL && *ctl != '\0' ? ctl : NULL;
}

static void
pg_ctl (const char *action)
{
  const char *argv[] = { pg_ctl_script (), action, NULL };
  g_autoptr (GError) error = NULL;
  gint status = 0;

  g_assert_nonnull (argv[0]);
  /* No pipes: the server pg_ctl starts must not hold any of ours. */
  g_assert_true (g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                               NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, &error));
  g_assert_no_error (error);
}

#define WALK_PERSONS (2 * MADO_REGISTRY_STORE_PERSON_PAGE + 3)

static gboolean
record_many (MadoRegistryStore *store, gpointer data, GError **error)
{
  g_autofree char *text = json_to_string (data, FALSE);

  /* Bases 100001…100000 + WALK_PERSONS in a permutation (7 is prime to the count): stored out of
   * order. */
  for (guint k = 0; k < WALK_PERSONS; k++)
    {
      guint i = (k * 7) % WALK_PERSONS + 1;
      g_autoptr (JsonNode) person = json_from_string (text, NULL); /* a deep copy */
      g_autofree char *base = g_strdup_printf ("%09u", 100000 + i);
      g_autofree char *atena = mado_atena_number_complete (base);
      g_autoptr (MadoHistoryEntry) entry = NULL;

      json_object_set_string_member (json_node_get_object (person), "atena_number", atena);
      entry = make_entry (person, "domestic_move_in", "2026-11-20");
      if (mado_registry_store_record_change (store, entry, error) == 0)
        return FALSE;
    }
  return TRUE;
}

typedef struct
{
  MadoRegistryStore *store;
  GPtrArray *seen;  /* the 宛名番号 in the order given */
  guint stop_at;    /* return FALSE at this call (1-based; 0: never) */
  gboolean restart; /* PostgreSQL: restart the server after the first page */
  gboolean kojin;   /* a person came with a 個人番号 */
} Walk;

static gboolean
walk_person (const MadoPerson *person, gpointer data, GError **error)
{
  Walk *walk = data;

  g_ptr_array_add (walk->seen, g_strdup (person->atena_number));
  if (person->kojin_bango != NULL)
    walk->kojin = TRUE;
  if (walk->seen->len == walk->stop_at)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "the export was cut off");
      return FALSE;
    }
  if (walk->seen->len == 10)
    {
      /* The store's lock is not held: it can be used from here (and by other threads). */
      g_autoptr (MadoPerson) again
          = mado_registry_store_get_person (walk->store, person->atena_number, error);
      if (again == NULL)
        return FALSE;
    }
  if (walk->restart && walk->seen->len == MADO_REGISTRY_STORE_PERSON_PAGE)
    pg_ctl ("restart"); /* the next page is read on a new connection */
  return TRUE;
}

static void
test_persons_foreach (Fixture *f, gconstpointer data)
{
  g_autoptr (JsonNode) sample = load_sample ("person-japanese.json");
  g_autoptr (GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  Walk walk = { f->store, seen, 0, FALSE, FALSE };
  g_autoptr (GError) error = NULL;
  g_autofree char *base = g_strdup_printf ("%09u", 100000 + WALK_PERSONS);
  g_autofree char *last = mado_atena_number_complete (base);

  /* None: no call. */
  g_assert_true (mado_registry_store_foreach_person (f->store, walk_person, &walk, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (seen->len, ==, 0);

  g_assert_true (mado_registry_store_run_in_transaction (f->store, record_many, sample, &error));
  g_assert_no_error (error);
  /* A person with two entries: its current row, once. */
  record (f->store, sample, "domestic_move_in", 1);
  record (f->store, sample, "minor_correction", 2);

  /* Every page, in 宛名番号 order, each person once, without 個人番号; on PostgreSQL with a
   * server restart between two pages. */
  walk.restart = pg_ctl_script () != NULL;
  g_assert_true (mado_registry_store_foreach_person (f->store, walk_person, &walk, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (seen->len, ==, WALK_PERSONS + 1);
  g_assert_false (walk.kojin);
  g_assert_cmpstr (g_ptr_array_index (seen, 0), ==, "0000000019"); /* the sample */
  for (guint i = 1; i < seen->len; i++)
    g_assert_cmpstr (g_ptr_array_index (seen, i - 1), <, g_ptr_array_index (seen, i));
  g_assert_cmpstr (g_ptr_array_index (seen, seen->len - 1), ==, last);

  /* The callback stops the walk with its error. */
  g_ptr_array_set_size (seen, 0);
  walk.restart = FALSE;
  walk.stop_at = MADO_REGISTRY_STORE_PERSON_PAGE + 500;
  g_assert_false (mado_registry_store_foreach_person (f->store, walk_person, &walk, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (seen->len, ==, MADO_REGISTRY_STORE_PERSON_PAGE + 500);
}

/* ---- the database server restarting (PostgreSQL) ------------------------------------------- */

static MadoOperatorRecord *
make_operator (const char *login)
{
  MadoOperatorRecord *op = g_new0 (MadoOperatorRecord, 1);

  op->login = g_strdup (login);
  op->display_name = g_strdup ("再接続 花子");
  op->role = MADO_OPERATOR_ROLE_CLERK;
  op->password_hash = g_strdup ("$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA");
  op->created_at = 1764100000;
  return op;
}

static void
put_operator (MadoRegistryStore *store, const char *login)
{
  g_autoptr (MadoOperatorRecord) op = make_operator (login);
  g_autoptr (GError) error = NULL;

  g_assert_true (mado_registry_store_put_operator (store, op, &error));
  g_assert_no_error (error);
}

static void
assert_operator (MadoRegistryStore *store, const char *login, gboolean present)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoOperatorRecord) op = mado_registry_store_get_operator (store, login, &error);

  if (present)
    {
      g_assert_no_error (error);
      g_assert_cmpstr (op->login, ==, login);
    }
  else
    {
      g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_NOT_FOUND);
      g_assert_null (op);
    }
}

static void
test_pg_server_restart (Fixture *f, gconstpointer data)
{
  TicketRequest request = { "restart-2", "digest-r", 3, now_seconds (), FALSE, NULL };
  g_autoptr (MadoOperatorRecord) op = make_operator ("clerk.down");
  g_autoptr (MadoOperatorRecord) read = NULL;
  g_autoptr (GError) error = NULL;

  if (pg_ctl_script () == NULL)
    {
      g_test_skip ("needs PostgreSQL and MADO_PG_CTL (tests/registry/pg-cluster.sh)");
      return;
    }
  put_operator (f->store, "clerk.before");

  /* (a) The same store after a restart: a write (its BEGIN is run again on a new connection),
   * then, after another restart, a read. */
  pg_ctl ("restart");
  put_operator (f->store, "clerk.after");
  pg_ctl ("restart");
  assert_operator (f->store, "clerk.before", TRUE);
  assert_operator (f->store, "clerk.after", TRUE);
  g_assert_cmpuint (issue (f->store, "A", "2026-11-26T09:00:00+09:00", 1), ==, 1);

  /* While the server is away: UNAVAILABLE, for reads and writes; then back. */
  pg_ctl ("stop");
  read = mado_registry_store_get_operator (f->store, "clerk.before", &error);
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_UNAVAILABLE);
  g_assert_null (read);
  g_clear_error (&error);
  g_assert_false (mado_registry_store_put_operator (f->store, op, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_UNAVAILABLE);
  g_clear_error (&error);
  pg_ctl ("start");
  assert_operator (f->store, "clerk.before", TRUE);
  assert_operator (f->store, "clerk.down", FALSE);
  g_assert_cmpuint (issue (f->store, "A", "2026-11-26T09:01:00+09:00", 2), ==, 2);

  /* After a restart, a transaction that only deferred a write (its BEGIN goes with it, then the
   * COMMIT), and the API's ticket (replay check, numbering, ticket and record). */
  pg_ctl ("restart");
  g_assert_true (mado_registry_store_put_idempotent (f->store, "kiosk-a01", "restart-1", "d", "{}",
                                                     now_seconds (), &error));
  g_assert_no_error (error);
  pg_ctl ("restart");
  g_assert_true (
      mado_registry_store_run_in_transaction (f->store, ticket_request, &request, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (request.response, "\"number\":3"));
  g_free (request.response);
}

typedef struct
{
  gboolean restart; /* restart the server between the two writes */
  gboolean swallow; /* return TRUE after the second write failed */
  GError *second;   /* the second write's error */
} Interrupted;

static gboolean
interrupted_request (MadoRegistryStore *store, gpointer data, GError **error)
{
  Interrupted *request = data;
  g_autoptr (MadoOperatorRecord) first = make_operator ("clerk.first");
  g_autoptr (MadoOperatorRecord) second = make_operator ("clerk.second");
  g_autoptr (MadoQueueTicket) ticket = make_ticket ("B", "2026-11-26T09:00:00+09:00", 40);

  if (!mado_registry_store_put_operator (store, first, error)
      || !mado_registry_store_issue_ticket (store, ticket, error))
    return FALSE;
  g_assert_cmpuint (ticket->number, ==, 1);
  if (request->restart)
    pg_ctl ("restart");
  if (mado_registry_store_put_operator (store, second, &request->second))
    return TRUE;
  if (request->swallow)
    return TRUE;
  g_propagate_error (error, g_error_copy (request->second));
  return FALSE;
}

static void
test_pg_transaction_interrupted (Fixture *f, gconstpointer data)
{
  Interrupted cut = { TRUE, FALSE, NULL };
  Interrupted swallowed = { TRUE, TRUE, NULL };
  Interrupted whole = { FALSE, FALSE, NULL };
  g_autoptr (GError) error = NULL;

  if (pg_ctl_script () == NULL)
    {
      g_test_skip ("needs PostgreSQL and MADO_PG_CTL (tests/registry/pg-cluster.sh)");
      return;
    }

  /* (b) The restart breaks the transaction: its next step fails, UNAVAILABLE, and nothing of it
   * is stored (the server rolled it back: no operator, the ticket number given back). */
  g_assert_false (
      mado_registry_store_run_in_transaction (f->store, interrupted_request, &cut, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_UNAVAILABLE);
  g_assert_error (cut.second, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_UNAVAILABLE);
  g_clear_error (&error);
  g_clear_error (&cut.second);
  assert_operator (f->store, "clerk.first", FALSE);
  assert_operator (f->store, "clerk.second", FALSE);

  /* A handler that swallows the failure does not commit either. */
  g_assert_false (
      mado_registry_store_run_in_transaction (f->store, interrupted_request, &swallowed, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_UNAVAILABLE);
  g_clear_error (&error);
  g_clear_error (&swallowed.second);
  assert_operator (f->store, "clerk.first", FALSE);

  /* The next transaction works, on the same store. */
  g_assert_true (
      mado_registry_store_run_in_transaction (f->store, interrupted_request, &whole, &error));
  g_assert_no_error (error);
  g_assert_no_error (whole.second);
  assert_operator (f->store, "clerk.first", TRUE);
  assert_operator (f->store, "clerk.second", TRUE);
}

/* ---- seal registrations (印鑑登録) --------------------------------------------------------- */

/* The sample (an abolished registration of 0000000019) as @number of @atena_number, registered
 * (@status "registered": no 廃止日 or reason) or as the sample has it. */
static MadoSealRegistration *
make_seal (const char *number, const char *atena_number, const char *status)
{
  g_autoptr (JsonNode) node = load_sample ("seal-registration.json");
  g_autoptr (GError) error = NULL;
  JsonObject *object = json_node_get_object (node);
  MadoSealRegistration *reg;

  json_object_set_string_member (object, "registration_number", number);
  json_object_set_string_member (object, "atena_number", atena_number);
  json_object_set_string_member (object, "status", status);
  if (g_str_equal (status, "registered"))
    {
      json_object_remove_member (object, "abolished_on");
      json_object_remove_member (object, "abolition_reason");
    }
  reg = mado_seal_registration_new_from_json (node, &error);
  g_assert_no_error (error);
  return reg;
}

static void
assert_seal (MadoRegistryStore *store, const MadoSealRegistration *expected)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoSealRegistration) read
      = mado_registry_store_get_seal_registration (store, expected->registration_number, &error);
  g_autofree char *expected_json = mado_seal_registration_to_data (expected, NULL);
  g_autofree char *read_json = NULL;

  g_assert_no_error (error);
  read_json = mado_seal_registration_to_data (read, NULL);
  g_assert_cmpstr (read_json, ==, expected_json);
}

/* The person's registered seal is @number; NULL: none (NOT_FOUND). */
static void
assert_current_seal (MadoRegistryStore *store, const char *atena_number, const char *number)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoSealRegistration) found
      = mado_registry_store_find_seal_registration (store, atena_number, &error);

  if (number == NULL)
    {
      g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_NOT_FOUND);
      g_assert_null (found);
      return;
    }
  g_assert_no_error (error);
  g_assert_cmpstr (found->registration_number, ==, number);
  g_assert_cmpstr (found->atena_number, ==, atena_number);
  g_assert_cmpint (found->status, ==, MADO_SEAL_STATUS_REGISTERED);
}

/* Abolishes the seal given, then fails: the transaction rolls back. */
static gboolean
put_seal_then_fail (MadoRegistryStore *store, gpointer user_data, GError **error)
{
  if (!mado_registry_store_put_seal_registration (store, user_data, error))
    return FALSE;
  g_set_error_literal (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_INVALID, "cut off");
  return FALSE;
}

static void
test_seal_registrations (Fixture *f, gconstpointer data)
{
  g_autoptr (JsonNode) household = load_sample ("household.json");
  JsonArray *members = json_object_get_array_member (json_node_get_object (household), "members");
  g_autoptr (MadoSealRegistration) a = make_seal ("IN-2019-000123", "0000000019", "registered");
  g_autoptr (MadoSealRegistration) b = make_seal ("IN-2026-000200", "0000000019", "registered");
  g_autoptr (MadoSealRegistration) c = make_seal ("IN-2026-000201", "0000000035", "registered");
  g_autoptr (MadoSealRegistration) stranger
      = make_seal ("IN-2026-000999", "0000000051", "registered");
  g_autoptr (MadoSealRegistration) taken = NULL;
  g_autoptr (MadoSealRegistration) revived = NULL;
  g_autoptr (MadoSealRegistration) read = NULL;
  g_autoptr (GError) error = NULL;

  record (f->store, json_array_get_element (members, 0), "domestic_move_in", 1);
  record (f->store, json_array_get_element (members, 1), "domestic_move_in", 1);

  /* Nothing yet. */
  assert_current_seal (f->store, "0000000019", NULL);
  read = mado_registry_store_get_seal_registration (f->store, "IN-2019-000123", &error);
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_NOT_FOUND);
  g_assert_null (read);
  g_clear_error (&error);
  /* A person the registry does not hold. */
  g_assert_false (mado_registry_store_put_seal_registration (f->store, stranger, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Registered: by number and as the person's seal, the 印影 byte for byte. */
  g_assert_true (mado_registry_store_put_seal_registration (f->store, a, &error));
  g_assert_no_error (error);
  assert_seal (f->store, a);
  assert_current_seal (f->store, "0000000019", "IN-2019-000123");
  assert_current_seal (f->store, "0000000035", NULL);

  /* Replaced by number: the card reissued (再交付). */
  g_free (a->card_number);
  a->card_number = g_strdup ("IC-0004568");
  g_assert_true (mado_registry_store_put_seal_registration (f->store, a, &error));
  g_assert_no_error (error);
  assert_seal (f->store, a);

  /* One registered seal per person: a second is refused while the first stands. */
  g_assert_false (mado_registry_store_put_seal_registration (f->store, b, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_CONFLICT);
  g_clear_error (&error);
  read = mado_registry_store_get_seal_registration (f->store, "IN-2026-000200", &error);
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_NOT_FOUND);
  g_clear_error (&error);
  assert_current_seal (f->store, "0000000019", "IN-2019-000123");

  /* Another person's number is not taken over; the model's refusals come through. */
  taken = mado_seal_registration_copy (a);
  g_free (taken->atena_number);
  taken->atena_number = g_strdup ("0000000035");
  g_assert_false (mado_registry_store_put_seal_registration (f->store, taken, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_CONFLICT);
  g_clear_error (&error);
  g_free (taken->seal_image_png);
  taken->seal_image_png = g_strdup ("R0lGODlhAQABAIAAAAUEBAAAACwAAAAAAQABAAACAkQBADs=");
  g_assert_false (mado_registry_store_put_seal_registration (f->store, taken, &error));
  g_assert_error (error, MADO_MODEL_ERROR, MADO_MODEL_ERROR_INVALID);
  g_clear_error (&error);
  assert_seal (f->store, a);

  /* 廃止: the person has no seal, and the registration stays, abolished. */
  revived = mado_seal_registration_copy (a);
  g_assert_true (
      mado_seal_registration_abolish (a, "2026-11-26", "本人の申請による廃止（改印）", &error));
  g_assert_no_error (error);
  g_assert_true (mado_registry_store_put_seal_registration (f->store, a, &error));
  g_assert_no_error (error);
  assert_seal (f->store, a);
  assert_current_seal (f->store, "0000000019", NULL);

  /* 廃止 is final: the old number is not registered again… */
  g_assert_false (mado_registry_store_put_seal_registration (f->store, revived, &error));
  g_assert_error (error, MADO_MODEL_ERROR, MADO_MODEL_ERROR_TRANSITION);
  g_clear_error (&error);
  assert_seal (f->store, a);
  /* …a new registration is (改印), and the abolished one is still there. */
  g_assert_true (mado_registry_store_put_seal_registration (f->store, b, &error));
  g_assert_no_error (error);
  assert_current_seal (f->store, "0000000019", "IN-2026-000200");
  assert_seal (f->store, a);
  assert_seal (f->store, b);

  /* An abolished registration may be corrected (still abolished). */
  g_free (a->abolition_reason);
  a->abolition_reason = g_strdup ("本人の申請による廃止");
  g_assert_true (mado_registry_store_put_seal_registration (f->store, a, &error));
  g_assert_no_error (error);
  assert_seal (f->store, a);

  /* Another person's seal is theirs alone. */
  g_assert_true (mado_registry_store_put_seal_registration (f->store, c, &error));
  g_assert_no_error (error);
  assert_current_seal (f->store, "0000000035", "IN-2026-000201");
  assert_current_seal (f->store, "0000000019", "IN-2026-000200");

  /* Inside a transaction that rolls back, nothing is kept. */
  g_assert_true (mado_seal_registration_abolish (b, "2026-11-27", NULL, &error));
  g_assert_no_error (error);
  g_assert_false (mado_registry_store_run_in_transaction (f->store, put_seal_then_fail, b, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_INVALID);
  g_clear_error (&error);
  assert_current_seal (f->store, "0000000019", "IN-2026-000200");
}

#define SEAL_THREADS 4
#define SEAL_PERSONS 12

typedef struct
{
  const char *dsn;
  guint thread;
  gint *start;
  gint *registered; /* SEAL_PERSONS counters */
  char **atena;     /* SEAL_PERSONS numbers */
} SealRegistrar;

/* A connection of its own, registering a seal of its own for every person. */
static gpointer
seal_registrar_thread (gpointer data)
{
  SealRegistrar *r = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoRegistryStore) store = mado_registry_store_open (r->dsn, &error);

  g_assert_no_error (error);
  while (!g_atomic_int_get (r->start))
    g_thread_yield ();
  for (guint i = 0; i < SEAL_PERSONS; i++)
    {
      g_autofree char *number = g_strdup_printf ("IN-T%u-P%02u", r->thread, i);
      g_autoptr (MadoSealRegistration) reg = make_seal (number, r->atena[i], "registered");
      if (mado_registry_store_put_seal_registration (store, reg, &error))
        g_atomic_int_inc (&r->registered[i]);
      else
        {
          g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_CONFLICT);
          g_clear_error (&error);
        }
    }
  return NULL;
}

/* Several connections register a seal for the same persons at once: exactly one each. */
static void
test_seal_registrations_concurrent (Fixture *f, gconstpointer data)
{
  g_autoptr (JsonNode) person = load_sample ("person-japanese.json");
  SealRegistrar registrars[SEAL_THREADS];
  GThread *threads[SEAL_THREADS];
  gint registered[SEAL_PERSONS] = { 0 };
  char *atena[SEAL_PERSONS];
  gint start = 0;

  for (guint i = 0; i < SEAL_PERSONS; i++)
    {
      char base[16];
      g_snprintf (base, sizeof base, "%09u", 200000001u + i);
      atena[i] = mado_atena_number_complete (base);
      json_object_set_string_member (json_node_get_object (person), "atena_number", atena[i]);
      record (f->store, person, "domestic_move_in", 1);
    }
  for (guint t = 0; t < SEAL_THREADS; t++)
    {
      registrars[t] = (SealRegistrar){ f->dsn, t, &start, registered, atena };
      threads[t] = g_thread_new ("seal-registrar", seal_registrar_thread, &registrars[t]);
    }
  g_usleep (G_USEC_PER_SEC / 5); /* every thread has its connection open */
  g_atomic_int_set (&start, 1);
  for (guint t = 0; t < SEAL_THREADS; t++)
    g_thread_join (threads[t]);
  for (guint i = 0; i < SEAL_PERSONS; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (MadoSealRegistration) found
          = mado_registry_store_find_seal_registration (f->store, atena[i], &error);
      g_assert_cmpint (registered[i], ==, 1);
      g_assert_no_error (error);
      g_assert_true (g_str_has_prefix (found->registration_number, "IN-T"));
      g_free (atena[i]);
    }
}

/* ---- SQLite's busy timeout ------------------------------------------------------------------ */

static void
test_sqlite_busy (Fixture *f, gconstpointer data)
{
  g_autoptr (MadoOperatorRecord) op = make_operator ("clerk.busy");
  g_autoptr (GError) error = NULL;
  sqlite3 *db = NULL;
  gint64 start;

  if (pg_server != NULL)
    {
      g_test_skip ("SQLite only (PostgreSQL's lock timeout: /registry/tickets/call-concurrent)");
      return;
    }
  mado_sqlite_store_set_busy_timeout (MADO_SQLITE_STORE (f->store), 200);
  /* Another process holds the write lock. */
  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);

  start = g_get_monotonic_time ();
  g_assert_false (mado_registry_store_put_operator (f->store, op, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_BUSY);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 150 * 1000); /* it waited */
  g_clear_error (&error);
  g_assert_false (
      mado_registry_store_run_in_transaction (f->store, join_request, &(JoinRequest){ 0 }, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_BUSY);
  g_clear_error (&error);
  /* Readers are not blocked (WAL). */
  assert_operator (f->store, "clerk.busy", FALSE);

  g_assert_cmpint (sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
  g_assert_true (mado_registry_store_put_operator (f->store, op, &error));
  g_assert_no_error (error);
  assert_operator (f->store, "clerk.busy", TRUE);
}

/* ---- SQLite's statement cache -------------------------------------------------------------- */

typedef struct
{
  MadoRegistryStore *store;
  guint outer;
  guint inner;
} NestedWalk;

static gboolean
count_person (const MadoPerson *person, gpointer user_data, GError **error)
{
  (*(guint *)user_data)++;
  return TRUE;
}

static gboolean
nested_walk_person (const MadoPerson *person, gpointer user_data, GError **error)
{
  NestedWalk *walk = user_data;

  /* The same walk, the same statements, from inside the first one. */
  if (walk->outer++ == 0)
    return mado_registry_store_foreach_person (walk->store, count_person, &walk->inner, error);
  return TRUE;
}

static gboolean
nested_walk (MadoRegistryStore *store, gpointer user_data, GError **error)
{
  return mado_registry_store_foreach_person (store, nested_walk_person, user_data, error);
}

static void
test_sqlite_statement_cache (Fixture *f, gconstpointer data)
{
  g_autoptr (JsonNode) sample = load_sample ("person-japanese.json");
  g_autofree char *copy = g_build_filename (f->dir, "copy.db", NULL);
  g_autofree char *second = mado_atena_number_complete ("000000002");
  NestedWalk walk = { f->store, 0, 0 };
  g_autoptr (GError) error = NULL;
  MadoSqliteStore *sqlite;
  guint cached;

  if (pg_server != NULL)
    {
      g_test_skip ("SQLite only (PostgreSQL's prepared statements: /registry/pg/server-restart)");
      return;
    }
  sqlite = MADO_SQLITE_STORE (f->store);
  record (f->store, sample, "domestic_move_in", 1);
  g_assert_true (mado_registry_store_foreach_person (f->store, count_person, &walk.inner, &error));
  g_assert_no_error (error);
  cached = mado_sqlite_store_get_cached_statements (sqlite);
  g_assert_cmpuint (cached, >, 0);

  /* The same calls again prepare nothing new. */
  for (guint i = 2; i <= 20; i++)
    {
      g_autoptr (MadoPerson) person = NULL;
      record (f->store, sample, "minor_correction", i);
      person = mado_registry_store_get_person (f->store, "0000000019", &error);
      g_assert_no_error (error);
      g_assert_cmpstr (person->atena_number, ==, "0000000019");
    }
  g_assert_cmpuint (mado_sqlite_store_get_cached_statements (sqlite), ==, cached + 1);

  /* A walk inside a walk, in one transaction: each sees every person once. */
  json_object_set_string_member (json_node_get_object (sample), "atena_number", second);
  record (f->store, sample, "domestic_move_in", 1);
  walk.inner = 0;
  g_assert_true (mado_registry_store_run_in_transaction (f->store, nested_walk, &walk, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (walk.outer, ==, 2);
  g_assert_cmpuint (walk.inner, ==, 2);

  /* A backup empties the cache; the store goes on and fills it again. */
  g_assert_true (mado_registry_store_backup (f->store, copy, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (mado_sqlite_store_get_cached_statements (sqlite), ==, 0);
  record (f->store, sample, "minor_correction", 2);
  g_assert_cmpuint (mado_sqlite_store_get_cached_statements (sqlite), >, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  pg_server = g_getenv ("MADO_REGISTRY_TEST_DSN");
  if (pg_server != NULL && *pg_server == '\0')
    pg_server = NULL;

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/registry/migrations/fresh", test_migrations_fresh);
  g_test_add_func ("/registry/migrations/from-v1", test_migrations_from_v1);
  ADD ("/registry/migrations/newer-refused", test_migrations_newer_refused);
  g_test_add_func ("/registry/dsn", test_dsn);
  ADD ("/registry/persons/round-trip", test_person_round_trip);
  ADD ("/registry/households/round-trip", test_household_round_trip);
  ADD ("/registry/persons/history", test_history_appends);
  ADD ("/registry/blocks", test_blocks);
  ADD ("/registry/card-links", test_card_links);
  ADD ("/registry/tickets/numbering", test_tickets_numbering);
  ADD ("/registry/tickets/concurrent", test_tickets_concurrent);
  ADD ("/registry/issuances", test_issuances);
  ADD ("/registry/issuances/concurrent", test_issuances_concurrent);
  ADD ("/registry/idempotency", test_idempotency);
  ADD ("/registry/tickets/late-writes", test_tickets_late_writes);
  ADD ("/registry/backup-restore", test_backup_restore);
  g_test_add_func ("/registry/migrations/from-v3", test_migrations_from_v3);
  ADD ("/registry/terminals", test_terminals);
  ADD ("/registry/operators", test_operators);
  ADD ("/registry/sessions", test_sessions);
  ADD ("/registry/nonces", test_nonces);
  ADD ("/registry/nonces/concurrent", test_nonces_concurrent);
  ADD ("/registry/move-drafts", test_move_drafts);
  ADD ("/registry/issuances/digest", test_issuance_digest);
  ADD ("/registry/tickets/calling", test_tickets_calling);
  ADD ("/registry/tickets/call-concurrent", test_tickets_call_concurrent);
  ADD ("/registry/tickets/offline-blocks", test_tickets_offline_blocks);
  ADD ("/registry/transactions/join", test_transactions_join);
  ADD ("/registry/issuances/list", test_issuances_list);
  ADD ("/registry/persons/foreach", test_persons_foreach);
  ADD ("/registry/seal-registrations", test_seal_registrations);
  ADD ("/registry/seal-registrations/concurrent", test_seal_registrations_concurrent);
  ADD ("/registry/pg/server-restart", test_pg_server_restart);
  ADD ("/registry/pg/transaction-interrupted", test_pg_transaction_interrupted);
  ADD ("/registry/pg/round-trips", test_pg_round_trips);
  ADD ("/registry/sqlite/busy", test_sqlite_busy);
  ADD ("/registry/sqlite/statement-cache", test_sqlite_statement_cache);
#undef ADD
  return g_test_run ();
}
