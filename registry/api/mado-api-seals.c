/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-api-seals.c — 印鑑登録 (seal registration) at the counter: a clerk registers a resident's
 * 印影 under the number of the 印鑑登録証 handed over, or abolishes it (廃止); the 印鑑登録証明書
 * (mado-api-certificates.c) needs a registered seal.
 *
 *   POST /v1/seal-registrations                  clerk, idempotent {registration_number,
 *                                                atena_number, seal_image_png, card_number?}
 *   POST /v1/seal-registrations/{n}/abolish      clerk, idempotent {reason?}
 *   GET  /v1/persons/{atena}/seal-registration   clerk (routed in mado-api-identity.c)
 */
#define G_LOG_DOMAIN "mado-registry"

#include <string.h>

#include "mado-api-private.h"

static gboolean
write_register (MadoApiCall *call, guint *status, JsonNode **answer, gpointer user_data,
                GError **error)
{
  (void)user_data;
  JsonObject *o = json_node_get_object (call->body);
  const char *atena = mado_api_member_string (o, "atena_number");
  g_autoptr (MadoPerson) person
      = atena != NULL ? mado_registry_store_get_person (call->store, atena, error) : NULL;
  if (person == NULL)
    {
      if (atena == NULL)
        mado_api_fail (call, error, 400, "api.invalid", "atena_number is required");
      return FALSE;
    }
  if (person->status != MADO_RESIDENT_STATUS_RESIDENT)
    {
      mado_api_fail (call, error, 403, "seal.not-resident",
                     "住民登録のない方の印鑑は登録できません。");
      return FALSE;
    }
  /* The registration as the model reads it: the clerk's members plus status and day. */
  g_autoptr (JsonNode) node = json_node_copy (call->body);
  JsonObject *ro = json_node_get_object (node);
  g_autofree char *day = mado_api_day (call->now);
  json_object_set_string_member (ro, "status", "registered");
  json_object_set_string_member (ro, "registered_on", day);
  g_autoptr (MadoSealRegistration) reg = mado_seal_registration_new_from_json (node, error);
  if (reg == NULL || !mado_registry_store_put_seal_registration (call->store, reg, error))
    return FALSE;
  *answer = mado_seal_registration_to_json (reg);
  *status = 201;
  return TRUE;
}

static gboolean
write_abolish (MadoApiCall *call, guint *status, JsonNode **answer, gpointer user_data,
               GError **error)
{
  const char *number = user_data;
  JsonObject *o = call->body != NULL ? json_node_get_object (call->body) : NULL;
  const char *reason = o != NULL ? mado_api_member_string (o, "reason") : NULL;
  g_autoptr (MadoSealRegistration) reg
      = mado_registry_store_get_seal_registration (call->store, number, error);
  if (reg == NULL)
    return FALSE;
  g_autofree char *day = mado_api_day (call->now);
  if (!mado_seal_registration_abolish (reg, day, reason, error)
      || !mado_registry_store_put_seal_registration (call->store, reg, error))
    return FALSE;
  *answer = mado_seal_registration_to_json (reg);
  *status = 200;
  return TRUE;
}

MadoHttpResponse *
mado_api_route_seals (MadoApiCall *call)
{
  char **s = call->segments;
  guint n = call->n_segments;
  MadoHttpResponse *refused = NULL;

  if (n < 1 || strcmp (s[0], "seal-registrations") != 0
      || strcmp (call->request->method, "POST") != 0)
    return NULL;
  if ((refused = mado_api_require (call, MADO_API_NEED_CLERK)) != NULL)
    return refused;
  if (n == 1)
    {
      if ((refused = mado_api_parse_body (call, TRUE)) != NULL)
        return refused;
      return mado_api_idempotent_write (call, write_register, NULL);
    }
  if (n == 3 && strcmp (s[2], "abolish") == 0)
    {
      if ((refused = mado_api_parse_body (call, FALSE)) != NULL)
        return refused;
      return mado_api_idempotent_write (call, write_abolish, s[1]);
    }
  return NULL;
}

MadoHttpResponse *
mado_api_get_seal_registration (MadoApiCall *call, const char *atena)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MadoSealRegistration) reg
      = mado_registry_store_find_seal_registration (call->store, atena, &error);
  if (reg == NULL)
    return mado_api_error_from_gerror (error);
  return mado_api_json (200, mado_seal_registration_to_json (reg));
}
