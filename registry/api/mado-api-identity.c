/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-api-identity.c — who the person is: the JPKI challenge (nonce → signature and
 * certificate → a short session bound to one person and one kiosk), clerks' login, card links
 * made at the counter, and persons read by clerks (個人番号 only with a purpose, logged).
 *
 *   POST /v1/identity/nonce            terminal
 *   POST /v1/identity/sessions         terminal            {nonce, signature, certificate}
 *   POST /v1/operators/login           console             {login, password}
 *   POST /v1/sessions/logout           any session
 *   POST /v1/card-links                clerk, idempotent   {atena_number, certificate}
 *   GET  /v1/persons/{atena}           clerk
 *   GET  /v1/persons/{atena}/kojin-bango?purpose=…   clerk (access log)
 *   GET  /v1/persons/{atena}/seal-registration       clerk (mado-api-seals.c)
 */
#define G_LOG_DOMAIN "mado-registry"

#include <string.h>

#include "mado-api-private.h"
#include "mado-card-link.h"
#include "mado-challenge.h"
#include "mado-password.h"

static gboolean
is_post (MadoApiCall *call)
{
  return strcmp (call->request->method, "POST") == 0;
}

static gboolean
is_get (MadoApiCall *call)
{
  return strcmp (call->request->method, "GET") == 0;
}

static GBytes *
member_base64 (JsonObject *o, const char *name, gsize max)
{
  const char *text = mado_api_member_string (o, name);
  if (text == NULL || strlen (text) > max * 2)
    return NULL;
  gsize n = 0;
  guchar *raw = g_base64_decode (text, &n);
  if (raw == NULL || n == 0 || n > max)
    {
      g_free (raw);
      return NULL;
    }
  return g_bytes_new_take (raw, n);
}

static JsonNode *
token_answer (const char *token, gint64 expires_at, const char *extra_name, const char *extra)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "token");
  json_builder_add_string_value (b, token);
  json_builder_set_member_name (b, "expires_at");
  g_autofree char *at = mado_api_rfc3339 (expires_at);
  json_builder_add_string_value (b, at);
  if (extra_name != NULL)
    {
      json_builder_set_member_name (b, extra_name);
      json_builder_add_string_value (b, extra);
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static gboolean
put_session (MadoRegistryStore *store, gpointer user_data, GError **error)
{
  return mado_registry_store_put_session (store, user_data, error);
}

/* A new session: the token goes to the caller once, only its hash is kept. */
static MadoHttpResponse *
open_session (MadoApiCall *call, const char *kind, const char *subject, const char *card_link,
              guint ttl, char **token_out, gint64 *expires_out)
{
  g_autofree char *token = mado_api_random_id (32);
  MadoSessionRecord record = { 0 };
  g_autofree char *hash = mado_api_sha256_hex (token, strlen (token));
  record.token_hash = hash;
  record.kind = (char *)kind;
  record.subject = (char *)subject;
  record.terminal_id = call->terminal->terminal_id;
  record.card_link = (char *)card_link;
  record.created_at = call->now;
  record.expires_at = call->now + ttl;
  g_autoptr (GError) error = NULL;
  if (!mado_api_writer_run (call->api->writer, put_session, &record, &error))
    return mado_api_error_from_gerror (error);
  *token_out = g_steal_pointer (&token);
  *expires_out = record.expires_at;
  return NULL;
}

static MadoHttpResponse *
post_nonce (MadoApiCall *call)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) nonce = mado_challenge_issue (call->api->nonces, call->api->clock,
                                                   call->api->options.nonce_seconds, &error);
  if (nonce == NULL)
    return mado_api_error_from_gerror (error);
  gsize n = 0;
  const guint8 *raw = g_bytes_get_data (nonce, &n);
  g_autofree char *text = g_base64_encode (raw, n);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "nonce");
  json_builder_add_string_value (b, text);
  json_builder_set_member_name (b, "expires_at");
  g_autofree char *at = mado_api_rfc3339 (call->now + call->api->options.nonce_seconds);
  json_builder_add_string_value (b, at);
  json_builder_end_object (b);
  return mado_api_json (201, json_builder_get_root (b));
}

static MadoHttpResponse *
post_identity_session (MadoApiCall *call)
{
  MadoHttpResponse *refused = mado_api_parse_body (call, TRUE);
  if (refused != NULL)
    return refused;
  JsonObject *o = json_node_get_object (call->body);
  g_autoptr (GBytes) nonce = member_base64 (o, "nonce", 64);
  g_autoptr (GBytes) signature = member_base64 (o, "signature", 1024);
  g_autoptr (GBytes) certificate = member_base64 (o, "certificate", 8192);
  if (nonce == NULL || signature == NULL || certificate == NULL)
    return mado_api_error (400, "api.invalid",
                           "nonce, signature and certificate must be base64 strings");
  g_autoptr (MadoVerdict) verdict
      = mado_challenge_check (call->api->verifier, call->api->nonces, nonce, signature, certificate,
                              call->api->options.identity_checks, NULL);
  if (verdict->kind != MADO_VERDICT_VALID)
    {
      g_autofree char *code
          = g_strdup_printf ("identity.%s", mado_verdict_reason_to_string (verdict->reason));
      /* unknown (revocation could not be checked) is not a refusal of the person: 503 */
      return mado_api_error (verdict->kind == MADO_VERDICT_UNKNOWN ? 503 : 403, code,
                             verdict->detail != NULL ? verdict->detail : "not valid");
    }
  /* The verdict's card link is the hash of the same (key identifier, serial) the store keeps:
   * no second parse of the certificate. */
  if (verdict->card_link == NULL)
    return mado_api_error (403, "identity.no-card-link",
                           "the certificate has no authority key identifier");
  g_autoptr (GError) error = NULL;
  g_autofree char *atena
      = mado_registry_store_find_card_link_by_hash (call->store, verdict->card_link, &error);
  if (atena == NULL)
    {
      if (g_error_matches (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_NOT_FOUND))
        return mado_api_error (403, "identity.not-linked",
                               "this card is not linked to a resident: please ask at the counter");
      return mado_api_error_from_gerror (error);
    }
  g_autoptr (MadoPerson) person = mado_registry_store_get_person (call->store, atena, &error);
  if (person == NULL)
    return mado_api_error_from_gerror (error);

  g_autofree char *token = NULL;
  gint64 expires_at = 0;
  refused = open_session (call, "identity", atena, verdict->card_link,
                          call->api->options.identity_session_seconds, &token, &expires_at);
  if (refused != NULL)
    return refused;
  JsonNode *answer = token_answer (token, expires_at, "card_link", verdict->card_link);
  JsonObject *ao = json_node_get_object (answer);
  /* What the kiosk shows: 「〇〇 様」. Nothing more of the person leaves here. */
  json_object_set_string_member (ao, "name", person->name);
  json_object_set_string_member (
      ao, "status", person->status == MADO_RESIDENT_STATUS_RESIDENT ? "resident" : "not_resident");
  return mado_api_json (201, answer);
}

static MadoHttpResponse *
post_login (MadoApiCall *call)
{
  MadoHttpResponse *refused = mado_api_require (call, MADO_API_NEED_CONSOLE);
  if (refused != NULL || (refused = mado_api_parse_body (call, TRUE)) != NULL)
    return refused;
  JsonObject *o = json_node_get_object (call->body);
  const char *login = mado_api_member_string (o, "login");
  const char *password = mado_api_member_string (o, "password");
  if (login == NULL || password == NULL)
    return mado_api_error (400, "api.invalid", "login and password are required strings");
  g_autoptr (MadoOperatorRecord) op = mado_registry_store_get_operator (call->store, login, NULL);
  /* The same slow work whether the login exists or not. */
  gboolean ok = mado_password_verify (password,
                                      op != NULL ? op->password_hash
                                                 : "scrypt$15$8$1$AAAAAAAAAAAAAAAAAAAAAA==$"
                                                   "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
  if (!ok || op == NULL || op->disabled)
    return mado_api_error (401, "api.login-failed", "the login or the password is wrong");
  g_autofree char *token = NULL;
  gint64 expires_at = 0;
  refused = open_session (call, "operator", op->login, NULL,
                          call->api->options.operator_session_seconds, &token, &expires_at);
  if (refused != NULL)
    return refused;
  return mado_api_json (
      201, token_answer (token, expires_at, "role", mado_operator_role_to_string (op->role)));
}

static MadoHttpResponse *
post_logout (MadoApiCall *call)
{
  if (call->session == NULL)
    return mado_api_error (401, "api.login-required", "no session to end");
  g_autoptr (GError) error = NULL;
  if (!mado_registry_store_delete_session (call->store, call->session->token_hash, &error))
    return mado_api_error_from_gerror (error);
  return mado_http_response_new (204, NULL, NULL);
}

static gboolean
write_card_link (MadoApiCall *call, guint *status, JsonNode **answer, gpointer user_data,
                 GError **error)
{
  (void)user_data;
  JsonObject *o = json_node_get_object (call->body);
  const char *atena = mado_api_member_string (o, "atena_number");
  g_autoptr (GBytes) certificate = member_base64 (o, "certificate", 8192);
  if (atena == NULL || certificate == NULL)
    {
      mado_api_fail (call, error, 400, "api.invalid",
                     "atena_number (string) and certificate (base64 DER) are required");
      return FALSE;
    }
  g_autoptr (MadoPerson) person = mado_registry_store_get_person (call->store, atena, error);
  if (person == NULL)
    return FALSE;
  g_autoptr (MadoVerdict) verdict
      = mado_cert_verifier_verify (call->api->verifier, certificate, MADO_CERT_PURPOSE_AUTH,
                                   call->api->options.identity_checks, NULL);
  if (verdict->kind != MADO_VERDICT_VALID)
    {
      g_autofree char *code
          = g_strdup_printf ("identity.%s", mado_verdict_reason_to_string (verdict->reason));
      mado_api_fail (call, error, verdict->kind == MADO_VERDICT_UNKNOWN ? 503 : 403, code,
                     verdict->detail != NULL ? verdict->detail : "");
      return FALSE;
    }
  g_autoptr (GBytes) kid = NULL;
  g_autoptr (GBytes) serial = NULL;
  if (verdict->card_link == NULL || !mado_card_link_get_der (certificate, &kid, &serial))
    {
      mado_api_fail (call, error, 403, "identity.no-card-link",
                     "the certificate has no authority key identifier");
      return FALSE;
    }
  if (!mado_registry_store_link_card (call->store, kid, serial, atena, call->now, error))
    return FALSE;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "atena_number");
  json_builder_add_string_value (b, atena);
  json_builder_set_member_name (b, "card_link");
  json_builder_add_string_value (b, verdict->card_link);
  json_builder_end_object (b);
  *answer = json_builder_get_root (b);
  *status = 201;
  return TRUE;
}

static MadoHttpResponse *
get_person (MadoApiCall *call, const char *atena)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoPerson) person = mado_registry_store_get_person (call->store, atena, &error);
  if (person == NULL)
    return mado_api_error_from_gerror (error);
  return mado_api_json (200, mado_person_to_json (person));
}

static MadoHttpResponse *
get_kojin_bango (MadoApiCall *call, const char *atena)
{
  g_autofree char *purpose = mado_http_request_dup_query_param (call->request, "purpose");
  if (purpose == NULL || *purpose == '\0' || strlen (purpose) > 200)
    return mado_api_error (400, "api.purpose-required",
                           "reading a 個人番号 needs ?purpose= (kept in the access log)");
  g_autoptr (GError) error = NULL;
  g_autofree char *who
      = g_strdup_printf ("%s@%s", call->operator_->login, call->terminal->terminal_id);
  g_autofree char *number = NULL;
  if (!mado_registry_store_read_kojin_bango (call->store, atena, who, purpose, call->now, &number,
                                             &error))
    return mado_api_error_from_gerror (error);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "atena_number");
  json_builder_add_string_value (b, atena);
  json_builder_set_member_name (b, "kojin_bango");
  if (number != NULL)
    json_builder_add_string_value (b, number);
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  MadoHttpResponse *r = mado_api_json (200, json_builder_get_root (b));
  if (number != NULL)
    explicit_bzero (number, strlen (number));
  return r;
}

MadoHttpResponse *
mado_api_route_identity (MadoApiCall *call)
{
  char **s = call->segments;
  guint n = call->n_segments;
  MadoHttpResponse *refused = NULL;

  if (n == 2 && strcmp (s[0], "identity") == 0 && strcmp (s[1], "nonce") == 0 && is_post (call))
    return post_nonce (call);
  if (n == 2 && strcmp (s[0], "identity") == 0 && strcmp (s[1], "sessions") == 0 && is_post (call))
    return post_identity_session (call);
  if (n == 2 && strcmp (s[0], "operators") == 0 && strcmp (s[1], "login") == 0 && is_post (call))
    return post_login (call);
  if (n == 2 && strcmp (s[0], "sessions") == 0 && strcmp (s[1], "logout") == 0 && is_post (call))
    return post_logout (call);
  if (n == 1 && strcmp (s[0], "card-links") == 0 && is_post (call))
    {
      if ((refused = mado_api_require (call, MADO_API_NEED_CLERK)) != NULL
          || (refused = mado_api_parse_body (call, TRUE)) != NULL)
        return refused;
      return mado_api_idempotent_write (call, write_card_link, NULL);
    }
  if (n >= 2 && n <= 3 && strcmp (s[0], "persons") == 0 && is_get (call))
    {
      if ((refused = mado_api_require (call, MADO_API_NEED_CLERK)) != NULL)
        return refused;
      if (n == 2)
        return get_person (call, s[1]);
      if (strcmp (s[2], "kojin-bango") == 0)
        return get_kojin_bango (call, s[1]);
      if (strcmp (s[2], "seal-registration") == 0)
        return mado_api_get_seal_registration (call, s[1]);
    }
  return NULL;
}
