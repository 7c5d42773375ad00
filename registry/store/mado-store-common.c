/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "mado-store-common.h"

#include <string.h>

const char *
mado_store_json_text (JsonObject *object, const char *name)
{
  JsonNode *node = json_object_get_member (object, name);
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);
  if (JSON_NODE_HOLDS_OBJECT (node))
    return mado_store_json_text (json_node_get_object (node), "date");
  return NULL;
}

MadoPerson *
mado_store_person_from_json_text (const char *text, GError **error)
{
  MadoPerson *person = mado_person_new_from_data (text, -1, error);
  if (person != NULL)
    g_clear_pointer (&person->kojin_bango, g_free); /* only read_kojin_bango() gives it */
  return person;
}

gboolean
mado_store_not_found (const char *what, GError **error)
{
  g_set_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_NOT_FOUND, "no such %s", what);
  return FALSE;
}

gboolean
mado_store_invalid (const char *message, GError **error)
{
  g_set_error_literal (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_INVALID, message);
  return FALSE;
}

gboolean
mado_store_category_is_valid (const char *category)
{
  return category != NULL && category[0] >= 'A' && category[0] <= 'Z' && category[1] == '\0';
}

gboolean
mado_store_prefix_is_valid (const char *prefix)
{
  gsize length = strlen (prefix);

  if (length == 0 || length > 32 - 7) /* room for "-NNNNNN" in a QR id of 32 */
    return FALSE;
  for (const char *p = prefix; *p != '\0'; p++)
    if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-'))
      return FALSE;
  return TRUE;
}

char *
mado_store_ticket_day (const MadoQueueTicket *ticket, GError **error)
{
  if (ticket->issued_at == NULL || strlen (ticket->issued_at) < 10)
    return mado_store_invalid ("issued_at: missing", error), NULL;
  return g_strndup (ticket->issued_at, 10);
}
