/* SPDX-License-Identifier: GPL-3.0-or-later
 * test-registry-client — the libcurl client (app/sync/mado-registry-client.c) against a local
 * TLS endpoint that requires client certificates: the certificate is sent, the server is
 * verified against the configured CA only, the headers go out, one connection is kept alive;
 * a wrong CA is TLS, a refused connection NETWORK, a slow answer TIMEOUT, cancellation works.
 */
#include <string.h>

#include <json-glib/json-glib.h>

#include "mado-outbox-delivery.h"
#include "mado-registry-client.h"
#include "tls-endpoint.h"

static TlsEndpoint *endpoint;

typedef struct
{
  const char *url;
  const char *cert;
  const char *key;
  const char *ca;
  guint timeout_ms;
} ClientSpec;

static MadoRegistryClient *
client_new_full (const ClientSpec *spec, GError **error)
{
  g_autofree char *cert = tls_endpoint_file (endpoint, spec->cert ? spec->cert : "kiosk.pem");
  g_autofree char *key = tls_endpoint_file (endpoint, spec->key ? spec->key : "kiosk.key");
  g_autofree char *ca = tls_endpoint_file (endpoint, spec->ca ? spec->ca : "server-ca.pem");
  const MadoRegistryClientOptions options = {
    .base_url = spec->url ? spec->url : endpoint->url,
    .client_certificate = cert,
    .client_key = key,
    .ca_file = ca,
    .timeout_ms = spec->timeout_ms,
  };
  return mado_registry_client_new (&options, error);
}

static MadoRegistryClient *
client_new (void)
{
  g_autoptr (GError) error = NULL;
  const ClientSpec spec = { 0 };
  MadoRegistryClient *client = client_new_full (&spec, &error);
  g_assert_no_error (error);
  g_assert_nonnull (client);
  return client;
}

static JsonObject *
parse_object (const char *text)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
assert_request_fails (MadoRegistryClient *client, const char *path, GQuark domain, int code)
{
  g_autoptr (GError) error = NULL;
  guint status = 0;
  char *body = NULL;
  g_assert_false (mado_registry_client_request (client, "GET", path, NULL, NULL, 0, NULL, &status,
                                                &body, &error));
  g_test_message ("%s", error != NULL ? error->message : "(no error)");
  g_assert_error (error, domain, code);
  g_assert_null (body);
}

/* ------------------------------------------------------------------------------------------ */

static void
test_config (void)
{
  static const struct
  {
    ClientSpec spec;
  } cases[] = {
    { { .url = "http://127.0.0.1:1" } },
    { { .url = "https://user@127.0.0.1:1" } },
    { { .url = "https://127.0.0.1:1/?q=1" } },
    { { .url = "ftp://127.0.0.1" } },
    { { .url = "" } },
    { { .cert = "missing.pem" } },
    { { .key = "rogue.key" } },  /* not the certificate's key */
    { { .cert = "kiosk.key" } }, /* not a certificate */
    { { .ca = "kiosk.key" } },   /* not a CA certificate */
    { { .ca = "missing.pem" } },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (MadoRegistryClient) client = client_new_full (&cases[i].spec, &error);
      g_test_message ("%s", error != NULL ? error->message : "(no error)");
      g_assert_null (client);
      g_assert_error (error, MADO_SYNC_ERROR, MADO_SYNC_ERROR_CONFIG);
    }

  /* a trailing '/' and a path prefix are fine */
  g_autoptr (GError) error = NULL;
  g_autofree char *url = g_strdup_printf ("%s/", endpoint->url);
  const ClientSpec spec = { .url = url };
  g_autoptr (MadoRegistryClient) client = client_new_full (&spec, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mado_registry_client_get_base_url (client), ==, endpoint->url);
}

/* The client certificate is presented, the headers go out, the body arrives unchanged. */
static void
test_echo (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoRegistryClient) client = client_new ();
  const char *json = "{\"name\": \"渡邉 太郎\", \"n\": 1}";
  guint status = 0;
  char *body = NULL;

  g_assert_true (mado_registry_client_request (client, "POST", "/echo", json,
                                               "0123456789abcdef0123456789abcdef", 1790000000,
                                               "secret-token", &status, &body, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  g_autoptr (JsonObject) echo = parse_object (body);
  mado_sync_body_free (body);
  g_assert_cmpstr (json_object_get_string_member (echo, "client_cn"), ==, "kiosk-test-01");
  g_assert_cmpstr (json_object_get_string_member (echo, "method"), ==, "POST");
  g_assert_cmpstr (json_object_get_string_member (echo, "body"), ==, json);
  JsonObject *headers = json_object_get_object_member (echo, "headers");
  g_assert_cmpstr (json_object_get_string_member (headers, "content-type"), ==, "application/json");
  g_assert_cmpstr (json_object_get_string_member (headers, "accept"), ==, "application/json");
  g_assert_cmpstr (json_object_get_string_member (headers, "idempotency-key"), ==,
                   "0123456789abcdef0123456789abcdef");
  g_assert_cmpstr (json_object_get_string_member (headers, "mado-created-at"), ==, "1790000000");
  g_assert_cmpstr (json_object_get_string_member (headers, "authorization"), ==,
                   "Bearer secret-token");
  g_assert_false (json_object_has_member (headers, "expect"));

  /* without the optional parts, their headers are absent */
  g_assert_true (mado_registry_client_request (client, "GET", "/echo?x=1", NULL, NULL, 0, NULL,
                                               &status, &body, &error));
  g_assert_no_error (error);
  g_autoptr (JsonObject) bare = parse_object (body);
  mado_sync_body_free (body);
  g_assert_cmpstr (json_object_get_string_member (bare, "method"), ==, "GET");
  g_assert_cmpstr (json_object_get_string_member (bare, "path"), ==, "/echo?x=1");
  headers = json_object_get_object_member (bare, "headers");
  g_assert_false (json_object_has_member (headers, "content-type"));
  g_assert_false (json_object_has_member (headers, "idempotency-key"));
  g_assert_false (json_object_has_member (headers, "mado-created-at"));
  g_assert_false (json_object_has_member (headers, "authorization"));

  /* other methods */
  g_assert_true (mado_registry_client_request (client, "PATCH", "/echo", "{}", NULL, 0, NULL,
                                               &status, &body, &error));
  g_assert_no_error (error);
  g_autoptr (JsonObject) patch = parse_object (body);
  mado_sync_body_free (body);
  g_assert_cmpstr (json_object_get_string_member (patch, "method"), ==, "PATCH");
  g_assert_cmpstr (json_object_get_string_member (patch, "body"), ==, "{}");
}

/* Any status is an answer; the replay header is seen. */
static void
test_status_and_replay (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoRegistryClient) client = client_new ();
  guint status = 0;
  char *body = NULL;

  g_assert_true (mado_registry_client_request (client, "POST",
                                               "/status/422?code=registry.idempotency-stale", "{}",
                                               "k", 1, NULL, &status, &body, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 422);
  g_autoptr (MadoSyncResponse) r = mado_sync_response_new (status, body, FALSE);
  mado_sync_body_free (body);
  g_autofree char *code = mado_sync_response_dup_error_code (r);
  g_assert_cmpstr (code, ==, "registry.idempotency-stale");

  const MadoSyncRequest replay = { .method = "POST", .path = "/replay", .json_body = "{}" };
  g_autoptr (MadoSyncResponse) a
      = mado_sync_transport_request (MADO_SYNC_TRANSPORT (client), &replay, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (a->status, ==, 200);
  g_assert_true (a->replayed);
  const MadoSyncRequest plain = { .method = "GET", .path = "/status/503" };
  g_autoptr (MadoSyncResponse) b
      = mado_sync_transport_request (MADO_SYNC_TRANSPORT (client), &plain, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (b->status, ==, 503);
  g_assert_false (b->replayed);
}

static guint
server_connections (MadoRegistryClient *client)
{
  g_autoptr (GError) error = NULL;
  guint status = 0;
  char *body = NULL;
  g_assert_true (mado_registry_client_request (client, "GET", "/connections", NULL, NULL, 0, NULL,
                                               &status, &body, &error));
  g_assert_no_error (error);
  g_autoptr (JsonObject) o = parse_object (body);
  mado_sync_body_free (body);
  return (guint)json_object_get_int_member (o, "connections");
}

/* One connection for many requests. */
static void
test_keep_alive (void)
{
  g_autoptr (MadoRegistryClient) client = client_new ();
  guint before = server_connections (client);
  for (int i = 0; i < 5; i++)
    {
      g_autoptr (GError) error = NULL;
      guint status = 0;
      g_assert_true (mado_registry_client_request (client, "POST", "/echo", "{}", NULL, 0, NULL,
                                                   &status, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (status, ==, 200);
    }
  g_assert_cmpuint (server_connections (client), ==, before);
  g_assert_cmpuint (mado_registry_client_get_connections_opened (client), ==, 1);
}

/* The server is trusted through the configured CA only. */
static void
test_wrong_ca (void)
{
  g_autoptr (GError) error = NULL;
  const ClientSpec spec = { .ca = "other-ca.pem" };
  g_autoptr (MadoRegistryClient) client = client_new_full (&spec, &error);
  g_assert_no_error (error);
  assert_request_fails (client, "/echo", MADO_SYNC_ERROR, MADO_SYNC_ERROR_TLS);
}

/* A client certificate the registry's enrolment CA did not issue is refused: TLS. */
static void
test_unenrolled_certificate (void)
{
  g_autoptr (GError) error = NULL;
  const ClientSpec spec = { .cert = "rogue.pem", .key = "rogue.key" };
  g_autoptr (MadoRegistryClient) client = client_new_full (&spec, &error);
  g_assert_no_error (error);
  assert_request_fails (client, "/echo", MADO_SYNC_ERROR, MADO_SYNC_ERROR_TLS);
}

static void
test_refused (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *url = g_strdup_printf ("https://127.0.0.1:%u", tls_endpoint_closed_port ());
  const ClientSpec spec = { .url = url };
  g_autoptr (MadoRegistryClient) client = client_new_full (&spec, &error);
  g_assert_no_error (error);
  assert_request_fails (client, "/echo", MADO_SYNC_ERROR, MADO_SYNC_ERROR_NETWORK);
}

/* A configured proxy is used (here: one that is not there), and only a plain http:// one. */
static void
test_proxy (void)
{
  g_autofree char *cert = tls_endpoint_file (endpoint, "kiosk.pem");
  g_autofree char *key = tls_endpoint_file (endpoint, "kiosk.key");
  g_autofree char *ca = tls_endpoint_file (endpoint, "server-ca.pem");
  g_autofree char *proxy = g_strdup_printf ("http://127.0.0.1:%u", tls_endpoint_closed_port ());
  MadoRegistryClientOptions options = {
    .base_url = endpoint->url,
    .client_certificate = cert,
    .client_key = key,
    .ca_file = ca,
    .proxy = proxy,
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoRegistryClient) client = mado_registry_client_new (&options, &error);
  g_assert_no_error (error);
  assert_request_fails (client, "/echo", MADO_SYNC_ERROR, MADO_SYNC_ERROR_NETWORK);

  static const char *const bad[]
      = { "socks5://127.0.0.1:1080", "http://user:pw@proxy:3128", "http://proxy", "proxy:3128" };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) e = NULL;
      options.proxy = bad[i];
      g_autoptr (MadoRegistryClient) c = mado_registry_client_new (&options, &e);
      g_assert_null (c);
      g_assert_error (e, MADO_SYNC_ERROR, MADO_SYNC_ERROR_CONFIG);
    }
}

static void
test_timeout (void)
{
  g_autoptr (GError) error = NULL;
  const ClientSpec spec = { .timeout_ms = 1000 };
  g_autoptr (MadoRegistryClient) client = client_new_full (&spec, &error);
  g_assert_no_error (error);
  gint64 start = g_get_monotonic_time ();
  assert_request_fails (client, "/slow", MADO_SYNC_ERROR, MADO_SYNC_ERROR_TIMEOUT);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);

  /* the client is still usable afterwards */
  guint status = 0;
  g_assert_true (mado_registry_client_request (client, "GET", "/echo", NULL, NULL, 0, NULL, &status,
                                               NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
}

static void
test_too_large (void)
{
  g_autoptr (MadoRegistryClient) client = client_new ();
  assert_request_fails (client, "/big", MADO_SYNC_ERROR, MADO_SYNC_ERROR_PROTOCOL);
}

/* What cannot be sent is refused before anything is. */
static void
test_invalid_request (void)
{
  g_autoptr (MadoRegistryClient) client = client_new ();
  static const struct
  {
    const char *method;
    const char *path;
    const char *key;
    const char *token;
  } cases[] = {
    { "TRACE", "/echo", NULL, NULL },      { "GET", "echo", NULL, NULL },
    { "GET", "/a b", NULL, NULL },         { "GET", "/a\r\nX: y", NULL, NULL },
    { "GET", "/v1/../admin", NULL, NULL }, { "GET", "/echo", "k\r\nX-Evil: 1", NULL },
    { "GET", "/echo", NULL, "t\nX: y" },   { "GET", "/echo", "", NULL },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      guint status = 0;
      g_assert_false (mado_registry_client_request (client, cases[i].method, cases[i].path, NULL,
                                                    cases[i].key, 0, cases[i].token, &status, NULL,
                                                    &error));
      g_assert_error (error, MADO_SYNC_ERROR, MADO_SYNC_ERROR_INVALID);
    }
  g_assert_cmpuint (mado_registry_client_get_connections_opened (client), ==, 0);
}

static void
on_done (GObject *source, GAsyncResult *result, gpointer data)
{
  GAsyncResult **out = data;
  *out = g_object_ref (result);
}

static gboolean
cancel_later (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
test_async (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoRegistryClient) client = client_new ();

  GAsyncResult *result = NULL;
  mado_registry_client_request_async (client, "POST", "/echo", "{\"a\": 1}", "key-1", 17, NULL,
                                      NULL, on_done, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  guint status = 0;
  char *body = NULL;
  g_assert_true (mado_registry_client_request_finish (client, result, &status, &body, &error));
  g_clear_object (&result);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  g_autoptr (JsonObject) echo = parse_object (body);
  mado_sync_body_free (body);
  g_assert_cmpstr (json_object_get_string_member (echo, "body"), ==, "{\"a\": 1}");

  /* cancelled mid-exchange: over in about a second, not after the answer's 5 s */
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  gint64 start = g_get_monotonic_time ();
  mado_registry_client_request_async (client, "GET", "/slow", NULL, NULL, 0, NULL, cancellable,
                                      on_done, &result);
  g_timeout_add (200, cancel_later, cancellable);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (mado_registry_client_request_finish (client, result, &status, &body, &error));
  g_clear_object (&result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);
}

/* The delivery over the real client: purged on 201, and a repeated key is a replay. */
static void
test_delivery_over_tls (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoRegistryClient) client = client_new ();
  g_autofree char *dir = g_dir_make_tmp ("mado-sync-outbox-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *path = g_build_filename (dir, "outbox.db", NULL);
  g_autoptr (MadoOutboxKey) key = mado_outbox_key_generate (&error);
  g_assert_no_error (error);
  g_autoptr (MadoOutbox) outbox = mado_outbox_open (path, key, &error);
  g_assert_no_error (error);
  g_autoptr (MadoClock) clock = mado_system_clock_new ();
  gint64 now = mado_clock_now (clock);
  g_autoptr (MadoOutboxRecord) a
      = mado_outbox_enqueue (outbox, "move_draft", "{\"draft_id\": \"D-1\"}", now, &error);
  g_assert_no_error (error);
  g_autoptr (MadoOutboxRecord) b = mado_outbox_enqueue (
      outbox, "issuance_voided",
      "{\"issue_number\": \"X-000001\", \"at\": \"2026-11-26T13:11:00+09:00\", \"reason\": "
      "\"paper_jam\"}",
      now, &error);
  g_assert_no_error (error);

  g_autoptr (MadoOutboxDelivery) delivery
      = mado_outbox_delivery_new (outbox, MADO_SYNC_TRANSPORT (client), clock);
  MadoDeliverySummary s;
  g_assert_true (mado_outbox_delivery_run_pass (delivery, NULL, &s, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (s.delivered, ==, 2);
  g_assert_cmpuint (s.replayed, ==, 0);
  g_assert_cmpuint (s.remaining, ==, 0);
  g_autoptr (MadoOutboxRecord) gone = mado_outbox_get (outbox, b->id, &error);
  g_assert_null (gone);
  g_assert_error (error, MADO_OUTBOX_ERROR, MADO_OUTBOX_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* the same key again (as after a crash between the answer and the purge) */
  const MadoSyncRequest again = { .method = "POST",
                                  .path = "/v1/move-drafts",
                                  .json_body = "{\"draft_id\": \"D-1\"}",
                                  .idempotency_key = a->idempotency_key,
                                  .created_at = a->created_at };
  g_autoptr (MadoSyncResponse) r
      = mado_sync_transport_request (MADO_SYNC_TRANSPORT (client), &again, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_true (r->replayed);

  g_clear_pointer (&outbox, mado_outbox_free);
  tls_endpoint_remove_tree (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  endpoint = tls_endpoint_start ();
  g_test_add_func ("/sync/client/config", test_config);
  g_test_add_func ("/sync/client/echo", test_echo);
  g_test_add_func ("/sync/client/status-and-replay", test_status_and_replay);
  g_test_add_func ("/sync/client/keep-alive", test_keep_alive);
  g_test_add_func ("/sync/client/wrong-ca", test_wrong_ca);
  g_test_add_func ("/sync/client/unenrolled-certificate", test_unenrolled_certificate);
  g_test_add_func ("/sync/client/refused", test_refused);
  g_test_add_func ("/sync/client/proxy", test_proxy);
  g_test_add_func ("/sync/client/timeout", test_timeout);
  g_test_add_func ("/sync/client/too-large", test_too_large);
  g_test_add_func ("/sync/client/invalid-request", test_invalid_request);
  g_test_add_func ("/sync/client/async", test_async);
  g_test_add_func ("/sync/client/delivery-over-tls", test_delivery_over_tls);
  int rc = g_test_run ();
  tls_endpoint_stop (endpoint);
  return rc;
}
