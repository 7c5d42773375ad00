/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-api-drafts.c — move drafts (異動届): made at a kiosk or a console (draft or submitted),
 * then 仮登録 by a clerk, 本登録 by a supervisor who is not that clerk, or rejected with a
 * reason. Status changes carry the status they expect, so two clerks cannot both act on one
 * draft.
 *
 *   POST /v1/move-drafts                      terminal, idempotent   MadoMoveDraft (docs/model.md):
 *                                             the terminal names the draft (it may be offline)
 *   GET  /v1/move-drafts?status=submitted     clerk
 *   GET  /v1/move-drafts/{id}                 the terminal that made it, or a clerk
 *   POST /v1/move-drafts/{id}/submit          the terminal that made it, or a clerk; idempotent
 *   POST /v1/move-drafts/{id}/provisional     clerk; idempotent
 *   POST /v1/move-drafts/{id}/register        supervisor, not the clerk of the 仮登録; idempotent
 *   POST /v1/move-drafts/{id}/reject          clerk; idempotent {reason}
 */
#define G_LOG_DOMAIN "mado-registry"

#include <string.h>

#include "mado-api-private.h"

static gboolean
is_qr_id (const char *id)
{
  gsize n = id != NULL ? strlen (id) : 0;
  if (n == 0 || n > 32)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isdigit (id[i]) && !g_ascii_isupper (id[i]) && id[i] != '-')
      return FALSE;
  return TRUE;
}

static gboolean
write_new_draft (MadoApiCall *call, guint *status, JsonNode **answer, gpointer user_data,
                 GError **error)
{
  (void)user_data;
  g_autoptr (MadoMoveDraft) draft = mado_move_draft_new_from_json (call->body, error);
  if (draft == NULL)
    return FALSE;
  if (draft->status != MADO_MOVE_STATUS_DRAFT && draft->status != MADO_MOVE_STATUS_SUBMITTED)
    {
      mado_api_fail (call, error, 400, "api.invalid",
                     "a new draft is either draft or submitted; clerks change it afterwards");
      return FALSE;
    }
  if (draft->provisional_by != NULL || draft->registered_by != NULL
      || draft->rejection_reason != NULL)
    {
      mado_api_fail (call, error, 400, "api.invalid",
                     "provisional_by, registered_by and rejection_reason are the registry's");
      return FALSE;
    }
  if (!is_qr_id (draft->draft_id))
    {
      mado_api_fail (call, error, 400, "api.invalid", "draft_id must be 1–32 of A–Z 0–9 -");
      return FALSE;
    }
  /* The terminal is the one that sent it, whatever the body says. */
  g_free (draft->terminal);
  draft->terminal = g_strdup (call->terminal->terminal_id);
  if (!mado_registry_store_put_move_draft (call->store, draft, error))
    return FALSE;
  *answer = mado_move_draft_to_json (draft);
  *status = 201;
  return TRUE;
}

typedef struct
{
  const char *id;
  MadoMoveStatus to;
} ChangeAsk;

static gboolean
write_change (MadoApiCall *call, guint *status, JsonNode **answer, gpointer user_data,
              GError **error)
{
  ChangeAsk *ask = user_data;
  g_autoptr (MadoMoveDraft) draft
      = mado_registry_store_get_move_draft (call->store, ask->id, error);
  if (draft == NULL)
    return FALSE;
  if (call->operator_ == NULL && g_strcmp0 (draft->terminal, call->terminal->terminal_id) != 0)
    {
      mado_api_fail (call, error, 404, "registry.not-found", "no such draft here");
      return FALSE;
    }
  MadoMoveStatus before = draft->status;
  JsonObject *o = call->body != NULL ? json_node_get_object (call->body) : NULL;
  const char *reason = o != NULL ? mado_api_member_string (o, "reason") : NULL;
  const char *actor = call->operator_ != NULL ? call->operator_->login : NULL;
  if (ask->to == MADO_MOVE_STATUS_REGISTERED && g_strcmp0 (actor, draft->provisional_by) == 0)
    {
      mado_api_fail (call, error, 403, "draft.same-clerk",
                     "the clerk of the 仮登録 cannot also make the 本登録");
      return FALSE;
    }
  if (!mado_move_draft_change_status (draft, ask->to, actor, reason, error)
      || !mado_registry_store_update_move_draft (call->store, draft, before, error))
    return FALSE;
  *answer = mado_move_draft_to_json (draft);
  *status = 200;
  return TRUE;
}

static MadoHttpResponse *
list_drafts (MadoApiCall *call)
{
  g_autofree char *status = mado_http_request_dup_query_param (call->request, "status");
  int wanted = -1;
  static const char *const names[]
      = { "draft", "submitted", "provisional", "registered", "rejected" };
  if (status != NULL)
    {
      for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        if (strcmp (status, names[i]) == 0)
          wanted = (int)i;
      if (wanted < 0)
        return mado_api_error (400, "api.invalid", "unknown status");
    }
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) drafts
      = mado_registry_store_list_move_drafts (call->store, wanted, 500, &error);
  if (drafts == NULL)
    return mado_api_error_from_gerror (error);
  JsonArray *arr = json_array_new ();
  for (guint i = 0; i < drafts->len; i++)
    json_array_add_element (arr, mado_move_draft_to_json (g_ptr_array_index (drafts, i)));
  JsonObject *o = json_object_new ();
  json_object_set_array_member (o, "drafts", arr);
  JsonNode *node = json_node_init_object (json_node_alloc (), o);
  json_object_unref (o);
  return mado_api_json (200, node);
}

MadoHttpResponse *
mado_api_route_drafts (MadoApiCall *call)
{
  char **s = call->segments;
  guint n = call->n_segments;
  MadoHttpResponse *refused = NULL;
  gboolean post = strcmp (call->request->method, "POST") == 0;
  gboolean get = strcmp (call->request->method, "GET") == 0;

  if (n < 1 || strcmp (s[0], "move-drafts") != 0)
    return NULL;
  if (n == 1 && post)
    {
      if ((refused = mado_api_parse_body (call, TRUE)) != NULL)
        return refused;
      return mado_api_idempotent_write (call, write_new_draft, NULL);
    }
  if (n == 1 && get)
    {
      if ((refused = mado_api_require (call, MADO_API_NEED_CLERK)) != NULL)
        return refused;
      return list_drafts (call);
    }
  if (n == 2 && get)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (MadoMoveDraft) draft
          = mado_registry_store_get_move_draft (call->store, s[1], &error);
      if (draft == NULL)
        return mado_api_error_from_gerror (error);
      if (call->operator_ == NULL && g_strcmp0 (draft->terminal, call->terminal->terminal_id) != 0)
        return mado_api_error (404, "registry.not-found", "no such draft here");
      return mado_api_json (200, mado_move_draft_to_json (draft));
    }
  if (n == 3 && post)
    {
      static const struct
      {
        const char *action;
        MadoMoveStatus to;
        MadoApiNeed need;
      } actions[] = {
        { "submit", MADO_MOVE_STATUS_SUBMITTED, MADO_API_NEED_TERMINAL },
        { "provisional", MADO_MOVE_STATUS_PROVISIONAL, MADO_API_NEED_CLERK },
        { "register", MADO_MOVE_STATUS_REGISTERED, MADO_API_NEED_SUPERVISOR },
        { "reject", MADO_MOVE_STATUS_REJECTED, MADO_API_NEED_CLERK },
      };
      for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
        if (strcmp (s[2], actions[i].action) == 0)
          {
            if ((refused = mado_api_require (call, actions[i].need)) != NULL
                || (refused = mado_api_parse_body (call, FALSE)) != NULL)
              return refused;
            ChangeAsk ask = { s[1], actions[i].to };
            return mado_api_idempotent_write (call, write_change, &ask);
          }
    }
  return NULL;
}
