/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-store-common.c — what both backends share and is not SQL: JSON columns, argument checks,
 * error shapes.
 */
#include "mado-store-common.h"
#include "mado-model-text.h"

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

static char *
json_text (JsonNode *node)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  json_generator_set_root (gen, node);
  return json_generator_to_data (gen, NULL);
}

MadoHistoryEntry *
mado_store_entry_check (const MadoHistoryEntry *entry, guint history_number, JsonNode **tree,
                        char **entry_json, char **person_json, GError **error)
{
  g_autoptr (JsonNode) node = mado_history_entry_to_json (entry);
  JsonObject *object = json_node_get_object (node);
  g_autoptr (GList) members = NULL;
  MadoHistoryEntry *checked;
  JsonNode *person;
  GList *last;

  *tree = NULL;
  *entry_json = *person_json = NULL;
  json_object_set_int_member (object, "history_number", history_number);
  checked = mado_history_entry_new_from_json (node, error);
  if (checked == NULL)
    return NULL;
  /* The checked entry written out is this tree: to_json() of what the strict read of to_json()'s
   * output gives is that output again. The person is the entry's last member (the schema's
   * order), so the entry's text is its other members' and then the person's, made once. */
  person = json_object_get_member (object, "person");
  *person_json = json_text (person);
  members = json_object_get_members (object);
  last = g_list_last (members);
  if (last != NULL && last->prev != NULL && g_str_equal (last->data, "person"))
    {
      g_autoptr (JsonNode) held = json_node_ref (person);
      g_autofree char *head = NULL;
      gsize length;

      json_object_remove_member (object, "person");
      head = json_text (node); /* {"atena_number":…,"terminal":…} */
      json_object_set_member (object, "person", g_steal_pointer (&held)); /* last again */
      length = strlen (head);
      g_assert (length > 2 && head[length - 1] == '}');
      *entry_json = g_strdup_printf ("%.*s,\"person\":%s}", (int)(length - 1), head, *person_json);
    }
  else
    *entry_json = json_text (node);
  *tree = g_steal_pointer (&node);
  return checked;
}

char *
mado_store_address_check (const MadoAddress *address, GError **error)
{
  g_autoptr (JsonNode) node = mado_address_to_json (address);
  g_autoptr (MadoAddress) checked = mado_address_new_from_json (node, error);

  return checked != NULL ? json_text (node) : NULL;
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

char *
mado_store_issuance_day (const MadoIssuance *issuance)
{
  if (issuance->reserved_at == NULL || strlen (issuance->reserved_at) < 10)
    return g_strdup ("");
  return g_strndup (issuance->reserved_at, 10);
}

/* ---- schema 4 ------------------------------------------------------------------------------ */

gboolean
mado_store_conflict (const char *message, GError **error)
{
  g_set_error_literal (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_CONFLICT, message);
  return FALSE;
}

gboolean
mado_store_day_is_valid (const char *day)
{
  if (day == NULL || strlen (day) != 10 || day[4] != '-' || day[7] != '-')
    return FALSE;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (day[i]))
      return FALSE;
  return g_date_valid_dmy ((GDateDay)g_ascii_strtoull (day + 8, NULL, 10),
                           (GDateMonth)g_ascii_strtoull (day + 5, NULL, 10),
                           (GDateYear)g_ascii_strtoull (day, NULL, 10));
}

static gboolean
is_hex (const char *s, gsize min, gsize max)
{
  gsize length = s != NULL ? strlen (s) : 0;

  if (length < min || length > max)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isxdigit (s[i]))
      return FALSE;
  return TRUE;
}

char *
mado_store_serial_normalize (const char *serial_hex, GError **error)
{
  const char *p = serial_hex;

  if (!is_hex (serial_hex, 1, 64))
    return mado_store_invalid ("serial: not 1–64 hex digits", error), NULL;
  while (p[0] == '0' && p[1] != '\0')
    p++;
  return g_ascii_strdown (p, -1);
}

char *
mado_store_hex64_normalize (const char *hex, const char *what, GError **error)
{
  if (!is_hex (hex, 64, 64))
    {
      g_set_error (error, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_INVALID, "%s: not 64 hex digits",
                   what);
      return NULL;
    }
  return g_ascii_strdown (hex, -1);
}

gboolean
mado_store_check_terminal (const char *terminal_id, const char *kind, GError **error)
{
  if (!mado_ascii_id_is_valid (terminal_id))
    return mado_store_invalid ("terminal_id: not 1–64 of A–Z a–z 0–9 . _ -", error);
  if (kind != NULL && g_strcmp0 (kind, "kiosk") != 0 && g_strcmp0 (kind, "console") != 0)
    return mado_store_invalid ("kind: not kiosk or console", error);
  return TRUE;
}

static gboolean
is_printable_ascii (const char *s, gsize max)
{
  gsize length = s != NULL ? strlen (s) : 0;

  if (length < 1 || length > max)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (s[i] < 0x21 || s[i] > 0x7e)
      return FALSE;
  return TRUE;
}

gboolean
mado_store_check_operator (const MadoOperatorRecord *op, GError **error)
{
  if (!mado_ascii_id_is_valid (op->login))
    return mado_store_invalid ("login: not 1–64 of A–Z a–z 0–9 . _ -", error);
  if (!mado_text_is_valid (op->display_name, 64))
    return mado_store_invalid ("display_name: not 1–64 characters of text", error);
  if (mado_operator_role_to_string (op->role) == NULL)
    return mado_store_invalid ("role: unknown", error);
  if (!is_printable_ascii (op->password_hash, 512))
    return mado_store_invalid ("password_hash: not 1–512 printable ASCII characters", error);
  return TRUE;
}

gboolean
mado_store_check_session (const MadoSessionRecord *s, char **token_hash, char **card_link,
                          GError **error)
{
  g_autofree char *hash = NULL;
  g_autofree char *link = NULL;
  gboolean identity = g_strcmp0 (s->kind, "identity") == 0;

  *token_hash = *card_link = NULL;
  hash = mado_store_hex64_normalize (s->token_hash, "token_hash", error);
  if (hash == NULL)
    return FALSE;
  if (!identity && g_strcmp0 (s->kind, "operator") != 0)
    return mado_store_invalid ("kind: not identity or operator", error);
  if (identity ? !mado_atena_number_check (s->subject, NULL) : !mado_ascii_id_is_valid (s->subject))
    return mado_store_invalid ("subject: not a 宛名番号 (identity) or an operator login", error);
  if (!mado_ascii_id_is_valid (s->terminal_id))
    return mado_store_invalid ("terminal_id: not 1–64 of A–Z a–z 0–9 . _ -", error);
  if (s->card_link != NULL)
    {
      if (!identity)
        return mado_store_invalid ("card_link: only an identity session has one", error);
      link = mado_store_hex64_normalize (s->card_link, "card_link", error);
      if (link == NULL)
        return FALSE;
    }
  if (s->expires_at <= s->created_at)
    return mado_store_invalid ("expires_at: not after created_at", error);
  *token_hash = g_steal_pointer (&hash);
  *card_link = g_steal_pointer (&link);
  return TRUE;
}

gboolean
mado_store_check_draft_update (const MadoMoveDraft *draft, MadoMoveStatus expected, GError **error)
{
  const char *from = mado_move_status_to_string (expected);

  if (from == NULL)
    return mado_store_invalid ("expected_status: unknown", error);
  if (!mado_move_draft_validate (draft, error))
    return FALSE;
  if (expected == MADO_MOVE_STATUS_REGISTERED || expected == MADO_MOVE_STATUS_REJECTED)
    {
      g_set_error (error, MADO_MODEL_ERROR, MADO_MODEL_ERROR_TRANSITION,
                   "status: a “%s” draft is final and never changes", from);
      return FALSE;
    }
  if (draft->status != expected && !mado_move_status_can_change (expected, draft->status))
    {
      g_set_error (error, MADO_MODEL_ERROR, MADO_MODEL_ERROR_TRANSITION,
                   "status: a draft cannot go from “%s” to “%s”", from,
                   mado_move_status_to_string (draft->status));
      return FALSE;
    }
  return TRUE;
}

/* As the model writes them (app/model/mado-queue-ticket.c); the tests list by each. */
static const char *const ticket_status_names[]
    = { "waiting", "called", "in_service", "done", "absent", "cancelled" };
G_STATIC_ASSERT (G_N_ELEMENTS (ticket_status_names) == MADO_TICKET_STATUS_CANCELLED + 1);

const char *
mado_store_ticket_status_name (int status)
{
  return status >= 0 && status < (int)G_N_ELEMENTS (ticket_status_names)
             ? ticket_status_names[status]
             : NULL;
}

const char *
mado_store_move_status_name (int status)
{
  return status >= 0 && status <= (int)MADO_MOVE_STATUS_REJECTED
             ? mado_move_status_to_string ((MadoMoveStatus)status)
             : NULL;
}

gboolean
mado_store_ticket_issued_unix (const MadoQueueTicket *ticket, gint64 *out, GError **error)
{
  g_autoptr (GDateTime) at = NULL;

  if (ticket->issued_at != NULL)
    at = g_date_time_new_from_iso8601 (ticket->issued_at, NULL);
  if (at == NULL)
    return mado_store_invalid ("issued_at: not an RFC 3339 date and time", error);
  *out = g_date_time_to_unix (at);
  return TRUE;
}

char *
mado_store_categories_string (const char *const *categories, GError **error)
{
  g_autoptr (GString) letters = g_string_new (NULL);

  for (gsize i = 0; categories[i] != NULL; i++)
    {
      if (!mado_store_category_is_valid (categories[i]))
        return mado_store_invalid ("category: not one letter A–Z", error), NULL;
      if (strchr (letters->str, categories[i][0]) == NULL)
        g_string_append_c (letters, categories[i][0]);
    }
  if (letters->len == 0)
    return mado_store_invalid ("categories: none given", error), NULL;
  return g_string_free (g_steal_pointer (&letters), FALSE);
}

MadoQueueTicket *
mado_store_ticket_called (const char *ticket_json, const char *counter, char **json, GError **error)
{
  g_autoptr (MadoQueueTicket) ticket = mado_queue_ticket_new_from_data (ticket_json, -1, error);

  *json = NULL;
  if (ticket == NULL)
    return NULL;
  ticket->status = MADO_TICKET_STATUS_CALLED;
  g_free (ticket->counter);
  ticket->counter = g_strdup (counter);
  if (!mado_queue_ticket_validate (ticket, error))
    return NULL;
  *json = mado_queue_ticket_to_data (ticket, NULL);
  return g_steal_pointer (&ticket);
}

MadoQueueTicket *
mado_store_offline_ticket (const MadoQueueTicket *ticket, GError **error)
{
  MadoQueueTicket *copy;

  if (!mado_queue_ticket_validate (ticket, error))
    return NULL;
  if (!mado_store_category_is_valid (ticket->category))
    return mado_store_invalid ("category: not one letter A–Z", error), NULL;
  copy = mado_queue_ticket_copy (ticket);
  copy->offline = TRUE;
  return copy;
}

gboolean
mado_store_check_seal_replace (const MadoSealRegistration *reg, const char *stored_atena,
                               const char *stored_status, GError **error)
{
  if (stored_atena == NULL)
    return TRUE;
  if (!g_str_equal (stored_atena, reg->atena_number))
    return mado_store_conflict ("the seal registration number is another person's", error);
  if (g_strcmp0 (stored_status, mado_seal_status_to_string (MADO_SEAL_STATUS_ABOLISHED)) == 0
      && reg->status != MADO_SEAL_STATUS_ABOLISHED)
    {
      g_set_error_literal (error, MADO_MODEL_ERROR, MADO_MODEL_ERROR_TRANSITION,
                           "status: an abolished seal registration is final (a new registration "
                           "gets a new number)");
      return FALSE;
    }
  return TRUE;
}

gboolean
mado_store_seal_conflict (GError **error)
{
  return mado_store_conflict ("the person already has a registered seal (one per person: "
                              "abolish it first)",
                              error);
}

JsonNode *
mado_store_reservation_json (const MadoIssuance *request)
{
  JsonNode *node = mado_issuance_to_json (request);
  JsonObject *object = json_node_get_object (node);
  json_object_set_string_member (object, "status", "reserved");
  json_object_remove_member (object, "printed_at");
  json_object_remove_member (object, "voided_at");
  json_object_remove_member (object, "void_reason");
  return node;
}
