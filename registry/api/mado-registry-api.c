/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-registry-api.c — the API's frame: the store pool, routing, who is asking (enrolled
 * terminal, session, role), idempotent writes, answers. The routes are in mado-api-*.c.
 */
#define G_LOG_DOMAIN "mado-registry"

#include "mado-api-private.h"

#include <openssl/rand.h>
#include <string.h>

#include "mado-app-error.h"
#include "mado-enrol-ca.h"
#include "mado-model-error.h"
#include "mado-signed-qr.h"

/* ---- small things ------------------------------------------------------------------------------
 */

GDateTime *
mado_api_local_time (gint64 unix_seconds)
{
  /* The local zone looked up once: g_time_zone_new_local() looks at /etc/localtime again on
   * every call (a stat and a readlink), and the writer's thread made several per write. */
  static GTimeZone *local;
  if (g_once_init_enter (&local))
    g_once_init_leave (&local, g_time_zone_new_local ());
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (unix_seconds);
  return utc != NULL ? g_date_time_to_timezone (utc, local) : NULL;
}

char *
mado_api_rfc3339 (gint64 unix_seconds)
{
  g_autoptr (GDateTime) dt = mado_api_local_time (unix_seconds);
  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S%:z");
}

char *
mado_api_day (gint64 unix_seconds)
{
  g_autoptr (GDateTime) dt = mado_api_local_time (unix_seconds);
  return g_date_time_format (dt, "%Y-%m-%d");
}

char *
mado_api_random_id (guint bytes)
{
  static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
  g_autofree guint8 *raw = g_malloc (bytes);
  if (RAND_bytes (raw, (int)bytes) != 1)
    g_error ("no random bytes");
  GString *out = g_string_new (NULL);
  guint bits = 0, value = 0;
  for (guint i = 0; i < bytes; i++)
    {
      value = (value << 8) | raw[i];
      bits += 8;
      while (bits >= 5)
        {
          g_string_append_c (out, alphabet[(value >> (bits - 5)) & 31]);
          bits -= 5;
        }
    }
  if (bits > 0)
    g_string_append_c (out, alphabet[(value << (5 - bits)) & 31]);
  return g_string_free (out, FALSE);
}

char *
mado_api_sha256_hex (const void *data, gsize length)
{
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, length);
}

const char *
mado_api_member_string (JsonObject *object, const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* ---- answers -----------------------------------------------------------------------------------
 */

MadoHttpResponse *
mado_api_json (guint status, JsonNode *node)
{
  g_autoptr (JsonNode) owned = node;
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  json_generator_set_root (gen, owned);
  g_autofree char *text = json_generator_to_data (gen, NULL);
  return mado_http_response_new_json (status, text);
}

MadoHttpResponse *
mado_api_error (guint status, const char *code, const char *message)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "code");
  json_builder_add_string_value (b, code);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message);
  json_builder_end_object (b);
  json_builder_end_object (b);
  return mado_api_json (status, json_builder_get_root (b));
}

static guint
status_for_error (const GError *error)
{
  if (error->domain == MADO_REGISTRY_ERROR)
    switch ((MadoRegistryError)error->code)
      {
      case MADO_REGISTRY_ERROR_NOT_FOUND:
        return 404;
      case MADO_REGISTRY_ERROR_INVALID:
        return 400;
      case MADO_REGISTRY_ERROR_CONFLICT:
      case MADO_REGISTRY_ERROR_RANGE_EXHAUSTED:
        return 409;
      case MADO_REGISTRY_ERROR_IDEMPOTENCY_CONFLICT:
      case MADO_REGISTRY_ERROR_IDEMPOTENCY_STALE:
        return 422;
      case MADO_REGISTRY_ERROR_BUSY:
      case MADO_REGISTRY_ERROR_UNAVAILABLE:
        return 503;
      default:
        return 500;
      }
  if (error->domain == MADO_MODEL_ERROR)
    return error->code == MADO_MODEL_ERROR_TRANSITION ? 409 : 400;
  return 500;
}

MadoHttpResponse *
mado_api_error_from_gerror (const GError *error)
{
  guint status = status_for_error (error);
  const MadoErrorEntry *entry = mado_error_lookup (error);
  /* Database failures say no more than that outside (their text names tables). */
  const char *message
      = status >= 500 ? "the registry could not complete the request" : error->message;
  if (status >= 500)
    g_warning ("request failed: %s", error->message);
  return mado_api_error (status, entry->id, message);
}

void
mado_api_fail (MadoApiCall *call, GError **error, guint status, const char *code,
               const char *message)
{
  call->fail_status = status;
  g_free (call->fail_code);
  call->fail_code = g_strdup (code);
  g_free (call->fail_message);
  call->fail_message = g_strdup (message);
  g_set_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_INVALID, "%s", message);
}

/* ---- the API object ----------------------------------------------------------------------------
 */

MadoRegistryApi *
mado_registry_api_new (const MadoRegistryApiOptions *options, GError **error)
{
  g_autoptr (MadoRegistryApi) api = g_new0 (MadoRegistryApi, 1);
  api->options = *options;
  g_mutex_init (&api->render_lock);
  api->pool = g_async_queue_new ();
  api->stores = g_ptr_array_new_with_free_func (g_object_unref);
#define DEFAULT(field, value)                                                                      \
  if (api->options.field == 0)                                                                     \
  api->options.field = (value)
  DEFAULT (pool_size, 4);
  DEFAULT (identity_checks, MADO_CHECK_ALL);
  DEFAULT (identity_session_seconds, 300);
  DEFAULT (operator_session_seconds, 8 * 3600);
  DEFAULT (nonce_seconds, 120);
  DEFAULT (fee_juminhyo, 300);
  DEFAULT (fee_kisai_jiko, 300);
  DEFAULT (fee_inkan, 300);
  DEFAULT (max_copies, 10);
  DEFAULT (kiosk_min_age, 15);
#undef DEFAULT
  api->dsn = g_strdup (options->dsn);
  api->office_code = g_strdup (options->office_code != NULL ? options->office_code : "131016");
  api->office_name = g_strdup (options->office_name != NULL ? options->office_name : "");
  api->mayor = g_strdup (options->mayor != NULL ? options->mayor : "");
  api->office_key_path = g_strdup (options->office_key_path);
  api->options.dsn = api->dsn;
  api->options.office_code = api->office_code;
  api->options.office_name = api->office_name;
  api->options.mayor = api->mayor;
  api->options.office_key_path = api->office_key_path;
  api->options.name_fonts = NULL;

  if (options->verifier == NULL || options->dsn == NULL || options->office_key_path == NULL)
    {
      g_set_error_literal (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_SERVE,
                           "The API needs a database, a JPKI verifier and the office key");
      return NULL;
    }
  api->verifier = g_object_ref (options->verifier);
  api->clock = options->clock != NULL ? g_object_ref (options->clock)
                                      : g_object_ref (mado_cert_verifier_get_clock (api->verifier));
  api->office_key = mado_signing_key_load (options->office_key_path, error);
  if (api->office_key == NULL)
    return NULL;
  MadoRendererOptions render_options = { options->name_fonts, NULL, NULL };
  api->renderer = mado_renderer_new (&render_options, error);
  if (api->renderer == NULL)
    return NULL;
  for (guint i = 0; i < api->options.pool_size; i++)
    {
      MadoRegistryStore *store = mado_registry_store_open (api->dsn, error);
      if (store == NULL)
        return NULL;
      g_ptr_array_add (api->stores, store);
      g_async_queue_push (api->pool, store);
    }
  api->writer = mado_api_writer_new (
      api->dsn, g_str_has_prefix (api->dsn, "sqlite:") ? 1 : api->options.pool_size, 0, error);
  if (api->writer == NULL)
    return NULL;
  api->nonces = mado_api_writer_nonce_store_new (api->writer);
  return g_steal_pointer (&api);
}

void
mado_registry_api_free (MadoRegistryApi *api)
{
  if (api == NULL)
    return;
  g_clear_object (&api->nonces);
  g_clear_pointer (&api->writer, mado_api_writer_free);
  if (api->pool != NULL)
    g_async_queue_unref (api->pool);
  g_clear_pointer (&api->stores, g_ptr_array_unref);
  g_clear_object (&api->verifier);
  g_clear_object (&api->clock);
  g_clear_pointer (&api->office_key, EVP_PKEY_free);
  g_clear_pointer (&api->renderer, mado_renderer_free);
  g_mutex_clear (&api->render_lock);
  g_free (api->dsn);
  g_free (api->office_key_path);
  g_free (api->office_code);
  g_free (api->office_name);
  g_free (api->mayor);
  g_free (api);
}

/* ---- who is asking -----------------------------------------------------------------------------
 */

static MadoHttpResponse *
load_terminal (MadoApiCall *call)
{
  g_autoptr (GError) error = NULL;
  if (call->peer == NULL || call->peer->serial_hex == NULL)
    return mado_api_error (401, "api.no-client-certificate",
                           "a client certificate from the registry's CA is required");
  g_autofree char *serial = mado_enrol_normalize_serial (call->peer->serial_hex);
  call->terminal = mado_registry_store_find_terminal_by_serial (call->store, serial, &error);
  if (call->terminal == NULL)
    {
      if (g_error_matches (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_NOT_FOUND))
        return mado_api_error (403, "api.terminal-not-enrolled",
                               "this certificate belongs to no enrolled terminal");
      return mado_api_error_from_gerror (error);
    }
  if (call->terminal->revoked_at != 0)
    return mado_api_error (403, "api.terminal-revoked", "this terminal's enrolment is revoked");
  if (call->terminal->not_after != 0 && call->terminal->not_after < call->now)
    return mado_api_error (403, "api.terminal-expired", "this terminal's certificate expired");
  return NULL;
}

static MadoHttpResponse *
load_session (MadoApiCall *call)
{
  const char *auth = mado_http_request_get_header (call->request, "authorization");
  if (auth == NULL)
    return NULL;
  if (g_ascii_strncasecmp (auth, "Bearer ", 7) != 0 || strlen (auth + 7) < 16)
    return mado_api_error (401, "api.bad-token", "the Authorization header is not a Bearer token");
  g_autofree char *hash = mado_api_sha256_hex (auth + 7, strlen (auth + 7));
  g_autoptr (GError) error = NULL;
  call->session = mado_registry_store_get_session (call->store, hash, call->now, &error);
  if (call->session == NULL)
    {
      if (g_error_matches (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_NOT_FOUND))
        return mado_api_error (401, "api.session-expired", "the session is unknown or expired");
      return mado_api_error_from_gerror (error);
    }
  /* A session is bound to the terminal that opened it. */
  if (g_strcmp0 (call->session->terminal_id, call->terminal->terminal_id) != 0)
    return mado_api_error (403, "api.session-other-terminal",
                           "the session was opened on another terminal");
  if (g_strcmp0 (call->session->kind, "operator") == 0)
    {
      call->operator_
          = mado_registry_store_get_operator (call->store, call->session->subject, &error);
      if (call->operator_ == NULL || call->operator_->disabled)
        return mado_api_error (403, "api.operator-disabled", "the operator is disabled");
    }
  return NULL;
}

MadoHttpResponse *
mado_api_require (MadoApiCall *call, MadoApiNeed need)
{
  gboolean identity = call->session != NULL && g_strcmp0 (call->session->kind, "identity") == 0;
  gboolean is_console = g_strcmp0 (call->terminal->kind, "console") == 0;
  switch (need)
    {
    case MADO_API_NEED_NONE:
    case MADO_API_NEED_TERMINAL:
      return NULL;
    case MADO_API_NEED_CONSOLE:
      return is_console
                 ? NULL
                 : mado_api_error (403, "api.console-only", "only a counter console may do this");
    case MADO_API_NEED_IDENTITY:
      return identity ? NULL
                      : mado_api_error (401, "api.identity-required",
                                        "a resident's identity session is required");
    case MADO_API_NEED_PERSON:
      if (identity || call->operator_ != NULL)
        return NULL;
      return mado_api_error (401, "api.identity-required",
                             "a resident's identity session or a clerk's login is required");
    case MADO_API_NEED_CLERK:
      return call->operator_ != NULL
                 ? NULL
                 : mado_api_error (401, "api.login-required", "a clerk's login is required");
    case MADO_API_NEED_SUPERVISOR:
      if (call->operator_ == NULL)
        return mado_api_error (401, "api.login-required", "a supervisor's login is required");
      return call->operator_->role >= MADO_OPERATOR_ROLE_SUPERVISOR
                 ? NULL
                 : mado_api_error (403, "api.role", "this needs a supervisor");
    }
  return mado_api_error (500, "api.internal", "unknown requirement");
}

MadoHttpResponse *
mado_api_parse_body (MadoApiCall *call, gboolean required)
{
  gsize size = 0;
  const char *data = g_bytes_get_data (call->request->body, &size);
  if (size == 0)
    return required ? mado_api_error (400, "api.body-required", "a JSON object is required") : NULL;
  const char *type = mado_http_request_get_header (call->request, "content-type");
  if (type == NULL || g_ascii_strncasecmp (type, "application/json", 16) != 0)
    return mado_api_error (415, "api.content-type", "the body must be application/json");
  if (!g_utf8_validate (data, (gssize)size, NULL))
    return mado_api_error (400, "api.json", "the body is not UTF-8");
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (GError) error = NULL;
  if (!json_parser_load_from_data (parser, data, (gssize)size, &error))
    return mado_api_error (400, "api.json", "the body is not valid JSON");
  JsonNode *root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return mado_api_error (400, "api.json", "the body must be a JSON object");
  call->body = json_node_copy (root);
  return NULL;
}

/* ---- idempotent writes -------------------------------------------------------------------------
 */

typedef struct
{
  MadoApiCall *call;
  MadoApiWriteFunc func;
  gpointer user_data;
  const char *key;
  char *digest;
  char *stored; /* the answer as stored: {"status":…, "body":…} */
  gboolean replayed;
  guint status;    /* a new write's answer, as it goes out (no need to parse it back) */
  char *body_text; /* … its body */
} WriteTx;

static gboolean
is_valid_key (const char *key)
{
  gsize n = key != NULL ? strlen (key) : 0;
  if (n < 8 || n > 128)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isalnum (key[i]) && key[i] != '-' && key[i] != '_')
      return FALSE;
  return TRUE;
}

static gboolean
write_tx_body (MadoRegistryStore *store, WriteTx *tx, GError **error)
{
  g_autofree char *previous = NULL;
  if (!mado_registry_store_replay (store, tx->call->terminal->terminal_id, tx->key, tx->digest,
                                   tx->call->now, &previous, error))
    return FALSE;
  if (previous != NULL)
    {
      tx->stored = g_steal_pointer (&previous);
      tx->replayed = TRUE;
      return TRUE;
    }
  guint status = 200;
  JsonNode *answer = NULL;
  if (!tx->func (tx->call, &status, &answer, tx->user_data, error))
    return FALSE;
  g_autoptr (JsonNode) body = answer;
  tx->status = status;
  tx->body_text = json_to_string (body, FALSE);
  tx->stored = g_strdup_printf ("{\"status\":%u,\"body\":%s}", status, tx->body_text);
  return mado_registry_store_put_idempotent (store, tx->call->terminal->terminal_id, tx->key,
                                             tx->digest, tx->stored, tx->call->now, error);
}

/* Runs on the writer's thread and store, in its batch (mado-api-writer.h): re-runnable, so
 * what it records for the caller is reset first. */
static gboolean
write_tx (MadoRegistryStore *store, gpointer user_data, GError **error)
{
  WriteTx *tx = user_data;
  MadoRegistryStore *own = tx->call->store;
  g_clear_pointer (&tx->stored, g_free);
  g_clear_pointer (&tx->body_text, g_free);
  tx->replayed = FALSE;
  tx->call->fail_status = 0;
  tx->call->store = store;
  gboolean ok = write_tx_body (store, tx, error);
  tx->call->store = own;
  return ok;
}

MadoHttpResponse *
mado_api_idempotent_write (MadoApiCall *call, MadoApiWriteFunc func, gpointer user_data)
{
  const char *key = mado_http_request_get_header (call->request, "idempotency-key");
  if (key == NULL)
    return mado_api_error (400, "api.idempotency-key-required",
                           "every write needs an Idempotency-Key header");
  if (!is_valid_key (key))
    return mado_api_error (400, "api.idempotency-key",
                           "the Idempotency-Key must be 8–128 of A–Z a–z 0–9 - _");
  g_autoptr (GError) error = NULL;
  const char *created = mado_http_request_get_header (call->request, "mado-created-at");
  if (created != NULL)
    {
      gint64 created_at = 0;
      if (!g_ascii_string_to_signed (created, 10, 0, G_MAXINT64, &created_at, NULL))
        return mado_api_error (400, "api.created-at", "Mado-Created-At must be Unix seconds");
      if (!mado_registry_idempotency_check_fresh (created_at, call->now, &error))
        return mado_api_error_from_gerror (error);
    }
  /* The digest covers what the request asks: method, path and body. */
  gsize size = 0;
  const char *data = g_bytes_get_data (call->request->body, &size);
  GString *what = g_string_new (call->request->method);
  g_string_append_c (what, ' ');
  g_string_append (what, call->request->path);
  g_string_append_c (what, '\n');
  g_string_append_len (what, data != NULL ? data : "", (gssize)size);
  WriteTx tx = { call, func,  user_data, key, mado_api_sha256_hex (what->str, what->len),
                 NULL, FALSE, 0,         NULL };
  g_string_free (what, TRUE);

  gboolean ok = mado_api_writer_run (call->api->writer, write_tx, &tx, &error);
  g_free (tx.digest);
  g_autofree char *stored = tx.stored;
  g_autofree char *body_text = tx.body_text;
  if (!ok)
    {
      if (call->fail_status != 0)
        return mado_api_error (call->fail_status, call->fail_code, call->fail_message);
      return mado_api_error_from_gerror (error);
    }
  if (!tx.replayed)
    return mado_http_response_new_json (tx.status, body_text);
  /* A replay: the stored answer, status and body as they first went out. */
  g_autoptr (JsonParser) parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, stored, -1, NULL))
    return mado_api_error (500, "api.internal", "a stored answer does not parse");
  JsonObject *o = json_node_get_object (json_parser_get_root (parser));
  guint status = (guint)json_object_get_int_member (o, "status");
  MadoHttpResponse *response
      = mado_api_json (status, json_node_copy (json_object_get_member (o, "body")));
  mado_http_response_add_header (response, "Idempotent-Replayed", "true");
  return response;
}

/* ---- routing -----------------------------------------------------------------------------------
 */

static void
call_clear (MadoApiCall *call)
{
  if (call->store != NULL)
    g_async_queue_push (call->api->pool, call->store);
  g_strfreev (call->segments);
  g_clear_pointer (&call->terminal, mado_terminal_record_free);
  g_clear_pointer (&call->session, mado_session_record_free);
  g_clear_pointer (&call->operator_, mado_operator_record_free);
  g_clear_pointer (&call->body, json_node_unref);
  g_free (call->fail_code);
  g_free (call->fail_message);
}

static gboolean
split_path (MadoApiCall *call)
{
  const char *path = call->request->path;
  if (!g_str_has_prefix (path, "/v1/"))
    return FALSE;
  call->segments = g_strsplit (path + 4, "/", 16);
  call->n_segments = g_strv_length (call->segments);
  for (guint i = 0; i < call->n_segments; i++)
    if (call->segments[i][0] == '\0')
      return FALSE;
  return call->n_segments > 0;
}

static MadoHttpResponse *
serve (MadoRegistryApi *api, const MadoHttpRequest *request, const MadoHttpPeer *peer,
       gboolean public_listener)
{
  MadoApiCall call = { 0 };
  call.api = api;
  call.request = request;
  call.peer = peer;
  call.now = mado_clock_now (api->clock);
  MadoHttpResponse *response = NULL;

  if (!split_path (&call))
    response = mado_api_error (404, "api.not-found", "no such resource");
  else if (public_listener != (g_strcmp0 (call.segments[0], "public") == 0))
    response = mado_api_error (404, "api.not-found",
                               public_listener ? "only /v1/public/ is served here"
                                               : "/v1/public/ is served on the public listener");
  else
    {
      call.store = g_async_queue_pop (api->pool);
      if (public_listener)
        response = mado_api_route_public (&call);
      else if ((response = load_terminal (&call)) == NULL
               && (response = load_session (&call)) == NULL)
        {
          MadoHttpResponse *(*routes[]) (MadoApiCall *) = {
            mado_api_route_identity, mado_api_route_certificates, mado_api_route_drafts,
            mado_api_route_tickets,  mado_api_route_seals,
          };
          for (guint i = 0; response == NULL && i < G_N_ELEMENTS (routes); i++)
            response = routes[i](&call);
        }
      if (response == NULL)
        response = mado_api_error (404, "api.not-found", "no such resource");
    }
  call_clear (&call);
  return response;
}

MadoHttpResponse *
mado_registry_api_handle (const MadoHttpRequest *request, const MadoHttpPeer *peer,
                          gpointer user_data)
{
  return serve (user_data, request, peer, FALSE);
}

MadoHttpResponse *
mado_registry_api_handle_public (const MadoHttpRequest *request, const MadoHttpPeer *peer,
                                 gpointer user_data)
{
  (void)peer;
  return serve (user_data, request, NULL, TRUE);
}
