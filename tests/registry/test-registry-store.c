/* SPDX-License-Identifier: GPL-3.0-or-later
 * registry/store: a backend through the MadoRegistryStore interface — migrations (fresh, from
 * version 1, a newer schema refused), persons and households through the model, history, card
 * links, tickets (daily, per category, concurrent), issuances (numbers never reused),
 * idempotency (replay, conflict, stale, rollback), the access log, backup and restore.
 *
 * The same tests run against both backends: SQLite by default; PostgreSQL when
 * MADO_REGISTRY_TEST_DSN names a server (tests/registry/pg-cluster.sh starts a private one and
 * sets it), each test in a database of its own, created and dropped here.
 */
#include <glib/gstdio.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include "mado-pg-store.h"
#include "mado-registry-store.h"
#include "mado-sqlite-store.h"

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

  /* A certificate links one person. */
  g_assert_false (mado_registry_store_link_card (f->store, k, s2, "0000000035", 3, &error));
  g_assert_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_CONFLICT);
  g_clear_error (&error);
  found = mado_registry_store_find_card_link (f->store, k, s2, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, "0000000019");
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
  ADD ("/registry/backup-restore", test_backup_restore);
#undef ADD
  return g_test_run ();
}
