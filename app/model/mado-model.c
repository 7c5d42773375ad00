/* SPDX-License-Identifier: GPL-3.0-or-later
 * mado-model.c — object kinds by name.
 */
#include "mado-model.h"

#include "mado-model-schema-tables.h"

static const struct
{
  const char *name;
  const MadoModelSchema *schema;
} kinds[MADO_MODEL_KIND_COUNT] = {
  { "address", &mado_address_schema },
  { "person", &mado_person_schema },
  { "household", &mado_household_schema },
  { "history_entry", &mado_history_entry_schema },
  { "issuance_block", &mado_issuance_block_schema },
  { "move_draft", &mado_move_draft_schema },
  { "queue_ticket", &mado_queue_ticket_schema },
  { "issuance", &mado_issuance_schema },
  { "seal_registration", &mado_seal_registration_schema },
};

const char *
mado_model_kind_to_string (MadoModelKind kind)
{
  return kind < MADO_MODEL_KIND_COUNT ? kinds[kind].name : NULL;
}

gboolean
mado_model_kind_from_string (const char *name, MadoModelKind *out)
{
  for (int i = 0; i < MADO_MODEL_KIND_COUNT; i++)
    if (g_strcmp0 (name, kinds[i].name) == 0)
      {
        *out = (MadoModelKind)i;
        return TRUE;
      }
  return FALSE;
}

JsonNode *
mado_model_normalize (MadoModelKind kind, JsonNode *node, GError **error)
{
  g_return_val_if_fail (kind < MADO_MODEL_KIND_COUNT, NULL);
  const MadoModelSchema *schema = kinds[kind].schema;
  gpointer object = mado_model_object_from_json (schema, node, "", error);
  if (object == NULL)
    return NULL;
  JsonNode *out = mado_model_object_to_json (schema, object);
  mado_model_object_free (schema, object);
  return out;
}
