/* SPDX-License-Identifier: GPL-3.0-or-later
 * test-outbox-command — `mado-outbox` end to end against the local TLS endpoint: list (no
 * payloads), run --once, retry, exit codes from the catalogue, the service stopping cleanly on
 * SIGTERM, the [registry] and [outbox] sections of the configuration.
 */
#include <signal.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "mado-outbox.h"
#include "tls-endpoint.h"

static const char DRAFT[] = "{\"draft_id\": \"D-0001\", \"name\": \"渡邉 太郎\"}";

static TlsEndpoint *endpoint;

typedef struct
{
  char *dir;
  char *outbox_path;
  char *key_path;
  char *config_path;
  MadoOutboxKey *key;
  MadoOutbox *outbox;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  f->dir = g_dir_make_tmp ("mado-outbox-cli-XXXXXX", &error);
  g_assert_no_error (error);
  f->outbox_path = g_build_filename (f->dir, "outbox.db", NULL);
  f->key_path = g_build_filename (f->dir, "outbox.key", NULL);
  f->config_path = g_build_filename (f->dir, "empty.conf", NULL);
  g_assert_true (g_file_set_contents (f->config_path, "# nothing\n", -1, &error));
  f->key = mado_outbox_key_generate (&error);
  g_assert_no_error (error);
  g_assert_true (mado_outbox_key_save (f->key, f->key_path, &error));
  f->outbox = mado_outbox_open (f->outbox_path, f->key, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  mado_outbox_free (f->outbox);
  mado_outbox_key_free (f->key);
  tls_endpoint_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->outbox_path);
  g_free (f->key_path);
  g_free (f->config_path);
}

static char *
program (void)
{
  return g_build_filename (g_getenv ("MADO_BUILD_DIR"), "app", "mado-outbox", NULL);
}

/* Runs mado-outbox with @args (NULL-terminated); returns its exit status, *out its stdout. */
static int
run_command (char **out, const char *first, ...)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (argv, program ());
  va_list args;
  va_start (args, first);
  for (const char *a = first; a != NULL; a = va_arg (args, const char *))
    g_ptr_array_add (argv, g_strdup (a));
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_autoptr (GSubprocess) p = g_subprocess_newv ((const char *const *)argv->pdata,
                                                 G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  g_autofree char *text = NULL;
  g_assert_true (g_subprocess_communicate_utf8 (p, NULL, NULL, &text, NULL, &error));
  g_assert_no_error (error);
  g_autofree char *line = g_strjoinv (" ", (char **)argv->pdata + 1);
  g_test_message ("mado-outbox %s: exit %d\n%s", line, g_subprocess_get_exit_status (p), text);
  if (out != NULL)
    *out = g_steal_pointer (&text);
  return g_subprocess_get_if_exited (p) ? g_subprocess_get_exit_status (p) : -1;
}

static MadoOutboxRecord *
enqueue (Fixture *f, const char *kind, const char *payload)
{
  g_autoptr (GError) error = NULL;
  MadoOutboxRecord *r
      = mado_outbox_enqueue (f->outbox, kind, payload, g_get_real_time () / G_USEC_PER_SEC, &error);
  g_assert_no_error (error);
  return r;
}

static JsonNode *
parse (const char *text)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

/* ------------------------------------------------------------------------------------------ */

static void
test_list (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoOutboxRecord) a = enqueue (f, "move_draft", DRAFT);
  g_autoptr (MadoOutboxRecord) b = enqueue (f, "queue_ticket", "{\"number\": 1}");
  g_assert_true (mado_outbox_set_aside (f->outbox, b->id, b->created_at, "invalid", &error));

  g_autofree char *out = NULL;
  g_assert_cmpint (
      run_command (&out, "-c", f->config_path, "--outbox", f->outbox_path, "list", "--json", NULL),
      ==, 0);
  g_assert_null (strstr (out, "渡邉"));
  g_assert_null (strstr (out, a->idempotency_key));
  g_autoptr (JsonNode) root = parse (out);
  JsonArray *records = json_object_get_array_member (json_node_get_object (root), "records");
  g_assert_cmpuint (json_array_get_length (records), ==, 2);
  JsonObject *first = json_array_get_object_element (records, 0);
  g_assert_cmpint (json_object_get_int_member (first, "id"), ==, a->id);
  g_assert_cmpstr (json_object_get_string_member (first, "kind"), ==, "move_draft");
  g_assert_cmpstr (json_object_get_string_member (first, "state"), ==, "pending");
  g_assert_cmpint (json_object_get_int_member (first, "attempts"), ==, 0);
  g_assert_nonnull (json_object_get_string_member (first, "created_at"));
  g_assert_nonnull (json_object_get_string_member (first, "next_attempt_at"));
  g_assert_true (json_object_get_null_member (first, "reason"));
  g_assert_false (json_object_has_member (first, "payload"));
  JsonObject *second = json_array_get_object_element (records, 1);
  g_assert_cmpstr (json_object_get_string_member (second, "state"), ==, "set_aside");
  g_assert_cmpstr (json_object_get_string_member (second, "reason"), ==, "invalid");
  g_assert_true (json_object_get_null_member (second, "next_attempt_at"));

  /* the text form, also without payloads */
  g_autofree char *text = NULL;
  g_assert_cmpint (
      run_command (&text, "-c", f->config_path, "--outbox", f->outbox_path, "list", NULL), ==, 0);
  g_assert_null (strstr (text, "渡邉"));
  g_assert_nonnull (strstr (text, "move_draft"));

  /* no outbox there: outbox.io (80), and nothing is created */
  g_autofree char *missing = g_build_filename (f->dir, "missing.db", NULL);
  g_assert_cmpint (run_command (NULL, "-c", f->config_path, "--outbox", missing, "list", NULL), ==,
                   80);
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
}

static void
test_usage (Fixture *f, gconstpointer data)
{
  g_assert_cmpint (run_command (NULL, "-c", f->config_path, NULL), ==, 2);
  g_assert_cmpint (run_command (NULL, "-c", f->config_path, "deliver", NULL), ==, 2);
  g_assert_cmpint (run_command (NULL, "-c", f->config_path, "retry", NULL), ==, 2);
  g_assert_cmpint (run_command (NULL, "-c", f->config_path, "retry", "abc", NULL), ==, 2);
  g_assert_cmpint (run_command (NULL, "-c", f->config_path, "list", "--once", NULL), ==, 2);
  g_assert_cmpint (run_command (NULL, "-c", f->config_path, "--interval", "0x", "run", NULL), ==,
                   2);
  /* --interval out of [outbox] interval-seconds' range: app.config */
  g_assert_cmpint (run_command (NULL, "-c", f->config_path, "--interval", "99999", "run", NULL), ==,
                   3);
}

static void
test_run_once_and_retry (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *cert = tls_endpoint_file (endpoint, "kiosk.pem");
  g_autofree char *key = tls_endpoint_file (endpoint, "kiosk.key");
  g_autofree char *ca = tls_endpoint_file (endpoint, "server-ca.pem");
  g_autoptr (MadoOutboxRecord) a = enqueue (f, "move_draft", DRAFT);
  g_autoptr (MadoOutboxRecord) b = enqueue (f, "queue_ticket", "{\"number\": 1}");
  g_assert_true (mado_outbox_set_aside (f->outbox, b->id, b->created_at, "invalid", &error));

  g_autofree char *out = NULL;
  g_assert_cmpint (run_command (&out, "-c", f->config_path, "--outbox", f->outbox_path,
                                "--key-file", f->key_path, "--registry", endpoint->url, "--cert",
                                cert, "--key", key, "--ca", ca, "run", "--once", "--json", NULL),
                   ==, 0);
  g_autoptr (JsonNode) root = parse (out);
  JsonObject *pass = json_object_get_object_member (json_node_get_object (root), "pass");
  g_assert_cmpint (json_object_get_int_member (pass, "delivered"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (pass, "remaining"), ==, 0);
  g_assert_false (json_object_get_boolean_member (pass, "ended_early"));
  g_autoptr (MadoOutboxRecord) gone = mado_outbox_get (f->outbox, a->id, &error);
  g_assert_null (gone);
  g_assert_error (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* retry brings the set-aside record back; the next pass delivers it */
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, b->id);
  g_assert_cmpint (
      run_command (NULL, "-c", f->config_path, "--outbox", f->outbox_path, "retry", id, NULL), ==,
      0);
  g_autoptr (MadoOutboxRecord) retried = mado_outbox_get (f->outbox, b->id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (retried->state, ==, MADO_OUTBOX_STATE_PENDING);

  /* this time from the configuration file */
  g_autofree char *conf_path = g_build_filename (f->dir, "kiosk.conf", NULL);
  g_autofree char *conf
      = g_strdup_printf ("[registry]\nurl = %s\nclient-certificate = %s\n"
                         "client-key = %s\nca = %s\n[outbox]\npath = %s\n"
                         "key-file = %s\n",
                         endpoint->url, cert, key, ca, f->outbox_path, f->key_path);
  g_assert_true (g_file_set_contents (conf_path, conf, -1, &error));
  g_autofree char *text = NULL;
  g_assert_cmpint (run_command (&text, "-c", conf_path, "run", "--once", NULL), ==, 0);
  g_autoptr (MadoOutboxRecord) delivered = mado_outbox_get (f->outbox, b->id, &error);
  g_assert_null (delivered);
  g_clear_error (&error);

  /* no such record: outbox.not-found (85) */
  g_assert_cmpint (run_command (NULL, "-c", conf_path, "retry", id, NULL), ==, 85);
  /* no registry configured: sync.config (115) */
  g_assert_cmpint (run_command (NULL, "-c", f->config_path, "--outbox", f->outbox_path,
                                "--key-file", f->key_path, "run", "--once", NULL),
                   ==, 115);
  /* the wrong outbox key file: outbox.key-file (82) */
  g_autofree char *bad_key = g_build_filename (f->dir, "bad.key", NULL);
  g_assert_true (g_file_set_contents (bad_key, "not a key", -1, &error));
  g_chmod (bad_key, 0600);
  g_assert_cmpint (
      run_command (NULL, "-c", conf_path, "--key-file", bad_key, "run", "--once", NULL), ==, 82);
}

/* The service: the registry is out of reach, records back off, SIGTERM ends it cleanly. */
static void
test_service_stops_on_sigterm (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *cert = tls_endpoint_file (endpoint, "kiosk.pem");
  g_autofree char *key = tls_endpoint_file (endpoint, "kiosk.key");
  g_autofree char *ca = tls_endpoint_file (endpoint, "server-ca.pem");
  g_autofree char *url = g_strdup_printf ("https://127.0.0.1:%u", tls_endpoint_closed_port ());
  g_autoptr (MadoOutboxRecord) a = enqueue (f, "move_draft", DRAFT);
  g_autoptr (MadoOutboxRecord) b = enqueue (f, "move_draft", DRAFT);

  g_autofree char *exe = program ();
  g_autoptr (GSubprocess) p = g_subprocess_new (
      G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, exe, "-c", f->config_path, "--outbox", f->outbox_path,
      "--key-file", f->key_path, "--registry", url, "--cert", cert, "--key", key, "--ca", ca,
      "--interval", "1", "--json", "run", NULL);
  g_assert_no_error (error);
  g_autoptr (GDataInputStream) out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (p));
  /* two passes, each cut short after one record */
  for (int i = 0; i < 2; i++)
    {
      g_autofree char *line = g_data_input_stream_read_line (out, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (line);
      g_autoptr (JsonNode) root = parse (line);
      JsonObject *pass = json_object_get_object_member (json_node_get_object (root), "pass");
      g_assert_true (json_object_get_boolean_member (pass, "ended_early"));
      g_assert_cmpint (json_object_get_int_member (pass, "failed"), ==, 1);
    }
  gint64 start = g_get_monotonic_time ();
  g_subprocess_send_signal (p, SIGTERM);
  g_assert_true (g_subprocess_wait (p, NULL, &error));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);
  g_assert_true (g_subprocess_get_if_exited (p));
  g_assert_cmpint (g_subprocess_get_exit_status (p), ==, 0);

  for (gint64 id = a->id; id <= b->id; id++)
    {
      g_autoptr (MadoOutboxRecord) r = mado_outbox_get (f->outbox, id, &error);
      g_assert_no_error (error);
      g_assert_cmpint (r->state, ==, MADO_OUTBOX_STATE_PENDING);
      g_assert_cmpuint (r->attempts, ==, 1);
      g_assert_cmpstr (r->reason, ==, "network");
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  endpoint = tls_endpoint_start ();
#define ADD(path, fn)                                                                              \
  g_test_add ("/sync/outbox-command/" path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("list", test_list);
  ADD ("usage", test_usage);
  ADD ("run-once-and-retry", test_run_once_and_retry);
  ADD ("service-stops-on-sigterm", test_service_stops_on_sigterm);
#undef ADD
  int rc = g_test_run ();
  tls_endpoint_stop (endpoint);
  return rc;
}
