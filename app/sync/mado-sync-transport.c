/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-sync-transport.c — the transport interface and the response it returns.
 */
#include "mado-sync-transport.h"

#include <string.h>

#include <json-glib/json-glib.h>

#define ERROR_CODE_MAX 64

G_DEFINE_INTERFACE (MadoSyncTransport, mado_sync_transport, G_TYPE_OBJECT)

static void
mado_sync_transport_default_init (MadoSyncTransportInterface *iface)
{
}

MadoSyncResponse *
mado_sync_transport_request (MadoSyncTransport *self, const MadoSyncRequest *request,
                             GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (MADO_IS_SYNC_TRANSPORT (self), NULL);
  g_return_val_if_fail (request != NULL && request->method != NULL && request->path != NULL, NULL);

  MadoSyncTransportInterface *iface = MADO_SYNC_TRANSPORT_GET_IFACE (self);
  g_return_val_if_fail (iface->request != NULL, NULL);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  return iface->request (self, request, cancellable, error);
}

MadoSyncResponse *
mado_sync_response_new (guint status, const char *body, gboolean replayed)
{
  MadoSyncResponse *response = g_new0 (MadoSyncResponse, 1);
  response->status = status;
  response->body = g_strdup (body != NULL ? body : "");
  response->body_length = strlen (response->body);
  response->replayed = replayed;
  return response;
}

void
mado_sync_response_free (MadoSyncResponse *response)
{
  if (response == NULL)
    return;
  if (response->body != NULL)
    explicit_bzero (response->body, response->body_length);
  g_free (response->body);
  g_free (response);
}

void
mado_sync_body_free (char *body)
{
  if (body == NULL)
    return;
  explicit_bzero (body, strlen (body));
  g_free (body);
}

static gboolean
error_code_is_valid (const char *code)
{
  gsize length = strlen (code);
  if (length == 0 || length > ERROR_CODE_MAX)
    return FALSE;
  for (const char *p = code; *p != '\0'; p++)
    if (!(g_ascii_islower (*p) || g_ascii_isdigit (*p) || *p == '_' || *p == '.' || *p == '-'))
      return FALSE;
  return TRUE;
}

char *
mado_sync_response_dup_error_code (const MadoSyncResponse *response)
{
  g_return_val_if_fail (response != NULL, NULL);

  /* An error body holds a code and a technical message; should a registry echo anything
   * personal in it, the parser's copies go with the parser, and only a validated identifier
   * comes out. */
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  if (response->body_length == 0
      || !json_parser_load_from_data (parser, response->body, (gssize)response->body_length, NULL))
    return NULL;
  JsonNode *root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  JsonNode *error = json_object_get_member (json_node_get_object (root), "error");
  if (error == NULL || !JSON_NODE_HOLDS_OBJECT (error))
    return NULL;
  JsonNode *code = json_object_get_member (json_node_get_object (error), "code");
  if (code == NULL || !JSON_NODE_HOLDS_VALUE (code)
      || json_node_get_value_type (code) != G_TYPE_STRING)
    return NULL;
  const char *text = json_node_get_string (code);
  return text != NULL && error_code_is_valid (text) ? g_strdup (text) : NULL;
}
