/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-api-tickets.c — queue tickets (整理券): issued per service category with daily numbering,
 * called by consoles, followed by residents through an unguessable id on the public listener.
 * A kiosk reserves a block of numbers in advance and issues from it while cut off; those
 * tickets arrive later through its outbox.
 *
 *   POST /v1/tickets                  terminal, idempotent  {category, service, draft_id?}
 *   POST /v1/tickets/offline-blocks   terminal, idempotent  {category, count}
 *   POST /v1/tickets/offline          terminal, idempotent  MadoQueueTicket (offline: true)
 *   POST /v1/tickets/call-next        clerk, idempotent     {categories: [..], counter}
 *   POST /v1/tickets/{id}/status      clerk, idempotent     {status, counter?}
 *   GET  /v1/tickets?status=waiting   clerk (today)
 *   GET  /v1/public/tickets/{id}      public: number, status, counter, how many ahead
 *   GET  /v1/public/board             public: called numbers and waiting counts, today
 *   GET  /v1/public/issuances/{n}     public: see mado-api-certificates.c
 */
#define G_LOG_DOMAIN "mado-registry"

#include <string.h>

#include "mado-api-private.h"

static const char *const status_names[]
    = { "waiting", "called", "in_service", "done", "absent", "cancelled" };

static gboolean
is_category (const char *c)
{
  return c != NULL && c[0] >= 'A' && c[0] <= 'Z' && c[1] == '\0';
}

static JsonNode *
ticket_answer (const MadoQueueTicket *t)
{
  JsonNode *node = mado_queue_ticket_to_json (t);
  g_autofree char *display = mado_queue_ticket_format_number (t);
  json_object_set_string_member (json_node_get_object (node), "display_number", display);
  return node;
}

static gboolean
write_ticket (MadoApiCall *call, guint *status, JsonNode **answer, gpointer user_data,
              GError **error)
{
  (void)user_data;
  JsonObject *o = json_node_get_object (call->body);
  const char *category = mado_api_member_string (o, "category");
  const char *service = mado_api_member_string (o, "service");
  const char *draft_id = mado_api_member_string (o, "draft_id");
  if (!is_category (category) || service == NULL || *service == '\0' || strlen (service) > 64)
    {
      mado_api_fail (call, error, 400, "api.invalid",
                     "category (one letter A–Z) and service (text) are required");
      return FALSE;
    }
  g_autoptr (MadoQueueTicket) t = g_new0 (MadoQueueTicket, 1);
  t->ticket_id = mado_api_random_id (20); /* 160 bits: 32 characters */
  t->category = g_strdup (category);
  t->service = g_strdup (service);
  t->office_code = g_strdup (call->api->office_code);
  t->issued_at = mado_api_rfc3339 (call->now);
  t->status = MADO_TICKET_STATUS_WAITING;
  t->draft_id = g_strdup (draft_id);
  if (!mado_registry_store_issue_ticket (call->store, t, error))
    return FALSE;
  *answer = ticket_answer (t);
  *status = 201;
  return TRUE;
}

static gboolean
write_block (MadoApiCall *call, guint *status, JsonNode **answer, gpointer user_data,
             GError **error)
{
  (void)user_data;
  JsonObject *o = json_node_get_object (call->body);
  const char *category = mado_api_member_string (o, "category");
  JsonNode *count = json_object_get_member (o, "count");
  gint64 n = count != NULL && JSON_NODE_HOLDS_VALUE (count)
                     && json_node_get_value_type (count) == G_TYPE_INT64
                 ? json_node_get_int (count)
                 : 0;
  if (!is_category (category) || n < 1 || n > 200)
    {
      mado_api_fail (call, error, 400, "api.invalid",
                     "category (A–Z) and count (1–200) are required");
      return FALSE;
    }
  g_autofree char *day = mado_api_day (call->now);
  guint first = 0, last = 0;
  if (!mado_registry_store_reserve_ticket_block (call->store, category, day, (guint)n, &first,
                                                 &last, error))
    return FALSE;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "category");
  json_builder_add_string_value (b, category);
  json_builder_set_member_name (b, "day");
  json_builder_add_string_value (b, day);
  json_builder_set_member_name (b, "first");
  json_builder_add_int_value (b, first);
  json_builder_set_member_name (b, "last");
  json_builder_add_int_value (b, last);
  json_builder_end_object (b);
  *answer = json_builder_get_root (b);
  *status = 201;
  return TRUE;
}

static gboolean
write_offline (MadoApiCall *call, guint *status, JsonNode **answer, gpointer user_data,
               GError **error)
{
  (void)user_data;
  g_autoptr (MadoQueueTicket) t = mado_queue_ticket_new_from_json (call->body, error);
  if (t == NULL)
    return FALSE;
  if (!t->offline || t->number == 0)
    {
      mado_api_fail (call, error, 400, "api.invalid",
                     "an offline ticket carries offline: true and its number");
      return FALSE;
    }
  if (!mado_registry_store_put_offline_ticket (call->store, t, error))
    return FALSE;
  *answer = ticket_answer (t);
  *status = 201;
  return TRUE;
}

static gboolean
write_call_next (MadoApiCall *call, guint *status, JsonNode **answer, gpointer user_data,
                 GError **error)
{
  (void)user_data;
  JsonObject *o = json_node_get_object (call->body);
  const char *counter = mado_api_member_string (o, "counter");
  JsonNode *cats = json_object_get_member (o, "categories");
  if (counter == NULL || *counter == '\0' || cats == NULL || !JSON_NODE_HOLDS_ARRAY (cats))
    {
      mado_api_fail (call, error, 400, "api.invalid",
                     "categories (array) and counter are required");
      return FALSE;
    }
  JsonArray *arr = json_node_get_array (cats);
  g_autoptr (GPtrArray) list = g_ptr_array_new ();
  for (guint i = 0; i < json_array_get_length (arr) && i < 26; i++)
    {
      JsonNode *e = json_array_get_element (arr, i);
      const char *c = JSON_NODE_HOLDS_VALUE (e) && json_node_get_value_type (e) == G_TYPE_STRING
                          ? json_node_get_string (e)
                          : NULL;
      if (!is_category (c))
        {
          mado_api_fail (call, error, 400, "api.invalid", "categories are letters A–Z");
          return FALSE;
        }
      g_ptr_array_add (list, (gpointer)c);
    }
  g_ptr_array_add (list, NULL);
  g_autofree char *day = mado_api_day (call->now);
  g_autoptr (GError) local = NULL;
  g_autoptr (MadoQueueTicket) t = mado_registry_store_call_next_ticket (
      call->store, (const char *const *)list->pdata, day, counter, &local);
  if (t == NULL)
    {
      if (g_error_matches (local, MADO_REGISTRY_ERROR, MADO_REGISTRY_ERROR_NOT_FOUND))
        mado_api_fail (call, error, 404, "queue.empty", "nobody is waiting");
      else
        g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  *answer = ticket_answer (t);
  *status = 200;
  return TRUE;
}

static gboolean
write_status (MadoApiCall *call, guint *status, JsonNode **answer, gpointer user_data,
              GError **error)
{
  const char *id = user_data;
  JsonObject *o = json_node_get_object (call->body);
  const char *wanted = mado_api_member_string (o, "status");
  const char *counter = mado_api_member_string (o, "counter");
  int to = -1;
  for (guint i = 0; wanted != NULL && i < G_N_ELEMENTS (status_names); i++)
    if (strcmp (wanted, status_names[i]) == 0)
      to = (int)i;
  if (to < 0)
    {
      mado_api_fail (call, error, 400, "api.invalid", "unknown ticket status");
      return FALSE;
    }
  g_autoptr (MadoQueueTicket) t = mado_registry_store_get_ticket (call->store, id, error);
  if (t == NULL)
    return FALSE;
  t->status = (MadoTicketStatus)to;
  if (counter != NULL)
    {
      g_free (t->counter);
      t->counter = g_strdup (counter);
    }
  if (!mado_registry_store_update_ticket (call->store, t, error))
    return FALSE;
  *answer = ticket_answer (t);
  *status = 200;
  return TRUE;
}

static MadoHttpResponse *
list_today (MadoApiCall *call)
{
  g_autofree char *wanted = mado_http_request_dup_query_param (call->request, "status");
  int status = -1;
  for (guint i = 0; wanted != NULL && i < G_N_ELEMENTS (status_names); i++)
    if (strcmp (wanted, status_names[i]) == 0)
      status = (int)i;
  if (wanted != NULL && status < 0)
    return mado_api_error (400, "api.invalid", "unknown ticket status");
  g_autofree char *day = mado_api_day (call->now);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) tickets
      = mado_registry_store_list_tickets (call->store, day, status, &error);
  if (tickets == NULL)
    return mado_api_error_from_gerror (error);
  JsonArray *arr = json_array_new ();
  for (guint i = 0; i < tickets->len; i++)
    json_array_add_element (arr, ticket_answer (g_ptr_array_index (tickets, i)));
  JsonObject *o = json_object_new ();
  json_object_set_string_member (o, "day", day);
  json_object_set_array_member (o, "tickets", arr);
  JsonNode *node = json_node_init_object (json_node_alloc (), o);
  json_object_unref (o);
  return mado_api_json (200, node);
}

MadoHttpResponse *
mado_api_route_tickets (MadoApiCall *call)
{
  char **s = call->segments;
  guint n = call->n_segments;
  MadoHttpResponse *refused = NULL;
  gboolean post = strcmp (call->request->method, "POST") == 0;

  if (n < 1 || strcmp (s[0], "tickets") != 0)
    return NULL;
  if (n == 1 && strcmp (call->request->method, "GET") == 0)
    {
      if ((refused = mado_api_require (call, MADO_API_NEED_CLERK)) != NULL)
        return refused;
      return list_today (call);
    }
  if (!post)
    return NULL;
  MadoApiWriteFunc func = NULL;
  MadoApiNeed need = MADO_API_NEED_TERMINAL;
  gpointer data = NULL;
  if (n == 1)
    func = write_ticket;
  else if (n == 2 && strcmp (s[1], "offline-blocks") == 0)
    func = write_block;
  else if (n == 2 && strcmp (s[1], "offline") == 0)
    func = write_offline;
  else if (n == 2 && strcmp (s[1], "call-next") == 0)
    func = write_call_next, need = MADO_API_NEED_CLERK;
  else if (n == 3 && strcmp (s[2], "status") == 0)
    func = write_status, need = MADO_API_NEED_CLERK, data = s[1];
  else
    return NULL;
  if ((refused = mado_api_require (call, need)) != NULL
      || (refused = mado_api_parse_body (call, TRUE)) != NULL)
    return refused;
  return mado_api_idempotent_write (call, func, data);
}

/* ---- public ------------------------------------------------------------------------------------
 */

static MadoHttpResponse *
public_ticket (MadoApiCall *call, const char *id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoQueueTicket) t = mado_registry_store_get_ticket (call->store, id, &error);
  if (t == NULL)
    return mado_api_error (404, "registry.not-found", "no such ticket");
  g_autofree char *day = g_strndup (t->issued_at, 10);
  g_autoptr (GPtrArray) waiting
      = mado_registry_store_list_tickets (call->store, day, MADO_TICKET_STATUS_WAITING, &error);
  if (waiting == NULL)
    return mado_api_error_from_gerror (error);
  guint ahead = 0;
  if (t->status == MADO_TICKET_STATUS_WAITING)
    for (guint i = 0; i < waiting->len; i++)
      {
        MadoQueueTicket *w = g_ptr_array_index (waiting, i);
        if (strcmp (w->category, t->category) == 0 && w->number < t->number)
          ahead++;
      }
  g_autofree char *display = mado_queue_ticket_format_number (t);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "display_number");
  json_builder_add_string_value (b, display);
  json_builder_set_member_name (b, "service");
  json_builder_add_string_value (b, t->service);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, status_names[t->status]);
  json_builder_set_member_name (b, "waiting_ahead");
  json_builder_add_int_value (b, ahead);
  if (t->counter != NULL)
    {
      json_builder_set_member_name (b, "counter");
      json_builder_add_string_value (b, t->counter);
    }
  json_builder_end_object (b);
  return mado_api_json (200, json_builder_get_root (b));
}

static MadoHttpResponse *
public_board (MadoApiCall *call)
{
  g_autofree char *day = mado_api_day (call->now);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) all = mado_registry_store_list_tickets (call->store, day, -1, &error);
  if (all == NULL)
    return mado_api_error_from_gerror (error);
  guint waiting[26] = { 0 };
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "day");
  json_builder_add_string_value (b, day);
  json_builder_set_member_name (b, "called");
  json_builder_begin_array (b);
  for (guint i = 0; i < all->len; i++)
    {
      MadoQueueTicket *t = g_ptr_array_index (all, i);
      if (t->status == MADO_TICKET_STATUS_WAITING)
        waiting[t->category[0] - 'A']++;
      if (t->status != MADO_TICKET_STATUS_CALLED)
        continue;
      g_autofree char *display = mado_queue_ticket_format_number (t);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "display_number");
      json_builder_add_string_value (b, display);
      json_builder_set_member_name (b, "counter");
      json_builder_add_string_value (b, t->counter != NULL ? t->counter : "");
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "waiting");
  json_builder_begin_object (b);
  for (guint i = 0; i < 26; i++)
    if (waiting[i] > 0)
      {
        char name[2] = { (char)('A' + i), '\0' };
        json_builder_set_member_name (b, name);
        json_builder_add_int_value (b, waiting[i]);
      }
  json_builder_end_object (b);
  json_builder_end_object (b);
  return mado_api_json (200, json_builder_get_root (b));
}

MadoHttpResponse *
mado_api_route_public (MadoApiCall *call)
{
  char **s = call->segments;
  guint n = call->n_segments;
  if (strcmp (call->request->method, "GET") != 0)
    return mado_api_error (405, "api.method", "the public listener only reads");
  if (n == 3 && strcmp (s[1], "tickets") == 0)
    return public_ticket (call, s[2]);
  if (n == 2 && strcmp (s[1], "board") == 0)
    return public_board (call);
  if (n == 3 && strcmp (s[1], "issuances") == 0)
    return mado_api_public_issuance (call, s[2]);
  return NULL;
}
